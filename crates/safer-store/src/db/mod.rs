//! The SQL database: plans, measure values, actions and the fund.
//!
//! One code path serves SQLite (the embedded default, a file in the data
//! directory) and PostgreSQL (`DATABASE_URL=postgres://…`), through sqlx's
//! `Any` driver with runtime queries: `$1` placeholders work on both, and
//! each backend has its own migrations folder (DDL differs). No query
//! macros, so building needs no database.

mod access;
mod actions;
mod audit;
mod cases;
pub use cases::{CaseShare, NewCase, StoredCase};
mod case_work;
mod dhr;
pub use dhr::{DhrAction, DhrChange, DhrReport, NewDhr, StoredDhr};
mod escalation;
pub use escalation::{
    AbcRecord, CaseRecordChange, CaseRecordEntry, CountedDays, NewIntervention, StoredBreach,
    StoredIntervention,
};
mod groups;
mod trigger;
pub use trigger::{
    NewTrigger, Recommendation, StoredTrigger, TriggerChange, TriggerChannel, TriggerComplaint,
    TriggerFigures, TriggerReader,
};
mod locations;
mod rights;
pub use case_work::{
    CaseActionUpdate, NewCaseAction, NewEvent, StoredCaseAction, StoredEvent, StoredMeeting,
};
pub use rights::{PersonMerge, PersonVersion};
mod commentary;
mod fund;
pub use commentary::Commentary;
mod narratives;
pub use narratives::StoredNarrative;
mod plans;
pub use plans::PlanVersion;
mod values;

pub use access::{ApiToken, LoginState, SessionRecord};
pub use actions::NewAction;
pub use audit::FAULT_INJECTION_SQL;
pub use audit::{AuditEntry, AuditFilter, AuditRecord, Verification};
pub use fund::NewProject;
pub use values::MeasureValue;

use std::borrow::Cow;

use safer_domain::{Clock, Timestamp};
use sqlx::AnyPool;
use sqlx::any::AnyPoolOptions;
use sqlx::migrate::{Migration, MigrationType, Migrator};

/// Which database a [`Database`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Why a database operation failed.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("the database URL must start with sqlite: or postgres:, found {0:?}")]
    BadUrl(String),
    #[error("database error: {0}")]
    Backend(#[from] sqlx::Error),
    #[error("could not migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("a stored value is damaged: {0}")]
    Corrupt(String),
}

/// A connection pool, the backend behind it, and the clock that stamps
/// what is written.
#[derive(Debug, Clone)]
pub struct Database {
    pub(crate) pool: AnyPool,
    backend: Backend,
    clock: std::sync::Arc<dyn Clock>,
}

/// The operating system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::from_unix_seconds(unix_now())
    }
}

