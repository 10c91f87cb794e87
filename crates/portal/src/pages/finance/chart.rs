//! Charts as SVG, drawn on the server: no chart library runs in the browser. Each chart is
//! an image for assistive technology (`role="img"` with a `<title>` and a `<desc>`); the
//! page shows the same figures as a table beside it, which is the readable equivalent.
//! Bars are scaled to the largest value, so a ceiling and what is spent of it compare at
//! a glance; every bar carries its amount in Dutch notation.

use std::fmt::Write;

use crate::view;

/// One bar: its label, its value in cents and its colour class.
pub(crate) struct Bar<'a> {
    pub(crate) label: &'a str,
    pub(crate) cents: i64,
    pub(crate) class: &'a str,
}

const WIDTH: i64 = 640;
const LABEL: i64 = 150;
const ROW: i64 = 30;
const BAR: i64 = 20;
const AMOUNT_ROOM: i64 = 150;

/// Escapes text for SVG (XML).
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The length of a bar of `cents` when `max` takes `room` units.
fn scaled(cents: i64, max: i64, room: i64) -> i64 {
    if max <= 0 || cents <= 0 {
        return 0;
    }
    let len = i128::from(cents) * i128::from(room) / i128::from(max);
    // A bar for a few cents stays visible.
    i64::try_from(len).unwrap_or(room).clamp(1, room)
}

/// A horizontal bar chart with id `id`, titled `title`, described by `desc`.
pub(crate) fn bars(id: &str, title: &str, desc: &str, bars: &[Bar<'_>]) -> String {
    let height = ROW * i64::try_from(bars.len()).unwrap_or(0) + 10;
    let max = bars.iter().map(|b| b.cents).max().unwrap_or(0);
    let room = WIDTH - LABEL - AMOUNT_ROOM;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"portaal-grafiek\" role=\"img\" aria-labelledby=\"{id}-titel {id}-uitleg\" \
         viewBox=\"0 0 {WIDTH} {height}\" xmlns=\"http://www.w3.org/2000/svg\">\
         <title id=\"{id}-titel\">{}</title><desc id=\"{id}-uitleg\">{}</desc>",
        escape(title),
        escape(desc)
    );
    for (i, b) in bars.iter().enumerate() {
        let y = ROW * i64::try_from(i).unwrap_or(0) + 5;
        let len = scaled(b.cents, max, room);
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"portaal-grafiek__label\">{}</text>\
             <rect x=\"{LABEL}\" y=\"{y}\" width=\"{len}\" height=\"{BAR}\" class=\"portaal-grafiek__{}\"></rect>\
             <text x=\"{}\" y=\"{}\" class=\"portaal-grafiek__bedrag\">{}</text>",
            LABEL - 8,
            y + 15,
            escape(b.label),
            escape(b.class),
            LABEL + len + 6,
            y + 15,
            escape(&view::amount(b.cents)),
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A column chart of amounts per period (`(label, cents)`), oldest first.
pub(crate) fn columns(id: &str, title: &str, desc: &str, points: &[(String, i64)]) -> String {
    const HEIGHT: i64 = 220;
    const BASE: i64 = 180;
    const TOP: i64 = 30;
    let n = i64::try_from(points.len()).unwrap_or(0).max(1);
    let slot = (WIDTH - 20) / n;
    let width = (slot * 2 / 3).clamp(4, 60);
    let max = points.iter().map(|p| p.1).max().unwrap_or(0);
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"portaal-grafiek\" role=\"img\" aria-labelledby=\"{id}-titel {id}-uitleg\" \
         viewBox=\"0 0 {WIDTH} {HEIGHT}\" xmlns=\"http://www.w3.org/2000/svg\">\
         <title id=\"{id}-titel\">{}</title><desc id=\"{id}-uitleg\">{}</desc>\
         <line x1=\"10\" y1=\"{BASE}\" x2=\"{}\" y2=\"{BASE}\" class=\"portaal-grafiek__as\"></line>",
        escape(title),
        escape(desc),
        WIDTH - 10,
    );
    for (i, (label, cents)) in points.iter().enumerate() {
        let x = 10 + slot * i64::try_from(i).unwrap_or(0) + (slot - width) / 2;
        let h = scaled(*cents, max, BASE - TOP);
        let mid = x + width / 2;
        let _ = write!(
            svg,
            "<rect x=\"{x}\" y=\"{}\" width=\"{width}\" height=\"{h}\" class=\"portaal-grafiek__betaald\"></rect>\
             <text x=\"{mid}\" y=\"{}\" text-anchor=\"middle\" class=\"portaal-grafiek__label\">{}</text>\
             <text x=\"{mid}\" y=\"{}\" text-anchor=\"middle\" class=\"portaal-grafiek__bedrag\">{}</text>",
            BASE - h,
            BASE + 18,
            escape(label),
            BASE - h - 6,
            escape(&view::amount(*cents)),
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A month key `2025-03` as people say it: `maart 2025`.
pub(crate) fn month(key: &str) -> String {
    const MONTHS: [&str; 12] = [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ];
    let mut parts = key.splitn(2, '-');
    match (
        parts.next(),
        parts.next().and_then(|m| m.parse::<usize>().ok()),
    ) {
        (Some(y), Some(m)) if (1..=12).contains(&m) => format!("{} {y}", MONTHS[m - 1]),
        _ => key.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bar_chart_is_an_image_with_its_title_and_every_amount() {
        let svg = bars(
            "g1",
            "Budget <Uitvoering>",
            "Plafond tegen besteed",
            &[
                Bar {
                    label: "Plafond",
                    cents: 100_000_000,
                    class: "plafond",
                },
                Bar {
                    label: "Betaald",
                    cents: 25_000_050,
                    class: "betaald",
                },
                Bar {
                    label: "Teruggevorderd",
                    cents: 0,
                    class: "terug",
                },
            ],
        );
        assert!(svg.starts_with(
            "<svg class=\"portaal-grafiek\" role=\"img\" aria-labelledby=\"g1-titel g1-uitleg\""
        ));
        assert!(svg.contains("<title id=\"g1-titel\">Budget &lt;Uitvoering&gt;</title>"));
        assert!(svg.contains("€ 1.000.000,00"));
        assert!(svg.contains("€ 250.000,50"));
        // The ceiling takes the whole room, a quarter of it a quarter, nothing no bar.
        assert!(svg.contains("width=\"340\" height=\"20\" class=\"portaal-grafiek__plafond\""));
        assert!(svg.contains("width=\"85\" height=\"20\" class=\"portaal-grafiek__betaald\""));
        assert!(svg.contains("width=\"0\" height=\"20\" class=\"portaal-grafiek__terug\""));
    }

    #[test]
    fn a_tiny_amount_stays_visible_and_huge_ones_do_not_overflow() {
        assert_eq!(scaled(1, i64::MAX, 340), 1);
        assert_eq!(scaled(i64::MAX, i64::MAX, 340), 340);
        assert_eq!(scaled(5, 0, 340), 0);
    }

    #[test]
    fn months_are_named_in_dutch() {
        assert_eq!(month("2025-03"), "maart 2025");
        assert_eq!(month("2026-12"), "december 2026");
        assert_eq!(month("onzin"), "onzin");
    }

    #[test]
    fn a_column_chart_has_one_column_per_month() {
        let svg = columns(
            "m",
            "Per maand",
            "Uitbetaald per maand",
            &[("maart 2025".into(), 500), ("april 2025".into(), 1000)],
        );
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains("april 2025"));
        assert!(svg.contains("€ 10,00"));
    }
}
