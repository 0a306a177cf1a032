// The store's queries, written once and compiled per backend: `lib.rs` includes this file
// into `mod sqlite` and `mod postgres`, each defining `type Db`. Keep placeholders in
// ascending order of first appearance (see the note in lib.rs).

use crate::rows::{PlanKeyRow, PlanRow, UnitRow};
use crate::{Change, SeedReport, StoreError};
use sanzhi_domain::{PlanCode, PlanDetail, PlanSummary};
use sanzhi_seed::{SeedBundle, SeedPlan, SeedUnit};

type Pool = sqlx::Pool<Db>;
type Tx<'c> = sqlx::Transaction<'c, Db>;

const PLAN_SELECT: &str = "
    SELECT p.id, p.code, p.doc_no, p.title, p.short_name, u.name AS owner_office,
           p.start_year, p.end_year, p.provenance,
           (SELECT COUNT(*) FROM actions a WHERE a.plan_id = p.id) AS action_count,
           (SELECT COUNT(*) FROM tasks t WHERE t.plan_id = p.id) AS task_count,
           (SELECT COUNT(*) FROM work_items w WHERE w.plan_id = p.id) AS work_item_count
    FROM plans p
    JOIN units u ON u.id = p.owner_unit_id";

pub(crate) async fn ping(pool: &Pool) -> Result<(), StoreError> {
    let one: i32 = sqlx::query_scalar("SELECT 1").fetch_one(pool).await?;
    if one == 1 {
        Ok(())
    } else {
        Err(StoreError::Corrupt(format!("SELECT 1 returned {one}")))
    }
}

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

pub(crate) async fn load_seed(pool: &Pool, seed: &SeedBundle) -> Result<SeedReport, StoreError> {
    let mut tx = pool.begin().await?;
    let mut report = SeedReport::default();
    for unit in &seed.units {
        upsert_unit(&mut tx, unit, &mut report).await?;
    }
    for plan in &seed.plans {
        upsert_plan(&mut tx, plan, &mut report).await?;
    }
    tx.commit().await?;
    Ok(report)
}

async fn upsert_unit(
    tx: &mut Tx<'_>,
    unit: &SeedUnit,
    report: &mut SeedReport,
) -> Result<i64, StoreError> {
    let existing: Option<UnitRow> =
        sqlx::query_as("SELECT id, kind, provenance FROM units WHERE name = $1")
            .bind(unit.name.as_str())
            .fetch_optional(&mut **tx)
            .await?;
    let (id, change) = match existing {
        None => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO units (name, kind, provenance) VALUES ($1, $2, $3) RETURNING id",
            )
            .bind(unit.name.as_str())
            .bind(unit.kind.as_str())
            .bind(&unit.provenance)
            .fetch_one(&mut **tx)
            .await?;
            (id, Change::Inserted)
        }
        Some(row) if row.kind == unit.kind.as_str() && row.provenance == unit.provenance => {
            (row.id, Change::Unchanged)
        }
        Some(row) => {
            sqlx::query("UPDATE units SET kind = $1, provenance = $2 WHERE id = $3")
                .bind(unit.kind.as_str())
                .bind(&unit.provenance)
                .bind(row.id)
                .execute(&mut **tx)
                .await?;
            (row.id, Change::Updated)
        }
    };
    report.add(change);
    for alias in &unit.aliases {
        let owner: Option<i64> =
            sqlx::query_scalar("SELECT unit_id FROM unit_aliases WHERE alias = $1")
                .bind(alias.as_str())
                .fetch_optional(&mut **tx)
                .await?;
        let change = match owner {
            Some(owner) if owner == id => Change::Unchanged,
            Some(_) => {
                sqlx::query("UPDATE unit_aliases SET unit_id = $1 WHERE alias = $2")
                    .bind(id)
                    .bind(alias.as_str())
                    .execute(&mut **tx)
                    .await?;
                Change::Updated
            }
            None => {
                sqlx::query("INSERT INTO unit_aliases (alias, unit_id) VALUES ($1, $2)")
                    .bind(alias.as_str())
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
                Change::Inserted
            }
        };
        report.add(change);
    }
    Ok(id)
}

async fn upsert_plan(
    tx: &mut Tx<'_>,
    plan: &SeedPlan,
    report: &mut SeedReport,
) -> Result<i64, StoreError> {
    let owner_id: i64 = sqlx::query_scalar("SELECT id FROM units WHERE name = $1")
        .bind(plan.owner.as_str())
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::MissingUnit(plan.owner.to_string()))?;
    let existing: Option<PlanKeyRow> = sqlx::query_as(
        "SELECT id, doc_no, title, short_name, owner_unit_id, start_year, end_year, sort_order,
                provenance
         FROM plans WHERE code = $1",
    )
    .bind(plan.code.as_str())
    .fetch_optional(&mut **tx)
    .await?;
    let same = |r: &PlanKeyRow| {
        r.doc_no == plan.doc_no
            && r.title == plan.title
            && r.short_name == plan.short_name
            && r.owner_unit_id == owner_id
            && r.start_year == plan.period.start_year()
            && r.end_year == plan.period.end_year()
            && r.sort_order == plan.sort_order
            && r.provenance == plan.provenance
    };
    let (id, change) = match existing {
        None => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO plans (code, doc_no, title, short_name, owner_unit_id, start_year,
                                    end_year, sort_order, provenance)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            )
            .bind(plan.code.as_str())
            .bind(&plan.doc_no)
            .bind(&plan.title)
            .bind(&plan.short_name)
            .bind(owner_id)
            .bind(plan.period.start_year())
            .bind(plan.period.end_year())
            .bind(plan.sort_order)
            .bind(&plan.provenance)
            .fetch_one(&mut **tx)
            .await?;
            (id, Change::Inserted)
        }
        Some(row) if same(&row) => (row.id, Change::Unchanged),
        Some(row) => {
            sqlx::query(
                "UPDATE plans SET doc_no = $1, title = $2, short_name = $3, owner_unit_id = $4,
                                  start_year = $5, end_year = $6, sort_order = $7,
                                  provenance = $8
                 WHERE id = $9",
            )
            .bind(&plan.doc_no)
            .bind(&plan.title)
            .bind(&plan.short_name)
            .bind(owner_id)
            .bind(plan.period.start_year())
            .bind(plan.period.end_year())
            .bind(plan.sort_order)
            .bind(&plan.provenance)
            .bind(row.id)
            .execute(&mut **tx)
            .await?;
            (row.id, Change::Updated)
        }
    };
    report.add(change);

    let stored: Vec<String> =
        sqlx::query_scalar("SELECT body FROM plan_goals WHERE plan_id = $1 ORDER BY seq")
            .bind(id)
            .fetch_all(&mut **tx)
            .await?;
    if stored != plan.goals {
        sqlx::query("DELETE FROM plan_goals WHERE plan_id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await?;
        for (seq, body) in (1i32..).zip(&plan.goals) {
            sqlx::query("INSERT INTO plan_goals (plan_id, seq, body) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(seq)
                .bind(body)
                .execute(&mut **tx)
                .await?;
        }
        report.add(if stored.is_empty() {
            Change::Inserted
        } else {
            Change::Updated
        });
    } else {
        report.add(Change::Unchanged);
    }
    Ok(id)
}
