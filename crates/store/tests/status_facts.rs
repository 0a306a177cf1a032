//! The status facts the writes keep (issue 26) against the full recomputation from every
//! report, on random histories, on both backends: every assessment, count and review flag
//! that `Store::statuses_on_days` reads from the facts must equal what
//! `Store::tracked_on_days` computes from the reports themselves, on random as-of days, for
//! every assignment and for one unit's; and the facts kept write by write must equal the facts
//! built from scratch. An app server's mirror of the facts (`StatusMirror`), on a second
//! pool as a second app server would have it, follows the same random writes by reading only
//! what changed, and gives the same statuses after each.

use sanzhi_domain::chrono::{DateTime, Days, NaiveDate, Utc};
use sanzhi_domain::{
    parse_deadline, ItemEdit, Milestone, NewReport, NewReview, PlanCode, ReportState,
    ReviewDecision, Tracked,
};
use sanzhi_store::testing::TestDb;
use sanzhi_store::{DemoReport, StatusMirror, Store, StoreError, TrackScope};
use std::collections::HashMap;
use std::path::Path;

use sanzhi_store::on_both_backends;

on_both_backends!(kept_facts_give_the_full_recomputation_on_random_histories);

use sanzhi_domain::rng::SplitMix64 as Rng;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("day")
}

/// Noon, China time, of `d`.
fn noon(d: NaiveDate) -> DateTime<Utc> {
    d.and_hms_opt(4, 0, 0).expect("time").and_utc()
}

/// One assignment's identity and its item, as the test writes to it.
#[derive(Clone)]
struct Target {
    id: i64,
    plan: String,
    item: i32,
    milestones: usize,
}

const PHRASES: [&str; 7] = [
    "6月底前",
    "年底前",
    "2019年6月底前",
    "每月",
    "每季度",
    "及时",
    "2020年底前",
];

/// What the comparison looks at: everything `statuses_on_days` promises to give as the full
/// read does.
fn summary(t: &Tracked) -> String {
    format!(
        "{} {} {:?} count={} awaiting={} last={:?} late={}",
        t.assignment_id,
        t.unit,
        t.assessment,
        t.report_count,
        t.awaiting_review,
        t.last_reported_on,
        t.last_late_filed
    )
}

async fn compare(db: &TestDb, scope: &TrackScope, days: &[NaiveDate]) -> usize {
    let full = db
        .store
        .tracked_on_days(scope, days, 15)
        .await
        .expect("full recomputation");
    let kept = db
        .store
        .statuses_on_days(scope, days, 15)
        .await
        .expect("from the facts");
    assert_eq!(full.len(), kept.len());
    // The same with the returned reports read for the digests: the report and its review.
    let with_returned = db
        .store
        .statuses_on_days_with_returned(scope, days, 15)
        .await
        .expect("with the returned reports");
    let returned = |t: &Tracked| {
        t.returned.as_ref().map(|r| {
            let v = r.review.as_ref();
            (
                r.id,
                v.map(|v| (v.reason.clone(), v.reviewer.clone(), v.created_at)),
            )
        })
    };
    for ((d, f), w) in days.iter().zip(&full).zip(&with_returned) {
        assert_eq!(f.len(), w.len(), "{d}: rows");
        for (a, b) in f.iter().zip(w) {
            assert_eq!(summary(a), summary(b), "with returned, as of {d}");
            assert_eq!(returned(a), returned(b), "returned, as of {d}");
        }
    }
    assert!(
        full.iter().flatten().any(|t| t.returned.is_some()),
        "some report returned"
    );
    let mut compared = 0;
    for ((d, f), k) in days.iter().zip(&full).zip(&kept) {
        assert_eq!(f.len(), k.len(), "{d}: rows");
        for (a, b) in f.iter().zip(k) {
            assert_eq!(summary(a), summary(b), "as of {d}");
            // The full read names the newest report; the facts its day.
            assert_eq!(
                a.last_report.as_ref().map(|r| r.reported_on),
                b.last_reported_on
            );
            compared += 1;
        }
    }
    compared
}

