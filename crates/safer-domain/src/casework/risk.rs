//! The victim-focused ASB risk assessment (DOMAIN.md 3.4): questions with
//! a score each, summed and banded Standard, Medium or High.
//!
//! No national matrix exists, so the questions, their scores and the
//! bands are data, [`RiskMatrix`], which a partnership sets [K]; the
//! default is the common pattern. As with the Dash checklist, the
//! practitioner's judgement may raise the level the score gives, never
//! lower it.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::case::RiskLevel;

/// One question of the assessment and the score a "yes" adds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskQuestion {
    pub id: String,
    pub text: String,
    pub score: u32,
}

/// The questions and the scores at which Medium and High begin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskMatrix {
    pub questions: Vec<RiskQuestion>,
    pub medium_from: u32,
    pub high_from: u32,
}

/// An assessment worked out: the score, the level it gives, and the level
/// the case has (raised by judgement, if given).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskAssessment {
    pub score: u32,
    pub scored: RiskLevel,
    pub level: RiskLevel,
    /// The judgement was above the score's level and raised it.
    pub raised_by_judgement: bool,
}

impl Default for RiskMatrix {
    fn default() -> RiskMatrix {
        let q = |id: &str, text: &str, score: u32| RiskQuestion {
            id: id.into(),
            text: text.into(),
            score,
        };
        RiskMatrix {
            questions: vec![
                q(
                    "targeted",
                    "Is the victim being targeted because of who they are (hate)?",
                    3,
                ),
                q(
                    "vulnerable",
                    "Is the victim vulnerable (age, disability, mental or physical health)?",
                    3,
                ),
                q("repeat", "Has this happened before (a repeat victim)?", 2),
                q(
                    "fear",
                    "Is the victim afraid to leave, or to stay in, their home?",
                    2,
                ),
                q(
                    "health",
                    "Is it affecting the victim's health, sleep or work?",
                    1,
                ),
                q("children", "Are there children in the household?", 1),
                q(
                    "escalating",
                    "Is the behaviour getting worse or more frequent?",
                    2,
                ),
                q(
                    "violence",
                    "Has there been violence or a threat of violence?",
                    3,
                ),
                q(
                    "isolated",
                    "Does the victim have no one to support them?",
                    1,
                ),
            ],
            medium_from: 5,
            high_from: 10,
        }
    }
}

impl RiskMatrix {
    /// Whether the matrix can be used: question ids unique, and bands in
    /// order (Medium begins above zero and below High).
    pub fn check(&self) -> Result<(), String> {
        let mut ids = BTreeSet::new();
        for q in &self.questions {
            if !ids.insert(q.id.as_str()) {
                return Err(format!("the question {:?} appears twice", q.id));
            }
        }
        if !(0 < self.medium_from && self.medium_from < self.high_from) {
            return Err(format!(
                "the bands must rise: Medium from {} must be above 0 and below High from {}",
                self.medium_from, self.high_from
            ));
        }
        Ok(())
    }

    /// The level a score gives.
    pub fn band(&self, score: u32) -> RiskLevel {
        if score >= self.high_from {
            RiskLevel::High
        } else if score >= self.medium_from {
            RiskLevel::Medium
        } else {
            RiskLevel::Standard
        }
    }

    /// Scores the questions answered "yes" (an id that is not a question
    /// is an error naming it) and applies the practitioner's judgement,
    /// which can only raise the level.
    pub fn assess(
        &self,
        yes: &BTreeSet<String>,
        judgement: Option<RiskLevel>,
    ) -> Result<RiskAssessment, String> {
        if let Some(unknown) = yes
            .iter()
            .find(|id| !self.questions.iter().any(|q| &q.id == *id))
        {
            return Err(format!(
                "{unknown:?} is not a question of the risk assessment"
            ));
        }
        let score = self
            .questions
            .iter()
            .filter(|q| yes.contains(&q.id))
            .map(|q| q.score)
            .fold(0u32, u32::saturating_add);
        let scored = self.band(score);
        let level = judgement.map_or(scored, |j| j.max(scored));
        Ok(RiskAssessment {
            score,
            scored,
            level,
            raised_by_judgement: level > scored,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn yes(ids: &[&str]) -> BTreeSet<String> {
        ids.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn the_default_matrix_bands_scores() {
        let m = RiskMatrix::default();
        m.check().unwrap();
        let a = m.assess(&yes(&[]), None).unwrap();
        assert_eq!((a.score, a.level), (0, RiskLevel::Standard));
        let a = m.assess(&yes(&["vulnerable", "repeat"]), None).unwrap();
        assert_eq!((a.score, a.level), (5, RiskLevel::Medium));
        let a = m
            .assess(
                &yes(&["targeted", "vulnerable", "violence", "health"]),
                None,
            )
            .unwrap();
        assert_eq!((a.score, a.level), (10, RiskLevel::High));
        assert!(
            m.assess(&yes(&["nope"]), None)
                .unwrap_err()
                .contains("nope")
        );
    }

    #[test]
    fn judgement_raises_a_level_and_never_lowers_one() {
        let m = RiskMatrix::default();
        let a = m.assess(&yes(&["health"]), Some(RiskLevel::High)).unwrap();
        assert_eq!(
            (a.scored, a.level, a.raised_by_judgement),
            (RiskLevel::Standard, RiskLevel::High, true)
        );
        let a = m
            .assess(
                &yes(&["targeted", "vulnerable", "violence", "health"]),
                Some(RiskLevel::Standard),
            )
            .unwrap();
        assert_eq!((a.level, a.raised_by_judgement), (RiskLevel::High, false));
    }

    #[test]
    fn a_matrix_must_be_usable() {
        let mut m = RiskMatrix::default();
        m.high_from = m.medium_from;
        assert!(m.check().unwrap_err().contains("bands"));
        let mut m = RiskMatrix::default();
        m.questions.push(m.questions[0].clone());
        assert!(m.check().unwrap_err().contains("twice"));
    }

    proptest! {
        /// The level is never below what the score gives, and a "yes" more
        /// never lowers it.
        #[test]
        fn the_level_rises_with_the_answers(
            answers in proptest::collection::btree_set(0usize..9, 0..9),
            more in 0usize..9,
            judgement in proptest::option::of(prop_oneof![
                Just(RiskLevel::Standard), Just(RiskLevel::Medium), Just(RiskLevel::High)
            ]),
        ) {
            let m = RiskMatrix::default();
            let ids = |set: &BTreeSet<usize>| -> BTreeSet<String> {
                set.iter().map(|i| m.questions[*i].id.clone()).collect()
            };
            let a = m.assess(&ids(&answers), judgement).unwrap();
            prop_assert!(a.level >= a.scored);
            prop_assert_eq!(a.scored, m.band(a.score));
            let mut bigger = answers.clone();
            bigger.insert(more);
            let b = m.assess(&ids(&bigger), judgement).unwrap();
            prop_assert!(b.score >= a.score && b.level >= a.level);
        }
    }
}
