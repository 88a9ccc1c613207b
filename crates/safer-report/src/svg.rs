//! Hand-written SVG charts.
//!
//! Every coordinate is written to one decimal place and nothing depends on
//! time, hashing or the platform, so the same input always gives the same
//! bytes (the charts can be snapshot tested). Each chart is an `<svg
//! role="img">` labelled by its own `<title>` and `<desc>`; the data is also
//! in a table next to it, so the chart is never the only way to read it.

use std::fmt::Write as _;

use crate::format::{MINUS, decimal1, escape, round1, thousands};

/// GOV.UK colours used by the charts.
pub const TEXT: &str = "#0b0c0c";
pub const SECONDARY_TEXT: &str = "#505a5f";
pub const GRID: &str = "#b1b4b6";
pub const RED: &str = "#d4351c";
pub const GREEN: &str = "#00703c";
const WHITE: &str = "#ffffff";
const FONT: &str = "Arial, Helvetica, sans-serif";

/// Line colours: GOV.UK palette colours with at least 3:1 contrast against
/// white, chosen to be told apart from their neighbours.
const PALETTE: [&str; 10] = [
    "#1d70b8", // blue
    "#d4351c", // red
    "#00703c", // green
    "#4c2c92", // purple
    "#f47738", // orange
    "#28a197", // turquoise
    "#d53880", // pink
    "#b58840", // brown
    "#003078", // dark blue
    "#85994b", // light green
];

/// A number as an SVG coordinate: one decimal place, never `-0.0`.
fn n(x: f64) -> String {
    format!("{:.1}", round1(x))
}

/// Shortens a label to `max` characters, ending it with "…".
fn truncate(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_owned()
    } else {
        let mut s: String = label.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

/// The opening `<svg>` tag with its accessible name and description.
fn open(out: &mut String, id: &str, width: f64, height: f64, title: &str, desc: &str) {
    let id = escape(id);
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" font-family=\"{FONT}\" font-size=\"14\">\n<title id=\"{id}-title\">{t}</title>\n<desc id=\"{id}-desc\">{d}</desc>\n",
        w = n(width),
        h = n(height),
        t = escape(title),
        d = escape(desc),
    );
}

/// A "nice" tick step (1, 2 or 5 × a power of ten) giving about `target`
/// intervals over `range`.
fn nice_step(range: f64, target: f64) -> f64 {
    if range <= 0.0 || !range.is_finite() {
        return 1.0;
    }
    let raw = range / target;
    let mag = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|k| k * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag)
}

/// A percentage tick label: `"−20%"`, `"0%"`, `"+2.5%"`.
fn pct_tick(v: f64, step: f64) -> String {
    let body = if step < 1.0 {
        decimal1(v.abs())
    } else {
        thousands(v.abs().round() as u64)
    };
    if round1(v) > 0.0 {
        format!("+{body}%")
    } else if round1(v) < 0.0 {
        format!("{MINUS}{body}%")
    } else {
        "0%".to_owned()
    }
}

/// One bar of a diverging bar chart: a label and a percentage (or none,
/// drawn as "n/a").
#[derive(Debug, Clone, PartialEq)]
pub struct Bar<'a> {
    pub label: &'a str,
    pub value: Option<f64>,
}

