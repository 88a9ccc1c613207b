//! The work on a case: its chronology, its status moves, the actions
//! agreed on it and their updates, the people on it, and the meetings of
//! the forums. Every read and change goes through the caller's
//! [`CaseScope`], applied in the SQL (`scope_sql!`), so a case outside it,
//! its people, entries and actions are not found, not listed and not
//! counted.

use safer_domain::casework::access::CaseScope;
use safer_domain::casework::case::{CaseStatus, RiskLevel};
use safer_domain::casework::case_action::CaseActionStatus;
use safer_domain::casework::chronology::{CaseEvent, EventKind};
use safer_domain::casework::person::Person;
use safer_domain::{AgencyId, CaseActionId, CaseId, Date, MeetingId, PersonId};
use sqlx::Row;

use super::audit::{AuditEntry, append};
use super::cases::{date_of, risk_of, scope_params, scope_sql, status_of, text_of};
use super::{Database, DbError, on_constraint};

/// An entry to add to a case's chronology.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub kind: EventKind,
    pub on: Date,
    pub text: String,
    pub risk: Option<RiskLevel>,
    pub meeting: Option<MeetingId>,
    pub author: String,
    pub agency_id: AgencyId,
}

/// An entry of a case's chronology as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    pub case_id: CaseId,
    pub event: CaseEvent,
    pub meeting: Option<MeetingId>,
}

/// An action to agree on a case.
#[derive(Debug, Clone)]
pub struct NewCaseAction {
    pub agency_id: AgencyId,
    pub owner: String,
    pub text: String,
    pub due: Date,
    pub meeting: Option<MeetingId>,
}

/// An update of a case action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseActionUpdate {
    pub status: CaseActionStatus,
    pub text: String,
    pub author: String,
    /// The day it was recorded.
    pub on: Date,
}

/// An action on a case as stored, with its updates, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCaseAction {
    pub id: CaseActionId,
    pub case_id: CaseId,
    pub agency_id: AgencyId,
    pub owner: String,
    pub text: String,
    pub due: Date,
    pub status: CaseActionStatus,
    pub meeting: Option<MeetingId>,
    pub updates: Vec<CaseActionUpdate>,
}

/// A meeting of a forum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMeeting {
    pub id: MeetingId,
    pub forum: String,
    pub held_on: Date,
    pub chair: String,
    /// The agencies that attended.
    pub attended: Vec<AgencyId>,
}

fn action_status_of(s: &str) -> Result<CaseActionStatus, DbError> {
    s.parse().map_err(DbError::Corrupt)
}

/// A status move a case may not make from where it is.
fn bad_move(from: CaseStatus, to: CaseStatus) -> DbError {
    DbError::Conflict(format!(
        "the case is {}, so it cannot become {}",
        text_of(&from),
        text_of(&to)
    ))
}

