//! Measures: targets, status (RAG) and statistical confidence.
//!
//! A measure in a partnership plan has a [`Direction`] (lower is better,
//! higher is better, or monitor only), a [`TargetKind`] (for example "reduce
//! by 5% on the 2022/23 baseline") and a [`ValueKind`] (event counts, or a
//! level such as a survey percentage). Performance is reviewed year to date
//! against the *same months* of the comparison year, never against the
//! full-year figure. [`MeasureRule::evaluate`] turns the two figures into a
//! [`Status`] with a plain-English reason, and says beside it whether the
//! change is statistically meaningful ([`Significance`]), because small counts
//! flip a RAG status by chance.
//!
//! The rules are written out in full on [`MeasureRule::evaluate`] and, for
//! officers and analysts, in `docs/design/measure-status.md`.
//!
//! Everything here is pure arithmetic: no IO, no clock, no randomness.

use serde::{Deserialize, Deserializer, Serialize};

use crate::Change;

/// The confidence of the intervals shown beside a status.
const CONFIDENCE: f64 = 0.95;
/// The significance level of [`compare_counts`].
const ALPHA: f64 = 0.05;
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
    /// One plain-English sentence saying why this status, with the numbers.
    pub reason: String,
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

/// The better side of a target, once monitor-only measures are set aside.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Better {
    Lower,
    Higher,
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
    ///    comparison is left out and the reason says so.
    /// 4. When either figure is incomplete but both cover the same number
    ///    of months, the status is worked out and the reason opens by saying
    ///    only those months are compared.
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
        let monitor = self.direction == Direction::Monitor || self.target == TargetKind::Monitor;
        if !monitor && let Err(why) = self.check() {
            return no_data(None, None, why);
        }

        let Some(actual) = actual.filter(|o| o.months > 0) else {
            return no_data(
                None,
                None,
                "No figure for the current period yet, so no status".to_owned(),
            );
        };
        let Some(a) = self.figure(actual) else {
            return no_data(
                None,
                None,
                format!(
                    "The current figure ({:?}) is not a valid {}, so no status",
                    actual.value,
                    self.kind_word()
                ),
            );
        };
        let interval = match self.value_kind {
            ValueKind::Count => Some(poisson_interval(a.value as u64, CONFIDENCE)),
            ValueKind::Level => None,
        };

        let needs = !monitor && self.target.needs_comparison();
        let mut left_out = None;
        let comp = match comparison.filter(|o| o.months > 0) {
            None if needs => {
                return no_data(
                    Some(a.value),
                    interval,
                    "No figure for the same months of the comparison period, so the target \
                     cannot be worked out and there is no status"
                        .to_owned(),
                );
            }
            None => None,
            Some(c) if c.months != a.months => {
                let why = format!(
                    "the current figure covers {} but the comparison figure covers {}",
                    months_word(a.months),
                    months_word(c.months)
                );
                if needs {
                    return no_data(
                        Some(a.value),
                        interval,
                        format!(
                            "No status: {why}, and figures over different numbers of months \
                             are never compared"
                        ),
                    );
                }
                left_out = Some(format!("; the comparison figure is left out because {why}"));
                None
            }
            Some(c) => match self.figure(c) {
                Some(f) => Some(f),
                None if needs => {
                    return no_data(
                        Some(a.value),
                        interval,
                        format!(
                            "The comparison figure ({:?}) is not a valid {}, so no status",
                            c.value,
                            self.kind_word()
                        ),
                    );
                }
                None => {
                    left_out = Some(format!(
                        "; the comparison figure ({:?}) is left out because it is not a valid {}",
                        c.value,
                        self.kind_word()
                    ));
                    None
                }
            },
        };

        // Counts: change and significance of actual against comparison.
        let (change, significance) = match (self.value_kind, comp) {
            (ValueKind::Count, Some(c)) => {
                let (prev, cur) = (c.value as u64, a.value as u64);
                (
                    Some(Change::between(prev, cur)),
                    compare_counts(prev, cur).0,
                )
            }
            _ => (None, Significance::NotTested),
        };

        let prefix = match comp {
            Some(c) if !(a.complete && c.complete) => format!(
                "Comparing only the {} held in both periods (some months are missing): ",
                months_word(a.months)
            ),
            None if !a.complete => format!(
                "Over only the {} held (some months are missing): ",
                months_word(a.months)
            ),
            _ => String::new(),
        };
        let finish = |body: String| format!("{prefix}{body}{}.", left_out.as_deref().unwrap_or(""));

        let mut eval = Evaluation {
            status: Status::Monitoring,
            target: None,
            actual: Some(a.value),
            comparison: comp.map(|c| c.value),
            change,
            interval,
            significance,
            reason: String::new(),
        };

        if monitor {
            eval.reason = finish(self.monitor_reason(a.value, comp.map(|c| c.value), interval));
            return eval;
        }

        let better = if self.direction == Direction::Lower {
            Better::Lower
        } else {
            Better::Higher
        };
        let c = comp.map(|c| c.value);
        let (status, target, body) = match self.value_kind {
            ValueKind::Count => {
                let iv = interval.unwrap_or((0.0, f64::INFINITY));
                self.judge_count(better, a.value, c, iv)
            }
            ValueKind::Level => self.judge_level(better, a.value, c),
        };
        if status == Status::NoData {
            return no_data(Some(a.value), interval, format!("{body}."));
        }
        eval.status = status;
        eval.target = Some(target);
        eval.reason = finish(body);
        eval
    }

    /// Whether the rule's numbers are usable.
    fn check(&self) -> Result<(), String> {
        match self.target {
            TargetKind::ReduceBy { percent } if !(0.0..=100.0).contains(&percent) => Err(format!(
                "The target \"reduce by {percent}%\" is not usable (the percentage must be \
                 from 0 to 100), so no status"
            )),
            TargetKind::IncreaseBy { percent } if !(percent.is_finite() && percent >= 0.0) => {
                Err(format!(
                    "The target \"increase by {percent}%\" is not usable (the percentage must \
                     be a number of 0 or more), so no status"
                ))
            }
            TargetKind::ReachLevel { level } if !level.is_finite() => Err(format!(
                "The target level ({level}) is not a number, so no status"
            )),
            _ if self.value_kind == ValueKind::Level
                && !(self.tolerance.is_finite() && self.tolerance >= 0.0) =>
            {
                Err(format!(
                    "The tolerance ({}) is not a number of 0 or more, so no status",
                    self.tolerance
                ))
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

    fn kind_word(&self) -> &'static str {
        match self.value_kind {
            ValueKind::Count => "count",
            ValueKind::Level => "level",
        }
    }

    fn monitor_reason(&self, a: f64, c: Option<f64>, interval: Option<(f64, f64)>) -> String {
        let tail = "this measure is monitored without a target, so it has no RAG status";
        match (self.value_kind, c) {
            (ValueKind::Count, Some(c)) => {
                let change = Change::between(c as u64, a as u64);
                let pct = if change.percent.is_some() {
                    change.percent_label()
                } else if a > 0.0 {
                    "up from zero".to_owned()
                } else {
                    "no change".to_owned()
                };
                let (sig, p) = compare_counts(c as u64, a as u64);
                let sig = match sig {
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
                    "{} so far against {} in the same months of the comparison period ({pct}): \
                     {sig}; {tail}",
                    count_text(a),
                    count_text(c)
                )
            }
            (ValueKind::Count, None) => {
                let (lo, hi) = interval.unwrap_or((0.0, f64::INFINITY));
                format!(
                    "{} so far (95% interval {} to {}); {tail}",
                    count_text(a),
                    one_dp(lo),
                    one_dp(hi)
                )
            }
            (ValueKind::Level, Some(c)) => format!(
                "{} against {} in the same months of the comparison period; {tail}",
                level_text(a),
                level_text(c)
            ),
            (ValueKind::Level, None) => format!("{}; {tail}", level_text(a)),
        }
    }

    /// The target T and a description of it, from the comparison `c`.
    /// `None` for year on year (whose "target" is the comparison itself).
    fn percent_target(&self, c: f64) -> Option<(f64, String)> {
        let units = |v: f64| match self.value_kind {
            ValueKind::Count => count_text(v),
            ValueKind::Level => level_text(v),
        };
        let base = if c == 0.0 {
            "a baseline of zero".to_owned()
        } else {
            units(c)
        };
        match self.target {
            TargetKind::ReduceBy { percent } => Some((
                scale(c, 100.0 - percent).max(0.0),
                format!(
                    "{} below {base} in the same months of the comparison period",
                    percent_text(percent)
                ),
            )),
            TargetKind::IncreaseBy { percent } => Some((
                scale(c, 100.0 + percent),
                format!(
                    "{} above {base} in the same months of the comparison period",
                    percent_text(percent)
                ),
            )),
            _ => None,
        }
    }

    fn judge_count(
        &self,
        better: Better,
        a: f64,
        c: Option<f64>,
        (lo, hi): (f64, f64),
    ) -> (Status, f64, String) {
        let interval = format!("95% interval {} to {}", one_dp(lo), one_dp(hi));
        let inside = |t: f64| lo <= t + slack(t) && t - slack(t) <= hi;
        match (self.target, c) {
            (TargetKind::ReachLevel { level }, _) => {
                // A fixed number of events, such as "at least 20 referrals".
                let t = level.max(0.0);
                let head = format!(
                    "{} so far against a target of {}",
                    count_text(a),
                    dec_text(t)
                );
                count_verdict(
                    meets(better, a, t, false),
                    inside(t),
                    better,
                    a,
                    t,
                    head,
                    &interval,
                )
            }
            (TargetKind::YearOnYearReduction, Some(c)) => {
                self.judge_count_year_on_year(better, a, c, inside(c), &interval)
            }
            (_, Some(c)) => {
                let Some((t, desc)) = self.percent_target(c) else {
                    unreachable_status();
                    return (Status::NoData, 0.0, "No status: no target".to_owned());
                };
                let head = format!(
                    "{} so far against a target of {} ({desc})",
                    count_text(a),
                    dec_text(t)
                );
                if t == 0.0 {
                    return self.judge_count_zero_target(better, a, head);
                }
                count_verdict(
                    meets(better, a, t, false),
                    inside(t),
                    better,
                    a,
                    t,
                    head,
                    &interval,
                )
            }
            (_, None) => {
                unreachable_status();
                (
                    Status::NoData,
                    0.0,
                    "No status: no comparison figure".to_owned(),
                )
            }
        }
    }

    /// Year on year on counts: the comparison must be beaten.
    fn judge_count_year_on_year(
        &self,
        better: Better,
        a: f64,
        c: f64,
        inside: bool,
        interval: &str,
    ) -> (Status, f64, String) {
        let head = format!(
            "{} so far against {} in the same months of the comparison period",
            count_text(a),
            count_text(c)
        );
        let (good, bad) = match better {
            Better::Lower => ("a reduction", "no reduction"),
            Better::Higher => ("an increase", "no increase"),
        };
        if better == Better::Lower && c == 0.0 {
            return if a == 0.0 {
                (
                    Status::OnTrack,
                    c,
                    format!(
                        "{head}: nothing recorded in either period, and no reduction is \
                         possible from zero, so on track"
                    ),
                )
            } else {
                (
                    Status::OffTrack,
                    c,
                    format!(
                        "{head}: a rise from zero, which can never be a reduction, so off track"
                    ),
                )
            };
        }
        if meets(better, a, c, true) {
            (Status::OnTrack, c, format!("{head}: {good}, so on track"))
        } else if inside {
            (
                Status::AtRisk,
                c,
                format!(
                    "{head}: {bad}, but the difference is within chance variation \
                     ({interval}), so at risk"
                ),
            )
        } else {
            (
                Status::OffTrack,
                c,
                format!(
                    "{head}: {bad}, and the gap is larger than chance variation would explain \
                     ({interval}), so off track"
                ),
            )
        }
    }

    /// A percentage target on a zero baseline (or a 100% reduction): the
    /// target is zero.
    fn judge_count_zero_target(
        &self,
        better: Better,
        a: f64,
        head: String,
    ) -> (Status, f64, String) {
        match better {
            Better::Lower if a == 0.0 => (
                Status::OnTrack,
                0.0,
                format!("{head}; the target is to stay at zero, so on track"),
            ),
            Better::Lower => (
                Status::OffTrack,
                0.0,
                format!("{head}; any count above zero misses a target of zero, so off track"),
            ),
            Better::Higher => {
                let what = match self.target {
                    TargetKind::IncreaseBy { percent } => format!(
                        "an increase of {} on a baseline of zero",
                        percent_text(percent)
                    ),
                    _ => "a target of zero".to_owned(),
                };
                (
                    Status::OnTrack,
                    0.0,
                    format!("{head}; {what} is met by any count, so on track"),
                )
            }
        }
    }

    fn judge_level(&self, better: Better, a: f64, c: Option<f64>) -> (Status, f64, String) {
        let tol = self.tolerance;
        let (t, head, strict) = match (self.target, c) {
            (TargetKind::ReachLevel { level }, _) => (
                level,
                format!(
                    "{} against a target level of {}",
                    level_text(a),
                    level_text(level)
                ),
                false,
            ),
            (TargetKind::YearOnYearReduction, Some(c)) => (
                c,
                format!(
                    "{} against {} in the same months of the comparison period",
                    level_text(a),
                    level_text(c)
                ),
                true,
            ),
            (_, Some(c)) if c < 0.0 => {
                return (
                    Status::NoData,
                    0.0,
                    format!(
                        "No status: a percentage target on a negative baseline ({}) has no \
                         meaning",
                        level_text(c)
                    ),
                );
            }
            (_, Some(c)) => match self.percent_target(c) {
                Some((t, desc)) => (
                    t,
                    format!(
                        "{} against a target of {} ({desc})",
                        level_text(a),
                        level_text(t)
                    ),
                    false,
                ),
                None => {
                    unreachable_status();
                    return (Status::NoData, 0.0, "No target".to_owned());
                }
            },
            (_, None) => {
                unreachable_status();
                return (Status::NoData, 0.0, "No comparison figure".to_owned());
            }
        };
        let tol_text = format!("the tolerance of {} points", level_text(tol));
        if meets(better, a, t, strict) {
            let body = if self.target == TargetKind::YearOnYearReduction {
                let good = match better {
                    Better::Lower => "a reduction",
                    Better::Higher => "an increase",
                };
                format!("{head}: {good}, so on track")
            } else {
                format!("{head}, so on track")
            };
            return (Status::OnTrack, t, body);
        }
        let gap = (a - t).abs();
        let gap_text = if self.target == TargetKind::YearOnYearReduction {
            match better {
                Better::Lower if gap == 0.0 => "no reduction (unchanged)".to_owned(),
                Better::Higher if gap == 0.0 => "no increase (unchanged)".to_owned(),
                Better::Lower => format!("no reduction (up {})", level_text(gap)),
                Better::Higher => format!("no increase (down {})", level_text(gap)),
            }
        } else {
            match better {
                Better::Lower => format!("over by {}", level_text(gap)),
                Better::Higher => format!("short by {}", level_text(gap)),
            }
        };
        if gap <= tol + slack(tol.max(t.abs())) {
            (
                Status::AtRisk,
                t,
                format!("{head}: {gap_text}, within {tol_text}, so at risk"),
            )
        } else {
            (
                Status::OffTrack,
                t,
                format!("{head}: {gap_text}, more than {tol_text}, so off track"),
            )
        }
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
fn unreachable_status() {
    debug_assert!(false, "measure rule reached an impossible state");
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

fn count_verdict(
    met: bool,
    inside: bool,
    better: Better,
    a: f64,
    t: f64,
    head: String,
    interval: &str,
) -> (Status, f64, String) {
    if met {
        (Status::OnTrack, t, format!("{head}, so on track"))
    } else if inside {
        (
            Status::AtRisk,
            t,
            format!("{head}; the gap is within chance variation ({interval}), so at risk"),
        )
    } else if better == Better::Lower && t == 0.0 && a > 0.0 {
        (
            Status::OffTrack,
            t,
            format!("{head}; any count above zero misses a target of zero, so off track"),
        )
    } else {
        (
            Status::OffTrack,
            t,
            format!(
                "{head}; the gap is larger than chance variation would explain ({interval}), \
                 so off track"
            ),
        )
    }
}

fn no_data(actual: Option<f64>, interval: Option<(f64, f64)>, reason: String) -> Evaluation {
    let reason = if reason.ends_with('.') {
        reason
    } else {
        format!("{reason}.")
    };
    Evaluation {
        status: Status::NoData,
        target: None,
        actual,
        comparison: None,
        change: None,
        interval,
        significance: Significance::NotTested,
        reason,
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

// ---------------------------------------------------------------------------
// Statistics
// ---------------------------------------------------------------------------

/// Counts up to this size get the exact interval; above it the gamma
/// quantile comes from the Wilson–Hilferty approximation, which at this size
/// agrees with the exact value to well under 0.01 of a count.
const EXACT_INTERVAL_LIMIT: u64 = 100_000;
/// Totals up to this size get the exact binomial sum; above it a normal
/// approximation with continuity correction, indistinguishable at this size.
const EXACT_BINOMIAL_LIMIT: u128 = 10_000_000;

/// The exact (Garwood) `confidence` interval for the mean of a Poisson
/// count: lower = ½ χ²(α/2; 2k), upper = ½ χ²(1 − α/2; 2k + 2), with
/// α = 1 − confidence, computed as quantiles of the gamma distribution by
/// bisection on the regularised incomplete gamma function.
///
/// A count of 0 has lower bound 0. `confidence` is clamped to 0–1; a
/// confidence of 1 (or NaN) gives the uninformative interval (0, ∞).
/// Counts above 100,000 use the Wilson–Hilferty approximation to the gamma
/// quantile, accurate far beyond the figures' own precision at that size.
pub fn poisson_interval(count: u64, confidence: f64) -> (f64, f64) {
    let confidence = if confidence.is_nan() {
        1.0
    } else {
        confidence.clamp(0.0, 1.0)
    };
    let tail = (1.0 - confidence) / 2.0;
    let k = count as f64;
    let exact = count <= EXACT_INTERVAL_LIMIT;
    let lower = if count == 0 {
        0.0
    } else if exact {
        gamma_quantile_lower(k, tail)
    } else {
        wilson_hilferty(k, tail, false)
    };
    let upper = if exact {
        gamma_quantile_upper(k + 1.0, tail)
    } else {
        wilson_hilferty(k + 1.0, tail, true)
    };
    (lower, upper)
}

/// The conditional exact test of two counts over equal exposure (the same
/// months, the same area): given their total n, `current` is
/// Binomial(n, ½) if the underlying rates are equal. The two-sided p-value
/// sums the probabilities of every split no more likely than the one
/// observed (for this symmetric distribution, twice the smaller tail,
/// capped at 1). Significant when p < 0.05, in the direction of the change.
///
/// A total of 0 is not tested (p = 1). Totals above 10 million use the
/// normal approximation with continuity correction.
pub fn compare_counts(previous: u64, current: u64) -> (Significance, f64) {
    let n = u128::from(previous) + u128::from(current);
    if n == 0 {
        return (Significance::NotTested, 1.0);
    }
    let p = if previous == current {
        1.0
    } else if n <= EXACT_BINOMIAL_LIMIT {
        let m = previous.min(current) as f64;
        (2.0 * binomial_half_cdf(n as f64, m)).min(1.0)
    } else {
        let z = ((previous.abs_diff(current) as f64 - 1.0) / (n as f64).sqrt()).max(0.0);
        upper_gamma_q(0.5, z * z / 2.0).min(1.0)
    };
    let p = p.clamp(0.0, 1.0);
    let significance = if p >= ALPHA {
        Significance::NoSignificantChange
    } else if current > previous {
        Significance::SignificantIncrease
    } else {
        Significance::SignificantDecrease
    };
    (significance, p)
}

/// P(X ≤ m) for X ~ Binomial(n, ½), m < n/2, summing down from m.
fn binomial_half_cdf(n: f64, m: f64) -> f64 {
    let ln_pmf =
        ln_gamma(n + 1.0) - ln_gamma(m + 1.0) - ln_gamma(n - m + 1.0) - n * std::f64::consts::LN_2;
    let mut term = ln_pmf.exp();
    let mut sum = term;
    let mut k = m;
    while k >= 1.0 && term > 0.0 {
        term *= k / (n - k + 1.0);
        sum += term;
        if term < sum * 1e-17 {
            break;
        }
        k -= 1.0;
    }
    sum
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, nine terms; relative error ~1e-15).
fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const COEF: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x) Γ(1 − x) = π / sin(πx).
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = COEF[0];
    let t = x + G + 0.5;
    for (i, c) in COEF.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

const GAMMA_EPS: f64 = 1e-16;
const GAMMA_TINY: f64 = 1e-300;
const GAMMA_MAX_ITER: usize = 1_000_000;

/// The regularised lower incomplete gamma function P(a, x), a > 0.
fn lower_gamma_p(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        0.0
    } else if x.is_infinite() {
        1.0
    } else if x < a + 1.0 {
        gamma_series(a, x)
    } else {
        1.0 - gamma_continued_fraction(a, x)
    }
}

/// The regularised upper incomplete gamma function Q(a, x) = 1 − P(a, x).
fn upper_gamma_q(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        1.0
    } else if x.is_infinite() {
        0.0
    } else if x < a + 1.0 {
        1.0 - gamma_series(a, x)
    } else {
        gamma_continued_fraction(a, x)
    }
}

/// e^(−x) x^a / Γ(a), the common factor of both expansions.
fn gamma_prefactor(a: f64, x: f64) -> f64 {
    (-x + a * x.ln() - ln_gamma(a)).exp()
}

/// P(a, x) by its power series; converges quickly for x < a + 1.
fn gamma_series(a: f64, x: f64) -> f64 {
    let mut ap = a;
    let mut term = 1.0 / a;
    let mut sum = term;
    for _ in 0..GAMMA_MAX_ITER {
        ap += 1.0;
        term *= x / ap;
        sum += term;
        if term.abs() < sum.abs() * GAMMA_EPS {
            break;
        }
    }
    (sum * gamma_prefactor(a, x)).clamp(0.0, 1.0)
}

/// Q(a, x) by its continued fraction (modified Lentz); for x ≥ a + 1.
fn gamma_continued_fraction(a: f64, x: f64) -> f64 {
    let mut b = x + 1.0 - a;
    let mut c = 1.0 / GAMMA_TINY;
    let mut d = 1.0 / b;
    let mut h = d;
    for i in 1..GAMMA_MAX_ITER {
        let i = i as f64;
        let an = -i * (i - a);
        b += 2.0;
        d = an * d + b;
        if d.abs() < GAMMA_TINY {
            d = GAMMA_TINY;
        }
        c = b + an / c;
        if c.abs() < GAMMA_TINY {
            c = GAMMA_TINY;
        }
        d = 1.0 / d;
        let delta = d * c;
        h *= delta;
        if (delta - 1.0).abs() < GAMMA_EPS {
            break;
        }
    }
    (h * gamma_prefactor(a, x)).clamp(0.0, 1.0)
}

/// The x at which an increasing function `f` of x ≥ 0 reaches `target`, by
/// doubling to bracket it and then bisection.
fn bisect_increasing(f: impl Fn(f64) -> f64, target: f64, start: f64) -> f64 {
    let mut lo = 0.0;
    let mut hi = start.max(1.0);
    while f(hi) < target {
        lo = hi;
        hi *= 2.0;
        if !hi.is_finite() {
            return f64::INFINITY;
        }
    }
    for _ in 0..2_000 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi || hi - lo <= 1e-14 * hi {
            break;
        }
        if f(mid) < target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// The x with P(a, x) = p: the lower-tail quantile of Gamma(a, 1).
fn gamma_quantile_lower(a: f64, p: f64) -> f64 {
    if p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    bisect_increasing(|x| lower_gamma_p(a, x), p, a)
}

/// The x with Q(a, x) = q: the upper-tail quantile of Gamma(a, 1).
/// Bisects on Q itself so that small upper tails keep their precision.
fn gamma_quantile_upper(a: f64, q: f64) -> f64 {
    if q <= 0.0 {
        return f64::INFINITY;
    }
    if q >= 1.0 {
        return 0.0;
    }
    bisect_increasing(|x| -upper_gamma_q(a, x), -q, a)
}

/// The z ≥ 0 beyond which the standard normal has probability `p` (p ≤ ½),
/// by bisection on the upper tail 1 − Φ(z) = ½ Q(½, z²/2).
fn normal_tail_quantile(p: f64) -> f64 {
    if p <= 0.0 {
        return f64::INFINITY;
    }
    if p >= 0.5 {
        return 0.0;
    }
    bisect_increasing(|z| -0.5 * upper_gamma_q(0.5, z * z / 2.0), -p, 1.0)
}

/// The gamma quantile by Wilson–Hilferty: the cube root of a gamma variable
/// is nearly normal. `tail` is the probability beyond the quantile, in the
/// upper tail if `upper`, else in the lower.
fn wilson_hilferty(a: f64, tail: f64, upper: bool) -> f64 {
    if tail <= 0.0 {
        return if upper { f64::INFINITY } else { 0.0 };
    }
    let (tail, upper) = if tail > 0.5 {
        (1.0 - tail, !upper)
    } else {
        (tail, upper)
    };
    let z = normal_tail_quantile(tail);
    let z = if upper { z } else { -z };
    let c = 1.0 - 1.0 / (9.0 * a) + z / (3.0 * a.sqrt());
    (a * c * c * c).max(0.0)
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

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    // --- Poisson interval -------------------------------------------------

    #[test]
    fn poisson_interval_matches_published_values() {
        // Exact (Garwood) 95% limits, as tabulated (and recomputed to 12
        // figures with mpmath).
        let cases = [
            (0, 0.0, 3.688_879),
            (1, 0.025_318, 5.571_643),
            (2, 0.242_209, 7.224_688),
            (5, 1.623_486, 11.668_332),
            (10, 4.795_389, 18.390_356),
            (42, 30.269_906, 56.771_799),
            (100, 81.363_991, 121.626_794),
            (1000, 938.973_018, 1_063.952_136),
        ];
        for (k, lo, hi) in cases {
            let (l, h) = poisson_interval(k, 0.95);
            assert!(close(l, lo, 5e-4), "{k}: lower {l} vs {lo}");
            assert!(close(h, hi, 5e-4), "{k}: upper {h} vs {hi}");
        }
    }

    #[test]
    fn poisson_interval_at_other_confidences() {
        let (l, h) = poisson_interval(10, 0.99);
        assert!(close(l, 3.716_922, 5e-4) && close(h, 21.397_827, 5e-4));
        let (l, h) = poisson_interval(10, 0.90);
        assert!(close(l, 5.425_406, 5e-4) && close(h, 16.962_219, 5e-4));
        let (l, h) = poisson_interval(0, 0.90);
        assert!(l == 0.0 && close(h, 2.995_732, 5e-4));
    }

    #[test]
    fn poisson_interval_at_the_exact_limit_and_beyond() {
        // The exact method at the limit, the approximation beyond it.
        let (l, h) = poisson_interval(100_000, 0.95);
        assert!(close(l, 99_381.152_664, 1e-3), "{l}");
        assert!(close(h, 100_621.744_74, 1e-3), "{h}");
        let wl = wilson_hilferty(100_000.0, 0.025, false);
        let wh = wilson_hilferty(100_001.0, 0.025, true);
        assert!(close(wl, l, 1e-3), "{wl} vs {l}");
        assert!(close(wh, h, 1e-3), "{wh} vs {h}");
        let (l, h) = poisson_interval(100_001, 0.95);
        assert!(l < 100_001.0 && h > 100_001.0);
        let (l, h) = poisson_interval(u64::MAX, 0.95);
        assert!(l.is_finite() && h.is_finite() && l < h);
    }

    #[test]
    fn poisson_interval_extreme_confidences() {
        assert_eq!(poisson_interval(5, 1.0), (0.0, f64::INFINITY));
        assert_eq!(poisson_interval(5, f64::NAN), (0.0, f64::INFINITY));
        let (l, h) = poisson_interval(5, 0.0);
        assert!(l <= 5.0 && 5.0 <= h, "{l} {h}");
        let (l, h) = poisson_interval(5, -3.0);
        assert!(l <= 5.0 && 5.0 <= h, "{l} {h}");
    }

    #[test]
    fn gamma_functions_known_values() {
        // P(1, x) = 1 − e^−x; ln Γ(n) = ln (n − 1)!.
        assert!(close(lower_gamma_p(1.0, 2.0), 1.0 - (-2.0f64).exp(), 1e-14));
        assert!(close(upper_gamma_q(1.0, 5.0), (-5.0f64).exp(), 1e-14));
        assert!(close(ln_gamma(5.0), 24f64.ln(), 1e-12));
        assert!(close(
            ln_gamma(0.5),
            std::f64::consts::PI.sqrt().ln(),
            1e-12
        ));
        // erfc(1) = Q(½, 1).
        assert!(close(
            upper_gamma_q(0.5, 1.0),
            0.157_299_207_050_285_1,
            1e-12
        ));
        assert!(close(normal_tail_quantile(0.025), 1.959_963_985, 1e-8));
    }

    // --- compare_counts ---------------------------------------------------

    #[test]
    fn compare_counts_known_cases() {
        let (s, p) = compare_counts(10, 20);
        assert_eq!(s, Significance::NoSignificantChange);
        assert!(close(p, 0.098_737, 1e-5), "{p}");

        let (s, p) = compare_counts(20, 40);
        assert_eq!(s, Significance::SignificantIncrease);
        assert!(close(p, 0.013_489, 1e-5), "{p}");

        let (s, p) = compare_counts(40, 20);
        assert_eq!(s, Significance::SignificantDecrease);
        assert!(close(p, 0.013_489, 1e-5), "{p}");

        assert!(close(compare_counts(40, 42).1, 0.912_157, 1e-5));
        assert!(close(compare_counts(100, 130).1, 0.055_614, 1e-5));
        assert_eq!(
            compare_counts(100, 140).0,
            Significance::SignificantIncrease
        );
        // The plan's "All Crime −7%, 9,401 → 8,747" is a real fall.
        let (s, p) = compare_counts(9401, 8747);
        assert_eq!(s, Significance::SignificantDecrease);
        assert!(close(p, 1.248_453e-6, 1e-9), "{p}");
    }

    #[test]
    fn compare_counts_small_and_zero() {
        assert_eq!(compare_counts(0, 0), (Significance::NotTested, 1.0));
        assert_eq!(
            compare_counts(1, 0),
            (Significance::NoSignificantChange, 1.0)
        );
        assert_eq!(
            compare_counts(7, 7),
            (Significance::NoSignificantChange, 1.0)
        );
        // 0 vs 5: p = 2/32 = 0.0625, not significant; 0 vs 6: 0.03125.
        let (s, p) = compare_counts(0, 5);
        assert_eq!(s, Significance::NoSignificantChange);
        assert!(close(p, 0.0625, 1e-12));
        let (s, p) = compare_counts(0, 6);
        assert_eq!(s, Significance::SignificantIncrease);
        assert!(close(p, 0.031_25, 1e-12));
    }

    #[test]
    fn compare_counts_large_totals_use_the_normal_approximation() {
        let (s, p) = compare_counts(10_000_000, 10_010_000);
        assert_eq!(s, Significance::SignificantIncrease);
        assert!(p < 0.05);
        let (s, _) = compare_counts(10_000_000, 10_000_100);
        assert_eq!(s, Significance::NoSignificantChange);
        let (s, p) = compare_counts(u64::MAX, u64::MAX);
        assert_eq!((s, p), (Significance::NoSignificantChange, 1.0));
        let (s, p) = compare_counts(u64::MAX, 0);
        assert_eq!(s, Significance::SignificantDecrease);
        assert!((0.0..=1.0).contains(&p));
    }

    // --- Labels and serde names ------------------------------------------

    #[test]
    fn labels() {
        assert_eq!(Status::OnTrack.label(), "On track");
        assert_eq!(Status::AtRisk.label(), "At risk");
        assert_eq!(Status::OffTrack.label(), "Off track");
        assert_eq!(Status::NoData.label(), "No data");
        assert_eq!(Status::Monitoring.label(), "Monitoring");
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
            Significance::deserialize(de("significant_increase")),
            Ok(Significance::SignificantIncrease)
        );
        assert!(Direction::deserialize(de("Lower")).is_err());
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
            e.reason,
            "42 so far against a target of 38.0 (5% below 40 in the same months of the \
             comparison period); the gap is within chance variation (95% interval 30.3 to \
             56.8), so at risk."
        );
    }

    #[test]
    fn reduce_by_lower_on_track_and_off_track() {
        let r = count(Direction::Lower, REDUCE5);
        let e = ytd(r, 40.0, 38.0);
        assert_eq!(e.status, Status::OnTrack, "{}", e.reason);
        assert_eq!(
            e.reason,
            "38 so far against a target of 38.0 (5% below 40 in the same months of the \
             comparison period), so on track."
        );
        assert_eq!(ytd(r, 40.0, 30.0).status, Status::OnTrack);
        let e = ytd(r, 40.0, 60.0);
        assert_eq!(e.status, Status::OffTrack);
        assert!(e.reason.contains("larger than chance"), "{}", e.reason);
        assert_eq!(e.significance, Significance::NoSignificantChange);
        // Large counts: a 2% rise on 1,000 is already off track.
        let e = ytd(r, 1000.0, 1020.0);
        assert_eq!(e.status, Status::OffTrack, "{}", e.reason);
        assert_eq!(e.target, Some(950.0));
        assert!(e.reason.contains("1,020 so far"), "{}", e.reason);
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
    fn reduce_by_zero_baseline() {
        let r = count(Direction::Lower, REDUCE5);
        let e = ytd(r, 0.0, 0.0);
        assert_eq!(e.status, Status::OnTrack);
        assert_eq!(e.target, Some(0.0));
        assert!(e.reason.contains("stay at zero"), "{}", e.reason);
        assert!(e.reason.contains("a baseline of zero"), "{}", e.reason);
        let e = ytd(r, 0.0, 1.0);
        assert_eq!(e.status, Status::OffTrack);
        assert!(e.reason.contains("any count above zero"), "{}", e.reason);
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
        assert_eq!(e.status, Status::OffTrack, "{}", e.reason);
        assert_eq!(e.interval.unwrap().0, 0.0);
        assert_eq!(e.significance, Significance::SignificantDecrease);
        let e = ytd(count(Direction::Higher, INCREASE5), 2.0, 0.0);
        assert_eq!(e.status, Status::AtRisk, "{}", e.reason);
    }

    // --- Counts: increase by ----------------------------------------------

    #[test]
    fn increase_by_higher() {
        let r = count(Direction::Higher, INCREASE5);
        let e = ytd(r, 40.0, 42.0);
        assert_eq!(e.status, Status::OnTrack);
        assert_eq!(e.target, Some(42.0));
        assert!(e.reason.contains("5% above 40"), "{}", e.reason);
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
            assert!(
                e.reason
                    .contains("an increase of 5% on a baseline of zero is met by any count"),
                "{}",
                e.reason
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
            e.reason,
            "39 so far against 40 in the same months of the comparison period: a reduction, \
             so on track."
        );
        // Equal is not a reduction, but it is within chance.
        let e = ytd(r, 40.0, 40.0);
        assert_eq!(e.status, Status::AtRisk);
        assert!(e.reason.contains("no reduction, but"), "{}", e.reason);
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
        assert!(e.reason.contains("an increase"), "{}", e.reason);
        assert_eq!(ytd(r, 40.0, 40.0).status, Status::AtRisk);
        assert_eq!(ytd(r, 40.0, 10.0).status, Status::OffTrack);
    }

    #[test]
    fn year_on_year_zero_cases() {
        let r = count(Direction::Lower, YOY);
        let e = ytd(r, 0.0, 0.0);
        assert_eq!(e.status, Status::OnTrack);
        assert!(
            e.reason.contains("no reduction is possible from zero"),
            "{}",
            e.reason
        );
        assert_eq!(e.significance, Significance::NotTested);
        let e = ytd(r, 0.0, 2.0);
        assert_eq!(e.status, Status::OffTrack);
        assert!(e.reason.contains("rise from zero"), "{}", e.reason);
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
        assert!(e.reason.contains("any count above zero"), "{}", e.reason);
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
            e.reason,
            "87.5 against a target level of 90.0: short by 2.5, within the tolerance of 5.0 \
             points, so at risk."
        );
        assert_eq!(at(85.0).status, Status::AtRisk);
        let e = at(80.0);
        assert_eq!(e.status, Status::OffTrack);
        assert!(e.reason.contains("more than the tolerance"), "{}", e.reason);
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
        assert_eq!(e.status, Status::OnTrack, "{}", e.reason);
        assert_eq!(ytd(r, 80.0, 80.0).status, Status::AtRisk);
        assert_eq!(ytd(r, 80.0, 78.0).status, Status::OffTrack);

        let r = level(Direction::Higher, REDUCE5);
        assert_eq!(ytd(r, 40.0, 38.0).status, Status::OnTrack);
        let r = level(Direction::Lower, INCREASE5);
        assert_eq!(ytd(r, 40.0, 42.0).status, Status::OnTrack);

        // A percentage of a negative score means nothing.
        let e = ytd(level(Direction::Lower, REDUCE5), -10.0, -12.0);
        assert_eq!(e.status, Status::NoData);
        assert!(e.reason.contains("negative baseline"), "{}", e.reason);
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
        assert!(e.reason.contains("a reduction"), "{}", e.reason);
        let e = ytd(r, 20.0, 20.0);
        assert_eq!(e.status, Status::AtRisk);
        assert!(
            e.reason.contains("no reduction (unchanged)"),
            "{}",
            e.reason
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
            assert!(e.reason.contains("no RAG status"), "{}", e.reason);
            assert!(e.reason.contains("+100.0%"), "{}", e.reason);
            assert!(
                e.reason.contains("statistically significant increase"),
                "{}",
                e.reason
            );
        }
        let r = count(Direction::Monitor, TargetKind::Monitor);
        let e = r.evaluate(None, Some(Observation::complete(10.0, 3)));
        assert_eq!(e.status, Status::Monitoring);
        assert_eq!(
            e.reason,
            "10 so far (95% interval 4.8 to 18.4); this measure is monitored without a \
             target, so it has no RAG status."
        );
        let e = ytd(r, 0.0, 3.0);
        assert!(e.reason.contains("up from zero"), "{}", e.reason);
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
            e.reason,
            "No figure for the current period yet, so no status."
        );
        assert_eq!(e.target, None);

        let e = r.evaluate(None, Some(Observation::complete(40.0, 6)));
        assert_eq!(e.status, Status::NoData);
        assert!(e.reason.contains("comparison period"), "{}", e.reason);
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
            assert!(e.reason.contains("not a valid count"), "{}", e.reason);
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
            e.reason,
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
        assert!(e.reason.contains("left out"), "{}", e.reason);
        // And a monitor-only count keeps its interval but shows no change.
        let r = count(Direction::Monitor, TargetKind::Monitor);
        let e = r.evaluate(
            Some(Observation::complete(40.0, 12)),
            Some(Observation::complete(30.0, 11)),
        );
        assert_eq!(e.status, Status::Monitoring);
        assert_eq!(e.change, None);
        assert!(e.interval.is_some());
        assert!(e.reason.contains("left out"), "{}", e.reason);
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
            e.reason,
            "Comparing only the 5 months held in both periods (some months are missing): 36 \
             so far against a target of 38.0 (5% below 40 in the same months of the \
             comparison period), so on track."
        );
        let e = r.evaluate(
            Some(Observation::complete(40.0, 5)),
            Some(Observation::incomplete(36.0, 5)),
        );
        assert_eq!(e.status, Status::OnTrack);
        assert!(e.reason.starts_with("Comparing only"), "{}", e.reason);
        let r = level(Direction::Higher, TargetKind::ReachLevel { level: 90.0 });
        let e = r.evaluate(None, Some(Observation::incomplete(91.0, 1)));
        assert!(
            e.reason.starts_with("Over only the 1 month held"),
            "{}",
            e.reason
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
            assert!(e.reason.contains("so no status"), "{}", e.reason);
        }
    }

    #[test]
    fn counts_are_rounded() {
        let e = ytd(count(Direction::Lower, REDUCE5), 39.6, 41.7);
        assert_eq!(e.actual, Some(42.0));
        assert_eq!(e.comparison, Some(40.0));
        assert_eq!(e.target, Some(38.0));
    }

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
        #[test]
        fn interval_contains_the_count(k in 0u64..200_000, c in 0.5..0.999f64) {
            let (lo, hi) = poisson_interval(k, c);
            prop_assert!(lo >= 0.0);
            prop_assert!(lo <= k as f64, "{} > {}", lo, k);
            prop_assert!(k as f64 <= hi, "{} > {}", k, hi);
            prop_assert_eq!(lo == 0.0, k == 0);
        }

        #[test]
        fn interval_contains_huge_counts(k in any::<u64>()) {
            let (lo, hi) = poisson_interval(k, 0.95);
            prop_assert!(lo <= k as f64 && k as f64 <= hi);
        }

        #[test]
        fn interval_widens_with_confidence(
            k in 0u64..2_000,
            c in 0.5..0.98f64,
            d in 0.001..0.019f64,
        ) {
            let (lo1, hi1) = poisson_interval(k, c);
            let (lo2, hi2) = poisson_interval(k, c + d);
            prop_assert!(lo2 <= lo1, "{} {}", lo2, lo1);
            prop_assert!(hi2 >= hi1, "{} {}", hi2, hi1);
        }

        #[test]
        fn compare_counts_is_symmetric(a in 0u64..5_000, b in 0u64..5_000) {
            let (s1, p1) = compare_counts(a, b);
            let (s2, p2) = compare_counts(b, a);
            prop_assert_eq!(p1, p2);
            let mirrored = match s1 {
                Significance::SignificantIncrease => Significance::SignificantDecrease,
                Significance::SignificantDecrease => Significance::SignificantIncrease,
                s => s,
            };
            prop_assert_eq!(s2, mirrored);
            prop_assert!((0.0..=1.0).contains(&p1));
            prop_assert_eq!(p1 < ALPHA, matches!(
                s1,
                Significance::SignificantIncrease | Significance::SignificantDecrease
            ));
        }

        #[test]
        fn compare_counts_p_in_range(a in any::<u64>(), b in any::<u64>()) {
            let (_, p) = compare_counts(a, b);
            prop_assert!((0.0..=1.0).contains(&p));
        }

        #[test]
        fn evaluate_never_panics(
            direction in any_direction(),
            target in any_target(),
            kind in prop_oneof![Just(ValueKind::Count), Just(ValueKind::Level)],
            tolerance in 0.0..20.0f64,
            comparison in any_observation(),
            actual in any_observation(),
        ) {
            let r = MeasureRule { direction, target, value_kind: kind, tolerance };
            let e = r.evaluate(comparison, actual);
            prop_assert!(e.reason.ends_with('.'));
            prop_assert!(!e.reason.is_empty());
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
            prop_assert_eq!(e.status == Status::OnTrack, met, "{}", e.reason);
            if e.status == Status::AtRisk {
                let (lo, hi) = e.interval.unwrap();
                prop_assert!(lo <= t + slack(t) && t - slack(t) <= hi);
            }
        }
    }
}
