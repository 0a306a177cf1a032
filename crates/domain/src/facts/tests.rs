use super::*;
use crate::{parse_deadline, Review, ReviewDecision, Tracked};
use chrono::{DateTime, Days, Utc};

use crate::rng::SplitMix64 as Rng;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// Noon China time on `day` plus `late` days: when a report or review was recorded.
fn at(day: NaiveDate, late: u64) -> DateTime<Utc> {
    (day + Days::new(late))
        .and_hms_opt(4, 0, 0)
        .unwrap()
        .and_utc()
}

const PHRASES: [&str; 8] = [
    "6月底前",
    "年底前",
    "2019年6月底前",
    "每月",
    "每季度",
    "每周",
    "及时",
    "2020年底前",
];

fn milestones(rng: &mut Rng) -> Vec<Milestone> {
    let n = rng.below(4);
    (0..n)
        .map(|_| {
            let phrase = PHRASES[rng.below(PHRASES.len() as u64) as usize];
            Milestone {
                phrase: phrase.to_owned(),
                deadline: parse_deadline(phrase, 2018).unwrap(),
            }
        })
        .collect()
}

/// A random history of one assignment: reports in version order, each claiming a day on or
/// after the previous one's, recorded the same day or later (some as 补报), some done (for
/// the whole or a milestone), some reviewed (accepted, with or without the claimed day, or
/// returned) on a later day.
fn reports(rng: &mut Rng, milestones: usize) -> Vec<Report> {
    let mut out = Vec::new();
    let mut day = d(2018, 6, 1) + Days::new(rng.below(60));
    for version in 1..=rng.below(9) as i32 {
        day = day + Days::new(rng.below(70));
        let late = if rng.below(4) == 0 {
            8 + rng.below(40)
        } else {
            rng.below(3)
        };
        let done = rng.below(3) == 0;
        let milestone_seq = (done && milestones > 0 && rng.below(2) == 0)
            .then(|| rng.below(milestones as u64) as i32 + 1);
        let id = i64::from(version) * 10;
        let created_at = at(day, late);
        let review = (done && rng.below(3) > 0).then(|| {
            let on = day + Days::new(late + rng.below(30));
            Review {
                id: id + 1,
                report_id: id,
                decision: if rng.below(3) == 0 {
                    ReviewDecision::Returned
                } else {
                    ReviewDecision::Accepted
                },
                reason: String::new(),
                reviewer: "协调员".into(),
                reviewed_on: on,
                is_demo: false,
                created_at: at(on, rng.below(2)),
                accepts_claimed_day: rng.below(2) == 0,
            }
        });
        out.push(Report {
            id,
            assignment_id: 1,
            version,
            state: if done {
                ReportState::Done
            } else {
                ReportState::InProgress
            },
            milestone_seq,
            reported_on: day,
            achieved: None,
            narrative: String::new(),
            evidence: vec![],
            reporter: "单位".into(),
            corrects_id: None,
            is_demo: false,
            created_at,
            late_filed: late > 7,
            review,
        });
    }
    out
}

/// The facts a span history gives for `day`: the span holding it, or none before the first.
fn facts_on(spans: &[FactSpan], day: NaiveDate) -> StatusFacts {
    spans
        .iter()
        .find(|s| s.valid_from <= day && s.valid_until.is_none_or(|u| u > day))
        .map(|s| s.facts.clone())
        .unwrap_or_default()
}

#[test]
fn the_facts_of_a_day_give_what_the_reports_give_on_random_histories() {
    let mut rng = Rng(26);
    let period = (d(2018, 6, 1), Some(d(2020, 12, 31)));
    let mut compared = 0;
    let mut seen_statuses = crate::StatusCounts::default();
    for _ in 0..3000 {
        let ms = milestones(&mut rng);
        let all = reports(&mut rng, ms.len());
        let spans = history(&all);
        // Spans are ordered, do not overlap and only the last is open.
        for w in spans.windows(2) {
            assert_eq!(w[0].valid_until, Some(w[1].valid_from));
            assert_ne!(w[0].facts, w[1].facts);
        }
        assert!(spans.last().is_none_or(|s| s.valid_until.is_none()));
        for _ in 0..12 {
            let day = d(2018, 5, 1) + Days::new(rng.below(1100));
            let seen: Vec<Report> = all.iter().filter_map(|r| r.as_of(day)).collect();
            let (want, awaiting, returned) =
                Tracked::assess(&ms, &seen, day, period, crate::status::DUE_SOON_DAYS);
            let f = facts_on(&spans, day);
            assert_eq!(f, facts_of(&seen), "{day}: {all:#?}");
            let got = assess_facts(&ms, &f, day, period, crate::status::DUE_SOON_DAYS);
            assert_eq!(got, want, "{day}: {ms:?} {all:#?}");
            seen_statuses.add(got.status);
            assert_eq!(f.awaiting_review, awaiting);
            assert_eq!(f.returned_report, returned.map(|r| r.id));
            assert_eq!(f.report_count as usize, seen.len());
            assert_eq!(f.last_reported_on, seen.last().map(|r| r.reported_on));
            compared += 1;
        }
    }
    assert_eq!(compared, 36_000);
    // The histories reach every status (a comparison of only 未启动 would prove little).
    for s in crate::Status::ALL {
        assert!(seen_statuses.get(s) > 100, "{s:?}: {seen_statuses:?}");
    }
}

#[test]
fn a_late_acceptance_of_the_claimed_day_moves_a_done_day_back() {
    // A 补报 claiming 06-20, recorded 07-15, accepted on 07-20 with its claimed day: until
    // 07-20 it counts (as progress) from 07-15; from 07-20 it is done from 06-20.
    let review = Review {
        id: 2,
        report_id: 1,
        decision: ReviewDecision::Accepted,
        reason: String::new(),
        reviewer: "协调员".into(),
        reviewed_on: d(2018, 7, 20),
        is_demo: false,
        created_at: at(d(2018, 7, 20), 0),
        accepts_claimed_day: true,
    };
    let r = Report {
        id: 1,
        assignment_id: 1,
        version: 1,
        state: ReportState::Done,
        milestone_seq: None,
        reported_on: d(2018, 6, 20),
        achieved: None,
        narrative: String::new(),
        evidence: vec![],
        reporter: "单位".into(),
        corrects_id: None,
        is_demo: false,
        created_at: at(d(2018, 7, 15), 0),
        late_filed: true,
        review: Some(review),
    };
    let spans = history(&[r]);
    assert_eq!(spans.len(), 2);
    assert_eq!(
        (spans[0].valid_from, spans[0].valid_until),
        (d(2018, 7, 15), Some(d(2018, 7, 20)))
    );
    assert_eq!(spans[0].facts.days, vec![d(2018, 7, 15)]);
    assert!(spans[0].facts.awaiting_review);
    assert_eq!(spans[1].facts.whole_done, Some(d(2018, 6, 20)));
    assert_eq!(spans[1].facts.days, vec![d(2018, 6, 20)]);
    assert!(!spans[1].facts.awaiting_review);
}

#[test]
fn stored_text_reads_back() {
    let days = vec![d(2018, 6, 1), d(2019, 12, 31)];
    assert_eq!(decode_days(&encode_days(&days)), Some(days));
    assert_eq!(decode_days(""), Some(vec![]));
    assert_eq!(decode_days("x"), None);
    let ms = vec![(1, d(2018, 6, 30)), (3, d(2020, 1, 2))];
    assert_eq!(decode_milestones(&encode_milestones(&ms)), Some(ms));
    assert_eq!(decode_milestones(""), Some(vec![]));
    assert_eq!(decode_milestones("1"), None);
}
