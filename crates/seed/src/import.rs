//! A plan assembled from an imported allocation table (工作任务分工表): the rows the
//! exchange crate read, plus the plan's header fields from a form, into a [`SeedPlan`] that
//! the store loads exactly like a seeded plan.
//!
//! - Actions are numbered by the first appearance of their 行动 text, tasks by the first
//!   appearance of their 任务 text within the action (task numbers run through the plan, as
//!   in the gazette); a leading “（一）” / “一、” / “1.” is dropped from the titles.
//! - Item numbers come from the 序号 column (“1”, “(1)”, “（1）”, “1.”), or from the row order
//!   when there is none. Rows repeating an item (an exported table has one row per
//!   responsible unit) are merged when they say the same; otherwise the number is a problem.
//! - Unit phrases resolve through the [`UnitIndex`] (names, aliases, group phrases such as
//!   各县(市、区)政府), or through the request's `unit_map {phrase → existing unit}`; the
//!   phrases that resolve to nothing are listed as unknown units.
//! - Deadline phrases are read with the plan's start year.
//!
//! Every problem is collected (row, column, reason in Chinese), not only the first.

use crate::{PlanBody, SeedError, UnitIndex};
use crate::{SeedAction, SeedAssignment, SeedGroup, SeedItem, SeedMilestone, SeedPlan, SeedTask};
use sanzhi_domain::{parse_deadline, Period, PlanCode, PlanStatus, RowProblem, UnitKind, UnitName};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One row of the table: cells trimmed, lists already split into phrases.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportRow {
    /// The row number a spreadsheet shows.
    pub row: u64,
    pub number: String,
    pub action: String,
    pub task: String,
    pub item: String,
    pub lead: Vec<String>,
    pub responsible: Vec<String>,
    pub deadlines: Vec<String>,
}

/// The headers of the file's columns, to name them in problems (the field's Chinese name
/// when the file has no such column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnNames {
    pub number: Option<String>,
    pub action: Option<String>,
    pub task: Option<String>,
    pub item: String,
    pub lead: Option<String>,
    pub responsible: String,
    pub deadline: Option<String>,
}

impl Default for ColumnNames {
    fn default() -> Self {
        ColumnNames {
            number: Some("序号".into()),
            action: Some("行动".into()),
            task: Some("任务".into()),
            item: "工作要求".into(),
            lead: Some("牵头单位".into()),
            responsible: "责任单位".into(),
            deadline: Some("时限".into()),
        }
    }
}

/// The plan's header, as the form gives it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanHeader {
    pub code: String,
    pub title: String,
    pub short_name: String,
    /// The short name in English; empty: the Chinese one is shown in English pages.
    #[serde(default)]
    pub short_name_en: String,
    /// `draft` (the default: not visible to units until an admin puts it into effect) or
    /// `active`. A plan that exists already keeps its status.
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub doc_no: String,
    /// The owner unit: a name, an alias, or a phrase of `unit_map`.
    pub owner: String,
    pub start_year: String,
    pub end_year: String,
    /// `YYYY-MM-DD`; the plan's first day (1 January of the start year) when empty.
    #[serde(default)]
    pub issued_on: String,
    /// Goal paragraphs; none keeps the goals a stored plan has.
    #[serde(default)]
    pub goals: Vec<String>,
}

/// The plan's title and 文号 as the rows above a table's header give them, for the preview
/// to offer (never applied without the user).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeaderHint {
    pub title: Option<String>,
    pub doc_no: Option<String>,
}

/// Reads a title and a 文号 from the rows above a table's header: “附件1 衢州市某某行动方案
/// 重点任务分工表”, “衢政办发〔2018〕43号”.
pub fn header_hint(above: &[String]) -> HeaderHint {
    let mut hint = HeaderHint::default();
    for row in above {
        if hint.doc_no.is_none() {
            hint.doc_no = doc_no_in(row);
        }
    }
    for row in above {
        let mut t = row.trim().to_owned();
        if let Some(d) = &hint.doc_no {
            t = t.replace(d.as_str(), "");
        }
        let t = t
            .trim()
            .trim_start_matches("文号")
            .trim_start_matches([':', '：']);
        // “附件1”, “附件：”.
        let t = match t.strip_prefix("附件") {
            Some(r) => r
                .trim_start_matches(|c: char| {
                    c.is_ascii_digit() || "一二三四五六七八九十".contains(c)
                })
                .trim_start_matches([':', '：', ' ', '\u{3000}']),
            None => t,
        };
        // “（截至 2019-03-31）” and other remarks in brackets at the end.
        let mut t = t.trim();
        while let Some(open) = t.rfind(['（', '(']) {
            if t.ends_with(['）', ')']) && open > 0 {
                t = t[..open].trim();
            } else {
                break;
            }
        }
        let mut table_suffix = false;
        for suffix in [
            "重点工作任务分工表",
            "工作任务分工表",
            "重点任务分工表",
            "任务分工表",
            "重点任务分解表",
            "任务分解表",
            "责任分工表",
            "分工表",
            "分解表",
        ] {
            if let Some(r) = t.strip_suffix(suffix) {
                t = r.trim();
                table_suffix = true;
                break;
            }
        }
        let named = ["方案", "计划", "意见", "规划", "行动", "要点", "实施"]
            .iter()
            .any(|w| t.contains(w));
        let n = t.chars().count();
        if (named || table_suffix) && (4..=200).contains(&n) {
            hint.title = Some(t.to_owned());
            break;
        }
    }
    hint
}

