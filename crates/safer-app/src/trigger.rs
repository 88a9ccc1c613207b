//! The ASB case review (Community Trigger, ASB, Crime and Policing Act 2014
//! ss104–105): applications from the public form (no sign-in, limited per
//! address) or from staff, the threshold decided by the rules engine
//! (`safer_domain::casework::trigger`) with its explanation, letters from
//! the partnership's templates, the review, its recommendations and their
//! follow-up, the appeal, and the s104(10) figures.
//!
//! Applications are read by the partnership's point of contact (the
//! community safety officer and the JAG coordinator: every application)
//! and by caseworkers of the lead agency (theirs); anyone else is told
//! there is no such application. Every read and change is audited.

use std::collections::HashMap;
use std::sync::Mutex;

use safer_domain::casework::clock::{ClockState, state};
use safer_domain::casework::letters::LetterKind;
use safer_domain::casework::trigger::{Assessment, Complaint, Route, Verdict, assess};
use safer_domain::{AgencyId, BankHolidays, CaseId, Date, Role, TriggerId, User};
use safer_store::db::{NewTrigger, StoredTrigger, TriggerChange, TriggerFigures, TriggerReader};

pub use safer_store::db::{TriggerChannel, TriggerComplaint};

use crate::casework::required;
use crate::{Actor, App, AppError};

/// Who handles applications: every one of them.
pub const TRIGGER_HANDLERS: &[Role] = &[Role::CommunitySafetyOfficer, Role::JagCoordinator];
/// Who reads applications: the handlers, and caseworkers of the lead
/// agency.
pub const TRIGGER_READERS: &[Role] = &[
    Role::CommunitySafetyOfficer,
    Role::JagCoordinator,
    Role::Caseworker,
];

/// Applications the public form takes from one address in an hour, before
/// it asks the applicant to telephone instead: enough for a household, too
/// few for a flood.
pub const PUBLIC_APPLICATIONS_PER_HOUR: usize = 5;

/// The public form's limiter, by source address.
#[derive(Debug, Default)]
pub(crate) struct PublicLimiter(Mutex<HashMap<String, Vec<i64>>>);

/// An application as made on the public form or entered by staff.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Application {
    pub applicant_name: String,
    pub applicant_contact: String,
    /// Made for someone else: the victim's name and who the applicant is
    /// to them; they must have the victim's consent.
    pub on_behalf_of: Option<String>,
    pub relationship: Option<String>,
    pub consent: bool,
    pub address: String,
    pub behaviour: String,
    pub no_effective_action: bool,
    pub youth: bool,
    /// The complaints the applicant lists.
    pub complaints: Vec<TriggerComplaint>,
    /// The day received (staff may enter a posted application late).
    pub received_on: Option<Date>,
}

/// One clock of an application.
#[derive(Debug, Clone, PartialEq)]
pub struct TriggerClock {
    pub what: &'static str,
    pub state: ClockState,
}

/// An application as its handler sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct TriggerFile {
    pub stored: StoredTrigger,
    /// The threshold as the rules find it today (before the decision), or
    /// as the decision recorded it.
    pub assessment: Assessment,
    pub decided: bool,
    pub lead_agency: Option<String>,
    pub clocks: Vec<TriggerClock>,
    /// The applicant's earlier applications within the window (a second
    /// application about the same behaviour is flagged to the reviewer).
    pub earlier: Vec<(String, Date)>,
    /// Linked cases, and whether the reader may open each.
    pub cases: Vec<(CaseId, bool)>,
    pub appeal_to: &'static str,
}

/// The threshold decision a handler records.
#[derive(Debug, Clone, PartialEq)]
pub enum ThresholdDecision {
    /// Met: by the rules, or on discretion (s104(5)) with the reason.
    Met {
        note: String,
    },
    NotMet {
        note: String,
    },
    /// Rejected as malicious or vexatious, with the reason.
    Rejected {
        note: String,
    },
}

/// The s104(10) publication for a period.
#[derive(Debug, Clone, PartialEq)]
pub struct TriggerStatistics {
    pub first: Date,
    pub last: Date,
    pub figures: TriggerFigures,
}

fn channel_label(c: TriggerChannel) -> &'static str {
    match c {
        TriggerChannel::PublicForm => "public form",
        TriggerChannel::Staff => "staff",
    }
}

