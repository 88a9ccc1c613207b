//! `/`: the plans held and, for one plan and quarter, every measure with its
//! status, from the same [`PerformanceReview`](safer_analysis::PerformanceReview)
//! as the quarterly report.

use axum::Extension;
use axum::extract::{Query, State};
use axum::response::Response;
use safer_domain::Status;

use crate::auth::Caller;
use crate::html::{self, esc};
use crate::pages::year_in_url;
use crate::{AppState, WebError, data, routes};

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct DashboardQuery {
    plan: Option<String>,
    quarter: Option<String>,
}

pub(crate) async fn dashboard(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<DashboardQuery>,
) -> Result<Response, WebError> {
    let plans = app.app.plans(&caller.actor()).await?;
    let mut body = String::from("<h1 class=\"govuk-heading-xl\">Dashboard</h1>\n");
    if plans.is_empty() {
        body.push_str("<p class=\"govuk-body\">No plan is held yet. A community safety officer can import one with <code>safer plan import FILE</code>.</p>\n");
        return Ok(html::page(&app, &caller, "Dashboard", &body));
    }
    let chosen = q
        .plan
        .as_deref()
        .filter(|p| !p.is_empty())
        .unwrap_or(&plans[0].0)
        .to_owned();
    let quarter = data::parse_quarter(q.quarter.as_deref())?;
    let r = data::review(&app, &caller, &chosen, quarter).await?;
    let review = &r.review;

    body.push_str("<h2 class=\"govuk-heading-m\">Plans held</h2>\n<ul class=\"govuk-list\">\n");
    for (id, title, first_year) in &plans {
        let current = if *id == chosen {
            " <strong class=\"govuk-tag govuk-tag--blue\">Shown below</strong>"
        } else {
            ""
        };
        body.push_str(&format!(
            "<li><a class=\"govuk-link\" href=\"/?plan={}\">{}</a> (from {}){current} – <a class=\"govuk-link\" href=\"/plans/{}\">read the plan<span class=\"govuk-visually-hidden\"> {}</span></a></li>\n",
            html::url_encode(id),
            esc(title),
            esc(first_year),
            html::url_encode(id),
            esc(title),
        ));
    }
    body.push_str("</ul>\n");

    body.push_str(&format!(
        "<h2 class=\"govuk-heading-l\">{}</h2>\n",
        esc(&r.plan.title)
    ));
    let options: Vec<(String, String)> = safer_app::plan_quarters(&r.plan)
        .into_iter()
        .map(|q| (q.to_string(), quarter_label(q)))
        .collect();
    body.push_str(&format!(
        "<form method=\"get\" action=\"/\" class=\"safer-filter\"><input type=\"hidden\" name=\"plan\" value=\"{}\">{}<button type=\"submit\" class=\"govuk-button govuk-button--secondary\">Show quarter</button></form>\n",
        esc(&r.plan.id),
        html::select("quarter", "Quarter", &options, &review.quarter.to_string()),
    ));
    body.push_str(&format!(
        "<p class=\"govuk-body\">Year to date at the end of {} ({}). Figures compare the same months of the comparison year.</p>\n",
        esc(&quarter_label(review.quarter)),
        esc(&review.as_at.to_string())
    ));
    if let Some(note) = &r.note {
        body.push_str(&html::warning(note));
    }

    // The count of measures by status.
    let mut counts = String::new();
    for s in [
        Status::OnTrack,
        Status::AtRisk,
        Status::OffTrack,
        Status::Incomplete,
        Status::NoData,
        Status::Monitoring,
    ] {
        let n = review
            .measures()
            .filter(|m| m.evaluation.status == s)
            .count();
        counts.push_str(&format!(
            "<li>{} <span class=\"safer-count\">{n}</span></li>",
            html::status_tag(s)
        ));
    }
    body.push_str(&format!(
        "<ul class=\"govuk-list safer-status-counts\" aria-label=\"Measures by status\">{counts}</ul>\n"
    ));

    for p in &review.priorities {
        body.push_str(&format!(
            "<h3 class=\"govuk-heading-m\" id=\"priority-{}\">Priority {}: {}</h3>\n",
            esc(&p.id),
            p.number,
            esc(&p.title)
        ));
        if !p.overdue.is_empty() {
            body.push_str(&format!(
                "<p class=\"govuk-body\"><strong class=\"govuk-tag govuk-tag--red\">{} overdue</strong> <a class=\"govuk-link\" href=\"/plans/{}#priority-{}\">See the action plan</a></p>\n",
                p.overdue.len(),
                html::url_encode(&r.plan.id),
                esc(&p.id)
            ));
        }
        if p.measures.is_empty() {
            continue;
        }
        let rows: Vec<Vec<String>> = p
            .measures
            .iter()
            .map(|m| {
                let e = &m.evaluation;
                vec![
                    format!(
                        "#{}<span class=\"govuk-body-s safer-secondary\">{}</span>",
                        esc(&m.text),
                        esc(&m.source)
                    ),
                    html::num(html::figure(e.comparison)),
                    html::num(html::figure(e.actual)),
                    html::num(html::figure(e.target)),
                    html::status_tag(e.status),
                    esc(&safer_report::measure_reason(e)),
                ]
            })
            .collect();
        body.push_str(&html::table_quiet(
            &format!("Measures of priority {}", p.number),
            &[
                "Measure",
                "=Comparison",
                "=Year to date",
                "=Target",
                "Status",
                "Why",
            ],
            &rows,
        ));
    }

    body.push_str("<h2 class=\"govuk-heading-m\">More</h2>\n<ul class=\"govuk-list\">\n");
    body.push_str(&format!(
        "<li><a class=\"govuk-link\" href=\"/plans/{}/report?quarter={}\">The printable quarterly report for {}</a></li>\n",
        html::url_encode(&r.plan.id),
        html::url_encode(&review.quarter.to_string()),
        esc(&quarter_label(review.quarter))
    ));
    if routes::may_get(caller.user.as_ref(), "/fund/{partnership}/{year}") {
        body.push_str(&format!(
            "<li><a class=\"govuk-link\" href=\"/fund/{}/{}?quarter={}\">The Partnership Locality Fund for {}</a></li>\n",
            html::url_encode(&r.plan.partnership),
            year_in_url(review.quarter.year()),
            review.quarter.number(),
            esc(&review.quarter.year().to_string())
        ));
    }
    body.push_str("</ul>\n");
    Ok(html::page(&app, &caller, "Dashboard", &body))
}

/// "Quarter 2 of 2024/25 (July to September 2024)".
pub(crate) fn quarter_label(q: safer_domain::Quarter) -> String {
    let f = q.first_month();
    let l = q.last_month();
    let name = |m: safer_domain::Month| m.name();
    format!(
        "Quarter {} of {} ({} to {} {})",
        q.number(),
        q.year(),
        name(f),
        name(l),
        l.year()
    )
}
