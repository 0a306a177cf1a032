//! A cursor over a normalised phrase: a year, then a part of the year (month and day, ten
//! days, quarter, half, year end), in Chinese or Arabic numerals.

use super::*;

pub(super) enum Part {
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

pub(super) struct Cursor<'a> {
    s: &'a str,
}

impl<'a> Cursor<'a> {
    pub(super) fn new(s: &'a str) -> Self {
        Cursor { s }
    }

    pub(super) fn rest(&self) -> &'a str {
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
    pub(super) fn year(&mut self, plan_year: i32) -> Option<i32> {
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

    pub(super) fn part_of_year(&mut self) -> Option<Part> {
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
pub(super) fn parse_number(s: &str) -> Option<u32> {
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
