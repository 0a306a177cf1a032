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

use crate::guard::{clip_cell, clip_reason, QUOTE_MAX_CHARS};
use crate::FileProblem;
use sanzhi_domain::RowProblem;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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

/// `0` → `A`, `27` → `AB`.
pub fn column_letters(mut col: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + u8::try_from(col % 26).unwrap_or(0));
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

pub(crate) fn cell_name(row: u64, col: usize) -> String {
    format!("{}{row}", column_letters(col))
}

/// An .xlsx file read by calamine, with any panic inside calamine made a refusal: fuzzing
/// found files that make it panic (an arithmetic overflow on a sheet dimension written
/// backwards, `B5:A1`, when overflow checks are on) — a bad file must never take a request,
/// or the server, down.
fn read_xlsx(bytes: &[u8]) -> Result<Grid, TableRefused> {
    read_xlsx_sheet(bytes, Sheet::Table)?.ok_or_else(|| refused("工作簿里没有工作表"))
}

/// Which sheet of a workbook to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sheet {
    /// The allocation table: the first sheet that is not a 指标目标 sheet.
    Table,
    /// The 指标目标 sheet, if the workbook has one.
    Targets,
}

/// One sheet of an .xlsx file as a grid, guarded as [`read_xlsx`] is; `None` when the
/// workbook has no such sheet.
pub(crate) fn read_xlsx_sheet(bytes: &[u8], which: Sheet) -> Result<Option<Grid>, TableRefused> {
    // A zip bomb is refused before calamine expands any of it.
    crate::guard::check_workbook(bytes).map_err(refused)?;
    crate::contained(|| read_xlsx_unguarded(bytes, which)).unwrap_or_else(|why| {
        Err(refused(format!(
            "无法读取 Excel 工作簿（.xlsx）：文件结构有误（{why}）"
        )))
    })
}

