//! The queries, compiled for PostgreSQL.
type Db = sqlx::Postgres;
// The queries, written once for both backends (see queries.rs).
#[path = "queries.rs"]
mod queries;
pub(crate) use queries::*;

/// A write transaction: PostgreSQL locks rows as they are written; concurrent writers of
/// the same thing are stopped by the unique constraints the writes rely on.
async fn begin_write(pool: &Pool) -> Result<sqlx::Transaction<'static, Db>, sqlx::Error> {
    pool.begin().await
}

/// [`begin_write`] on a connection already taken from the pool.
async fn begin_write_on(
    conn: &mut sqlx::pool::PoolConnection<Db>,
) -> Result<sqlx::Transaction<'_, Db>, sqlx::Error> {
    sqlx::Connection::begin(&mut **conn).await
}

/// Serialises the transactions that count and record sign-in attempts under `key`.
async fn lock_key(tx: &mut sqlx::Transaction<'_, Db>, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 7))")
        .bind(key)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// PostgreSQL keeps its own pages consistent (WAL replay, constraints enforced on
/// every write): there is no whole-database check to run from here.
async fn engine_check(_pool: &Pool) -> Result<Vec<String>, crate::StoreError> {
    Ok(Vec::new())
}

/// A bulk readings write looks up the keys it writes, 500 at a time, in a table it is filling:
/// planned against statistics taken while the table was small (or empty), the lookup read the
/// whole table for every chunk — by a sequential scan, or (with that forbidden) by a hash join
/// over a full scan of the index: ~1 s per 500 keys at province scale. For the write's
/// transaction, the planner may only probe the unique key's index once per key (a nested loop).
async fn prefer_index_lookups(tx: &mut sqlx::Transaction<'_, Db>) -> Result<(), sqlx::Error> {
    for setting in [
        "SET LOCAL enable_seqscan = off",
        "SET LOCAL enable_hashjoin = off",
        "SET LOCAL enable_mergejoin = off",
    ] {
        sqlx::query(setting).execute(&mut **tx).await?;
    }
    Ok(())
}

/// PostgreSQL's shared buffers serve every connection: nothing to change per write.
async fn bulk_cache(
    _conn: &mut sqlx::pool::PoolConnection<Db>,
    _bulk: bool,
) -> Result<(), crate::StoreError> {
    Ok(())
}
