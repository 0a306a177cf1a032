//! The shipped seed/ folder checked against the source document: counts, every numbered
//! item once, spot checks of specific rows, every item's text found in the source, every
//! table title and figure that differs from the main text flagged, every record's line in the
//! source, and one reading of each target wording.

use sanzhi_domain::{Deadline, Direction, NoteKind, Precision, Recurrence};
use sanzhi_seed::{SeedBundle, SeedItem, SeedNote, SeedPlan, SeedTarget, SeedTask, SourceLines};
use std::collections::BTreeSet;
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
        // A bare 年度 (年度监测任务, 年度评估制度) is every year's; 月报 is monthly.
        ("年度", "每年"),
        ("月报", "每月"),
        ("每月", "每月"),
        ("逐年", "每年"),
    ];
    let got: Vec<(&str, &str)> = seen.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(got, expected);
}

// ---- The seed read against seed/source/ line by line ----

/// As the loader compares text with the source: without whitespace, `<p>`, `</p>` and a
/// trailing 。.
fn squeezed(s: &str) -> String {
    sanzhi_seed::squeeze(s)
}

fn task(p: &SeedPlan, n: i32) -> &SeedTask {
    p.body.tasks.iter().find(|t| t.number == n).expect("task")
}

/// The lines `l` of the plan's source document, joined and squeezed.
fn source_at(p: &SeedPlan, l: SourceLines) -> String {
    let doc = p.source.as_ref().expect("plan has a source document");
    doc.squeezed(l)
        .unwrap_or_else(|| panic!("{} has no lines {l:?}", doc.name))
}

/// The maximal runs of ASCII digits (with a decimal part) in `s`: “0.5万吨/日” → “0.5”.
fn digit_runs(s: &str) -> BTreeSet<String> {
    let chars: Vec<char> = s.chars().collect();
    let mut runs = BTreeSet::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len()
            && (chars[i].is_ascii_digit()
                || (chars[i] == '.' && chars.get(i + 1).is_some_and(|c| c.is_ascii_digit())))
        {
            i += 1;
        }
        runs.insert(chars[start..i].iter().collect());
    }
    runs
}

/// The notes of a plan on one item.
fn item_notes(p: &SeedPlan, n: i32) -> impl Iterator<Item = &SeedNote> {
    p.body.notes.iter().filter(move |x| x.item == Some(n))
}

#[test]
fn every_action_task_and_item_of_the_three_plans_has_its_source_lines() {
    let b = seed();
    for p in &b.plans {
        let doc = p.source.as_ref().expect("plan has a source document");
        assert_eq!(doc.name, "qzbf-2018-43.txt", "{}", p.code);
        for a in &p.body.actions {
            let l = a
                .source_lines
                .unwrap_or_else(|| panic!("{} action {} has no source_lines", p.code, a.seq));
            assert!(source_at(p, l).contains(&squeezed(&a.title)));
        }
        for t in &p.body.tasks {
            let l = t
                .source_lines
                .unwrap_or_else(|| panic!("{} task {} has no source_lines", p.code, t.number));
            // The heading is there too, with its number: “5. 推进重污染行业整治。…”.
            let there = source_at(p, l);
            assert!(
                there.contains(&format!("{}.", t.number))
                    && there.contains(&squeezed(&t.paragraph)),
                "{} task {}",
                p.code,
                t.number
            );
            // Each task's main text comes after its action's heading.
            let action = p
                .body
                .actions
                .iter()
                .find(|a| a.seq == t.action)
                .expect("action");
            assert!(
                action.source_lines.expect("lines").to < l.from,
                "{} task {}",
                p.code,
                t.number
            );
        }
        let last_task_line = p
            .body
            .tasks
            .iter()
            .filter_map(|t| t.source_lines)
            .map(|l| l.to)
            .max();
        for i in &p.body.items {
            let l = i
                .source_lines
                .unwrap_or_else(|| panic!("{} ({}) has no source_lines", p.code, i.number));
            // The table's row, not a main-text sentence the row repeats: “(12)实施农田…”.
            assert!(
                source_at(p, l).contains(&format!("({}){}", i.number, squeezed(&i.text))),
                "{} ({}) lines {l:?} are not its table row",
                p.code,
                i.number
            );
            assert!(Some(l.from) > last_task_line, "{} ({})", p.code, i.number);
        }
    }
}

/// Title cells as `(number, squeezed title)`.
type TitleCells = Vec<(i32, String)>;

