//! The ASB escalation ladder, youth work and referrals on cases, read and
//! written through the caller's [`CaseScope`]: every row belongs to a case,
//! and a case outside the scope is not found. The whole-partnership counts
//! the plan measures use ([`Database::case_record_days`]) are the one read
//! without a scope: they return days, never a person or a case.

use safer_domain::casework::access::CaseScope;
use safer_domain::casework::escalation::{AbcParty, PlacePower, Step};
use safer_domain::casework::referral::ReferralKind;
use safer_domain::{AgencyId, CaseId, CaseRecordId, Date, InterventionId, LocationId, PersonId};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::audit::{AuditEntry, append};
use super::cases::{date_of, scope_params, scope_sql};
use super::{Database, DbError};

type Tx<'a> = sqlx::Transaction<'a, sqlx::Any>;

/// A step of the ladder as entered.
#[derive(Debug, Clone, PartialEq)]
pub struct NewIntervention {
    pub person: PersonId,
    pub step: Step,
    pub taken_on: Date,
    pub days_to_comply: Option<u32>,
    pub serious_risk: Option<String>,
    pub youth: bool,
    pub parent_involved: bool,
    pub yjs_involved: bool,
    pub notes: String,
    pub agency_id: AgencyId,
}

/// An Acceptable Behaviour Contract's own record, with its clock.
#[derive(Debug, Clone, PartialEq)]
pub struct AbcRecord {
    pub terms: Vec<String>,
    pub parties: Vec<AbcParty>,
    pub review_on: Date,
    pub ends_on: Date,
    pub reviewed_on: Option<Date>,
    pub review_note: Option<String>,
    pub ended_early_on: Option<Date>,
    pub ended_reason: Option<String>,
}

/// A breach recorded against a step.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredBreach {
    pub on: Date,
    pub text: String,
    pub agency_id: AgencyId,
    pub recorded_by: String,
}

/// A step taken, as stored: the person is the record it now stands on (a
/// merged record's steps are its kept record's).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredIntervention {
    pub id: InterventionId,
    pub case_id: CaseId,
    pub new: NewIntervention,
    pub created_by: String,
    pub breaches: Vec<StoredBreach>,
    pub abc: Option<AbcRecord>,
}

/// Youth work and referrals on a case.
#[derive(Debug, Clone, PartialEq)]
pub enum CaseRecordEntry {
    ManagementPlan {
        person: PersonId,
        opened_on: Date,
        closed_on: Option<Date>,
        agencies: Vec<String>,
        notes: String,
    },
    Diversion {
        person: PersonId,
        activity: String,
        provider: String,
        started_on: Date,
        sessions_offered: u32,
        sessions_attended: u32,
    },
    PlacePower {
        location: Option<LocationId>,
        power: PlacePower,
        starts_on: Date,
        ends_on: Date,
        notes: String,
        agency_id: AgencyId,
    },
    Referral {
        person: Option<PersonId>,
        kind: ReferralKind,
        referred_on: Date,
        referred_to: String,
        theme: String,
        agency_id: AgencyId,
    },
}

/// The case records a plan measure counts, by the day that puts each in a
/// month (see `safer_domain::casework::records`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountedDays<'a> {
    /// The days cases of the forum were referred.
    ForumReferrals(&'a str),
    Referrals(ReferralKind),
    /// The days youth steps were taken.
    YouthInterventions,
    /// The days legal steps (CPW and above) were taken.
    LegalInterventions,
    /// The days breaches of legal steps were recorded.
    LegalBreaches,
    /// The days Youth ASB management plans opened.
    ManagementPlans,
    /// The days diversionary activities with at least this many sessions
    /// attended began.
    Diversions {
        sessions: u32,
    },
    /// The days Community Trigger applications with youth ASB were received.
    YouthTriggers,
}

