//! The indicators against their targets, from the readings: PM2.5 by area (annual mean with
//! its completeness), the 水十条 sections' classes by month and for the year, the drains
//! against the limit in force, the soil rates; with the charts, rendered on the server.

use crate::error::AppError;
use leptos::prelude::*;
use sanzhi_domain::standing::{DrainStanding, Pm25Standing, RateStanding, SectionStanding};
use sanzhi_domain::IndicatorTargets;
use serde::{Deserialize, Serialize};

/// Where the indicators stand in one year, up to one month.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IndicatorSnapshot {
    pub year: i32,
    /// The months counted: January … `through_month`.
    pub through_month: u32,
    pub pm25: Vec<Pm25Standing>,
    pub sections: Vec<SectionStanding>,
    pub drains: Vec<DrainStanding>,
    pub rates: Vec<RateStanding>,
    /// SVG text rendered on the server (every text escaped by plotters).
    pub pm25_svg: Option<String>,
    /// The PM2.5 chart drawn for a phone.
    #[serde(default)]
    pub pm25_svg_narrow: Option<String>,
    pub matrix_svg: Option<String>,
    /// Readings counted, and whether any of them is demo data.
    pub readings: usize,
    pub demo: bool,
    /// Over every area and every section, listed or not (a limited snapshot lists a few).
    pub pm25_totals: Totals,
    pub sections_totals: Totals,
    /// Before the year is over: areas whose annual target can no longer be met, whatever the
    /// months to come bring.
    #[serde(default)]
    pub pm25_unreachable: usize,
    /// The plans' own indicators with targets or readings this year, each with its chart.
    #[serde(default)]
    pub own: Vec<OwnIndicator>,
}

/// A plan's own indicator in one year: where each place stands, and the chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OwnIndicator {
    pub def: sanzhi_domain::PlanIndicator,
    pub standings: Vec<sanzhi_domain::IndicatorStanding>,
    pub totals: Totals,
    pub svg: Option<String>,
}

/// How many places there are, how many could be judged, how many met their target.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub places: usize,
    pub judged: usize,
    pub met: usize,
}

impl Totals {
    fn of(it: impl Iterator<Item = Option<bool>>) -> Totals {
        let mut t = Totals::default();
        for met in it {
            t.places += 1;
            if let Some(m) = met {
                t.judged += 1;
                t.met += usize::from(m);
            }
        }
        t
    }
}

/// Keeps at most `limit` places: those missing their target first, then those not judged,
/// then those meeting it, each group in its original order.
#[cfg(feature = "ssr")]
fn worst_first<T>(rows: Vec<T>, limit: usize, met: impl Fn(&T) -> Option<bool>) -> Vec<T> {
    if rows.len() <= limit {
        return rows;
    }
    let mut keyed: Vec<(u8, usize, T)> = rows
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let group = match met(&r) {
                Some(false) => 0,
                None => 1,
                Some(true) => 2,
            };
            (group, i, r)
        })
        .collect();
    keyed.sort_by_key(|(g, i, _)| (*g, *i));
    keyed.truncate(limit);
    keyed.sort_by_key(|(_, i, _)| *i);
    keyed.into_iter().map(|(_, _, r)| r).collect()
}

impl IndicatorSnapshot {
    /// (met, judged) over the areas with a mean and a target — all of them, listed or not.
    pub fn pm25_met(&self) -> (usize, usize) {
        (self.pm25_totals.met, self.pm25_totals.judged)
    }

    pub fn sections_met(&self) -> (usize, usize) {
        (self.sections_totals.met, self.sections_totals.judged)
    }

    pub fn drains_met(&self) -> (usize, usize) {
        met_of(self.drains.iter().map(|s| s.met))
    }

    pub fn rates_met(&self) -> (usize, usize) {
        met_of(self.rates.iter().map(|s| s.met))
    }
}