/// The action and task title cells of a plan's allocation table (the lines of its items), as
/// `(number, squeezed title)`: “(三)工业废气治理 理攻坚行动” → (3, “工业废气治理理攻坚行动”),
/// “4. 提高市区支 流排渠…” → (4, “提高市区支流排渠…”). A cell is recognised by its shape, in
/// whichever column the PDF put it.
fn table_title_cells(p: &SeedPlan) -> (TitleCells, TitleCells) {
    const NUMERALS: [char; 10] = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
    let doc = p.source.as_ref().expect("plan has a source document");
    let lines: Vec<&str> = doc.text.lines().collect();
    let rows = p.body.items.iter().filter_map(|i| i.source_lines);
    let from = rows
        .clone()
        .map(|l| l.from)
        .min()
        .expect("items have lines") as usize;
    let to = rows.map(|l| l.to).max().expect("items have lines") as usize;
    let (mut actions, mut tasks) = (Vec::new(), Vec::new());
    for line in &lines[from - 1..to] {
        for cell in line.split('\t') {
            let c = squeezed(cell);
            let chars: Vec<char> = c.chars().collect();
            if chars.len() > 3 && chars[0] == '(' && chars[2] == ')' {
                if let Some(k) = NUMERALS.iter().position(|n| *n == chars[1]) {
                    let title: String = chars[3..].iter().collect();
                    let title = title.trim_start_matches('、').to_owned();
                    actions.push((k as i32 + 1, title));
                    continue;
                }
            }
            let digits: String = chars.iter().take_while(|c| c.is_ascii_digit()).collect();
            if !digits.is_empty() && chars.get(digits.len()) == Some(&'.') {
                let title: String = chars[digits.len() + 1..].iter().collect();
                tasks.push((digits.parse().expect("number"), title));
            }
        }
    }
    (actions, tasks)
}

#[test]
fn every_table_title_equals_the_main_texts_or_is_flagged() {
    let b = seed();
    for p in &b.plans {
        let (actions, tasks) = table_title_cells(p);
        let seen: BTreeSet<i32> = actions.iter().map(|(n, _)| *n).collect();
        let all: BTreeSet<i32> = p.body.actions.iter().map(|a| a.seq).collect();
        assert_eq!(seen, all, "{}: the table's action headings", p.code);
        for (n, cell) in &actions {
            let a = p.body.actions.iter().find(|a| a.seq == *n).expect("action");
            let flagged = p.body.notes.iter().any(|x| {
                x.action == Some(*n) && x.field == "title" && squeezed(&x.table_says).contains(cell)
            });
            assert!(
                squeezed(&a.title) == *cell || flagged,
                "{} action {n}: the table says “{cell}”, the seed “{}”, and no title note says so",
                p.code,
                a.title
            );
        }
        let mut resolved = BTreeSet::new();
        for (n, cell) in &tasks {
            // Where the table numbers a task differently (soil 15–18, 20–23), a “number” note
            // quotes the table's “N.…” and names the task the main text means.
            let number = p
                .body
                .notes
                .iter()
                .find(|x| {
                    x.field == "number" && x.task.is_some() && {
                        let says = squeezed(&x.table_says);
                        says.starts_with(&format!("{n}."))
                    }
                })
                .and_then(|x| x.task)
                .unwrap_or(*n);
            resolved.insert(number);
            let t = task(p, number);
            let flagged = p.body.notes.iter().any(|x| {
                x.task == Some(number)
                    && (x.field == "title" || x.field == "number")
                    && squeezed(&x.table_says).contains(cell)
            });
            assert!(
                squeezed(&t.title) == *cell || flagged,
                "{} task {number}: the table says “{cell}”, the seed “{}”, and no title note says so",
                p.code,
                t.title
            );
        }
        let all: BTreeSet<i32> = p.body.tasks.iter().map(|t| t.number).collect();
        assert_eq!(resolved, all, "{}: the table's task headings", p.code);
    }
}

#[test]
fn every_figure_of_an_item_is_in_its_main_text_or_noted() {
    let b = seed();
    for p in &b.plans {
        for i in &p.body.items {
            let paragraph = digit_runs(&task(p, i.task).paragraph);
            let mut noted: BTreeSet<String> = BTreeSet::new();
            for x in item_notes(p, i.number) {
                noted.extend(digit_runs(&x.table_says));
                noted.extend(digit_runs(&x.other_says));
            }
            for t in &i.targets {
                noted.extend(t.note.iter().flat_map(|n| digit_runs(n)));
            }
            for run in digit_runs(&i.text) {
                assert!(
                    paragraph.contains(&run) || noted.contains(&run),
                    "{} ({}): “{run}” is the table's alone and no note says so",
                    p.code,
                    i.number
                );
            }
        }
    }
}