/// A horizontal bar chart of percentages diverging from zero: increases
/// (red) to the right, decreases (green) to the left, each labelled with
/// its value.
pub fn bar_chart_diverging(id: &str, title: &str, desc: &str, bars: &[Bar<'_>]) -> String {
    const WIDTH: f64 = 720.0;
    const LABEL_RIGHT: f64 = 232.0;
    const PLOT_LEFT: f64 = 310.0;
    const PLOT_RIGHT: f64 = 640.0;
    const TOP: f64 = 8.0;
    const ROW: f64 = 26.0;
    const BAR: f64 = 16.0;

    let values: Vec<f64> = bars.iter().filter_map(|b| b.value).map(round1).collect();
    let lo = values.iter().copied().fold(0.0, f64::min);
    let hi = values.iter().copied().fold(0.0, f64::max);
    let step = nice_step(hi - lo, 4.0);
    // Integer tick indices, so the ticks do not drift with float sums.
    let (k_lo, mut k_hi) = ((lo / step).floor() as i64, (hi / step).ceil() as i64);
    if k_lo == k_hi {
        k_hi += 1;
    }
    let (lo, hi) = (k_lo as f64 * step, k_hi as f64 * step);
    let x = |v: f64| PLOT_LEFT + (v - lo) / (hi - lo) * (PLOT_RIGHT - PLOT_LEFT);
    let x0 = x(0.0);
    let plot_bottom = TOP + ROW * bars.len() as f64;
    let height = plot_bottom + 28.0;

    let mut out = String::new();
    open(&mut out, id, WIDTH, height, title, desc);
    // Grid lines and tick labels.
    out.push_str("<g class=\"axis\">\n");
    for k in k_lo..=k_hi {
        let v = k as f64 * step;
        let xv = n(x(v));
        let _ = writeln!(
            out,
            "<line x1=\"{xv}\" y1=\"{}\" x2=\"{xv}\" y2=\"{}\" stroke=\"{GRID}\" stroke-width=\"1\"/>",
            n(TOP),
            n(plot_bottom),
        );
        let _ = writeln!(
            out,
            "<text x=\"{xv}\" y=\"{}\" text-anchor=\"middle\" fill=\"{SECONDARY_TEXT}\" font-size=\"12\">{}</text>",
            n(plot_bottom + 18.0),
            escape(&pct_tick(v, step)),
        );
    }
    out.push_str("</g>\n");

    for (i, b) in bars.iter().enumerate() {
        let top = TOP + ROW * i as f64;
        let mid = top + ROW / 2.0;
        let value_text = crate::format::signed_pct(b.value);
        let _ = writeln!(
            out,
            "<g class=\"bar\"><title>{}: {}</title>",
            escape(b.label),
            escape(&value_text)
        );
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"{TEXT}\">{}</text>",
            n(LABEL_RIGHT),
            n(mid + 5.0),
            escape(&truncate(b.label, 32)),
        );
        match b.value.map(round1) {
            Some(v) => {
                let xv = x(v);
                if v != 0.0 {
                    let fill = if v > 0.0 { RED } else { GREEN };
                    let _ = writeln!(
                        out,
                        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\"/>",
                        n(xv.min(x0)),
                        n(mid - BAR / 2.0),
                        n((xv - x0).abs()),
                        n(BAR),
                    );
                }
                let (lx, anchor) = if v < 0.0 {
                    (xv - 6.0, "end")
                } else {
                    (xv + 6.0, "start")
                };
                let _ = writeln!(
                    out,
                    "<text x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\" fill=\"{TEXT}\" font-weight=\"bold\">{}</text>",
                    n(lx),
                    n(mid + 5.0),
                    escape(&value_text),
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "<text x=\"{}\" y=\"{}\" text-anchor=\"start\" fill=\"{SECONDARY_TEXT}\">n/a</text>",
                    n(x0 + 6.0),
                    n(mid + 5.0),
                );
            }
        }
        out.push_str("</g>\n");
    }
    // The zero line last, over the bars.
    let _ = writeln!(
        out,
        "<line class=\"zero\" x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{TEXT}\" stroke-width=\"2\"/>",
        n(TOP),
        n(plot_bottom),
        x = n(x0),
    );
    out.push_str("</svg>");
    out
}

/// One point on the x axis of a line chart.
#[derive(Debug, Clone, PartialEq)]
pub struct XPoint {
    /// The point's full name, for its markers' titles ("2023/24", "April 2023").
    pub name: String,
    /// The text under the axis; empty to leave the point unlabelled (a
    /// monthly axis labels some months only).
    pub label: String,
    /// Set when the point is partial (a year not fully held): its markers
    /// are drawn hollow, never joined to a neighbour by a line, and this
    /// short note is written under the axis label.
    pub partial_note: Option<String>,
    /// What a partial point's markers say in their titles (the note when
    /// `None`).
    pub partial_title: Option<String>,
}

/// One line of a line chart: a value per x point, `None` where nothing is
/// held (a gap in the line, never a zero).
#[derive(Debug, Clone, PartialEq)]
pub struct Series<'a> {
    pub name: &'a str,
    pub values: Vec<Option<f64>>,
    /// Drawn dashed in grey (for a residual line such as "not placed").
    pub muted: bool,
}

