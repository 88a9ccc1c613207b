//! Case work: referrals to the forums, the case file (its people,
//! chronology, risk, actions and shares), search, and the forums'
//! meetings with their agendas and minutes.
//!
//! Need to know is the actor's [`CaseScope`] ([`CaseScope::for_user`]),
//! which the store applies in every query: a case outside it, and the
//! people, entries and actions on it, are "not found" to every task here,
//! whichever page, list, search, count, export or API call asks. An
//! attempt on a case that exists outside the scope is audited as
//! `access_denied`, for the administrator's eyes only. Every view, search
//! and export of personal data is audited before it is returned; every
//! change is audited in its own transaction.

use std::collections::{BTreeMap, BTreeSet};

use safer_domain::casework::access::CaseScope;
use safer_domain::casework::case::{CaseRole, CaseStatus, RiskLevel};
use safer_domain::casework::case_action::{CaseActionStatus, days_late, is_overdue};
use safer_domain::casework::chronology::EventKind;
use safer_domain::casework::config::CaseworkConfig;
use safer_domain::casework::meeting::{Agenda, AgendaAction, AgendaCase};
use safer_domain::casework::person::{
    Person, PossibleDuplicate, SEARCH_LIKENESS, normalise_name, search_likeness,
};
use safer_domain::casework::risk::RiskAssessment;
use safer_domain::{Agency, AgencyId, CaseActionId, CaseId, Date, MeetingId, PersonId, Role, User};
use safer_store::DbError;
use safer_store::db::{
    CaseActionUpdate, CaseShare, NewCase, NewCaseAction, NewEvent, StoredCase, StoredCaseAction,
    StoredEvent, StoredMeeting,
};

use crate::{Actor, App, AppError};

/// The audit actions that record a read of case records (views, searches
/// and exports): what an agency's access report lists.
pub const READS_OF_CASE_RECORDS: &[&str] = &[
    "view_cases",
    "view_case",
    "view_person",
    "view_location",
    "view_group",
    "view_case_actions",
    "view_agenda",
    "view_overdue",
    "view_community_triggers",
    "view_community_trigger",
    "export_trigger_letter",
    "view_dhrs",
    "view_dhr",
    "view_retention",
    "search",
    "export_minutes",
    "export_subject_access",
    "access_denied",
];

/// Who reads cases, each within their scope.
pub const CASE_READERS: &[Role] = &[
    Role::JagCoordinator,
    Role::Caseworker,
    Role::AgencyLead,
    Role::CommunitySafetyOfficer,
];
/// Who refers a case to a forum: anyone who reads cases.
pub const REFERRERS: &[Role] = CASE_READERS;
/// Who works cases: notes, incidents, risk assessments, actions, shares.
pub const CASE_WORKERS: &[Role] = &[Role::JagCoordinator, Role::Caseworker];
/// Who runs the forums: decides referrals, holds meetings, records their
/// decisions, closes cases.
pub const FORUM_RUNNERS: &[Role] = &[Role::JagCoordinator];

/// A person on a referral: a new record, or one already held (found by
/// the duplicate check, or on another case).
#[derive(Debug, Clone, PartialEq)]
pub enum PersonOnReferral {
    New(Person),
    Held(PersonId),
}

/// A referral of a case to a forum, as entered.
#[derive(Debug, Clone, PartialEq)]
pub struct Referral {
    pub forum: String,
    pub case_type: String,
    pub title: String,
    pub risk: RiskLevel,
    /// The lead agency; the referrer's own when not given.
    pub lead_agency: Option<AgencyId>,
    pub lead_officer: String,
    /// Other agencies involved (the referrer's is always involved).
    pub involved: Vec<AgencyId>,
    pub reason: String,
    pub people: Vec<(PersonOnReferral, CaseRole)>,
    /// The day referred, when entered later (a referral made on paper);
    /// today when not given, never after it.
    pub referred_on: Option<Date>,
}

/// A person as a case file shows them: their record, their role on this
/// case, and whether they are a repeat victim by the partnership's rule.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonOnCase {
    pub id: PersonId,
    pub person: Person,
    pub role: CaseRole,
    /// Incidents in the repeat window, over the cases the reader may see.
    pub incidents_in_window: usize,
    pub repeat_victim: bool,
    /// Other records the reader may see that may be the same person.
    pub possible_duplicates: Vec<(PersonId, String, PossibleDuplicate)>,
}

/// An action on a case as shown: its owning agency by name, and how late
/// it is today.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseActionView {
    pub action: StoredCaseAction,
    pub agency: String,
    pub days_late: i64,
    /// The reader may record an update (their agency owns it, or they run
    /// the forum).
    pub may_update: bool,
}

/// An action to agree on a case: the agency that owns it, its officer,
/// what is to be done, when by, and the meeting that agreed it, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseActionEntry {
    pub agency: AgencyId,
    pub owner: String,
    pub text: String,
    pub due: Date,
    pub meeting: Option<MeetingId>,
}

/// Everything a reader may see of a case.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseFile {
    pub case: StoredCase,
    pub forum: String,
    pub case_type: String,
    pub lead_agency: String,
    pub involved: Vec<String>,
    pub shared_with: Vec<String>,
    pub people: Vec<PersonOnCase>,
    pub events: Vec<StoredEvent>,
    pub actions: Vec<CaseActionView>,
    pub locations: Vec<(
        safer_domain::LocationId,
        safer_domain::casework::location::Location,
    )>,
    /// The groups on the case, each with its members the reader may see.
    pub groups: Vec<(
        safer_domain::GroupId,
        safer_domain::casework::group::Group,
        Vec<PersonId>,
    )>,
    /// When the forum next reviews it, while it is open.
    pub next_review: Option<Date>,
    /// The escalation ladder of each perpetrator on the case.
    pub ladders: Vec<crate::escalation::Ladder>,
    /// Youth work, place powers and referrals on the case.
    pub records: Vec<(safer_domain::CaseRecordId, safer_store::db::CaseRecordEntry)>,
}

