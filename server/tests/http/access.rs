use super::*;

on_both_backends!(
    anonymous_visitors_get_the_sign_in_page_only,
    wrong_passwords_fail_and_sign_in_is_throttled,
    sign_out_ends_the_session,
    cross_site_writes_are_refused,
    every_mutating_call_by_every_role,
    writes_are_on_the_audit_trail,
);

/// The same table with the gate taken away: each write checks its caller itself.
mod without_the_gate {
    use super::super::{Options, TestApp};

    #[tokio::test]
    async fn sqlite() {
        let db = sanzhi_store::testing::TestDb::sqlite().await;
        let app = TestApp::spawn_options(
            db,
            Options {
                gated: false,
                ..Default::default()
            },
        )
        .await;
        super::every_mutating_call_by_every_role(&app).await;
        app.finish().await;
    }

    #[tokio::test]
    async fn postgres() {
        let Some(db) = sanzhi_store::testing::TestDb::postgres().await else {
            return;
        };
        let app = TestApp::spawn_options(
            db,
            Options {
                gated: false,
                ..Default::default()
            },
        )
        .await;
        super::every_mutating_call_by_every_role(&app).await;
        app.finish().await;
    }
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .expect("client")
}

async fn anonymous_visitors_get_the_sign_in_page_only(app: &TestApp) {
    let anon = no_redirects();
    let resp = anon
        .get(format!("{}/plans/water?x=1", app.base))
        .send()
        .await
        .expect("GET");
    assert_eq!(resp.status(), 303);
    assert_eq!(
        resp.headers()["location"],
        "/login?next=/plans/water%3Fx%3D1"
    );
    let login = anon
        .get(format!("{}/login", app.base))
        .send()
        .await
        .expect("GET");
    assert_eq!(login.status(), 200);
    assert!(login
        .text()
        .await
        .expect("text")
        .contains("请使用管理员分配的账号登录"));
    let me: serde_json::Value = post_json(&anon, format!("{}/api/whoami", app.base), &[]).await;
    assert!(me.is_null(), "nobody is signed in: {me}");
    for path in ["/api/plans", "/api/overview", "/api/report", "/api/audit"] {
        let resp = anon
            .post(format!("{}{path}", app.base))
            .send()
            .await
            .expect("POST");
        assert_eq!(resp.status(), 401, "{path}");
        let body: serde_json::Value = resp.json().await.expect("json");
        assert_eq!(body["kind"], "unauthorized");
    }
    let csv = anon
        .get(format!("{}/api/readings.csv", app.base))
        .send()
        .await
        .expect("GET");
    assert_eq!(csv.status(), 401);
    assert_eq!(
        anon.get(format!("{}/healthz", app.base))
            .send()
            .await
            .expect("GET")
            .status(),
        200
    );
}

async fn login(client: &reqwest::Client, app: &TestApp, user: &str, pw: &str) -> serde_json::Value {
    client
        .post(format!("{}/api/login", app.base))
        .form(&[("username", user), ("password", pw)])
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("json")
}

async fn wrong_passwords_fail_and_sign_in_is_throttled(app: &TestApp) {
    let c = no_redirects();
    let body = login(&c, app, "t-leader", "wrong password").await;
    assert_eq!(body["kind"], "forbidden");
    assert_eq!(body["message"], "用户名或密码不正确");
    let body = login(&c, app, "nobody", "wrong password").await;
    assert_eq!(
        body["message"], "用户名或密码不正确",
        "same answer for unknown names"
    );
    for _ in 0..4 {
        login(&c, app, "t-leader", "wrong again").await;
    }
    // Five failures on the account: even the right password waits now.
    let body = login(&c, app, "t-leader", PASSWORD).await;
    assert!(
        body["message"]
            .as_str()
            .expect("msg")
            .contains("登录失败次数过多"),
        "{body}"
    );
    // Another account from the same address is not locked (6 failures < 20).
    let body = login(&c, app, "t-water", PASSWORD).await;
    assert_eq!(body["username"], "t-water");
}

