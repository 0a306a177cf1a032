//! Demo readings: monthly values for every indicator and place of 2018–2020, near each
//! place's target, marked `is_demo`.

use super::*;

/// The months of the demo readings.
const READING_YEARS: std::ops::RangeInclusive<i32> = 2018..=2020;

fn round_to(v: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (v * f).round() / f
}

/// Plausible monthly readings for 2018–2020, deterministic: PM2.5 by area with a winter peak
/// around each area's target (some areas above it), the six section parameters mostly within
/// the target class with an occasional exceedance, drains around the limit in force, and the
/// soil rates around their goals. Every note says 【演示】.
pub fn readings(
    places: &sanzhi_domain::Places,
    targets: &sanzhi_domain::IndicatorTargets,
) -> Vec<sanzhi_domain::NewReading> {
    let mut out = pm25_readings(places, targets);
    out.extend(section_readings(targets));
    out.extend(drain_readings(targets));
    out.extend(rate_readings(targets));
    out
}

/// One demo reading; its note says 【演示】.
fn demo_reading(
    indicator: &str,
    place: &str,
    year: i32,
    month: u32,
    value: f64,
    valid_days: Option<u32>,
) -> sanzhi_domain::NewReading {
    sanzhi_domain::NewReading {
        key: sanzhi_domain::ReadingKey {
            indicator: indicator.to_owned(),
            place: place.to_owned(),
            year,
            month,
        },
        value,
        valid_days,
        provisional: false,
        note: "【演示】演示数据生成器生成，非真实监测值".to_owned(),
    }
}

/// PM2.5 by area with a winter peak around each area's target (some areas above it), and now
/// and then a month with too few valid days.
fn pm25_readings(
    places: &sanzhi_domain::Places,
    targets: &sanzhi_domain::IndicatorTargets,
) -> Vec<sanzhi_domain::NewReading> {
    const SEASON: [f64; 12] = [
        1.45, 1.3, 1.1, 0.95, 0.85, 0.7, 0.6, 0.62, 0.75, 0.9, 1.15, 1.4,
    ];
    let mut out = Vec::new();
    let mut push = |indicator: &str, place: &str, year: i32, month: u32, value: f64, days| {
        out.push(demo_reading(indicator, place, year, month, value, days));
    };
    for area in &places.areas {
        let mut bias_rng = Rng::for_key(&format!("pm25-bias/{area}"));
        let bias = bias_rng.between(0.9, 1.12);
        for year in READING_YEARS {
            let target = targets
                .pm25
                .iter()
                .find(|t| &t.area == area && t.year == year)
                .map_or(40.0, |t| t.value);
            for month in 1..=12u32 {
                let mut rng = Rng::for_key(&format!("pm25/{area}/{year}/{month}"));
                let season = SEASON[usize::try_from(month - 1).unwrap_or(0)];
                let value = round_to(target * bias * season * rng.between(0.92, 1.08) / 0.99, 1);
                let in_month = NaiveDate::from_ymd_opt(year, month, 1)
                    .and_then(|d| d.checked_add_months(sanzhi_domain::chrono::Months::new(1)))
                    .and_then(|d| d.pred_opt())
                    .map_or(30, |d| sanzhi_domain::chrono::Datelike::day(&d));
                // Now and then a month with a broken analyser: too few valid days.
                let days = if rng.below(40) == 0 {
                    in_month - 8
                } else {
                    in_month - u32::try_from(rng.below(3)).unwrap_or(0)
                };
                push("pm25", area, year, month, value, Some(days));
            }
        }
    }
    out
}

/// The six parameters of each section, mostly within its target class, now and then not.
fn section_readings(targets: &sanzhi_domain::IndicatorTargets) -> Vec<sanzhi_domain::NewReading> {
    use sanzhi_domain::water::Parameter;
    let mut out = Vec::new();
    let mut push = |indicator: &str, place: &str, year: i32, month: u32, value: f64, days| {
        out.push(demo_reading(indicator, place, year, month, value, days));
    };
    for s in &targets.sections {
        let limit_of = |p: Parameter| p.limit_for(s.target_class, s.reservoir).unwrap_or(1.0);
        for year in READING_YEARS {
            for month in 1..=12u32 {
                for p in Parameter::ALL {
                    let mut rng = Rng::for_key(&format!("water/{}/{year}/{month}/{p:?}", s.name));
                    let limit = limit_of(p);
                    let exceed = rng.below(30) == 0;
                    let value = if matches!(p, Parameter::DissolvedOxygen) {
                        if exceed {
                            limit * rng.between(0.7, 0.95)
                        } else {
                            limit * rng.between(1.05, 1.5)
                        }
                    } else if exceed {
                        limit * rng.between(1.1, 1.6)
                    } else {
                        limit * rng.between(0.45, 0.95)
                    };
                    let code = sanzhi_domain::reading::water_indicator(p).code;
                    push(code, &s.name, year, month, round_to(value, 3), None);
                }
            }
        }
    }
    out
}

