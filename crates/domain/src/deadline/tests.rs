use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn due(phrase: &str) -> (NaiveDate, Precision) {
    match parse_deadline(phrase, 2018) {
        Ok(Deadline::By { due, precision }) => (due, precision),
        other => panic!("{phrase}: expected a dated milestone, got {other:?}"),
    }
}

#[test]
fn month_end_phrases_take_the_plan_year() {
    assert_eq!(due("6月底前"), (d(2018, 6, 30), Precision::Month));
    assert_eq!(due("7月底前"), (d(2018, 7, 31), Precision::Month));
    assert_eq!(due("10月底前"), (d(2018, 10, 31), Precision::Month));
    assert_eq!(due("12月底前"), (d(2018, 12, 31), Precision::Month));
    assert_eq!(due("6月底"), (d(2018, 6, 30), Precision::Month));
    assert_eq!(due("6月份"), (d(2018, 6, 30), Precision::Month));
    assert_eq!(due("9月"), (d(2018, 9, 30), Precision::Month));
    assert_eq!(due("2月底前"), (d(2018, 2, 28), Precision::Month));
}

#[test]
fn year_end_phrases() {
    assert_eq!(due("年底前"), (d(2018, 12, 31), Precision::Year));
    assert_eq!(due("年底"), (d(2018, 12, 31), Precision::Year));
    assert_eq!(due("年内"), (d(2018, 12, 31), Precision::Year));
    assert_eq!(due("今年内"), (d(2018, 12, 31), Precision::Year));
    assert_eq!(due("全年"), (d(2018, 12, 31), Precision::Year));
    assert_eq!(due("2019年底前"), (d(2019, 12, 31), Precision::Year));
    assert_eq!(due("2020年底前"), (d(2020, 12, 31), Precision::Year));
    assert_eq!(due("2019年底"), (d(2019, 12, 31), Precision::Year));
    assert_eq!(due("2018年"), (d(2018, 12, 31), Precision::Year));
    assert_eq!(due("到2020年"), (d(2020, 12, 31), Precision::Year));
    assert_eq!(due("2018—2020年"), (d(2020, 12, 31), Precision::Year));
    assert_eq!(due("明年底前"), (d(2019, 12, 31), Precision::Year));
}

#[test]
fn explicit_years_months_and_days() {
    assert_eq!(due("2019年6月底前"), (d(2019, 6, 30), Precision::Month));
    assert_eq!(due("2018年12月底前"), (d(2018, 12, 31), Precision::Month));
    assert_eq!(due("7月30日前"), (d(2018, 7, 30), Precision::Day));
    assert_eq!(due("2019年3月15日前"), (d(2019, 3, 15), Precision::Day));
    assert_eq!(due("9月10号前"), (d(2018, 9, 10), Precision::Day));
    assert_eq!(due("十二月底前"), (d(2018, 12, 31), Precision::Month));
    assert_eq!(
        due("二〇一九年六月底前"),
        (d(2019, 6, 30), Precision::Month)
    );
    assert_eq!(
        due("２０１９年６月底前"),
        (d(2019, 6, 30), Precision::Month)
    );
}

#[test]
fn halves_quarters_and_ten_day_periods() {
    assert_eq!(due("上半年"), (d(2018, 6, 30), Precision::HalfYear));
    assert_eq!(due("下半年"), (d(2018, 12, 31), Precision::HalfYear));
    assert_eq!(due("2019年上半年"), (d(2019, 6, 30), Precision::HalfYear));
    assert_eq!(due("第三季度"), (d(2018, 9, 30), Precision::Quarter));
    assert_eq!(due("一季度末"), (d(2018, 3, 31), Precision::Quarter));
    assert_eq!(due("8月上旬"), (d(2018, 8, 10), Precision::TenDays));
    assert_eq!(due("8月中旬前"), (d(2018, 8, 20), Precision::TenDays));
    assert_eq!(due("8月下旬"), (d(2018, 8, 31), Precision::TenDays));
    assert_eq!(due("9月初"), (d(2018, 9, 10), Precision::TenDays));
}

#[test]
fn before_a_month_means_before_it_starts() {
    assert_eq!(due("6月前"), (d(2018, 5, 31), Precision::Month));
    assert_eq!(due("2019年1月前"), (d(2018, 12, 31), Precision::Month));
}

#[test]
fn starting_dates_are_duties_from_then_on() {
    assert_eq!(
        parse_deadline("7月起", 2018),
        Ok(Deadline::From {
            from: d(2018, 7, 1),
            precision: Precision::Month
        })
    );
    assert_eq!(
        parse_deadline("2019年7月起", 2018),
        Ok(Deadline::From {
            from: d(2019, 7, 1),
            precision: Precision::Month
        })
    );
    assert_eq!(
        parse_deadline("从9月1日起", 2018),
        Ok(Deadline::From {
            from: d(2018, 9, 1),
            precision: Precision::Day
        })
    );
    assert_eq!(
        parse_deadline("下半年开始", 2018),
        Ok(Deadline::From {
            from: d(2018, 7, 1),
            precision: Precision::HalfYear
        })
    );
}

