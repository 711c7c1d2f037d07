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

pub mod cache;
pub mod config;
pub mod corpus;
pub mod detect;
pub mod eval;
pub mod explain;
mod files;
pub mod progress;
pub mod report;
pub mod scan;
pub mod sketch;
pub mod spill;
pub mod text;

pub use config::Config;
pub use report::{Annotation, Report};
pub use scan::{scan, ScanError, ScanOutput};
