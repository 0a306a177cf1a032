//! A plan's own indicators and its yearly targets.
//!
//! Written once, compiled per backend: `sqlite.rs` and `postgres.rs` each declare this file as a
//! module of theirs (see `src/queries.rs`).

use super::*;

/// (code, name, name_en, unit, better, place_kind, plan_code, aggregate, max_plausible,
/// plan's short name).
type PlanIndicatorRow = (
    String,
    String,
    Option<String>,
    String,
    String,
    String,
    String,
    String,
    Option<f64>,
    String,
);

fn plan_indicator_of(row: PlanIndicatorRow) -> Result<sanzhi_domain::PlanIndicator, StoreError> {
    use sanzhi_domain::{Aggregate, Better, PlaceKind};
    let (code, name_zh, name_en, unit, better, place_kind, plan, aggregate, max, plan_name) = row;
    let corrupt =
        |what: &str, v: &str| StoreError::Corrupt(format!("indicator {code}: {what} {v}"));
    Ok(sanzhi_domain::PlanIndicator {
        better: Better::parse(&better).ok_or_else(|| corrupt("better", &better))?,
        place_kind: match place_kind.as_str() {
            "area" => PlaceKind::Area,
            "section" => PlaceKind::Section,
            "drain" => PlaceKind::Drain,
            "city" => PlaceKind::City,
            other => return Err(corrupt("place_kind", other)),
        },
        aggregate: Aggregate::parse(&aggregate).ok_or_else(|| corrupt("aggregate", &aggregate))?,
        max_plausible: max.unwrap_or(f64::MAX),
        code,
        name_zh,
        name_en,
        unit,
        plan,
        plan_name,
    })
}

/// The indicators plans define beside the catalogue; `with_drafts` includes those of plans
/// not yet in effect (an import checks against every one).
pub(crate) async fn plan_indicators(
    pool: &Pool,
    with_drafts: bool,
) -> Result<Vec<sanzhi_domain::PlanIndicator>, StoreError> {
    let rows: Vec<PlanIndicatorRow> = sqlx::query_as(
        "SELECT i.code, i.name, i.name_en, i.unit, i.better, i.place_kind, i.plan_code,
                i.aggregate, i.max_plausible, p.short_name
         FROM indicators i JOIN plans p ON p.code = i.plan_code
         WHERE i.max_plausible IS NOT NULL AND ($1 OR p.status <> 'draft')
         ORDER BY i.seq",
    )
    .bind(with_drafts)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .filter(|r| sanzhi_domain::indicator(&r.0).is_none())
        .map(plan_indicator_of)
        .collect()
}

/// The targets plans in effect (or closed) set, in the plans' order.
pub(crate) async fn plan_targets(
    pool: &Pool,
) -> Result<Vec<sanzhi_domain::PlanTarget>, StoreError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        plan_code: String,
        indicator: String,
        place: String,
        year: i32,
        value: f64,
        raw: String,
        provenance: String,
        short_name: String,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT t.plan_code, t.indicator, t.place, t.year, t.value, t.raw, t.provenance,
                p.short_name
         FROM indicator_targets t JOIN plans p ON p.code = t.plan_code
         WHERE p.status <> 'draft'
         ORDER BY p.sort_order, t.id",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| sanzhi_domain::PlanTarget {
            plan: r.plan_code,
            plan_name: r.short_name,
            indicator: r.indicator,
            place: r.place,
            year: r.year,
            value: r.value,
            raw: r.raw,
            provenance: r.provenance,
        })
        .collect())
}

/// (plan_code, name, name_en, unit, better, place_kind, aggregate, max_plausible) of a stored
/// indicator, as a plan's import compares it.
type IndicatorColumns = (
    String,
    String,
    Option<String>,
    String,
    String,
    String,
    String,
    Option<f64>,
);

/// What writing a plan's measures did, and what stops it.
#[derive(Default)]
pub(super) struct MeasuresWritten {
    pub(super) lines: Vec<String>,
    pub(super) blocked: Vec<String>,
}

