//! Database rows and their conversion into domain types.

use crate::StoreError;
use sanzhi_domain::{Period, PlanCode, PlanId, PlanSummary};

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct PlanRow {
    pub id: i64,
    pub code: String,
    pub doc_no: String,
    pub title: String,
    pub short_name: String,
    pub owner_office: String,
    pub start_year: i32,
    pub end_year: i32,
    pub provenance: String,
    pub action_count: i64,
    pub task_count: i64,
    pub work_item_count: i64,
}

impl PlanRow {
    pub(crate) fn into_summary(self) -> Result<(PlanSummary, String), StoreError> {
        let code = PlanCode::parse(&self.code).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let period = Period::new(self.start_year, self.end_year)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok((
            PlanSummary {
                id: PlanId(self.id),
                code,
                doc_no: self.doc_no,
                title: self.title,
                short_name: self.short_name,
                owner_office: self.owner_office,
                period,
                action_count: self.action_count,
                task_count: self.task_count,
                work_item_count: self.work_item_count,
            },
            self.provenance,
        ))
    }
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct UnitRow {
    pub id: i64,
    pub kind: String,
    pub provenance: String,
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct PlanKeyRow {
    pub id: i64,
    pub doc_no: String,
    pub title: String,
    pub short_name: String,
    pub owner_unit_id: i64,
    pub start_year: i32,
    pub end_year: i32,
    pub sort_order: i32,
    pub provenance: String,
}