/// “衢政办发〔2018〕43号” (also with [], ()、（）、【】 around the year) in `s`.
fn doc_no_in(s: &str) -> Option<String> {
    let chars: Vec<char> = s.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        let close = match c {
            '〔' => '〕',
            '[' => ']',
            '（' => '）',
            '(' => ')',
            '【' => '】',
            _ => continue,
        };
        let year: String = chars.iter().skip(i + 1).take(4).collect();
        if year.chars().count() != 4 || !year.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        if chars.get(i + 5) != Some(&close) {
            continue;
        }
        let digits = chars
            .iter()
            .skip(i + 6)
            .take_while(|c| c.is_ascii_digit())
            .count();
        if digits == 0 || chars.get(i + 6 + digits) != Some(&'号') {
            continue;
        }
        // The issuer before the bracket: Chinese characters only (“衢政办发”).
        let start = (0..i)
            .rev()
            .take_while(|j| ('\u{4e00}'..='\u{9fff}').contains(&chars[*j]))
            .last()?;
        if i - start > 12 {
            continue;
        }
        return Some(chars[start..=i + 6 + digits].iter().collect());
    }
    None
}

/// A problem with a field of the form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldProblem {
    /// `code`, `title`, … as in [`PlanHeader`].
    pub field: String,
    pub reason: String,
}

/// A unit phrase of the table that names no known unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnknownUnit {
    pub phrase: String,
    /// Where it is: (row, column header), in table order.
    pub places: Vec<(u64, String)>,
    /// The existing unit it most likely means (a truncated or misspelt name).
    #[serde(default)]
    pub suggestion: Option<String>,
}

/// What assembling found. `plan` is `Some` only when there is no problem at all.
#[derive(Debug, Clone, PartialEq)]
pub struct Assembled {
    pub plan: Option<SeedPlan>,
    pub form_problems: Vec<FieldProblem>,
    pub problems: Vec<RowProblem>,
    pub unknown_units: Vec<UnknownUnit>,
    pub notes: Vec<String>,
    /// Deadline phrases the grammar could not read: kept as written, undated and 待确认 on
    /// their items (never a reason to refuse the file). Row, column and why, in table order.
    pub unconfirmed: Vec<RowProblem>,
}

/// A unit index from the database's units (name, kind) and aliases (alias, unit), with the
/// groups whose members all exist.
pub fn unit_index(
    units: &[(String, UnitKind)],
    aliases: &[(String, String)],
    groups: &[SeedGroup],
) -> Result<UnitIndex, SeedError> {
    let q = |s: &str| toml_string(s);
    let mut text = String::new();
    for (name, kind) in units {
        let own: Vec<String> = aliases
            .iter()
            .filter(|(_, u)| u == name)
            .map(|(a, _)| q(a))
            .collect();
        text.push_str(&format!(
            "[[unit]]\nname = {}\nkind = {}\naliases = [{}]\nprovenance = \"数据库\"\n\n",
            q(name),
            q(kind.as_str()),
            own.join(", ")
        ));
    }
    for g in groups {
        if g.members
            .iter()
            .all(|m| units.iter().any(|(n, _)| n == m.as_str()))
            && !units.iter().any(|(n, _)| *n == g.phrase)
            && !aliases.iter().any(|(a, _)| *a == g.phrase)
        {
            let members: Vec<String> = g.members.iter().map(|m| q(m.as_str())).collect();
            text.push_str(&format!(
                "[[group]]\nphrase = {}\nmembers = [{}]\nprovenance = \"units.toml\"\n\n",
                q(&g.phrase),
                members.join(", ")
            ));
        }
    }
    crate::units::parse(&text).map(|(_, _, index)| index)
}

fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Brackets as the other width: the tables mix “(市、区)” and “（市、区）”.
fn bracket_variants(p: &str) -> [String; 3] {
    [
        p.to_owned(),
        p.replace('（', "(").replace('）', ")"),
        p.replace('(', "（").replace(')', "）"),
    ]
}

