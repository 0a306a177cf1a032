//! Deadline phrases of Chinese plan documents, read into milestones and duties.
//!
//! A work item says when in words: “6月底前”, “2019年6月底前”, “7月30日前”, “上半年”, “7月起”,
//! “每月”, “及时”, “城东污水处理厂三期未建成投运前”. [`parse_deadline`] reads one phrase into a
//! [`Deadline`]: a dated milestone (the last day it may be done), a duty that starts on a
//! date and continues, a recurring duty, a continuous duty, or a duty tied to an event. It
//! never guesses: a phrase that names no date is never given one, and a phrase it cannot read
//! is an error, not a default. The year comes from the phrase when it has one, otherwise from
//! the plan year the caller gives.
//!
//! The grammar, in order of reading: an optional year (`2019年`, `二〇一九年`, `明年`,
//! `今年`), then a part of the year (`N月`, `N月份`, `N月N日`/`号`, `上半年`, `下半年`,
//! `第N季度`/`N季度`, `年底`/`年末`/`年内`/`全年`, `上旬`/`中旬`/`下旬`, `初`/`中`/`底`/`末`),
//! then what bounds it (`前`/`以前`/`之前` = by, `起`/`开始`/`以后` = from). Numbers may be
//! Arabic, full-width or Chinese (`十二月`).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// How often a recurring duty falls due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recurrence {
    Weekly,
    Monthly,
    Quarterly,
    HalfYearly,
    Yearly,
}

impl Recurrence {
    pub fn as_str(self) -> &'static str {
        match self {
            Recurrence::Weekly => "weekly",
            Recurrence::Monthly => "monthly",
            Recurrence::Quarterly => "quarterly",
            Recurrence::HalfYearly => "half_yearly",
            Recurrence::Yearly => "yearly",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Recurrence::Weekly,
            Recurrence::Monthly,
            Recurrence::Quarterly,
            Recurrence::HalfYearly,
            Recurrence::Yearly,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Recurrence::Weekly => "每周",
            Recurrence::Monthly => "每月",
            Recurrence::Quarterly => "每季度",
            Recurrence::HalfYearly => "每半年",
            Recurrence::Yearly => "每年",
        }
    }
}

/// How precisely a dated milestone was written: “年底前” is a year, “6月底前” a month,
/// “7月30日前” a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    Year,
    HalfYear,
    Quarter,
    Month,
    TenDays,
    Day,
}

impl Precision {
    pub const ALL: [Precision; 6] = [
        Precision::Year,
        Precision::HalfYear,
        Precision::Quarter,
        Precision::Month,
        Precision::TenDays,
        Precision::Day,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Year => "year",
            Precision::HalfYear => "half_year",
            Precision::Quarter => "quarter",
            Precision::Month => "month",
            Precision::TenDays => "ten_days",
            Precision::Day => "day",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// What a deadline phrase means.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Deadline {
    /// Must be done by the end of `due` (inclusive).
    By {
        due: NaiveDate,
        precision: Precision,
    },
    /// Starts on `from` and holds from then on (“7月起”).
    From {
        from: NaiveDate,
        precision: Precision,
    },
    /// Falls due again and again (“每月”); `from` when the phrase says since when.
    Recurring {
        every: Recurrence,
        from: Option<NaiveDate>,
    },
    /// An ongoing duty with no date (“及时”, “长效”, “持续”, “常态化”).
    Continuous,
    /// Due relative to an event the phrase names (“投运前”); the date is not known.
    EventRelative { event: String },
}

impl Deadline {
    /// The date by which this must be done, if the phrase gives one.
    pub fn due_date(&self) -> Option<NaiveDate> {
        match self {
            Deadline::By { due, .. } => Some(*due),
            _ => None,
        }
    }

    /// The stored columns: (kind, date, precision, recurrence, event).
    pub fn to_columns(
        &self,
    ) -> (
        &'static str,
        Option<NaiveDate>,
        Option<&'static str>,
        Option<&'static str>,
        Option<&str>,
    ) {
        match self {
            Deadline::By { due, precision } => {
                ("by", Some(*due), Some(precision.as_str()), None, None)
            }
            Deadline::From { from, precision } => {
                ("from", Some(*from), Some(precision.as_str()), None, None)
            }
            Deadline::Recurring { every, from } => {
                ("recurring", *from, None, Some(every.as_str()), None)
            }
            Deadline::Continuous => ("continuous", None, None, None, None),
            Deadline::EventRelative { event } => ("event_relative", None, None, None, Some(event)),
        }
    }

