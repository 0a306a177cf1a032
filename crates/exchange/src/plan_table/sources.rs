//! Reading an allocation table's cells: the first sheet of an .xlsx workbook (guarded against
//! zip bombs), or a CSV file, into a [`Grid`] of cells with their row numbers.

use super::*;

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
pub(super) fn read_xlsx(bytes: &[u8]) -> Result<Grid, TableRefused> {
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
    use calamine::{open_workbook_from_rs, Reader, Xlsx};
    let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec()))
        .map_err(|e| refused(format!("无法读取 Excel 工作簿（.xlsx）：{e}")))?;
    let Some(sheet) = choose_sheet(&book.sheet_names(), which)? else {
        return Ok(None);
    };
    check_extent(&mut book, &sheet)?;
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
    let mut cells = cell_texts(&range, &mut cell_problems);
    formula_problems(&formulas, &mut cell_problems);
    fill_merged(&merged, &mut cells, &mut notes, &mut cell_problems);
    Ok(Some(Grid {
        format: "xlsx".to_owned(),
        sheet,
        rows: grid_rows(cells),
        notes,
        cell_problems,
    }))
}

/// A problem of one cell: its row (as a spreadsheet numbers it), its column, the reason.
type CellProblem = (u64, Col, String);

/// The sheet to read: the allocation table (the first sheet that is not a 指标目标 sheet), or
/// the targets sheet (`None` when the workbook has none).
fn choose_sheet(names: &[String], which: Sheet) -> Result<Option<String>, TableRefused> {
    let targets = |n: &String| sanzhi_domain::measure::is_target_sheet(n);
    Ok(match which {
        Sheet::Table if names.is_empty() => return Err(refused("工作簿里没有工作表")),
        Sheet::Table => match names.iter().find(|n| !targets(n)) {
            Some(n) => Some(n.clone()),
            None => return Err(refused("工作簿里只有指标目标工作表，没有分工表")),
        },
        Sheet::Targets => match names.iter().find(|n| targets(n)) {
            Some(n) => Some(n.clone()),
            None => return Ok(None),
        },
    })
}

/// Before anything dense is built (calamine's ranges are rows × columns), streams the cells
/// and refuses a sheet whose used area is far larger than any allocation table: a tiny file
/// can name a cell at XFD1048576.
fn check_extent<R: std::io::Read + std::io::Seek>(
    book: &mut calamine::Xlsx<R>,
    sheet: &str,
) -> Result<(), TableRefused> {
    let mut reader = book
        .worksheet_cells_reader(sheet)
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

    Ok(())
}

/// Absolute (0-based row, col) → the cell's text; error values are problems of their cell.
fn cell_texts(
    range: &calamine::Range<calamine::Data>,
    cell_problems: &mut Vec<CellProblem>,
) -> BTreeMap<(u32, u32), String> {
    use calamine::Data;
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
    cells
}

/// A formula is a problem of its cell: the import reads values only.
fn formula_problems(formulas: &calamine::Range<String>, cell_problems: &mut Vec<CellProblem>) {
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
}

/// A region merged down one column is filled into every row it covers (noted); one merged
/// across columns is a problem (its column cannot be told).
fn fill_merged(
    merged: &[calamine::Dimensions],
    cells: &mut BTreeMap<(u32, u32), String>,
    notes: &mut Vec<String>,
    cell_problems: &mut Vec<CellProblem>,
) {
    for m in merged {
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
}

/// The cells as rows (spreadsheet row number, a text per column), in order.
fn grid_rows(cells: BTreeMap<(u32, u32), String>) -> Vec<(u64, Vec<String>)> {
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
    rows
}

fn shorten(s: &str) -> String {
    let s = s.trim();
    if s.chars().count() > 20 {
        format!("{}…", s.chars().take(20).collect::<String>())
    } else {
        s.to_owned()
    }
}

pub(super) fn read_csv(bytes: &[u8]) -> Result<Grid, TableRefused> {
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