/// The ways a target's value can be written: “3”, and for small whole numbers “三” and “Ⅲ”
/// (“两” for 2).
fn written_forms(value: f64) -> Vec<String> {
    let mut forms = vec![format!("{value}")];
    if value.fract() == 0.0 && (1.0..=10.0).contains(&value) {
        let k = value as usize - 1;
        forms.push(["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"][k].to_owned());
        if k == 1 {
            forms.push("两".to_owned());
        }
        if k < 5 {
            forms.push(["Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ"][k].to_owned());
        }
    }
    forms
}

/// Where `t`'s value is written in its quote, with two characters before and one after — “企业
/// 400家” — as the alternatives that read the same (“完成一个” / “完成1个”); `None` when the quote
/// does not write the value.
fn figure_in_quote(t: &SeedTarget) -> Option<Vec<String>> {
    let quote: Vec<char> = squeezed(&t.quote).chars().collect();
    let forms = written_forms(t.value);
    for start in 0..quote.len() {
        for form in &forms {
            let f: Vec<char> = form.chars().collect();
            let end = start + f.len();
            if end > quote.len() || quote[start..end] != f[..] {
                continue;
            }
            let before = start.checked_sub(1).map(|i| quote[i]);
            let after = quote.get(end).copied();
            let whole = if f[0].is_ascii_digit() {
                // A whole number: not the “2” of “2018”.
                !before.is_some_and(|c| c.is_ascii_digit() || c == '.')
                    && !after.is_some_and(|c| c.is_ascii_digit() || c == '.')
            } else {
                // A numeral with its measure word: not the 三 of “东港三路”.
                after.is_some_and(|c| "个条座根家项种所处类".contains(c))
            };
            if !whole {
                continue;
            }
            let head: String = quote[start.saturating_sub(2)..start].iter().collect();
            let tail: String = quote[end..(end + 1).min(quote.len())].iter().collect();
            return Some(forms.iter().map(|g| format!("{head}{g}{tail}")).collect());
        }
    }
    None
}

#[test]
fn every_target_figure_is_the_main_texts_or_noted() {
    let b = seed();
    for p in &b.plans {
        for i in &p.body.items {
            let paragraph = squeezed(&task(p, i.task).paragraph);
            for t in &i.targets {
                let in_main_text = figure_in_quote(t)
                    .is_some_and(|ways| ways.iter().any(|w| paragraph.contains(w.as_str())));
                assert!(
                    in_main_text || t.note.is_some(),
                    "{} ({}) target “{}” = {}: the main text does not give this figure in these \
                     words, and the target has no note",
                    p.code,
                    i.number,
                    t.metric,
                    t.value
                );
            }
        }
    }
}

#[test]
fn one_direction_per_target_wording() {
    let b = seed();
    // The counts that are the length of a list the text itself names, and a fixed regime:
    // these are `exactly`; every other count of work to do is `at_least`, whatever the verb.
    const FIXED_LISTS: [&str; 7] = [
        "三条道路",
        "等4座",
        "等8个重点行业",
        "71家",
        "各增设一个",
        "分别谋划推进一个",
        "24小时循环洒水",
    ];
    for p in &b.plans {
        for i in &p.body.items {
            for t in &i.targets {
                let q = &t.quote;
                let expected = if [
                    "以下",
                    "不超过",
                    "低于",
                    "大于",
                    "控制标准为",
                    "氨氮为",
                    "类水标准",
                ]
                .iter()
                .any(|w| q.contains(w))
                {
                    Direction::AtMost
                } else if q.contains("左右") {
                    Direction::About
                } else if t.metric.ends_with("规模") || FIXED_LISTS.iter().any(|w| q.contains(w))
                {
                    // The size of one named project (“5万吨/日扩建工程”) or a named list.
                    Direction::Exactly
                } else {
                    // N以上, 达到N%, …率N%, 完成N…, 建设/建成/开展/整治/拆除/对 N…
                    Direction::AtLeast
                };
                assert_eq!(
                    t.direction, expected,
                    "{} ({}) “{}”",
                    p.code, i.number, t.quote
                );
            }
        }
    }
    // The rate goals of the main texts read the same way: “达到90%” is at least 90%.
    for g in &b.reference.rate_goals {
        let expected = if g.raw.contains("左右") {
            Direction::About
        } else {
            Direction::AtLeast
        };
        assert_eq!(g.comparator, expected, "{}", g.raw);
    }
}

