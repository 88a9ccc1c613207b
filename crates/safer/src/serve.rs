//! `safer serve`: the web application.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;

use crate::db;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", env = "SAFER_LISTEN")]
    pub listen: SocketAddr,
    /// Mark cookies Secure and send HSTS: set this when Safer is behind TLS.
    #[arg(long, env = "SAFER_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Minutes of inactivity before a session ends.
    #[arg(long, default_value_t = 30)]
    pub idle_minutes: i64,
    /// Hours a session lasts however much it is used; then the user signs in again.
    #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(i64).range(1..=168))]
    pub session_hours: i64,
    /// Reverse proxies in front of Safer, as addresses or CIDR blocks,
    /// comma-separated (e.g. 10.0.0.5,10.1.0.0/16): their X-Forwarded-For
    /// names the client for the sign-in throttle and the audit log. No
    /// other peer's X-Forwarded-For is believed.
    #[arg(
        long,
        env = "SAFER_TRUSTED_PROXIES",
        value_name = "ADDRS",
        default_value = ""
    )]
    pub trusted_proxy: safer_web::TrustedProxies,
    /// The govuk-frontend `dist/govuk` folder (installed by `npm ci`).
    #[arg(long, env = "SAFER_ASSETS", value_name = "DIR")]
    pub assets: Option<PathBuf>,
    /// An uploaded file with fewer rows than this percentage of the month it
    /// replaces, or of the force's neighbouring months, needs confirming.
    #[arg(
        long,
        value_name = "PERCENT",
        default_value_t = safer_domain::SizeRule::DEFAULT_PERCENT,
        env = "SAFER_MIN_ROWS_PERCENT",
        value_parser = clap::value_parser!(u32).range(0..=100)
    )]
    pub min_rows_percent: u32,
    /// Compute every assessment and review afresh instead of keeping them
    /// while the data is unchanged: for measuring what the cache saves.
    #[arg(long, env = "SAFER_NO_CACHE", value_parser = clap::builder::FalseyValueParser::new())]
    pub no_cache: bool,
}

/// The GOV.UK Frontend assets: the given folder, or the repository's
/// `node_modules` when run from a checkout.
pub fn assets_dir(given: Option<PathBuf>) -> Option<PathBuf> {
    given.or_else(|| {
        let p = PathBuf::from("node_modules/govuk-frontend/dist/govuk");
        p.is_dir().then_some(p)
    })
}

/// Logs to standard error: a line per request (route, status, duration,
/// request id; no personal data). `SAFER_LOG` filters (default `info`, as
/// `RUST_LOG` does: `warn`, `safer::http=off` …); `SAFER_LOG_FORMAT=json`
/// writes one JSON object a line, for a log collector.
fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("SAFER_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if std::env::var("SAFER_LOG_FORMAT").as_deref() == Ok("json") {
        builder.json().try_init()
    } else {
        builder.with_ansi(false).try_init()
    };
}

pub fn run(data_dir: &Path, url: Option<&str>, args: &ServeArgs) -> Result<()> {
    init_logging();
    let config = safer_web::WebConfig {
        session_idle_secs: args.idle_minutes * 60,
        session_max_secs: args.session_hours * 3600,
        secure_cookies: args.secure_cookies,
        static_dir: assets_dir(args.assets.clone()),
        trusted_proxies: args.trusted_proxy.clone(),
        ..safer_web::WebConfig::new()
    };
    let app_config = safer_app::AppConfig {
        size_rule: safer_domain::SizeRule::new(args.min_rows_percent)
            .context("--min-rows-percent must be from 0 to 100")?,
        cache: !args.no_cache,
        ..safer_app::AppConfig::default()
    };
    if config.static_dir.is_none() {
        eprintln!(
            "note: govuk-frontend not found (run `npm ci`, or pass --assets DIR); pages use Safer's own stylesheet only."
        );
    }
    db::block_on(async move {
        let app = db::open_with(data_dir, url, app_config).await?;
        if !app.has_users().await? {
            eprintln!(
                "note: there are no users yet, so no one can sign in. Create the first administrator:\n  safer --data-dir {} agency add \"Your council\" --statutory\n  safer --data-dir {} user add admin --name \"Your name\" --agency \"Your council\" --roles administrator",
                data_dir.display(),
                data_dir.display()
            );
        }
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| format!("cannot listen on {}", args.listen))?;
        eprintln!(
            "Safer is running at http://{}/ (Ctrl-C to stop).",
            listener.local_addr()?
        );
        safer_web::serve(listener, app, config).await?;
        anyhow::Ok(())
    })?
}
