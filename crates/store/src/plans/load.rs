//! Loading the seed: its units, unit groups, plans (each plan's row, then its body — see
//! `body.rs`), reference tables and indicators, in one transaction.
//!
//! Written once, compiled per backend: `sqlite.rs` and `postgres.rs` each declare this file as a
//! module of theirs (see `src/queries.rs`).

use super::*;

pub(crate) async fn load_seed(pool: &Pool, seed: &SeedBundle) -> Result<SeedReport, StoreError> {
    let mut tx = begin_write(pool).await?;
    let mut report = SeedReport::default();
    for unit in &seed.units {
        upsert_unit(&mut tx, unit, &mut report).await?;
    }
    let unit_ids: HashMap<String, i64> =
        sqlx::query_as::<_, (String, i64)>("SELECT name, id FROM units")
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .collect();
    seed_unit_groups(&mut tx, &seed.groups, &unit_ids).await?;
    let mut plan_ids = HashMap::new();
    for plan in &seed.plans {
        let plan_id = upsert_plan(&mut tx, plan, &mut report).await?;
        load_body(&mut tx, plan_id, &plan.body, &unit_ids, &mut report, None).await?;
        load_sources(&mut tx, plan_id, plan, &mut report).await?;
        plan_ids.insert(plan.code.as_str().to_owned(), plan_id);
    }
    load_reference(&mut tx, &seed.reference, &unit_ids, &plan_ids, &mut report).await?;
    sync_indicators(&mut tx, &mut report).await?;
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

pub(super) async fn upsert_plan(
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
        "SELECT id, doc_no, title, short_name, short_name_en, owner_unit_id, start_year,
                end_year, issued_on, sort_order, provenance
         FROM plans WHERE code = $1",
    )
    .bind(plan.code.as_str())
    .fetch_optional(&mut **tx)
    .await?;
    let same = |r: &PlanKeyRow| {
        r.doc_no == plan.doc_no
            && r.title == plan.title
            && r.short_name == plan.short_name
            && r.short_name_en == plan.short_name_en
            && r.owner_unit_id == owner_id
            && r.start_year == plan.period.start_year()
            && r.end_year == plan.period.end_year()
            && r.issued_on == Some(plan.issued_on)
            && r.sort_order == plan.sort_order
            && r.provenance == plan.provenance
    };
    let (id, change) = match existing {
        None => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO plans (code, doc_no, title, short_name, owner_unit_id, start_year,
                                    end_year, sort_order, provenance, issued_on, short_name_en,
                                    status)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
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
            .bind(plan.issued_on)
            .bind(&plan.short_name_en)
            .bind(plan.status.as_str())
            .fetch_one(&mut **tx)
            .await?;
            (id, Change::Inserted)
        }
        Some(row) if same(&row) => (row.id, Change::Unchanged),
        Some(row) => {
            sqlx::query(
                "UPDATE plans SET doc_no = $1, title = $2, short_name = $3, owner_unit_id = $4,
                                  start_year = $5, end_year = $6, sort_order = $7,
                                  provenance = $8, issued_on = $9, short_name_en = $11
                 WHERE id = $10",
            )
            .bind(&plan.doc_no)
            .bind(&plan.title)
            .bind(&plan.short_name)
            .bind(owner_id)
            .bind(plan.period.start_year())
            .bind(plan.period.end_year())
            .bind(plan.sort_order)
            .bind(&plan.provenance)
            .bind(plan.issued_on)
            .bind(row.id)
            .bind(&plan.short_name_en)
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

pub(super) fn unit_id(ids: &HashMap<String, i64>, name: &str) -> Result<i64, StoreError> {
    ids.get(name)
        .copied()
        .ok_or_else(|| StoreError::MissingUnit(name.to_owned()))
}
