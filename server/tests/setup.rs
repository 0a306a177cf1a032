//! The first run without demo data (issue 19): on a database with no account, the setup
//! address the server printed makes the first admin — the same rules as any account, the
//! password typed twice — signs them in and leads to the first steps; a wrong token, or any
//! token once an admin exists, finds no page (404) and changes nothing. And the commands the
//! server prints work as printed, in a fresh shell.

mod common;

use common::*;
use sanzhi_store::testing::TestDb;

const TOKEN: &str = "5f0c1d2e3f405162738495a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f80";

async fn setup_page(app: &TestApp, token: &str) -> (u16, String) {
    let r = reqwest::get(format!("{}/setup?token={token}", app.base))
        .await
        .expect("GET /setup");
    (r.status().as_u16(), r.text().await.expect("html"))
}

/// A refused setup: (token, username, password, password again, status, what the answer says).
type Refusal<'a> = (&'a str, &'a str, &'a str, &'a str, u16, &'a [&'a str]);

/// Whether the sign-in page says where the setup address is.
async fn login_mentions_setup(app: &TestApp) -> bool {
    reqwest::get(format!("{}/login", app.base))
        .await
        .expect("login page")
        .text()
        .await
        .expect("html")
        .contains("一次性设置地址")
}

async fn submit(
    client: &reqwest::Client,
    app: &TestApp,
    token: &str,
    username: &str,
    password: &str,
    again: &str,
) -> (u16, serde_json::Value) {
    let r = client
        .post(format!("{}/api/setup_admin", app.base))
        .form(&[
            ("token", token),
            ("form[username]", username),
            ("form[display_name]", "王主任"),
            ("form[password]", password),
            ("form[password_again]", again),
        ])
        .send()
        .await
        .expect("POST");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(serde_json::Value::Null))
}

