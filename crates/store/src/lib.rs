//! Sanzhi's storage: one [`Store`] over an embedded SQLite file or a PostgreSQL server.
//!
//! Both backends are first-class. The queries are written once, in `queries.rs` and the
//! `queries_*.rs` beside it (API tokens, reminders, unit groups, a plan's indicators), and
//! compiled for each backend: `sqlite.rs` and `postgres.rs` each declare those files as
//! modules of their own, with their own `Db` type and transaction helpers, so the two cannot
//! drift apart; each backend has its own migration folder under `migrations/`. Placeholders are `$1, $2, …` and must appear in ascending order in the SQL
//! text: SQLite numbers `$N` parameters by first appearance, PostgreSQL by their digits.
//!
//! Rows are converted to domain types by hand (`rows.rs`): the database layout is not the
//! wire format.

// Each backend declares the same query files as its modules: that is the design.
#![allow(clippy::duplicate_mod)]

pub mod backup;
mod rows;
#[cfg(feature = "testing")]
pub mod testing;

use sanzhi_domain::chrono::{DateTime, NaiveDate, Utc};
pub use sanzhi_domain::reading::ReadingsWritten;
use sanzhi_domain::{
    ItemDetail, NewReport, NewReview, PendingReview, PlanCode, PlanDetail, PlanSummary, PlanTree,
    Report, Review, Tracked, UnitKind,
};
use sanzhi_seed::SeedBundle;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::str::FromStr;
use std::time::Duration;

mod sqlite;

mod postgres;

/// The key that serialises the writes deciding who the first admin is (PostgreSQL; SQLite's
/// write transactions run one at a time anyway).
pub(crate) const SETUP_LOCK: &str = "setup:first-admin";

/// How a setup token is kept: its SHA-256 in hex (the token itself is printed once, never
/// stored).
pub(crate) fn setup_digest(token: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// One assignment as the tracking query reads it, with its item's deadlines now and as they
/// were before each later edit.
#[derive(Debug, Clone)]
pub(crate) struct TrackedItem {
    pub row: rows::TrackedRow,
    pub milestones: Vec<sanzhi_domain::Milestone>,
    /// Deadlines replaced by a coordinator's edit: (the China day of the edit, the deadlines
    /// before it), oldest edit first.
    pub replaced: Vec<(NaiveDate, Vec<sanzhi_domain::Milestone>)>,
    pub reports: Vec<Report>,
}

impl TrackedItem {
    /// Whether the assignment existed on `day`: added by then (or from the start) and not yet
    /// removed.
    pub fn present_on(&self, day: NaiveDate) -> bool {
        self.row.added_on.is_none_or(|added| added <= day)
            && self.row.removed_on.is_none_or(|removed| removed > day)
    }

    /// The deadlines in force on `day`: those the first edit made after `day` replaced, or
    /// the current ones when no edit came after it.
    pub fn milestones_on(&self, day: NaiveDate) -> &[sanzhi_domain::Milestone] {
        self.replaced
            .iter()
            .find(|(edited_on, _)| *edited_on > day)
            .map_or(&self.milestones, |(_, m)| m)
    }
}

/// A limit on sign-in attempts under one key, counted over the throttle window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptLimit {
    pub key: String,
    /// Failures allowed in the window.
    pub max: i64,
    /// `None`: past `max`, no attempt until the window has passed. `Some(s)`: a back-off —
    /// past `max`, one attempt every `s` seconds.
    pub spacing_after: Option<i64>,
}

/// The outcome of [`Store::login_attempt_reserve`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    /// Go ahead: the attempt is recorded under these rows.
    Reserved { ids: Vec<i64> },
    /// Over the limit of `key`.
    Refused { key: String },
}

/// What a streamed readings write receives: readings, then `Finish` to commit.
#[derive(Debug)]
pub enum ReadingBatch {
    Rows(Vec<sanzhi_domain::NewReading>),
    Finish,
}

/// A generated demo report with the time it was made and the review it gets.
#[derive(Debug, Clone)]
pub struct DemoReport {
    pub report: NewReport,
    pub created_at: DateTime<Utc>,
    pub review: Option<NewReview>,
}

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

/// Which 催办 to list; `None` means any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UrgeScope {
    pub unit: Option<String>,
    pub plan: Option<String>,
    pub item: Option<i32>,
    pub assignment: Option<i64>,
}

/// A phrase of the tables that stands for a set of units (“各县(市、区)政府”).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UnitGroup {
    pub phrase: String,
    /// Canonical unit names, sorted.
    pub members: Vec<String>,
    /// Where the group comes from (the seed's reason, or the admin's note).
    pub provenance: String,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

/// A closed month's 通报 as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulletinRecord {
    pub id: i64,
    /// `2018-12`.
    pub month: String,
    /// The 文号 line, e.g. 衢三治办〔2019〕1号.
    pub doc_no: String,
    pub closed_by: String,
    pub closed_by_name: String,
    pub closed_at: DateTime<Utc>,
    pub data_version: i64,
    /// The 总览 as shown when closed (JSON of `app::overview::Overview`).
    pub overview: String,
    pub is_demo: bool,
}

/// A month being closed.
#[derive(Debug, Clone, Copy)]
pub struct NewBulletin<'a> {
    pub month: &'a str,
    pub doc_no: &'a str,
    pub closed_by: &'a str,
    pub closed_by_name: &'a str,
    pub closed_at: DateTime<Utc>,
    pub data_version: i64,
    pub overview: &'a str,
    pub is_demo: bool,
}

