//! `safer import`.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use safer_domain::Month;
use safer_ingest::{FileReport, SkipReason, police_uk};
use safer_store::{DataDir, Staged, StoredPartnership};

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import police.uk street-level CSVs (files, or folders searched for *-street.csv).
    ///
    /// Files must be named as police.uk names them: YYYY-MM-<force>-street.csv.
    /// Re-importing a force-month replaces it. A bad file stops the whole
    /// import and nothing of it is kept.
    #[command(name = "police-uk")]
    PoliceUk {
        /// Files or folders (for example a police.uk archive folder of YYYY-MM/ folders).
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Print the import report as JSON on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Import a partnership configuration (TOML): district, population, groups and beats.
    Partnership {
        /// The partnership file, for example examples/charnwood/partnership.toml.
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
}

pub fn run(data_dir: &Path, cmd: ImportCommand) -> Result<()> {
    match cmd {
        ImportCommand::PoliceUk { paths, json } => {
            let report = import_police_uk(data_dir, &paths)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                eprint!("{}", report.render());
            }
            Ok(())
        }
        ImportCommand::Partnership { file } => import_partnership(data_dir, &file),
    }
}

/// What an import did, for the user.
#[derive(Debug, serde::Serialize)]
pub struct ImportReport {
    pub files: usize,
    pub rows_read: u64,
    pub rows_kept: u64,
    pub rows_skipped: u64,
    pub months: Vec<MonthReport>,
    pub replaced: Vec<String>,
    /// For each force held, the months missing between its first and last.
    pub missing_months: BTreeMap<String, Vec<Month>>,
}

/// One force-month of an import.
#[derive(Debug, serde::Serialize)]
pub struct MonthReport {
    pub force: String,
    pub month: Month,
    pub file: String,
    pub rows_read: u64,
    pub rows_kept: u64,
    pub skipped: BTreeMap<SkipReason, u64>,
    pub without_location: u64,
    pub asb: u64,
}

impl ImportReport {
    fn render(&self) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "Imported {} file(s): {} rows read, {} kept, {} skipped.",
            self.files, self.rows_read, self.rows_kept, self.rows_skipped
        );
        let _ = writeln!(
            s,
            "{:<24} {:<8} {:>9} {:>9} {:>8} {:>12}  skipped because",
            "force", "month", "read", "kept", "skipped", "no location"
        );
        for m in &self.months {
            let skipped: u64 = m.skipped.values().sum();
            let why: Vec<String> = m
                .skipped
                .iter()
                .map(|(r, n)| format!("{n} {}", r.describe()))
                .collect();
            let _ = writeln!(
                s,
                "{:<24} {:<8} {:>9} {:>9} {:>8} {:>12}  {}",
                m.force,
                m.month.to_string(),
                m.rows_read,
                m.rows_kept,
                skipped,
                m.without_location,
                why.join("; ")
            );
        }
        if !self.replaced.is_empty() {
            let _ = writeln!(
                s,
                "Replaced force-months already held: {}.",
                self.replaced.join(", ")
            );
        }
        for (force, missing) in &self.missing_months {
            if missing.is_empty() {
                let _ = writeln!(s, "{force}: no months missing in the span held.");
            } else {
                let list: Vec<String> = missing.iter().map(Month::to_string).collect();
                let _ = writeln!(
                    s,
                    "{force}: MISSING {} month(s) in the span held: {}.",
                    missing.len(),
                    list.join(", ")
                );
            }
        }
        s
    }
}

/// Imports police.uk files, all or nothing.
pub fn import_police_uk(data_dir: &Path, paths: &[PathBuf]) -> Result<ImportReport> {
    let files = police_uk::discover(paths)?;
    police_uk::check_file_names(&files)?;
    let dir = DataDir::open(data_dir)?;
    let store = dir.crimes()?;
    let total: u64 = files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    let bar = progress_bar(total);
    let staging = store.begin()?;
    // Files are parsed in parallel in chunks of one force each, and each
    // chunk is written as one store file at once, so memory holds only the
    // chunks in flight; nothing is visible until the commit below.
    let chunks = chunks_by_force(&files, rayon::current_num_threads());
    let results: Vec<Result<Vec<(Staged, FileReport)>>> = chunks
        .par_iter()
        .map(|chunk| {
            let mut parsed = Vec::with_capacity(chunk.len());
            for path in chunk {
                let (table, report) = police_uk::read_file(path)?;
                bar.inc(std::fs::metadata(path).map(|m| m.len()).unwrap_or(0));
                parsed.push((table, report, path));
            }
            let refs: Vec<(&safer_ingest::MonthlyCrimes, &Path)> =
                parsed.iter().map(|(t, _, p)| (t, p.as_path())).collect();
            let staged = staging.write_many(&refs)?;
            Ok(staged
                .into_iter()
                .zip(parsed.into_iter().map(|(_, r, _)| r))
                .collect())
        })
        .collect();
    bar.finish_and_clear();
    let mut staged = Vec::with_capacity(results.len());
    let mut reports = Vec::with_capacity(results.len());
    for r in results {
        // The first failure in path order, so the message is the same on
        // every run; dropping `staging` removes every file it wrote.
        for (s, rep) in r? {
            staged.push(s);
            reports.push(rep);
        }
    }
    let summary = staging
        .commit(staged)
        .context("could not commit the import")?;

    let mut missing_months = BTreeMap::new();
    let entries = store.entries()?;
    let forces: std::collections::BTreeSet<&str> =
        reports.iter().map(|r| r.force.as_str()).collect();
    for force in forces {
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
        missing_months.insert(force.to_owned(), missing);
    }
    let months: Vec<MonthReport> = reports
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

/// Splits files (sorted by path) into chunks of one force each, small
/// enough that every thread has several chunks to work on.
fn chunks_by_force(files: &[PathBuf], threads: usize) -> Vec<Vec<PathBuf>> {
    let target = files.len().div_ceil(threads.max(1) * 4).max(1);
    let mut by_force: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for f in files {
        let force = police_uk::parse_file_name(f)
            .map(|(force, _)| force)
            .unwrap_or_default();
        by_force.entry(force).or_default().push(f.clone());
    }
    let mut chunks = Vec::new();
    for (_, fs) in by_force {
        for c in fs.chunks(target) {
            chunks.push(c.to_vec());
        }
    }
    chunks
}

/// A byte-count progress bar on a terminal; hidden otherwise, so logs and
/// pipes stay clean.
fn progress_bar(total: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} importing [{bar:40}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta} left)",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// Imports a partnership configuration and the geography it names.
pub fn import_partnership(data_dir: &Path, file: &Path) -> Result<()> {
    let loaded = safer_ingest::config::load(file)?;
    let dir = DataDir::open(data_dir)?;
    let p = &loaded.partnership;
    let stored = StoredPartnership {
        partnership: loaded.partnership.clone(),
        beats: loaded.beats,
    };
    let path = dir.save_partnership(&stored)?;
    eprintln!(
        "Imported partnership {:?} ({}): district {}, {} beat(s), {} group(s), population {}.",
        p.id,
        p.name,
        p.district,
        p.beats.len(),
        p.groups.len(),
        p.population
            .as_ref()
            .map_or("not set".to_owned(), |x| format!(
                "{} ({})",
                x.value, x.source
            ))
    );
    eprintln!("Saved to {}", path.display());
    Ok(())
}
