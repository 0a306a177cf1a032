//! Unit groups: a phrase of the allocation tables that stands for a set of units.
//!
//! Written once, compiled per backend: `sqlite.rs` and `postgres.rs` each declare this file as a
//! module of theirs (see `src/queries.rs`).

use super::*;

/// (phrase, provenance, updated by, updated at, member name or NULL for an empty group).
type GroupRow = (
    String,
    String,
    String,
    chrono::DateTime<chrono::Utc>,
    Option<String>,
);

/// Every group with its members (names sorted), by phrase.
pub(crate) async fn unit_groups(pool: &Pool) -> Result<Vec<crate::UnitGroup>, StoreError> {
    let rows: Vec<GroupRow> = sqlx::query_as(
        "SELECT g.phrase, g.provenance, g.updated_by, g.updated_at, u.name
         FROM unit_groups g
         LEFT JOIN unit_group_members m ON m.group_id = g.id
         LEFT JOIN units u ON u.id = m.unit_id
         ORDER BY g.phrase, u.name",
    )
    .fetch_all(pool)
    .await?;
    let mut out: Vec<crate::UnitGroup> = Vec::new();
    for (phrase, provenance, updated_by, updated_at, member) in rows {
        if out.last().is_none_or(|g| g.phrase != phrase) {
            out.push(crate::UnitGroup {
                phrase,
                members: Vec::new(),
                provenance,
                updated_by,
                updated_at,
            });
        }
        if let (Some(g), Some(m)) = (out.last_mut(), member) {
            g.members.push(m);
        }
    }
    Ok(out)
}

/// The seed's groups, each added once: a group an admin has edited (or deleted and made
/// again) is never overwritten. A group naming a unit that does not exist is skipped.
pub(super) async fn seed_unit_groups(
    tx: &mut Tx<'_>,
    groups: &[sanzhi_model::SeedGroup],
    unit_ids: &HashMap<String, i64>,
) -> Result<(), StoreError> {
    for g in groups {
        let members: Option<Vec<i64>> = g
            .members
            .iter()
            .map(|m| unit_ids.get(m.as_str()).copied())
            .collect();
        let Some(members) = members else {
            continue;
        };
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO unit_groups (phrase, provenance, updated_by, updated_at)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (phrase) DO NOTHING RETURNING id",
        )
        .bind(&g.phrase)
        .bind(&g.provenance)
        .bind("seed/units.toml")
        .bind(chrono::Utc::now())
        .fetch_optional(&mut **tx)
        .await?;
        let Some(id) = id else {
            continue;
        };
        for unit in members {
            sqlx::query("INSERT INTO unit_group_members (group_id, unit_id) VALUES ($1, $2)")
                .bind(id)
                .bind(unit)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}

/// The members of a group, by name.
async fn group_members(tx: &mut Tx<'_>, id: i64) -> Result<Vec<String>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT u.name FROM unit_group_members m JOIN units u ON u.id = m.unit_id
         WHERE m.group_id = $1 ORDER BY u.name",
    )
    .bind(id)
    .fetch_all(&mut **tx)
    .await?)
}

/// The unit a name or alias names: (id, name).
async fn unit_by_name(tx: &mut Tx<'_>, name: &str) -> Result<Option<(i64, String)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT id, name FROM units WHERE name = $1
         UNION SELECT u.id, u.name FROM unit_aliases a JOIN units u ON u.id = a.unit_id
         WHERE a.alias = $1",
    )
    .bind(name)
    .fetch_optional(&mut **tx)
    .await?)
}