/// The legal steps of the ladder, as SQL: those the measures of legal
/// interventions and their breaches count.
macro_rules! legal_steps {
    () => {
        "('community_protection_warning', 'community_protection_notice', 'civil_injunction', 'criminal_behaviour_order')"
    };
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> DbError {
    DbError::Corrupt(format!("{what}: {e}"))
}

fn opt_date(r: &AnyRow, i: usize) -> Result<Option<Date>, DbError> {
    r.try_get::<Option<String>, _>(i)?
        .map(|s| date_of(&s))
        .transpose()
}

fn flag(r: &AnyRow, i: usize) -> Result<bool, DbError> {
    Ok(r.try_get::<i64, _>(i)? != 0)
}

fn step_of(s: &str) -> Result<Step, DbError> {
    serde_json::from_value(serde_json::Value::String(s.to_owned()))
        .map_err(|e| corrupt("a step", e))
}

fn code<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

impl Database {
    /// Whether `person` is on `case`, read in the transaction.
    async fn on_case(
        &self,
        tx: &mut Tx<'_>,
        case: CaseId,
        person: PersonId,
    ) -> Result<bool, DbError> {
        let n =
            sqlx::query("SELECT COUNT(*) FROM case_people WHERE case_id = $1 AND person_id = $2")
                .bind(case.get())
                .bind(person.get())
                .fetch_one(&mut **tx)
                .await?
                .try_get::<i64, _>(0)?;
        Ok(n > 0)
    }

    /// Records a step taken with a person on a case in the scope (else not
    /// found), with the contract when it is an ABC, and the audit entry,
    /// in one transaction.
    pub async fn add_intervention(
        &self,
        case: CaseId,
        scope: &CaseScope,
        i: &NewIntervention,
        abc: Option<&AbcRecord>,
        created_by: &str,
        audit: &AuditEntry,
    ) -> Result<InterventionId, DbError> {
        let mut tx = self.pool.begin().await?;
        if !self.case_visible(&mut tx, case, scope).await? {
            return Err(DbError::NotFound(format!("case {case}")));
        }
        if !self.on_case(&mut tx, case, i.person).await? {
            return Err(DbError::Conflict(format!(
                "person {} is not on case {case}",
                i.person
            )));
        }
        let row = sqlx::query(
            "INSERT INTO interventions (case_id, person_id, step, taken_on, days_to_comply, serious_risk, youth,
               parent_involved, yjs_involved, notes, agency_id, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
        )
        .bind(case.get())
        .bind(i.person.get())
        .bind(code(&i.step))
        .bind(i.taken_on.to_string())
        .bind(i.days_to_comply.map(i64::from))
        .bind(i.serious_risk.clone())
        .bind(i64::from(i.youth))
        .bind(i64::from(i.parent_involved))
        .bind(i64::from(i.yjs_involved))
        .bind(&i.notes)
        .bind(i.agency_id.get())
        .bind(created_by)
        .bind(self.now_text())
        .fetch_one(&mut *tx)
        .await?;
        let id = InterventionId::from_stored(row.try_get(0)?);
        if let Some(a) = abc {
            let terms = serde_json::to_string(&a.terms).map_err(|e| corrupt("terms", e))?;
            let parties = serde_json::to_string(&a.parties).map_err(|e| corrupt("parties", e))?;
            sqlx::query(
                "INSERT INTO abcs (intervention_id, terms, parties, review_on, ends_on) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id.get())
            .bind(terms)
            .bind(parties)
            .bind(a.review_on.to_string())
            .bind(a.ends_on.to_string())
            .execute(&mut *tx)
            .await?;
        }
        append(&mut tx, self.backend(), &self.now_text(), audit).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The case of a step, if the case is in the scope.
    async fn intervention_case(
        &self,
        tx: &mut Tx<'_>,
        id: InterventionId,
        scope: &CaseScope,
    ) -> Result<CaseId, DbError> {
        let (agency, denied) = scope_params(scope);
        let row = sqlx::query(concat!(
            "SELECT i.case_id FROM interventions i JOIN cases c ON c.id = i.case_id WHERE i.id = $1 AND ",
            scope_sql!("$2", "$3")
        ))
        .bind(id.get())
        .bind(agency)
        .bind(denied)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| DbError::NotFound(format!("intervention {id}")))?;
        Ok(CaseId::from_stored(row.try_get(0)?))
    }

    /// Records a breach against a step on a case in the scope (else not
    /// found), audited in the same transaction.
    pub async fn add_breach(
        &self,
        id: InterventionId,
        scope: &CaseScope,
        b: &StoredBreach,
        audit: &AuditEntry,
    ) -> Result<CaseId, DbError> {
        let mut tx = self.pool.begin().await?;
        let case = self.intervention_case(&mut tx, id, scope).await?;
        sqlx::query(
            "INSERT INTO intervention_breaches (intervention_id, breached_on, text, agency_id, recorded_by, recorded_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id.get())
        .bind(b.on.to_string())
        .bind(&b.text)
        .bind(b.agency_id.get())
        .bind(&b.recorded_by)
        .bind(self.now_text())
        .execute(&mut *tx)
        .await?;
        append(&mut tx, self.backend(), &self.now_text(), audit).await?;
        tx.commit().await?;
        Ok(case)
    }

    /// Records an ABC's review, or its early end, on a case in the scope
    /// (else not found), audited in the same transaction.
    pub async fn update_abc(
        &self,
        id: InterventionId,
        scope: &CaseScope,
        reviewed: Option<(Date, &str)>,
        ended_early: Option<(Date, &str)>,
        audit: &AuditEntry,
    ) -> Result<CaseId, DbError> {
        let mut tx = self.pool.begin().await?;
        let case = self.intervention_case(&mut tx, id, scope).await?;
        let n = sqlx::query("SELECT COUNT(*) FROM abcs WHERE intervention_id = $1")
            .bind(id.get())
            .fetch_one(&mut *tx)
            .await?
            .try_get::<i64, _>(0)?;
        if n == 0 {
            return Err(DbError::NotFound(format!("contract {id}")));
        }
        if let Some((on, note)) = reviewed {
            sqlx::query(
                "UPDATE abcs SET reviewed_on = $2, review_note = $3 WHERE intervention_id = $1",
            )
            .bind(id.get())
            .bind(on.to_string())
            .bind(note)
            .execute(&mut *tx)
            .await?;
        }
        if let Some((on, reason)) = ended_early {
            sqlx::query(
                "UPDATE abcs SET ended_early_on = $2, ended_reason = $3 WHERE intervention_id = $1",
            )
            .bind(id.get())
            .bind(on.to_string())
            .bind(reason)
            .execute(&mut *tx)
            .await?;
        }
        append(&mut tx, self.backend(), &self.now_text(), audit).await?;
        tx.commit().await?;
        Ok(case)
    }

    /// The steps taken on the cases in the scope (of one case, or all),
    /// oldest first, with their breaches and contracts.
    pub async fn interventions(
        &self,
        scope: &CaseScope,
        case: Option<CaseId>,
    ) -> Result<Vec<StoredIntervention>, DbError> {
        let (agency, denied) = scope_params(scope);
        let rows = sqlx::query(concat!(
            "SELECT i.id, i.case_id, COALESCE(p.merged_into, p.id), i.step, i.taken_on, i.days_to_comply, i.serious_risk,
               i.youth, i.parent_involved, i.yjs_involved, i.notes, i.agency_id, i.created_by,
               a.terms, a.parties, a.review_on, a.ends_on, a.reviewed_on, a.review_note, a.ended_early_on, a.ended_reason
             FROM interventions i JOIN cases c ON c.id = i.case_id JOIN people p ON p.id = i.person_id
             LEFT JOIN abcs a ON a.intervention_id = i.id
             WHERE ($1 = 0 OR i.case_id = $1) AND ",
            scope_sql!("$2", "$3"),
            " ORDER BY i.taken_on, i.id"
        ))
        .bind(case.map_or(0, CaseId::get))
        .bind(agency)
        .bind(denied.clone())
        .fetch_all(&self.pool)
        .await?;
        let breaches = sqlx::query(concat!(
            "SELECT b.intervention_id, b.breached_on, b.text, b.agency_id, b.recorded_by
             FROM intervention_breaches b JOIN interventions i ON i.id = b.intervention_id JOIN cases c ON c.id = i.case_id
             WHERE ($1 = 0 OR i.case_id = $1) AND ",
            scope_sql!("$2", "$3"),
            " ORDER BY b.breached_on, b.id"
        ))
        .bind(case.map_or(0, CaseId::get))
        .bind(agency)
        .bind(denied)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let id = InterventionId::from_stored(r.try_get(0)?);
            let abc = match r.try_get::<Option<String>, _>(13)? {
                None => None,
                Some(terms) => Some(AbcRecord {
                    terms: serde_json::from_str(&terms).map_err(|e| corrupt("terms", e))?,
                    parties: serde_json::from_str(&r.try_get::<String, _>(14)?)
                        .map_err(|e| corrupt("parties", e))?,
                    review_on: date_of(&r.try_get::<String, _>(15)?)?,
                    ends_on: date_of(&r.try_get::<String, _>(16)?)?,
                    reviewed_on: opt_date(r, 17)?,
                    review_note: r.try_get(18)?,
                    ended_early_on: opt_date(r, 19)?,
                    ended_reason: r.try_get(20)?,
                }),
            };
            let mut own = Vec::new();
            for b in &breaches {
                if b.try_get::<i64, _>(0)? == id.get() {
                    own.push(StoredBreach {
                        on: date_of(&b.try_get::<String, _>(1)?)?,
                        text: b.try_get(2)?,
                        agency_id: AgencyId::from_stored(b.try_get(3)?),
                        recorded_by: b.try_get(4)?,
                    });
                }
            }
            out.push(StoredIntervention {
                id,
                case_id: CaseId::from_stored(r.try_get(1)?),
                new: NewIntervention {
                    person: PersonId::from_stored(r.try_get(2)?),
                    step: step_of(&r.try_get::<String, _>(3)?)?,
                    taken_on: date_of(&r.try_get::<String, _>(4)?)?,
                    days_to_comply: r
                        .try_get::<Option<i64>, _>(5)?
                        .map(|d| u32::try_from(d).unwrap_or(0)),
                    serious_risk: r.try_get(6)?,
                    youth: flag(r, 7)?,
                    parent_involved: flag(r, 8)?,
                    yjs_involved: flag(r, 9)?,
                    notes: r.try_get(10)?,
                    agency_id: AgencyId::from_stored(r.try_get(11)?),
                },
                created_by: r.try_get(12)?,
                breaches: own,
                abc,
            });
        }
        Ok(out)
    }

    /// Adds youth work or a referral to a case in the scope (else not
    /// found); a person named must be on the case. Audited in the same
    /// transaction.
    pub async fn add_case_record(
        &self,
        case: CaseId,
        scope: &CaseScope,
        e: &CaseRecordEntry,
        created_by: &str,
        audit: &AuditEntry,
    ) -> Result<CaseRecordId, DbError> {
        let mut tx = self.pool.begin().await?;
        if !self.case_visible(&mut tx, case, scope).await? {
            return Err(DbError::NotFound(format!("case {case}")));
        }
        let person = match e {
            CaseRecordEntry::ManagementPlan { person, .. }
            | CaseRecordEntry::Diversion { person, .. } => Some(*person),
            CaseRecordEntry::Referral { person, .. } => *person,
            CaseRecordEntry::PlacePower { .. } => None,
        };
        if let Some(p) = person
            && !self.on_case(&mut tx, case, p).await?
        {
            return Err(DbError::Conflict(format!(
                "person {p} is not on case {case}"
            )));
        }
        let now = self.now_text();
        let q = match e {
            CaseRecordEntry::ManagementPlan {
                person,
                opened_on,
                closed_on,
                agencies,
                notes,
            } => sqlx::query(
                "INSERT INTO management_plans (case_id, person_id, opened_on, closed_on, agencies, notes, created_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(case.get())
            .bind(person.get())
            .bind(opened_on.to_string())
            .bind(closed_on.map(|d| d.to_string()))
            .bind(serde_json::to_string(agencies).map_err(|e| corrupt("agencies", e))?)
            .bind(notes.clone())
            .bind(created_by)
            .bind(now),
            CaseRecordEntry::Diversion {
                person,
                activity,
                provider,
                started_on,
                sessions_offered,
                sessions_attended,
            } => sqlx::query(
                "INSERT INTO diversionary_activities (case_id, person_id, activity, provider, started_on, sessions_offered,
                   sessions_attended, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            )
            .bind(case.get())
            .bind(person.get())
            .bind(activity.clone())
            .bind(provider.clone())
            .bind(started_on.to_string())
            .bind(i64::from(*sessions_offered))
            .bind(i64::from(*sessions_attended))
            .bind(created_by)
            .bind(now),
            CaseRecordEntry::PlacePower {
                location,
                power,
                starts_on,
                ends_on,
                notes,
                agency_id,
            } => {
                if let Some(l) = location {
                    let n = sqlx::query(
                        "SELECT COUNT(*) FROM case_locations WHERE case_id = $1 AND location_id = $2",
                    )
                    .bind(case.get())
                    .bind(l.get())
                    .fetch_one(&mut *tx)
                    .await?
                    .try_get::<i64, _>(0)?;
                    if n == 0 {
                        return Err(DbError::Conflict(format!(
                            "location {l} is not on case {case}"
                        )));
                    }
                }
                sqlx::query(
                    "INSERT INTO place_powers (case_id, location_id, power, starts_on, ends_on, notes, agency_id, created_by, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                )
                .bind(case.get())
                .bind(location.map(LocationId::get))
                .bind(code(power))
                .bind(starts_on.to_string())
                .bind(ends_on.to_string())
                .bind(notes.clone())
                .bind(agency_id.get())
                .bind(created_by)
                .bind(now)
            }
            CaseRecordEntry::Referral {
                person,
                kind,
                referred_on,
                referred_to,
                theme,
                agency_id,
            } => sqlx::query(
                "INSERT INTO referrals (case_id, person_id, kind, referred_on, referred_to, theme, agency_id, created_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            )
            .bind(case.get())
            .bind(person.map(PersonId::get))
            .bind(kind.as_str())
            .bind(referred_on.to_string())
            .bind(referred_to.clone())
            .bind(theme.clone())
            .bind(agency_id.get())
            .bind(created_by)
            .bind(now),
        };
        let row = q.fetch_one(&mut *tx).await?;
        let id = CaseRecordId::from_stored(row.try_get(0)?);
        append(&mut tx, self.backend(), &self.now_text(), audit).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Updates a management plan's closing day or a diversionary
    /// activity's attendance, on a case in the scope (else not found).
    pub async fn update_case_record(
        &self,
        case: CaseId,
        scope: &CaseScope,
        id: CaseRecordId,
        change: CaseRecordChange,
        audit: &AuditEntry,
    ) -> Result<(), DbError> {
        let mut tx = self.pool.begin().await?;
        if !self.case_visible(&mut tx, case, scope).await? {
            return Err(DbError::NotFound(format!("case {case}")));
        }
        let done = match change {
            CaseRecordChange::ClosePlan(on) => {
                sqlx::query("UPDATE management_plans SET closed_on = $3 WHERE id = $1 AND case_id = $2")
                    .bind(id.get())
                    .bind(case.get())
                    .bind(on.to_string())
                    .execute(&mut *tx)
                    .await?
            }
            CaseRecordChange::Attendance { offered, attended } => {
                sqlx::query(
                    "UPDATE diversionary_activities SET sessions_offered = $3, sessions_attended = $4 WHERE id = $1 AND case_id = $2",
                )
                .bind(id.get())
                .bind(case.get())
                .bind(i64::from(offered))
                .bind(i64::from(attended))
                .execute(&mut *tx)
                .await?
            }
        };
        if done.rows_affected() == 0 {
            return Err(DbError::NotFound(format!("record {id}")));
        }
        append(&mut tx, self.backend(), &self.now_text(), audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The youth work and referrals on the cases in the scope (of one
    /// case, or all), each with its case.
    pub async fn case_records(
        &self,
        scope: &CaseScope,
        case: Option<CaseId>,
    ) -> Result<Vec<(CaseRecordId, CaseId, CaseRecordEntry)>, DbError> {
        let (agency, denied) = scope_params(scope);
        let c = case.map_or(0, CaseId::get);
        let mut out = Vec::new();
        let plans = sqlx::query(concat!(
            "SELECT x.id, x.case_id, COALESCE(p.merged_into, p.id), x.opened_on, x.closed_on, x.agencies, x.notes
             FROM management_plans x JOIN cases c ON c.id = x.case_id JOIN people p ON p.id = x.person_id
             WHERE ($1 = 0 OR x.case_id = $1) AND ",
            scope_sql!("$2", "$3"),
            " ORDER BY x.opened_on, x.id"
        ))
        .bind(c)
        .bind(agency)
        .bind(denied.clone())
        .fetch_all(&self.pool)
        .await?;
        for r in &plans {
            out.push((
                CaseRecordId::from_stored(r.try_get(0)?),
                CaseId::from_stored(r.try_get(1)?),
                CaseRecordEntry::ManagementPlan {
                    person: PersonId::from_stored(r.try_get(2)?),
                    opened_on: date_of(&r.try_get::<String, _>(3)?)?,
                    closed_on: opt_date(r, 4)?,
                    agencies: serde_json::from_str(&r.try_get::<String, _>(5)?)
                        .map_err(|e| corrupt("agencies", e))?,
                    notes: r.try_get(6)?,
                },
            ));
        }
        let diversions = sqlx::query(concat!(
            "SELECT x.id, x.case_id, COALESCE(p.merged_into, p.id), x.activity, x.provider, x.started_on, x.sessions_offered, x.sessions_attended
             FROM diversionary_activities x JOIN cases c ON c.id = x.case_id JOIN people p ON p.id = x.person_id
             WHERE ($1 = 0 OR x.case_id = $1) AND ",
            scope_sql!("$2", "$3"),
            " ORDER BY x.started_on, x.id"
        ))
        .bind(c)
        .bind(agency)
        .bind(denied.clone())
        .fetch_all(&self.pool)
        .await?;
        for r in &diversions {
            out.push((
                CaseRecordId::from_stored(r.try_get(0)?),
                CaseId::from_stored(r.try_get(1)?),
                CaseRecordEntry::Diversion {
                    person: PersonId::from_stored(r.try_get(2)?),
                    activity: r.try_get(3)?,
                    provider: r.try_get(4)?,
                    started_on: date_of(&r.try_get::<String, _>(5)?)?,
                    sessions_offered: u32::try_from(r.try_get::<i64, _>(6)?).unwrap_or(0),
                    sessions_attended: u32::try_from(r.try_get::<i64, _>(7)?).unwrap_or(0),
                },
            ));
        }
        let powers = sqlx::query(concat!(
            "SELECT x.id, x.case_id, x.location_id, x.power, x.starts_on, x.ends_on, x.notes, x.agency_id
             FROM place_powers x JOIN cases c ON c.id = x.case_id
             WHERE ($1 = 0 OR x.case_id = $1) AND ",
            scope_sql!("$2", "$3"),
            " ORDER BY x.starts_on, x.id"
        ))
        .bind(c)
        .bind(agency)
        .bind(denied.clone())
        .fetch_all(&self.pool)
        .await?;
        for r in &powers {
            let power: String = r.try_get(3)?;
            out.push((
                CaseRecordId::from_stored(r.try_get(0)?),
                CaseId::from_stored(r.try_get(1)?),
                CaseRecordEntry::PlacePower {
                    location: r.try_get::<Option<i64>, _>(2)?.map(LocationId::from_stored),
                    power: serde_json::from_value(serde_json::Value::String(power))
                        .map_err(|e| corrupt("a power", e))?,
                    starts_on: date_of(&r.try_get::<String, _>(4)?)?,
                    ends_on: date_of(&r.try_get::<String, _>(5)?)?,
                    notes: r.try_get(6)?,
                    agency_id: AgencyId::from_stored(r.try_get(7)?),
                },
            ));
        }
        let referrals = sqlx::query(concat!(
            "SELECT x.id, x.case_id, COALESCE(p.merged_into, p.id), x.kind, x.referred_on, x.referred_to, x.theme, x.agency_id
             FROM referrals x JOIN cases c ON c.id = x.case_id LEFT JOIN people p ON p.id = x.person_id
             WHERE ($1 = 0 OR x.case_id = $1) AND ",
            scope_sql!("$2", "$3"),
            " ORDER BY x.referred_on, x.id"
        ))
        .bind(c)
        .bind(agency)
        .bind(denied)
        .fetch_all(&self.pool)
        .await?;
        for r in &referrals {
            let kind: String = r.try_get(3)?;
            out.push((
                CaseRecordId::from_stored(r.try_get(0)?),
                CaseId::from_stored(r.try_get(1)?),
                CaseRecordEntry::Referral {
                    person: r.try_get::<Option<i64>, _>(2)?.map(PersonId::from_stored),
                    kind: ReferralKind::parse(&kind).ok_or_else(|| corrupt("a referral", &kind))?,
                    referred_on: date_of(&r.try_get::<String, _>(4)?)?,
                    referred_to: r.try_get(5)?,
                    theme: r.try_get(6)?,
                    agency_id: AgencyId::from_stored(r.try_get(7)?),
                },
            ));
        }
        Ok(out)
    }

    /// The days of the records a plan measure counts, over the whole
    /// partnership (counts are published; no person or case leaves here).
    pub async fn case_record_days(&self, what: CountedDays<'_>) -> Result<Vec<Date>, DbError> {
        let rows = match what {
            CountedDays::ForumReferrals(forum) => {
                sqlx::query(
                    "SELECT e.occurred_on FROM case_events e JOIN cases c ON c.id = e.case_id
                     WHERE e.kind = 'referred' AND c.forum = $1",
                )
                .bind(forum)
                .fetch_all(&self.pool)
                .await?
            }
            CountedDays::Referrals(kind) => {
                sqlx::query("SELECT referred_on FROM referrals WHERE kind = $1")
                    .bind(kind.as_str())
                    .fetch_all(&self.pool)
                    .await?
            }
            CountedDays::YouthInterventions => {
                sqlx::query("SELECT taken_on FROM interventions WHERE youth = 1")
                    .fetch_all(&self.pool)
                    .await?
            }
            CountedDays::LegalInterventions => {
                sqlx::query(concat!(
                    "SELECT taken_on FROM interventions WHERE step IN ",
                    legal_steps!()
                ))
                .fetch_all(&self.pool)
                .await?
            }
            CountedDays::LegalBreaches => {
                sqlx::query(concat!(
                    "SELECT b.breached_on FROM intervention_breaches b JOIN interventions i ON i.id = b.intervention_id
                     WHERE i.step IN ",
                    legal_steps!()
                ))
                .fetch_all(&self.pool)
                .await?
            }
            CountedDays::ManagementPlans => {
                sqlx::query("SELECT opened_on FROM management_plans")
                    .fetch_all(&self.pool)
                    .await?
            }
            CountedDays::Diversions { sessions } => {
                sqlx::query(
                    "SELECT started_on FROM diversionary_activities WHERE sessions_attended >= $1",
                )
                .bind(i64::from(sessions.max(1)))
                .fetch_all(&self.pool)
                .await?
            }
            CountedDays::YouthTriggers => {
                sqlx::query("SELECT received_on FROM trigger_applications WHERE youth = 1")
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        rows.iter()
            .map(|r| date_of(&r.try_get::<String, _>(0)?))
            .collect()
    }

    /// Every ABC held, with the day it was signed (its step's day), its
    /// end, its early end and its breaches' days: what the measure of
    /// contracts completed without breach is counted from.
    pub async fn all_abcs(&self) -> Result<Vec<(Date, Option<Date>, Vec<Date>)>, DbError> {
        let rows = sqlx::query(
            "SELECT i.id, i.taken_on, a.ended_early_on FROM abcs a JOIN interventions i ON i.id = a.intervention_id ORDER BY i.id",
        )
        .fetch_all(&self.pool)
        .await?;
        let breaches = sqlx::query(
            "SELECT b.intervention_id, b.breached_on FROM intervention_breaches b JOIN abcs a ON a.intervention_id = b.intervention_id",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let id: i64 = r.try_get(0)?;
            let mut own = Vec::new();
            for b in &breaches {
                if b.try_get::<i64, _>(0)? == id {
                    own.push(date_of(&b.try_get::<String, _>(1)?)?);
                }
            }
            out.push((date_of(&r.try_get::<String, _>(1)?)?, opt_date(r, 2)?, own));
        }
        Ok(out)
    }

    /// The earliest day of any case record held (a referral, a step, a
    /// plan, an activity, a referral out, an application): where the
    /// measures' held months begin unless the settings say otherwise.
    pub async fn earliest_case_record(&self) -> Result<Option<Date>, DbError> {
        let row = sqlx::query(
            "SELECT MIN(d) FROM (
               SELECT MIN(occurred_on) AS d FROM case_events WHERE kind = 'referred'
               UNION ALL SELECT MIN(taken_on) FROM interventions
               UNION ALL SELECT MIN(opened_on) FROM management_plans
               UNION ALL SELECT MIN(started_on) FROM diversionary_activities
               UNION ALL SELECT MIN(referred_on) FROM referrals
               UNION ALL SELECT MIN(received_on) FROM trigger_applications
             ) AS days",
        )
        .fetch_one(&self.pool)
        .await?;
        opt_date(&row, 0)
    }
}

/// A change to youth work on a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseRecordChange {
    ClosePlan(Date),
    Attendance { offered: u32, attended: u32 },
}