    /// Rebuilds a deadline from its stored columns; `None` if they do not fit together.
    pub fn from_columns(
        kind: &str,
        date: Option<NaiveDate>,
        precision: Option<&str>,
        recurrence: Option<&str>,
        event: Option<&str>,
    ) -> Option<Deadline> {
        Some(match kind {
            "by" => Deadline::By {
                due: date?,
                precision: Precision::parse(precision?)?,
            },
            "from" => Deadline::From {
                from: date?,
                precision: Precision::parse(precision?)?,
            },
            "recurring" => Deadline::Recurring {
                every: Recurrence::parse(recurrence?)?,
                from: date,
            },
            "continuous" => Deadline::Continuous,
            "event_relative" => Deadline::EventRelative {
                event: event?.to_owned(),
            },
            _ => return None,
        })
    }

    /// A short Chinese reading of the deadline for the interface: “2018-06-30”, “自2018-07-01起”.
    pub fn describe_zh(&self) -> String {
        match self {
            Deadline::By { due, .. } => due.format("%Y-%m-%d").to_string(),
            Deadline::From { from, .. } => format!("自{}起", from.format("%Y-%m-%d")),
            Deadline::Recurring { every, from } => match from {
                Some(f) => format!("{}（自{}）", every.label_zh(), f.format("%Y-%m-%d")),
                None => every.label_zh().to_owned(),
            },
            Deadline::Continuous => "持续".to_owned(),
            Deadline::EventRelative { event } => format!("以“{event}”为准"),
        }
    }

    pub fn kind_str(&self) -> &'static str {
        match self {
            Deadline::By { .. } => "by",
            Deadline::From { .. } => "from",
            Deadline::Recurring { .. } => "recurring",
            Deadline::Continuous => "continuous",
            Deadline::EventRelative { .. } => "event_relative",
        }
    }
}

/// A phrase that is not a deadline this grammar can read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("无法识别的时限“{phrase}”：{reason}")]
pub struct DeadlineError {
    pub phrase: String,
    pub reason: String,
}

