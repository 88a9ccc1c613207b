//! Hand-written SVG charts.
//!
//! Every coordinate is written to one decimal place and nothing depends on
//! time, hashing or the platform, so the same input always gives the same
//! bytes (the charts can be snapshot tested). Each chart is an `<svg
//! role="img">` labelled by its own `<title>` and `<desc>`; the data is also
//! in a table next to it, so the chart is never the only way to read it.
//!
//! This module computes what a chart shows (scales, coordinates, labels,
//! colours) into a view; the markup is in `templates/charts/`, whose
//! templates escape every text they insert, so a label from the data can
//! never become markup. No SVG is written here by string formatting.

use askama::Template;

use crate::format::{MINUS, decimal1, render, round1, thousands};

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

/// The opening `<svg>` tag of every chart (`templates/charts/head.svg`):
/// its size, accessible name and description.
struct Head<'a> {
    /// "chart" or "sparkline".
    class: &'static str,
    /// Whether the chart sets its font (a sparkline has no text).
    font: bool,
    id: &'a str,
    width: String,
    height: String,
    title: &'a str,
    desc: &'a str,
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

/// The diverging bar chart as `templates/charts/bar.svg` draws it.
#[derive(Template)]
#[template(path = "charts/bar.svg")]
struct BarChart<'a> {
    head: Head<'a>,
    top: String,
    bottom: String,
    tick_label_y: String,
    label_x: String,
    zero_x: String,
    ticks: Vec<BarTick>,
    bars: Vec<BarRow<'a>>,
}

/// A grid line of the percentage axis and its label.
struct BarTick {
    x: String,
    label: String,
}

/// One bar: its full label (in its title), the label shown beside it
/// (shortened), its value in words and where it is drawn.
struct BarRow<'a> {
    label: &'a str,
    short_label: String,
    value: String,
    text_y: String,
    mark: BarMark,
}

/// What is drawn for a bar's value.
enum BarMark {
    /// A bar from zero (none for a zero change) and the value beside its end.
    Value {
        rect: Option<BarRect>,
        text_x: String,
        anchor: &'static str,
    },
    /// No percentage: "n/a" beside the zero line.
    NotAvailable { text_x: String },
}

struct BarRect {
    x: String,
    y: String,
    width: String,
    height: String,
    fill: &'static str,
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

    let ticks = (k_lo..=k_hi)
        .map(|k| {
            let v = k as f64 * step;
            BarTick {
                x: n(x(v)),
                label: pct_tick(v, step),
            }
        })
        .collect();
    let bars = bars
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let mid = TOP + ROW * i as f64 + ROW / 2.0;
            let mark = match b.value.map(round1) {
                Some(v) => {
                    let xv = x(v);
                    let rect = (v != 0.0).then(|| BarRect {
                        x: n(xv.min(x0)),
                        y: n(mid - BAR / 2.0),
                        width: n((xv - x0).abs()),
                        height: n(BAR),
                        fill: if v > 0.0 { RED } else { GREEN },
                    });
                    let (lx, anchor) = if v < 0.0 {
                        (xv - 6.0, "end")
                    } else {
                        (xv + 6.0, "start")
                    };
                    BarMark::Value {
                        rect,
                        text_x: n(lx),
                        anchor,
                    }
                }
                None => BarMark::NotAvailable {
                    text_x: n(x0 + 6.0),
                },
            };
            BarRow {
                label: b.label,
                short_label: truncate(b.label, 32),
                value: crate::format::signed_pct(b.value),
                text_y: n(mid + 5.0),
                mark,
            }
        })
        .collect();
    render(&BarChart {
        head: Head {
            class: "chart",
            font: true,
            id,
            width: n(WIDTH),
            height: n(height),
            title,
            desc,
        },
        top: n(TOP),
        bottom: n(plot_bottom),
        tick_label_y: n(plot_bottom + 18.0),
        label_x: n(LABEL_RIGHT),
        zero_x: n(x0),
        ticks,
        bars,
    })
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

/// The line chart as `templates/charts/line.svg` draws it.
#[derive(Template)]
#[template(path = "charts/line.svg")]
struct LineChart<'a> {
    head: Head<'a>,
    plot_left: String,
    plot_right: String,
    y_label_x: String,
    x_label_y: String,
    x_note_y: String,
    y_ticks: Vec<YTick>,
    x_labels: Vec<XLabel<'a>>,
    series: Vec<SeriesLines<'a>>,
    /// The radius of the markers on the lines.
    marker_r: &'static str,
    legend: Vec<LegendItem>,
    /// Where the key to hollow markers goes, when a point is partial.
    partial_key: Option<Place>,
    /// Where the key to breaks in a line goes, when a value is missing.
    gap_key: Option<Place>,
}

/// A grid line of the y axis and its label.
struct YTick {
    y: String,
    label_y: String,
    /// The zero line is drawn in the text colour, the others as grid.
    stroke: &'static str,
    label: String,
}

/// What is written under the x axis at a point.
struct XLabel<'a> {
    x: String,
    label: Option<&'a str>,
    note: Option<&'a str>,
}

/// One series: a polyline (its points) per run of whole points, then its
/// markers.
struct SeriesLines<'a> {
    name: &'a str,
    colour: &'static str,
    dash: Option<&'static str>,
    lines: Vec<String>,
    markers: Vec<Marker<'a>>,
}

