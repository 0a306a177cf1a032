use super::*;
use crate::chrono::{TimeZone, Utc};
use crate::{Assessment, Report, ReportState, Review, ReviewDecision};

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("day")
}

fn tracked(id: i64, unit: &str, status: Status, due: Option<&str>, as_of: &str) -> Tracked {
    let next_due = due.map(day);
    Tracked {
        plan_status: crate::PlanStatus::Active,
        plan_closed_on: None,
        assignment_id: id,
        plan_code: "water".into(),
        plan_short_name: "治水".into(),
        task_number: 1,
        item_number: i32::try_from(id).expect("small"),
        item_text: format!("第{id}项工作\n第二行").into(),
        unit: unit.into(),
        via: String::new(),
        milestones: Vec::new(),
        assessment: Assessment {
            status,
            next_due,
            days_left: next_due.map(|d| (d - day(as_of)).num_days()),
            missed_periods: 0,
            fell_due: 0,
            met_on_time: 0,
        },
        last_report: None,
        last_reported_on: None,
        last_late_filed: false,
        report_count: 0,
        awaiting_review: false,
        returned: None,
    }
}

fn returned(t: &mut Tracked, at: &str) {
    let when = Utc
        .with_ymd_and_hms(day(at).year(), day(at).month(), day(at).day(), 2, 0, 0)
        .single()
        .expect("time");
    t.returned = Some(Box::new(Report {
        id: 900,
        assignment_id: t.assignment_id,
        version: 1,
        state: ReportState::Done,
        milestone_seq: None,
        reported_on: day(at),
        achieved: None,
        narrative: String::new(),
        evidence: Vec::new(),
        reporter: "r".into(),
        corrects_id: None,
        is_demo: false,
        created_at: when,
        late_filed: false,
        review: Some(Review {
            id: 1,
            report_id: 900,
            decision: ReviewDecision::Returned,
            reason: "缺少*验收*材料".into(),
            reviewer: "治水办".into(),
            reviewed_on: day(at),
            is_demo: false,
            created_at: when,
            accepts_claimed_day: false,
        }),
    }));
}

fn settings() -> BTreeMap<String, ReminderSettings> {
    BTreeMap::new()
}

#[test]
fn webhook_addresses_are_masked() {
    assert_eq!(
        mask_url("https://oapi.dingtalk.com/robot/send?access_token=abcdef123456"),
        "https://oapi.dingtalk.com/robot/s…"
    );
    assert_eq!(mask_url("http://127.0.0.1:9/x"), "http://127.0.0.1:9/x");
}

#[test]
fn lead_times_parse_and_are_checked() {
    let s = ReminderSettings::parse("3， 7、0 7", "2").expect("ok");
    assert_eq!(s.lead_days, vec![7, 3, 0]);
    assert_eq!(s.lead_days_text(), "7,3,0");
    assert_eq!(
        ReminderSettings::parse("", "2").expect_err("empty").field,
        "lead_days"
    );
    assert!(ReminderSettings::parse("61", "2")
        .expect_err("long")
        .reason
        .contains("60"));
    assert!(ReminderSettings::parse("七", "2")
        .expect_err("word")
        .reason
        .contains("七"));
    assert_eq!(
        ReminderSettings::parse("1,2,3,4,5,6", "2")
            .expect_err("many")
            .field,
        "lead_days"
    );
    assert_eq!(
        ReminderSettings::parse("7", "0").expect_err("zero").field,
        "urge_limit"
    );
}

#[test]
fn due_lines_fall_on_the_lead_days_only() {
    // Friday 2018-08-10.
    let d = "2018-08-10";
    let today = vec![
        tracked(1, "开化县政府", Status::DueSoon, Some("2018-08-17"), d), // 7 days
        tracked(2, "开化县政府", Status::DueSoon, Some("2018-08-13"), d), // 3 days
        tracked(3, "开化县政府", Status::DueSoon, Some("2018-08-10"), d), // today
        tracked(4, "开化县政府", Status::DueSoon, Some("2018-08-14"), d), // 4 days: no
        tracked(5, "柯城区政府", Status::NotStarted, Some("2018-08-17"), d), // 7 days
        tracked(6, "柯城区政府", Status::Done, Some("2018-08-17"), d),    // done: no
    ];
    let got = digests(&DayFacts {
        day: day(d),
        today: &today,
        yesterday: &today,
        urges: &[],
        settings: &settings(),
    });
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].unit, "开化县政府");
    let days: Vec<i64> = got[0]
        .lines
        .iter()
        .map(|l| match l {
            DigestLine::DueIn { days, .. } => *days,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(days.len(), 3);
    assert!(days.contains(&7) && days.contains(&3) && days.contains(&0));
    assert_eq!(got[1].unit, "柯城区政府");
    assert_eq!(got[1].lines.len(), 1);
    // A plan's own lead times replace the defaults.
    let mut own = settings();
    own.insert(
        "water".into(),
        ReminderSettings::parse("4", "2").expect("ok"),
    );
    let got = digests(&DayFacts {
        day: day(d),
        today: &today,
        yesterday: &today,
        urges: &[],
        settings: &own,
    });
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].lines.len(), 1);
    assert_eq!(got[0].lines[0].item().assignment_id, 4);
}

