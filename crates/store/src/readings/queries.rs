//! Monitoring readings and their places: reading them back, counting, clearing the demo ones.
//!
//! Written once, compiled per backend: `sqlite.rs` and `postgres.rs` each declare this file as a
//! module of theirs (see `src/queries.rs`).

use super::*;

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
    // Each name once, in the order first met (a province lists thousands: a search of the
    // list for every row was quadratic, ~60 ms per pushed reading).
    let ordered = |rows: Vec<(String,)>| {
        let mut seen = rustc_hash::FxHashSet::default();
        let mut out: Vec<String> = Vec::new();
        for (name,) in rows {
            if seen.insert(name.clone()) {
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
    // The drains with an absolute limit, then those with only a relative one.
    let mut drain_rows: Vec<(String,)> =
        sqlx::query_as("SELECT drain FROM drain_limits ORDER BY seq")
            .fetch_all(pool)
            .await?;
    drain_rows.extend(
        sqlx::query_as::<_, (String,)>("SELECT drain FROM drain_relative_limits ORDER BY seq")
            .fetch_all(pool)
            .await?,
    );
    let drains = ordered(drain_rows);
    Ok(sanzhi_domain::Places {
        areas,
        sections,
        drains,
        indicators: plan_indicators(pool, false).await?,
    })
}

pub(super) const READING_COLUMNS: &str =
    "id, indicator, place, year, month, value, valid_days, provisional,
    source, is_demo, note, recorded_by, recorded_at";

pub(super) type ReadingTuple = (
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

/// A stored month (1–12 by the table's check) as the domain holds it.
fn stored_month(month: i32) -> Result<u32, StoreError> {
    u32::try_from(month).map_err(|e| StoreError::Corrupt(e.to_string()))
}

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
        month: stored_month(month)?,
    })
}

pub(super) fn reading_of(t: ReadingTuple) -> Result<sanzhi_domain::Reading, StoreError> {
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

/// The query of `columns` of the readings a [`crate::ReadingFilter`] selects (bound as $1–$5:
/// from year, to year, indicator or prefix, prefix pattern, place), in indicator, place,
/// period order.
fn filtered_sql(columns: &str) -> String {
    format!(
        "SELECT {columns} FROM readings
         WHERE year BETWEEN $1 AND $2
           AND ($3 = '' OR indicator = $3 OR indicator LIKE $4)
           AND ($5 = '' OR place = $5)
         ORDER BY indicator, place, year, month"
    )
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
    let sql = filtered_sql(columns);
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

/// The columns of a [`sanzhi_domain::ReadingValue`], in the order [`values_of`] reads them.
const VALUE_COLUMNS: &str =
    "indicator, place, year, month, value, valid_days, provisional, is_demo";

/// The readings a query gives, as they arrive (no row is held as text of its own first), each
/// indicator and place one [`sanzhi_domain::reading::Name`] for every row of the read: a year
/// at province is ~335,000 readings of ~30,000 series (issue 26).
async fn values_of<'q>(
    rows: impl futures_util::Stream<Item = Result<<Db as sqlx::Database>::Row, sqlx::Error>> + 'q,
) -> Result<Vec<sanzhi_domain::ReadingValue>, StoreError> {
    use futures_util::TryStreamExt;
    use sqlx::Row;
    let mut names = sanzhi_domain::reading::Names::default();
    let mut out = Vec::new();
    let mut rows = std::pin::pin!(rows);
    while let Some(row) = rows.try_next().await? {
        let month: i32 = row.try_get(3)?;
        let valid_days: Option<i32> = row.try_get(5)?;
        out.push(sanzhi_domain::ReadingValue {
            key: sanzhi_domain::ValueKey {
                indicator: names.name(row.try_get::<&str, _>(0)?),
                place: names.name(row.try_get::<&str, _>(1)?),
                year: row.try_get(2)?,
                month: stored_month(month)?,
            },
            value: row.try_get(4)?,
            valid_days: valid_days.and_then(|d| u32::try_from(d).ok()),
            provisional: row.try_get(6)?,
            is_demo: row.try_get(7)?,
        });
    }
    out.shrink_to_fit();
    Ok(out)
}

/// [`readings`] without who recorded them: what standings read (a year of them for the
/// overview).
pub(crate) async fn reading_values(
    pool: &Pool,
    filter: &crate::ReadingFilter,
) -> Result<Vec<sanzhi_domain::ReadingValue>, StoreError> {
    let sql = filtered_sql(VALUE_COLUMNS);
    let prefix = filter.indicator.clone().unwrap_or_default();
    let like = format!("{prefix}%");
    let place = filter.place.clone().unwrap_or_default();
    values_of(
        sqlx::query(&sql)
            .bind(filter.from_year)
            .bind(filter.to_year)
            .bind(&prefix)
            .bind(&like)
            .bind(&place)
            .fetch(pool),
    )
    .await
}

/// Every reading of `year` in the order the table keeps them (no sort: on SQLite the key's
/// order, (year, month, indicator, place)); the readings mirror sorts them its own way, so
/// SQLite need not sort a year (~335,000 rows at province) in its own memory first.
pub(crate) async fn year_values(
    pool: &Pool,
    year: i32,
) -> Result<Vec<sanzhi_domain::ReadingValue>, StoreError> {
    let sql = format!("SELECT {VALUE_COLUMNS} FROM readings WHERE year = $1");
    values_of(sqlx::query(&sql).bind(year).fetch(pool)).await
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
        bump_readings_version(&mut tx, &ReadingChanges::every_year()).await?;
    }
    tx.commit().await?;
    Ok(n)
}

pub(crate) async fn reading_counts(
    pool: &Pool,
) -> Result<sanzhi_domain::reading::ReadingCounts, StoreError> {
    let (total, demo) = sqlx::query_as(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN is_demo THEN 1 ELSE 0 END), 0) FROM readings",
    )
    .fetch_one(pool)
    .await?;
    Ok(sanzhi_domain::reading::ReadingCounts { total, demo })
}

/// What changed since readings version `since`: (year, indicator, place) of each series
/// changed — `*` for every series of the year, year 0 for every year — or `None` when the
/// records of some of those changes were pruned: then everything must be read again.
pub(crate) async fn reading_changes_since(
    pool: &Pool,
    since: i64,
) -> Result<Option<Vec<(i32, String, String)>>, StoreError> {
    let pruned_below: i64 =
        sqlx::query_scalar("SELECT pruned_below FROM reading_changes_state WHERE id = 1")
            .fetch_one(pool)
            .await?;
    if since < pruned_below {
        return Ok(None);
    }
    Ok(Some(
        sqlx::query_as(
            "SELECT DISTINCT year, indicator, place FROM reading_changes WHERE version > $1",
        )
        .bind(since)
        .fetch_all(pool)
        .await?,
    ))
}

/// The readings of one series (an indicator at a place in a year), by month: twelve seeks on
/// the unique key (on SQLite (year, month, indicator, place), migration 30).
pub(crate) async fn series_values(
    pool: &Pool,
    indicator: &str,
    place: &str,
    year: i32,
) -> Result<Vec<sanzhi_domain::ReadingValue>, StoreError> {
    let sql = format!(
        "SELECT {VALUE_COLUMNS}
         FROM readings
         WHERE year = $3 AND month IN (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)
           AND indicator = $1 AND place = $2
         ORDER BY month"
    );
    values_of(
        sqlx::query(&sql)
            .bind(indicator)
            .bind(place)
            .bind(year)
            .fetch(pool),
    )
    .await
}
