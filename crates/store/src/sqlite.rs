//! The queries, compiled for SQLite.
type Db = sqlx::Sqlite;
// The queries, written once for both backends (see queries.rs).
#[path = "queries.rs"]
mod queries;
pub(crate) use queries::*;

/// A write transaction. SQLite's plain `BEGIN` is deferred: a transaction that reads
/// (the version it must follow) and then writes cannot take the write lock if another
/// connection committed in between, and fails at once with "database is locked" — no
/// busy timeout helps. `BEGIN IMMEDIATE` takes the write lock first, waiting for it up to
/// the busy timeout, so writers queue instead of failing.
async fn begin_write(pool: &Pool) -> Result<sqlx::Transaction<'static, Db>, sqlx::Error> {
    pool.begin_with("BEGIN IMMEDIATE").await
}

/// [`begin_write`] on a connection already taken from the pool.
async fn begin_write_on(
    conn: &mut sqlx::pool::PoolConnection<Db>,
) -> Result<sqlx::Transaction<'_, Db>, sqlx::Error> {
    sqlx::Connection::begin_with(&mut **conn, "BEGIN IMMEDIATE").await
}

/// SQLite's write transactions already run one at a time (`BEGIN IMMEDIATE`).
async fn lock_key(_tx: &mut sqlx::Transaction<'_, Db>, _key: &str) -> Result<(), sqlx::Error> {
    Ok(())
}

/// SQLite plans each statement against the indexes it has: nothing to change.
async fn prefer_index_lookups(_tx: &mut sqlx::Transaction<'_, Db>) -> Result<(), sqlx::Error> {
    Ok(())
}

/// SQLite's own checks of the file: page structure and indexes, then foreign keys.
async fn engine_check(pool: &Pool) -> Result<Vec<String>, crate::StoreError> {
    let mut problems: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(pool)
        .await?;
    problems.retain(|p| p != "ok");
    let orphans: Vec<(String, Option<i64>, String)> =
        sqlx::query_as("SELECT \"table\", rowid, parent FROM pragma_foreign_key_check")
            .fetch_all(pool)
            .await?;
    for (table, rowid, parent) in orphans {
        let row = rowid.map_or_else(|| "某".to_owned(), |r| r.to_string());
        problems.push(format!("{table} 第 {row} 行引用的 {parent} 不存在"));
    }
    Ok(problems)
}

/// SQLite's page cache is 2 MB per connection by default: a million-row write spilled
/// its pages into the WAL and read them back for every index insert. A bulk write's
/// connection gets up to 128 MB for its transaction and is set back afterwards (a
/// smaller cache frees the pages above it), so reading connections stay small.
///
/// It also keeps any statement journal in memory (a temporary file by default): a statement
/// that may have to undo itself copies every page it changes there first. The multi-row
/// inserts of readings no longer need one (`INSERT OR FAIL`, the foreign key checked at
/// commit: migration 30) — before, ~16% of the writer's time in a million-row import went to
/// it (perf: `subjournalPage` → `pwrite`); other statements of a bulk write still may.
async fn bulk_cache(
    conn: &mut sqlx::pool::PoolConnection<Db>,
    bulk: bool,
) -> Result<(), crate::StoreError> {
    let pragmas: [&str; 2] = if bulk {
        ["PRAGMA cache_size = -131072", "PRAGMA temp_store = MEMORY"]
    } else {
        ["PRAGMA cache_size = -2000", "PRAGMA temp_store = DEFAULT"]
    };
    for sql in pragmas {
        sqlx::query(sql).execute(&mut **conn).await?;
    }
    Ok(())
}
