//! Files in and out of Sanzhi.
//!
//! - [`decode`]: the text of an uploaded file, whatever Windows Excel saved it as (UTF-8 with
//!   or without BOM, GBK/GB18030, UTF-16 with BOM), or a clear reason why it is not text.
//! - [`parse_readings_csv`]: the readings CSV importer. Columns are found by their header
//!   (Chinese or English names, any order); every row is checked with the same rules as the
//!   entry form; problems name the row, the column and the reason. Nothing here writes: the
//!   caller previews, then commits all rows in one transaction or none.

pub mod allocation;
pub mod guard;
pub mod plan_table;
pub mod target_sheet;

pub use guard::{clip_cell, clip_reason, from_spreadsheet_safe, spreadsheet_safe};

/// Runs a third-party file reader, turning a panic inside it into an error that says what
/// panicked. (The panic is still printed by the panic hook.)
fn contained<T>(read: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)).map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "读取时出错".to_owned())
    })
}

use sanzhi_domain::{NewReading, Places, ReadingInput, RowProblem};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A file that cannot be read at all (as opposed to problems in its rows).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileProblem(pub String);

impl std::fmt::Display for FileProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The text of a file and the encoding it was read in (borrowed from the bytes when they
/// are UTF-8 already: a 100 MB upload is not copied).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded<'a> {
    pub text: std::borrow::Cow<'a, str>,
    /// “UTF-8”, “GBK”, “UTF-16LE”, “UTF-16BE”.
    pub encoding: &'static str,
}

/// Reads the bytes of an uploaded text file. UTF-8 is tried first (a BOM is dropped); a file
/// with a UTF-16 BOM is read as UTF-16; anything else must be valid GBK (GB18030), which is what
/// Excel on a Chinese Windows saves CSV as. Spreadsheets and other binary files are refused
/// with a reason.
pub fn decode(bytes: &[u8]) -> Result<Decoded<'_>, FileProblem> {
    if bytes.is_empty() {
        return Err(FileProblem("文件是空的".into()));
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Err(FileProblem(
            "这是 Excel 工作簿（.xlsx）或其他压缩文件，不是 CSV：请在 Excel 中“另存为 CSV”后再导入"
                .into(),
        ));
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(FileProblem(
            "这是旧版 Excel 文件（.xls），不是 CSV：请在 Excel 中“另存为 CSV”后再导入".into(),
        ));
    }
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let body = &bytes[bom..];
        let text = enc
            .decode_without_bom_handling_and_without_replacement(body)
            .ok_or_else(|| {
                FileProblem(format!(
                    "文件以 {} 标记开头，但内容不是有效的 {}",
                    enc.name(),
                    enc.name()
                ))
            })?;
        return checked(
            text,
            if enc == encoding_rs::UTF_8 {
                "UTF-8"
            } else if enc == encoding_rs::UTF_16LE {
                "UTF-16LE"
            } else {
                "UTF-16BE"
            },
        );
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return checked(std::borrow::Cow::Borrowed(text), "UTF-8");
    }
    match encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => checked(text, "GBK"),
        None => Err(FileProblem(
            "无法识别文件编码：既不是 UTF-8，也不是 GBK。请在 Excel 中另存为“CSV UTF-8（逗号分隔）”"
                .into(),
        )),
    }
}

fn checked<'a>(
    text: std::borrow::Cow<'a, str>,
    encoding: &'static str,
) -> Result<Decoded<'a>, FileProblem> {
    if text.contains('\0') {
        return Err(FileProblem(format!(
            "按 {encoding} 读取后含有空字符（\\0）：这不是文本文件，或编码不对"
        )));
    }
    Ok(Decoded { text, encoding })
}

/// The fields a readings file may have, with the headers each is recognised by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Field {
    Indicator,
    Place,
    Year,
    Month,
    Period,
    Value,
    ValidDays,
    Provisional,
    Note,
}