/// A random history written through the store's own writes: reports (some 补报, some done
/// for a milestone or the whole, some correcting the last), reviews (accepted with or
/// without the claimed day, returned), item edits, demo reports loaded and cleared.
async fn write_history(db: &TestDb, rng: &mut Rng, targets: &[Target], mirror: &Mirror) -> usize {
    let mut today = day(2018, 6, 5);
    let mut writes = 0;
    let mut pending: Vec<i64> = Vec::new();
    while today < day(2020, 10, 1) {
        if writes % 7 == 3 {
            mirror.check(db, today).await;
        }
        today = today + Days::new(1 + rng.below(6));
        let t = rng.pick(targets).clone();
        match rng.below(10) {
            0..=5 => {
                let reports = db.store.reports(t.id).await.expect("reports");
                let done = rng.below(3) == 0;
                let back = if rng.below(4) == 0 {
                    8 + rng.below(30)
                } else {
                    rng.below(4)
                };
                let report = NewReport {
                    assignment_id: t.id,
                    expected_version: reports.last().map_or(0, |r| r.version),
                    state: if done {
                        ReportState::Done
                    } else {
                        ReportState::InProgress
                    },
                    milestone_seq: (done && t.milestones > 0 && rng.below(2) == 0)
                        .then(|| rng.below(t.milestones as u64) as i32 + 1),
                    reported_on: today - Days::new(back),
                    achieved: None,
                    narrative: "随机历史".into(),
                    evidence: vec![],
                    reporter: "测试".into(),
                    corrects_id: (rng.below(6) == 0)
                        .then(|| reports.last().map(|r| r.id))
                        .flatten(),
                    is_demo: false,
                    submission_key: None,
                    files: vec![],
                };
                match db.store.add_report(&report, noon(today)).await {
                    Ok(Ok(r)) => {
                        writes += 1;
                        if done {
                            pending.push(r.id);
                        }
                    }
                    // A day before the previous report's: refused, nothing written.
                    Err(StoreError::Invalid(_)) => {}
                    other => panic!("report: {other:?}"),
                }
            }
            6 | 7 if !pending.is_empty() => {
                let id = pending.swap_remove(rng.below(pending.len() as u64) as usize);
                let returned = rng.below(3) == 0;
                let review = NewReview {
                    report_id: id,
                    decision: if returned {
                        ReviewDecision::Returned
                    } else {
                        ReviewDecision::Accepted
                    },
                    reason: if returned {
                        "材料不全".into()
                    } else {
                        String::new()
                    },
                    reviewer: "协调员".into(),
                    reviewed_on: today,
                    is_demo: false,
                    accepts_claimed_day: rng.below(2) == 0,
                };
                db.store
                    .add_review(&review, noon(today))
                    .await
                    .expect("review")
                    .expect("not reviewed before");
                writes += 1;
            }
            8 => {
                // New deadlines for the item (kept for replays of the days before).
                let code = PlanCode::parse(&t.plan).expect("code");
                let detail = db
                    .store
                    .item_detail(&code, t.item)
                    .await
                    .expect("item")
                    .expect("exists");
                let mut units: Vec<String> =
                    detail.assignments.iter().map(|a| a.unit.clone()).collect();
                units.dedup();
                let phrase = *rng.pick(&PHRASES);
                let edit = ItemEdit {
                    milestones: vec![Milestone {
                        phrase: phrase.to_owned(),
                        deadline: parse_deadline(phrase, 2018).expect("phrase"),
                    }],
                    units,
                    targets: detail.targets.clone(),
                    reason: "随机调整".into(),
                };
                db.store
                    .edit_item(&t.plan, t.item, &edit, "协调员", noon(today))
                    .await
                    .expect("edit");
                writes += 1;
            }
            _ => {
                // Demo reports on a few assignments, or all of them cleared.
                if rng.below(3) == 0 {
                    db.store.clear_demo_reports().await.expect("clear demo");
                } else {
                    let on = today - Days::new(rng.below(3));
                    let report = NewReport {
                        assignment_id: t.id,
                        expected_version: 0,
                        state: ReportState::Done,
                        milestone_seq: None,
                        reported_on: on,
                        achieved: None,
                        narrative: "【演示】".into(),
                        evidence: vec![],
                        reporter: "演示".into(),
                        corrects_id: None,
                        is_demo: true,
                        submission_key: None,
                        files: vec![],
                    };
                    let review = (rng.below(2) == 0).then(|| NewReview {
                        report_id: 0,
                        decision: ReviewDecision::Accepted,
                        reason: String::new(),
                        reviewer: "演示".into(),
                        reviewed_on: today,
                        is_demo: true,
                        accepts_claimed_day: false,
                    });
                    match db
                        .store
                        .insert_demo_reports(&[DemoReport {
                            report,
                            created_at: noon(today),
                            review,
                        }])
                        .await
                    {
                        Ok(_) | Err(StoreError::Invalid(_)) => {}
                        Err(e) => panic!("demo: {e}"),
                    }
                }
                writes += 1;
            }
        }
    }
    writes
}

/// A second app server's mirror of the facts, and the days it is asked about.
struct Mirror {
    store: Store,
    mirror: StatusMirror,
    /// Fixed days (held from one check to the next, so they are patched, not read again).
    days: Vec<NaiveDate>,
    compared: std::sync::atomic::AtomicUsize,
    /// Rows with a newest report compared (我的任务's rows), of this unit.
    with_reports: std::sync::atomic::AtomicUsize,
    unit: String,
}

