//! Shingling: the set of k-grams of a normalised text, as 64-bit hashes.
//!
//! Word shingles hash each word once ([`super::normalize::word_hash`]) and combine k consecutive word hashes with a
//! multiply-rotate step, so a shingle costs k multiplications instead of a fresh hash of k
//! words' bytes, and no shingle string is ever built. Character shingles hash each window of k
//! characters with xxh3.
//!
//! Word shingles are script-aware with no option to set: normalisation makes each character of
//! a script written without spaces (Chinese, Japanese, Thai…) a word by itself
//! ([`super::normalize::is_unspaced`]), so the word k-grams of such text are its character
//! k-grams, in one stream with the word k-grams of the text around it ([`Shingling`] says which
//! a text got).

use xxhash_rust::xxh3::xxh3_64;

use super::normalize::{is_unspaced, word_hash};

/// Which shingles a text got under [`ShingleKind::Words`]: by words, by characters (all its
/// words are characters of scripts written without spaces), or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shingling {
    /// No words at all.
    Nothing,
    /// Words only.
    Words,
    /// Characters only (a Chinese, Japanese or Thai text).
    Characters,
    /// Characters in its unspaced scripts, words in the rest (Japanese prose with English
    /// code, a bilingual page).
    WordsAndCharacters,
}

impl Shingling {
    /// The shingling of a normalised text (words joined by single spaces).
    pub fn of_normalized(norm: &str) -> Shingling {
        let (mut chars, mut words) = (false, false);
        for w in norm.split(' ').filter(|w| !w.is_empty()) {
            let mut cs = w.chars();
            match (cs.next(), cs.next()) {
                (Some(c), None) if is_unspaced(c) => chars = true,
                _ => words = true,
            }
            if chars && words {
                break;
            }
        }
        match (words, chars) {
            (false, false) => Shingling::Nothing,
            (true, false) => Shingling::Words,
            (false, true) => Shingling::Characters,
            (true, true) => Shingling::WordsAndCharacters,
        }
    }

    /// How `explain` says it.
    pub fn describe(self) -> &'static str {
        match self {
            Shingling::Nothing => "nothing to shingle",
            Shingling::Words => "shingled by words",
            Shingling::Characters => "shingled by characters (a script without spaces)",
            Shingling::WordsAndCharacters => {
                "shingled by characters in scripts without spaces, by words elsewhere"
            }
        }
    }
}

/// What a shingle is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ShingleKind {
    /// k consecutive normalised words.
    Words,
    /// k consecutive characters of the normalised text (spaces included).
    Chars,
}

const MIX: u64 = 0x9E37_79B9_7F4A_7C15;

/// Final avalanche (the murmur3 finaliser) so combined hashes have well-spread low bits.
#[inline]
fn finalize(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// Appends the shingle hashes of the normalised text `norm` to `out` (duplicates included, in
/// text order) and returns how many were added. A text shorter than `k` units adds none.
pub fn shingle_into(norm: &str, kind: ShingleKind, k: usize, out: &mut Vec<u64>) -> usize {
    let before = out.len();
    match kind {
        ShingleKind::Words => word_shingles(norm, k, out),
        ShingleKind::Chars => char_shingles(norm, k, out),
    }
    out.len() - before
}

fn word_shingles(norm: &str, k: usize, out: &mut Vec<u64>) {
    // Scans take word hashes from segmentation; this path (explain, benches) splits the text.
    let words: Vec<u32> = norm
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(|w| shingle_word(word_hash(w)))
        .collect();
    word_shingles_of_hashes(&words, k, out);
}

/// The 32 bits of a word's [`super::normalize::word_hash`] that word shingles combine: half
/// the space per word for documents kept between passes, and a chance collision between two
/// words of a corpus (about one pair in a few billion) does not move a Jaccard estimate.
#[inline]
pub fn shingle_word(word_hash: u64) -> u32 {
    (word_hash >> 32) as u32
}

/// Appends the word k-gram hashes of a text given as its words' [`shingle_word`]s, in order:
/// the same values [`shingle_into`] gives for the text. Returns how many were added.
pub fn word_shingles_of_hashes(words: &[u32], k: usize, out: &mut Vec<u64>) -> usize {
    if k == 0 || words.len() < k {
        return 0;
    }
    out.reserve(words.len() + 1 - k);
    // k is small, so recombining each window keeps the shingle hash independent of anything
    // outside the window at the cost of k multiplications.
    for window in words.windows(k) {
        let mut acc: u64 = k as u64;
        for &w in window {
            acc = (acc ^ w as u64).wrapping_mul(MIX).rotate_left(29);
        }
        out.push(finalize(acc));
    }
    words.len() + 1 - k
}

/// `norm` without the spaces normalisation puts between two characters of a script written
/// without spaces: character shingles see such text as it is written.
fn unspaced_joined(norm: &str) -> std::borrow::Cow<'_, str> {
    if norm.is_ascii() {
        return std::borrow::Cow::Borrowed(norm);
    }
    let mut out = String::with_capacity(norm.len());
    let mut prev: Option<char> = None;
    let mut chars = norm.chars().peekable();
    while let Some(c) = chars.next() {
        let between_unspaced = c == ' '
            && prev.is_some_and(is_unspaced)
            && chars.peek().copied().is_some_and(is_unspaced);
        if !between_unspaced {
            out.push(c);
        }
        prev = Some(c);
    }
    std::borrow::Cow::Owned(out)
}

