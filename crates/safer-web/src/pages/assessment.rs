//! `/assessment`: the strategic assessment explorer. Choose a district
//! (default: the imported partnership's), a financial year (default: the
//! latest held), an optional "as at" month, a category and a beat; see the
//! categories and beats tables and the beat map. `/assessment/report`: the
//! printable assessment `safer assess` writes.

use axum::Extension;
use axum::extract::{Query, State};
use axum::response::Response;
use safer_analysis::Assessment;

use crate::auth::Caller;
use crate::data::{self, AssessmentQuery};
use crate::html::{self, esc};
use crate::map::{MapBeat, beat_map};
use crate::{AppState, WebError};

fn month_long(m: safer_domain::Month) -> String {
    format!("{} {}", m.name(), m.year())
}

/// The query string of this view with one parameter changed.
fn link(a: &Assessment, category: &str, beat: Option<&str>) -> String {
    let mut s = format!(
        "/assessment?district={}&year={}&category={}",
        html::url_encode(&a.district),
        html::url_encode(&a.year.to_string()),
        html::url_encode(category)
    );
    if let Some(m) = a.as_at {
        s.push_str(&format!("&as_at={m}"));
    }
    if let Some(b) = beat {
        s.push_str(&format!("&beat={}", html::url_encode(b)));
    }
    s
}

/// A count, or "not held" (never a zero for a month not held).
fn count(n: Option<u64>) -> String {
    n.map_or_else(|| "not held".to_owned(), html::thousands)
}

/// A change, or "n/a" when nothing is compared.
fn change(n: Option<i64>) -> String {
    n.map_or_else(|| "n/a".to_owned(), html::signed)
}

fn rate(r: Option<f64>) -> String {
    r.map_or_else(|| "n/a".to_owned(), |x| format!("{x:.1}"))
}

/// Whether the totals of the months held differ from the compared
/// figures, so both are shown.
fn totals_differ(a: &Assessment) -> bool {
    let c = &a.comparison;
    let n = c.comparable_months.len() as u32;
    c.current_months_held != n || c.previous_months_held != n
}

/// The heads of a comparison: the compared figures first (the change is
/// their difference), then the totals held, labelled with their months.
fn comparison_head(a: &Assessment) -> Vec<String> {
    let c = &a.comparison;
    let n = c.comparable_months.len();
    let mut h = if totals_differ(a) {
        vec![
            format!("=Previous year, {n} months compared"),
            format!("=This year, {n} months compared"),
        ]
    } else {
        vec!["=Previous year".to_owned(), "=This year".to_owned()]
    };
    h.push("=Change".to_owned());
    h.push("=Change %".to_owned());
    if totals_differ(a) {
        h.push(format!(
            "=Previous year, all {} of {} months held",
            c.previous_months_held,
            c.previous_period.len()
        ));
        h.push(format!(
            "=This year, all {} of {} months held",
            c.current_months_held,
            c.current_period.len()
        ));
    }
    h
}

fn comparison_cells(
    a: &Assessment,
    compared: (Option<u64>, Option<u64>),
    ch: (Option<i64>, Option<f64>),
    totals: (Option<u64>, u64),
) -> Vec<String> {
    let mut v = vec![
        html::num(count(compared.0)),
        html::num(count(compared.1)),
        html::num(change(ch.0)),
        html::num(html::pct(ch.1)),
    ];
    if totals_differ(a) {
        v.push(html::num(count(totals.0)));
        v.push(html::num(html::thousands(totals.1)));
    }
    v
}

/// The query string of a view's district, year and period.
fn base_query(a: &Assessment) -> String {
    let mut query = format!(
        "district={}&year={}",
        html::url_encode(&a.district),
        html::url_encode(&a.year.to_string())
    );
    if let Some(m) = a.as_at {
        query.push_str(&format!("&as_at={m}"));
    }
    query
}

/// A link to download one of the assessment's tables as CSV.
fn csv_link(a: &Assessment, file: &str) -> String {
    format!(
        "<a class=\"govuk-link\" href=\"/assessment/tables/{}?{}\" download>Download this table (CSV)</a>",
        html::url_encode(file),
        esc(&base_query(a))
    )
}

