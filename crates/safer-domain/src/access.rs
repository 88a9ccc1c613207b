//! Who may do what: roles and agencies.
//!
//! Every user belongs to one agency (an organisation of the partnership)
//! and holds one or more roles. What a role allows is written once, in the
//! web crate's route table, and tested route by route.

use serde::{Deserialize, Serialize};

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
    pub id: i64,
    pub name: String,
    /// A responsible authority under the Crime and Disorder Act 1998 s5
    /// (council, police, fire, probation, health).
    pub statutory: bool,
}

/// A user, without secrets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: i64,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
            assert_eq!(Role::parse(r.label()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
