//! Progress reports and the tracked view of an assignment.

use crate::{Assessment, Milestone, ParseError, ReportFact, ReportState};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// A report dated more than this many days before the day it is made is a 补报 (late
/// filing), unless the server is configured otherwise (`reports.backdate_days`).
pub const DEFAULT_BACKDATE_DAYS: i64 = 7;

/// The day the seeded demo opens on, inside 2018–2020 so that a newcomer sees a mix of done,
/// overdue and due-soon work (the demo's data is made around it).
pub fn demo_as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2019, 3, 31).unwrap_or_default()
}

/// The day (China time, UTC+8) of a moment: the day a report or review was recorded.
pub fn china_day(t: DateTime<Utc>) -> NaiveDate {
    (t + chrono::Duration::hours(8)).date_naive()
}

/// `2026-12-05 14:30`: a time as people in Quzhou read it (China Standard Time, to the minute).
pub fn china_minute(t: DateTime<Utc>) -> String {
    (t + chrono::Duration::hours(8))
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// Checks the day a report claims (`reported_on`) against the day it is made (`today`, China
/// time) and the assignment's previous report (`previous`: the day it claimed and the day it
/// was recorded). A report may not speak for a day after today, nor for a day before the
/// previous report's (history is not rewritten behind later reports; a previous report that
/// claimed a day after its own recording — only possible before these checks — bounds from
/// its recording day). `Ok(true)`: a 补报 (late filing), dated more than `backdate_days`
/// before the day it is made.
pub fn check_report_day(
    reported_on: NaiveDate,
    today: NaiveDate,
    previous: Option<(NaiveDate, NaiveDate)>,
    backdate_days: i64,
) -> Result<bool, ParseError> {
    if reported_on > today {
        return Err(ParseError::new(
            "reported_on",
            format!("报告日期不能晚于今天（{today}）"),
        ));
    }
    if let Some((claimed, recorded)) = previous {
        let bound = claimed.min(recorded);
        if reported_on < bound {
            return Err(ParseError::new(
                "reported_on",
                format!("报告日期不能早于本分工上一次报告的日期（{bound}）"),
            ));
        }
    }
    Ok((today - reported_on).num_days() > backdate_days.max(0))
}

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
    /// A 补报 (late filing): made more than `reports.backdate_days` after the day it claims.
    /// A done one counts from the day it was recorded unless its reviewer accepts the claimed
    /// day. (Left out of the JSON when false, so that reports stored before the flag existed
    /// read the same.)
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub late_filed: bool,
    /// The coordinator's decision on a done report, if made (by the as-of day when the
    /// report was read for a replay).
    #[serde(default)]
    pub review: Option<Review>,
}

impl Report {
    /// The day (China time) the report was recorded: what a replay of a past day goes by.
    pub fn recorded_on(&self) -> NaiveDate {
        china_day(self.created_at)
    }

    /// The day the report counts on (an accepted done report: done from that day): the day it
    /// claims, unless it is a 补报 whose reviewer did not accept that day — then the day it was
    /// recorded. This holds for every 补报, progress notes included: a late note cannot fill
    /// the missed periods of a recurring duty after the fact (only done reports are reviewed,
    /// so only they can have their claimed day accepted).
    pub fn done_on(&self) -> NaiveDate {
        let claimed_day_accepted = self.review.as_ref().is_some_and(|r| r.accepts_claimed_day);
        if self.late_filed && !claimed_day_accepted {
            self.recorded_on().max(self.reported_on)
        } else {
            self.reported_on
        }
    }

    /// The report as a replay of `as_of` sees it: `None` when it had not been recorded (or
    /// did not yet speak for a day) by then; its review only if that was decided and recorded
    /// by then. What was recorded later never changes the past.
    pub fn as_of(&self, as_of: NaiveDate) -> Option<Report> {
        if self.reported_on > as_of || self.recorded_on() > as_of {
            return None;
        }
        let mut r = self.clone();
        r.review = r.review.filter(|v| v.seen_on(as_of));
        Some(r)
    }

