//! One board of every statutory and local clock the reader may see, per
//! agency and per forum: Community Trigger acknowledgement, decision,
//! review and recommendations; ABC review and end; Community Protection
//! Warning compliance; Domestic Homicide Review decision, report and
//! quality assurance; case reviews by risk level; case actions due. Each
//! with who owns it and how late it is; and a weekly digest per agency.

use std::collections::BTreeMap;

use safer_domain::casework::clock::{ClockState, state};
use safer_domain::casework::escalation::Step;
use safer_domain::{AgencyId, CaseId, Date, TriggerId};

use crate::casework::CASE_READERS;
use crate::trigger::TRIGGER_READERS;
use crate::{Actor, App, AppError};

/// The record a clock runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum OnRecord {
    Case(CaseId),
    Trigger(TriggerId),
    Dhr(safer_domain::DhrId),
}

/// What kind of duty a clock belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Duty {
    CommunityTrigger,
    AcceptableBehaviourContract,
    CommunityProtectionWarning,
    DomesticHomicideReview,
    CaseReview,
    CaseAction,
}

impl Duty {
    pub fn label(self) -> &'static str {
        match self {
            Duty::CommunityTrigger => "ASB case review (Community Trigger)",
            Duty::AcceptableBehaviourContract => "Acceptable Behaviour Contract",
            Duty::CommunityProtectionWarning => "Community Protection Warning",
            Duty::DomesticHomicideReview => "Domestic Homicide Review",
            Duty::CaseReview => "Case review by risk level",
            Duty::CaseAction => "Case action",
        }
    }
}

/// One clock on the board.
#[derive(Debug, Clone, PartialEq)]
pub struct Due {
    pub duty: Duty,
    pub what: String,
    pub record: OnRecord,
    /// A label for the record: "Case 12: Market Street", "CT-2024-0003".
    pub record_label: String,
    /// The agency that owns it, when one does.
    pub agency: Option<(AgencyId, String)>,
    /// The forum whose case it is, when it is a case's.
    pub forum: Option<String>,
    pub state: ClockState,
}

impl Due {
    pub fn owner(&self) -> &str {
        self.agency
            .as_ref()
            .map_or("The partnership's point of contact", |(_, n)| n.as_str())
    }
}

/// The board: every clock not yet met, soonest due first.
#[derive(Debug, Clone, PartialEq)]
pub struct Board {
    pub as_of: Date,
    pub items: Vec<Due>,
}

impl Board {
    pub fn overdue(&self) -> impl Iterator<Item = &Due> {
        self.items.iter().filter(|d| d.state.is_overdue())
    }

    /// The items grouped by their owner's name.
    pub fn by_agency(&self) -> BTreeMap<String, Vec<&Due>> {
        let mut out: BTreeMap<String, Vec<&Due>> = BTreeMap::new();
        for d in &self.items {
            out.entry(d.owner().to_owned()).or_default().push(d);
        }
        out
    }

    /// The items on cases, grouped by forum.
    pub fn by_forum(&self) -> BTreeMap<String, Vec<&Due>> {
        let mut out: BTreeMap<String, Vec<&Due>> = BTreeMap::new();
        for d in &self.items {
            if let Some(f) = &d.forum {
                out.entry(f.clone()).or_default().push(d);
            }
        }
        out
    }
}

/// Days ahead a weekly digest looks, beside what is already late.
pub const DIGEST_DAYS: i64 = 7;

