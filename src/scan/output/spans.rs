//! Span arithmetic on plain line and byte ranges: merging spans, whether a range lies inside
//! others, the lines a byte range covers, and the words a document keeps outside some lines.
//! No scan state and no I/O: everything here is a function of its arguments.

use crate::report::{Span, SpanKind};
use crate::spill::LinePart;

/// 1-based first and last line, inclusive.
pub(super) type Lines = (u32, u32);

/// A half-open byte range.
pub(super) type Bytes = (u32, u32);

/// Lines and bytes of a span of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct LineSpan {
    /// 1-based first and last line.
    pub start_line: u32,
    pub end_line: u32,
    /// Half-open byte range.
    pub start_byte: u32,
    pub end_byte: u32,
}

impl LineSpan {
    /// The span of `lines` and `bytes`.
    pub fn new(lines: Lines, bytes: Bytes) -> LineSpan {
        LineSpan {
            start_line: lines.0,
            end_line: lines.1,
            start_byte: bytes.0,
            end_byte: bytes.1,
        }
    }

    /// The report's span of this kind (without a reason).
    pub fn to_span(self, kind: SpanKind) -> Span {
        Span {
            kind,
            start_line: self.start_line,
            end_line: self.end_line,
            start_byte: self.start_byte,
            end_byte: self.end_byte,
            reason: None,
        }
    }

    /// Its first and last line.
    pub fn lines(self) -> Lines {
        (self.start_line, self.end_line)
    }
}

/// Merges sorted spans that overlap or touch (the next line) into one: its lines from the
/// first's start to the furthest end, its bytes from the first's start to the furthest end.
pub(super) fn merge_touching(spans: &[LineSpan]) -> Vec<LineSpan> {
    let mut out: Vec<LineSpan> = Vec::new();
    for &s in spans {
        match out.last_mut() {
            Some(last) if s.start_line <= last.end_line + 1 => {
                last.end_line = last.end_line.max(s.end_line);
                last.end_byte = last.end_byte.max(s.end_byte);
            }
            _ => out.push(s),
        }
    }
    out
}

/// Whether the byte range `inner` lies inside `outer` (ends included).
pub(super) fn bytes_inside(outer: Bytes, inner: Bytes) -> bool {
    outer.0 <= inner.0 && inner.1 <= outer.1
}

/// Whether line `n` lies in one of `ranges`.
pub(super) fn line_in_any(ranges: &[Lines], n: u32) -> bool {
    ranges.iter().any(|&r| r.0 <= n && n <= r.1)
}

/// Whether every line from `first` to `last` lies in one of `ranges` (true when `first` is
/// past `last`: no line is left out).
pub(super) fn lines_covered(
    ranges: impl Iterator<Item = Lines> + Clone,
    first: u32,
    last: u32,
) -> bool {
    (first..=last).all(|n| ranges.clone().any(|r| r.0 <= n && n <= r.1))
}

/// The 1-based line of `text` that holds byte `byte` (a byte past the end: the last line, or
/// the one after a final newline).
pub(super) fn line_of_byte(text: &str, byte: u32) -> u32 {
    let end = (byte as usize).min(text.len());
    1 + text.as_bytes()[..end]
        .iter()
        .filter(|&&c| c == b'\n')
        .count() as u32
}

/// The span of `text` from its byte range: the lines holding its first and its last byte (an
/// empty range at `a`: the line holding the byte before `a`).
pub(super) fn span_of_bytes(text: &str, (a, b): Bytes) -> LineSpan {
    LineSpan::new(
        (
            line_of_byte(text, a),
            line_of_byte(text, b.saturating_sub(1)),
        ),
        (a, b),
    )
}

/// The number of the line in `lines` (a document's non-blank lines, by start) that holds
/// byte `byte`: the last one starting at or before it; `None` before the first line.
pub(super) fn line_number_at(lines: &[LinePart], byte: u32) -> Option<u32> {
    let i = lines.partition_point(|l| l.bytes.0 <= byte);
    Some(lines.get(i.checked_sub(1)?)?.number)
}

/// The text of a byte range of `text`; empty when the range is not in it or does not fall on
/// character boundaries (the document changed since its ranges were taken).
pub(super) fn text_in(text: &str, (a, b): Bytes) -> &str {
    text.get(a as usize..b as usize).unwrap_or("")
}

/// A document's words outside the lines it loses anyway, and those of them left after its
/// later copies are stripped too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct WordsLeft {
    /// Words of the lines outside `gone`.
    pub own: u64,
    /// Words of those lines outside the copies as well.
    pub left: u64,
}

