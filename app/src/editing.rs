//! A coordinator edits a work item of their plan: deadlines, responsible units and targets,
//! with a reason that goes on the audit trail with the before and after values.

use crate::error::AppError;
use leptos::prelude::*;
use sanzhi_domain::ItemEditForm;

#[server(prefix = "/api", endpoint = "item_edit")]
pub async fn edit_item(form: ItemEditForm) -> Result<(), AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::EditPlan { plan: &form.plan }).await?;
    inner::edit_item(
        &c.store,
        &form,
        &crate::auth::signature(&c.user),
        crate::api::now(),
    )
    .await
}

#[cfg(feature = "ssr")]
pub mod inner {
    use super::*;
    use sanzhi_domain::chrono::{DateTime, Utc};
    use sanzhi_domain::{ItemEdit, PlanCode};
    use sanzhi_store::{Store, StoreError};

    pub async fn edit_item(
        store: &Store,
        form: &ItemEditForm,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let code = PlanCode::parse(&form.plan).map_err(|e| AppError::BadRequest(e.to_string()))?;
        let plan = store
            .plan_detail(&code)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("方案“{}”", form.plan)))?;
        let edit = ItemEdit::parse(form, plan.summary.period.start_year())
            .map_err(|e| AppError::BadRequest(e.to_string()))?;
        match store
            .edit_item(&form.plan, form.number, &edit, actor, now)
            .await
        {
            Ok(()) => Ok(()),
            Err(StoreError::Invalid(msg)) => Err(AppError::BadRequest(msg)),
            Err(StoreError::NotFound(what)) => Err(AppError::NotFound(what)),
            Err(e) => Err(e.into()),
        }
    }
}