impl Database {
    /// Writes an entry of a case's chronology in the caller's transaction,
    /// once the case's scope has let it through.
    pub(crate) async fn insert_event(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        id: CaseId,
        e: &NewEvent,
    ) -> Result<(), DbError> {
        sqlx::query(
            "INSERT INTO case_events (case_id, kind, occurred_on, text, risk, meeting_id, author, agency_id, recorded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id.get())
        .bind(e.kind.as_str())
        .bind(e.on.to_string())
        .bind(&e.text)
        .bind(e.risk.map(|r| text_of(&r)))
        .bind(e.meeting.map(MeetingId::get))
        .bind(&e.author)
        .bind(e.agency_id.get())
        .bind(self.now_text())
        .execute(&mut **tx)
        .await
        .map_err(|x| on_constraint(x, || "there is no such agency or meeting".to_owned()))?;
        Ok(())
    }

    /// Adds an entry to the chronology of a case in the scope (else not
    /// found), audited in the same transaction. A risk assessment sets the
    /// case's risk level; a decision at a meeting counts as the case's
    /// review.
    pub async fn add_case_event(
        &self,
        id: CaseId,
        scope: &CaseScope,
        e: &NewEvent,
        audit: &AuditEntry,
    ) -> Result<(), DbError> {
        let mut tx = self.pool.begin().await?;
        let (agency, denied) = scope_params(scope);
        let done = sqlx::query(concat!(
            "INSERT INTO case_events (case_id, kind, occurred_on, text, risk, meeting_id, author, agency_id, recorded_at)
             SELECT c.id, $2, $3, $4, $5, $6, $7, $8, $9 FROM cases c WHERE c.id = $1 AND ",
            scope_sql!("$10", "$11")
        ))
        .bind(id.get())
        .bind(e.kind.as_str())
        .bind(e.on.to_string())
        .bind(&e.text)
        .bind(e.risk.map(|r| text_of(&r)))
        .bind(e.meeting.map(MeetingId::get))
        .bind(&e.author)
        .bind(e.agency_id.get())
        .bind(self.now_text())
        .bind(agency)
        .bind(denied)
        .execute(&mut *tx)
        .await
        .map_err(|x| on_constraint(x, || "there is no such agency or meeting".to_owned()))?;
        if done.rows_affected() == 0 {
            return Err(DbError::NotFound(format!("case {id}")));
        }
        if let Some(risk) = e.risk {
            sqlx::query("UPDATE cases SET risk = $2 WHERE id = $1")
                .bind(id.get())
                .bind(text_of(&risk))
                .execute(&mut *tx)
                .await?;
        }
        if e.kind == EventKind::Decision && e.meeting.is_some() {
            sqlx::query("UPDATE cases SET last_reviewed = $2 WHERE id = $1 AND last_reviewed < $2")
                .bind(id.get())
                .bind(e.on.to_string())
                .execute(&mut *tx)
                .await?;
        }
        append(&mut tx, self.backend(), &self.now_text(), audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Moves a case in the scope to `to` (accepted, declined, closed, or
    /// referred again), as its life allows ([`CaseStatus::may_become`]),
    /// with the chronology's entry and the audit entry, in one
    /// transaction. A decline or a closure keeps its reason as the
    /// outcome; acceptance counts as the first review.
    pub async fn move_case(
        &self,
        id: CaseId,
        scope: &CaseScope,
        to: CaseStatus,
        e: &NewEvent,
        audit: &AuditEntry,
    ) -> Result<(), DbError> {
        let mut tx = self.pool.begin().await?;
        let (agency, denied) = scope_params(scope);
        let row = sqlx::query(concat!(
            "SELECT c.status FROM cases c WHERE c.id = $1 AND ",
            scope_sql!("$2", "$3")
        ))
        .bind(id.get())
        .bind(agency)
        .bind(denied)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| DbError::NotFound(format!("case {id}")))?;
        let from = status_of(&row.try_get::<String, _>(0)?)?;
        if !from.may_become(to) {
            return Err(bad_move(from, to));
        }
        let outcome =
            matches!(to, CaseStatus::Declined | CaseStatus::Closed).then(|| e.text.clone());
        // The status is checked again in the update, so two decisions at
        // once cannot both move the case.
        let done = sqlx::query(
            "UPDATE cases SET status = $3, outcome = $4,
               last_reviewed = CASE WHEN $3 = 'open' OR $3 = 'referred' THEN $5 ELSE last_reviewed END
             WHERE id = $1 AND status = $2",
        )
        .bind(id.get())
        .bind(text_of(&from))
        .bind(text_of(&to))
        .bind(outcome)
        .bind(e.on.to_string())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(bad_move(from, to));
        }
        self.insert_event(&mut tx, id, e).await?;
        append(&mut tx, self.backend(), &self.now_text(), audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The chronology of the cases in the scope (one case, or all), in
    /// the order things happened.
    pub async fn case_events(
        &self,
        scope: &CaseScope,
        only: Option<CaseId>,
    ) -> Result<Vec<StoredEvent>, DbError> {
        let (agency, denied) = scope_params(scope);
        let rows = sqlx::query(concat!(
            "SELECT e.case_id, e.kind, e.occurred_on, e.text, e.risk, e.meeting_id, e.author, a.name
             FROM case_events e JOIN cases c ON c.id = e.case_id JOIN agencies a ON a.id = e.agency_id
             WHERE ($1 = 0 OR e.case_id = $1) AND ",
            scope_sql!("$2", "$3"),
            " ORDER BY e.occurred_on, e.id"
        ))
        .bind(only.map_or(0, CaseId::get))
        .bind(agency)
        .bind(denied)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get(1)?;
                let risk: Option<String> = r.try_get(4)?;
                Ok(StoredEvent {
                    case_id: CaseId::from_stored(r.try_get(0)?),
                    event: CaseEvent {
                        kind: kind.parse().map_err(DbError::Corrupt)?,
                        on: date_of(&r.try_get::<String, _>(2)?)?,
                        text: r.try_get(3)?,
                        risk: risk.as_deref().map(risk_of).transpose()?,
                        author: r.try_get(6)?,
                        agency: r.try_get(7)?,
                    },
                    meeting: r.try_get::<Option<i64>, _>(5)?.map(MeetingId::from_stored),
                })
            })
            .collect()
    }

    /// Agrees an action on a case in the scope (else not found), audited
    /// in the same transaction. The owning agency becomes involved in the
    /// case if it was not, so that it can see what it is to do (the app
    /// decides who may give an action to an agency not yet involved).
    pub async fn add_case_action(
        &self,
        id: CaseId,
        scope: &CaseScope,
        a: &NewCaseAction,
        created_by: &str,
        audit: &AuditEntry,
    ) -> Result<CaseActionId, DbError> {
        let mut tx = self.pool.begin().await?;
        let (agency, denied) = scope_params(scope);
        let row = sqlx::query(concat!(
            "INSERT INTO case_actions (case_id, agency_id, owner, text, due, status, meeting_id, created_by, created_at)
             SELECT c.id, $2, $3, $4, $5, 'open', $6, $7, $8 FROM cases c WHERE c.id = $1 AND ",
            scope_sql!("$9", "$10"),
            " RETURNING id"
        ))
        .bind(id.get())
        .bind(a.agency_id.get())
        .bind(&a.owner)
        .bind(&a.text)
        .bind(a.due.to_string())
        .bind(a.meeting.map(MeetingId::get))
        .bind(created_by)
        .bind(self.now_text())
        .bind(agency)
        .bind(denied)
        .fetch_optional(&mut *tx)
        .await
        .map_err(|x| on_constraint(x, || format!("there is no agency {}", a.agency_id)))?
        .ok_or_else(|| DbError::NotFound(format!("case {id}")))?;
        let action = CaseActionId::from_stored(row.try_get(0)?);
        sqlx::query(
            "INSERT INTO case_agencies (case_id, agency_id) VALUES ($1, $2)
             ON CONFLICT (case_id, agency_id) DO NOTHING",
        )
        .bind(id.get())
        .bind(a.agency_id.get())
        .execute(&mut *tx)
        .await?;
        append(&mut tx, self.backend(), &self.now_text(), audit).await?;
        tx.commit().await?;
        Ok(action)
    }

    /// Records an update of an action on a case in the scope; with
    /// `owner`, only an action that agency owns (else not found). Audited
    /// in the same transaction.
    pub async fn update_case_action(
        &self,
        action: CaseActionId,
        scope: &CaseScope,
        owner: Option<AgencyId>,
        u: &CaseActionUpdate,
        audit: &AuditEntry,
    ) -> Result<(), DbError> {
        let mut tx = self.pool.begin().await?;
        let (agency, denied) = scope_params(scope);
        let done = sqlx::query(concat!(
            "UPDATE case_actions SET status = $2 WHERE id = $1 AND ($3 = 0 OR agency_id = $3)
               AND EXISTS (SELECT 1 FROM cases c WHERE c.id = case_actions.case_id AND ",
            scope_sql!("$4", "$5"),
            ")"
        ))
        .bind(action.get())
        .bind(u.status.as_str())
        .bind(owner.map_or(0, AgencyId::get))
        .bind(agency)
        .bind(denied)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(DbError::NotFound(format!("case action {action}")));
        }
        sqlx::query(
            "INSERT INTO case_action_updates (action_id, status, text, author, recorded_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(action.get())
        .bind(u.status.as_str())
        .bind(&u.text)
        .bind(&u.author)
        .bind(self.now_text())
        .execute(&mut *tx)
        .await?;
        append(&mut tx, self.backend(), &self.now_text(), audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// How many open actions on the cases in the scope (of one owning
    /// agency, or all) there are, and how many of them were due before
    /// `today`: counted in SQL, for a page that shows only the numbers.
    pub async fn count_open_case_actions(
        &self,
        scope: &CaseScope,
        owner: Option<AgencyId>,
        today: Date,
    ) -> Result<(u64, u64), DbError> {
        let (agency, denied) = scope_params(scope);
        // Dates are stored as YYYY-MM-DD, so text order is date order.
        let row = sqlx::query(concat!(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN x.due < $2 THEN 1 ELSE 0 END), 0)
             FROM case_actions x JOIN cases c ON c.id = x.case_id
             WHERE x.status = 'open' AND ($1 = 0 OR x.agency_id = $1) AND ",
            scope_sql!("$3", "$4")
        ))
        .bind(owner.map_or(0, AgencyId::get))
        .bind(today.to_string())
        .bind(agency)
        .bind(denied)
        .fetch_one(&self.pool)
        .await?;
        let n = |i: usize| -> Result<u64, DbError> { Ok(row.try_get::<i64, _>(i)?.max(0) as u64) };
        Ok((n(0)?, n(1)?))
    }

    /// The actions on the cases in the scope (of one case, or all), by due
    /// date, each with its updates.
    pub async fn case_actions(
        &self,
        scope: &CaseScope,
        only: Option<CaseId>,
    ) -> Result<Vec<StoredCaseAction>, DbError> {
        let (agency, denied) = scope_params(scope);
        let rows = sqlx::query(concat!(
            "SELECT x.id, x.case_id, x.agency_id, x.owner, x.text, x.due, x.status, x.meeting_id
             FROM case_actions x JOIN cases c ON c.id = x.case_id
             WHERE ($1 = 0 OR x.case_id = $1) AND ",
            scope_sql!("$2", "$3"),
            " ORDER BY x.due, x.id"
        ))
        .bind(only.map_or(0, CaseId::get))
        .bind(agency)
        .bind(denied)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let id = CaseActionId::from_stored(r.try_get(0)?);
            let updates = sqlx::query(
                "SELECT status, text, author, recorded_at FROM case_action_updates
                 WHERE action_id = $1 ORDER BY id",
            )
            .bind(id.get())
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|u| {
                let at: String = u.try_get(3)?;
                Ok(CaseActionUpdate {
                    status: action_status_of(&u.try_get::<String, _>(0)?)?,
                    text: u.try_get(1)?,
                    author: u.try_get(2)?,
                    on: date_of(at.get(..10).unwrap_or(""))?,
                })
            })
            .collect::<Result<Vec<_>, DbError>>()?;
            out.push(StoredCaseAction {
                id,
                case_id: CaseId::from_stored(r.try_get(1)?),
                agency_id: AgencyId::from_stored(r.try_get(2)?),
                owner: r.try_get(3)?,
                text: r.try_get(4)?,
                due: date_of(&r.try_get::<String, _>(5)?)?,
                status: action_status_of(&r.try_get::<String, _>(6)?)?,
                meeting: r.try_get::<Option<i64>, _>(7)?.map(MeetingId::from_stored),
                updates,
            });
        }
        Ok(out)
    }

    /// The people on the cases in the scope (on one case, or all), by id,
    /// each once.
    pub async fn people_in_scope(
        &self,
        scope: &CaseScope,
        only: Option<PersonId>,
    ) -> Result<Vec<(PersonId, Person)>, DbError> {
        let (agency, denied) = scope_params(scope);
        let rows = sqlx::query(concat!(
            "SELECT p.id, p.name, p.aliases, p.birth, p.address, p.vulnerabilities FROM people p
             WHERE ($1 = 0 OR p.id = $1) AND p.merged_into IS NULL AND EXISTS (SELECT 1 FROM case_people cp JOIN cases c ON c.id = cp.case_id
               WHERE cp.person_id = p.id AND ",
            scope_sql!("$2", "$3"),
            ") ORDER BY p.id"
        ))
        .bind(only.map_or(0, PersonId::get))
        .bind(agency)
        .bind(denied)
        .fetch_all(&self.pool)
        .await?;
        let json = |s: String| -> Result<serde_json::Value, DbError> {
            serde_json::from_str(&s).map_err(|e| DbError::Corrupt(format!("a person: {e}")))
        };
        rows.iter()
            .map(|r| {
                let p = Person {
                    name: r.try_get(1)?,
                    aliases: serde_json::from_value(json(r.try_get(2)?)?)
                        .map_err(|e| DbError::Corrupt(e.to_string()))?,
                    birth: serde_json::from_value(json(r.try_get(3)?)?)
                        .map_err(|e| DbError::Corrupt(e.to_string()))?,
                    address: r.try_get(4)?,
                    vulnerabilities: serde_json::from_value(json(r.try_get(5)?)?)
                        .map_err(|e| DbError::Corrupt(e.to_string()))?,
                };
                Ok((PersonId::from_stored(r.try_get(0)?), p))
            })
            .collect()
    }

    /// The cases in the scope a person is on, with their role on each.
    pub async fn cases_of_person(
        &self,
        person: PersonId,
        scope: &CaseScope,
    ) -> Result<Vec<(CaseId, safer_domain::casework::case::CaseRole)>, DbError> {
        let (agency, denied) = scope_params(scope);
        let rows = sqlx::query(concat!(
            "SELECT cp.case_id, cp.role FROM case_people cp JOIN cases c ON c.id = cp.case_id
             WHERE cp.person_id = $1 AND ",
            scope_sql!("$2", "$3"),
            " ORDER BY cp.case_id DESC, cp.role"
        ))
        .bind(person.get())
        .bind(agency)
        .bind(denied)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let role: String = r.try_get(1)?;
                Ok((
                    CaseId::from_stored(r.try_get(0)?),
                    role.parse().map_err(DbError::Corrupt)?,
                ))
            })
            .collect()
    }

