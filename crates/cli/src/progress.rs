//! A progress line on standard error for work that takes a while (allocation, export,
//! the demo, a large seed): what is being done and for how long, redrawn in place a few
//! times a second. Only on a terminal: piped or redirected, standard error gets nothing,
//! so logs and scripts see no carriage returns.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How often the line is redrawn.
const TICK: Duration = Duration::from_millis(200);

/// True when standard error is a terminal, the only place a progress line belongs.
pub fn stderr_is_terminal() -> bool {
    std::io::stderr().is_terminal()
}

/// The line for `label` after `elapsed`, with `bytes` written so far when counting.
pub fn line(label: &str, elapsed: Duration, bytes: Option<u64>) -> String {
    let seconds = elapsed.as_secs();
    let written = bytes.map_or_else(String::new, |b| format!(", {} geschreven", size(b)));
    format!(
        "\r{label} … {}:{:02}{written}\x1b[K",
        seconds / 60,
        seconds % 60
    )
}

fn size(bytes: u64) -> String {
    // Dutch decimal comma, one decimal: 12,3 MB.
    let (value, unit) = match bytes {
        b if b >= 1 << 30 => (b as f64 / f64::from(1u32 << 30), "GB"),
        b if b >= 1 << 20 => (b as f64 / f64::from(1u32 << 20), "MB"),
        b if b >= 1 << 10 => (b as f64 / 1024.0, "kB"),
        b => return format!("{b} bytes"),
    };
    format!("{value:.1} {unit}").replace('.', ",")
}

/// Runs `work` with a progress line for `label` on standard error when that is a
/// terminal; `bytes`, when given, is shown as it grows. The line is cleared at the end.
pub fn during<T>(label: &str, bytes: Option<Arc<AtomicU64>>, work: impl FnOnce() -> T) -> T {
    during_on(stderr_is_terminal(), std::io::stderr(), label, bytes, work)
}

/// As [`during`], drawing on `sink` when `terminal` (tests pass both).
pub fn during_on<T, W: Write + Send + 'static>(
    terminal: bool,
    mut sink: W,
    label: &str,
    bytes: Option<Arc<AtomicU64>>,
    work: impl FnOnce() -> T,
) -> T {
    if !terminal {
        return work();
    }
    let done = Arc::new(AtomicBool::new(false));
    let ticker = {
        let (done, label) = (done.clone(), label.to_owned());
        std::thread::spawn(move || {
            let start = Instant::now();
            loop {
                let count = bytes.as_ref().map(|b| b.load(Ordering::Relaxed));
                let _ = sink.write_all(line(&label, start.elapsed(), count).as_bytes());
                let _ = sink.flush();
                if done.load(Ordering::Relaxed) {
                    let _ = sink.write_all(b"\r\x1b[K");
                    let _ = sink.flush();
                    return;
                }
                std::thread::sleep(TICK);
            }
        })
    };
    let result = work();
    done.store(true, Ordering::Relaxed);
    let _ = ticker.join();
    result
}

/// A writer that counts the bytes that pass, for the progress line of an export.
pub struct Counting<W> {
    inner: W,
    count: Arc<AtomicU64>,
}

impl<W: Write> Counting<W> {
    /// Wraps `inner`; the counter is shared with the progress line.
    pub fn new(inner: W) -> (Counting<W>, Arc<AtomicU64>) {
        let count = Arc::new(AtomicU64::new(0));
        (
            Counting {
                inner,
                count: count.clone(),
            },
            count,
        )
    }

    /// The wrapped writer.
    pub fn into_inner(self) -> W {
        self.inner
    }
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn nothing_is_drawn_when_standard_error_is_no_terminal() {
        let sink = Shared::default();
        let answer = during_on(false, sink.clone(), "export", None, || 42);
        assert_eq!(answer, 42);
        assert!(sink.0.lock().unwrap().is_empty());
    }

    #[test]
    fn on_a_terminal_the_line_is_drawn_in_place_and_cleared() {
        let sink = Shared::default();
        let (mut out, count) = Counting::new(Vec::new());
        during_on(true, sink.clone(), "export", Some(count), || {
            out.write_all(&[0; 3000]).unwrap();
            std::thread::sleep(Duration::from_millis(250));
        });
        let text = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
        assert!(text.starts_with("\rexport … 0:00"), "{text:?}");
        assert!(text.contains("2,9 kB geschreven"), "{text:?}");
        assert!(text.ends_with("\r\x1b[K"), "{text:?}");
    }

    #[test]
    fn the_line_reads_minutes_seconds_and_size() {
        assert_eq!(
            line("toewijzing", Duration::from_secs(75), Some(5 << 20)),
            "\rtoewijzing … 1:15, 5,0 MB geschreven\x1b[K"
        );
        assert_eq!(line("seed", Duration::ZERO, None), "\rseed … 0:00\x1b[K");
    }
}
