//! The wording of a status: every English sentence a reason is made of, and
//! the number formatting used in them.
//!
//! The rules (`rules.rs`) decide *what* was found as data ([`NoStatus`],
//! [`Judgement`], [`Monitored`], …); this file only says it. A reason is one
//! sentence ending in a full stop: an optional opening about the months
//! compared, the finding, and an optional note on a comparison left out.
//! Numbers are written for people: counts whole with thousands separators,
//! targets and levels to one or two decimal places, intervals to one, and
//! a true minus sign.

use super::rules::{Against, Better, Judgement, LeftOut, Monitored, NoStatus, Scope, Verdict};
use super::{Coverage, CoverageUnit, Significance, ValueKind};
use crate::{Month, Period};

/// Ends with the full stop every reason ends with.
fn full_stop(s: String) -> String {
    if s.ends_with('.') { s } else { format!("{s}.") }
}

/// The whole reason: what was compared, the finding, and what was left out.
pub(super) fn sentence(scope: Scope, body: &str, left_out: Option<LeftOut>) -> String {
    let opening = match scope {
        Scope::Whole => String::new(),
        Scope::Covered(c) if c.is_whole() => String::new(),
        Scope::Covered(c) => format!("{}: ", coverage_text(c)),
        Scope::BothPartial { months } => format!(
            "Comparing only the {} held in both periods (some months are missing): ",
            months_word(months)
        ),
        Scope::CurrentPartial { months } => format!(
            "Over only the {} held (some months are missing): ",
            months_word(months)
        ),
    };
    let note = match left_out {
        None => String::new(),
        Some(LeftOut::DifferentMonths {
            current,
            comparison,
        }) => format!(
            "; the comparison figure is left out because {}",
            different_months(current, comparison)
        ),
        Some(LeftOut::Invalid { value, kind }) => format!(
            "; the comparison figure ({value:?}) is left out because it is not a valid {}",
            kind_word(kind)
        ),
    };
    full_stop(format!("{opening}{body}{note}"))
}

/// Why there is no status.
pub(super) fn no_status(why: NoStatus) -> String {
    full_stop(match why {
        NoStatus::ReducePercent(p) => format!(
            "The target \"reduce by {p}%\" is not usable (the percentage must be from 0 to \
             100), so no status"
        ),
        NoStatus::IncreasePercent(p) => format!(
            "The target \"increase by {p}%\" is not usable (the percentage must be a number \
             of 0 or more), so no status"
        ),
        NoStatus::TargetLevel(level) => {
            format!("The target level ({level}) is not a number, so no status")
        }
        NoStatus::Tolerance(t) => {
            format!("The tolerance ({t}) is not a number of 0 or more, so no status")
        }
        NoStatus::MinCoverage(share) => format!(
            "The minimum share of months ({share}) is not a number from 0 to 1, so no status"
        ),
        NoStatus::NoCurrent => "No figure for the current period yet, so no status".to_owned(),
        NoStatus::InvalidCurrent { value, kind } => format!(
            "The current figure ({value:?}) is not a valid {}, so no status",
            kind_word(kind)
        ),
        NoStatus::NoComparison => "No figure for the same months of the comparison period, so \
                                   the target cannot be worked out and there is no status"
            .to_owned(),
        NoStatus::DifferentMonths {
            current,
            comparison,
        } => format!(
            "No status: {}, and figures over different numbers of months are never compared",
            different_months(current, comparison)
        ),
        NoStatus::InvalidComparison { value, kind } => format!(
            "The comparison figure ({value:?}) is not a valid {}, so no status",
            kind_word(kind)
        ),
        NoStatus::NegativeBaseline(c) => format!(
            "No status: a percentage target on a negative baseline ({}) has no meaning",
            level_text(c)
        ),
        NoStatus::Impossible => "No status: no target could be worked out".to_owned(),
    })
}

fn different_months(current: u32, comparison: u32) -> String {
    format!(
        "the current figure covers {} but the comparison figure covers {}",
        months_word(current),
        months_word(comparison)
    )
}

fn kind_word(kind: ValueKind) -> &'static str {
    match kind {
        ValueKind::Count => "count",
        ValueKind::Level => "level",
    }
}

/// A figure in its own units.
fn value_text(kind: ValueKind, x: f64) -> String {
    match kind {
        ValueKind::Count => count_text(x),
        ValueKind::Level => level_text(x),
    }
}

const SAME_MONTHS: &str = "in the same months of the comparison period";