impl App {
    /// The board of every clock the actor may see, as of `as_of` (today
    /// when not given): what is late, due today, or due later and not yet
    /// done. Audited as `view_overdue` (it names cases and applications).
    pub async fn overdue_board(
        &self,
        actor: &Actor,
        as_of: Option<Date>,
    ) -> Result<Board, AppError> {
        let user = actor.require(&[
            safer_domain::Role::JagCoordinator,
            safer_domain::Role::Caseworker,
            safer_domain::Role::AgencyLead,
            safer_domain::Role::CommunitySafetyOfficer,
        ])?;
        let today = as_of.unwrap_or_else(|| self.today());
        let names: BTreeMap<AgencyId, String> = self
            .db
            .agencies()
            .await?
            .into_iter()
            .map(|a| (a.id, a.name))
            .collect();
        let agency = |id: AgencyId| Some((id, names.get(&id).cloned().unwrap_or_default()));
        let mut items = Vec::new();
        let open = |s: ClockState| !matches!(s, ClockState::Met { .. });
        if user.roles.iter().any(|r| CASE_READERS.contains(r))
            && let Some(scope) = self.case_scope(actor)
        {
            let cases = self.db.cases(&scope).await?;
            let case_of = |id: CaseId| cases.iter().find(|c| c.id == id);
            let label = |id: CaseId| {
                case_of(id).map_or_else(
                    || format!("Case {id}"),
                    |c| format!("Case {id}: {}", c.title),
                )
            };
            let forum = |id: CaseId| case_of(id).map(|c| self.forum_name(&c.forum));
            for c in &cases {
                if let Some(due) = self.next_review_of(c) {
                    items.push(Due {
                        duty: Duty::CaseReview,
                        what: format!("{} risk case due for review", c.risk.label()),
                        record: OnRecord::Case(c.id),
                        record_label: label(c.id),
                        agency: agency(c.lead_agency_id),
                        forum: forum(c.id),
                        state: state(due, None, today),
                    });
                }
            }
            for a in self.db.case_actions(&scope, None).await? {
                if a.status == safer_domain::casework::case_action::CaseActionStatus::Open {
                    items.push(Due {
                        duty: Duty::CaseAction,
                        what: a.text.clone(),
                        record: OnRecord::Case(a.case_id),
                        record_label: label(a.case_id),
                        agency: agency(a.agency_id),
                        forum: forum(a.case_id),
                        state: state(a.due, None, today),
                    });
                }
            }
            let steps = self.db.interventions(&scope, None).await?;
            for s in &steps {
                if let Some(abc) = &s.abc {
                    let breached = !s.breaches.is_empty();
                    let live = abc.ended_early_on.is_none() && !breached;
                    let review = state(abc.review_on, abc.reviewed_on, today);
                    if live && open(review) {
                        items.push(Due {
                            duty: Duty::AcceptableBehaviourContract,
                            what: "Review the contract".into(),
                            record: OnRecord::Case(s.case_id),
                            record_label: label(s.case_id),
                            agency: agency(s.new.agency_id),
                            forum: forum(s.case_id),
                            state: review,
                        });
                    }
                    // At its end someone confirms it was kept: a review
                    // recorded on or after the end day.
                    let confirmed = abc.reviewed_on.filter(|r| *r >= abc.ends_on);
                    let end = state(abc.ends_on, confirmed, today);
                    if live && open(end) {
                        items.push(Due {
                            duty: Duty::AcceptableBehaviourContract,
                            what: "The contract ends: confirm it was kept".into(),
                            record: OnRecord::Case(s.case_id),
                            record_label: label(s.case_id),
                            agency: agency(s.new.agency_id),
                            forum: forum(s.case_id),
                            state: end,
                        });
                    }
                }
                if s.new.step == Step::CommunityProtectionWarning
                    && let Some(by) = s
                        .new
                        .taken_on
                        .plus_days(i64::from(s.new.days_to_comply.unwrap_or(0)))
                {
                    // Checked once something later is recorded of the
                    // person: a further step, or a breach of the warning.
                    let checked = steps
                        .iter()
                        .filter(|o| {
                            o.new.person == s.new.person
                                && o.id != s.id
                                && o.new.taken_on >= s.new.taken_on
                        })
                        .map(|o| o.new.taken_on)
                        .chain(s.breaches.iter().map(|b| b.on))
                        .min();
                    let st = state(
                        by.plus_days(1).unwrap_or(by),
                        checked.filter(|c| *c > by),
                        today,
                    );
                    if open(st) {
                        items.push(Due {
                            duty: Duty::CommunityProtectionWarning,
                            what: format!("Check compliance: the time to comply ended {by}"),
                            record: OnRecord::Case(s.case_id),
                            record_label: label(s.case_id),
                            agency: agency(s.new.agency_id),
                            forum: forum(s.case_id),
                            state: st,
                        });
                    }
                }
            }
        }
        if user.roles.iter().any(|r| TRIGGER_READERS.contains(r)) {
            let reader = if user
                .roles
                .iter()
                .any(|r| crate::trigger::TRIGGER_HANDLERS.contains(r))
            {
                safer_store::db::TriggerReader::All
            } else {
                safer_store::db::TriggerReader::Lead(user.agency.id)
            };
            for t in self.db.triggers(reader).await? {
                if t.closed_on.is_some() {
                    continue;
                }
                for c in self.trigger_clocks(&t)? {
                    let st = restate(c.state, today);
                    if open(st) {
                        items.push(Due {
                            duty: Duty::CommunityTrigger,
                            what: c.what.to_owned(),
                            record: OnRecord::Trigger(t.id),
                            record_label: t.reference.clone(),
                            agency: t.lead_agency_id.and_then(agency),
                            forum: None,
                            state: st,
                        });
                    }
                }
            }
        }
        items.extend(self.dhr_clocks(actor, today).await?);
        items.sort_by(|a, b| {
            (a.state.due(), a.duty, a.record)
                .cmp(&(b.state.due(), b.duty, b.record))
                .then_with(|| a.what.cmp(&b.what))
        });
        self.db
            .audit(&actor.audit(
                "view_overdue",
                "overdue board",
                &format!("{} clocks", items.len()),
            ))
            .await?;
        Ok(Board {
            as_of: today,
            items,
        })
    }

