//! Whole pages kept between requests: the most-read pages (总览, 我的任务, plan and item pages,
//! indicators) are rendered once per (signed-in user as stored now, language, day, address)
//! and database version, and sent again from memory — already gzipped for browsers that
//! accept it — until anything they show changes.
//!
//! Correctness rests on [`sanzhi_store::Store::versions`], which every write moves —
//! whichever app server made it — in its area: the structure (plans, items, units, reference
//! tables), the tracking (reports, reviews, 催办; also per plan, [`Store::plan_version`]) and
//! the readings. A page is kept under the versions of what it shows ([`PageVersion`]), read
//! *before* it was rendered, and used only while they are unchanged, so a page is never older
//! than its key says — and a pushed reading does not throw away 我的任务, nor a water report
//! the air plan's pages. The user is part of the key as the gate loaded it from the
//! database for this very request (role, unit, plan, name), so a changed or stopped account
//! never sees another's page or its own old one; the day is part of it because statuses are
//! counted as of today. Only complete `200 OK` answers without `Set-Cookie` are kept, and
//! never one that showed an error (`ErrorBox` marks the request's [`PageFlags`]).
//!
//! A kept page's whole database cost is one statement: the gate reads the session's user and
//! the data version together ([`sanzhi_store::Store::page_viewer`], handed over as
//! [`SeenVersion`]); requests the gate checked the ordinary way read the version here.

use app::cache::PageFlags;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use sanzhi_domain::User;
use sanzhi_store::{Store, StoreError, Versions};
use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

/// At most this many pages and this many bytes (plain + gzipped) are kept; the least recently
/// used go first.
const MAX_ENTRIES: usize = 512;
const MAX_BYTES: usize = 32 * 1024 * 1024;
/// A page larger than this is sent but not kept.
const MAX_PAGE: usize = 4 * 1024 * 1024;
/// A rendering is collected up to this size before it is sent (far above any page).
const MAX_COLLECTED: usize = 64 * 1024 * 1024;

/// Whether a GET of `path` is a page this cache keeps.
pub fn cacheable(path: &str) -> bool {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    matches!(
        segments.as_slice(),
        [""] | ["my"] | ["indicators"] | ["plans", _] | ["plans", _, "items", _]
    )
}

/// The signed-in user the gate checked for this request (set by the gate, read here and by
/// the server functions that render the page).
pub use app::auth::GatedUser;

/// The versions the gate read in the same statement as the user (when it did).
#[derive(Debug, Clone, Copy)]
pub struct SeenVersion(pub Versions);

/// The versions a page is kept under: the structure's, and the tracking's and the readings'
/// as far as the page shows them (0 where it does not).
type PageVersion = [i64; 3];

/// The versions of what the page at `path` shows: 总览 everything; 我的任务 the structure and
/// every plan's tracking; 指标 the structure and the readings; a plan's pages the structure
/// and that plan's tracking.
async fn page_version(path: &str, v: Versions, store: &Store) -> Result<PageVersion, StoreError> {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    Ok(match segments.as_slice() {
        ["my"] => [v.structure, v.tracking, 0],
        ["indicators"] => [v.structure, 0, v.readings],
        ["plans", code] | ["plans", code, "items", _] => {
            [v.structure, store.plan_version(code).await?, 0]
        }
        _ => [v.structure, v.tracking, v.readings],
    })
}

#[derive(Debug)]
struct Page {
    version: PageVersion,
    headers: HeaderMap,
    body: Bytes,
    gzip: Bytes,
}

impl Page {
    fn size(&self) -> usize {
        self.body.len() + self.gzip.len()
    }
}

#[derive(Debug, Default)]
pub struct PageCache {
    inner: Mutex<Pages>,
    /// Renderings under way, by key: a request that finds one at least as new as the versions
    /// it read waits for that page instead of rendering the same page again (after a write,
    /// every reader of 总览 would otherwise render it at once).
    flights: Mutex<HashMap<String, Flight>>,
    /// Pages answered from memory (for tests and logs).
    hits: std::sync::atomic::AtomicU64,
    /// Pages answered with another request's rendering (for tests and logs).
    shared: std::sync::atomic::AtomicU64,
}

/// One rendering under way: the versions it read before it began, and where its page is
/// announced (`None` until then; the sender dropped without a page means it was not kept —
/// an error, a cookie set, a request dropped — and each waiter renders for itself).
#[derive(Debug)]
struct Flight {
    id: u64,
    version: PageVersion,
    page: tokio::sync::watch::Sender<Option<Arc<Page>>>,
}

/// Whether a page rendered at `have` may answer a request that read `want`: every version it
/// shows is at least as new (each area's version only grows).
fn at_least(have: PageVersion, want: PageVersion) -> bool {
    have.iter().zip(want.iter()).all(|(h, w)| h >= w)
}

