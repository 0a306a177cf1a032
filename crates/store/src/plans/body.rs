//! A plan's body written to the store: actions, tasks and work items updated in place by
//! their numbers, each item's leads, assignments, deadlines and targets, and the plan's
//! source notes — for the seed and for a plan import alike.
//!
//! Written once, compiled per backend: `sqlite.rs` and `postgres.rs` each declare this file as a
//! module of theirs (see `src/queries.rs`).

use super::*;
use sanzhi_model::SeedItem;

/// Writes one milestone of an item.
pub(super) async fn insert_milestone(
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
pub(super) async fn keep_milestone_version(
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
pub(super) async fn remove_assignment(
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

/// Actions, tasks and items are updated in place by their numbers, so that what refers to
/// them (assignments, and later progress reports) keeps its ids. Child lists (leads,
/// milestones, targets, notes) are compared with what is stored and rewritten only when
/// they differ; assignments are matched by unit.
///
/// `changed_on`: the China day of a plan import, whose changes of an item's deadlines and units
/// are kept for replays of earlier days (see `milestone_versions`, `removed_assignments`);
/// `None` for the seed, whose corrections of the reading of the source apply to every day.
pub(super) async fn load_body(
    tx: &mut Tx<'_>,
    plan_id: i64,
    body: &PlanBody,
    unit_ids: &HashMap<String, i64>,
    report: &mut SeedReport,
    changed_on: Option<chrono::NaiveDate>,
) -> Result<(), StoreError> {
    let ids = BodyIds {
        actions: load_actions(tx, plan_id, body, report).await?,
        ..BodyIds::default()
    };
    let mut ids = BodyIds {
        tasks: load_tasks(tx, plan_id, body, &ids.actions, report).await?,
        ..ids
    };
    for it in &body.items {
        let id = load_item(tx, plan_id, it, &ids.tasks, report).await?;
        ids.items.insert(it.number, id);
        load_leads(tx, id, it, unit_ids, report).await?;
        load_assignments(tx, id, it, unit_ids, report, changed_on).await?;
        load_milestones(tx, id, it, report, changed_on).await?;
        load_targets(tx, id, it, report).await?;
    }
    load_notes(tx, plan_id, body, &ids, report).await
}

/// The stored ids of a plan's actions (by `seq`), tasks and items (by number).
#[derive(Default)]
struct BodyIds {
    actions: HashMap<i32, i64>,
    tasks: HashMap<i32, i64>,
    items: HashMap<i32, i64>,
}

/// The plan's actions, by `seq`: updated in place, inserted when new.
async fn load_actions(
    tx: &mut Tx<'_>,
    plan_id: i64,
    body: &PlanBody,
    report: &mut SeedReport,
) -> Result<HashMap<i32, i64>, StoreError> {
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
    Ok(action_ids)
}

/// The plan's tasks, by number, each under its action.
async fn load_tasks(
    tx: &mut Tx<'_>,
    plan_id: i64,
    body: &PlanBody,
    action_ids: &HashMap<i32, i64>,
    report: &mut SeedReport,
) -> Result<HashMap<i32, i64>, StoreError> {
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
    Ok(task_ids)
}

/// One work item's own row, by number, under its task; its id.
async fn load_item(
    tx: &mut Tx<'_>,
    plan_id: i64,
    it: &SeedItem,
    task_ids: &HashMap<i32, i64>,
    report: &mut SeedReport,
) -> Result<i64, StoreError> {
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
    Ok(id)
}

/// An item's lead units: the ordered list, rewritten when it differs.
async fn load_leads(
    tx: &mut Tx<'_>,
    id: i64,
    it: &SeedItem,
    unit_ids: &HashMap<String, i64>,
    report: &mut SeedReport,
) -> Result<(), StoreError> {
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

    Ok(())
}

/// An item's assignments, matched by unit so that their ids survive a reload; a unit no
/// longer named is removed (kept for replays of earlier days when an import removes it).
async fn load_assignments(
    tx: &mut Tx<'_>,
    id: i64,
    it: &SeedItem,
    unit_ids: &HashMap<String, i64>,
    report: &mut SeedReport,
    changed_on: Option<chrono::NaiveDate>,
) -> Result<(), StoreError> {
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

    Ok(())
}

/// An item's deadlines: the ordered list, rewritten when it differs (an import keeps the
/// replaced ones for replays of earlier days).
async fn load_milestones(
    tx: &mut Tx<'_>,
    id: i64,
    it: &SeedItem,
    report: &mut SeedReport,
    changed_on: Option<chrono::NaiveDate>,
) -> Result<(), StoreError> {
    let want_ms: Vec<MilestoneRow> = it.milestones.iter().map(MilestoneRow::from_seed).collect();
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

    Ok(())
}

/// An item's quantified targets: the ordered list, rewritten when it differs.
async fn load_targets(
    tx: &mut Tx<'_>,
    id: i64,
    it: &SeedItem,
    report: &mut SeedReport,
) -> Result<(), StoreError> {
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
    Ok(())
}

/// The source notes of the whole plan, rewritten when they differ.
async fn load_notes(
    tx: &mut Tx<'_>,
    plan_id: i64,
    body: &PlanBody,
    ids: &BodyIds,
    report: &mut SeedReport,
) -> Result<(), StoreError> {
    let (action_ids, task_ids, item_ids) = (&ids.actions, &ids.tasks, &ids.items);
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

pub(super) fn change_of(was_empty: bool) -> Change {
    if was_empty {
        Change::Inserted
    } else {
        Change::Updated
    }
}