/// Reads one deadline phrase. `plan_year` is the year of the document the phrase is in; it
/// is used when the phrase names no year (“6月底前” in a 2018 table is 2018-06-30).
pub fn parse_deadline(phrase: &str, plan_year: i32) -> Result<Deadline, DeadlineError> {
    let err = |reason: &str| DeadlineError {
        phrase: phrase.to_owned(),
        reason: reason.to_owned(),
    };
    let normalised = normalise(phrase);
    let s = normalised.as_str();
    if s.is_empty() {
        return Err(err("空白"));
    }

    // Recurring duties.
    for (word, every) in [
        ("每周", Recurrence::Weekly),
        ("每月", Recurrence::Monthly),
        ("每个月", Recurrence::Monthly),
        ("按月", Recurrence::Monthly),
        ("逐月", Recurrence::Monthly),
        ("每季度", Recurrence::Quarterly),
        ("每季", Recurrence::Quarterly),
        ("按季度", Recurrence::Quarterly),
        ("每半年", Recurrence::HalfYearly),
        ("每年", Recurrence::Yearly),
        ("每年度", Recurrence::Yearly),
        ("逐年", Recurrence::Yearly),
        // “完成年度监测任务”: a bare 年度 (no year before it) is every year's; “2018年度”
        // starts with its year and is read below as by the end of 2018.
        ("年度", Recurrence::Yearly),
        // “实施月报制度”: a report every month.
        ("月报", Recurrence::Monthly),
    ] {
        // “每年6月底前” is still a yearly duty; the day within the period is in the phrase.
        if s.starts_with(word) {
            return Ok(Deadline::Recurring { every, from: None });
        }
    }

    // Continuous duties: no date at all.
    const CONTINUOUS: [&str; 10] = [
        "及时",
        "长效",
        "持续",
        "常态化",
        "长期",
        "经常",
        "随时",
        "定期",
        "立即",
        "全过程",
    ];
    if CONTINUOUS.iter().any(|w| s.starts_with(w)) {
        return Ok(Deadline::Continuous);
    }

    let mut cur = Cursor::new(s);
    let year = cur.year(plan_year);
    let Some(part) = cur.part_of_year() else {
        return match year {
            // “2018年” alone: within that year.
            Some(y) if bound_by(cur.rest()) => by(end_of_year(y), Precision::Year, &err),
            Some(y) if bound_from(cur.rest()) => from(ymd(y, 1, 1), Precision::Year, &err),
            Some(y) if cur.rest().is_empty() => by(end_of_year(y), Precision::Year, &err),
            _ => event_or_err(s, &err),
        };
    };
    let y = year.unwrap_or(plan_year);
    let rest = cur.rest();
    if !TAILS.contains(&rest) {
        return Err(err(&format!("日期后面的“{rest}”无法识别")));
    }
    match part {
        Part::Month { month, day, end } => {
            let start = ymd(y, month, day.unwrap_or(1)).ok_or_else(|| err("日期不存在"))?;
            if bound_from(rest) {
                let p = if day.is_some() {
                    Precision::Day
                } else {
                    Precision::Month
                };
                return from(Some(start), p, &err);
            }
            if let Some(d) = day {
                return by(ymd(y, month, d), Precision::Day, &err);
            }
            // “6月前” is before June; “6月底前”, “6月份”, “6月” are by the end of June.
            if !end
                && (rest.starts_with('前') || rest.starts_with("以前") || rest.starts_with("之前"))
            {
                let due = ymd(y, month, 1).and_then(|d| d.pred_opt());
                return by(due, Precision::Month, &err);
            }
            by(end_of_month(y, month), Precision::Month, &err)
        }
        Part::TenDays { month, which } => {
            let due = match which {
                0 => ymd(y, month, 10),
                1 => ymd(y, month, 20),
                _ => end_of_month(y, month),
            };
            by(due, Precision::TenDays, &err)
        }
        Part::EarlyMonth { month } => by(ymd(y, month, 10), Precision::TenDays, &err),
        Part::Quarter(q) => {
            if bound_from(rest) {
                return from(ymd(y, q * 3 - 2, 1), Precision::Quarter, &err);
            }
            by(end_of_month(y, q * 3), Precision::Quarter, &err)
        }
        Part::Half(h) => {
            if bound_from(rest) {
                return from(
                    ymd(y, if h == 1 { 1 } else { 7 }, 1),
                    Precision::HalfYear,
                    &err,
                );
            }
            by(end_of_month(y, h * 6), Precision::HalfYear, &err)
        }
        Part::YearEnd => by(end_of_year(y), Precision::Year, &err),
    }
}

fn by(
    due: Option<NaiveDate>,
    precision: Precision,
    err: &dyn Fn(&str) -> DeadlineError,
) -> Result<Deadline, DeadlineError> {
    due.map(|due| Deadline::By { due, precision })
        .ok_or_else(|| err("日期不存在"))
}

fn from(
    start: Option<NaiveDate>,
    precision: Precision,
    err: &dyn Fn(&str) -> DeadlineError,
) -> Result<Deadline, DeadlineError> {
    start
        .map(|from| Deadline::From { from, precision })
        .ok_or_else(|| err("日期不存在"))
}

/// A phrase with no date that ends in a relative word names an event: “投运前”, “建成后”.
fn event_or_err(s: &str, err: &dyn Fn(&str) -> DeadlineError) -> Result<Deadline, DeadlineError> {
    const RELATIVE_ENDINGS: [&str; 8] = ["之前", "以前", "前", "之后", "以后", "后", "时", "期间"];
    // A number followed by a calendar word is a date this grammar failed to read, not an
    // event: “十五日前”, “3天内”.
    let chars: Vec<char> = s.chars().collect();
    let has_digit = s.chars().any(|c| c.is_ascii_digit())
        || chars
            .windows(2)
            .any(|w| parse_number(&w[0].to_string()).is_some() && "日号月年天周".contains(w[1]))
        || s.contains('十') && chars.iter().any(|c| "日号月年天周".contains(*c));
    for end in RELATIVE_ENDINGS {
        if let Some(event) = s.strip_suffix(end) {
            if !event.is_empty() && !has_digit {
                return Ok(Deadline::EventRelative {
                    event: event.to_owned(),
                });
            }
        }
    }
    Err(err(
        "既不是日期（如“6月底前”“2019年底前”“7月30日前”），也不是周期（“每月”）、持续（“及时”“长效”）或以事件为准（“……前”）的时限",
    ))
}

