//! Scale data for benchmarks (`sanzhi scale`): the seed with its demo data, multiplied into
//! synthetic cities. Deterministic — the same scale gives the same database on either
//! backend — and labelled everywhere: every synthetic plan's title starts with 【规模测试】,
//! every synthetic unit, area and section is named 规模测试NNN市…, reports and readings are
//! demo rows (`is_demo`, 【演示】 in their text). Never loaded into a database that already
//! holds plans.
//!
//! - `city`: 衢州's seed plus the demo reports and readings (648 assignments).
//! - `province`: 衢州 and 10 synthetic cities (“11 cities' worth”). 衢州's tables give a city
//!   648 assignments, which ×11 would be 7.1k — under the 20k the benchmark asks for — so each
//!   synthetic city has 23 county-level governments (the phrase 各县(市、区)政府 expands to all
//!   of them) and 460 monitored water sections: ≥ 20k assignments, ≥ 200k reports, ≥ 1M
//!   readings in all.
//! - `national`: 衢州 and 109 synthetic cities, 10× province.

use crate::demo;
use sanzhi_domain::chrono::{Datelike, NaiveDate, TimeZone, Utc};
use sanzhi_domain::{Places, ReadingSource, UnitKind, UnitName};
use sanzhi_seed::reference::{Pm25Target, WaterSection};
use sanzhi_seed::{SeedAssignment, SeedBundle, SeedPlan, SeedUnit};
use sanzhi_store::{Store, StoreError};
use std::collections::HashMap;

/// How big a generated database is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scale {
    /// Cities in all, 衢州 (the real seed) included.
    pub cities: usize,
    /// County-level governments of each synthetic city.
    pub counties: usize,
    /// Monitored water sections of each synthetic city.
    pub sections: usize,
}

impl Scale {
    pub const CITY: Scale = Scale {
        cities: 1,
        counties: 0,
        sections: 0,
    };
    pub const PROVINCE: Scale = Scale {
        cities: 11,
        counties: 23,
        sections: 460,
    };
    pub const NATIONAL: Scale = Scale {
        cities: 110,
        counties: 23,
        sections: 460,
    };

    /// `city`, `province` or `national`.
    pub fn named(name: &str) -> Option<Scale> {
        match name {
            "city" => Some(Scale::CITY),
            "province" => Some(Scale::PROVINCE),
            "national" => Some(Scale::NATIONAL),
            _ => None,
        }
    }
}

/// The label of synthetic city `k` (2, 3, …): “规模测试002市”.
pub fn city_label(k: usize) -> String {
    format!("规模测试{k:03}市")
}

const GROUP_PHRASE: &str = "各县(市、区)政府";

fn unit_name(s: String) -> Result<UnitName, StoreError> {
    UnitName::parse(&s).map_err(|e| StoreError::Invalid(format!("{s}: {e}")))
}

