//! Writing readings in one transaction (a batch or a stream of batches): new keys inserted,
//! changed values replacing the stored ones with their history kept.
//!
//! Written once, compiled per backend: `sqlite.rs` and `postgres.rs` each declare this file as a
//! module of theirs (see `src/queries.rs`).

use super::*;

/// Readings per statement when writing a batch: 2,000 × 8 parameters stays under both
/// backends' limits on bound parameters (SQLite 32,766, PostgreSQL 65,535). Each statement
/// is a round trip to the connection's worker (SQLite) or the server (PostgreSQL) while the
/// other side waits: a million-row import makes 500 of them, not 2,000.
const READING_CHUNK: usize = 2_000;
/// A write of more readings than this is a bulk write (see `bulk_cache`).
const BULK_WRITE: usize = 500;

/// Writes readings in one transaction: new keys are inserted, changed values replace the
/// stored ones (which go to reading_history), identical ones are left alone.
pub(crate) async fn write_readings(
    pool: &Pool,
    readings: &[sanzhi_domain::NewReading],
    source: sanzhi_domain::ReadingSource,
    by: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<crate::ReadingsWritten, StoreError> {
    // A large write gets a larger page cache for its transaction (see `bulk_cache`).
    let bulk = readings.len() > BULK_WRITE;
    let mut conn = pool.acquire().await?;
    if bulk {
        bulk_cache(&mut conn, true).await?;
    }
    let written = async {
        let mut tx = begin_write_on(&mut conn).await?;
        if bulk {
            prefer_index_lookups(&mut tx).await?;
        }
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
        prefer_index_lookups(&mut tx).await?;
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
    /// The series written (inserted or replaced), for the readings mirrors.
    changes: ReadingChanges,
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
        // Recorded even when left unchanged (then the version does not move, and nothing is
        // recorded at all unless something else changed): a mirror reads the series again.
        w.changes.add(&r.key);
        if w.years_read.insert(r.key.year) {
            // Twelve index seeks on the key's (year, month), not `SELECT DISTINCT month …
            // WHERE year = $1`, which walked every reading of the year (~335,000 at
            // province scale, ~22 ms warm) inside the write transaction: under the mixed
            // load a one-reading push held SQLite's write lock ~80 ms and the reports
            // queued behind it (report p99 72 ms with pushes, 25 ms without).
            let months: Vec<i32> = sqlx::query_scalar(
                "WITH m (month) AS (VALUES (1), (2), (3), (4), (5), (6), (7), (8), (9), (10), \
                 (11), (12)) \
                 SELECT m.month FROM m WHERE EXISTS \
                 (SELECT 1 FROM readings r WHERE r.year = $1 AND r.month = m.month)",
            )
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
            AuditAction::ReadingAdd,
            &key,
            None,
            Some(&after),
            now,
        )
        .await?;
    }
    if out.inserted > 0 || out.replaced > 0 {
        bump_readings_version(tx, &w.changes).await?;
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
    // On PostgreSQL the lookup is planned at each use, not kept per connection: a plan kept
    // from a small write (a hash join over a scan, right for a small table) was reused by the
    // bulk writes that followed on the same connection, ~1.8 s per 500 keys at province scale.
    // SQLite's plans follow its indexes, and preparing the statement again would cost the 1M-row
    // import.
    let keep_plan = <Db as sqlx::Database>::NAME == "SQLite";
    let mut q = sqlx::query_as::<_, ReadingTuple>(&sql).persistent(keep_plan);
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
    // The statement of a full chunk is the same every time: written once.
    static FULL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let built;
    let sql = if rows.len() == READING_CHUNK {
        FULL.get_or_init(|| insert_sql(READING_CHUNK)).as_str()
    } else {
        built = insert_sql(rows.len());
        built.as_str()
    };
    let mut q = sqlx::query(sql)
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

/// The insert of `n` readings: what every row shares is bound once (parameters 1–4), then
/// eight parameters per row.
///
/// On SQLite `INSERT OR FAIL`: a failing row stops the statement without undoing the rows
/// before it, so SQLite keeps no statement journal (a copy of every page the statement
/// changes); the whole transaction is rolled back on any error anyway. With the indicator's
/// foreign key checked at commit (migration 30) nothing else makes it keep one.
fn insert_sql(n: usize) -> String {
    let verb = if <Db as sqlx::Database>::NAME == "SQLite" {
        "INSERT OR FAIL"
    } else {
        "INSERT"
    };
    let mut sql = format!(
        "{verb} INTO readings (indicator, place, year, month, value, valid_days, provisional,
             source, is_demo, note, recorded_by, recorded_at)
         SELECT k.column1, k.column2, k.column3, k.column4, k.column5, k.column6, k.column7,
             {}, {}, k.column8, {}, {}
         FROM (VALUES ",
        param(1),
        param(2),
        param(3),
        param(4)
    );
    for i in 0..n {
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
    sql
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
            AuditAction::ReadingReplace,
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
