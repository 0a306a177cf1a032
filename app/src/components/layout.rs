//! The frame around every page: header, navigation and the hydration marker.

use crate::components::status::keep_as_of;
use crate::i18n::i18n::td_string;
use crate::i18n::{lang, LanguageToggle, Locale};
use leptos::prelude::*;
use leptos_router::components::A;

/// The navigation entries after 总览 and the plans, in order: (path, label).
pub fn nav(l: Locale) -> [(&'static str, &'static str); 5] {
    [
        ("/my", td_string!(l, common.nav_my)),
        ("/review", td_string!(l, common.nav_review)),
        ("/timeline", td_string!(l, common.nav_timeline)),
        ("/indicators", td_string!(l, common.nav_indicators)),
        ("/readings", td_string!(l, common.nav_readings)),
    ]
}

/// The plans' links: one per active plan, or one link to the list of plans when there are
/// more than [`crate::api::NAV_PLANS_MAX`] (a province's 31 plans would crowd the bar).
pub fn plan_links(
    l: Locale,
    plans: Vec<(String, sanzhi_domain::PlanLabel)>,
) -> Vec<(String, String)> {
    if plans.len() > crate::api::NAV_PLANS_MAX {
        return vec![(
            "/plans".to_owned(),
            crate::i18n::fmt(td_string!(l, common.nav_plans_n), &[&plans.len()]),
        )];
    }
    plans
        .into_iter()
        .map(|(code, name)| {
            (
                format!("/plans/{code}"),
                name.get(l == Locale::en).to_owned(),
            )
        })
        .collect()
}

/// Marks the page hydrated: `data-hydrated="true"` on the app's root element.
#[cfg(feature = "hydrate")]
pub fn mark_hydrated() {
    if let Some(app) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(".app").ok().flatten())
    {
        let _ = app.set_attribute("data-hydrated", "true");
    }
}

/// Header with the product name and navigation, then the page.
///
/// `data-hydrated` turns `true` once the browser bundle has taken over the whole
/// server-rendered page (set by the bundle's entry point through [`mark_hydrated`]); the
/// browser tests wait for it.
#[component]
pub fn Layout(
    /// The page to show below the header.
    children: Children,
) -> impl IntoView {
    let as_of = crate::components::status::as_of_param();
    let l = lang();
    // The stored plans, not a list written here: any plan an office imports and puts into
    // effect shows up (nothing for a visitor not signed in).
    let plans = Resource::new(|| (), |_| crate::api::nav_plans());
    view! {
        <div class="app" data-hydrated="false">
            <header class="site-header">
                <a class="brand" href="/">
                    <span class="brand-mark">{td_string!(l, common.product_short)}</span>
                    <span class="brand-text">{td_string!(l, common.brand_text)}</span>
                </a>
                <nav class="site-nav" aria-label=td_string!(l, common.main_nav)>
                    {move || {
                        let href = keep_as_of("/", as_of.get().as_deref());
                        view! { <A href=href exact=true>{td_string!(l, common.nav_overview)}</A> }
                    }}
                    <Suspense>
                        {move || Suspend::new(async move {
                            let plans = plans.await.unwrap_or_default();
                            let keep = as_of.get();
                            plan_links(l, plans)
                                .into_iter()
                                .map(|(href, label)| {
                                    let href = keep_as_of(&href, keep.as_deref());
                                    view! { <A href=href exact=true>{label}</A> }
                                })
                                .collect_view()
                        })}
                    </Suspense>
                    {move || {
                        let keep = as_of.get();
                        nav(l).into_iter()
                            .map(|(href, label)| {
                                let href = keep_as_of(href, keep.as_deref());
                                view! { <A href=href exact=true>{label}</A> }
                            })
                            .collect_view()
                    }}
                </nav>
            </header>
            <UserBox />
            <main class="page">{children()}</main>
            <footer class="site-footer">{td_string!(l, common.footer_source)}</footer>
        </div>
    }
}

/// Who is signed in, with a sign-out button; nothing when nobody is. Rendered in the browser
/// only (a local resource): the server never waits for it while rendering a page.
#[component]
fn UserBox() -> impl IntoView {
    let me = LocalResource::new(crate::auth::whoami);
    // Asked only for a signed-in account of a unit (anyone else has no inbox, and an anonymous
    // visitor's request would be refused).
    let unread = LocalResource::new(move || async move {
        match me.await {
            Ok(Some(u)) if u.unit.is_some() => crate::remind::unread_count().await,
            _ => Ok(0),
        }
    });
    let l = lang();
    let sign_out = move |_| {
        leptos::task::spawn_local(async move {
            let _ = crate::auth::logout().await;
            #[cfg(feature = "hydrate")]
            if let Some(w) = web_sys::window() {
                let _ = w.location().set_href("/login");
            }
        });
    };
    view! {
        <div class="user-box">
            <LanguageToggle />
            {move || {
                me.get()
                    .and_then(Result::ok)
                    .flatten()
                    .map(|user| {
                        view! {
                            <a class="who" href="/account" title=td_string!(l, accounts.my_account)>
                                {crate::i18n::describe_user(l, &user)}
                            </a>
                            {user
                                .is_demo
                                .then(|| view! { <span class="demo-tag">{td_string!(l, common.demo_account)}</span> })}
                            {user.unit.is_some().then(|| view! {
                                <a class="inbox-link" href="/inbox">
                                    {td_string!(l, common.nav_inbox)}
                                    {move || {
                                        unread
                                            .get()
                                            .and_then(Result::ok)
                                            .filter(|n| *n > 0)
                                            .map(|n| view! { <span class="badge unread-badge">{n}</span> })
                                    }}
                                </a>
                            })}
                            {matches!(user.role, sanzhi_domain::Role::Admin | sanzhi_domain::Role::Coordinator)
                                .then(|| view! { <a href="/inbox">{td_string!(l, common.nav_inbox)}</a> <a href="/reminders">{td_string!(l, common.nav_reminders)}</a> })}
                            {matches!(user.role, sanzhi_domain::Role::Admin | sanzhi_domain::Role::Coordinator)
                                .then(|| view! { <a href="/admin/import">{td_string!(l, common.import)}</a> })}
                            {(user.role == sanzhi_domain::Role::Admin)
                                .then(|| view! {
                                    <a href="/admin/accounts">{td_string!(l, common.accounts)}</a>

                                    <a href="/admin/audit">{td_string!(l, common.audit_log)}</a>
                                })}
                            <button type="button" class="sign-out" on:click=sign_out>
                                {td_string!(l, common.sign_out)}
                            </button>
                        }
                    })
            }}
        </div>
    }
}
