//! Segmentation of a document into lines and blocks, each with its span and normalised hash.
//!
//! Blocks are paragraphs separated by blank lines. A document without blank lines falls back
//! to one block per line, except that hard-wrapped text whose paragraphs start with an indented
//! line (wire copy) is split at the indents.

use std::ops::Range;

use super::normalize::{
    hash_digits_folded, hash_normalized, normalize_words_into, word_hash_bytes, Appended, Figures,
};

/// One line of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// 1-based line number.
    pub number: u32,
    /// Byte range in the document's text, without the line break.
    pub bytes: Range<usize>,
    /// Byte range of its normalised form in [`Segmented::norm`].
    pub norm: Range<usize>,
    /// Words in its normalised form.
    pub words: u32,
    /// Index of its first word in [`Segmented::word_hashes`].
    pub first_word: u32,
    /// xxh3 of its normalised form; for a line without words, of its characters (`|`,
    /// `-----`), which no normalised form can equal.
    pub hash: u64,
    /// xxh3 of its normalised form with each number folded to `0` (template comparisons),
    /// except in a row of figures (see `figures`).
    pub folded_hash: u64,
    /// Whether it looks like a row of a table of figures: short (ten words or fewer) with a
    /// number in it, or mostly digits; not a number standing alone (a year, a day, a counter:
    /// the cells of a date widget).
    pub table_row: bool,
    /// Whether it is a row of figures, which keeps its digits in `folded_hash` (see
    /// [`Figures::keep_digits`]).
    pub figures: bool,
    /// Digits in its normalised form.
    pub digits: u32,
    /// Characters of its normalised form, spaces excluded.
    pub chars: u32,
}

/// A paragraph (or a line, in documents without paragraphs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// Indexes of its lines in [`Segmented::lines`].
    pub lines: Range<usize>,
    /// 1-based first line number.
    pub start_line: u32,
    /// 1-based last line number (inclusive).
    pub end_line: u32,
    /// Byte range in the document's text (half-open).
    pub bytes: Range<usize>,
    /// Byte range of its normalised form in [`Segmented::norm`].
    pub norm: Range<usize>,
    /// Words in its normalised form.
    pub words: u32,
    /// xxh3 of its normalised form.
    pub hash: u64,
    /// xxh3 of its normalised form with digits folded to `0`.
    pub folded_hash: u64,
}

/// A segmented document.
#[derive(Debug, Clone, Default)]
pub struct Segmented {
    /// Every non-blank line.
    pub lines: Vec<Line>,
    /// Blocks in document order.
    pub blocks: Vec<Block>,
    /// The normalised text of the whole document: every line's normalised form, in order,
    /// joined by single spaces.
    pub norm: String,
    /// The [`word_hash`](super::normalize::word_hash) of every word of `norm`, in order.
    pub word_hashes: Vec<u64>,
}

impl Segmented {
    /// The normalised form of a block.
    pub fn block_norm(&self, block: &Block) -> &str {
        &self.norm[block.norm.clone()]
    }

    /// The normalised form of a line.
    pub fn line_norm(&self, line: &Line) -> &str {
        &self.norm[line.norm.clone()]
    }

    /// The word hashes of a block.
    pub fn block_word_hashes(&self, block: &Block) -> &[u64] {
        let start = self.lines[block.lines.start].first_word as usize;
        &self.word_hashes[start..start + block.words as usize]
    }

    /// Total words of the document.
    pub fn words(&self) -> u64 {
        self.lines.iter().map(|l| l.words as u64).sum()
    }
}

