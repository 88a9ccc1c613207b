//! `/assessment`: the strategic assessment explorer. Choose a district
//! (default: the imported partnership's), a financial year (default: the
//! latest held), an optional "as at" month, a category and a beat; see the
//! categories and beats tables and the beat map. `/assessment/report`: the
//! printable assessment `safer assess` writes.

use axum::Extension;
use axum::extract::{Query, State};
use axum::response::Response;
use safer_analysis::Assessment;

use askama::Template;

use crate::auth::Caller;
use crate::data::{self, AssessmentQuery};
use crate::http;
use crate::map::{BeatMap, MapBeat, beat_map};
use crate::view::{self, Cell, Choice, Chrome, Heading, Table};
use crate::{AppState, WebError};

fn month_long(m: safer_domain::Month) -> String {
    format!("{} {}", m.name(), m.year())
}

/// The query string of this view with one parameter changed.
fn link(a: &Assessment, category: &str, beat: Option<&str>) -> String {
    let mut s = format!(
        "/assessment?district={}&year={}&category={}",
        http::url_encode(&a.district),
        http::url_encode(&a.year.to_string()),
        http::url_encode(category)
    );
    if let Some(m) = a.as_at {
        s.push_str(&format!("&as_at={m}"));
    }
    if let Some(b) = beat {
        s.push_str(&format!("&beat={}", http::url_encode(b)));
    }
    s
}

/// A count, or "not held" (never a zero for a month not held).
fn count(n: Option<u64>) -> String {
    n.map_or_else(|| "not held".to_owned(), view::thousands)
}

