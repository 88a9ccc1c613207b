//! Applications for an ASB case review (the Community Trigger), their
//! complaints, linked cases and recommendations.
//!
//! An application is not a case: it is read by the partnership's point of
//! contact (every application) and by its lead agency, as the
//! [`TriggerReader`] says. Cases linked to it stay behind their own scope:
//! their incidents count as complaints (by day and agency, never their
//! text), and only someone who may see a case can link it.

use safer_domain::casework::access::CaseScope;
use safer_domain::{AgencyId, CaseId, Date, TriggerId};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::audit::{AuditEntry, append};
use super::cases::date_of;
use super::{Database, DbError};

/// Who is reading applications.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TriggerReader {
    /// The point of contact: every application.
    All,
    /// An agency's caseworkers: the applications their agency leads.
    Lead(AgencyId),
}

/// Where an application came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TriggerChannel {
    PublicForm,
    Staff,
}

impl TriggerChannel {
    fn as_str(self) -> &'static str {
        match self {
            TriggerChannel::PublicForm => "public_form",
            TriggerChannel::Staff => "staff",
        }
    }
}

/// An application as made.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTrigger {
    pub received_on: Date,
    pub channel: TriggerChannel,
    pub applicant_name: String,
    pub applicant_contact: String,
    /// When made on the victim's behalf: their name, and who the applicant
    /// is to them.
    pub victim_name: Option<String>,
    pub relationship: Option<String>,
    pub consent: bool,
    pub address: String,
    pub behaviour: String,
    pub no_effective_action: bool,
    pub youth: bool,
}

/// A complaint entered with an application, or by staff afterwards.
#[derive(Debug, Clone, PartialEq)]
pub struct TriggerComplaint {
    pub behaviour_on: Date,
    pub reported_on: Date,
    pub reported_to: String,
    pub incident_ref: Option<String>,
    pub complainant: Option<String>,
    pub hate: bool,
    pub text: String,
}

/// A recommendation of a review, to a named body.
#[derive(Debug, Clone, PartialEq)]
pub struct Recommendation {
    pub id: i64,
    pub body: String,
    pub text: String,
    pub due: Date,
    pub status: String,
    pub update_text: String,
    pub updated_on: Option<Date>,
}

/// An application as stored, with where it stands.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredTrigger {
    pub id: TriggerId,
    pub reference: String,
    pub new: NewTrigger,
    pub status: String,
    pub lead_agency_id: Option<AgencyId>,
    pub acknowledged_on: Option<Date>,
    pub decided_on: Option<Date>,
    pub decision_note: Option<String>,
    /// The rules engine's assessment the decision rests on (JSON).
    pub assessment: Option<String>,
    pub review_on: Option<Date>,
    pub victim_invited: Option<bool>,
    pub reviewed_on: Option<Date>,
    pub outcome: Option<String>,
    pub outcome_sent_on: Option<Date>,
    pub appeal_requested_on: Option<Date>,
    pub appeal_grounds: Option<String>,
    pub appeal_decided_on: Option<Date>,
    pub appeal_outcome: Option<String>,
    pub recorded_by: String,
    /// The day the point of contact closed it, once all is done.
    pub closed_on: Option<Date>,
    pub complaints: Vec<TriggerComplaint>,
    pub cases: Vec<CaseId>,
    pub recommendations: Vec<Recommendation>,
}

/// A change to an application.
#[derive(Debug, Clone, PartialEq)]
pub enum TriggerChange {
    Acknowledge(Date),
    Lead(AgencyId),
    Complaint(TriggerComplaint),
    /// The threshold decision: met or not (or rejected, with the reason),
    /// and the assessment it rests on.
    Decide {
        on: Date,
        status: &'static str,
        note: String,
        assessment: String,
    },
    /// The review meeting's day and whether the victim is invited.
    Meeting {
        on: Date,
        victim_invited: bool,
    },
    /// The review held, its outcome, and when the applicant was told.
    Reviewed {
        on: Date,
        outcome: String,
        sent_on: Option<Date>,
    },
    Recommend {
        body: String,
        text: String,
        due: Date,
    },
    RecommendationUpdate {
        id: i64,
        status: &'static str,
        text: String,
        on: Date,
    },
    Appeal {
        on: Date,
        grounds: String,
    },
    AppealDecided {
        on: Date,
        outcome: String,
    },
    Close(Date),
}

