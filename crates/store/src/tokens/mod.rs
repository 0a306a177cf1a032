//! Tokens of the JSON API.
//!
//! This file is the facade ([`Store`]'s methods, compiled once); `queries.rs`
//! beside it holds the queries, compiled per backend (see `src/queries.rs`).

use crate::{Store, StoreError};
use sanzhi_domain::chrono::{DateTime, Utc};

/// An API token of the JSON API (`/api/v1`) as stored. Its secret is never stored, only its
/// SHA-256 hash, and the hash never leaves the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenRecord {
    pub id: i64,
    pub name: String,
    /// The plans it may write readings for (sorted); empty: read only.
    pub plans: Vec<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// When it stops working; `None`: never.
    pub expires_at: Option<DateTime<Utc>>,
    /// When it was last used (recorded at most about once a minute).
    pub last_used_at: Option<DateTime<Utc>>,
}

/// What real (not demo) data is stored: progress reports and accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RealDataCounts {
    pub reports: i64,
    pub users: i64,
}

impl Store {
    /// Stores a new token by the hash of its secret (audited as `api_token.issue`);
    /// `expires_at` `None`: it never expires.
    pub async fn api_token_create(
        &self,
        name: &str,
        token_hash: &str,
        plans: &[String],
        expires_at: Option<DateTime<Utc>>,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<ApiTokenRecord, StoreError> {
        dispatch!(
            self,
            api_token_create(name, token_hash, plans, expires_at, actor, now)
        )
    }

    /// Every token, revoked and expired ones included, oldest first.
    pub async fn api_tokens(&self) -> Result<Vec<ApiTokenRecord>, StoreError> {
        dispatch!(self, api_tokens())
    }

    /// The token whose secret has this SHA-256 hash (hex), revoked, expired or not.
    pub async fn api_token_by_hash(
        &self,
        token_hash: &str,
    ) -> Result<Option<ApiTokenRecord>, StoreError> {
        dispatch!(self, api_token_by_hash(token_hash))
    }

    /// Records that token `id` was used at `now`, unless it was recorded as used within
    /// `min_interval` before; returns whether it wrote. Not audited.
    pub async fn api_token_touch(
        &self,
        id: i64,
        now: DateTime<Utc>,
        min_interval: sanzhi_domain::chrono::Duration,
    ) -> Result<bool, StoreError> {
        dispatch!(self, api_token_touch(id, now, min_interval))
    }

    /// Revokes a token (audited as `api_token.revoke`); `None` if there is no such token. A
    /// token already revoked is returned unchanged.
    pub async fn api_token_revoke(
        &self,
        id: i64,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<ApiTokenRecord>, StoreError> {
        dispatch!(self, api_token_revoke(id, actor, now))
    }

    /// Progress reports and accounts not marked demo: real data that
    /// `sanzhi serve --demo` must not start on.
    pub async fn real_data_counts(&self) -> Result<RealDataCounts, StoreError> {
        dispatch!(self, real_data_counts())
    }
}
