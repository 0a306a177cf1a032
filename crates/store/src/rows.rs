//! Database rows and their conversion into domain types.

use crate::StoreError;
use sanzhi_domain::{Period, PlanCode, PlanId, PlanStatus, PlanSummary};

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct PlanRow {
    pub id: i64,
    pub code: String,
    pub doc_no: String,
    pub title: String,
    pub short_name: String,
    pub short_name_en: Option<String>,
    pub status: String,
    pub closed_on: Option<chrono::NaiveDate>,
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
        let status =
            PlanStatus::parse(&self.status).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok((
            PlanSummary {
                id: PlanId(self.id),
                code,
                doc_no: self.doc_no,
                title: self.title,
                short_name: self.short_name,
                short_name_en: self.short_name_en,
                status,
                closed_on: self.closed_on,
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
    pub short_name_en: Option<String>,
    pub owner_unit_id: i64,
    pub start_year: i32,
    pub end_year: i32,
    pub issued_on: Option<chrono::NaiveDate>,
    pub sort_order: i32,
    pub provenance: String,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub(crate) struct KeyedRow {
    pub id: i64,
    pub title: String,
    pub provenance: String,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub(crate) struct TaskRow {
    pub id: i64,
    pub action_id: i64,
    pub title: String,
    pub paragraph: String,
    pub provenance: String,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub(crate) struct ItemRow {
    pub id: i64,
    pub task_id: i64,
    pub body: String,
    pub lead_text: String,
    pub responsible_text: String,
    pub provenance: String,
}

/// A milestone as stored, comparable with what the seed says.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub(crate) struct MilestoneRow {
    pub phrase: String,
    pub kind: String,
    pub due_date: Option<chrono::NaiveDate>,
    pub date_precision: Option<String>,
    pub recurrence: Option<String>,
    pub event: Option<String>,
    pub within_n: Option<i32>,
    pub within_unit: Option<String>,
}

/// The milestone columns [`MilestoneRow`] reads, in a query's select list (`m.` prefixed for
/// a query that names the table `m`).
pub(crate) const MILESTONE_COLUMNS: &str =
    "phrase, kind, due_date, date_precision, recurrence, event, within_n, within_unit";
pub(crate) const MILESTONE_COLUMNS_M: &str = "m.phrase, m.kind, m.due_date, m.date_precision, \
     m.recurrence, m.event, m.within_n, m.within_unit";

impl MilestoneRow {
    pub(crate) fn from_seed(m: &sanzhi_model::SeedMilestone) -> Self {
        Self::of(&m.phrase, &m.deadline)
    }

    pub(crate) fn of(phrase: &str, deadline: &sanzhi_domain::Deadline) -> Self {
        let c = deadline.to_columns();
        MilestoneRow {
            phrase: phrase.to_owned(),
            kind: c.kind.to_owned(),
            due_date: c.date,
            date_precision: c.precision.map(str::to_owned),
            recurrence: c.recurrence.map(str::to_owned),
            event: c.event.map(str::to_owned),
            within_n: c.within_n,
            within_unit: c.within_unit.map(str::to_owned),
        }
    }

    pub(crate) fn into_milestone(self) -> Result<sanzhi_domain::Milestone, StoreError> {
        let deadline = sanzhi_domain::Deadline::from_columns(&sanzhi_domain::DeadlineColumns {
            kind: &self.kind,
            date: self.due_date,
            precision: self.date_precision.as_deref(),
            recurrence: self.recurrence.as_deref(),
            event: self.event.as_deref(),
            within_n: self.within_n,
            within_unit: self.within_unit.as_deref(),
        })
        .ok_or_else(|| StoreError::Corrupt(format!("milestone “{}”", self.phrase)))?;
        Ok(sanzhi_domain::Milestone {
            phrase: self.phrase,
            deadline,
        })
    }
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub(crate) struct TargetRow {
    pub metric: String,
    pub value: f64,
    pub unit: String,
    pub direction: String,
    pub year: i32,
    pub quote: String,
    pub note: Option<String>,
}

impl TargetRow {
    pub(crate) fn from_seed(t: &sanzhi_model::SeedTarget) -> Self {
        TargetRow {
            metric: t.metric.clone(),
            value: t.value,
            unit: t.unit.clone(),
            direction: t.direction.as_str().to_owned(),
            year: t.year,
            quote: t.quote.clone(),
            note: t.note.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub(crate) struct NoteRow {
    pub kind: String,
    pub work_item_id: Option<i64>,
    pub task_id: Option<i64>,
    pub action_id: Option<i64>,
    pub field: String,
    pub table_says: String,
    pub other_says: String,
    pub note: String,
}

/// Rows of the reference tables, in column order (without `seq`).
pub(crate) mod reference {
    use chrono::NaiveDate;

    #[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
    pub struct Pm25Row {
        pub area: String,
        pub unit_id: Option<i64>,
        pub year: i32,
        pub value: f64,
        pub qualifier: String,
        pub raw: String,
        pub provenance: String,
    }

    #[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
    pub struct CutRow {
        pub area: String,
        pub unit_id: Option<i64>,
        pub pollutant: String,
        pub percent: Option<f64>,
        pub raw: String,
        pub note: String,
        pub provenance: String,
    }

    #[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
    pub struct SectionRow {
        pub name: String,
        pub target_class: String,
        pub reservoir: bool,
        pub table_name: Option<String>,
        pub note: String,
        pub provenance: String,
    }

    #[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
    pub struct DrainRow {
        pub drain: String,
        pub parameter: String,
        pub limit_mg_l: f64,
        pub effective_from: NaiveDate,
        pub raw: String,
        pub note: String,
        pub provenance: String,
    }

    #[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
    pub struct DrainRelativeRow {
        pub drain: String,
        pub area: String,
        pub parameters: String,
        pub effective_from: NaiveDate,
        pub raw: String,
        pub provenance: String,
    }

    #[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
    pub struct RateRow {
        pub metric: String,
        pub year: i32,
        pub percent: f64,
        pub comparator: String,
        pub raw: String,
        pub provenance: String,
    }

    #[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
    pub struct YearlyRow {
        pub plan_id: i64,
        pub task_number: Option<i32>,
        pub year: i32,
        pub body: String,
        pub span: String,
        pub note: String,
        pub provenance: String,
    }

    #[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
    pub struct EnterpriseRow {
        pub town: String,
        pub name: String,
        pub unit_id: i64,
        pub responsible_text: String,
        pub provenance: String,
    }

    #[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
    pub struct StationRow {
        pub area: String,
        pub unit_id: Option<i64>,
        pub name: String,
        pub provenance: String,
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct ReportRow {
    pub id: i64,
    pub assignment_id: i64,
    pub version: i32,
    pub state: String,
    pub milestone_seq: Option<i32>,
    pub reported_on: chrono::NaiveDate,
    pub achieved: Option<f64>,
    pub narrative: String,
    pub evidence: String,
    pub reporter: String,
    pub corrects_id: Option<i64>,
    pub is_demo: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub late_filed: bool,
}

impl ReportRow {
    pub(crate) fn into_report(self) -> Result<sanzhi_domain::Report, StoreError> {
        let state = sanzhi_domain::ReportState::parse(&self.state)
            .ok_or_else(|| StoreError::Corrupt(format!("report state {}", self.state)))?;
        Ok(sanzhi_domain::Report {
            id: self.id,
            assignment_id: self.assignment_id,
            version: self.version,
            state,
            milestone_seq: self.milestone_seq,
            reported_on: self.reported_on,
            achieved: self.achieved,
            narrative: self.narrative,
            evidence: self
                .evidence
                .lines()
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
            reporter: self.reporter,
            corrects_id: self.corrects_id,
            is_demo: self.is_demo,
            created_at: self.created_at,
            late_filed: self.late_filed,
            review: None,
        })
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct ReviewRow {
    pub id: i64,
    pub report_id: i64,
    pub decision: String,
    pub reason: String,
    pub reviewer: String,
    pub reviewed_on: chrono::NaiveDate,
    pub is_demo: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub accepts_claimed_day: bool,
}

impl ReviewRow {
    pub(crate) fn into_review(self) -> Result<sanzhi_domain::Review, StoreError> {
        let decision = sanzhi_domain::ReviewDecision::parse(&self.decision)
            .ok_or_else(|| StoreError::Corrupt(format!("review decision {}", self.decision)))?;
        Ok(sanzhi_domain::Review {
            id: self.id,
            report_id: self.report_id,
            decision,
            reason: self.reason,
            reviewer: self.reviewer,
            reviewed_on: self.reviewed_on,
            is_demo: self.is_demo,
            created_at: self.created_at,
            accepts_claimed_day: self.accepts_claimed_day,
        })
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct TrackedRow {
    pub assignment_id: i64,
    pub work_item_id: i64,
    pub plan_code: String,
    pub plan_short_name: String,
    pub plan_status: String,
    pub plan_closed_on: Option<chrono::NaiveDate>,
    pub issued_on: Option<chrono::NaiveDate>,
    pub start_year: i32,
    pub end_year: i32,
    pub task_number: i32,
    pub item_number: i32,
    pub item_text: String,
    pub unit: String,
    pub via: String,
    /// The China day a coordinator's edit or a plan import added the assignment (`None`: from
    /// the start).
    #[sqlx(default)]
    pub added_on: Option<chrono::NaiveDate>,
    /// The day it was removed (only for rows read from `removed_assignments`).
    #[sqlx(default)]
    pub removed_on: Option<chrono::NaiveDate>,
}
