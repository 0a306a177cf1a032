//! The store's behaviour, run against both backends: every test here runs once on a fresh
//! SQLite file and once on a fresh PostgreSQL database.

use sanzhi_domain::reading::ReadingCounts;
use sanzhi_domain::PlanCode;
use sanzhi_seed::SeedBundle;
use sanzhi_store::testing::TestDb;
use sanzhi_store::{SeedReport, Store};
use std::path::Path;

fn shipped_seed() -> SeedBundle {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../seed");
    sanzhi_seed::load_dir(&dir).expect("shipped seed is valid")
}

use sanzhi_store::on_both_backends;

on_both_backends!(
    migrations_leave_an_empty_healthy_store,
    seed_loads_the_three_plans_with_their_goals,
    loading_the_seed_twice_changes_nothing,
    a_changed_seed_updates_in_place,
    a_failing_seed_load_leaves_the_database_untouched,
    constraints_reject_orphans_and_bad_kinds,
    migrating_twice_is_harmless,
    the_plan_tree_holds_every_action_task_and_item,
    an_item_shows_its_units_deadlines_targets_and_notes,
    reloading_keeps_ids_and_drops_what_the_seed_no_longer_says,
    the_reference_tables_are_loaded,
    a_session_gives_its_user_and_the_data_version_in_one_read,
    unit_groups_are_seeded_once_and_edited_by_admins,
    undated_deadline_kinds_are_stored_and_read_back,
);

async fn unit_groups_are_seeded_once_and_edited_by_admins(db: &TestDb) {
    let seed = shipped_seed();
    db.store.load_seed(&seed).await.expect("load");
    let groups = db.store.unit_groups().await.expect("groups");
    let counties = groups
        .iter()
        .find(|g| g.phrase == "各县(市、区)政府")
        .expect("the seed's group");
    assert_eq!(counties.members.len(), 6);
    let now = sanzhi_domain::chrono::Utc::now();
    // Refused by field: a unit's own name, an unknown member, no member.
    let err = |r: Result<sanzhi_store::UnitGroup, sanzhi_store::StoreError>| match r {
        Err(sanzhi_store::StoreError::Invalid(m)) => m,
        other => panic!("expected a refusal, got {other:?}"),
    };
    assert!(err(db
        .store
        .save_unit_group("市环保局", &["开化县政府".into()], "", "admin", now)
        .await)
    .starts_with("phrase："));
    assert!(err(db
        .store
        .save_unit_group("市级有关部门", &["市不存在局".into()], "", "admin", now)
        .await)
    .starts_with("members：单位“市不存在局”"));
    assert!(err(db
        .store
        .save_unit_group("市级有关部门", &[], "", "admin", now)
        .await)
    .starts_with("members："));
    // Made with an alias (stored as the unit's name), then replaced; both audited.
    let made = db
        .store
        .save_unit_group(
            "市级有关部门",
            &["市环保局".into(), "开化县人民政府".into()],
            "测试",
            "admin",
            now,
        )
        .await
        .expect("saved");
    assert_eq!(made.members, ["市环保局", "开化县政府"]);
    db.store
        .save_unit_group("市级有关部门", &["市环保局".into()], "", "admin", now)
        .await
        .expect("replaced");
    // An admin's edit of a seeded group survives a reload of the seed.
    db.store
        .save_unit_group("各县(市、区)政府", &["开化县政府".into()], "", "admin", now)
        .await
        .expect("edited");
    db.store.load_seed(&seed).await.expect("reload");
    let groups = db.store.unit_groups().await.expect("groups");
    let members = |p: &str| {
        groups
            .iter()
            .find(|g| g.phrase == p)
            .map(|g| g.members.clone())
            .unwrap_or_default()
    };
    assert_eq!(members("各县(市、区)政府"), ["开化县政府"]);
    assert_eq!(members("市级有关部门"), ["市环保局"]);
    assert!(db
        .store
        .delete_unit_group("市级有关部门", "admin", now)
        .await
        .expect("deleted"));
    assert!(!db
        .store
        .delete_unit_group("市级有关部门", "admin", now)
        .await
        .expect("gone"));
    let audit = db
        .store
        .audit_entries(&sanzhi_store::AuditFilter {
            action: Some("unit_group.".into()),
            limit: 50,
            ..Default::default()
        })
        .await
        .expect("audit");
    let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions.iter().filter(|a| **a == "unit_group.save").count(),
        3,
        "{actions:?}"
    );
    assert!(actions.contains(&"unit_group.delete"));
}

async fn undated_deadline_kinds_are_stored_and_read_back(db: &TestDb) {
    use sanzhi_domain::{parse_deadline, Deadline};
    let mut seed = shipped_seed();
    let phrases = [
        "文件印发后5个工作日内",
        "会议召开后及时报送",
        "按省里统一部署",
    ];
    let item = &mut seed.plans[0].body.items[0];
    item.milestones.clear();
    for p in phrases {
        item.milestones.push(sanzhi_seed::SeedMilestone {
            phrase: p.into(),
            deadline: parse_deadline(p, 2018).expect("read"),
        });
    }
    item.milestones.push(sanzhi_seed::SeedMilestone {
        phrase: "九月前后".into(),
        deadline: Deadline::Unconfirmed {
            reason: "无法识别".into(),
        },
    });
    let want: Vec<Deadline> = item.milestones.iter().map(|m| m.deadline.clone()).collect();
    let number = item.number;
    let code = seed.plans[0].code.clone();
    db.store.load_seed(&seed).await.expect("load");
    let detail = db
        .store
        .item_detail(&code, number)
        .await
        .expect("read")
        .expect("item");
    let got: Vec<Deadline> = detail
        .item
        .milestones
        .iter()
        .map(|m| m.deadline.clone())
        .collect();
    assert_eq!(got, want);
    // Loading the same again changes nothing.
    let again = db.store.load_seed(&seed).await.expect("reload");
    assert_eq!(again.inserted + again.updated, 0, "{again:?}");
}

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
            unchanged: first.inserted + first.unchanged
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

async fn the_plan_tree_holds_every_action_task_and_item(db: &TestDb) {
    let seed = shipped_seed();
    db.store.load_seed(&seed).await.expect("load");
    let mut totals = Vec::new();
    for code in ["water", "air", "soil"] {
        let tree = db
            .store
            .plan_tree(&PlanCode::parse(code).expect("code"))
            .await
            .expect("tree")
            .expect("exists");
        let tasks: usize = tree.actions.iter().map(|a| a.tasks.len()).sum();
        let items: Vec<i32> = tree
            .actions
            .iter()
            .flat_map(|a| &a.tasks)
            .flat_map(|t| &t.items)
            .map(|i| i.number)
            .collect();
        let mut sorted = items.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), items.len(), "{code}: every item once");
        assert_eq!(sorted.first(), Some(&1));
        assert_eq!(sorted.last().copied(), i32::try_from(items.len()).ok());
        totals.push((tree.actions.len(), tasks, items.len()));
        assert_eq!(tree.plan.summary.work_item_count, items.len() as i64);
    }
    assert_eq!(totals, [(6, 21, 29), (6, 16, 44), (6, 24, 28)]);

    let water = db
        .store
        .plan_tree(&PlanCode::parse("water").expect("code"))
        .await
        .expect("tree")
        .expect("exists");
    let item2 = water.actions[0].tasks[1].items[0].clone();
    assert_eq!(item2.number, 2);
    assert_eq!(
        item2.units,
        [
            "柯城区政府",
            "衢江区政府",
            "龙游县政府",
            "江山市政府",
            "常山县政府",
            "开化县政府"
        ]
    );
    assert_eq!(item2.responsible_text, "各县(市、区)政府");
    assert_eq!(item2.milestones[0].phrase, "年底前");
    assert_eq!(
        item2.milestones[0]
            .deadline
            .due_date()
            .map(|d| d.to_string()),
        Some("2018-12-31".to_owned())
    );
    assert!(item2.note_count >= 1, "衢州市区与衢州市区 is noted");

    // Every assignment of the seed is stored, and no more.
    let expected: usize = seed
        .plans
        .iter()
        .flat_map(|p| &p.body.items)
        .map(|i| i.assignments.len())
        .sum();
    let stored = count(&db.store, "SELECT COUNT(*) FROM assignments").await;
    assert_eq!(stored, expected as i64);
    assert_eq!(
        count(&db.store, "SELECT COUNT(*) FROM assignments a JOIN units u ON u.id = a.unit_id WHERE u.name = '市西区管委会'").await,
        28 + count_air_xiqu(&seed),
        "every soil item binds 市西区管委会"
    );
}

fn count_air_xiqu(seed: &SeedBundle) -> i64 {
    seed.plans
        .iter()
        .filter(|p| p.code.as_str() != "soil")
        .flat_map(|p| &p.body.items)
        .filter(|i| {
            i.assignments
                .iter()
                .any(|a| a.unit.as_str() == "市西区管委会")
        })
        .count() as i64
}

async fn an_item_shows_its_units_deadlines_targets_and_notes(db: &TestDb) {
    db.store.load_seed(&shipped_seed()).await.expect("load");
    let water = PlanCode::parse("water").expect("code");
    let d = db
        .store
        .item_detail(&water, 1)
        .await
        .expect("detail")
        .expect("exists");
    assert_eq!((d.action_seq, d.task_number), (1, 1));
    assert!(d.item.text.contains("下董"));
    assert!(d
        .notes
        .iter()
        .any(|n| n.table_says.contains("下董") && n.other_says.contains("下童")));
    assert_eq!(d.assignments.len(), 8);
    assert_eq!(d.assignments[0].via, "各县(市、区)政府");
    assert_eq!(d.assignments[6].unit, "衢州绿色产业集聚区");
    assert_eq!(
        d.assignments[6].via, "衢州市绿色产业集聚区",
        "the alias as written"
    );

    let d12 = db
        .store
        .item_detail(&water, 12)
        .await
        .expect("detail")
        .expect("exists");
    assert!(d12
        .targets
        .iter()
        .any(|t| t.value == 165.0 && t.unit == "公里"));

    assert!(db
        .store
        .item_detail(&water, 30)
        .await
        .expect("detail")
        .is_none());
}