/// A case in a list.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseSummary {
    pub case: StoredCase,
    pub forum: String,
    pub case_type: String,
    pub lead_agency: String,
    pub open_actions: usize,
    pub overdue_actions: usize,
    pub next_review: Option<Date>,
}

/// A person's file: their record and the cases (that the reader may see)
/// they are on, in their role.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonFile {
    pub id: PersonId,
    pub person: Person,
    pub cases: Vec<(CaseSummary, CaseRole)>,
}

/// What a search found, within what the caller may see.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchResults {
    /// People by how alike their name (or an alias) is, best first.
    pub people: Vec<(PersonId, Person, f64)>,
    pub cases: Vec<CaseSummary>,
}

/// A meeting's agenda, resolved for the reader.
#[derive(Debug, Clone, PartialEq)]
pub struct AgendaView {
    pub meeting: StoredMeeting,
    pub forum: String,
    pub referrals: Vec<CaseSummary>,
    pub reviews: Vec<CaseSummary>,
    pub overdue_actions: Vec<CaseActionView>,
    /// The forum's other open cases, not due: the meeting may still
    /// decide on them (a referral accepted at the meeting, say).
    pub others: Vec<CaseSummary>,
}

/// A meeting's minutes, as one recipient agency's copy: the decisions and
/// actions recorded at the meeting on the cases that agency may see, and
/// nothing of the others.
#[derive(Debug, Clone, PartialEq)]
pub struct Minutes {
    pub meeting: StoredMeeting,
    pub forum: String,
    pub attended: Vec<String>,
    /// The agency whose copy this is; `None`: the forum's full copy.
    pub recipient: Option<String>,
    /// Per case, by case id: its title and the decisions and actions.
    pub items: Vec<MinutesItem>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MinutesItem {
    pub case_id: CaseId,
    pub title: String,
    pub decisions: Vec<StoredEvent>,
    pub actions: Vec<CaseActionView>,
}

fn not_found(id: CaseId) -> AppError {
    AppError::NotFound(format!("There is no case {id}."))
}

pub(crate) fn required(text: &str, what: &str) -> Result<String, AppError> {
    let t = text.trim();
    if t.is_empty() {
        Err(AppError::Invalid(format!("Say {what}.")))
    } else {
        Ok(t.to_owned())
    }
}

/// The scope that sees every case: only for telling "outside the scope"
/// from "not there", never for reading on someone's behalf.
fn everything() -> CaseScope {
    CaseScope {
        agency: None,
        denied_types: BTreeSet::new(),
    }
}

impl App {
    /// The partnership's case-work settings.
    pub fn casework(&self) -> &CaseworkConfig {
        &self.casework
    }

    /// The cases the actor may see, as a scope; `None`: none.
    pub fn case_scope(&self, actor: &Actor) -> Option<CaseScope> {
        actor
            .signed_in()
            .and_then(|u| CaseScope::for_user(u, &self.casework.restrictions))
    }

    /// The actor's user and scope, if they hold one of `roles` (else
    /// refused) and may see any case (else not found: a user with the role
    /// but no scope, such as one disabled meanwhile, sees nothing).
    pub(crate) fn scoped<'a>(
        &self,
        actor: &'a Actor,
        roles: &[Role],
        id: Option<CaseId>,
    ) -> Result<(&'a User, CaseScope), AppError> {
        let user = actor.require(roles)?;
        let scope = CaseScope::for_user(user, &self.casework.restrictions).ok_or_else(|| {
            id.map_or_else(
                || AppError::Refused("Your role does not see cases.".into()),
                not_found,
            )
        })?;
        Ok((user, scope))
    }

    /// The answer for a case outside the actor's scope: not found. When it
    /// exists, the attempt is audited as `access_denied`.
    pub(crate) async fn case_out_of_scope(
        &self,
        actor: &Actor,
        id: CaseId,
        e: DbError,
    ) -> AppError {
        if !matches!(e, DbError::NotFound(_)) {
            return e.into();
        }
        match self.db.case_in_scope(id, &everything()).await {
            Ok(_) => {
                let entry = actor.audit(
                    "access_denied",
                    &format!("case {id}"),
                    "outside the actor's need to know",
                );
                match self.db.audit(&entry).await {
                    Ok(()) => not_found(id),
                    Err(e) => e.into(),
                }
            }
            Err(DbError::NotFound(_)) => not_found(id),
            Err(e) => e.into(),
        }
    }

    async fn agency_names(&self) -> Result<BTreeMap<AgencyId, Agency>, AppError> {
        Ok(self
            .db
            .agencies()
            .await?
            .into_iter()
            .map(|a| (a.id, a))
            .collect())
    }

    pub(crate) fn forum_name(&self, id: &str) -> String {
        self.casework
            .forum(id)
            .map_or_else(|| id.to_owned(), |f| f.name.clone())
    }

    fn type_name(&self, id: &str) -> String {
        self.casework
            .case_type(id)
            .map_or_else(|| id.to_owned(), |t| t.name.clone())
    }

    pub(crate) fn next_review_of(&self, c: &StoredCase) -> Option<Date> {
        (c.status == CaseStatus::Open)
            .then(|| self.casework.review.next_review(c.risk, c.last_reviewed))
            .flatten()
    }

