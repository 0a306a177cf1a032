//! The reference tables of the plans and the indicators' yearly targets.
//!
//! This file is the facade ([`Store`]'s methods, compiled once); `queries.rs`
//! beside it holds the queries, compiled per backend (see `src/queries.rs`).

use crate::{Store, StoreError};

impl Store {
    /// The indicators' targets: PM2.5 by area and year, sections, drain limits, rates.
    pub async fn indicator_targets(&self) -> Result<sanzhi_domain::IndicatorTargets, StoreError> {
        dispatch!(self, indicator_targets())
    }
}
