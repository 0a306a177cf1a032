//! The outbox of notifications (claimed, sent, failed, retried), unit webhooks and e-mail addresses.
//!
//! Written once, compiled per backend: `sqlite.rs` and `postgres.rs` each declare this file as a
//! module of theirs (see `src/queries.rs`).

use super::*;
use sanzhi_domain::remind::{Digest, DigestLine};

/// id, digest, channel, target, hook, status, attempts, next attempt, last error, sent at,
/// created at, unit, day.
type OutboxTuple = (
    i64,
    i64,
    String,
    String,
    Option<i64>,
    String,
    i32,
    i64,
    Option<String>,
    Option<chrono::DateTime<chrono::Utc>>,
    chrono::DateTime<chrono::Utc>,
    String,
    chrono::NaiveDate,
);

const OUTBOX_SELECT: &str = "
    SELECT o.id, o.digest_id, o.channel, o.target, o.hook_id, o.status, o.attempts,
           o.next_attempt_at, o.last_error, o.sent_at, o.created_at, u.name, d.day
    FROM outbox o
    JOIN digests d ON d.id = o.digest_id
    JOIN units u ON u.id = d.unit_id";

fn outbox_of(t: OutboxTuple) -> crate::OutboxRow {
    let (
        id,
        digest_id,
        channel,
        target,
        hook_id,
        status,
        attempts,
        next_attempt_at,
        last_error,
        sent_at,
        created_at,
        unit,
        day,
    ) = t;
    crate::OutboxRow {
        id,
        digest_id,
        channel,
        target,
        hook_id,
        status,
        attempts,
        next_attempt_at,
        last_error,
        sent_at,
        created_at,
        unit,
        day,
    }
}

/// Messages due to be sent at `now` (Unix seconds) and not leased by a sender, each leased
/// to the caller until `now + lease`: two servers never send the same message at once.
pub(crate) async fn claim_outbox(
    pool: &Pool,
    now: i64,
    lease: i64,
    limit: i64,
) -> Result<Vec<crate::OutboxJob>, StoreError> {
    let due: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM outbox
         WHERE status = 'pending' AND next_attempt_at <= $1
           AND (lease_until IS NULL OR lease_until < $1)
         ORDER BY next_attempt_at, id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    let mut jobs = Vec::new();
    for id in due {
        let taken = sqlx::query(
            "UPDATE outbox SET lease_until = $1
             WHERE id = $2 AND status = 'pending' AND (lease_until IS NULL OR lease_until < $3)",
        )
        .bind(now + lease)
        .bind(id)
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected();
        if taken == 0 {
            continue;
        }
        let row: Option<OutboxTuple> = sqlx::query_as(&format!("{OUTBOX_SELECT} WHERE o.id = $1"))
            .bind(id)
            .fetch_optional(pool)
            .await?;
        let Some(row) = row else { continue };
        let row = outbox_of(row);
        let (title, lines): (String, String) =
            sqlx::query_as("SELECT title, lines FROM digests WHERE id = $1")
                .bind(row.digest_id)
                .fetch_one(pool)
                .await?;
        let lines: Vec<DigestLine> =
            serde_json::from_str(&lines).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let hook = match row.hook_id {
            Some(h) => hook_record(pool, h).await?,
            None => None,
        };
        jobs.push(crate::OutboxJob {
            digest: Digest {
                unit: row.unit.clone(),
                day: row.day,
                lines,
            },
            title,
            hook,
            row,
        });
    }
    Ok(jobs)
}

/// The message was delivered.
pub(crate) async fn outbox_sent(
    pool: &Pool,
    id: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE outbox SET status = 'sent', sent_at = $1, attempts = attempts + 1,
             lease_until = NULL, last_error = NULL
         WHERE id = $2",
    )
    .bind(now)
    .bind(id)
    .execute(pool)
    .await?;
    Ok(())
}

/// The message failed: tried again from `next` (Unix seconds), or given up (`next` = None).
pub(crate) async fn outbox_failed(
    pool: &Pool,
    id: i64,
    error: &str,
    next: Option<i64>,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE outbox SET status = $1, attempts = attempts + 1, lease_until = NULL,
             last_error = $2, next_attempt_at = $3
         WHERE id = $4",
    )
    .bind(if next.is_some() { "pending" } else { "failed" })
    .bind(error)
    .bind(next.unwrap_or(0))
    .bind(id)
    .execute(pool)
    .await?;
    Ok(())
}

/// An admin sends a failed message again (from `now`, Unix seconds). `false`: not failed.
pub(crate) async fn outbox_retry(pool: &Pool, id: i64, now: i64) -> Result<bool, StoreError> {
    Ok(sqlx::query(
        "UPDATE outbox SET status = 'pending', next_attempt_at = $1, lease_until = NULL
         WHERE id = $2 AND status = 'failed'",
    )
    .bind(now)
    .bind(id)
    .execute(pool)
    .await?
    .rows_affected()
        > 0)
}

/// The newest messages (all, or of one status), at most `limit`.
pub(crate) async fn outbox_list(
    pool: &Pool,
    status: Option<&str>,
    limit: i64,
) -> Result<Vec<crate::OutboxRow>, StoreError> {
    let rows: Vec<OutboxTuple> = sqlx::query_as(&format!(
        "{OUTBOX_SELECT} WHERE ($1 IS NULL OR o.status = $1) ORDER BY o.id DESC LIMIT $2"
    ))
    .bind(status)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(outbox_of).collect())
}

