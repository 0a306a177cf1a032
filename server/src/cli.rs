//! The command line: `sanzhi serve` (the default), `sanzhi migrate`, `sanzhi seed`,
//! `sanzhi backup`, `sanzhi restore`, accounts, scale data and demo data.

use crate::config::{redact_url, Settings};
use anyhow::Context;
use app::state::AppState;
use clap::{Parser, Subcommand};
use leptos::config::{Env, LeptosOptions};
use sanzhi_store::Store;
use secrecy::ExposeSecret;
use std::path::{Path, PathBuf};

#[derive(Debug, Parser)]
#[command(
    name = "sanzhi",
    version,
    about = "三治：衢州市治水、治气、治土行动方案跟踪"
)]
pub struct Cli {
    /// A TOML settings file; `SANZHI_*` environment variables override it.
    #[arg(long, short, global = true)]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate, seed an empty database, and serve the web app (the default).
    Serve {
        /// Also load generated demo progress reports (labelled as demo) if none are loaded,
        /// and (re)activate the demo accounts with new printed passwords. Refused on a
        /// database with real data (a non-demo report or account).
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Migrate, then load the seed folder (idempotent, one transaction) and exit.
    Seed {
        /// The seed folder; defaults to the `seed.dir` setting.
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Benchmark data (labelled 【规模测试】 and demo; see BENCHMARKS.md).
    #[command(subcommand)]
    Scale(ScaleCommand),
    /// Write a consistent copy of the SQLite database to a new file, while the server runs
    /// (PostgreSQL: use pg_dump, see the README).
    Backup {
        /// The file to write; it must not exist.
        #[arg(long)]
        out: PathBuf,
    },
    /// Replace the SQLite database with a backup, after checking the backup (integrity,
    /// invariants, made by this release or an earlier one). The server must be stopped; the
    /// replaced database is kept beside it.
    Restore {
        /// The backup file to restore.
        #[arg(long)]
        from: PathBuf,
    },
    /// Make the reminders (digests) of one day — what the scheduler does each morning — and
    /// send what is due. A day already made is not made again.
    Remind {
        /// The day, YYYY-MM-DD.
        #[arg(long)]
        date: String,
        /// Print the digests only: nothing is written or sent.
        #[arg(long)]
        dry_run: bool,
    },
    /// Replace the generated demo progress reports (deterministic, labelled as demo).
    Demo {
        /// Remove the demo reports instead.
        #[arg(long)]
        clear: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ScaleCommand {
    /// Migrate an empty database and load `city`, `province` or `national` scale data.
    Load {
        #[arg(long, default_value = "city")]
        scale: String,
    },
    /// Write a readings CSV (the import template's columns) of `rows` synthetic readings for
    /// every area and section of the database, month by month from `from_year`.
    ReadingsCsv {
        #[arg(long, default_value_t = 1_000_000)]
        rows: usize,
        #[arg(long, default_value_t = 2021)]
        from_year: i32,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account. The password is read from standard input with `--password-stdin`;
    /// otherwise a random one is generated and printed once.
    Add {
        #[arg(long)]
        username: String,
        /// admin, coordinator, reporter or leader.
        #[arg(long)]
        role: String,
        /// The name shown in reports and the audit trail (default: the username).
        #[arg(long, default_value = "")]
        name: String,
        /// For a coordinator: the code of a stored plan (water, air, soil, or an imported one).
        #[arg(long)]
        plan: Option<String>,
        /// For a reporter: the unit, e.g. 开化县政府.
        #[arg(long)]
        unit: Option<String>,
        #[arg(long)]
        password_stdin: bool,
    },
    /// List the accounts.
    List,
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let settings = Settings::load(cli.config.as_deref()).context("读取配置失败")?;
    crate::telemetry::init(&settings.log);
    tracing::debug!(?settings, "settings");
    match cli.command.unwrap_or(Command::Serve { demo: false }) {
        Command::Serve { demo } => {
            let again = command_prefix(&settings, cli.config.as_deref());
            serve(settings, demo, &again).await
        }
        Command::Demo { clear } => {
            let store = open(&settings).await?;
            let result = if clear {
                match store.clear_demo_reports().await {
                    Ok(n) => store
                        .clear_demo_readings()
                        .await
                        .map(|m| format!("已删除演示报告 {n} 条、演示读数 {m} 条")),
                    Err(e) => Err(e),
                }
            } else {
                match crate::demo::load(&store).await {
                    Ok(n) => match crate::demo::load_readings(&store).await {
                        Ok(m) => crate::demo::load_reminders(&store)
                            .await
                            .map(|(u, d, c)| {
                                format!(
                                    "已生成演示报告 {n} 条、演示读数 {m} 条、演示催办 {u} 条、演示提醒 {d} 份、演示通报 {c} 期（仅供演示，非真实记录）"
                                )
                            })
                            .map_err(|e| sanzhi_store::StoreError::Invalid(e.to_string())),
                        Err(e) => Err(e),
                    },
                    Err(e) => Err(e),
                }
            };
            store.close().await;
            println!("{}", result.context("演示数据操作失败")?);
            Ok(())
        }
        Command::Scale(cmd) => scale(&settings, cmd).await,
        Command::Remind { date, dry_run } => remind_day(&settings, &date, dry_run).await,
        Command::Backup { out } => {
            let url = settings.database.url.expose_secret();
            let store = Store::connect(url)
                .await
                .with_context(|| format!("无法连接数据库 {}", redact_url(url)))?;
            let done = store.backup_to(&out).await;
            store.close().await;
            let contents = done.context("备份未完成")?;
            println!("已备份到 {}：{contents}", out.display());
            Ok(())
        }
        Command::Restore { from } => {
            let url = settings.database.url.expose_secret();
            if !url.starts_with("sqlite:") {
                anyhow::bail!(
                    "PostgreSQL 数据库请用 pg_restore 恢复（先停止服务器）：pg_restore --clean \
                     --if-exists --no-owner --dbname=\"$DATABASE_URL\" sanzhi.dump；详见 README“备份与恢复”"
                );
            }
            let live = sanzhi_store::backup::sqlite_path(url)?;
            let stamp = sanzhi_domain::chrono::Utc::now()
                .format("%Y%m%d-%H%M%S")
                .to_string();
            let restored = sanzhi_store::backup::restore_sqlite(&live, &from, &stamp)
                .await
                .context("恢复未进行，数据库未作任何改动")?;
            println!("已从 {} 恢复：{}", from.display(), restored.contents);
            if let Some(previous) = restored.previous {
                println!("原数据库已另存为 {}", previous.display());
            }
            Ok(())
        }
        Command::User(UserCommand::Add {
            username,
            role,
            name,
            plan,
            unit,
            password_stdin,
        }) => {
            let role = sanzhi_domain::Role::parse(&role).map_err(|e| anyhow::anyhow!("{e}"))?;
            let (password, generated) = if password_stdin {
                let mut line = String::new();
                std::io::stdin()
                    .read_line(&mut line)
                    .context("无法读取标准输入中的密码")?;
                (line.trim_end_matches(['\r', '\n']).to_owned(), false)
            } else {
                (crate::users::random_password(), true)
            };
            let store = open(&settings).await?;
            let result = crate::users::add(
                &store,
                &username,
                &name,
                role,
                plan,
                unit,
                &password,
                false,
                "sanzhi user add",
            )
            .await;
            store.close().await;
            result?;
            println!("已创建用户 {username}（{}）", role.label_zh());
            if generated {
                println!("初始密码（只显示这一次）：{password}");
            }
            Ok(())
        }
        Command::User(UserCommand::List) => {
            let store = open(&settings).await?;
            let users = store.users().await;
            store.close().await;
            for u in users? {
                println!(
                    "{}\t{}{}",
                    u.username,
                    u.describe_zh(),
                    if u.is_demo { "\t演示账号" } else { "" }
                );
            }
            Ok(())
        }
        Command::Migrate => {
            let store = open(&settings).await?;
            store.close().await;
            println!("数据库迁移完成（{}）", store.backend().as_str());
            Ok(())
        }
        Command::Seed { dir } => {
            let store = open(&settings).await?;
            let dir = dir.unwrap_or_else(|| settings.seed.dir.clone());
            let report = seed(&store, &dir).await;
            store.close().await;
            let report = report?;
            println!(
                "种子数据已载入：新增 {}，更新 {}，未变 {}",
                report.inserted, report.updated, report.unchanged
            );
            Ok(())
        }
    }
}

/// `sanzhi remind --date … [--dry-run]`.
async fn remind_day(settings: &Settings, date: &str, dry_run: bool) -> anyhow::Result<()> {
    let day = sanzhi_domain::chrono::NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d")
        .map_err(|_| anyhow::anyhow!("--date：“{date}”不是日期，应为 YYYY-MM-DD"))?;
    let store = open(settings).await?;
    let now = sanzhi_domain::chrono::Utc::now();
    let result = async {
        let made =
            crate::remind::make_day(&store, day, "sanzhi remind", false, dry_run, now).await?;
        let base = reminder_base(settings, settings.server.addr);
        for d in &made.digests {
            println!("{}", d.text(&base));
        }
        if dry_run {
            println!(
                "（试运行：{day} 的提醒 {} 份，未写入、未发送）",
                made.digests.len()
            );
            return Ok(());
        }
        match made.written {
            Some(w) => println!(
                "{day} 的提醒已生成：{} 份，待发送邮件和机器人消息 {} 条",
                w.digests, w.messages
            ),
            None => println!("{day} 的提醒此前已生成，未重复生成"),
        }
        let sender = crate::remind::Sender::new(&base, &settings.smtp)?;
        let sent = crate::remind::deliver(&store, &sender, now).await?;
        println!(
            "发送：成功 {}，稍后重试 {}，放弃 {}",
            sent.sent, sent.retrying, sent.given_up
        );
        anyhow::Ok(())
    }
    .await;
    store.close().await;
    result
}

/// Where reminders link to: `reminders.base_url`, else the site's address.
fn reminder_base(settings: &Settings, addr: std::net::SocketAddr) -> String {
    let configured = settings.reminders.base_url.trim();
    if !configured.is_empty() {
        return configured.trim_end_matches('/').to_owned();
    }
    match settings.security() {
        Ok(security) => site_address(&security, addr),
        Err(_) => format!("http://{addr}"),
    }
}

/// Connects and migrates.
pub async fn open(settings: &Settings) -> anyhow::Result<Store> {
    let url = settings.database.url.expose_secret();
    tracing::info!(database = %redact_url(url), "opening database");
    let store = Store::connect(url)
        .await
        .with_context(|| format!("无法连接数据库 {}", redact_url(url)))?;
    store.migrate().await.context("数据库迁移失败")?;
    // Reads the plans' names for messages that know only a code (a refusal names the plan of
    // the data refused); each later listing refreshes them.
    store.list_plans().await.context("读取方案失败")?;
    Ok(store)
}

/// Validates the whole seed folder, then loads it in one transaction.
pub async fn seed(store: &Store, dir: &Path) -> anyhow::Result<sanzhi_store::SeedReport> {
    let dir = dir.to_owned();
    let bundle = tokio::task::spawn_blocking(move || sanzhi_seed::load_dir(&dir))
        .await
        .context("seed reader panicked")?
        .context("种子数据无效，数据库未作任何改动")?;
    store
        .load_seed(&bundle)
        .await
        .context("载入种子数据失败，数据库未作任何改动")
}

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

async fn serve(settings: Settings, demo: bool, again: &str) -> anyhow::Result<()> {
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
    if demo && store.reading_counts().await?.1 == 0 {
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
fn site_address(security: &app::state::Security, addr: std::net::SocketAddr) -> String {
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

/// The start of a command that runs this binary again on the same database, to print: the
/// program ([`invocation`]), the settings file when one was given, and `DATABASE_URL` unless
/// it is the repository's default used through `./scripts/sanzhi` (a relative SQLite path made
/// absolute; a PostgreSQL password shown as `***`, for the reader to fill in).
pub fn command_prefix(settings: &Settings, config: Option<&Path>) -> String {
    let me = invocation();
    let url = settings.database.url.expose_secret();
    let by_wrapper = std::env::var_os("SANZHI_INVOKED_AS").is_some();
    let mut out = String::new();
    if !(by_wrapper && url == DEFAULT_DATABASE_URL) {
        let shown = match url.strip_prefix("sqlite:") {
            Some(path) => {
                let (file, query) = path.split_once('?').unwrap_or((path, ""));
                let file = file.trim_start_matches("//");
                let abs = std::path::absolute(file)
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|_| file.to_owned());
                if query.is_empty() {
                    format!("sqlite:{abs}")
                } else {
                    format!("sqlite:{abs}?{query}")
                }
            }
            None => redact_url(url),
        };
        if !shown.contains('\'') {
            out.push_str(&format!("DATABASE_URL='{shown}' "));
        }
    }
    out.push_str(&me);
    if let Some(c) = config {
        let c = std::path::absolute(c).unwrap_or_else(|_| c.to_owned());
        out.push_str(&format!(" --config '{}'", c.display()));
    }
    out
}

/// The database the settings name when nothing else is set.
const DEFAULT_DATABASE_URL: &str = "sqlite:data/sanzhi.db";

/// How to run this binary again, as a command that works where it is printed:
/// `./scripts/sanzhi` when started by the repository's scripts (run from its root; they set
/// `SANZHI_INVOKED_AS`), otherwise the binary's absolute path.
pub fn invocation() -> String {
    if let Ok(me) = std::env::var("SANZHI_INVOKED_AS") {
        if !me.trim().is_empty() {
            return me;
        }
    }
    std::env::current_exe()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| "sanzhi".to_owned())
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

async fn scale(settings: &Settings, cmd: ScaleCommand) -> anyhow::Result<()> {
    let store = open(settings).await?;
    let result = match cmd {
        ScaleCommand::Load { scale } => {
            let size = crate::scale::Scale::named(&scale)
                .with_context(|| format!("未知规模“{scale}”：应为 city、province 或 national"))?;
            let dir = settings.seed.dir.clone();
            let bundle = tokio::task::spawn_blocking(move || sanzhi_seed::load_dir(&dir))
                .await
                .context("seed reader panicked")?
                .context("种子数据无效，数据库未作任何改动")?;
            let g = crate::scale::generate(&store, &bundle, size)
                .await
                .context("规模测试数据装入失败")?;
            println!(
                "scale {scale}: {} plans, {} assignments, {} demo reports, {} demo readings",
                g.plans, g.assignments, g.reports, g.readings
            );
            for (step, took) in &g.steps {
                println!("  {step}: {:.1} s", took.as_secs_f64());
            }
            Ok(())
        }
        ScaleCommand::ReadingsCsv {
            rows,
            from_year,
            out,
        } => {
            let places = store.reading_places().await?;
            let targets = store.indicator_targets().await?;
            let file = std::fs::File::create(&out)
                .with_context(|| format!("无法创建 {}", out.display()))?;
            let mut w = std::io::BufWriter::new(file);
            let n = crate::scale::readings_csv(&places, &targets, from_year, rows, &mut w)?;
            std::io::Write::flush(&mut w)?;
            println!("{n} readings written to {}", out.display());
            Ok(())
        }
    };
    store.close().await;
    result
}
