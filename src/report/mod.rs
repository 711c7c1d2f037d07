//! The report: its serde types (the contract), the writers and the human summary.

pub mod clean;
pub mod html;
pub mod summary;
pub mod types;
pub mod write;

pub use types::*;
