//! The assessment as one self-contained HTML page.
//!
//! The page has no external assets: CSS is inline (GOV.UK Design System
//! colours and spacing, Arial/Helvetica rather than the GOV.UK Transport
//! font) and charts are inline SVG. It prints on A4 with a page break
//! before each major section, and follows GOV.UK accessibility practice:
//! real tables with captions and scoped headers, headings in order, charts
//! with a text alternative and the same data in a table.
//!
//! The markup is in `templates/assessment.html` (with the page frame of
//! `templates/layout.html` and the parts shared with the performance
//! reports in `templates/macros.html`). This module prepares what the page
//! says, as a view of words and formatted figures, and the templates lay it
//! out, escaping every text they insert. No HTML is written here by string
//! formatting: a `format!` makes only plain text, which the template then
//! escapes (a test greps the crate's sources to keep it so).

use askama::Template;

use safer_analysis::{Assessment, BeatRow, RowKind, TrendRow, TrendYear};
use safer_domain::{Category, FinancialYear, Month, Period};

use crate::ReportMeta;
use crate::csv_out::beats_by_rank;
use crate::format::{
    decimal1, month_long, month_runs, month_span, months_count, pct, period_long, rate, render,
    signed_int, signed_pct, thousands,
};
use crate::svg::{Bar, Series, XPoint, bar_chart_diverging, line_chart};

/// What a cell shows for a figure of months not held: never a zero.
const NOT_HELD: &str = "not held";

/// The attribution every published output must carry.
pub const ATTRIBUTION: &str = "Contains public sector information licensed under the Open Government Licence v3.0. Source: data.police.uk; Office for National Statistics licensed under the Open Government Licence v3.0. Contains OS data © Crown copyright and database right.";

/// The name printed on the generation line.
pub const GENERATOR: &str = "Safer";

/// The report's title: "Partnership Strategic Assessment: Charnwood 2023/24",
/// with ", year to date, April to September 2023" for a year to date.
pub fn title(a: &Assessment) -> String {
    let mut t = format!(
        "Partnership Strategic Assessment: {} {}",
        a.district, a.year
    );
    if let Some(m) = a.as_at {
        t.push_str(", year to date, ");
        t.push_str(&month_span(a.year.first_month(), m));
    }
    t
}

/// A figure cell (`<td class="num">`, the `num` macro) or a column heading
/// over figures (`num_head`): the figure, and a line in smaller type under
/// it.
struct Num {
    text: String,
    sub: Option<String>,
    /// A figure for which nothing is held ("not held"), set in grey.
    not_held: bool,
}

impl Num {
    fn new(text: impl Into<String>) -> Num {
        Num {
            text: text.into(),
            sub: None,
            not_held: false,
        }
    }

    fn with_sub(text: impl Into<String>, sub: impl Into<String>) -> Num {
        Num {
            sub: Some(sub.into()),
            ..Num::new(text)
        }
    }

    /// "not held", marked as such (the trend tables).
    fn not_held() -> Num {
        Num {
            not_held: true,
            ..Num::new(NOT_HELD)
        }
    }
}

/// Everything the page says, in the order of `templates/assessment.html`.
#[derive(Template)]
#[template(path = "assessment.html")]
struct AssessmentPage<'a> {
    title: String,
    meta: &'a ReportMeta,
    district: &'a str,
    current_period: String,
    previous_period: String,
    warnings: &'a [String],
    warnings_heading: &'static str,
    summary: Summary,
    categories: Categories<'a>,
    change_chart: String,
    /// How the beats were built, said where shares by beat are shown.
    basis: Option<&'a str>,
    /// `None` when no beats are configured.
    beats: Option<BeatSection<'a>>,
    beat_categories: Vec<BeatCategoryTable<'a>>,
    /// `None` when no month is held.
    month_trend: Option<MonthTrend<'a>>,
    /// `None` when no beats are configured.
    beat_trend: Option<BeatTrend<'a>>,
    /// `None` when no month is held.
    category_trend: Option<CategoryTrend<'a>>,
    areas: Areas<'a>,
    population_source: Option<&'a str>,
}

