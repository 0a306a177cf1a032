//! The day's digests: what each unit and each plan office is told before and after deadlines,
//! as text and Markdown.

use super::*;

/// The work item a line is about, enough to name it and link to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemRef {
    pub plan_code: String,
    pub plan_name: String,
    pub item_number: i32,
    /// The item's text, cut to its first 40 characters.
    pub item_text: String,
    pub assignment_id: i64,
}

impl ItemRef {
    pub fn of(t: &Tracked) -> ItemRef {
        ItemRef {
            plan_code: t.plan_code.clone(),
            plan_name: t.plan_short_name.clone(),
            item_number: t.item_number,
            item_text: short(&t.item_text, 40),
            assignment_id: t.assignment_id,
        }
    }

    /// The item's page.
    pub fn href(&self) -> String {
        format!("/plans/{}/items/{}", self.plan_code, self.item_number)
    }

    /// `治水 (5) 开展…`
    pub fn label_zh(&self) -> String {
        format!(
            "{} ({}) {}",
            self.plan_name, self.item_number, self.item_text
        )
    }
}

/// Cuts `s` to `n` characters, with `…` when cut.
pub fn short(s: &str, n: usize) -> String {
    let first_line = s.lines().next().unwrap_or_default().trim();
    if first_line.chars().count() <= n {
        first_line.to_owned()
    } else {
        let mut out: String = first_line.chars().take(n).collect();
        out.push('…');
        out
    }
}

/// One line of a digest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DigestLine {
    /// Due in `days` days (0: today).
    DueIn {
        item: ItemRef,
        due: NaiveDate,
        days: i64,
    },
    /// Overdue from this day on.
    BecameOverdue {
        item: ItemRef,
        due: Option<NaiveDate>,
    },
    /// Still overdue (Mondays).
    StillOverdue {
        item: ItemRef,
        due: Option<NaiveDate>,
        days_late: Option<i64>,
    },
    /// A done report returned by the coordinator, to be answered.
    Returned {
        item: ItemRef,
        report_id: i64,
        reason: String,
        reviewer: String,
    },
    /// A 催办 received.
    Urged {
        item: ItemRef,
        urge_id: i64,
        message: String,
        reply_by: Option<NaiveDate>,
        by: String,
    },
}

impl DigestLine {
    pub fn item(&self) -> &ItemRef {
        match self {
            DigestLine::DueIn { item, .. }
            | DigestLine::BecameOverdue { item, .. }
            | DigestLine::StillOverdue { item, .. }
            | DigestLine::Returned { item, .. }
            | DigestLine::Urged { item, .. } => item,
        }
    }

    /// The line in Chinese, without the item (which the caller links).
    pub fn what_zh(&self) -> String {
        match self {
            DigestLine::DueIn { due, days: 0, .. } => format!("今天（{due}）到期"),
            DigestLine::DueIn { due, days, .. } => format!("{days} 天后（{due}）到期"),
            DigestLine::BecameOverdue { due: Some(d), .. } => format!("已逾期（时限 {d}）"),
            DigestLine::BecameOverdue { due: None, .. } => "已逾期（定期报送缺报）".to_owned(),
            DigestLine::StillOverdue {
                due: Some(d),
                days_late: Some(n),
                ..
            } => format!("仍逾期 {n} 天（时限 {d}）"),
            DigestLine::StillOverdue { .. } => "仍逾期（定期报送缺报）".to_owned(),
            DigestLine::Returned {
                reason, reviewer, ..
            } => format!("完成报告被 {reviewer} 退回：{reason}"),
            DigestLine::Urged {
                message,
                reply_by,
                by,
                ..
            } => match reply_by {
                Some(d) => format!("{by} 催办：{message}（请于 {d} 前答复）"),
                None => format!("{by} 催办：{message}"),
            },
        }
    }

    /// The line in English, without the item (user text — messages, reasons — as written).
    pub fn what_en(&self) -> String {
        let days = |n: i64| {
            if n == 1 {
                "1 day".to_owned()
            } else {
                format!("{n} days")
            }
        };
        match self {
            DigestLine::DueIn { due, days: 0, .. } => format!("due today ({due})"),
            DigestLine::DueIn { due, days: n, .. } => format!("due in {} ({due})", days(*n)),
            DigestLine::BecameOverdue { due: Some(d), .. } => format!("overdue (deadline {d})"),
            DigestLine::BecameOverdue { due: None, .. } => {
                "overdue (a periodic report is missing)".to_owned()
            }
            DigestLine::StillOverdue {
                due: Some(d),
                days_late: Some(n),
                ..
            } => format!("still overdue, {} late (deadline {d})", days(*n)),
            DigestLine::StillOverdue { .. } => {
                "still overdue (a periodic report is missing)".to_owned()
            }
            DigestLine::Returned {
                reason, reviewer, ..
            } => format!("done report returned by {reviewer}: {reason}"),
            DigestLine::Urged {
                message,
                reply_by,
                by,
                ..
            } => match reply_by {
                Some(d) => format!("urged by {by}: {message} (reply by {d})"),
                None => format!("urged by {by}: {message}"),
            },
        }
    }

