//! The allocation table (工作任务分工表) of a plan as an Excel workbook, in the gazette's
//! layout — 行动 / 任务 / 序号 / 工作要求 / 牵头单位 / 责任单位（原文） / 时限 — with the live
//! tracking columns of each responsible unit on a chosen day: 责任单位 / 状态 / 最近报告 /
//! 完成量. One row per assignment (item × unit); an item without assignments still gets one
//! row, its unit columns left empty. The gazette's cells are repeated on every row of the
//! item rather than merged, so that sorting and filtering in Excel keep working.
//!
//! [`allocation_xlsx`] is pure: the caller gathers the plain data in an [`AllocationSheet`].

use crate::FileProblem;
use chrono::NaiveDate;
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
    XlsxError,
};

/// The column headers, in order. The last two are dates (Excel dates, shown YYYY-MM-DD).
pub const HEADERS: [&str; 14] = [
    "行动",
    "任务",
    "序号",
    "工作要求",
    "牵头单位",
    "责任单位（原文）",
    "时限（原文）",
    "时限（日期）",
    "责任单位",
    "状态",
    "最近报告",
    "完成量",
    "下一时限",
    "最近报告日期",
];

/// Column widths (in characters of the default font), by column.
const WIDTHS: [f64; 14] = [
    14.0, 16.0, 5.0, 44.0, 12.0, 14.0, 12.0, 12.0, 13.0, 10.0, 34.0, 7.0, 11.0, 11.0,
];

/// Points per line of wrapped text at the default 11-point font.
const LINE_POINTS: f64 = 15.0;

/// Row of the title (0-based, as in the sheet: row 1 in Excel).
pub const TITLE_ROW: u32 = 0;
/// Row of the note: document number, as-of day, and “含演示数据” when there is demo data.
pub const NOTE_ROW: u32 = 1;
/// Row of the column headers; the rows up to and including it are frozen.
pub const HEADER_ROW: u32 = 2;
/// The note's words when the tracking data includes demo reports.
pub const DEMO_NOTE: &str = "含演示数据";
/// The prefix of a demo report in the 最近报告 column.
pub const DEMO_MARK: &str = "【演示】";

/// Excel refuses longer cell texts.
const MAX_CELL_CHARS: usize = 32_000;

/// A plan's allocation table with the tracking state on one day.
#[derive(Debug, Clone, PartialEq)]
pub struct AllocationSheet {
    /// Full title, e.g. 衢州市治水长效战行动方案.
    pub plan_title: String,
    /// Short name, e.g. 治水长效战 (used for the sheet's name).
    pub plan_short_name: String,
    /// 文号, e.g. 衢政办发〔2018〕43号.
    pub doc_no: String,
    /// The day the statuses are computed for.
    pub as_of: NaiveDate,
    /// The tracking data includes demo reports.
    pub demo: bool,
    /// The filters the list was made with (“单位：柯城区政府 · 状态：逾期”), empty for all.
    pub filters: String,
    pub rows: Vec<AllocationRow>,
}

/// One row: a work item with one of its assignments (or none).
#[derive(Debug, Clone, PartialEq)]
pub struct AllocationRow {
    /// “（一）……”.
    pub action: String,
    /// “1. ……”.
    pub task: String,
    pub item_number: i32,
    pub item_text: String,
    /// 牵头单位 as the table writes them.
    pub leads: String,
    /// 责任单位 as the table writes them.
    pub responsible: String,
    /// The deadline phrases as written, one a line.
    pub deadline_phrases: String,
    /// What each phrase was read as (“2018-06-30”, “每月”), one a line.
    pub deadline_dates: String,
    /// The assignment of this row; `None` for an item without responsible units.
    pub assignment: Option<AssignmentCells>,
}

