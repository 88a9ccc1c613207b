//! The quarterly performance report and the annual report to the council's
//! crime and disorder scrutiny committee.
//!
//! Both are one self-contained HTML page in the style of the assessment
//! (the same CSS, header, footer and formatting), with a few additions:
//! GOV.UK tags for statuses, a summary count of measures by status, and a
//! sparkline per measure. A status is always written as a word; the tag's
//! colour only repeats it. A figure that is missing is written "n/a", never
//! as a number, and a measure without a status shows why in bold under it.
//!
//! Like the assessment, this module does no analysis: every figure is in
//! the [`PerformanceReview`] or the [`FundReturn`]. It prepares a view of
//! words and formatted figures ([`Review`]); the markup is in
//! `templates/quarterly.html`, `templates/annual.html` and the parts they
//! share in `templates/performance.html`, which escape every text they
//! insert (plan titles, measure and action texts, updates, project names).
//! No HTML is written here by string formatting.

use askama::Template;

use safer_analysis::{MeasureRow, PerformanceReview, PriorityRow};
use safer_domain::{
    Action, ActionStatus, Date, Evaluation, FundReturn, Month, Quarter, Status, pounds,
};

use crate::ReportError;
use crate::ReportMeta;
use crate::csv_out::table;
#[cfg(test)]
use crate::format::escape;
use crate::format::{MINUS, decimal1, month_long, month_span, render, thousands};
#[cfg(test)]
use crate::html::ATTRIBUTION;
use crate::svg::sparkline;

/// The statuses in the order reports count them.
pub const STATUSES: [Status; 6] = [
    Status::OnTrack,
    Status::AtRisk,
    Status::OffTrack,
    Status::Incomplete,
    Status::NoData,
    Status::Monitoring,
];

/// GOV.UK tag colours (text, background), each with a contrast of at least
/// 4.5:1 (see the test). `templates/quarterly.html` writes a CSS class for
/// each.
pub(crate) const TAG_COLOURS: [(&str, &str, &str); 7] = [
    ("green", "#005a30", "#cce2d8"),
    ("yellow", "#594d00", "#fff7bf"),
    ("red", "#2a0b06", "#f4d7d2"),
    ("grey", "#282d30", "#e5e6e7"),
    ("blue", "#0c2d4a", "#bbd4ea"),
    ("orange", "#6e3619", "#fcd6c3"),
    ("purple", "#3d2375", "#dbd5e9"),
];

/// The tag colour of a measure status.
fn status_colour(s: Status) -> &'static str {
    match s {
        Status::OnTrack => "green",
        Status::AtRisk => "yellow",
        Status::OffTrack => "red",
        Status::NoData => "grey",
        Status::Monitoring => "blue",
        Status::Incomplete => "purple",
    }
}

/// The tag colour of an action status.
fn action_colour(s: ActionStatus) -> &'static str {
    match s {
        ActionStatus::NotStarted | ActionStatus::Cancelled => "grey",
        ActionStatus::OnTrack => "green",
        ActionStatus::AtRisk => "yellow",
        ActionStatus::OffTrack => "red",
        ActionStatus::Complete => "blue",
    }
}

/// A GOV.UK tag (the `tag` macro): the word, coloured.
struct Tag {
    colour: &'static str,
    label: &'static str,
}

/// The tag of an action past its due date.
const OVERDUE: Tag = Tag {
    colour: "red",
    label: "Overdue",
};

fn status_tag(s: Status) -> Tag {
    Tag {
        colour: status_colour(s),
        label: s.label(),
    }
}

/// A date in words: `"30 September 2024"`.
pub fn date_long(d: Date) -> String {
    match Month::new(u32::from(d.year()), u32::from(d.month())) {
        Some(m) => format!("{} {}", d.day(), month_long(m)),
        None => d.to_string(),
    }
}

/// `"2024/25 quarter 2"`.
fn quarter_words(q: Quarter) -> String {
    format!("{} quarter {}", q.year(), q.number())
}

/// The quarters of a year so far: "quarter 1", "quarters 1 and 2",
/// "quarters 1 to 3".
fn quarters_so_far(n: u8) -> String {
    match n {
        0 | 1 => "quarter 1".to_owned(),
        2 => "quarters 1 and 2".to_owned(),
        n => format!("quarters 1 to {n}"),
    }
}

/// The year to date of a quarter in words: `"April to September 2024"`.
fn year_to_date(q: Quarter) -> String {
    month_span(q.year().first_month(), q.last_month())
}

/// A figure as reports print it: a whole number with thousands separators,
/// otherwise up to two decimal places (`38.95`, `72.5`), with a true minus.
pub fn figure(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".to_owned();
    }
    let hundredths = (x.abs() * 100.0).round() as u64;
    let sign = if x < 0.0 && hundredths > 0 {
        MINUS.to_string()
    } else {
        String::new()
    };
    let (whole, frac) = (hundredths / 100, hundredths % 100);
    let body = if frac == 0 {
        thousands(whole)
    } else if frac % 10 == 0 {
        format!("{}.{}", thousands(whole), frac / 10)
    } else {
        format!("{}.{frac:02}", thousands(whole))
    };
    format!("{sign}{body}")
}

/// A figure, or `None` (written "n/a" in secondary text by the `figure`
/// macro) when there is none.
fn figure_opt(x: Option<f64>) -> Option<String> {
    x.filter(|v| v.is_finite()).map(figure)
}

/// Pence as "£1,234.56" with a true minus.
fn money(pence: i64) -> String {
    pounds(pence).replacen('-', &MINUS.to_string(), 1)
}

/// Counts of measures by status, in [`STATUSES`] order.
pub fn status_counts(r: &PerformanceReview) -> [(Status, usize); 6] {
    STATUSES.map(|s| (s, r.measures().filter(|m| m.evaluation.status == s).count()))
}

/// "1 action", "3 actions" and the like: the count and the word.
fn counted(n: usize, one: &'static str, many: &'static str) -> (String, &'static str) {
    (thousands(n as u64), if n == 1 { one } else { many })
}

/// Which report is being rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Quarterly,
    Annual,
}

/// The quarterly report's title.
pub fn quarterly_title(r: &PerformanceReview) -> String {
    format!(
        "{}: performance report, {} ({})",
        r.plan_title,
        quarter_words(r.quarter),
        year_to_date(r.quarter)
    )
}

