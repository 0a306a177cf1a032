//! Deadlines as the source writes them, with what they were read as.

use crate::i18n::i18n::td_string;
use crate::i18n::{date, fmt, lang, Locale};
use leptos::prelude::*;
use sanzhi_domain::{Deadline, Milestone, Recurrence};

/// A compact list: “6月底前 → 2018-06-30”. Items with no deadline say so.
#[component]
pub fn MilestoneList(
    /// The item's milestones, in the order of its text.
    milestones: Vec<Milestone>,
) -> impl IntoView {
    let l = lang();
    if milestones.is_empty() {
        return view! { <span class="muted">{td_string!(l, tracking.no_deadline)}</span> }
            .into_any();
    }
    let unconfirmed = milestones
        .iter()
        .any(|m| matches!(m.deadline, Deadline::Unconfirmed { .. }));
    view! {
        {unconfirmed.then(|| view! {
            <p class="unconfirmed-note" title=td_string!(l, tracking.unconfirmed_hint)>
                <span class="badge unconfirmed">{td_string!(l, tracking.unconfirmed_badge)}</span>
            </p>
        })}
        <ul class="milestones">
            {milestones
                .into_iter()
                .map(|m| {
                    let class = match m.deadline {
                        Deadline::By { .. } => "ms ms-by",
                        Deadline::From { .. } => "ms ms-from",
                        Deadline::Recurring { .. } => "ms ms-recurring",
                        Deadline::Continuous => "ms ms-continuous",
                        Deadline::EventRelative { .. } => "ms ms-event",
                        Deadline::Contingent { .. } => "ms ms-contingent",
                        Deadline::Unconfirmed { .. } => "ms ms-unconfirmed",
                    };
                    view! {
                        <li class=class>
                            <span class="phrase">{m.phrase}</span>
                            " → "
                            <span class="reading">{describe(l, &m.deadline)}</span>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

/// What a deadline was read as, in the page's language (in Chinese the same text as
/// `Deadline::describe_zh`): “2018-06-30”, “自2018-07-01起”, “每月（自2018-07-01）”, …
pub fn describe(l: Locale, d: &Deadline) -> String {
    match d {
        Deadline::By { due, .. } => date(l, *due),
        Deadline::From { from, .. } => {
            fmt(td_string!(l, tracking.deadline_from), &[&date(l, *from)])
        }
        Deadline::Recurring { every, from } => match from {
            Some(f) => fmt(
                td_string!(l, tracking.deadline_recurring_from),
                &[&recurrence(l, *every), &date(l, *f)],
            ),
            None => recurrence(l, *every).to_owned(),
        },
        Deadline::Continuous => td_string!(l, tracking.deadline_continuous).to_owned(),
        Deadline::EventRelative {
            event,
            within: None,
        } => fmt(td_string!(l, tracking.deadline_event), &[event]),
        Deadline::EventRelative {
            event,
            within: Some(w),
        } => {
            let within = match l {
                Locale::en => w.describe_en(),
                _ => w.describe_zh(),
            };
            fmt(
                td_string!(l, tracking.deadline_event_within),
                &[event, &within],
            )
        }
        Deadline::Contingent { on } => fmt(td_string!(l, tracking.deadline_contingent), &[on]),
        Deadline::Unconfirmed { .. } => td_string!(l, tracking.deadline_unconfirmed).to_owned(),
    }
}

/// How often a recurring duty falls due: 每月 / Monthly.
fn recurrence(l: Locale, r: Recurrence) -> &'static str {
    match r {
        Recurrence::Weekly => td_string!(l, tracking.recurrence_weekly),
        Recurrence::Monthly => td_string!(l, tracking.recurrence_monthly),
        Recurrence::Quarterly => td_string!(l, tracking.recurrence_quarterly),
        Recurrence::HalfYearly => td_string!(l, tracking.recurrence_half_yearly),
        Recurrence::Yearly => td_string!(l, tracking.recurrence_yearly),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sanzhi_domain::chrono::NaiveDate;
    use sanzhi_domain::Precision;

    /// In Chinese the catalogue reads a deadline exactly as the domain does.
    #[test]
    fn i18n_deadline_reading_in_chinese_is_describe_zh() {
        let d = NaiveDate::from_ymd_opt(2018, 7, 1).expect("date");
        let cases = [
            Deadline::By {
                due: d,
                precision: Precision::Day,
            },
            Deadline::From {
                from: d,
                precision: Precision::Day,
            },
            Deadline::Recurring {
                every: Recurrence::Monthly,
                from: Some(d),
            },
            Deadline::Recurring {
                every: Recurrence::HalfYearly,
                from: None,
            },
            Deadline::Continuous,
            Deadline::EventRelative {
                event: "投运前".to_owned(),
                within: None,
            },
            Deadline::EventRelative {
                event: "文件印发".to_owned(),
                within: Some(sanzhi_domain::Within::WorkingDays(5)),
            },
            Deadline::EventRelative {
                event: "会议召开".to_owned(),
                within: Some(sanzhi_domain::Within::Promptly),
            },
            Deadline::Contingent {
                on: "省里统一部署".to_owned(),
            },
            Deadline::Unconfirmed {
                reason: "无法识别".to_owned(),
            },
        ];
        for c in &cases {
            assert_eq!(describe(Locale::zh, c), c.describe_zh());
        }
        assert_eq!(describe(Locale::en, &cases[1]), "from 1 Jul 2018");
        assert_eq!(
            describe(Locale::en, &cases[6]),
            "within 5 working days after “文件印发”"
        );
    }
}