/// The words of `lines` ((line number, words) each) outside the ranges `gone`, and how many of
/// them lie outside `copies` too.
pub(super) fn words_left(lines: &[(u32, u32)], gone: &[Lines], copies: &[Lines]) -> WordsLeft {
    let mut words = WordsLeft::default();
    for &(n, w) in lines.iter().filter(|(n, _)| !line_in_any(gone, *n)) {
        words.own += w as u64;
        if !line_in_any(copies, n) {
            words.left += w as u64;
        }
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn span(lines: Lines, bytes: Bytes) -> LineSpan {
        LineSpan::new(lines, bytes)
    }

    fn part(number: u32, bytes: Bytes) -> LinePart {
        LinePart {
            number,
            bytes,
            first_word: 0,
            words: 0,
            norm: (0, 0),
        }
    }

    #[test]
    fn merge_joins_overlapping_and_touching_spans_only() {
        let spans = vec![
            span((1, 1), (0, 5)),
            span((2, 3), (6, 20)),
            span((3, 3), (12, 20)),
            span((6, 6), (30, 40)),
        ];
        assert_eq!(
            merge_touching(&spans),
            vec![span((1, 3), (0, 20)), span((6, 6), (30, 40))]
        );
    }

    #[test]
    fn merge_keeps_the_furthest_end_of_a_span_inside_another() {
        let spans = vec![span((2, 9), (10, 90)), span((4, 5), (40, 50))];
        assert_eq!(merge_touching(&spans), vec![span((2, 9), (10, 90))]);
    }

    #[test]
    fn merge_leaves_a_one_line_gap_and_empty_input_alone() {
        let apart = vec![span((1, 2), (0, 10)), span((4, 4), (20, 25))];
        assert_eq!(merge_touching(&apart), apart);
        assert_eq!(merge_touching(&[]), Vec::<LineSpan>::new());
    }

    #[test]
    fn a_span_becomes_the_reports_span() {
        let s = span((3, 4), (10, 30)).to_span(SpanKind::Reused);
        assert_eq!(
            (s.kind, s.start_line, s.end_line, s.start_byte, s.end_byte),
            (SpanKind::Reused, 3, 4, 10, 30)
        );
        assert!(s.reason.is_none());
    }

    #[test]
    fn bytes_inside_includes_both_ends() {
        assert!(bytes_inside((10, 20), (10, 20)));
        assert!(bytes_inside((10, 20), (12, 15)));
        assert!(bytes_inside((10, 20), (15, 15)), "an empty range inside");
        assert!(!bytes_inside((10, 20), (9, 15)));
        assert!(!bytes_inside((10, 20), (15, 21)));
        assert!(!bytes_inside((10, 20), (20, 30)), "adjacent is not inside");
    }

    #[test]
    fn lines_covered_by_adjacent_ranges_and_the_empty_gap() {
        let ranges = [(1, 2), (3, 5), (8, 8)];
        assert!(
            lines_covered(ranges.iter().copied(), 2, 5),
            "adjacent ranges cover"
        );
        assert!(!lines_covered(ranges.iter().copied(), 5, 7));
        assert!(
            lines_covered(ranges.iter().copied(), 7, 6),
            "no line between"
        );
        assert!(line_in_any(&ranges, 8));
        assert!(!line_in_any(&ranges, 6));
        assert!(!line_in_any(&[], 1));
    }

    #[test]
    fn line_of_byte_counts_newlines_before_it_and_clips_to_the_text() {
        let text = "ab\ncd\n\nef";
        assert_eq!(line_of_byte(text, 0), 1);
        assert_eq!(line_of_byte(text, 2), 1, "the newline ends its line");
        assert_eq!(line_of_byte(text, 3), 2);
        assert_eq!(line_of_byte(text, 7), 4);
        assert_eq!(line_of_byte(text, 1_000), 4, "past the end: the last line");
        assert_eq!(line_of_byte("", 5), 1);
    }

    #[test]
    fn span_of_bytes_takes_the_lines_of_the_first_and_last_byte() {
        let text = "ab\ncd\nef\n";
        assert_eq!(span_of_bytes(text, (3, 9)), span((2, 3), (3, 9)));
        assert_eq!(span_of_bytes(text, (3, 5)), span((2, 2), (3, 5)));
        // A range ending with its newline stays on its line.
        assert_eq!(span_of_bytes(text, (0, 3)), span((1, 1), (0, 3)));
        // An empty range at the start of a line: the line before it.
        assert_eq!(span_of_bytes(text, (3, 3)), span((2, 1), (3, 3)));
        assert_eq!(span_of_bytes(text, (0, 0)), span((1, 1), (0, 0)));
    }

    #[test]
    fn line_number_at_finds_the_line_starting_at_or_before_a_byte() {
        // Lines 1, 3 and 4 (line 2 blank) at bytes 0, 5 and 9.
        let lines = [part(1, (0, 3)), part(3, (5, 8)), part(4, (9, 12))];
        assert_eq!(line_number_at(&lines, 0), Some(1));
        assert_eq!(
            line_number_at(&lines, 4),
            Some(1),
            "the blank line: the one before"
        );
        assert_eq!(line_number_at(&lines, 5), Some(3));
        assert_eq!(line_number_at(&lines, 99), Some(4));
        assert_eq!(
            line_number_at(&[part(2, (4, 6))], 1),
            None,
            "before the first line"
        );
        assert_eq!(line_number_at(&[], 0), None);
    }

    #[test]
    fn text_in_clips_to_the_document_and_to_characters() {
        let text = "héllo";
        assert_eq!(text_in(text, (0, 1)), "h");
        assert_eq!(text_in(text, (1, 3)), "é");
        assert_eq!(text_in(text, (1, 2)), "", "inside a character");
        assert_eq!(text_in(text, (4, 99)), "", "past the end");
        assert_eq!(text_in(text, (3, 3)), "");
    }

    #[test]
    fn words_left_subtracts_lost_lines_then_copies() {
        let lines = [(1, 10), (2, 5), (4, 7), (5, 3)];
        let gone = [(1, 1)];
        let copies = [(4, 5)];
        assert_eq!(
            words_left(&lines, &gone, &copies),
            WordsLeft { own: 15, left: 5 }
        );
        assert_eq!(
            words_left(&lines, &[], &[]),
            WordsLeft { own: 25, left: 25 }
        );
        assert_eq!(words_left(&[], &gone, &copies), WordsLeft::default());
    }

    /// Sorted spans with lines and bytes that grow together, as a document's spans do.
    fn sorted_spans() -> impl Strategy<Value = Vec<LineSpan>> {
        prop::collection::vec((1u32..40, 0u32..6), 0..12).prop_map(|raw| {
            let mut spans: Vec<LineSpan> = raw
                .into_iter()
                .map(|(start, len)| {
                    span((start, start + len), (start * 10, (start + len) * 10 + 9))
                })
                .collect();
            spans.sort_unstable();
            spans
        })
    }

    fn covered_lines(spans: &[LineSpan]) -> std::collections::BTreeSet<u32> {
        spans
            .iter()
            .flat_map(|s| s.start_line..=s.end_line)
            .collect()
    }

    proptest! {
        #[test]
        fn merging_is_idempotent_and_covers_exactly_the_union(spans in sorted_spans()) {
            let merged = merge_touching(&spans);
            prop_assert_eq!(merge_touching(&merged), merged.clone());
            prop_assert_eq!(covered_lines(&merged), covered_lines(&spans));
            for pair in merged.windows(2) {
                prop_assert!(pair[0].end_line + 1 < pair[1].start_line, "merged spans neither overlap nor touch");
            }
            let byte_hull = |s: &[LineSpan]| s.iter().map(|s| (s.start_byte, s.end_byte)).fold(None, |h: Option<Bytes>, b| Some(h.map_or(b, |h| (h.0.min(b.0), h.1.max(b.1)))));
            prop_assert_eq!(byte_hull(&merged), byte_hull(&spans));
        }

        #[test]
        fn words_left_never_exceed_own_words(
            lines in prop::collection::vec((1u32..30, 0u32..20), 0..20),
            gone in prop::collection::vec((1u32..30, 0u32..4), 0..4),
            copies in prop::collection::vec((1u32..30, 0u32..4), 0..4),
        ) {
            let ranges = |r: Vec<(u32, u32)>| r.into_iter().map(|(a, l)| (a, a + l)).collect::<Vec<Lines>>();
            let (gone, copies) = (ranges(gone), ranges(copies));
            let w = words_left(&lines, &gone, &copies);
            prop_assert!(w.left <= w.own);
            let total: u64 = lines.iter().map(|l| l.1 as u64).sum();
            prop_assert!(w.own <= total);
            prop_assert_eq!(words_left(&lines, &[], &copies).own, total);
        }
    }
}
