//! The query files, written once for both backends: `sqlite.rs` and `postgres.rs` each
//! declare this file as a module of theirs, so every file below is compiled twice, each time
//! seeing that backend's `Db` and transaction helpers through `use super::*`. In each
//! concern's folder, `mod.rs` is the facade ([`crate::Store`]'s methods, compiled once) and
//! every other file is a query file listed here. Keep placeholders in ascending order of
//! first appearance (see the note in lib.rs).

use super::*;

#[path = "audit/queries.rs"]
mod audit;
#[path = "remind/bulletin.rs"]
mod bulletin;
#[path = "reports/demo.rs"]
mod demo_reports;
#[path = "reports/evidence.rs"]
mod evidence;
#[path = "groups/queries.rs"]
mod groups;
#[path = "imports/queries.rs"]
mod imports;
#[path = "remind/inbox.rs"]
mod inbox;
#[path = "measures/queries.rs"]
mod measures;
#[path = "remind/outbox.rs"]
mod outbox;
#[path = "plans/body.rs"]
mod plans_body;
#[path = "plans/edit.rs"]
mod plans_edit;
#[path = "plans/load.rs"]
mod plans_load;
#[path = "plans/read.rs"]
mod plans_read;
#[path = "plans/sources.rs"]
mod plans_sources;
#[path = "readings/queries.rs"]
mod readings;
#[path = "readings/write.rs"]
mod readings_write;
#[path = "reference/queries.rs"]
mod reference;
#[path = "reports/queries.rs"]
mod reports;
#[path = "reports/reviews.rs"]
mod reviews;
#[path = "accounts/sessions.rs"]
mod sessions;
#[path = "shared.rs"]
mod shared;
#[path = "tokens/queries.rs"]
mod tokens;
#[path = "tracking/queries.rs"]
mod tracking;
#[path = "tracking/facts.rs"]
mod tracking_facts;
#[path = "remind/urges.rs"]
mod urges;
#[path = "accounts/users.rs"]
mod users;

pub(crate) use audit::*;
pub(crate) use bulletin::*;
pub(crate) use demo_reports::*;
pub(crate) use evidence::*;
pub(crate) use groups::*;
pub(crate) use imports::*;
pub(crate) use inbox::*;
pub(crate) use measures::*;
pub(crate) use outbox::*;
use plans_body::*;
pub(crate) use plans_edit::*;
pub(crate) use plans_load::*;
pub(crate) use plans_read::*;
pub(crate) use plans_sources::*;
pub(crate) use readings::*;
pub(crate) use readings_write::*;
pub(crate) use reference::*;
pub(crate) use reports::*;
pub(crate) use reviews::*;
pub(crate) use sessions::*;
pub(crate) use shared::*;
pub(crate) use tokens::*;
pub(crate) use tracking::*;
pub(crate) use tracking_facts::*;
pub(crate) use urges::*;
pub(crate) use users::*;
