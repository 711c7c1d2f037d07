//! Blocks repeated inside one document (a photo caption scraped twice).

use std::rc::Rc;

use rustc_hash::FxHashMap as HashMap;

use crate::text::normalize::word_hash;
use crate::text::{jaccard_and_containment, Segmented};

/// A block that repeats an earlier block of the same document.
#[derive(Debug, Clone, PartialEq)]
pub struct Repeat {
    /// Index of the later block (the one to drop).
    pub block: usize,
    /// Index of the first occurrence (the one kept).
    pub of_block: usize,
    /// Share of the shorter block's distinct words found in the other, or of its words found in
    /// place there (see `words_in_place`) when that is less (1.0 for identical normalised text).
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

/// Later blocks of `seg` that repeat an earlier block — the first identical one, else the most
/// similar one: identical after normalisation, or near identical — the shorter block's distinct
/// words lie at least `min_similarity` inside the longer's, so do its words laid over the
/// longer's in place (see `words_in_place`), and the shorter has at least half the longer's
/// words (a caption with and without its credit; not a short sentence that happens to sit
/// inside a long paragraph, nor a signature that differs from another by an inserted token). Blocks under
/// `min_words` words never count; near-identical (not identical) blocks need
/// `FUZZY_MIN_WORDS` words, since in short blocks one word decides, and must agree on their
/// figures.
pub fn find_repeats(seg: &Segmented, min_words: usize, min_similarity: f64) -> Vec<Repeat> {
    let eligible: Vec<usize> = (0..seg.blocks.len())
        .filter(|&b| seg.blocks[b].words as usize >= min_words.max(1))
        .collect();
    let fuzzy = eligible.len() <= MAX_FUZZY_BLOCKS;
    let fuzzy_words = FUZZY_MIN_WORDS.max(min_words);
    // Word sets are built only for blocks that meet a candidate of similar length whose word
    // mask does not already rule the pair out.
    let mut sets: Vec<Option<WordSets>> = vec![None; eligible.len()];
    let masks: Vec<WordMask> = if fuzzy {
        eligible
            .iter()
            .map(|&b| word_mask(seg.block_word_hashes(&seg.blocks[b])))
            .collect()
    } else {
        Vec::new()
    };
    let mut first_of: HashMap<u64, usize> = HashMap::default(); // block hash -> position
    let mut out = Vec::new();
    for (pos, &b) in eligible.iter().enumerate() {
        let block = &seg.blocks[b];
        let mut found: Option<(usize, f64)> = first_of.get(&block.hash).map(|&o| (o, 1.0));
        first_of.entry(block.hash).or_insert(pos);
        if found.is_none() && fuzzy && block.words as usize >= fuzzy_words {
            for o in 0..pos {
                let orig = &seg.blocks[eligible[o]];
                let (short, long) = (orig.words.min(block.words), orig.words.max(block.words));
                if (short as usize) < fuzzy_words || (short as f64) < MIN_LENGTH_RATIO * long as f64
                {
                    continue;
                }
                // Words of the shorter block missing from the longer one: at least the bits of
                // its mask missing from the other's.
                let (ms, ml) = if orig.words <= block.words {
                    (masks[o], masks[pos])
                } else {
                    (masks[pos], masks[o])
                };
                let allowed = ((1.0 - min_similarity) * short as f64).floor() as u32;
                let missing: u32 = ms.iter().zip(ml).map(|(s, l)| (s & !l).count_ones()).sum();
                if missing > allowed {
                    continue;
                }
                let (a, fa) = sets[o]
                    .get_or_insert_with(|| word_sets(seg, eligible[o]))
                    .clone();
                let (c, fc) = sets[pos].get_or_insert_with(|| word_sets(seg, b)).clone();
                let ratio = a.len().min(c.len()) as f64 / a.len().max(c.len()) as f64;
                if ratio < MIN_LENGTH_RATIO || !figures_agree(&fa, &fc) {
                    continue;
                }
                let (_, contained) = jaccard_and_containment(&a, &c);
                if contained < min_similarity {
                    continue;
                }
                // the same words at the same places, give or take an addition at either end
                let in_place =
                    words_in_place(seg.block_word_hashes(orig), seg.block_word_hashes(block));
                let similarity = contained.min(in_place as f64 / short as f64);
                if similarity >= min_similarity && found.is_none_or(|(_, s)| similarity > s) {
                    found = Some((o, similarity));
                }
            }
        }
        if let Some((o, similarity)) = found {
            out.push(Repeat {
                block: b,
                of_block: eligible[o],
                similarity,
            });
        }
    }
    out
}

/// The most words of the shorter block that stand at their places in the longer one, the
/// shorter laid over the longer at some offset: a copy edited word for word (a name
/// corrected) and credited at either end keeps its words in place; a signature that differs
/// from another by an inserted token (`&'a mut (A, B)` beside `&'a (A, B)`, a tuple of one
/// more element) shifts every word after it, although it holds the same words.
fn words_in_place(a: &[u64], b: &[u64]) -> usize {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    (0..=long.len() - short.len())
        .map(|k| short.iter().zip(&long[k..]).filter(|(x, y)| x == y).count())
        .max()
        .unwrap_or(0)
}

/// 256 bits, one set per word of a block: a cheap test that rules out most pairs before word
/// sets are built (a word of one block missing from the other shows as a missing bit).
type WordMask = [u64; 4];

fn word_mask(word_hashes: &[u64]) -> WordMask {
    let mut mask = [0u64; 4];
    for h in word_hashes {
        let bit = (h >> 56) as usize;
        mask[bit / 64] |= 1 << (bit % 64);
    }
    mask
}

/// A block's distinct words with letters, and its distinct figures, as sorted hashes.
type WordSets = (Rc<[u64]>, Rc<[u64]>);

fn word_sets(seg: &Segmented, block: usize) -> WordSets {
    let (mut words, mut figures) = (Vec::new(), Vec::new());
    for w in seg.block_norm(&seg.blocks[block]).split(' ') {
        let h = word_hash(w);
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
    (words.into(), figures.into())
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
    fn signatures_that_differ_by_a_token_are_not_repeats() {
        // the same words, in other counts and places: one more tuple element, a `mut`; in any
        // script the rule is the same
        let text = "impl<'a, A, B, C> IntoParallelIterator for &'a (A, B, C)\n\n\
                    impl<'a, A, B, C> IntoParallelIterator for &'a mut (A, B, C)\n\n\
                    impl<'a, A, B, C, D> IntoParallelIterator for &'a (A, B, C, D)\n\n\
                    fn zip<Z>(self, other: Z) -> Zip<Self, Z::Iter> where Z: IntoParallelIterator\n\n\
                    fn zip_eq<Z>(self, other: Z) -> ZipEq<Self, Z::Iter> where Z: IntoParallelIterator";
        assert!(find_repeats(&segment(text, false), 4, 0.8).is_empty());
        // a caption edited word for word and credited at the front keeps its words in place:
        // still a repeat
        let text = "Die Feuerwehr löscht am Montag den Brand in der alten Mühle am Stadtrand von Köln.\n\n\
                    Foto: dpa. Die Feuerwehr löschte am Montag den Brand in der alten Mühle am Stadtrand von Köln.";
        let r = find_repeats(&segment(text, false), 4, 0.8);
        assert_eq!((r.len(), r[0].block, r[0].of_block), (1, 1, 0));
    }

    #[test]
    fn words_in_place_lay_the_shorter_block_over_the_longer() {
        assert_eq!(
            words_in_place(&[1, 2, 3, 4], &[9, 1, 2, 7, 4, 9]),
            3,
            "one edit, a credit"
        );
        assert_eq!(
            words_in_place(&[1, 2, 3], &[1, 5, 2, 3]),
            2,
            "an insertion shifts"
        );
        assert_eq!(words_in_place(&[1, 2, 3], &[3, 2, 1]), 1);
        assert_eq!(words_in_place(&[], &[1]), 0);
    }

    #[test]
    fn different_paragraphs_are_not_repeats() {
        let text = "The official said the talks went well today.\n\nThe minister said the weather was bad yesterday.\n\nShr profit 39 cts vs loss 24 cts\n\nShr profit 90 cts vs loss 86 cts\n\nThe talks went well.";
        assert!(find_repeats(&segment(text, false), 4, 0.8).is_empty());
    }
}
