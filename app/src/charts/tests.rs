use super::*;
use sanzhi_domain::annual::AnnualMean;
use sanzhi_domain::standing::SectionMonth;
use sanzhi_domain::water::{classify, Parameter};
use sanzhi_domain::{IndicatorStanding, ReadingKey, ReadingSource, StatusCounts};

/// The text contents of an SVG's `<text>` elements, trimmed.
fn texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let body = t.split_once('>')?.1;
            Some(body.split_once("</text>")?.0.trim().to_owned())
        })
        .collect()
}

const HOSTILE: &str = "<script>alert(1)</script>&\"'";
const ESCAPED: &str = "&lt;script&gt;alert(1)&lt;/script&gt;&amp;";

fn row(area: &str, year: i32, value: f64) -> Pm25TargetRow {
    Pm25TargetRow {
        area: area.to_owned(),
        year,
        value,
        qualifier: String::new(),
        raw: value.to_string(),
    }
}

fn standing(area: &str, mean: Option<f64>, target: Option<f64>) -> Pm25Standing {
    Pm25Standing {
        needed_rest: None,
        area: area.into(),
        year: 2018,
        annual: AnnualMean {
            mean,
            months: 12,
            valid_days: Some(360),
            complete: true,
            gaps: vec![],
        },
        through_month: 12,
        target,
        met: mean.zip(target).map(|(m, t)| m <= t),
        any_demo: false,
        any_provisional: false,
    }
}

fn reading(place: &str, year: i32, month: u32, value: f64) -> Reading {
    Reading {
        id: 0,
        key: ReadingKey {
            indicator: "pm25".into(),
            place: place.into(),
            year,
            month,
        },
        value,
        valid_days: None,
        provisional: false,
        source: ReadingSource::Demo,
        is_demo: true,
        note: String::new(),
        recorded_by: String::new(),
        recorded_at: String::new(),
    }
}

fn section(name: &str) -> SectionStanding {
    let months: Vec<SectionMonth> = (1..=12)
        .map(|m| SectionMonth {
            month: m,
            classification: classify(&[(Parameter::AmmoniaN, 0.1 + f64::from(m) * 0.15)], false),
        })
        .collect();
    SectionStanding {
        section: name.into(),
        target: WaterClass::III,
        reservoir: false,
        year: 2018,
        months,
        annual: classify(&[(Parameter::AmmoniaN, 1.0)], false),
        through_month: 12,
        months_measured: 12,
        met: Some(true),
        exceeding: vec![],
        months_missed: 6,
        any_demo: false,
    }
}

/// A unit with `done` milestones met on time and `overdue` missed (one per assignment).
fn rank(unit: &str, done: u32, overdue: u32) -> UnitRank {
    let counts = StatusCounts {
        done,
        overdue,
        ..StatusCounts::default()
    };
    let due = done + overdue;
    UnitRank {
        unit: unit.into(),
        assignments: due,
        counts,
        due,
        on_time: done,
        rate: (due > 0).then(|| f64::from(done) / f64::from(due)),
        place: None,
        before: None,
        urged: 0,
        answered: 0,
    }
}

#[test]
fn one_bar_per_area_of_the_year_with_chinese_labels() {
    let rows = [
        row("柯城", 2018, 40.0),
        row("龙游", 2018, 43.0),
        row("柯城", 2019, 37.0),
    ];
    let svg = pm25_targets_svg(Locale::zh, &rows, 2018).expect("svg");
    assert!(svg.starts_with("<svg"));
    assert!(svg.contains("柯城") && svg.contains("龙游"));
    assert!(svg.contains("2018年 PM2.5 年均浓度目标"));
    assert!(svg.contains("国家二级标准"));
    assert!(pm25_targets_svg(Locale::zh, &rows, 2021).is_err());
}

#[test]
fn pm25_against_targets_colours_met_and_missed() {
    let s = [
        standing("柯城", Some(38.04), Some(40.0)),
        standing("龙游", Some(45.0), Some(43.0)),
        standing("西区", None, Some(40.0)),
    ];
    let svg = pm25_vs_target_svg(Locale::zh, &s, 2018, 12).expect("svg");
    assert!(svg.contains("2018年 PM2.5 年均与目标"));
    assert!(
        texts(&svg).contains(&"38.0".to_owned()),
        "the value is printed on its bar"
    );
    assert!(
        svg.contains("#2E7D32") || svg.contains("#2e7d32"),
        "a green bar"
    );
    assert!(
        svg.contains("#C62828") || svg.contains("#c62828"),
        "a red bar"
    );
    insta::assert_snapshot!("pm25_vs_target", svg);
    let ytd = pm25_vs_target_svg(Locale::zh, &s, 2018, 6).expect("svg");
    assert!(ytd.contains("1—6月均值"));
}

