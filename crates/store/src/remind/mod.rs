//! Reminders: settings, 催办 and answers, digests, inboxes, the outbox and webhooks, the monthly 通报.
//!
//! This file is the facade ([`Store`]'s methods, compiled once); `bulletin.rs`, `inbox.rs`, `outbox.rs`, `urges.rs`
//! beside it hold the queries, compiled per backend (see `src/queries.rs`).

use crate::{Store, StoreError};
use sanzhi_domain::chrono::{DateTime, NaiveDate, Utc};

/// Which 催办 to list; `None` means any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UrgeScope {
    pub unit: Option<String>,
    pub plan: Option<String>,
    pub item: Option<i32>,
    pub assignment: Option<i64>,
}

/// A closed month's 通报 as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulletinRecord {
    pub id: i64,
    /// `2018-12`.
    pub month: String,
    /// The 文号 line, e.g. 衢三治办〔2019〕1号.
    pub doc_no: String,
    pub closed_by: String,
    pub closed_by_name: String,
    pub closed_at: DateTime<Utc>,
    pub data_version: i64,
    /// The 总览 as shown when closed (JSON of `app::overview::Overview`).
    pub overview: String,
    pub is_demo: bool,
}

/// A month being closed.
#[derive(Debug, Clone, Copy)]
pub struct NewBulletin<'a> {
    pub month: &'a str,
    pub doc_no: &'a str,
    pub closed_by: &'a str,
    pub closed_by_name: &'a str,
    pub closed_at: DateTime<Utc>,
    pub data_version: i64,
    pub overview: &'a str,
    pub is_demo: bool,
}

/// What the making of a day's digests wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DayWritten {
    pub digests: usize,
    /// E-mails and robot messages put in the outbox.
    pub messages: usize,
}

/// A digest in a unit's 消息 inbox.
#[derive(Debug, Clone, PartialEq)]
pub struct InboxDigest {
    pub id: i64,
    /// Read by the account asking.
    pub read: bool,
    pub is_demo: bool,
    pub title: String,
    pub digest: sanzhi_domain::remind::Digest,
}

/// A message of the outbox, as the admin's list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRow {
    pub id: i64,
    pub digest_id: i64,
    /// `email` or `webhook`.
    pub channel: String,
    /// The e-mail address, or `hook:{id}`.
    pub target: String,
    pub hook_id: Option<i64>,
    /// `pending`, `sent` or `failed` (given up).
    pub status: String,
    pub attempts: i32,
    /// Unix seconds.
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub unit: String,
    pub day: NaiveDate,
}

/// A message leased to this server for sending.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxJob {
    pub row: OutboxRow,
    pub title: String,
    pub digest: sanzhi_domain::remind::Digest,
    /// The hook, for a robot message.
    pub hook: Option<HookRecord>,
}

/// A unit's robot webhook. `secret` is for signing only: never shown back or logged.
#[derive(Clone, PartialEq, Eq)]
pub struct HookRecord {
    pub id: i64,
    pub unit: String,
    /// `dingtalk` (钉钉 and 浙政钉), `wecom` (企业微信) or `json`.
    pub kind: String,
    pub url: String,
    pub secret: Option<String>,
    pub active: bool,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

impl std::fmt::Debug for HookRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HookRecord")
            .field("id", &self.id)
            .field("unit", &self.unit)
            .field("kind", &self.kind)
            .field("url", &sanzhi_domain::remind::mask_url(&self.url))
            .field("secret", &self.secret.as_ref().map(|_| "***"))
            .field("active", &self.active)
            .finish()
    }
}

/// A closed month's 通报 as the list of them shows it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BulletinMonth {
    /// `YYYY-MM`.
    pub month: String,
    /// Its 文号.
    pub doc_no: String,
    pub closed_at: DateTime<Utc>,
    pub is_demo: bool,
}

impl Store {
    /// The plans' reminder settings (plans without a row use the defaults).
    pub async fn reminder_settings(
        &self,
    ) -> Result<
        std::collections::BTreeMap<String, sanzhi_domain::remind::ReminderSettings>,
        StoreError,
    > {
        dispatch!(self, reminder_settings())
    }

    /// Sets a plan's lead times and 督办 limit, audited.
    pub async fn set_reminder_settings(
        &self,
        plan: &str,
        settings: &sanzhi_domain::remind::ReminderSettings,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        dispatch!(self, set_reminder_settings(plan, settings, actor, now))
    }

    /// The 催办 in `scope`, oldest first, with their answers.
    pub async fn urges(
        &self,
        scope: &UrgeScope,
    ) -> Result<Vec<sanzhi_domain::remind::Urge>, StoreError> {
        dispatch!(self, urges(scope))
    }

    pub async fn urge(&self, id: i64) -> Result<Option<sanzhi_domain::remind::Urge>, StoreError> {
        dispatch!(self, urge(id))
    }

    /// Records a 催办 on an assignment, audited.
    #[allow(clippy::too_many_arguments)]
    pub async fn add_urge(
        &self,
        assignment_id: i64,
        message: &str,
        reply_by: Option<NaiveDate>,
        by: &str,
        by_name: &str,
        now: DateTime<Utc>,
        is_demo: bool,
    ) -> Result<sanzhi_domain::remind::Urge, StoreError> {
        dispatch!(
            self,
            add_urge(assignment_id, message, reply_by, by, by_name, now, is_demo)
        )
    }

