//! The police.uk import, all or nothing: the one pipeline behind both
//! `safer import police-uk` and the web upload page.
//!
//! Files are found first (folders, police.uk's zip download, single files;
//! [`safer_ingest::sources`]) and checked by name (police.uk's
//! `YYYY-MM-<force>-street.csv`, no force-month twice), then parsed in
//! parallel in chunks of one force each; each chunk is written at once as
//! one store file in a staging state, so memory holds only the chunks in
//! flight. When every file has parsed, each is checked against the month
//! it replaces and its neighbours ([`SizeRule`]): a file far smaller is
//! refused unless the person importing accepts it. Then the audit entry is
//! written, and only then is the manifest replaced in one atomic rename, so
//! no import is kept without its entry; any failure drops the staging,
//! which removes its files. (If the rename itself fails after the entry is
//! written, a second entry, `import_police_uk_failed`, says so.)

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use rayon::prelude::*;
use safer_analysis::MonthlyCrimes;
use safer_domain::{Month, Role, ShortFile, SizeReference, SizeRule};
use safer_ingest::police_uk::{self, RepeatedCrimeIds};
use safer_ingest::{FileReport, SourceReader};
use safer_store::{DataDir, ManifestEntry, Staged, StagedTable};
use serde::Serialize;

pub use safer_ingest::sources::{add_named, discover, is_archive};
pub use safer_ingest::{Discovery, LeftOut, LeftOutKind, SkipReason, Source};

use crate::{Actor, App, AppError};

/// How an import treats files smaller than expected.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    pub size_rule: SizeRule,
    /// Import files the size rule finds short, and list them in the report.
    pub accept_smaller: bool,
}

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
    /// Files in the folders and archives given that are not street-level
    /// files, and so were not imported.
    pub left_out: Vec<LeftOut>,
    /// Files much smaller than the month they replace or their neighbours,
    /// imported because the person importing accepted them.
    pub accepted_smaller: Vec<ShortFile>,
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
    /// Rows whose Crime ID an earlier row of the file has: kept, and
    /// noted here as a data-quality matter.
    pub repeated_crime_ids: RepeatedCrimeIds,
}

