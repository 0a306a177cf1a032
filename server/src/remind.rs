//! The reminder scheduler and the outbox's sender (issue 22).
//!
//! Each app server runs [`run`] in the background. Once a minute it
//! 1. makes the digests of every day from the one after the last made (at most
//!    `catch_up_days` back) to today, once `hour` (China time) has come: the day's row and its
//!    digests and outbox are written in one transaction, and a second server (or a second
//!    try) that finds the day made writes nothing — every day is made once, whoever makes it;
//! 2. sends what the outbox holds: each message is leased to one server before it is sent, so
//!    two servers never send it at once; a failure is tried again with a growing wait (1 min,
//!    2, 4, … at most 6 h) and given up after [`MAX_ATTEMPTS`]; a server stopped mid-send
//!    leaves a lease that runs out, and the message is sent by the next pass.
//!
//! `sanzhi remind --date YYYY-MM-DD [--dry-run]` runs the same [`make_day`] for one day.

use crate::config::{ReminderSettings, SmtpSettings, SmtpTls};
use anyhow::Context;
use sanzhi_domain::chrono::{DateTime, NaiveDate, Utc};
use sanzhi_domain::remind::{self, Digest};
use sanzhi_store::{DayWritten, OutboxJob, Store, TrackScope, UrgeScope};
use secrecy::ExposeSecret;

/// A message is given up after this many failed attempts.
pub const MAX_ATTEMPTS: i32 = 8;
/// How long a server may take to send one message before another may try it.
const LEASE_SECS: i64 = 120;
/// Messages sent per pass.
const BATCH: i64 = 50;

/// What making a day did.
#[derive(Debug)]
pub struct MadeDay {
    pub day: NaiveDate,
    pub digests: Vec<Digest>,
    /// `None`: the day had been made already (nothing written), or a dry run.
    pub written: Option<DayWritten>,
}

/// The digests of `day` (statuses as of that day and the day before), written with their
/// outbox unless `dry_run`.
pub async fn make_day(
    store: &Store,
    day: NaiveDate,
    ran_by: &str,
    is_demo: bool,
    dry_run: bool,
    now: DateTime<Utc>,
) -> anyhow::Result<MadeDay> {
    if !dry_run && store.reminder_day_done(day).await? {
        return Ok(MadeDay {
            day,
            digests: Vec::new(),
            written: None,
        });
    }
    let digests = digests_of(store, day).await?;
    let written = if dry_run {
        None
    } else {
        store
            .write_digests(day, &digests, ran_by, is_demo, now)
            .await?
    };
    Ok(MadeDay {
        day,
        digests,
        written,
    })
}

/// Computes the digests of `day` from the database.
pub async fn digests_of(store: &Store, day: NaiveDate) -> anyhow::Result<Vec<Digest>> {
    let before = day.pred_opt().context("日期超出范围")?;
    // From the status facts, with the returned reports read for their reasons (not every
    // report: issue 26).
    let mut both = store
        .statuses_on_days_with_returned(
            &TrackScope::default(),
            &[before, day],
            sanzhi_domain::status::DUE_SOON_DAYS,
        )
        .await?;
    // Only the plans in effect remind anyone: a draft is not issued yet, a closed plan is over.
    let mut today = both.pop().unwrap_or_default();
    let mut yesterday = both.pop().unwrap_or_default();
    today.retain(|r| r.in_daily_views(day));
    yesterday.retain(|r| r.in_daily_views(before));
    let settings = store.reminder_settings().await?;
    let urges = store.urges(&UrgeScope::default()).await?;
    Ok(remind::digests(&remind::DayFacts {
        day,
        today: &today,
        yesterday: &yesterday,
        urges: &urges,
        settings: &settings,
    }))
}

