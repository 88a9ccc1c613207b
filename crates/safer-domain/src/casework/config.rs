//! How a partnership runs its case work, as data [K]: its forums, the case
//! types they take, which types are restricted to named roles, how often
//! cases are reviewed by risk level, the risk assessment, the
//! information-sharing agreements a share may rest on, and the repeat
//! rules. The defaults are the Charnwood seeds' and DOMAIN.md's.

use serde::{Deserialize, Serialize};

use super::access::Restrictions;
use super::case::Forum;
use super::meeting::ReviewIntervals;
use super::repeat::RepeatRule;
use super::risk::RiskMatrix;

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
