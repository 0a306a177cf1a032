//! The audit trail: the entry every write appends, and reading entries back.
//!
//! Written once, compiled per backend: `sqlite.rs` and `postgres.rs` each declare this file as a
//! module of theirs (see `src/queries.rs`).

use super::*;

pub(super) fn reading_key(k: &sanzhi_domain::ReadingKey) -> String {
    format!("{}/{}/{}-{:02}", k.indicator, k.place, k.year, k.month)
}

/// Appends one audit row inside the caller's transaction.
#[allow(clippy::too_many_arguments)]
pub(super) async fn audit(
    tx: &mut Tx<'_>,
    actor: &str,
    action: AuditAction,
    key: &str,
    before: Option<&str>,
    after: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    let label = object_label(tx, action.entity(), key).await?;
    audit_labelled(tx, actor, action, key, before, after, now, label.as_deref()).await
}

/// [`audit`] of an object whose label the caller read already.
#[allow(clippy::too_many_arguments)]
pub(super) async fn audit_labelled(
    tx: &mut Tx<'_>,
    actor: &str,
    action: AuditAction,
    key: &str,
    before: Option<&str>,
    after: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
    label: Option<&str>,
) -> Result<(), StoreError> {
    let entity = action.entity();
    sqlx::query(
        "INSERT INTO audit_log (at, actor, action, entity, entity_key, before_json, after_json,
             object_label)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(now)
    .bind(actor)
    .bind(action.code())
    .bind(entity)
    .bind(key)
    .bind(before)
    .bind(after)
    .bind(label)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// What an audit entry names, as a person reads it: an assignment as “治水长效战 (5) 开化县政府”,
/// an item as “治水长效战 (5)”; `None` where the key already reads well (a reading, an account).
async fn object_label(
    tx: &mut Tx<'_>,
    entity: &str,
    key: &str,
) -> Result<Option<String>, StoreError> {
    Ok(match entity {
        "assignment" => {
            let Ok(id) = key.parse::<i64>() else {
                return Ok(None);
            };
            let row: Option<(String, i32, String)> = sqlx::query_as(
                "SELECT p.short_name, w.number, u.name
                 FROM assignments a
                 JOIN work_items w ON w.id = a.work_item_id
                 JOIN plans p ON p.id = w.plan_id
                 JOIN units u ON u.id = a.unit_id
                 WHERE a.id = $1",
            )
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
            row.map(|(plan, n, unit)| assignment_label(&plan, n, &unit))
        }
        "work_item" => {
            let Some((code, n)) = key.split_once('/') else {
                return Ok(None);
            };
            let name: Option<String> =
                sqlx::query_scalar("SELECT short_name FROM plans WHERE code = $1")
                    .bind(code)
                    .fetch_optional(&mut **tx)
                    .await?;
            name.map(|p| format!("{p} ({n})"))
        }
        _ => None,
    })
}

type AuditRow = (
    i64,
    chrono::DateTime<chrono::Utc>,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn audit_entry_of(r: AuditRow) -> sanzhi_domain::AuditEntry {
    let (id, at, actor, action, entity, entity_key, before, after, object) = r;
    sanzhi_domain::AuditEntry {
        id,
        at: at.to_rfc3339(),
        actor,
        action,
        entity,
        entity_key,
        before,
        after,
        object,
    }
}

/// A LIKE pattern for “contains `s`”, its wildcards escaped with a backslash.
pub(super) fn contains(s: Option<&str>) -> String {
    let s = s.unwrap_or_default();
    let mut out = String::with_capacity(s.len() + 2);
    out.push('%');
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

pub(crate) async fn audit_entries(
    pool: &Pool,
    f: &crate::AuditFilter,
) -> Result<Vec<sanzhi_domain::AuditEntry>, StoreError> {
    let rows: Vec<AuditRow> = sqlx::query_as(
        "SELECT id, at, actor, action, entity, entity_key, before_json, after_json, object_label
             FROM audit_log
             WHERE ($1 = '' OR actor LIKE $7 ESCAPE '\\')
               AND ($2 = '' OR action LIKE $3)
               AND ($4 = '' OR entity = $4)
               AND ($5 = '' OR entity_key = $5)
               AND ($8 = '' OR object_label LIKE $9 ESCAPE '\\' OR entity_key LIKE $9 ESCAPE '\\')
             ORDER BY id DESC
             LIMIT $6",
    )
    .bind(f.actor.clone().unwrap_or_default())
    .bind(f.action.clone().unwrap_or_default())
    .bind(format!("{}%", f.action.clone().unwrap_or_default()))
    .bind(f.entity.clone().unwrap_or_default())
    .bind(f.entity_key.clone().unwrap_or_default())
    .bind(f.limit)
    .bind(contains(f.actor.as_deref()))
    .bind(f.object.clone().unwrap_or_default())
    .bind(contains(f.object.as_deref()))
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(audit_entry_of).collect())
}

/// The audit entries of one work item's assignments, newest first.
pub(crate) async fn item_audit_entries(
    pool: &Pool,
    plan: &str,
    number: i32,
    limit: i64,
) -> Result<Vec<sanzhi_domain::AuditEntry>, StoreError> {
    let rows: Vec<AuditRow> = sqlx::query_as(
        "SELECT l.id, l.at, l.actor, l.action, l.entity, l.entity_key, l.before_json, l.after_json,
                l.object_label
             FROM audit_log l
             WHERE (l.entity = 'assignment'
               AND l.entity_key IN (
                   SELECT CAST(a.id AS TEXT) FROM assignments a
                   JOIN work_items w ON w.id = a.work_item_id
                   JOIN plans p ON p.id = w.plan_id
                   WHERE p.code = $1 AND w.number = $2))
                OR (l.entity = 'work_item' AND l.entity_key = $3)
             ORDER BY l.id DESC
             LIMIT $4",
    )
    .bind(plan)
    .bind(number)
    .bind(format!("{plan}/{number}"))
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(audit_entry_of).collect())
}
