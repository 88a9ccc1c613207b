//! A measure's types and its status rules: what a target asks
//! ([`TargetKind`]), which way is better ([`Direction`]), the figures
//! ([`Observation`]) and [`MeasureRule::evaluate`], which turns them into a
//! [`Status`] with what was found ([`Evaluation`]).
//!
//! The rules decide; they do not write. Each decision is a small value, a
//! [`Finding`] (why there is no status, or the target and verdict), that
//! the presentation layer turns into the sentence a report prints, and the
//! two statistical questions (is the target inside the count's interval, is
//! the change larger than chance) are answered by `stats.rs`.

use serde::{Deserialize, Deserializer, Serialize};

use super::coverage::{Coverage, default_min_coverage, is_valid_min_coverage};
use super::finding::{Against, Better, Finding, LeftOut, NoStatus, Scope, Verdict};
use super::stats::{compare_counts, poisson_interval};
use crate::Change;

/// The confidence of the intervals shown beside a status.
const CONFIDENCE: f64 = 0.95;
/// The largest count the status rules accept: 2^53, the largest whole
/// number a 64-bit float holds exactly (far beyond any crime count).
const MAX_COUNT: f64 = 9_007_199_254_740_992.0;

/// Which way is better for a measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Lower is better (most crime counts).
    Lower,
    /// Higher is better (for example reporting of an under-reported crime,
    /// or the share of people who feel safe).
    Higher,
    /// Watched, not targeted: the status is always [`Status::Monitoring`].
    Monitor,
}

/// What the plan asks of a measure.
///
/// Serialised with a `kind` tag, for example
/// `{"kind": "reduce_by", "percent": 5.0}` or
/// `{"kind": "year_on_year_reduction"}`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TargetKind {
    /// Reduce by `percent`% on the baseline year (same months): the target is
    /// `baseline × (1 − percent/100)`. `percent` must lie in 0–100.
    ReduceBy { percent: f64 },
    /// Any reduction on the same months of the previous financial year (for
    /// a [`Direction::Higher`] measure: any increase).
    YearOnYearReduction,
    /// Reach (or stay beyond) a fixed level, such as 90 (%), for
    /// [`ValueKind::Level`] measures. Needs no comparison figure.
    ReachLevel { level: f64 },
    /// Increase by `percent`% on the baseline year (same months): the target
    /// is `baseline × (1 + percent/100)`. `percent` must not be negative.
    IncreaseBy { percent: f64 },
    /// Any improvement on the baseline year over the same months, in the
    /// measure's direction ("an increase on the 2022/23 baseline" for a
    /// [`Direction::Higher`] measure, a reduction for a lower one): the
    /// target is the baseline figure, to be beaten, not just equalled.
    ImproveOnBaseline,
    /// No target: the status is always [`Status::Monitoring`].
    Monitor,
}

impl TargetKind {
    /// Whether the target is worked out from a comparison figure (the
    /// baseline or the previous year over the same months).
    pub fn needs_comparison(&self) -> bool {
        matches!(
            self,
            TargetKind::ReduceBy { .. }
                | TargetKind::YearOnYearReduction
                | TargetKind::IncreaseBy { .. }
                | TargetKind::ImproveOnBaseline
        )
    }
}

/// The status of a measure: RAG, or why there is none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Green: the target is met so far.
    OnTrack,
    /// Amber: the target is missed so far, but by no more than chance (for
    /// counts) or the tolerance (for levels).
    AtRisk,
    /// Red: the target is missed by more than chance or the tolerance.
    OffTrack,
    /// The figures needed are missing or cannot be compared fairly.
    NoData,
    /// A monitor-only measure: no RAG status by design.
    Monitoring,
    /// The figures compare too few of the months the status claims (below
    /// the plan's minimum share, three quarters by default): no RAG status
    /// and no target, rather than a year judged on part of a year.
    Incomplete,
}

impl Status {
    /// The status as reports print it.
    pub fn label(self) -> &'static str {
        match self {
            Status::OnTrack => "On track",
            Status::AtRisk => "At risk",
            Status::OffTrack => "Off track",
            Status::NoData => "No data",
            Status::Monitoring => "Monitoring",
            Status::Incomplete => "Incomplete",
        }
    }
}

/// What kind of number a measure counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueKind {
    /// Event counts (crimes, incidents, referrals), assumed to vary like a
    /// Poisson count. Values are rounded to whole numbers.
    Count,
    /// A percentage or score, such as the survey share of residents who feel
    /// safe. No sampling model: compared with a tolerance band instead.
    Level,
}

/// One figure for a measure over a run of months.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    /// The count or level.
    pub value: f64,
    /// How many months the figure covers.
    pub months: u32,
    /// True when no month of the intended period is missing.
    pub complete: bool,
}

impl Observation {
    /// A figure covering every month intended.
    pub fn complete(value: f64, months: u32) -> Observation {
        Observation {
            value,
            months,
            complete: true,
        }
    }

    /// A figure with some month of the intended period missing; `months` is
    /// the number of months it does cover.
    pub fn incomplete(value: f64, months: u32) -> Observation {
        Observation {
            value,
            months,
            complete: false,
        }
    }
}

/// The default tolerance band of a [`ValueKind::Level`] measure: 5 points.
pub fn default_tolerance() -> f64 {
    5.0
}

/// How a measure's status is decided.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MeasureRule {
    pub direction: Direction,
    pub target: TargetKind,
    pub value_kind: ValueKind,
    /// For [`ValueKind::Level`] measures: how far (in the value's own units,
    /// for example percentage points) a miss may be and still count as
    /// "At risk" rather than "Off track". Unused for counts, whose band comes
    /// from the Poisson interval. Defaults to [`default_tolerance`].
    #[serde(default = "default_tolerance")]
    pub tolerance: f64,
    /// The share of the months claimed that a status needs (see
    /// [`Coverage`]); below it the status is [`Status::Incomplete`].
    /// Defaults to three quarters.
    #[serde(default = "default_min_coverage")]
    pub min_coverage: f64,
}

/// Whether a change between two counts is statistically meaningful.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Significance {
    /// The rise is larger than chance would explain (p < 0.05).
    SignificantIncrease,
    /// The fall is larger than chance would explain (p < 0.05).
    SignificantDecrease,
    /// The change could be chance.
    NoSignificantChange,
    /// No test was made (levels, no comparison, or nothing counted).
    NotTested,
}

impl Significance {
    /// Plain English, as reports print it.
    pub fn label(self) -> &'static str {
        match self {
            Significance::SignificantIncrease => "Significant increase",
            Significance::SignificantDecrease => "Significant decrease",
            Significance::NoSignificantChange => "No significant change",
            Significance::NotTested => "Not tested",
        }
    }
}

/// The result of [`MeasureRule::evaluate`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub status: Status,
    /// The year-to-date target for the period (`None` for monitor-only
    /// measures and when there is no data).
    pub target: Option<f64>,
    /// The current figure (rounded to a whole number for counts).
    pub actual: Option<f64>,
    /// The baseline (or previous-year) figure over the same months.
    pub comparison: Option<f64>,
    /// The change from comparison to actual; counts only.
    #[serde(default, deserialize_with = "deserialize_change")]
    pub change: Option<Change>,
    /// The 95% interval for the actual (exact Poisson); counts only.
    pub interval: Option<(f64, f64)>,
    /// Of the actual against the comparison; counts only.
    pub significance: Significance,
    /// Why this status, as data: the presentation layer words it (with the
    /// numbers above).
    pub finding: Finding,
    /// How many months the figures compare, of how many claimed, and which
    /// are left out; `None` when the caller did not say.
    #[serde(default)]
    pub coverage: Option<Coverage>,
}

