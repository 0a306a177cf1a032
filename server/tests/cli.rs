//! The `sanzhi` binary's commands, run as a user would run them.

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