#[test]
fn overdue_is_told_once_then_on_mondays() {
    // Tuesday 2018-08-14: item 1 overdue since today, item 2 since last week.
    let d = "2018-08-14";
    let today = vec![
        tracked(1, "开化县政府", Status::Overdue, Some("2018-08-13"), d),
        tracked(2, "开化县政府", Status::Overdue, Some("2018-08-01"), d),
    ];
    let yesterday = vec![
        tracked(
            1,
            "开化县政府",
            Status::DueSoon,
            Some("2018-08-13"),
            "2018-08-13",
        ),
        tracked(
            2,
            "开化县政府",
            Status::Overdue,
            Some("2018-08-01"),
            "2018-08-13",
        ),
    ];
    let got = digests(&DayFacts {
        day: day(d),
        today: &today,
        yesterday: &yesterday,
        urges: &[],
        settings: &settings(),
    });
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].lines.len(), 1, "{:?}", got[0].lines);
    assert!(matches!(
        got[0].lines[0],
        DigestLine::BecameOverdue { ref item, .. } if item.assignment_id == 1
    ));
    // Monday 2018-08-20: both are still overdue, told in the weekly section.
    let d = "2018-08-20";
    let today = vec![
        tracked(1, "开化县政府", Status::Overdue, Some("2018-08-13"), d),
        tracked(2, "开化县政府", Status::Overdue, Some("2018-08-01"), d),
    ];
    let got = digests(&DayFacts {
        day: day(d),
        today: &today,
        yesterday: &today,
        urges: &[],
        settings: &settings(),
    });
    assert_eq!(got[0].lines.len(), 2);
    assert!(got[0].lines.iter().all(|l| matches!(
        l,
        DigestLine::StillOverdue { days_late: Some(n), .. } if *n == 7 || *n == 19
    )));
    // Wednesday: nothing new, no digest at all.
    let d = "2018-08-22";
    let today = vec![tracked(
        1,
        "开化县政府",
        Status::Overdue,
        Some("2018-08-13"),
        d,
    )];
    let got = digests(&DayFacts {
        day: day(d),
        today: &today,
        yesterday: &today,
        urges: &[],
        settings: &settings(),
    });
    assert!(got.is_empty(), "never an empty digest: {got:?}");
}

