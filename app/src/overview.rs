//! 总览: the monthly overview for leaders, for any month. Counts per plan, the red list, the
//! ranking of units and counties, the indicators against their targets, and what changed
//! since the month before — all as of the last day of the month.

use crate::error::AppError;
use crate::indicators::IndicatorSnapshot;
use leptos::prelude::*;
use sanzhi_domain::chrono::NaiveDate;
use sanzhi_domain::overview::{LateEntry, RedListItem, StatusChange, Supervised, UnitRank};
use sanzhi_domain::StatusCounts;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanCounts {
    pub code: String,
    pub short_name: String,
    pub title: String,
    pub owner_office: String,
    pub now: StatusCounts,
    pub before: StatusCounts,
}

/// What 总览 shows of the readings (kept apart: a reading recomputes only this).
#[derive(Debug, Clone, PartialEq)]
pub struct OverviewIndicators {
    pub indicators: IndicatorSnapshot,
    pub pm25_before: (usize, usize),
    pub sections_before: (usize, usize),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    /// “2018-12”.
    pub month: String,
    pub as_of: NaiveDate,
    pub before: NaiveDate,
    /// Demo reports are loaded.
    pub demo: bool,
    pub plans: Vec<PlanCounts>,
    pub red_list: Vec<RedListItem>,
    /// Items on the whole red list (the page lists [`RED_LIST_LEN`] unless `full`).
    pub red_total: usize,
    /// Everything listed: the whole red list, every change, every county (the print view).
    pub full: bool,
    /// Every unit, ranked: drawn into `ranking_svg` on the server, not sent to the browser.
    #[serde(skip)]
    pub units: Vec<UnitRank>,
    /// The county governments and management zones, ranked among themselves: at most
    /// [`LISTED`], the last of the ranking (those to chase) when there are more.
    pub counties: Vec<UnitRank>,
    /// How many there are, and how many from the top of the ranking are not listed.
    pub counties_total: usize,
    pub counties_skipped: usize,
    pub ranking_svg: Option<String>,
    /// The same ranking drawn for a phone.
    #[serde(default)]
    pub ranking_svg_narrow: Option<String>,
    pub changes: Vec<StatusChange>,
    pub change_count: usize,
    /// Assignments 督办 on the day: still late after the plan's number of 催办.
    #[serde(default)]
    pub supervised: Vec<Supervised>,
    /// The month was closed: this is its 通报 as kept, not a computation of today.
    #[serde(default)]
    pub bulletin: Option<BulletinInfo>,
    /// What was recorded for the month after it was closed (通报后更正).
    #[serde(default)]
    pub corrections: Vec<LateEntry>,
    pub indicators: IndicatorSnapshot,
    /// Readings of this month against those of the month before: (met, judged).
    pub pm25_before: (usize, usize),
    pub sections_before: (usize, usize),
}

/// Who closed a month's 通报, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulletinInfo {
    pub doc_no: String,
    pub closed_by: String,
    /// China time, `YYYY-MM-DD HH:MM`.
    pub closed_at: String,
    pub is_demo: bool,
}

impl Overview {
    /// The page's lists cut to their shown lengths (a kept 通报 holds them whole).
    pub fn trimmed(mut self) -> Overview {
        self.red_list.truncate(RED_LIST_LEN);
        self.changes.truncate(CHANGES_SHOWN);
        let skip = self.counties.len().saturating_sub(LISTED);
        self.counties.drain(..skip);
        self.counties_skipped = skip;
        self.full = false;
        self
    }
}

/// Closes a month's 通报: its 总览 (everything listed) is kept as it is now, with who closed
/// it and the 文号, and shown for that month from then on. Coordinators and admins; only a
/// month that is over; once.
#[server(prefix = "/api", endpoint = "close_month")]
pub async fn close_month(month: String, doc_no: String) -> Result<BulletinInfo, AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::CloseMonth).await?;
    inner::close_month(
        &c.store,
        &month,
        &doc_no,
        (&c.user.username, &c.user.display_name),
        crate::api::today(),
        crate::api::now(),
        false,
    )
    .await
}

