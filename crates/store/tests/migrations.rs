//! Databases made by the previous release migrate to this release with all their data.
//!
//! `fixtures/previous-release.sqlite` and `fixtures/previous-release.postgres.sql` were made
//! by the `sanzhi` binary of the release named in `fixtures/previous-release.json` (whose
//! `migrations/` folders this release only adds to): `sanzhi seed`, `sanzhi demo` (reports,
//! reviews, readings) and two accounts; the SQLite file compacted
//! with `VACUUM`, the PostgreSQL database dumped with `pg_dump --inserts --no-owner
//! --no-privileges`. `previous-release.json` holds what that release's store read back from
//! it: the expectations here. To make new fixtures at a release, run
//! `crates/store/tests/fixtures/make` with that release's binary.

use sanzhi_domain::chrono::NaiveDate;
use sanzhi_store::testing::TestDb;
use sanzhi_store::{ReadingFilter, Store, TrackScope};
use serde_json::{json, Value};
use std::path::Path;

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// `now` with only the object keys `before` has, at every depth.
fn only_keys_of(now: &Value, before: &Value) -> Value {
    match (now, before) {
        (Value::Object(n), Value::Object(b)) => Value::Object(
            b.iter()
                .map(|(k, bv)| {
                    (
                        k.clone(),
                        n.get(k).map_or(Value::Null, |nv| only_keys_of(nv, bv)),
                    )
                })
                .collect(),
        ),
        (Value::Array(n), Value::Array(b)) if n.len() == b.len() => Value::Array(
            n.iter()
                .zip(b)
                .map(|(nv, bv)| only_keys_of(nv, bv))
                .collect(),
        ),
        _ => now.clone(),
    }
}

/// What the store reads back: what must survive a migration. Written to
/// `previous-release.json` when the fixtures are made (`SANZHI_RECORD_FIXTURE=1`).
async fn snapshot(store: &Store) -> Value {
    let contents = store.contents().await.expect("contents");
    let day = NaiveDate::from_ymd_opt(2019, 3, 31).expect("day");
    let tracked = store
        .tracked(&TrackScope::default(), day, 15)
        .await
        .expect("tracked");
    let with_reports: Vec<i64> = tracked
        .iter()
        .filter(|t| t.report_count > 0)
        .map(|t| t.assignment_id)
        .take(5)
        .collect();
    let mut reports = Vec::new();
    for a in &with_reports {
        reports
            .push(json!({"assignment": a, "reports": store.reports(*a).await.expect("reports")}));
    }
    let statuses: Vec<(i64, String)> = tracked
        .iter()
        .map(|t| (t.assignment_id, format!("{:?}", t.assessment.status)))
        .collect();
    let readings = store
        .reading_values(&ReadingFilter::years(2018, 2020))
        .await
        .expect("readings");
    let reading_sum: f64 = readings.iter().map(|r| r.value).sum();
    let users = store.users().await.expect("users");
    let credentials = store
        .user_credentials("fixture-admin")
        .await
        .expect("credentials")
        .map(|c| json!({"user": c.user, "hash": c.password_hash, "active": c.active}));
    let plans = store.list_plans().await.expect("plans");
    json!({
        "contents": {
            "plans": contents.plans,
            "assignments": contents.assignments,
            "reports": contents.reports,
            "readings": contents.readings,
            "users": contents.users,
        },
        "plans": plans,
        "reports": reports,
        "statuses": statuses,
        "readings": {"count": readings.len(), "sum": format!("{reading_sum:.3}")},
        "users": users,
        "credentials": credentials,
        "tokens": store.api_tokens().await.expect("tokens").len(),
    })
}

