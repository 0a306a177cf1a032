//! An app server's memory of the status facts (issue 26): the assignments with their
//! deadlines, and the facts of the few days 总览 and the lists ask for, kept current by
//! reading only what changed.
//!
//! Every write that changes facts records the assignments it changed under the tracking
//! version it moves to (`fact_changes`, migration 28). On each read the mirror asks the
//! database for the versions (one row read); when tracking moved on, it reads the changed
//! assignments' facts for each day it holds — a report costs one assignment's rows, not
//! every row again. When the structure moved (plans, items, deadlines, units) it reads the
//! assignments again and forgets the days. Several app servers on one database each keep
//! their own mirror; each follows the versions, so none answers from facts older than the
//! version it read.

use super::{assess_days, assess_one, TrackScope, TrackedItem};
use crate::{Store, StoreError};
use sanzhi_domain::chrono::NaiveDate;
use sanzhi_domain::facts::StatusFacts;
use sanzhi_domain::{Report, Tracked};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Days held at once (总览 asks for two per month shown: its last day and the one before
/// the month; a replayed day adds one).
const DAYS_HELD: usize = 6;
/// More changed assignments than this since the version held (a demo load, a large
/// review batch): the days are read again whole, which is then cheaper.
const PATCH_LIMIT: usize = 2_000;

type DayFacts = Arc<HashMap<i64, StatusFacts>>;

#[derive(Default)]
struct Held {
    /// The structure version the assignments were read at (`None`: not read yet).
    structure: Option<i64>,
    /// The tracking version the days' facts are current with.
    tracking: i64,
    items: Arc<Vec<TrackedItem>>,
    /// Where each assignment is in `items`.
    index: HashMap<i64, usize>,
    /// The days held, the most recently used last.
    days: Vec<Day>,
}

/// One day held: its facts and, once asked for, every assignment's row assessed on it.
struct Day {
    day: NaiveDate,
    facts: DayFacts,
    /// The rows of every assignment present that day (the whole scope), the due-soon days
    /// they were assessed with and their stamp; patched with the changed assignments like the
    /// facts, so a report costs one row assessed again, not every row.
    rows: Option<Rows>,
    /// Each assignment's newest report as that day sees it, for the assignments a list with
    /// reports asked for (我的任务); a write forgets the changed assignments' entries.
    newest: HashMap<i64, Option<Report>>,
}

/// A day's rows as held: the due-soon days they were assessed with, the rows, and their stamp
/// — a number no other content of any day's rows in this mirror has had or will have (a new
/// one whenever a row changes), so what is computed from the rows can be kept under it.
struct Rows {
    due_soon_days: i64,
    rows: Arc<Vec<Tracked>>,
    stamp: u64,
}

/// See the module documentation. One per app server (cheap to share behind an `Arc`).
#[derive(Default)]
pub struct StatusMirror {
    /// The last stamp given to a day's rows.
    stamps: AtomicU64,
    held: tokio::sync::Mutex<Held>,
    /// Whole days read from the database (for checks: a report must not cause one).
    whole_reads: AtomicU64,
    /// Days brought up to date by reading only the changed assignments.
    patches: AtomicU64,
}

/// The assignments removed or deadlines replaced after this day are all kept: a replay of
/// any day the plans speak of sees them (the tracking read's `earliest`).
fn earliest() -> NaiveDate {
    NaiveDate::from_ymd_opt(1949, 1, 1).unwrap_or_default()
}

impl StatusMirror {
    pub fn new() -> Self {
        Self::default()
    }

    /// What [`Store::statuses_on_days`] gives for `scope` on `days`, from the facts held
    /// (brought up to date with the database first).
    pub async fn statuses_on_days(
        &self,
        store: &Store,
        scope: &TrackScope,
        days: &[NaiveDate],
        due_soon_days: i64,
    ) -> Result<Vec<Vec<Tracked>>, StoreError> {
        let (items, facts) = self.current(store, days).await?;
        let facts: Vec<&HashMap<i64, StatusFacts>> = facts.iter().map(|f| &**f).collect();
        let keep = |item: &TrackedItem| {
            let r = &item.row;
            scope.plan.as_ref().is_none_or(|p| *p == r.plan_code)
                && scope.unit.as_ref().is_none_or(|u| *u == r.unit)
                && scope.item.is_none_or(|n| n == r.item_number)
        };
        Ok(assess_days(&items, keep, days, &facts, due_soon_days))
    }

    /// Every assignment's row on each of `days` (the whole scope: what
    /// [`Store::statuses_on_days`] gives for [`TrackScope::default`]), shared rather than
    /// copied: the rows are kept with the day and, after a write, only the changed
    /// assignments' rows are assessed again. For 总览, which reads every row of two days.
    pub async fn all_statuses_on_days(
        &self,
        store: &Store,
        days: &[NaiveDate],
        due_soon_days: i64,
    ) -> Result<Vec<Arc<Vec<Tracked>>>, StoreError> {
        Ok(self
            .stamped_statuses_on_days(store, days, due_soon_days)
            .await?
            .into_iter()
            .map(|(rows, _)| rows)
            .collect())
    }

    /// [`StatusMirror::all_statuses_on_days`] with each day's stamp: the same stamp again
    /// means the same rows, so what was computed from them the first time still holds.
    pub async fn stamped_statuses_on_days(
        &self,
        store: &Store,
        days: &[NaiveDate],
        due_soon_days: i64,
    ) -> Result<Vec<(Arc<Vec<Tracked>>, u64)>, StoreError> {
        let mut held = self.locked(store).await?;
        let mut out = Vec::with_capacity(days.len());
        for &day in days {
            let at = self.day_at(&mut held, store, day).await?;
            let items = held.items.clone();
            let d = &mut held.days[at];
            let rows = match &d.rows {
                Some(r) if r.due_soon_days == due_soon_days => (r.rows.clone(), r.stamp),
                _ => {
                    let mut rows =
                        assess_days(&items, |_| true, &[day], &[&*d.facts], due_soon_days)
                            .pop()
                            .unwrap_or_default();
                    // Collected through a filter, the rows' vector grew by doubling: at a
                    // province (20,218 rows of 232 bytes) ~2.9 MB of room no row uses, kept
                    // with the day.
                    rows.shrink_to_fit();
                    let rows = Arc::new(rows);
                    let stamp = self.stamps.fetch_add(1, Ordering::Relaxed) + 1;
                    d.rows = Some(Rows {
                        due_soon_days,
                        rows: rows.clone(),
                        stamp,
                    });
                    (rows, stamp)
                }
            };
            out.push(rows);
        }
        Self::forget_excess(&mut held, days.len());
        Ok(out)
    }

    /// What [`Store::tracked`] gives for `scope` on `day` — the rows with their newest report
    /// and the one the coordinator returned — from the facts held and the newest reports kept
    /// with the day: a write since costs the changed assignments' reports, not every report
    /// of the scope again. For 我的任务, which shows one unit's rows with their reports.
    pub async fn tracked(
        &self,
        store: &Store,
        scope: &TrackScope,
        day: NaiveDate,
        due_soon_days: i64,
    ) -> Result<Vec<Tracked>, StoreError> {
        let mut held = self.locked(store).await?;
        let at = self.day_at(&mut held, store, day).await?;
        let items = held.items.clone();
        let d = &mut held.days[at];
        let mine: Vec<&TrackedItem> = items
            .iter()
            .filter(|item| {
                let r = &item.row;
                item.present_on(day)
                    && scope.plan.as_ref().is_none_or(|p| *p == r.plan_code)
                    && scope.unit.as_ref().is_none_or(|u| *u == r.unit)
                    && scope.item.is_none_or(|n| n == r.item_number)
            })
            .collect();
        let missing: Vec<i64> = mine
            .iter()
            .map(|item| item.row.assignment_id)
            .filter(|id| !d.newest.contains_key(id))
            .collect();
        for chunk in missing.chunks(500) {
            let mut read = dispatch!(store, reports_of_assignments(chunk))?;
            for id in chunk {
                // The newest of the reports that day sees (with the review seen by then), as
                // the read of a day's reports gives them.
                let newest = read
                    .remove(id)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|r| r.as_of(day))
                    .next_back();
                d.newest.insert(*id, newest);
            }
        }
        let rows = mine
            .into_iter()
            .map(|item| {
                let id = item.row.assignment_id;
                let mut t = assess_one(item, &d.facts, day, due_soon_days);
                let newest = d.newest.get(&id).cloned().flatten();
                let returned = d.facts.get(&id).and_then(|f| f.returned_report);
                t.returned = newest
                    .as_ref()
                    .filter(|r| Some(r.id) == returned)
                    .map(|r| Box::new(r.clone()));
                t.last_report = newest.map(Box::new);
                t
            })
            .collect();
        Self::forget_excess(&mut held, 1);
        Ok(rows)
    }

    /// [`StatusMirror::statuses_on_days`] on one day.
    pub async fn statuses(
        &self,
        store: &Store,
        scope: &TrackScope,
        as_of: NaiveDate,
        due_soon_days: i64,
    ) -> Result<Vec<Tracked>, StoreError> {
        Ok(self
            .statuses_on_days(store, scope, &[as_of], due_soon_days)
            .await?
            .pop()
            .unwrap_or_default())
    }

    /// (whole days read from the database, days patched with the changed assignments).
    pub fn counts(&self) -> (u64, u64) {
        (
            self.whole_reads.load(Ordering::Relaxed),
            self.patches.load(Ordering::Relaxed),
        )
    }

    /// The assignments and each day's facts, current with the versions read first.
    async fn current(
        &self,
        store: &Store,
        days: &[NaiveDate],
    ) -> Result<(Arc<Vec<TrackedItem>>, Vec<DayFacts>), StoreError> {
        let mut held = self.locked(store).await?;
        let mut out = Vec::with_capacity(days.len());
        for &day in days {
            let at = self.day_at(&mut held, store, day).await?;
            out.push(held.days[at].facts.clone());
        }
        Self::forget_excess(&mut held, days.len());
        Ok((held.items.clone(), out))
    }

    /// What is held, locked and brought up to the versions read first: what is read after
    /// can only be newer than these numbers, and a change newer than them is read again on
    /// the next call.
    async fn locked(&self, store: &Store) -> Result<tokio::sync::MutexGuard<'_, Held>, StoreError> {
        let v = store.versions().await?;
        let mut held = self.held.lock().await;
        self.refresh(&mut held, store, v).await?;
        Ok(held)
    }

    /// Brings what is held up to the versions `v`: the assignments read again when the
    /// structure moved (the days forgotten), else the changed assignments' facts — and their
    /// kept rows — read and assessed again for each day held.
    async fn refresh(
        &self,
        held: &mut Held,
        store: &Store,
        v: crate::Versions,
    ) -> Result<(), StoreError> {
        if held.structure != Some(v.structure) || v.tracking < held.tracking {
            let (items, _) = dispatch!(store, tracked_items(&TrackScope::default(), earliest()))?;
            let index = items
                .iter()
                .enumerate()
                .map(|(i, item)| (item.row.assignment_id, i))
                .collect();
            *held = Held {
                structure: Some(v.structure),
                tracking: v.tracking,
                items: Arc::new(items),
                index,
                days: Vec::new(),
            };
        } else if v.tracking > held.tracking {
            match dispatch!(store, fact_changes_since(held.tracking))? {
                Some(ids) if ids.len() <= PATCH_LIMIT => {
                    if !ids.is_empty() {
                        let items = held.items.clone();
                        let changed: std::collections::HashSet<i64> = ids.iter().copied().collect();
                        for d in &mut held.days {
                            let fresh = dispatch!(store, facts_on(Some(&ids[..]), d.day))?;
                            let map = Arc::make_mut(&mut d.facts);
                            for id in &ids {
                                map.remove(id);
                                d.newest.remove(id);
                            }
                            map.extend(fresh);
                            if let Some(r) = &mut d.rows {
                                // The rows that differ now. A report of today leaves the days
                                // before as they were: their rows, and their stamp, stay.
                                let fresh: Vec<(usize, Tracked)> = r
                                    .rows
                                    .iter()
                                    .enumerate()
                                    .filter(|(_, row)| changed.contains(&row.assignment_id))
                                    .filter_map(|(at, row)| {
                                        let &i = held.index.get(&row.assignment_id)?;
                                        let new =
                                            assess_one(&items[i], map, d.day, r.due_soon_days);
                                        (new != *row).then_some((at, new))
                                    })
                                    .collect();
                                if !fresh.is_empty() {
                                    // Unshared once the pages computed from it are done with
                                    // it; shared, it is copied (still cheaper than a read of
                                    // the day).
                                    let rows = Arc::make_mut(&mut r.rows);
                                    for (at, new) in fresh {
                                        rows[at] = new;
                                    }
                                    r.stamp = self.stamps.fetch_add(1, Ordering::Relaxed) + 1;
                                }
                            }
                            self.patches.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
                _ => held.days.clear(),
            }
            held.tracking = v.tracking;
        }
        Ok(())
    }

    /// Where `day` is in the days held, read whole when it is not held; it becomes the most
    /// recently used.
    async fn day_at(
        &self,
        held: &mut Held,
        store: &Store,
        day: NaiveDate,
    ) -> Result<usize, StoreError> {
        let d = match held.days.iter().position(|d| d.day == day) {
            Some(i) => held.days.remove(i),
            None => {
                self.whole_reads.fetch_add(1, Ordering::Relaxed);
                Day {
                    day,
                    facts: Arc::new(dispatch!(store, facts_on(None, day))?),
                    rows: None,
                    newest: HashMap::new(),
                }
            }
        };
        held.days.push(d);
        Ok(held.days.len() - 1)
    }

    /// Forgets the least recently used days beyond what is held at once (never one of the
    /// `asked` days just used, which are the last).
    fn forget_excess(held: &mut Held, asked: usize) {
        let excess = held.days.len().saturating_sub(DAYS_HELD.max(asked));
        held.days.drain(..excess);
    }
}

impl std::fmt::Debug for StatusMirror {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (whole, patched) = self.counts();
        f.debug_struct("StatusMirror")
            .field("whole_reads", &whole)
            .field("patches", &patched)
            .finish_non_exhaustive()
    }
}
