//! The vocabulary of a Community Safety Partnership, as pure types and rules.
//!
//! This crate owns the police.uk crime [`Category`] list, calendar [`Month`]s,
//! [`FinancialYear`]s and [`Period`]s, the [`Partnership`] configuration (its
//! district, population and [`BeatDefinition`]s) and the arithmetic of a
//! [`Change`] between two periods; calendar [`Date`]s with day arithmetic
//! and the [`BankHolidays`] of England and Wales, for working days.
//!
//! **Architecture invariant:** nothing here does IO or knows about files, SQL,
//! HTTP or async runtimes. Values arrive already parsed ("parse, don't
//! validate"); the constructors here are the only way to make them.

mod access;
pub mod casework;
mod category;
mod change;
mod date;
mod file_size;
mod force_area;
mod fund;
mod ids;
mod measure;
mod month;
mod narrative;
mod partnership;
mod plan;
mod plan_changes;
mod time;
mod working_days;

pub use access::{ActionScope, Agency, Role, User, check_username};
pub use category::{Category, CategoryGroup, CategorySelector};
pub use change::Change;
pub use date::{Date, DateError, Weekday};
pub use file_size::{ShortFile, SizeReference, SizeRule};
pub use force_area::{TRANSPORT_POLICE, force_area_of};
pub use fund::{
    DEFAULT_UNDERSPEND_THRESHOLD, Fund, FundProject, FundReturn, ReturnLine, parse_pounds, pounds,
};
pub use ids::{
    ActionId, AgencyId, CaseActionId, CaseId, CaseRecordId, DhrId, GroupId, IdError,
    InterventionId, LocationId, MeetingId, PersonId, ProjectId, TokenId, TriggerId, UserId,
};
pub use measure::*;
pub use month::{FinancialYear, Month, MonthError, Period, Quarter};
pub use narrative::{NARRATIVE_LIMIT, Narrative, paragraphs};
pub use partnership::{
    BeatDefinition, BeatMembers, Partnership, PartnershipError, PopulationSource,
};
pub use plan::*;
pub use plan_changes::{Field, PlanChange, plan_changes};
pub use time::{Clock, FixedClock, Timestamp};
pub use working_days::{BankHolidays, NotCovered};
