//! An app server's readings mirror (`ReadingsMirror`, issue 26) against the database, on
//! both backends: on a second pool, as a second app server would have it, it follows random
//! readings writes through the first — a few readings (new or replacing), writes of many
//! series (an import: its years are recorded, not its series), demo readings written and
//! removed — and after each gives exactly the readings a read of the year gives. One pushed
//! reading costs the mirror one series read again, not a year. The PM2.5 and section
//! standings it keeps per place equal those computed from the year as read.

use sanzhi_domain::chrono::{TimeZone, Utc};
use sanzhi_domain::rng::SplitMix64 as Rng;
use sanzhi_domain::standing::{pm25_standings, section_standings};
use sanzhi_domain::{NewReading, ReadingKey, ReadingSource, ReadingValue, ValueKey};
use sanzhi_store::testing::TestDb;
use sanzhi_store::{on_both_backends, ReadingFilter, ReadingsMirror, Store};
use std::path::Path;

on_both_backends!(the_readings_mirror_follows_every_kind_of_write);

const INDICATORS: [&str; 4] = ["pm25", "water.cod", "water.nh3n", "drain.cod"];
// PM2.5 areas of the seed's targets and two of its water sections.
const PLACES: [&str; 7] = [
    "柯城",
    "衢江",
    "龙游",
    "江山",
    "常山",
    "东迹渡",
    "铜山源水库",
];
const YEARS: [i32; 3] = [2018, 2019, 2020];

fn reading(rng: &mut Rng) -> NewReading {
    NewReading {
        key: ReadingKey {
            indicator: (*rng.pick(&INDICATORS)).to_owned(),
            place: (*rng.pick(&PLACES)).to_owned(),
            year: *rng.pick(&YEARS),
            month: rng.below(12) as u32 + 1,
        },
        // Few distinct values, so that some writes leave a reading unchanged.
        value: 10.0 + rng.below(8) as f64,
        valid_days: (rng.below(2) == 0).then(|| 25 + rng.below(6) as u32),
        provisional: rng.below(5) == 0,
        note: String::new(),
    }
}

/// The year as the database gives it, in the mirror's order (indicator, place, month).
async fn year_of(store: &Store, year: i32) -> Vec<ReadingValue> {
    let mut values = store
        .reading_values(&ReadingFilter::years(year, year))
        .await
        .expect("read");
    values.sort_by(|a, b| {
        (&a.key.indicator, &a.key.place, a.key.month).cmp(&(
            &b.key.indicator,
            &b.key.place,
            b.key.month,
        ))
    });
    values
}