/// The live columns of one assignment.
#[derive(Debug, Clone, PartialEq)]
pub struct AssignmentCells {
    pub unit: String,
    /// The status label on the as-of day (“逾期”, “已完成”, …).
    pub status: String,
    /// The next unmet dated milestone (the earliest missed one when overdue).
    pub next_due: Option<NaiveDate>,
    pub last_report: Option<LastReport>,
}

/// The newest report on an assignment up to the as-of day.
#[derive(Debug, Clone, PartialEq)]
pub struct LastReport {
    pub on: NaiveDate,
    /// “推进中” or “已完成”.
    pub state: String,
    /// The coordinator's decision on a done report (“待签收”, “已签收”, “已退回：理由”), or empty.
    pub review: String,
    pub narrative: String,
    pub achieved: Option<f64>,
    pub is_demo: bool,
    /// A 补报: dated more than the allowed days before the day it was made.
    pub late_filed: bool,
}

impl LastReport {
    /// The 最近报告 cell: “【演示】2019-03-01（补报）推进中：……” .
    pub fn cell_text(&self) -> String {
        let mut s = String::new();
        if self.is_demo {
            s.push_str(DEMO_MARK);
        }
        s.push_str(&self.on.format("%Y-%m-%d").to_string());
        if self.late_filed {
            s.push_str("（补报）");
        }
        s.push(' ');
        s.push_str(&self.state);
        if !self.review.is_empty() {
            s.push('（');
            s.push_str(&self.review);
            s.push('）');
        }
        let narrative = self.narrative.trim();
        if !narrative.is_empty() {
            s.push('：');
            s.push_str(narrative);
        }
        s
    }
}

impl AllocationSheet {
    /// “衢州市治水长效战行动方案 工作任务分工表（截至 2019-03-31）”.
    pub fn title(&self) -> String {
        format!(
            "{} 工作任务分工表（截至 {}）",
            self.plan_title,
            self.as_of.format("%Y-%m-%d")
        )
    }

    /// The note under the title.
    pub fn note(&self) -> String {
        let mut parts = Vec::new();
        if !self.doc_no.trim().is_empty() {
            parts.push(format!("文号：{}", self.doc_no.trim()));
        }
        parts.push(format!(
            "状态按 {} 计算，每个责任单位一行",
            self.as_of.format("%Y-%m-%d")
        ));
        if !self.filters.trim().is_empty() {
            parts.push(format!("筛选：{}", self.filters.trim()));
        }
        if self.demo {
            parts.push(format!(
                "{DEMO_NOTE}：标有“{DEMO_MARK}”的报告为演示用的虚构数据，不代表真实进展"
            ));
        }
        parts.join("；") + "。"
    }

    /// The worksheet's name: “治水长效战分工表 2019-03-31”, made safe for Excel (at most 31
    /// characters, none of `[]:*?/\`).
    pub fn sheet_name(&self) -> String {
        let date = self.as_of.format("%Y-%m-%d").to_string();
        let base: String = self
            .plan_short_name
            .chars()
            .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\' | '\''))
            .collect();
        let base = if base.trim().is_empty() {
            "分工表".to_owned()
        } else {
            format!("{}分工表", base.trim())
        };
        // 31 characters in all: the date (10) and a space leave 20 for the name.
        let base: String = base.chars().take(31 - date.chars().count() - 1).collect();
        format!("{base} {date}")
    }
}

fn problem(e: XlsxError) -> FileProblem {
    FileProblem(format!("无法生成 Excel 文件：{e}"))
}

fn clip(s: &str) -> String {
    if s.chars().count() <= MAX_CELL_CHARS {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(MAX_CELL_CHARS - 1).collect();
        out.push('…');
        out
    }
}

/// Writes the allocation table as an .xlsx workbook with one sheet: a title row naming the
/// plan and the as-of day, a note row (with “含演示数据” when `demo`), the header row (frozen,
/// with a filter), then one row per assignment. Text wraps; columns have fixed widths.
pub fn allocation_xlsx(sheet: &AllocationSheet) -> Result<Vec<u8>, FileProblem> {
    let mut workbook = Workbook::new();
    workbook.set_properties(
        &DocProperties::new()
            .set_title(sheet.title())
            .set_subject("工作任务分工表")
            .set_comment(sheet.note()),
    );
    let ws = workbook.add_worksheet();
    write_sheet(ws, sheet).map_err(problem)?;
    workbook.save_to_buffer().map_err(problem)
}

