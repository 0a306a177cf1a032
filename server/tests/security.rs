//! The security review's findings (issue 18), each as the attack it was: paths that slip past
//! the gate, server functions called with the gate taken away, two session cookies, parallel
//! password guesses, another site's origin, and the headers every answer must carry.

mod common;

use common::*;
use sanzhi_store::testing::TestDb;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Text that only appears where tracking data is shown (unit names, plan names, items).
const DATA_MARKERS: [&str; 7] = [
    "开化县政府",
    "衢州",
    "治水",
    "治气",
    "工作要求",
    "PM2.5",
    "柯城",
];

/// Sends `GET <path>` exactly as written (no client normalises it), with `extra` header
/// lines, and returns (status, headers, body).
async fn raw_get(app: &TestApp, path: &str, extra: &str) -> (u16, String, String) {
    let addr = app.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{extra}\r\n");
    stream.write_all(req.as_bytes()).await.expect("write");
    let mut buf = Vec::new();
    // A page whose render never finishes fails here, named, instead of hanging the run.
    tokio::time::timeout(
        std::time::Duration::from_secs(120),
        stream.read_to_end(&mut buf),
    )
    .await
    .unwrap_or_else(|_| panic!("GET {path}: no complete answer within 120 s"))
    .expect("read");
    let text = String::from_utf8_lossy(&buf).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head.to_owned(), body.to_owned())
}

/// Every page of the app (with the queries that make it show data).
const PAGES: [&str; 20] = [
    "",
    "my?unit=%E5%BC%80%E5%8C%96%E5%8E%BF%E6%94%BF%E5%BA%9C",
    "plans/water",
    "plans/air",
    "plans/water/items/28",
    "indicators",
    "readings",
    "timeline",
    "review",
    "admin/accounts",
    "admin/audit",
    "admin/users",
    "admin/import",
    "?month=2018-12",
    "first-steps",
    "setup?token=guess",
    "source?doc=qzbf-2018-43.txt&from=118&to=118",
    "account",
    "inbox",
    "reminders",
];

/// Ways to write “go up from a public folder” that a gate matching on a prefix could miss.
const TRICKS: [&str; 14] = [
    "/pkg/../",
    "/pkg/./../",
    "//",
    "///",
    "/pkg//../",
    "/pkg/%2e%2e/",
    "/pkg/%2E%2E/",
    "/pkg/.%2e/",
    "/pkg/%2e./",
    "/pkg/..%2f",
    "/pkg/..%5c",
    "/pkg\\..\\",
    "/pkg/%252e%252e/",
    "/./",
];

async fn no_data_without_a_session_on_any_path(app: &TestApp) {
    for trick in TRICKS {
        for page in PAGES {
            let path = format!("{trick}{page}");
            let (status, head, body) = raw_get(app, &path, "").await;
            assert!(
                matches!(status, 400 | 401 | 303 | 404),
                "{path}: status {status}\n{head}"
            );
            for marker in DATA_MARKERS {
                assert!(
                    !body.contains(marker),
                    "{path} ({status}) shows “{marker}” without a session"
                );
            }
        }
    }
    // The static files themselves are still served, and a missing one is a bare 404.
    let (status, _, body) = raw_get(app, "/robots.txt", "").await;
    assert_eq!(status, 200, "{body}");
    let (status, _, body) = raw_get(app, "/pkg/nothing-here.js", "").await;
    assert_eq!(status, 404);
    assert!(body.len() < 100, "a missing file renders nothing: {body}");
    // The exact request of the review: answered 400 before anything routes it.
    let (status, _, body) = raw_get(app, "/pkg/../my?unit=开化县政府", "").await;
    assert_eq!(status, 400, "{body}");
}