/// [`Change`] is serialise-only; rebuild it from its two counts.
fn deserialize_change<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Change>, D::Error> {
    #[derive(Deserialize)]
    struct Counts {
        previous: u64,
        current: u64,
    }
    let counts = Option::<Counts>::deserialize(d)?;
    Ok(counts.map(|c| Change::between(c.previous, c.current)))
}

/// A validated figure: a whole count, or a finite level.
#[derive(Debug, Clone, Copy)]
struct Figure {
    value: f64,
    months: u32,
    complete: bool,
}

/// A target worked out: its value and what it was set against.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Aim {
    target: f64,
    against: Against,
}

impl Evaluation {
    /// No status, for `why`: no figures, nothing tested.
    pub fn no_status(why: NoStatus) -> Evaluation {
        no_data(None, None, why)
    }
}

impl MeasureRule {
    /// Decides the status of a measure from the comparison figure (baseline
    /// or previous year, over the same months) and the current figure.
    ///
    /// The rules, applied in this order:
    ///
    /// 1. **No data** when the rule itself is unusable (a percentage that is
    ///    not a number, negative, or above 100 for a reduction; a level that
    ///    is not a number; a negative tolerance on a level measure).
    /// 2. **No data** when there is no current figure, it covers no months,
    ///    or it is not a valid value (a count must be a whole number from 0
    ///    to 2^53 after rounding; a level must be a finite number).
    /// 3. **No data** when the target needs a comparison (reduce by,
    ///    increase by, year on year) and the comparison is missing, covers no
    ///    months, is invalid, or covers a **different number of months** from
    ///    the current figure: an 11-month figure is never compared with a
    ///    12-month one, whatever the completeness flags say. A percentage
    ///    target on a *negative* level baseline is also no data. When the
    ///    target needs no comparison (reach a level, monitor), an unusable
    ///    comparison is left out and the finding says so ([`LeftOut`]).
    /// 4. When either figure is incomplete but both cover the same number
    ///    of months, the status is worked out and the finding's [`Scope`]
    ///    says only those months are compared.
    /// 5. **Monitoring** for a monitor-only target or direction: never a RAG
    ///    status, but the change, interval and significance are still filled.
    /// 6. **Counts** with a target T: reduce by p% gives
    ///    T = comparison × (1 − p/100); increase by p% gives
    ///    T = comparison × (1 + p/100); year on year gives T = comparison but
    ///    must be *beaten*, not just equalled. For a lower-is-better measure:
    ///    **On track** if actual ≤ T (year on year: actual < comparison);
    ///    otherwise **At risk** if T lies inside the exact 95% Poisson
    ///    interval of the actual (the miss could be chance); otherwise **Off
    ///    track**. Higher-is-better mirrors this (actual ≥ T, or actual >
    ///    comparison year on year). The direction says which side is good;
    ///    the target kind only says where T is.
    /// 7. **Zero baselines (counts):** the formulas still apply, so the
    ///    target is 0. Lower is better: on track only at 0, and any count
    ///    above 0 is off track (the interval of a count of 1 or more excludes
    ///    0: the target is missed for certain). Higher is better: a target of
    ///    0 is met by any count (so "increase by 5% on a baseline of zero" is
    ///    on track). Year on year from 0 to 0 is **on track** for a
    ///    lower-is-better measure (no reduction is possible from zero, and
    ///    holding at zero is the best outcome); for higher-is-better it is at
    ///    risk (no increase yet, but 0 is inside the interval of 0).
    /// 8. **Levels** with a target T (reach level L gives T = L; reduce and
    ///    increase by p% work on the value as for counts; year on year gives
    ///    T = comparison, to be beaten): higher is better: **On track** if
    ///    actual ≥ T (year on year: actual > T); **At risk** if actual ≥
    ///    T − tolerance; otherwise **Off track**. Lower is better mirrors
    ///    this. Levels have no interval and no significance test.
    ///
    /// Comparisons allow a rounding slack of one part in 10^9, so that a
    /// target such as 40 × 0.95 counts as exactly 38.
    pub fn evaluate(
        &self,
        comparison: Option<Observation>,
        actual: Option<Observation>,
    ) -> Evaluation {
        self.decide(comparison, actual, None)
    }

    /// [`evaluate`](Self::evaluate) for figures whose [`Coverage`] the
    /// caller knows: which months of the year to date are compared like
    /// for like and which are left out. Two rules are added:
    ///
    /// 9. **Incomplete** when the months compared are fewer than the rule's
    ///    minimum share of the months claimed (`min_coverage`, rounded up:
    ///    at three quarters, 3 of 3 at quarter 1, 5 of 6, 7 of 9 and 9 of 12
    ///    at the year end). No RAG status and no target; the figures over
    ///    the months compared are still shown. Monitor-only measures stay
    ///    **Monitoring**, and the No data rules above come first.
    /// 10. Whenever fewer than all the months claimed are compared, the
    ///     finding's scope is [`Scope::Covered`]: the coverage says how many,
    ///     and which months (or quarters) were left out of both years
    ///     because one of them does not hold it.
    ///
    /// The coverage is kept on the evaluation for reports. Its
    /// `months_compared` should equal the observations' `months`.
    pub fn evaluate_with_coverage(
        &self,
        comparison: Option<Observation>,
        actual: Option<Observation>,
        coverage: Coverage,
    ) -> Evaluation {
        let mut e = self.decide(comparison, actual, Some(&coverage));
        e.coverage = Some(coverage);
        e
    }

