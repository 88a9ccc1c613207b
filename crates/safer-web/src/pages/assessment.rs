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

pub(crate) async fn explorer(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<AssessmentQuery>,
) -> Result<Response, WebError> {
    let assessed = data::assess(&app, &q).await?;
    let a = &assessed.assessment;
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

    let period = a.comparison.current_period;
    let mut b = format!(
        "<span class=\"govuk-caption-l\">Partnership Strategic Assessment</span><h1 class=\"govuk-heading-xl\">{} {}</h1>\n<p class=\"govuk-body-l\">{} to {}, compared with the year before.</p>\n",
        esc(&a.district),
        esc(&a.year.to_string()),
        esc(&month_long(period.first)),
        esc(&month_long(period.last)),
    );

    // The filter form.
    let districts: Vec<(String, String)> = assessed
        .districts
        .iter()
        .map(|d| (d.clone(), d.clone()))
        .collect();
    let years: Vec<(String, String)> = data::years_held(&assessed.counts)
        .into_iter()
        .map(|y| (y.to_string(), y.to_string()))
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

    // The map.
    if let Some(p) = &assessed.partnership {
        let total = a.categories.get(cat_index).map_or(0, |r| r.current);
        let map_beats: Vec<MapBeat<'_>> = p
            .beats
            .names
            .iter()
            .zip(&p.beats.shapes)
            .map(|(name, shapes)| {
                let count = a
                    .beat_categories
                    .iter()
                    .find(|(n, _)| n == name)
                    .and_then(|(_, v)| v.get(cat_index).copied())
                    .unwrap_or(0);
                MapBeat {
                    name,
                    shapes,
                    count,
                    share: if total == 0 {
                        0.0
                    } else {
                        count as f64 * 100.0 / total as f64
                    },
                    href: link(a, &category, Some(name)),
                    selected: beat == Some(name.as_str()),
                }
            })
            .collect();
        if let Some(svg) = beat_map(&map_beats, &category) {
            b.push_str(&format!(
                "<h2 class=\"govuk-heading-l\">{} by beat</h2>\n{svg}\n",
                esc(&category)
            ));
        }
    }

    // The categories.
    let rows: Vec<Vec<String>> = a
        .categories
        .iter()
        .map(|r| {
            vec![
                format!(
                    "#<a class=\"govuk-link\" href=\"{}\">{}</a>",
                    esc(&link(a, &r.category, beat)),
                    esc(&r.category)
                ),
                format!("={}", html::thousands(r.previous)),
                format!("={}", html::thousands(r.current)),
                format!("={}", html::signed(r.change)),
                format!("={}", html::pct(r.change_pct)),
                format!(
                    "={}",
                    r.rate_per_1000
                        .map_or_else(|| "n/a".to_owned(), |x| format!("{x:.1}"))
                ),
            ]
        })
        .collect();
    b.push_str(&html::table(
        &format!("Crime by category in {}", a.district),
        &[
            "Category",
            "=Previous year",
            "=This year",
            "=Change (months compared)",
            "=Change %",
            "=Rate per 1,000 people",
        ],
        &rows,
    ));

    // The beats.
    if !a.beats.is_empty() {
        let mut ranked: Vec<&safer_analysis::BeatRow> = a.beats.iter().collect();
        ranked.sort_by_key(|r| r.rank);
        let mut rows: Vec<Vec<String>> = ranked
            .into_iter()
            .map(|r| {
                let in_cat = a
                    .beat_categories
                    .iter()
                    .find(|(n, _)| *n == r.beat)
                    .and_then(|(_, v)| v.get(cat_index).copied())
                    .unwrap_or(0);
                vec![
                    format!("={}", r.rank),
                    format!(
                        "#<a class=\"govuk-link\" href=\"{}\">{}</a>",
                        esc(&link(a, &category, Some(&r.beat))),
                        esc(&r.beat)
                    ),
                    format!("={}", html::thousands(r.previous)),
                    format!("={}", html::thousands(r.current)),
                    format!("={}", html::pct(r.change_pct)),
                    format!("={:.1}%", r.share),
                    format!("={}", html::thousands(in_cat)),
                ]
            })
            .collect();
        if let Some(u) = &a.unplaced {
            let in_cat = a
                .beat_categories
                .iter()
                .find(|(n, _)| *n == u.beat)
                .and_then(|(_, v)| v.get(cat_index).copied())
                .unwrap_or(0);
            rows.push(vec![
                "=<span class=\"govuk-visually-hidden\">Not ranked</span>".to_owned(),
                format!("#{}", esc(&u.beat)),
                format!("={}", html::thousands(u.previous)),
                format!("={}", html::thousands(u.current)),
                format!("={}", html::pct(u.change_pct)),
                format!("={:.1}%", u.share),
                format!("={}", html::thousands(in_cat)),
            ]);
        }
        let cat_head = format!("={category}");
        b.push_str(&html::table(
            "All crime by beat",
            &[
                "=Rank",
                "Beat",
                "=Previous year",
                "=This year",
                "=Change %",
                "=Share of the district",
                &cat_head,
            ],
            &rows,
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
                    format!("#{}", esc(&r.category)),
                    format!("={}", html::thousands(*v)),
                    format!("={share}"),
                ]
            })
            .collect();
        b.push_str(&html::table(
            &format!("{name}: records by category this year"),
            &["Category", "=Records", "=Share of the district's"],
            &rows,
        ));
    }

    let mut query = format!(
        "district={}&year={}",
        html::url_encode(&a.district),
        html::url_encode(&a.year.to_string())
    );
    if let Some(m) = a.as_at {
        query.push_str(&format!("&as_at={m}"));
    }
    b.push_str(&format!(
        "<h2 class=\"govuk-heading-m\">Download or print</h2><ul class=\"govuk-list\"><li><a class=\"govuk-link\" href=\"/assessment/report?{query}\">The printable assessment</a></li><li><a class=\"govuk-link\" href=\"/api/v1/assessment?{query}\">The assessment as JSON</a></li></ul>\n"
    ));
    let title = format!("Assessment: {} {}", a.district, a.year);
    Ok(html::page(&app, &caller, &title, &b))
}

/// The printable assessment, as `safer assess` writes it.
pub(crate) async fn report(
    State(app): State<AppState>,
    Query(q): Query<AssessmentQuery>,
) -> Result<Response, WebError> {
    let assessed = data::assess(&app, &q).await?;
    let meta = safer_report::ReportMeta {
        partnership_name: assessed.partnership.map(|p| p.partnership.name),
        generated_at: data::now_utc(),
    };
    Ok(super::report_response(safer_report::render_html(
        &assessed.assessment,
        &meta,
    )))
}