/// What may follow the date in a phrase.
const TAILS: [&str; 13] = [
    "", "前", "以前", "之前", "内", "止", "为止", "完成", "起", "开始", "以后", "之后", "后",
];

fn bound_by(rest: &str) -> bool {
    ["前", "以前", "之前", "底", "末", "内", "完成", ""]
        .iter()
        .any(|w| !w.is_empty() && rest.starts_with(w))
}

fn bound_from(rest: &str) -> bool {
    ["起", "开始", "以后", "之后", "后"]
        .iter()
        .any(|w| rest.starts_with(w))
}

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn end_of_month(y: i32, m: u32) -> Option<NaiveDate> {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    ymd(ny, nm, 1).and_then(|d| d.pred_opt())
}

fn end_of_year(y: i32) -> Option<NaiveDate> {
    ymd(y, 12, 31)
}

/// Full-width digits to ASCII, spaces and brackets dropped.
fn normalise(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '（' | '）' | '(' | ')'))
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            _ => c,
        })
        .collect()
}

enum Part {
    /// A month, possibly with a day; `end` when the phrase says 底/末 (“6月底”).
    Month {
        month: u32,
        day: Option<u32>,
        end: bool,
    },
    /// 上旬 (0), 中旬 (1), 下旬 (2) of a month.
    TenDays {
        month: u32,
        which: u8,
    },
    /// “6月初”.
    EarlyMonth {
        month: u32,
    },
    Quarter(u32),
    /// 上半年 (1) or 下半年 (2).
    Half(u32),
    YearEnd,
}

struct Cursor<'a> {
    s: &'a str,
}

impl<'a> Cursor<'a> {
    fn new(s: &'a str) -> Self {
        Cursor { s }
    }

