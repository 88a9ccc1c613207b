//! Safer's tasks: every use case of the partnership is one method of
//! [`App`], called the same way by the web pages, the JSON API and the
//! command line.
//!
//! Each task takes an [`Actor`] (who asks, their agency and roles, and by
//! which channel) and:
//!
//! 1. **authorises** it: the actor's role must allow the task
//!    ([`Actor::require`]), or it is refused;
//! 2. **scopes** what it reads: the actor becomes a scope (such as
//!    [`safer_domain::ActionScope`]) that the store applies in its queries,
//!    so a list, count or change cannot forget it, and a record outside it
//!    is "not found", never "forbidden" with its owner named;
//! 3. **audits** it: a change and its audit entry are written in one
//!    database transaction, so a change whose entry cannot be written is
//!    not kept; views of personal data and exports are audited before they
//!    are returned.
//!
//! Time comes from the app's [`Clock`], which tests set.
//!
//! **Architecture invariant:** the edges (`safer-web`, `safer`) reach the
//! store and the readers only through this crate, which knows no HTTP and
//! no terminal.
//!
//! **Adding a task:** write a method on [`App`] in the module of its
//! subject, taking `&Actor` first; call `actor.require(&[roles])` (or
//! `require_admin`) before anything else; read through scoped store
//! queries; pass `actor.audit(action, target, detail)` to the store's
//! change method, which writes it in the change's transaction (the entry
//! is also what tells kept reviews that the database changed, see
//! [`cache`]); a task that changes the data directory calls
//! `self.caches.data_changed()` after it; return [`AppError`]s whose
//! messages are for people. Then call it from the
//! page, the API handler and the command, and add a test in
//! `tests/app/` that it is audited and that a failed audit write leaves no
//! change.

mod actions;
mod actor;
mod admin;
mod assess;
pub mod cache;
mod case_measures;
pub mod casework;
pub mod dhr;
mod error;
pub mod escalation;
mod fund;
pub mod groups;
pub mod import;
pub mod locations;
mod measures;
mod narrative;
pub mod overdue;
mod passwords;
mod plans;
mod review;
pub mod rights;
mod sessions;
pub mod trigger;

use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use actions::ActionEntry;
pub use actor::{Actor, Channel};
pub use admin::audit_log_csv;
pub use assess::{Assessed, AssessmentQuery, default_year, years_held};
pub use error::AppError;
pub use fund::FundEntry;
pub use import::{ImportReport, Progress};
pub use measures::COMMENTARY_LIMIT;
pub use passwords::{
    PasswordCost, check_password_strength, digest, generate_password, hash_password, random_token,
    verify_password,
};
pub use plans::Refresh;
pub use review::{Reviewed, default_quarter, plan_quarters, value_quarters};
pub use safer_domain::{Clock, FixedClock, SizeRule, Timestamp};
pub use safer_store::db::SystemClock;
pub use safer_store::db::{
    ApiToken, AuditFilter, AuditRecord, Backend, Commentary, MeasureValue, PlanVersion,
    SessionRecord, StoredNarrative, Verification,
};
pub use safer_store::{ManifestEntry, StoredPartnership};
pub use sessions::{SESSION_MAX_SECS, SignIn, SignInRefusal};

use safer_store::{DataDir, Database};

/// How the application runs.
#[derive(Debug, Clone, Copy)]
pub struct AppConfig {
    /// How much smaller than the month it replaces an imported file may be.
    pub size_rule: SizeRule,
    pub password_cost: PasswordCost,
    /// Keep computed counts, assessments and reviews while the data they
    /// come from is unchanged (see [`cache`]). On unless turned off, which
    /// is for measuring what the cache saves.
    pub cache: bool,
}

impl Default for AppConfig {
    fn default() -> AppConfig {
        AppConfig {
            size_rule: SizeRule::default(),
            password_cost: PasswordCost::Production,
            cache: true,
        }
    }
}