/// The annual report's title; a year not yet ended says how far it goes.
pub fn annual_title(r: &PerformanceReview) -> String {
    let mut t = format!(
        "{}: annual report to the crime and disorder scrutiny committee, {}",
        r.plan_title,
        r.quarter.year()
    );
    if r.quarter.number() != 4 {
        t.push_str(&format!(" (year to date, {})", year_to_date(r.quarter)));
    }
    t
}

/// What both reports say, in the order of `templates/performance.html`.
struct Review<'a> {
    plan_title: &'a str,
    plan_id: &'a str,
    as_at: String,
    year_to_date: String,
    summary: Summary,
    how: HowToRead,
    priorities: Vec<PriorityView<'a>>,
    fund: Option<FundView<'a>>,
}

/// The quarterly performance report page.
#[derive(Template)]
#[template(path = "quarterly.html")]
struct QuarterlyPage<'a> {
    title: String,
    meta: &'a ReportMeta,
    r: Review<'a>,
    /// The heading and sentences of what the plan's refresh changed.
    refresh: Option<(String, Vec<String>)>,
}

/// The annual report page.
#[derive(Template)]
#[template(path = "annual.html")]
struct AnnualPage<'a> {
    title: String,
    meta: &'a ReportMeta,
    r: Review<'a>,
    refresh: Option<(String, Vec<String>)>,
    year: String,
    /// Why a report before the year end is not the year's outcome; empty at
    /// quarter 4.
    year_warning: Vec<String>,
}

fn review<'a>(r: &'a PerformanceReview, fund: Option<&'a FundReturn>, kind: Kind) -> Review<'a> {
    Review {
        plan_title: &r.plan_title,
        plan_id: &r.plan_id,
        as_at: date_long(r.as_at),
        year_to_date: year_to_date(r.quarter),
        summary: summary(r, fund, kind),
        how: how_to_read(r, kind),
        priorities: r
            .priorities
            .iter()
            .enumerate()
            .map(|(pi, p)| priority(r, pi, p, kind))
            .collect(),
        fund: fund.map(|f| fund_view(r, f, kind)),
    }
}

/// The summary at the top of both reports.
struct Summary {
    measures: (String, &'static str),
    counts: Vec<(String, Tag)>,
    year_key: &'static str,
    year: String,
    actions: (String, &'static str),
    complete: String,
    /// How many actions are overdue, when any are.
    overdue: Option<String>,
    fund: Option<FundSummary>,
}

struct FundSummary {
    spent: String,
    budgeted: String,
    allocation: String,
    to_date: String,
    /// "2 warnings", linking to the fund section, when it has any.
    warnings: Option<(String, &'static str)>,
}

/// Every action of the review, with whether it is overdue.
fn all_actions(r: &PerformanceReview) -> impl Iterator<Item = (&Action, bool)> {
    r.priorities
        .iter()
        .flat_map(|p| p.actions.iter().map(|a| (a, p.overdue.contains(&a.id))))
}

fn summary(r: &PerformanceReview, fund: Option<&FundReturn>, kind: Kind) -> Summary {
    let actions: Vec<(&Action, bool)> = all_actions(r).collect();
    let overdue = actions.iter().filter(|(_, o)| *o).count();
    let complete = actions
        .iter()
        .filter(|(a, _)| a.status == ActionStatus::Complete)
        .count();
    Summary {
        measures: counted(r.measures().count(), "measure", "measures"),
        counts: status_counts(r)
            .into_iter()
            .map(|(s, n)| (thousands(n as u64), status_tag(s)))
            .collect(),
        year_key: if kind == Kind::Annual {
            "Year"
        } else {
            "Year to date"
        },
        year: format!("{}, {}", r.quarter.year(), year_to_date(r.quarter)),
        actions: counted(actions.len(), "action", "actions"),
        complete: thousands(complete as u64),
        overdue: (overdue > 0).then(|| thousands(overdue as u64)),
        fund: fund.map(|f| FundSummary {
            spent: money(f.spent_to_date_pence),
            budgeted: money(f.budgeted_pence),
            allocation: money(f.allocation_pence),
            to_date: format!("{} of {}", quarters_so_far(f.quarter.number()), f.year),
            warnings: (!f.warnings.is_empty()).then(|| {
                (
                    f.warnings.len().to_string(),
                    if f.warnings.len() == 1 {
                        "warning"
                    } else {
                        "warnings"
                    },
                )
            }),
        }),
    }
}

/// The section "How to read this report".
struct HowToRead {
    /// "The whole year" at the year end, otherwise "Year to date".
    period: &'static str,
    year_to_date: String,
    quarters: String,
    statuses: Vec<(Tag, &'static str)>,
}

/// What each status means, in [`STATUSES`] order.
const STATUS_MEANINGS: [(Status, &str); 6] = [
    (Status::OnTrack, "the target is met so far."),
    (
        Status::AtRisk,
        "the target is missed, but by no more than chance could explain (for counts, the target lies inside the 95% interval) or by no more than the tolerance (for levels such as survey percentages).",
    ),
    (
        Status::OffTrack,
        "the target is missed by more than chance or the tolerance.",
    ),
    (
        Status::Incomplete,
        "too few of the months the status claims are held in both years (fewer than the plan's minimum, three quarters unless it sets another: 9 of 12 months at the year end), so the year is not judged on part of a year: no red, amber or green status and no target. The text under the measure says how many months are held and which are missing.",
    ),
    (
        Status::NoData,
        "the figures needed are missing or cannot be compared fairly. No number is shown; the text under the measure says why, and what data it needs.",
    ),
    (
        Status::Monitoring,
        "the measure is watched without a target, so it has no red, amber or green status.",
    ),
];

fn how_to_read(r: &PerformanceReview, kind: Kind) -> HowToRead {
    let q = r.quarter;
    HowToRead {
        period: if kind == Kind::Annual && q.number() == 4 {
            "The whole year"
        } else {
            "Year to date"
        },
        year_to_date: year_to_date(q),
        quarters: format!("{} of {}", quarters_so_far(q.number()), q.year()),
        statuses: STATUS_MEANINGS
            .iter()
            .map(|(s, text)| (status_tag(*s), *text))
            .collect(),
    }
}

/// One priority's section.
struct PriorityView<'a> {
    index: usize,
    number: u32,
    title: &'a str,
    /// The annual report's one-line outcome (only it has one): the count of
    /// measures of each status held by some (none: "No measures.").
    outcome: Option<Vec<(String, Tag)>>,
    /// `None` when the priority has no measures.
    measures: Option<MeasuresTable<'a>>,
    /// `None` when the priority has no actions.
    actions: Option<ActionsTable<'a>>,
}

fn priority<'a>(
    r: &PerformanceReview,
    pi: usize,
    p: &'a PriorityRow,
    kind: Kind,
) -> PriorityView<'a> {
    PriorityView {
        index: pi,
        number: p.number,
        title: &p.title,
        outcome: (kind == Kind::Annual).then(|| priority_outcome(p)),
        measures: measures_table(r, pi, p, kind),
        actions: actions_table(pi, p, kind),
    }
}

/// A priority's measures by status.
fn priority_outcome(p: &PriorityRow) -> Vec<(String, Tag)> {
    STATUSES
        .iter()
        .filter_map(|s| {
            let n = p
                .measures
                .iter()
                .filter(|m| m.evaluation.status == *s)
                .count();
            (n > 0).then(|| (thousands(n as u64), status_tag(*s)))
        })
        .collect()
}

/// A priority's table of measures.
struct MeasuresTable<'a> {
    id: String,
    caption: String,
    target_head: &'static str,
    actual_head: &'static str,
    rows: Vec<MeasureLine<'a>>,
}

