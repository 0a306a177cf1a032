//! Throw-away databases for tests: a temp SQLite file, or a fresh PostgreSQL database.
//!
//! PostgreSQL is found at `SANZHI_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`). When it cannot be reached, the PostgreSQL
//! tests are skipped with a message saying why — unless `CI` or `SANZHI_REQUIRE_POSTGRES` is
//! set, in which case they fail: in CI the PostgreSQL path must be exercised.

use crate::Store;
use sqlx::Connection;

pub const DEFAULT_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// A migrated, empty store that is removed when the test is done.
pub struct TestDb {
    pub store: Store,
    /// The URL the server under test should use to reach the same database.
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(
        #[expect(dead_code, reason = "held only to delete the folder on drop")] tempfile::TempDir,
    ),
    Postgres {
        admin_url: String,
        name: String,
    },
}

/// True when PostgreSQL tests must run (and so fail rather than skip).
pub fn postgres_required() -> bool {
    let set = |k: &str| std::env::var(k).is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    set("CI") || set("SANZHI_REQUIRE_POSTGRES")
}

pub fn postgres_admin_url() -> String {
    std::env::var("SANZHI_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_ADMIN_URL.to_owned())
}

impl TestDb {
    /// A fresh SQLite file in a temporary folder, migrated.
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("create temp dir");
        let url = format!("sqlite:{}", dir.path().join("test.db").display());
        let store = Store::connect(&url).await.expect("open sqlite");
        store.migrate().await.expect("migrate sqlite");
        TestDb {
            store,
            url,
            cleanup: Cleanup::Sqlite(dir),
        }
    }

    /// A fresh PostgreSQL database, migrated; `None` (with the reason on stderr) when the
    /// server is unreachable and PostgreSQL is not required.
    pub async fn postgres() -> Option<TestDb> {
        let db = Self::postgres_empty().await?;
        db.store.migrate().await.expect("migrate postgres");
        Some(db)
    }

    /// [`TestDb::postgres`] without the migrations: an empty database.
    pub async fn postgres_empty() -> Option<TestDb> {
        let admin_url = postgres_admin_url();
        let mut admin = match sqlx::PgConnection::connect(&admin_url).await {
            Ok(c) => c,
            Err(e) if !postgres_required() => {
                eprintln!(
                    "SKIPPED (PostgreSQL): cannot reach {admin_url}: {e}. \
                     Outside CI the PostgreSQL tests are skipped; set CI=1 or \
                     SANZHI_REQUIRE_POSTGRES=1 to make this a failure."
                );
                return None;
            }
            Err(e) => panic!(
                "PostgreSQL is required here (CI or SANZHI_REQUIRE_POSTGRES is set) but \
                 {admin_url} cannot be reached: {e}"
            ),
        };
        let name = format!("sanzhi_test_{}", uuid::Uuid::new_v4().simple());
        sqlx::query(&format!("CREATE DATABASE \"{name}\""))
            .execute(&mut admin)
            .await
            .expect("create test database");
        let _ = admin.close().await;
        let url = with_database(&admin_url, &name);
        let store = Store::connect(&url).await.expect("open postgres");
        Some(TestDb {
            store,
            url,
            cleanup: Cleanup::Postgres { admin_url, name },
        })
    }

    /// Closes the store and removes its database.
    pub async fn finish(self) {
        self.store.close().await;
        if let Cleanup::Postgres { admin_url, name } = &self.cleanup {
            if let Ok(mut admin) = sqlx::PgConnection::connect(admin_url).await {
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                    .execute(&mut admin)
                    .await;
                let _ = admin.close().await;
            }
        }
    }
}

/// Replaces the database name (the URL path) of a PostgreSQL URL.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let authority_end = base
        .find("://")
        .map(|i| i + 3)
        .and_then(|start| base[start..].find('/').map(|j| start + j))
        .unwrap_or(base.len());
    let mut out = format!("{}/{name}", &base[..authority_end]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// Generates `mod sqlite` and `mod postgres`, each with one `#[tokio::test]` per story.
#[macro_export]
macro_rules! on_both_backends {
    ($($story:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $story() {
                    let db = sanzhi_store::testing::TestDb::sqlite().await;
                    super::$story(&db).await;
                    db.finish().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $story() {
                    let Some(db) = sanzhi_store::testing::TestDb::postgres().await else {
                        return;
                    };
                    super::$story(&db).await;
                    db.finish().await;
                }
            )*
        }
    };
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn database_name_is_replaced_in_the_url() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database("postgres://u:p@h/db?sslmode=disable", "x"),
            "postgres://u:p@h/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h:1", "x"), "postgres://h:1/x");
    }
}
