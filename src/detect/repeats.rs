//! Blocks repeated inside one document (a photo caption scraped twice).

use xxhash_rust::xxh3::xxh3_64;

use crate::text::{jaccard_and_containment, Segmented};

/// A block that repeats an earlier block of the same document.
#[derive(Debug, Clone, PartialEq)]
pub struct Repeat {
    /// Index of the later block (the one to drop).
    pub block: usize,
    /// Index of the first occurrence (the one kept).
    pub of_block: usize,
    /// Jaccard similarity of their word sets (1.0 for identical normalised text).
    pub similarity: f64,
}

/// Blocks with this many words or more are compared by exact hash only: near-identical long
/// paragraphs inside one document are rare, and the word-set comparison is quadratic.
const MAX_FUZZY_BLOCKS: usize = 400;

/// Later blocks of `seg` that repeat an earlier block: identical after normalisation, or with
/// word-set Jaccard at least `min_similarity`. Blocks under `min_words` words never count.
pub fn find_repeats(seg: &Segmented, min_words: usize, min_similarity: f64) -> Vec<Repeat> {
    let eligible: Vec<usize> = (0..seg.blocks.len())
        .filter(|&b| seg.blocks[b].words as usize >= min_words.max(1))
        .collect();
    let fuzzy = min_similarity < 1.0 && eligible.len() <= MAX_FUZZY_BLOCKS;
    let word_sets: Vec<Vec<u64>> = if fuzzy {
        eligible
            .iter()
            .map(|&b| {
                let mut words: Vec<u64> = seg
                    .block_norm(&seg.blocks[b])
                    .split(' ')
                    .map(|w| xxh3_64(w.as_bytes()))
                    .collect();
                words.sort_unstable();
                words.dedup();
                words
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut originals: Vec<usize> = Vec::new(); // positions in `eligible`
    let mut out = Vec::new();
    for (pos, &b) in eligible.iter().enumerate() {
        let block = &seg.blocks[b];
        let mut found: Option<(usize, f64)> = None;
        for &o in &originals {
            let orig = &seg.blocks[eligible[o]];
            if orig.hash == block.hash {
                found = Some((o, 1.0));
                break;
            }
            if fuzzy {
                let (a, c) = (&word_sets[o], &word_sets[pos]);
                let ratio = a.len().min(c.len()) as f64 / a.len().max(c.len()) as f64;
                if ratio < min_similarity {
                    continue;
                }
                let (j, _) = jaccard_and_containment(a, c);
                if j >= min_similarity && found.is_none_or(|(_, s)| j > s) {
                    found = Some((o, j));
                }
            }
        }
        match found {
            Some((o, similarity)) => out.push(Repeat {
                block: b,
                of_block: eligible[o],
                similarity,
            }),
            None => originals.push(pos),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::segment;

    #[test]
    fn exact_and_credited_caption_repeats() {
        let text = "Tribal fighters fire their weapons during a deployment in Iraq.\n\nTribal fighters fire their weapons during a deployment in Iraq.\n\nStory text that is different entirely from the rest.\n\nTribal fighters fire their weapons during a deployment in Iraq. (AFP Photo)\n\nPhoto\n\nPhoto";
        let seg = segment(text, false);
        let r = find_repeats(&seg, 4, 0.7);
        assert_eq!(r.len(), 2);
        assert_eq!((r[0].block, r[0].of_block, r[0].similarity), (1, 0, 1.0));
        assert_eq!((r[1].block, r[1].of_block), (3, 0));
        assert!(r[1].similarity >= 0.7 && r[1].similarity < 1.0);
    }

    #[test]
    fn different_paragraphs_are_not_repeats() {
        let text = "The official said the talks went well today.\n\nThe minister said the weather was bad yesterday.";
        assert!(find_repeats(&segment(text, false), 4, 0.7).is_empty());
    }
}
