//! Where an indicator stands against its target, computed from the monthly readings:
//! PM2.5 annual means by area, sections' classes by month and by year, drains against the
//! limit in force, and the soil rates against their goals. Pure functions; the store hands
//! in readings and targets, the pages and charts show the results.

use crate::annual::{annual_mean, AnnualMean, MonthlyValue};
use crate::reading::{water_indicator, ReadingValue};
use crate::targets::{DrainLimitRow, IndicatorTargets, RateGoalRow};
use crate::water::{classify, Classification, Parameter};
use crate::{Direction, WaterClass, WaterParameter};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// One area's PM2.5 in one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pm25Standing {
    pub area: String,
    pub year: i32,
    /// Mean of the months up to and including `through_month`.
    pub annual: AnnualMean,
    pub through_month: u32,
    pub target: Option<f64>,
    /// Whether the mean so far is at or under the target; `None` without mean or target.
    pub met: Option<bool>,
    pub any_demo: bool,
    pub any_provisional: bool,
    /// Before the year is over: what the months after `through_month` must average (µg/m³,
    /// one decimal, rounded down) for the year to meet its target; zero or less means it can
    /// no longer be met. `None` for a whole year, or without target or readings.
    #[serde(default)]
    pub needed_rest: Option<f64>,
}

impl Pm25Standing {
    /// Before the year is over, whether the target can still be met at all.
    pub fn reachable(&self) -> Option<bool> {
        self.needed_rest.map(|n| n > 0.0)
    }
}

/// What the months after `through` must average for the year's mean to be at most `target`:
/// the months measured weigh by their valid days (their calendar days when not stated), the
/// months to come by their calendar days. Rounded down to one decimal so that an average
/// at the figure shown does meet the target.
pub fn needed_for_rest(
    values: &[MonthlyValue],
    year: i32,
    through: u32,
    target: f64,
) -> Option<f64> {
    if through >= 12 {
        return None;
    }
    let days = |m: u32| -> f64 {
        let first = NaiveDate::from_ymd_opt(year, m, 1);
        let next = if m == 12 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(year, m + 1, 1)
        };
        match (first, next) {
            (Some(a), Some(b)) => (b - a).num_days() as f64,
            _ => 30.0,
        }
    };
    let measured: Vec<&MonthlyValue> = values
        .iter()
        .filter(|v| (1..=through).contains(&v.month) && v.value.is_finite())
        .collect();
    if measured.is_empty() {
        return None;
    }
    let (mut sum, mut weight) = (0.0, 0.0);
    for v in measured {
        let w = v.valid_days.map_or_else(|| days(v.month), f64::from);
        sum += v.value * w;
        weight += w;
    }
    let rest: f64 = (through + 1..=12).map(days).sum();
    let needed = (target * (weight + rest) - sum) / rest;
    Some((needed * 10.0).floor() / 10.0)
}

/// The readings that pass `keep`, by place, in their order.
fn by_place(
    readings: &[ReadingValue],
    keep: impl Fn(&ReadingValue) -> bool,
) -> rustc_hash::FxHashMap<&str, Vec<&ReadingValue>> {
    let mut out: rustc_hash::FxHashMap<&str, Vec<&ReadingValue>> = rustc_hash::FxHashMap::default();
    for r in readings.iter().filter(|r| keep(r)) {
        out.entry(r.key.place.as_str()).or_default().push(r);
    }
    out
}

/// PM2.5 standings of `year` for every area with a target or a reading, counting the months
/// up to `through_month` (12 for the whole year). Areas in the order of the targets table.
pub fn pm25_standings(
    readings: &[ReadingValue],
    targets: &IndicatorTargets,
    year: i32,
    through_month: u32,
) -> Vec<Pm25Standing> {
    let areas = pm25_areas(
        targets,
        readings
            .iter()
            .filter(|r| r.key.indicator == "pm25")
            .map(|r| r.key.place.as_str()),
    );
    // The year's PM2.5 readings by area, read once (not once per area).
    let by_area = by_place(readings, |r| {
        r.key.indicator == "pm25" && r.key.year == year && r.key.month <= through_month
    });
    areas
        .into_iter()
        .map(|area| {
            let months = by_area.get(area.as_str()).map_or(&[][..], Vec::as_slice);
            pm25_standing(area, months, targets, year, through_month)
        })
        .collect()
}