#[test]
fn water_8_targets_are_the_main_texts_30_and_400_with_the_tables_noted() {
    let b = seed();
    let water = plan(&b, "water");
    let w8 = item(&b, "water", 8);
    let paragraph = &task(water, w8.task).paragraph;
    let target = |metric: &str| {
        w8.targets
            .iter()
            .find(|t| t.metric.starts_with(metric))
            .unwrap_or_else(|| panic!("{metric}"))
    };
    for (metric, main_text, table) in [("淘汰落后产能", 30.0, "400"), ("关停和整治", 400.0, "30")]
    {
        let t = target(metric);
        assert_eq!(
            (t.value, t.direction),
            (main_text, Direction::AtLeast),
            "{metric}"
        );
        // The quote is the main text's: the table's row has the other figure.
        assert!(
            paragraph.contains(&t.quote) && !w8.text.contains(&t.quote),
            "{metric}"
        );
        let note = t.note.as_deref().expect("a note with the table's figure");
        assert!(note.contains(table) && note.contains("分工表"), "{note}");
    }
    // The item keeps the table's words, and its note no longer says the targets do.
    assert!(w8.text.contains("淘汰落后产能涉及企业400家以上"));
    let n = item_notes(water, 8)
        .find(|x| x.kind == NoteKind::Discrepancy)
        .expect("the item's note");
    assert!(!n.note.contains("目标保留"), "{}", n.note);
    assert!(n.note.contains("目标按正文"), "{}", n.note);

    // The other figures and wordings that differ carry their own note where targets show.
    for (code, n, value) in [
        ("water", 4, 4.0),
        ("water", 9, 65.0),
        ("water", 12, 165.0),
        ("air", 16, 3.0),
        ("soil", 1, 3368.0),
        ("soil", 16, 90.0),
    ] {
        let t = item(&b, code, n)
            .targets
            .iter()
            .find(|t| t.value == value)
            .unwrap_or_else(|| panic!("{code} ({n}) {value}"));
        assert!(t.note.is_some(), "{code} ({n}) {value} has no note");
    }
    // Water (9)'s 65% is the main text's alone.
    let w9 = item(&b, "water", 9);
    let t65 = w9.targets.iter().find(|t| t.value == 65.0).expect("65%");
    assert!(!w9.text.contains("65") && task(water, 6).paragraph.contains(&t65.quote));
}

#[test]
fn soil_12_is_led_by_the_agriculture_bureau_with_the_reasoning_noted() {
    let b = seed();
    let soil = plan(&b, "soil");
    assert_eq!(leads(item(&b, "soil", 12)), ["市农业局"]);
    // (11), in the same cell, keeps the cell's one unit.
    assert_eq!(leads(item(&b, "soil", 11)), ["市环保局"]);
    let c = item_notes(soil, 12)
        .find(|x| x.kind == NoteKind::Correction && x.field == "lead")
        .expect("a correction of (12)'s lead");
    assert!(c.table_says.contains("市环保局"));
    assert_eq!(c.other_says, "市农业局");
    // The reasoning: the cell's layout, and the rest of the gazette (water (18), 推进肥药减量).
    assert!(c.note.contains("(11)") && c.note.contains("治水") && c.note.contains("肥药"));
}

#[test]
fn bare_nian_du_is_a_yearly_duty_and_yue_bao_a_monthly_one() {
    let b = seed();
    let recurring = |code: &str, n: i32, every: Recurrence| {
        item(&b, code, n)
            .milestones
            .iter()
            .any(|m| m.deadline == Deadline::Recurring { every, from: None })
    };
    for (code, n) in [("soil", 4), ("water", 23), ("water", 9), ("air", 10)] {
        assert!(
            recurring(code, n, Recurrence::Yearly),
            "{code} ({n}) 年度 is not a yearly duty"
        );
    }
    assert!(recurring("soil", 21, Recurrence::Monthly), "soil (21) 月报");
    // Air (10) also has its 2018年度 plan, due by the end of 2018.
    assert!(item(&b, "air", 10)
        .milestones
        .iter()
        .any(|m| m.phrase == "2018年度"
            && m.deadline.due_date().map(|d| d.to_string()) == Some("2018-12-31".to_owned())));
    // Water (9): the main text names one year; the note says so.
    assert!(item_notes(plan(&b, "water"), 9)
        .any(|x| x.kind == NoteKind::Discrepancy && x.other_says.contains("2018年度")));
}
