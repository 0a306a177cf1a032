//! Tracking: the as-of day, status lists, reports. Server functions and their plain
//! `inner` functions; the pages live in `routes/`.

use crate::error::AppError;
use leptos::prelude::*;
use sanzhi_domain::chrono::NaiveDate;
use sanzhi_domain::{Report, ReportForm, Status, StatusCounts, Tracked};
use serde::{Deserialize, Serialize};

pub use sanzhi_domain::status::DUE_SOON_DAYS;

/// A unit's list: its assignments, most urgent first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitTasks {
    pub unit: String,
    pub as_of: NaiveDate,
    pub demo: bool,
    pub counts: StatusCounts,
    pub rows: Vec<Tracked>,
}

/// One item's assignments with each unit's full report history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemTracking {
    /// The signed-in reporter's unit: the only assignment they may report on.
    pub my_unit: Option<String>,
    /// The signed-in user coordinates this plan and may accept or return done reports.
    pub may_review: bool,
    /// The signed-in user may edit the item's deadlines, units and targets.
    pub may_edit: bool,
    /// A report dated more than this many days before it is made is a 补报 (the server's
    /// `reports.backdate_days`), for the form's note.
    #[serde(default)]
    pub backdate_days: i64,
    pub as_of: NaiveDate,
    pub demo: bool,
    pub rows: Vec<(Tracked, Vec<Report>)>,
    /// The evidence files of the reports shown (no bytes: each is a download link).
    #[serde(default)]
    pub files: Vec<sanzhi_domain::EvidenceFile>,
}

/// Status counts of a plan, per item number and in total.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanStatus {
    pub as_of: NaiveDate,
    pub demo: bool,
    pub total: StatusCounts,
    pub by_item: Vec<ItemStatus>,
}

/// The filters of a plan's list — the plan page and its Excel export — from a query string:
/// 行动, 单位, 状态 (one or several), and a range of due dates.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlanFilter {
    pub action: Option<i32>,
    pub unit: Option<String>,
    /// One status, or several (`done,done_late` from a count of 总览): any of them.
    pub status: Vec<Status>,
    pub due_from: Option<NaiveDate>,
    pub due_to: Option<NaiveDate>,
}