async fn reloading_keeps_ids_and_drops_what_the_seed_no_longer_says(db: &TestDb) {
    let mut seed = shipped_seed();
    db.store.load_seed(&seed).await.expect("load");
    let water = PlanCode::parse("water").expect("code");
    let before = db
        .store
        .item_detail(&water, 2)
        .await
        .expect("d")
        .expect("e");
    // The seed now says only 柯城区政府 is responsible for water (2), with no deadline.
    let item = &mut seed.plans[0].body.items[1];
    item.assignments.truncate(1);
    item.milestones.clear();
    let report = db.store.load_seed(&seed).await.expect("reload");
    assert_eq!(report.inserted, 0);
    assert!(report.updated >= 2, "{report:?}");
    let after = db
        .store
        .item_detail(&water, 2)
        .await
        .expect("d")
        .expect("e");
    assert_eq!(after.item.id, before.item.id);
    assert_eq!(after.item.units, ["柯城区政府"]);
    assert!(after.item.milestones.is_empty());
}

async fn count(store: &Store, sql: &str) -> i64 {
    match store {
        Store::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await,
        Store::Postgres(p) => sqlx::query_scalar(sql).fetch_one(p).await,
    }
    .expect("count")
}

/// `page_viewer`: the active user a live session names, with the data version of the same
/// moment; nothing for an unknown or expired session, a session naming no user (signed out,
/// or saved before the column existed), or a stopped account.
async fn a_session_gives_its_user_and_the_data_version_in_one_read(db: &TestDb) {
    use sanzhi_domain::chrono::{Duration, Utc};
    let store = &db.store;
    let now = Utc::now();
    store
        .save_user(
            &sanzhi_store::NewUser {
                username: "leader-a".into(),
                display_name: "领导甲".into(),
                password_hash: "x".into(),
                role: sanzhi_domain::Role::Leader,
                plan: None,
                unit: None,
                is_demo: false,
            },
            "test",
            now,
        )
        .await
        .expect("user");
    let user = store
        .users()
        .await
        .expect("users")
        .into_iter()
        .find(|u| u.username == "leader-a")
        .expect("leader-a");
    let later = now + Duration::hours(8);
    store
        .session_save("s1", "{}", Some(user.id), later)
        .await
        .expect("save");
    store
        .session_save("s2", "{}", None, later)
        .await
        .expect("save");
    store
        .session_save("s3", "{}", Some(user.id), now - Duration::seconds(1))
        .await
        .expect("save");

    let version = store.versions().await.expect("version");
    let sanzhi_store::PageViewer {
        user: seen,
        versions: v,
    } = store
        .page_viewer("s1", now)
        .await
        .expect("read")
        .expect("a live session");
    assert_eq!(seen, user);
    assert_eq!(v, version);
    assert_eq!(store.page_viewer("s2", now).await.expect("read"), None);
    assert_eq!(
        store.page_viewer("s3", now).await.expect("read"),
        None,
        "expired"
    );
    assert_eq!(store.page_viewer("nope", now).await.expect("read"), None);

    // A write moves the version the same read gives.
    store.load_seed(&shipped_seed()).await.expect("seed");
    let after = store
        .page_viewer("s1", now)
        .await
        .expect("read")
        .expect("live")
        .versions;
    assert!(after.structure > v.structure, "{v:?} → {after:?}");
    assert_eq!(after, store.versions().await.expect("version"));

    // Signed out (the record saved without a user), then a stopped account.
    store
        .session_save("s1", "{}", None, later)
        .await
        .expect("save");
    assert_eq!(store.page_viewer("s1", now).await.expect("read"), None);
    store
        .session_save("s1", "{}", Some(user.id), later)
        .await
        .expect("save");
    store
        .set_active("leader-a", false, "test", now)
        .await
        .expect("stop")
        .expect("account");
    assert_eq!(
        store.page_viewer("s1", now).await.expect("read"),
        None,
        "stopped"
    );
}

async fn the_reference_tables_are_loaded(db: &TestDb) {
    db.store.load_seed(&shipped_seed()).await.expect("load");
    for (table, n) in [
        ("pm25_targets", 27),
        ("emission_cuts", 24),
        ("water_sections", 9),
        ("enterprises", 71),
        ("stations", 4),
        ("rate_goals", 6),
    ] {
        assert_eq!(
            count(&db.store, &format!("SELECT COUNT(*) FROM {table}")).await,
            n,
            "{table}"
        );
    }
    assert_eq!(
        count(&db.store, "SELECT COUNT(*) FROM drain_limits WHERE drain = '东排渠' AND parameter = 'COD' AND limit_mg_l = 25 AND effective_from = '2020-07-01'").await,
        1
    );
    assert_eq!(
        count(&db.store, "SELECT COUNT(*) FROM pm25_targets p JOIN units u ON u.id = p.unit_id WHERE u.name = '开化县政府' AND p.value = 28 AND p.qualifier = '以下'").await,
        3
    );
    assert_eq!(
        count(
            &db.store,
            "SELECT COUNT(*) FROM water_sections WHERE reservoir AND target_class = 'III'"
        )
        .await,
        1
    );
    assert_eq!(
        count(&db.store, "SELECT COUNT(*) FROM enterprises e JOIN units u ON u.id = e.unit_id WHERE u.name = '开化县政府'").await,
        16
    );
}

mod reports {
    use super::*;
    use sanzhi_domain::chrono::{NaiveDate, TimeZone, Utc};
    use sanzhi_domain::{NewReport, NewReview, ReportState, ReviewDecision, Status};
    use sanzhi_store::TrackScope;

    on_both_backends!(
        reports_append_with_a_version_check,
        status_replays_from_the_reports_made_by_a_day,
        reports_cannot_be_changed_or_removed,
        a_done_report_counts_once_accepted_and_a_report_is_reviewed_once,
        a_returned_report_waits_for_the_unit_and_reviews_are_history,
        demo_reviews_go_with_demo_reports,
        the_data_version_moves_on_with_every_kind_of_change_and_not_with_reads,
        tracking_several_days_from_one_read_equals_tracking_each_day,
        many_writers_on_one_assignment_lose_nothing,
        writers_and_readers_across_assignments_never_fail,
        a_report_may_not_claim_a_day_after_today_or_before_the_previous_report,
        a_report_dated_long_before_it_was_made_is_a_late_filing,
        a_late_filing_counts_from_its_recording_day_unless_the_claimed_day_is_accepted,
        a_replay_of_a_day_before_a_report_was_recorded_does_not_see_it,
    );

    /// Adds `count` reports on `a` as writer `who`, each stating the version it last saw and
    /// trying again when someone else reported meanwhile (as the report form does). Returns
    /// the reports it was told were stored; any error fails the test (on SQLite that includes
    /// "database is locked").
    async fn write_with_retries(
        store: Store,
        a: i64,
        who: usize,
        count: usize,
    ) -> (Vec<sanzhi_domain::Report>, usize) {
        let now = Utc::now();
        let mut seen = 0;
        let mut stored = Vec::new();
        let mut conflicts = 0;
        while stored.len() < count {
            let mut r = new_report(a, seen, d(2018, 7, 1), ReportState::InProgress);
            r.narrative = format!("写入者{who} 第{}份", stored.len() + 1);
            match store.add_report(&r, now).await {
                Ok(Ok(report)) => {
                    seen = report.version;
                    stored.push(report);
                }
                Ok(Err(newest)) => {
                    conflicts += 1;
                    seen = newest.expect("a conflict names the newest report").version;
                }
                Err(e) => panic!("writer {who}: {e}"),
            }
        }
        (stored, conflicts)
    }

    /// Twelve writers add ten reports each to one assignment at the same time: every report
    /// acknowledged is stored once, the versions run 1..=120 without a gap, and no writer
    /// gets an error — only "someone reported meanwhile", after which it tries again.
    async fn many_writers_on_one_assignment_lose_nothing(db: &TestDb) {
        db.store.load_seed(&shipped_seed()).await.expect("load");
        let a = water_item_assignment(db, 28, "市环保局").await;
        let writers: Vec<_> = (0..12)
            .map(|who| tokio::spawn(write_with_retries(db.store.clone(), a, who, 10)))
            .collect();
        let mut acknowledged = Vec::new();
        let mut conflicts = 0;
        for w in writers {
            let (stored, c) = w.await.expect("writer");
            acknowledged.extend(stored);
            conflicts += c;
        }
        let reports = db.store.reports(a).await.expect("reports");
        assert_eq!(reports.len(), 120);
        let versions: Vec<i32> = reports.iter().map(|r| r.version).collect();
        assert_eq!(versions, (1..=120).collect::<Vec<_>>());
        acknowledged.sort_by_key(|r| r.version);
        assert_eq!(
            acknowledged, reports,
            "what was acknowledged is what is stored"
        );
        let mut narratives: Vec<&str> = reports.iter().map(|r| r.narrative.as_str()).collect();
        narratives.sort_unstable();
        narratives.dedup();
        assert_eq!(narratives.len(), 120, "no report was stored twice");
        // The writers really did collide (otherwise this test shows nothing).
        assert!(conflicts > 0, "no conflicts: the writers did not overlap");
    }