async fn migrates_with_its_data(store: &Store) {
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("previous-release.json")).expect("expectations"),
    )
    .expect("json");
    if std::env::var_os("SANZHI_RECORD_FIXTURE").is_some() {
        // Making fixtures: record what the release's store reads, before any migration.
        let mut recorded = expected.clone();
        recorded["snapshot"][store.backend().as_str()] = snapshot(store).await;
        std::fs::write(
            fixture("previous-release.json"),
            serde_json::to_string_pretty(&recorded).expect("json") + "\n",
        )
        .expect("write expectations");
        return;
    }
    store.migrate().await.expect("migrate to this release");
    assert!(
        store
            .unknown_migrations()
            .await
            .expect("migrations")
            .is_empty(),
        "every migration of the fixture is one of this release's, unchanged"
    );
    let problems = store.integrity_problems().await.expect("check");
    assert!(problems.is_empty(), "{problems:?}");
    // Migration 26: the status facts were built from the stored reports, and the statuses
    // they give are those the reports give.
    let days: Vec<NaiveDate> = [(2018, 9, 30), (2018, 12, 31), (2019, 3, 31), (2021, 1, 1)]
        .iter()
        .map(|&(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).expect("day"))
        .collect();
    let all = sanzhi_store::TrackScope::default();
    let full = store.tracked_on_days(&all, &days, 15).await.expect("full");
    let kept = store.statuses_on_days(&all, &days, 15).await.expect("kept");
    let summary = |rows: &[sanzhi_domain::Tracked]| -> Vec<String> {
        rows.iter()
            .map(|t| {
                format!(
                    "{} {:?} {} {}",
                    t.assignment_id, t.assessment, t.report_count, t.awaiting_review
                )
            })
            .collect()
    };
    for (f, k) in full.iter().zip(&kept) {
        assert_eq!(summary(f), summary(k));
    }
    assert!(
        kept.iter().flatten().any(|t| t.report_count > 0),
        "the fixture's reports are in the facts"
    );
    let now = snapshot(store).await;
    // Per backend: PostgreSQL keeps times to the microsecond, SQLite as written.
    let before = &expected["snapshot"][store.backend().as_str()];
    assert!(
        before["contents"]["reports"].as_i64().unwrap_or(0) > 100
            && before["readings"]["count"].as_u64().unwrap_or(0) > 100
            && before["users"].as_array().map_or(0, Vec::len) >= 2,
        "the fixture holds data: {}",
        before["contents"]
    );
    for key in [
        "contents",
        "plans",
        "reports",
        "statuses",
        "readings",
        "users",
        "credentials",
        "tokens",
    ] {
        // Fields a later migration added are new, not lost: compared is what the fixture had.
        assert_eq!(
            only_keys_of(&now[key], &before[key]),
            before[key],
            "{key} survived the migration"
        );
    }
    // Migration 24: the plans that existed are active, with no English name until the seed
    // gives one; a coordinator's account reads its plan's name.
    for p in now["plans"].as_array().expect("plans") {
        assert_eq!(p["status"], "active", "{p}");
    }
    // And the migrated database takes new writes.
    let a = now["reports"][0]["assignment"]
        .as_i64()
        .expect("assignment");
    let version = now["reports"][0]["reports"].as_array().map_or(0, Vec::len);
    let report = sanzhi_domain::NewReport {
        assignment_id: a,
        expected_version: i32::try_from(version).expect("version"),
        state: sanzhi_domain::ReportState::InProgress,
        milestone_seq: None,
        reported_on: NaiveDate::from_ymd_opt(2019, 4, 1).expect("day"),
        achieved: None,
        narrative: "迁移之后的报告".into(),
        evidence: vec![],
        reporter: "迁移测试".into(),
        corrects_id: None,
        is_demo: false,
        submission_key: None,
        files: Vec::new(),
    };
    store
        .add_report(&report, sanzhi_domain::chrono::Utc::now())
        .await
        .expect("add")
        .expect("stored");
}

#[tokio::test]
async fn a_sqlite_database_of_the_previous_release_migrates_with_its_data() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("previous.db");
    std::fs::copy(fixture("previous-release.sqlite"), &file).expect("copy fixture");
    let store = Store::connect(&format!("sqlite:{}", file.display()))
        .await
        .expect("open");
    migrates_with_its_data(&store).await;
    store.close().await;
}

#[tokio::test]
async fn a_postgres_database_of_the_previous_release_migrates_with_its_data() {
    let Some(db) = TestDb::postgres_empty().await else {
        return;
    };
    let dump = std::fs::read_to_string(fixture("previous-release.postgres.sql")).expect("dump");
    let Store::Postgres(pool) = &db.store else {
        unreachable!("a PostgreSQL test database")
    };
    sqlx::raw_sql(&dump)
        .execute(pool)
        .await
        .expect("load the dump");
    // pg_dump empties the search path for the session that loads it; the store's own
    // connections are fresh ones.
    let store = Store::connect(&db.url).await.expect("open");
    migrates_with_its_data(&store).await;
    store.close().await;
    db.finish().await;
}
