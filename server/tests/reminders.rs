//! Reminders, 催办 and delivery (issue 22), on SQLite and PostgreSQL: a day's digests are made
//! once (also by two servers at once) and reach the unit's inbox; 催办 are made by the plan's
//! coordinator only, answered once by the unit, and shown on 我的任务 and the item page; the
//! outbox reaches a local SMTP sink and a local robot receiver that fails and recovers — each
//! message once, none lost when a sender dies mid-send.

mod common;

use common::TestApp;
use sanzhi_domain::chrono::{Duration, NaiveDate, Utc};
use sanzhi_domain::remind::DigestLine;
use server::config::{SmtpSettings, SmtpTls};
use server::remind::{deliver, make_day, Sender};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

on_both_backends!(
    a_day_is_made_once_and_reaches_the_inbox,
    two_servers_make_a_day_once,
    urges_are_made_answered_and_shown,
    the_outbox_reaches_email_and_robots_once,
    the_demo_shows_reminders_urges_and_closed_months,
);

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("day")
}

const KAIHUA: &str = "开化县政府";

/// Monday 2018-12-24: a week before the many “2018年底前” deadlines.
async fn a_day_is_made_once_and_reaches_the_inbox(app: &TestApp) {
    let store = &app.db.store;
    let now = Utc::now();
    let made = make_day(store, day("2018-12-24"), "test", false, false, now)
        .await
        .expect("make");
    let written = made.written.expect("written the first time");
    assert!(written.digests > 5, "{written:?}");
    assert_eq!(written.digests, made.digests.len());
    let kaihua = made
        .digests
        .iter()
        .find(|d| d.unit == KAIHUA)
        .expect("开化 is told");
    assert!(kaihua.lines.iter().any(|l| matches!(
        l,
        DigestLine::DueIn { days: 7, due, .. } if *due == day("2018-12-31")
    )));
    // A Monday: what is still overdue is listed too.
    assert!(made
        .digests
        .iter()
        .flat_map(|d| &d.lines)
        .any(|l| matches!(l, DigestLine::StillOverdue { .. })));
    assert!(made.digests.iter().all(|d| !d.lines.is_empty()));
    // Made again: nothing written.
    let again = make_day(store, day("2018-12-24"), "test", false, false, now)
        .await
        .expect("again");
    assert!(again.written.is_none());
    // The unit's reporter sees it in the inbox, unread, and marks it read.
    let client = app.client_for("t-kaihua").await;
    assert_eq!(unread(app, &client).await, 1);
    let page = client
        .get(format!("{}/inbox", app.base))
        .send()
        .await
        .expect("inbox")
        .text()
        .await
        .expect("text");
    assert!(page.contains(&kaihua.title_zh()), "the digest's title");
    assert!(page.contains("7 天后（2018-12-31）到期"));
    assert!(page.contains("/plans/"), "lines link to items");
    assert!(page.contains("digest card unread"));
    let marked = client
        .post(format!("{}/api/inbox_read", app.base))
        .form(&[("digest", "")])
        .send()
        .await
        .expect("mark");
    assert_eq!(
        marked.status(),
        200,
        "{}",
        marked.text().await.unwrap_or_default()
    );
    assert_eq!(unread(app, &client).await, 0);
    // Another unit's reporter cannot read 开化's inbox; a leader cannot read inboxes.
    let kecheng = app.client_for("t-kecheng").await;
    let other = kecheng
        .post(format!("{}/api/inbox", app.base))
        .form(&[("unit", KAIHUA)])
        .send()
        .await
        .expect("other");
    assert_eq!(other.status(), 403);
    let leader = app.client_for("t-leader").await;
    let refused = leader
        .post(format!("{}/api/inbox", app.base))
        .form(&[("unit", KAIHUA)])
        .send()
        .await
        .expect("leader");
    assert_eq!(refused.status(), 403);
    // The water coordinator may look (what was the unit told?), without marking anything.
    let water = app.client_for("t-water").await;
    let looked = water
        .get(format!("{}/inbox?unit={}", app.base, urlencode(KAIHUA)))
        .send()
        .await
        .expect("look")
        .text()
        .await
        .expect("text");
    assert!(looked.contains(&kaihua.title_zh()));
}