    /// The line in the language asked for.
    pub fn what(&self, en: bool) -> String {
        if en {
            self.what_en()
        } else {
            self.what_zh()
        }
    }

    /// The section the line belongs to, in the digest's order.
    pub fn section(&self) -> Section {
        match self {
            DigestLine::Urged { .. } => Section::Urged,
            DigestLine::BecameOverdue { .. } => Section::BecameOverdue,
            DigestLine::Returned { .. } => Section::Returned,
            DigestLine::DueIn { .. } => Section::DueSoon,
            DigestLine::StillOverdue { .. } => Section::StillOverdue,
        }
    }
}

/// The sections of a digest, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Section {
    Urged,
    BecameOverdue,
    Returned,
    DueSoon,
    StillOverdue,
}

impl Section {
    pub fn title_zh(self) -> &'static str {
        match self {
            Section::Urged => "收到催办",
            Section::BecameOverdue => "新逾期",
            Section::Returned => "退回待答复",
            Section::DueSoon => "即将到期",
            Section::StillOverdue => "仍逾期（每周一汇总）",
        }
    }

    pub fn title_en(self) -> &'static str {
        match self {
            Section::Urged => "Urged (催办)",
            Section::BecameOverdue => "Newly overdue",
            Section::Returned => "Returned, to answer",
            Section::DueSoon => "Due soon",
            Section::StillOverdue => "Still overdue (every Monday)",
        }
    }

    pub fn title(self, en: bool) -> &'static str {
        if en {
            self.title_en()
        } else {
            self.title_zh()
        }
    }
}

/// A unit's digest of one day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Digest {
    pub unit: String,
    pub day: NaiveDate,
    pub lines: Vec<DigestLine>,
}

impl Digest {
    /// `开化县政府 12月6日提醒：2 项即将到期，1 项新逾期`
    pub fn title_zh(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        let mut counts: BTreeMap<Section, usize> = BTreeMap::new();
        for l in &self.lines {
            *counts.entry(l.section()).or_default() += 1;
        }
        for (s, n) in counts {
            parts.push(format!(
                "{}{n}项",
                s.title_zh().trim_end_matches("（每周一汇总）")
            ));
        }
        format!(
            "{} {}月{}日提醒：{}",
            self.unit,
            self.day.month(),
            self.day.day(),
            parts.join("，")
        )
    }

    /// `开化县政府, reminders of 6 Dec: due soon 2, newly overdue 1`
    pub fn title_en(&self) -> String {
        let mut counts: BTreeMap<Section, usize> = BTreeMap::new();
        for l in &self.lines {
            *counts.entry(l.section()).or_default() += 1;
        }
        let parts: Vec<String> = counts
            .into_iter()
            .map(|(s, n)| {
                let name = s.title_en().trim_end_matches(" (every Monday)");
                format!("{} {n}", name.to_lowercase())
            })
            .collect();
        format!(
            "{}, reminders of {}: {}",
            self.unit,
            self.day.format("%-d %b"),
            parts.join(", ")
        )
    }

    /// The title in the language asked for.
    pub fn title(&self, en: bool) -> String {
        if en {
            self.title_en()
        } else {
            self.title_zh()
        }
    }

    /// The lines grouped by section, in the digest's order.
    pub fn sections(&self) -> Vec<(Section, Vec<&DigestLine>)> {
        let mut by: BTreeMap<Section, Vec<&DigestLine>> = BTreeMap::new();
        for l in &self.lines {
            by.entry(l.section()).or_default().push(l);
        }
        by.into_iter().collect()
    }

    /// The digest as markdown (钉钉 / 浙政钉 / 企业微信 robots and e-mail text), each line
    /// linking to its item at `base` (the server's public address). Text from users
    /// (messages, reasons) has markdown's link and emphasis characters escaped.
    pub fn markdown(&self, base: &str) -> String {
        let mut out = format!("### {}\n", md_escape(&self.title_zh()));
        for (section, lines) in self.sections() {
            out.push_str(&format!("\n**{}**\n\n", section.title_zh()));
            for l in lines {
                let item = l.item();
                out.push_str(&format!(
                    "- [{}]({}{}) {}\n",
                    md_escape(&item.label_zh()),
                    base.trim_end_matches('/'),
                    item.href(),
                    md_escape(&l.what_zh())
                ));
            }
        }
        out
    }

    /// The digest as plain text (the e-mail body).
    pub fn text(&self, base: &str) -> String {
        let mut out = format!("{}\n", self.title_zh());
        for (section, lines) in self.sections() {
            out.push_str(&format!("\n【{}】\n", section.title_zh()));
            for l in lines {
                let item = l.item();
                out.push_str(&format!(
                    "· {}：{}\n  {}{}\n",
                    item.label_zh(),
                    l.what_zh(),
                    base.trim_end_matches('/'),
                    item.href()
                ));
            }
        }
        out.push_str("\n（衢州三治督办平台自动发送；请登录平台查看和报送。）\n");
        out
    }
}

