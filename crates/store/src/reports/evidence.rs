//! Evidence files uploaded for an assignment and bound to its reports.
//!
//! Written once, compiled per backend: `sqlite.rs` and `postgres.rs` each declare this file as a
//! module of theirs (see `src/queries.rs`).

use super::*;

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
        AuditAction::ReportFile,
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
) -> Result<Option<crate::StoredFile>, StoreError> {
    type WithData = (i64, i64, Option<i64>, String, String, i64, String, Vec<u8>);
    let row: Option<WithData> = sqlx::query_as(&format!(
        "SELECT {FILE_COLUMNS}, data FROM report_files WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(pool)
    .await?;
    Ok(
        row.map(|(id, a, r, name, ty, size, by, data)| crate::StoredFile {
            file: evidence_of((id, a, r, name, ty, size, by)),
            data,
        }),
    )
}
