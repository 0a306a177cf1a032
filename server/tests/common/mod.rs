//! The test server shared by the HTTP test files: the real router on a free port with its
//! own database and test accounts, and `on_both_backends!` to run a story on SQLite and
//! PostgreSQL.
#![allow(dead_code)]

use app::state::AppState;
use leptos::config::LeptosOptions;
use sanzhi_store::testing::TestDb;
use std::path::Path;

/// The upload limit of the test server: 1 MiB.
pub const UPLOAD_LIMIT: usize = 1024 * 1024;

/// The test accounts: (username, role, plan, unit).
pub const ACCOUNTS: [(&str, &str, Option<&str>, Option<&str>); 7] = [
    ("t-admin", "admin", None, None),
    ("t-leader", "leader", None, None),
    ("t-water", "coordinator", Some("water"), None),
    ("t-air", "coordinator", Some("air"), None),
    ("t-kaihua", "reporter", None, Some("开化县政府")),
    ("t-kecheng", "reporter", None, Some("柯城区政府")),
    ("t-hbj", "reporter", None, Some("市环保局")),
];
pub const PASSWORD: &str = "correct horse battery";

/// A client with a cookie jar, signed in through `/api/login` like a browser.
pub async fn signed_in(base: &str, username: &str) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        // A hung request fails the test instead of stopping the whole run.
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .expect("client");
    let resp = client
        .post(format!("{base}/api/login"))
        .form(&[("username", username), ("password", PASSWORD)])
        .send()
        .await
        .expect("login");
    assert_eq!(resp.status(), 200, "login as {username}");
    client
}

/// Signs `username` in and returns its session cookie (`name=value`), for requests that send
/// their own `Cookie` header (reqwest's cookie jar adds nothing to those).
pub async fn session_cookie(app: &TestApp, username: &str) -> String {
    let login = reqwest::Client::new()
        .post(format!("{}/api/login", app.base))
        .form(&[("username", username), ("password", PASSWORD)])
        .send()
        .await
        .expect("login");
    assert_eq!(login.status(), 200, "login as {username}");
    login.headers()["set-cookie"]
        .to_str()
        .expect("ascii")
        .split(';')
        .next()
        .expect("cookie")
        .to_owned()
}

/// The page at `url` as `username` sees it with the language cookie set to English.
pub async fn in_english(app: &TestApp, username: &str, url: &str) -> String {
    let session = session_cookie(app, username).await;
    reqwest::Client::new()
        .get(url)
        .header("cookie", format!("{session}; sanzhi_lang=en"))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("html")
}

/// Fails if an account `username` exists.
pub async fn assert_no_account(app: &TestApp, username: &str) {
    let users = app.db.store.users().await.expect("users");
    assert!(
        users.iter().all(|u| u.username != username),
        "account {username} was made"
    );
}

/// `POST /api/import/plan?{query}` with `body` (the file) as `user`: (status, JSON answer, or
/// the text when it is not JSON).
pub async fn import_plan_as(
    app: &TestApp,
    user: &str,
    body: Vec<u8>,
    query: &str,
) -> (u16, serde_json::Value) {
    let resp = app
        .client_for(user)
        .await
        .post(format!("{}/api/import/plan?{query}", app.base))
        .header("content-type", "application/octet-stream")
        .body(body)
        .send()
        .await
        .expect("POST import");
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    let json = serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text));
    (status, json)
}

/// `s` percent-encoded for a query string (every byte but unreserved ASCII).
pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Today in China time, as the server counts days.
pub fn china_today() -> sanzhi_domain::chrono::NaiveDate {
    sanzhi_domain::report::china_day(sanzhi_domain::chrono::Utc::now())
}

/// This year in China time.
pub fn this_year() -> i32 {
    use sanzhi_domain::chrono::Datelike;
    china_today().year()
}

/// POSTs a form and reads the JSON answer, whatever the status.
pub async fn post_json(
    client: &reqwest::Client,
    url: String,
    form: &[(&str, &str)],
) -> serde_json::Value {
    client
        .post(url)
        .form(form)
        .send()
        .await
        .expect("POST")
        .json()
        .await
        .expect("json")
}

