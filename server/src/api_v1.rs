//! (in progress)

use app::state::AppState;
use axum::Router;

pub fn routes(_upload_limit: usize) -> Router<AppState> {
    Router::new()
}
