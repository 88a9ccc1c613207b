//! Who may do what: roles and agencies.
//!
//! Every user belongs to one agency (an organisation of the partnership)
//! and holds one or more roles. Which pages and tasks a role opens is
//! written once, in the web crate's route table, and tested route by route.
//! Which *records* a user may change is policy here, as data ([`ActionScope`]):
//! the store applies it in its queries, so a record outside it is simply
//! not found.

use serde::{Deserialize, Serialize};

use crate::{AgencyId, UserId};

/// A user's role in the partnership.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages users, agencies, API tokens and the audit log.
    Administrator,
    /// Imports data and writes the strategic assessment.
    Analyst,
    /// Keeps the plan, measures and fund; reports to the partnership.
    CommunitySafetyOfficer,
    /// Runs the Joint Action Group and its action plans.
    JagCoordinator,
    /// Works cases for an agency.
    Caseworker,
    /// Updates their own agency's actions.
    AgencyLead,
    /// Reads the partnership's published figures and plan.
    ReadOnlyPartner,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Administrator,
        Role::Analyst,
        Role::CommunitySafetyOfficer,
        Role::JagCoordinator,
        Role::Caseworker,
        Role::AgencyLead,
        Role::ReadOnlyPartner,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::Analyst => "analyst",
            Role::CommunitySafetyOfficer => "community_safety_officer",
            Role::JagCoordinator => "jag_coordinator",
            Role::Caseworker => "caseworker",
            Role::AgencyLead => "agency_lead",
            Role::ReadOnlyPartner => "read_only_partner",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Administrator => "Administrator",
            Role::Analyst => "Analyst",
            Role::CommunitySafetyOfficer => "Community safety officer",
            Role::JagCoordinator => "JAG coordinator",
            Role::Caseworker => "Caseworker",
            Role::AgencyLead => "Agency lead",
            Role::ReadOnlyPartner => "Read-only partner",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        let t = s.trim().replace([' ', '-'], "_").to_ascii_lowercase();
        Role::ALL.into_iter().find(|r| r.as_str() == t)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An organisation of the partnership.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agency {
    pub id: AgencyId,
    pub name: String,
    /// A responsible authority under the Crime and Disorder Act 1998 s5
    /// (council, police, fire, probation, health).
    pub statutory: bool,
}

/// A user, without secrets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub agency: Agency,
    pub roles: Vec<Role>,
    pub active: bool,
}

impl User {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    pub fn has_any(&self, roles: &[Role]) -> bool {
        roles.iter().any(|r| self.has(*r))
    }
}

/// Which actions a user may update: every action, or those whose lead is
/// their own agency (an agency lead). The store applies it where the action
/// is read, so an action outside the scope is "not found", never
/// "forbidden" with its owner named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionScope {
    All,
    /// Actions led by this agency.
    LeadAgency(AgencyId),
}

impl ActionScope {
    /// The scope of a user's updates: community safety officers and JAG
    /// coordinators keep the action plans, agency leads update their own
    /// agency's actions, and nobody else updates any (`None`).
    pub fn for_user(user: &User) -> Option<ActionScope> {
        if user.has(Role::CommunitySafetyOfficer) || user.has(Role::JagCoordinator) {
            Some(ActionScope::All)
        } else if user.has(Role::AgencyLead) {
            Some(ActionScope::LeadAgency(user.agency.id))
        } else {
            None
        }
    }

    /// Whether an action led by `lead_agency_id` is in the scope.
    pub fn allows(self, lead_agency_id: Option<AgencyId>) -> bool {
        match self {
            ActionScope::All => true,
            ActionScope::LeadAgency(a) => lead_agency_id == Some(a),
        }
    }

    /// The agency the scope is limited to, if any (for SQL).
    pub fn agency(self) -> Option<AgencyId> {
        match self {
            ActionScope::All => None,
            ActionScope::LeadAgency(a) => Some(a),
        }
    }
}

/// Checks a username: 1 to 64 characters, each a letter, digit, `.`, `_`,
/// `-` or `@`, so that it can be typed on a command line (`--by`), shown
/// in the audit log and matched without ambiguity.
pub fn check_username(name: &str) -> Result<(), String> {
    let n = name.chars().count();
    if n == 0 || n > 64 {
        return Err(format!(
            "a username has 1 to 64 characters; {name:?} has {n}"
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@')))
    {
        return Err(format!(
            "a username has only letters, digits and . _ - @; {name:?} has {c:?}"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(roles: &[Role], agency: i64) -> User {
        let agency = AgencyId::from_stored(agency);
        User {
            id: UserId::from_stored(1),
            username: "u".into(),
            display_name: "U".into(),
            agency: Agency {
                id: agency,
                name: "A".into(),
                statutory: true,
            },
            roles: roles.to_vec(),
            active: true,
        }
    }

    #[test]
    fn who_updates_which_actions() {
        let lead = ActionScope::for_user(&user(&[Role::AgencyLead], 7)).unwrap();
        let a = AgencyId::from_stored;
        assert!(lead.allows(Some(a(7))) && !lead.allows(Some(a(8))) && !lead.allows(None));
        let cso = ActionScope::for_user(&user(&[Role::CommunitySafetyOfficer], 7)).unwrap();
        assert!(cso.allows(Some(a(8))) && cso.allows(None));
        assert_eq!(
            ActionScope::for_user(&user(&[Role::JagCoordinator, Role::AgencyLead], 7)),
            Some(ActionScope::All)
        );
        for r in [
            Role::Administrator,
            Role::Analyst,
            Role::Caseworker,
            Role::ReadOnlyPartner,
        ] {
            assert_eq!(ActionScope::for_user(&user(&[r], 7)), None, "{r}");
        }
    }

    #[test]
    fn usernames() {
        for ok in ["cso", "j.smith", "a_b-c", "x@leics.police.uk", "Zoë"] {
            assert_eq!(check_username(ok), Ok(()), "{ok}");
        }
        for bad in [
            "",
            "police lead",
            "tab\there",
            "semi;colon",
            &"a".repeat(65),
        ] {
            assert!(check_username(bad).is_err(), "{bad:?}");
        }
    }

    proptest::proptest! {
        /// A username accepted is one that needs no quoting on a command
        /// line and cannot break a line of the audit log.
        #[test]
        fn an_accepted_username_is_plain(s in "\\PC{0,70}") {
            if check_username(&s).is_ok() {
                proptest::prop_assert!(!s.is_empty() && s.chars().count() <= 64);
                proptest::prop_assert!(!s.chars().any(|c| c.is_whitespace() || c.is_control() || "'\";|&$`<>".contains(c)));
            }
        }
    }

    #[test]
    fn roles_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
            assert_eq!(Role::parse(r.label()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
