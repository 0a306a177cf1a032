//! Reminders in the app (issue 22): the unit's 消息 inbox and its unread count, 催办 and their
//! answers, a plan's lead times, units' robot webhooks and the outbox's record. Every server
//! function checks its caller itself ([`sanzhi_domain::authorize`]).
//!
//! Files: `delivery.rs` (settings, webhooks, e-mail, the outbox); this file has the inbox and
//! 催办.

use crate::error::AppError;
use leptos::prelude::*;
use sanzhi_domain::chrono::NaiveDate;
use sanzhi_domain::remind::{Digest, ReminderSettings, Urge};
use serde::{Deserialize, Serialize};

mod delivery;
#[cfg(test)]
mod tests;

pub use delivery::*;

/// A digest as the inbox shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboxEntry {
    pub id: i64,
    pub read: bool,
    pub is_demo: bool,
    pub title: String,
    pub digest: Digest,
}

/// A unit's inbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inbox {
    /// The unit shown; `None` for an account bound to no unit that asked for none.
    pub unit: Option<String>,
    /// The signed-in account belongs to this unit (it may mark read and answer).
    pub own: bool,
    pub unread: i64,
    pub entries: Vec<InboxEntry>,
    /// The units a coordinator or admin may look into.
    pub units: Vec<String>,
}

/// An assignment's 催办 with whether the caller may press it again or answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UrgeList {
    pub urges: Vec<Urge>,
    /// Assignments (id, unit, may be pressed now) the caller may 催办.
    pub may_urge: Vec<(i64, String, bool)>,
    /// The caller may answer 催办 of this unit.
    pub answer_unit: Option<String>,
    /// 督办 limit of the plan.
    pub urge_limit: u32,
    /// The day read for.
    pub as_of: NaiveDate,
    /// Reports the caller's unit may name in answer to its open 催办: those of the urged
    /// assignment recorded from the day of the 催办 to the day read for.
    #[serde(default)]
    pub answer_reports: Vec<ReportChoice>,
}

/// A report a unit may attach to its answer to a 催办.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportChoice {
    pub urge_id: i64,
    pub report_id: i64,
    pub reported_on: NaiveDate,
    pub version: i32,
    pub state: sanzhi_domain::ReportState,
    /// The report's text, cut to its first 30 characters.
    pub narrative: String,
}

/// The unread digests of the signed-in account's unit (0 for an account without a unit).
#[server(prefix = "/api", endpoint = "unread")]
pub async fn unread_count() -> Result<i64, AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::Read).await?;
    match c.user.unit.as_deref() {
        Some(unit) => Ok(c.store.unread(unit, c.user.id).await?),
        None => Ok(0),
    }
}

/// A unit's inbox: the caller's own unit, or (coordinators and admins) the unit asked for.
#[server(prefix = "/api", endpoint = "inbox")]
pub async fn get_inbox(unit: Option<String>) -> Result<Inbox, AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::Read).await?;
    let asked = unit.map(|u| u.trim().to_owned()).filter(|u| !u.is_empty());
    let unit = asked.or_else(|| c.user.unit.clone());
    let units: Vec<String> = if c.user.unit.is_none() {
        c.store.units().await?.into_iter().map(|u| u.name).collect()
    } else {
        Vec::new()
    };
    let Some(unit) = unit else {
        // No unit of one's own and none asked for: nothing to show (coordinators and admins
        // are offered the units they may look into).
        let units = if c
            .may(&sanzhi_domain::Action::ReadInbox { unit: "" })
            .is_ok()
        {
            units
        } else {
            Vec::new()
        };
        return Ok(Inbox {
            unit: None,
            own: false,
            unread: 0,
            entries: Vec::new(),
            units,
        });
    };
    c.may(&sanzhi_domain::Action::ReadInbox { unit: &unit })?;
    if !units.is_empty() && !units.contains(&unit) {
        return Err(AppError::NotFound(format!("单位“{unit}”")));
    }
    let own = c.user.unit.as_deref() == Some(unit.as_str());
    let entries = c
        .store
        .inbox(&unit, c.user.id, 60)
        .await?
        .into_iter()
        .map(|d| InboxEntry {
            id: d.id,
            read: d.read || !own,
            is_demo: d.is_demo,
            title: d.title,
            digest: d.digest,
        })
        .collect();
    let unread = if own {
        c.store.unread(&unit, c.user.id).await?
    } else {
        0
    };
    Ok(Inbox {
        unit: Some(unit),
        own,
        unread,
        entries,
        units,
    })
}

