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
//! the [`PerformanceReview`] or the [`FundReturn`].

use std::fmt::Write as _;

use safer_analysis::{MeasureRow, PerformanceReview, PriorityRow};
use safer_domain::{
    Action, ActionStatus, Date, Evaluation, FundReturn, Month, Quarter, Status, pounds,
};

use crate::ReportError;
use crate::ReportMeta;
use crate::csv_out::table;
use crate::format::{MINUS, decimal1, escape, month_long, month_span, thousands};
use crate::html::{ATTRIBUTION, CSS, GENERATOR, summary_row, table_open};
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
/// 4.5:1 (see the test).
pub(crate) const TAG_COLOURS: [(&str, &str, &str); 7] = [
    ("green", "#005a30", "#cce2d8"),
    ("yellow", "#594d00", "#fff7bf"),
    ("red", "#2a0b06", "#f4d7d2"),
    ("grey", "#282d30", "#e5e6e7"),
    ("blue", "#0c2d4a", "#bbd4ea"),
    ("orange", "#6e3619", "#fcd6c3"),
    ("purple", "#3d2375", "#dbd5e9"),
];

/// What this page adds to the assessment's CSS.
fn extra_css() -> String {
    let mut css = String::from(
        "
.tag{display:inline-block;padding:2px 8px 3px;font-size:16px;line-height:1.25;font-weight:400;white-space:nowrap}
td .tag{margin:0 4px 4px 0}
.status-counts{list-style:none;margin:0 0 20px;padding:0;display:flex;flex-wrap:wrap;gap:15px}
.status-counts li{border:1px solid #b1b4b6;padding:10px 15px;min-width:9em}
.status-count__n{display:block;font-size:36px;font-weight:700;line-height:1.1;margin-bottom:5px}
.row-measure th,.row-measure td{border-bottom:0}
.row-reason td{font-size:14px;padding-top:0}
.row-reason .reason-nodata{display:block;border-left:5px solid #505a5f;padding:4px 0 4px 10px;font-weight:700;font-size:16px}
.cell-sub{display:block;color:#505a5f;font-size:14px}
.na{color:#505a5f}
.sparkline{display:block}
.inset{border-left:10px solid #b1b4b6;padding:15px;margin:0 0 30px}
.inset p:last-child{margin-bottom:0}
@media print{
.tag{font-size:8pt;padding:1pt 4pt;-webkit-print-color-adjust:exact;print-color-adjust:exact}
.status-counts li{padding:4pt 8pt}
.status-count__n{font-size:18pt}
.row-reason td{font-size:8pt}
.row-reason .reason-nodata{font-size:9pt}
.cell-sub{font-size:8pt}
.inset{padding:6pt;margin-bottom:12pt}
.row-measure,.row-reason{break-inside:avoid;page-break-inside:avoid}
}
",
    );
    for (name, text, background) in TAG_COLOURS {
        let _ = writeln!(css, ".tag--{name}{{color:{text};background:{background}}}");
    }
    css
}

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

/// A GOV.UK tag: the word, coloured.
fn tag(colour: &str, label: &str) -> String {
    format!(
        "<strong class=\"tag tag--{colour}\">{}</strong>",
        escape(label)
    )
}

fn status_tag(s: Status) -> String {
    tag(status_colour(s), s.label())
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

/// A figure, or "n/a" in secondary text when there is none.
fn figure_or_na(x: Option<f64>) -> String {
    match x {
        Some(v) if v.is_finite() => figure(v),
        _ => "<span class=\"na\">n/a</span>".to_owned(),
    }
}

/// Pence as "£1,234.56" with a true minus.
fn money(pence: i64) -> String {
    pounds(pence).replacen('-', &MINUS.to_string(), 1)
}

/// Counts of measures by status, in [`STATUSES`] order.
pub fn status_counts(r: &PerformanceReview) -> [(Status, usize); 6] {
    STATUSES.map(|s| (s, r.measures().filter(|m| m.evaluation.status == s).count()))
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
        let _ = write!(t, " (year to date, {})", year_to_date(r.quarter));
    }
    t
}

fn page_open(o: &mut String, title: &str, meta: &ReportMeta) {
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"{GENERATOR}\">\n<title>{}</title>\n<style>{CSS}{}</style>\n</head>\n<body>\n",
        escape(title),
        extra_css()
    );
    o.push_str("<a href=\"#main-content\" class=\"skip-link\">Skip to main content</a>\n");
    o.push_str(
        "<header class=\"app-header\"><div class=\"width-container\"><span class=\"app-header__name\">Safer</span> <span class=\"app-header__tag\">Community Safety Partnership performance</span></div></header>\n",
    );
    o.push_str("<main id=\"main-content\" class=\"width-container\">\n");
    if let Some(p) = &meta.partnership_name {
        let _ = writeln!(o, "<span class=\"caption-l\">{}</span>", escape(p));
    }
    let _ = writeln!(o, "<h1>{}</h1>", escape(title));
}

fn page_close(o: &mut String, r: &PerformanceReview, meta: &ReportMeta) {
    o.push_str("</main>\n<footer class=\"footer\">\n<div class=\"width-container\">\n");
    let _ = writeln!(
        o,
        "<p>Plan: {} ({}). Figures as at {}.</p>",
        escape(&r.plan_title),
        escape(&r.plan_id),
        escape(&date_long(r.as_at))
    );
    let _ = writeln!(o, "<p>{}</p>", escape(ATTRIBUTION));
    let _ = writeln!(
        o,
        "<p>Generated by {GENERATOR} on {}{}.</p>",
        escape(&meta.generated_at),
        meta.partnership_name
            .as_deref()
            .map(|p| format!(" for {}", escape(p)))
            .unwrap_or_default()
    );
    o.push_str("</div>\n</footer>\n</body>\n</html>\n");
}

/// A warning panel with its heading at `level`.
fn warning_panel(o: &mut String, id: &str, level: u8, heading: &str, warnings: &[String]) {
    if warnings.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "<section class=\"warning-panel\" aria-labelledby=\"{id}\">\n<h{level} id=\"{id}\">{}</h{level}>\n<ul class=\"warning-list\">",
        escape(heading)
    );
    for w in warnings {
        let _ = writeln!(
            o,
            "<li class=\"warning-text\"><span class=\"warning-text__icon\" aria-hidden=\"true\">!</span><strong class=\"warning-text__text\"><span class=\"visually-hidden\">Warning: </span>{}</strong></li>",
            escape(w)
        );
    }
    o.push_str("</ul>\n</section>\n");
}

/// The count of measures by status, as a list of tags.
fn status_count_list(o: &mut String, r: &PerformanceReview) {
    let total = r.measures().count();
    let _ = writeln!(
        o,
        "<p>{} {} in the plan:</p>\n<ul class=\"status-counts\">",
        thousands(total as u64),
        if total == 1 { "measure" } else { "measures" }
    );
    for (s, n) in status_counts(r) {
        let _ = writeln!(
            o,
            "<li><span class=\"status-count__n\">{}</span>{}</li>",
            thousands(n as u64),
            status_tag(s)
        );
    }
    o.push_str("</ul>\n");
}

/// Every action of the review, with whether it is overdue.
fn all_actions(r: &PerformanceReview) -> impl Iterator<Item = (&Action, bool)> {
    r.priorities
        .iter()
        .flat_map(|p| p.actions.iter().map(|a| (a, p.overdue.contains(&a.id))))
}

fn summary(o: &mut String, r: &PerformanceReview, fund: Option<&FundReturn>, kind: Kind) {
    o.push_str("<section class=\"section\" aria-labelledby=\"summary-heading\">\n<h2 id=\"summary-heading\">Summary</h2>\n");
    status_count_list(o, r);
    o.push_str("<dl class=\"summary-list\">\n");
    summary_row(
        o,
        if kind == Kind::Annual {
            "Year"
        } else {
            "Year to date"
        },
        &format!(
            "{}, {}",
            escape(&r.quarter.year().to_string()),
            escape(&year_to_date(r.quarter))
        ),
    );
    summary_row(o, "As at", &escape(&date_long(r.as_at)));
    let actions: Vec<(&Action, bool)> = all_actions(r).collect();
    let overdue = actions.iter().filter(|(_, o)| *o).count();
    let complete = actions
        .iter()
        .filter(|(a, _)| a.status == ActionStatus::Complete)
        .count();
    let mut s = format!(
        "{} {}: {} complete, ",
        thousands(actions.len() as u64),
        if actions.len() == 1 {
            "action"
        } else {
            "actions"
        },
        thousands(complete as u64)
    );
    if overdue > 0 {
        let _ = write!(s, "{} {}", thousands(overdue as u64), tag("red", "Overdue"));
    } else {
        s.push_str("none overdue");
    }
    summary_row(o, "Actions", &s);
    if let Some(f) = fund {
        let mut s = format!(
            "{} spent of {} budgeted to projects (allocation {}), {}",
            money(f.spent_to_date_pence),
            money(f.budgeted_pence),
            money(f.allocation_pence),
            escape(&format!(
                "{} of {}",
                quarters_so_far(f.quarter.number()),
                f.year
            ))
        );
        if !f.warnings.is_empty() {
            let _ = write!(
                s,
                "; <a href=\"#fund-heading\">{} {}</a>",
                f.warnings.len(),
                if f.warnings.len() == 1 {
                    "warning"
                } else {
                    "warnings"
                }
            );
        }
        summary_row(o, "Partnership Locality Fund", &s);
    }
    o.push_str("</dl>\n</section>\n");
}

fn how_to_read(o: &mut String, r: &PerformanceReview, kind: Kind) {
    let q = r.quarter;
    o.push_str("<section class=\"section\" aria-labelledby=\"how-heading\">\n<h2 id=\"how-heading\">How to read this report</h2>\n<div class=\"notes\">\n");
    let _ = writeln!(
        o,
        "<p><strong>{}.</strong> Every figure covers {} ({}) and is compared with the same months of its comparison year: the plan's baseline year for a target set against a baseline, otherwise the year before. A part-year figure is never compared with a whole year: a month not held in one of the years is left out of both, and the figure says how many months it compares (for example “11 of 12 months”). Quarters are financial quarters: quarter 1 is April to June.</p>",
        if kind == Kind::Annual && q.number() == 4 {
            "The whole year"
        } else {
            "Year to date"
        },
        escape(&year_to_date(q)),
        escape(&format!("{} of {}", quarters_so_far(q.number()), q.year())),
    );
    o.push_str("<p><strong>Status.</strong> Each status is written as a word; the colour only repeats it.</p>\n<ul>\n");
    for (s, text) in [
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
    ] {
        let _ = writeln!(o, "<li>{} {}</li>", status_tag(s), escape(text));
    }
    o.push_str("</ul>\n");
    o.push_str(
        "<p>The full rules are in the Safer documentation, docs/design/measure-status.md.</p>\n",
    );
    o.push_str("<p><strong>95% interval.</strong> Counts of crimes and incidents go up and down by chance. The interval is the range of underlying levels that could well have produced the count (an exact Poisson interval): a target inside it may have been missed by chance alone. Levels have no interval.</p>\n");
    o.push_str("<p><strong>Significance.</strong> Whether the change from the comparison figure is larger than chance would explain (p &lt; 0.05). “Not tested” means there was nothing to test: a level, or no comparison figure.</p>\n");
    o.push_str("<p><strong>Trend.</strong> A small line of the measure's value in each quarter held, oldest first, scaled to its own range; the dot is the latest quarter. It is left out where there are no quarterly values.</p>\n");
    o.push_str("<p><strong>Actions.</strong> An action is <strong>overdue</strong> when it is neither complete nor cancelled after its due date, on the date the figures are as at. The latest update is the most recent progress note, with its date and author.</p>\n");
    o.push_str("<p><strong>Partnership Locality Fund.</strong> The profile is what steady spending would have reached: the budget × quarters gone ÷ 4. Spend well below the profile is flagged as an underspend (by default, under 75% of it); spend above the budget as an overspend.</p>\n");
    o.push_str("</div>\n</section>\n");
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

fn measures_table(o: &mut String, r: &PerformanceReview, pi: usize, p: &PriorityRow, kind: Kind) {
    if p.measures.is_empty() {
        o.push_str("<p>This priority has no measures.</p>\n");
        return;
    }
    let (target_h, actual_h) = match kind {
        Kind::Annual if r.quarter.number() == 4 => ("Target for the year", "Outcome for the year"),
        _ => ("Target (year to date)", "Actual (year to date)"),
    };
    table_open(
        o,
        &format!("measures-{pi}-caption"),
        "table-compact",
        &format!(
            "Priority {} measures, {}",
            p.number,
            year_to_date(r.quarter)
        ),
    );
    let _ = writeln!(
        o,
        "<thead><tr><th scope=\"col\">Measure</th><th scope=\"col\">Source</th><th scope=\"col\" class=\"num\">Comparison<span class=\"th-sub\">same months, comparison year</span></th><th scope=\"col\" class=\"num\">{target_h}</th><th scope=\"col\" class=\"num\">{actual_h}</th><th scope=\"col\">Status</th><th scope=\"col\" class=\"num\">95% interval</th><th scope=\"col\">Significance</th><th scope=\"col\">Trend<span class=\"th-sub\">by quarter</span></th></tr></thead>\n<tbody>"
    );
    for (mi, m) in p.measures.iter().enumerate() {
        let e = &m.evaluation;
        let row_id = format!("measure-{pi}-{mi}");
        let comparison = match &m.comparison_year {
            Some(y) => format!(
                "{}<span class=\"cell-sub\">{}</span>",
                figure_or_na(e.comparison),
                escape(y)
            ),
            None => figure_or_na(e.comparison),
        };
        let interval = match e.interval {
            Some((lo, hi)) if lo.is_finite() && hi.is_finite() => {
                format!("{} to {}", decimal1(lo), decimal1(hi))
            }
            _ => "<span class=\"na\">n/a</span>".to_owned(),
        };
        let actual = actual_cell(e, kind == Kind::Annual && r.quarter.number() == 4);
        let values: Vec<f64> = m.trend.iter().map(|(_, v)| *v).collect();
        let spark = sparkline(
            &format!("spark-{pi}-{mi}"),
            &format!("Trend: {}", m.text),
            &trend_desc(m),
            &values,
        );
        let spark = if spark.is_empty() {
            "<span class=\"na\">none</span>".to_owned()
        } else {
            spark
        };
        let _ = writeln!(
            o,
            "<tr class=\"row-measure\"><th scope=\"row\" id=\"{row_id}\">{}</th><td>{}</td><td class=\"num\">{comparison}</td><td class=\"num\">{}</td><td class=\"num\">{actual}</td><td>{}</td><td class=\"num\">{interval}</td><td>{}</td><td>{spark}</td></tr>",
            escape(&m.text),
            escape(&m.source),
            figure_or_na(e.target),
            status_tag(e.status),
            escape(e.significance.label()),
        );
        let reason = if e.status == Status::NoData {
            format!(
                "<span class=\"reason-nodata\">No data: {}</span>",
                escape(&crate::measure_reason(e))
            )
        } else if e.status == Status::Incomplete {
            // The reason already opens "Incomplete: 3 of 12 months held".
            format!(
                "<span class=\"reason-nodata\">{}</span>",
                escape(&crate::measure_reason(e))
            )
        } else {
            format!(
                "<span class=\"visually-hidden\">Why: </span>{}",
                escape(&crate::measure_reason(e))
            )
        };
        let _ = writeln!(
            o,
            "<tr class=\"row-reason\"><td colspan=\"9\" headers=\"{row_id}\">{reason}</td></tr>"
        );
    }
    o.push_str("</tbody>\n</table>\n</div>\n");
}

/// The actual figure, with the months it covers when it covers fewer than
/// the status claims. At the year end an incomplete figure is not the
/// year's outcome, so none is shown under that heading.
fn actual_cell(e: &Evaluation, year_end: bool) -> String {
    let Some(c) = e.coverage.as_ref().filter(|c| !c.is_whole()) else {
        return figure_or_na(e.actual);
    };
    let months = format!("{} of {} months", c.months_compared, c.months_claimed);
    if e.status == Status::Incomplete && year_end {
        format!("<span class=\"na\">n/a</span><span class=\"cell-sub\">only {months} held</span>")
    } else {
        format!(
            "{}<span class=\"cell-sub\">{months}</span>",
            figure_or_na(e.actual)
        )
    }
}

/// The latest update of an action: the latest entered, whose status the
/// action has (an update may be dated before one entered earlier).
fn latest_update(a: &Action) -> Option<&safer_domain::ActionUpdate> {
    a.updates.last()
}

fn actions_table(o: &mut String, pi: usize, p: &PriorityRow, kind: Kind) {
    if p.actions.is_empty() {
        o.push_str("<p>No actions are recorded for this priority.</p>\n");
        return;
    }
    let complete = p
        .actions
        .iter()
        .filter(|a| a.status == ActionStatus::Complete)
        .count();
    let cancelled = p
        .actions
        .iter()
        .filter(|a| a.status == ActionStatus::Cancelled)
        .count();
    let open = p.actions.len() - complete - cancelled;
    let _ = writeln!(
        o,
        "<p>{} {}: {} complete, {} cancelled, {} still open{}.</p>",
        thousands(p.actions.len() as u64),
        if p.actions.len() == 1 {
            "action"
        } else {
            "actions"
        },
        thousands(complete as u64),
        thousands(cancelled as u64),
        thousands(open as u64),
        if p.overdue.is_empty() {
            String::new()
        } else {
            format!(", of which {} overdue", thousands(p.overdue.len() as u64))
        }
    );
    table_open(
        o,
        &format!("actions-{pi}-caption"),
        "table-compact",
        &format!(
            "Priority {} actions{}",
            p.number,
            if kind == Kind::Annual {
                ", at the year end"
            } else {
                ""
            }
        ),
    );
    o.push_str("<thead><tr><th scope=\"col\" class=\"num\">Id</th><th scope=\"col\">Aim</th><th scope=\"col\">Key action</th><th scope=\"col\">Lead agency</th><th scope=\"col\">Due</th><th scope=\"col\">Status</th><th scope=\"col\">Latest update</th></tr></thead>\n<tbody>\n");
    for a in &p.actions {
        let mut status = tag(action_colour(a.status), a.status.label());
        if p.overdue.contains(&a.id) {
            status.push(' ');
            status.push_str(&tag("red", "Overdue"));
        }
        let update = match latest_update(a) {
            Some(u) => format!(
                "{}<span class=\"cell-sub\">{}, {}</span>",
                escape(&u.text),
                escape(&date_long(u.date)),
                escape(&u.author)
            ),
            None => "<span class=\"na\">No update recorded</span>".to_owned(),
        };
        let _ = writeln!(
            o,
            "<tr><td class=\"num\">{}</td><td>{}</td><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{status}</td><td>{update}</td></tr>",
            a.id,
            escape(a.aim.label()),
            escape(&a.key_action),
            escape(&a.lead_agency),
            escape(&date_long(a.due)),
        );
    }
    o.push_str("</tbody>\n</table>\n</div>\n");
}

/// A one-line outcome of a priority: its measures by status.
fn priority_outcome(p: &PriorityRow) -> String {
    let parts: Vec<String> = STATUSES
        .iter()
        .filter_map(|s| {
            let n = p
                .measures
                .iter()
                .filter(|m| m.evaluation.status == *s)
                .count();
            (n > 0).then(|| format!("{} {}", thousands(n as u64), status_tag(*s)))
        })
        .collect();
    if parts.is_empty() {
        "No measures.".to_owned()
    } else {
        format!("Measures: {}.", parts.join(", "))
    }
}

fn priorities(o: &mut String, r: &PerformanceReview, kind: Kind) {
    for (pi, p) in r.priorities.iter().enumerate() {
        let _ = writeln!(
            o,
            "<section class=\"section major wide\" aria-labelledby=\"priority-{pi}-heading\">\n<h2 id=\"priority-{pi}-heading\">Priority {}: {}</h2>",
            p.number,
            escape(&p.title)
        );
        if kind == Kind::Annual {
            let _ = writeln!(
                o,
                "<p class=\"lead\">The year's outcome. {}</p>",
                priority_outcome(p)
            );
        }
        let _ = writeln!(
            o,
            "<h3>{}</h3>",
            if kind == Kind::Annual {
                "Measures: the year's outcome"
            } else {
                "Measures"
            }
        );
        measures_table(o, r, pi, p, kind);
        o.push_str("<h3>Actions</h3>\n");
        actions_table(o, pi, p, kind);
        o.push_str("</section>\n");
    }
}

/// The name of a priority for the fund table: "Priority 2" when the review
/// has it, otherwise its id.
fn priority_name(r: &PerformanceReview, id: &str) -> String {
    r.priorities
        .iter()
        .find(|p| p.id == id)
        .map_or_else(|| id.to_owned(), |p| format!("Priority {}", p.number))
}

fn fund_section(o: &mut String, r: &PerformanceReview, f: &FundReturn, kind: Kind) {
    o.push_str("<section class=\"section major\" aria-labelledby=\"fund-heading\">\n<h2 id=\"fund-heading\">Partnership Locality Fund</h2>\n");
    let q = f.quarter.number();
    let to_date = format!(
        "{} of {} ({})",
        quarters_so_far(q),
        f.year,
        year_to_date(f.quarter)
    );
    let year_end = kind == Kind::Annual && q == 4;
    let _ = writeln!(
        o,
        "<p>{} grant to the partnership from the Police and Crime Commissioner: spend by each funded project over {}.</p>",
        if year_end {
            "The year's spend of the"
        } else {
            "The"
        },
        escape(&to_date)
    );
    if f.quarter != r.quarter {
        let _ = writeln!(
            o,
            "<div class=\"inset\"><p>This return is for {}, not for {} like the rest of this report.</p></div>",
            escape(&quarter_words(f.quarter)),
            escape(&quarter_words(r.quarter))
        );
    }
    warning_panel(
        o,
        "fund-warnings-heading",
        3,
        if f.warnings.len() == 1 {
            "Read this warning about the fund"
        } else {
            "Read these warnings about the fund"
        },
        &f.warnings,
    );
    o.push_str("<dl class=\"summary-list\">\n");
    summary_row(
        o,
        "Allocation",
        &format!(
            "{} (source: {})",
            money(f.allocation_pence),
            escape(&f.source)
        ),
    );
    summary_row(o, "Budgeted to projects", &money(f.budgeted_pence));
    summary_row(o, "Not given to any project", &money(f.unallocated_pence));
    summary_row(
        o,
        if year_end {
            "Spent in the year"
        } else {
            "Spent to date"
        },
        &money(f.spent_to_date_pence),
    );
    summary_row(
        o,
        "Budget not yet spent",
        &money(f.budgeted_pence - f.spent_to_date_pence),
    );
    o.push_str("</dl>\n");
    if f.lines.is_empty() {
        o.push_str("<p>No projects are funded this year.</p>\n</section>\n");
        return;
    }
    table_open(
        o,
        "fund-caption",
        "table-compact",
        &format!("Partnership Locality Fund projects, {to_date}"),
    );
    let _ = writeln!(
        o,
        "<thead><tr><th scope=\"col\">Project</th><th scope=\"col\">Lead agency</th><th scope=\"col\">Priority</th><th scope=\"col\" class=\"num\">Budget</th><th scope=\"col\" class=\"num\">{}</th>{}<th scope=\"col\" class=\"num\">Remaining</th><th scope=\"col\">Flags</th></tr></thead>\n<tbody>",
        if year_end {
            "Spent in the year"
        } else {
            "Spent to date"
        },
        if year_end {
            ""
        } else {
            "<th scope=\"col\" class=\"num\">Profile to date</th>"
        }
    );
    for l in &f.lines {
        let p = &l.project;
        let mut flag_tags = Vec::new();
        if l.underspend {
            flag_tags.push(tag("orange", "Underspend"));
        }
        if l.overspend {
            flag_tags.push(tag("red", "Overspend"));
        }
        let flag_html = if flag_tags.is_empty() {
            "<span class=\"na\">None</span>".to_owned()
        } else {
            flag_tags.join(" ")
        };
        let profile = if year_end {
            String::new()
        } else {
            format!("<td class=\"num\">{}</td>", money(l.profile_pence))
        };
        let _ = writeln!(
            o,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>{profile}<td class=\"num\">{}</td><td>{flag_html}</td></tr>",
            escape(&p.name),
            escape(&p.lead_agency),
            escape(&priority_name(r, &p.priority_id)),
            money(p.budget_pence),
            money(l.spent_to_date_pence),
            money(l.remaining_pence),
        );
    }
    let profile: i64 = f.lines.iter().map(|l| l.profile_pence).sum();
    let remaining: i64 = f.lines.iter().map(|l| l.remaining_pence).sum();
    let _ = writeln!(
        o,
        "<tr class=\"row-total\"><th scope=\"row\">Total</th><td></td><td></td><td class=\"num\">{}</td><td class=\"num\">{}</td>{}<td class=\"num\">{}</td><td></td></tr>",
        money(f.budgeted_pence),
        money(f.spent_to_date_pence),
        if year_end {
            String::new()
        } else {
            format!("<td class=\"num\">{}</td>", money(profile))
        },
        money(remaining),
    );
    o.push_str("</tbody>\n</table>\n</div>\n</section>\n");
}

/// The quarterly performance report.
pub fn render_quarterly_html(
    r: &PerformanceReview,
    fund: Option<&FundReturn>,
    meta: &ReportMeta,
) -> String {
    let mut o = String::with_capacity(64 * 1024);
    let title = quarterly_title(r);
    page_open(&mut o, &title, meta);
    let _ = writeln!(
        o,
        "<p class=\"lead\">How the partnership is doing against its plan, as at {}: every measure year to date ({}) against the same months of its comparison year, the action plans and the Partnership Locality Fund.</p>",
        escape(&date_long(r.as_at)),
        escape(&year_to_date(r.quarter)),
    );
    summary(&mut o, r, fund, Kind::Quarterly);
    how_to_read(&mut o, r, Kind::Quarterly);
    priorities(&mut o, r, Kind::Quarterly);
    if let Some(f) = fund {
        fund_section(&mut o, r, f, Kind::Quarterly);
    }
    page_close(&mut o, r, meta);
    o
}

/// The annual report to the crime and disorder scrutiny committee.
pub fn render_annual_html(
    r: &PerformanceReview,
    fund: Option<&FundReturn>,
    meta: &ReportMeta,
) -> String {
    let mut o = String::with_capacity(64 * 1024);
    let title = annual_title(r);
    page_open(&mut o, &title, meta);
    let who = meta
        .partnership_name
        .as_deref()
        .map_or_else(|| "the partnership".to_owned(), escape);
    let _ = writeln!(
        o,
        "<p class=\"lead\">The outcome of {} for {}, for the council's crime and disorder scrutiny committee.</p>",
        escape(&r.plan_title),
        escape(&r.quarter.year().to_string()),
    );
    let _ = writeln!(
        o,
        "<div class=\"inset\"><p>Section 19 of the Police and Justice Act 2006 gives the council a crime and disorder committee to review and scrutinise the work of the responsible authorities in the Community Safety Partnership. This report sets out, for each priority of {}'s plan, the year's outcome of every measure against the same months of its comparison year, where each action stands, and the spend of the Partnership Locality Fund.</p></div>",
        who
    );
    if r.quarter.number() != 4 {
        let last = r.quarter.year().last_month();
        warning_panel(
            &mut o,
            "year-warning-heading",
            2,
            "Read this warning before using these figures",
            &[format!(
                "This is not a year-end report: the figures run only to {} ({}), not to {}.",
                month_long(r.quarter.last_month()),
                quarter_words(r.quarter),
                month_long(last)
            )],
        );
    }
    summary(&mut o, r, fund, Kind::Annual);
    how_to_read(&mut o, r, Kind::Annual);
    priorities(&mut o, r, Kind::Annual);
    if let Some(f) = fund {
        fund_section(&mut o, r, f, Kind::Annual);
    }
    page_close(&mut o, r, meta);
    o
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