/// The s104(10) figures for applications received over a period, with
/// those not yet decided so the columns add up to the applications.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TriggerFigures {
    pub applications: u64,
    pub threshold_not_met: u64,
    pub rejected: u64,
    pub threshold_met: u64,
    pub awaiting_decision: u64,
    pub reviews_carried_out: u64,
    pub reviews_with_recommendations: u64,
    pub youth: u64,
}

macro_rules! columns {
    () => {
        "SELECT id, reference, received_on, channel, applicant_name, applicant_contact, victim_name, relationship,
    consent, address, behaviour, no_effective_action, youth, status, lead_agency_id, acknowledged_on, decided_on,
    decision_note, assessment, review_on, victim_invited, reviewed_on, outcome, outcome_sent_on,
    appeal_requested_on, appeal_grounds, appeal_decided_on, appeal_outcome, recorded_by, closed_on FROM trigger_applications "
    };
}

fn opt_date(r: &AnyRow, i: usize) -> Result<Option<Date>, DbError> {
    r.try_get::<Option<String>, _>(i)?
        .map(|s| date_of(&s))
        .transpose()
}

fn reader_params(reader: TriggerReader) -> i64 {
    match reader {
        TriggerReader::All => 0,
        TriggerReader::Lead(a) => a.get(),
    }
}

