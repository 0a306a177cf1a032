//! A coordinator's edit of a work item: its deadlines, its responsible units and its
//! quantified targets, with the reason for the change. The plan text itself is the source
//! document and is not edited.

use crate::{parse_deadline, Direction, Milestone, ParseError, Target};
use serde::{Deserialize, Serialize};

/// The raw fields of the edit form: one deadline phrase per line, one unit per line, one
/// target per line as `指标 | 方向 | 数值 | 单位 | 年份 | 原文`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemEditForm {
    pub plan: String,
    pub number: i32,
    pub deadlines: String,
    pub units: String,
    pub targets: String,
    pub reason: String,
}

/// A checked edit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemEdit {
    pub milestones: Vec<Milestone>,
    pub units: Vec<String>,
    pub targets: Vec<Target>,
    pub reason: String,
}

/// One target as the form writes it.
pub fn target_line(t: &Target) -> String {
    format!(
        "{} | {} | {} | {} | {} | {}",
        t.metric,
        t.direction.label_zh(),
        t.value,
        t.unit,
        t.year,
        t.quote
    )
}

fn lines(s: &str) -> impl Iterator<Item = (usize, &str)> {
    s.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty())
}

impl ItemEdit {
    pub const MAX_REASON: usize = 500;

    /// Checks every line; the error names the field, the line and the reason, in Chinese.
    /// `plan_year` reads phrases without a year (“6月底前” in a 2018 plan).
    pub fn parse(f: &ItemEditForm, plan_year: i32) -> Result<ItemEdit, ParseError> {
        let mut milestones = Vec::new();
        for (n, phrase) in lines(&f.deadlines) {
            let deadline = parse_deadline(phrase, plan_year).map_err(|e| {
                ParseError::new(
                    "deadlines",
                    format!("第 {n} 行“{phrase}”无法识别为时限：{}", e.reason),
                )
            })?;
            milestones.push(Milestone {
                phrase: phrase.to_owned(),
                deadline,
            });
        }
        let mut units: Vec<String> = Vec::new();
        for (n, unit) in lines(&f.units) {
            if units.iter().any(|u| u == unit) {
                return Err(ParseError::new("units", format!("第 {n} 行“{unit}”重复")));
            }
            units.push(unit.to_owned());
        }
        if units.is_empty() {
            return Err(ParseError::new("units", "至少要有一个责任单位"));
        }
        let mut targets = Vec::new();
        for (n, line) in lines(&f.targets) {
            let cells: Vec<&str> = line.split(['|', '｜']).map(str::trim).collect();
            let bad = |why: String| ParseError::new("targets", format!("第 {n} 行：{why}"));
            let [metric, direction, value, unit, year, quote] = cells[..] else {
                return Err(bad(format!(
                    "应为 6 栏“指标 | 方向 | 数值 | 单位 | 年份 | 原文”，实为 {} 栏",
                    cells.len()
                )));
            };
            if metric.is_empty() {
                return Err(bad("指标不能为空".to_owned()));
            }
            let direction = Direction::ALL
                .into_iter()
                .find(|d| d.label_zh() == direction || d.as_str() == direction)
                .ok_or_else(|| bad(format!("方向“{direction}”应为 不少于 / 不超过 / 为 / 约")))?;
            let value: f64 = value
                .parse()
                .ok()
                .filter(|v: &f64| v.is_finite())
                .ok_or_else(|| bad(format!("数值“{value}”不是数字")))?;
            let year: i32 = year
                .parse()
                .ok()
                .filter(|y| (2015..=2035).contains(y))
                .ok_or_else(|| bad(format!("年份“{year}”应为 2015—2035 之间的年份")))?;
            targets.push(Target {
                metric: metric.to_owned(),
                value,
                unit: unit.to_owned(),
                direction,
                year,
                quote: quote.to_owned(),
                // Kept from the stored target of the same figure, by the store.
                note: None,
            });
        }
        let reason = f.reason.trim().to_owned();
        if reason.is_empty() {
            return Err(ParseError::new("reason", "请写明修改理由（记入审计记录）"));
        }
        if reason.chars().count() > Self::MAX_REASON {
            return Err(ParseError::new(
                "reason",
                format!("修改理由超过 {} 字", Self::MAX_REASON),
            ));
        }
        Ok(ItemEdit {
            milestones,
            units,
            targets,
            reason,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Deadline;

    fn form() -> ItemEditForm {
        ItemEditForm {
            plan: "water".into(),
            number: 28,
            deadlines: "7月底前\n\n2019年底前\n".into(),
            units: "市环保局\n开化县政府".into(),
            targets: "国家“水十条”断面水质自动站 | 为 | 9 | 个 | 2018 | 完成9个国家“水十条”断面水质自动站建设"
                .into(),
            reason: " 市治水办会议纪要（2018）12号调整 ".into(),
        }
    }

    #[test]
    fn a_good_edit_parses_and_round_trips_its_targets() {
        let e = ItemEdit::parse(&form(), 2018).expect("good");
        assert_eq!(e.milestones.len(), 2);
        assert!(matches!(e.milestones[0].deadline, Deadline::By { .. }));
        assert_eq!(
            e.milestones[0]
                .deadline
                .due_date()
                .map(|d| d.to_string())
                .as_deref(),
            Some("2018-07-31")
        );
        assert_eq!(e.units, ["市环保局", "开化县政府"]);
        assert_eq!(e.targets[0].value, 9.0);
        assert_eq!(e.reason, "市治水办会议纪要（2018）12号调整");
        let again = ItemEditForm {
            targets: target_line(&e.targets[0]),
            ..form()
        };
        assert_eq!(
            ItemEdit::parse(&again, 2018).expect("again").targets,
            e.targets
        );
    }

    #[test]
    fn every_bad_field_is_named_with_its_line() {
        type Breaker = fn(&mut ItemEditForm);
        let cases: [(Breaker, &str, &str); 8] = [
            (
                |f| f.deadlines = "7月底前\n下个礼拜".into(),
                "deadlines",
                "第 2 行",
            ),
            (
                |f| f.units = "市环保局\n市环保局".into(),
                "units",
                "第 2 行",
            ),
            (|f| f.units = " \n".into(), "units", "至少"),
            (
                |f| f.targets = "a | 为 | 9 | 个".into(),
                "targets",
                "第 1 行",
            ),
            (
                |f| f.targets = "a | 大约 | 9 | 个 | 2018 | q".into(),
                "targets",
                "方向",
            ),
            (
                |f| f.targets = "a | 为 | 九 | 个 | 2018 | q".into(),
                "targets",
                "数值",
            ),
            (
                |f| f.targets = "a | 为 | 9 | 个 | 1999 | q".into(),
                "targets",
                "年份",
            ),
            (|f| f.reason = "  ".into(), "reason", "理由"),
        ];
        for (break_it, field, says) in cases {
            let mut f = form();
            break_it(&mut f);
            let e = ItemEdit::parse(&f, 2018).unwrap_err();
            assert_eq!(e.field, field, "{e}");
            assert!(e.reason.contains(says), "{e}");
        }
    }
}
