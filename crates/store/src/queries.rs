//! The store's queries, written once and compiled per backend: `sqlite.rs` and `postgres.rs`
//! each declare this file (and the other `queries_*.rs`) as a module of theirs, defining
//! `type Db` and the transaction helpers it sees through `use super::*`. Keep placeholders in
//! ascending order of first appearance (see the note in lib.rs).

use super::*;

pub(super) use crate::rows::{
    ItemRow, KeyedRow, MilestoneRow, NoteRow, PlanKeyRow, PlanRow, ReportRow, ReviewRow, TargetRow,
    TaskRow, TrackedRow, UnitRow, MILESTONE_COLUMNS, MILESTONE_COLUMNS_M,
};
pub(super) use crate::{Change, SeedReport, StoreError, TrackScope};
pub(super) use sanzhi_domain::{
    ActionId, ActionNode, AssignmentView, Direction, ItemDetail, ItemSummary, Milestone, NoteKind,
    PlanCode, PlanDetail, PlanSummary, PlanTree, SourceNote, Target, TaskId, TaskNode, UnitKind,
    WorkItemId,
};
pub(super) use sanzhi_seed::{PlanBody, SeedBundle, SeedPlan, SeedUnit};
pub(super) use std::collections::HashMap;

pub(super) type Pool = sqlx::Pool<Db>;
pub(super) type Tx<'c> = sqlx::Transaction<'c, Db>;

const PLAN_SELECT: &str = "
    SELECT p.id, p.code, p.doc_no, p.title, p.short_name, p.short_name_en, p.status,
           p.closed_on, u.name AS owner_office,
           p.start_year, p.end_year, p.provenance,
           (SELECT COUNT(*) FROM actions a WHERE a.plan_id = p.id) AS action_count,
           (SELECT COUNT(*) FROM tasks t WHERE t.plan_id = p.id) AS task_count,
           (SELECT COUNT(*) FROM work_items w WHERE w.plan_id = p.id) AS work_item_count
    FROM plans p
    JOIN units u ON u.id = p.owner_unit_id";

/// Moves the data version on, for writes no trigger sees (readings on SQLite; see migration 9).
async fn bump_data_version(tx: &mut Tx<'_>) -> Result<(), StoreError> {
    sqlx::query("UPDATE data_version SET n = n + 1 WHERE id = 1")
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Refuses a write on a closed plan (its period is over: read-only, kept for history) in the
/// write's own transaction; `assignment` names what is written to.
pub(super) async fn ensure_writable(tx: &mut Tx<'_>, assignment: i64) -> Result<(), StoreError> {
    writable_assignment(tx, assignment).await.map(|_| ())
}

/// [`ensure_writable`] that also says whether the assignment exists (`None`: it does not).
async fn writable_assignment(tx: &mut Tx<'_>, assignment: i64) -> Result<Option<()>, StoreError> {
    let plan: Option<(String, String)> = sqlx::query_as(
        "SELECT p.short_name, p.status FROM assignments a
         JOIN work_items w ON w.id = a.work_item_id JOIN plans p ON p.id = w.plan_id
         WHERE a.id = $1",
    )
    .bind(assignment)
    .fetch_optional(&mut **tx)
    .await?;
    match plan {
        Some((name, status)) if status == sanzhi_domain::PlanStatus::Closed.as_str() => {
            Err(StoreError::Invalid(format!(
                "方案“{name}”已结束：只读，不能再填报、签收、修改或催办"
            )))
        }
        Some(_) => Ok(Some(())),
        None => Ok(None),
    }
}

pub(crate) async fn data_version(pool: &Pool) -> Result<i64, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT n FROM data_version WHERE id = 1")
            .fetch_one(pool)
            .await?,
    )
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

pub(crate) async fn plan_count(pool: &Pool) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM plans")
        .fetch_one(pool)
        .await?)
}

pub(crate) async fn list_plans(pool: &Pool) -> Result<Vec<PlanSummary>, StoreError> {
    let sql = format!("{PLAN_SELECT} ORDER BY p.sort_order, p.code");
    let rows: Vec<PlanRow> = sqlx::query_as(&sql).fetch_all(pool).await?;
    rows.into_iter()
        .map(|r| r.into_summary().map(|(s, _)| s))
        .collect()
}

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
            "plan.status",
            "plan",
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

pub(crate) async fn plan_detail(
    pool: &Pool,
    code: &PlanCode,
) -> Result<Option<PlanDetail>, StoreError> {
    let sql = format!("{PLAN_SELECT} WHERE p.code = $1");
    let Some(row) = sqlx::query_as::<_, PlanRow>(&sql)
        .bind(code.as_str())
        .fetch_optional(pool)
        .await?
    else {
        return Ok(None);
    };
    let (summary, provenance) = row.into_summary()?;
    let goals: Vec<String> =
        sqlx::query_scalar("SELECT body FROM plan_goals WHERE plan_id = $1 ORDER BY seq")
            .bind(summary.id.get())
            .fetch_all(pool)
            .await?;
    Ok(Some(PlanDetail {
        summary,
        goals,
        provenance,
    }))
}

pub(crate) async fn load_seed(pool: &Pool, seed: &SeedBundle) -> Result<SeedReport, StoreError> {
    let mut tx = begin_write(pool).await?;
    let mut report = SeedReport::default();
    for unit in &seed.units {
        upsert_unit(&mut tx, unit, &mut report).await?;
    }
    let unit_ids: HashMap<String, i64> =
        sqlx::query_as::<_, (String, i64)>("SELECT name, id FROM units")
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .collect();
    seed_unit_groups(&mut tx, &seed.groups, &unit_ids).await?;
    let mut plan_ids = HashMap::new();
    for plan in &seed.plans {
        let plan_id = upsert_plan(&mut tx, plan, &mut report).await?;
        load_body(&mut tx, plan_id, &plan.body, &unit_ids, &mut report, None).await?;
        load_sources(&mut tx, plan_id, plan, &mut report).await?;
        plan_ids.insert(plan.code.as_str().to_owned(), plan_id);
    }
    load_reference(&mut tx, &seed.reference, &unit_ids, &plan_ids, &mut report).await?;
    sync_indicators(&mut tx, &mut report).await?;
    tx.commit().await?;
    Ok(report)
}

async fn upsert_unit(
    tx: &mut Tx<'_>,
    unit: &SeedUnit,
    report: &mut SeedReport,
) -> Result<i64, StoreError> {
    let existing: Option<UnitRow> =
        sqlx::query_as("SELECT id, kind, provenance FROM units WHERE name = $1")
            .bind(unit.name.as_str())
            .fetch_optional(&mut **tx)
            .await?;
    let (id, change) = match existing {
        None => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO units (name, kind, provenance) VALUES ($1, $2, $3) RETURNING id",
            )
            .bind(unit.name.as_str())
            .bind(unit.kind.as_str())
            .bind(&unit.provenance)
            .fetch_one(&mut **tx)
            .await?;
            (id, Change::Inserted)
        }
        Some(row) if row.kind == unit.kind.as_str() && row.provenance == unit.provenance => {
            (row.id, Change::Unchanged)
        }
        Some(row) => {
            sqlx::query("UPDATE units SET kind = $1, provenance = $2 WHERE id = $3")
                .bind(unit.kind.as_str())
                .bind(&unit.provenance)
                .bind(row.id)
                .execute(&mut **tx)
                .await?;
            (row.id, Change::Updated)
        }
    };
    report.add(change);
    for alias in &unit.aliases {
        let owner: Option<i64> =
            sqlx::query_scalar("SELECT unit_id FROM unit_aliases WHERE alias = $1")
                .bind(alias.as_str())
                .fetch_optional(&mut **tx)
                .await?;
        let change = match owner {
            Some(owner) if owner == id => Change::Unchanged,
            Some(_) => {
                sqlx::query("UPDATE unit_aliases SET unit_id = $1 WHERE alias = $2")
                    .bind(id)
                    .bind(alias.as_str())
                    .execute(&mut **tx)
                    .await?;
                Change::Updated
            }
            None => {
                sqlx::query("INSERT INTO unit_aliases (alias, unit_id) VALUES ($1, $2)")
                    .bind(alias.as_str())
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
                Change::Inserted
            }
        };
        report.add(change);
    }
    Ok(id)
}