/// The header's unread count, as the signed-in `client` gets it.
async fn unread(app: &TestApp, client: &reqwest::Client) -> i64 {
    client
        .post(format!("{}/api/unread", app.base))
        .send()
        .await
        .expect("unread")
        .json()
        .await
        .expect("json")
}

fn urlencode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// Two app servers (two pools on one database) make the same day at once: one writes it.
async fn two_servers_make_a_day_once(app: &TestApp) {
    let other = sanzhi_store::Store::connect(&app.db.url)
        .await
        .expect("second server");
    let now = Utc::now();
    let d = day("2018-12-24");
    let (a, b) = tokio::join!(
        make_day(&app.db.store, d, "server-a", false, false, now),
        make_day(&other, d, "server-b", false, false, now),
    );
    let (a, b) = (a.expect("a"), b.expect("b"));
    let written: Vec<_> = [a.written, b.written].into_iter().flatten().collect();
    assert_eq!(written.len(), 1, "exactly one server wrote the day");
    let inbox = app.db.store.inbox(KAIHUA, 1, 100).await.expect("inbox");
    assert_eq!(inbox.len(), 1, "one digest per unit per day");
    other.close().await;
}

async fn kaihua_water_assignment(app: &TestApp) -> (i64, i32) {
    let rows = app
        .db
        .store
        .tracked(
            &sanzhi_store::TrackScope {
                plan: Some("water".into()),
                unit: Some(KAIHUA.into()),
                item: None,
            },
            Utc::now().date_naive(),
            15,
        )
        .await
        .expect("tracked");
    let t = rows
        .iter()
        .find(|t| sanzhi_domain::remind::may_urge(t))
        .expect("an unfinished water assignment of 开化");
    (t.assignment_id, t.item_number)
}