/// The areas PM2.5 standings are given for: the targets' areas (one row per area and year)
/// once each, in order, then any other area with a reading (`places`, in their order).
fn pm25_areas<'a>(
    targets: &IndicatorTargets,
    places: impl Iterator<Item = &'a str>,
) -> Vec<String> {
    let mut areas: Vec<String> = Vec::new();
    let mut known: rustc_hash::FxHashSet<&str> = rustc_hash::FxHashSet::default();
    for t in &targets.pm25 {
        if known.insert(t.area.as_str()) {
            areas.push(t.area.clone());
        }
    }
    for place in places {
        if known.insert(place) {
            areas.push(place.to_owned());
        }
    }
    areas
}

/// One area's PM2.5 standing from its readings of `year` up to `through_month` (`months`).
fn pm25_standing(
    area: String,
    months: &[&ReadingValue],
    targets: &IndicatorTargets,
    year: i32,
    through_month: u32,
) -> Pm25Standing {
    let values: Vec<MonthlyValue> = months.iter().map(|r| MonthlyValue::from(*r)).collect();
    let annual = if through_month < 12 {
        // Only the months so far are expected: drop the gaps of later months.
        annual_mean_through(&values, through_month)
    } else {
        annual_mean(&values)
    };
    let target = targets
        .pm25
        .iter()
        .find(|t| t.area == area && t.year == year)
        .map(|t| t.value);
    let met = match (annual.mean, target) {
        (Some(m), Some(t)) => Some(round1(m) <= t),
        _ => None,
    };
    let needed_rest = target.and_then(|t| needed_for_rest(&values, year, through_month, t));
    Pm25Standing {
        needed_rest,
        area,
        year,
        through_month,
        target,
        met,
        any_demo: months.iter().any(|r| r.is_demo),
        any_provisional: months.iter().any(|r| r.provisional),
        annual,
    }
}

/// Concentrations are reported to one decimal; a target is met by the reported value.
pub fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// The mean of January … `through` with the completeness rule applied to those months only
/// (a year to date cannot have 324 days; the monthly minimums still apply).
fn annual_mean_through(values: &[MonthlyValue], through: u32) -> AnnualMean {
    let mut a = annual_mean(values);
    a.gaps
        .retain(|g| !g.starts_with("缺少") && !g.starts_with("全年"));
    let missing: Vec<String> = (1..=through)
        .filter(|m| !values.iter().any(|v| v.month == *m))
        .map(|m| format!("{m}月"))
        .collect();
    if !missing.is_empty() {
        a.gaps
            .insert(0, format!("缺少 {} 的数据", missing.join("、")));
    }
    a.gaps.insert(0, format!("截至{through}月，尚非全年"));
    a.complete = false;
    a
}

/// A section's class in one month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectionMonth {
    pub month: u32,
    pub classification: Classification,
}

/// A section in one year: month by month and on the annual means of its parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectionStanding {
    pub section: String,
    pub target: WaterClass,
    pub reservoir: bool,
    pub year: i32,
    pub months: Vec<SectionMonth>,
    /// From the arithmetic mean of each parameter over the months measured (up to
    /// `through_month`).
    pub annual: Classification,
    pub through_month: u32,
    pub months_measured: u32,
    pub met: Option<bool>,
    /// 超标项目 of the annual class against the target.
    pub exceeding: Vec<Parameter>,
    /// Months whose class missed the target.
    pub months_missed: u32,
    pub any_demo: bool,
}

pub fn section_standings(
    readings: &[ReadingValue],
    targets: &IndicatorTargets,
    year: i32,
    through_month: u32,
) -> Vec<SectionStanding> {
    let by_section = by_place(readings, |r| {
        r.key.year == year && r.key.month <= through_month && r.key.indicator.starts_with("water.")
    });
    targets
        .sections
        .iter()
        .map(|s| {
            let mine: &[&ReadingValue] = by_section.get(s.name.as_str()).map_or(&[], Vec::as_slice);
            section_standing(s, mine, year, through_month)
        })
        .collect()
}