async fn upsert_plan(
    tx: &mut Tx<'_>,
    plan: &SeedPlan,
    report: &mut SeedReport,
) -> Result<i64, StoreError> {
    let owner_id: i64 = sqlx::query_scalar("SELECT id FROM units WHERE name = $1")
        .bind(plan.owner.as_str())
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::MissingUnit(plan.owner.to_string()))?;
    let existing: Option<PlanKeyRow> = sqlx::query_as(
        "SELECT id, doc_no, title, short_name, short_name_en, owner_unit_id, start_year,
                end_year, issued_on, sort_order, provenance
         FROM plans WHERE code = $1",
    )
    .bind(plan.code.as_str())
    .fetch_optional(&mut **tx)
    .await?;
    let same = |r: &PlanKeyRow| {
        r.doc_no == plan.doc_no
            && r.title == plan.title
            && r.short_name == plan.short_name
            && r.short_name_en == plan.short_name_en
            && r.owner_unit_id == owner_id
            && r.start_year == plan.period.start_year()
            && r.end_year == plan.period.end_year()
            && r.issued_on == Some(plan.issued_on)
            && r.sort_order == plan.sort_order
            && r.provenance == plan.provenance
    };
    let (id, change) = match existing {
        None => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO plans (code, doc_no, title, short_name, owner_unit_id, start_year,
                                    end_year, sort_order, provenance, issued_on, short_name_en,
                                    status)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
            )
            .bind(plan.code.as_str())
            .bind(&plan.doc_no)
            .bind(&plan.title)
            .bind(&plan.short_name)
            .bind(owner_id)
            .bind(plan.period.start_year())
            .bind(plan.period.end_year())
            .bind(plan.sort_order)
            .bind(&plan.provenance)
            .bind(plan.issued_on)
            .bind(&plan.short_name_en)
            .bind(plan.status.as_str())
            .fetch_one(&mut **tx)
            .await?;
            (id, Change::Inserted)
        }
        Some(row) if same(&row) => (row.id, Change::Unchanged),
        Some(row) => {
            sqlx::query(
                "UPDATE plans SET doc_no = $1, title = $2, short_name = $3, owner_unit_id = $4,
                                  start_year = $5, end_year = $6, sort_order = $7,
                                  provenance = $8, issued_on = $9, short_name_en = $11
                 WHERE id = $10",
            )
            .bind(&plan.doc_no)
            .bind(&plan.title)
            .bind(&plan.short_name)
            .bind(owner_id)
            .bind(plan.period.start_year())
            .bind(plan.period.end_year())
            .bind(plan.sort_order)
            .bind(&plan.provenance)
            .bind(plan.issued_on)
            .bind(row.id)
            .bind(&plan.short_name_en)
            .execute(&mut **tx)
            .await?;
            (row.id, Change::Updated)
        }
    };
    report.add(change);

    let stored: Vec<String> =
        sqlx::query_scalar("SELECT body FROM plan_goals WHERE plan_id = $1 ORDER BY seq")
            .bind(id)
            .fetch_all(&mut **tx)
            .await?;
    if stored != plan.goals {
        sqlx::query("DELETE FROM plan_goals WHERE plan_id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await?;
        for (seq, body) in (1i32..).zip(&plan.goals) {
            sqlx::query("INSERT INTO plan_goals (plan_id, seq, body) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(seq)
                .bind(body)
                .execute(&mut **tx)
                .await?;
        }
        report.add(if stored.is_empty() {
            Change::Inserted
        } else {
            Change::Updated
        });
    } else {
        report.add(Change::Unchanged);
    }
    Ok(id)
}

fn unit_id(ids: &HashMap<String, i64>, name: &str) -> Result<i64, StoreError> {
    ids.get(name)
        .copied()
        .ok_or_else(|| StoreError::MissingUnit(name.to_owned()))
}

/// Actions, tasks and items are updated in place by their numbers, so that what refers to
/// them (assignments, and later progress reports) keeps its ids. Child lists (leads,
/// milestones, targets, notes) are compared with what is stored and rewritten only when
/// they differ; assignments are matched by unit.
/// Writes one milestone of an item.
async fn insert_milestone(
    tx: &mut Tx<'_>,
    item: i64,
    seq: i32,
    m: &MilestoneRow,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO milestones (work_item_id, seq, phrase, kind, due_date, date_precision,
                                 recurrence, event, within_n, within_unit)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(item)
    .bind(seq)
    .bind(&m.phrase)
    .bind(&m.kind)
    .bind(m.due_date)
    .bind(&m.date_precision)
    .bind(&m.recurrence)
    .bind(&m.event)
    .bind(m.within_n)
    .bind(&m.within_unit)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Keeps an item's deadlines as they were before a change made on `day`.
async fn keep_milestone_version(
    tx: &mut Tx<'_>,
    item: i64,
    day: chrono::NaiveDate,
    old: &[Milestone],
) -> Result<(), StoreError> {
    let json =
        serde_json::to_string(old).map_err(|e| StoreError::Invalid(format!("milestones：{e}")))?;
    sqlx::query(
        "INSERT INTO milestone_versions (work_item_id, replaced_on, milestones_json)
         VALUES ($1, $2, $3)",
    )
    .bind(item)
    .bind(day)
    .bind(json)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Removes an assignment (one without reports), keeping it in `removed_assignments` for
/// replays of the days before `day`.
async fn remove_assignment(
    tx: &mut Tx<'_>,
    assignment: i64,
    day: chrono::NaiveDate,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO removed_assignments
             (assignment_id, work_item_id, unit_id, via, added_on, removed_on)
         SELECT id, work_item_id, unit_id, via, added_on, $1 FROM assignments WHERE id = $2",
    )
    .bind(day)
    .bind(assignment)
    .execute(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM assignments WHERE id = $1")
        .bind(assignment)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// `changed_on`: the China day of a plan import, whose changes of an item's deadlines and units
/// are kept for replays of earlier days (see `milestone_versions`, `removed_assignments`);
/// `None` for the seed, whose corrections of the reading of the source apply to every day.
async fn load_body(
    tx: &mut Tx<'_>,
    plan_id: i64,
    body: &PlanBody,
    unit_ids: &HashMap<String, i64>,
    report: &mut SeedReport,
    changed_on: Option<chrono::NaiveDate>,
) -> Result<(), StoreError> {
    let mut action_ids = HashMap::new();
    for a in &body.actions {
        let stored: Option<KeyedRow> = sqlx::query_as(
            "SELECT id, title, provenance FROM actions WHERE plan_id = $1 AND seq = $2",
        )
        .bind(plan_id)
        .bind(a.seq)
        .fetch_optional(&mut **tx)
        .await?;
        let id = match stored {
            Some(r) if r.title == a.title && r.provenance == a.provenance => {
                report.add(Change::Unchanged);
                r.id
            }
            Some(r) => {
                sqlx::query("UPDATE actions SET title = $1, provenance = $2 WHERE id = $3")
                    .bind(&a.title)
                    .bind(&a.provenance)
                    .bind(r.id)
                    .execute(&mut **tx)
                    .await?;
                report.add(Change::Updated);
                r.id
            }
            None => {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO actions (plan_id, seq, title, provenance)
                     VALUES ($1, $2, $3, $4) RETURNING id",
                )
                .bind(plan_id)
                .bind(a.seq)
                .bind(&a.title)
                .bind(&a.provenance)
                .fetch_one(&mut **tx)
                .await?;
                report.add(Change::Inserted);
                id
            }
        };
        action_ids.insert(a.seq, id);
    }

    let mut task_ids = HashMap::new();
    for t in &body.tasks {
        let action_id = action_ids[&t.action];
        let stored: Option<TaskRow> = sqlx::query_as(
            "SELECT id, action_id, title, paragraph, provenance
             FROM tasks WHERE plan_id = $1 AND number = $2",
        )
        .bind(plan_id)
        .bind(t.number)
        .fetch_optional(&mut **tx)
        .await?;
        let want = |id| TaskRow {
            id,
            action_id,
            title: t.title.clone(),
            paragraph: t.paragraph.clone(),
            provenance: t.provenance.clone(),
        };
        let id = match stored {
            Some(r) if r == want(r.id) => {
                report.add(Change::Unchanged);
                r.id
            }
            Some(r) => {
                sqlx::query(
                    "UPDATE tasks SET action_id = $1, title = $2, paragraph = $3, provenance = $4
                     WHERE id = $5",
                )
                .bind(action_id)
                .bind(&t.title)
                .bind(&t.paragraph)
                .bind(&t.provenance)
                .bind(r.id)
                .execute(&mut **tx)
                .await?;
                report.add(Change::Updated);
                r.id
            }
            None => {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO tasks (plan_id, action_id, number, title, paragraph, provenance)
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(plan_id)
                .bind(action_id)
                .bind(t.number)
                .bind(&t.title)
                .bind(&t.paragraph)
                .bind(&t.provenance)
                .fetch_one(&mut **tx)
                .await?;
                report.add(Change::Inserted);
                id
            }
        };
        task_ids.insert(t.number, id);
    }

    let mut item_ids = HashMap::new();
    for it in &body.items {
        let task_id = task_ids[&it.task];
        let lead_text = it.lead_text.join("、");
        let responsible_text = it.responsible_text.join("、");
        let stored: Option<ItemRow> = sqlx::query_as(
            "SELECT id, task_id, body, lead_text, responsible_text, provenance
             FROM work_items WHERE plan_id = $1 AND number = $2",
        )
        .bind(plan_id)
        .bind(it.number)
        .fetch_optional(&mut **tx)
        .await?;
        let want = |id| ItemRow {
            id,
            task_id,
            body: it.text.clone(),
            lead_text: lead_text.clone(),
            responsible_text: responsible_text.clone(),
            provenance: it.provenance.clone(),
        };
        let id = match stored {
            Some(r) if r == want(r.id) => {
                report.add(Change::Unchanged);
                r.id
            }
            Some(r) => {
                sqlx::query(
                    "UPDATE work_items SET task_id = $1, body = $2, lead_text = $3,
                            responsible_text = $4, provenance = $5
                     WHERE id = $6",
                )
                .bind(task_id)
                .bind(&it.text)
                .bind(&lead_text)
                .bind(&responsible_text)
                .bind(&it.provenance)
                .bind(r.id)
                .execute(&mut **tx)
                .await?;
                report.add(Change::Updated);
                r.id
            }
            None => {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO work_items (plan_id, task_id, number, body, lead_text,
                                             responsible_text, provenance)
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(plan_id)
                .bind(task_id)
                .bind(it.number)
                .bind(&it.text)
                .bind(&lead_text)
                .bind(&responsible_text)
                .bind(&it.provenance)
                .fetch_one(&mut **tx)
                .await?;
                report.add(Change::Inserted);
                id
            }
        };
        item_ids.insert(it.number, id);

        // Lead units: the ordered list, rewritten when it differs.
        let want_leads = it
            .leads
            .iter()
            .map(|u| unit_id(unit_ids, u.as_str()))
            .collect::<Result<Vec<_>, _>>()?;
        let mut stored_leads: Vec<i64> = sqlx::query_scalar(
            "SELECT unit_id FROM work_item_units WHERE work_item_id = $1 AND role = 'lead'",
        )
        .bind(id)
        .fetch_all(&mut **tx)
        .await?;
        stored_leads.sort_unstable();
        let mut sorted_want = want_leads.clone();
        sorted_want.sort_unstable();
        if stored_leads == sorted_want {
            report.add(Change::Unchanged);
        } else {
            sqlx::query("DELETE FROM work_item_units WHERE work_item_id = $1 AND role = 'lead'")
                .bind(id)
                .execute(&mut **tx)
                .await?;
            for u in &want_leads {
                sqlx::query(
                    "INSERT INTO work_item_units (work_item_id, unit_id, role) VALUES ($1, $2, 'lead')",
                )
                .bind(id)
                .bind(u)
                .execute(&mut **tx)
                .await?;
            }
            report.add(change_of(stored_leads.is_empty()));
        }

        // Assignments: matched by unit so their ids survive a reload.
        let stored_assignments: HashMap<i64, String> = sqlx::query_as::<_, (i64, String)>(
            "SELECT unit_id, via FROM assignments WHERE work_item_id = $1",
        )
        .bind(id)
        .fetch_all(&mut **tx)
        .await?
        .into_iter()
        .collect();
        let mut wanted_units = Vec::new();
        for a in &it.assignments {
            let u = unit_id(unit_ids, a.unit.as_str())?;
            wanted_units.push(u);
            match stored_assignments.get(&u) {
                Some(via) if *via == a.via => report.add(Change::Unchanged),
                Some(_) => {
                    sqlx::query(
                        "UPDATE assignments SET via = $1 WHERE work_item_id = $2 AND unit_id = $3",
                    )
                    .bind(&a.via)
                    .bind(id)
                    .bind(u)
                    .execute(&mut **tx)
                    .await?;
                    report.add(Change::Updated);
                }
                None => {
                    sqlx::query(
                        "INSERT INTO assignments (work_item_id, unit_id, via, added_on)
                         VALUES ($1, $2, $3, $4)",
                    )
                    .bind(id)
                    .bind(u)
                    .bind(&a.via)
                    .bind(changed_on)
                    .execute(&mut **tx)
                    .await?;
                    report.add(Change::Inserted);
                }
            }
        }
        for gone in stored_assignments
            .keys()
            .filter(|u| !wanted_units.contains(u))
        {
            match changed_on {
                Some(day) => {
                    let assignment: i64 = sqlx::query_scalar(
                        "SELECT id FROM assignments WHERE work_item_id = $1 AND unit_id = $2",
                    )
                    .bind(id)
                    .bind(gone)
                    .fetch_one(&mut **tx)
                    .await?;
                    remove_assignment(tx, assignment, day).await?;
                }
                None => {
                    sqlx::query("DELETE FROM assignments WHERE work_item_id = $1 AND unit_id = $2")
                        .bind(id)
                        .bind(gone)
                        .execute(&mut **tx)
                        .await?;
                }
            }
            report.add(Change::Updated);
        }

        // Milestones and targets: ordered lists, rewritten when they differ.
        let want_ms: Vec<MilestoneRow> =
            it.milestones.iter().map(MilestoneRow::from_seed).collect();
        let stored_ms: Vec<MilestoneRow> = sqlx::query_as(&format!(
            "SELECT {MILESTONE_COLUMNS} FROM milestones WHERE work_item_id = $1 ORDER BY seq"
        ))
        .bind(id)
        .fetch_all(&mut **tx)
        .await?;
        if stored_ms == want_ms {
            report.add(Change::Unchanged);
        } else {
            if let Some(day) = changed_on.filter(|_| !stored_ms.is_empty()) {
                let old: Vec<Milestone> = stored_ms
                    .iter()
                    .cloned()
                    .map(MilestoneRow::into_milestone)
                    .collect::<Result<_, _>>()?;
                keep_milestone_version(tx, id, day, &old).await?;
            }
            sqlx::query("DELETE FROM milestones WHERE work_item_id = $1")
                .bind(id)
                .execute(&mut **tx)
                .await?;
            for (seq, m) in (1i32..).zip(&want_ms) {
                insert_milestone(tx, id, seq, m).await?;
            }
            report.add(change_of(stored_ms.is_empty()));
        }

        let want_targets: Vec<TargetRow> = it.targets.iter().map(TargetRow::from_seed).collect();
        let stored_targets: Vec<TargetRow> = sqlx::query_as(
            "SELECT metric, value, unit, direction, year, quote, note
             FROM targets WHERE work_item_id = $1 ORDER BY seq",
        )
        .bind(id)
        .fetch_all(&mut **tx)
        .await?;
        if stored_targets == want_targets {
            report.add(Change::Unchanged);
        } else {
            sqlx::query("DELETE FROM targets WHERE work_item_id = $1")
                .bind(id)
                .execute(&mut **tx)
                .await?;
            for (seq, t) in (1i32..).zip(&want_targets) {
                sqlx::query(
                    "INSERT INTO targets (work_item_id, seq, metric, value, unit, direction, year, quote,
                                          note)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(id)
                .bind(seq)
                .bind(&t.metric)
                .bind(t.value)
                .bind(&t.unit)
                .bind(&t.direction)
                .bind(t.year)
                .bind(&t.quote)
                .bind(&t.note)
                .execute(&mut **tx)
                .await?;
            }
            report.add(change_of(stored_targets.is_empty()));
        }
    }

    // Source notes of the whole plan.
    let want_notes: Vec<NoteRow> = body
        .notes
        .iter()
        .map(|n| NoteRow {
            kind: n.kind.as_str().to_owned(),
            work_item_id: n.item.map(|i| item_ids[&i]),
            task_id: n.task.map(|t| task_ids[&t]),
            action_id: n.action.map(|a| action_ids[&a]),
            field: n.field.clone(),
            table_says: n.table_says.clone(),
            other_says: n.other_says.clone(),
            note: n.note.clone(),
        })
        .collect();
    let stored_notes: Vec<NoteRow> = sqlx::query_as(
        "SELECT kind, work_item_id, task_id, action_id, field, table_says, other_says, note
         FROM source_notes WHERE plan_id = $1 ORDER BY seq",
    )
    .bind(plan_id)
    .fetch_all(&mut **tx)
    .await?;
    if stored_notes == want_notes {
        report.add(Change::Unchanged);
    } else {
        sqlx::query("DELETE FROM source_notes WHERE plan_id = $1")
            .bind(plan_id)
            .execute(&mut **tx)
            .await?;
        for (seq, n) in (1i32..).zip(&want_notes) {
            sqlx::query(
                "INSERT INTO source_notes (plan_id, seq, kind, work_item_id, task_id, action_id,
                                           field, table_says, other_says, note)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(plan_id)
            .bind(seq)
            .bind(&n.kind)
            .bind(n.work_item_id)
            .bind(n.task_id)
            .bind(n.action_id)
            .bind(&n.field)
            .bind(&n.table_says)
            .bind(&n.other_says)
            .bind(&n.note)
            .execute(&mut **tx)
            .await?;
        }
        report.add(change_of(stored_notes.is_empty()));
    }
    Ok(())
}

fn change_of(was_empty: bool) -> Change {
    if was_empty {
        Change::Inserted
    } else {
        Change::Updated
    }
}

#[derive(sqlx::FromRow)]
struct TreeItemRow {
    id: i64,
    task_id: i64,
    number: i32,
    body: String,
    responsible_text: String,
    note_count: i64,
}

/// Leads, assignees and milestones of a set of items, keyed by item id.
struct ItemExtras {
    leads: HashMap<i64, Vec<String>>,
    units: HashMap<i64, Vec<String>>,
    milestones: HashMap<i64, Vec<Milestone>>,
}

async fn item_extras(pool: &Pool, where_sql: &str, key: i64) -> Result<ItemExtras, StoreError> {
    let mut leads: HashMap<i64, Vec<String>> = HashMap::new();
    let mut units: HashMap<i64, Vec<String>> = HashMap::new();
    let sql = format!(
        "SELECT w.id, x.role, u.name FROM (
             SELECT work_item_id, unit_id, role, 0 AS ord FROM work_item_units
             UNION ALL
             SELECT work_item_id, unit_id, 'responsible' AS role, id AS ord FROM assignments
         ) x
         JOIN work_items w ON w.id = x.work_item_id
         JOIN units u ON u.id = x.unit_id
         WHERE {where_sql}
         ORDER BY w.id, x.ord, u.id"
    );
    let rows: Vec<(i64, String, String)> = sqlx::query_as(&sql).bind(key).fetch_all(pool).await?;
    for (id, role, name) in rows {
        let map = if role == "lead" {
            &mut leads
        } else {
            &mut units
        };
        map.entry(id).or_default().push(name);
    }
    let sql = format!(
        "SELECT m.work_item_id, {MILESTONE_COLUMNS_M}
         FROM milestones m JOIN work_items w ON w.id = m.work_item_id
         WHERE {where_sql} ORDER BY m.work_item_id, m.seq"
    );
    #[derive(sqlx::FromRow)]
    struct Row {
        work_item_id: i64,
        #[sqlx(flatten)]
        m: MilestoneRow,
    }
    let rows: Vec<Row> = sqlx::query_as(&sql).bind(key).fetch_all(pool).await?;
    let mut milestones: HashMap<i64, Vec<Milestone>> = HashMap::new();
    for r in rows {
        milestones
            .entry(r.work_item_id)
            .or_default()
            .push(r.m.into_milestone()?);
    }
    Ok(ItemExtras {
        leads,
        units,
        milestones,
    })
}

fn summary(row: TreeItemRow, extras: &mut ItemExtras) -> ItemSummary {
    ItemSummary {
        id: WorkItemId(row.id),
        number: row.number,
        text: row.body,
        leads: extras.leads.remove(&row.id).unwrap_or_default(),
        responsible_text: row.responsible_text,
        units: extras.units.remove(&row.id).unwrap_or_default(),
        milestones: extras.milestones.remove(&row.id).unwrap_or_default(),
        note_count: row.note_count,
    }
}

const ITEM_SELECT: &str = "
    SELECT w.id, w.task_id, w.number, w.body, w.responsible_text,
           (SELECT COUNT(*) FROM source_notes n
             WHERE n.work_item_id = w.id OR n.task_id = w.task_id) AS note_count
    FROM work_items w";

pub(crate) async fn plan_tree(
    pool: &Pool,
    code: &PlanCode,
) -> Result<Option<PlanTree>, StoreError> {
    let Some(plan) = plan_detail(pool, code).await? else {
        return Ok(None);
    };
    let plan_id = plan.summary.id.get();
    let actions: Vec<(i64, i32, String)> =
        sqlx::query_as("SELECT id, seq, title FROM actions WHERE plan_id = $1 ORDER BY seq")
            .bind(plan_id)
            .fetch_all(pool)
            .await?;
    let tasks: Vec<(i64, i64, i32, String)> = sqlx::query_as(
        "SELECT id, action_id, number, title FROM tasks WHERE plan_id = $1 ORDER BY number",
    )
    .bind(plan_id)
    .fetch_all(pool)
    .await?;
    let items: Vec<TreeItemRow> = sqlx::query_as(&format!(
        "{ITEM_SELECT} WHERE w.plan_id = $1 ORDER BY w.number"
    ))
    .bind(plan_id)
    .fetch_all(pool)
    .await?;
    let mut extras = item_extras(pool, "w.plan_id = $1", plan_id).await?;

    let mut by_task: HashMap<i64, Vec<ItemSummary>> = HashMap::new();
    for row in items {
        let task_id = row.task_id;
        by_task
            .entry(task_id)
            .or_default()
            .push(summary(row, &mut extras));
    }
    let mut by_action: HashMap<i64, Vec<TaskNode>> = HashMap::new();
    for (id, action_id, number, title) in tasks {
        by_action.entry(action_id).or_default().push(TaskNode {
            id: TaskId(id),
            number,
            title,
            items: by_task.remove(&id).unwrap_or_default(),
        });
    }
    let actions = actions
        .into_iter()
        .map(|(id, seq, title)| ActionNode {
            id: ActionId(id),
            seq,
            title,
            tasks: by_action.remove(&id).unwrap_or_default(),
        })
        .collect();
    Ok(Some(PlanTree { plan, actions }))
}

pub(crate) async fn item_detail(
    pool: &Pool,
    code: &PlanCode,
    number: i32,
) -> Result<Option<ItemDetail>, StoreError> {
    let Some(plan) = plan_detail(pool, code).await? else {
        return Ok(None);
    };
    let plan_id = plan.summary.id.get();
    let sql = format!("{ITEM_SELECT} WHERE w.plan_id = $1 AND w.number = $2");
    let Some(row) = sqlx::query_as::<_, TreeItemRow>(&sql)
        .bind(plan_id)
        .bind(number)
        .fetch_optional(pool)
        .await?
    else {
        return Ok(None);
    };
    let item_id = row.id;
    let task_id = row.task_id;
    let mut extras = item_extras(pool, "w.id = $1", item_id).await?;
    let item = summary(row, &mut extras);

    let (action_id, action_seq, action_title, task_number, task_title, task_paragraph): (
        i64,
        i32,
        String,
        i32,
        String,
        String,
    ) = sqlx::query_as(
        "SELECT a.id, a.seq, a.title, t.number, t.title, t.paragraph
             FROM tasks t JOIN actions a ON a.id = t.action_id WHERE t.id = $1",
    )
    .bind(task_id)
    .fetch_one(pool)
    .await?;
    let (lead_text, provenance): (String, String) =
        sqlx::query_as("SELECT lead_text, provenance FROM work_items WHERE id = $1")
            .bind(item_id)
            .fetch_one(pool)
            .await?;
    let assignments = sqlx::query_as::<_, (String, String, String)>(
        "SELECT u.name, u.kind, a.via FROM assignments a JOIN units u ON u.id = a.unit_id
         WHERE a.work_item_id = $1 ORDER BY a.id",
    )
    .bind(item_id)
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|(unit, kind, via)| {
        let unit_kind = UnitKind::parse(&kind).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(AssignmentView {
            unit,
            unit_kind,
            via,
        })
    })
    .collect::<Result<Vec<_>, StoreError>>()?;
    let targets = sqlx::query_as::<_, TargetRow>(
        "SELECT metric, value, unit, direction, year, quote, note
         FROM targets WHERE work_item_id = $1 ORDER BY seq",
    )
    .bind(item_id)
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|t| {
        let direction =
            Direction::parse(&t.direction).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(Target {
            metric: t.metric,
            value: t.value,
            unit: t.unit,
            direction,
            year: t.year,
            quote: t.quote,
            note: t.note,
        })
    })
    .collect::<Result<Vec<_>, StoreError>>()?;
    let notes = sqlx::query_as::<_, NoteRow>(
        "SELECT kind, work_item_id, task_id, action_id, field, table_says, other_says, note
         FROM source_notes WHERE work_item_id = $1 OR task_id = $2 OR action_id = $3
         ORDER BY seq",
    )
    .bind(item_id)
    .bind(task_id)
    .bind(action_id)
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|n| {
        let kind = NoteKind::parse(&n.kind).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(SourceNote {
            kind,
            field: n.field,
            table_says: n.table_says,
            other_says: n.other_says,
            note: n.note,
        })
    })
    .collect::<Result<Vec<_>, StoreError>>()?;

    Ok(Some(ItemDetail {
        plan: plan.summary,
        action_seq,
        action_title,
        task_number,
        task_title,
        task_paragraph,
        item,
        lead_text,
        assignments,
        targets,
        notes,
        provenance,
        sources: item_sources(pool, plan_id, number, task_number, action_seq).await?,
    }))
}

/// Where the item, its task and its action are in the plan's source document.
async fn item_sources(
    pool: &Pool,
    plan_id: i64,
    item: i32,
    task: i32,
    action: i32,
) -> Result<Vec<sanzhi_domain::SourceRef>, StoreError> {
    let rows: Vec<(String, String, i32, i32)> = sqlx::query_as(
        "SELECT kind, document, from_line, to_line FROM source_refs
         WHERE plan_id = $1 AND ((kind = 'item' AND number = $2) OR (kind = 'task' AND number = $3)
                                  OR (kind = 'action' AND number = $4))
         ORDER BY CASE kind WHEN 'item' THEN 1 WHEN 'task' THEN 2 ELSE 3 END",
    )
    .bind(plan_id)
    .bind(item)
    .bind(task)
    .bind(action)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(kind, document, from_line, to_line)| sanzhi_domain::SourceRef {
                kind,
                document,
                from_line,
                to_line,
            },
        )
        .collect())
}

