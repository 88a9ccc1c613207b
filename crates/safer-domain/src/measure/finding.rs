//! What the status rules found, as data: the [`Finding`] an [`Evaluation`]
//! carries beside its figures.
//!
//! The rules decide; they do not write. A finding says why a measure has
//! its status (why there is none, or what the figure was judged against and
//! the verdict, or which months were too few) in values, never in words,
//! so that the presentation layer can say it in English or Welsh
//! (`safer_report::measure_reason` writes today's English sentences). The
//! figures the sentence quotes (the actual, the target, the comparison, the
//! interval, the change and its significance) are the evaluation's own
//! fields, so a finding never repeats them and can never disagree with the
//! table beside it.
//!
//! Every type here is serialised with a `kind` tag, for example
//! `{"kind": "judged", "value_kind": "count", "better": "lower", "against":
//! {"kind": "percent", "percent": 5.0, "up": false}, "verdict": {"kind":
//! "within_chance"}, "scope": {"kind": "whole"}, "left_out": null}`.
//!
//! [`Evaluation`]: super::Evaluation

use serde::{Deserialize, Serialize};

use super::ValueKind;

/// Why a measure has its status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Finding {
    /// No status ([`Status::NoData`](super::Status::NoData)), and why.
    NoStatus { why: NoStatus },
    /// A monitor-only measure ([`Status::Monitoring`](super::Status::Monitoring)):
    /// its figures, never a RAG status.
    Monitored {
        value_kind: ValueKind,
        /// The p-value of the change against the comparison; counts with a
        /// comparison only.
        p_value: Option<f64>,
        scope: Scope,
        left_out: Option<LeftOut>,
    },
    /// Too few of the months claimed are compared
    /// ([`Status::Incomplete`](super::Status::Incomplete)); which months
    /// are in the evaluation's coverage.
    Incomplete {
        /// The fewest months that would have given a status.
        months_needed: u32,
    },
    /// A figure judged against its target: On track, At risk or Off track.
    Judged {
        value_kind: ValueKind,
        better: Better,
        /// What the figure was set against; the target itself is the
        /// evaluation's `target`.
        against: Against,
        verdict: Verdict,
        scope: Scope,
        left_out: Option<LeftOut>,
    },
}

/// Why a measure has no status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NoStatus {
    /// "Reduce by" a percentage outside 0–100 (or not a number).
    ReducePercent { percent: f64 },
    /// "Increase by" a negative percentage (or not a number).
    IncreasePercent { percent: f64 },
    /// "Reach a level" with a level that is not a number.
    TargetLevel { level: f64 },
    /// A level measure's tolerance below zero (or not a number).
    Tolerance { tolerance: f64 },
    /// A minimum share of months outside 0–1 (or not a number).
    MinCoverage { share: f64 },
    /// No figure for the current period.
    NoCurrent,
    /// The current figure is not a valid count or level.
    InvalidCurrent { value: f64, value_kind: ValueKind },
    /// The target needs a comparison figure and there is none.
    NoComparison,
    /// The two figures cover different numbers of months.
    DifferentMonths { current: u32, comparison: u32 },
    /// The comparison figure is not a valid count or level.
    InvalidComparison { value: f64, value_kind: ValueKind },
    /// A percentage target on a level baseline below zero.
    NegativeBaseline { baseline: f64 },
    /// A state the validation of the rule should make impossible.
    Impossible,
    /// A police.uk measure, and no police.uk data is held for the district.
    NoPoliceUkData,
    /// A police.uk measure whose category is not a police.uk category,
    /// "All crime" or a configured group.
    NotACategory { category: String },
    /// Counted from case records of this type (as the plan names it, such
    /// as `jag_referral`), which Safer holds none of for the months asked
    /// about, or does not count.
    CaseRecords { record: String },
    /// Needs data Safer does not hold; `needs` is the plan's own account of
    /// what is needed.
    NeedsData { needs: String },
}

/// Why a comparison figure that the target does not need was left out.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LeftOut {
    DifferentMonths { current: u32, comparison: u32 },
    Invalid { value: f64, value_kind: ValueKind },
}

/// How much of the intended period the figures cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Scope {
    /// What the evaluation's coverage says was compared and left out.
    Covered,
    /// Every month intended.
    Whole,
    /// Only these months are held in both periods.
    BothPartial { months: u32 },
    /// No comparison, and only these months of the current period are held.
    CurrentPartial { months: u32 },
}

/// The better side of a target, once monitor-only measures are set aside.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    Lower,
    Higher,
}

/// What a figure was judged against.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Against {
    /// A fixed level or number of events ("reach a level"): the target.
    Level,
    /// `percent`% above (`up`) or below the comparison figure.
    Percent { percent: f64, up: bool },
    /// The comparison figure itself, to be beaten (year on year).
    PreviousYear,
    /// The baseline year's figure over the same months, to be beaten (any
    /// improvement on the baseline).
    Baseline,
}

impl Against {
    /// Whether the target is the comparison figure itself, to be beaten
    /// rather than reached.
    pub fn is_to_beat(self) -> bool {
        matches!(self, Against::PreviousYear | Against::Baseline)
    }
}

/// The outcome of judging a figure against its target.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Verdict {
    /// The target is met (for year on year: beaten).
    Met,
    /// A percentage target of zero on a lower-is-better count, and nothing
    /// counted.
    StaysAtZero,
    /// A target of zero on a higher-is-better count: any count meets it.
    MetByAnyCount,
    /// Year on year from zero to zero, lower is better.
    NothingEither,
    /// Year on year from zero to more, lower is better.
    RiseFromZero,
    /// A count misses a target of zero: certain, not chance.
    AboveZeroTarget,
    /// A count misses, but the target is inside its interval.
    WithinChance,
    /// A count misses, and the target is outside its interval.
    BeyondChance,
    /// A level misses by `gap`, no more than the `tolerance`.
    WithinTolerance { gap: f64, tolerance: f64 },
    /// A level misses by `gap`, more than the `tolerance`.
    BeyondTolerance { gap: f64, tolerance: f64 },
}

impl Verdict {
    /// The status the verdict gives.
    pub fn status(self) -> super::Status {
        use super::Status;
        match self {
            Verdict::Met
            | Verdict::StaysAtZero
            | Verdict::MetByAnyCount
            | Verdict::NothingEither => Status::OnTrack,
            Verdict::WithinChance | Verdict::WithinTolerance { .. } => Status::AtRisk,
            Verdict::RiseFromZero
            | Verdict::AboveZeroTarget
            | Verdict::BeyondChance
            | Verdict::BeyondTolerance { .. } => Status::OffTrack,
        }
    }
}