    fn decide(
        &self,
        comparison: Option<Observation>,
        actual: Option<Observation>,
        coverage: Option<&Coverage>,
    ) -> Evaluation {
        let monitor = self.direction == Direction::Monitor || self.target == TargetKind::Monitor;
        if !monitor && let Err(why) = self.check() {
            return no_data(None, None, why);
        }

        let Some(actual) = actual.filter(|o| o.months > 0) else {
            return no_data(None, None, NoStatus::NoCurrent);
        };
        let Some(a) = self.figure(actual) else {
            return no_data(
                None,
                None,
                NoStatus::InvalidCurrent {
                    value: actual.value,
                    value_kind: self.value_kind,
                },
            );
        };
        let interval = match self.value_kind {
            ValueKind::Count => Some(poisson_interval(a.value as u64, CONFIDENCE)),
            ValueKind::Level => None,
        };

        // The comparison: needed by percentage and year-on-year targets,
        // shown beside the others when it covers the same months.
        let needs = !monitor && self.target.needs_comparison();
        let mut left_out = None;
        let comp = match comparison.filter(|o| o.months > 0) {
            None if needs => return no_data(Some(a.value), interval, NoStatus::NoComparison),
            None => None,
            Some(c) if c.months != a.months => {
                let (current, comparison) = (a.months, c.months);
                if needs {
                    return no_data(
                        Some(a.value),
                        interval,
                        NoStatus::DifferentMonths {
                            current,
                            comparison,
                        },
                    );
                }
                left_out = Some(LeftOut::DifferentMonths {
                    current,
                    comparison,
                });
                None
            }
            Some(c) => match self.figure(c) {
                Some(f) => Some(f),
                None => {
                    let (value, kind) = (c.value, self.value_kind);
                    if needs {
                        return no_data(
                            Some(a.value),
                            interval,
                            NoStatus::InvalidComparison {
                                value,
                                value_kind: kind,
                            },
                        );
                    }
                    left_out = Some(LeftOut::Invalid {
                        value,
                        value_kind: kind,
                    });
                    None
                }
            },
        };

        // Counts: change and significance of actual against comparison.
        let tested = match (self.value_kind, comp) {
            (ValueKind::Count, Some(c)) => {
                let (prev, cur) = (c.value as u64, a.value as u64);
                let (significance, p) = compare_counts(prev, cur);
                Some((Change::between(prev, cur), significance, p))
            }
            _ => None,
        };

        let scope = match (coverage, comp) {
            (Some(_), _) => Scope::Covered,
            (None, Some(c)) if !(a.complete && c.complete) => {
                Scope::BothPartial { months: a.months }
            }
            (None, None) if !a.complete => Scope::CurrentPartial { months: a.months },
            _ => Scope::Whole,
        };

        let mut eval = Evaluation {
            status: Status::Monitoring,
            target: None,
            actual: Some(a.value),
            comparison: comp.map(|c| c.value),
            change: tested.map(|t| t.0),
            interval,
            significance: tested.map_or(Significance::NotTested, |t| t.1),
            finding: Finding::Monitored {
                value_kind: self.value_kind,
                p_value: tested.map(|t| t.2),
                scope,
                left_out,
            },
            coverage: None,
        };

        if monitor {
            return eval;
        }

        // Too few months for a status: the figures stand, the verdict does
        // not.
        if let Some(coverage) = coverage
            && !coverage.is_enough(self.min_coverage)
        {
            eval.status = Status::Incomplete;
            eval.finding = Finding::Incomplete {
                months_needed: coverage.months_needed(self.min_coverage),
            };
            return eval;
        }

        let better = if self.direction == Direction::Lower {
            Better::Lower
        } else {
            Better::Higher
        };
        let c = comp.map(|c| c.value);
        let judged = match self.value_kind {
            ValueKind::Count => {
                let iv = interval.unwrap_or((0.0, f64::INFINITY));
                self.judge_count(better, a.value, c, iv)
            }
            ValueKind::Level => self.judge_level(better, a.value, c),
        };
        let (aim, verdict) = match judged {
            Ok(j) => j,
            Err(why) => return no_data(Some(a.value), interval, why),
        };
        eval.status = verdict.status();
        eval.target = Some(aim.target);
        eval.finding = Finding::Judged {
            value_kind: self.value_kind,
            better,
            against: aim.against,
            verdict,
            scope,
            left_out,
        };
        eval
    }

    /// Whether the rule's numbers are usable.
    fn check(&self) -> Result<(), NoStatus> {
        match self.target {
            TargetKind::ReduceBy { percent } if !(0.0..=100.0).contains(&percent) => {
                Err(NoStatus::ReducePercent { percent })
            }
            TargetKind::IncreaseBy { percent } if !(percent.is_finite() && percent >= 0.0) => {
                Err(NoStatus::IncreasePercent { percent })
            }
            TargetKind::ReachLevel { level } if !level.is_finite() => {
                Err(NoStatus::TargetLevel { level })
            }
            _ if !is_valid_min_coverage(self.min_coverage) => Err(NoStatus::MinCoverage {
                share: self.min_coverage,
            }),
            _ if self.value_kind == ValueKind::Level
                && !(self.tolerance.is_finite() && self.tolerance >= 0.0) =>
            {
                Err(NoStatus::Tolerance {
                    tolerance: self.tolerance,
                })
            }
            _ => Ok(()),
        }
    }

    /// The observation as a validated figure, or `None` if its value is not
    /// a valid count or level.
    fn figure(&self, o: Observation) -> Option<Figure> {
        let value = match self.value_kind {
            ValueKind::Count => {
                let v = o.value.round();
                (v.is_finite() && (0.0..=MAX_COUNT).contains(&v)).then_some(v)?
            }
            ValueKind::Level => o.value.is_finite().then_some(o.value)?,
        };
        Some(Figure {
            value,
            months: o.months,
            complete: o.complete,
        })
    }

    /// The target worked out from the comparison `c` for a percentage
    /// target; `None` for the other kinds.
    fn percent_target(&self, c: f64) -> Option<Aim> {
        let (target, percent, up) = match self.target {
            TargetKind::ReduceBy { percent } => {
                (scale(c, 100.0 - percent).max(0.0), percent, false)
            }
            TargetKind::IncreaseBy { percent } => (scale(c, 100.0 + percent), percent, true),
            _ => return None,
        };
        Some(Aim {
            target,
            against: Against::Percent { percent, up },
        })
    }

    /// A count against its target: within chance is judged by whether the
    /// target lies inside the count's interval `(lo, hi)`.
    fn judge_count(
        &self,
        better: Better,
        a: f64,
        c: Option<f64>,
        (lo, hi): (f64, f64),
    ) -> Result<(Aim, Verdict), NoStatus> {
        let inside = |t: f64| lo <= t + slack(t) && t - slack(t) <= hi;
        let aim = match (self.target, c) {
            // A fixed number of events, such as "at least 20 referrals".
            (TargetKind::ReachLevel { level }, _) => Aim {
                target: level.max(0.0),
                against: Against::Level,
            },
            (TargetKind::YearOnYearReduction, Some(c)) => Aim {
                target: c,
                against: Against::PreviousYear,
            },
            (TargetKind::ImproveOnBaseline, Some(c)) => Aim {
                target: c,
                against: Against::Baseline,
            },
            (_, Some(c)) => self.percent_target(c).ok_or_else(impossible)?,
            (_, None) => return Err(impossible()),
        };
        let t = aim.target;
        let verdict = match aim.against {
            // Year on year from zero, lower is better: nothing can be
            // reduced, so holding at zero is the best outcome, and any rise
            // is certain, not chance.
            Against::PreviousYear | Against::Baseline if better == Better::Lower && t == 0.0 => {
                if a == 0.0 {
                    Verdict::NothingEither
                } else {
                    Verdict::RiseFromZero
                }
            }
            Against::PreviousYear | Against::Baseline if meets(better, a, t, true) => Verdict::Met,
            // A percentage of zero (a zero baseline, or a 100% reduction).
            Against::Percent { .. } if t == 0.0 => match better {
                Better::Lower if a == 0.0 => Verdict::StaysAtZero,
                Better::Lower => Verdict::AboveZeroTarget,
                Better::Higher => Verdict::MetByAnyCount,
            },
            Against::Level | Against::Percent { .. } if meets(better, a, t, false) => Verdict::Met,
            _ if inside(t) => Verdict::WithinChance,
            // A recorded event cannot be undone by chance.
            Against::Level | Against::Percent { .. }
                if better == Better::Lower && t == 0.0 && a > 0.0 =>
            {
                Verdict::AboveZeroTarget
            }
            _ => Verdict::BeyondChance,
        };
        Ok((aim, verdict))
    }