#[test]
fn the_pm25_chart_reads_in_english() {
    let s = [
        standing("柯城", Some(38.04), Some(40.0)),
        standing("龙游", Some(45.0), Some(43.0)),
        standing("西区", None, Some(40.0)),
    ];
    let svg = pm25_vs_target_svg(Locale::en, &s, 2018, 12).expect("svg");
    let t = texts(&svg);
    assert!(svg.contains("2018 PM2.5 annual mean against target (µg/m³)"));
    for label in ["Target", "Met", "Missed", "Grade II limit 35"] {
        assert!(t.contains(&label.to_owned()), "{label}: {t:?}");
    }
    assert!(
        t.contains(&"柯城".to_owned()),
        "area names are data, not translated"
    );
    assert!(
        !t.iter().any(|x| x.contains("目标") || x.contains("达标")),
        "no Chinese interface text: {t:?}"
    );
    insta::assert_snapshot!("pm25_vs_target_en", svg);
    let ytd = pm25_vs_target_svg(Locale::en, &s, 2018, 6).expect("svg");
    assert!(ytd.contains("2018 PM2.5 Jan–Jun mean against target"));
}

#[test]
fn the_other_charts_read_in_english() {
    let matrix = section_matrix_svg(Locale::en, &[section("东迹渡")], 2018).expect("matrix");
    let t = texts(&matrix);
    for label in ["Jan", "Dec", "东迹渡 (target Ⅲ)", "Class III", "No data"] {
        assert!(t.contains(&label.to_owned()), "{label}: {t:?}");
    }
    assert!(matrix.contains("water class by month"));
    let ranks = [rank("市环保局", 9, 1), rank("开化县政府", 1, 9)];
    let ranking = unit_ranking_svg(Locale::en, &ranks, "title", 1).expect("ranking");
    let t = texts(&ranking);
    for label in ["90% (9/10)", "Honour list (top 1)", "Black list (bottom 1)"] {
        assert!(t.contains(&label.to_owned()), "{label}: {t:?}");
    }
    let rs = [reading("衢州市区", 2018, 1, 40.0)];
    let trend = pm25_trend_svg(Locale::en, "衢州市区", &rs, &[], 2018..=2020).expect("trend");
    assert!(trend.contains("衢州市区 PM2.5 monthly mean 2018–2020 (µg/m³) (demo data)"));
    let targets = pm25_targets_svg(Locale::en, &[row("柯城", 2018, 40.0)], 2018).expect("t");
    assert!(targets.contains("2018 PM2.5 annual mean targets (µg/m³)"));
}

#[test]
fn the_trend_has_a_point_per_month_and_a_step_per_year() {
    let rs: Vec<Reading> = (2018..=2020)
        .flat_map(|y| (1..=12).map(move |m| reading("衢州市区", y, m, 30.0 + f64::from(m))))
        .collect();
    let t = [
        row("衢州市区", 2018, 40.0),
        row("衢州市区", 2019, 37.0),
        row("衢州市区", 2020, 35.0),
    ];
    let svg = pm25_trend_svg(Locale::zh, "衢州市区", &rs, &t, 2018..=2020).expect("svg");
    assert_eq!(svg.matches("<circle").count(), 36);
    assert!(svg.contains("2018-01") && svg.contains("2020-07"));
    assert!(svg.contains("（演示数据）"), "demo readings are labelled");
    insta::assert_snapshot!("pm25_trend", svg);
}

#[test]
fn the_section_matrix_colours_each_month_by_class() {
    let svg = section_matrix_svg(
        Locale::zh,
        &[section("东迹渡"), section("铜山源水库")],
        2018,
    )
    .expect("svg");
    // NH3-N 0.25 (II), 0.4 (II), 0.55 (III) … 1.9 (V): all five classes appear.
    for c in ["Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ"] {
        assert!(texts(&svg).contains(&c.to_owned()), "{c}");
    }
    assert!(texts(&svg).contains(&"东迹渡（目标Ⅲ）".to_owned()));
    insta::assert_snapshot!("section_matrix", svg);
}

#[test]
fn the_ranking_puts_the_best_first_and_marks_the_bands() {
    let ranks = [
        rank("市环保局", 9, 1),
        rank("柯城区政府", 5, 5),
        rank("开化县政府", 1, 9),
        rank("市水利局", 0, 0),
    ];
    let svg = unit_ranking_svg(Locale::zh, &ranks, "责任单位完成率", 1).expect("svg");
    assert!(svg.contains("90%（9/10）"));
    assert!(!svg.contains("市水利局"), "nothing due: not ranked");
    assert!(svg.contains("红榜（前1）") && svg.contains("黑榜（后1）"));
    insta::assert_snapshot!("unit_ranking", svg);
    assert!(unit_ranking_svg(Locale::zh, &ranks[3..], "x", 5).is_err());
}

