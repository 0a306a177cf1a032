//! Progress reports, their evidence files and reviews, and the generated demo reports.
//!
//! This file is the facade ([`Store`]'s methods, compiled once); `demo.rs`, `evidence.rs`, `queries.rs`, `reviews.rs`
//! beside it hold the queries, compiled per backend (see `src/queries.rs`).

use crate::{Store, StoreError};
use sanzhi_domain::chrono::{DateTime, Utc};
use sanzhi_domain::{NewReport, NewReview, PendingReview, Report, Review};

/// A generated demo report with the time it was made and the review it gets.
#[derive(Debug, Clone)]
pub struct DemoReport {
    pub report: NewReport,
    pub created_at: DateTime<Utc>,
    pub review: Option<NewReview>,
}

/// An assignment's plan and unit, and its item's number of milestones: what a report on it is
/// checked against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignmentFacts {
    pub plan: String,
    pub unit: String,
    pub milestones: usize,
}

/// Whose a report is: its plan's code, the unit that made it, and its assignment.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReportOwner {
    pub plan: String,
    pub unit: String,
    pub assignment_id: i64,
}

/// Whose an assignment is: its plan's code and its unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignmentOwner {
    pub plan: String,
    pub unit: String,
}

/// An evidence file with its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    pub file: sanzhi_domain::EvidenceFile,
    pub data: Vec<u8>,
}

impl Store {
    /// Appends a progress report. `Ok(Err(newest))` when someone reported meanwhile: the
    /// report was not stored, and `newest` is what the writer had not seen. A day after
    /// today (China time of `now`) or before the previous report's is refused
    /// (`StoreError::Invalid` naming `reported_on`); a day more than the default 7 days back
    /// makes it a 补报 (see [`Store::add_report_backdating`]).
    #[tracing::instrument(skip_all, fields(assignment = report.assignment_id))]
    pub async fn add_report(
        &self,
        report: &NewReport,
        now: DateTime<Utc>,
    ) -> Result<Result<Report, Option<Report>>, StoreError> {
        let days = sanzhi_domain::report::DEFAULT_BACKDATE_DAYS;
        dispatch!(self, add_report(report, now, days))
    }

    /// [`Store::add_report`] with the server's `reports.backdate_days`: a report dated more
    /// than that many days before the day it is made is stored as a 补报 (`late_filed`).
    #[tracing::instrument(skip_all, fields(assignment = report.assignment_id))]
    pub async fn add_report_backdating(
        &self,
        report: &NewReport,
        now: DateTime<Utc>,
        backdate_days: i64,
    ) -> Result<Result<Report, Option<Report>>, StoreError> {
        dispatch!(self, add_report(report, now, backdate_days))
    }

    /// Every report on an assignment, oldest first.
    pub async fn reports(&self, assignment_id: i64) -> Result<Vec<Report>, StoreError> {
        dispatch!(self, reports(assignment_id))
    }

    /// Every report on each of the assignments, oldest first (each id is a key, with no
    /// reports if it has none): one read for a whole item page.
    pub async fn reports_of_assignments(
        &self,
        assignment_ids: &[i64],
    ) -> Result<std::collections::HashMap<i64, Vec<Report>>, StoreError> {
        dispatch!(self, reports_of_assignments(assignment_ids))
    }

    /// Records a coordinator's decision on a done report (with its audit entry).
    /// `Ok(Err(existing))` when someone reviewed it first: nothing was written.
    #[tracing::instrument(skip_all, fields(report = review.report_id))]
    pub async fn add_review(
        &self,
        review: &NewReview,
        now: DateTime<Utc>,
    ) -> Result<Result<Review, Review>, StoreError> {
        dispatch!(self, add_review(review, now))
    }

    /// Keeps an evidence file uploaded for an assignment's report form (checked by
    /// [`sanzhi_domain::check_evidence`] before), audited; bound to the report when it is sent.
    #[allow(clippy::too_many_arguments)]
    pub async fn add_evidence(
        &self,
        assignment_id: i64,
        name: &str,
        content_type: &str,
        data: &[u8],
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<sanzhi_domain::EvidenceFile, StoreError> {
        dispatch!(
            self,
            add_evidence(assignment_id, name, content_type, data, by, now)
        )
    }

    /// The evidence files of the reports of these assignments (no bytes).
    pub async fn evidence_of_assignments(
        &self,
        assignment_ids: &[i64],
    ) -> Result<Vec<sanzhi_domain::EvidenceFile>, StoreError> {
        dispatch!(self, evidence_of_assignments(assignment_ids))
    }

    /// One evidence file and its bytes.
    pub async fn evidence_file(&self, id: i64) -> Result<Option<StoredFile>, StoreError> {
        dispatch!(self, evidence_file(id))
    }

    /// Accepts several done reports in one transaction, all or none (see
    /// `add_reviews` in the queries): the decisions made.
    #[tracing::instrument(skip_all, fields(reports = reviews.len()))]
    pub async fn add_reviews(
        &self,
        reviews: &[NewReview],
        now: DateTime<Utc>,
    ) -> Result<Vec<Review>, StoreError> {
        dispatch!(self, add_reviews(reviews, now))
    }

    /// Done reports waiting for review, of one plan (`water`, …) or all, oldest first.
    pub async fn pending_reviews(
        &self,
        plan: Option<&str>,
    ) -> Result<Vec<PendingReview>, StoreError> {
        dispatch!(self, pending_reviews(plan))
    }

    /// The plan code, unit and assignment of a report, if there is such a report.
    pub async fn report_owner(&self, report_id: i64) -> Result<Option<ReportOwner>, StoreError> {
        dispatch!(self, report_owner(report_id))
    }

    /// Appends generated demo reports (marked `is_demo`), with their demo reviews, in one
    /// transaction.
    pub async fn insert_demo_reports(&self, reports: &[DemoReport]) -> Result<u64, StoreError> {
        dispatch!(self, insert_demo_reports(reports))
    }

    /// Removes every demo report; real reports cannot be removed.
    pub async fn clear_demo_reports(&self) -> Result<u64, StoreError> {
        dispatch!(self, clear_demo_reports())
    }

    /// Whether any demo reports are stored (the UI labels demo data when there are).
    pub async fn has_demo_reports(&self) -> Result<bool, StoreError> {
        dispatch!(self, has_demo_reports())
    }

    /// The plan code and unit name of an assignment.
    pub async fn assignment_owner(
        &self,
        assignment_id: i64,
    ) -> Result<Option<AssignmentOwner>, StoreError> {
        dispatch!(self, assignment_owner(assignment_id))
    }

    /// An assignment's plan, unit and milestone count in one read (`None`: no such
    /// assignment).
    pub async fn assignment_facts(
        &self,
        assignment_id: i64,
    ) -> Result<Option<AssignmentFacts>, StoreError> {
        dispatch!(self, assignment_facts(assignment_id))
    }
}
