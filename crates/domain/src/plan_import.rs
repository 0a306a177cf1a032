//! What a plan import answers: the problems found in the file and the form, the units and
//! headers it did not know, and what the import does (a preview) or did (committed) to the
//! stored plan. The store builds the report; the server sends the outcome; the import page
//! shows it — one set of types, no copies.

use crate::RowProblem;
use serde::{Deserialize, Serialize};

/// A problem with a field of the form (`code`, `title`, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormProblem {
    pub field: String,
    pub reason: String,
}

/// A unit phrase of the table that names no known unit, with where it is (row, column).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnknownUnitView {
    pub phrase: String,
    pub places: Vec<(u64, String)>,
    /// The existing unit it most likely means (a truncated or misspelt name).
    #[serde(default)]
    pub suggestion: Option<String>,
}

/// A column read: the header as written and the field (`item`, `responsible`, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnView {
    pub header: String,
    pub field: String,
}

/// A field of a plan's header that an import changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// What an import compares of one work item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportItemState {
    pub action: String,
    pub task: String,
    pub text: String,
    /// 牵头单位 / 责任单位 as written.
    pub lead_text: String,
    pub responsible_text: String,
    /// Canonical unit names, sorted.
    pub leads: Vec<String>,
    pub units: Vec<String>,
    /// The phrase each unit of `units` came from, in the same order.
    pub vias: Vec<String>,
    /// “6月底前（2018-06-30）”, in order.
    pub deadlines: Vec<String>,
}

/// One item of an import: `created`, `updated` (with the fields that differ: `task`,
/// `text`, `leads`, `units`, `deadlines`) or `unchanged`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportItemChange {
    pub number: i32,
    pub change: String,
    pub fields: Vec<String>,
    pub before: Option<ImportItemState>,
    pub after: ImportItemState,
}

/// What importing one plan does (or did, when `committed`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPlanReport {
    pub plan: String,
    pub plan_created: bool,
    pub plan_changes: Vec<FieldChange>,
    /// Items created, updated, unchanged.
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub items: Vec<ImportItemChange>,
    /// Stored items the file does not have: kept as they are.
    pub not_in_file: Vec<i32>,
    /// Why the import cannot be committed (in Chinese); empty when it can.
    pub blocked: Vec<String>,
    /// What the import does with the plan's own indicators and targets (in Chinese), when the
    /// file carries a 指标目标 sheet.
    #[serde(default)]
    pub measures: Vec<String>,
    /// Database rows the upsert inserted, updated and left alone (as the seed loader counts).
    pub rows_inserted: u64,
    pub rows_updated: u64,
    pub rows_unchanged: u64,
    /// Written to the database (false for a preview, a refusal, or nothing to change).
    pub committed: bool,
}

/// The answer of `POST /api/import/plan`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanImportOutcome {
    /// `preview`, `committed` or `rejected` (nothing written).
    pub outcome: String,
    /// `xlsx` or the CSV's encoding.
    pub format: String,
    /// Why the whole file was refused, if it was.
    pub reason: Option<String>,
    pub form_problems: Vec<FormProblem>,
    pub problems: Vec<RowProblem>,
    pub unknown_headers: Vec<String>,
    pub unknown_units: Vec<UnknownUnitView>,
    /// Deadline phrases not read: imported as written, 待确认 (row, column, why).
    #[serde(default)]
    pub unconfirmed: Vec<RowProblem>,
    /// A title and a 文号 found above the table's header, offered for the plan's header.
    #[serde(default)]
    pub title_in_file: Option<String>,
    #[serde(default)]
    pub doc_no_in_file: Option<String>,
    pub notes: Vec<String>,
    pub columns: Vec<ColumnView>,
    pub report: Option<ImportPlanReport>,
}