fn read_xlsx_unguarded(bytes: &[u8], which: Sheet) -> Result<Option<Grid>, TableRefused> {
    use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
    let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec()))
        .map_err(|e| refused(format!("无法读取 Excel 工作簿（.xlsx）：{e}")))?;
    let names = book.sheet_names();
    let targets = |n: &String| sanzhi_domain::measure::is_target_sheet(n);
    let sheet = match which {
        Sheet::Table if names.is_empty() => return Err(refused("工作簿里没有工作表")),
        Sheet::Table => match names.iter().find(|n| !targets(n)) {
            Some(n) => n.clone(),
            None => return Err(refused("工作簿里只有指标目标工作表，没有分工表")),
        },
        Sheet::Targets => match names.iter().find(|n| targets(n)) {
            Some(n) => n.clone(),
            None => return Ok(None),
        },
    };
    // Before anything dense is built (calamine's ranges are rows × columns), stream the
    // cells and refuse a sheet whose used area is far larger than any allocation table: a
    // tiny file can name a cell at XFD1048576.
    {
        let mut reader = book
            .worksheet_cells_reader(&sheet)
            .map_err(|e| refused(format!("无法读取工作表“{sheet}”：{e}")))?;
        while let Some(cell) = reader
            .next_cell()
            .map_err(|e| refused(format!("无法读取工作表“{sheet}”：{e}")))?
        {
            let (r, c) = cell.get_position();
            if r as usize > MAX_TABLE_ROWS + 100 || c as usize >= MAX_TABLE_COLUMNS {
                return Err(refused(format!(
                    "工作表“{sheet}”在第 {} 行第 {} 列仍有内容，超出分工表的范围（至多 {MAX_TABLE_ROWS} 行、{MAX_TABLE_COLUMNS} 列），请删去多余的单元格",
                    r + 1,
                    c + 1
                )));
            }
        }
    }
    let range = book
        .worksheet_range(&sheet)
        .map_err(|e| refused(format!("无法读取工作表“{sheet}”：{e}")))?;
    let formulas = book
        .worksheet_formula(&sheet)
        .map_err(|e| refused(format!("无法读取工作表“{sheet}”的公式：{e}")))?;
    let merged = book
        .merge_cells_by_sheet_name(&sheet)
        .map_err(|e| refused(format!("无法读取工作表“{sheet}”的合并单元格：{e}")))?;

    let mut notes = Vec::new();
    let mut cell_problems = Vec::new();
    // Absolute (0-based row, col) → text.
    let mut cells: BTreeMap<(u32, u32), String> = BTreeMap::new();
    if let Some((r0, c0)) = range.start() {
        for (i, row) in range.rows().enumerate() {
            for (j, v) in row.iter().enumerate() {
                let (r, c) = (
                    r0 + u32::try_from(i).unwrap_or(u32::MAX),
                    c0 + u32::try_from(j).unwrap_or(u32::MAX),
                );
                let text = match v {
                    Data::Empty => continue,
                    Data::String(s) => s.clone(),
                    Data::Int(n) => n.to_string(),
                    Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
                    Data::Float(f) => f.to_string(),
                    Data::Bool(b) => if *b { "是" } else { "否" }.to_owned(),
                    Data::DateTime(d) if d.is_datetime() => {
                        let (y, m, day, ..) = d.to_ymd_hms_milli();
                        format!("{y}年{m}月{day}日")
                    }
                    Data::DateTime(d) => d.as_f64().to_string(),
                    Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
                    Data::Error(e) => {
                        cell_problems.push((
                            u64::from(r) + 1,
                            Col::At(c as usize),
                            format!(
                                "单元格 {} 是错误值（{e}），请改正后再导入",
                                cell_name(u64::from(r) + 1, c as usize)
                            ),
                        ));
                        continue;
                    }
                };
                cells.insert((r, c), text);
            }
        }
    }
    if let Some((r0, c0)) = formulas.start() {
        for (i, row) in formulas.rows().enumerate() {
            for (j, f) in row.iter().enumerate() {
                if f.trim().is_empty() {
                    continue;
                }
                let (r, c) = (u64::from(r0) + i as u64 + 1, c0 as usize + j);
                cell_problems.push((
                    r,
                    Col::At(c),
                    format!(
                        "单元格 {} 是公式（={}），导入只读数值：请复制后“选择性粘贴 → 数值”再导入",
                        cell_name(r, c),
                        clip_cell(f)
                    ),
                ));
            }
        }
    }
    let mut filled = 0usize;
    for m in &merged {
        let (sr, sc) = m.start;
        let (er, ec) = m.end;
        if ec > sc {
            // Judged once the header row is known: only regions below it matter.
            cell_problems.push((
                u64::from(sr) + 1,
                Col::MergedFrom(sc as usize),
                format!(
                    "单元格 {}:{} 合并了多列，无法判断其内容属于哪一列：请取消合并后再导入",
                    cell_name(u64::from(sr) + 1, sc as usize),
                    cell_name(u64::from(er) + 1, ec as usize)
                ),
            ));
            continue;
        }
        if er > sr {
            let value = cells.get(&(sr, sc)).cloned().unwrap_or_default();
            for r in sr + 1..=er {
                cells.insert((r, sc), value.clone());
            }
            filled += 1;
            notes.push(format!(
                "合并单元格 {}:{} 的内容“{}”已填入其覆盖的第 {}–{} 行",
                cell_name(u64::from(sr) + 1, sc as usize),
                cell_name(u64::from(er) + 1, sc as usize),
                shorten(&value),
                sr + 1,
                er + 1
            ));
        }
    }
    let _ = filled;
    let max_col = cells.keys().map(|(_, c)| *c as usize).max();
    let mut rows: Vec<(u64, Vec<String>)> = Vec::new();
    if let Some(max_col) = max_col {
        let mut current: Option<(u32, Vec<String>)> = None;
        for ((r, c), text) in cells {
            if current.as_ref().is_some_and(|(cr, _)| *cr != r) {
                if let Some((cr, v)) = current.take() {
                    rows.push((u64::from(cr) + 1, v));
                }
            }
            let entry = current.get_or_insert_with(|| (r, vec![String::new(); max_col + 1]));
            entry.1[c as usize] = text;
        }
        if let Some((cr, v)) = current {
            rows.push((u64::from(cr) + 1, v));
        }
    }
    Ok(Some(Grid {
        format: "xlsx".to_owned(),
        sheet,
        rows,
        notes,
        cell_problems,
    }))
}

fn shorten(s: &str) -> String {
    let s = s.trim();
    if s.chars().count() > 20 {
        format!("{}…", s.chars().take(20).collect::<String>())
    } else {
        s.to_owned()
    }
}

