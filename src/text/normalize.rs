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

/// What each ASCII byte becomes inside a word: itself for lower-case letters (and digits
/// that are not folded), its lower case for upper-case letters, `0` for folded digits;
/// [`DROP`] for the apostrophe, which is dropped inside a word; [`SEPARATOR`] for the rest.
/// Bytes from 0x80 up start a multi-byte character and take the slow path.
const DROP: u8 = 1;
const SEPARATOR: u8 = 0;

const fn ascii_output(fold_digits: bool) -> [u8; 256] {
    let mut t = [SEPARATOR; 256];
    let mut i = 0;
    while i < 128 {
        let b = i as u8;
        t[i] = if b.is_ascii_lowercase() {
            b
        } else if b.is_ascii_uppercase() {
            b.to_ascii_lowercase()
        } else if b.is_ascii_digit() {
            if fold_digits {
                b'0'
            } else {
                b
            }
        } else if b == b'\'' {
            DROP
        } else {
            SEPARATOR
        };
        i += 1;
    }
    t
}

const OUTPUT: [u8; 256] = ascii_output(false);
const OUTPUT_FOLDED: [u8; 256] = ascii_output(true);

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = ONES << 7;

/// The high bit of each byte of `x` (all bytes ASCII) that lies in `lo..=hi`: adding
/// `128 − lo` sets it from `lo` up, adding `127 − hi` sets it above `hi`, and no byte carries
/// into the next.
#[inline(always)]
fn bytes_between(x: u64, lo: u8, hi: u8) -> u64 {
    (x.wrapping_add(ONES * (128 - lo as u64)) & !x.wrapping_add(ONES * (127 - hi as u64))) & HIGH
}

/// Copies the leading run of ASCII letters and digits of `chunk` (eight bytes), lowercased
/// (digits as `0` when folded), to `buf`, counts them into `stats`, and returns the run's
/// length: 8 when the whole chunk is word, 0 when it contains a byte from 0x80 up or starts
/// with a byte that is not a letter or digit.
#[inline(always)]
fn copy_word_run(
    chunk: &[u8],
    fold_digits: bool,
    buf: &mut Vec<u8>,
    stats: &mut Appended,
) -> usize {
    let mut eight = [0u8; 8];
    eight.copy_from_slice(chunk);
    let x = u64::from_le_bytes(eight);
    if x & HIGH != 0 {
        return 0;
    }
    let upper = bytes_between(x, b'A', b'Z');
    let digit = bytes_between(x, b'0', b'9');
    let word = upper | digit | bytes_between(x, b'a', b'z');
    let run = ((!word & HIGH).trailing_zeros() / 8) as usize;
    if run == 0 {
        return 0;
    }
    let mut lower = x | (upper >> 2);
    if fold_digits {
        let digit_bytes = (digit >> 7) * 0xFF;
        lower = (lower & !digit_bytes) | (digit_bytes & (ONES * b'0' as u64));
    }
    // Eight bytes stored at once, then the length cut back to the run: no copy of variable
    // length.
    let len = buf.len();
    buf.extend_from_slice(&lower.to_le_bytes());
    buf.truncate(len + run);
    let in_run = if run == 8 {
        u64::MAX
    } else {
        (1u64 << (8 * run)) - 1
    };
    stats.chars += run;
    stats.digits += (digit & in_run).count_ones() as usize;
    run
}

/// Appends the normalised form of `text` to `out`, separated from what `out` already ends with
/// by one space. Digits become `0` when `fold_digits` is set.
pub fn normalize_into(text: &str, fold_digits: bool, out: &mut String) -> Appended {
    normalize_words_into(text, fold_digits, out, |_| {})
}