/// A monitor-only measure: the figures, never a status.
pub(super) fn monitored(m: &Monitored) -> String {
    let tail = "this measure is monitored without a target, so it has no RAG status";
    match (m.kind, m.comparison, m.change) {
        (ValueKind::Count, Some(c), Some((change, significance, p))) => {
            let pct = if change.percent.is_some() {
                change.percent_label()
            } else if m.actual > 0.0 {
                "up from zero".to_owned()
            } else {
                "no change".to_owned()
            };
            let test = match significance {
                Significance::SignificantIncrease => {
                    format!("a statistically significant increase ({})", p_text(p))
                }
                Significance::SignificantDecrease => {
                    format!("a statistically significant decrease ({})", p_text(p))
                }
                Significance::NoSignificantChange => {
                    format!("a change within chance variation ({})", p_text(p))
                }
                Significance::NotTested => "nothing to test".to_owned(),
            };
            format!(
                "{} so far against {} {SAME_MONTHS} ({pct}): {test}; {tail}",
                count_text(m.actual),
                count_text(c)
            )
        }
        (ValueKind::Count, _, _) => {
            let (lo, hi) = m.interval.unwrap_or((0.0, f64::INFINITY));
            format!(
                "{} so far (95% interval {} to {}); {tail}",
                count_text(m.actual),
                one_dp(lo),
                one_dp(hi)
            )
        }
        (ValueKind::Level, Some(c), _) => format!(
            "{} against {} {SAME_MONTHS}; {tail}",
            level_text(m.actual),
            level_text(c)
        ),
        (ValueKind::Level, None, _) => format!("{}; {tail}", level_text(m.actual)),
    }
}

/// A figure judged against its target: what it was set against, and why
/// that gives its status.
pub(super) fn judged(j: &Judgement) -> String {
    let head = head(j);
    let (good, bad) = match j.better {
        Better::Lower => ("a reduction", "no reduction"),
        Better::Higher => ("an increase", "no increase"),
    };
    let year_on_year = matches!(j.against, Against::PreviousYear(_));
    match j.verdict {
        Verdict::Met if year_on_year => format!("{head}: {good}, so on track"),
        Verdict::Met => format!("{head}, so on track"),
        Verdict::StaysAtZero => format!("{head}; the target is to stay at zero, so on track"),
        Verdict::MetByAnyCount => {
            let what = match j.against {
                Against::Percent {
                    percent, up: true, ..
                } => format!(
                    "an increase of {} on a baseline of zero",
                    percent_text(percent)
                ),
                _ => "a target of zero".to_owned(),
            };
            format!("{head}; {what} is met by any count, so on track")
        }
        Verdict::NothingEither => format!(
            "{head}: nothing recorded in either period, and no reduction is possible from \
             zero, so on track"
        ),
        Verdict::RiseFromZero => {
            format!("{head}: a rise from zero, which can never be a reduction, so off track")
        }
        Verdict::AboveZeroTarget => {
            format!("{head}; any count above zero misses a target of zero, so off track")
        }
        Verdict::WithinChance if year_on_year => format!(
            "{head}: {bad}, but the difference is within chance variation ({}), so at risk",
            interval_text(j.interval)
        ),
        Verdict::WithinChance => format!(
            "{head}; the gap is within chance variation ({}), so at risk",
            interval_text(j.interval)
        ),
        Verdict::BeyondChance if year_on_year => format!(
            "{head}: {bad}, and the gap is larger than chance variation would explain ({}), \
             so off track",
            interval_text(j.interval)
        ),
        Verdict::BeyondChance => format!(
            "{head}; the gap is larger than chance variation would explain ({}), so off track",
            interval_text(j.interval)
        ),
        Verdict::WithinTolerance { gap } => format!(
            "{head}: {}, within {}, so at risk",
            gap_text(j, gap),
            tolerance_text(j.tolerance)
        ),
        Verdict::BeyondTolerance { gap } => format!(
            "{head}: {}, more than {}, so off track",
            gap_text(j, gap),
            tolerance_text(j.tolerance)
        ),
    }
}