/// The days to make on `today` at `hour_now` (China time): from the day after the last made
/// (at most `catch_up_days` back; today alone on a first run) to today, once the hour has
/// come; before it, up to yesterday.
pub fn days_due(
    last: Option<NaiveDate>,
    today: NaiveDate,
    hour_now: u32,
    settings: &ReminderSettings,
) -> Vec<NaiveDate> {
    let until = if hour_now >= settings.hour {
        Some(today)
    } else {
        today.pred_opt()
    };
    let Some(until) = until else {
        return Vec::new();
    };
    let earliest = today - sanzhi_domain::chrono::Days::new(u64::from(settings.catch_up_days));
    let from = match last {
        Some(l) => l.succ_opt().unwrap_or(l).max(earliest),
        // A first run begins with today, once the hour has come.
        None if hour_now >= settings.hour => today,
        None => return Vec::new(),
    };
    from.iter_days().take_while(|d| *d <= until).collect()
}

/// The outbox's sender: the SMTP transport (when configured) and an HTTP client.
pub struct Sender {
    base_url: String,
    smtp: Option<(
        lettre::AsyncSmtpTransport<lettre::Tokio1Executor>,
        lettre::message::Mailbox,
    )>,
    http: reqwest::Client,
}

impl Sender {
    pub fn new(base_url: &str, smtp: &SmtpSettings) -> anyhow::Result<Sender> {
        let smtp = if smtp.host.trim().is_empty() {
            None
        } else {
            use lettre::transport::smtp::authentication::Credentials;
            let mut builder = match smtp.tls {
                SmtpTls::None => {
                    lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::builder_dangerous(
                        smtp.host.trim(),
                    )
                }
                SmtpTls::Starttls => {
                    lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::starttls_relay(
                        smtp.host.trim(),
                    )
                    .context("SMTP 设置有误")?
                }
                SmtpTls::Tls => {
                    lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::relay(smtp.host.trim())
                        .context("SMTP 设置有误")?
                }
            }
            .port(smtp.port)
            .timeout(Some(std::time::Duration::from_secs(30)));
            if !smtp.username.is_empty() {
                builder = builder.credentials(Credentials::new(
                    smtp.username.clone(),
                    smtp.password.expose_secret().to_owned(),
                ));
            }
            let from: lettre::message::Mailbox = smtp
                .from
                .parse()
                .with_context(|| format!("smtp.from“{}”不是邮件地址", smtp.from))?;
            Some((builder.build(), from))
        };
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(20))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .context("HTTP 客户端")?;
        Ok(Sender {
            base_url: base_url.trim_end_matches('/').to_owned(),
            smtp,
            http,
        })
    }

    /// Sends one message; the error is safe to store and show (no address token, no secret).
    pub async fn send(&self, job: &OutboxJob) -> Result<(), String> {
        match job.row.channel.as_str() {
            "email" => self.email(job).await,
            "webhook" => self.webhook(job).await,
            other => Err(format!("未知的发送方式 {other}")),
        }
    }

    async fn email(&self, job: &OutboxJob) -> Result<(), String> {
        use lettre::AsyncTransport;
        let Some((transport, from)) = &self.smtp else {
            return Err("未配置 SMTP（smtp.host）".to_owned());
        };
        let to: lettre::message::Mailbox = job
            .row
            .target
            .parse()
            .map_err(|_| format!("“{}”不是邮件地址", job.row.target))?;
        let message = lettre::Message::builder()
            .from(from.clone())
            .to(to)
            .subject(&job.title)
            .header(lettre::message::header::ContentType::TEXT_PLAIN)
            .body(job.digest.text(&self.base_url))
            .map_err(|e| format!("邮件无法生成：{e}"))?;
        transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| format!("邮件发送失败：{e}"))
    }

    async fn webhook(&self, job: &OutboxJob) -> Result<(), String> {
        let Some(hook) = &job.hook else {
            return Err("接收地址已删除".to_owned());
        };
        if !hook.active {
            return Err("接收地址已停用".to_owned());
        }
        let markdown = job.digest.markdown(&self.base_url);
        let (url, body) = match hook.kind.as_str() {
            "dingtalk" => {
                let url = match &hook.secret {
                    Some(secret) => {
                        let ts = Utc::now().timestamp_millis();
                        format!(
                            "{}{}timestamp={ts}&sign={}",
                            hook.url,
                            if hook.url.contains('?') { "&" } else { "?" },
                            dingtalk_sign(secret, ts)
                        )
                    }
                    None => hook.url.clone(),
                };
                let body = serde_json::json!({
                    "msgtype": "markdown",
                    "markdown": { "title": job.title, "text": markdown },
                });
                (url, body)
            }
            "wecom" => (
                hook.url.clone(),
                serde_json::json!({ "msgtype": "markdown", "markdown": { "content": markdown } }),
            ),
            _ => (
                hook.url.clone(),
                serde_json::json!({
                    "type": "sanzhi.digest",
                    "id": format!("sanzhi-outbox-{}", job.row.id),
                    "unit": job.digest.unit,
                    "day": job.digest.day,
                    "title": job.title,
                    "lines": job.digest.lines,
                    "markdown": markdown,
                }),
            ),
        };
        let body = serde_json::to_vec(&body).map_err(|e| e.to_string())?;
        let mut request = self
            .http
            .post(&url)
            .header("content-type", "application/json; charset=utf-8")
            .header("idempotency-key", format!("sanzhi-outbox-{}", job.row.id));
        if hook.kind == "json" {
            if let Some(secret) = &hook.secret {
                request = request.header(
                    "x-sanzhi-signature",
                    format!("sha256={}", hmac_hex(secret, &body)),
                );
            }
        }
        let masked = remind::mask_url(&hook.url);
        let answer = request
            .body(body)
            .send()
            .await
            .map_err(|e| format!("{masked}：{}", e.without_url()))?;
        let status = answer.status();
        let text = answer.text().await.unwrap_or_default();
        if !status.is_success() {
            return Err(format!(
                "{masked}：HTTP {status} {}",
                remind::short(&text, 200)
            ));
        }
        // The robots answer 200 with their own error code.
        if hook.kind != "json" {
            let code = serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|v| v.get("errcode").and_then(serde_json::Value::as_i64));
            if code != Some(0) {
                return Err(format!(
                    "{masked}：机器人拒收 {}",
                    remind::short(&text, 200)
                ));
            }
        }
        Ok(())
    }
}