async fn sign_out_ends_the_session(app: &TestApp) {
    let c = no_redirects();
    assert_eq!(login(&c, app, "t-leader", PASSWORD).await["role"], "leader");
    assert_eq!(
        c.get(format!("{}/", app.base))
            .send()
            .await
            .expect("GET")
            .status(),
        200
    );
    let me: serde_json::Value = post_json(&c, format!("{}/api/whoami", app.base), &[]).await;
    assert_eq!(me["username"], "t-leader");
    let out = c
        .post(format!("{}/api/logout", app.base))
        .send()
        .await
        .expect("logout");
    assert_eq!(out.status(), 200);
    assert_eq!(
        c.get(format!("{}/", app.base))
            .send()
            .await
            .expect("GET")
            .status(),
        303
    );
}

async fn cross_site_writes_are_refused(app: &TestApp) {
    let resp = app
        .client
        .post(format!("{}/api/report", app.base))
        .header("origin", "https://evil.example")
        .form(&[("form[assignment_id]", "1")])
        .send()
        .await
        .expect("POST");
    assert_eq!(resp.status(), 403);
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(body["message"], "跨站请求被拒绝");
    let same = app
        .client
        .post(format!("{}/api/whoami", app.base))
        .header("origin", app.base.as_str())
        .send()
        .await
        .expect("POST");
    assert_eq!(same.status(), 200);
}

/// Imports a plan `peer` (active) beside the seeded ones and makes its coordinator
/// `t-peer`; 开化县政府's assignment in it.
async fn imported_plan_with_coordinator(app: &TestApp) -> i64 {
    let table = "工作任务,责任单位,完成时限\n开展城乡河道保洁专项行动,开化县政府,2019年12月底前\n";
    let (status, v) = import_plan_as(
        app,
        "t-admin",
        table.as_bytes().to_vec(),
        "commit=true&code=peer&title=%E5%90%8C%E6%B2%BB&short_name=%E5%90%8C%E6%B2%BB\
             &owner=%E5%B8%82%E7%8E%AF%E4%BF%9D%E5%B1%80&start_year=2018&end_year=2020\
             &issued_on=2018-06-01&status=active",
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let r = app
        .client_for("t-admin")
        .await
        .post(format!("{}/api/account_create", app.base))
        .form(&[
            ("form[username]", "t-peer"),
            ("form[display_name]", "测试t-peer"),
            ("form[role]", "coordinator"),
            ("form[plan]", "peer"),
            ("form[unit]", ""),
            ("form[password]", PASSWORD),
        ])
        .send()
        .await
        .expect("account");
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap_or_default());
    let scope = sanzhi_store::TrackScope {
        plan: Some("peer".into()),
        unit: Some("开化县政府".into()),
        ..Default::default()
    };
    // Assignments an import adds exist from the day of the import on.
    let today = sanzhi_domain::report::china_day(sanzhi_domain::chrono::Utc::now());
    app.db
        .store
        .tracked(&scope, today, 15)
        .await
        .expect("tracked")[0]
        .assignment_id
}

async fn assignment_of(app: &TestApp, unit: &str) -> i64 {
    let scope = sanzhi_store::TrackScope {
        plan: Some("water".into()),
        unit: Some(unit.into()),
        ..Default::default()
    };
    let d = sanzhi_domain::chrono::NaiveDate::from_ymd_opt(2019, 1, 1).expect("date");
    app.db.store.tracked(&scope, d, 15).await.expect("tracked")[0].assignment_id
}

/// Whether a response means the call was carried out (2xx) or refused for the caller
/// (401 / 403, or an error body of kind unauthorized / forbidden).
async fn verdict(resp: reqwest::Response) -> Result<(), String> {
    let status = resp.status();
    let text = resp.text().await.expect("text");
    if status.is_success() {
        return Ok(());
    }
    let body: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    let kind = body["kind"].as_str().unwrap_or_default();
    assert!(
        matches!(status.as_u16(), 401 | 403) || matches!(kind, "unauthorized" | "forbidden"),
        "refused for another reason: {status} {text}"
    );
    Err(text)
}