async fn the_first_admin_through_the_setup_address(app: &TestApp) {
    let store = &app.db.store;
    assert!(store.users().await.expect("users").is_empty());
    // What `sanzhi serve` does at start on a database without an admin.
    assert!(store
        .setup_token_issue(TOKEN, sanzhi_domain::chrono::Utc::now())
        .await
        .expect("issue"));

    // The sign-in page says where the address is.
    assert!(login_mentions_setup(app).await);

    // No token or a wrong one: no such page, and nothing of the form.
    for token in ["", "nope", &TOKEN[..63], &format!("{TOKEN}0")] {
        let (status, html) = setup_page(app, token).await;
        assert_eq!(status, 404, "token {token:?}");
        assert!(!html.contains("password_again"), "token {token:?}");
    }
    let (status, html) = setup_page(app, TOKEN).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("创建第一个管理员"), "{html}");
    assert!(html.contains("name=\"form[password_again]\""), "{html}");

    let client = app.client.clone();
    // Refused, each with the field and the reason; nothing is created.
    let refusals: [Refusal; 5] = [
        (
            "nope",
            "wang",
            "a long password",
            "a long password",
            404,
            &["not_found"],
        ),
        (
            TOKEN,
            "wang",
            "a long password",
            "a long passwore",
            400,
            &["password_again", "两次输入的密码不一致"],
        ),
        (
            TOKEN,
            "wang",
            "short",
            "short",
            400,
            &["password", "密码至少 10 个字符"],
        ),
        (TOKEN, "wang", "", "", 400, &["password", "请设置密码"]),
        (
            TOKEN,
            "王 主任",
            "a long password",
            "a long password",
            400,
            &["username"],
        ),
    ];
    for (token, username, password, again, want, says) in refusals {
        let (status, body) = submit(&client, app, token, username, password, again).await;
        assert_eq!(status, want, "{username} {password:?}/{again:?}: {body}");
        for s in says {
            assert!(body.to_string().contains(s), "{body} lacks {s}");
        }
    }
    // From another site: refused by the gate.
    let cross = client
        .post(format!("{}/api/setup_admin", app.base))
        .header("origin", "https://evil.example")
        .form(&[
            ("token", TOKEN),
            ("form[username]", "evil"),
            ("form[display_name]", ""),
            ("form[password]", "a long password"),
            ("form[password_again]", "a long password"),
        ])
        .send()
        .await
        .expect("POST");
    assert_eq!(cross.status(), 403);
    assert!(store.users().await.expect("users").is_empty());

    // The admin is made and signed in.
    let (status, body) = submit(
        &client,
        app,
        TOKEN,
        "wang",
        "a long password",
        "a long password",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["role"], "admin", "{body}");
    let me: serde_json::Value = client
        .post(format!("{}/api/whoami", app.base))
        .send()
        .await
        .expect("whoami")
        .json()
        .await
        .expect("json");
    assert_eq!(me["username"], "wang", "{me}");
    assert_eq!(me["display_name"], "王主任", "{me}");
    let steps = client
        .get(format!("{}/first-steps", app.base))
        .send()
        .await
        .expect("first steps");
    assert_eq!(steps.status(), 200);
    let steps = steps.text().await.expect("html");
    for text in [
        "第一步",
        "为人员建立账号",
        "导入监测读数",
        "衢政办发〔2018〕43号",
        "/admin/accounts",
    ] {
        assert!(steps.contains(text), "first steps lack {text}");
    }

    // The address is spent: 404 whatever the token, and a second admin cannot be made with it.
    for token in [TOKEN, "nope"] {
        let (status, html) = setup_page(app, token).await;
        assert_eq!(status, 404, "after setup, token {token:?}");
        assert!(!html.contains("password_again"));
    }
    let (status, _) = submit(
        &reqwest::Client::new(),
        app,
        TOKEN,
        "second",
        "a long password",
        "a long password",
    )
    .await;
    assert_eq!(status, 404);
    let users = store.users().await.expect("users");
    assert_eq!(users.len(), 1);
    assert!(!login_mentions_setup(app).await);

    // The new admin makes a unit reporter's account, who then signs in.
    let created = post_json(
        &client,
        format!("{}/api/account_create", app.base),
        &[
            ("form[username]", "kaihua.li"),
            ("form[display_name]", "李填报"),
            ("form[role]", "reporter"),
            ("form[plan]", ""),
            ("form[unit]", "开化县政府"),
            ("form[password]", ""),
        ],
    )
    .await;
    let password = created["password"].as_str().expect("generated password");
    let reporter = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    let signed = post_json(
        &reporter,
        format!("{}/api/login", app.base),
        &[("username", "kaihua.li"), ("password", password)],
    )
    .await;
    assert_eq!(signed["unit"], "开化县政府", "{signed}");
    let mine = reporter
        .get(format!("{}/my", app.base))
        .send()
        .await
        .expect("my");
    assert_eq!(mine.status(), 200);
    assert!(mine.text().await.expect("html").contains("开化县政府"));
    // The first steps are the admin's: a reporter is refused the facts.
    let refused = reporter
        .post(format!("{}/api/first_steps", app.base))
        .send()
        .await
        .expect("first_steps");
    assert_eq!(refused.status(), 403);
}

with_options!(
    first_run,
    the_first_admin_through_the_setup_address,
    super::Options {
        accounts: false,
        ..Default::default()
    }
);

/// A server that already has its admin (the test accounts): no setup, whatever is sent.
async fn no_setup_once_an_admin_exists(app: &TestApp) {
    // A token issued now opens nothing: an admin exists.
    assert!(!app
        .db
        .store
        .setup_token_issue(TOKEN, sanzhi_domain::chrono::Utc::now())
        .await
        .expect("issue"));
    let (status, _) = setup_page(app, TOKEN).await;
    assert_eq!(status, 404);
    let (status, _) = submit(
        &reqwest::Client::new(),
        app,
        TOKEN,
        "intruder",
        "a long password",
        "a long password",
    )
    .await;
    assert_eq!(status, 404);
    assert_no_account(app, "intruder").await;
}

