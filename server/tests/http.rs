//! The real router on a free port, with its own database, driven over HTTP — once on SQLite
//! and once on PostgreSQL.

#[macro_use]
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
        .get("/indicators?year=2030")
        .await
        .text()
        .await
        .expect("text");
    assert!(bad.contains("year：2030 超出范围"), "{bad}");
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

mod tracking {
    use super::*;

    on_both_backends!(
        a_unit_sees_its_assignments_most_urgent_first,
        a_report_round_trip_and_a_conflict,
        a_form_sent_twice_files_one_report,
        unit_and_status_filters_meet_on_one_assignment,
        after_the_period_unfinished_work_is_counted_as_such,
        bad_reports_name_the_field,
        the_as_of_day_replays_the_past,
        the_overview_is_kept_until_something_changes,
        pages_are_kept_per_user_until_something_changes,
    );

    /// 市环保局 reports water (28) done on 2018-07-20 through the app; (assignment id, answer).
    async fn report_28_done(app: &TestApp) -> (String, serde_json::Value) {
        let a = assignment_of(app, "市环保局", 28).await.to_string();
        let resp = app
            .post_form("/api/report", &report_form(&a, "0", "2018-07-20"))
            .await;
        assert_eq!(resp.status(), 200, "{:?}", resp.text().await);
        (a, resp.json().await.expect("json"))
    }

    /// The water coordinator accepts report `id`; the answer.
    async fn accept_as_water(app: &TestApp, id: &str) -> serde_json::Value {
        let water = app.client_for("t-water").await;
        post_json(
            &water,
            format!("{}/api/review", app.base),
            &[("report_id", id), ("decision", "accepted"), ("reason", "")],
        )
        .await
    }

    /// [`accept_as_water`], counting a 补报 (a report filed today for a day in 2018) as done
    /// on the day it claims.
    async fn accept_claimed_day_as_water(app: &TestApp, id: &str) -> serde_json::Value {
        let water = app.client_for("t-water").await;
        post_json(
            &water,
            format!("{}/api/review", app.base),
            &[
                ("report_id", id),
                ("decision", "accepted"),
                ("reason", ""),
                ("accept_claimed_day", "true"),
            ],
        )
        .await
    }

    fn water_counts(overview: &serde_json::Value) -> serde_json::Value {
        overview["plans"]
            .as_array()
            .expect("plans")
            .iter()
            .find(|p| p["code"] == "water")
            .expect("water")["now"]
            .clone()
    }

    /// 总览 is computed once and kept (keyed by the database's data version): asked again it
    /// is the same; a report and its acceptance — written through the app like a user — are
    /// in the next answer; and a change made straight in the database by another process (a
    /// second app server, the CLI) is seen too.
    async fn the_overview_is_kept_until_something_changes(app: &TestApp) {
        let leader = app.client_for("t-leader").await;
        let url = format!("{}/api/overview", app.base);
        // This month (no demo reports), when the acceptance made today counts.
        let first = post_json(&leader, url.clone(), &[]).await;
        let again = post_json(&leader, url.clone(), &[]).await;
        assert_eq!(first, again);
        let before = water_counts(&first);

        let (_, body) = report_28_done(app).await;
        let id = body["id"].to_string();
        let accepted = accept_as_water(app, &id).await;
        assert_eq!(accepted["decision"], "accepted", "{accepted}");
        let after = water_counts(&post_json(&leader, url.clone(), &[]).await);
        let done = |c: &serde_json::Value| {
            c["done"].as_u64().expect("done") + c["done_late"].as_u64().expect("late")
        };
        assert_eq!(done(&after), done(&before) + 1, "{before} → {after}");

        // Another writer on the same database, not through this server: a done report on
        // another of 市环保局's water items, accepted.
        let other = sanzhi_store::TrackScope {
            plan: Some("water".into()),
            unit: Some("市环保局".into()),
            item: None,
        };
        let day = sanzhi_domain::chrono::NaiveDate::from_ymd_opt(2018, 6, 1).expect("date");
        let tracked = app
            .db
            .store
            .tracked(&other, day, 15)
            .await
            .expect("tracked");
        let other = tracked
            .into_iter()
            .find(|t| t.item_number != 28)
            .expect("another item");
        let now = sanzhi_domain::chrono::Utc::now();
        let report = sanzhi_domain::NewReport {
            assignment_id: other.assignment_id,
            expected_version: 0,
            state: sanzhi_domain::ReportState::Done,
            milestone_seq: None,
            reported_on: now.date_naive(),
            achieved: None,
            narrative: "已完成".into(),
            evidence: vec![],
            reporter: "另一台服务器".into(),
            corrects_id: None,
            is_demo: false,
            submission_key: None,
            files: Vec::new(),
        };
        let stored = app
            .db
            .store
            .add_report(&report, now)
            .await
            .expect("add")
            .expect("ok");
        app.db
            .store
            .add_review(
                &sanzhi_domain::NewReview {
                    report_id: stored.id,
                    decision: sanzhi_domain::ReviewDecision::Accepted,
                    reason: String::new(),
                    reviewer: "另一台服务器".into(),
                    reviewed_on: now.date_naive(),
                    is_demo: false,
                    accepts_claimed_day: false,
                },
                now,
            )
            .await
            .expect("review")
            .expect("first");
        let later = water_counts(&post_json(&leader, url, &[]).await);
        assert_eq!(done(&later), done(&after) + 1, "{after} → {later}");
    }

    async fn page(client: &reqwest::Client, url: &str, gzip: bool) -> reqwest::Response {
        let mut req = client.get(url);
        if gzip {
            req = req.header("accept-encoding", "gzip");
        }
        let resp = req.send().await.expect("GET");
        assert_eq!(resp.status(), 200, "{url}");
        resp
    }

