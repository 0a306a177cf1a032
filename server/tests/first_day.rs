//! What a clerk, a county official and a leader meet on their first day (issue 21), over HTTP
//! on SQLite and PostgreSQL: a password changed by its owner, several reports accepted at
//! once (all or none, each report's plan checked), and an audit trail that names what was
//! changed and finds it by part of a name.

#[macro_use]
mod common;
use common::*;

on_both_backends!(
    everyone_changes_their_own_password,
    a_coordinator_accepts_several_reports_at_once,
    the_audit_trail_names_what_changed,
    evidence_files_go_with_a_report,
    a_correction_names_the_report_it_corrects_from_the_history,
    every_count_of_the_overview_links_the_list_it_counts,
);

/// 市环保局's assignment on water item `item`.
async fn hbj_assignment(app: &TestApp, item: i32) -> i64 {
    let scope = sanzhi_store::TrackScope {
        plan: Some("water".into()),
        unit: Some("市环保局".into()),
        item: Some(item),
    };
    let today = sanzhi_domain::chrono::Utc::now().date_naive();
    app.db
        .store
        .tracked(&scope, today, 15)
        .await
        .expect("tracked")[0]
        .assignment_id
}

/// Sends `body` as an evidence file named `name` for `assignment`.
async fn upload(
    client: &reqwest::Client,
    app: &TestApp,
    assignment: i64,
    name: &str,
    body: Vec<u8>,
) -> (u16, serde_json::Value) {
    let resp = client
        .post(format!(
            "{}/api/evidence?assignment={assignment}&name={}",
            app.base,
            app::url::query_value(name)
        ))
        .body(body)
        .send()
        .await
        .expect("POST");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or_default())
}

/// A done report by 市环保局 on water item `item`, made today; its id.
async fn done_report(app: &TestApp, item: i32, text: &str) -> String {
    let scope = sanzhi_store::TrackScope {
        plan: Some("water".into()),
        unit: Some("市环保局".into()),
        item: Some(item),
    };
    let today = sanzhi_domain::chrono::Utc::now().date_naive();
    let a = app
        .db
        .store
        .tracked(&scope, today, 15)
        .await
        .expect("tracked")[0]
        .assignment_id
        .to_string();
    let on = today.to_string();
    let body: serde_json::Value = app
        .post_form(
            "/api/report",
            &[
                ("form[assignment_id]", a.as_str()),
                ("form[expected_version]", "0"),
                ("form[state]", "done"),
                ("form[milestone_seq]", ""),
                ("form[reported_on]", on.as_str()),
                ("form[achieved]", ""),
                ("form[narrative]", text),
                ("form[evidence]", ""),
                ("form[reporter]", ""),
                ("form[corrects_id]", ""),
            ],
        )
        .await
        .json()
        .await
        .expect("json");
    body["id"].as_i64().expect("report id").to_string()
}