/// A sample call of every server function: (path, form). The test fails for a server
/// function missing here, so a new one cannot skip the anonymous check below.
fn sample_calls() -> Vec<(&'static str, Vec<(&'static str, &'static str)>)> {
    vec![
        ("/api/plans", vec![]),
        ("/api/nav_plans", vec![]),
        ("/api/unread", vec![]),
        ("/api/inbox", vec![]),
        ("/api/inbox_read", vec![]),
        (
            "/api/urge",
            vec![("assignment_id", "1"), ("message", "匿名催办")],
        ),
        (
            "/api/urge_answer",
            vec![("urge_id", "1"), ("note", "匿名答复")],
        ),
        ("/api/urges", vec![]),
        ("/api/plan_reminders", vec![]),
        (
            "/api/set_plan_reminders",
            vec![("plan", "water"), ("lead_days", "7"), ("urge_limit", "2")],
        ),
        ("/api/delivery", vec![]),
        (
            "/api/hook_add",
            vec![
                ("unit", "开化县政府"),
                ("kind", "json"),
                ("url", "http://127.0.0.1:9/x"),
            ],
        ),
        ("/api/hook_stop", vec![("id", "1")]),
        ("/api/outbox_retry", vec![("id", "1")]),
        ("/api/set_email", vec![("email", "anon@example.org")]),
        ("/api/email", vec![]),
        ("/api/emails", vec![]),
        (
            "/api/close_month",
            vec![("month", "2018-12"), ("doc_no", "匿名")],
        ),
        ("/api/first_steps", vec![]),
        ("/api/unit_groups", vec![]),
        (
            "/api/unit_group_save",
            vec![("phrase", "匿名单位组"), ("members", "开化县政府")],
        ),
        (
            "/api/unit_group_delete",
            vec![("phrase", "各县(市、区)政府")],
        ),
        (
            "/api/source_text",
            vec![
                ("document", "qzbf-2018-43.txt"),
                ("from", "118"),
                ("to", "118"),
            ],
        ),
        (
            "/api/plan_lifecycle",
            vec![("code", "water"), ("status", "closed")],
        ),
        ("/api/plan", vec![("code", "water")]),
        ("/api/plan_tree", vec![("code", "water")]),
        ("/api/item", vec![("code", "water"), ("number", "28")]),
        ("/api/timeline", vec![]),
        ("/api/units", vec![]),
        ("/api/unit_tasks", vec![("unit", "开化县政府")]),
        (
            "/api/item_tracking",
            vec![("code", "water"), ("number", "28")],
        ),
        ("/api/item_page", vec![("code", "water"), ("number", "28")]),
        ("/api/plan_status", vec![("code", "water")]),
        ("/api/indicators", vec![]),
        ("/api/readings", vec![]),
        ("/api/overview", vec![("month", "2018-12")]),
        ("/api/audit", vec![]),
        ("/api/item_audit", vec![("code", "water"), ("number", "28")]),
        ("/api/users", vec![]),
        ("/api/review_queue", vec![]),
        ("/api/accounts", vec![]),
        ("/api/api_tokens", vec![]),
        (
            "/api/report",
            vec![
                ("form[assignment_id]", "1"),
                ("form[expected_version]", "0"),
                ("form[state]", "in_progress"),
                ("form[milestone_seq]", ""),
                ("form[reported_on]", "2018-09-01"),
                ("form[achieved]", ""),
                ("form[narrative]", "匿名"),
                ("form[evidence]", ""),
                ("form[reporter]", "匿名"),
                ("form[corrects_id]", ""),
            ],
        ),
        (
            "/api/review",
            vec![("report_id", "1"), ("decision", "accepted"), ("reason", "")],
        ),
        (
            "/api/item_edit",
            vec![
                ("form[plan]", "water"),
                ("form[number]", "28"),
                ("form[deadlines]", "7月底前"),
                ("form[units]", "市环保局"),
                ("form[targets]", ""),
                ("form[reason]", "匿名"),
            ],
        ),
        (
            "/api/save_reading",
            vec![
                ("input[indicator]", "pm25"),
                ("input[place]", "柯城"),
                ("input[year]", "2019"),
                ("input[month]", "5"),
                ("input[value]", "1.5"),
                ("input[valid_days]", ""),
                ("input[provisional]", ""),
                ("input[note]", ""),
            ],
        ),
        (
            "/api/account_create",
            vec![
                ("form[username]", "anon-made"),
                ("form[display_name]", ""),
                ("form[role]", "admin"),
                ("form[plan]", ""),
                ("form[unit]", ""),
                ("form[password]", ""),
            ],
        ),
        ("/api/account_reset_password", vec![("username", "t-admin")]),
        (
            "/api/password_change",
            vec![
                ("current", "correct horse battery"),
                ("new_password", "anonymous new password"),
                ("repeat", "anonymous new password"),
            ],
        ),
        (
            "/api/review_bulk",
            vec![("report_ids[0]", "1"), ("report_ids[1]", "2")],
        ),
        (
            "/api/account_set_active",
            vec![("username", "t-admin"), ("active", "false")],
        ),
        (
            "/api/unit_add",
            vec![
                ("form[name]", "匿名单位"),
                ("form[kind]", "office"),
                ("form[aliases]", ""),
                ("form[note]", ""),
            ],
        ),
    ]
}

