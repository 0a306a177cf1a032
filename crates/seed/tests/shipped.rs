//! The shipped seed/ folder checked against the source document: counts, every numbered
//! item once, spot checks of specific rows, and every item's text found in the source.

use sanzhi_domain::{Deadline, Direction, NoteKind, Precision, Recurrence};
use sanzhi_seed::{SeedBundle, SeedItem, SeedPlan};
use std::path::Path;

fn seed() -> SeedBundle {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../seed");
    match sanzhi_seed::load_dir(&dir) {
        Ok(b) => b,
        Err(e) => panic!("{e}"),
    }
}

fn plan<'a>(b: &'a SeedBundle, code: &str) -> &'a SeedPlan {
    b.plans
        .iter()
        .find(|p| p.code.as_str() == code)
        .expect("plan")
}

fn item<'a>(b: &'a SeedBundle, code: &str, n: i32) -> &'a SeedItem {
    plan(b, code)
        .body
        .items
        .iter()
        .find(|i| i.number == n)
        .expect("item")
}

fn units(i: &SeedItem) -> Vec<&str> {
    i.assignments.iter().map(|a| a.unit.as_str()).collect()
}

fn leads(i: &SeedItem) -> Vec<&str> {
    i.leads.iter().map(|u| u.as_str()).collect()
}

const COUNTIES: [&str; 6] = [
    "柯城区政府",
    "衢江区政府",
    "龙游县政府",
    "江山市政府",
    "常山县政府",
    "开化县政府",
];

#[test]
fn counts_per_plan() {
    let b = seed();
    let counts: Vec<_> = b
        .plans
        .iter()
        .map(|p| {
            (
                p.code.as_str(),
                p.body.actions.len(),
                p.body.tasks.len(),
                p.body.items.len(),
            )
        })
        .collect();
    assert_eq!(
        counts,
        [
            ("water", 6, 21, 29),
            ("air", 6, 16, 44),
            ("soil", 6, 24, 28)
        ]
    );
    let actions: usize = b.plans.iter().map(|p| p.body.actions.len()).sum();
    let tasks: usize = b.plans.iter().map(|p| p.body.tasks.len()).sum();
    let items: usize = b.plans.iter().map(|p| p.body.items.len()).sum();
    assert_eq!((actions, tasks, items), (18, 61, 101));
}

#[test]
fn every_task_has_items_and_every_item_has_someone_responsible() {
    let b = seed();
    for p in &b.plans {
        for t in &p.body.tasks {
            assert!(
                p.body.items.iter().any(|i| i.task == t.number),
                "{} task {} has no item",
                p.code,
                t.number
            );
        }
        for a in &p.body.actions {
            assert!(p.body.tasks.iter().any(|t| t.action == a.seq));
        }
        for i in &p.body.items {
            // Air (33) has an empty 责任单位 cell but a lead unit.
            assert!(
                !i.assignments.is_empty() || !i.leads.is_empty(),
                "{} ({}) has nobody",
                p.code,
                i.number
            );
        }
    }
}

#[test]
fn group_phrases_expand_to_the_six_counties() {
    let b = seed();
    // Water (2): 各县(市、区)政府.
    assert_eq!(units(item(&b, "water", 2)), COUNTIES);
    assert!(item(&b, "water", 2)
        .assignments
        .iter()
        .all(|a| a.via == "各县(市、区)政府"));
    // Water (1): the six counties, the zone and 市环保局 — the zone written 衢州市…, an alias.
    let mut expected = COUNTIES.to_vec();
    expected.extend(["衢州绿色产业集聚区", "市环保局"]);
    assert_eq!(units(item(&b, "water", 1)), expected);
}

#[test]
fn the_soil_table_header_binds_every_soil_item() {
    let b = seed();
    let soil = plan(&b, "soil");
    assert_eq!(
        soil.body.table_responsible,
        ["各县(市、区)政府", "衢州绿色产业集聚区", "市西区管委会"]
    );
    for i in &soil.body.items {
        let u = units(i);
        for must in COUNTIES
            .iter()
            .chain(&["衢州绿色产业集聚区", "市西区管委会"])
        {
            assert!(u.contains(must), "soil ({}) lacks {must}", i.number);
        }
    }
    // Soil (18) names 市卫计委, an alias of 市卫生计生委.
    let i18 = item(&b, "soil", 18);
    assert!(
        i18.responsible_text.iter().any(|r| r == "市卫计委")
            || i18.lead_text.iter().any(|r| r == "市卫计委")
    );
    assert!(units(i18).contains(&"市卫生计生委") || leads(i18).contains(&"市卫生计生委"));
}