/// The seed bundle with `scale.cities - 1` synthetic cities added after 衢州.
pub fn expand(seed: &SeedBundle, scale: Scale) -> Result<SeedBundle, StoreError> {
    let mut out = seed.clone();
    let counties: Vec<UnitName> = seed
        .groups
        .iter()
        .find(|g| g.phrase == GROUP_PHRASE)
        .map(|g| g.members.clone())
        .ok_or_else(|| StoreError::Invalid(format!("种子数据中没有“{GROUP_PHRASE}”")))?;
    let county_index: HashMap<&str, usize> = counties
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i))
        .collect();
    let years: Vec<i32> = {
        let mut y: Vec<i32> = seed.reference.pm25_targets.iter().map(|t| t.year).collect();
        y.sort_unstable();
        y.dedup();
        y
    };
    // The seed's own PM2.5 targets of a year, for the synthetic areas to take in turn.
    let pm25_of_year = |year: i32| -> Vec<f64> {
        seed.reference
            .pm25_targets
            .iter()
            .filter(|t| t.year == year)
            .map(|t| t.value)
            .collect()
    };
    for k in 2..=scale.cities {
        let label = city_label(k);
        let county_names: Vec<UnitName> = (1..=scale.counties)
            .map(|i| unit_name(format!("{label}第{i:02}县政府")))
            .collect::<Result<_, _>>()?;
        let mut rename: HashMap<String, UnitName> = HashMap::new();
        for u in &seed.units {
            if county_index.contains_key(u.name.as_str()) {
                continue;
            }
            let name = unit_name(format!("{label}{}", u.name.as_str()))?;
            rename.insert(u.name.as_str().to_owned(), name.clone());
            out.units.push(SeedUnit {
                name,
                kind: u.kind,
                aliases: vec![],
                provenance: format!("【规模测试】由“{}”生成的合成单位，非真实单位", u.name),
            });
        }
        for c in &county_names {
            out.units.push(SeedUnit {
                name: c.clone(),
                kind: UnitKind::CountyGovernment,
                aliases: vec![],
                provenance: "【规模测试】合成的县级政府，非真实单位".to_owned(),
            });
        }
        // 衢州's county i stands for the synthetic city's county i.
        let map_unit = |u: &UnitName| -> Option<UnitName> {
            match county_index.get(u.as_str()) {
                Some(&i) => county_names.get(i).cloned(),
                None => rename.get(u.as_str()).cloned(),
            }
        };
        for p in &seed.plans {
            let mut plan: SeedPlan = p.clone();
            plan.code = sanzhi_domain::PlanCode::parse(&format!("{}-s{k:03}", p.code.as_str()))
                .map_err(|e| StoreError::Invalid(e.to_string()))?;
            plan.title = format!("【规模测试】{label}{}", p.title);
            plan.short_name = format!("{}·{label}", p.short_name);
            plan.doc_no = format!("【规模测试】{}", p.doc_no);
            plan.provenance = format!("【规模测试】合成方案，按 {} 复制生成", p.code.as_str());
            plan.sort_order = p.sort_order + i32::try_from(k * 100).unwrap_or(i32::MAX / 2);
            plan.owner = map_unit(&p.owner).unwrap_or_else(|| p.owner.clone());
            for item in &mut plan.body.items {
                item.leads = item.leads.iter().filter_map(map_unit).collect();
                let mut assignments: Vec<SeedAssignment> = Vec::new();
                let mut push = |unit: UnitName, via: &str| {
                    if !assignments.iter().any(|a| a.unit == unit) {
                        assignments.push(SeedAssignment {
                            unit,
                            via: via.to_owned(),
                        });
                    }
                };
                for a in &item.assignments {
                    if a.via == GROUP_PHRASE {
                        for c in &county_names {
                            push(c.clone(), GROUP_PHRASE);
                        }
                    } else if let Some(u) = map_unit(&a.unit) {
                        push(u, &a.via);
                    }
                }
                item.assignments = assignments;
            }
            out.plans.push(plan);
        }
        for &year in &years {
            let values = pm25_of_year(year);
            for (i, c) in county_names.iter().enumerate() {
                let value = values.get(i % values.len().max(1)).copied().unwrap_or(40.0);
                out.reference.pm25_targets.push(Pm25Target {
                    area: c.as_str().trim_end_matches("政府").to_owned(),
                    unit: Some(c.clone()),
                    year,
                    value,
                    qualifier: String::new(),
                    raw: format!("{value}"),
                    provenance: "【规模测试】合成目标，非真实目标".to_owned(),
                });
            }
        }
        let classes: Vec<&WaterSection> = seed.reference.water_sections.iter().collect();
        for i in 1..=scale.sections {
            let like = classes
                .get(i % classes.len().max(1))
                .ok_or_else(|| StoreError::Invalid("种子数据中没有断面".to_owned()))?;
            out.reference.water_sections.push(WaterSection {
                name: format!("{label}断面{i:03}"),
                target_class: like.target_class,
                reservoir: false,
                table_name: None,
                note: "【规模测试】合成断面，非真实断面".to_owned(),
                provenance: "【规模测试】".to_owned(),
            });
        }
    }
    Ok(out)
}

