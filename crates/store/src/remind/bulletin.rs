//! The closed monthly 通报 and the entries recorded after it closed.
//!
//! Written once, compiled per backend: `sqlite.rs` and `postgres.rs` each declare this file as a
//! module of theirs (see `src/queries.rs`).

use super::*;

/// id, month, doc no, closed by, by name, closed at, data version, overview JSON, demo.
type BulletinTuple = (
    i64,
    String,
    String,
    String,
    String,
    chrono::DateTime<chrono::Utc>,
    i64,
    String,
    bool,
);

const BULLETIN_COLUMNS: &str =
    "id, month, doc_no, closed_by, closed_by_name, closed_at, data_version, overview, is_demo";

fn bulletin_of(t: BulletinTuple) -> crate::BulletinRecord {
    let (id, month, doc_no, closed_by, closed_by_name, closed_at, data_version, overview, is_demo) =
        t;
    crate::BulletinRecord {
        id,
        month,
        doc_no,
        closed_by,
        closed_by_name,
        closed_at,
        data_version,
        overview,
        is_demo,
    }
}

/// Closes a month: keeps its 总览, audited. `Ok(Err(existing))` when it was closed before
/// (nothing written).
pub(crate) async fn close_month(
    pool: &Pool,
    b: &crate::NewBulletin<'_>,
) -> Result<Result<crate::BulletinRecord, crate::BulletinRecord>, StoreError> {
    let now = chrono::SubsecRound::trunc_subsecs(b.closed_at, 6);
    let mut tx = begin_write(pool).await?;
    let row: Option<BulletinTuple> = sqlx::query_as(&format!(
        "INSERT INTO bulletins (month, doc_no, closed_by, closed_by_name, closed_at, data_version,
             overview, is_demo)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (month) DO NOTHING
         RETURNING {BULLETIN_COLUMNS}"
    ))
    .bind(b.month)
    .bind(b.doc_no)
    .bind(b.closed_by)
    .bind(b.closed_by_name)
    .bind(now)
    .bind(b.data_version)
    .bind(b.overview)
    .bind(b.is_demo)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        let existing: BulletinTuple = sqlx::query_as(&format!(
            "SELECT {BULLETIN_COLUMNS} FROM bulletins WHERE month = $1"
        ))
        .bind(b.month)
        .fetch_one(&mut *tx)
        .await?;
        return Ok(Err(bulletin_of(existing)));
    };
    let after = serde_json::json!({
        "month": b.month, "doc_no": b.doc_no, "data_version": b.data_version,
    })
    .to_string();
    audit(
        &mut tx,
        b.closed_by,
        AuditAction::BulletinClose,
        b.month,
        None,
        Some(&after),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(bulletin_of(row)))
}

pub(crate) async fn bulletin(
    pool: &Pool,
    month: &str,
) -> Result<Option<crate::BulletinRecord>, StoreError> {
    let row: Option<BulletinTuple> = sqlx::query_as(&format!(
        "SELECT {BULLETIN_COLUMNS} FROM bulletins WHERE month = $1"
    ))
    .bind(month)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(bulletin_of))
}

/// The closed months, newest first: (month, 文号, closed at, demo).
pub(crate) async fn bulletin_months(pool: &Pool) -> Result<Vec<crate::BulletinMonth>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT month, doc_no, closed_at, is_demo FROM bulletins ORDER BY month DESC",
    )
    .fetch_all(pool)
    .await?)
}

/// Plan code, plan name, item number, unit, state or decision, day, by, recorded at.
type LateRow = (
    String,
    String,
    i32,
    String,
    String,
    chrono::NaiveDate,
    String,
    chrono::DateTime<chrono::Utc>,
);

/// What was recorded after `after` for days up to `until` (reports and reviews) and for the
/// months of `year` up to `month` (readings): the 通报后更正 of a closed month, oldest first.
pub(crate) async fn entries_after(
    pool: &Pool,
    until: chrono::NaiveDate,
    year: i32,
    month: u32,
    after: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<sanzhi_domain::overview::LateEntry>, StoreError> {
    use sanzhi_domain::overview::LateEntry;
    let reports: Vec<LateRow> = sqlx::query_as(
        "SELECT p.code, p.short_name, w.number, u.name, r.state, r.reported_on, r.reporter,
                    r.created_at
             FROM progress_reports r
             JOIN assignments a ON a.id = r.assignment_id
             JOIN work_items w ON w.id = a.work_item_id
             JOIN plans p ON p.id = w.plan_id
             JOIN units u ON u.id = a.unit_id
             WHERE r.reported_on <= $1 AND r.created_at > $2",
    )
    .bind(until)
    .bind(after)
    .fetch_all(pool)
    .await?;
    let reviews: Vec<LateRow> = sqlx::query_as(
        "SELECT p.code, p.short_name, w.number, u.name, v.decision, v.reviewed_on, v.reviewer,
                    v.created_at
             FROM report_reviews v
             JOIN progress_reports r ON r.id = v.report_id
             JOIN assignments a ON a.id = r.assignment_id
             JOIN work_items w ON w.id = a.work_item_id
             JOIN plans p ON p.id = w.plan_id
             JOIN units u ON u.id = a.unit_id
             WHERE v.reviewed_on <= $1 AND v.created_at > $2",
    )
    .bind(until)
    .bind(after)
    .fetch_all(pool)
    .await?;
    type ReadingRow = (
        String,
        String,
        i32,
        i32,
        f64,
        String,
        chrono::DateTime<chrono::Utc>,
    );
    let readings: Vec<ReadingRow> = sqlx::query_as(
        "SELECT r.indicator, r.place, r.year, r.month, r.value, r.recorded_by, r.recorded_at
         FROM readings r
         WHERE r.year = $1 AND r.month <= $2 AND r.recorded_at > $3",
    )
    .bind(year)
    .bind(i32::try_from(month).unwrap_or(12))
    .bind(after)
    .fetch_all(pool)
    .await?;
    let mut out: Vec<LateEntry> = Vec::new();
    for (code, plan, n, unit, state, on, by, at) in reports {
        let state = sanzhi_domain::ReportState::parse(&state)
            .map_or(state.clone(), |s| s.label_zh().to_owned());
        out.push(LateEntry {
            kind: "report".into(),
            what: format!("{plan} ({n}) {unit}：{state}报告（报告日 {on}）"),
            by,
            at,
            href: Some(format!("/plans/{code}/items/{n}")),
        });
    }
    for (code, plan, n, unit, decision, on, by, at) in reviews {
        let decision = match decision.as_str() {
            "accepted" => "签收",
            "returned" => "退回",
            other => other,
        };
        out.push(LateEntry {
            kind: "review".into(),
            what: format!("{plan} ({n}) {unit}：完成报告{decision}（{on}）"),
            by,
            at,
            href: Some(format!("/plans/{code}/items/{n}")),
        });
    }
    for (indicator, place, y, m, value, by, at) in readings {
        out.push(LateEntry {
            kind: "reading".into(),
            what: format!("读数 {indicator} · {place} · {y}年{m}月 = {value}"),
            by,
            at,
            href: Some(format!("/readings?indicator={indicator}&year={y}")),
        });
    }
    out.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.what.cmp(&b.what)));
    Ok(out)
}