/// The words for why a complaint did or did not count.
pub fn explain_verdict(v: &Verdict) -> String {
    match v {
        Verdict::Counts => "Counts".into(),
        Verdict::ReportedTooLate { within_by } => {
            format!(
                "Not counted: reported after {within_by}, more than a month after the behaviour"
            )
        }
        Verdict::TooOldForApplication { counted_until } => format!(
            "Not counted: the complaint counts for applications made by {counted_until}, six months after it"
        ),
        Verdict::SameIncidentAs { first } => {
            format!("Not counted again: the same incident as {first}")
        }
        Verdict::SameComplainantAs { first } => {
            format!("Not counted again: the same complainant as {first}")
        }
        other => format!("Not counted: {}", other.label().to_lowercase()),
    }
}

impl App {
    fn trigger_reader<'a>(&self, actor: &'a Actor) -> Result<(&'a User, TriggerReader), AppError> {
        let user = actor.require(TRIGGER_READERS)?;
        if user.roles.iter().any(|r| TRIGGER_HANDLERS.contains(r)) {
            Ok((user, TriggerReader::All))
        } else {
            Ok((user, TriggerReader::Lead(user.agency.id)))
        }
    }

    fn handler<'a>(&self, actor: &'a Actor) -> Result<&'a User, AppError> {
        actor.require(TRIGGER_HANDLERS)
    }

    fn check_application(&self, a: &Application) -> Result<Application, AppError> {
        let mut a = a.clone();
        a.applicant_name = required(&a.applicant_name, "your name")?;
        a.applicant_contact = required(
            &a.applicant_contact,
            "how we can contact you (an email address or telephone number)",
        )?;
        a.address = required(
            &a.address,
            "the address or place where the behaviour happens",
        )?;
        a.behaviour = required(&a.behaviour, "what the behaviour is and how it affects you")?;
        for (n, field) in [
            (200, &a.applicant_name),
            (200, &a.applicant_contact),
            (500, &a.address),
            (10_000, &a.behaviour),
        ] {
            if field.chars().count() > n {
                return Err(AppError::Invalid(format!(
                    "Keep each answer to {n} characters or fewer."
                )));
            }
        }
        if let Some(v) = a.on_behalf_of.as_deref().map(str::trim) {
            if v.is_empty() {
                a.on_behalf_of = None;
            } else {
                a.on_behalf_of = Some(v.to_owned());
                if !a.consent {
                    return Err(AppError::Invalid(
                        "An application on someone's behalf needs their consent: confirm you have it.".into(),
                    ));
                }
                if a.relationship
                    .as_deref()
                    .is_none_or(|r| r.trim().is_empty())
                {
                    return Err(AppError::Invalid(
                        "Say who you are to the person you are applying for (family member, carer, councillor…).".into(),
                    ));
                }
            }
        }
        if a.complaints.len() > 50 {
            return Err(AppError::Invalid("List at most 50 complaints.".into()));
        }
        let today = self.today();
        for (i, c) in a.complaints.iter().enumerate() {
            if c.behaviour_on > today || c.reported_on > today {
                return Err(AppError::Invalid(format!(
                    "Complaint {}: the days are after today ({today}).",
                    i + 1
                )));
            }
            if c.reported_to.trim().is_empty() {
                return Err(AppError::Invalid(format!(
                    "Complaint {}: say who it was reported to.",
                    i + 1
                )));
            }
        }
        Ok(a)
    }

    fn new_trigger(&self, a: &Application, channel: TriggerChannel, received: Date) -> NewTrigger {
        NewTrigger {
            received_on: received,
            channel,
            applicant_name: a.applicant_name.clone(),
            applicant_contact: a.applicant_contact.clone(),
            victim_name: a.on_behalf_of.clone(),
            relationship: a.on_behalf_of.as_ref().and(a.relationship.clone()),
            consent: a.consent || a.on_behalf_of.is_none(),
            address: a.address.clone(),
            behaviour: a.behaviour.clone(),
            no_effective_action: a.no_effective_action,
            youth: a.youth,
        }
    }

    /// An application from the public form, with no sign-in: limited to
    /// [`PUBLIC_APPLICATIONS_PER_HOUR`] per address, audited as
    /// `apply_community_trigger`. Returns the reference to acknowledge
    /// with.
    pub async fn apply_for_case_review(
        &self,
        actor: &Actor,
        a: &Application,
    ) -> Result<String, AppError> {
        let now = self.now().unix_seconds();
        {
            let Ok(mut map) = self.public_forms.0.lock() else {
                return Err(AppError::Internal("the form's limiter failed".into()));
            };
            map.retain(|_, times| {
                times.retain(|t| now - t < 3600);
                !times.is_empty()
            });
            let times = map.entry(actor.source().to_owned()).or_default();
            if times.len() >= PUBLIC_APPLICATIONS_PER_HOUR {
                return Err(AppError::Refused(
                    "We have had several applications from your connection in the last hour. Please try again later, or telephone the council's community safety team.".into(),
                ));
            }
            times.push(now);
        }
        let a = self.check_application(a)?;
        let new = self.new_trigger(&a, TriggerChannel::PublicForm, self.today());
        let audit = actor.audit("apply_community_trigger", "application", "public form");
        let (_, reference) = self
            .db
            .add_trigger(&new, &a.complaints, "public form", &audit)
            .await?;
        Ok(reference)
    }

    /// An application entered by staff (by telephone, letter or in
    /// person); audited as `record_community_trigger`.
    pub async fn record_case_review_application(
        &self,
        actor: &Actor,
        a: &Application,
    ) -> Result<TriggerId, AppError> {
        let user = self.handler(actor)?;
        let a = self.check_application(a)?;
        let received = self.not_in_future(a.received_on)?;
        let new = self.new_trigger(&a, TriggerChannel::Staff, received);
        let audit = actor.audit("record_community_trigger", "application", "staff");
        let (id, _) = self
            .db
            .add_trigger(&new, &a.complaints, &user.display_name, &audit)
            .await?;
        Ok(id)
    }

    /// The applications the actor may read, newest first; audited as
    /// `view_community_triggers`.
    pub async fn case_review_applications(
        &self,
        actor: &Actor,
    ) -> Result<Vec<StoredTrigger>, AppError> {
        let (_, reader) = self.trigger_reader(actor)?;
        let list = self.db.triggers(reader).await?;
        self.db
            .audit(&actor.audit(
                "view_community_triggers",
                "applications",
                &format!("{} listed", list.len()),
            ))
            .await?;
        Ok(list)
    }

    /// The complaints the rules weigh: those on the application and the
    /// incidents on its linked cases (each a report to the agency on the
    /// day it is dated).
    async fn complaints_of(&self, t: &StoredTrigger) -> Result<Vec<Complaint>, AppError> {
        let mut out: Vec<Complaint> = t
            .complaints
            .iter()
            .enumerate()
            .map(|(i, c)| Complaint {
                incident: c.incident_ref.clone().filter(|r| !r.trim().is_empty()),
                complainant: c.complainant.clone().filter(|r| !r.trim().is_empty()),
                location: None,
                hate: c.hate,
                youth: t.new.youth,
                ..Complaint::new(
                    format!("complaint {}", i + 1),
                    c.behaviour_on,
                    c.reported_on,
                    c.reported_to.clone(),
                )
            })
            .collect();
        for (case, event, on, _, agency) in self.db.trigger_case_incidents(t.id).await? {
            out.push(Complaint {
                youth: t.new.youth,
                ..Complaint::new(format!("case {case} incident {event}"), on, on, agency)
            });
        }
        Ok(out)
    }

    async fn trigger_in_reach(
        &self,
        actor: &Actor,
        id: TriggerId,
    ) -> Result<(TriggerReader, StoredTrigger), AppError> {
        let (_, reader) = self.trigger_reader(actor)?;
        match self.db.trigger(id, reader).await? {
            Some(t) => Ok((reader, t)),
            None => {
                if self.db.trigger(id, TriggerReader::All).await?.is_some() {
                    self.db
                        .audit(&actor.audit(
                            "access_denied",
                            &format!("application {id}"),
                            "not the lead agency's application",
                        ))
                        .await?;
                }
                Err(AppError::NotFound(format!("There is no application {id}.")))
            }
        }
    }

    /// One application with its assessment, clocks and flags; audited as
    /// `view_community_trigger`.
    pub async fn case_review_application(
        &self,
        actor: &Actor,
        id: TriggerId,
    ) -> Result<TriggerFile, AppError> {
        let file = self.trigger_file(actor, id).await?;
        self.db
            .audit(&actor.audit(
                "view_community_trigger",
                &format!("application {}", file.stored.reference),
                "",
            ))
            .await?;
        Ok(file)
    }

    async fn trigger_file(&self, actor: &Actor, id: TriggerId) -> Result<TriggerFile, AppError> {
        let (_, t) = self.trigger_in_reach(actor, id).await?;
        let rules = &self.casework.community_trigger;
        let decided = t.decided_on.is_some();
        let assessment = match t.assessment.as_deref().filter(|_| decided) {
            Some(json) => serde_json::from_str(json)
                .map_err(|e| AppError::Internal(format!("a stored assessment: {e}")))?,
            None => assess(
                t.new.received_on,
                t.new.no_effective_action,
                &self.complaints_of(&t).await?,
                rules,
            ),
        };
        let clocks = self.trigger_clocks(&t)?;
        let earlier: Vec<(String, Date)> = self
            .db
            .earlier_triggers(t.id, &t.new.applicant_name, &t.new.applicant_contact)
            .await?
            .into_iter()
            .filter(|(_, on)| {
                *on <= t.new.received_on
                    && safer_domain::casework::trigger::repeat_application(
                        &[*on],
                        t.new.received_on,
                        rules,
                    )
                    .is_some()
            })
            .collect();
        let scope = self.case_scope(actor);
        let mut cases = Vec::new();
        for c in &t.cases {
            let visible = match &scope {
                Some(s) => self.db.case_in_scope(*c, s).await.is_ok(),
                None => false,
            };
            cases.push((*c, visible));
        }
        let lead_agency = match t.lead_agency_id {
            None => None,
            Some(a) => self
                .db
                .agencies()
                .await?
                .into_iter()
                .find(|x| x.id == a)
                .map(|x| x.name),
        };
        Ok(TriggerFile {
            assessment,
            decided,
            lead_agency,
            clocks,
            earlier,
            cases,
            appeal_to: rules.appeal_to.label(),
            stored: t,
        })
    }

    /// An application's clocks: acknowledgement and decision from the day
    /// received, the review from the day the threshold was found met.
    pub(crate) fn trigger_clocks(&self, t: &StoredTrigger) -> Result<Vec<TriggerClock>, AppError> {
        let ts = &self.casework.community_trigger.timescales;
        let holidays = BankHolidays::england_and_wales();
        let today = self.today();
        let due = |r: Result<Date, safer_domain::NotCovered>| {
            r.map_err(|e| AppError::Invalid(format!("A clock cannot be worked out: {e}.")))
        };
        let mut out = vec![
            TriggerClock {
                what: "Acknowledge the application",
                state: state(
                    due(ts.acknowledge_by(t.new.received_on, &holidays))?,
                    t.acknowledged_on,
                    today,
                ),
            },
            TriggerClock {
                what: "Decide whether the threshold is met",
                state: state(
                    due(ts.decision_by(t.new.received_on, &holidays))?,
                    t.decided_on,
                    today,
                ),
            },
        ];
        if let Some(decided) = t.decided_on
            && matches!(t.status.as_str(), "threshold_met" | "reviewed")
        {
            out.push(TriggerClock {
                what: "Hold the review",
                state: state(due(ts.review_by(decided, &holidays))?, t.reviewed_on, today),
            });
        }
        for r in &t.recommendations {
            if r.status == "open" || r.updated_on.is_some() {
                let done = (r.status != "open").then_some(r.updated_on).flatten();
                out.push(TriggerClock {
                    what: "A recommendation carried out",
                    state: state(r.due, done, today),
                });
            }
        }
        Ok(out)
    }

    /// Acknowledges an application (`acknowledge_community_trigger`).
    pub async fn acknowledge_case_review(
        &self,
        actor: &Actor,
        id: TriggerId,
        on: Option<Date>,
    ) -> Result<(), AppError> {
        self.change_trigger(actor, id, "acknowledge_community_trigger", |app, _| {
            Ok(TriggerChange::Acknowledge(app.not_in_future(on)?))
        })
        .await
    }

    /// Names the lead agency (`lead_community_trigger`).
    pub async fn lead_case_review(
        &self,
        actor: &Actor,
        id: TriggerId,
        agency: AgencyId,
    ) -> Result<(), AppError> {
        self.change_trigger(actor, id, "lead_community_trigger", |_, _| {
            Ok(TriggerChange::Lead(agency))
        })
        .await
    }

    /// Adds a complaint before the decision (`add_trigger_complaint`).
    pub async fn add_case_review_complaint(
        &self,
        actor: &Actor,
        id: TriggerId,
        c: TriggerComplaint,
    ) -> Result<(), AppError> {
        self.change_trigger(actor, id, "add_trigger_complaint", move |app, t| {
            if t.decided_on.is_some() {
                return Err(AppError::Conflict(
                    "The threshold has been decided: complaints are added before the decision."
                        .into(),
                ));
            }
            if c.behaviour_on > app.today() || c.reported_on > app.today() {
                return Err(AppError::Invalid("The days are after today.".into()));
            }
            let mut c = c.clone();
            c.reported_to = required(&c.reported_to, "who it was reported to")?;
            Ok(TriggerChange::Complaint(c))
        })
        .await
    }

    /// Links a case the actor may see, so its incidents count
    /// (`link_trigger_case`).
    pub async fn link_case_review_case(
        &self,
        actor: &Actor,
        id: TriggerId,
        case: CaseId,
    ) -> Result<(), AppError> {
        let user = self.handler(actor)?;
        let Some(scope) = self.case_scope(actor) else {
            return Err(AppError::Refused("Your role does not see cases.".into()));
        };
        let _ = user;
        let audit = actor.audit(
            "link_trigger_case",
            &format!("application {id}"),
            &format!("case {case}"),
        );
        match self
            .db
            .link_trigger_case(id, TriggerReader::All, case, &scope, &audit)
            .await
        {
            Err(safer_store::DbError::NotFound(what)) if what.starts_with("case") => Err(self
                .case_out_of_scope(actor, case, safer_store::DbError::NotFound(what))
                .await),
            Err(e) => Err(e.into()),
            Ok(()) => Ok(()),
        }
    }

    /// Records the threshold decision with the assessment it rests on
    /// (`decide_community_trigger`). When the statutory threshold is met it
    /// must be treated as met (s104(4)); a decision against the rules'
    /// finding needs its reason (discretion, s104(5)).
    pub async fn decide_case_review(
        &self,
        actor: &Actor,
        id: TriggerId,
        decision: ThresholdDecision,
        on: Option<Date>,
    ) -> Result<(), AppError> {
        let file = self.trigger_file(actor, id).await?;
        if file.decided {
            return Err(AppError::Conflict(
                "The threshold has already been decided.".into(),
            ));
        }
        let on = self.not_in_future(on)?;
        if on < file.stored.new.received_on {
            return Err(AppError::Invalid(format!(
                "The decision is dated {on}, before the application was received ({}).",
                file.stored.new.received_on
            )));
        }
        let a = &file.assessment;
        let statutory = a.route_result(Route::Statutory).is_some_and(|r| r.met);
        let (status, note) = match &decision {
            ThresholdDecision::Met { note } => {
                if !a.met && note.trim().is_empty() {
                    return Err(AppError::Invalid(
                        "The rules do not find the threshold met: say why it is met on discretion (persistence, harm or potential harm, adequacy of the response).".into(),
                    ));
                }
                ("threshold_met", note)
            }
            ThresholdDecision::NotMet { note } => {
                if statutory {
                    return Err(AppError::Invalid(
                        "Three qualifying complaints are recorded: the threshold must be treated as met (s104(4)).".into(),
                    ));
                }
                if a.met && note.trim().is_empty() {
                    return Err(AppError::Invalid(
                        "The local threshold is met by the rules: say why it is not.".into(),
                    ));
                }
                ("threshold_not_met", note)
            }
            ThresholdDecision::Rejected { note } => {
                if statutory {
                    return Err(AppError::Invalid(
                        "Three qualifying complaints are recorded: the threshold must be treated as met (s104(4)).".into(),
                    ));
                }
                (
                    "rejected",
                    &required(
                        note,
                        "why the application is rejected (malicious, vexatious…)",
                    )?,
                )
            }
        };
        let assessment = serde_json::to_string(a)
            .map_err(|e| AppError::Internal(format!("an assessment: {e}")))?;
        let change = TriggerChange::Decide {
            on,
            status,
            note: note.trim().to_owned(),
            assessment,
        };
        let audit = actor.audit(
            "decide_community_trigger",
            &format!("application {}", file.stored.reference),
            status,
        );
        self.db
            .update_trigger(id, TriggerReader::All, &change, &audit)
            .await?;
        Ok(())
    }

    /// Sets the review meeting (`schedule_case_review`).
    pub async fn schedule_case_review(
        &self,
        actor: &Actor,
        id: TriggerId,
        on: Date,
        victim_invited: bool,
    ) -> Result<(), AppError> {
        self.change_trigger(actor, id, "schedule_case_review", move |_, t| {
            if t.status != "threshold_met" {
                return Err(AppError::Conflict(
                    "A review is held once the threshold is found met.".into(),
                ));
            }
            Ok(TriggerChange::Meeting { on, victim_invited })
        })
        .await
    }

    /// Records the review held and its outcome (`record_case_review`).
    pub async fn record_case_review(
        &self,
        actor: &Actor,
        id: TriggerId,
        on: Option<Date>,
        outcome: &str,
        sent_on: Option<Date>,
    ) -> Result<(), AppError> {
        let outcome = required(outcome, "the outcome of the review")?;
        self.change_trigger(actor, id, "record_case_review", move |app, t| {
            if t.status != "threshold_met" {
                return Err(AppError::Conflict(
                    "A review is recorded once the threshold is found met, and once.".into(),
                ));
            }
            Ok(TriggerChange::Reviewed {
                on: app.not_in_future(on)?,
                outcome: outcome.clone(),
                sent_on,
            })
        })
        .await
    }

    /// Adds a recommendation of the review to a named body
    /// (`recommend_case_review`).
    pub async fn recommend(
        &self,
        actor: &Actor,
        id: TriggerId,
        body: &str,
        text: &str,
        due: Date,
    ) -> Result<(), AppError> {
        let body = required(body, "the body the recommendation is made to")?;
        let text = required(text, "the recommendation")?;
        self.change_trigger(actor, id, "recommend_case_review", move |_, t| {
            if !matches!(t.status.as_str(), "threshold_met" | "reviewed") {
                return Err(AppError::Conflict(
                    "Recommendations come from a review: the threshold must be met.".into(),
                ));
            }
            Ok(TriggerChange::Recommend {
                body: body.clone(),
                text: text.clone(),
                due,
            })
        })
        .await
    }

    /// Records the follow-up of a recommendation
    /// (`update_recommendation`): done, or not accepted, with what was done.
    pub async fn update_recommendation(
        &self,
        actor: &Actor,
        id: TriggerId,
        recommendation: i64,
        status: &str,
        text: &str,
    ) -> Result<(), AppError> {
        let status: &'static str = match status {
            "open" => "open",
            "done" => "done",
            "not_accepted" => "not_accepted",
            other => {
                return Err(AppError::Invalid(format!(
                    "The status is open, done or not_accepted, not {other:?}."
                )));
            }
        };
        let text = required(text, "what was done")?;
        self.change_trigger(actor, id, "update_recommendation", move |app, t| {
            if !t.recommendations.iter().any(|r| r.id == recommendation) {
                return Err(AppError::NotFound(format!(
                    "There is no recommendation {recommendation} on this application."
                )));
            }
            Ok(TriggerChange::RecommendationUpdate {
                id: recommendation,
                status,
                text: text.clone(),
                on: app.today(),
            })
        })
        .await
    }

    /// Records the applicant's request for a review of how their
    /// application or review was handled (`appeal_community_trigger`), and
    /// its decision (`decide_appeal`).
    pub async fn appeal_case_review(
        &self,
        actor: &Actor,
        id: TriggerId,
        grounds: Option<&str>,
        decision: Option<&str>,
    ) -> Result<(), AppError> {
        match (grounds, decision) {
            (Some(g), _) => {
                let g = required(g, "the grounds of the appeal")?;
                self.change_trigger(actor, id, "appeal_community_trigger", move |app, t| {
                    if t.decided_on.is_none() {
                        return Err(AppError::Conflict(
                            "An appeal follows the threshold decision.".into(),
                        ));
                    }
                    Ok(TriggerChange::Appeal {
                        on: app.today(),
                        grounds: g.clone(),
                    })
                })
                .await
            }
            (None, Some(d)) => {
                let d = required(d, "the decision on the appeal")?;
                self.change_trigger(actor, id, "decide_appeal", move |app, t| {
                    if t.appeal_requested_on.is_none() {
                        return Err(AppError::Conflict("No appeal has been made.".into()));
                    }
                    Ok(TriggerChange::AppealDecided {
                        on: app.today(),
                        outcome: d.clone(),
                    })
                })
                .await
            }
            (None, None) => Err(AppError::Invalid(
                "Give the grounds, or the decision.".into(),
            )),
        }
    }

    /// Closes an application once decided (`close_community_trigger`).
    pub async fn close_case_review(&self, actor: &Actor, id: TriggerId) -> Result<(), AppError> {
        let app_today = self.today();
        self.change_trigger(actor, id, "close_community_trigger", move |_, t| {
            if t.decided_on.is_none() {
                return Err(AppError::Conflict(
                    "An application is closed after its threshold decision.".into(),
                ));
            }
            Ok(TriggerChange::Close(app_today))
        })
        .await
    }

    async fn change_trigger<F>(
        &self,
        actor: &Actor,
        id: TriggerId,
        action: &str,
        make: F,
    ) -> Result<(), AppError>
    where
        F: FnOnce(&App, &StoredTrigger) -> Result<TriggerChange, AppError>,
    {
        self.handler(actor)?;
        let (_, t) = self.trigger_in_reach(actor, id).await?;
        let change = make(self, &t)?;
        let audit = actor.audit(action, &format!("application {}", t.reference), "");
        self.db
            .update_trigger(id, TriggerReader::All, &change, &audit)
            .await?;
        Ok(())
    }

    /// A letter to the applicant from the partnership's template, as text;
    /// audited as `export_trigger_letter`.
    pub async fn case_review_letter(
        &self,
        actor: &Actor,
        id: TriggerId,
        kind: LetterKind,
    ) -> Result<(TriggerFile, String), AppError> {
        let file = self.trigger_file(actor, id).await?;
        let t = &file.stored;
        let ready = match kind {
            LetterKind::Acknowledgement => true,
            LetterKind::ThresholdMet => {
                file.decided && t.status != "threshold_not_met" && t.status != "rejected"
            }
            LetterKind::ThresholdNotMet => {
                matches!(t.status.as_str(), "threshold_not_met" | "rejected")
            }
            LetterKind::Outcome => t.reviewed_on.is_some(),
        };
        if !ready {
            return Err(AppError::Conflict(format!(
                "The letter \"{}\" does not fit where the application stands ({}).",
                kind.label(),
                t.status.replace('_', " ")
            )));
        }
        let ts = &self.casework.community_trigger.timescales;
        let holidays = BankHolidays::england_and_wales();
        let date = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_default();
        let a = &file.assessment;
        let counted: Vec<String> = a
            .timeline
            .iter()
            .filter(|e| e.verdict.counts() || e.local.iter().any(|l| l.verdict.counts()))
            .map(|e| {
                format!(
                    "{}: reported to {} on {}",
                    e.behaviour_on, e.reported_to, e.reported_on
                )
            })
            .collect();
        let mut reasons: Vec<String> = a
            .routes
            .iter()
            .map(|r| format!("{}: {} of {} needed", r.route.label(), r.counted, r.needed))
            .collect();
        if a.waits_on_no_effective_action() {
            reasons.push("You did not tell us you believe no effective action has been taken, which the local threshold asks for.".into());
        }
        let recommendations: Vec<minijinja::Value> = t
            .recommendations
            .iter()
            .map(|r| {
                minijinja::context! {
                    body => r.body.clone(),
                    text => r.text.clone(),
                    due => r.due.to_string(),
                }
            })
            .collect();
        let partnership = self
            .partnership_name()
            .unwrap_or_else(|| "The Community Safety Partnership".to_owned());
        let ctx = minijinja::context! {
            applicant => t.new.applicant_name.clone(),
            reference => t.reference.clone(),
            received_on => t.new.received_on.to_string(),
            decision_by => ts.decision_by(t.new.received_on, &holidays).map(|d| d.to_string()).unwrap_or_default(),
            decided_on => date(t.decided_on),
            route => a.route.map(|r| r.label().to_owned()).unwrap_or_else(|| "on the partnership's discretion".into()),
            lead_agency => file.lead_agency.clone().unwrap_or_else(|| "The partnership".into()),
            review_by => t.decided_on.and_then(|d| ts.review_by(d, &holidays).ok()).map(|d| d.to_string()).unwrap_or_default(),
            victim_invited => t.victim_invited.unwrap_or(false),
            counted => counted,
            reasons => reasons,
            note => t.decision_note.clone().unwrap_or_default(),
            reviewed_on => date(t.reviewed_on),
            outcome => t.outcome.clone().unwrap_or_default(),
            recommendations => recommendations,
            appeal_to => file.appeal_to,
            partnership => partnership,
        };
        let template = self.casework.trigger_letters.template(kind);
        let text = render_letter(template, ctx)?;
        self.db
            .audit(&actor.audit(
                "export_trigger_letter",
                &format!("application {}", t.reference),
                kind.as_str(),
            ))
            .await?;
        Ok((file, text))
    }

    /// The s104(10) figures for the applications received from `first` to
    /// `last`: public, counts only.
    pub async fn case_review_statistics(
        &self,
        first: Date,
        last: Date,
    ) -> Result<TriggerStatistics, AppError> {
        if last < first {
            return Err(AppError::Invalid(format!(
                "The period ends ({last}) before it begins ({first})."
            )));
        }
        if first.plus_months(12).is_none_or(|limit| last >= limit) {
            return Err(AppError::Invalid(
                "The figures are published for at most 12 months at a time (s104(10)).".into(),
            ));
        }
        let figures = self.db.trigger_figures(first, last).await?;
        Ok(TriggerStatistics {
            first,
            last,
            figures,
        })
    }

    /// The partnership's name, for letters.
    pub(crate) fn partnership_name(&self) -> Option<String> {
        safer_store::DataDir::open(&self.data_dir)
            .ok()?
            .partnerships()
            .ok()?
            .into_iter()
            .next()
            .map(|p| p.partnership.name)
    }
}