/// Escapes the characters markdown reads as markup, so that user text is shown as written.
pub fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '[' | ']' | '(' | ')' | '*' | '_' | '`' | '#' | '<' | '>' | '!' | '|'
        ) {
            out.push('\\');
        }
        // A newline in a message would start a new markdown block: keep a line a line.
        out.push(if c == '\n' || c == '\r' { ' ' } else { c });
    }
    out
}

/// A webhook address as it may be shown or logged: scheme, host and the first characters of
/// the rest (robot addresses carry their access token in the query).
pub fn mask_url(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let host_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (host, tail) = rest.split_at(host_end);
    let shown: String = tail.chars().take(8).collect();
    let more = if tail.chars().count() > 8 { "…" } else { "" };
    format!("{scheme}://{host}{shown}{more}")
}

/// What a day's digests are made from.
pub struct DayFacts<'a> {
    /// The digest's day.
    pub day: NaiveDate,
    /// Every assignment as of `day`.
    pub today: &'a [Tracked],
    /// Every assignment as of the day before.
    pub yesterday: &'a [Tracked],
    /// Every 催办 (those made the day before are told).
    pub urges: &'a [Urge],
    /// The plan's settings, by plan code (absent: the defaults).
    pub settings: &'a BTreeMap<String, ReminderSettings>,
}

/// The day's digests, one per unit with anything to tell, in unit order.
pub fn digests(f: &DayFacts<'_>) -> Vec<Digest> {
    let Some(before) = f.day.pred_opt() else {
        return Vec::new();
    };
    let monday = f.day.weekday() == Weekday::Mon;
    let default = ReminderSettings::default();
    let overdue_before: std::collections::HashSet<i64> = f
        .yesterday
        .iter()
        .filter(|t| t.assessment.status == Status::Overdue)
        .map(|t| t.assignment_id)
        .collect();
    let by_assignment: std::collections::HashMap<i64, &Tracked> =
        f.today.iter().map(|t| (t.assignment_id, t)).collect();
    let mut by_unit: BTreeMap<&str, Vec<DigestLine>> = BTreeMap::new();
    for t in f.today {
        let settings = f.settings.get(&t.plan_code).unwrap_or(&default);
        let a = &t.assessment;
        let lines = by_unit.entry(t.unit.as_str()).or_default();
        match a.status {
            Status::DueSoon | Status::InProgress | Status::NotStarted => {
                if let (Some(due), Some(days)) = (a.next_due, a.days_left) {
                    if days >= 0 && settings.lead_days.iter().any(|d| i64::from(*d) == days) {
                        lines.push(DigestLine::DueIn {
                            item: ItemRef::of(t),
                            due,
                            days,
                        });
                    }
                }
            }
            Status::Overdue if !overdue_before.contains(&t.assignment_id) => {
                lines.push(DigestLine::BecameOverdue {
                    item: ItemRef::of(t),
                    due: a.next_due,
                });
            }
            Status::Overdue if monday => lines.push(DigestLine::StillOverdue {
                item: ItemRef::of(t),
                due: a.next_due,
                days_late: a.days_left.map(|d| -d),
            }),
            _ => {}
        }
        if let Some(r) = &t.returned {
            let review = r.review.as_ref();
            let returned_on = review.map(|v| china_day(v.created_at));
            if monday || returned_on == Some(before) {
                lines.push(DigestLine::Returned {
                    item: ItemRef::of(t),
                    report_id: r.id,
                    reason: review.map(|v| v.reason.clone()).unwrap_or_default(),
                    reviewer: review.map(|v| v.reviewer.clone()).unwrap_or_default(),
                });
            }
        }
    }
    for u in f.urges.iter().filter(|u| u.on() == before) {
        let Some(t) = by_assignment.get(&u.assignment_id) else {
            continue;
        };
        by_unit
            .entry(t.unit.as_str())
            .or_default()
            .push(DigestLine::Urged {
                item: ItemRef::of(t),
                urge_id: u.id,
                message: u.message.clone(),
                reply_by: u.reply_by,
                by: u.by.clone(),
            });
    }
    by_unit
        .into_iter()
        .filter(|(_, lines)| !lines.is_empty())
        .map(|(unit, mut lines)| {
            lines.sort_by(|a, b| {
                (
                    a.section(),
                    a.item().plan_code.as_str(),
                    a.item().item_number,
                )
                    .cmp(&(
                        b.section(),
                        b.item().plan_code.as_str(),
                        b.item().item_number,
                    ))
            });
            Digest {
                unit: unit.to_owned(),
                day: f.day,
                lines,
            }
        })
        .collect()
}
