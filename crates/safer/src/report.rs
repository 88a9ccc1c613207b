//! `safer report`: the quarterly performance report and the annual report
//! for the council's scrutiny committee.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Subcommand;
use safer_analysis::{ManualValues, PerformanceReview, ReviewInputs};
use safer_domain::{
    DEFAULT_UNDERSPEND_THRESHOLD, FinancialYear, FundReturn, MeasureSource, Quarter,
};
use safer_store::DataDir;
use safer_store::db::DbError;

use crate::{assess, db};

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// The quarterly performance report (HTML, PDF when Chromium is installed, CSV of measures).
    Quarterly {
        #[arg(long)]
        plan: String,
        /// YYYY-Qn: quarter n of the financial year starting in April YYYY (2024-Q2 = July–September 2024).
        #[arg(long, value_name = "YYYY-Qn")]
        quarter: Quarter,
        /// Default: safer-out/<plan>-<quarter>.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Print the review as JSON on stdout.
        #[arg(long)]
        json: bool,
    },
    /// The annual report for the council's crime and disorder scrutiny committee.
    Annual {
        #[arg(long)]
        plan: String,
        #[arg(long, value_name = "YYYY/YY")]
        year: FinancialYear,
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(data_dir: &Path, url: Option<&str>, cmd: ReportCommand) -> Result<()> {
    let (plan_id, quarter, out, json, annual) = match cmd {
        ReportCommand::Quarterly {
            plan,
            quarter,
            out,
            json,
        } => (plan, quarter, out, json, false),
        ReportCommand::Annual {
            plan,
            year,
            out,
            json,
        } => (plan, Quarter::last_of(year), out, json, true),
    };
    let (review, fund, partnership_name) = review(data_dir, url, &plan_id, quarter)?;
    let meta = safer_report::ReportMeta {
        partnership_name,
        generated_at: assess::now_utc(),
    };
    let name = if annual { "annual" } else { "quarterly" };
    let html = if annual {
        safer_report::render_annual_html(&review, fund.as_ref(), &meta)
    } else {
        safer_report::render_quarterly_html(&review, fund.as_ref(), &meta)
    };
    let out = out.unwrap_or_else(|| {
        PathBuf::from("safer-out").join(format!(
            "{}-{}",
            plan_id,
            if annual {
                quarter.year().to_string().replace('/', "-")
            } else {
                quarter.to_string().replace('/', "-")
            }
        ))
    });
    let (written, pdf) = safer_report::write_performance(&html, &review, name, &out)?;
    if let Some(f) = &fund {
        crate::fund::write_return(f, &out)?;
    }
    if json {
        println!(
            "{}",
            serde_json::to_string(&safer_report::ReviewWithReasons(&review))?
        );
    }
    if let Some(first) = written.first() {
        eprintln!("Report written to {}", first.display());
    }
    if !pdf {
        eprintln!(
            "PDF not written: Chromium was not found (install the Debian package `chromium`, or set SAFER_CHROMIUM)."
        );
    }
    Ok(())
}

/// Builds the review of a plan at a quarter from everything held.
pub fn review(
    data_dir: &Path,
    url: Option<&str>,
    plan_id: &str,
    quarter: Quarter,
) -> Result<(PerformanceReview, Option<FundReturn>, Option<String>)> {
    db::block_on(async {
        let db = db::open(data_dir, url).await?;
        let plan = db.plan(plan_id).await?;
        let dir = DataDir::open(data_dir)?;
        let partnership = dir
            .partnerships()?
            .into_iter()
            .find(|p| p.partnership.id == plan.partnership);
        let counts = match &partnership {
            Some(p) => match assess::district_counts(data_dir, &p.partnership.district) {
                Ok((c, _)) => Some(c),
                Err(e) => {
                    eprintln!("note: police.uk measures show no data: {e}");
                    None
                }
            },
            None => {
                eprintln!(
                    "note: partnership {:?} is not imported, so police.uk measures show no data",
                    plan.partnership
                );
                None
            }
        };
        let mut manual = ManualValues::new();
        for (_, m) in plan.measures() {
            if matches!(m.source, MeasureSource::Manual) {
                let values = db.values(&plan.id, &m.id).await?;
                manual.insert(
                    m.id.clone(),
                    values.into_iter().map(|v| (v.quarter, v.value)).collect(),
                );
            }
        }
        let actions = db.actions(&plan.id).await?;
        let groups = partnership
            .as_ref()
            .map(|p| p.partnership.groups.clone())
            .unwrap_or_default();
        let review = PerformanceReview::build(
            &plan,
            quarter,
            &ReviewInputs {
                counts: counts.as_ref(),
                groups: &groups,
                manual: &manual,
                actions: &actions,
            },
        );
        let fund = match db.fund(&plan.partnership, quarter.year()).await {
            Ok(f) => Some(FundReturn::build(
                &f,
                quarter.number(),
                DEFAULT_UNDERSPEND_THRESHOLD,
            )),
            Err(DbError::NotFound(_)) => None,
            Err(e) => return Err(e).context("could not read the fund"),
        };
        anyhow::Ok((review, fund, partnership.map(|p| p.partnership.name)))
    })?
}