    fn summarise(
        &self,
        c: StoredCase,
        actions: &[StoredCaseAction],
        names: &BTreeMap<AgencyId, Agency>,
    ) -> CaseSummary {
        let today = self.today();
        let mine: Vec<&StoredCaseAction> = actions.iter().filter(|a| a.case_id == c.id).collect();
        CaseSummary {
            forum: self.forum_name(&c.forum),
            case_type: self.type_name(&c.case_type),
            lead_agency: names
                .get(&c.lead_agency_id)
                .map_or_else(String::new, |a| a.name.clone()),
            open_actions: mine
                .iter()
                .filter(|a| a.status == CaseActionStatus::Open)
                .count(),
            overdue_actions: mine
                .iter()
                .filter(|a| is_overdue(a.status, a.due, today))
                .count(),
            next_review: self.next_review_of(&c),
            case: c,
        }
    }

    fn action_view(
        &self,
        user: &User,
        a: StoredCaseAction,
        names: &BTreeMap<AgencyId, Agency>,
    ) -> CaseActionView {
        CaseActionView {
            agency: names
                .get(&a.agency_id)
                .map_or_else(String::new, |x| x.name.clone()),
            days_late: days_late(a.status, a.due, self.today()),
            may_update: a.status == CaseActionStatus::Open
                && (user.has(Role::JagCoordinator)
                    || (user.has(Role::Caseworker) && user.agency.id == a.agency_id)),
            action: a,
        }
    }