/// One section's standing from its water readings of `year` up to `through_month` (`mine`).
fn section_standing(
    s: &crate::targets::SectionRow,
    mine: &[&ReadingValue],
    year: i32,
    through_month: u32,
) -> SectionStanding {
    // One pass over the section's readings (in their order): each month's values, and each
    // parameter's values for the annual means. Readings come grouped by indicator: its
    // parameter is looked up when the indicator changes.
    let mut by_month: Vec<Vec<(Parameter, f64)>> = vec![Vec::new(); through_month as usize + 1];
    let mut by_parameter: Vec<Vec<f64>> = vec![Vec::new(); Parameter::ALL.len()];
    let mut last: Option<(&str, Option<usize>)> = None;
    for r in mine {
        let p = match last {
            Some((indicator, p)) if indicator == r.key.indicator => p,
            _ => {
                let p = Parameter::ALL
                    .iter()
                    .position(|p| water_indicator(*p).code == r.key.indicator);
                last = Some((&r.key.indicator, p));
                p
            }
        };
        if let Some(i) = p {
            if let Some(values) = by_month.get_mut(r.key.month as usize) {
                values.push((Parameter::ALL[i], r.value));
            }
            by_parameter[i].push(r.value);
        }
    }
    let mut months = Vec::new();
    for (m, values) in by_month.iter().enumerate().skip(1) {
        if !values.is_empty() {
            months.push(SectionMonth {
                month: u32::try_from(m).unwrap_or_default(),
                classification: classify(values, s.reservoir),
            });
        }
    }
    let means: Vec<(Parameter, f64)> = Parameter::ALL
        .into_iter()
        .zip(&by_parameter)
        .filter(|(_, vs)| !vs.is_empty())
        .map(|(p, vs)| (p, vs.iter().sum::<f64>() / vs.len() as f64))
        .collect();
    let annual = classify(&means, s.reservoir);
    let met = annual.meets(s.target_class);
    SectionStanding {
        section: s.name.clone(),
        target: s.target_class,
        reservoir: s.reservoir,
        year,
        months_measured: u32::try_from(months.len()).unwrap_or(0),
        months_missed: u32::try_from(
            months
                .iter()
                .filter(|m| m.classification.meets(s.target_class) == Some(false))
                .count(),
        )
        .unwrap_or(0),
        months,
        exceeding: annual.exceeding(s.target_class),
        met,
        through_month,
        any_demo: mine.iter().any(|r| r.is_demo),
        annual,
    }
}

/// Standings kept between computations, per place, for one year's readings and one
/// `through_month` (issue 26): a readings write forgets the places whose series it changed
/// ([`KeptStandings::forget`]), and the next computation recomputes only those.
#[derive(Debug, Clone, Default)]
pub struct KeptStandings {
    pm25: rustc_hash::FxHashMap<String, Arc<Pm25Standing>>,
    sections: rustc_hash::FxHashMap<String, Arc<SectionStanding>>,
}

impl KeptStandings {
    /// Forgets what a change to the series (`indicator`, `place`) makes stale.
    pub fn forget(&mut self, indicator: &str, place: &str) {
        if indicator == "pm25" {
            self.pm25.remove(place);
        } else if indicator.starts_with("water.") {
            self.sections.remove(place);
        }
    }

    /// How many places' standings are kept (PM2.5 areas, sections).
    pub fn places_kept(&self) -> (usize, usize) {
        (self.pm25.len(), self.sections.len())
    }

    /// [`pm25_standings`] and [`section_standings`] of `year`'s readings `sorted` by indicator,
    /// place and month (byte order of the text; only readings of `year`), computing only the
    /// places not kept. Equal to the two functions on the same readings; each standing shared
    /// with what is kept, not copied (a national year has thousands of sections, and a page
    /// lists a few of them).
    pub fn standings(
        &mut self,
        sorted: &[ReadingValue],
        targets: &IndicatorTargets,
        year: i32,
        through_month: u32,
    ) -> (Vec<Arc<Pm25Standing>>, Vec<Arc<SectionStanding>>) {
        fn counted(rs: &[ReadingValue], year: i32, through_month: u32) -> Vec<&ReadingValue> {
            rs.iter()
                .filter(|r| r.key.year == year && r.key.month <= through_month)
                .collect()
        }
        let pm25_rows = indicator_range(sorted, "pm25");
        let areas = pm25_areas(targets, pm25_rows.iter().map(|r| r.key.place.as_str()));
        let pm25 = areas
            .into_iter()
            .map(|area| {
                if let Some(kept) = self.pm25.get(&area) {
                    return kept.clone();
                }
                let months = counted(place_range(pm25_rows, &area), year, through_month);
                let standing = Arc::new(pm25_standing(
                    area.clone(),
                    &months,
                    targets,
                    year,
                    through_month,
                ));
                self.pm25.insert(area, standing.clone());
                standing
            })
            .collect();
        // The water indicators present (each a run of the sorted readings), found by jumping
        // from run to run.
        let mut water: Vec<&[ReadingValue]> = Vec::new();
        let mut rest = &sorted[sorted.partition_point(|r| r.key.indicator.as_str() < "water.")..];
        while let Some(first) = rest
            .first()
            .filter(|r| r.key.indicator.starts_with("water."))
        {
            let indicator = first.key.indicator.as_str();
            let end = rest.partition_point(|r| r.key.indicator.as_str() <= indicator);
            water.push(&rest[..end]);
            rest = &rest[end..];
        }
        let sections = targets
            .sections
            .iter()
            .map(|s| {
                if let Some(kept) = self.sections.get(&s.name) {
                    return kept.clone();
                }
                let mine: Vec<&ReadingValue> = water
                    .iter()
                    .flat_map(|rows| counted(place_range(rows, &s.name), year, through_month))
                    .collect();
                let standing = Arc::new(section_standing(s, &mine, year, through_month));
                self.sections.insert(s.name.clone(), standing.clone());
                standing
            })
            .collect();
        (pm25, sections)
    }
}