/// Fills each letter template with example values, so that a template the
/// partnership broke (a typing slip in `{{ }}`, a name the letters do not
/// have) is refused when the settings are imported, not when a letter is
/// due.
pub fn check_letters(
    letters: &safer_domain::casework::letters::TriggerLetters,
) -> Result<(), AppError> {
    let ctx = minijinja::context! {
        applicant => "A. Applicant",
        reference => "CT-2024-0001",
        received_on => "2024-05-01",
        decision_by => "2024-05-15",
        decided_on => "2024-05-10",
        route => "Statutory: three qualifying complaints",
        lead_agency => "The council",
        review_by => "2024-06-07",
        victim_invited => true,
        counted => vec!["2024-04-01: reported to the police on 2024-04-02"],
        reasons => vec!["Statutory: 2 of 3 needed"],
        note => "",
        reviewed_on => "2024-06-01",
        outcome => "A plan was agreed.",
        recommendations => vec![minijinja::context! { body => "The council", text => "Lighting", due => "2024-09-01" }],
        appeal_to => "Independent CSP chair",
        partnership => "The Community Safety Partnership",
    };
    for kind in LetterKind::ALL {
        render_letter(letters.template(kind), ctx.clone())
            .map_err(|e| AppError::Invalid(format!("trigger_letters.{}: {e}", kind.as_str())))?;
    }
    Ok(())
}

