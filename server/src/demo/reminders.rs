//! Demo reminders: 催办 and their answers, digests, so that the inbox and the delivery pages
//! have something to show; all marked demo.

use super::*;

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