fn write_sheet(ws: &mut Worksheet, sheet: &AllocationSheet) -> Result<(), XlsxError> {
    let f = Formats::new(sheet.demo);
    write_head(ws, sheet, &f)?;
    let mut row = HEADER_ROW;
    for r in &sheet.rows {
        row += 1;
        write_row(ws, row, r, &f)?;
    }
    set_print(ws, sheet, row)
}

/// The cell formats of the sheet.
struct Formats {
    title: Format,
    note: Format,
    header: Format,
    cell: Format,
    centred: Format,
    number: Format,
    date: Format,
}

impl Formats {
    fn new(demo: bool) -> Formats {
        let title = Format::new()
            .set_bold()
            .set_font_size(14)
            .set_align(FormatAlign::Left)
            .set_align(FormatAlign::VerticalCenter);
        let note = if demo {
            Format::new()
                .set_text_wrap()
                .set_align(FormatAlign::Left)
                .set_align(FormatAlign::VerticalCenter)
                .set_font_color(Color::RGB(0x9C_0006))
                .set_bold()
        } else {
            Format::new()
                .set_text_wrap()
                .set_align(FormatAlign::Left)
                .set_align(FormatAlign::VerticalCenter)
                .set_font_color(Color::RGB(0x59_5959))
        };
        let header = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_background_color(Color::RGB(0xDD_EBF7))
            .set_border(FormatBorder::Thin);
        let cell = Format::new()
            .set_text_wrap()
            .set_align(FormatAlign::Top)
            .set_border(FormatBorder::Thin);
        let centred = cell.clone().set_align(FormatAlign::Center);
        let number = cell.clone().set_num_format("General");
        let date = cell
            .clone()
            .set_num_format("yyyy-mm-dd")
            .set_align(FormatAlign::Center);
        Formats {
            title,
            note,
            header,
            cell,
            centred,
            number,
            date,
        }
    }

    // Each status its colour, as on the pages: 逾期 red, 即将到期 yellow, done green.
    fn status(&self, label: &str) -> Format {
        let (fill, font) = match sanzhi_domain::Status::ALL
            .into_iter()
            .find(|s| s.label_zh() == label)
        {
            Some(sanzhi_domain::Status::Overdue) => (0xFF_C7CE, 0x9C_0006),
            Some(sanzhi_domain::Status::Lapsed) => (0xD9_D9D9, 0x7B_1010),
            Some(sanzhi_domain::Status::DueSoon) => (0xFF_EB9C, 0x9C_5700),
            Some(sanzhi_domain::Status::Done) => (0xC6_EFCE, 0x00_6100),
            Some(sanzhi_domain::Status::DoneLate) => (0xE2_EFDA, 0x37_5623),
            _ => return self.centred.clone(),
        };
        self.centred
            .clone()
            .set_background_color(Color::RGB(fill))
            .set_font_color(Color::RGB(font))
            .set_bold()
    }
}

/// The title, the note (demo data said in red), the header row.
fn write_head(ws: &mut Worksheet, sheet: &AllocationSheet, f: &Formats) -> Result<(), XlsxError> {
    let last_col = u16::try_from(HEADERS.len() - 1).unwrap_or(u16::MAX);
    let (title, note, header) = (&f.title, &f.note, &f.header);
    ws.set_name(sheet.sheet_name())?;
    ws.merge_range(TITLE_ROW, 0, TITLE_ROW, last_col, &sheet.title(), title)?;
    ws.set_row_height(TITLE_ROW, 24)?;
    ws.merge_range(NOTE_ROW, 0, NOTE_ROW, last_col, &sheet.note(), note)?;
    ws.set_row_height(NOTE_ROW, if sheet.demo { 32 } else { 18 })?;
    for (col, (h, w)) in HEADERS.iter().zip(WIDTHS).enumerate() {
        let col = u16::try_from(col).unwrap_or(u16::MAX);
        ws.write_string_with_format(HEADER_ROW, col, *h, header)?;
        ws.set_column_width(col, w)?;
    }
    ws.set_row_height(HEADER_ROW, 30)?;

    Ok(())
}