#[test]
fn recurring_and_continuous_duties_get_no_date() {
    for (p, every) in [
        ("每月", Recurrence::Monthly),
        ("每季度", Recurrence::Quarterly),
        ("每年", Recurrence::Yearly),
        ("每半年", Recurrence::HalfYearly),
        ("每周", Recurrence::Weekly),
        ("年度", Recurrence::Yearly),
        ("月报", Recurrence::Monthly),
    ] {
        assert_eq!(
            parse_deadline(p, 2018),
            Ok(Deadline::Recurring { every, from: None }),
            "{p}"
        );
    }
    // With its year, 年度 is one year's: due by the end of it.
    assert!(matches!(
        parse_deadline("2018年度", 2018),
        Ok(Deadline::By { .. })
    ));
    for p in ["及时", "长效", "持续", "常态化", "长期"] {
        assert_eq!(parse_deadline(p, 2018), Ok(Deadline::Continuous), "{p}");
    }
}

#[test]
fn event_relative_phrases_keep_the_event_and_no_date() {
    assert_eq!(
        parse_deadline("城东污水处理厂三期未建成投运前", 2018),
        Ok(Deadline::EventRelative {
            event: "城东污水处理厂三期未建成投运".into(),
            within: None
        })
    );
    assert_eq!(
        parse_deadline("重污染天气预警期间", 2018),
        Ok(Deadline::EventRelative {
            event: "重污染天气预警".into(),
            within: None
        })
    );
    assert!(parse_deadline("投运后", 2018)
        .is_ok_and(|d| d.due_date().is_none() && d.kind_str() == "event_relative"));
}

#[test]
fn deadlines_round_trip_through_their_stored_columns() {
    for phrase in [
        "6月底前",
        "7月起",
        "每月",
        "及时",
        "投运前",
        "2019年6月底前",
        "文件印发后5个工作日内",
        "项目批复后一个月内",
        "会议召开后及时报送",
        "按省里统一部署",
        "半年总结时",
    ] {
        let d = parse_deadline(phrase, 2018).unwrap();
        assert_eq!(Deadline::from_columns(&d.to_columns()), Some(d), "{phrase}");
    }
    let june = parse_deadline("6月底前", 2018).unwrap();
    let mut by = june.to_columns();
    by.date = None;
    assert_eq!(Deadline::from_columns(&by), None);
    let unconfirmed = Deadline::Unconfirmed {
        reason: "无法识别".into(),
    };
    assert_eq!(
        Deadline::from_columns(&unconfirmed.to_columns()),
        Some(unconfirmed)
    );
    let printed = parse_deadline("文件印发后5个工作日内", 2018).unwrap();
    let mut bad = printed.to_columns();
    bad.within_n = None;
    assert_eq!(
        Deadline::from_columns(&bad),
        None,
        "a duration needs its number"
    );
}

#[test]
fn years_as_a_whole_and_five_year_plans() {
    assert_eq!(due("2018年度"), (d(2018, 12, 31), Precision::Year));
    assert_eq!(due("2019年"), (d(2019, 12, 31), Precision::Year));
    assert_eq!(due("十三五期间"), (d(2020, 12, 31), Precision::Year));
    assert_eq!(due("“十三五”末"), (d(2020, 12, 31), Precision::Year));
    assert_eq!(due("十四五期间"), (d(2025, 12, 31), Precision::Year));
    assert!(
        parse_deadline("十五日前", 2018).is_err(),
        "not a five-year plan"
    );
    // Found by fuzzing: the number of a plan this large overflowed the year.
    assert!(parse_deadline("777777777五期间", 2018).is_err());
    assert_eq!(
        parse_deadline("逐年", 2018),
        Ok(Deadline::Recurring {
            every: Recurrence::Yearly,
            from: None
        })
    );
}

#[test]
fn nonsense_is_an_error_never_a_guess() {
    for p in [
        "",
        "13月底前",
        "2月30日前",
        "尽快完成任务",
        "6月45日前",
        "3000年底前",
    ] {
        let r = parse_deadline(p, 2018);
        assert!(
            r.is_err() || matches!(r, Ok(Deadline::EventRelative { .. })),
            "{p}: {r:?}"
        );
        assert!(
            r.as_ref().map_or(true, |d| d.due_date().is_none()),
            "{p}: {r:?}"
        );
    }
    let e = parse_deadline("尽快完成任务", 2018).unwrap_err();
    assert!(e.to_string().contains("尽快完成任务"));
}

