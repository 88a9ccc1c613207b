//! `safer assess`.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;
use safer_analysis::{Assessment, AssessmentRequest, DistrictCounts};
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
    /// Do not print the report to PDF (which needs Chromium).
    #[arg(long)]
    pub no_pdf: bool,
}

/// A district's counts from the data held, with the partnership covering
/// it if one is imported.
pub fn district_counts(
    data_dir: &Path,
    district: &str,
) -> Result<(DistrictCounts, Option<StoredPartnership>)> {
    Ok(DataDir::open(data_dir)?.district_counts(district)?)
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
        areas: p.map(safer_analysis::Areas::of).unwrap_or_default(),
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
    let c = &a.comparison;
    if let Some(all) = a.all_crime() {
        let previous = match all.previous {
            Some(p) => format!("{p} in the {} months held", c.previous_months_held),
            None => "not held".to_owned(),
        };
        eprintln!(
            "{} {}: all crime {} in the {} months held (previous year {previous}), anti-social behaviour {}.",
            a.district,
            c.current_period,
            all.current,
            c.current_months_held,
            a.row("Anti-social behaviour").map_or(0, |r| r.current)
        );
        if let (Some(p), Some(cur)) = (all.compared_previous, all.compared_current) {
            eprintln!(
                "Like for like over the {} months held in both years: {p} → {cur} ({}).",
                c.comparable_months.len(),
                safer_domain::Change::between(p, cur).percent_label()
            );
        }
    }
    if let Some(html) = written.first() {
        eprintln!("Assessment written to {}", html.display());
        eprintln!("CSV tables in {}", out.display());
        let pdf = out.join("assessment.pdf");
        if args.no_pdf {
            // Asked for none.
        } else if safer_report::html_to_pdf(html, &pdf)? {
            eprintln!("PDF written to {}", pdf.display());
        } else {
            eprintln!(
                "No PDF: Chromium was not found (install the Debian package chromium, or set SAFER_CHROMIUM)."
            );
        }
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

/// The current time as an RFC 3339 UTC timestamp.
pub fn now_utc() -> String {
    safer_store::db::now()
}
