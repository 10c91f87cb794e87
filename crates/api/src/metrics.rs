//! Request counters and the latency histogram of `/metrics`, kept in memory per process,
//! and the Prometheus text format they are written in. Hand-written: a few maps behind a
//! mutex cost less than a metrics crate, and the exposition format is plain text.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Duration;

/// The upper bounds of the latency buckets, in seconds.
pub const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Debug, Default, Clone)]
struct Histogram {
    /// Observations at or below each bound of [`BUCKETS`] (not cumulative here).
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Debug, Default)]
struct Counters {
    requests: BTreeMap<(String, String, u16), u64>,
    latency: BTreeMap<String, Histogram>,
}

/// The request metrics of this process.
#[derive(Debug, Default)]
pub struct Metrics {
    counters: Mutex<Counters>,
}

impl Metrics {
    /// Counts one answered request of `route` (the template) and its duration.
    pub fn record(&self, method: &str, route: &str, status: u16, took: Duration) {
        let mut counters = match self.counters.lock() {
            Ok(c) => c,
            Err(poisoned) => poisoned.into_inner(),
        };
        *counters
            .requests
            .entry((method.to_owned(), route.to_owned(), status))
            .or_default() += 1;
        let seconds = took.as_secs_f64();
        let histogram = counters.latency.entry(route.to_owned()).or_default();
        if let Some(i) = BUCKETS.iter().position(|bound| seconds <= *bound) {
            histogram.buckets[i] += 1;
        }
        histogram.count += 1;
        histogram.sum += seconds;
    }

    /// The counters and the histogram in the Prometheus text format.
    pub fn render(&self, out: &mut String) {
        let counters = match self.counters.lock() {
            Ok(c) => c,
            Err(poisoned) => poisoned.into_inner(),
        };
        header(
            out,
            "subsidie_http_requests_total",
            "counter",
            "Beantwoorde verzoeken per methode, route en status.",
        );
        for ((method, route, status), n) in &counters.requests {
            let _ = writeln!(
                out,
                "subsidie_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{status}\"}} {n}",
                label(method),
                label(route)
            );
        }
        header(
            out,
            "subsidie_http_request_duration_seconds",
            "histogram",
            "Duur van een verzoek per route, in seconden.",
        );
        for (route, h) in &counters.latency {
            let route = label(route);
            let mut cumulative = 0;
            for (bound, n) in BUCKETS.iter().zip(h.buckets) {
                cumulative += n;
                let _ = writeln!(out, "subsidie_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {cumulative}");
            }
            let _ = writeln!(
                out,
                "subsidie_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                out,
                "subsidie_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                h.sum
            );
            let _ = writeln!(
                out,
                "subsidie_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                h.count
            );
        }
    }
}

/// The `# HELP` and `# TYPE` lines of a metric.
pub fn header(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

/// A label value escaped as the text format asks: backslash, quote and newline.
pub fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_cumulative_buckets() {
        let m = Metrics::default();
        m.record("GET", "/health", 200, Duration::from_millis(3));
        m.record("GET", "/health", 200, Duration::from_millis(30));
        m.record("GET", "/health", 503, Duration::from_secs(20));
        let mut out = String::new();
        m.render(&mut out);
        assert!(out.contains(
            "subsidie_http_requests_total{method=\"GET\",route=\"/health\",status=\"200\"} 2"
        ));
        assert!(out.contains("le=\"0.005\"} 1"));
        assert!(out.contains("le=\"0.05\"} 2"));
        assert!(out.contains("le=\"10\"} 2"));
        assert!(out.contains("le=\"+Inf\"} 3"));
        assert_eq!(label("a\"b\\"), "a\\\"b\\\\");
    }
}
