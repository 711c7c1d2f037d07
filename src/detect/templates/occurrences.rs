//! What pass 2 records of a document's watched units: each occurrence ([`Hit`]) with its
//! place, and whether body text follows it (a headline heading its article).

use serde::{Deserialize, Serialize};

use crate::detect::units::{Context, Region};

/// A headline heads its article when a line of at least [`HEADLINE_TEXT_WORDS`] words that is
/// not a template candidate (a paragraph of the article) follows it within this many
/// non-blank lines; the lines between are the date, the byline, share buttons, a subtitle, a
/// photo with its caption and credit, a box of tags or related links.
pub const HEADLINE_TEXT_LINES: usize = 15;

/// Words of the line of body text that shows that a headline heads its article (one sentence
/// of prose; teasers in link lists are shorter, or recur with their headline).
pub const HEADLINE_TEXT_WORDS: u32 = 20;

/// Fewest words of a line that [`Hit::heads_text`] makes a headline: a headline names its
/// story in a phrase, where a line of one or two words above a page's text is a section name
/// or a label ("Investing", "Full Coverage").
pub const HEADLINE_MIN_WORDS: u32 = 3;

/// For each line of a document, whether body text follows it: a line of at least
/// [`HEADLINE_TEXT_WORDS`] words that is no template candidate, within the next
/// [`HEADLINE_TEXT_LINES`] lines. `words[i]` are the words of line `i`, `candidate[i]` whether
/// it lies in a candidate unit of the document's site. (Hard-wrapped text has no line that
/// long; there a headline is told by standing at the top, [`Hit::at_top`].)
pub fn text_follows(words: &[u32], candidate: &[bool]) -> Vec<bool> {
    let mut follows = vec![false; words.len()];
    let mut next_text = usize::MAX;
    for i in (0..words.len()).rev() {
        follows[i] = next_text - i <= HEADLINE_TEXT_LINES;
        if words[i] >= HEADLINE_TEXT_WORDS && !candidate[i] {
            next_text = i;
        }
    }
    follows
}

/// One occurrence of a watched unit in a document, kept from round two.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hit {
    /// The unit's key.
    pub key: u64,
    /// Whether the unit is a whole multi-line block (else a line).
    pub is_block: bool,
    /// Whether the unit is a whole block (one line or several): reused-block reports use these.
    pub whole_block: bool,
    /// 1-based first and last line.
    pub lines: (u32, u32),
    /// Byte range in the document text.
    pub bytes: (u32, u32),
    /// Where it sits.
    pub region: Region,
    /// Whether it stands among the first three lines.
    pub at_top: bool,
    /// Whether body text follows it closely (see [`text_follows`]): where a headline stands
    /// in the article it heads, and a link-list entry does not.
    pub heads_text: bool,
    /// Its surroundings.
    pub context: Context,
    /// Words.
    pub words: u32,
}