    /// Records a meeting of a forum and the agencies that attended,
    /// audited in the same transaction.
    pub async fn add_meeting(
        &self,
        forum: &str,
        held_on: Date,
        chair: &str,
        attended: &[AgencyId],
        created_by: &str,
        audit: &AuditEntry,
    ) -> Result<MeetingId, DbError> {
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query(
            "INSERT INTO meetings (forum, held_on, chair, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(forum)
        .bind(held_on.to_string())
        .bind(chair)
        .bind(created_by)
        .bind(self.now_text())
        .fetch_one(&mut *tx)
        .await?;
        let id = MeetingId::from_stored(row.try_get(0)?);
        let mut agencies = attended.to_vec();
        agencies.sort();
        agencies.dedup();
        for a in agencies {
            sqlx::query("INSERT INTO meeting_attendance (meeting_id, agency_id) VALUES ($1, $2)")
                .bind(id.get())
                .bind(a.get())
                .execute(&mut *tx)
                .await
                .map_err(|e| on_constraint(e, || format!("there is no agency {a}")))?;
        }
        append(&mut tx, self.backend(), &self.now_text(), audit).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The meetings held (of one forum, or all), latest first. A meeting
    /// holds no personal data: its forum, day, chair and attendance.
    pub async fn meetings(&self, forum: Option<&str>) -> Result<Vec<StoredMeeting>, DbError> {
        let rows = sqlx::query(
            "SELECT id FROM meetings WHERE ($1 = '' OR forum = $1) ORDER BY held_on DESC, id DESC",
        )
        .bind(forum.unwrap_or(""))
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            out.push(self.meeting(MeetingId::from_stored(r.try_get(0)?)).await?);
        }
        Ok(out)
    }

    /// A meeting.
    pub async fn meeting(&self, id: MeetingId) -> Result<StoredMeeting, DbError> {
        let r = sqlx::query("SELECT forum, held_on, chair FROM meetings WHERE id = $1")
            .bind(id.get())
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| DbError::NotFound(format!("meeting {id}")))?;
        let attended = sqlx::query(
            "SELECT agency_id FROM meeting_attendance WHERE meeting_id = $1 ORDER BY agency_id",
        )
        .bind(id.get())
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|a| Ok(AgencyId::from_stored(a.try_get(0)?)))
        .collect::<Result<Vec<_>, DbError>>()?;
        Ok(StoredMeeting {
            id,
            forum: r.try_get(0)?,
            held_on: date_of(&r.try_get::<String, _>(1)?)?,
            chair: r.try_get(2)?,
            attended,
        })
    }
}
