//! Number, month and text formatting for the HTML report, and the escaping
//! and rendering of its templates.
//!
//! Reports follow the partnership plan's style ("All Crime −7%, 9,401 →
//! 8,747"): thousands separators, a true minus sign (U+2212) and an explicit
//! plus sign on increases. CSV output uses plain numbers instead (see
//! `csv_out`).

use safer_domain::{Month, Period};

/// The minus sign used in reports (U+2212), not the hyphen-minus.
pub const MINUS: char = '\u{2212}';

/// `9401` → `"9,401"`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A signed whole number: `"+12"`, `"−654"`, `"0"`, with thousands separators.
pub fn signed_int(n: i64) -> String {
    match n.cmp(&0) {
        std::cmp::Ordering::Greater => format!("+{}", thousands(n.unsigned_abs())),
        std::cmp::Ordering::Less => format!("{MINUS}{}", thousands(n.unsigned_abs())),
        std::cmp::Ordering::Equal => "0".to_owned(),
    }
}

/// Rounds to one decimal place, turning `-0.0` into `0.0`.
pub fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0 + 0.0
}

/// A non-negative decimal to one place, with thousands separators:
/// `1234.56` → `"1,234.6"`.
pub fn decimal1(x: f64) -> String {
    let r = round1(x);
    let sign = if r < 0.0 {
        MINUS.to_string()
    } else {
        String::new()
    };
    let tenths = (r.abs() * 10.0).round() as u64;
    format!("{sign}{}.{}", thousands(tenths / 10), tenths % 10)
}

/// A signed percentage to one decimal place: `"+3.4%"`, `"−7.0%"`,
/// `"0.0%"`, or `"n/a"` when there is none (previous count zero).
pub fn signed_pct(p: Option<f64>) -> String {
    let Some(p) = p else { return "n/a".to_owned() };
    let r = round1(p);
    if r > 0.0 {
        format!("+{}%", decimal1(r))
    } else if r < 0.0 {
        format!("{MINUS}{}%", decimal1(-r))
    } else {
        "0.0%".to_owned()
    }
}

/// An unsigned percentage to one decimal place: `"12.3%"`.
pub fn pct(p: f64) -> String {
    format!("{}%", decimal1(p))
}

/// A rate per 1,000 to one decimal place, or `"n/a"`.
pub fn rate(r: Option<f64>) -> String {
    r.map_or_else(|| "n/a".to_owned(), decimal1)
}

/// The month's English name: `"September"`.
pub fn month_name(m: Month) -> &'static str {
    m.name()
}

/// `"September 2023"`.
pub fn month_long(m: Month) -> String {
    format!("{} {}", month_name(m), m.year())
}

/// A run of months in words: `"April 2023 to March 2024"`, `"April to
/// September 2023"` within one calendar year, or `"May 2023"` for one month.
pub fn month_span(first: Month, last: Month) -> String {
    if first == last {
        month_long(first)
    } else if first.year() == last.year() {
        format!("{} to {}", month_name(first), month_long(last))
    } else {
        format!("{} to {}", month_long(first), month_long(last))
    }
}

/// A period in words, as [`month_span`].
pub fn period_long(p: Period) -> String {
    month_span(p.first, p.last)
}

/// A list of months as runs: `"April to June 2023, August 2023 to January
/// 2024"`; `"none"` when empty.
pub fn month_runs(months: &[Month]) -> String {
    let mut sorted = months.to_vec();
    sorted.sort();
    sorted.dedup();
    let mut runs: Vec<(Month, Month)> = Vec::new();
    for m in sorted {
        match runs.last_mut() {
            Some((_, last)) if last.plus(1) == m => *last = m,
            _ => runs.push((m, m)),
        }
    }
    if runs.is_empty() {
        return "none".to_owned();
    }
    runs.iter()
        .map(|&(a, b)| month_span(a, b))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `1` → `"1 month"`, `11` → `"11 months"`.
pub fn months_count(n: usize) -> String {
    if n == 1 {
        "1 month".to_owned()
    } else {
        format!("{n} months")
    }
}

/// The entity that stands for a character HTML (and SVG) text must not
/// hold as itself, or `None` for any other character.
fn entity(c: u8) -> Option<&'static str> {
    match c {
        b'&' => Some("&amp;"),
        b'<' => Some("&lt;"),
        b'>' => Some("&gt;"),
        b'"' => Some("&quot;"),
        b'\'' => Some("&#39;"),
        _ => None,
    }
}

