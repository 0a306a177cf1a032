//! `GET /healthz`: is the server up and can it reach its database?

use app::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct Health {
    pub status: &'static str,
    pub database: &'static str,
    pub version: &'static str,
}

/// 200 with `status: ok` when the database answers, 503 with `status: unavailable` when
/// not. The cause goes to the log only.
pub async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let database = state.store.backend().as_str();
    let version = env!("CARGO_PKG_VERSION");
    match state.store.ping().await {
        Ok(()) => (
            StatusCode::OK,
            Json(Health {
                status: "ok",
                database,
                version,
            }),
        ),
        Err(err) => {
            tracing::error!(error = %err, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(Health {
                    status: "unavailable",
                    database,
                    version,
                }),
            )
        }
    }
}

/// `GET /livez`: the process answers, without touching the database — for a supervisor's
/// liveness probe, and the benchmark's ceiling (the cheapest handler behind the same layers
/// as every page).
pub async fn livez() -> &'static str {
    "ok"
}