/// The order a year's readings are held in by the readings mirror, and what the `*_sorted`
/// functions here expect: indicator, place, month (byte order of the text).
pub fn reading_order(r: &ReadingValue) -> (&str, &str, u32) {
    (r.key.indicator.as_str(), r.key.place.as_str(), r.key.month)
}

/// Sorts readings into [`reading_order`].
pub fn sort_readings(readings: &mut [ReadingValue]) {
    readings.sort_by(|a, b| reading_order(a).cmp(&reading_order(b)));
}

/// The run of `sorted` (in [`reading_order`]) whose indicators begin with `prefix`.
pub fn prefix_range<'a>(sorted: &'a [ReadingValue], prefix: &str) -> &'a [ReadingValue] {
    let from = sorted.partition_point(|r| r.key.indicator.as_str() < prefix);
    let len = sorted[from..].partition_point(|r| r.key.indicator.starts_with(prefix));
    &sorted[from..from + len]
}

/// The run of `sorted` (by indicator, then place) of `indicator`.
pub fn indicator_range<'a>(sorted: &'a [ReadingValue], indicator: &str) -> &'a [ReadingValue] {
    let from = sorted.partition_point(|r| r.key.indicator.as_str() < indicator);
    let to = sorted.partition_point(|r| r.key.indicator.as_str() <= indicator);
    &sorted[from..to]
}

/// The run of `rows` (one indicator's, sorted by place) of `place`.
fn place_range<'a>(rows: &'a [ReadingValue], place: &str) -> &'a [ReadingValue] {
    let from = rows.partition_point(|r| r.key.place.as_str() < place);
    let to = rows.partition_point(|r| r.key.place.as_str() <= place);
    &rows[from..to]
}

/// A drain's latest reading of a parameter against the limit in force that month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DrainStanding {
    pub drain: String,
    pub parameter: WaterParameter,
    pub year: i32,
    pub month: u32,
    pub value: f64,
    pub limit: Option<f64>,
    pub met: Option<bool>,
    pub any_demo: bool,
}

/// The limit of `drain` for `parameter` in force on `on`: the latest step that has begun.
pub fn drain_limit_on(
    limits: &[DrainLimitRow],
    drain: &str,
    parameter: WaterParameter,
    on: NaiveDate,
) -> Option<f64> {
    limits
        .iter()
        .filter(|l| l.drain == drain && l.parameter == parameter && l.effective_from <= on)
        .max_by_key(|l| l.effective_from)
        .map(|l| l.limit_mg_l)
}

/// For each drain and parameter with a limit, the latest reading in `year` up to
/// `through_month` against the limit in force in that month (judged on the month's first day).
pub fn drain_standings(
    readings: &[ReadingValue],
    targets: &IndicatorTargets,
    year: i32,
    through_month: u32,
) -> Vec<DrainStanding> {
    let mut out = Vec::new();
    let mut seen: Vec<(String, WaterParameter)> = Vec::new();
    // The year's drain readings, found once (not once per drain and parameter).
    let drain_readings: Vec<&ReadingValue> = readings
        .iter()
        .filter(|r| {
            r.key.indicator.starts_with("drain.")
                && r.key.year == year
                && r.key.month <= through_month
        })
        .collect();
    for l in &targets.drains {
        if seen.contains(&(l.drain.clone(), l.parameter)) {
            continue;
        }
        seen.push((l.drain.clone(), l.parameter));
        let code = match l.parameter {
            WaterParameter::Cod => "drain.cod",
            WaterParameter::Nh3N => "drain.nh3n",
        };
        let latest = drain_readings
            .iter()
            .filter(|r| r.key.indicator == code && r.key.place == l.drain)
            .max_by_key(|r| r.key.month);
        if let Some(r) = latest {
            let on = NaiveDate::from_ymd_opt(year, r.key.month, 1);
            let limit =
                on.and_then(|on| drain_limit_on(&targets.drains, &l.drain, l.parameter, on));
            out.push(DrainStanding {
                drain: l.drain.clone(),
                parameter: l.parameter,
                year,
                month: r.key.month,
                value: r.value,
                limit,
                met: limit.map(|lim| r.value <= lim),
                any_demo: r.is_demo,
            });
        }
    }
    out
}