async fn the_readings_mirror_follows_every_kind_of_write(db: &TestDb) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../seed");
    let seed = sanzhi_seed::load_dir(&dir).expect("shipped seed");
    db.store.load_seed(&seed).await.expect("seed");
    let second = Store::connect(&db.url)
        .await
        .expect("a second app server's pool");
    let mirror = ReadingsMirror::new();
    let targets = std::sync::Arc::new(db.store.indicator_targets().await.expect("targets"));
    let mut standings_compared = 0;
    let mut rng = Rng(29);
    let now = Utc
        .with_ymd_and_hms(2021, 1, 5, 3, 0, 0)
        .single()
        .expect("time");
    let mut compared = 0;
    for step in 0..160 {
        match rng.below(20) {
            0 => {
                // An import of many series: more than the mirror is told one by one.
                let many: Vec<NewReading> = (0..600)
                    .map(|i| {
                        let mut r = reading(&mut rng);
                        r.key.place = format!("规模测试{}", i % 300);
                        r
                    })
                    .collect();
                db.store
                    .write_readings(&many, ReadingSource::Imported, "测试", now)
                    .await
                    .expect("import");
            }
            1 => {
                let demo: Vec<NewReading> = (0..5).map(|_| reading(&mut rng)).collect();
                db.store
                    .write_readings(&demo, ReadingSource::Demo, "演示", now)
                    .await
                    .expect("demo");
            }
            2 => {
                db.store.clear_demo_readings().await.expect("clear demo");
            }
            _ => {
                let few: Vec<NewReading> =
                    (0..1 + rng.below(4)).map(|_| reading(&mut rng)).collect();
                let source = if rng.below(2) == 0 {
                    ReadingSource::Api
                } else {
                    ReadingSource::Entered
                };
                db.store
                    .write_readings(&few, source, "测试", now)
                    .await
                    .expect("write");
            }
        }
        // Every few writes (so that several pile up between two reads), the year 总览 shows,
        // and now and then the others (the mirror holds two years: it reads a third whole).
        if step % 3 == 0 {
            let years: &[i32] = if step % 15 == 0 { &YEARS } else { &[2019] };
            for &year in years {
                let kept = mirror.year_values(&second, year).await.expect("mirror");
                let read = year_of(&db.store, year).await;
                assert_eq!(*kept, read, "step {step}, {year}");
                compared += read.len();
            }
            // The standings kept per place, through two months, against the year as read.
            let throughs = [3 + (step % 10) as u32, 12];
            let (values, kept) = mirror
                .standings(&second, &targets, 2019, &throughs)
                .await
                .expect("standings");
            let read = year_of(&db.store, 2019).await;
            assert_eq!(*values, read, "step {step}");
            for (through, (pm25, sections)) in throughs.iter().zip(kept) {
                // Shared with what the mirror keeps; compared by value.
                let pm25: Vec<_> = pm25.iter().map(|s| (**s).clone()).collect();
                let sections: Vec<_> = sections.iter().map(|s| (**s).clone()).collect();
                assert_eq!(
                    pm25,
                    pm25_standings(&read, &targets, 2019, *through),
                    "step {step}, through {through}"
                );
                assert_eq!(
                    sections,
                    section_standings(&read, &targets, 2019, *through),
                    "step {step}, through {through}"
                );
                standings_compared += sections.iter().filter(|s| s.months_measured > 0).count();
                standings_compared += pm25.iter().filter(|s| s.annual.mean.is_some()).count();
            }
        }
    }
    assert!(
        standings_compared > 100,
        "{standings_compared} standings compared"
    );
    assert!(compared > 1_000, "{compared} readings compared");
    let (_, patched) = mirror.counts();
    assert!(patched > 50, "{patched} series read again");

    // One pushed reading: one series read again, no year read whole.
    let mut one = reading(&mut rng);
    one.value = 99.5;
    mirror
        .year_values(&second, one.key.year)
        .await
        .expect("mirror");
    let (whole, patched) = mirror.counts();
    db.store
        .write_readings(std::slice::from_ref(&one), ReadingSource::Api, "测试", now)
        .await
        .expect("push");
    let kept = mirror
        .year_values(&second, one.key.year)
        .await
        .expect("mirror");
    assert_eq!(*kept, year_of(&db.store, one.key.year).await);
    assert!(kept
        .iter()
        .any(|r| r.key == ValueKey::from(&one.key) && r.value == 99.5));
    assert_eq!(
        mirror.counts(),
        (whole, patched + 1),
        "(whole years, series)"
    );

    // A read holds each indicator and place once, shared by all its rows (a held year's
    // readings do not each carry two strings of their own).
    let year = year_of(&db.store, 2019).await;
    let same_place: Vec<&[ReadingValue]> = year
        .windows(2)
        .filter(|w| w[0].key.place == w[1].key.place && w[0].key.indicator == w[1].key.indicator)
        .collect();
    assert!(same_place.len() > 10, "{} pairs", same_place.len());
    for w in same_place {
        assert!(w[0].key.place.shares(&w[1].key.place), "{:?}", w[0].key);
        assert!(
            w[0].key.indicator.shares(&w[1].key.indicator),
            "{:?}",
            w[0].key
        );
    }
}
