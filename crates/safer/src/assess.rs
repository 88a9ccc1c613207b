//! `safer assess`.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Args;
use rayon::prelude::*;
use safer_analysis::{Assessment, AssessmentRequest, Beats, DistrictCounts};
use safer_domain::{FinancialYear, Month};
use safer_store::{DataDir, StoredPartnership};

#[derive(Debug, Args)]
pub struct AssessArgs {
    /// The district (local authority) as police.uk LSOA names begin, e.g. Charnwood.
    #[arg(long, value_name = "NAME")]
    pub district: String,
    /// The financial year, April to March, e.g. 2023/24.
    #[arg(long, value_name = "YYYY/YY")]
    pub year: FinancialYear,
    /// The last month of a year-to-date assessment, e.g. 2023-09. Default: the whole year.
    #[arg(long, value_name = "YYYY-MM")]
    pub as_at: Option<Month>,
    /// Where to write the HTML report and CSV tables.
    /// Default: safer-out/<district>-<year>[-to-<month>].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Print the assessment as one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
}

/// A district's counts from the data held, with the partnership covering
/// it if one is imported. The district is matched without regard to case
/// and returned as police.uk spells it.
pub fn district_counts(
    data_dir: &Path,
    district: &str,
) -> Result<(DistrictCounts, Option<StoredPartnership>)> {
    let dir = DataDir::open(data_dir)?;
    let store = dir.crimes()?;
    let entries = store.entries()?;
    if entries.is_empty() {
        bail!(
            "no police.uk data is held in {}; import some with `safer import police-uk PATH`",
            data_dir.display()
        );
    }
    let Some(district) = entries
        .iter()
        .flat_map(|e| &e.districts)
        .find(|d| d.eq_ignore_ascii_case(district))
        .cloned()
    else {
        let mut known: Vec<&str> = entries
            .iter()
            .flat_map(|e| e.districts.iter().map(String::as_str))
            .collect();
        known.sort_unstable();
        known.dedup();
        let shown: Vec<&str> = known.iter().take(30).copied().collect();
        bail!(
            "no records are held for a district named {district:?}. Districts held ({}): {}{}",
            known.len(),
            shown.join(", "),
            if known.len() > shown.len() {
                ", …"
            } else {
                ""
            }
        );
    };
    let partnership = dir.partnership_for_district(&district)?;
    let beats = partnership
        .as_ref()
        .map(|p| p.beats.clone())
        .unwrap_or_else(Beats::default);
    let mut counts = DistrictCounts::new(&district, &beats);
    for e in &entries {
        counts.note_file(&e.force, e.month, e.without_location);
    }
    // Only the force-months that hold the district's records are read.
    let parts: Vec<Result<DistrictCounts>> = entries
        .par_iter()
        .filter(|e| e.districts.contains(&district))
        .map(|e| {
            let table = store.read(e)?;
            let mut c = DistrictCounts::new(&district, &beats);
            c.add(&table, &beats);
            Ok(c)
        })
        .collect();
    for p in parts {
        counts.merge(p?);
    }
    Ok((counts, partnership))
}

/// Computes an assessment from the data held.
pub fn compute(
    data_dir: &Path,
    district: &str,
    year: FinancialYear,
    as_at: Option<Month>,
) -> Result<(Assessment, Option<String>)> {
    let (counts, partnership) = district_counts(data_dir, district)?;
    let p = partnership.as_ref().map(|p| &p.partnership);
    let req = AssessmentRequest {
        district: counts.district.clone(),
        year,
        as_at,
        groups: p.map(|p| p.groups.clone()).unwrap_or_default(),
        population: p.and_then(|p| p.population.clone()),
    };
    let a = Assessment::build(&counts, &req).context("cannot assess that period")?;
    Ok((a, p.map(|p| p.name.clone())))
}

pub fn run(data_dir: &Path, args: &AssessArgs) -> Result<()> {
    let (a, partnership_name) = compute(data_dir, &args.district, args.year, args.as_at)?;
    let out = args.out.clone().unwrap_or_else(|| default_out(&a));
    let meta = safer_report::ReportMeta {
        partnership_name,
        generated_at: now_utc(),
    };
    let written = safer_report::write_assessment(&a, &meta, &out)?;
    if args.json {
        println!("{}", serde_json::to_string(&a)?);
    }
    for w in &a.warnings {
        eprintln!("warning: {w}");
    }
    if let Some(all) = a.all_crime() {
        eprintln!(
            "{} {}: all crime {} (previous year {}), anti-social behaviour {}.",
            a.district,
            a.comparison.current_period,
            all.current,
            all.previous,
            a.row("Anti-social behaviour").map_or(0, |r| r.current)
        );
    }
    if let Some(html) = written.first() {
        eprintln!("Assessment written to {}", html.display());
        eprintln!("CSV tables in {}", out.display());
    }
    Ok(())
}

fn default_out(a: &Assessment) -> PathBuf {
    let district: String = a
        .district
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let year = a.year.to_string().replace('/', "-");
    let mut name = format!("{district}-{year}");
    if let Some(m) = a.as_at {
        name.push_str(&format!("-to-{m}"));
    }
    PathBuf::from("safer-out").join(name)
}

/// The current time as an RFC 3339 UTC timestamp, without a date library.
pub fn now_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Howard Hinnant's civil-from-days algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}
