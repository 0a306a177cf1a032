//! Demo progress: a deterministic generator of progress reports across 2018–2020 for the
//! seeded plans, so that every view has something to show. Every report it writes is marked
//! `is_demo`, says 【演示】 in its text, and is signed by 演示数据生成器; the interface labels
//! pages that include them. Done reports get demo reviews (签收, or 退回 then 签收), marked
//! and signed the same way. It is never loaded unless asked for (`sanzhi demo`,
//! `sanzhi serve --demo`).
//!
//! Files: `readings.rs` (demo readings), `reminders.rs` (demo 催办 and digests); this file
//! has the demo reports and what loads them.

use sanzhi_domain::chrono::{Days, NaiveDate, TimeZone, Utc};
use sanzhi_domain::{Deadline, NewReport, NewReview, ReportState, ReviewDecision, Tracked};
use sanzhi_store::{DemoReport, Store, StoreError, TrackScope};

mod readings;
mod reminders;

pub use readings::*;
pub use reminders::*;

pub const DEMO_REPORTER: &str = "演示数据生成器";

const LAST_DAY: (i32, u32, u32) = (2020, 12, 31);

/// A small, stable pseudo-random stream seeded from the assignment's identity (plan, item,
/// unit) — not from database ids, so every database gets the same demo.
use sanzhi_domain::rng::SplitMix64 as Rng;

/// How an assignment behaves in the demo.
#[derive(Clone, Copy)]
enum Profile {
    OnTime,
    Late,
    Slow,
    Silent,
}

fn day(d: NaiveDate, plus: i64) -> NaiveDate {
    if plus >= 0 {
        d.checked_add_days(Days::new(plus.unsigned_abs()))
            .unwrap_or(d)
    } else {
        d.checked_sub_days(Days::new(plus.unsigned_abs()))
            .unwrap_or(d)
    }
}

fn report(
    t: &Tracked,
    on: NaiveDate,
    state: ReportState,
    milestone_seq: Option<i32>,
    what: &str,
) -> NewReport {
    NewReport {
        assignment_id: t.assignment_id,
        expected_version: 0,
        state,
        milestone_seq,
        reported_on: on,
        achieved: None,
        narrative: format!(
            "【演示】{}：{}（{} ({})）",
            t.unit, what, t.plan_short_name, t.item_number
        ),
        evidence: vec![],
        reporter: DEMO_REPORTER.to_owned(),
        corrects_id: None,
        is_demo: true,
        submission_key: None,
        files: Vec::new(),
    }
}

/// Why the demo coordinator returns a report.
const DEMO_RETURN_REASON: &str = "【演示】佐证材料不全：请补充验收文件后重新报送";

/// The coordinator's demo decisions: every done report is reviewed 2–10 days after its day;
/// about one in eight is returned first, and the unit reports it done again two to four weeks
/// later, which is accepted. Done reports of the demo's last six weeks are left waiting, so
/// that the 待签收 queue has something in it.
fn with_reviews(t: &Tracked, reports: Vec<NewReport>) -> Vec<(NewReport, Option<NewReview>)> {
    let mut rng = Rng::for_key(&format!(
        "review/{}/{}/{}",
        t.plan_code, t.item_number, t.unit
    ));
    let review = |on: NaiveDate, decision, reason: &str, rng: &mut Rng| NewReview {
        report_id: 0,
        decision,
        reason: reason.to_owned(),
        reviewer: DEMO_REPORTER.to_owned(),
        reviewed_on: day(on, 2 + rng.below(9) as i64),
        is_demo: true,
        accepts_claimed_day: false,
    };
    let mut out = Vec::new();
    let waiting_from = NaiveDate::from_ymd_opt(LAST_DAY.0, 11, 20);
    for r in reports {
        if r.state != ReportState::Done || waiting_from.is_some_and(|w| r.reported_on >= w) {
            out.push((r, None));
            continue;
        }
        if rng.below(8) == 0 {
            let returned = review(
                r.reported_on,
                ReviewDecision::Returned,
                DEMO_RETURN_REASON,
                &mut rng,
            );
            let mut again = r.clone();
            again.reported_on = day(returned.reviewed_on, 14 + rng.below(15) as i64);
            again.narrative = format!("{}（已补充验收材料）", r.narrative);
            let accepted = review(again.reported_on, ReviewDecision::Accepted, "", &mut rng);
            out.push((r, Some(returned)));
            out.push((again, Some(accepted)));
        } else {
            let accepted = review(r.reported_on, ReviewDecision::Accepted, "", &mut rng);
            out.push((r, Some(accepted)));
        }
    }
    out.sort_by_key(|(r, _)| r.reported_on);
    out
}

