//! How a partnership runs its case work, as data [K]: its forums, the case
//! types they take, which types are restricted to named roles, how often
//! cases are reviewed by risk level, the risk assessment, the
//! information-sharing agreements a share may rest on, and the repeat
//! rules. The defaults are the Charnwood seeds' and DOMAIN.md's.

use serde::{Deserialize, Serialize};

use super::access::Restrictions;
use super::case::Forum;
use super::dhr::DhrTimescales;
use super::escalation::AbcTerms;
use super::letters::TriggerLetters;
use super::meeting::ReviewIntervals;
use super::repeat::RepeatRule;
use super::risk::RiskMatrix;
use super::trigger::TriggerRules;
use super::youth::Engagement;
use crate::Month;

/// A kind of case a forum takes: a code and its name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseType {
    pub id: String,
    pub name: String,
}

/// The partnership's case-work settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CaseworkConfig {
    pub forums: Vec<Forum>,
    pub case_types: Vec<CaseType>,
    pub restrictions: Restrictions,
    pub review: ReviewIntervals,
    pub risk: RiskMatrix,
    /// The information-sharing agreements a share may be made under.
    pub agreements: Vec<String>,
    pub repeat_victim: RepeatRule,
    pub repeat_location: RepeatRule,
    pub retention: Retention,
    /// An Acceptable Behaviour Contract's review and end, in months.
    pub abc: AbcTerms,
    /// When a young person counts as engaged in a diversionary activity.
    pub engagement: Engagement,
    /// The first month the partnership's case records are complete in
    /// Safer: the measures counted from case records hold no figure for
    /// earlier months (rather than a false zero). Unset, it is the month of
    /// the earliest case record held.
    pub records_from: Option<Month>,
    /// The ASB case review's local threshold, timescales and appeal route
    /// (the published review procedures, s104(2)); LLR's by default.
    pub community_trigger: TriggerRules,
    /// The letters to an applicant, as templates.
    pub trigger_letters: TriggerLetters,
    /// Domestic Homicide Reviews' timescales.
    pub dhr: DhrTimescales,
}

/// How long case records are kept once the forum is done with them [K],
/// in days from the day a case was closed or a referral declined. When the
/// period has run the case is on the retention review list, for the
/// coordinator to delete or keep with a reason. The defaults follow the
/// common practice for ASB case records (six years after closure) and a
/// year for referrals that were never taken on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Retention {
    pub closed_case_days: u32,
    pub declined_referral_days: u32,
}

impl Default for Retention {
    fn default() -> Retention {
        Retention {
            closed_case_days: 6 * 365 + 1,
            declined_referral_days: 365,
        }
    }
}

impl Retention {
    /// The day a case that ended (closed, or declined) on `ended` is due
    /// for its retention review; `None` for a live case.
    pub fn review_due(
        &self,
        status: super::case::CaseStatus,
        ended: crate::Date,
    ) -> Option<crate::Date> {
        use super::case::CaseStatus::*;
        let days = match status {
            Closed => self.closed_case_days,
            Declined => self.declined_referral_days,
            Referred | Open => return None,
        };
        ended.plus_days(i64::from(days))
    }
}

impl Default for CaseworkConfig {
    fn default() -> CaseworkConfig {
        let t = |id: &str, name: &str| CaseType {
            id: id.into(),
            name: name.into(),
        };
        CaseworkConfig {
            forums: Forum::defaults(),
            case_types: vec![
                t("asb", "Anti-social behaviour"),
                t("hate", "Hate incidents and crime"),
                t("exploitation", "Exploitation"),
                t("vulnerable_location", "Vulnerable or repeat location"),
                t("vulnerable_adult", "Adult at risk"),
                t("youth_asb", "Youth ASB"),
                t("prevent", "Prevent"),
            ],
            restrictions: Restrictions::default(),
            review: ReviewIntervals::default(),
            risk: RiskMatrix::default(),
            agreements: vec![
                "Crime and Disorder Act 1998, section 115".into(),
                "Leicestershire and Rutland Community Safety information-sharing agreement".into(),
                "Consent of the person".into(),
            ],
            repeat_victim: RepeatRule::REPEAT_VICTIM,
            repeat_location: RepeatRule::REPEAT_LOCATION,
            retention: Retention::default(),
            abc: AbcTerms::default(),
            engagement: Engagement::default(),
            records_from: None,
            community_trigger: TriggerRules::llr(),
            trigger_letters: TriggerLetters::default(),
            dhr: DhrTimescales::default(),
        }
    }
}