/// Fills a letter template; a template the partnership broke is named.
pub fn render_letter(template: &str, ctx: minijinja::Value) -> Result<String, AppError> {
    let mut env = minijinja::Environment::new();
    // Letters are plain text: the page that shows one escapes it.
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.render_str(template, ctx).map_err(|e| {
        AppError::Invalid(format!(
            "The letter template does not work: {e}. Change it in the case-work settings."
        ))
    })
}

/// The channel's words, for lists.
pub fn channel_of(t: &StoredTrigger) -> &'static str {
    channel_label(t.new.channel)
}

#[cfg(test)]
mod tests {
    use super::*;
    use safer_domain::casework::letters::TriggerLetters;

    #[test]
    fn the_default_letters_fill_in_and_a_broken_one_is_named() {
        check_letters(&TriggerLetters::default()).unwrap();
        let broken = TriggerLetters {
            outcome: "Dear {{ applicant }}, {{ outocme }}".into(),
            ..TriggerLetters::default()
        };
        let e = check_letters(&broken).unwrap_err().to_string();
        assert!(e.contains("trigger_letters.outcome"), "{e}");
        let unclosed = TriggerLetters {
            acknowledgement: "Dear {{ applicant".into(),
            ..TriggerLetters::default()
        };
        assert!(check_letters(&unclosed).is_err());
    }
}
