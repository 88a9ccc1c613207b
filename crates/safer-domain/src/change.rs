//! The change between two counts, as partnership reports show it.

use serde::Serialize;

/// The change from a previous count to a current one.
///
/// The percentage is `None` when the previous count is zero: "up from
/// nothing" has no meaningful percentage, and printing "+inf%" or "+100%"
/// would mislead a reader.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Change {
    pub current: u64,
    pub previous: u64,
    /// `current - previous`.
    pub absolute: i64,
    /// `absolute / previous × 100`, unrounded.
    pub percent: Option<f64>,
}

impl Change {
    pub fn between(previous: u64, current: u64) -> Change {
        let absolute = current as i64 - previous as i64;
        let percent = (previous > 0).then(|| absolute as f64 / previous as f64 * 100.0);
        Change {
            current,
            previous,
            absolute,
            percent,
        }
    }

    /// The percentage as reports print it: whole numbers with a sign, as in
    /// the partnership plan's "All Crime −7%". Uses a true minus sign.
    pub fn percent_label(&self) -> String {
        match self.percent {
            None => "n/a".to_owned(),
            Some(p) => {
                let r = (p * 10.0).round() / 10.0;
                if r > 0.0 {
                    format!("+{r:.1}%")
                } else if r < 0.0 {
                    format!("\u{2212}{:.1}%", -r)
                } else {
                    "0.0%".to_owned()
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_plan_example() {
        // "All Crime −7%, 9,401 → 8,747" (Charnwood Community Safety Plan 2020–23).
        let c = Change::between(9401, 8747);
        assert_eq!(c.absolute, -654);
        assert_eq!(c.percent_label(), "\u{2212}7.0%");
    }

    #[test]
    fn zero_baseline_has_no_percentage() {
        let c = Change::between(0, 5);
        assert_eq!(c.percent, None);
        assert_eq!(c.percent_label(), "n/a");
        assert_eq!(Change::between(0, 0).absolute, 0);
    }

    proptest! {
        #[test]
        fn change_is_consistent(prev in 0u64..1_000_000, cur in 0u64..1_000_000) {
            let c = Change::between(prev, cur);
            prop_assert_eq!(c.previous as i64 + c.absolute, c.current as i64);
            if let Some(p) = c.percent {
                prop_assert!(p >= -100.0);
                prop_assert_eq!(p > 0.0, cur > prev);
            }
        }
    }
}
