use super::*;

fn places() -> Places {
    Places {
        areas: vec!["柯城".into(), "衢州市区".into()],
        sections: vec!["铜山源水库".into()],
        drains: vec!["西排渠".into()],
        indicators: Vec::new(),
    }
}

#[test]
fn places_are_checked_by_index_and_a_long_list_is_cut_in_the_message() {
    let many = Places {
        sections: (1..=40).map(|i| format!("断面{i:02}")).collect(),
        ..places()
    };
    let index = many.index();
    let ok = input("water.nh3n", "断面40", "0.5").parse_indexed(&many, &index);
    assert!(ok.is_ok(), "{ok:?}");
    let e = input("water.nh3n", "断面41", "0.5")
        .parse_indexed(&many, &index)
        .expect_err("unknown section");
    assert_eq!(e.field, "place");
    assert!(e.reason.contains("断面30"), "{}", e.reason);
    assert!(!e.reason.contains("断面31"), "{}", e.reason);
    assert!(e.reason.contains("等 40 个"), "{}", e.reason);
    // A short list is given whole.
    let e = input("water.nh3n", "东迹渡", "0.5")
        .parse(&places())
        .expect_err("unknown");
    assert!(e.reason.ends_with("应为：铜山源水库"), "{}", e.reason);
}

fn input(indicator: &str, place: &str, value: &str) -> ReadingInput {
    ReadingInput {
        indicator: indicator.into(),
        place: place.into(),
        year: "2018".into(),
        month: "2".into(),
        value: value.into(),
        ..ReadingInput::default()
    }
}

#[test]
fn the_catalogue_has_unique_codes_and_names() {
    for (i, a) in CATALOGUE.iter().enumerate() {
        for b in &CATALOGUE[i + 1..] {
            assert_ne!(a.code, b.code);
            assert_ne!(a.name_zh, b.name_zh);
        }
        assert_eq!(indicator(a.code).map(|d| d.code), Some(a.code));
        assert_eq!(indicator(a.name_zh).map(|d| d.code), Some(a.code));
    }
    for p in Parameter::ALL {
        assert_eq!(water_indicator(p).parameter, Some(p));
    }
}

#[test]
fn a_good_reading_by_code_or_by_name() {
    let mut i = input("pm25", "柯城", " 41.5 ");
    i.valid_days = "28".into();
    i.provisional = "是".into();
    let r = i.parse(&places()).expect("valid");
    assert_eq!(r.key.indicator, "pm25");
    assert_eq!((r.key.year, r.key.month), (2018, 2));
    assert_eq!(r.value, 41.5);
    assert_eq!(r.valid_days, Some(28));
    assert!(r.provisional);
    let r = input("氨氮", "铜山源水库", "0.5")
        .parse(&places())
        .expect("by name");
    assert_eq!(r.key.indicator, "water.nh3n");
    assert!(input("受污染耕地安全利用率", CITY, "91.2")
        .parse(&places())
        .is_ok());
}

#[test]
fn each_bad_field_is_named() {
    let p = places();
    let field = |i: ReadingInput| i.parse(&p).expect_err("must fail").field;
    assert_eq!(field(input("pm10", "柯城", "1")), "indicator");
    assert_eq!(field(input("pm25", "东迹渡", "1")), "place");
    assert_eq!(field(input("pm25", "柯城", "abc")), "value");
    assert_eq!(field(input("pm25", "柯城", "-1")), "value");
    assert_eq!(field(input("pm25", "柯城", "5000")), "value");
    assert_eq!(field(input("rate.site", CITY, "100.5")), "value");
    let mut i = input("pm25", "柯城", "30");
    i.month = "13".into();
    assert_eq!(field(i), "month");
    let mut i = input("pm25", "柯城", "30");
    i.year = "1999".into();
    assert_eq!(field(i), "year");
    // February 2018 has 28 days.
    let mut i = input("pm25", "柯城", "30");
    i.valid_days = "29".into();
    let e = i.parse(&p).expect_err("29 days in Feb 2018");
    assert_eq!(e.field, "valid_days");
    assert!(e.reason.contains("28 天"), "{}", e.reason);
    let mut i = input("pm25", "柯城", "30");
    i.provisional = "maybe".into();
    assert_eq!(field(i), "provisional");
    let e = input("pm25", "柯城", "abc").parse(&p).expect_err("text");
    assert_eq!(e.reason, "数值“abc”不是数字");
}

#[test]
fn a_batch_checks_each_key_once_and_each_plan_once_for_its_writer() {
    let places = places();
    let key = |indicator: &str, place: &str, month: u32| ReadingKey {
        indicator: indicator.into(),
        place: place.into(),
        year: 2019,
        month,
    };
    let plans = vec!["water".to_owned()];
    let mut batch = BatchCheck::new(
        &places,
        Some(crate::access::ReadingsWriter::Token { plans: &plans }),
    );
    // One value per indicator, place and month: the second names the first's row.
    assert_eq!(batch.repeated(&key("water.nh3n", "铜山源水库", 1), 2), None);
    assert_eq!(batch.repeated(&key("water.nh3n", "铜山源水库", 2), 3), None);
    assert_eq!(
        batch.repeated(&key("water.nh3n", "铜山源水库", 1), 7),
        Some(2)
    );
    // Another indicator of the same place and month, the same names swapped, another year:
    // each a key of its own.
    assert_eq!(
        batch.repeated(&key("water.codmn", "铜山源水库", 1), 8),
        None
    );
    assert_eq!(batch.repeated(&key("铜山源水库", "water.nh3n", 1), 9), None);
    let next_year = ReadingKey {
        year: 2020,
        ..key("water.nh3n", "铜山源水库", 1)
    };
    assert_eq!(batch.repeated(&next_year, 10), None);
    assert_eq!(batch.repeated(&next_year, 11), Some(10));
    assert_eq!(
        batch.repeated(&key("water.codmn", "铜山源水库", 1), 12),
        Some(8)
    );
    // The writer's plans: a water indicator passes (twice), PM2.5 (the air plan's) does not
    // and the refusal names its plan; an indicator not in the catalogue is the row's problem.
    assert!(batch.may_write(&key("water.nh3n", "铜山源水库", 1)).is_ok());
    assert!(batch
        .may_write(&key("water.codmn", "铜山源水库", 1))
        .is_ok());
    let refused = batch.may_write(&key("pm25", "柯城", 1));
    assert!(
        matches!(&refused, Err((plan, crate::access::Denied::Forbidden(_))) if plan == "air"),
        "{refused:?}"
    );
    assert!(batch.may_write(&key("no.such", "柯城", 1)).is_ok());
    // A trusted caller (no writer) may write any plan's readings.
    let mut trusted = BatchCheck::new(&places, None);
    assert!(trusted.may_write(&key("pm25", "柯城", 1)).is_ok());
}