/// 钉钉 / 浙政钉's robot signature: Base64 of HMAC-SHA256 over "timestamp\nsecret" keyed by
/// the secret, URL-encoded.
pub fn dingtalk_sign(secret: &str, timestamp_ms: i64) -> String {
    use base64::Engine;
    use hmac::Mac;
    let mut mac =
        hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(format!("{timestamp_ms}\n{secret}").as_bytes());
    let sign = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    percent_encoding::utf8_percent_encode(&sign, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// Hex HMAC-SHA256 of `body` keyed by `secret` (plain JSON hooks' `X-Sanzhi-Signature`).
pub fn hmac_hex(secret: &str, body: &[u8]) -> String {
    use hmac::Mac;
    let mut mac =
        hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(body);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The wait before attempt `attempts + 1`: 1 min, 2, 4, … at most 6 h.
pub fn backoff_secs(attempts: i32) -> i64 {
    let n = u32::try_from(attempts.clamp(0, 20)).unwrap_or(0);
    (60_i64 << n).min(6 * 3600)
}

/// What a sending pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Sent {
    pub sent: usize,
    pub retrying: usize,
    pub given_up: usize,
}

/// Sends the messages due at `now`.
pub async fn deliver(store: &Store, sender: &Sender, now: DateTime<Utc>) -> anyhow::Result<Sent> {
    let mut out = Sent::default();
    loop {
        let jobs = store
            .claim_outbox(now.timestamp(), LEASE_SECS, BATCH)
            .await?;
        if jobs.is_empty() {
            return Ok(out);
        }
        for job in &jobs {
            match sender.send(job).await {
                Ok(()) => {
                    store.outbox_sent(job.row.id, Utc::now()).await?;
                    out.sent += 1;
                }
                Err(error) => {
                    let attempts = job.row.attempts + 1;
                    let next = (attempts < MAX_ATTEMPTS)
                        .then(|| now.timestamp() + backoff_secs(job.row.attempts));
                    tracing::warn!(
                        outbox = job.row.id,
                        channel = %job.row.channel,
                        attempts,
                        %error,
                        "message not delivered"
                    );
                    store.outbox_failed(job.row.id, &error, next).await?;
                    if next.is_some() {
                        out.retrying += 1;
                    } else {
                        out.given_up += 1;
                    }
                }
            }
        }
        if jobs.len() < usize::try_from(BATCH).unwrap_or(usize::MAX) {
            return Ok(out);
        }
    }
}

/// One pass of the scheduler at `now`: makes the days due, then sends.
pub async fn tick(
    store: &Store,
    sender: &Sender,
    settings: &ReminderSettings,
    server: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    use sanzhi_domain::chrono::Timelike;
    let china = now + sanzhi_domain::chrono::Duration::hours(8);
    let last = store.last_reminder_day().await?;
    for day in days_due(last, china.date_naive(), china.hour(), settings) {
        let made = make_day(store, day, server, false, false, now).await?;
        if let Some(w) = made.written {
            tracing::info!(%day, digests = w.digests, messages = w.messages, "reminders made");
        }
    }
    let sent = deliver(store, sender, now).await?;
    if sent != Sent::default() {
        tracing::info!(?sent, "outbox");
    }
    Ok(())
}

/// The scheduler: a pass every `every_secs` seconds, for as long as the server runs.
pub async fn run(store: Store, sender: Sender, settings: ReminderSettings, server: String) {
    let mut every =
        tokio::time::interval(std::time::Duration::from_secs(settings.every_secs.max(1)));
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        if let Err(e) = tick(&store, &sender, &settings, &server, Utc::now()).await {
            tracing::error!(error = %e, "reminder pass failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("day")
    }

    fn settings() -> ReminderSettings {
        ReminderSettings {
            enabled: true,
            hour: 8,
            base_url: String::new(),
            catch_up_days: 7,
            every_secs: 60,
        }
    }

    #[test]
    fn days_are_made_once_the_hour_has_come_and_missed_days_caught_up() {
        let s = settings();
        // First run, before 8:00: nothing; after: today.
        assert!(days_due(None, day("2026-12-06"), 7, &s).is_empty());
        assert_eq!(
            days_due(None, day("2026-12-06"), 8, &s),
            [day("2026-12-06")]
        );
        // Made up to the 3rd, stopped, back on the 6th at 9:00: 4th, 5th, 6th.
        assert_eq!(
            days_due(Some(day("2026-12-03")), day("2026-12-06"), 9, &s),
            [day("2026-12-04"), day("2026-12-05"), day("2026-12-06")]
        );
        // … at 7:00: the 4th and 5th only.
        assert_eq!(
            days_due(Some(day("2026-12-03")), day("2026-12-06"), 7, &s).len(),
            2
        );
        // Nothing after the last made day: nothing to do.
        assert!(days_due(Some(day("2026-12-06")), day("2026-12-06"), 9, &s).is_empty());
        // Stopped for a month: the last 7 days and today, no more.
        let got = days_due(Some(day("2026-11-01")), day("2026-12-06"), 9, &s);
        assert_eq!(got.first(), Some(&day("2026-11-29")));
        assert_eq!(got.len(), 8);
    }

    #[test]
    fn backoff_grows_to_six_hours() {
        assert_eq!(backoff_secs(0), 60);
        assert_eq!(backoff_secs(1), 120);
        assert_eq!(backoff_secs(3), 480);
        assert_eq!(backoff_secs(12), 6 * 3600);
    }

    #[test]
    fn dingtalk_signature_follows_the_documented_scheme() {
        // The scheme of 钉钉's robot documentation, computed independently:
        // python3 -c 'import hmac,hashlib,base64,urllib.parse;
        //   print(urllib.parse.quote_plus(base64.b64encode(hmac.new(b"SEC123",
        //   b"1700000000000\nSEC123", hashlib.sha256).digest())))'
        let got = dingtalk_sign("SEC123", 1_700_000_000_000);
        assert_eq!(got, DINGTALK_EXPECTED);
        assert_eq!(
            hmac_hex("key", b"The quick brown fox jumps over the lazy dog"),
            "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
        );
    }

    const DINGTALK_EXPECTED: &str = "lkcPI1uoxBY1gUnCnnPH1Kkru0Hqjo7rFpA3haIVhEQ%3D";
}