/// [`normalize_into`], calling `on_word` with the bytes of each normalised word as soon as it
/// is complete (while they are still in cache, to hash them).
#[inline]
pub fn normalize_words_into(
    text: &str,
    fold_digits: bool,
    out: &mut String,
    mut on_word: impl FnMut(&[u8]),
) -> Appended {
    let table = if fold_digits { &OUTPUT_FOLDED } else { &OUTPUT };
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut stats = Appended::default();
    let mut need_space = !out.is_empty() && !out.ends_with(' ');
    // SAFETY: only ASCII bytes and the UTF-8 encodings of whole `char`s are appended, so `out`
    // stays valid UTF-8. Pushing bytes one at a time into a reserved buffer is what makes the
    // common case (ASCII words of a few letters) fast; `push_str` per word costs a `memcpy`
    // call each.
    let buf = unsafe { out.as_mut_vec() };
    buf.reserve(n + 1);
    let mut i = 0;
    while i < n {
        let b = bytes[i];
        if b < 0x80 {
            if table[b as usize] <= DROP {
                i += 1;
                continue;
            }
        } else {
            let Some(c) = text[i..].chars().next() else {
                break;
            };
            if !c.is_alphanumeric() {
                i += c.len_utf8();
                continue;
            }
        }
        if need_space {
            buf.push(b' ');
        }
        need_space = true;
        stats.words += 1;
        let word_start = buf.len();
        while i < n {
            // Eight ASCII bytes at a time while the word lasts; the byte that ends it (or an
            // apostrophe, or a multi-byte character) is left to the byte-wise code below.
            if let Some(chunk) = bytes.get(i..i + 8) {
                let run = copy_word_run(chunk, fold_digits, buf, &mut stats);
                i += run;
                if run == 8 {
                    continue;
                }
            }
            if i >= n {
                break;
            }
            let b = bytes[i];
            let o = table[b as usize];
            if o > DROP {
                buf.push(o);
                stats.chars += 1;
                stats.digits += (b.wrapping_sub(b'0') < 10) as usize;
                i += 1;
                continue;
            }
            if o == DROP {
                i += 1; // an apostrophe inside a word
                continue;
            }
            if b < 0x80 {
                i += 1;
                break;
            }
            let Some(c) = text[i..].chars().next() else {
                i = n;
                break;
            };
            i += c.len_utf8();
            if c.is_alphanumeric() {
                stats.chars += 1;
                let mut utf8 = [0u8; 4];
                if c.is_numeric() {
                    stats.digits += 1;
                    if fold_digits {
                        buf.push(b'0');
                        continue;
                    }
                }
                for lower in c.to_lowercase() {
                    buf.extend_from_slice(lower.encode_utf8(&mut utf8).as_bytes());
                }
            } else if !is_word_joiner(c) {
                break;
            }
        }
        on_word(&buf[word_start..]);
    }
    stats
}

/// The normalised form of `text` (see the module documentation).
pub fn normalize(text: &str, fold_digits: bool) -> String {
    let mut out = String::with_capacity(text.len());
    normalize_into(text, fold_digits, &mut out);
    out
}

const WORD_MIX: u64 = 0x9E37_79B9_7F4A_7C15;

#[inline(always)]
fn word_step(h: u64, eight_bytes: u64) -> u64 {
    (h.rotate_left(23) ^ eight_bytes).wrapping_mul(WORD_MIX)
}

#[inline(always)]
fn word_finish(h: u64, len: usize) -> u64 {
    let mut h = h ^ (len as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    h ^= h >> 32;
    h = h.wrapping_mul(0xD6E8_FEB8_6659_FD93);
    h ^ (h >> 32)
}

/// A fast 64-bit hash of one normalised word, for shingles and word sets: eight bytes at a
/// time (the last ones zero-padded) with a multiply-rotate step, then the length and a final
/// avalanche. Words are short, where this is several times faster than a general-purpose hash,
/// and it is stable across platforms.
#[inline]
pub fn word_hash(word: &str) -> u64 {
    word_hash_bytes(word.as_bytes())
}

/// [`word_hash`] of a word's bytes.
#[inline]
pub fn word_hash_bytes(bytes: &[u8]) -> u64 {
    let mut h = 0u64;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        h = word_step(
            h,
            u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]),
        );
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        // byte by byte: a copy into a padded buffer would be a `memcpy` call per word
        let tail = rest
            .iter()
            .enumerate()
            .fold(0u64, |v, (i, &b)| v | (b as u64) << (8 * i));
        h = word_step(h, tail);
    }
    word_finish(h, bytes.len())
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

    /// The documented semantics, one character at a time, without fast paths.
    fn reference(text: &str, fold_digits: bool) -> (String, Appended) {
        let mut out = String::new();
        let mut stats = Appended::default();
        let mut in_word = false;
        for c in text.chars() {
            if c.is_alphanumeric() {
                if !in_word && !out.is_empty() {
                    out.push(' ');
                }
                if !in_word {
                    stats.words += 1;
                }
                in_word = true;
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
        (out, stats)
    }

    proptest::proptest! {
        #[test]
        fn fast_path_matches_reference(
            text in "[a-zA-Z0-9 ,.'’\\-\n\tÉéß½٣\u{00AD}ǅȺİ]{0,60}|([A-Za-z0-9]{0,12}['’ ,é]){0,8}[A-Z0-9a-z]{0,20}",
            fold in proptest::bool::ANY,
        ) {
            let mut out = String::from("x");
            let mut words = Vec::new();
            let stats = normalize_words_into(&text, fold, &mut out, |w| words.push(w.to_vec()));
            let (expected, expected_stats) = reference(&text, fold);
            let expected_out = if expected.is_empty() { "x".to_string() } else { format!("x {expected}") };
            proptest::prop_assert_eq!(&out, &expected_out);
            proptest::prop_assert_eq!(stats, expected_stats);
            let expected_words: Vec<Vec<u8>> =
                expected.split(' ').filter(|w| !w.is_empty()).map(|w| w.as_bytes().to_vec()).collect();
            proptest::prop_assert_eq!(words, expected_words);
        }
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
