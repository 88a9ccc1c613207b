//! `cargo xtask`-style developer tasks for Safer.
//!
//! `cargo run --release -p xtask -- gen-police-uk --out bench-data` writes a
//! deterministic, national-scale set of police.uk street-level CSVs for the
//! benchmark in `bench/` (see BENCHMARKS.md).

mod police_uk;
mod rng;

use anyhow::Result;
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "xtask", about = "Developer tasks for Safer")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write synthetic police.uk street-level CSVs at national scale, in the
    /// police.uk archive layout OUT/YYYY-MM/YYYY-MM-<force>-street.csv.
    ///
    /// The same arguments always give byte-identical files.
    GenPoliceUk(police_uk::GenArgs),
}

fn main() -> std::process::ExitCode {
    match run(Cli::parse()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::GenPoliceUk(args) => {
            let started = std::time::Instant::now();
            let summary = police_uk::generate(&args)?;
            eprintln!(
                "wrote {} files: {} rows, {} bytes ({:.2} GB) to {} in {:.1} s",
                summary.files,
                summary.rows,
                summary.bytes,
                summary.bytes as f64 / 1e9,
                args.out.display(),
                started.elapsed().as_secs_f64()
            );
            println!("rows={} bytes={}", summary.rows, summary.bytes);
            Ok(())
        }
    }
}
