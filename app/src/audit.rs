//! The audit trail: every write with who, when, what, before and after. Admins see all of
//! it (with filters and a CSV export); an item page shows the entries of its assignments to
//! anyone who may read the item. Nothing here or anywhere else edits or deletes entries.

use crate::error::AppError;
use leptos::prelude::*;
use sanzhi_domain::AuditEntry;

/// At most this many entries are listed (the CSV export has them all).
pub const AUDIT_LIMIT: i64 = 500;

/// Entries matching the filters, newest first. Admins only.
#[server(prefix = "/api", endpoint = "audit")]
pub async fn get_audit(
    actor: Option<String>,
    action: Option<String>,
    entity: Option<String>,
    object: Option<String>,
) -> Result<Vec<AuditEntry>, AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::ReadAudit).await?;
    inner::entries(&c.store, actor, action, entity, object, AUDIT_LIMIT).await
}

/// Every account (never a password hash). Admins only.
#[server(prefix = "/api", endpoint = "users")]
pub async fn list_users() -> Result<Vec<sanzhi_domain::User>, AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::ManageUsers).await?;
    Ok(c.store.users().await?)
}

/// The entries of one item's assignments (its reports), newest first.
#[server(prefix = "/api", endpoint = "item_audit")]
pub async fn get_item_audit(code: String, number: i32) -> Result<Vec<AuditEntry>, AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::Read).await?;
    crate::api::inner::visible_plan(&c.store, Some(&c.user), &code).await?;
    inner::item_entries(&c.store, &code, number).await
}

#[cfg(feature = "ssr")]
pub mod inner {
    use super::*;
    use sanzhi_store::{AuditFilter, Store};

    fn some(s: Option<String>) -> Option<String> {
        s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
    }

    pub async fn entries(
        store: &Store,
        actor: Option<String>,
        action: Option<String>,
        entity: Option<String>,
        object: Option<String>,
        limit: i64,
    ) -> Result<Vec<AuditEntry>, AppError> {
        Ok(store
            .audit_entries(&AuditFilter {
                actor: some(actor),
                action: some(action),
                entity: some(entity),
                entity_key: None,
                object: some(object),
                limit,
            })
            .await?)
    }

    pub async fn item_entries(
        store: &Store,
        code: &str,
        number: i32,
    ) -> Result<Vec<AuditEntry>, AppError> {
        Ok(store.item_audit_entries(code, number, AUDIT_LIMIT).await?)
    }
}
