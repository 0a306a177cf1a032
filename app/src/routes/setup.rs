//! `/setup?token=…` — the first admin, made once with the address the server printed at
//! start; `/first-steps` — what to do next (accounts, readings, where the plans came from).

use crate::components::error_box::ErrorBox;
use crate::i18n::i18n::td_string;
use crate::i18n::{fmt, lang};
use crate::routes::not_found::NotFound;
use crate::setup::{first_steps, setup_check, SetupAdmin};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SetupPage() -> impl IntoView {
    let query = use_query_map();
    let token = Memo::new(move |_| query.read().get("token").unwrap_or_default());
    let check = Resource::new(move || token.get(), setup_check);
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                match check.await {
                    Ok(()) => view! { <SetupForm token=token.get_untracked() /> }.into_any(),
                    // No valid token, or an admin already exists: there is no such page.
                    Err(_) => view! { <NotFound /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SetupForm(token: String) -> impl IntoView {
    let l = lang();
    let create = ServerAction::<SetupAdmin>::new();
    let result = create.value();
    // Created and signed in: the first steps, rendered for the new admin.
    Effect::new(move |_| {
        if let Some(Ok(_)) = result.get() {
            #[cfg(feature = "hydrate")]
            if let Some(w) = web_sys::window() {
                let _ = w.location().set_href("/first-steps");
            }
        }
    });
    view! {
        <Title text=td_string!(l, admin.setup_title) />
        <section class="card login setup">
            <h1>{td_string!(l, admin.setup_title)}</h1>
            <p class="lead">{td_string!(l, admin.setup_lead)}</p>
            <ActionForm action=create>
                <input type="hidden" name="token" value=token />
                <label>
                    {td_string!(l, accounts.username)}
                    <input name="form[username]" required=true autocomplete="username" />
                </label>
                <label>
                    {td_string!(l, accounts.display_name)}
                    <input name="form[display_name]" autocomplete="name" />
                </label>
                <label>
                    {td_string!(l, admin.password)}
                    <input
                        name="form[password]"
                        type="password"
                        required=true
                        autocomplete="new-password"
                        placeholder=td_string!(l, admin.setup_password_hint)
                    />
                </label>
                <label>
                    {td_string!(l, admin.setup_password_again)}
                    <input
                        name="form[password_again]"
                        type="password"
                        required=true
                        autocomplete="new-password"
                    />
                </label>
                <button type="submit" disabled=move || create.pending().get()>
                    {td_string!(l, admin.setup_create)}
                </button>
            </ActionForm>
            <div class="setup-result" aria-live="polite">
                {move || {
                    result
                        .get()
                        .map(|r| match r {
                            Ok(user) => view! { <p class="ok">{fmt(td_string!(l, admin.setup_done), &[&user.username])}</p> }.into_any(),
                            Err(error) => view! { <ErrorBox error /> }.into_any(),
                        })
                }}
            </div>
        </section>
    }
}

#[component]
pub fn FirstStepsPage() -> impl IntoView {
    let l = lang();
    let facts = Resource::new(|| (), |_| first_steps());
    view! {
        <Title text=td_string!(l, admin.first_steps_title) />
        <h1>{td_string!(l, admin.first_steps_title)}</h1>
        <Suspense>
            {move || Suspend::new(async move {
                match facts.await {
                    Ok(f) => view! { <Steps facts=f /> }.into_any(),
                    Err(error) => {
                        view! {
                            <p class="muted">{td_string!(l, admin.first_steps_admin_only)}</p>
                            <ErrorBox error />
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn Steps(facts: crate::setup::FirstStepsFacts) -> impl IntoView {
    let l = lang();
    let accounts = facts
        .accounts
        .iter()
        .map(|(r, n)| format!("{} {n}", crate::i18n::role(l, *r)))
        .collect::<Vec<_>>()
        .join(" · ");
    view! {
        <p class="lead">{td_string!(l, admin.first_steps_lead)}</p>
        <ol class="first-steps">
            <li class="card step-accounts">
                <h2>{td_string!(l, admin.first_steps_accounts)}</h2>
                <p>{td_string!(l, admin.first_steps_accounts_text)}</p>
                <p class="muted">{fmt(td_string!(l, admin.first_steps_accounts_now), &[&accounts])}</p>
                <p>
                    <a class="button-link" href="/admin/accounts">
                        {td_string!(l, admin.first_steps_open_accounts)}
                    </a>
                </p>
            </li>
            <li class="card step-readings">
                <h2>{td_string!(l, admin.first_steps_readings)}</h2>
                <p>{td_string!(l, admin.first_steps_readings_text)}</p>
                <p class="muted">
                    {fmt(
                        td_string!(l, admin.first_steps_readings_now),
                        &[&facts.readings.total, &facts.readings.demo],
                    )}
                </p>
                <p>
                    <a class="button-link" href="/readings">
                        {td_string!(l, admin.first_steps_open_readings)}
                    </a>
                    " "
                    <a href="/api/readings/template.csv" rel="external">
                        {td_string!(l, admin.first_steps_template)}
                    </a>
                </p>
            </li>
            <li class="card step-plans">
                <h2>{td_string!(l, admin.first_steps_plans)}</h2>
                <p>{td_string!(l, admin.first_steps_plans_text)}</p>
                <ul>
                    {facts
                        .plans
                        .into_iter()
                        .map(|(code, doc_no, title, items)| {
                            view! {
                                <li>
                                    <a href=format!("/plans/{code}")>{title}</a>
                                    " · "
                                    {doc_no}
                                    " · "
                                    {fmt(td_string!(l, admin.first_steps_items), &[&items])}
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
                <p>
                    <a href="/admin/import">{td_string!(l, admin.first_steps_open_import)}</a>
                </p>
            </li>
        </ol>
    }
}
