//! Sessions in the database: a `tower_sessions::SessionStore` over the app's own store, so
//! that several app servers behind one PostgreSQL share them, and a sign-in survives a
//! restart. The cookie holds only the session id; the record (the user's id) is here.

use sanzhi_domain::chrono::{DateTime, Utc};
use sanzhi_store::Store;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result};

/// The session cookie's name.
pub const COOKIE: &str = "sanzhi_session";

#[derive(Debug, Clone)]
pub struct DbSessionStore(pub Store);

fn backend(e: impl std::fmt::Display) -> Error {
    Error::Backend(e.to_string())
}

fn expiry(r: &Record) -> Result<DateTime<Utc>> {
    DateTime::from_timestamp(r.expiry_date.unix_timestamp(), 0)
        .ok_or_else(|| Error::Encode("expiry out of range".to_owned()))
}

#[async_trait::async_trait]
impl tower_sessions::SessionStore for DbSessionStore {
    async fn save(&self, record: &Record) -> Result<()> {
        let data = serde_json::to_string(record).map_err(|e| Error::Encode(e.to_string()))?;
        let user = record
            .data
            .get(app::auth::SESSION_USER)
            .and_then(serde_json::Value::as_i64);
        self.0
            .session_save(&record.id.to_string(), &data, user, expiry(record)?)
            .await
            .map_err(backend)
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        match self
            .0
            .session_load(&id.to_string(), Utc::now())
            .await
            .map_err(backend)?
        {
            Some(stored) => serde_json::from_str(&stored.data)
                .map(Some)
                .map_err(|e| Error::Decode(e.to_string())),
            None => Ok(None),
        }
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        self.0
            .session_delete(&id.to_string())
            .await
            .map_err(backend)
    }
}
