// Queries of the JSON API (tokens), written once and compiled per backend like queries.rs
// (this file is included after it, into the same modules).

/// An API token as stored, never with its hash: (id, name, plans it may write readings for,
/// created_by, created_at, revoked_at).
pub(crate) type ApiTokenRow = (
    i64,
    String,
    Vec<String>,
    String,
    chrono::DateTime<chrono::Utc>,
    Option<chrono::DateTime<chrono::Utc>>,
);

type ApiTokenTuple = (
    i64,
    String,
    String,
    chrono::DateTime<chrono::Utc>,
    Option<chrono::DateTime<chrono::Utc>>,
);

const API_TOKEN_COLUMNS: &str = "id, name, created_by, created_at, revoked_at";

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

fn api_token_json(row: &ApiTokenRow) -> String {
    let (id, name, plans, created_by, created_at, revoked_at) = row;
    serde_json::json!({
        "id": id,
        "name": name,
        "plans": plans,
        "created_by": created_by,
        "created_at": created_at.to_rfc3339(),
        "revoked_at": revoked_at.map(|t| t.to_rfc3339()),
    })
    .to_string()
}

/// Stores a new token (its hash only) with the plans it may write, audited, in one
/// transaction. Returns the token as stored.
pub(crate) async fn api_token_create(
    pool: &Pool,
    name: &str,
    token_hash: &str,
    plans: &[String],
    actor: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<ApiTokenRow, StoreError> {
    // What PostgreSQL keeps (microseconds), so that the answer equals what is read later.
    let now = chrono::SubsecRound::trunc_subsecs(now, 6);
    let mut tx = begin_write(pool).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO api_tokens (name, token_hash, created_by, created_at)
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(name)
    .bind(token_hash)
    .bind(actor)
    .bind(now)
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
    let row: ApiTokenRow = (id, name.to_owned(), sorted, actor.to_owned(), now, None);
    audit(
        &mut tx,
        actor,
        "api_token.issue",
        "api_token",
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
pub(crate) async fn api_tokens(pool: &Pool) -> Result<Vec<ApiTokenRow>, StoreError> {
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
        .map(|(id, name, created_by, created_at, revoked_at)| {
            let plans = by_token.remove(&id).unwrap_or_default();
            (id, name, plans, created_by, created_at, revoked_at)
        })
        .collect())
}

/// The token whose secret hashes to `token_hash`, revoked or not.
pub(crate) async fn api_token_by_hash(
    pool: &Pool,
    token_hash: &str,
) -> Result<Option<ApiTokenRow>, StoreError> {
    let mut conn = pool.acquire().await?;
    let row: Option<ApiTokenTuple> = sqlx::query_as(&format!(
        "SELECT {API_TOKEN_COLUMNS} FROM api_tokens WHERE token_hash = $1"
    ))
    .bind(token_hash)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((id, name, created_by, created_at, revoked_at)) = row else {
        return Ok(None);
    };
    let plans = api_token_plans_of(&mut conn, id).await?;
    Ok(Some((id, name, plans, created_by, created_at, revoked_at)))
}

/// Revokes a token (audited with before and after). `None`: no such token; a token that
/// was already revoked is returned as it is, and nothing is written.
pub(crate) async fn api_token_revoke(
    pool: &Pool,
    id: i64,
    actor: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<ApiTokenRow>, StoreError> {
    let now = chrono::SubsecRound::trunc_subsecs(now, 6);
    let mut tx = begin_write(pool).await?;
    let row: Option<ApiTokenTuple> = sqlx::query_as(&format!(
        "SELECT {API_TOKEN_COLUMNS} FROM api_tokens WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((id, name, created_by, created_at, revoked_at)) = row else {
        return Ok(None);
    };
    let plans = api_token_plans_of(&mut tx, id).await?;
    let before: ApiTokenRow = (id, name, plans, created_by, created_at, revoked_at);
    if before.5.is_some() {
        return Ok(Some(before));
    }
    let revoked = sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
    )
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
        return Ok(stored.map(|(id, name, created_by, created_at, revoked_at)| {
            (id, name, before.2.clone(), created_by, created_at, revoked_at)
        }));
    }
    let mut after = before.clone();
    after.5 = Some(now);
    audit(
        &mut tx,
        actor,
        "api_token.revoke",
        "api_token",
        &id.to_string(),
        Some(&api_token_json(&before)),
        Some(&api_token_json(&after)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Some(after))
}
