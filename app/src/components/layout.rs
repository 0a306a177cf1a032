//! The frame around every page: header, navigation and the hydration marker.

use crate::components::status::keep_as_of;
use leptos::prelude::*;
use leptos_router::components::A;

/// The navigation entries, in order: (path, label).
pub const NAV: [(&str, &str); 9] = [
    ("/", "总览"),
    ("/plans/water", "治水"),
    ("/plans/air", "治气"),
    ("/plans/soil", "治土"),
    ("/my", "我的任务"),
    ("/review", "签收"),
    ("/timeline", "时间轴"),
    ("/indicators", "指标"),
    ("/readings", "读数"),
];

/// Header with the product name and navigation, then the page.
///
/// `data-hydrated` turns `true` once the browser bundle has taken over the server-rendered
/// page; the browser tests wait for it.
#[component]
pub fn Layout(
    /// The page to show below the header.
    children: Children,
) -> impl IntoView {
    let as_of = crate::components::status::as_of_param();
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    view! {
        <div class="app" data-hydrated=move || if hydrated.get() { "true" } else { "false" }>
            <header class="site-header">
                <a class="brand" href="/">
                    <span class="brand-mark">"三治"</span>
                    <span class="brand-text">"衢州市治水 · 治气 · 治土行动"</span>
                </a>
                <nav class="site-nav" aria-label="主导航">
                    {move || {
                        let keep = as_of.get();
                        NAV.into_iter()
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
            <footer class="site-footer">
                "数据来源：衢州市人民政府办公室 衢政办发〔2018〕43号"
            </footer>
        </div>
    }
}

/// Who is signed in, with a sign-out button; nothing when nobody is. Rendered in the browser
/// only (a local resource): the server never waits for it while rendering a page.
#[component]
fn UserBox() -> impl IntoView {
    let me = LocalResource::new(crate::auth::whoami);
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
            {move || {
                me.get()
                    .and_then(Result::ok)
                    .flatten()
                    .map(|user| {
                        view! {
                            <span class="who">{user.describe_zh()}</span>
                            {user.is_demo.then(|| view! { <span class="demo-tag">"演示账号"</span> })}
                            {(user.role == sanzhi_domain::Role::Admin)
                                .then(|| view! {
                                    <a href="/admin/users">"账号"</a>
                                    <a href="/admin/audit">"审计记录"</a>
                                })}
                            <button type="button" class="sign-out" on:click=sign_out>"退出"</button>
                        }
                    })
            }}
        </div>
    }
}
