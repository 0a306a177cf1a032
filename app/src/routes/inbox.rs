//! `/inbox` — 消息: the unit's daily reminders, newest first, unread ones marked; a unit's
//! accounts mark them read. Coordinators and admins may choose a unit (`?unit=`) to see what it
//! was told.

use crate::components::error_box::ErrorBox;
use crate::i18n::i18n::td_string;
use crate::i18n::{date, fmt, lang, Locale};
use crate::remind::{get_inbox, InboxEntry, MarkInboxRead};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn InboxPage() -> impl IntoView {
    let l = lang();
    let query = use_query_map();
    let unit = Memo::new(move |_| query.read().get("unit").filter(|s| !s.is_empty()));
    let mark = ServerAction::<MarkInboxRead>::new();
    let inbox = Resource::new(
        move || (unit.get(), mark.version().get()),
        |(unit, _)| get_inbox(unit),
    );
    view! {
        <Title text=td_string!(l, remind.inbox) />
        <h1>{td_string!(l, remind.inbox_title)}</h1>
        <p class="muted">{td_string!(l, remind.inbox_hint)}</p>
        <Suspense fallback=move || view! { <p class="loading">{td_string!(l, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match inbox.await {
                    Err(error) => view! { <ErrorBox error /> }.into_any(),
                    Ok(inbox) => {
                        let chooser = (!inbox.units.is_empty()).then(|| {
                            let chosen = inbox.unit.clone().unwrap_or_default();
                            view! {
                                <form method="get" class="unit-chooser">
                                    <label>
                                        {td_string!(l, remind.hook_unit)}
                                        <select name="unit">
                                            <option value="">{td_string!(l, tracking.choose_unit_option)}</option>
                                            {inbox
                                                .units
                                                .iter()
                                                .map(|u| view! { <option value=u.clone() selected=*u == chosen>{u.clone()}</option> })
                                                .collect_view()}
                                        </select>
                                    </label>
                                    <button type="submit">{td_string!(l, common.view)}</button>
                                </form>
                            }
                        });
                        let Some(name) = inbox.unit.clone() else {
                            return view! {
                                {chooser}
                                <p class="empty">{td_string!(l, remind.inbox_no_unit)}</p>
                            }
                                .into_any();
                        };
                        let own = inbox.own;
                        view! {
                            {chooser}
                            <h2>{fmt(td_string!(l, remind.inbox_of), &[&name])}</h2>
                            {(own && inbox.unread > 0)
                                .then(|| view! {
                                    <ActionForm action=mark attr:class="mark-all">
                                        <span class="unread-count">{fmt(td_string!(l, remind.unread_n), &[&inbox.unread])}</span>
                                        <button type="submit">{td_string!(l, remind.mark_all_read)}</button>
                                    </ActionForm>
                                })}
                            {move || mark.value().get().and_then(Result::err).map(|error| view! { <ErrorBox error /> })}
                            {if inbox.entries.is_empty() {
                                view! { <p class="empty">{td_string!(l, remind.inbox_empty)}</p> }.into_any()
                            } else {
                                view! {
                                    <ol class="inbox">
                                        {inbox
                                            .entries
                                            .into_iter()
                                            .map(|e| view! { <DigestCard entry=e own mark /> })
                                            .collect_view()}
                                    </ol>
                                }
                                    .into_any()
                            }}
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn DigestCard(entry: InboxEntry, own: bool, mark: ServerAction<MarkInboxRead>) -> impl IntoView {
    let l = lang();
    let en = l == Locale::en;
    let read = entry.read;
    let id = entry.id;
    view! {
        <li class=if read { "digest card" } else { "digest card unread" } data-digest=id>
            <h3>
                {(!read).then(|| view! { <span class="unread-dot">{td_string!(l, remind.unread)}</span> })}
                {entry.is_demo.then(|| view! { <span class="demo-tag">{td_string!(l, remind.demo_digest)}</span> })}
                <time datetime=entry.digest.day.to_string()>{date(l, entry.digest.day)}</time>
                " "
                // The stored title is the Chinese one the channels sent; English is made anew.
                {if en { entry.digest.title_en() } else { entry.title.clone() }}
            </h3>
            {entry
                .digest
                .sections()
                .into_iter()
                .map(|(section, lines)| {
                    view! {
                        <h4>{section.title(en)}</h4>
                        <ul>
                            {lines
                                .into_iter()
                                .map(|line| {
                                    let item = line.item();
                                    view! {
                                        <li>
                                            <a href=item.href()>{item.label_zh()}</a>
                                            {if en { ": " } else { "：" }}
                                            {line.what(en)}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                })
                .collect_view()}
            {(own && !read)
                .then(|| view! {
                    <ActionForm action=mark attr:class="mark-one">
                        <input type="hidden" name="digest" value=id />
                        <button type="submit" class="secondary">{td_string!(l, remind.mark_read)}</button>
                    </ActionForm>
                })}
        </li>
    }
}
