//! Defences against hostile files, for the importers and the exports:
//!
//! - [`check_workbook`]: an .xlsx workbook is a zip archive; a small one can expand to
//!   gigabytes (a “zip bomb”: a 67 KB workbook once took ~460 MB while calamine read it). The
//!   archive's directory is inspected before calamine opens it, and a workbook that would
//!   expand too far is refused. Entries cannot lie about their size past this check: the zip
//!   reader (the one calamine uses) refuses to read more than an entry declares.
//! - [`clip_cell`], [`clip_reason`]: an import error never echoes a huge cell back — quoted
//!   content is cut to [`QUOTE_MAX_CHARS`] characters and “…”.
//! - [`spreadsheet_safe`], [`from_spreadsheet_safe`]: text a spreadsheet would take for a
//!   formula (OWASP “CSV injection”) is written with a leading `'`, and read back without it.

use std::borrow::Cow;

/// A workbook expands to at most this many bytes (all its entries together).
pub const MAX_UNPACKED_BYTES: u64 = 64 * 1024 * 1024;
/// A workbook has at most this many entries (a real one has a few dozen).
pub const MAX_ENTRIES: usize = 1_000;
/// An entry larger than [`RATIO_FROM_BYTES`] expands at most this many times its packed size
/// (XML in a real workbook: 5–30 times).
pub const MAX_RATIO: u64 = 100;
/// Entries up to this size are not held to [`MAX_RATIO`].
pub const RATIO_FROM_BYTES: u64 = 1024 * 1024;

/// Whole megabytes (MiB), rounded.
fn mb(bytes: u64) -> u64 {
    bytes.saturating_add(512 * 1024) / (1024 * 1024)
}

fn ratio(unpacked: u64, packed: u64) -> u64 {
    unpacked / packed.max(1)
}

/// Refuses an .xlsx workbook (a zip archive) that would expand to more than
/// [`MAX_UNPACKED_BYTES`], has an entry over [`RATIO_FROM_BYTES`] compressed more than
/// [`MAX_RATIO`]:1, or has more than [`MAX_ENTRIES`] entries; the reason is the message for the
/// user. Only the archive's directory is read, nothing is decompressed. Bytes that are not a
/// zip archive pass: the workbook reader says what is wrong with them.
pub fn check_workbook(bytes: &[u8]) -> Result<(), String> {
    let Ok(archive) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return Ok(());
    };
    let refuse = |what: String| Err(format!("file：{what}，疑为压缩炸弹，未导入"));
    if archive.len() > MAX_ENTRIES {
        return refuse(format!(
            "工作簿含 {} 个压缩条目，超过上限 {MAX_ENTRIES} 个",
            archive.len()
        ));
    }
    let (mut unpacked, mut packed) = (0u64, 0u64);
    let mut worst: Option<(String, u64, u64)> = None;
    for i in 0..archive.len() {
        let Ok(entry) = archive.by_index_data(i) else {
            continue;
        };
        let (size, compressed) = (entry.size(), entry.compressed_size());
        unpacked = unpacked.saturating_add(size);
        packed = packed.saturating_add(compressed);
        if size > RATIO_FROM_BYTES
            && ratio(size, compressed) > MAX_RATIO
            && worst
                .as_ref()
                .is_none_or(|(_, s, c)| ratio(size, compressed) > ratio(*s, *c))
        {
            let name = entry
                .name()
                .map_or_else(|_| format!("第 {} 个条目", i + 1), |n| n.into_owned());
            worst = Some((name, size, compressed));
        }
    }
    if unpacked > MAX_UNPACKED_BYTES {
        return refuse(format!(
            "工作簿解压后超过 {} MB（共 {} MB，压缩比 {}:1）",
            mb(MAX_UNPACKED_BYTES),
            mb(unpacked),
            ratio(unpacked, packed)
        ));
    }
    if let Some((name, size, compressed)) = worst {
        return refuse(format!(
            "工作簿中的“{}”解压后 {} MB，压缩比 {}:1，超过 {MAX_RATIO}:1",
            clip_cell(&name),
            mb(size),
            ratio(size, compressed)
        ));
    }
    Ok(())
}

/// Quoted cell content in a message is cut to this many characters.
pub const QUOTE_MAX_CHARS: usize = 60;
/// A whole message is cut to this many characters (a list of 30 places fits).
pub const REASON_MAX_CHARS: usize = 600;