/// What `generate` wrote, and how long each step took.
#[derive(Debug, Default)]
pub struct Generated {
    pub plans: usize,
    pub assignments: usize,
    pub reports: u64,
    pub readings: u64,
    pub steps: Vec<(&'static str, std::time::Duration)>,
}

/// Loads `scale` into an empty, migrated database: the expanded seed, demo reports (with
/// their reviews) and demo readings. Refuses a database that already has plans.
pub async fn generate(
    store: &Store,
    seed: &SeedBundle,
    scale: Scale,
) -> Result<Generated, StoreError> {
    if store.plan_count().await? > 0 {
        return Err(StoreError::Invalid(
            "数据库中已有方案：规模测试数据只能装入新建的空数据库".to_owned(),
        ));
    }
    let mut g = Generated::default();
    let t = std::time::Instant::now();
    let bundle = expand(seed, scale)?;
    g.plans = bundle.plans.len();
    g.assignments = bundle
        .plans
        .iter()
        .flat_map(|p| &p.body.items)
        .map(|i| i.assignments.len())
        .sum();
    store.load_seed(&bundle).await?;
    g.steps.push(("plans and units", t.elapsed()));

    let t = std::time::Instant::now();
    // Above city scale, units also send monthly progress notes: ~10 reports per assignment.
    g.reports = demo::load_with(store, scale.cities > 1).await?;
    g.steps.push(("demo reports and reviews", t.elapsed()));

    let t = std::time::Instant::now();
    // 衢州's readings as `sanzhi demo` makes them, then each synthetic city's areas and
    // sections in turn (one write per city keeps memory flat at national scale).
    let targets = store.indicator_targets().await?;
    let places = store.reading_places().await?;
    let at = Utc
        .with_ymd_and_hms(2021, 1, 5, 1, 0, 0)
        .single()
        .ok_or_else(|| StoreError::Corrupt("demo time".to_owned()))?;
    for k in 1..=scale.cities {
        let label = city_label(k);
        let mine = |s: &str| {
            if k == 1 {
                !s.starts_with("规模测试")
            } else {
                s.starts_with(&label)
            }
        };
        let mut areas: Vec<String> = Vec::new();
        for a in places.areas.iter().filter(|a| mine(a)) {
            if !areas.contains(a) {
                areas.push(a.clone());
            }
        }
        let city_places = Places {
            areas,
            sections: vec![],
            drains: if k == 1 {
                places.drains.clone()
            } else {
                vec![]
            },
            indicators: vec![],
        };
        let city_targets = sanzhi_domain::IndicatorTargets {
            pm25: targets
                .pm25
                .iter()
                .filter(|t| mine(&t.area))
                .cloned()
                .collect(),
            sections: targets
                .sections
                .iter()
                .filter(|s| mine(&s.name))
                .cloned()
                .collect(),
            // The drains and the city-wide rates are 衢州's alone.
            drains: if k == 1 {
                targets.drains.clone()
            } else {
                vec![]
            },
            rates: if k == 1 {
                targets.rates.clone()
            } else {
                vec![]
            },
            ..Default::default()
        };
        let rows = demo::readings(&city_places, &city_targets);
        let w = store
            .write_readings(&rows, ReadingSource::Demo, demo::DEMO_REPORTER, at)
            .await?;
        g.readings += w.inserted + w.replaced + w.unchanged;
    }
    g.steps.push(("demo readings", t.elapsed()));
    Ok(g)
}

/// `n` readings for the import benchmark, as the readings CSV template lays them out: every
/// area and section of the database, month by month from January of `from_year`, six water
/// parameters per section, until `n` rows. Notes say 【规模测试】.
pub fn readings_csv(
    places: &Places,
    targets: &sanzhi_domain::IndicatorTargets,
    from_year: i32,
    n: usize,
    out: &mut impl std::io::Write,
) -> std::io::Result<usize> {
    use sanzhi_domain::water::Parameter;
    writeln!(out, "指标,地点,年份,月份,数值,有效天数,暂定,备注")?;
    let mut written = 0usize;
    let mut month = NaiveDate::from_ymd_opt(from_year, 1, 1).unwrap_or_default();
    let note = "【规模测试】合成读数，非真实监测值";
    while written < n {
        let (y, m) = (month.year(), month.month());
        for area in &places.areas {
            if written >= n {
                break;
            }
            let v = 20.0 + ((written * 7919) % 400) as f64 / 10.0;
            writeln!(out, "pm25,{area},{y},{m},{v:.1},28,否,{note}")?;
            written += 1;
        }
        for s in &targets.sections {
            for p in Parameter::ALL {
                if written >= n {
                    break;
                }
                let limit = p.limit_for(s.target_class, s.reservoir).unwrap_or(1.0);
                let v = limit * (0.5 + ((written * 104_729) % 400) as f64 / 1000.0);
                let code = sanzhi_domain::reading::water_indicator(p).code;
                writeln!(out, "{code},{},{y},{m},{v:.3},,否,{note}", s.name)?;
                written += 1;
            }
        }
        month = month
            .checked_add_months(sanzhi_domain::chrono::Months::new(1))
            .unwrap_or(month);
        if places.areas.is_empty() && targets.sections.is_empty() {
            break;
        }
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed() -> SeedBundle {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../seed");
        sanzhi_seed::load_dir(&dir).expect("the seed loads")
    }

    fn assignments(b: &SeedBundle) -> usize {
        b.plans
            .iter()
            .flat_map(|p| &p.body.items)
            .map(|i| i.assignments.len())
            .sum()
    }

    #[test]
    fn province_meets_the_floors_and_is_labelled() {
        let seed = seed();
        let city = assignments(&seed);
        let p = expand(&seed, Scale::PROVINCE).expect("expands");
        assert_eq!(p.plans.len(), seed.plans.len() * 11);
        let n = assignments(&p);
        assert!(n >= 20_000, "province has {n} assignments (city {city})");
        for plan in &p.plans[seed.plans.len()..] {
            assert!(plan.title.starts_with("【规模测试】"), "{}", plan.title);
            for item in &plan.body.items {
                for a in &item.assignments {
                    assert!(a.unit.as_str().starts_with("规模测试"), "{}", a.unit);
                }
            }
        }
        // Unit names are unique, so the loader accepts them.
        let mut names: Vec<&str> = p.units.iter().map(|u| u.name.as_str()).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len());
        // Deterministic.
        assert_eq!(expand(&seed, Scale::PROVINCE).expect("expands"), p);
    }

    #[test]
    fn city_scale_is_the_seed() {
        let seed = seed();
        assert_eq!(expand(&seed, Scale::CITY).expect("expands"), seed);
    }

    #[test]
    fn readings_csv_writes_exactly_n_rows() {
        let places = Places {
            areas: vec!["柯城".into()],
            sections: vec![],
            drains: vec![],
            indicators: vec![],
        };
        let targets = sanzhi_domain::IndicatorTargets {
            pm25: vec![],
            sections: vec![],
            drains: vec![],
            rates: vec![],
            ..Default::default()
        };
        let mut buf = Vec::new();
        assert_eq!(
            readings_csv(&places, &targets, 2021, 25, &mut buf).ok(),
            Some(25)
        );
        let text = String::from_utf8(buf).expect("utf-8");
        assert_eq!(text.lines().count(), 26);
        assert!(text
            .lines()
            .nth(25)
            .is_some_and(|l| l.starts_with("pm25,柯城,2023,1,")));
    }
}
