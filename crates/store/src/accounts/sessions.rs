//! Sessions and the sign-in throttle (attempts per key, failures audited).
//!
//! Written once, compiled per backend: `sqlite.rs` and `postgres.rs` each declare this file as a
//! module of theirs (see `src/queries.rs`).

use super::*;

pub(crate) async fn session_save(
    pool: &Pool,
    id: &str,
    data: &str,
    user_id: Option<i64>,
    expires_at: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO sessions (id, data, user_id, expires_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (id) DO UPDATE SET data = excluded.data, user_id = excluded.user_id,
             expires_at = excluded.expires_at",
    )
    .bind(id)
    .bind(data)
    .bind(user_id)
    .bind(expires_at)
    .execute(pool)
    .await?;
    Ok(())
}

pub(crate) async fn session_load(
    pool: &Pool,
    id: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<crate::StoredSession>, StoreError> {
    Ok(
        sqlx::query_as("SELECT data, expires_at FROM sessions WHERE id = $1 AND expires_at > $2")
            .bind(id)
            .bind(now)
            .fetch_optional(pool)
            .await?,
    )
}

pub(crate) async fn session_delete(pool: &Pool, id: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM sessions WHERE id = $1")
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

pub(crate) async fn sessions_expire(
    pool: &Pool,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<u64, StoreError> {
    Ok(sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected())
}

/// Reserves one sign-in attempt under every key before the password is checked (see
/// [`crate::Store::login_attempt_reserve`]): in one write transaction, with the keys locked,
/// counts each key's rows since `since` and either records the attempt under all of them or
/// names the first key that is over its limit.
pub(crate) async fn login_attempt_reserve(
    pool: &Pool,
    limits: &[crate::AttemptLimit],
    now: chrono::DateTime<chrono::Utc>,
    since: chrono::DateTime<chrono::Utc>,
) -> Result<crate::Attempt, StoreError> {
    let mut tx = begin_write(pool).await?;
    let mut keys: Vec<&str> = limits.iter().map(|l| l.key.as_str()).collect();
    keys.sort_unstable();
    keys.dedup();
    for key in keys {
        lock_key(&mut tx, key).await?;
    }
    for limit in limits {
        let (n, last): (i64, Option<chrono::DateTime<chrono::Utc>>) = sqlx::query_as(
            "SELECT COUNT(*), MAX(at) FROM login_failures WHERE key = $1 AND at > $2",
        )
        .bind(&limit.key)
        .bind(since)
        .fetch_one(&mut *tx)
        .await?;
        let waits = match limit.spacing_after {
            // A back-off: past `max` failures, one attempt per `spacing` seconds.
            Some(spacing) => {
                n >= limit.max && last.is_some_and(|t| now - t < chrono::Duration::seconds(spacing))
            }
            None => n >= limit.max,
        };
        if waits {
            tx.rollback().await?;
            return Ok(crate::Attempt::Refused {
                key: limit.key.clone(),
            });
        }
    }
    let mut ids = Vec::with_capacity(limits.len());
    for limit in limits {
        let id: i64 =
            sqlx::query_scalar("INSERT INTO login_failures (key, at) VALUES ($1, $2) RETURNING id")
                .bind(&limit.key)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
        ids.push(id);
    }
    tx.commit().await?;
    Ok(crate::Attempt::Reserved { ids })
}

/// A successful sign-in: its reservation is not a failure, and its (account, address) count
/// starts again.
pub(crate) async fn login_attempt_succeeded(
    pool: &Pool,
    ids: &[i64],
    clear_key: &str,
    known_key: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    let mut tx = begin_write(pool).await?;
    // Two sign-ins of one account from one address delete each other's rows: one at a time,
    // or PostgreSQL finds them deadlocked (each holding a row the other deletes).
    lock_key(&mut tx, clear_key).await?;
    for id in ids {
        sqlx::query("DELETE FROM login_failures WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("DELETE FROM login_failures WHERE key = $1 OR key = $2")
        .bind(clear_key)
        .bind(known_key)
        .execute(&mut *tx)
        .await?;
    // One row per (account, address) holds the last successful sign-in from there.
    sqlx::query("INSERT INTO login_failures (key, at) VALUES ($1, $2)")
        .bind(known_key)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Whether `key` has a row newer than `since`.
pub(crate) async fn login_key_seen_since(
    pool: &Pool,
    key: &str,
    since: chrono::DateTime<chrono::Utc>,
) -> Result<bool, StoreError> {
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE key = $1 AND at > $2")
            .bind(key)
            .bind(since)
            .fetch_one(pool)
            .await?;
    Ok(n > 0)
}

/// A failed sign-in on the audit trail, for admins (never the password).
pub(crate) async fn login_failure_audit(
    pool: &Pool,
    username: &str,
    address: &str,
    why: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    let mut tx = begin_write(pool).await?;
    let after = serde_json::json!({ "address": address, "reason": why }).to_string();
    audit(
        &mut tx,
        "（未登录）",
        AuditAction::LoginFailure,
        username,
        None,
        Some(&after),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
