//! `safer import`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use safer_app::import::{ImportReport, describe_short};
use safer_app::{App, AppConfig, AppError};
use safer_domain::{Month, SizeRule};

use crate::db;

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import police.uk street-level crime: the zip police.uk gives as its
    /// download, folders, or CSV files.
    ///
    /// Files must be named as police.uk names them: YYYY-MM-<force>-street.csv.
    /// Folders and zips are searched for them; outcomes, stop and search and
    /// other files found there are left out and listed. Re-importing a
    /// force-month replaces it. A bad file stops the whole import and
    /// nothing of it is kept. A file with far fewer rows than the month it
    /// replaces, or than the force's neighbouring months, is refused unless
    /// --accept-smaller is given: a file cut short is still well-formed CSV.
    #[command(name = "police-uk")]
    PoliceUk {
        /// Zips, folders (for example a police.uk archive folder of YYYY-MM/ folders) or files.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Print the import report as JSON on stdout.
        #[arg(long)]
        json: bool,
        /// Import files much smaller than expected (they are listed in the report).
        #[arg(long)]
        accept_smaller: bool,
        /// A file with fewer rows than this percentage of the month it replaces,
        /// or of the median of the force's months within three of it, is refused.
        /// 0 turns the check off.
        #[arg(
            long,
            value_name = "PERCENT",
            default_value_t = SizeRule::DEFAULT_PERCENT,
            env = "SAFER_MIN_ROWS_PERCENT",
            value_parser = clap::value_parser!(u32).range(0..=100)
        )]
        min_rows_percent: u32,
        /// The analyst importing (a user of Safer). Default: SAFER_USER, else the login name.
        #[arg(long, value_name = "USERNAME")]
        by: Option<String>,
    },
    /// Import the partnership's case-work settings (forums, case types,
    /// restricted types, review intervals, risk assessment, sharing
    /// agreements, repeat rules, retention), checked first. Settings left
    /// out keep their defaults (examples/charnwood/casework.toml lists
    /// them). Restart `safer serve` to apply them.
    Casework {
        /// The settings file, for example examples/charnwood/casework.toml.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Who is importing (a community safety officer or JAG coordinator). Default: SAFER_USER, else the login name.
        #[arg(long, value_name = "USERNAME")]
        by: Option<String>,
    },
    /// Import a partnership configuration (TOML): district, population, groups and beats.
    Partnership {
        /// The partnership file, for example examples/charnwood/partnership.toml.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Who is importing (a community safety officer or analyst). Default: SAFER_USER, else the login name.
        #[arg(long, value_name = "USERNAME")]
        by: Option<String>,
    },
}