/// One row: the item and, when it has one, its assignment's status, last report and next
/// deadline; tall enough for its longest wrapped cell, so that the printout shows all of it.
fn write_row(
    ws: &mut Worksheet,
    row: u32,
    r: &AllocationRow,
    f: &Formats,
) -> Result<(), XlsxError> {
    let (cell, centred, number, date) = (&f.cell, &f.centred, &f.number, &f.date);
    let texts = [
        &r.action,
        &r.task,
        &String::new(),
        &r.item_text,
        &r.leads,
        &r.responsible,
        &r.deadline_phrases,
        &r.deadline_dates,
    ];
    // Tall enough for its longest wrapped cell, so that the printout shows all of it.
    let mut lines = texts
        .iter()
        .zip(WIDTHS)
        .map(|(t, w)| wrapped_lines(t, w))
        .max()
        .unwrap_or(1);
    for (col, t) in texts.into_iter().enumerate() {
        let col = u16::try_from(col).unwrap_or(u16::MAX);
        if col == 2 {
            ws.write_number_with_format(row, col, r.item_number, centred)?;
        } else {
            ws.write_string_with_format(row, col, clip(t), cell)?;
        }
    }
    match &r.assignment {
        Some(a) => {
            ws.write_string_with_format(row, 8, clip(&a.unit), cell)?;
            ws.write_string_with_format(row, 9, clip(&a.status), &f.status(&a.status))?;
            match a.next_due {
                Some(d) => ws.write_datetime_with_format(row, 12, &excel_date(d)?, date)?,
                None => ws.write_blank(row, 12, date)?,
            };
            match &a.last_report {
                Some(rep) => {
                    let text = rep.cell_text();
                    lines = lines.max(wrapped_lines(&text, WIDTHS[10]));
                    ws.write_string_with_format(row, 10, clip(&text), cell)?;
                    match rep.achieved {
                        Some(q) => ws.write_number_with_format(row, 11, q, number)?,
                        None => ws.write_blank(row, 11, number)?,
                    };
                    ws.write_datetime_with_format(row, 13, &excel_date(rep.on)?, date)?;
                }
                None => {
                    ws.write_blank(row, 10, cell)?;
                    ws.write_blank(row, 11, number)?;
                    ws.write_blank(row, 13, date)?;
                }
            }
        }
        None => {
            for col in 8..=13 {
                ws.write_blank(row, col, cell)?;
            }
        }
    }
    ws.set_row_height(row, row_points(lines))?;
    Ok(())
}

/// Frozen and filtered header; printed on A4 landscape, as wide as the page, the header row
/// on every page, page x / y.
fn set_print(ws: &mut Worksheet, sheet: &AllocationSheet, last_row: u32) -> Result<(), XlsxError> {
    let last_col = u16::try_from(HEADERS.len() - 1).unwrap_or(u16::MAX);
    ws.set_freeze_panes(HEADER_ROW + 1, 0)?;
    ws.autofilter(HEADER_ROW, 0, last_row, last_col)?;
    ws.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_margins(0.4, 0.4, 0.5, 0.5, 0.3, 0.3);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_footer("&C&P / &N");
    ws.set_header(format!("&L&8{}", clip_header(&sheet.title())));
    Ok(())
}

/// A day as an Excel date.
fn excel_date(d: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    use chrono::Datelike;
    let part = |n: u32| u8::try_from(n).unwrap_or(1);
    ExcelDateTime::from_ymd(
        u16::try_from(d.year()).unwrap_or(1900),
        part(d.month()),
        part(d.day()),
    )
}

