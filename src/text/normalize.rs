//! Text normalisation: the form in which two pieces of text are compared.
//!
//! A normalised text is its words — maximal runs of Unicode letters and digits — lowercased and
//! joined by single spaces. Punctuation, symbols and every quote or dash style therefore fold
//! away; apostrophes inside a word are dropped so that `Iran’s`, `Iran's` and `Irans` agree.

/// Characters dropped without ending a word.
fn is_word_joiner(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ' | '‘' | '\u{00AD}')
}

/// What [`normalize_into`] appended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Appended {
    /// Words.
    pub words: usize,
    /// Digit characters.
    pub digits: usize,
    /// Characters, spaces excluded.
    pub chars: usize,
}

impl Appended {
    /// Share of the characters that are digits.
    pub fn digit_share(&self) -> f64 {
        if self.chars == 0 {
            0.0
        } else {
            self.digits as f64 / self.chars as f64
        }
    }
}

/// Byte classes of ASCII for the fast path.
const SEP: u8 = 0;
const KEEP: u8 = 1;
const UPPER: u8 = 2;
const DIGIT: u8 = 3;
const APOSTROPHE: u8 = 4;

const ASCII_CLASS: [u8; 128] = {
    let mut t = [SEP; 128];
    let mut i = 0;
    while i < 128 {
        let b = i as u8;
        t[i] = if b.is_ascii_lowercase() {
            KEEP
        } else if b.is_ascii_uppercase() {
            UPPER
        } else if b.is_ascii_digit() {
            DIGIT
        } else if b == b'\'' {
            APOSTROPHE
        } else {
            SEP
        };
        i += 1;
    }
    t
};

/// Appends the normalised form of `text` to `out`, separated from what `out` already ends with
/// by one space. Digits become `0` when `fold_digits` is set.
pub fn normalize_into(text: &str, fold_digits: bool, out: &mut String) -> Appended {
    let mut stats = Appended::default();
    let mut in_word = false;
    let bytes = text.as_bytes();
    // Bytes that are copied as they are (lower-case letters, unfolded digits) are copied a run
    // at a time; everything else is pushed one character at a time.
    let mut run: Option<usize> = None;
    let flush = |run: &mut Option<usize>, end: usize, out: &mut String| {
        if let Some(start) = run.take() {
            out.push_str(&text[start..end]);
        }
    };
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            let class = ASCII_CLASS[b as usize];
            if class == SEP || class == APOSTROPHE {
                flush(&mut run, i, out);
                // an apostrophe inside a word is dropped; elsewhere it separates
                in_word &= class == APOSTROPHE;
                i += 1;
                continue;
            }
            if !in_word {
                flush(&mut run, i, out);
                start_word(out);
                in_word = true;
                stats.words += 1;
            }
            stats.chars += 1;
            let copied = match class {
                DIGIT => {
                    stats.digits += 1;
                    !fold_digits
                }
                UPPER => false,
                _ => true,
            };
            if copied {
                run.get_or_insert(i);
            } else {
                flush(&mut run, i, out);
                out.push(if class == UPPER {
                    b.to_ascii_lowercase() as char
                } else {
                    '0'
                });
            }
            i += 1;
            continue;
        }
        flush(&mut run, i, out);
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        i += c.len_utf8();
        if c.is_alphanumeric() {
            if !in_word {
                start_word(out);
                in_word = true;
                stats.words += 1;
            }
            stats.chars += 1;
            if c.is_numeric() {
                stats.digits += 1;
            }
            if fold_digits && c.is_numeric() {
                out.push('0');
            } else {
                out.extend(c.to_lowercase());
            }
        } else if !(in_word && is_word_joiner(c)) {
            in_word = false;
        }
    }
    flush(&mut run, bytes.len(), out);
    stats
}

fn start_word(out: &mut String) {
    if !out.is_empty() && !out.ends_with(' ') {
        out.push(' ');
    }
}

/// The normalised form of `text` (see the module documentation).
pub fn normalize(text: &str, fold_digits: bool) -> String {
    let mut out = String::with_capacity(text.len());
    normalize_into(text, fold_digits, &mut out);
    out
}

