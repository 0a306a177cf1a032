//! Sanzhi's Leptos application: the HTML shell, the router, the pages and the server
//! functions they call.
//!
//! Dependencies point one way: `sanzhi-domain` types ← `sanzhi-store` (ssr only) ← `api`
//! (server functions) ← `routes` and `components`. The hydrate build never links the store.

#![recursion_limit = "256"]

pub mod accounts;
pub mod api;
pub mod audit;
pub mod auth;
#[cfg(feature = "ssr")]
pub mod cache;
#[cfg(feature = "ssr")]
pub mod charts;
pub mod components;
pub mod editing;
pub mod error;
pub mod i18n;
pub mod indicators;
pub mod labels;
pub mod overview;
pub mod readings;
pub mod remind;
pub mod review;
pub mod routes;
pub mod setup;
#[cfg(feature = "ssr")]
pub mod state;
pub mod tokens;
pub mod tracking;
#[cfg(feature = "hydrate")]
pub mod upload;
pub mod url;

/// The pages few people open (administration, the readings import, the timeline) are lazy
/// routes: their code is split out of the main browser bundle (`cargo leptos build --split`)
/// and fetched when such a page is first shown. The pages read every day (总览, plans, items,
/// 我的任务, indicators, review) stay in the main bundle: split out, 总览 needed 134 small files
/// and was interactive ~1.1 s later (BENCHMARKS.md).
mod lazy {
    use leptos::prelude::*;

    macro_rules! lazy_page {
        ($name:ident, $page:path) => {
            #[derive(Debug, Clone, Copy)]
            pub struct $name;

            #[leptos_router::lazy_route]
            impl leptos_router::LazyRoute for $name {
                fn data() -> Self {
                    $name
                }

                fn view(_this: Self) -> AnyView {
                    $page().into_any()
                }
            }
        };
    }

    lazy_page!(UsersRoute, crate::routes::audit::UsersPage);
    lazy_page!(AccountsRoute, crate::routes::accounts::AccountsPage);
    lazy_page!(AuditRoute, crate::routes::audit::AuditPage);
    lazy_page!(PlanImportRoute, crate::routes::plan_import::PlanImportPage);
    lazy_page!(ReadingsRoute, crate::routes::readings::ReadingsPage);
    lazy_page!(TimelineRoute, crate::routes::timeline::TimelinePage);
    lazy_page!(SetupRoute, crate::routes::setup::SetupPage);
    lazy_page!(FirstStepsRoute, crate::routes::setup::FirstStepsPage);
    lazy_page!(SourceRoute, crate::routes::source::SourcePage);
    lazy_page!(AccountRoute, crate::routes::account::AccountPage);
    lazy_page!(InboxRoute, crate::routes::inbox::InboxPage);
    lazy_page!(RemindersRoute, crate::routes::reminders::RemindersPage);
}

use components::layout::Layout;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{Lazy, ParamSegment, SsrMode, StaticSegment};

/// The Content-Security-Policy of a page whose inline scripts carry `nonce`: scripts only
/// from this site or with the nonce (the hydration script), the wasm compiled from this site,
/// no plugins, no framing, forms and requests to this site only. Styles allow inline
/// attributes (the charts' SVG uses them); no style can run code.
pub fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
         font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// The HTML document the server renders around [`App`].
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = i18n::html_lang(i18n::detect());
    // The page's policy names the nonce leptos gave this rendering's inline scripts; it is
    // sent as a header (and kept with the page when the server keeps it).
    #[cfg(feature = "ssr")]
    if let (Some(nonce), Some(resp)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) {
        if let Ok(v) = axum::http::HeaderValue::from_str(&page_csp(&nonce)) {
            resp.insert_header(axum::http::header::CONTENT_SECURITY_POLICY, v);
        }
    }
    view! {
        <!DOCTYPE html>
        <html lang=lang>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="data:," />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The application: layout and routes.
///
/// Data pages render in `SsrMode::Async`: the server waits for their data, so the status
/// code (404 for an unknown plan or item) is known before the first byte is sent.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let l = i18n::provide();
    let product = i18n::i18n::td_string!(l, common.product_title);
    let short = i18n::i18n::td_string!(l, common.product_short);
    view! {
        <Stylesheet id="leptos" href="/pkg/sanzhi.css" />
        <Title formatter=move |page: String| {
            if page.is_empty() { product.to_owned() } else { format!("{page} · {short}") }
        } />
        <Router>
            <Layout>
                <Routes fallback=routes::not_found::NotFound>
                    <Route
                        path=StaticSegment("")
                        view=routes::overview::OverviewPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=StaticSegment("plans")
                        view=routes::plans::PlansPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("plans"), ParamSegment("code"))
                        view=routes::plan::PlanPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(
                            StaticSegment("plans"),
                            ParamSegment("code"),
                            StaticSegment("items"),
                            ParamSegment("number"),
                        )
                        view=routes::item::ItemPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=StaticSegment("my")
                        view=routes::my_tasks::MyTasksPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=StaticSegment("indicators")
                        view=routes::indicators::IndicatorsPage
                        ssr=SsrMode::Async
                    />
                    <Route path=StaticSegment("login") view=routes::login::LoginPage />
                    <Route
                        path=StaticSegment("setup")
                        view={Lazy::<lazy::SetupRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=StaticSegment("source")
                        view={Lazy::<lazy::SourceRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=StaticSegment("account")
                        view={Lazy::<lazy::AccountRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=StaticSegment("inbox")
                        view={Lazy::<lazy::InboxRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=StaticSegment("reminders")
                        view={Lazy::<lazy::RemindersRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=StaticSegment("first-steps")
                        view={Lazy::<lazy::FirstStepsRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("users"))
                        view={Lazy::<lazy::UsersRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("accounts"))
                        view={Lazy::<lazy::AccountsRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("audit"))
                        view={Lazy::<lazy::AuditRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route path=(StaticSegment("admin"), StaticSegment("import")) view={Lazy::<lazy::PlanImportRoute>::new()} ssr=SsrMode::Async />
                    <Route
                        path=StaticSegment("readings")
                        view={Lazy::<lazy::ReadingsRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=StaticSegment("review")
                        view=routes::review::ReviewPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=StaticSegment("timeline")
                        view={Lazy::<lazy::TimelineRoute>::new()}
                        ssr=SsrMode::Async
                    />
                </Routes>
            </Layout>
        </Router>
    }
}