/// Renders the whole page.
pub fn render_html(a: &Assessment, meta: &ReportMeta) -> String {
    let c = &a.comparison;
    render(&AssessmentPage {
        title: title(a),
        meta,
        district: &a.district,
        current_period: period_long(c.current_period),
        previous_period: period_long(c.previous_period),
        warnings: &a.warnings,
        warnings_heading: if a.warnings.len() == 1 {
            "Read this warning before using these figures"
        } else {
            "Read these warnings before using these figures"
        },
        summary: summary(a),
        categories: categories(a),
        change_chart: change_chart(a),
        basis: a.areas.basis.as_deref(),
        beats: beats(a),
        beat_categories: beat_categories(a),
        month_trend: month_trend(a),
        beat_trend: beat_trend(a),
        category_trend: category_trend(a),
        areas: areas(a),
        population_source: a.population.as_ref().map(|p| p.source.as_str()),
    })
}

/// Whether the full totals differ from the compared figures, so both must
/// be shown: some month of either period is held but not compared.
fn totals_differ(a: &Assessment) -> bool {
    let c = &a.comparison;
    let compared = c.comparable_months.len() as u32;
    c.current_months_held != compared || c.previous_months_held != compared
}

/// A count, or "not held".
fn count_or_not_held(n: Option<u64>) -> String {
    n.map_or_else(|| NOT_HELD.to_owned(), thousands)
}

/// A change, or "n/a" when nothing is compared.
fn change_or_na(n: Option<i64>) -> String {
    n.map_or_else(|| "n/a".to_owned(), signed_int)
}

/// "11 months compared", "all 12 months", for column headings.
fn months_phrase(n: usize, of: u32) -> String {
    if n as u32 == of {
        format!("all {}", months_count(n))
    } else {
        format!("{n} of {of} months")
    }
}

/// The financial years of the trend tables with fewer than 12 months held,
/// as "2022/23: 11 of 12 months held".
fn partial_years(a: &Assessment) -> Vec<(FinancialYear, u32)> {
    a.trend_by_category
        .first()
        .or(a.trend_by_beat.first())
        .map(|r| {
            r.years
                .iter()
                .filter(|y| y.months_held < 12)
                .map(|y| (y.year, y.months_held))
                .collect()
        })
        .unwrap_or_default()
}

/// The partial years in words, "2023/24: 11 of 12 months held; …", or
/// `None` when every year is whole.
fn partial_notes(a: &Assessment) -> Option<String> {
    let partial = partial_years(a);
    (!partial.is_empty()).then(|| {
        partial
            .iter()
            .map(|(year, held)| format!("{year}: {held} of 12 months held"))
            .collect::<Vec<_>>()
            .join("; ")
    })
}

/// A period of the summary: its months, how many are held and which are
/// missing.
struct HeldLine {
    period: String,
    held: String,
    missing: Option<String>,
}

impl HeldLine {
    fn new(period: Period, missing: &[Month]) -> HeldLine {
        let n = period.len() as usize;
        HeldLine {
            period: period_long(period),
            held: format!("{} of {} held", n - missing.len(), months_count(n)),
            missing: (!missing.is_empty()).then(|| month_runs(missing)),
        }
    }
}

/// The summary list at the top of the page.
struct Summary {
    current: HeldLine,
    previous: HeldLine,
    compared: String,
    population: String,
    /// `None` when there is no all-crime row.
    headline: Option<Headline>,
    /// The police force files counted, when any are known.
    forces: Option<Forces>,
}

/// The files the figures come from: the district's own forces', and other
/// forces' with their records in the district.
struct Forces {
    own: String,
    others: Option<String>,
}

/// All crime in one line.
enum Headline {
    /// Over the months compared: the change, and the two figures it is the
    /// difference of; `totals` when the months held differ from those.
    Compared {
        change: String,
        previous: String,
        current: String,
        totals: Option<HeadlineTotals>,
    },
    /// No month can be compared: the count of the months held.
    NotCompared { current: String, months: String },
}