    /// A level against its target, with the tolerance band for a miss.
    fn judge_level(
        &self,
        better: Better,
        a: f64,
        c: Option<f64>,
    ) -> Result<(Aim, Verdict), NoStatus> {
        let tolerance = self.tolerance;
        let aim = match (self.target, c) {
            (TargetKind::ReachLevel { level }, _) => Aim {
                target: level,
                against: Against::Level,
            },
            (TargetKind::YearOnYearReduction, Some(c)) => Aim {
                target: c,
                against: Against::PreviousYear,
            },
            (TargetKind::ImproveOnBaseline, Some(c)) => Aim {
                target: c,
                against: Against::Baseline,
            },
            // A percentage of a negative score means nothing.
            (_, Some(c)) if c < 0.0 => return Err(NoStatus::NegativeBaseline { baseline: c }),
            (_, Some(c)) => self.percent_target(c).ok_or_else(impossible)?,
            (_, None) => return Err(impossible()),
        };
        let t = aim.target;
        let strict = aim.against.is_to_beat();
        if meets(better, a, t, strict) {
            return Ok((aim, Verdict::Met));
        }
        let gap = (a - t).abs();
        let verdict = if gap <= tolerance + slack(tolerance.max(t.abs())) {
            Verdict::WithinTolerance { gap, tolerance }
        } else {
            Verdict::BeyondTolerance { gap, tolerance }
        };
        Ok((aim, verdict))
    }
}

/// `c × hundredths / 100`, multiplying first so that whole targets come out
/// whole (40 × 95 / 100 = 38 exactly), unless that overflows.
fn scale(c: f64, hundredths: f64) -> f64 {
    let t = c * hundredths / 100.0;
    if t.is_finite() {
        t
    } else {
        c * (hundredths / 100.0)
    }
}

/// Reached only if the validation in `evaluate` is wrong; the caller then
/// reports no data rather than panicking in production.
fn impossible() -> NoStatus {
    debug_assert!(false, "measure rule reached an impossible state");
    NoStatus::Impossible
}

/// The rounding slack for comparisons near `t`.
fn slack(t: f64) -> f64 {
    1e-9 * t.abs().max(1.0)
}

/// Whether `a` meets target `t` on the `better` side; `strict` demands that
/// it beats it.
fn meets(better: Better, a: f64, t: f64, strict: bool) -> bool {
    let s = slack(t);
    match (better, strict) {
        (Better::Lower, false) => a <= t + s,
        (Better::Lower, true) => a < t - s,
        (Better::Higher, false) => a >= t - s,
        (Better::Higher, true) => a > t + s,
    }
}

