use super::*;

/// The groups of `units.toml` (“各县(市、区)政府” → the six county governments), as the
/// store seeds them into the database.
fn seed_groups() -> Vec<SeedGroup> {
    crate::units::parse(include_str!("../../../../seed/units.toml"))
        .map(|(_, groups, _)| groups)
        .unwrap_or_default()
}

fn index() -> UnitIndex {
    let units: Vec<(String, UnitKind)> = [
        ("柯城区政府", UnitKind::CountyGovernment),
        ("衢江区政府", UnitKind::CountyGovernment),
        ("龙游县政府", UnitKind::CountyGovernment),
        ("江山市政府", UnitKind::CountyGovernment),
        ("常山县政府", UnitKind::CountyGovernment),
        ("开化县政府", UnitKind::CountyGovernment),
        ("市治水办", UnitKind::Office),
        ("市环保局", UnitKind::CityDepartment),
    ]
    .map(|(n, k)| (n.to_owned(), k))
    .into();
    let aliases = vec![("市治水办(河长办)".to_owned(), "市治水办".to_owned())];
    unit_index(&units, &aliases, &seed_groups()).unwrap()
}

fn header() -> PlanHeader {
    PlanHeader {
        code: "waste".into(),
        title: "衢州市垃圾治理行动方案".into(),
        short_name: "垃圾治理".into(),
        doc_no: String::new(),
        owner: "市治水办(河长办)".into(),
        start_year: "2019".into(),
        end_year: "2020".into(),
        issued_on: "2019-03-01".into(),
        goals: vec![],
        ..PlanHeader::default()
    }
}

fn row(
    row: u64,
    number: &str,
    action: &str,
    task: &str,
    item: &str,
    units: &[&str],
    deadlines: &[&str],
) -> ImportRow {
    ImportRow {
        row,
        number: number.into(),
        action: action.into(),
        task: task.into(),
        item: item.into(),
        lead: vec!["市治水办".into()],
        responsible: units.iter().map(|s| (*s).to_owned()).collect(),
        deadlines: deadlines.iter().map(|s| (*s).to_owned()).collect(),
    }
}

#[test]
fn actions_tasks_units_and_deadlines_are_assembled() {
    let rows = [
        row(
            2,
            "(1)",
            "（一）分类行动",
            "1. 建设",
            "做甲",
            &["各县（市、区）政府"],
            &["6月底前"],
        ),
        row(
            3,
            "2",
            "（一）分类行动",
            "2. 运行",
            "做乙",
            &["市环保局"],
            &["年底前"],
        ),
        row(
            4,
            "2",
            "（一）分类行动",
            "2. 运行",
            "做乙",
            &["市环保局"],
            &["年底前"],
        ),
        row(
            5,
            "3",
            "（二）监管行动",
            "3. 执法",
            "做丙",
            &["市环保局"],
            &["每月"],
        ),
    ];
    let a = assemble(
        &header(),
        &rows,
        &ColumnNames::default(),
        &index(),
        &BTreeMap::new(),
        &Default::default(),
    );
    assert!(a.problems.is_empty() && a.form_problems.is_empty(), "{a:?}");
    let p = a.plan.unwrap();
    assert_eq!(p.owner.as_str(), "市治水办");
    let titles: Vec<_> = p.body.actions.iter().map(|a| a.title.as_str()).collect();
    assert_eq!(titles, ["分类行动", "监管行动"]);
    let tasks: Vec<_> = p
        .body
        .tasks
        .iter()
        .map(|t| (t.number, t.action, t.title.as_str()))
        .collect();
    assert_eq!(tasks, [(1, 1, "建设"), (2, 1, "运行"), (3, 2, "执法")]);
    assert_eq!(p.body.items.len(), 3);
    assert_eq!(p.body.items[0].assignments.len(), 6, "group expanded");
    assert_eq!(
        p.body.items[0].milestones[0]
            .deadline
            .due_date()
            .unwrap()
            .to_string(),
        "2019-06-30",
        "the plan's start year"
    );
    assert_eq!(a.notes.len(), 1, "{:?}", a.notes);
}

