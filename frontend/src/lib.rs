//! The browser entry point: hydrate the server-rendered page, nothing else.
// The app's route tree (one type per route) is deeper than the default limit of 128.
#![recursion_limit = "256"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Pages are lazy routes (split out of the main bundle), so hydration is asynchronous: it
    // waits for the shown page's part of the bundle. The page is marked hydrated (the browser
    // tests wait for the mark) once all of it, that part included, has been hydrated.
    let _ = any_spawner::Executor::init_wasm_bindgen();
    leptos::task::spawn_local(async {
        let Some(body) = leptos::prelude::document().body() else {
            return;
        };
        let mounted = leptos::mount::hydrate_from_async(body, app::App).await;
        mounted.forget();
        app::components::layout::mark_hydrated();
    });
}
