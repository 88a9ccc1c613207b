//! The wording of a measure's status: every English sentence a reason is
//! made of, and the number formatting used in them.
//!
//! The domain's rules decide *what* was found, as data (an [`Evaluation`]'s
//! [`Finding`]: [`NoStatus`], [`Verdict`], [`Scope`], [`LeftOut`], …), and
//! the review adds why a measure has no figure at all; this file only says
//! it, in English. (A Welsh wording would be a sibling of
//! [`measure_reason`] over the same finding.) A reason is one sentence
//! ending in a full stop: an optional opening about the months compared,
//! the finding, and an optional note on a comparison left out. Numbers are
//! written for people: counts whole with thousands separators, targets and
//! levels to one or two decimal places, intervals to one, and a true minus
//! sign.

use safer_domain::{
    Against, Better, Change, Coverage, CoverageUnit, Evaluation, Finding, LeftOut, Month, NoStatus,
    Period, Quarter, Scope, Significance, ValueKind, Verdict,
};

/// The sentence that says why a measure has its status, with its numbers,
/// as the reports, the dashboard, `measures.csv` and the API's `reason`
/// print it: "42 so far against a target of 38.0 (5% below 40 in the same
/// months of the comparison period); the gap is within chance variation
/// (95% interval 30.3 to 56.8), so at risk."
pub fn measure_reason(e: &Evaluation) -> String {
    // The rules always fill the figures a finding quotes; an evaluation
    // built by hand without them reads "NaN" rather than a made-up number.
    let actual = e.actual.unwrap_or(f64::NAN);
    match &e.finding {
        Finding::NoStatus { why } => no_status(why),
        Finding::Incomplete { months_needed } => match &e.coverage {
            Some(c) => incomplete(c, *months_needed),
            None => format!("Incomplete: a status needs at least {months_needed} months held."),
        },
        Finding::Monitored {
            value_kind,
            p_value,
            scope,
            left_out,
        } => {
            let m = Monitored {
                kind: *value_kind,
                actual,
                comparison: e.comparison,
                interval: e.interval,
                change: e
                    .change
                    .map(|c| (c, e.significance, p_value.unwrap_or(f64::NAN))),
            };
            sentence(
                opening(*scope, e.coverage.as_ref()),
                &monitored(&m),
                *left_out,
            )
        }
        Finding::Judged {
            value_kind,
            better,
            against,
            verdict,
            scope,
            left_out,
        } => {
            let j = Judgement {
                kind: *value_kind,
                better: *better,
                actual,
                target: e.target.unwrap_or(f64::NAN),
                comparison: e.comparison.unwrap_or(f64::NAN),
                against: *against,
                verdict: *verdict,
                interval: e.interval,
            };
            sentence(opening(*scope, e.coverage.as_ref()), &judged(&j), *left_out)
        }
    }
}

/// A figure judged against its target, with what the wording needs.
struct Judgement {
    kind: ValueKind,
    better: Better,
    actual: f64,
    target: f64,
    comparison: f64,
    against: Against,
    verdict: Verdict,
    interval: Option<(f64, f64)>,
}

/// A monitor-only measure's figures.
struct Monitored {
    kind: ValueKind,
    actual: f64,
    comparison: Option<f64>,
    interval: Option<(f64, f64)>,
    /// For counts with a comparison: the change and its test.
    change: Option<(Change, Significance, f64)>,
}

/// Ends with the full stop every reason ends with.
fn full_stop(s: String) -> String {
    if s.ends_with('.') { s } else { format!("{s}.") }
}

/// The opening of a reason: what the figures cover, when it is less than
/// the whole period.
fn opening(scope: Scope, coverage: Option<&Coverage>) -> String {
    match scope {
        Scope::Whole => String::new(),
        Scope::Covered => match coverage {
            Some(c) if !c.is_whole() => format!("{}: ", coverage_text(c)),
            _ => String::new(),
        },
        Scope::BothPartial { months } => format!(
            "Comparing only the {} held in both periods (some months are missing): ",
            months_word(months)
        ),
        Scope::CurrentPartial { months } => format!(
            "Over only the {} held (some months are missing): ",
            months_word(months)
        ),
    }
}

/// The whole reason: what was compared, the finding, and what was left out.
fn sentence(opening: String, body: &str, left_out: Option<LeftOut>) -> String {
    let note = match left_out {
        None => String::new(),
        Some(LeftOut::DifferentMonths {
            current,
            comparison,
        }) => format!(
            "; the comparison figure is left out because {}",
            different_months(current, comparison)
        ),
        Some(LeftOut::Invalid { value, value_kind }) => format!(
            "; the comparison figure ({value:?}) is left out because it is not a valid {}",
            kind_word(value_kind)
        ),
    };
    full_stop(format!("{opening}{body}{note}"))
}

