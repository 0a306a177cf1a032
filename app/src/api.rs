//! Server functions: thin wrappers that take the store from context, check the caller and
//! delegate to plain `*_inner` functions that tests call directly with their own store.
//!
//! Access: everything here is read-only plan information that every signed-in role may
//! read (leader, coordinator, unit reporter, admin); each function checks its caller itself
//! (`crate::auth::require`), whatever the gate in front did. The plan list and a plan's goals
//! are also shown on 总览, so they follow its rule (`crate::auth::require_overview`).

use crate::error::AppError;
use leptos::prelude::*;
use sanzhi_domain::{ItemDetail, PlanDetail, PlanSummary, PlanTree};

/// Today, in China Standard Time (UTC+8), the day the plans' deadlines are counted in.
#[cfg(feature = "ssr")]
pub fn today() -> sanzhi_domain::chrono::NaiveDate {
    sanzhi_domain::report::china_day(now())
}

#[cfg(feature = "ssr")]
pub(crate) fn now() -> sanzhi_domain::chrono::DateTime<sanzhi_domain::chrono::Utc> {
    sanzhi_domain::chrono::Utc::now()
}

/// Every plan the caller sees (a draft only its coordinators and admins), with its size and
/// lifecycle, in seed order.
#[server(prefix = "/api", endpoint = "plans")]
pub async fn list_plans() -> Result<Vec<PlanSummary>, AppError> {
    let (user, state) = crate::auth::require_overview().await?;
    inner::list_plans_for(&state.store, user.as_ref()).await
}

/// The plans in the navigation: the active ones, (code, names), in seed order. More than
/// [`NAV_PLANS_MAX`] are shown as one link to `/plans`, which lists them all.
#[server(prefix = "/api", endpoint = "nav_plans")]
pub async fn nav_plans() -> Result<Vec<(String, sanzhi_domain::PlanLabel)>, AppError> {
    let (_, state) = crate::auth::require_overview().await?;
    Ok(state
        .store
        .list_plans()
        .await?
        .into_iter()
        .filter(|p| p.status == sanzhi_domain::PlanStatus::Active)
        .map(|p| (p.code.as_str().to_owned(), p.label()))
        .collect())
}

/// The most plans the navigation names one by one.
pub const NAV_PLANS_MAX: usize = 5;

/// One plan with the goal paragraphs of its main text.
#[server(prefix = "/api", endpoint = "plan")]
pub async fn get_plan(code: String) -> Result<PlanDetail, AppError> {
    let (user, state) = crate::auth::require_overview().await?;
    let plan = inner::get_plan(&state.store, &code).await?;
    inner::visible(user.as_ref(), &plan.summary)?;
    Ok(plan)
}

/// A plan with its actions, tasks and work items.
#[server(prefix = "/api", endpoint = "plan_tree")]
pub async fn get_plan_tree(code: String) -> Result<PlanTree, AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::Read).await?;
    let tree = inner::get_plan_tree(&c.store, &code).await?;
    inner::visible(Some(&c.user), &tree.plan.summary)?;
    Ok(tree)
}

/// One work item in full.
#[server(prefix = "/api", endpoint = "item")]
pub async fn get_item(code: String, number: i32) -> Result<ItemDetail, AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::Read).await?;
    let item = inner::get_item(&c.store, &code, number).await?;
    inner::visible(Some(&c.user), &item.plan)?;
    Ok(item)
}

/// An admin moves a plan through its lifecycle: `draft` (imported, not yet visible to units),
/// `active` (run day to day), `closed` (period over: read-only, out of the daily views, kept
/// for history, the timeline and exports). Audited.
#[server(prefix = "/api", endpoint = "plan_lifecycle")]
pub async fn set_plan_status(code: String, status: String) -> Result<PlanSummary, AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::ManagePlans).await?;
    let code = sanzhi_domain::PlanCode::parse(code.trim())
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
    let status = sanzhi_domain::PlanStatus::parse(&status)
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
    c.store
        .set_plan_status(&code, status, &crate::auth::signature(&c.user), now())
        .await?
        .ok_or_else(|| AppError::NotFound(format!("方案“{code}”")))?;
    c.store
        .list_plans()
        .await?
        .into_iter()
        .find(|p| p.code == code)
        .ok_or_else(|| AppError::NotFound(format!("方案“{code}”")))
}

