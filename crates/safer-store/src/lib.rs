//! Safer's persistence: everything that lives in the data directory.
//!
//! * [`CrimeStore`]: police.uk records as one columnar file per force-month
//!   ([`codec`]), listed in a manifest. An import writes its new files
//!   first and then replaces the manifest with one atomic rename, so an
//!   import is all or nothing and a reader never sees half of one.
//! * [`DataDir::save_partnership`] / [`DataDir::partnership`]: imported
//!   partnership configurations with their beats resolved to polygons.
//!
//! **Architecture invariant:** only this crate knows the layout of the data
//! directory. It holds no analysis: it hands [`MonthlyCrimes`] tables to
//! callers.

pub mod codec;
mod crimes;
pub mod db;
mod dir;

pub use crimes::{CrimeStore, ManifestEntry, Staged, StagedTable, Staging};
pub use db::{Backend, Database, DbError};
pub use dir::{DataDir, DataVersion, StoredPartnership};
pub use safer_analysis::MonthlyCrimes;

use std::path::PathBuf;

/// Why the data directory could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: the file is damaged or not a Safer file: {reason}")]
    Corrupt { path: PathBuf, reason: String },
    #[error("{path}: another import is running; wait for it to finish")]
    Locked { path: PathBuf },
    #[error(
        "no partnership {0:?} has been imported; import one with `safer import partnership FILE`"
    )]
    NoPartnership(String),
    #[error("no police.uk data is held; import some with `safer import police-uk PATH`")]
    NoData,
    #[error("no records are held for a district named {name:?}. Districts held ({}): {}", known.len(), shorten(known))]
    UnknownDistrict { name: String, known: Vec<String> },
}

pub(crate) fn io(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_owned(),
        source,
    }
}

/// The first 30 names, for messages.
fn shorten(names: &[String]) -> String {
    let shown: Vec<&str> = names.iter().take(30).map(String::as_str).collect();
    format!(
        "{}{}",
        shown.join(", "),
        if names.len() > shown.len() {
            ", …"
        } else {
            ""
        }
    )
}