#[test]
fn returns_and_urges_of_the_day_before_are_told() {
    let d = "2018-08-15"; // Wednesday
    let mut t = tracked(1, "开化县政府", Status::InProgress, Some("2018-12-31"), d);
    returned(&mut t, "2018-08-14");
    let mut old = tracked(2, "开化县政府", Status::InProgress, Some("2018-12-31"), d);
    returned(&mut old, "2018-08-01");
    let today = vec![t, old];
    let urge = Urge {
        id: 7,
        assignment_id: 2,
        plan_code: "water".into(),
        item_number: 2,
        unit: "开化县政府".into(),
        message: "请[尽快](http://x)报送".into(),
        reply_by: Some(day("2018-08-20")),
        by: "治水办".into(),
        // 2018-08-14 20:00 China time.
        at: Utc
            .with_ymd_and_hms(2018, 8, 14, 12, 0, 0)
            .single()
            .expect("t"),
        is_demo: false,
        answer: None,
    };
    let got = digests(&DayFacts {
        day: day(d),
        today: &today,
        yesterday: &today,
        urges: std::slice::from_ref(&urge),
        settings: &settings(),
    });
    assert_eq!(got.len(), 1);
    let lines = &got[0].lines;
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(matches!(lines[0], DigestLine::Urged { urge_id: 7, .. }));
    assert!(matches!(lines[1], DigestLine::Returned { ref item, .. } if item.assignment_id == 1));
    // The markdown links each line and escapes the user's text.
    let md = got[0].markdown("https://sanzhi.example/");
    assert!(
        md.contains("(https://sanzhi.example/plans/water/items/2)"),
        "{md}"
    );
    assert!(md.contains(r"请\[尽快\]\(http://x\)报送"), "{md}");
    assert!(md.contains(r"缺少\*验收\*材料"), "{md}");
    assert!(md.contains("**收到催办**"));
    let text = got[0].text("https://sanzhi.example");
    assert!(text.contains("https://sanzhi.example/plans/water/items/1"));
    assert!(got[0].title_zh().starts_with("开化县政府 8月15日提醒："));
    // In English: the title and every line, the user's text as written.
    assert_eq!(
        got[0].title(true),
        "开化县政府, reminders of 15 Aug: urged (催办) 1, returned, to answer 1"
    );
    assert_eq!(
        got[0].lines[0].what(true),
        "urged by 治水办: 请[尽快](http://x)报送 (reply by 2018-08-20)"
    );
    assert!(got[0].lines[1]
        .what_en()
        .starts_with("done report returned by "));
    assert_eq!(
        Section::StillOverdue.title(true),
        "Still overdue (every Monday)"
    );
    let line = |days| DigestLine::DueIn {
        item: got[0].lines[0].item().clone(),
        due: day("2018-08-16"),
        days,
    };
    assert_eq!(line(0).what_en(), "due today (2018-08-16)");
    assert_eq!(line(1).what_en(), "due in 1 day (2018-08-16)");
    assert_eq!(line(3).what(false), "3 天后（2018-08-16）到期");
    // The urge made today is told tomorrow, not today.
    let got = digests(&DayFacts {
        day: day("2018-08-14"),
        today: &today[..1],
        yesterday: &today[..1],
        urges: std::slice::from_ref(&urge),
        settings: &settings(),
    });
    assert!(got.iter().all(|g| g
        .lines
        .iter()
        .all(|l| !matches!(l, DigestLine::Urged { .. }))));
}

#[test]
fn urges_are_checked_and_supervision_counts_them() {
    let today = day("2018-08-15");
    assert_eq!(
        check_urge("  ", None, today).expect_err("empty").field,
        "message"
    );
    assert_eq!(
        check_urge("请报送", Some("2018-08-14"), today)
            .expect_err("past")
            .field,
        "reply_by"
    );
    assert_eq!(
        check_urge("请报送", Some("8月20日"), today)
            .expect_err("bad")
            .field,
        "reply_by"
    );
    assert_eq!(
        check_urge("请报送", Some("2018-08-20"), today).expect("ok"),
        ("请报送".to_owned(), Some(day("2018-08-20")))
    );
    assert!(check_answer(&"字".repeat(1001)).is_err());
    let t = tracked(
        1,
        "开化县政府",
        Status::Overdue,
        Some("2018-08-01"),
        "2018-08-15",
    );
    let urge = |id, d: u32| Urge {
        id,
        assignment_id: 1,
        plan_code: "water".into(),
        item_number: 1,
        unit: "开化县政府".into(),
        message: "催".into(),
        reply_by: None,
        by: "治水办".into(),
        at: Utc
            .with_ymd_and_hms(2018, 8, d, 2, 0, 0)
            .single()
            .expect("t"),
        is_demo: false,
        answer: None,
    };
    let (a, b) = (urge(1, 2), urge(2, 10));
    assert!(!is_supervised(&t, &[&a], today, 2));
    assert!(is_supervised(&t, &[&a, &b], today, 2));
    // Counted as of the day: on 08-05 only one had been made.
    assert!(!is_supervised(&t, &[&a, &b], day("2018-08-05"), 2));
    let done = tracked(1, "开化县政府", Status::DoneLate, None, "2018-08-15");
    assert!(!is_supervised(&done, &[&a, &b], today, 2));
    assert!(may_urge(&t));
    assert!(!may_urge(&done));
    let lapsed = tracked(
        1,
        "开化县政府",
        Status::Lapsed,
        Some("2018-08-01"),
        "2021-01-05",
    );
    assert!(may_urge(&lapsed));
    assert!(is_supervised(&lapsed, &[&a, &b], day("2021-01-05"), 2));
    let later = tracked(
        1,
        "开化县政府",
        Status::NotStarted,
        Some("2019-08-01"),
        "2018-08-15",
    );
    assert!(!may_urge(&later));
}