    fn rest(&self) -> &'a str {
        self.s
    }

    fn eat(&mut self, word: &str) -> bool {
        match self.s.strip_prefix(word) {
            Some(r) => {
                self.s = r;
                true
            }
            None => false,
        }
    }

    fn eat_any(&mut self, words: &[&str]) -> bool {
        words.iter().any(|w| self.eat(w))
    }

    /// A number in Arabic or Chinese digits, not consumed unless followed by `unit`.
    fn number_before(&mut self, unit: char) -> Option<u32> {
        let end = self.s.find(unit)?;
        let n = parse_number(&self.s[..end])?;
        self.s = &self.s[end + unit.len_utf8()..];
        Some(n)
    }

    /// `2019年`, `二〇一九年`, `明年`, `今年`, `当年`, `本年`; `2018—2020年` gives its last year.
    fn year(&mut self, plan_year: i32) -> Option<i32> {
        self.eat_any(&["到", "至", "于", "在", "从", "自"]);
        if self.eat_any(&["今年", "当年", "本年", "年内"]) {
            if self.s.is_empty() || self.s.starts_with('内') {
                // “年内” / “今年内”: by the end of the year.
                self.s = "底前";
            }
            return Some(plan_year);
        }
        if self.eat("明年") {
            return Some(plan_year + 1);
        }
        if self.eat("全年") {
            self.s = "底前";
            return Some(plan_year);
        }
        if let Some(y) = self.five_year_plan() {
            return Some(y);
        }
        let end = self.s.find('年')?;
        let head = &self.s[..end];
        let last = head.rsplit(['—', '-', '–', '~', '至', '到']).next()?;
        let year = parse_year(last)?;
        self.s = &self.s[end + '年'.len_utf8()..];
        // “2018年度”: the year as a whole.
        self.eat("度");
        Some(year)
    }

    /// “十三五期间”, ““十三五”末”: a five-year plan period, by its last year.
    fn five_year_plan(&mut self) -> Option<i32> {
        let end = self.s.find('五')?;
        let n = parse_number(self.s[..end].trim_start_matches(['“', '"']))?;
        // From the third plan (1966–1970) on, periods run back to back; the 30th ends in
        // 2100 (a larger number is no plan, and would overflow: found by fuzzing).
        if !(3..=30).contains(&n) {
            return None;
        }
        let last = 1966 + 5 * (i32::try_from(n).ok()? - 3) + 4;
        let tail = self.s[end + '五'.len_utf8()..].trim_start_matches(['”', '"']);
        let tail = ["期间", "时期", "内", "末"]
            .iter()
            .find_map(|w| tail.strip_prefix(w))
            .unwrap_or(tail);
        if !TAILS.contains(&tail) {
            return None;
        }
        self.s = "";
        Some(last)
    }

    fn part_of_year(&mut self) -> Option<Part> {
        if self.eat_any(&["年底", "年末", "年终", "底前", "底"]) {
            return Some(Part::YearEnd);
        }
        if self.eat("上半年") {
            return Some(Part::Half(1));
        }
        if self.eat("下半年") {
            return Some(Part::Half(2));
        }
        self.eat("第");
        let save = self.s;
        if let Some(q) = self.number_before('季') {
            if (1..=4).contains(&q) {
                self.eat("度");
                self.eat_any(&["末", "底"]);
                return Some(Part::Quarter(q));
            }
            self.s = save;
        }
        let month = self.number_before('月').filter(|m| (1..=12).contains(m));
        let Some(month) = month else {
            self.s = save;
            return None;
        };
        self.eat("份");
        if self.eat("上旬") {
            return Some(Part::TenDays { month, which: 0 });
        }
        if self.eat("中旬") {
            return Some(Part::TenDays { month, which: 1 });
        }
        if self.eat("下旬") {
            return Some(Part::TenDays { month, which: 2 });
        }
        if self.eat("初") {
            return Some(Part::EarlyMonth { month });
        }
        if self.eat("中") {
            return Some(Part::Month {
                month,
                day: Some(15),
                end: false,
            });
        }
        let save = self.s;
        let day = self
            .number_before('日')
            .or_else(|| self.number_before('号'))
            .filter(|d| (1..=31).contains(d));
        let mut end = false;
        if day.is_none() {
            self.s = save;
            end = self.eat_any(&["底", "末"]);
        }
        Some(Part::Month { month, day, end })
    }
}

/// `12`, `十二`, `二十`, `三十一`, `两`.
fn parse_number(s: &str) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    if s.chars().all(|c| c.is_ascii_digit()) {
        return s.parse().ok();
    }
    let digit = |c: char| -> Option<u32> {
        Some(match c {
            '〇' | '零' => 0,
            '一' => 1,
            '二' | '两' => 2,
            '三' => 3,
            '四' => 4,
            '五' => 5,
            '六' => 6,
            '七' => 7,
            '八' => 8,
            '九' => 9,
            _ => return None,
        })
    };
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        ['十'] => Some(10),
        ['十', d] => Some(10 + digit(*d)?),
        [t, '十'] => Some(digit(*t)? * 10),
        [t, '十', d] => Some(digit(*t)? * 10 + digit(*d)?),
        [d] => digit(*d),
        _ => None,
    }
}

/// `2019` or `二〇一九`.
fn parse_year(s: &str) -> Option<i32> {
    let digits: Option<String> = s
        .chars()
        .map(|c| match c {
            '0'..='9' => Some(c),
            _ => parse_number(&c.to_string()).and_then(|d| char::from_digit(d, 10)),
        })
        .collect();
    let y: i32 = digits?.parse().ok()?;
    (1949..=2100).contains(&y).then_some(y)
}

