//! Any plan is a full plan (issue 24): a plan imported beside the three seeded ones goes
//! through its lifecycle and is run like them, on SQLite and PostgreSQL, over HTTP as users and
//! a monitoring platform use it.
//!
//! Imported as a draft, units, leaders and tokens do not see it; an admin makes a coordinator
//! for it and puts it into effect; a unit reports on it, its own coordinator (not another
//! plan's) accepts the report; a token scoped to it reads it; 总览 shows its card; its English
//! name shows in English; closed, it leaves 总览 and refuses reports but its page stays.
//!
//! Its import may carry its own indicators and targets (a workbook's 指标目标 sheet): a new
//! year's PM2.5 targets and indicators of its own, which the standings and charts then judge,
//! and which a token scoped to the plan pushes readings of.

#[macro_use]
mod common;
use common::*;

use serde_json::{json, Value};

const CODE: &str = "peer";

/// A two-row allocation table of another office's plan, as CSV.
fn table() -> Vec<u8> {
    let year = this_year();
    format!(
        "工作任务,责任单位,完成时限\n\
         开展城乡河道保洁专项行动,开化县政府,{year}年12月底前\n\
         建立农村生活垃圾分类台账,柯城区政府,{year}年1月1日前\n"
    )
    .into_bytes()
}

async fn import(app: &TestApp) -> (u16, Value) {
    let q = [
        ("commit", "true".to_owned()),
        ("code", CODE.to_owned()),
        ("title", "衢州市城乡环境同治行动方案".to_owned()),
        ("short_name", "同治行动".to_owned()),
        ("short_name_en", "Joint campaign".to_owned()),
        ("owner", "市环保局".to_owned()),
        ("start_year", this_year().to_string()),
        ("end_year", (this_year() + 1).to_string()),
    ]
    .iter()
    .map(|(k, v)| format!("{k}={}", enc(v)))
    .collect::<Vec<_>>()
    .join("&");
    import_plan_as(app, "t-admin", table(), &q).await
}

/// The plan codes `who` is listed.
async fn listed(app: &TestApp, who: &str) -> Vec<String> {
    let plans: Value = app
        .client_for(who)
        .await
        .post(format!("{}/api/plans", app.base))
        .send()
        .await
        .expect("POST")
        .json()
        .await
        .expect("json");
    plans
        .as_array()
        .expect("plans")
        .iter()
        .map(|p| p["code"].as_str().unwrap_or("").to_owned())
        .collect()
}

async fn post(app: &TestApp, who: &str, path: &str, form: &[(&str, &str)]) -> (u16, String) {
    let r = app
        .client_for(who)
        .await
        .post(format!("{}{path}", app.base))
        .form(form)
        .send()
        .await
        .expect("POST");
    let status = r.status().as_u16();
    (status, r.text().await.expect("text"))
}

async fn page(app: &TestApp, who: &str, path: &str) -> String {
    app.client_for(who)
        .await
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("text")
}

async fn set_status(app: &TestApp, who: &str, status: &str) -> (u16, String) {
    post(
        app,
        who,
        "/api/plan_lifecycle",
        &[("code", CODE), ("status", status)],
    )
    .await
}

/// 开化县政府's assignment in the plan (from the store: its id is what a browser form holds).
async fn kaihua_assignment(app: &TestApp) -> i64 {
    app.db
        .store
        .tracked(
            &sanzhi_store::TrackScope {
                plan: Some(CODE.into()),
                unit: Some("开化县政府".into()),
                item: None,
            },
            china_today(),
            15,
        )
        .await
        .expect("tracked")
        .first()
        .expect("开化县政府 has an assignment")
        .assignment_id
}

async fn report_done(app: &TestApp, assignment: i64, version: &str) -> (u16, String) {
    let a = assignment.to_string();
    let day = china_today().to_string();
    post(
        app,
        "t-kaihua",
        "/api/report",
        &[
            ("form[assignment_id]", a.as_str()),
            ("form[expected_version]", version),
            ("form[state]", "done"),
            ("form[milestone_seq]", ""),
            ("form[reported_on]", day.as_str()),
            ("form[achieved]", ""),
            ("form[narrative]", "河道保洁专项行动已完成"),
            ("form[evidence]", ""),
            ("form[reporter]", ""),
            ("form[corrects_id]", ""),
        ],
    )
    .await
}