/// What the making of a day's digests wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DayWritten {
    pub digests: usize,
    /// E-mails and robot messages put in the outbox.
    pub messages: usize,
}

/// A digest in a unit's 消息 inbox.
#[derive(Debug, Clone, PartialEq)]
pub struct InboxDigest {
    pub id: i64,
    /// Read by the account asking.
    pub read: bool,
    pub is_demo: bool,
    pub title: String,
    pub digest: sanzhi_domain::remind::Digest,
}

/// A message of the outbox, as the admin's list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRow {
    pub id: i64,
    pub digest_id: i64,
    /// `email` or `webhook`.
    pub channel: String,
    /// The e-mail address, or `hook:{id}`.
    pub target: String,
    pub hook_id: Option<i64>,
    /// `pending`, `sent` or `failed` (given up).
    pub status: String,
    pub attempts: i32,
    /// Unix seconds.
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub unit: String,
    pub day: NaiveDate,
}

/// A message leased to this server for sending.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxJob {
    pub row: OutboxRow,
    pub title: String,
    pub digest: sanzhi_domain::remind::Digest,
    /// The hook, for a robot message.
    pub hook: Option<HookRecord>,
}

/// A unit's robot webhook. `secret` is for signing only: never shown back or logged.
#[derive(Clone, PartialEq, Eq)]
pub struct HookRecord {
    pub id: i64,
    pub unit: String,
    /// `dingtalk` (钉钉 and 浙政钉), `wecom` (企业微信) or `json`.
    pub kind: String,
    pub url: String,
    pub secret: Option<String>,
    pub active: bool,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

impl std::fmt::Debug for HookRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HookRecord")
            .field("id", &self.id)
            .field("unit", &self.unit)
            .field("kind", &self.kind)
            .field("url", &sanzhi_domain::remind::mask_url(&self.url))
            .field("secret", &self.secret.as_ref().map(|_| "***"))
            .field("active", &self.active)
            .finish()
    }
}

/// Which assignments a tracking query covers; `None` means any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrackScope {
    pub plan: Option<String>,
    pub unit: Option<String>,
    pub item: Option<i32>,
}

/// Which readings to list: years `from_year..=to_year`, an indicator code or code prefix
/// (`water.`), a place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadingFilter {
    pub from_year: i32,
    pub to_year: i32,
    pub indicator: Option<String>,
    pub place: Option<String>,
}

impl ReadingFilter {
    pub fn years(from_year: i32, to_year: i32) -> Self {
        Self {
            from_year,
            to_year,
            indicator: None,
            place: None,
        }
    }
}

/// A user to create (the password already hashed by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: sanzhi_domain::Role,
    pub plan: Option<String>,
    pub unit: Option<String>,
    pub is_demo: bool,
}

/// Which audit entries to list, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Part of the actor's name.
    pub actor: Option<String>,
    /// An action or an action prefix (`report.`).
    pub action: Option<String>,
    pub entity: Option<String>,
    pub entity_key: Option<String>,
    /// Part of the name of what was changed (“开化”, “治水 (5)”) or of its key.
    pub object: Option<String>,
    pub limit: i64,
}

/// What a seed load did: rows inserted, updated (content differed) and left as they were.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
}

impl SeedReport {
    fn add(&mut self, change: Change) {
        match change {
            Change::Inserted => self.inserted += 1,
            Change::Updated => self.updated += 1,
            Change::Unchanged => self.unchanged += 1,
        }
    }
}

/// What an upsert did to one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    Inserted,
    Updated,
    Unchanged,
}