/// Splits `text` into lines and blocks and normalises them (digits folded when `fold_digits`).
pub fn segment(text: &str, fold_digits: bool) -> Segmented {
    let mut seg = Segmented {
        norm: String::with_capacity(text.len()),
        word_hashes: Vec::with_capacity(text.len() / 5),
        ..Segmented::default()
    };
    let mut scratch = String::new();
    // Each entry: index of the line, and whether a blank line came before it.
    let lines = memchr::memchr_iter(b'\n', text.as_bytes()).count() + 1;
    seg.lines.reserve(lines);
    let mut after_blank = Vec::with_capacity(lines);
    let mut saw_blank = false;
    let mut offset = 0usize;
    for (i, raw) in lines_inclusive(text).enumerate() {
        let start = offset;
        offset += raw.len();
        let content = raw.strip_suffix('\n').unwrap_or(raw);
        let content = content.strip_suffix('\r').unwrap_or(content);
        if content.trim().is_empty() {
            saw_blank = true;
            continue;
        }
        let norm_start = seg.norm.len();
        let first_word = seg.word_hashes.len() as u32;
        let word_hashes = &mut seg.word_hashes;
        let stats = normalize_words_into(content, fold_digits, &mut seg.norm, |w| {
            word_hashes.push(word_hash_bytes(w))
        });
        let words = stats.words;
        // normalize_into may have put a separating space first.
        let norm = if words > 0 {
            (seg.norm.len() - norm_len_of_last_words(&seg.norm, norm_start))..seg.norm.len()
        } else {
            seg.norm.len()..seg.norm.len()
        };
        let slice = &seg.norm[norm.clone()];
        let f = Figures::of(content, slice, stats);
        let figures = f.keep_digits();
        let table_row = stats.digits > 0 && (f.mostly_digits || words <= 10) && !f.lone_number();
        let (hash, folded_hash) = if words == 0 {
            let symbols = symbols_hash(content);
            (symbols, symbols)
        } else {
            let hash = hash_normalized(slice);
            let folded = if fold_digits {
                hash
            } else {
                hash_digits_folded(slice, stats, figures, hash, &mut scratch)
            };
            (hash, folded)
        };
        after_blank.push(saw_blank && !seg.lines.is_empty());
        saw_blank = false;
        seg.lines.push(Line {
            number: i as u32 + 1,
            bytes: start..start + content.len(),
            norm,
            words: words as u32,
            first_word,
            hash,
            folded_hash,
            table_row,
            figures,
            digits: stats.digits as u32,
            chars: stats.chars as u32,
        });
    }
    let has_paragraphs = after_blank.iter().any(|&b| b);
    let starts: Vec<bool> = if has_paragraphs {
        after_blank
    } else if indented_paragraphs(text, &seg.lines) {
        seg.lines
            .iter()
            .map(|l| text[l.bytes.clone()].starts_with([' ', '\t']))
            .collect()
    } else {
        vec![true; seg.lines.len()]
    };
    let mut first = 0;
    for i in 1..=seg.lines.len() {
        if starts.get(i).is_none_or(|&s| s) {
            let block = make_block(&seg, first..i, &mut scratch, fold_digits);
            seg.blocks.push(block);
            first = i;
        }
    }
    seg
}

/// `text.split_inclusive('\n')`, each line end found by `memchr` (several times faster
/// than the standard library's search on lines of prose).
fn lines_inclusive(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let end = memchr::memchr(b'\n', rest.as_bytes()).map_or(rest.len(), |i| i + 1);
        // `end` follows an ASCII byte or is the end: a character boundary.
        let (line, after) = rest.split_at(end);
        rest = after;
        Some(line)
    })
}

/// The hash of a line without words (`|`, `-----`, `.`): its characters without white space,
/// so that a site's separator lines are told apart and counted like its other lines. No
/// normalised text is made of such characters, so it is no other line's hash.
fn symbols_hash(raw: &str) -> u64 {
    let symbols: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    xxhash_rust::xxh3::xxh3_64_with_seed(symbols.as_bytes(), 0x5359_4d42)
}

/// Length of the normalised text appended since `norm_start`, without its leading separator.
fn norm_len_of_last_words(norm: &str, norm_start: usize) -> usize {
    let added = &norm[norm_start..];
    added.strip_prefix(' ').unwrap_or(added).len()
}

/// True for hard-wrapped text whose paragraphs begin with an indented line: some lines, but
/// not most, are indented.
fn indented_paragraphs(text: &str, lines: &[Line]) -> bool {
    if lines.len() < 4 {
        return false;
    }
    let indented = lines
        .iter()
        .skip(1)
        .filter(|l| text[l.bytes.clone()].starts_with([' ', '\t']))
        .count();
    indented > 0 && indented * 2 < lines.len()
}