struct HeadlineTotals {
    months: String,
    previous: String,
    current: String,
}

fn summary(a: &Assessment) -> Summary {
    let c = &a.comparison;
    let n_cur = c.current_period.len() as usize;
    let compared = if c.like_for_like {
        format!("All {}, like for like", months_count(n_cur))
    } else if c.comparable_months.is_empty() {
        "None: no month of the current period is held together with the same month a year earlier, so no change can be shown".to_owned()
    } else {
        format!(
            "{} of {}: {}, each compared with the same month a year earlier",
            c.comparable_months.len(),
            months_count(n_cur),
            month_runs(&c.comparable_months)
        )
    };
    let population = match &a.population {
        Some(p) => format!("{} (source: {})", thousands(p.value), p.source),
        None => "Not configured, so rates per 1,000 are not shown".to_owned(),
    };
    let headline = a
        .all_crime()
        .map(|all| match (all.compared_previous, all.compared_current) {
            (Some(p), Some(cur)) => Headline::Compared {
                change: signed_pct(all.change_pct),
                previous: thousands(p),
                current: thousands(cur),
                totals: totals_differ(a).then(|| HeadlineTotals {
                    months: months_count(c.comparable_months.len()),
                    previous: count_or_not_held(all.previous),
                    current: thousands(all.current),
                }),
            },
            _ => Headline::NotCompared {
                current: thousands(all.current),
                months: months_count(c.current_months_held as usize),
            },
        });
    let forces = (!a.forces.is_empty()).then(|| Forces {
        own: a.forces.join(", "),
        others: (!a.other_forces.is_empty()).then(|| {
            a.other_forces
                .iter()
                .map(|(f, n)| format!("{f} {}", thousands(*n)))
                .collect::<Vec<_>>()
                .join(", ")
        }),
    });
    Summary {
        current: HeldLine::new(c.current_period, &c.current_months_missing),
        previous: HeldLine::new(c.previous_period, &c.previous_months_missing),
        compared,
        population,
        headline,
        forces,
    }
}

/// The heading of a comparison table (the `comparison_head` macro): the
/// compared figures (the change is their difference) first, then, when they
/// differ, the full totals of the months held, labelled with their months.
struct ComparisonHead {
    /// The columns before the figures, with whether each is a number.
    lead: Vec<(&'static str, bool)>,
    previous: Num,
    current: Num,
    last: Vec<&'static str>,
    totals: Option<TotalsHead>,
}

struct TotalsHead {
    /// The months compared, over the like-for-like columns.
    months: String,
    previous: Num,
    current: Num,
}

fn comparison_head(a: &Assessment, lead: &[&'static str], last: &[&'static str]) -> ComparisonHead {
    let c = &a.comparison;
    let period = |name: &str, p: Period| Num::with_sub(name, period_long(p));
    ComparisonHead {
        lead: lead.iter().map(|h| (*h, *h == "Rank")).collect(),
        previous: period("Previous", c.previous_period),
        current: period("Current", c.current_period),
        last: last.to_vec(),
        totals: totals_differ(a).then(|| TotalsHead {
            months: months_count(c.comparable_months.len()),
            previous: Num::with_sub(
                "Previous",
                months_phrase(c.previous_months_held as usize, c.previous_period.len()),
            ),
            current: Num::with_sub(
                "Current",
                months_phrase(c.current_months_held as usize, c.current_period.len()),
            ),
        }),
    }
}

/// The comparison cells of a row: compared previous and current, the change
/// (their difference) and % change, then the full totals when they differ.
fn comparison_cells(
    a: &Assessment,
    compared: (Option<u64>, Option<u64>),
    change: (Option<i64>, Option<f64>),
    totals: (Option<u64>, u64),
) -> Vec<Num> {
    let mut cells = vec![
        Num::new(count_or_not_held(compared.0)),
        Num::new(count_or_not_held(compared.1)),
        Num::new(change_or_na(change.0)),
        Num::new(signed_pct(change.1)),
    ];
    if totals_differ(a) {
        cells.push(Num::new(count_or_not_held(totals.0)));
        cells.push(Num::new(thousands(totals.1)));
    }
    cells
}

/// The section "Crime by category".
struct Categories<'a> {
    /// Whether the partnership's own groups are listed.
    has_groups: bool,
    /// The months compared, when the totals held differ from them.
    like_for_like: Option<String>,
    caption: String,
    head: ComparisonHead,
    rows: Vec<CategoryLine<'a>>,
    /// When months held are left out of the change: the months compared
    /// and those left out.
    compared_note: Option<(String, String)>,
    population: Option<PopulationNote<'a>>,
}

