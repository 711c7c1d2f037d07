//! neardup: find near-duplicate documents, site template blocks and repeated captions in a
//! corpus of text documents.
//!
//! The binary is a thin CLI over [`scan`]; tests and benches call the library directly:
//!
//! ```no_run
//! let cfg = neardup::Config::new("samples");
//! let out = neardup::scan(&cfg).expect("corpus directory exists");
//! println!("{} duplicate clusters", out.report.duplicate_clusters.len());
//! ```
//!
//! The stages live in private modules (see ARCHITECTURE.md); what a user links is the list
//! below: the scan and its configuration, the report (the contract), evaluation, `explain`,
//! and the building blocks that are useful on their own (text normalisation and shingling,
//! MinHash and LSH).

#![deny(missing_docs)]
#![warn(clippy::too_many_lines)]

mod cache;
pub mod config;
mod corpus;
mod detect;
pub mod diff;
pub mod eval;
pub mod explain;
mod files;
pub mod human;
pub mod kernels;
mod packed;
pub mod progress;
pub mod report;
mod scan;
pub mod sketch;
mod spill;
pub mod stream;
pub mod text;

pub use config::Config;
pub use corpus::{
    Boilerplate, BoilerplateReason, Compression, Document, Format, InputFile, SkipReason, Skipped,
};
pub use report::{Annotation, Report};
pub use scan::{scan, ScanError, ScanOutput, Scanner};

/// The stages' own entry points, for the benches and the corpus generator, and the command
/// line's count-and-noun helper: not a stable API.
#[doc(hidden)]
pub mod internals {
    pub use crate::corpus::{html_page, read_bytes, read_documents, walk};
    pub use crate::detect::repeats::find_repeats;
    pub use crate::detect::templates::{UnitCounts, WatchList, WatchRecount};
    pub use crate::detect::union_find::UnionFind;
    pub use crate::detect::units::units;
    pub use crate::human::{count, noun};
    pub use crate::scan::decode_snapshot_payload;
    pub use crate::spill::{DocParts, Spill};
}
