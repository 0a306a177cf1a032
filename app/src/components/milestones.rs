//! Deadlines as the source writes them, with what they were read as.

use leptos::prelude::*;
use sanzhi_domain::{Deadline, Milestone};

/// A compact list: “6月底前 → 2018-06-30”. Items with no deadline say so.
#[component]
pub fn MilestoneList(
    /// The item's milestones, in the order of its text.
    milestones: Vec<Milestone>,
) -> impl IntoView {
    if milestones.is_empty() {
        return view! { <span class="muted">"未写明时限"</span> }.into_any();
    }
    view! {
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
                    };
                    view! {
                        <li class=class>
                            <span class="phrase">{m.phrase}</span>
                            " → "
                            <span class="reading">{m.deadline.describe_zh()}</span>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}