/// How many items the red list shows.
pub const RED_LIST_LEN: usize = 10;
/// How many status changes the page lists.
pub const CHANGES_SHOWN: usize = 30;
/// How many counties, PM2.5 areas and water sections the page lists at most (a city has ten
/// or so; a database holding a province's cities has hundreds: the page lists those to act
/// on, and the indicators page lists them all when asked).
pub const LISTED: usize = 30;

#[server(prefix = "/api", endpoint = "overview")]
pub async fn get_overview(
    month: Option<String>,
    as_of: Option<String>,
    full: Option<bool>,
) -> Result<Overview, AppError> {
    let l = crate::i18n::detect();
    let (_, state) = crate::auth::require_overview().await?;
    let overview = inner::cached_overview(
        &state.caches,
        l,
        &state.store,
        month.as_deref(),
        as_of.as_deref(),
        full.unwrap_or(false),
        crate::api::today(),
    )
    .await?;
    Ok(Overview::clone(&overview))
}

/// “2018-12” → (2018, 12).
pub fn parse_month(s: &str) -> Option<(i32, u32)> {
    let (y, m) = s.trim().split_once('-')?;
    let y: i32 = y.parse().ok()?;
    let m: u32 = m.parse().ok()?;
    ((1..=12).contains(&m) && (2000..=2100).contains(&y)).then_some((y, m))
}

/// The last day of a month.
pub fn month_end(year: i32, month: u32) -> Option<NaiveDate> {
    let (ny, nm) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(ny, nm, 1)?.pred_opt()
}

#[cfg(feature = "ssr")]
pub mod inner {
    use super::*;
    use crate::cache::Shows;
    use crate::i18n::i18n::td_string;
    use crate::i18n::{fmt, Locale};
    use sanzhi_domain::chrono::Datelike;
    use sanzhi_domain::overview::{
        changes_counted, count_urges, red_list_counted, supervised, DaySummary, Rankings,
    };
    use sanzhi_domain::status::DUE_SOON_DAYS;
    use sanzhi_domain::UnitKind;
    use sanzhi_store::{Store, TrackScope};

    /// The overview of `month` from the cache, computed when the database has changed since.
    pub async fn cached_overview(
        caches: &crate::cache::Caches,
        l: Locale,
        store: &Store,
        month: Option<&str>,
        as_of: Option<&str>,
        full: bool,
        today: NaiveDate,
    ) -> Result<std::sync::Arc<Overview>, AppError> {
        let (year, m, day) = resolve_month(store, month, as_of, today).await?;
        if let Some(kept) = kept_overview(store, year, m, day, full).await? {
            return Ok(std::sync::Arc::new(kept));
        }
        let lang = leptos_i18n::Locale::as_str(l);
        let key = (year, m, day, full, lang);
        // Each part is computed again only when what it shows changed: a report recomputes
        // the statuses (from the kept facts), a reading the indicators.
        caches
            .overview
            .get(store, Shows::Everything, key, || async move {
                let tracking = caches
                    .overview_tracking
                    .get(store, Shows::Tracking, key, || {
                        compute_tracking(l, store, Some(caches), year, m, day, full)
                    })
                    .await?;
                let indicators = caches
                    .overview_indicators
                    .get(store, Shows::Readings, (year, m, lang), || async move {
                        let targets = caches
                            .targets
                            .get(store, Shows::Structure, (), || async {
                                Ok::<_, AppError>(store.indicator_targets().await?)
                            })
                            .await?;
                        compute_indicators(l, store, Some((&caches.readings, &targets)), year, m)
                            .await
                    })
                    .await?;
                Ok::<_, AppError>(with_indicators(&tracking, &indicators))
            })
            .await
    }