on_both_backends!(no_setup_once_an_admin_exists);

/// Starts `sanzhi serve` on `db_url` and a free port, as a person would (not through the
/// repository's scripts); its standard output is read line by line.
fn serve(
    db_url: &str,
    site: &std::path::Path,
) -> (
    std::process::Child,
    String,
    std::io::Lines<std::io::BufReader<std::process::ChildStdout>>,
) {
    use std::io::BufRead;
    let addr = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").to_string()
    };
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_sanzhi"))
        .arg("serve")
        .env_remove("SANZHI_INVOKED_AS")
        .env("DATABASE_URL", db_url)
        .env("SANZHI_SERVER__ADDR", &addr)
        .env("SANZHI_SITE__ROOT", site)
        .env("SANZHI_LOG__FILTER", "error")
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start sanzhi");
    let lines = std::io::BufReader::new(child.stdout.take().expect("stdout")).lines();
    (child, format!("http://{addr}"), lines)
}

async fn wait_until_serving(base: &str) {
    for _ in 0..300 {
        if let Ok(r) = reqwest::get(format!("{base}/healthz")).await {
            if r.status() == 200 {
                return;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{base} did not start");
}

/// The real binary on a fresh SQLite file: it prints the setup address and a command; the
/// command, run as printed in a fresh shell (no variables but PATH and HOME) from the
/// repository root, makes an admin, and the address then finds no page; the next start
/// prints no address.
#[tokio::test]
async fn the_printed_address_and_command_work_as_printed() {
    let dir = tempfile::tempdir().expect("dir");
    let db_url = format!("sqlite:{}", dir.path().join("fresh.db").display());
    let (mut child, base, mut lines) = serve(&db_url, dir.path());
    let mut url = None;
    let mut command = None;
    for line in lines.by_ref() {
        let line = line.expect("line");
        if let Some(t) = line.trim().strip_prefix(&format!("{base}/setup?token=")) {
            url = Some(format!("{base}/setup?token={t}"));
        }
        if let Some((_, c)) = line.split_once("或在命令行创建（密码随机生成并显示一次）：")
        {
            command = Some(c.trim().to_owned());
            break;
        }
    }
    let url = url.expect("the setup address is printed");
    let command = command.expect("the command is printed");
    let token = url.rsplit('=').next().expect("token");
    assert_eq!(token.len(), 64, "{url}");
    assert!(token.chars().all(|c| c.is_ascii_hexdigit()), "{url}");
    wait_until_serving(&base).await;
    let page = reqwest::get(&url).await.expect("setup page");
    assert_eq!(page.status(), 200, "{url}");

    // The printed command, in a fresh shell from the repository root.
    let out = std::process::Command::new("/bin/sh")
        .arg("-c")
        .arg(&command)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", std::env::var("HOME").unwrap_or_default())
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .output()
        .expect("run the printed command");
    let said =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "`{command}` failed: {said}");
    assert!(said.contains("已创建用户 admin"), "{said}");
    assert!(said.contains("初始密码"), "{said}");
    // An admin exists now: the printed address finds no page.
    let page = reqwest::get(&url).await.expect("setup page");
    assert_eq!(page.status(), 404);
    child.kill().expect("kill");
    child.wait().expect("wait");
    drop(lines);

    // The next start prints no setup address (everything is printed before it serves).
    let (mut child, base, lines) = serve(&db_url, dir.path());
    wait_until_serving(&base).await;
    child.kill().expect("kill");
    child.wait().expect("wait");
    let printed: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(
        printed.iter().any(|l| l.contains("三治已启动")),
        "{printed:?}"
    );
    assert!(
        !printed.iter().any(|l| l.contains("/setup?token=")),
        "{printed:?}"
    );
}