/// Callable without a session: signing in and out, asking who is signed in, and whether the
/// first admin is still to be made.
const PUBLIC_CALLS: [&str; 4] = [
    "/api/login",
    "/api/logout",
    "/api/whoami",
    "/api/setup_pending",
];

/// Callable without a session but checked against a one-time setup token: (path, form).
const TOKEN_CALLS: [(&str, &[(&str, &str)]); 2] = [
    ("/api/setup_check", &[("token", "guess")]),
    (
        "/api/setup_admin",
        &[
            ("token", "guess"),
            ("form[username]", "intruder"),
            ("form[display_name]", ""),
            ("form[password]", "a long password"),
            ("form[password_again]", "a long password"),
        ],
    ),
];

/// With the gate taken away, every server function still refuses an anonymous caller (401,
/// no data), every page shows no data, and each signed-in role reads what it may.
async fn every_server_function_checks_its_caller_without_the_gate(app: &TestApp) {
    let calls = sample_calls();
    let known: Vec<&str> = calls.iter().map(|(p, _)| *p).collect();
    for (path, _) in leptos::server_fn::axum::server_fn_paths() {
        assert!(
            known.contains(&path)
                || PUBLIC_CALLS.contains(&path)
                || TOKEN_CALLS.iter().any(|(p, _)| *p == path),
            "server function {path} has no sample call in sample_calls(): add one"
        );
    }
    let anon = reqwest::Client::new();
    for (path, form) in &calls {
        let resp = anon
            .post(format!("{}{path}", app.base))
            .form(form)
            .send()
            .await
            .expect("POST");
        let status = resp.status();
        let body = resp.text().await.expect("text");
        assert_eq!(status, 401, "{path} answered an anonymous caller: {body}");
        assert!(body.contains("unauthorized"), "{path}: {body}");
    }
    // The setup calls check their token themselves: a guess finds nothing and makes nothing.
    for (path, form) in TOKEN_CALLS {
        let resp = anon
            .post(format!("{}{path}", app.base))
            .form(form)
            .send()
            .await
            .expect("POST");
        assert_eq!(resp.status(), 404, "{path} with a guessed token");
    }
    assert_no_account(app, "intruder").await;
    // Pages without the gate: rendered, but every call they make is refused.
    for page in PAGES {
        let (status, _, body) = raw_get(app, &format!("/{page}"), "").await;
        // Unit names: data, never interface text.
        for marker in ["开化县政府", "柯城区政府", "市环保局", "龙游县政府"] {
            assert!(
                !body.contains(marker),
                "/{page} ({status}) shows “{marker}” to an anonymous visitor without the gate"
            );
        }
    }
    // Signed in, reads work; the admin's reads stay the admin's.
    let leader = app.client_for("t-leader").await;
    let admin = app.client_for("t-admin").await;
    for (path, form) in calls.iter().filter(|(p, _)| app::auth::READING.contains(p)) {
        let admin_only = matches!(
            *path,
            "/api/audit"
                | "/api/users"
                | "/api/accounts"
                | "/api/api_tokens"
                | "/api/first_steps"
                | "/api/delivery"
                | "/api/emails"
        );
        let as_leader = leader
            .post(format!("{}{path}", app.base))
            .form(form)
            .send()
            .await
            .expect("POST")
            .status();
        assert_eq!(
            as_leader.as_u16(),
            if admin_only { 403 } else { 200 },
            "{path} as leader"
        );
        let as_admin = admin
            .post(format!("{}{path}", app.base))
            .form(form)
            .send()
            .await
            .expect("POST")
            .status();
        assert_eq!(as_admin, 200, "{path} as admin");
    }
    // The routes outside leptos check too.
    for path in [
        "/api/readings.csv",
        "/api/indicators.csv",
        "/api/audit.csv",
        "/api/readings/template.csv",
        "/api/files/1",
    ] {
        let (status, _, body) = raw_get(app, path, "").await;
        assert_eq!(
            status, 401,
            "{path} without a session and without the gate: {body}"
        );
    }
}