/// The rendering this request leads: announces its page to the waiters, and when dropped
/// without one, lets them render for themselves.
struct Leading<'a> {
    cache: &'a PageCache,
    key: String,
    id: u64,
    page: tokio::sync::watch::Sender<Option<Arc<Page>>>,
}

impl Leading<'_> {
    fn finish(self, page: Arc<Page>) {
        self.page.send_replace(Some(page));
    }
}

impl Drop for Leading<'_> {
    fn drop(&mut self) {
        let mut flights = self.cache.flights.lock().unwrap_or_else(|p| p.into_inner());
        if flights.get(&self.key).is_some_and(|f| f.id == self.id) {
            flights.remove(&self.key);
        }
    }
}

enum Joined<'a> {
    /// Kept meanwhile by a rendering that finished between the first lookup and this one.
    Kept(Arc<Page>),
    Lead(Leading<'a>),
    Wait(tokio::sync::watch::Receiver<Option<Arc<Page>>>),
}

#[derive(Debug, Default)]
struct Pages {
    /// Key → (last use, page).
    map: HashMap<String, (u64, Arc<Page>)>,
    clock: u64,
}

impl PageCache {
    fn lookup(&self, key: &str, version: PageVersion) -> Option<Arc<Page>> {
        let mut pages = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        pages.clock += 1;
        let now = pages.clock;
        let (used, page) = pages.map.get_mut(key)?;
        if page.version != version {
            return None;
        }
        *used = now;
        self.hits.fetch_add(1, Ordering::Relaxed);
        Some(page.clone())
    }

    /// How many pages were answered from memory so far.
    pub fn hits(&self) -> u64 {
        self.hits.load(Ordering::Relaxed)
    }

    /// How many requests were answered with a rendering another request made for them.
    pub fn shared(&self) -> u64 {
        self.shared.load(Ordering::Relaxed)
    }

    /// Joins the rendering of `key` under way when it read versions at least as new as
    /// `version`; else this request leads a new one (later requests join the newer).
    /// `flights` is locked before `inner`, never the other way round.
    fn join(&self, key: &str, version: PageVersion) -> Joined<'_> {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let mut flights = self.flights.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(f) = flights.get(key) {
            if at_least(f.version, version) {
                return Joined::Wait(f.page.subscribe());
            }
        }
        // A rendering keeps its page before it leaves `flights`: looked up again under the
        // lock, a page that finished since the first lookup is found here, not rendered twice.
        if let Some(page) = self.lookup(key, version) {
            return Joined::Kept(page);
        }
        let id = NEXT.fetch_add(1, Ordering::Relaxed);
        let (page, _) = tokio::sync::watch::channel(None);
        flights.insert(
            key.to_owned(),
            Flight {
                id,
                version,
                page: page.clone(),
            },
        );
        Joined::Lead(Leading {
            cache: self,
            key: key.to_owned(),
            id,
            page,
        })
    }

    fn store(&self, key: String, page: Arc<Page>) {
        let mut pages = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        // The page this one replaces can never be used again; pages of other addresses whose
        // versions moved on go when they are least recently used.
        pages.map.remove(&key);
        let mut bytes: usize = pages.map.values().map(|(_, p)| p.size()).sum();
        while pages.map.len() >= MAX_ENTRIES || bytes + page.size() > MAX_BYTES {
            let Some(oldest) = pages
                .map
                .iter()
                .min_by_key(|(_, (used, _))| *used)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            if let Some((_, old)) = pages.map.remove(&oldest) {
                bytes -= old.size();
            }
        }
        pages.clock += 1;
        let now = pages.clock;
        pages.map.insert(key, (now, page));
    }

    /// How many pages are kept (for tests).
    pub fn len(&self) -> usize {
        self.inner.lock().map_or(0, |p| p.map.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';');
            let name = parts.next().unwrap_or_default().trim();
            // `gzip;q=0` refuses it.
            let refused = parts.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    == Some(0.0)
            });
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        })
}

fn key_of(user: &User, req: &Request<Body>) -> String {
    let lang = app::i18n::parse(&app::i18n::cookie_of(req.headers()).unwrap_or_default());
    let user = serde_json::to_string(user).unwrap_or_default();
    let address = req.uri().path_and_query().map_or("/", |p| p.as_str());
    format!("{user}\n{lang:?}\n{}\n{address}", app::api::today())
}

