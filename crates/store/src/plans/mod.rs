//! Plans: the seed and its loading, reading a plan, its source documents, a coordinator's edits.
//!
//! This file is the facade ([`Store`]'s methods, compiled once); `edit.rs`, `load.rs`, `read.rs`, `sources.rs`
//! beside it hold the queries, compiled per backend (see `src/queries.rs`).

use crate::{Store, StoreError};
use sanzhi_domain::chrono::{DateTime, Utc};
use sanzhi_domain::{ItemDetail, PlanCode, PlanDetail, PlanSummary, PlanTree, UnitKind};
use sanzhi_model::SeedBundle;

/// What a seed load did: rows inserted, updated (content differed) and left as they were.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
}

impl SeedReport {
    pub(crate) fn add(&mut self, change: Change) {
        match change {
            Change::Inserted => self.inserted += 1,
            Change::Updated => self.updated += 1,
            Change::Unchanged => self.unchanged += 1,
        }
    }
}

/// What an upsert did to one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Change {
    Inserted,
    Updated,
    Unchanged,
}

/// A unit and its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitRecord {
    pub name: String,
    pub kind: UnitKind,
}

impl Store {
    /// Loads a validated seed bundle in one transaction. Idempotent: loading the same bundle
    /// again inserts and updates nothing. On any error nothing is changed.
    #[tracing::instrument(skip_all, fields(backend = self.backend().as_str()))]
    pub async fn load_seed(&self, seed: &SeedBundle) -> Result<SeedReport, StoreError> {
        let report = dispatch!(self, load_seed(seed))?;
        tracing::info!(?report, "seed loaded");
        Ok(report)
    }

    /// Every plan, in the order the seed gives, with its size.
    #[tracing::instrument(skip_all)]
    pub async fn list_plans(&self) -> Result<Vec<PlanSummary>, StoreError> {
        let plans = dispatch!(self, list_plans())?;
        // Messages that know only a plan's code name it by these (a display cache).
        sanzhi_domain::plan::remember_names(&plans);
        Ok(plans)
    }

    /// Moves a plan through its lifecycle (draft → active → closed, or back), audited;
    /// `None` when no plan has this code, else the status it had.
    pub async fn set_plan_status(
        &self,
        code: &PlanCode,
        status: sanzhi_domain::PlanStatus,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<sanzhi_domain::PlanStatus>, StoreError> {
        dispatch!(self, set_plan_status(code, status, actor, now))
    }

    /// One plan with its goals, or `None` if no plan has this code.
    #[tracing::instrument(skip(self))]
    pub async fn plan_detail(&self, code: &PlanCode) -> Result<Option<PlanDetail>, StoreError> {
        dispatch!(self, plan_detail(code))
    }

    /// A plan with its actions, tasks and work items (leads, units, milestones).
    #[tracing::instrument(skip(self))]
    pub async fn plan_tree(&self, code: &PlanCode) -> Result<Option<PlanTree>, StoreError> {
        dispatch!(self, plan_tree(code))
    }

    /// One work item in full, by plan and item number.
    #[tracing::instrument(skip(self))]
    pub async fn item_detail(
        &self,
        code: &PlanCode,
        number: i32,
    ) -> Result<Option<ItemDetail>, StoreError> {
        dispatch!(self, item_detail(code, number))
    }

    /// Lines `from..=to` of a source document with `context` lines either side; `None` when
    /// the document or the lines are not there.
    pub async fn source_window(
        &self,
        document: &str,
        from: i32,
        to: i32,
        context: i32,
    ) -> Result<Option<sanzhi_domain::SourceWindow>, StoreError> {
        dispatch!(self, source_window(document, from, to, context))
    }

    /// Every unit with its kind, county governments first.
    pub async fn units(&self) -> Result<Vec<UnitRecord>, StoreError> {
        dispatch!(self, units())
    }

    /// Replaces a work item's deadlines, responsible units and targets (audited with the
    /// reason). `StoreError::Invalid` names the unit that is unknown or cannot be removed.
    pub async fn edit_item(
        &self,
        plan: &str,
        number: i32,
        edit: &sanzhi_domain::ItemEdit,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        dispatch!(self, edit_item(plan, number, edit, actor, now))
    }

    /// Adds a unit (audited); `StoreError::Invalid` when its name or an alias is taken.
    pub async fn add_unit(
        &self,
        unit: &sanzhi_domain::NewUnit,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        dispatch!(self, add_unit(unit, actor, now))
    }

    /// How many plans are stored (used to decide whether a first start must seed).
    pub async fn plan_count(&self) -> Result<i64, StoreError> {
        dispatch!(self, plan_count())
    }
}