async fn two_session_cookies_are_refused(app: &TestApp) {
    let a = session_cookie(app, "t-kaihua").await;
    let b = session_cookie(app, "t-kecheng").await;
    let b_encoded = b.replacen("sanzhi_session", "sanzhi%5Fsession", 1);
    for cookies in [
        format!("Cookie: {a}; {b}\r\n"),
        format!("Cookie: {a}\r\nCookie: {b}\r\n"),
        // The session layer decodes cookie names: this is a second session cookie to it.
        format!("Cookie: {a}; {b_encoded}\r\n"),
    ] {
        for path in ["/my", "/", "/plans/water", "/api/v1/plans"] {
            let (status, _, body) = raw_get(app, path, &cookies).await;
            assert_eq!(status, 400, "{path} with two session cookies: {body}");
            assert!(body.contains("多个登录会话"), "{body}");
            assert!(!body.contains("开化县政府") && !body.contains("柯城区政府"));
        }
    }
    // Each cookie alone gets its own user's page, also after the other's was kept.
    for (cookie, mine, theirs) in [
        (&a, "开化县政府", "柯城区政府"),
        (&b, "柯城区政府", "开化县政府"),
        (&a, "开化县政府", "柯城区政府"),
    ] {
        let (status, _, body) = raw_get(app, "/my", &format!("Cookie: {cookie}\r\n")).await;
        assert_eq!(status, 200);
        assert!(
            body.contains(&format!("<h2>{mine}</h2>")),
            "{mine}'s own page"
        );
        assert!(
            !body.contains(&format!("<h2>{theirs}</h2>")),
            "{theirs}'s page served to {mine}"
        );
    }
}

/// `POST /api/plan_status` (a server function any signed-in user may call) with `cookie`: the
/// answer's status.
async fn plan_status_with(app: &TestApp, cookie: &str) -> u16 {
    reqwest::Client::new()
        .post(format!("{}/api/plan_status", app.base))
        .header("Cookie", cookie)
        .form(&[("code", "water")])
        .send()
        .await
        .expect("call")
        .status()
        .as_u16()
}

/// The gate reads a session and its account in one statement for every request, writes and
/// server functions included (not only kept pages): a stopped account's cookie (its sessions
/// ended) then passes nowhere — neither a server function nor a page.
async fn a_stopped_accounts_cookie_passes_nowhere(app: &TestApp) {
    let cookie = session_cookie(app, "t-kaihua").await;
    assert_eq!(plan_status_with(app, &cookie).await, 200);
    app.db
        .store
        .set_active("t-kaihua", false, "test", sanzhi_domain::chrono::Utc::now())
        .await
        .expect("stop")
        .expect("found");
    assert_eq!(plan_status_with(app, &cookie).await, 401);
    let (status, head, body) = raw_get(app, "/my", &format!("Cookie: {cookie}\r\n")).await;
    assert_eq!(status, 303, "{head}");
    assert!(head.contains("/login"), "{head}");
    assert!(!body.contains("开化县政府"), "{body}");
}

async fn parallel_guesses_are_checked_at_most_five_times(app: &TestApp) {
    let tries = (0..20).map(|_| async {
        reqwest::Client::new()
            .post(format!("{}/api/login", app.base))
            .form(&[("username", "t-air"), ("password", "wrong password!")])
            .send()
            .await
            .expect("login")
            .json::<serde_json::Value>()
            .await
            .expect("json")
    });
    let answers = futures::future::join_all(tries).await;
    let checked = answers
        .iter()
        .filter(|a| a["message"] == "用户名或密码不正确")
        .count();
    let throttled = answers
        .iter()
        .filter(|a| {
            a["message"]
                .as_str()
                .is_some_and(|m| m.contains("登录失败次数过多"))
        })
        .count();
    assert_eq!(checked, 5, "{answers:?}");
    assert_eq!(throttled, 15, "{answers:?}");
    // The failures are on the audit trail for admins, with the address and never a password.
    let admin = app.client_for("t-admin").await;
    let entries = post_json(
        &admin,
        format!("{}/api/audit", app.base),
        &[("action", "login.failure")],
    )
    .await;
    let entries = entries.as_array().expect("entries");
    assert_eq!(entries.len(), 5, "{entries:?}");
    let text = serde_json::to_string(entries).expect("json");
    assert!(
        text.contains("t-air") && text.contains("127.0.0.1"),
        "{text}"
    );
    assert!(!text.contains("wrong password"), "{text}");
}