    /// What the report counts for in status: a done report counts as done only once the
    /// coordinator has accepted it (签收), from [`Report::done_on`]; until then, or when
    /// returned, it shows that the work is going on.
    pub fn fact(&self) -> ReportFact {
        let accepted = self
            .review
            .as_ref()
            .is_some_and(|r| r.decision == ReviewDecision::Accepted);
        match self.state {
            ReportState::Done if accepted => ReportFact {
                on: self.done_on(),
                state: ReportState::Done,
                milestone: self.milestone_seq,
            },
            _ => ReportFact {
                on: self.done_on(),
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
    /// 签收: the work is done; the item counts as done from the report's day (a 补报's: from
    /// the day it was recorded, unless the reviewer accepts the day it claims).
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
    /// Accepting a 补报, the reviewer chose to count it as done on the day it claims (otherwise
    /// it counts from the day it was recorded). Left out of the JSON when false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub accepts_claimed_day: bool,
}

impl Review {
    /// The day (China time) the review was recorded.
    pub fn recorded_on(&self) -> NaiveDate {
        china_day(self.created_at)
    }

    /// Whether a replay of `as_of` sees the decision: decided for, and recorded by, that day.
    pub fn seen_on(&self, as_of: NaiveDate) -> bool {
        self.reviewed_on <= as_of && self.recorded_on() <= as_of
    }
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
    /// Accepting a 补报: count it as done on the day it claims (ignored for other reports and
    /// for returns).
    #[serde(default)]
    pub accepts_claimed_day: bool,
}

impl NewReview {
    pub const MAX_REASON: usize = 1000;

    /// Checks the decision and the reason: returning a report needs a reason.
    /// `accepts_claimed_day`: see [`NewReview::accepts_claimed_day`].
    pub fn parse(
        report_id: i64,
        decision: &str,
        reason: &str,
        reviewer: &str,
        reviewed_on: NaiveDate,
        accepts_claimed_day: bool,
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
            accepts_claimed_day: accepts_claimed_day && decision == ReviewDecision::Accepted,
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

/// Most files one report may carry.
pub const MAX_FILES_PER_REPORT: usize = 10;
/// Largest evidence file: 10 MiB (a phone photo is 2–5 MB).
pub const MAX_EVIDENCE_BYTES: usize = 10 * 1024 * 1024;

/// A file of evidence (a photo, a scanned document), without its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceFile {
    pub id: i64,
    pub assignment_id: i64,
    /// The report it belongs to; `None` while the form it was uploaded with is not sent.
    pub report_id: Option<i64>,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub uploaded_by: String,
}

/// What kind of file `bytes` is, by its first bytes (never by the name or the type the
/// browser claims): the content types accepted as evidence — JPEG, PNG, WebP, HEIC photos and
/// PDF documents.
pub fn sniff_evidence(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0xFF, 0xD8, 0xFF, ..] => Some("image/jpeg"),
        [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Some("image/png"),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some("image/webp"),
        [_, _, _, _, b'f', b't', b'y', b'p', b'h', b'e', b'i', b'c' | b'x', ..]
        | [_, _, _, _, b'f', b't', b'y', b'p', b'm', b'i', b'f', b'1', ..] => Some("image/heic"),
        [b'%', b'P', b'D', b'F', b'-', ..] => Some("application/pdf"),
        _ => None,
    }
}

/// Checks an uploaded file: its name (the last path part, at most 100 characters, no
/// control characters), its size and its kind. Errors name the file and say why, in Chinese.
pub fn check_evidence(name: &str, bytes: &[u8]) -> Result<(String, &'static str), ParseError> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default().trim();
    let clean: String = base.chars().filter(|c| !c.is_control()).take(100).collect();
    if clean.is_empty() {
        return Err(ParseError::new("name", "文件须有名称"));
    }
    if bytes.is_empty() {
        return Err(ParseError::new("file", format!("“{clean}”是空文件")));
    }
    if bytes.len() > MAX_EVIDENCE_BYTES {
        return Err(ParseError::new(
            "file",
            format!(
                "“{clean}”超过 {} MB 的上限",
                MAX_EVIDENCE_BYTES / (1024 * 1024)
            ),
        ));
    }
    let kind = sniff_evidence(bytes).ok_or_else(|| {
        ParseError::new(
            "file",
            format!("“{clean}”不是照片（JPEG、PNG、WebP、HEIC）或 PDF 文件"),
        )
    })?;
    Ok((clean, kind))
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
    /// The key of the form instance that sent it: sent again, the store answers with the
    /// report it first made instead of filing a second one.
    pub submission_key: Option<String>,
    /// Evidence files uploaded with the form (see [`EvidenceFile`]), bound to the report
    /// when it is stored.
    pub files: Vec<i64>,
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
    /// Made when the form was shown (a UUID); empty for none.
    #[serde(default)]
    pub submission_key: String,
    /// The ids of the evidence files uploaded with the form, comma-separated.
    #[serde(default)]
    pub files: String,
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
        let submission_key = match f.submission_key.trim() {
            "" => None,
            k if (8..=64).contains(&k.len())
                && k.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
            {
                Some(k.to_owned())
            }
            _ => {
                return Err(ParseError::new(
                    "submission_key",
                    "提交编号须为 8–64 位字母、数字或连字符",
                ))
            }
        };
        let mut files: Vec<i64> = Vec::new();
        for part in f.files.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let id: i64 = part
                .parse()
                .map_err(|_| ParseError::new("files", format!("“{part}”不是文件编号")))?;
            if !files.contains(&id) {
                files.push(id);
            }
        }
        if files.len() > MAX_FILES_PER_REPORT {
            return Err(ParseError::new(
                "files",
                format!("一份报告最多附 {MAX_FILES_PER_REPORT} 个文件"),
            ));
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
            submission_key,
            files,
        })
    }
}