impl PlanFilter {
    /// Reads `action`, `unit`, `status` (comma-separated), `due_from`, `due_to`; what does
    /// not read is left out.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> PlanFilter {
        let get = |k: &str| get(k).filter(|s| !s.trim().is_empty());
        let day = |s: String| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
        PlanFilter {
            action: get("action").and_then(|s| s.trim().parse().ok()),
            unit: get("unit").map(|s| s.trim().to_owned()),
            status: get("status")
                .map(|s| {
                    s.split(',')
                        .filter_map(|x| Status::parse(x.trim()))
                        .collect()
                })
                .unwrap_or_default(),
            due_from: get("due_from").and_then(day),
            due_to: get("due_to").and_then(day),
        }
    }

    /// `&unit=…&status=…` for a link carrying these filters (empty when there are none).
    pub fn query(&self) -> String {
        let mut q = String::new();
        if let Some(a) = self.action {
            q.push_str(&format!("&action={a}"));
        }
        if let Some(u) = &self.unit {
            q.push_str(&format!("&unit={}", crate::url::query_value(u)));
        }
        if !self.status.is_empty() {
            let s: Vec<&str> = self.status.iter().map(|s| s.as_str()).collect();
            q.push_str(&format!("&status={}", s.join(",")));
        }
        if let Some(d) = self.due_from {
            q.push_str(&format!("&due_from={d}"));
        }
        if let Some(d) = self.due_to {
            q.push_str(&format!("&due_to={d}"));
        }
        q
    }

    pub fn is_empty(&self) -> bool {
        *self == PlanFilter::default()
    }

    /// Whether the item is listed. The unit and the status combine on the same assignment:
    /// 柯城区政府 + 逾期 lists the items where 柯城's own assignment is overdue (a lead unit,
    /// which answers for the whole item, matches any of its assignments).
    pub fn matches(
        &self,
        action: i32,
        item: &sanzhi_domain::ItemSummary,
        st: Option<&ItemStatus>,
    ) -> bool {
        if !self.item_matches(action, item) {
            return false;
        }
        if !self.status.is_empty() {
            let wanted = |s: &Status| self.status.contains(s);
            let hit = match (st, &self.unit) {
                (None, _) => false,
                (Some(st), Some(u)) if st.units.iter().any(|(x, _)| x == u) => {
                    st.units.iter().any(|(x, y)| x == u && wanted(y))
                }
                (Some(st), _) => self.status.iter().any(|s| st.counts.get(*s) > 0),
            };
            if !hit {
                return false;
            }
        }
        true
    }

    /// Whether one row of the export — the item with one of its assignments (`unit` and its
    /// `status`), or with none — is listed: the same rules, row by row. A unit that leads the
    /// item keeps every row of it; a unit filter keeps only that unit's row otherwise.
    pub fn matches_row(
        &self,
        action: i32,
        item: &sanzhi_domain::ItemSummary,
        unit: Option<&str>,
        status: Option<Status>,
    ) -> bool {
        if !self.item_matches(action, item) {
            return false;
        }
        if let Some(u) = &self.unit {
            let leads = item.leads.iter().any(|x| x == u);
            if !leads && unit != Some(u.as_str()) {
                return false;
            }
        }
        self.status.is_empty() || status.is_some_and(|s| self.status.contains(&s))
    }

    /// The action, the unit among the item's units and leads, and the due range.
    fn item_matches(&self, action: i32, item: &sanzhi_domain::ItemSummary) -> bool {
        if self.action.is_some_and(|a| a != action) {
            return false;
        }
        if let Some(u) = &self.unit {
            if !item.units.iter().chain(&item.leads).any(|x| x == u) {
                return false;
            }
        }
        if self.due_from.is_some() || self.due_to.is_some() {
            return item
                .milestones
                .iter()
                .filter_map(|m| m.deadline.due_date())
                .any(|d| {
                    self.due_from.is_none_or(|f| d >= f) && self.due_to.is_none_or(|t| d <= t)
                });
        }
        true
    }

    /// “单位：柯城区政府 · 状态：逾期” for the export's note; empty without filters.
    pub fn describe_zh(&self) -> String {
        let mut parts = Vec::new();
        if let Some(a) = self.action {
            parts.push(format!("行动：（{}）", sanzhi_domain::chinese_number(a)));
        }
        if let Some(u) = &self.unit {
            parts.push(format!("单位：{u}"));
        }
        if !self.status.is_empty() {
            let s: Vec<&str> = self.status.iter().map(|s| s.label_zh()).collect();
            parts.push(format!("状态：{}", s.join("、")));
        }
        match (self.due_from, self.due_to) {
            (None, None) => {}
            (f, t) => parts.push(format!(
                "时限：{} 至 {}",
                f.map_or("—".to_owned(), |d| d.to_string()),
                t.map_or("—".to_owned(), |d| d.to_string())
            )),
        }
        parts.join(" · ")
    }
}

/// One item's statuses on the plan page: the counts over its assignments, and each
/// responsible unit's own status, so that filters combine on the same assignment and a card
/// can name the units that are late.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ItemStatus {
    pub number: i32,
    pub counts: StatusCounts,
    /// (unit, its assignment's status), in the item's order of units.
    pub units: Vec<(String, Status)>,
}

impl ItemStatus {
    /// The units whose assignment has `status`.
    pub fn units_with(&self, status: Status) -> Vec<&str> {
        self.units
            .iter()
            .filter(|(_, s)| *s == status)
            .map(|(u, _)| u.as_str())
            .collect()
    }
}

/// One dated milestone of one item on the timeline, with its assignments' statuses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub due: NaiveDate,
    pub plan_code: String,
    pub plan_short_name: String,
    pub item_number: i32,
    pub phrase: String,
    pub counts: StatusCounts,
}