/// Every mutating call × every role (and a reporter of another unit, and anonymous), with
/// a plan imported beside the three seeded ones and a coordinator of it (`t-peer`): its
/// coordinator reviews and edits it and nobody else's; an admin alone moves its lifecycle.
async fn every_mutating_call_by_every_role(app: &TestApp) {
    let kaihua = assignment_of(app, "开化县政府").await;
    let kecheng = assignment_of(app, "柯城区政府").await;
    let peer_kaihua = imported_plan_with_coordinator(app).await;
    let users = [
        None,
        Some("t-admin"),
        Some("t-leader"),
        Some("t-water"),
        Some("t-air"),
        Some("t-kaihua"),
        Some("t-kecheng"),
        Some("t-hbj"),
        Some("t-peer"),
    ];
    // (call, who may: the users above in order)
    let table: [(&str, [bool; 9]); 14] = [
        (
            "report 开化",
            [false, false, false, false, false, true, false, false, false],
        ),
        (
            "report 柯城",
            [false, false, false, false, false, false, true, false, false],
        ),
        (
            "reading pm25 (air)",
            [false, true, false, false, true, false, false, false, false],
        ),
        (
            "reading NH3-N (water)",
            [false, true, false, true, false, false, false, false, false],
        ),
        (
            "import pm25 (air)",
            [false, true, false, false, true, false, false, false, false],
        ),
        (
            "review 开化's done report (water)",
            [false, false, false, true, false, false, false, false, false],
        ),
        (
            "create an account",
            [false, true, false, false, false, false, false, false, false],
        ),
        (
            "reset a password",
            [false, true, false, false, false, false, false, false, false],
        ),
        (
            "allow an account",
            [false, true, false, false, false, false, false, false, false],
        ),
        (
            "edit water (28)",
            [false, false, false, true, false, false, false, false, false],
        ),
        (
            "review 开化's done report (peer)",
            [false, false, false, false, false, false, false, false, true],
        ),
        (
            "edit peer (1)",
            [false, false, false, false, false, false, false, false, true],
        ),
        (
            "put peer into effect",
            [false, true, false, false, false, false, false, false, false],
        ),
        (
            "add a unit",
            [false, true, false, false, false, false, false, false, false],
        ),
    ];
    for (call, allowed) in table {
        for (user, want) in users.iter().zip(allowed) {
            let client = match user {
                Some(u) => app.client_for(u).await,
                None => reqwest::Client::new(),
            };
            let report = |assignment: i64| {
                let version = async move {
                    app.db
                        .store
                        .reports(assignment)
                        .await
                        .expect("reports")
                        .len()
                        .to_string()
                };
                (assignment, version)
            };
            let resp = match call {
                "report 开化" | "report 柯城" => {
                    let (a, version) = report(if call == "report 开化" {
                        kaihua
                    } else {
                        kecheng
                    });
                    let version = version.await;
                    client
                        .post(format!("{}/api/report", app.base))
                        .form(&[
                            ("form[assignment_id]", a.to_string().as_str()),
                            ("form[expected_version]", version.as_str()),
                            ("form[state]", "in_progress"),
                            ("form[milestone_seq]", ""),
                            ("form[reported_on]", "2018-09-01"),
                            ("form[achieved]", ""),
                            ("form[narrative]", "权限测试"),
                            ("form[evidence]", ""),
                            ("form[reporter]", "表单里填的名字"),
                            ("form[corrects_id]", ""),
                        ])
                        .send()
                        .await
                }
                "reading pm25 (air)" | "reading NH3-N (water)" => {
                    let (indicator, place) = if call.contains("pm25") {
                        ("pm25", "柯城")
                    } else {
                        ("water.nh3n", "东迹渡")
                    };
                    client
                        .post(format!("{}/api/save_reading", app.base))
                        .form(&[
                            ("input[indicator]", indicator),
                            ("input[place]", place),
                            ("input[year]", "2019"),
                            ("input[month]", "5"),
                            ("input[value]", "1.5"),
                            ("input[valid_days]", ""),
                            ("input[provisional]", ""),
                            ("input[note]", ""),
                        ])
                        .send()
                        .await
                }
                "reset a password" | "allow an account" => {
                    let (path, form): (&str, &[(&str, &str)]) = if call == "reset a password" {
                        ("account_reset_password", &[("username", "made-by-t-admin")])
                    } else {
                        (
                            "account_set_active",
                            &[("username", "made-by-t-admin"), ("active", "true")],
                        )
                    };
                    client
                        .post(format!("{}/api/{path}", app.base))
                        .form(form)
                        .send()
                        .await
                }
                "add a unit" => {
                    let name = format!("权限测试单位-{}", user.unwrap_or("anonymous"));
                    client
                        .post(format!("{}/api/unit_add", app.base))
                        .form(&[
                            ("form[name]", name.as_str()),
                            ("form[kind]", "office"),
                            ("form[aliases]", ""),
                            ("form[note]", "权限测试"),
                        ])
                        .send()
                        .await
                }
                "edit water (28)" => {
                    client
                        .post(format!("{}/api/item_edit", app.base))
                        .form(&[
                            ("form[plan]", "water"),
                            ("form[number]", "28"),
                            ("form[deadlines]", "7月底前"),
                            ("form[units]", "市环保局"),
                            ("form[targets]", ""),
                            ("form[reason]", "权限测试"),
                        ])
                        .send()
                        .await
                }
                "create an account" => {
                    let name = format!("made-by-{}", user.unwrap_or("anonymous"));
                    client
                        .post(format!("{}/api/account_create", app.base))
                        .form(&[
                            ("form[username]", name.as_str()),
                            ("form[display_name]", ""),
                            ("form[role]", "leader"),
                            ("form[plan]", ""),
                            ("form[unit]", ""),
                            ("form[password]", ""),
                        ])
                        .send()
                        .await
                }
                "edit peer (1)" => {
                    client
                        .post(format!("{}/api/item_edit", app.base))
                        .form(&[
                            ("form[plan]", "peer"),
                            ("form[number]", "1"),
                            ("form[deadlines]", "12月底前"),
                            ("form[units]", "开化县政府"),
                            ("form[targets]", ""),
                            ("form[reason]", "权限测试"),
                        ])
                        .send()
                        .await
                }
                "put peer into effect" => {
                    client
                        .post(format!("{}/api/plan_lifecycle", app.base))
                        .form(&[("code", "peer"), ("status", "active")])
                        .send()
                        .await
                }
                "review 开化's done report (water)" | "review 开化's done report (peer)" => {
                    // A fresh done report for each caller, so that only the permission
                    // decides.
                    let (a, version) = report(if call.contains("water") {
                        kaihua
                    } else {
                        peer_kaihua
                    });
                    let version: i32 = version.await.parse().expect("n");
                    let on = if call.contains("water") {
                        "2018-09-02".to_owned()
                    } else {
                        sanzhi_domain::report::china_day(sanzhi_domain::chrono::Utc::now())
                            .to_string()
                    };
                    let mut done = sanzhi_domain::NewReport::parse(
                        &sanzhi_domain::ReportForm {
                            assignment_id: a,
                            expected_version: version,
                            state: "done".into(),
                            reported_on: on,
                            narrative: "已完成（签收权限测试）".into(),
                            reporter: "测试t-kaihua（t-kaihua）".into(),
                            ..Default::default()
                        },
                        9,
                    )
                    .expect("report");
                    done.expected_version = version;
                    let stored = app
                        .db
                        .store
                        .add_report(&done, sanzhi_domain::chrono::Utc::now())
                        .await
                        .expect("add")
                        .expect("ok");
                    client
                        .post(format!("{}/api/review", app.base))
                        .form(&[
                            ("report_id", stored.id.to_string().as_str()),
                            ("decision", "accepted"),
                            ("reason", ""),
                        ])
                        .send()
                        .await
                }
                _ => {
                    client
                        .post(format!("{}/api/import/readings?commit=true", app.base))
                        .body("指标,地点,年份,月份,数值\npm25,柯城,2019,6,30\n")
                        .send()
                        .await
                }
            }
            .expect("request");
            let got = verdict(resp).await;
            assert_eq!(got.is_ok(), want, "{call} by {user:?}: {got:?}");
        }
    }
    // What was refused left nothing behind: one report per allowed reporter (plus the
    // nine done reports made for the review row), one value per reading key, one review.
    let kaihua_reports = app.db.store.reports(kaihua).await.expect("r");
    assert_eq!(kaihua_reports.len(), 1 + 9);
    assert_eq!(
        kaihua_reports.iter().filter(|r| r.review.is_some()).count(),
        1
    );
    let peer_reports = app.db.store.reports(peer_kaihua).await.expect("r");
    assert_eq!(peer_reports.len(), 9);
    assert_eq!(
        peer_reports.iter().filter(|r| r.review.is_some()).count(),
        1,
        "only t-peer's review of the imported plan's report took"
    );
    assert_eq!(app.db.store.reports(kecheng).await.expect("r").len(), 1);
    let readings = app
        .db
        .store
        .readings(&sanzhi_store::ReadingFilter::years(2019, 2019))
        .await
        .expect("readings");
    assert_eq!(readings.len(), 3, "{readings:?}");
    let made: Vec<String> = app
        .db
        .store
        .accounts()
        .await
        .expect("accounts")
        .into_iter()
        .map(|a| a.user.username)
        .filter(|n| n.starts_with("made-by-"))
        .collect();
    assert_eq!(made, ["made-by-t-admin"]);
    let units: Vec<String> = app
        .db
        .store
        .units()
        .await
        .expect("units")
        .into_iter()
        .map(|u| u.name)
        .filter(|n| n.starts_with("权限测试单位"))
        .collect();
    assert_eq!(units, ["权限测试单位-t-admin"]);
}

