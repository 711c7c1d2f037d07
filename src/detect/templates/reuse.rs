//! Blocks reused across documents below the template threshold: the long shared blocks pass 2
//! keeps, and the reused blocks the decision reports.

use serde::{Deserialize, Serialize};

/// A whole block, held by two or more documents of the corpus and too long to be cross-site
/// boilerplate, kept from round two for the reuse report: 24 bytes, where a [`Hit`] is larger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedBlock {
    /// The block's key.
    pub key: u64,
    /// Its words.
    pub words: u32,
    /// Byte offset of its start.
    pub start_byte: u32,
    /// Byte offset just past its end.
    pub end_byte: u32,
}

/// A block reused by several different documents below the template threshold.
#[derive(Debug, Clone)]
pub struct ReusedBlock {
    /// The unit's key.
    pub key: u64,
    /// Documents holding it, sorted.
    pub documents: Vec<u32>,
    /// Distinct clusters among them.
    pub clusters: u32,
    /// Words.
    pub words: u32,
}