/// Makes or replaces the group `phrase` with `members` (names or aliases of existing units),
/// audited `unit_group.save` with the members before and after. A phrase that is a unit's
/// name or alias, an empty group or an unknown member is refused by field.
pub(crate) async fn save_unit_group(
    pool: &Pool,
    phrase: &str,
    members: &[String],
    note: &str,
    actor: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<crate::UnitGroup, StoreError> {
    let phrase = phrase.trim();
    if phrase.is_empty() || phrase.chars().count() > 100 {
        return Err(StoreError::Invalid(
            "phrase：单位组名称不能为空，且不超过 100 个字".to_owned(),
        ));
    }
    let mut tx = begin_write(pool).await?;
    if let Some((_, owner)) = unit_by_name(&mut tx, phrase).await? {
        return Err(StoreError::Invalid(format!(
            "phrase：“{phrase}”已是单位“{owner}”的名称或别名，不能再作单位组"
        )));
    }
    let mut ids: Vec<(i64, String)> = Vec::new();
    for m in members.iter().map(|m| m.trim()).filter(|m| !m.is_empty()) {
        match unit_by_name(&mut tx, m).await? {
            Some(found) => {
                if !ids.iter().any(|(id, _)| *id == found.0) {
                    ids.push(found);
                }
            }
            None => {
                return Err(StoreError::Invalid(format!(
                    "members：单位“{m}”不在单位表中"
                )))
            }
        }
    }
    if ids.is_empty() {
        return Err(StoreError::Invalid(
            "members：单位组至少要有一个单位".to_owned(),
        ));
    }
    if ids.len() > 500 {
        return Err(StoreError::Invalid(
            "members：单位组不能超过 500 个单位".to_owned(),
        ));
    }
    let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM unit_groups WHERE phrase = $1")
        .bind(phrase)
        .fetch_optional(&mut *tx)
        .await?;
    let before: Option<Vec<String>> = match existing {
        Some(id) => Some(group_members(&mut tx, id).await?),
        None => None,
    };
    let provenance = if note.trim().is_empty() {
        format!("{actor} 设置")
    } else {
        note.trim().chars().take(500).collect()
    };
    let id: i64 = match existing {
        Some(id) => {
            sqlx::query(
                "UPDATE unit_groups SET provenance = $1, updated_by = $2, updated_at = $3
                 WHERE id = $4",
            )
            .bind(&provenance)
            .bind(actor)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM unit_group_members WHERE group_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            id
        }
        None => {
            sqlx::query_scalar(
                "INSERT INTO unit_groups (phrase, provenance, updated_by, updated_at)
                 VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(phrase)
            .bind(&provenance)
            .bind(actor)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?
        }
    };
    for (unit, _) in &ids {
        sqlx::query("INSERT INTO unit_group_members (group_id, unit_id) VALUES ($1, $2)")
            .bind(id)
            .bind(unit)
            .execute(&mut *tx)
            .await?;
    }
    let mut names: Vec<String> = ids.into_iter().map(|(_, n)| n).collect();
    names.sort();
    audit(
        &mut tx,
        actor,
        AuditAction::UnitGroupSave,
        phrase,
        before
            .map(|b| to_json(&serde_json::json!({ "members": b })))
            .as_deref(),
        Some(&to_json(
            &serde_json::json!({ "members": names, "note": provenance }),
        )),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(crate::UnitGroup {
        phrase: phrase.to_owned(),
        members: names,
        provenance,
        updated_by: actor.to_owned(),
        updated_at: now,
    })
}

/// Deletes the group `phrase` (audited `unit_group.delete`); whether there was one. Plans
/// already loaded keep their units: a group is only the tables' vocabulary.
pub(crate) async fn delete_unit_group(
    pool: &Pool,
    phrase: &str,
    actor: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool, StoreError> {
    let mut tx = begin_write(pool).await?;
    let Some(id): Option<i64> = sqlx::query_scalar("SELECT id FROM unit_groups WHERE phrase = $1")
        .bind(phrase.trim())
        .fetch_optional(&mut *tx)
        .await?
    else {
        return Ok(false);
    };
    let before: Vec<String> = group_members(&mut tx, id).await?;
    sqlx::query("DELETE FROM unit_groups WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    audit(
        &mut tx,
        actor,
        AuditAction::UnitGroupDelete,
        phrase.trim(),
        Some(&to_json(&serde_json::json!({ "members": before }))),
        None,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}
