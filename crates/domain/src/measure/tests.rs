use super::*;

fn places() -> Places {
    Places {
        areas: vec!["柯城".into(), "衢江".into()],
        sections: vec!["樟树潭".into()],
        drains: vec!["石室堰渠".into()],
        indicators: Vec::new(),
    }
}

fn header(f: TargetField) -> String {
    f.headers()[0].to_owned()
}

fn row(n: u64, indicator: &str, place: &str, year: &str, value: &str) -> TargetInput {
    TargetInput {
        row: n,
        indicator: indicator.into(),
        place: place.into(),
        year: year.into(),
        value: value.into(),
        ..Default::default()
    }
}

fn parse(rows: &[TargetInput]) -> Result<PlanMeasures, Vec<RowProblem>> {
    let p = places();
    let cx = MeasureContext {
        plan: "peer",
        sheet: "指标目标",
        places: &p,
        defined: &[],
        header: &header,
    };
    parse_measures(&cx, rows)
}

#[test]
fn a_new_years_pm25_table_targets_the_catalogue_indicator() {
    let m = parse(&[
        row(2, "PM2.5 月均浓度", "柯城", "2021", "33"),
        row(3, "pm25", "衢江", "2021年", "34.5"),
        // This year's plan sets this year's targets.
        row(4, "pm25", "柯城", "2026", "29"),
    ])
    .unwrap();
    assert!(m.indicators.is_empty(), "PM2.5 is the catalogue's");
    assert_eq!(m.targets.len(), 3);
    assert_eq!(m.targets[2].year, 2026);
    assert_eq!(m.targets[0].indicator, "pm25");
    assert_eq!(m.targets[1].year, 2021);
    assert_eq!(m.targets[1].value, 34.5);
    assert_eq!(m.targets[1].provenance, "指标目标第 3 行");
}

#[test]
fn a_new_indicator_is_defined_by_its_first_row_and_gets_a_code() {
    let mut first = row(2, "河道保洁达标率", "全市", "2021", "95%");
    first.unit = "%".into();
    first.better = "越高越好".into();
    let m = parse(&[first, row(3, "河道保洁达标率", "全市", "2022", "97")]).unwrap();
    assert_eq!(m.indicators.len(), 1);
    let d = &m.indicators[0];
    assert_eq!(
        (d.code.as_str(), d.place_kind, d.aggregate, d.better),
        ("peer.1", PlaceKind::City, Aggregate::Latest, Better::Higher)
    );
    assert_eq!(m.targets.len(), 2);
    assert!(m.targets.iter().all(|t| t.indicator == "peer.1"));
    assert_eq!(m.targets[0].value, 95.0);
}

#[test]
fn every_bad_row_is_named_with_its_column_and_reason() {
    let mut no_unit = row(2, "新指标", "全市", "2021", "1");
    no_unit.better = "越低越好".into();
    let mut wrong_unit = row(6, "pm25", "柯城", "2021", "30");
    wrong_unit.unit = "mg/m³".into();
    let problems = parse(&[
        no_unit,
        row(3, "pm25", "不存在区", "2021", "30"),
        row(4, "pm25", "柯城", "1990", "30"),
        row(5, "氨氮", "樟树潭", "2021", "1"),
        wrong_unit,
        row(7, "pm25", "柯城", "2021", "abc"),
        row(8, "pm25", "柯城", "2021", "30"),
        row(9, "pm25", "柯城", "2021", "31"),
        row(10, "", "柯城", "2021", "31"),
        row(11, "pm25", "柯城", "2021", "600"),
    ])
    .unwrap_err();
    let said: Vec<(u64, &str)> = problems
        .iter()
        .map(|p| (p.row, p.column.as_str()))
        .collect();
    assert_eq!(
        said,
        vec![
            (2, "指标目标·单位"),
            (3, "指标目标·地点"),
            (4, "指标目标·年度"),
            (5, "指标目标·指标"),
            (6, "指标目标·单位"),
            (7, "指标目标·目标值"),
            (9, "指标目标·目标值"),
            (10, "指标目标·指标"),
            (11, "指标目标·目标值"),
        ]
    );
    assert!(
        problems[6].reason.contains("与第 8 行重复"),
        "{:?}",
        problems[6]
    );
    assert!(problems[3].reason.contains("水质类别"), "{:?}", problems[3]);
}

fn reading(code: &str, place: &str, month: u32, value: f64) -> ReadingValue {
    ReadingValue {
        key: crate::ValueKey {
            indicator: code.into(),
            place: place.into(),
            year: 2021,
            month,
        },
        value,
        valid_days: None,
        provisional: false,
        is_demo: false,
    }
}

#[test]
fn standings_judge_by_mean_or_latest_in_the_indicators_direction() {
    let rate = PlanIndicator {
        code: "peer.1".into(),
        name_zh: "达标率".into(),
        name_en: None,
        unit: "%".into(),
        better: Better::Higher,
        place_kind: PlaceKind::City,
        plan: "peer".into(),
        plan_name: String::new(),
        aggregate: Aggregate::Latest,
        max_plausible: 100.0,
    };
    let conc = PlanIndicator {
        code: "peer.2".into(),
        name_zh: "浓度".into(),
        unit: "mg/L".into(),
        better: Better::Lower,
        place_kind: PlaceKind::Area,
        aggregate: Aggregate::Mean,
        max_plausible: 1e9,
        ..rate.clone()
    };
    let target = |code: &str, place: &str, value: f64| PlanTarget {
        plan: "peer".into(),
        plan_name: String::new(),
        indicator: code.into(),
        place: place.into(),
        year: 2021,
        value,
        raw: value.to_string(),
        provenance: String::new(),
    };
    let targets = vec![
        target("peer.1", CITY, 95.0),
        target("peer.2", "柯城", 2.0),
        target("peer.2", "衢江", 2.0),
    ];
    let readings = vec![
        reading("peer.1", CITY, 1, 99.0),
        reading("peer.1", CITY, 3, 94.0),
        reading("peer.1", CITY, 5, 99.0),
        reading("peer.2", "柯城", 1, 1.0),
        reading("peer.2", "柯城", 2, 2.9),
        reading("peer.2", "衢江", 1, 3.0),
    ];
    let defs = [rate, conc];
    let s = plan_indicator_standings(&defs, &targets, &readings, 2021, 3);
    assert_eq!(s.len(), 3);
    // Latest through March is March's 94: under 95.
    assert_eq!(
        (s[0].value, s[0].month, s[0].met),
        (Some(94.0), Some(3), Some(false))
    );
    // Mean of 1.0 and 2.9 is 1.95, reported 2.0: meets a target of at most 2.
    assert_eq!(s[1].met, Some(true));
    assert_eq!(s[2].met, Some(false));
    // A place with a target and no reading is listed, not judged.
    let none = plan_indicator_standings(&[], &targets, &readings, 2021, 12);
    assert!(none.is_empty());
    // From the readings sorted (each indicator's run found by a search) the same standings,
    // a place with readings and no target among them.
    let mut sorted = readings.clone();
    sorted.push(reading("peer.2", "龙游", 2, 1.5));
    sorted.push(reading("pm25", CITY, 2, 30.0));
    crate::standing::sort_readings(&mut sorted);
    let by_search = plan_indicator_standings_sorted(&defs, &targets, &sorted, 2021, 3);
    assert_eq!(
        by_search,
        plan_indicator_standings(&defs, &targets, &sorted, 2021, 3)
    );
    assert_eq!(by_search.len(), 4);
}