/// Lines `from..=to` of a source document with `context` lines around them; `None` when there
/// is no such document or line.
pub(crate) async fn source_window(
    pool: &Pool,
    document: &str,
    from: i32,
    to: i32,
    context: i32,
) -> Result<Option<sanzhi_domain::SourceWindow>, StoreError> {
    let body: Option<String> =
        sqlx::query_scalar("SELECT body FROM source_documents WHERE name = $1")
            .bind(document)
            .fetch_optional(pool)
            .await?;
    let Some(body) = body else {
        return Ok(None);
    };
    let lines: Vec<&str> = body.lines().collect();
    let total = i32::try_from(lines.len()).unwrap_or(i32::MAX);
    if from < 1 || to < from || to > total {
        return Ok(None);
    }
    let first = (from - context).max(1);
    let last = (to + context).min(total);
    let slice = |a: i32, b: i32| -> &[&str] {
        let a = usize::try_from(a - 1).unwrap_or(0);
        let b = usize::try_from(b).unwrap_or(0);
        &lines[a..b]
    };
    Ok(Some(sanzhi_domain::SourceWindow {
        document: document.to_owned(),
        first_line: first,
        lines: slice(first, last).iter().map(|l| (*l).to_owned()).collect(),
        from_line: from,
        to_line: to,
        total_lines: total,
    }))
}

