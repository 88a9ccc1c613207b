//! The ASB escalation ladder on a case's perpetrator, the Acceptable
//! Behaviour Contract, youth work (management plans, diversionary
//! activities), place-based powers and referrals out of a case. Each task
//! runs within the actor's case scope and is audited in the same
//! transaction as its change; the rules are the domain's
//! (`safer_domain::casework::escalation`), worded here.

use safer_domain::casework::case::CaseRole;
use safer_domain::casework::escalation::{
    AbcOutcome, AbcParty, AbcProblem, PlacePower, Refusal, Step, StepTaken, Subject, check_abc,
    check_step, comply_by,
};
use safer_domain::casework::referral::ReferralKind;
use safer_domain::{CaseId, CaseRecordId, Date, InterventionId, LocationId, PersonId};
use safer_store::db::{AbcRecord, NewIntervention, StoredBreach, StoredIntervention};

pub use safer_store::db::{CaseRecordChange, CaseRecordEntry};

use crate::casework::{CASE_WORKERS, required};
use crate::{Actor, App, AppError};

/// A step as entered on a case.
#[derive(Debug, Clone, PartialEq)]
pub struct StepEntry {
    pub person: PersonId,
    pub step: Step,
    /// The day taken; today when not given.
    pub on: Option<Date>,
    pub days_to_comply: Option<u32>,
    /// Why steps are skipped, when they are.
    pub serious_risk: Option<String>,
    /// Convicted in the proceedings a CBO would follow.
    pub convicted: bool,
    pub parent_involved: bool,
    pub yjs_involved: bool,
    pub notes: String,
    /// For a contract: its terms, one per line, and its parties.
    pub abc: Option<(Vec<String>, Vec<AbcParty>)>,
}

/// The ladder of one person as a case shows it: the steps taken (on any
/// case the reader may see), each ABC's standing, and what the rules allow
/// next.
#[derive(Debug, Clone, PartialEq)]
pub struct Ladder {
    pub person: PersonId,
    pub name: String,
    pub youth: bool,
    pub steps: Vec<StepView>,
    /// Every step, with the rules it would break if taken today (empty
    /// when it may be).
    pub next: Vec<(Step, Vec<String>)>,
}

/// A step taken, with its contract's standing and its warning's time to
/// comply.
#[derive(Debug, Clone, PartialEq)]
pub struct StepView {
    pub stored: StoredIntervention,
    pub outcome: Option<AbcOutcome>,
    pub comply_by: Option<Date>,
}

/// The words for a rule a step would break.
pub fn explain_refusal(r: &Refusal) -> String {
    match r {
        Refusal::NoWarningFirst => "A Community Protection Notice needs a written Community Protection Warning first (s43(5)).".into(),
        Refusal::TimeToComplyNotPassed { until } => format!(
            "The warning's time to comply runs to {until}: the notice may follow from the day after (s43(5))."
        ),
        Refusal::Under16 { age } => format!(
            "Community Protection Warnings and Notices are for people aged 16 or over (s43(1)); this person is {age}."
        ),
        Refusal::AgeNotKnown => "Community Protection Warnings and Notices are for people aged 16 or over (s43(1)), and this person's age is not known: record their date of birth first.".into(),
        Refusal::NoConviction => "A Criminal Behaviour Order is made only on conviction (s22): record the conviction.".into(),
        Refusal::SkipsWithoutReason { skipped } => format!(
            "This skips {}: a step may be skipped only for serious risk, with the reason recorded.",
            skipped.iter().map(|s| s.label()).collect::<Vec<_>>().join(", ")
        ),
        Refusal::BeforeLastStep { last } => format!(
            "The day is before the last step taken ({last}): steps are recorded in order."
        ),
    }
}

