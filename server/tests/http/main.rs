//! The real router on a free port, with its own database, driven over HTTP — once on SQLite
//! and once on PostgreSQL.

#[macro_use]
#[path = "../common/mod.rs"]
mod common;
use common::*;

on_both_backends!(
    healthz_reports_the_database,
    healthz_says_unavailable_when_the_database_is_gone,
    the_overview_is_server_rendered_in_chinese,
    the_plan_server_function_returns_goals,
    bad_and_unknown_plan_codes_get_typed_errors,
    plan_pages_and_unknown_paths,
    responses_carry_a_request_id,
    the_indicators_page_has_a_chart_and_the_targets,
);

async fn the_indicators_page_has_a_chart_and_the_targets(app: &TestApp) {
    let html = app
        .get("/indicators?year=2018")
        .await
        .text()
        .await
        .expect("text");
    assert!(html.contains("<svg"), "the chart is inlined");
    assert!(html.contains("2018年 PM2.5 年均与目标"));
    assert!(
        html.contains("本期尚无读数"),
        "no readings yet, and it says so"
    );
    assert!(html.contains("28以下"));
    assert!(html.contains("铜山源水库") && html.contains("（水库）"));
    assert!(html.contains("Ⅲ类"));
    let bad = app
        .get("/indicators?year=2040")
        .await
        .text()
        .await
        .expect("text");
    assert!(bad.contains("year：2040 超出范围"), "{bad}");
}

async fn healthz_reports_the_database(app: &TestApp) {
    let resp = app.get("/healthz").await;
    assert_eq!(resp.status(), 200);
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], app.db.store.backend().as_str());
}

async fn healthz_says_unavailable_when_the_database_is_gone(app: &TestApp) {
    app.db.store.close().await;
    let resp = app.get("/healthz").await;
    assert_eq!(resp.status(), 503);
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(body["status"], "unavailable");
    let text = body.to_string();
    assert!(!text.contains("closed"), "no internals in the body: {text}");
    // Liveness does not depend on the database, and needs no sign-in.
    let live = app.get("/livez").await;
    assert_eq!(live.status(), 200);
    assert_eq!(live.text().await.expect("text"), "ok");
}

