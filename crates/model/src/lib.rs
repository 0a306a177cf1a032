//! The plan write model: what the store writes when it loads the seed or imports a plan —
//! units and unit groups, plans with their bodies (actions, tasks, work items, assignments,
//! deadlines, targets, notes), their own indicators and targets, and the reference tables.
//!
//! Built by the seed parser (`sanzhi-seed`, from TOML and CSV) and by the plan import (from
//! an allocation table); written by the store (`sanzhi-store`), which depends on this crate
//! and the domain, not on any file format.

mod plan;
pub mod reference;
mod units;

pub use plan::{
    squeeze, PlanBody, SeedAction, SeedAssignment, SeedItem, SeedMilestone, SeedNote, SeedTarget,
    SeedTask, SourceDocument, SourceLines,
};
pub use units::{SeedGroup, SeedUnit};

use sanzhi_domain::{Period, PlanCode, UnitName};

/// A plan as the seed describes it. `owner` is the canonical name of an existing unit.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedPlan {
    pub code: PlanCode,
    pub doc_no: String,
    pub title: String,
    pub short_name: String,
    /// The short name in English (`None`: the Chinese one is shown).
    pub short_name_en: Option<String>,
    /// Where the plan starts its life: the seed's plans are active; an imported one is a
    /// draft until an admin puts it into effect.
    pub status: sanzhi_domain::PlanStatus,
    pub owner: UnitName,
    pub period: Period,
    /// The day the plan was issued: duties (recurring ones especially) run from then.
    pub issued_on: sanzhi_domain::chrono::NaiveDate,
    pub sort_order: i32,
    pub provenance: String,
    pub goals: Vec<String>,
    /// The document the plan was taken from (`source/<name>`), when the seed has it.
    pub source: Option<SourceDocument>,
    /// Actions, tasks, items, … from `plans/<code>.toml`.
    pub body: PlanBody,
    /// The plan's own indicators and the yearly targets it sets (an import's 指标目标 sheet).
    /// `None`: the file carries none, and what an earlier import stored stays.
    pub measures: Option<sanzhi_domain::PlanMeasures>,
}

/// Everything in `seed/`, validated and cross-checked.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedBundle {
    pub units: Vec<SeedUnit>,
    pub groups: Vec<SeedGroup>,
    pub plans: Vec<SeedPlan>,
    /// PM2.5 targets, sections, drain limits, rates, enterprises, stations.
    pub reference: reference::Reference,
}
