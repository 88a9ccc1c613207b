//! The case-work settings file (`casework.toml`): the partnership's
//! forums, case types, restricted types, review intervals, risk
//! assessment, information-sharing agreements, repeat rules and retention
//! periods. Every setting left out keeps its default; what is given is
//! checked, with the line of a mistake in the error.

use std::path::Path;

use safer_domain::casework::config::CaseworkConfig;

use crate::IngestError;

/// Reads and checks a settings file.
pub fn load(path: &Path) -> Result<CaseworkConfig, IngestError> {
    let text = std::fs::read_to_string(path).map_err(|e| IngestError::Io {
        path: path.to_owned(),
        source: e,
    })?;
    parse(path, &text)
}

/// Checks a settings file's text (`path` names it in errors).
pub fn parse(path: &Path, text: &str) -> Result<CaseworkConfig, IngestError> {
    let invalid = |message: String| IngestError::Invalid {
        path: path.to_owned(),
        message,
    };
    let c: CaseworkConfig = toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
        invalid(match line {
            Some(l) => format!("line {l}: {}", e.message()),
            None => e.message().to_owned(),
        })
    })?;
    c.check().map_err(invalid)?;
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn p() -> &'static Path {
        Path::new("casework.toml")
    }

    #[test]
    fn the_example_file_is_the_defaults() {
        let text = include_str!("../../../examples/charnwood/casework.toml");
        assert_eq!(parse(p(), text).unwrap(), CaseworkConfig::default());
    }

    #[test]
    fn a_setting_left_out_keeps_its_default_and_one_given_replaces_it() {
        let c = parse(
            p(),
            "agreements = [\"Our ISA\"]\n\n[retention]\ndeclined_referral_days = 90\n\n[repeat_victim]\nincidents = 2\nmonths = 6\n",
        )
        .unwrap();
        assert_eq!(c.agreements, ["Our ISA"]);
        assert_eq!(c.retention.declined_referral_days, 90);
        assert_eq!(
            c.retention.closed_case_days,
            CaseworkConfig::default().retention.closed_case_days
        );
        assert_eq!((c.repeat_victim.incidents, c.repeat_victim.months), (2, 6));
        assert_eq!(c.forums, CaseworkConfig::default().forums);
    }

    #[test]
    fn a_mistake_is_named_with_its_line() {
        let e = parse(p(), "agreements = [\"ISA\"]\nforum = []\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("casework.toml") && e.contains("line 2"), "{e}");
        let e = parse(
            p(),
            "[[case_types]]\nid = \"Hate Crime\"\nname = \"Hate\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("\"Hate Crime\" is not a code"), "{e}");
        let e = parse(p(), "[review.days]\nhigh = 42\nurgent = 7\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 3") || e.contains("urgent"), "{e}");
        let e = parse(
            p(),
            "[restrictions.types]\nprevent = [\"jag_coordinator\", \"boss\"]\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("boss"), "{e}");
    }

    proptest! {
        /// Whatever the text, the reader answers (never panics), and what
        /// it accepts holds together.
        #[test]
        fn any_text_is_read_or_refused(text in "\\PC{0,200}") {
            if let Ok(c) = parse(p(), &text) {
                prop_assert!(c.check().is_ok());
            }
        }

        /// Any retention periods and repeat rule given are kept as given.
        #[test]
        fn numbers_read_back(closed in 1u32..100_000, declined in 1u32..100_000, n in 0u32..50, m in 1u32..60) {
            let text = format!(
                "[retention]\nclosed_case_days = {closed}\ndeclined_referral_days = {declined}\n[repeat_location]\nincidents = {n}\nmonths = {m}\n"
            );
            let c = parse(p(), &text).unwrap();
            prop_assert_eq!(c.retention.closed_case_days, closed);
            prop_assert_eq!(c.retention.declined_referral_days, declined);
            prop_assert_eq!((c.repeat_location.incidents, c.repeat_location.months), (n, m));
        }
    }
}