/// The application: the data directory, the database and the clock.
#[derive(Debug, Clone)]
pub struct App {
    db: Database,
    data_dir: PathBuf,
    clock: Arc<dyn Clock>,
    config: AppConfig,
    /// A hash verified when a username is unknown, so that the time taken
    /// does not tell whether a user exists. Made at the first sign-in, so
    /// that commands that never sign anyone in do not pay for it.
    dummy_hash: Arc<std::sync::OnceLock<String>>,
    throttle: Arc<sessions::Throttle>,
    /// The public Community Trigger form's limit per address.
    public_forms: Arc<trigger::PublicLimiter>,
    caches: Arc<cache::Caches>,
    /// The partnership's case-work settings [K].
    casework: Arc<safer_domain::casework::config::CaseworkConfig>,
}

impl App {
    /// Opens the data directory (creating it) and the database: SQLite in
    /// the data directory, or `database_url` (`postgres://…`), migrated to
    /// the current schema.
    pub async fn open(
        data_dir: &Path,
        database_url: Option<&str>,
        clock: Arc<dyn Clock>,
        config: AppConfig,
    ) -> Result<App, AppError> {
        std::fs::create_dir_all(data_dir)
            .map_err(|e| AppError::Invalid(format!("cannot create {}: {e}", data_dir.display())))?;
        let url = match database_url {
            Some(u) => u.to_owned(),
            None => Database::sqlite_url(data_dir),
        };
        let db = Database::connect(&url).await?.with_clock(clock.clone());
        let casework = match DataDir::open(data_dir)?.casework_settings()? {
            Some((path, text)) => Arc::new(safer_ingest::casework::parse(&path, &text)?),
            None => Arc::default(),
        };
        Ok(App {
            db,
            data_dir: data_dir.to_owned(),
            clock,
            config,
            dummy_hash: Arc::default(),
            throttle: Arc::default(),
            public_forms: Arc::default(),
            caches: Arc::new(cache::Caches::new(config.cache)),
            casework,
        })
    }

    /// The same application over an open database (for tests that made
    /// one, such as a scratch PostgreSQL database).
    pub fn with_database(
        db: Database,
        data_dir: &Path,
        clock: Arc<dyn Clock>,
        config: AppConfig,
    ) -> Result<App, AppError> {
        Ok(App {
            db: db.with_clock(clock.clone()),
            data_dir: data_dir.to_owned(),
            clock,
            config,
            dummy_hash: Arc::default(),
            throttle: Arc::default(),
            public_forms: Arc::default(),
            caches: Arc::new(cache::Caches::new(config.cache)),
            casework: Arc::default(),
        })
    }

    /// The same application with the partnership's own case-work settings
    /// (forums, case types, restrictions, review intervals, risk
    /// assessment, sharing agreements, repeat rules), checked first.
    pub fn with_casework(
        mut self,
        c: safer_domain::casework::config::CaseworkConfig,
    ) -> Result<App, AppError> {
        c.check()
            .map_err(|e| AppError::Invalid(format!("The case-work settings: {e}.")))?;
        self.casework = Arc::new(c);
        Ok(self)
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub fn config(&self) -> &AppConfig {
        &self.config
    }

    pub fn backend(&self) -> Backend {
        self.db.backend()
    }

    /// Now, by the app's clock.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Today's date (UTC), by the app's clock.
    pub fn today(&self) -> safer_domain::Date {
        self.now().date()
    }

    pub async fn close(&self) {
        self.db.close().await;
    }

    /// How many counts, assessments and reviews this application (and its
    /// clones) computed rather than found kept: for tests of the cache.
    #[doc(hidden)]
    pub fn computed_for_tests(&self) -> cache::Computed {
        self.caches.computed()
    }

    /// The database, for tests that inject faults or read it directly.
    #[doc(hidden)]
    pub fn database_for_tests(&self) -> &Database {
        &self.db
    }
}