    /// Answers a 催办 once (a 说明 and/or a report of its assignment), audited.
    pub async fn answer_urge(
        &self,
        urge_id: i64,
        note: &str,
        report_id: Option<i64>,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<sanzhi_domain::remind::Urge>, StoreError> {
        dispatch!(self, answer_urge(urge_id, note, report_id, by, now))
    }

    pub async fn reminder_day_done(&self, day: NaiveDate) -> Result<bool, StoreError> {
        dispatch!(self, reminder_day_done(day))
    }

    pub async fn last_reminder_day(&self) -> Result<Option<NaiveDate>, StoreError> {
        dispatch!(self, last_reminder_day())
    }

    /// Writes a day's digests and their outbox once: `None` when the day was made already.
    pub async fn write_digests(
        &self,
        day: NaiveDate,
        digests: &[sanzhi_domain::remind::Digest],
        ran_by: &str,
        is_demo: bool,
        now: DateTime<Utc>,
    ) -> Result<Option<DayWritten>, StoreError> {
        dispatch!(self, write_digests(day, digests, ran_by, is_demo, now))
    }

    /// A unit's digests, newest first, read or not by `user_id`.
    pub async fn inbox(
        &self,
        unit: &str,
        user_id: i64,
        limit: i64,
    ) -> Result<Vec<InboxDigest>, StoreError> {
        dispatch!(self, inbox(unit, user_id, limit))
    }

    pub async fn unread(&self, unit: &str, user_id: i64) -> Result<i64, StoreError> {
        dispatch!(self, unread(unit, user_id))
    }

    pub async fn mark_read(
        &self,
        unit: &str,
        user_id: i64,
        digest: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        dispatch!(self, mark_read(unit, user_id, digest, now))
    }

    /// Leases the messages due at `now` (Unix seconds) to the caller for `lease` seconds.
    pub async fn claim_outbox(
        &self,
        now: i64,
        lease: i64,
        limit: i64,
    ) -> Result<Vec<OutboxJob>, StoreError> {
        dispatch!(self, claim_outbox(now, lease, limit))
    }

    pub async fn outbox_sent(&self, id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
        dispatch!(self, outbox_sent(id, now))
    }

    /// A failed attempt: tried again from `next` (Unix seconds), or given up.
    pub async fn outbox_failed(
        &self,
        id: i64,
        error: &str,
        next: Option<i64>,
    ) -> Result<(), StoreError> {
        dispatch!(self, outbox_failed(id, error, next))
    }

    pub async fn outbox_retry(&self, id: i64, now: i64) -> Result<bool, StoreError> {
        dispatch!(self, outbox_retry(id, now))
    }

    pub async fn outbox_list(
        &self,
        status: Option<&str>,
        limit: i64,
    ) -> Result<Vec<OutboxRow>, StoreError> {
        dispatch!(self, outbox_list(status, limit))
    }

    pub async fn unit_hooks(&self) -> Result<Vec<HookRecord>, StoreError> {
        dispatch!(self, unit_hooks())
    }

    /// Adds a robot webhook to a unit (audited without its secret); `None`: no such unit.
    #[allow(clippy::too_many_arguments)]
    pub async fn add_unit_hook(
        &self,
        unit: &str,
        kind: &str,
        url: &str,
        secret: Option<&str>,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<HookRecord>, StoreError> {
        dispatch!(self, add_unit_hook(unit, kind, url, secret, actor, now))
    }

    pub async fn stop_unit_hook(
        &self,
        id: i64,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        dispatch!(self, stop_unit_hook(id, actor, now))
    }

    /// Sets or clears an account's e-mail address, audited; `false`: no such account.
    pub async fn set_email(
        &self,
        username: &str,
        email: Option<&str>,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        dispatch!(self, set_email(username, email, actor, now))
    }

    pub async fn emails(&self) -> Result<std::collections::HashMap<String, String>, StoreError> {
        dispatch!(self, emails())
    }

    /// Closes a month with its 总览 (audited); `Ok(Err(existing))` when closed before.
    pub async fn close_month(
        &self,
        b: &NewBulletin<'_>,
    ) -> Result<Result<BulletinRecord, BulletinRecord>, StoreError> {
        dispatch!(self, close_month(b))
    }

    pub async fn bulletin(&self, month: &str) -> Result<Option<BulletinRecord>, StoreError> {
        dispatch!(self, bulletin(month))
    }

    /// The closed months, newest first.
    pub async fn bulletin_months(&self) -> Result<Vec<BulletinMonth>, StoreError> {
        dispatch!(self, bulletin_months())
    }

    /// Reports and reviews recorded after `after` for days up to `until`, and readings of
    /// `year` up to `month` recorded after it: a closed month's 通报后更正.
    pub async fn entries_after(
        &self,
        until: NaiveDate,
        year: i32,
        month: u32,
        after: DateTime<Utc>,
    ) -> Result<Vec<sanzhi_domain::overview::LateEntry>, StoreError> {
        dispatch!(self, entries_after(until, year, month, after))
    }
}
