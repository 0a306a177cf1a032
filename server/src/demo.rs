//! Demo progress: a deterministic generator of progress reports across 2018–2020 for the
//! seeded plans, so that every view has something to show. Every report it writes is marked
//! `is_demo`, says 【演示】 in its text, and is signed by 演示数据生成器; the interface labels
//! pages that include them. Done reports get demo reviews (签收, or 退回 then 签收), marked
//! and signed the same way. It is never loaded unless asked for (`sanzhi demo`,
//! `sanzhi serve --demo`).

use sanzhi_domain::chrono::{Days, NaiveDate, TimeZone, Utc};
use sanzhi_domain::{Deadline, NewReport, NewReview, ReportState, ReviewDecision, Tracked};
use sanzhi_store::{DemoReport, Store, StoreError, TrackScope};

pub const DEMO_REPORTER: &str = "演示数据生成器";
const LAST_DAY: (i32, u32, u32) = (2020, 12, 31);

/// A small, stable pseudo-random stream (splitmix64) seeded from the assignment's identity
/// (plan, item, unit) — not from database ids, so every database gets the same demo.
struct Rng(u64);

impl Rng {
    fn for_key(key: &str) -> Rng {
        // FNV-1a over the key's bytes.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in key.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        Rng(h)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

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
    let (reports, users) = store.real_data_counts().await?;
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

/// The months of the demo readings.
const READING_YEARS: std::ops::RangeInclusive<i32> = 2018..=2020;

fn round_to(v: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (v * f).round() / f
}

impl Rng {
    /// A number in `lo..hi`.
    fn between(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * (self.below(10_000) as f64 / 10_000.0)
    }
}

/// Plausible monthly readings for 2018–2020, deterministic: PM2.5 by area with a winter peak
/// around each area's target (some areas above it), the six section parameters mostly within
/// the target class with an occasional exceedance, drains around the limit in force, and the
/// soil rates around their goals. Every note says 【演示】.
pub fn readings(
    places: &sanzhi_domain::Places,
    targets: &sanzhi_domain::IndicatorTargets,
) -> Vec<sanzhi_domain::NewReading> {
    use sanzhi_domain::water::Parameter;
    use sanzhi_domain::{NewReading, ReadingKey};
    const SEASON: [f64; 12] = [
        1.45, 1.3, 1.1, 0.95, 0.85, 0.7, 0.6, 0.62, 0.75, 0.9, 1.15, 1.4,
    ];
    let note = "【演示】演示数据生成器生成，非真实监测值".to_owned();
    let mut out = Vec::new();
    let mut push =
        |indicator: &str, place: &str, year: i32, month: u32, value: f64, days: Option<u32>| {
            out.push(NewReading {
                key: ReadingKey {
                    indicator: indicator.to_owned(),
                    place: place.to_owned(),
                    year,
                    month,
                },
                value,
                valid_days: days,
                provisional: false,
                note: note.clone(),
            });
        };
    for area in &places.areas {
        let mut bias_rng = Rng::for_key(&format!("pm25-bias/{area}"));
        let bias = bias_rng.between(0.9, 1.12);
        for year in READING_YEARS {
            let target = targets
                .pm25
                .iter()
                .find(|t| &t.area == area && t.year == year)
                .map_or(40.0, |t| t.value);
            for month in 1..=12u32 {
                let mut rng = Rng::for_key(&format!("pm25/{area}/{year}/{month}"));
                let season = SEASON[usize::try_from(month - 1).unwrap_or(0)];
                let value = round_to(target * bias * season * rng.between(0.92, 1.08) / 0.99, 1);
                let in_month = NaiveDate::from_ymd_opt(year, month, 1)
                    .and_then(|d| d.checked_add_months(sanzhi_domain::chrono::Months::new(1)))
                    .and_then(|d| d.pred_opt())
                    .map_or(30, |d| sanzhi_domain::chrono::Datelike::day(&d));
                // Now and then a month with a broken analyser: too few valid days.
                let days = if rng.below(40) == 0 {
                    in_month - 8
                } else {
                    in_month - u32::try_from(rng.below(3)).unwrap_or(0)
                };
                push("pm25", area, year, month, value, Some(days));
            }
        }
    }
    for s in &targets.sections {
        let limit_of = |p: Parameter| p.limit_for(s.target_class, s.reservoir).unwrap_or(1.0);
        for year in READING_YEARS {
            for month in 1..=12u32 {
                for p in Parameter::ALL {
                    let mut rng = Rng::for_key(&format!("water/{}/{year}/{month}/{p:?}", s.name));
                    let limit = limit_of(p);
                    let exceed = rng.below(30) == 0;
                    let value = if matches!(p, Parameter::DissolvedOxygen) {
                        if exceed {
                            limit * rng.between(0.7, 0.95)
                        } else {
                            limit * rng.between(1.05, 1.5)
                        }
                    } else if exceed {
                        limit * rng.between(1.1, 1.6)
                    } else {
                        limit * rng.between(0.45, 0.95)
                    };
                    let code = sanzhi_domain::reading::water_indicator(p).code;
                    push(code, &s.name, year, month, round_to(value, 3), None);
                }
            }
        }
    }
    let mut drains: Vec<(String, sanzhi_domain::WaterParameter)> = Vec::new();
    for l in &targets.drains {
        if !drains.contains(&(l.drain.clone(), l.parameter)) {
            drains.push((l.drain.clone(), l.parameter));
        }
    }
    for (drain, parameter) in drains {
        let code = match parameter {
            sanzhi_domain::WaterParameter::Cod => "drain.cod",
            sanzhi_domain::WaterParameter::Nh3N => "drain.nh3n",
        };
        for year in READING_YEARS {
            for month in 1..=12u32 {
                let Some(on) = NaiveDate::from_ymd_opt(year, month, 1) else {
                    continue;
                };
                let Some(limit) =
                    sanzhi_domain::standing::drain_limit_on(&targets.drains, &drain, parameter, on)
                else {
                    continue;
                };
                let mut rng = Rng::for_key(&format!("drain/{drain}/{code}/{year}/{month}"));
                push(
                    code,
                    &drain,
                    year,
                    month,
                    round_to(limit * rng.between(0.55, 1.12), 2),
                    None,
                );
            }
        }
    }
    for d in sanzhi_domain::CATALOGUE
        .iter()
        .filter(|d| d.metric.is_some())
    {
        let metric = d.metric.unwrap_or_default();
        let goal = |y: i32| {
            targets
                .rates
                .iter()
                .find(|g| g.metric == metric && g.year == y)
                .map(|g| g.percent)
        };
        for year in READING_YEARS {
            let Some(g) = goal(year).or_else(|| Some((goal(year - 1)? + goal(year + 1)?) / 2.0))
            else {
                continue;
            };
            for month in [6u32, 12] {
                let mut rng = Rng::for_key(&format!("rate/{metric}/{year}/{month}"));
                let v =
                    (g + rng.between(-1.5, 2.0) - if month == 6 { 1.0 } else { 0.0 }).min(100.0);
                push(
                    d.code,
                    sanzhi_domain::CITY,
                    year,
                    month,
                    round_to(v, 1),
                    None,
                );
            }
        }
    }
    out
}

/// Replaces the demo readings with a fresh set; keys that have a real reading are left to it.
pub async fn load_readings(store: &Store) -> Result<u64, StoreError> {
    store.clear_demo_readings().await?;
    let places = store.reading_places().await?;
    let targets = store.indicator_targets().await?;
    let real: std::collections::HashSet<sanzhi_domain::ReadingKey> = store
        .readings(&sanzhi_store::ReadingFilter::years(
            *READING_YEARS.start(),
            *READING_YEARS.end(),
        ))
        .await?
        .into_iter()
        .filter(|r| !r.is_demo)
        .map(|r| r.key)
        .collect();
    let demo: Vec<_> = readings(&places, &targets)
        .into_iter()
        .filter(|r| !real.contains(&r.key))
        .collect();
    let at = Utc
        .with_ymd_and_hms(2021, 1, 5, 1, 0, 0)
        .single()
        .ok_or_else(|| StoreError::Corrupt("demo time".to_owned()))?;
    let written = store
        .write_readings(&demo, sanzhi_domain::ReadingSource::Demo, DEMO_REPORTER, at)
        .await?;
    Ok(written.inserted + written.replaced + written.unchanged)
}

/// The demo's reminders, around its day (2019-03-31), all labelled demo: 催办 of overdue water
/// and air work of 开化 and 柯城 (two answered, one awaiting its answer, one unit pressed twice
/// and so 督办), the digests of the demo's last week in their inboxes, and January and
/// February 2019 closed as 通报 — January with one report filed after it was closed (通报后更正).
/// Returns (催办, digests, closed months).
pub async fn load_reminders(store: &Store) -> anyhow::Result<(usize, usize, usize)> {
    use anyhow::Context;
    let at = |d: NaiveDate, hour_china: u32| {
        d.and_hms_opt(hour_china.saturating_sub(8), 0, 0)
            .map(|n| Utc.from_utc_datetime(&n))
            .context("demo time")
    };
    let ymd = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).context("demo day");
    // The months first, from the demo's reports as they were then.
    let mut months = 0;
    for (m, doc_no, closed) in [
        (1, "【演示】衢三治办〔2019〕1号", ymd(2019, 2, 3)?),
        (2, "【演示】衢三治办〔2019〕2号", ymd(2019, 3, 4)?),
    ] {
        app::overview::inner::close_month(
            store,
            &format!("2019-{m:02}"),
            doc_no,
            ("demo", "【演示】市治水办"),
            closed,
            at(closed, 9)?,
            true,
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        months += 1;
    }
    // A report for January filed after January was closed: listed beside its 通报.
    let overdue_on = |d: NaiveDate| async move {
        store
            .tracked(
                &TrackScope::default(),
                d,
                sanzhi_domain::status::DUE_SOON_DAYS,
            )
            .await
            .map(|rows| {
                rows.into_iter()
                    .filter(|t| {
                        t.assessment.status == sanzhi_domain::Status::Overdue
                            && matches!(t.unit.as_str(), "开化县政府" | "柯城区政府")
                    })
                    .collect::<Vec<_>>()
            })
    };
    // An assignment late at the end of January with nothing reported after the 25th.
    let mut january = None;
    for t in store
        .tracked(&TrackScope::default(), ymd(2019, 1, 31)?, 15)
        .await?
        .into_iter()
        .filter(|t| t.assessment.status == sanzhi_domain::Status::Overdue)
    {
        let reports = store.reports(t.assignment_id).await?;
        let cutoff = ymd(2019, 1, 25)?;
        if reports.iter().all(|r| r.reported_on <= cutoff) {
            january = Some((t, reports));
            break;
        }
    }
    if let Some((t, existing)) = january {
        let mut late = report(
            &t,
            ymd(2019, 1, 25)?,
            ReportState::InProgress,
            None,
            "一月进展（通报关闭后补报）",
        );
        late.expected_version = existing.iter().map(|r| r.version).max().unwrap_or(0);
        store
            .insert_demo_reports(&[DemoReport {
                report: late,
                created_at: at(ymd(2019, 2, 12)?, 10)?,
                review: None,
            }])
            .await?;
    }
    // 催办 in March.
    let late = overdue_on(ymd(2019, 3, 4)?).await?;
    let mut urges = 0;
    let plan = [
        (
            0_usize,
            5_u32,
            Some((7_u32, "【演示】已组织现场核查，整改方案本月报送")),
        ),
        (1, 12, Some((14, "【演示】项目已开工，进展报告已补报"))),
        (0, 20, None),
        (2, 25, None),
    ];
    for (which, day_of_march, answer) in plan {
        let Some(t) = late.get(which) else { continue };
        let on = ymd(2019, 3, day_of_march)?;
        let urge = store
            .add_urge(
                t.assignment_id,
                &format!(
                    "【演示】{} ({}) 已逾期，请抓紧推进并于一周内报送进展",
                    t.plan_short_name, t.item_number
                ),
                on.checked_add_days(Days::new(7)),
                "demo",
                "【演示】市治水办",
                at(on, 10)?,
                true,
            )
            .await?;
        urges += 1;
        if let Some((answer_day, note)) = answer {
            store
                .answer_urge(
                    urge.id,
                    note,
                    None,
                    DEMO_REPORTER,
                    at(ymd(2019, 3, answer_day)?, 15)?,
                )
                .await?;
        }
    }
    // The digests of the demo's last week, as the scheduler would have made them.
    let mut digests = 0;
    let mut d = ymd(2019, 3, 25)?;
    while d <= sanzhi_domain::report::demo_as_of() {
        let made = crate::remind::make_day(store, d, "demo", true, false, at(d, 8)?).await?;
        digests += made.written.map_or(0, |w| w.digests);
        d = d.succ_opt().context("day")?;
    }
    Ok((urges, digests, months))
}
