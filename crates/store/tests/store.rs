//! The store's behaviour, run against both backends: every test here runs once on a fresh
//! SQLite file and once on a fresh PostgreSQL database.

use sanzhi_domain::PlanCode;
use sanzhi_seed::SeedBundle;
use sanzhi_store::testing::TestDb;
use sanzhi_store::{SeedReport, Store};
use std::path::Path;

fn shipped_seed() -> SeedBundle {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../seed");
    sanzhi_seed::load_dir(&dir).expect("shipped seed is valid")
}

/// Generates `mod sqlite` and `mod postgres`, each with one `#[tokio::test]` per story.
macro_rules! on_both_backends {
    ($($story:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $story() {
                    let db = sanzhi_store::testing::TestDb::sqlite().await;
                    super::$story(&db).await;
                    db.finish().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $story() {
                    let Some(db) = sanzhi_store::testing::TestDb::postgres().await else {
                        return;
                    };
                    super::$story(&db).await;
                    db.finish().await;
                }
            )*
        }
    };
}

on_both_backends!(
    migrations_leave_an_empty_healthy_store,
    seed_loads_the_three_plans_with_their_goals,
    loading_the_seed_twice_changes_nothing,
    a_changed_seed_updates_in_place,
    a_failing_seed_load_leaves_the_database_untouched,
    constraints_reject_orphans_and_bad_kinds,
    migrating_twice_is_harmless,
);

async fn migrations_leave_an_empty_healthy_store(db: &TestDb) {
    db.store.ping().await.expect("ping");
    assert_eq!(db.store.plan_count().await.expect("count"), 0);
    assert!(db.store.list_plans().await.expect("list").is_empty());
}

async fn seed_loads_the_three_plans_with_their_goals(db: &TestDb) {
    let seed = shipped_seed();
    let report = db.store.load_seed(&seed).await.expect("load");
    assert!(report.inserted > 0);
    assert_eq!(report.updated, 0);

    let plans = db.store.list_plans().await.expect("list");
    let titles: Vec<_> = plans.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "衢州市治水长效战行动方案",
            "衢州市治气攻坚战行动方案",
            "衢州市治土持久战行动方案"
        ]
    );
    let owners: Vec<_> = plans.iter().map(|p| p.owner_office.as_str()).collect();
    assert_eq!(owners, ["市治水办", "市治气办", "市治土办"]);
    assert!(plans
        .iter()
        .all(|p| p.period.start_year() == 2018 && p.period.end_year() == 2020));

    let soil = db
        .store
        .plan_detail(&PlanCode::parse("soil").expect("code"))
        .await
        .expect("detail")
        .expect("soil exists");
    assert_eq!(soil.goals.len(), 2);
    assert!(soil.goals[0].starts_with("到2018年底"));
    assert!(soil.goals[1].contains("危险废物规范化管理达标率达到93%以上"));
    assert!(soil.provenance.contains("衢政办发〔2018〕43号"));

    let none = db
        .store
        .plan_detail(&PlanCode::parse("nosuch").expect("code"))
        .await
        .expect("detail");
    assert!(none.is_none());
}

async fn loading_the_seed_twice_changes_nothing(db: &TestDb) {
    let seed = shipped_seed();
    let first = db.store.load_seed(&seed).await.expect("first load");
    let before = db.store.list_plans().await.expect("list");
    let second = db.store.load_seed(&seed).await.expect("second load");
    assert_eq!(
        second,
        SeedReport {
            inserted: 0,
            updated: 0,
            unchanged: first.inserted
        }
    );
    assert_eq!(db.store.list_plans().await.expect("list"), before);
}

async fn a_changed_seed_updates_in_place(db: &TestDb) {
    let mut seed = shipped_seed();
    db.store.load_seed(&seed).await.expect("load");
    let id_before = db.store.list_plans().await.expect("list")[0].id;
    seed.plans[0].short_name = "治水".to_owned();
    seed.plans[0].goals.push("新增目标".to_owned());
    let report = db.store.load_seed(&seed).await.expect("reload");
    assert_eq!(report.inserted, 0);
    assert_eq!(report.updated, 2, "the plan row and its goals");
    let water = db
        .store
        .plan_detail(&seed.plans[0].code)
        .await
        .expect("detail")
        .expect("exists");
    assert_eq!(
        water.summary.id, id_before,
        "updated in place, not re-created"
    );
    assert_eq!(water.summary.short_name, "治水");
    assert_eq!(water.goals.last().map(String::as_str), Some("新增目标"));
}

async fn a_failing_seed_load_leaves_the_database_untouched(db: &TestDb) {
    let mut seed = shipped_seed();
    // The owner of the last plan is not a unit: the load fails after units and two plans
    // have been written inside the transaction, which must then roll back.
    seed.plans[2].owner = sanzhi_domain::UnitName::parse("不存在的单位").expect("name");
    let err = db.store.load_seed(&seed).await.expect_err("must fail");
    assert!(err.to_string().contains("不存在的单位"), "{err}");
    assert_eq!(db.store.plan_count().await.expect("count"), 0);
    assert_eq!(unit_count(&db.store).await, 0);
}

async fn constraints_reject_orphans_and_bad_kinds(db: &TestDb) {
    let bad_kind = "INSERT INTO units (name, kind) VALUES ('某单位', 'ministry')";
    let orphan_action =
        "INSERT INTO actions (plan_id, seq, title, provenance) VALUES (999, 1, 'x', 'x')";
    for sql in [bad_kind, orphan_action] {
        let result = match &db.store {
            Store::Sqlite(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
            Store::Postgres(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
        };
        assert!(result.is_err(), "{sql} must be rejected");
    }
}

async fn migrating_twice_is_harmless(db: &TestDb) {
    db.store.load_seed(&shipped_seed()).await.expect("load");
    db.store.migrate().await.expect("second migrate");
    assert_eq!(db.store.plan_count().await.expect("count"), 3);
}

async fn unit_count(store: &Store) -> i64 {
    let sql = "SELECT COUNT(*) FROM units";
    match store {
        Store::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await,
        Store::Postgres(p) => sqlx::query_scalar(sql).fetch_one(p).await,
    }
    .expect("count units")
}
