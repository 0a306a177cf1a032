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
    let queue = app.page_as(&water, "/review").await;
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
                .assignment_id
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

    // 我的任务 read before the decision (the server's mirror keeps its newest reports): the
    // return below must show on it, not the reports as they were.
    let kaihua = app.client_for("t-kaihua").await;
    let before = app.page_as(&kaihua, "/my").await;
    assert!(before.contains("task-list"), "我的任务 before the decision");
    assert!(!before.contains("被退回的报告"), "nothing returned yet");

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
    let my = app.page_as(&kaihua, "/my").await;
    let top = my.find("被退回的报告（1）").expect("returned section");
    let list = my.find("task-list").expect("list");
    assert!(top < list, "returned reports come first");
    assert!(my.contains("退回理由：缺少验收报告，请补充"));
    // The accepted one is done; the queue is empty.
    let item5 = app.page_as(&kaihua, "/plans/water/items/5").await;
    assert!(
        item5.contains("已签收（测试t-water（t-water）"),
        "review shown"
    );
    let queue = app.page_as(&water, "/review").await;
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
