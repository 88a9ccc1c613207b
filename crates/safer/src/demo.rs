//! `safer demo`: the Charnwood worked example, end to end.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use clap::Args;

use crate::{assess, import};

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// The shared data folder holding police-uk/, geography/ and population/.
    #[arg(
        long,
        env = "SAFER_SHARED_DATA",
        default_value = "../shared/data",
        value_name = "DIR"
    )]
    pub shared_data: PathBuf,
    /// The Charnwood partnership configuration.
    #[arg(
        long,
        default_value = "examples/charnwood/partnership.toml",
        value_name = "FILE"
    )]
    pub partnership: PathBuf,
    /// Where to write the assessment.
    #[arg(
        long,
        default_value = "safer-out/charnwood-2023-24",
        value_name = "DIR"
    )]
    pub out: PathBuf,
}

pub fn run(data_dir: &Path, args: &DemoArgs) -> Result<()> {
    let leics = args.shared_data.join("police-uk/leicestershire");
    if !leics.is_dir() {
        bail!(
            "{} not found. Run the demo from the repository root with the shared data beside it, or pass --shared-data DIR",
            leics.display()
        );
    }
    eprintln!("1/4 Importing Charnwood's police.uk records, 2022-01 to 2024-12 …");
    let r = import::import_police_uk(data_dir, &[leics.join("street-charnwood-only")])?;
    eprintln!("    {} files, {} records.", r.files, r.rows_kept);
    eprintln!(
        "2/4 Importing the whole Leicestershire force for 2023/24 (replaces those months with the unfiltered files) …"
    );
    let r = import::import_police_uk(data_dir, &[leics.join("street-full-force")])?;
    eprintln!(
        "    {} files, {} records, {} force-months replaced.",
        r.files,
        r.rows_kept,
        r.replaced.len()
    );
    for (force, missing) in &r.missing_months {
        if !missing.is_empty() {
            let list: Vec<String> = missing.iter().map(ToString::to_string).collect();
            eprintln!("    {force}: missing month(s) {}", list.join(", "));
        }
    }
    eprintln!("3/4 Importing the partnership: beats, population, groups …");
    import::import_partnership(data_dir, &args.partnership)?;
    eprintln!("4/4 Writing the Partnership Strategic Assessment 2023/24 …");
    assess::run(
        data_dir,
        &assess::AssessArgs {
            district: "Charnwood".into(),
            year: "2023/24".parse()?,
            as_at: None,
            out: Some(args.out.clone()),
            json: false,
        },
    )?;
    eprintln!();
    eprintln!(
        "Open {} in a browser.",
        args.out.join("assessment.html").display()
    );
    eprintln!("Try also: safer assess --district Charnwood --year 2024/25 --as-at 2024-12");
    Ok(())
}
