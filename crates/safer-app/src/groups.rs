//! Groups on cases: adding one with its members (people on the case), and
//! a group's file: its members and cases, within the actor's need to know.

use safer_domain::casework::group::Group;
use safer_domain::casework::person::Person;
use safer_domain::{CaseId, GroupId, PersonId};

use crate::casework::{CASE_READERS, CASE_WORKERS, CaseSummary};
use crate::{Actor, App, AppError};

/// Everything a reader may see of a group.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupFile {
    pub id: GroupId,
    pub group: Group,
    pub members: Vec<(PersonId, Person)>,
    pub cases: Vec<CaseSummary>,
}

impl App {
    /// Adds a group to a case the actor may see, with its members (people
    /// on the case), for a caseworker or coordinator; audited as
    /// `add_case_group`.
    pub async fn add_case_group(
        &self,
        actor: &Actor,
        case: CaseId,
        group: &Group,
        members: &[PersonId],
    ) -> Result<GroupId, AppError> {
        actor.require(CASE_WORKERS)?;
        let scope = self
            .case_scope(actor)
            .ok_or_else(|| AppError::NotFound(format!("There is no case {case}.")))?;
        if group.name.trim().is_empty() {
            return Err(AppError::Invalid("Name the group.".into()));
        }
        let audit = actor.audit(
            "add_case_group",
            &format!("case {case}"),
            &format!("{} members", members.len()),
        );
        match self
            .db
            .add_case_group(case, &scope, group, members, &actor.name(), &audit)
            .await
        {
            Err(safer_store::DbError::NotFound(_)) => {
                Err(AppError::NotFound(format!("There is no case {case}.")))
            }
            Err(safer_store::DbError::Conflict(m)) => Err(AppError::Invalid(format!(
                "{}{}.",
                m[..1].to_uppercase(),
                &m[1..]
            ))),
            other => Ok(other?),
        }
    }

    /// A group's file, for a reader who may see a case it is on (else not
    /// found); audited as `view_group`.
    pub async fn group(&self, actor: &Actor, id: GroupId) -> Result<GroupFile, AppError> {
        actor.require(CASE_READERS)?;
        let missing = || AppError::NotFound(format!("There is no group {id}."));
        let scope = self.case_scope(actor).ok_or_else(missing)?;
        let (_, group, member_ids) = self
            .db
            .groups_in_scope(&scope, None, Some(id))
            .await?
            .into_iter()
            .next()
            .ok_or_else(missing)?;
        let people = self.db.people_in_scope(&scope, None).await?;
        let members = people
            .into_iter()
            .filter(|(p, _)| member_ids.contains(p))
            .collect();
        let case_ids = self.db.cases_of_group(id, &scope).await?;
        let cases = self
            .cases_in(&scope)
            .await?
            .into_iter()
            .filter(|c| case_ids.contains(&c.case.id))
            .collect();
        self.db
            .audit(&actor.audit("view_group", &format!("group {id}"), ""))
            .await?;
        Ok(GroupFile {
            id,
            group,
            members,
            cases,
        })
    }
}