impl Field {
    pub const ALL: [Field; 9] = [
        Field::Indicator,
        Field::Place,
        Field::Year,
        Field::Month,
        Field::Period,
        Field::Value,
        Field::ValidDays,
        Field::Provisional,
        Field::Note,
    ];

    /// Recognised headers; the first is the one the template uses.
    pub fn headers(self) -> &'static [&'static str] {
        match self {
            Field::Indicator => &["指标", "指标代码", "指标名称", "indicator", "code"],
            Field::Place => &[
                "地点", "区域", "断面", "排渠", "点位", "place", "area", "section",
            ],
            Field::Year => &["年份", "年", "year"],
            Field::Month => &["月份", "月", "month"],
            Field::Period => &["期间", "年月", "时间", "日期", "period"],
            Field::Value => &["数值", "值", "监测值", "浓度", "value"],
            Field::ValidDays => &["有效天数", "有效日数", "valid_days", "days"],
            Field::Provisional => &["暂定", "是否暂定", "provisional"],
            Field::Note => &["备注", "说明", "note"],
        }
    }

    pub fn label_zh(self) -> &'static str {
        self.headers()[0]
    }

    /// Which field a header names: trimmed, case-insensitive, a unit in brackets ignored
    /// (“数值（µg/m³）”).
    pub fn of_header(h: &str) -> Option<Field> {
        let h = h.trim().trim_start_matches('\u{feff}');
        let h = h
            .split(['(', '（', '['])
            .next()
            .unwrap_or(h)
            .trim()
            .to_lowercase();
        Field::ALL
            .into_iter()
            .find(|f| f.headers().iter().any(|x| *x == h))
    }
}

/// How the header of a file was understood.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnMapping {
    /// (header as written, field) for the recognised columns, in file order.
    pub mapped: Vec<(String, Field)>,
    /// Headers that name no field: their cells are not read.
    pub ignored: Vec<String>,
}

/// A readings file read without problems.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedReadings {
    pub encoding: &'static str,
    pub columns: ColumnMapping,
    /// Each reading with the row it came from.
    pub rows: Vec<(u64, NewReading)>,
}

/// Why a readings file was refused: the whole file, or the rows listed (every problem found,
/// not only the first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportProblems {
    File(String),
    Rows {
        problems: Vec<RowProblem>,
        rows_read: u64,
    },
}

impl std::fmt::Display for ImportProblems {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImportProblems::File(s) => f.write_str(s),
            ImportProblems::Rows { problems, .. } => {
                for p in problems {
                    writeln!(f, "{p}")?;
                }
                Ok(())
            }
        }
    }
}

/// At most this many data rows per file.
pub const MAX_ROWS: u64 = 2_000_000;

/// Reads a readings CSV (comma, or tab for files saved as “text”) whole. See the crate docs
/// and [`ReadingsParser`], which this drives to the end.
pub fn parse_readings_csv(bytes: &[u8], places: &Places) -> Result<ParsedReadings, ImportProblems> {
    let decoded = decode(bytes).map_err(|e| ImportProblems::File(e.0))?;
    let mut parser = ReadingsParser::new(&decoded.text, places)?;
    let mut rows = Vec::new();
    loop {
        let chunk = parser.next_chunk(10_000)?;
        if chunk.is_empty() {
            break;
        }
        rows.extend(chunk);
    }
    let columns = parser.columns.clone();
    parser.finish()?;
    Ok(ParsedReadings {
        encoding: decoded.encoding,
        columns,
        rows,
    })
}

/// A CSV reader over `text`: comma-separated, or tab-separated when the first line has a
/// tab and no comma (what Excel saves as “text”); rows may differ in length (checked by the
/// caller, row by row).
pub(crate) fn csv_reader(text: &str, has_headers: bool) -> csv::Reader<&[u8]> {
    let first_line = text.lines().next().unwrap_or_default();
    let delimiter = if !first_line.contains(',') && first_line.contains('\t') {
        b'\t'
    } else {
        b','
    };
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(has_headers)
        .from_reader(text.as_bytes())
}