/// Each drain around the limit in force that month.
fn drain_readings(targets: &sanzhi_domain::IndicatorTargets) -> Vec<sanzhi_domain::NewReading> {
    let mut out = Vec::new();
    let mut push = |indicator: &str, place: &str, year: i32, month: u32, value: f64, days| {
        out.push(demo_reading(indicator, place, year, month, value, days));
    };
    let mut drains: Vec<(String, sanzhi_domain::WaterParameter)> = Vec::new();
    for l in &targets.drains {
        if !drains.contains(&(l.drain.clone(), l.parameter)) {
            drains.push((l.drain.clone(), l.parameter));
        }
    }
    for (drain, parameter) in drains {
        let code = match parameter {
            sanzhi_domain::WaterParameter::Cod => "drain.cod",
            sanzhi_domain::WaterParameter::Nh3N => "drain.nh3n",
        };
        for year in READING_YEARS {
            for month in 1..=12u32 {
                let Some(on) = NaiveDate::from_ymd_opt(year, month, 1) else {
                    continue;
                };
                let Some(limit) =
                    sanzhi_domain::standing::drain_limit_on(&targets.drains, &drain, parameter, on)
                else {
                    continue;
                };
                let mut rng = Rng::for_key(&format!("drain/{drain}/{code}/{year}/{month}"));
                push(
                    code,
                    &drain,
                    year,
                    month,
                    round_to(limit * rng.between(0.55, 1.12), 2),
                    None,
                );
            }
        }
    }
    out
}

/// The soil and waste rates around their goals, twice a year.
fn rate_readings(targets: &sanzhi_domain::IndicatorTargets) -> Vec<sanzhi_domain::NewReading> {
    let mut out = Vec::new();
    let mut push = |indicator: &str, place: &str, year: i32, month: u32, value: f64, days| {
        out.push(demo_reading(indicator, place, year, month, value, days));
    };
    for d in sanzhi_domain::CATALOGUE
        .iter()
        .filter(|d| d.metric.is_some())
    {
        let metric = d.metric.unwrap_or_default();
        let goal = |y: i32| {
            targets
                .rates
                .iter()
                .find(|g| g.metric == metric && g.year == y)
                .map(|g| g.percent)
        };
        for year in READING_YEARS {
            let Some(g) = goal(year).or_else(|| Some((goal(year - 1)? + goal(year + 1)?) / 2.0))
            else {
                continue;
            };
            for month in [6u32, 12] {
                let mut rng = Rng::for_key(&format!("rate/{metric}/{year}/{month}"));
                let v =
                    (g + rng.between(-1.5, 2.0) - if month == 6 { 1.0 } else { 0.0 }).min(100.0);
                push(
                    d.code,
                    sanzhi_domain::CITY,
                    year,
                    month,
                    round_to(v, 1),
                    None,
                );
            }
        }
    }
    out
}

/// Replaces the demo readings with a fresh set; keys that have a real reading are left to it.
pub async fn load_readings(store: &Store) -> Result<u64, StoreError> {
    store.clear_demo_readings().await?;
    let places = store.reading_places().await?;
    let targets = store.indicator_targets().await?;
    let real: std::collections::HashSet<sanzhi_domain::ReadingKey> = store
        .readings(&sanzhi_store::ReadingFilter::years(
            *READING_YEARS.start(),
            *READING_YEARS.end(),
        ))
        .await?
        .into_iter()
        .filter(|r| !r.is_demo)
        .map(|r| r.key)
        .collect();
    let demo: Vec<_> = readings(&places, &targets)
        .into_iter()
        .filter(|r| !real.contains(&r.key))
        .collect();
    let at = Utc
        .with_ymd_and_hms(2021, 1, 5, 1, 0, 0)
        .single()
        .ok_or_else(|| StoreError::Corrupt("demo time".to_owned()))?;
    let written = store
        .write_readings(&demo, sanzhi_domain::ReadingSource::Demo, DEMO_REPORTER, at)
        .await?;
    Ok(written.inserted + written.replaced + written.unchanged)
}
