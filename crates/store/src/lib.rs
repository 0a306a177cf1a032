//! Sanzhi's storage: one [`Store`] over an embedded SQLite file or a PostgreSQL server.
//!
//! Both backends are first-class. The store is a folder per concern (`plans/`, `reference/`,
//! `reports/`, `tracking/`, `readings/`, `measures/`, `imports/`, `audit/`, `accounts/`,
//! `remind/`, `tokens/`, `groups/`): each folder's `mod.rs` holds that concern's types and
//! [`Store`]'s methods (the facade, compiled once), and the other files in it hold the
//! queries, written once and compiled for each backend — `sqlite.rs` and `postgres.rs` each
//! declare `queries.rs`, which lists every query file as a module, with their own `Db` type
//! and transaction helpers, so the two cannot drift apart. `shared.rs` is what the query
//! files share. Each backend has its own migration folder under `migrations/`.
//!
//! Placeholders are `$1, $2, …` and must appear in ascending order in the SQL text: SQLite
//! numbers `$N` parameters by first appearance, PostgreSQL by their digits.
//!
//! Rows are converted to domain types by hand (`rows.rs`): the database layout is not the
//! wire format.

// Each backend declares the same query files as its modules: that is the design.
#![allow(clippy::duplicate_mod)]

pub mod backup;
mod rows;
#[cfg(feature = "testing")]
pub mod testing;

pub use sanzhi_domain::reading::ReadingsWritten;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::str::FromStr;
use std::time::Duration;

mod sqlite;

mod postgres;

/// Which database a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// What can go wrong in the store. The cause is for the log; users see a generic message.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unsupported database URL scheme (expected sqlite: or postgres://)")]
    UnsupportedUrl,
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("cannot create the database folder {path}: {source}")]
    CreateDir {
        path: String,
        source: std::io::Error,
    },
    #[error("seed refers to unit {0} which is not in the database")]
    MissingUnit(String),
    #[error("stored value is invalid: {0}")]
    Corrupt(String),
    #[error("not found: {0}")]
    NotFound(String),
    /// A request the database refuses for a reason the user can fix (message in Chinese).
    #[error("{0}")]
    Invalid(String),
}

impl StoreError {
    /// The database was busy with other work longer than a request waits: SQLite's write
    /// lock (`SQLITE_BUSY`, `SQLITE_LOCKED` and their extended codes), a PostgreSQL lock,
    /// deadlock or serialization failure, or no free connection in the pool. Nothing was
    /// written, and the same request can succeed later.
    pub fn is_busy(&self) -> bool {
        match self {
            StoreError::Database(sqlx::Error::PoolTimedOut) => true,
            StoreError::Database(sqlx::Error::Database(e)) => {
                let code = e.code();
                let code = code.as_deref().unwrap_or("");
                // PostgreSQL's SQLSTATEs: serialization failure, deadlock, lock not available.
                matches!(code, "40001" | "40P01" | "55P03")
                    // SQLite's codes (at most four digits): the primary code is the low byte
                    // of the extended one; 5 is BUSY, 6 is LOCKED.
                    || (code.len() < 5
                        && code.parse::<i32>().is_ok_and(|n| matches!(n & 0xff, 5 | 6)))
            }
            _ => false,
        }
    }
}

/// How long a SQLite writer waits for the write lock (and a request for a connection).
pub const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// A connection pool to one of the two backends. Cheap to clone.
#[derive(Debug, Clone)]
pub enum Store {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// What changed since: the version of each area of the data (migration 27). Each moves on
/// with every committed change to its area, whichever app server made it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Versions {
    /// Plans, items, deadlines, units, groups, reference tables, targets, indicators.
    pub structure: i64,
    /// Any plan's reports, reviews, 催办 and answers, reminder settings, closed 通报.
    pub tracking: i64,
    /// The readings.
    pub readings: i64,
}

impl Versions {
    /// A number that moves on with any change (each part only grows).
    pub fn all(&self) -> i64 {
        self.structure + self.tracking + self.readings
    }
}

macro_rules! dispatch {
    ($self:expr, $f:ident($($arg:expr),*)) => {
        match $self {
            $crate::Store::Sqlite(pool) => $crate::sqlite::$f(pool $(, $arg)*).await,
            $crate::Store::Postgres(pool) => $crate::postgres::$f(pool $(, $arg)*).await,
        }
    };
}

// The concerns: each folder's `mod.rs` is its facade (after `dispatch!`, which it uses).
mod accounts;
mod audit;
mod groups;
mod imports;
mod measures;
mod plans;
mod readings;
mod reference;
mod remind;
mod reports;
mod tokens;
mod tracking;

