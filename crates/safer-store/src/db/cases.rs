//! Case work: people and the cases of the forums, read through a
//! [`CaseScope`]. The scope is applied in the SQL of every read, so a case
//! outside it is not found, not listed and not counted, whichever method
//! asks; `scope_sql!` is the one place the rule is written in SQL, and the
//! store's tests hold it to [`CaseScope::allows`].

use safer_domain::casework::access::CaseScope;
use safer_domain::casework::case::{CaseRole, CaseStatus, RiskLevel};
use safer_domain::casework::person::Person;
use safer_domain::{AgencyId, CaseId, Date, PersonId};
use sqlx::Row;

use super::audit::{AuditEntry, append};
use super::{Database, DbError, on_constraint};

/// A case to open: a referral to a forum.
#[derive(Debug, Clone)]
pub struct NewCase {
    pub forum: String,
    /// A code: letters, digits and `_` (it is matched in the scope's SQL).
    pub case_type: String,
    pub title: String,
    pub risk: RiskLevel,
    pub lead_agency_id: AgencyId,
    pub lead_officer: String,
    /// The agencies involved besides the lead.
    pub involved: Vec<AgencyId>,
    pub people: Vec<(PersonId, CaseRole)>,
    /// People not yet held, added with the case in its transaction.
    pub new_people: Vec<(Person, CaseRole)>,
    /// Why the case is referred: the first entry of its chronology.
    pub reason: String,
    pub referred_on: Date,
    /// The referrer's agency, which the chronology's first entry names.
    pub referrer_agency_id: AgencyId,
}

/// A share of a case with another agency: under which information-sharing
/// agreement, and why.
#[derive(Debug, Clone)]
pub struct CaseShare<'a> {
    pub with: AgencyId,
    pub agreement: &'a str,
    pub reason: &'a str,
}

/// A case as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCase {
    pub id: CaseId,
    pub forum: String,
    pub case_type: String,
    pub title: String,
    pub status: CaseStatus,
    pub risk: RiskLevel,
    pub lead_agency_id: AgencyId,
    pub lead_officer: String,
    /// The day the forum last reviewed it (or accepted it, or it was
    /// referred).
    pub last_reviewed: Date,
    /// How it ended, once closed or declined.
    pub outcome: Option<String>,
    /// Every agency involved, the lead among them, by id.
    pub involved: Vec<AgencyId>,
    pub shared_with: Vec<AgencyId>,
    pub people: Vec<(PersonId, CaseRole)>,
}

