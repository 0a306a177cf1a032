//! Report dating, over HTTP (the "rewritable history" review): a done report made today for
//! an item overdue since 2018, dated 2018-11-30, was accepted and turned the item into an
//! on-time 已完成, changing the 红黑榜. Now: a day after today or before the previous report is
//! refused (400, naming `reported_on`, nothing written); a report dated long before it is made
//! is a 补报, which counts as done from the day it was filed unless the coordinator accepts the
//! claimed day; and a replay of a past day sees only what had been recorded by then.

#[macro_use]
mod common;
use common::*;

use sanzhi_domain::chrono::{Duration, NaiveDate, Utc};
use sanzhi_domain::{Deadline, Status};
use sanzhi_store::TrackScope;

on_both_backends!(
    a_late_filing_does_not_rewrite_history,
    demo_reports_are_recorded_on_their_days_and_none_is_late,
);

const KAIHUA: &str = "开化县政府";

/// Today in China (UTC+8), as the server counts it.
fn today() -> NaiveDate {
    (Utc::now() + Duration::hours(8)).date_naive()
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

/// 开化县政府's water items with one deadline, the end of 2018: (item number, assignment).
async fn items_due_end_of_2018(app: &TestApp) -> Vec<(i32, i64)> {
    let scope = TrackScope {
        plan: Some("water".into()),
        unit: Some(KAIHUA.into()),
        item: None,
    };
    app.db
        .store
        .tracked(&scope, today(), 15)
        .await
        .expect("tracked")
        .into_iter()
        .filter(|t| {
            // Not done: overdue since, and past the plan's period (2018–2020) today.
            matches!(t.assessment.status, Status::Overdue | Status::Lapsed)
                && matches!(
                    t.milestones.as_slice(),
                    [m] if matches!(m.deadline, Deadline::By { due, .. } if due == day("2018-12-31"))
                )
        })
        .map(|t| (t.item_number, t.assignment_id))
        .collect()
}

/// 开化's reporter reports `assignment` done on `on`: the response.
async fn report_done(
    reporter: &reqwest::Client,
    app: &TestApp,
    assignment: i64,
    version: i32,
    on: &str,
) -> reqwest::Response {
    reporter
        .post(format!("{}/api/report", app.base))
        .form(&[
            ("form[assignment_id]", assignment.to_string().as_str()),
            ("form[expected_version]", version.to_string().as_str()),
            ("form[state]", "done"),
            ("form[milestone_seq]", ""),
            ("form[reported_on]", on),
            ("form[achieved]", ""),
            ("form[narrative]", "开化县已完成（补报测试）"),
            ("form[evidence]", ""),
            ("form[reporter]", ""),
            ("form[corrects_id]", ""),
        ])
        .send()
        .await
        .expect("POST report")
}

/// 治水办 accepts report `id`, choosing the claimed day or not (`None`: the field left out,
/// as older clients send it).
async fn accept(app: &TestApp, id: i64, claimed_day: Option<bool>) -> serde_json::Value {
    let water = app.client_for("t-water").await;
    let id = id.to_string();
    let mut form = vec![
        ("report_id", id.as_str()),
        ("decision", "accepted"),
        ("reason", ""),
    ];
    match claimed_day {
        Some(true) => form.push(("accept_claimed_day", "true")),
        Some(false) => form.push(("accept_claimed_day", "false")),
        None => {}
    }
    post_json(&water, format!("{}/api/review", app.base), &form).await
}

/// A page without its per-response values (the script nonce, also used as `crossorigin`).
fn without_nonces(page: &str) -> String {
    let mut out = String::with_capacity(page.len());
    let mut rest = page;
    loop {
        let next = ["nonce=\"", "crossorigin=\""]
            .iter()
            .filter_map(|a| rest.find(a).map(|i| (i, a.len())))
            .min();
        let Some((i, len)) = next else {
            out.push_str(rest);
            return out;
        };
        out.push_str(&rest[..i + len]);
        rest = &rest[i + len..];
        rest = rest.find('"').map_or("", |end| &rest[end..]);
    }
}

/// A page with its hydration data in a canonical order: leptos writes each resource's data as
/// it resolves, so two renderings of the same page may list the same data in another order.
fn canonical(page: &str) -> String {
    let mut html = String::with_capacity(page.len());
    let mut data: Vec<String> = Vec::new();
    let mut rest = page;
    while let Some(i) = rest.find("<script") {
        html.push_str(&rest[..i]);
        let end = rest[i..]
            .find("</script>")
            .map_or(rest.len(), |e| i + e + 9);
        let script = &rest[i..end];
        match script.find('>') {
            Some(open) if script.contains("__RESOLVED_RESOURCES[") => {
                let body = script[open + 1..].trim_end_matches("</script>");
                data.extend(
                    body.split("__RESOLVED_RESOURCES[")
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned),
                );
            }
            _ => html.push_str(script),
        }
        rest = &rest[end..];
    }
    html.push_str(rest);
    data.sort();
    format!("{html}\n{}", data.join("\n"))
}

