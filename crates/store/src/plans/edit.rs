//! A coordinator's edits of a plan: its status, an item's deadlines / units / targets, a new unit.
//!
//! Written once, compiled per backend: `sqlite.rs` and `postgres.rs` each declare this file as a
//! module of theirs (see `src/queries.rs`).

use super::*;

/// Moves a plan to `status` (audited `plan.status`); `None` when no plan has this code,
/// else the status it had.
pub(crate) async fn set_plan_status(
    pool: &Pool,
    code: &PlanCode,
    status: sanzhi_domain::PlanStatus,
    actor: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<sanzhi_domain::PlanStatus>, StoreError> {
    let mut tx = begin_write(pool).await?;
    let before: Option<String> = sqlx::query_scalar("SELECT status FROM plans WHERE code = $1")
        .bind(code.as_str())
        .fetch_optional(&mut *tx)
        .await?;
    let Some(before) = before else {
        return Ok(None);
    };
    let before = sanzhi_domain::PlanStatus::parse(&before)
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    if before != status {
        let closed_on = (status == sanzhi_domain::PlanStatus::Closed)
            .then(|| sanzhi_domain::report::china_day(now));
        sqlx::query("UPDATE plans SET status = $1, closed_on = $2 WHERE code = $3")
            .bind(status.as_str())
            .bind(closed_on)
            .bind(code.as_str())
            .execute(&mut *tx)
            .await?;
        audit(
            &mut tx,
            actor,
            AuditAction::PlanStatus,
            code.as_str(),
            Some(&to_json(&serde_json::json!({ "status": before.as_str() }))),
            Some(&to_json(&serde_json::json!({ "status": status.as_str() }))),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Some(before))
}

/// Replaces a work item's deadlines, responsible units and targets as a coordinator edits
/// them, with one audit entry (before/after and the reason), in one transaction. A unit with
/// reports on its assignment cannot be removed; unknown units are refused by name.
pub(crate) async fn edit_item(
    pool: &Pool,
    plan: &str,
    number: i32,
    edit: &sanzhi_domain::ItemEdit,
    actor: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    let mut tx = begin_write(pool).await?;
    let item: Option<i64> = sqlx::query_scalar(
        "SELECT w.id FROM work_items w JOIN plans p ON p.id = w.plan_id
         WHERE p.code = $1 AND w.number = $2",
    )
    .bind(plan)
    .bind(number)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(item) = item else {
        return Err(StoreError::NotFound(format!("工作要求 {plan} ({number})")));
    };
    let closed: Option<String> =
        sqlx::query_scalar("SELECT short_name FROM plans WHERE code = $1 AND status = 'closed'")
            .bind(plan)
            .fetch_optional(&mut *tx)
            .await?;
    if let Some(name) = closed {
        return Err(StoreError::Invalid(format!(
            "方案“{name}”已结束：只读，不能再修改时限、责任单位或目标"
        )));
    }
    let phrases: Vec<String> =
        sqlx::query_scalar("SELECT phrase FROM milestones WHERE work_item_id = $1 ORDER BY seq")
            .bind(item)
            .fetch_all(&mut *tx)
            .await?;
    let assigned: Vec<(i64, String)> = sqlx::query_as(
        "SELECT a.id, u.name FROM assignments a JOIN units u ON u.id = a.unit_id
         WHERE a.work_item_id = $1 ORDER BY a.id",
    )
    .bind(item)
    .fetch_all(&mut *tx)
    .await?;
    let targets: Vec<TargetRow> = sqlx::query_as(
        "SELECT metric, value, unit, direction, year, quote, note FROM targets
         WHERE work_item_id = $1 ORDER BY seq",
    )
    .bind(item)
    .fetch_all(&mut *tx)
    .await?;
    let before = serde_json::json!({
        "deadlines": phrases,
        "units": assigned.iter().map(|(_, u)| u).collect::<Vec<_>>(),
        "targets": targets.iter().map(|t| format!("{} | {} | {} | {} | {} | {}", t.metric, t.direction, t.value, t.unit, t.year, t.quote)).collect::<Vec<_>>(),
    });

    let day = sanzhi_domain::report::china_day(now);
    replace_deadlines(&mut tx, item, &edit.milestones, day).await?;
    replace_targets(&mut tx, item, &edit.targets).await?;
    change_units(&mut tx, item, &assigned, edit, day).await?;
    let after = serde_json::json!({
        "deadlines": edit.milestones.iter().map(|m| &m.phrase).collect::<Vec<_>>(),
        "units": edit.units,
        "targets": edit.targets.iter().map(sanzhi_domain::target_line).collect::<Vec<_>>(),
        "reason": edit.reason,
    });
    audit(
        &mut tx,
        actor,
        AuditAction::ItemEdit,
        &format!("{plan}/{number}"),
        Some(&before.to_string()),
        Some(&after.to_string()),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Replaces an item's deadlines, keeping the old ones for replays of the days before `day`.
async fn replace_deadlines(
    tx: &mut Tx<'_>,
    item: i64,
    milestones: &[Milestone],
    day: chrono::NaiveDate,
) -> Result<(), StoreError> {
    // The deadlines as they were, kept for replays of the days before this edit.
    let old: Vec<MilestoneRow> = sqlx::query_as(&format!(
        "SELECT {MILESTONE_COLUMNS} FROM milestones WHERE work_item_id = $1 ORDER BY seq"
    ))
    .bind(item)
    .fetch_all(&mut **tx)
    .await?;
    let old: Vec<Milestone> = old
        .into_iter()
        .map(MilestoneRow::into_milestone)
        .collect::<Result<_, _>>()?;
    if old != milestones {
        keep_milestone_version(tx, item, day, &old).await?;
    }
    sqlx::query("DELETE FROM milestones WHERE work_item_id = $1")
        .bind(item)
        .execute(&mut **tx)
        .await?;
    for (seq, m) in (1i32..).zip(milestones) {
        insert_milestone(tx, item, seq, &MilestoneRow::of(&m.phrase, &m.deadline)).await?;
    }
    Ok(())
}

/// Replaces an item's targets. A target's note (how table and main text differ on its
/// figure) stays with the same figure: kept when metric, value and year are unchanged,
/// dropped with a changed figure.
async fn replace_targets(
    tx: &mut Tx<'_>,
    item: i64,
    targets: &[sanzhi_domain::Target],
) -> Result<(), StoreError> {
    let kept_notes: Vec<(String, f64, i32, String)> = sqlx::query_as(
        "SELECT metric, value, year, note FROM targets WHERE work_item_id = $1 AND note IS NOT NULL",
    )
    .bind(item)
    .fetch_all(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM targets WHERE work_item_id = $1")
        .bind(item)
        .execute(&mut **tx)
        .await?;
    for (seq, t) in (1i32..).zip(targets) {
        let note = kept_notes
            .iter()
            .find(|(m, v, y, _)| *m == t.metric && (*v - t.value).abs() < 1e-9 && *y == t.year)
            .map(|(_, _, _, n)| n.clone());
        sqlx::query(
            "INSERT INTO targets (work_item_id, seq, metric, value, unit, direction, year, quote,
                                  note)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(item)
        .bind(seq)
        .bind(&t.metric)
        .bind(t.value)
        .bind(&t.unit)
        .bind(t.direction.as_str())
        .bind(t.year)
        .bind(&t.quote)
        .bind(note)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// The item's units as edited: those left out removed (only without reports, kept for
/// replays of earlier days), the new ones assigned from `day`; unknown or repeated units
/// are refused by name.
async fn change_units(
    tx: &mut Tx<'_>,
    item: i64,
    assigned: &[(i64, String)],
    edit: &sanzhi_domain::ItemEdit,
    day: chrono::NaiveDate,
) -> Result<(), StoreError> {
    for (assignment, unit) in assigned {
        if edit.units.contains(unit) {
            continue;
        }
        let reports: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM progress_reports WHERE assignment_id = $1")
                .bind(assignment)
                .fetch_one(&mut **tx)
                .await?;
        if reports > 0 {
            return Err(StoreError::Invalid(format!(
                "units：{unit}已有 {reports} 份进展报告，不能移出责任单位"
            )));
        }
        remove_assignment(tx, *assignment, day).await?;
    }
    for unit in &edit.units {
        if assigned.iter().any(|(_, u)| u == unit) {
            continue;
        }
        let unit_id: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM units WHERE name = $1
             UNION SELECT unit_id FROM unit_aliases WHERE alias = $1",
        )
        .bind(unit)
        .fetch_optional(&mut **tx)
        .await?;
        let Some(unit_id) = unit_id else {
            return Err(StoreError::Invalid(format!("units：没有单位“{unit}”")));
        };
        let taken: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM assignments WHERE work_item_id = $1 AND unit_id = $2",
        )
        .bind(item)
        .bind(unit_id)
        .fetch_optional(&mut **tx)
        .await?;
        if taken.is_some() {
            return Err(StoreError::Invalid(format!(
                "units：“{unit}”与已列单位重复"
            )));
        }
        sqlx::query(
            "INSERT INTO assignments (work_item_id, unit_id, via, added_on) VALUES ($1, $2, $3, $4)",
        )
        .bind(item)
        .bind(unit_id)
        .bind(format!("协调员调整：{}", edit.reason))
        .bind(day)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Adds a unit with its aliases (audited); a name or alias already in use is refused by name.
pub(crate) async fn add_unit(
    pool: &Pool,
    u: &sanzhi_domain::NewUnit,
    actor: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<i64, StoreError> {
    let mut tx = begin_write(pool).await?;
    for name in std::iter::once(&u.name).chain(&u.aliases) {
        let taken: Option<String> = sqlx::query_scalar(
            "SELECT name FROM units WHERE name = $1
             UNION SELECT un.name FROM unit_aliases a JOIN units un ON un.id = a.unit_id
             WHERE a.alias = $1",
        )
        .bind(name)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(owner) = taken {
            let field = if *name == u.name { "name" } else { "aliases" };
            return Err(StoreError::Invalid(format!(
                "{field}：“{name}”已是单位“{owner}”的名称或别名"
            )));
        }
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO units (name, kind, provenance) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(&u.name)
    .bind(u.kind.as_str())
    .bind(format!("管理员添加：{}", u.note))
    .fetch_one(&mut *tx)
    .await?;
    for a in &u.aliases {
        sqlx::query("INSERT INTO unit_aliases (alias, unit_id) VALUES ($1, $2)")
            .bind(a)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    audit(
        &mut tx,
        actor,
        AuditAction::UnitAdd,
        &u.name,
        None,
        Some(&to_json(u)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}
