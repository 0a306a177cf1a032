//! `sanzhi serve --demo` re-activates the demo accounts (an admin among them) and prints their
//! passwords: it refuses a database with real data — a progress report or an account not
//! marked demo — changing nothing, and still starts on a fresh database and again on one that
//! only ever held demo data. The rule on both backends; the command itself on SQLite.

use sanzhi_store::testing::TestDb;
use std::process::{Command, Stdio};

/// Runs `sanzhi serve --demo` on `url` until it prints its first demo account (then stops
/// it), or until it exits by itself; (exited by itself with success?, stdout + stderr).
fn serve_demo(url: &str) -> (Option<bool>, String) {
    use std::io::{BufRead, Read};
    let addr = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").to_string()
    };
    let site = tempfile::tempdir().expect("site");
    let mut child = Command::new(env!("CARGO_BIN_EXE_sanzhi"))
        .args(["serve", "--demo"])
        .env("DATABASE_URL", url)
        .env("SANZHI_SERVER__ADDR", &addr)
        .env("SANZHI_SITE__ROOT", site.path())
        .env("SANZHI_LOG__FILTER", "error")
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start sanzhi");
    let stdout = child.stdout.take().expect("stdout");
    let mut out = String::new();
    let mut lines = std::io::BufReader::new(stdout).lines();
    let mut printed_account = false;
    // `lines` ends when the process exits (a refusal) or is read until an account is printed.
    for line in lines.by_ref() {
        let line = line.expect("line");
        out.push_str(&line);
        out.push('\n');
        if line.starts_with("演示账号 demo-") {
            printed_account = true;
            break;
        }
    }
    let exited = if printed_account {
        child.kill().expect("stop");
        child.wait().expect("reaped");
        None
    } else {
        Some(child.wait().expect("exit").success())
    };
    let mut err = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut err);
    }
    (exited, format!("{out}{err}"))
}

fn sanzhi(url: &str, args: &[&str], stdin: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_sanzhi"))
        .args(args)
        .env("DATABASE_URL", url)
        .env("SANZHI_LOG__FILTER", "warn")
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run sanzhi");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write");
    child.wait_with_output().expect("output")
}

/// The demo accounts' password hashes: what a refused `--demo` must leave as it was.
async fn demo_hashes(url: &str) -> Vec<(String, String, bool)> {
    let store = sanzhi_store::Store::connect(url).await.expect("open");
    let mut out = Vec::new();
    for u in store.users().await.expect("users") {
        if u.is_demo {
            let c = store
                .user_credentials(&u.username)
                .await
                .expect("credentials")
                .expect("account");
            out.push((u.username, c.password_hash, c.active));
        }
    }
    store.close().await;
    out
}

#[tokio::test]
async fn serve_demo_refuses_a_database_with_a_real_account_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite:{}", dir.path().join("demo.db").display());
    // A fresh database: the demo starts and prints its accounts.
    let (exited, out) = serve_demo(&url);
    assert_eq!(exited, None, "the demo started: {out}");
    assert!(out.contains("演示账号 demo-admin 密码"), "{out}");
    // Only demo data so far: it starts again.
    let (exited, out) = serve_demo(&url);
    assert_eq!(exited, None, "the demo started a second time: {out}");
    // An admin stops a demo account, then a real account is added: --demo is refused, the
    // stopped account stays stopped, and no password changes.
    let store = sanzhi_store::Store::connect(&url).await.expect("open");
    store
        .set_active(
            "demo-admin",
            false,
            "test",
            sanzhi_domain::chrono::Utc::now(),
        )
        .await
        .expect("stop")
        .expect("found");
    store.close().await;
    let out = sanzhi(
        &url,
        &[
            "user",
            "add",
            "--username",
            "zhang",
            "--role",
            "admin",
            "--password-stdin",
        ],
        "a real password 123\n",
    );
    assert!(out.status.success(), "{out:?}");
    let before = demo_hashes(&url).await;
    assert!(before
        .iter()
        .any(|(u, _, active)| u == "demo-admin" && !active));
    let (exited, out) = serve_demo(&url);
    assert_eq!(exited, Some(false), "refused with a non-zero exit: {out}");
    assert!(out.contains("拒绝以 --demo 启动"), "{out}");
    assert!(out.contains("1 个真实（非演示）账号"), "{out}");
    assert!(!out.contains("密码 "), "no password printed: {out}");
    assert_eq!(demo_hashes(&url).await, before, "nothing changed");
}

/// The rule itself, on both backends: a fresh database and demo data pass; a real report or
/// a real account is refused.
async fn the_rule(db: TestDb) {
    let store = &db.store;
    let seed =
        sanzhi_seed::load_dir(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../seed"))
            .expect("seed");
    store.load_seed(&seed).await.expect("load seed");
    assert_eq!(server::demo::refusal(store).await.expect("check"), None);
    server::users::demo_accounts(store)
        .await
        .expect("demo accounts");
    server::demo::load(store).await.expect("demo reports");
    server::demo::load_readings(store)
        .await
        .expect("demo readings");
    assert_eq!(
        server::demo::refusal(store).await.expect("check"),
        None,
        "demo data only"
    );
    // A real report.
    let a = store
        .tracked(
            &sanzhi_store::TrackScope::default(),
            sanzhi_domain::chrono::NaiveDate::from_ymd_opt(2019, 3, 31).expect("day"),
            15,
        )
        .await
        .expect("tracked")
        .into_iter()
        .find(|t| t.report_count == 0)
        .expect("an assignment without reports")
        .assignment_id;
    store
        .add_report(
            &sanzhi_domain::NewReport {
                assignment_id: a,
                expected_version: 0,
                state: sanzhi_domain::ReportState::InProgress,
                milestone_seq: None,
                reported_on: sanzhi_domain::chrono::NaiveDate::from_ymd_opt(2019, 4, 1)
                    .expect("day"),
                achieved: None,
                narrative: "真实的进展".into(),
                evidence: vec![],
                reporter: "开化县政府 张三".into(),
                corrects_id: None,
                is_demo: false,
                submission_key: None,
                files: Vec::new(),
            },
            sanzhi_domain::chrono::Utc::now(),
        )
        .await
        .expect("add")
        .expect("stored");
    let why = server::demo::refusal(store)
        .await
        .expect("check")
        .expect("refused");
    assert!(why.contains("1 条真实（非演示）进展报告"), "{why}");
    assert!(!why.contains("个真实（非演示）账号"), "{why}");
    // And a real account.
    server::users::add(
        store,
        "li",
        "李四",
        sanzhi_domain::Role::Leader,
        None,
        None,
        "another real password",
        false,
        "test",
    )
    .await
    .expect("account");
    let why = server::demo::refusal(store)
        .await
        .expect("check")
        .expect("refused");
    assert!(why.contains("1 个真实（非演示）账号"), "{why}");
    db.finish().await;
}

#[tokio::test]
async fn the_rule_on_sqlite() {
    the_rule(TestDb::sqlite().await).await;
}

#[tokio::test]
async fn the_rule_on_postgres() {
    if let Some(db) = TestDb::postgres().await {
        the_rule(db).await;
    }
}
