//! Computed pages kept between requests, keyed by the versions ([`Store::versions`]) of the
//! areas they show ([`Shows`]): an entry is used only while those are the ones it was
//! computed at, so a report, review, reading or plan edit committed by any app server is seen
//! at the next request — and a reading does not recompute what shows only reports. Misses of one
//! cache are computed one at a time (the others wait and take the result), so a burst of
//! requests after a change computes the page once, not once per request.

use sanzhi_store::{Store, Versions};
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

/// At most this many entries per cache unless said (months × languages); the least recently
/// used goes first.
const CAPACITY: usize = 48;

#[derive(Debug)]
pub struct VersionedCache<K, V> {
    entries: Mutex<HashMap<K, Entry<V>>>,
    computing: tokio::sync::Mutex<()>,
    capacity: usize,
}

/// What a cached value shows, so which versions it is keyed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shows {
    /// The structure, the tracking and the readings.
    Everything,
    /// The structure and the tracking (statuses, reports, 催办).
    Tracking,
    /// The structure and the readings.
    Readings,
    /// The structure only (plans, units, reference tables and targets).
    Structure,
}

impl Shows {
    fn version(self, v: Versions) -> [i64; 3] {
        match self {
            Shows::Everything => [v.structure, v.tracking, v.readings],
            Shows::Tracking => [v.structure, v.tracking, 0],
            Shows::Readings => [v.structure, 0, v.readings],
            Shows::Structure => [v.structure, 0, 0],
        }
    }
}

#[derive(Debug)]
struct Entry<V> {
    version: [i64; 3],
    used: u64,
    value: Arc<V>,
}

impl<K, V> Default for VersionedCache<K, V> {
    fn default() -> Self {
        Self::with_capacity(CAPACITY)
    }
}

impl<K, V> VersionedCache<K, V> {
    /// A cache of at most `capacity` entries.
    pub fn with_capacity(capacity: usize) -> Self {
        VersionedCache {
            entries: Mutex::new(HashMap::new()),
            computing: tokio::sync::Mutex::new(()),
            capacity,
        }
    }
}

impl<K: Hash + Eq + Clone, V> VersionedCache<K, V> {
    fn lookup(&self, key: &K, version: [i64; 3]) -> Option<Arc<V>> {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let next = entries.values().map(|e| e.used).max().unwrap_or(0) + 1;
        let e = entries.get_mut(key).filter(|e| e.version == version)?;
        e.used = next;
        Some(e.value.clone())
    }

