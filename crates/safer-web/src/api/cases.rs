//! The case-work API: cases, people, case actions and meetings, with the
//! same need to know as the pages (the app's case tasks scope and audit
//! every call): a case outside the caller's is 404, and appears in no list.

use axum::Extension;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use safer_app::casework::{
    CaseActionView, CaseFile, CaseSummary, Minutes, PersonOnReferral, Referral,
};
use safer_domain::casework::case::{CaseRole, CaseStatus, RiskLevel};
use safer_domain::casework::case_action::CaseActionStatus;
use safer_domain::casework::chronology::EventKind;
use safer_domain::casework::person::Person;
use safer_domain::{AgencyId, CaseActionId, CaseId, Date, MeetingId, PersonId};
use serde::{Deserialize, Serialize};

use super::json_body;
use crate::auth::Caller;
use crate::pages::id_of;
use crate::{AppState, WebError};

/// A case in a list or at the head of its file.
#[derive(Debug, Serialize)]
pub(crate) struct CaseJson {
    id: CaseId,
    forum: String,
    forum_name: String,
    case_type: String,
    case_type_name: String,
    title: String,
    status: CaseStatus,
    risk: RiskLevel,
    lead_agency: String,
    lead_officer: String,
    last_reviewed: Date,
    next_review: Option<Date>,
    outcome: Option<String>,
    open_actions: usize,
    overdue_actions: usize,
}

fn case_json(c: &CaseSummary) -> CaseJson {
    CaseJson {
        id: c.case.id,
        forum: c.case.forum.clone(),
        forum_name: c.forum.clone(),
        case_type: c.case.case_type.clone(),
        case_type_name: c.case_type.clone(),
        title: c.case.title.clone(),
        status: c.case.status,
        risk: c.case.risk,
        lead_agency: c.lead_agency.clone(),
        lead_officer: c.case.lead_officer.clone(),
        last_reviewed: c.case.last_reviewed,
        next_review: c.next_review,
        outcome: c.case.outcome.clone(),
        open_actions: c.open_actions,
        overdue_actions: c.overdue_actions,
    }
}

