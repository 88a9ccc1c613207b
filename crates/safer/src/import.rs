//! `safer import`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use safer_domain::Month;
use safer_ingest::police_uk;
use safer_store::{DataDir, StoredPartnership};
use safer_web::import::ImportReport;

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
                eprint!("{}", render(&report));
            }
            Ok(())
        }
        ImportCommand::Partnership { file } => import_partnership(data_dir, &file),
    }
}

/// The import report, for people.
fn render(report: &ImportReport) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Imported {} file(s): {} rows read, {} kept, {} skipped.",
        report.files, report.rows_read, report.rows_kept, report.rows_skipped
    );
    let _ = writeln!(
        s,
        "{:<24} {:<8} {:>9} {:>9} {:>8} {:>12}  skipped because",
        "force", "month", "read", "kept", "skipped", "no location"
    );
    for m in &report.months {
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
    if !report.replaced.is_empty() {
        let _ = writeln!(
            s,
            "Replaced force-months already held: {}.",
            report.replaced.join(", ")
        );
    }
    for (force, missing) in &report.missing_months {
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

/// Imports police.uk files, all or nothing, with a progress bar.
pub fn import_police_uk(data_dir: &Path, paths: &[PathBuf]) -> Result<ImportReport> {
    let files = police_uk::discover(paths)?;
    let total: u64 = files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    let bar = progress_bar(total);
    let sources: Vec<(PathBuf, PathBuf)> = files.iter().map(|f| (f.clone(), f.clone())).collect();
    let report = safer_web::import::import_police_uk(data_dir, &sources, &|n| bar.inc(n));
    bar.finish_and_clear();
    Ok(report?)
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
