//! Detection: near-duplicate candidates, verification and clusters; template blocks; repeats.

pub mod bulk;
pub mod cluster;
pub mod near;
pub mod per_doc;
pub mod repeats;
pub mod templates;
pub mod union_find;
pub mod units;