fn clip_to(s: &str, max: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => Cow::Borrowed(s),
        Some((i, _)) => Cow::Owned(format!("{}…", &s[..i])),
    }
}

/// Cell content for a message: at most [`QUOTE_MAX_CHARS`] characters, then “…”.
pub fn clip_cell(s: &str) -> String {
    clip_to(s, QUOTE_MAX_CHARS).into_owned()
}

/// A message for the user with every “quoted” part longer than [`QUOTE_MAX_CHARS`] cut (an
/// opening “ without its closing ” quotes the rest), and the whole at most
/// [`REASON_MAX_CHARS`] characters: however the message was put together, a huge cell is not
/// sent back.
pub fn clip_reason(s: &str) -> Cow<'_, str> {
    if s.chars().nth(QUOTE_MAX_CHARS).is_none() {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len().min(4 * REASON_MAX_CHARS));
    let mut rest = s;
    while let Some(open) = rest.find('“') {
        let (before, after) = rest.split_at(open + '“'.len_utf8());
        out.push_str(before);
        let (inner, tail) = match after.find('”') {
            Some(close) => after.split_at(close),
            None => (after, ""),
        };
        out.push_str(&clip_to(inner, QUOTE_MAX_CHARS));
        rest = tail;
        if out.len() > 4 * REASON_MAX_CHARS {
            break;
        }
    }
    out.push_str(rest);
    Cow::Owned(clip_to(&out, REASON_MAX_CHARS).into_owned())
}

/// What makes a spreadsheet read a cell as a formula: `=`, `+`, `-`, `@`, tab, carriage return.
pub const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A plain number (`-1.5`, `+3`, `2e-3`): a spreadsheet reads it as the number it is.
fn is_plain_number(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'))
        && s.parse::<f64>().is_ok()
}

/// A cell as an exported CSV writes it: text that starts with one of [`FORMULA_STARTS`] —
/// after any `'` — gets a leading `'` (OWASP's advice against CSV injection; the CSV writer
/// quotes the cell where CSV requires), so that Excel shows it as text instead of running it.
/// Plain numbers (`-1.5`) stay numbers. [`from_spreadsheet_safe`] undoes it.
pub fn spreadsheet_safe(cell: &str) -> Cow<'_, str> {
    let body = cell.trim_start_matches('\'');
    let formula_like = body.starts_with(FORMULA_STARTS);
    let number = body.len() == cell.len() && is_plain_number(cell);
    if formula_like && !number {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// A cell of an imported CSV with the `'` that [`spreadsheet_safe`] added taken off again (a
/// `'` followed by `'`s and one of [`FORMULA_STARTS`]), so that an export imports unchanged.
pub fn from_spreadsheet_safe(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.trim_start_matches('\'').starts_with(FORMULA_STARTS) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_text_is_escaped_and_numbers_are_not() {
        for (cell, out) in [
            (
                "=HYPERLINK(\"http://evil\")",
                "'=HYPERLINK(\"http://evil\")",
            ),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("+cmd", "'+cmd"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("'=x", "''=x"),
            ("-1.5", "-1.5"),
            ("-3", "-3"),
            ("2e-3", "2e-3"),
            ("初值", "初值"),
            ("'abc", "'abc"),
            ("", ""),
            ("-", "'-"),
        ] {
            assert_eq!(spreadsheet_safe(cell), out, "{cell:?}");
            assert_eq!(from_spreadsheet_safe(out), cell, "{out:?} reads back");
        }
    }

    #[test]
    fn quoted_cells_are_clipped_in_messages() {
        let huge = "长".repeat(100_000);
        let msg = format!("数值“{huge}”不是数字");
        let clipped = clip_reason(&msg);
        assert!(clipped.chars().count() < 80, "{clipped}");
        assert!(clipped.starts_with(&format!("数值“{}…”", "长".repeat(QUOTE_MAX_CHARS))));
        assert!(clipped.ends_with("”不是数字"));
        // Unclosed, and a quote inside the cell: still short.
        assert!(clip_reason(&format!("“{huge}")).chars().count() <= QUOTE_MAX_CHARS + 2);
        let tricky = format!("“a”{huge}”不是数字");
        assert!(clip_reason(&tricky).chars().count() <= REASON_MAX_CHARS + 1);
        // Short messages are untouched.
        assert_eq!(clip_reason("年份“abc”不是整数"), "年份“abc”不是整数");
        assert_eq!(clip_cell("短"), "短");
    }
}