/// A fast 64-bit hash of one normalised word, for shingles and word sets: eight bytes at a
/// time with a multiply-rotate step and a final avalanche. Words are short, where this is
/// several times faster than a general-purpose hash, and it is stable across platforms.
#[inline]
pub fn word_hash(word: &str) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let bytes = word.as_bytes();
    let mut h: u64 = (bytes.len() as u64).wrapping_mul(K);
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let v = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        h = (h.rotate_left(23) ^ v).wrapping_mul(K);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut buf = [0u8; 8];
        buf[..rest.len()].copy_from_slice(rest);
        h = (h.rotate_left(23) ^ u64::from_le_bytes(buf)).wrapping_mul(K);
    }
    h ^= h >> 32;
    h = h.wrapping_mul(0xD6E8_FEB8_6659_FD93);
    h ^ (h >> 32)
}

/// The 64-bit xxh3 hash of a normalised string.
pub fn hash_normalized(norm: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(norm.as_bytes())
}

/// Lines whose characters are at least this share digits are figures (table rows), not text
/// with a date or a counter in it; their digits are never folded.
pub const FIGURES_DIGIT_SHARE: f64 = 0.25;

/// The hash of `norm` (with the statistics `stats` of its normalisation) with every digit
/// folded to `0`, reusing `scratch`, so that "© 2014" and "© 2015" agree. Lines made mostly of
/// figures keep their digits: "Net 658,159 vs 299,930" and "Net 102,508 vs 264,910" are
/// different lines. `hash` is the hash of `norm`, returned when nothing is folded.
pub fn hash_digits_folded(norm: &str, stats: Appended, hash: u64, scratch: &mut String) -> u64 {
    if stats.digits == 0 || stats.digit_share() >= FIGURES_DIGIT_SHARE {
        return hash;
    }
    scratch.clear();
    scratch.extend(norm.chars().map(|c| if c.is_numeric() { '0' } else { c }));
    hash_normalized(scratch)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_punctuation_quotes_and_space() {
        assert_eq!(
            normalize("  “They  discussed” — the\tEU-led P5+1 talks…  ", false),
            "they discussed the eu led p5 1 talks"
        );
        assert_eq!(normalize("Iran’s and Iran's", false), "irans and irans");
        assert_eq!(normalize("ÉCOLE Straße", false), "école straße");
        assert_eq!(
            normalize("| About Us | Privacy Policy |", false),
            "about us privacy policy"
        );
        assert_eq!(normalize("...", false), "");
    }

    #[test]
    fn word_hash_separates_words() {
        let words = [
            "a",
            "b",
            "ab",
            "ba",
            "abcdefgh",
            "abcdefghi",
            "abcdefgh\0",
            "école",
        ];
        let mut hashes: Vec<u64> = words.iter().map(|w| word_hash(w)).collect();
        hashes.sort_unstable();
        hashes.dedup();
        assert_eq!(hashes.len(), words.len());
        assert_eq!(word_hash("harbour"), word_hash("harbour"));
    }

    #[test]
    fn folds_digits_on_request() {
        assert_eq!(normalize("© 2014 v2", true), "0000 v0");
        assert_eq!(normalize("© 2014 v2", false), "2014 v2");
        let mut s = String::new();
        let fold = |text: &str, s: &mut String| {
            let mut norm = String::new();
            let stats = normalize_into(text, false, &mut norm);
            hash_digits_folded(&norm, stats, hash_normalized(&norm), s)
        };
        assert_eq!(
            fold("© 2014 Systron Micronix", &mut s),
            hash_normalized("0000 systron micronix")
        );
        assert_eq!(
            fold("Net 658,159 vs 299,930", &mut s),
            hash_normalized("net 658 159 vs 299 930")
        );
    }

    #[test]
    fn appends_with_one_space_and_counts_words() {
        let mut out = String::from("a");
        assert_eq!(normalize_into("B, c!", false, &mut out).words, 2);
        assert_eq!(out, "a b c");
        assert_eq!(normalize_into("!!", false, &mut out).words, 0);
        let stats = normalize_into("Net 12", false, &mut out);
        assert_eq!((stats.words, stats.digits, stats.chars), (2, 2, 5));
        assert_eq!(out, "a b c net 12");
    }
}
