//! The `sanzhi` binary's commands, run as a user would run them.

#[macro_use]
mod common;

use std::process::Command;

fn sanzhi(db_url: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sanzhi"))
        .args(args)
        .env("DATABASE_URL", db_url)
        .env("SANZHI_LOG__FILTER", "warn")
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .output()
        .expect("run sanzhi")
}

#[tokio::test]
async fn seed_is_idempotent_and_a_bad_seed_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite:{}", dir.path().join("nested/cli.db").display());

    let out = sanzhi(&url, &["migrate"]);
    assert!(out.status.success(), "{out:?}");

    let out = sanzhi(&url, &["seed"]);
    assert!(out.status.success(), "{out:?}");
    let first = counts(&String::from_utf8_lossy(&out.stdout));
    assert!(first.0 > 0 && first.1 == 0, "{first:?}");

    let out = sanzhi(&url, &["seed"]);
    let second = counts(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(
        second,
        (0, 0, first.0 + first.2),
        "the second load changes nothing"
    );

    // A copy of the seed folder with one bad cell: water (5) names a unit that does not
    // exist, and the water plan's short name is changed so we can see it was not loaded.
    let bad = dir.path().join("bad-seed");
    copy_dir(
        std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../seed")),
        &bad,
    );
    let water = bad.join("plans/water.toml");
    let text = std::fs::read_to_string(&water).expect("read");
    let at = text.find("[[item]]\nnumber = 5\n").expect("item 5");
    let (head, tail) = text.split_at(at);
    let tail = tail.replacen("responsible = [", "responsible = [\"市治沙办\", ", 1);
    std::fs::write(&water, format!("{head}{tail}")).expect("write");
    let plans = std::fs::read_to_string(bad.join("plans.toml"))
        .expect("read")
        .replace("short_name = \"治水长效战\"", "short_name = \"改了\"");
    std::fs::write(bad.join("plans.toml"), plans).expect("write");

    let out = sanzhi(&url, &["seed", "--dir", bad.to_str().expect("utf8")]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(err.contains("plans/water.toml"), "{err}");
    assert!(err.contains("第 5 条 [[item]] (number = 5)"), "{err}");
    assert!(err.contains("responsible"), "{err}");
    assert!(err.contains("市治沙办"), "{err}");
    assert!(err.contains("数据库未作任何改动"), "{err}");

    let store = sanzhi_store::Store::connect(&url).await.expect("open");
    let plans = store.list_plans().await.expect("list");
    assert_eq!(
        plans[0].short_name, "治水长效战",
        "the valid part was not loaded either"
    );
    store.close().await;
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

/// (inserted, updated, unchanged) from “种子数据已载入：新增 a，更新 b，未变 c”.
fn counts(stdout: &str) -> (u64, u64, u64) {
    let n = |label: &str| -> u64 {
        let rest = &stdout[stdout.find(label).expect(label) + label.len()..];
        rest.trim_start()
            .chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .expect("number")
    };
    (n("新增"), n("更新"), n("未变"))
}

#[test]
fn an_unknown_database_scheme_is_a_clear_error() {
    let out = sanzhi("mysql://localhost/x", &["migrate"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("无法连接数据库"), "{err}");
    assert!(err.contains("sqlite: or postgres://"), "{err}");
}

#[test]
fn the_password_of_a_database_url_is_never_printed() {
    let out = sanzhi("postgres://sanzhi:topsecret@127.0.0.1:1/nope", &["migrate"]);
    assert!(!out.status.success());
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!all.contains("topsecret"), "{all}");
    assert!(all.contains("sanzhi:***@127.0.0.1:1"), "{all}");
}

#[tokio::test]
async fn demo_reports_are_deterministic_labelled_and_removable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite:{}", dir.path().join("demo.db").display());
    assert!(sanzhi(&url, &["seed"]).status.success());
    let first = sanzhi(&url, &["demo"]);
    assert!(first.status.success(), "{first:?}");
    let first = String::from_utf8_lossy(&first.stdout).to_string();
    assert!(first.contains("仅供演示"), "{first}");
    let again = String::from_utf8_lossy(&sanzhi(&url, &["demo"]).stdout).to_string();
    assert_eq!(first, again, "the same demo every time");

    let store = sanzhi_store::Store::connect(&url).await.expect("open");
    assert!(store.has_demo_reports().await.expect("demo?"));
    let all = store
        .tracked(
            &sanzhi_store::TrackScope::default(),
            sanzhi_domain::chrono::NaiveDate::from_ymd_opt(2020, 12, 31).expect("date"),
            15,
        )
        .await
        .expect("tracked");
    let reports: Vec<_> = all.iter().filter_map(|t| t.last_report.as_ref()).collect();
    assert!(!reports.is_empty());
    assert!(reports.iter().all(|r| r.is_demo
        && r.narrative.starts_with("【演示】")
        && r.reporter == "演示数据生成器"));
    store.close().await;

    let out = sanzhi(&url, &["demo", "--clear"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("已删除演示报告"));
    let store = sanzhi_store::Store::connect(&url).await.expect("open");
    assert!(!store.has_demo_reports().await.expect("demo?"));
    store.close().await;
}

fn stdout_stderr(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// `sanzhi backup` copies the database while the server runs; `sanzhi restore` refuses a
/// running server, a damaged file, a file that is not a database and a backup from a later
/// release, changing nothing each time, and then brings the backed-up state back.
#[tokio::test]
async fn a_backup_made_while_serving_restores_after_the_checks() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite:{}", dir.path().join("live.db").display());
    let out = sanzhi(&url, &["seed"]);
    assert!(out.status.success(), "{out:?}");
    let store = sanzhi_store::Store::connect(&url).await.expect("open");
    let a = store
        .tracked(
            &sanzhi_store::TrackScope {
                unit: Some("开化县政府".into()),
                ..Default::default()
            },
            sanzhi_domain::chrono::NaiveDate::from_ymd_opt(2019, 1, 1).expect("day"),
            15,
        )
        .await
        .expect("tracked")[0]
        .assignment_id;
    let report = move |version: i32, narrative: &str| sanzhi_domain::NewReport {
        assignment_id: a,
        expected_version: version,
        state: sanzhi_domain::ReportState::InProgress,
        milestone_seq: None,
        reported_on: sanzhi_domain::chrono::NaiveDate::from_ymd_opt(2019, 1, 2).expect("day"),
        achieved: None,
        narrative: narrative.into(),
        evidence: vec![],
        reporter: "开化县政府 测试".into(),
        corrects_id: None,
        is_demo: false,
        submission_key: None,
        files: Vec::new(),
    };
    let now = sanzhi_domain::chrono::Utc::now();
    store
        .add_report(&report(0, "备份之前的报告"), now)
        .await
        .expect("add")
        .expect("stored");

    // The backup, with the server running and a writer going on meanwhile.
    let mut server = common::ServerProcess::start(&url, None).await;
    let writer = {
        let store = store.clone();
        tokio::spawn(async move {
            for v in 1..40 {
                store
                    .add_report(&report(v, &format!("备份期间的报告 {v}")), now)
                    .await
                    .expect("add")
                    .expect("stored");
            }
        })
    };
    let backup = dir.path().join("backups/b1.db");
    let out = sanzhi(&url, &["backup", "--out", backup.to_str().expect("utf8")]);
    assert!(out.status.success(), "{out:?}");
    assert!(stdout_stderr(&out).contains("已备份到"), "{out:?}");
    writer.await.expect("writer");
    let out = sanzhi(&url, &["backup", "--out", backup.to_str().expect("utf8")]);
    assert!(
        !out.status.success(),
        "an existing file is never overwritten"
    );
    assert!(stdout_stderr(&out).contains("已存在"), "{out:?}");

    // The copy is one moment of the database: versions 1..=n without a gap.
    let copy = sanzhi_store::Store::connect(&format!("sqlite:{}", backup.display()))
        .await
        .expect("open copy");
    let in_copy = copy.reports(a).await.expect("reports");
    assert!(!in_copy.is_empty());
    assert!(in_copy
        .iter()
        .enumerate()
        .all(|(i, r)| r.version as usize == i + 1));
    assert!(copy.integrity_problems().await.expect("check").is_empty());
    copy.close().await;
    store
        .add_report(&report(40, "备份之后的报告"), now)
        .await
        .expect("add")
        .expect("stored");
    let live_before = store.reports(a).await.expect("reports");

    // Refused while the server has the database open.
    let out = sanzhi(&url, &["restore", "--from", backup.to_str().expect("utf8")]);
    assert!(!out.status.success());
    let said = stdout_stderr(&out);
    assert!(
        said.contains("请先停止服务器") && said.contains("未作任何改动"),
        "{said}"
    );
    server.kill();
    // Dropped, not only closed: sqlx's `Pool::close` can return with a connection that
    // lands back in the closed pool's idle queue (launchbadge/sqlx#3217) and keeps the file
    // open until the pool itself is dropped; a shadowed binding lives to the end of the test.
    store.close().await;
    drop(store);

    // Refused: a file that is not a database, a damaged copy, a backup from a later release.
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, "这不是数据库".repeat(500)).expect("write");
    let damaged = dir.path().join("damaged.db");
    let mut bytes = std::fs::read(&backup).expect("read");
    let page = 4096;
    for b in &mut bytes[2 * page + 100..3 * page] {
        *b = 0xA5;
    }
    std::fs::write(&damaged, bytes).expect("write");
    let later = dir.path().join("later.db");
    std::fs::copy(&backup, &later).expect("copy");
    {
        let s = sanzhi_store::Store::connect(&format!("sqlite:{}", later.display()))
            .await
            .expect("open");
        let sanzhi_store::Store::Sqlite(pool) = &s else {
            unreachable!()
        };
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
             VALUES (29991231000000, 'from the future', TRUE, x'00', 0)",
        )
        .execute(pool)
        .await
        .expect("fake migration");
        s.close().await;
    }
    for (file, why) in [
        (&junk, "不是三治的数据库"),
        (&damaged, ""),
        (&later, "不属于本版本"),
        (&dir.path().join("missing.db"), "不存在"),
    ] {
        let out = sanzhi(&url, &["restore", "--from", file.to_str().expect("utf8")]);
        let said = stdout_stderr(&out);
        assert!(!out.status.success(), "{file:?} was restored: {said}");
        assert!(
            said.contains(why) && said.contains("未作任何改动"),
            "{said}"
        );
    }
    let store = sanzhi_store::Store::connect(&url).await.expect("open");
    assert_eq!(
        store.reports(a).await.expect("reports"),
        live_before,
        "unchanged"
    );
    store.close().await;
    drop(store);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("restore-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // The restore: the backed-up state is back, the replaced database kept beside it, and
    // the server starts on it.
    // (This process's closed pools may still be letting go of the file: a refusal for "in
    // use" is retried a few times.)
    let mut out = sanzhi(&url, &["restore", "--from", backup.to_str().expect("utf8")]);
    for _ in 0..5 {
        if out.status.success() || !stdout_stderr(&out).contains("正被使用") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        out = sanzhi(&url, &["restore", "--from", backup.to_str().expect("utf8")]);
    }
    assert!(out.status.success(), "{out:?}");
    let said = stdout_stderr(&out);
    assert!(
        said.contains("已从") && said.contains("原数据库已另存为"),
        "{said}"
    );
    let store = sanzhi_store::Store::connect(&url).await.expect("open");
    let restored = store.reports(a).await.expect("reports");
    assert_eq!(restored, in_copy);
    assert!(!restored.iter().any(|r| r.narrative == "备份之后的报告"));
    store.close().await;
    let kept = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(|e| e.ok())
        .find(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("live.db.before-restore-")
        })
        .expect("the replaced database is kept");
    let old = sanzhi_store::Store::connect(&format!("sqlite:{}", kept.path().display()))
        .await
        .expect("open kept");
    assert_eq!(old.reports(a).await.expect("reports"), live_before);
    old.close().await;
    server.restart().await;
    server.kill();
}

/// PostgreSQL databases are backed up with pg_dump and restored with pg_restore: the
/// commands say so and write nothing.
#[tokio::test]
async fn postgres_backup_and_restore_point_to_its_own_tools() {
    let Some(db) = sanzhi_store::testing::TestDb::postgres().await else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("pg.db");
    let out = sanzhi(&db.url, &["backup", "--out", file.to_str().expect("utf8")]);
    assert!(!out.status.success());
    assert!(stdout_stderr(&out).contains("pg_dump"), "{out:?}");
    assert!(!file.exists());
    std::fs::write(&file, "x").expect("write");
    let out = sanzhi(
        &db.url,
        &["restore", "--from", file.to_str().expect("utf8")],
    );
    assert!(!out.status.success());
    assert!(stdout_stderr(&out).contains("pg_restore"), "{out:?}");
    db.finish().await;
}
