//! Readers for the files Safer imports, with validation.
//!
//! * [`police_uk`]: police.uk street-level CSVs into [`MonthlyCrimes`]
//!   tables, one per force-month, with a per-file [`FileReport`].
//! * [`sources`]: finding those files in folders and in the zip police.uk
//!   gives as its download, listing every other file found.
//! * [`geography`]: boundaries (GeoJSON) and population tables.
//! * [`config`]: the partnership configuration file (TOML).
//!
//! Every reader fails with an [`IngestError`] that names the file, the line,
//! the field and what was expected. Readers never write anything: keeping
//! or discarding what was read is the caller's decision, which is how an
//! import stays all-or-nothing.
//!
//! **Architecture invariant:** this crate reads files; it does not know
//! about the data directory, SQL or HTTP.

pub mod casework;
pub mod config;
mod error;
pub mod geography;
pub mod plan;
pub mod police_uk;
pub mod sources;

pub use error::IngestError;
pub use police_uk::{FileReport, RepeatedCrimeIds, SkipReason};
pub use safer_analysis::MonthlyCrimes;
pub use sources::{Discovery, LeftOut, LeftOutKind, Source, SourceReader};
