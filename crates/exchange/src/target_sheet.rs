//! Reading a plan's 指标目标 sheet: the workbook sheet named 指标目标 (or 目标, 指标,
//! targets) beside the allocation table, one row per (indicator, place, year) target, a new
//! indicator defined by its first row (see `sanzhi_domain::measure`).
//!
//! Columns are found by their header (any order, [`TargetField::headers`]); the header row is
//! the first naming at least two fields. Formulas, error cells and regions merged across
//! columns are problems of their row, as in the allocation table.

use crate::guard::{clip_cell, clip_reason};
use crate::plan_table::{read_xlsx_sheet, refused, Col, Sheet, TableRefused};
use sanzhi_domain::measure::{TargetField, TargetInput};
use sanzhi_domain::RowProblem;
use std::collections::BTreeMap;

/// A 指标目标 sheet read into rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TargetSheet {
    /// The sheet's name as written.
    pub sheet: String,
    /// The header as written for each field read.
    pub headers: BTreeMap<TargetField, String>,
    pub rows: Vec<TargetInput>,
    /// Problems of the cells themselves (formulas, errors, merged regions).
    pub problems: Vec<RowProblem>,
    /// Headers that name no field: their cells are not read.
    pub unknown_headers: Vec<String>,
}

impl TargetSheet {
    /// The header as written for `f`, or the template's.
    pub fn header(&self, f: TargetField) -> String {
        self.headers
            .get(&f)
            .cloned()
            .unwrap_or_else(|| f.headers()[0].to_owned())
    }
}

/// The workbook's 指标目标 sheet, if the file is a workbook and has one (a CSV file carries
/// only the allocation table).
pub fn read_target_sheet(bytes: &[u8]) -> Result<Option<TargetSheet>, TableRefused> {
    if !bytes.starts_with(b"PK\x03\x04") {
        return Ok(None);
    }
    let Some(grid) = read_xlsx_sheet(bytes, Sheet::Targets)? else {
        return Ok(None);
    };
    let sheet = grid.sheet.clone();
    let non_empty: Vec<&(u64, Vec<String>)> = grid
        .rows
        .iter()
        .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()))
        .collect();
    let known = |cells: &Vec<String>| {
        cells
            .iter()
            .filter(|c| TargetField::of_header(c).is_some())
            .count()
    };
    let Some((header_row, header_cells)) = non_empty
        .iter()
        .find(|(_, cells)| known(cells) >= 2)
        .map(|(r, c)| (*r, c.clone()))
    else {
        return Err(refused(format!(
            "工作表“{sheet}”没有表头：应有 指标、地点、年度、目标值 等列（新指标另填 单位、方向）"
        )));
    };
    let mut headers: BTreeMap<TargetField, String> = BTreeMap::new();
    let mut index: BTreeMap<TargetField, usize> = BTreeMap::new();
    let mut unknown_headers = Vec::new();
    for (i, h) in header_cells.iter().enumerate() {
        let h = h.trim();
        if h.is_empty() {
            continue;
        }
        match TargetField::of_header(h) {
            Some(f) if index.contains_key(&f) => {
                return Err(refused(format!(
                    "工作表“{sheet}”第 {header_row} 行（表头）：列“{}”和“{h}”表示同一字段，只能保留一列",
                    headers[&f]
                )));
            }
            Some(f) => {
                headers.insert(f, h.to_owned());
                index.insert(f, i);
            }
            None => unknown_headers.push(clip_cell(h)),
        }
    }
    let has = |f: TargetField| index.contains_key(&f);
    let missing: Vec<&str> = [
        (
            has(TargetField::Indicator) || has(TargetField::Code),
            "指标",
        ),
        (has(TargetField::Place), "地点"),
        (has(TargetField::Year), "年度"),
        (has(TargetField::Value), "目标值"),
    ]
    .into_iter()
    .filter(|(ok, _)| !ok)
    .map(|(_, name)| name)
    .collect();
    if !missing.is_empty() {
        return Err(refused(format!(
            "工作表“{sheet}”第 {header_row} 行（表头）缺少列：{}",
            missing.join("、")
        )));
    }
    let column = |col: usize| -> String {
        let h = header_cells
            .get(col)
            .map(|h| h.trim().to_owned())
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| crate::plan_table::column_letters(col));
        format!("{sheet}·{h}")
    };
    let mut problems = Vec::new();
    for (row, col, reason) in grid.cell_problems {
        if row <= header_row {
            continue;
        }
        let column = match col {
            Col::Row => String::new(),
            Col::At(c) | Col::MergedFrom(c) => column(c),
        };
        problems.push(RowProblem {
            row,
            column,
            reason: clip_reason(&reason).into_owned(),
        });
    }
    let mut rows = Vec::new();
    for (row, cells) in non_empty.iter().filter(|(r, _)| *r > header_row) {
        let cell = |f: TargetField| -> String {
            index
                .get(&f)
                .and_then(|i| cells.get(*i))
                .map(|c| c.trim().to_owned())
                .unwrap_or_default()
        };
        if rows.len() >= crate::plan_table::MAX_TABLE_ROWS {
            return Err(refused(format!(
                "工作表“{sheet}”超过 {} 行",
                crate::plan_table::MAX_TABLE_ROWS
            )));
        }
        rows.push(TargetInput {
            row: *row,
            indicator: cell(TargetField::Indicator),
            code: cell(TargetField::Code),
            name_en: cell(TargetField::NameEn),
            unit: cell(TargetField::Unit),
            better: cell(TargetField::Better),
            aggregate: cell(TargetField::Aggregate),
            max: cell(TargetField::Max),
            place: cell(TargetField::Place),
            year: cell(TargetField::Year),
            value: cell(TargetField::Value),
            note: cell(TargetField::Note),
        });
    }
    Ok(Some(TargetSheet {
        sheet,
        headers,
        rows,
        problems,
        unknown_headers,
    }))
}