impl Database {
    /// Records an application with its complaints and its reference
    /// (`CT-<year>-<number>`, numbered within the year received), with
    /// the audit entry, in one transaction.
    pub async fn add_trigger(
        &self,
        t: &NewTrigger,
        complaints: &[TriggerComplaint],
        recorded_by: &str,
        audit: &AuditEntry,
    ) -> Result<(TriggerId, String), DbError> {
        let mut tx = self.pool.begin().await?;
        let year = t.received_on.year();
        let prefix = format!("CT-{year}-");
        let n = sqlx::query("SELECT COUNT(*) FROM trigger_applications WHERE reference LIKE $1")
            .bind(format!("{prefix}%"))
            .fetch_one(&mut *tx)
            .await?
            .try_get::<i64, _>(0)?;
        let reference = format!("{prefix}{:04}", n + 1);
        let row = sqlx::query(
            "INSERT INTO trigger_applications (reference, received_on, channel, applicant_name, applicant_contact,
               victim_name, relationship, consent, address, behaviour, no_effective_action, youth, status,
               recorded_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'received', $13, $14) RETURNING id",
        )
        .bind(&reference)
        .bind(t.received_on.to_string())
        .bind(t.channel.as_str())
        .bind(&t.applicant_name)
        .bind(&t.applicant_contact)
        .bind(t.victim_name.clone())
        .bind(t.relationship.clone())
        .bind(i64::from(t.consent))
        .bind(&t.address)
        .bind(&t.behaviour)
        .bind(i64::from(t.no_effective_action))
        .bind(i64::from(t.youth))
        .bind(recorded_by)
        .bind(self.now_text())
        .fetch_one(&mut *tx)
        .await?;
        let id = TriggerId::from_stored(row.try_get(0)?);
        for c in complaints {
            insert_complaint(&mut tx, id, c).await?;
        }
        let mut audit = audit.clone();
        audit.target = format!("application {reference}");
        append(&mut tx, self.backend(), &self.now_text(), &audit).await?;
        tx.commit().await?;
        Ok((id, reference))
    }

    /// The applications the reader may see, newest first.
    pub async fn triggers(&self, reader: TriggerReader) -> Result<Vec<StoredTrigger>, DbError> {
        let rows = sqlx::query(concat!(
            columns!(),
            "WHERE ($1 = 0 OR lead_agency_id = $1) ORDER BY id DESC"
        ))
        .bind(reader_params(reader))
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            out.push(self.trigger_of(r).await?);
        }
        Ok(out)
    }

    /// One application, if the reader may see it.
    pub async fn trigger(
        &self,
        id: TriggerId,
        reader: TriggerReader,
    ) -> Result<Option<StoredTrigger>, DbError> {
        let row = sqlx::query(concat!(
            columns!(),
            "WHERE id = $1 AND ($2 = 0 OR lead_agency_id = $2)"
        ))
        .bind(id.get())
        .bind(reader_params(reader))
        .fetch_optional(&self.pool)
        .await?;
        match row {
            None => Ok(None),
            Some(r) => Ok(Some(self.trigger_of(&r).await?)),
        }
    }

    async fn trigger_of(&self, r: &AnyRow) -> Result<StoredTrigger, DbError> {
        let id = TriggerId::from_stored(r.try_get(0)?);
        let channel: String = r.try_get(3)?;
        let complaints = sqlx::query(
            "SELECT behaviour_on, reported_on, reported_to, incident_ref, complainant, hate, text
             FROM trigger_complaints WHERE application_id = $1 ORDER BY behaviour_on, id",
        )
        .bind(id.get())
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|c| {
            Ok(TriggerComplaint {
                behaviour_on: date_of(&c.try_get::<String, _>(0)?)?,
                reported_on: date_of(&c.try_get::<String, _>(1)?)?,
                reported_to: c.try_get(2)?,
                incident_ref: c.try_get(3)?,
                complainant: c.try_get(4)?,
                hate: c.try_get::<i64, _>(5)? != 0,
                text: c.try_get(6)?,
            })
        })
        .collect::<Result<Vec<_>, DbError>>()?;
        let cases = sqlx::query(
            "SELECT case_id FROM trigger_cases WHERE application_id = $1 ORDER BY case_id",
        )
        .bind(id.get())
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|c| Ok(CaseId::from_stored(c.try_get(0)?)))
        .collect::<Result<Vec<_>, DbError>>()?;
        let recommendations = sqlx::query(
            "SELECT id, body, text, due, status, update_text, updated_on FROM trigger_recommendations
             WHERE application_id = $1 ORDER BY id",
        )
        .bind(id.get())
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|c| {
            Ok(Recommendation {
                id: c.try_get(0)?,
                body: c.try_get(1)?,
                text: c.try_get(2)?,
                due: date_of(&c.try_get::<String, _>(3)?)?,
                status: c.try_get(4)?,
                update_text: c.try_get(5)?,
                updated_on: opt_date(c, 6)?,
            })
        })
        .collect::<Result<Vec<_>, DbError>>()?;
        Ok(StoredTrigger {
            id,
            reference: r.try_get(1)?,
            new: NewTrigger {
                received_on: date_of(&r.try_get::<String, _>(2)?)?,
                channel: if channel == "public_form" {
                    TriggerChannel::PublicForm
                } else {
                    TriggerChannel::Staff
                },
                applicant_name: r.try_get(4)?,
                applicant_contact: r.try_get(5)?,
                victim_name: r.try_get(6)?,
                relationship: r.try_get(7)?,
                consent: r.try_get::<i64, _>(8)? != 0,
                address: r.try_get(9)?,
                behaviour: r.try_get(10)?,
                no_effective_action: r.try_get::<i64, _>(11)? != 0,
                youth: r.try_get::<i64, _>(12)? != 0,
            },
            status: r.try_get(13)?,
            lead_agency_id: r.try_get::<Option<i64>, _>(14)?.map(AgencyId::from_stored),
            acknowledged_on: opt_date(r, 15)?,
            decided_on: opt_date(r, 16)?,
            decision_note: r.try_get(17)?,
            assessment: r.try_get(18)?,
            review_on: opt_date(r, 19)?,
            victim_invited: r.try_get::<Option<i64>, _>(20)?.map(|v| v != 0),
            reviewed_on: opt_date(r, 21)?,
            outcome: r.try_get(22)?,
            outcome_sent_on: opt_date(r, 23)?,
            appeal_requested_on: opt_date(r, 24)?,
            appeal_grounds: r.try_get(25)?,
            appeal_decided_on: opt_date(r, 26)?,
            appeal_outcome: r.try_get(27)?,
            recorded_by: r.try_get(28)?,
            closed_on: opt_date(r, 29)?,
            complaints,
            cases,
            recommendations,
        })
    }

    /// Changes an application the reader may see (else not found), with
    /// the audit entry, in one transaction.
    pub async fn update_trigger(
        &self,
        id: TriggerId,
        reader: TriggerReader,
        change: &TriggerChange,
        audit: &AuditEntry,
    ) -> Result<(), DbError> {
        let mut tx = self.pool.begin().await?;
        let seen = sqlx::query(
            "SELECT COUNT(*) FROM trigger_applications WHERE id = $1 AND ($2 = 0 OR lead_agency_id = $2)",
        )
        .bind(id.get())
        .bind(reader_params(reader))
        .fetch_one(&mut *tx)
        .await?
        .try_get::<i64, _>(0)?;
        if seen == 0 {
            return Err(DbError::NotFound(format!("application {id}")));
        }
        let set = |sql: &'static str| sqlx::query(sql).bind(id.get());
        let done = match change {
            TriggerChange::Acknowledge(on) => {
                set("UPDATE trigger_applications SET acknowledged_on = $2,
                       status = CASE WHEN status = 'received' THEN 'acknowledged' ELSE status END WHERE id = $1")
                .bind(on.to_string())
                .execute(&mut *tx)
                .await?
            }
            TriggerChange::Lead(a) => {
                set("UPDATE trigger_applications SET lead_agency_id = $2 WHERE id = $1")
                    .bind(a.get())
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| super::on_constraint(e, || format!("there is no agency {a}")))?
            }
            TriggerChange::Complaint(c) => insert_complaint(&mut tx, id, c).await?,
            TriggerChange::Decide {
                on,
                status,
                note,
                assessment,
            } => {
                set("UPDATE trigger_applications SET decided_on = $2, status = $3, decision_note = $4, assessment = $5 WHERE id = $1")
                    .bind(on.to_string())
                    .bind(*status)
                    .bind(note.clone())
                    .bind(assessment.clone())
                    .execute(&mut *tx)
                    .await?
            }
            TriggerChange::Meeting { on, victim_invited } => {
                set("UPDATE trigger_applications SET review_on = $2, victim_invited = $3 WHERE id = $1")
                    .bind(on.to_string())
                    .bind(i64::from(*victim_invited))
                    .execute(&mut *tx)
                    .await?
            }
            TriggerChange::Reviewed {
                on,
                outcome,
                sent_on,
            } => {
                set("UPDATE trigger_applications SET reviewed_on = $2, outcome = $3, outcome_sent_on = $4, status = 'reviewed' WHERE id = $1")
                    .bind(on.to_string())
                    .bind(outcome.clone())
                    .bind(sent_on.map(|d| d.to_string()))
                    .execute(&mut *tx)
                    .await?
            }
            TriggerChange::Recommend { body, text, due } => {
                sqlx::query(
                    "INSERT INTO trigger_recommendations (application_id, body, text, due, status, update_text)
                     VALUES ($1, $2, $3, $4, 'open', '')",
                )
                .bind(id.get())
                .bind(body.clone())
                .bind(text.clone())
                .bind(due.to_string())
                .execute(&mut *tx)
                .await?
            }
            TriggerChange::RecommendationUpdate {
                id: rec,
                status,
                text,
                on,
            } => {
                sqlx::query(
                    "UPDATE trigger_recommendations SET status = $3, update_text = $4, updated_on = $5
                     WHERE id = $2 AND application_id = $1",
                )
                .bind(id.get())
                .bind(*rec)
                .bind(*status)
                .bind(text.clone())
                .bind(on.to_string())
                .execute(&mut *tx)
                .await?
            }
            TriggerChange::Appeal { on, grounds } => {
                set("UPDATE trigger_applications SET appeal_requested_on = $2, appeal_grounds = $3 WHERE id = $1")
                    .bind(on.to_string())
                    .bind(grounds.clone())
                    .execute(&mut *tx)
                    .await?
            }
            TriggerChange::AppealDecided { on, outcome } => {
                set("UPDATE trigger_applications SET appeal_decided_on = $2, appeal_outcome = $3 WHERE id = $1")
                    .bind(on.to_string())
                    .bind(outcome.clone())
                    .execute(&mut *tx)
                    .await?
            }
            TriggerChange::Close(on) => {
                set("UPDATE trigger_applications SET closed_on = $2 WHERE id = $1")
                    .bind(on.to_string())
                    .execute(&mut *tx)
                    .await?
            }
        };
        if done.rows_affected() == 0 {
            return Err(DbError::NotFound(format!(
                "the record changed on application {id}"
            )));
        }
        append(&mut tx, self.backend(), &self.now_text(), audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Links a case in the linker's scope (else not found) to an
    /// application the reader may see, so the case's incidents count as
    /// complaints; audited in the same transaction.
    pub async fn link_trigger_case(
        &self,
        id: TriggerId,
        reader: TriggerReader,
        case: CaseId,
        scope: &CaseScope,
        audit: &AuditEntry,
    ) -> Result<(), DbError> {
        let mut tx = self.pool.begin().await?;
        let seen = sqlx::query(
            "SELECT COUNT(*) FROM trigger_applications WHERE id = $1 AND ($2 = 0 OR lead_agency_id = $2)",
        )
        .bind(id.get())
        .bind(reader_params(reader))
        .fetch_one(&mut *tx)
        .await?
        .try_get::<i64, _>(0)?;
        if seen == 0 {
            return Err(DbError::NotFound(format!("application {id}")));
        }
        if !self.case_visible(&mut tx, case, scope).await? {
            return Err(DbError::NotFound(format!("case {case}")));
        }
        sqlx::query(
            "INSERT INTO trigger_cases (application_id, case_id) VALUES ($1, $2)
             ON CONFLICT (application_id, case_id) DO NOTHING",
        )
        .bind(id.get())
        .bind(case.get())
        .execute(&mut *tx)
        .await?;
        append(&mut tx, self.backend(), &self.now_text(), audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The incidents on an application's linked cases, as complaints: the
    /// day it happened, the day the agency recorded it, and the agency;
    /// with the case, for the timeline. Their text stays on the case.
    pub async fn trigger_case_incidents(
        &self,
        id: TriggerId,
    ) -> Result<Vec<(CaseId, i64, Date, Date, String)>, DbError> {
        let rows = sqlx::query(
            "SELECT e.case_id, e.id, e.occurred_on, e.recorded_at, a.name FROM trigger_cases t
             JOIN case_events e ON e.case_id = t.case_id JOIN agencies a ON a.id = e.agency_id
             WHERE t.application_id = $1 AND e.kind = 'incident' ORDER BY e.occurred_on, e.id",
        )
        .bind(id.get())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let recorded: String = r.try_get(3)?;
                Ok((
                    CaseId::from_stored(r.try_get(0)?),
                    r.try_get(1)?,
                    date_of(&r.try_get::<String, _>(2)?)?,
                    date_of(recorded.get(..10).unwrap_or(&recorded))?,
                    r.try_get(4)?,
                ))
            })
            .collect()
    }

    /// The days an applicant (by name and contact, as written) applied
    /// before: a second application about the same behaviour is flagged.
    pub async fn earlier_triggers(
        &self,
        id: TriggerId,
        name: &str,
        contact: &str,
    ) -> Result<Vec<(String, Date)>, DbError> {
        let rows = sqlx::query(
            "SELECT reference, received_on FROM trigger_applications
             WHERE id <> $1 AND LOWER(applicant_name) = LOWER($2) AND LOWER(applicant_contact) = LOWER($3)
             ORDER BY received_on",
        )
        .bind(id.get())
        .bind(name.trim())
        .bind(contact.trim())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, date_of(&r.try_get::<String, _>(1)?)?)))
            .collect()
    }

    /// The s104(10) figures for the applications received from `first` to
    /// `last`, both included.
    pub async fn trigger_figures(
        &self,
        first: Date,
        last: Date,
    ) -> Result<TriggerFigures, DbError> {
        let row = sqlx::query(
            "SELECT COUNT(*),
               COUNT(CASE WHEN status = 'threshold_not_met' THEN 1 END),
               COUNT(CASE WHEN status = 'rejected' THEN 1 END),
               COUNT(CASE WHEN decided_on IS NOT NULL AND status NOT IN ('threshold_not_met', 'rejected') THEN 1 END),
               COUNT(CASE WHEN decided_on IS NULL THEN 1 END),
               COUNT(CASE WHEN reviewed_on IS NOT NULL THEN 1 END),
               COUNT(CASE WHEN reviewed_on IS NOT NULL AND EXISTS (SELECT 1 FROM trigger_recommendations r WHERE r.application_id = t.id) THEN 1 END),
               COUNT(CASE WHEN youth = 1 THEN 1 END)
             FROM trigger_applications t WHERE received_on >= $1 AND received_on <= $2",
        )
        .bind(first.to_string())
        .bind(last.to_string())
        .fetch_one(&self.pool)
        .await?;
        let n = |i: usize| -> Result<u64, DbError> {
            Ok(u64::try_from(row.try_get::<i64, _>(i)?).unwrap_or(0))
        };
        Ok(TriggerFigures {
            applications: n(0)?,
            threshold_not_met: n(1)?,
            rejected: n(2)?,
            threshold_met: n(3)?,
            awaiting_decision: n(4)?,
            reviews_carried_out: n(5)?,
            reviews_with_recommendations: n(6)?,
            youth: n(7)?,
        })
    }
}

async fn insert_complaint(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: TriggerId,
    c: &TriggerComplaint,
) -> Result<sqlx::any::AnyQueryResult, DbError> {
    Ok(sqlx::query(
        "INSERT INTO trigger_complaints (application_id, behaviour_on, reported_on, reported_to, incident_ref, complainant, hate, text)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id.get())
    .bind(c.behaviour_on.to_string())
    .bind(c.reported_on.to_string())
    .bind(&c.reported_to)
    .bind(c.incident_ref.clone())
    .bind(c.complainant.clone())
    .bind(i64::from(c.hate))
    .bind(&c.text)
    .execute(&mut **tx)
    .await?)
}