/// A soil or waste rate: the latest value of the year against the goal of that year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RateStanding {
    pub metric: String,
    pub code: String,
    pub year: i32,
    pub month: Option<u32>,
    pub value: Option<f64>,
    pub goal: Option<RateGoalRow>,
    pub met: Option<bool>,
    pub any_demo: bool,
}

/// Whether `value` meets a rate goal. “约 91%” (about) is met from 90.5 up: within half a
/// point, the rounding of the goal as written.
pub fn rate_meets(value: f64, goal: &RateGoalRow) -> bool {
    match goal.comparator {
        Direction::AtLeast | Direction::Exactly => value >= goal.percent,
        Direction::About => value >= goal.percent - 0.5,
        Direction::AtMost => value <= goal.percent,
    }
}

pub fn rate_standings(
    readings: &[ReadingValue],
    targets: &IndicatorTargets,
    year: i32,
    through_month: u32,
) -> Vec<RateStanding> {
    rate_standings_in(|_| readings, targets, year, through_month)
}

/// [`rate_standings`] of readings in [`reading_order`]: each rate's run found by a search,
/// not by a pass over every reading of the year.
pub fn rate_standings_sorted(
    sorted: &[ReadingValue],
    targets: &IndicatorTargets,
    year: i32,
    through_month: u32,
) -> Vec<RateStanding> {
    rate_standings_in(
        |code| indicator_range(sorted, code),
        targets,
        year,
        through_month,
    )
}