#[test]
fn every_problem_is_named_and_unknown_units_listed() {
    let rows = [
        row(2, "1", "行动", "任务", "做甲", &["市垃圾办"], &["九月前后"]),
        row(
            3,
            "x",
            "行动",
            "任务",
            "做乙",
            &["市垃圾办", "市环保局"],
            &[],
        ),
        row(4, "1", "行动", "任务", "做丙", &["市环保局"], &[]),
    ];
    let mut h = header();
    h.code = "Waste".into();
    let a = assemble(
        &h,
        &rows,
        &ColumnNames::default(),
        &index(),
        &BTreeMap::new(),
        &Default::default(),
    );
    assert!(a.plan.is_none());
    assert_eq!(a.form_problems[0].field, "code");
    let p: Vec<String> = a.problems.iter().map(ToString::to_string).collect();
    assert!(
        p.iter()
            .any(|s| s.starts_with("第 2 行，列“责任单位”：单位“市垃圾办”")),
        "{p:?}"
    );
    // An unreadable deadline is no problem: it is kept, 待确认, and listed.
    assert!(!p.iter().any(|s| s.contains("九月前后")), "{p:?}");
    assert_eq!(a.unconfirmed.len(), 1);
    assert_eq!(a.unconfirmed[0].row, 2);
    assert_eq!(a.unconfirmed[0].column, "时限");
    assert!(a.unconfirmed[0].reason.contains("九月前后"));
    assert!(
        p.iter().any(|s| s.starts_with("第 3 行，列“序号”")),
        "{p:?}"
    );
    assert!(
        p.iter()
            .any(|s| s.contains("第 4 行") && s.contains("与第 2 行重复")),
        "{p:?}"
    );
    assert_eq!(a.unknown_units.len(), 1);
    assert_eq!(a.unknown_units[0].places.len(), 2);

    let map = BTreeMap::from([("市垃圾办".to_owned(), "市环保局".to_owned())]);
    let rows = [row(2, "1", "行动", "任务", "做甲", &["市垃圾办"], &[])];
    let a = assemble(
        &header(),
        &rows,
        &ColumnNames::default(),
        &index(),
        &map,
        &Default::default(),
    );
    let p = a.plan.expect("mapped");
    assert_eq!(p.body.items[0].assignments[0].unit.as_str(), "市环保局");
    assert_eq!(p.body.items[0].assignments[0].via, "市垃圾办");
    assert_eq!(p.body.items[0].responsible_text, ["市垃圾办"]);

    // A file whose only trouble is an unreadable deadline is a plan: the phrase is kept
    // as written, 待确认, beside the parts that were read.
    let rows = [row(
        2,
        "1",
        "行动",
        "任务",
        "做甲",
        &["市环保局"],
        &["九月前后", "方案制定:6月底前", "文件印发后5个工作日内"],
    )];
    let a = assemble(
        &header(),
        &rows,
        &ColumnNames::default(),
        &index(),
        &BTreeMap::new(),
        &Default::default(),
    );
    let p = a
        .plan
        .expect("an unreadable phrase does not refuse the file");
    let ms = &p.body.items[0].milestones;
    assert_eq!(ms[0].phrase, "九月前后");
    assert!(matches!(
        ms[0].deadline,
        sanzhi_domain::Deadline::Unconfirmed { .. }
    ));
    assert_eq!(ms[1].phrase, "方案制定:6月底前");
    assert_eq!(
        ms[1].deadline.due_date(),
        chrono::NaiveDate::from_ymd_opt(2019, 6, 30)
    );
    assert!(ms[2].deadline.is_undated());
    assert_eq!(a.unconfirmed.len(), 1);
    assert!(a.notes.iter().any(|n| n.contains("待确认")));
}

