//! `sanzhi serve`: the web server on its address, with the reminder loop, a setup token
//! when no admin exists yet, and a clean shutdown on a signal.

use super::*;

fn leptos_options(settings: &Settings, addr: std::net::SocketAddr) -> LeptosOptions {
    // cargo-leptos passes where it put the site; otherwise our settings say.
    let site_root =
        std::env::var("LEPTOS_SITE_ROOT").unwrap_or_else(|_| settings.site.root.clone());
    let env = match std::env::var("LEPTOS_ENV").as_deref() {
        Ok("DEV") | Ok("dev") | Ok("development") => Env::DEV,
        _ => Env::PROD,
    };
    LeptosOptions::builder()
        .output_name(settings.site.output_name.as_str())
        .site_root(site_root.as_str())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .env(env)
        .build()
}

pub(super) async fn serve(settings: Settings, demo: bool, again: &str) -> anyhow::Result<()> {
    let store = open(&settings).await?;
    // Before anything is written (the seed included): `--demo` on real data changes nothing.
    if demo {
        if let Some(why) = crate::demo::refusal(&store).await? {
            store.close().await;
            anyhow::bail!(why);
        }
    }
    if settings.seed.on_empty_start && store.plan_count().await? == 0 {
        let report = seed(&store, &settings.seed.dir).await?;
        tracing::info!(?report, "first start: seed loaded");
    }
    if demo && !store.has_demo_reports().await? {
        let n = crate::demo::load(&store).await?;
        tracing::info!(reports = n, "demo progress reports loaded");
        println!("已载入演示进展报告 {n} 条（页面将标注“演示数据”）");
    }
    if demo {
        println!("演示账号（仅供演示，每次以 --demo 启动时重新生成密码）：");
        for (username, password, what) in crate::users::demo_accounts(&store).await? {
            println!("演示账号 {username} 密码 {password} （{what}）");
        }
    }
    if demo && store.reading_counts().await?.demo == 0 {
        let n = crate::demo::load_readings(&store).await?;
        tracing::info!(readings = n, "demo readings loaded");
        println!("已载入演示读数 {n} 条（页面将标注“演示数据”）");
    }
    if demo && store.bulletin_months().await?.is_empty() {
        let (u, d, c) = crate::demo::load_reminders(&store).await?;
        tracing::info!(urges = u, digests = d, months = c, "demo reminders loaded");
        println!("已载入演示催办 {u} 条、演示提醒 {d} 份、演示通报 {c} 期（页面将标注“演示”）");
    }
    let listener = tokio::net::TcpListener::bind(settings.server.addr)
        .await
        .with_context(|| format!("无法监听 {}", settings.server.addr))?;
    let addr = listener.local_addr()?;
    let state = AppState {
        store: store.clone(),
        leptos_options: leptos_options(&settings, addr),
        upload_limit: settings.server.upload_max_mb.saturating_mul(1024 * 1024),
        secure_cookies: settings.server.secure_cookies,
        public_overview: settings.server.public_overview,
        caches: Default::default(),
        security: std::sync::Arc::new(settings.security()?),
    };
    let base = site_address(&state.security, addr);
    // No admin yet: a one-time address that creates the first one, printed here only (never
    // logged: request logs carry paths without their query).
    let token = setup_token();
    let setup = store
        .setup_token_issue(&token, sanzhi_domain::chrono::Utc::now())
        .await?
        .then(|| format!("{base}/setup?token={token}"));
    let router = crate::build_router(state);
    if settings.reminders.enabled {
        let sender = crate::remind::Sender::new(&reminder_base(&settings, addr), &settings.smtp)?;
        let server = format!("{}:{}", hostname(), addr.port());
        tokio::spawn(crate::remind::run(
            store.clone(),
            sender,
            settings.reminders.clone(),
            server,
        ));
    }
    tracing::info!(%addr, "listening");
    println!("三治已启动：{base}");
    if let Some(url) = setup {
        println!("尚无管理员账号。在浏览器中打开以下一次性地址，创建第一个管理员（地址只在此显示，管理员创建后失效）：");
        println!("  {url}");
        println!(
            "或在命令行创建（密码随机生成并显示一次）：{again} user add --username admin --role admin"
        );
    }
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .context("server error")?;
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// The address people open: the first configured public origin, else the listening address
/// (`127.0.0.1` when listening on every interface).
pub(super) fn site_address(security: &app::state::Security, addr: std::net::SocketAddr) -> String {
    if let Some(origin) = security.public_origins.first() {
        return origin.trim_end_matches('/').to_owned();
    }
    let ip = match addr.ip() {
        std::net::IpAddr::V4(v4) if v4.is_unspecified() => std::net::Ipv4Addr::LOCALHOST.into(),
        std::net::IpAddr::V6(v6) if v6.is_unspecified() => std::net::Ipv6Addr::LOCALHOST.into(),
        ip => ip,
    };
    format!("http://{}", std::net::SocketAddr::new(ip, addr.port()))
}

/// This machine's name, for the record of which server made a day's reminders.
fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "sanzhi".to_owned())
}

/// A one-time setup token: 32 bytes from the OS's generator, in hex.
fn setup_token() -> String {
    use argon2::password_hash::rand_core::{OsRng, RngCore};
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
