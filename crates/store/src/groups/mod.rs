//! Unit groups: a phrase of the allocation tables that stands for a set of units.
//!
//! This file is the facade ([`Store`]'s methods, compiled once); `queries.rs`
//! beside it holds the queries, compiled per backend (see `src/queries.rs`).

use crate::{Store, StoreError};
use sanzhi_domain::chrono::{DateTime, Utc};

/// A phrase of the tables that stands for a set of units (“各县(市、区)政府”).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UnitGroup {
    pub phrase: String,
    /// Canonical unit names, sorted.
    pub members: Vec<String>,
    /// Where the group comes from (the seed's reason, or the admin's note).
    pub provenance: String,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

impl Store {
    /// Every unit group with its members, by phrase.
    pub async fn unit_groups(&self) -> Result<Vec<UnitGroup>, StoreError> {
        dispatch!(self, unit_groups())
    }

    /// Makes or replaces a unit group (audited `unit_group.save`); refused by field
    /// (`phrase`, `members`) with [`StoreError::Invalid`].
    pub async fn save_unit_group(
        &self,
        phrase: &str,
        members: &[String],
        note: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<UnitGroup, StoreError> {
        dispatch!(self, save_unit_group(phrase, members, note, actor, now))
    }

    /// Deletes a unit group (audited `unit_group.delete`); whether there was one.
    pub async fn delete_unit_group(
        &self,
        phrase: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        dispatch!(self, delete_unit_group(phrase, actor, now))
    }
}
