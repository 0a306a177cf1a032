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
//!
//! Files: `assemble.rs` builds the plan from the rows; this file has the inputs, the unit
//! index and the header hint.

use crate::{PlanBody, SeedError, UnitIndex};
use crate::{SeedAction, SeedAssignment, SeedGroup, SeedItem, SeedMilestone, SeedPlan, SeedTask};
use sanzhi_domain::{parse_deadline, Period, PlanCode, PlanStatus, RowProblem, UnitKind, UnitName};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

mod assemble;
#[cfg(test)]
mod tests;

pub use assemble::*;

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