/// A readings file read a chunk of rows at a time, so that an import can write the first rows
/// while it reads the rest (in one transaction, committed only once [`ReadingsParser::finish`]
/// found no problem). Every row is checked with the entry form's rules; once any row has a
/// problem no more readings are handed out, but the rest of the file is still checked so that
/// every problem is reported.
pub struct ReadingsParser<'a> {
    places: &'a Places,
    place_index: sanzhi_domain::reading::PlaceIndex<'a>,
    text: &'a [u8],
    reader: csv::Reader<&'a [u8]>,
    record: csv::StringRecord,
    headers: csv::StringRecord,
    index: HashMap<Field, usize>,
    /// How the header was understood.
    pub columns: ColumnMapping,
    seen: rustc_hash::FxHashMap<sanzhi_domain::ReadingKey, u64>,
    problems: Vec<RowProblem>,
    rows_read: u64,
    readings: u64,
    /// Row numbers as a spreadsheet shows them: counted from byte offsets, because the csv
    /// reader skips blank lines without counting them.
    counted_to: usize,
    line: u64,
}

impl<'a> ReadingsParser<'a> {
    /// Reads the header of `text` (see [`decode`]); a file whose header is unusable is refused
    /// here.
    pub fn new(text: &'a str, places: &'a Places) -> Result<Self, ImportProblems> {
        let mut reader = csv_reader(text, true);
        let headers = reader
            .headers()
            .map_err(|e| ImportProblems::File(format!("无法读取表头：{e}")))?
            .clone();
        if headers.iter().all(|h| h.trim().is_empty()) {
            return Err(ImportProblems::File("第 1 行（表头）是空的".into()));
        }
        let columns = map_columns(&headers)?;
        let index: HashMap<Field, usize> = headers
            .iter()
            .enumerate()
            .filter_map(|(i, h)| Field::of_header(h).map(|f| (f, i)))
            .collect();
        Ok(ReadingsParser {
            places,
            // Built once: checking each row against thousands of sections one by one was
            // most of a million-row import.
            place_index: places.index(),
            text: text.as_bytes(),
            reader,
            record: csv::StringRecord::new(),
            headers,
            index,
            columns,
            seen: rustc_hash::FxHashMap::default(),
            problems: Vec::new(),
            rows_read: 0,
            readings: 0,
            counted_to: 0,
            line: 1,
        })
    }

    /// The spreadsheet row of a record that began at `byte`.
    fn line_at(&mut self, byte: u64) -> u64 {
        let text = self.text;
        let mut byte = usize::try_from(byte).unwrap_or(usize::MAX).min(text.len());
        // A record's position is where the reader began, before the blank lines it skipped.
        while byte < text.len() && (text[byte] == b'\n' || text[byte] == b'\r') {
            byte += 1;
        }
        if byte > self.counted_to {
            self.line += text[self.counted_to..byte]
                .iter()
                .filter(|b| **b == b'\n')
                .count() as u64;
            self.counted_to = byte;
        }
        self.line
    }

    fn header_of(&self, f: Field) -> String {
        self.index
            .get(&f)
            .and_then(|i| self.headers.get(*i))
            .map_or_else(|| f.label_zh().to_owned(), |h| h.trim().to_owned())
    }

    fn cell(&self, f: Field) -> String {
        self.index
            .get(&f)
            .and_then(|i| self.record.get(*i))
            // An exported file imports unchanged: the `'` the export put before formula-like
            // text is taken off.
            .map(from_spreadsheet_safe)
            .unwrap_or_default()
            .to_owned()
    }