fn make_block(seg: &Segmented, lines: Range<usize>, scratch: &mut String, fold: bool) -> Block {
    let first = &seg.lines[lines.start];
    let last = &seg.lines[lines.end - 1];
    let mut stats = Appended::default();
    let mut norm: Option<Range<usize>> = None;
    let mut figures = false;
    for l in seg.lines[lines.clone()].iter().filter(|l| l.words > 0) {
        figures |= l.figures;
        stats.words += l.words as usize;
        stats.digits += l.digits as usize;
        stats.chars += l.chars as usize;
        norm = Some(match norm {
            Some(r) => r.start..l.norm.end,
            None => l.norm.clone(),
        });
    }
    let norm = norm.unwrap_or(first.norm.start..first.norm.start);
    let (hash, folded_hash) = if lines.len() == 1 {
        (first.hash, first.folded_hash)
    } else {
        let slice = &seg.norm[norm.clone()];
        let hash = hash_normalized(slice);
        let folded = if fold {
            hash
        } else {
            hash_digits_folded(slice, stats, figures, hash, scratch)
        };
        (hash, folded)
    };
    Block {
        start_line: first.number,
        end_line: last.number,
        bytes: first.bytes.start..last.bytes.end,
        lines,
        norm,
        words: stats.words as u32,
        hash,
        folded_hash,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_split_as_split_inclusive_splits_them() {
        for text in [
            "",
            "\n",
            "a",
            "a\n",
            "a\nb",
            "a\n\nb\n",
            "é\r\n✓\n\n",
            "\n\nx",
        ] {
            let ours: Vec<&str> = lines_inclusive(text).collect();
            let std: Vec<&str> = text.split_inclusive('\n').collect();
            assert_eq!(ours, std, "{text:?}");
        }
    }

    #[test]
    fn paragraphs_with_spans() {
        let text = "Title here\n\nFirst para line one\nline two.\r\n\n\nLast.";
        let seg = segment(text, false);
        assert_eq!(seg.blocks.len(), 3);
        let b = &seg.blocks[1];
        assert_eq!((b.start_line, b.end_line), (3, 4));
        assert_eq!(&text[b.bytes.clone()], "First para line one\nline two.");
        assert_eq!(seg.block_norm(b), "first para line one line two");
        assert_eq!(b.words, 6);
        let last = &seg.blocks[2];
        assert_eq!((last.start_line, last.end_line), (7, 7));
        assert_eq!(&text[last.bytes.clone()], "Last.");
        assert_eq!(seg.norm, "title here first para line one line two last");
        let hashes: Vec<u64> = seg
            .norm
            .split(' ')
            .map(super::super::normalize::word_hash)
            .collect();
        assert_eq!(seg.word_hashes, hashes);
        assert_eq!(seg.block_word_hashes(b), &hashes[2..8]);
    }

    #[test]
    fn no_blank_lines_falls_back_to_lines() {
        let seg = segment("one\ntwo\nthree", false);
        assert_eq!(seg.blocks.len(), 3);
        assert_eq!(seg.blocks[2].start_line, 3);
    }

    #[test]
    fn indented_wire_paragraphs() {
        let text = "Showers continued in\nthe zone, said.\n    The dry period means\nlate this year.\n    Arrivals rose.\nto 5 mln.\nmore";
        let seg = segment(text, false);
        let ranges: Vec<_> = seg
            .blocks
            .iter()
            .map(|b| (b.start_line, b.end_line))
            .collect();
        assert_eq!(ranges, vec![(1, 2), (3, 4), (5, 7)]);
    }

    #[test]
    fn punctuation_only_lines_have_empty_norm() {
        let seg = segment("a b\n\n***\n\nc", false);
        assert_eq!(seg.blocks.len(), 3);
        assert_eq!(seg.blocks[1].words, 0);
        assert_eq!(seg.block_norm(&seg.blocks[1]), "");
        assert_eq!(seg.norm, "a b c");
    }

    #[test]
    fn folded_hash_ignores_digits() {
        let a = segment("© 2014 Systron Micronix Web Hosting", false);
        let b = segment("© 2015 Systron Micronix Web Hosting", false);
        assert_ne!(a.blocks[0].hash, b.blocks[0].hash);
        assert_eq!(a.blocks[0].folded_hash, b.blocks[0].folded_hash);
    }

    /// The archive.org toolbar and a date widget on two pages of one site: the years and the
    /// date agree once folded, and a lone year is no row of a table of figures; the rows of an
    /// earnings table keep their figures.
    #[test]
    fn date_widgets_fold_and_tables_keep_figures() {
        let a = segment(
            "Oct\nNOV\n30\n2004\n2005\nAugust 30, 2005\nNet 658,159 vs 299,930",
            false,
        );
        let b = segment(
            "Aug\nSEP\n3\n2005\n2008\nAugust 3, 2005\nNet 102,508 vs 264,910",
            false,
        );
        for i in [2, 3, 4, 5] {
            assert_eq!(a.lines[i].folded_hash, b.lines[i].folded_hash);
        }
        assert_ne!(a.lines[6].folded_hash, b.lines[6].folded_hash);
        assert!(!a.lines[2].table_row && !a.lines[3].table_row);
        assert!(a.lines[6].table_row && a.lines[6].figures);
        let t = segment(
            "Revs 33.5 mln vs 40.4 mln\n12 mths\nShr loss 51 cts vs profit cts",
            false,
        );
        assert!(t.lines[0].table_row && t.lines[1].table_row && t.lines[2].table_row);
    }

    /// Separator lines (`|` between menu items, `-----` under a heading) are told apart.
    #[test]
    fn lines_without_words_have_their_own_hash() {
        let seg = segment("a\n|\nb\n| \n-----\n.", false);
        let h: Vec<u64> = seg.lines.iter().map(|l| l.folded_hash).collect();
        assert_eq!(h[1], h[3]);
        assert!(h[1] != h[4] && h[4] != h[5] && h[1] != h[5]);
        assert_ne!(h[5], hash_normalized(""));
        assert_eq!(seg.lines[1].words, 0);
    }
}
