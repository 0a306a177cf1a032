//! Reading a deadline phrase of the allocation tables (“6月底前”, “每季度”, “长期坚持”) into a
//! [`Deadline`]: a small cursor over the phrase, the event and recurrence words it knows.
//!
//! Files: `cursor.rs` reads the date part of a phrase; this file has the grammar's words.

use super::*;

mod cursor;

use cursor::*;

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
    match word_deadline(s) {
        Some(d) => Ok(d),
        None => dated(s, plan_year, &err),
    }
}

/// A phrase that says its deadline in words, not a date: a recurring duty, one waiting on a
/// higher level, one bound to a recurring document or to an event, a continuous one.
fn word_deadline(s: &str) -> Option<Deadline> {
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
            return Some(Deadline::Recurring { every, from: None });
        }
    }

    // Waiting on a higher level: “按省里统一部署”, “待国家标准出台后”, “视上级要求”.
    if let Some(on) = contingent(s) {
        return Some(Deadline::Contingent { on });
    }

    // Bound to a recurring document or meeting: “半年总结时”, “年终考核前”.
    if let Some(every) = recurring_document(s) {
        return Some(Deadline::Recurring { every, from: None });
    }

    // After an event, within a time: “文件印发后5个工作日内”, “会议召开后及时报送”.
    if let Some(d) = after_event(s) {
        return Some(d);
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
        return Some(Deadline::Continuous);
    }
    None
}

/// A phrase with a date: a year, a part of it (a month, ten days, a quarter, a half, the
/// year's end), and what the date bounds (by it, from it).
fn dated(
    s: &str,
    plan_year: i32,
    err: &dyn Fn(&str) -> DeadlineError,
) -> Result<Deadline, DeadlineError> {
    let mut cur = Cursor::new(s);
    let year = cur.year(plan_year);
    let Some(part) = cur.part_of_year() else {
        return match year {
            // “2018年” alone: within that year.
            Some(y) if bound_by(cur.rest()) => by(end_of_year(y), Precision::Year, err),
            Some(y) if bound_from(cur.rest()) => from(ymd(y, 1, 1), Precision::Year, err),
            Some(y) if cur.rest().is_empty() => by(end_of_year(y), Precision::Year, err),
            _ => event_or_err(s, err),
        };
    };
    let y = year.unwrap_or(plan_year);
    let rest = cur.rest();
    if !TAILS.contains(&rest) {
        return Err(err(&format!("日期后面的“{rest}”无法识别")));
    }
    part_deadline(part, y, rest, err)
}

/// The deadline a part of year `y` gives, with what follows it (`rest`: 前, 底前, 起, …).
fn part_deadline(
    part: Part,
    y: i32,
    rest: &str,
    err: &dyn Fn(&str) -> DeadlineError,
) -> Result<Deadline, DeadlineError> {
    match part {
        Part::Month { month, day, end } => {
            let start = ymd(y, month, day.unwrap_or(1)).ok_or_else(|| err("日期不存在"))?;
            if bound_from(rest) {
                let p = if day.is_some() {
                    Precision::Day
                } else {
                    Precision::Month
                };
                return from(Some(start), p, err);
            }
            if let Some(d) = day {
                return by(ymd(y, month, d), Precision::Day, err);
            }
            // “6月前” is before June; “6月底前”, “6月份”, “6月” are by the end of June.
            if !end
                && (rest.starts_with('前') || rest.starts_with("以前") || rest.starts_with("之前"))
            {
                let due = ymd(y, month, 1).and_then(|d| d.pred_opt());
                return by(due, Precision::Month, err);
            }
            by(end_of_month(y, month), Precision::Month, err)
        }
        Part::TenDays { month, which } => {
            let due = match which {
                0 => ymd(y, month, 10),
                1 => ymd(y, month, 20),
                _ => end_of_month(y, month),
            };
            by(due, Precision::TenDays, err)
        }
        Part::EarlyMonth { month } => by(ymd(y, month, 10), Precision::TenDays, err),
        Part::Quarter(q) => {
            if bound_from(rest) {
                return from(ymd(y, q * 3 - 2, 1), Precision::Quarter, err);
            }
            by(end_of_month(y, q * 3), Precision::Quarter, err)
        }
        Part::Half(h) => {
            if bound_from(rest) {
                return from(
                    ymd(y, if h == 1 { 1 } else { 7 }, 1),
                    Precision::HalfYear,
                    &err,
                );
            }
            by(end_of_month(y, h * 6), Precision::HalfYear, err)
        }
        Part::YearEnd => by(end_of_year(y), Precision::Year, err),
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
