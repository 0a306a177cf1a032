//! The Sanzhi server: configuration, logging, the HTTP router and the CLI commands.

pub mod allocation_export;
pub mod api_v1;
pub mod bulletin;
pub mod chart_png;
pub mod cli;
pub mod config;
pub mod demo;
pub mod evidence;
pub mod exchange;
pub mod gate;
pub mod hardening;
pub mod health;
pub mod page_cache;
pub mod plan_import;
pub mod remind;
pub mod router;
pub mod scale;
pub mod sessions;
pub mod telemetry;
pub mod users;

pub use router::build_router;