/// The figures of short files, for people.
pub fn describe_short(files: &[ShortFile]) -> String {
    let mut s = format!(
        "{} file(s) much smaller than expected, so nothing was imported (a file cut short replaces a whole month with part of one):",
        files.len()
    );
    for f in files {
        let against = match &f.reference {
            SizeReference::Replaced { rows } => {
                format!(
                    "the {rows} rows of the {} {} it would replace",
                    f.force, f.month
                )
            }
            SizeReference::Neighbours { median, months } => format!(
                "{median} rows, the median of {} {} ({})",
                f.force,
                if months.len() == 1 { "month" } else { "months" },
                months
                    .iter()
                    .map(Month::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        s.push_str(&format!(
            "\n  {} {}: {} rows, {}% of {against}",
            f.force, f.month, f.rows, f.percent
        ));
    }
    s
}

/// Whether a name is police.uk's for a street-level file
/// (`YYYY-MM-<force>-street.csv`).
pub fn is_street_file_name(name: &str) -> bool {
    police_uk::parse_file_name(std::path::Path::new(name)).is_ok()
}

/// What may report an import's progress: called with each file's size once
/// it is read, from any thread.
pub type Progress = std::sync::Arc<dyn Fn(u64) + Send + Sync>;

impl App {
    /// Imports the street-level files found, all or nothing, for an
    /// analyst; audited as `import_police_uk`.
    pub async fn import_police_uk(
        &self,
        actor: &Actor,
        found: Discovery,
        accept_smaller: bool,
        progress: Progress,
    ) -> Result<ImportReport, AppError> {
        actor.require(&[Role::Analyst])?;
        let options = ImportOptions {
            size_rule: self.config().size_rule,
            accept_smaller,
        };
        let data_dir = self.data_dir().to_owned();
        let prepared =
            tokio::task::spawn_blocking(move || prepare(&data_dir, &found, options, &*progress))
                .await??;
        let detail = format!(
            "{} file(s), {} rows kept: {}",
            prepared.report.files,
            prepared.report.rows_kept,
            prepared
                .report
                .months
                .iter()
                .map(|m| format!("{} {}", m.force, m.month))
                .collect::<Vec<_>>()
                .join(", ")
        );
        self.db
            .audit(&actor.audit("import_police_uk", "police.uk", &detail))
            .await?;
        let committed = prepared.commit();
        // Even a commit that failed may have replaced the manifest before
        // failing: results computed before it are not kept either way.
        self.caches.data_changed();
        let report = match committed {
            Ok(r) => r,
            Err(e) => {
                let _ = self
                    .db
                    .audit(&actor.audit(
                        "import_police_uk_failed",
                        "police.uk",
                        &format!("the files were checked but not kept: {e}"),
                    ))
                    .await;
                return Err(e);
            }
        };
        Ok(report)
    }
}

/// An import checked and staged, not yet visible.
struct Prepared {
    staging: safer_store::Staging,
    staged: Vec<Staged>,
    report: ImportReport,
    store: safer_store::CrimeStore,
}

impl Prepared {
    /// Makes the staged files the store's and completes the report.
    fn commit(self) -> Result<ImportReport, AppError> {
        let Prepared {
            staging,
            staged,
            mut report,
            store,
        } = self;
        let summary = staging.commit(staged)?;
        report.replaced = summary
            .replaced
            .iter()
            .map(|(f, m)| format!("{f} {m}"))
            .collect();
        let entries = store.entries()?;
        let forces: BTreeSet<&str> = report.months.iter().map(|r| r.force.as_str()).collect();
        report.missing_months = forces
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
        Ok(report)
    }
}

/// Parses and stages every file and checks their sizes; nothing is
/// visible yet.
fn prepare(
    data_dir: &std::path::Path,
    found: &Discovery,
    options: ImportOptions,
    progress: &(dyn Fn(u64) + Send + Sync),
) -> Result<Prepared, AppError> {
    let names: Vec<PathBuf> = found.files.iter().map(|s| s.name.clone()).collect();
    police_uk::check_file_names(&names)?;
    let dir = DataDir::open(data_dir)?;
    let store = dir.crimes()?;
    let staging = store.begin()?;
    let chunks = chunks_by_force(&found.files, rayon::current_num_threads());
    let results: Vec<Result<Vec<(Staged, FileReport)>, AppError>> = chunks
        .par_iter()
        .map(|chunk| {
            let mut reader = SourceReader::new();
            let mut parsed = Vec::with_capacity(chunk.len());
            for source in chunk {
                let bytes = reader.read(source)?;
                let (table, report) = police_uk::parse(&source.name, &bytes)?;
                progress(bytes.len() as u64);
                parsed.push((table, report, &source.name));
            }
            let tables: Vec<StagedTable<'_>> = parsed
                .iter()
                .map(
                    |(t, r, n): &(MonthlyCrimes, FileReport, &PathBuf)| StagedTable {
                        table: t,
                        source: n.as_path(),
                        repeated_crime_ids: r.repeated_crime_ids.rows,
                        repeated_identical: r.repeated_crime_ids.identical,
                    },
                )
                .collect();
            let staged = staging.write_many(&tables)?;
            Ok(staged
                .into_iter()
                .zip(parsed.into_iter().map(|(_, r, _)| r))
                .collect())
        })
        .collect();
    let mut staged = Vec::with_capacity(found.files.len());
    let mut reports = Vec::with_capacity(found.files.len());
    for r in results {
        // The first failure in force order, so the message is the same on
        // every run; dropping `staging` removes every file it wrote.
        for (s, rep) in r? {
            staged.push(s);
            reports.push(rep);
        }
    }

    let held = store.entries()?;
    let short = short_files(&held, &staged, options.size_rule);
    if !short.is_empty() && !options.accept_smaller {
        return Err(AppError::TooSmall(short));
    }
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
            repeated_crime_ids: r.repeated_crime_ids,
        })
        .collect();
    months.sort_by(|a, b| (&a.force, a.month).cmp(&(&b.force, b.month)));
    let report = ImportReport {
        files: months.len(),
        rows_read: months.iter().map(|m| m.rows_read).sum(),
        rows_kept: months.iter().map(|m| m.rows_kept).sum(),
        rows_skipped: months.iter().map(|m| m.skipped.values().sum::<u64>()).sum(),
        replaced: vec![],
        months,
        missing_months: BTreeMap::new(),
        left_out: found.left_out.clone(),
        accepted_smaller: short,
    };
    Ok(Prepared {
        staging,
        staged,
        report,
        store,
    })
}

/// The staged files much smaller than the month they replace or their
/// neighbours (held, or in this import).
fn short_files(held: &[ManifestEntry], staged: &[Staged], rule: SizeRule) -> Vec<ShortFile> {
    // Every force-month's rows once the import is in: the import's files
    // replace what is held.
    let mut after: BTreeMap<(&str, Month), u64> = held
        .iter()
        .map(|e| ((e.force.as_str(), e.month), e.rows))
        .collect();
    for s in staged {
        after.insert((s.entry.force.as_str(), s.entry.month), s.entry.rows);
    }
    staged
        .iter()
        .filter_map(|s| {
            let e = &s.entry;
            let replaced = held
                .iter()
                .find(|h| h.force == e.force && h.month == e.month)
                .map(|h| h.rows);
            let others: Vec<(Month, u64)> = after
                .iter()
                .filter(|((f, m), _)| *f == e.force && *m != e.month)
                .map(|((_, m), rows)| (*m, *rows))
                .collect();
            rule.check(&e.force, e.month, e.rows, replaced, &others)
        })
        .collect()
}

/// Splits the sources into chunks of one force each, small enough that
/// every thread has several chunks to work on.
fn chunks_by_force(sources: &[Source], threads: usize) -> Vec<Vec<Source>> {
    let target = sources.len().div_ceil(threads.max(1) * 4).max(1);
    let mut by_force: BTreeMap<String, Vec<Source>> = BTreeMap::new();
    for s in sources {
        let force = police_uk::parse_file_name(&s.name)
            .map(|(f, _)| f)
            .unwrap_or_default();
        by_force.entry(force).or_default().push(s.clone());
    }
    by_force
        .into_values()
        .flat_map(|fs| fs.chunks(target).map(<[_]>::to_vec).collect::<Vec<_>>())
        .collect()
}