/// The lines `text` takes in a wrapped cell `width` characters wide: a CJK character is two
/// characters wide, anything else one; each line of the text starts a new line.
fn wrapped_lines(text: &str, width: f64) -> usize {
    // A little room for the cell's padding.
    let room = (width - 1.0).max(2.0);
    text.split('\n')
        .map(|line| {
            let w: f64 = line
                .chars()
                .map(|c| if c.is_ascii() { 1.0 } else { 2.0 })
                .sum();
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let n = (w / room).ceil() as usize;
            n.max(1)
        })
        .sum()
}

/// The height of a row of `lines` wrapped lines, within Excel's limit (409 points).
fn row_points(lines: usize) -> f64 {
    #[allow(clippy::cast_precision_loss)]
    let points = lines as f64 * LINE_POINTS + 3.0;
    points.min(409.0)
}

/// Excel limits a header or footer to 255 characters (codes included).
fn clip_header(s: &str) -> String {
    s.replace('&', "&&").chars().take(200).collect()
}

/// The first sheet of an .xlsx workbook as text, for reading an exported table back: its name
/// and its rows from A1 on, every cell as text (numbers as written: `1`, `12.5`; empty cells
/// as “”).
pub fn xlsx_first_sheet(bytes: &[u8]) -> Result<(String, Vec<Vec<String>>), FileProblem> {
    // A zip bomb is refused before calamine expands any of it.
    crate::guard::check_workbook(bytes).map_err(FileProblem)?;
    // A panic inside calamine (see `plan_table::read_xlsx`) is a refusal.
    crate::contained(|| first_sheet_unguarded(bytes)).unwrap_or_else(|why| {
        Err(FileProblem(format!(
            "无法读取 Excel 文件：文件结构有误（{why}）"
        )))
    })
}

