//! Tokens of the JSON API, with the plans each may see.
//!
//! Written once, compiled per backend: `sqlite.rs` and `postgres.rs` each declare this file as a
//! module of theirs (see `src/queries.rs`).

use super::*;

/// A token's columns as read (its plans come from `api_token_plans`): id, name, created_by,
/// created_at, revoked_at, expires_at, last_used_at.
type ApiTokenTuple = (
    i64,
    String,
    String,
    chrono::DateTime<chrono::Utc>,
    Option<chrono::DateTime<chrono::Utc>>,
    Option<chrono::DateTime<chrono::Utc>>,
    Option<chrono::DateTime<chrono::Utc>>,
);

const API_TOKEN_COLUMNS: &str =
    "id, name, created_by, created_at, revoked_at, expires_at, last_used_at";

fn api_token_record(row: ApiTokenTuple, plans: Vec<String>) -> crate::ApiTokenRecord {
    let (id, name, created_by, created_at, revoked_at, expires_at, last_used_at) = row;
    crate::ApiTokenRecord {
        id,
        name,
        plans,
        created_by,
        created_at,
        revoked_at,
        expires_at,
        last_used_at,
    }
}

async fn api_token_plans_of(
    conn: &mut <Db as sqlx::Database>::Connection,
    id: i64,
) -> Result<Vec<String>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT plan_code FROM api_token_plans WHERE token_id = $1 ORDER BY plan_code",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?)
}

/// What the audit trail keeps of a token (never its hash; not when it was last used, which
/// is not a change anyone made).
fn api_token_json(row: &crate::ApiTokenRecord) -> String {
    serde_json::json!({
        "id": row.id,
        "name": row.name,
        "plans": row.plans,
        "created_by": row.created_by,
        "created_at": row.created_at.to_rfc3339(),
        "expires_at": row.expires_at.map(|t| t.to_rfc3339()),
        "revoked_at": row.revoked_at.map(|t| t.to_rfc3339()),
    })
    .to_string()
}

