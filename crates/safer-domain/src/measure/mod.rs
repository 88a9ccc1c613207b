//! Measures: targets, status (RAG) and statistical confidence.
//!
//! A measure in a partnership plan has a [`Direction`] (lower is better,
//! higher is better, or monitor only), a [`TargetKind`] (for example "reduce
//! by 5% on the 2022/23 baseline") and a [`ValueKind`] (event counts, or a
//! level such as a survey percentage). Performance is reviewed year to date
//! against the *same months* of the comparison year, never against the
//! full-year figure. [`MeasureRule::evaluate`] turns the two figures into a
//! [`Status`] with what was found ([`Finding`]), and says beside it whether the
//! change is statistically meaningful ([`Significance`]), because small counts
//! flip a RAG status by chance.
//!
//! The module is split by idea, so that each can be read alone:
//!
//! - `rules.rs`: the types and the status rules ([`MeasureRule::evaluate`]);
//! - `coverage.rs`: how many of the months a status claims the figures
//!   compare, and which are left out ([`Coverage`]);
//! - `stats.rs`: the exact Poisson interval ([`poisson_interval`]) and the
//!   conditional test of two counts ([`compare_counts`]);
//! - `finding.rs`: what the rules found, as data ([`Finding`]), never as
//!   words: `safer_report::measure_reason` writes the sentence a report
//!   prints, so that the rules can be worded in another language.
//!
//! The rules are written out in full on [`MeasureRule::evaluate`] and, for
//! officers and analysts, in `docs/design/measure-status.md`.
//!
//! Everything here is pure arithmetic: no IO, no clock, no randomness.

mod coverage;
mod finding;
mod rules;
mod stats;

pub use coverage::{
    Coverage, CoverageUnit, DEFAULT_MIN_COVERAGE, Gap, default_min_coverage, is_valid_min_coverage,
    month_coverage, month_coverage_alone, months_needed, quarter_coverage,
};
pub use finding::{Against, Better, Finding, LeftOut, NoStatus, Scope, Verdict};
pub use rules::{
    Direction, Evaluation, MeasureRule, Observation, Significance, Status, TargetKind, ValueKind,
    default_tolerance,
};
pub use stats::{compare_counts, poisson_interval};