    /// 总览 from its two parts.
    fn with_indicators(tracking: &Overview, part: &OverviewIndicators) -> Overview {
        Overview {
            indicators: part.indicators.clone(),
            pm25_before: part.pm25_before,
            sections_before: part.sections_before,
            ..tracking.clone()
        }
    }

    /// The 通报 of a closed month as it was kept, with what came after it — unless a day
    /// before the month's end is replayed (that is a computation, as for an open month).
    async fn kept_overview(
        store: &Store,
        year: i32,
        m: u32,
        day: Option<NaiveDate>,
        full: bool,
    ) -> Result<Option<Overview>, AppError> {
        let end = month_end(year, m).ok_or_else(|| AppError::BadRequest("month".into()))?;
        if day.is_some_and(|d| d < end) {
            return Ok(None);
        }
        Ok(kept_month(store, year, m)
            .await?
            .map(|kept| if full { kept } else { kept.trimmed() }))
    }

    /// A closed month's 通报 as kept (everything listed), with what came after it; `None` for
    /// a month not closed.
    pub async fn kept_month(
        store: &Store,
        year: i32,
        m: u32,
    ) -> Result<Option<Overview>, AppError> {
        let end = month_end(year, m).ok_or_else(|| AppError::BadRequest("month".into()))?;
        let Some(record) = store.bulletin(&format!("{year}-{m:02}")).await? else {
            return Ok(None);
        };
        let mut kept: Overview = serde_json::from_str(&record.overview).map_err(|e| {
            tracing::error!(month = %record.month, error = %e, "closed month unreadable");
            AppError::Internal
        })?;
        kept.bulletin = Some(BulletinInfo {
            doc_no: record.doc_no.clone(),
            closed_by: record.closed_by_name.clone(),
            closed_at: sanzhi_domain::report::china_minute(record.closed_at),
            is_demo: record.is_demo,
        });
        kept.corrections = store.entries_after(end, year, m, record.closed_at).await?;
        Ok(Some(kept))
    }

    /// Closes `month` (see [`super::close_month`]): the whole 总览 in Chinese, computed now.
    pub async fn close_month(
        store: &Store,
        month: &str,
        doc_no: &str,
        (by, by_name): (&str, &str),
        today: NaiveDate,
        now: sanzhi_domain::chrono::DateTime<sanzhi_domain::chrono::Utc>,
        is_demo: bool,
    ) -> Result<BulletinInfo, AppError> {
        let (year, m) = parse_month(month).ok_or_else(|| {
            AppError::BadRequest(format!("month：“{}”不是月份，应为 YYYY-MM", month.trim()))
        })?;
        let end = month_end(year, m).ok_or_else(|| AppError::BadRequest("month".into()))?;
        if end >= today && !is_demo {
            return Err(AppError::BadRequest(format!(
                "month：{year}年{m}月尚未结束（{end} 之后才能关闭通报）"
            )));
        }
        let doc_no = doc_no.trim();
        if doc_no.is_empty() || doc_no.chars().count() > 60 {
            return Err(AppError::BadRequest(
                "doc_no：请填写通报的文号（不超过 60 字），如“衢三治办〔2019〕1号”".to_owned(),
            ));
        }
        // The version first: what is kept is at least as new as the version recorded.
        let version = store.data_version().await?;
        let overview = compute(Locale::zh, store, year, m, None, true).await?;
        let json = serde_json::to_string(&overview).map_err(|_| AppError::Internal)?;
        let month = format!("{year}-{m:02}");
        let record = match store
            .close_month(&sanzhi_store::NewBulletin {
                month: &month,
                doc_no,
                closed_by: by,
                closed_by_name: by_name,
                closed_at: now,
                data_version: version,
                overview: &json,
                is_demo,
            })
            .await?
        {
            Ok(r) => r,
            Err(existing) => {
                return Err(AppError::BadRequest(format!(
                    "month：{month} 的通报已于 {} 由 {} 关闭（{}），不能再次关闭",
                    sanzhi_domain::report::china_minute(existing.closed_at),
                    existing.closed_by_name,
                    existing.doc_no
                )))
            }
        };
        Ok(BulletinInfo {
            doc_no: record.doc_no,
            closed_by: record.closed_by_name,
            closed_at: sanzhi_domain::report::china_minute(record.closed_at),
            is_demo: record.is_demo,
        })
    }