/// Marks the caller's unit's digests read (all, or one).
#[server(prefix = "/api", endpoint = "inbox_read")]
pub async fn mark_inbox_read(#[server(default)] digest: Option<i64>) -> Result<u64, AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::Read).await?;
    let unit = c
        .user
        .unit
        .clone()
        .ok_or_else(|| AppError::BadRequest("您的账号未绑定单位，没有本单位的消息".into()))?;
    c.may(&sanzhi_domain::Action::ReadInbox { unit: &unit })?;
    Ok(c.store
        .mark_read(&unit, c.user.id, digest, crate::api::now())
        .await?)
}

/// 催办: the plan's coordinator (or an admin) presses an assignment that is late or at risk
/// today, with a message and optionally a day by which a reply is expected.
#[server(prefix = "/api", endpoint = "urge")]
pub async fn urge_assignment(
    assignment_id: i64,
    message: String,
    #[server(default)] reply_by: Option<String>,
) -> Result<Urge, AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::Read).await?;
    let sanzhi_store::AssignmentOwner { plan, unit } = c
        .store
        .assignment_owner(assignment_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("分工 {assignment_id}")))?;
    c.may(&sanzhi_domain::Action::Urge { plan: &plan })?;
    let today = crate::api::today();
    let (message, reply_by) =
        sanzhi_domain::remind::check_urge(&message, reply_by.as_deref(), today)
            .map_err(|e| AppError::BadRequest(e.to_string()))?;
    let tracked = c
        .store
        .tracked(
            &sanzhi_store::TrackScope {
                plan: Some(plan.clone()),
                unit: Some(unit.clone()),
                item: None,
            },
            today,
            sanzhi_domain::status::DUE_SOON_DAYS,
        )
        .await?;
    let t = tracked
        .iter()
        .find(|t| t.assignment_id == assignment_id)
        .ok_or_else(|| AppError::NotFound(format!("分工 {assignment_id}")))?;
    if !sanzhi_domain::remind::may_urge(t) {
        return Err(AppError::BadRequest(format!(
            "assignment_id：{unit}在 ({}) 上的分工今天{}，不需要催办（只催办逾期、即将到期或被退回待答复的分工）",
            t.item_number,
            t.assessment.status.label_zh()
        )));
    }
    Ok(c.store
        .add_urge(
            assignment_id,
            &message,
            reply_by,
            &c.user.username,
            &c.user.display_name,
            crate::api::now(),
            false,
        )
        .await?)
}

/// The unit answers a 催办 with a written 说明 (and, optionally, names the progress report
/// it filed for it).
#[server(prefix = "/api", endpoint = "urge_answer")]
pub async fn answer_urge(
    urge_id: i64,
    note: String,
    #[server(default)] report_id: Option<String>,
) -> Result<Urge, AppError> {
    // The form's "no report" sends an empty value.
    let report_id = match report_id.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(r) => Some(
            r.parse::<i64>()
                .map_err(|_| AppError::BadRequest(format!("report_id：“{r}”不是报告编号")))?,
        ),
    };
    let c = crate::auth::require(sanzhi_domain::Action::Read).await?;
    let urge = c
        .store
        .urge(urge_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("催办 {urge_id}")))?;
    c.may(&sanzhi_domain::Action::AnswerUrge { unit: &urge.unit })?;
    let note = sanzhi_domain::remind::check_answer(&note)
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
    match c
        .store
        .answer_urge(
            urge_id,
            &note,
            report_id,
            &crate::auth::signature(&c.user),
            crate::api::now(),
        )
        .await
    {
        Ok(Some(u)) => Ok(u),
        Ok(None) => Err(AppError::NotFound(format!("催办 {urge_id}"))),
        Err(sanzhi_store::StoreError::Invalid(msg)) => Err(AppError::BadRequest(msg)),
        Err(e) => Err(e.into()),
    }
}

/// The 催办 of an item (its page), or of a unit (我的任务), with what the caller may do.
#[server(prefix = "/api", endpoint = "urges")]
pub async fn get_urges(
    #[server(default)] plan: Option<String>,
    #[server(default)] item: Option<i32>,
    #[server(default)] unit: Option<String>,
    #[server(default)] as_of: Option<String>,
) -> Result<UrgeList, AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::Read).await?;
    // A plan named must be one the caller sees (a draft is 404 to a unit).
    let plan = match plan.as_deref() {
        Some(code) => Some(crate::api::inner::visible_plan(&c.store, Some(&c.user), code).await?),
        None => None,
    };
    inner::urges_for(&c, plan.as_ref(), item, unit, as_of.as_deref()).await
}