async fn an_imported_plan_runs_like_the_seeded_ones(app: &TestApp) {
    let (status, v) = import(app).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["outcome"], "committed", "{v}");

    // A draft: the admin sees it, a unit and a leader do not, not even by its address.
    assert!(listed(app, "t-admin").await.contains(&CODE.to_owned()));
    for who in ["t-kaihua", "t-leader", "t-water"] {
        assert!(!listed(app, who).await.contains(&CODE.to_owned()), "{who}");
        let (status, body) = post(app, who, "/api/plan", &[("code", CODE)]).await;
        assert_eq!(status, 404, "{who}: {body}");
        // Nor its item's page, audit entries or 催办, asked for by name.
        let item = [("code", CODE), ("number", "1")];
        for path in ["/api/item_page", "/api/item_audit", "/api/item_tracking"] {
            let (status, body) = post(app, who, path, &item).await;
            assert_eq!(status, 404, "{who} {path}: {body}");
        }
        let (status, body) = post(app, who, "/api/urges", &[("plan", CODE)]).await;
        assert_eq!(status, 404, "{who} /api/urges: {body}");
    }
    // The admin reads the draft's item page in one call: the item, its tracking, its audit
    // entries and its 催办.
    let (status, body) = post(
        app,
        "t-admin",
        "/api/item_page",
        &[("code", CODE), ("number", "1")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let item_page: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(item_page["detail"]["item"]["number"], 1, "{body}");
    assert_eq!(
        item_page["tracking"]["rows"].as_array().map(Vec::len),
        Some(1),
        "{body}"
    );
    assert!(
        item_page["audit"].is_array() && item_page["urges"]["urges"].is_array(),
        "{body}"
    );
    let tasks = post(
        app,
        "t-kaihua",
        "/api/unit_tasks",
        &[("unit", "开化县政府")],
    )
    .await;
    assert!(
        !tasks.1.contains("同治行动"),
        "a draft's work is not in 我的任务"
    );
    let overview = page(app, "t-leader", "/").await;
    assert!(!overview.contains("data-plan=\"peer\""), "nor in 总览");

    // Its coordinator: any stored plan may have one; a plan that does not exist may not.
    let account = |username: &'static str, plan: &'static str| {
        [
            ("form[username]", username),
            ("form[display_name]", "同治办"),
            ("form[role]", "coordinator"),
            ("form[plan]", plan),
            ("form[unit]", ""),
            ("form[password]", PASSWORD),
        ]
    };
    let (status, body) = post(
        app,
        "t-admin",
        "/api/account_create",
        &account("t-nosuch", "nosuch"),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("没有方案“nosuch”"), "{body}");
    let (status, body) = post(
        app,
        "t-admin",
        "/api/account_create",
        &account("t-peer", CODE),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains("同治行动"),
        "the account names its plan: {body}"
    );
    // The coordinator prepares the draft: it sees it before anyone else.
    assert!(listed(app, "t-peer").await.contains(&CODE.to_owned()));

    // Only an admin puts it into effect.
    for who in ["t-peer", "t-water", "t-leader", "t-kaihua"] {
        let (status, body) = set_status(app, who, "active").await;
        assert_eq!(status, 403, "{who}: {body}");
    }
    let (status, body) = set_status(app, "t-admin", "active").await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"active\""), "{body}");
    let audit = app
        .db
        .store
        .audit_entries(&sanzhi_store::AuditFilter {
            action: Some("plan.status".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .expect("audit");
    assert!(
        audit.iter().any(|e| e.entity_key == CODE),
        "the change is audited"
    );

    // Active: the unit sees it among its tasks, 总览 shows its card and counts.
    assert!(listed(app, "t-kaihua").await.contains(&CODE.to_owned()));
    let (_, tasks) = post(
        app,
        "t-kaihua",
        "/api/unit_tasks",
        &[("unit", "开化县政府")],
    )
    .await;
    assert!(tasks.contains("同治行动"), "{tasks}");
    let overview = page(app, "t-leader", "/").await;
    assert!(
        overview.contains("data-plan=\"peer\""),
        "its card and counts in 总览"
    );
    assert!(overview.contains("/plans/peer"), "and in the navigation");

    // The unit reports done; another plan's coordinator may not accept it, its own does.
    let a = kaihua_assignment(app).await;
    let (status, body) = report_done(app, a, "0").await;
    assert_eq!(status, 200, "{body}");
    let report: Value = serde_json::from_str(&body).expect("report");
    let id = report["id"].as_i64().expect("id").to_string();
    let review = [
        ("report_id", id.as_str()),
        ("decision", "accepted"),
        ("reason", ""),
    ];
    let (status, body) = post(app, "t-water", "/api/review", &review).await;
    assert_eq!(status, 403, "{body}");
    assert!(
        body.contains("治水长效战协调员") && body.contains("不能处理同治行动的事项"),
        "the refusal names both plans by their names: {body}"
    );
    let (status, body) = post(app, "t-peer", "/api/review", &review).await;
    assert_eq!(status, 200, "{body}");
    let (_, queue) = post(app, "t-peer", "/api/review_queue", &[]).await;
    let queue: Value = serde_json::from_str(&queue).expect("queue");
    assert_eq!(queue["may_review"], json!([CODE]), "{queue}");
    let now = app
        .db
        .store
        .tracked(
            &sanzhi_store::TrackScope {
                plan: Some(CODE.into()),
                ..Default::default()
            },
            china_today(),
            15,
        )
        .await
        .expect("tracked");
    let done = now.iter().find(|t| t.assignment_id == a).expect("row");
    assert_eq!(done.assessment.status, sanzhi_domain::Status::Done);

    // A monitoring platform's token may be scoped to it and reads it.
    let admin = app.client_for("t-admin").await;
    let issue = |plans: Value| {
        let admin = admin.clone();
        async move {
            let r = admin
                .post(format!("{}/api/v1/tokens", app.base))
                .json(&json!({ "name": "同治平台", "plans": plans }))
                .send()
                .await
                .expect("POST");
            let status = r.status().as_u16();
            (status, r.json::<Value>().await.expect("json"))
        }
    };
    let (status, body) = issue(json!(["nosuch"])).await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = issue(json!([CODE])).await;
    assert_eq!(status, 201, "{body}");
    let token = body["token"].as_str().expect("token").to_owned();
    let read = |path: String| {
        let token = token.clone();
        async move {
            let r = reqwest::Client::new()
                .get(format!("{}{path}", app.base))
                .bearer_auth(token)
                .send()
                .await
                .expect("GET");
            let status = r.status().as_u16();
            (status, r.json::<Value>().await.expect("json"))
        }
    };
    let (status, body) = read(format!("/api/v1/plans/{CODE}/assignments")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["count"], 2, "{body}");
    let (_, plans) = read("/api/v1/plans".into()).await;
    let peer = plans["plans"]
        .as_array()
        .expect("plans")
        .iter()
        .find(|p| p["code"] == CODE)
        .cloned()
        .expect("listed to the token");
    assert_eq!(peer["status"], "active");
    assert_eq!(peer["short_name_en"], "Joint campaign");

    // Its own name in English.
    let english = in_english(app, "t-leader", &format!("{}/plans", app.base)).await;
    assert!(english.contains("Joint campaign"), "English name on /plans");

    // Closed: read-only, out of 总览 and 我的任务, its page and history kept.
    let (status, body) = set_status(app, "t-admin", "closed").await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = report_done(app, a, "1").await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("已结束"), "{body}");
    // Nor evidence files, nor 催办 (柯城's assignment fell due on 1 January: it could be pressed).
    let jpeg: Vec<u8> = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F']
        .into_iter()
        .chain(std::iter::repeat_n(0u8, 200))
        .collect();
    let r = app
        .client_for("t-kaihua")
        .await
        .post(format!(
            "{}/api/evidence?assignment={a}&name=photo.jpg",
            app.base
        ))
        .body(jpeg)
        .send()
        .await
        .expect("POST");
    assert_eq!(r.status(), 400);
    assert!(r.text().await.expect("text").contains("已结束"));
    let kecheng = app
        .db
        .store
        .tracked(
            &sanzhi_store::TrackScope {
                plan: Some(CODE.into()),
                unit: Some("柯城区政府".into()),
                item: None,
            },
            china_today(),
            15,
        )
        .await
        .expect("tracked")[0]
        .assignment_id
        .to_string();
    let (status, body) = post(
        app,
        "t-peer",
        "/api/urge",
        &[
            ("assignment_id", kecheng.as_str()),
            ("message", "请尽快报送"),
        ],
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("已结束"), "{body}");
    let overview = page(app, "t-leader", "/").await;
    assert!(
        !overview.contains("data-plan=\"peer\""),
        "a closed plan leaves 总览"
    );
    // … from the day it was closed: a replay of the day before still counts it, as it was.
    let yesterday = china_today().pred_opt().expect("day");
    let before = page(app, "t-leader", &format!("/?as_of={yesterday}")).await;
    assert!(
        before.contains("data-plan=\"peer\""),
        "the day before it closed"
    );
    let stored = app
        .db
        .store
        .list_plans()
        .await
        .expect("plans")
        .into_iter()
        .find(|p| p.code.as_str() == CODE)
        .expect("kept");
    assert_eq!(stored.closed_on, Some(china_today()));
    let (_, tasks) = post(
        app,
        "t-kaihua",
        "/api/unit_tasks",
        &[("unit", "开化县政府")],
    )
    .await;
    assert!(!tasks.contains("同治行动"), "and 我的任务");
    let plan_page = page(app, "t-kaihua", "/plans/peer").await;
    assert!(
        plan_page.contains("plan-status-banner closed"),
        "its page says it is closed"
    );
    assert!(
        listed(app, "t-kaihua").await.contains(&CODE.to_owned()),
        "kept for history"
    );
}

/// Many plans (a province's) still read: past five active plans the navigation shows one link
/// to `/plans` with their number, and 总览 lists the plans and their counts as tables.
async fn many_plans_read_as_lists(app: &TestApp) {
    for n in 1..=4 {
        let q = [
            ("commit", "true".to_owned()),
            ("code", format!("county-{n}")),
            ("title", format!("县级行动方案{n}")),
            ("short_name", format!("县级方案{n}")),
            ("owner", "市环保局".to_owned()),
            ("start_year", this_year().to_string()),
            ("end_year", this_year().to_string()),
            ("status", "active".to_owned()),
        ]
        .iter()
        .map(|(k, v)| format!("{k}={}", enc(v)))
        .collect::<Vec<_>>()
        .join("&");
        let (status, v) = import_plan_as(app, "t-admin", table(), &q).await;
        assert_eq!(status, 200, "{v}");
    }
    let html = page(app, "t-leader", "/").await;
    let nav_at = html.find("site-nav").expect("navigation");
    let nav = &html[nav_at..nav_at + html[nav_at..].find("</nav>").expect("end")];
    assert!(
        nav.contains(r#"href="/plans""#),
        "one link to the plans: {nav}"
    );
    assert!(
        nav.contains("方案（7）"),
        "naming how many are in effect: {nav}"
    );
    assert!(
        !nav.contains("/plans/water"),
        "not one link per plan: {nav}"
    );
    assert!(
        html.contains("plan-counts") && html.contains("plans-list"),
        "总览 lists the counts and the plans as tables"
    );
    for n in 1..=4 {
        assert!(html.contains(&format!("县级方案{n}")), "plan {n} listed");
    }
}

/// A workbook: the allocation table, and a 指标目标 sheet of these rows (indicator, code,
/// unit, direction, place, year, target).
fn workbook(targets: &[[&str; 7]]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let table = wb.add_worksheet().set_name("分工表").expect("name");
    let year = this_year();
    let rows = [
        ["工作任务", "责任单位", "完成时限"],
        [
            "开展城乡河道保洁专项行动",
            "开化县政府",
            &format!("{year}年12月底前"),
        ],
    ];
    for (r, cells) in (0u32..).zip(rows) {
        for (c, v) in (0u16..).zip(cells) {
            table.write_string(r, c, v).expect("cell");
        }
    }
    let sheet = wb.add_worksheet().set_name("指标目标").expect("name");
    let header = ["指标", "指标代码", "单位", "方向", "地点", "年度", "目标值"];
    for (c, v) in (0u16..).zip(header) {
        sheet.write_string(0, c, v).expect("cell");
    }
    for (r, cells) in (1u32..).zip(targets) {
        for (c, v) in (0u16..).zip(cells) {
            if !v.is_empty() {
                sheet.write_string(r, c, *v).expect("cell");
            }
        }
    }
    wb.save_to_buffer().expect("xlsx")
}

fn plan_query(code: &str, status: &str) -> String {
    [
        ("commit", "true".to_owned()),
        ("code", code.to_owned()),
        ("title", format!("衢州市{code}指标方案")),
        ("short_name", format!("{code}方案")),
        ("owner", "市环保局".to_owned()),
        ("start_year", "2021".to_owned()),
        ("end_year", (this_year() + 1).to_string()),
        ("issued_on", "2021-01-01".to_owned()),
        ("status", status.to_owned()),
    ]
    .iter()
    .map(|(k, v)| format!("{k}={}", enc(v)))
    .collect::<Vec<_>>()
    .join("&")
}

const TARGETS: [[&str; 7]; 4] = [
    ["PM2.5 月均浓度", "", "", "", "柯城", "2021", "30"],
    ["PM2.5 月均浓度", "", "", "", "衢江", "2021", "31"],
    ["河道保洁达标率", "", "%", "越高越好", "全市", "2021", "95"],
    [
        "垃圾分类覆盖率",
        "peer.waste",
        "%",
        "越高越好",
        "柯城",
        "2021",
        "90",
    ],
];

/// The indicators page's data for 2021, as `who` reads it.
async fn indicators_2021(app: &TestApp, who: &str) -> Value {
    let (status, body) = post(app, who, "/api/indicators", &[("year", "2021")]).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).expect("json")
}

async fn an_imported_plan_carries_its_own_indicators_and_targets(app: &TestApp) {
    // A sheet with bad rows is refused, each row named, and nothing is written.
    let bad = workbook(&[
        ["PM2.5 月均浓度", "", "", "", "不存在区", "2021", "30"],
        ["氨氮", "", "", "", "樟树潭", "2021", "1"],
        ["河道保洁达标率", "", "", "越高越好", "全市", "2021", "95"],
    ]);
    let (status, v) = import_plan_as(app, "t-admin", bad, &plan_query(CODE, "")).await;
    assert_eq!(status, 422, "{v}");
    let problems: Vec<(u64, String)> = v["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| {
            (
                p["row"].as_u64().unwrap_or(0),
                p["column"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        problems,
        vec![
            (2, "指标目标·地点".to_owned()),
            (3, "指标目标·指标".to_owned()),
            (4, "指标目标·单位".to_owned()),
        ],
        "{v}"
    );
    assert!(app
        .db
        .store
        .list_plans()
        .await
        .expect("plans")
        .iter()
        .all(|p| p.code.as_str() != CODE));
    assert!(app
        .db
        .store
        .plan_indicators(true)
        .await
        .expect("indicators")
        .is_empty());

    // Imported as a draft: its indicators and targets are not shown yet.
    let (status, v) =
        import_plan_as(app, "t-admin", workbook(&TARGETS), &plan_query(CODE, "")).await;
    assert_eq!(status, 200, "{v}");
    let measures = v["report"]["measures"].to_string();
    assert!(
        measures.contains("新指标“河道保洁达标率”（代码 peer.1"),
        "{measures}"
    );
    assert!(measures.contains("peer.waste"), "{measures}");
    assert!(measures.contains("新增 4 条"), "{measures}");
    let before = indicators_2021(app, "t-leader").await;
    assert_eq!(
        before["snapshot"]["own"],
        json!([]),
        "a draft's indicators wait"
    );
    assert!(
        !before["snapshot"]["pm25"]
            .to_string()
            .contains("\"target\":30"),
        "and its PM2.5 targets"
    );
    let (status, body) = set_status(app, "t-admin", "active").await;
    assert_eq!(status, 200, "{body}");

    // A token scoped to the plan pushes readings of its own indicators, not of PM2.5 (the air
    // plan's).
    let r = app
        .client_for("t-admin")
        .await
        .post(format!("{}/api/v1/tokens", app.base))
        .json(&json!({ "name": "同治监测平台", "plans": [CODE] }))
        .send()
        .await
        .expect("POST");
    assert_eq!(r.status(), 201);
    let token = r.json::<Value>().await.expect("json")["token"]
        .as_str()
        .expect("token")
        .to_owned();
    let push = |rows: Value| {
        let token = token.clone();
        async move {
            let r = reqwest::Client::new()
                .post(format!("{}/api/v1/readings", app.base))
                .bearer_auth(token)
                .json(&rows)
                .send()
                .await
                .expect("POST");
            let status = r.status().as_u16();
            (status, r.json::<Value>().await.expect("json"))
        }
    };
    let reading = |indicator: &str, place: &str, month: u32, value: f64| json!({ "indicator": indicator, "place": place, "year": 2021, "month": month, "value": value });
    let (status, body) = push(json!([reading("pm25", "柯城", 1, 20.0)])).await;
    assert_eq!(status, 403, "{body}");
    let (status, body) = push(json!([
        reading("peer.1", "全市", 1, 96.0),
        reading("peer.1", "全市", 2, 93.0),
        reading("河道保洁达标率", "全市", 3, 97.0),
        reading("peer.waste", "柯城", 3, 85.0),
    ]))
    .await;
    assert_eq!(status, 200, "{body}");
    // PM2.5 of 2021 from the air plan's side (its coordinator's entry form).
    for (place, value) in [("柯城", "28"), ("衢江", "36")] {
        let (status, body) = post(
            app,
            "t-air",
            "/api/save_reading",
            &[
                ("input[indicator]", "pm25"),
                ("input[place]", place),
                ("input[year]", "2021"),
                ("input[month]", "3"),
                ("input[value]", value),
                ("input[valid_days]", ""),
                ("input[provisional]", ""),
                ("input[note]", ""),
            ],
        )
        .await;
        assert_eq!(status, 200, "{body}");
    }
    // A unit may not enter the plan's readings.
    let (status, _) = post(
        app,
        "t-kaihua",
        "/api/save_reading",
        &[
            ("input[indicator]", "peer.1"),
            ("input[place]", "全市"),
            ("input[year]", "2021"),
            ("input[month]", "4"),
            ("input[value]", "99"),
            ("input[valid_days]", ""),
            ("input[provisional]", ""),
            ("input[note]", ""),
        ],
    )
    .await;
    assert_eq!(status, 403);

    // The standings judge them: PM2.5 of 2021 against the plan's targets, its own indicators
    // by their latest value in their direction.
    let now = indicators_2021(app, "t-leader").await;
    let pm25 = now["snapshot"]["pm25"].as_array().expect("pm25");
    let area = |name: &str| {
        pm25.iter()
            .find(|s| s["area"] == name)
            .cloned()
            .expect(name)
    };
    assert_eq!(
        (
            area("柯城")["target"].as_f64(),
            area("柯城")["met"].as_bool()
        ),
        (Some(30.0), Some(true))
    );
    assert_eq!(
        (
            area("衢江")["target"].as_f64(),
            area("衢江")["met"].as_bool()
        ),
        (Some(31.0), Some(false))
    );
    let own = now["snapshot"]["own"].as_array().expect("own");
    assert_eq!(own.len(), 2, "{own:?}");
    let river = &own[0]["standings"][0];
    assert_eq!(
        (
            river["place"].as_str(),
            river["value"].as_f64(),
            river["month"].as_u64(),
            river["met"].as_bool()
        ),
        (Some("全市"), Some(97.0), Some(3), Some(true)),
        "the latest month, 97%, meets 95%"
    );
    assert_eq!(own[1]["standings"][0]["met"], false, "85% is under 90%");
    assert!(
        own[0]["svg"].as_str().is_some_and(|s| s.contains("<svg")),
        "charted"
    );
    let html = page(app, "t-leader", "/indicators?year=2021").await;
    assert!(
        html.contains("data-code=\"peer.1\""),
        "its section on the page"
    );
    assert!(html.contains("河道保洁达标率"));
    assert!(
        html.contains("plan-targets"),
        "the targets the plans set, listed"
    );

    // A target another plan or a reference table already sets blocks a second plan's import.
    let (status, v) = import_plan_as(
        app,
        "t-admin",
        workbook(&[
            ["PM2.5 月均浓度", "", "", "", "柯城", "2021", "25"],
            ["PM2.5 月均浓度", "", "", "", "柯城", "2019", "25"],
        ]),
        &plan_query("rival", "active"),
    )
    .await;
    assert_eq!(status, 422, "{v}");
    let blocked = v["report"]["blocked"].to_string();
    assert!(blocked.contains("已由方案“peer方案”设定"), "{blocked}");
    assert!(blocked.contains("参考表"), "{blocked}");
    assert!(app
        .db
        .store
        .list_plans()
        .await
        .expect("plans")
        .iter()
        .all(|p| p.code.as_str() != "rival"));

    // Re-imported without a 指标目标 sheet (a CSV table), the targets stay; with one, the
    // file's targets replace the stored ones.
    let (status, v) = import_plan_as(app, "t-admin", table(), &plan_query(CODE, "")).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        indicators_2021(app, "t-leader").await["snapshot"]["own"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    let (status, v) = import_plan_as(
        app,
        "t-admin",
        workbook(&TARGETS[..3]),
        &plan_query(CODE, ""),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert!(
        v["report"]["measures"].to_string().contains("删除 1 条"),
        "{v}"
    );
    let after = indicators_2021(app, "t-leader").await;
    let waste = &after["snapshot"]["own"][1]["standings"][0];
    assert_eq!(
        waste["target"],
        Value::Null,
        "its target removed, its readings kept: {waste}"
    );
}

on_both_backends!(
    an_imported_plan_runs_like_the_seeded_ones,
    many_plans_read_as_lists,
    an_imported_plan_carries_its_own_indicators_and_targets
);