/// The dated milestones of every plan, by month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Timeline {
    pub as_of: NaiveDate,
    pub demo: bool,
    /// ("2018-06", entries), in month order; months without milestones are left out.
    pub months: Vec<(String, Vec<TimelineEntry>)>,
}

#[server(prefix = "/api", endpoint = "timeline")]
pub async fn get_timeline(as_of: Option<String>) -> Result<Timeline, AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::Read).await?;
    inner::timeline(&c.store, as_of.as_deref(), crate::api::today()).await
}

/// Units for the unit chooser: (name, kind label).
#[server(prefix = "/api", endpoint = "units")]
pub async fn list_units() -> Result<Vec<(String, String)>, AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::Read).await?;
    inner::list_units(&c.store).await
}

#[server(prefix = "/api", endpoint = "unit_tasks")]
pub async fn get_unit_tasks(unit: String, as_of: Option<String>) -> Result<UnitTasks, AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::Read).await?;
    let mirror = c.caches.as_ref().map(|caches| &caches.statuses);
    inner::unit_tasks(
        &c.store,
        mirror,
        &unit,
        as_of.as_deref(),
        crate::api::today(),
    )
    .await
}

#[server(prefix = "/api", endpoint = "item_tracking")]
pub async fn get_item_tracking(
    code: String,
    number: i32,
    as_of: Option<String>,
) -> Result<ItemTracking, AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::Read).await?;
    let plan = crate::api::inner::visible_plan(&c.store, Some(&c.user), &code).await?;
    inner::item_tracking_for(&c, &plan, number, as_of.as_deref()).await
}

/// Everything the item page shows, read in one call: the item, each unit's reports, the audit
/// entries and the 催办 — the caller checked once, the plan's visibility once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemPage {
    pub detail: sanzhi_domain::ItemDetail,
    pub tracking: ItemTracking,
    pub audit: Vec<sanzhi_domain::AuditEntry>,
    pub urges: crate::remind::UrgeList,
}

#[server(prefix = "/api", endpoint = "item_page")]
pub async fn get_item_page(
    code: String,
    number: i32,
    as_of: Option<String>,
) -> Result<ItemPage, AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::Read).await?;
    let plan = crate::api::inner::visible_plan(&c.store, Some(&c.user), &code).await?;
    let detail = crate::api::inner::get_item(&c.store, &code, number).await?;
    let tracking = inner::item_tracking_for(&c, &plan, number, as_of.as_deref()).await?;
    let audit = crate::audit::inner::item_entries(&c.store, &code, number).await?;
    let urges =
        crate::remind::inner::urges_for(&c, Some(&plan), Some(number), None, as_of.as_deref())
            .await?;
    Ok(ItemPage {
        detail,
        tracking,
        audit,
        urges,
    })
}

#[server(prefix = "/api", endpoint = "plan_status")]
pub async fn get_plan_status(code: String, as_of: Option<String>) -> Result<PlanStatus, AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::Read).await?;
    crate::api::inner::visible_plan(&c.store, Some(&c.user), &code).await?;
    inner::plan_status(&c.store, &code, as_of.as_deref(), crate::api::today()).await
}

/// Appends a progress report. A report made on a version the writer had not seen is refused
/// with [`AppError::Conflict`] carrying the newer report.
#[server(prefix = "/api", endpoint = "report")]
pub async fn submit_report(form: ReportForm) -> Result<Report, AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::Read).await?;
    // The assignment read once: who may report on it, and its milestones.
    let facts = c
        .store
        .assignment_facts(form.assignment_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("分工 {}", form.assignment_id)))?;
    // Only a reporter of the assignment's own unit; the reporter's name is the signed-in user.
    c.may(&sanzhi_domain::Action::Report {
        plan: &facts.plan,
        unit: &facts.unit,
    })?;
    let form = ReportForm {
        reporter: crate::auth::signature(&c.user),
        ..form
    };
    inner::submit_report(
        &c.store,
        form,
        facts.milestones,
        crate::api::now(),
        c.backdate_days,
    )
    .await
}

#[cfg(feature = "ssr")]
pub mod inner;
