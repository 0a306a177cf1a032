//! A plan's own indicators and yearly targets.
//!
//! This file is the facade ([`Store`]'s methods, compiled once); `queries.rs`
//! beside it holds the queries, compiled per backend (see `src/queries.rs`).

use crate::{Store, StoreError};

impl Store {
    /// Where each kind of indicator is read: the areas, sections and drains of the seed.
    /// The indicators plans define beside the catalogue, in their order; `with_drafts`
    /// includes those of plans not yet in effect.
    pub async fn plan_indicators(
        &self,
        with_drafts: bool,
    ) -> Result<Vec<sanzhi_domain::PlanIndicator>, StoreError> {
        dispatch!(self, plan_indicators(with_drafts))
    }
}