/// One assignment with what lists show of it: where, who, by when, status, last report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tracked {
    pub assignment_id: i64,
    pub plan_code: String,
    pub plan_short_name: String,
    /// The plan's lifecycle now: only an active plan's work is in the daily views (总览,
    /// 我的任务, reminders, overdue lists); a draft's or a closed plan's is read on its pages.
    #[serde(default)]
    pub plan_status: crate::PlanStatus,
    /// The day the plan was closed, for a closed plan.
    #[serde(default)]
    pub plan_closed_on: Option<NaiveDate>,
    pub task_number: i32,
    pub item_number: i32,
    /// The work item's text, shared by every assignment of the item and every day's row of
    /// it that a server keeps (a province: 20,218 assignments of 1,111 items, ~265 bytes of
    /// text each).
    pub item_text: std::sync::Arc<str>,
    pub unit: String,
    pub via: String,
    pub milestones: Vec<Milestone>,
    pub assessment: Assessment,
    /// The newest report, when the read asked for reports (`None` from a read of the status
    /// facts alone: see `last_reported_on`). Boxed, as `returned`: a row without reports —
    /// most rows a server keeps, 20,000 a day at a province — then holds a pointer, not two
    /// reports' room (~480 bytes).
    pub last_report: Option<Box<Report>>,
    /// The newest report's claimed day, and whether it was a 补报 (from any read).
    #[serde(default)]
    pub last_reported_on: Option<NaiveDate>,
    #[serde(default)]
    pub last_late_filed: bool,
    /// How many reports, up to the as-of day.
    pub report_count: i32,
    /// A done report waits for the coordinator's review (签收).
    pub awaiting_review: bool,
    /// The newest report, when it is a done report the coordinator returned: the unit must
    /// answer it.
    pub returned: Option<Box<Report>>,
}

impl Tracked {
    /// Whether this assignment is in the daily views of `day` (see
    /// [`crate::PlanStatus::daily_on`]).
    pub fn in_daily_views(&self, day: NaiveDate) -> bool {
        self.plan_status.daily_on(self.plan_closed_on, day)
    }

