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
    /// Share of the shorter block's distinct words found in the other (1.0 for identical
    /// normalised text).
    pub similarity: f64,
}

/// Documents with more eligible blocks than this are compared by exact hash only: the
/// near-identical comparison is quadratic in the number of blocks.
const MAX_FUZZY_BLOCKS: usize = 400;

/// Fewest words of both blocks for a near-identical (not identical) match: below that, one
/// word is a tenth of the text, and "Oper shr 12 cts" and "Shr 12 cts" are different rows.
pub const FUZZY_MIN_WORDS: usize = 10;

/// The shorter of two near-identical blocks has at least this share of the longer's words.
const MIN_LENGTH_RATIO: f64 = 0.5;

/// Later blocks of `seg` that repeat an earlier block: identical after normalisation, or near
/// identical — the shorter block's distinct words lie at least `min_similarity` inside the
/// longer's, and the shorter has at least half the longer's words (a caption with and without
/// its credit; not a short sentence that happens to sit inside a long paragraph). Blocks under
/// `min_words` words never count; near-identical (not identical) blocks need
/// [`FUZZY_MIN_WORDS`] words, since in short blocks one word decides, and must agree on their
/// figures.
pub fn find_repeats(seg: &Segmented, min_words: usize, min_similarity: f64) -> Vec<Repeat> {
    let eligible: Vec<usize> = (0..seg.blocks.len())
        .filter(|&b| seg.blocks[b].words as usize >= min_words.max(1))
        .collect();
    let fuzzy = eligible.len() <= MAX_FUZZY_BLOCKS;
    // (words with letters, figures), each a sorted set of hashes
    let word_sets: Vec<(Vec<u64>, Vec<u64>)> = if fuzzy {
        eligible
            .iter()
            .map(|&b| {
                let (mut words, mut figures) = (Vec::new(), Vec::new());
                for w in seg.block_norm(&seg.blocks[b]).split(' ') {
                    let h = xxh3_64(w.as_bytes());
                    if w.chars().all(|c| c.is_numeric()) {
                        figures.push(h);
                    } else {
                        words.push(h);
                    }
                }
                for v in [&mut words, &mut figures] {
                    v.sort_unstable();
                    v.dedup();
                }
                (words, figures)
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
            let long_enough =
                orig.words.min(block.words) as usize >= FUZZY_MIN_WORDS.max(min_words);
            if fuzzy && long_enough {
                let ((a, fa), (c, fc)) = (&word_sets[o], &word_sets[pos]);
                let ratio = a.len().min(c.len()) as f64 / a.len().max(c.len()) as f64;
                if ratio < MIN_LENGTH_RATIO || !figures_agree(fa, fc) {
                    continue;
                }
                let (_, contained) = jaccard_and_containment(a, c);
                if contained >= min_similarity && found.is_none_or(|(_, s)| contained > s) {
                    found = Some((o, contained));
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

/// Whether every figure of the block with fewer figures appears in the other: a credit may be
/// added to a caption, but a table row with other figures is another row.
fn figures_agree(a: &[u64], b: &[u64]) -> bool {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    small.iter().all(|f| large.binary_search(f).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::segment;

    #[test]
    fn exact_and_credited_caption_repeats() {
        let text = "Tribal fighters fire their weapons during a deployment in Iraq.\n\nTribal fighters fire their weapons during a deployment in Iraq.\n\nStory text that is different entirely from the rest.\n\nTribal fighters fire their weapons during a deployment in Iraq. (AFP Photo)\n\nPhoto\n\nPhoto";
        let seg = segment(text, false);
        let r = find_repeats(&seg, 4, 0.8);
        assert_eq!(r.len(), 2);
        assert_eq!((r[0].block, r[0].of_block, r[0].similarity), (1, 0, 1.0));
        assert_eq!((r[1].block, r[1].of_block), (3, 0));
        assert!(r[1].similarity >= 0.8);
    }

    #[test]
    fn different_paragraphs_are_not_repeats() {
        let text = "The official said the talks went well today.\n\nThe minister said the weather was bad yesterday.\n\nShr profit 39 cts vs loss 24 cts\n\nShr profit 90 cts vs loss 86 cts\n\nThe talks went well.";
        assert!(find_repeats(&segment(text, false), 4, 0.8).is_empty());
    }
}