/// The year a date falls in, for callers that group milestones by year.
pub fn year_of(d: NaiveDate) -> i32 {
    d.year()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn due(phrase: &str) -> (NaiveDate, Precision) {
        match parse_deadline(phrase, 2018) {
            Ok(Deadline::By { due, precision }) => (due, precision),
            other => panic!("{phrase}: expected a dated milestone, got {other:?}"),
        }
    }

    #[test]
    fn month_end_phrases_take_the_plan_year() {
        assert_eq!(due("6月底前"), (d(2018, 6, 30), Precision::Month));
        assert_eq!(due("7月底前"), (d(2018, 7, 31), Precision::Month));
        assert_eq!(due("10月底前"), (d(2018, 10, 31), Precision::Month));
        assert_eq!(due("12月底前"), (d(2018, 12, 31), Precision::Month));
        assert_eq!(due("6月底"), (d(2018, 6, 30), Precision::Month));
        assert_eq!(due("6月份"), (d(2018, 6, 30), Precision::Month));
        assert_eq!(due("9月"), (d(2018, 9, 30), Precision::Month));
        assert_eq!(due("2月底前"), (d(2018, 2, 28), Precision::Month));
    }

    #[test]
    fn year_end_phrases() {
        assert_eq!(due("年底前"), (d(2018, 12, 31), Precision::Year));
        assert_eq!(due("年底"), (d(2018, 12, 31), Precision::Year));
        assert_eq!(due("年内"), (d(2018, 12, 31), Precision::Year));
        assert_eq!(due("今年内"), (d(2018, 12, 31), Precision::Year));
        assert_eq!(due("全年"), (d(2018, 12, 31), Precision::Year));
        assert_eq!(due("2019年底前"), (d(2019, 12, 31), Precision::Year));
        assert_eq!(due("2020年底前"), (d(2020, 12, 31), Precision::Year));
        assert_eq!(due("2019年底"), (d(2019, 12, 31), Precision::Year));
        assert_eq!(due("2018年"), (d(2018, 12, 31), Precision::Year));
        assert_eq!(due("到2020年"), (d(2020, 12, 31), Precision::Year));
        assert_eq!(due("2018—2020年"), (d(2020, 12, 31), Precision::Year));
        assert_eq!(due("明年底前"), (d(2019, 12, 31), Precision::Year));
    }

    #[test]
    fn explicit_years_months_and_days() {
        assert_eq!(due("2019年6月底前"), (d(2019, 6, 30), Precision::Month));
        assert_eq!(due("2018年12月底前"), (d(2018, 12, 31), Precision::Month));
        assert_eq!(due("7月30日前"), (d(2018, 7, 30), Precision::Day));
        assert_eq!(due("2019年3月15日前"), (d(2019, 3, 15), Precision::Day));
        assert_eq!(due("9月10号前"), (d(2018, 9, 10), Precision::Day));
        assert_eq!(due("十二月底前"), (d(2018, 12, 31), Precision::Month));
        assert_eq!(
            due("二〇一九年六月底前"),
            (d(2019, 6, 30), Precision::Month)
        );
        assert_eq!(
            due("２０１９年６月底前"),
            (d(2019, 6, 30), Precision::Month)
        );
    }

    #[test]
    fn halves_quarters_and_ten_day_periods() {
        assert_eq!(due("上半年"), (d(2018, 6, 30), Precision::HalfYear));
        assert_eq!(due("下半年"), (d(2018, 12, 31), Precision::HalfYear));
        assert_eq!(due("2019年上半年"), (d(2019, 6, 30), Precision::HalfYear));
        assert_eq!(due("第三季度"), (d(2018, 9, 30), Precision::Quarter));
        assert_eq!(due("一季度末"), (d(2018, 3, 31), Precision::Quarter));
        assert_eq!(due("8月上旬"), (d(2018, 8, 10), Precision::TenDays));
        assert_eq!(due("8月中旬前"), (d(2018, 8, 20), Precision::TenDays));
        assert_eq!(due("8月下旬"), (d(2018, 8, 31), Precision::TenDays));
        assert_eq!(due("9月初"), (d(2018, 9, 10), Precision::TenDays));
    }

    #[test]
    fn before_a_month_means_before_it_starts() {
        assert_eq!(due("6月前"), (d(2018, 5, 31), Precision::Month));
        assert_eq!(due("2019年1月前"), (d(2018, 12, 31), Precision::Month));
    }

    #[test]
    fn starting_dates_are_duties_from_then_on() {
        assert_eq!(
            parse_deadline("7月起", 2018),
            Ok(Deadline::From {
                from: d(2018, 7, 1),
                precision: Precision::Month
            })
        );
        assert_eq!(
            parse_deadline("2019年7月起", 2018),
            Ok(Deadline::From {
                from: d(2019, 7, 1),
                precision: Precision::Month
            })
        );
        assert_eq!(
            parse_deadline("从9月1日起", 2018),
            Ok(Deadline::From {
                from: d(2018, 9, 1),
                precision: Precision::Day
            })
        );
        assert_eq!(
            parse_deadline("下半年开始", 2018),
            Ok(Deadline::From {
                from: d(2018, 7, 1),
                precision: Precision::HalfYear
            })
        );
    }

    #[test]
    fn recurring_and_continuous_duties_get_no_date() {
        for (p, every) in [
            ("每月", Recurrence::Monthly),
            ("每季度", Recurrence::Quarterly),
            ("每年", Recurrence::Yearly),
            ("每半年", Recurrence::HalfYearly),
            ("每周", Recurrence::Weekly),
            ("年度", Recurrence::Yearly),
            ("月报", Recurrence::Monthly),
        ] {
            assert_eq!(
                parse_deadline(p, 2018),
                Ok(Deadline::Recurring { every, from: None }),
                "{p}"
            );
        }
        // With its year, 年度 is one year's: due by the end of it.
        assert!(matches!(
            parse_deadline("2018年度", 2018),
            Ok(Deadline::By { .. })
        ));
        for p in ["及时", "长效", "持续", "常态化", "长期"] {
            assert_eq!(parse_deadline(p, 2018), Ok(Deadline::Continuous), "{p}");
        }
    }

    #[test]
    fn event_relative_phrases_keep_the_event_and_no_date() {
        assert_eq!(
            parse_deadline("城东污水处理厂三期未建成投运前", 2018),
            Ok(Deadline::EventRelative {
                event: "城东污水处理厂三期未建成投运".into()
            })
        );
        assert_eq!(
            parse_deadline("重污染天气预警期间", 2018),
            Ok(Deadline::EventRelative {
                event: "重污染天气预警".into()
            })
        );
        assert!(parse_deadline("投运后", 2018)
            .is_ok_and(|d| d.due_date().is_none() && d.kind_str() == "event_relative"));
    }

    #[test]
    fn deadlines_round_trip_through_their_stored_columns() {
        for phrase in [
            "6月底前",
            "7月起",
            "每月",
            "及时",
            "投运前",
            "2019年6月底前",
        ] {
            let d = parse_deadline(phrase, 2018).unwrap();
            let (k, date, p, r, e) = d.to_columns();
            assert_eq!(
                Deadline::from_columns(k, date, p, r, e),
                Some(d),
                "{phrase}"
            );
        }
        assert_eq!(
            Deadline::from_columns("by", None, Some("month"), None, None),
            None
        );
    }

    #[test]
    fn years_as_a_whole_and_five_year_plans() {
        assert_eq!(due("2018年度"), (d(2018, 12, 31), Precision::Year));
        assert_eq!(due("2019年"), (d(2019, 12, 31), Precision::Year));
        assert_eq!(due("十三五期间"), (d(2020, 12, 31), Precision::Year));
        assert_eq!(due("“十三五”末"), (d(2020, 12, 31), Precision::Year));
        assert_eq!(due("十四五期间"), (d(2025, 12, 31), Precision::Year));
        assert!(
            parse_deadline("十五日前", 2018).is_err(),
            "not a five-year plan"
        );
        // Found by fuzzing: the number of a plan this large overflowed the year.
        assert!(parse_deadline("777777777五期间", 2018).is_err());
        assert_eq!(
            parse_deadline("逐年", 2018),
            Ok(Deadline::Recurring {
                every: Recurrence::Yearly,
                from: None
            })
        );
    }

    #[test]
    fn nonsense_is_an_error_never_a_guess() {
        for p in [
            "",
            "13月底前",
            "2月30日前",
            "尽快完成任务",
            "6月45日前",
            "3000年底前",
        ] {
            let r = parse_deadline(p, 2018);
            assert!(
                r.is_err() || matches!(r, Ok(Deadline::EventRelative { .. })),
                "{p}: {r:?}"
            );
            assert!(
                r.as_ref().map_or(true, |d| d.due_date().is_none()),
                "{p}: {r:?}"
            );
        }
        let e = parse_deadline("尽快完成任务", 2018).unwrap_err();
        assert!(e.to_string().contains("尽快完成任务"));
    }
}