/// Writes `measures` for `plan` in the import's transaction: its own indicators upserted
/// (never deleted: readings refer to them), its targets replaced by the file's. A target
/// another plan or a reference table already sets, or an indicator code another plan owns,
/// blocks the import.
pub(super) async fn write_measures(
    tx: &mut Tx<'_>,
    plan: &str,
    measures: &sanzhi_domain::PlanMeasures,
    report: &mut SeedReport,
) -> Result<MeasuresWritten, StoreError> {
    let mut out = MeasuresWritten::default();
    write_plan_indicators(tx, plan, measures, report, &mut out).await?;
    if out.blocked.is_empty() {
        write_plan_targets(tx, plan, measures, report, &mut out).await?;
    }
    Ok(out)
}

/// The plan's own indicators, upserted by code; a code another plan owns is `blocked`.
async fn write_plan_indicators(
    tx: &mut Tx<'_>,
    plan: &str,
    measures: &sanzhi_domain::PlanMeasures,
    report: &mut SeedReport,
    out: &mut MeasuresWritten,
) -> Result<(), StoreError> {
    for d in &measures.indicators {
        let stored: Option<IndicatorColumns> = sqlx::query_as(
            "SELECT plan_code, name, name_en, unit, better, place_kind, aggregate, max_plausible
                 FROM indicators WHERE code = $1",
        )
        .bind(&d.code)
        .fetch_optional(&mut **tx)
        .await?;
        let want = (
            plan.to_owned(),
            d.name_zh.clone(),
            d.name_en.clone(),
            d.unit.clone(),
            d.better.as_str().to_owned(),
            place_kind_str(d.place_kind).to_owned(),
            d.aggregate.as_str().to_owned(),
            Some(d.max_plausible),
        );
        match stored {
            Some(s) if s.0 != plan => {
                out.blocked.push(format!(
                    "指标代码“{}”已属于方案“{}”：请换一个代码",
                    d.code, s.0
                ));
            }
            Some(s) if s == want => report.add(Change::Unchanged),
            Some(_) => {
                sqlx::query(
                    "UPDATE indicators SET name = $1, name_en = $2, unit = $3, better = $4,
                         place_kind = $5, aggregate = $6, max_plausible = $7 WHERE code = $8",
                )
                .bind(&want.1)
                .bind(&want.2)
                .bind(&want.3)
                .bind(&want.4)
                .bind(&want.5)
                .bind(&want.6)
                .bind(want.7)
                .bind(&d.code)
                .execute(&mut **tx)
                .await?;
                report.add(Change::Updated);
                out.lines
                    .push(format!("更新指标“{}”（{}）", d.name_zh, d.code));
            }
            None => {
                let seq: Option<i32> = sqlx::query_scalar("SELECT MAX(seq) FROM indicators")
                    .fetch_one(&mut **tx)
                    .await?;
                sqlx::query(
                    "INSERT INTO indicators (code, seq, name, name_en, unit, better, place_kind,
                         plan_code, aggregate, max_plausible)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(&d.code)
                .bind(seq.unwrap_or(0) + 1)
                .bind(&want.1)
                .bind(&want.2)
                .bind(&want.3)
                .bind(&want.4)
                .bind(&want.5)
                .bind(plan)
                .bind(&want.6)
                .bind(want.7)
                .execute(&mut **tx)
                .await?;
                report.add(Change::Inserted);
                out.lines.push(format!(
                    "新指标“{}”（代码 {}，{}，{}，按{}考核，{}）",
                    d.name_zh,
                    d.code,
                    d.unit,
                    d.better.label_zh(),
                    d.aggregate.label_zh(),
                    d.place_kind.label_zh()
                ));
            }
        }
    }
    Ok(())
}