/// How a test server differs from the default one.
pub struct Options {
    pub public_overview: bool,
    /// `false`: the router without its gate, to prove each server function and route checks
    /// its caller itself.
    pub gated: bool,
    pub security: app::state::Security,
    pub secure_cookies: bool,
    /// `false`: no account at all (a first run); `client` is then not signed in.
    pub accounts: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            public_overview: false,
            gated: true,
            security: app::state::Security::default(),
            secure_cookies: false,
            accounts: true,
        }
    }
}

pub struct TestApp {
    pub base: String,
    pub db: TestDb,
    pub client: reqwest::Client,
    pub server: tokio::task::JoinHandle<()>,
    /// The server's page cache, to look into.
    pub pages: std::sync::Arc<server::page_cache::PageCache>,
}

impl TestApp {
    pub async fn spawn(db: TestDb) -> TestApp {
        Self::spawn_with(db, false).await
    }

    pub async fn spawn_with(db: TestDb, public_overview: bool) -> TestApp {
        Self::spawn_options(
            db,
            Options {
                public_overview,
                ..Options::default()
            },
        )
        .await
    }

    pub async fn spawn_options(db: TestDb, options: Options) -> TestApp {
        let Options {
            public_overview,
            gated,
            security,
            secure_cookies,
            accounts,
        } = options;
        let seed = sanzhi_seed::load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../seed"))
            .expect("seed");
        db.store.load_seed(&seed).await.expect("load seed");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let state = AppState {
            store: db.store.clone(),
            leptos_options: LeptosOptions::builder()
                .output_name("sanzhi")
                .site_addr(addr)
                .build(),
            // Small, so that the oversized-upload test stays small.
            upload_limit: UPLOAD_LIMIT,
            secure_cookies,
            public_overview,
            caches: Default::default(),
            security: std::sync::Arc::new(security),
        };
        let pages = std::sync::Arc::<server::page_cache::PageCache>::default();
        let router = if gated {
            server::router::build_router_with(state, pages.clone())
        } else {
            server::router::build_router_ungated(state)
        };
        let server = tokio::spawn(async move {
            axum::serve(
                listener,
                router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
            )
            .await
            .expect("serve");
        });
        let base = format!("http://{addr}");
        if !accounts {
            return TestApp {
                client: reqwest::Client::builder()
                    .cookie_store(true)
                    .timeout(std::time::Duration::from_secs(60))
                    .build()
                    .expect("client"),
                base,
                db,
                server,
                pages,
            };
        }
        for (username, role, plan, unit) in ACCOUNTS {
            server::users::add(
                &db.store,
                username,
                &format!("测试{username}"),
                sanzhi_domain::Role::parse(role).expect("role"),
                plan.map(Into::into),
                unit.map(Into::into),
                PASSWORD,
                false,
                "test",
            )
            .await
            .expect("account");
        }
        // Reads and the 市环保局 reports of the tracking tests go through this reporter.
        let client = signed_in(&base, "t-hbj").await;
        TestApp {
            base,
            db,
            client,
            server,
            pages,
        }
    }

    /// A fresh client signed in as `username`.
    pub async fn client_for(&self, username: &str) -> reqwest::Client {
        signed_in(&self.base, username).await
    }

    /// The text of the page at `path` as `client` sees it.
    pub async fn page_as(&self, client: &reqwest::Client, path: &str) -> String {
        client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("GET")
            .text()
            .await
            .expect("text")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("GET")
    }

    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.base))
            .form(form)
            .send()
            .await
            .expect("POST")
    }

    pub async fn finish(self) {
        self.server.abort();
        self.db.finish().await;
    }
}

#[macro_export]
macro_rules! on_both_backends {
    ($($story:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $story() {
                    let app = super::TestApp::spawn(sanzhi_store::testing::TestDb::sqlite().await).await;
                    super::$story(&app).await;
                    app.finish().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $story() {
                    let Some(db) = sanzhi_store::testing::TestDb::postgres().await else { return };
                    let app = super::TestApp::spawn(db).await;
                    super::$story(&app).await;
                    app.finish().await;
                }
            )*
        }
    };
}

