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

use super::{assess_days, TrackScope, TrackedItem};
use crate::{Store, StoreError};
use sanzhi_domain::chrono::NaiveDate;
use sanzhi_domain::facts::StatusFacts;
use sanzhi_domain::Tracked;
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
    /// The days held, the most recently used last.
    days: Vec<(NaiveDate, DayFacts)>,
}

/// See the module documentation. One per app server (cheap to share behind an `Arc`).
#[derive(Default)]
pub struct StatusMirror {
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
        // Read before the rows: what is read after can only be newer than these numbers,
        // and a change newer than them is read again on the next call.
        let v = store.versions().await?;
        let mut held = self.held.lock().await;
        if held.structure != Some(v.structure) || v.tracking < held.tracking {
            let (items, _) = dispatch!(store, tracked_items(&TrackScope::default(), earliest()))?;
            *held = Held {
                structure: Some(v.structure),
                tracking: v.tracking,
                items: Arc::new(items),
                days: Vec::new(),
            };
        } else if v.tracking > held.tracking {
            match dispatch!(store, fact_changes_since(held.tracking))? {
                Some(ids) if ids.len() <= PATCH_LIMIT => {
                    if !ids.is_empty() {
                        for (day, facts) in &mut held.days {
                            let fresh = dispatch!(store, facts_on(Some(&ids[..]), *day))?;
                            let map = Arc::make_mut(facts);
                            for id in &ids {
                                map.remove(id);
                            }
                            map.extend(fresh);
                            self.patches.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
                _ => held.days.clear(),
            }
            held.tracking = v.tracking;
        }
        let mut out = Vec::with_capacity(days.len());
        for &day in days {
            let facts = match held.days.iter().position(|(d, _)| *d == day) {
                Some(i) => held.days.remove(i).1,
                None => {
                    self.whole_reads.fetch_add(1, Ordering::Relaxed);
                    Arc::new(dispatch!(store, facts_on(None, day))?)
                }
            };
            held.days.push((day, facts.clone()));
            out.push(facts);
        }
        let excess = held.days.len().saturating_sub(DAYS_HELD.max(days.len()));
        held.days.drain(..excess);
        Ok((held.items.clone(), out))
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