pub(crate) use accounts::{setup_digest, SETUP_LOCK};
pub use accounts::{Attempt, AttemptLimit, Credentials, NewUser, PageViewer, StoredSession};
pub use audit::AuditFilter;
pub use groups::UnitGroup;
pub use imports::{FieldChange, ImportItemChange, ImportItemState, ImportPlanReport, UnitAlias};
pub(crate) use plans::Change;
pub use plans::SeedReport;
pub use plans::UnitRecord;
pub use readings::{ReadingBatch, ReadingFilter, ReadingsMirror, Standings};
pub use remind::{
    BulletinMonth, BulletinRecord, DayWritten, HookRecord, InboxDigest, NewBulletin, OutboxJob,
    OutboxRow, UrgeScope,
};
pub use reports::{AssignmentFacts, AssignmentOwner, DemoReport, ReportOwner, StoredFile};
pub use tokens::{ApiTokenRecord, RealDataCounts};
pub(crate) use tracking::TrackedItem;
pub use tracking::{StatusMirror, TrackScope};

impl Store {
    /// Opens the database at `url`: `sqlite:path/to/file.db` (created, with its folder, if
    /// missing; WAL, foreign keys on, fsync on every commit) or `postgres://…`.
    #[tracing::instrument(skip_all, fields(backend))]
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            tracing::Span::current().record("backend", "postgres");
            let opts = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(10)
                .acquire_timeout(Duration::from_secs(5))
                .connect_with(opts)
                .await?;
            Ok(Store::Postgres(pool))
        } else if url.starts_with("sqlite:") {
            tracing::Span::current().record("backend", "sqlite");
            let opts = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                // FULL: a commit is on disk before it is acknowledged, even in WAL mode.
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                // A writer waits this long for SQLite's one write lock before giving up.
                // The longest holder is a large readings import (a million rows: ~9 s in one
                // transaction); reports made meanwhile wait for it instead of failing.
                .busy_timeout(SQLITE_BUSY_TIMEOUT)
                // Rows come from SQLite's worker thread through a channel; with the default 50
                // a large read (the overview's 300k reports at province scale) woke the reading
                // task for every few rows and spent most of its time switching threads.
                .row_buffer_size(4096);
            if let Some(dir) = opts.get_filename().parent() {
                if !dir.as_os_str().is_empty() {
                    tokio::fs::create_dir_all(dir).await.map_err(|source| {
                        StoreError::CreateDir {
                            path: dir.display().to_string(),
                            source,
                        }
                    })?;
                }
            }
            let pool = SqlitePoolOptions::new()
                .max_connections(5)
                // Writers queue on the write lock while holding their connection: waiting
                // for a connection may take as long as waiting for the lock.
                .acquire_timeout(SQLITE_BUSY_TIMEOUT)
                // A file in this process has no connection to lose: no ping (a round trip
                // to the connection's worker thread) before every query — under the mixed
                // load the pings were 4% of the server's time.
                .test_before_acquire(false)
                .connect_with(opts)
                .await?;
            Ok(Store::Sqlite(pool))
        } else {
            Err(StoreError::UnsupportedUrl)
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Store::Sqlite(_) => Backend::Sqlite,
            Store::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies every migration of this backend that has not run yet.
    #[tracing::instrument(skip_all, fields(backend = self.backend().as_str()))]
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self {
            Store::Sqlite(pool) => sqlx::migrate!("../../migrations/sqlite").run(pool).await?,
            Store::Postgres(pool) => {
                sqlx::migrate!("../../migrations/postgres")
                    .run(pool)
                    .await?
            }
        }
        // The status facts cannot be computed in SQL: built here once after migration 26.
        if dispatch!(self, ensure_facts(false))? {
            tracing::info!("status facts built from the stored reports");
        }
        Ok(())
    }

    /// A number that moves on with every committed change to plans, units, reports,
    /// reviews, reference data or readings: the sum of [`Store::versions`]. Read it before
    /// the data a cache entry is computed from.
    pub async fn data_version(&self) -> Result<i64, StoreError> {
        Ok(self.versions().await?.all())
    }

    /// The versions of the structure, the tracking and the readings, read in one statement
    /// (kept by triggers and the readings writer; migrations 9 and 27). Read them before the
    /// data a cache entry is computed from, and key the entry on those of what it shows.
    pub async fn versions(&self) -> Result<Versions, StoreError> {
        dispatch!(self, versions())
    }

    /// The version of one plan's tracking (its reports, reviews, 催办, reminder settings).
    pub async fn plan_version(&self, plan: &str) -> Result<i64, StoreError> {
        dispatch!(self, plan_version(plan))
    }

    /// What is wrong with the stored data, in words; empty when the checks find nothing.
    /// SQLite runs its own `integrity_check` and `foreign_key_check`; on both backends the
    /// invariants of the writes are checked (report versions without gaps, …). Used after a
    /// crash test and before a restore replaces anything.
    pub async fn integrity_problems(&self) -> Result<Vec<String>, StoreError> {
        dispatch!(self, integrity_problems())
    }

    /// A round trip to the database, for `/healthz`.
    pub async fn ping(&self) -> Result<(), StoreError> {
        dispatch!(self, ping())
    }

    /// Closes the pool, waiting for connections to be returned.
    pub async fn close(&self) {
        match self {
            Store::Sqlite(pool) => pool.close().await,
            Store::Postgres(pool) => pool.close().await,
        }
    }
}