/// A change, or "n/a" when nothing is compared.
fn change(n: Option<i64>) -> String {
    n.map_or_else(|| "n/a".to_owned(), view::signed)
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
fn comparison_head(a: &Assessment) -> Vec<Heading> {
    let c = &a.comparison;
    let n = c.comparable_months.len();
    let mut h = if totals_differ(a) {
        vec![
            Heading::num(format!("Previous year, {n} months compared")),
            Heading::num(format!("This year, {n} months compared")),
        ]
    } else {
        vec![Heading::num("Previous year"), Heading::num("This year")]
    };
    h.push(Heading::num("Change"));
    h.push(Heading::num("Change %"));
    if totals_differ(a) {
        h.push(Heading::num(format!(
            "Previous year, all {} of {} months held",
            c.previous_months_held,
            c.previous_period.len()
        )));
        h.push(Heading::num(format!(
            "This year, all {} of {} months held",
            c.current_months_held,
            c.current_period.len()
        )));
    }
    h
}

fn comparison_cells(
    a: &Assessment,
    compared: (Option<u64>, Option<u64>),
    ch: (Option<i64>, Option<f64>),
    totals: (Option<u64>, u64),
) -> Vec<Cell> {
    let mut v = vec![
        Cell::num(count(compared.0)),
        Cell::num(count(compared.1)),
        Cell::num(change(ch.0)),
        Cell::num(view::pct(ch.1)),
    ];
    if totals_differ(a) {
        v.push(Cell::num(count(totals.0)));
        v.push(Cell::num(view::thousands(totals.1)));
    }
    v
}

/// The query string of a view's district, year and period.
pub(crate) fn base_query(a: &Assessment) -> String {
    let mut query = format!(
        "district={}&year={}",
        http::url_encode(&a.district),
        http::url_encode(&a.year.to_string())
    );
    if let Some(m) = a.as_at {
        query.push_str(&format!("&as_at={m}"));
    }
    query
}

#[derive(Template)]
#[template(path = "assessment.html")]
struct ExplorerPage {
    chrome: Chrome,
    district: String,
    year: String,
    /// The sentence under the heading: the period, months held, how compared.
    lead: String,
    districts: Vec<Choice>,
    years: Vec<Choice>,
    months: Vec<Choice>,
    as_at: String,
    categories: Vec<Choice>,
    category: String,
    beats: Vec<Choice>,
    beat: String,
    warnings: Vec<String>,
    beat_map: Option<BeatMap>,
    basis: Option<String>,
    /// Each table with the CSV file that holds it.
    tables: Vec<(Table, &'static str)>,
    /// The month chart (SVG from safer-report) and its figures.
    by_month: Option<(String, Table)>,
    /// The query of this view's district, year and period, URL-encoded.
    query: String,
    files: Vec<&'static str>,
    /// The analyst's narrative of this assessment, when one is written.
    narrative: Option<safer_domain::Narrative>,
    /// Whether the caller may write it (analysts).
    may_write_narrative: bool,
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
    let lead = format!(
        "{} to {}, compared with the year before. {} of {} months held{}.",
        month_long(period.first),
        month_long(period.last),
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
    let held = assessed.counts.months_held();
    let years = safer_app::years_held(&assessed.counts)
        .into_iter()
        .map(|y| {
            let n = y.period().months().filter(|m| held.contains(m)).count();
            let label = if n == 12 {
                y.to_string()
            } else {
                format!("{y} ({n} of 12 months held)")
            };
            Choice::new(y.to_string(), label)
        })
        .collect();
    let mut months = vec![Choice::new("", "The whole year")];
    months.extend(
        a.year
            .period()
            .months()
            .map(|m| Choice::new(m.to_string(), format!("Up to {}", month_long(m)))),
    );
    let mut beats = vec![Choice::new("", "No beat chosen")];
    beats.extend(
        a.beat_categories
            .iter()
            .map(|(n, _)| Choice::new(n.clone(), n.clone())),
    );

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
    let map = assessed.partnership.as_ref().and_then(|p| {
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
        beat_map(&map_beats, &category)
    });

    let mut tables = Vec::new();
    // The categories.
    let part_year = a
        .categories
        .iter()
        .any(|r| r.rate_per_1000_annualised.is_some());
    let mut head = vec![Heading::text("Category")];
    head.extend(comparison_head(a));
    head.push(Heading::num("Rate per 1,000 people"));
    if part_year {
        head.push(Heading::num("Rate per 1,000 people, annualised"));
    }
    let rows = a
        .categories
        .iter()
        .map(|r| {
            let mut row = vec![Cell::HeadLink {
                href: link(a, &r.category, beat),
                text: r.category.clone(),
            }];
            row.extend(comparison_cells(
                a,
                (r.compared_previous, r.compared_current),
                (r.change, r.change_pct),
                (r.previous, r.current),
            ));
            row.push(Cell::num(rate(r.rate_per_1000)));
            if part_year {
                row.push(Cell::num(rate(r.rate_per_1000_annualised)));
            }
            row
        })
        .collect();
    tables.push((
        Table::new(format!("Crime by category in {}", a.district), head).rows(rows),
        "categories.csv",
    ));

    // The beats.
    if !a.beats.is_empty() {
        let mut ranked: Vec<&safer_analysis::BeatRow> = a.beats.iter().collect();
        ranked.sort_by_key(|r| r.rank);
        let row = |r: &safer_analysis::BeatRow, rank: Cell, name_cell: Cell| {
            let (n, share) = in_category(&r.beat);
            let mut v = vec![rank, name_cell];
            v.extend(comparison_cells(
                a,
                (r.compared_previous, r.compared_current),
                (r.change, r.change_pct),
                (r.previous, r.current),
            ));
            v.push(Cell::num(format!("{:.1}%", r.share)));
            if cat_index != 0 {
                v.push(Cell::num(view::thousands(n)));
            }
            v.push(Cell::num(format!("{share:.1}%")));
            v
        };
        let mut rows: Vec<Vec<Cell>> = ranked
            .into_iter()
            .map(|r| {
                row(
                    r,
                    Cell::num(r.rank.to_string()),
                    Cell::HeadLink {
                        href: link(a, &category, Some(&r.beat)),
                        text: r.beat.clone(),
                    },
                )
            })
            .collect();
        if let Some(u) = &a.unplaced {
            rows.push(row(u, Cell::num("not ranked"), Cell::head(u.beat.clone())));
        }
        let mut head = vec![Heading::num("Rank"), Heading::text("Beat")];
        head.extend(comparison_head(a));
        head.push(Heading::num("Share of the district's crime"));
        if cat_index != 0 {
            head.push(Heading::num(category.clone()));
        }
        head.push(Heading::num(format!(
            "{category}: share of the district's (as on the map)"
        )));
        tables.push((
            Table::new("All crime by beat", head).rows(rows),
            "beats.csv",
        ));
    }

    // One beat's categories.
    if let Some(name) = beat
        && let Some((_, values)) = a.beat_categories.iter().find(|(n, _)| n == name)
    {
        let rows = a
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
                    Cell::head(r.category.clone()),
                    Cell::num(view::thousands(*v)),
                    Cell::num(share),
                ]
            })
            .collect();
        tables.push((
            Table::new(
                format!("{name}: records by category this year"),
                vec![
                    Heading::text("Category"),
                    Heading::num("Records"),
                    Heading::num("Share of the district's"),
                ],
            )
            .rows(rows),
            "beat_categories.csv",
        ));
    }

    // The monthly trend of the category, with months not held as gaps.
    let by_month = (!a.trend_by_month.is_empty()).then(|| {
        let rows = a
            .trend_by_month
            .iter()
            .map(|m| {
                vec![
                    Cell::head(month_long(m.month)),
                    Cell::num(count(
                        m.counts.as_ref().and_then(|c| c.get(cat_index).copied()),
                    )),
                ]
            })
            .collect();
        (
            safer_report::month_chart(a, &[cat_index]),
            Table::new(
                format!("{category} by month in {}", a.district),
                vec![Heading::text("Month"), Heading::num("Records")],
            )
            .rows(rows),
        )
    });

    let narrative = app
        .app
        .narrative(&caller.actor(), &a.district, a.year, a.as_at)
        .await?
        .map(|s| s.narrative)
        .filter(|n| !n.is_empty());
    let page = ExplorerPage {
        chrome: Chrome::new(
            &app,
            &caller,
            format!("Assessment: {} {}", a.district, a.year),
        ),
        district: a.district.clone(),
        year: a.year.to_string(),
        lead,
        districts: assessed
            .districts
            .iter()
            .map(|d| Choice::new(d.clone(), d.clone()))
            .collect(),
        years,
        months,
        as_at: a.as_at.map(|m| m.to_string()).unwrap_or_default(),
        categories: a
            .categories
            .iter()
            .map(|r| Choice::new(r.category.clone(), r.category.clone()))
            .collect(),
        category: category.clone(),
        beats,
        beat: beat.unwrap_or("").to_owned(),
        warnings: a.warnings.clone(),
        basis: map.as_ref().and(a.areas.basis.clone()),
        beat_map: map,
        tables,
        by_month,
        query: base_query(a),
        files: safer_report::CSV_FILES.to_vec(),
        narrative,
        may_write_narrative: crate::routes::may_get(caller.user.as_ref(), "/assessment/narrative"),
    };
    Ok(view::page(&page))
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

/// The printable assessment as HTML, with the analyst's narrative, and
/// the file name it prints to; `on_screen` adds the site's menu.
async fn report_html(
    app: &AppState,
    caller: &Caller,
    q: &AssessmentQuery,
    on_screen: bool,
) -> Result<(String, String), WebError> {
    let assessed = data::assess(app, caller, q).await?;
    let a = &assessed.assessment;
    let narrative = app
        .app
        .narrative(&caller.actor(), &a.district, a.year, a.as_at)
        .await?
        .map(|s| s.narrative);
    let meta = safer_report::ReportMeta {
        partnership_name: assessed
            .partnership
            .as_ref()
            .map(|p| p.partnership.name.clone()),
        refresh: None,
        narrative,
        site: on_screen.then(|| {
            view::site_nav(
                app,
                caller,
                (
                    "Back to the assessment",
                    format!("/assessment?{}", base_query(a)),
                ),
            )
        }),
        generated_at: data::now_utc(app),
    };
    let mut name = format!("assessment-{}-{}", a.district, super::year_in_url(a.year));
    if let Some(m) = a.as_at {
        name.push_str(&format!("-to-{m}"));
    }
    Ok((safer_report::render_html(a, &meta), name))
}

/// The printable assessment, as `safer assess` writes it.
pub(crate) async fn report(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<AssessmentQuery>,
) -> Result<Response, WebError> {
    let (html, _) = report_html(&app, &caller, &q, true).await?;
    Ok(super::report_response(html))
}

/// The printable assessment as PDF, printed by headless Chromium on the
/// server (503 when the server has none).
pub(crate) async fn report_pdf(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<AssessmentQuery>,
) -> Result<Response, WebError> {
    let (html, name) = report_html(&app, &caller, &q, false).await?;
    super::pdf_download(html, &name, "printable assessment").await
}
