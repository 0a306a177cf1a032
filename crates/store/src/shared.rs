//! What every query file shares: the pool and transaction types, the imports, the data
//! version, the checks a write makes of the assignment it writes to, and small SQL builders.
//!
//! Written once, compiled per backend: `sqlite.rs` and `postgres.rs` each declare this file as a
//! module of theirs (see `src/queries.rs`).

use super::*;

pub(super) use crate::rows::{
    ItemRow, KeyedRow, MilestoneRow, NoteRow, PlanKeyRow, PlanRow, ReportRow, ReviewRow, TargetRow,
    TaskRow, TrackedRow, UnitRow, MILESTONE_COLUMNS, MILESTONE_COLUMNS_M,
};
pub(super) use crate::{Change, SeedReport, StoreError, TrackScope};
pub(super) use sanzhi_domain::audit_view::AuditAction;
pub(super) use sanzhi_domain::{
    ActionId, ActionNode, AssignmentView, Direction, ItemDetail, ItemSummary, Milestone, NoteKind,
    PlanCode, PlanDetail, PlanSummary, PlanTree, SourceNote, Target, TaskId, TaskNode, UnitKind,
    WorkItemId,
};
pub(super) use sanzhi_model::{PlanBody, SeedBundle, SeedPlan, SeedUnit};
pub(super) use std::collections::HashMap;

pub(crate) type Pool = sqlx::Pool<Db>;

pub(crate) type Tx<'c> = sqlx::Transaction<'c, Db>;

/// What a readings write changed, recorded for the readings mirrors (migration 29): the
/// series (indicator, place, year) while they are few, else only the years.
#[derive(Default)]
pub(super) struct ReadingChanges {
    series: rustc_hash::FxHashSet<(String, String, i32)>,
    years: std::collections::BTreeSet<i32>,
    /// Every year (the demo readings removed).
    every_year: bool,
}

/// More series than this in one write: its years are recorded instead.
const SERIES_RECORDED: usize = 200;

impl ReadingChanges {
    pub(super) fn add(&mut self, key: &sanzhi_domain::ReadingKey) {
        self.years.insert(key.year);
        if self.series.len() <= SERIES_RECORDED {
            self.series
                .insert((key.indicator.clone(), key.place.clone(), key.year));
        }
    }

    pub(super) fn every_year() -> Self {
        ReadingChanges {
            every_year: true,
            ..Self::default()
        }
    }
}

/// How many versions of recorded changes are kept for app servers that are behind.
const CHANGES_KEPT: i64 = 5_000;