#[derive(Debug, Serialize)]
struct ActionUpdateJson {
    on: Date,
    status: CaseActionStatus,
    text: String,
    author: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct CaseActionJson {
    id: CaseActionId,
    case_id: CaseId,
    agency: String,
    owner: String,
    text: String,
    due: Date,
    status: CaseActionStatus,
    days_late: i64,
    meeting: Option<MeetingId>,
    updates: Vec<ActionUpdateJson>,
}

fn action_json(a: &CaseActionView) -> CaseActionJson {
    CaseActionJson {
        id: a.action.id,
        case_id: a.action.case_id,
        agency: a.agency.clone(),
        owner: a.action.owner.clone(),
        text: a.action.text.clone(),
        due: a.action.due,
        status: a.action.status,
        days_late: a.days_late,
        meeting: a.action.meeting,
        updates: a
            .action
            .updates
            .iter()
            .map(|u| ActionUpdateJson {
                on: u.on,
                status: u.status,
                text: u.text.clone(),
                author: u.author.clone(),
            })
            .collect(),
    }
}

#[derive(Debug, Serialize)]
struct PersonOnCaseJson {
    id: PersonId,
    role: CaseRole,
    person: Person,
    incidents_in_window: usize,
    repeat_victim: bool,
    possible_duplicates: Vec<PersonId>,
}

#[derive(Debug, Serialize)]
struct EventJson {
    on: Date,
    kind: EventKind,
    text: String,
    risk: Option<RiskLevel>,
    author: String,
    agency: String,
    meeting: Option<MeetingId>,
}

#[derive(Debug, Serialize)]
struct CaseFileJson {
    #[serde(flatten)]
    case: CaseJson,
    involved: Vec<String>,
    shared_with: Vec<String>,
    people: Vec<PersonOnCaseJson>,
    chronology: Vec<EventJson>,
    actions: Vec<CaseActionJson>,
    locations: Vec<LocationJson>,
    groups: Vec<GroupJson>,
}

#[derive(Debug, Serialize)]
struct GroupJson {
    id: safer_domain::GroupId,
    #[serde(flatten)]
    group: safer_domain::casework::group::Group,
    members: Vec<PersonId>,
}

#[derive(Debug, Serialize)]
struct LocationJson {
    id: safer_domain::LocationId,
    #[serde(flatten)]
    location: safer_domain::casework::location::Location,
}

fn file_json(f: CaseFile) -> CaseFileJson {
    let summary = CaseSummary {
        forum: f.forum.clone(),
        case_type: f.case_type.clone(),
        lead_agency: f.lead_agency.clone(),
        open_actions: f
            .actions
            .iter()
            .filter(|a| a.action.status == CaseActionStatus::Open)
            .count(),
        overdue_actions: f.actions.iter().filter(|a| a.days_late > 0).count(),
        next_review: f.next_review,
        case: f.case.clone(),
    };
    CaseFileJson {
        case: case_json(&summary),
        involved: f.involved,
        shared_with: f.shared_with,
        people: f
            .people
            .into_iter()
            .map(|p| PersonOnCaseJson {
                id: p.id,
                role: p.role,
                person: p.person,
                incidents_in_window: p.incidents_in_window,
                repeat_victim: p.repeat_victim,
                possible_duplicates: p.possible_duplicates.iter().map(|d| d.0).collect(),
            })
            .collect(),
        chronology: f
            .events
            .into_iter()
            .map(|e| EventJson {
                on: e.event.on,
                kind: e.event.kind,
                text: e.event.text,
                risk: e.event.risk,
                author: e.event.author,
                agency: e.event.agency,
                meeting: e.meeting,
            })
            .collect(),
        actions: f.actions.iter().map(action_json).collect(),
        locations: f
            .locations
            .into_iter()
            .map(|(id, location)| LocationJson { id, location })
            .collect(),
        groups: f
            .groups
            .into_iter()
            .map(|(id, group, members)| GroupJson { id, group, members })
            .collect(),
    }
}

/// The answer to a change on a case: 201 with the case file as it now is.
async fn created_file(
    app: &AppState,
    actor: &safer_app::Actor,
    id: CaseId,
) -> Result<Response, WebError> {
    let f = app.app.case(actor, id).await?;
    Ok((StatusCode::CREATED, Json(file_json(f))).into_response())
}

/// GET /api/v1/cases
pub(crate) async fn cases(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<Response, WebError> {
    let cases = app.app.cases(&caller.actor()).await?;
    Ok(Json(cases.iter().map(case_json).collect::<Vec<_>>()).into_response())
}

/// GET /api/v1/cases/{id}
pub(crate) async fn case(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id: CaseId = id_of(&id)?;
    let f = app.app.case(&caller.actor(), id).await?;
    Ok(Json(file_json(f)).into_response())
}

/// A person on a referral: a new record, or the id of one the caller may
/// see.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReferralPerson {
    role: CaseRole,
    person: Option<Person>,
    person_id: Option<PersonId>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReferralJson {
    forum: String,
    case_type: String,
    title: String,
    risk: RiskLevel,
    reason: String,
    #[serde(default)]
    lead_agency: Option<AgencyId>,
    #[serde(default)]
    lead_officer: String,
    #[serde(default)]
    involved: Vec<AgencyId>,
    people: Vec<ReferralPerson>,
}

/// POST /api/v1/cases: refers a case; answers the case file.
pub(crate) async fn refer(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let r: ReferralJson = json_body(
        &headers,
        &body,
        "A referral has forum, case_type, title, risk, reason and people (each a role with a person or a person_id), and may have lead_agency, lead_officer and involved",
    )?;
    let mut people = Vec::new();
    for p in r.people {
        people.push((
            match (p.person, p.person_id) {
                (Some(person), None) => PersonOnReferral::New(person),
                (None, Some(id)) => PersonOnReferral::Held(id),
                _ => {
                    return Err(WebError::Unprocessable(
                        "people: give each either a person or a person_id".into(),
                    ));
                }
            },
            p.role,
        ));
    }
    let referral = Referral {
        forum: r.forum,
        case_type: r.case_type,
        title: r.title,
        risk: r.risk,
        lead_agency: r.lead_agency,
        lead_officer: r.lead_officer,
        involved: r.involved,
        reason: r.reason,
        people,
        referred_on: None,
    };
    let actor = caller.actor();
    let id = app.app.refer_case(&actor, &referral).await?;
    created_file(&app, &actor, id).await
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EntryJson {
    kind: EventKind,
    #[serde(default)]
    on: Option<Date>,
    text: String,
}

/// POST /api/v1/cases/{id}/entries: adds a note or an incident; answers
/// the case file.
pub(crate) async fn add_entry(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let id: CaseId = id_of(&id)?;
    let e: EntryJson = json_body(
        &headers,
        &body,
        "An entry has kind (note or incident), text, and may have on (a date)",
    )?;
    let actor = caller.actor();
    app.app
        .add_case_entry(&actor, id, e.kind, e.on, &e.text)
        .await?;
    created_file(&app, &actor, id).await
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewActionJson {
    agency: AgencyId,
    owner: String,
    text: String,
    due: Date,
}

/// POST /api/v1/cases/{id}/actions: agrees an action; answers the case
/// file.
pub(crate) async fn add_action(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let id: CaseId = id_of(&id)?;
    let a: NewActionJson = json_body(
        &headers,
        &body,
        "An action has agency (an id), owner, text and due (a date)",
    )?;
    let actor = caller.actor();
    app.app
        .add_case_action(
            &actor,
            id,
            &safer_app::casework::CaseActionEntry {
                agency: a.agency,
                owner: a.owner,
                text: a.text,
                due: a.due,
                meeting: None,
            },
        )
        .await?;
    created_file(&app, &actor, id).await
}

#[derive(Debug, Serialize)]
struct PersonFileJson {
    id: PersonId,
    person: Person,
    cases: Vec<PersonCaseJson>,
}

#[derive(Debug, Serialize)]
struct PersonCaseJson {
    role: CaseRole,
    #[serde(flatten)]
    case: CaseJson,
}

/// GET /api/v1/people/{id}
pub(crate) async fn person(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id: PersonId = id_of(&id)?;
    let p = app.app.person(&caller.actor(), id).await?;
    Ok(Json(PersonFileJson {
        id: p.id,
        person: p.person,
        cases: p
            .cases
            .iter()
            .map(|(c, role)| PersonCaseJson {
                role: *role,
                case: case_json(c),
            })
            .collect(),
    })
    .into_response())
}

/// GET /api/v1/case-actions
pub(crate) async fn case_actions(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<Response, WebError> {
    let actions = app.app.my_case_actions(&caller.actor()).await?;
    Ok(Json(
        actions
            .iter()
            .map(|(a, _)| action_json(a))
            .collect::<Vec<_>>(),
    )
    .into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ActionUpdateBody {
    status: CaseActionStatus,
    text: String,
}

/// POST /api/v1/case-actions/{id}/updates: answers the case file.
pub(crate) async fn update_action(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let id: CaseActionId = id_of(&id)?;
    let u: ActionUpdateBody = json_body(
        &headers,
        &body,
        "An update has status (open, done or cancelled) and text",
    )?;
    let actor = caller.actor();
    let case = app
        .app
        .update_case_action(&actor, id, u.status, &u.text)
        .await?;
    created_file(&app, &actor, case).await
}

#[derive(Debug, Serialize)]
struct MeetingJson {
    id: MeetingId,
    forum: String,
    forum_name: String,
    held_on: Date,
    chair: String,
}

/// GET /api/v1/meetings
pub(crate) async fn meetings(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<Response, WebError> {
    let m = app.app.meetings(&caller.actor()).await?;
    Ok(Json(
        m.into_iter()
            .map(|(m, forum_name)| MeetingJson {
                id: m.id,
                forum: m.forum,
                forum_name,
                held_on: m.held_on,
                chair: m.chair,
            })
            .collect::<Vec<_>>(),
    )
    .into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct MinutesQuery {
    agency: Option<AgencyId>,
}

#[derive(Debug, Serialize)]
struct MinutesItemJson {
    case_id: CaseId,
    title: String,
    decisions: Vec<String>,
    actions: Vec<CaseActionJson>,
}

#[derive(Debug, Serialize)]
struct MinutesJson {
    meeting: MeetingId,
    forum: String,
    held_on: Date,
    chair: String,
    attended: Vec<String>,
    /// The agency whose copy this is; absent for the forum's full copy.
    recipient: Option<String>,
    items: Vec<MinutesItemJson>,
}

/// GET /api/v1/meetings/{id}/minutes
pub(crate) async fn minutes(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Query(q): Query<MinutesQuery>,
) -> Result<Response, WebError> {
    let id: MeetingId = id_of(&id)?;
    let m: Minutes = app.app.minutes(&caller.actor(), id, q.agency).await?;
    Ok(Json(MinutesJson {
        meeting: m.meeting.id,
        forum: m.forum,
        held_on: m.meeting.held_on,
        chair: m.meeting.chair,
        attended: m.attended,
        recipient: m.recipient,
        items: m
            .items
            .into_iter()
            .map(|i| MinutesItemJson {
                case_id: i.case_id,
                title: i.title,
                decisions: i.decisions.into_iter().map(|d| d.event.text).collect(),
                actions: i.actions.iter().map(action_json).collect(),
            })
            .collect(),
    })
    .into_response())
}

/// A subject access export as JSON: the person, their record's earlier
/// versions, and each case they are on with its chronology and actions.
pub(crate) fn subject_access_json(s: safer_app::rights::SubjectAccess) -> serde_json::Value {
    serde_json::json!({
        "person_id": s.id,
        "made_on": s.made_on,
        "person": s.person,
        "earlier_versions": s.history.iter().map(|v| serde_json::json!({
            "before": v.before,
            "reason": v.reason,
            "changed_by": v.changed_by,
            "changed_at": v.changed_at,
        })).collect::<Vec<_>>(),
        "cases": s.cases.into_iter().map(|(f, role)| {
            let mut v = serde_json::to_value(file_json(f)).unwrap_or_default();
            if let Some(m) = v.as_object_mut() {
                m.insert("role".into(), serde_json::to_value(role).unwrap_or_default());
            }
            v
        }).collect::<Vec<_>>(),
    })
}

#[derive(Debug, Serialize)]
struct LocationFileJson {
    id: safer_domain::LocationId,
    #[serde(flatten)]
    location: safer_domain::casework::location::Location,
    cases: Vec<CaseJson>,
    case_incidents_in_window: usize,
    repeat_by_cases: bool,
    police_uk_window: Option<(safer_domain::Month, safer_domain::Month)>,
    police_uk_records_in_window: u32,
    police_uk_asb_in_window: u32,
    repeat_by_police_uk: bool,
}

/// GET /api/v1/locations/{id}
pub(crate) async fn location(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id: safer_domain::LocationId = id_of(&id)?;
    let l = app.app.location(&caller.actor(), id).await?;
    Ok(Json(LocationFileJson {
        id: l.id,
        cases: l.cases.iter().map(case_json).collect(),
        case_incidents_in_window: l.case_incidents.len(),
        repeat_by_cases: l.repeat_by_cases,
        police_uk_window: l.window.map(|(latest, first)| (first, latest)),
        police_uk_records_in_window: l.police_uk.iter().map(|m| m.total()).sum(),
        police_uk_asb_in_window: l.police_uk_asb,
        repeat_by_police_uk: l.repeat_by_police_uk,
        location: l.location,
    })
    .into_response())
}
