//! A case: who is on it and in what role, the forum that manages it, its
//! type, risk level and status.

use serde::{Deserialize, Serialize};

/// What a person is on a case. Every link between a person and a case
/// carries one, so a victim is never mistaken for a perpetrator on another
/// record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseRole {
    Victim,
    Perpetrator,
    Witness,
    /// A practitioner working the case.
    Professional,
    /// Someone the partnership is worried about: neither victim nor
    /// perpetrator (a young person drawn into ASB or exploitation, say).
    SubjectOfConcern,
    Carer,
}

impl CaseRole {
    pub const ALL: [CaseRole; 6] = [
        CaseRole::Victim,
        CaseRole::Perpetrator,
        CaseRole::Witness,
        CaseRole::Professional,
        CaseRole::SubjectOfConcern,
        CaseRole::Carer,
    ];

    pub fn label(self) -> &'static str {
        match self {
            CaseRole::Victim => "Victim",
            CaseRole::Perpetrator => "Perpetrator",
            CaseRole::Witness => "Witness",
            CaseRole::Professional => "Professional",
            CaseRole::SubjectOfConcern => "Subject of concern",
            CaseRole::Carer => "Carer",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CaseRole::Victim => "victim",
            CaseRole::Perpetrator => "perpetrator",
            CaseRole::Witness => "witness",
            CaseRole::Professional => "professional",
            CaseRole::SubjectOfConcern => "subject_of_concern",
            CaseRole::Carer => "carer",
        }
    }
}

impl std::str::FromStr for CaseRole {
    type Err = String;

    fn from_str(s: &str) -> Result<CaseRole, String> {
        CaseRole::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "expected one of {}, found {s:?}",
                    CaseRole::ALL.map(CaseRole::as_str).join(", ")
                )
            })
    }
}

/// The risk level of a case, from the victim-focused risk assessment
/// (see [`super::risk`]). Ordered: `Standard < Medium < High`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    Standard,
    Medium,
    High,
}

impl RiskLevel {
    pub fn label(self) -> &'static str {
        match self {
            RiskLevel::Standard => "Standard",
            RiskLevel::Medium => "Medium",
            RiskLevel::High => "High",
        }
    }
}

/// Where a case is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// Referred to a forum, not yet accepted or declined.
    Referred,
    /// Accepted: managed by the forum.
    Open,
    /// Declined by the forum, with a reason.
    Declined,
    /// Closed, with an outcome.
    Closed,
}

impl CaseStatus {
    /// Whether the case still needs the forum's attention.
    pub fn is_live(self) -> bool {
        matches!(self, CaseStatus::Referred | CaseStatus::Open)
    }

    /// The statuses a case may move to from this one: a referral is
    /// accepted or declined; an open case is closed; a closed or declined
    /// case may be reopened (referred again).
    pub fn may_become(self, next: CaseStatus) -> bool {
        use CaseStatus::*;
        matches!(
            (self, next),
            (Referred, Open)
                | (Referred, Declined)
                | (Open, Closed)
                | (Closed, Referred)
                | (Declined, Referred)
        )
    }
}

/// A forum of the partnership that manages cases, with its meeting cycle
/// and the case types it takes. The seeds' forums are the defaults; a
/// partnership configures its own [K].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Forum {
    /// A code: `jag`, `youth_jag`, `adults_at_risk`.
    pub id: String,
    pub name: String,
    /// Days between meetings: 42 for the six-weekly JAG.
    pub cycle_days: u32,
    /// Who chairs it (a role or a name), shown on its meetings by default.
    #[serde(default)]
    pub chair: String,
    /// The agencies that sit on it, by name: the attendance its meetings
    /// start from.
    #[serde(default)]
    pub members: Vec<String>,
}

impl Forum {
    /// The forums of the Charnwood plans: the six-weekly Joint Action
    /// Group, the Youth JAG and the Adults at Risk Group.
    pub fn defaults() -> Vec<Forum> {
        [
            ("jag", "Joint Action Group", 42),
            ("youth_jag", "Youth Joint Action Group", 42),
            ("adults_at_risk", "Adults at Risk Group", 42),
        ]
        .into_iter()
        .map(|(id, name, cycle_days)| Forum {
            id: id.into(),
            name: name.into(),
            cycle_days,
            chair: String::new(),
            members: Vec::new(),
        })
        .collect()
    }

    /// The next meeting on the cycle after `last` (or `last` itself when
    /// the cycle is zero days).
    pub fn next_meeting(&self, last: crate::Date) -> Option<crate::Date> {
        last.plus_days(i64::from(self.cycle_days))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_read_back_as_written() {
        for r in CaseRole::ALL {
            assert_eq!(r.as_str().parse::<CaseRole>(), Ok(r));
        }
        assert!(
            "offender"
                .parse::<CaseRole>()
                .unwrap_err()
                .contains("perpetrator")
        );
    }

    #[test]
    fn a_case_moves_only_along_its_life() {
        use CaseStatus::*;
        assert!(Referred.may_become(Open) && Referred.may_become(Declined));
        assert!(Open.may_become(Closed) && Closed.may_become(Referred));
        assert!(!Open.may_become(Declined) && !Declined.may_become(Open));
        assert!(!Closed.may_become(Open), "a closed case is referred again");
        assert!(Referred.is_live() && Open.is_live() && !Closed.is_live());
    }

    #[test]
    fn the_jag_meets_every_six_weeks() {
        let jag = &Forum::defaults()[0];
        let last: crate::Date = "2024-05-01".parse().unwrap();
        assert_eq!(jag.next_meeting(last).unwrap().to_string(), "2024-06-12");
        assert!(RiskLevel::Standard < RiskLevel::Medium && RiskLevel::Medium < RiskLevel::High);
    }
}
