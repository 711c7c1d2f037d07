//! Shared passages of two texts: runs of words covered by a word n-gram that both hold,
//! rendered as escaped text with `<mark>` around each run.

use std::collections::HashSet;

use xxhash_rust::xxh3::xxh3_64;

use super::escape::{prefix, push_escaped};

/// A word of a text: its byte range and the hash of its lower-cased form.
#[derive(Debug, Clone, Copy)]
struct Word {
    start: usize,
    end: usize,
    hash: u64,
}

/// The words of `text`: maximal runs of alphanumeric characters, compared lower-cased (digits
/// as 0 with `fold_digits`, as the scan compares them).
fn words(text: &str, fold_digits: bool) -> Vec<Word> {
    let mut out = Vec::new();
    let mut key = String::new();
    let mut start = None;
    let mut push = |start: usize, end: usize, key: &mut String| {
        out.push(Word {
            start,
            end,
            hash: xxh3_64(key.as_bytes()),
        });
        key.clear();
    };
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() {
            start.get_or_insert(i);
            if fold_digits && c.is_numeric() {
                key.push('0');
            } else {
                key.extend(c.to_lowercase());
            }
        } else if let Some(s) = start.take() {
            push(s, i, &mut key);
        }
    }
    if let Some(s) = start {
        push(s, text.len(), &mut key);
    }
    out
}

/// The hash of `n` consecutive word hashes.
fn gram(words: &[Word]) -> u64 {
    words.iter().fold(0x9e37_79b9_7f4a_7c15u64, |h, w| {
        (h.rotate_left(5) ^ w.hash).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Byte ranges of the runs of `a`'s words that lie in a word `n`-gram `b` holds too, and how
/// many words those runs hold.
fn shared_runs(a: &[Word], b_grams: &HashSet<u64>, n: usize) -> (Vec<(usize, usize)>, usize) {
    let mut covered = vec![false; a.len()];
    if a.len() >= n {
        for (i, window) in a.windows(n).enumerate() {
            if b_grams.contains(&gram(window)) {
                covered[i..i + n].iter_mut().for_each(|c| *c = true);
            }
        }
    }
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut prev = false;
    for (w, &c) in a.iter().zip(&covered) {
        match (c, prev, runs.last_mut()) {
            (true, true, Some(run)) => run.1 = w.end,
            (true, _, _) => runs.push((w.start, w.end)),
            _ => {}
        }
        prev = c;
    }
    (runs, covered.iter().filter(|&&c| c).count())
}

/// One side of a comparison: the text (cut to a size) with its shared runs marked.
#[derive(Debug, Clone, PartialEq)]
pub struct Marked {
    /// Escaped HTML: the text with `<mark>` around each shared run.
    pub html: String,
    /// Share of the text's words inside shared runs (of the whole text, not only the part shown).
    pub shared_share: f64,
    /// Bytes of the text left out by the size cap.
    pub cut_bytes: usize,
}

/// Marks the passages `a` and `b` share (runs of words covered by a common word `n`-gram),
/// each side cut to `max_bytes`.
pub fn mark_shared(
    a: &str,
    b: &str,
    n: usize,
    fold_digits: bool,
    max_bytes: usize,
) -> (Marked, Marked) {
    let (wa, wb) = (words(a, fold_digits), words(b, fold_digits));
    // Texts shorter than one n-gram are compared on as many words as they have.
    let n = n.min(wa.len()).min(wb.len()).max(1);
    let grams = |w: &[Word]| -> HashSet<u64> { w.windows(n).map(gram).collect() };
    let (ga, gb) = (grams(&wa), grams(&wb));
    let side = |text: &str, words: &[Word], other: &HashSet<u64>| {
        let (runs, in_runs) = shared_runs(words, other, n);
        let shown = prefix(text, max_bytes);
        Marked {
            html: render(shown, &runs),
            shared_share: in_runs as f64 / words.len().max(1) as f64,
            cut_bytes: text.len() - shown.len(),
        }
    };
    (side(a, &wa, &gb), side(b, &wb, &ga))
}

/// `text` escaped, with `<mark>` around the byte ranges `runs` (sorted, disjoint; cut to the text).
fn render(text: &str, runs: &[(usize, usize)]) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut at = 0;
    for &(start, end) in runs {
        if start >= text.len() {
            break;
        }
        let end = end.min(text.len());
        push_escaped(&mut out, &text[at..start]);
        out.push_str("<mark>");
        push_escaped(&mut out, &text[start..end]);
        out.push_str("</mark>");
        at = end;
    }
    push_escaped(&mut out, &text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_passages_are_marked_on_both_sides() {
        let a = "Breaking: the council approved the new harbour bridge on Tuesday. Weather next.";
        let b = "The Council approved the new harbour bridge on Tuesday, officials said.";
        let (ma, mb) = mark_shared(a, b, 5, false, 10_000);
        assert_eq!(
            ma.html,
            "Breaking: <mark>the council approved the new harbour bridge on Tuesday</mark>. Weather next."
        );
        assert_eq!(
            mb.html,
            "<mark>The Council approved the new harbour bridge on Tuesday</mark>, officials said."
        );
        assert!((mb.shared_share - 9.0 / 11.0).abs() < 1e-9);
        assert_eq!(ma.cut_bytes, 0);
    }

    #[test]
    fn marked_text_is_escaped_and_cut_on_a_character_boundary() {
        let a = "<b>one two three four five</b> é";
        let b = "x one two three four five y";
        let (ma, _) = mark_shared(a, b, 5, false, a.len() - 1);
        assert_eq!(
            ma.html,
            "&lt;b&gt;<mark>one two three four five</mark>&lt;/b&gt; "
        );
        assert_eq!(ma.cut_bytes, 2);
    }

    #[test]
    fn nothing_shared_marks_nothing() {
        let (ma, mb) = mark_shared(
            "alpha beta gamma delta epsilon",
            "one two three",
            5,
            false,
            99,
        );
        assert_eq!(ma.html, "alpha beta gamma delta epsilon");
        assert_eq!(mb.html, "one two three");
        assert_eq!(ma.shared_share, 0.0);
    }

    #[test]
    fn folded_digits_match() {
        let (ma, _) = mark_shared(
            "sales rose 12 pct in May",
            "sales rose 15 pct in May",
            5,
            true,
            99,
        );
        assert!(
            ma.html.starts_with("<mark>sales rose 12 pct in May</mark>"),
            "{}",
            ma.html
        );
    }
}
