//! Progress reports and the tracked view of an assignment.

use crate::{Assessment, Milestone, ParseError, ReportFact, ReportState};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// One report on one assignment, as stored: never changed afterwards.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub id: i64,
    pub assignment_id: i64,
    /// 1 for the first report on the assignment, then 2, 3, …
    pub version: i32,
    pub state: ReportState,
    /// The milestone (1-based) a done report completes; `None` for the whole assignment.
    pub milestone_seq: Option<i32>,
    /// The day the report speaks for.
    pub reported_on: NaiveDate,
    /// The achieved quantity, in the unit of the item's first target.
    pub achieved: Option<f64>,
    pub narrative: String,
    pub evidence: Vec<String>,
    pub reporter: String,
    /// The report this one corrects.
    pub corrects_id: Option<i64>,
    /// Generated demo data, not the city's records.
    pub is_demo: bool,
    pub created_at: DateTime<Utc>,
    /// The coordinator's decision on a done report, if made (by the as-of day when the
    /// report was read for a replay).
    #[serde(default)]
    pub review: Option<Review>,
}

impl Report {
    /// What the report counts for in status: a done report counts as done only once the
    /// coordinator has accepted it (签收); until then, or when returned, it shows that the
    /// work is going on.
    pub fn fact(&self) -> ReportFact {
        let accepted = self
            .review
            .as_ref()
            .is_some_and(|r| r.decision == ReviewDecision::Accepted);
        match self.state {
            ReportState::Done if accepted => ReportFact {
                on: self.reported_on,
                state: ReportState::Done,
                milestone: self.milestone_seq,
            },
            _ => ReportFact {
                on: self.reported_on,
                state: ReportState::InProgress,
                milestone: None,
            },
        }
    }

    /// A done report no one has reviewed yet.
    pub fn awaits_review(&self) -> bool {
        self.state == ReportState::Done && self.review.is_none()
    }

    /// A done report the coordinator returned.
    pub fn was_returned(&self) -> bool {
        self.review
            .as_ref()
            .is_some_and(|r| r.decision == ReviewDecision::Returned)
    }
}

/// The coordinator's decision on a completion report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewDecision {
    /// 签收: the work is done; the item counts as done from the report's day.
    Accepted,
    /// 退回: not accepted, with a reason; the unit reports again.
    Returned,
}

impl ReviewDecision {
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewDecision::Accepted => "accepted",
            ReviewDecision::Returned => "returned",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            ReviewDecision::Accepted => "已签收",
            ReviewDecision::Returned => "已退回",
        }
    }

    pub fn parse(s: &str) -> Option<ReviewDecision> {
        match s {
            "accepted" => Some(ReviewDecision::Accepted),
            "returned" => Some(ReviewDecision::Returned),
            _ => None,
        }
    }
}

/// A review as stored: never changed afterwards.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Review {
    pub id: i64,
    pub report_id: i64,
    pub decision: ReviewDecision,
    /// Why it was returned (may be empty for an acceptance).
    pub reason: String,
    pub reviewer: String,
    /// The day (China time) the decision speaks for.
    pub reviewed_on: NaiveDate,
    pub is_demo: bool,
    pub created_at: DateTime<Utc>,
}

/// A review as submitted, validated by [`NewReview::parse`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewReview {
    pub report_id: i64,
    pub decision: ReviewDecision,
    pub reason: String,
    pub reviewer: String,
    pub reviewed_on: NaiveDate,
    pub is_demo: bool,
}

impl NewReview {
    pub const MAX_REASON: usize = 1000;

    /// Checks the decision and the reason: returning a report needs a reason.
    pub fn parse(
        report_id: i64,
        decision: &str,
        reason: &str,
        reviewer: &str,
        reviewed_on: NaiveDate,
    ) -> Result<NewReview, ParseError> {
        let decision = ReviewDecision::parse(decision.trim())
            .ok_or_else(|| ParseError::new("decision", "处理结果须为“签收”或“退回”"))?;
        let reason = reason.trim().to_owned();
        if decision == ReviewDecision::Returned && reason.is_empty() {
            return Err(ParseError::new("reason", "退回报告须写明理由"));
        }
        if reason.chars().count() > Self::MAX_REASON {
            return Err(ParseError::new(
                "reason",
                format!("理由超过 {} 字", Self::MAX_REASON),
            ));
        }
        Ok(NewReview {
            report_id,
            decision,
            reason,
            reviewer: reviewer.to_owned(),
            reviewed_on,
            is_demo: false,
        })
    }
}

