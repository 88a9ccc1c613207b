//! The columnar crime store and the analyses over it.
//!
//! [`MonthlyCrimes`] holds one force's police.uk records for one month as
//! columns (the unit that police.uk publishes and that a re-import
//! replaces). [`DistrictCounts`] reduces any number of them to counts by
//! month, category and beat for one district, and [`Assessment`] turns those
//! counts into the tables of a Partnership Strategic Assessment.
//!
//! **Architecture invariant:** this crate does no IO. It knows nothing of
//! files, SQL or HTTP: it takes columns and returns values, so every figure
//! can be tested from a hand-built table.

mod assessment;
mod counts;
mod geometry;
mod performance;
mod places;
mod table;

pub use assessment::{
    Areas, AssessError, Assessment, AssessmentRequest, BeatDescription, BeatRow, CategoryRow,
    Comparison, MonthRow, RowKind, TrendRow, TrendYear, UNPLACED,
};
pub use counts::{
    CategoryCounts, DistrictCounts, ForceBasis, MonthCounts, PlacementSummary, months_held_from,
};
pub use geometry::{Beats, Placement, Polygon, Ring};
pub use performance::{ManualValues, MeasureRow, PerformanceReview, PriorityRow, ReviewInputs};
pub use places::{Place, PlaceFound, PlaceMonth, find_places, records_at};
pub use table::{Lsoa, MonthlyCrimes, NO_COORD, NO_LSOA, district_of_lsoa_name};