fn is_code(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// The scope as SQL over the case `c`, with its two parameters: the
/// agency (0 for every agency's) and the denied case types, comma-joined
/// and comma-wrapped (types are codes, so they hold no comma). A macro, so
/// each query stays one literal string.
macro_rules! scope_sql {
    ($a:literal, $t:literal) => {
        concat!(
            "((", $a, " = 0 OR EXISTS (SELECT 1 FROM case_agencies ca WHERE ca.case_id = c.id AND ca.agency_id = ", $a, ")",
            " OR EXISTS (SELECT 1 FROM case_shares cs WHERE cs.case_id = c.id AND cs.agency_id = ", $a, "))",
            " AND ", $t, " NOT LIKE ('%,' || c.case_type || ',%'))"
        )
    };
}

pub(crate) use scope_sql;

pub(crate) fn scope_params(scope: &CaseScope) -> (i64, String) {
    let denied: Vec<&str> = scope.denied_types.iter().map(String::as_str).collect();
    (
        scope.agency.map_or(0, AgencyId::get),
        format!(",{},", denied.join(",")),
    )
}

pub(crate) fn status_of(s: &str) -> Result<CaseStatus, DbError> {
    serde_json::from_value(serde_json::Value::String(s.to_owned()))
        .map_err(|_| DbError::Corrupt(format!("a case's status {s:?}")))
}

pub(crate) fn risk_of(s: &str) -> Result<RiskLevel, DbError> {
    serde_json::from_value(serde_json::Value::String(s.to_owned()))
        .map_err(|_| DbError::Corrupt(format!("a case's risk {s:?}")))
}

pub(crate) fn text_of<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

pub(crate) fn date_of(s: &str) -> Result<Date, DbError> {
    s.parse()
        .map_err(|_| DbError::Corrupt(format!("a date {s:?}")))
}

impl Database {
    /// Whether a case is in the scope, read in the caller's transaction
    /// (for changes that add to a case).
    pub(crate) async fn case_visible(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        id: CaseId,
        scope: &CaseScope,
    ) -> Result<bool, DbError> {
        let (agency, denied) = scope_params(scope);
        let n = sqlx::query(concat!(
            "SELECT COUNT(*) FROM cases c WHERE c.id = $1 AND ",
            scope_sql!("$2", "$3")
        ))
        .bind(id.get())
        .bind(agency)
        .bind(denied)
        .fetch_one(&mut **tx)
        .await?
        .try_get::<i64, _>(0)?;
        Ok(n > 0)
    }

    /// Adds a person, with its audit entry, in one transaction.
    pub async fn add_person(
        &self,
        p: &Person,
        created_by: &str,
        audit: &AuditEntry,
    ) -> Result<PersonId, DbError> {
        let mut tx = self.pool.begin().await?;
        let id = self.insert_person(&mut tx, p, created_by).await?;
        append(&mut tx, self.backend(), &self.now_text(), audit).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn insert_person(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        p: &Person,
        created_by: &str,
    ) -> Result<PersonId, DbError> {
        let json = |v: serde_json::Result<String>| v.map_err(|e| DbError::Corrupt(e.to_string()));
        let row = sqlx::query(
            "INSERT INTO people (name, aliases, birth, address, vulnerabilities, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(&p.name)
        .bind(json(serde_json::to_string(&p.aliases))?)
        .bind(json(serde_json::to_string(&p.birth))?)
        .bind(p.address.clone())
        .bind(json(serde_json::to_string(&p.vulnerabilities))?)
        .bind(created_by)
        .bind(self.now_text())
        .fetch_one(&mut **tx)
        .await?;
        Ok(PersonId::from_stored(row.try_get(0)?))
    }

    /// Opens a case (a referral to its forum), with the lead agency
    /// involved, its people in their roles (those new to Safer added with
    /// it), and its audit entry, in one transaction: a referral is kept
    /// whole or not at all.
    pub async fn open_case(
        &self,
        c: &NewCase,
        created_by: &str,
        audit: &AuditEntry,
    ) -> Result<CaseId, DbError> {
        if !is_code(&c.case_type) {
            return Err(DbError::Conflict(format!(
                "the case type {:?} is not a code (letters, digits and _)",
                c.case_type
            )));
        }
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query(
            "INSERT INTO cases (forum, case_type, title, status, risk, lead_agency_id, created_by, created_at, lead_officer, last_reviewed)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(&c.forum)
        .bind(&c.case_type)
        .bind(&c.title)
        .bind(text_of(&CaseStatus::Referred))
        .bind(text_of(&c.risk))
        .bind(c.lead_agency_id.get())
        .bind(created_by)
        .bind(self.now_text())
        .bind(&c.lead_officer)
        .bind(c.referred_on.to_string())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| on_constraint(e, || format!("there is no agency {}", c.lead_agency_id)))?;
        let id = CaseId::from_stored(row.try_get(0)?);
        let mut agencies = vec![c.lead_agency_id];
        agencies.extend(c.involved.iter().copied());
        agencies.sort();
        agencies.dedup();
        for a in agencies {
            sqlx::query("INSERT INTO case_agencies (case_id, agency_id) VALUES ($1, $2)")
                .bind(id.get())
                .bind(a.get())
                .execute(&mut *tx)
                .await
                .map_err(|e| on_constraint(e, || format!("there is no agency {a}")))?;
        }
        let mut people = c.people.clone();
        for (p, role) in &c.new_people {
            people.push((self.insert_person(&mut tx, p, created_by).await?, *role));
        }
        for (person, role) in &people {
            sqlx::query("INSERT INTO case_people (case_id, person_id, role) VALUES ($1, $2, $3)")
                .bind(id.get())
                .bind(person.get())
                .bind(role.as_str())
                .execute(&mut *tx)
                .await
                .map_err(|e| on_constraint(e, || format!("there is no person {person}")))?;
        }
        sqlx::query(
            "INSERT INTO case_events (case_id, kind, occurred_on, text, author, agency_id, recorded_at)
             VALUES ($1, 'referred', $2, $3, $4, $5, $6)",
        )
        .bind(id.get())
        .bind(c.referred_on.to_string())
        .bind(&c.reason)
        .bind(created_by)
        .bind(c.referrer_agency_id.get())
        .bind(self.now_text())
        .execute(&mut *tx)
        .await
        .map_err(|e| on_constraint(e, || format!("there is no agency {}", c.referrer_agency_id)))?;
        append(&mut tx, self.backend(), &self.now_text(), audit).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Shares a case the sharer may see with another agency, under an
    /// information-sharing agreement and for a reason, with the entry of
    /// the case's chronology that records it (when given) and the audit
    /// entry, in one transaction. A case outside the sharer's scope is not
    /// found.
    pub async fn share_case(
        &self,
        id: CaseId,
        share: &CaseShare<'_>,
        scope: &CaseScope,
        shared_by: &str,
        entry: Option<&super::case_work::NewEvent>,
        audit: &AuditEntry,
    ) -> Result<(), DbError> {
        let CaseShare {
            with,
            agreement,
            reason,
        } = *share;
        let (agency, denied) = scope_params(scope);
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(concat!(
            "INSERT INTO case_shares (case_id, agency_id, agreement, reason, shared_by, shared_at)
             SELECT c.id, $2, $3, $4, $5, $6 FROM cases c WHERE c.id = $1 AND ",
            scope_sql!("$7", "$8"),
            " ON CONFLICT (case_id, agency_id) DO UPDATE SET agreement = excluded.agreement,
               reason = excluded.reason, shared_by = excluded.shared_by, shared_at = excluded.shared_at"
        ))
        .bind(id.get())
        .bind(with.get())
        .bind(agreement)
        .bind(reason)
        .bind(shared_by)
        .bind(self.now_text())
        .bind(agency)
        .bind(denied)
        .execute(&mut *tx)
        .await
        .map_err(|e| on_constraint(e, || format!("there is no agency {with}")))?;
        if done.rows_affected() == 0 {
            return Err(DbError::NotFound(format!("case {id}")));
        }
        if let Some(e) = entry {
            self.insert_event(&mut tx, id, e).await?;
        }
        append(&mut tx, self.backend(), &self.now_text(), audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The ids of the cases in the scope, newest first.
    async fn case_ids(
        &self,
        scope: &CaseScope,
        only: Option<CaseId>,
    ) -> Result<Vec<CaseId>, DbError> {
        let (agency, denied) = scope_params(scope);
        let rows = sqlx::query(concat!(
            "SELECT c.id FROM cases c WHERE ($1 = 0 OR c.id = $1) AND ",
            scope_sql!("$2", "$3"),
            " ORDER BY c.id DESC"
        ))
        .bind(only.map_or(0, CaseId::get))
        .bind(agency)
        .bind(denied)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok(CaseId::from_stored(r.try_get(0)?)))
            .collect()
    }

    /// How many cases the scope holds.
    pub async fn count_cases(&self, scope: &CaseScope) -> Result<u64, DbError> {
        let (agency, denied) = scope_params(scope);
        let row = sqlx::query(concat!(
            "SELECT COUNT(*) FROM cases c WHERE ",
            scope_sql!("$1", "$2")
        ))
        .bind(agency)
        .bind(denied)
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get::<i64, _>(0)?.max(0) as u64)
    }

    /// The cases in the scope, newest first.
    pub async fn cases(&self, scope: &CaseScope) -> Result<Vec<StoredCase>, DbError> {
        let mut out = Vec::new();
        for id in self.case_ids(scope, None).await? {
            out.push(self.load_case(id).await?);
        }
        Ok(out)
    }

    /// A case in the scope; one outside it is not found.
    pub async fn case_in_scope(
        &self,
        id: CaseId,
        scope: &CaseScope,
    ) -> Result<StoredCase, DbError> {
        match self.case_ids(scope, Some(id)).await?.first() {
            Some(id) => self.load_case(*id).await,
            None => Err(DbError::NotFound(format!("case {id}"))),
        }
    }

    /// A case by id, whatever the scope: only for the methods of this
    /// module and its neighbours, after the scope has let it through.
    pub(crate) async fn load_case(&self, id: CaseId) -> Result<StoredCase, DbError> {
        let r = sqlx::query(
            "SELECT forum, case_type, title, status, risk, lead_agency_id, lead_officer, last_reviewed, outcome
             FROM cases WHERE id = $1",
        )
        .bind(id.get())
        .fetch_one(&self.pool)
        .await?;
        let ids = |sql: &'static str| async move {
            let rows = sqlx::query(sql)
                .bind(id.get())
                .fetch_all(&self.pool)
                .await?;
            rows.iter()
                .map(|r| Ok(AgencyId::from_stored(r.try_get(0)?)))
                .collect::<Result<Vec<_>, DbError>>()
        };
        let involved =
            ids("SELECT agency_id FROM case_agencies WHERE case_id = $1 ORDER BY agency_id")
                .await?;
        let shared_with =
            ids("SELECT agency_id FROM case_shares WHERE case_id = $1 ORDER BY agency_id").await?;
        let people = sqlx::query(
            "SELECT person_id, role FROM case_people WHERE case_id = $1 ORDER BY person_id, role",
        )
        .bind(id.get())
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            let role: String = r.try_get(1)?;
            Ok((
                PersonId::from_stored(r.try_get(0)?),
                role.parse().map_err(DbError::Corrupt)?,
            ))
        })
        .collect::<Result<Vec<_>, DbError>>()?;
        Ok(StoredCase {
            id,
            forum: r.try_get(0)?,
            case_type: r.try_get(1)?,
            title: r.try_get(2)?,
            status: status_of(&r.try_get::<String, _>(3)?)?,
            risk: risk_of(&r.try_get::<String, _>(4)?)?,
            lead_agency_id: AgencyId::from_stored(r.try_get(5)?),
            lead_officer: r.try_get(6)?,
            last_reviewed: date_of(&r.try_get::<String, _>(7)?)?,
            outcome: r.try_get(8)?,
            involved,
            shared_with,
            people,
        })
    }
}