struct CategoryLine<'a> {
    class: Option<&'static str>,
    name: &'a str,
    group: bool,
    cells: Vec<Num>,
}

/// What the rate per 1,000 is.
struct PopulationNote<'a> {
    value: String,
    source: &'a str,
    months: String,
    /// The months held, when fewer than 12: the rate is not a year's.
    part_year: Option<u32>,
}

fn categories(a: &Assessment) -> Categories<'_> {
    let c = &a.comparison;
    let part_year = a
        .categories
        .iter()
        .any(|r| r.rate_per_1000_annualised.is_some());
    let rate_heads: &[&str] = if part_year {
        &["Rate per 1,000", "Rate per 1,000, annualised"]
    } else {
        &["Rate per 1,000"]
    };
    let mut seen_group = false;
    let rows = a
        .categories
        .iter()
        .map(|r| {
            let class = match r.kind {
                RowKind::AllCrime => Some("row-total"),
                RowKind::Category if r.category == Category::AntiSocialBehaviour.name() => {
                    Some("row-asb")
                }
                RowKind::Group if !seen_group => {
                    seen_group = true;
                    Some("row-first-group")
                }
                _ => None,
            };
            let mut cells = comparison_cells(
                a,
                (r.compared_previous, r.compared_current),
                (r.change, r.change_pct),
                (r.previous, r.current),
            );
            cells.push(Num::new(rate(r.rate_per_1000)));
            if part_year {
                cells.push(Num::new(rate(r.rate_per_1000_annualised)));
            }
            CategoryLine {
                class,
                name: &r.category,
                group: r.kind == RowKind::Group,
                cells,
            }
        })
        .collect();
    let compared_note = (!c.like_for_like && !c.comparable_months.is_empty()).then(|| {
        let dropped: Vec<_> = c
            .current_period
            .months()
            .filter(|m| !c.comparable_months.contains(m))
            .collect();
        (
            months_count(c.comparable_months.len()),
            month_runs(&dropped),
        )
    });
    Categories {
        has_groups: a.categories.iter().any(|r| r.kind == RowKind::Group),
        like_for_like: totals_differ(a).then(|| months_count(c.comparable_months.len())),
        caption: format!(
            "Crime by category in {}: {} compared with {}",
            a.district,
            period_long(c.current_period),
            period_long(c.previous_period)
        ),
        head: comparison_head(a, &["Category"], rate_heads),
        rows,
        compared_note,
        population: a.population.as_ref().map(|p| {
            let held = c.current_months_held;
            PopulationNote {
                value: thousands(p.value),
                source: &p.source,
                months: months_count(held as usize),
                part_year: (held < 12).then_some(held),
            }
        }),
    }
}

/// The change chart's SVG.
fn change_chart(a: &Assessment) -> String {
    let c = &a.comparison;
    let bars: Vec<Bar<'_>> = a
        .categories
        .iter()
        .map(|r| Bar {
            label: &r.category,
            value: r.change_pct,
        })
        .collect();
    let desc = format!(
        "Horizontal bar chart of the percentage change in each category from {} to {}{}: {}.",
        period_long(c.previous_period),
        period_long(c.current_period),
        if c.like_for_like {
            String::new()
        } else {
            format!(
                ", over the {} compared",
                months_count(c.comparable_months.len())
            )
        },
        a.categories
            .iter()
            .map(|r| format!("{} {}", r.category, signed_pct(r.change_pct)))
            .collect::<Vec<_>>()
            .join("; ")
    );
    bar_chart_diverging("chart-change", "Change by category", &desc, &bars)
}