    /// Refers a case to a forum, with its people (new records, or records
    /// already held that the referrer may see), for anyone who reads
    /// cases; audited as `refer_case`, with the people, in one
    /// transaction. The referrer's agency is always involved, so a
    /// referrer never loses sight of what they referred. The case page
    /// shows which of its people may duplicate a record already held.
    pub async fn refer_case(&self, actor: &Actor, r: &Referral) -> Result<CaseId, AppError> {
        let (user, scope) = self.scoped(actor, REFERRERS, None)?;
        if self.casework.forum(&r.forum).is_none() {
            return Err(AppError::Invalid(format!(
                "There is no forum {:?}: choose one of {}.",
                r.forum,
                self.casework
                    .forums
                    .iter()
                    .map(|f| f.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        if self.casework.case_type(&r.case_type).is_none() {
            return Err(AppError::Invalid(format!(
                "There is no case type {:?}: choose one of {}.",
                r.case_type,
                self.casework
                    .case_types
                    .iter()
                    .map(|t| t.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        if scope.denied_types.contains(&r.case_type) {
            return Err(AppError::Refused(format!(
                "{} cases are restricted to named roles, which yours is not: ask the JAG coordinator to refer it.",
                self.type_name(&r.case_type)
            )));
        }
        let title = required(&r.title, "what the case is about, in a few words")?;
        let reason = required(&r.reason, "why the case is referred")?;
        if r.people.is_empty() {
            return Err(AppError::Invalid(
                "Add at least one person to the referral.".into(),
            ));
        }
        let names = self.agency_names().await?;
        let lead = r.lead_agency.unwrap_or(user.agency.id);
        for a in r.involved.iter().chain([&lead]) {
            if !names.contains_key(a) {
                return Err(AppError::Invalid(format!("There is no agency {a}.")));
            }
        }
        let held = self.db.people_in_scope(&scope, None).await?;
        let mut people = Vec::new();
        let mut new_people = Vec::new();
        for (p, role) in &r.people {
            match p {
                PersonOnReferral::Held(id) => {
                    if !held.iter().any(|(h, _)| h == id) {
                        return Err(AppError::Invalid(format!("There is no person {id}.")));
                    }
                    // The same person in the same role twice is one link.
                    if !people.contains(&(*id, *role)) {
                        people.push((*id, *role));
                    }
                }
                PersonOnReferral::New(person) => {
                    required(&person.name, "the person's name")?;
                    new_people.push((person.clone(), *role));
                }
            }
        }
        let mut involved = r.involved.clone();
        involved.push(user.agency.id);
        let case = NewCase {
            forum: r.forum.clone(),
            case_type: r.case_type.clone(),
            title: title.clone(),
            risk: r.risk,
            lead_agency_id: lead,
            lead_officer: r.lead_officer.trim().to_owned(),
            involved,
            people,
            new_people,
            reason,
            referred_on: self.not_in_future(r.referred_on)?,
            referrer_agency_id: user.agency.id,
        };
        let audit = actor.audit(
            "refer_case",
            "case",
            &format!("to {} ({})", r.forum, r.case_type),
        );
        Ok(self.db.open_case(&case, &actor.name(), &audit).await?)
    }

    /// The cases the actor may see, newest first, with their actions'
    /// counts; audited as `view_cases`.
    pub async fn cases(&self, actor: &Actor) -> Result<Vec<CaseSummary>, AppError> {
        let (_, scope) = self.scoped(actor, CASE_READERS, None)?;
        let cases = self.db.cases(&scope).await?;
        let actions = self.db.case_actions(&scope, None).await?;
        let names = self.agency_names().await?;
        self.db
            .audit(&actor.audit("view_cases", "cases", &format!("{} listed", cases.len())))
            .await?;
        Ok(cases
            .into_iter()
            .map(|c| self.summarise(c, &actions, &names))
            .collect())
    }

    /// Whether the actor may see a case: `Ok` if so, else not found (an
    /// attempt on a case that exists audited as `access_denied`). For
    /// pages about a case that show nothing of it.
    pub async fn require_case(&self, actor: &Actor, id: CaseId) -> Result<(), AppError> {
        let (_, scope) = self.scoped(actor, CASE_READERS, Some(id))?;
        match self.db.case_in_scope(id, &scope).await {
            Ok(_) => Ok(()),
            Err(e) => Err(self.case_out_of_scope(actor, id, e).await),
        }
    }

    /// How many cases the actor may see (not audited: a count names no
    /// one).
    pub async fn count_cases(&self, actor: &Actor) -> Result<u64, AppError> {
        let (_, scope) = self.scoped(actor, CASE_READERS, None)?;
        Ok(self.db.count_cases(&scope).await?)
    }

    /// A case file, for a reader who may see the case (else not found);
    /// audited as `view_case`.
    pub async fn case(&self, actor: &Actor, id: CaseId) -> Result<CaseFile, AppError> {
        let file = self.case_file_unaudited(actor, id).await?;
        self.db
            .audit(&actor.audit("view_case", &format!("case {id}"), ""))
            .await?;
        Ok(file)
    }

    /// The case summaries of a scope (for tasks that list cases in their
    /// own terms and audit themselves).
    pub(crate) async fn cases_in(&self, scope: &CaseScope) -> Result<Vec<CaseSummary>, AppError> {
        let cases = self.db.cases(scope).await?;
        let actions = self.db.case_actions(scope, None).await?;
        let names = self.agency_names().await?;
        Ok(cases
            .into_iter()
            .map(|c| self.summarise(c, &actions, &names))
            .collect())
    }

    /// A case file, scoped but not audited: for the tasks that audit what
    /// they return in their own terms (a subject access export).
    pub(crate) async fn case_file_unaudited(
        &self,
        actor: &Actor,
        id: CaseId,
    ) -> Result<CaseFile, AppError> {
        let (user, scope) = self.scoped(actor, CASE_READERS, Some(id))?;
        let case = match self.db.case_in_scope(id, &scope).await {
            Ok(c) => c,
            Err(e) => return Err(self.case_out_of_scope(actor, id, e).await),
        };
        let names = self.agency_names().await?;
        let name = |a: &AgencyId| names.get(a).map_or_else(String::new, |x| x.name.clone());
        let events = self.db.case_events(&scope, Some(id)).await?;
        let actions = self.db.case_actions(&scope, Some(id)).await?;
        let mut people = Vec::new();
        let held = self.db.people_in_scope(&scope, None).await?;
        // One line per person and role: someone both victim and witness
        // on a case is shown in both roles.
        for (pid, role) in &case.people {
            let pid = *pid;
            let Some((_, person)) = held.iter().find(|(p, _)| *p == pid) else {
                continue;
            };
            let person = person.clone();
            let possible_duplicates = held
                .iter()
                .filter(|(other, _)| *other != pid)
                .filter_map(|(other, o)| {
                    person
                        .possible_duplicate(o)
                        .map(|d| (*other, o.name.clone(), d))
                })
                .collect();
            let (incidents_in_window, repeat_victim) = if *role == CaseRole::Victim {
                let victim_of: BTreeSet<CaseId> = self
                    .db
                    .cases_of_person(pid, &scope)
                    .await?
                    .into_iter()
                    .filter(|(_, r)| *r == CaseRole::Victim)
                    .map(|(c, _)| c)
                    .collect();
                // Repeat victims: the incidents on every case the reader may
                // see on which the person is the victim (read case by case:
                // only those cases' chronologies).
                let mut dates: Vec<Date> = Vec::new();
                for c in &victim_of {
                    let chronology = if *c == id {
                        events.clone()
                    } else {
                        self.db.case_events(&scope, Some(*c)).await?
                    };
                    dates.extend(
                        chronology
                            .iter()
                            .filter(|e| e.event.kind == EventKind::Incident)
                            .map(|e| e.event.on),
                    );
                }
                let rule = self.casework.repeat_victim;
                let today = self.today();
                (rule.in_window(&dates, today), rule.is_repeat(&dates, today))
            } else {
                (0, false)
            };
            people.push(PersonOnCase {
                id: pid,
                person,
                role: *role,
                incidents_in_window,
                repeat_victim,
                possible_duplicates,
            });
        }
        let locations = self.db.locations_in_scope(&scope, Some(id), None).await?;
        let groups = self.db.groups_in_scope(&scope, Some(id), None).await?;
        let perpetrators: Vec<_> = people
            .iter()
            .filter(|p| p.role == CaseRole::Perpetrator)
            .map(|p| (p.id, p.person.name.clone(), p.person.birth))
            .collect();
        let ladders = self.ladders(&scope, &perpetrators).await?;
        let records = self
            .db
            .case_records(&scope, Some(id))
            .await?
            .into_iter()
            .map(|(r, _, e)| (r, e))
            .collect();
        Ok(CaseFile {
            locations,
            groups,
            ladders,
            records,
            forum: self.forum_name(&case.forum),
            case_type: self.type_name(&case.case_type),
            lead_agency: name(&case.lead_agency_id),
            involved: case.involved.iter().map(name).collect(),
            shared_with: case.shared_with.iter().map(name).collect(),
            next_review: self.next_review_of(&case),
            people,
            events,
            actions: actions
                .into_iter()
                .map(|a| self.action_view(user, a, &names))
                .collect(),
            case,
        })
    }

    /// Adds a note or an incident to a case's chronology, for a caseworker
    /// or coordinator who may see it; audited as `add_case_entry`. The day
    /// may be earlier than today (an incident reported late), never later.
    pub async fn add_case_entry(
        &self,
        actor: &Actor,
        id: CaseId,
        kind: EventKind,
        on: Option<Date>,
        text: &str,
    ) -> Result<(), AppError> {
        let (user, scope) = self.scoped(actor, CASE_WORKERS, Some(id))?;
        if !kind.is_entered() {
            return Err(AppError::Invalid(
                "Only notes and incidents are entered by hand: referrals, decisions, shares, risk assessments and closures have their own forms.".into(),
            ));
        }
        let text = required(text, "what happened")?;
        let on = self.not_in_future(on)?;
        let e = NewEvent {
            kind,
            on,
            text,
            risk: None,
            meeting: None,
            author: user.display_name.clone(),
            agency_id: user.agency.id,
        };
        let audit = actor.audit("add_case_entry", &format!("case {id}"), kind.as_str());
        match self.db.add_case_event(id, &scope, &e, &audit).await {
            Err(e) => Err(self.case_out_of_scope(actor, id, e).await),
            Ok(()) => Ok(()),
        }
    }

    pub(crate) fn not_in_future(&self, on: Option<Date>) -> Result<Date, AppError> {
        let today = self.today();
        let on = on.unwrap_or(today);
        if on > today {
            return Err(AppError::Invalid(format!(
                "The day is {on}, after today ({today}): record what has happened."
            )));
        }
        Ok(on)
    }

    /// Records a risk assessment on a case (the questions answered yes,
    /// and the practitioner's judgement, which may raise the level and
    /// never lower it); the case takes the level it gives. Audited as
    /// `assess_risk`.
    pub async fn assess_risk(
        &self,
        actor: &Actor,
        id: CaseId,
        yes: &BTreeSet<String>,
        judgement: Option<RiskLevel>,
        note: &str,
    ) -> Result<RiskAssessment, AppError> {
        let (user, scope) = self.scoped(actor, CASE_WORKERS, Some(id))?;
        let a = self
            .casework
            .risk
            .assess(yes, judgement)
            .map_err(|e| AppError::Invalid(format!("The answers do not fit: {e}.")))?;
        let mut text = format!("Score {}: {}", a.score, a.scored.label());
        if a.raised_by_judgement {
            text.push_str(&format!("; raised to {} by judgement", a.level.label()));
        }
        if !note.trim().is_empty() {
            text.push_str(&format!(". {}", note.trim()));
        }
        let e = NewEvent {
            kind: EventKind::RiskAssessed,
            on: self.today(),
            text,
            risk: Some(a.level),
            meeting: None,
            author: user.display_name.clone(),
            agency_id: user.agency.id,
        };
        let audit = actor.audit(
            "assess_risk",
            &format!("case {id}"),
            &format!("score {} level {}", a.score, a.level.label()),
        );
        match self.db.add_case_event(id, &scope, &e, &audit).await {
            Err(e) => Err(self.case_out_of_scope(actor, id, e).await),
            Ok(()) => Ok(a),
        }
    }

    /// Shares a case the actor may see with another agency, under one of
    /// the partnership's information-sharing agreements and for a reason;
    /// audited as `share_case`, and written in the chronology.
    pub async fn share_case(
        &self,
        actor: &Actor,
        id: CaseId,
        with: AgencyId,
        agreement: &str,
        reason: &str,
    ) -> Result<(), AppError> {
        let (user, scope) = self.scoped(actor, CASE_WORKERS, Some(id))?;
        if !self.casework.agreements.iter().any(|a| a == agreement) {
            return Err(AppError::Invalid(format!(
                "Choose the information-sharing agreement the share rests on: one of {}.",
                self.casework.agreements.join("; ")
            )));
        }
        let reason = required(reason, "why the case is shared")?;
        let names = self.agency_names().await?;
        let Some(to) = names.get(&with) else {
            return Err(AppError::Invalid(format!("There is no agency {with}.")));
        };
        let audit = actor.audit(
            "share_case",
            &format!("case {id}"),
            &format!("with {} under {agreement}", to.name),
        );
        let share = CaseShare {
            with,
            agreement,
            reason: &reason,
        };
        let e = NewEvent {
            kind: EventKind::Shared,
            on: self.today(),
            text: format!("Shared with {} under {agreement}: {reason}", to.name),
            risk: None,
            meeting: None,
            author: user.display_name.clone(),
            agency_id: user.agency.id,
        };
        match self
            .db
            .share_case(id, &share, &scope, &actor.name(), Some(&e), &audit)
            .await
        {
            Err(e) => Err(self.case_out_of_scope(actor, id, e).await),
            Ok(()) => Ok(()),
        }
    }

    /// Accepts or declines a referral, for the forum's coordinator; a
    /// decline needs its reason. Audited as `decide_referral`.
    pub async fn decide_referral(
        &self,
        actor: &Actor,
        id: CaseId,
        accept: bool,
        reason: &str,
    ) -> Result<(), AppError> {
        let (user, scope) = self.scoped(actor, FORUM_RUNNERS, Some(id))?;
        let (to, kind, text) = if accept {
            let t = reason.trim();
            (
                CaseStatus::Open,
                EventKind::Accepted,
                if t.is_empty() {
                    "Accepted by the forum".to_owned()
                } else {
                    t.to_owned()
                },
            )
        } else {
            (
                CaseStatus::Declined,
                EventKind::Declined,
                required(reason, "why the referral is declined")?,
            )
        };
        self.move_case(actor, user, &scope, id, to, kind, text, "decide_referral")
            .await
    }

    /// Closes an open case with its outcome, for the forum's coordinator;
    /// audited as `close_case`. Its open actions stay as they are, for the
    /// agencies to finish or cancel.
    pub async fn close_case(
        &self,
        actor: &Actor,
        id: CaseId,
        outcome: &str,
    ) -> Result<(), AppError> {
        let (user, scope) = self.scoped(actor, FORUM_RUNNERS, Some(id))?;
        let outcome = required(outcome, "the outcome")?;
        self.move_case(
            actor,
            user,
            &scope,
            id,
            CaseStatus::Closed,
            EventKind::Closed,
            outcome,
            "close_case",
        )
        .await
    }

    /// Refers a closed or declined case again, for anyone who may refer
    /// and see it; audited as `refer_again`.
    pub async fn refer_again(
        &self,
        actor: &Actor,
        id: CaseId,
        reason: &str,
    ) -> Result<(), AppError> {
        let (user, scope) = self.scoped(actor, REFERRERS, Some(id))?;
        let reason = required(reason, "why the case is referred again")?;
        self.move_case(
            actor,
            user,
            &scope,
            id,
            CaseStatus::Referred,
            EventKind::Reopened,
            reason,
            "refer_again",
        )
        .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn move_case(
        &self,
        actor: &Actor,
        user: &User,
        scope: &CaseScope,
        id: CaseId,
        to: CaseStatus,
        kind: EventKind,
        text: String,
        action: &str,
    ) -> Result<(), AppError> {
        let e = NewEvent {
            kind,
            on: self.today(),
            text,
            risk: None,
            meeting: None,
            author: user.display_name.clone(),
            agency_id: user.agency.id,
        };
        let audit = actor.audit(action, &format!("case {id}"), kind.as_str());
        match self.db.move_case(id, scope, to, &e, &audit).await {
            Err(e @ DbError::NotFound(_)) => Err(self.case_out_of_scope(actor, id, e).await),
            Err(DbError::Conflict(m)) => Err(AppError::Conflict(format!(
                "{}{}.",
                m[..1].to_uppercase(),
                &m[1..]
            ))),
            Err(e) => Err(e.into()),
            Ok(()) => Ok(()),
        }
    }

    /// Agrees an action on a case for an agency and its officer, due on a
    /// day, for a caseworker or coordinator who may see the case (at a
    /// meeting, when one is given); audited as `add_case_action`. The
    /// owning agency must be involved or shared with, except when the
    /// forum's coordinator gives it the action: it then becomes involved,
    /// so that it sees what it is to do.
    pub async fn add_case_action(
        &self,
        actor: &Actor,
        id: CaseId,
        entry: &CaseActionEntry,
    ) -> Result<CaseActionId, AppError> {
        let CaseActionEntry {
            agency,
            owner,
            text,
            due,
            meeting,
        } = entry.clone();
        let (user, scope) = self.scoped(actor, CASE_WORKERS, Some(id))?;
        let text = required(&text, "what is to be done")?;
        let owner = required(&owner, "who owns the action")?;
        let names = self.agency_names().await?;
        let Some(to) = names.get(&agency) else {
            return Err(AppError::Invalid(format!("There is no agency {agency}.")));
        };
        let case = match self.db.case_in_scope(id, &scope).await {
            Ok(c) => c,
            Err(e) => return Err(self.case_out_of_scope(actor, id, e).await),
        };
        let knows = case.involved.contains(&agency) || case.shared_with.contains(&agency);
        if !knows && !user.has(Role::JagCoordinator) {
            return Err(AppError::Invalid(format!(
                "{} is not involved in the case: share the case with it first, or ask the forum's coordinator to give it the action.",
                to.name
            )));
        }
        if let Some(m) = meeting {
            self.db.meeting(m).await?;
        }
        let a = NewCaseAction {
            agency_id: agency,
            owner,
            text,
            due,
            meeting,
        };
        let audit = actor.audit(
            "add_case_action",
            &format!("case {id}"),
            &format!("for {} due {due}", to.name),
        );
        match self
            .db
            .add_case_action(id, &scope, &a, &actor.name(), &audit)
            .await
        {
            Err(e) => Err(self.case_out_of_scope(actor, id, e).await),
            Ok(x) => Ok(x),
        }
    }

    /// Records an update of a case action: by a caseworker of the agency
    /// that owns it, or the coordinator (else not found); audited as
    /// `update_case_action`.
    pub async fn update_case_action(
        &self,
        actor: &Actor,
        action: CaseActionId,
        status: CaseActionStatus,
        text: &str,
    ) -> Result<CaseId, AppError> {
        let user = actor.require(CASE_WORKERS)?;
        let missing = || AppError::NotFound(format!("There is no case action {action}."));
        let scope = CaseScope::for_user(user, &self.casework.restrictions).ok_or_else(missing)?;
        let text = required(text, "what has been done")?;
        let owner = (!user.has(Role::JagCoordinator)).then_some(user.agency.id);
        let u = CaseActionUpdate {
            status,
            text,
            author: user.display_name.clone(),
            on: self.today(),
        };
        let audit = actor.audit(
            "update_case_action",
            &format!("case action {action}"),
            status.as_str(),
        );
        let case = self
            .db
            .case_actions(&scope, None)
            .await?
            .into_iter()
            .find(|a| a.id == action)
            .map(|a| a.case_id);
        match self
            .db
            .update_case_action(action, &scope, owner, &u, &audit)
            .await
        {
            Err(DbError::NotFound(_)) => {
                let entry = actor.audit(
                    "access_denied",
                    &format!("case action {action}"),
                    "not the actor's agency's action, or outside their need to know",
                );
                self.db.audit(&entry).await?;
                Err(missing())
            }
            Err(e) => Err(e.into()),
            Ok(()) => case.ok_or_else(missing),
        }
    }

    /// The open actions the actor's agency owns on the cases they may see
    /// (for a coordinator: every open action), by due date, the overdue
    /// first; audited as `view_case_actions`.
    pub async fn my_case_actions(
        &self,
        actor: &Actor,
    ) -> Result<Vec<(CaseActionView, String)>, AppError> {
        let (user, scope) = self.scoped(actor, CASE_READERS, None)?;
        let names = self.agency_names().await?;
        let cases: BTreeMap<CaseId, String> = self
            .db
            .cases(&scope)
            .await?
            .into_iter()
            .map(|c| (c.id, c.title))
            .collect();
        let mut out: Vec<(CaseActionView, String)> = self
            .db
            .case_actions(&scope, None)
            .await?
            .into_iter()
            .filter(|a| a.status == CaseActionStatus::Open)
            .filter(|a| user.has(Role::JagCoordinator) || a.agency_id == user.agency.id)
            .map(|a| {
                let title = cases.get(&a.case_id).cloned().unwrap_or_default();
                (self.action_view(user, a, &names), title)
            })
            .collect();
        out.sort_by(|a, b| {
            b.0.days_late
                .cmp(&a.0.days_late)
                .then(a.0.action.due.cmp(&b.0.action.due))
        });
        self.db
            .audit(&actor.audit(
                "view_case_actions",
                "case actions",
                &format!("{} listed", out.len()),
            ))
            .await?;
        Ok(out)
    }

    /// How many open case actions the actor's agency owns (a coordinator:
    /// all) on the cases they may see, and how many of them are overdue;
    /// `None` for a role that works no cases. Not audited: counts name no
    /// one.
    pub async fn case_action_counts(
        &self,
        actor: &Actor,
    ) -> Result<Option<(usize, usize)>, AppError> {
        let Some(user) = actor.signed_in().filter(|u| u.has_any(CASE_READERS)) else {
            return Ok(None);
        };
        let Some(scope) = CaseScope::for_user(user, &self.casework.restrictions) else {
            return Ok(None);
        };
        let owner = (!user.has(Role::JagCoordinator)).then_some(user.agency.id);
        let (open, overdue) = self
            .db
            .count_open_case_actions(&scope, owner, self.today())
            .await?;
        Ok(Some((open as usize, overdue as usize)))
    }

    /// A person's file, for a reader who may see a case they are on (else
    /// not found); audited as `view_person`.
    pub async fn person(&self, actor: &Actor, id: PersonId) -> Result<PersonFile, AppError> {
        let (_, scope) = self.scoped(actor, CASE_READERS, None)?;
        let Some((_, person)) = self
            .db
            .people_in_scope(&scope, Some(id))
            .await?
            .into_iter()
            .next()
        else {
            return Err(AppError::NotFound(format!("There is no person {id}.")));
        };
        let names = self.agency_names().await?;
        let actions = self.db.case_actions(&scope, None).await?;
        let mut cases = Vec::new();
        for (case_id, role) in self.db.cases_of_person(id, &scope).await? {
            let c = self.db.case_in_scope(case_id, &scope).await?;
            cases.push((self.summarise(c, &actions, &names), role));
        }
        self.db
            .audit(&actor.audit("view_person", &format!("person {id}"), ""))
            .await?;
        Ok(PersonFile { id, person, cases })
    }

    /// Searches the people (by name and alias, tolerant of typing slips)
    /// and cases (by title, or number) the actor may see; audited as
    /// `search`, with what was searched for.
    pub async fn search_cases(
        &self,
        actor: &Actor,
        query: &str,
    ) -> Result<SearchResults, AppError> {
        let (_, scope) = self.scoped(actor, CASE_READERS, None)?;
        let q = query.trim();
        if q.is_empty() {
            return Ok(SearchResults::default());
        }
        let wanted = normalise_name(q);
        let mut people: Vec<(PersonId, Person, f64)> = self
            .db
            .people_in_scope(&scope, None)
            .await?
            .into_iter()
            .filter_map(|(id, p)| {
                let best = std::iter::once(&p.name)
                    .chain(&p.aliases)
                    .map(|n| search_likeness(&wanted, &normalise_name(n)))
                    .fold(0.0, f64::max);
                (best >= SEARCH_LIKENESS).then_some((id, p, best))
            })
            .collect();
        people.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)));
        let names = self.agency_names().await?;
        let actions = self.db.case_actions(&scope, None).await?;
        let lower = q.to_lowercase();
        let number = q.trim_start_matches('#').parse::<i64>().ok();
        let cases = self
            .db
            .cases(&scope)
            .await?
            .into_iter()
            .filter(|c| Some(c.id.get()) == number || c.title.to_lowercase().contains(&lower))
            .map(|c| self.summarise(c, &actions, &names))
            .collect();
        self.db
            .audit(&actor.audit("search", "cases and people", q))
            .await?;
        Ok(SearchResults { people, cases })
    }

    /// Records a meeting of a forum, its chair and the agencies attending,
    /// for the coordinator; audited as `add_meeting`.
    pub async fn add_meeting(
        &self,
        actor: &Actor,
        forum: &str,
        on: Date,
        chair: &str,
        attended: &[AgencyId],
    ) -> Result<MeetingId, AppError> {
        actor.require(FORUM_RUNNERS)?;
        if self.casework.forum(forum).is_none() {
            return Err(AppError::Invalid(format!("There is no forum {forum:?}.")));
        }
        let chair = required(chair, "who chairs the meeting")?;
        let names = self.agency_names().await?;
        if let Some(a) = attended.iter().find(|a| !names.contains_key(a)) {
            return Err(AppError::Invalid(format!("There is no agency {a}.")));
        }
        let audit = actor.audit("add_meeting", "meeting", &format!("{forum} on {on}"));
        Ok(self
            .db
            .add_meeting(forum, on, &chair, attended, &actor.name(), &audit)
            .await?)
    }

    /// The meetings held, latest first (for anyone who reads cases: a
    /// meeting names no one).
    pub async fn meetings(&self, actor: &Actor) -> Result<Vec<(StoredMeeting, String)>, AppError> {
        actor.require(CASE_READERS)?;
        Ok(self
            .db
            .meetings(None)
            .await?
            .into_iter()
            .map(|m| {
                let f = self.forum_name(&m.forum);
                (m, f)
            })
            .collect())
    }

    /// A meeting's agenda, built from the forum's cases the actor may see:
    /// referrals awaiting a decision, cases due for review by the meeting
    /// day, and actions overdue by then. Audited as `view_agenda`.
    pub async fn agenda(&self, actor: &Actor, id: MeetingId) -> Result<AgendaView, AppError> {
        let (user, scope) = self.scoped(actor, CASE_READERS, None)?;
        let meeting = self.db.meeting(id).await?;
        let cases: Vec<StoredCase> = self
            .db
            .cases(&scope)
            .await?
            .into_iter()
            .filter(|c| c.forum == meeting.forum)
            .collect();
        let actions: Vec<StoredCaseAction> = self
            .db
            .case_actions(&scope, None)
            .await?
            .into_iter()
            .filter(|a| cases.iter().any(|c| c.id == a.case_id))
            .collect();
        let agenda = Agenda::build(
            meeting.held_on,
            &cases
                .iter()
                .map(|c| AgendaCase {
                    id: c.id,
                    status: c.status,
                    risk: c.risk,
                    last_reviewed: c.last_reviewed,
                })
                .collect::<Vec<_>>(),
            &actions
                .iter()
                .map(|a| AgendaAction {
                    id: a.id,
                    case: a.case_id,
                    status: a.status,
                    due: a.due,
                })
                .collect::<Vec<_>>(),
            &self.casework.review,
        );
        let names = self.agency_names().await?;
        let pick = |ids: &[CaseId]| -> Vec<CaseSummary> {
            ids.iter()
                .filter_map(|id| cases.iter().find(|c| c.id == *id))
                .map(|c| self.summarise(c.clone(), &actions, &names))
                .collect()
        };
        let referrals = pick(&agenda.referrals);
        let reviews = pick(&agenda.reviews);
        let others = pick(
            &cases
                .iter()
                .filter(|c| c.status == CaseStatus::Open && !agenda.reviews.contains(&c.id))
                .map(|c| c.id)
                .collect::<Vec<_>>(),
        );
        let overdue_actions = agenda
            .overdue_actions
            .iter()
            .filter_map(|id| actions.iter().find(|a| a.id == *id))
            .map(|a| {
                let mut v = self.action_view(user, a.clone(), &names);
                v.days_late = days_late(a.status, a.due, meeting.held_on);
                v
            })
            .collect();
        self.db
            .audit(&actor.audit("view_agenda", &format!("meeting {id}"), ""))
            .await?;
        Ok(AgendaView {
            forum: self.forum_name(&meeting.forum),
            meeting,
            referrals,
            reviews,
            overdue_actions,
            others,
        })
    }

    /// Records the forum's decision on a case at a meeting (it counts as
    /// the case's review), for the coordinator; audited as
    /// `record_decision`.
    pub async fn record_decision(
        &self,
        actor: &Actor,
        meeting: MeetingId,
        id: CaseId,
        text: &str,
    ) -> Result<(), AppError> {
        let (user, scope) = self.scoped(actor, FORUM_RUNNERS, Some(id))?;
        let m = self.db.meeting(meeting).await?;
        let text = required(text, "what the forum decided")?;
        let e = NewEvent {
            kind: EventKind::Decision,
            on: m.held_on,
            text,
            risk: None,
            meeting: Some(meeting),
            author: user.display_name.clone(),
            agency_id: user.agency.id,
        };
        let audit = actor.audit(
            "record_decision",
            &format!("case {id}"),
            &format!("at meeting {meeting}"),
        );
        match self.db.add_case_event(id, &scope, &e, &audit).await {
            Err(e) => Err(self.case_out_of_scope(actor, id, e).await),
            Ok(()) => Ok(()),
        }
    }

    /// A meeting's minutes. A coordinator may ask for any agency's copy
    /// (`for_agency`) or the full one; anyone else gets their own agency's
    /// copy. A copy holds the decisions and actions of the meeting on the
    /// cases its agency may see (restricted types only in the full copy),
    /// and nothing at all of the others. Audited as `export_minutes`.
    pub async fn minutes(
        &self,
        actor: &Actor,
        id: MeetingId,
        for_agency: Option<AgencyId>,
    ) -> Result<Minutes, AppError> {
        let user = actor.require(CASE_READERS)?;
        let names = self.agency_names().await?;
        let recipient = if user.has(Role::JagCoordinator) {
            for_agency
        } else {
            Some(user.agency.id)
        };
        if let Some(a) = recipient
            && !names.contains_key(&a)
        {
            return Err(AppError::Invalid(format!("There is no agency {a}.")));
        }
        // A recipient agency's copy is what that agency may see, with the
        // restricted types left out; the full copy is the coordinator's.
        let scope = match recipient {
            Some(a) => CaseScope {
                agency: Some(a),
                denied_types: self.casework.restrictions.types.keys().cloned().collect(),
            },
            None => CaseScope::for_user(user, &self.casework.restrictions)
                .ok_or_else(|| AppError::Refused("Your role does not see cases.".into()))?,
        };
        let meeting = self.db.meeting(id).await?;
        let events = self.db.case_events(&scope, None).await?;
        let actions = self.db.case_actions(&scope, None).await?;
        let mut items: BTreeMap<CaseId, MinutesItem> = BTreeMap::new();
        for c in self.db.cases(&scope).await? {
            let decisions: Vec<StoredEvent> = events
                .iter()
                .filter(|e| e.case_id == c.id && e.meeting == Some(id))
                .cloned()
                .collect();
            let acts: Vec<CaseActionView> = actions
                .iter()
                .filter(|a| a.case_id == c.id && a.meeting == Some(id))
                .map(|a| self.action_view(user, a.clone(), &names))
                .collect();
            if !decisions.is_empty() || !acts.is_empty() {
                items.insert(
                    c.id,
                    MinutesItem {
                        case_id: c.id,
                        title: c.title,
                        decisions,
                        actions: acts,
                    },
                );
            }
        }
        let name = |a: &AgencyId| names.get(a).map_or_else(String::new, |x| x.name.clone());
        self.db
            .audit(&actor.audit(
                "export_minutes",
                &format!("meeting {id}"),
                &recipient.map_or_else(
                    || "full copy".to_owned(),
                    |a| format!("copy for {}", name(&a)),
                ),
            ))
            .await?;
        Ok(Minutes {
            forum: self.forum_name(&meeting.forum),
            attended: meeting.attended.iter().map(name).collect(),
            recipient: recipient.map(|a| name(&a)),
            meeting,
            items: items.into_values().collect(),
        })
    }
}