/// The units a phrase stands for: the index, then the unit map — whose value names a unit,
/// a group, or several of either (“市环保局、市住建局”); `None` when unknown.
fn expand(
    units: &UnitIndex,
    unit_map: &BTreeMap<String, String>,
    phrase: &str,
) -> Option<Vec<(UnitName, String)>> {
    let direct = |p: &str| {
        bracket_variants(p.trim())
            .into_iter()
            .find_map(|v| units.expand(&v).ok())
    };
    let via = phrase.trim().to_owned();
    if let Some(found) = direct(phrase) {
        return Some(found.into_iter().map(|(u, _)| (u, via.clone())).collect());
    }
    let mapped = unit_map.get(phrase.trim())?;
    let mut out: Vec<(UnitName, String)> = Vec::new();
    for part in split_units(mapped) {
        for (u, _) in direct(&part)? {
            if !out.iter().any(|(x, _)| *x == u) {
                out.push((u, via.clone()));
            }
        }
    }
    (!out.is_empty()).then_some(out)
}

/// “市环保局、市住建局” → both; brackets keep their commas (“各县(市、区)政府”).
pub fn split_units(s: &str) -> Vec<String> {
    sanzhi_domain::unit::split_units(s)
}

/// “（一）行动” → “行动”, “一、行动” → “行动”, “1. 任务” → “任务”.
pub fn strip_heading_number(s: &str) -> String {
    let t = s.trim();
    let is_num = |c: char| c.is_ascii_digit() || "一二三四五六七八九十百零〇".contains(c);
    let rest = if let Some(r) = t.strip_prefix(['(', '（']) {
        match r.find([')', '）']) {
            Some(end) if !r[..end].is_empty() && r[..end].chars().all(is_num) => {
                &r[end + r[end..].chars().next().map_or(1, char::len_utf8)..]
            }
            _ => t,
        }
    } else {
        let digits: usize = t
            .chars()
            .take_while(|c| is_num(*c))
            .map(char::len_utf8)
            .sum();
        let after = &t[digits..];
        match after.chars().next() {
            Some(sep @ ('.' | '．' | '、' | '，' | ',')) if digits > 0 => {
                &after[sep.len_utf8()..]
            }
            _ => t,
        }
    };
    let rest = rest.trim();
    if rest.is_empty() {
        t.to_owned()
    } else {
        rest.to_owned()
    }
}

/// “1”, “(1)”, “（12）”, “1.”, “第3项” → the number.
fn item_number(s: &str) -> Option<i32> {
    let t: String = s
        .trim()
        .trim_start_matches('第')
        .trim_end_matches(['项', '条', '.', '．', '、'])
        .chars()
        .filter(|c| !matches!(c, '(' | ')' | '（' | '）' | ' '))
        .collect();
    if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    t.parse().ok().filter(|n| *n >= 1)
}

/// A deadline phrase longer than this is not kept 待确认 but refused: no real 完成时限 cell is
/// this long, and the phrase would be stored as written.
pub const MAX_DEADLINE_CHARS: usize = 200;