fn event(phrase: &str) -> (String, Option<Within>) {
    match parse_deadline(phrase, 2018) {
        Ok(Deadline::EventRelative { event, within }) => (event, within),
        other => panic!("{phrase}: expected an event-relative duty, got {other:?}"),
    }
}

/// Grammar class: an event, then a duration (or “及时”) after it, then what is to be done.
#[test]
fn a_duration_after_an_event_keeps_the_event_and_the_duration() {
    for (phrase, ev, within) in [
        ("文件印发后5个工作日内", "文件印发", Within::WorkingDays(5)),
        ("收到交办单后10日内办结", "收到交办单", Within::Days(10)),
        ("项目批复后一个月内", "项目批复", Within::Months(1)),
        ("验收合格之后两周内", "验收合格", Within::Weeks(2)),
        ("通知下发后３０天内报送", "通知下发", Within::Days(30)),
        ("会议召开后及时报送", "会议召开", Within::Promptly),
        ("发现问题后立即整改", "发现问题", Within::Promptly),
    ] {
        assert_eq!(event(phrase), (ev.to_owned(), Some(within)), "{phrase}");
        let d = parse_deadline(phrase, 2018).unwrap();
        assert!(
            d.due_date().is_none() && d.is_undated(),
            "{phrase}: never dated"
        );
    }
    // Working days are never turned into a date: no calendar of working days is known.
    assert_eq!(
        parse_deadline("文件印发后5个工作日内", 2018)
            .unwrap()
            .describe_zh(),
        "“文件印发”后5个工作日内"
    );
    // A date after 后 is not a duration: “6月底后” is still read as a date, not an event.
    assert!(parse_deadline("2019年6月后", 2018).is_ok_and(|d| d.kind_str() == "from"));
    // A duration without 内 is not read as one.
    assert!(!matches!(
        parse_deadline("印发后5日", 2018),
        Ok(Deadline::EventRelative {
            within: Some(_),
            ..
        })
    ));
}

/// Grammar class: bound to a recurring document or meeting.
#[test]
fn a_recurring_document_or_meeting_is_a_recurring_duty() {
    for (phrase, every) in [
        ("半年总结时", Recurrence::HalfYearly),
        ("年终考核前", Recurrence::Yearly),
        ("年底考核前报送", Recurrence::Yearly),
        ("季度例会前", Recurrence::Quarterly),
        ("月度调度会时", Recurrence::Monthly),
        ("每季度首月10日前报送", Recurrence::Quarterly),
    ] {
        assert_eq!(
            parse_deadline(phrase, 2018),
            Ok(Deadline::Recurring { every, from: None }),
            "{phrase}"
        );
    }
    // A period alone is still a date.
    assert_eq!(due("年底前"), (d(2018, 12, 31), Precision::Year));
    assert_eq!(due("上半年"), (d(2018, 6, 30), Precision::HalfYear));
}

/// Grammar class: contingent on a higher level.
#[test]
fn a_duty_waiting_on_a_higher_level_is_contingent() {
    for (phrase, on) in [
        ("按省里统一部署", "省里统一部署"),
        ("待国家标准出台后", "国家标准出台"),
        ("视上级要求", "上级要求"),
        ("根据省厅要求确定", "省厅要求"),
        ("按照国家统一安排", "国家统一安排"),
    ] {
        assert_eq!(
            parse_deadline(phrase, 2018),
            Ok(Deadline::Contingent { on: on.to_owned() }),
            "{phrase}"
        );
    }
    // Without a higher level it is not read as contingent: “按要求” says nothing.
    assert!(!matches!(
        parse_deadline("按要求", 2018),
        Ok(Deadline::Contingent { .. })
    ));
    // “待…后” without a higher level waits on an event.
    assert_eq!(event("待项目批复后"), ("项目批复".to_owned(), None));
}

/// Grammar class: before an activity.
#[test]
fn before_an_activity_is_event_relative() {
    for (phrase, ev) in [("汛期前", "汛期"), ("开学前", "开学"), ("验收前", "验收")]
    {
        assert_eq!(event(phrase), (ev.to_owned(), None), "{phrase}");
    }
}

/// Grammar class: labelled parts of a compound cell.
#[test]
fn a_labelled_part_is_read_after_its_label() {
    assert_eq!(due("方案制定:6月底前"), (d(2018, 6, 30), Precision::Month));
    assert_eq!(due("全面实施：年底前"), (d(2018, 12, 31), Precision::Year));
    assert_eq!(
        parse_deadline("长效管理：持续", 2018),
        Ok(Deadline::Continuous)
    );
    assert!(parse_deadline("：6月底前", 2018).is_err());
    assert!(parse_deadline("2019:6月底前", 2018).is_err());
    assert!(parse_deadline("方案制定：", 2018).is_err());
}
