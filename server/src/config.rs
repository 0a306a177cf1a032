//! Settings, layered: built-in defaults, then a TOML file, then `SANZHI_*` environment
//! variables (`SANZHI_SERVER__ADDR=0.0.0.0:8080`, `SANZHI_DATABASE__URL=…`), then the
//! conventional `DATABASE_URL`. The database URL is a secret: it is never printed whole.

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub seed: SeedSettings,
    pub site: SiteSettings,
    pub log: LogSettings,
    pub reports: ReportSettings,
    pub reminders: ReminderSettings,
    pub smtp: SmtpSettings,
}

/// The daily reminders (digests) and their delivery.
#[derive(Debug, Clone, Deserialize)]
pub struct ReminderSettings {
    /// Run the scheduler in this server (several servers may: each day is made once).
    pub enabled: bool,
    /// The hour (China time, 0–23) from which the day's digests are made.
    pub hour: u32,
    /// The address links in e-mails and robot messages point to; empty: the site's address.
    pub base_url: String,
    /// Days missed while stopped are made on start, at most this many back.
    pub catch_up_days: u32,
    /// Seconds between the scheduler's passes (making due days, sending the outbox).
    pub every_secs: u64,
}

/// How e-mail is sent. An empty `host` turns e-mail off (digests still reach the inbox and
/// the webhooks).
#[derive(Clone, Deserialize)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    /// `none` (plain, for a local relay), `starttls` or `tls`.
    pub tls: SmtpTls,
    pub username: String,
    pub password: SecretString,
    /// `三治督办 <noreply@example.org>`.
    pub from: String,
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field("password", &"***")
            .field("from", &self.from)
            .finish()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    None,
    Starttls,
    Tls,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ReportSettings {
    /// A report dated more than this many days before it is made is marked 补报.
    pub backdate_days: i64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ServerSettings {
    /// Where to listen, e.g. `127.0.0.1:3000`. Port 0 picks a free port.
    pub addr: SocketAddr,
    /// The largest file an import accepts, in MiB.
    pub upload_max_mb: usize,
    /// Mark the session cookie `Secure` (set when served over HTTPS).
    pub secure_cookies: bool,
    /// Let anonymous visitors read 总览 (off by default).
    pub public_overview: bool,
    /// Reverse proxies (IP addresses, comma-separated) whose `X-Forwarded-For` is believed.
    pub trusted_proxies: String,
    /// The addresses the site is served at (`https://sanzhi.example`, comma-separated); writes
    /// from any other origin are refused. Empty: the request's own host.
    pub public_origins: String,
}

#[derive(Clone, Deserialize)]
pub struct DatabaseSettings {
    /// `sqlite:data/sanzhi.db` or `postgres://user:password@host/db`.
    pub url: SecretString,
}

impl std::fmt::Debug for DatabaseSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DatabaseSettings")
            .field("url", &redact_url(self.url.expose_secret()))
            .finish()
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct SeedSettings {
    /// The seed folder.
    pub dir: PathBuf,
    /// Load the seed when the database has no plans yet (first start).
    pub on_empty_start: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SiteSettings {
    /// Where cargo-leptos wrote the site (`pkg/` with the wasm, JS and CSS).
    pub root: String,
    /// The base name of the wasm/JS/CSS files.
    pub output_name: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LogSettings {
    /// `pretty` for people, `json` for log collectors.
    pub format: LogFormat,
    /// A `tracing` filter such as `info,sqlx=warn`; `RUST_LOG` overrides it.
    pub filter: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

const DEFAULTS: &str = r#"
[server]
addr = "127.0.0.1:3000"
upload_max_mb = 64
secure_cookies = false
public_overview = false
trusted_proxies = ""
public_origins = ""

[database]
url = "sqlite:data/sanzhi.db"

[seed]
dir = "seed"
on_empty_start = true

[site]
root = "target/site"
output_name = "sanzhi"

[log]
format = "pretty"
filter = "info,sqlx=warn,tower_http=info"

[reports]
backdate_days = 7

[reminders]
enabled = true
hour = 8
base_url = ""
catch_up_days = 7
every_secs = 60

[smtp]
host = ""
port = 587
tls = "starttls"
username = ""
password = ""
from = "三治督办 <noreply@localhost>"
"#;

impl Settings {
    /// Reads the settings. `file` is optional; a named file that does not exist is an error.
    pub fn load(file: Option<&Path>) -> Result<Settings, ::config::ConfigError> {
        let mut builder = ::config::Config::builder().add_source(::config::File::from_str(
            DEFAULTS,
            ::config::FileFormat::Toml,
        ));
        if let Some(file) = file {
            builder = builder.add_source(::config::File::from(file).required(true));
        }
        builder = builder.add_source(
            ::config::Environment::with_prefix("SANZHI")
                .prefix_separator("_")
                .separator("__"),
        );
        if let Ok(url) = std::env::var("DATABASE_URL") {
            if !url.is_empty() {
                builder = builder.set_override("database.url", url)?;
            }
        }
        builder.build()?.try_deserialize()
    }
}

impl Settings {
    /// The security settings, checked: a bad proxy address or origin is an error naming it.
    pub fn security(&self) -> anyhow::Result<app::state::Security> {
        let list = |s: &str| -> Vec<String> {
            s.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        };
        let mut trusted_proxies = Vec::new();
        for p in list(&self.server.trusted_proxies) {
            trusted_proxies.push(
                p.parse()
                    .map_err(|_| anyhow::anyhow!("server.trusted_proxies：“{p}”不是 IP 地址"))?,
            );
        }
        let mut public_origins = Vec::new();
        for o in list(&self.server.public_origins) {
            public_origins.push(app::url::origin_of(&o).ok_or_else(|| {
                anyhow::anyhow!(
                    "server.public_origins：“{o}”应为 http(s)://主机[:端口]，如 https://sanzhi.example"
                )
            })?);
        }
        if !(0..=3650).contains(&self.reports.backdate_days) {
            anyhow::bail!("reports.backdate_days：应为 0–3650 天");
        }
        Ok(app::state::Security {
            trusted_proxies,
            public_origins,
            backdate_days: self.reports.backdate_days,
        })
    }
}

/// A database URL fit for logs: scheme, host and database, never the password.
pub fn redact_url(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let rest = match rest.rsplit_once('@') {
                // A user without a password is shown as it is.
                Some((userinfo, host)) => match userinfo.split_once(':') {
                    Some((user, _)) => format!("{user}:***@{host}"),
                    None => format!("{userinfo}@{host}"),
                },
                None => rest.to_owned(),
            };
            format!("{scheme}://{rest}")
        }
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_the_log() {
        assert_eq!(
            redact_url("postgres://sanzhi:s3cret@db:5432/sanzhi"),
            "postgres://sanzhi:***@db:5432/sanzhi"
        );
        assert_eq!(redact_url("sqlite:data/sanzhi.db"), "sqlite:data/sanzhi.db");
        // No password: nothing to hide, and the URL still works as printed.
        assert_eq!(
            redact_url("postgres://postgres@127.0.0.1:5432/sanzhi"),
            "postgres://postgres@127.0.0.1:5432/sanzhi"
        );
        assert_eq!(redact_url("postgres://u:p@ss@h/d"), "postgres://u:***@h/d");
        let s = DatabaseSettings {
            url: SecretString::from("postgres://u:hunter2@h/d"),
        };
        let shown = format!("{s:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
    }

    #[test]
    fn defaults_file_and_environment_layer_in_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("sanzhi.toml");
        std::fs::write(
            &file,
            "[server]\naddr = \"127.0.0.1:4000\"\n[log]\nformat = \"json\"\n",
        )
        .expect("write");
        // Environment variables are process-wide; this is the only test that reads them.
        let s = Settings::load(Some(&file)).expect("load");
        assert_eq!(s.server.addr.port(), 4000);
        assert_eq!(s.log.format, LogFormat::Json);
        assert_eq!(s.site.output_name, "sanzhi");

        let missing = Settings::load(Some(&dir.path().join("nope.toml")));
        assert!(missing.is_err());
    }
}