/// A measure's row and the row of its reason under it.
struct MeasureLine<'a> {
    row_id: String,
    text: &'a str,
    source: &'a str,
    comparison: Option<String>,
    comparison_year: Option<&'a str>,
    target: Option<String>,
    actual: Option<String>,
    /// The months the actual figure covers, when fewer than the status
    /// claims.
    actual_sub: Option<String>,
    status: Tag,
    interval: Option<String>,
    significance: &'static str,
    /// The sparkline's SVG, when there are quarterly values.
    spark: Option<String>,
    reason: String,
    reason_style: ReasonStyle,
    /// The commentary written for the quarter, by paragraph.
    commentary: Vec<String>,
}

/// How a measure's reason is shown.
enum ReasonStyle {
    /// In bold, after "No data:": there is no figure.
    NoData,
    /// In bold: the reason opens "Incomplete: 3 of 12 months held".
    Incomplete,
    /// Plain, with "Why:" for screen readers.
    Plain,
}

/// The text alternative of a measure's sparkline.
fn trend_desc(m: &MeasureRow) -> String {
    format!(
        "Value in each quarter, oldest first: {}.",
        m.trend
            .iter()
            .map(|(q, v)| format!("{} Q{} {}", q.year(), q.number(), figure(*v)))
            .collect::<Vec<_>>()
            .join("; ")
    )
}

fn measures_table<'a>(
    r: &PerformanceReview,
    pi: usize,
    p: &'a PriorityRow,
    kind: Kind,
) -> Option<MeasuresTable<'a>> {
    if p.measures.is_empty() {
        return None;
    }
    let year_end = kind == Kind::Annual && r.quarter.number() == 4;
    let (target_head, actual_head) = if year_end {
        ("Target for the year", "Outcome for the year")
    } else {
        ("Target (year to date)", "Actual (year to date)")
    };
    let rows = p
        .measures
        .iter()
        .enumerate()
        .map(|(mi, m)| {
            let e = &m.evaluation;
            let values: Vec<f64> = m.trend.iter().map(|(_, v)| *v).collect();
            let spark = sparkline(
                &format!("spark-{pi}-{mi}"),
                &format!("Trend: {}", m.text),
                &trend_desc(m),
                &values,
            );
            let (actual, actual_sub) = actual_cell(e, year_end);
            MeasureLine {
                row_id: format!("measure-{pi}-{mi}"),
                text: &m.text,
                source: &m.source,
                comparison: figure_opt(e.comparison),
                comparison_year: m.comparison_year.as_deref(),
                target: figure_opt(e.target),
                actual,
                actual_sub,
                status: status_tag(e.status),
                interval: match e.interval {
                    Some((lo, hi)) if lo.is_finite() && hi.is_finite() => {
                        Some(format!("{} to {}", decimal1(lo), decimal1(hi)))
                    }
                    _ => None,
                },
                significance: e.significance.label(),
                spark: (!spark.is_empty()).then_some(spark),
                reason: crate::measure_reason(e),
                reason_style: match e.status {
                    Status::NoData => ReasonStyle::NoData,
                    Status::Incomplete => ReasonStyle::Incomplete,
                    _ => ReasonStyle::Plain,
                },
                commentary: m
                    .commentary
                    .as_deref()
                    .map(safer_domain::paragraphs)
                    .unwrap_or_default(),
            }
        })
        .collect();
    Some(MeasuresTable {
        id: format!("measures-{pi}-caption"),
        caption: format!(
            "Priority {} measures, {}",
            p.number,
            year_to_date(r.quarter)
        ),
        target_head,
        actual_head,
        rows,
    })
}

/// The actual figure, with the months it covers when it covers fewer than
/// the status claims. At the year end an incomplete figure is not the
/// year's outcome, so none is shown under that heading.
fn actual_cell(e: &Evaluation, year_end: bool) -> (Option<String>, Option<String>) {
    let Some(c) = e.coverage.as_ref().filter(|c| !c.is_whole()) else {
        return (figure_opt(e.actual), None);
    };
    let months = format!("{} of {} months", c.months_compared, c.months_claimed);
    if e.status == Status::Incomplete && year_end {
        (None, Some(format!("only {months} held")))
    } else {
        (figure_opt(e.actual), Some(months))
    }
}

/// The latest update of an action: the latest entered, whose status the
/// action has (an update may be dated before one entered earlier).
fn latest_update(a: &Action) -> Option<&safer_domain::ActionUpdate> {
    a.updates.last()
}

/// A priority's table of actions, with the counts said above it.
struct ActionsTable<'a> {
    actions: (String, &'static str),
    complete: String,
    cancelled: String,
    open: String,
    /// How many are overdue, when any are.
    overdue: Option<String>,
    id: String,
    caption: String,
    rows: Vec<ActionLine<'a>>,
}