/// The plan's source document and the lines of its actions, tasks and items (seed only: an
/// imported plan has none). Rewritten when they differ.
async fn load_sources(
    tx: &mut Tx<'_>,
    plan_id: i64,
    plan: &sanzhi_seed::SeedPlan,
    report: &mut SeedReport,
) -> Result<(), StoreError> {
    let Some(doc) = &plan.source else {
        return Ok(());
    };
    let stored: Option<String> =
        sqlx::query_scalar("SELECT body FROM source_documents WHERE name = $1")
            .bind(&doc.name)
            .fetch_optional(&mut **tx)
            .await?;
    match stored {
        Some(body) if body == doc.text => report.add(Change::Unchanged),
        Some(_) => {
            sqlx::query("UPDATE source_documents SET body = $1 WHERE name = $2")
                .bind(&doc.text)
                .bind(&doc.name)
                .execute(&mut **tx)
                .await?;
            report.add(Change::Updated);
        }
        None => {
            sqlx::query("INSERT INTO source_documents (name, body) VALUES ($1, $2)")
                .bind(&doc.name)
                .bind(&doc.text)
                .execute(&mut **tx)
                .await?;
            report.add(Change::Inserted);
        }
    }
    let b = &plan.body;
    let mut want: Vec<(String, i32, String, i32, i32)> = Vec::new();
    let mut push = |kind: &str, number: i32, lines: Option<sanzhi_seed::SourceLines>| {
        if let Some(l) = lines {
            want.push((kind.to_owned(), number, doc.name.clone(), l.from, l.to));
        }
    };
    for a in &b.actions {
        push("action", a.seq, a.source_lines);
    }
    for t in &b.tasks {
        push("task", t.number, t.source_lines);
    }
    for it in &b.items {
        push("item", it.number, it.source_lines);
    }
    let stored: Vec<(String, i32, String, i32, i32)> = sqlx::query_as(
        "SELECT kind, number, document, from_line, to_line FROM source_refs WHERE plan_id = $1
         ORDER BY CASE kind WHEN 'action' THEN 1 WHEN 'task' THEN 2 ELSE 3 END, number",
    )
    .bind(plan_id)
    .fetch_all(&mut **tx)
    .await?;
    if stored == want {
        report.add(Change::Unchanged);
        return Ok(());
    }
    sqlx::query("DELETE FROM source_refs WHERE plan_id = $1")
        .bind(plan_id)
        .execute(&mut **tx)
        .await?;
    for (kind, number, document, from_line, to_line) in &want {
        sqlx::query(
            "INSERT INTO source_refs (plan_id, kind, number, document, from_line, to_line)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(plan_id)
        .bind(kind)
        .bind(number)
        .bind(document)
        .bind(from_line)
        .bind(to_line)
        .execute(&mut **tx)
        .await?;
    }
    report.add(change_of(stored.is_empty()));
    Ok(())
}

/// Rewrites a reference table when its rows differ from `$want` (compared in `seq` order).
macro_rules! sync_table {
    ($tx:expr, $report:expr, $table:literal, $want:expr, $Row:ty, [$($col:ident),+ $(,)?]) => {{
        let want: Vec<$Row> = $want;
        let cols = [$(stringify!($col)),+];
        let stored: Vec<$Row> = sqlx::query_as(&format!(
            "SELECT {} FROM {} ORDER BY seq",
            cols.join(", "),
            $table
        ))
        .fetch_all(&mut **$tx)
        .await?;
        if stored == want {
            $report.add(Change::Unchanged);
        } else {
            sqlx::query(concat!("DELETE FROM ", $table))
                .execute(&mut **$tx)
                .await?;
            let placeholders: Vec<String> = (2..cols.len() + 2).map(|i| format!("${i}")).collect();
            let sql = format!(
                "INSERT INTO {} (seq, {}) VALUES ($1, {})",
                $table,
                cols.join(", "),
                placeholders.join(", ")
            );
            for (seq, row) in (1i32..).zip(&want) {
                let q = sqlx::query(&sql).bind(seq);
                $(let q = q.bind(&row.$col);)+
                q.execute(&mut **$tx).await?;
            }
            $report.add(change_of(stored.is_empty()));
        }
    }};
}

fn opt_unit(
    ids: &HashMap<String, i64>,
    unit: Option<&sanzhi_domain::UnitName>,
) -> Result<Option<i64>, StoreError> {
    unit.map(|u| unit_id(ids, u.as_str())).transpose()
}

async fn load_reference(
    tx: &mut Tx<'_>,
    r: &sanzhi_seed::reference::Reference,
    unit_ids: &HashMap<String, i64>,
    plan_ids: &HashMap<String, i64>,
    report: &mut SeedReport,
) -> Result<(), StoreError> {
    use crate::rows::reference::*;

    let pm25 = r
        .pm25_targets
        .iter()
        .map(|t| {
            Ok(Pm25Row {
                area: t.area.clone(),
                unit_id: opt_unit(unit_ids, t.unit.as_ref())?,
                year: t.year,
                value: t.value,
                qualifier: t.qualifier.clone(),
                raw: t.raw.clone(),
                provenance: t.provenance.clone(),
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    sync_table!(
        tx,
        report,
        "pm25_targets",
        pm25,
        Pm25Row,
        [area, unit_id, year, value, qualifier, raw, provenance]
    );

    let cuts = r
        .emission_cuts
        .iter()
        .map(|c| {
            Ok(CutRow {
                area: c.area.clone(),
                unit_id: opt_unit(unit_ids, c.unit.as_ref())?,
                pollutant: c.pollutant.as_str().to_owned(),
                percent: c.percent,
                raw: c.raw.clone(),
                note: c.note.clone(),
                provenance: c.provenance.clone(),
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    sync_table!(
        tx,
        report,
        "emission_cuts",
        cuts,
        CutRow,
        [area, unit_id, pollutant, percent, raw, note, provenance]
    );

    let sections = r
        .water_sections
        .iter()
        .map(|s| SectionRow {
            name: s.name.clone(),
            target_class: s.target_class.as_str().to_owned(),
            reservoir: s.reservoir,
            table_name: s.table_name.clone(),
            note: s.note.clone(),
            provenance: s.provenance.clone(),
        })
        .collect();
    sync_table!(
        tx,
        report,
        "water_sections",
        sections,
        SectionRow,
        [name, target_class, reservoir, table_name, note, provenance]
    );

    let drains = r
        .drain_limits
        .iter()
        .map(|d| DrainRow {
            drain: d.drain.clone(),
            parameter: d.parameter.as_str().to_owned(),
            limit_mg_l: d.limit_mg_l,
            effective_from: d.effective_from,
            raw: d.raw.clone(),
            note: d.note.clone(),
            provenance: d.provenance.clone(),
        })
        .collect();
    sync_table!(
        tx,
        report,
        "drain_limits",
        drains,
        DrainRow,
        [
            drain,
            parameter,
            limit_mg_l,
            effective_from,
            raw,
            note,
            provenance
        ]
    );

    let relative = r
        .drain_relative_limits
        .iter()
        .map(|d| DrainRelativeRow {
            drain: d.drain.clone(),
            area: d.area.clone(),
            parameters: d
                .parameters
                .iter()
                .map(|p| p.as_str())
                .collect::<Vec<_>>()
                .join(","),
            effective_from: d.effective_from,
            raw: d.raw.clone(),
            provenance: d.provenance.clone(),
        })
        .collect();
    sync_table!(
        tx,
        report,
        "drain_relative_limits",
        relative,
        DrainRelativeRow,
        [drain, area, parameters, effective_from, raw, provenance]
    );

    let rates = r
        .rate_goals
        .iter()
        .map(|g| RateRow {
            metric: g.metric.clone(),
            year: g.year,
            percent: g.percent,
            comparator: g.comparator.as_str().to_owned(),
            raw: g.raw.clone(),
            provenance: g.provenance.clone(),
        })
        .collect();
    sync_table!(
        tx,
        report,
        "rate_goals",
        rates,
        RateRow,
        [metric, year, percent, comparator, raw, provenance]
    );

    let yearly = r
        .yearly_goals
        .iter()
        .map(|g| {
            let plan_id = plan_ids
                .get(&g.plan)
                .copied()
                .ok_or_else(|| StoreError::Corrupt(format!("plan {}", g.plan)))?;
            Ok(YearlyRow {
                plan_id,
                task_number: g.task,
                year: g.year,
                body: g.text.clone(),
                span: g.span.clone(),
                note: g.note.clone(),
                provenance: g.provenance.clone(),
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    sync_table!(
        tx,
        report,
        "yearly_goals",
        yearly,
        YearlyRow,
        [plan_id, task_number, year, body, span, note, provenance]
    );

    let enterprises = r
        .enterprises
        .iter()
        .map(|e| {
            Ok(EnterpriseRow {
                town: e.town.clone(),
                name: e.name.clone(),
                unit_id: unit_id(unit_ids, e.responsible.as_str())?,
                responsible_text: e.responsible_text.clone(),
                provenance: e.provenance.clone(),
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    sync_table!(
        tx,
        report,
        "enterprises",
        enterprises,
        EnterpriseRow,
        [town, name, unit_id, responsible_text, provenance]
    );

    let stations = r
        .stations
        .iter()
        .map(|s| {
            Ok(StationRow {
                area: s.area.clone(),
                unit_id: opt_unit(unit_ids, s.unit.as_ref())?,
                name: s.name.clone(),
                provenance: s.provenance.clone(),
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    sync_table!(
        tx,
        report,
        "stations",
        stations,
        StationRow,
        [area, unit_id, name, provenance]
    );
    Ok(())
}

const REPORT_COLUMNS: &str = "id, assignment_id, version, state, milestone_seq, reported_on,
    achieved, narrative, evidence, reporter, corrects_id, is_demo, created_at, late_filed";

/// The day (claimed, recorded) of the newest report on an assignment among the real ones, or
/// among the demo ones for a demo report (generated data does not bound the city's reports).
async fn previous_report_days(
    tx: &mut Tx<'_>,
    assignment_id: i64,
    is_demo: bool,
) -> Result<Option<(chrono::NaiveDate, chrono::NaiveDate)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT reported_on, recorded_on FROM progress_reports
         WHERE assignment_id = $1 AND is_demo = $2
         ORDER BY version DESC LIMIT 1",
    )
    .bind(assignment_id)
    .bind(is_demo)
    .fetch_optional(&mut **tx)
    .await?)
}

/// Appends a report if `expected_version` is still the newest; otherwise returns the newest
/// report as the conflict. The UNIQUE (assignment_id, version) constraint settles a race.
/// In the same transaction, the day it claims is checked against the day it is made (China
/// time of `now`) and the previous report's ([`sanzhi_domain::report::check_report_day`]):
/// refused as `StoreError::Invalid` naming `reported_on`, or stored with the day it was
/// recorded and, when dated more than `backdate_days` earlier, marked 补报 (`late_filed`).
pub(crate) async fn add_report(
    pool: &Pool,
    r: &sanzhi_domain::NewReport,
    now: chrono::DateTime<chrono::Utc>,
    backdate_days: i64,
) -> Result<Result<sanzhi_domain::Report, Option<sanzhi_domain::Report>>, StoreError> {
    let mut tx = begin_write(pool).await?;
    // The assignment exists and its plan takes reports: one read, in the write's transaction.
    match writable_assignment(&mut tx, r.assignment_id).await? {
        Some(()) => {}
        None => {
            return Err(StoreError::NotFound(format!(
                "assignment {}",
                r.assignment_id
            )))
        }
    }
    // The same form sent again (a double click, a retry after a lost answer): the report
    // it made the first time, not a second one.
    if let Some(first) = submitted_before(&mut tx, r).await? {
        return Ok(Ok(first));
    }
    let newest: Option<ReportRow> = sqlx::query_as(&format!(
        "SELECT {REPORT_COLUMNS} FROM progress_reports WHERE assignment_id = $1
         ORDER BY version DESC LIMIT 1"
    ))
    .bind(r.assignment_id)
    .fetch_optional(&mut *tx)
    .await?;
    let current = newest.as_ref().map_or(0, |n| n.version);
    if current != r.expected_version {
        return Ok(Err(newest.map(ReportRow::into_report).transpose()?));
    }
    if let Some(c) = r.corrects_id {
        let same: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM progress_reports WHERE id = $1 AND assignment_id = $2",
        )
        .bind(c)
        .bind(r.assignment_id)
        .fetch_optional(&mut *tx)
        .await?;
        if same.is_none() {
            return Err(StoreError::Invalid(format!(
                "corrects_id：报告 {c} 不属于该分工"
            )));
        }
    }
    let recorded_on = sanzhi_domain::report::china_day(now);
    let previous = previous_report_days(&mut tx, r.assignment_id, r.is_demo).await?;
    let late_filed = sanzhi_domain::report::check_report_day(
        r.reported_on,
        recorded_on,
        previous,
        backdate_days,
    )
    .map_err(|e| StoreError::Invalid(e.to_string()))?;
    let inserted: Result<ReportRow, sqlx::Error> = sqlx::query_as(&format!(
        "INSERT INTO progress_reports (assignment_id, version, state, milestone_seq, reported_on,
             achieved, narrative, evidence, reporter, corrects_id, is_demo, created_at,
             recorded_on, late_filed, submission_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
         RETURNING {REPORT_COLUMNS}"
    ))
    .bind(r.assignment_id)
    .bind(current + 1)
    .bind(r.state.as_str())
    .bind(r.milestone_seq)
    .bind(r.reported_on)
    .bind(r.achieved)
    .bind(&r.narrative)
    .bind(r.evidence.join("\n"))
    .bind(&r.reporter)
    .bind(r.corrects_id)
    .bind(r.is_demo)
    .bind(now)
    .bind(recorded_on)
    .bind(late_filed)
    .bind(&r.submission_key)
    .fetch_one(&mut *tx)
    .await;
    match inserted {
        Ok(row) => {
            let report = row.clone().into_report()?;
            audit(
                &mut tx,
                &r.reporter,
                "report.add",
                "assignment",
                &r.assignment_id.to_string(),
                None,
                Some(&to_json(&report)),
                now,
            )
            .await?;
            // The evidence uploaded with the form belongs to this report from now on: a file
            // that is not this assignment's, or is already another report's, refuses the
            // whole report.
            for file in &r.files {
                let bound = sqlx::query(
                    "UPDATE report_files SET report_id = $1
                     WHERE id = $2 AND assignment_id = $3 AND report_id IS NULL",
                )
                .bind(report.id)
                .bind(file)
                .bind(r.assignment_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if bound != 1 {
                    return Err(StoreError::Invalid(format!(
                        "files：文件 #{file} 不是为该分工上传的，或已附在其他报告上"
                    )));
                }
            }
            tx.commit().await?;
            Ok(Ok(row.into_report()?))
        }
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            drop(tx);
            // Two sends of one form at once: the one that lost the race answers with the
            // winner's report.
            if r.submission_key.is_some() {
                let mut tx = begin_write(pool).await?;
                if let Some(first) = submitted_before(&mut tx, r).await? {
                    return Ok(Ok(first));
                }
            }
            let newest: Option<ReportRow> = sqlx::query_as(&format!(
                "SELECT {REPORT_COLUMNS} FROM progress_reports WHERE assignment_id = $1
                 ORDER BY version DESC LIMIT 1"
            ))
            .bind(r.assignment_id)
            .fetch_optional(pool)
            .await?;
            Ok(Err(newest.map(ReportRow::into_report).transpose()?))
        }
        Err(e) => Err(e.into()),
    }
}

const FILE_COLUMNS: &str = "id, assignment_id, report_id, name, content_type, size, uploaded_by";

type FileRow = (i64, i64, Option<i64>, String, String, i64, String);

fn evidence_of(r: FileRow) -> sanzhi_domain::EvidenceFile {
    let (id, assignment_id, report_id, name, content_type, size, uploaded_by) = r;
    sanzhi_domain::EvidenceFile {
        id,
        assignment_id,
        report_id,
        name,
        content_type,
        size,
        uploaded_by,
    }
}

/// Keeps an evidence file uploaded for `assignment_id` (not yet bound to a report), with its
/// audit entry (name, type, size and SHA-256, not the bytes).
pub(crate) async fn add_evidence(
    pool: &Pool,
    assignment_id: i64,
    name: &str,
    content_type: &str,
    data: &[u8],
    by: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<sanzhi_domain::EvidenceFile, StoreError> {
    use sha2::Digest;
    let sha = sha2::Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>();
    let size = i64::try_from(data.len()).map_err(|e| StoreError::Invalid(e.to_string()))?;
    let mut tx = begin_write(pool).await?;
    ensure_writable(&mut tx, assignment_id).await?;
    let row: FileRow = sqlx::query_as(&format!(
        "INSERT INTO report_files (assignment_id, name, content_type, size, sha256, data,
             uploaded_by, uploaded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         RETURNING {FILE_COLUMNS}"
    ))
    .bind(assignment_id)
    .bind(name)
    .bind(content_type)
    .bind(size)
    .bind(&sha)
    .bind(data)
    .bind(by)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let file = evidence_of(row);
    let after = serde_json::json!({
        "file": file.id,
        "name": file.name,
        "content_type": file.content_type,
        "size": file.size,
        "sha256": sha,
    });
    audit(
        &mut tx,
        by,
        "report.file",
        "assignment",
        &assignment_id.to_string(),
        None,
        Some(&after.to_string()),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(file)
}

/// The evidence files bound to reports of `assignment_ids` (without their bytes), by id.
pub(crate) async fn evidence_of_assignments(
    pool: &Pool,
    assignment_ids: &[i64],
) -> Result<Vec<sanzhi_domain::EvidenceFile>, StoreError> {
    if assignment_ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = assignment_ids
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let rows: Vec<FileRow> = sqlx::query_as(&format!(
        "SELECT {FILE_COLUMNS} FROM report_files
         WHERE report_id IS NOT NULL AND assignment_id IN ({list}) ORDER BY id"
    ))
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(evidence_of).collect())
}

/// One evidence file with its bytes.
pub(crate) async fn evidence_file(
    pool: &Pool,
    id: i64,
) -> Result<Option<(sanzhi_domain::EvidenceFile, Vec<u8>)>, StoreError> {
    type WithData = (i64, i64, Option<i64>, String, String, i64, String, Vec<u8>);
    let row: Option<WithData> = sqlx::query_as(&format!(
        "SELECT {FILE_COLUMNS}, data FROM report_files WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(id, a, r, name, ty, size, by, data)| {
        (evidence_of((id, a, r, name, ty, size, by)), data)
    }))
}

/// The report an earlier send of the same form (its `submission_key`) made, if any; a key
/// already used on another assignment is refused.
async fn submitted_before(
    tx: &mut Tx<'_>,
    r: &sanzhi_domain::NewReport,
) -> Result<Option<sanzhi_domain::Report>, StoreError> {
    let Some(key) = &r.submission_key else {
        return Ok(None);
    };
    let first: Option<ReportRow> = sqlx::query_as(&format!(
        "SELECT {REPORT_COLUMNS} FROM progress_reports WHERE submission_key = $1"
    ))
    .bind(key)
    .fetch_optional(&mut **tx)
    .await?;
    match first {
        None => Ok(None),
        Some(row) if row.assignment_id == r.assignment_id => Ok(Some(row.into_report()?)),
        Some(_) => Err(StoreError::Invalid(
            "submission_key：该提交编号已用于另一项分工的报告".to_owned(),
        )),
    }
}

/// Every report of an assignment, oldest first.
pub(crate) async fn reports(
    pool: &Pool,
    assignment_id: i64,
) -> Result<Vec<sanzhi_domain::Report>, StoreError> {
    let rows: Vec<ReportRow> = sqlx::query_as(&format!(
        "SELECT {REPORT_COLUMNS} FROM progress_reports WHERE assignment_id = $1 ORDER BY version"
    ))
    .bind(assignment_id)
    .fetch_all(pool)
    .await?;
    let reviews: Vec<ReviewRow> = sqlx::query_as(&format!(
        "SELECT {REVIEW_COLUMNS} FROM report_reviews
         WHERE report_id IN (SELECT id FROM progress_reports WHERE assignment_id = $1)"
    ))
    .bind(assignment_id)
    .fetch_all(pool)
    .await?;
    let mut reviews = reviews_by_report(reviews)?;
    rows.into_iter()
        .map(|r| {
            let mut report = r.into_report()?;
            report.review = reviews.remove(&report.id);
            Ok(report)
        })
        .collect()
}

/// Every report on each of `assignment_ids`, oldest first, with its review: two queries for
/// the lot (an item page reads all its assignments' reports at once).
pub(crate) async fn reports_of_assignments(
    pool: &Pool,
    assignment_ids: &[i64],
) -> Result<HashMap<i64, Vec<sanzhi_domain::Report>>, StoreError> {
    let mut out: HashMap<i64, Vec<sanzhi_domain::Report>> =
        assignment_ids.iter().map(|id| (*id, Vec::new())).collect();
    if assignment_ids.is_empty() {
        return Ok(out);
    }
    // Integers only: the list is written into the statement.
    let list = assignment_ids
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let rows: Vec<ReportRow> = sqlx::query_as(&format!(
        "SELECT {REPORT_COLUMNS} FROM progress_reports WHERE assignment_id IN ({list})
         ORDER BY assignment_id, version"
    ))
    .fetch_all(pool)
    .await?;
    let reviews: Vec<ReviewRow> = sqlx::query_as(&format!(
        "SELECT {REVIEW_COLUMNS} FROM report_reviews
         WHERE report_id IN (SELECT id FROM progress_reports WHERE assignment_id IN ({list}))"
    ))
    .fetch_all(pool)
    .await?;
    let mut reviews = reviews_by_report(reviews)?;
    for r in rows {
        let mut report = r.into_report()?;
        report.review = reviews.remove(&report.id);
        out.entry(report.assignment_id).or_default().push(report);
    }
    Ok(out)
}

const REVIEW_COLUMNS: &str = "id, report_id, decision, reason, reviewer, reviewed_on, is_demo,
    created_at, accepts_claimed_day";

fn reviews_by_report(
    rows: Vec<ReviewRow>,
) -> Result<HashMap<i64, sanzhi_domain::Review>, StoreError> {
    rows.into_iter()
        .map(|r| r.into_review().map(|v| (v.report_id, v)))
        .collect()
}

/// Records a coordinator's decision on a done report, with its audit entry, in one
/// transaction. `Ok(Err(existing))` when the report was already reviewed: nothing is written.
/// The choice to count a 补报 on the day it claims is kept only on the acceptance of a 补报
/// (it means nothing elsewhere); the audit entry's `after` always states it.
pub(crate) async fn add_review(
    pool: &Pool,
    r: &sanzhi_domain::NewReview,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Result<sanzhi_domain::Review, sanzhi_domain::Review>, StoreError> {
    let mut tx = begin_write(pool).await?;
    match review_in(&mut tx, r, now).await? {
        Reviewed::Made(review) => {
            tx.commit().await?;
            Ok(Ok(review))
        }
        Reviewed::Before(first) => Ok(Err(first)),
        Reviewed::Raced => {
            drop(tx);
            // Another reviewer decided meanwhile.
            let row: ReviewRow = sqlx::query_as(&format!(
                "SELECT {REVIEW_COLUMNS} FROM report_reviews WHERE report_id = $1"
            ))
            .bind(r.report_id)
            .fetch_one(pool)
            .await?;
            Ok(Err(row.into_review()?))
        }
    }
}

/// What [`review_in`] did.
enum Reviewed {
    Made(sanzhi_domain::Review),
    /// Someone had already decided: that decision.
    Before(sanzhi_domain::Review),
    /// Someone decided between the check and the insert (PostgreSQL): the transaction is
    /// spoilt and must be dropped.
    Raced,
}

/// Records one decision with its audit entry inside the caller's write transaction.
async fn review_in(
    tx: &mut Tx<'_>,
    r: &sanzhi_domain::NewReview,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Reviewed, StoreError> {
    let report: Option<ReportRow> = sqlx::query_as(&format!(
        "SELECT {REPORT_COLUMNS} FROM progress_reports WHERE id = $1"
    ))
    .bind(r.report_id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(report) = report else {
        return Err(StoreError::NotFound(format!("报告 {}", r.report_id)));
    };
    ensure_writable(tx, report.assignment_id).await?;
    if report.state != "done" {
        return Err(StoreError::Invalid(
            "report_id：只有“已完成”的报告需要签收或退回".to_owned(),
        ));
    }
    let existing: Option<ReviewRow> = sqlx::query_as(&format!(
        "SELECT {REVIEW_COLUMNS} FROM report_reviews WHERE report_id = $1"
    ))
    .bind(r.report_id)
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(e) = existing {
        return Ok(Reviewed::Before(e.into_review()?));
    }
    let accepts_claimed_day = r.accepts_claimed_day
        && r.decision == sanzhi_domain::ReviewDecision::Accepted
        && report.late_filed;
    let inserted: Result<ReviewRow, sqlx::Error> = sqlx::query_as(&format!(
        "INSERT INTO report_reviews (report_id, decision, reason, reviewer, reviewed_on, is_demo,
             created_at, recorded_on, accepts_claimed_day)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         RETURNING {REVIEW_COLUMNS}"
    ))
    .bind(r.report_id)
    .bind(r.decision.as_str())
    .bind(&r.reason)
    .bind(&r.reviewer)
    .bind(r.reviewed_on)
    .bind(r.is_demo)
    .bind(now)
    .bind(sanzhi_domain::report::china_day(now))
    .bind(accepts_claimed_day)
    .fetch_one(&mut **tx)
    .await;
    match inserted {
        Ok(row) => {
            let review = row.into_review()?;
            let before = report.clone().into_report()?;
            // The decision, and for a done report the day it now counts as done from (and,
            // for a 补报, whether the claimed day was chosen).
            let mut after = serde_json::to_value(&review).unwrap_or_default();
            if let Some(o) = after.as_object_mut() {
                o.insert(
                    "accepts_claimed_day".into(),
                    serde_json::Value::Bool(review.accepts_claimed_day),
                );
                o.insert(
                    "late_filed".into(),
                    serde_json::Value::Bool(before.late_filed),
                );
                if review.decision == sanzhi_domain::ReviewDecision::Accepted {
                    let mut counted = before.clone();
                    counted.review = Some(review.clone());
                    o.insert(
                        "counts_as_done_on".into(),
                        serde_json::Value::String(counted.done_on().to_string()),
                    );
                }
            }
            audit(
                tx,
                &r.reviewer,
                match r.decision {
                    sanzhi_domain::ReviewDecision::Accepted => "report.accept",
                    sanzhi_domain::ReviewDecision::Returned => "report.return",
                },
                "assignment",
                &report.assignment_id.to_string(),
                Some(&to_json(&before)),
                Some(&to_json(&after)),
                now,
            )
            .await?;
            Ok(Reviewed::Made(review))
        }
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(Reviewed::Raced),
        Err(e) => Err(e.into()),
    }
}

/// Accepts several done reports at once, all or none: a report already decided, or not a
/// done report, refuses the whole batch naming it. Returns the decisions made.
pub(crate) async fn add_reviews(
    pool: &Pool,
    reviews: &[sanzhi_domain::NewReview],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<sanzhi_domain::Review>, StoreError> {
    let mut tx = begin_write(pool).await?;
    let mut made = Vec::with_capacity(reviews.len());
    for r in reviews {
        match review_in(&mut tx, r, now).await? {
            Reviewed::Made(review) => made.push(review),
            Reviewed::Before(first) => {
                return Err(StoreError::Invalid(format!(
                    "report_ids：报告 #{} 已由{}于 {} {}，本次全部未作更改",
                    r.report_id,
                    first.reviewer,
                    first.reviewed_on,
                    first.decision.label_zh().trim_start_matches('已')
                )))
            }
            Reviewed::Raced => {
                return Err(StoreError::Invalid(format!(
                    "report_ids：报告 #{} 刚由他人处理，本次全部未作更改",
                    r.report_id
                )))
            }
        }
    }
    tx.commit().await?;
    Ok(made)
}

/// Done reports no one has reviewed, of one plan or all, oldest first.
pub(crate) async fn pending_reviews(
    pool: &Pool,
    plan: Option<&str>,
) -> Result<Vec<sanzhi_domain::PendingReview>, StoreError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        report: ReportRow,
        plan_code: String,
        plan_short_name: String,
        item_number: i32,
        item_text: String,
        unit: String,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT r.id, r.assignment_id, r.version, r.state, r.milestone_seq, r.reported_on,
                r.achieved, r.narrative, r.evidence, r.reporter, r.corrects_id, r.is_demo,
                r.created_at, r.late_filed,
                p.code AS plan_code, p.short_name AS plan_short_name, w.number AS item_number,
                w.body AS item_text, u.name AS unit
         FROM progress_reports r
         JOIN assignments a ON a.id = r.assignment_id
         JOIN units u ON u.id = a.unit_id
         JOIN work_items w ON w.id = a.work_item_id
         JOIN plans p ON p.id = w.plan_id
         WHERE r.state = 'done'
           AND NOT EXISTS (SELECT 1 FROM report_reviews v WHERE v.report_id = r.id)
           AND ($1 IS NULL OR p.code = $1)
         ORDER BY r.created_at, r.id",
    )
    .bind(plan)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(sanzhi_domain::PendingReview {
                report: r.report.into_report()?,
                plan_code: r.plan_code,
                plan_short_name: r.plan_short_name,
                item_number: r.item_number,
                item_text: r.item_text,
                unit: r.unit,
            })
        })
        .collect()
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

    // The deadlines as they were, kept for replays of the days before this edit.
    let old: Vec<MilestoneRow> = sqlx::query_as(&format!(
        "SELECT {MILESTONE_COLUMNS} FROM milestones WHERE work_item_id = $1 ORDER BY seq"
    ))
    .bind(item)
    .fetch_all(&mut *tx)
    .await?;
    let old: Vec<Milestone> = old
        .into_iter()
        .map(MilestoneRow::into_milestone)
        .collect::<Result<_, _>>()?;
    if old != edit.milestones {
        keep_milestone_version(&mut tx, item, sanzhi_domain::report::china_day(now), &old).await?;
    }
    sqlx::query("DELETE FROM milestones WHERE work_item_id = $1")
        .bind(item)
        .execute(&mut *tx)
        .await?;
    for (seq, m) in (1i32..).zip(&edit.milestones) {
        insert_milestone(
            &mut tx,
            item,
            seq,
            &MilestoneRow::of(&m.phrase, &m.deadline),
        )
        .await?;
    }
    // A target's note (how table and main text differ on its figure) stays with the same
    // figure: kept when metric, value and year are unchanged, dropped with a changed figure.
    let kept_notes: Vec<(String, f64, i32, String)> = sqlx::query_as(
        "SELECT metric, value, year, note FROM targets WHERE work_item_id = $1 AND note IS NOT NULL",
    )
    .bind(item)
    .fetch_all(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM targets WHERE work_item_id = $1")
        .bind(item)
        .execute(&mut *tx)
        .await?;
    for (seq, t) in (1i32..).zip(&edit.targets) {
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
        .execute(&mut *tx)
        .await?;
    }
    // Units: remove those left out (only without reports), add the new ones.
    for (assignment, unit) in &assigned {
        if edit.units.contains(unit) {
            continue;
        }
        let reports: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM progress_reports WHERE assignment_id = $1")
                .bind(assignment)
                .fetch_one(&mut *tx)
                .await?;
        if reports > 0 {
            return Err(StoreError::Invalid(format!(
                "units：{unit}已有 {reports} 份进展报告，不能移出责任单位"
            )));
        }
        remove_assignment(&mut tx, *assignment, sanzhi_domain::report::china_day(now)).await?;
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
        .fetch_optional(&mut *tx)
        .await?;
        let Some(unit_id) = unit_id else {
            return Err(StoreError::Invalid(format!("units：没有单位“{unit}”")));
        };
        let taken: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM assignments WHERE work_item_id = $1 AND unit_id = $2",
        )
        .bind(item)
        .bind(unit_id)
        .fetch_optional(&mut *tx)
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
        .bind(sanzhi_domain::report::china_day(now))
        .execute(&mut *tx)
        .await?;
    }
    let after = serde_json::json!({
        "deadlines": edit.milestones.iter().map(|m| &m.phrase).collect::<Vec<_>>(),
        "units": edit.units,
        "targets": edit.targets.iter().map(sanzhi_domain::target_line).collect::<Vec<_>>(),
        "reason": edit.reason,
    });
    audit(
        &mut tx,
        actor,
        "item.edit",
        "work_item",
        &format!("{plan}/{number}"),
        Some(&before.to_string()),
        Some(&after.to_string()),
        now,
    )
    .await?;
    tx.commit().await?;
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
        "unit.add",
        "unit",
        &u.name,
        None,
        Some(&to_json(u)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The plan, unit and assignment of a report.
pub(crate) async fn report_owner(
    pool: &Pool,
    report_id: i64,
) -> Result<Option<(String, String, i64)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT p.code, u.name, a.id FROM progress_reports r
         JOIN assignments a ON a.id = r.assignment_id
         JOIN units u ON u.id = a.unit_id
         JOIN work_items w ON w.id = a.work_item_id
         JOIN plans p ON p.id = w.plan_id
         WHERE r.id = $1",
    )
    .bind(report_id)
    .fetch_optional(pool)
    .await?)
}

/// `col IN (?, ?, …)` over `ids`, numbering parameters from `first`.
fn in_list(col: &str, ids: &[i64], first: usize) -> String {
    let ps: Vec<String> = (0..ids.len()).map(|i| param(first + i)).collect();
    format!("{col} IN ({})", ps.join(", "))
}

/// Ids per statement when a query names its rows by id.
const ID_CHUNK: usize = 500;

/// Assignments in scope with their milestones and the reports a replay of `as_of` sees: those
/// recorded by that day (and speaking for a day up to it), with the reviews recorded and
/// decided by then (see [`sanzhi_domain::Report::as_of`]).
pub(crate) async fn tracked(
    pool: &Pool,
    scope: &TrackScope,
    as_of: chrono::NaiveDate,
    earliest: chrono::NaiveDate,
) -> Result<Vec<crate::TrackedItem>, StoreError> {
    // Only the conditions the scope has, so that each can use its index (a plan by code, a
    // unit by name, an item by number) instead of `($1 IS NULL OR …)` scanning everything.
    let mut conds: Vec<String> = Vec::new();
    if scope.plan.is_some() {
        conds.push(format!("p.code = {}", param(conds.len() + 1)));
    }
    if scope.unit.is_some() {
        conds.push(format!("u.name = {}", param(conds.len() + 1)));
    }
    if scope.item.is_some() {
        conds.push(format!("w.number = {}", param(conds.len() + 1)));
    }
    let everything = conds.is_empty();
    let sql = format!(
        "SELECT a.id AS assignment_id, w.id AS work_item_id, p.code AS plan_code,
                p.short_name AS plan_short_name, p.status AS plan_status, p.closed_on AS plan_closed_on, p.issued_on,
                p.start_year, p.end_year,
                t.number AS task_number, w.number AS item_number, w.body AS item_text,
                u.name AS unit, a.via, a.added_on
         FROM assignments a
         JOIN units u ON u.id = a.unit_id
         JOIN work_items w ON w.id = a.work_item_id
         JOIN tasks t ON t.id = w.task_id
         JOIN plans p ON p.id = w.plan_id
         {} {}
         ORDER BY p.sort_order, w.number, a.id",
        if everything { "" } else { "WHERE" },
        conds.join(" AND ")
    );
    let mut q = sqlx::query_as::<_, TrackedRow>(&sql);
    if let Some(plan) = &scope.plan {
        q = q.bind(plan);
    }
    if let Some(unit) = &scope.unit {
        q = q.bind(unit);
    }
    if let Some(item) = scope.item {
        q = q.bind(item);
    }
    let mut rows: Vec<TrackedRow> = q.fetch_all(pool).await?;
    // Assignments removed after the earliest day asked for: the replays of the days before
    // their removal still see them (see `crate::TrackedItem`).
    {
        let removed_sql = format!(
            "SELECT a.assignment_id, w.id AS work_item_id, p.code AS plan_code,
                    p.short_name AS plan_short_name, p.status AS plan_status, p.closed_on AS plan_closed_on, p.issued_on,
                p.start_year, p.end_year,
                    t.number AS task_number, w.number AS item_number, w.body AS item_text,
                    u.name AS unit, a.via, a.added_on, a.removed_on
             FROM removed_assignments a
             JOIN units u ON u.id = a.unit_id
             JOIN work_items w ON w.id = a.work_item_id
             JOIN tasks t ON t.id = w.task_id
             JOIN plans p ON p.id = w.plan_id
             WHERE {} {} a.removed_on > {}",
            conds.join(" AND "),
            if everything { "" } else { "AND" },
            param(conds.len() + 1)
        );
        let mut q = sqlx::query_as::<_, TrackedRow>(&removed_sql);
        if let Some(plan) = &scope.plan {
            q = q.bind(plan);
        }
        if let Some(unit) = &scope.unit {
            q = q.bind(unit);
        }
        if let Some(item) = scope.item {
            q = q.bind(item);
        }
        let removed: Vec<TrackedRow> = q.bind(earliest).fetch_all(pool).await?;
        if !removed.is_empty() {
            // In the order of the others: plan (as listed), item number, assignment.
            let mut plan_order: Vec<String> = Vec::new();
            for r in &rows {
                if !plan_order.contains(&r.plan_code) {
                    plan_order.push(r.plan_code.clone());
                }
            }
            rows.extend(removed);
            rows.sort_by_key(|r| {
                (
                    plan_order
                        .iter()
                        .position(|c| *c == r.plan_code)
                        .unwrap_or(usize::MAX),
                    r.item_number,
                    r.assignment_id,
                )
            });
        }
    }

    #[derive(sqlx::FromRow)]
    struct MsRow {
        work_item_id: i64,
        #[sqlx(flatten)]
        m: MilestoneRow,
    }
    let ms_columns = format!("m.work_item_id, {MILESTONE_COLUMNS_M}");
    let mut ms: Vec<MsRow> = Vec::new();
    let mut reports: Vec<ReportRow> = Vec::new();
    let mut reviews: Vec<ReviewRow> = Vec::new();
    if everything {
        ms = sqlx::query_as(&format!(
            "SELECT {ms_columns} FROM milestones m ORDER BY m.work_item_id, m.seq"
        ))
        .fetch_all(pool)
        .await?;
        reports = sqlx::query_as(&format!(
            "SELECT {REPORT_COLUMNS} FROM progress_reports
             WHERE recorded_on <= $1 AND reported_on <= $1
             ORDER BY assignment_id, version"
        ))
        .bind(as_of)
        .fetch_all(pool)
        .await?;
        reviews = sqlx::query_as(&format!(
            "SELECT {REVIEW_COLUMNS} FROM report_reviews
             WHERE recorded_on <= $1 AND reviewed_on <= $1
               AND report_id IN (SELECT id FROM progress_reports
                                 WHERE recorded_on <= $1 AND reported_on <= $1)"
        ))
        .bind(as_of)
        .fetch_all(pool)
        .await?;
    } else {
        let mut items: Vec<i64> = rows.iter().map(|r| r.work_item_id).collect();
        items.sort_unstable();
        items.dedup();
        for chunk in items.chunks(ID_CHUNK) {
            let sql = format!(
                "SELECT {ms_columns} FROM milestones m WHERE {} ORDER BY m.work_item_id, m.seq",
                in_list("m.work_item_id", chunk, 1)
            );
            let mut q = sqlx::query_as::<_, MsRow>(&sql);
            for id in chunk {
                q = q.bind(id);
            }
            ms.extend(q.fetch_all(pool).await?);
        }
        let ids: Vec<i64> = rows.iter().map(|r| r.assignment_id).collect();
        for chunk in ids.chunks(ID_CHUNK) {
            let sql = format!(
                "SELECT {REPORT_COLUMNS} FROM progress_reports
                 WHERE {} AND recorded_on <= {} AND reported_on <= {}",
                in_list("assignment_id", chunk, 1),
                param(chunk.len() + 1),
                param(chunk.len() + 2)
            );
            let mut q = sqlx::query_as::<_, ReportRow>(&sql);
            for id in chunk {
                q = q.bind(id);
            }
            reports.extend(q.bind(as_of).bind(as_of).fetch_all(pool).await?);
            let sql = format!(
                "SELECT {} FROM report_reviews v
                 JOIN progress_reports r ON r.id = v.report_id
                 WHERE {} AND r.recorded_on <= {} AND r.reported_on <= {}
                   AND v.recorded_on <= {} AND v.reviewed_on <= {}",
                REVIEW_COLUMNS
                    .split(',')
                    .map(|c| format!("v.{}", c.trim()))
                    .collect::<Vec<_>>()
                    .join(", "),
                in_list("r.assignment_id", chunk, 1),
                param(chunk.len() + 1),
                param(chunk.len() + 2),
                param(chunk.len() + 3),
                param(chunk.len() + 4)
            );
            let mut q = sqlx::query_as::<_, ReviewRow>(&sql);
            for id in chunk {
                q = q.bind(id);
            }
            for _ in 0..4 {
                q = q.bind(as_of);
            }
            reviews.extend(q.fetch_all(pool).await?);
        }
        reports.sort_by_key(|r| (r.assignment_id, r.version));
    }
    let mut by_item: HashMap<i64, Vec<Milestone>> = HashMap::new();
    ms.sort_by_key(|r| r.work_item_id);
    for r in ms {
        by_item
            .entry(r.work_item_id)
            .or_default()
            .push(r.m.into_milestone()?);
    }
    let mut reviews = reviews_by_report(reviews)?;
    let mut by_assignment: HashMap<i64, Vec<sanzhi_domain::Report>> = HashMap::new();
    for r in reports {
        let mut report = r.into_report()?;
        report.review = reviews.remove(&report.id);
        by_assignment
            .entry(report.assignment_id)
            .or_default()
            .push(report);
    }
    // Deadlines replaced by edits made after the earliest day asked for: each day uses the
    // deadlines in force on it (see `crate::TrackedItem::milestones_on`).
    let versions: Vec<(i64, chrono::NaiveDate, String)> = sqlx::query_as(
        "SELECT work_item_id, replaced_on, milestones_json FROM milestone_versions
         WHERE replaced_on > $1 ORDER BY work_item_id, replaced_on, id",
    )
    .bind(earliest)
    .fetch_all(pool)
    .await?;
    let mut versions_by_item: HashMap<i64, Vec<(chrono::NaiveDate, Vec<Milestone>)>> =
        HashMap::new();
    for (item, replaced_on, json) in versions {
        let ms: Vec<Milestone> = serde_json::from_str(&json)
            .map_err(|e| StoreError::Invalid(format!("milestone_versions {item}：{e}")))?;
        versions_by_item
            .entry(item)
            .or_default()
            .push((replaced_on, ms));
    }
    Ok(rows
        .into_iter()
        .map(|r| {
            let milestones = by_item.get(&r.work_item_id).cloned().unwrap_or_default();
            let replaced = versions_by_item
                .get(&r.work_item_id)
                .cloned()
                .unwrap_or_default();
            let reports = by_assignment.remove(&r.assignment_id).unwrap_or_default();
            crate::TrackedItem {
                row: r,
                milestones,
                replaced,
                reports,
            }
        })
        .collect())
}

/// Removes every demo report and demo review (never a real one: the triggers refuse).
pub(crate) async fn clear_demo_reports(pool: &Pool) -> Result<u64, StoreError> {
    let mut tx = begin_write(pool).await?;
    // What the demo made around its reports: 催办 (with their answers), digests, closed months.
    for sql in [
        "DELETE FROM urges WHERE is_demo",
        "DELETE FROM digests WHERE is_demo",
        "DELETE FROM reminder_days WHERE ran_by = 'demo'",
        "DELETE FROM bulletins WHERE is_demo",
    ] {
        sqlx::query(sql).execute(&mut *tx).await?;
    }
    sqlx::query("DELETE FROM report_reviews WHERE is_demo")
        .execute(&mut *tx)
        .await?;
    let n = sqlx::query("DELETE FROM progress_reports WHERE is_demo")
        .execute(&mut *tx)
        .await?
        .rows_affected();
    tx.commit().await?;
    Ok(n)
}

pub(crate) async fn has_demo_reports(pool: &Pool) -> Result<bool, StoreError> {
    // Asked on every tracking page: stop at the first demo row.
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM (SELECT 1 FROM progress_reports WHERE is_demo LIMIT 1) AS any_demo",
    )
    .fetch_one(pool)
    .await?;
    Ok(n > 0)
}

pub(crate) async fn units(pool: &Pool) -> Result<Vec<(String, UnitKind)>, StoreError> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT name, kind FROM units ORDER BY kind, id")
            .fetch_all(pool)
            .await?;
    rows.into_iter()
        .map(|(n, k)| {
            let kind = UnitKind::parse(&k).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            Ok((n, kind))
        })
        .collect()
}

/// Appends many demo reports in one transaction, numbering versions after what is stored.
pub(crate) async fn insert_demo_reports(
    pool: &Pool,
    reports: &[crate::DemoReport],
) -> Result<u64, StoreError> {
    let mut tx = begin_write(pool).await?;
    // Per assignment: the newest version, and the days of the newest demo report.
    type Days = Option<(chrono::NaiveDate, chrono::NaiveDate)>;
    let mut newest: HashMap<i64, (i32, Days)> = HashMap::new();
    for crate::DemoReport {
        report: r,
        created_at,
        review,
    } in reports
    {
        let (v, previous) = match newest.get(&r.assignment_id) {
            Some(n) => *n,
            None => {
                let max: Option<i32> = sqlx::query_scalar(
                    "SELECT MAX(version) FROM progress_reports WHERE assignment_id = $1",
                )
                .bind(r.assignment_id)
                .fetch_one(&mut *tx)
                .await?;
                let previous = previous_report_days(&mut tx, r.assignment_id, true).await?;
                (max.unwrap_or(0), previous)
            }
        };
        let v = v + 1;
        // Demo reports are dated like real ones, against the day they are made.
        let recorded_on = sanzhi_domain::report::china_day(*created_at);
        let late_filed = sanzhi_domain::report::check_report_day(
            r.reported_on,
            recorded_on,
            previous,
            sanzhi_domain::report::DEFAULT_BACKDATE_DAYS,
        )
        .map_err(|e| {
            StoreError::Invalid(format!(
                "演示报告（分工 {}，{}）：{e}",
                r.assignment_id, r.reported_on
            ))
        })?;
        newest.insert(r.assignment_id, (v, Some((r.reported_on, recorded_on))));
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO progress_reports (assignment_id, version, state, milestone_seq, reported_on,
                 achieved, narrative, evidence, reporter, corrects_id, is_demo, created_at,
                 recorded_on, late_filed)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, TRUE, $11, $12, $13)
             RETURNING id",
        )
        .bind(r.assignment_id)
        .bind(v)
        .bind(r.state.as_str())
        .bind(r.milestone_seq)
        .bind(r.reported_on)
        .bind(r.achieved)
        .bind(&r.narrative)
        .bind(r.evidence.join("\n"))
        .bind(&r.reporter)
        .bind(r.corrects_id)
        .bind(created_at)
        .bind(recorded_on)
        .bind(late_filed)
        .fetch_one(&mut *tx)
        .await?;
        if let Some(v) = review {
            // Recorded at 09:00 China time on the day it speaks for, never before the report.
            let at = v
                .reviewed_on
                .and_hms_opt(1, 0, 0)
                .map_or(*created_at, |t| t.and_utc())
                .max(*created_at);
            sqlx::query(
                "INSERT INTO report_reviews (report_id, decision, reason, reviewer, reviewed_on,
                     is_demo, created_at, recorded_on, accepts_claimed_day)
                 VALUES ($1, $2, $3, $4, $5, TRUE, $6, $7, $8)",
            )
            .bind(id)
            .bind(v.decision.as_str())
            .bind(&v.reason)
            .bind(&v.reviewer)
            .bind(v.reviewed_on)
            .bind(at)
            .bind(sanzhi_domain::report::china_day(at))
            .bind(
                v.accepts_claimed_day
                    && v.decision == sanzhi_domain::ReviewDecision::Accepted
                    && late_filed,
            )
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(reports.len() as u64)
}

pub(crate) async fn indicator_targets(
    pool: &Pool,
) -> Result<sanzhi_domain::IndicatorTargets, StoreError> {
    use sanzhi_domain::{
        DrainLimitRow, IndicatorTargets, Pm25TargetRow, RateGoalRow, SectionRow, WaterClass,
        WaterParameter,
    };
    let corrupt = |e: sanzhi_domain::ParseError| StoreError::Corrupt(e.to_string());
    let pm25 = sqlx::query_as::<_, (String, i32, f64, String, String)>(
        "SELECT area, year, value, qualifier, raw FROM pm25_targets ORDER BY seq",
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|(area, year, value, qualifier, raw)| Pm25TargetRow {
        area,
        year,
        value,
        qualifier,
        raw,
    })
    .collect();
    let sections = sqlx::query_as::<_, (String, String, bool, Option<String>, String)>(
        "SELECT name, target_class, reservoir, table_name, note FROM water_sections ORDER BY seq",
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|(name, class, reservoir, table_name, note)| {
        Ok(SectionRow {
            name,
            target_class: WaterClass::parse(&class).map_err(corrupt)?,
            reservoir,
            table_name,
            note,
        })
    })
    .collect::<Result<Vec<_>, StoreError>>()?;
    let drains = sqlx::query_as::<_, (String, String, f64, chrono::NaiveDate, String)>(
        "SELECT drain, parameter, limit_mg_l, effective_from, raw FROM drain_limits ORDER BY seq",
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|(drain, parameter, limit_mg_l, effective_from, raw)| {
        Ok(DrainLimitRow {
            drain,
            parameter: WaterParameter::parse(&parameter).map_err(corrupt)?,
            limit_mg_l,
            effective_from,
            raw,
        })
    })
    .collect::<Result<Vec<_>, StoreError>>()?;
    let rates = sqlx::query_as::<_, (String, i32, f64, String, String)>(
        "SELECT metric, year, percent, comparator, raw FROM rate_goals ORDER BY seq",
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|(metric, year, percent, comparator, raw)| {
        Ok(RateGoalRow {
            metric,
            year,
            percent,
            comparator: Direction::parse(&comparator).map_err(corrupt)?,
            raw,
        })
    })
    .collect::<Result<Vec<_>, StoreError>>()?;
    let mut targets = IndicatorTargets {
        pm25,
        sections,
        drains,
        rates,
        indicators: plan_indicators(pool, false).await?,
        plan_targets: Vec::new(),
    };
    // What plans set: PM2.5 and the soil rates join the reference tables' rows (the standings
    // and charts read them there); every plan's target is also listed with its plan.
    for t in plan_targets(pool).await? {
        let def = sanzhi_domain::indicator(&t.indicator);
        if t.indicator == "pm25" {
            targets.pm25.push(Pm25TargetRow {
                area: t.place.clone(),
                year: t.year,
                value: t.value,
                qualifier: String::new(),
                raw: t.raw.clone(),
            });
        } else if let Some(metric) = def.and_then(|d| d.metric) {
            targets.rates.push(RateGoalRow {
                metric: metric.to_owned(),
                year: t.year,
                percent: t.value,
                comparator: Direction::AtLeast,
                raw: t.raw.clone(),
            });
        }
        targets.plan_targets.push(t);
    }
    Ok(targets)
}

// ---- Indicators and readings ----

/// Writes the indicator catalogue of the domain crate: insert or update by code, never delete
/// (readings refer to the codes).
async fn sync_indicators(tx: &mut Tx<'_>, report: &mut SeedReport) -> Result<(), StoreError> {
    for (seq, d) in (1i32..).zip(sanzhi_domain::CATALOGUE.iter()) {
        let aggregate = if d.metric.is_some() {
            sanzhi_domain::Aggregate::Latest
        } else {
            sanzhi_domain::Aggregate::Mean
        };
        let want = (
            seq,
            d.name_zh.to_owned(),
            d.unit.to_owned(),
            d.better.as_str().to_owned(),
            place_kind_str(d.place_kind).to_owned(),
            d.plan.to_owned(),
            aggregate.as_str().to_owned(),
        );
        let stored: Option<(i32, String, String, String, String, String, String)> = sqlx::query_as(
            "SELECT seq, name, unit, better, place_kind, plan_code, aggregate
                 FROM indicators WHERE code = $1",
        )
        .bind(d.code)
        .fetch_optional(&mut **tx)
        .await?;
        let change = match stored {
            Some(s) if s == want => Change::Unchanged,
            Some(_) => {
                sqlx::query(
                    "UPDATE indicators SET seq = $1, name = $2, unit = $3, better = $4,
                         place_kind = $5, plan_code = $6, aggregate = $7 WHERE code = $8",
                )
                .bind(want.0)
                .bind(&want.1)
                .bind(&want.2)
                .bind(&want.3)
                .bind(&want.4)
                .bind(&want.5)
                .bind(&want.6)
                .bind(d.code)
                .execute(&mut **tx)
                .await?;
                Change::Updated
            }
            None => {
                sqlx::query(
                    "INSERT INTO indicators
                         (code, seq, name, unit, better, place_kind, plan_code, aggregate)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(d.code)
                .bind(want.0)
                .bind(&want.1)
                .bind(&want.2)
                .bind(&want.3)
                .bind(&want.4)
                .bind(&want.5)
                .bind(&want.6)
                .execute(&mut **tx)
                .await?;
                Change::Inserted
            }
        };
        report.add(change);
    }
    Ok(())
}

pub(super) fn place_kind_str(k: sanzhi_domain::PlaceKind) -> &'static str {
    use sanzhi_domain::PlaceKind;
    match k {
        PlaceKind::Area => "area",
        PlaceKind::Section => "section",
        PlaceKind::Drain => "drain",
        PlaceKind::City => "city",
    }
}

pub(crate) async fn reading_places(pool: &Pool) -> Result<sanzhi_domain::Places, StoreError> {
    let ordered = |rows: Vec<(String,)>| {
        let mut out: Vec<String> = Vec::new();
        for (name,) in rows {
            if !out.contains(&name) {
                out.push(name);
            }
        }
        out
    };
    let areas = ordered(
        sqlx::query_as("SELECT area FROM pm25_targets ORDER BY seq")
            .fetch_all(pool)
            .await?,
    );
    let sections = ordered(
        sqlx::query_as("SELECT name FROM water_sections ORDER BY seq")
            .fetch_all(pool)
            .await?,
    );
    let mut drains = ordered(
        sqlx::query_as("SELECT drain FROM drain_limits ORDER BY seq")
            .fetch_all(pool)
            .await?,
    );
    for d in ordered(
        sqlx::query_as("SELECT drain FROM drain_relative_limits ORDER BY seq")
            .fetch_all(pool)
            .await?,
    ) {
        if !drains.contains(&d) {
            drains.push(d);
        }
    }
    Ok(sanzhi_domain::Places {
        areas,
        sections,
        drains,
        indicators: plan_indicators(pool, false).await?,
    })
}

const READING_COLUMNS: &str = "id, indicator, place, year, month, value, valid_days, provisional,
    source, is_demo, note, recorded_by, recorded_at";

type ReadingTuple = (
    i64,
    String,
    String,
    i32,
    i32,
    f64,
    Option<i32>,
    bool,
    String,
    bool,
    String,
    String,
    chrono::DateTime<chrono::Utc>,
);

fn stored_key(
    indicator: String,
    place: String,
    year: i32,
    month: i32,
) -> Result<sanzhi_domain::ReadingKey, StoreError> {
    Ok(sanzhi_domain::ReadingKey {
        indicator,
        place,
        year,
        month: u32::try_from(month).map_err(|e| StoreError::Corrupt(e.to_string()))?,
    })
}

fn reading_of(t: ReadingTuple) -> Result<sanzhi_domain::Reading, StoreError> {
    let (
        id,
        indicator,
        place,
        year,
        month,
        value,
        valid_days,
        provisional,
        source,
        is_demo,
        note,
        recorded_by,
        recorded_at,
    ) = t;
    Ok(sanzhi_domain::Reading {
        id,
        key: stored_key(indicator, place, year, month)?,
        value,
        valid_days: valid_days.and_then(|d| u32::try_from(d).ok()),
        provisional,
        source: sanzhi_domain::ReadingSource::parse(&source)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        is_demo,
        note,
        recorded_by,
        recorded_at: recorded_at.to_rfc3339(),
    })
}

/// `columns` of the readings `filter` selects, in indicator, place, period order.
async fn filtered_readings<T>(
    pool: &Pool,
    columns: &str,
    filter: &crate::ReadingFilter,
) -> Result<Vec<T>, StoreError>
where
    T: for<'r> sqlx::FromRow<'r, <Db as sqlx::Database>::Row> + Send + Unpin,
{
    let sql = format!(
        "SELECT {columns} FROM readings
         WHERE year BETWEEN $1 AND $2
           AND ($3 = '' OR indicator = $3 OR indicator LIKE $4)
           AND ($5 = '' OR place = $5)
         ORDER BY indicator, place, year, month"
    );
    let prefix = filter.indicator.clone().unwrap_or_default();
    Ok(sqlx::query_as(&sql)
        .bind(filter.from_year)
        .bind(filter.to_year)
        .bind(&prefix)
        .bind(format!("{prefix}%"))
        .bind(filter.place.clone().unwrap_or_default())
        .fetch_all(pool)
        .await?)
}

/// Readings of the years `from..=to`, optionally of one indicator (code prefix, e.g. `water.`)
/// and one place, in indicator, place, period order.
pub(crate) async fn readings(
    pool: &Pool,
    filter: &crate::ReadingFilter,
) -> Result<Vec<sanzhi_domain::Reading>, StoreError> {
    let rows: Vec<ReadingTuple> = filtered_readings(pool, READING_COLUMNS, filter).await?;
    rows.into_iter().map(reading_of).collect()
}

/// [`readings`] without who recorded them: what standings read (a year of them for the
/// overview).
pub(crate) async fn reading_values(
    pool: &Pool,
    filter: &crate::ReadingFilter,
) -> Result<Vec<sanzhi_domain::ReadingValue>, StoreError> {
    type ValueRow = (String, String, i32, i32, f64, Option<i32>, bool, bool);
    let rows: Vec<ValueRow> = filtered_readings(
        pool,
        "indicator, place, year, month, value, valid_days, provisional, is_demo",
        filter,
    )
    .await?;
    rows.into_iter()
        .map(
            |(indicator, place, year, month, value, valid_days, provisional, is_demo)| {
                Ok(sanzhi_domain::ReadingValue {
                    key: stored_key(indicator, place, year, month)?,
                    value,
                    valid_days: valid_days.and_then(|d| u32::try_from(d).ok()),
                    provisional,
                    is_demo,
                })
            },
        )
        .collect()
}

/// Writes readings in one transaction: new keys are inserted, changed values replace the
/// stored ones (which go to reading_history), identical ones are left alone.
/// The `n`th bound parameter (from 1) of a statement built at run time. SQLite gets plain `?`:
/// sqlx looks a `$n` up by name, and SQLite's name lookup walks every name of the statement,
/// which made a 6,000-parameter insert spend most of its time there.
fn param(n: usize) -> String {
    if <Db as sqlx::Database>::NAME == "SQLite" {
        "?".to_owned()
    } else {
        format!("${n}")
    }
}

/// Readings per statement when writing a batch: 500 × 8 parameters stays well under both
/// backends' limits on bound parameters.
const READING_CHUNK: usize = 500;

pub(crate) async fn write_readings(
    pool: &Pool,
    readings: &[sanzhi_domain::NewReading],
    source: sanzhi_domain::ReadingSource,
    by: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<crate::ReadingsWritten, StoreError> {
    // A large write gets a larger page cache for its transaction (see `bulk_cache`).
    let bulk = readings.len() > READING_CHUNK;
    let mut conn = pool.acquire().await?;
    if bulk {
        bulk_cache(&mut conn, true).await?;
    }
    let written = async {
        let mut tx = begin_write_on(&mut conn).await?;
        let mut w = ReadingsWrite::default();
        for chunk in readings.chunks(READING_CHUNK) {
            write_chunk(&mut tx, &mut w, chunk, source, by, now).await?;
        }
        let out = finish_write(&mut tx, w, source, by, now).await?;
        tx.commit().await?;
        Ok(out)
    }
    .await;
    if bulk {
        reset_cache(&mut conn).await;
    }
    written
}

/// [`write_readings`] of batches as they arrive (an import that writes while it reads the
/// rest of its file): committed when [`crate::ReadingBatch::Finish`] arrives; when the
/// channel closes without it (the file had a problem, the upload was dropped) everything is
/// rolled back and the answer is `None`.
pub(crate) async fn write_readings_streamed(
    pool: &Pool,
    batches: &mut tokio::sync::mpsc::Receiver<crate::ReadingBatch>,
    source: sanzhi_domain::ReadingSource,
    by: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<crate::ReadingsWritten>, StoreError> {
    let mut conn = pool.acquire().await?;
    bulk_cache(&mut conn, true).await?;
    let written = async {
        let mut tx = begin_write_on(&mut conn).await?;
        let mut w = ReadingsWrite::default();
        while let Some(batch) = batches.recv().await {
            match batch {
                crate::ReadingBatch::Rows(rows) => {
                    for chunk in rows.chunks(READING_CHUNK) {
                        write_chunk(&mut tx, &mut w, chunk, source, by, now).await?;
                    }
                }
                crate::ReadingBatch::Finish => {
                    let out = finish_write(&mut tx, w, source, by, now).await?;
                    tx.commit().await?;
                    return Ok(Some(out));
                }
            }
        }
        // Dropped unfinished: the transaction rolls back.
        Ok(None)
    }
    .await;
    reset_cache(&mut conn).await;
    written
}

async fn reset_cache(conn: &mut sqlx::pool::PoolConnection<Db>) {
    if let Err(e) = bulk_cache(conn, false).await {
        // The connection keeps the larger cache: memory only, never data.
        tracing::warn!(error = %e, "page cache not reset");
    }
}

/// The running totals of one readings write.
#[derive(Default)]
struct ReadingsWrite {
    out: crate::ReadingsWritten,
    /// New readings per indicator, for the write's one audit entry.
    added: std::collections::BTreeMap<String, u64>,
    years: Option<(i32, i32)>,
    /// The months that hold any reading, for the years in `years_read`: a chunk with none of
    /// them cannot replace anything and skips the lookup (a new month's import, the usual
    /// case). Months this write fills are added as it goes, so a key repeated in a later
    /// chunk is still found.
    periods: rustc_hash::FxHashSet<(i32, u32)>,
    years_read: rustc_hash::FxHashSet<i32>,
}

/// Writes one chunk (`READING_CHUNK` at most): new readings in one statement, replacements
/// one by one with their history.
async fn write_chunk(
    tx: &mut Tx<'_>,
    w: &mut ReadingsWrite,
    chunk: &[sanzhi_domain::NewReading],
    source: sanzhi_domain::ReadingSource,
    by: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    for r in chunk {
        if w.years_read.insert(r.key.year) {
            let months: Vec<i32> =
                sqlx::query_scalar("SELECT DISTINCT month FROM readings WHERE year = $1")
                    .bind(r.key.year)
                    .fetch_all(&mut **tx)
                    .await?;
            w.periods.extend(
                months
                    .into_iter()
                    .filter_map(|m| Some((r.key.year, u32::try_from(m).ok()?))),
            );
        }
    }
    let mut stored = if chunk
        .iter()
        .any(|r| w.periods.contains(&(r.key.year, r.key.month)))
    {
        stored_under(tx, chunk).await?
    } else {
        rustc_hash::FxHashMap::default()
    };

    let mut fresh: Vec<&sanzhi_domain::NewReading> = Vec::new();
    // A key twice in one chunk: the later one is written after the chunk's insert.
    let mut again: Vec<&sanzhi_domain::NewReading> = Vec::new();
    let mut fresh_keys: rustc_hash::FxHashSet<(&str, &str, i32, u32)> =
        rustc_hash::FxHashSet::default();
    for r in chunk {
        let hit = if stored.is_empty() {
            None
        } else {
            let month =
                i32::try_from(r.key.month).map_err(|e| StoreError::Invalid(e.to_string()))?;
            let key = (
                r.key.indicator.clone(),
                r.key.place.clone(),
                r.key.year,
                month,
            );
            stored.remove(&key).map(|s| (key, s))
        };
        match hit {
            Some((key, s)) => {
                replace_reading(&mut *tx, s, r, source, by, now, &mut w.out).await?;
                // A later row of the chunk with the same key compares with this one.
                stored.insert(key, stored_after(r, source, by, now));
            }
            None if fresh_keys.insert((
                &r.key.indicator,
                &r.key.place,
                r.key.year,
                r.key.month,
            )) =>
            {
                fresh.push(r);
            }
            None => again.push(r),
        }
    }
    insert_readings(&mut *tx, &fresh, source, by, now).await?;
    w.periods
        .extend(fresh.iter().map(|r| (r.key.year, r.key.month)));
    for r in &fresh {
        match w.added.get_mut(r.key.indicator.as_str()) {
            Some(n) => *n += 1,
            None => {
                w.added.insert(r.key.indicator.clone(), 1);
            }
        }
        w.years = Some(w.years.map_or((r.key.year, r.key.year), |(a, b)| {
            (a.min(r.key.year), b.max(r.key.year))
        }));
    }
    w.out.inserted += fresh.len() as u64;
    for r in again {
        let month = i32::try_from(r.key.month).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let s: ReadingTuple = sqlx::query_as(&format!(
            "SELECT {READING_COLUMNS} FROM readings
             WHERE indicator = $1 AND place = $2 AND year = $3 AND month = $4"
        ))
        .bind(&r.key.indicator)
        .bind(&r.key.place)
        .bind(r.key.year)
        .bind(month)
        .fetch_one(&mut **tx)
        .await?;
        replace_reading(&mut *tx, s, r, source, by, now, &mut w.out).await?;
    }
    Ok(())
}

/// The write's one audit entry for the readings it added (each new row carries who and when;
/// a replaced reading has its own entry with before and after, and its old value is kept in
/// reading_history), and the data version moved.
async fn finish_write(
    tx: &mut Tx<'_>,
    w: ReadingsWrite,
    source: sanzhi_domain::ReadingSource,
    by: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<crate::ReadingsWritten, StoreError> {
    let out = w.out;
    if source != sanzhi_domain::ReadingSource::Demo && out.inserted > 0 {
        let (from, to) = w.years.unwrap_or_default();
        let after = serde_json::json!({
            "inserted": out.inserted,
            "by_indicator": w.added,
            "years": [from, to],
            "source": source.as_str(),
        })
        .to_string();
        let key = format!("{} 条（{from}–{to}）", out.inserted);
        audit(
            tx,
            by,
            "reading.add",
            "readings",
            &key,
            None,
            Some(&after),
            now,
        )
        .await?;
    }
    if out.inserted > 0 || out.replaced > 0 {
        bump_data_version(tx).await?;
    }
    Ok(out)
}

/// What is stored under the keys of `chunk`, in one query.
async fn stored_under(
    tx: &mut Tx<'_>,
    chunk: &[sanzhi_domain::NewReading],
) -> Result<rustc_hash::FxHashMap<(String, String, i32, i32), ReadingTuple>, StoreError> {
    let mut sql = format!(
        "SELECT {} FROM (VALUES ",
        READING_COLUMNS
            .split(',')
            .map(|c| format!("r.{}", c.trim()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for i in 0..chunk.len() {
        let b = i * 4;
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&format!(
            "({}, {}, {}, {})",
            param(b + 1),
            param(b + 2),
            param(b + 3),
            param(b + 4)
        ));
    }
    sql.push_str(
        ") AS k JOIN readings r ON r.indicator = k.column1 AND r.place = k.column2
           AND r.year = k.column3 AND r.month = k.column4",
    );
    let mut q = sqlx::query_as::<_, ReadingTuple>(&sql);
    for r in chunk {
        let month = i32::try_from(r.key.month).map_err(|e| StoreError::Invalid(e.to_string()))?;
        q = q
            .bind(&r.key.indicator)
            .bind(&r.key.place)
            .bind(r.key.year)
            .bind(month);
    }
    Ok(q.fetch_all(&mut **tx)
        .await?
        .into_iter()
        .map(|t| ((t.1.clone(), t.2.clone(), t.3, t.4), t))
        .collect())
}

/// The stored tuple a reading becomes (its id unknown).
fn stored_after(
    r: &sanzhi_domain::NewReading,
    source: sanzhi_domain::ReadingSource,
    by: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> ReadingTuple {
    (
        0,
        r.key.indicator.clone(),
        r.key.place.clone(),
        r.key.year,
        i32::try_from(r.key.month).unwrap_or_default(),
        r.value,
        r.valid_days.and_then(|d| i32::try_from(d).ok()),
        r.provisional,
        source.as_str().to_owned(),
        source == sanzhi_domain::ReadingSource::Demo,
        r.note.clone(),
        by.to_owned(),
        now,
    )
}

/// Inserts new readings, `READING_CHUNK` at most, in one statement.
async fn insert_readings(
    tx: &mut Tx<'_>,
    rows: &[&sanzhi_domain::NewReading],
    source: sanzhi_domain::ReadingSource,
    by: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let is_demo = source == sanzhi_domain::ReadingSource::Demo;
    // What every row shares is bound once, not per row.
    let mut sql = format!(
        "INSERT INTO readings (indicator, place, year, month, value, valid_days, provisional,
             source, is_demo, note, recorded_by, recorded_at)
         SELECT k.column1, k.column2, k.column3, k.column4, k.column5, k.column6, k.column7,
             {}, {}, k.column8, {}, {}
         FROM (VALUES ",
        param(1),
        param(2),
        param(3),
        param(4)
    );
    for i in 0..rows.len() {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 0..8 {
            if c > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&param(4 + i * 8 + c + 1));
        }
        sql.push(')');
    }
    sql.push_str(") AS k");
    let mut q = sqlx::query(&sql)
        .bind(source.as_str())
        .bind(is_demo)
        .bind(by)
        .bind(now);
    for r in rows {
        let month = i32::try_from(r.key.month).map_err(|e| StoreError::Invalid(e.to_string()))?;
        q = q
            .bind(&r.key.indicator)
            .bind(&r.key.place)
            .bind(r.key.year)
            .bind(month)
            .bind(r.value)
            .bind(r.valid_days.and_then(|d| i32::try_from(d).ok()))
            .bind(r.provisional)
            .bind(&r.note);
    }
    q.execute(&mut **tx).await?;
    Ok(())
}

/// Writes `r` over the stored reading `s`: unchanged when equal; otherwise the old value goes
/// to reading_history, the row is updated, and (for real readings) audited before/after.
async fn replace_reading(
    tx: &mut Tx<'_>,
    s: ReadingTuple,
    r: &sanzhi_domain::NewReading,
    source: sanzhi_domain::ReadingSource,
    by: &str,
    now: chrono::DateTime<chrono::Utc>,
    out: &mut crate::ReadingsWritten,
) -> Result<(), StoreError> {
    let is_demo = source == sanzhi_domain::ReadingSource::Demo;
    let days = r.valid_days.and_then(|d| i32::try_from(d).ok());
    if s.5 == r.value && s.6 == days && s.7 == r.provisional && s.9 == is_demo && s.10 == r.note {
        out.unchanged += 1;
        return Ok(());
    }
    let id = if s.0 == 0 {
        // Written earlier in this batch: look its id up.
        sqlx::query_scalar(
            "SELECT id FROM readings
             WHERE indicator = $1 AND place = $2 AND year = $3 AND month = $4",
        )
        .bind(&s.1)
        .bind(&s.2)
        .bind(s.3)
        .bind(s.4)
        .fetch_one(&mut **tx)
        .await?
    } else {
        s.0
    };
    sqlx::query(
        "INSERT INTO reading_history (indicator, place, year, month, value, valid_days,
             provisional, source, is_demo, note, recorded_by, recorded_at,
             replaced_at, replaced_by)
         SELECT indicator, place, year, month, value, valid_days, provisional, source,
             is_demo, note, recorded_by, recorded_at, $1, $2
         FROM readings WHERE id = $3",
    )
    .bind(now)
    .bind(by)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "UPDATE readings SET value = $1, valid_days = $2, provisional = $3,
             source = $4, is_demo = $5, note = $6, recorded_by = $7, recorded_at = $8
         WHERE id = $9",
    )
    .bind(r.value)
    .bind(days)
    .bind(r.provisional)
    .bind(source.as_str())
    .bind(is_demo)
    .bind(&r.note)
    .bind(by)
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    let mut before = reading_of(s)?;
    before.id = id;
    let mut after = before.clone();
    after.value = r.value;
    after.valid_days = r.valid_days;
    after.provisional = r.provisional;
    after.note = r.note.clone();
    after.source = source;
    after.is_demo = is_demo;
    // Who and when of the change itself, not of the value it replaces.
    after.recorded_by = by.to_owned();
    after.recorded_at = now.to_rfc3339();
    if !is_demo {
        audit(
            tx,
            by,
            "reading.replace",
            "reading",
            &reading_key(&r.key),
            Some(&to_json(&before)),
            Some(&to_json(&after)),
            now,
        )
        .await?;
    }
    out.replaced += 1;
    Ok(())
}

pub(crate) async fn clear_demo_readings(pool: &Pool) -> Result<u64, StoreError> {
    let mut tx = begin_write(pool).await?;
    sqlx::query("DELETE FROM reading_history WHERE is_demo")
        .execute(&mut *tx)
        .await?;
    let n = sqlx::query("DELETE FROM readings WHERE is_demo")
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if n > 0 {
        bump_data_version(&mut tx).await?;
    }
    tx.commit().await?;
    Ok(n)
}

pub(crate) async fn reading_counts(pool: &Pool) -> Result<(i64, i64), StoreError> {
    Ok(sqlx::query_as(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN is_demo THEN 1 ELSE 0 END), 0) FROM readings",
    )
    .fetch_one(pool)
    .await?)
}

// ---- Audit trail ----

pub(super) fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

fn reading_key(k: &sanzhi_domain::ReadingKey) -> String {
    format!("{}/{}/{}-{:02}", k.indicator, k.place, k.year, k.month)
}

/// Appends one audit row inside the caller's transaction.
#[allow(clippy::too_many_arguments)]
pub(super) async fn audit(
    tx: &mut Tx<'_>,
    actor: &str,
    action: &str,
    entity: &str,
    key: &str,
    before: Option<&str>,
    after: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    let label = object_label(tx, entity, key).await?;
    sqlx::query(
        "INSERT INTO audit_log (at, actor, action, entity, entity_key, before_json, after_json,
             object_label)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(now)
    .bind(actor)
    .bind(action)
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
            row.map(|(plan, n, unit)| format!("{plan} ({n}) {unit}"))
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
fn contains(s: Option<&str>) -> String {
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

// ---- Users, sessions, sign-in throttling ----

/// The columns a [`UserTuple`] is read from (users `us`, units `un`).
macro_rules! user_columns {
    () => {
        "us.id, us.username, us.display_name, us.role, us.plan_code, un.name AS unit,
         us.is_demo, us.password_hash, us.active, pl.short_name AS plan_name,
         pl.short_name_en AS plan_name_en"
    };
}

const USER_SELECT: &str = concat!(
    "SELECT ",
    user_columns!(),
    " FROM users us LEFT JOIN units un ON un.id = us.unit_id
      LEFT JOIN plans pl ON pl.code = us.plan_code"
);

type UserTuple = (
    i64,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    bool,
    String,
    bool,
    Option<String>,
    Option<String>,
);

fn user_of(t: UserTuple) -> Result<(sanzhi_domain::User, String, bool), StoreError> {
    let (id, username, display_name, role, plan, unit, is_demo, hash, active, name, name_en) = t;
    Ok((
        sanzhi_domain::User {
            id,
            username,
            display_name,
            role: sanzhi_domain::Role::parse(&role)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            plan,
            unit,
            is_demo,
            plan_name: name.map(|zh| sanzhi_domain::PlanLabel { zh, en: name_en }),
        },
        hash,
        active,
    ))
}

/// Creates a user, or with `replace_demo` resets the password of an existing demo user of
/// that name. Audited in the same transaction.
pub(crate) async fn save_user(
    pool: &Pool,
    u: &crate::NewUser,
    actor: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<i64, StoreError> {
    let mut tx = begin_write(pool).await?;
    let unit_id: Option<i64> = match &u.unit {
        Some(name) => Some(
            sqlx::query_scalar("SELECT id FROM units WHERE name = $1")
                .bind(name)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::Invalid(format!("unit：没有单位“{name}”")))?,
        ),
        None => None,
    };
    if let Some(code) = &u.plan {
        // Any stored plan may have coordinators: the list of plans is the plans table.
        let known: Option<i64> = sqlx::query_scalar("SELECT id FROM plans WHERE code = $1")
            .bind(code)
            .fetch_optional(&mut *tx)
            .await?;
        if known.is_none() {
            return Err(StoreError::Invalid(format!("plan：没有方案“{code}”")));
        }
    }
    let existing: Option<(i64, bool)> =
        sqlx::query_as("SELECT id, is_demo FROM users WHERE username = $1")
            .bind(&u.username)
            .fetch_optional(&mut *tx)
            .await?;
    let after = format!(
        "{{\"username\":{},\"role\":\"{}\",\"plan\":{},\"unit\":{},\"is_demo\":{}}}",
        to_json(&u.username),
        u.role.as_str(),
        to_json(&u.plan),
        to_json(&u.unit),
        u.is_demo
    );
    let id = match existing {
        Some((id, true)) if u.is_demo => {
            sqlx::query(
                "UPDATE users SET password_hash = $1, display_name = $2, role = $3,
                    plan_code = $4, unit_id = $5, active = TRUE WHERE id = $6",
            )
            .bind(&u.password_hash)
            .bind(&u.display_name)
            .bind(u.role.as_str())
            .bind(&u.plan)
            .bind(unit_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            audit(
                &mut tx,
                actor,
                "user.reset_demo",
                "user",
                &u.username,
                None,
                Some(&after),
                now,
            )
            .await?;
            id
        }
        Some(_) => {
            return Err(StoreError::Invalid(format!(
                "username：用户名“{}”已存在",
                u.username
            )));
        }
        None => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO users (username, display_name, password_hash, role, plan_code, unit_id,
                     is_demo, active, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, TRUE, $8) RETURNING id",
            )
            .bind(&u.username)
            .bind(&u.display_name)
            .bind(&u.password_hash)
            .bind(u.role.as_str())
            .bind(&u.plan)
            .bind(unit_id)
            .bind(u.is_demo)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            audit(
                &mut tx,
                actor,
                "user.add",
                "user",
                &u.username,
                None,
                Some(&after),
                now,
            )
            .await?;
            id
        }
    };
    if u.role == sanzhi_domain::Role::Admin {
        // The first admin exists: the setup addresses printed so far are void.
        sqlx::query("DELETE FROM setup_tokens")
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(id)
}

pub(crate) async fn user_credentials(
    pool: &Pool,
    username: &str,
) -> Result<Option<(sanzhi_domain::User, String, bool)>, StoreError> {
    let row: Option<UserTuple> = sqlx::query_as(&format!("{USER_SELECT} WHERE us.username = $1"))
        .bind(username)
        .fetch_optional(pool)
        .await?;
    row.map(user_of).transpose()
}

pub(crate) async fn user_by_id(
    pool: &Pool,
    id: i64,
) -> Result<Option<sanzhi_domain::User>, StoreError> {
    let row: Option<UserTuple> =
        sqlx::query_as(&format!("{USER_SELECT} WHERE us.id = $1 AND us.active"))
            .bind(id)
            .fetch_optional(pool)
            .await?;
    Ok(row.map(user_of).transpose()?.map(|(u, _, _)| u))
}

pub(crate) async fn users(pool: &Pool) -> Result<Vec<sanzhi_domain::User>, StoreError> {
    let rows: Vec<UserTuple> = sqlx::query_as(&format!("{USER_SELECT} ORDER BY us.id"))
        .fetch_all(pool)
        .await?;
    rows.into_iter()
        .map(|t| user_of(t).map(|(u, _, _)| u))
        .collect()
}

/// Whether any admin account exists (active or not, demo or not).
async fn admin_count(tx: &mut Tx<'_>) -> Result<i64, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin'")
            .fetch_one(&mut **tx)
            .await?,
    )
}

/// Keeps a new one-time setup token (its digest) unless an admin exists; whether it was kept.
pub(crate) async fn setup_token_issue(
    pool: &Pool,
    token: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool, StoreError> {
    let mut tx = begin_write(pool).await?;
    lock_key(&mut tx, crate::SETUP_LOCK).await?;
    if admin_count(&mut tx).await? > 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    sqlx::query("INSERT INTO setup_tokens (token_sha256, created_at) VALUES ($1, $2)")
        .bind(crate::setup_digest(token))
        .bind(now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

/// Whether the first admin is still to be made (no admin account exists).
pub(crate) async fn setup_pending(pool: &Pool) -> Result<bool, StoreError> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin'")
        .fetch_one(pool)
        .await?;
    Ok(n == 0)
}

/// Whether `token` opens the setup page: it was issued, and no admin exists yet.
pub(crate) async fn setup_token_valid(pool: &Pool, token: &str) -> Result<bool, StoreError> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM setup_tokens WHERE token_sha256 = $1
           AND NOT EXISTS (SELECT 1 FROM users WHERE role = 'admin')",
    )
    .bind(crate::setup_digest(token))
    .fetch_one(pool)
    .await?;
    Ok(n > 0)
}

/// Creates the first admin with a setup token, in one transaction that checks again that no
/// admin exists and the token was issued, and then deletes every setup token. `None`: the
/// token does not open setup (never issued, or an admin exists, also one made a moment ago).
pub(crate) async fn create_first_admin(
    pool: &Pool,
    token: &str,
    u: &crate::NewUser,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<i64>, StoreError> {
    let mut tx = begin_write(pool).await?;
    lock_key(&mut tx, crate::SETUP_LOCK).await?;
    let issued: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM setup_tokens WHERE token_sha256 = $1")
            .bind(crate::setup_digest(token))
            .fetch_one(&mut *tx)
            .await?;
    if issued == 0 || admin_count(&mut tx).await? > 0 {
        tx.rollback().await?;
        return Ok(None);
    }
    let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE username = $1")
        .bind(&u.username)
        .fetch_one(&mut *tx)
        .await?;
    if taken > 0 {
        tx.rollback().await?;
        return Err(StoreError::Invalid(format!(
            "username：用户名“{}”已存在",
            u.username
        )));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO users (username, display_name, password_hash, role, plan_code, unit_id,
             is_demo, active, created_at)
         VALUES ($1, $2, $3, 'admin', NULL, NULL, FALSE, TRUE, $4) RETURNING id",
    )
    .bind(&u.username)
    .bind(&u.display_name)
    .bind(&u.password_hash)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let after = format!(
        "{{\"username\":{},\"role\":\"admin\",\"plan\":null,\"unit\":null,\"is_demo\":false}}",
        to_json(&u.username)
    );
    let actor = format!("{}（{}）", u.display_name, u.username);
    audit(
        &mut tx,
        &actor,
        "user.setup",
        "user",
        &u.username,
        None,
        Some(&after),
        now,
    )
    .await?;
    sqlx::query("DELETE FROM setup_tokens")
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Some(id))
}

/// Every account with whether it may sign in.
pub(crate) async fn accounts(pool: &Pool) -> Result<Vec<sanzhi_domain::Account>, StoreError> {
    let rows: Vec<UserTuple> = sqlx::query_as(&format!("{USER_SELECT} ORDER BY us.id"))
        .fetch_all(pool)
        .await?;
    rows.into_iter()
        .map(|t| user_of(t).map(|(user, _, active)| sanzhi_domain::Account { user, active }))
        .collect()
}

/// Sets an account's password hash (audited without the hash) and ends its sessions, in one
/// transaction. `false` when there is no such account.
pub(crate) async fn set_password(
    pool: &Pool,
    username: &str,
    password_hash: &str,
    actor: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool, StoreError> {
    let mut tx = begin_write(pool).await?;
    let id: Option<i64> =
        sqlx::query_scalar("UPDATE users SET password_hash = $1 WHERE username = $2 RETURNING id")
            .bind(password_hash)
            .bind(username)
            .fetch_optional(&mut *tx)
            .await?;
    let Some(id) = id else {
        return Ok(false);
    };
    end_sessions_of(&mut tx, id).await?;
    audit(
        &mut tx,
        actor,
        "user.reset_password",
        "user",
        username,
        None,
        None,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Allows or stops an account's sign-in (audited with before and after); stopping also ends
/// its sessions. `None` when there is no such account.
pub(crate) async fn set_active(
    pool: &Pool,
    username: &str,
    active: bool,
    actor: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<()>, StoreError> {
    let mut tx = begin_write(pool).await?;
    let before: Option<(i64, bool)> =
        sqlx::query_as("SELECT id, active FROM users WHERE username = $1")
            .bind(username)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((id, was)) = before else {
        return Ok(None);
    };
    sqlx::query("UPDATE users SET active = $1 WHERE id = $2")
        .bind(active)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if !active {
        end_sessions_of(&mut tx, id).await?;
    }
    audit(
        &mut tx,
        actor,
        if active {
            "user.activate"
        } else {
            "user.deactivate"
        },
        "user",
        username,
        Some(&format!("{{\"active\":{was}}}")),
        Some(&format!("{{\"active\":{active}}}")),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Some(()))
}

/// Ends every session whose data names the user (tower-sessions stores JSON with `user_id`).
async fn end_sessions_of(tx: &mut Tx<'_>, user_id: i64) -> Result<(), StoreError> {
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT id, data FROM sessions")
        .fetch_all(&mut **tx)
        .await?;
    for (sid, data) in rows {
        let names_user = serde_json::from_str::<serde_json::Value>(&data)
            .ok()
            .and_then(|v| {
                v.pointer("/data/user_id")
                    .and_then(serde_json::Value::as_i64)
            })
            == Some(user_id);
        if names_user {
            sqlx::query("DELETE FROM sessions WHERE id = $1")
                .bind(&sid)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}

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
) -> Result<Option<(String, chrono::DateTime<chrono::Utc>)>, StoreError> {
    Ok(
        sqlx::query_as("SELECT data, expires_at FROM sessions WHERE id = $1 AND expires_at > $2")
            .bind(id)
            .bind(now)
            .fetch_optional(pool)
            .await?,
    )
}

pub(crate) async fn page_viewer(
    pool: &Pool,
    id: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<(sanzhi_domain::User, i64)>, StoreError> {
    // The session's user and the version, in one snapshot.
    let sql = concat!(
        "SELECT ",
        user_columns!(),
        ", (SELECT n FROM data_version WHERE id = 1) AS version
         FROM sessions s
         JOIN users us ON us.id = s.user_id
         LEFT JOIN units un ON un.id = us.unit_id
         LEFT JOIN plans pl ON pl.code = us.plan_code
         WHERE s.id = $1 AND s.expires_at > $2 AND us.active"
    );
    type Row = (
        i64,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        bool,
        String,
        bool,
        Option<String>,
        Option<String>,
        i64,
    );
    let row: Option<Row> = sqlx::query_as(sql)
        .bind(id)
        .bind(now)
        .fetch_optional(pool)
        .await?;
    let Some((
        id,
        username,
        display_name,
        role,
        plan,
        unit,
        is_demo,
        hash,
        active,
        n,
        n_en,
        version,
    )) = row
    else {
        return Ok(None);
    };
    let (user, _, _) = user_of((
        id,
        username,
        display_name,
        role,
        plan,
        unit,
        is_demo,
        hash,
        active,
        n,
        n_en,
    ))?;
    Ok(Some((user, version)))
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
        "login.failure",
        "user",
        username,
        None,
        Some(&after),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
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

/// What a report on an assignment is checked against, read at once: its plan and unit (who
/// may report) and how many milestones its item has (which one a report may name).
pub(crate) async fn assignment_facts(
    pool: &Pool,
    assignment_id: i64,
) -> Result<Option<crate::AssignmentFacts>, StoreError> {
    let row: Option<(String, String, i64)> = sqlx::query_as(
        "SELECT p.code, u.name,
                (SELECT COUNT(*) FROM milestones m WHERE m.work_item_id = a.work_item_id)
         FROM assignments a
         JOIN units u ON u.id = a.unit_id
         JOIN work_items w ON w.id = a.work_item_id
         JOIN plans p ON p.id = w.plan_id
         WHERE a.id = $1",
    )
    .bind(assignment_id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(plan, unit, n)| crate::AssignmentFacts {
        plan,
        unit,
        milestones: usize::try_from(n).unwrap_or(0),
    }))
}

pub(crate) async fn assignment_owner(
    pool: &Pool,
    assignment_id: i64,
) -> Result<Option<(String, String)>, StoreError> {
    Ok(assignment_facts(pool, assignment_id)
        .await?
        .map(|f| (f.plan, f.unit)))
}

// ---- Plan import (an allocation table → one plan) ----

/// Every alias with the canonical name of its unit.
pub(crate) async fn unit_aliases(pool: &Pool) -> Result<Vec<(String, String)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT a.alias, u.name FROM unit_aliases a JOIN units u ON u.id = a.unit_id
         ORDER BY a.alias",
    )
    .fetch_all(pool)
    .await?)
}

/// A plan's items as stored: number → what an import compares.
async fn import_item_states(
    tx: &mut Tx<'_>,
    plan_id: i64,
) -> Result<std::collections::BTreeMap<i32, crate::ImportItemState>, StoreError> {
    let mut out = std::collections::BTreeMap::new();
    let rows: Vec<(i64, i32, String, String, String, String, String)> = sqlx::query_as(
        "SELECT w.id, w.number, w.body, a.title, t.title, w.lead_text, w.responsible_text
         FROM work_items w JOIN tasks t ON t.id = w.task_id JOIN actions a ON a.id = t.action_id
         WHERE w.plan_id = $1",
    )
    .bind(plan_id)
    .fetch_all(&mut **tx)
    .await?;
    for (id, number, body, action, task, lead_text, responsible_text) in rows {
        let mut leads: Vec<String> = sqlx::query_scalar(
            "SELECT u.name FROM work_item_units x JOIN units u ON u.id = x.unit_id
             WHERE x.work_item_id = $1 AND x.role = 'lead'",
        )
        .bind(id)
        .fetch_all(&mut **tx)
        .await?;
        leads.sort();
        let mut units: Vec<(String, String)> = sqlx::query_as(
            "SELECT u.name, a.via FROM assignments a JOIN units u ON u.id = a.unit_id
             WHERE a.work_item_id = $1",
        )
        .bind(id)
        .fetch_all(&mut **tx)
        .await?;
        units.sort();
        let milestones: Vec<MilestoneRow> = sqlx::query_as(&format!(
            "SELECT {MILESTONE_COLUMNS} FROM milestones WHERE work_item_id = $1 ORDER BY seq"
        ))
        .bind(id)
        .fetch_all(&mut **tx)
        .await?;
        let deadlines = milestones
            .into_iter()
            .map(|m| {
                let phrase = m.phrase.clone();
                m.into_milestone()
                    .map(|ms| format!("{phrase}（{}）", ms.deadline.describe_zh()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        out.insert(
            number,
            crate::ImportItemState {
                action,
                task,
                text: body,
                lead_text,
                responsible_text,
                leads,
                units: units.iter().map(|(u, _)| u.clone()).collect(),
                vias: units.iter().map(|(_, v)| v.clone()).collect(),
                deadlines,
            },
        );
    }
    Ok(out)
}

/// What the plan would hold for one item.
fn import_item_state(plan: &SeedPlan, it: &sanzhi_seed::SeedItem) -> crate::ImportItemState {
    let task = plan.body.tasks.iter().find(|t| t.number == it.task);
    let action = task.and_then(|t| plan.body.actions.iter().find(|a| a.seq == t.action));
    let mut leads: Vec<String> = it.leads.iter().map(|u| u.as_str().to_owned()).collect();
    leads.sort();
    let mut units: Vec<(String, String)> = it
        .assignments
        .iter()
        .map(|a| (a.unit.as_str().to_owned(), a.via.clone()))
        .collect();
    units.sort();
    crate::ImportItemState {
        action: action.map(|a| a.title.clone()).unwrap_or_default(),
        task: task.map(|t| t.title.clone()).unwrap_or_default(),
        text: it.text.clone(),
        lead_text: it.lead_text.join("、"),
        responsible_text: it.responsible_text.join("、"),
        leads,
        units: units.iter().map(|(u, _)| u.clone()).collect(),
        vias: units.iter().map(|(_, v)| v.clone()).collect(),
        deadlines: it
            .milestones
            .iter()
            .map(|m| format!("{}（{}）", m.phrase, m.deadline.describe_zh()))
            .collect(),
    }
}

/// id, doc_no, title, short_name, owner, start_year, end_year, issued_on, sort_order, provenance.
type ImportPlanRow = (
    i64,
    String,
    String,
    String,
    String,
    i32,
    i32,
    Option<chrono::NaiveDate>,
    i32,
    String,
);

/// kind, work_item_id, task_id, field, table_says, other_says, note.
type ImportNoteRow = (
    String,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    String,
    String,
    String,
    String,
);

/// Loads one plan as the seed loader would (same upserts, matched by plan code and item
/// number), keeping what a table does not carry (targets, source notes, provenance, task
/// paragraphs, goals when none are given). A dry run (`commit == false`), a refusal or an
/// import that changes nothing is rolled back; a commit writes one `plan.import` audit entry.
/// Gives the file's actions and tasks the numbers the stored plan uses for the same titles
/// (new ones after the stored ones), so that a file holding only some items, or holding them
/// in another order, does not rename or move the plan's other actions and tasks.
async fn renumber_like_stored(
    tx: &mut Tx<'_>,
    plan_id: i64,
    body: &mut sanzhi_seed::PlanBody,
) -> Result<(), StoreError> {
    let actions: Vec<(i32, String)> =
        sqlx::query_as("SELECT seq, title FROM actions WHERE plan_id = $1")
            .bind(plan_id)
            .fetch_all(&mut **tx)
            .await?;
    let mut next = actions.iter().map(|(s, _)| *s).max().unwrap_or(0);
    let mut action_map: HashMap<i32, i32> = HashMap::new();
    for a in &mut body.actions {
        let seq = match actions.iter().find(|(_, t)| t.trim() == a.title.trim()) {
            Some((s, _)) => *s,
            None => {
                next += 1;
                next
            }
        };
        action_map.insert(a.seq, seq);
        a.seq = seq;
    }
    let tasks: Vec<(i32, String)> =
        sqlx::query_as("SELECT number, title FROM tasks WHERE plan_id = $1")
            .bind(plan_id)
            .fetch_all(&mut **tx)
            .await?;
    let mut next = tasks.iter().map(|(n, _)| *n).max().unwrap_or(0);
    let mut task_map: HashMap<i32, i32> = HashMap::new();
    for t in &mut body.tasks {
        t.action = action_map.get(&t.action).copied().unwrap_or(t.action);
        let number = match tasks
            .iter()
            .find(|(_, title)| title.trim() == t.title.trim())
        {
            Some((n, _)) => *n,
            None => {
                next += 1;
                next
            }
        };
        task_map.insert(t.number, number);
        t.number = number;
    }
    for it in &mut body.items {
        it.task = task_map.get(&it.task).copied().unwrap_or(it.task);
    }
    Ok(())
}

pub(crate) async fn import_plan(
    pool: &Pool,
    plan: &SeedPlan,
    commit: bool,
    actor: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<crate::ImportPlanReport, StoreError> {
    let mut tx = begin_write(pool).await?;
    let mut plan = plan.clone();
    let mut blocked = Vec::new();
    let stored_plan: Option<ImportPlanRow> = sqlx::query_as(
        "SELECT p.id, p.doc_no, p.title, p.short_name, u.name, p.start_year, p.end_year,
                    p.issued_on, p.sort_order, p.provenance
             FROM plans p JOIN units u ON u.id = p.owner_unit_id WHERE p.code = $1",
    )
    .bind(plan.code.as_str())
    .fetch_optional(&mut *tx)
    .await?;
    let mut plan_changes = Vec::new();
    let before_items = match &stored_plan {
        None => {
            let next: Option<i32> = sqlx::query_scalar("SELECT MAX(sort_order) FROM plans")
                .fetch_one(&mut *tx)
                .await?;
            plan.sort_order = next.unwrap_or(0) + 1;
            std::collections::BTreeMap::new()
        }
        Some((
            plan_id,
            doc_no,
            title,
            short_name,
            owner,
            start,
            end,
            issued,
            sort_order,
            provenance,
        )) => {
            let plan_id = *plan_id;
            plan.sort_order = *sort_order;
            plan.provenance = provenance.clone();
            renumber_like_stored(&mut tx, plan_id, &mut plan.body).await?;
            let goals: Vec<String> =
                sqlx::query_scalar("SELECT body FROM plan_goals WHERE plan_id = $1 ORDER BY seq")
                    .bind(plan_id)
                    .fetch_all(&mut *tx)
                    .await?;
            if plan.goals.is_empty() {
                plan.goals = goals.clone();
            }
            for (field, was, now) in [
                ("doc_no", doc_no.clone(), plan.doc_no.clone()),
                ("title", title.clone(), plan.title.clone()),
                ("short_name", short_name.clone(), plan.short_name.clone()),
                ("owner", owner.clone(), plan.owner.as_str().to_owned()),
                (
                    "period",
                    format!("{start}—{end}"),
                    format!("{}—{}", plan.period.start_year(), plan.period.end_year()),
                ),
                (
                    "issued_on",
                    issued.map(|d| d.to_string()).unwrap_or_default(),
                    plan.issued_on.to_string(),
                ),
                ("goals", goals.join("\n"), plan.goals.join("\n")),
            ] {
                if was != now {
                    plan_changes.push(crate::FieldChange {
                        field: field.to_owned(),
                        before: was,
                        after: now,
                    });
                }
            }
            // Keep what the table does not carry.
            let actions: Vec<(i32, String)> =
                sqlx::query_as("SELECT seq, provenance FROM actions WHERE plan_id = $1")
                    .bind(plan_id)
                    .fetch_all(&mut *tx)
                    .await?;
            for a in &mut plan.body.actions {
                if let Some((_, p)) = actions.iter().find(|(s, _)| *s == a.seq) {
                    a.provenance = p.clone();
                }
            }
            let tasks: Vec<(i64, i32, String, String)> = sqlx::query_as(
                "SELECT id, number, paragraph, provenance FROM tasks WHERE plan_id = $1",
            )
            .bind(plan_id)
            .fetch_all(&mut *tx)
            .await?;
            for t in &mut plan.body.tasks {
                if let Some((_, _, para, p)) = tasks.iter().find(|(_, n, _, _)| *n == t.number) {
                    t.paragraph = para.clone();
                    t.provenance = p.clone();
                }
            }
            let items: Vec<(i64, i32, String)> =
                sqlx::query_as("SELECT id, number, provenance FROM work_items WHERE plan_id = $1")
                    .bind(plan_id)
                    .fetch_all(&mut *tx)
                    .await?;
            for it in &mut plan.body.items {
                let Some((id, _, p)) = items.iter().find(|(_, n, _)| *n == it.number) else {
                    continue;
                };
                it.provenance = p.clone();
                let targets: Vec<TargetRow> = sqlx::query_as(
                    "SELECT metric, value, unit, direction, year, quote, note
                     FROM targets WHERE work_item_id = $1 ORDER BY seq",
                )
                .bind(id)
                .fetch_all(&mut *tx)
                .await?;
                for t in targets {
                    let direction = Direction::parse(&t.direction)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                    it.targets.push(sanzhi_seed::SeedTarget {
                        metric: t.metric,
                        value: t.value,
                        unit: t.unit,
                        direction,
                        year: t.year,
                        quote: t.quote,
                        note: t.note,
                    });
                }
                // A unit with progress reports cannot be taken off the item.
                let reported: Vec<(String, i64)> = sqlx::query_as(
                    "SELECT u.name, COUNT(r.id) FROM assignments a
                     JOIN units u ON u.id = a.unit_id
                     JOIN progress_reports r ON r.assignment_id = a.id
                     WHERE a.work_item_id = $1 GROUP BY u.name",
                )
                .bind(id)
                .fetch_all(&mut *tx)
                .await?;
                for (unit, n) in reported {
                    if !it.assignments.iter().any(|a| a.unit.as_str() == unit) {
                        blocked.push(format!(
                            "工作要求 ({})：{unit}已有 {n} 份进展报告，不能移出责任单位",
                            it.number
                        ));
                    }
                }
            }
            let notes: Vec<ImportNoteRow> = sqlx::query_as(
                "SELECT kind, work_item_id, task_id, action_id, field, table_says, other_says, note
                     FROM source_notes WHERE plan_id = $1 ORDER BY seq",
            )
            .bind(plan_id)
            .fetch_all(&mut *tx)
            .await?;
            let action_seqs: Vec<(i64, i32)> =
                sqlx::query_as("SELECT id, seq FROM actions WHERE plan_id = $1")
                    .bind(plan_id)
                    .fetch_all(&mut *tx)
                    .await?;
            for (kind, item_id, task_id, action_id, field, table_says, other_says, note) in notes {
                // A note on an action's title: kept when the file has an action of that title.
                let action = match action_id {
                    Some(id) => {
                        let seq = action_seqs.iter().find(|(a, _)| *a == id).map(|(_, s)| *s);
                        match seq {
                            Some(seq) if plan.body.actions.iter().any(|a| a.seq == seq) => {
                                Some(seq)
                            }
                            _ => continue,
                        }
                    }
                    None => None,
                };
                let item =
                    item_id.and_then(|i| items.iter().find(|(id, _, _)| *id == i).map(|x| x.1));
                let task =
                    task_id.and_then(|i| tasks.iter().find(|(id, _, _, _)| *id == i).map(|x| x.1));
                let item_ok = item.is_none_or(|n| plan.body.items.iter().any(|it| it.number == n));
                let task_ok = task.is_none_or(|n| plan.body.tasks.iter().any(|t| t.number == n));
                if !item_ok || !task_ok {
                    blocked.push(match item {
                        Some(n) if !item_ok => format!(
                            "工作要求 ({n}) 有来源注记，但文件中没有这一项：请在文件中保留它"
                        ),
                        _ => format!(
                            "任务 {} 有来源注记，但文件中没有这一任务：请在文件中保留它",
                            task.unwrap_or_default()
                        ),
                    });
                    continue;
                }
                let kind =
                    NoteKind::parse(&kind).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                plan.body.notes.push(sanzhi_seed::SeedNote {
                    kind,
                    item,
                    task,
                    action,
                    field,
                    table_says,
                    other_says,
                    note,
                });
            }
            import_item_states(&mut tx, plan_id).await?
        }
    };
    blocked.dedup();

    let mut rows = SeedReport::default();
    let unit_ids: HashMap<String, i64> =
        sqlx::query_as::<_, (String, i64)>("SELECT name, id FROM units")
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .collect();
    let plan_id = upsert_plan(&mut tx, &plan, &mut rows).await?;
    load_body(
        &mut tx,
        plan_id,
        &plan.body,
        &unit_ids,
        &mut rows,
        Some(sanzhi_domain::report::china_day(now)),
    )
    .await?;
    let mut measures = Vec::new();
    if let Some(m) = &plan.measures {
        let written = write_measures(&mut tx, plan.code.as_str(), m, &mut rows).await?;
        blocked.extend(written.blocked);
        measures = written.lines;
    }

    let mut items = Vec::new();
    for it in &plan.body.items {
        let after = import_item_state(&plan, it);
        let before = before_items.get(&it.number).cloned();
        let (change, fields) = match &before {
            None => ("created", Vec::new()),
            Some(b) => {
                let mut f = Vec::new();
                if b.action != after.action || b.task != after.task {
                    f.push("task".to_owned());
                }
                if b.text != after.text {
                    f.push("text".to_owned());
                }
                if b.leads != after.leads || b.lead_text != after.lead_text {
                    f.push("leads".to_owned());
                }
                if b.units != after.units
                    || b.vias != after.vias
                    || b.responsible_text != after.responsible_text
                {
                    f.push("units".to_owned());
                }
                if b.deadlines != after.deadlines {
                    f.push("deadlines".to_owned());
                }
                (if f.is_empty() { "unchanged" } else { "updated" }, f)
            }
        };
        items.push(crate::ImportItemChange {
            number: it.number,
            change: change.to_owned(),
            fields,
            before,
            after,
        });
    }
    let count = |c: &str| items.iter().filter(|i| i.change == c).count() as u64;
    let not_in_file: Vec<i32> = before_items
        .keys()
        .filter(|n| !plan.body.items.iter().any(|it| it.number == **n))
        .copied()
        .collect();
    let changes = rows.inserted + rows.updated > 0;
    let mut report = crate::ImportPlanReport {
        plan: plan.code.as_str().to_owned(),
        plan_created: stored_plan.is_none(),
        plan_changes,
        created: count("created"),
        updated: count("updated"),
        unchanged: count("unchanged"),
        items,
        not_in_file,
        blocked,
        measures,
        rows_inserted: rows.inserted,
        rows_updated: rows.updated,
        rows_unchanged: rows.unchanged,
        committed: false,
    };
    if commit && changes && report.blocked.is_empty() {
        let after = serde_json::json!({
            "plan": report.plan,
            "plan_created": report.plan_created,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "updated_items": report.items.iter().filter(|i| i.change == "updated").map(|i| i.number).collect::<Vec<_>>(),
            "rows_inserted": report.rows_inserted,
            "rows_updated": report.rows_updated,
        });
        audit(
            &mut tx,
            actor,
            "plan.import",
            "plan",
            plan.code.as_str(),
            None,
            Some(&after.to_string()),
            now,
        )
        .await?;
        tx.commit().await?;
        report.committed = true;
    } else {
        tx.rollback().await?;
    }
    Ok(report)
}
