//! Sanzhi's domain: plans, actions, tasks, work items and units, as plain types.
//!
//! This crate is compiled into the browser bundle as well as the server, so it must never
//! depend on a database, a web framework or an async runtime. Values are parsed once at the
//! edge (`PlanCode::parse`, `UnitKind::parse`, …) and are valid from then on.

pub use chrono;

pub mod access;
pub mod annual;
pub mod audit_view;
pub mod deadline;
pub mod edit;
pub mod facts;
pub mod ids;
pub mod indicator;
pub mod measure;
pub mod overview;
pub mod plan;
pub mod plan_import;
pub mod reading;
pub mod remind;
pub mod report;
pub mod rng;
pub mod standing;
pub mod status;
pub mod target;
pub mod targets;
pub mod tree;
pub mod unit;
pub mod water;

pub use access::{
    authorize, may_see_plan, may_write_some_readings, Account, AccountForm, Action, AuditEntry,
    Denied, NewAccount, ReadingsWriter, Role, User,
};
pub use deadline::{
    parse_deadline, Deadline, DeadlineColumns, DeadlineError, Precision, Recurrence, Within,
};
pub use edit::{target_line, ItemEdit, ItemEditForm};
pub use ids::{ActionId, PlanId, TaskId, UnitId, WorkItemId};
pub use indicator::{Pollutant, WaterClass, WaterParameter};
pub use measure::{Aggregate, IndicatorStanding, PlanIndicator, PlanMeasures, PlanTarget};
pub use plan::{Period, PlanCode, PlanDetail, PlanLabel, PlanStatus, PlanSummary};
pub use reading::{
    indicator, Better, IndicatorDef, IndicatorRef, NewReading, PlaceIndex, PlaceKind, Places,
    Reading, ReadingInput, ReadingKey, ReadingSource, ReadingValue, ReadingsWritten, RowProblem,
    ValueKey, CATALOGUE, CITY,
};
pub use report::{
    check_evidence, EvidenceFile, NewReport, NewReview, PendingReview, Report, ReportForm, Review,
    ReviewDecision, Tracked,
};
pub use status::{assess, Assessment, ReportFact, ReportState, Status, StatusCounts};
pub use target::{Direction, NoteKind};
pub use targets::{DrainLimitRow, IndicatorTargets, Pm25TargetRow, RateGoalRow, SectionRow};
pub use tree::{
    ActionNode, AssignmentView, ItemDetail, ItemSummary, Milestone, PlanTree, SourceNote,
    SourceRef, SourceWindow, Target, TaskNode,
};
pub use unit::{NewUnit, UnitForm, UnitKind, UnitName};

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

/// `1` → `一`, … `10` → `十`, `16` → `十六`: how the plans number their actions (“(一)”).
pub fn chinese_number(n: i32) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let digit = |d: i32| DIGITS[usize::try_from(d).unwrap_or(0)];
    match n {
        0..=9 => digit(n).to_owned(),
        10 => "十".to_owned(),
        11..=19 => format!("十{}", digit(n % 10)),
        20..=99 if n % 10 == 0 => format!("{}十", digit(n / 10)),
        20..=99 => format!("{}十{}", digit(n / 10), digit(n % 10)),
        _ => n.to_string(),
    }
}

#[cfg(test)]
mod number_tests {
    #[test]
    fn chinese_numbers_for_action_headings() {
        let got: Vec<_> = [1, 6, 10, 12, 20, 21, 100]
            .map(super::chinese_number)
            .into();
        assert_eq!(got, ["一", "六", "十", "十二", "二十", "二十一", "100"]);
    }
}