/// A completion report waiting for review, with where it belongs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingReview {
    pub report: Report,
    pub plan_code: String,
    pub plan_short_name: String,
    pub item_number: i32,
    pub item_text: String,
    pub unit: String,
}

/// A report as submitted, validated by [`NewReport::parse`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewReport {
    pub assignment_id: i64,
    /// The version of the newest report the writer saw (0 when none): a newer one means
    /// someone else reported meanwhile, and this one is refused.
    pub expected_version: i32,
    pub state: ReportState,
    pub milestone_seq: Option<i32>,
    pub reported_on: NaiveDate,
    pub achieved: Option<f64>,
    pub narrative: String,
    pub evidence: Vec<String>,
    pub reporter: String,
    pub corrects_id: Option<i64>,
    pub is_demo: bool,
}

/// The raw fields of a report form.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReportForm {
    pub assignment_id: i64,
    pub expected_version: i32,
    pub state: String,
    pub milestone_seq: String,
    pub reported_on: String,
    pub achieved: String,
    pub narrative: String,
    pub evidence: String,
    pub reporter: String,
    pub corrects_id: String,
}

impl NewReport {
    pub const MAX_NARRATIVE: usize = 4000;

    /// Checks every field; the error names the field and says why, in Chinese.
    pub fn parse(f: &ReportForm, milestone_count: usize) -> Result<NewReport, ParseError> {
        let state = ReportState::parse(f.state.trim())
            .ok_or_else(|| ParseError::new("state", "状态须为“推进中”或“已完成”"))?;
        let milestone_seq = match f.milestone_seq.trim() {
            "" => None,
            s => {
                let n: i32 = s
                    .parse()
                    .map_err(|_| ParseError::new("milestone_seq", format!("“{s}”不是时限序号")))?;
                if n < 1 || usize::try_from(n).map_or(true, |n| n > milestone_count) {
                    return Err(ParseError::new(
                        "milestone_seq",
                        format!("该工作要求没有第 {n} 个时限"),
                    ));
                }
                Some(n)
            }
        };
        let reported_on = NaiveDate::parse_from_str(f.reported_on.trim(), "%Y-%m-%d")
            .map_err(|_| ParseError::new("reported_on", "日期格式应为 YYYY-MM-DD"))?;
        let achieved = match f.achieved.trim() {
            "" => None,
            s => {
                let v: f64 = s
                    .parse()
                    .map_err(|_| ParseError::new("achieved", format!("“{s}”不是数字")))?;
                if !v.is_finite() || v < 0.0 {
                    return Err(ParseError::new("achieved", "完成量须为非负数"));
                }
                Some(v)
            }
        };
        let narrative = f.narrative.trim().to_owned();
        if narrative.is_empty() {
            return Err(ParseError::new("narrative", "请填写进展情况"));
        }
        if narrative.chars().count() > Self::MAX_NARRATIVE {
            return Err(ParseError::new(
                "narrative",
                format!("进展情况超过 {} 字", Self::MAX_NARRATIVE),
            ));
        }
        let evidence: Vec<String> = f
            .evidence
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect();
        for e in &evidence {
            if !(e.starts_with("https://") || e.starts_with("http://"))
                || e.chars().any(char::is_whitespace)
            {
                return Err(ParseError::new(
                    "evidence",
                    format!("佐证链接“{e}”须以 http:// 或 https:// 开头"),
                ));
            }
        }
        let reporter = f.reporter.trim().to_owned();
        if reporter.is_empty() || reporter.chars().count() > 60 {
            return Err(ParseError::new("reporter", "请填写报告人（60 字以内）"));
        }
        let corrects_id = match f.corrects_id.trim() {
            "" => None,
            s => Some(
                s.parse()
                    .map_err(|_| ParseError::new("corrects_id", format!("“{s}”不是报告编号")))?,
            ),
        };
        if f.expected_version < 0 {
            return Err(ParseError::new("expected_version", "版本号无效"));
        }
        Ok(NewReport {
            assignment_id: f.assignment_id,
            expected_version: f.expected_version,
            state,
            milestone_seq,
            reported_on,
            achieved,
            narrative,
            evidence,
            reporter,
            corrects_id,
            is_demo: false,
        })
    }
}