pub fn run(data_dir: &Path, url: Option<&str>, cmd: ImportCommand) -> Result<()> {
    match cmd {
        ImportCommand::PoliceUk {
            paths,
            json,
            accept_smaller,
            min_rows_percent,
            by,
        } => {
            let config = AppConfig {
                size_rule: SizeRule::new(min_rows_percent)
                    .context("--min-rows-percent must be from 0 to 100")?,
                ..AppConfig::default()
            };
            let report = match db::block_on(async {
                let app = db::open_with(data_dir, url, config).await?;
                import_police_uk(&app, by.as_deref(), &paths, accept_smaller).await
            })? {
                Err(e) if matches!(e.downcast_ref(), Some(AppError::TooSmall(_))) => {
                    anyhow::bail!(
                        "{e}\nCheck these files (a download cut short is the usual cause). To import them as they are, run the same command with --accept-smaller."
                    )
                }
                other => other?,
            };
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                eprint!("{}", render(&report));
            }
            Ok(())
        }
        ImportCommand::Casework { file, by } => db::block_on(async {
            let app = db::open(data_dir, url).await?;
            let actor = db::actor(&app, by.as_deref()).await?;
            let c = app.import_casework(&actor, &file).await?;
            eprintln!(
                "Case-work settings imported: {} forums, {} case types ({} restricted), repeat victim {} in {} months, repeat location {} in {} months. Restart `safer serve` to apply them.",
                c.forums.len(),
                c.case_types.len(),
                c.restrictions.types.len(),
                c.repeat_victim.incidents,
                c.repeat_victim.months,
                c.repeat_location.incidents,
                c.repeat_location.months
            );
            anyhow::Ok(())
        })?,
        ImportCommand::Partnership { file, by } => db::block_on(async {
            let app = db::open(data_dir, url).await?;
            import_partnership(&app, by.as_deref(), &file).await
        })?,
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
        "{:<24} {:<8} {:>9} {:>9} {:>8} {:>12} {:>9}  skipped because",
        "force", "month", "read", "kept", "skipped", "no location", "repeated"
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
            "{:<24} {:<8} {:>9} {:>9} {:>8} {:>12} {:>9}  {}",
            m.force,
            m.month.to_string(),
            m.rows_read,
            m.rows_kept,
            skipped,
            m.without_location,
            m.repeated_crime_ids.rows,
            why.join("; ")
        );
    }
    let repeats: Vec<_> = report
        .months
        .iter()
        .filter(|m| m.repeated_crime_ids.rows > 0)
        .collect();
    if !repeats.is_empty() {
        let _ = writeln!(
            s,
            "Repeated Crime IDs (every row is kept, as police.uk counts rows; a repeat often lies in another place or district):"
        );
        for m in repeats {
            let r = &m.repeated_crime_ids;
            let _ = writeln!(
                s,
                "  {} {}: {} repeated row(s) of {} Crime ID(s), {} identical in every field to the first{}",
                m.force,
                m.month,
                r.rows,
                r.ids,
                r.identical,
                r.examples
                    .first()
                    .map(|e| format!(" (e.g. lines {} and {})", e.first_line, e.line))
                    .unwrap_or_default()
            );
        }
    }
    if !report.accepted_smaller.is_empty() {
        let _ = writeln!(
            s,
            "Imported although much smaller than expected (--accept-smaller):{}",
            describe_short(&report.accepted_smaller)
                .split_once(':')
                .map_or("", |(_, rest)| rest)
        );
    }
    if !report.left_out.is_empty() {
        let _ = writeln!(
            s,
            "Left out, not police.uk street-level files ({}):",
            report.left_out.len()
        );
        for l in &report.left_out {
            let _ = writeln!(s, "  {}: {}", l.name, l.kind.describe());
        }
    }
    if !report.replaced.is_empty() {
        let _ = writeln!(
            s,
            "Replaced force-months already held: {}.",
            report.replaced.join(", ")
        );
    }
    let complete: Vec<&str> = report
        .missing_months
        .iter()
        .filter(|(_, m)| m.is_empty())
        .map(|(f, _)| f.as_str())
        .collect();
    if !complete.is_empty() {
        let _ = writeln!(
            s,
            "No months missing in the span held: {}.",
            complete.join(", ")
        );
    }
    for (force, missing) in &report.missing_months {
        if !missing.is_empty() {
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

/// Imports police.uk files, all or nothing, with a progress bar, by the
/// analyst `by` names.
pub async fn import_police_uk(
    app: &App,
    by: Option<&str>,
    paths: &[PathBuf],
    accept_smaller: bool,
) -> Result<ImportReport> {
    let actor = db::actor(app, by).await?;
    let found = safer_app::import::discover(paths)?;
    let total: u64 = found.files.iter().map(|f| f.size).sum();
    let bar = progress_bar(total);
    let progress = {
        let bar = bar.clone();
        std::sync::Arc::new(move |n| bar.inc(n))
    };
    let report = app
        .import_police_uk(&actor, found, accept_smaller, progress)
        .await;
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
pub async fn import_partnership(app: &App, by: Option<&str>, file: &Path) -> Result<()> {
    let actor = db::actor(app, by).await?;
    let stored = app.import_partnership(&actor, file).await?;
    let p = &stored.partnership;
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
    Ok(())
}