async fn urges_are_made_answered_and_shown(app: &TestApp) {
    let (assignment, item) = kaihua_water_assignment(app).await;
    let id = assignment.to_string();
    let message = "请于本周报送进展<script>alert(1)</script>";
    let urge = |client: reqwest::Client, message: &'static str, reply_by: &'static str| {
        let id = id.clone();
        let base = app.base.clone();
        async move {
            client
                .post(format!("{base}/api/urge"))
                .form(&[
                    ("assignment_id", id.as_str()),
                    ("message", message),
                    ("reply_by", reply_by),
                ])
                .send()
                .await
                .expect("urge")
        }
    };
    // Only the water coordinator (or an admin) may press a water assignment.
    for who in ["t-air", "t-kaihua", "t-leader"] {
        let r = urge(app.client_for(who).await, "催", "").await;
        assert_eq!(r.status(), 403, "{who}");
    }
    let water = app.client_for("t-water").await;
    // Bad input is named.
    let r = urge(water.clone(), "  ", "").await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.expect("text").contains("message"));
    let r = urge(water.clone(), "催", "2001-01-01").await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.expect("text").contains("reply_by"));
    let r = urge(water.clone(), message, "").await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap_or_default());
    let made: sanzhi_domain::remind::Urge = r.json().await.expect("urge json");
    assert_eq!(made.unit, KAIHUA);
    assert_eq!(made.by, "测试t-water");
    // 我的任务 of 开化 shows it at the top, escaped; the item page shows the history.
    let kaihua = app.client_for("t-kaihua").await;
    let my = kaihua
        .get(format!("{}/my", app.base))
        .send()
        .await
        .expect("my")
        .text()
        .await
        .expect("text");
    let top = my.find("my-urges").expect("the open 催办 at the top");
    let list = my.find("task-list").expect("tasks");
    assert!(top < list);
    assert!(my.contains("请于本周报送进展&lt;script&gt;"));
    assert!(!my.contains("<script>alert(1)"));
    let item_page = app
        .client
        .get(format!("{}/plans/water/items/{item}", app.base))
        .send()
        .await
        .expect("item")
        .text()
        .await
        .expect("text");
    assert!(item_page.contains("urge-list"));
    assert!(item_page.contains("请于本周报送进展&lt;script&gt;"));
    // 开化 files a progress report after the 催办: its answer form offers it (and no report of
    // another assignment or from before the 催办).
    let tracked = app
        .db
        .store
        .tracked(
            &sanzhi_store::TrackScope {
                plan: Some("water".into()),
                unit: Some(KAIHUA.into()),
                item: Some(item),
            },
            Utc::now().date_naive(),
            15,
        )
        .await
        .expect("tracked");
    let report = app
        .db
        .store
        .add_report(
            &sanzhi_domain::NewReport {
                assignment_id: assignment,
                expected_version: tracked[0].report_count,
                state: sanzhi_domain::ReportState::InProgress,
                milestone_seq: None,
                reported_on: sanzhi_domain::report::china_day(Utc::now()),
                achieved: None,
                narrative: "现场核查进展（答复催办）".into(),
                evidence: Vec::new(),
                reporter: "测试t-kaihua（t-kaihua）".into(),
                corrects_id: None,
                is_demo: false,
                submission_key: None,
                files: Vec::new(),
            },
            Utc::now(),
        )
        .await
        .expect("store")
        .expect("added");
    let page = kaihua
        .get(format!("{}/plans/water/items/{item}", app.base))
        .send()
        .await
        .expect("item")
        .text()
        .await
        .expect("text");
    assert!(
        page.contains(&format!("<option value=\"{}\"", report.id)),
        "the answer form offers the report filed since the 催办"
    );
    assert!(page.contains(&format!("id=\"report-{}\"", report.id)));
    // Only 开化's reporter answers, once.
    let answer_with = |client: reqwest::Client, note: &'static str, report: String| {
        let base = app.base.clone();
        let urge_id = made.id.to_string();
        async move {
            client
                .post(format!("{base}/api/urge_answer"))
                .form(&[
                    ("urge_id", urge_id.as_str()),
                    ("note", note),
                    ("report_id", report.as_str()),
                ])
                .send()
                .await
                .expect("answer")
        }
    };
    let answer =
        |client: reqwest::Client, note: &'static str| answer_with(client, note, String::new());
    // A report that is not a number, or not this assignment's, is named and changes nothing.
    let r = answer_with(kaihua.clone(), "说明", "abc".into()).await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.expect("text").contains("report_id"));
    let other = app
        .db
        .store
        .tracked(
            &sanzhi_store::TrackScope {
                plan: Some("water".into()),
                unit: None,
                item: None,
            },
            Utc::now().date_naive(),
            15,
        )
        .await
        .expect("tracked")
        .into_iter()
        .find(|t| t.assignment_id != assignment)
        .expect("another water assignment");
    let theirs = app
        .db
        .store
        .add_report(
            &sanzhi_domain::NewReport {
                assignment_id: other.assignment_id,
                expected_version: other.report_count,
                state: sanzhi_domain::ReportState::InProgress,
                milestone_seq: None,
                reported_on: sanzhi_domain::report::china_day(Utc::now()),
                achieved: None,
                narrative: "别的分工的报告".into(),
                evidence: Vec::new(),
                reporter: "测试".into(),
                corrects_id: None,
                is_demo: false,
                submission_key: None,
                files: Vec::new(),
            },
            Utc::now(),
        )
        .await
        .expect("store")
        .expect("added");
    let r = answer_with(kaihua.clone(), "说明", theirs.id.to_string()).await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.expect("text").contains("report_id"));
    assert_eq!(
        answer(app.client_for("t-kecheng").await, "不是我")
            .await
            .status(),
        403
    );
    assert_eq!(answer(water.clone(), "代答").await.status(), 403);
    assert_eq!(answer(kaihua.clone(), " ").await.status(), 400);
    let r = answer_with(
        kaihua.clone(),
        "已完成现场核查，材料本周五前报送",
        report.id.to_string(),
    )
    .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap_or_default());
    let again = answer(kaihua.clone(), "再答").await;
    assert_eq!(again.status(), 400);
    assert!(again.text().await.expect("text").contains("已"));
    let stored = app
        .db
        .store
        .urge(made.id)
        .await
        .expect("read")
        .expect("urge");
    assert_eq!(
        stored.answer.as_ref().map(|a| a.note.as_str()),
        Some("已完成现场核查，材料本周五前报送")
    );
    assert_eq!(
        stored.answer.as_ref().and_then(|a| a.report_id),
        Some(report.id)
    );
    // The item page links the answer to the report it names.
    let page = app
        .client_for("t-water")
        .await
        .get(format!("{}/plans/water/items/{item}", app.base))
        .send()
        .await
        .expect("item")
        .text()
        .await
        .expect("text");
    assert!(page.contains(&format!("/plans/water/items/{item}#report-{}", report.id)));
    // Both are on the audit trail, with the assignment named.
    let audit = app
        .db
        .store
        .audit_entries(&sanzhi_store::AuditFilter {
            action: Some("urge.".into()),
            limit: 50,
            ..Default::default()
        })
        .await
        .expect("audit");
    assert!(audit
        .iter()
        .any(|e| e.action == "urge.add" && e.actor == "t-water"));
    assert!(audit.iter().any(|e| e.action == "urge.answer"));
    // A second 催办 with the work still late: 督办 (the default limit is 2), listed for the
    // leaders on 总览 with the unit's 催办 and answers in the ranking.
    let r = urge(water.clone(), "第二次催办", "").await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap_or_default());
    let today = sanzhi_domain::report::china_day(Utc::now());
    let month = today.format("%Y-%m").to_string();
    let overview =
        app::overview::inner::overview(app::i18n::Locale::zh, &app.db.store, Some(&month), today)
            .await
            .expect("overview");
    let s = overview
        .supervised
        .iter()
        .find(|s| s.unit == KAIHUA && s.item_number == item)
        .expect("督办 listed");
    assert_eq!(s.urges, 2);
    let row = overview
        .counties
        .iter()
        .find(|u| u.unit == KAIHUA)
        .expect("开化 ranked");
    assert_eq!((row.urged, row.answered), (2, 1));
    let page = app
        .client_for("t-leader")
        .await
        .get(format!("{}/?month={month}", app.base))
        .send()
        .await
        .expect("overview page")
        .text()
        .await
        .expect("text");
    assert!(page.contains("supervised-table"), "{}", {
        std::fs::write("/tmp/overview-page.html", &page).ok();
        "written to /tmp/overview-page.html"
    });
    assert!(page.contains("催办 2 次"));
    // A plan allowing three 催办: no longer 督办.
    let r = water
        .post(format!("{}/api/set_plan_reminders", app.base))
        .form(&[
            ("plan", "water"),
            ("lead_days", "7,3,0"),
            ("urge_limit", "3"),
        ])
        .send()
        .await
        .expect("settings");
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap_or_default());
    let air = app
        .client_for("t-air")
        .await
        .post(format!("{}/api/set_plan_reminders", app.base))
        .form(&[("plan", "water"), ("lead_days", "1"), ("urge_limit", "1")])
        .send()
        .await
        .expect("settings");
    assert_eq!(air.status(), 403);
    let bad = water
        .post(format!("{}/api/set_plan_reminders", app.base))
        .form(&[
            ("plan", "water"),
            ("lead_days", "7,九"),
            ("urge_limit", "3"),
        ])
        .send()
        .await
        .expect("settings");
    assert_eq!(bad.status(), 400);
    assert!(bad.text().await.expect("text").contains("lead_days"));
    let overview =
        app::overview::inner::overview(app::i18n::Locale::zh, &app.db.store, Some(&month), today)
            .await
            .expect("overview");
    assert!(!overview
        .supervised
        .iter()
        .any(|s| s.unit == KAIHUA && s.item_number == item));
    // The next morning's digest tells 开化 of the 催办.
    let tomorrow = sanzhi_domain::report::china_day(made.at) + Duration::days(1);
    let digests = server::remind::digests_of(&app.db.store, tomorrow)
        .await
        .expect("digests");
    let told = digests
        .iter()
        .find(|d| d.unit == KAIHUA)
        .expect("开化 told");
    assert!(told
        .lines
        .iter()
        .any(|l| matches!(l, DigestLine::Urged { urge_id, .. } if *urge_id == made.id)));
}

