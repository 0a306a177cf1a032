//! `/admin/accounts` — account management for admins: create an account (with a typed or a
//! generated password, shown once), reset a password, stop or allow sign-in. The server checks
//! the admin role on every call; other users get the refusal from the server. Admins also add
//! units here, and see the API tokens of the JSON API (read only, `crate::tokens`).

use crate::accounts::{
    get_unit_groups, list_accounts, reset_password, set_account_active, AddUnit, CreateAccount,
    DeleteUnitGroup, SaveUnitGroup,
};
use crate::components::error_box::ErrorBox;
use crate::i18n::i18n::td_string;
use crate::i18n::{describe_user, fmt, lang, role};
use leptos::prelude::*;
use leptos_meta::Title;
use sanzhi_domain::{Account, Role};

#[component]
pub fn AccountsPage() -> impl IntoView {
    let l = lang();
    let create = ServerAction::<CreateAccount>::new();
    let changed = RwSignal::new(0u32);
    let accounts = Resource::new(
        move || (create.version().get(), changed.get()),
        |_| async move {
            let rows = list_accounts().await?;
            let emails = crate::remind::get_emails().await?;
            Ok::<_, crate::error::AppError>((rows, emails))
        },
    );
    let add_unit = ServerAction::<AddUnit>::new();
    let units = Resource::new(
        move || add_unit.version().get(),
        |_| crate::tracking::list_units(),
    );
    // Any stored plan may have coordinators (drafts too: they are prepared before going out).
    let plans = Resource::new(|| (), |_| crate::api::list_plans());
    view! {
        <Title text=td_string!(l, accounts.title) />
        <h1>{td_string!(l, accounts.title)}</h1>
        <p class="muted">
            {td_string!(l, accounts.intro)} " "
            <a href="/first-steps">{td_string!(l, admin.first_steps_title)}</a>
        </p>
        <NewAccountForm create plans units />
        <UnitsAdmin add_unit units />
        <UnitGroups />
        <section class="card">
            <h2>{td_string!(l, accounts.list)}</h2>
            <Suspense fallback=move || view! { <p class="loading">{td_string!(l, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match accounts.await {
                        Ok((rows, emails)) => view! { <AccountTable rows changed emails /> }.into_any(),
                        Err(error) => view! { <ErrorBox error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
        <crate::tokens::ApiTokensSection />
    }
}

/// The form that creates an account (role, plan or unit, a first password).
#[component]
fn NewAccountForm(
    create: ServerAction<CreateAccount>,
    plans: Resource<Result<Vec<sanzhi_domain::PlanSummary>, crate::error::AppError>>,
    units: Resource<Result<Vec<(String, String)>, crate::error::AppError>>,
) -> impl IntoView {
    let l = lang();
    view! {
        <section class="card account-form">
            <h2>{td_string!(l, accounts.new_account)}</h2>
            <ActionForm action=create>
                <label>
                    {td_string!(l, accounts.username)}
                    <input name="form[username]" required=true autocomplete="off" />
                </label>
                <label>
                    {td_string!(l, accounts.display_name)}
                    <input name="form[display_name]" autocomplete="off" />
                </label>
                <label>
                    {td_string!(l, accounts.role)}
                    <select name="form[role]">
                        {Role::ALL
                            .into_iter()
                            .map(|r| view! { <option value=r.as_str()>{role(l, r)}</option> })
                            .collect_view()}
                    </select>
                </label>
                <label>
                    {td_string!(l, accounts.plan)}
                    <select name="form[plan]">
                        <option value="">{td_string!(l, accounts.choose)}</option>
                        <Suspense>
                            {move || Suspend::new(async move {
                                plans
                                    .await
                                    .unwrap_or_default()
                                    .into_iter()
                                    .map(|p| {
                                        let label = crate::i18n::plan_name(l, &p);
                                        view! { <option value=p.code.as_str().to_owned()>{label}</option> }
                                    })
                                    .collect_view()
                            })}
                        </Suspense>
                    </select>
                </label>
                <label>
                    {td_string!(l, accounts.unit)}
                    <select name="form[unit]">
                        <option value="">{td_string!(l, accounts.choose)}</option>
                        <Suspense>
                            {move || Suspend::new(async move {
                                units
                                    .await
                                    .unwrap_or_default()
                                    .into_iter()
                                    .map(|(name, _)| view! { <option value=name.clone()>{name.clone()}</option> })
                                    .collect_view()
                            })}
                        </Suspense>
                    </select>
                </label>
                <label>
                    {td_string!(l, accounts.password)}
                    <input
                        name="form[password]"
                        type="password"
                        autocomplete="new-password"
                        placeholder=td_string!(l, accounts.password_hint)
                    />
                </label>
                <button type="submit">{td_string!(l, accounts.create)}</button>
            </ActionForm>
            <div class="account-result" aria-live="polite">
                {move || {
                    create
                        .value()
                        .get()
                        .map(|r| match r {
                            Ok(c) => {
                                view! {
                                    <p class="ok">{fmt(td_string!(l, accounts.created), &[&c.user.username])}</p>
                                    {c
                                        .password
                                        .map(|p| {
                                            view! {
                                                <p class="secret">
                                                    {td_string!(l, accounts.generated_password)}
                                                    <code class="password">{p}</code>
                                                </p>
                                            }
                                        })}
                                }
                                    .into_any()
                            }
                            Err(error) => view! { <ErrorBox error /> }.into_any(),
                        })
                }}
            </div>
        </section>
    }
}

/// The units: a form that adds one (with aliases), and the list.
#[component]
fn UnitsAdmin(
    add_unit: ServerAction<AddUnit>,
    units: Resource<Result<Vec<(String, String)>, crate::error::AppError>>,
) -> impl IntoView {
    let l = lang();
    view! {
        <section class="card units-admin">
            <h2>{td_string!(l, accounts.units_title)}</h2>
            <p class="muted">{td_string!(l, accounts.units_intro)}</p>
            <ActionForm action=add_unit>
                <label>
                    {td_string!(l, accounts.unit_name)}
                    <input name="form[name]" required=true />
                </label>
                <label>
                    {td_string!(l, accounts.unit_kind)}
                    <select name="form[kind]">
                        {sanzhi_domain::UnitKind::ALL
                            .into_iter()
                            .map(|k| {
                                view! {
                                    <option value=k.as_str()>
                                        {crate::routes::my_tasks::unit_kind(l, k)}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
                <label>
                    {td_string!(l, accounts.unit_aliases)}
                    <input name="form[aliases]" />
                </label>
                <label>
                    {td_string!(l, accounts.unit_note)}
                    <input name="form[note]" required=true />
                </label>
                <button type="submit">{td_string!(l, accounts.add_unit)}</button>
            </ActionForm>
            <div class="unit-result" aria-live="polite">
                {move || {
                    add_unit
                        .value()
                        .get()
                        .map(|r| match r {
                            Ok(()) => view! { <p class="ok">{td_string!(l, accounts.unit_added)}</p> }.into_any(),
                            Err(error) => view! { <ErrorBox error /> }.into_any(),
                        })
                }}
            </div>
            <Suspense>
                {move || Suspend::new(async move {
                    let list = units.await.unwrap_or_default();
                    view! {
                        <details class="unit-list">
                            <summary>{fmt(td_string!(l, accounts.units_count), &[&list.len()])}</summary>
                            <ul>
                                {list
                                    .into_iter()
                                    .map(|(name, kind)| {
                                        view! {
                                            <li data-unit=name.clone()>
                                                {format!("{name}（{}）", crate::routes::my_tasks::unit_kind_text(l, &kind))}
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        </details>
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn AccountTable(
    rows: Vec<Account>,
    changed: RwSignal<u32>,
    /// E-mail addresses by username.
    emails: std::collections::HashMap<String, String>,
) -> impl IntoView {
    let l = lang();
    // The last answer: a new password to show once, or an error.
    let message = RwSignal::new(None::<Result<String, crate::error::AppError>>);
    let reset = move |username: String| {
        leptos::task::spawn_local(async move {
            let r = reset_password(username.clone())
                .await
                .map(|p| fmt(td_string!(l, accounts.new_password), &[&username, &p]));
            message.set(Some(r));
        });
    };
    let toggle = move |username: String, active: bool| {
        leptos::task::spawn_local(async move {
            let r = set_account_active(username, active)
                .await
                .map(|()| td_string!(l, accounts.done).to_owned());
            let ok = r.is_ok();
            message.set(Some(r));
            if ok {
                changed.update(|n| *n += 1);
            }
        });
    };
    view! {
        <div class="account-message" aria-live="polite">
            {move || {
                message
                    .get()
                    .map(|m| match m {
                        Ok(text) => view! { <p class="ok secret">{text}</p> }.into_any(),
                        Err(error) => view! { <ErrorBox error /> }.into_any(),
                    })
            }}
        </div>
        <table class="grid accounts">
            <thead>
                <tr>
                    <th>{td_string!(l, accounts.col_username)}</th>
                    <th>{td_string!(l, accounts.col_user)}</th>
                    <th>{td_string!(l, accounts.col_status)}</th>
                    <th>{td_string!(l, remind.email)}</th>
                    <th>{td_string!(l, accounts.col_actions)}</th>
                </tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(|a| {
                        let name = a.user.username.clone();
                        let name_reset = name.clone();
                        let name_toggle = name.clone();
                        let active = a.active;
                        view! {
                            <tr data-username=name.clone() class=if active { "" } else { "inactive" }>
                                <td>{name.clone()}</td>
                                <td>
                                    {describe_user(l, &a.user)}
                                    {a.user.is_demo.then(|| view! { <span class="demo-tag">{td_string!(l, accounts.demo)}</span> })}
                                </td>
                                <td>
                                    {if active {
                                        td_string!(l, accounts.active)
                                    } else {
                                        td_string!(l, accounts.inactive)
                                    }}
                                </td>
                                <td class="email">
                                    <EmailCell username=name.clone() current=emails.get(&name).cloned().unwrap_or_default() />
                                </td>
                                <td>
                                    <button type="button" class="reset" on:click=move |_| reset(name_reset.clone())>
                                        {td_string!(l, accounts.reset)}
                                    </button>
                                    <button
                                        type="button"
                                        class="toggle-active"
                                        on:click=move |_| toggle(name_toggle.clone(), !active)
                                    >
                                        {if active {
                                            td_string!(l, accounts.deactivate)
                                        } else {
                                            td_string!(l, accounts.activate)
                                        }}
                                    </button>
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

/// An account's e-mail address, set by the admin (empty: no e-mails).
#[component]
fn EmailCell(username: String, current: String) -> impl IntoView {
    let l = lang();
    let save = ServerAction::<crate::remind::SetEmail>::new();
    view! {
        <ActionForm action=save attr:class="email-form">
            <input type="hidden" name="username" value=username />
            <input type="email" name="email" value=current aria-label=td_string!(l, remind.email) />
            <button type="submit" class="secondary">{td_string!(l, remind.save)}</button>
        </ActionForm>
        {move || save.value().get().map(|r| match r {
            Ok(_) => view! { <span class="ok">{td_string!(l, remind.email_saved)}</span> }.into_any(),
            Err(error) => view! { <ErrorBox error /> }.into_any(),
        })}
    }
}

/// Unit groups: phrases of allocation tables that stand for several units, which plan imports
/// read (“各县(市、区)政府”). Admins make, replace and delete them.
#[component]
fn UnitGroups() -> impl IntoView {
    let l = lang();
    let save = ServerAction::<SaveUnitGroup>::new();
    let delete = ServerAction::<DeleteUnitGroup>::new();
    let groups = Resource::new(
        move || (save.version().get(), delete.version().get()),
        |_| get_unit_groups(),
    );
    view! {
        <section class="card unit-groups">
            <h2>{td_string!(l, accounts.groups_title)}</h2>
            <p class="muted">{td_string!(l, accounts.groups_intro)}</p>
            <ActionForm action=save>
                <label>
                    {td_string!(l, accounts.group_phrase)}
                    <input name="phrase" required=true maxlength="100" />
                </label>
                <label class="wide">
                    {td_string!(l, accounts.group_members)}
                    <textarea name="members" rows="2" required=true></textarea>
                </label>
                <label>
                    {td_string!(l, accounts.unit_note)}
                    <input name="note" />
                </label>
                <button type="submit">{td_string!(l, accounts.group_save)}</button>
            </ActionForm>
            <div class="group-result" aria-live="polite">
                {move || {
                    save.value()
                        .get()
                        .map(|r| match r {
                            Ok(()) => view! { <p class="ok">{td_string!(l, accounts.group_saved)}</p> }.into_any(),
                            Err(error) => view! { <ErrorBox error /> }.into_any(),
                        })
                }}
                {move || delete.value().get().and_then(Result::err).map(|error| view! { <ErrorBox error /> })}
            </div>
            <Suspense>
                {move || Suspend::new(async move {
                    let list = groups.await.unwrap_or_default();
                    view! {
                        <ul class="group-list">
                            {list
                                .into_iter()
                                .map(|g| {
                                    let phrase = g.phrase.clone();
                                    view! {
                                        <li data-group=g.phrase.clone()>
                                            <strong>{g.phrase.clone()}</strong>
                                            "："
                                            {g.members.join("、")}
                                            <span class="muted">{format!("（{}；{}）", g.provenance, g.updated_by)}</span>
                                            <ActionForm action=delete attr:class="inline">
                                                <input type="hidden" name="phrase" value=phrase />
                                                <button type="submit" class="secondary">{td_string!(l, accounts.group_delete)}</button>
                                            </ActionForm>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                })}
            </Suspense>
        </section>
    }
}
