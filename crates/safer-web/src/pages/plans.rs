//! `/plans/{id}`: a plan (priorities, objectives, responses, measures) and
//! its action plans; `/plans/{id}/report`: the printable quarterly report;
//! `/actions/{id}/update`: recording an action's progress.
//!
//! The agency rule (an agency lead may update only the actions whose lead
//! agency is their own agency; JAG coordinators and community safety
//! officers may update any) is the app's: an action outside the caller's
//! scope is not found, and the plan page offers "Update" only where the
//! scope allows.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Form};
use safer_domain::{Action, ActionId, ActionStatus};

use askama::Template;

use crate::auth::Caller;
use crate::http;
use crate::input::validate_update;
use crate::pages::id_of;
use crate::view::{self, Cell, Choice, Chrome, Errors, Heading, Table, Tag};
use crate::{AppState, WebError, data};

pub(crate) use safer_report::{source_text, target_text};

#[derive(Template)]
#[template(path = "plans_index.html")]
struct PlansIndex {
    chrome: Chrome,
    may_upload: bool,
    /// (link, title, first year).
    plans: Vec<(String, String, String)>,
}

/// GET /plans: every plan held.
pub(crate) async fn index(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<Response, WebError> {
    let plans = app
        .app
        .plans(&caller.actor())
        .await?
        .into_iter()
        .map(|(id, title, first)| (format!("/plans/{}", http::url_encode(&id)), title, first))
        .collect();
    Ok(view::page(&PlansIndex {
        chrome: Chrome::new(&app, &caller, "Plans"),
        may_upload: crate::routes::may_get(caller.user.as_ref(), "/plans/upload"),
        plans,
    }))
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage {
    chrome: Chrome,
    banner: Option<String>,
    /// "Version n: imported when by whom", oldest first.
    versions: Vec<String>,
    /// The heading and sentences of what the latest refresh changed.
    refresh: Option<(String, Vec<String>)>,
    title: String,
    first_year: String,
    last_year: String,
    vision: Option<String>,
    source: String,
    dashboard_href: String,
    priorities: Vec<PriorityView>,
}

struct PriorityView {
    id: String,
    /// The form to add an action to this priority, for those who may.
    new_action_href: Option<String>,
    number: u32,
    title: String,
    why: Vec<String>,
    /// (heading, items): the objectives and the responses.
    statements: Vec<(&'static str, Vec<String>)>,
    measures: Option<Table>,
    actions: Vec<ActionRow>,
}

struct ActionRow {
    id: ActionId,
    key_action: String,
    aim: &'static str,
    outcome_target: String,
    resources: String,
    financial: String,
    lead: String,
    due: String,
    status: Tag,
    overdue: bool,
    /// (date, text, author) of the latest update entered.
    latest: Option<(String, String, String)>,
    may_update: bool,
    may_change: bool,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct PlanQuery {
    /// The action just updated, added or changed, for the success banner.
    updated: Option<String>,
    added: Option<String>,
    changed: Option<String>,
    imported: Option<String>,
}

pub(crate) async fn plan(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Query(q): Query<PlanQuery>,
) -> Result<Response, WebError> {
    let actor = caller.actor();
    let plan = app.app.plan(&actor, &id).await?;
    let actions = app.app.actions(&actor, &plan.id).await?;
    let scope = app.app.action_scope(&actor);
    let today = app.app.today();
    let versions = app
        .app
        .plan_versions(&actor, &plan.id)
        .await?
        .iter()
        .map(|v| {
            format!(
                "Version {}: imported {} by {}",
                v.version, v.imported_at, v.imported_by
            )
        })
        .collect();
    let refresh = app.app.plan_refresh(&actor, &plan.id).await?.map(|r| {
        (
            format!(
                "What the refresh of {} changed from version {}",
                r.to.imported_at.get(..10).unwrap_or(&r.to.imported_at),
                r.from.version
            ),
            if r.changes.is_empty() {
                vec!["Nothing in its priorities or measures.".to_owned()]
            } else {
                r.changes
                    .iter()
                    .map(safer_report::plan_change_text)
                    .collect()
            },
        )
    });
    let held = |s: &Option<String>| {
        s.as_deref()
            .and_then(|u| u.parse::<ActionId>().ok())
            .filter(|u| actions.iter().any(|a| a.id == *u))
    };
    let banner = held(&q.updated)
        .map(|u| format!("The update to action {u} is saved."))
        .or_else(|| held(&q.added).map(|u| format!("Action {u} is added.")))
        .or_else(|| held(&q.changed).map(|u| format!("The changes to action {u} are saved.")))
        .or_else(|| {
            q.imported
                .is_some()
                .then(|| "The plan is imported.".to_owned())
        });
    let may_keep = crate::routes::find(crate::routes::Method::Get, "/plans/{id}/actions/new")
        .is_some_and(|r| r.allows(caller.user.as_ref()));
    let new_action_href = |priority: &str| {
        may_keep.then(|| {
            format!(
                "/plans/{}/actions/new?priority={}",
                http::url_encode(&plan.id),
                http::url_encode(priority)
            )
        })
    };
    let priorities = plan
        .priorities
        .iter()
        .map(|p| PriorityView {
            id: p.id.clone(),
            new_action_href: new_action_href(&p.id),
            number: p.number,
            title: p.title.clone(),
            why: p.why.clone(),
            statements: vec![
                (
                    "What will we aim to achieve?",
                    p.objectives.iter().map(|o| o.text.clone()).collect(),
                ),
                (
                    "How will we respond?",
                    p.responses.iter().map(|o| o.text.clone()).collect(),
                ),
            ],
            measures: (!p.measures.is_empty()).then(|| {
                Table::new(
                    "How will we measure success?",
                    vec![
                        Heading::text("Measure"),
                        Heading::text("Target"),
                        Heading::text("Data"),
                    ],
                )
                .rows(
                    p.measures
                        .iter()
                        .map(|m| {
                            vec![
                                Cell::HeadLink {
                                    href: format!(
                                        "/plans/{}/measures/{}",
                                        http::url_encode(&plan.id),
                                        http::url_encode(&m.id)
                                    ),
                                    text: m.text.clone(),
                                },
                                Cell::text(target_text(&m.target, m.baseline)),
                                Cell::text(source_text(&m.source)),
                            ]
                        })
                        .collect(),
                )
            }),
            actions: actions
                .iter()
                .filter(|a| a.priority_id == p.id)
                .map(|a| ActionRow {
                    id: a.id,
                    key_action: a.key_action.clone(),
                    aim: a.aim.label(),
                    outcome_target: a.outcome_target.clone(),
                    resources: a.resource_implications.clone(),
                    financial: a.financial_implications.clone(),
                    lead: a.lead_agency.clone(),
                    due: a.due.to_string(),
                    status: Tag::action(a.status),
                    overdue: a.is_overdue(today),
                    latest: a
                        .updates
                        .last()
                        .map(|u| (u.date.to_string(), u.text.clone(), u.author.clone())),
                    may_update: scope.is_some_and(|s| s.allows(a.lead_agency_id)),
                    may_change: may_keep,
                })
                .collect(),
        })
        .collect();
    Ok(view::page(&PlanPage {
        chrome: Chrome::new(&app, &caller, plan.title.clone()),
        banner,
        versions,
        refresh,
        title: plan.title.clone(),
        first_year: plan.first_year.to_string(),
        last_year: plan.last_year.to_string(),
        vision: plan.vision.clone(),
        source: plan.source.clone(),
        dashboard_href: format!("/?plan={}", http::url_encode(&plan.id)),
        priorities,
    }))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct QuarterQuery {
    quarter: Option<String>,
}

/// The printable quarterly report, as `safer report quarterly` writes it.
pub(crate) async fn report(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Query(q): Query<QuarterQuery>,
) -> Result<Response, WebError> {
    let quarter = data::parse_quarter(q.quarter.as_deref())?;
    let r = data::review(&app, &caller, &id, quarter).await?;
    let refresh = app.app.plan_refresh(&caller.actor(), &id).await?;
    let meta = safer_report::ReportMeta {
        partnership_name: r.partnership.as_ref().map(|p| p.partnership.name.clone()),
        refresh: refresh.map(|r| r.for_report()),
        narrative: None,
        site: Some(view::site_nav(
            &app,
            &caller,
            (
                "Back to the plan",
                format!("/plans/{}", http::url_encode(&id)),
            ),
        )),
        generated_at: data::now_utc(&app),
    };
    let html = safer_report::render_quarterly_html(&r.review, r.fund.as_ref(), &meta);
    Ok(super::report_response(html))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct UpdateForm {
    status: String,
    text: String,
    date: String,
}

#[derive(Template)]
#[template(path = "action_update.html")]
struct UpdatePage {
    chrome: Chrome,
    errors: Errors,
    id: ActionId,
    lead: String,
    key_action: String,
    due: String,
    outcome_target: String,
    status: Tag,
    statuses: Vec<Choice>,
    selected: String,
    text: String,
    date: String,
    back_href: String,
    earlier: Option<Table>,
}

fn update_page(
    app: &AppState,
    caller: &Caller,
    plan_id: &str,
    action: &Action,
    form: &UpdateForm,
    errors: Vec<(&'static str, String)>,
) -> Response {
    let today = app.app.today();
    let errors = Errors(errors);
    let selected = if form.status.is_empty() {
        action.status.as_str()
    } else {
        form.status.as_str()
    };
    let date = if form.date.is_empty() && errors.is_empty() {
        today.to_string()
    } else {
        form.date.clone()
    };
    let earlier = (!action.updates.is_empty()).then(|| {
        Table::new(
            "Earlier updates",
            vec![
                Heading::text("Date"),
                Heading::text("Status"),
                Heading::text("Progress"),
                Heading::text("By"),
            ],
        )
        .rows(
            action
                .updates
                .iter()
                .rev()
                .map(|u| {
                    vec![
                        Cell::head(u.date.to_string()),
                        Cell::Tag(Tag::action(u.status)),
                        Cell::text(u.text.clone()),
                        Cell::text(u.author.clone()),
                    ]
                })
                .collect(),
        )
    });
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    view::render(
        status,
        &UpdatePage {
            chrome: Chrome::new(app, caller, "Update the action").with_errors(!errors.is_empty()),
            id: action.id,
            lead: action.lead_agency.clone(),
            key_action: action.key_action.clone(),
            due: action.due.to_string(),
            outcome_target: action.outcome_target.clone(),
            status: Tag::action(action.status),
            statuses: ActionStatus::ALL
                .iter()
                .map(|s| Choice::new(s.as_str(), s.label()))
                .collect(),
            selected: selected.to_owned(),
            text: form.text.clone(),
            date,
            back_href: format!("/plans/{}#action-{}", http::url_encode(plan_id), action.id),
            earlier,
            errors,
        },
    )
}

pub(crate) async fn update_form(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id: ActionId = id_of(&id)?;
    let (plan, action) = app.app.action_to_update(&caller.actor(), id).await?;
    Ok(update_page(
        &app,
        &caller,
        &plan.id,
        &action,
        &UpdateForm::default(),
        Vec::new(),
    ))
}

pub(crate) async fn update(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Form(form): Form<UpdateForm>,
) -> Result<Response, WebError> {
    let id: ActionId = id_of(&id)?;
    let actor = caller.actor();
    let (plan, action) = app.app.action_to_update(&actor, id).await?;
    let update = match validate_update(&form.status, &form.text, Some(&form.date), app.app.today())
    {
        Ok(u) => u,
        Err(errors) => return Ok(update_page(&app, &caller, &plan.id, &action, &form, errors)),
    };
    app.app
        .update_action(&actor, id, update.status, &update.text, Some(update.date))
        .await?;
    Ok(http::redirect(&format!(
        "/plans/{}?updated={id}#action-{id}",
        http::url_encode(&plan.id)
    )))
}