/// What the local SMTP sink received: one string per message (its DATA).
type Mails = Arc<Mutex<Vec<String>>>;

/// A minimal SMTP server on a free port: accepts every message.
async fn smtp_sink() -> (u16, Mails) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let mails: Mails = Arc::default();
    let kept = mails.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let kept = kept.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read);
                let _ = write.write_all(b"220 sink ESMTP\r\n").await;
                let mut line = String::new();
                loop {
                    line.clear();
                    if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    let cmd = line.trim_end().to_ascii_uppercase();
                    let answer: &[u8] = if cmd.starts_with("EHLO") || cmd.starts_with("HELO") {
                        b"250-sink\r\n250 8BITMIME\r\n"
                    } else if cmd.starts_with("DATA") {
                        let _ = write.write_all(b"354 go on\r\n").await;
                        let mut data = String::new();
                        loop {
                            let mut l = String::new();
                            if lines.read_line(&mut l).await.unwrap_or(0) == 0 {
                                return;
                            }
                            if l == ".\r\n" {
                                break;
                            }
                            data.push_str(&l);
                        }
                        kept.lock().expect("mails").push(data);
                        b"250 kept\r\n"
                    } else if cmd.starts_with("QUIT") {
                        let _ = write.write_all(b"221 bye\r\n").await;
                        return;
                    } else {
                        b"250 ok\r\n"
                    };
                    let _ = write.write_all(answer).await;
                }
            });
        }
    });
    (port, mails)
}