/// A line chart: per series, a line through each run of consecutive whole
/// points with values, a marker per whole point (hollow at partial
/// points, which no line joins), and a legend under the plot. Values are
/// shown rounded to whole numbers.
pub fn line_chart(
    id: &str,
    title: &str,
    desc: &str,
    xs: &[XPoint],
    series: &[Series<'_>],
) -> String {
    const WIDTH: f64 = 720.0;
    const PLOT_LEFT: f64 = 70.0;
    const PLOT_RIGHT: f64 = 700.0;
    const TOP: f64 = 12.0;
    const PLOT_HEIGHT: f64 = 260.0;
    const LEGEND_COLUMNS: usize = 3;
    const LEGEND_ROW: f64 = 22.0;

    // Few points sit well inside the axis; many use its whole width.
    let inset = if xs.len() > 12 { 12.0 } else { 60.0 };
    let markers = xs.len() <= 24;
    let plot_bottom = TOP + PLOT_HEIGHT;
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().flatten().copied())
        .fold(0.0_f64, f64::max);
    let step = nice_step(max, 5.0).max(1.0);
    let k_hi = ((max / step).ceil() as i64).max(1);
    let hi = k_hi as f64 * step;
    let y = |v: f64| plot_bottom - v / hi * PLOT_HEIGHT;
    let x = |i: usize| {
        if xs.len() <= 1 {
            (PLOT_LEFT + PLOT_RIGHT) / 2.0
        } else {
            PLOT_LEFT
                + inset
                + i as f64 * (PLOT_RIGHT - PLOT_LEFT - 2.0 * inset) / (xs.len() - 1) as f64
        }
    };
    let any_partial = xs.iter().any(|p| p.partial_note.is_some());
    let any_gap = series
        .iter()
        .any(|s| s.values.iter().take(xs.len()).any(Option::is_none));
    let legend_top = plot_bottom + if any_partial { 56.0 } else { 40.0 };
    // The keys to hollow markers and gaps get rows of their own.
    let series_rows = series.len().div_ceil(LEGEND_COLUMNS);
    let legend_rows = series_rows + usize::from(any_partial) + usize::from(any_gap);
    let height = legend_top + LEGEND_ROW * legend_rows as f64 + 4.0;

    let mut out = String::new();
    open(&mut out, id, WIDTH, height, title, desc);

    // Y axis: grid lines and labels.
    out.push_str("<g class=\"axis\">\n");
    for k in 0..=k_hi {
        let v = k as f64 * step;
        let yv = n(y(v));
        let _ = writeln!(
            out,
            "<line x1=\"{}\" y1=\"{yv}\" x2=\"{}\" y2=\"{yv}\" stroke=\"{}\" stroke-width=\"1\"/>",
            n(PLOT_LEFT),
            n(PLOT_RIGHT),
            if k == 0 { TEXT } else { GRID },
        );
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"{SECONDARY_TEXT}\" font-size=\"12\">{}</text>",
            n(PLOT_LEFT - 8.0),
            n(y(v) + 4.0),
            thousands(v.round() as u64),
        );
    }
    // X axis labels, with a note under partial points.
    for (i, p) in xs.iter().enumerate() {
        if !p.label.is_empty() {
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{TEXT}\">{}</text>",
                n(x(i)),
                n(plot_bottom + 20.0),
                escape(&p.label),
            );
        }
        if let Some(note) = &p.partial_note {
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{SECONDARY_TEXT}\" font-size=\"12\">{}</text>",
                n(x(i)),
                n(plot_bottom + 36.0),
                escape(note),
            );
        }
    }
    out.push_str("</g>\n");

    let style = |i: usize, s: &Series<'_>| -> (&'static str, &'static str) {
        if s.muted {
            (SECONDARY_TEXT, " stroke-dasharray=\"6 4\"")
        } else if i / PALETTE.len() % 2 == 1 {
            (PALETTE[i % PALETTE.len()], " stroke-dasharray=\"2 3\"")
        } else {
            (PALETTE[i % PALETTE.len()], "")
        }
    };

    for (i, s) in series.iter().enumerate() {
        let (colour, dash) = style(i, s);
        let _ = writeln!(out, "<g class=\"series\"><title>{}</title>", escape(s.name));
        // A line through each run of whole points with values.
        let mut run: Vec<String> = Vec::new();
        let flush = |run: &mut Vec<String>, out: &mut String| {
            if run.len() >= 2 {
                let _ = writeln!(
                    out,
                    "<polyline points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2.5\"{dash}/>",
                    run.join(" "),
                );
            }
            run.clear();
        };
        for (j, v) in s.values.iter().take(xs.len()).enumerate() {
            match v {
                Some(v) if xs[j].partial_note.is_none() => {
                    run.push(format!("{},{}", n(x(j)), n(y(*v))));
                }
                _ => flush(&mut run, &mut out),
            }
        }
        flush(&mut run, &mut out);
        for (j, v) in s.values.iter().take(xs.len()).enumerate() {
            let Some(v) = v else { continue };
            let partial = xs[j]
                .partial_title
                .as_deref()
                .or(xs[j].partial_note.as_deref());
            // A lone whole point between gaps needs its marker to be seen.
            let alone = (j == 0 || s.values[j - 1].is_none())
                && s.values.get(j + 1).is_none_or(Option::is_none);
            if !markers && partial.is_none() && !alone {
                continue;
            }
            let _ = writeln!(
                out,
                "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{}\" stroke=\"{colour}\" stroke-width=\"2\"><title>{}, {}: {}{}</title></circle>",
                n(x(j)),
                n(y(*v)),
                if markers { "4.5" } else { "3" },
                if partial.is_some() { WHITE } else { colour },
                escape(s.name),
                escape(&xs[j].name),
                thousands(v.round() as u64),
                partial.map(|p| format!(" ({p})")).unwrap_or_default(),
            );
        }
        out.push_str("</g>\n");
    }

    // Legend.
    out.push_str("<g class=\"legend\">\n");
    let column_width = (WIDTH - PLOT_LEFT) / LEGEND_COLUMNS as f64;
    let item_pos = |k: usize| {
        (
            PLOT_LEFT + (k % LEGEND_COLUMNS) as f64 * column_width,
            legend_top + (k / LEGEND_COLUMNS) as f64 * LEGEND_ROW,
        )
    };
    for (i, s) in series.iter().enumerate() {
        let (colour, dash) = style(i, s);
        let (lx, ly) = item_pos(i);
        let _ = writeln!(
            out,
            "<line x1=\"{}\" y1=\"{ly}\" x2=\"{}\" y2=\"{ly}\" stroke=\"{colour}\" stroke-width=\"2.5\"{dash}/>",
            n(lx),
            n(lx + 28.0),
            ly = n(ly),
        );
        let _ = writeln!(
            out,
            "<circle cx=\"{}\" cy=\"{}\" r=\"4.5\" fill=\"{colour}\" stroke=\"{colour}\" stroke-width=\"2\"/>",
            n(lx + 14.0),
            n(ly),
        );
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" fill=\"{TEXT}\" font-size=\"13\">{}</text>",
            n(lx + 36.0),
            n(ly + 5.0),
            escape(&truncate(s.name, 26)),
        );
    }
    let mut key_row = series_rows;
    if any_partial {
        let (lx, ly) = item_pos(key_row * LEGEND_COLUMNS);
        key_row += 1;
        let _ = writeln!(
            out,
            "<circle cx=\"{}\" cy=\"{}\" r=\"4.5\" fill=\"{WHITE}\" stroke=\"{TEXT}\" stroke-width=\"2\"/>",
            n(lx + 14.0),
            n(ly),
        );
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" fill=\"{TEXT}\" font-size=\"13\">Hollow marker: a year not fully held, annualised, joined by no line</text>",
            n(lx + 36.0),
            n(ly + 5.0),
        );
    }
    if any_gap {
        let (lx, ly) = item_pos(key_row * LEGEND_COLUMNS);
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" fill=\"{TEXT}\" font-size=\"13\">A break in a line: months not held</text>",
            n(lx),
            n(ly + 5.0),
        );
    }
    out.push_str("</g>\n</svg>");
    out
}

