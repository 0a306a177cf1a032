//! What the plan pages show: the action → task → work item tree and one item in full.

use crate::{ActionId, Deadline, Direction, NoteKind, PlanDetail, PlanSummary, TaskId, WorkItemId};
use serde::{Deserialize, Serialize};

/// A plan with its actions, tasks and work items.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanTree {
    pub plan: PlanDetail,
    pub actions: Vec<ActionNode>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionNode {
    pub id: ActionId,
    pub seq: i32,
    pub title: String,
    pub tasks: Vec<TaskNode>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskNode {
    pub id: TaskId,
    pub number: i32,
    pub title: String,
    pub items: Vec<ItemSummary>,
}

/// A work item as a row of the plan tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemSummary {
    pub id: WorkItemId,
    pub number: i32,
    pub text: String,
    /// 牵头单位 (canonical names).
    pub leads: Vec<String>,
    /// 责任单位 as the table writes them.
    pub responsible_text: String,
    /// One per assignment (canonical names).
    pub units: Vec<String>,
    pub milestones: Vec<Milestone>,
    /// How many source notes (corrections, discrepancies) concern this item.
    pub note_count: i64,
}

/// A deadline phrase with what it was read as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Milestone {
    pub phrase: String,
    pub deadline: Deadline,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    pub metric: String,
    pub value: f64,
    pub unit: String,
    pub direction: Direction,
    pub year: i32,
    pub quote: String,
    /// Where the figure differs between the allocation table and the main text (or is in one
    /// of them only): shown with the target.
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceNote {
    pub kind: NoteKind,
    pub field: String,
    pub table_says: String,
    pub other_says: String,
    pub note: String,
}

/// One responsible unit's assignment on an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignmentView {
    pub unit: String,
    pub unit_kind: crate::UnitKind,
    /// The table's phrase that produced it (“各县(市、区)政府”).
    pub via: String,
}

/// A work item in full: where it sits, what it says, who does it, by when, how much.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemDetail {
    pub plan: PlanSummary,
    pub action_seq: i32,
    pub action_title: String,
    pub task_number: i32,
    pub task_title: String,
    pub task_paragraph: String,
    pub item: ItemSummary,
    pub lead_text: String,
    pub assignments: Vec<AssignmentView>,
    pub targets: Vec<Target>,
    /// Notes on the item, on its task and on its action.
    pub notes: Vec<SourceNote>,
    pub provenance: String,
    /// Where in the plan's source document the item, its task and its action are.
    #[serde(default)]
    pub sources: Vec<SourceRef>,
}

/// Lines of a source document (`seed/source/…`) that a record was taken from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRef {
    /// `item`, `task` or `action`.
    pub kind: String,
    pub document: String,
    pub from_line: i32,
    pub to_line: i32,
}

/// A window of a source document, for reading a record's lines in their context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceWindow {
    pub document: String,
    /// The line number of `lines[0]`.
    pub first_line: i32,
    pub lines: Vec<String>,
    /// The lines asked for (highlighted).
    pub from_line: i32,
    pub to_line: i32,
    /// Lines in the whole document.
    pub total_lines: i32,
}