/// What the robot receiver was sent: (path and query, body).
type Posts = Arc<Mutex<Vec<(String, String)>>>;

/// A robot endpoint answering like 钉钉: the first `fail_first` requests get HTTP 500, the
/// rest `{"errcode":0}`.
async fn robot_receiver(fail_first: usize) -> (u16, Posts) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let posts: Posts = Arc::default();
    let kept = posts.clone();
    tokio::spawn(async move {
        let mut n = 0usize;
        while let Ok((mut socket, _)) = listener.accept().await {
            n += 1;
            let fail = n <= fail_first;
            let kept = kept.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 8192];
                // Read the head, then the body by its length.
                let (head, body_start) = loop {
                    let k = socket.read(&mut chunk).await.unwrap_or(0);
                    if k == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..k]);
                    if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        break (String::from_utf8_lossy(&buf[..i]).to_string(), i + 4);
                    }
                };
                let length: usize = head
                    .lines()
                    .find_map(|l| {
                        let (k, v) = l.split_once(':')?;
                        k.eq_ignore_ascii_case("content-length")
                            .then(|| v.trim().parse().ok())
                            .flatten()
                    })
                    .unwrap_or(0);
                while buf.len() < body_start + length {
                    let k = socket.read(&mut chunk).await.unwrap_or(0);
                    if k == 0 {
                        break;
                    }
                    buf.extend_from_slice(&chunk[..k]);
                }
                let target = head
                    .lines()
                    .next()
                    .and_then(|l| l.split(' ').nth(1))
                    .unwrap_or_default()
                    .to_owned();
                let body = String::from_utf8_lossy(&buf[body_start..]).to_string();
                kept.lock().expect("posts").push((target, body));
                let (status, text) = if fail {
                    ("500 Internal Server Error", "{\"errcode\":-1}")
                } else {
                    ("200 OK", "{\"errcode\":0,\"errmsg\":\"ok\"}")
                };
                let _ = socket
                    .write_all(
                        format!(
                            "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{text}",
                            text.len()
                        )
                        .as_bytes(),
                    )
                    .await;
            });
        }
    });
    (port, posts)
}