/// id, unit, kind, url, secret, active, created by, created at.
type HookTuple = (
    i64,
    String,
    String,
    String,
    Option<String>,
    bool,
    String,
    chrono::DateTime<chrono::Utc>,
);

const HOOK_SELECT: &str = "
    SELECT h.id, u.name, h.kind, h.url, h.secret, h.active, h.created_by, h.created_at
    FROM unit_hooks h JOIN units u ON u.id = h.unit_id";

fn hook_of(t: HookTuple) -> crate::HookRecord {
    let (id, unit, kind, url, secret, active, created_by, created_at) = t;
    crate::HookRecord {
        id,
        unit,
        kind,
        url,
        secret,
        active,
        created_by,
        created_at,
    }
}

async fn hook_record(pool: &Pool, id: i64) -> Result<Option<crate::HookRecord>, StoreError> {
    let row: Option<HookTuple> = sqlx::query_as(&format!("{HOOK_SELECT} WHERE h.id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await?;
    Ok(row.map(hook_of))
}

/// Every webhook, active first, by unit.
pub(crate) async fn unit_hooks(pool: &Pool) -> Result<Vec<crate::HookRecord>, StoreError> {
    let rows: Vec<HookTuple> = sqlx::query_as(&format!(
        "{HOOK_SELECT} ORDER BY h.active DESC, u.name, h.id"
    ))
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(hook_of).collect())
}

/// Adds a webhook to a unit (audited without its secret). `Ok(None)`: no such unit.
pub(crate) async fn add_unit_hook(
    pool: &Pool,
    unit: &str,
    kind: &str,
    url: &str,
    secret: Option<&str>,
    actor: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<crate::HookRecord>, StoreError> {
    let now = chrono::SubsecRound::trunc_subsecs(now, 6);
    let mut tx = begin_write(pool).await?;
    let unit_id: Option<i64> = sqlx::query_scalar("SELECT id FROM units WHERE name = $1")
        .bind(unit)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(unit_id) = unit_id else {
        return Ok(None);
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO unit_hooks (unit_id, kind, url, secret, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(unit_id)
    .bind(kind)
    .bind(url)
    .bind(secret)
    .bind(actor)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let after = serde_json::json!({
        "hook": id, "unit": unit, "kind": kind,
        "url": sanzhi_domain::remind::mask_url(url), "signed": secret.is_some(),
    })
    .to_string();
    audit(
        &mut tx,
        actor,
        AuditAction::HookAdd,
        unit,
        None,
        Some(&after),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Some(crate::HookRecord {
        id,
        unit: unit.to_owned(),
        kind: kind.to_owned(),
        url: url.to_owned(),
        secret: secret.map(str::to_owned),
        active: true,
        created_by: actor.to_owned(),
        created_at: now,
    }))
}

/// Stops a webhook (kept, with its messages, for the record). `false`: no such active hook.
pub(crate) async fn stop_unit_hook(
    pool: &Pool,
    id: i64,
    actor: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool, StoreError> {
    let mut tx = begin_write(pool).await?;
    let unit: Option<String> = sqlx::query_scalar(
        "UPDATE unit_hooks SET active = FALSE WHERE id = $1 AND active
         RETURNING (SELECT name FROM units WHERE units.id = unit_hooks.unit_id)",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(unit) = unit else {
        return Ok(false);
    };
    // Messages not yet sent to it are not sent.
    sqlx::query(
        "UPDATE outbox SET status = 'failed', last_error = '接收地址已停用', lease_until = NULL
         WHERE hook_id = $1 AND status = 'pending'",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let before = serde_json::json!({"hook": id, "active": true}).to_string();
    let after = serde_json::json!({"hook": id, "active": false}).to_string();
    audit(
        &mut tx,
        actor,
        AuditAction::HookStop,
        &unit,
        Some(&before),
        Some(&after),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Sets (or clears, with `None`) an account's e-mail address, audited. `false`: no account.
pub(crate) async fn set_email(
    pool: &Pool,
    username: &str,
    email: Option<&str>,
    actor: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool, StoreError> {
    let mut tx = begin_write(pool).await?;
    let before: Option<Option<String>> =
        sqlx::query_scalar("SELECT email FROM users WHERE username = $1")
            .bind(username)
            .fetch_optional(&mut *tx)
            .await?;
    let Some(before) = before else {
        return Ok(false);
    };
    sqlx::query("UPDATE users SET email = $1 WHERE username = $2")
        .bind(email)
        .bind(username)
        .execute(&mut *tx)
        .await?;
    let b = serde_json::json!({ "email": before }).to_string();
    let a = serde_json::json!({ "email": email }).to_string();
    audit(
        &mut tx,
        actor,
        AuditAction::UserEmail,
        username,
        Some(&b),
        Some(&a),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Every account's e-mail address, by username (accounts without one are left out).
pub(crate) async fn emails(pool: &Pool) -> Result<HashMap<String, String>, StoreError> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT username, email FROM users WHERE email IS NOT NULL AND email <> ''")
            .fetch_all(pool)
            .await?;
    Ok(rows.into_iter().collect())
}