async fn writes_are_on_the_audit_trail(app: &TestApp) {
    let kaihua = assignment_of(app, "开化县政府").await;
    let c = app.client_for("t-kaihua").await;
    let resp = c
        .post(format!("{}/api/report", app.base))
        .form(&[
            ("form[assignment_id]", kaihua.to_string().as_str()),
            ("form[expected_version]", "0"),
            ("form[state]", "done"),
            ("form[milestone_seq]", ""),
            ("form[reported_on]", "2018-09-01"),
            ("form[achieved]", ""),
            ("form[narrative]", "审计测试"),
            ("form[evidence]", ""),
            ("form[reporter]", "x"),
            ("form[corrects_id]", ""),
        ])
        .send()
        .await
        .expect("report");
    assert_eq!(resp.status(), 200);
    let entries = app
        .db
        .store
        .audit_entries(&sanzhi_store::AuditFilter {
            entity: Some("assignment".into()),
            entity_key: Some(kaihua.to_string()),
            limit: 10,
            ..Default::default()
        })
        .await
        .expect("audit");
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].actor, "测试t-kaihua（t-kaihua）");
    assert_eq!(entries[0].action, "report.add");
    assert!(entries[0]
        .after
        .as_deref()
        .expect("after")
        .contains("审计测试"));
    // The audit trail cannot be edited or emptied, not even with SQL.
    let sql = "DELETE FROM audit_log";
    let deleted = match &app.db.store {
        sanzhi_store::Store::Sqlite(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
        sanzhi_store::Store::Postgres(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
    };
    assert!(deleted.is_err(), "the audit log refuses deletes");

    // Admins read all of it, with filters, and export it; others may not.
    let admin = app.client_for("t-admin").await;
    let all: serde_json::Value = admin
        .post(format!("{}/api/audit", app.base))
        .form(&[("action", "report.")])
        .send()
        .await
        .expect("audit")
        .json()
        .await
        .expect("json");
    assert_eq!(all.as_array().expect("list").len(), 1, "{all}");
    let leader = app.client_for("t-leader").await;
    let denied: serde_json::Value =
        post_json(&leader, format!("{}/api/audit", app.base), &[]).await;
    assert_eq!(denied["kind"], "forbidden");
    let csv = admin
        .get(format!("{}/api/audit.csv", app.base))
        .send()
        .await
        .expect("csv");
    assert_eq!(csv.status(), 200);
    assert!(csv.text().await.expect("text").contains("report.add"));
    let csv = leader
        .get(format!("{}/api/audit.csv", app.base))
        .send()
        .await
        .expect("csv");
    assert_eq!(csv.status(), 403);
    // The item page's entries are readable by anyone signed in.
    let number = app
        .db
        .store
        .tracked(
            &sanzhi_store::TrackScope {
                plan: Some("water".into()),
                unit: Some("开化县政府".into()),
                ..Default::default()
            },
            sanzhi_domain::chrono::NaiveDate::from_ymd_opt(2019, 1, 1).expect("date"),
            15,
        )
        .await
        .expect("tracked")[0]
        .item_number;
    let item: serde_json::Value = leader
        .post(format!("{}/api/item_audit", app.base))
        .form(&[("code", "water"), ("number", number.to_string().as_str())])
        .send()
        .await
        .expect("item audit")
        .json()
        .await
        .expect("json");
    assert_eq!(item[0]["action"], "report.add", "{item}");

    // The account list: admins only, and never a password hash.
    let users = post_json(&admin, format!("{}/api/users", app.base), &[]).await;
    assert_eq!(users.as_array().expect("users").len(), ACCOUNTS.len());
    assert!(!users.to_string().contains("argon2"), "{users}");
    let denied = post_json(&leader, format!("{}/api/users", app.base), &[]).await;
    assert_eq!(denied["kind"], "forbidden");
}
