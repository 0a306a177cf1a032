//! Reading an allocation table (工作任务分工表) into rows for a plan import: an Excel workbook
//! (.xlsx, the first sheet) or a CSV file (UTF-8 with or without BOM, GBK, UTF-16).
//!
//! - Columns are found by their header (Chinese or English names, any order, see
//!   [`PlanField::headers`]); headers that name no field are listed in
//!   [`PlanTable::unknown_headers`] so that the user can map them with a `{header → field}`
//!   mapping. 工作要求 and 责任单位 are required.
//! - The header row is the first row naming at least two fields (title rows above it, such as
//!   “附件：工作任务分工表”, are skipped and noted).
//! - Merged cells: a region spanning rows in one column (gazette tables merge the 行动 and 任务
//!   cells) has its value filled down into every row it covers, and the preview says so; a
//!   region spanning columns would lose which column its value belongs to and is refused, as
//!   are formulas (the cell is named: paste values instead) and error cells.
//! - Empty 行动/任务 cells take the value of the row above (the table's visual grouping); a
//!   row with only 行动/任务 filled is a heading for the rows below it.
//!
//! Row numbers are the ones a spreadsheet shows (1-based, the header row counts). Nothing
//! here resolves units or deadlines: see `sanzhi_seed::import`.
//!
//! Files: `sources.rs` reads .xlsx and CSV files into cells; this file finds the header and
//! the rows.

use crate::guard::{clip_cell, clip_reason, QUOTE_MAX_CHARS};
use crate::FileProblem;
use sanzhi_domain::RowProblem;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

mod sources;
#[cfg(test)]
mod tests;

pub use sources::*;

/// The fields of an allocation table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanField {
    Number,
    Action,
    Task,
    Item,
    Lead,
    Responsible,
    Deadline,
}

impl PlanField {
    pub const ALL: [PlanField; 7] = [
        PlanField::Number,
        PlanField::Action,
        PlanField::Task,
        PlanField::Item,
        PlanField::Lead,
        PlanField::Responsible,
        PlanField::Deadline,
    ];

    /// Recognised headers; the first is the one exports use.
    pub fn headers(self) -> &'static [&'static str] {
        match self {
            PlanField::Number => &["序号", "编号", "项号", "number", "no", "no.", "item_no"],
            PlanField::Action => &["行动", "专项行动", "行动名称", "action"],
            PlanField::Task => &["任务", "主要任务", "重点任务", "任务名称", "task"],
            PlanField::Item => &[
                "工作要求",
                "工作任务",
                "内容",
                "工作内容",
                "具体要求",
                "item",
                "requirement",
                "text",
            ],
            PlanField::Lead => &["牵头单位", "牵头部门", "lead", "lead_unit", "lead units"],
            PlanField::Responsible => &[
                "责任单位",
                "责任部门",
                "配合单位",
                "responsible",
                "responsible units",
                "units",
            ],
            PlanField::Deadline => &[
                "时限",
                "完成时限",
                "完成时间",
                "时间要求",
                "deadline",
                "deadlines",
                "due",
            ],
        }
    }

    /// The key used in mappings and JSON: `number`, `action`, …
    pub fn key(self) -> &'static str {
        match self {
            PlanField::Number => "number",
            PlanField::Action => "action",
            PlanField::Task => "task",
            PlanField::Item => "item",
            PlanField::Lead => "lead",
            PlanField::Responsible => "responsible",
            PlanField::Deadline => "deadline",
        }
    }

    pub fn label_zh(self) -> &'static str {
        self.headers()[0]
    }

    /// A field named by its key or any of its headers.
    pub fn parse(s: &str) -> Option<PlanField> {
        let s = normalise_header(s);
        PlanField::ALL
            .into_iter()
            .find(|f| f.key() == s || f.headers().iter().any(|h| *h == s))
    }

    /// Which field a header names: trimmed, case-insensitive, a remark in brackets ignored
    /// (“时限（2018年）”).
    pub fn of_header(h: &str) -> Option<PlanField> {
        let h = normalise_header(h);
        PlanField::ALL
            .into_iter()
            .find(|f| f.headers().iter().any(|x| *x == h))
    }
}

fn normalise_header(h: &str) -> String {
    let h = h.trim().trim_start_matches('\u{feff}');
    let h = h.split(['(', '（', '[']).next().unwrap_or(h);
    h.chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase()
}

/// One row of the table, cells trimmed (empty when the table has no such column).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableRow {
    /// The row number a spreadsheet shows.
    pub row: u64,
    pub number: String,
    pub action: String,
    pub task: String,
    pub item: String,
    pub lead: String,
    pub responsible: String,
    pub deadline: String,
}