/// The section "Crime by beat", when beats are configured.
struct BeatSection<'a> {
    caption: String,
    head: ComparisonHead,
    rows: Vec<BeatLine<'a>>,
    /// When months held are left out of the change: the months compared,
    /// in a count and by name.
    compared_note: Option<(String, String)>,
    placement: Placement<'a>,
}

struct BeatLine<'a> {
    /// `None` for the row of records not placed in a beat.
    rank: Option<usize>,
    name: &'a str,
    cells: Vec<Num>,
}

/// How the district's records were placed in beats.
struct Placement<'a> {
    total: String,
    inside: String,
    nearest: String,
    no_location: String,
    outside: String,
    /// The distance within which a record outside every beat is given to
    /// the nearest, in metres.
    limit: String,
    unplaced_label: &'a str,
}

fn beat_line<'a>(a: &Assessment, rank: Option<usize>, b: &'a BeatRow) -> BeatLine<'a> {
    let mut cells = comparison_cells(
        a,
        (b.compared_previous, b.compared_current),
        (b.change, b.change_pct),
        (b.previous, b.current),
    );
    cells.push(Num::new(pct(b.share)));
    BeatLine {
        rank,
        name: &b.beat,
        cells,
    }
}

fn beats(a: &Assessment) -> Option<BeatSection<'_>> {
    if a.beats.is_empty() {
        return None;
    }
    let c = &a.comparison;
    let mut rows: Vec<BeatLine<'_>> = beats_by_rank(a)
        .into_iter()
        .map(|b| beat_line(a, Some(b.rank), b))
        .collect();
    if let Some(u) = &a.unplaced {
        rows.push(beat_line(a, None, u));
    }
    let p = &a.placement;
    let limit = decimal1(safer_analysis::Beats::NEAREST_LIMIT_M);
    Some(BeatSection {
        caption: format!(
            "All crime by beat in {}: {} compared with {}",
            a.district,
            period_long(c.current_period),
            period_long(c.previous_period)
        ),
        head: comparison_head(a, &["Rank", "Beat"], &["Share of district crime"]),
        rows,
        compared_note: (!c.like_for_like && !c.comparable_months.is_empty()).then(|| {
            (
                months_count(c.comparable_months.len()),
                month_runs(&c.comparable_months),
            )
        }),
        placement: Placement {
            total: thousands(p.inside + p.nearest + p.no_location + p.outside),
            inside: thousands(p.inside),
            nearest: thousands(p.nearest),
            no_location: thousands(p.no_location),
            outside: thousands(p.outside),
            limit: limit.trim_end_matches(".0").to_owned(),
            unplaced_label: unplaced_label(a),
        },
    })
}

/// The label of the unplaced row, as the analysis names it.
fn unplaced_label(a: &Assessment) -> &str {
    a.unplaced
        .as_ref()
        .map_or("Not placed in a beat", |u| u.beat.as_str())
}

/// The most category columns one table of records by beat and category
/// holds: more would not fit a portrait A4 page, so the categories are
/// split across tables.
const CATEGORY_COLUMNS: usize = 9;

/// One table of records by beat and category: some of the categories.
struct BeatCategoryTable<'a> {
    id: String,
    caption: String,
    categories: Vec<&'a str>,
    rows: Vec<BeatCategoryLine<'a>>,
}

struct BeatCategoryLine<'a> {
    beat: &'a str,
    unplaced: bool,
    counts: Vec<String>,
}