/// Assembles the plan; see the module docs.
///
/// `unassigned` lists unit phrases the user keeps without units for now (“市级有关部门” until
/// the coordinator says who): the item keeps the phrase in its text, with no assignment for it.
pub fn assemble(
    header: &PlanHeader,
    rows: &[ImportRow],
    columns: &ColumnNames,
    units: &UnitIndex,
    unit_map: &BTreeMap<String, String>,
    unassigned: &std::collections::BTreeSet<String>,
) -> Assembled {
    let mut form_problems = Vec::new();
    let mut problems: Vec<RowProblem> = Vec::new();
    let mut notes = Vec::new();
    let mut unconfirmed: Vec<RowProblem> = Vec::new();
    let mut kept_unassigned: std::collections::BTreeSet<String> = Default::default();
    let mut unknown: BTreeMap<String, Vec<(u64, String)>> = BTreeMap::new();
    let mut form = |field: &str, reason: String| {
        form_problems.push(FieldProblem {
            field: field.to_owned(),
            reason,
        })
    };

    // The header.
    let code = PlanCode::parse(header.code.trim())
        .map_err(|e| form("code", e.reason))
        .ok();
    for (field, value, label) in [
        ("title", &header.title, "方案标题"),
        ("short_name", &header.short_name, "简称"),
    ] {
        if value.trim().is_empty() {
            form(field, format!("{label}不能为空"));
        } else if value.trim().chars().count() > 200 {
            form(field, format!("{label}不能超过 200 个字"));
        }
    }
    if header.short_name_en.trim().chars().count() > 200 {
        form("short_name_en", "英文简称不能超过 200 个字符".to_owned());
    }
    let status = match header.status.trim() {
        "" | "draft" => PlanStatus::Draft,
        "active" => PlanStatus::Active,
        other => {
            form(
                "status",
                format!("导入的方案状态“{other}”无效，应为 draft（草稿）或 active（实施中）"),
            );
            PlanStatus::Draft
        }
    };
    let year = |field: &str, s: &str, form: &mut dyn FnMut(&str, String)| -> Option<i32> {
        match s.trim().trim_end_matches('年').parse::<i32>() {
            Ok(y) => Some(y),
            Err(_) => {
                form(field, format!("“{}”不是年份，应写作 2018", s.trim()));
                None
            }
        }
    };
    let start = year("start_year", &header.start_year, &mut form);
    let end = year("end_year", &header.end_year, &mut form);
    let period = match (start, end) {
        (Some(s), Some(e)) => Period::new(s, e)
            .map_err(|e| form("end_year", e.reason))
            .ok(),
        _ => None,
    };
    let issued_on = if header.issued_on.trim().is_empty() {
        period.and_then(|p| chrono::NaiveDate::from_ymd_opt(p.start_year(), 1, 1))
    } else {
        chrono::NaiveDate::parse_from_str(header.issued_on.trim(), "%Y-%m-%d")
            .map_err(|_| {
                form(
                    "issued_on",
                    format!("“{}”不是日期，应写作 2018-06-01", header.issued_on.trim()),
                )
            })
            .ok()
    };
    let owner = if header.owner.trim().is_empty() {
        form("owner", "牵头（主管）单位不能为空".to_owned());
        None
    } else {
        match expand(units, unit_map, &header.owner) {
            Some(found) if found.len() == 1 => Some(found[0].0.clone()),
            Some(_) => {
                form(
                    "owner",
                    format!("“{}”是一组单位，主管单位须为一个单位", header.owner.trim()),
                );
                None
            }
            None => {
                form(
                    "owner",
                    format!("单位“{}”不在单位表中", header.owner.trim()),
                );
                None
            }
        }
    };
    let plan_year = period.map_or(2018, |p| p.start_year());

    // The body.
    let col = |c: &Option<String>, fallback: &str| c.clone().unwrap_or_else(|| fallback.to_owned());
    let mut actions: Vec<SeedAction> = Vec::new();
    let mut tasks: Vec<SeedTask> = Vec::new();
    let mut items: Vec<SeedItem> = Vec::new();
    // Item number → (row it came from, the row's content) for repeats.
    let mut seen: BTreeMap<i32, (u64, ImportRow)> = BTreeMap::new();
    let mut merged = 0usize;
    for (i, r) in rows.iter().enumerate() {
        let number = match &columns.number {
            None => i32::try_from(i + 1).ok(),
            Some(h) => match item_number(&r.number) {
                Some(n) => Some(n),
                None => {
                    problems.push(RowProblem {
                        row: r.row,
                        column: h.clone(),
                        reason: if r.number.trim().is_empty() {
                            "序号为空".to_owned()
                        } else {
                            format!("序号“{}”不是正整数（可写作 1、(1) 或 1.）", r.number.trim())
                        },
                    });
                    None
                }
            },
        };
        if let Some(n) = number {
            if let Some((first, was)) = seen.get(&n) {
                let same = |a: &ImportRow, b: &ImportRow| {
                    (
                        &a.action,
                        &a.task,
                        &a.item,
                        &a.lead,
                        &a.responsible,
                        &a.deadlines,
                    ) == (
                        &b.action,
                        &b.task,
                        &b.item,
                        &b.lead,
                        &b.responsible,
                        &b.deadlines,
                    )
                };
                if same(was, r) {
                    merged += 1;
                } else {
                    problems.push(RowProblem {
                        row: r.row,
                        column: col(&columns.number, "序号"),
                        reason: format!("序号 {n} 与第 {first} 行重复，且两行内容不同"),
                    });
                }
                continue;
            }
            seen.insert(n, (r.row, r.clone()));
        }

        // Action and task, by first appearance.
        let action_title = match &columns.action {
            None => "工作任务".to_owned(),
            Some(_) => strip_heading_number(&r.action),
        };
        if columns.action.is_some() && r.action.trim().is_empty() {
            problems.push(RowProblem {
                row: r.row,
                column: col(&columns.action, "行动"),
                reason: "行动为空（上方也没有可沿用的行动）".to_owned(),
            });
        }
        let seq = match actions.iter().find(|a| a.title == action_title) {
            Some(a) => a.seq,
            None => {
                let seq = i32::try_from(actions.len() + 1).unwrap_or(i32::MAX);
                actions.push(SeedAction {
                    seq,
                    title: action_title.clone(),
                    provenance: format!("导入的分工表 行动 {seq}"),
                    source_lines: None,
                });
                seq
            }
        };
        let task_title = match &columns.task {
            Some(_) if !r.task.trim().is_empty() => strip_heading_number(&r.task),
            _ => action_title.clone(),
        };
        let task = match tasks
            .iter()
            .find(|t| t.action == seq && t.title == task_title)
        {
            Some(t) => t.number,
            None => {
                let number = i32::try_from(tasks.len() + 1).unwrap_or(i32::MAX);
                tasks.push(SeedTask {
                    number,
                    action: seq,
                    title: task_title.clone(),
                    paragraph: task_title.clone(),
                    provenance: format!("导入的分工表 任务 {number}"),
                    source_lines: None,
                });
                number
            }
        };

        // Units.
        let mut resolve = |phrases: &[String], column: String| -> Vec<(UnitName, String)> {
            let mut out: Vec<(UnitName, String)> = Vec::new();
            for p in phrases {
                if unassigned.contains(p.trim()) {
                    kept_unassigned.insert(p.trim().to_owned());
                    continue;
                }
                match expand(units, unit_map, p) {
                    Some(found) => {
                        for (u, via) in found {
                            if !out.iter().any(|(x, _)| *x == u) {
                                out.push((u, via));
                            }
                        }
                    }
                    None => {
                        let places = unknown.entry(p.trim().to_owned()).or_default();
                        places.push((r.row, column.clone()));
                        let mapped = unit_map.get(p.trim());
                        problems.push(RowProblem {
                            row: r.row,
                            column: column.clone(),
                            reason: match mapped {
                                Some(m) => format!("单位“{}”被映射到“{m}”，但其中有不是已有单位或单位组的名称", p.trim()),
                                None => format!(
                                    "单位“{}”不在单位表中：请把它对应到一个已有单位，或请管理员先在“账号与单位”中添加",
                                    p.trim()
                                ),
                            },
                        });
                    }
                }
            }
            out
        };
        let leads: Vec<UnitName> = resolve(&r.lead, col(&columns.lead, "牵头单位"))
            .into_iter()
            .map(|(u, _)| u)
            .collect();
        let assignments: Vec<SeedAssignment> = resolve(&r.responsible, columns.responsible.clone())
            .into_iter()
            .map(|(unit, via)| SeedAssignment { unit, via })
            .collect();

        // Deadlines: a phrase the grammar cannot read is kept as written, 待确认.
        let mut milestones = Vec::new();
        for phrase in &r.deadlines {
            if phrase.trim().chars().count() > MAX_DEADLINE_CHARS {
                problems.push(RowProblem {
                    row: r.row,
                    column: col(&columns.deadline, "时限"),
                    reason: format!(
                        "时限“{}”超过 {MAX_DEADLINE_CHARS} 个字，不像一个时限",
                        phrase.trim()
                    ),
                });
                continue;
            }
            let deadline = match parse_deadline(phrase, plan_year) {
                Ok(deadline) => deadline,
                Err(e) => {
                    unconfirmed.push(RowProblem {
                        row: r.row,
                        column: col(&columns.deadline, "时限"),
                        reason: e.to_string(),
                    });
                    sanzhi_domain::Deadline::Unconfirmed { reason: e.reason }
                }
            };
            milestones.push(SeedMilestone {
                phrase: phrase.trim().to_owned(),
                deadline,
            });
        }
        if r.item.trim().chars().count() > 4000 {
            problems.push(RowProblem {
                row: r.row,
                column: columns.item.clone(),
                reason: "工作要求超过 4000 个字".to_owned(),
            });
        }
        if let Some(number) = number {
            items.push(SeedItem {
                number,
                task,
                text: r.item.trim().to_owned(),
                lead_text: r.lead.iter().map(|s| s.trim().to_owned()).collect(),
                responsible_text: r.responsible.iter().map(|s| s.trim().to_owned()).collect(),
                leads,
                assignments,
                milestones,
                targets: Vec::new(),
                provenance: format!("导入的分工表 ({number})"),
                source_lines: None,
            });
        }
    }
    if merged > 0 {
        notes.push(format!(
            "{merged} 行与前面同序号的行内容相同（导出的分工表每个责任单位一行），已合并"
        ));
    }
    if rows.is_empty() {
        problems.push(RowProblem {
            row: 0,
            column: String::new(),
            reason: "表格没有数据行".to_owned(),
        });
    }
    items.sort_by_key(|i| i.number);
    problems.sort_by_key(|p| p.row);
    let unknown_units: Vec<UnknownUnit> = unknown
        .into_iter()
        .map(|(phrase, places)| UnknownUnit {
            suggestion: units.closest(&phrase).map(|u| u.as_str().to_owned()),
            phrase,
            places,
        })
        .collect();
    if !kept_unassigned.is_empty() {
        notes.push(format!(
            "{} 个单位词组暂不分配（{}）：事项保留原文，导入后由协调员在事项页指定责任单位",
            kept_unassigned.len(),
            kept_unassigned
                .iter()
                .cloned()
                .collect::<Vec<_>>()
                .join("、")
        ));
    }

    let plan = match (code, period, issued_on, owner) {
        (Some(code), Some(period), Some(issued_on), Some(owner))
            if form_problems.is_empty() && problems.is_empty() =>
        {
            Some(SeedPlan {
                code,
                doc_no: header.doc_no.trim().to_owned(),
                title: header.title.trim().to_owned(),
                short_name: header.short_name.trim().to_owned(),
                short_name_en: Some(header.short_name_en.trim())
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned),
                status,
                owner,
                period,
                issued_on,
                sort_order: 0,
                provenance: "导入的分工表".to_owned(),
                goals: header
                    .goals
                    .iter()
                    .map(|g| g.trim().to_owned())
                    .filter(|g| !g.is_empty())
                    .collect(),
                source: None,
                body: PlanBody {
                    table_year: period.start_year(),
                    table_responsible: Vec::new(),
                    actions,
                    tasks,
                    items,
                    notes: Vec::new(),
                },
                measures: None,
            })
        }
        _ => None,
    };
    if !unconfirmed.is_empty() {
        notes.push(format!(
            "{} 个时限无法识别，按原文保留并标为“待确认”（不计逾期），导入后由协调员确认",
            unconfirmed.len()
        ));
    }
    Assembled {
        plan,
        form_problems,
        problems,
        unknown_units,
        notes,
        unconfirmed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The groups of `units.toml` (“各县(市、区)政府” → the six county governments), as the
    /// store seeds them into the database.
    fn seed_groups() -> Vec<SeedGroup> {
        crate::units::parse(include_str!("../../../seed/units.toml"))
            .map(|(_, groups, _)| groups)
            .unwrap_or_default()
    }

    fn index() -> UnitIndex {
        let units: Vec<(String, UnitKind)> = [
            ("柯城区政府", UnitKind::CountyGovernment),
            ("衢江区政府", UnitKind::CountyGovernment),
            ("龙游县政府", UnitKind::CountyGovernment),
            ("江山市政府", UnitKind::CountyGovernment),
            ("常山县政府", UnitKind::CountyGovernment),
            ("开化县政府", UnitKind::CountyGovernment),
            ("市治水办", UnitKind::Office),
            ("市环保局", UnitKind::CityDepartment),
        ]
        .map(|(n, k)| (n.to_owned(), k))
        .into();
        let aliases = vec![("市治水办(河长办)".to_owned(), "市治水办".to_owned())];
        unit_index(&units, &aliases, &seed_groups()).unwrap()
    }

    fn header() -> PlanHeader {
        PlanHeader {
            code: "waste".into(),
            title: "衢州市垃圾治理行动方案".into(),
            short_name: "垃圾治理".into(),
            doc_no: String::new(),
            owner: "市治水办(河长办)".into(),
            start_year: "2019".into(),
            end_year: "2020".into(),
            issued_on: "2019-03-01".into(),
            goals: vec![],
            ..PlanHeader::default()
        }
    }

    fn row(
        row: u64,
        number: &str,
        action: &str,
        task: &str,
        item: &str,
        units: &[&str],
        deadlines: &[&str],
    ) -> ImportRow {
        ImportRow {
            row,
            number: number.into(),
            action: action.into(),
            task: task.into(),
            item: item.into(),
            lead: vec!["市治水办".into()],
            responsible: units.iter().map(|s| (*s).to_owned()).collect(),
            deadlines: deadlines.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    #[test]
    fn actions_tasks_units_and_deadlines_are_assembled() {
        let rows = [
            row(
                2,
                "(1)",
                "（一）分类行动",
                "1. 建设",
                "做甲",
                &["各县（市、区）政府"],
                &["6月底前"],
            ),
            row(
                3,
                "2",
                "（一）分类行动",
                "2. 运行",
                "做乙",
                &["市环保局"],
                &["年底前"],
            ),
            row(
                4,
                "2",
                "（一）分类行动",
                "2. 运行",
                "做乙",
                &["市环保局"],
                &["年底前"],
            ),
            row(
                5,
                "3",
                "（二）监管行动",
                "3. 执法",
                "做丙",
                &["市环保局"],
                &["每月"],
            ),
        ];
        let a = assemble(
            &header(),
            &rows,
            &ColumnNames::default(),
            &index(),
            &BTreeMap::new(),
            &Default::default(),
        );
        assert!(a.problems.is_empty() && a.form_problems.is_empty(), "{a:?}");
        let p = a.plan.unwrap();
        assert_eq!(p.owner.as_str(), "市治水办");
        let titles: Vec<_> = p.body.actions.iter().map(|a| a.title.as_str()).collect();
        assert_eq!(titles, ["分类行动", "监管行动"]);
        let tasks: Vec<_> = p
            .body
            .tasks
            .iter()
            .map(|t| (t.number, t.action, t.title.as_str()))
            .collect();
        assert_eq!(tasks, [(1, 1, "建设"), (2, 1, "运行"), (3, 2, "执法")]);
        assert_eq!(p.body.items.len(), 3);
        assert_eq!(p.body.items[0].assignments.len(), 6, "group expanded");
        assert_eq!(
            p.body.items[0].milestones[0]
                .deadline
                .due_date()
                .unwrap()
                .to_string(),
            "2019-06-30",
            "the plan's start year"
        );
        assert_eq!(a.notes.len(), 1, "{:?}", a.notes);
    }

    #[test]
    fn every_problem_is_named_and_unknown_units_listed() {
        let rows = [
            row(2, "1", "行动", "任务", "做甲", &["市垃圾办"], &["九月前后"]),
            row(
                3,
                "x",
                "行动",
                "任务",
                "做乙",
                &["市垃圾办", "市环保局"],
                &[],
            ),
            row(4, "1", "行动", "任务", "做丙", &["市环保局"], &[]),
        ];
        let mut h = header();
        h.code = "Waste".into();
        let a = assemble(
            &h,
            &rows,
            &ColumnNames::default(),
            &index(),
            &BTreeMap::new(),
            &Default::default(),
        );
        assert!(a.plan.is_none());
        assert_eq!(a.form_problems[0].field, "code");
        let p: Vec<String> = a.problems.iter().map(ToString::to_string).collect();
        assert!(
            p.iter()
                .any(|s| s.starts_with("第 2 行，列“责任单位”：单位“市垃圾办”")),
            "{p:?}"
        );
        // An unreadable deadline is no problem: it is kept, 待确认, and listed.
        assert!(!p.iter().any(|s| s.contains("九月前后")), "{p:?}");
        assert_eq!(a.unconfirmed.len(), 1);
        assert_eq!(a.unconfirmed[0].row, 2);
        assert_eq!(a.unconfirmed[0].column, "时限");
        assert!(a.unconfirmed[0].reason.contains("九月前后"));
        assert!(
            p.iter().any(|s| s.starts_with("第 3 行，列“序号”")),
            "{p:?}"
        );
        assert!(
            p.iter()
                .any(|s| s.contains("第 4 行") && s.contains("与第 2 行重复")),
            "{p:?}"
        );
        assert_eq!(a.unknown_units.len(), 1);
        assert_eq!(a.unknown_units[0].places.len(), 2);

        let map = BTreeMap::from([("市垃圾办".to_owned(), "市环保局".to_owned())]);
        let rows = [row(2, "1", "行动", "任务", "做甲", &["市垃圾办"], &[])];
        let a = assemble(
            &header(),
            &rows,
            &ColumnNames::default(),
            &index(),
            &map,
            &Default::default(),
        );
        let p = a.plan.expect("mapped");
        assert_eq!(p.body.items[0].assignments[0].unit.as_str(), "市环保局");
        assert_eq!(p.body.items[0].assignments[0].via, "市垃圾办");
        assert_eq!(p.body.items[0].responsible_text, ["市垃圾办"]);

        // A file whose only trouble is an unreadable deadline is a plan: the phrase is kept
        // as written, 待确认, beside the parts that were read.
        let rows = [row(
            2,
            "1",
            "行动",
            "任务",
            "做甲",
            &["市环保局"],
            &["九月前后", "方案制定:6月底前", "文件印发后5个工作日内"],
        )];
        let a = assemble(
            &header(),
            &rows,
            &ColumnNames::default(),
            &index(),
            &BTreeMap::new(),
            &Default::default(),
        );
        let p = a
            .plan
            .expect("an unreadable phrase does not refuse the file");
        let ms = &p.body.items[0].milestones;
        assert_eq!(ms[0].phrase, "九月前后");
        assert!(matches!(
            ms[0].deadline,
            sanzhi_domain::Deadline::Unconfirmed { .. }
        ));
        assert_eq!(ms[1].phrase, "方案制定:6月底前");
        assert_eq!(
            ms[1].deadline.due_date(),
            chrono::NaiveDate::from_ymd_opt(2019, 6, 30)
        );
        assert!(ms[2].deadline.is_undated());
        assert_eq!(a.unconfirmed.len(), 1);
        assert!(a.notes.iter().any(|n| n.contains("待确认")));
    }

    #[test]
    fn collective_phrases_map_to_sets_groups_or_stay_unassigned() {
        let rows = [
            row(
                2,
                "1",
                "行动",
                "任务",
                "做甲",
                &["市级有关部门", "开化县政府"],
                &["年底前"],
            ),
            row(
                3,
                "2",
                "行动",
                "任务",
                "做乙",
                &["各县(市、区)政府"],
                &["年底前"],
            ),
            row(
                4,
                "3",
                "行动",
                "任务",
                "做丙",
                &["各乡镇(街道)", "市环保"],
                &["年底前"],
            ),
        ];
        let none = BTreeMap::new();
        let a = assemble(
            &header(),
            &rows,
            &ColumnNames::default(),
            &index(),
            &none,
            &Default::default(),
        );
        assert!(a.plan.is_none());
        let unknown: Vec<(&str, Option<&str>)> = a
            .unknown_units
            .iter()
            .map(|u| (u.phrase.as_str(), u.suggestion.as_deref()))
            .collect();
        // A saved group (各县(市、区)政府) reads as its members; the rest are listed, a
        // truncated name with the unit it most likely means.
        assert_eq!(
            unknown,
            [
                ("各乡镇(街道)", None),
                ("市环保", Some("市环保局")),
                ("市级有关部门", None)
            ]
        );
        // A phrase mapped to a set of units, another to a unit, a third kept unassigned.
        let map = BTreeMap::from([
            (
                "市级有关部门".to_owned(),
                "市环保局、市治水办(河长办)".to_owned(),
            ),
            ("市环保".to_owned(), "市环保局".to_owned()),
        ]);
        let unassigned = std::collections::BTreeSet::from(["各乡镇(街道)".to_owned()]);
        let a = assemble(
            &header(),
            &rows,
            &ColumnNames::default(),
            &index(),
            &map,
            &unassigned,
        );
        let p = a.plan.expect("every phrase decided");
        let units = |n: usize| -> Vec<(&str, &str)> {
            p.body.items[n]
                .assignments
                .iter()
                .map(|a| (a.unit.as_str(), a.via.as_str()))
                .collect()
        };
        assert_eq!(
            units(0),
            [
                ("市环保局", "市级有关部门"),
                ("市治水办", "市级有关部门"),
                ("开化县政府", "开化县政府")
            ]
        );
        assert_eq!(units(1).len(), 6);
        assert_eq!(units(2), [("市环保局", "市环保")]);
        assert_eq!(p.body.items[2].responsible_text, ["各乡镇(街道)", "市环保"]);
        assert!(a
            .notes
            .iter()
            .any(|n| n.contains("暂不分配") && n.contains("各乡镇(街道)")));
        // A set naming something unknown is a problem, not a partial mapping.
        let map = BTreeMap::from([("市级有关部门".to_owned(), "市环保局、市不存在局".to_owned())]);
        let a = assemble(
            &header(),
            &rows[..1],
            &ColumnNames::default(),
            &index(),
            &map,
            &Default::default(),
        );
        assert!(a.plan.is_none());
        assert!(
            a.problems[0].reason.contains("被映射到"),
            "{:?}",
            a.problems
        );
    }

    #[test]
    fn a_title_and_doc_no_above_the_header_are_offered() {
        let h = header_hint(&[
            "衢州市治水长效战行动方案 工作任务分工表（截至 2019-03-31）".to_owned(),
            "文号：衢政办发〔2018〕43号 状态按 2019-03-31 计算".to_owned(),
        ]);
        assert_eq!(h.title.as_deref(), Some("衢州市治水长效战行动方案"));
        assert_eq!(h.doc_no.as_deref(), Some("衢政办发〔2018〕43号"));
        let h = header_hint(&[
            "附件1".to_owned(),
            "附件2 2018年衢州市垃圾分类工作重点任务分解表".to_owned(),
            "衢市委办发[2018]7号".to_owned(),
        ]);
        assert_eq!(h.title.as_deref(), Some("2018年衢州市垃圾分类工作"));
        assert_eq!(h.doc_no.as_deref(), Some("衢市委办发[2018]7号"));
        // Nothing above the header, or nothing like a title: nothing offered.
        assert_eq!(header_hint(&[]), HeaderHint::default());
        assert_eq!(header_hint(&["单位：万元".to_owned()]).title, None);
        assert_eq!(header_hint(&["〔2018〕43号".to_owned()]).doc_no, None);
    }

    #[test]
    fn heading_numbers_are_stripped() {
        assert_eq!(strip_heading_number("（一）水环境行动"), "水环境行动");
        assert_eq!(strip_heading_number("一、水环境行动"), "水环境行动");
        assert_eq!(strip_heading_number("12. 深化河长制"), "深化河长制");
        assert_eq!(strip_heading_number("2018年目标"), "2018年目标");
        assert_eq!(item_number("（12）"), Some(12));
        assert_eq!(item_number("3."), Some(3));
        assert_eq!(item_number("甲"), None);
    }
}
