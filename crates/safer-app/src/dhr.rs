//! Domestic Homicide Reviews (Domestic Abuse Related Death Reviews): the
//! police's notification, the decision and the Home Office told, the panel
//! and its independent chair, agencies' chronologies and IMRs with their
//! due dates, the report to Home Office quality assurance, publication and
//! withdrawal, and the learning action plan. A review's records are read
//! only by its panel: anyone else is told there is no such review, and the
//! attempt is audited.

use safer_domain::casework::clock::ClockState;
use safer_domain::casework::dhr::{DhrDecision, DhrProblem, DhrStage, check_age};
use safer_domain::{AgencyId, Date, DhrId, Role, UserId};
pub use safer_store::db::{DhrChange, NewDhr, StoredDhr};

use crate::casework::required;
use crate::overdue::{Due, Duty, OnRecord};
use crate::{Actor, App, AppError};

/// Who may sit on a review's panel (and so read it).
pub const DHR_PANEL_ROLES: &[Role] = &[
    Role::CommunitySafetyOfficer,
    Role::JagCoordinator,
    Role::Caseworker,
    Role::AgencyLead,
];
/// Who records a notification and so commissions a review.
pub const DHR_COMMISSIONERS: &[Role] = &[Role::CommunitySafetyOfficer];

/// A review as its panel sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct DhrFile {
    pub stored: StoredDhr,
    pub stage: DhrStage,
    pub clocks: Vec<(String, ClockState)>,
    /// The panel by display name.
    pub panel: Vec<String>,
    /// Agency names for the reports and actions, by id.
    pub agencies: Vec<(AgencyId, String)>,
}

/// A stage a panel records.
#[derive(Debug, Clone, PartialEq)]
pub enum DhrStep {
    Decide { decision: DhrDecision, note: String },
    HomeOfficeInformed,
    Submitted,
    Approved { note: String },
    Published,
    Withdrawn,
}

fn explain(p: &DhrProblem) -> String {
    match p {
        DhrProblem::Under16 => "A review is of the death of a person aged 16 or over (2004 Act s9(1)).".into(),
        DhrProblem::OutOfOrder { needs } => format!("This needs the review to be at \"{}\" first.", needs.label()),
        DhrProblem::NotApproved => "The report must be approved by the Home Office Quality Assurance Panel before it is published.".into(),
        DhrProblem::BeforePrevious { previous } => format!("The day is before the stage it follows ({previous})."),
    }
}

impl App {
    fn dhr_user(&self, actor: &Actor) -> Result<UserId, AppError> {
        Ok(actor.require(DHR_PANEL_ROLES)?.id)
    }