fn beat_categories(a: &Assessment) -> Vec<BeatCategoryTable<'_>> {
    if a.beat_categories.is_empty() {
        return Vec::new();
    }
    let c = &a.comparison;
    let parts = a.categories.len().div_ceil(CATEGORY_COLUMNS).max(1);
    let per = a.categories.len().div_ceil(parts).max(1);
    let unplaced = unplaced_label(a);
    (0..a.categories.len())
        .step_by(per)
        .enumerate()
        .map(|(k, start)| {
            let end = (start + per).min(a.categories.len());
            let part = if parts > 1 {
                format!(" (table {} of {parts})", k + 1)
            } else {
                String::new()
            };
            BeatCategoryTable {
                id: format!("beat-categories-caption-{}", k + 1),
                caption: format!(
                    "Records by beat and category in {}, {} held{part}",
                    a.district,
                    period_long(c.current_period)
                ),
                categories: a.categories[start..end]
                    .iter()
                    .map(|r| r.category.as_str())
                    .collect(),
                rows: a
                    .beat_categories
                    .iter()
                    .map(|(beat, counts)| BeatCategoryLine {
                        beat,
                        unplaced: a.unplaced.is_some() && beat == unplaced,
                        counts: counts[start..end].iter().map(|n| thousands(*n)).collect(),
                    })
                    .collect(),
            }
        })
        .collect()
}

/// A trend table (the `trend_table` macro): one row per name, one column
/// per financial year.
struct TrendTable<'a> {
    id: &'static str,
    caption: String,
    first: &'static str,
    years: Vec<Num>,
    rows: Vec<TrendLine<'a>>,
}

struct TrendLine<'a> {
    class: Option<&'static str>,
    name: &'a str,
    cells: Vec<Num>,
}

/// The heading of a trend year, with the months held when fewer than 12.
fn year_head(year: FinancialYear, months_held: u32) -> Num {
    if months_held < 12 {
        Num::with_sub(year.to_string(), format!("{months_held} of 12 months"))
    } else {
        Num::new(year.to_string())
    }
}

/// A trend cell: the count of the months held, with a part-year's
/// annualised value under it; "not held" for a year with none.
fn trend_cell(y: &TrendYear) -> Num {
    match (y.count, y.annualised) {
        (None, _) => Num::not_held(),
        (Some(c), Some(an)) => Num::with_sub(
            thousands(c),
            format!("{} a year, annualised", thousands(an.round() as u64)),
        ),
        (Some(c), None) => Num::new(thousands(c)),
    }
}

/// The trend table of some rows, `None` when there are none.
fn trend_table<'a>(
    id: &'static str,
    caption: String,
    first: &'static str,
    rows: &'a [TrendRow],
    unplaced: Option<&str>,
) -> Option<TrendTable<'a>> {
    let head = rows.first()?;
    Some(TrendTable {
        id,
        caption,
        first,
        years: head
            .years
            .iter()
            .map(|y| year_head(y.year, y.months_held))
            .collect(),
        rows: rows
            .iter()
            .map(|r| TrendLine {
                class: if r.name == "All crime" {
                    Some("row-total")
                } else if Some(r.name.as_str()) == unplaced {
                    Some("row-unplaced")
                } else {
                    None
                },
                name: &r.name,
                cells: r.years.iter().map(trend_cell).collect(),
            })
            .collect(),
    })
}

/// The value a trend chart plots for a year: the count of a whole year, the
/// annualised count of a part-year, nothing for a year with none held.
fn plotted(y: &TrendYear) -> Option<f64> {
    match (y.count, y.annualised) {
        (_, Some(an)) => Some(an),
        (Some(c), None) => Some(c as f64),
        (None, None) => None,
    }
}

/// How a part-year is labelled under a chart's axis.
fn partial_label(months_held: u32) -> Option<String> {
    (months_held > 0 && months_held < 12).then(|| format!("{months_held} of 12 months"))
}

/// The section "All crime by beat, by financial year", when beats are
/// configured.
struct BeatTrend<'a> {
    chart: String,
    /// The years not fully held, in words.
    partial: Option<String>,
    table: Option<TrendTable<'a>>,
}