/// `with_options!(name, story, options)`: `mod name` with the story on SQLite and PostgreSQL,
/// each on a test server made with `options`.
#[macro_export]
macro_rules! with_options {
    ($name:ident, $story:ident, $options:expr) => {
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                let app =
                    super::TestApp::spawn_options(super::TestDb::sqlite().await, $options).await;
                super::$story(&app).await;
                app.finish().await;
            }

            #[tokio::test]
            async fn postgres() {
                let Some(db) = super::TestDb::postgres().await else {
                    return;
                };
                let app = super::TestApp::spawn_options(db, $options).await;
                super::$story(&app).await;
                app.finish().await;
            }
        }
    };
}

/// The `sanzhi serve` process itself (not the router in this process): the binary at
/// `SANZHI_BIN` when set (the release build), otherwise this package's own build.
pub struct ServerProcess {
    pub base: String,
    url: String,
    addr: String,
    site: tempfile::TempDir,
    child: Option<std::process::Child>,
}

impl ServerProcess {
    pub fn binary() -> std::path::PathBuf {
        std::env::var_os("SANZHI_BIN")
            .filter(|v| !v.is_empty())
            .map_or_else(
                || std::path::PathBuf::from(env!("CARGO_BIN_EXE_sanzhi")),
                std::path::PathBuf::from,
            )
    }

    /// Starts the server on `url` (on a free port, unless `addr` is given) and waits until
    /// `/healthz` answers 200.
    pub async fn start(url: &str, addr: Option<&str>) -> ServerProcess {
        let addr = addr.map_or_else(
            || {
                let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
                l.local_addr().expect("addr").to_string()
            },
            str::to_owned,
        );
        let mut p = ServerProcess {
            base: format!("http://{addr}"),
            url: url.to_owned(),
            addr,
            site: tempfile::tempdir().expect("site dir"),
            child: None,
        };
        p.restart().await;
        p
    }

    /// Starts the server again (after [`ServerProcess::kill`]) on the same port.
    pub async fn restart(&mut self) {
        assert!(self.child.is_none(), "already running");
        // Its output is discarded: a killed server's log is of no use here.
        let child = std::process::Command::new(Self::binary())
            .arg("serve")
            .env("DATABASE_URL", &self.url)
            .env("SANZHI_SERVER__ADDR", &self.addr)
            .env("SANZHI_SITE__ROOT", self.site.path())
            .env("SANZHI_LOG__FILTER", "error")
            .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start the server");
        self.child = Some(child);
        for _ in 0..300 {
            if let Ok(r) = reqwest::get(format!("{}/healthz", self.base)).await {
                if r.status() == 200 {
                    return;
                }
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("the server at {} did not become ready in 30 s", self.base);
    }

    /// SIGKILL, and wait for the process to be gone.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().expect("SIGKILL");
            child.wait().expect("reaped");
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The first of `libreoffice` / `soffice` on PATH.
pub fn office() -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|d| [d.join("libreoffice"), d.join("soffice")])
        .find(|p| p.is_file())
}

/// One LibreOffice at a time: two headless instances started together crash one another,
/// even with profiles of their own.
static OFFICE: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Converts `file` with LibreOffice to `to` (a filter spec) in `dir`; returns the output.
pub fn office_convert(
    office: &std::path::Path,
    dir: &std::path::Path,
    file: &str,
    to: &str,
    ext: &str,
) -> String {
    let converted = office_convert_file(office, dir, file, to, ext);
    std::fs::read_to_string(&converted).expect("converted text")
}

/// Converts `file` with LibreOffice to `to` in `dir/ext/`; the converted file's path.
pub fn office_convert_file(
    office: &std::path::Path,
    dir: &std::path::Path,
    file: &str,
    to: &str,
    ext: &str,
) -> std::path::PathBuf {
    // Its own profile, so that it neither waits for nor hands off to another instance.
    let profile = format!(
        "-env:UserInstallation=file://{}",
        dir.join("profile").display()
    );
    let _one = OFFICE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let out = std::process::Command::new(office)
        .arg(&profile)
        .args(["--headless", "--norestore", "--convert-to", to, "--outdir"])
        .arg(dir.join(ext))
        .arg(dir.join(file))
        .output()
        .expect("run libreoffice");
    let converted = dir
        .join(ext)
        .join(std::path::Path::new(file).with_extension(ext));
    assert!(
        converted.is_file(),
        "LibreOffice did not convert {file} to {ext}: status {}, stdout {}, stderr {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    converted
}

/// A program on PATH.
pub fn tool(name: &str) -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}
