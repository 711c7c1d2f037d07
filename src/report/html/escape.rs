//! Escaping for HTML text and attribute values: every string from the corpus or the report
//! (ids, sites, texts, reasons) reaches the page through these functions.

use std::fmt;

/// Appends `text` to `out` with `& < > " '` replaced by entities, safe in element content and
/// in quoted attribute values alike.
pub fn push_escaped(out: &mut String, text: &str) {
    use fmt::Write;
    // Writing to a String cannot fail.
    let _ = write!(out, "{}", Esc(text));
}

/// `text` escaped (see [`push_escaped`]).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    push_escaped(&mut out, text);
    out
}

/// A string that formats escaped: `write!(out, "<td>{}</td>", Esc(id))`.
pub struct Esc<'a>(pub &'a str);

impl fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut last = 0;
        for (i, b) in self.0.bytes().enumerate() {
            let entity = match b {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                b'\'' => "&#39;",
                _ => continue,
            };
            f.write_str(&self.0[last..i])?;
            f.write_str(entity)?;
            last = i + 1;
        }
        f.write_str(&self.0[last..])
    }
}

/// `text` cut to at most `max` characters on one line (white space collapsed), `…` marking a cut.
pub fn clip(text: &str, max: usize) -> String {
    let mut out = String::new();
    for (n, word) in text.split_whitespace().enumerate() {
        if n > 0 {
            out.push(' ');
        }
        out.push_str(word);
        if out.len() > max * 4 {
            break;
        }
    }
    if out.chars().count() <= max {
        return out;
    }
    let mut cut: String = out.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// The longest prefix of `text` of at most `max` bytes that ends on a character boundary.
pub fn prefix(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_quotes_become_entities() {
        let hostile = r#"<script>alert("x")</script><img src=x onerror='go()'> & co"#;
        let out = escape(hostile);
        assert_eq!(
            out,
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=&#39;go()&#39;&gt; &amp; co"
        );
        assert!(!out.contains(['<', '>', '"', '\'']));
        assert_eq!(Esc(hostile).to_string(), out);
    }

    #[test]
    fn plain_and_multibyte_text_is_unchanged() {
        assert_eq!(escape("Zürich — 5 % off"), "Zürich — 5 % off");
        assert_eq!(escape(""), "");
    }

    #[test]
    fn clip_and_prefix_cut_on_character_boundaries() {
        assert_eq!(clip("a  b\n c", 10), "a b c");
        assert_eq!(clip("abcdef", 4), "abc…");
        assert_eq!(prefix("añb", 2), "a");
        assert_eq!(prefix("añb", 3), "añ");
        assert_eq!(prefix("ab", 9), "ab");
    }
}