fn met_of(it: impl Iterator<Item = Option<bool>>) -> (usize, usize) {
    let t = Totals::of(it);
    (t.met, t.judged)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorsPage {
    pub snapshot: IndicatorSnapshot,
    pub targets: IndicatorTargets,
    /// The area of the trend chart, and the areas to choose from.
    pub area: String,
    pub areas: Vec<String>,
    pub trend_svg: Option<String>,
    /// Every place listed, not only the first [`LISTED`].
    pub full: bool,
}

/// Places and sections listed per table on 指标 unless everything is asked for (`full`):
/// those missing their target first; the totals count them all. A province has thousands
/// (listing them all took 4–5 s and ~450 MB of server memory per page).
pub const LISTED: usize = 100;

#[server(prefix = "/api", endpoint = "indicators")]
pub async fn get_indicators(
    year: Option<i32>,
    month: Option<u32>,
    area: Option<String>,
    full: Option<bool>,
) -> Result<IndicatorsPage, AppError> {
    let l = crate::i18n::detect();
    let c = crate::auth::require(sanzhi_domain::Action::Read).await?;
    let full = full.unwrap_or(false);
    let page = match &c.caches {
        Some(caches) => inner::cached_indicators(caches, l, &c.store, year, month, area, full)
            .await
            .map(|p| IndicatorsPage::clone(&p))?,
        None => inner::indicators(l, &c.store, None, year, month, area, full).await?,
    };
    Ok(page)
}

#[cfg(feature = "ssr")]
pub mod inner {
    use super::*;
    use crate::i18n::Locale;
    use sanzhi_domain::standing;
    use sanzhi_store::{ReadingFilter, Store};

    /// The plans' years; the trend chart shows all three.
    pub const PLAN_YEARS: std::ops::RangeInclusive<i32> = 2018..=2020;

    fn chart(result: Result<String, String>, what: &str) -> Option<String> {
        match result {
            Ok(svg) => Some(svg),
            Err(e) => {
                // Nothing to draw (no rows) is normal; the page says so instead of a chart.
                tracing::debug!(chart = what, reason = %e, "chart not drawn");
                None
            }
        }
    }

    /// The latest month of a year's readings with one, or December when there is none: the
    /// month a snapshot is taken through unless one is asked for.
    pub fn latest_month(readings: &[sanzhi_domain::ReadingValue]) -> u32 {
        readings.iter().map(|r| r.key.month).max().unwrap_or(12)
    }

    /// [`snapshot`] from the year's readings, already read and sorted into
    /// [`standing::reading_order`] (each indicator's run is found by a search), listing (and charting) at most
    /// `limit` areas and `limit` sections, those missing their target first; the totals count
    /// them all. `kept`: the PM2.5 and section standings of that month, already computed
    /// (by the server's readings mirror, which keeps them per place).
    pub fn snapshot_of(
        l: Locale,
        readings: &[sanzhi_domain::ReadingValue],
        targets: &IndicatorTargets,
        year: i32,
        through_month: Option<u32>,
        limit: usize,
        kept: Option<sanzhi_store::Standings>,
    ) -> Result<IndicatorSnapshot, AppError> {
        let through_month = match through_month {
            Some(m) if (1..=12).contains(&m) => m,
            Some(m) => return Err(AppError::BadRequest(format!("month：{m} 应在 1–12 之间"))),
            None => latest_month(readings),
        };
        let (pm25, sections) = match kept {
            Some(kept) => kept,
            None => (
                standing::pm25_standings(readings, targets, year, through_month)
                    .into_iter()
                    .map(std::sync::Arc::new)
                    .collect(),
                standing::section_standings(readings, targets, year, through_month)
                    .into_iter()
                    .map(std::sync::Arc::new)
                    .collect(),
            ),
        };
        let drains = standing::drain_standings(
            standing::prefix_range(readings, "drain."),
            targets,
            year,
            through_month,
        );
        let rates = standing::rate_standings_sorted(readings, targets, year, through_month);
        let pm25_totals = Totals::of(pm25.iter().map(|s| s.met));
        let pm25_unreachable = pm25.iter().filter(|s| s.reachable() == Some(false)).count();
        let sections_totals = Totals::of(sections.iter().map(|s| s.met));
        // Only the areas and sections listed are copied out of what is kept.
        fn owned<T: Clone>(kept: Vec<std::sync::Arc<T>>) -> Vec<T> {
            kept.into_iter()
                .map(std::sync::Arc::unwrap_or_clone)
                .collect()
        }
        let pm25: Vec<standing::Pm25Standing> = owned(super::worst_first(pm25, limit, |s| s.met));
        let sections: Vec<standing::SectionStanding> =
            owned(super::worst_first(sections, limit, |s| s.met));
        let pm25_svg = chart(
            crate::charts::pm25_vs_target_svg(l, &pm25, year, through_month),
            "pm25",
        );
        let pm25_svg_narrow = chart(
            crate::charts::pm25_vs_target_narrow_svg(l, &pm25, year, through_month),
            "pm25",
        );
        let matrix_svg = if sections.iter().any(|s| s.months_measured > 0) {
            chart(
                crate::charts::section_matrix_svg(l, &sections, year),
                "matrix",
            )
        } else {
            None
        };
        let own_standings = sanzhi_domain::measure::plan_indicator_standings_sorted(
            &targets.indicators,
            &targets.plan_targets,
            readings,
            year,
            through_month,
        );
        let own = targets
            .indicators
            .iter()
            .filter_map(|d| {
                let standings: Vec<_> = own_standings
                    .iter()
                    .filter(|s| s.code == d.code)
                    .cloned()
                    .collect();
                if standings.is_empty() {
                    return None;
                }
                let totals = Totals::of(standings.iter().map(|s| s.met));
                let standings = super::worst_first(standings, limit, |s| s.met);
                let svg = chart(
                    crate::charts::indicator_vs_target_svg(l, d, &standings, year, through_month),
                    "own",
                );
                Some(OwnIndicator {
                    def: d.clone(),
                    standings,
                    totals,
                    svg,
                })
            })
            .collect();
        let counted: Vec<_> = readings
            .iter()
            .filter(|r| r.key.month <= through_month)
            .collect();
        Ok(IndicatorSnapshot {
            year,
            through_month,
            readings: counted.len(),
            demo: counted.iter().any(|r| r.is_demo),
            pm25,
            sections,
            drains,
            rates,
            pm25_svg,
            pm25_svg_narrow,
            matrix_svg,
            pm25_totals,
            sections_totals,
            pm25_unreachable,
            own,
        })
    }

    /// (PM2.5 met, judged) and (sections met, judged) up to `through_month`, without the
    /// charts: for comparing with the month before.
    pub async fn met_counts(
        store: &Store,
        targets: &IndicatorTargets,
        year: i32,
        through_month: u32,
    ) -> Result<((usize, usize), (usize, usize)), AppError> {
        let readings = store
            .reading_values(&ReadingFilter::years(year, year))
            .await?;
        Ok(met_counts_of(&readings, targets, year, through_month))
    }

    /// [`met_counts`] from the year's readings, already read.
    pub fn met_counts_of(
        readings: &[sanzhi_domain::ReadingValue],
        targets: &IndicatorTargets,
        year: i32,
        through_month: u32,
    ) -> ((usize, usize), (usize, usize)) {
        let pm25 = standing::pm25_standings(readings, targets, year, through_month);
        let sections = standing::section_standings(readings, targets, year, through_month);
        (
            super::met_of(pm25.iter().map(|s| s.met)),
            super::met_of(sections.iter().map(|s| s.met)),
        )
    }

    /// (PM2.5 met, judged) and (sections met, judged) of standings (owned or shared).
    pub fn met_counts_in<P, S>(pm25: &[P], sections: &[S]) -> ((usize, usize), (usize, usize))
    where
        P: std::ops::Deref<Target = standing::Pm25Standing>,
        S: std::ops::Deref<Target = standing::SectionStanding>,
    {
        (
            super::met_of(pm25.iter().map(|s| s.met)),
            super::met_of(sections.iter().map(|s| s.met)),
        )
    }

    /// 指标 as computed by [`indicators`] with the server's readings mirror, kept until the
    /// structure or the readings change (a report changes nothing here).
    pub async fn cached_indicators(
        caches: &crate::cache::Caches,
        l: Locale,
        store: &Store,
        year: Option<i32>,
        month: Option<u32>,
        area: Option<String>,
        full: bool,
    ) -> Result<std::sync::Arc<IndicatorsPage>, AppError> {
        use crate::cache::Shows;
        let lang = leptos_i18n::Locale::as_str(l);
        let key = (year, month, area.clone(), full, lang);
        caches
            .indicators
            .get(store, Shows::Readings, key, || async move {
                indicators(l, store, Some(caches), year, month, area, full).await
            })
            .await
    }

    /// 指标 of `year` (default the plans' last) through `month` (default the year's latest
    /// month with a reading), the trend chart of `area`; [`super::LISTED`] places per table
    /// unless `full`. With the server's caches, the year's readings and the PM2.5 and section
    /// standings come from its readings mirror (a write since costs the changed series).
    pub async fn indicators(
        l: Locale,
        store: &Store,
        caches: Option<&crate::cache::Caches>,
        year: Option<i32>,
        month: Option<u32>,
        area: Option<String>,
        full: bool,
    ) -> Result<IndicatorsPage, AppError> {
        let year = year.unwrap_or(*PLAN_YEARS.end());
        if !sanzhi_domain::reading::YEARS.contains(&year) {
            return Err(AppError::BadRequest(format!("year：{year} 超出范围")));
        }
        if let Some(m) = month.filter(|m| !(1..=12).contains(m)) {
            return Err(AppError::BadRequest(format!("month：{m} 应在 1–12 之间")));
        }
        // Checked before anything is computed: a wrong area costs nothing.
        let areas = store.reading_places().await?.areas;
        let area = area
            .filter(|a| !a.trim().is_empty())
            .unwrap_or_else(|| "衢州市区".to_owned());
        if !areas.contains(&area) {
            return Err(AppError::BadRequest(format!(
                "area：没有地区“{area}”，应为：{}",
                areas.join("、")
            )));
        }
        let limit = if full { usize::MAX } else { super::LISTED };
        let (targets, snapshot) = match caches {
            Some(caches) => {
                let targets = caches
                    .targets
                    .get(store, crate::cache::Shows::Structure, (), || async {
                        Ok::<_, AppError>(store.indicator_targets().await?)
                    })
                    .await?;
                let mirror = &caches.readings;
                let through = match month {
                    Some(m) => m,
                    None => latest_month(&mirror.year_values(store, year).await?),
                };
                let (readings, mut kept) =
                    mirror.standings(store, &targets, year, &[through]).await?;
                let kept = (!kept.is_empty()).then(|| kept.swap_remove(0));
                let snapshot =
                    snapshot_of(l, &readings, &targets, year, Some(through), limit, kept)?;
                (IndicatorTargets::clone(&targets), snapshot)
            }
            None => {
                let targets = store.indicator_targets().await?;
                let mut readings = store
                    .reading_values(&ReadingFilter::years(year, year))
                    .await?;
                standing::sort_readings(&mut readings);
                let snapshot = snapshot_of(l, &readings, &targets, year, month, limit, None)?;
                (targets, snapshot)
            }
        };
        let trend_readings = store
            .readings(&ReadingFilter {
                indicator: Some("pm25".into()),
                place: Some(area.clone()),
                ..ReadingFilter::years(*PLAN_YEARS.start(), *PLAN_YEARS.end())
            })
            .await?;
        let trend_svg = chart(
            crate::charts::pm25_trend_svg(l, &area, &trend_readings, &targets.pm25, PLAN_YEARS),
            "trend",
        );
        Ok(IndicatorsPage {
            snapshot,
            targets,
            area,
            areas,
            trend_svg,
            full,
        })
    }
}
