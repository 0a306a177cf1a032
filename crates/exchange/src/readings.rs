//! A readings file (CSV): its columns understood in Chinese or English, every row checked
//! with the entry form's rules, read a chunk at a time so that an import writes while it reads.

use super::*;

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
    /// One value per indicator, place and month (the check every way of writing readings
    /// makes; who may write them is the caller's to ask, with its own batch check).
    batch: sanzhi_domain::reading::BatchCheck<'a>,
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
            batch: sanzhi_domain::reading::BatchCheck::new(places, None),
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
                if let Some(first) = self.batch.repeated(&r.key, row) {
                    let reason = format!(
                        "与第 {first} 行重复：同一指标、地点和月份（{} {} {}年{}月）只能有一个数值",
                        r.key.indicator, r.key.place, r.key.year, r.key.month
                    );
                    self.problem(row, String::new(), reason);
                    None
                } else {
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
