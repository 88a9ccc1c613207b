//! The JSON API under `/api/v1`: the same figures as the pages, as JSON.
//!
//! Callers authenticate with `Authorization: Bearer <token>` (tokens carry
//! the scopes `read` and/or `write`: GET needs `read`, POST needs `write`)
//! or with a browser session, whose writes must send the session's CSRF
//! token in `X-CSRF-Token`. Roles apply as on the pages, and so does the
//! agency rule for actions. Errors are `application/problem+json` (RFC
//! 9457). The description is [`openapi`] (`/api/v1/openapi.json`).

use axum::Extension;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

pub(crate) mod cases;

use crate::auth::Caller;
use crate::data::{self, AssessmentQuery};
use crate::input;
use crate::pages::id_of;
use crate::{AppState, WebError};

/// GET /api/v1/openapi.json
pub(crate) async fn openapi() -> Response {
    let mut resp = Json(crate::openapi::document()).into_response();
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-cache"),
    );
    resp
}

#[derive(Debug, Serialize)]
pub(crate) struct PlanSummary {
    id: String,
    title: String,
    first_year: String,
}

/// GET /api/v1/plans
pub(crate) async fn plans(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<Response, WebError> {
    let plans: Vec<PlanSummary> = app
        .app
        .plans(&caller.actor())
        .await?
        .into_iter()
        .map(|(id, title, first_year)| PlanSummary {
            id,
            title,
            first_year,
        })
        .collect();
    Ok(Json(plans).into_response())
}

/// GET /api/v1/plans/{id}
pub(crate) async fn plan(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    Ok(Json(app.app.plan(&caller.actor(), &id).await?).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ReviewQuery {
    quarter: Option<String>,
}

/// GET /api/v1/plans/{id}/review?quarter=2024-Q2
pub(crate) async fn review(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Query(q): Query<ReviewQuery>,
) -> Result<Response, WebError> {
    let quarter = data::parse_quarter(q.quarter.as_deref())?;
    let r = data::review(&app, &caller, &id, quarter).await?;
    Ok(Json(safer_report::ReviewWithReasons(&r.review)).into_response())
}

/// GET /api/v1/assessment?district=&year=&as_at=
pub(crate) async fn assessment(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<AssessmentQuery>,
) -> Result<Response, WebError> {
    let a = data::assess(&app, &caller, &q).await?;
    Ok(Json(&a.assessment).into_response())
}

/// The analyst's narrative of an assessment, as the API answers it.
#[derive(Debug, Serialize)]
struct NarrativeAnswer {
    district: String,
    year: String,
    as_at: Option<String>,
    #[serde(flatten)]
    narrative: safer_domain::Narrative,
    /// Who saved it last and when (UTC); null when nothing is written.
    written_by: Option<String>,
    written_at: Option<String>,
}

async fn narrative_answer(
    app: &AppState,
    caller: &Caller,
    q: &AssessmentQuery,
) -> Result<NarrativeAnswer, WebError> {
    let assessed = data::assess(app, caller, q).await?;
    let a = &assessed.assessment;
    let stored = app
        .app
        .narrative(&caller.actor(), &a.district, a.year, a.as_at)
        .await?;
    let (narrative, written_by, written_at) = match stored {
        Some(s) => (s.narrative, Some(s.written_by), Some(s.written_at)),
        None => Default::default(),
    };
    Ok(NarrativeAnswer {
        district: a.district.clone(),
        year: a.year.to_string(),
        as_at: a.as_at.map(|m| m.to_string()),
        narrative,
        written_by,
        written_at,
    })
}

/// GET /api/v1/assessment/narrative?district=&year=&as_at=
pub(crate) async fn narrative(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<AssessmentQuery>,
) -> Result<Response, WebError> {
    Ok(Json(narrative_answer(&app, &caller, &q).await?).into_response())
}

/// POST /api/v1/assessment/narrative?district=&year=&as_at=: writes the
/// four parts (a part left out is empty); answers the narrative saved.
pub(crate) async fn write_narrative(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<AssessmentQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    #[derive(Deserialize)]
    #[serde(default, deny_unknown_fields)]
    #[derive(Default)]
    struct Body {
        key_findings: String,
        emerging_threats: String,
        community_tensions: String,
        recommended_priorities: String,
    }
    let b: Body = json_body(
        &headers,
        &body,
        "The narrative may have \"key_findings\", \"emerging_threats\", \"community_tensions\" and \"recommended_priorities\", each a string",
    )?;
    let assessed = data::assess(&app, &caller, &q).await?;
    let a = &assessed.assessment;
    app.app
        .write_narrative(
            &caller.actor(),
            &a.district,
            a.year,
            a.as_at,
            safer_domain::Narrative {
                key_findings: b.key_findings,
                emerging_threats: b.emerging_threats,
                community_tensions: b.community_tensions,
                recommended_priorities: b.recommended_priorities,
            },
        )
        .await?;
    Ok(Json(narrative_answer(&app, &caller, &q).await?).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ActionsQuery {
    plan: Option<String>,
}

/// GET /api/v1/actions?plan= (default: the newest plan)
pub(crate) async fn actions(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<ActionsQuery>,
) -> Result<Response, WebError> {
    let actor = caller.actor();
    let plan = match q.plan.filter(|p| !p.trim().is_empty()) {
        Some(p) => app.app.plan(&actor, &p).await?.id,
        None => app
            .app
            .plans(&actor)
            .await?
            .into_iter()
            .next()
            .map(|p| p.0)
            .ok_or_else(|| WebError::NotFound("No plan is held.".into()))?,
    };
    Ok(Json(app.app.actions(&actor, &plan).await?).into_response())
}

#[derive(Debug, Deserialize)]
struct UpdateBody {
    status: String,
    text: String,
    #[serde(default)]
    date: Option<String>,
}

#[derive(Debug, Serialize)]
struct UpdateCreated {
    action_id: safer_domain::ActionId,
    date: String,
    status: String,
    text: String,
    author: String,
}

/// POST /api/v1/actions/{id}/updates with `{"status", "text", "date"?}`.
pub(crate) async fn add_update(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let id: safer_domain::ActionId = id_of(&id)?;
    let user = caller.user()?;
    let actor = caller.actor();
    // The action first: one the caller may not update is not found,
    // whatever the body.
    app.app.action_to_update(&actor, id).await?;
    let body: UpdateBody = json_body(
        &headers,
        &body,
        "The update must have \"status\" and \"text\" (and may have \"date\")",
    )?;
    let update = input::validate_update(
        &body.status,
        &body.text,
        body.date.as_deref(),
        app.app.today(),
    )
    .map_err(unprocessable)?;
    app.app
        .update_action(&actor, id, update.status, &update.text, Some(update.date))
        .await?;
    let created = UpdateCreated {
        action_id: id,
        date: update.date.to_string(),
        status: update.status.as_str().to_owned(),
        text: update.text.clone(),
        author: user.display_name.clone(),
    };
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

/// The checks' errors, field by field, as one 422.
pub(crate) fn unprocessable(errors: Vec<(&'static str, String)>) -> WebError {
    let msgs: Vec<String> = errors.iter().map(|(f, m)| format!("{f}: {m}")).collect();
    WebError::Unprocessable(msgs.join("; "))
}

/// The JSON body of a POST, or the error saying what is wrong with it.
pub(crate) fn json_body<T: serde::de::DeserializeOwned>(
    headers: &HeaderMap,
    body: &Bytes,
    wants: &str,
) -> Result<T, WebError> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| {
            ct.trim()
                .to_ascii_lowercase()
                .starts_with("application/json")
        });
    if !json {
        return Err(WebError::BadRequest(
            "Send the body as JSON, with Content-Type: application/json.".into(),
        ));
    }
    match serde_json::from_slice(body) {
        Ok(b) => Ok(b),
        Err(e) if e.is_data() => Err(WebError::Unprocessable(format!("{wants}: {e}"))),
        Err(_) => Err(WebError::BadRequest("The body is not valid JSON.".into())),
    }
}

/// A plan's measure must exist (and the plan be one the caller may read).
async fn require_measure(
    app: &AppState,
    actor: &safer_app::Actor,
    plan: &str,
    measure: &str,
) -> Result<(), WebError> {
    let p = app.app.plan(actor, plan).await?;
    if p.measures().any(|(_, m)| m.id == measure) {
        Ok(())
    } else {
        Err(WebError::NotFound(format!(
            "The plan has no measure {measure:?}."
        )))
    }
}

/// GET /api/v1/plans/{id}/measures/{measure}/values
pub(crate) async fn measure_values(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path((plan, measure)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let actor = caller.actor();
    require_measure(&app, &actor, &plan, &measure).await?;
    Ok(Json(app.app.value_entries(&actor, &plan, &measure).await?).into_response())
}

#[derive(Debug, Deserialize)]
struct ValueBody {
    quarter: String,
    value: f64,
    #[serde(default)]
    note: String,
}

/// POST /api/v1/plans/{id}/measures/{measure}/values
pub(crate) async fn record_value(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path((plan, measure)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let body: ValueBody = json_body(
        &headers,
        &body,
        "The value must have \"quarter\" and a numeric \"value\" (and may have \"note\")",
    )?;
    let v = input::validate_value(&body.quarter, &body.value.to_string(), &body.note)
        .map_err(unprocessable)?;
    let actor = caller.actor();
    app.app
        .record_value(&actor, &plan, &measure, v.quarter, v.value, &v.note)
        .await?;
    let entries = app.app.value_entries(&actor, &plan, &measure).await?;
    let recorded = entries
        .into_iter()
        .rfind(|e| e.quarter == v.quarter)
        .ok_or_else(|| WebError::Internal("the value just recorded is not there".into()))?;
    Ok((StatusCode::CREATED, Json(recorded)).into_response())
}

/// GET /api/v1/plans/{id}/measures/{measure}/commentary
pub(crate) async fn commentary(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path((plan, measure)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let actor = caller.actor();
    require_measure(&app, &actor, &plan, &measure).await?;
    Ok(Json(app.app.commentaries(&actor, &plan, &measure).await?).into_response())
}

/// POST /api/v1/plans/{id}/measures/{measure}/commentary
pub(crate) async fn write_commentary(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path((plan, measure)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    #[derive(Deserialize)]
    struct Body {
        quarter: String,
        text: String,
    }
    let b: Body = json_body(
        &headers,
        &body,
        "The commentary must have \"quarter\" and \"text\"",
    )?;
    let quarter = b
        .quarter
        .trim()
        .parse::<safer_domain::Quarter>()
        .map_err(|e| WebError::Unprocessable(format!("quarter: {e}")))?;
    let actor = caller.actor();
    app.app
        .write_commentary(&actor, &plan, &measure, quarter, &b.text)
        .await?;
    Ok(Json(app.app.commentaries(&actor, &plan, &measure).await?).into_response())
}

/// POST /api/v1/actions/{id}: changes an action's definition (every field
/// of the template; its progress updates stay); answers the action.
pub(crate) async fn edit_action(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let id: safer_domain::ActionId = id_of(&id)?;
    let form: input::ActionForm = json_body(
        &headers,
        &body,
        "The action's fields are strings: priority, aim, key_action, lead_agency, start, due, outcome_target (and financial_implications, resource_implications, measure)",
    )?;
    let actor = caller.actor();
    let (plan, _) = app.app.action_to_update(&actor, id).await?;
    let entry = input::validate_action(&form, &plan).map_err(unprocessable)?;
    app.app.edit_action(&actor, id, &entry).await?;
    let (_, action) = app.app.action_to_update(&actor, id).await?;
    Ok(Json(action).into_response())
}

/// POST /api/v1/plans/{id}/actions: adds an action; answers the action.
pub(crate) async fn add_action(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(plan_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let form: input::ActionForm = json_body(
        &headers,
        &body,
        "The action's fields are strings: priority, aim, key_action, lead_agency, start, due, outcome_target (and financial_implications, resource_implications, measure)",
    )?;
    let actor = caller.actor();
    let plan = app.app.plan(&actor, &plan_id).await?;
    let entry = input::validate_action(&form, &plan).map_err(unprocessable)?;
    let id = app.app.add_action(&actor, &entry).await?;
    let (_, action) = app.app.action_to_update(&actor, id).await?;
    Ok((StatusCode::CREATED, Json(action)).into_response())
}
