//! Status facts: the compact summary of an assignment's reports that its status is computed
//! from. The store keeps them in the transaction of every write that changes them (a report,
//! a review, demo data loaded or cleared), with their history — each set of facts holds from
//! the day its newest report or review became visible to a replay until the next one — so
//! that any day's statuses are one read of one row per assignment, not a replay of every
//! report. Statuses are still computed, never stored: the facts plus the as-of day and the
//! deadlines in force give the status ([`assess_facts`]), so "overdue today" moves with the
//! date, not with a write.
//!
//! [`history`] and [`assess_facts`] together give exactly what [`crate::Tracked::assess`]
//! gives from the reports themselves (unit tests below; the store's property test compares
//! the two on random histories on both backends).

use crate::{Assessment, Milestone, Report, ReportFact, ReportState};
use chrono::NaiveDate;

/// What an assignment's reports, as a replay of one day sees them, contribute to its status.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatusFacts {
    /// Reports made (and speaking for a day) by then.
    pub report_count: i32,
    /// The first day an accepted done report for the whole assignment counts from.
    pub whole_done: Option<NaiveDate>,
    /// Per milestone (1-based), the first day an accepted done report for it counts from;
    /// by milestone.
    pub milestone_done: Vec<(i32, NaiveDate)>,
    /// Every day a report counts on (done or not, accepted or not), distinct, ascending: what
    /// the periods of a recurring duty are checked against.
    pub days: Vec<NaiveDate>,
    /// A done report no one has reviewed yet.
    pub awaiting_review: bool,
    /// The newest report, when the coordinator returned it.
    pub returned_report: Option<i64>,
    /// The newest report's claimed day, and whether it was a 补报.
    pub last_reported_on: Option<NaiveDate>,
    pub last_late_filed: bool,
}

/// Facts of `reports` as a replay of one day sees them (each report already filtered with
/// [`Report::as_of`]).
pub fn facts_of(reports: &[Report]) -> StatusFacts {
    let mut f = StatusFacts {
        report_count: i32::try_from(reports.len()).unwrap_or(i32::MAX),
        ..StatusFacts::default()
    };
    for r in reports {
        let fact = r.fact();
        f.days.push(fact.on);
        if fact.state == ReportState::Done {
            match fact.milestone {
                None => f.whole_done = Some(f.whole_done.map_or(fact.on, |d| d.min(fact.on))),
                Some(seq) => match f.milestone_done.iter_mut().find(|(s, _)| *s == seq) {
                    Some((_, d)) => *d = (*d).min(fact.on),
                    None => f.milestone_done.push((seq, fact.on)),
                },
            }
        }
        f.awaiting_review |= r.awaits_review();
    }
    f.days.sort_unstable();
    f.days.dedup();
    f.milestone_done.sort_unstable();
    if let Some(newest) = reports.iter().max_by_key(|r| r.version) {
        f.returned_report = newest.was_returned().then_some(newest.id);
        f.last_reported_on = Some(newest.reported_on);
        f.last_late_filed = newest.late_filed;
    }
    f
}

/// The day a replay first sees the report, and the day it first sees its review.
fn visible_from(r: &Report) -> (NaiveDate, Option<NaiveDate>) {
    let seen = r.reported_on.max(r.recorded_on());
    let review = r
        .review
        .as_ref()
        .map(|v| v.reviewed_on.max(v.recorded_on()).max(seen));
    (seen, review)
}

/// One span of an assignment's facts: they hold from `valid_from` up to the day before
/// `valid_until` (`None`: still).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactSpan {
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub facts: StatusFacts,
}

/// The history of one assignment's facts from all its reports (with their reviews): a span
/// from each day something new became visible to a replay, consecutive equal facts merged.
/// Before the first span the assignment has no report (empty facts).
pub fn history(reports: &[Report]) -> Vec<FactSpan> {
    let mut days: Vec<NaiveDate> = Vec::with_capacity(reports.len() * 2);
    for r in reports {
        let (seen, review) = visible_from(r);
        days.push(seen);
        days.extend(review);
    }
    days.sort_unstable();
    days.dedup();
    let mut spans: Vec<FactSpan> = Vec::with_capacity(days.len());
    for day in days {
        let seen: Vec<Report> = reports.iter().filter_map(|r| r.as_of(day)).collect();
        let facts = facts_of(&seen);
        if spans.last().is_some_and(|s| s.facts == facts) {
            continue;
        }
        if let Some(last) = spans.last_mut() {
            last.valid_until = Some(day);
        }
        spans.push(FactSpan {
            valid_from: day,
            valid_until: None,
            facts,
        });
    }
    spans
}

/// The assessment of an assignment on `as_of` from its facts of that day and the deadlines in
/// force: what [`crate::Tracked::assess`] gives from the reports themselves.
pub fn assess_facts(
    milestones: &[Milestone],
    facts: &StatusFacts,
    as_of: NaiveDate,
    period: (NaiveDate, Option<NaiveDate>),
    due_soon_days: i64,
) -> Assessment {
    let (start, end) = period;
    // The reports reduced to what `assess` looks at: the first done day of the whole and of
    // each milestone, and one progress fact per day a report counts on.
    let done = |milestone, on| ReportFact {
        on,
        state: ReportState::Done,
        milestone,
    };
    let mut reports: Vec<ReportFact> = Vec::with_capacity(facts.days.len() + 4);
    reports.extend(facts.whole_done.map(|on| done(None, on)));
    reports.extend(
        facts
            .milestone_done
            .iter()
            .map(|&(seq, on)| done(Some(seq), on)),
    );
    reports.extend(facts.days.iter().map(|&on| ReportFact {
        on,
        state: ReportState::InProgress,
        milestone: None,
    }));
    let deadlines: Vec<_> = milestones.iter().map(|m| m.deadline.clone()).collect();
    let mut a = crate::assess(&deadlines, &reports, as_of, start, due_soon_days);
    a.status = a.status.after_period(as_of, end);
    a
}

/// Days as stored: days since the Common Era's first, in a comma-separated list.
pub fn encode_days(days: &[NaiveDate]) -> String {
    use chrono::Datelike;
    let mut out = String::with_capacity(days.len() * 7);
    for (i, d) in days.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&d.num_days_from_ce().to_string());
    }
    out
}

/// Reads [`encode_days`]' text back; `None` for text it did not write.
pub fn decode_days(s: &str) -> Option<Vec<NaiveDate>> {
    if s.is_empty() {
        return Some(Vec::new());
    }
    s.split(',')
        .map(|n| NaiveDate::from_num_days_from_ce_opt(n.parse().ok()?))
        .collect()
}

/// Milestones met as stored: `seq:day` pairs, comma-separated (days as in [`encode_days`]).
pub fn encode_milestones(done: &[(i32, NaiveDate)]) -> String {
    use chrono::Datelike;
    done.iter()
        .map(|(seq, d)| format!("{seq}:{}", d.num_days_from_ce()))
        .collect::<Vec<_>>()
        .join(",")
}

/// Reads [`encode_milestones`]' text back; `None` for text it did not write.
pub fn decode_milestones(s: &str) -> Option<Vec<(i32, NaiveDate)>> {
    if s.is_empty() {
        return Some(Vec::new());
    }
    s.split(',')
        .map(|pair| {
            let (seq, day) = pair.split_once(':')?;
            Some((
                seq.parse().ok()?,
                NaiveDate::from_num_days_from_ce_opt(day.parse().ok()?)?,
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests;