pub(crate) async fn explorer(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<AssessmentQuery>,
) -> Result<Response, WebError> {
    let assessed = data::assess(&app, &caller, &q).await?;
    let a = &assessed.assessment;
    let c = &a.comparison;
    let category = q
        .category
        .as_deref()
        .filter(|c| a.categories.iter().any(|r| r.category == *c))
        .unwrap_or("All crime")
        .to_owned();
    let cat_index = a
        .categories
        .iter()
        .position(|r| r.category == category)
        .unwrap_or(0);
    let beat = q
        .beat
        .as_deref()
        .filter(|b| a.beat_categories.iter().any(|(n, _)| n == b));

    let period = c.current_period;
    let mut b = format!(
        "<span class=\"govuk-caption-l\">Partnership Strategic Assessment</span><h1 class=\"govuk-heading-xl\">{} {}</h1>\n<p class=\"govuk-body-l\">{} to {}, compared with the year before. {} of {} months held{}.</p>\n",
        esc(&a.district),
        esc(&a.year.to_string()),
        esc(&month_long(period.first)),
        esc(&month_long(period.last)),
        c.current_months_held,
        period.len(),
        if c.like_for_like {
            ", compared like for like".to_owned()
        } else {
            format!(
                "; {} compared like for like with the same months a year earlier",
                c.comparable_months.len()
            )
        }
    );

    // The filter form: only districts and years that hold data.
    let districts: Vec<(String, String)> = assessed
        .districts
        .iter()
        .map(|d| (d.clone(), d.clone()))
        .collect();
    let held = assessed.counts.months_held();
    let years: Vec<(String, String)> = safer_app::years_held(&assessed.counts)
        .into_iter()
        .map(|y| {
            let n = y.period().months().filter(|m| held.contains(m)).count();
            let label = if n == 12 {
                y.to_string()
            } else {
                format!("{y} ({n} of 12 months held)")
            };
            (y.to_string(), label)
        })
        .collect();
    let mut months = vec![(String::new(), "The whole year".to_owned())];
    months.extend(
        a.year
            .period()
            .months()
            .map(|m| (m.to_string(), format!("Up to {}", month_long(m)))),
    );
    let categories: Vec<(String, String)> = a
        .categories
        .iter()
        .map(|r| (r.category.clone(), r.category.clone()))
        .collect();
    let mut beats = vec![(String::new(), "No beat chosen".to_owned())];
    beats.extend(
        a.beat_categories
            .iter()
            .map(|(n, _)| (n.clone(), n.clone())),
    );
    b.push_str("<form method=\"get\" action=\"/assessment\" class=\"safer-filter\">");
    b.push_str(&html::select(
        "district",
        "District",
        &districts,
        &a.district,
    ));
    b.push_str(&html::select(
        "year",
        "Financial year",
        &years,
        &a.year.to_string(),
    ));
    b.push_str(&html::select(
        "as_at",
        "Period",
        &months,
        &a.as_at.map(|m| m.to_string()).unwrap_or_default(),
    ));
    b.push_str(&html::select(
        "category",
        "Category",
        &categories,
        &category,
    ));
    b.push_str(&html::select("beat", "Beat", &beats, beat.unwrap_or("")));
    b.push_str("<button type=\"submit\" class=\"govuk-button govuk-button--secondary\">Show</button></form>\n");

    if !a.warnings.is_empty() {
        b.push_str("<div class=\"govuk-inset-text safer-warnings\"><h2 class=\"govuk-heading-s\">Read these first</h2><ul class=\"govuk-list govuk-list--bullet\">");
        for w in &a.warnings {
            b.push_str(&format!("<li>{}</li>", esc(w)));
        }
        b.push_str("</ul></div>\n");
    }

    // A beat's count and share of the district's records of the category:
    // the map and the beats table show the same figures.
    let cat_total = a.categories.get(cat_index).map_or(0, |r| r.current);
    let in_category = |name: &str| -> (u64, f64) {
        let n = a
            .beat_categories
            .iter()
            .find(|(b, _)| b == name)
            .and_then(|(_, v)| v.get(cat_index).copied())
            .unwrap_or(0);
        let share = if cat_total == 0 {
            0.0
        } else {
            n as f64 * 100.0 / cat_total as f64
        };
        (n, share)
    };

    // The map.
    if let Some(p) = &assessed.partnership {
        let map_beats: Vec<MapBeat<'_>> = p
            .beats
            .names
            .iter()
            .zip(&p.beats.shapes)
            .map(|(name, shapes)| {
                let (count, share) = in_category(name);
                MapBeat {
                    name,
                    shapes,
                    count,
                    share,
                    href: link(a, &category, Some(name)),
                    selected: beat == Some(name.as_str()),
                }
            })
            .collect();
        if let Some(svg) = beat_map(&map_beats, &category) {
            b.push_str(&format!(
                "<h2 class=\"govuk-heading-l\">{} by beat</h2>\n",
                esc(&category)
            ));
            if let Some(basis) = &a.areas.basis {
                b.push_str(&format!(
                    "<p class=\"govuk-body\"><strong>How the beats were built:</strong> {}</p>\n",
                    esc(basis)
                ));
            }
            b.push_str(&svg);
            b.push('\n');
        }
    }

    // The categories.
    let part_year = a
        .categories
        .iter()
        .any(|r| r.rate_per_1000_annualised.is_some());
    let rows: Vec<Vec<String>> = a
        .categories
        .iter()
        .map(|r| {
            let mut row = vec![html::row_header(format!(
                "<a class=\"govuk-link\" href=\"{}\">{}</a>",
                esc(&link(a, &r.category, beat)),
                esc(&r.category)
            ))];
            row.extend(comparison_cells(
                a,
                (r.compared_previous, r.compared_current),
                (r.change, r.change_pct),
                (r.previous, r.current),
            ));
            row.push(html::num(rate(r.rate_per_1000)));
            if part_year {
                row.push(html::num(rate(r.rate_per_1000_annualised)));
            }
            row
        })
        .collect();
    let mut head = vec!["Category".to_owned()];
    head.extend(comparison_head(a));
    head.push("=Rate per 1,000 people".to_owned());
    if part_year {
        head.push("=Rate per 1,000 people, annualised".to_owned());
    }
    let head_refs: Vec<&str> = head.iter().map(String::as_str).collect();
    b.push_str(&html::table(
        &format!("Crime by category in {}", a.district),
        &head_refs,
        &rows,
    ));
    b.push_str(&format!(
        "<p class=\"govuk-body\">{}</p>\n",
        csv_link(a, "categories.csv")
    ));

    // The beats.
    if !a.beats.is_empty() {
        let mut ranked: Vec<&safer_analysis::BeatRow> = a.beats.iter().collect();
        ranked.sort_by_key(|r| r.rank);
        let row = |r: &safer_analysis::BeatRow, rank: String, name_cell: String| {
            let (n, share) = in_category(&r.beat);
            let mut v = vec![rank, name_cell];
            v.extend(comparison_cells(
                a,
                (r.compared_previous, r.compared_current),
                (r.change, r.change_pct),
                (r.previous, r.current),
            ));
            v.push(html::num(format!("{:.1}%", r.share)));
            if cat_index != 0 {
                v.push(html::num(html::thousands(n)));
            }
            v.push(html::num(format!("{share:.1}%")));
            v
        };
        let mut rows: Vec<Vec<String>> = ranked
            .into_iter()
            .map(|r| {
                row(
                    r,
                    html::num(r.rank),
                    html::row_header(format!(
                        "<a class=\"govuk-link\" href=\"{}\">{}</a>",
                        esc(&link(a, &category, Some(&r.beat))),
                        esc(&r.beat)
                    )),
                )
            })
            .collect();
        if let Some(u) = &a.unplaced {
            rows.push(row(
                u,
                html::num("<span class=\"govuk-visually-hidden\">Not ranked</span>"),
                html::row_header(esc(&u.beat)),
            ));
        }
        let mut head = vec!["=Rank".to_owned(), "Beat".to_owned()];
        head.extend(comparison_head(a));
        head.push("=Share of the district's crime".to_owned());
        if cat_index != 0 {
            head.push(html::num_heading(&category));
        }
        head.push(html::num_heading(&format!(
            "{category}: share of the district's (as on the map)"
        )));
        let head_refs: Vec<&str> = head.iter().map(String::as_str).collect();
        b.push_str(&html::table("All crime by beat", &head_refs, &rows));
        b.push_str(&format!(
            "<p class=\"govuk-body\">{}</p>\n",
            csv_link(a, "beats.csv")
        ));
    }

    // One beat's categories.
    if let Some(name) = beat
        && let Some((_, values)) = a.beat_categories.iter().find(|(n, _)| n == name)
    {
        let rows: Vec<Vec<String>> = a
            .categories
            .iter()
            .zip(values)
            .map(|(r, v)| {
                let share = if r.current == 0 {
                    "n/a".to_owned()
                } else {
                    format!("{:.1}%", *v as f64 * 100.0 / r.current as f64)
                };
                vec![
                    html::row_header(esc(&r.category)),
                    html::num(html::thousands(*v)),
                    html::num(share),
                ]
            })
            .collect();
        b.push_str(&html::table(
            &format!("{name}: records by category this year"),
            &["Category", "=Records", "=Share of the district's"],
            &rows,
        ));
        b.push_str(&format!(
            "<p class=\"govuk-body\">{}</p>\n",
            csv_link(a, "beat_categories.csv")
        ));
    }

    // The monthly trend of the category, with months not held as gaps.
    if !a.trend_by_month.is_empty() {
        b.push_str(&format!(
            "<h2 class=\"govuk-heading-l\">{} by month</h2>\n",
            esc(&category)
        ));
        b.push_str(&safer_report::month_chart(a, &[cat_index]));
        let rows: Vec<Vec<String>> = a
            .trend_by_month
            .iter()
            .map(|m| {
                vec![
                    html::row_header(esc(&month_long(m.month))),
                    html::num(count(
                        m.counts.as_ref().and_then(|c| c.get(cat_index).copied()),
                    )),
                ]
            })
            .collect();
        b.push_str("<details class=\"govuk-details\"><summary class=\"govuk-details__summary\"><span class=\"govuk-details__summary-text\">The figures by month</span></summary><div class=\"govuk-details__text\">");
        b.push_str(&html::table(
            &format!("{category} by month in {}", a.district),
            &["Month", "=Records"],
            &rows,
        ));
        b.push_str("</div></details>\n");
        b.push_str(&format!(
            "<p class=\"govuk-body\">{}</p>\n",
            csv_link(a, "trend_by_month.csv")
        ));
    }

    let query = base_query(a);
    let files: String = safer_report::CSV_FILES
        .iter()
        .map(|f| {
            format!(
                "<li><a class=\"govuk-link\" href=\"/assessment/tables/{}?{}\" download>{}</a></li>",
                html::url_encode(f),
                esc(&query),
                esc(f)
            )
        })
        .collect();
    b.push_str(&format!(
        "<h2 class=\"govuk-heading-m\">Download or print</h2><ul class=\"govuk-list\"><li><a class=\"govuk-link\" href=\"/assessment/report?{q}\">The printable assessment</a></li><li><a class=\"govuk-link\" href=\"/api/v1/assessment?{q}\">The assessment as JSON</a></li></ul>\n<h3 class=\"govuk-heading-s\">Every table as CSV</h3><ul class=\"govuk-list\">{files}</ul>\n",
        q = esc(&query)
    ));
    let title = format!("Assessment: {} {}", a.district, a.year);
    Ok(html::page(&app, &caller, &title, &b))
}

/// One table of the assessment as CSV, as `safer assess` writes it.
pub(crate) async fn table_csv(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    axum::extract::Path(file): axum::extract::Path<String>,
    Query(q): Query<AssessmentQuery>,
) -> Result<Response, WebError> {
    let (name, content) = app
        .app
        .assessment_table(&caller.actor(), &q.parse()?, &file)
        .await?;
    Ok(super::download(
        content.into_bytes(),
        "text/csv; charset=utf-8",
        &name,
    ))
}

/// The printable assessment, as `safer assess` writes it.
pub(crate) async fn report(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<AssessmentQuery>,
) -> Result<Response, WebError> {
    let assessed = data::assess(&app, &caller, &q).await?;
    let meta = safer_report::ReportMeta {
        partnership_name: assessed
            .partnership
            .as_ref()
            .map(|p| p.partnership.name.clone()),
        generated_at: data::now_utc(&app),
    };
    Ok(super::report_response(safer_report::render_html(
        &assessed.assessment,
        &meta,
    )))
}