fn answer(page: &Page, gzip: bool) -> Response {
    let mut response = Response::new(Body::from(if gzip {
        page.gzip.clone()
    } else {
        page.body.clone()
    }));
    *response.headers_mut() = page.headers.clone();
    let headers = response.headers_mut();
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if gzip {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    headers.insert(
        header::CONTENT_LENGTH,
        HeaderValue::from(if gzip {
            page.gzip.len()
        } else {
            page.body.len()
        }),
    );
    response
}

fn gzipped(body: &[u8]) -> Option<Bytes> {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 4),
        // Level 3: a 总览 page (~0.5 MB) in ~1.5 ms rather than ~3.8 ms at the default 6, for
        // ~17% more bytes sent — it is compressed again after every write that changes it.
        flate2::Compression::new(3),
    );
    encoder.write_all(body).ok()?;
    encoder.finish().ok().map(Bytes::from)
}

/// The middleware (inside the gate): answers a cacheable page from memory when the database
/// has not changed since it was rendered for this key, and keeps a fresh rendering otherwise.
pub async fn page_cache(
    State((store, cache)): State<(Store, Arc<PageCache>)>,
    req: Request<Body>,
    next: Next,
) -> Response {
    let key = req
        .extensions()
        .get::<GatedUser>()
        .filter(|_| req.method() == Method::GET && cacheable(req.uri().path()))
        .map(|u| key_of(&u.0, &req));
    let Some(key) = key else {
        return next.run(req).await;
    };
    let versions = match req.extensions().get::<SeenVersion>() {
        Some(SeenVersion(v)) => *v,
        None => match store.versions().await {
            Ok(v) => v,
            Err(_) => return next.run(req).await,
        },
    };
    let Ok(version) = page_version(req.uri().path(), versions, &store).await else {
        return next.run(req).await;
    };
    let gzip = accepts_gzip(req.headers());
    if let Some(page) = cache.lookup(&key, version) {
        return answer(&page, gzip);
    }
    let leading = match cache.join(&key, version) {
        Joined::Kept(page) => return answer(&page, gzip),
        Joined::Lead(leading) => Some(leading),
        Joined::Wait(mut page) => {
            if let Ok(page) = page.wait_for(Option::is_some).await {
                if let Some(page) = page.as_ref() {
                    cache.shared.fetch_add(1, Ordering::Relaxed);
                    return answer(page, gzip);
                }
            }
            // The rendering was not kept: this request renders its own.
            None
        }
    };
    let flags = PageFlags::default();
    let mut req = req;
    req.extensions_mut().insert(flags.clone());
    let response = next.run(req).await;
    if response.status() != StatusCode::OK
        || response.headers().contains_key(header::SET_COOKIE)
        || response.headers().contains_key(header::CONTENT_ENCODING)
    {
        return response;
    }
    let (parts, body) = response.into_parts();
    let body = match axum::body::to_bytes(body, MAX_COLLECTED).await {
        Ok(body) => body,
        Err(e) => {
            // The rendering failed half-way: nothing was sent yet, so the answer is an error
            // rather than a cut page.
            tracing::error!(error = %e, "page not collected");
            return Response::builder()
                .status(StatusCode::INTERNAL_SERVER_ERROR)
                .body(Body::from("服务器内部错误，请稍后重试"))
                .unwrap_or_default();
        }
    };
    let Some(gz) = gzipped(&body) else {
        return Response::from_parts(parts, Body::from(body));
    };
    let mut headers = parts.headers.clone();
    headers.remove(header::CONTENT_LENGTH);
    headers.remove(header::TRANSFER_ENCODING);
    let page = Arc::new(Page {
        version,
        headers,
        body,
        gzip: gz,
    });
    let response = answer(&page, gzip);
    // Read after the whole body was rendered: an error shown anywhere on the page counts.
    if page.body.len() <= MAX_PAGE && !flags.not_kept.load(Ordering::Relaxed) {
        cache.store(key, page.clone());
        if let Some(leading) = leading {
            leading.finish(page);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_is_accepted_unless_refused() {
        let with = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(
                header::ACCEPT_ENCODING,
                HeaderValue::from_str(v).expect("ascii"),
            );
            accepts_gzip(&h)
        };
        assert!(with("gzip, deflate, br"));
        assert!(with("br;q=1.0, GZIP;q=0.5"));
        assert!(with("*"));
        assert!(!with("gzip;q=0"));
        assert!(!with("gzip; q=0.000, br"));
        assert!(!with("identity"));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }

    #[test]
    fn only_the_daily_pages_are_kept() {
        for kept in [
            "/",
            "/my",
            "/indicators",
            "/plans/water",
            "/plans/water/items/28",
        ] {
            assert!(cacheable(kept), "{kept}");
        }
        for not in [
            "/login",
            "/admin/accounts",
            "/api/overview",
            "/plans/water/x",
            "/review",
        ] {
            assert!(!cacheable(not), "{not}");
        }
    }
}