/// The figure and what it is set against: "42 so far against a target of
/// 38.0 (5% below 40 in the same months of the comparison period)".
fn head(j: &Judgement) -> String {
    let (actual, so_far) = match j.kind {
        ValueKind::Count => (count_text(j.actual), " so far"),
        ValueKind::Level => (level_text(j.actual), ""),
    };
    match j.against {
        Against::Level(t) => match j.kind {
            ValueKind::Count => format!("{actual}{so_far} against a target of {}", dec_text(t)),
            ValueKind::Level => {
                format!(
                    "{actual}{so_far} against a target level of {}",
                    level_text(t)
                )
            }
        },
        Against::PreviousYear(c) => format!(
            "{actual}{so_far} against {} {SAME_MONTHS}",
            value_text(j.kind, c)
        ),
        Against::Percent {
            target,
            percent,
            up,
            base,
        } => {
            let base = if base == 0.0 {
                "a baseline of zero".to_owned()
            } else {
                value_text(j.kind, base)
            };
            let side = if up { "above" } else { "below" };
            let target = match j.kind {
                ValueKind::Count => dec_text(target),
                ValueKind::Level => level_text(target),
            };
            format!(
                "{actual}{so_far} against a target of {target} ({} {side} {base} {SAME_MONTHS})",
                percent_text(percent)
            )
        }
    }
}

/// How far a level misses its target.
fn gap_text(j: &Judgement, gap: f64) -> String {
    if matches!(j.against, Against::PreviousYear(_)) {
        match j.better {
            Better::Lower if gap == 0.0 => "no reduction (unchanged)".to_owned(),
            Better::Higher if gap == 0.0 => "no increase (unchanged)".to_owned(),
            Better::Lower => format!("no reduction (up {})", level_text(gap)),
            Better::Higher => format!("no increase (down {})", level_text(gap)),
        }
    } else {
        match j.better {
            Better::Lower => format!("over by {}", level_text(gap)),
            Better::Higher => format!("short by {}", level_text(gap)),
        }
    }
}

fn tolerance_text(tolerance: f64) -> String {
    format!("the tolerance of {} points", level_text(tolerance))
}

fn interval_text(interval: Option<(f64, f64)>) -> String {
    let (lo, hi) = interval.unwrap_or((0.0, f64::INFINITY));
    format!("95% interval {} to {}", one_dp(lo), one_dp(hi))
}

// ---------------------------------------------------------------------------
// Months compared and left out
// ---------------------------------------------------------------------------

/// Too few months for a status: "Incomplete: 3 of 12 months held; April to
/// December left out of both years (December 2022 and April to December
/// 2021 not held), and a status needs at least 9 of the 12."
pub(super) fn incomplete(c: &Coverage, needed: u32) -> String {
    let mut s = format!(
        "Incomplete: {} of {} held",
        c.months_compared,
        months_word(c.months_claimed)
    );
    if !c.missing.is_empty() {
        s.push_str("; ");
        s.push_str(&left_out_text(c));
    }
    full_stop(format!(
        "{s}, and a status needs at least {needed} of the {}",
        c.months_claimed
    ))
}

/// "11 of 12 months, December left out of both years (December 2022 not
/// held)".
fn coverage_text(c: &Coverage) -> String {
    let mut s = format!("{} of {}", c.months_compared, months_word(c.months_claimed));
    if !c.missing.is_empty() {
        s.push_str(", ");
        s.push_str(&left_out_text(c));
    }
    s
}

/// Which parts of the year were left out, and which of them are not held:
/// "December left out of both years (December 2022 not held)"; without a
/// comparison year, "December 2022 not held". Quarterly figures name
/// quarters and say "not entered".
fn left_out_text(c: &Coverage) -> String {
    let compared = c.missing.iter().any(|g| g.comparison.is_some());
    let not_held: Vec<Period> = c
        .missing
        .iter()
        .filter(|g| !g.current_held)
        .map(|g| g.current)
        .chain(
            c.missing
                .iter()
                .filter(|g| !g.comparison_held)
                .filter_map(|g| g.comparison),
        )
        .collect();
    let (positions, absent, verb) = match c.unit {
        CoverageUnit::Month => (
            month_positions(c.missing.iter().map(|g| g.current.first)),
            dated_months(&not_held),
            "not held",
        ),
        CoverageUnit::Quarter => (
            quarter_positions(c.missing.iter().map(|g| g.quarter().number())),
            join(
                not_held
                    .iter()
                    .map(|p| {
                        let q = crate::Quarter::of(p.first);
                        format!("quarter {} of {}", q.number(), q.year())
                    })
                    .collect(),
            ),
            "not entered",
        ),
    };
    if compared {
        format!("{positions} left out of both years ({absent} {verb})")
    } else {
        format!("{absent} {verb}")
    }
}