/// The escaper of every report template (`askama.toml` names it for `.html`
/// and `.svg`): it writes `&`, `<`, `>`, `"` and `'` as `&amp;`, `&lt;`,
/// `&gt;`, `&quot;` and `&#39;`, safe in element content and in quoted
/// attribute values of HTML and of SVG (XML predefines the four names;
/// `&#39;` is a character reference).
/// askama's own HTML escaper is as safe but writes numeric references
/// (`&#60;`); this one keeps the named entities the reports have always
/// written, so their text reads the same in the page source.
#[derive(Debug, Clone, Copy, Default)]
pub struct Html;

impl askama::filters::Escaper for Html {
    fn write_escaped_str<W: std::fmt::Write>(&self, mut dest: W, text: &str) -> std::fmt::Result {
        // Every character escaped is ASCII, so its byte is never inside a
        // multi-byte character and the slices between them are whole text.
        let mut from = 0;
        for (i, b) in text.bytes().enumerate() {
            if let Some(e) = entity(b) {
                dest.write_str(&text[from..i])?;
                dest.write_str(e)?;
                from = i + 1;
            }
        }
        dest.write_str(&text[from..])
    }
}

/// Escapes text as the templates do (for tests that look for what the
/// reports print).
#[cfg(test)]
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Writing to a String cannot fail.
    let _ = askama::filters::Escaper::write_escaped_str(&Html, &mut out, text);
    out
}

/// Renders a report template. Writing into a String cannot fail and the
/// templates call no filter that can, so an error is a bug in a template.
pub(crate) fn render(t: &impl askama::Template) -> String {
    match t.render() {
        Ok(s) => s,
        Err(e) => unreachable!("a report template failed to render: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Month {
        s.parse().unwrap()
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(9401), "9,401");
        assert_eq!(thousands(123_456), "123,456");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn signed_numbers_use_a_true_minus() {
        assert_eq!(signed_int(-654), "\u{2212}654");
        assert_eq!(signed_int(-1654), "\u{2212}1,654");
        assert_eq!(signed_int(12), "+12");
        assert_eq!(signed_int(0), "0");
        assert!(!signed_int(-5).contains('-'), "hyphen-minus used");
    }

    #[test]
    fn percentages_round_to_one_place() {
        // The plan's "All Crime −7%, 9,401 → 8,747".
        let p = (8747.0 - 9401.0) / 9401.0 * 100.0;
        assert_eq!(signed_pct(Some(p)), "\u{2212}7.0%");
        assert_eq!(signed_pct(Some(3.449)), "+3.4%");
        assert_eq!(signed_pct(Some(3.45001)), "+3.5%");
        assert_eq!(signed_pct(Some(-0.04)), "0.0%");
        assert_eq!(signed_pct(Some(0.0)), "0.0%");
        assert_eq!(signed_pct(Some(1234.5)), "+1,234.5%");
        assert_eq!(signed_pct(None), "n/a");
        assert_eq!(pct(12.345), "12.3%");
        assert_eq!(rate(Some(52.26)), "52.3");
        assert_eq!(rate(None), "n/a");
        assert_eq!(decimal1(0.04), "0.0");
    }

    #[test]
    fn months_in_words() {
        assert_eq!(month_long(m("2023-09")), "September 2023");
        assert_eq!(
            month_span(m("2023-04"), m("2023-09")),
            "April to September 2023"
        );
        assert_eq!(
            month_span(m("2023-04"), m("2024-03")),
            "April 2023 to March 2024"
        );
        assert_eq!(month_span(m("2023-05"), m("2023-05")), "May 2023");
        let months = [
            m("2023-04"),
            m("2023-05"),
            m("2023-06"),
            m("2023-08"),
            m("2023-12"),
            m("2024-01"),
        ];
        assert_eq!(
            month_runs(&months),
            "April to June 2023, August 2023, December 2023 to January 2024"
        );
        assert_eq!(month_runs(&[]), "none");
        assert_eq!(months_count(1), "1 month");
        assert_eq!(months_count(11), "11 months");
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(escape("<script>&\"'"), "&lt;script&gt;&amp;&quot;&#39;");
        assert_eq!(escape("Loughborough"), "Loughborough");
    }
}
