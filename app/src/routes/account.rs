//! `/account` — 我的账号: who is signed in, and a password change for every account.

use crate::accounts::ChangePassword;
use crate::components::error_box::ErrorBox;
use crate::i18n::i18n::td_string;
use crate::i18n::lang;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AccountPage() -> impl IntoView {
    let l = lang();
    let me = Resource::new(|| (), |_| crate::auth::whoami());
    let change = ServerAction::<ChangePassword>::new();
    let result = change.value();
    let pending = change.pending();
    let save_email = ServerAction::<crate::remind::SetEmail>::new();
    let email = Resource::new(
        move || save_email.version().get(),
        |_| crate::remind::get_email(None),
    );
    view! {
        <Title text=td_string!(l, accounts.my_account) />
        <h1>{td_string!(l, accounts.my_account)}</h1>
        <Suspense>
            {move || Suspend::new(async move {
                me.await
                    .ok()
                    .flatten()
                    .map(|user| view! { <p class="lead">{crate::i18n::describe_user(l, &user)}</p> })
            })}
        </Suspense>
        <section class="card email-setting">
            <h2>{td_string!(l, remind.email)}</h2>
            <Suspense>
                {move || Suspend::new(async move {
                    let current = email.await.ok().flatten().unwrap_or_default();
                    view! {
                        <ActionForm action=save_email>
                            <label>
                                {td_string!(l, remind.email)}
                                <input type="email" name="email" value=current autocomplete="email" />
                            </label>
                            <p class="muted">{td_string!(l, remind.email_hint)}</p>
                            <button type="submit">{td_string!(l, remind.save)}</button>
                        </ActionForm>
                    }
                })}
            </Suspense>
            <div class="email-result" aria-live="polite">
                {move || save_email.value().get().map(|r| match r {
                    Ok(_) => view! { <p class="ok">{td_string!(l, remind.email_saved)}</p> }.into_any(),
                    Err(error) => view! { <ErrorBox error /> }.into_any(),
                })}
            </div>
        </section>
        <section class="card password-change">
            <h2>{td_string!(l, accounts.change_password)}</h2>
            <ActionForm action=change>
                <label>
                    {td_string!(l, accounts.current_password)}
                    <input type="password" name="current" autocomplete="current-password" required=true />
                </label>
                <label>
                    {td_string!(l, accounts.new_password)}
                    <input type="password" name="new_password" autocomplete="new-password" required=true minlength="10" />
                </label>
                <label>
                    {td_string!(l, accounts.repeat_password)}
                    <input type="password" name="repeat" autocomplete="new-password" required=true minlength="10" />
                </label>
                <p class="muted">{td_string!(l, accounts.password_rule)}</p>
                <button type="submit" disabled=move || pending.get()>
                    {td_string!(l, accounts.change_password)}
                </button>
            </ActionForm>
            <div class="password-result" aria-live="polite">
                {move || {
                    result
                        .get()
                        .map(|r| match r {
                            Ok(()) => view! { <p class="ok">{td_string!(l, accounts.password_changed)}</p> }.into_any(),
                            Err(error) => view! { <ErrorBox error /> }.into_any(),
                        })
                }}
            </div>
        </section>
    }
}