/// Months named without their year, in runs of three or more: "April to
/// June and December", "June, July and December".
fn month_positions(months: impl Iterator<Item = Month>) -> String {
    let mut names = Vec::new();
    for (first, last) in runs(months.collect()) {
        match last.ordinal() - first.ordinal() {
            0 => names.push(first.name().to_owned()),
            1 => names.extend([first.name().to_owned(), last.name().to_owned()]),
            _ => names.push(format!("{} to {}", first.name(), last.name())),
        }
    }
    join(names)
}

/// Quarters by number: "quarter 2", "quarters 2 and 4".
fn quarter_positions(numbers: impl Iterator<Item = u8>) -> String {
    let numbers: Vec<String> = numbers.map(|n| n.to_string()).collect();
    if numbers.len() == 1 {
        format!("quarter {}", numbers[0])
    } else {
        format!("quarters {}", join(numbers))
    }
}

/// Months with their years, in runs: "December 2022 and April to December
/// 2021"; a run over a new year: "November 2021 to February 2022".
fn dated_months(periods: &[Period]) -> String {
    let mut months: Vec<Month> = periods.iter().flat_map(|p| p.months()).collect();
    // Current year first (as given), each year's months in order.
    let split = months
        .windows(2)
        .position(|w| w[1] < w[0])
        .map_or(months.len(), |i| i + 1);
    let later = months.split_off(split);
    join(
        runs(months)
            .into_iter()
            .chain(runs(later))
            .map(|(first, last)| {
                if first == last {
                    format!("{} {}", first.name(), first.year())
                } else if first.year() == last.year() {
                    format!("{} to {} {}", first.name(), last.name(), last.year())
                } else {
                    format!(
                        "{} {} to {} {}",
                        first.name(),
                        first.year(),
                        last.name(),
                        last.year()
                    )
                }
            })
            .collect(),
    )
}

/// Consecutive months as (first, last) runs, in the order given.
fn runs(months: Vec<Month>) -> Vec<(Month, Month)> {
    let mut out: Vec<(Month, Month)> = Vec::new();
    for m in months {
        match out.last_mut() {
            Some((_, last)) if m == last.plus(1) => *last = m,
            _ => out.push((m, m)),
        }
    }
    out
}

/// "a", "a and b", "a, b and c".
fn join(items: Vec<String>) -> String {
    match items.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

// ---------------------------------------------------------------------------
// Number formatting for reasons
// ---------------------------------------------------------------------------

/// Digits grouped in threes with commas: "9401" → "9,401".
fn group(digits: &str) -> String {
    let n = digits.len();
    let mut out = String::with_capacity(n + n / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (n - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// `x` with `decimals` places and grouped thousands.
fn fixed(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return if x > 0.0 {
            "infinity".to_owned()
        } else {
            x.to_string()
        };
    }
    let s = format!("{:.*}", decimals, x.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let sign = if x < 0.0 && s.chars().any(|c| ('1'..='9').contains(&c)) {
        "\u{2212}"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{}", group(int))
    } else {
        format!("{sign}{}.{frac}", group(int))
    }
}

fn count_text(x: f64) -> String {
    fixed(x, 0)
}

fn one_dp(x: f64) -> String {
    fixed(x, 1)
}

/// A target or level: one decimal place, or two when the second matters.
fn dec_text(x: f64) -> String {
    let two = fixed(x, 2);
    if two.ends_with('0') { fixed(x, 1) } else { two }
}

fn level_text(x: f64) -> String {
    dec_text(x)
}

/// A percentage as a plan writes it: "5%", "2.5%".
fn percent_text(p: f64) -> String {
    let s = format!("{p:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("{s}%")
}

fn months_word(n: u32) -> String {
    if n == 1 {
        "1 month".to_owned()
    } else {
        format!("{n} months")
    }
}

fn p_text(p: f64) -> String {
    if p < 0.001 {
        "p < 0.001".to_owned()
    } else {
        format!("p = {p:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_formatting() {
        assert_eq!(count_text(9401.0), "9,401");
        assert_eq!(count_text(1_234_567.0), "1,234,567");
        assert_eq!(count_text(12.0), "12");
        assert_eq!(dec_text(38.0), "38.0");
        assert_eq!(dec_text(38.95), "38.95");
        assert_eq!(dec_text(-2.5), "\u{2212}2.5");
        assert_eq!(one_dp(8930.94), "8,930.9");
        assert_eq!(percent_text(5.0), "5%");
        assert_eq!(percent_text(2.5), "2.5%");
        assert_eq!(p_text(0.0987), "p = 0.099");
        assert_eq!(p_text(1e-6), "p < 0.001");
    }
}
