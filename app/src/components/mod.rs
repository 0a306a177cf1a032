//! Reusable pieces of the interface, one module per component.

pub mod error_box;
pub mod grid;
pub mod indicator_views;
pub mod item_edit;
pub mod layout;
pub mod milestones;
pub mod plan_card;
pub mod report_form;
pub mod review;
pub mod status;
pub mod upload_progress;
pub mod urges;
