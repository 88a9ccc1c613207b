//! A case's escalation page: each perpetrator's ladder with what the rules
//! allow today and why not, the steps' breaches and contracts, and the
//! youth work, place powers and referrals on the case, with their forms.

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use safer_app::AppError;
use safer_app::casework::CaseFile;
use safer_app::escalation::StepEntry;
use safer_app::escalation::{CaseRecordChange, CaseRecordEntry};
use safer_domain::casework::case::CaseRole;
use safer_domain::casework::escalation::{AbcOutcome, AbcParty, PartyRole, PlacePower, Step};
use safer_domain::casework::referral::ReferralKind;
use safer_domain::casework::youth::ManagementPlan;
use safer_domain::{CaseId, CaseRecordId, Date, InterventionId, PersonId};

use crate::auth::Caller;
use crate::http::Fields;
use crate::pages::cases::{DoneQuery, date_field};
use crate::pages::id_of;
use crate::view::{self, Choice, Chrome, Errors};
use crate::{AppState, WebError, http};

struct StepLine {
    id: InterventionId,
    on: Date,
    step: &'static str,
    details: String,
    standing: String,
    breaches: Vec<String>,
    is_abc: bool,
}

struct LadderLine {
    person: PersonId,
    name: String,
    youth: bool,
    steps: Vec<StepLine>,
    next: Vec<(&'static str, String)>,
}

struct RecordLine {
    id: CaseRecordId,
    what: String,
    details: String,
    standing: String,
    /// The update form it takes: closing a plan (`true`) or an activity's
    /// attendance (`false`).
    update: Option<bool>,
}

#[derive(Template)]
#[template(path = "escalation.html")]
struct EscalationPage {
    chrome: Chrome,
    errors: Errors,
    done: Option<&'static str>,
    id: CaseId,
    title: String,
    ladders: Vec<LadderLine>,
    perpetrators: Vec<Choice>,
    people: Vec<Choice>,
    steps: Vec<Choice>,
    record_kinds: Vec<Choice>,
    records: Vec<RecordLine>,
    may_work: bool,
    today: String,
    review_months: u32,
    end_months: u32,
}

fn outcome_text(
    o: Option<AbcOutcome>,
    review_on: Date,
    ends_on: Date,
    reviewed: Option<Date>,
) -> String {
    match o {
        Some(AbcOutcome::CompletedWithoutBreach) => {
            format!("Completed without breach on {ends_on}")
        }
        Some(AbcOutcome::Breached) => "Breached".into(),
        Some(AbcOutcome::EndedEarly) => "Ended early".into(),
        None => match reviewed {
            Some(r) => format!("Running: reviewed {r}, ends {ends_on}"),
            None => format!("Running: review due {review_on}, ends {ends_on}"),
        },
    }
}

fn page(
    app: &AppState,
    caller: &Caller,
    file: CaseFile,
    done: Option<&'static str>,
    errors: Vec<(&'static str, String)>,
) -> EscalationPage {
    let may_work = caller
        .user
        .as_ref()
        .is_some_and(|u| u.has_any(safer_app::casework::CASE_WORKERS));
    let cw = app.app.casework();
    let name_of = |p: PersonId| {
        file.people
            .iter()
            .find(|x| x.id == p)
            .map_or_else(|| format!("Person {p}"), |x| x.person.name.clone())
    };
    let ladders = file
        .ladders
        .iter()
        .map(|l| LadderLine {
            person: l.person,
            name: l.name.clone(),
            youth: l.youth,
            steps: l
                .steps
                .iter()
                .map(|s| {
                    let n = &s.stored.new;
                    let mut details = Vec::new();
                    if let Some(c) = s.comply_by {
                        details.push(format!("time to comply to {c}"));
                    }
                    if let Some(r) = &n.serious_risk {
                        details.push(format!("steps skipped for serious risk: {r}"));
                    }
                    if n.parent_involved {
                        details.push("parent or guardian involved".into());
                    }
                    if n.yjs_involved {
                        details.push("Youth Justice Service involved".into());
                    }
                    if s.stored.case_id != file.case.id {
                        details.push(format!("on case {}", s.stored.case_id));
                    }
                    if !n.notes.is_empty() {
                        details.push(n.notes.clone());
                    }
                    let standing = match &s.stored.abc {
                        Some(a) => {
                            let terms = a.terms.join("; ");
                            details.push(format!("terms: {terms}"));
                            details.push(format!(
                                "parties: {}",
                                a.parties
                                    .iter()
                                    .map(|p| format!("{} ({})", p.name, p.role.label()))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ));
                            outcome_text(s.outcome, a.review_on, a.ends_on, a.reviewed_on)
                        }
                        None => "Taken".into(),
                    };
                    StepLine {
                        id: s.stored.id,
                        on: n.taken_on,
                        step: n.step.label(),
                        details: details.join(". "),
                        standing,
                        breaches: s
                            .stored
                            .breaches
                            .iter()
                            .map(|b| format!("{}: {} ({})", b.on, b.text, b.recorded_by))
                            .collect(),
                        is_abc: s.stored.abc.is_some(),
                    }
                })
                .collect(),
            next: l
                .next
                .iter()
                .map(|(s, why)| (s.label(), why.join(" ")))
                .collect(),
        })
        .collect();
    let perpetrators = file
        .people
        .iter()
        .filter(|p| p.role == CaseRole::Perpetrator)
        .map(|p| Choice::new(p.id.to_string(), p.person.name.clone()))
        .collect();
    let mut people = vec![Choice::new("", "No one")];
    for p in &file.people {
        if !people.iter().any(|c: &Choice| c.value == p.id.to_string()) {
            people.push(Choice::new(p.id.to_string(), p.person.name.clone()));
        }
    }
    let mut record_kinds = vec![
        Choice::new("plan", "Youth ASB Police Management Plan"),
        Choice::new("diversion", "Diversionary activity"),
    ];
    for p in PlacePower::ALL {
        record_kinds.push(Choice::new(format!("power:{}", code(&p)), p.label()));
    }
    for k in ReferralKind::ALL {
        record_kinds.push(Choice::new(format!("referral:{}", k.as_str()), k.label()));
    }
    let today = app.app.today();
    let records = file
        .records
        .iter()
        .map(|(id, e)| match e {
            CaseRecordEntry::ManagementPlan {
                person,
                opened_on,
                closed_on,
                agencies,
                notes,
            } => {
                let plan = ManagementPlan {
                    opened_on: *opened_on,
                    closed_on: *closed_on,
                    agencies: agencies.clone(),
                };
                RecordLine {
                    id: *id,
                    what: "Youth ASB Police Management Plan".into(),
                    details: format!(
                        "{}: opened {opened_on}, with {}{}",
                        name_of(*person),
                        agencies.join(", "),
                        if notes.is_empty() {
                            String::new()
                        } else {
                            format!(". {notes}")
                        }
                    ),
                    standing: match closed_on {
                        Some(c) => format!("Closed {c}, after {} days", plan.days_open(today)),
                        None => format!("Open {} days", plan.days_open(today)),
                    },
                    update: closed_on.is_none().then_some(true),
                }
            }
            CaseRecordEntry::Diversion {
                person,
                activity,
                provider,
                started_on,
                sessions_offered,
                sessions_attended,
            } => RecordLine {
                id: *id,
                what: "Diversionary activity".into(),
                details: format!(
                    "{}: {activity}{}, from {started_on}",
                    name_of(*person),
                    if provider.is_empty() {
                        String::new()
                    } else {
                        format!(" with {provider}")
                    }
                ),
                standing: format!(
                    "{sessions_attended} of {sessions_offered} sessions attended{}",
                    if *sessions_attended >= cw.engagement.sessions.max(1) {
                        ": engaged"
                    } else {
                        ""
                    }
                ),
                update: Some(false),
            },
            CaseRecordEntry::PlacePower {
                power,
                starts_on,
                ends_on,
                notes,
                ..
            } => RecordLine {
                id: *id,
                what: power.label().into(),
                details: notes.clone(),
                standing: format!("{starts_on} to {ends_on}"),
                update: None,
            },
            CaseRecordEntry::Referral {
                person,
                kind,
                referred_on,
                referred_to,
                theme,
                ..
            } => RecordLine {
                id: *id,
                what: kind.label().into(),
                details: format!(
                    "{}to {referred_to}{}",
                    person.map_or_else(String::new, |p| format!("{}: ", name_of(p))),
                    if theme.is_empty() {
                        String::new()
                    } else {
                        format!(" ({theme})")
                    }
                ),
                standing: format!("Referred {referred_on}"),
                update: None,
            },
        })
        .collect();
    EscalationPage {
        chrome: Chrome::new(app, caller, format!("Escalation: case {}", file.case.id))
            .with_errors(!errors.is_empty()),
        errors: Errors(errors),
        done,
        id: file.case.id,
        title: file.case.title.clone(),
        ladders,
        perpetrators,
        people,
        steps: Step::ALL
            .iter()
            .map(|s| Choice::new(code(s), s.label()))
            .collect(),
        record_kinds,
        records,
        may_work,
        today: today.to_string(),
        review_months: cw.abc.review_months,
        end_months: cw.abc.end_months,
    }
}

fn code<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

fn from_code<T: serde::de::DeserializeOwned>(s: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).ok()
}

fn done_banner(q: &DoneQuery) -> Option<&'static str> {
    Some(match q.done.as_deref()? {
        "step" => "The step is recorded.",
        "breach" => "The breach is recorded against the step.",
        "contract" => "The contract is updated.",
        "record" => "It is added to the case.",
        "updated" => "The record is updated.",
        _ => return None,
    })
}