fn no_data(actual: Option<f64>, interval: Option<(f64, f64)>, why: NoStatus) -> Evaluation {
    Evaluation {
        status: Status::NoData,
        target: None,
        actual,
        comparison: None,
        change: None,
        interval,
        significance: Significance::NotTested,
        finding: Finding::NoStatus { why },
        coverage: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rule(direction: Direction, target: TargetKind, value_kind: ValueKind) -> MeasureRule {
        MeasureRule {
            direction,
            target,
            value_kind,
            tolerance: default_tolerance(),
            min_coverage: crate::DEFAULT_MIN_COVERAGE,
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

    use crate::{Against, Better, Finding, LeftOut, NoStatus, Scope, Verdict};

    /// A judged finding over the whole period, with nothing left out.
    fn judged(kind: ValueKind, better: Better, against: Against, verdict: Verdict) -> Finding {
        Finding::Judged {
            value_kind: kind,
            better,
            against,
            verdict,
            scope: Scope::Whole,
            left_out: None,
        }
    }

    fn verdict(e: &Evaluation) -> Option<Verdict> {
        match &e.finding {
            Finding::Judged { verdict, .. } => Some(*verdict),
            _ => None,
        }
    }

    fn against(e: &Evaluation) -> Option<Against> {
        match &e.finding {
            Finding::Judged { against, .. } => Some(*against),
            _ => None,
        }
    }

    fn scope(e: &Evaluation) -> Option<Scope> {
        match &e.finding {
            Finding::Judged { scope, .. } | Finding::Monitored { scope, .. } => Some(*scope),
            _ => None,
        }
    }

    fn left_out(e: &Evaluation) -> Option<LeftOut> {
        match &e.finding {
            Finding::Judged { left_out, .. } | Finding::Monitored { left_out, .. } => *left_out,
            _ => None,
        }
    }

    fn why(e: &Evaluation) -> Option<&NoStatus> {
        match &e.finding {
            Finding::NoStatus { why } => Some(why),
            _ => None,
        }
    }

    fn near(x: Option<(f64, f64)>, lo: f64, hi: f64) -> bool {
        x.is_some_and(|(a, b)| (a - lo).abs() < 0.05 && (b - hi).abs() < 0.05)
    }

    const PERCENT5_DOWN: Against = Against::Percent {
        percent: 5.0,
        up: false,
    };
    const PERCENT5_UP: Against = Against::Percent {
        percent: 5.0,
        up: true,
    };

    /// Evaluates complete six-month figures.
    fn ytd(r: MeasureRule, comparison: f64, actual: f64) -> Evaluation {
        r.evaluate(
            Some(Observation::complete(comparison, 6)),
            Some(Observation::complete(actual, 6)),
        )
    }

    // --- Labels and serde names ------------------------------------------

    #[test]
    fn labels() {
        assert_eq!(Status::OnTrack.label(), "On track");
        assert_eq!(Status::AtRisk.label(), "At risk");
        assert_eq!(Status::OffTrack.label(), "Off track");
        assert_eq!(Status::NoData.label(), "No data");
        assert_eq!(Status::Monitoring.label(), "Monitoring");
        assert_eq!(Status::Incomplete.label(), "Incomplete");
        assert_eq!(
            Significance::SignificantIncrease.label(),
            "Significant increase"
        );
        assert_eq!(
            Significance::SignificantDecrease.label(),
            "Significant decrease"
        );
        assert_eq!(
            Significance::NoSignificantChange.label(),
            "No significant change"
        );
        assert_eq!(Significance::NotTested.label(), "Not tested");
    }

    #[test]
    fn serde_names_are_snake_case() {
        use serde::de::IntoDeserializer;
        use serde::de::value::{Error, StrDeserializer};
        let de = |s: &'static str| -> StrDeserializer<'static, Error> { s.into_deserializer() };
        assert_eq!(Direction::deserialize(de("lower")), Ok(Direction::Lower));
        assert_eq!(Direction::deserialize(de("higher")), Ok(Direction::Higher));
        assert_eq!(
            Direction::deserialize(de("monitor")),
            Ok(Direction::Monitor)
        );
        assert_eq!(ValueKind::deserialize(de("count")), Ok(ValueKind::Count));
        assert_eq!(ValueKind::deserialize(de("level")), Ok(ValueKind::Level));
        assert_eq!(Status::deserialize(de("on_track")), Ok(Status::OnTrack));
        assert_eq!(Status::deserialize(de("no_data")), Ok(Status::NoData));
        assert_eq!(
            Status::deserialize(de("incomplete")),
            Ok(Status::Incomplete)
        );
        assert_eq!(
            Significance::deserialize(de("significant_increase")),
            Ok(Significance::SignificantIncrease)
        );
        assert!(Direction::deserialize(de("Lower")).is_err());
    }

    #[test]
    fn findings_are_data_with_kind_tags() {
        use serde::de::IntoDeserializer;
        use serde::de::value::{Error, MapDeserializer};
        // A finding reads back from its parts, tagged by kind.
        let parts = |kvs: Vec<(&'static str, &'static str)>| {
            MapDeserializer::<_, Error>::new(
                kvs.into_iter()
                    .map(|(k, v)| (k.into_deserializer(), v.into_deserializer())),
            )
        };
        assert_eq!(
            NoStatus::deserialize(parts(vec![("kind", "no_current")])),
            Ok(NoStatus::NoCurrent)
        );
        assert_eq!(
            NoStatus::deserialize(parts(vec![
                ("kind", "case_records"),
                ("record", "jag_referral")
            ])),
            Ok(NoStatus::CaseRecords {
                record: "jag_referral".into()
            })
        );
        assert_eq!(
            Scope::deserialize(parts(vec![("kind", "covered")])),
            Ok(Scope::Covered)
        );
        assert_eq!(
            Verdict::deserialize(parts(vec![("kind", "within_chance")])),
            Ok(Verdict::WithinChance)
        );
        assert_eq!(
            Against::deserialize(parts(vec![("kind", "previous_year")])),
            Ok(Against::PreviousYear)
        );
        assert!(Verdict::deserialize(parts(vec![("kind", "WithinChance")])).is_err());
    }

    #[test]
    fn a_review_reason_is_no_data_with_nothing_else() {
        for why in [
            NoStatus::NoPoliceUkData,
            NoStatus::NotACategory {
                category: "Burglary – residential".into(),
            },
            NoStatus::CaseRecords {
                record: "jag_referral".into(),
            },
            NoStatus::NeedsData {
                needs: "domestic-abuse flags".into(),
            },
        ] {
            let e = Evaluation::no_status(why.clone());
            assert_eq!(e.status, Status::NoData);
            assert_eq!(e.finding, Finding::NoStatus { why });
            assert_eq!((e.target, e.actual, e.comparison), (None, None, None));
            assert_eq!((e.change, e.interval, &e.coverage), (None, None, &None));
            assert_eq!(e.significance, Significance::NotTested);
            // The same as a rule with no figures at all, but for why.
            let mut none = count(Direction::Lower, REDUCE5).evaluate(None, None);
            none.finding = e.finding.clone();
            assert_eq!(none, e);
        }
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
            e.finding,
            judged(
                ValueKind::Count,
                Better::Lower,
                PERCENT5_DOWN,
                Verdict::WithinChance
            )
        );
        assert!(near(e.interval, 30.3, 56.8), "{:?}", e.interval);
    }

    #[test]
    fn reduce_by_lower_on_track_and_off_track() {
        let r = count(Direction::Lower, REDUCE5);
        let e = ytd(r, 40.0, 38.0);
        assert_eq!(e.status, Status::OnTrack, "{:?}", e.finding);
        assert_eq!(
            e.finding,
            judged(ValueKind::Count, Better::Lower, PERCENT5_DOWN, Verdict::Met)
        );
        assert_eq!(ytd(r, 40.0, 30.0).status, Status::OnTrack);
        let e = ytd(r, 40.0, 60.0);
        assert_eq!(e.status, Status::OffTrack);
        assert_eq!(verdict(&e), Some(Verdict::BeyondChance));
        assert_eq!(e.significance, Significance::NoSignificantChange);
        // Large counts: a 2% rise on 1,000 is already off track.
        let e = ytd(r, 1000.0, 1020.0);
        assert_eq!(e.status, Status::OffTrack, "{:?}", e.finding);
        assert_eq!(e.target, Some(950.0));
        assert_eq!(e.actual, Some(1020.0));
    }

    #[test]
    fn reduce_by_higher_mirrors() {
        // An odd but legal rule: no more than a 5% fall.
        let r = count(Direction::Higher, REDUCE5);
        assert_eq!(ytd(r, 40.0, 38.0).status, Status::OnTrack);
        assert_eq!(ytd(r, 40.0, 35.0).status, Status::AtRisk);
        assert_eq!(ytd(r, 40.0, 20.0).status, Status::OffTrack);
    }

    #[test]
    fn an_improvement_on_the_baseline_must_beat_it() {
        let up = count(Direction::Higher, TargetKind::ImproveOnBaseline);
        let c = Some(Observation::complete(100.0, 12));
        let e = up.evaluate(c, Some(Observation::complete(101.0, 12)));
        assert_eq!((e.status, e.target), (Status::OnTrack, Some(100.0)));
        assert_eq!(against(&e), Some(Against::Baseline));
        // Equal is no increase: within chance, so at risk.
        let e = up.evaluate(c, Some(Observation::complete(100.0, 12)));
        assert_eq!(e.status, Status::AtRisk);
        let e = up.evaluate(c, Some(Observation::complete(60.0, 12)));
        assert_eq!(e.status, Status::OffTrack);
        // A reduction on the baseline, mirrored.
        let down = count(Direction::Lower, TargetKind::ImproveOnBaseline);
        assert_eq!(
            down.evaluate(c, Some(Observation::complete(99.0, 12)))
                .status,
            Status::OnTrack
        );
        assert_eq!(
            down.evaluate(c, Some(Observation::complete(100.0, 12)))
                .status,
            Status::AtRisk
        );
        // It needs the baseline's figure over the same months.
        assert_eq!(
            up.evaluate(None, Some(Observation::complete(5.0, 12)))
                .status,
            Status::NoData
        );
        // Levels: beaten, or within the tolerance.
        let lv = level(Direction::Higher, TargetKind::ImproveOnBaseline);
        let base = Some(Observation::complete(80.0, 3));
        assert_eq!(
            lv.evaluate(base, Some(Observation::complete(80.5, 3)))
                .status,
            Status::OnTrack
        );
        assert_eq!(
            lv.evaluate(base, Some(Observation::complete(80.0, 3)))
                .status,
            Status::AtRisk
        );
        assert_eq!(
            lv.evaluate(base, Some(Observation::complete(70.0, 3)))
                .status,
            Status::OffTrack
        );
    }

    #[test]
    fn reduce_by_zero_baseline() {
        let r = count(Direction::Lower, REDUCE5);
        let e = ytd(r, 0.0, 0.0);
        assert_eq!(e.status, Status::OnTrack);
        assert_eq!(e.target, Some(0.0));
        assert_eq!(verdict(&e), Some(Verdict::StaysAtZero));
        assert_eq!(
            (against(&e), e.comparison),
            (Some(PERCENT5_DOWN), Some(0.0))
        );
        let e = ytd(r, 0.0, 1.0);
        assert_eq!(e.status, Status::OffTrack);
        assert_eq!(verdict(&e), Some(Verdict::AboveZeroTarget));
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
        assert_eq!(e.status, Status::OffTrack, "{:?}", e.finding);
        assert_eq!(e.interval.unwrap().0, 0.0);
        assert_eq!(e.significance, Significance::SignificantDecrease);
        let e = ytd(count(Direction::Higher, INCREASE5), 2.0, 0.0);
        assert_eq!(e.status, Status::AtRisk, "{:?}", e.finding);
    }

    // --- Counts: increase by ----------------------------------------------

    #[test]
    fn increase_by_higher() {
        let r = count(Direction::Higher, INCREASE5);
        let e = ytd(r, 40.0, 42.0);
        assert_eq!(e.status, Status::OnTrack);
        assert_eq!(e.target, Some(42.0));
        assert_eq!((against(&e), e.comparison), (Some(PERCENT5_UP), Some(40.0)));
        let e = ytd(r, 40.0, 38.0);
        assert_eq!(e.status, Status::AtRisk);
        let e = ytd(r, 40.0, 20.0);
        assert_eq!(e.status, Status::OffTrack);
        assert_eq!(e.significance, Significance::SignificantDecrease);
    }

    #[test]
    fn increase_by_lower_is_a_cap() {
        let r = count(Direction::Lower, INCREASE5);
        assert_eq!(ytd(r, 40.0, 42.0).status, Status::OnTrack);
        assert_eq!(ytd(r, 40.0, 50.0).status, Status::AtRisk);
        assert_eq!(ytd(r, 40.0, 80.0).status, Status::OffTrack);
    }

    #[test]
    fn increase_by_zero_baseline_is_met_by_any_count() {
        let r = count(Direction::Higher, INCREASE5);
        for a in [0.0, 1.0, 7.0] {
            let e = ytd(r, 0.0, a);
            assert_eq!(e.status, Status::OnTrack);
            assert_eq!(e.target, Some(0.0));
            assert_eq!(
                e.finding,
                judged(
                    ValueKind::Count,
                    Better::Higher,
                    PERCENT5_UP,
                    Verdict::MetByAnyCount
                )
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
            e.finding,
            judged(
                ValueKind::Count,
                Better::Lower,
                Against::PreviousYear,
                Verdict::Met
            )
        );
        // Equal is not a reduction, but it is within chance.
        let e = ytd(r, 40.0, 40.0);
        assert_eq!(e.status, Status::AtRisk);
        assert_eq!(
            (against(&e), verdict(&e)),
            (Some(Against::PreviousYear), Some(Verdict::WithinChance))
        );
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
        assert_eq!(
            e.finding,
            judged(
                ValueKind::Count,
                Better::Higher,
                Against::PreviousYear,
                Verdict::Met
            )
        );
        assert_eq!(ytd(r, 40.0, 40.0).status, Status::AtRisk);
        assert_eq!(ytd(r, 40.0, 10.0).status, Status::OffTrack);
    }

    #[test]
    fn year_on_year_zero_cases() {
        let r = count(Direction::Lower, YOY);
        let e = ytd(r, 0.0, 0.0);
        assert_eq!(e.status, Status::OnTrack);
        assert_eq!(verdict(&e), Some(Verdict::NothingEither));
        assert_eq!(e.significance, Significance::NotTested);
        let e = ytd(r, 0.0, 2.0);
        assert_eq!(e.status, Status::OffTrack);
        assert_eq!(verdict(&e), Some(Verdict::RiseFromZero));
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
        assert_eq!(
            e.finding,
            judged(
                ValueKind::Count,
                Better::Lower,
                Against::Level,
                Verdict::AboveZeroTarget
            )
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
            e.finding,
            judged(
                ValueKind::Level,
                Better::Higher,
                Against::Level,
                Verdict::WithinTolerance {
                    gap: 2.5,
                    tolerance: 5.0
                }
            )
        );
        assert_eq!(at(85.0).status, Status::AtRisk);
        let e = at(80.0);
        assert_eq!(e.status, Status::OffTrack);
        assert!(
            matches!(verdict(&e), Some(Verdict::BeyondTolerance { gap, tolerance: 5.0 }) if gap == 10.0),
            "{:?}",
            e.finding
        );
    }

    #[test]
    fn reach_level_lower() {
        let r = level(Direction::Lower, TargetKind::ReachLevel { level: 10.0 });
        let at = |v: f64| r.evaluate(None, Some(Observation::complete(v, 12))).status;
        assert_eq!(at(9.0), Status::OnTrack);
        assert_eq!(at(10.0), Status::OnTrack);
        assert_eq!(at(14.0), Status::AtRisk);
        assert_eq!(at(15.5), Status::OffTrack);
    }

    #[test]
    fn reach_level_tolerance_is_configurable() {
        let mut r = level(Direction::Higher, TargetKind::ReachLevel { level: 90.0 });
        r.tolerance = 0.0;
        let at = |r: MeasureRule, v: f64| r.evaluate(None, Some(Observation::complete(v, 12)));
        assert_eq!(at(r, 89.9).status, Status::OffTrack);
        r.tolerance = 10.0;
        assert_eq!(at(r, 80.0).status, Status::AtRisk);
        r.tolerance = -1.0;
        assert_eq!(at(r, 95.0).status, Status::NoData);
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
        assert_eq!(e.status, Status::OnTrack, "{:?}", e.finding);
        assert_eq!(ytd(r, 80.0, 80.0).status, Status::AtRisk);
        assert_eq!(ytd(r, 80.0, 78.0).status, Status::OffTrack);

        let r = level(Direction::Higher, REDUCE5);
        assert_eq!(ytd(r, 40.0, 38.0).status, Status::OnTrack);
        let r = level(Direction::Lower, INCREASE5);
        assert_eq!(ytd(r, 40.0, 42.0).status, Status::OnTrack);

        // A percentage of a negative score means nothing.
        let e = ytd(level(Direction::Lower, REDUCE5), -10.0, -12.0);
        assert_eq!(e.status, Status::NoData);
        assert_eq!(
            why(&e),
            Some(&NoStatus::NegativeBaseline { baseline: -10.0 })
        );
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
        assert_eq!(
            e.finding,
            judged(
                ValueKind::Level,
                Better::Lower,
                Against::PreviousYear,
                Verdict::Met
            )
        );
        let e = ytd(r, 20.0, 20.0);
        assert_eq!(e.status, Status::AtRisk);
        assert_eq!(
            verdict(&e),
            Some(Verdict::WithinTolerance {
                gap: 0.0,
                tolerance: 5.0
            })
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
            assert!(
                matches!(
                    e.finding,
                    Finding::Monitored {
                        value_kind: ValueKind::Count,
                        p_value: Some(p),
                        scope: Scope::Whole,
                        left_out: None,
                    } if p < 0.05
                ),
                "{:?}",
                e.finding
            );
            assert_eq!(e.change.unwrap().percent, Some(100.0));
        }
        let r = count(Direction::Monitor, TargetKind::Monitor);
        let e = r.evaluate(None, Some(Observation::complete(10.0, 3)));
        assert_eq!(e.status, Status::Monitoring);
        assert_eq!(
            e.finding,
            Finding::Monitored {
                value_kind: ValueKind::Count,
                p_value: None,
                scope: Scope::Whole,
                left_out: None,
            }
        );
        assert!(near(e.interval, 4.8, 18.4), "{:?}", e.interval);
        let e = ytd(r, 0.0, 3.0);
        assert_eq!(e.change, Some(Change::between(0, 3)));
        assert_eq!(e.change.unwrap().percent, None);
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
        assert_eq!(why(&e), Some(&NoStatus::NoCurrent));
        assert_eq!(e.target, None);

        let e = r.evaluate(None, Some(Observation::complete(40.0, 6)));
        assert_eq!(e.status, Status::NoData);
        assert_eq!(why(&e), Some(&NoStatus::NoComparison));
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
            assert!(
                matches!(
                    why(&e),
                    Some(NoStatus::InvalidCurrent {
                        value_kind: ValueKind::Count,
                        ..
                    })
                ),
                "{:?}",
                e.finding
            );
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
            why(&e),
            Some(&NoStatus::DifferentMonths {
                current: 11,
                comparison: 12
            })
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
        assert_eq!(
            left_out(&e),
            Some(LeftOut::DifferentMonths {
                current: 6,
                comparison: 12
            })
        );
        // And a monitor-only count keeps its interval but shows no change.
        let r = count(Direction::Monitor, TargetKind::Monitor);
        let e = r.evaluate(
            Some(Observation::complete(40.0, 12)),
            Some(Observation::complete(30.0, 11)),
        );
        assert_eq!(e.status, Status::Monitoring);
        assert_eq!(e.change, None);
        assert!(e.interval.is_some());
        assert_eq!(
            left_out(&e),
            Some(LeftOut::DifferentMonths {
                current: 11,
                comparison: 12
            })
        );
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
            e.finding,
            Finding::Judged {
                value_kind: ValueKind::Count,
                better: Better::Lower,
                against: PERCENT5_DOWN,
                verdict: Verdict::Met,
                scope: Scope::BothPartial { months: 5 },
                left_out: None,
            }
        );
        let e = r.evaluate(
            Some(Observation::complete(40.0, 5)),
            Some(Observation::incomplete(36.0, 5)),
        );
        assert_eq!(e.status, Status::OnTrack);
        assert_eq!(scope(&e), Some(Scope::BothPartial { months: 5 }));
        let r = level(Direction::Higher, TargetKind::ReachLevel { level: 90.0 });
        let e = r.evaluate(None, Some(Observation::incomplete(91.0, 1)));
        assert_eq!(scope(&e), Some(Scope::CurrentPartial { months: 1 }));
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
            assert!(
                matches!(
                    why(&e),
                    Some(
                        NoStatus::ReducePercent { .. }
                            | NoStatus::IncreasePercent { .. }
                            | NoStatus::TargetLevel { .. }
                    )
                ),
                "{:?}",
                e.finding
            );
        }
    }

    #[test]
    fn counts_are_rounded() {
        let e = ytd(count(Direction::Lower, REDUCE5), 39.6, 41.7);
        assert_eq!(e.actual, Some(42.0));
        assert_eq!(e.comparison, Some(40.0));
        assert_eq!(e.target, Some(38.0));
    }

    // --- Coverage: no year judged on part of a year ----------------------

    fn mon(s: &str) -> crate::Month {
        s.parse().unwrap()
    }

    fn year(first: &str) -> crate::Period {
        let first = mon(first);
        crate::Period::new(first, first.plus(11)).unwrap()
    }

    /// police.uk as held for Charnwood: January 2022 onwards, December 2022
    /// missing.
    fn charnwood_held(m: crate::Month) -> bool {
        m >= mon("2022-01") && m != mon("2022-12")
    }

    #[test]
    fn a_year_compared_on_three_months_is_incomplete() {
        let (pairs, coverage) = crate::month_coverage(year("2022-04"), 1, charnwood_held);
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
        assert_eq!(e.finding, Finding::Incomplete { months_needed: 9 });
        assert_eq!(e.coverage, Some(coverage));
    }

    #[test]
    fn a_year_with_a_month_left_out_says_so() {
        let (pairs, coverage) = crate::month_coverage(year("2023-04"), 1, charnwood_held);
        assert_eq!(pairs.len(), 11);
        let r = count(Direction::Lower, YOY);
        let e = r.evaluate_with_coverage(
            Some(Observation::complete(40.0, 11)),
            Some(Observation::complete(39.0, 11)),
            coverage,
        );
        assert_eq!(e.status, Status::OnTrack);
        assert_eq!(
            e.finding,
            Finding::Judged {
                value_kind: ValueKind::Count,
                better: Better::Lower,
                against: Against::PreviousYear,
                verdict: Verdict::Met,
                scope: Scope::Covered,
                left_out: None,
            }
        );
        let c = e.coverage.as_ref().unwrap();
        assert_eq!(
            (c.months_compared, c.not_held()),
            (11, vec!["2022-12".into()])
        );
        // Several gaps, and months missing from the current year alone.
        let held =
            |m: crate::Month| charnwood_held(m) && m != mon("2023-06") && m != mon("2023-07");
        let (_, coverage) = crate::month_coverage(year("2023-04"), 1, held);
        let e = r.evaluate_with_coverage(
            Some(Observation::complete(40.0, 9)),
            Some(Observation::complete(39.0, 9)),
            coverage,
        );
        assert_eq!(scope(&e), Some(Scope::Covered));
        let c = e.coverage.as_ref().unwrap();
        assert_eq!(c.months_compared, 9);
        assert_eq!(c.not_held(), ["2023-06", "2023-07", "2022-12"]);
        // Figures not compared with another year.
        let r = count(Direction::Higher, TargetKind::ReachLevel { level: 20.0 });
        let (_, coverage) = crate::month_coverage_alone(year("2022-04"), charnwood_held);
        let e = r.evaluate_with_coverage(None, Some(Observation::complete(25.0, 11)), coverage);
        assert_eq!(e.status, Status::OnTrack);
        assert_eq!(
            e.finding,
            Finding::Judged {
                value_kind: ValueKind::Count,
                better: Better::Higher,
                against: Against::Level,
                verdict: Verdict::Met,
                scope: Scope::Covered,
                left_out: None,
            }
        );
        let c = e.coverage.as_ref().unwrap();
        assert_eq!(
            (c.months_compared, c.not_held()),
            (11, vec!["2022-12".into()])
        );
        assert!(c.missing.iter().all(|g| g.comparison.is_none()));
    }

    #[test]
    fn the_minimum_at_each_quarter() {
        let r = count(Direction::Lower, REDUCE5);
        for (quarter, needed) in [(1, 3), (2, 5), (3, 7), (4, 9)] {
            let claimed = 3 * quarter;
            let last = mon("2023-04").plus(claimed as i32 - 1);
            let period = crate::Period::new(mon("2023-04"), last).unwrap();
            for compared in 0..=claimed {
                // The last months of the year to date are not held this year.
                let held = |m: crate::Month| m < mon("2023-04").plus(compared as i32);
                let (_, coverage) =
                    crate::month_coverage(period, 1, |m| m < mon("2023-04") || held(m));
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
                    assert_eq!(
                        e.finding,
                        Finding::Incomplete {
                            months_needed: needed
                        }
                    );
                } else {
                    assert_eq!(e.status, Status::OnTrack, "Q{quarter}: {compared}");
                    assert_eq!(scope(&e), Some(Scope::Covered));
                    let c = e.coverage.as_ref().unwrap();
                    assert_eq!(
                        (c.months_compared, c.months_claimed, c.is_whole()),
                        (compared, claimed, compared == claimed)
                    );
                }
            }
        }
    }

    #[test]
    fn quarterly_figures_name_the_quarters() {
        let q = |s: &str| s.parse::<crate::Quarter>().unwrap();
        let r = level(Direction::Higher, TargetKind::ReachLevel { level: 90.0 });
        let held = |x: crate::Quarter| x != q("2023-Q2");
        let (_, coverage) = crate::quarter_coverage(q("2023-Q4"), Some(q("2022-Q1").year()), held);
        let e = r.evaluate_with_coverage(
            Some(Observation::complete(85.0, 9)),
            Some(Observation::complete(91.0, 9)),
            coverage,
        );
        assert_eq!(e.status, Status::OnTrack);
        assert_eq!(scope(&e), Some(Scope::Covered));
        let c = e.coverage.as_ref().unwrap();
        assert_eq!(c.unit, crate::CoverageUnit::Quarter);
        assert_eq!(
            (c.months_compared, c.not_held()),
            (9, vec!["2023/24-Q2".into()])
        );
        let held = |x: crate::Quarter| x != q("2023-Q2") && x != q("2022-Q3");
        let (_, coverage) = crate::quarter_coverage(q("2023-Q4"), Some(q("2022-Q1").year()), held);
        let e = r.evaluate_with_coverage(
            Some(Observation::complete(85.0, 6)),
            Some(Observation::complete(91.0, 6)),
            coverage,
        );
        assert_eq!(e.status, Status::Incomplete);
        assert_eq!(e.finding, Finding::Incomplete { months_needed: 9 });
        let c = e.coverage.as_ref().unwrap();
        assert_eq!(c.not_held(), ["2023/24-Q2", "2022/23-Q3"]);
    }

    #[test]
    fn coverage_rule_details() {
        let (_, short) = crate::month_coverage(year("2022-04"), 1, charnwood_held);
        let obs = |v: f64| Some(Observation::complete(v, 3));
        // A monitor-only measure stays Monitoring, and says what it compares.
        let e = count(Direction::Monitor, TargetKind::Monitor).evaluate_with_coverage(
            obs(30.0),
            obs(20.0),
            short.clone(),
        );
        assert_eq!(e.status, Status::Monitoring);
        assert_eq!(
            e.finding,
            Finding::Monitored {
                value_kind: ValueKind::Count,
                p_value: Some(compare_counts(30, 20).1),
                scope: Scope::Covered,
                left_out: None,
            }
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
                matches!(why(&e), Some(NoStatus::MinCoverage { .. })),
                "{:?}",
                e.finding
            );
        }
        // Whole coverage decides exactly as without it, and says it covered
        // the whole (the wording then has no opening).
        let r = count(Direction::Lower, REDUCE5);
        let whole = crate::Coverage::whole(crate::CoverageUnit::Month, 6);
        let with = r.evaluate_with_coverage(
            Some(Observation::complete(40.0, 6)),
            Some(Observation::complete(42.0, 6)),
            whole.clone(),
        );
        let without = ytd(r, 40.0, 42.0);
        assert_eq!(
            (with.status, with.target, verdict(&with), scope(&with)),
            (
                without.status,
                without.target,
                verdict(&without),
                Some(Scope::Covered)
            )
        );
        assert_eq!(scope(&without), Some(Scope::Whole));
        assert_eq!(with.coverage, Some(whole));
    }

    // --- Properties -------------------------------------------------------

    /// The finding is the kind its status calls for: no data has a reason
    /// for none, monitoring its figures, incomplete the months needed, and
    /// a RAG status the verdict that gives it.
    fn finding_agrees_with_status(e: &Evaluation) -> bool {
        match (&e.finding, e.status) {
            (Finding::NoStatus { .. }, Status::NoData) => true,
            (Finding::Monitored { .. }, Status::Monitoring) => true,
            (Finding::Incomplete { .. }, Status::Incomplete) => e.coverage.is_some(),
            (Finding::Judged { verdict, .. }, s) => verdict.status() == s && e.target.is_some(),
            _ => false,
        }
    }

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
            Just(TargetKind::ImproveOnBaseline),
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
        #[test]
        fn evaluate_never_panics(
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
                min_coverage: crate::DEFAULT_MIN_COVERAGE,
            };
            let e = r.evaluate(comparison, actual);
            prop_assert!(finding_agrees_with_status(&e), "{:?}", e);
            let monitor = direction == Direction::Monitor || target == TargetKind::Monitor;
            if e.status == Status::Monitoring {
                prop_assert!(monitor);
                prop_assert_eq!(e.target, None);
            }
            if monitor {
                prop_assert!(matches!(e.status, Status::Monitoring | Status::NoData));
            }
            if e.status == Status::NoData {
                prop_assert_eq!(e.target, None);
            }
            if actual.is_none() {
                prop_assert_eq!(e.status, Status::NoData);
            }
            if let (Some(c), Some(a)) = (comparison, actual)
                && c.months != a.months
            {
                prop_assert_eq!(e.comparison, None);
            }
            if kind == ValueKind::Level {
                prop_assert_eq!(e.interval, None);
                prop_assert_eq!(e.significance, Significance::NotTested);
            }
        }

        #[test]
        fn no_status_on_too_few_months(
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
            let period = crate::Period::new(first, first.plus(3 * quarter as i32 - 1)).unwrap();
            let held = |m: crate::Month| {
                m < first || mask & (1 << (m.ordinal() - first.ordinal())) != 0
            };
            let (pairs, coverage) = crate::month_coverage(period, 1, held);
            let n = pairs.len() as u32;
            let needed = coverage.months_needed(share);
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
            prop_assert!(finding_agrees_with_status(&e), "{:?}", e);
            prop_assert_eq!(e.coverage.as_ref(), Some(&coverage));
            match e.status {
                Status::Incomplete => {
                    prop_assert_eq!(e.target, None);
                    prop_assert!(n < needed);
                    prop_assert_eq!(&e.finding, &Finding::Incomplete { months_needed: needed });
                }
                Status::NoData | Status::Monitoring => {}
                _ => {
                    prop_assert!(n >= needed, "{} of {}: {:?}", n, needed, e.finding);
                    prop_assert!(e.target.is_some());
                    prop_assert_eq!(scope(&e), Some(Scope::Covered));
                }
            }
        }

        #[test]
        fn count_status_agrees_with_the_target(
            direction in prop_oneof![Just(Direction::Lower), Just(Direction::Higher)],
            percent in 0.0..=100.0f64,
            increase in any::<bool>(),
            comparison in 0u64..500,
            actual in 0u64..500,
        ) {
            let target = if increase {
                TargetKind::IncreaseBy { percent }
            } else {
                TargetKind::ReduceBy { percent }
            };
            let e = ytd(count(direction, target), comparison as f64, actual as f64);
            let t = e.target.unwrap();
            let a = actual as f64;
            let met = match direction {
                Direction::Lower => a <= t + slack(t),
                _ => a >= t - slack(t),
            };
            prop_assert_eq!(e.status == Status::OnTrack, met, "{:?}", e.finding);
            if e.status == Status::AtRisk {
                let (lo, hi) = e.interval.unwrap();
                prop_assert!(lo <= t + slack(t) && t - slack(t) <= hi);
            }
        }
    }
}