/// Lines `from..=to` of a plan's source document (`seed/source/…`) with their context, to
/// read a record's own words in the gazette.
#[server(prefix = "/api", endpoint = "source_text")]
pub async fn source_text(
    document: String,
    from: i32,
    to: i32,
) -> Result<sanzhi_domain::SourceWindow, AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::Read).await?;
    if document.len() > 200 || to < from || to - from > 200 {
        return Err(AppError::BadRequest(
            "from/to：行号范围无效（至多 200 行）".to_owned(),
        ));
    }
    c.store
        .source_window(&document, from, to, SOURCE_CONTEXT_LINES)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("原文 {document} 第 {from}–{to} 行")))
}

/// Lines shown before and after the lines a source link names.
pub const SOURCE_CONTEXT_LINES: i32 = 12;

#[cfg(feature = "ssr")]
pub mod inner {
    //! The logic behind the server functions, callable without a request.

    use super::*;
    use sanzhi_domain::PlanCode;
    use sanzhi_store::Store;

    pub async fn list_plans(store: &Store) -> Result<Vec<PlanSummary>, AppError> {
        Ok(store.list_plans().await?)
    }

    /// The plans `user` sees (see [`sanzhi_domain::may_see_plan`]).
    pub async fn list_plans_for(
        store: &Store,
        user: Option<&sanzhi_domain::User>,
    ) -> Result<Vec<PlanSummary>, AppError> {
        let mut plans = store.list_plans().await?;
        plans.retain(|p| sanzhi_domain::may_see_plan(user, p.code.as_str(), p.status));
        Ok(plans)
    }

    /// The plan `code` for a reader: “not found” when there is none or it is a draft the
    /// reader may not see.
    pub async fn visible_plan(
        store: &Store,
        user: Option<&sanzhi_domain::User>,
        code: &str,
    ) -> Result<PlanSummary, AppError> {
        // A malformed code names no plan: “not found”, as for a plan that is not there.
        let not_found = || AppError::NotFound(format!("方案“{code}”"));
        let parsed = PlanCode::parse(code).map_err(|_| not_found())?;
        let plan = store
            .plan_detail(&parsed)
            .await?
            .ok_or_else(not_found)?
            .summary;
        visible(user, &plan)?;
        Ok(plan)
    }

    /// A draft plan is “not found” for those who may not see it yet (as if it did not exist:
    /// its code says nothing to a unit).
    pub fn visible(user: Option<&sanzhi_domain::User>, p: &PlanSummary) -> Result<(), AppError> {
        if sanzhi_domain::may_see_plan(user, p.code.as_str(), p.status) {
            Ok(())
        } else {
            Err(AppError::NotFound(format!("方案“{}”", p.code)))
        }
    }

    pub async fn get_plan(store: &Store, code: &str) -> Result<PlanDetail, AppError> {
        let code = PlanCode::parse(code).map_err(|e| AppError::BadRequest(e.to_string()))?;
        store
            .plan_detail(&code)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("方案“{code}”")))
    }

    pub async fn get_plan_tree(store: &Store, code: &str) -> Result<PlanTree, AppError> {
        let code = PlanCode::parse(code).map_err(|e| AppError::BadRequest(e.to_string()))?;
        store
            .plan_tree(&code)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("方案“{code}”")))
    }

    pub async fn get_item(store: &Store, code: &str, number: i32) -> Result<ItemDetail, AppError> {
        let code = PlanCode::parse(code).map_err(|e| AppError::BadRequest(e.to_string()))?;
        store
            .item_detail(&code, number)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("方案“{code}”的工作要求 ({number})")))
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::inner;
    use crate::error::AppError;
    use sanzhi_store::testing::TestDb;
    use std::path::Path;

    async fn seeded(db: &TestDb) {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../seed");
        let seed = sanzhi_seed::load_dir(&dir).expect("seed");
        db.store.load_seed(&seed).await.expect("load");
    }

    #[tokio::test]
    async fn get_plan_answers_found_not_found_and_bad_request() {
        let db = TestDb::sqlite().await;
        seeded(&db).await;
        let air = inner::get_plan(&db.store, "air").await.expect("air");
        assert_eq!(air.summary.owner_office, "市治气办");
        assert_eq!(
            inner::get_plan(&db.store, "fire").await,
            Err(AppError::NotFound("方案“fire”".into()))
        );
        match inner::get_plan(&db.store, "<script>").await {
            Err(AppError::BadRequest(msg)) => assert!(msg.contains("code"), "{msg}"),
            other => panic!("expected BadRequest, got {other:?}"),
        }
        assert_eq!(inner::list_plans(&db.store).await.expect("list").len(), 3);
        db.finish().await;
    }
}
