//! Domestic Homicide Reviews, each read only by the users on its panel:
//! every query takes the reader's user id and finds nothing else.

use safer_domain::casework::dhr::{DhrDays, DhrDecision};
use safer_domain::{AgencyId, Date, DhrId, UserId};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::audit::{AuditEntry, append};
use super::cases::date_of;
use super::{Database, DbError};

/// A review as notified.
#[derive(Debug, Clone, PartialEq)]
pub struct NewDhr {
    pub pseudonym: String,
    pub age: Option<u8>,
    pub died_on: Option<Date>,
    pub circumstances: String,
    pub notified_on: Date,
    pub notified_by: String,
    pub chair: String,
}

/// An agency's chronology or IMR.
#[derive(Debug, Clone, PartialEq)]
pub struct DhrReport {
    pub id: i64,
    pub agency_id: AgencyId,
    /// `chronology` or `imr`.
    pub kind: String,
    pub due: Date,
    pub received_on: Option<Date>,
}

/// An action of the learning action plan.
#[derive(Debug, Clone, PartialEq)]
pub struct DhrAction {
    pub id: i64,
    pub agency_id: AgencyId,
    pub text: String,
    pub due: Date,
    pub done_on: Option<Date>,
    pub note: String,
}

/// A review as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredDhr {
    pub id: DhrId,
    pub reference: String,
    pub new: NewDhr,
    pub days: DhrDays,
    pub decision_note: Option<String>,
    pub qa_note: Option<String>,
    pub panel: Vec<UserId>,
    pub reports: Vec<DhrReport>,
    pub actions: Vec<DhrAction>,
}

/// A change to a review.
#[derive(Debug, Clone, PartialEq)]
pub enum DhrChange {
    Decide {
        on: Date,
        decision: DhrDecision,
        note: String,
    },
    HomeOfficeInformed(Date),
    Chair(String),
    Adjourned(u32),
    AddPanel(UserId),
    Report {
        agency: AgencyId,
        kind: &'static str,
        due: Date,
    },
    ReportReceived {
        id: i64,
        on: Date,
    },
    Submitted(Date),
    Approved {
        on: Date,
        note: String,
    },
    Published(Date),
    Withdrawn(Date),
    Action {
        agency: AgencyId,
        text: String,
        due: Date,
    },
    ActionDone {
        id: i64,
        on: Date,
        note: String,
    },
}

fn opt_date(r: &AnyRow, i: usize) -> Result<Option<Date>, DbError> {
    r.try_get::<Option<String>, _>(i)?
        .map(|s| date_of(&s))
        .transpose()
}

macro_rules! dhr_select {
    () => {
        "SELECT d.id, d.reference, d.pseudonym, d.age, d.died_on, d.circumstances, d.notified_on, d.notified_by,
           d.decision, d.decided_on, d.decision_note, d.home_office_informed_on, d.chair, d.adjourned_days,
           d.submitted_on, d.approved_on, d.qa_note, d.published_on, d.withdrawn_on
         FROM dhrs d WHERE EXISTS (SELECT 1 FROM dhr_panel p WHERE p.dhr_id = d.id AND p.user_id = $1) "
    };
}