    fn problem(&mut self, row: u64, column: String, reason: String) {
        // Messages quote the cell: a huge one is not sent back whole.
        let reason = clip_reason(&reason).into_owned();
        let column = clip_reason(&column).into_owned();
        self.problems.push(RowProblem {
            row,
            column,
            reason,
        });
    }

    /// Up to `n` more readings, each with its row; empty once the file is read through. After
    /// the first problem, none (the rest of the file is checked in this call). `Err` only
    /// when the file must be refused at once (too many rows).
    pub fn next_chunk(&mut self, n: usize) -> Result<Vec<(u64, NewReading)>, ImportProblems> {
        let mut out = Vec::with_capacity(n.min(10_000));
        while out.len() < n || !self.problems.is_empty() {
            match self.reader.read_record(&mut self.record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    let row = e.position().map_or(0, |p| self.line_at(p.byte()));
                    self.problem(row, String::new(), format!("无法读取：{e}"));
                    continue;
                }
            }
            if let Some(r) = self.row() {
                if self.problems.is_empty() {
                    out.push(r);
                }
            }
            if self.rows_read > MAX_ROWS {
                return Err(ImportProblems::File(format!(
                    "文件超过 {MAX_ROWS} 行数据，请分成几个文件导入"
                )));
            }
        }
        self.readings += out.len() as u64;
        Ok(out)
    }

    /// Checks the record just read: its reading, or `None` (blank, or a problem recorded).
    fn row(&mut self) -> Option<(u64, NewReading)> {
        let row = match self.record.position() {
            Some(p) => self.line_at(p.byte()),
            None => self.rows_read + 2,
        };
        if self.record.iter().all(|c| c.trim().is_empty()) {
            return None;
        }
        self.rows_read += 1;
        if self.record.len() != self.headers.len() {
            let reason = format!(
                "有 {} 列，表头有 {} 列",
                self.record.len(),
                self.headers.len()
            );
            self.problem(row, String::new(), reason);
            return None;
        }
        let (year, month) =
            if self.index.contains_key(&Field::Period) && !self.index.contains_key(&Field::Year) {
                let period = self.cell(Field::Period);
                match split_period(&period) {
                    Some(ym) => ym,
                    None => {
                        let reason = format!(
                            "“{}”不是年月，应写作 2018-01 或 2018年1月",
                            clip_cell(period.trim())
                        );
                        self.problem(row, self.header_of(Field::Period), reason);
                        return None;
                    }
                }
            } else {
                (self.cell(Field::Year), self.cell(Field::Month))
            };
        let input = ReadingInput {
            indicator: self.cell(Field::Indicator),
            place: self.cell(Field::Place),
            year,
            month,
            value: self.cell(Field::Value),
            valid_days: self.cell(Field::ValidDays),
            provisional: self.cell(Field::Provisional),
            note: self.cell(Field::Note),
        };
        match input.parse_indexed(self.places, &self.place_index) {
            Ok(r) => {
                if let Some(first) = self.seen.get(&r.key) {
                    let reason = format!(
                        "与第 {first} 行重复：同一指标、地点和月份（{} {} {}年{}月）只能有一个数值",
                        r.key.indicator, r.key.place, r.key.year, r.key.month
                    );
                    self.problem(row, String::new(), reason);
                    None
                } else {
                    self.seen.insert(r.key.clone(), row);
                    Some((row, r))
                }
            }
            Err(e) => {
                let field = match e.field {
                    "indicator" => Field::Indicator,
                    "place" => Field::Place,
                    "year" if self.index.contains_key(&Field::Year) => Field::Year,
                    "month" if self.index.contains_key(&Field::Month) => Field::Month,
                    "year" | "month" => Field::Period,
                    "valid_days" => Field::ValidDays,
                    "provisional" => Field::Provisional,
                    "note" => Field::Note,
                    _ => Field::Value,
                };
                self.problem(row, self.header_of(field), e.reason);
                None
            }
        }
    }

    /// After the last chunk: the number of data rows, or why the file is refused (every
    /// problem found, or a file with no data rows).
    pub fn finish(mut self) -> Result<u64, ImportProblems> {
        // Whatever the caller did not ask for is still checked.
        while !self.next_chunk(usize::MAX)?.is_empty() {}
        if !self.problems.is_empty() {
            return Err(ImportProblems::Rows {
                problems: self.problems,
                rows_read: self.rows_read,
            });
        }
        if self.readings == 0 {
            return Err(ImportProblems::File("文件只有表头，没有数据行".into()));
        }
        Ok(self.rows_read)
    }
}

