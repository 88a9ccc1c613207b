//! `safer assess`.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;
use safer_analysis::Assessment;
use safer_app::AssessmentQuery;
use safer_domain::{FinancialYear, Month};

use crate::db;

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

/// An assessment computed from the data held, with the partnership's name
/// and the analyst's narrative when one is written.
pub struct Computed {
    pub assessment: Assessment,
    pub partnership_name: Option<String>,
    pub narrative: Option<safer_domain::Narrative>,
}

/// Computes an assessment from the data held.
pub fn compute(
    data_dir: &Path,
    url: Option<&str>,
    district: &str,
    year: FinancialYear,
    as_at: Option<Month>,
) -> Result<Computed> {
    let query = AssessmentQuery {
        district: Some(district.to_owned()),
        year: Some(year),
        as_at,
    };
    let assessed = db::block_on(async {
        let app = db::open(data_dir, url).await?;
        let operator = db::operator();
        let assessed = app
            .assess(&operator, &query)
            .context("cannot assess that period");
        let narrative = match &assessed {
            Ok(a) => {
                let a = &a.assessment;
                app.narrative(&operator, &a.district, a.year, a.as_at)
                    .await
                    .context("cannot read the analyst's narrative")
            }
            Err(_) => Ok(None),
        };
        app.close().await;
        anyhow::Ok((assessed?, narrative?))
    })??;
    let (assessed, narrative) = assessed;
    let assessed = std::sync::Arc::unwrap_or_clone(assessed);
    Ok(Computed {
        assessment: assessed.assessment,
        partnership_name: assessed.partnership.map(|p| p.partnership.name),
        narrative: narrative.map(|n| n.narrative),
    })
}

pub fn run(data_dir: &Path, url: Option<&str>, args: &AssessArgs) -> Result<()> {
    let Computed {
        assessment: a,
        partnership_name,
        narrative,
    } = compute(data_dir, url, &args.district, args.year, args.as_at)?;
    let out = args.out.clone().unwrap_or_else(|| default_out(&a));
    let meta = safer_report::ReportMeta {
        partnership_name,
        refresh: None,
        narrative,
        site: None,
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
    use safer_app::Clock;
    safer_app::SystemClock.now().to_rfc3339()
}
