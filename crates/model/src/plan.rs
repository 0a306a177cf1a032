//! A plan's body: its actions, tasks, numbered work items with their units, deadlines and
//! targets, and the notes on where the source was corrected or disagrees with itself.

use sanzhi_domain::{Deadline, Direction, NoteKind, UnitName};

/// Everything below a plan, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanBody {
    /// The year of the allocation table: deadline phrases without a year fall in it.
    pub table_year: i32,
    /// Unit phrases the table header binds to every item (the soil table), as written.
    pub table_responsible: Vec<String>,
    pub actions: Vec<SeedAction>,
    pub tasks: Vec<SeedTask>,
    pub items: Vec<SeedItem>,
    pub notes: Vec<SeedNote>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedAction {
    pub seq: i32,
    pub title: String,
    pub provenance: String,
    /// The lines of the plan's source document the title is on.
    pub source_lines: Option<SourceLines>,
}

/// Lines `from..=to` (1-based) of the plan's source document (`seed/source/`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourceLines {
    pub from: i32,
    pub to: i32,
}

impl SourceLines {
    /// `"118"` or `"42-44"`.
    pub fn parse(s: &str) -> Option<SourceLines> {
        let (a, b) = s.trim().split_once('-').unwrap_or((s.trim(), s.trim()));
        let from: i32 = a.trim().parse().ok()?;
        let to: i32 = b.trim().parse().ok()?;
        (from >= 1 && to >= from && to - from <= 60).then_some(SourceLines { from, to })
    }
}

/// A plan's source document: its file name under `seed/source/` and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceDocument {
    pub name: String,
    pub text: String,
}

impl SourceDocument {
    /// Lines `from..=to`, squeezed (see [`squeeze`]), or `None` when they are not there.
    pub fn squeezed(&self, lines: SourceLines) -> Option<String> {
        let all: Vec<&str> = self.text.lines().collect();
        let from = usize::try_from(lines.from).ok()?;
        let to = usize::try_from(lines.to).ok()?;
        (to <= all.len()).then(|| squeeze(&all[from - 1..to].join("")))
    }
}

/// Text as compared with the source: without whitespace, the PDF's `<p>` marks, and a
/// trailing full stop.
pub fn squeeze(s: &str) -> String {
    let s: String = s
        .replace("<p>", "")
        .replace("</p>", "")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    s.trim_end_matches('。').to_owned()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedTask {
    pub number: i32,
    /// The action's `seq`.
    pub action: i32,
    pub title: String,
    pub paragraph: String,
    pub provenance: String,
    /// The lines of the source's main text the paragraph is on.
    pub source_lines: Option<SourceLines>,
}

/// A numbered work item with its units resolved and its deadlines read.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedItem {
    pub number: i32,
    /// The task's `number`.
    pub task: i32,
    pub text: String,
    /// 牵头单位 as written in the table.
    pub lead_text: Vec<String>,
    /// 责任单位 as written in the table.
    pub responsible_text: Vec<String>,
    /// Lead units, canonical names, in table order, without repeats.
    pub leads: Vec<UnitName>,
    /// One per responsible unit after group phrases are expanded, in table order.
    pub assignments: Vec<SeedAssignment>,
    pub milestones: Vec<SeedMilestone>,
    pub targets: Vec<SeedTarget>,
    pub provenance: String,
    /// The lines of the source's allocation table the item is on.
    pub source_lines: Option<SourceLines>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedAssignment {
    pub unit: UnitName,
    /// The phrase that produced it: the unit's own name, a group phrase, or an alias.
    pub via: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedMilestone {
    /// The phrase as written.
    pub phrase: String,
    pub deadline: Deadline,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SeedTarget {
    pub metric: String,
    pub value: f64,
    pub unit: String,
    pub direction: Direction,
    pub year: i32,
    /// The words the target was read from: the item's text, or (when the main text, the
    /// authority, gives another figure) the task's main-text paragraph.
    pub quote: String,
    /// Where the figure differs between the table and the main text, or comes from one only.
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedNote {
    pub kind: NoteKind,
    pub item: Option<i32>,
    pub task: Option<i32>,
    /// An action's `seq` (a note on an action's title).
    pub action: Option<i32>,
    pub field: String,
    pub table_says: String,
    /// What the main text says (discrepancy) or what it was corrected to (correction).
    pub other_says: String,
    /// Why, in Chinese.
    pub note: String,
}
