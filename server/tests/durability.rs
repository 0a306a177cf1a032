//! Durability: the `sanzhi` server is killed with SIGKILL in the middle of a stream of
//! progress reports from concurrent clients, started again, and every report it acknowledged
//! must be there, whole (with its audit entry), and the rest of the stream must then go
//! through. Once on SQLite and once on PostgreSQL.
//!
//! The server is the binary at `SANZHI_BIN` when set (the release build: `scripts/test` runs
//! this file again against it) and otherwise this package's own build
//! ([`common::ServerProcess`]).

#[macro_use]
mod common;

use common::PASSWORD;
use sanzhi_domain::chrono::NaiveDate;
use sanzhi_store::testing::TestDb;
use sanzhi_store::{Store, TrackScope};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Reports in the whole stream.
const TOTAL: usize = 1_000;
/// The server is killed once this many reports have been acknowledged.
const KILL_AFTER: usize = 350;
/// Units whose reporters take part; each has several clients, one assignment each.
const UNITS: [&str; 4] = ["柯城区政府", "衢江区政府", "龙游县政府", "开化县政府"];
const CLIENTS_PER_UNIT: usize = 4;

/// One client's part of the stream: its assignment and the narratives it sends, in order.
#[derive(Clone)]
struct Part {
    username: String,
    assignment: i64,
    narratives: Vec<String>,
}

/// What a client saw: the reports acknowledged (id, version, narrative), and the narrative
/// in flight when the connection broke, if any.
#[derive(Default)]
struct Seen {
    acknowledged: Vec<(i64, i32, String)>,
    in_flight: Option<String>,
}

/// Sends `part.narratives[from..]` one after the other, each stating the version it
/// follows, until all are sent or the server stops answering.
async fn send(
    base: String,
    client: reqwest::Client,
    part: Part,
    from: usize,
    mut version: i32,
    acknowledged: Arc<AtomicUsize>,
) -> Seen {
    let mut seen = Seen::default();
    for narrative in &part.narratives[from..] {
        let a = part.assignment.to_string();
        let v = version.to_string();
        let form = [
            ("form[assignment_id]", a.as_str()),
            ("form[expected_version]", v.as_str()),
            ("form[state]", "in_progress"),
            ("form[milestone_seq]", ""),
            ("form[reported_on]", "2019-03-01"),
            ("form[achieved]", ""),
            ("form[narrative]", narrative.as_str()),
            ("form[evidence]", ""),
            ("form[reporter]", ""),
            ("form[corrects_id]", ""),
        ];
        let resp = client
            .post(format!("{base}/api/report"))
            .form(&form)
            .send()
            .await;
        let body = match resp {
            Ok(r) if r.status() == 200 => r.json::<serde_json::Value>().await,
            Ok(r) => panic!(
                "{}: {} {:?}",
                part.username,
                r.status(),
                r.text().await.unwrap_or_default()
            ),
            Err(_) => {
                seen.in_flight = Some(narrative.clone());
                return seen;
            }
        };
        // The answer may be cut off by the kill, too: then it was not acknowledged.
        let Ok(body) = body else {
            seen.in_flight = Some(narrative.clone());
            return seen;
        };
        let id = body["id"].as_i64().expect("id");
        version = i32::try_from(body["version"].as_i64().expect("version")).expect("i32");
        assert_eq!(body["narrative"], narrative.as_str());
        seen.acknowledged.push((id, version, narrative.clone()));
        acknowledged.fetch_add(1, Ordering::SeqCst);
    }
    seen
}

async fn add_reporters(store: &Store) -> Vec<Part> {
    let day = NaiveDate::from_ymd_opt(2019, 3, 1).expect("day");
    let mut parts = Vec::new();
    for (u, unit) in UNITS.iter().enumerate() {
        let username = format!("d-reporter-{u}");
        server::users::add(
            store,
            &username,
            &format!("{unit}填报员"),
            sanzhi_domain::Role::Reporter,
            None,
            Some((*unit).to_owned()),
            PASSWORD,
            false,
            "test",
        )
        .await
        .expect("account");
        let scope = TrackScope {
            unit: Some((*unit).to_owned()),
            ..TrackScope::default()
        };
        let assignments = store.tracked(&scope, day, 15).await.expect("tracked");
        assert!(assignments.len() >= CLIENTS_PER_UNIT, "{unit}");
        for t in assignments.iter().take(CLIENTS_PER_UNIT) {
            parts.push(Part {
                username: username.clone(),
                assignment: t.assignment_id,
                narratives: Vec::new(),
            });
        }
    }
    let clients = parts.len();
    for n in 0..TOTAL {
        parts[n % clients]
            .narratives
            .push(format!("断电测试报告 {n:04}：第{}份", n / clients + 1));
    }
    parts
}