    /// Records the police's notification of a death and commissions the
    /// review, with the recorder and the named users on its panel
    /// (`notify_dhr`).
    pub async fn notify_dhr(
        &self,
        actor: &Actor,
        d: &NewDhr,
        panel: &[String],
    ) -> Result<DhrId, AppError> {
        let user = actor.require(DHR_COMMISSIONERS)?;
        let problems = check_age(d.age);
        if !problems.is_empty() {
            return Err(AppError::Invalid(
                problems.iter().map(explain).collect::<Vec<_>>().join(" "),
            ));
        }
        let mut d = d.clone();
        d.pseudonym = required(&d.pseudonym, "the pseudonym the review will use")?;
        d.notified_by = required(
            &d.notified_by,
            "who notified the partnership (the police officer)",
        )?;
        d.notified_on = self.not_in_future(Some(d.notified_on))?;
        if d.died_on.is_some_and(|x| x > d.notified_on) {
            return Err(AppError::Invalid(
                "The death is dated after the notification.".into(),
            ));
        }
        let mut ids = vec![user.id];
        for name in panel.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
            ids.push(self.panel_member(name).await?);
        }
        let audit = actor.audit("notify_dhr", "review", "");
        let (id, _) = self
            .db
            .add_dhr(&d, &ids, &user.display_name, &audit)
            .await?;
        Ok(id)
    }

    async fn panel_member(&self, username: &str) -> Result<UserId, AppError> {
        let users = self.db.users().await?;
        let Some(u) = users.iter().find(|u| u.username == username) else {
            return Err(AppError::Invalid(format!(
                "There is no user {username:?} to put on the panel."
            )));
        };
        if !u.roles.iter().any(|r| DHR_PANEL_ROLES.contains(r)) {
            return Err(AppError::Invalid(format!(
                "{username} does not hold a role that sits on review panels."
            )));
        }
        Ok(u.id)
    }

    /// The reviews the actor sits on the panel of (`view_dhrs`).
    pub async fn dhrs(&self, actor: &Actor) -> Result<Vec<StoredDhr>, AppError> {
        let user = self.dhr_user(actor)?;
        let list = self.db.dhrs(user).await?;
        self.db
            .audit(&actor.audit("view_dhrs", "reviews", &format!("{} listed", list.len())))
            .await?;
        Ok(list)
    }

    async fn dhr_in_reach(
        &self,
        actor: &Actor,
        id: DhrId,
    ) -> Result<(UserId, StoredDhr), AppError> {
        let user = self.dhr_user(actor)?;
        match self.db.dhr(id, user).await? {
            Some(d) => Ok((user, d)),
            None => {
                if self.db.dhr_exists(id).await? {
                    self.db
                        .audit(&actor.audit(
                            "access_denied",
                            &format!("review {id}"),
                            "not on the review's panel",
                        ))
                        .await?;
                }
                Err(AppError::NotFound(format!("There is no review {id}.")))
            }
        }
    }

    /// One review with its stage and clocks (`view_dhr`).
    pub async fn dhr(&self, actor: &Actor, id: DhrId) -> Result<DhrFile, AppError> {
        let (_, d) = self.dhr_in_reach(actor, id).await?;
        let today = self.today();
        let users = self.db.users().await?;
        let agencies = self
            .db
            .agencies()
            .await?
            .into_iter()
            .map(|a| (a.id, a.name))
            .collect();
        let mut clocks: Vec<(String, ClockState)> = d
            .days
            .clocks(&self.casework.dhr, today)
            .into_iter()
            .map(|(w, s)| (w.to_owned(), s))
            .collect();
        for r in &d.reports {
            clocks.push((
                format!(
                    "{} due",
                    if r.kind == "imr" {
                        "Individual Management Review"
                    } else {
                        "Chronology"
                    }
                ),
                safer_domain::casework::clock::state(r.due, r.received_on, today),
            ));
        }
        for a in &d.actions {
            clocks.push((
                format!("Learning action: {}", a.text),
                safer_domain::casework::clock::state(a.due, a.done_on, today),
            ));
        }
        let panel = d
            .panel
            .iter()
            .filter_map(|p| users.iter().find(|u| u.id == *p))
            .map(|u| u.display_name.clone())
            .collect();
        self.db
            .audit(&actor.audit("view_dhr", &format!("review {}", d.reference), ""))
            .await?;
        Ok(DhrFile {
            stage: d.days.stage(),
            clocks,
            panel,
            agencies,
            stored: d,
        })
    }

    /// Records a stage of a review, if it follows in order
    /// (`update_dhr`).
    pub async fn dhr_step(&self, actor: &Actor, id: DhrId, step: DhrStep) -> Result<(), AppError> {
        let (user, d) = self.dhr_in_reach(actor, id).await?;
        let today = self.today();
        let (to, change) = match step {
            DhrStep::Decide { decision, note } => (
                if decision == DhrDecision::Review {
                    DhrStage::UnderReview
                } else {
                    DhrStage::NotReviewed
                },
                DhrChange::Decide {
                    on: today,
                    decision,
                    note: note.trim().to_owned(),
                },
            ),
            DhrStep::HomeOfficeInformed => {
                if d.days.decided_on.is_none() {
                    return Err(AppError::Conflict(
                        "The Home Office is told of the decision: record it first.".into(),
                    ));
                }
                (DhrStage::Notified, DhrChange::HomeOfficeInformed(today))
            }
            DhrStep::Submitted => (DhrStage::WithQualityAssurance, DhrChange::Submitted(today)),
            DhrStep::Approved { note } => {
                (DhrStage::Approved, DhrChange::Approved { on: today, note })
            }
            DhrStep::Published => (DhrStage::Published, DhrChange::Published(today)),
            DhrStep::Withdrawn => (DhrStage::Withdrawn, DhrChange::Withdrawn(today)),
        };
        if to != DhrStage::Notified {
            let problems = d.days.check(to, today);
            if !problems.is_empty() {
                return Err(AppError::Invalid(
                    problems.iter().map(explain).collect::<Vec<_>>().join(" "),
                ));
            }
        }
        let audit = actor.audit("update_dhr", &format!("review {}", d.reference), to.label());
        self.db.update_dhr(id, user, &change, &audit).await?;
        Ok(())
    }

    /// Other changes a panel makes: the chair, time adjourned, a panel
    /// member, a report asked of an agency or received, a learning action
    /// or its completion (`update_dhr`).
    pub async fn dhr_change(
        &self,
        actor: &Actor,
        id: DhrId,
        change: DhrChange,
    ) -> Result<(), AppError> {
        let (user, d) = self.dhr_in_reach(actor, id).await?;
        let change = match change {
            DhrChange::AddPanel(_) | DhrChange::Decide { .. } => {
                return Err(AppError::Invalid("Use the panel or decision form.".into()));
            }
            DhrChange::Chair(c) => DhrChange::Chair(required(&c, "the independent chair")?),
            DhrChange::Action { agency, text, due } => DhrChange::Action {
                agency,
                text: required(&text, "the action")?,
                due,
            },
            other => other,
        };
        let audit = actor.audit("update_dhr", &format!("review {}", d.reference), "");
        self.db.update_dhr(id, user, &change, &audit).await?;
        Ok(())
    }

    /// Adds a user to a review's panel (`update_dhr`).
    pub async fn add_to_panel(
        &self,
        actor: &Actor,
        id: DhrId,
        username: &str,
    ) -> Result<(), AppError> {
        let (user, d) = self.dhr_in_reach(actor, id).await?;
        let member = self.panel_member(username.trim()).await?;
        let audit = actor.audit(
            "update_dhr",
            &format!("review {}", d.reference),
            &format!("panel: {}", username.trim()),
        );
        self.db
            .update_dhr(id, user, &DhrChange::AddPanel(member), &audit)
            .await?;
        Ok(())
    }

    /// The clocks of the reviews the actor sits on, for the overdue board.
    pub(crate) async fn dhr_clocks(
        &self,
        actor: &Actor,
        today: Date,
    ) -> Result<Vec<Due>, AppError> {
        let Ok(user) = actor.require(DHR_PANEL_ROLES) else {
            return Ok(vec![]);
        };
        let names: std::collections::BTreeMap<AgencyId, String> = self
            .db
            .agencies()
            .await?
            .into_iter()
            .map(|a| (a.id, a.name))
            .collect();
        let mut out = Vec::new();
        for d in self.db.dhrs(user.id).await? {
            let due = |what: String, state: ClockState, agency: Option<AgencyId>| Due {
                duty: Duty::DomesticHomicideReview,
                what,
                record: OnRecord::Dhr(d.id),
                record_label: format!("{} ({})", d.reference, d.new.pseudonym),
                agency: agency.map(|a| (a, names.get(&a).cloned().unwrap_or_default())),
                forum: None,
                state,
            };
            for (what, state) in d.days.clocks(&self.casework.dhr, today) {
                if !matches!(state, ClockState::Met { .. }) {
                    out.push(due(what.to_owned(), state, None));
                }
            }
            for r in &d.reports {
                let state = safer_domain::casework::clock::state(r.due, r.received_on, today);
                if !matches!(state, ClockState::Met { .. }) {
                    let what = if r.kind == "imr" {
                        "Individual Management Review"
                    } else {
                        "Chronology"
                    };
                    out.push(due(format!("{what} due"), state, Some(r.agency_id)));
                }
            }
            for a in &d.actions {
                let state = safer_domain::casework::clock::state(a.due, a.done_on, today);
                if !matches!(state, ClockState::Met { .. }) {
                    out.push(due(
                        format!("Learning action: {}", a.text),
                        state,
                        Some(a.agency_id),
                    ));
                }
            }
        }
        Ok(out)
    }
}
