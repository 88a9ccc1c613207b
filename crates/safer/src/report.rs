//! `safer report`: the quarterly performance report and the annual report
//! for the council's scrutiny committee.

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Subcommand;
use safer_analysis::PerformanceReview;
use safer_domain::{FinancialYear, FundReturn, Quarter};

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
    let refresh = db::block_on(async {
        let app = db::open(data_dir, url).await?;
        anyhow::Ok(app.plan_refresh(&db::operator(), &plan_id).await?)
    })??;
    let meta = safer_report::ReportMeta {
        partnership_name,
        refresh: refresh.map(|r| r.for_report()),
        narrative: None,
        site: None,
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
        let app = db::open(data_dir, url).await?;
        let r = std::sync::Arc::unwrap_or_clone(
            app.review(&db::operator(), plan_id, Some(quarter)).await?,
        );
        if let Some(note) = &r.note {
            eprintln!("note: {note}");
        }
        anyhow::Ok((r.review, r.fund, r.partnership.map(|p| p.partnership.name)))
    })?
}
