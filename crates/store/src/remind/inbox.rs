//! The day's digests and each unit's inbox (read marks per user).
//!
//! Written once, compiled per backend: `sqlite.rs` and `postgres.rs` each declare this file as a
//! module of theirs (see `src/queries.rs`).

use super::*;
use sanzhi_domain::remind::{Digest, DigestLine};

/// Writes the digests of `day` and their outbox (an e-mail per address of the unit's active
/// accounts, a message per active hook of the unit) in one transaction, together with the
/// day's row: `None` (nothing written) when the day was made already, by this server or
/// another.
pub(crate) async fn write_digests(
    pool: &Pool,
    day: chrono::NaiveDate,
    digests: &[Digest],
    ran_by: &str,
    is_demo: bool,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<crate::DayWritten>, StoreError> {
    let mut tx = begin_write(pool).await?;
    let n = i32::try_from(digests.len()).map_err(|e| StoreError::Invalid(e.to_string()))?;
    let claimed = sqlx::query(
        "INSERT INTO reminder_days (day, ran_at, ran_by, digests) VALUES ($1, $2, $3, $4)
         ON CONFLICT (day) DO NOTHING",
    )
    .bind(day)
    .bind(now)
    .bind(ran_by)
    .bind(n)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if claimed == 0 {
        return Ok(None);
    }
    let units: HashMap<String, i64> =
        sqlx::query_as::<_, (String, i64)>("SELECT name, id FROM units")
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .collect();
    let emails: Vec<(i64, String)> = sqlx::query_as(
        "SELECT DISTINCT unit_id, email FROM users
         WHERE active AND unit_id IS NOT NULL AND email IS NOT NULL AND email <> ''",
    )
    .fetch_all(&mut *tx)
    .await?;
    let hooks: Vec<(i64, i64)> = sqlx::query_as("SELECT unit_id, id FROM unit_hooks WHERE active")
        .fetch_all(&mut *tx)
        .await?;
    let epoch = now.timestamp();
    let mut written = crate::DayWritten::default();
    for d in digests {
        let Some(unit_id) = units.get(&d.unit) else {
            continue;
        };
        let lines =
            serde_json::to_string(&d.lines).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO digests (unit_id, day, title, lines, created_at, is_demo)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(unit_id)
        .bind(day)
        .bind(d.title_zh())
        .bind(lines)
        .bind(now)
        .bind(is_demo)
        .fetch_one(&mut *tx)
        .await?;
        written.digests += 1;
        if is_demo {
            // Demo digests are shown in the inbox, never sent.
            continue;
        }
        for (_, email) in emails.iter().filter(|(u, _)| u == unit_id) {
            sqlx::query(
                "INSERT INTO outbox (digest_id, channel, target, status, next_attempt_at, created_at)
                 VALUES ($1, 'email', $2, 'pending', $3, $4)",
            )
            .bind(id)
            .bind(email)
            .bind(epoch)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            written.messages += 1;
        }
        for (_, hook) in hooks.iter().filter(|(u, _)| u == unit_id) {
            sqlx::query(
                "INSERT INTO outbox (digest_id, channel, target, hook_id, status, next_attempt_at,
                     created_at)
                 VALUES ($1, 'webhook', $2, $3, 'pending', $4, $5)",
            )
            .bind(id)
            .bind(format!("hook:{hook}"))
            .bind(hook)
            .bind(epoch)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            written.messages += 1;
        }
    }
    tx.commit().await?;
    Ok(Some(written))
}

/// id, unit, day, title, lines (JSON), demo, read.
type InboxTuple = (i64, String, chrono::NaiveDate, String, String, bool, bool);

fn inbox_of(t: InboxTuple) -> Result<crate::InboxDigest, StoreError> {
    let (id, unit, day, title, lines, is_demo, read) = t;
    let lines: Vec<DigestLine> =
        serde_json::from_str(&lines).map_err(|e| StoreError::Invalid(e.to_string()))?;
    Ok(crate::InboxDigest {
        id,
        read,
        is_demo,
        title,
        digest: Digest { unit, day, lines },
    })
}

/// A unit's digests, newest first (at most `limit`), each marked read or not for `user_id`.
pub(crate) async fn inbox(
    pool: &Pool,
    unit: &str,
    user_id: i64,
    limit: i64,
) -> Result<Vec<crate::InboxDigest>, StoreError> {
    let rows: Vec<InboxTuple> = sqlx::query_as(
        "SELECT d.id, u.name, d.day, d.title, d.lines, d.is_demo,
                EXISTS (SELECT 1 FROM digest_reads r WHERE r.digest_id = d.id AND r.user_id = $1)
         FROM digests d JOIN units u ON u.id = d.unit_id
         WHERE u.name = $2
         ORDER BY d.day DESC, d.id DESC
         LIMIT $3",
    )
    .bind(user_id)
    .bind(unit)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(inbox_of).collect()
}

/// How many of a unit's digests `user_id` has not read.
pub(crate) async fn unread(pool: &Pool, unit: &str, user_id: i64) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT CAST(count(*) AS BIGINT) FROM digests d JOIN units u ON u.id = d.unit_id
         WHERE u.name = $1
           AND NOT EXISTS (SELECT 1 FROM digest_reads r WHERE r.digest_id = d.id AND r.user_id = $2)",
    )
    .bind(unit)
    .bind(user_id)
    .fetch_one(pool)
    .await?)
}

/// Marks the unit's digests (all, or the one given) read by `user_id`. How many were unread.
pub(crate) async fn mark_read(
    pool: &Pool,
    unit: &str,
    user_id: i64,
    digest: Option<i64>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<u64, StoreError> {
    let mut tx = begin_write(pool).await?;
    let n = sqlx::query(
        "INSERT INTO digest_reads (digest_id, user_id, read_at)
         SELECT d.id, $1, $2 FROM digests d JOIN units u ON u.id = d.unit_id
         WHERE u.name = $3 AND ($4 IS NULL OR d.id = $4)
         ON CONFLICT (digest_id, user_id) DO NOTHING",
    )
    .bind(user_id)
    .bind(now)
    .bind(unit)
    .bind(digest)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok(n)
}
