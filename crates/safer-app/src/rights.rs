//! People's rights over what the partnership holds about them, and the
//! retention of case records: rectification with its history, merging
//! duplicate records (and undoing a merge), the retention review list,
//! deletion, and the subject access export. Every task reads through the
//! actor's [`CaseScope`], as the rest of case work does; every change is
//! audited in its own transaction, and the audit log keeps the fact of a
//! deletion (never what was deleted).

use safer_domain::casework::access::CaseScope;
use safer_domain::casework::person::Person;
use safer_domain::{CaseId, Date, PersonId};
use safer_store::DbError;
use safer_store::db::{PersonMerge, PersonVersion};

use crate::casework::{CASE_WORKERS, CaseFile, CaseSummary, FORUM_RUNNERS};
use crate::{Actor, App, AppError};

/// A case on the retention review list: ended on `ended`, due for review
/// since `due`.
#[derive(Debug, Clone, PartialEq)]
pub struct RetentionDue {
    pub case: CaseSummary,
    pub ended: Date,
    pub due: Date,
}

/// Everything held about a person, for a subject access request: their
/// record and its earlier versions, and each case they are on with its
/// chronology and actions. Third parties on those cases are named in it:
/// the export is for the officer answering the request, who redacts them.
#[derive(Debug, Clone, PartialEq)]
pub struct SubjectAccess {
    pub id: PersonId,
    pub person: Person,
    pub history: Vec<PersonVersion>,
    pub cases: Vec<(CaseFile, safer_domain::casework::case::CaseRole)>,
    pub made_on: Date,
}

fn reason_given(reason: &str, what: &str) -> Result<String, AppError> {
    let r = reason.trim();
    if r.is_empty() {
        Err(AppError::Invalid(format!("Say why {what}.")))
    } else {
        Ok(r.to_owned())
    }
}

impl App {
    fn rights_scope(
        &self,
        actor: &Actor,
        roles: &[safer_domain::Role],
    ) -> Result<CaseScope, AppError> {
        let user = actor.require(roles)?;
        CaseScope::for_user(user, &self.casework().restrictions)
            .ok_or_else(|| AppError::Refused("Your role does not see cases.".into()))
    }

    fn person_missing(id: PersonId) -> AppError {
        AppError::NotFound(format!("There is no person {id}."))
    }

    /// Corrects a person's record, keeping the earlier version with the
    /// reason, for a caseworker or coordinator who may see them; audited as
    /// `rectify_person`.
    pub async fn rectify_person(
        &self,
        actor: &Actor,
        id: PersonId,
        now: &Person,
        reason: &str,
    ) -> Result<(), AppError> {
        let scope = self.rights_scope(actor, CASE_WORKERS)?;
        let reason = reason_given(reason, "the record is corrected")?;
        if now.name.trim().is_empty() {
            return Err(AppError::Invalid("Enter the person's name.".into()));
        }
        let audit = actor.audit("rectify_person", &format!("person {id}"), &reason);
        match self
            .db
            .rectify_person(id, &scope, now, &reason, &actor.name(), &audit)
            .await
        {
            Err(DbError::NotFound(_)) => Err(Self::person_missing(id)),
            other => Ok(other?),
        }
    }

    /// A person's earlier versions and the merges into their record.
    pub async fn person_history(
        &self,
        actor: &Actor,
        id: PersonId,
    ) -> Result<(Vec<PersonVersion>, Vec<PersonMerge>), AppError> {
        let scope = self.rights_scope(actor, crate::casework::CASE_READERS)?;
        let missing = |e: DbError| match e {
            DbError::NotFound(_) => Self::person_missing(id),
            e => e.into(),
        };
        let history = self.db.person_history(id, &scope).await.map_err(missing)?;
        let merges = self.db.merges_into(id, &scope).await.map_err(missing)?;
        Ok((history, merges))
    }

    /// Merges a duplicate record into the one kept, for a caseworker or
    /// coordinator who may see both; audited as `merge_people`. The merge
    /// can be undone.
    pub async fn merge_people(
        &self,
        actor: &Actor,
        merged: PersonId,
        kept: PersonId,
        reason: &str,
    ) -> Result<i64, AppError> {
        let scope = self.rights_scope(actor, CASE_WORKERS)?;
        let reason = reason_given(reason, "the records are the same person")?;
        let audit = actor.audit(
            "merge_people",
            &format!("person {merged}"),
            &format!("into person {kept}: {reason}"),
        );
        match self
            .db
            .merge_people(merged, kept, &scope, &reason, &actor.name(), &audit)
            .await
        {
            Err(DbError::NotFound(m)) => Err(AppError::NotFound(format!("There is no {m}."))),
            other => Ok(other?),
        }
    }

