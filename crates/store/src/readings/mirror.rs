//! An app server's memory of the readings of the few years 总览 and 指标 ask for (issue 26),
//! kept current by reading again only the series that changed.
//!
//! Every readings write records the series (indicator, place, year) it wrote under the
//! readings version it moves to (`reading_changes`, migration 29; an import of many series
//! records its years). On each read the mirror asks for the versions (one row read); when the
//! readings moved on, it reads the changed series again — a pushed reading costs one series'
//! rows, not a year of readings — or the whole year when a write changed too much to name.
//! Several app servers each keep their own and follow the versions, so none answers from
//! readings older than the version it read.

use crate::{Store, StoreError};
use sanzhi_domain::standing::{KeptStandings, Pm25Standing, SectionStanding};
use sanzhi_domain::{IndicatorTargets, ReadingValue};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Years held at once: the one 总览 shows and the one 指标 shows (the plans' last by default);
/// a province year is ~335k readings, ~45 MB held, and a year not asked for is not read.
const YEARS_HELD: usize = 2;
/// More changed series than this: the years they touch are read again whole.
const PATCH_LIMIT: usize = 500;
/// Months of a year whose standings are kept at once (总览 shows a month and the one before).
const THROUGHS_KEPT: usize = 4;

type Year = Arc<Vec<ReadingValue>>;

/// The PM2.5 and section standings of a year through a month, shared with what is kept.
pub type Standings = (Vec<Arc<Pm25Standing>>, Vec<Arc<SectionStanding>>);

#[derive(Default)]
struct Held {
    /// The readings version the years are current with (`None`: nothing read yet).
    version: Option<i64>,
    /// The years held, the most recently used last.
    years: Vec<HeldYear>,
}

struct HeldYear {
    year: i32,
    values: Year,
    /// The targets the kept standings were computed against.
    targets: Option<Arc<IndicatorTargets>>,
    /// Standings kept per place through a month, the most recently used last: a patch
    /// forgets the places of the series it read again.
    kept: Vec<(u32, KeptStandings)>,
}

/// See the module documentation. One per app server.
#[derive(Default)]
pub struct ReadingsMirror {
    held: tokio::sync::Mutex<Held>,
    whole_reads: AtomicU64,
    patches: AtomicU64,
}

/// The order the readings are held in: indicator, place, month (byte order of the text).
use sanzhi_domain::standing::reading_order as order;

impl ReadingsMirror {
    pub fn new() -> Self {
        Self::default()
    }

    /// (whole years read from the database, series read again).
    pub fn counts(&self) -> (u64, u64) {
        (
            self.whole_reads.load(Ordering::Relaxed),
            self.patches.load(Ordering::Relaxed),
        )
    }

    /// The readings of `year` (what `Store::reading_values` of that year gives), in indicator,
    /// place, month order, current with the database.
    pub async fn year_values(&self, store: &Store, year: i32) -> Result<Year, StoreError> {
        let held = self.current(store, year).await?;
        Ok(held
            .years
            .last()
            .map(|y| y.values.clone())
            .unwrap_or_default())
    }

    /// The year's readings (as [`Self::year_values`]) and its PM2.5 and section standings
    /// through each of `throughs` against `targets` (what `standing::pm25_standings` and
    /// `section_standings` give on those readings): kept per place between calls, so that
    /// after a pushed reading only its place is computed again (issue 26).
    pub async fn standings(
        &self,
        store: &Store,
        targets: &Arc<IndicatorTargets>,
        year: i32,
        throughs: &[u32],
    ) -> Result<(Year, Vec<Standings>), StoreError> {
        let mut held = self.current(store, year).await?;
        let Some(y) = held.years.last_mut() else {
            return Ok((Year::default(), Vec::new()));
        };
        if !y.targets.as_ref().is_some_and(|t| Arc::ptr_eq(t, targets)) {
            y.targets = Some(targets.clone());
            y.kept.clear();
        }
        let mut out = Vec::with_capacity(throughs.len());
        for &through in throughs {
            let mut kept = match y.kept.iter().position(|(m, _)| *m == through) {
                Some(i) => y.kept.remove(i).1,
                None => KeptStandings::default(),
            };
            out.push(kept.standings(&y.values, targets, year, through));
            y.kept.push((through, kept));
        }
        let excess = y.kept.len().saturating_sub(THROUGHS_KEPT);
        y.kept.drain(..excess);
        Ok((y.values.clone(), out))
    }

    /// The held years current with the database, `year` among them (the last).
    async fn current(
        &self,
        store: &Store,
        year: i32,
    ) -> Result<tokio::sync::MutexGuard<'_, Held>, StoreError> {
        // Read before the rows: what is read after can only be newer, and a change newer than
        // this number is read again on the next call.
        let version = store.versions().await?.readings;
        let mut held = self.held.lock().await;
        match held.version {
            Some(v) if v == version => {}
            Some(v) if v < version => match dispatch!(store, reading_changes_since(v))? {
                Some(changes) if changes.len() <= PATCH_LIMIT => {
                    self.patch(store, &mut held, &changes).await?;
                }
                _ => held.years.clear(),
            },
            // Not read yet, or the database went back (a restore): read again.
            _ => held.years.clear(),
        }
        held.version = Some(version);
        let this = match held.years.iter().position(|y| y.year == year) {
            Some(i) => held.years.remove(i),
            None => {
                self.whole_reads.fetch_add(1, Ordering::Relaxed);
                let mut values = dispatch!(store, year_values(year))?;
                sanzhi_domain::standing::sort_readings(&mut values);
                HeldYear {
                    year,
                    values: Arc::new(values),
                    targets: None,
                    kept: Vec::new(),
                }
            }
        };
        held.years.push(this);
        let excess = held.years.len().saturating_sub(YEARS_HELD);
        held.years.drain(..excess);
        Ok(held)
    }

    /// Brings the years held up to date with `changes` (see `reading_changes_since`).
    async fn patch(
        &self,
        store: &Store,
        held: &mut Held,
        changes: &[(i32, String, String)],
    ) -> Result<(), StoreError> {
        let whole: Vec<i32> = changes
            .iter()
            .filter(|(_, indicator, _)| indicator == "*")
            .map(|(year, _, _)| *year)
            .collect();
        held.years
            .retain(|y| !whole.contains(&0) && !whole.contains(&y.year));
        for y in &mut held.years {
            for (_, indicator, place) in changes.iter().filter(|(year, _, _)| *year == y.year) {
                let fresh = dispatch!(store, series_values(indicator, place, y.year))?;
                self.patches.fetch_add(1, Ordering::Relaxed);
                let values = Arc::make_mut(&mut y.values);
                let key = (indicator.as_str(), place.as_str());
                let from = values.partition_point(|r| (order(r).0, order(r).1) < key);
                let to = values.partition_point(|r| (order(r).0, order(r).1) <= key);
                values.splice(from..to, fresh);
                for (_, kept) in &mut y.kept {
                    kept.forget(indicator, place);
                }
            }
        }
        Ok(())
    }
}

impl std::fmt::Debug for ReadingsMirror {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (whole, patched) = self.counts();
        f.debug_struct("ReadingsMirror")
            .field("whole_reads", &whole)
            .field("patches", &patched)
            .finish_non_exhaustive()
    }
}