/// How long a SQLite writer waits for the write lock (and a request for a connection).
pub const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// A connection pool to one of the two backends. Cheap to clone.
#[derive(Debug, Clone)]
pub enum Store {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

macro_rules! dispatch {
    ($self:expr, $f:ident($($arg:expr),*)) => {
        match $self {
            Store::Sqlite(pool) => sqlite::$f(pool $(, $arg)*).await,
            Store::Postgres(pool) => postgres::$f(pool $(, $arg)*).await,
        }
    };
}

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
        Ok(())
    }

    /// A number that moves on with every committed change to plans, units, reports,
    /// reviews, reference data or readings (kept by triggers; migration 9). Read it before
    /// the data a cache entry is computed from.
    pub async fn data_version(&self) -> Result<i64, StoreError> {
        dispatch!(self, data_version())
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

    /// Loads a validated seed bundle in one transaction. Idempotent: loading the same bundle
    /// again inserts and updates nothing. On any error nothing is changed.
    #[tracing::instrument(skip_all, fields(backend = self.backend().as_str()))]
    pub async fn load_seed(&self, seed: &SeedBundle) -> Result<SeedReport, StoreError> {
        let report = dispatch!(self, load_seed(seed))?;
        tracing::info!(?report, "seed loaded");
        Ok(report)
    }

    /// Every plan, in the order the seed gives, with its size.
    #[tracing::instrument(skip_all)]
    pub async fn list_plans(&self) -> Result<Vec<PlanSummary>, StoreError> {
        let plans = dispatch!(self, list_plans())?;
        // Messages that know only a plan's code name it by these (a display cache).
        sanzhi_domain::plan::remember_names(&plans);
        Ok(plans)
    }

    /// Moves a plan through its lifecycle (draft → active → closed, or back), audited;
    /// `None` when no plan has this code, else the status it had.
    pub async fn set_plan_status(
        &self,
        code: &PlanCode,
        status: sanzhi_domain::PlanStatus,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<sanzhi_domain::PlanStatus>, StoreError> {
        dispatch!(self, set_plan_status(code, status, actor, now))
    }

    /// One plan with its goals, or `None` if no plan has this code.
    #[tracing::instrument(skip(self))]
    pub async fn plan_detail(&self, code: &PlanCode) -> Result<Option<PlanDetail>, StoreError> {
        dispatch!(self, plan_detail(code))
    }

    /// A plan with its actions, tasks and work items (leads, units, milestones).
    #[tracing::instrument(skip(self))]
    pub async fn plan_tree(&self, code: &PlanCode) -> Result<Option<PlanTree>, StoreError> {
        dispatch!(self, plan_tree(code))
    }

    /// One work item in full, by plan and item number.
    #[tracing::instrument(skip(self))]
    pub async fn item_detail(
        &self,
        code: &PlanCode,
        number: i32,
    ) -> Result<Option<ItemDetail>, StoreError> {
        dispatch!(self, item_detail(code, number))
    }

    /// Lines `from..=to` of a source document with `context` lines either side; `None` when
    /// the document or the lines are not there.
    pub async fn source_window(
        &self,
        document: &str,
        from: i32,
        to: i32,
        context: i32,
    ) -> Result<Option<sanzhi_domain::SourceWindow>, StoreError> {
        dispatch!(self, source_window(document, from, to, context))
    }

    /// Appends a progress report. `Ok(Err(newest))` when someone reported meanwhile: the
    /// report was not stored, and `newest` is what the writer had not seen. A day after
    /// today (China time of `now`) or before the previous report's is refused
    /// (`StoreError::Invalid` naming `reported_on`); a day more than the default 7 days back
    /// makes it a 补报 (see [`Store::add_report_backdating`]).
    #[tracing::instrument(skip_all, fields(assignment = report.assignment_id))]
    pub async fn add_report(
        &self,
        report: &NewReport,
        now: DateTime<Utc>,
    ) -> Result<Result<Report, Option<Report>>, StoreError> {
        let days = sanzhi_domain::report::DEFAULT_BACKDATE_DAYS;
        dispatch!(self, add_report(report, now, days))
    }

    /// [`Store::add_report`] with the server's `reports.backdate_days`: a report dated more
    /// than that many days before the day it is made is stored as a 补报 (`late_filed`).
    #[tracing::instrument(skip_all, fields(assignment = report.assignment_id))]
    pub async fn add_report_backdating(
        &self,
        report: &NewReport,
        now: DateTime<Utc>,
        backdate_days: i64,
    ) -> Result<Result<Report, Option<Report>>, StoreError> {
        dispatch!(self, add_report(report, now, backdate_days))
    }

    /// Every report on an assignment, oldest first.
    pub async fn reports(&self, assignment_id: i64) -> Result<Vec<Report>, StoreError> {
        dispatch!(self, reports(assignment_id))
    }

    /// Every report on each of the assignments, oldest first (each id is a key, with no
    /// reports if it has none): one read for a whole item page.
    pub async fn reports_of_assignments(
        &self,
        assignment_ids: &[i64],
    ) -> Result<std::collections::HashMap<i64, Vec<Report>>, StoreError> {
        dispatch!(self, reports_of_assignments(assignment_ids))
    }

    /// The assignments in `scope`, each with its status on `as_of` computed from the item's
    /// milestones and the reports made up to that day.
    #[tracing::instrument(skip(self))]
    pub async fn tracked(
        &self,
        scope: &TrackScope,
        as_of: NaiveDate,
        due_soon_days: i64,
    ) -> Result<Vec<Tracked>, StoreError> {
        Ok(self
            .tracked_on_days(scope, &[as_of], due_soon_days)
            .await?
            .pop()
            .unwrap_or_default())
    }

    /// [`Store::tracked`] on each of `days`, from one read of the reports (those up to the
    /// latest day; each day sees the reports made and the reviews decided by then).
    #[tracing::instrument(skip(self))]
    pub async fn tracked_on_days(
        &self,
        scope: &TrackScope,
        days: &[NaiveDate],
        due_soon_days: i64,
    ) -> Result<Vec<Vec<Tracked>>, StoreError> {
        let (Some(latest), Some(earliest)) =
            (days.iter().max().copied(), days.iter().min().copied())
        else {
            return Ok(vec![]);
        };
        let rows = dispatch!(self, tracked(scope, latest, earliest))?;
        let mut out = Vec::with_capacity(days.len());
        for &as_of in days {
            // What was recorded by that day, as the store's own query for the day reads it.
            let on_day = |reports: &[sanzhi_domain::Report]| -> Vec<sanzhi_domain::Report> {
                reports.iter().filter_map(|r| r.as_of(as_of)).collect()
            };
            out.push(
                rows.iter()
                    // The units the item had that day.
                    .filter(|item| item.present_on(as_of))
                    .map(|item| {
                        let (r, reports) = (&item.row, &item.reports);
                        // The deadlines in force that day (an edit never changes the past).
                        let milestones = item.milestones_on(as_of);
                        let reports = if as_of == latest {
                            reports.clone()
                        } else {
                            on_day(reports)
                        };
                        let start = r
                            .issued_on
                            .or_else(|| NaiveDate::from_ymd_opt(r.start_year, 1, 1))
                            .unwrap_or(as_of);
                        // The plan's last day: after it, what is not done is 未完成（期满）.
                        let end = NaiveDate::from_ymd_opt(r.end_year, 12, 31);
                        let (assessment, awaiting_review, returned) = Tracked::assess(
                            milestones,
                            &reports,
                            as_of,
                            (start, end),
                            due_soon_days,
                        );
                        Tracked {
                            assignment_id: r.assignment_id,
                            plan_code: r.plan_code.clone(),
                            plan_short_name: r.plan_short_name.clone(),
                            // The CHECK admits only the three; a stored value is one of them.
                            plan_status: sanzhi_domain::PlanStatus::parse(&r.plan_status)
                                .unwrap_or_default(),
                            plan_closed_on: r.plan_closed_on,
                            task_number: r.task_number,
                            item_number: r.item_number,
                            item_text: r.item_text.clone(),
                            unit: r.unit.clone(),
                            via: r.via.clone(),
                            milestones: milestones.to_vec(),
                            assessment,
                            report_count: i32::try_from(reports.len()).unwrap_or(i32::MAX),
                            last_report: reports.into_iter().last(),
                            awaiting_review,
                            returned,
                        }
                    })
                    .collect(),
            );
        }
        Ok(out)
    }

    /// The indicators' targets: PM2.5 by area and year, sections, drain limits, rates.
    pub async fn indicator_targets(&self) -> Result<sanzhi_domain::IndicatorTargets, StoreError> {
        dispatch!(self, indicator_targets())
    }

    /// Every unit with its kind, county governments first.
    pub async fn units(&self) -> Result<Vec<(String, UnitKind)>, StoreError> {
        dispatch!(self, units())
    }

    /// Records a coordinator's decision on a done report (with its audit entry).
    /// `Ok(Err(existing))` when someone reviewed it first: nothing was written.
    #[tracing::instrument(skip_all, fields(report = review.report_id))]
    pub async fn add_review(
        &self,
        review: &NewReview,
        now: DateTime<Utc>,
    ) -> Result<Result<Review, Review>, StoreError> {
        dispatch!(self, add_review(review, now))
    }

    /// Keeps an evidence file uploaded for an assignment's report form (checked by
    /// [`sanzhi_domain::check_evidence`] before), audited; bound to the report when it is sent.
    #[allow(clippy::too_many_arguments)]
    pub async fn add_evidence(
        &self,
        assignment_id: i64,
        name: &str,
        content_type: &str,
        data: &[u8],
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<sanzhi_domain::EvidenceFile, StoreError> {
        dispatch!(
            self,
            add_evidence(assignment_id, name, content_type, data, by, now)
        )
    }

    /// The evidence files of the reports of these assignments (no bytes).
    pub async fn evidence_of_assignments(
        &self,
        assignment_ids: &[i64],
    ) -> Result<Vec<sanzhi_domain::EvidenceFile>, StoreError> {
        dispatch!(self, evidence_of_assignments(assignment_ids))
    }

    /// One evidence file and its bytes.
    pub async fn evidence_file(
        &self,
        id: i64,
    ) -> Result<Option<(sanzhi_domain::EvidenceFile, Vec<u8>)>, StoreError> {
        dispatch!(self, evidence_file(id))
    }

    /// The plans' reminder settings (plans without a row use the defaults).
    pub async fn reminder_settings(
        &self,
    ) -> Result<
        std::collections::BTreeMap<String, sanzhi_domain::remind::ReminderSettings>,
        StoreError,
    > {
        dispatch!(self, reminder_settings())
    }

    /// Sets a plan's lead times and 督办 limit, audited.
    pub async fn set_reminder_settings(
        &self,
        plan: &str,
        settings: &sanzhi_domain::remind::ReminderSettings,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        dispatch!(self, set_reminder_settings(plan, settings, actor, now))
    }

    /// The 催办 in `scope`, oldest first, with their answers.
    pub async fn urges(
        &self,
        scope: &UrgeScope,
    ) -> Result<Vec<sanzhi_domain::remind::Urge>, StoreError> {
        dispatch!(self, urges(scope))
    }

    pub async fn urge(&self, id: i64) -> Result<Option<sanzhi_domain::remind::Urge>, StoreError> {
        dispatch!(self, urge(id))
    }

    /// Records a 催办 on an assignment, audited.
    #[allow(clippy::too_many_arguments)]
    pub async fn add_urge(
        &self,
        assignment_id: i64,
        message: &str,
        reply_by: Option<NaiveDate>,
        by: &str,
        by_name: &str,
        now: DateTime<Utc>,
        is_demo: bool,
    ) -> Result<sanzhi_domain::remind::Urge, StoreError> {
        dispatch!(
            self,
            add_urge(assignment_id, message, reply_by, by, by_name, now, is_demo)
        )
    }

    /// Answers a 催办 once (a 说明 and/or a report of its assignment), audited.
    pub async fn answer_urge(
        &self,
        urge_id: i64,
        note: &str,
        report_id: Option<i64>,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<sanzhi_domain::remind::Urge>, StoreError> {
        dispatch!(self, answer_urge(urge_id, note, report_id, by, now))
    }

    pub async fn reminder_day_done(&self, day: NaiveDate) -> Result<bool, StoreError> {
        dispatch!(self, reminder_day_done(day))
    }

    pub async fn last_reminder_day(&self) -> Result<Option<NaiveDate>, StoreError> {
        dispatch!(self, last_reminder_day())
    }

    /// Writes a day's digests and their outbox once: `None` when the day was made already.
    pub async fn write_digests(
        &self,
        day: NaiveDate,
        digests: &[sanzhi_domain::remind::Digest],
        ran_by: &str,
        is_demo: bool,
        now: DateTime<Utc>,
    ) -> Result<Option<DayWritten>, StoreError> {
        dispatch!(self, write_digests(day, digests, ran_by, is_demo, now))
    }

    /// A unit's digests, newest first, read or not by `user_id`.
    pub async fn inbox(
        &self,
        unit: &str,
        user_id: i64,
        limit: i64,
    ) -> Result<Vec<InboxDigest>, StoreError> {
        dispatch!(self, inbox(unit, user_id, limit))
    }

    pub async fn unread(&self, unit: &str, user_id: i64) -> Result<i64, StoreError> {
        dispatch!(self, unread(unit, user_id))
    }

    pub async fn mark_read(
        &self,
        unit: &str,
        user_id: i64,
        digest: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        dispatch!(self, mark_read(unit, user_id, digest, now))
    }

    /// Leases the messages due at `now` (Unix seconds) to the caller for `lease` seconds.
    pub async fn claim_outbox(
        &self,
        now: i64,
        lease: i64,
        limit: i64,
    ) -> Result<Vec<OutboxJob>, StoreError> {
        dispatch!(self, claim_outbox(now, lease, limit))
    }

    pub async fn outbox_sent(&self, id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
        dispatch!(self, outbox_sent(id, now))
    }

    /// A failed attempt: tried again from `next` (Unix seconds), or given up.
    pub async fn outbox_failed(
        &self,
        id: i64,
        error: &str,
        next: Option<i64>,
    ) -> Result<(), StoreError> {
        dispatch!(self, outbox_failed(id, error, next))
    }

    pub async fn outbox_retry(&self, id: i64, now: i64) -> Result<bool, StoreError> {
        dispatch!(self, outbox_retry(id, now))
    }

    pub async fn outbox_list(
        &self,
        status: Option<&str>,
        limit: i64,
    ) -> Result<Vec<OutboxRow>, StoreError> {
        dispatch!(self, outbox_list(status, limit))
    }

    pub async fn unit_hooks(&self) -> Result<Vec<HookRecord>, StoreError> {
        dispatch!(self, unit_hooks())
    }

    /// Adds a robot webhook to a unit (audited without its secret); `None`: no such unit.
    #[allow(clippy::too_many_arguments)]
    pub async fn add_unit_hook(
        &self,
        unit: &str,
        kind: &str,
        url: &str,
        secret: Option<&str>,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<HookRecord>, StoreError> {
        dispatch!(self, add_unit_hook(unit, kind, url, secret, actor, now))
    }

    pub async fn stop_unit_hook(
        &self,
        id: i64,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        dispatch!(self, stop_unit_hook(id, actor, now))
    }

    /// Sets or clears an account's e-mail address, audited; `false`: no such account.
    pub async fn set_email(
        &self,
        username: &str,
        email: Option<&str>,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        dispatch!(self, set_email(username, email, actor, now))
    }

    pub async fn emails(&self) -> Result<std::collections::HashMap<String, String>, StoreError> {
        dispatch!(self, emails())
    }

    /// Closes a month with its 总览 (audited); `Ok(Err(existing))` when closed before.
    pub async fn close_month(
        &self,
        b: &NewBulletin<'_>,
    ) -> Result<Result<BulletinRecord, BulletinRecord>, StoreError> {
        dispatch!(self, close_month(b))
    }

    pub async fn bulletin(&self, month: &str) -> Result<Option<BulletinRecord>, StoreError> {
        dispatch!(self, bulletin(month))
    }

    /// The closed months, newest first: (month, 文号, closed at, demo).
    pub async fn bulletin_months(
        &self,
    ) -> Result<Vec<(String, String, DateTime<Utc>, bool)>, StoreError> {
        dispatch!(self, bulletin_months())
    }

    /// Reports and reviews recorded after `after` for days up to `until`, and readings of
    /// `year` up to `month` recorded after it: a closed month's 通报后更正.
    pub async fn entries_after(
        &self,
        until: NaiveDate,
        year: i32,
        month: u32,
        after: DateTime<Utc>,
    ) -> Result<Vec<sanzhi_domain::overview::LateEntry>, StoreError> {
        dispatch!(self, entries_after(until, year, month, after))
    }

    /// Accepts several done reports in one transaction, all or none (see
    /// `add_reviews` in the queries): the decisions made.
    #[tracing::instrument(skip_all, fields(reports = reviews.len()))]
    pub async fn add_reviews(
        &self,
        reviews: &[NewReview],
        now: DateTime<Utc>,
    ) -> Result<Vec<Review>, StoreError> {
        dispatch!(self, add_reviews(reviews, now))
    }

    /// Every account with whether it may sign in (never a hash).
    pub async fn accounts(&self) -> Result<Vec<sanzhi_domain::Account>, StoreError> {
        dispatch!(self, accounts())
    }

    /// Sets a password hash and ends the account's sessions; `false` if there is no such
    /// account.
    pub async fn set_password(
        &self,
        username: &str,
        password_hash: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        dispatch!(self, set_password(username, password_hash, actor, now))
    }

    /// Allows or stops an account's sign-in; `None` if there is no such account.
    pub async fn set_active(
        &self,
        username: &str,
        active: bool,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<()>, StoreError> {
        dispatch!(self, set_active(username, active, actor, now))
    }

    /// Replaces a work item's deadlines, responsible units and targets (audited with the
    /// reason). `StoreError::Invalid` names the unit that is unknown or cannot be removed.
    pub async fn edit_item(
        &self,
        plan: &str,
        number: i32,
        edit: &sanzhi_domain::ItemEdit,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        dispatch!(self, edit_item(plan, number, edit, actor, now))
    }

    /// Adds a unit (audited); `StoreError::Invalid` when its name or an alias is taken.
    pub async fn add_unit(
        &self,
        unit: &sanzhi_domain::NewUnit,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        dispatch!(self, add_unit(unit, actor, now))
    }

    /// Done reports waiting for review, of one plan (`water`, …) or all, oldest first.
    pub async fn pending_reviews(
        &self,
        plan: Option<&str>,
    ) -> Result<Vec<PendingReview>, StoreError> {
        dispatch!(self, pending_reviews(plan))
    }

    /// The plan code, unit and assignment of a report, if there is such a report.
    pub async fn report_owner(
        &self,
        report_id: i64,
    ) -> Result<Option<(String, String, i64)>, StoreError> {
        dispatch!(self, report_owner(report_id))
    }

    /// Appends generated demo reports (marked `is_demo`), with their demo reviews, in one
    /// transaction.
    pub async fn insert_demo_reports(&self, reports: &[DemoReport]) -> Result<u64, StoreError> {
        dispatch!(self, insert_demo_reports(reports))
    }

    /// Removes every demo report; real reports cannot be removed.
    pub async fn clear_demo_reports(&self) -> Result<u64, StoreError> {
        dispatch!(self, clear_demo_reports())
    }

    /// Whether any demo reports are stored (the UI labels demo data when there are).
    pub async fn has_demo_reports(&self) -> Result<bool, StoreError> {
        dispatch!(self, has_demo_reports())
    }

    /// Where each kind of indicator is read: the areas, sections and drains of the seed.
    /// The indicators plans define beside the catalogue, in their order; `with_drafts`
    /// includes those of plans not yet in effect.
    pub async fn plan_indicators(
        &self,
        with_drafts: bool,
    ) -> Result<Vec<sanzhi_domain::PlanIndicator>, StoreError> {
        dispatch!(self, plan_indicators(with_drafts))
    }

    pub async fn reading_places(&self) -> Result<sanzhi_domain::Places, StoreError> {
        dispatch!(self, reading_places())
    }

    /// Stored readings matching `filter`.
    pub async fn readings(
        &self,
        filter: &ReadingFilter,
    ) -> Result<Vec<sanzhi_domain::Reading>, StoreError> {
        dispatch!(self, readings(filter))
    }

    /// The keys and values of the readings matching `filter`, without who recorded them
    /// (what standings read; a year of full rows was most of the overview's time).
    pub async fn reading_values(
        &self,
        filter: &ReadingFilter,
    ) -> Result<Vec<sanzhi_domain::ReadingValue>, StoreError> {
        dispatch!(self, reading_values(filter))
    }

    /// Writes readings in one transaction (all or nothing); a reading for a key that has one
    /// replaces it and the old value is kept in `reading_history`.
    #[tracing::instrument(skip(self, readings, now), fields(n = readings.len()))]
    pub async fn write_readings(
        &self,
        readings: &[sanzhi_domain::NewReading],
        source: sanzhi_domain::ReadingSource,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<ReadingsWritten, StoreError> {
        dispatch!(self, write_readings(readings, source, by, now))
    }

    /// [`Store::write_readings`] of batches as they arrive, in one transaction: committed
    /// when [`ReadingBatch::Finish`] arrives, rolled back (and `None`) when the sender is
    /// dropped without it.
    pub async fn write_readings_streamed(
        &self,
        batches: &mut tokio::sync::mpsc::Receiver<ReadingBatch>,
        source: sanzhi_domain::ReadingSource,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<ReadingsWritten>, StoreError> {
        dispatch!(self, write_readings_streamed(batches, source, by, now))
    }

    /// Removes demo readings (real readings stay).
    pub async fn clear_demo_readings(&self) -> Result<u64, StoreError> {
        dispatch!(self, clear_demo_readings())
    }

    /// (all readings, demo readings).
    pub async fn reading_counts(&self) -> Result<(i64, i64), StoreError> {
        dispatch!(self, reading_counts())
    }

    /// Keeps a new one-time setup token unless an admin account exists (then `false`, and the
    /// token opens nothing). Only its SHA-256 is stored.
    pub async fn setup_token_issue(
        &self,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        dispatch!(self, setup_token_issue(token, now))
    }

    /// Whether the first admin is still to be made: no admin account exists.
    pub async fn setup_pending(&self) -> Result<bool, StoreError> {
        dispatch!(self, setup_pending())
    }

    /// Whether `token` opens the setup page (issued, and no admin exists yet).
    pub async fn setup_token_valid(&self, token: &str) -> Result<bool, StoreError> {
        dispatch!(self, setup_token_valid(token))
    }

    /// Creates the first admin (whatever `user.role` says) if `token` still opens setup, and
    /// voids every setup token, in one transaction; `None` when the token opens nothing.
    /// Audited as `user.setup` by the new admin.
    pub async fn create_first_admin(
        &self,
        token: &str,
        user: &NewUser,
        now: DateTime<Utc>,
    ) -> Result<Option<i64>, StoreError> {
        dispatch!(self, create_first_admin(token, user, now))
    }

    /// Creates a user (or resets an existing demo user); audited.
    pub async fn save_user(
        &self,
        user: &NewUser,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        dispatch!(self, save_user(user, actor, now))
    }

    /// The user of a username with the password hash and whether the account is active.
    pub async fn user_credentials(
        &self,
        username: &str,
    ) -> Result<Option<(sanzhi_domain::User, String, bool)>, StoreError> {
        dispatch!(self, user_credentials(username))
    }

    /// An active user by id.
    pub async fn user_by_id(&self, id: i64) -> Result<Option<sanzhi_domain::User>, StoreError> {
        dispatch!(self, user_by_id(id))
    }

    pub async fn users(&self) -> Result<Vec<sanzhi_domain::User>, StoreError> {
        dispatch!(self, users())
    }

    /// Saves a session record; `user_id` is the signed-in user its data names (kept beside
    /// the JSON for [`Store::page_viewer`]).
    pub async fn session_save(
        &self,
        id: &str,
        data: &str,
        user_id: Option<i64>,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        dispatch!(self, session_save(id, data, user_id, expires_at))
    }

    /// The active user signed in with session `id` and the data version, read in one
    /// statement (a kept page's whole database cost); `None` when the session is unknown,
    /// expired, names no user, or its account is stopped.
    pub async fn page_viewer(
        &self,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(sanzhi_domain::User, i64)>, StoreError> {
        dispatch!(self, page_viewer(id, now))
    }

    pub async fn session_load(
        &self,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(String, DateTime<Utc>)>, StoreError> {
        dispatch!(self, session_load(id, now))
    }

    pub async fn session_delete(&self, id: &str) -> Result<(), StoreError> {
        dispatch!(self, session_delete(id))
    }

    /// Removes expired sessions.
    pub async fn sessions_expire(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        dispatch!(self, sessions_expire(now))
    }

    /// Reserves a sign-in attempt under every key of `limits` before the password is checked:
    /// atomically (on both backends, whatever runs in parallel) either records it — as a
    /// failure, until [`Store::login_attempt_succeeded`] takes it back — or refuses, naming the
    /// key over its limit. Counting first and recording after the check let 20 parallel
    /// wrong passwords all be checked against a limit of 5.
    pub async fn login_attempt_reserve(
        &self,
        limits: &[AttemptLimit],
        now: DateTime<Utc>,
        since: DateTime<Utc>,
    ) -> Result<Attempt, StoreError> {
        dispatch!(self, login_attempt_reserve(limits, now, since))
    }

    /// The reserved attempt signed in: its rows go, `clear_key`'s count starts again, and
    /// `known_key` (the account at this address) is marked as signed in `now`.
    pub async fn login_attempt_succeeded(
        &self,
        ids: &[i64],
        clear_key: &str,
        known_key: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        dispatch!(
            self,
            login_attempt_succeeded(ids, clear_key, known_key, now)
        )
    }

    /// Whether `key` (e.g. an account's `known:` mark at an address) was recorded after
    /// `since`.
    pub async fn login_key_seen_since(
        &self,
        key: &str,
        since: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        dispatch!(self, login_key_seen_since(key, since))
    }

    /// Puts a failed sign-in on the audit trail (`login.failure`, the account name tried and
    /// the address; never the password).
    pub async fn login_failure_audit(
        &self,
        username: &str,
        address: &str,
        why: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        dispatch!(self, login_failure_audit(username, address, why, now))
    }

    /// Audit entries, newest first.
    pub async fn audit_entries(
        &self,
        filter: &AuditFilter,
    ) -> Result<Vec<sanzhi_domain::AuditEntry>, StoreError> {
        dispatch!(self, audit_entries(filter))
    }

    /// The audit entries of one work item's assignments, newest first.
    pub async fn item_audit_entries(
        &self,
        plan: &str,
        number: i32,
        limit: i64,
    ) -> Result<Vec<sanzhi_domain::AuditEntry>, StoreError> {
        dispatch!(self, item_audit_entries(plan, number, limit))
    }

    /// The plan code and unit name of an assignment.
    pub async fn assignment_owner(
        &self,
        assignment_id: i64,
    ) -> Result<Option<(String, String)>, StoreError> {
        dispatch!(self, assignment_owner(assignment_id))
    }

    /// An assignment's plan, unit and milestone count in one read (`None`: no such
    /// assignment).
    pub async fn assignment_facts(
        &self,
        assignment_id: i64,
    ) -> Result<Option<AssignmentFacts>, StoreError> {
        dispatch!(self, assignment_facts(assignment_id))
    }

    /// How many plans are stored (used to decide whether a first start must seed).
    pub async fn plan_count(&self) -> Result<i64, StoreError> {
        dispatch!(self, plan_count())
    }
}

/// An API token of the JSON API (`/api/v1`) as stored. Its secret is never stored, only its
/// SHA-256 hash, and the hash never leaves the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenRecord {
    pub id: i64,
    pub name: String,
    /// The plans it may write readings for (sorted); empty: read only.
    pub plans: Vec<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// When it stops working; `None`: never.
    pub expires_at: Option<DateTime<Utc>>,
    /// When it was last used (recorded at most about once a minute).
    pub last_used_at: Option<DateTime<Utc>>,
}

/// API tokens of the JSON API (`/api/v1`), and what `serve --demo` asks before it starts.
impl Store {
    /// Stores a new token by the hash of its secret (audited as `api_token.issue`);
    /// `expires_at` `None`: it never expires.
    pub async fn api_token_create(
        &self,
        name: &str,
        token_hash: &str,
        plans: &[String],
        expires_at: Option<DateTime<Utc>>,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<ApiTokenRecord, StoreError> {
        dispatch!(
            self,
            api_token_create(name, token_hash, plans, expires_at, actor, now)
        )
    }

    /// Every token, revoked and expired ones included, oldest first.
    pub async fn api_tokens(&self) -> Result<Vec<ApiTokenRecord>, StoreError> {
        dispatch!(self, api_tokens())
    }

    /// The token whose secret has this SHA-256 hash (hex), revoked, expired or not.
    pub async fn api_token_by_hash(
        &self,
        token_hash: &str,
    ) -> Result<Option<ApiTokenRecord>, StoreError> {
        dispatch!(self, api_token_by_hash(token_hash))
    }

    /// Records that token `id` was used at `now`, unless it was recorded as used within
    /// `min_interval` before; returns whether it wrote. Not audited.
    pub async fn api_token_touch(
        &self,
        id: i64,
        now: DateTime<Utc>,
        min_interval: sanzhi_domain::chrono::Duration,
    ) -> Result<bool, StoreError> {
        dispatch!(self, api_token_touch(id, now, min_interval))
    }

    /// Revokes a token (audited as `api_token.revoke`); `None` if there is no such token. A
    /// token already revoked is returned unchanged.
    pub async fn api_token_revoke(
        &self,
        id: i64,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<ApiTokenRecord>, StoreError> {
        dispatch!(self, api_token_revoke(id, actor, now))
    }

    /// (progress reports not marked demo, accounts not marked demo): real data that
    /// `sanzhi serve --demo` must not start on.
    pub async fn real_data_counts(&self) -> Result<(i64, i64), StoreError> {
        dispatch!(self, real_data_counts())
    }
}

// ---- Plan import (an allocation table → one plan) ----

/// A field of a plan's header that an import changes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// What an import compares of one work item.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImportItemState {
    pub action: String,
    pub task: String,
    pub text: String,
    /// 牵头单位 / 责任单位 as written.
    pub lead_text: String,
    pub responsible_text: String,
    /// Canonical unit names, sorted.
    pub leads: Vec<String>,
    pub units: Vec<String>,
    /// The phrase each unit of `units` came from, in the same order.
    pub vias: Vec<String>,
    /// “6月底前（2018-06-30）”, in order.
    pub deadlines: Vec<String>,
}

/// One item of an import: `created`, `updated` (with the fields that differ: `task`,
/// `text`, `leads`, `units`, `deadlines`) or `unchanged`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImportItemChange {
    pub number: i32,
    pub change: String,
    pub fields: Vec<String>,
    pub before: Option<ImportItemState>,
    pub after: ImportItemState,
}

/// An assignment's plan and unit, and its item's number of milestones: what a report on it is
/// checked against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignmentFacts {
    pub plan: String,
    pub unit: String,
    pub milestones: usize,
}

/// What importing one plan does (or did, when `committed`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImportPlanReport {
    pub plan: String,
    pub plan_created: bool,
    pub plan_changes: Vec<FieldChange>,
    /// Items created, updated, unchanged.
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub items: Vec<ImportItemChange>,
    /// Stored items the file does not have: kept as they are.
    pub not_in_file: Vec<i32>,
    /// Why the import cannot be committed (in Chinese); empty when it can.
    pub blocked: Vec<String>,
    /// What the import does with the plan's own indicators and targets (in Chinese), when the
    /// file carries a 指标目标 sheet.
    #[serde(default)]
    pub measures: Vec<String>,
    /// Database rows the upsert inserted, updated and left alone (as the seed loader counts).
    pub rows_inserted: u64,
    pub rows_updated: u64,
    pub rows_unchanged: u64,
    /// Written to the database (false for a preview, a refusal, or nothing to change).
    pub committed: bool,
}

impl Store {
    /// Imports one plan (from an allocation table) with the seed loader's upserts, in one
    /// transaction: `commit == false` is a dry run that reports exactly what would change
    /// and rolls back; `commit == true` writes it with one `plan.import` audit entry —
    /// unless it is blocked or changes nothing, when nothing is written.
    #[tracing::instrument(skip_all, fields(plan = plan.code.as_str(), commit))]
    pub async fn import_plan(
        &self,
        plan: &sanzhi_seed::SeedPlan,
        commit: bool,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<ImportPlanReport, StoreError> {
        dispatch!(self, import_plan(plan, commit, actor, now))
    }

    /// Every unit group with its members, by phrase.
    pub async fn unit_groups(&self) -> Result<Vec<UnitGroup>, StoreError> {
        dispatch!(self, unit_groups())
    }

    /// Makes or replaces a unit group (audited `unit_group.save`); refused by field
    /// (`phrase`, `members`) with [`StoreError::Invalid`].
    pub async fn save_unit_group(
        &self,
        phrase: &str,
        members: &[String],
        note: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<UnitGroup, StoreError> {
        dispatch!(self, save_unit_group(phrase, members, note, actor, now))
    }

    /// Deletes a unit group (audited `unit_group.delete`); whether there was one.
    pub async fn delete_unit_group(
        &self,
        phrase: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        dispatch!(self, delete_unit_group(phrase, actor, now))
    }

    /// Every unit alias with the canonical name of its unit (alias, unit).
    pub async fn unit_aliases(&self) -> Result<Vec<(String, String)>, StoreError> {
        dispatch!(self, unit_aliases())
    }
}