struct Marker<'a> {
    cx: String,
    cy: String,
    /// White for a hollow marker at a partial point.
    fill: &'static str,
    x_name: &'a str,
    value: String,
    /// What a partial point's marker adds to its title.
    partial: Option<&'a str>,
}

/// A series' key in the legend.
struct LegendItem {
    place: Place,
    colour: &'static str,
    dash: Option<&'static str>,
    name: String,
}

/// A legend slot: the key line from `x` to `line_end` at `y`, its marker at
/// `marker_x`, and its text at (`text_x`, `text_y`).
struct Place {
    x: String,
    line_end: String,
    marker_x: String,
    text_x: String,
    y: String,
    text_y: String,
}

impl Place {
    fn at((x, y): (f64, f64)) -> Place {
        Place {
            x: n(x),
            line_end: n(x + 28.0),
            marker_x: n(x + 14.0),
            text_x: n(x + 36.0),
            y: n(y),
            text_y: n(y + 5.0),
        }
    }
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

    let y_ticks = (0..=k_hi)
        .map(|k| {
            let v = k as f64 * step;
            YTick {
                y: n(y(v)),
                label_y: n(y(v) + 4.0),
                stroke: if k == 0 { TEXT } else { GRID },
                label: thousands(v.round() as u64),
            }
        })
        .collect();
    let x_labels = xs
        .iter()
        .enumerate()
        .map(|(i, p)| XLabel {
            x: n(x(i)),
            label: (!p.label.is_empty()).then_some(p.label.as_str()),
            note: p.partial_note.as_deref(),
        })
        .collect();

    let style = |i: usize, s: &Series<'_>| -> (&'static str, Option<&'static str>) {
        if s.muted {
            (SECONDARY_TEXT, Some("6 4"))
        } else if i / PALETTE.len() % 2 == 1 {
            (PALETTE[i % PALETTE.len()], Some("2 3"))
        } else {
            (PALETTE[i % PALETTE.len()], None)
        }
    };

    let lines = series
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let (colour, dash) = style(i, s);
            // A line through each run of whole points with values.
            let mut lines = Vec::new();
            let mut run: Vec<String> = Vec::new();
            let mut flush = |run: &mut Vec<String>| {
                if run.len() >= 2 {
                    lines.push(run.join(" "));
                }
                run.clear();
            };
            for (j, v) in s.values.iter().take(xs.len()).enumerate() {
                match v {
                    Some(v) if xs[j].partial_note.is_none() => {
                        run.push(format!("{},{}", n(x(j)), n(y(*v))));
                    }
                    _ => flush(&mut run),
                }
            }
            flush(&mut run);
            let mut marks = Vec::new();
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
                marks.push(Marker {
                    cx: n(x(j)),
                    cy: n(y(*v)),
                    fill: if partial.is_some() { WHITE } else { colour },
                    x_name: &xs[j].name,
                    value: thousands(v.round() as u64),
                    partial,
                });
            }
            SeriesLines {
                name: s.name,
                colour,
                dash,
                lines,
                markers: marks,
            }
        })
        .collect();

    let column_width = (WIDTH - PLOT_LEFT) / LEGEND_COLUMNS as f64;
    let item_pos = |k: usize| {
        (
            PLOT_LEFT + (k % LEGEND_COLUMNS) as f64 * column_width,
            legend_top + (k / LEGEND_COLUMNS) as f64 * LEGEND_ROW,
        )
    };
    let legend = series
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let (colour, dash) = style(i, s);
            LegendItem {
                place: Place::at(item_pos(i)),
                colour,
                dash,
                name: truncate(s.name, 26),
            }
        })
        .collect();
    let partial_key = any_partial.then(|| Place::at(item_pos(series_rows * LEGEND_COLUMNS)));
    let gap_row = series_rows + usize::from(any_partial);
    let gap_key = any_gap.then(|| Place::at(item_pos(gap_row * LEGEND_COLUMNS)));

    render(&LineChart {
        head: Head {
            class: "chart",
            font: true,
            id,
            width: n(WIDTH),
            height: n(height),
            title,
            desc,
        },
        plot_left: n(PLOT_LEFT),
        plot_right: n(PLOT_RIGHT),
        y_label_x: n(PLOT_LEFT - 8.0),
        x_label_y: n(plot_bottom + 20.0),
        x_note_y: n(plot_bottom + 36.0),
        y_ticks,
        x_labels,
        series: lines,
        marker_r: if markers { "4.5" } else { "3" },
        legend,
        partial_key,
        gap_key,
    })
}

/// The sparkline as `templates/charts/sparkline.svg` draws it.
#[derive(Template)]
#[template(path = "charts/sparkline.svg")]
struct Sparkline<'a> {
    head: Head<'a>,
    /// The points of the line, when there are two values or more.
    line: Option<String>,
    last_x: String,
    last_y: String,
    colour: &'static str,
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
    let line = (values.len() > 1).then(|| {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{},{}", n(x(i)), n(y(*v))))
            .collect::<Vec<_>>()
            .join(" ")
    });
    render(&Sparkline {
        head: Head {
            class: "sparkline",
            font: false,
            id,
            width: n(WIDTH),
            height: n(HEIGHT),
            title,
            desc,
        },
        line,
        last_x: n(x(values.len() - 1)),
        last_y: n(y(last)),
        colour: PALETTE[0],
    })
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
