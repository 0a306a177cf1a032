//! `plans/<code>.toml`: a plan's actions, tasks, numbered work items, targets, and the notes
//! on where the source was corrected or disagrees with itself.

use crate::units::UnitIndex;
use crate::{invalid, require_text, SeedError};
use sanzhi_domain::{parse_deadline, Deadline, Direction, NoteKind, UnitName};
use std::collections::BTreeSet;

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
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedTask {
    pub number: i32,
    /// The action's `seq`.
    pub action: i32,
    pub title: String,
    pub paragraph: String,
    pub provenance: String,
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
    /// The words of the item's text the target was read from.
    pub quote: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedNote {
    pub kind: NoteKind,
    pub item: Option<i32>,
    pub task: Option<i32>,
    pub field: String,
    pub table_says: String,
    /// What the main text says (discrepancy) or what it was corrected to (correction).
    pub other_says: String,
    /// Why, in Chinese.
    pub note: String,
}

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
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Task {
        pub number: i32,
        pub action: i32,
        pub title: String,
        pub paragraph: String,
        pub provenance: String,
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
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Correction {
        pub item: Option<i32>,
        pub task: Option<i32>,
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
) -> Result<PlanBody, SeedError> {
    let f: raw::File = crate::from_toml(file, text)?;
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

    let mut actions = Vec::new();
    for (i, a) in f.action.iter().enumerate() {
        let record = format!("第 {} 条 [[action]] (seq = {})", i + 1, a.seq);
        require_text(file, &record, "title", &a.title)?;
        require_text(file, &record, "provenance", &a.provenance)?;
        actions.push(SeedAction {
            seq: a.seq,
            title: a.title.trim().to_owned(),
            provenance: a.provenance.trim().to_owned(),
        });
    }
    check_numbering(file, "action", "seq", actions.iter().map(|a| a.seq))?;
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
        tasks.push(SeedTask {
            number: t.number,
            action: t.action,
            title: t.title.trim().to_owned(),
            paragraph: t.paragraph.trim().to_owned(),
            provenance: t.provenance.trim().to_owned(),
        });
    }
    check_numbering(file, "task", "number", tasks.iter().map(|t| t.number))?;
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
        });
    }
    check_numbering(file, "item", "number", items.iter().map(|i| i.number))?;

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
        if !item.text.contains(t.quote.as_str()) || t.quote.trim().is_empty() {
            return Err(invalid(
                file,
                &record,
                "quote",
                format!("引文“{}”不在工作要求 ({}) 原文中", t.quote, t.item),
            ));
        }
        item.targets.push(SeedTarget {
            metric: t.metric.trim().to_owned(),
            value: t.value,
            unit: t.unit.trim().to_owned(),
            direction,
            year: t.year,
            quote: t.quote.clone(),
        });
    }

    let item_numbers: BTreeSet<i32> = items.iter().map(|i| i.number).collect();
    let mut notes = Vec::new();
    let check_ref = |record: &str, item: Option<i32>, task: Option<i32>| {
        if item.is_none() && task.is_none() {
            return Err(invalid(file, record, "item", "须指明 item 或 task"));
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
        check_ref(&record, c.item, c.task)?;
        require_text(file, &record, "reason", &c.reason)?;
        notes.push(SeedNote {
            kind: NoteKind::Correction,
            item: c.item,
            task: c.task,
            field: c.field.clone(),
            table_says: c.table_says.clone(),
            other_says: c.corrected_to.clone(),
            note: c.reason.clone(),
        });
    }
    for (i, d) in f.discrepancy.iter().enumerate() {
        let record = format!("第 {} 条 [[discrepancy]]", i + 1);
        check_ref(&record, d.item, d.task)?;
        require_text(file, &record, "note", &d.note)?;
        notes.push(SeedNote {
            kind: NoteKind::Discrepancy,
            item: d.item,
            task: d.task,
            field: d.field.clone(),
            table_says: d.table_says.clone(),
            other_says: d.main_text_says.clone(),
            note: d.note.clone(),
        });
    }

    Ok(PlanBody {
        table_year: f.table_year,
        table_responsible: f.table_responsible,
        actions,
        tasks,
        items,
        notes,
    })
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