#[test]
fn spot_checks_against_the_source() {
    let b = seed();

    // Water (3): 巨化 alone, with 6月底前 and 年底前 parts.
    let w3 = item(&b, "water", 3);
    assert_eq!(units(w3), ["巨化集团公司"]);
    assert_eq!(w3.task, 3);
    let dues: Vec<_> = w3
        .milestones
        .iter()
        .filter_map(|m| m.deadline.due_date())
        .map(|d| d.to_string())
        .collect();
    assert!(dues.contains(&"2018-06-30".to_owned()), "{dues:?}");
    assert!(dues.contains(&"2018-12-31".to_owned()), "{dues:?}");

    // Water (6): the drains, 柯城/衢江/集聚区/巨化, from July.
    let w6 = item(&b, "water", 6);
    assert_eq!(w6.task, 4);
    assert_eq!(
        units(w6),
        [
            "柯城区政府",
            "衢江区政府",
            "衢州绿色产业集聚区",
            "巨化集团公司"
        ]
    );
    assert!(w6.milestones.iter().any(|m| m.phrase == "7月起"
        && matches!(m.deadline, Deadline::From { from, precision: Precision::Month } if from.to_string() == "2018-07-01")));

    // Water (12): 165 km of new pipes (the table's wording).
    let w12 = item(&b, "water", 12);
    assert!(w12.targets.iter().any(|t| t.value == 165.0
        && t.unit == "公里"
        && t.direction == Direction::AtLeast
        && t.year == 2018));

    // Water (23): monthly disclosure of drinking-water quality.
    let w23 = item(&b, "water", 23);
    assert!(w23.milestones.iter().any(|m| m.deadline
        == Deadline::Recurring {
            every: Recurrence::Monthly,
            from: None
        }));

    // Water (28): 9 national section stations by the end of July.
    let w28 = item(&b, "water", 28);
    assert_eq!(units(w28), ["市环保局"]);
    assert_eq!(
        w28.milestones[0].deadline.due_date().map(|d| d.to_string()),
        Some("2018-07-31".to_owned())
    );

    // Air (5): 3亿立方米 natural gas.
    let a5 = item(&b, "air", 5);
    assert!(a5
        .targets
        .iter()
        .any(|t| t.value == 3.0 && t.unit.contains("亿立方米")));

    // Air (21): the 71 VOCs enterprises.
    assert!(item(&b, "air", 21).targets.iter().any(|t| t.value == 71.0));

    // Air (42)–(44): one lead, 市环保局; (42) is 市气象局's.
    assert_eq!(leads(item(&b, "air", 42)), ["市环保局"]);
    assert_eq!(units(item(&b, "air", 42)), ["市气象局"]);

    // Soil (16): 90% 危废 compliance.
    let s16 = item(&b, "soil", 16);
    assert!(s16.targets.iter().any(|t| t.value == 90.0));
}

#[test]
fn the_known_slips_of_the_source_are_noted_not_fixed() {
    let b = seed();
    let notes = |code: &str| plan(&b, code).body.notes.clone();
    let water = notes("water");
    let has = |needle: &str| {
        water.iter().any(|n| {
            n.kind == NoteKind::Discrepancy
                && (n.table_says.contains(needle) || n.other_says.contains(needle))
        })
    };
    assert!(has("下董") && has("下童"));
    assert!(has("衢州市区与衢州市区"));
    assert!(
        item(&b, "water", 1).text.contains("下董"),
        "table wording kept"
    );
    assert!(item(&b, "water", 2).text.contains("衢州市区与衢州市区"));
    // The 30 / 400 enterprise counts swapped by the table (water (8)).
    assert!(water
        .iter()
        .any(|n| n.item == Some(8) && n.kind == NoteKind::Discrepancy));
    // Every correction says why.
    for p in &b.plans {
        for n in &p.body.notes {
            assert!(!n.note.trim().is_empty());
        }
    }
}

/// Whitespace and the PDF's <p> tags removed, for comparing text with the source.
fn squeeze(s: &str) -> String {
    s.replace("<p>", "")
        .replace("</p>", "")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

#[test]
fn every_item_text_and_task_paragraph_is_in_the_source() {
    let b = seed();
    let source = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../seed/source/qzbf-2018-43.txt"),
    )
    .expect("source text");
    let source = squeeze(&source);
    for p in &b.plans {
        for i in &p.body.items {
            let needle = format!("({}){}", i.number, squeeze(&i.text));
            assert!(
                source.contains(&needle),
                "{} ({}) text is not the table's",
                p.code,
                i.number
            );
        }
        for t in &p.body.tasks {
            for para in t.paragraph.lines() {
                assert!(
                    source.contains(&squeeze(para)),
                    "{} task {} paragraph not in the main text: {para}",
                    p.code,
                    t.number
                );
            }
        }
    }
}

