//! Plan import: an allocation table (and its targets sheet) becomes one plan.
//!
//! This file is the facade ([`Store`]'s methods, compiled once); `queries.rs`
//! beside it holds the queries, compiled per backend (see `src/queries.rs`).

use crate::{Store, StoreError};
use sanzhi_domain::chrono::{DateTime, Utc};

/// Another name a unit is known by in the allocation tables.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UnitAlias {
    pub alias: String,
    pub unit: String,
}

pub use sanzhi_domain::plan_import::{
    FieldChange, ImportItemChange, ImportItemState, ImportPlanReport,
};

impl Store {
    /// Imports one plan (from an allocation table) with the seed loader's upserts, in one
    /// transaction: `commit == false` is a dry run that reports exactly what would change
    /// and rolls back; `commit == true` writes it with one `plan.import` audit entry —
    /// unless it is blocked or changes nothing, when nothing is written.
    #[tracing::instrument(skip_all, fields(plan = plan.code.as_str(), commit))]
    pub async fn import_plan(
        &self,
        plan: &sanzhi_model::SeedPlan,
        commit: bool,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<ImportPlanReport, StoreError> {
        dispatch!(self, import_plan(plan, commit, actor, now))
    }

    /// Every unit alias with the canonical name of its unit (alias, unit).
    pub async fn unit_aliases(&self) -> Result<Vec<UnitAlias>, StoreError> {
        dispatch!(self, unit_aliases())
    }
}
