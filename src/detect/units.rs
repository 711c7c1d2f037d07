//! Units: the pieces of a document that are counted across documents — every line that stands
//! on its own, and every multi-line block — keyed by their digit-folded normalised hash.

use std::ops::Range;

use crate::text::Segmented;

/// Where in its document a unit sits, by its first line among the non-blank lines.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Region {
    /// First third.
    Header,
    /// Middle third.
    Body,
    /// Last third.
    Footer,
}

/// A countable piece of a document.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Unit {
    /// Digit-folded normalised hash; a line and a block with the same text share it.
    pub key: u64,
    /// Indexes of its lines in [`Segmented::lines`].
    #[serde(with = "as_u32::range")]
    pub lines: Range<usize>,
    /// Index of the block that holds it.
    #[serde(with = "as_u32::index")]
    pub block: usize,
    /// Words in its normalised form.
    pub words: u32,
    /// Where it sits.
    pub region: Region,
    /// Whether it starts among the first three non-blank lines (where a headline stands).
    pub at_top: bool,
    /// Where it stands relative to its surroundings (see [`Context`]).
    pub context: Context,
}

/// Line and block indexes serialised in 32 bits (the spill holds a unit per line): documents
/// are under 4 GiB, so they fit.
mod as_u32 {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub mod range {
        use super::*;
        use std::ops::Range;

        pub fn serialize<S: Serializer>(r: &Range<usize>, s: S) -> Result<S::Ok, S::Error> {
            (r.start as u32, r.end as u32).serialize(s)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Range<usize>, D::Error> {
            let (start, end) = <(u32, u32)>::deserialize(d)?;
            Ok(start as usize..end as usize)
        }
    }

    pub mod index {
        use super::*;

        pub fn serialize<S: Serializer>(i: &usize, s: S) -> Result<S::Ok, S::Error> {
            (*i as u32).serialize(s)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
            Ok(u32::deserialize(d)? as usize)
        }
    }
}

/// The surroundings of a unit. A site's template sits in the same place on every page — after
/// the same line, before the same line, or at the same distance from the top or the bottom —
/// while a line that recurs by coincidence (a "Year" row of an earnings table) moves around.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
pub struct Context {
    /// Exact hash of the non-blank line before it, 32 bits (0 at the top).
    pub prev: u32,
    /// Exact hash of the non-blank line after it, 32 bits (0 at the bottom).
    pub next: u32,
    /// Non-blank lines above it (saturating).
    pub from_top: u16,
    /// Non-blank lines below it (saturating).
    pub from_bottom: u16,
    /// Whether the lines on both sides are figures: a label inside a table ("Year", "Nine
    /// mths"), which repeats in every such table and is content.
    pub in_table: bool,
    /// Whether the unit itself holds a row of figures, which keeps its digits in the key
    /// ("Net 658,159 vs 299,930"): such a row recurs only where a table is copied.
    pub figures: bool,
}

impl Context {
    fn of(seg: &Segmented, lines: &Range<usize>) -> Context {
        let n = seg.lines.len();
        Context {
            prev: lines
                .start
                .checked_sub(1)
                .map(|i| (seg.lines[i].hash >> 32) as u32 | 1)
                .unwrap_or(0),
            next: seg
                .lines
                .get(lines.end)
                .map(|l| (l.hash >> 32) as u32 | 1)
                .unwrap_or(0),
            from_top: lines.start.min(u16::MAX as usize) as u16,
            from_bottom: (n - lines.end).min(u16::MAX as usize) as u16,
            in_table: lines.start > 0
                && seg.lines[lines.start - 1].table_row
                && seg.lines.get(lines.end).is_some_and(|l| l.table_row),
            figures: seg.lines[lines.clone()].iter().any(|l| l.figures),
        }
    }