struct ActionLine<'a> {
    id: String,
    aim: &'static str,
    key_action: &'a str,
    lead_agency: &'a str,
    due: String,
    status: Tag,
    overdue: bool,
    /// The latest update: its text, date and author.
    update: Option<(&'a str, String, &'a str)>,
}

fn actions_table(pi: usize, p: &PriorityRow, kind: Kind) -> Option<ActionsTable<'_>> {
    if p.actions.is_empty() {
        return None;
    }
    let count = |s: ActionStatus| p.actions.iter().filter(|a| a.status == s).count();
    let (complete, cancelled) = (
        count(ActionStatus::Complete),
        count(ActionStatus::Cancelled),
    );
    Some(ActionsTable {
        actions: counted(p.actions.len(), "action", "actions"),
        complete: thousands(complete as u64),
        cancelled: thousands(cancelled as u64),
        open: thousands((p.actions.len() - complete - cancelled) as u64),
        overdue: (!p.overdue.is_empty()).then(|| thousands(p.overdue.len() as u64)),
        id: format!("actions-{pi}-caption"),
        caption: format!(
            "Priority {} actions{}",
            p.number,
            if kind == Kind::Annual {
                ", at the year end"
            } else {
                ""
            }
        ),
        rows: p
            .actions
            .iter()
            .map(|a| ActionLine {
                id: a.id.to_string(),
                aim: a.aim.label(),
                key_action: &a.key_action,
                lead_agency: &a.lead_agency,
                due: date_long(a.due),
                status: Tag {
                    colour: action_colour(a.status),
                    label: a.status.label(),
                },
                overdue: p.overdue.contains(&a.id),
                update: latest_update(a)
                    .map(|u| (u.text.as_str(), date_long(u.date), u.author.as_str())),
            })
            .collect(),
    })
}

/// The name of a priority for the fund table: "Priority 2" when the review
/// has it, otherwise its id.
fn priority_name(r: &PerformanceReview, id: &str) -> String {
    r.priorities
        .iter()
        .find(|p| p.id == id)
        .map_or_else(|| id.to_owned(), |p| format!("Priority {}", p.number))
}

/// The section "Partnership Locality Fund".
struct FundView<'a> {
    /// At the year end of the annual report: the year's spend, without a
    /// profile.
    year_end: bool,
    to_date: String,
    /// When the return is for another quarter than the report: the two
    /// quarters in words.
    other_quarter: Option<(String, String)>,
    warnings_heading: &'static str,
    warnings: &'a [String],
    /// "Spent in the year" or "Spent to date".
    spent_head: &'static str,
    allocation: String,
    source: &'a str,
    budgeted: String,
    unallocated: String,
    spent: String,
    not_spent: String,
    /// `None` when no project is funded.
    table: Option<FundTable<'a>>,
}

struct FundTable<'a> {
    caption: String,
    rows: Vec<FundLine<'a>>,
    budget: String,
    spent: String,
    profile: String,
    remaining: String,
}

struct FundLine<'a> {
    name: &'a str,
    lead_agency: &'a str,
    priority: String,
    budget: String,
    spent: String,
    profile: String,
    remaining: String,
    flags: Vec<Tag>,
}

fn fund_view<'a>(r: &PerformanceReview, f: &'a FundReturn, kind: Kind) -> FundView<'a> {
    let q = f.quarter.number();
    let to_date = format!(
        "{} of {} ({})",
        quarters_so_far(q),
        f.year,
        year_to_date(f.quarter)
    );
    let year_end = kind == Kind::Annual && q == 4;
    let table = (!f.lines.is_empty()).then(|| FundTable {
        caption: format!("Partnership Locality Fund projects, {to_date}"),
        rows: f
            .lines
            .iter()
            .map(|l| {
                let p = &l.project;
                let mut flags = Vec::new();
                if l.underspend {
                    flags.push(Tag {
                        colour: "orange",
                        label: "Underspend",
                    });
                }
                if l.overspend {
                    flags.push(Tag {
                        colour: "red",
                        label: "Overspend",
                    });
                }
                FundLine {
                    name: &p.name,
                    lead_agency: &p.lead_agency,
                    priority: priority_name(r, &p.priority_id),
                    budget: money(p.budget_pence),
                    spent: money(l.spent_to_date_pence),
                    profile: money(l.profile_pence),
                    remaining: money(l.remaining_pence),
                    flags,
                }
            })
            .collect(),
        budget: money(f.budgeted_pence),
        spent: money(f.spent_to_date_pence),
        profile: money(f.lines.iter().map(|l| l.profile_pence).sum()),
        remaining: money(f.lines.iter().map(|l| l.remaining_pence).sum()),
    });
    FundView {
        year_end,
        other_quarter: (f.quarter != r.quarter)
            .then(|| (quarter_words(f.quarter), quarter_words(r.quarter))),
        to_date,
        warnings_heading: if f.warnings.len() == 1 {
            "Read this warning about the fund"
        } else {
            "Read these warnings about the fund"
        },
        warnings: &f.warnings,
        spent_head: if year_end {
            "Spent in the year"
        } else {
            "Spent to date"
        },
        allocation: money(f.allocation_pence),
        source: &f.source,
        budgeted: money(f.budgeted_pence),
        unallocated: money(f.unallocated_pence),
        spent: money(f.spent_to_date_pence),
        not_spent: money(f.budgeted_pence - f.spent_to_date_pence),
        table,
    }
}

/// The quarterly performance report.
/// What the plan's latest refresh changed, in words: a heading and a
/// sentence a change.
fn refresh_text(meta: &ReportMeta) -> Option<(String, Vec<String>)> {
    let r = meta.refresh.as_ref()?;
    let heading = format!(
        "What the annual refresh changed (version {} to {}, imported {})",
        r.from_version,
        r.to_version,
        r.imported_at.get(..10).unwrap_or(&r.imported_at)
    );
    let changes = if r.changes.is_empty() {
        vec!["Nothing in its priorities or measures.".to_owned()]
    } else {
        r.changes.iter().map(crate::plan_change_text).collect()
    };
    Some((heading, changes))
}

pub fn render_quarterly_html(
    r: &PerformanceReview,
    fund: Option<&FundReturn>,
    meta: &ReportMeta,
) -> String {
    render(&QuarterlyPage {
        title: quarterly_title(r),
        meta,
        r: review(r, fund, Kind::Quarterly),
        refresh: refresh_text(meta),
    })
}