fn read_csv(bytes: &[u8]) -> Result<Grid, TableRefused> {
    let decoded = crate::decode(bytes).map_err(|FileProblem(reason)| refused(reason))?;
    let mut reader = crate::csv_reader(&decoded.text, false);
    let text = decoded.text.as_bytes();
    // Row numbers as a spreadsheet shows them, from the byte offsets (the csv reader skips
    // blank lines).
    let (mut counted_to, mut line) = (0usize, 1u64);
    let mut line_at = |byte: u64| -> u64 {
        let mut byte = usize::try_from(byte).unwrap_or(usize::MAX).min(text.len());
        while byte < text.len() && (text[byte] == b'\n' || text[byte] == b'\r') {
            byte += 1;
        }
        if byte > counted_to {
            line += text[counted_to..byte]
                .iter()
                .filter(|b| **b == b'\n')
                .count() as u64;
            counted_to = byte;
        }
        line
    };
    let mut rows = Vec::new();
    let mut cell_problems = Vec::new();
    for record in reader.records() {
        match record {
            Ok(r) => {
                let row = r
                    .position()
                    .map_or(rows.len() as u64 + 1, |p| line_at(p.byte()));
                rows.push((row, r.iter().map(str::to_owned).collect::<Vec<_>>()));
            }
            Err(e) => {
                let row = e.position().map_or(0, |p| line_at(p.byte()));
                cell_problems.push((row, Col::Row, format!("无法读取：{e}")));
            }
        }
        if rows.len() > MAX_TABLE_ROWS {
            return Err(refused(format!(
                "文件超过 {MAX_TABLE_ROWS} 行，请分成几个文件导入"
            )));
        }
    }
    Ok(Grid {
        format: decoded.encoding.to_owned(),
        sheet: String::new(),
        rows,
        notes: Vec::new(),
        cell_problems,
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn no_map() -> BTreeMap<String, String> {
        BTreeMap::new()
    }

    #[test]
    fn a_cell_far_outside_any_allocation_table_is_refused_before_the_sheet_is_built() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, "工作要求").expect("a1");
        ws.write_string(0, 1, "责任单位").expect("b1");
        ws.write_string(1, 0, "做甲").expect("a2");
        ws.write_string(1, 1, "市环保局").expect("b2");
        // One cell at the sheet's last row and column: a dense grid would be 17 billion cells.
        ws.write_string(1_048_575, 16_383, "x").expect("xfd");
        let bytes = wb.save_to_buffer().expect("xlsx");
        assert!(bytes.len() < 20_000, "a tiny file");
        let err = read_plan_table(&bytes, &no_map()).unwrap_err();
        assert!(err.reason.contains("第 1048576 行第 16384 列"), "{err}");
    }

    #[test]
    fn a_csv_table_maps_headers_and_numbers_rows() {
        let csv = "附件：分工表\n序号,行动,任务,工作要求,牵头单位,责任单位,完成时限,备注\n1,行动一,任务一,做甲,市治水办,各县(市、区)政府,6月底前,\n\n2,,,做乙,,市环保局,年底前,x\n";
        let t = read_plan_table(csv.as_bytes(), &no_map()).unwrap();
        assert_eq!(t.header_row, 2);
        assert_eq!(t.unknown_headers, ["备注"]);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].row, 3);
        assert_eq!(t.rows[1].row, 5, "blank line counted");
        assert_eq!(t.rows[1].action, "行动一", "inherited");
        assert!(t.problems.is_empty(), "{:?}", t.problems);
    }

    #[test]
    fn gbk_and_mapping_and_missing_columns() {
        let (gbk, _, _) = encoding_rs::GBK.encode("工作内容及要求,责任单位\n做甲,市环保局\n");
        let err = read_plan_table(&gbk, &no_map()).unwrap_err();
        assert!(
            err.reason.contains("缺少列") && err.reason.contains("工作要求"),
            "{err}"
        );
        assert_eq!(err.unknown_headers, ["工作内容及要求"]);
        let mut m = no_map();
        m.insert("工作内容及要求".into(), "item".into());
        let t = read_plan_table(&gbk, &m).unwrap();
        assert_eq!(t.format, "GBK");
        assert_eq!(t.rows[0].item, "做甲");
    }

    #[test]
    fn empty_cells_are_named_by_row_and_column() {
        let t = read_plan_table(
            "工作要求,责任单位\n做甲,\n,市环保局\n".as_bytes(),
            &no_map(),
        )
        .unwrap();
        let p: Vec<String> = t.problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            p,
            [
                "第 2 行，列“责任单位”：责任单位为空",
                "第 3 行，列“工作要求”：工作要求为空"
            ]
        );
    }

    #[test]
    fn a_lead_with_no_responsible_unit_does_the_work_itself() {
        let t = read_plan_table(
            "工作要求,牵头单位,配合单位\n做甲,市环保局,\n做乙,市环保局,市住建局\n".as_bytes(),
            &no_map(),
        )
        .unwrap();
        assert!(t.problems.is_empty(), "{:?}", t.problems);
        assert_eq!(t.rows[0].responsible, "市环保局");
        assert_eq!(t.rows[1].responsible, "市住建局");
        assert!(
            t.notes
                .iter()
                .any(|n| n.contains("第 2 行") && n.contains("由牵头单位承担")),
            "{:?}",
            t.notes
        );
    }

    #[test]
    fn lists_split_outside_brackets() {
        assert_eq!(
            split_list("各县(市、区)政府、市环保局；市治水办"),
            ["各县(市、区)政府", "市环保局", "市治水办"]
        );
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(27), "AB");
    }

    fn xlsx(build: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) -> Vec<u8> {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        build(ws);
        wb.save_to_buffer().unwrap()
    }

    #[test]
    fn xlsx_merged_rows_are_filled_down_and_formulas_refused() {
        use rust_xlsxwriter::{Format, Formula};
        let bytes = xlsx(|ws| {
            for (c, h) in ["序号", "行动", "工作要求", "责任单位", "时限"]
                .iter()
                .enumerate()
            {
                ws.write_string(0, c as u16, *h).unwrap();
            }
            ws.merge_range(1, 1, 2, 1, "行动一", &Format::new())
                .unwrap();
            ws.write_number(1, 0, 1.0).unwrap();
            ws.write_number(2, 0, 2.0).unwrap();
            ws.write_string(1, 2, "做甲").unwrap();
            ws.write_string(2, 2, "做乙").unwrap();
            ws.write_string(1, 3, "市环保局").unwrap();
            ws.write_string(2, 3, "市环保局").unwrap();
            ws.write_formula(2, 4, Formula::new("=\"年底前\"")).unwrap();
        });
        let t = read_plan_table(&bytes, &no_map()).unwrap();
        assert_eq!(t.format, "xlsx");
        assert_eq!(t.rows[1].action, "行动一");
        assert_eq!(t.rows[0].number, "1");
        assert!(t.notes.iter().any(|n| n.contains("B2:B3")), "{:?}", t.notes);
        assert_eq!(t.problems.len(), 1, "{:?}", t.problems);
        assert_eq!(t.problems[0].row, 3);
        assert_eq!(t.problems[0].column, "时限");
        assert!(t.problems[0].reason.contains("E3") && t.problems[0].reason.contains("公式"));
    }

    #[test]
    fn xlsx_merged_columns_and_empty_sheets_are_refused() {
        use rust_xlsxwriter::Format;
        let bytes = xlsx(|ws| {
            ws.write_string(0, 0, "工作要求").unwrap();
            ws.write_string(0, 1, "责任单位").unwrap();
            ws.merge_range(1, 0, 1, 1, "做甲", &Format::new()).unwrap();
        });
        let t = read_plan_table(&bytes, &no_map()).unwrap();
        assert!(
            t.problems
                .iter()
                .any(|p| p.row == 2 && p.reason.contains("A2:B2")),
            "{:?}",
            t.problems
        );
        let empty = xlsx(|_| {});
        let err = read_plan_table(&empty, &no_map()).unwrap_err();
        assert!(err.reason.contains("空"), "{err}");
    }

    #[test]
    fn an_exported_allocation_table_reads_back() {
        use crate::allocation::{allocation_xlsx, AllocationRow, AllocationSheet, AssignmentCells};
        let row = |unit: &str| AllocationRow {
            action: "（一）水环境质量提升行动".into(),
            task: "1. 深化河长制".into(),
            item_number: 1,
            item_text: "6月底前做甲".into(),
            leads: "市治水办".into(),
            responsible: "各县(市、区)政府".into(),
            deadline_phrases: "6月底前\n年底前".into(),
            deadline_dates: "2018-06-30\n2018-12-31".into(),
            assignment: Some(AssignmentCells {
                unit: unit.into(),
                status: "进行中".into(),
                next_due: None,
                last_report: None,
            }),
        };
        let bytes = allocation_xlsx(&AllocationSheet {
            plan_title: "衢州市治水长效战行动方案".into(),
            plan_short_name: "治水长效战".into(),
            doc_no: "衢政办发〔2018〕43号".into(),
            as_of: chrono::NaiveDate::from_ymd_opt(2019, 3, 31).unwrap(),
            demo: false,
            filters: String::new(),
            rows: vec![row("柯城区政府"), row("衢江区政府")],
        })
        .unwrap();
        let t = read_plan_table(&bytes, &no_map()).unwrap();
        assert!(t.problems.is_empty(), "{:?}", t.problems);
        assert_eq!(t.header_row, 3);
        // The title rows above the header are kept for the preview to offer.
        assert!(
            t.above_header
                .iter()
                .any(|r| r.contains("衢州市治水长效战行动方案")),
            "{:?}",
            t.above_header
        );
        let fields: Vec<&str> = t.columns.iter().map(|(h, _)| h.as_str()).collect();
        assert_eq!(
            fields,
            [
                "行动",
                "任务",
                "序号",
                "工作要求",
                "牵头单位",
                "责任单位（原文）",
                "时限（原文）"
            ]
        );
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].responsible, "各县(市、区)政府");
        assert_eq!(split_list(&t.rows[0].deadline), ["6月底前", "年底前"]);
    }
}