async fn reports_survive_a_kill(db: TestDb) {
    let seed = sanzhi_seed::load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../seed"))
        .expect("seed");
    db.store.load_seed(&seed).await.expect("load seed");
    let parts = add_reporters(&db.store).await;
    // 1. The stream, and SIGKILL in the middle of it.
    let mut server = common::ServerProcess::start(&db.url, None).await;
    let base = server.base.clone();
    let acknowledged = Arc::new(AtomicUsize::new(0));
    // Every client signs in before the stream starts: the kill is to meet reports in
    // flight, not a sign-in (whose refusal would fail the test for the wrong reason).
    let mut signed = Vec::new();
    for p in &parts {
        signed.push(common::signed_in(&base, &p.username).await);
    }
    let clients: Vec<_> = parts
        .iter()
        .zip(signed)
        .map(|(p, c)| tokio::spawn(send(base.clone(), c, p.clone(), 0, 0, acknowledged.clone())))
        .collect();
    while acknowledged.load(Ordering::SeqCst) < KILL_AFTER {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    server.kill();
    let mut seen = Vec::new();
    for c in clients {
        seen.push(c.await.expect("client"));
    }
    let acked: usize = seen.iter().map(|s| s.acknowledged.len()).sum();
    assert!(
        (KILL_AFTER..TOTAL).contains(&acked),
        "killed mid-stream: {acked} of {TOTAL} acknowledged"
    );
    eprintln!(
        "{}: {acked} reports acknowledged before SIGKILL, {} in flight",
        db.store.backend().as_str(),
        seen.iter().filter(|s| s.in_flight.is_some()).count()
    );

    // 2. Started again: every acknowledged report is there as acknowledged; what else is
    // there is at most the one report each client had in flight; nothing is half-written.
    server.restart().await;
    let store = Store::connect(&db.url).await.expect("reopen");
    let mut resume = Vec::new();
    for (part, s) in parts.iter().zip(&seen) {
        let stored = store.reports(part.assignment).await.expect("reports");
        let versions: Vec<i32> = stored.iter().map(|r| r.version).collect();
        let want: Vec<i32> = (1..=i32::try_from(stored.len()).expect("len")).collect();
        assert_eq!(versions, want, "versions without a gap");
        for (i, (id, version, narrative)) in s.acknowledged.iter().enumerate() {
            let r = &stored[i];
            assert_eq!(
                (r.id, r.version, &r.narrative),
                (*id, *version, narrative),
                "acknowledged report {i} of assignment {}",
                part.assignment
            );
        }
        let extra: Vec<&str> = stored[s.acknowledged.len()..]
            .iter()
            .map(|r| r.narrative.as_str())
            .collect();
        match extra.as_slice() {
            [] => {}
            [one] => assert_eq!(Some(*one), s.in_flight.as_deref(), "only the one in flight"),
            more => panic!("reports nobody sent: {more:?}"),
        }
        resume.push((stored.len(), stored.last().map_or(0, |r| r.version)));
    }
    whole(&store, &parts).await;

    // 3. The rest of the stream goes through the restarted server (sessions are kept in
    // the database, but each client signs in again as a browser would after an outage).
    let mut signed = Vec::new();
    for p in &parts {
        signed.push(common::signed_in(&base, &p.username).await);
    }
    let clients: Vec<_> = parts
        .iter()
        .zip(&resume)
        .zip(signed)
        .map(|((p, &(from, version)), c)| {
            tokio::spawn(send(
                base.clone(),
                c,
                p.clone(),
                from,
                version,
                acknowledged.clone(),
            ))
        })
        .collect();
    for c in clients {
        let s = c.await.expect("client");
        assert!(s.in_flight.is_none(), "the restarted server answered");
    }
    let mut all = BTreeSet::new();
    for part in &parts {
        let stored = store.reports(part.assignment).await.expect("reports");
        let narratives: Vec<&String> = stored.iter().map(|r| &r.narrative).collect();
        assert_eq!(narratives, part.narratives.iter().collect::<Vec<_>>());
        all.extend(stored.into_iter().map(|r| r.id));
    }
    assert_eq!(all.len(), TOTAL, "the whole stream, each report once");
    whole(&store, &parts).await;

    server.kill();
    store.close().await;
    db.finish().await;
}

/// Nothing half-written: every report of the stream has the one audit entry written in its
/// transaction and there is no entry without its report; a SQLite file passes its own
/// integrity and foreign-key checks.
async fn whole(store: &Store, parts: &[Part]) {
    let mut reports = BTreeSet::new();
    for part in parts {
        reports.extend(
            store
                .reports(part.assignment)
                .await
                .expect("reports")
                .into_iter()
                .map(|r| r.id),
        );
    }
    let filter = sanzhi_store::AuditFilter {
        action: Some("report.add".into()),
        limit: 1_000_000,
        ..Default::default()
    };
    let mut audited: BTreeMap<i64, usize> = BTreeMap::new();
    for e in store.audit_entries(&filter).await.expect("audit") {
        let after: serde_json::Value =
            serde_json::from_str(e.after.as_deref().expect("after")).expect("json");
        *audited
            .entry(after["id"].as_i64().expect("id"))
            .or_default() += 1;
    }
    for id in &reports {
        assert_eq!(audited.get(id), Some(&1), "report {id} has one audit entry");
    }
    assert_eq!(
        audited.len(),
        reports.len(),
        "no audit entry without its report"
    );
    let problems = store.integrity_problems().await.expect("integrity check");
    assert!(problems.is_empty(), "{problems:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_reports_survive_sigkill() {
    reports_survive_a_kill(TestDb::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_reports_survive_sigkill() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    reports_survive_a_kill(db).await;
}
