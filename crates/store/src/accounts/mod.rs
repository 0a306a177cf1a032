//! User accounts, the first admin's setup, sessions and the sign-in throttle.
//!
//! This file is the facade ([`Store`]'s methods, compiled once); `sessions.rs`, `users.rs`
//! beside it hold the queries, compiled per backend (see `src/queries.rs`).

use crate::{Store, StoreError};
use sanzhi_domain::chrono::{DateTime, Utc};

/// The key that serialises the writes deciding who the first admin is (PostgreSQL; SQLite's
/// write transactions run one at a time anyway).
pub(crate) const SETUP_LOCK: &str = "setup:first-admin";

/// How a setup token is kept: its SHA-256 in hex (the token itself is printed once, never
/// stored).
pub(crate) fn setup_digest(token: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A limit on sign-in attempts under one key, counted over the throttle window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptLimit {
    pub key: String,
    /// Failures allowed in the window.
    pub max: i64,
    /// `None`: past `max`, no attempt until the window has passed. `Some(s)`: a back-off —
    /// past `max`, one attempt every `s` seconds.
    pub spacing_after: Option<i64>,
}

/// The outcome of [`Store::login_attempt_reserve`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    /// Go ahead: the attempt is recorded under these rows.
    Reserved { ids: Vec<i64> },
    /// Over the limit of `key`.
    Refused { key: String },
}

/// A user to create (the password already hashed by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: sanzhi_domain::Role,
    pub plan: Option<String>,
    pub unit: Option<String>,
    pub is_demo: bool,
}

/// An account as sign-in reads it: the user, the password hash, whether it may sign in.
#[derive(Debug, Clone, PartialEq)]
pub struct Credentials {
    pub user: sanzhi_domain::User,
    pub password_hash: String,
    pub active: bool,
}

/// Who a page is served to, read with their session in one query: the user, and the data's
/// versions at that moment (what a kept page is keyed on).
#[derive(Debug, Clone, PartialEq)]
pub struct PageViewer {
    pub user: sanzhi_domain::User,
    pub versions: crate::Versions,
}

/// A stored session: its data and when it expires.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredSession {
    pub data: String,
    pub expires_at: DateTime<Utc>,
}

impl Store {
    /// Every account with whether it may sign in (never a hash).
    pub async fn accounts(&self) -> Result<Vec<sanzhi_domain::Account>, StoreError> {
        dispatch!(self, accounts())
    }

    /// Sets a password hash and ends the account's sessions; `false` if there is no such
    /// account.
    pub async fn set_password(
        &self,
        username: &str,
        password_hash: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        dispatch!(self, set_password(username, password_hash, actor, now))
    }

    /// Allows or stops an account's sign-in; `None` if there is no such account.
    pub async fn set_active(
        &self,
        username: &str,
        active: bool,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<()>, StoreError> {
        dispatch!(self, set_active(username, active, actor, now))
    }

    /// Keeps a new one-time setup token unless an admin account exists (then `false`, and the
    /// token opens nothing). Only its SHA-256 is stored.
    pub async fn setup_token_issue(
        &self,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        dispatch!(self, setup_token_issue(token, now))
    }

    /// Whether the first admin is still to be made: no admin account exists.
    pub async fn setup_pending(&self) -> Result<bool, StoreError> {
        dispatch!(self, setup_pending())
    }

    /// Whether `token` opens the setup page (issued, and no admin exists yet).
    pub async fn setup_token_valid(&self, token: &str) -> Result<bool, StoreError> {
        dispatch!(self, setup_token_valid(token))
    }

    /// Creates the first admin (whatever `user.role` says) if `token` still opens setup, and
    /// voids every setup token, in one transaction; `None` when the token opens nothing.
    /// Audited as `user.setup` by the new admin.
    pub async fn create_first_admin(
        &self,
        token: &str,
        user: &NewUser,
        now: DateTime<Utc>,
    ) -> Result<Option<i64>, StoreError> {
        dispatch!(self, create_first_admin(token, user, now))
    }

    /// Creates a user (or resets an existing demo user); audited.
    pub async fn save_user(
        &self,
        user: &NewUser,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        dispatch!(self, save_user(user, actor, now))
    }

    /// The user of a username with the password hash and whether the account is active.
    pub async fn user_credentials(
        &self,
        username: &str,
    ) -> Result<Option<Credentials>, StoreError> {
        dispatch!(self, user_credentials(username))
    }

    /// An active user by id.
    pub async fn user_by_id(&self, id: i64) -> Result<Option<sanzhi_domain::User>, StoreError> {
        dispatch!(self, user_by_id(id))
    }

    pub async fn users(&self) -> Result<Vec<sanzhi_domain::User>, StoreError> {
        dispatch!(self, users())
    }

    /// Saves a session record; `user_id` is the signed-in user its data names (kept beside
    /// the JSON for [`Store::page_viewer`]).
    pub async fn session_save(
        &self,
        id: &str,
        data: &str,
        user_id: Option<i64>,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        dispatch!(self, session_save(id, data, user_id, expires_at))
    }

    /// The active user signed in with session `id` and the data version, read in one
    /// statement (a kept page's whole database cost); `None` when the session is unknown,
    /// expired, names no user, or its account is stopped.
    pub async fn page_viewer(
        &self,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<PageViewer>, StoreError> {
        dispatch!(self, page_viewer(id, now))
    }

    pub async fn session_load(
        &self,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<StoredSession>, StoreError> {
        dispatch!(self, session_load(id, now))
    }

    pub async fn session_delete(&self, id: &str) -> Result<(), StoreError> {
        dispatch!(self, session_delete(id))
    }

    /// Removes expired sessions.
    pub async fn sessions_expire(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        dispatch!(self, sessions_expire(now))
    }

    /// Reserves a sign-in attempt under every key of `limits` before the password is checked:
    /// atomically (on both backends, whatever runs in parallel) either records it — as a
    /// failure, until [`Store::login_attempt_succeeded`] takes it back — or refuses, naming the
    /// key over its limit. Counting first and recording after the check let 20 parallel
    /// wrong passwords all be checked against a limit of 5.
    pub async fn login_attempt_reserve(
        &self,
        limits: &[AttemptLimit],
        now: DateTime<Utc>,
        since: DateTime<Utc>,
    ) -> Result<Attempt, StoreError> {
        dispatch!(self, login_attempt_reserve(limits, now, since))
    }

    /// The reserved attempt signed in: its rows go, `clear_key`'s count starts again, and
    /// `known_key` (the account at this address) is marked as signed in `now`.
    pub async fn login_attempt_succeeded(
        &self,
        ids: &[i64],
        clear_key: &str,
        known_key: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        dispatch!(
            self,
            login_attempt_succeeded(ids, clear_key, known_key, now)
        )
    }

    /// Whether `key` (e.g. an account's `known:` mark at an address) was recorded after
    /// `since`.
    pub async fn login_key_seen_since(
        &self,
        key: &str,
        since: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        dispatch!(self, login_key_seen_since(key, since))
    }

    /// Puts a failed sign-in on the audit trail (`login.failure`, the account name tried and
    /// the address; never the password).
    pub async fn login_failure_audit(
        &self,
        username: &str,
        address: &str,
        why: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        dispatch!(self, login_failure_audit(username, address, why, now))
    }
}