impl Mirror {
    /// The mirror's statuses on the fixed days and on `today` against the full
    /// recomputation, for everything and for one unit.
    async fn check(&self, db: &TestDb, today: NaiveDate) {
        let mut days = self.days.clone();
        days.push(today);
        let full = db
            .store
            .tracked_on_days(&TrackScope::default(), &days, 15)
            .await
            .expect("full");
        let kept = self
            .mirror
            .statuses_on_days(&self.store, &TrackScope::default(), &days, 15)
            .await
            .expect("mirror");
        // The rows 总览 reads, kept with the days and patched with the changed assignments.
        let shared = self
            .mirror
            .all_statuses_on_days(&self.store, &days, 15)
            .await
            .expect("mirror, kept rows");
        for ((d, f), k) in days.iter().zip(&full).zip(&shared) {
            assert_eq!(f.len(), k.len(), "kept rows {d}: rows");
            for (a, b) in f.iter().zip(k.iter()) {
                assert_eq!(summary(a), summary(b), "kept rows as of {d}");
            }
        }
        // A work item's text is held once, whichever assignment or day's row shows it.
        let mut texts: std::collections::HashMap<(String, i32), std::sync::Arc<str>> =
            std::collections::HashMap::new();
        let mut shared_rows = 0;
        for t in shared.iter().flat_map(|rows| rows.iter()) {
            let first = texts
                .entry((t.plan_code.clone(), t.item_number))
                .or_insert_with(|| t.item_text.clone());
            assert!(
                std::sync::Arc::ptr_eq(first, &t.item_text),
                "{} ({}): its text copied",
                t.plan_code,
                t.item_number
            );
            shared_rows += 1;
        }
        assert!(shared_rows > texts.len(), "rows share texts: {shared_rows}");
        let unit = full[0].first().map(|t| t.unit.clone());
        for ((d, f), k) in days.iter().zip(&full).zip(&kept) {
            assert_eq!(f.len(), k.len(), "mirror {d}: rows");
            for (a, b) in f.iter().zip(k) {
                assert_eq!(summary(a), summary(b), "mirror as of {d}");
            }
            self.compared
                .fetch_add(f.len(), std::sync::atomic::Ordering::Relaxed);
        }
        let scope = TrackScope {
            unit,
            ..TrackScope::default()
        };
        let mine = self
            .mirror
            .statuses(&self.store, &scope, today, 15)
            .await
            .expect("mirror, one unit");
        let full = db
            .store
            .tracked(&scope, today, 15)
            .await
            .expect("full, one unit");
        assert!(!full.is_empty());
        assert_eq!(
            full.iter().map(summary).collect::<Vec<_>>(),
            mine.iter().map(summary).collect::<Vec<_>>(),
            "mirror, one unit, {today}"
        );
        // 我的任务's rows: a reporting unit's rows with their newest and returned reports, the
        // reports kept with the days (the fixed ones too, so that they are patched) — as the
        // full read gives them.
        let scope = TrackScope {
            unit: Some(self.unit.clone()),
            ..TrackScope::default()
        };
        let with_reports = self.tracked_as_read(db, &scope, &days, "one unit").await;
        self.with_reports
            .fetch_add(with_reports, std::sync::atomic::Ordering::Relaxed);
        // An item page's rows (one work item, every unit of it), likewise.
        if let Some(first) = full.first() {
            let scope = TrackScope {
                plan: Some(first.plan_code.clone()),
                item: Some(first.item_number),
                ..TrackScope::default()
            };
            self.tracked_as_read(db, &scope, &days, "one item").await;
        }
    }

    /// The mirror's rows of `scope` with their reports on each of `days` against the full
    /// read's; how many had a newest report.
    async fn tracked_as_read(
        &self,
        db: &TestDb,
        scope: &TrackScope,
        days: &[NaiveDate],
        what: &str,
    ) -> usize {
        let mut with_reports = 0;
        for &d in days {
            let full = db.store.tracked(scope, d, 15).await.expect("full read");
            let kept = self
                .mirror
                .tracked(&self.store, scope, d, 15)
                .await
                .expect("mirror with reports");
            assert_eq!(full.len(), kept.len(), "{what}, {d}: rows");
            for (a, b) in full.iter().zip(&kept) {
                assert_eq!(summary(a), summary(b), "{what}, {d}");
                assert_eq!(a.last_report, b.last_report, "{what}: newest report, {d}");
                assert_eq!(a.returned, b.returned, "{what}: returned report, {d}");
                with_reports += usize::from(a.last_report.is_some());
            }
        }
        with_reports
    }
}