fn beat_trend(a: &Assessment) -> Option<BeatTrend<'_>> {
    let head = a.trend_by_beat.first()?;
    let partial = partial_notes(a);
    let xs: Vec<XPoint> = head
        .years
        .iter()
        .map(|y| XPoint {
            name: y.year.to_string(),
            label: y.year.to_string(),
            partial_note: partial_label(y.months_held),
            partial_title: partial_label(y.months_held).map(|n| format!("{n}, annualised")),
        })
        .collect();
    let unplaced = a.unplaced.as_ref().map(|u| u.beat.as_str());
    let series: Vec<Series<'_>> = a
        .trend_by_beat
        .iter()
        .map(|r| Series {
            name: &r.name,
            values: r.years.iter().map(plotted).collect(),
            muted: Some(r.name.as_str()) == unplaced,
        })
        .collect();
    let mut desc = format!(
        "Line chart of all crime in each beat by financial year, {} to {}, one line per beat. ",
        head.years
            .first()
            .map(|y| y.year.to_string())
            .unwrap_or_default(),
        head.years
            .last()
            .map(|y| y.year.to_string())
            .unwrap_or_default(),
    );
    for r in &a.trend_by_beat {
        let years = r
            .years
            .iter()
            .map(|y| match (y.count, y.annualised) {
                (None, _) => format!("{} {NOT_HELD}", y.year),
                (Some(_), Some(an)) => format!(
                    "{} {} a year (annualised from {} months)",
                    y.year,
                    thousands(an.round() as u64),
                    y.months_held
                ),
                (Some(c), None) => format!("{} {}", y.year, thousands(c)),
            })
            .collect::<Vec<_>>()
            .join(", ");
        desc.push_str(&format!("{}: {years}. ", r.name));
    }
    if let Some(p) = &partial {
        desc.push_str(&format!(
            "Hollow markers, joined to no other year, show years not fully held, at their annualised value: {p}."
        ));
    }
    let title = "All crime by beat, by financial year";
    Some(BeatTrend {
        chart: line_chart("chart-beat-trend", title, desc.trim_end(), &xs, &series),
        partial,
        table: trend_table(
            "beat-trend-caption",
            title.to_owned(),
            "Beat",
            &a.trend_by_beat,
            unplaced,
        ),
    })
}

/// The section "Trend by category", when months are held.
struct CategoryTrend<'a> {
    /// The years not fully held, in words.
    partial: Option<String>,
    table: Option<TrendTable<'a>>,
}

fn category_trend(a: &Assessment) -> Option<CategoryTrend<'_>> {
    if a.trend_by_category
        .first()
        .is_none_or(|r| r.years.is_empty())
    {
        return None;
    }
    Some(CategoryTrend {
        partial: partial_notes(a),
        table: trend_table(
            "category-trend-caption",
            format!("Records by category and financial year in {}", a.district),
            "Category",
            &a.trend_by_category,
            None,
        ),
    })
}

/// The rows of the monthly trend shown in the report: all crime, ASB and
/// the groups (every category is in trend_by_month.csv).
fn monthly_rows(a: &Assessment) -> Vec<usize> {
    a.categories
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            r.kind != RowKind::Category || r.category == Category::AntiSocialBehaviour.name()
        })
        .map(|(i, _)| i)
        .collect()
}

/// The months of the monthly trend that are not held.
fn months_not_held(a: &Assessment) -> Vec<Month> {
    a.trend_by_month
        .iter()
        .filter(|m| !m.held)
        .map(|m| m.month)
        .collect()
}

/// The section "Trend by month", when months are held.
struct MonthTrend<'a> {
    span: String,
    /// The months not held, by name.
    missing: Option<String>,
    chart: String,
    caption: String,
    columns: Vec<&'a str>,
    rows: Vec<MonthLine>,
}

struct MonthLine {
    month: String,
    cells: Vec<Num>,
}

