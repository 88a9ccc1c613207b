//! Need to know: which cases a user may see. A case, and the people and
//! places on it, are seen only by users of an agency involved in it or
//! that it is shared with, and by the coordinators of the forums; some
//! case types (Prevent, exploitation; configurable [K]) only by users who
//! also hold a named role. Like [`crate::ActionScope`], the scope is data
//! the store applies inside its queries, so a case outside it is "not
//! found" in every page, list, search, count and export.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::{AgencyId, Role, User};

/// The case types restricted to named roles: a user must hold one of a
/// type's roles, on top of the need to know, to see a case of that type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Restrictions {
    pub types: BTreeMap<String, BTreeSet<Role>>,
}

impl Default for Restrictions {
    /// Prevent and exploitation cases: JAG coordinators and caseworkers
    /// only (never agency leads or officers seeing them by involvement).
    fn default() -> Restrictions {
        let roles: BTreeSet<Role> = [Role::JagCoordinator, Role::Caseworker].into();
        Restrictions {
            types: [
                ("prevent".to_owned(), roles.clone()),
                ("exploitation".to_owned(), roles),
            ]
            .into(),
        }
    }
}

/// What the need-to-know rule reads of a case.
#[derive(Debug, Clone, Copy)]
pub struct CaseFacts<'a> {
    pub case_type: &'a str,
    /// The agencies involved (the lead agency among them).
    pub involved: &'a [AgencyId],
    /// The agencies the case is shared with, under an information-sharing
    /// agreement.
    pub shared_with: &'a [AgencyId],
}

/// Which cases a user may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseScope {
    /// `None`: every agency's cases (a forum's coordinator); otherwise the
    /// cases this agency is involved in or shared with.
    pub agency: Option<AgencyId>,
    /// The restricted case types the user may not see.
    pub denied_types: BTreeSet<String>,
}

impl CaseScope {
    /// The scope of a user, or `None` when they see no case at all: JAG
    /// coordinators see every case of the forums; caseworkers, agency
    /// leads and community safety officers those of their agency's need to
    /// know; analysts, administrators and read-only partners none (they
    /// see counts, never people).
    pub fn for_user(user: &User, restrictions: &Restrictions) -> Option<CaseScope> {
        if !user.active {
            return None;
        }
        let agency = if user.has(Role::JagCoordinator) {
            None
        } else if user.has(Role::Caseworker)
            || user.has(Role::AgencyLead)
            || user.has(Role::CommunitySafetyOfficer)
        {
            Some(user.agency.id)
        } else {
            return None;
        };
        let denied_types = restrictions
            .types
            .iter()
            .filter(|(_, roles)| !roles.iter().any(|r| user.has(*r)))
            .map(|(t, _)| t.clone())
            .collect();
        Some(CaseScope {
            agency,
            denied_types,
        })
    }

    /// Whether a case is in the scope.
    pub fn allows(&self, case: &CaseFacts<'_>) -> bool {
        if self.denied_types.contains(case.case_type) {
            return false;
        }
        match self.agency {
            None => true,
            Some(a) => case.involved.contains(&a) || case.shared_with.contains(&a),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Agency;
    use proptest::prelude::*;

    fn user(agency: i64, roles: &[Role]) -> User {
        User {
            id: crate::UserId::from_stored(1),
            username: "u".into(),
            display_name: "U".into(),
            agency: Agency {
                id: AgencyId::from_stored(agency),
                name: format!("Agency {agency}"),
                statutory: true,
            },
            roles: roles.to_vec(),
            active: true,
        }
    }

    fn ids(v: &[i64]) -> Vec<AgencyId> {
        v.iter().map(|i| AgencyId::from_stored(*i)).collect()
    }

    #[test]
    fn a_caseworker_sees_the_cases_of_their_agency_and_those_shared_with_it() {
        let r = Restrictions::default();
        let police = CaseScope::for_user(&user(1, &[Role::Caseworker]), &r).unwrap();
        let (involved, shared, none) = (ids(&[1, 2]), ids(&[1]), ids(&[]));
        assert!(police.allows(&CaseFacts {
            case_type: "asb",
            involved: &involved,
            shared_with: &none
        }));
        assert!(police.allows(&CaseFacts {
            case_type: "asb",
            involved: &ids(&[3]),
            shared_with: &shared
        }));
        assert!(!police.allows(&CaseFacts {
            case_type: "asb",
            involved: &ids(&[2, 3]),
            shared_with: &none
        }));
    }

    #[test]
    fn restricted_types_need_a_named_role_too() {
        let r = Restrictions::default();
        let involved = ids(&[1]);
        let prevent = CaseFacts {
            case_type: "prevent",
            involved: &involved,
            shared_with: &[],
        };
        let lead = CaseScope::for_user(&user(1, &[Role::AgencyLead]), &r).unwrap();
        assert!(!lead.allows(&prevent), "involvement is not enough");
        let worker = CaseScope::for_user(&user(1, &[Role::Caseworker]), &r).unwrap();
        assert!(worker.allows(&prevent));
        let coordinator = CaseScope::for_user(&user(9, &[Role::JagCoordinator]), &r).unwrap();
        assert!(coordinator.allows(&prevent) && coordinator.agency.is_none());
    }

    #[test]
    fn counts_are_not_people() {
        let r = Restrictions::default();
        for role in [Role::Analyst, Role::Administrator, Role::ReadOnlyPartner] {
            assert_eq!(CaseScope::for_user(&user(1, &[role]), &r), None, "{role:?}");
        }
        let mut gone = user(1, &[Role::JagCoordinator]);
        gone.active = false;
        assert_eq!(CaseScope::for_user(&gone, &r), None);
    }

    proptest! {
        /// An agency neither involved nor shared with never sees a case,
        /// whatever its roles short of coordinator; one involved or shared
        /// with does unless the type is restricted from it.
        #[test]
        fn need_to_know_is_involvement_or_sharing(
            agency in 1i64..6,
            involved in proptest::collection::vec(1i64..6, 0..4),
            shared in proptest::collection::vec(1i64..6, 0..3),
            restricted in any::<bool>(),
            role in prop_oneof![Just(Role::Caseworker), Just(Role::AgencyLead), Just(Role::CommunitySafetyOfficer)],
        ) {
            let r = Restrictions::default();
            let scope = CaseScope::for_user(&user(agency, &[role]), &r).unwrap();
            let (inv, sh) = (ids(&involved), ids(&shared));
            let case_type = if restricted { "exploitation" } else { "asb" };
            let facts = CaseFacts { case_type, involved: &inv, shared_with: &sh };
            let knows = involved.contains(&agency) || shared.contains(&agency);
            let cleared = !restricted || role == Role::Caseworker;
            prop_assert_eq!(scope.allows(&facts), knows && cleared);
        }
    }
}