impl TableRow {
    fn set(&mut self, field: PlanField, value: String) {
        let slot = match field {
            PlanField::Number => &mut self.number,
            PlanField::Action => &mut self.action,
            PlanField::Task => &mut self.task,
            PlanField::Item => &mut self.item,
            PlanField::Lead => &mut self.lead,
            PlanField::Responsible => &mut self.responsible,
            PlanField::Deadline => &mut self.deadline,
        };
        *slot = value;
    }
}

/// A table read from a file. `problems` lists every problem of its cells; an import with
/// any problem is refused.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanTable {
    /// “xlsx”, or the CSV's encoding (“UTF-8”, “GBK”, …).
    pub format: String,
    /// The header row's number.
    pub header_row: u64,
    /// (header as written, field) of the columns read, in file order.
    pub columns: Vec<(String, PlanField)>,
    /// Headers that name no field: their cells are not read. Map them to import them.
    pub unknown_headers: Vec<String>,
    pub rows: Vec<TableRow>,
    /// What the reader did that the user should know (merged cells filled down, …).
    pub notes: Vec<String>,
    pub problems: Vec<RowProblem>,
    /// The text of the rows above the header (a table's title, its 文号), each row's cells
    /// joined, clipped: what the preview may offer for the plan's header.
    pub above_header: Vec<String>,
}

/// Why a table cannot be read at all. `unknown_headers` lists what could be mapped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableRefused {
    pub reason: String,
    pub unknown_headers: Vec<String>,
}

impl std::fmt::Display for TableRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason)
    }
}

pub(crate) fn refused(reason: impl Into<String>) -> TableRefused {
    TableRefused {
        reason: reason.into(),
        unknown_headers: Vec::new(),
    }
}

/// At most this many rows per table.
pub const MAX_TABLE_ROWS: usize = 20_000;

/// Columns an allocation table may use (the gazette's have about ten).
pub const MAX_TABLE_COLUMNS: usize = 64;

/// A sheet as text: (row number, cells) per row, and problems found while reading it.
pub(crate) struct Grid {
    pub(crate) format: String,
    /// The sheet read (empty for a CSV file).
    pub(crate) sheet: String,
    pub(crate) rows: Vec<(u64, Vec<String>)>,
    pub(crate) notes: Vec<String>,
    /// Problems by row and column, named once the header is known.
    pub(crate) cell_problems: Vec<(u64, Col, String)>,
}

/// Where a problem of a sheet is, before the header names the columns.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Col {
    /// The whole row.
    Row,
    At(usize),
    /// A merged region spanning columns, from this one.
    MergedFrom(usize),
}

/// Reads an allocation table from the bytes of an .xlsx or a CSV file (told apart by their
/// content). `mapping` maps headers of the file to fields (`{"工作内容及要求": "item"}`;
/// a field key, or a header of the field; `ignore` to leave a column out).
///
/// Messages never quote a cell whole: quoted content is cut to [`QUOTE_MAX_CHARS`]
/// characters (see [`clip_reason`]), and so are the unknown headers listed back (a mapping
/// may name a header by its cut form).
pub fn read_plan_table(
    bytes: &[u8],
    mapping: &BTreeMap<String, String>,
) -> Result<PlanTable, TableRefused> {
    let clip_all = |v: &mut Vec<String>| {
        for h in v.iter_mut() {
            if h.chars().nth(QUOTE_MAX_CHARS).is_some() {
                *h = clip_cell(h);
            }
        }
    };
    match read_table(bytes, mapping) {
        Ok(mut t) => {
            for p in &mut t.problems {
                p.reason = clip_reason(&p.reason).into_owned();
                p.column = clip_reason(&p.column).into_owned();
            }
            for (h, _) in &mut t.columns {
                if h.chars().nth(QUOTE_MAX_CHARS).is_some() {
                    *h = clip_cell(h);
                }
            }
            for n in &mut t.notes {
                *n = clip_reason(n).into_owned();
            }
            clip_all(&mut t.unknown_headers);
            Ok(t)
        }
        Err(mut r) => {
            r.reason = clip_reason(&r.reason).into_owned();
            clip_all(&mut r.unknown_headers);
            Err(r)
        }
    }
}

/// What `mapping` says of `header`: by the header as written, or as cut for a message.
fn mapped<'m>(mapping: &'m BTreeMap<String, String>, header: &str) -> Option<&'m String> {
    mapping.get(header).or_else(|| {
        if header.chars().nth(QUOTE_MAX_CHARS).is_some() {
            mapping.get(&clip_cell(header))
        } else {
            None
        }
    })
}

fn read_table(bytes: &[u8], mapping: &BTreeMap<String, String>) -> Result<PlanTable, TableRefused> {
    if bytes.is_empty() {
        return Err(refused("文件是空的"));
    }
    let grid = if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(bytes)?
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(refused(
            "这是旧版 Excel 文件（.xls）：请在 Excel 中另存为 .xlsx 或 CSV 后再导入",
        ));
    } else {
        read_csv(bytes)?
    };
    from_grid(grid, mapping)
}