fn month_trend(a: &Assessment) -> Option<MonthTrend<'_>> {
    let first = a.trend_by_month.first()?.month;
    let last = a.trend_by_month.last()?.month;
    let rows = monthly_rows(a);
    let missing = months_not_held(a);
    Some(MonthTrend {
        span: month_span(first, last),
        missing: (!missing.is_empty()).then(|| month_runs(&missing)),
        chart: month_chart(a, &rows),
        caption: format!("Records by month in {}", a.district),
        columns: rows
            .iter()
            .map(|&i| a.categories[i].category.as_str())
            .collect(),
        rows: a
            .trend_by_month
            .iter()
            .map(|m| MonthLine {
                month: month_long(m.month),
                cells: rows
                    .iter()
                    .map(|&i| match &m.counts {
                        Some(c) => Num::new(thousands(c[i])),
                        None => Num::not_held(),
                    })
                    .collect(),
            })
            .collect(),
    })
}

/// The monthly trend of some rows of `categories` (by index) as a line
/// chart, with months not held as gaps in the lines.
pub fn month_chart(a: &Assessment, rows: &[usize]) -> String {
    let rows: Vec<usize> = rows
        .iter()
        .copied()
        .filter(|&i| i < a.categories.len())
        .collect();
    let missing = months_not_held(a);
    let (Some(first), Some(last)) = (
        a.trend_by_month.first().map(|m| m.month),
        a.trend_by_month.last().map(|m| m.month),
    ) else {
        return String::new();
    };
    let xs: Vec<XPoint> = a
        .trend_by_month
        .iter()
        .map(|m| XPoint {
            name: month_long(m.month),
            label: if m.month.month() == 4 || a.trend_by_month.len() <= 12 {
                format!("{} {}", &m.month.name()[..3], m.month.year())
            } else {
                String::new()
            },
            partial_note: None,
            partial_title: None,
        })
        .collect();
    let series: Vec<Series<'_>> = rows
        .iter()
        .map(|&i| Series {
            name: &a.categories[i].category,
            values: a
                .trend_by_month
                .iter()
                .map(|m| m.counts.as_ref().and_then(|c| c.get(i)).map(|n| *n as f64))
                .collect(),
            muted: false,
        })
        .collect();
    let desc = format!(
        "Line chart of {} by month, {}, one line each; months not held are gaps in the lines{}.",
        rows.iter()
            .map(|&i| a.categories[i].category.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        month_span(first, last),
        if missing.is_empty() {
            String::new()
        } else {
            format!(" ({})", month_runs(&missing))
        }
    );
    line_chart("chart-month-trend", "Records by month", &desc, &xs, &series)
}

/// The section "The areas and groups in this report": the beats
/// (localities and how they were built) and the groups (categories in
/// each), so a reader knows what every row counts.
struct Areas<'a> {
    forces: String,
    /// Other forces whose files hold records in the district.
    other_forces: Option<String>,
    /// `None` when no beats are configured.
    beats: Option<Vec<AreaBeat<'a>>>,
    groups: Vec<(&'a str, String)>,
}

struct AreaBeat<'a> {
    name: &'a str,
    localities: &'a str,
    method: &'a str,
}

fn areas(a: &Assessment) -> Areas<'_> {
    Areas {
        forces: a.forces.join(", "),
        other_forces: (!a.other_forces.is_empty()).then(|| {
            a.other_forces
                .iter()
                .map(|(f, _)| f.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        }),
        beats: (!a.beats.is_empty()).then(|| {
            a.areas
                .beats
                .iter()
                .map(|b| AreaBeat {
                    name: &b.name,
                    localities: b.localities.as_deref().unwrap_or("Not described"),
                    method: b.method.as_deref().unwrap_or("Not described"),
                })
                .collect()
        }),
        groups: a
            .groups
            .iter()
            .map(|g| {
                (
                    g.name.as_str(),
                    g.categories
                        .iter()
                        .map(|c| c.name())
                        .collect::<Vec<_>>()
                        .join(", "),
                )
            })
            .collect(),
    }
}