/// The demo reports of one assignment, in date order. `monthly_notes`: units that report at
/// all also send a progress note in about half the months (the benchmark's scale data).
fn reports_for(t: &Tracked, start: NaiveDate, monthly_notes: bool) -> Vec<NewReport> {
    let last = NaiveDate::from_ymd_opt(LAST_DAY.0, LAST_DAY.1, LAST_DAY.2).unwrap_or(start);
    let mut rng = Rng::for_key(&format!("{}/{}/{}", t.plan_code, t.item_number, t.unit));
    let profile = match rng.below(100) {
        0..=44 => Profile::OnTime,
        45..=64 => Profile::Late,
        65..=84 => Profile::Slow,
        _ => Profile::Silent,
    };
    let mut out = Vec::new();
    if matches!(profile, Profile::Silent) {
        return out;
    }
    // A first report a few weeks after the plan was issued.
    out.push(report(
        t,
        day(start, 10 + rng.below(40) as i64),
        ReportState::InProgress,
        None,
        "已制定工作方案，正在推进",
    ));
    let mut any_dated = false;
    for (i, m) in t.milestones.iter().enumerate() {
        let seq = i32::try_from(i + 1).ok();
        match &m.deadline {
            Deadline::By { due, .. } => {
                any_dated = true;
                let on = match profile {
                    Profile::OnTime => day(*due, -(rng.below(20) as i64)),
                    Profile::Late => day(*due, 5 + rng.below(60) as i64),
                    // Slow: still working, a progress note a month before the date.
                    Profile::Slow | Profile::Silent => {
                        out.push(report(
                            t,
                            day(*due, -30),
                            ReportState::InProgress,
                            None,
                            &format!("“{}”部分正在推进", m.phrase),
                        ));
                        continue;
                    }
                };
                out.push(report(
                    t,
                    on,
                    ReportState::Done,
                    seq,
                    &format!("“{}”部分已完成", m.phrase),
                ));
            }
            Deadline::Recurring { .. } => {
                // Monthly reports; the slow and late skip some months.
                let skip = match profile {
                    Profile::OnTime => 0,
                    Profile::Late => 6,
                    Profile::Slow | Profile::Silent => 3,
                };
                let mut month = start;
                while month <= last {
                    if skip == 0 || rng.below(skip) != 0 {
                        out.push(report(
                            t,
                            day(month, 20 + rng.below(8) as i64),
                            ReportState::InProgress,
                            None,
                            "本月情况已按要求报送",
                        ));
                    }
                    month = month
                        .checked_add_months(sanzhi_domain::chrono::Months::new(1))
                        .unwrap_or(last);
                    if month == last {
                        break;
                    }
                }
            }
            Deadline::From { .. }
            | Deadline::Continuous
            | Deadline::EventRelative { .. }
            | Deadline::Contingent { .. }
            | Deadline::Unconfirmed { .. } => {}
        }
    }
    if monthly_notes {
        let mut month = start;
        while month < last {
            if rng.below(2) == 0 {
                out.push(report(
                    t,
                    day(month, 24),
                    ReportState::InProgress,
                    None,
                    "本月工作进展",
                ));
            }
            month = month
                .checked_add_months(sanzhi_domain::chrono::Months::new(1))
                .unwrap_or(last);
        }
    }
    if !any_dated && matches!(profile, Profile::OnTime) {
        out.push(report(
            t,
            day(start, 120 + rng.below(400) as i64),
            ReportState::Done,
            None,
            "工作已落实到位",
        ));
    }
    out.retain(|r| r.reported_on >= start && r.reported_on <= last);
    out.sort_by_key(|r| r.reported_on);
    out
}

/// Why `sanzhi serve --demo` must not start on this database, in Chinese; `None` when it may
/// (a fresh database, or one that only ever held demo data). `--demo` re-activates the demo
/// accounts (an admin among them) and prints their new passwords: on a database with real
/// data — any progress report not marked demo, or any account not marked demo — that would
/// open it to whoever reads the console.
pub async fn refusal(store: &Store) -> Result<Option<String>, StoreError> {
    let sanzhi_store::RealDataCounts { reports, users } = store.real_data_counts().await?;
    if reports == 0 && users == 0 {
        return Ok(None);
    }
    let mut what = Vec::new();
    if reports > 0 {
        what.push(format!("{reports} 条真实（非演示）进展报告"));
    }
    if users > 0 {
        what.push(format!("{users} 个真实（非演示）账号"));
    }
    Ok(Some(format!(
        "拒绝以 --demo 启动：数据库中已有真实数据（{}）。--demo 会重新启用演示账号（含系统管理员）并打印其密码，\
         只能用于新建的或只有演示数据的数据库。数据库未作任何改动；请去掉 --demo 启动，或为演示另建一个数据库（DATABASE_URL）。",
        what.join("、")
    )))
}

/// Replaces the demo reports with a fresh, deterministic set. Real reports are untouched.
pub async fn load(store: &Store) -> Result<u64, StoreError> {
    load_with(store, false).await
}

/// [`load`], with monthly progress notes when `monthly_notes` (see [`reports_for`]).
pub async fn load_with(store: &Store, monthly_notes: bool) -> Result<u64, StoreError> {
    store.clear_demo_reports().await?;
    let last = NaiveDate::from_ymd_opt(LAST_DAY.0, LAST_DAY.1, LAST_DAY.2)
        .ok_or_else(|| StoreError::Corrupt("demo end date".to_owned()))?;
    let all = store
        .tracked(
            &TrackScope::default(),
            last,
            sanzhi_domain::status::DUE_SOON_DAYS,
        )
        .await?;
    let start = NaiveDate::from_ymd_opt(2018, 6, 1)
        .ok_or_else(|| StoreError::Corrupt("demo start date".to_owned()))?;
    let mut reports: Vec<DemoReport> = Vec::new();
    for t in &all {
        for (r, review) in with_reviews(t, reports_for(t, start, monthly_notes)) {
            // Made at 09:00 China time on the day it speaks for.
            let created = r
                .reported_on
                .and_hms_opt(1, 0, 0)
                .map(|n| Utc.from_utc_datetime(&n))
                .ok_or_else(|| StoreError::Corrupt("demo time".to_owned()))?;
            reports.push(DemoReport {
                report: r,
                created_at: created,
                review,
            });
        }
    }
    store.insert_demo_reports(&reports).await
}
