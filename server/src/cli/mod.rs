//! The command line: `sanzhi serve` (the default), `sanzhi migrate`, `sanzhi seed`,
//! `sanzhi backup`, `sanzhi restore`, accounts, scale data and demo data.
//!
//! Files: `serve.rs` runs the web server; this file parses the command line and runs the
//! other commands.

use crate::config::{redact_url, Settings};
use anyhow::Context;
use app::state::AppState;
use clap::{Parser, Subcommand};
use leptos::config::{Env, LeptosOptions};
use sanzhi_store::Store;
use secrecy::ExposeSecret;
use std::path::{Path, PathBuf};

mod serve;

use serve::*;

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
        Command::Demo { clear } => demo(&settings, clear).await,
        Command::Scale(cmd) => scale(&settings, cmd).await,
        Command::Remind { date, dry_run } => remind_day(&settings, &date, dry_run).await,
        Command::Backup { out } => backup(&settings, &out).await,
        Command::Restore { from } => restore(&settings, &from).await,
        Command::User(UserCommand::Add {
            username,
            role,
            name,
            plan,
            unit,
            password_stdin,
        }) => {
            let new = NewAccount {
                username,
                role,
                name,
                plan,
                unit,
                password_stdin,
            };
            user_add(&settings, new).await
        }
        Command::User(UserCommand::List) => user_list(&settings).await,
        Command::Migrate => {
            let store = open(&settings).await?;
            store.close().await;
            println!("数据库迁移完成（{}）", store.backend().as_str());
            Ok(())
        }
        Command::Seed { dir } => load_seed(&settings, dir).await,
    }
}

/// `sanzhi demo [--clear]`: generates the demo data (reports, readings, 催办, digests,
/// bulletins), or removes it.
async fn demo(settings: &Settings, clear: bool) -> anyhow::Result<()> {
    let store = open(settings).await?;
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

/// `sanzhi backup --out FILE` (SQLite; PostgreSQL points to pg_dump).
async fn backup(settings: &Settings, out: &Path) -> anyhow::Result<()> {
    let url = settings.database.url.expose_secret();
    let store = Store::connect(url)
        .await
        .with_context(|| format!("无法连接数据库 {}", redact_url(url)))?;
    let done = store.backup_to(out).await;
    store.close().await;
    let contents = done.context("备份未完成")?;
    println!("已备份到 {}：{contents}", out.display());
    Ok(())
}

/// `sanzhi restore --from FILE` (SQLite, server stopped; PostgreSQL points to pg_restore).
async fn restore(settings: &Settings, from: &Path) -> anyhow::Result<()> {
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
    let restored = sanzhi_store::backup::restore_sqlite(&live, from, &stamp)
        .await
        .context("恢复未进行，数据库未作任何改动")?;
    println!("已从 {} 恢复：{}", from.display(), restored.contents);
    if let Some(previous) = restored.previous {
        println!("原数据库已另存为 {}", previous.display());
    }
    Ok(())
}

/// What `sanzhi user add` was given.
struct NewAccount {
    username: String,
    role: String,
    name: String,
    plan: Option<String>,
    unit: Option<String>,
    password_stdin: bool,
}

/// `sanzhi user add`: an account with the password read from stdin, or a generated one
/// printed once.
async fn user_add(settings: &Settings, a: NewAccount) -> anyhow::Result<()> {
    let NewAccount {
        username,
        role,
        name,
        plan,
        unit,
        password_stdin,
    } = a;
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
    let store = open(settings).await?;
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

/// `sanzhi user list`.
async fn user_list(settings: &Settings) -> anyhow::Result<()> {
    let store = open(settings).await?;
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

/// `sanzhi seed [--dir DIR]`: loads the seed folder (idempotent).
async fn load_seed(settings: &Settings, dir: Option<PathBuf>) -> anyhow::Result<()> {
    let store = open(settings).await?;
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