/// [`rate_standings`] over `rows(code)`: readings that hold every reading of that code.
fn rate_standings_in<'a>(
    rows: impl Fn(&str) -> &'a [ReadingValue],
    targets: &IndicatorTargets,
    year: i32,
    through_month: u32,
) -> Vec<RateStanding> {
    crate::reading::CATALOGUE
        .iter()
        .filter_map(|d| d.metric.map(|m| (d.code, m)))
        .map(|(code, metric)| {
            let latest = rows(code)
                .iter()
                .filter(|r| {
                    r.key.indicator == code && r.key.year == year && r.key.month <= through_month
                })
                .max_by_key(|r| r.key.month);
            let goal = targets
                .rates
                .iter()
                .find(|g| g.metric == metric && g.year == year)
                .cloned();
            RateStanding {
                metric: metric.to_owned(),
                code: code.to_owned(),
                year,
                month: latest.map(|r| r.key.month),
                value: latest.map(|r| r.value),
                met: match (latest, &goal) {
                    (Some(r), Some(g)) => Some(rate_meets(r.value, g)),
                    _ => None,
                },
                goal,
                any_demo: latest.is_some_and(|r| r.is_demo),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::targets::{Pm25TargetRow, SectionRow};

    fn reading(indicator: &str, place: &str, year: i32, month: u32, value: f64) -> ReadingValue {
        ReadingValue {
            key: crate::ValueKey {
                indicator: indicator.into(),
                place: place.into(),
                year,
                month,
            },
            value,
            valid_days: Some(30),
            provisional: false,
            is_demo: false,
        }
    }

    /// The section standings as they were computed before one pass per section replaced a
    /// search per month and per parameter (the oracle of the test below).
    fn reference_section_standings(
        readings: &[ReadingValue],
        targets: &IndicatorTargets,
        year: i32,
        through_month: u32,
    ) -> Vec<SectionStanding> {
        let by_section = by_place(readings, |r| {
            r.key.year == year
                && r.key.month <= through_month
                && r.key.indicator.starts_with("water.")
        });
        targets
            .sections
            .iter()
            .map(|s| {
                let mine: Vec<&ReadingValue> =
                    by_section.get(s.name.as_str()).cloned().unwrap_or_default();
                let param_of = |r: &ReadingValue| {
                    Parameter::ALL
                        .into_iter()
                        .find(|p| water_indicator(*p).code == r.key.indicator)
                };
                let mut months = Vec::new();
                for m in 1..=through_month {
                    let values: Vec<(Parameter, f64)> = mine
                        .iter()
                        .filter(|r| r.key.month == m)
                        .filter_map(|r| param_of(r).map(|p| (p, r.value)))
                        .collect();
                    if !values.is_empty() {
                        months.push(SectionMonth {
                            month: m,
                            classification: classify(&values, s.reservoir),
                        });
                    }
                }
                let means: Vec<(Parameter, f64)> = Parameter::ALL
                    .into_iter()
                    .filter_map(|p| {
                        let vs: Vec<f64> = mine
                            .iter()
                            .filter(|r| param_of(r) == Some(p))
                            .map(|r| r.value)
                            .collect();
                        (!vs.is_empty()).then(|| (p, vs.iter().sum::<f64>() / vs.len() as f64))
                    })
                    .collect();
                let annual = classify(&means, s.reservoir);
                let met = annual.meets(s.target_class);
                SectionStanding {
                    section: s.name.clone(),
                    target: s.target_class,
                    reservoir: s.reservoir,
                    year,
                    months_measured: u32::try_from(months.len()).unwrap_or(0),
                    months_missed: u32::try_from(
                        months
                            .iter()
                            .filter(|m| m.classification.meets(s.target_class) == Some(false))
                            .count(),
                    )
                    .unwrap_or(0),
                    months,
                    exceeding: annual.exceeding(s.target_class),
                    met,
                    through_month,
                    any_demo: mine.iter().any(|r| r.is_demo),
                    annual,
                }
            })
            .collect()
    }

    /// Random readings of a few sections (every parameter, some months missing, other
    /// indicators and years mixed in): the one-pass standings equal the oracle's, for every
    /// month of the year.
    #[test]
    fn section_standings_equal_the_straightforward_computation() {
        let mut rng = crate::rng::SplitMix64(7);
        let sections: Vec<SectionRow> = (0..6)
            .map(|i| SectionRow {
                name: format!("断面{i}"),
                target_class: [WaterClass::II, WaterClass::III, WaterClass::IV][i % 3],
                reservoir: i % 2 == 0,
                table_name: None,
                note: String::new(),
            })
            .collect();
        let mut readings = Vec::new();
        for s in &sections {
            for month in 1..=12 {
                for code in [
                    "water.do",
                    "water.codmn",
                    "water.cod",
                    "water.bod5",
                    "water.nh3n",
                    "water.tp",
                    "pm25",
                ] {
                    if rng.below(4) == 0 {
                        continue;
                    }
                    let year = if rng.below(10) == 0 { 2019 } else { 2018 };
                    let value = rng.below(400) as f64 / 40.0;
                    let mut r = reading(code, &s.name, year, month, value);
                    r.is_demo = rng.below(3) == 0;
                    readings.push(r);
                }
            }
        }
        let t = IndicatorTargets {
            sections,
            ..targets()
        };
        let mut compared = 0;
        for through in 1..=12 {
            let fast = section_standings(&readings, &t, 2018, through);
            assert_eq!(
                fast,
                reference_section_standings(&readings, &t, 2018, through)
            );
            compared += fast.iter().filter(|s| s.months_measured > 0).count();
        }
        assert!(compared > 60, "{compared}");
    }

    /// Kept standings follow random changes to random series (a value changed, a reading
    /// added or dropped, demo marks, a water indicator outside the catalogue, PM2.5 areas
    /// without a target): after each change, with only the changed series' places forgotten,
    /// they equal the standings computed from all the readings — for several months.
    #[test]
    fn kept_standings_equal_the_standings_of_all_the_readings() {
        let mut rng = crate::rng::SplitMix64(11);
        let places = ["柯城", "衢江", "断面0", "断面1", "断面2", "龙游", "东排渠"];
        let indicators = [
            "pm25",
            "water.do",
            "water.cod",
            "water.nh3n",
            "water.tp",
            "water.其他",
            "drain.cod",
            "drain.nh3n",
            "rate.farmland",
            "rate.site",
        ];
        let sections: Vec<SectionRow> = (0..3)
            .map(|i| SectionRow {
                name: format!("断面{i}"),
                target_class: [WaterClass::II, WaterClass::III, WaterClass::IV][i % 3],
                reservoir: i == 1,
                table_name: None,
                note: String::new(),
            })
            .collect();
        let t = IndicatorTargets {
            sections,
            ..targets()
        };
        let mut readings: Vec<ReadingValue> = Vec::new();
        let mut kept: Vec<(u32, KeptStandings)> =
            [3, 11, 12].map(|m| (m, KeptStandings::default())).into();
        let mut recomputed = 0;
        for step in 0..300 {
            let indicator = *rng.pick(&indicators);
            let place = *rng.pick(&places);
            let month = rng.below(12) as u32 + 1;
            readings.retain(|r| {
                !(r.key.indicator == indicator && r.key.place == place && r.key.month == month)
            });
            if rng.below(5) != 0 {
                let mut r = reading(indicator, place, 2018, month, rng.below(800) as f64 / 10.0);
                r.is_demo = rng.below(4) == 0;
                r.valid_days = (rng.below(2) == 0).then(|| 20 + rng.below(11) as u32);
                readings.push(r);
            }
            sort_readings(&mut readings);
            for (through, k) in &mut kept {
                // The drains and rates of the sorted readings found by a search: as by a pass.
                assert_eq!(
                    drain_standings(prefix_range(&readings, "drain."), &t, 2018, *through),
                    drain_standings(&readings, &t, 2018, *through),
                    "step {step}"
                );
                assert_eq!(
                    rate_standings_sorted(&readings, &t, 2018, *through),
                    rate_standings(&readings, &t, 2018, *through),
                    "step {step}"
                );
                k.forget(indicator, place);
                let before = k.places_kept();
                let (pm25, sections) = k.standings(&readings, &t, 2018, *through);
                let after = k.places_kept();
                recomputed += after.0 + after.1 - before.0 - before.1;
                let pm25: Vec<Pm25Standing> = pm25.iter().map(|s| (**s).clone()).collect();
                let sections: Vec<SectionStanding> =
                    sections.iter().map(|s| (**s).clone()).collect();
                assert_eq!(
                    pm25,
                    pm25_standings(&readings, &t, 2018, *through),
                    "step {step}"
                );
                assert_eq!(
                    sections,
                    section_standings(&readings, &t, 2018, *through),
                    "step {step}"
                );
            }
        }
        // Each change recomputes at most its place (×3 months), not every place.
        assert!(recomputed <= 3 * 300 + 3 * 6, "{recomputed}");
        assert!(recomputed > 200, "{recomputed}");
    }

    fn targets() -> IndicatorTargets {
        IndicatorTargets {
            pm25: vec![Pm25TargetRow {
                area: "柯城".into(),
                year: 2018,
                value: 40.0,
                qualifier: String::new(),
                raw: "40".into(),
            }],
            sections: vec![SectionRow {
                name: "铜山源水库".into(),
                target_class: WaterClass::III,
                reservoir: true,
                table_name: None,
                note: String::new(),
            }],
            drains: vec![
                DrainLimitRow {
                    drain: "东排渠".into(),
                    parameter: WaterParameter::Nh3N,
                    limit_mg_l: 5.0,
                    effective_from: NaiveDate::from_ymd_opt(2018, 1, 1).expect("date"),
                    raw: String::new(),
                },
                DrainLimitRow {
                    drain: "东排渠".into(),
                    parameter: WaterParameter::Nh3N,
                    limit_mg_l: 3.0,
                    effective_from: NaiveDate::from_ymd_opt(2018, 7, 1).expect("date"),
                    raw: String::new(),
                },
            ],
            rates: vec![RateGoalRow {
                metric: "受污染耕地安全利用率".into(),
                year: 2018,
                percent: 91.0,
                comparator: Direction::About,
                raw: String::new(),
            }],
            ..Default::default()
        }
    }

    #[test]
    fn pm25_is_met_on_the_value_rounded_to_one_decimal() {
        // Twelve months of 30 days: eleven at 40, one at 40.5 → 40.04 → 40.0 ≤ 40: met.
        let rs: Vec<_> = (1..=12)
            .map(|m| reading("pm25", "柯城", 2018, m, if m == 1 { 40.5 } else { 40.0 }))
            .collect();
        let s = pm25_standings(&rs, &targets(), 2018, 12);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].met, Some(true));
        assert!((s[0].annual.mean.expect("mean") - 40.041_666).abs() < 1e-3);
        assert!(s[0].annual.complete);
        // One month at 42 instead: 40.17 → 40.2 > 40.
        let rs: Vec<_> = (1..=12)
            .map(|m| reading("pm25", "柯城", 2018, m, if m == 1 { 42.0 } else { 40.0 }))
            .collect();
        assert_eq!(
            pm25_standings(&rs, &targets(), 2018, 12)[0].met,
            Some(false)
        );
    }

    #[test]
    fn a_year_to_date_is_marked_as_such() {
        let rs: Vec<_> = (1..=3)
            .map(|m| reading("pm25", "柯城", 2018, m, 50.0))
            .collect();
        let s = &pm25_standings(&rs, &targets(), 2018, 4)[0];
        assert_eq!(s.annual.months, 3);
        assert!(!s.annual.complete);
        assert!(s.annual.gaps[0].contains("截至4月"));
        assert!(s.annual.gaps.iter().any(|g| g.contains("缺少 4月")));
        assert_eq!(s.met, Some(false));
        // A whole year has nothing left to need.
        let whole = &pm25_standings(&rs, &targets(), 2018, 12)[0];
        assert_eq!(whole.needed_rest, None);
    }

    /// January–March at 50 against a target of 40: the other nine months (275 days) must
    /// average (40 × 365 − 50 × 90) ÷ 275 = 36.7 — the figure a leader acts on — and a
    /// winter so bad that nothing can make up for it says so.
    #[test]
    fn a_year_to_date_says_what_the_rest_of_the_year_must_average() {
        let rs: Vec<_> = (1..=3)
            .map(|m| reading("pm25", "柯城", 2018, m, 50.0))
            .collect();
        let s = &pm25_standings(&rs, &targets(), 2018, 3)[0];
        let target = s.target.expect("target");
        let values: Vec<MonthlyValue> = (1..=3)
            .map(|m| MonthlyValue {
                month: m,
                value: 50.0,
                valid_days: None,
            })
            .collect();
        let want = ((target * 365.0 - 50.0 * 90.0) / 275.0 * 10.0).floor() / 10.0;
        assert_eq!(s.needed_rest, Some(want));
        assert_eq!(needed_for_rest(&values, 2018, 3, 40.0), Some(36.7));
        assert_eq!(s.reachable(), Some(true));
        // Averaging the figure shown for the rest of the year does meet the target.
        let year = (50.0 * 90.0 + 36.7 * 275.0) / 365.0;
        assert!(round1(year) <= 40.0, "{year}");
        // Eleven months at 80 against 40: December would need a negative mean.
        let bad: Vec<MonthlyValue> = (1..=11)
            .map(|m| MonthlyValue {
                month: m,
                value: 80.0,
                valid_days: Some(28),
            })
            .collect();
        let n = needed_for_rest(&bad, 2018, 11, 40.0).expect("needed");
        assert!(n <= 0.0, "{n}");
        assert_eq!(needed_for_rest(&bad, 2018, 12, 40.0), None);
        assert_eq!(needed_for_rest(&[], 2018, 3, 40.0), None);
    }

    #[test]
    fn a_reservoir_section_by_month_and_on_annual_means() {
        // Reservoir TP column: 0.05 is III, 0.06 is IV. Jan TP 0.04 (III), Feb 0.08 (IV):
        // annual mean 0.06 → IV, misses III with TP exceeding.
        let rs = vec![
            reading("water.tp", "铜山源水库", 2018, 1, 0.04),
            reading("water.nh3n", "铜山源水库", 2018, 1, 0.2),
            reading("water.tp", "铜山源水库", 2018, 2, 0.08),
        ];
        let s = &section_standings(&rs, &targets(), 2018, 12)[0];
        assert_eq!(s.months_measured, 2);
        assert_eq!(s.months[0].classification.class, Some(WaterClass::III));
        assert_eq!(s.months[1].classification.class, Some(WaterClass::IV));
        assert_eq!(s.months_missed, 1);
        assert_eq!(s.annual.class, Some(WaterClass::IV));
        assert_eq!(s.met, Some(false));
        assert_eq!(s.exceeding, [Parameter::TotalP]);
        assert_eq!(s.annual.missing.len(), 4);
    }

    #[test]
    fn drains_are_judged_by_the_limit_in_force_that_month() {
        let t = targets();
        let june = vec![reading("drain.nh3n", "东排渠", 2018, 6, 4.0)];
        let d = &drain_standings(&june, &t, 2018, 12)[0];
        assert_eq!((d.limit, d.met), (Some(5.0), Some(true)));
        let july = vec![reading("drain.nh3n", "东排渠", 2018, 7, 4.0)];
        let d = &drain_standings(&july, &t, 2018, 12)[0];
        assert_eq!((d.limit, d.met), (Some(3.0), Some(false)));
    }

    #[test]
    fn about_a_rate_is_within_half_a_point() {
        let t = targets();
        let at = |v| {
            rate_standings(
                &[reading("rate.farmland", "全市", 2018, 12, v)],
                &t,
                2018,
                12,
            )[0]
            .met
        };
        assert_eq!(at(90.5), Some(true));
        assert_eq!(at(90.4), Some(false));
        let none = rate_standings(&[], &t, 2018, 12);
        assert_eq!(none.len(), 3);
        assert!(none.iter().all(|r| r.met.is_none()));
    }
}