async fn html(client: &reqwest::Client, url: String) -> String {
    let resp = client.get(&url).send().await.expect("GET");
    assert_eq!(resp.status(), 200, "{url}");
    resp.text().await.expect("html")
}

/// What a replay of 2019-01-01 shows: the tracking rows of every assignment, the two item
/// pages (without the audit trail at their foot, which is the record of real time), 开化's
/// 我的任务, and 总览 of December 2018.
async fn replay_2019(app: &TestApp, items: &[i32]) -> (Vec<sanzhi_domain::Tracked>, Vec<String>) {
    let leader = app.client_for("t-leader").await;
    let kaihua = app.client_for("t-kaihua").await;
    let rows = app
        .db
        .store
        .tracked(&TrackScope::default(), day("2019-01-01"), 15)
        .await
        .expect("tracked");
    let mut pages = Vec::new();
    for n in items {
        let page = html(
            &leader,
            format!("{}/plans/water/items/{n}?as_of=2019-01-01", app.base),
        )
        .await;
        pages.push(canonical(&without_nonces(
            page.split("item-audit").next().expect("page"),
        )));
    }
    pages.push(canonical(&without_nonces(
        &html(&kaihua, format!("{}/my?as_of=2019-01-01", app.base)).await,
    )));
    let overview = post_json(
        &leader,
        format!("{}/api/overview", app.base),
        &[("month", "2018-12")],
    )
    .await;
    assert!(overview["plans"].is_array(), "{overview}");
    pages.push(overview.to_string());
    (rows, pages)
}

/// This month's 总览 (when today's completions count), as the leader reads it.
async fn overview_now(app: &TestApp) -> serde_json::Value {
    let leader = app.client_for("t-leader").await;
    let o = post_json(&leader, format!("{}/api/overview", app.base), &[]).await;
    assert!(o["counties"].is_array(), "{o}");
    o
}

async fn status_of(app: &TestApp, assignment: i64) -> Status {
    let scope = TrackScope {
        plan: Some("water".into()),
        unit: Some(KAIHUA.into()),
        item: None,
    };
    app.db
        .store
        .tracked(&scope, today(), 15)
        .await
        .expect("tracked")
        .into_iter()
        .find(|t| t.assignment_id == assignment)
        .expect("assignment")
        .assessment
        .status
}

async fn accept_entry(app: &TestApp, assignment: i64) -> serde_json::Value {
    let entry = app
        .db
        .store
        .audit_entries(&sanzhi_store::AuditFilter {
            action: Some("report.accept".into()),
            entity_key: Some(assignment.to_string()),
            limit: 5,
            ..Default::default()
        })
        .await
        .expect("audit")
        .into_iter()
        .next()
        .expect("the acceptance is audited");
    serde_json::from_str(entry.after.as_deref().expect("after")).expect("json")
}

