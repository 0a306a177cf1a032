//! Reading a deadline phrase of the allocation tables (“6月底前”, “每季度”, “长期坚持”) into a
//! [`Deadline`]: a small cursor over the phrase, the event and recurrence words it knows.

use super::*;

/// Reads one deadline phrase. `plan_year` is the year of the document the phrase is in; it
/// is used when the phrase names no year (“6月底前” in a 2018 table is 2018-06-30).
pub fn parse_deadline(phrase: &str, plan_year: i32) -> Result<Deadline, DeadlineError> {
    let err = |reason: &str| DeadlineError {
        phrase: phrase.to_owned(),
        reason: reason.to_owned(),
    };
    let normalised = normalise(phrase);
    let mut s = normalised.as_str();
    if s.is_empty() {
        return Err(err("空白"));
    }
    // “方案制定:6月底前”: one labelled part of a compound cell (the parts come split at ；、
    // and line breaks); the label stays in the phrase, the date is read from the rest.
    if let Some((label, rest)) = s.split_once([':', '：']) {
        if label.is_empty() || rest.is_empty() || label.chars().any(|c| c.is_ascii_digit()) {
            return Err(err(
                "冒号前应为这一部分的名称，冒号后为时限（如“方案制定：6月底前”）",
            ));
        }
        s = rest;
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

    // Waiting on a higher level: “按省里统一部署”, “待国家标准出台后”, “视上级要求”.
    if let Some(on) = contingent(s) {
        return Ok(Deadline::Contingent { on });
    }

    // Bound to a recurring document or meeting: “半年总结时”, “年终考核前”.
    if let Some(every) = recurring_document(s) {
        return Ok(Deadline::Recurring { every, from: None });
    }

    // After an event, within a time: “文件印发后5个工作日内”, “会议召开后及时报送”.
    if let Some(d) = after_event(s) {
        return Ok(d);
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

pub(super) fn by(
    due: Option<NaiveDate>,
    precision: Precision,
    err: &dyn Fn(&str) -> DeadlineError,
) -> Result<Deadline, DeadlineError> {
    due.map(|due| Deadline::By { due, precision })
        .ok_or_else(|| err("日期不存在"))
}

pub(super) fn from(
    start: Option<NaiveDate>,
    precision: Precision,
    err: &dyn Fn(&str) -> DeadlineError,
) -> Result<Deadline, DeadlineError> {
    start
        .map(|from| Deadline::From { from, precision })
        .ok_or_else(|| err("日期不存在"))
}

/// Words that name a higher level a duty may wait on.
const HIGHER_LEVEL: [&str; 12] = [
    "上级",
    "省",
    "国家",
    "中央",
    "国务院",
    "部委",
    "部里",
    "统一部署",
    "统一安排",
    "统一要求",
    "市委",
    "市政府",
];

/// “按省里统一部署” → “省里统一部署”; “待国家标准出台后” → “国家标准出台”; “视上级要求” →
/// “上级要求”. Only a phrase that names a higher level: “按要求” alone is not read.
pub(super) fn contingent(s: &str) -> Option<String> {
    let rest = [
        "按照", "按", "根据", "依据", "视", "待", "听从", "服从", "根据",
    ]
    .iter()
    .find_map(|w| s.strip_prefix(w))?;
    if !HIGHER_LEVEL.iter().any(|w| rest.contains(w)) {
        return None;
    }
    let on = ["之后", "以后", "后", "而定", "执行", "确定"]
        .iter()
        .find_map(|w| rest.strip_suffix(w))
        .unwrap_or(rest);
    (!on.is_empty()).then(|| on.to_owned())
}

/// Activities of a recurring document or meeting.
const RECURRING_ACTIVITIES: [&str; 14] = [
    "总结",
    "考核",
    "考评",
    "评估",
    "通报",
    "报告",
    "会议",
    "例会",
    "检查",
    "督查",
    "述职",
    "汇报",
    "调度会",
    "调度",
];

/// Verbs that may close a phrase after its time: “…后10日内办结”, “…时报送”.
const CLOSING_VERBS: [&str; 12] = [
    "", "办结", "报送", "上报", "完成", "提交", "报", "办理", "反馈", "落实", "到位", "整改",
];

/// “半年总结时” (every half year), “年终考核前” (every year), “季度例会前” (every quarter).
fn recurring_document(s: &str) -> Option<Recurrence> {
    let (every, rest) = [
        ("上半年", Recurrence::HalfYearly),
        ("半年", Recurrence::HalfYearly),
        ("年中", Recurrence::HalfYearly),
        ("年终", Recurrence::Yearly),
        ("年底", Recurrence::Yearly),
        ("年末", Recurrence::Yearly),
        ("季度", Recurrence::Quarterly),
        ("季末", Recurrence::Quarterly),
        ("月度", Recurrence::Monthly),
        ("月末", Recurrence::Monthly),
    ]
    .iter()
    .find_map(|(w, every)| s.strip_prefix(w).map(|r| (*every, r)))?;
    let rest = RECURRING_ACTIVITIES
        .iter()
        .find_map(|w| rest.strip_prefix(w))?;
    let rest = ["时", "之前", "以前", "前", "之后", "以后", "后", "期间", ""]
        .iter()
        .find_map(|w| rest.strip_prefix(w))?;
    CLOSING_VERBS.contains(&rest).then_some(every)
}

/// “文件印发后5个工作日内” → after “文件印发”, within 5 working days; “项目批复后一个月内”,
/// “收到交办单后10日内办结”, “会议召开后及时报送”.
fn after_event(s: &str) -> Option<Deadline> {
    for (at, _) in s.match_indices('后') {
        let event = s[..at]
            .trim_end_matches(['之', '以'])
            .trim_start_matches(['待', '在', '自', '从', '于']);
        let rest = &s[at + '后'.len_utf8()..];
        if event.is_empty() {
            continue;
        }
        if let Some(within) = within(rest) {
            return Some(Deadline::EventRelative {
                event: event.to_owned(),
                within: Some(within),
            });
        }
    }
    None
}

/// “5个工作日内”, “10日内办结”, “一个月内”, “两周内”, “及时报送”.
pub(super) fn within(s: &str) -> Option<Within> {
    let s = s.strip_prefix('的').unwrap_or(s);
    for w in ["及时", "立即", "第一时间", "即时"] {
        if let Some(rest) = s.strip_prefix(w) {
            return CLOSING_VERBS.contains(&rest).then_some(Within::Promptly);
        }
    }
    let digits: usize = s
        .chars()
        .take_while(|c| c.is_ascii_digit() || "一二两三四五六七八九十百〇零".contains(*c))
        .map(char::len_utf8)
        .sum();
    let n = match &s[..digits] {
        "" => return None,
        t => parse_number(t).filter(|n| (1..=1000).contains(n))?,
    };
    let rest = s[digits..].strip_prefix('个').unwrap_or(&s[digits..]);
    let (make, rest): (fn(u32) -> Within, &str) = [
        ("工作日", Within::WorkingDays as fn(u32) -> Within),
        ("自然日", Within::Days),
        ("日", Within::Days),
        ("天", Within::Days),
        ("星期", Within::Weeks),
        ("周", Within::Weeks),
        ("月", Within::Months),
        ("年", Within::Years),
    ]
    .iter()
    .find_map(|(w, make)| rest.strip_prefix(w).map(|r| (*make, r)))?;
    let rest = ["以内", "之内", "内"]
        .iter()
        .find_map(|w| rest.strip_prefix(w))?;
    CLOSING_VERBS.contains(&rest).then(|| make(n))
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
    // “汛期前”, “开学前”, “验收前”; “待项目批复后”.
    let s = s.strip_prefix('待').unwrap_or(s);
    for end in RELATIVE_ENDINGS {
        if let Some(event) = s.strip_suffix(end) {
            if !event.is_empty() && !has_digit {
                return Ok(Deadline::EventRelative {
                    event: event.to_owned(),
                    within: None,
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