impl Database {
    /// Connects to `url` (`sqlite://path?mode=rwc` or `postgres://…`) and
    /// brings the schema up to date.
    pub async fn connect(url: &str) -> Result<Database, DbError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(DbError::BadUrl(url.to_owned()));
        };
        // SQLite allows one writer at a time; a single connection avoids
        // "database is locked" under concurrent writes from one process.
        let max = if backend == Backend::Sqlite { 1 } else { 8 };
        let pool = AnyPoolOptions::new()
            .max_connections(max)
            .connect(url)
            .await?;
        let db = Database {
            pool,
            backend,
            clock: std::sync::Arc::new(SystemClock),
        };
        db.migrate().await?;
        Ok(db)
    }

    /// The same database, stamping what it writes (and judging expiry) by
    /// `clock`.
    pub fn with_clock(mut self, clock: std::sync::Arc<dyn Clock>) -> Database {
        self.clock = clock;
        self
    }

    /// Now, by the database's clock.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Now as stored in `*_at` columns (RFC 3339, UTC).
    pub(crate) fn now_text(&self) -> String {
        self.clock.now().to_rfc3339()
    }

    /// Now in Unix seconds, as stored in columns compared with it.
    pub(crate) fn now_secs(&self) -> i64 {
        self.clock.now().unix_seconds()
    }

    /// Connects without migrating: for administration (creating and
    /// dropping test databases on a PostgreSQL server).
    pub async fn connect_unmigrated(url: &str) -> Result<Database, DbError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            Backend::Postgres
        };
        let pool = AnyPoolOptions::new()
            .max_connections(1)
            .connect(url)
            .await?;
        Ok(Database {
            pool,
            backend,
            clock: std::sync::Arc::new(SystemClock),
        })
    }

    /// Runs one administrative statement built at run time (such as
    /// `CREATE DATABASE name`). Never pass text from users here.
    pub async fn execute_admin(&self, statement: &str) -> Result<(), DbError> {
        sqlx::raw_sql(sqlx::AssertSqlSafe(statement.to_owned()))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Creates an empty PostgreSQL database named `<prefix>_<pid>_<n>` on the
    /// server of `admin_url` (a URL of its `postgres` database) and returns
    /// its URL and name: a fresh database per test. Databases with the same
    /// prefix left by processes that have died are dropped first.
    pub async fn scratch_postgres(
        admin_url: &str,
        prefix: &str,
    ) -> Result<(String, String), DbError> {
        static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let name = format!("{prefix}_{}_{n}", std::process::id());
        let admin = Database::connect_unmigrated(admin_url).await?;
        for stale in admin.list_databases(&format!("{prefix}_")).await? {
            let pid = stale[prefix.len() + 1..]
                .split('_')
                .next()
                .and_then(|p| p.parse::<u32>().ok());
            if pid.is_some_and(|p| !std::path::Path::new(&format!("/proc/{p}")).exists()) {
                let _ = admin
                    .execute_admin(&format!("DROP DATABASE IF EXISTS {stale}"))
                    .await;
            }
        }
        admin
            .execute_admin(&format!("CREATE DATABASE {name}"))
            .await?;
        admin.close().await;
        let base = admin_url.rsplit_once('/').map_or(admin_url, |(b, _)| b);
        Ok((format!("{base}/{name}"), name))
    }

    /// Drops a database made by [`Database::scratch_postgres`], closing any
    /// connections still open to it (PostgreSQL 13 or later).
    pub async fn drop_postgres(admin_url: &str, name: &str) -> Result<(), DbError> {
        let admin = Database::connect_unmigrated(admin_url).await?;
        admin
            .execute_admin(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await?;
        admin.close().await;
        Ok(())
    }

    /// The names of the PostgreSQL databases starting with `prefix`.
    pub async fn list_databases(&self, prefix: &str) -> Result<Vec<String>, DbError> {
        use sqlx::Row;
        let rows = sqlx::query("SELECT datname::text FROM pg_database WHERE datname LIKE $1")
            .bind(format!("{prefix}%"))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
    }

    /// The SQLite URL of the database file in a data directory.
    pub fn sqlite_url(data_dir: &std::path::Path) -> String {
        format!("sqlite://{}?mode=rwc", data_dir.join("safer.db").display())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Connects and migrates only up to schema `version`: for tests of
    /// the migrations that follow it, on data as an older Safer left it.
    #[doc(hidden)]
    pub async fn connect_at_schema(url: &str, version: i64) -> Result<Database, DbError> {
        let db = Database::connect_unmigrated(url).await?;
        db.migrate_to(version).await?;
        Ok(db)
    }

    async fn migrate(&self) -> Result<(), DbError> {
        self.migrate_to(i64::MAX).await
    }

    async fn migrate_to(&self, version: i64) -> Result<(), DbError> {
        let files: &[(i64, &str, &str)] = match self.backend {
            Backend::Sqlite => &[
                (
                    1,
                    "plans",
                    include_str!("../../migrations/sqlite/0001_plans.sql"),
                ),
                (
                    2,
                    "access",
                    include_str!("../../migrations/sqlite/0002_access.sql"),
                ),
                (
                    3,
                    "agency ids",
                    include_str!("../../migrations/sqlite/0003_agency_ids.sql"),
                ),
                (
                    4,
                    "plan versions",
                    include_str!("../../migrations/sqlite/0004_plan_versions.sql"),
                ),
                (
                    5,
                    "narratives",
                    include_str!("../../migrations/sqlite/0005_narratives.sql"),
                ),
                (
                    6,
                    "measure commentary",
                    include_str!("../../migrations/sqlite/0006_measure_commentary.sql"),
                ),
                (
                    7,
                    "cases",
                    include_str!("../../migrations/sqlite/0007_cases.sql"),
                ),
                (
                    8,
                    "case work",
                    include_str!("../../migrations/sqlite/0008_case_work.sql"),
                ),
                (
                    9,
                    "rights",
                    include_str!("../../migrations/sqlite/0009_rights.sql"),
                ),
                (
                    10,
                    "locations",
                    include_str!("../../migrations/sqlite/0010_locations.sql"),
                ),
                (
                    11,
                    "groups",
                    include_str!("../../migrations/sqlite/0011_groups.sql"),
                ),
                (
                    12,
                    "duties",
                    include_str!("../../migrations/sqlite/0012_duties.sql"),
                ),
            ],
            Backend::Postgres => &[
                (
                    1,
                    "plans",
                    include_str!("../../migrations/postgres/0001_plans.sql"),
                ),
                (
                    2,
                    "access",
                    include_str!("../../migrations/postgres/0002_access.sql"),
                ),
                (
                    3,
                    "agency ids",
                    include_str!("../../migrations/postgres/0003_agency_ids.sql"),
                ),
                (
                    4,
                    "plan versions",
                    include_str!("../../migrations/postgres/0004_plan_versions.sql"),
                ),
                (
                    5,
                    "narratives",
                    include_str!("../../migrations/postgres/0005_narratives.sql"),
                ),
                (
                    6,
                    "measure commentary",
                    include_str!("../../migrations/postgres/0006_measure_commentary.sql"),
                ),
                (
                    7,
                    "cases",
                    include_str!("../../migrations/postgres/0007_cases.sql"),
                ),
                (
                    8,
                    "case work",
                    include_str!("../../migrations/postgres/0008_case_work.sql"),
                ),
                (
                    9,
                    "rights",
                    include_str!("../../migrations/postgres/0009_rights.sql"),
                ),
                (
                    10,
                    "locations",
                    include_str!("../../migrations/postgres/0010_locations.sql"),
                ),
                (
                    11,
                    "groups",
                    include_str!("../../migrations/postgres/0011_groups.sql"),
                ),
                (
                    12,
                    "duties",
                    include_str!("../../migrations/postgres/0012_duties.sql"),
                ),
            ],
        };
        let migrations = files
            .iter()
            .filter(|(v, _, _)| *v <= version)
            .map(|(v, d, sql)| {
                Migration::new(
                    *v,
                    Cow::Borrowed(*d),
                    MigrationType::Simple,
                    sqlx::SqlSafeStr::into_sql_str(*sql),
                    false,
                )
            })
            .collect();
        Migrator::with_migrations(migrations)
            .run(&self.pool)
            .await?;
        Ok(())
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<(), DbError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Seconds since the Unix epoch, by the operating system's clock (what
/// [`SystemClock`] tells).
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// The current time by the operating system's clock, RFC 3339 UTC.
pub fn now() -> String {
    Timestamp::from_unix_seconds(unix_now()).to_rfc3339()
}

/// Turns a foreign-key or unique violation into a [`DbError::Conflict`]
/// with a message for people; other errors pass through.
pub(crate) fn on_constraint(e: sqlx::Error, message: impl FnOnce() -> String) -> DbError {
    match &e {
        sqlx::Error::Database(d)
            if d.is_foreign_key_violation()
                || d.is_unique_violation()
                || d.is_check_violation() =>
        {
            DbError::Conflict(message())
        }
        _ => DbError::Backend(e),
    }
}