/// The review's exploit, step by step.
async fn a_late_filing_does_not_rewrite_history(app: &TestApp) {
    let items = items_due_end_of_2018(app).await;
    assert!(
        items.len() >= 2,
        "two items of 开化 due at the end of 2018: {items:?}"
    );
    let (x, ax) = items[0];
    let (y, ay) = items[1];
    let today = today();
    let reporter = app.client_for("t-kaihua").await;
    let before = replay_2019(app, &[x, y]).await;

    // A day after today is refused, naming the field and today's date; nothing is written.
    let tomorrow = (today + Duration::days(1)).to_string();
    for on in [tomorrow.as_str(), "2099-12-31"] {
        let resp = report_done(&reporter, app, ax, 0, on).await;
        assert_eq!(resp.status(), 400, "{on}");
        let body: serde_json::Value = resp.json().await.expect("json");
        assert_eq!(body["kind"], "bad_request", "{body}");
        assert_eq!(
            body["message"],
            format!("reported_on：报告日期不能晚于今天（{today}）"),
            "{body}"
        );
    }
    assert!(app.db.store.reports(ax).await.expect("reports").is_empty());

    // The exploit: done, dated 2018-11-30, made today. Stored, and marked 补报.
    let resp = report_done(&reporter, app, ax, 0, "2018-11-30").await;
    assert_eq!(resp.status(), 200);
    let report: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(report["late_filed"], true, "{report}");
    let rx = report["id"].as_i64().expect("id");

    // A later report may not go back before it.
    let resp = report_done(&reporter, app, ax, 1, "2018-11-29").await;
    assert_eq!(resp.status(), 400);
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(
        body["message"], "reported_on：报告日期不能早于本分工上一次报告的日期（2018-11-30）",
        "{body}"
    );
    assert_eq!(app.db.store.reports(ax).await.expect("reports").len(), 1);

    // 补报 shows on the item page, in 我的任务, and in the review queue, where the coordinator
    // is offered the claimed day.
    let item_url = format!("{}/plans/water/items/{x}", app.base);
    let page = html(&reporter, item_url.clone()).await;
    assert!(
        page.contains("late-filed") && page.contains("补报"),
        "item page"
    );
    let my = html(&reporter, format!("{}/my", app.base)).await;
    assert!(my.contains("late-filed"), "我的任务");
    let water = app.client_for("t-water").await;
    let queue = html(&water, format!("{}/review", app.base)).await;
    assert!(queue.contains("late-filed"), "{queue}");
    assert!(
        queue.contains(&format!(
            "按所报日期 2018-11-30 计为完成（否则按报告提交日 {today} 计）"
        )),
        "the choice is offered"
    );
    let english = in_english(app, "t-water", &format!("{}/review", app.base)).await;
    assert!(english.contains("Late filing"), "English");
    // … and in the JSON API's assignments.
    let api: serde_json::Value = water
        .get(format!("{}/api/v1/plans/water/assignments", app.base))
        .send()
        .await
        .expect("GET")
        .json()
        .await
        .expect("json");
    let mine = api["assignments"]
        .as_array()
        .or_else(|| api.as_array())
        .expect("assignments")
        .iter()
        .find(|a| a["assignment_id"] == ax)
        .cloned()
        .expect("the assignment");
    assert_eq!(mine["last_report_late_filed"], true, "{mine}");
    assert_eq!(mine["last_reported_on"], "2018-11-30", "{mine}");

    // Accepted without choosing the claimed day: done late, from today.
    let accepted = accept(app, rx, None).await;
    assert_eq!(accepted["decision"], "accepted", "{accepted}");
    assert_eq!(status_of(app, ax).await, Status::DoneLate);
    let page = html(&reporter, item_url).await;
    assert!(page.contains(r#"data-status="done_late""#), "done late");
    assert!(
        page.contains(&format!("按提交日 {today} 计为完成")),
        "the history says from when it counts"
    );
    let after = accept_entry(app, ax).await;
    assert_eq!(after["accepts_claimed_day"], false, "{after}");
    assert_eq!(after["counts_as_done_on"], today.to_string(), "{after}");

    // 总览 (and its 红黑榜) is what an honest late completion made today gives.
    let exploited = overview_now(app).await;
    let honest = {
        let db = match app.db.store.backend() {
            sanzhi_store::Backend::Sqlite => sanzhi_store::testing::TestDb::sqlite().await,
            sanzhi_store::Backend::Postgres => sanzhi_store::testing::TestDb::postgres()
                .await
                .expect("PostgreSQL, as for the first server"),
        };
        let other = TestApp::spawn(db).await;
        let (_, same) = items_due_end_of_2018(&other)
            .await
            .into_iter()
            .find(|(n, _)| *n == x)
            .expect("the same item");
        let reporter = other.client_for("t-kaihua").await;
        let resp = report_done(&reporter, &other, same, 0, &today.to_string()).await;
        assert_eq!(resp.status(), 200);
        let report: serde_json::Value = resp.json().await.expect("json");
        // Not a 补报 (the flag is left out of the JSON when false).
        assert_ne!(report["late_filed"], true, "{report}");
        let accepted = accept(&other, report["id"].as_i64().expect("id"), None).await;
        assert_eq!(accepted["decision"], "accepted", "{accepted}");
        let o = overview_now(&other).await;
        other.finish().await;
        o
    };
    for key in [
        "plans",
        "counties",
        "ranking_svg",
        "red_list",
        "changes",
        "change_count",
    ] {
        assert_eq!(exploited[key], honest[key], "总览 {key}");
    }

    // The same on another item, accepted with the claimed day: done on time, and the choice
    // is on the audit trail.
    let resp = report_done(&reporter, app, ay, 0, "2018-11-30").await;
    assert_eq!(resp.status(), 200);
    let report: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(report["late_filed"], true);
    let accepted = accept(app, report["id"].as_i64().expect("id"), Some(true)).await;
    assert_eq!(accepted["accepts_claimed_day"], true, "{accepted}");
    assert_eq!(status_of(app, ay).await, Status::Done);
    let page = html(&reporter, format!("{}/plans/water/items/{y}", app.base)).await;
    assert!(page.contains(r#"data-status="done""#), "done on time");
    assert!(page.contains("按所报日期计为完成"));
    let after = accept_entry(app, ay).await;
    assert_eq!(after["accepts_claimed_day"], true, "{after}");
    assert_eq!(after["counts_as_done_on"], "2018-11-30", "{after}");

    // And a replay of 2019-01-01 is what it was before any of this was filed.
    let (rows, pages) = replay_2019(app, &[x, y]).await;
    assert_eq!(rows, before.0, "tracking rows as of 2019-01-01");
    for (i, (now, then)) in pages.iter().zip(&before.1).enumerate() {
        assert_eq!(now, then, "replayed page {i}");
    }
}

/// The generated demo reports pass the same dating checks, are recorded on the days they speak
/// for (so that replays of 2018–2020 see them), none is a 补报, and the demo's day still shows
/// a mix of statuses.
async fn demo_reports_are_recorded_on_their_days_and_none_is_late(app: &TestApp) {
    let loaded = server::demo::load(&app.db.store).await.expect("demo");
    assert!(loaded > 100);
    let rows = app
        .db
        .store
        .tracked(&TrackScope::default(), day("2019-03-31"), 15)
        .await
        .expect("tracked");
    let mut late = 0;
    let mut reports = 0;
    for t in rows.iter().filter(|t| t.report_count > 0).take(40) {
        for r in app
            .db
            .store
            .reports(t.assignment_id)
            .await
            .expect("reports")
        {
            reports += 1;
            late += usize::from(r.late_filed);
            assert_eq!(r.recorded_on(), r.reported_on, "{r:?}");
            if let Some(v) = &r.review {
                assert_eq!(v.recorded_on(), v.reviewed_on, "{v:?}");
            }
        }
    }
    assert!(reports > 40 && late == 0, "{late} of {reports} late");
    let mut counts = sanzhi_domain::StatusCounts::default();
    for t in &rows {
        counts.add(t.assessment.status);
    }
    assert!(
        counts.done > 0 && counts.done_late > 0 && counts.overdue > 0 && counts.in_progress > 0,
        "{counts:?}"
    );
}