    /// Undoes a merge, for a caseworker or coordinator who may see the
    /// record kept; audited as `undo_merge`. Returns the record restored.
    pub async fn undo_merge(&self, actor: &Actor, merge: i64) -> Result<PersonId, AppError> {
        let scope = self.rights_scope(actor, CASE_WORKERS)?;
        let audit = actor.audit("undo_merge", &format!("merge {merge}"), "");
        Ok(self.db.undo_merge(merge, &scope, &audit).await?)
    }

    /// Deletes a person from every case and record, for the coordinator;
    /// the audit log keeps the fact (`delete_person`, with the reason),
    /// never the record.
    pub async fn delete_person(
        &self,
        actor: &Actor,
        id: PersonId,
        reason: &str,
    ) -> Result<(), AppError> {
        let scope = self.rights_scope(actor, FORUM_RUNNERS)?;
        let reason = reason_given(reason, "the person is deleted")?;
        let audit = actor.audit("delete_person", &format!("person {id}"), &reason);
        match self.db.delete_person(id, &scope, &audit).await {
            Err(DbError::NotFound(_)) => Err(Self::person_missing(id)),
            other => Ok(other?),
        }
    }

    /// Deletes an ended (closed or declined) case with its chronology,
    /// actions and shares, and the people it leaves on no other case, for
    /// the coordinator; audited as `delete_case` with the reason. Returns
    /// how many people went with it.
    pub async fn delete_case(
        &self,
        actor: &Actor,
        id: CaseId,
        reason: &str,
    ) -> Result<usize, AppError> {
        let scope = self.rights_scope(actor, FORUM_RUNNERS)?;
        let reason = reason_given(reason, "the case is deleted")?;
        let case = match self.db.case_in_scope(id, &scope).await {
            Ok(c) => c,
            Err(DbError::NotFound(_)) => {
                return Err(AppError::NotFound(format!("There is no case {id}.")));
            }
            Err(e) => return Err(e.into()),
        };
        if case.status.is_live() {
            return Err(AppError::Conflict(
                "The case is still live: close it (or decline the referral) first.".into(),
            ));
        }
        let audit = actor.audit("delete_case", &format!("case {id}"), &reason);
        match self.db.delete_case(id, &scope, &audit).await {
            Err(DbError::NotFound(_)) => Err(AppError::NotFound(format!("There is no case {id}."))),
            other => Ok(other?),
        }
    }

    /// The cases whose retention period has run by today (closed or
    /// declined longer ago than the partnership keeps them), the longest
    /// overdue first, for the coordinator; audited as `view_retention`.
    pub async fn retention_review(&self, actor: &Actor) -> Result<Vec<RetentionDue>, AppError> {
        let scope = self.rights_scope(actor, FORUM_RUNNERS)?;
        let today = self.today();
        let rule = self.casework().retention;
        let summaries = self.cases_in(&scope).await?;
        let mut out = Vec::new();
        for (id, ended) in self.db.ended_cases(&scope).await? {
            let Some(case) = summaries.iter().find(|c| c.case.id == id) else {
                continue;
            };
            if let Some(due) = rule.review_due(case.case.status, ended)
                && due <= today
            {
                out.push(RetentionDue {
                    case: case.clone(),
                    ended,
                    due,
                });
            }
        }
        out.sort_by_key(|r| (r.due, r.case.case.id));
        self.db
            .audit(&actor.audit("view_retention", "cases", &format!("{} due", out.len())))
            .await?;
        Ok(out)
    }

    /// Everything held about a person, for a subject access request, for
    /// the coordinator (who sees every forum's cases); audited as
    /// `export_subject_access`.
    pub async fn subject_access(
        &self,
        actor: &Actor,
        id: PersonId,
    ) -> Result<SubjectAccess, AppError> {
        let scope = self.rights_scope(actor, FORUM_RUNNERS)?;
        let Some((_, person)) = self
            .db
            .people_in_scope(&scope, Some(id))
            .await?
            .into_iter()
            .next()
        else {
            return Err(Self::person_missing(id));
        };
        let history = self.db.person_history(id, &scope).await?;
        let mut cases = Vec::new();
        for (case, role) in self.db.cases_of_person(id, &scope).await? {
            cases.push((self.case_file_unaudited(actor, case).await?, role));
        }
        self.db
            .audit(&actor.audit(
                "export_subject_access",
                &format!("person {id}"),
                &format!("{} cases", cases.len()),
            ))
            .await?;
        Ok(SubjectAccess {
            id,
            person,
            history,
            cases,
            made_on: self.today(),
        })
    }
}
