//! One module per route.

pub mod account;
pub mod accounts;
pub mod audit;
pub mod inbox;
pub mod indicators;
pub mod item;
pub mod login;
pub mod my_tasks;
pub mod not_found;
pub mod overview;
pub mod plan;
pub mod plan_import;
pub mod plans;
pub mod readings;
pub mod reminders;
pub mod review;
pub mod setup;
pub mod source;
pub mod timeline;