/// Every 500th version, removes from `table` (`fact_changes`, `reading_changes`) the records
/// more than [`CHANGES_KEPT`] versions old and says so in `state` (`pruned_below`): a mirror
/// further behind reads everything again.
pub(super) async fn prune_changes(
    tx: &mut Tx<'_>,
    version: i64,
    table: &str,
    state: &str,
) -> Result<(), StoreError> {
    if version % 500 != 0 {
        return Ok(());
    }
    let below = version - CHANGES_KEPT;
    sqlx::query(&format!("DELETE FROM {table} WHERE version < $1"))
        .bind(below)
        .execute(&mut **tx)
        .await?;
    sqlx::query(&format!(
        "UPDATE {state} SET pruned_below = $1 WHERE id = 1 AND pruned_below < $2"
    ))
    .bind(below)
    .bind(below)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Moves the readings' version on and records what the write changed under it. SQLite: by
/// this statement (no trigger sees readings there: a row trigger doubled a 1M-row insert; see
/// migrations 9 and 27); PostgreSQL: a statement trigger moved it already, once per
/// transaction (`bump_version` is then a no-op). The version row stays locked until the
/// commit, so versions commit in order.
pub(super) async fn bump_readings_version(
    tx: &mut Tx<'_>,
    changes: &ReadingChanges,
) -> Result<(), StoreError> {
    if <Db as sqlx::Database>::NAME == "SQLite" {
        sqlx::query("UPDATE versions SET n = n + 1 WHERE area = 'readings'")
            .execute(&mut **tx)
            .await?;
    } else {
        sqlx::query("SELECT bump_version('readings')")
            .execute(&mut **tx)
            .await?;
    }
    let version: i64 = sqlx::query_scalar("SELECT n FROM versions WHERE area = 'readings'")
        .fetch_one(&mut **tx)
        .await?;
    let mut rows: Vec<(i32, &str, &str)> = Vec::new();
    if changes.every_year {
        rows.push((0, "*", "*"));
    } else if changes.series.len() > SERIES_RECORDED {
        rows.extend(changes.years.iter().map(|y| (*y, "*", "*")));
    } else {
        rows.extend(
            changes
                .series
                .iter()
                .map(|(i, p, y)| (*y, i.as_str(), p.as_str())),
        );
    }
    for chunk in rows.chunks(ID_CHUNK) {
        let sql = format!(
            "INSERT INTO reading_changes (version, year, indicator, place) VALUES {}",
            value_rows(chunk.len(), 4)
        );
        let mut q = sqlx::query(&sql);
        for (year, indicator, place) in chunk {
            q = q.bind(version).bind(year).bind(*indicator).bind(*place);
        }
        q.execute(&mut **tx).await?;
    }
    prune_changes(tx, version, "reading_changes", "reading_changes_state").await?;
    Ok(())
}

/// Refuses a write on a closed plan (its period is over: read-only, kept for history) in the
/// write's own transaction; `assignment` names what is written to.
pub(super) async fn ensure_writable(tx: &mut Tx<'_>, assignment: i64) -> Result<(), StoreError> {
    writable_assignment(tx, assignment).await.map(|_| ())
}

/// [`ensure_writable`] that also says whether the assignment exists (`None`: it does not),
/// and how an audit entry names it (“治水长效战 (5) 开化县政府”).
pub(super) async fn writable_assignment(
    tx: &mut Tx<'_>,
    assignment: i64,
) -> Result<Option<String>, StoreError> {
    let plan: Option<(String, String, i32, String)> = sqlx::query_as(
        "SELECT p.short_name, p.status, w.number, u.name FROM assignments a
         JOIN work_items w ON w.id = a.work_item_id JOIN plans p ON p.id = w.plan_id
         JOIN units u ON u.id = a.unit_id
         WHERE a.id = $1",
    )
    .bind(assignment)
    .fetch_optional(&mut **tx)
    .await?;
    match plan {
        Some((name, status, _, _)) if status == sanzhi_domain::PlanStatus::Closed.as_str() => {
            Err(StoreError::Invalid(format!(
                "方案“{name}”已结束：只读，不能再填报、签收、修改或催办"
            )))
        }
        Some((name, _, number, unit)) => Ok(Some(assignment_label(&name, number, &unit))),
        None => Ok(None),
    }
}

/// How an audit entry names an assignment: its plan, its item's number and its unit.
pub(super) fn assignment_label(plan: &str, number: i32, unit: &str) -> String {
    format!("{plan} ({number}) {unit}")
}

/// The versions of the structure, the tracking and the readings in one statement.
pub(crate) const VERSIONS_SQL: &str =
    "(SELECT n FROM data_version WHERE id = 1) AS structure_version,
    (SELECT n FROM versions WHERE area = 'tracking') AS tracking_version,
    (SELECT n FROM versions WHERE area = 'readings') AS readings_version";

pub(crate) async fn versions(pool: &Pool) -> Result<crate::Versions, StoreError> {
    let (structure, tracking, readings): (i64, i64, i64) =
        sqlx::query_as(&format!("SELECT {VERSIONS_SQL}"))
            .fetch_one(pool)
            .await?;
    Ok(crate::Versions {
        structure,
        tracking,
        readings,
    })
}

/// One plan's tracking version (0 for a plan that has none: it does not exist).
pub(crate) async fn plan_version(pool: &Pool, plan: &str) -> Result<i64, StoreError> {
    let n: Option<i64> = sqlx::query_scalar("SELECT n FROM versions WHERE area = $1")
        .bind(format!("tracking:{plan}"))
        .fetch_optional(pool)
        .await?;
    Ok(n.unwrap_or(0))
}

/// What is wrong with the stored data, in words (empty: nothing found): the engine's own
/// check (SQLite) and the invariants every write keeps — report versions without gaps, a
/// data version row, applied migrations.
pub(crate) async fn integrity_problems(pool: &Pool) -> Result<Vec<String>, StoreError> {
    let mut problems = engine_check(pool).await?;
    let gaps: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT assignment_id, CAST(count(*) AS BIGINT), CAST(max(version) AS BIGINT)
         FROM progress_reports GROUP BY assignment_id HAVING count(*) <> max(version)",
    )
    .fetch_all(pool)
    .await?;
    for (a, n, max) in gaps {
        problems.push(format!("分工 {a} 的报告有缺号：{n} 份，最高版本 {max}"));
    }
    let versions: i64 = sqlx::query_scalar("SELECT CAST(count(*) AS BIGINT) FROM data_version")
        .fetch_one(pool)
        .await?;
    if versions != 1 {
        problems.push(format!("data_version 应有 1 行，实有 {versions} 行"));
    }
    let failed: i64 = sqlx::query_scalar(
        "SELECT CAST(count(*) AS BIGINT) FROM _sqlx_migrations WHERE NOT success",
    )
    .fetch_one(pool)
    .await?;
    if failed > 0 {
        problems.push(format!("{failed} 个数据库迁移未成功完成"));
    }
    Ok(problems)
}

pub(crate) async fn ping(pool: &Pool) -> Result<(), StoreError> {
    let one: i32 = sqlx::query_scalar("SELECT 1").fetch_one(pool).await?;
    if one == 1 {
        Ok(())
    } else {
        Err(StoreError::Corrupt(format!("SELECT 1 returned {one}")))
    }
}

/// `col IN (?, ?, …)` over `ids`, numbering parameters from `first`.
pub(super) fn in_list(col: &str, ids: &[i64], first: usize) -> String {
    let ps: Vec<String> = (0..ids.len()).map(|i| param(first + i)).collect();
    format!("{col} IN ({})", ps.join(", "))
}

/// `(?, ?, …), (?, ?, …), …`: `rows` rows of `width` parameters each, numbered from 1 — the
/// VALUES of a multi-row insert.
pub(super) fn value_rows(rows: usize, width: usize) -> String {
    (0..rows)
        .map(|i| {
            let ps: Vec<String> = (1..=width).map(|k| param(i * width + k)).collect();
            format!("({})", ps.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Ids per statement when a query names its rows by id.
pub(super) const ID_CHUNK: usize = 500;

/// The `n`th bound parameter (from 1) of a statement built at run time. SQLite gets plain `?`:
/// sqlx looks a `$n` up by name, and SQLite's name lookup walks every name of the statement,
/// which made a 6,000-parameter insert spend most of its time there.
pub(super) fn param(n: usize) -> String {
    if <Db as sqlx::Database>::NAME == "SQLite" {
        "?".to_owned()
    } else {
        format!("${n}")
    }
}

pub(super) fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}
