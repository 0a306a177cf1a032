//! The frame around every page: header, navigation and the hydration marker.

use leptos::prelude::*;
use leptos_router::components::A;

/// The navigation entries, in order: (path, label).
pub const NAV: [(&str, &str); 5] = [
    ("/", "总览"),
    ("/plans/water", "治水"),
    ("/plans/air", "治气"),
    ("/plans/soil", "治土"),
    ("/my", "我的任务"),
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
                    {NAV
                        .into_iter()
                        .map(|(href, label)| view! { <A href=href exact=true>{label}</A> })
                        .collect_view()}
                </nav>
            </header>
            <main class="page">{children()}</main>
            <footer class="site-footer">
                "数据来源：衢州市人民政府办公室 衢政办发〔2018〕43号"
            </footer>
        </div>
    }
}
