//! Review (签收/销号): the plan's coordinator accepts a unit's completion report or returns it
//! with a reason. An item counts as done only once accepted (see `Report::fact`).

use crate::error::AppError;
use leptos::prelude::*;
use sanzhi_domain::{PendingReview, Review};
use serde::{Deserialize, Serialize};

/// The completion reports waiting for review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewQueue {
    /// The plan shown (`water`, `air`, `soil`), or every plan.
    pub plan: Option<String>,
    /// The plans the signed-in user may review.
    pub may_review: Vec<String>,
    pub rows: Vec<PendingReview>,
}

/// Accepts (`accepted`) or returns (`returned`, with a reason) a done report. Only the
/// coordinator of the report's plan; a report already reviewed is a conflict naming the first
/// decision.
#[server(prefix = "/api", endpoint = "review")]
pub async fn review_report(
    report_id: i64,
    decision: String,
    reason: String,
) -> Result<Review, AppError> {
    let store = crate::api::store()?;
    let (plan, _, _) = store
        .report_owner(report_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("报告 #{report_id}")))?;
    let user = crate::auth::require(sanzhi_domain::Action::Review { plan: &plan }).await?;
    inner::review_report(
        &store,
        report_id,
        &decision,
        &reason,
        &crate::auth::signature(&user),
        crate::api::today(),
        crate::api::now(),
    )
    .await
}

/// The queue: a coordinator's own plan by default, or the plan asked for (`all` for every
/// plan). Anyone signed in may read it.
#[server(prefix = "/api", endpoint = "review_queue")]
pub async fn get_review_queue(plan: Option<String>) -> Result<ReviewQueue, AppError> {
    let user = crate::auth::require(sanzhi_domain::Action::Read).await?;
    let may_review: Vec<String> = ["water", "air", "soil"]
        .into_iter()
        .filter(|p| {
            sanzhi_domain::authorize(Some(&user), &sanzhi_domain::Action::Review { plan: p })
                .is_ok()
        })
        .map(str::to_owned)
        .collect();
    let plan = match plan.as_deref().map(str::trim) {
        Some("all") => None,
        Some(p) if !p.is_empty() => {
            if !["water", "air", "soil"].contains(&p) {
                return Err(AppError::BadRequest(format!("plan：没有方案“{p}”")));
            }
            Some(p.to_owned())
        }
        _ => user.plan.clone(),
    };
    let rows = crate::api::store()?
        .pending_reviews(plan.as_deref())
        .await?;
    Ok(ReviewQueue {
        plan,
        may_review,
        rows,
    })
}

#[cfg(feature = "ssr")]
pub mod inner {
    use super::*;
    use sanzhi_domain::chrono::{DateTime, NaiveDate, Utc};
    use sanzhi_domain::NewReview;
    use sanzhi_store::Store;

    pub async fn review_report(
        store: &Store,
        report_id: i64,
        decision: &str,
        reason: &str,
        reviewer: &str,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Review, AppError> {
        let review = NewReview::parse(report_id, decision, reason, reviewer, today)
            .map_err(|e| AppError::BadRequest(e.to_string()))?;
        match store.add_review(&review, now).await {
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