async fn everyone_changes_their_own_password(app: &TestApp) {
    let url = format!("{}/api/password_change", app.base);
    let kaihua = app.client_for("t-kaihua").await;
    // Signed in elsewhere before the change: that session ends with it.
    let elsewhere = app.client_for("t-kaihua").await;
    let refused = |form: [(&'static str, &'static str); 3]| {
        let kaihua = kaihua.clone();
        let url = url.clone();
        async move { post_json(&kaihua, url, &form).await }
    };
    let wrong = refused([
        ("current", "not my password"),
        ("new_password", "a new long password"),
        ("repeat", "a new long password"),
    ])
    .await;
    assert_eq!(wrong["kind"], "forbidden", "{wrong}");
    assert!(wrong["message"]
        .as_str()
        .expect("msg")
        .contains("current：当前密码不正确"));
    let short = refused([
        ("current", PASSWORD),
        ("new_password", "short"),
        ("repeat", "short"),
    ])
    .await;
    assert!(
        short["message"]
            .as_str()
            .expect("msg")
            .starts_with("new_password："),
        "{short}"
    );
    let mismatch = refused([
        ("current", PASSWORD),
        ("new_password", "a new long password"),
        ("repeat", "a new long passw0rd"),
    ])
    .await;
    assert!(
        mismatch["message"]
            .as_str()
            .expect("msg")
            .starts_with("repeat："),
        "{mismatch}"
    );
    // Nothing refused changed anything: the old password still signs in.
    drop(app.client_for("t-kaihua").await);

    let resp = kaihua
        .post(&url)
        .form(&[
            ("current", PASSWORD),
            ("new_password", "a new long password"),
            ("repeat", "a new long password"),
        ])
        .send()
        .await
        .expect("POST");
    assert_eq!(resp.status(), 200, "{:?}", resp.text().await);
    // This session goes on; the other one has ended.
    let me = post_json(&kaihua, format!("{}/api/whoami", app.base), &[]).await;
    assert_eq!(me["username"], "t-kaihua", "{me}");
    let gone = post_json(&elsewhere, format!("{}/api/whoami", app.base), &[]).await;
    assert!(gone.is_null(), "the other session ended: {gone}");
    // The new password signs in, the old one no longer does.
    let login = |password: &'static str| {
        let base = app.base.clone();
        async move {
            reqwest::Client::new()
                .post(format!("{base}/api/login"))
                .form(&[("username", "t-kaihua"), ("password", password)])
                .send()
                .await
                .expect("login")
                .status()
        }
    };
    assert_eq!(login("a new long password").await, 200);
    assert_eq!(login(PASSWORD).await, 403);
    // It is on the audit trail, by the account itself.
    let entries = app
        .db
        .store
        .audit_entries(&sanzhi_store::AuditFilter {
            action: Some("user.reset_password".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .expect("audit");
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert!(entries[0].actor.contains("t-kaihua"));
}

async fn a_coordinator_accepts_several_reports_at_once(app: &TestApp) {
    let a = done_report(app, 28, "自动站已建成（批量签收）").await;
    let b = done_report(app, 7, "整治已完成（批量签收）").await;
    let c = done_report(app, 9, "年度任务已完成（批量签收）").await;
    let url = format!("{}/api/review_bulk", app.base);
    // Not a coordinator of the water plan: refused, nothing accepted.
    let air = app.client_for("t-air").await;
    let refused = post_json(
        &air,
        url.clone(),
        &[("report_ids[0]", a.as_str()), ("report_ids[1]", b.as_str())],
    )
    .await;
    assert_eq!(refused["kind"], "forbidden", "{refused}");
    let water = app.client_for("t-water").await;
    // One of the batch decided before: the whole batch is refused, naming it.
    let single = post_json(
        &water,
        format!("{}/api/review", app.base),
        &[
            ("report_id", c.as_str()),
            ("decision", "accepted"),
            ("reason", ""),
        ],
    )
    .await;
    assert_eq!(single["decision"], "accepted", "{single}");
    let mixed = post_json(
        &water,
        url.clone(),
        &[("report_ids[0]", a.as_str()), ("report_ids[1]", c.as_str())],
    )
    .await;
    assert_eq!(mixed["kind"], "bad_request", "{mixed}");
    assert!(mixed["message"]
        .as_str()
        .expect("msg")
        .contains(&format!("报告 #{c}")));
    let queue = post_json(&water, format!("{}/api/review_queue", app.base), &[]).await;
    assert_eq!(
        queue["rows"].as_array().expect("rows").len(),
        2,
        "a stays queued: {queue}"
    );
    // The two still waiting, at once.
    let made = post_json(
        &water,
        url.clone(),
        &[("report_ids[0]", a.as_str()), ("report_ids[1]", b.as_str())],
    )
    .await;
    let made = made.as_array().expect("the decisions");
    assert_eq!(made.len(), 2);
    assert!(made
        .iter()
        .all(|r| r["decision"] == "accepted" && r["reviewer"] == "测试t-water（t-water）"));
    let queue = post_json(&water, format!("{}/api/review_queue", app.base), &[]).await;
    assert!(
        queue["rows"].as_array().expect("rows").is_empty(),
        "{queue}"
    );
    // Each decision is on the audit trail.
    let accepted = app
        .db
        .store
        .audit_entries(&sanzhi_store::AuditFilter {
            action: Some("report.accept".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .expect("audit");
    assert_eq!(accepted.len(), 3);
    // An empty batch is named as such.
    let empty = post_json(&water, url, &[]).await;
    assert_eq!(empty["kind"], "bad_request", "{empty}");
}

async fn the_audit_trail_names_what_changed(app: &TestApp) {
    done_report(app, 28, "已建成（审计测试）").await;
    let admin = app.client_for("t-admin").await;
    let find = |form: Vec<(&'static str, &'static str)>| {
        let admin = admin.clone();
        let url = format!("{}/api/audit", app.base);
        async move { post_json(&admin, url, &form).await }
    };
    let by_unit = find(vec![("object", "环保")]).await;
    let rows = by_unit.as_array().expect("entries");
    assert_eq!(rows.len(), 1, "{by_unit}");
    assert_eq!(rows[0]["object"], "治水长效战 (28) 市环保局");
    assert_eq!(rows[0]["action"], "report.add");
    // Part of the actor's name, part of the item's name; a wildcard is a character.
    assert_eq!(
        find(vec![("actor", "t-hbj")])
            .await
            .as_array()
            .expect("entries")
            .len(),
        1
    );
    assert_eq!(
        find(vec![("object", "治水长效战 (28)")])
            .await
            .as_array()
            .expect("e")
            .len(),
        1
    );
    assert!(find(vec![("object", "开化")])
        .await
        .as_array()
        .expect("e")
        .is_empty());
    assert!(find(vec![("object", "%")])
        .await
        .as_array()
        .expect("e")
        .is_empty());
    // The page shows it in words: the object named, China time, the fields that changed.
    let html = admin
        .get(format!(
            "{}/admin/audit?object=%E7%8E%AF%E4%BF%9D",
            app.base
        ))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("text");
    assert!(html.contains("治水长效战 (28) 市环保局"), "object named");
    assert!(html.contains("提交进展报告"), "action in words");
    assert!(html.contains("进展说明"), "field by field");
    assert!(html.contains("时间（北京时间）"));
    assert!(!html.contains("assignment_id&quot;"), "no raw JSON");
}

async fn evidence_files_go_with_a_report(app: &TestApp) {
    let a = hbj_assignment(app, 28).await;
    let jpeg: Vec<u8> = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F']
        .iter()
        .copied()
        .chain(std::iter::repeat_n(7u8, 2000))
        .collect();
    // Another unit's reporter may not attach to 市环保局's assignment.
    let kaihua = app.client_for("t-kaihua").await;
    let (status, body) = upload(&kaihua, app, a, "现场.jpg", jpeg.clone()).await;
    assert_eq!(status, 403, "{body}");
    // A page dressed as a photo is refused by name.
    let (status, body) = upload(
        &app.client,
        app,
        a,
        "现场.jpg",
        b"<html><script>alert(1)</script></html>".to_vec(),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["message"]
            .as_str()
            .expect("msg")
            .contains("“现场.jpg”不是照片"),
        "{body}"
    );
    let (status, photo) = upload(&app.client, app, a, "C:\\fakepath\\现场.jpg", jpeg.clone()).await;
    assert_eq!(status, 200, "{photo}");
    assert_eq!(photo["name"], "现场.jpg");
    assert_eq!(photo["content_type"], "image/jpeg");
    assert_eq!(photo["size"], jpeg.len());
    assert!(photo["report_id"].is_null());
    let id = photo["id"].as_i64().expect("id").to_string();
    // Not yet part of a report: nobody else sees it.
    let leader = app.client_for("t-leader").await;
    let staged = leader
        .get(format!("{}/api/files/{id}", app.base))
        .send()
        .await
        .expect("GET");
    assert_eq!(staged.status(), 404);
    // The report takes it.
    let a_s = a.to_string();
    let today = sanzhi_domain::chrono::Utc::now().date_naive().to_string();
    let form = |narrative: &'static str, version: &'static str, files: String| {
        vec![
            ("form[assignment_id]".to_owned(), a_s.clone()),
            ("form[expected_version]".to_owned(), version.to_owned()),
            ("form[state]".to_owned(), "in_progress".to_owned()),
            ("form[milestone_seq]".to_owned(), String::new()),
            ("form[reported_on]".to_owned(), today.clone()),
            ("form[achieved]".to_owned(), String::new()),
            ("form[narrative]".to_owned(), narrative.to_owned()),
            ("form[evidence]".to_owned(), String::new()),
            ("form[reporter]".to_owned(), String::new()),
            ("form[corrects_id]".to_owned(), String::new()),
            ("form[files]".to_owned(), files),
        ]
    };
    let report: serde_json::Value = app
        .client
        .post(format!("{}/api/report", app.base))
        .form(&form("现场照片见附件", "0", id.clone()))
        .send()
        .await
        .expect("POST")
        .json()
        .await
        .expect("json");
    assert_eq!(report["version"], 1, "{report}");
    // The same file cannot go with a second report: that report is refused whole.
    let again: serde_json::Value = app
        .client
        .post(format!("{}/api/report", app.base))
        .form(&form("又一份", "1", id.clone()))
        .send()
        .await
        .expect("POST")
        .json()
        .await
        .expect("json");
    assert_eq!(again["kind"], "bad_request", "{again}");
    assert!(again["message"]
        .as_str()
        .expect("msg")
        .starts_with("files："));
    assert_eq!(app.db.store.reports(a).await.expect("reports").len(), 1);
    // Anyone who may read the item downloads it, as a download.
    let got = leader
        .get(format!("{}/api/files/{id}", app.base))
        .send()
        .await
        .expect("GET");
    assert_eq!(got.status(), 200);
    assert_eq!(got.headers()["content-type"], "image/jpeg");
    assert_eq!(got.headers()["x-content-type-options"], "nosniff");
    let disposition = got.headers()["content-disposition"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(
        disposition.contains("UTF-8''%E7%8E%B0%E5%9C%BA%2Ejpg"),
        "{disposition}"
    );
    assert_eq!(got.bytes().await.expect("bytes").to_vec(), jpeg);
    // The item page lists it under the report; the backup counts it.
    let html = app
        .get("/plans/water/items/28")
        .await
        .text()
        .await
        .expect("text");
    assert!(
        html.contains(&format!("/api/files/{id}")),
        "linked from the history"
    );
    assert_eq!(app.db.store.contents().await.expect("contents").files, 1);
}

/// The report form offers the assignment's own reports to correct (no typed number), and the
/// correction is stored against the one chosen.
async fn a_correction_names_the_report_it_corrects_from_the_history(app: &TestApp) {
    let first = done_report(app, 28, "九个自动站建成（待更正）").await;
    let html = app
        .get("/plans/water/items/28")
        .await
        .text()
        .await
        .expect("html");
    let select = html
        .find(r#"<select name="form[corrects_id]""#)
        .expect("the form offers a report to correct");
    let options = &html[select..select + html[select..].find("</select>").expect("end")];
    assert!(
        options.contains(&format!(r#"value="{first}""#)) && options.contains("九个自动站建成"),
        "the earlier report is a choice: {options}"
    );
    let a = hbj_assignment(app, 28).await.to_string();
    let on = sanzhi_domain::chrono::Utc::now().date_naive().to_string();
    let fixed: serde_json::Value = app
        .post_form(
            "/api/report",
            &[
                ("form[assignment_id]", a.as_str()),
                ("form[expected_version]", "1"),
                ("form[state]", "done"),
                ("form[milestone_seq]", ""),
                ("form[reported_on]", on.as_str()),
                ("form[achieved]", ""),
                ("form[narrative]", "更正：建成九个自动站并已联网"),
                ("form[evidence]", ""),
                ("form[reporter]", ""),
                ("form[corrects_id]", first.as_str()),
            ],
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        fixed["corrects_id"].as_i64().map(|i| i.to_string()),
        Some(first),
        "{fixed}"
    );
}

/// Every count on 总览's plan boxes is a link to the plan's list of what it counts, on the
/// same day — and the number shown is the store's own count.
async fn every_count_of_the_overview_links_the_list_it_counts(app: &TestApp) {
    let day = sanzhi_domain::chrono::NaiveDate::from_ymd_opt(2019, 1, 31).expect("day");
    let overdue = app
        .db
        .store
        .tracked(
            &sanzhi_store::TrackScope {
                plan: Some("water".into()),
                ..Default::default()
            },
            day,
            15,
        )
        .await
        .expect("tracked")
        .iter()
        .filter(|t| t.assessment.status == sanzhi_domain::Status::Overdue)
        .count();
    assert!(overdue > 0, "the seed has overdue water work by then");
    let leader = app.client_for("t-leader").await;
    let html = leader
        .get(format!("{}/?month=2019-01", app.base))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("html");
    let link =
        |amp: &str| format!("/plans/water?status=overdue{amp}as_of=2019-01-31\">{overdue}</a>");
    assert!(
        html.contains(&link("&amp;")) || html.contains(&link("&")),
        "the overdue count links its list"
    );
    for plan in ["water", "air", "soil"] {
        for statuses in [
            "done,done_late",
            "in_progress,not_started",
            "due_soon",
            "overdue",
        ] {
            let href = format!("/plans/{plan}?status={statuses}");
            assert!(html.contains(&href), "{href} linked from 总览");
        }
    }
    let list = leader
        .get(format!(
            "{}/plans/water?status=overdue&as_of=2019-01-31",
            app.base
        ))
        .send()
        .await
        .expect("GET");
    assert_eq!(list.status(), 200);
    assert!(list.text().await.expect("html").contains("逾期"));
}
