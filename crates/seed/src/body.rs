//! `plans/<code>.toml`: a plan's actions, tasks, numbered work items, targets, and the notes
//! on where the source was corrected or disagrees with itself.

use crate::units::UnitIndex;
use crate::{invalid, require_text, SeedError};
use sanzhi_domain::{parse_deadline, Direction, NoteKind, UnitName};
use sanzhi_model::{
    squeeze, PlanBody, SeedAction, SeedAssignment, SeedItem, SeedMilestone, SeedNote, SeedTarget,
    SeedTask, SourceDocument, SourceLines,
};
use std::collections::BTreeSet;

mod raw {
    use serde::Deserialize;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct File {
        pub plan: String,
        pub table_year: i32,
        #[serde(default)]
        pub table_responsible: Vec<String>,
        #[serde(default)]
        pub table_responsible_provenance: Option<String>,
        #[serde(default)]
        pub action: Vec<Action>,
        #[serde(default)]
        pub task: Vec<Task>,
        #[serde(default)]
        pub item: Vec<Item>,
        #[serde(default)]
        pub target: Vec<Target>,
        #[serde(default)]
        pub correction: Vec<Correction>,
        #[serde(default)]
        pub discrepancy: Vec<Discrepancy>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Action {
        pub seq: i32,
        pub title: String,
        pub provenance: String,
        #[serde(default)]
        pub source_lines: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Task {
        pub number: i32,
        pub action: i32,
        pub title: String,
        pub paragraph: String,
        pub provenance: String,
        #[serde(default)]
        pub source_lines: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Item {
        pub number: i32,
        pub task: i32,
        pub text: String,
        #[serde(default)]
        pub lead: Vec<String>,
        #[serde(default)]
        pub responsible: Vec<String>,
        #[serde(default)]
        pub deadlines: Vec<String>,
        pub provenance: String,
        #[serde(default)]
        pub source_lines: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Target {
        pub item: i32,
        pub metric: String,
        pub value: f64,
        pub unit: String,
        pub direction: String,
        pub year: i32,
        pub quote: String,
        #[serde(default)]
        pub note: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Correction {
        pub item: Option<i32>,
        pub task: Option<i32>,
        #[serde(default)]
        pub action: Option<i32>,
        pub field: String,
        pub table_says: String,
        pub corrected_to: String,
        pub reason: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Discrepancy {
        pub item: Option<i32>,
        pub task: Option<i32>,
        #[serde(default)]
        pub action: Option<i32>,
        pub field: String,
        pub table_says: String,
        pub main_text_says: String,
        pub note: String,
    }
}

/// Reads `plans/<code>.toml` for the plan `code`.
pub(crate) fn parse(
    file: &str,
    text: &str,
    code: &str,
    units: &UnitIndex,
    source: Option<&SourceDocument>,
) -> Result<PlanBody, SeedError> {
    let f: raw::File = crate::from_toml(file, text)?;
    let cx = BodyFile {
        file,
        units,
        source,
    };
    cx.check_header(&f, code)?;
    let actions = cx.actions(&f)?;
    let tasks = cx.tasks(&f, &actions)?;
    let mut items = cx.items(&f, &tasks)?;
    cx.targets(&f, &tasks, &mut items)?;
    let notes = cx.notes(&f, &actions, &tasks, &items)?;
    Ok(PlanBody {
        table_year: f.table_year,
        table_responsible: f.table_responsible,
        actions,
        tasks,
        items,
        notes,
    })
}

/// A plan file as it is read: its name (for messages), the units its phrases resolve to,
/// and the plan's source document its `source_lines` point into.
struct BodyFile<'a> {
    file: &'a str,
    units: &'a UnitIndex,
    source: Option<&'a SourceDocument>,
}

impl BodyFile<'_> {
    /// `source_lines` must name lines of the plan's source document that hold `wanted`.
    fn lines_of(
        &self,
        record: &str,
        given: &Option<String>,
        wanted: &str,
    ) -> Result<Option<SourceLines>, SeedError> {
        let (file, source) = (self.file, self.source);
        let Some(given) = given else {
            return Ok(None);
        };
        let Some(doc) = source else {
            return Err(invalid(
                file,
                record,
                "source_lines",
                "方案未指明原文文件（plans.toml 的 source），不能引用行号",
            ));
        };
        let lines = SourceLines::parse(given).ok_or_else(|| {
            invalid(
                file,
                record,
                "source_lines",
                format!("“{given}”应为行号，如 118 或 42-44"),
            )
        })?;
        let there = doc.squeezed(lines).ok_or_else(|| {
            invalid(
                file,
                record,
                "source_lines",
                format!("{} 没有第 {given} 行", doc.name),
            )
        })?;
        if !there.contains(&squeeze(wanted)) {
            return Err(invalid(
                file,
                record,
                "source_lines",
                format!("{} 第 {given} 行中找不到本条的原文", doc.name),
            ));
        }
        Ok(Some(lines))
    }

    /// The file is the plan's, its table year plausible, its table-wide units known.
    fn check_header(&self, f: &raw::File, code: &str) -> Result<(), SeedError> {
        let (file, units) = (self.file, self.units);
        let header = "文件头";
        if f.plan != code {
            return Err(invalid(
                file,
                header,
                "plan",
                format!("应为“{code}”，实为“{}”", f.plan),
            ));
        }
        if !(1949..=2100).contains(&f.table_year) {
            return Err(invalid(file, header, "table_year", "年份超出 1949–2100"));
        }
        if !f.table_responsible.is_empty() {
            let prov = f
                .table_responsible_provenance
                .as_deref()
                .unwrap_or_default();
            require_text(file, header, "table_responsible_provenance", prov)?;
            for phrase in &f.table_responsible {
                units
                    .expand(phrase)
                    .map_err(|reason| invalid(file, header, "table_responsible", reason))?;
            }
        }
        Ok(())
    }

    /// The actions, numbered 1, 2, 3, ….
    fn actions(&self, f: &raw::File) -> Result<Vec<SeedAction>, SeedError> {
        let file = self.file;
        let lines_of = |r: &str, g: &Option<String>, w: &str| self.lines_of(r, g, w);
        let mut actions = Vec::new();
        for (i, a) in f.action.iter().enumerate() {
            let record = format!("第 {} 条 [[action]] (seq = {})", i + 1, a.seq);
            require_text(file, &record, "title", &a.title)?;
            require_text(file, &record, "provenance", &a.provenance)?;
            let source_lines = lines_of(&record, &a.source_lines, &a.title)?;
            actions.push(SeedAction {
                seq: a.seq,
                title: a.title.trim().to_owned(),
                provenance: a.provenance.trim().to_owned(),
                source_lines,
            });
        }
        check_numbering(file, "action", "seq", actions.iter().map(|a| a.seq))?;
        Ok(actions)
    }

    /// The tasks, numbered 1, 2, 3, …, each under an action.
    fn tasks(&self, f: &raw::File, actions: &[SeedAction]) -> Result<Vec<SeedTask>, SeedError> {
        let file = self.file;
        let lines_of = |r: &str, g: &Option<String>, w: &str| self.lines_of(r, g, w);
        let action_seqs: BTreeSet<i32> = actions.iter().map(|a| a.seq).collect();

        let mut tasks = Vec::new();
        for (i, t) in f.task.iter().enumerate() {
            let record = format!("第 {} 条 [[task]] (number = {})", i + 1, t.number);
            require_text(file, &record, "title", &t.title)?;
            require_text(file, &record, "paragraph", &t.paragraph)?;
            require_text(file, &record, "provenance", &t.provenance)?;
            if !action_seqs.contains(&t.action) {
                return Err(invalid(
                    file,
                    &record,
                    "action",
                    format!("行动 {} 不存在", t.action),
                ));
            }
            let source_lines = lines_of(&record, &t.source_lines, &t.paragraph)?;
            tasks.push(SeedTask {
                number: t.number,
                action: t.action,
                title: t.title.trim().to_owned(),
                paragraph: t.paragraph.trim().to_owned(),
                provenance: t.provenance.trim().to_owned(),
                source_lines,
            });
        }
        check_numbering(file, "task", "number", tasks.iter().map(|t| t.number))?;
        Ok(tasks)
    }

    /// The work items, numbered 1, 2, 3, …, each under a task, with units and deadlines.
    fn items(&self, f: &raw::File, tasks: &[SeedTask]) -> Result<Vec<SeedItem>, SeedError> {
        let (file, units) = (self.file, self.units);
        let lines_of = |r: &str, g: &Option<String>, w: &str| self.lines_of(r, g, w);
        let task_numbers: BTreeSet<i32> = tasks.iter().map(|t| t.number).collect();

        let mut items = Vec::new();
        for (i, it) in f.item.iter().enumerate() {
            let record = format!("第 {} 条 [[item]] (number = {})", i + 1, it.number);
            require_text(file, &record, "text", &it.text)?;
            require_text(file, &record, "provenance", &it.provenance)?;
            if !task_numbers.contains(&it.task) {
                return Err(invalid(
                    file,
                    &record,
                    "task",
                    format!("任务 {} 不存在", it.task),
                ));
            }
            let mut leads: Vec<UnitName> = Vec::new();
            for phrase in &it.lead {
                for (unit, _) in units
                    .expand(phrase)
                    .map_err(|reason| invalid(file, &record, "lead", reason))?
                {
                    if !leads.contains(&unit) {
                        leads.push(unit);
                    }
                }
            }
            let mut assignments: Vec<SeedAssignment> = Vec::new();
            for phrase in it.responsible.iter().chain(&f.table_responsible) {
                for (unit, via) in units
                    .expand(phrase)
                    .map_err(|reason| invalid(file, &record, "responsible", reason))?
                {
                    if !assignments.iter().any(|a| a.unit == unit) {
                        assignments.push(SeedAssignment { unit, via });
                    }
                }
            }
            let mut milestones = Vec::new();
            for phrase in &it.deadlines {
                if !it.text.contains(phrase.as_str()) {
                    return Err(invalid(
                        file,
                        &record,
                        "deadlines",
                        format!("时限“{phrase}”不在工作要求原文中"),
                    ));
                }
                let deadline = parse_deadline(phrase, f.table_year)
                    .map_err(|e| invalid(file, &record, "deadlines", e.to_string()))?;
                milestones.push(SeedMilestone {
                    phrase: phrase.clone(),
                    deadline,
                });
            }
            let source_lines = lines_of(&record, &it.source_lines, &it.text)?;
            items.push(SeedItem {
                number: it.number,
                task: it.task,
                text: it.text.trim().to_owned(),
                lead_text: it.lead.clone(),
                responsible_text: it.responsible.clone(),
                leads,
                assignments,
                milestones,
                targets: Vec::new(),
                provenance: it.provenance.trim().to_owned(),
                source_lines,
            });
        }
        check_numbering(file, "item", "number", items.iter().map(|i| i.number))?;
        Ok(items)
    }

    /// The targets, each on its item, quoting the item's words or its task's paragraph.
    fn targets(
        &self,
        f: &raw::File,
        tasks: &[SeedTask],
        items: &mut [SeedItem],
    ) -> Result<(), SeedError> {
        let file = self.file;
        for (i, t) in f.target.iter().enumerate() {
            let record = format!("第 {} 条 [[target]] (item = {})", i + 1, t.item);
            let Some(item) = items.iter_mut().find(|it| it.number == t.item) else {
                return Err(invalid(
                    file,
                    &record,
                    "item",
                    format!("工作要求 ({}) 不存在", t.item),
                ));
            };
            require_text(file, &record, "metric", &t.metric)?;
            require_text(file, &record, "unit", &t.unit)?;
            let direction = Direction::parse(&t.direction)
                .map_err(|e| invalid(file, &record, e.field, e.reason))?;
            if !t.value.is_finite() {
                return Err(invalid(file, &record, "value", "不是有限数值"));
            }
            let note = t
                .note
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_owned);
            // The quote is the item's own words, or — where the main text (the authority) gives
            // another figure — the words of the task's main-text paragraph, with a note saying so.
            let paragraph = tasks
                .iter()
                .find(|task| task.number == item.task)
                .map(|task| task.paragraph.as_str())
                .unwrap_or_default();
            let in_item = item.text.contains(t.quote.as_str());
            if t.quote.trim().is_empty() || !(in_item || paragraph.contains(t.quote.as_str())) {
                return Err(invalid(
                    file,
                    &record,
                    "quote",
                    format!(
                        "引文“{}”不在工作要求 ({}) 原文中，也不在其任务的正文段落中",
                        t.quote, t.item
                    ),
                ));
            }
            if !in_item && note.is_none() {
                return Err(invalid(
                    file,
                    &record,
                    "note",
                    "引文取自正文而非分工表，须用 note 说明两者的差异",
                ));
            }
            item.targets.push(SeedTarget {
                metric: t.metric.trim().to_owned(),
                value: t.value,
                unit: t.unit.trim().to_owned(),
                direction,
                year: t.year,
                quote: t.quote.clone(),
                note,
            });
        }
        Ok(())
    }

    /// The notes on where the source was corrected or disagrees with itself, each on one
    /// item, task or action.
    fn notes(
        &self,
        f: &raw::File,
        actions: &[SeedAction],
        tasks: &[SeedTask],
        items: &[SeedItem],
    ) -> Result<Vec<SeedNote>, SeedError> {
        let file = self.file;
        let action_seqs: BTreeSet<i32> = actions.iter().map(|a| a.seq).collect();
        let task_numbers: BTreeSet<i32> = tasks.iter().map(|t| t.number).collect();
        let item_numbers: BTreeSet<i32> = items.iter().map(|i| i.number).collect();
        let mut notes = Vec::new();
        let check_ref =
            |record: &str, item: Option<i32>, task: Option<i32>, action: Option<i32>| {
                let named = [item, task, action].iter().filter(|r| r.is_some()).count();
                if named != 1 {
                    return Err(invalid(
                        file,
                        record,
                        "item",
                        "须指明 item、task 或 action 之一",
                    ));
                }
                if let Some(n) = action.filter(|n| !action_seqs.contains(n)) {
                    return Err(invalid(file, record, "action", format!("行动 {n} 不存在")));
                }
                if let Some(n) = item.filter(|n| !item_numbers.contains(n)) {
                    return Err(invalid(
                        file,
                        record,
                        "item",
                        format!("工作要求 ({n}) 不存在"),
                    ));
                }
                if let Some(n) = task.filter(|n| !task_numbers.contains(n)) {
                    return Err(invalid(file, record, "task", format!("任务 {n} 不存在")));
                }
                Ok(())
            };
        for (i, c) in f.correction.iter().enumerate() {
            let record = format!("第 {} 条 [[correction]]", i + 1);
            check_ref(&record, c.item, c.task, c.action)?;
            require_text(file, &record, "reason", &c.reason)?;
            notes.push(SeedNote {
                kind: NoteKind::Correction,
                item: c.item,
                task: c.task,
                action: c.action,
                field: c.field.clone(),
                table_says: c.table_says.clone(),
                other_says: c.corrected_to.clone(),
                note: c.reason.clone(),
            });
        }
        for (i, d) in f.discrepancy.iter().enumerate() {
            let record = format!("第 {} 条 [[discrepancy]]", i + 1);
            check_ref(&record, d.item, d.task, d.action)?;
            require_text(file, &record, "note", &d.note)?;
            notes.push(SeedNote {
                kind: NoteKind::Discrepancy,
                item: d.item,
                task: d.task,
                action: d.action,
                field: d.field.clone(),
                table_says: d.table_says.clone(),
                other_says: d.main_text_says.clone(),
                note: d.note.clone(),
            });
        }
        Ok(notes)
    }
}

/// Numbers must run 1, 2, 3, … without gaps or repeats, in file order.
fn check_numbering(
    file: &str,
    kind: &str,
    field: &str,
    numbers: impl Iterator<Item = i32>,
) -> Result<(), SeedError> {
    for (i, n) in numbers.enumerate() {
        let expected = i32::try_from(i + 1).unwrap_or(i32::MAX);
        if n != expected {
            return Err(invalid(
                file,
                &format!("第 {} 条 [[{kind}]]", i + 1),
                field,
                format!("编号应为 {expected}（须从 1 起连续、不重复），实为 {n}"),
            ));
        }
    }
    Ok(())
}
