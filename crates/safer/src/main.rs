//! `safer`: the one binary of the Safer Community Safety Partnership system.
//!
//! This crate is the command line only: it parses arguments (clap), turns
//! them into validated domain values, and calls the library crates. It is
//! the only place `anyhow` is used.

mod admin;
mod assess;
mod db;
mod demo;
mod demo_cases;
mod demo_duties;
mod digest;
mod fund;
mod import;
mod plan;
mod report;
mod serve;
mod status;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Safer runs a Community Safety Partnership: it imports police.uk crime
/// data and writes the Partnership Strategic Assessment.
#[derive(Debug, Parser)]
#[command(name = "safer", version, about, long_about = None, after_help = "\
Start with the demo:  safer demo
Then:                 safer assess --district Charnwood --year 2023/24 --as-at 2023-09

Data: police.uk street-level crime (https://data.police.uk), licensed under the Open Government Licence v3.0.")]
struct Cli {
    /// Where Safer keeps imported data.
    #[arg(
        long,
        global = true,
        env = "SAFER_DATA_DIR",
        default_value = "safer-data",
        value_name = "DIR"
    )]
    data_dir: PathBuf,

    /// The database: postgres://… for a multi-user deployment. Default: SQLite in the data directory.
    #[arg(
        long,
        global = true,
        env = "DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    database_url: Option<String>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Import data: police.uk CSVs, or a partnership configuration.
    #[command(subcommand)]
    Import(import::ImportCommand),
    /// Write the Partnership Strategic Assessment for a district and year.
    Assess(assess::AssessArgs),
    /// The Charnwood example end to end: import ../shared/data, write the 2023/24 assessment and the performance reports.
    Demo(demo::DemoArgs),
    /// The partnership plan: check, import and list plans.
    #[command(subcommand)]
    Plan(plan::PlanCommand),
    /// Record and show measure values entered by hand.
    #[command(subcommand)]
    Measure(plan::MeasureCommand),
    /// Action plans: add actions, record progress, list what is overdue.
    #[command(subcommand)]
    Action(plan::ActionCommand),
    /// The Partnership Locality Fund: allocation, projects, spend and the PCC return.
    #[command(subcommand)]
    Fund(fund::FundCommand),
    /// Performance reports: quarterly, and annual for scrutiny.
    #[command(subcommand)]
    Report(report::ReportCommand),
    /// Run the web application.
    Serve(serve::ServeArgs),
    /// Accounts: add users, reset passwords, list.
    #[command(subcommand)]
    User(admin::UserCommand),
    /// The partnership's agencies (organisations).
    #[command(subcommand)]
    Agency(admin::AgencyCommand),
    /// API tokens for machine clients.
    #[command(subcommand)]
    Token(admin::TokenCommand),
    /// The audit log: verify its hash chain, export it.
    #[command(subcommand)]
    Audit(admin::AuditCommand),
    /// The weekly digest of an agency's duty clocks (late, and due in seven days) as email-ready text.
    Digest(digest::DigestArgs),
    /// Show what is held: forces, months, gaps and partnerships.
    Status,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Import(cmd) => import::run(&cli.data_dir, cli.database_url.as_deref(), cmd),
        Command::Assess(args) => assess::run(&cli.data_dir, cli.database_url.as_deref(), &args),
        Command::Demo(args) => demo::run(&cli.data_dir, cli.database_url.as_deref(), &args),
        Command::Plan(cmd) => plan::run_plan(&cli.data_dir, cli.database_url.as_deref(), cmd),
        Command::Measure(cmd) => plan::run_measure(&cli.data_dir, cli.database_url.as_deref(), cmd),
        Command::Action(cmd) => plan::run_action(&cli.data_dir, cli.database_url.as_deref(), cmd),
        Command::Fund(cmd) => fund::run(&cli.data_dir, cli.database_url.as_deref(), cmd),
        Command::Report(cmd) => report::run(&cli.data_dir, cli.database_url.as_deref(), cmd),
        Command::Serve(args) => serve::run(&cli.data_dir, cli.database_url.as_deref(), &args),
        Command::User(cmd) => admin::run_user(&cli.data_dir, cli.database_url.as_deref(), cmd),
        Command::Agency(cmd) => admin::run_agency(&cli.data_dir, cli.database_url.as_deref(), cmd),
        Command::Token(cmd) => admin::run_token(&cli.data_dir, cli.database_url.as_deref(), cmd),
        Command::Audit(cmd) => admin::run_audit(&cli.data_dir, cli.database_url.as_deref(), cmd),
        Command::Digest(args) => digest::run(&cli.data_dir, cli.database_url.as_deref(), &args),
        Command::Status => status::run(&cli.data_dir, cli.database_url.as_deref()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            for cause in e.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::FAILURE
        }
    }
}