/// Sign-ins of one account from one address at once (several tabs, a shared login): as many
/// as the limit may be in flight together (each is reserved as a failure until its password
/// checks out), and all of them succeed. Each takes back its own reservation and clears the
/// account's count at this address — on PostgreSQL two of them once deadlocked doing so.
/// Successful sign-ins leave nothing behind: many in a row are never throttled.
async fn parallel_sign_ins_of_one_account_all_succeed(app: &TestApp) {
    let limit = usize::try_from(app::auth::MAX_FAILURES_PER_ACCOUNT).expect("n");
    for _ in 0..3 {
        let tries = (0..limit).map(|_| async {
            reqwest::Client::new()
                .post(format!("{}/api/login", app.base))
                .form(&[("username", "t-kaihua"), ("password", PASSWORD)])
                .send()
                .await
                .expect("login")
                .status()
                .as_u16()
        });
        let statuses = futures::future::join_all(tries).await;
        assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    }
}

/// Signs in from `addr` (the client address a trusted proxy forwards).
async fn login_from(app: &TestApp, user: &str, password: &str, addr: &str) -> serde_json::Value {
    reqwest::Client::new()
        .post(format!("{}/api/login", app.base))
        .header("x-forwarded-for", addr)
        .form(&[("username", user), ("password", password)])
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("json")
}

/// Behind a trusted proxy: wrong passwords from one address do not lock the account for its
/// owner elsewhere; a flood from many addresses slows the account down, never locks it.
async fn guesses_throttle_the_guesser_not_the_account(app: &TestApp) {
    for _ in 0..5 {
        let a = login_from(app, "t-water", "wrong password!", "203.0.113.7").await;
        assert_eq!(a["message"], "用户名或密码不正确");
    }
    let a = login_from(app, "t-water", PASSWORD, "203.0.113.7").await;
    assert!(
        a["message"]
            .as_str()
            .is_some_and(|m| m.contains("登录失败次数过多")),
        "{a}"
    );
    // The owner, from their own address, signs in.
    let a = login_from(app, "t-water", PASSWORD, "198.51.100.20").await;
    assert_eq!(a["username"], "t-water", "{a}");
    // A client cannot pick its address: the entry left of the trusted proxy's own is what
    // counts, whatever the client wrote further left.
    let a = login_from(app, "t-water", PASSWORD, "198.51.100.20, 203.0.113.7").await;
    assert!(
        a["message"]
            .as_str()
            .is_some_and(|m| m.contains("登录失败次数过多")),
        "{a}"
    );
    // Many addresses: past ten failures the account takes one attempt per 30 s from an
    // address it has not signed in from — but its owner, at an address they signed in from
    // before, is not held back (strangers polling the account cannot take the owner's turns).
    let a = login_from(app, "t-leader", PASSWORD, "198.51.100.50").await;
    assert_eq!(a["username"], "t-leader", "{a}");
    for i in 0..10 {
        login_from(app, "t-leader", "wrong password!", &format!("192.0.2.{i}")).await;
    }
    let a = login_from(app, "t-leader", PASSWORD, "198.51.100.99").await;
    assert!(
        a["message"].as_str().is_some_and(|m| m.contains("30 秒")),
        "{a}"
    );
    let a = login_from(app, "t-leader", PASSWORD, "198.51.100.50").await;
    assert_eq!(a["username"], "t-leader", "the owner's own address: {a}");
    // IPv6 guesses are counted by their /64: a new address per guess does not reset it.
    for i in 0..5 {
        let a = login_from(
            app,
            "t-air",
            "wrong password!",
            &format!("2001:db8:7:7::{i:x}"),
        )
        .await;
        assert_eq!(a["message"], "用户名或密码不正确", "{a}");
    }
    let a = login_from(app, "t-air", PASSWORD, "2001:db8:7:7:ffff::1").await;
    assert!(
        a["message"]
            .as_str()
            .is_some_and(|m| m.contains("登录失败次数过多")),
        "{a}"
    );
}

async fn another_scheme_or_port_is_another_site(app: &TestApp) {
    let port = app.base.rsplit(':').next().expect("port");
    for origin in [
        format!("https://127.0.0.1:{port}"),
        format!("http://127.0.0.1:{}", port.parse::<u16>().expect("n") + 1),
        "http://127.0.0.1".to_owned(),
        "null".to_owned(),
    ] {
        let resp = app
            .client
            .post(format!("{}/api/logout", app.base))
            .header("origin", &origin)
            .send()
            .await
            .expect("POST");
        assert_eq!(resp.status(), 403, "{origin}");
    }
    let me = post_json(&app.client, format!("{}/api/whoami", app.base), &[]).await;
    assert_eq!(me["username"], "t-hbj", "still signed in");
}

