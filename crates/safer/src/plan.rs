//! `safer plan`, `safer measure`, `safer action`: the partnership plan.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Subcommand;
use safer_app::ActionEntry;
use safer_domain::{ActionStatus, Aim, Date, Plan, Quarter};

use crate::db;

#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// Check a plan file (TOML) and say what is wrong, with line numbers.
    Check {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Store a plan (or its annual refresh) in the database.
    Import {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Who is importing it (default: SAFER_USER or the login name).
        #[arg(long)]
        by: Option<String>,
    },
    /// List the plans held.
    List,
}

#[derive(Debug, Subcommand)]
pub enum MeasureCommand {
    /// Record a measure's value for a quarter (a later entry for the same quarter corrects it).
    Record {
        #[arg(long)]
        plan: String,
        #[arg(long)]
        measure: String,
        /// The quarter: YYYY-Qn is quarter n of the financial year starting in April YYYY.
        #[arg(long, value_name = "YYYY-Qn")]
        quarter: Quarter,
        #[arg(long)]
        value: f64,
        #[arg(long, default_value = "")]
        note: String,
        #[arg(long)]
        by: Option<String>,
    },
    /// Show the values recorded for a measure.
    Show {
        #[arg(long)]
        plan: String,
        #[arg(long)]
        measure: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ActionCommand {
    /// Add an action to a priority's action plan.
    Add {
        #[arg(long)]
        plan: String,
        #[arg(long, value_name = "ID")]
        priority: String,
        /// enforcement, intelligence, prevention or confidence.
        #[arg(long, value_parser = parse_aim)]
        aim: Aim,
        /// The key action, in words.
        #[arg(long = "action")]
        key_action: String,
        /// The lead agency.
        #[arg(long)]
        lead: String,
        #[arg(long, value_name = "YYYY-MM-DD")]
        start: Date,
        #[arg(long, value_name = "YYYY-MM-DD")]
        due: Date,
        #[arg(long, default_value = "")]
        financial: String,
        #[arg(long, default_value = "")]
        resources: String,
        /// The outcome target.
        #[arg(long, default_value = "")]
        outcome: String,
        /// The id of the measure this action serves.
        #[arg(long)]
        measure: Option<String>,
        #[arg(long)]
        by: Option<String>,
    },
    /// Record dated progress on an action and set its status.
    Update {
        #[arg(value_name = "ACTION_ID")]
        id: safer_domain::ActionId,
        /// not_started, on_track, at_risk, off_track, complete or cancelled.
        #[arg(long, value_parser = parse_status)]
        status: ActionStatus,
        #[arg(long)]
        text: String,
        /// The date of the update (default: today).
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<Date>,
        #[arg(long)]
        by: Option<String>,
    },
    /// List a plan's actions; overdue ones are marked.
    List {
        #[arg(long)]
        plan: String,
        /// Only actions open past their due date.
        #[arg(long)]
        overdue: bool,
    },
}

fn parse_aim(s: &str) -> Result<Aim, String> {
    Aim::parse(s).ok_or_else(|| {
        format!("expected enforcement, intelligence, prevention or confidence, found {s:?}")
    })
}

fn parse_status(s: &str) -> Result<ActionStatus, String> {
    ActionStatus::parse(s).ok_or_else(|| {
        format!(
            "expected not_started, on_track, at_risk, off_track, complete or cancelled, found {s:?}"
        )
    })
}

/// The groups of the plan's partnership, which its police.uk measures may name.
pub fn load_plan(data_dir: &Path, url: Option<&str>, file: &Path) -> Result<Plan> {
    db::block_on(async {
        let app = db::open(data_dir, url).await?;
        let plan = app.check_plan(file);
        app.close().await;
        Ok(plan?)
    })?
}

pub fn run_plan(data_dir: &Path, url: Option<&str>, cmd: PlanCommand) -> Result<()> {
    match cmd {
        PlanCommand::Check { file } => {
            let plan = load_plan(data_dir, url, &file)?;
            let measures = plan.measures().count();
            eprintln!(
                "{}: valid. {} ({} to {}): {} priorities, {} objectives, {} responses, {} measures.",
                file.display(),
                plan.title,
                plan.first_year,
                plan.last_year,
                plan.priorities.len(),
                plan.priorities
                    .iter()
                    .map(|p| p.objectives.len())
                    .sum::<usize>(),
                plan.priorities
                    .iter()
                    .map(|p| p.responses.len())
                    .sum::<usize>(),
                measures
            );
            Ok(())
        }
        PlanCommand::Import { file, by } => db::block_on(async {
            let app = db::open(data_dir, url).await?;
            let actor = db::actor(&app, by.as_deref()).await?;
            let plan = app.import_plan(&actor, &file).await?;
            eprintln!("Stored plan {:?}: {}.", plan.id, plan.title);
            anyhow::Ok(())
        })?,
        PlanCommand::List => db::block_on(async {
            let app = db::open(data_dir, url).await?;
            for (id, title, first) in app.plans(&db::operator()).await? {
                println!("{id}\t{first}\t{title}");
            }
            anyhow::Ok(())
        })?,
    }
}

pub fn run_measure(data_dir: &Path, url: Option<&str>, cmd: MeasureCommand) -> Result<()> {
    db::block_on(async {
        let app = db::open(data_dir, url).await?;
        match cmd {
            MeasureCommand::Record {
                plan,
                measure,
                quarter,
                value,
                note,
                by,
            } => {
                let actor = db::actor(&app, by.as_deref()).await?;
                app.record_value(&actor, &plan, &measure, quarter, value, &note)
                    .await?;
                eprintln!("Recorded {value} for {measure} in {quarter}.");
            }
            MeasureCommand::Show { plan, measure } => {
                for v in app.values(&db::operator(), &plan, &measure).await? {
                    println!(
                        "{}\t{}\t{}\t{}\t{}",
                        v.quarter, v.value, v.entered_by, v.entered_at, v.note
                    );
                }
            }
        }
        anyhow::Ok(())
    })?
}

pub fn run_action(data_dir: &Path, url: Option<&str>, cmd: ActionCommand) -> Result<()> {
    db::block_on(async {
        let app = db::open(data_dir, url).await?;
        match cmd {
            ActionCommand::Add {
                plan,
                priority,
                aim,
                key_action,
                lead,
                start,
                due,
                financial,
                resources,
                outcome,
                measure,
                by,
            } => {
                let actor = db::actor(&app, by.as_deref()).await?;
                let a = ActionEntry {
                    plan_id: plan,
                    priority_id: priority,
                    aim,
                    key_action,
                    lead_agency: lead,
                    start,
                    due,
                    financial_implications: financial,
                    resource_implications: resources,
                    outcome_target: outcome,
                    measure_id: measure,
                };
                let id = app.add_action(&actor, &a).await?;
                println!("{id}");
                eprintln!("Added action {id}.");
            }
            ActionCommand::Update {
                id,
                status,
                text,
                date,
                by,
            } => {
                let actor = db::actor(&app, by.as_deref()).await?;
                app.update_action(&actor, id, status, &text, date).await?;
                eprintln!("Action {id}: {}.", status.label());
            }
            ActionCommand::List { plan, overdue } => {
                let today = app.today();
                for a in app
                    .actions(&db::operator(), &plan)
                    .await
                    .context("could not list actions")?
                {
                    let late = a.is_overdue(today);
                    if overdue && !late {
                        continue;
                    }
                    println!(
                        "{}\t{}\t{}\t{}\tdue {}\t{}{}\t{}",
                        a.id,
                        a.priority_id,
                        a.aim.label(),
                        a.lead_agency,
                        a.due,
                        a.status.label(),
                        if late { " (OVERDUE)" } else { "" },
                        a.key_action
                    );
                }
            }
        }
        anyhow::Ok(())
    })?
}