/// One assignment with what lists show of it: where, who, by when, status, last report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tracked {
    pub assignment_id: i64,
    pub plan_code: String,
    pub plan_short_name: String,
    pub task_number: i32,
    pub item_number: i32,
    pub item_text: String,
    pub unit: String,
    pub via: String,
    pub milestones: Vec<Milestone>,
    pub assessment: Assessment,
    pub last_report: Option<Report>,
    /// How many reports, up to the as-of day.
    pub report_count: i32,
    /// A done report waits for the coordinator's review (签收).
    pub awaiting_review: bool,
    /// The newest report, when it is a done report the coordinator returned: the unit must
    /// answer it.
    pub returned: Option<Report>,
}

impl Tracked {
    /// Computes the status from the item's milestones and the reports (each carrying its
    /// review as of `as_of`): done reports count only once accepted.
    pub fn assess(
        milestones: &[Milestone],
        reports: &[Report],
        as_of: NaiveDate,
        start: NaiveDate,
        due_soon_days: i64,
    ) -> (Assessment, bool, Option<Report>) {
        let facts: Vec<ReportFact> = reports.iter().map(Report::fact).collect();
        let deadlines: Vec<_> = milestones.iter().map(|m| m.deadline.clone()).collect();
        let assessment = crate::assess(&deadlines, &facts, as_of, start, due_soon_days);
        let awaiting = reports.iter().any(Report::awaits_review);
        let returned = reports
            .iter()
            .max_by_key(|r| r.version)
            .filter(|r| r.was_returned())
            .cloned();
        (assessment, awaiting, returned)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> ReportForm {
        ReportForm {
            assignment_id: 7,
            expected_version: 0,
            state: "in_progress".into(),
            milestone_seq: String::new(),
            reported_on: "2018-07-15".into(),
            achieved: "120".into(),
            narrative: "  已完成管网120公里 ".into(),
            evidence: "https://example.org/a\n\n".into(),
            reporter: "张三".into(),
            corrects_id: String::new(),
        }
    }

    fn stored(
        version: i32,
        state: ReportState,
        on: NaiveDate,
        review: Option<ReviewDecision>,
    ) -> Report {
        Report {
            id: i64::from(version) * 10,
            assignment_id: 7,
            version,
            state,
            milestone_seq: None,
            reported_on: on,
            achieved: None,
            narrative: "x".into(),
            evidence: vec![],
            reporter: "r".into(),
            corrects_id: None,
            is_demo: false,
            created_at: DateTime::<Utc>::default(),
            review: review.map(|decision| Review {
                id: i64::from(version),
                report_id: i64::from(version) * 10,
                decision,
                reason: if decision == ReviewDecision::Returned {
                    "材料不全".into()
                } else {
                    String::new()
                },
                reviewer: "治水办".into(),
                reviewed_on: on,
                is_demo: false,
                created_at: DateTime::<Utc>::default(),
            }),
        }
    }

    #[test]
    fn a_done_report_counts_only_once_accepted() {
        use crate::{Deadline, Precision, Status};
        let d = |m, day| NaiveDate::from_ymd_opt(2018, m, day).expect("date");
        let due = d(7, 31);
        let milestones = [Milestone {
            phrase: "7月底前".into(),
            deadline: Deadline::By {
                due,
                precision: Precision::Month,
            },
        }];
        let start = d(6, 1);
        let as_of = d(8, 15);
        let status = |reports: &[Report]| Tracked::assess(&milestones, reports, as_of, start, 15);

        // Reported done on time but not reviewed: still overdue, and waiting for review.
        let pending = [stored(1, ReportState::Done, d(7, 20), None)];
        let (a, awaiting, returned) = status(&pending);
        assert_eq!(a.status, Status::Overdue);
        assert!(awaiting && returned.is_none());

        // Accepted: done on time (from the report's day, not the review's).
        let accepted = [stored(
            1,
            ReportState::Done,
            d(7, 20),
            Some(ReviewDecision::Accepted),
        )];
        let (a, awaiting, returned) = status(&accepted);
        assert_eq!(a.status, Status::Done);
        assert!(!awaiting && returned.is_none());

        // Returned: not done, and the unit must answer it.
        let back = [stored(
            1,
            ReportState::Done,
            d(7, 20),
            Some(ReviewDecision::Returned),
        )];
        let (a, awaiting, returned) = status(&back);
        assert_eq!(a.status, Status::Overdue);
        assert!(!awaiting);
        assert_eq!(returned.map(|r| r.version), Some(1));

        // Returned, then done again and accepted after the due date: done late, nothing
        // returned any more.
        let again = [
            stored(
                1,
                ReportState::Done,
                d(7, 20),
                Some(ReviewDecision::Returned),
            ),
            stored(
                2,
                ReportState::Done,
                d(8, 10),
                Some(ReviewDecision::Accepted),
            ),
        ];
        let (a, _, returned) = status(&again);
        assert_eq!(a.status, Status::DoneLate);
        assert!(returned.is_none());

        // A progress note is never waiting for review.
        let note = [stored(1, ReportState::InProgress, d(7, 20), None)];
        assert!(!note[0].awaits_review() && !status(&note).1);
    }

    #[test]
    fn a_review_needs_a_known_decision_and_a_reason_to_return() {
        let day = NaiveDate::from_ymd_opt(2018, 8, 1).expect("date");
        let ok = NewReview::parse(5, "accepted", "  ", "治水办", day).expect("accept");
        assert_eq!(
            (ok.decision, ok.reason.as_str()),
            (ReviewDecision::Accepted, "")
        );
        let back = NewReview::parse(5, "returned", " 材料不全 ", "治水办", day).expect("return");
        assert_eq!(back.reason, "材料不全");
        assert_eq!(
            NewReview::parse(5, "returned", " ", "治水办", day)
                .unwrap_err()
                .field,
            "reason"
        );
        assert_eq!(
            NewReview::parse(5, "ok", "", "治水办", day)
                .unwrap_err()
                .field,
            "decision"
        );
        let long = "长".repeat(NewReview::MAX_REASON + 1);
        assert_eq!(
            NewReview::parse(5, "returned", &long, "治水办", day)
                .unwrap_err()
                .field,
            "reason"
        );
    }

    #[test]
    fn a_good_form_parses() {
        let r = NewReport::parse(&form(), 2).unwrap();
        assert_eq!(r.achieved, Some(120.0));
        assert_eq!(r.narrative, "已完成管网120公里");
        assert_eq!(r.evidence, ["https://example.org/a"]);
        assert!(!r.is_demo);
    }

    #[test]
    fn every_bad_field_is_named() {
        type Breaker = fn(&mut ReportForm);
        let cases: [(Breaker, &str); 8] = [
            (|f| f.state = "finished".into(), "state"),
            (|f| f.milestone_seq = "3".into(), "milestone_seq"),
            (|f| f.reported_on = "2018/07/15".into(), "reported_on"),
            (|f| f.achieved = "-1".into(), "achieved"),
            (|f| f.narrative = "   ".into(), "narrative"),
            (|f| f.evidence = "javascript:alert(1)".into(), "evidence"),
            (|f| f.reporter = String::new(), "reporter"),
            (|f| f.corrects_id = "x".into(), "corrects_id"),
        ];
        for (break_it, field) in cases {
            let mut f = form();
            break_it(&mut f);
            let e = NewReport::parse(&f, 2).unwrap_err();
            assert_eq!(e.field, field);
        }
    }
}
