//! The case pages: the cases a caller may see, the referral form, a case
//! file with the forms that work it, a person, search, and the case
//! actions due. Every read goes through the app's case tasks, which scope
//! it to the caller's need to know and audit it; a case outside it is the
//! same 404 as one that does not exist.

use std::collections::BTreeSet;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use safer_app::AppError;
use safer_app::casework::{
    CASE_WORKERS, CaseFile, CaseSummary, FORUM_RUNNERS, PersonOnReferral, Referral,
};
use safer_domain::casework::case::{CaseRole, CaseStatus, RiskLevel};
use safer_domain::casework::case_action::CaseActionStatus;
use safer_domain::casework::chronology::EventKind;
use safer_domain::casework::person::{Birth, MatchReason, Person, Vulnerability};
use safer_domain::{AgencyId, CaseActionId, CaseId, Date, LocationId, PersonId, Role, User};

use crate::auth::Caller;
use crate::http::Fields;
use crate::pages::id_of;
use crate::view::{self, Cell, Choice, Chrome, Errors, Heading, Table, Tag};
use crate::{AppState, WebError, http};

/// A form's date field: empty is `None`; anything else must be a date.
pub(crate) fn date_field(
    text: &str,
    errors: &mut Vec<(&'static str, String)>,
    id: &'static str,
) -> Option<Date> {
    if text.is_empty() {
        return None;
    }
    match text.parse() {
        Ok(d) => Some(d),
        Err(_) => {
            errors.push((
                id,
                format!("Enter the date as YYYY-MM-DD, such as 2024-05-01, not {text:?}."),
            ));
            None
        }
    }
}

pub(crate) fn risk_tag(r: RiskLevel) -> Tag {
    Tag {
        label: r.label(),
        colour: match r {
            RiskLevel::High => "govuk-tag--red",
            RiskLevel::Medium => "govuk-tag--yellow",
            RiskLevel::Standard => "govuk-tag--grey",
        },
    }
}

pub(crate) fn status_tag(s: CaseStatus) -> Tag {
    let (label, colour) = match s {
        CaseStatus::Referred => ("Referred", "govuk-tag--blue"),
        CaseStatus::Open => ("Open", "govuk-tag--green"),
        CaseStatus::Declined => ("Declined", "govuk-tag--grey"),
        CaseStatus::Closed => ("Closed", "govuk-tag--grey"),
    };
    Tag { label, colour }
}

fn birth_text(b: &Birth) -> String {
    match b {
        Birth::Date { date } => date.to_string(),
        Birth::AgeBand { from, to } => format!("Aged {from} to {to}"),
        Birth::Unknown => "Not known".into(),
    }
}

/// The cases as a table: number, title, forum, type, risk, status, lead,
/// next review, actions.
pub(crate) fn cases_table(caption: &str, cases: &[CaseSummary]) -> Table {
    Table::new(
        caption,
        vec![
            Heading::text("Case"),
            Heading::text("Forum and type"),
            Heading::text("Risk"),
            Heading::text("Status"),
            Heading::text("Lead agency"),
            Heading::text("Next review"),
            Heading::num("Open actions"),
            Heading::num("Overdue"),
        ],
    )
    .rows(
        cases
            .iter()
            .map(|c| {
                vec![
                    Cell::HeadLink {
                        href: format!("/cases/{}", c.case.id),
                        text: format!("{} · {}", c.case.id, c.case.title),
                    },
                    Cell::text(format!("{}: {}", c.forum, c.case_type)),
                    Cell::Tag(risk_tag(c.case.risk)),
                    Cell::Tag(status_tag(c.case.status)),
                    Cell::text(&c.lead_agency),
                    Cell::text(c.next_review.map_or_else(|| "–".into(), |d| d.to_string())),
                    Cell::num(c.open_actions.to_string()),
                    Cell::num(c.overdue_actions.to_string()),
                ]
            })
            .collect(),
    )
}

#[derive(Template)]
#[template(path = "cases.html")]
struct CasesPage {
    chrome: Chrome,
    done: Option<&'static str>,
    table: Table,
    count: usize,
    overdue: usize,
    any_overdue: bool,
    may_refer: bool,
    may_review: bool,
    query: String,
}

pub(crate) async fn index(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, WebError> {
    let actor = caller.actor();
    let cases = app.app.cases(&actor).await?;
    let overdue = cases.iter().map(|c| c.overdue_actions).sum();
    Ok(view::page(&CasesPage {
        chrome: Chrome::new(&app, &caller, "Cases"),
        done: (q.done.as_deref() == Some("person-deleted"))
            .then_some("The person is deleted from every case and record."),
        table: cases_table("Cases you may see", &cases).quiet(),
        count: cases.len(),
        overdue,
        any_overdue: overdue > 0,
        may_refer: crate::routes::may_get(caller.user.as_ref(), "/cases/new"),
        may_review: crate::routes::may_get(caller.user.as_ref(), "/retention"),
        query: String::new(),
    }))
}

#[derive(Template)]
#[template(path = "case_new.html")]
struct NewCasePage {
    chrome: Chrome,
    errors: Errors,
    forums: Vec<Choice>,
    types: Vec<Choice>,
    risks: Vec<Choice>,
    leads: Vec<Choice>,
    agencies: Vec<Choice>,
    roles: Vec<Choice>,
    vulnerabilities: Vec<Choice>,
    form: ReferralForm,
}

/// The referral form as typed: two people, the second optional.
#[derive(Default)]
struct ReferralForm {
    forum: String,
    case_type: String,
    title: String,
    risk: String,
    lead_agency: String,
    lead_officer: String,
    involved: Vec<String>,
    reason: String,
    people: [PersonForm; 2],
}

#[derive(Default)]
struct PersonForm {
    name: String,
    aliases: String,
    birth_date: String,
    age_from: String,
    age_to: String,
    address: String,
    role: String,
    vulnerabilities: Vec<String>,
}

/// A person's fields, named with the prefix (`p1_`, `p2_`).
fn person_form(f: &Fields, p: &str) -> PersonForm {
    PersonForm {
        name: f.one(&format!("{p}name")),
        aliases: f.one(&format!("{p}aliases")),
        birth_date: f.one(&format!("{p}birth_date")),
        age_from: f.one(&format!("{p}age_from")),
        age_to: f.one(&format!("{p}age_to")),
        address: f.one(&format!("{p}address")),
        role: f.one(&format!("{p}role")),
        vulnerabilities: f.all(&format!("{p}vulnerabilities")),
    }
}

/// The person a form describes (its name given), or `None` with the
/// errors pushed under the fields' ids (`ids`: the birth date's and the
/// age band's).
fn person_of(
    p: &PersonForm,
    errors: &mut Vec<(&'static str, String)>,
    [date_id, age_id]: [&'static str; 2],
) -> Option<Person> {
    let birth = if !p.birth_date.is_empty() {
        date_field(&p.birth_date, errors, date_id).map(|date| Birth::Date { date })
    } else if !p.age_from.is_empty() || !p.age_to.is_empty() {
        match (p.age_from.parse::<u8>(), p.age_to.parse::<u8>()) {
            (Ok(from), Ok(to)) if from <= to => Some(Birth::AgeBand { from, to }),
            _ => {
                errors.push((
                    age_id,
                    "Enter the age band as two whole numbers, the lower first, such as 16 and 17."
                        .into(),
                ));
                None
            }
        }
    } else {
        Some(Birth::Unknown)
    };
    let vulnerabilities: BTreeSet<Vulnerability> = VULNERABILITIES
        .into_iter()
        .filter(|v| p.vulnerabilities.contains(&vulnerability_code(*v)))
        .collect();
    Some(Person {
        name: p.name.clone(),
        aliases: p
            .aliases
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_owned)
            .collect(),
        birth: birth?,
        address: (!p.address.is_empty()).then(|| p.address.clone()),
        vulnerabilities,
    })
}

/// The form filled from a person held (for rectifying them).
fn filled_person(p: &Person) -> PersonForm {
    let (birth_date, age_from, age_to) = match p.birth {
        Birth::Date { date } => (date.to_string(), String::new(), String::new()),
        Birth::AgeBand { from, to } => (String::new(), from.to_string(), to.to_string()),
        Birth::Unknown => (String::new(), String::new(), String::new()),
    };
    PersonForm {
        name: p.name.clone(),
        aliases: p.aliases.join(", "),
        birth_date,
        age_from,
        age_to,
        address: p.address.clone().unwrap_or_default(),
        role: String::new(),
        vulnerabilities: p
            .vulnerabilities
            .iter()
            .map(|v| vulnerability_code(*v))
            .collect(),
    }
}

fn referral_form(f: &Fields) -> ReferralForm {
    let person = |p: &str| person_form(f, p);
    ReferralForm {
        forum: f.one("forum"),
        case_type: f.one("case_type"),
        title: f.one("title"),
        risk: f.one("risk"),
        lead_agency: f.one("lead_agency"),
        lead_officer: f.one("lead_officer"),
        involved: f.all("involved"),
        reason: f.one("reason"),
        people: [person("p1_"), person("p2_")],
    }
}

const VULNERABILITIES: [Vulnerability; 7] = [
    Vulnerability::MentalHealth,
    Vulnerability::SubstanceMisuse,
    Vulnerability::Exploitation,
    Vulnerability::MissingEpisodes,
    Vulnerability::DomesticAbuse,
    Vulnerability::Disability,
    Vulnerability::Age,
];

fn vulnerability_code(v: Vulnerability) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

fn risk_code(r: RiskLevel) -> &'static str {
    match r {
        RiskLevel::Standard => "standard",
        RiskLevel::Medium => "medium",
        RiskLevel::High => "high",
    }
}

fn risk_of(s: &str) -> Option<RiskLevel> {
    [RiskLevel::Standard, RiskLevel::Medium, RiskLevel::High]
        .into_iter()
        .find(|r| risk_code(*r) == s)
}

/// The form's people and case, or the errors by field.
fn validate_referral(f: &ReferralForm) -> Result<Referral, Vec<(&'static str, String)>> {
    let mut errors = Vec::new();
    let risk = risk_of(&f.risk);
    if risk.is_none() {
        errors.push(("risk", "Choose the risk level.".into()));
    }
    let agency = |s: &str| s.parse::<AgencyId>().ok();
    let lead = if f.lead_agency.is_empty() {
        None
    } else {
        agency(&f.lead_agency)
    };
    let mut people = Vec::new();
    const IDS: [[&str; 4]; 2] = [
        ["p1_name", "p1_role", "p1_birth_date", "p1_age_from"],
        ["p2_name", "p2_role", "p2_birth_date", "p2_age_from"],
    ];
    for (i, p) in f.people.iter().enumerate() {
        let [name_id, role_id, date_id, age_id] = IDS[i];
        if p.name.is_empty() {
            if i == 0 {
                errors.push((
                    name_id,
                    "Enter the name of the person the case is about.".into(),
                ));
            }
            continue;
        }
        let role = p.role.parse::<CaseRole>().ok();
        if role.is_none() {
            errors.push((role_id, format!("Choose what {} is on the case.", p.name)));
        }
        let person = person_of(p, &mut errors, [date_id, age_id]);
        if let (Some(role), Some(person)) = (role, person) {
            people.push((PersonOnReferral::New(person), role));
        }
    }
    for (id, text, what) in [
        (
            "title",
            &f.title,
            "Say what the case is about, in a few words.",
        ),
        ("reason", &f.reason, "Say why the case is referred."),
    ] {
        if text.is_empty() {
            errors.push((id, what.into()));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Referral {
        forum: f.forum.clone(),
        case_type: f.case_type.clone(),
        title: f.title.clone(),
        risk: risk.unwrap_or(RiskLevel::Standard),
        lead_agency: lead,
        lead_officer: f.lead_officer.clone(),
        involved: f.involved.iter().filter_map(|a| agency(a)).collect(),
        reason: f.reason.clone(),
        people,
        referred_on: None,
    })
}

async fn referral_page(
    app: &AppState,
    caller: &Caller,
    form: ReferralForm,
    errors: Vec<(&'static str, String)>,
) -> Result<Response, WebError> {
    let cw = app.app.casework();
    let agencies: Vec<Choice> = app
        .app
        .agencies()
        .await?
        .into_iter()
        .map(|a| Choice::new(a.id.to_string(), a.name))
        .collect();
    let mut lead = vec![Choice::new("", "My agency")];
    lead.extend(agencies.iter().cloned());
    let has_errors = !errors.is_empty();
    let status = if has_errors {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let mut roles = vec![Choice::new("", "Choose a role")];
    roles.extend(CaseRole::ALL.map(|r| Choice::new(r.as_str(), r.label())));
    Ok(view::render(
        status,
        &NewCasePage {
            chrome: Chrome::new(app, caller, "Refer a case").with_errors(has_errors),
            errors: Errors(errors),
            forums: cw
                .forums
                .iter()
                .map(|f| Choice::new(f.id.clone(), f.name.clone()))
                .collect(),
            types: cw
                .case_types
                .iter()
                .map(|t| Choice::new(t.id.clone(), t.name.clone()))
                .collect(),
            risks: [RiskLevel::Standard, RiskLevel::Medium, RiskLevel::High]
                .map(|r| Choice::new(risk_code(r), r.label()))
                .to_vec(),
            leads: lead,
            agencies,
            roles,
            vulnerabilities: VULNERABILITIES
                .map(|v| Choice::new(vulnerability_code(v), v.label()))
                .to_vec(),
            form,
        },
    ))
}

pub(crate) async fn new_form(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<Response, WebError> {
    let form = ReferralForm {
        forum: "jag".into(),
        risk: "standard".into(),
        ..ReferralForm::default()
    };
    referral_page(&app, &caller, form, Vec::new()).await
}

pub(crate) async fn refer(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = referral_form(&Fields::parse(&body));
    let referral = match validate_referral(&form) {
        Ok(r) => r,
        Err(errors) => return referral_page(&app, &caller, form, errors).await,
    };
    match app.app.refer_case(&caller.actor(), &referral).await {
        Ok(id) => Ok(http::redirect(&format!("/cases/{id}?done=referred"))),
        Err(AppError::Invalid(m)) => referral_page(&app, &caller, form, vec![("forum", m)]).await,
        Err(e) => Err(e.into()),
    }
}

/// A person's line on the case page.
struct PersonLine {
    id: PersonId,
    name: String,
    aliases: String,
    role: &'static str,
    birth: String,
    address: String,
    vulnerabilities: String,
    repeat: Option<String>,
    duplicates: Vec<(PersonId, String, String)>,
}

struct EventLine {
    on: String,
    kind: &'static str,
    text: String,
    by: String,
}

struct ActionLine {
    id: CaseActionId,
    agency: String,
    owner: String,
    text: String,
    due: String,
    status: &'static str,
    late: Option<String>,
    may_update: bool,
    updates: Vec<String>,
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    chrome: Chrome,
    errors: Errors,
    done: Option<&'static str>,
    id: CaseId,
    title: String,
    summary: Vec<(&'static str, String)>,
    risk: Tag,
    status: Tag,
    people: Vec<PersonLine>,
    locations: Vec<(LocationId, String)>,
    groups: Vec<(safer_domain::GroupId, String)>,
    members: Vec<Choice>,
    events: Vec<EventLine>,
    actions: Vec<ActionLine>,
    may_work: bool,
    may_decide: bool,
    may_close: bool,
    may_refer_again: bool,
    may_delete: bool,
    agencies: Vec<Choice>,
    agreements: Vec<Choice>,
    questions: Vec<Choice>,
    judgements: Vec<Choice>,
    entry_kinds: Vec<Choice>,
    statuses: Vec<Choice>,
    today: String,
}

fn has_any(user: Option<&User>, roles: &[Role]) -> bool {
    user.is_some_and(|u| u.has_any(roles))
}

fn reasons(d: &safer_domain::casework::person::PossibleDuplicate) -> String {
    let mut parts = vec![format!("names {:.0}% alike", d.name_likeness * 100.0)];
    for r in &d.reasons {
        parts.push(
            match r {
                MatchReason::Name => continue,
                MatchReason::SameBirthDate => "same date of birth",
                MatchReason::SameAddress => "same address",
            }
            .into(),
        );
    }
    parts.join(", ")
}

async fn case_page(
    app: &AppState,
    caller: &Caller,
    file: CaseFile,
    done: Option<&'static str>,
    errors: Vec<(&'static str, String)>,
) -> Result<Response, WebError> {
    let user = caller.user.as_ref();
    let cw = app.app.casework();
    let c = &file.case;
    let summary = vec![
        ("Forum", file.forum.clone()),
        ("Case type", file.case_type.clone()),
        (
            "Lead",
            if c.lead_officer.is_empty() {
                file.lead_agency.clone()
            } else {
                format!("{} ({})", file.lead_agency, c.lead_officer)
            },
        ),
        ("Agencies involved", file.involved.join(", ")),
        (
            "Shared with",
            if file.shared_with.is_empty() {
                "No other agency".into()
            } else {
                file.shared_with.join(", ")
            },
        ),
        (
            "Next review",
            file.next_review
                .map_or_else(|| "Not under review".into(), |d| d.to_string()),
        ),
        ("Outcome", c.outcome.clone().unwrap_or_else(|| "–".into())),
    ];
    let people = file
        .people
        .iter()
        .map(|p| PersonLine {
            id: p.id,
            name: p.person.name.clone(),
            aliases: p.person.aliases.join(", "),
            role: p.role.label(),
            birth: birth_text(&p.person.birth),
            address: p.person.address.clone().unwrap_or_default(),
            vulnerabilities: p
                .person
                .vulnerabilities
                .iter()
                .map(|v| v.label())
                .collect::<Vec<_>>()
                .join(", "),
            repeat: p.repeat_victim.then(|| {
                format!(
                    "Repeat victim: {} incidents in the last {} months",
                    p.incidents_in_window, cw.repeat_victim.months
                )
            }),
            duplicates: p
                .possible_duplicates
                .iter()
                .map(|(id, name, d)| (*id, name.clone(), reasons(d)))
                .collect(),
        })
        .collect();
    let events = file
        .events
        .iter()
        .map(|e| EventLine {
            on: e.event.on.to_string(),
            kind: e.event.kind.label(),
            text: e.event.text.clone(),
            by: format!("{} ({})", e.event.author, e.event.agency),
        })
        .collect();
    let actions = file
        .actions
        .iter()
        .map(|a| ActionLine {
            id: a.action.id,
            agency: a.agency.clone(),
            owner: a.action.owner.clone(),
            text: a.action.text.clone(),
            due: a.action.due.to_string(),
            status: a.action.status.label(),
            late: (a.days_late > 0).then(|| format!("{} days late", a.days_late)),
            may_update: a.may_update,
            updates: a
                .action
                .updates
                .iter()
                .map(|u| format!("{}: {} ({}, {})", u.on, u.text, u.author, u.status.label()))
                .collect(),
        })
        .collect();
    let agencies = app
        .app
        .agencies()
        .await?
        .into_iter()
        .map(|a| Choice::new(a.id.to_string(), a.name))
        .collect();
    let has_errors = !errors.is_empty();
    let status = if has_errors {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let mut judgements = vec![Choice::new("", "No change to the score's level")];
    judgements
        .extend([RiskLevel::Medium, RiskLevel::High].map(|r| Choice::new(risk_code(r), r.label())));
    let runner = has_any(user, FORUM_RUNNERS);
    Ok(view::render(
        status,
        &CasePage {
            chrome: Chrome::new(app, caller, format!("Case {}", c.id)).with_errors(has_errors),
            errors: Errors(errors),
            done,
            id: c.id,
            title: c.title.clone(),
            summary,
            risk: risk_tag(c.risk),
            status: status_tag(c.status),
            people,
            locations: file
                .locations
                .iter()
                .map(|(id, l)| {
                    let text = match &l.place {
                        Some(p) => {
                            format!("{} (police.uk: {}, {})", l.address, p.street, p.lsoa_name)
                        }
                        None => l.address.clone(),
                    };
                    (*id, text)
                })
                .collect(),
            groups: file
                .groups
                .iter()
                .map(|(id, g, m)| (*id, format!("{} ({} members)", g.name, m.len())))
                .collect(),
            members: file
                .people
                .iter()
                .map(|p| Choice::new(p.id.to_string(), p.person.name.clone()))
                .collect(),
            events,
            actions,
            may_work: has_any(user, CASE_WORKERS),
            may_decide: runner && c.status == CaseStatus::Referred,
            may_close: runner && c.status == CaseStatus::Open,
            may_refer_again: matches!(c.status, CaseStatus::Closed | CaseStatus::Declined),
            may_delete: runner && matches!(c.status, CaseStatus::Closed | CaseStatus::Declined),
            agencies,
            agreements: cw
                .agreements
                .iter()
                .map(|a| Choice::new(a.clone(), a.clone()))
                .collect(),
            questions: cw
                .risk
                .questions
                .iter()
                .map(|q| Choice::new(q.id.clone(), format!("{} ({} points)", q.text, q.score)))
                .collect(),
            judgements,
            entry_kinds: [EventKind::Note, EventKind::Incident]
                .map(|k| Choice::new(k.as_str(), k.label()))
                .to_vec(),
            statuses: CaseActionStatus::ALL
                .map(|s| Choice::new(s.as_str(), s.label()))
                .to_vec(),
            today: app.app.today().to_string(),
        },
    ))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct DoneQuery {
    pub(crate) done: Option<String>,
}

/// What a change's redirect says was done.
fn done_banner(q: &DoneQuery) -> Option<&'static str> {
    Some(match q.done.as_deref()? {
        "referred" => "The case is referred to the forum.",
        "entry" => "The entry is added to the chronology.",
        "risk" => "The risk assessment is recorded.",
        "share" => "The case is shared.",
        "action" => "The action is agreed.",
        "update" => "The action's update is recorded.",
        "decision" => "The decision on the referral is recorded.",
        "closed" => "The case is closed.",
        "again" => "The case is referred again.",
        "location" => "The location is added to the case.",
        "group" => "The group is added to the case.",
        _ => return None,
    })
}

pub(crate) async fn case(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, WebError> {
    let id: CaseId = id_of(&id)?;
    let file = app.app.case(&caller.actor(), id).await?;
    case_page(&app, &caller, file, done_banner(&q), Vec::new()).await
}

/// After a change on the case page: back to the case, or, when what was
/// given was wrong, the case page again with the error by its form.
async fn after_change(
    app: &AppState,
    caller: &Caller,
    id: CaseId,
    result: Result<(), AppError>,
    done: &str,
    field: &'static str,
) -> Result<Response, WebError> {
    match result {
        Ok(()) => Ok(http::redirect(&format!("/cases/{id}?done={done}"))),
        Err(AppError::Invalid(m) | AppError::Conflict(m)) => {
            let file = app.app.case(&caller.actor(), id).await?;
            case_page(app, caller, file, None, vec![(field, m)]).await
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn add_entry(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, WebError> {
    let id: CaseId = id_of(&id)?;
    let f = Fields::parse(&body);
    let mut errors = Vec::new();
    let on = date_field(&f.one("on"), &mut errors, "on");
    let result = match (errors.pop(), f.one("kind").parse::<EventKind>()) {
        (Some((_, m)), _) => Err(AppError::Invalid(m)),
        (None, Err(_)) => Err(AppError::Invalid("Choose a note or an incident.".into())),
        (None, Ok(kind)) => {
            app.app
                .add_case_entry(&caller.actor(), id, kind, on, &f.one("entry-text"))
                .await
        }
    };
    after_change(&app, &caller, id, result, "entry", "entry-text").await
}

pub(crate) async fn assess_risk(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, WebError> {
    let id: CaseId = id_of(&id)?;
    let f = Fields::parse(&body);
    let yes: BTreeSet<String> = f.all("yes").into_iter().collect();
    let judgement = risk_of(&f.one("judgement"));
    let result = app
        .app
        .assess_risk(&caller.actor(), id, &yes, judgement, &f.one("note"))
        .await
        .map(|_| ());
    after_change(&app, &caller, id, result, "risk", "yes").await
}

pub(crate) async fn share(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, WebError> {
    let id: CaseId = id_of(&id)?;
    let f = Fields::parse(&body);
    let result = match f.one("with").parse::<AgencyId>() {
        Err(_) => Err(AppError::Invalid(
            "Choose the agency to share the case with.".into(),
        )),
        Ok(with) => {
            app.app
                .share_case(
                    &caller.actor(),
                    id,
                    with,
                    &f.one("agreement"),
                    &f.one("share-reason"),
                )
                .await
        }
    };
    after_change(&app, &caller, id, result, "share", "with").await
}

pub(crate) async fn add_action(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, WebError> {
    let id: CaseId = id_of(&id)?;
    let f = Fields::parse(&body);
    let result = match (
        f.one("agency").parse::<AgencyId>(),
        f.one("due").parse::<Date>(),
    ) {
        (Err(_), _) => Err(AppError::Invalid(
            "Choose the agency that owns the action.".into(),
        )),
        (_, Err(_)) => Err(AppError::Invalid(
            "Enter the due date as YYYY-MM-DD, such as 2024-06-30.".into(),
        )),
        (Ok(agency), Ok(due)) => app
            .app
            .add_case_action(
                &caller.actor(),
                id,
                &safer_app::casework::CaseActionEntry {
                    agency,
                    owner: f.one("owner"),
                    text: f.one("text"),
                    due,
                    meeting: None,
                },
            )
            .await
            .map(|_| ()),
    };
    after_change(&app, &caller, id, result, "action", "agency").await
}

pub(crate) async fn decide(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, WebError> {
    let id: CaseId = id_of(&id)?;
    let f = Fields::parse(&body);
    let result = match f.one("decision").as_str() {
        "accept" => {
            app.app
                .decide_referral(&caller.actor(), id, true, &f.one("reason"))
                .await
        }
        "decline" => {
            app.app
                .decide_referral(&caller.actor(), id, false, &f.one("reason"))
                .await
        }
        _ => Err(AppError::Invalid(
            "Choose to accept or decline the referral.".into(),
        )),
    };
    after_change(&app, &caller, id, result, "decision", "decision").await
}

pub(crate) async fn close(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, WebError> {
    let id: CaseId = id_of(&id)?;
    let f = Fields::parse(&body);
    let result = app
        .app
        .close_case(&caller.actor(), id, &f.one("outcome"))
        .await;
    after_change(&app, &caller, id, result, "closed", "outcome").await
}

pub(crate) async fn refer_again(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, WebError> {
    let id: CaseId = id_of(&id)?;
    let f = Fields::parse(&body);
    let result = app
        .app
        .refer_again(&caller.actor(), id, &f.one("again-reason"))
        .await;
    after_change(&app, &caller, id, result, "again", "again-reason").await
}

pub(crate) async fn update_action(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, WebError> {
    let id: CaseActionId = id_of(&id)?;
    let f = Fields::parse(&body);
    let status = f.one("status").parse::<CaseActionStatus>().map_err(|_| {
        WebError::Unprocessable("Choose the action's status: open, done or cancelled.".into())
    })?;
    let case = app
        .app
        .update_case_action(&caller.actor(), id, status, &f.one("text"))
        .await?;
    Ok(http::redirect(&format!(
        "/cases/{case}?done=update#actions"
    )))
}

#[derive(Template)]
#[template(path = "case_actions.html")]
struct CaseActionsPage {
    chrome: Chrome,
    table: Table,
    overdue: usize,
    any_overdue: bool,
}

pub(crate) async fn case_actions(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<Response, WebError> {
    let actions = app.app.my_case_actions(&caller.actor()).await?;
    let overdue = actions.iter().filter(|(a, _)| a.days_late > 0).count();
    let table = Table::new(
        "Open actions",
        vec![
            Heading::text("Case"),
            Heading::text("Action"),
            Heading::text("Agency and owner"),
            Heading::text("Due"),
            Heading::text("Late"),
        ],
    )
    .quiet()
    .rows(
        actions
            .iter()
            .map(|(a, title)| {
                vec![
                    Cell::HeadLink {
                        href: format!("/cases/{}#actions", a.action.case_id),
                        text: format!("{} · {title}", a.action.case_id),
                    },
                    Cell::text(&a.action.text),
                    Cell::text(format!("{} ({})", a.agency, a.action.owner)),
                    Cell::text(a.action.due.to_string()),
                    if a.days_late > 0 {
                        Cell::Tag(Tag {
                            label: "Overdue",
                            colour: "govuk-tag--red",
                        })
                    } else {
                        Cell::text("–")
                    },
                ]
            })
            .collect(),
    );
    Ok(view::page(&CaseActionsPage {
        chrome: Chrome::new(&app, &caller, "Case actions"),
        table,
        overdue,
        any_overdue: overdue > 0,
    }))
}

#[derive(Template)]
#[template(path = "person.html")]
struct PersonPage {
    chrome: Chrome,
    errors: Errors,
    done: Option<&'static str>,
    id: PersonId,
    name: String,
    summary: Vec<(&'static str, String)>,
    table: Table,
    history: Vec<String>,
    merges: Vec<(i64, String, bool)>,
    may_work: bool,
    may_run: bool,
    form: PersonForm,
    vulnerabilities: Vec<Choice>,
}

async fn person_page(
    app: &AppState,
    caller: &Caller,
    id: PersonId,
    done: Option<&'static str>,
    form: Option<PersonForm>,
    errors: Vec<(&'static str, String)>,
) -> Result<Response, WebError> {
    let actor = caller.actor();
    let p = app.app.person(&actor, id).await?;
    let (history, merges) = app.app.person_history(&actor, id).await?;
    let summary = vec![
        ("Also known as", p.person.aliases.join(", ")),
        ("Born", birth_text(&p.person.birth)),
        ("Address", p.person.address.clone().unwrap_or_default()),
        (
            "Vulnerabilities",
            p.person
                .vulnerabilities
                .iter()
                .map(|v| v.label())
                .collect::<Vec<_>>()
                .join(", "),
        ),
    ];
    let mut table = cases_table(
        "Cases",
        &p.cases.iter().map(|(c, _)| c.clone()).collect::<Vec<_>>(),
    );
    table.head.insert(1, Heading::text("Role"));
    for (row, (_, role)) in table.rows.iter_mut().zip(&p.cases) {
        row.insert(1, Cell::text(role.label()));
    }
    let user = caller.user.as_ref();
    let has_errors = !errors.is_empty();
    Ok(view::render(
        if has_errors {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &PersonPage {
            chrome: Chrome::new(app, caller, p.person.name.clone()).with_errors(has_errors),
            errors: Errors(errors),
            done,
            id,
            form: form.unwrap_or_else(|| filled_person(&p.person)),
            name: p.person.name,
            summary,
            table,
            history: history
                .iter()
                .map(|v| {
                    format!(
                        "{}: was {} ({}), changed by {} because: {}",
                        v.changed_at.get(..10).unwrap_or(&v.changed_at),
                        v.before.name,
                        birth_text(&v.before.birth),
                        v.changed_by,
                        v.reason
                    )
                })
                .collect(),
            merges: merges
                .iter()
                .map(|m| {
                    (
                        m.id,
                        format!(
                            "Record {} merged in on {} by {}: {}{}",
                            m.merged,
                            m.merged_at.get(..10).unwrap_or(&m.merged_at),
                            m.merged_by,
                            m.reason,
                            if m.undone { " (undone)" } else { "" }
                        ),
                        !m.undone,
                    )
                })
                .collect(),
            may_work: has_any(user, CASE_WORKERS),
            may_run: has_any(user, FORUM_RUNNERS),
            vulnerabilities: VULNERABILITIES
                .map(|v| Choice::new(vulnerability_code(v), v.label()))
                .to_vec(),
        },
    ))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct PersonQuery {
    done: Option<String>,
}

pub(crate) async fn person(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Query(q): Query<PersonQuery>,
) -> Result<Response, WebError> {
    let id: PersonId = id_of(&id)?;
    let done = match q.done.as_deref() {
        Some("rectified") => Some("The record is corrected; the earlier version is kept below."),
        Some("merged") => Some("The records are merged. The merge can be undone below."),
        Some("unmerged") => Some("The merge is undone: the two records are apart again."),
        _ => None,
    };
    person_page(&app, &caller, id, done, None, Vec::new()).await
}

pub(crate) async fn rectify(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, WebError> {
    let id: PersonId = id_of(&id)?;
    let f = Fields::parse(&body);
    let form = person_form(&f, "p1_");
    let mut errors = Vec::new();
    let person = person_of(&form, &mut errors, ["p1_birth_date", "p1_age_from"]);
    let result = match person {
        Some(p) if errors.is_empty() => {
            app.app
                .rectify_person(&caller.actor(), id, &p, &f.one("reason"))
                .await
        }
        _ => Err(AppError::Invalid(
            errors
                .first()
                .map_or_else(|| "Check the record.".into(), |e| e.1.clone()),
        )),
    };
    match result {
        Ok(()) => Ok(http::redirect(&format!("/people/{id}?done=rectified"))),
        Err(AppError::Invalid(m)) => {
            person_page(&app, &caller, id, None, Some(form), vec![("reason", m)]).await
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn merge(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, WebError> {
    let merged: PersonId = id_of(&id)?;
    let f = Fields::parse(&body);
    let result = match f.one("into").trim_start_matches('#').parse::<PersonId>() {
        Err(_) => Err(AppError::Invalid(
            "Enter the number of the record to keep (it is on the warning on the case page)."
                .into(),
        )),
        Ok(kept) => app
            .app
            .merge_people(&caller.actor(), merged, kept, &f.one("merge-reason"))
            .await
            .map(|_| kept),
    };
    match result {
        Ok(kept) => Ok(http::redirect(&format!("/people/{kept}?done=merged"))),
        Err(AppError::Invalid(m) | AppError::Conflict(m)) => {
            person_page(&app, &caller, merged, None, None, vec![("into", m)]).await
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn undo_merge(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let merge: i64 = id
        .parse()
        .map_err(|_| WebError::NotFound(format!("There is no merge {id:?}.")))?;
    let restored = app.app.undo_merge(&caller.actor(), merge).await?;
    Ok(http::redirect(&format!("/people/{restored}?done=unmerged")))
}

pub(crate) async fn delete_person(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, WebError> {
    let id: PersonId = id_of(&id)?;
    let f = Fields::parse(&body);
    match app
        .app
        .delete_person(&caller.actor(), id, &f.one("delete-reason"))
        .await
    {
        Ok(()) => Ok(http::redirect("/cases?done=person-deleted")),
        Err(AppError::Invalid(m)) => {
            person_page(&app, &caller, id, None, None, vec![("delete-reason", m)]).await
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn delete_case(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, WebError> {
    let id: CaseId = id_of(&id)?;
    let f = Fields::parse(&body);
    match app
        .app
        .delete_case(&caller.actor(), id, &f.one("delete-reason"))
        .await
    {
        Ok(_) => Ok(http::redirect("/retention?done=deleted")),
        Err(AppError::Invalid(m)) => {
            let file = app.app.case(&caller.actor(), id).await?;
            case_page(&app, &caller, file, None, vec![("delete-reason", m)]).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "retention.html")]
struct RetentionPage {
    chrome: Chrome,
    done: bool,
    table: Table,
    closed_years: String,
    declined_days: u32,
}

pub(crate) async fn retention(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, WebError> {
    let due = app.app.retention_review(&caller.actor()).await?;
    let rule = app.app.casework().retention;
    let table = Table::new(
        "Cases due for their retention review",
        vec![
            Heading::text("Case"),
            Heading::text("Status"),
            Heading::text("Ended"),
            Heading::text("Review due"),
        ],
    )
    .quiet()
    .rows(
        due.iter()
            .map(|d| {
                vec![
                    Cell::HeadLink {
                        href: format!("/cases/{}#delete", d.case.case.id),
                        text: format!("{} · {}", d.case.case.id, d.case.case.title),
                    },
                    Cell::Tag(status_tag(d.case.case.status)),
                    Cell::text(d.ended.to_string()),
                    Cell::text(d.due.to_string()),
                ]
            })
            .collect(),
    );
    Ok(view::page(&RetentionPage {
        chrome: Chrome::new(&app, &caller, "Retention review"),
        done: q.done.is_some(),
        table,
        closed_years: format!("{:.1}", f64::from(rule.closed_case_days) / 365.25),
        declined_days: rule.declined_referral_days,
    }))
}

#[derive(Template)]
#[template(path = "subject_access.html")]
struct SubjectAccessPage {
    s: safer_app::rights::SubjectAccess,
    birth: String,
    vulnerabilities: String,
    history: Vec<String>,
    back: String,
    pdf_href: String,
}

async fn subject_access_html(
    app: &AppState,
    caller: &Caller,
    id: PersonId,
) -> Result<String, WebError> {
    let s = app.app.subject_access(&caller.actor(), id).await?;
    let page = SubjectAccessPage {
        birth: birth_text(&s.person.birth),
        vulnerabilities: s
            .person
            .vulnerabilities
            .iter()
            .map(|v| v.label())
            .collect::<Vec<_>>()
            .join(", "),
        history: s
            .history
            .iter()
            .map(|v| {
                format!(
                    "{}: {} ({}); changed by {} because: {}",
                    v.changed_at.get(..10).unwrap_or(&v.changed_at),
                    v.before.name,
                    birth_text(&v.before.birth),
                    v.changed_by,
                    v.reason
                )
            })
            .collect(),
        back: format!("/people/{id}"),
        pdf_href: format!("/people/{id}/subject-access.pdf"),
        s,
    };
    page.render()
        .map_err(|e| WebError::Internal(format!("rendering the export: {e}")))
}

pub(crate) async fn subject_access(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id: PersonId = id_of(&id)?;
    Ok(super::report_response(
        subject_access_html(&app, &caller, id).await?,
    ))
}

pub(crate) async fn subject_access_pdf(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id: PersonId = id_of(&id)?;
    let html = subject_access_html(&app, &caller, id).await?;
    super::pdf_download(
        html,
        &format!("subject-access-person-{id}"),
        "subject access export",
    )
    .await
}

pub(crate) async fn subject_access_json(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id: PersonId = id_of(&id)?;
    let s = app.app.subject_access(&caller.actor(), id).await?;
    let json = crate::api::cases::subject_access_json(s);
    let bytes = serde_json::to_vec_pretty(&json)
        .map_err(|e| WebError::Internal(format!("writing the export: {e}")))?;
    Ok(super::download(
        bytes,
        "application/json",
        &format!("subject-access-person-{id}.json"),
    ))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct SearchQuery {
    q: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    chrome: Chrome,
    query: String,
    people: Table,
    cases: Table,
    searched: bool,
    found: usize,
}

pub(crate) async fn search(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<SearchQuery>,
) -> Result<Response, WebError> {
    let found = app.app.search_cases(&caller.actor(), &q.q).await?;
    let people = Table::new(
        "People",
        vec![
            Heading::text("Name"),
            Heading::text("Also known as"),
            Heading::text("Born"),
        ],
    )
    .rows(
        found
            .people
            .iter()
            .map(|(id, p, _)| {
                vec![
                    Cell::HeadLink {
                        href: format!("/people/{id}"),
                        text: p.name.clone(),
                    },
                    Cell::text(p.aliases.join(", ")),
                    Cell::text(birth_text(&p.birth)),
                ]
            })
            .collect(),
    );
    Ok(view::page(&SearchPage {
        chrome: Chrome::new(&app, &caller, "Search cases and people"),
        searched: !q.q.trim().is_empty(),
        found: found.people.len() + found.cases.len(),
        query: q.q,
        people,
        cases: cases_table("Cases", &found.cases),
    }))
}