/// The plan's targets, replacing its stored ones; a target another plan or a reference table
/// already sets is `blocked`.
async fn write_plan_targets(
    tx: &mut Tx<'_>,
    plan: &str,
    measures: &sanzhi_domain::PlanMeasures,
    report: &mut SeedReport,
    out: &mut MeasuresWritten,
) -> Result<(), StoreError> {
    let stored: Vec<(i64, String, String, i32, f64, String, String)> = sqlx::query_as(
        "SELECT id, indicator, place, year, value, raw, provenance
         FROM indicator_targets WHERE plan_code = $1",
    )
    .bind(plan)
    .fetch_all(&mut **tx)
    .await?;
    let (mut inserted, mut updated, mut unchanged) = (0u64, 0u64, 0u64);
    for t in &measures.targets {
        let name = sanzhi_domain::indicator(&t.indicator)
            .map(|d| d.name_zh.to_owned())
            .or_else(|| {
                measures
                    .indicators
                    .iter()
                    .find(|d| d.code == t.indicator)
                    .map(|d| d.name_zh.clone())
            })
            .unwrap_or_else(|| t.indicator.clone());
        if let Some(why) = set_elsewhere(tx, plan, t, &name).await? {
            out.blocked.push(why);
            continue;
        }
        match stored
            .iter()
            .find(|s| s.1 == t.indicator && s.2 == t.place && s.3 == t.year)
        {
            Some(s) if s.4 == t.value && s.5 == t.raw && s.6 == t.provenance => unchanged += 1,
            Some(s) => {
                sqlx::query(
                    "UPDATE indicator_targets SET value = $1, raw = $2, provenance = $3
                     WHERE id = $4",
                )
                .bind(t.value)
                .bind(&t.raw)
                .bind(&t.provenance)
                .bind(s.0)
                .execute(&mut **tx)
                .await?;
                updated += 1;
            }
            None => {
                sqlx::query(
                    "INSERT INTO indicator_targets
                         (plan_code, indicator, place, year, value, raw, provenance)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(plan)
                .bind(&t.indicator)
                .bind(&t.place)
                .bind(t.year)
                .bind(t.value)
                .bind(&t.raw)
                .bind(&t.provenance)
                .execute(&mut **tx)
                .await?;
                inserted += 1;
            }
        }
    }
    let mut removed = 0u64;
    for s in &stored {
        let kept = measures
            .targets
            .iter()
            .any(|t| s.1 == t.indicator && s.2 == t.place && s.3 == t.year);
        if !kept {
            sqlx::query("DELETE FROM indicator_targets WHERE id = $1")
                .bind(s.0)
                .execute(&mut **tx)
                .await?;
            removed += 1;
        }
    }
    for _ in 0..inserted {
        report.add(Change::Inserted);
    }
    for _ in 0..updated + removed {
        report.add(Change::Updated);
    }
    for _ in 0..unchanged {
        report.add(Change::Unchanged);
    }
    out.lines.push(format!(
        "指标目标：新增 {inserted} 条，更新 {updated} 条，删除 {removed} 条，不变 {unchanged} 条"
    ));
    Ok(())
}

/// Why a target may not be set by `plan`: another plan sets it, or a reference table does
/// (PM2.5 of 附件2, the soil rates' goals); `None` when it is free.
async fn set_elsewhere(
    tx: &mut Tx<'_>,
    plan: &str,
    t: &sanzhi_domain::PlanTarget,
    name: &str,
) -> Result<Option<String>, StoreError> {
    let other: Option<String> = sqlx::query_scalar(
        "SELECT p.short_name FROM indicator_targets t JOIN plans p ON p.code = t.plan_code
         WHERE t.indicator = $1 AND t.place = $2 AND t.year = $3 AND t.plan_code <> $4",
    )
    .bind(&t.indicator)
    .bind(&t.place)
    .bind(t.year)
    .bind(plan)
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(other) = other {
        return Ok(Some(format!(
            "“{name}”在{}的 {} 年目标已由方案“{}”设定（{}）",
            t.place, t.year, other, t.provenance
        )));
    }
    let reference: Option<String> = if t.indicator == "pm25" {
        sqlx::query_scalar("SELECT raw FROM pm25_targets WHERE area = $1 AND year = $2")
            .bind(&t.place)
            .bind(t.year)
            .fetch_optional(&mut **tx)
            .await?
    } else if let Some(metric) = sanzhi_domain::indicator(&t.indicator).and_then(|d| d.metric) {
        sqlx::query_scalar("SELECT raw FROM rate_goals WHERE metric = $1 AND year = $2")
            .bind(metric)
            .bind(t.year)
            .fetch_optional(&mut **tx)
            .await?
    } else {
        None
    };
    Ok(reference.map(|raw| {
        format!(
            "“{name}”在{}的 {} 年目标已由方案的参考表设定（“{raw}”）（{}）",
            t.place, t.year, t.provenance
        )
    }))
}