fn map_columns(headers: &csv::StringRecord) -> Result<ColumnMapping, ImportProblems> {
    let mut mapped: Vec<(String, Field)> = Vec::new();
    let mut ignored = Vec::new();
    for h in headers {
        match Field::of_header(h) {
            Some(f) => {
                if let Some((other, _)) = mapped.iter().find(|(_, g)| *g == f) {
                    return Err(ImportProblems::File(format!(
                        "表头“{}”和“{other}”都表示“{}”，只能保留一列",
                        clip_cell(h.trim()),
                        f.label_zh()
                    )));
                }
                mapped.push((clip_cell(h.trim()), f));
            }
            // Listed back to the user: a huge header is cut.
            None => ignored.push(clip_cell(h.trim())),
        }
    }
    let has = |f: Field| mapped.iter().any(|(_, g)| *g == f);
    let mut missing: Vec<String> = [Field::Indicator, Field::Place, Field::Value]
        .into_iter()
        .filter(|f| !has(*f))
        .map(|f| format!("“{}”（可写作 {}）", f.label_zh(), f.headers().join(" / ")))
        .collect();
    let has_period = has(Field::Period) || (has(Field::Year) && has(Field::Month));
    if !has_period {
        missing.push("“年份”和“月份”，或“期间”（如 2018-01）".to_owned());
    }
    if !missing.is_empty() {
        let headers = headers
            .iter()
            .map(|h| clip_cell(h.trim()))
            .collect::<Vec<_>>()
            .join(", ");
        return Err(ImportProblems::File(
            clip_reason(&format!(
                "表头缺少列：{}。表头为：{headers}",
                missing.join("；")
            ))
            .into_owned(),
        ));
    }
    Ok(ColumnMapping { mapped, ignored })
}

/// “2018-01”, “2018/1”, “2018.01”, “201801”, “2018年1月” → ("2018", "1").
fn split_period(s: &str) -> Option<(String, String)> {
    let s = s.trim();
    if let Some(rest) = s.strip_suffix('月') {
        let (y, m) = rest.split_once('年')?;
        return Some((y.trim().to_owned(), m.trim().to_owned()));
    }
    if let Some((y, m)) = s.split_once(['-', '/', '.']) {
        let m = m.split(['-', '/', '.']).next().unwrap_or(m);
        return Some((y.trim().to_owned(), m.trim().to_owned()));
    }
    if s.len() == 6 && s.chars().all(|c| c.is_ascii_digit()) {
        return Some((s[..4].to_owned(), s[4..].to_owned()));
    }
    None
}

/// The header line of the template users can download.
pub fn template_csv() -> String {
    let mut out = String::from("指标,地点,年份,月份,数值,有效天数,暂定,备注\n");
    out.push_str("pm25,柯城,2018,1,52.3,31,否,\n");
    out.push_str("water.nh3n,东迹渡,2018,1,0.21,,是,月报初值\n");
    out.push_str("受污染耕地安全利用率,全市,2018,12,91.2,,,\n");
    out
}

/// Writes one CSV record with every cell made [`spreadsheet_safe`]: no exported text can
/// start a formula when the file is opened in Excel or WPS.
fn write_safe<I, S>(w: &mut csv::Writer<Vec<u8>>, cells: I)
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    for c in cells {
        let _ = w.write_field(spreadsheet_safe(c.as_ref()).as_bytes());
    }
    let _ = w.write_record(None::<&[u8]>);
}

