//! Plan import: an allocation table becomes one plan, matched against what is stored.
//!
//! Written once, compiled per backend: `sqlite.rs` and `postgres.rs` each declare this file as a
//! module of theirs (see `src/queries.rs`).

use super::*;

/// Every alias with the canonical name of its unit.
pub(crate) async fn unit_aliases(pool: &Pool) -> Result<Vec<crate::UnitAlias>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT a.alias, u.name AS unit FROM unit_aliases a JOIN units u ON u.id = a.unit_id
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
fn import_item_state(plan: &SeedPlan, it: &sanzhi_model::SeedItem) -> crate::ImportItemState {
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
    body: &mut sanzhi_model::PlanBody,
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
    let (plan_changes, before_items) = match &stored_plan {
        None => {
            let next: Option<i32> = sqlx::query_scalar("SELECT MAX(sort_order) FROM plans")
                .fetch_one(&mut *tx)
                .await?;
            plan.sort_order = next.unwrap_or(0) + 1;
            (Vec::new(), std::collections::BTreeMap::new())
        }
        Some(row) => {
            let changes = merge_with_stored(&mut tx, row, &mut plan, &mut blocked).await?;
            (changes, import_item_states(&mut tx, row.0).await?)
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

    let items = item_changes(&plan, &before_items);
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
        record_import(&mut tx, actor, &plan, &report, now).await?;
        tx.commit().await?;
        report.committed = true;
    } else {
        tx.rollback().await?;
    }
    Ok(report)
}

/// Carries over from the stored plan what an allocation table does not carry (its sort
/// order and provenance, goals when the file has none, the provenance of actions, tasks and
/// items, the items' targets, the source notes), renumbers the file's tasks as stored, and
/// notes in `blocked` what the file may not do (drop a unit with reports, drop an item or task
/// with source notes). Returns how the plan's own fields change.
async fn merge_with_stored(
    tx: &mut Tx<'_>,
    row: &ImportPlanRow,
    plan: &mut SeedPlan,
    blocked: &mut Vec<String>,
) -> Result<Vec<crate::FieldChange>, StoreError> {
    let (plan_id, _, _, _, _, _, _, _, sort_order, provenance) = row;
    let plan_id = *plan_id;
    plan.sort_order = *sort_order;
    plan.provenance = provenance.clone();
    renumber_like_stored(tx, plan_id, &mut plan.body).await?;
    let goals: Vec<String> =
        sqlx::query_scalar("SELECT body FROM plan_goals WHERE plan_id = $1 ORDER BY seq")
            .bind(plan_id)
            .fetch_all(&mut **tx)
            .await?;
    if plan.goals.is_empty() {
        plan.goals = goals.clone();
    }
    let changes = plan_field_changes(row, &goals, plan);
    let (tasks, items) = keep_item_details(tx, plan_id, plan, blocked).await?;
    keep_source_notes(tx, plan_id, plan, &tasks, &items, blocked).await?;
    Ok(changes)
}

/// How the plan's own fields (文号, title, owner, period, issue day, goals) change.
fn plan_field_changes(
    row: &ImportPlanRow,
    goals: &[String],
    plan: &SeedPlan,
) -> Vec<crate::FieldChange> {
    let (_, doc_no, title, short_name, owner, start, end, issued, _, _) = row;
    let mut plan_changes = Vec::new();
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
    plan_changes
}

/// A stored task: id, number, paragraph, provenance.
type StoredTask = (i64, i32, String, String);
/// A stored item: id, number, provenance.
type StoredItem = (i64, i32, String);

/// Keeps the stored provenance of actions, tasks and items, the stored paragraphs of tasks
/// and the targets of items (the table carries none of them); a unit with progress reports
/// that the file takes off an item is `blocked`. Returns the stored tasks and items.
async fn keep_item_details(
    tx: &mut Tx<'_>,
    plan_id: i64,
    plan: &mut SeedPlan,
    blocked: &mut Vec<String>,
) -> Result<(Vec<StoredTask>, Vec<StoredItem>), StoreError> {
    let actions: Vec<(i32, String)> =
        sqlx::query_as("SELECT seq, provenance FROM actions WHERE plan_id = $1")
            .bind(plan_id)
            .fetch_all(&mut **tx)
            .await?;
    for a in &mut plan.body.actions {
        if let Some((_, p)) = actions.iter().find(|(s, _)| *s == a.seq) {
            a.provenance = p.clone();
        }
    }
    let tasks: Vec<StoredTask> =
        sqlx::query_as("SELECT id, number, paragraph, provenance FROM tasks WHERE plan_id = $1")
            .bind(plan_id)
            .fetch_all(&mut **tx)
            .await?;
    for t in &mut plan.body.tasks {
        if let Some((_, _, para, p)) = tasks.iter().find(|(_, n, _, _)| *n == t.number) {
            t.paragraph = para.clone();
            t.provenance = p.clone();
        }
    }
    let items: Vec<StoredItem> =
        sqlx::query_as("SELECT id, number, provenance FROM work_items WHERE plan_id = $1")
            .bind(plan_id)
            .fetch_all(&mut **tx)
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
        .fetch_all(&mut **tx)
        .await?;
        for t in targets {
            let direction =
                Direction::parse(&t.direction).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            it.targets.push(sanzhi_model::SeedTarget {
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
        .fetch_all(&mut **tx)
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
    Ok((tasks, items))
}

/// Keeps the plan's stored source notes on what the file still has; a note on an item or
/// task the file drops is `blocked` (the file must keep it).
async fn keep_source_notes(
    tx: &mut Tx<'_>,
    plan_id: i64,
    plan: &mut SeedPlan,
    tasks: &[StoredTask],
    items: &[StoredItem],
    blocked: &mut Vec<String>,
) -> Result<(), StoreError> {
    let notes: Vec<ImportNoteRow> = sqlx::query_as(
        "SELECT kind, work_item_id, task_id, action_id, field, table_says, other_says, note
             FROM source_notes WHERE plan_id = $1 ORDER BY seq",
    )
    .bind(plan_id)
    .fetch_all(&mut **tx)
    .await?;
    let action_seqs: Vec<(i64, i32)> =
        sqlx::query_as("SELECT id, seq FROM actions WHERE plan_id = $1")
            .bind(plan_id)
            .fetch_all(&mut **tx)
            .await?;
    for (kind, item_id, task_id, action_id, field, table_says, other_says, note) in notes {
        // A note on an action's title: kept when the file has an action of that title.
        let action = match action_id {
            Some(id) => {
                let seq = action_seqs.iter().find(|(a, _)| *a == id).map(|(_, s)| *s);
                match seq {
                    Some(seq) if plan.body.actions.iter().any(|a| a.seq == seq) => Some(seq),
                    _ => continue,
                }
            }
            None => None,
        };
        let item = item_id.and_then(|i| items.iter().find(|(id, _, _)| *id == i).map(|x| x.1));
        let task = task_id.and_then(|i| tasks.iter().find(|(id, _, _, _)| *id == i).map(|x| x.1));
        let item_ok = item.is_none_or(|n| plan.body.items.iter().any(|it| it.number == n));
        let task_ok = task.is_none_or(|n| plan.body.tasks.iter().any(|t| t.number == n));
        if !item_ok || !task_ok {
            blocked.push(match item {
                Some(n) if !item_ok => {
                    format!("工作要求 ({n}) 有来源注记，但文件中没有这一项：请在文件中保留它")
                }
                _ => format!(
                    "任务 {} 有来源注记，但文件中没有这一任务：请在文件中保留它",
                    task.unwrap_or_default()
                ),
            });
            continue;
        }
        let kind = NoteKind::parse(&kind).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        plan.body.notes.push(sanzhi_model::SeedNote {
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
    Ok(())
}

/// What the import does to each item of the file: created, updated (naming the fields), or
/// unchanged.
fn item_changes(
    plan: &SeedPlan,
    before_items: &std::collections::BTreeMap<i32, crate::ImportItemState>,
) -> Vec<crate::ImportItemChange> {
    let mut items = Vec::new();
    for it in &plan.body.items {
        let after = import_item_state(plan, it);
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
    items
}

/// The import's audit entry: what it created and updated.
async fn record_import(
    tx: &mut Tx<'_>,
    actor: &str,
    plan: &SeedPlan,
    report: &crate::ImportPlanReport,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
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
        tx,
        actor,
        AuditAction::PlanImport,
        plan.code.as_str(),
        None,
        Some(&after.to_string()),
        now,
    )
    .await?;
    Ok(())
}