async fn the_outbox_reaches_email_and_robots_once(app: &TestApp) {
    let store = &app.db.store;
    let (smtp_port, mails) = smtp_sink().await;
    let (robot_port, posts) = robot_receiver(1).await;
    // 开化's reporter gives an address; the admin adds a signed 钉钉 robot for 开化.
    let kaihua = app.client_for("t-kaihua").await;
    let r = kaihua
        .post(format!("{}/api/set_email", app.base))
        .form(&[("email", "kaihua@example.gov.cn")])
        .send()
        .await
        .expect("email");
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap_or_default());
    let bad = kaihua
        .post(format!("{}/api/set_email", app.base))
        .form(&[("email", "not an address")])
        .send()
        .await
        .expect("bad email");
    assert_eq!(bad.status(), 400);
    // Only an admin manages robots.
    let hook_form = [
        ("unit", KAIHUA.to_owned()),
        ("kind", "dingtalk".to_owned()),
        (
            "url",
            format!("http://127.0.0.1:{robot_port}/robot/send?access_token=TOPSECRETTOKEN"),
        ),
        ("secret", "SECxyz".to_owned()),
    ];
    let refused = app
        .client_for("t-water")
        .await
        .post(format!("{}/api/hook_add", app.base))
        .form(&hook_form)
        .send()
        .await
        .expect("hook");
    assert_eq!(refused.status(), 403);
    let admin = app.client_for("t-admin").await;
    let added = admin
        .post(format!("{}/api/hook_add", app.base))
        .form(&hook_form)
        .send()
        .await
        .expect("hook");
    assert_eq!(
        added.status(),
        200,
        "{}",
        added.text().await.unwrap_or_default()
    );
    let shown = added.text().await.expect("text");
    assert!(
        !shown.contains("TOPSECRETTOKEN"),
        "the token is never shown back: {shown}"
    );
    assert!(!shown.contains("SECxyz"), "the secret is never shown back");
    let now = Utc::now();
    let made = make_day(store, day("2018-12-24"), "test", false, false, now)
        .await
        .expect("make");
    let written = made.written.expect("written");
    assert_eq!(
        written.messages, 2,
        "an e-mail and a robot message for 开化"
    );
    let sender = Sender::new(
        "https://sanzhi.example",
        &SmtpSettings {
            host: "127.0.0.1".into(),
            port: smtp_port,
            tls: SmtpTls::None,
            username: String::new(),
            password: String::new().into(),
            from: "三治督办 <noreply@sanzhi.example>".into(),
        },
    )
    .expect("sender");
    // A sender that died mid-send holds a lease: nobody sends until it runs out.
    let leased = store
        .claim_outbox(now.timestamp(), 120, 50)
        .await
        .expect("lease");
    assert_eq!(leased.len(), 2);
    let sent = deliver(store, &sender, now).await.expect("deliver");
    assert_eq!(sent.sent + sent.retrying + sent.given_up, 0, "{sent:?}");
    // After the lease: the e-mail goes; the robot fails once (HTTP 500) and waits a minute.
    let later = now + Duration::seconds(121);
    let sent = deliver(store, &sender, later).await.expect("deliver");
    assert_eq!((sent.sent, sent.retrying), (1, 1), "{sent:?}");
    assert_eq!(mails.lock().expect("mails").len(), 1);
    let failed = store.outbox_list(Some("pending"), 10).await.expect("list");
    assert_eq!(failed.len(), 1);
    let error = failed[0].last_error.clone().unwrap_or_default();
    assert!(error.contains("500"), "{error}");
    assert!(
        !error.contains("TOPSECRETTOKEN"),
        "no token in the stored error: {error}"
    );
    // Too early for the retry: nothing; after it, two senders at once send it once.
    let sent = deliver(store, &sender, later + Duration::seconds(30))
        .await
        .expect("deliver");
    assert_eq!(sent.sent + sent.retrying, 0);
    let retry_at = later + Duration::seconds(61);
    let other = sanzhi_store::Store::connect(&app.db.url)
        .await
        .expect("other");
    let (a, b) = tokio::join!(
        deliver(store, &sender, retry_at),
        deliver(&other, &sender, retry_at)
    );
    let (a, b) = (a.expect("a"), b.expect("b"));
    assert_eq!(a.sent + b.sent, 1, "{a:?} {b:?}");
    other.close().await;
    let posts = posts.lock().expect("posts").clone();
    assert_eq!(posts.len(), 2, "one failed try and one delivery");
    // Signed per 钉钉's scheme: timestamp and sign on the address; a markdown message.
    let (target, body) = &posts[1];
    let query: std::collections::HashMap<String, String> = target
        .split_once('?')
        .map(|(_, q)| q)
        .unwrap_or_default()
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let ts: i64 = query["timestamp"].parse().expect("timestamp");
    assert_eq!(query["sign"], server::remind::dingtalk_sign("SECxyz", ts));
    assert_eq!(query["access_token"], "TOPSECRETTOKEN");
    let json: serde_json::Value = serde_json::from_str(body).expect("json body");
    assert_eq!(json["msgtype"], "markdown");
    let text = json["markdown"]["text"].as_str().expect("text");
    assert!(text.contains("https://sanzhi.example/plans/"), "{text}");
    assert!(text.contains("开化县政府"));
    // The e-mail: to the address, subject the digest's title, links to the items.
    let mail = mails.lock().expect("mails")[0].clone();
    assert!(mail.contains("kaihua@example.gov.cn"), "{mail}");
    assert!(mail.contains("Subject:"));
    // Nothing left: a further pass sends nothing.
    let sent = deliver(store, &sender, retry_at + Duration::hours(7))
        .await
        .expect("deliver");
    assert_eq!(sent, server::remind::Sent::default());
    assert_eq!(
        store
            .outbox_list(Some("sent"), 10)
            .await
            .expect("sent")
            .len(),
        2
    );
    // The admin's page lists them; others may not see it.
    let page = admin
        .get(format!("{}/reminders", app.base))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("text");
    assert!(page.contains("kaihua@example.gov.cn"));
    assert!(!page.contains("TOPSECRETTOKEN"));
    let refused = kaihua
        .post(format!("{}/api/delivery", app.base))
        .send()
        .await
        .expect("delivery");
    assert_eq!(refused.status(), 403);
}