    /// Whole pages are kept per user, language and database version: asked again, the same
    /// bytes (plain, or gzipped for a browser that accepts it); another user or language gets
    /// its own; a report and its acceptance are on the next page; a stopped account is
    /// refused, never answered from memory.
    async fn pages_are_kept_per_user_until_something_changes(app: &TestApp) {
        use std::io::Read;
        let leader = app.client_for("t-leader").await;
        let url = format!("{}/plans/water/items/28", app.base);
        let first = page(&leader, &url, false).await.text().await.expect("html");
        assert_eq!(app.pages.len(), 1);
        let again = page(&leader, &url, false).await.text().await.expect("html");
        assert_eq!(first, again);
        assert_eq!(app.pages.len(), 1, "the same page, not a second one");
        assert!(!first.contains("待签收"), "no report yet");

        let zipped = page(&leader, &url, true).await;
        assert_eq!(zipped.headers()["content-encoding"], "gzip");
        assert_eq!(zipped.headers()["vary"], "accept-encoding");
        let bytes = zipped.bytes().await.expect("body");
        let mut unzipped = String::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_string(&mut unzipped)
            .expect("gzip");
        assert_eq!(unzipped, first);

        // The reporter of 市环保局 sees a report form on the same address; English is its own.
        let reporter = page(&app.client, &url, false)
            .await
            .text()
            .await
            .expect("html");
        assert_ne!(reporter, first);
        assert_eq!(app.pages.len(), 2);
        let english = in_english(app, "t-leader", &url).await;
        assert!(english.contains("<html lang=\"en\""), "an English page");
        assert_eq!(app.pages.len(), 3);

        let (_, body) = report_28_done(app).await;
        let pending = page(&leader, &url, false).await.text().await.expect("html");
        assert!(pending.contains("待签收"), "the report is on the page");
        let id = body["id"].to_string();
        let accepted = accept_as_water(app, &id).await;
        assert_eq!(accepted["decision"], "accepted", "{accepted}");
        let done = page(&leader, &url, false).await.text().await.expect("html");
        assert!(done.contains("已签收"), "the acceptance is on the page");
        assert_ne!(done, pending);

        // A page that shows an error (here: 总览 of a month that does not exist) is sent, not
        // kept.
        let kept = app.pages.len();
        let bad = page(&leader, &format!("{}/?month=2018-13", app.base), false)
            .await
            .text()
            .await
            .expect("html");
        assert!(bad.contains("不是月份"), "the error is shown");
        assert_eq!(app.pages.len(), kept, "a page showing an error is not kept");

        // A session saved before sessions named their user (the one-read path finds
        // nothing) is still served, by the ordinary path.
        let sql = "UPDATE sessions SET user_id = NULL";
        match &app.db.store {
            sanzhi_store::Store::Sqlite(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
            sanzhi_store::Store::Postgres(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
        }
        .expect("clear user_id");
        let old_session = page(&leader, &url, false).await.text().await.expect("html");
        assert_eq!(old_session, done, "the same kept page");

        // A stopped account is turned away by the gate even though its page is kept (a new
        // sign-in, whose session names its user: the one-read path).
        let leader = app.client_for("t-leader").await;
        let again = page(&leader, &url, false).await.text().await.expect("html");
        assert_eq!(again, done, "the same kept page");
        app.db
            .store
            .set_active("t-leader", false, "test", sanzhi_domain::chrono::Utc::now())
            .await
            .expect("stop")
            .expect("account");
        let resp = leader.get(&url).send().await.expect("GET");
        let html = resp.text().await.expect("html");
        assert!(!html.contains("已签收"), "not the kept page");
        assert!(html.contains("登录"), "the sign-in page");
    }

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
        let (a, body) = report_28_done(app).await;
        assert_eq!(body["version"], 1);
        assert_eq!(
            body["reporter"], "测试t-hbj（t-hbj）",
            "signed by the session, not the form"
        );

        // A second writer who also saw version 0.
        let resp = app
            .post_form("/api/report", &report_form(&a, "0", "2018-07-21"))
            .await;
        assert!(!resp.status().is_success());
        let body: serde_json::Value = resp.json().await.expect("json");
        assert_eq!(body["kind"], "conflict");
        assert_eq!(body["message"]["newest"]["version"], 1);

        // As of today (made today, the report is in no replay of 2018).
        let html = app
            .get("/plans/water/items/28")
            .await
            .text()
            .await
            .expect("text");
        assert!(
            html.contains("已完成9个国家“水十条”断面水质自动站建设"),
            "history shows it"
        );
        // Not done until the coordinator accepts it.
        assert!(html.contains("待签收"), "waits for review");
        assert!(!html.contains(r#"data-status="done""#), "not done yet");
        let id = body["message"]["newest"]["id"].to_string();
        // Filed today for 2018-07-20, a 补报: accepted for the day it claims.
        let accepted = accept_claimed_day_as_water(app, &id).await;
        assert_eq!(accepted["decision"], "accepted", "{accepted}");
        assert_eq!(accepted["reviewer"], "测试t-water（t-water）");
        // Accepted today: done (on time, by the report's day) from today on.
        let html = app
            .get("/plans/water/items/28")
            .await
            .text()
            .await
            .expect("text");
        assert!(html.contains(r#"data-status="done""#), "done on time");
        assert!(
            html.contains("已签收（测试t-water（t-water）"),
            "who accepted"
        );
    }

    /// 提交报告 pressed twice (or a retry after a lost answer): the second send of the same
    /// form instance answers with the report the first made, and one report is queued.
    async fn a_form_sent_twice_files_one_report(app: &TestApp) {
        let a = assignment_of(app, "市环保局", 28).await.to_string();
        let key = "9f1c2e7a4b6d8e0f1a2b3c4d5e6f7a8b";
        let mut form = report_form(&a, "0", "2018-07-20");
        form.push(("form[submission_key]", key));
        let first: serde_json::Value = app
            .post_form("/api/report", &form)
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(first["version"], 1, "{first}");
        // The same form again, still saying it follows version 0.
        let resp = app.post_form("/api/report", &form).await;
        assert_eq!(resp.status(), 200);
        let again: serde_json::Value = resp.json().await.expect("json");
        assert_eq!(again["id"], first["id"], "the first send's report");
        let reports = app
            .db
            .store
            .reports(a.parse().expect("id"))
            .await
            .expect("reports");
        assert_eq!(reports.len(), 1, "one report filed");
        // A new form (a new key) on the old version is a conflict as before.
        let mut other = report_form(&a, "0", "2018-07-21");
        other.push(("form[submission_key]", "0000111122223333"));
        let resp = app.post_form("/api/report", &other).await;
        let body: serde_json::Value = resp.json().await.expect("json");
        assert_eq!(body["kind"], "conflict", "{body}");
        // A key already used for another assignment is refused by name.
        let b = assignment_of(app, "市环保局", 7).await.to_string();
        let mut form = report_form(&b, "0", "2018-07-20");
        form.push(("form[submission_key]", key));
        let body: serde_json::Value = app
            .post_form("/api/report", &form)
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(body["kind"], "bad_request", "{body}");
        assert!(body["message"]
            .as_str()
            .expect("msg")
            .contains("submission_key"));
        assert!(app
            .db
            .store
            .reports(b.parse().expect("id"))
            .await
            .expect("r")
            .is_empty());
    }

    /// Water (2) (各县(市、区)政府, 年底前): 柯城 finished it late, accepted in January 2019,
    /// while the other counties are overdue. 柯城区政府 + 逾期 does not list it; 柯城 +
    /// 逾期后完成 and 衢江 + 逾期 do; its card names the late units and not 柯城.
    async fn unit_and_status_filters_meet_on_one_assignment(app: &TestApp) {
        let at = |d: u32| {
            sanzhi_domain::chrono::NaiveDate::from_ymd_opt(2019, 1, d)
                .and_then(|d| d.and_hms_opt(2, 0, 0))
                .expect("time")
                .and_utc()
        };
        let scope = sanzhi_store::TrackScope {
            plan: Some("water".into()),
            unit: Some("柯城区政府".into()),
            item: Some(2),
        };
        let day = sanzhi_domain::chrono::NaiveDate::from_ymd_opt(2019, 1, 10).expect("day");
        let a = app
            .db
            .store
            .tracked(&scope, day, 15)
            .await
            .expect("tracked")[0]
            .assignment_id;
        let form = sanzhi_domain::ReportForm {
            assignment_id: a,
            state: "done".into(),
            reported_on: "2019-01-08".into(),
            narrative: "柯城已完成（迟于年底）".into(),
            reporter: "柯城区政府 测试".into(),
            ..Default::default()
        };
        let report = app
            .db
            .store
            .add_report(
                &sanzhi_domain::NewReport::parse(&form, 1).expect("form"),
                at(8),
            )
            .await
            .expect("add")
            .expect("stored");
        app.db
            .store
            .add_review(
                &sanzhi_domain::NewReview {
                    report_id: report.id,
                    decision: sanzhi_domain::ReviewDecision::Accepted,
                    reason: String::new(),
                    reviewer: "治水办 测试".into(),
                    reviewed_on: day,
                    is_demo: false,
                    accepts_claimed_day: false,
                },
                at(10),
            )
            .await
            .expect("review")
            .expect("first");
        let listed = |query: &'static str| async move {
            let html = app
                .get(&format!("/plans/water?as_of=2019-01-15&{query}"))
                .await
                .text()
                .await
                .expect("text");
            (html.contains(r#"data-item="2""#), html)
        };
        let (shown, _) =
            listed("unit=%E6%9F%AF%E5%9F%8E%E5%8C%BA%E6%94%BF%E5%BA%9C&status=overdue").await;
        assert!(!shown, "柯城 + 逾期: 柯城's own assignment was done late");
        let (shown, _) =
            listed("unit=%E6%9F%AF%E5%9F%8E%E5%8C%BA%E6%94%BF%E5%BA%9C&status=done_late").await;
        assert!(shown, "柯城 + 逾期后完成");
        let (shown, _) =
            listed("unit=%E8%A1%A2%E6%B1%9F%E5%8C%BA%E6%94%BF%E5%BA%9C&status=overdue").await;
        assert!(shown, "衢江 + 逾期");
        let (shown, html) = listed("status=overdue").await;
        assert!(shown, "逾期 alone");
        let start = html.find(r#"data-item="2""#).expect("card");
        let card = &html[start..start + html[start..].find("</li>").expect("end")];
        assert!(card.contains("逾期单位："), "{card}");
        assert!(card.contains("衢江区政府"), "{card}");
        assert!(!card.contains("柯城区政府"), "柯城 is not late: {card}");
    }

    /// The plans run 2018–2020: on 2021-06-30 what is not done reads 未完成（期满）, on the plan
    /// page and in 总览, and not 推进中 / 未启动 / 逾期.
    async fn after_the_period_unfinished_work_is_counted_as_such(app: &TestApp) {
        let html = app
            .get("/plans/water?as_of=2021-06-30")
            .await
            .text()
            .await
            .expect("text");
        assert!(html.contains("未完成（期满）"));
        for old in [
            "data-status=\"overdue\"",
            "data-status=\"in_progress\"",
            "data-status=\"not_started\"",
        ] {
            assert!(!html.contains(old), "{old} after the period");
        }
        let day = sanzhi_domain::chrono::NaiveDate::from_ymd_opt(2021, 6, 30).expect("day");
        let all = app
            .db
            .store
            .tracked(&sanzhi_store::TrackScope::default(), day, 15)
            .await
            .expect("tracked");
        assert!(all
            .iter()
            .all(|t| t.assessment.status == sanzhi_domain::Status::Lapsed));
        // On the last day of the period the same work is still overdue or going on.
        let last = sanzhi_domain::chrono::NaiveDate::from_ymd_opt(2020, 12, 31).expect("day");
        let then = app
            .db
            .store
            .tracked(&sanzhi_store::TrackScope::default(), last, 15)
            .await
            .expect("tracked");
        assert!(!then
            .iter()
            .any(|t| t.assessment.status == sanzhi_domain::Status::Lapsed));
        let overview = app
            .get("/?as_of=2021-06-30")
            .await
            .text()
            .await
            .expect("text");
        assert!(overview.contains("count lapsed"), "总览 counts them");
        assert!(overview.contains("未完成（期满）"));
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
        // Filed on 2018-08-10 itself: a replay sees only what was recorded by its day, so a
        // report filed today for 2018-08-10 is in no replay of 2018 (tests/report_dating.rs).
        let form = sanzhi_domain::ReportForm {
            assignment_id: a.parse().expect("id"),
            state: "done".into(),
            reported_on: "2018-08-10".into(),
            narrative: "已完成9个国家“水十条”断面水质自动站建设".into(),
            reporter: "测试t-hbj（t-hbj）".into(),
            ..Default::default()
        };
        let filed = sanzhi_domain::chrono::NaiveDate::from_ymd_opt(2018, 8, 10)
            .and_then(|d| d.and_hms_opt(2, 0, 0))
            .expect("time")
            .and_utc();
        app.db
            .store
            .add_report(
                &sanzhi_domain::NewReport::parse(&form, 1).expect("report"),
                filed,
            )
            .await
            .expect("add")
            .expect("stored");
        let day = |d: &'static str| async move {
            app.get(&format!("/plans/water/items/28?as_of={d}"))
                .await
                .text()
                .await
                .expect("text")
        };
        // The replay covers statuses and the history; the audit trail at the foot of the page
        // is the record of real time and lists every report whatever the as-of day.
        let before = day("2018-08-05").await;
        let before = before.split("item-audit").next().expect("page").to_owned();
        assert!(before.contains(r#"data-status="overdue""#));
        assert!(
            !before.contains("已完成9个国家"),
            "the later report is not shown"
        );
        let after = day("2018-08-10").await;
        assert!(after.contains("已完成9个国家"), "the report is shown");
        assert!(
            after.contains(r#"data-status="overdue""#) && after.contains("待签收"),
            "not accepted by that day"
        );
        let id = app
            .db
            .store
            .reports(a.parse().expect("id"))
            .await
            .expect("r")[0]
            .id
            .to_string();
        let accepted = accept_as_water(app, &id).await;
        assert_eq!(accepted["decision"], "accepted", "{accepted}");
        let today = app
            .get("/plans/water/items/28")
            .await
            .text()
            .await
            .expect("text");
        assert!(today.contains(r#"data-status="done_late""#));
        let still = day("2018-08-10").await;
        assert!(
            still
                .split("item-audit")
                .next()
                .expect("page")
                .contains("待签收"),
            "a replay of 2018-08-10 does not see today's acceptance"
        );
        let bad = app.get("/plans/water/items/28?as_of=yesterday").await;
        assert!(bad.text().await.expect("text").contains("as_of"));
    }
}

mod accounts {
    use super::*;

    on_both_backends!(
        an_admin_manages_accounts_in_the_browser_api,
        the_language_toggle_is_remembered_by_cookie,
        an_admin_adds_a_unit_that_can_then_be_used,
    );

    async fn an_admin_adds_a_unit_that_can_then_be_used(app: &TestApp) {
        let admin = app.client_for("t-admin").await;
        let add = |name: &'static str, aliases: &'static str, note: &'static str| {
            let admin = admin.clone();
            async move {
                post_json(
                    &admin,
                    format!("{}/api/unit_add", app.base),
                    &[
                        ("form[name]", name),
                        ("form[kind]", "city_department"),
                        ("form[aliases]", aliases),
                        ("form[note]", note),
                    ],
                )
                .await
            }
        };
        let ok = add("市数据管理局", "市数据局、数据局", "市政府机构改革通知").await;
        assert!(ok.is_null(), "{ok}");
        // Names and aliases already in use, and a missing basis, are refused by field.
        for (e, says) in [
            (add("市环保局", "", "重复").await, "已是单位“市环保局”"),
            (add("新单位", "柯城", "别名冲突").await, "aliases"),
            (add("另一新单位", "", " ").await, "note"),
        ] {
            assert_eq!(e["kind"], "bad_request", "{e}");
            assert!(
                e["message"].as_str().expect("msg").contains(says),
                "{says}: {e}"
            );
        }
        let units = app.db.store.units().await.expect("units");
        assert!(units.iter().any(|(n, _)| n == "市数据管理局"));
        assert!(!units
            .iter()
            .any(|(n, _)| n == "新单位" || n == "另一新单位"));
        // A reporter can be bound to it, and a coordinator can assign work to it by an alias.
        let made = post_json(
            &admin,
            format!("{}/api/account_create", app.base),
            &[
                ("form[username]", "jt"),
                ("form[display_name]", ""),
                ("form[role]", "reporter"),
                ("form[plan]", ""),
                ("form[unit]", "市数据管理局"),
                ("form[password]", ""),
            ],
        )
        .await;
        assert_eq!(made["user"]["unit"], "市数据管理局", "{made}");
        let water = app.client_for("t-water").await;
        let edit = post_json(
            &water,
            format!("{}/api/item_edit", app.base),
            &[
                ("form[plan]", "water"),
                ("form[number]", "28"),
                ("form[deadlines]", "7月底前"),
                ("form[units]", "市环保局\n市数据局"),
                ("form[targets]", ""),
                ("form[reason]", "数据局负责监测数据"),
            ],
        )
        .await;
        assert!(edit.is_null(), "{edit}");
        // Only admins add units.
        let e = post_json(
            &water,
            format!("{}/api/unit_add", app.base),
            &[
                ("form[name]", "协调员的单位"),
                ("form[kind]", "office"),
                ("form[aliases]", ""),
                ("form[note]", "x"),
            ],
        )
        .await;
        assert_eq!(e["kind"], "forbidden", "{e}");
        let audit = app
            .db
            .store
            .audit_entries(&sanzhi_store::AuditFilter {
                action: Some("unit.add".into()),
                limit: 10,
                ..Default::default()
            })
            .await
            .expect("audit");
        assert_eq!(audit.len(), 1);
        assert_eq!(audit[0].entity_key, "市数据管理局");
    }

    async fn sign_in(
        app: &TestApp,
        username: &str,
        password: &str,
    ) -> (reqwest::Client, serde_json::Value) {
        let c = reqwest::Client::builder()
            .cookie_store(true)
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .expect("client");
        let body = post_json(
            &c,
            format!("{}/api/login", app.base),
            &[("username", username), ("password", password)],
        )
        .await;
        (c, body)
    }

    async fn an_admin_manages_accounts_in_the_browser_api(app: &TestApp) {
        let admin = app.client_for("t-admin").await;
        let create = |form: Vec<(&'static str, &'static str)>| {
            let admin = admin.clone();
            async move { post_json(&admin, format!("{}/api/account_create", app.base), &form).await }
        };
        let form = |username: &'static str,
                    role: &'static str,
                    plan: &'static str,
                    unit: &'static str,
                    password: &'static str| {
            vec![
                ("form[username]", username),
                ("form[display_name]", "王五"),
                ("form[role]", role),
                ("form[plan]", plan),
                ("form[unit]", unit),
                ("form[password]", password),
            ]
        };
        // A reporter of 开化 with a generated password, shown once.
        let made = create(form("wang.wu", "reporter", "", "开化县政府", "")).await;
        assert_eq!(made["user"]["unit"], "开化县政府", "{made}");
        let password = made["password"].as_str().expect("generated").to_owned();
        assert_eq!(password.len(), 16);
        let (wang, me) = sign_in(app, "wang.wu", &password).await;
        assert_eq!(me["role"], "reporter", "{me}");

        // Bad forms name the field and store nothing.
        for (bad, field) in [
            (form("李四", "leader", "", "", ""), "username"),
            (form("x1", "coordinator", "fire", "", ""), "plan"),
            (form("x2", "reporter", "", "没有这个单位", ""), "unit"),
            (form("x3", "leader", "", "", "short"), "password"),
            (form("wang.wu", "leader", "", "", ""), "username"),
        ] {
            let e = create(bad).await;
            assert_eq!(e["kind"], "bad_request", "{e}");
            assert!(
                e["message"].as_str().expect("msg").contains(field),
                "{field}: {e}"
            );
        }
        let accounts: serde_json::Value =
            post_json(&admin, format!("{}/api/accounts", app.base), &[]).await;
        let names: Vec<&str> = accounts
            .as_array()
            .expect("list")
            .iter()
            .filter_map(|a| a["user"]["username"].as_str())
            .collect();
        assert!(
            names.contains(&"wang.wu") && !names.iter().any(|n| n.starts_with('x')),
            "{names:?}"
        );
        assert!(!accounts.to_string().contains("argon2"), "no hashes");

        // Only admins: a leader and a coordinator are refused, and nothing is made.
        for who in ["t-leader", "t-water"] {
            let c = app.client_for(who).await;
            let e = post_json(
                &c,
                format!("{}/api/account_create", app.base),
                &form("by.other", "leader", "", "", ""),
            )
            .await;
            assert_eq!(e["kind"], "forbidden", "{who}: {e}");
            for path in [
                "/api/accounts",
                "/api/account_reset_password",
                "/api/account_set_active",
            ] {
                let e = post_json(
                    &c,
                    format!("{}{path}", app.base),
                    &[("username", "wang.wu"), ("active", "false")],
                )
                .await;
                assert_eq!(e["kind"], "forbidden", "{who} {path}: {e}");
            }
        }

        // A reset gives a new password, ends the account's sessions, and the old one fails.
        let new: serde_json::Value = post_json(
            &admin,
            format!("{}/api/account_reset_password", app.base),
            &[("username", "wang.wu")],
        )
        .await;
        let new = new.as_str().expect("password").to_owned();
        assert_ne!(new, password);
        let me: serde_json::Value = post_json(&wang, format!("{}/api/whoami", app.base), &[]).await;
        assert!(me.is_null(), "the session ended: {me}");
        assert_eq!(
            sign_in(app, "wang.wu", &password).await.1["kind"],
            "forbidden"
        );
        let (wang, me) = sign_in(app, "wang.wu", &new).await;
        assert_eq!(me["username"], "wang.wu");

        // Stopping the account ends its session and its sign-in; allowing it again restores it.
        let stop = post_json(
            &admin,
            format!("{}/api/account_set_active", app.base),
            &[("username", "wang.wu"), ("active", "false")],
        )
        .await;
        assert!(stop.is_null(), "{stop}");
        let me: serde_json::Value = post_json(&wang, format!("{}/api/whoami", app.base), &[]).await;
        assert!(me.is_null(), "stopped: {me}");
        assert_eq!(sign_in(app, "wang.wu", &new).await.1["kind"], "forbidden");
        post_json(
            &admin,
            format!("{}/api/account_set_active", app.base),
            &[("username", "wang.wu"), ("active", "true")],
        )
        .await;
        assert_eq!(sign_in(app, "wang.wu", &new).await.1["username"], "wang.wu");
        // An admin cannot stop their own account.
        let e = post_json(
            &admin,
            format!("{}/api/account_set_active", app.base),
            &[("username", "t-admin"), ("active", "false")],
        )
        .await;
        assert_eq!(e["kind"], "bad_request", "{e}");

        // Every change is on the audit trail, never with a password or hash.
        let audit = app
            .db
            .store
            .audit_entries(&sanzhi_store::AuditFilter {
                action: Some("user.".into()),
                limit: 50,
                ..Default::default()
            })
            .await
            .expect("audit");
        let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
        for want in [
            "user.add",
            "user.reset_password",
            "user.deactivate",
            "user.activate",
        ] {
            assert!(actions.contains(&want), "{want}: {actions:?}");
        }
        let text = format!("{audit:?}");
        assert!(!text.contains(&new) && !text.contains(&password) && !text.contains("argon2"));
        // The page itself renders for the admin.
        let page = admin
            .get(format!("{}/admin/accounts", app.base))
            .send()
            .await
            .expect("GET")
            .text()
            .await
            .expect("text");
        assert!(
            page.contains("账号管理") && page.contains("wang.wu"),
            "page"
        );
    }

    async fn the_language_toggle_is_remembered_by_cookie(app: &TestApp) {
        let zh = app.get("/my").await.text().await.expect("text");
        assert!(zh.contains(r#"<html lang="zh-CN""#), "Chinese by default");
        assert!(zh.contains("我的任务"));
        // The browser's Accept-Language does not switch it: the product is Chinese first.
        let resp = app
            .client
            .get(format!("{}/my", app.base))
            .header("accept-language", "en-US,en;q=0.9")
            .send()
            .await
            .expect("GET");
        assert!(resp
            .text()
            .await
            .expect("text")
            .contains(r#"<html lang="zh-CN""#));
        // The toggle's cookie does.
        let en = in_english(app, "t-hbj", &format!("{}/my", app.base)).await;
        assert!(en.contains(r#"<html lang="en""#), "English");
        assert!(
            en.contains("My tasks") && en.contains("Overview"),
            "nav in English"
        );
        assert!(!en.contains(">我的任务<"), "no Chinese nav label");
        assert!(
            en.contains("<h2>市环保局</h2>"),
            "signed in: the reporter's own unit, not the sign-in page"
        );
    }
}

mod editing {
    use super::*;

    on_both_backends!(a_coordinator_edits_deadlines_units_and_targets_with_a_reason,);

    fn edit_form<'a>(
        deadlines: &'a str,
        units: &'a str,
        targets: &'a str,
        reason: &'a str,
    ) -> Vec<(&'static str, &'a str)> {
        vec![
            ("form[plan]", "water"),
            ("form[number]", "28"),
            ("form[deadlines]", deadlines),
            ("form[units]", units),
            ("form[targets]", targets),
            ("form[reason]", reason),
        ]
    }

    async fn a_coordinator_edits_deadlines_units_and_targets_with_a_reason(app: &TestApp) {
        let water = app.client_for("t-water").await;
        let url = format!("{}/api/item_edit", app.base);
        let target = "断面水质自动站 | 为 | 9 | 个 | 2018 | 完成9个国家“水十条”断面水质自动站建设";
        let ok = post_json(
            &water,
            url.clone(),
            &edit_form(
                "7月底前\n2019年6月底前",
                "市环保局\n开化县政府",
                target,
                "市治水办会议纪要第12号",
            ),
        )
        .await;
        assert!(ok.is_null(), "{ok}");
        let scope = sanzhi_store::TrackScope {
            plan: Some("water".into()),
            item: Some(28),
            ..Default::default()
        };
        // The edit is made today: a replay of 2019 still sees the item as it was then.
        let then = sanzhi_domain::chrono::NaiveDate::from_ymd_opt(2019, 7, 15).expect("date");
        let old = app
            .db
            .store
            .tracked(&scope, then, 15)
            .await
            .expect("tracked");
        let old_units: Vec<&str> = old.iter().map(|r| r.unit.as_str()).collect();
        assert_eq!(old_units, ["市环保局"]);
        assert_eq!(old[0].milestones.len(), 1);
        let d = sanzhi_domain::report::china_day(sanzhi_domain::chrono::Utc::now());
        let rows = app.db.store.tracked(&scope, d, 15).await.expect("tracked");
        let units: Vec<&str> = rows.iter().map(|r| r.unit.as_str()).collect();
        assert_eq!(units, ["市环保局", "开化县政府"]);
        assert_eq!(rows[1].via, "协调员调整：市治水办会议纪要第12号");
        assert_eq!(rows[0].milestones.len(), 2);
        assert_eq!(
            rows[0].milestones[1]
                .deadline
                .due_date()
                .map(|d| d.to_string())
                .as_deref(),
            Some("2019-06-30")
        );
        let page = water
            .get(format!("{}/plans/water/items/28", app.base))
            .send()
            .await
            .expect("GET")
            .text()
            .await
            .expect("text");
        assert!(
            page.contains("2019年6月底前") && page.contains("断面水质自动站"),
            "the item shows the edit"
        );
        assert!(page.contains("item.edit"), "on the item's audit trail");
        assert!(page.contains("item-edit"), "the coordinator sees the form");

        // Bad input names the field and line, and changes nothing.
        for (form, says) in [
            (edit_form("下个礼拜", "市环保局", "", "x"), "deadlines"),
            (
                edit_form("7月底前", "市环保局\n不存在的局", "", "x"),
                "没有单位“不存在的局”",
            ),
            (
                edit_form("7月底前", "市环保局", "a | 为 | 九 | 个 | 2018 | q", "x"),
                "targets",
            ),
            (edit_form("7月底前", "市环保局", "", " "), "reason"),
        ] {
            let e = post_json(&water, url.clone(), &form).await;
            assert_eq!(e["kind"], "bad_request", "{e}");
            assert!(
                e["message"].as_str().expect("msg").contains(says),
                "{says}: {e}"
            );
        }
        let unchanged = app.db.store.tracked(&scope, d, 15).await.expect("tracked");
        assert_eq!(unchanged, rows, "refused edits changed nothing");

        // A unit that has reported cannot be removed; the refusal changes nothing.
        let kaihua = rows[1].assignment_id;
        let kc = app.client_for("t-kaihua").await;
        let r = post_json(
            &kc,
            format!("{}/api/report", app.base),
            &[
                ("form[assignment_id]", kaihua.to_string().as_str()),
                ("form[expected_version]", "0"),
                ("form[state]", "in_progress"),
                ("form[milestone_seq]", ""),
                ("form[reported_on]", "2019-07-01"),
                ("form[achieved]", ""),
                ("form[narrative]", "开化已开工"),
                ("form[evidence]", ""),
                ("form[reporter]", ""),
                ("form[corrects_id]", ""),
            ],
        )
        .await;
        assert_eq!(r["version"], 1, "{r}");
        let e = post_json(
            &water,
            url.clone(),
            &edit_form("8月底前", "市环保局", "", "撤出开化"),
        )
        .await;
        assert!(
            e["message"]
                .as_str()
                .expect("msg")
                .contains("开化县政府已有 1 份进展报告"),
            "{e}"
        );
        let still = app.db.store.tracked(&scope, d, 15).await.expect("tracked");
        assert_eq!(still.len(), 2);
        assert_eq!(still[0].milestones[0].phrase, "7月底前", "nothing changed");

        // Only the plan's coordinator: air's coordinator, a reporter, a leader and an admin
        // are refused.
        for who in ["t-air", "t-hbj", "t-leader", "t-admin"] {
            let c = app.client_for(who).await;
            let e = post_json(
                &c,
                url.clone(),
                &edit_form("8月底前", "市环保局\n开化县政府", "", "越权"),
            )
            .await;
            assert_eq!(e["kind"], "forbidden", "{who}: {e}");
        }
        let audit = app
            .db
            .store
            .audit_entries(&sanzhi_store::AuditFilter {
                action: Some("item.edit".into()),
                limit: 10,
                ..Default::default()
            })
            .await
            .expect("audit");
        assert_eq!(audit.len(), 1, "one accepted edit");
        assert_eq!(audit[0].entity_key, "water/28");
        assert!(audit[0]
            .before
            .as_deref()
            .is_some_and(|b| b.contains("7月底前") && !b.contains("2019年6月底前")));
        assert!(audit[0]
            .after
            .as_deref()
            .is_some_and(|a| a.contains("2019年6月底前") && a.contains("市治水办会议纪要第12号")));
    }
}

mod reviews {
    use super::*;

    on_both_backends!(a_coordinator_accepts_or_returns_and_the_unit_sees_it_first,);

    async fn done_report(app: &TestApp, unit: &str, item: i32, on: &str) -> i64 {
        let scope = sanzhi_store::TrackScope {
            plan: Some("water".into()),
            unit: Some(unit.into()),
            item: Some(item),
        };
        let d = sanzhi_domain::chrono::NaiveDate::from_ymd_opt(2018, 6, 1).expect("date");
        let a = app.db.store.tracked(&scope, d, 15).await.expect("tracked")[0].assignment_id;
        let version = app.db.store.reports(a).await.expect("r").len().to_string();
        let reporter = app.client_for("t-kaihua").await;
        let body: serde_json::Value = post_json(
            &reporter,
            format!("{}/api/report", app.base),
            &[
                ("form[assignment_id]", a.to_string().as_str()),
                ("form[expected_version]", version.as_str()),
                ("form[state]", "done"),
                ("form[milestone_seq]", ""),
                ("form[reported_on]", on),
                ("form[achieved]", ""),
                ("form[narrative]", "开化县已完成（签收测试）"),
                ("form[evidence]", "https://example.org/yanshou.pdf"),
                ("form[reporter]", ""),
                ("form[corrects_id]", ""),
            ],
        )
        .await;
        body["id"]
            .as_i64()
            .unwrap_or_else(|| panic!("report: {body}"))
    }

    async fn a_coordinator_accepts_or_returns_and_the_unit_sees_it_first(app: &TestApp) {
        // Water (1) and (5) are 开化县政府's too.
        let first = done_report(app, "开化县政府", 1, "2018-07-01").await;
        let second = done_report(app, "开化县政府", 5, "2018-07-02").await;
        let water = app.client_for("t-water").await;
        let review = |id: i64, decision: &'static str, reason: &'static str| {
            let water = water.clone();
            async move {
                post_json(
                    &water,
                    format!("{}/api/review", app.base),
                    &[
                        ("report_id", id.to_string().as_str()),
                        ("decision", decision),
                        ("reason", reason),
                    ],
                )
                .await
            }
        };

        // The queue lists both, oldest first, with the evidence link.
        let queue = water
            .get(format!("{}/review", app.base))
            .send()
            .await
            .expect("GET")
            .text()
            .await
            .expect("text");
        assert!(queue.contains("治水长效战：2 份待签收"), "{queue}");
        let (a, b) = (
            queue
                .find(&format!(r#"data-report="{first}""#))
                .expect("first"),
            queue
                .find(&format!(r#"data-report="{second}""#))
                .expect("second"),
        );
        assert!(a < b, "oldest first");
        assert!(queue.contains("https://example.org/yanshou.pdf"));

        // Returning needs a reason; the refusal names the field and writes nothing.
        let e = review(first, "returned", "  ").await;
        assert_eq!(e["kind"], "bad_request", "{e}");
        assert!(e["message"].as_str().expect("msg").contains("reason"));
        assert!(app
            .db
            .store
            .reports(
                app.db
                    .store
                    .report_owner(first)
                    .await
                    .expect("o")
                    .expect("owner")
                    .2
            )
            .await
            .expect("r")[0]
            .review
            .is_none());
        let e = review(first, "maybe", "").await;
        assert!(
            e["message"].as_str().expect("msg").contains("decision"),
            "{e}"
        );

        let returned = review(first, "returned", "缺少验收报告，请补充").await;
        assert_eq!(returned["decision"], "returned", "{returned}");
        let accepted = review(second, "accepted", "").await;
        assert_eq!(accepted["decision"], "accepted", "{accepted}");
        // A second decision on the same report is a conflict naming the first.
        let again = review(first, "accepted", "").await;
        assert_eq!(again["kind"], "conflict", "{again}");
        assert!(
            again["message"]["message"]
                .as_str()
                .expect("msg")
                .contains("退回"),
            "{again}"
        );
        // An unknown report is not found.
        let missing = review(999_999, "accepted", "").await;
        assert_eq!(missing["kind"], "not_found");

        // The unit sees the returned report at the top of 我的任务, with the reason.
        let kaihua = app.client_for("t-kaihua").await;
        let my = kaihua
            .get(format!("{}/my", app.base))
            .send()
            .await
            .expect("GET")
            .text()
            .await
            .expect("text");
        let top = my.find("被退回的报告（1）").expect("returned section");
        let list = my.find("task-list").expect("list");
        assert!(top < list, "returned reports come first");
        assert!(my.contains("退回理由：缺少验收报告，请补充"));
        // The accepted one is done; the queue is empty.
        let item5 = kaihua
            .get(format!("{}/plans/water/items/5", app.base))
            .send()
            .await
            .expect("GET")
            .text()
            .await
            .expect("text");
        assert!(
            item5.contains("已签收（测试t-water（t-water）"),
            "review shown"
        );
        let queue = water
            .get(format!("{}/review", app.base))
            .send()
            .await
            .expect("GET")
            .text()
            .await
            .expect("text");
        assert!(queue.contains("没有待签收的报告"), "{queue}");
        // Both decisions are on the audit trail.
        let audit = app
            .db
            .store
            .audit_entries(&sanzhi_store::AuditFilter {
                action: Some("report.".into()),
                limit: 50,
                ..Default::default()
            })
            .await
            .expect("audit");
        let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
        assert!(
            actions.contains(&"report.return") && actions.contains(&"report.accept"),
            "{actions:?}"
        );
    }
}

mod readings {
    use super::*;
    use sanzhi_store::ReadingFilter;

    on_both_backends!(
        an_import_is_previewed_then_committed_once,
        a_bad_file_is_rejected_whole_naming_rows_and_changes_nothing,
        files_of_other_encodings_and_kinds,
        an_oversized_upload_is_refused_with_a_clear_message,
        the_entry_form_saves_and_names_bad_fields,
        readings_export_as_csv,
        the_overview_of_a_demo_month_has_counts_red_list_ranking_and_charts,
        a_large_import_is_written_while_read_and_undone_by_a_late_problem,
    );

    const GOOD: &str = "指标,地点,年份,月份,数值,有效天数,暂定,备注\n\
                        pm25,柯城,2018,1,52.3,31,否,\n\
                        pm25,柯城,2018,2,47.0,28,是,初值\n\
                        water.nh3n,东迹渡,2018,1,0.21,,,\n";

    async fn import(
        app: &TestApp,
        body: impl Into<reqwest::Body>,
        query: &str,
    ) -> reqwest::Response {
        import_as(app, "t-admin", body, query).await
    }

    async fn import_as(
        app: &TestApp,
        user: &str,
        body: impl Into<reqwest::Body>,
        query: &str,
    ) -> reqwest::Response {
        app.client_for(user)
            .await
            .post(format!("{}/api/import/readings?{query}", app.base))
            .header("content-type", "application/octet-stream")
            .body(body)
            .send()
            .await
            .expect("POST import")
    }

    async fn stored(app: &TestApp) -> Vec<sanzhi_domain::Reading> {
        app.db
            .store
            .readings(&ReadingFilter::years(2015, 2025))
            .await
            .expect("readings")
    }

    /// A readings CSV of every water indicator at every section, month by month over the
    /// years readings may have (far more rows than one chunk the import writes at a time),
    /// then `extra` lines.
    async fn many_rows(app: &TestApp, extra: &str) -> (String, usize) {
        let places = app.db.store.reading_places().await.expect("places");
        let mut csv = String::from("指标,地点,年份,月份,数值,有效天数,暂定,备注\n");
        let mut rows = 0;
        for indicator in [
            "water.nh3n",
            "water.tp",
            "water.cod",
            "water.codmn",
            "water.do",
            "water.bod5",
        ] {
            for section in &places.sections {
                for year in sanzhi_domain::reading::YEARS {
                    for month in 1..=12 {
                        csv.push_str(&format!("{indicator},{section},{year},{month},0.5,,否,\n"));
                        rows += 1;
                    }
                }
            }
        }
        csv.push_str(extra);
        (csv, rows)
    }

    /// The import writes each chunk while it reads the next, in one transaction: a problem in
    /// the last row, or a plan the importer may not write appearing after thousands of rows,
    /// leaves the database as it was (no reading, no audit entry, the same data version);
    /// the same file without them is committed, and importing it again changes nothing.
    async fn a_large_import_is_written_while_read_and_undone_by_a_late_problem(app: &TestApp) {
        let store = &app.db.store;
        let version = store.data_version().await.expect("version");
        let audit = || async {
            store
                .audit_entries(&sanzhi_store::AuditFilter {
                    limit: i64::MAX,
                    ..Default::default()
                })
                .await
                .expect("audit")
                .len()
        };
        let entries = audit().await;

        let (bad, rows) = many_rows(app, "water.tp,东迹渡,2018,13,0.1,,,\n").await;
        assert!(rows > 5_000, "more than the first chunk: {rows} rows");
        let resp = import(app, bad, "commit=true").await;
        assert_eq!(resp.status(), 422);
        let body: serde_json::Value = resp.json().await.expect("json");
        assert_eq!(body["problem_count"], 1, "{body}");
        assert_eq!(body["problems"][0]["row"], rows + 2, "{body}");
        assert_eq!(body["problems"][0]["column"], "月份", "{body}");
        assert!(stored(app).await.is_empty(), "nothing of the file is kept");
        assert_eq!(store.data_version().await.expect("version"), version);
        assert_eq!(audit().await, entries);

        // 治水办 may write water readings, not air: the PM2.5 row after the water rows
        // refuses the whole file.
        let (mixed, _) = many_rows(app, "pm25,柯城,2018,1,35.0,31,否,\n").await;
        let resp = import_as(app, "t-water", mixed, "commit=true").await;
        assert_eq!(resp.status(), 403);
        assert!(
            stored(app).await.is_empty(),
            "nothing of the refused file is kept"
        );
        assert_eq!(store.data_version().await.expect("version"), version);

        let (good, rows) = many_rows(app, "").await;
        let resp = import(app, good.clone(), "commit=true").await;
        assert_eq!(resp.status(), 200);
        let body: serde_json::Value = resp.json().await.expect("json");
        assert_eq!(body["written"]["inserted"], rows, "{body}");
        assert_eq!(stored(app).await.len(), rows);
        assert_eq!(audit().await, entries + 1, "one entry for the import");
        let resp = import(app, good, "commit=true").await;
        let body: serde_json::Value = resp.json().await.expect("json");
        assert_eq!(body["written"]["unchanged"], rows, "{body}");
        assert_eq!(body["written"]["inserted"], 0, "{body}");
    }

    async fn an_import_is_previewed_then_committed_once(app: &TestApp) {
        let resp = import(app, GOOD, "commit=false&by=").await;
        assert_eq!(resp.status(), 200);
        let body: serde_json::Value = resp.json().await.expect("json");
        assert_eq!(body["outcome"], "preview", "{body}");
        assert_eq!(body["rows"], 3);
        assert_eq!(body["new"], 3);
        assert_eq!(body["encoding"], "UTF-8");
        assert_eq!(body["sample"][0]["row"], 2);
        assert!(stored(app).await.is_empty(), "a preview writes nothing");

        let resp = import(
            app,
            GOOD,
            "commit=true&by=%E5%B8%82%E7%8E%AF%E4%BF%9D%E5%B1%80",
        )
        .await;
        assert_eq!(resp.status(), 200);
        let body: serde_json::Value = resp.json().await.expect("json");
        assert_eq!(body["outcome"], "committed");
        assert_eq!(body["written"]["inserted"], 3);
        let rows = stored(app).await;
        assert_eq!(rows.len(), 3);
        assert!(rows
            .iter()
            .all(|r| r.recorded_by == "测试t-admin（t-admin）"));
        assert!(rows
            .iter()
            .all(|r| r.source == sanzhi_domain::ReadingSource::Imported));

        // The same file again: a preview says nothing changes, a commit changes nothing.
        let body: serde_json::Value = import(app, GOOD, "by=x").await.json().await.expect("json");
        assert_eq!(
            (body["new"].as_u64(), body["unchanged"].as_u64()),
            (Some(0), Some(3))
        );
        let body: serde_json::Value = import(app, GOOD, "commit=true&by=x")
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(body["written"]["unchanged"], 3);
        // An edited value is previewed as a replacement with its old value.
        let edited = GOOD.replace("52.3", "50.1");
        let body: serde_json::Value = import(app, edited, "by=x")
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(body["replace"], 1);
        assert_eq!(body["replacements"][0]["old"], 52.3);
        assert_eq!(body["replacements"][0]["value"], 50.1);
    }

    async fn a_bad_file_is_rejected_whole_naming_rows_and_changes_nothing(app: &TestApp) {
        let bad = "指标,地点,年份,月份,数值\n\
                   pm25,柯城,2018,1,41\n\
                   pm25,柯城,2018,2,四十\n\
                   pm25,柯城,2018,3,-2\n\
                   pm25,柯城,2018,4,8000\n\
                   pm25,柯城,2018,1,42\n";
        let resp = import(app, bad, "commit=true&by=x").await;
        assert_eq!(resp.status(), 422);
        let body: serde_json::Value = resp.json().await.expect("json");
        assert_eq!(body["outcome"], "rejected");
        assert_eq!(body["problem_count"], 4);
        let problems = body["problems"].as_array().expect("problems");
        let at = |i: usize| (problems[i]["row"].as_u64(), problems[i]["column"].as_str());
        assert_eq!(at(0), (Some(3), Some("数值")));
        assert!(problems[0]["reason"]
            .as_str()
            .expect("r")
            .contains("“四十”不是数字"));
        assert_eq!(at(1), (Some(4), Some("数值")));
        assert_eq!(at(2), (Some(5), Some("数值")));
        assert_eq!(problems[3]["row"], 6);
        assert!(problems[3]["reason"]
            .as_str()
            .expect("r")
            .contains("与第 2 行重复"));
        assert!(
            stored(app).await.is_empty(),
            "the good first row was not written"
        );

        let resp = import(app, "地区,月份,浓度\n柯城,1,40\n", "commit=true&by=x").await;
        assert_eq!(resp.status(), 422);
        let body: serde_json::Value = resp.json().await.expect("json");
        assert!(body["file"].as_str().expect("file").contains("表头缺少列"));
        assert!(stored(app).await.is_empty());
    }

    async fn files_of_other_encodings_and_kinds(app: &TestApp) {
        let (gbk, _, _) = encoding_rs::GBK.encode(GOOD);
        let resp = import(app, gbk.into_owned(), "commit=true&by=x").await;
        assert_eq!(resp.status(), 200);
        let body: serde_json::Value = resp.json().await.expect("json");
        assert_eq!(body["encoding"], "GBK");
        assert_eq!(
            stored(app).await[0].key.place,
            "柯城",
            "GBK text read right"
        );
        let resp = import(app, b"PK\x03\x04rest-of-a-zip".to_vec(), "by=x").await;
        assert_eq!(resp.status(), 422);
        let body: serde_json::Value = resp.json().await.expect("json");
        assert!(body["file"].as_str().expect("file").contains("另存为 CSV"));
        let resp = import(app, vec![0x61, 0xFF, 0xFE, 0xFF, 0x0A], "by=x").await;
        let body: serde_json::Value = resp.json().await.expect("json");
        assert!(body["file"].as_str().expect("file").contains("编码"));
    }

    async fn an_oversized_upload_is_refused_with_a_clear_message(app: &TestApp) {
        let mut big = String::from("指标,地点,年份,月份,数值\n");
        while big.len() <= UPLOAD_LIMIT {
            big.push_str("pm25,柯城,2018,1,41\n");
        }
        let resp = import(app, big, "commit=true&by=x").await;
        assert_eq!(resp.status(), 413);
        let body: serde_json::Value = resp.json().await.expect("json");
        assert!(
            body["message"]
                .as_str()
                .expect("msg")
                .contains("文件超过上限 1 MB"),
            "{body}"
        );
        assert!(stored(app).await.is_empty());
    }

    async fn the_entry_form_saves_and_names_bad_fields(app: &TestApp) {
        let form = |value: &'static str| {
            vec![
                ("input[indicator]", "pm25"),
                ("input[place]", "衢州市区"),
                ("input[year]", "2019"),
                ("input[month]", "3"),
                ("input[value]", value),
                ("input[valid_days]", "30"),
                ("input[provisional]", "是"),
                ("input[note]", "快报"),
            ]
        };
        let air = app.client_for("t-air").await;
        let post = |form: Vec<(&'static str, &'static str)>| {
            let air = air.clone();
            let url = format!("{}/api/save_reading", app.base);
            async move { air.post(url).form(&form).send().await.expect("POST") }
        };
        let resp = post(form("36.4")).await;
        assert_eq!(resp.status(), 200);
        let body: serde_json::Value = resp.json().await.expect("json");
        assert_eq!(body["inserted"], 1);
        let resp = post(form("35.9")).await;
        let body: serde_json::Value = resp.json().await.expect("json");
        assert_eq!(body["replaced"], 1);
        let rows = stored(app).await;
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].value, 35.9);
        assert!(rows[0].provisional);
        assert_eq!(rows[0].source, sanzhi_domain::ReadingSource::Entered);

        let resp = post(form("abc")).await;
        assert!(!resp.status().is_success());
        let body: serde_json::Value = resp.json().await.expect("json");
        assert_eq!(body["kind"], "bad_request");
        assert_eq!(body["message"], "value：数值“abc”不是数字");
        assert_eq!(stored(app).await[0].value, 35.9, "unchanged");
    }

    async fn readings_export_as_csv(app: &TestApp) {
        // The indicator catalogue, with the places each is read at.
        let cat = app.get("/api/indicators.csv").await;
        assert_eq!(cat.status(), 200);
        let cat = cat.text().await.expect("text");
        let lines: Vec<&str> = cat.lines().collect();
        assert!(
            lines[0].starts_with("\u{feff}代码,名称,单位"),
            "{}",
            lines[0]
        );
        assert_eq!(lines.len(), 1 + sanzhi_domain::CATALOGUE.len());
        let nh3n = lines
            .iter()
            .find(|l| l.starts_with("water.nh3n,"))
            .expect("NH3-N");
        assert!(
            nh3n.contains("东迹渡") && nh3n.contains(",water,"),
            "{nh3n}"
        );
        import(app, GOOD, "commit=true&by=x").await;
        let resp = app.get("/api/readings.csv?year=2018&indicator=pm25").await;
        assert_eq!(resp.status(), 200);
        assert!(resp.headers()["content-type"]
            .to_str()
            .expect("ct")
            .starts_with("text/csv"));
        let text = resp.text().await.expect("text");
        assert!(text.starts_with('\u{feff}'), "BOM for Excel");
        assert_eq!(text.lines().count(), 3, "header and two PM2.5 rows: {text}");
        assert!(
            text.contains("pm25,柯城,2018,2,47,28,是,初值,导入,否,测试t-admin（t-admin）"),
            "{text}"
        );
        // What is exported imports again without change.
        let body: serde_json::Value = import(app, text, "by=x").await.json().await.expect("json");
        assert_eq!(body["unchanged"], 2, "{body}");
        let template = app
            .get("/api/readings/template.csv")
            .await
            .text()
            .await
            .expect("t");
        assert!(template.contains("指标,地点,年份,月份,数值"));
    }

    async fn the_overview_of_a_demo_month_has_counts_red_list_ranking_and_charts(app: &TestApp) {
        server::demo::load(&app.db.store)
            .await
            .expect("demo reports");
        let n = server::demo::load_readings(&app.db.store)
            .await
            .expect("demo readings");
        assert!(n > 2000, "{n}");
        let resp = app.get("/?month=2018-12").await;
        assert_eq!(resp.status(), 200);
        let html = resp.text().await.expect("text");
        for want in [
            "总览 · 2018年12月",
            "截至 2018-12-31，对比上月底 2018-11-30",
            "衢州市治水长效战行动方案",
            "红色清单：逾期最久的工作",
            "2018年12月底 责任单位按时完成率（红黑榜）",
            "2018年 PM2.5 年均与目标",
            "2018年 国家“水十条”断面逐月水质类别（演示数据）",
            "【演示】",
            "本月变化：",
        ] {
            assert!(html.contains(want), "{want} missing");
        }
        assert!(
            html.matches("<svg").count() >= 3,
            "ranking, PM2.5 and matrix charts"
        );
        assert!(html.contains("red-list-table"), "overdue items are listed");
        let bad = app.get("/?month=2018-13").await.text().await.expect("text");
        assert!(bad.contains("month：“2018-13”不是月份"));
        // A replayed day carried in by the navigation: its month, up to that day, and the
        // links on the page keep the day.
        let replay = app
            .get("/?as_of=2018-12-15")
            .await
            .text()
            .await
            .expect("text");
        assert!(replay.contains("总览 · 2018年12月"), "the day's month");
        assert!(
            replay.contains("截至 2018-12-15，对比上月底 2018-11-30"),
            "as of the day itself"
        );
        assert!(replay.contains("as_of=2018-12-15"), "links keep the day");
        let day: serde_json::Value = app
            .post_form("/api/overview", &[("as_of", "2018-12-15")])
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(day["month"], "2018-12", "{}", day["month"]);
        assert_eq!(day["as_of"], "2018-12-15");
        // `month` still decides when both are given; a bad day is named.
        let both: serde_json::Value = app
            .post_form(
                "/api/overview",
                &[("month", "2018-11"), ("as_of", "2018-12-15")],
            )
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(both["as_of"], "2018-11-30");
        let bad = app
            .get("/?as_of=2018-02-30")
            .await
            .text()
            .await
            .expect("text");
        assert!(bad.contains("as_of：“2018-02-30”不是日期"));
        // A month with no demo readings yet says so instead of judging.
        let early = app.get("/?month=2017-06").await.text().await.expect("text");
        assert!(early.contains("本期尚无读数"));
    }
}

mod access {
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

    async fn login(
        client: &reqwest::Client,
        app: &TestApp,
        user: &str,
        pw: &str,
    ) -> serde_json::Value {
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
        let table =
            "工作任务,责任单位,完成时限\n开展城乡河道保洁专项行动,开化县政府,2019年12月底前\n";
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
            .map(|(n, _)| n)
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
}

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

mod public_overview {
    #[tokio::test]
    async fn sqlite() {
        let app =
            super::TestApp::spawn_with(sanzhi_store::testing::TestDb::sqlite().await, true).await;
        super::public_overview_reads_the_overview_only(&app).await;
        app.finish().await;
    }

    #[tokio::test]
    async fn postgres() {
        let Some(db) = sanzhi_store::testing::TestDb::postgres().await else {
            return;
        };
        let app = super::TestApp::spawn_with(db, true).await;
        super::public_overview_reads_the_overview_only(&app).await;
        app.finish().await;
    }
}

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
