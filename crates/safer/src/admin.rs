//! `safer user`, `safer agency`, `safer token`, `safer audit`: accounts,
//! organisations, API tokens and the audit log.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use safer_domain::Role;

use crate::db;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user. Prints a generated password once, unless --password-stdin is given.
    Add {
        username: String,
        #[arg(long)]
        name: String,
        /// The user's agency (added with `safer agency add`).
        #[arg(long)]
        agency: String,
        /// Roles, comma-separated: administrator, analyst, community_safety_officer,
        /// jag_coordinator, caseworker, agency_lead, read_only_partner.
        #[arg(long, value_delimiter = ',', value_parser = parse_role, required = true)]
        roles: Vec<Role>,
        /// Read the password from standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a new password (printed once) and unlock the account; ends the user's sessions
    /// and revokes their API tokens.
    Reset {
        username: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Disable a user: they cannot sign in, their sessions end and their API tokens stop.
    Disable { username: String },
    /// Enable a disabled user again.
    Enable { username: String },
    /// Unlock an account locked by failed sign-ins, keeping its password.
    Unlock { username: String },
    /// List users, their agencies and roles.
    List,
}

#[derive(Debug, Subcommand)]
pub enum AgencyCommand {
    /// Add an agency (organisation) of the partnership.
    Add {
        name: String,
        /// A responsible authority under the Crime and Disorder Act 1998 s5.
        #[arg(long)]
        statutory: bool,
    },
    List,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token for a user; the token is printed once.
    Create {
        #[arg(long)]
        user: String,
        #[arg(long)]
        name: String,
        /// read, or read,write.
        #[arg(long, value_delimiter = ',', default_value = "read")]
        scopes: Vec<String>,
        /// Days until it expires.
        #[arg(long, default_value_t = 90)]
        days: i64,
    },
    /// Revoke a token by its number.
    Revoke {
        id: safer_domain::TokenId,
    },
    List,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the audit log's hash chain from the first entry.
    Verify,
    /// Export the audit log as CSV.
    Export {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// How many of the latest entries.
        #[arg(long, default_value_t = 100_000)]
        limit: i64,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| {
        let all: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
        format!("expected one of {}, found {s:?}", all.join(", "))
    })
}

fn read_password() -> Result<String> {
    let mut s = String::new();
    std::io::stdin().read_line(&mut s)?;
    // The task checks its strength, knowing the user's names.
    Ok(s.trim_end_matches(['\n', '\r']).to_owned())
}

pub fn run_user(data_dir: &Path, url: Option<&str>, cmd: UserCommand) -> Result<()> {
    db::block_on(async {
        let app = db::open(data_dir, url).await?;
        let op = db::operator();
        match cmd {
            UserCommand::Add {
                username,
                name,
                agency,
                roles,
                password_stdin,
            } => {
                let (password, generated) = if password_stdin {
                    (read_password()?, false)
                } else {
                    (safer_app::generate_password(), true)
                };
                app.add_user(&op, &username, &name, &agency, &roles, &password)
                    .await?;
                eprintln!(
                    "Added user {username} ({}) in {agency}.",
                    roles
                        .iter()
                        .map(|r| r.label())
                        .collect::<Vec<_>>()
                        .join(", "),
                );
                if generated {
                    println!("{password}");
                    eprintln!(
                        "That is the password; it is shown once. Ask the user to keep it safe."
                    );
                }
            }
            UserCommand::Reset {
                username,
                password_stdin,
            } => {
                let (password, generated) = if password_stdin {
                    (read_password()?, false)
                } else {
                    (safer_app::generate_password(), true)
                };
                app.reset_password(&op, &username, &password).await?;
                eprintln!(
                    "New password set for {username}; the account is unlocked, its sessions ended and its API tokens revoked."
                );
                if generated {
                    println!("{password}");
                }
            }
            UserCommand::Disable { username } => {
                app.disable_user(&op, &username).await?;
                eprintln!(
                    "Disabled {username}: they cannot sign in, their sessions have ended and their API tokens stop working."
                );
            }
            UserCommand::Enable { username } => {
                app.enable_user(&op, &username).await?;
                eprintln!("Enabled {username}.");
            }
            UserCommand::Unlock { username } => {
                app.unlock_user(&op, &username).await?;
                eprintln!("Unlocked {username}.");
            }
            UserCommand::List => {
                for u in app.users(&op).await? {
                    let roles: Vec<&str> = u.roles.iter().map(|r| r.as_str()).collect();
                    println!(
                        "{}\t{}\t{}\t{}{}",
                        u.username,
                        u.display_name,
                        u.agency.name,
                        roles.join(","),
                        if u.active { "" } else { "\t(inactive)" }
                    );
                }
            }
        }
        anyhow::Ok(())
    })?
}

pub fn run_agency(data_dir: &Path, url: Option<&str>, cmd: AgencyCommand) -> Result<()> {
    db::block_on(async {
        let app = db::open(data_dir, url).await?;
        match cmd {
            AgencyCommand::Add { name, statutory } => {
                app.add_agency(&db::operator(), &name, statutory).await?;
                eprintln!(
                    "Added agency {name}{}.",
                    if statutory {
                        " (statutory partner)"
                    } else {
                        ""
                    }
                );
            }
            AgencyCommand::List => {
                for a in app.agencies().await? {
                    println!(
                        "{}\t{}{}",
                        a.id,
                        a.name,
                        if a.statutory { "\tstatutory" } else { "" }
                    );
                }
            }
        }
        anyhow::Ok(())
    })?
}

pub fn run_token(data_dir: &Path, url: Option<&str>, cmd: TokenCommand) -> Result<()> {
    db::block_on(async {
        let app = db::open(data_dir, url).await?;
        let op = db::operator();
        match cmd {
            TokenCommand::Create {
                user,
                name,
                scopes,
                days,
            } => {
                let (id, token) = app.create_token(&op, &user, &name, &scopes, days).await?;
                println!("{token}");
                eprintln!(
                    "Token {id} ({name}) for {user}, scopes {}, expires in {days} days. It is shown once.",
                    scopes.join(" ")
                );
            }
            TokenCommand::Revoke { id } => {
                app.revoke_token(&op, id).await?;
                eprintln!("Token {id} revoked.");
            }
            TokenCommand::List => {
                for t in app.tokens(&op).await? {
                    println!(
                        "{}\t{}\tuser {}\t{}\t{}",
                        t.id,
                        t.name,
                        t.user_id,
                        t.scopes.join(" "),
                        if t.revoked { "revoked" } else { "live" }
                    );
                }
            }
        }
        anyhow::Ok(())
    })?
}

pub fn run_audit(data_dir: &Path, url: Option<&str>, cmd: AuditCommand) -> Result<()> {
    db::block_on(async {
        let app = db::open(data_dir, url).await?;
        let op = db::operator();
        match cmd {
            AuditCommand::Verify => {
                let v = app.verify_audit(&op).await?;
                match v.first_broken {
                    None => eprintln!(
                        "The audit log's {} entries form an unbroken chain.",
                        v.entries
                    ),
                    Some(id) => bail!(
                        "the audit log's chain is broken at entry {id}: that entry or one before it was changed, removed or reordered"
                    ),
                }
            }
            AuditCommand::Export { out, limit } => {
                let rows = app.export_audit_log(&op, limit).await?;
                std::fs::write(&out, safer_app::audit_log_csv(&rows)?)
                    .with_context(|| format!("could not write {}", out.display()))?;
                eprintln!("Exported {} entries to {}.", rows.len(), out.display());
            }
        }
        anyhow::Ok(())
    })?
}