/// The annual report to the crime and disorder scrutiny committee.
pub fn render_annual_html(
    r: &PerformanceReview,
    fund: Option<&FundReturn>,
    meta: &ReportMeta,
) -> String {
    let year_warning = if r.quarter.number() == 4 {
        Vec::new()
    } else {
        vec![format!(
            "This is not a year-end report: the figures run only to {} ({}), not to {}.",
            month_long(r.quarter.last_month()),
            quarter_words(r.quarter),
            month_long(r.quarter.year().last_month())
        )]
    };
    render(&AnnualPage {
        title: annual_title(r),
        meta,
        r: review(r, fund, Kind::Annual),
        refresh: refresh_text(meta),
        year: r.quarter.year().to_string(),
        year_warning,
    })
}

/// The columns of measures.csv.
pub const MEASURE_COLUMNS: [&str; 17] = [
    "priority",
    "measure_id",
    "text",
    "source",
    "comparison_year",
    "period",
    "months_compared",
    "months_claimed",
    "not_held",
    "comparison",
    "target",
    "actual",
    "status",
    "interval_low",
    "interval_high",
    "significance",
    "reason",
];

/// A plain number for CSV, rounded to two decimal places; empty when there
/// is none.
fn plain(x: Option<f64>) -> String {
    x.filter(|v| v.is_finite())
        .map(|v| format!("{}", (v * 100.0).round() / 100.0 + 0.0))
        .unwrap_or_default()
}

