//! `safer fund`: the Partnership Locality Fund.

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow};
use clap::Subcommand;
use safer_app::FundEntry;
use safer_domain::{DEFAULT_UNDERSPEND_THRESHOLD, FinancialYear, FundReturn, parse_pounds, pounds};

use crate::db;

#[derive(Debug, Subcommand)]
pub enum FundCommand {
    /// Set (or correct) a year's allocation from the Police and Crime Commissioner.
    Allocate {
        #[arg(long)]
        partnership: String,
        #[arg(long, value_name = "YYYY/YY")]
        year: FinancialYear,
        /// The amount in pounds, e.g. 45000 or 45,000.00.
        #[arg(long, value_parser = parse_amount)]
        amount: i64,
        /// Where the money comes from.
        #[arg(
            long,
            default_value = "Partnership Locality Fund (Police and Crime Commissioner)"
        )]
        source: String,
        /// Who is entering it (a community safety officer or JAG coordinator). Default: SAFER_USER, else the login name.
        #[arg(long, value_name = "USERNAME")]
        by: Option<String>,
    },
    /// Add a project funded from a year's allocation, linked to the priority (and action) it serves.
    Project {
        #[arg(long)]
        partnership: String,
        #[arg(long, value_name = "YYYY/YY")]
        year: FinancialYear,
        #[arg(long)]
        name: String,
        #[arg(long)]
        lead: String,
        /// The budget in pounds.
        #[arg(long, value_parser = parse_amount)]
        budget: i64,
        #[arg(long)]
        plan: String,
        #[arg(long, value_name = "ID")]
        priority: String,
        /// The action the project delivers, if any.
        #[arg(long, value_name = "ACTION_ID")]
        action: Option<safer_domain::ActionId>,
        /// Who is entering it. Default: SAFER_USER, else the login name.
        #[arg(long, value_name = "USERNAME")]
        by: Option<String>,
    },
    /// Record spend on a project in a quarter (1–4) of its year; negative amounts record refunds.
    Spend {
        #[arg(long, value_name = "PROJECT_ID")]
        project: safer_domain::ProjectId,
        #[arg(long, value_parser = clap::value_parser!(u8).range(1..=4))]
        quarter: u8,
        #[arg(long, value_parser = parse_amount, allow_hyphen_values = true)]
        amount: i64,
        #[arg(long, default_value = "")]
        note: String,
        #[arg(long)]
        by: Option<String>,
    },
    /// Write the quarterly return to the Police and Crime Commissioner (CSV and XLSX).
    Return {
        #[arg(long)]
        partnership: String,
        #[arg(long, value_name = "YYYY/YY")]
        year: FinancialYear,
        #[arg(long, value_parser = clap::value_parser!(u8).range(1..=4))]
        quarter: u8,
        /// Where to write fund-return.csv and fund-return.xlsx.
        #[arg(long, default_value = "safer-out/fund-return", value_name = "DIR")]
        out: PathBuf,
        /// Spend below this share of the straight-line profile is flagged as an underspend.
        #[arg(long, default_value_t = DEFAULT_UNDERSPEND_THRESHOLD)]
        underspend_threshold: f64,
    },
}

fn parse_amount(s: &str) -> Result<i64, String> {
    parse_pounds(s)
        .ok_or_else(|| format!("expected an amount in pounds such as 1234.50, found {s:?}"))
}

pub fn run(data_dir: &Path, url: Option<&str>, cmd: FundCommand) -> Result<()> {
    db::block_on(async {
        let app = db::open(data_dir, url).await?;
        match cmd {
            FundCommand::Allocate {
                partnership,
                year,
                amount,
                source,
                by,
            } => {
                let actor = db::actor(&app, by.as_deref()).await?;
                app.set_allocation(&actor, &partnership, year, amount, &source)
                    .await?;
                eprintln!("{partnership} {year}: allocation {}.", pounds(amount));
            }
            FundCommand::Project {
                partnership,
                year,
                name,
                lead,
                budget,
                plan,
                priority,
                action,
                by,
            } => {
                let actor = db::actor(&app, by.as_deref()).await?;
                let id = app
                    .add_project(
                        &actor,
                        &FundEntry {
                            partnership,
                            year,
                            name: name.clone(),
                            lead_agency: lead,
                            budget_pence: budget,
                            plan_id: plan,
                            priority_id: priority,
                            action_id: action,
                        },
                    )
                    .await?;
                println!("{id}");
                eprintln!("Added project {id}: {name}, budget {}.", pounds(budget));
            }
            FundCommand::Spend {
                project,
                quarter,
                amount,
                note,
                by,
            } => {
                let actor = db::actor(&app, by.as_deref()).await?;
                app.record_spend(&actor, project, quarter, amount, &note)
                    .await?;
                eprintln!(
                    "Recorded {} on project {project} in quarter {quarter}.",
                    pounds(amount)
                );
            }
            FundCommand::Return {
                partnership,
                year,
                quarter,
                out,
                underspend_threshold,
            } => {
                let r = app
                    .fund_return(
                        &db::operator(),
                        &partnership,
                        year,
                        quarter,
                        underspend_threshold,
                    )
                    .await?;
                write_return(&r, &out)?;
            }
        }
        anyhow::Ok(())
    })?
}

/// Writes the return as CSV and XLSX, and prints its warnings.
pub fn write_return(r: &FundReturn, out: &Path) -> Result<()> {
    std::fs::create_dir_all(out).map_err(|e| anyhow!("{}: {e}", out.display()))?;
    let csv = out.join("fund-return.csv");
    std::fs::write(&csv, safer_report::fund_return_csv(r)?)
        .map_err(|e| anyhow!("{}: {e}", csv.display()))?;
    let xlsx = out.join("fund-return.xlsx");
    safer_report::fund_return_xlsx(r, &xlsx)?;
    for w in &r.warnings {
        eprintln!("warning: {w}");
    }
    eprintln!(
        "{} {} quarter {}: {} spent of {} budgeted ({} allocated). Written to {} and {}.",
        r.partnership,
        r.year,
        r.quarter.number(),
        pounds(r.spent_to_date_pence),
        pounds(r.budgeted_pence),
        pounds(r.allocation_pence),
        csv.display(),
        xlsx.display()
    );
    Ok(())
}