impl Database {
    /// Records a notification, with its panel (the recorder among them)
    /// and reference (`DHR-<year>-<number>`), audited in one transaction.
    pub async fn add_dhr(
        &self,
        d: &NewDhr,
        panel: &[UserId],
        created_by: &str,
        audit: &AuditEntry,
    ) -> Result<(DhrId, String), DbError> {
        let mut tx = self.pool.begin().await?;
        let prefix = format!("DHR-{}-", d.notified_on.year());
        let n = sqlx::query("SELECT COUNT(*) FROM dhrs WHERE reference LIKE $1")
            .bind(format!("{prefix}%"))
            .fetch_one(&mut *tx)
            .await?
            .try_get::<i64, _>(0)?;
        let reference = format!("{prefix}{:02}", n + 1);
        let row = sqlx::query(
            "INSERT INTO dhrs (reference, pseudonym, age, died_on, circumstances, notified_on, notified_by, chair,
               adjourned_days, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10) RETURNING id",
        )
        .bind(&reference)
        .bind(&d.pseudonym)
        .bind(d.age.map(i64::from))
        .bind(d.died_on.map(|x| x.to_string()))
        .bind(&d.circumstances)
        .bind(d.notified_on.to_string())
        .bind(&d.notified_by)
        .bind(&d.chair)
        .bind(created_by)
        .bind(self.now_text())
        .fetch_one(&mut *tx)
        .await?;
        let id = DhrId::from_stored(row.try_get(0)?);
        let mut panel = panel.to_vec();
        panel.sort();
        panel.dedup();
        for u in panel {
            sqlx::query("INSERT INTO dhr_panel (dhr_id, user_id) VALUES ($1, $2)")
                .bind(id.get())
                .bind(u.get())
                .execute(&mut *tx)
                .await
                .map_err(|e| super::on_constraint(e, || format!("there is no user {u}")))?;
        }
        let mut audit = audit.clone();
        audit.target = format!("review {reference}");
        append(&mut tx, self.backend(), &self.now_text(), &audit).await?;
        tx.commit().await?;
        Ok((id, reference))
    }

    /// The reviews whose panel the user is on, newest first.
    pub async fn dhrs(&self, user: UserId) -> Result<Vec<StoredDhr>, DbError> {
        let rows = sqlx::query(concat!(dhr_select!(), "ORDER BY d.id DESC"))
            .bind(user.get())
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            out.push(self.dhr_of(r).await?);
        }
        Ok(out)
    }

    /// One review, if the user is on its panel.
    pub async fn dhr(&self, id: DhrId, user: UserId) -> Result<Option<StoredDhr>, DbError> {
        let row = sqlx::query(concat!(dhr_select!(), "AND d.id = $2"))
            .bind(user.get())
            .bind(id.get())
            .fetch_optional(&self.pool)
            .await?;
        match row {
            None => Ok(None),
            Some(r) => Ok(Some(self.dhr_of(&r).await?)),
        }
    }

    /// Whether a review exists at all (to audit an attempt from outside
    /// its panel).
    pub async fn dhr_exists(&self, id: DhrId) -> Result<bool, DbError> {
        Ok(sqlx::query("SELECT COUNT(*) FROM dhrs WHERE id = $1")
            .bind(id.get())
            .fetch_one(&self.pool)
            .await?
            .try_get::<i64, _>(0)?
            > 0)
    }

    async fn dhr_of(&self, r: &AnyRow) -> Result<StoredDhr, DbError> {
        let id = DhrId::from_stored(r.try_get(0)?);
        let decision = match r.try_get::<Option<String>, _>(8)?.as_deref() {
            None => None,
            Some("review") => Some(DhrDecision::Review),
            Some("no_review") => Some(DhrDecision::NoReview),
            Some(other) => return Err(DbError::Corrupt(format!("a DHR decision {other:?}"))),
        };
        let panel = sqlx::query("SELECT user_id FROM dhr_panel WHERE dhr_id = $1 ORDER BY user_id")
            .bind(id.get())
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|p| Ok(UserId::from_stored(p.try_get(0)?)))
            .collect::<Result<Vec<_>, DbError>>()?;
        let reports = sqlx::query(
            "SELECT id, agency_id, kind, due, received_on FROM dhr_reports WHERE dhr_id = $1 ORDER BY due, id",
        )
        .bind(id.get())
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|p| {
            Ok(DhrReport {
                id: p.try_get(0)?,
                agency_id: AgencyId::from_stored(p.try_get(1)?),
                kind: p.try_get(2)?,
                due: date_of(&p.try_get::<String, _>(3)?)?,
                received_on: opt_date(p, 4)?,
            })
        })
        .collect::<Result<Vec<_>, DbError>>()?;
        let actions = sqlx::query(
            "SELECT id, agency_id, text, due, done_on, note FROM dhr_actions WHERE dhr_id = $1 ORDER BY due, id",
        )
        .bind(id.get())
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|p| {
            Ok(DhrAction {
                id: p.try_get(0)?,
                agency_id: AgencyId::from_stored(p.try_get(1)?),
                text: p.try_get(2)?,
                due: date_of(&p.try_get::<String, _>(3)?)?,
                done_on: opt_date(p, 4)?,
                note: p.try_get(5)?,
            })
        })
        .collect::<Result<Vec<_>, DbError>>()?;
        let notified_on = date_of(&r.try_get::<String, _>(6)?)?;
        Ok(StoredDhr {
            id,
            reference: r.try_get(1)?,
            new: NewDhr {
                pseudonym: r.try_get(2)?,
                age: r
                    .try_get::<Option<i64>, _>(3)?
                    .and_then(|a| u8::try_from(a).ok()),
                died_on: opt_date(r, 4)?,
                circumstances: r.try_get(5)?,
                notified_on,
                notified_by: r.try_get(7)?,
                chair: r.try_get(12)?,
            },
            days: DhrDays {
                notified_on: Some(notified_on),
                decided_on: opt_date(r, 9)?,
                decision,
                home_office_informed_on: opt_date(r, 11)?,
                adjourned_days: u32::try_from(r.try_get::<i64, _>(13)?).unwrap_or(0),
                submitted_on: opt_date(r, 14)?,
                approved_on: opt_date(r, 15)?,
                published_on: opt_date(r, 17)?,
                withdrawn_on: opt_date(r, 18)?,
            },
            decision_note: r.try_get(10)?,
            qa_note: r.try_get(16)?,
            panel,
            reports,
            actions,
        })
    }

    /// Changes a review the user is on the panel of (else not found),
    /// audited in the same transaction.
    pub async fn update_dhr(
        &self,
        id: DhrId,
        user: UserId,
        change: &DhrChange,
        audit: &AuditEntry,
    ) -> Result<(), DbError> {
        let mut tx = self.pool.begin().await?;
        let on_panel = sqlx::query(
            "SELECT COUNT(*) FROM dhrs d WHERE d.id = $2 AND EXISTS (SELECT 1 FROM dhr_panel p WHERE p.dhr_id = d.id AND p.user_id = $1)",
        )
            .bind(user.get())
            .bind(id.get())
            .fetch_one(&mut *tx)
            .await?
            .try_get::<i64, _>(0)?;
        if on_panel == 0 {
            return Err(DbError::NotFound(format!("review {id}")));
        }
        let set = |sql: &'static str| sqlx::query(sql).bind(id.get());
        let day = |d: &Date| d.to_string();
        let done = match change {
            DhrChange::Decide { on, decision, note } => {
                set("UPDATE dhrs SET decided_on = $2, decision = $3, decision_note = $4 WHERE id = $1")
                    .bind(day(on))
                    .bind(match decision {
                        DhrDecision::Review => "review",
                        DhrDecision::NoReview => "no_review",
                    })
                    .bind(note.clone())
                    .execute(&mut *tx)
                    .await?
            }
            DhrChange::HomeOfficeInformed(on) => {
                set("UPDATE dhrs SET home_office_informed_on = $2 WHERE id = $1")
                    .bind(day(on))
                    .execute(&mut *tx)
                    .await?
            }
            DhrChange::Chair(c) => set("UPDATE dhrs SET chair = $2 WHERE id = $1")
                .bind(c.clone())
                .execute(&mut *tx)
                .await?,
            DhrChange::Adjourned(days) => set("UPDATE dhrs SET adjourned_days = $2 WHERE id = $1")
                .bind(i64::from(*days))
                .execute(&mut *tx)
                .await?,
            DhrChange::AddPanel(u) => sqlx::query(
                "INSERT INTO dhr_panel (dhr_id, user_id) VALUES ($1, $2) ON CONFLICT (dhr_id, user_id) DO NOTHING",
            )
            .bind(id.get())
            .bind(u.get())
            .execute(&mut *tx)
            .await
            .map_err(|e| super::on_constraint(e, || format!("there is no user {u}")))?,
            DhrChange::Report { agency, kind, due } => sqlx::query(
                "INSERT INTO dhr_reports (dhr_id, agency_id, kind, due) VALUES ($1, $2, $3, $4)",
            )
            .bind(id.get())
            .bind(agency.get())
            .bind(*kind)
            .bind(day(due))
            .execute(&mut *tx)
            .await
            .map_err(|e| super::on_constraint(e, || format!("there is no agency {agency}")))?,
            DhrChange::ReportReceived { id: report, on } => sqlx::query(
                "UPDATE dhr_reports SET received_on = $3 WHERE dhr_id = $1 AND id = $2",
            )
            .bind(id.get())
            .bind(*report)
            .bind(day(on))
            .execute(&mut *tx)
            .await?,
            DhrChange::Submitted(on) => set("UPDATE dhrs SET submitted_on = $2 WHERE id = $1")
                .bind(day(on))
                .execute(&mut *tx)
                .await?,
            DhrChange::Approved { on, note } => {
                set("UPDATE dhrs SET approved_on = $2, qa_note = $3 WHERE id = $1")
                    .bind(day(on))
                    .bind(note.clone())
                    .execute(&mut *tx)
                    .await?
            }
            DhrChange::Published(on) => set("UPDATE dhrs SET published_on = $2 WHERE id = $1")
                .bind(day(on))
                .execute(&mut *tx)
                .await?,
            DhrChange::Withdrawn(on) => set("UPDATE dhrs SET withdrawn_on = $2 WHERE id = $1")
                .bind(day(on))
                .execute(&mut *tx)
                .await?,
            DhrChange::Action { agency, text, due } => sqlx::query(
                "INSERT INTO dhr_actions (dhr_id, agency_id, text, due, note) VALUES ($1, $2, $3, $4, '')",
            )
            .bind(id.get())
            .bind(agency.get())
            .bind(text.clone())
            .bind(day(due))
            .execute(&mut *tx)
            .await
            .map_err(|e| super::on_constraint(e, || format!("there is no agency {agency}")))?,
            DhrChange::ActionDone { id: action, on, note } => sqlx::query(
                "UPDATE dhr_actions SET done_on = $3, note = $4 WHERE dhr_id = $1 AND id = $2",
            )
            .bind(id.get())
            .bind(*action)
            .bind(day(on))
            .bind(note.clone())
            .execute(&mut *tx)
            .await?,
        };
        if done.rows_affected() == 0 {
            return Err(DbError::NotFound(format!(
                "the record changed on review {id}"
            )));
        }
        append(&mut tx, self.backend(), &self.now_text(), audit).await?;
        tx.commit().await?;
        Ok(())
    }
}
