//! `/login?next=/plans/water` — 登录. The only page an anonymous visitor can open.

use crate::auth::Login;
use crate::components::error_box::ErrorBox;
use crate::i18n::i18n::td_string;
use crate::i18n::{fmt, lang};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Where to go after signing in: a path of this site only. Browsers drop tabs and newlines
/// from a URL and read `\\` as `/`, so `/\t/evil.example/` would become `//evil.example/`
/// (another site): any control, whitespace or backslash character refuses the whole value.
/// In the browser the result is parsed once more against this page's origin before it is
/// followed (see [`LoginPage`]).
pub fn safe_next(next: Option<String>) -> String {
    next.filter(|n| {
        n.starts_with('/')
            && !n.starts_with("//")
            && n.len() <= 2048
            && !n
                .chars()
                .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
    })
    .unwrap_or_else(|| "/".to_owned())
}

/// `next` as the browser's own URL parser reads it against this page: followed only when it
/// stays on this origin.
#[cfg(feature = "hydrate")]
fn same_origin_href(w: &web_sys::Window, next: &str) -> String {
    let origin = w.location().origin().unwrap_or_default();
    match web_sys::Url::new_with_base(next, &origin) {
        Ok(u) if u.origin() == origin => u.href(),
        _ => "/".to_owned(),
    }
}

/// Where a user goes after signing in: the page asked for; without one (`/`), a unit's
/// reporter goes to their own list, 我的任务.
pub fn landing(user: &sanzhi_domain::User, next: String) -> String {
    if next == "/" && user.role == sanzhi_domain::Role::Reporter && user.unit.is_some() {
        "/my".to_owned()
    } else {
        next
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let l = lang();
    let query = use_query_map();
    let next = Memo::new(move |_| safe_next(query.read().get("next")));
    #[cfg(not(feature = "hydrate"))]
    let _ = next;
    let login = ServerAction::<Login>::new();
    // No admin yet: say where the one-time setup address is.
    let pending = Resource::new(|| (), |_| crate::setup::setup_pending());
    let result = login.value();
    // Signed in: load the page asked for, rendered for this user.
    // A unit's reporter who asked for no page in particular lands on 我的任务.
    Effect::new(move |_| {
        if let Some(Ok(user)) = result.get() {
            let target = landing(&user, next.get_untracked());
            #[cfg(feature = "hydrate")]
            if let Some(w) = web_sys::window() {
                let _ = w.location().set_href(&same_origin_href(&w, &target));
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = target;
        }
    });
    view! {
        <Title text=td_string!(l, admin.login_title) />
        <section class="card login">
            <h1>{td_string!(l, admin.login_title)}</h1>
            <p class="lead">{td_string!(l, admin.login_lead)}</p>
            <Suspense>
                {move || Suspend::new(async move {
                    matches!(pending.await, Ok(true))
                        .then(|| view! { <p class="notice setup-pending">{td_string!(l, admin.setup_pending)}</p> })
                })}
            </Suspense>
            <ActionForm action=login>
                <label>{td_string!(l, admin.username)} <input type="text" name="username" autocomplete="username" required=true /></label>
                <label>
                    {td_string!(l, admin.password)}
                    <input type="password" name="password" autocomplete="current-password" required=true />
                </label>
                <button type="submit">{td_string!(l, admin.login_title)}</button>
            </ActionForm>
            <div class="login-result" aria-live="polite">
                {move || {
                    result
                        .get()
                        .map(|r| match r {
                            Ok(user) => view! { <p class="ok">{fmt(td_string!(l, admin.signed_in), &[&crate::i18n::describe_user(l, &user)])}</p> }.into_any(),
                            Err(error) => view! { <ErrorBox error /> }.into_any(),
                        })
                }}
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::{landing, safe_next};
    use sanzhi_domain::{Role, User};

    #[test]
    fn a_reporter_without_a_page_asked_for_lands_on_their_list() {
        let user = |role, unit: Option<&str>| User {
            id: 1,
            username: "u".into(),
            display_name: "测试".into(),
            role,
            plan: None,
            unit: unit.map(Into::into),
            is_demo: false,
            plan_name: None,
        };
        let kaihua = user(Role::Reporter, Some("开化县政府"));
        assert_eq!(landing(&kaihua, "/".into()), "/my");
        assert_eq!(landing(&kaihua, "/plans/water".into()), "/plans/water");
        assert_eq!(landing(&user(Role::Leader, None), "/".into()), "/");
        assert_eq!(landing(&user(Role::Coordinator, None), "/".into()), "/");
    }

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(
            safe_next(Some("/plans/water?as_of=2019-01-01".into())),
            "/plans/water?as_of=2019-01-01"
        );
        assert_eq!(safe_next(Some("//evil.example/".into())), "/");
        assert_eq!(safe_next(Some("https://evil.example/".into())), "/");
        assert_eq!(safe_next(Some("/\\evil.example".into())), "/");
        // Browsers drop tabs and newlines inside a URL: each of these is //evil.example/.
        for sneaky in [
            "/\t/evil.example/",
            "/\n/evil.example/",
            "/\r\n/evil.example/",
            "/ /evil.example/",
            "/\u{3000}/evil.example/",
            "/\u{0}/evil.example/",
        ] {
            assert_eq!(safe_next(Some(sneaky.into())), "/", "{sneaky:?}");
        }
        assert_eq!(
            safe_next(Some("/my?unit=%E5%BC%80%E5%8C%96".into())),
            "/my?unit=%E5%BC%80%E5%8C%96"
        );
        assert_eq!(safe_next(None), "/");
    }
}
