//! The reference tables of the plans (附件 tables: PM2.5 targets, sections, drains, rates) and
//! the indicator catalogue, written from the seed; the yearly targets read back.
//!
//! Written once, compiled per backend: `sqlite.rs` and `postgres.rs` each declare this file as a
//! module of theirs (see `src/queries.rs`).

use super::*;

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

/// The seed's reference tables, each rewritten when its rows differ from what is stored.
pub(super) async fn load_reference(
    tx: &mut Tx<'_>,
    r: &sanzhi_model::reference::Reference,
    unit_ids: &HashMap<String, i64>,
    plan_ids: &HashMap<String, i64>,
    report: &mut SeedReport,
) -> Result<(), StoreError> {
    load_air_tables(tx, r, unit_ids, report).await?;
    load_water_tables(tx, r, report).await?;
    load_goal_tables(tx, r, plan_ids, report).await?;
    load_site_tables(tx, r, unit_ids, report).await?;
    Ok(())
}

/// The air plan's tables: PM2.5 targets by area and year (附件2), emission cuts.
async fn load_air_tables(
    tx: &mut Tx<'_>,
    r: &sanzhi_model::reference::Reference,
    unit_ids: &HashMap<String, i64>,
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

    Ok(())
}

/// The water plan's tables: 水十条 sections with their target class, drains with their limits.
async fn load_water_tables(
    tx: &mut Tx<'_>,
    r: &sanzhi_model::reference::Reference,
    report: &mut SeedReport,
) -> Result<(), StoreError> {
    use crate::rows::reference::*;
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

    Ok(())
}

/// The rates' goals (soil, waste) and each plan's yearly goals by task.
async fn load_goal_tables(
    tx: &mut Tx<'_>,
    r: &sanzhi_model::reference::Reference,
    plan_ids: &HashMap<String, i64>,
    report: &mut SeedReport,
) -> Result<(), StoreError> {
    use crate::rows::reference::*;
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

    Ok(())
}

/// The enterprises and monitoring stations the plans name.
async fn load_site_tables(
    tx: &mut Tx<'_>,
    r: &sanzhi_model::reference::Reference,
    unit_ids: &HashMap<String, i64>,
    report: &mut SeedReport,
) -> Result<(), StoreError> {
    use crate::rows::reference::*;
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

/// Writes the indicator catalogue of the domain crate: insert or update by code, never delete
/// (readings refer to the codes).
pub(super) async fn sync_indicators(
    tx: &mut Tx<'_>,
    report: &mut SeedReport,
) -> Result<(), StoreError> {
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
