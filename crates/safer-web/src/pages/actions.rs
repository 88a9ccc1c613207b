//! `/plans/{id}/actions/new` and `/actions/{id}/edit`: community safety
//! officers and JAG coordinators add actions to a plan's action plans and
//! change them, with every field the partnership's template has.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Form};
use safer_domain::{Action, ActionId, Aim, Plan};

use crate::auth::Caller;
use crate::input::{ActionForm, validate_action};
use crate::pages::id_of;
use crate::view::{self, Choice, Chrome, Errors};
use crate::{AppState, WebError, http};

#[derive(Template)]
#[template(path = "action_form.html")]
struct ActionPage {
    chrome: Chrome,
    errors: Errors,
    plan_title: String,
    heading: &'static str,
    button: &'static str,
    action: String,
    form: ActionForm,
    priorities: Vec<Choice>,
    aims: Vec<Choice>,
    agencies: Vec<Choice>,
    measures: Vec<Choice>,
    back_href: String,
}

/// What the form is for: a new action of a plan, or one already held.
enum Target {
    New,
    Edit(ActionId),
}

async fn form_page(
    app: &AppState,
    caller: &Caller,
    plan: &Plan,
    target: &Target,
    form: ActionForm,
    errors: Vec<(&'static str, String)>,
) -> Result<Response, WebError> {
    let (heading, button, action) = match target {
        Target::New => (
            "Add an action",
            "Add the action",
            format!("/plans/{}/actions/new", http::url_encode(&plan.id)),
        ),
        Target::Edit(id) => (
            "Change the action",
            "Save the changes",
            format!("/actions/{id}/edit"),
        ),
    };
    let mut agencies = vec![Choice::new("", "Choose the lead agency")];
    agencies.extend(
        app.app
            .agencies()
            .await?
            .into_iter()
            .map(|a| Choice::new(a.name.clone(), a.name)),
    );
    let mut measures = vec![Choice::new("", "None")];
    measures.extend(
        plan.measures()
            .map(|(p, m)| Choice::new(m.id.clone(), format!("Priority {}: {}", p.number, m.text))),
    );
    let has_errors = !errors.is_empty();
    let status = if has_errors {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(view::render(
        status,
        &ActionPage {
            chrome: Chrome::new(app, caller, heading).with_errors(has_errors),
            errors: Errors(errors),
            plan_title: plan.title.clone(),
            heading,
            button,
            action,
            form,
            priorities: plan
                .priorities
                .iter()
                .map(|p| Choice::new(p.id.clone(), format!("Priority {}: {}", p.number, p.title)))
                .collect(),
            aims: Aim::ALL
                .iter()
                .map(|a| Choice::new(a.as_str(), a.label()))
                .collect(),
            agencies,
            measures,
            back_href: format!("/plans/{}", http::url_encode(&plan.id)),
        },
    ))
}

/// The form filled from an action held.
fn filled(a: &Action) -> ActionForm {
    ActionForm {
        priority: a.priority_id.clone(),
        aim: a.aim.as_str().to_owned(),
        key_action: a.key_action.clone(),
        lead_agency: a.lead_agency.clone(),
        start: a.start.to_string(),
        due: a.due.to_string(),
        financial_implications: a.financial_implications.clone(),
        resource_implications: a.resource_implications.clone(),
        outcome_target: a.outcome_target.clone(),
        measure: a.measure_id.clone().unwrap_or_default(),
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct NewQuery {
    /// The priority to start with.
    priority: Option<String>,
}

pub(crate) async fn new_form(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(plan_id): Path<String>,
    Query(q): Query<NewQuery>,
) -> Result<Response, WebError> {
    let plan = app.app.plan(&caller.actor(), &plan_id).await?;
    let today = app.app.today();
    let form = ActionForm {
        priority: q.priority.unwrap_or_default(),
        start: today.to_string(),
        ..ActionForm::default()
    };
    form_page(&app, &caller, &plan, &Target::New, form, Vec::new()).await
}

pub(crate) async fn add(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(plan_id): Path<String>,
    Form(form): Form<ActionForm>,
) -> Result<Response, WebError> {
    let actor = caller.actor();
    let plan = app.app.plan(&actor, &plan_id).await?;
    let entry = match validate_action(&form, &plan) {
        Ok(e) => e,
        Err(errors) => {
            return form_page(&app, &caller, &plan, &Target::New, form, errors).await;
        }
    };
    match app.app.add_action(&actor, &entry).await {
        Ok(id) => Ok(http::redirect(&format!(
            "/plans/{}?added={id}#action-{id}",
            http::url_encode(&plan.id)
        ))),
        Err(safer_app::AppError::Invalid(m)) => {
            form_page(
                &app,
                &caller,
                &plan,
                &Target::New,
                form,
                vec![("lead_agency", m)],
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn edit_form(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id: ActionId = id_of(&id)?;
    let (plan, action) = app.app.action_to_update(&caller.actor(), id).await?;
    form_page(
        &app,
        &caller,
        &plan,
        &Target::Edit(id),
        filled(&action),
        Vec::new(),
    )
    .await
}

pub(crate) async fn edit(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Form(form): Form<ActionForm>,
) -> Result<Response, WebError> {
    let id: ActionId = id_of(&id)?;
    let actor = caller.actor();
    let (plan, _) = app.app.action_to_update(&actor, id).await?;
    let entry = match validate_action(&form, &plan) {
        Ok(e) => e,
        Err(errors) => {
            return form_page(&app, &caller, &plan, &Target::Edit(id), form, errors).await;
        }
    };
    match app.app.edit_action(&actor, id, &entry).await {
        Ok(()) => Ok(http::redirect(&format!(
            "/plans/{}?changed={id}#action-{id}",
            http::url_encode(&plan.id)
        ))),
        Err(safer_app::AppError::Invalid(m)) => {
            form_page(
                &app,
                &caller,
                &plan,
                &Target::Edit(id),
                form,
                vec![("lead_agency", m)],
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