/// The indicator catalogue as CSV (UTF-8 with BOM): code, name, unit, which way is better,
/// where it is read (with the places), the plan that sets its targets, the plausibility
/// ceiling the importer checks against.
pub fn indicators_csv(places: &Places) -> String {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let _ = w.write_record([
        "代码",
        "名称",
        "单位",
        "方向",
        "地点类型",
        "地点",
        "方案",
        "合理上限",
    ]);
    for d in sanzhi_domain::CATALOGUE {
        write_safe(
            &mut w,
            [
                d.code.to_owned(),
                d.name_zh.to_owned(),
                d.unit.to_owned(),
                d.better.label_zh().to_owned(),
                d.place_kind.label_zh().to_owned(),
                places.of(d.place_kind).join("、"),
                d.plan.to_owned(),
                d.max_plausible.to_string(),
            ],
        );
    }
    // The plans' own indicators, after the catalogue.
    for d in &places.indicators {
        write_safe(
            &mut w,
            [
                d.code.clone(),
                d.name_zh.clone(),
                d.unit.clone(),
                d.better.label_zh().to_owned(),
                d.place_kind.label_zh().to_owned(),
                places.of(d.place_kind).join("、"),
                d.plan.clone(),
                d.max_plausible.to_string(),
            ],
        );
    }
    let bytes = w.into_inner().unwrap_or_default();
    format!("\u{feff}{}", String::from_utf8_lossy(&bytes))
}

/// Readings as CSV in the template's layout (UTF-8 with BOM so that Excel opens it right).
/// Text that a spreadsheet would run as a formula (a note `=HYPERLINK(…)`) is written with a
/// leading `'` (see [`spreadsheet_safe`]); the importer takes it off again.
pub fn readings_csv(readings: &[sanzhi_domain::Reading]) -> String {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let _ = w.write_record([
        "指标",
        "地点",
        "年份",
        "月份",
        "数值",
        "有效天数",
        "暂定",
        "备注",
        "来源",
        "演示",
        "记录人",
        "记录时间",
    ]);
    for r in readings {
        write_safe(
            &mut w,
            [
                r.key.indicator.clone(),
                r.key.place.clone(),
                r.key.year.to_string(),
                r.key.month.to_string(),
                r.value.to_string(),
                r.valid_days.map(|d| d.to_string()).unwrap_or_default(),
                if r.provisional { "是" } else { "否" }.to_owned(),
                r.note.clone(),
                r.source.label_zh().to_owned(),
                if r.is_demo { "是" } else { "否" }.to_owned(),
                r.recorded_by.clone(),
                r.recorded_at.clone(),
            ],
        );
    }
    let body = w.into_inner().unwrap_or_default();
    let mut out = String::from("\u{feff}");
    out.push_str(&String::from_utf8_lossy(&body));
    out
}

/// The audit trail as CSV (UTF-8 with BOM), formula-like text escaped (see
/// [`spreadsheet_safe`]).
pub fn audit_csv(rows: &[sanzhi_domain::AuditEntry]) -> String {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let _ = w.write_record([
        "编号",
        "时间",
        "操作人",
        "操作",
        "对象类型",
        "对象键",
        "对象",
        "之前",
        "之后",
    ]);
    for e in rows {
        write_safe(
            &mut w,
            [
                e.id.to_string(),
                e.at.clone(),
                e.actor.clone(),
                e.action.clone(),
                e.entity.clone(),
                e.entity_key.clone(),
                e.object.clone().unwrap_or_default(),
                e.before.clone().unwrap_or_default(),
                e.after.clone().unwrap_or_default(),
            ],
        );
    }
    let body = w.into_inner().unwrap_or_default();
    let mut out = String::from("\u{feff}");
    out.push_str(&String::from_utf8_lossy(&body));
    out
}