#[test]
fn collective_phrases_map_to_sets_groups_or_stay_unassigned() {
    let rows = [
        row(
            2,
            "1",
            "行动",
            "任务",
            "做甲",
            &["市级有关部门", "开化县政府"],
            &["年底前"],
        ),
        row(
            3,
            "2",
            "行动",
            "任务",
            "做乙",
            &["各县(市、区)政府"],
            &["年底前"],
        ),
        row(
            4,
            "3",
            "行动",
            "任务",
            "做丙",
            &["各乡镇(街道)", "市环保"],
            &["年底前"],
        ),
    ];
    let none = BTreeMap::new();
    let a = assemble(
        &header(),
        &rows,
        &ColumnNames::default(),
        &index(),
        &none,
        &Default::default(),
    );
    assert!(a.plan.is_none());
    let unknown: Vec<(&str, Option<&str>)> = a
        .unknown_units
        .iter()
        .map(|u| (u.phrase.as_str(), u.suggestion.as_deref()))
        .collect();
    // A saved group (各县(市、区)政府) reads as its members; the rest are listed, a
    // truncated name with the unit it most likely means.
    assert_eq!(
        unknown,
        [
            ("各乡镇(街道)", None),
            ("市环保", Some("市环保局")),
            ("市级有关部门", None)
        ]
    );
    // A phrase mapped to a set of units, another to a unit, a third kept unassigned.
    let map = BTreeMap::from([
        (
            "市级有关部门".to_owned(),
            "市环保局、市治水办(河长办)".to_owned(),
        ),
        ("市环保".to_owned(), "市环保局".to_owned()),
    ]);
    let unassigned = std::collections::BTreeSet::from(["各乡镇(街道)".to_owned()]);
    let a = assemble(
        &header(),
        &rows,
        &ColumnNames::default(),
        &index(),
        &map,
        &unassigned,
    );
    let p = a.plan.expect("every phrase decided");
    let units = |n: usize| -> Vec<(&str, &str)> {
        p.body.items[n]
            .assignments
            .iter()
            .map(|a| (a.unit.as_str(), a.via.as_str()))
            .collect()
    };
    assert_eq!(
        units(0),
        [
            ("市环保局", "市级有关部门"),
            ("市治水办", "市级有关部门"),
            ("开化县政府", "开化县政府")
        ]
    );
    assert_eq!(units(1).len(), 6);
    assert_eq!(units(2), [("市环保局", "市环保")]);
    assert_eq!(p.body.items[2].responsible_text, ["各乡镇(街道)", "市环保"]);
    assert!(a
        .notes
        .iter()
        .any(|n| n.contains("暂不分配") && n.contains("各乡镇(街道)")));
    // A set naming something unknown is a problem, not a partial mapping.
    let map = BTreeMap::from([("市级有关部门".to_owned(), "市环保局、市不存在局".to_owned())]);
    let a = assemble(
        &header(),
        &rows[..1],
        &ColumnNames::default(),
        &index(),
        &map,
        &Default::default(),
    );
    assert!(a.plan.is_none());
    assert!(
        a.problems[0].reason.contains("被映射到"),
        "{:?}",
        a.problems
    );
}

#[test]
fn a_title_and_doc_no_above_the_header_are_offered() {
    let h = header_hint(&[
        "衢州市治水长效战行动方案 工作任务分工表（截至 2019-03-31）".to_owned(),
        "文号：衢政办发〔2018〕43号 状态按 2019-03-31 计算".to_owned(),
    ]);
    assert_eq!(h.title.as_deref(), Some("衢州市治水长效战行动方案"));
    assert_eq!(h.doc_no.as_deref(), Some("衢政办发〔2018〕43号"));
    let h = header_hint(&[
        "附件1".to_owned(),
        "附件2 2018年衢州市垃圾分类工作重点任务分解表".to_owned(),
        "衢市委办发[2018]7号".to_owned(),
    ]);
    assert_eq!(h.title.as_deref(), Some("2018年衢州市垃圾分类工作"));
    assert_eq!(h.doc_no.as_deref(), Some("衢市委办发[2018]7号"));
    // Nothing above the header, or nothing like a title: nothing offered.
    assert_eq!(header_hint(&[]), HeaderHint::default());
    assert_eq!(header_hint(&["单位：万元".to_owned()]).title, None);
    assert_eq!(header_hint(&["〔2018〕43号".to_owned()]).doc_no, None);
}

#[test]
fn heading_numbers_are_stripped() {
    assert_eq!(strip_heading_number("（一）水环境行动"), "水环境行动");
    assert_eq!(strip_heading_number("一、水环境行动"), "水环境行动");
    assert_eq!(strip_heading_number("12. 深化河长制"), "深化河长制");
    assert_eq!(strip_heading_number("2018年目标"), "2018年目标");
    assert_eq!(item_number("（12）"), Some(12));
    assert_eq!(item_number("3."), Some(3));
    assert_eq!(item_number("甲"), None);
}
