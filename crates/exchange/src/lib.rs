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
/// The readings CSV: [`parse_readings_csv`], [`ReadingsParser`].
mod readings;
pub mod target_sheet;

pub use readings::*;

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