/// `--demo` shows it all, labelled: 催办 with answers, a 督办, digests of the demo's last week
/// in the units' inboxes, two closed months, one of them with a report filed after it; and
/// clearing the demo removes every one of them.
async fn the_demo_shows_reminders_urges_and_closed_months(app: &TestApp) {
    let store = &app.db.store;
    server::demo::load(store).await.expect("demo reports");
    let (urges, digests, months) = server::demo::load_reminders(store)
        .await
        .expect("demo reminders");
    assert_eq!(urges, 4);
    assert!(digests > 0);
    assert_eq!(months, 2);
    let all = store
        .urges(&sanzhi_store::UrgeScope::default())
        .await
        .expect("urges");
    assert!(all
        .iter()
        .all(|u| u.is_demo && u.message.starts_with("【演示】")));
    assert_eq!(all.iter().filter(|u| u.answer.is_some()).count(), 2);
    let march = app::overview::inner::overview(
        app::i18n::Locale::zh,
        store,
        Some("2019-03"),
        day("2026-12-06"),
    )
    .await
    .expect("march");
    assert!(
        !march.supervised.is_empty(),
        "a unit pressed twice and still late"
    );
    let january = app::overview::inner::kept_month(store, 2019, 1)
        .await
        .expect("january")
        .expect("closed");
    let b = january.bulletin.as_ref().expect("kept");
    assert!(b.is_demo && b.doc_no.starts_with("【演示】"));
    assert_eq!(january.corrections.len(), 1, "{:?}", january.corrections);
    let february = app::overview::inner::kept_month(store, 2019, 2)
        .await
        .expect("february")
        .expect("closed");
    assert!(february.corrections.is_empty());
    let inbox = store.inbox(KAIHUA, 1, 50).await.expect("inbox");
    assert!(!inbox.is_empty() && inbox.iter().all(|d| d.is_demo));
    // Demo digests are never sent.
    assert!(store
        .outbox_list(None, 10)
        .await
        .expect("outbox")
        .is_empty());
    store.clear_demo_reports().await.expect("clear");
    assert!(store
        .urges(&sanzhi_store::UrgeScope::default())
        .await
        .expect("urges")
        .is_empty());
    assert!(store.bulletin_months().await.expect("months").is_empty());
    assert!(store.inbox(KAIHUA, 1, 50).await.expect("inbox").is_empty());
}
