//! Text normalisation: the form in which two pieces of text are compared.
//!
//! A normalised text is its words — maximal runs of Unicode letters and digits — lowercased and
//! joined by single spaces. Punctuation, symbols and every quote or dash style therefore fold
//! away; apostrophes inside a word are dropped so that `Iran’s`, `Iran's` and `Irans` agree.

/// Characters dropped without ending a word.
fn is_word_joiner(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ' | '‘' | '\u{00AD}')
}

/// Appends the normalised form of `text` to `out`, separated from what `out` already ends with
/// by one space. Digits become `0` when `fold_digits` is set. Returns the number of words added.
pub fn normalize_into(text: &str, fold_digits: bool, out: &mut String) -> usize {
    let mut words = 0;
    let mut in_word = false;
    for c in text.chars() {
        if c.is_ascii() {
            let b = c as u8;
            if b.is_ascii_alphanumeric() {
                if !in_word {
                    start_word(out);
                    in_word = true;
                    words += 1;
                }
                let folded = if fold_digits && b.is_ascii_digit() {
                    '0'
                } else {
                    b.to_ascii_lowercase() as char
                };
                out.push(folded);
            } else if in_word && b == b'\'' {
                // apostrophe inside a word: dropped
            } else {
                in_word = false;
            }
        } else if c.is_alphanumeric() {
            if !in_word {
                start_word(out);
                in_word = true;
                words += 1;
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
    words
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

/// The 64-bit xxh3 hash of a normalised string.
pub fn hash_normalized(norm: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(norm.as_bytes())
}

/// Share of the non-space characters of `norm` that are digits.
pub fn digit_share(norm: &str) -> f64 {
    let (mut digits, mut all) = (0usize, 0usize);
    for c in norm.chars().filter(|c| *c != ' ') {
        all += 1;
        digits += c.is_numeric() as usize;
    }
    if all == 0 {
        0.0
    } else {
        digits as f64 / all as f64
    }
}

/// Lines whose characters are at least this share digits are figures (table rows), not text
/// with a date or a counter in it; their digits are never folded.
pub const FIGURES_DIGIT_SHARE: f64 = 0.25;

/// The hash of `norm` with every digit folded to `0`, reusing `scratch`, so that "© 2014" and
/// "© 2015" agree. Lines made mostly of figures keep their digits: "Net 658,159 vs 299,930"
/// and "Net 102,508 vs 264,910" are different lines.
pub fn hash_digits_folded(norm: &str, scratch: &mut String) -> u64 {
    if !norm.chars().any(|c| c.is_numeric()) || digit_share(norm) >= FIGURES_DIGIT_SHARE {
        return hash_normalized(norm);
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
    fn folds_digits_on_request() {
        assert_eq!(normalize("© 2014 v2", true), "0000 v0");
        assert_eq!(normalize("© 2014 v2", false), "2014 v2");
        let mut s = String::new();
        assert_eq!(
            hash_digits_folded("2014 systron micronix", &mut s),
            hash_normalized("0000 systron micronix")
        );
        assert_eq!(
            hash_digits_folded("net 658 159 vs 299 930", &mut s),
            hash_normalized("net 658 159 vs 299 930")
        );
    }

    #[test]
    fn appends_with_one_space_and_counts_words() {
        let mut out = String::from("a");
        assert_eq!(normalize_into("B, c!", false, &mut out), 2);
        assert_eq!(out, "a b c");
        assert_eq!(normalize_into("!!", false, &mut out), 0);
        assert_eq!(out, "a b c");
    }
}
