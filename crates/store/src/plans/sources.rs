//! The plans' source documents and where each action, task and item is in them.
//!
//! Written once, compiled per backend: `sqlite.rs` and `postgres.rs` each declare this file as a
//! module of theirs (see `src/queries.rs`).

use super::*;

/// Where the item, its task and its action are in the plan's source document.
pub(super) async fn item_sources(
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
pub(super) async fn load_sources(
    tx: &mut Tx<'_>,
    plan_id: i64,
    plan: &sanzhi_model::SeedPlan,
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
    let mut push = |kind: &str, number: i32, lines: Option<sanzhi_model::SourceLines>| {
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