    /// The four features as comparable values, each tagged with its kind.
    pub fn features(&self) -> [(u8, u64); 4] {
        [
            (0, self.prev as u64),
            (1, self.next as u64),
            (2, self.from_top as u64),
            (3, self.from_bottom as u64),
        ]
    }
}

/// Terminal punctuation that ends a sentence or a list item.
fn ends_sentence(line: &str) -> bool {
    line.trim_end()
        .ends_with(['.', '!', '?', ':', ';', '"', '”', '\'', '’', ')', '|', ']'])
}

/// A line of a hard-wrapped paragraph that continues the line before it: fragments like
/// "said." that end many wrapped paragraphs must not count as lines of their own. A line
/// continues an unfinished line when it starts in lower case, or when it is a short tail
/// ("Reuters said.") under a line as long as wrapped text; an item of a headline list starts in
/// upper case and is not short, so it stays a line of its own.
fn is_continuation(prev: &str, line: &str) -> bool {
    if ends_sentence(prev) {
        return false;
    }
    let line = line.trim();
    let starts_lower = line
        .chars()
        .next()
        .is_some_and(|c| c.is_lowercase() || c.is_ascii_digit());
    starts_lower || (prev.trim_end().chars().count() >= 60 && line.chars().count() < 25)
}

/// The units of a segmented document, in document order. A line without words (`|`,
/// `-----`) is a unit of its own, keyed by its characters (see [`Line::hash`](crate::text::Line)).
pub fn units(text: &str, seg: &Segmented) -> Vec<Unit> {
    let n = seg.lines.len().max(1);
    let region_of = |line_index: usize| match line_index * 3 / n {
        0 => Region::Header,
        1 => Region::Body,
        _ => Region::Footer,
    };
    let mut out = Vec::with_capacity(seg.lines.len() + seg.blocks.len());
    for (b, block) in seg.blocks.iter().enumerate() {
        for i in block.lines.clone() {
            let line = &seg.lines[i];
            if line.words > 0 && i > block.lines.start {
                let prev = &seg.lines[i - 1];
                if is_continuation(&text[prev.bytes.clone()], &text[line.bytes.clone()]) {
                    continue;
                }
            }
            out.push(Unit {
                key: line.folded_hash,
                lines: i..i + 1,
                block: b,
                words: line.words,
                region: region_of(i),
                at_top: i < 3,
                context: Context::of(seg, &(i..i + 1)),
            });
        }
        if block.lines.len() > 1 && block.words > 0 {
            out.push(Unit {
                key: block.folded_hash,
                lines: block.lines.clone(),
                block: b,
                words: block.words,
                region: region_of(block.lines.start),
                at_top: block.lines.start < 3,
                context: Context::of(seg, &block.lines),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::segment;

    #[test]
    fn wrapped_fragments_are_not_units() {
        let text = "Exports rose sharply in the third quarter of the year, and the\ncompany said.\n\nNext paragraph ends here and the\nofficials said.";
        let seg = segment(text, false);
        let u = units(text, &seg);
        let lines: Vec<_> = u
            .iter()
            .filter(|u| u.lines.len() == 1)
            .map(|u| seg.lines[u.lines.start].number)
            .collect();
        assert_eq!(lines, vec![1, 4]);
        assert_eq!(u.iter().filter(|u| u.lines.len() > 1).count(), 2);
    }

    /// A menu with `|` between its items: the separators are units too.
    #[test]
    fn lines_without_words_are_units() {
        let text = "News\n|\nSport\n|\nWeather";
        let seg = segment(text, false);
        let all = units(text, &seg);
        let u: Vec<&Unit> = all.iter().filter(|u| u.lines.len() == 1).collect();
        assert_eq!(u.len(), 5);
        assert_eq!(u[1].key, u[3].key);
        assert_eq!(u[1].words, 0);
        assert_eq!(u[2].context.prev, u[4].context.prev);
    }

    #[test]
    fn list_lines_inside_a_paragraph_are_units() {
        let text = "Story.\n\nU.S. too late on Syria, ex-Pentagon chief warns\nAir France cancels flights as strike enters second week\nPowered by : © 2014 Systron Micronix :: Leaders in Web Hosting. All rights reserved";
        let seg = segment(text, false);
        let u = units(text, &seg);
        // three lines of the last paragraph, the paragraph itself, and "Story."
        assert_eq!(u.len(), 5);
        assert_eq!(u[0].region, Region::Header);
        assert_eq!(u[3].region, Region::Footer);
        assert!(u[0].at_top);
        // a long headline does not swallow the next one
        let text = "City council approves new harbour bridge after decade of debate\nVolunteers race to protect old town as river keeps rising";
        let seg = segment(text, false);
        assert_eq!(
            units(text, &seg)
                .iter()
                .filter(|u| u.lines.len() == 1)
                .count(),
            2
        );
    }
}