/// Why there is no status. The review's own reasons (no police.uk data, not
/// a category, case records, data not held) read as they always have: the
/// last ends with the plan's own words, as written.
fn no_status(why: &NoStatus) -> String {
    full_stop(match *why {
        NoStatus::NoPoliceUkData => {
            return "No police.uk data is held for the district.".to_owned();
        }
        NoStatus::NotACategory { ref category } => {
            return format!(
                "{category:?} is not a police.uk category, \"All crime\" or a configured group."
            );
        }
        NoStatus::CaseRecords { ref record } => {
            return format!(
                "Counted from case records ({}), which Safer holds none of for these months, or does not count; no figure is shown rather than a guess.",
                record.replace('_', " ")
            );
        }
        NoStatus::NeedsData { ref needs } => {
            return format!("Needs data Safer does not hold: {needs}");
        }
        NoStatus::ReducePercent { percent: p } => format!(
            "The target \"reduce by {p}%\" is not usable (the percentage must be from 0 to \
             100), so no status"
        ),
        NoStatus::IncreasePercent { percent: p } => format!(
            "The target \"increase by {p}%\" is not usable (the percentage must be a number \
             of 0 or more), so no status"
        ),
        NoStatus::TargetLevel { level } => {
            format!("The target level ({level}) is not a number, so no status")
        }
        NoStatus::Tolerance { tolerance: t } => {
            format!("The tolerance ({t}) is not a number of 0 or more, so no status")
        }
        NoStatus::MinCoverage { share } => format!(
            "The minimum share of months ({share}) is not a number from 0 to 1, so no status"
        ),
        NoStatus::NoCurrent => "No figure for the current period yet, so no status".to_owned(),
        NoStatus::InvalidCurrent { value, value_kind } => format!(
            "The current figure ({value:?}) is not a valid {}, so no status",
            kind_word(value_kind)
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
        NoStatus::InvalidComparison { value, value_kind } => format!(
            "The comparison figure ({value:?}) is not a valid {}, so no status",
            kind_word(value_kind)
        ),
        NoStatus::NegativeBaseline { baseline: c } => format!(
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
fn monitored(m: &Monitored) -> String {
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
fn judged(j: &Judgement) -> String {
    let head = head(j);
    let (good, bad) = match j.better {
        Better::Lower => ("a reduction", "no reduction"),
        Better::Higher => ("an increase", "no increase"),
    };
    // Beating the comparison itself (year on year, or on the baseline):
    // the verdict is said as "a reduction" or "no increase".
    let year_on_year = j.against.is_to_beat();
    match j.verdict {
        Verdict::Met if year_on_year => format!("{head}: {good}, so on track"),
        Verdict::Met => format!("{head}, so on track"),
        Verdict::StaysAtZero => format!("{head}; the target is to stay at zero, so on track"),
        Verdict::MetByAnyCount => {
            let what = match j.against {
                Against::Percent { percent, up: true } => format!(
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
        Verdict::WithinTolerance { gap, tolerance } => format!(
            "{head}: {}, within {}, so at risk",
            gap_text(j, gap),
            tolerance_text(tolerance)
        ),
        Verdict::BeyondTolerance { gap, tolerance } => format!(
            "{head}: {}, more than {}, so off track",
            gap_text(j, gap),
            tolerance_text(tolerance)
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
        Against::Level => match j.kind {
            ValueKind::Count => format!(
                "{actual}{so_far} against a target of {}",
                dec_text(j.target)
            ),
            ValueKind::Level => {
                format!(
                    "{actual}{so_far} against a target level of {}",
                    level_text(j.target)
                )
            }
        },
        Against::PreviousYear => format!(
            "{actual}{so_far} against {} {SAME_MONTHS}",
            value_text(j.kind, j.comparison)
        ),
        Against::Baseline => format!(
            "{actual}{so_far} against {} in the same months of the baseline year",
            value_text(j.kind, j.comparison)
        ),
        Against::Percent { percent, up } => {
            let (target, base) = (j.target, j.comparison);
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
    if j.against.is_to_beat() {
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
fn incomplete(c: &Coverage, needed: u32) -> String {
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
                        let q = Quarter::of(p.first);
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
    use safer_domain::{
        Direction, MeasureRule, Observation, Status, TargetKind, default_tolerance,
    };

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

    #[test]
    fn the_reviews_own_reasons_read_as_before() {
        let say = |why: NoStatus| measure_reason(&Evaluation::no_status(why));
        assert_eq!(
            say(NoStatus::NoPoliceUkData),
            "No police.uk data is held for the district."
        );
        assert_eq!(
            say(NoStatus::NotACategory {
                category: "Burglary – residential".into()
            }),
            "\"Burglary – residential\" is not a police.uk category, \"All crime\" or a \
             configured group."
        );
        assert_eq!(
            say(NoStatus::CaseRecords {
                record: "jag_referral".into()
            }),
            "Counted from case records (jag referral), which Safer holds none of for these \
             months, or does not count; no figure is shown rather than a guess."
        );
        // The plan's own words, as written.
        assert_eq!(
            say(NoStatus::NeedsData {
                needs: "domestic-abuse flags".into()
            }),
            "Needs data Safer does not hold: domestic-abuse flags"
        );
    }

    #[test]
    fn hand_built_evaluations_never_panic() {
        // Findings whose figures are missing (only a hand-built evaluation
        // can be so) say so rather than inventing a number.
        let mut e = Evaluation::no_status(NoStatus::NoCurrent);
        e.status = Status::Incomplete;
        e.finding = Finding::Incomplete { months_needed: 9 };
        assert_eq!(
            measure_reason(&e),
            "Incomplete: a status needs at least 9 months held."
        );
        e.status = Status::OnTrack;
        e.finding = Finding::Judged {
            value_kind: ValueKind::Count,
            better: Better::Lower,
            against: Against::PreviousYear,
            verdict: Verdict::Met,
            scope: Scope::Covered,
            left_out: None,
        };
        assert_eq!(
            measure_reason(&e),
            "NaN so far against NaN in the same months of the comparison period: a \
             reduction, so on track."
        );
    }

    // --- The sentences of every rule, from the rules themselves ----------
    //
    // Moved here with the wording from the domain, whose own tests now
    // check the structured finding: each evaluates a rule and reads its
    // reason as the reports print it.

    use proptest::prelude::*;

    /// The reason as the reports print it.
    trait Reason {
        fn reason(&self) -> String;
    }

    impl Reason for Evaluation {
        fn reason(&self) -> String {
            measure_reason(self)
        }
    }

    fn rule(direction: Direction, target: TargetKind, value_kind: ValueKind) -> MeasureRule {
        MeasureRule {
            direction,
            target,
            value_kind,
            tolerance: default_tolerance(),
            min_coverage: safer_domain::DEFAULT_MIN_COVERAGE,
        }
    }

    fn count(direction: Direction, target: TargetKind) -> MeasureRule {
        rule(direction, target, ValueKind::Count)
    }

    fn level(direction: Direction, target: TargetKind) -> MeasureRule {
        rule(direction, target, ValueKind::Level)
    }

    const REDUCE5: TargetKind = TargetKind::ReduceBy { percent: 5.0 };
    const INCREASE5: TargetKind = TargetKind::IncreaseBy { percent: 5.0 };
    const YOY: TargetKind = TargetKind::YearOnYearReduction;

    /// Evaluates complete six-month figures.
    fn ytd(r: MeasureRule, comparison: f64, actual: f64) -> Evaluation {
        r.evaluate(
            Some(Observation::complete(comparison, 6)),
            Some(Observation::complete(actual, 6)),
        )
    }

    // --- Counts: reduce by ------------------------------------------------

    #[test]
    fn the_worked_example_is_at_risk() {
        let e = ytd(count(Direction::Lower, REDUCE5), 40.0, 42.0);
        assert_eq!(e.status, Status::AtRisk);
        assert_eq!(e.target, Some(38.0));
        assert_eq!(e.actual, Some(42.0));
        assert_eq!(e.comparison, Some(40.0));
        assert_eq!(e.change, Some(Change::between(40, 42)));
        assert_eq!(e.significance, Significance::NoSignificantChange);
        assert_eq!(
            e.reason(),
            "42 so far against a target of 38.0 (5% below 40 in the same months of the \
             comparison period); the gap is within chance variation (95% interval 30.3 to \
             56.8), so at risk."
        );
    }

    #[test]
    fn reduce_by_lower_on_track_and_off_track() {
        let r = count(Direction::Lower, REDUCE5);
        let e = ytd(r, 40.0, 38.0);
        assert_eq!(e.status, Status::OnTrack, "{}", e.reason());
        assert_eq!(
            e.reason(),
            "38 so far against a target of 38.0 (5% below 40 in the same months of the \
             comparison period), so on track."
        );
        assert_eq!(ytd(r, 40.0, 30.0).status, Status::OnTrack);
        let e = ytd(r, 40.0, 60.0);
        assert_eq!(e.status, Status::OffTrack);
        assert!(e.reason().contains("larger than chance"), "{}", e.reason());
        assert_eq!(e.significance, Significance::NoSignificantChange);
        // Large counts: a 2% rise on 1,000 is already off track.
        let e = ytd(r, 1000.0, 1020.0);
        assert_eq!(e.status, Status::OffTrack, "{}", e.reason());
        assert_eq!(e.target, Some(950.0));
        assert!(e.reason().contains("1,020 so far"), "{}", e.reason());
    }

    #[test]
    fn reduce_by_zero_baseline() {
        let r = count(Direction::Lower, REDUCE5);
        let e = ytd(r, 0.0, 0.0);
        assert_eq!(e.status, Status::OnTrack);
        assert_eq!(e.target, Some(0.0));
        assert!(e.reason().contains("stay at zero"), "{}", e.reason());
        assert!(e.reason().contains("a baseline of zero"), "{}", e.reason());
        let e = ytd(r, 0.0, 1.0);
        assert_eq!(e.status, Status::OffTrack);
        assert!(
            e.reason().contains("any count above zero"),
            "{}",
            e.reason()
        );
        assert_eq!(e.change.unwrap().percent, None);
        // Reduce by 100%: the target is zero too.
        let r = count(Direction::Lower, TargetKind::ReduceBy { percent: 100.0 });
        assert_eq!(ytd(r, 10.0, 0.0).status, Status::OnTrack);
        assert_eq!(ytd(r, 10.0, 2.0).status, Status::OffTrack);
        // Reduce by 0%: no rise.
        let r = count(Direction::Lower, TargetKind::ReduceBy { percent: 0.0 });
        assert_eq!(ytd(r, 10.0, 10.0).status, Status::OnTrack);
        assert_eq!(ytd(r, 10.0, 11.0).status, Status::AtRisk);
    }

    #[test]
    fn zero_actual() {
        assert_eq!(
            ytd(count(Direction::Lower, REDUCE5), 40.0, 0.0).status,
            Status::OnTrack
        );
        let e = ytd(count(Direction::Higher, INCREASE5), 10.0, 0.0);
        assert_eq!(e.status, Status::OffTrack, "{}", e.reason());
        assert_eq!(e.interval.unwrap().0, 0.0);
        assert_eq!(e.significance, Significance::SignificantDecrease);
        let e = ytd(count(Direction::Higher, INCREASE5), 2.0, 0.0);
        assert_eq!(e.status, Status::AtRisk, "{}", e.reason());
    }

    // --- Counts: increase by ----------------------------------------------

    #[test]
    fn increase_by_higher() {
        let r = count(Direction::Higher, INCREASE5);
        let e = ytd(r, 40.0, 42.0);
        assert_eq!(e.status, Status::OnTrack);
        assert_eq!(e.target, Some(42.0));
        assert!(e.reason().contains("5% above 40"), "{}", e.reason());
        let e = ytd(r, 40.0, 38.0);
        assert_eq!(e.status, Status::AtRisk);
        let e = ytd(r, 40.0, 20.0);
        assert_eq!(e.status, Status::OffTrack);
        assert_eq!(e.significance, Significance::SignificantDecrease);
    }

    #[test]
    fn increase_by_zero_baseline_is_met_by_any_count() {
        let r = count(Direction::Higher, INCREASE5);
        for a in [0.0, 1.0, 7.0] {
            let e = ytd(r, 0.0, a);
            assert_eq!(e.status, Status::OnTrack);
            assert_eq!(e.target, Some(0.0));
            assert!(
                e.reason()
                    .contains("an increase of 5% on a baseline of zero is met by any count"),
                "{}",
                e.reason()
            );
        }
        // As a cap on zero, the target is to stay at zero.
        let r = count(Direction::Lower, INCREASE5);
        assert_eq!(ytd(r, 0.0, 0.0).status, Status::OnTrack);
        assert_eq!(ytd(r, 0.0, 3.0).status, Status::OffTrack);
    }

    // --- Counts: year on year ---------------------------------------------

    #[test]
    fn year_on_year_lower() {
        let r = count(Direction::Lower, YOY);
        let e = ytd(r, 40.0, 39.0);
        assert_eq!(e.status, Status::OnTrack);
        assert_eq!(e.target, Some(40.0));
        assert_eq!(
            e.reason(),
            "39 so far against 40 in the same months of the comparison period: a reduction, \
             so on track."
        );
        // Equal is not a reduction, but it is within chance.
        let e = ytd(r, 40.0, 40.0);
        assert_eq!(e.status, Status::AtRisk);
        assert!(e.reason().contains("no reduction, but"), "{}", e.reason());
        assert_eq!(ytd(r, 40.0, 50.0).status, Status::AtRisk);
        let e = ytd(r, 40.0, 70.0);
        assert_eq!(e.status, Status::OffTrack);
        assert_eq!(e.significance, Significance::SignificantIncrease);
    }

    #[test]
    fn year_on_year_higher() {
        let r = count(Direction::Higher, YOY);
        let e = ytd(r, 40.0, 41.0);
        assert_eq!(e.status, Status::OnTrack);
        assert!(e.reason().contains("an increase"), "{}", e.reason());
        assert_eq!(ytd(r, 40.0, 40.0).status, Status::AtRisk);
        assert_eq!(ytd(r, 40.0, 10.0).status, Status::OffTrack);
    }

    #[test]
    fn year_on_year_zero_cases() {
        let r = count(Direction::Lower, YOY);
        let e = ytd(r, 0.0, 0.0);
        assert_eq!(e.status, Status::OnTrack);
        assert!(
            e.reason().contains("no reduction is possible from zero"),
            "{}",
            e.reason()
        );
        assert_eq!(e.significance, Significance::NotTested);
        let e = ytd(r, 0.0, 2.0);
        assert_eq!(e.status, Status::OffTrack);
        assert!(e.reason().contains("rise from zero"), "{}", e.reason());
        // To zero is a reduction.
        assert_eq!(ytd(r, 3.0, 0.0).status, Status::OnTrack);
        let r = count(Direction::Higher, YOY);
        assert_eq!(ytd(r, 0.0, 0.0).status, Status::AtRisk);
        assert_eq!(ytd(r, 0.0, 1.0).status, Status::OnTrack);
    }

    // --- Counts: reach a level --------------------------------------------

    #[test]
    fn reach_level_on_counts_uses_the_interval() {
        let r = count(Direction::Higher, TargetKind::ReachLevel { level: 20.0 });
        let e = r.evaluate(None, Some(Observation::complete(25.0, 3)));
        assert_eq!(e.status, Status::OnTrack);
        assert_eq!(e.comparison, None);
        assert_eq!(e.significance, Significance::NotTested);
        assert_eq!(
            r.evaluate(None, Some(Observation::complete(15.0, 3)))
                .status,
            Status::AtRisk
        );
        assert_eq!(
            r.evaluate(None, Some(Observation::complete(5.0, 3))).status,
            Status::OffTrack
        );
        let r = count(Direction::Lower, TargetKind::ReachLevel { level: 0.0 });
        let e = r.evaluate(None, Some(Observation::complete(2.0, 3)));
        assert_eq!(e.status, Status::OffTrack);
        assert!(
            e.reason().contains("any count above zero"),
            "{}",
            e.reason()
        );
    }

    // --- Levels -----------------------------------------------------------

    #[test]
    fn reach_level_higher() {
        let r = level(Direction::Higher, TargetKind::ReachLevel { level: 90.0 });
        let at = |v: f64| r.evaluate(None, Some(Observation::complete(v, 12)));
        let e = at(91.5);
        assert_eq!(e.status, Status::OnTrack);
        assert_eq!(e.target, Some(90.0));
        assert_eq!(e.interval, None);
        assert_eq!(e.significance, Significance::NotTested);
        assert_eq!(at(90.0).status, Status::OnTrack);
        let e = at(87.5);
        assert_eq!(e.status, Status::AtRisk);
        assert_eq!(
            e.reason(),
            "87.5 against a target level of 90.0: short by 2.5, within the tolerance of 5.0 \
             points, so at risk."
        );
        assert_eq!(at(85.0).status, Status::AtRisk);
        let e = at(80.0);
        assert_eq!(e.status, Status::OffTrack);
        assert!(
            e.reason().contains("more than the tolerance"),
            "{}",
            e.reason()
        );
    }

    #[test]
    fn level_percent_targets() {
        let r = level(Direction::Lower, REDUCE5);
        let e = ytd(r, 40.0, 37.0);
        assert_eq!(e.status, Status::OnTrack);
        assert_eq!(e.target, Some(38.0));
        assert_eq!(e.change, None);
        assert_eq!(e.interval, None);
        assert_eq!(e.significance, Significance::NotTested);
        assert_eq!(ytd(r, 40.0, 42.0).status, Status::AtRisk);
        assert_eq!(ytd(r, 40.0, 44.0).status, Status::OffTrack);

        let r = level(Direction::Higher, INCREASE5);
        let e = ytd(r, 80.0, 84.0);
        assert_eq!(e.status, Status::OnTrack, "{}", e.reason());
        assert_eq!(ytd(r, 80.0, 80.0).status, Status::AtRisk);
        assert_eq!(ytd(r, 80.0, 78.0).status, Status::OffTrack);

        let r = level(Direction::Higher, REDUCE5);
        assert_eq!(ytd(r, 40.0, 38.0).status, Status::OnTrack);
        let r = level(Direction::Lower, INCREASE5);
        assert_eq!(ytd(r, 40.0, 42.0).status, Status::OnTrack);

        // A percentage of a negative score means nothing.
        let e = ytd(level(Direction::Lower, REDUCE5), -10.0, -12.0);
        assert_eq!(e.status, Status::NoData);
        assert!(e.reason().contains("negative baseline"), "{}", e.reason());
        // Zero baseline: a target of zero.
        assert_eq!(
            ytd(level(Direction::Higher, INCREASE5), 0.0, 0.0).status,
            Status::OnTrack
        );
        assert_eq!(
            ytd(level(Direction::Lower, REDUCE5), 0.0, 3.0).status,
            Status::AtRisk
        );
    }

    #[test]
    fn level_year_on_year() {
        let r = level(Direction::Lower, YOY);
        let e = ytd(r, 20.0, 18.0);
        assert_eq!(e.status, Status::OnTrack);
        assert!(e.reason().contains("a reduction"), "{}", e.reason());
        let e = ytd(r, 20.0, 20.0);
        assert_eq!(e.status, Status::AtRisk);
        assert!(
            e.reason().contains("no reduction (unchanged)"),
            "{}",
            e.reason()
        );
        assert_eq!(ytd(r, 20.0, 26.0).status, Status::OffTrack);
        let r = level(Direction::Higher, YOY);
        assert_eq!(ytd(r, 60.0, 61.0).status, Status::OnTrack);
        assert_eq!(ytd(r, 60.0, 57.0).status, Status::AtRisk);
        assert_eq!(ytd(r, 60.0, 50.0).status, Status::OffTrack);
    }

    // --- Monitor ----------------------------------------------------------

    #[test]
    fn monitor_never_gets_a_rag_status() {
        for r in [
            count(Direction::Monitor, TargetKind::Monitor),
            count(Direction::Lower, TargetKind::Monitor),
            count(Direction::Monitor, REDUCE5),
        ] {
            let e = ytd(r, 20.0, 40.0);
            assert_eq!(e.status, Status::Monitoring);
            assert_eq!(e.target, None);
            assert_eq!(e.change, Some(Change::between(20, 40)));
            assert!(e.interval.is_some());
            assert_eq!(e.significance, Significance::SignificantIncrease);
            assert!(e.reason().contains("no RAG status"), "{}", e.reason());
            assert!(e.reason().contains("+100.0%"), "{}", e.reason());
            assert!(
                e.reason().contains("statistically significant increase"),
                "{}",
                e.reason()
            );
        }
        let r = count(Direction::Monitor, TargetKind::Monitor);
        let e = r.evaluate(None, Some(Observation::complete(10.0, 3)));
        assert_eq!(e.status, Status::Monitoring);
        assert_eq!(
            e.reason(),
            "10 so far (95% interval 4.8 to 18.4); this measure is monitored without a \
             target, so it has no RAG status."
        );
        let e = ytd(r, 0.0, 3.0);
        assert!(e.reason().contains("up from zero"), "{}", e.reason());
        // Nothing to monitor without a current figure.
        assert_eq!(r.evaluate(None, None).status, Status::NoData);
        // A monitor-only level.
        let e = ytd(level(Direction::Monitor, TargetKind::Monitor), 70.0, 72.5);
        assert_eq!(e.status, Status::Monitoring);
        assert_eq!(e.comparison, Some(70.0));
        assert_eq!(e.significance, Significance::NotTested);
        // A broken percentage does not matter when monitoring.
        let r = count(
            Direction::Monitor,
            TargetKind::ReduceBy { percent: f64::NAN },
        );
        assert_eq!(ytd(r, 1.0, 1.0).status, Status::Monitoring);
    }

    // --- Missing and incomplete data --------------------------------------

    #[test]
    fn missing_figures_are_no_data() {
        let r = count(Direction::Lower, REDUCE5);
        let e = r.evaluate(Some(Observation::complete(40.0, 6)), None);
        assert_eq!(e.status, Status::NoData);
        assert_eq!(
            e.reason(),
            "No figure for the current period yet, so no status."
        );
        assert_eq!(e.target, None);

        let e = r.evaluate(None, Some(Observation::complete(40.0, 6)));
        assert_eq!(e.status, Status::NoData);
        assert!(e.reason().contains("comparison period"), "{}", e.reason());
        assert_eq!(e.actual, Some(40.0));
        assert_eq!(e.target, None);
        assert_eq!(e.significance, Significance::NotTested);

        let e = r.evaluate(
            Some(Observation::complete(40.0, 6)),
            Some(Observation::complete(40.0, 0)),
        );
        assert_eq!(e.status, Status::NoData);
        for bad in [-1.0, f64::NAN, f64::INFINITY, 1e300] {
            let e = ytd(r, 40.0, bad);
            assert_eq!(e.status, Status::NoData, "{bad}");
            assert!(e.reason().contains("not a valid count"), "{}", e.reason());
            let e = ytd(r, bad, 40.0);
            assert_eq!(e.status, Status::NoData, "{bad}");
        }
    }

    #[test]
    fn different_months_are_never_compared() {
        let r = count(Direction::Lower, REDUCE5);
        let e = r.evaluate(
            Some(Observation::complete(40.0, 12)),
            Some(Observation::incomplete(35.0, 11)),
        );
        assert_eq!(e.status, Status::NoData);
        assert_eq!(
            e.reason(),
            "No status: the current figure covers 11 months but the comparison figure covers \
             12 months, and figures over different numbers of months are never compared."
        );
        assert_eq!(e.comparison, None);
        assert_eq!(e.change, None);
        // Even when both claim to be complete (a YTD against a full year).
        let e = r.evaluate(
            Some(Observation::complete(80.0, 12)),
            Some(Observation::complete(35.0, 6)),
        );
        assert_eq!(e.status, Status::NoData);
        // A level target needs no comparison: the mismatched one is left out.
        let r = level(Direction::Higher, TargetKind::ReachLevel { level: 90.0 });
        let e = r.evaluate(
            Some(Observation::complete(80.0, 12)),
            Some(Observation::complete(92.0, 6)),
        );
        assert_eq!(e.status, Status::OnTrack);
        assert_eq!(e.comparison, None);
        assert!(e.reason().contains("left out"), "{}", e.reason());
        // And a monitor-only count keeps its interval but shows no change.
        let r = count(Direction::Monitor, TargetKind::Monitor);
        let e = r.evaluate(
            Some(Observation::complete(40.0, 12)),
            Some(Observation::complete(30.0, 11)),
        );
        assert_eq!(e.status, Status::Monitoring);
        assert_eq!(e.change, None);
        assert!(e.interval.is_some());
        assert!(e.reason().contains("left out"), "{}", e.reason());
    }

    #[test]
    fn incomplete_but_equal_months_are_evaluated_and_said_so() {
        let r = count(Direction::Lower, REDUCE5);
        let e = r.evaluate(
            Some(Observation::incomplete(40.0, 5)),
            Some(Observation::incomplete(36.0, 5)),
        );
        assert_eq!(e.status, Status::OnTrack);
        assert_eq!(
            e.reason(),
            "Comparing only the 5 months held in both periods (some months are missing): 36 \
             so far against a target of 38.0 (5% below 40 in the same months of the \
             comparison period), so on track."
        );
        let e = r.evaluate(
            Some(Observation::complete(40.0, 5)),
            Some(Observation::incomplete(36.0, 5)),
        );
        assert_eq!(e.status, Status::OnTrack);
        assert!(e.reason().starts_with("Comparing only"), "{}", e.reason());
        let r = level(Direction::Higher, TargetKind::ReachLevel { level: 90.0 });
        let e = r.evaluate(None, Some(Observation::incomplete(91.0, 1)));
        assert!(
            e.reason().starts_with("Over only the 1 month held"),
            "{}",
            e.reason()
        );
    }

    #[test]
    fn unusable_rules_are_no_data() {
        for t in [
            TargetKind::ReduceBy { percent: -5.0 },
            TargetKind::ReduceBy { percent: 150.0 },
            TargetKind::ReduceBy { percent: f64::NAN },
            TargetKind::IncreaseBy { percent: -1.0 },
            TargetKind::IncreaseBy {
                percent: f64::INFINITY,
            },
            TargetKind::ReachLevel { level: f64::NAN },
        ] {
            let e = ytd(count(Direction::Lower, t), 40.0, 30.0);
            assert_eq!(e.status, Status::NoData, "{t:?}");
            assert!(e.reason().contains("so no status"), "{}", e.reason());
        }
    }

    // --- Coverage: no year judged on part of a year ----------------------

    fn mon(s: &str) -> safer_domain::Month {
        s.parse().unwrap()
    }

    fn year(first: &str) -> safer_domain::Period {
        let first = mon(first);
        safer_domain::Period::new(first, first.plus(11)).unwrap()
    }

    /// police.uk as held for Charnwood: January 2022 onwards, December 2022
    /// missing.
    fn charnwood_held(m: safer_domain::Month) -> bool {
        m >= mon("2022-01") && m != mon("2022-12")
    }

    #[test]
    fn a_year_compared_on_three_months_is_incomplete() {
        let (pairs, coverage) = safer_domain::month_coverage(year("2022-04"), 1, charnwood_held);
        assert_eq!(pairs.len(), 3);
        let r = count(Direction::Lower, YOY);
        let e = r.evaluate_with_coverage(
            Some(Observation::complete(3761.0, 3)),
            Some(Observation::complete(3500.0, 3)),
            coverage.clone(),
        );
        assert_eq!(e.status, Status::Incomplete);
        assert_eq!(e.status.label(), "Incomplete");
        assert_eq!(e.target, None);
        assert_eq!((e.actual, e.comparison), (Some(3500.0), Some(3761.0)));
        assert_eq!(
            e.reason(),
            "Incomplete: 3 of 12 months held; April to December left out of both years \
             (December 2022 and April to December 2021 not held), and a status needs at \
             least 9 of the 12."
        );
        assert_eq!(e.coverage, Some(coverage));
    }

    #[test]
    fn a_year_with_a_month_left_out_says_so() {
        let (pairs, coverage) = safer_domain::month_coverage(year("2023-04"), 1, charnwood_held);
        assert_eq!(pairs.len(), 11);
        let r = count(Direction::Lower, YOY);
        let e = r.evaluate_with_coverage(
            Some(Observation::complete(40.0, 11)),
            Some(Observation::complete(39.0, 11)),
            coverage,
        );
        assert_eq!(e.status, Status::OnTrack);
        assert_eq!(
            e.reason(),
            "11 of 12 months, December left out of both years (December 2022 not held): 39 so \
             far against 40 in the same months of the comparison period: a reduction, so on \
             track."
        );
        // Several gaps, and months missing from the current year alone.
        let held = |m: safer_domain::Month| {
            charnwood_held(m) && m != mon("2023-06") && m != mon("2023-07")
        };
        let (_, coverage) = safer_domain::month_coverage(year("2023-04"), 1, held);
        let e = r.evaluate_with_coverage(
            Some(Observation::complete(40.0, 9)),
            Some(Observation::complete(39.0, 9)),
            coverage,
        );
        assert!(
            e.reason().starts_with(
                "9 of 12 months, June, July and December left out of both years (June to July \
                 2023 and December 2022 not held): "
            ),
            "{}",
            e.reason()
        );
        // Figures not compared with another year.
        let r = count(Direction::Higher, TargetKind::ReachLevel { level: 20.0 });
        let (_, coverage) = safer_domain::month_coverage_alone(year("2022-04"), charnwood_held);
        let e = r.evaluate_with_coverage(None, Some(Observation::complete(25.0, 11)), coverage);
        assert_eq!(e.status, Status::OnTrack);
        assert!(
            e.reason()
                .starts_with("11 of 12 months, December 2022 not held: 25 so far"),
            "{}",
            e.reason()
        );
    }

    #[test]
    fn the_minimum_at_each_quarter() {
        let r = count(Direction::Lower, REDUCE5);
        for (quarter, needed) in [(1, 3), (2, 5), (3, 7), (4, 9)] {
            let claimed = 3 * quarter;
            let last = mon("2023-04").plus(claimed as i32 - 1);
            let period = safer_domain::Period::new(mon("2023-04"), last).unwrap();
            for compared in 0..=claimed {
                // The last months of the year to date are not held this year.
                let held = |m: safer_domain::Month| m < mon("2023-04").plus(compared as i32);
                let (_, coverage) =
                    safer_domain::month_coverage(period, 1, |m| m < mon("2023-04") || held(m));
                assert_eq!(coverage.months_compared, compared);
                let e = r.evaluate_with_coverage(
                    Some(Observation::complete(40.0, compared)),
                    Some(Observation::complete(36.0, compared)),
                    coverage,
                );
                if compared == 0 {
                    assert_eq!(e.status, Status::NoData);
                } else if compared < needed {
                    assert_eq!(e.status, Status::Incomplete, "Q{quarter}: {compared}");
                    assert!(
                        e.reason().starts_with(&format!(
                            "Incomplete: {compared} of {claimed} months held"
                        ))
                    );
                } else {
                    assert_eq!(e.status, Status::OnTrack, "Q{quarter}: {compared}");
                    assert_eq!(
                        e.reason()
                            .starts_with(&format!("{compared} of {claimed} months, ")),
                        compared < claimed,
                        "{}",
                        e.reason()
                    );
                }
            }
        }
    }

    #[test]
    fn quarterly_figures_name_the_quarters() {
        let q = |s: &str| s.parse::<safer_domain::Quarter>().unwrap();
        let r = level(Direction::Higher, TargetKind::ReachLevel { level: 90.0 });
        let held = |x: safer_domain::Quarter| x != q("2023-Q2");
        let (_, coverage) =
            safer_domain::quarter_coverage(q("2023-Q4"), Some(q("2022-Q1").year()), held);
        let e = r.evaluate_with_coverage(
            Some(Observation::complete(85.0, 9)),
            Some(Observation::complete(91.0, 9)),
            coverage,
        );
        assert_eq!(e.status, Status::OnTrack);
        assert!(
            e.reason().starts_with(
                "9 of 12 months, quarter 2 left out of both years (quarter 2 of 2023/24 not \
                 entered): 91.0 against"
            ),
            "{}",
            e.reason()
        );
        let held = |x: safer_domain::Quarter| x != q("2023-Q2") && x != q("2022-Q3");
        let (_, coverage) =
            safer_domain::quarter_coverage(q("2023-Q4"), Some(q("2022-Q1").year()), held);
        let e = r.evaluate_with_coverage(
            Some(Observation::complete(85.0, 6)),
            Some(Observation::complete(91.0, 6)),
            coverage,
        );
        assert_eq!(e.status, Status::Incomplete);
        assert_eq!(
            e.reason(),
            "Incomplete: 6 of 12 months held; quarters 2 and 3 left out of both years (quarter 2 \
             of 2023/24 and quarter 3 of 2022/23 not entered), and a status needs at least 9 \
             of the 12."
        );
    }

    #[test]
    fn coverage_rule_details() {
        let (_, short) = safer_domain::month_coverage(year("2022-04"), 1, charnwood_held);
        let obs = |v: f64| Some(Observation::complete(v, 3));
        // A monitor-only measure stays Monitoring, and says what it compares.
        let e = count(Direction::Monitor, TargetKind::Monitor).evaluate_with_coverage(
            obs(30.0),
            obs(20.0),
            short.clone(),
        );
        assert_eq!(e.status, Status::Monitoring);
        assert!(
            e.reason()
                .starts_with("3 of 12 months, April to December left out"),
            "{}",
            e.reason()
        );
        // No data comes first.
        let e = count(Direction::Lower, YOY).evaluate_with_coverage(None, obs(20.0), short.clone());
        assert_eq!(e.status, Status::NoData);
        assert!(e.coverage.is_some());
        // The minimum is the rule's: none at all, or a broken one.
        let mut r = count(Direction::Lower, YOY);
        r.min_coverage = 0.0;
        assert_eq!(
            r.evaluate_with_coverage(obs(30.0), obs(20.0), short.clone())
                .status,
            Status::OnTrack
        );
        r.min_coverage = 0.25;
        assert_eq!(
            r.evaluate_with_coverage(obs(30.0), obs(20.0), short.clone())
                .status,
            Status::OnTrack
        );
        r.min_coverage = 0.26;
        assert_eq!(
            r.evaluate_with_coverage(obs(30.0), obs(20.0), short.clone())
                .status,
            Status::Incomplete
        );
        for bad in [1.5, -0.1, f64::NAN] {
            r.min_coverage = bad;
            let e = r.evaluate_with_coverage(obs(30.0), obs(20.0), short.clone());
            assert_eq!(e.status, Status::NoData);
            assert!(
                e.reason().contains("minimum share of months"),
                "{}",
                e.reason()
            );
        }
        // Whole coverage reads exactly as before.
        let r = count(Direction::Lower, REDUCE5);
        let whole = safer_domain::Coverage::whole(safer_domain::CoverageUnit::Month, 6);
        assert_eq!(
            r.evaluate_with_coverage(
                Some(Observation::complete(40.0, 6)),
                Some(Observation::complete(42.0, 6)),
                whole
            )
            .reason(),
            ytd(r, 40.0, 42.0).reason()
        );
    }

    // --- Properties -------------------------------------------------------

    fn any_direction() -> impl Strategy<Value = Direction> {
        prop_oneof![
            Just(Direction::Lower),
            Just(Direction::Higher),
            Just(Direction::Monitor)
        ]
    }

    fn any_target() -> impl Strategy<Value = TargetKind> {
        prop_oneof![
            (0.0..=100.0f64).prop_map(|percent| TargetKind::ReduceBy { percent }),
            Just(TargetKind::YearOnYearReduction),
            (0.0..200.0f64).prop_map(|level| TargetKind::ReachLevel { level }),
            (0.0..100.0f64).prop_map(|percent| TargetKind::IncreaseBy { percent }),
            Just(TargetKind::Monitor),
        ]
    }

    fn any_value() -> impl Strategy<Value = f64> {
        prop_oneof![
            0.0..50.0f64,
            (0u64..5_000).prop_map(|v| v as f64),
            0.0..f64::MAX,
            Just(0.0),
        ]
    }

    fn any_observation() -> impl Strategy<Value = Option<Observation>> {
        proptest::option::of((any_value(), 0u32..14, any::<bool>()).prop_map(
            |(value, months, complete)| Observation {
                value,
                months,
                complete,
            },
        ))
    }

    proptest! {
        /// Every evaluation the rules can make reads as a sentence. (The
        /// rules' own properties are tested beside them, in the domain.)
        #[test]
        fn every_evaluation_reads_as_a_sentence(
            direction in any_direction(),
            target in any_target(),
            kind in prop_oneof![Just(ValueKind::Count), Just(ValueKind::Level)],
            tolerance in 0.0..20.0f64,
            comparison in any_observation(),
            actual in any_observation(),
        ) {
            let r = MeasureRule {
                direction,
                target,
                value_kind: kind,
                tolerance,
                min_coverage: safer_domain::DEFAULT_MIN_COVERAGE,
            };
            let e = r.evaluate(comparison, actual);
            prop_assert!(!e.reason().is_empty());
            prop_assert!(e.reason().ends_with('.'), "{}", e.reason());
            prop_assert!(!e.reason().contains("  "), "{}", e.reason());
        }

        #[test]
        fn the_reason_says_what_a_status_rests_on(
            direction in any_direction(),
            target in any_target(),
            kind in prop_oneof![Just(ValueKind::Count), Just(ValueKind::Level)],
            quarter in 1u32..=4,
            mask in any::<u16>(),
            share in prop_oneof![0.0..=1.0f64, Just(0.75)],
            comparison in any_value(),
            actual in any_value(),
        ) {
            let first = mon("2023-04");
            let period = safer_domain::Period::new(first, first.plus(3 * quarter as i32 - 1)).unwrap();
            let held = |m: safer_domain::Month| {
                m < first || mask & (1 << (m.ordinal() - first.ordinal())) != 0
            };
            let (pairs, coverage) = safer_domain::month_coverage(period, 1, held);
            let n = pairs.len() as u32;
            let r = MeasureRule {
                direction,
                target,
                value_kind: kind,
                tolerance: default_tolerance(),
                min_coverage: share,
            };
            let e = r.evaluate_with_coverage(
                Some(Observation::complete(comparison, n)),
                Some(Observation::complete(actual, n)),
                coverage.clone(),
            );
            // The sentence says what the status rests on: "Incomplete: …"
            // without one, "M of N months, …" with one over part of the period.
            prop_assert!(e.reason().ends_with('.'), "{}", e.reason());
            match e.status {
                Status::Incomplete => {
                    prop_assert!(e.reason().starts_with("Incomplete: "), "{}", e.reason());
                }
                Status::NoData | Status::Monitoring => {}
                _ => {
                    if n < 3 * quarter {
                        let opening = format!("{} of {} months, ", n, 3 * quarter);
                        prop_assert!(e.reason().starts_with(&opening), "{}", e.reason());
                    }
                }
            }
        }
    }
}