    /// The kept value of `key` computed at `version` or later (each part at least the
    /// same): what a request that saw `version` when it came may answer with.
    fn lookup_at_least(&self, key: &K, version: [i64; 3]) -> Option<Arc<V>> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let e = entries.get(key)?;
        e.version
            .iter()
            .zip(version)
            .all(|(kept, seen)| *kept >= seen)
            .then(|| e.value.clone())
    }

    fn store(&self, key: K, version: [i64; 3], value: Arc<V>) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        // Entries of older versions (every part at most this one's, one part less) are dead:
        // drop them; then the least recently used.
        entries.retain(|_, e| {
            e.version == version || e.version.iter().zip(&version).any(|(old, new)| old > new)
        });
        if entries.len() >= self.capacity && !entries.contains_key(&key) {
            if let Some(oldest) = entries
                .iter()
                .min_by_key(|(_, e)| e.used)
                .map(|(k, _)| k.clone())
            {
                entries.remove(&oldest);
            }
        }
        let used = entries.values().map(|e| e.used).max().unwrap_or(0) + 1;
        entries.insert(
            key,
            Entry {
                version,
                used,
                value,
            },
        );
    }

    /// The value of `key` at the database's current version, computed by `compute` when the
    /// cache has none. `compute` reads the database after the version was read, so what it
    /// returns is at least as new as the version it is stored under.
    pub async fn get<E, F, Fut>(
        &self,
        store: &Store,
        shows: Shows,
        key: K,
        compute: F,
    ) -> Result<Arc<V>, E>
    where
        E: From<sanzhi_store::StoreError>,
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<V, E>>,
    {
        let version = shows.version(store.versions().await?);
        if let Some(v) = self.lookup(&key, version) {
            return Ok(v);
        }
        let _one_at_a_time = self.computing.lock().await;
        // Someone may have computed it while this request waited: a value at least as new as
        // what this request saw when it came is its answer, even if writes went on since —
        // asking for the newest again made every waiter compute in turn under a stream of
        // writes (a reader waited 60 s while 15 clients reported, on PostgreSQL).
        if let Some(v) = self.lookup_at_least(&key, version) {
            return Ok(v);
        }
        let version = shows.version(store.versions().await?);
        let value = Arc::new(compute().await?);
        self.store(key, version, value.clone());
        Ok(value)
    }

    /// How many entries are kept (for tests).
    pub fn len(&self) -> usize {
        self.entries.lock().map_or(0, |e| e.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Values computed from content that has a unique stamp (a day's rows in the status mirror):
/// kept under the stamp, with no version to check — the same stamp is the same content. The
/// few most recently used are kept.
#[derive(Debug)]
pub struct StampedCache<K, V> {
    entries: Mutex<Vec<(K, Arc<V>)>>,
    capacity: usize,
}

impl<K: PartialEq, V> StampedCache<K, V> {
    pub fn with_capacity(capacity: usize) -> Self {
        StampedCache {
            entries: Mutex::new(Vec::new()),
            capacity,
        }
    }

    /// The value kept under `key`, or the one `compute` makes (then kept).
    pub fn get_or(&self, key: K, compute: impl FnOnce() -> V) -> Arc<V> {
        {
            let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(i) = entries.iter().position(|(k, _)| *k == key) {
                let e = entries.remove(i);
                let value = e.1.clone();
                entries.push(e);
                return value;
            }
        }
        // Computed outside the lock: two requests may both compute it; both are right.
        let value = Arc::new(compute());
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if !entries.iter().any(|(k, _)| *k == key) {
            entries.push((key, value.clone()));
            let excess = entries.len().saturating_sub(self.capacity);
            entries.drain(..excess);
        }
        value
    }
}

/// Put in a page request's extensions by the server's page cache: set when the rendering
/// showed an error, so that page is sent once and not kept.
#[derive(Debug, Clone, Default)]
pub struct PageFlags {
    pub not_kept: Arc<std::sync::atomic::AtomicBool>,
}

/// Marks the page being rendered as one not to keep (see [`PageFlags`]).
#[cfg(feature = "ssr")]
pub fn page_not_kept() {
    use leptos::prelude::use_context;
    if let Some(flags) = use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<PageFlags>().cloned())
    {
        flags
            .not_kept
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// 总览's key: (year, month, replayed day, everything listed, language).
pub type OverviewKey = (
    i32,
    u32,
    Option<sanzhi_domain::chrono::NaiveDate>,
    bool,
    &'static str,
);

/// What 指标 is kept under: (year, month, trend area, everything listed, language).
pub type IndicatorsKey = (Option<i32>, Option<u32>, Option<String>, bool, &'static str);

/// The caches an app server keeps.
#[derive(Debug)]
pub struct Caches {
    /// 总览 as shown: its two parts put together.
    pub overview: VersionedCache<OverviewKey, crate::overview::Overview>,
    /// 总览's statuses, ranking, red list and changes (its indicators left empty): computed
    /// again only when the structure or the tracking changed.
    pub overview_tracking: VersionedCache<OverviewKey, crate::overview::Overview>,
    /// 总览's indicators of (year, month, language): computed again only when the structure
    /// or the readings changed.
    pub overview_indicators:
        VersionedCache<(i32, u32, &'static str), crate::overview::OverviewIndicators>,
    /// The JSON API's overdue list of (unit, day), as sent: computed again only when the
    /// structure or the tracking changed. Monitoring systems poll it.
    pub api_overdue: VersionedCache<(String, sanzhi_domain::chrono::NaiveDate), Vec<u8>>,
    /// 指标 of (year, month, trend area, everything listed, language) as asked (`None`: the
    /// default): computed again only when the structure or the readings changed.
    pub indicators: VersionedCache<IndicatorsKey, crate::indicators::IndicatorsPage>,
    /// The indicators' targets (what 总览's standings are measured against): read again
    /// only when the structure changed, not after every reading.
    pub targets: VersionedCache<(), sanzhi_domain::IndicatorTargets>,
    /// Every plan, as listed: read again only when the structure changed.
    pub plans: VersionedCache<(), Vec<sanzhi_domain::PlanSummary>>,
    /// Every unit: read again only when the structure changed.
    pub units: VersionedCache<(), Vec<sanzhi_store::UnitRecord>>,
    /// The status facts of the days asked for, kept current with the changed assignments'
    /// rows (what 总览's statuses and the overdue lists are computed from).
    pub statuses: sanzhi_store::StatusMirror,
    /// The readings of the years asked for, kept current with the changed series' rows (what
    /// 总览's indicators are computed from).
    pub readings: sanzhi_store::ReadingsMirror,
    /// What 总览 takes from a day's rows, by (day, the rows' stamp in `statuses`): a report
    /// of today leaves the month before's summary as it was.
    pub day_summaries:
        StampedCache<(sanzhi_domain::chrono::NaiveDate, u64), sanzhi_domain::overview::DaySummary>,
}

impl Default for Caches {
    fn default() -> Self {
        Caches {
            overview: VersionedCache::default(),
            overview_tracking: VersionedCache::default(),
            overview_indicators: VersionedCache::default(),
            // One per unit polled (a province has a few thousand units).
            api_overdue: VersionedCache::with_capacity(4096),
            // A page per filter asked for: few at once, each up to a few hundred KB.
            indicators: VersionedCache::with_capacity(16),
            targets: VersionedCache::default(),
            plans: VersionedCache::default(),
            units: VersionedCache::default(),
            statuses: sanzhi_store::StatusMirror::new(),
            readings: sanzhi_store::ReadingsMirror::new(),
            // Two days per month shown.
            day_summaries: StampedCache::with_capacity(8),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sanzhi_store::testing::TestDb;
    use std::sync::atomic::{AtomicU64, Ordering};

    /// A reading of PM2.5 in 柯城 of January 2018 with `value`: a write that moves the
    /// readings' version.
    async fn push(store: &Store, value: f64) {
        let reading = sanzhi_domain::NewReading {
            key: sanzhi_domain::ReadingKey {
                indicator: "pm25".into(),
                place: "柯城".into(),
                year: 2018,
                month: 1,
            },
            value,
            valid_days: Some(30),
            provisional: false,
            note: String::new(),
        };
        store
            .write_readings(
                std::slice::from_ref(&reading),
                sanzhi_domain::ReadingSource::Imported,
                "测试",
                sanzhi_domain::chrono::Utc::now(),
            )
            .await
            .expect("reading");
    }

    /// Eight requests come together; the value takes a while to compute and a write lands
    /// during each computation. The first computes; the others, waiting, take its value (it
    /// is as new as what they saw when they came) instead of each computing again after the
    /// write before it. A request that comes after the write gets a value computed after it.
    #[tokio::test]
    async fn waiters_take_a_value_as_new_as_what_they_saw() {
        let db = TestDb::sqlite().await;
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../seed");
        let seed = sanzhi_seed::load_dir(&dir).expect("shipped seed");
        db.store.load_seed(&seed).await.expect("seed");
        let cache: Arc<VersionedCache<u8, u64>> = Arc::new(VersionedCache::default());
        let computes = Arc::new(AtomicU64::new(0));
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let (cache, computes, store) = (cache.clone(), computes.clone(), db.store.clone());
            tasks.push(tokio::spawn(async move {
                let value = cache
                    .get(&store, Shows::Readings, 0, || async {
                        let n = computes.fetch_add(1, Ordering::SeqCst) + 1;
                        // The others have come and are waiting by now.
                        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                        push(&store, 30.0 + n as f64).await;
                        Ok::<_, sanzhi_store::StoreError>(n)
                    })
                    .await
                    .expect("value");
                *value
            }));
        }
        for t in tasks {
            assert_eq!(
                t.await.expect("task"),
                1,
                "every request took the first value"
            );
        }
        assert_eq!(computes.load(Ordering::SeqCst), 1);
        // After the write, a new request does not take the value computed before it.
        let value = cache
            .get(&db.store, Shows::Readings, 0, || async {
                Ok::<_, sanzhi_store::StoreError>(99)
            })
            .await
            .expect("value");
        assert_eq!(*value, 99);
        db.finish().await;
    }
}