#[cfg(feature = "ssr")]
pub mod inner {
    use super::*;

    /// The 催办 `c` may read: of one item of `plan` (already checked visible), or of a unit,
    /// or all; those of drafts the caller may not see are left out.
    pub async fn urges_for(
        c: &crate::auth::Checked,
        plan_summary: Option<&sanzhi_domain::PlanSummary>,
        item: Option<i32>,
        unit: Option<String>,
        as_of: Option<&str>,
    ) -> Result<UrgeList, AppError> {
        let plan: Option<String> = plan_summary.map(|p| p.code.as_str().to_owned());
        // Drafts the caller may not see: their 催办 are not listed.
        let drafts: Vec<String> = if plan_summary.is_some() {
            Vec::new()
        } else {
            c.store
                .list_plans()
                .await?
                .into_iter()
                .filter(|p| !sanzhi_domain::may_see_plan(Some(&c.user), p.code.as_str(), p.status))
                .map(|p| p.code.as_str().to_owned())
                .collect()
        };
        let (as_of, _) =
            crate::tracking::inner::resolve_as_of(&c.store, as_of, crate::api::today()).await?;
        let scope = sanzhi_store::UrgeScope {
            unit: unit.clone(),
            plan: plan.clone(),
            item,
            assignment: None,
        };
        // A replay shows the 催办 made by its day, and answers given by then.
        let urges: Vec<Urge> = c
            .store
            .urges(&scope)
            .await?
            .into_iter()
            .filter(|u| u.on() <= as_of)
            .filter(|u| !drafts.contains(&u.plan_code))
            .map(|mut u| {
                if !u.answered_by(as_of) {
                    u.answer = None;
                }
                u
            })
            .collect();
        let settings = c.store.reminder_settings().await?;
        let urge_limit = plan
            .as_deref()
            .and_then(|p| settings.get(p))
            .map_or(sanzhi_domain::remind::DEFAULT_URGE_LIMIT, |s| s.urge_limit);
        let mut may_urge = Vec::new();
        if let (Some(plan), Some(item)) = (plan.as_deref(), item) {
            if c.allowed(&sanzhi_domain::Action::Urge { plan }) {
                let tracked = c
                    .store
                    .tracked(
                        &sanzhi_store::TrackScope {
                            plan: Some(plan.to_owned()),
                            unit: None,
                            item: Some(item),
                        },
                        crate::api::today(),
                        sanzhi_domain::status::DUE_SOON_DAYS,
                    )
                    .await?;
                may_urge = tracked
                    .iter()
                    .map(|t| {
                        (
                            t.assignment_id,
                            t.unit.clone(),
                            sanzhi_domain::remind::may_urge(t),
                        )
                    })
                    .collect();
            }
        }
        let answer_unit = c.user.unit.clone().filter(|u| {
            sanzhi_domain::authorize(
                Some(&c.user),
                &sanzhi_domain::Action::AnswerUrge { unit: u },
            )
            .is_ok()
        });
        // The unit's own reports it may attach to an open 催办 (read only for the unit's accounts,
        // and only for assignments with one open).
        let mut answer_reports = Vec::new();
        if let Some(unit) = answer_unit.as_deref() {
            let open: Vec<&Urge> = urges
                .iter()
                .filter(|u| u.answer.is_none() && u.unit == unit)
                .collect();
            let mut ids: Vec<i64> = open.iter().map(|u| u.assignment_id).collect();
            ids.sort_unstable();
            ids.dedup();
            let read = c.store.reports_of_assignments(&ids).await?;
            for u in open {
                let reports = read.get(&u.assignment_id).map_or(&[][..], Vec::as_slice);
                answer_reports.extend(
                    reports
                        .iter()
                        .filter(|r| r.recorded_on() >= u.on() && r.recorded_on() <= as_of)
                        .rev()
                        .map(|r| ReportChoice {
                            urge_id: u.id,
                            report_id: r.id,
                            reported_on: r.reported_on,
                            version: r.version,
                            state: r.state,
                            narrative: sanzhi_domain::remind::short(&r.narrative, 30),
                        }),
                );
            }
        }
        Ok(UrgeList {
            urges,
            may_urge,
            answer_unit,
            urge_limit,
            as_of,
            answer_reports,
        })
    }
}
