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
    kept_pages_follow_the_areas_they_show,
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

/// Kept pages are keyed on the versions of what they show, read from the database that every
/// app server shares: a reading pushed through a second server (its own pool) throws away 总览
/// and 指标 but not 我的任务 or the plans' pages; a water report made there throws away the
/// water plan's pages, 我的任务 and 总览, not the air plan's or 指标. Every page this server
/// sends afterwards shows what the other wrote.
async fn kept_pages_follow_the_areas_they_show(app: &TestApp) {
    let other = sanzhi_store::Store::connect(&app.db.url)
        .await
        .expect("second server");
    let leader = app.client_for("t-leader").await;
    let base = &app.base;
    let pages = [
        (&leader, format!("{base}/")),
        (&leader, format!("{base}/indicators?year=2018")),
        (&leader, format!("{base}/plans/air")),
        (&leader, format!("{base}/plans/water/items/28")),
        (&app.client, format!("{base}/my")),
    ];
    let mut first = Vec::new();
    for (client, url) in &pages {
        first.push(page(client, url, false).await.text().await.expect("html"));
    }
    // Which of the pages come from memory now.
    let kept = |hits_before: u64| app.pages.hits() - hits_before;
    let again = |which: &'static [usize]| {
        let pages = &pages;
        async move {
            let mut out = Vec::new();
            for &i in which {
                let hits = app.pages.hits();
                let (client, url) = &pages[i];
                let html = page(client, url, false).await.text().await.expect("html");
                out.push((kept(hits) == 1, html));
            }
            out
        }
    };
    let all: &[usize] = &[0, 1, 2, 3, 4];
    assert!(
        again(all).await.iter().all(|(hit, _)| *hit),
        "nothing changed: every page from memory"
    );

    // A PM2.5 reading of 2018-01 for 柯城, written by the other server.
    let reading = sanzhi_domain::NewReading {
        key: sanzhi_domain::ReadingKey {
            indicator: "pm25".into(),
            place: "柯城".into(),
            year: 2018,
            month: 1,
        },
        value: 61.5,
        valid_days: Some(31),
        provisional: false,
        note: String::new(),
    };
    let now = sanzhi_domain::chrono::Utc::now();
    other
        .write_readings(
            &[reading],
            sanzhi_domain::ReadingSource::Imported,
            "另一台服务器",
            now,
        )
        .await
        .expect("reading");
    let after = again(all).await;
    let hits: Vec<bool> = after.iter().map(|(hit, _)| *hit).collect();
    assert_eq!(
        hits,
        [false, false, true, true, true],
        "a reading: 总览 and 指标 rendered again, the rest kept"
    );
    assert_ne!(after[1].1, first[1], "指标 shows the new reading");
    assert!(after[1].1.contains("61.5"), "the reading is on 指标");

    // A done report on water item 28 by 市环保局, written by the other server.
    let scope = sanzhi_store::TrackScope {
        plan: Some("water".into()),
        unit: Some("市环保局".into()),
        item: Some(28),
    };
    let day = sanzhi_domain::chrono::NaiveDate::from_ymd_opt(2018, 6, 1).expect("date");
    let a = other.tracked(&scope, day, 15).await.expect("tracked")[0].assignment_id;
    let report = sanzhi_domain::NewReport {
        assignment_id: a,
        expected_version: 0,
        state: sanzhi_domain::ReportState::Done,
        milestone_seq: None,
        reported_on: now.date_naive(),
        achieved: None,
        narrative: "另一台服务器记录的完成报告".into(),
        evidence: vec![],
        reporter: "另一台服务器".into(),
        corrects_id: None,
        is_demo: false,
        submission_key: None,
        files: Vec::new(),
    };
    other
        .add_report(&report, now)
        .await
        .expect("add")
        .expect("stored");
    let after = again(all).await;
    let hits: Vec<bool> = after.iter().map(|(hit, _)| *hit).collect();
    assert_eq!(
        hits,
        [false, true, true, false, false],
        "a water report: 总览, the water item and 我的任务 rendered again; 指标 and air kept"
    );
    assert!(
        after[3].1.contains("另一台服务器记录的完成报告"),
        "the item page shows the report"
    );

    // Eight readers of 总览 at once after a write: one renders it, the others are answered
    // with that rendering (joined while it was under way, or kept by the time they looked).
    let mut second = report.clone();
    second.expected_version = 1;
    second.narrative = "另一台服务器记录的第二份报告".into();
    other
        .add_report(&second, now)
        .await
        .expect("add")
        .expect("stored");
    let (hits, shared) = (app.pages.hits(), app.pages.shared());
    let readers = (0..8).map(|_| async { page(&leader, &pages[0].1, false).await.text().await });
    let bodies: Vec<String> = futures::future::join_all(readers)
        .await
        .into_iter()
        .map(|b| b.expect("html"))
        .collect();
    let answered_without_rendering = (app.pages.hits() - hits) + (app.pages.shared() - shared);
    assert_eq!(
        answered_without_rendering, 7,
        "one rendering for eight readers after a write"
    );
    assert!(
        bodies.windows(2).all(|w| w[0] == w[1]),
        "every reader got the same page"
    );
    other.close().await;
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

fn report_form<'a>(assignment: &'a str, version: &'a str, on: &'a str) -> Vec<(&'a str, &'a str)> {
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