/// The words for what stops a contract being recorded.
pub fn explain_abc(p: &AbcProblem) -> String {
    match p {
        AbcProblem::NoTerms => {
            "List the behaviours to stop or the requirements, one per line.".into()
        }
        AbcProblem::NoSubject => "The person the contract is about must be a party.".into(),
        AbcProblem::NoAgency => "At least one agency must be a party.".into(),
        AbcProblem::NoParentForYouth => {
            "A young person's parent or guardian takes part in the contract.".into()
        }
        AbcProblem::NotSigned { party } => {
            format!("{party} has not signed: every party signs and keeps a copy.")
        }
        AbcProblem::SignedAfter { party } => {
            format!("{party} signed after the day the contract is dated.")
        }
    }
}

impl App {
    /// The steps the scope sees of one person, oldest first, as the
    /// domain's history.
    fn history(steps: &[StoredIntervention], person: PersonId) -> Vec<StepTaken> {
        steps
            .iter()
            .filter(|s| s.new.person == person)
            .map(|s| StepTaken {
                step: s.new.step,
                on: s.new.taken_on,
                days_to_comply: s.new.days_to_comply,
            })
            .collect()
    }

    /// Takes a step of the ladder with a perpetrator on a case, if the
    /// rules allow it (else every rule it breaks, worded); audited as
    /// `take_step`.
    pub async fn take_step(
        &self,
        actor: &Actor,
        case: CaseId,
        e: &StepEntry,
    ) -> Result<InterventionId, AppError> {
        let (user, scope) = self.scoped(actor, CASE_WORKERS, Some(case))?;
        let stored = match self.db.case_in_scope(case, &scope).await {
            Ok(c) => c,
            Err(x) => return Err(self.case_out_of_scope(actor, case, x).await),
        };
        if !stored
            .people
            .iter()
            .any(|(p, r)| *p == e.person && *r == CaseRole::Perpetrator)
        {
            return Err(AppError::Invalid(
                "Steps of the ladder are taken with a perpetrator on the case: choose one.".into(),
            ));
        }
        let on = self.not_in_future(e.on)?;
        let Some((_, person)) = self
            .db
            .people_in_scope(&scope, Some(e.person))
            .await?
            .into_iter()
            .next()
        else {
            return Err(AppError::NotFound(format!(
                "There is no person {}.",
                e.person
            )));
        };
        let subject = Subject {
            age: person.birth.age_for_rules_on(on),
            convicted: e.convicted,
        };
        let youth = person.birth.is_youth_on(on);
        let all = self.db.interventions(&scope, None).await?;
        let history = Self::history(&all, e.person);
        let reason = e
            .serious_risk
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty());
        let refusals = check_step(&history, e.step, on, subject, reason);
        if !refusals.is_empty() {
            return Err(AppError::Invalid(
                refusals
                    .iter()
                    .map(explain_refusal)
                    .collect::<Vec<_>>()
                    .join(" "),
            ));
        }
        if e.step == Step::CommunityProtectionWarning && e.days_to_comply.is_none_or(|d| d == 0) {
            return Err(AppError::Invalid(
                "Say how many days the warning gives to comply: a reasonable time must be allowed (s43(5)).".into(),
            ));
        }
        let abc = if e.step == Step::AcceptableBehaviourContract {
            let (terms, parties) = e.abc.clone().unwrap_or_default();
            let terms: Vec<String> = terms
                .into_iter()
                .map(|t| t.trim().to_owned())
                .filter(|t| !t.is_empty())
                .collect();
            let problems = check_abc(&terms, &parties, on, youth);
            if !problems.is_empty() {
                return Err(AppError::Invalid(
                    problems
                        .iter()
                        .map(explain_abc)
                        .collect::<Vec<_>>()
                        .join(" "),
                ));
            }
            let terms_of = self.casework.abc;
            let (Some(review_on), Some(ends_on)) = (terms_of.review_on(on), terms_of.ends_on(on))
            else {
                return Err(AppError::Invalid(format!(
                    "A contract signed on {on} would end after 9999."
                )));
            };
            Some(AbcRecord {
                terms,
                parties,
                review_on,
                ends_on,
                reviewed_on: None,
                review_note: None,
                ended_early_on: None,
                ended_reason: None,
            })
        } else {
            None
        };
        let new = NewIntervention {
            person: e.person,
            step: e.step,
            taken_on: on,
            days_to_comply: (e.step == Step::CommunityProtectionWarning)
                .then_some(e.days_to_comply)
                .flatten(),
            serious_risk: reason.map(str::to_owned),
            youth,
            parent_involved: e.parent_involved,
            yjs_involved: e.yjs_involved,
            notes: e.notes.trim().to_owned(),
            agency_id: user.agency.id,
        };
        let audit = actor.audit(
            "take_step",
            &format!("case {case}"),
            &format!("person {} {}", e.person, e.step.label()),
        );
        match self
            .db
            .add_intervention(case, &scope, &new, abc.as_ref(), &user.display_name, &audit)
            .await
        {
            Err(x) => Err(self.case_out_of_scope(actor, case, x).await),
            Ok(id) => Ok(id),
        }
    }

    /// Records a breach against a step; audited as `record_breach`.
    pub async fn record_breach(
        &self,
        actor: &Actor,
        case: CaseId,
        id: InterventionId,
        on: Option<Date>,
        text: &str,
    ) -> Result<(), AppError> {
        let (user, scope) = self.scoped(actor, CASE_WORKERS, Some(case))?;
        let on = self.not_in_future(on)?;
        let text = required(text, "what the breach was")?;
        let step = self.step_on_case(&scope, case, id).await?;
        if on < step.new.taken_on {
            return Err(AppError::Invalid(format!(
                "The breach is dated {on}, before the step it breaches ({}).",
                step.new.taken_on
            )));
        }
        let b = StoredBreach {
            on,
            text,
            agency_id: user.agency.id,
            recorded_by: user.display_name.clone(),
        };
        let audit = actor.audit(
            "record_breach",
            &format!("case {case}"),
            &format!("intervention {id}"),
        );
        self.db.add_breach(id, &scope, &b, &audit).await?;
        Ok(())
    }

    /// The step `id` on `case`, if the scope sees it.
    async fn step_on_case(
        &self,
        scope: &safer_domain::casework::access::CaseScope,
        case: CaseId,
        id: InterventionId,
    ) -> Result<StoredIntervention, AppError> {
        self.db
            .interventions(scope, Some(case))
            .await?
            .into_iter()
            .find(|s| s.id == id)
            .ok_or_else(|| AppError::NotFound(format!("There is no step {id} on case {case}.")))
    }

    /// Records a contract's review (`review_abc`) or its early end
    /// (`end_abc`).
    pub async fn update_abc(
        &self,
        actor: &Actor,
        case: CaseId,
        id: InterventionId,
        on: Option<Date>,
        ended_early: bool,
        note: &str,
    ) -> Result<(), AppError> {
        let (_, scope) = self.scoped(actor, CASE_WORKERS, Some(case))?;
        let on = self.not_in_future(on)?;
        let step = self.step_on_case(&scope, case, id).await?;
        let Some(abc) = &step.abc else {
            return Err(AppError::NotFound(format!("Step {id} is not a contract.")));
        };
        if on < step.new.taken_on {
            return Err(AppError::Invalid(format!(
                "The day is {on}, before the contract was signed ({}).",
                step.new.taken_on
            )));
        }
        if abc.ended_early_on.is_some() {
            return Err(AppError::Conflict("The contract has already ended.".into()));
        }
        let note = required(
            note,
            if ended_early {
                "why it ended early"
            } else {
                "what the review found"
            },
        )?;
        let (action, reviewed, ended) = if ended_early {
            ("end_abc", None, Some((on, note.as_str())))
        } else {
            ("review_abc", Some((on, note.as_str())), None)
        };
        let audit = actor.audit(
            action,
            &format!("case {case}"),
            &format!("intervention {id}"),
        );
        self.db
            .update_abc(id, &scope, reviewed, ended, &audit)
            .await?;
        Ok(())
    }

    /// The ladders of a case's perpetrators, over the steps the reader may
    /// see; read as part of the case file (whose view is audited).
    pub(crate) async fn ladders(
        &self,
        scope: &safer_domain::casework::access::CaseScope,
        people: &[(PersonId, String, safer_domain::casework::person::Birth)],
    ) -> Result<Vec<Ladder>, AppError> {
        let today = self.today();
        let all = self.db.interventions(scope, None).await?;
        let mut out = Vec::new();
        for (person, name, birth) in people {
            let history = Self::history(&all, *person);
            let subject = Subject {
                age: birth.age_for_rules_on(today),
                convicted: false,
            };
            let steps: Vec<StepView> = all
                .iter()
                .filter(|s| s.new.person == *person)
                .map(|s| StepView {
                    outcome: s.abc.as_ref().and_then(|a| {
                        let breaches: Vec<Date> = s.breaches.iter().map(|b| b.on).collect();
                        self.casework.abc.outcome(
                            s.new.taken_on,
                            &breaches,
                            a.ended_early_on,
                            today,
                        )
                    }),
                    comply_by: comply_by(&StepTaken {
                        step: s.new.step,
                        on: s.new.taken_on,
                        days_to_comply: s.new.days_to_comply,
                    }),
                    stored: s.clone(),
                })
                .collect();
            let next = Step::ALL
                .into_iter()
                .map(|step| {
                    // The conviction is asked for on the form; the ladder
                    // says what else would stand in the way.
                    let subject = Subject {
                        convicted: step == Step::CriminalBehaviourOrder || subject.convicted,
                        ..subject
                    };
                    let why = check_step(&history, step, today, subject, None)
                        .iter()
                        .map(explain_refusal)
                        .collect();
                    (step, why)
                })
                .collect();
            out.push(Ladder {
                person: *person,
                name: name.clone(),
                youth: birth.is_youth_on(today),
                steps,
                next,
            });
        }
        Ok(out)
    }

    /// Adds youth work, a place power or a referral to a case; audited as
    /// `add_case_record`. A Channel referral names no one and goes only on
    /// a case of a restricted type.
    pub async fn add_case_record(
        &self,
        actor: &Actor,
        case: CaseId,
        e: &CaseRecordEntry,
    ) -> Result<CaseRecordId, AppError> {
        let (user, scope) = self.scoped(actor, CASE_WORKERS, Some(case))?;
        let stored = match self.db.case_in_scope(case, &scope).await {
            Ok(c) => c,
            Err(x) => return Err(self.case_out_of_scope(actor, case, x).await),
        };
        let today = self.today();
        let not_after_today = |d: Date, what: &str| -> Result<(), AppError> {
            if d > today {
                Err(AppError::Invalid(format!(
                    "The {what} is {d}, after today ({today})."
                )))
            } else {
                Ok(())
            }
        };
        let mut e = e.clone();
        let what = match &mut e {
            CaseRecordEntry::ManagementPlan {
                opened_on,
                closed_on,
                agencies,
                ..
            } => {
                not_after_today(*opened_on, "day the plan opened")?;
                if closed_on.is_some_and(|c| c < *opened_on) {
                    return Err(AppError::Invalid("A plan closes after it opens.".into()));
                }
                agencies.retain(|a| !a.trim().is_empty());
                if agencies.is_empty() {
                    return Err(AppError::Invalid(
                        "Name at least one agency contributing to the plan.".into(),
                    ));
                }
                "management plan".to_owned()
            }
            CaseRecordEntry::Diversion {
                activity,
                started_on,
                sessions_offered,
                sessions_attended,
                ..
            } => {
                not_after_today(*started_on, "day the activity started")?;
                *activity = required(activity, "the activity")?;
                if sessions_attended > sessions_offered {
                    return Err(AppError::Invalid(format!(
                        "{sessions_attended} sessions attended of {sessions_offered} offered: attended cannot be more than offered."
                    )));
                }
                "diversionary activity".to_owned()
            }
            CaseRecordEntry::PlacePower {
                power,
                starts_on,
                ends_on,
                agency_id,
                ..
            } => {
                *agency_id = user.agency.id;
                if ends_on < starts_on {
                    return Err(AppError::Invalid(
                        "A power ends on or after the day it starts.".into(),
                    ));
                }
                let longest = i64::from(power.longest_days());
                if starts_on.days_until(*ends_on) > longest {
                    return Err(AppError::Invalid(format!(
                        "A {} runs for at most {longest} days.",
                        power.label()
                    )));
                }
                power.label().to_owned()
            }
            CaseRecordEntry::Referral {
                person,
                kind,
                referred_on,
                referred_to,
                agency_id,
                ..
            } => {
                *agency_id = user.agency.id;
                not_after_today(*referred_on, "day of the referral")?;
                *referred_to = required(referred_to, "who the referral went to")?;
                if kind.needs_restricted_case() {
                    if !self
                        .casework
                        .restrictions
                        .types
                        .contains_key(&stored.case_type)
                    {
                        return Err(AppError::Invalid(format!(
                            "{} referrals are recorded only on a case of a restricted type (such as Prevent), which named roles alone see.",
                            kind.label()
                        )));
                    }
                    // Counts and themes only (DOMAIN.md 3.15).
                    *person = None;
                }
                kind.label().to_owned()
            }
        };
        let audit = actor.audit("add_case_record", &format!("case {case}"), &what);
        match self
            .db
            .add_case_record(case, &scope, &e, &user.display_name, &audit)
            .await
        {
            Err(x) => Err(self.case_out_of_scope(actor, case, x).await),
            Ok(id) => Ok(id),
        }
    }

    /// Closes a management plan or records a diversionary activity's
    /// attendance; audited as `update_case_record`.
    pub async fn update_case_record(
        &self,
        actor: &Actor,
        case: CaseId,
        id: CaseRecordId,
        change: CaseRecordChange,
    ) -> Result<(), AppError> {
        let (_, scope) = self.scoped(actor, CASE_WORKERS, Some(case))?;
        let records = self.db.case_records(&scope, Some(case)).await?;
        let Some((_, _, held)) = records.iter().find(|(r, _, e)| {
            *r == id
                && matches!(
                    (e, change),
                    (
                        CaseRecordEntry::ManagementPlan { .. },
                        CaseRecordChange::ClosePlan(_)
                    ) | (
                        CaseRecordEntry::Diversion { .. },
                        CaseRecordChange::Attendance { .. }
                    )
                )
        }) else {
            return Err(AppError::NotFound(format!(
                "There is no such record {id} on case {case}."
            )));
        };
        match (held, change) {
            (
                CaseRecordEntry::ManagementPlan { opened_on, .. },
                CaseRecordChange::ClosePlan(on),
            ) if on < *opened_on || on > self.today() => {
                return Err(AppError::Invalid(format!(
                    "A plan closes between the day it opened ({opened_on}) and today."
                )));
            }
            (_, CaseRecordChange::Attendance { offered, attended }) if attended > offered => {
                return Err(AppError::Invalid(
                    "Sessions attended cannot be more than those offered.".into(),
                ));
            }
            _ => {}
        }
        let audit = actor.audit(
            "update_case_record",
            &format!("case {case}"),
            &format!("record {id}"),
        );
        self.db
            .update_case_record(case, &scope, id, change, &audit)
            .await?;
        Ok(())
    }
}

/// The place powers and referral kinds, for forms.
pub fn place_powers() -> &'static [PlacePower] {
    &PlacePower::ALL
}

pub fn referral_kinds() -> &'static [ReferralKind] {
    &ReferralKind::ALL
}

/// A location on the case, for forms that name one.
pub type CaseLocation = (LocationId, String);