/// Stores a new token (its hash only) with the plans it may write and when it expires
/// (`None`: never), audited, in one transaction. Returns the token as stored.
pub(crate) async fn api_token_create(
    pool: &Pool,
    name: &str,
    token_hash: &str,
    plans: &[String],
    expires_at: Option<chrono::DateTime<chrono::Utc>>,
    actor: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<crate::ApiTokenRecord, StoreError> {
    // What PostgreSQL keeps (microseconds), so that the answer equals what is read later.
    let now = chrono::SubsecRound::trunc_subsecs(now, 6);
    let expires_at = expires_at.map(|t| chrono::SubsecRound::trunc_subsecs(t, 6));
    let mut tx = begin_write(pool).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO api_tokens (name, token_hash, created_by, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(name)
    .bind(token_hash)
    .bind(actor)
    .bind(now)
    .bind(expires_at)
    .fetch_one(&mut *tx)
    .await?;
    let mut sorted: Vec<String> = plans.to_vec();
    sorted.sort();
    sorted.dedup();
    for plan in &sorted {
        sqlx::query("INSERT INTO api_token_plans (token_id, plan_code) VALUES ($1, $2)")
            .bind(id)
            .bind(plan)
            .execute(&mut *tx)
            .await?;
    }
    let row = crate::ApiTokenRecord {
        id,
        name: name.to_owned(),
        plans: sorted,
        created_by: actor.to_owned(),
        created_at: now,
        revoked_at: None,
        expires_at,
        last_used_at: None,
    };
    audit(
        &mut tx,
        actor,
        AuditAction::ApiTokenIssue,
        &id.to_string(),
        None,
        Some(&api_token_json(&row)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}

/// Every token, oldest first, with its plans.
pub(crate) async fn api_tokens(pool: &Pool) -> Result<Vec<crate::ApiTokenRecord>, StoreError> {
    let rows: Vec<ApiTokenTuple> = sqlx::query_as(&format!(
        "SELECT {API_TOKEN_COLUMNS} FROM api_tokens ORDER BY id"
    ))
    .fetch_all(pool)
    .await?;
    let plans: Vec<(i64, String)> = sqlx::query_as(
        "SELECT token_id, plan_code FROM api_token_plans ORDER BY token_id, plan_code",
    )
    .fetch_all(pool)
    .await?;
    let mut by_token: HashMap<i64, Vec<String>> = HashMap::new();
    for (id, plan) in plans {
        by_token.entry(id).or_default().push(plan);
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let plans = by_token.remove(&row.0).unwrap_or_default();
            api_token_record(row, plans)
        })
        .collect())
}

/// The token whose secret hashes to `token_hash`, revoked, expired or not.
pub(crate) async fn api_token_by_hash(
    pool: &Pool,
    token_hash: &str,
) -> Result<Option<crate::ApiTokenRecord>, StoreError> {
    let mut conn = pool.acquire().await?;
    let row: Option<ApiTokenTuple> = sqlx::query_as(&format!(
        "SELECT {API_TOKEN_COLUMNS} FROM api_tokens WHERE token_hash = $1"
    ))
    .bind(token_hash)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let plans = api_token_plans_of(&mut conn, row.0).await?;
    Ok(Some(api_token_record(row, plans)))
}

/// Records that a token was used at `now`, unless it was already recorded as used at or
/// after `now - min_interval`: one small autocommit statement, which writes nothing (and on
/// PostgreSQL locks nothing) when the token was seen recently. Returns whether it wrote.
/// Not audited: it is not a change anyone made.
pub(crate) async fn api_token_touch(
    pool: &Pool,
    id: i64,
    now: chrono::DateTime<chrono::Utc>,
    min_interval: chrono::Duration,
) -> Result<bool, StoreError> {
    let now = chrono::SubsecRound::trunc_subsecs(now, 6);
    let written = sqlx::query(
        "UPDATE api_tokens SET last_used_at = $1
         WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $3)",
    )
    .bind(now)
    .bind(id)
    .bind(now - min_interval)
    .execute(pool)
    .await?
    .rows_affected();
    Ok(written > 0)
}

/// Revokes a token (audited with before and after). `None`: no such token; a token that
/// was already revoked is returned as it is, and nothing is written.
pub(crate) async fn api_token_revoke(
    pool: &Pool,
    id: i64,
    actor: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<crate::ApiTokenRecord>, StoreError> {
    let now = chrono::SubsecRound::trunc_subsecs(now, 6);
    let mut tx = begin_write(pool).await?;
    let row: Option<ApiTokenTuple> = sqlx::query_as(&format!(
        "SELECT {API_TOKEN_COLUMNS} FROM api_tokens WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let plans = api_token_plans_of(&mut tx, id).await?;
    let before = api_token_record(row, plans);
    if before.revoked_at.is_some() {
        return Ok(Some(before));
    }
    let revoked =
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    if revoked == 0 {
        // Revoked meanwhile by another request: answer with the stored row, audit nothing.
        drop(tx);
        let stored: Option<ApiTokenTuple> = sqlx::query_as(&format!(
            "SELECT {API_TOKEN_COLUMNS} FROM api_tokens WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(pool)
        .await?;
        return Ok(stored.map(|row| api_token_record(row, before.plans.clone())));
    }
    let mut after = before.clone();
    after.revoked_at = Some(now);
    audit(
        &mut tx,
        actor,
        AuditAction::ApiTokenRevoke,
        &id.to_string(),
        Some(&api_token_json(&before)),
        Some(&api_token_json(&after)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Some(after))
}

/// What in the database is not demo data: (progress reports not marked demo, accounts not
/// marked demo). `sanzhi serve --demo` refuses a database where either is non-zero.
pub(crate) async fn real_data_counts(pool: &Pool) -> Result<crate::RealDataCounts, StoreError> {
    let reports: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM progress_reports WHERE NOT is_demo")
            .fetch_one(pool)
            .await?;
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE NOT is_demo")
        .fetch_one(pool)
        .await?;
    Ok(crate::RealDataCounts { reports, users })
}
