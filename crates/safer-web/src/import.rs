//! The police.uk import, all or nothing: the one pipeline behind both
//! `safer import police-uk` and the web upload page. It knows no HTTP.
//!
//! Files are checked by name first (police.uk's `YYYY-MM-<force>-street.csv`,
//! no force-month twice), then parsed in parallel in chunks of one force
//! each; each chunk is written at once as one store file in a staging
//! state, so memory holds only the chunks in flight. Nothing is visible
//! until every file has parsed and the manifest is replaced in one atomic
//! rename; any failure drops the staging, which removes its files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use safer_analysis::MonthlyCrimes;
use safer_domain::Month;
use safer_ingest::{FileReport, SkipReason, police_uk};
use safer_store::{DataDir, Staged, StoreError};
use serde::Serialize;

/// What an import did.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub files: usize,
    pub rows_read: u64,
    pub rows_kept: u64,
    pub rows_skipped: u64,
    pub months: Vec<MonthReport>,
    /// Force-months that replaced ones already held ("leicestershire 2023-04").
    pub replaced: Vec<String>,
    /// For each force imported, the months missing between the first and
    /// last month held.
    pub missing_months: BTreeMap<String, Vec<Month>>,
}

/// One force-month of an import.
#[derive(Debug, Clone, Serialize)]
pub struct MonthReport {
    pub force: String,
    pub month: Month,
    /// The file, as the person importing named it.
    pub file: String,
    pub rows_read: u64,
    pub rows_kept: u64,
    pub skipped: BTreeMap<SkipReason, u64>,
    pub without_location: u64,
    pub asb: u64,
}

/// Why an import did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The files were refused; the message (file, line, field, what was
    /// expected) is for the person importing.
    #[error("{0}")]
    Rejected(String),
    /// Something went wrong on the server's side.
    #[error("{0}")]
    Internal(String),
}

impl From<StoreError> for ImportError {
    fn from(e: StoreError) -> ImportError {
        match e {
            StoreError::Locked { .. } => ImportError::Rejected(
                "Another import is running. Wait for it to finish and try again.".into(),
            ),
            other => ImportError::Internal(other.to_string()),
        }
    }
}

impl From<safer_ingest::IngestError> for ImportError {
    fn from(e: safer_ingest::IngestError) -> ImportError {
        ImportError::Rejected(e.to_string())
    }
}

/// Imports police.uk files into the data directory, all or nothing.
///
/// `sources` are (the file's name as the person importing knows it, where
/// its bytes are): errors and the manifest use the first, so an upload's
/// temporary path never shows. `progress` is called with each file's size
/// once it is read.
pub fn import_police_uk(
    data_dir: &Path,
    sources: &[(PathBuf, PathBuf)],
    progress: &(dyn Fn(u64) + Sync),
) -> Result<ImportReport, ImportError> {
    let names: Vec<PathBuf> = sources.iter().map(|(n, _)| n.clone()).collect();
    police_uk::check_file_names(&names)?;
    let dir = DataDir::open(data_dir)?;
    let store = dir.crimes()?;
    let staging = store.begin()?;
    let chunks = chunks_by_force(sources, rayon::current_num_threads());
    let results: Vec<Result<Vec<(Staged, FileReport)>, ImportError>> = chunks
        .par_iter()
        .map(|chunk| {
            let mut parsed = Vec::with_capacity(chunk.len());
            for (name, path) in chunk {
                let bytes = std::fs::read(path)
                    .map_err(|e| ImportError::Rejected(format!("{}: {e}", name.display())))?;
                let (table, report) = police_uk::parse(name, &bytes)?;
                progress(bytes.len() as u64);
                parsed.push((table, report, name));
            }
            let refs: Vec<(&MonthlyCrimes, &Path)> =
                parsed.iter().map(|(t, _, n)| (t, n.as_path())).collect();
            let staged = staging.write_many(&refs)?;
            Ok(staged
                .into_iter()
                .zip(parsed.into_iter().map(|(_, r, _)| r))
                .collect())
        })
        .collect();
    let mut staged = Vec::with_capacity(sources.len());
    let mut reports = Vec::with_capacity(sources.len());
    for r in results {
        // The first failure in force order, so the message is the same on
        // every run; dropping `staging` removes every file it wrote.
        for (s, rep) in r? {
            staged.push(s);
            reports.push(rep);
        }
    }
    let summary = staging.commit(staged)?;

    let entries = store.entries()?;
    let forces: BTreeSet<&str> = reports.iter().map(|r| r.force.as_str()).collect();
    let missing_months = forces
        .into_iter()
        .map(|force| {
            let months: Vec<Month> = entries
                .iter()
                .filter(|e| e.force == force)
                .map(|e| e.month)
                .collect();
            let missing = match (months.first(), months.last()) {
                (Some(a), Some(b)) => (a.ordinal()..=b.ordinal())
                    .map(Month::from_ordinal)
                    .filter(|m| !months.contains(m))
                    .collect(),
                _ => vec![],
            };
            (force.to_owned(), missing)
        })
        .collect();
    let mut months: Vec<MonthReport> = reports
        .into_iter()
        .map(|r| MonthReport {
            force: r.force,
            month: r.month.unwrap_or_else(|| Month::from_ordinal(0)),
            file: r.path.display().to_string(),
            rows_read: r.rows_read,
            rows_kept: r.rows_kept,
            skipped: r.skipped,
            without_location: r.without_location,
            asb: r.asb,
        })
        .collect();
    months.sort_by(|a, b| (&a.force, a.month).cmp(&(&b.force, b.month)));
    Ok(ImportReport {
        files: months.len(),
        rows_read: months.iter().map(|m| m.rows_read).sum(),
        rows_kept: months.iter().map(|m| m.rows_kept).sum(),
        rows_skipped: months.iter().map(|m| m.skipped.values().sum::<u64>()).sum(),
        replaced: summary
            .replaced
            .iter()
            .map(|(f, m)| format!("{f} {m}"))
            .collect(),
        months,
        missing_months,
    })
}

/// Splits the sources into chunks of one force each, small enough that
/// every thread has several chunks to work on.
fn chunks_by_force(sources: &[(PathBuf, PathBuf)], threads: usize) -> Vec<Vec<(PathBuf, PathBuf)>> {
    let target = sources.len().div_ceil(threads.max(1) * 4).max(1);
    let mut by_force: BTreeMap<String, Vec<(PathBuf, PathBuf)>> = BTreeMap::new();
    for s in sources {
        let force = police_uk::parse_file_name(&s.0)
            .map(|(f, _)| f)
            .unwrap_or_default();
        by_force.entry(force).or_default().push(s.clone());
    }
    by_force
        .into_values()
        .flat_map(|fs| fs.chunks(target).map(<[_]>::to_vec).collect::<Vec<_>>())
        .collect()
}
