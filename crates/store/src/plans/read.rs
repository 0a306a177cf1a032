//! Reading plans: the list, a plan's detail and tree, one item's detail, the units.
//!
//! Written once, compiled per backend: `sqlite.rs` and `postgres.rs` each declare this file as a
//! module of theirs (see `src/queries.rs`).

use super::*;

const PLAN_SELECT: &str = "
    SELECT p.id, p.code, p.doc_no, p.title, p.short_name, p.short_name_en, p.status,
           p.closed_on, u.name AS owner_office,
           p.start_year, p.end_year, p.provenance,
           (SELECT COUNT(*) FROM actions a WHERE a.plan_id = p.id) AS action_count,
           (SELECT COUNT(*) FROM tasks t WHERE t.plan_id = p.id) AS task_count,
           (SELECT COUNT(*) FROM work_items w WHERE w.plan_id = p.id) AS work_item_count
    FROM plans p
    JOIN units u ON u.id = p.owner_unit_id";

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

pub(crate) async fn units(pool: &Pool) -> Result<Vec<crate::UnitRecord>, StoreError> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT name, kind FROM units ORDER BY kind, id")
            .fetch_all(pool)
            .await?;
    rows.into_iter()
        .map(|(name, k)| {
            let kind = UnitKind::parse(&k).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            Ok(crate::UnitRecord { name, kind })
        })
        .collect()
}
