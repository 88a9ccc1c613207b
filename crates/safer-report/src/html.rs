//! The assessment as one self-contained HTML page.
//!
//! The page has no external assets: CSS is inline (GOV.UK Design System
//! colours and spacing, Arial/Helvetica rather than the GOV.UK Transport
//! font) and charts are inline SVG. It prints on A4 with a page break
//! before each major section, and follows GOV.UK accessibility practice:
//! real tables with captions and scoped headers, headings in order, charts
//! with a text alternative and the same data in a table.

use std::fmt::Write as _;

use safer_analysis::{Assessment, BeatRow, RowKind, TrendRow};
use safer_domain::{Category, FinancialYear};

/// What a cell shows for a figure of months not held: never a zero.
pub(crate) const NOT_HELD: &str = "not held";

use crate::ReportMeta;
use crate::csv_out::beats_by_rank;
use crate::format::{
    decimal1, escape, month_runs, month_span, months_count, pct, period_long, rate, signed_int,
    signed_pct, thousands,
};
use crate::svg::{Bar, Series, XPoint, bar_chart_diverging, line_chart};

/// The attribution every published output must carry.
pub const ATTRIBUTION: &str = "Contains public sector information licensed under the Open Government Licence v3.0. Source: data.police.uk; Office for National Statistics licensed under the Open Government Licence v3.0. Contains OS data © Crown copyright and database right.";

/// The name printed on the generation line.
pub const GENERATOR: &str = "Safer";

