//! Referrals out of a case that the plans count (DOMAIN.md 3.15 and the
//! 2023–26 Charnwood plan's priority 3): Prevent / Channel, the county
//! Criminal Exploitation Team, known county lines and cuckooed addresses,
//! and outreach drug referrals.

use serde::{Deserialize, Serialize};

/// What a referral is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferralKind {
    /// A Prevent referral to the Channel panel. Only counts and themes are
    /// held (DOMAIN.md 3.15), and only on a case of a restricted type.
    Channel,
    CriminalExploitation,
    /// A county line (a deal line) known to be operating in the district.
    CountyLine,
    /// An address taken over for dealing (cuckooing).
    Cuckooing,
    DrugOutreach,
}

impl ReferralKind {
    pub const ALL: [ReferralKind; 5] = [
        ReferralKind::Channel,
        ReferralKind::CriminalExploitation,
        ReferralKind::CountyLine,
        ReferralKind::Cuckooing,
        ReferralKind::DrugOutreach,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReferralKind::Channel => "channel",
            ReferralKind::CriminalExploitation => "criminal_exploitation",
            ReferralKind::CountyLine => "county_line",
            ReferralKind::Cuckooing => "cuckooing",
            ReferralKind::DrugOutreach => "drug_outreach",
        }
    }

    pub fn parse(s: &str) -> Option<ReferralKind> {
        ReferralKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            ReferralKind::Channel => "Prevent referral to Channel",
            ReferralKind::CriminalExploitation => "Referral to the Criminal Exploitation Team",
            ReferralKind::CountyLine => "County line known",
            ReferralKind::Cuckooing => "Cuckooed address known",
            ReferralKind::DrugOutreach => "Outreach drug referral",
        }
    }

    /// Whether the referral must be on a case of a restricted type: a
    /// Channel referral's personal data belongs in the police and council's
    /// own systems, so Safer holds it only where named roles alone see it.
    pub fn needs_restricted_case(self) -> bool {
        self == ReferralKind::Channel
    }
}