/// measures.csv: one row per measure.
pub fn measures_csv(r: &PerformanceReview) -> Result<String, ReportError> {
    table(
        &MEASURE_COLUMNS,
        r.priorities.iter().flat_map(|p| {
            p.measures.iter().map(move |m| {
                let e = &m.evaluation;
                let c = e.coverage.as_ref();
                vec![
                    p.id.clone(),
                    m.id.clone(),
                    m.text.clone(),
                    m.source.clone(),
                    m.comparison_year.clone().unwrap_or_default(),
                    m.period.map(|p| p.to_string()).unwrap_or_default(),
                    c.map(|c| c.months_compared.to_string()).unwrap_or_default(),
                    c.map(|c| c.months_claimed.to_string()).unwrap_or_default(),
                    c.map(|c| c.not_held().join(" ")).unwrap_or_default(),
                    plain(e.comparison),
                    plain(e.target),
                    plain(e.actual),
                    e.status.label().to_owned(),
                    plain(e.interval.map(|i| i.0)),
                    plain(e.interval.map(|i| i.1)),
                    e.significance.label().to_owned(),
                    crate::measure_reason(e),
                ]
            })
        }),
    )
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use safer_analysis::{MeasureRow, PriorityRow};
    use safer_domain::{
        ActionId, ActionUpdate, Against, AgencyId, Aim, Better, Change, Coverage, Evaluation,
        Finding, NoStatus, Period, Scope, Significance, ValueKind, Verdict,
    };

    fn q(s: &str) -> Quarter {
        s.parse().unwrap()
    }

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn ytd() -> Option<Period> {
        Period::new("2024-04".parse().unwrap(), "2024-09".parse().unwrap())
    }

    fn measure(id: &str, text: &str, source: &str, e: Evaluation, trend: Vec<f64>) -> MeasureRow {
        let quarters = ["2023-Q3", "2023-Q4", "2024-Q1", "2024-Q2"];
        let start = quarters.len() - trend.len().min(quarters.len());
        MeasureRow {
            id: id.into(),
            text: text.into(),
            source: source.into(),
            comparison_year: Some("2023/24".into()),
            period: ytd(),
            evaluation: e,
            trend: quarters[start..].iter().map(|s| q(s)).zip(trend).collect(),
            commentary: None,
        }
    }

    fn eval(
        status: Status,
        comparison: Option<f64>,
        target: Option<f64>,
        actual: Option<f64>,
        significance: Significance,
        finding: Finding,
    ) -> Evaluation {
        Evaluation {
            status,
            target,
            actual,
            comparison,
            change: match (comparison, actual) {
                (Some(c), Some(a)) => Some(Change::between(c as u64, a as u64)),
                _ => None,
            },
            interval: actual.map(|a| (a * 0.8, a * 1.2 + 0.04)),
            significance,
            finding,
            coverage: None,
        }
    }

    /// A count judged against its target, lower is better, over the whole
    /// year to date.
    fn judged(against: Against, verdict: Verdict) -> Finding {
        Finding::Judged {
            value_kind: ValueKind::Count,
            better: Better::Lower,
            against,
            verdict,
            scope: Scope::Whole,
            left_out: None,
        }
    }

    fn action(id: i64, priority: &str, status: ActionStatus, due: &str) -> Action {
        Action {
            id: ActionId::from_stored(id),
            plan_id: "csp-2024".into(),
            priority_id: priority.into(),
            aim: Aim::Prevention,
            key_action: format!("Key action {id}"),
            lead_agency_id: Some(AgencyId::from_stored(1)),
            lead_agency: "Police".into(),
            start: d("2024-04-01"),
            due: d(due),
            financial_implications: String::new(),
            resource_implications: String::new(),
            outcome_target: String::new(),
            measure_id: None,
            status,
            updates: vec![],
        }
    }

    /// Two priorities: every status once, a measure with markup in its
    /// text, an overdue action with two updates, a complete action.
    pub(crate) fn sample_review() -> PerformanceReview {
        let mut overdue = action(11, "p1", ActionStatus::AtRisk, "2024-06-30");
        overdue.key_action = "Patrols at <hotspots> & parks".into();
        overdue.updates = vec![
            ActionUpdate {
                date: d("2024-07-15"),
                author: "PC Jones".into(),
                text: "Older update".into(),
                status: ActionStatus::OnTrack,
            },
            ActionUpdate {
                date: d("2024-09-12"),
                author: "Sgt O'Neill".into(),
                text: "Two of four patrols running".into(),
                status: ActionStatus::AtRisk,
            },
        ];
        let done = action(12, "p1", ActionStatus::Complete, "2024-05-31");
        let later = action(21, "p2", ActionStatus::OnTrack, "2025-03-31");
        PerformanceReview {
            plan_id: "csp-2024".into(),
            plan_title: "Community Safety Plan 2024–27".into(),
            quarter: q("2024-Q2"),
            as_at: d("2024-09-30"),
            priorities: vec![
                PriorityRow {
                    id: "p1".into(),
                    number: 1,
                    title: "Reduce <violent> crime".into(),
                    measures: vec![
                        measure(
                            "p1-m1",
                            "Reduce violence with injury by 5%",
                            "police.uk: Violence and sexual offences",
                            eval(
                                Status::OnTrack,
                                Some(1234.0),
                                Some(1172.3),
                                Some(1100.0),
                                Significance::SignificantDecrease,
                                judged(Against::Level, Verdict::Met),
                            ),
                            vec![560.0, 600.0, 540.0, 560.0],
                        ),
                        measure(
                            "p1-m2",
                            "Reduce robbery <year on year> & more",
                            "police.uk: Robbery",
                            eval(
                                Status::AtRisk,
                                Some(40.0),
                                Some(40.0),
                                Some(42.0),
                                Significance::NoSignificantChange,
                                judged(Against::PreviousYear, Verdict::WithinChance),
                            ),
                            vec![20.0, 22.0],
                        ),
                        measure(
                            "p1-m3",
                            "Reduce shoplifting",
                            "police.uk: Shoplifting",
                            eval(
                                Status::OffTrack,
                                Some(300.0),
                                Some(285.0),
                                Some(390.0),
                                Significance::SignificantIncrease,
                                judged(
                                    Against::Percent {
                                        percent: 5.0,
                                        up: false,
                                    },
                                    Verdict::BeyondChance,
                                ),
                            ),
                            vec![150.0],
                        ),
                    ],
                    actions: vec![overdue, done],
                    overdue: vec![ActionId::from_stored(11)],
                },
                PriorityRow {
                    id: "p2".into(),
                    number: 2,
                    title: "Protect vulnerable people".into(),
                    measures: vec![
                        measure(
                            "p2-m1",
                            "Increase JAG referrals",
                            "case records: jag referral",
                            eval(
                                Status::NoData,
                                None,
                                None,
                                None,
                                Significance::NotTested,
                                Finding::NoStatus {
                                    why: NoStatus::CaseRecords {
                                        record: "jag_referral".into(),
                                    },
                                },
                            ),
                            vec![],
                        ),
                        measure(
                            "p2-m2",
                            "Residents who feel safe after dark",
                            "entered each quarter",
                            Evaluation {
                                interval: None,
                                ..eval(
                                    Status::Monitoring,
                                    Some(70.0),
                                    None,
                                    Some(72.5),
                                    Significance::NotTested,
                                    Finding::Monitored {
                                        value_kind: ValueKind::Level,
                                        p_value: None,
                                        scope: Scope::Whole,
                                        left_out: None,
                                    },
                                )
                            },
                            vec![71.0, 72.5],
                        ),
                        measure(
                            "p2-m3",
                            "Reduce repeat ASB complaints",
                            "police.uk: Anti-social behaviour",
                            Evaluation {
                                coverage: Some(incomplete_coverage()),
                                target: None,
                                ..eval(
                                    Status::Incomplete,
                                    Some(180.0),
                                    None,
                                    Some(150.0),
                                    Significance::NoSignificantChange,
                                    Finding::Incomplete { months_needed: 5 },
                                )
                            },
                            vec![],
                        ),
                    ],
                    actions: vec![later],
                    overdue: vec![],
                },
            ],
        }
    }

    /// April to June 2024 against April to June 2023; July to September
    /// 2023 is not held.
    fn incomplete_coverage() -> Coverage {
        let held = |m: Month| m < Month::new(2023, 7).unwrap() || m > Month::new(2023, 9).unwrap();
        safer_domain::month_coverage(ytd().unwrap(), 1, held).1
    }

    fn meta() -> ReportMeta {
        ReportMeta {
            partnership_name: Some("Charnwood Community Safety Partnership".into()),
            refresh: None,
            narrative: None,
            site: None,
            generated_at: "2024-10-14 09:30".into(),
        }
    }

    fn fund() -> FundReturn {
        crate::fund_return::tests::sample_fund_return()
    }

    /// WCAG 2 contrast ratio of two "#rrggbb" colours.
    fn contrast(a: &str, b: &str) -> f64 {
        fn lum(hex: &str) -> f64 {
            let c = |i: usize| {
                let v = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
                if v <= 0.03928 {
                    v / 12.92
                } else {
                    ((v + 0.055) / 1.055).powf(2.4)
                }
            };
            0.2126 * c(1) + 0.7152 * c(3) + 0.0722 * c(5)
        }
        let (x, y) = (lum(a), lum(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    #[test]
    fn tag_colours_have_enough_contrast() {
        for (name, text, background) in TAG_COLOURS {
            let c = contrast(text, background);
            assert!(c >= 4.5, "{name}: {c:.2}");
        }
        // Every status and action status has a colour that exists.
        for s in STATUSES {
            assert!(TAG_COLOURS.iter().any(|t| t.0 == status_colour(s)));
        }
        for s in ActionStatus::ALL {
            assert!(TAG_COLOURS.iter().any(|t| t.0 == action_colour(s)));
        }
    }

    #[test]
    fn titles() {
        let r = sample_review();
        assert_eq!(
            quarterly_title(&r),
            "Community Safety Plan 2024–27: performance report, 2024/25 quarter 2 (April to September 2024)"
        );
        assert_eq!(
            annual_title(&r),
            "Community Safety Plan 2024–27: annual report to the crime and disorder scrutiny committee, 2024/25 (year to date, April to September 2024)"
        );
        let mut r4 = r.clone();
        r4.quarter = q("2024-Q4");
        assert_eq!(
            annual_title(&r4),
            "Community Safety Plan 2024–27: annual report to the crime and disorder scrutiny committee, 2024/25"
        );
        assert!(quarterly_title(&r4).ends_with("2024/25 quarter 4 (April 2024 to March 2025)"));
        assert_eq!(date_long(d("2024-09-30")), "30 September 2024");
        assert_eq!(date_long(d("2025-01-05")), "5 January 2025");
    }

    #[test]
    fn figures() {
        assert_eq!(figure(1234.0), "1,234");
        assert_eq!(figure(1172.3), "1,172.3");
        assert_eq!(figure(38.95), "38.95");
        assert_eq!(figure(-2.5), "\u{2212}2.5");
        assert_eq!(figure(-0.001), "0");
        assert_eq!(figure(f64::NAN), "n/a");
        assert_eq!(plain(Some(1172.3)), "1172.3");
        assert_eq!(plain(Some(-0.001)), "0");
        assert_eq!(plain(Some(42.0)), "42");
        assert_eq!(plain(None), "");
        assert_eq!(money(-5), "\u{2212}£0.05");
    }

    #[test]
    fn quarterly_html_has_every_measure_status_and_the_overdue_tag() {
        let r = sample_review();
        let f = fund();
        let html = render_quarterly_html(&r, Some(&f), &meta());
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en-GB\">"));
        assert!(html.contains(&format!("<h1>{}</h1>", escape(&quarterly_title(&r)))));
        assert!(html.contains("as at 30 September 2024"));
        for m in r.measures() {
            assert!(html.contains(&escape(&m.text)), "{}", m.text);
            assert!(
                html.contains(&escape(&crate::measure_reason(&m.evaluation))),
                "{}",
                m.id
            );
            assert!(html.contains(&format!(
                "{}\">{}</strong>",
                status_colour(m.evaluation.status),
                m.evaluation.status.label()
            )));
        }
        // The summary counts one measure of each status.
        let counts = html.find("class=\"status-counts\"").unwrap();
        for s in STATUSES {
            let li = format!(
                "<li><span class=\"status-count__n\">1</span><strong class=\"tag tag--{}\">{}</strong></li>",
                status_colour(s),
                s.label()
            );
            let at = html.find(&li).unwrap_or_else(|| panic!("{li}"));
            assert!(at > counts);
        }
        assert!(html.contains("<p>6 measures in the plan:</p>"));
        // A figure over fewer months than claimed says how many.
        assert!(
            html.contains(
                "<td class=\"num\">150<span class=\"cell-sub\">3 of 6 months</span></td>"
            )
        );
        // The overdue action is tagged; the others are not.
        assert_eq!(
            html.matches("<strong class=\"tag tag--red\">Overdue</strong>")
                .count(),
            2, // the action's row and the summary
        );
        assert!(html.contains("<th scope=\"row\">Patrols at &lt;hotspots&gt; &amp; parks</th>"));
        // The latest update, with its date and author, not the older one.
        assert!(html.contains(
            "Two of four patrols running<span class=\"cell-sub\">12 September 2024, Sgt O&#39;Neill</span>"
        ));
        assert!(!html.contains("Older update"));
        assert!(html.contains("Reduce robbery &lt;year on year&gt; &amp; more"));
        assert!(html.contains(
            "<h2 id=\"priority-0-heading\">Priority 1: Reduce &lt;violent&gt; crime</h2>"
        ));
        // The fund, with its warning in a warning panel.
        let fund_at = html.find("id=\"fund-heading\"").unwrap();
        let panel = html[fund_at..].find("class=\"warning-panel\"").unwrap() + fund_at;
        for w in &f.warnings {
            let at = html.find(&escape(w)).unwrap_or_else(|| panic!("{w}"));
            assert!(at > panel);
        }
        assert!(f.warnings.iter().any(|w| w.contains("underspend")));
        assert!(html.contains("<strong class=\"tag tag--orange\">Underspend</strong>"));
        assert!(html.contains("<th scope=\"row\">Diversionary &lt;football&gt;</th><td>Youth service</td><td>Priority 2</td><td class=\"num\">£4,000.00</td><td class=\"num\">£1,400.00</td><td class=\"num\">£2,000.00</td><td class=\"num\">£2,600.00</td>"));
        assert!(html.contains("<tr class=\"row-total\"><th scope=\"row\">Total</th><td></td><td></td><td class=\"num\">£14,000.00</td><td class=\"num\">£5,634.56</td><td class=\"num\">£7,000.00</td><td class=\"num\">£8,365.44</td><td></td></tr>"));
        assert!(html.contains("How to read this report"));
        assert!(html.contains("docs/design/measure-status.md"));
        assert!(html.contains(ATTRIBUTION));
        assert!(html.contains("Generated by Safer on 2024-10-14 09:30"));
        assert!(!html.contains("<script"));
        assert!(!html.contains("src=\"http") && !html.contains("<link"));
    }

    #[test]
    fn review_json_has_each_reason_beside_its_finding() {
        let r = sample_review();
        let plain = serde_json::to_value(&r).unwrap();
        let mut with = serde_json::to_value(crate::ReviewWithReasons(&r)).unwrap();
        let mut n = 0;
        for (p, pv) in r
            .priorities
            .iter()
            .zip(with["priorities"].as_array_mut().unwrap())
        {
            for (m, mv) in p
                .measures
                .iter()
                .zip(pv["measures"].as_array_mut().unwrap())
            {
                let e = mv["evaluation"].as_object_mut().unwrap();
                assert!(e["finding"]["kind"].is_string(), "{}", m.id);
                let reason = e.remove("reason").unwrap();
                assert_eq!(reason, crate::measure_reason(&m.evaluation), "{}", m.id);
                assert!(reason.as_str().unwrap().ends_with('.'), "{reason}");
                n += 1;
            }
        }
        assert_eq!(n, r.measures().count());
        // Without the reasons, the review exactly as it serialises.
        assert_eq!(with, plain);
        assert!(plain.to_string().find("\"reason\"").is_none());
    }

    #[test]
    fn no_data_shows_the_reason_and_no_number() {
        let r = sample_review();
        let html = render_quarterly_html(&r, None, &meta());
        let m = &r.priorities[1].measures[0];
        let row = html
            .find(&format!(
                "<th scope=\"row\" id=\"measure-1-0\">{}</th>",
                m.text
            ))
            .unwrap();
        let end = row + html[row..].find("</tr>").unwrap();
        let cells = &html[row..end];
        assert_eq!(cells.matches("<span class=\"na\">n/a</span>").count(), 4);
        assert!(cells.contains("<span class=\"na\">none</span>"), "{cells}");
        // No number but the comparison year.
        let without_year = cells[cells.find("</th>").unwrap()..]
            .replace("<span class=\"cell-sub\">2023/24</span>", "");
        assert!(!without_year.chars().any(|c| c.is_ascii_digit()), "{cells}");
        let reason = &html[end..end + 400];
        assert!(reason.starts_with(
            "</tr>\n<tr class=\"row-reason\"><td colspan=\"9\" headers=\"measure-1-0\"><span class=\"reason-nodata\">No data: Counted from case records"
        ), "{reason}");
        // Without a fund, no fund section.
        assert!(!html.contains("fund-heading"));
        assert!(!html.contains("Partnership Locality Fund</h2>"));
    }

    #[test]
    fn sparklines_have_a_text_alternative_and_are_skipped_when_empty() {
        let r = sample_review();
        let html = render_quarterly_html(&r, None, &meta());
        let with_trend = r.measures().filter(|m| !m.trend.is_empty()).count();
        assert_eq!(with_trend, 4);
        assert_eq!(html.matches("class=\"sparkline\"").count(), with_trend);
        assert_eq!(html.matches("role=\"img\"").count(), with_trend);
        assert!(html.contains("<desc id=\"spark-0-0-desc\">Value in each quarter, oldest first: 2023/24 Q3 560; 2023/24 Q4 600; 2024/25 Q1 540; 2024/25 Q2 560.</desc>"));
        assert!(html.contains("<title id=\"spark-0-1-title\">Trend: Reduce robbery &lt;year on year&gt; &amp; more</title>"));
    }

    #[test]
    fn headings_are_in_order_and_tables_have_captions() {
        for html in [
            render_quarterly_html(&sample_review(), Some(&fund()), &meta()),
            render_annual_html(&sample_review(), Some(&fund()), &meta()),
        ] {
            let mut last = 0;
            let mut h1 = 0;
            for (i, _) in html.match_indices("<h") {
                let Some(level) = html[i + 2..].chars().next().and_then(|c| c.to_digit(10)) else {
                    continue;
                };
                h1 += usize::from(level == 1);
                assert!(level <= last + 1, "h{level} after h{last}");
                last = level;
            }
            assert_eq!(h1, 1);
            assert_eq!(
                html.matches("<table").count(),
                html.matches("<caption").count()
            );
            // Ids are unique.
            let mut ids: Vec<&str> = html
                .match_indices(" id=\"")
                .map(|(i, _)| {
                    let rest = &html[i + 5..];
                    &rest[..rest.find('"').unwrap()]
                })
                .collect();
            let n = ids.len();
            ids.sort_unstable();
            ids.dedup();
            assert_eq!(ids.len(), n, "duplicate ids");
        }
    }

    #[test]
    fn annual_html_frames_the_year() {
        let mut r = sample_review();
        let f = fund();
        // Not at Q4: says so.
        let html = render_annual_html(&r, Some(&f), &meta());
        assert!(html.contains("This is not a year-end report: the figures run only to September 2024 (2024/25 quarter 2), not to March 2025."));
        assert!(html.contains("Police and Justice Act 2006"));
        // At Q4: the year's outcome, no year-end warning.
        r.quarter = q("2024-Q4");
        r.as_at = d("2025-03-31");
        let html = render_annual_html(&r, Some(&f), &meta());
        assert!(!html.contains("not a year-end report"));
        assert!(html.contains("<h1>Community Safety Plan 2024–27: annual report to the crime and disorder scrutiny committee, 2024/25</h1>"));
        assert!(html.contains("Section 19 of the Police and Justice Act 2006"));
        assert!(html.contains("Charnwood Community Safety Partnership's plan"));
        assert!(html.contains("Outcome for the year"));
        // An incomplete year: its tag, no RAG, and no figure as the year's outcome.
        let row = html
            .find("<th scope=\"row\" id=\"measure-1-2\">Reduce repeat ASB complaints</th>")
            .unwrap();
        let cells = &html[row..row + html[row..].find("</tr>").unwrap()];
        assert!(
            cells.contains("<strong class=\"tag tag--purple\">Incomplete</strong>"),
            "{cells}"
        );
        for rag in ["On track", "At risk", "Off track"] {
            assert!(!cells.contains(rag), "{cells}");
        }
        assert!(cells.contains("<td class=\"num\"><span class=\"na\">n/a</span><span class=\"cell-sub\">only 3 of 6 months held</span></td>"), "{cells}");
        assert!(html.contains("<p class=\"lead\">The year's outcome. Measures: 1 <strong class=\"tag tag--green\">On track</strong>, 1 <strong class=\"tag tag--yellow\">At risk</strong>, 1 <strong class=\"tag tag--red\">Off track</strong>.</p>"));
        for m in r.measures() {
            assert!(html.contains(&escape(&m.text)));
            assert!(html.contains(m.evaluation.status.label()));
        }
        assert!(html.contains("<p>6 measures in the plan:</p>"));
        // The fund return is for Q2, which the report says.
        assert!(html.contains("This return is for 2024/25 quarter 2, not for 2024/25 quarter 4"));
        assert!(html.contains("Underspend"));
        for w in &f.warnings {
            assert!(html.contains(&escape(w)));
        }
    }

    #[test]
    fn measures_csv_has_a_row_per_measure() {
        let r = sample_review();
        let csv = measures_csv(&r).unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines[0],
            "priority,measure_id,text,source,comparison_year,period,months_compared,months_claimed,not_held,comparison,target,actual,status,interval_low,interval_high,significance,reason"
        );
        assert_eq!(lines.len(), 1 + r.measures().count());
        assert_eq!(
            lines[1],
            "p1,p1-m1,Reduce violence with injury by 5%,police.uk: Violence and sexual offences,2023/24,2024-04 to 2024-09,,,,1234,1172.3,1100,On track,880,1320.04,Significant decrease,\"1,100 so far against a target of 1,172.3, so on track.\""
        );
        let no_data = lines.iter().find(|l| l.starts_with("p2,p2-m1,")).unwrap();
        assert!(
            no_data.starts_with("p2,p2-m1,Increase JAG referrals,case records: jag referral,2023/24,2024-04 to 2024-09,,,,,,,No data,,,Not tested,"),
            "{no_data}"
        );
        // The months compared and those not held, beside an incomplete status.
        let incomplete = lines.iter().find(|l| l.starts_with("p2,p2-m3,")).unwrap();
        assert!(
            incomplete.starts_with("p2,p2-m3,Reduce repeat ASB complaints,police.uk: Anti-social behaviour,2023/24,2024-04 to 2024-09,3,6,2023-07 2023-08 2023-09,180,,150,Incomplete,"),
            "{incomplete}"
        );
    }
}
