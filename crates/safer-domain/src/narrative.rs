//! The analyst's narrative of a strategic assessment: what the figures
//! mean, in the analyst's words, kept with the assessment it explains.

use serde::{Deserialize, Serialize};

/// The four parts of a Partnership Strategic Assessment that figures do
/// not write: each plain text, paragraphs separated by a blank line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Narrative {
    pub key_findings: String,
    pub emerging_threats: String,
    pub community_tensions: String,
    pub recommended_priorities: String,
}

/// The most one part may hold: a few pages.
pub const NARRATIVE_LIMIT: usize = 20_000;

impl Narrative {
    /// The parts with their headings, in the order an assessment gives them.
    pub fn sections(&self) -> [(&'static str, &str); 4] {
        [
            ("Key findings", &self.key_findings),
            ("Emerging threats", &self.emerging_threats),
            ("Community tensions", &self.community_tensions),
            ("Recommended priorities", &self.recommended_priorities),
        ]
    }

    /// Nothing written at all.
    pub fn is_empty(&self) -> bool {
        self.sections().iter().all(|(_, t)| t.trim().is_empty())
    }

    /// Each part trimmed, its lines ending in LF (browsers send CRLF), and
    /// no longer than [`NARRATIVE_LIMIT`]; the error names the part.
    pub fn checked(self) -> Result<Narrative, (&'static str, String)> {
        let clean = |s: &str| {
            s.replace("\r\n", "\n")
                .replace('\r', "\n")
                .trim()
                .to_owned()
        };
        let n = Narrative {
            key_findings: clean(&self.key_findings),
            emerging_threats: clean(&self.emerging_threats),
            community_tensions: clean(&self.community_tensions),
            recommended_priorities: clean(&self.recommended_priorities),
        };
        for (heading, text) in n.sections() {
            let chars = text.chars().count();
            if chars > NARRATIVE_LIMIT {
                return Err((
                    heading,
                    format!(
                        "{heading} must be {NARRATIVE_LIMIT} characters or fewer; it has {chars}"
                    ),
                ));
            }
        }
        Ok(n)
    }
}

/// The paragraphs of a part: text between blank lines, each trimmed.
pub fn paragraphs(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(current.join(" "));
                current.clear();
            }
        } else {
            current.push(line.trim());
        }
    }
    if !current.is_empty() {
        out.push(current.join(" "));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_are_split_at_blank_lines() {
        assert_eq!(
            paragraphs("Burglary rose.\nMostly in Loughborough.\n\n  \nShoplifting fell. "),
            [
                "Burglary rose. Mostly in Loughborough.",
                "Shoplifting fell."
            ]
        );
        assert!(paragraphs("  \n\n").is_empty());
    }

    #[test]
    fn a_narrative_is_checked() {
        let n = Narrative {
            key_findings: "  Rose.  ".into(),
            ..Narrative::default()
        };
        assert_eq!(n.checked().unwrap().key_findings, "Rose.");
        let crlf = Narrative {
            emerging_threats: "One.\r\n\r\nTwo.\r".into(),
            ..Narrative::default()
        };
        assert_eq!(crlf.checked().unwrap().emerging_threats, "One.\n\nTwo.");
        assert!(Narrative::default().is_empty());
        let long = Narrative {
            community_tensions: "x".repeat(NARRATIVE_LIMIT + 1),
            ..Narrative::default()
        };
        assert_eq!(long.checked().unwrap_err().0, "Community tensions");
    }

    proptest::proptest! {
        #[test]
        fn paragraphs_keep_every_word(text in "[a-z \n]{0,80}") {
            let words: Vec<&str> = text.split_whitespace().collect();
            let joined = paragraphs(&text).join(" ");
            let again: Vec<&str> = joined.split_whitespace().collect();
            proptest::prop_assert_eq!(words, again);
        }

        #[test]
        fn a_checked_narrative_is_checked_again_unchanged(text in "[a-z \r\n]{0,80}") {
            let n = Narrative { recommended_priorities: text, ..Narrative::default() };
            let once = n.checked().unwrap();
            proptest::prop_assert!(!once.recommended_priorities.contains('\r'));
            proptest::prop_assert_eq!(once.clone().checked().unwrap(), once);
        }
    }
}
