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
    let first = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(first.contains("新增 10，更新 0，未变 0"), "{first}");

    let out = sanzhi(&url, &["seed"]);
    let second = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(second.contains("新增 0，更新 0，未变 10"), "{second}");

    // A seed folder whose plans.toml names an owner that is not a unit.
    let bad = dir.path().join("bad-seed");
    std::fs::create_dir(&bad).expect("mkdir");
    let seed = concat!(env!("CARGO_MANIFEST_DIR"), "/../seed");
    std::fs::copy(format!("{seed}/units.toml"), bad.join("units.toml")).expect("copy");
    let plans = std::fs::read_to_string(format!("{seed}/plans.toml"))
        .expect("read")
        .replace("owner = \"市治土办\"", "owner = \"市治沙办\"")
        .replace("short_name = \"治水长效战\"", "short_name = \"改了\"");
    std::fs::write(bad.join("plans.toml"), plans).expect("write");
    let out = sanzhi(&url, &["seed", "--dir", bad.to_str().expect("utf8")]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(err.contains("plans.toml"), "{err}");
    assert!(err.contains("第 3 条 [[plan]]"), "{err}");
    assert!(err.contains("owner"), "{err}");
    assert!(err.contains("数据库未作任何改动"), "{err}");

    let store = sanzhi_store::Store::connect(&url).await.expect("open");
    let plans = store.list_plans().await.expect("list");
    assert_eq!(
        plans[0].short_name, "治水长效战",
        "the valid part was not loaded either"
    );
    store.close().await;
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
