//! Sanzhi's domain: plans, actions, tasks, work items and units, as plain types.
//!
//! This crate is compiled into the browser bundle as well as the server, so it must never
//! depend on a database, a web framework or an async runtime. Values are parsed once at the
//! edge (`PlanCode::parse`, `UnitKind::parse`, …) and are valid from then on.

pub mod deadline;
pub mod ids;
pub mod plan;
pub mod target;
pub mod tree;
pub mod unit;

pub use deadline::{parse_deadline, Deadline, DeadlineError, Precision, Recurrence};
pub use ids::{ActionId, PlanId, TaskId, UnitId, WorkItemId};
pub use plan::{Period, PlanCode, PlanDetail, PlanSummary};
pub use target::{Direction, NoteKind};
pub use tree::{
    ActionNode, AssignmentView, ItemDetail, ItemSummary, Milestone, PlanTree, SourceNote, Target,
    TaskNode,
};
pub use unit::{UnitKind, UnitName};

/// A value from outside (a seed file, a form, an API call) that does not make sense.
///
/// The message is in Chinese because it is shown to users as it is; `field` names the field
/// that was rejected so that an importer can point at the row and column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}：{reason}")]
pub struct ParseError {
    /// The field that was rejected, e.g. `code`.
    pub field: &'static str,
    /// Why, in Chinese.
    pub reason: String,
}

impl ParseError {
    pub fn new(field: &'static str, reason: impl Into<String>) -> Self {
        Self {
            field,
            reason: reason.into(),
        }
    }
}