fn char_shingles(norm: &str, k: usize, out: &mut Vec<u64>) {
    let norm = &*unspaced_joined(norm);
    let starts: Vec<usize> = norm
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(norm.len()))
        .collect();
    if starts.len() <= k {
        return;
    }
    for i in 0..starts.len() - k {
        out.push(xxh3_64(&norm.as_bytes()[starts[i]..starts[i + k]]));
    }
}

/// How many distinct values `hashes` holds (uniform 64-bit hashes, as shingles are): an
/// open-addressing table, several times faster than sorting for a document's shingles.
pub fn count_distinct(hashes: &[u64]) -> usize {
    if hashes.len() < 2 {
        return hashes.len();
    }
    let slots = (hashes.len() * 2).next_power_of_two();
    let mask = slots - 1;
    // 0 marks an empty slot, so a 0 hash is counted on the side.
    let mut table = vec![0u64; slots];
    let (mut distinct, mut zero) = (0usize, false);
    for &h in hashes {
        if h == 0 {
            zero = true;
            continue;
        }
        let mut i = (h >> 32) as usize & mask;
        loop {
            let slot = table[i];
            if slot == h {
                break;
            }
            if slot == 0 {
                table[i] = h;
                distinct += 1;
                break;
            }
            i = (i + 1) & mask;
        }
    }
    distinct + zero as usize
}

/// The sorted, deduplicated shingle set of `norm`.
pub fn shingle_set(norm: &str, kind: ShingleKind, k: usize) -> Vec<u64> {
    let mut v = Vec::new();
    shingle_into(norm, kind, k, &mut v);
    v.sort_unstable();
    v.dedup();
    v
}

/// Number of values two sorted, deduplicated sets share.
pub fn intersection_size(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut inter) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                inter += 1;
                i += 1;
                j += 1;
            }
        }
    }
    inter
}

/// Jaccard similarity and containment of the smaller set in the larger, of two sorted sets.
pub fn jaccard_and_containment(a: &[u64], b: &[u64]) -> (f64, f64) {
    if a.is_empty() || b.is_empty() {
        return (0.0, 0.0);
    }
    let inter = intersection_size(a, b);
    let union = a.len() + b.len() - inter;
    (
        inter as f64 / union as f64,
        inter as f64 / a.len().min(b.len()) as f64,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_shingles_count_and_position_independence() {
        let s = shingle_set("a b c d e f", ShingleKind::Words, 3);
        assert_eq!(s.len(), 4);
        // the same trigram hashes the same wherever it stands
        let t = shingle_set("x y a b c", ShingleKind::Words, 3);
        assert!(t.iter().any(|h| s.contains(h)));
        assert!(shingle_set("a b", ShingleKind::Words, 3).is_empty());
        // order matters inside a shingle
        assert_ne!(
            shingle_set("a b c", ShingleKind::Words, 3),
            shingle_set("c b a", ShingleKind::Words, 3)
        );
    }

    #[test]
    fn shingles_of_word_hashes_match_text() {
        let text = "the quick brown fox jumps over the lazy dog";
        let words: Vec<u32> = text
            .split(' ')
            .map(|w| shingle_word(crate::text::normalize::word_hash(w)))
            .collect();
        let (mut a, mut b) = (Vec::new(), Vec::new());
        shingle_into(text, ShingleKind::Words, 5, &mut a);
        assert_eq!(word_shingles_of_hashes(&words, 5, &mut b), 5);
        assert_eq!(a, b);
        assert_eq!(word_shingles_of_hashes(&words[..4], 5, &mut b), 0);
    }

    proptest::proptest! {
        #[test]
        fn count_distinct_counts_the_set(values in proptest::collection::vec(0u64..40, 0..200)) {
            // small values collide in the table's slots and exercise the probing
            let spread: Vec<u64> = values.iter().map(|&v| v.wrapping_mul(0x9E37_79B9_7F4A_7C15)).collect();
            let mut set = spread.clone();
            set.sort_unstable();
            set.dedup();
            proptest::prop_assert_eq!(count_distinct(&spread), set.len());
        }
    }

    #[test]
    fn char_shingles_respect_utf8() {
        let s = shingle_set("éé é", ShingleKind::Chars, 2);
        assert_eq!(s.len(), 3); // "éé", "é ", " é"
        assert!(shingle_set("ab", ShingleKind::Chars, 3).is_empty());
    }

    #[test]
    fn char_shingles_see_unspaced_text_as_written() {
        let spaced = crate::text::normalize("数据去重很快", false);
        assert_eq!(spaced, "数 据 去 重 很 快");
        // five-character windows of the six characters, not of the spaced form
        assert_eq!(shingle_set(&spaced, ShingleKind::Chars, 5).len(), 2);
        assert_eq!(unspaced_joined("数 据 rust 去"), "数据 rust 去");
    }

    #[test]
    fn shingling_says_which_scripts() {
        let of = |t: &str| Shingling::of_normalized(&crate::text::normalize(t, false));
        assert_eq!(of("plain English words"), Shingling::Words);
        assert_eq!(of("中文的句子"), Shingling::Characters);
        assert_eq!(of("日本語の説明 fn main()"), Shingling::WordsAndCharacters);
        assert_eq!(of("한국어 문서"), Shingling::Words);
        assert_eq!(of("…"), Shingling::Nothing);
    }

    #[test]
    fn jaccard_and_containment_of_sets() {
        let (j, c) = jaccard_and_containment(&[1, 2, 3, 4], &[3, 4]);
        assert!((j - 0.5).abs() < 1e-12);
        assert!((c - 1.0).abs() < 1e-12);
        assert_eq!(jaccard_and_containment(&[], &[1]), (0.0, 0.0));
    }
}
