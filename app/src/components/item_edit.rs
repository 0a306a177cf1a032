//! The coordinator's edit form on an item page: deadlines, responsible units and targets,
//! prefilled with the current values, saved with a reason.

use crate::components::error_box::ErrorBox;
use crate::editing::EditItem;
use crate::i18n::i18n::td_string;
use crate::i18n::lang;
use leptos::prelude::*;
use sanzhi_domain::{target_line, ItemDetail};

#[component]
pub fn ItemEditView(d: ItemDetail, action: ServerAction<EditItem>) -> impl IntoView {
    let l = lang();
    let deadlines = d
        .item
        .milestones
        .iter()
        .map(|m| m.phrase.clone())
        .collect::<Vec<_>>()
        .join("\n");
    let units = d
        .assignments
        .iter()
        .map(|a| a.unit.clone())
        .collect::<Vec<_>>()
        .join("\n");
    let targets = d
        .targets
        .iter()
        .map(target_line)
        .collect::<Vec<_>>()
        .join("\n");
    let rows = |s: &str| (s.lines().count() + 1).clamp(2, 12).to_string();
    view! {
        <details class="card item-edit">
            <summary>{td_string!(l, editing.title)}</summary>
            <p class="muted">{td_string!(l, editing.intro)}</p>
            <ActionForm action>
                <input type="hidden" name="form[plan]" value=d.plan.code.to_string() />
                <input type="hidden" name="form[number]" value=d.item.number.to_string() />
                <label>
                    {td_string!(l, editing.deadlines)}
                    <textarea name="form[deadlines]" rows=rows(&deadlines)>{deadlines.clone()}</textarea>
                </label>
                <label>
                    {td_string!(l, editing.units)}
                    <textarea name="form[units]" rows=rows(&units)>{units.clone()}</textarea>
                </label>
                <label>
                    {td_string!(l, editing.targets)}
                    <textarea name="form[targets]" rows=rows(&targets)>{targets.clone()}</textarea>
                </label>
                <label>
                    {td_string!(l, editing.reason)}
                    <input name="form[reason]" required=true maxlength="500" />
                </label>
                <button type="submit">{td_string!(l, editing.save)}</button>
            </ActionForm>
            <div class="edit-result" aria-live="polite">
                {move || {
                    action
                        .value()
                        .get()
                        .map(|r| match r {
                            Ok(()) => view! { <p class="ok">{td_string!(l, editing.saved)}</p> }.into_any(),
                            Err(error) => view! { <ErrorBox error /> }.into_any(),
                        })
                }}
            </div>
        </details>
    }
}
