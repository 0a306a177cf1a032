//! The real router on a free port, with its own database, driven over HTTP — once on SQLite
//! and once on PostgreSQL.

use app::state::AppState;
use leptos::config::LeptosOptions;
use sanzhi_store::testing::TestDb;
use std::path::Path;

struct TestApp {
    base: String,
    db: TestDb,
    client: reqwest::Client,
    server: tokio::task::JoinHandle<()>,
}

impl TestApp {
    async fn spawn(db: TestDb) -> TestApp {
        let seed = sanzhi_seed::load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../seed"))
            .expect("seed");
        db.store.load_seed(&seed).await.expect("load seed");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let state = AppState {
            store: db.store.clone(),
            leptos_options: LeptosOptions::builder()
                .output_name("sanzhi")
                .site_addr(addr)
                .build(),
        };
        let router = server::build_router(state);
        let server = tokio::spawn(async move {
            axum::serve(listener, router).await.expect("serve");
        });
        TestApp {
            base: format!("http://{addr}"),
            db,
            client: reqwest::Client::new(),
            server,
        }
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("GET")
    }

    async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.base))
            .form(form)
            .send()
            .await
            .expect("POST")
    }

    async fn finish(self) {
        self.server.abort();
        self.db.finish().await;
    }
}

macro_rules! on_both_backends {
    ($($story:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $story() {
                    let app = super::TestApp::spawn(sanzhi_store::testing::TestDb::sqlite().await).await;
                    super::$story(&app).await;
                    app.finish().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $story() {
                    let Some(db) = sanzhi_store::testing::TestDb::postgres().await else { return };
                    let app = super::TestApp::spawn(db).await;
                    super::$story(&app).await;
                    app.finish().await;
                }
            )*
        }
    };
}

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
    assert!(html.contains("2018年 PM2.5 年均浓度目标"));
    assert!(html.contains("28以下"));
    assert!(html.contains("铜山源水库") && html.contains("（水库）"));
    assert!(html.contains("Ⅲ类"));
    let bad = app
        .get("/indicators?year=2030")
        .await
        .text()
        .await
        .expect("text");
    assert!(bad.contains("year：2030 年没有目标"));
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
    for nav in ["总览", "治水", "治气", "治土", "我的任务"] {
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

mod tracking {
    use super::*;

    on_both_backends!(
        a_unit_sees_its_assignments_most_urgent_first,
        a_report_round_trip_and_a_conflict,
        bad_reports_name_the_field,
        the_as_of_day_replays_the_past,
    );

    async fn assignment_of(app: &TestApp, unit: &str, item: i32) -> i64 {
        let scope = sanzhi_store::TrackScope {
            plan: Some("water".into()),
            unit: Some(unit.into()),
            item: Some(item),
        };
        let d = sanzhi_domain::chrono::NaiveDate::from_ymd_opt(2018, 6, 1).expect("date");
        app.db.store.tracked(&scope, d, 15).await.expect("tracked")[0].assignment_id
    }

    fn report_form<'a>(
        assignment: &'a str,
        version: &'a str,
        on: &'a str,
    ) -> Vec<(&'a str, &'a str)> {
        vec![
            ("form[assignment_id]", assignment),
            ("form[expected_version]", version),
            ("form[state]", "done"),
            ("form[milestone_seq]", ""),
            ("form[reported_on]", on),
            ("form[achieved]", ""),
            ("form[narrative]", "已完成9个国家“水十条”断面水质自动站建设"),
            ("form[evidence]", ""),
            ("form[reporter]", "市环保局 王五"),
            ("form[corrects_id]", ""),
        ]
    }

    async fn a_unit_sees_its_assignments_most_urgent_first(app: &TestApp) {
        let resp = app
            .get("/my?unit=%E5%B8%82%E7%8E%AF%E4%BF%9D%E5%B1%80&as_of=2018-08-15")
            .await;
        assert_eq!(resp.status(), 200);
        let html = resp.text().await.expect("text");
        assert!(html.contains("市环保局"));
        // With no reports, water (28) (7月底前) is overdue on 2018-08-15 and comes first.
        let first_badge = html.find("data-status=").expect("a badge");
        assert!(
            html[first_badge..].starts_with(r#"data-status="overdue""#),
            "overdue first"
        );
        assert!(html.contains("逾期 15 天"), "days late");
        let resp = app.get("/my?unit=%E4%B8%8D%E5%AD%98%E5%9C%A8").await;
        assert!(resp
            .text()
            .await
            .expect("text")
            .contains("未找到：单位“不存在”"));
    }

    async fn a_report_round_trip_and_a_conflict(app: &TestApp) {
        let a = assignment_of(app, "市环保局", 28).await.to_string();
        let resp = app
            .post_form("/api/report", &report_form(&a, "0", "2018-07-20"))
            .await;
        assert_eq!(resp.status(), 200, "{:?}", resp.text().await);
        let body: serde_json::Value = resp.json().await.expect("json");
        assert_eq!(body["version"], 1);
        assert_eq!(body["reporter"], "市环保局 王五");

        // A second writer who also saw version 0.
        let resp = app
            .post_form("/api/report", &report_form(&a, "0", "2018-07-21"))
            .await;
        assert!(!resp.status().is_success());
        let body: serde_json::Value = resp.json().await.expect("json");
        assert_eq!(body["kind"], "conflict");
        assert_eq!(body["message"]["newest"]["version"], 1);

        let html = app
            .get("/plans/water/items/28?as_of=2018-08-15")
            .await
            .text()
            .await
            .expect("text");
        assert!(
            html.contains("已完成9个国家“水十条”断面水质自动站建设"),
            "history shows it"
        );
        assert!(html.contains(r#"data-status="done""#), "done on time");
    }

    async fn bad_reports_name_the_field(app: &TestApp) {
        let a = assignment_of(app, "市环保局", 28).await.to_string();
        let mut form = report_form(&a, "0", "2018-07-20");
        form[4] = ("form[reported_on]", "20/07/2018");
        let resp = app.post_form("/api/report", &form).await;
        let body: serde_json::Value = resp.json().await.expect("json");
        assert_eq!(body["kind"], "bad_request");
        assert!(body["message"]
            .as_str()
            .expect("msg")
            .contains("reported_on"));
        let mut form = report_form("999999", "0", "2018-07-20");
        form[6] = ("form[narrative]", "x");
        let resp = app.post_form("/api/report", &form).await;
        let body: serde_json::Value = resp.json().await.expect("json");
        assert_eq!(body["kind"], "not_found");
        assert!(app
            .db
            .store
            .reports(a.parse().expect("id"))
            .await
            .expect("r")
            .is_empty());
    }

    async fn the_as_of_day_replays_the_past(app: &TestApp) {
        let a = assignment_of(app, "市环保局", 28).await.to_string();
        let resp = app
            .post_form("/api/report", &report_form(&a, "0", "2018-08-10"))
            .await;
        assert_eq!(resp.status(), 200);
        let day = |d: &'static str| async move {
            app.get(&format!("/plans/water/items/28?as_of={d}"))
                .await
                .text()
                .await
                .expect("text")
        };
        let before = day("2018-08-05").await;
        assert!(before.contains(r#"data-status="overdue""#));
        assert!(
            !before.contains("已完成9个国家"),
            "the later report is not shown"
        );
        let after = day("2018-08-10").await;
        assert!(after.contains(r#"data-status="done_late""#));
        let bad = app.get("/plans/water/items/28?as_of=yesterday").await;
        assert!(bad.text().await.expect("text").contains("as_of"));
    }
}
