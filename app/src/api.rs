//! Server functions: thin wrappers that take the store from context, check the caller and
//! delegate to plain `*_inner` functions that tests call directly with their own store.
//!
//! Access: everything here is read-only plan information that every signed-in role may
//! read (leader, coordinator, unit reporter, admin). Sign-in arrives with the roles issue;
//! until then these reads are public, and every write-side server function must check the
//! caller's role on the server.

use crate::error::AppError;
use leptos::prelude::*;
use sanzhi_domain::{ItemDetail, PlanDetail, PlanSummary, PlanTree};

/// Today, in China Standard Time (UTC+8), the day the plans' deadlines are counted in.
#[cfg(feature = "ssr")]
pub fn today() -> sanzhi_domain::chrono::NaiveDate {
    (now() + sanzhi_domain::chrono::Duration::hours(8)).date_naive()
}

#[cfg(feature = "ssr")]
pub(crate) fn now() -> sanzhi_domain::chrono::DateTime<sanzhi_domain::chrono::Utc> {
    sanzhi_domain::chrono::Utc::now()
}

#[cfg(feature = "ssr")]
pub(crate) fn store() -> Result<sanzhi_store::Store, AppError> {
    use_context::<crate::state::AppState>()
        .map(|s| s.store)
        .ok_or_else(|| {
            tracing::error!("AppState missing from context");
            AppError::Internal
        })
}

/// Every plan with its size, in seed order.
#[server(prefix = "/api", endpoint = "plans")]
pub async fn list_plans() -> Result<Vec<PlanSummary>, AppError> {
    inner::list_plans(&store()?).await
}

/// One plan with the goal paragraphs of its main text.
#[server(prefix = "/api", endpoint = "plan")]
pub async fn get_plan(code: String) -> Result<PlanDetail, AppError> {
    inner::get_plan(&store()?, &code).await
}

/// A plan with its actions, tasks and work items.
#[server(prefix = "/api", endpoint = "plan_tree")]
pub async fn get_plan_tree(code: String) -> Result<PlanTree, AppError> {
    inner::get_plan_tree(&store()?, &code).await
}

/// One work item in full.
#[server(prefix = "/api", endpoint = "item")]
pub async fn get_item(code: String, number: i32) -> Result<ItemDetail, AppError> {
    inner::get_item(&store()?, &code, number).await
}

#[cfg(feature = "ssr")]
pub mod inner {
    //! The logic behind the server functions, callable without a request.

    use super::*;
    use sanzhi_domain::PlanCode;
    use sanzhi_store::Store;

    pub async fn list_plans(store: &Store) -> Result<Vec<PlanSummary>, AppError> {
        Ok(store.list_plans().await?)
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
