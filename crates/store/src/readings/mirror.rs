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
use sanzhi_domain::ReadingValue;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Years held at once: the one 总览 shows (a province year is ~335k readings, ~45 MB held).
const YEARS_HELD: usize = 1;
/// More changed series than this: the years they touch are read again whole.
const PATCH_LIMIT: usize = 500;

type Year = Arc<Vec<ReadingValue>>;

#[derive(Default)]
struct Held {
    /// The readings version the years are current with (`None`: nothing read yet).
    version: Option<i64>,
    /// The years held, the most recently used last.
    years: Vec<(i32, Year)>,
}

/// See the module documentation. One per app server.
#[derive(Default)]
pub struct ReadingsMirror {
    held: tokio::sync::Mutex<Held>,
    whole_reads: AtomicU64,
    patches: AtomicU64,
}

/// The order the readings are held in: indicator, place, month (byte order of the text).
fn order(r: &ReadingValue) -> (&str, &str, u32) {
    (&r.key.indicator, &r.key.place, r.key.month)
}

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
        let values = match held.years.iter().position(|(y, _)| *y == year) {
            Some(i) => held.years.remove(i).1,
            None => {
                self.whole_reads.fetch_add(1, Ordering::Relaxed);
                let mut values = store
                    .reading_values(&crate::ReadingFilter::years(year, year))
                    .await?;
                values.sort_by(|a, b| order(a).cmp(&order(b)));
                Arc::new(values)
            }
        };
        held.years.push((year, values.clone()));
        let excess = held.years.len().saturating_sub(YEARS_HELD);
        held.years.drain(..excess);
        Ok(values)
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
            .retain(|(year, _)| !whole.contains(&0) && !whole.contains(year));
        for (year, values) in &mut held.years {
            for (_, indicator, place) in changes.iter().filter(|(y, _, _)| y == year) {
                let fresh = dispatch!(store, series_values(indicator, place, *year))?;
                self.patches.fetch_add(1, Ordering::Relaxed);
                let values = Arc::make_mut(values);
                let key = (indicator.as_str(), place.as_str());
                let from = values.partition_point(|r| (order(r).0, order(r).1) < key);
                let to = values.partition_point(|r| (order(r).0, order(r).1) <= key);
                values.splice(from..to, fresh);
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