    /// The weekly digest for one agency: what it owns that is late, and
    /// what falls due in the next [`DIGEST_DAYS`] days.
    pub async fn weekly_digest(
        &self,
        actor: &Actor,
        agency: AgencyId,
        as_of: Option<Date>,
    ) -> Result<Board, AppError> {
        let board = self.overdue_board(actor, as_of).await?;
        let horizon = board.as_of.plus_days(DIGEST_DAYS).unwrap_or(board.as_of);
        Ok(Board {
            as_of: board.as_of,
            items: board
                .items
                .into_iter()
                .filter(|d| d.agency.as_ref().is_some_and(|(a, _)| *a == agency))
                .filter(|d| d.state.due() <= horizon)
                .collect(),
        })
    }
}

/// A clock worked out as of today, seen from another day.
fn restate(s: ClockState, as_of: Date) -> ClockState {
    match s {
        ClockState::Met { due, on, .. } => state(due, Some(on), as_of),
        other => state(other.due(), None, as_of),
    }
}

/// The digest as email-ready text.
pub fn digest_text(board: &Board, agency: &str) -> String {
    let mut out = format!(
        "Safer: the weekly digest for {agency}, as of {}\n\n",
        board.as_of
    );
    if board.items.is_empty() {
        out.push_str("Nothing is late, and nothing falls due in the next seven days.\n");
        return out;
    }
    let late: Vec<&Due> = board.overdue().collect();
    let soon: Vec<&Due> = board
        .items
        .iter()
        .filter(|d| !d.state.is_overdue())
        .collect();
    for (title, list) in [("Late", late), ("Due in the next seven days", soon)] {
        if list.is_empty() {
            continue;
        }
        out.push_str(&format!("{title} ({})\n", list.len()));
        for d in list {
            let when = match d.state {
                ClockState::Overdue { due, days_late } => {
                    format!(
                        "due {due}, {days_late} day{} late",
                        if days_late == 1 { "" } else { "s" }
                    )
                }
                ClockState::DueToday { due } => format!("due today, {due}"),
                other => format!("due {}", other.due()),
            };
            out.push_str(&format!(
                "- {}: {} ({}), {when}\n",
                d.record_label,
                d.what,
                d.duty.label()
            ));
        }
        out.push('\n');
    }
    out
}
