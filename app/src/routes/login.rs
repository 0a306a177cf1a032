//! `/login?next=/plans/water` — 登录. The only page an anonymous visitor can open.

use crate::auth::Login;
use crate::components::error_box::ErrorBox;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Where to go after signing in: a path of this site only (never `//other.site`).
pub fn safe_next(next: Option<String>) -> String {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\'))
        .unwrap_or_else(|| "/".to_owned())
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let next = Memo::new(move |_| safe_next(query.read().get("next")));
    #[cfg(not(feature = "hydrate"))]
    let _ = next;
    let login = ServerAction::<Login>::new();
    let result = login.value();
    // Signed in: load the page asked for, rendered for this user.
    Effect::new(move |_| {
        if let Some(Ok(_)) = result.get() {
            #[cfg(feature = "hydrate")]
            if let Some(w) = web_sys::window() {
                let _ = w.location().set_href(&next.get_untracked());
            }
        }
    });
    view! {
        <Title text="登录" />
        <section class="card login">
            <h1>"登录"</h1>
            <p class="lead">"三治：衢州市治水、治气、治土行动方案跟踪。请使用管理员分配的账号登录。"</p>
            <ActionForm action=login>
                <label>"用户名" <input type="text" name="username" autocomplete="username" required=true /></label>
                <label>
                    "密码"
                    <input type="password" name="password" autocomplete="current-password" required=true />
                </label>
                <button type="submit">"登录"</button>
            </ActionForm>
            <div class="login-result" aria-live="polite">
                {move || {
                    result
                        .get()
                        .map(|r| match r {
                            Ok(user) => view! { <p class="ok">{format!("已登录：{}", user.describe_zh())}</p> }.into_any(),
                            Err(error) => view! { <ErrorBox error /> }.into_any(),
                        })
                }}
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(
            safe_next(Some("/plans/water?as_of=2019-01-01".into())),
            "/plans/water?as_of=2019-01-01"
        );
        assert_eq!(safe_next(Some("//evil.example/".into())), "/");
        assert_eq!(safe_next(Some("https://evil.example/".into())), "/");
        assert_eq!(safe_next(Some("/\\evil.example".into())), "/");
        assert_eq!(safe_next(None), "/");
    }
}
