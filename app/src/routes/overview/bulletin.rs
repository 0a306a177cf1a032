//! The month's 通报 on 总览: a closed month's record and download, or the form that closes it.

use super::*;

/// A closed month: who closed it, its 文号, the .docx, and what came after it (通报后更正).
/// An open month that is over: the form that closes it (coordinators and admins; the server
/// checks again).
#[component]
pub(super) fn BulletinBanner(o: Overview) -> impl IntoView {
    let l = lang();
    let month = o.month.clone();
    match o.bulletin.clone() {
        Some(b) => view! {
            <section class="card bulletin closed" role="note">
                <p>
                    <strong>{td_string!(l, overview.bulletin_closed)}</strong>
                    " "
                    {fmt(td_string!(l, overview.bulletin_closed_by), &[&b.doc_no, &b.closed_by, &b.closed_at])}
                    {b.is_demo.then(|| view! { " " <span class="demo-tag">{td_string!(l, overview.bulletin_demo)}</span> })}
                </p>
                <p class="no-print">
                    <a class="button-link" href=format!("/api/bulletins/{month}.docx") rel="external" download="">
                        {td_string!(l, overview.bulletin_docx)}
                    </a>
                </p>
                {(!o.corrections.is_empty()).then(|| view! {
                    <div class="corrections">
                        <h3>{fmt(td_string!(l, overview.corrections_heading), &[&o.corrections.len()])}</h3>
                        <p class="muted">{td_string!(l, overview.corrections_hint)}</p>
                        <ul>
                            {o.corrections
                                .iter()
                                .map(|c| {
                                    let when = sanzhi_domain::report::china_minute(c.at);
                                    view! {
                                        <li class=format!("correction correction-{}", c.kind)>
                                            {match c.href.clone() {
                                                Some(h) => view! { <a href=h>{c.what.clone()}</a> }.into_any(),
                                                None => view! { <span>{c.what.clone()}</span> }.into_any(),
                                            }}
                                            " · " {c.by.clone()} " · " <time>{when}</time>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    </div>
                })}
            </section>
        }
            .into_any(),
        None => view! { <CloseMonthForm month /> }.into_any(),
    }
}

#[component]
fn CloseMonthForm(month: String) -> impl IntoView {
    let l = lang();
    // Who may close is asked in the browser once the page is live: the page is kept for every
    // reader alike, and a resource read here would hold the server's rendering of the page
    // (a local resource inside the page's Suspense is never resolved on the server).
    let may_close = RwSignal::new(false);
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            let may = crate::auth::whoami().await.ok().flatten().is_some_and(|u| {
                sanzhi_domain::authorize(Some(&u), &sanzhi_domain::Action::CloseMonth).is_ok()
            });
            may_close.set(may);
        });
    });
    let close = ServerAction::<crate::overview::CloseMonth>::new();
    view! {
        {move || {
            let may = may_close.get();
            let month = month.clone();
            may.then(|| view! {
                <details class="card close-month no-print">
                    <summary>{td_string!(l, overview.close_month)}</summary>
                    <p class="muted">{td_string!(l, overview.close_month_hint)}</p>
                    <ActionForm action=close>
                        <input type="hidden" name="month" value=month />
                        <label>
                            {td_string!(l, overview.doc_no)}
                            <input type="text" name="doc_no" required=true maxlength="60" placeholder="衢三治办〔2019〕1号" />
                        </label>
                        <button type="submit">{td_string!(l, overview.close_month)}</button>
                    </ActionForm>
                </details>
            })
        }}
        <div class="close-result" aria-live="polite">
            {move || close.value().get().map(|r| match r {
                Ok(_) => view! { <p class="ok">{td_string!(l, overview.month_closed)}</p> }.into_any(),
                Err(error) => view! { <ErrorBox error /> }.into_any(),
            })}
        </div>
    }
}