async fn answers_carry_the_security_headers(app: &TestApp) {
    let cookie = session_cookie(app, "t-leader").await;
    let (status, head, body) = raw_get(app, "/plans/water", &format!("Cookie: {cookie}\r\n")).await;
    assert_eq!(status, 200);
    let head = head.to_ascii_lowercase();
    for h in [
        "x-content-type-options: nosniff",
        "x-frame-options: deny",
        "referrer-policy: same-origin",
        "cache-control: no-store",
        "frame-ancestors 'none'",
        "object-src 'none'",
    ] {
        assert!(head.contains(h), "page lacks {h}:\n{head}");
    }
    // The policy's nonce is the one every inline script of the page carries.
    let csp = head
        .lines()
        .find(|l| l.starts_with("content-security-policy:"))
        .expect("csp");
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|r| r.split('\'').next())
        .expect("nonce");
    assert!(nonce.len() >= 16, "{csp}");
    let mut scripts = 0;
    for tag in body.split("<script").skip(1) {
        let open = tag.split('>').next().unwrap_or_default();
        if open.contains("src=") {
            continue;
        }
        scripts += 1;
        assert!(
            open.to_ascii_lowercase()
                .contains(&format!("nonce=\"{nonce}\"")),
            "an inline script without the page's nonce: <script{open}>"
        );
    }
    assert!(scripts >= 1, "the hydration script is inline");
    // Two renderings, two nonces (the server keeps the page, but per user and data version).
    let (_, head2, _) = raw_get(app, "/plans/air", &format!("Cookie: {cookie}\r\n")).await;
    assert!(!head2.contains(nonce), "a fresh page has a fresh nonce");
    // Exports and data: never stored, nothing loads from them.
    for path in ["/api/readings.csv", "/healthz"] {
        let (_, head, _) = raw_get(app, path, &format!("Cookie: {cookie}\r\n")).await;
        let head = head.to_ascii_lowercase();
        assert!(head.contains("cache-control: no-store"), "{path}: {head}");
        assert!(head.contains("default-src 'none'"), "{path}: {head}");
        assert!(head.contains("x-content-type-options: nosniff"), "{path}");
    }
    // Refusals before the gate carry them too.
    let (status, head, _) = raw_get(app, "/pkg/../my", "").await;
    assert_eq!(status, 400);
    assert!(
        head.to_ascii_lowercase()
            .contains("x-content-type-options: nosniff"),
        "{head}"
    );
    let (_, head, _) = raw_get(app, "/pkg/sanzhi.css", "").await;
    assert!(
        head.to_ascii_lowercase()
            .contains("cache-control: no-cache"),
        "{head}"
    );
    assert!(
        !head
            .to_ascii_lowercase()
            .contains("strict-transport-security"),
        "no HSTS over plain HTTP"
    );
}

on_both_backends!(
    no_data_without_a_session_on_any_path,
    two_session_cookies_are_refused,
    a_stopped_accounts_cookie_passes_nowhere,
    parallel_guesses_are_checked_at_most_five_times,
    parallel_sign_ins_of_one_account_all_succeed,
    another_scheme_or_port_is_another_site,
    answers_carry_the_security_headers,
);

// Servers with options other than the default, on both backends.
with_options!(
    ungated,
    every_server_function_checks_its_caller_without_the_gate,
    super::Options {
        gated: false,
        ..Default::default()
    }
);

with_options!(
    behind_a_proxy,
    guesses_throttle_the_guesser_not_the_account,
    super::Options {
        security: app::state::Security {
            trusted_proxies: vec!["127.0.0.1".parse().expect("ip")],
            ..Default::default()
        },
        ..Default::default()
    }
);

async fn https_sites_send_hsts(app: &TestApp) {
    let (_, head, _) = raw_get(app, "/login", "").await;
    assert!(
        head.to_ascii_lowercase()
            .contains("strict-transport-security: max-age=31536000"),
        "{head}"
    );
}

with_options!(
    over_https,
    https_sites_send_hsts,
    super::Options {
        secure_cookies: true,
        ..Default::default()
    }
);
