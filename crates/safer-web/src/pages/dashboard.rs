//! `/`: the plans held and, for one plan and quarter, every measure with its
//! status, from the same [`PerformanceReview`](safer_analysis::PerformanceReview)
//! as the quarterly report.

use axum::Extension;
use axum::extract::{Query, State};
use axum::response::Response;
use safer_domain::Status;

use askama::Template;

use crate::auth::Caller;
use crate::http;
use crate::pages::year_in_url;
use crate::view::{self, Cell, Choice, Chrome, Heading, Table, Tag};
use crate::{AppState, WebError, data, routes};

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct DashboardQuery {
    plan: Option<String>,
    quarter: Option<String>,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    chrome: Chrome,
    /// The caller's case work: open and overdue case actions, if they
    /// work cases.
    case_work: Option<(usize, usize)>,
    plans: Vec<PlanLink>,
    review: Option<ReviewView>,
}

struct PlanLink {
    title: String,
    first_year: String,
    href: String,
    plan_href: String,
    shown: bool,
}

struct ReviewView {
    title: String,
    plan_id: String,
    quarters: Vec<Choice>,
    quarter: String,
    quarter_label: String,
    as_at: String,
    note: Option<String>,
    counts: Vec<(Tag, usize)>,
    priorities: Vec<PriorityView>,
    report_href: String,
    /// The fund's page and year, for those who may open it.
    fund: Option<(String, String)>,
}

struct PriorityView {
    id: String,
    number: u32,
    title: String,
    overdue: usize,
    action_plan_href: String,
    measures: Option<Table>,
}

pub(crate) async fn dashboard(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<DashboardQuery>,
) -> Result<Response, WebError> {
    let plans = app.app.plans(&caller.actor()).await?;
    let chrome = Chrome::new(&app, &caller, "Dashboard");
    let case_work = app.app.case_action_counts(&caller.actor()).await?;
    if plans.is_empty() {
        return Ok(view::page(&Dashboard {
            case_work,
            chrome,
            plans: Vec::new(),
            review: None,
        }));
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
    let plan_links = plans
        .iter()
        .map(|(id, title, first_year)| PlanLink {
            title: title.clone(),
            first_year: first_year.clone(),
            href: format!("/?plan={}", http::url_encode(id)),
            plan_href: format!("/plans/{}", http::url_encode(id)),
            shown: *id == chosen,
        })
        .collect();
    let counts = [
        Status::OnTrack,
        Status::AtRisk,
        Status::OffTrack,
        Status::Incomplete,
        Status::NoData,
        Status::Monitoring,
    ]
    .into_iter()
    .map(|s| {
        let n = review
            .measures()
            .filter(|m| m.evaluation.status == s)
            .count();
        (Tag::status(s), n)
    })
    .collect();
    let priorities = review
        .priorities
        .iter()
        .map(|p| PriorityView {
            id: p.id.clone(),
            number: p.number,
            title: p.title.clone(),
            overdue: p.overdue.len(),
            action_plan_href: format!(
                "/plans/{}#priority-{}",
                http::url_encode(&r.plan.id),
                http::url_encode(&p.id)
            ),
            measures: (!p.measures.is_empty()).then(|| {
                Table::new(
                    format!("Measures of priority {}", p.number),
                    vec![
                        Heading::text("Measure"),
                        Heading::num("Comparison"),
                        Heading::num("Year to date"),
                        Heading::num("Target"),
                        Heading::text("Status"),
                        Heading::text("Why"),
                    ],
                )
                .quiet()
                .rows(
                    p.measures
                        .iter()
                        .map(|m| {
                            let e = &m.evaluation;
                            vec![
                                Cell::HeadTwoLines {
                                    main: m.text.clone(),
                                    sub: m.source.clone(),
                                },
                                Cell::num(view::figure(e.comparison)),
                                Cell::num(view::figure(e.actual)),
                                Cell::num(view::figure(e.target)),
                                Cell::Tag(Tag::status(e.status)),
                                Cell::text(safer_report::measure_reason(e)),
                            ]
                        })
                        .collect(),
                )
            }),
        })
        .collect();
    let fund = routes::may_get(caller.user.as_ref(), "/fund/{partnership}/{year}").then(|| {
        (
            format!(
                "/fund/{}/{}?quarter={}",
                http::url_encode(&r.plan.partnership),
                year_in_url(review.quarter.year()),
                review.quarter.number()
            ),
            review.quarter.year().to_string(),
        )
    });
    let view = ReviewView {
        title: r.plan.title.clone(),
        plan_id: r.plan.id.clone(),
        quarters: safer_app::plan_quarters(&r.plan)
            .into_iter()
            .map(|q| Choice::new(q.to_string(), quarter_label(q)))
            .collect(),
        quarter: review.quarter.to_string(),
        quarter_label: quarter_label(review.quarter),
        as_at: review.as_at.to_string(),
        note: r.note.clone(),
        counts,
        priorities,
        report_href: format!(
            "/plans/{}/report?quarter={}",
            http::url_encode(&r.plan.id),
            http::url_encode(&review.quarter.to_string())
        ),
        fund,
    };
    Ok(view::page(&Dashboard {
        case_work,
        chrome,
        plans: plan_links,
        review: Some(view),
    }))
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