pub(crate) const CSS: &str = r#"
*,*::before,*::after{box-sizing:border-box}
html{background:#ffffff}
body{margin:0;font-family:Arial,Helvetica,sans-serif;color:#0b0c0c;background:#ffffff;font-size:19px;line-height:1.32;-webkit-font-smoothing:antialiased}
a{color:#1d70b8;text-decoration:underline;text-underline-offset:.1578em}
a:visited{color:#4c2c92}
a:hover{color:#003078}
a:focus{outline:3px solid transparent;color:#0b0c0c;background-color:#ffdd00;box-shadow:0 -2px #ffdd00,0 4px #0b0c0c;text-decoration:none}
.skip-link{position:absolute;left:-9999px;top:0;padding:10px 15px;background:#ffdd00;color:#0b0c0c}
.skip-link:focus{left:0;z-index:10}
.visually-hidden{position:absolute!important;width:1px!important;height:1px!important;margin:0!important;padding:0!important;overflow:hidden!important;clip:rect(0 0 0 0)!important;clip-path:inset(50%)!important;border:0!important;white-space:nowrap!important}
.width-container{max-width:1100px;margin:0 15px}
@media (min-width:40.0625em){.width-container{margin:0 30px}}
@media (min-width:1160px){.width-container{margin:0 auto}}
.app-header{background:#0b0c0c;color:#ffffff;border-bottom:10px solid #1d70b8;padding:12px 0 10px}
.app-header__name{font-weight:700;font-size:24px;margin-right:10px}
.app-header__tag{font-size:16px}
main{display:block;padding:30px 0 45px}
h1,h2,h3{font-weight:700;color:#0b0c0c}
h1{font-size:32px;line-height:1.09;margin:0 0 30px}
h2{font-size:24px;line-height:1.25;margin:0 0 20px}
h3{font-size:19px;line-height:1.32;margin:0 0 15px}
@media (min-width:40.0625em){h1{font-size:48px;line-height:1.04}h2{font-size:36px;line-height:1.11}h3{font-size:24px;line-height:1.25}}
.caption-l{display:block;color:#505a5f;font-size:24px;line-height:1.25;margin-bottom:5px}
p{margin:0 0 20px}
.lead{font-size:24px;line-height:1.25}
.section{margin:0 0 50px}
.warning-panel{border:5px solid #d4351c;padding:20px 20px 5px;margin:0 0 40px}
.warning-panel h2{font-size:24px;line-height:1.25;margin-bottom:20px}
.warning-list{list-style:none;margin:0;padding:0}
.warning-text{position:relative;padding:0 0 0 50px;margin:0 0 20px;min-height:35px}
.warning-text__icon{position:absolute;left:0;top:0;box-sizing:border-box;display:inline-block;min-width:35px;min-height:35px;border:3px solid #0b0c0c;border-radius:50%;background:#0b0c0c;color:#ffffff;font-size:30px;line-height:29px;font-weight:700;text-align:center}
.warning-text__text{display:block;font-weight:700;padding-top:4px}
.summary-list{display:table;width:100%;table-layout:fixed;margin:0 0 30px;border-collapse:collapse}
.summary-list__row{display:table-row}
.summary-list__key,.summary-list__value{display:table-cell;padding:10px 20px 10px 0;border-bottom:1px solid #b1b4b6;vertical-align:top;margin:0}
.summary-list__key{font-weight:700;width:30%}
.headline{font-size:24px;font-weight:700}
table{width:100%;border-spacing:0;border-collapse:collapse;margin:0 0 20px;font-size:16px;line-height:1.25}
caption{font-weight:700;font-size:19px;text-align:left;margin-bottom:10px}
th,td{padding:10px 20px 10px 0;border-bottom:1px solid #b1b4b6;text-align:left;vertical-align:top}
th:last-child,td:last-child{padding-right:0}
thead th{font-weight:700;vertical-align:bottom}
tbody th{font-weight:400}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.th-sub{display:block;font-weight:400;color:#505a5f;font-size:14px;white-space:normal}
.row-total th,.row-total td{font-weight:700;background:#f3f2f1}
.row-asb th,.row-asb td,.row-first-group th,.row-first-group td{border-top:2px solid #0b0c0c}
.row-unplaced th,.row-unplaced td{font-style:italic;background:#f3f2f1}
.row-kind{color:#505a5f;font-size:14px}
.group-head{text-align:center;border-bottom:2px solid #0b0c0c;font-weight:700}
.not-held{color:#505a5f;font-style:italic}
.note-ref{font-size:14px;white-space:nowrap}
.notes{font-size:16px;background:#f3f2f1;padding:15px 15px 1px;margin:0 0 30px}
.notes h3{font-size:19px;margin-bottom:10px}
.notes p,.notes ul{margin:0 0 15px}
.table-scroll{overflow-x:auto;margin:0 0 20px}
.table-scroll:focus{outline:3px solid #ffdd00}
.table-compact{font-size:14px}
.table-compact th,.table-compact td{padding:6px 10px 6px 0}
.table-compact thead th{white-space:normal;min-width:4.5em}
.table-compact tbody th{min-width:10em}
figure{margin:0 0 30px}
svg.chart{display:block;max-width:100%;height:auto}
figcaption{font-size:16px;margin-top:10px}
.key-increase,.key-decrease{display:inline-block;width:14px;height:14px;vertical-align:middle;margin-right:4px}
.key-increase{background:#d4351c}
.key-decrease{background:#00703c}
.footer{background:#f3f2f1;border-top:1px solid #b1b4b6;padding:25px 0 10px;font-size:16px}
@page{size:A4 portrait;margin:15mm 15mm 18mm;@bottom-right{content:"Page " counter(page) " of " counter(pages);font-family:Arial,Helvetica,sans-serif;font-size:8pt;color:#505a5f}}
@media print{
body{font-size:11pt;color:#000000;background:#ffffff}
.skip-link{display:none}
.app-header{background:#ffffff;color:#000000;border-bottom:2pt solid #000000;padding:0 0 4pt}
.width-container{max-width:none;margin:0}
main{padding:12pt 0}
a,a:visited{color:#000000}
h1{font-size:20pt;margin-bottom:10pt}
h2{font-size:16pt}
h3{font-size:12pt}
.lead{font-size:12pt;margin-bottom:10pt}
.caption-l{font-size:12pt}
.warning-panel{padding:8pt 8pt 0;margin-bottom:14pt;border-width:3pt}
.warning-panel h2{font-size:13pt;margin-bottom:8pt}
.warning-text{margin-bottom:8pt;min-height:0;padding-left:30pt}
.warning-text__icon{min-width:20pt;min-height:20pt;font-size:14pt;line-height:15pt}
.summary-list__key,.summary-list__value{padding:4pt 10pt 4pt 0}
.headline{font-size:13pt}
h1,h2,h3,caption{break-after:avoid;page-break-after:avoid}
.major{break-before:page;page-break-before:always}
table{font-size:9pt;page-break-inside:auto}
h2,h3,caption,thead,.notes h3{break-after:avoid;page-break-after:avoid}
h2+p,h3+p,.table-scroll{break-before:avoid;page-break-before:avoid}
tbody tr:first-child,tbody tr:nth-child(2){break-before:avoid;page-break-before:avoid}
th,td{padding:4pt 8pt 4pt 0}
.th-sub,.row-kind,.note-ref{font-size:8pt}
caption{font-size:11pt}
.notes{font-size:9pt}
.notes h3{font-size:11pt}
figcaption{font-size:9pt}
thead{display:table-header-group}
tr,th,td,figure,svg,.warning-text,.summary-list__row,.notes{break-inside:avoid;page-break-inside:avoid}
.table-scroll{overflow:visible}
.table-compact{font-size:7.5pt}
.warning-panel,.row-total th,.row-total td,.row-unplaced th,.row-unplaced td,.notes,.footer,svg,.key-increase,.key-decrease,.warning-text__icon{-webkit-print-color-adjust:exact;print-color-adjust:exact}
.section{margin-bottom:18pt}
.footer{font-size:8pt;padding:8pt 0 0}
}
"#;

/// The report's title: "Partnership Strategic Assessment: Charnwood 2023/24",
/// with ", year to date, April to September 2023" for a year to date.
pub fn title(a: &Assessment) -> String {
    let mut t = format!(
        "Partnership Strategic Assessment: {} {}",
        a.district, a.year
    );
    if let Some(m) = a.as_at {
        let _ = write!(t, ", year to date, {}", month_span(a.year.first_month(), m));
    }
    t
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

fn partial_note((year, held): (FinancialYear, u32)) -> String {
    format!("{year}: {held} of 12 months held")
}

/// Renders the whole page.
pub fn render_html(a: &Assessment, meta: &ReportMeta) -> String {
    let mut o = String::with_capacity(64 * 1024);
    let title = title(a);
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"{GENERATOR}\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        escape(&title)
    );
    o.push_str("<a href=\"#main-content\" class=\"skip-link\">Skip to main content</a>\n");
    o.push_str(
        "<header class=\"app-header\"><div class=\"width-container\"><span class=\"app-header__name\">Safer</span> <span class=\"app-header__tag\">Community Safety Partnership analysis</span></div></header>\n",
    );
    o.push_str("<main id=\"main-content\" class=\"width-container\">\n");
    if let Some(p) = &meta.partnership_name {
        let _ = writeln!(o, "<span class=\"caption-l\">{}</span>", escape(p));
    }
    let _ = writeln!(o, "<h1>{}</h1>", escape(&title));
    let c = &a.comparison;
    let _ = writeln!(
        o,
        "<p class=\"lead\">Police-recorded crime and anti-social behaviour in {}: {} compared with {}.</p>",
        escape(&a.district),
        escape(&period_long(c.current_period)),
        escape(&period_long(c.previous_period)),
    );
    warnings(&mut o, a);
    summary(&mut o, a);
    categories(&mut o, a);
    change_chart(&mut o, a);
    beats(&mut o, a);
    beat_categories(&mut o, a);
    month_trend(&mut o, a);
    beat_trend(&mut o, a);
    category_trend(&mut o, a);
    areas(&mut o, a);
    o.push_str("</main>\n");
    footer(&mut o, a, meta);
    o.push_str("</body>\n</html>\n");
    o
}

fn warnings(o: &mut String, a: &Assessment) {
    if a.warnings.is_empty() {
        return;
    }
    o.push_str("<section class=\"warning-panel\" aria-labelledby=\"warnings-heading\">\n");
    let _ = writeln!(
        o,
        "<h2 id=\"warnings-heading\">{} before using these figures</h2>",
        if a.warnings.len() == 1 {
            "Read this warning"
        } else {
            "Read these warnings"
        }
    );
    o.push_str("<ul class=\"warning-list\">\n");
    for w in &a.warnings {
        let _ = writeln!(
            o,
            "<li class=\"warning-text\"><span class=\"warning-text__icon\" aria-hidden=\"true\">!</span><strong class=\"warning-text__text\"><span class=\"visually-hidden\">Warning: </span>{}</strong></li>",
            escape(w)
        );
    }
    o.push_str("</ul>\n</section>\n");
}

pub(crate) fn summary_row(o: &mut String, key: &str, value_html: &str) {
    let _ = writeln!(
        o,
        "<div class=\"summary-list__row\"><dt class=\"summary-list__key\">{}</dt><dd class=\"summary-list__value\">{value_html}</dd></div>",
        escape(key)
    );
}

fn summary(o: &mut String, a: &Assessment) {
    let c = &a.comparison;
    o.push_str("<section class=\"section\" aria-labelledby=\"summary-heading\">\n<h2 id=\"summary-heading\">Summary</h2>\n<dl class=\"summary-list\">\n");
    let n_cur = c.current_period.len() as usize;
    let n_prev = c.previous_period.len() as usize;
    let held = |n: usize, missing: &[safer_domain::Month]| {
        let mut s = format!("{} of {} held", n - missing.len(), months_count(n));
        if !missing.is_empty() {
            let _ = write!(
                s,
                "; <strong>missing: {}</strong>",
                escape(&month_runs(missing))
            );
        }
        s
    };
    summary_row(
        o,
        "Current period",
        &format!(
            "{} ({})",
            escape(&period_long(c.current_period)),
            held(n_cur, &c.current_months_missing)
        ),
    );
    summary_row(
        o,
        "Previous period",
        &format!(
            "{} ({})",
            escape(&period_long(c.previous_period)),
            held(n_prev, &c.previous_months_missing)
        ),
    );
    let compared = if c.like_for_like {
        format!("All {}, like for like", months_count(n_cur))
    } else if c.comparable_months.is_empty() {
        "None: no month of the current period is held together with the same month a year earlier, so no change can be shown".to_owned()
    } else {
        format!(
            "{} of {}: {}, each compared with the same month a year earlier",
            c.comparable_months.len(),
            months_count(n_cur),
            escape(&month_runs(&c.comparable_months))
        )
    };
    summary_row(o, "Months compared", &compared);
    let population = match &a.population {
        Some(p) => format!("{} (source: {})", thousands(p.value), escape(&p.source)),
        None => "Not configured, so rates per 1,000 are not shown".to_owned(),
    };
    summary_row(o, "Population", &population);
    if let Some(all) = a.all_crime() {
        let s = match (all.compared_previous, all.compared_current) {
            (Some(p), Some(cur)) => {
                let mut s = format!(
                    "<span class=\"headline\">All crime {}, {} → {}</span>",
                    signed_pct(all.change_pct),
                    thousands(p),
                    thousands(cur)
                );
                if totals_differ(a) {
                    let _ = write!(
                        s,
                        " (over the {} compared; the totals of the months held are {} → {})",
                        months_count(c.comparable_months.len()),
                        count_or_not_held(all.previous),
                        thousands(all.current)
                    );
                }
                s
            }
            _ => format!(
                "<span class=\"headline\">All crime {}</span> in the {} held; no month can be compared with a year earlier",
                thousands(all.current),
                months_count(c.current_months_held as usize)
            ),
        };
        summary_row(o, "Headline", &s);
    }
    if !a.forces.is_empty() {
        let mut s = escape(&a.forces.join(", "));
        if !a.other_forces.is_empty() {
            let _ = write!(
                s,
                "; also counted, as police.uk counts them, the district's records in other forces' files: {}",
                escape(
                    &a.other_forces
                        .iter()
                        .map(|(f, n)| format!("{f} {}", thousands(*n)))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            );
        }
        summary_row(o, "Police force files", &s);
    }
    o.push_str("</dl>\n</section>\n");
}

/// Opens a scrollable, keyboard-focusable table region with its caption.
pub(crate) fn table_open(o: &mut String, id: &str, class: &str, caption: &str) {
    let class = if class.is_empty() {
        String::new()
    } else {
        format!(" class=\"{class}\"")
    };
    let _ = writeln!(
        o,
        "<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"{id}\" tabindex=\"0\">\n<table{class}>\n<caption id=\"{id}\">{}</caption>",
        escape(caption)
    );
}

/// A `<th>` for a period column: a name with the period under it.
fn period_th(name: &str, period: safer_domain::Period) -> String {
    format!(
        "<th scope=\"col\" class=\"num\">{}<span class=\"th-sub\">{}</span></th>",
        escape(name),
        escape(&period_long(period))
    )
}

/// The header of a comparison table: the compared figures (the change is
/// their difference) first, then, when they differ, the full totals of the
/// months held, labelled with their months.
fn comparison_head(o: &mut String, a: &Assessment, first: &[&str], last: &[&str]) {
    let c = &a.comparison;
    let n = c.comparable_months.len();
    let both = totals_differ(a);
    let lead = |o: &mut String, rowspan: &str| {
        for h in first {
            let class = if *h == "Rank" { " class=\"num\"" } else { "" };
            let _ = write!(o, "<th scope=\"col\"{rowspan}{class}>{}</th>", escape(h));
        }
    };
    if !both {
        o.push_str("<thead><tr>");
        lead(o, "");
        o.push_str(&period_th("Previous", c.previous_period));
        o.push_str(&period_th("Current", c.current_period));
        o.push_str("<th scope=\"col\" class=\"num\">Change</th><th scope=\"col\" class=\"num\">% change</th>");
        for h in last {
            let _ = write!(o, "<th scope=\"col\" class=\"num\">{}</th>", escape(h));
        }
        o.push_str("</tr></thead>\n");
        return;
    }
    o.push_str("<thead><tr>");
    lead(o, " rowspan=\"2\"");
    let _ = write!(
        o,
        "<th scope=\"colgroup\" colspan=\"4\" class=\"group-head\">Like for like: the {} compared</th><th scope=\"colgroup\" colspan=\"2\" class=\"group-head\">Totals of the months held</th>",
        months_count(n)
    );
    for h in last {
        let _ = write!(
            o,
            "<th scope=\"col\" rowspan=\"2\" class=\"num\">{}</th>",
            escape(h)
        );
    }
    o.push_str("</tr>\n<tr>");
    o.push_str(&period_th("Previous", c.previous_period));
    o.push_str(&period_th("Current", c.current_period));
    o.push_str(
        "<th scope=\"col\" class=\"num\">Change</th><th scope=\"col\" class=\"num\">% change</th>",
    );
    let _ = write!(
        o,
        "<th scope=\"col\" class=\"num\">Previous<span class=\"th-sub\">{}</span></th><th scope=\"col\" class=\"num\">Current<span class=\"th-sub\">{}</span></th>",
        escape(&months_phrase(
            c.previous_months_held as usize,
            c.previous_period.len()
        )),
        escape(&months_phrase(
            c.current_months_held as usize,
            c.current_period.len()
        )),
    );
    o.push_str("</tr></thead>\n");
}

/// The comparison cells of a row: compared previous and current, the change
/// (their difference) and % change, then the full totals when they differ.
fn comparison_cells(
    a: &Assessment,
    compared: (Option<u64>, Option<u64>),
    change: (Option<i64>, Option<f64>),
    totals: (Option<u64>, u64),
) -> String {
    let mut s = format!(
        "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>",
        count_or_not_held(compared.0),
        count_or_not_held(compared.1),
        change_or_na(change.0),
        signed_pct(change.1),
    );
    if totals_differ(a) {
        let _ = write!(
            s,
            "<td class=\"num\">{}</td><td class=\"num\">{}</td>",
            count_or_not_held(totals.0),
            thousands(totals.1)
        );
    }
    s
}

fn categories(o: &mut String, a: &Assessment) {
    let c = &a.comparison;
    o.push_str("<section class=\"section major\" aria-labelledby=\"categories-heading\">\n<h2 id=\"categories-heading\">Crime by category</h2>\n");
    let _ = writeln!(
        o,
        "<p>All crime counts every police.uk category except anti-social behaviour, which is recorded as incidents rather than crimes. {}</p>",
        if a.categories.iter().any(|r| r.kind == RowKind::Group) {
            "Groups, listed last, are this partnership's own combinations of categories (see “The areas and groups in this report”)."
        } else {
            ""
        }
    );
    if totals_differ(a) {
        let _ = writeln!(
            o,
            "<p>The change compares like for like: only the {} of the current period held together with the same month a year earlier, and those same months a year earlier. The totals of every month held in each period are shown beside them, labelled with their months.</p>",
            months_count(c.comparable_months.len())
        );
    }
    let part_year = a
        .categories
        .iter()
        .any(|r| r.rate_per_1000_annualised.is_some());
    table_open(
        o,
        "categories-caption",
        "",
        &format!(
            "Crime by category in {}: {} compared with {}",
            a.district,
            period_long(c.current_period),
            period_long(c.previous_period)
        ),
    );
    let rate_heads: Vec<&str> = if part_year {
        vec!["Rate per 1,000", "Rate per 1,000, annualised"]
    } else {
        vec!["Rate per 1,000"]
    };
    comparison_head(o, a, &["Category"], &rate_heads);
    o.push_str("<tbody>\n");
    let mut seen_group = false;
    for r in &a.categories {
        let class = match r.kind {
            RowKind::AllCrime => " class=\"row-total\"",
            RowKind::Category if r.category == Category::AntiSocialBehaviour.name() => {
                " class=\"row-asb\""
            }
            RowKind::Group if !seen_group => {
                seen_group = true;
                " class=\"row-first-group\""
            }
            _ => "",
        };
        let kind = if r.kind == RowKind::Group {
            " <span class=\"row-kind\">(group)</span>"
        } else {
            ""
        };
        let mut rates = format!("<td class=\"num\">{}</td>", rate(r.rate_per_1000));
        if part_year {
            let _ = write!(
                rates,
                "<td class=\"num\">{}</td>",
                rate(r.rate_per_1000_annualised)
            );
        }
        let _ = writeln!(
            o,
            "<tr{class}><th scope=\"row\">{}{kind}</th>{}{rates}</tr>",
            escape(&r.category),
            comparison_cells(
                a,
                (r.compared_previous, r.compared_current),
                (r.change, r.change_pct),
                (r.previous, r.current)
            ),
        );
    }
    o.push_str("</tbody>\n</table>\n</div>\n");

    o.push_str("<div class=\"notes\">\n<h3>Notes</h3>\n");
    if !c.like_for_like && !c.comparable_months.is_empty() {
        let dropped: Vec<_> = c
            .current_period
            .months()
            .filter(|m| !c.comparable_months.contains(m))
            .collect();
        let _ = writeln!(
            o,
            "<p id=\"note-compared\">The change and % change compare only the {} of the current period that are held together with the same month a year earlier, so that a missing month never compares 11 months with 12. Left out of both sides: {} (and the same months a year earlier).</p>",
            months_count(c.comparable_months.len()),
            escape(&month_runs(&dropped)),
        );
    }
    let _ = writeln!(
        o,
        "<p>“{NOT_HELD}” marks figures for which no month is held; it never means zero. % change is n/a where the previous count is zero or nothing is compared.</p>"
    );
    match &a.population {
        Some(p) => {
            let held = c.current_months_held;
            let _ = writeln!(
                o,
                "<p>Rate per 1,000 is the current period's count per 1,000 residents (population {}, source: {}) over the {} held.{}</p>",
                thousands(p.value),
                escape(&p.source),
                months_count(held as usize),
                if held < 12 {
                    format!(
                        " It is not a year's rate: the annualised rate scales it to twelve months (× 12 / {held}), which assumes the months not covered are like those held."
                    )
                } else {
                    String::new()
                }
            );
        }
        None => o.push_str("<p>No population is configured, so rates per 1,000 are n/a.</p>\n"),
    }
    o.push_str("</div>\n</section>\n");
}

fn change_chart(o: &mut String, a: &Assessment) {
    let c = &a.comparison;
    o.push_str("<section class=\"section\" aria-labelledby=\"change-heading\">\n<h2 id=\"change-heading\">Change by category</h2>\n");
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
    o.push_str("<figure>\n");
    o.push_str(&bar_chart_diverging(
        "chart-change",
        "Change by category",
        &desc,
        &bars,
    ));
    o.push_str(
        "\n<figcaption><span class=\"key-increase\" aria-hidden=\"true\"></span>Red bars to the right of zero are increases; <span class=\"key-decrease\" aria-hidden=\"true\"></span>green bars to the left are decreases. n/a: nothing in the previous period, so no percentage. The figures are in the table “Crime by category”.</figcaption>\n</figure>\n</section>\n",
    );
}

fn beat_row_html(o: &mut String, a: &Assessment, rank: Option<usize>, b: &BeatRow, class: &str) {
    let rank = match rank {
        Some(r) => r.to_string(),
        None => "<span class=\"visually-hidden\">Not ranked</span>".to_owned(),
    };
    let _ = writeln!(
        o,
        "<tr{class}><td class=\"num\">{rank}</td><th scope=\"row\">{}</th>{}<td class=\"num\">{}</td></tr>",
        escape(&b.beat),
        comparison_cells(
            a,
            (b.compared_previous, b.compared_current),
            (b.change, b.change_pct),
            (b.previous, b.current)
        ),
        pct(b.share),
    );
}

/// What the beats are, said where shares by beat are shown.
fn beat_basis_note(a: &Assessment) -> String {
    match &a.areas.basis {
        Some(b) => format!(
            "<p><strong>How the beats were built:</strong> {} The localities each beat covers are listed in “The areas and groups in this report”.</p>\n",
            escape(b)
        ),
        None => "<p>The localities each beat covers are listed in “The areas and groups in this report”.</p>\n".to_owned(),
    }
}

fn beats(o: &mut String, a: &Assessment) {
    let c = &a.comparison;
    o.push_str("<section class=\"section major\" aria-labelledby=\"beats-heading\">\n<h2 id=\"beats-heading\">Crime by beat</h2>\n");
    if a.beats.is_empty() {
        o.push_str("<p>No beats are configured for this partnership, so crime is not broken down by beat.</p>\n</section>\n");
        return;
    }
    o.push_str("<p>All crime (every category except anti-social behaviour) in each beat, ranked from the most crime to the least. Share is the beat's percentage of the district's all-crime count in the current period's months held, including records not placed in a beat.</p>\n");
    o.push_str(&beat_basis_note(a));
    table_open(
        o,
        "beats-caption",
        "",
        &format!(
            "All crime by beat in {}: {} compared with {}",
            a.district,
            period_long(c.current_period),
            period_long(c.previous_period)
        ),
    );
    comparison_head(o, a, &["Rank", "Beat"], &["Share of district crime"]);
    o.push_str("<tbody>\n");
    for b in beats_by_rank(a) {
        beat_row_html(o, a, Some(b.rank), b, "");
    }
    if let Some(u) = &a.unplaced {
        beat_row_html(o, a, None, u, " class=\"row-unplaced\"");
    }
    o.push_str("</tbody>\n</table>\n</div>\n<div class=\"notes\">\n<h3>Notes</h3>\n");
    if !c.like_for_like && !c.comparable_months.is_empty() {
        let _ = writeln!(
            o,
            "<p>Change and % change compare only the {} held in both periods ({}, and the same months a year earlier), as in the table “Crime by category”.</p>",
            months_count(c.comparable_months.len()),
            escape(&month_runs(&c.comparable_months))
        );
    }
    let p = &a.placement;
    let total = p.inside + p.nearest + p.no_location + p.outside;
    let limit = decimal1(safer_analysis::Beats::NEAREST_LIMIT_M);
    let limit = limit.trim_end_matches(".0");
    let _ = writeln!(
        o,
        "<p>How the district's {} records in the current period were placed in beats: {} inside a beat's boundary; {} just outside every beat (within {limit} m) and given to the nearest beat; {} with no location; {} more than {limit} m outside every beat. Records not placed in a beat count in the district totals and in the row “{}”.</p>",
        thousands(total),
        thousands(p.inside),
        thousands(p.nearest),
        thousands(p.no_location),
        thousands(p.outside),
        escape(unplaced_label(a)),
    );
    o.push_str("</div>\n</section>\n");
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

fn beat_categories(o: &mut String, a: &Assessment) {
    if a.beat_categories.is_empty() {
        return;
    }
    let c = &a.comparison;
    o.push_str("<section class=\"section major\" aria-labelledby=\"beat-categories-heading\">\n<h2 id=\"beat-categories-heading\">Crime by beat and category</h2>\n");
    o.push_str(&beat_basis_note(a));
    let parts = a.categories.len().div_ceil(CATEGORY_COLUMNS).max(1);
    let per = a.categories.len().div_ceil(parts).max(1);
    let unplaced = unplaced_label(a);
    for (k, start) in (0..a.categories.len()).step_by(per).enumerate() {
        let end = (start + per).min(a.categories.len());
        let part = if parts > 1 {
            format!(" (table {} of {parts})", k + 1)
        } else {
            String::new()
        };
        table_open(
            o,
            &format!("beat-categories-caption-{}", k + 1),
            "table-compact",
            &format!(
                "Records by beat and category in {}, {} held{part}",
                a.district,
                period_long(c.current_period)
            ),
        );
        o.push_str("<thead><tr><th scope=\"col\">Beat</th>");
        for r in &a.categories[start..end] {
            let _ = write!(
                o,
                "<th scope=\"col\" class=\"num\">{}</th>",
                escape(&r.category)
            );
        }
        o.push_str("</tr></thead>\n<tbody>\n");
        for (beat, counts) in &a.beat_categories {
            let class = if a.unplaced.is_some() && beat == unplaced {
                " class=\"row-unplaced\""
            } else {
                ""
            };
            let _ = write!(o, "<tr{class}><th scope=\"row\">{}</th>", escape(beat));
            for n in &counts[start..end] {
                let _ = write!(o, "<td class=\"num\">{}</td>", thousands(*n));
            }
            o.push_str("</tr>\n");
        }
        o.push_str("</tbody>\n</table>\n</div>\n");
    }
    o.push_str("</section>\n");
}

/// The header cell of a trend year, with the months held when fewer than 12.
fn year_th(year: FinancialYear, months_held: u32) -> String {
    if months_held < 12 {
        format!(
            "<th scope=\"col\" class=\"num\">{}<span class=\"th-sub\">{} of 12 months</span></th>",
            escape(&year.to_string()),
            months_held
        )
    } else {
        format!(
            "<th scope=\"col\" class=\"num\">{}</th>",
            escape(&year.to_string())
        )
    }
}

/// A trend cell: the count of the months held, with a part-year's
/// annualised value under it; "not held" for a year with none.
fn trend_cell(y: &safer_analysis::TrendYear) -> String {
    match (y.count, y.annualised) {
        (None, _) => format!("<td class=\"num not-held\">{NOT_HELD}</td>"),
        (Some(c), Some(an)) => format!(
            "<td class=\"num\">{}<span class=\"th-sub\">{} a year, annualised</span></td>",
            thousands(c),
            thousands(an.round() as u64)
        ),
        (Some(c), None) => format!("<td class=\"num\">{}</td>", thousands(c)),
    }
}

/// A trend table: one row per name, one column per financial year.
fn trend_table(
    o: &mut String,
    id: &str,
    caption: &str,
    first: &str,
    rows: &[TrendRow],
    unplaced: Option<&str>,
) {
    let Some(head) = rows.first() else { return };
    table_open(o, id, "", caption);
    let _ = write!(o, "<thead><tr><th scope=\"col\">{}</th>", escape(first));
    for y in &head.years {
        o.push_str(&year_th(y.year, y.months_held));
    }
    o.push_str("</tr></thead>\n<tbody>\n");
    for r in rows {
        let class = if r.name == "All crime" {
            " class=\"row-total\""
        } else if Some(r.name.as_str()) == unplaced {
            " class=\"row-unplaced\""
        } else {
            ""
        };
        let _ = write!(o, "<tr{class}><th scope=\"row\">{}</th>", escape(&r.name));
        for y in &r.years {
            o.push_str(&trend_cell(y));
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</tbody>\n</table>\n</div>\n");
}

/// The value a trend chart plots for a year: the count of a whole year, the
/// annualised count of a part-year, nothing for a year with none held.
fn plotted(y: &safer_analysis::TrendYear) -> Option<f64> {
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

fn beat_trend(o: &mut String, a: &Assessment) {
    o.push_str("<section class=\"section major\" aria-labelledby=\"beat-trend-heading\">\n<h2 id=\"beat-trend-heading\">All crime by beat, by financial year</h2>\n");
    let Some(head) = a.trend_by_beat.first() else {
        o.push_str("<p>No beats are configured for this partnership, so there is no trend by beat.</p>\n</section>\n");
        return;
    };
    let partial = partial_years(a);
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
        let _ = write!(
            desc,
            "{}: {}. ",
            r.name,
            r.years
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
                .join(", ")
        );
    }
    if !partial.is_empty() {
        let _ = write!(
            desc,
            "Hollow markers, joined to no other year, show years not fully held, at their annualised value: {}.",
            partial
                .iter()
                .map(|p| partial_note(*p))
                .collect::<Vec<_>>()
                .join("; ")
        );
    }
    o.push_str("<figure>\n");
    o.push_str(&line_chart(
        "chart-beat-trend",
        "All crime by beat, by financial year",
        desc.trim_end(),
        &xs,
        &series,
    ));
    o.push_str("\n<figcaption>");
    if partial.is_empty() {
        o.push_str("Every year shown is fully held.");
    } else {
        let _ = write!(
            o,
            "Lines join whole years only. Hollow markers show years not fully held at their annualised value (the count × 12 ÷ the months held), which assumes the months missing were like those held: {}.",
            escape(
                &partial
                    .iter()
                    .map(|p| partial_note(*p))
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        );
    }
    o.push_str(" The figures are in the table below.</figcaption>\n</figure>\n");
    trend_table(
        o,
        "beat-trend-caption",
        "All crime by beat, by financial year",
        "Beat",
        &a.trend_by_beat,
        unplaced,
    );
    o.push_str("</section>\n");
}

fn category_trend(o: &mut String, a: &Assessment) {
    o.push_str("<section class=\"section\" aria-labelledby=\"category-trend-heading\">\n<h2 id=\"category-trend-heading\">Trend by category</h2>\n");
    if a.trend_by_category
        .first()
        .is_none_or(|r| r.years.is_empty())
    {
        o.push_str("<p>No months are held, so there is no trend.</p>\n</section>\n");
        return;
    }
    let partial = partial_years(a);
    if !partial.is_empty() {
        let _ = writeln!(
            o,
            "<p>Years with fewer than 12 months held count only the months held, with the count annualised (× 12 ÷ the months held) under it so that it can stand beside a whole year: {}.</p>",
            escape(
                &partial
                    .iter()
                    .map(|p| partial_note(*p))
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        );
    }
    trend_table(
        o,
        "category-trend-caption",
        &format!("Records by category and financial year in {}", a.district),
        "Category",
        &a.trend_by_category,
        None,
    );
    o.push_str("</section>\n");
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

fn month_trend(o: &mut String, a: &Assessment) {
    o.push_str("<section class=\"section major\" aria-labelledby=\"month-trend-heading\">\n<h2 id=\"month-trend-heading\">Trend by month</h2>\n");
    if a.trend_by_month.is_empty() {
        o.push_str("<p>No months are held, so there is no trend.</p>\n</section>\n");
        return;
    }
    let rows = monthly_rows(a);
    let missing: Vec<safer_domain::Month> = a
        .trend_by_month
        .iter()
        .filter(|m| !m.held)
        .map(|m| m.month)
        .collect();
    let first = a.trend_by_month.first().map(|m| m.month);
    let last = a.trend_by_month.last().map(|m| m.month);
    let (Some(first), Some(last)) = (first, last) else {
        return;
    };
    let _ = writeln!(
        o,
        "<p>Every month, {}{}. Each category's monthly counts are in trend_by_month.csv.</p>",
        escape(&month_span(first, last)),
        if missing.is_empty() {
            ", all held".to_owned()
        } else {
            format!(
                "; not held, and shown as gaps: {}",
                escape(&month_runs(&missing))
            )
        }
    );
    o.push_str("<figure>\n");
    o.push_str(&month_chart(a, &rows));
    o.push_str("\n<figcaption>Labels mark each April, the start of a financial year. The figures are in the table below.</figcaption>\n</figure>\n");
    table_open(
        o,
        "month-trend-caption",
        "table-compact",
        &format!("Records by month in {}", a.district),
    );
    o.push_str("<thead><tr><th scope=\"col\">Month</th>");
    for &i in &rows {
        let _ = write!(
            o,
            "<th scope=\"col\" class=\"num\">{}</th>",
            escape(&a.categories[i].category)
        );
    }
    o.push_str("</tr></thead>\n<tbody>\n");
    for m in &a.trend_by_month {
        let _ = write!(
            o,
            "<tr><th scope=\"row\">{}</th>",
            escape(&crate::format::month_long(m.month))
        );
        for &i in &rows {
            match &m.counts {
                Some(c) => {
                    let _ = write!(o, "<td class=\"num\">{}</td>", thousands(c[i]));
                }
                None => {
                    let _ = write!(o, "<td class=\"num not-held\">{NOT_HELD}</td>");
                }
            }
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</tbody>\n</table>\n</div>\n</section>\n");
}

/// The monthly trend of some rows of `categories` (by index) as a line
/// chart, with months not held as gaps in the lines.
pub fn month_chart(a: &Assessment, rows: &[usize]) -> String {
    let rows: Vec<usize> = rows
        .iter()
        .copied()
        .filter(|&i| i < a.categories.len())
        .collect();
    let missing: Vec<safer_domain::Month> = a
        .trend_by_month
        .iter()
        .filter(|m| !m.held)
        .map(|m| m.month)
        .collect();
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
            name: crate::format::month_long(m.month),
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

/// The beats (localities and how they were built) and the groups
/// (categories in each), so a reader knows what every row counts.
fn areas(o: &mut String, a: &Assessment) {
    o.push_str("<section class=\"section major\" aria-labelledby=\"areas-heading\">\n<h2 id=\"areas-heading\">The areas and groups in this report</h2>\n");
    let _ = writeln!(
        o,
        "<p>A record belongs to {} when its LSOA name begins with the district's name; police.uk gives each record the LSOA of the map point it is snapped to. Records come from the files of {} (the force whose area holds the district: a month counts as held when its file for the month is held){}.</p>",
        escape(&a.district),
        escape(&a.forces.join(", ")),
        if a.other_forces.is_empty() {
            String::new()
        } else {
            format!(
                ", and from other forces' files that hold records in the district ({})",
                escape(
                    &a.other_forces
                        .iter()
                        .map(|(f, _)| f.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            )
        }
    );
    if a.beats.is_empty() {
        o.push_str("<p>No beats are configured.</p>\n");
    } else {
        o.push_str("<h3>Beats</h3>\n");
        match &a.areas.basis {
            Some(b) => {
                let _ = writeln!(o, "<p>{}</p>", escape(b));
            }
            None => o.push_str("<p>The configuration does not say how the beats were built.</p>\n"),
        }
        o.push_str("<p>A record is placed in the beat whose boundary holds its map point.</p>\n");
        table_open(o, "areas-caption", "", "The beats and what they cover");
        o.push_str("<thead><tr><th scope=\"col\">Beat</th><th scope=\"col\">Localities</th><th scope=\"col\">How its extent was made</th></tr></thead>\n<tbody>\n");
        for b in &a.areas.beats {
            let _ = writeln!(
                o,
                "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td></tr>",
                escape(&b.name),
                escape(b.localities.as_deref().unwrap_or("Not described")),
                escape(b.method.as_deref().unwrap_or("Not described")),
            );
        }
        o.push_str("</tbody>\n</table>\n</div>\n");
    }
    o.push_str("<h3>Groups</h3>\n<ul>\n<li>All crime: every police.uk category except anti-social behaviour.</li>\n");
    for g in &a.groups {
        let _ = writeln!(
            o,
            "<li>{}: {}.</li>",
            escape(&g.name),
            escape(
                &g.categories
                    .iter()
                    .map(|c| c.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        );
    }
    o.push_str("</ul>\n</section>\n");
}

fn footer(o: &mut String, a: &Assessment, meta: &ReportMeta) {
    o.push_str("<footer class=\"footer\">\n<div class=\"width-container\">\n");
    let _ = writeln!(o, "<p>{}</p>", escape(ATTRIBUTION));
    if let Some(p) = &a.population {
        let _ = writeln!(o, "<p>Population: {}.</p>", escape(&p.source));
    }
    let _ = writeln!(
        o,
        "<p>Generated by {GENERATOR} on {}{}.</p>",
        escape(&meta.generated_at),
        meta.partnership_name
            .as_deref()
            .map(|p| format!(" for {}", escape(p)))
            .unwrap_or_default()
    );
    o.push_str("</div>\n</footer>\n");
}