async fn kept_facts_give_the_full_recomputation_on_random_histories(db: &TestDb) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../seed");
    let seed = sanzhi_seed::load_dir(&dir).expect("shipped seed");
    db.store.load_seed(&seed).await.expect("seed");
    let all = db
        .store
        .tracked(&TrackScope::default(), day(2018, 6, 1), 15)
        .await
        .expect("assignments");
    let mut rng = Rng(2026);
    // Forty assignments across the three plans, so that histories overlap on them.
    let targets: Vec<Target> = (0..40)
        .map(|_| {
            let t = rng.pick(&all);
            Target {
                id: t.assignment_id,
                plan: t.plan_code.clone(),
                item: t.item_number,
                milestones: t.milestones.len(),
            }
        })
        .collect();
    let mirror = Mirror {
        store: Store::connect(&db.url)
            .await
            .expect("a second app server's pool"),
        mirror: StatusMirror::new(),
        days: vec![day(2018, 12, 31), day(2019, 6, 30), day(2020, 12, 31)],
        compared: Default::default(),
        with_reports: Default::default(),
        // The unit of the first assignment written to (some of its rows have reports).
        unit: all
            .iter()
            .find(|t| t.assignment_id == targets[0].id)
            .map(|t| t.unit.clone())
            .expect("a target's unit"),
    };
    let writes = write_history(db, &mut rng, &targets, &mirror).await;
    assert!(writes > 100, "{writes} writes");
    // The mirror followed the writes by patching the days it held.
    let (_, patched) = mirror.mirror.counts();
    assert!(patched > 20, "{patched} days patched");
    // One more report through the first server: the second's mirror reads that assignment's
    // rows for each day it holds, and no whole day.
    let end = day(2020, 10, 20);
    mirror.check(db, end).await;
    let (whole, patched) = mirror.mirror.counts();
    let t = &targets[1];
    let reports = db.store.reports(t.id).await.expect("reports");
    let report = NewReport {
        assignment_id: t.id,
        expected_version: reports.last().map_or(0, |r| r.version),
        state: ReportState::Done,
        milestone_seq: None,
        reported_on: end,
        achieved: None,
        narrative: "最后一次".into(),
        evidence: vec![],
        reporter: "测试".into(),
        corrects_id: None,
        is_demo: false,
        submission_key: None,
        files: vec![],
    };
    db.store
        .add_report(&report, noon(end))
        .await
        .expect("report")
        .expect("no conflict");
    mirror.check(db, end).await;
    let (whole_after, patched_after) = mirror.mirror.counts();
    assert_eq!(whole_after, whole, "whole days read after one report");
    // The four days asked for, and any other day still held.
    assert!(patched_after >= patched + 4, "{patched} → {patched_after}");
    let compared = mirror.compared.load(std::sync::atomic::Ordering::Relaxed);
    assert!(compared > 10_000, "mirror: {compared} compared");
    let with_reports = mirror
        .with_reports
        .load(std::sync::atomic::Ordering::Relaxed);
    assert!(
        with_reports > 50,
        "mirror: {with_reports} rows with reports compared"
    );

    let mut days: Vec<NaiveDate> = (0..24)
        .map(|_| day(2018, 5, 1) + Days::new(rng.below(1200)))
        .collect();
    // Days just before the deadlines the phrases name (due soon), and around the plans' end.
    days.extend([
        day(2018, 6, 20),
        day(2018, 12, 20),
        day(2019, 6, 25),
        day(2020, 12, 20),
    ]);
    days.push(day(2020, 12, 31));
    days.push(day(2021, 1, 1));
    let mut compared = compare(db, &TrackScope::default(), &days).await;
    // A unit's own rows (the scoped read goes by assignment id).
    let unit = all
        .iter()
        .find(|t| t.assignment_id == targets[0].id)
        .map(|t| t.unit.clone());
    let scope = TrackScope {
        unit,
        ..TrackScope::default()
    };
    compared += compare(db, &scope, &days).await;
    assert!(compared > 10_000, "{compared} compared");

    // The statuses reached cover the ways a status can be: a comparison of 未启动 alone would
    // prove little.
    let kept = db
        .store
        .statuses_on_days(&TrackScope::default(), &days, 15)
        .await
        .expect("kept");
    let mut statuses: HashMap<&str, usize> = HashMap::new();
    for t in kept.iter().flatten() {
        if targets.iter().any(|x| x.id == t.assignment_id) {
            *statuses.entry(t.assessment.status.as_str()).or_default() += 1;
        }
    }
    for s in [
        "overdue",
        "due_soon",
        "in_progress",
        "done",
        "done_late",
        "lapsed",
    ] {
        assert!(statuses.get(s).is_some_and(|n| *n > 0), "{s}: {statuses:?}");
    }

    // The facts kept write by write equal the facts built from scratch.
    let before = db.store.status_fact_rows().await.expect("rows");
    assert!(before.len() > 40, "{} rows", before.len());
    db.store.rebuild_status_facts().await.expect("rebuild");
    assert_eq!(db.store.status_fact_rows().await.expect("rows"), before);
}