impl CaseworkConfig {
    pub fn forum(&self, id: &str) -> Option<&Forum> {
        self.forums.iter().find(|f| f.id == id)
    }

    pub fn case_type(&self, id: &str) -> Option<&CaseType> {
        self.case_types.iter().find(|t| t.id == id)
    }

    /// What is wrong with the settings, if anything: codes that are not
    /// codes, a forum or type given twice, a restriction or agreement
    /// missing, a risk matrix that does not hold together.
    pub fn check(&self) -> Result<(), String> {
        let is_code = |s: &str| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        };
        for (i, f) in self.forums.iter().enumerate() {
            if !is_code(&f.id) {
                return Err(format!(
                    "the forum id {:?} is not a code (a-z, 0-9 and _)",
                    f.id
                ));
            }
            if self.forums[..i].iter().any(|o| o.id == f.id) {
                return Err(format!("the forum {:?} is given twice", f.id));
            }
            if f.cycle_days == 0 {
                return Err(format!("the forum {:?} meets every 0 days", f.id));
            }
        }
        for (i, t) in self.case_types.iter().enumerate() {
            if !is_code(&t.id) {
                return Err(format!(
                    "the case type {:?} is not a code (a-z, 0-9 and _)",
                    t.id
                ));
            }
            if self.case_types[..i].iter().any(|o| o.id == t.id) {
                return Err(format!("the case type {:?} is given twice", t.id));
            }
        }
        if self.forums.is_empty() || self.case_types.is_empty() {
            return Err("at least one forum and one case type are needed".into());
        }
        if let Some(t) = self.restrictions.types.keys().find(|t| !is_code(t)) {
            return Err(format!("the restricted case type {t:?} is not a code"));
        }
        if self.agreements.is_empty() {
            return Err("at least one information-sharing agreement is needed for shares".into());
        }
        if self.abc.review_months == 0 || self.abc.review_months >= self.abc.end_months {
            return Err(format!(
                "an ABC's review ({} months) must come after it is signed and before its end ({} months)",
                self.abc.review_months, self.abc.end_months
            ));
        }
        self.community_trigger
            .check()
            .map_err(|e| format!("community_trigger: {e}"))?;
        self.risk.check()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_hold_together() {
        let c = CaseworkConfig::default();
        c.check().unwrap();
        assert!(c.forum("jag").is_some() && c.case_type("prevent").is_some());
        for t in c.restrictions.types.keys() {
            assert!(c.case_type(t).is_some(), "{t} is restricted but not a type");
        }
    }

    #[test]
    fn a_case_is_reviewed_for_retention_only_once_it_has_ended() {
        use crate::casework::case::CaseStatus::*;
        let r = Retention::default();
        let ended: crate::Date = "2024-05-01".parse().unwrap();
        assert_eq!(r.review_due(Open, ended), None);
        assert_eq!(r.review_due(Referred, ended), None);
        assert_eq!(
            r.review_due(Declined, ended).unwrap().to_string(),
            "2025-05-01"
        );
        assert_eq!(
            r.review_due(Closed, ended).unwrap().to_string(),
            "2030-05-01"
        );
    }

    #[test]
    fn a_bad_setting_is_named() {
        let mut c = CaseworkConfig::default();
        c.case_types.push(CaseType {
            id: "Hate Crime".into(),
            name: "x".into(),
        });
        assert!(c.check().unwrap_err().contains("\"Hate Crime\""));
        let mut c = CaseworkConfig::default();
        c.forums.push(c.forums[0].clone());
        assert!(c.check().unwrap_err().contains("twice"));
    }
}