/// A sparkline: a small line of a few values (a measure's quarterly
/// trend), oldest first, scaled to its own range, with the latest value
/// marked. It has no axes, so its `desc` must say the values; the figures
/// are also in the report's table. Non-finite values are skipped; with
/// nothing left, returns an empty string.
pub fn sparkline(id: &str, title: &str, desc: &str, values: &[f64]) -> String {
    const WIDTH: f64 = 120.0;
    const HEIGHT: f64 = 32.0;
    const PAD: f64 = 4.0;
    const BLUE: &str = PALETTE[0];

    let values: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    let Some(last) = values.last().copied() else {
        return String::new();
    };
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let x = |i: usize| {
        if values.len() == 1 {
            WIDTH / 2.0
        } else {
            PAD + i as f64 * (WIDTH - 2.0 * PAD) / (values.len() - 1) as f64
        }
    };
    let y = |v: f64| {
        if hi > lo {
            HEIGHT - PAD - (v - lo) / (hi - lo) * (HEIGHT - 2.0 * PAD)
        } else {
            HEIGHT / 2.0
        }
    };
    let id = escape(id);
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"sparkline\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\">\n<title id=\"{id}-title\">{t}</title>\n<desc id=\"{id}-desc\">{d}</desc>\n",
        w = n(WIDTH),
        h = n(HEIGHT),
        t = escape(title),
        d = escape(desc),
    );
    if values.len() > 1 {
        let points: Vec<String> = values
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{},{}", n(x(i)), n(y(*v))))
            .collect();
        let _ = writeln!(
            out,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{BLUE}\" stroke-width=\"2\" stroke-linejoin=\"round\"/>",
            points.join(" ")
        );
    }
    let _ = writeln!(
        out,
        "<circle cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"{BLUE}\"/>",
        n(x(values.len() - 1)),
        n(y(last))
    );
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bars() -> Vec<Bar<'static>> {
        vec![
            Bar {
                label: "All crime",
                value: Some(-6.956),
            },
            Bar {
                label: "Burglary",
                value: Some(12.5),
            },
            Bar {
                label: "Robbery",
                value: None,
            },
            Bar {
                label: "Drugs & <weapons>",
                value: Some(0.0),
            },
        ]
    }

    #[test]
    fn bar_chart_diverges_from_zero_in_red_and_green() {
        let svg = bar_chart_diverging("c", "Change by category", "desc", &bars());
        assert!(svg.starts_with("<svg "));
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("<title id=\"c-title\">Change by category</title>"));
        assert!(svg.contains("<desc id=\"c-desc\">desc</desc>"));
        // One red bar (increase), one green (decrease); zero and n/a get none.
        assert_eq!(svg.matches(&format!("fill=\"{RED}\"")).count(), 1);
        assert_eq!(svg.matches(&format!("fill=\"{GREEN}\"")).count(), 1);
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains(">\u{2212}7.0%</text>"));
        assert!(svg.contains(">+12.5%</text>"));
        assert!(svg.contains(">n/a</text>"));
        assert!(svg.contains("Drugs &amp; &lt;weapons&gt;"));
        assert!(!svg.contains("<weapons>"));
        // The decrease bar ends at the zero line, the increase starts there.
        let zero = svg
            .split("class=\"zero\" x1=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let green = svg.split(&format!("fill=\"{GREEN}\"")).next().unwrap();
        let green_rect = green.rsplit("<rect").next().unwrap();
        let attr = |s: &str, a: &str| -> f64 {
            s.split(&format!("{a}=\""))
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .parse()
                .unwrap()
        };
        let zero: f64 = zero.parse().unwrap();
        assert!((attr(green_rect, "x") + attr(green_rect, "width") - zero).abs() < 0.11);
        let red = svg.split(&format!("fill=\"{RED}\"")).next().unwrap();
        let red_rect = red.rsplit("<rect").next().unwrap();
        assert!((attr(red_rect, "x") - zero).abs() < 0.11);
    }

    #[test]
    fn bar_chart_is_deterministic_with_fixed_precision() {
        let a = bar_chart_diverging("c", "t", "d", &bars());
        let b = bar_chart_diverging("c", "t", "d", &bars());
        assert_eq!(a, b);
        // Every number in an attribute has exactly one decimal place.
        for attr in a.split(" x=\"").skip(1) {
            let v = attr.split('"').next().unwrap();
            assert_eq!(v.split('.').nth(1).map(str::len), Some(1), "{v}");
        }
    }

    #[test]
    fn bar_chart_handles_no_values() {
        let svg = bar_chart_diverging(
            "c",
            "t",
            "d",
            &[Bar {
                label: "x",
                value: None,
            }],
        );
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
        let empty = bar_chart_diverging("c", "t", "d", &[]);
        assert!(empty.ends_with("</svg>"));
    }

    fn xp(name: &str, partial: Option<&str>) -> XPoint {
        XPoint {
            name: name.into(),
            label: name.into(),
            partial_note: partial.map(Into::into),
            partial_title: None,
        }
    }

    #[test]
    fn line_chart_joins_whole_years_only_with_hollow_partial_markers() {
        let xs = vec![
            xp("2020/21", None),
            xp("2021/22", None),
            xp("2022/23", Some("3 of 12 months, annualised")),
            xp("2023/24", None),
        ];
        let series = vec![
            Series {
                name: "North",
                values: vec![Some(1200.0), Some(1100.0), Some(1300.0), Some(1250.0)],
                muted: false,
            },
            Series {
                name: "South",
                values: vec![Some(800.0), Some(700.0), Some(900.0), Some(850.0)],
                muted: false,
            },
            Series {
                name: "Not placed in a beat",
                values: vec![Some(10.0), Some(5.0), Some(12.0), Some(9.0)],
                muted: true,
            },
        ];
        let svg = line_chart("t", "Trend", "desc", &xs, &series);
        // 2020/21 to 2021/22 is joined; the part-year is joined to neither
        // neighbour, so 2023/24 stands alone.
        assert_eq!(svg.matches("<polyline").count(), 3);
        assert_eq!(svg, line_chart("t", "Trend", "desc", &xs, &series));
        // One hollow marker per series at the partial year, plus the legend key.
        assert_eq!(svg.matches(&format!("fill=\"{WHITE}\"")).count(), 3 + 1);
        assert!(svg.contains(">3 of 12 months, annualised</text>"));
        assert!(svg.contains("Hollow marker: a year not fully held"));
        assert!(svg.contains("North, 2022/23: 1,300 (3 of 12 months, annualised)"));
        assert!(svg.contains("stroke-dasharray=\"6 4\""));
        // Y ticks 0 to 1,500 in steps of 500, above the highest value.
        assert!(svg.contains(">1,500</text>") && svg.contains(">500</text>"));
        assert!(!svg.contains(">2,000</text>") && !svg.contains("NaN"));
        assert!(!svg.contains("A break in a line"));
    }

    #[test]
    fn line_chart_breaks_at_months_not_held() {
        let xs: Vec<XPoint> = (1..=30).map(|i| xp(&format!("m{i}"), None)).collect();
        let values: Vec<Option<f64>> = (1..=30)
            .map(|i| (i != 12).then_some(f64::from(i)))
            .collect();
        let series = vec![Series {
            name: "All crime",
            values,
            muted: false,
        }];
        let svg = line_chart("t", "T", "D", &xs, &series);
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert!(svg.contains("A break in a line: months not held"));
        // Many points: no marker on each, only in the legend.
        assert_eq!(svg.matches("<circle").count(), 1);
    }

    #[test]
    fn line_chart_with_one_year_and_zero_counts() {
        let xs = vec![xp("2023/24", None)];
        let series = vec![Series {
            name: "A",
            values: vec![Some(0.0)],
            muted: false,
        }];
        let svg = line_chart("t", "T", "D", &xs, &series);
        // One point: a marker (and the legend's), no line.
        assert_eq!(svg.matches("<polyline").count(), 0);
        assert_eq!(svg.matches("<circle").count(), 2);
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
        assert!(!svg.contains("Hollow marker"));
    }

    #[test]
    fn nice_steps() {
        assert_eq!(nice_step(100.0, 5.0), 20.0);
        assert_eq!(nice_step(1300.0, 5.0), 500.0);
        assert_eq!(nice_step(19.5, 4.0), 5.0);
        assert_eq!(nice_step(0.0, 5.0), 1.0);
        assert_eq!(pct_tick(-20.0, 10.0), "\u{2212}20%");
        assert_eq!(pct_tick(0.0, 10.0), "0%");
        assert_eq!(pct_tick(2.5, 0.5), "+2.5%");
    }

    #[test]
    fn sparkline_scales_to_its_own_range() {
        let svg = sparkline("s", "Trend: <x>", "Quarterly values", &[10.0, 20.0, 15.0]);
        assert!(svg.starts_with("<svg "));
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("aria-labelledby=\"s-title s-desc\""));
        assert!(svg.contains("<title id=\"s-title\">Trend: &lt;x&gt;</title>"));
        assert!(svg.contains("<polyline points=\"4.0,28.0 60.0,4.0 116.0,16.0\""));
        assert!(svg.contains("<circle cx=\"116.0\" cy=\"16.0\""));
        // One value: a dot in the middle, no line.
        let one = sparkline("s", "t", "d", &[5.0]);
        assert!(!one.contains("<polyline"));
        assert!(one.contains("<circle cx=\"60.0\" cy=\"16.0\""));
        // Flat values draw a flat line; nothing finite draws nothing.
        assert!(sparkline("s", "t", "d", &[3.0, 3.0]).contains("4.0,16.0 116.0,16.0"));
        assert_eq!(sparkline("s", "t", "d", &[]), "");
        assert_eq!(sparkline("s", "t", "d", &[f64::NAN]), "");
    }
}