    /// Sixteen writers on sixteen assignments and four readers of the tracking rows, all at
    /// once: no write or read fails, and every acknowledged report is there.
    async fn writers_and_readers_across_assignments_never_fail(db: &TestDb) {
        db.store.load_seed(&shipped_seed()).await.expect("load");
        let all = db
            .store
            .tracked(&TrackScope::default(), d(2018, 7, 1), 15)
            .await
            .expect("tracked");
        let targets: Vec<i64> = all.iter().take(16).map(|t| t.assignment_id).collect();
        assert_eq!(targets.len(), 16);
        let writers: Vec<_> = targets
            .iter()
            .enumerate()
            .map(|(who, &a)| tokio::spawn(write_with_retries(db.store.clone(), a, who, 15)))
            .collect();
        let readers: Vec<_> = (0..4)
            .map(|_| {
                let store = db.store.clone();
                tokio::spawn(async move {
                    for _ in 0..10 {
                        store
                            .tracked_on_days(
                                &TrackScope::default(),
                                &[d(2018, 6, 30), d(2018, 7, 31)],
                                15,
                            )
                            .await
                            .expect("a read during the writes");
                    }
                })
            })
            .collect();
        for (w, &a) in writers.into_iter().zip(&targets) {
            let (stored, conflicts) = w.await.expect("writer");
            assert_eq!(conflicts, 0, "one writer per assignment never conflicts");
            assert_eq!(db.store.reports(a).await.expect("reports"), stored);
        }
        for r in readers {
            r.await.expect("reader");
        }
    }

    /// The overview reads the reports once for two days: each day must come out exactly as
    /// if it had been read on its own (reports made and reviews decided by that day).
    async fn tracking_several_days_from_one_read_equals_tracking_each_day(db: &TestDb) {
        let store = &db.store;
        store.load_seed(&shipped_seed()).await.expect("load");
        let (a, rep, now) = done_28_on_0720(db).await;
        store
            .add_review(
                &review(rep.id, ReviewDecision::Accepted, "", d(2018, 8, 3)),
                now,
            )
            .await
            .expect("review")
            .expect("first");
        let days = [d(2018, 7, 1), d(2018, 7, 25), d(2018, 8, 15)];
        for scope in [
            TrackScope::default(),
            TrackScope {
                unit: Some("市环保局".into()),
                ..TrackScope::default()
            },
        ] {
            let together = store
                .tracked_on_days(&scope, &days, 15)
                .await
                .expect("together");
            assert_eq!(together.len(), days.len());
            for (day, rows) in days.iter().zip(&together) {
                let alone = store.tracked(&scope, *day, 15).await.expect("alone");
                assert_eq!(rows, &alone, "{day}");
            }
            // The three days differ for (28): not started, awaiting review, done.
            let of_28 = |rows: &[sanzhi_domain::Tracked]| {
                rows.iter()
                    .find(|t| t.assignment_id == a)
                    .map(|t| (t.assessment.status, t.awaiting_review))
            };
            assert_ne!(of_28(&together[1]), of_28(&together[2]));
            assert_eq!(of_28(&together[2]).map(|s| s.0), Some(Status::Done));
        }
    }

    /// Water (28), 市环保局: reported done on 2018-07-20 (as of 08:00 that day). Returns the
    /// assignment, the report and the time it was made.
    async fn done_28_on_0720(
        db: &TestDb,
    ) -> (
        i64,
        sanzhi_domain::Report,
        sanzhi_domain::chrono::DateTime<Utc>,
    ) {
        let a = water_item_assignment(db, 28, "市环保局").await;
        let now = Utc
            .with_ymd_and_hms(2018, 7, 20, 8, 0, 0)
            .single()
            .expect("now");
        let rep = db
            .store
            .add_report(&new_report(a, 0, d(2018, 7, 20), ReportState::Done), now)
            .await
            .expect("add")
            .expect("ok");
        (a, rep, now)
    }

    /// Caches of computed pages are keyed by the data version: every kind of write that
    /// changes what a page shows must move it on, and reads and refused writes must not.
    async fn the_data_version_moves_on_with_every_kind_of_change_and_not_with_reads(db: &TestDb) {
        let store = &db.store;
        let v0 = store.data_version().await.expect("version");
        store.load_seed(&shipped_seed()).await.expect("load");
        let v1 = store.data_version().await.expect("version");
        assert!(v1 > v0, "seed: {v0} → {v1}");
        // Reads leave it alone.
        store.list_plans().await.expect("plans");
        store
            .tracked(&TrackScope::default(), d(2018, 12, 31), 15)
            .await
            .expect("tracked");
        assert_eq!(store.data_version().await.expect("version"), v1);

        let areas = store.versions().await.expect("versions");
        let (water, air) = (
            store.plan_version("water").await.expect("water"),
            store.plan_version("air").await.expect("air"),
        );
        let (a, rep, now) = done_28_on_0720(db).await;
        let v2 = store.data_version().await.expect("version");
        assert!(v2 > v1, "report: {v1} → {v2}");
        // A water report moves the tracking and the water plan's version, and nothing else.
        let after = store.versions().await.expect("versions");
        assert!(after.tracking > areas.tracking, "{areas:?} → {after:?}");
        assert_eq!(
            (after.structure, after.readings),
            (areas.structure, areas.readings)
        );
        assert!(store.plan_version("water").await.expect("water") > water);
        assert_eq!(store.plan_version("air").await.expect("air"), air);
        // A refused write (stale version) changes nothing, and neither does the number.
        let stale = store
            .add_report(&new_report(a, 0, d(2018, 7, 21), ReportState::Done), now)
            .await
            .expect("add");
        assert!(stale.is_err());
        assert_eq!(store.data_version().await.expect("version"), v2);
        store
            .add_review(
                &review(rep.id, ReviewDecision::Accepted, "", d(2018, 8, 3)),
                now,
            )
            .await
            .expect("review")
            .expect("first");
        let v3 = store.data_version().await.expect("version");
        assert!(v3 > v2, "review: {v2} → {v3}");
        let reading = sanzhi_domain::NewReading {
            key: sanzhi_domain::ReadingKey {
                indicator: "pm25".into(),
                place: "柯城".into(),
                year: 2018,
                month: 1,
            },
            value: 50.0,
            valid_days: Some(30),
            provisional: false,
            note: String::new(),
        };
        store
            .write_readings(
                std::slice::from_ref(&reading),
                sanzhi_domain::ReadingSource::Imported,
                "测试",
                now,
            )
            .await
            .expect("reading");
        let v4 = store.data_version().await.expect("version");
        assert!(v4 > v3, "reading: {v3} → {v4}");
        // A reading moves the readings' version only.
        let read = store.versions().await.expect("versions");
        assert_eq!(
            (read.structure, read.tracking, read.readings),
            (after.structure, after.tracking + 1, after.readings + 1),
            "the review moved the tracking once, the reading the readings once"
        );
        // The same reading again changes nothing.
        store
            .write_readings(
                std::slice::from_ref(&reading),
                sanzhi_domain::ReadingSource::Imported,
                "测试",
                now,
            )
            .await
            .expect("reading");
        assert_eq!(store.data_version().await.expect("version"), v4);
        let mut demo = reading;
        demo.key.month = 2;
        store
            .write_readings(&[demo], sanzhi_domain::ReadingSource::Demo, "演示", now)
            .await
            .expect("demo");
        let v5 = store.data_version().await.expect("version");
        assert!(v5 > v4, "demo reading: {v4} → {v5}");
        assert_eq!(store.clear_demo_readings().await.expect("clear"), 1);
        let v6 = store.data_version().await.expect("version");
        assert!(v6 > v5, "demo readings cleared: {v5} → {v6}");
    }

    fn review(report_id: i64, decision: ReviewDecision, reason: &str, on: NaiveDate) -> NewReview {
        NewReview {
            report_id,
            decision,
            reason: reason.into(),
            reviewer: "治水办 李四（t-water）".into(),
            reviewed_on: on,
            is_demo: false,
            accepts_claimed_day: false,
        }
    }

    async fn tracked_28(db: &TestDb, day: NaiveDate) -> sanzhi_domain::Tracked {
        let scope = TrackScope {
            plan: Some("water".into()),
            unit: Some("市环保局".into()),
            item: Some(28),
        };
        db.store
            .tracked(&scope, day, 15)
            .await
            .expect("tracked")
            .remove(0)
    }

    async fn a_done_report_counts_once_accepted_and_a_report_is_reviewed_once(db: &TestDb) {
        db.store.load_seed(&shipped_seed()).await.expect("load");
        // Water (28): 市环保局, 7月底前. Done on 07-20, accepted on 08-03.
        let (a, rep, now) = done_28_on_0720(db).await;
        let pending = db
            .store
            .pending_reviews(Some("water"))
            .await
            .expect("queue");
        assert_eq!(
            pending.iter().map(|p| p.report.id).collect::<Vec<_>>(),
            [rep.id]
        );
        assert_eq!(
            (pending[0].unit.as_str(), pending[0].item_number),
            ("市环保局", 28)
        );
        assert!(db
            .store
            .pending_reviews(Some("air"))
            .await
            .expect("air")
            .is_empty());

        let t = tracked_28(db, d(2018, 8, 15)).await;
        assert_eq!(
            t.assessment.status,
            Status::Overdue,
            "not done until accepted"
        );
        assert!(t.awaiting_review);

        let stored = db
            .store
            .add_review(
                &review(rep.id, ReviewDecision::Accepted, "", d(2018, 8, 3)),
                now,
            )
            .await
            .expect("review")
            .expect("first");
        assert_eq!(stored.decision, ReviewDecision::Accepted);
        // As of 08-15 it is done, on time (the report's day counts); replaying 08-02, before
        // the review, it was still overdue.
        let t = tracked_28(db, d(2018, 8, 15)).await;
        assert_eq!(t.assessment.status, Status::Done);
        assert!(!t.awaiting_review && t.returned.is_none());
        assert_eq!(
            tracked_28(db, d(2018, 8, 2)).await.assessment.status,
            Status::Overdue
        );
        assert!(db
            .store
            .pending_reviews(None)
            .await
            .expect("queue")
            .is_empty());
        let history = db.store.reports(a).await.expect("reports");
        assert_eq!(history[0].review.as_ref().map(|v| v.id), Some(stored.id));

        // A second decision on the same report is refused with the first one, and changes
        // nothing.
        let second = db
            .store
            .add_review(
                &review(rep.id, ReviewDecision::Returned, "再看看", d(2018, 8, 4)),
                now,
            )
            .await
            .expect("review");
        assert_eq!(second.expect_err("conflict").id, stored.id);
        assert_eq!(
            tracked_28(db, d(2018, 8, 15)).await.assessment.status,
            Status::Done
        );

        // Only done reports are reviewed; an unknown report is not found.
        let note = db
            .store
            .add_report(
                &new_report(a, 1, d(2018, 8, 20), ReportState::InProgress),
                at(d(2018, 8, 20)),
            )
            .await
            .expect("add")
            .expect("ok");
        let e = db
            .store
            .add_review(
                &review(note.id, ReviewDecision::Accepted, "", d(2018, 8, 21)),
                now,
            )
            .await
            .expect_err("in progress");
        assert!(matches!(e, sanzhi_store::StoreError::Invalid(_)), "{e}");
        let e = db
            .store
            .add_review(
                &review(999_999, ReviewDecision::Accepted, "", d(2018, 8, 21)),
                now,
            )
            .await
            .expect_err("unknown");
        assert!(matches!(e, sanzhi_store::StoreError::NotFound(_)), "{e}");

        // The review is on the audit trail with the report before and the decision after.
        let audit = db
            .store
            .item_audit_entries("water", 28, 50)
            .await
            .expect("audit");
        let entry = audit
            .iter()
            .find(|e| e.action == "report.accept")
            .expect("audited");
        assert_eq!(entry.actor, "治水办 李四（t-water）");
        assert!(entry
            .before
            .as_deref()
            .is_some_and(|b| b.contains("\"version\":1")));
        assert!(entry
            .after
            .as_deref()
            .is_some_and(|b| b.contains("accepted")));
    }