fn field_of(header: &str, mapping: &BTreeMap<String, String>) -> Result<Option<PlanField>, String> {
    let h = header.trim();
    if let Some(target) = mapped(mapping, h) {
        let t = target.trim();
        if t.is_empty() || t == "ignore" || t == "忽略" {
            return Ok(None);
        }
        return PlanField::parse(t).map(Some).ok_or_else(|| {
            format!(
                "表头“{h}”映射到的“{t}”不是可导入的字段（可用：{}）",
                PlanField::ALL.map(PlanField::key).join("、")
            )
        });
    }
    Ok(PlanField::of_header(h))
}

fn from_grid(grid: Grid, mapping: &BTreeMap<String, String>) -> Result<PlanTable, TableRefused> {
    let Grid {
        format,
        rows,
        mut notes,
        cell_problems,
        ..
    } = grid;
    let non_empty: Vec<&(u64, Vec<String>)> = rows
        .iter()
        .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()))
        .collect();
    if non_empty.is_empty() {
        return Err(refused(if format == "xlsx" {
            "第一个工作表是空的：没有表头，也没有数据".to_owned()
        } else {
            "文件里没有内容：没有表头，也没有数据".to_owned()
        }));
    }
    // The header row: the first naming at least two fields; else the first non-empty row.
    let known = |cells: &Vec<String>| {
        cells
            .iter()
            .filter(|c| matches!(field_of(c, mapping), Ok(Some(_))))
            .count()
    };
    let (header_row, headers) = non_empty
        .iter()
        .find(|(_, cells)| known(cells) >= 2)
        .or_else(|| non_empty.first())
        .map(|(r, c)| (*r, c.clone()))
        .unwrap_or_default();
    let skipped = non_empty.iter().filter(|(r, _)| *r < header_row).count();
    let above_header: Vec<String> = non_empty
        .iter()
        .filter(|(r, _)| *r < header_row)
        .take(10)
        .map(|(_, cells)| {
            let text: Vec<&str> = cells
                .iter()
                .map(|c| c.trim())
                .filter(|c| !c.is_empty())
                .collect();
            let text = text.join(" ");
            text.chars().take(300).collect()
        })
        .collect();
    if skipped > 0 {
        notes.push(format!(
            "表头在第 {header_row} 行；其上 {skipped} 行（标题等）未导入"
        ));
    }
    for k in mapping.keys() {
        let names = |h: &str| {
            h == k.trim() || (h.chars().nth(QUOTE_MAX_CHARS).is_some() && clip_cell(h) == k.trim())
        };
        if !headers.iter().any(|h| names(h.trim())) {
            return Err(refused(format!(
                "映射中的表头“{k}”不在第 {header_row} 行（表头）中"
            )));
        }
    }

    let mut columns: Vec<(String, PlanField)> = Vec::new();
    let mut index: BTreeMap<PlanField, usize> = BTreeMap::new();
    let mut unknown_headers = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        let h = h.trim();
        if h.is_empty() {
            continue;
        }
        match field_of(h, mapping).map_err(refused)? {
            Some(f) => {
                if let Some(pos) = columns.iter().position(|(_, g)| *g == f) {
                    // A column “as written” (原文) wins over its derived twin (“时限（日期）”,
                    // the tracking “责任单位” of an exported table): the twin is not read.
                    let other = columns[pos].0.clone();
                    let (this_src, other_src) = (h.contains("原文"), other.contains("原文"));
                    if this_src && !other_src && !mapping.contains_key(other.as_str()) {
                        columns[pos] = (h.to_owned(), f);
                        index.insert(f, i);
                        unknown_headers.push(other);
                        continue;
                    }
                    if other_src && !this_src && !mapping.contains_key(h) {
                        unknown_headers.push(h.to_owned());
                        continue;
                    }
                    return Err(TableRefused {
                        reason: format!(
                            "第 {header_row} 行（表头）：列“{h}”和“{other}”都表示“{}”，只能保留一列（可在映射中把其中一列设为忽略）",
                            f.label_zh()
                        ),
                        unknown_headers,
                    });
                }
                columns.push((h.to_owned(), f));
                index.insert(f, i);
            }
            None if mapped(mapping, h).is_some() => {}
            None => unknown_headers.push(h.to_owned()),
        }
    }
    let missing: Vec<String> = [PlanField::Item, PlanField::Responsible]
        .into_iter()
        .filter(|f| !index.contains_key(f))
        .map(|f| format!("“{}”（可写作 {}）", f.label_zh(), f.headers().join(" / ")))
        .collect();
    if !missing.is_empty() {
        return Err(TableRefused {
            reason: format!(
                "第 {header_row} 行（表头）缺少列：{}。表头为：{}{}",
                missing.join("；"),
                headers
                    .iter()
                    .map(|h| h.trim())
                    .filter(|h| !h.is_empty())
                    .map(clip_cell)
                    .collect::<Vec<_>>()
                    .join("，"),
                if unknown_headers.is_empty() {
                    String::new()
                } else {
                    "。未识别的表头可在映射中指定对应字段".to_owned()
                }
            ),
            unknown_headers,
        });
    }

    let header_of_col = |col: usize| -> String {
        headers
            .get(col)
            .map(|h| h.trim().to_owned())
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| column_letters(col))
    };
    let mut problems: Vec<RowProblem> = Vec::new();
    for (row, col, reason) in cell_problems {
        let column = match col {
            // Above the header (a title): not read.
            Col::At(_) | Col::MergedFrom(_) if row < header_row => continue,
            Col::Row => String::new(),
            Col::At(c) | Col::MergedFrom(c) => header_of_col(c),
        };
        problems.push(RowProblem {
            row,
            column,
            reason,
        });
    }

    let mut out = Vec::new();
    let (mut current_action, mut current_task) = (String::new(), String::new());
    let mut inherited = 0usize;
    let mut lead_alone: Vec<String> = Vec::new();
    for (row, cells) in rows.iter().filter(|(r, _)| *r > header_row) {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let mut r = TableRow {
            row: *row,
            ..TableRow::default()
        };
        for (f, i) in &index {
            r.set(
                *f,
                cells
                    .get(*i)
                    .map(|c| c.trim().to_owned())
                    .unwrap_or_default(),
            );
        }
        let heading_only = r.item.is_empty()
            && r.lead.is_empty()
            && r.responsible.is_empty()
            && r.deadline.is_empty()
            && r.number.is_empty()
            && (!r.action.is_empty() || !r.task.is_empty());
        if !r.action.is_empty() && r.action != current_action {
            current_action = r.action.clone();
            current_task.clear();
        }
        if !r.task.is_empty() {
            current_task = r.task.clone();
        }
        if heading_only {
            notes.push(format!("第 {row} 行只有行动/任务，作为其下各行的标题"));
            continue;
        }
        if r.action.is_empty() && !current_action.is_empty() {
            r.action = current_action.clone();
            inherited += 1;
        }
        if r.task.is_empty() && !current_task.is_empty() {
            r.task = current_task.clone();
            inherited += 1;
        }
        if r.item.is_empty() {
            problems.push(RowProblem {
                row: *row,
                column: header_of_col(index[&PlanField::Item]),
                reason: "工作要求为空".to_owned(),
            });
        }
        if r.responsible.is_empty() && !r.lead.is_empty() {
            // A 牵头单位 with no 责任/配合单位 beside it does the work itself (tables of key
            // tasks leave 配合单位 empty where the lead acts alone).
            r.responsible = r.lead.clone();
            lead_alone.push(row.to_string());
        } else if r.responsible.is_empty() {
            problems.push(RowProblem {
                row: *row,
                column: header_of_col(index[&PlanField::Responsible]),
                reason: "责任单位为空".to_owned(),
            });
        }
        out.push(r);
        if out.len() > MAX_TABLE_ROWS {
            return Err(refused(format!(
                "表格超过 {MAX_TABLE_ROWS} 行，请分成几个文件导入"
            )));
        }
    }
    if inherited > 0 {
        notes.push(format!(
            "{inherited} 个空的行动/任务单元格沿用了上一行的内容"
        ));
    }
    if !lead_alone.is_empty() {
        notes.push(format!(
            "第 {} 行没有写责任（配合）单位：由牵头单位承担",
            lead_alone.join("、")
        ));
    }
    if out.is_empty() && problems.is_empty() {
        return Err(TableRefused {
            reason: format!("第 {header_row} 行是表头，其下没有数据行"),
            unknown_headers,
        });
    }
    problems.sort_by_key(|p| p.row);
    Ok(PlanTable {
        format,
        header_row,
        columns,
        unknown_headers,
        rows: out,
        notes,
        problems,
        above_header,
    })
}

/// Splits a cell of unit names or deadline phrases at 、，,；;/ and line breaks, but never
/// inside brackets: “各县(市、区)政府、市环保局” → [“各县(市、区)政府”, “市环保局”].
pub fn split_list(cell: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut cur = String::new();
    for ch in cell.chars() {
        match ch {
            '(' | '（' | '[' | '【' => {
                depth += 1;
                cur.push(ch);
            }
            ')' | '）' | ']' | '】' => {
                depth -= 1;
                cur.push(ch);
            }
            '、' | '，' | ',' | '；' | ';' | '\n' | '\r' if depth <= 0 => {
                out.push(std::mem::take(&mut cur));
            }
            _ => cur.push(ch),
        }
    }
    out.push(cur);
    out.into_iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}