async fn the_overview_is_server_rendered_in_chinese(app: &TestApp) {
    let resp = app.get("/").await;
    assert_eq!(resp.status(), 200);
    let html = resp.text().await.expect("text");
    assert!(html.contains(r#"<html lang="zh-CN""#), "lang");
    for title in [
        "衢州市治水长效战行动方案",
        "衢州市治气攻坚战行动方案",
        "衢州市治土持久战行动方案",
    ] {
        assert!(html.contains(title), "{title} missing from SSR html");
    }
    for nav in ["总览", "治水长效战", "治气攻坚战", "治土持久战", "我的任务"] {
        assert!(html.contains(&format!(">{nav}</a>")), "nav {nav}");
    }
    assert!(html.contains("市治土办"));
    assert!(
        html.contains("/pkg/sanzhi.js"),
        "hydration script is linked"
    );
}

async fn the_plan_server_function_returns_goals(app: &TestApp) {
    let resp = app.post_form("/api/plan", &[("code", "soil")]).await;
    assert_eq!(resp.status(), 200);
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(body["summary"]["owner_office"], "市治土办");
    let goals = body["goals"].as_array().expect("goals");
    assert_eq!(goals.len(), 2);
    assert!(goals[0]
        .as_str()
        .expect("str")
        .contains("受污染耕地安全利用率达到91%左右"));

    let resp = app.post_form("/api/plans", &[]).await;
    assert_eq!(resp.status(), 200);
    let plans: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(plans.as_array().expect("array").len(), 3);
}

async fn bad_and_unknown_plan_codes_get_typed_errors(app: &TestApp) {
    let resp = app.post_form("/api/plan", &[("code", "fire")]).await;
    assert!(!resp.status().is_success());
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(body["kind"], "not_found");

    let resp = app
        .post_form("/api/plan", &[("code", "<script>alert(1)</script>")])
        .await;
    assert!(!resp.status().is_success());
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(body["kind"], "bad_request");
    assert!(body["message"].as_str().expect("msg").contains("code"));

    let resp = app.post_form("/api/plan", &[]).await;
    assert!(!resp.status().is_success(), "missing argument is rejected");
}

async fn plan_pages_and_unknown_paths(app: &TestApp) {
    let html = app.get("/plans/air").await.text().await.expect("text");
    assert!(html.contains("衢州市治气攻坚战行动方案"));
    assert!(html.contains("2020年达到国家二级标准35微克/立方米以下"));
    assert!(html.contains("(一)能源结构调整攻坚行动"), "the action tree");
    assert_eq!(
        html.matches(r#"class="item""#).count(),
        44,
        "every air item"
    );

    let html = app.get("/plans/water").await.text().await.expect("text");
    assert!(html.contains("6月底前"), "deadline in the source wording");
    assert!(html.contains("2018-06-30"), "and the date read from it");

    let resp = app.get("/plans/water/items/1").await;
    assert_eq!(resp.status(), 200);
    let html = resp.text().await.expect("text");
    assert!(html.contains("工作要求 (1)"));
    assert!(
        html.contains("下董") && html.contains("下童"),
        "the discrepancy note"
    );
    assert!(
        html.contains("衢州市绿色产业集聚区"),
        "responsible units as written"
    );
    assert!(html.contains("开化县政府"), "the group phrase expanded");

    let resp = app.get("/plans/water/items/99").await;
    assert_eq!(resp.status(), 404);
    let resp = app.get("/plans/water/items/abc").await;
    assert_eq!(resp.status(), 404);
    assert!(resp
        .text()
        .await
        .expect("text")
        .contains("不是工作要求编号"));

    let resp = app.get("/plans/fire").await;
    assert_eq!(resp.status(), 404);
    assert!(resp
        .text()
        .await
        .expect("text")
        .contains("未找到：方案“fire”"));

    let resp = app.get("/plans/%3Cscript%3Ex").await;
    let html = resp.text().await.expect("text");
    assert!(html.contains("无法显示该方案"));
    assert!(!html.contains("<script>x"), "user text is escaped");

    let resp = app.get("/no/such/page").await;
    assert_eq!(resp.status(), 404);
    assert!(resp.text().await.expect("text").contains("页面不存在"));
}

async fn responses_carry_a_request_id(app: &TestApp) {
    let resp = app.get("/healthz").await;
    let id = resp
        .headers()
        .get("x-request-id")
        .expect("x-request-id header")
        .to_str()
        .expect("ascii");
    assert_eq!(id.len(), 36, "a uuid: {id}");
}

mod tracking;

mod accounts;

mod editing;

mod reviews;

mod readings;

mod access;

#[tokio::test]
async fn every_server_function_is_classified_for_access() {
    let paths: Vec<&str> = leptos::server_fn::axum::server_fn_paths()
        .map(|(p, _)| p)
        .collect();
    assert!(paths.len() >= 15, "{paths:?}");
    for p in &paths {
        assert!(
            app::auth::MUTATING.contains(p) || app::auth::READING.contains(p),
            "server function {p} is in neither app::auth::MUTATING nor READING: decide its access"
        );
    }
    for p in app::auth::MUTATING.iter().chain(app::auth::READING) {
        assert!(
            paths.contains(p),
            "{p} is listed but no such server function exists"
        );
    }
}

mod public_overview;

/// With `server.public_overview` on, anonymous visitors read 总览 and nothing else.
async fn public_overview_reads_the_overview_only(app: &TestApp) {
    let anon = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let home = anon
        .get(format!("{}/?month=2018-12", app.base))
        .send()
        .await
        .expect("GET");
    assert_eq!(home.status(), 200);
    assert!(home
        .text()
        .await
        .expect("text")
        .contains("总览 · 2018年12月"));
    let overview = post_json(
        &anon,
        format!("{}/api/overview", app.base),
        &[("month", "2018-12")],
    )
    .await;
    assert_eq!(overview["month"], "2018-12");
    for path in ["/plans/water", "/my", "/readings", "/admin/audit"] {
        let resp = anon
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .expect("GET");
        assert_eq!(resp.status(), 303, "{path} still needs sign-in");
    }
    let report = anon
        .post(format!("{}/api/report", app.base))
        .send()
        .await
        .expect("POST");
    assert_eq!(report.status(), 401);
}
