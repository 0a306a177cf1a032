//! Review (签收/销号): the plan's coordinator accepts a unit's completion report or returns it
//! with a reason. An item counts as done only once accepted (see `Report::fact`).

use crate::error::AppError;
use leptos::prelude::*;
use sanzhi_domain::{PendingReview, Review};
use serde::{Deserialize, Serialize};

/// The completion reports waiting for review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewQueue {
    /// The plan shown (a stored plan's code), or every plan.
    pub plan: Option<String>,
    /// Every plan the caller sees (the filter's choices and the plans' names).
    pub plans: Vec<sanzhi_domain::PlanSummary>,
    /// The plans the signed-in user may review.
    pub may_review: Vec<String>,
    pub rows: Vec<PendingReview>,
}

/// Accepts (`accepted`) or returns (`returned`, with a reason) a done report. Only the
/// coordinator of the report's plan; a report already reviewed is a conflict naming the first
/// decision. Accepting a 补报, `accept_claimed_day` counts it as done on the day it claims
/// (otherwise it counts from the day it was recorded); the choice is on the audit trail.
#[server(prefix = "/api", endpoint = "review")]
pub async fn review_report(
    report_id: i64,
    decision: String,
    reason: String,
    #[server(default)] accept_claimed_day: Option<bool>,
) -> Result<Review, AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::Read).await?;
    let sanzhi_store::ReportOwner { plan, .. } = c
        .store
        .report_owner(report_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("报告 #{report_id}")))?;
    c.may(&sanzhi_domain::Action::Review { plan: &plan })?;
    let review = sanzhi_domain::NewReview::parse(
        report_id,
        &decision,
        &reason,
        &crate::auth::signature(&c.user),
        crate::api::today(),
        accept_claimed_day.unwrap_or(false),
    )
    .map_err(|e| AppError::BadRequest(e.to_string()))?;
    inner::review_report(&c.store, &review, crate::api::now()).await
}

/// Most reports one bulk 签收 may take.
pub const MAX_BULK: usize = 200;

/// Accepts several done reports at once — ticked in the queue, confirmed, and sent once the
/// undo window has passed — all or none. Every report's plan is checked against the caller
/// (only its coordinator); a report already decided refuses the batch, naming it. A 补报
/// accepted this way counts as done from the day it was filed (the claimed day is chosen one
/// report at a time).
#[server(prefix = "/api", endpoint = "review_bulk")]
pub async fn review_bulk(#[server(default)] report_ids: Vec<i64>) -> Result<Vec<Review>, AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::Read).await?;
    let mut ids = report_ids;
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Err(AppError::BadRequest("report_ids：没有选择报告".to_owned()));
    }
    if ids.len() > MAX_BULK {
        return Err(AppError::BadRequest(format!(
            "report_ids：一次最多签收 {MAX_BULK} 份报告"
        )));
    }
    let signature = crate::auth::signature(&c.user);
    let today = crate::api::today();
    let mut reviews = Vec::with_capacity(ids.len());
    for id in ids {
        let sanzhi_store::ReportOwner { plan, .. } = c
            .store
            .report_owner(id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("报告 #{id}")))?;
        c.may(&sanzhi_domain::Action::Review { plan: &plan })?;
        reviews.push(
            sanzhi_domain::NewReview::parse(id, "accepted", "", &signature, today, false)
                .map_err(|e| AppError::BadRequest(e.to_string()))?,
        );
    }
    match c.store.add_reviews(&reviews, crate::api::now()).await {
        Ok(made) => Ok(made),
        Err(sanzhi_store::StoreError::Invalid(msg)) => Err(AppError::BadRequest(msg)),
        Err(sanzhi_store::StoreError::NotFound(what)) => Err(AppError::NotFound(what)),
        Err(e) => Err(e.into()),
    }
}

/// The queue: a coordinator's own plan by default, or the plan asked for (`all` for every
/// plan). Anyone signed in may read it.
#[server(prefix = "/api", endpoint = "review_queue")]
pub async fn get_review_queue(plan: Option<String>) -> Result<ReviewQueue, AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::Read).await?;
    let user = c.user;
    let plans = crate::api::inner::list_plans_for(&c.store, Some(&user)).await?;
    let may_review: Vec<String> = plans
        .iter()
        .map(|p| p.code.as_str())
        .filter(|p| {
            sanzhi_domain::authorize(Some(&user), &sanzhi_domain::Action::Review { plan: p })
                .is_ok()
        })
        .map(str::to_owned)
        .collect();
    let plan = match plan.as_deref().map(str::trim) {
        Some("all") => None,
        Some(p) if !p.is_empty() => {
            if !plans.iter().any(|s| s.code.as_str() == p) {
                return Err(AppError::BadRequest(format!("plan：没有方案“{p}”")));
            }
            Some(p.to_owned())
        }
        _ => user.plan.clone(),
    };
    let rows = c.store.pending_reviews(plan.as_deref()).await?;
    let mut rows = rows;
    // A draft's reports only for those who see the draft.
    rows.retain(|r| plans.iter().any(|p| p.code.as_str() == r.plan_code));
    Ok(ReviewQueue {
        plan,
        plans,
        may_review,
        rows,
    })
}

#[cfg(feature = "ssr")]
pub mod inner {
    use super::*;
    use sanzhi_domain::chrono::{DateTime, Utc};
    use sanzhi_domain::NewReview;
    use sanzhi_store::Store;

    /// Records a checked review (see [`NewReview::parse`]) made at `now`.
    pub async fn review_report(
        store: &Store,
        review: &NewReview,
        now: DateTime<Utc>,
    ) -> Result<Review, AppError> {
        match store.add_review(review, now).await {
            Ok(Ok(stored)) => Ok(stored),
            Ok(Err(first)) => Err(AppError::Conflict {
                message: format!(
                    "该报告已由{}于 {} {}，未作更改。",
                    first.reviewer,
                    first.reviewed_on,
                    first.decision.label_zh().trim_start_matches('已')
                ),
                newest: None,
            }),
            Err(sanzhi_store::StoreError::Invalid(msg)) => Err(AppError::BadRequest(msg)),
            Err(sanzhi_store::StoreError::NotFound(what)) => Err(AppError::NotFound(what)),
            Err(e) => Err(e.into()),
        }
    }
}