    /// Computes the status from the item's milestones and the reports (each carrying its
    /// review as of `as_of`): done reports count only once accepted. `period` is the plan's
    /// first and last day: recurring duties count from the first, and after the last what is
    /// not done is 未完成（期满）.
    pub fn assess(
        milestones: &[Milestone],
        reports: &[Report],
        as_of: NaiveDate,
        period: (NaiveDate, Option<NaiveDate>),
        due_soon_days: i64,
    ) -> (Assessment, bool, Option<Report>) {
        let (start, end) = period;
        let facts: Vec<ReportFact> = reports.iter().map(Report::fact).collect();
        let deadlines: Vec<_> = milestones.iter().map(|m| m.deadline.clone()).collect();
        let mut assessment = crate::assess(&deadlines, &facts, as_of, start, due_soon_days);
        assessment.status = assessment.status.after_period(as_of, end);
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
            submission_key: String::new(),
            files: String::new(),
        }
    }

    #[test]
    fn evidence_is_known_by_its_bytes_and_checked_by_name() {
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10];
        assert_eq!(
            check_evidence("C:\\照片\\现场.jpg", &jpeg),
            Ok(("现场.jpg".into(), "image/jpeg"))
        );
        assert_eq!(sniff_evidence(b"%PDF-1.7\n"), Some("application/pdf"));
        assert_eq!(sniff_evidence(b"\x89PNG\r\n\x1a\nrest"), Some("image/png"));
        assert_eq!(sniff_evidence(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff_evidence(b"\0\0\0\x18ftypheic"), Some("image/heic"));
        // A page claiming to be a photo is not one.
        let html =
            check_evidence("photo.jpg", b"<html><script>alert(1)</script>").expect_err("html");
        assert_eq!(html.field, "file");
        assert!(html.reason.contains("photo.jpg"), "{}", html.reason);
        assert_eq!(
            check_evidence("a.pdf", &[]).expect_err("empty").field,
            "file"
        );
        assert_eq!(
            check_evidence("  ", b"%PDF-").expect_err("no name").field,
            "name"
        );
        let big = vec![0xFF; MAX_EVIDENCE_BYTES + 1];
        assert!(check_evidence("big.jpg", &big)
            .expect_err("big")
            .reason
            .contains("10 MB"));
        // A form lists the files it uploaded; a stray id is named.
        let f = ReportForm {
            files: "3, 5,3".into(),
            ..form()
        };
        assert_eq!(NewReport::parse(&f, 0).expect("files").files, vec![3, 5]);
        let f = ReportForm {
            files: "3,x".into(),
            ..form()
        };
        assert_eq!(NewReport::parse(&f, 0).expect_err("x").field, "files");
    }

    #[test]
    fn a_submission_key_is_kept_or_refused_by_name() {
        let r = NewReport::parse(&form(), 0).expect("no key");
        assert_eq!(r.submission_key, None);
        let key = "0b7e7a52-5f0c-4d7e-9a51-2f4c1f0e8d3a";
        let f = ReportForm {
            submission_key: format!(" {key} "),
            ..form()
        };
        assert_eq!(
            NewReport::parse(&f, 0)
                .expect("key")
                .submission_key
                .as_deref(),
            Some(key)
        );
        for bad in [
            "short",
            "有中文的提交编号有中文的提交编号",
            "a b c d e f g h",
            &"x".repeat(65),
        ] {
            let f = ReportForm {
                submission_key: bad.into(),
                ..form()
            };
            let e = NewReport::parse(&f, 0).expect_err(bad);
            assert_eq!(e.field, "submission_key", "{bad}");
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
            // Recorded on the day it speaks for (09:00 China time).
            created_at: on.and_hms_opt(1, 0, 0).expect("time").and_utc(),
            late_filed: false,
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
                created_at: on.and_hms_opt(1, 0, 0).expect("time").and_utc(),
                accepts_claimed_day: false,
            }),
        }
    }

    /// A report claiming `claimed`, made on `made` (China time), late-filed by the default
    /// rule, reviewed on `made` with `review` (and whether the claimed day was accepted).
    fn filed(
        claimed: NaiveDate,
        made: NaiveDate,
        review: Option<(ReviewDecision, bool)>,
    ) -> Report {
        let mut r = stored(1, ReportState::Done, claimed, None);
        // 00:30 China time: still the day before in UTC, already `made` in China.
        r.created_at = made
            .pred_opt()
            .expect("day")
            .and_hms_opt(16, 30, 0)
            .expect("time")
            .and_utc();
        r.late_filed = check_report_day(claimed, made, None, DEFAULT_BACKDATE_DAYS).expect("ok");
        r.review = review.map(|(decision, accepts_claimed_day)| Review {
            id: 1,
            report_id: r.id,
            decision,
            reason: String::new(),
            reviewer: "治水办".into(),
            reviewed_on: made,
            is_demo: false,
            created_at: r.created_at,
            accepts_claimed_day,
        });
        r
    }

    #[test]
    fn a_late_filed_done_report_counts_from_its_recording_day_unless_the_claimed_day_is_accepted() {
        use crate::{Deadline, Precision, Status};
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("date");
        let claimed = d(2018, 11, 30);
        let made = d(2026, 12, 5);
        let milestones = [Milestone {
            phrase: "2018年底前".into(),
            deadline: Deadline::By {
                due: d(2018, 12, 31),
                precision: Precision::Year,
            },
        }];
        let status = |r: &Report| {
            Tracked::assess(
                &milestones,
                std::slice::from_ref(r),
                made,
                (d(2018, 6, 1), None),
                15,
            )
            .0
            .status
        };

        // Made in 2026 for 2018: a 补报, recorded on the China day it was made.
        let pending = filed(claimed, made, None);
        assert!(pending.late_filed);
        assert_eq!(pending.recorded_on(), made);
        assert_eq!(pending.fact().state, ReportState::InProgress);

        // Accepted without the claimed day: done from the day it was made — late.
        let plain = filed(claimed, made, Some((ReviewDecision::Accepted, false)));
        assert_eq!(plain.done_on(), made);
        assert_eq!(
            plain.fact(),
            ReportFact {
                on: made,
                state: ReportState::Done,
                milestone: None
            }
        );
        assert_eq!(status(&plain), Status::DoneLate);

        // Accepted with the claimed day: done on 2018-11-30, on time.
        let claimed_day = filed(claimed, made, Some((ReviewDecision::Accepted, true)));
        assert_eq!(claimed_day.fact().on, claimed);
        assert_eq!(status(&claimed_day), Status::Done);

        // Returned: not done, whatever the choice.
        let back = filed(claimed, made, Some((ReviewDecision::Returned, true)));
        assert_eq!(back.fact().state, ReportState::InProgress);

        // Made within the backdating allowance: not a 补报, and it counts on its own day.
        let week = filed(
            d(2018, 12, 28),
            d(2019, 1, 4),
            Some((ReviewDecision::Accepted, false)),
        );
        assert!(!week.late_filed);
        assert_eq!(week.fact().on, d(2018, 12, 28));
        let eight = filed(
            d(2018, 12, 27),
            d(2019, 1, 4),
            Some((ReviewDecision::Accepted, false)),
        );
        assert!(eight.late_filed);
        assert_eq!(eight.fact().on, d(2019, 1, 4));

        // A review accepting the claimed day of a report that is not a 补报 changes nothing.
        let mut honest = filed(d(2018, 12, 20), d(2018, 12, 20), None);
        honest.review = Some(Review {
            accepts_claimed_day: true,
            ..plain.review.clone().expect("review")
        });
        assert_eq!(honest.fact().on, d(2018, 12, 20));

        // A late progress note of a monthly duty counts on the day it was made: notes filed
        // today for last year's months do not fill those months.
        let monthly = [Milestone {
            phrase: "每月".into(),
            deadline: Deadline::Recurring {
                every: crate::Recurrence::Monthly,
                from: None,
            },
        }];
        let note = |on| {
            let mut r = filed(on, made, None);
            r.state = ReportState::InProgress;
            r
        };
        let notes: Vec<Report> = (1..=12).map(|m| note(d(2026, m, 1))).collect();
        assert!(notes[..11]
            .iter()
            .all(|r| r.late_filed && r.fact().on == made));
        let missed = |reports: &[Report]| {
            Tracked::assess(&monthly, reports, made, (d(2026, 1, 1), None), 15)
                .0
                .missed_periods
        };
        let honest_notes: Vec<Report> = (1..=12)
            .map(|m| {
                let mut r = filed(d(2026, m, 1), d(2026, m, 1), None);
                r.state = ReportState::InProgress;
                r
            })
            .collect();
        assert_eq!(missed(&honest_notes), 0, "notes made in their months");
        assert!(
            missed(&notes) >= 10,
            "late notes fill nothing: {}",
            missed(&notes)
        );
    }

    #[test]
    fn report_days_after_today_or_before_the_previous_report_are_refused() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("date");
        let today = d(2026, 12, 6);
        let check = |on, prev| check_report_day(on, today, prev, DEFAULT_BACKDATE_DAYS);
        let future = check(d(2099, 12, 31), None).unwrap_err();
        assert_eq!(future.field, "reported_on");
        assert_eq!(
            future.to_string(),
            "reported_on：报告日期不能晚于今天（2026-12-06）"
        );
        assert!(check(d(2026, 12, 7), None).is_err());
        assert_eq!(check(today, None), Ok(false));
        let prev = Some((d(2019, 3, 1), d(2019, 3, 1)));
        let before = check(d(2018, 11, 30), prev).unwrap_err();
        assert_eq!(
            before.to_string(),
            "reported_on：报告日期不能早于本分工上一次报告的日期（2019-03-01）"
        );
        // The previous report's own day is allowed (and, six years on, a 补报).
        assert_eq!(check(d(2019, 3, 1), prev), Ok(true));
        assert_eq!(check(d(2026, 11, 29), prev), Ok(false));
        assert_eq!(check(d(2026, 11, 28), prev), Ok(true));
        // A previous report that claimed a day after it was recorded (stored before these
        // checks) bounds from its recording day, so that it does not lock the assignment.
        let odd = Some((d(2099, 12, 31), d(2026, 1, 1)));
        assert_eq!(check(d(2026, 1, 1), odd), Ok(true));
        assert!(check(d(2025, 12, 31), odd).is_err());
        // Another allowance: 0 days makes anything before today a 补报.
        assert_eq!(check_report_day(d(2026, 12, 5), today, None, 0), Ok(true));
    }

    #[test]
    fn a_replay_sees_only_what_was_recorded_by_its_day() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("date");
        let late = filed(
            d(2018, 11, 30),
            d(2026, 12, 5),
            Some((ReviewDecision::Accepted, true)),
        );
        // The report of 2026 claiming 2018 is not in a replay of 2019, nor the day before it
        // was made; on the day it was made it is, with its review of that day.
        assert!(late.as_of(d(2019, 1, 1)).is_none());
        assert!(late.as_of(d(2026, 12, 4)).is_none());
        let seen = late.as_of(d(2026, 12, 5)).expect("seen");
        assert!(seen.review.is_some());
        // A report made on its day is seen from that day; its review (decided three days
        // later) from the review's day.
        let mut on_time = stored(1, ReportState::Done, d(2018, 7, 20), None);
        on_time.review = Some(Review {
            id: 1,
            report_id: on_time.id,
            decision: ReviewDecision::Accepted,
            reason: String::new(),
            reviewer: "治水办".into(),
            reviewed_on: d(2018, 7, 23),
            is_demo: false,
            created_at: d(2018, 7, 23).and_hms_opt(2, 0, 0).expect("time").and_utc(),
            accepts_claimed_day: false,
        });
        assert!(on_time.as_of(d(2018, 7, 19)).is_none());
        assert!(on_time
            .as_of(d(2018, 7, 20))
            .expect("seen")
            .review
            .is_none());
        assert!(on_time
            .as_of(d(2018, 7, 23))
            .expect("seen")
            .review
            .is_some());
        // A review recorded after the day it names is not seen before it was recorded.
        let mut backdated = on_time.clone();
        if let Some(v) = backdated.review.as_mut() {
            v.created_at = d(2018, 8, 1).and_hms_opt(2, 0, 0).expect("time").and_utc();
        }
        assert!(backdated
            .as_of(d(2018, 7, 25))
            .expect("seen")
            .review
            .is_none());
    }

    /// After the plan's period (2018–2020), what is not done reads 未完成（期满）: a continuous
    /// duty reported on, one never started, one overdue; done work keeps its status.
    #[test]
    fn after_the_period_unfinished_work_is_lapsed() {
        use crate::{Deadline, Precision, Status};
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("date");
        let period = (d(2018, 5, 1), Some(d(2020, 12, 31)));
        let continuous = [Milestone {
            phrase: "长期坚持".into(),
            deadline: Deadline::Continuous,
        }];
        let dated = [Milestone {
            phrase: "2019年底前".into(),
            deadline: Deadline::By {
                due: d(2019, 12, 31),
                precision: Precision::Month,
            },
        }];
        let going = stored(1, ReportState::InProgress, d(2019, 3, 1), None);
        let done = stored(
            1,
            ReportState::Done,
            d(2019, 6, 1),
            Some(ReviewDecision::Accepted),
        );
        let status = |m: &[Milestone], r: &[Report], as_of| {
            Tracked::assess(m, r, as_of, period, 15).0.status
        };
        // On the last day of the period: still going on, not started, overdue.
        let last = d(2020, 12, 31);
        assert_eq!(
            status(&continuous, std::slice::from_ref(&going), last),
            Status::InProgress
        );
        assert_eq!(status(&continuous, &[], last), Status::NotStarted);
        assert_eq!(status(&dated, &[], last), Status::Overdue);
        // The day after, and half a year on: not finished within the period.
        for as_of in [d(2021, 1, 1), d(2021, 6, 30)] {
            assert_eq!(
                status(&continuous, std::slice::from_ref(&going), as_of),
                Status::Lapsed
            );
            assert_eq!(status(&continuous, &[], as_of), Status::Lapsed);
            assert_eq!(status(&dated, &[], as_of), Status::Lapsed);
            assert_eq!(
                status(&dated, std::slice::from_ref(&done), as_of),
                Status::Done
            );
        }
        // A plan without an end keeps going.
        assert_eq!(
            Tracked::assess(&continuous, &[], d(2021, 6, 30), (period.0, None), 15)
                .0
                .status,
            Status::NotStarted
        );
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
        let status =
            |reports: &[Report]| Tracked::assess(&milestones, reports, as_of, (start, None), 15);

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
        let ok = NewReview::parse(5, "accepted", "  ", "治水办", day, false).expect("accept");
        assert_eq!(
            (ok.decision, ok.reason.as_str()),
            (ReviewDecision::Accepted, "")
        );
        assert!(!ok.accepts_claimed_day);
        let claimed = NewReview::parse(5, "accepted", "", "治水办", day, true).expect("accept");
        assert!(claimed.accepts_claimed_day);
        let back =
            NewReview::parse(5, "returned", " 材料不全 ", "治水办", day, true).expect("return");
        assert_eq!(back.reason, "材料不全");
        assert!(!back.accepts_claimed_day, "only an acceptance counts a day");
        assert_eq!(
            NewReview::parse(5, "returned", " ", "治水办", day, false)
                .unwrap_err()
                .field,
            "reason"
        );
        assert_eq!(
            NewReview::parse(5, "ok", "", "治水办", day, false)
                .unwrap_err()
                .field,
            "decision"
        );
        let long = "长".repeat(NewReview::MAX_REASON + 1);
        assert_eq!(
            NewReview::parse(5, "returned", &long, "治水办", day, false)
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