/// GET /cases/{id}/escalation
pub(crate) async fn escalation(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, WebError> {
    let id: CaseId = id_of(&id)?;
    let file = app.app.case(&caller.actor(), id).await?;
    Ok(view::page(&page(
        &app,
        &caller,
        file,
        done_banner(&q),
        Vec::new(),
    )))
}

async fn after(
    app: &AppState,
    caller: &Caller,
    id: CaseId,
    result: Result<(), AppError>,
    done: &str,
    field: &'static str,
) -> Result<Response, WebError> {
    match result {
        Ok(()) => Ok(http::redirect(&format!(
            "/cases/{id}/escalation?done={done}"
        ))),
        Err(AppError::Invalid(m) | AppError::Conflict(m)) => {
            let file = app.app.case(&caller.actor(), id).await?;
            Ok(view::render(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                &page(app, caller, file, None, vec![(field, m)]),
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// The parties of a contract, one per line: "name; role; date signed".
fn parties(text: &str) -> Result<Vec<AbcParty>, String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
        .map(|(i, line)| {
            let parts: Vec<&str> = line.split(';').map(str::trim).collect();
            let [name, role, signed] = parts[..] else {
                return Err(format!(
                    "Party {}: write \"name; role; date signed\", such as \"Jay Doe; person; 2024-05-01\".",
                    i + 1
                ));
            };
            let role = match role.to_lowercase().as_str() {
                "person" | "subject" => PartyRole::Subject,
                "parent" | "guardian" | "parent or guardian" => PartyRole::ParentOrGuardian,
                "agency" => PartyRole::Agency,
                other => {
                    return Err(format!(
                        "Party {}: the role is person, parent or agency, not {other:?}.",
                        i + 1
                    ));
                }
            };
            let signed_on = if signed.is_empty() {
                None
            } else {
                Some(signed.parse::<Date>().map_err(|_| {
                    format!("Party {}: the date signed is YYYY-MM-DD, not {signed:?}.", i + 1)
                })?)
            };
            Ok(AbcParty {
                name: name.to_owned(),
                role,
                signed_on,
            })
        })
        .collect()
}

/// POST /cases/{id}/steps
pub(crate) async fn take_step(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, WebError> {
    let id: CaseId = id_of(&id)?;
    let f = Fields::parse(&body);
    let mut errors = Vec::new();
    let on = date_field(&f.one("on"), &mut errors, "step");
    let result = async {
        if let Some((_, m)) = errors.pop() {
            return Err(AppError::Invalid(m));
        }
        let person: PersonId = f
            .one("person")
            .parse()
            .map_err(|_| AppError::Invalid("Choose the perpetrator.".into()))?;
        let step: Step = from_code(&f.one("step"))
            .ok_or_else(|| AppError::Invalid("Choose the step.".into()))?;
        let days = f.one("days_to_comply");
        let days_to_comply = if days.is_empty() {
            None
        } else {
            Some(days.parse::<u32>().map_err(|_| {
                AppError::Invalid(format!(
                    "The days to comply are a whole number, not {days:?}."
                ))
            })?)
        };
        let abc = if step == Step::AcceptableBehaviourContract {
            let parties = parties(&f.one("parties")).map_err(AppError::Invalid)?;
            Some((f.one("terms").lines().map(str::to_owned).collect(), parties))
        } else {
            None
        };
        let e = StepEntry {
            person,
            step,
            on,
            days_to_comply,
            serious_risk: Some(f.one("serious_risk")).filter(|s| !s.is_empty()),
            convicted: f.one("convicted") == "yes",
            parent_involved: f.one("parent_involved") == "yes",
            yjs_involved: f.one("yjs_involved") == "yes",
            notes: f.one("notes"),
            abc,
        };
        app.app.take_step(&caller.actor(), id, &e).await.map(|_| ())
    }
    .await;
    after(&app, &caller, id, result, "step", "step").await
}

/// POST /cases/{id}/steps/{step}/breach
pub(crate) async fn breach(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path((id, step)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let id: CaseId = id_of(&id)?;
    let step: InterventionId = id_of(&step)?;
    let f = Fields::parse(&body);
    let mut errors = Vec::new();
    let on = date_field(&f.one("on"), &mut errors, "step");
    let result = match errors.pop() {
        Some((_, m)) => Err(AppError::Invalid(m)),
        None => {
            app.app
                .record_breach(&caller.actor(), id, step, on, &f.one("text"))
                .await
        }
    };
    after(&app, &caller, id, result, "breach", "step").await
}

/// POST /cases/{id}/steps/{step}/contract: its review or early end.
pub(crate) async fn contract(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path((id, step)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let id: CaseId = id_of(&id)?;
    let step: InterventionId = id_of(&step)?;
    let f = Fields::parse(&body);
    let mut errors = Vec::new();
    let on = date_field(&f.one("on"), &mut errors, "step");
    let result = match errors.pop() {
        Some((_, m)) => Err(AppError::Invalid(m)),
        None => {
            app.app
                .update_abc(
                    &caller.actor(),
                    id,
                    step,
                    on,
                    f.one("kind") == "end",
                    &f.one("note"),
                )
                .await
        }
    };
    after(&app, &caller, id, result, "contract", "step").await
}

/// POST /cases/{id}/records: youth work, a power or a referral.
pub(crate) async fn add_record(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, WebError> {
    let id: CaseId = id_of(&id)?;
    let f = Fields::parse(&body);
    let mut errors = Vec::new();
    let on = date_field(&f.one("on"), &mut errors, "kind");
    let until = date_field(&f.one("until"), &mut errors, "kind");
    let result = async {
        if let Some((_, m)) = errors.pop() {
            return Err(AppError::Invalid(m));
        }
        let on = on.unwrap_or_else(|| app.app.today());
        let person: Option<PersonId> = f.one("record_person").parse().ok();
        let need_person =
            || person.ok_or_else(|| AppError::Invalid("Choose the young person it is for.".into()));
        let kind = f.one("kind");
        let text = f.one("text");
        let agency = caller
            .user
            .as_ref()
            .map(|u| u.agency.id)
            .ok_or_else(|| AppError::Refused("Sign in.".into()))?;
        let e = if kind == "plan" {
            CaseRecordEntry::ManagementPlan {
                person: need_person()?,
                opened_on: on,
                closed_on: None,
                agencies: text.lines().map(|l| l.trim().to_owned()).collect(),
                notes: String::new(),
            }
        } else if kind == "diversion" {
            CaseRecordEntry::Diversion {
                person: need_person()?,
                activity: text,
                provider: f.one("more"),
                started_on: on,
                sessions_offered: 0,
                sessions_attended: 0,
            }
        } else if let Some(p) = kind
            .strip_prefix("power:")
            .and_then(from_code::<PlacePower>)
        {
            CaseRecordEntry::PlacePower {
                location: None,
                power: p,
                starts_on: on,
                ends_on: until.unwrap_or(on),
                notes: text,
                agency_id: agency,
            }
        } else if let Some(k) = kind.strip_prefix("referral:").and_then(ReferralKind::parse) {
            CaseRecordEntry::Referral {
                person,
                kind: k,
                referred_on: on,
                referred_to: text,
                theme: f.one("more"),
                agency_id: agency,
            }
        } else {
            return Err(AppError::Invalid("Choose what to add.".into()));
        };
        app.app
            .add_case_record(&caller.actor(), id, &e)
            .await
            .map(|_| ())
    }
    .await;
    after(&app, &caller, id, result, "record", "kind").await
}

/// POST /cases/{id}/records/{record}: close a plan, or record attendance.
pub(crate) async fn update_record(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path((id, record)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let id: CaseId = id_of(&id)?;
    let record: CaseRecordId = id_of(&record)?;
    let f = Fields::parse(&body);
    let mut errors = Vec::new();
    let closed = date_field(&f.one("closed_on"), &mut errors, "kind");
    let result = async {
        if let Some((_, m)) = errors.pop() {
            return Err(AppError::Invalid(m));
        }
        let change = match closed {
            Some(c) => CaseRecordChange::ClosePlan(c),
            None => {
                let n = |name: &str| {
                    let v = f.one(name);
                    v.parse::<u32>().map_err(|_| {
                        AppError::Invalid(format!("Sessions are a whole number, not {v:?}."))
                    })
                };
                CaseRecordChange::Attendance {
                    offered: n("offered")?,
                    attended: n("attended")?,
                }
            }
        };
        app.app
            .update_case_record(&caller.actor(), id, record, change)
            .await
    }
    .await;
    after(&app, &caller, id, result, "updated", "kind").await
}