    /// The overview of `month`; its charts read in `l`.
    pub async fn overview(
        l: Locale,
        store: &Store,
        month: Option<&str>,
        today: NaiveDate,
    ) -> Result<Overview, AppError> {
        let (year, m, day) = resolve_month(store, month, None, today).await?;
        compute(l, store, year, m, day, false).await
    }

    /// The month asked for; without one, the month of `as_of` (a replayed day, which the
    /// overview is then as of: the month up to that day), else the demo's last month when demo
    /// reports are loaded, else this month.
    async fn resolve_month(
        store: &Store,
        month: Option<&str>,
        as_of: Option<&str>,
        today: NaiveDate,
    ) -> Result<(i32, u32, Option<NaiveDate>), AppError> {
        fn given(v: Option<&str>) -> Option<&str> {
            v.map(str::trim).filter(|s| !s.is_empty())
        }
        Ok(match (given(month), given(as_of)) {
            (Some(s), _) => {
                let (y, m) = parse_month(s).ok_or_else(|| {
                    AppError::BadRequest(format!("month：“{s}”不是月份，应为 YYYY-MM，如 2018-12"))
                })?;
                (y, m, None)
            }
            (None, Some(s)) => {
                let d = NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .ok()
                    .filter(|d| (2000..=2100).contains(&d.year()))
                    .ok_or_else(|| {
                        AppError::BadRequest(format!(
                            "as_of：“{s}”不是日期，应为 YYYY-MM-DD，如 2019-03-15"
                        ))
                    })?;
                (d.year(), d.month(), Some(d))
            }
            (None, None) if store.has_demo_reports().await? => {
                let d = sanzhi_domain::report::demo_as_of();
                (d.year(), d.month(), None)
            }
            (None, None) => (today.year(), today.month(), None),
        })
    }

    /// The overview of month `m` of `year`, as of its last day — or of `day` within it, for
    /// a replayed day — against the last day of the month before.
    async fn compute(
        l: Locale,
        store: &Store,
        year: i32,
        m: u32,
        day: Option<NaiveDate>,
        full: bool,
    ) -> Result<Overview, AppError> {
        let tracking = compute_tracking(l, store, None, year, m, day, full).await?;
        let indicators = compute_indicators(l, store, None, year, m).await?;
        Ok(with_indicators(&tracking, &indicators))
    }

    /// Where the indicators stand in `year` through month `m`, and the month before's met
    /// counts: what 总览 shows of the readings.
    async fn compute_indicators(
        l: Locale,
        store: &Store,
        kept: Option<(
            &sanzhi_store::ReadingsMirror,
            &std::sync::Arc<sanzhi_domain::IndicatorTargets>,
        )>,
        year: i32,
        m: u32,
    ) -> Result<OverviewIndicators, AppError> {
        use crate::indicators::inner::{met_counts_in, met_counts_of, snapshot_of};
        if let Some((mirror, targets)) = kept {
            // The year's readings and the standings of this month and the month before, kept
            // per place by the server's mirror: a write since costs the changed series' rows
            // and the standings of their places.
            let throughs: &[u32] = if m > 1 { &[m, m - 1] } else { &[m] };
            let (readings, mut standings) =
                mirror.standings(store, targets, year, throughs).await?;
            let (pm25_before, sections_before) = match standings.get(1) {
                Some((pm25, sections)) => met_counts_in(pm25, sections),
                None => ((0, 0), (0, 0)),
            };
            let now = (!standings.is_empty()).then(|| standings.swap_remove(0));
            let indicators = snapshot_of(l, &readings, targets, year, Some(m), LISTED, now)?;
            return Ok(OverviewIndicators {
                indicators,
                pm25_before,
                sections_before,
            });
        }
        let targets = store.indicator_targets().await?;
        let mut readings = store
            .reading_values(&sanzhi_store::ReadingFilter::years(year, year))
            .await?;
        sanzhi_domain::standing::sort_readings(&mut readings);
        let indicators = snapshot_of(l, &readings, &targets, year, Some(m), LISTED, None)?;
        let (pm25_before, sections_before) = if m > 1 {
            met_counts_of(&readings, &targets, year, m - 1)
        } else {
            ((0, 0), (0, 0))
        };
        Ok(OverviewIndicators {
            indicators,
            pm25_before,
            sections_before,
        })
    }