    async fn a_returned_report_waits_for_the_unit_and_reviews_are_history(db: &TestDb) {
        db.store.load_seed(&shipped_seed()).await.expect("load");
        let (a, first, now) = done_28_on_0720(db).await;
        db.store
            .add_review(
                &review(
                    first.id,
                    ReviewDecision::Returned,
                    "缺验收报告",
                    d(2018, 7, 25),
                ),
                now,
            )
            .await
            .expect("review")
            .expect("first");
        let t = tracked_28(db, d(2018, 8, 1)).await;
        assert_eq!(t.assessment.status, Status::Overdue);
        let back = t.returned.expect("returned");
        assert_eq!(back.id, first.id);
        assert_eq!(back.review.map(|v| v.reason), Some("缺验收报告".to_owned()));

        // The unit answers with a new done report; accepted, the item is done late.
        let again = db
            .store
            .add_report(
                &new_report(a, 1, d(2018, 8, 5), ReportState::Done),
                at(d(2018, 8, 5)),
            )
            .await
            .expect("add")
            .expect("ok");
        let t = tracked_28(db, d(2018, 8, 6)).await;
        assert!(t.returned.is_none() && t.awaiting_review);
        db.store
            .add_review(
                &review(again.id, ReviewDecision::Accepted, "", d(2018, 8, 7)),
                now,
            )
            .await
            .expect("review")
            .expect("ok");
        assert_eq!(
            tracked_28(db, d(2018, 8, 7)).await.assessment.status,
            Status::DoneLate
        );

        // A return without a reason is refused by the database too; reviews are never
        // changed or removed.
        let third = db
            .store
            .add_report(
                &new_report(a, 2, d(2018, 8, 8), ReportState::Done),
                at(d(2018, 8, 8)),
            )
            .await
            .expect("add")
            .expect("ok");
        let blank_return = format!(
            "INSERT INTO report_reviews (report_id, decision, reason, reviewer, reviewed_on, created_at)
             SELECT id, 'returned', ' ', 'x', reported_on, created_at FROM progress_reports
             WHERE id = {}",
            third.id
        );
        for sql in [
            blank_return.as_str(),
            "UPDATE report_reviews SET decision = 'returned', reason = '改写'",
            "DELETE FROM report_reviews",
        ] {
            let r = match &db.store {
                Store::Sqlite(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
                Store::Postgres(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
            };
            assert!(r.is_err(), "{sql} must be refused");
        }
        assert_eq!(
            tracked_28(db, d(2018, 8, 7)).await.assessment.status,
            Status::DoneLate
        );
    }

    async fn demo_reviews_go_with_demo_reports(db: &TestDb) {
        db.store.load_seed(&shipped_seed()).await.expect("load");
        let a = water_item_assignment(db, 28, "市环保局").await;
        let now = Utc
            .with_ymd_and_hms(2018, 7, 20, 8, 0, 0)
            .single()
            .expect("now");
        let mut demo = new_report(a, 0, d(2018, 7, 20), ReportState::Done);
        demo.is_demo = true;
        let mut accepted = review(0, ReviewDecision::Accepted, "", d(2018, 7, 22));
        accepted.is_demo = true;
        db.store
            .insert_demo_reports(&[sanzhi_store::DemoReport {
                report: demo,
                created_at: now,
                review: Some(accepted),
            }])
            .await
            .expect("demo");
        assert_eq!(
            tracked_28(db, d(2018, 8, 1)).await.assessment.status,
            Status::Done
        );
        assert!(db
            .store
            .pending_reviews(None)
            .await
            .expect("queue")
            .is_empty());
        // Clearing the demo removes its reviews with its reports.
        assert_eq!(db.store.clear_demo_reports().await.expect("clear"), 1);
        assert_eq!(
            tracked_28(db, d(2018, 8, 1)).await.assessment.status,
            Status::Overdue
        );
        assert!(db.store.reports(a).await.expect("reports").is_empty());
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    /// 09:00 China time on `day`.
    fn at(day: NaiveDate) -> sanzhi_domain::chrono::DateTime<Utc> {
        day.and_hms_opt(1, 0, 0).expect("time").and_utc()
    }

    /// The error of a refused write, as the user reads it.
    fn refusal<T: std::fmt::Debug>(r: Result<T, sanzhi_store::StoreError>) -> String {
        match r {
            Err(sanzhi_store::StoreError::Invalid(msg)) => msg,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    /// A report may not speak for a day after the day it is made (China time), nor for a
    /// day before the assignment's previous report; either refusal names `reported_on` and
    /// writes nothing.
    async fn a_report_may_not_claim_a_day_after_today_or_before_the_previous_report(db: &TestDb) {
        let store = &db.store;
        store.load_seed(&shipped_seed()).await.expect("load");
        let a = water_item_assignment(db, 28, "市环保局").await;
        // 2026-12-05 23:30 UTC is already 2026-12-06 in China.
        let now = Utc
            .with_ymd_and_hms(2026, 12, 5, 23, 30, 0)
            .single()
            .expect("now");
        let v0 = store.data_version().await.expect("version");
        for day in [d(2099, 12, 31), d(2026, 12, 7)] {
            let msg = refusal(
                store
                    .add_report(&new_report(a, 0, day, ReportState::Done), now)
                    .await,
            );
            assert_eq!(msg, "reported_on：报告日期不能晚于今天（2026-12-06）");
        }
        assert!(store.reports(a).await.expect("reports").is_empty());
        assert_eq!(store.data_version().await.expect("version"), v0);
        // Today in China is allowed.
        store
            .add_report(
                &new_report(a, 0, d(2026, 12, 6), ReportState::InProgress),
                now,
            )
            .await
            .expect("add")
            .expect("stored");

        // On another assignment: a report of 2019-03-01, then one claiming 2018-11-30.
        let b = water_item_assignment(db, 1, "开化县政府").await;
        store
            .add_report(
                &new_report(b, 0, d(2019, 3, 1), ReportState::InProgress),
                at(d(2019, 3, 1)),
            )
            .await
            .expect("add")
            .expect("stored");
        let msg = refusal(
            store
                .add_report(&new_report(b, 1, d(2018, 11, 30), ReportState::Done), now)
                .await,
        );
        assert_eq!(
            msg,
            "reported_on：报告日期不能早于本分工上一次报告的日期（2019-03-01）"
        );
        assert_eq!(store.reports(b).await.expect("reports").len(), 1);
        // The previous report's own day is allowed.
        store
            .add_report(&new_report(b, 1, d(2019, 3, 1), ReportState::Done), now)
            .await
            .expect("add")
            .expect("stored");
        // A stale version is still a conflict first (the form shows the newer report).
        assert!(store
            .add_report(&new_report(b, 1, d(2099, 1, 1), ReportState::Done), now)
            .await
            .expect("add")
            .is_err());

        // Demo reports are dated against the day they were made too.
        let c = water_item_assignment(db, 5, "开化县政府").await;
        let mut demo = new_report(c, 0, d(2019, 5, 1), ReportState::InProgress);
        demo.is_demo = true;
        let e = store
            .insert_demo_reports(&[sanzhi_store::DemoReport {
                report: demo,
                created_at: at(d(2019, 4, 30)),
                review: None,
            }])
            .await
            .expect_err("a demo report from the future");
        assert!(e.to_string().contains("reported_on"), "{e}");
        assert!(store.reports(c).await.expect("reports").is_empty());
    }

    /// A report dated more than the allowance (7 days by default) before the day it is made
    /// is stored as a 补报, with the day it was recorded; within the allowance it is not.
    async fn a_report_dated_long_before_it_was_made_is_a_late_filing(db: &TestDb) {
        let store = &db.store;
        store.load_seed(&shipped_seed()).await.expect("load");
        let a = water_item_assignment(db, 28, "市环保局").await;
        let made = d(2026, 12, 5);
        let week = store
            .add_report(
                &new_report(a, 0, d(2026, 11, 28), ReportState::InProgress),
                at(made),
            )
            .await
            .expect("add")
            .expect("stored");
        assert!(!week.late_filed, "7 days back is within the allowance");
        let late = store
            .add_report(
                &new_report(a, 1, d(2026, 11, 28), ReportState::Done),
                at(d(2026, 12, 6)),
            )
            .await
            .expect("add")
            .expect("stored");
        assert!(late.late_filed, "8 days back is a 补报");
        assert_eq!(late.recorded_on(), d(2026, 12, 6));
        // Another server's allowance.
        let b = water_item_assignment(db, 1, "开化县政府").await;
        let lenient = store
            .add_report_backdating(
                &new_report(b, 0, d(2026, 11, 1), ReportState::InProgress),
                at(made),
                60,
            )
            .await
            .expect("add")
            .expect("stored");
        assert!(!lenient.late_filed);

        // Read back everywhere reports are read.
        let stored = store.reports(a).await.expect("reports");
        assert_eq!(
            stored.iter().map(|r| r.late_filed).collect::<Vec<_>>(),
            [false, true]
        );
        assert_eq!(stored[1], late);
        let pending = store.pending_reviews(Some("water")).await.expect("queue");
        assert!(pending
            .iter()
            .any(|p| p.report.id == late.id && p.report.late_filed));
        let t = tracked_28(db, made + sanzhi_domain::chrono::Duration::days(1)).await;
        assert!(t.last_report.expect("last").late_filed);
        // The stored day is the China day of the time it was made.
        let recorded = count(
            store,
            &format!(
                "SELECT COUNT(*) FROM progress_reports WHERE id = {} AND recorded_on = '2026-12-06'",
                late.id
            ),
        )
        .await;
        assert_eq!(recorded, 1);
        // The audit entry of the report says it is a 补报.
        let audit = store
            .item_audit_entries("water", 28, 50)
            .await
            .expect("audit");
        assert!(audit.iter().any(|e| e.action == "report.add"
            && e.after
                .as_deref()
                .is_some_and(|a| a.contains("\"late_filed\":true"))));
    }

    /// The review's exploit, in the store: a done report made on 2019-06-01 claiming
    /// 2018-07-20 (item 28 was due at the end of July 2018). Accepted plainly it is done late,
    /// from 2019-06-01; accepted with the claimed day it is done on time. The choice is kept on
    /// the review and on the audit trail, and only for a 补报.
    async fn a_late_filing_counts_from_its_recording_day_unless_the_claimed_day_is_accepted(
        db: &TestDb,
    ) {
        let store = &db.store;
        store.load_seed(&shipped_seed()).await.expect("load");
        let a = water_item_assignment(db, 28, "市环保局").await;
        let made = d(2019, 6, 1);
        let report = store
            .add_report(
                &new_report(a, 0, d(2018, 7, 20), ReportState::Done),
                at(made),
            )
            .await
            .expect("add")
            .expect("stored");
        assert!(report.late_filed);
        let mut plain = review(report.id, ReviewDecision::Accepted, "", made);
        plain.accepts_claimed_day = false;
        let stored = store
            .add_review(&plain, at(made))
            .await
            .expect("review")
            .expect("first");
        assert!(!stored.accepts_claimed_day);
        let t = tracked_28(db, d(2019, 6, 2)).await;
        assert_eq!(
            t.assessment.status,
            Status::DoneLate,
            "counts from 2019-06-01"
        );
        let entry = store
            .item_audit_entries("water", 28, 50)
            .await
            .expect("audit")
            .into_iter()
            .find(|e| e.action == "report.accept")
            .expect("audited");
        let after: serde_json::Value =
            serde_json::from_str(entry.after.as_deref().expect("after")).expect("json");
        assert_eq!(after["accepts_claimed_day"], false);
        assert_eq!(after["counts_as_done_on"], "2019-06-01");

        // The same on another item, accepted with the claimed day: done on 2018-07-20.
        let b = water_item_assignment(db, 1, "开化县政府").await;
        let other = store
            .add_report(
                &new_report(b, 0, d(2018, 6, 20), ReportState::Done),
                at(made),
            )
            .await
            .expect("add")
            .expect("stored");
        let mut claimed = review(other.id, ReviewDecision::Accepted, "", made);
        claimed.accepts_claimed_day = true;
        let stored = store
            .add_review(&claimed, at(made))
            .await
            .expect("review")
            .expect("first");
        assert!(stored.accepts_claimed_day);
        let history = store.reports(b).await.expect("reports");
        assert_eq!(
            history[0].fact().on,
            d(2018, 6, 20),
            "counts on the claimed day"
        );
        let entry = store
            .audit_entries(&sanzhi_store::AuditFilter {
                action: Some("report.accept".into()),
                entity_key: Some(b.to_string()),
                limit: 5,
                ..Default::default()
            })
            .await
            .expect("audit")
            .remove(0);
        let after: serde_json::Value =
            serde_json::from_str(entry.after.as_deref().expect("after")).expect("json");
        assert_eq!(after["accepts_claimed_day"], true);
        assert_eq!(after["late_filed"], true);
        assert_eq!(after["counts_as_done_on"], "2018-06-20");

        // Asked for on a report that is not a 补报, the choice is not kept.
        let c = water_item_assignment(db, 5, "开化县政府").await;
        let honest = store
            .add_report(&new_report(c, 0, made, ReportState::Done), at(made))
            .await
            .expect("add")
            .expect("stored");
        assert!(!honest.late_filed);
        let mut asked = review(honest.id, ReviewDecision::Accepted, "", made);
        asked.accepts_claimed_day = true;
        let stored = store
            .add_review(&asked, at(made))
            .await
            .expect("review")
            .expect("first");
        assert!(!stored.accepts_claimed_day);
    }

    /// What is recorded later never changes the replay of an earlier day: a report made on
    /// 2019-06-01 claiming 2018-07-20 is not seen as of 2018-08-15 or 2019-05-31 (by either
    /// read of the tracking rows), and its acceptance only from the day it was recorded.
    async fn a_replay_of_a_day_before_a_report_was_recorded_does_not_see_it(db: &TestDb) {
        let store = &db.store;
        store.load_seed(&shipped_seed()).await.expect("load");
        let a = water_item_assignment(db, 28, "市环保局").await;
        let days = [d(2018, 8, 15), d(2019, 5, 31), d(2019, 6, 1), d(2019, 6, 3)];
        let scopes = [
            TrackScope::default(),
            TrackScope {
                plan: Some("water".into()),
                unit: Some("市环保局".into()),
                item: Some(28),
            },
        ];
        let read = |scope: TrackScope| async move {
            store
                .tracked_on_days(&scope, &days, 15)
                .await
                .expect("tracked")
        };
        let mut before = Vec::new();
        for scope in &scopes {
            before.push(read(scope.clone()).await);
        }

        let report = store
            .add_report(
                &new_report(a, 0, d(2018, 7, 20), ReportState::Done),
                at(d(2019, 6, 1)),
            )
            .await
            .expect("add")
            .expect("stored");
        // Decided "for" 2019-06-01 but recorded on 2019-06-03.
        let mut accept = review(report.id, ReviewDecision::Accepted, "", d(2019, 6, 1));
        accept.accepts_claimed_day = true;
        store
            .add_review(&accept, at(d(2019, 6, 3)))
            .await
            .expect("review")
            .expect("first");

        for (scope, before) in scopes.iter().zip(&before) {
            let after = read(scope.clone()).await;
            // The days before the report was recorded are unchanged, row for row.
            assert_eq!(after[0], before[0], "{scope:?} 2018-08-15");
            assert_eq!(after[1], before[1], "{scope:?} 2019-05-31");
            let of_28 = |rows: &[sanzhi_domain::Tracked]| {
                rows.iter()
                    .find(|t| t.assignment_id == a)
                    .map(|t| (t.assessment.status, t.awaiting_review, t.report_count))
                    .expect("28")
            };
            assert_eq!(of_28(&after[0]), (Status::Overdue, false, 0));
            // Recorded on 06-01: seen, waiting; the review recorded on 06-03 is seen from then.
            assert_eq!(of_28(&after[2]), (Status::Overdue, true, 1));
            assert_eq!(of_28(&after[3]), (Status::Done, false, 1));
            // One day at a time reads the same.
            for (day, rows) in days.iter().zip(&after) {
                let alone = store.tracked(scope, *day, 15).await.expect("alone");
                assert_eq!(rows, &alone, "{day}");
            }
        }
    }

    fn new_report(
        assignment_id: i64,
        expected: i32,
        on: NaiveDate,
        state: ReportState,
    ) -> NewReport {
        NewReport {
            assignment_id,
            expected_version: expected,
            state,
            milestone_seq: None,
            reported_on: on,
            achieved: None,
            narrative: "进展".into(),
            evidence: vec![],
            reporter: "测试".into(),
            corrects_id: None,
            is_demo: false,
            submission_key: None,
            files: Vec::new(),
        }
    }

    async fn water_item_assignment(db: &TestDb, number: i32, unit: &str) -> i64 {
        let scope = TrackScope {
            plan: Some("water".into()),
            unit: Some(unit.into()),
            item: Some(number),
        };
        let rows = db
            .store
            .tracked(&scope, d(2018, 6, 1), 15)
            .await
            .expect("tracked");
        assert_eq!(rows.len(), 1, "{number} {unit}");
        rows[0].assignment_id
    }

    async fn reports_append_with_a_version_check(db: &TestDb) {
        db.store.load_seed(&shipped_seed()).await.expect("load");
        let a = water_item_assignment(db, 28, "市环保局").await;
        let now = Utc
            .with_ymd_and_hms(2018, 7, 1, 8, 0, 0)
            .single()
            .expect("now");
        let first = db
            .store
            .add_report(
                &new_report(a, 0, d(2018, 6, 20), ReportState::InProgress),
                now,
            )
            .await
            .expect("add")
            .expect("no conflict");
        assert_eq!(first.version, 1);
        // A second writer who also saw version 0 is refused and shown the newer report.
        let conflict = db
            .store
            .add_report(&new_report(a, 0, d(2018, 6, 21), ReportState::Done), now)
            .await
            .expect("add");
        match conflict {
            Err(Some(newest)) => assert_eq!(newest.id, first.id),
            other => panic!("expected a conflict, got {other:?}"),
        }
        let second = db
            .store
            .add_report(&new_report(a, 1, d(2018, 6, 22), ReportState::Done), now)
            .await
            .expect("add")
            .expect("no conflict");
        assert_eq!(second.version, 2);
        let all = db.store.reports(a).await.expect("reports");
        assert_eq!(all.iter().map(|r| r.version).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(all[0].created_at, now);
    }

    async fn status_replays_from_the_reports_made_by_a_day(db: &TestDb) {
        db.store.load_seed(&shipped_seed()).await.expect("load");
        // Water (28): 市环保局, 7月底前.
        let a = water_item_assignment(db, 28, "市环保局").await;
        let now = Utc
            .with_ymd_and_hms(2018, 8, 5, 8, 0, 0)
            .single()
            .expect("now");
        let done = db
            .store
            .add_report(&new_report(a, 0, d(2018, 8, 5), ReportState::Done), now)
            .await
            .expect("add")
            .expect("ok");
        db.store
            .add_review(
                &review(done.id, ReviewDecision::Accepted, "", d(2018, 8, 5)),
                now,
            )
            .await
            .expect("review")
            .expect("ok");
        let scope = TrackScope {
            plan: Some("water".into()),
            unit: Some("市环保局".into()),
            item: Some(28),
        };
        let status = |day| {
            let store = db.store.clone();
            let scope = scope.clone();
            async move {
                store.tracked(&scope, day, 15).await.expect("tracked")[0]
                    .assessment
                    .status
            }
        };
        assert_eq!(status(d(2018, 7, 1)).await, Status::NotStarted);
        assert_eq!(status(d(2018, 7, 20)).await, Status::DueSoon);
        assert_eq!(status(d(2018, 8, 2)).await, Status::Overdue);
        assert_eq!(status(d(2018, 8, 5)).await, Status::DoneLate);
    }

    async fn reports_cannot_be_changed_or_removed(db: &TestDb) {
        db.store.load_seed(&shipped_seed()).await.expect("load");
        let a = water_item_assignment(db, 28, "市环保局").await;
        let now = Utc
            .with_ymd_and_hms(2018, 8, 5, 8, 0, 0)
            .single()
            .expect("now");
        db.store
            .add_report(&new_report(a, 0, d(2018, 8, 5), ReportState::Done), now)
            .await
            .expect("add")
            .expect("ok");
        for sql in [
            "UPDATE progress_reports SET narrative = '改写'",
            "DELETE FROM progress_reports",
        ] {
            let r = match &db.store {
                Store::Sqlite(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
                Store::Postgres(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
            };
            assert!(r.is_err(), "{sql} must be refused");
        }
        assert_eq!(db.store.reports(a).await.expect("reports").len(), 1);
    }
}

mod readings {
    use super::*;
    use sanzhi_domain::chrono::{TimeZone, Utc};
    use sanzhi_domain::{NewReading, ReadingKey, ReadingSource, ReadingsWritten};
    use sanzhi_store::ReadingFilter;

    on_both_backends!(
        the_catalogue_and_places_come_with_the_seed,
        readings_are_written_replaced_and_kept_in_history,
        a_large_batch_with_repeated_keys_is_written_like_one_row_at_a_time,
        a_failing_write_of_readings_changes_nothing,
        demo_readings_are_replaced_by_real_ones_and_cleared_alone,
    );

    /// The six water parameters of every section in `sections`, every month of `years`,
    /// all with `value`.
    fn water_readings(
        sections: &[String],
        years: std::ops::RangeInclusive<i32>,
        value: f64,
    ) -> Vec<NewReading> {
        let mut out = Vec::new();
        for year in years {
            for section in sections {
                for p in sanzhi_domain::water::Parameter::ALL {
                    let code = sanzhi_domain::reading::water_indicator(p).code;
                    for month in 1..=12 {
                        let mut r = reading(code, section, month, value);
                        r.key.year = year;
                        out.push(r);
                    }
                }
            }
        }
        out
    }

    fn reading(indicator: &str, place: &str, month: u32, value: f64) -> NewReading {
        NewReading {
            key: ReadingKey {
                indicator: indicator.into(),
                place: place.into(),
                year: 2018,
                month,
            },
            value,
            valid_days: Some(30),
            provisional: false,
            note: String::new(),
        }
    }

    async fn seeded(db: &TestDb) -> &Store {
        db.store.load_seed(&shipped_seed()).await.expect("seed");
        &db.store
    }

    fn now() -> sanzhi_domain::chrono::DateTime<Utc> {
        Utc.with_ymd_and_hms(2019, 1, 5, 8, 0, 0)
            .single()
            .expect("time")
    }

    async fn the_catalogue_and_places_come_with_the_seed(db: &TestDb) {
        let store = seeded(db).await;
        let n: i64 = sqlx_count(store, "SELECT COUNT(*) FROM indicators").await;
        assert_eq!(n, sanzhi_domain::CATALOGUE.len() as i64);
        let places = store.reading_places().await.expect("places");
        assert_eq!(places.sections.len(), 9);
        assert_eq!(places.sections[0], "东迹渡");
        assert!(places.areas.contains(&"柯城".to_owned()));
        assert!(
            places.areas.contains(&"衢州市区".to_owned()),
            "{:?}",
            places.areas
        );
        assert!(places.drains.contains(&"西排渠".to_owned()));
        assert_eq!(
            store.reading_counts().await.expect("counts"),
            ReadingCounts { total: 0, demo: 0 }
        );
    }

    async fn sqlx_count(store: &Store, sql: &str) -> i64 {
        super::count(store, sql).await
    }

    async fn readings_are_written_replaced_and_kept_in_history(db: &TestDb) {
        let store = seeded(db).await;
        let batch = vec![
            reading("pm25", "柯城", 1, 52.0),
            reading("pm25", "柯城", 2, 48.5),
            reading("water.tp", "铜山源水库", 1, 0.04),
        ];
        let w = store
            .write_readings(&batch, ReadingSource::Imported, "测试", now())
            .await
            .expect("write");
        assert_eq!(
            w,
            ReadingsWritten {
                inserted: 3,
                replaced: 0,
                unchanged: 0
            }
        );
        // The same batch again changes nothing; a corrected value replaces the stored one.
        let again = store
            .write_readings(&batch, ReadingSource::Imported, "测试", now())
            .await
            .expect("again");
        assert_eq!(again.unchanged, 3);
        let mut fixed = batch[1].clone();
        fixed.value = 47.9;
        fixed.provisional = true;
        let later = now() + sanzhi_domain::chrono::Duration::hours(30);
        let w = store
            .write_readings(&[fixed], ReadingSource::Entered, "录入员", later)
            .await
            .expect("fix");
        assert_eq!(w.replaced, 1);
        // The audit entry of the replacement records who and when of the change itself:
        // before is the old value with its author and time, after the new one with the
        // writer's and the write's.
        let replaced = store
            .audit_entries(&sanzhi_store::AuditFilter {
                action: Some("reading.replace".into()),
                limit: 10,
                ..Default::default()
            })
            .await
            .expect("audit");
        assert_eq!(replaced.len(), 1, "{replaced:?}");
        let e = &replaced[0];
        assert_eq!(e.actor, "录入员");
        let json = |s: &Option<String>| -> serde_json::Value {
            serde_json::from_str(s.as_deref().expect("json")).expect("json")
        };
        let (before, after) = (json(&e.before), json(&e.after));
        assert_eq!(before["recorded_by"], "测试");
        assert_eq!(before["value"], 48.5);
        assert_eq!(after["recorded_by"], "录入员");
        assert_eq!(after["value"], 47.9);
        let at = |v: &serde_json::Value| {
            sanzhi_domain::chrono::DateTime::parse_from_rfc3339(v.as_str().expect("time"))
                .expect("rfc3339")
        };
        assert_eq!(at(&after["recorded_at"]), later);
        assert_eq!(at(&before["recorded_at"]), now());
        assert_eq!(before["id"], after["id"]);
        assert_ne!(before["id"], 0);
        let all = store
            .readings(&ReadingFilter::years(2018, 2018))
            .await
            .expect("list");
        assert_eq!(all.len(), 3);
        let feb = all
            .iter()
            .find(|r| r.key.month == 2)
            .expect("february reading");
        assert_eq!(feb.value, 47.9);
        assert!(feb.provisional);
        assert_eq!(feb.source, ReadingSource::Entered);
        assert_eq!(feb.recorded_by, "录入员");
        assert_eq!(feb.valid_days, Some(30));
        assert_eq!(
            sqlx_count(
                store,
                "SELECT COUNT(*) FROM reading_history WHERE value = 48.5"
            )
            .await,
            1
        );
        // Filters: by prefix, by place.
        let water = store
            .readings(&ReadingFilter {
                indicator: Some("water.".into()),
                ..ReadingFilter::years(2018, 2018)
            })
            .await
            .expect("water");
        assert_eq!(water.len(), 1);
        let kecheng = store
            .readings(&ReadingFilter {
                place: Some("柯城".into()),
                ..ReadingFilter::years(2018, 2020)
            })
            .await
            .expect("place");
        assert_eq!(kecheng.len(), 2);
        assert!(store
            .readings(&ReadingFilter::years(2019, 2020))
            .await
            .expect("none")
            .is_empty());
        // The keys and values alone: the same readings, in the same order, by the same filters.
        for filter in [
            ReadingFilter::years(2018, 2020),
            ReadingFilter {
                place: Some("柯城".into()),
                ..ReadingFilter::years(2018, 2020)
            },
            ReadingFilter {
                indicator: Some("water.".into()),
                ..ReadingFilter::years(2018, 2018)
            },
        ] {
            let full: Vec<sanzhi_domain::ReadingValue> = store
                .readings(&filter)
                .await
                .expect("readings")
                .iter()
                .map(Into::into)
                .collect();
            assert!(!full.is_empty());
            assert_eq!(store.reading_values(&filter).await.expect("values"), full);
        }
    }

    /// Batches are written 2,000 keys per statement: a batch of ~4,700 readings that crosses
    /// those chunks twice, holds stored keys (unchanged and changed) and repeats keys within a
    /// chunk and across chunks ends as if written one row at a time: the last value wins,
    /// every replaced value is in the history, and the new ones make one audit entry.
    async fn a_large_batch_with_repeated_keys_is_written_like_one_row_at_a_time(db: &TestDb) {
        let store = seeded(db).await;
        let places = store.reading_places().await.expect("places");
        let mut first = Vec::new();
        for (i, place) in places.areas.iter().enumerate() {
            for month in 1..=12 {
                first.push(reading("pm25", place, month, 30.0 + i as f64));
            }
        }
        let stored = first.len();
        store
            .write_readings(&first, ReadingSource::Imported, "测试", now())
            .await
            .expect("first");
        let mut batch = Vec::new();
        // Stored keys: the first half unchanged, the second half changed.
        for (i, r) in first.iter().enumerate() {
            let mut r = r.clone();
            if i >= stored / 2 {
                r.value += 1.0;
            }
            batch.push(r);
        }
        // A stored key again in the same chunk, with a new value.
        let mut same_chunk = first[1].clone();
        same_chunk.value = 77.0;
        batch.push(same_chunk);
        // New keys: the six water parameters of every section, 2019–2025, enough to cross
        // chunks.
        let water = water_readings(&places.sections, 2019..=2025, 0.1);
        let fresh = water.len();
        batch.extend(water);
        // New keys again: one first written in an earlier chunk (2019), one in the same
        // chunk (2025, written last); and a stored key again in a later chunk.
        let last_section = &places.sections[places.sections.len() - 1];
        for (place, year, value) in [(&places.sections[0], 2019, 0.7), (last_section, 2025, 0.8)] {
            let mut r = reading("water.nh3n", place, 1, value);
            r.key.year = year;
            batch.push(r);
        }
        let mut late = first[0].clone();
        late.value = 99.0;
        batch.push(late);
        assert!(batch.len() > 4_000, "{} readings", batch.len());
        let w = store
            .write_readings(&batch, ReadingSource::Imported, "测试", now())
            .await
            .expect("batch");
        let changed = stored - stored / 2;
        assert_eq!(w.inserted, fresh as u64);
        assert_eq!(w.unchanged, (stored / 2) as u64);
        // The changed half and the four keys written twice.
        assert_eq!(w.replaced, (changed + 4) as u64);
        let all = store
            .readings(&ReadingFilter::years(2018, 2025))
            .await
            .expect("list");
        assert_eq!(all.len(), stored + fresh);
        let value_of = |code: &str, place: &str, year: i32, month: u32| {
            all.iter()
                .find(|r| {
                    r.key.indicator == code
                        && r.key.place == place
                        && r.key.year == year
                        && r.key.month == month
                })
                .map(|r| r.value)
        };
        assert_eq!(
            value_of("water.nh3n", &places.sections[0], 2019, 1),
            Some(0.7)
        );
        assert_eq!(value_of("water.nh3n", last_section, 2025, 1), Some(0.8));
        assert_eq!(value_of("water.tp", last_section, 2025, 1), Some(0.1));
        assert_eq!(value_of("water.nh3n", last_section, 2019, 1), Some(0.1));
        assert_eq!(value_of("pm25", &places.areas[0], 2018, 1), Some(99.0));
        assert_eq!(value_of("pm25", &places.areas[0], 2018, 2), Some(77.0));
        assert_eq!(
            value_of("pm25", &places.areas[places.areas.len() - 1], 2018, 12),
            Some(31.0 + (places.areas.len() - 1) as f64)
        );
        assert_eq!(
            sqlx_count(store, "SELECT COUNT(*) FROM reading_history").await,
            (changed + 4) as i64
        );
        let added = store
            .audit_entries(&sanzhi_store::AuditFilter {
                action: Some("reading.add".into()),
                limit: 100,
                ..Default::default()
            })
            .await
            .expect("audit");
        // One entry per write that added readings: the first and this batch.
        assert_eq!(added.len(), 2, "{added:?}");
        assert!(added.iter().any(|e| e
            .after
            .as_deref()
            .is_some_and(|a| a.contains(&format!("\"inserted\":{fresh}")))));
    }

    /// `batch` is refused and nothing of it is stored.
    async fn refused_whole(store: &Store, batch: &[NewReading]) {
        assert!(store
            .write_readings(batch, ReadingSource::Imported, "测试", now())
            .await
            .is_err());
        assert_eq!(
            store.reading_counts().await.expect("counts"),
            ReadingCounts { total: 0, demo: 0 }
        );
    }

    async fn a_failing_write_of_readings_changes_nothing(db: &TestDb) {
        let store = seeded(db).await;
        // The second reading names an indicator the database does not know: the foreign key
        // refuses it and the first must not stay behind.
        let batch = vec![
            reading("pm25", "柯城", 1, 52.0),
            reading("no.such.indicator", "柯城", 1, 1.0),
        ];
        refused_whole(store, &batch).await;
        // A bulk write (several statements of 2,000 readings) whose third statement holds
        // the unknown indicator: on SQLite each statement keeps the rows before a failing
        // one (`INSERT OR FAIL`) and the key is checked at commit, so only the transaction's
        // rollback undoes the two statements before it.
        let places = store.reading_places().await.expect("places");
        let mut bulk = water_readings(&places.sections, 2018..=2025, 0.5);
        assert!(bulk.len() > 4_500, "{} readings", bulk.len());
        bulk[4_321].key.indicator = "no.such.indicator".into();
        refused_whole(store, &bulk).await;
        // A value the table's check refuses, in the second statement: the same.
        bulk.remove(4_321);
        bulk[2_100].value = -1.0;
        refused_whole(store, &bulk).await;
        // The same readings without either are written whole.
        bulk[2_100].value = 0.5;
        let w = store
            .write_readings(&bulk, ReadingSource::Imported, "测试", now())
            .await
            .expect("bulk");
        assert_eq!(w.inserted, bulk.len() as u64);
    }

    async fn demo_readings_are_replaced_by_real_ones_and_cleared_alone(db: &TestDb) {
        let store = seeded(db).await;
        let demo = vec![
            reading("pm25", "柯城", 1, 50.0),
            reading("pm25", "柯城", 2, 45.0),
        ];
        store
            .write_readings(&demo, ReadingSource::Demo, "演示数据生成器", now())
            .await
            .expect("demo");
        assert_eq!(
            store.reading_counts().await.expect("counts"),
            ReadingCounts { total: 2, demo: 2 }
        );
        // A real January value with the same number replaces the demo row: it is no longer demo.
        let w = store
            .write_readings(&demo[..1], ReadingSource::Imported, "环保局", now())
            .await
            .expect("real");
        assert_eq!(w.replaced, 1);
        assert_eq!(
            store.reading_counts().await.expect("counts"),
            ReadingCounts { total: 2, demo: 1 }
        );
        assert_eq!(store.clear_demo_readings().await.expect("clear"), 1);
        let left = store
            .readings(&ReadingFilter::years(2018, 2018))
            .await
            .expect("left");
        assert_eq!(left.len(), 1);
        assert!(!left[0].is_demo);
        assert_eq!(left[0].source, ReadingSource::Imported);
    }
}

mod plan_edits {
    use super::*;
    use sanzhi_domain::chrono::{NaiveDate, TimeZone, Utc};
    use sanzhi_domain::{ItemEdit, ItemEditForm};
    use sanzhi_store::TrackScope;

    on_both_backends!(
        an_edit_of_deadlines_never_changes_a_replay_of_an_earlier_day,
        units_added_or_removed_by_an_edit_change_no_earlier_day,
    );

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("day")
    }

    /// Item (28)'s deadline, 2018-07-31, as a replay of each day sees it: the phrase of its
    /// first milestone and the status of 市环保局's assignment.
    async fn seen(store: &Store, on: NaiveDate) -> (String, sanzhi_domain::Status) {
        let scope = TrackScope {
            plan: Some("water".into()),
            unit: Some("市环保局".into()),
            item: Some(28),
        };
        let t = store.tracked(&scope, on, 15).await.expect("tracked");
        (t[0].milestones[0].phrase.clone(), t[0].assessment.status)
    }

    async fn edit(store: &Store, deadline: &str, at: sanzhi_domain::chrono::DateTime<Utc>) {
        edit_units(store, deadline, "市环保局", at).await;
    }

    async fn edit_units(
        store: &Store,
        deadline: &str,
        units: &str,
        at: sanzhi_domain::chrono::DateTime<Utc>,
    ) {
        let form = ItemEditForm {
            plan: "water".into(),
            number: 28,
            deadlines: deadline.into(),
            units: units.into(),
            targets: String::new(),
            reason: "延期（测试）".into(),
        };
        let e: ItemEdit = ItemEdit::parse(&form, 2018).expect("edit");
        store
            .edit_item("water", 28, &e, "测试协调员", at)
            .await
            .expect("edit");
    }

    async fn an_edit_of_deadlines_never_changes_a_replay_of_an_earlier_day(db: &TestDb) {
        let seed = sanzhi_seed::load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../seed"))
            .expect("seed");
        db.store.load_seed(&seed).await.expect("load");
        let past = day(2018, 8, 15);
        let before = seen(&db.store, past).await;
        assert_eq!(before.0, "7月底前");
        assert_eq!(before.1, sanzhi_domain::Status::Overdue);
        // On 2026-12-06 (China time) the coordinator moves the deadline to the end of 2020 …
        edit(
            &db.store,
            "2020年底前",
            Utc.with_ymd_and_hms(2026, 12, 5, 17, 0, 0)
                .single()
                .expect("t"),
        )
        .await;
        // … which the replay of 2018-08-15 does not see; today does.
        assert_eq!(seen(&db.store, past).await, before);
        // (Six years after the plan's period, unfinished work reads 未完成（期满）.)
        assert_eq!(
            seen(&db.store, day(2026, 12, 5)).await,
            (before.0.clone(), sanzhi_domain::Status::Lapsed)
        );
        let after = seen(&db.store, day(2026, 12, 6)).await;
        assert_eq!(after.0, "2020年底前");
        // Two days later, once more: each day sees the deadlines in force on it.
        edit(
            &db.store,
            "2021年底前",
            Utc.with_ymd_and_hms(2026, 12, 8, 2, 0, 0)
                .single()
                .expect("t"),
        )
        .await;
        assert_eq!(seen(&db.store, past).await, before);
        assert_eq!(seen(&db.store, day(2026, 12, 7)).await.0, "2020年底前");
        assert_eq!(seen(&db.store, day(2026, 12, 8)).await.0, "2021年底前");
        // One read for several days gives each day its own deadlines.
        let scope = TrackScope {
            plan: Some("water".into()),
            unit: Some("市环保局".into()),
            item: Some(28),
        };
        let days = [past, day(2026, 12, 7), day(2026, 12, 8)];
        let all = db
            .store
            .tracked_on_days(&scope, &days, 15)
            .await
            .expect("days");
        let phrases: Vec<&str> = all
            .iter()
            .map(|d| d[0].milestones[0].phrase.as_str())
            .collect();
        assert_eq!(phrases, ["7月底前", "2020年底前", "2021年底前"]);
        // An edit that leaves the deadlines as they are keeps no version.
        edit(
            &db.store,
            "2021年底前",
            Utc.with_ymd_and_hms(2026, 12, 9, 2, 0, 0)
                .single()
                .expect("t"),
        )
        .await;
        assert_eq!(seen(&db.store, day(2026, 12, 8)).await.0, "2021年底前");
    }

    /// The units item (28) has on `on`, as the replay of that day lists them.
    async fn units_on(store: &Store, on: NaiveDate) -> Vec<String> {
        let scope = TrackScope {
            plan: Some("water".into()),
            unit: None,
            item: Some(28),
        };
        let mut units: Vec<String> = store
            .tracked(&scope, on, 15)
            .await
            .expect("tracked")
            .into_iter()
            .map(|t| t.unit)
            .collect();
        units.sort();
        units
    }

    async fn units_added_or_removed_by_an_edit_change_no_earlier_day(db: &TestDb) {
        let seed = sanzhi_seed::load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../seed"))
            .expect("seed");
        db.store.load_seed(&seed).await.expect("load");
        let past = day(2018, 8, 15);
        assert_eq!(units_on(&db.store, past).await, ["市环保局"]);
        // Added on 2026-12-06: not there in 2018, nor the day before.
        edit_units(
            &db.store,
            "7月底前",
            "市环保局\n柯城区政府",
            Utc.with_ymd_and_hms(2026, 12, 6, 2, 0, 0)
                .single()
                .expect("t"),
        )
        .await;
        assert_eq!(units_on(&db.store, past).await, ["市环保局"]);
        assert_eq!(units_on(&db.store, day(2026, 12, 5)).await, ["市环保局"]);
        let both = ["市环保局", "柯城区政府"].map(str::to_owned);
        let mut sorted = both.to_vec();
        sorted.sort();
        assert_eq!(units_on(&db.store, day(2026, 12, 6)).await, sorted);
        // Removed on 2026-12-08 (it has no reports): still there on the 7th, gone on the 8th;
        // and 2018 is what it always was.
        edit_units(
            &db.store,
            "7月底前",
            "市环保局",
            Utc.with_ymd_and_hms(2026, 12, 8, 2, 0, 0)
                .single()
                .expect("t"),
        )
        .await;
        assert_eq!(units_on(&db.store, day(2026, 12, 7)).await, sorted);
        assert_eq!(units_on(&db.store, day(2026, 12, 8)).await, ["市环保局"]);
        assert_eq!(units_on(&db.store, past).await, ["市环保局"]);
        // A unit of the seed removed by an edit stays in the replays of the days before.
        edit_units(
            &db.store,
            "7月底前",
            "柯城区政府",
            Utc.with_ymd_and_hms(2026, 12, 9, 2, 0, 0)
                .single()
                .expect("t"),
        )
        .await;
        assert_eq!(units_on(&db.store, past).await, ["市环保局"]);
        assert_eq!(units_on(&db.store, day(2026, 12, 9)).await, ["柯城区政府"]);
        // The days in one read each get their own units.
        let scope = TrackScope {
            plan: Some("water".into()),
            unit: None,
            item: Some(28),
        };
        let days = [past, day(2026, 12, 7), day(2026, 12, 9)];
        let counts: Vec<usize> = db
            .store
            .tracked_on_days(&scope, &days, 15)
            .await
            .expect("days")
            .iter()
            .map(Vec::len)
            .collect();
        assert_eq!(counts, [1, 2, 1]);
    }
}

/// The first run: a one-time setup token makes the first admin, once.
mod first_admin {
    use super::*;
    use sanzhi_domain::chrono::Utc;
    use sanzhi_domain::Role;
    use sanzhi_store::NewUser;

    on_both_backends!(
        a_setup_token_makes_one_admin_and_then_opens_nothing,
        racing_setups_make_exactly_one_admin,
        an_admin_made_on_the_command_line_voids_the_setup_tokens,
    );

    fn admin(username: &str) -> NewUser {
        NewUser {
            username: username.to_owned(),
            display_name: format!("管理员 {username}"),
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"
                .into(),
            // Whatever the caller says, the first account made by setup is an admin.
            role: Role::Reporter,
            plan: None,
            unit: None,
            is_demo: false,
        }
    }

    async fn a_setup_token_makes_one_admin_and_then_opens_nothing(db: &TestDb) {
        let s = &db.store;
        let now = Utc::now();
        assert!(s.setup_pending().await.expect("pending"));
        assert!(!s.setup_token_valid("never-issued").await.expect("valid"));
        assert!(s
            .setup_token_issue("first-start", now)
            .await
            .expect("issue"));
        // A second start prints its own address; both work until an admin exists.
        assert!(s
            .setup_token_issue("second-start", now)
            .await
            .expect("issue"));
        assert!(s.setup_token_valid("first-start").await.expect("valid"));
        assert!(s.setup_token_valid("second-start").await.expect("valid"));
        assert!(!s.setup_token_valid("first-star").await.expect("valid"));
        // A wrong token makes nothing.
        assert_eq!(
            s.create_first_admin("wrong", &admin("mallory"), now)
                .await
                .expect("create"),
            None
        );
        assert!(s.users().await.expect("users").is_empty());
        let id = s
            .create_first_admin("second-start", &admin("chief"), now)
            .await
            .expect("create")
            .expect("made");
        let users = s.users().await.expect("users");
        assert_eq!(users.len(), 1);
        assert_eq!(users[0].id, id);
        assert_eq!(users[0].role, Role::Admin);
        assert!(!users[0].is_demo);
        // Audited, by the new admin.
        let audit = s
            .audit_entries(&sanzhi_store::AuditFilter {
                limit: 100,
                ..Default::default()
            })
            .await
            .expect("audit");
        assert!(
            audit
                .iter()
                .any(|e| e.action == "user.setup" && e.entity_key == "chief"),
            "{audit:?}"
        );
        // Every token is void now, and none can be issued.
        assert!(!s.setup_pending().await.expect("pending"));
        for t in ["first-start", "second-start"] {
            assert!(!s.setup_token_valid(t).await.expect("valid"));
            assert_eq!(
                s.create_first_admin(t, &admin("second"), now)
                    .await
                    .expect("create"),
                None
            );
        }
        assert!(!s
            .setup_token_issue("third-start", now)
            .await
            .expect("issue"));
        assert!(!s.setup_token_valid("third-start").await.expect("valid"));
        assert_eq!(s.users().await.expect("users").len(), 1);
    }

    async fn racing_setups_make_exactly_one_admin(db: &TestDb) {
        let s = &db.store;
        let now = Utc::now();
        assert!(s.setup_token_issue("shared", now).await.expect("issue"));
        let mut tries = tokio::task::JoinSet::new();
        for i in 0..8 {
            let s = s.clone();
            tries.spawn(async move {
                s.create_first_admin("shared", &admin(&format!("racer{i}")), now)
                    .await
                    .expect("create")
            });
        }
        let made = tries.join_all().await;
        assert_eq!(made.iter().filter(|m| m.is_some()).count(), 1, "{made:?}");
        let users = s.users().await.expect("users");
        assert_eq!(users.len(), 1);
        assert_eq!(users[0].role, Role::Admin);
    }

    async fn an_admin_made_on_the_command_line_voids_the_setup_tokens(db: &TestDb) {
        let s = &db.store;
        let now = Utc::now();
        assert!(s.setup_token_issue("printed", now).await.expect("issue"));
        // A reporter account is not an admin: setup stays open.
        let mut reporter = admin("no-unit-leader");
        reporter.role = Role::Leader;
        s.save_user(&reporter, "sanzhi user add", now)
            .await
            .expect("leader");
        assert!(s.setup_pending().await.expect("pending"));
        assert!(s.setup_token_valid("printed").await.expect("valid"));
        let mut cli_admin = admin("root");
        cli_admin.role = Role::Admin;
        s.save_user(&cli_admin, "sanzhi user add", now)
            .await
            .expect("admin");
        assert!(!s.setup_pending().await.expect("pending"));
        assert!(!s.setup_token_valid("printed").await.expect("valid"));
        assert_eq!(
            s.create_first_admin("printed", &admin("late"), now)
                .await
                .expect("create"),
            None
        );
    }
}
