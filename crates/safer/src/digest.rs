//! `safer digest`: the weekly digest of an agency's duty clocks as
//! email-ready text, for a scheduled job to send (for example
//! `safer digest --agency "Charnwood Borough Council" --by coordinator |
//! mail -s "Safer: this week" jag@example.org`). Safer sends no mail
//! itself.

use anyhow::{Result, anyhow};
use clap::Args;

use crate::db;

#[derive(Debug, Args)]
pub struct DigestArgs {
    /// The agency whose clocks are listed, by name.
    #[arg(long)]
    pub agency: String,
    /// The user whose view it is (the digest holds only what they may
    /// see); the audit log records them.
    #[arg(long, env = "SAFER_USER")]
    pub by: Option<String>,
    /// The day to report as of (YYYY-MM-DD); today when not given.
    #[arg(long)]
    pub as_of: Option<String>,
}

pub fn run(data_dir: &std::path::Path, url: Option<&str>, args: &DigestArgs) -> Result<()> {
    db::block_on(async {
        let app = db::open(data_dir, url).await?;
        let actor = db::actor(&app, args.by.as_deref()).await?;
        let agency = app.agency_named(&args.agency).await?.ok_or_else(|| {
            anyhow!(
                "there is no agency {:?} (see `safer agency list`)",
                args.agency
            )
        })?;
        let as_of = match &args.as_of {
            None => None,
            Some(d) => Some(
                d.parse()
                    .map_err(|_| anyhow!("--as-of: expected YYYY-MM-DD, found {d:?}"))?,
            ),
        };
        let board = app.weekly_digest(&actor, agency.id, as_of).await?;
        print!("{}", safer_app::overdue::digest_text(&board, &agency.name));
        app.close().await;
        anyhow::Ok(())
    })?
}
