//! Text processing: normalisation, segmentation into blocks with spans, shingling.

pub mod normalize;
pub mod segment;
pub mod shingle;

pub use normalize::{normalize, normalize_into};
pub use segment::{segment, Block, Line, Segmented};
pub use shingle::{
    count_distinct, intersection_size, jaccard_and_containment, shingle_into, shingle_set,
    shingle_word, word_shingles_of_hashes, ShingleKind, Shingling,
};
