//! The audit trail: every write's entry, read back by filter or by item.
//!
//! This file is the facade ([`Store`]'s methods, compiled once); `queries.rs`
//! beside it holds the queries, compiled per backend (see `src/queries.rs`).

use crate::{Store, StoreError};

/// Which audit entries to list, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Part of the actor's name.
    pub actor: Option<String>,
    /// An action or an action prefix (`report.`).
    pub action: Option<String>,
    pub entity: Option<String>,
    pub entity_key: Option<String>,
    /// Part of the name of what was changed (“开化”, “治水 (5)”) or of its key.
    pub object: Option<String>,
    pub limit: i64,
}

impl Store {
    /// Audit entries, newest first.
    pub async fn audit_entries(
        &self,
        filter: &AuditFilter,
    ) -> Result<Vec<sanzhi_domain::AuditEntry>, StoreError> {
        dispatch!(self, audit_entries(filter))
    }

    /// The audit entries of one work item's assignments, newest first.
    pub async fn item_audit_entries(
        &self,
        plan: &str,
        number: i32,
        limit: i64,
    ) -> Result<Vec<sanzhi_domain::AuditEntry>, StoreError> {
        dispatch!(self, item_audit_entries(plan, number, limit))
    }
}