fn first_sheet_unguarded(bytes: &[u8]) -> Result<(String, Vec<Vec<String>>), FileProblem> {
    use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
    let unreadable = |e: calamine::XlsxError| FileProblem(format!("无法读取 Excel 文件：{e}"));
    let mut wb: Xlsx<_> =
        open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).map_err(unreadable)?;
    let name = wb
        .sheet_names()
        .into_iter()
        .next()
        .ok_or_else(|| FileProblem("工作簿中没有工作表".to_owned()))?;
    let range = wb.worksheet_range(&name).map_err(unreadable)?;
    let Some((last_row, last_col)) = range.end() else {
        return Ok((name, Vec::new()));
    };
    let rows = (0..=last_row)
        .map(|r| {
            (0..=last_col)
                .map(|c| match range.get_value((r, c)) {
                    None | Some(Data::Empty) => String::new(),
                    Some(Data::String(s)) => s.clone(),
                    Some(other) => other.to_string(),
                })
                .collect()
        })
        .collect();
    Ok((name, rows))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
    use std::io::Cursor;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn row(number: i32, assignment: Option<AssignmentCells>) -> AllocationRow {
        AllocationRow {
            action: "（一）水环境质量提升行动".into(),
            task: "1. 深化河长制".into(),
            item_number: number,
            item_text: format!("第 {number} 条工作要求的全文，较长，需要换行显示。"),
            leads: "市治水办".into(),
            responsible: "各县（市、区）政府".into(),
            deadline_phrases: "2018年6月底前\n长效".into(),
            deadline_dates: "2018-06-30\n持续".into(),
            assignment,
        }
    }

    fn sample(demo: bool) -> AllocationSheet {
        AllocationSheet {
            plan_title: "衢州市治水长效战行动方案".into(),
            plan_short_name: "治水长效战".into(),
            doc_no: "衢政办发〔2018〕43号".into(),
            as_of: day(2019, 3, 31),
            demo,
            filters: String::new(),
            rows: vec![
                row(
                    1,
                    Some(AssignmentCells {
                        unit: "柯城区政府".into(),
                        status: "逾期".into(),
                        next_due: Some(day(2018, 6, 30)),
                        last_report: None,
                    }),
                ),
                row(
                    1,
                    Some(AssignmentCells {
                        unit: "开化县政府".into(),
                        status: "已完成".into(),
                        next_due: None,
                        last_report: Some(LastReport {
                            on: day(2018, 6, 20),
                            state: "已完成".into(),
                            review: "已签收".into(),
                            narrative: "已完成河长制巡河全覆盖".into(),
                            achieved: Some(12.5),
                            is_demo: demo,
                            late_filed: false,
                        }),
                    }),
                ),
                row(2, None),
            ],
        }
    }

    fn read(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
        open_workbook_from_rs(Cursor::new(bytes)).unwrap()
    }

    fn text(range: &calamine::Range<Data>, r: u32, c: u32) -> String {
        match range.get_value((r, c)) {
            Some(Data::String(s)) => s.clone(),
            Some(Data::Empty) | None => String::new(),
            Some(other) => other.to_string(),
        }
    }

    #[test]
    fn the_workbook_has_title_note_headers_and_one_row_per_assignment() {
        let bytes = allocation_xlsx(&sample(false)).unwrap();
        assert!(bytes.starts_with(b"PK\x03\x04"), "a zip container");
        let mut wb = read(bytes);
        assert_eq!(
            wb.sheet_names(),
            vec!["治水长效战分工表 2019-03-31".to_owned()]
        );
        let range = wb.worksheet_range("治水长效战分工表 2019-03-31").unwrap();
        assert_eq!(
            text(&range, 0, 0),
            "衢州市治水长效战行动方案 工作任务分工表（截至 2019-03-31）"
        );
        let note = text(&range, 1, 0);
        assert!(note.contains("衢政办发〔2018〕43号"), "{note}");
        assert!(note.contains("2019-03-31"), "{note}");
        assert!(
            !note.contains(DEMO_NOTE),
            "no demo data, no demo note: {note}"
        );
        let headers: Vec<String> = (0..14).map(|c| text(&range, HEADER_ROW, c)).collect();
        assert_eq!(headers, HEADERS.map(str::to_owned).to_vec());
        // Three data rows and nothing after them.
        assert_eq!(range.end(), Some((HEADER_ROW + 3, 13)));

        let first = HEADER_ROW + 1;
        assert_eq!(text(&range, first, 0), "（一）水环境质量提升行动");
        assert_eq!(text(&range, first, 1), "1. 深化河长制");
        assert_eq!(range.get_value((first, 2)), Some(&Data::Float(1.0)));
        assert_eq!(
            text(&range, first, 3),
            "第 1 条工作要求的全文，较长，需要换行显示。"
        );
        assert_eq!(text(&range, first, 4), "市治水办");
        assert_eq!(text(&range, first, 5), "各县（市、区）政府");
        assert_eq!(text(&range, first, 6), "2018年6月底前\n长效");
        assert_eq!(text(&range, first, 7), "2018-06-30\n持续");
        assert_eq!(text(&range, first, 8), "柯城区政府");
        assert_eq!(text(&range, first, 9), "逾期");
        assert_eq!(text(&range, first, 10), "", "no report yet");
        assert_eq!(text(&range, first, 11), "");
        // Dates are Excel dates, not text.
        assert!(
            matches!(range.get_value((first, 12)), Some(Data::DateTime(d)) if d.as_f64() == 43281.0),
            "next due 2018-06-30: {:?}",
            range.get_value((first, 12))
        );
        assert_eq!(text(&range, first, 13), "");

        let second = first + 1;
        assert_eq!(range.get_value((second, 2)), Some(&Data::Float(1.0)));
        assert_eq!(text(&range, second, 8), "开化县政府");
        assert_eq!(text(&range, second, 9), "已完成");
        assert_eq!(
            text(&range, second, 10),
            "2018-06-20 已完成（已签收）：已完成河长制巡河全覆盖"
        );
        assert_eq!(range.get_value((second, 11)), Some(&Data::Float(12.5)));
        assert!(
            matches!(range.get_value((second, 13)), Some(Data::DateTime(d)) if d.as_f64() == 43271.0),
            "reported 2018-06-20"
        );

        // An item without assignments still has its row, with empty unit columns.
        let third = second + 1;
        assert_eq!(range.get_value((third, 2)), Some(&Data::Float(2.0)));
        assert_eq!(
            text(&range, third, 3),
            "第 2 条工作要求的全文，较长，需要换行显示。"
        );
        for c in 8..14 {
            assert_eq!(text(&range, third, c), "", "column {c}");
        }
    }

    /// 逾期 is red and 已完成 green in the sheet as on the pages; every row is tall enough for
    /// its longest wrapped text; it prints on A4 landscape with the header row repeated.
    #[test]
    fn statuses_are_coloured_and_rows_print_whole() {
        let mut s = sample(false);
        s.rows[1].item_text = "长".repeat(300);
        let bytes = allocation_xlsx(&s).unwrap();
        let mut wb = read(bytes.clone());
        let name = wb.sheet_names()[0].clone();
        let styles = wb.worksheet_style(&name).unwrap();
        let fill = |r: u32| {
            format!(
                "{:?}",
                styles
                    .get((r, 9))
                    .unwrap()
                    .fill
                    .as_ref()
                    .map(|f| f.get_color())
            )
        };
        let (red, green) = (fill(HEADER_ROW + 1), fill(HEADER_ROW + 2));
        assert!(
            red.contains("255") && red.contains("199"),
            "逾期 red: {red}"
        );
        assert!(
            green.contains("198") && green.contains("239"),
            "已完成 green: {green}"
        );
        // 300 wide characters in a 44-wide column: 14 lines.
        assert_eq!(wrapped_lines(&"长".repeat(300), 44.0), 14);
        assert_eq!(wrapped_lines("a\nb", 44.0), 2);
        let entry_text = |name: &str| {
            use std::io::Read;
            let mut zip = zip::ZipArchive::new(Cursor::new(bytes.clone())).unwrap();
            let mut text = String::new();
            zip.by_name(name)
                .unwrap()
                .read_to_string(&mut text)
                .unwrap();
            text
        };
        let sheet_xml = entry_text("xl/worksheets/sheet1.xml");
        assert!(
            sheet_xml.contains(r#"ht="213""#),
            "a row of 14 lines: {}",
            &sheet_xml[..400]
        );
        assert!(sheet_xml.contains(r#"paperSize="9""#), "A4");
        assert!(sheet_xml.contains(r#"orientation="landscape""#));
        assert!(
            sheet_xml.contains("&amp;P / &amp;N"),
            "page x / y in the footer"
        );
        let workbook_xml = entry_text("xl/workbook.xml");
        assert!(
            workbook_xml.contains("_xlnm.Print_Titles"),
            "the header row repeats"
        );
    }

    #[test]
    fn headers_are_bold_text_wraps_and_the_title_spans_the_table() {
        let mut wb = read(allocation_xlsx(&sample(false)).unwrap());
        let name = wb.sheet_names()[0].clone();
        let styles = wb.worksheet_style(&name).unwrap();
        let style_at = |r: u32, c: u32| styles.get((r, c)).unwrap().clone();
        for c in [0u32, 3, 11] {
            let h = style_at(HEADER_ROW, c);
            assert!(h.font.as_ref().unwrap().is_bold(), "header {c} is bold");
            assert!(h.alignment.as_ref().unwrap().wrap_text, "header {c} wraps");
        }
        for c in [3u32, 10] {
            let body = style_at(HEADER_ROW + 1, c);
            assert!(body.alignment.as_ref().unwrap().wrap_text, "body {c} wraps");
            assert!(!body.font.as_ref().is_some_and(|f| f.is_bold()));
        }
        let merged: Vec<(u32, u32, u32, u32)> = wb
            .merge_cells_by_sheet_name(&name)
            .unwrap()
            .into_iter()
            .map(|d| (d.start.0, d.start.1, d.end.0, d.end.1))
            .collect();
        assert!(
            merged.contains(&(TITLE_ROW, 0, TITLE_ROW, 13)),
            "{merged:?}"
        );
        assert!(merged.contains(&(NOTE_ROW, 0, NOTE_ROW, 13)), "{merged:?}");
        assert_eq!(merged.len(), 2, "no data cell is merged: {merged:?}");
    }

    #[test]
    fn demo_data_is_labelled_in_the_note_and_on_the_report() {
        let mut wb = read(allocation_xlsx(&sample(true)).unwrap());
        let name = wb.sheet_names()[0].clone();
        let range = wb.worksheet_range(&name).unwrap();
        let note = text(&range, NOTE_ROW, 0);
        assert!(note.contains(DEMO_NOTE), "{note}");
        assert_eq!(
            text(&range, HEADER_ROW + 2, 10),
            "【演示】2018-06-20 已完成（已签收）：已完成河长制巡河全覆盖"
        );
    }

    #[test]
    fn the_reader_gives_back_the_grid_from_a1() {
        let (name, rows) = xlsx_first_sheet(&allocation_xlsx(&sample(false)).unwrap()).unwrap();
        assert_eq!(name, "治水长效战分工表 2019-03-31");
        assert_eq!(rows.len(), 6, "title, note, header, three rows");
        assert!(rows.iter().all(|r| r.len() == HEADERS.len()));
        assert_eq!(rows[2], HEADERS.map(str::to_owned).to_vec());
        assert_eq!(rows[3][2], "1");
        assert_eq!(rows[4][11], "12.5");
        assert_eq!(rows[5][8], "");
        let e = xlsx_first_sheet(b"PK\x03\x04 not really a zip").unwrap_err();
        assert!(e.0.starts_with("无法读取 Excel 文件"), "{e}");
    }

    #[test]
    fn sheet_names_are_safe_and_short_enough_for_excel() {
        let mut s = sample(false);
        s.plan_short_name = "一个名字[很]长:很长*很长?的/方案\\还有更多更多字".into();
        let name = s.sheet_name();
        assert!(name.chars().count() <= 31, "{name}");
        assert!(name.ends_with(" 2019-03-31"), "{name}");
        assert!(
            !name.contains(['[', ']', ':', '*', '?', '/', '\\']),
            "{name}"
        );
        // And Excel (the writer checks the same rules) accepts it.
        let mut wb = read(allocation_xlsx(&s).unwrap());
        assert_eq!(wb.sheet_names(), vec![name.clone()]);
        assert!(wb.worksheet_range(&name).is_ok());
        s.plan_short_name = String::new();
        assert_eq!(s.sheet_name(), "分工表 2019-03-31");
    }

    #[test]
    fn an_empty_plan_still_has_its_headers_and_overlong_text_is_clipped() {
        let mut s = sample(false);
        s.rows.clear();
        let mut wb = read(allocation_xlsx(&s).unwrap());
        let name = wb.sheet_names()[0].clone();
        let range = wb.worksheet_range(&name).unwrap();
        assert_eq!(text(&range, HEADER_ROW, 3), "工作要求");
        assert_eq!(range.end(), Some((HEADER_ROW, 13)));

        let mut s = sample(false);
        s.rows[0].item_text = "长".repeat(40_000);
        let mut wb = read(allocation_xlsx(&s).unwrap());
        let range = wb.worksheet_range(&name).unwrap();
        let cell = text(&range, HEADER_ROW + 1, 3);
        assert_eq!(cell.chars().count(), MAX_CELL_CHARS);
        assert!(cell.ends_with('…'));
    }
}