#[test]
fn hostile_names_are_text_inside_every_svg() {
    let check = |svg: String| {
        assert!(!svg.contains("<script>"), "{svg}");
        assert!(svg.contains(ESCAPED), "{svg}");
    };
    for l in [Locale::zh, Locale::en] {
        check(pm25_targets_svg(l, &[row(HOSTILE, 2018, 40.0)], 2018).expect("targets"));
        check(
            pm25_vs_target_svg(l, &[standing(HOSTILE, Some(30.0), Some(35.0))], 2018, 12)
                .expect("vs target"),
        );
        check(
            pm25_trend_svg(
                l,
                HOSTILE,
                &[reading(HOSTILE, 2018, 1, 40.0)],
                &[row(HOSTILE, 2018, 40.0)],
                2018..=2020,
            )
            .expect("trend"),
        );
        check(section_matrix_svg(l, &[section(HOSTILE)], 2018).expect("matrix"));
        check(unit_ranking_svg(l, &[rank(HOSTILE, 1, 1)], HOSTILE, 1).expect("ranking"));
        check(
            unit_ranking_narrow_svg(l, &[rank(HOSTILE, 1, 1)], HOSTILE, 1).expect("narrow ranking"),
        );
        check(
            pm25_vs_target_narrow_svg(l, &[standing(HOSTILE, Some(30.0), Some(35.0))], 2018, 12)
                .expect("narrow vs target"),
        );
        // A plan's own indicator: its name, unit and places come from an import's sheet.
        let (def, standings) = own_indicator(HOSTILE);
        check(indicator_vs_target_svg(l, &def, &standings, 2021, 12).expect("own indicator"));
    }
}

fn own_indicator(name: &str) -> (sanzhi_domain::PlanIndicator, Vec<IndicatorStanding>) {
    let def = sanzhi_domain::PlanIndicator {
        code: "peer.1".into(),
        name_zh: name.into(),
        name_en: Some(name.into()),
        unit: name.into(),
        better: sanzhi_domain::Better::Higher,
        place_kind: sanzhi_domain::PlaceKind::Area,
        plan: "peer".into(),
        plan_name: String::new(),
        aggregate: sanzhi_domain::Aggregate::Latest,
        max_plausible: 100.0,
    };
    let at = |place: &str, value: Option<f64>, target: Option<f64>| IndicatorStanding {
        code: "peer.1".into(),
        place: place.into(),
        year: 2021,
        through_month: 12,
        value,
        month: value.map(|_| 12),
        annual: None,
        met: value.zip(target).map(|(v, t)| v >= t),
        target,
        any_demo: false,
    };
    (
        def,
        vec![
            at(name, Some(97.0), Some(95.0)),
            at("柯城", Some(80.0), Some(90.0)),
            at("衢江", None, Some(90.0)),
        ],
    )
}

/// A plan's own indicator: a bar per place in the met / missed colours (grey without a
/// value), the figure to one decimal, the target as a mark; none without standings.
#[test]
fn a_plans_own_indicator_is_drawn_against_its_targets() {
    let (def, standings) = own_indicator("河道保洁达标率");
    let svg = indicator_vs_target_svg(Locale::zh, &def, &standings, 2021, 12).expect("svg");
    for t in ["河道保洁达标率", "柯城", "衢江", "97.0", "80.0"] {
        assert!(svg.contains(t), "{t} in the chart");
    }
    let colour = |c: RGBColor| format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2);
    assert!(
        svg.contains(&colour(MET)) && svg.contains(&colour(MISSED)),
        "{svg}"
    );
    assert!(indicator_vs_target_svg(Locale::zh, &def, &[], 2021, 12).is_err());
}

/// The phone's drawings: 380 px wide (shown at their own size on a phone), no text smaller
/// than 14 px as drawn (plotters writes 11.3), every area on its own row with its figure.
#[test]
fn the_phone_charts_read_at_a_phone_width() {
    let s = [
        standing("柯城", Some(38.04), Some(40.0)),
        standing("龙游", Some(45.0), Some(43.0)),
        standing("西区", None, Some(40.0)),
    ];
    let svg = pm25_vs_target_narrow_svg(Locale::zh, &s, 2018, 3).expect("svg");
    assert!(svg.starts_with(r#"<svg width="380""#), "{}", &svg[..80]);
    let sizes: Vec<f64> = svg
        .split("font-size=\"")
        .skip(1)
        .filter_map(|r| r.split('"').next()?.parse().ok())
        .collect();
    assert!(sizes.iter().all(|s| *s >= 11.2), "{sizes:?}");
    for t in ["柯城", "龙游", "西区", "38.0", "45.0", "—"] {
        assert!(texts(&svg).contains(&t.to_owned()), "{t}");
    }
    insta::assert_snapshot!("pm25_vs_target_narrow", svg);
    let ranks = [
        rank("市环保局", 9, 1),
        rank("柯城区政府", 5, 5),
        rank("开化县政府", 1, 9),
    ];
    let svg = unit_ranking_narrow_svg(
        Locale::zh,
        &ranks,
        "2018年12月底 责任单位按时完成率（红黑榜）",
        1,
    )
    .expect("svg");
    assert!(svg.starts_with(r#"<svg width="380""#), "{}", &svg[..80]);
    assert!(svg.contains("90%（9/10）"));
    assert!(
        texts(&svg).contains(&"（红黑榜）".to_owned()),
        "the title's second line"
    );
    insta::assert_snapshot!("unit_ranking_narrow", svg);
}