#[test]
fn the_reference_tables_are_complete() {
    let r = seed().reference;
    // 8 areas × 3 years from 附件2, plus 衢州市区 40 / 37 / 35 from the main text.
    assert_eq!(r.pm25_targets.len(), 27);
    let kaihua: Vec<_> = r.pm25_targets.iter().filter(|t| t.area == "开化").collect();
    assert_eq!(kaihua.len(), 3);
    assert!(kaihua
        .iter()
        .all(|t| t.value == 28.0 && t.qualifier == "以下" && t.raw == "28以下"));
    assert_eq!(
        kaihua[0].unit.as_ref().map(|u| u.as_str()),
        Some("开化县政府")
    );
    let city: Vec<_> = r
        .pm25_targets
        .iter()
        .filter(|t| t.area == "衢州市区")
        .map(|t| (t.year, t.value))
        .collect();
    assert_eq!(city, [(2018, 40.0), (2019, 37.0), (2020, 35.0)]);
    let longyou_2019 = r
        .pm25_targets
        .iter()
        .find(|t| t.area == "龙游" && t.year == 2019)
        .expect("龙游 2019");
    assert_eq!(longyou_2019.value, 38.0);

    assert_eq!(r.emission_cuts.len(), 24);
    assert!(r
        .emission_cuts
        .iter()
        .filter(|c| c.area == "西区")
        .all(|c| c.percent.is_none() && c.raw == "—"));

    let classes: Vec<_> = r
        .water_sections
        .iter()
        .map(|s| (s.name.as_str(), s.target_class.as_str()))
        .collect();
    assert_eq!(
        classes,
        [
            ("东迹渡", "II"),
            ("富足山", "II"),
            ("下界首", "II"),
            ("双港口", "III"),
            ("浮石渡", "III"),
            ("铜山源水库", "III"),
            ("郑家", "III"),
            ("下童", "III"),
            ("双塔底", "III")
        ]
    );
    assert!(r
        .water_sections
        .iter()
        .any(|s| s.name == "铜山源水库" && s.reservoir));
    assert!(r
        .water_sections
        .iter()
        .any(|s| s.name == "下童" && s.table_name.as_deref() == Some("下董")));

    // The East drain's COD limit steps 40 → 30 → 25 each July.
    let east_cod: Vec<_> = r
        .drain_limits
        .iter()
        .filter(|d| d.drain == "东排渠" && d.parameter.as_str() == "COD")
        .map(|d| (d.effective_from.to_string(), d.limit_mg_l))
        .collect();
    assert_eq!(
        east_cod,
        [
            ("2018-07-01".to_owned(), 40.0),
            ("2019-07-01".to_owned(), 30.0),
            ("2020-07-01".to_owned(), 25.0)
        ]
    );

    let rates: Vec<_> = r
        .rate_goals
        .iter()
        .map(|g| (g.metric.as_str(), g.year, g.percent))
        .collect();
    for want in [
        ("受污染耕地安全利用率", 2018, 91.0),
        ("受污染耕地安全利用率", 2020, 92.0),
        ("污染地块安全利用率", 2018, 91.0),
        ("污染地块安全利用率", 2020, 92.0),
        ("危险废物规范化管理达标率", 2018, 90.0),
        ("危险废物规范化管理达标率", 2020, 93.0),
    ] {
        assert!(rates.contains(&want), "{want:?} in {rates:?}");
    }

    assert_eq!(r.enterprises.len(), 71);
    assert_eq!(r.enterprises[0].name, "衢州新汇彩印有限公司");
    assert_eq!(r.enterprises[0].responsible.as_str(), "柯城区政府");
    assert_eq!(r.enterprises[70].responsible.as_str(), "衢州绿色产业集聚区");
    let stations: Vec<_> = r.stations.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        stations,
        [
            "柯城区政府大楼国控站点",
            "望江苑站点",
            "高新园区站点",
            "衢州学院国控站点"
        ]
    );
    assert!(r.stations.iter().all(|s| s.unit.is_some()));
}

#[test]
fn every_deadline_phrase_of_the_three_plans_reads_as_expected() {
    let b = seed();
    let mut seen = std::collections::BTreeMap::new();
    for p in &b.plans {
        for i in &p.body.items {
            for m in &i.milestones {
                seen.insert(m.phrase.clone(), m.deadline.describe_zh());
            }
        }
    }
    let expected = [
        ("10月底前", "2018-10-31"),
        ("12月底前", "2018-12-31"),
        ("2018年", "2018-12-31"),
        ("2018年底", "2018-12-31"),
        ("2018年底前", "2018-12-31"),
        ("2018年度", "2018-12-31"),
        ("2019年", "2019-12-31"),
        ("6月份", "2018-06-30"),
        ("6月底", "2018-06-30"),
        ("6月底前", "2018-06-30"),
        ("7月底前", "2018-07-31"),
        ("7月起", "自2018-07-01起"),
        ("全年", "2018-12-31"),
        ("十三五期间", "2020-12-31"),
        ("年内", "2018-12-31"),
        ("年底前", "2018-12-31"),
        ("每月", "每月"),
        ("逐年", "每年"),
    ];
    let got: Vec<(&str, &str)> = seen.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(got, expected);
}