    /// 总览 without its indicators: what the reports, reviews and 催办 give.
    async fn compute_tracking(
        l: Locale,
        store: &Store,
        caches: Option<&crate::cache::Caches>,
        year: i32,
        m: u32,
        day: Option<NaiveDate>,
        full: bool,
    ) -> Result<Overview, AppError> {
        let demo = store.has_demo_reports().await?;
        let end = month_end(year, m).ok_or_else(|| AppError::BadRequest("month".into()))?;
        let as_of = day.map_or(end, |d| d.min(end));
        let before = NaiveDate::from_ymd_opt(year, m, 1)
            .and_then(|d| d.pred_opt())
            .ok_or_else(|| AppError::BadRequest("month".into()))?;
        // Statuses from the facts the writes keep: no report is read (issue 26). With the
        // server's mirror, every row of the two days is kept between computations and a
        // write since costs the changed assignments' rows; what a pass over a day's rows gives
        // (each plan's counts, the units ranked, each status) is kept with the rows' stamp, so
        // a report of today leaves the month before's as it was.
        let days: Vec<(std::sync::Arc<Vec<sanzhi_domain::Tracked>>, Option<u64>)> = match caches {
            Some(caches) => caches
                .statuses
                .stamped_statuses_on_days(store, &[before, as_of], DUE_SOON_DAYS)
                .await?
                .into_iter()
                .map(|(rows, stamp)| (rows, Some(stamp)))
                .collect(),
            None => store
                .statuses_on_days(&TrackScope::default(), &[before, as_of], DUE_SOON_DAYS)
                .await?
                .into_iter()
                .map(|rows| (std::sync::Arc::new(rows), None))
                .collect(),
        };
        let [(before_all, before_stamp), (now_all, now_stamp)] = &days[..] else {
            return Err(AppError::Internal);
        };
        let summary = |rows: &[sanzhi_domain::Tracked], day: NaiveDate, stamp: Option<u64>| match (
            caches, stamp,
        ) {
            (Some(caches), Some(stamp)) => caches
                .day_summaries
                .get_or((day, stamp), || DaySummary::of(rows, day)),
            _ => std::sync::Arc::new(DaySummary::of(rows, day)),
        };
        let before_summary = summary(before_all, before, *before_stamp);
        let now_summary = summary(now_all, as_of, *now_stamp);
        // 总览 is a daily view: the active plans' work only (a draft is not issued yet; a
        // closed plan is over, kept on its own pages, in the timeline and in exports).
        // (A plan closed since counts on the days before it was closed.)
        let now_rows: Vec<&sanzhi_domain::Tracked> =
            now_all.iter().filter(|r| r.in_daily_views(as_of)).collect();

        let mut plans: Vec<PlanCounts> = Vec::new();
        // The plans and the units change with the structure only: kept until it moves.
        let (all_plans, kinds) = match caches {
            Some(caches) => (
                caches
                    .plans
                    .get(store, Shows::Structure, (), || async {
                        Ok::<_, AppError>(store.list_plans().await?)
                    })
                    .await?,
                caches
                    .units
                    .get(store, Shows::Structure, (), || async {
                        Ok::<_, AppError>(store.units().await?)
                    })
                    .await?,
            ),
            None => (
                std::sync::Arc::new(store.list_plans().await?),
                std::sync::Arc::new(store.units().await?),
            ),
        };
        for p in all_plans.iter() {
            if !p.status.daily_on(p.closed_on, as_of) {
                continue;
            }
            let count = |s: &DaySummary| s.plans.get(p.code.as_str()).cloned().unwrap_or_default();
            let (now, then) = (count(&now_summary), count(&before_summary));
            plans.push(PlanCounts {
                code: p.code.as_str().to_owned(),
                short_name: crate::i18n::plan_name(l, p),
                title: p.title.clone(),
                owner_office: p.owner_office.clone(),
                now,
                before: then,
            });
        }
        let counties_named: std::collections::HashSet<&str> = kinds
            .iter()
            .filter(|u| {
                matches!(
                    u.kind,
                    UnitKind::CountyGovernment | UnitKind::ManagementZone
                )
            })
            .map(|u| u.name.as_str())
            .collect();
        let is_county = |unit: &str| counties_named.contains(unit);
        let urges = store.urges(&sanzhi_store::UrgeScope::default()).await?;
        // Every unit ranked once on each day; the counties are ranked among themselves from
        // that (their places are places among counties).
        let rankings = Rankings::of_summaries(&now_summary, &before_summary);
        let mut units = rankings.all();
        count_urges(&mut units, &urges, as_of);
        let mut counties: Vec<UnitRank> = rankings.among(is_county);
        count_urges(&mut counties, &urges, as_of);
        let limits = store.reminder_settings().await?;
        let supervised_now = supervised(&now_rows, &urges, as_of, &limits);
        let counties_total = counties.len();
        let counties_skipped = if full {
            0
        } else {
            counties_total.saturating_sub(LISTED)
        };
        counties.drain(..counties_skipped);
        let ranking_title = fmt(
            td_string!(l, charts.ranking_title),
            &[&crate::labels::month_year(l, year, m)],
        );
        let ranking_svg = crate::charts::unit_ranking_svg(l, &units, &ranking_title, 5).ok();
        let ranking_svg_narrow =
            crate::charts::unit_ranking_narrow_svg(l, &units, &ranking_title, 5).ok();
        // Only what the page lists is copied out of the rows (everything for the 通报).
        let (all_changes, change_count) = changes_counted(
            &before_summary.statuses,
            &now_rows,
            if full { usize::MAX } else { CHANGES_SHOWN },
        );
        let (red, red_total) =
            red_list_counted(&now_rows, if full { usize::MAX } else { RED_LIST_LEN });

        Ok(Overview {
            month: format!("{year}-{m:02}"),
            as_of,
            before,
            demo,
            plans,
            red_list: red,
            red_total,
            full,
            units,
            counties,
            counties_total,
            counties_skipped,
            ranking_svg,
            ranking_svg_narrow,
            changes: all_changes,
            change_count,
            supervised: supervised_now,
            bulletin: None,
            corrections: Vec::new(),
            indicators: IndicatorSnapshot::default(),
            pm25_before: (0, 0),
            sections_before: (0, 0),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_and_end() {
        assert_eq!(parse_month("2018-12"), Some((2018, 12)));
        assert_eq!(parse_month(" 2019-3 "), Some((2019, 3)));
        assert_eq!(parse_month("2019-13"), None);
        assert_eq!(parse_month("2019/03"), None);
        assert_eq!(month_end(2020, 2), NaiveDate::from_ymd_opt(2020, 2, 29));
        assert_eq!(month_end(2018, 12), NaiveDate::from_ymd_opt(2018, 12, 31));
    }
}
