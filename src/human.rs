//! Numbers for people, in one place: a count and its noun, singular for one ("1 cluster",
//! "5 clusters"), bytes in decimal units, thousands separated, percentages. Every message
//! that states a count or a size (the summary, progress bars, warnings, `explain`, `eval`, the
//! HTML page, skip reasons, the spill's account) writes it through here.

use std::borrow::Cow;

/// Words whose plural is not regular: the verbs that agree with a count.
const IRREGULAR: [(&str, &str); 3] = [("is", "are"), ("was", "were"), ("has", "have")];

/// The plural of `singular`: its last word takes `s`, `es` after s, x, ch or sh, and a
/// consonant's `y` becomes `ies` (`copy` → `copies`, `template block` → `template blocks`).
fn plural_of(singular: &str) -> String {
    if let Some(&(_, many)) = IRREGULAR.iter().find(|(one, _)| *one == singular) {
        return many.to_string();
    }
    if let Some(stem) = singular.strip_suffix('y') {
        let before = stem.chars().last().map(|c| c.to_ascii_lowercase());
        if before.is_some_and(|c| c.is_ascii_alphabetic() && !"aeiou".contains(c)) {
            return format!("{stem}ies");
        }
    }
    if ["s", "x", "ch", "sh"].iter().any(|e| singular.ends_with(e)) {
        return format!("{singular}es");
    }
    format!("{singular}s")
}

/// `singular` when `n` is 1, its plural otherwise: the word that agrees with the count `n`
/// (`noun(3, "file")` is `files`; `noun(1, "was")` is `was`).
pub fn noun(n: u64, singular: &str) -> Cow<'_, str> {
    if n == 1 {
        Cow::Borrowed(singular)
    } else {
        Cow::Owned(plural_of(singular))
    }
}

/// `n` and its noun: `count(1, "cluster")` is `1 cluster`, `count(0, "cluster")` `0 clusters`.
pub fn count(n: u64, singular: &str) -> String {
    format!("{n} {}", noun(n, singular))
}

/// Bytes in decimal units with one decimal (`23.0 KB`), as the summary, the progress bars, the
/// HTML page and the report's account of the temporary file write them.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1000.0 && u < UNITS.len() - 1 {
        v /= 1000.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// `12345` as `12,345`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `n` with its thousands separated and its noun: `1 file`, `12,345 files`.
pub fn counted(n: u64, singular: &str) -> String {
    format!("{} {}", thousands(n), noun(n, singular))
}

/// `part` of `whole` as a whole percentage (`42%`); an empty whole counts as one.
pub fn percent(part: u64, whole: u64) -> String {
    format!("{:.0}%", 100.0 * part as f64 / whole.max(1) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(count(1, "cluster"), "1 cluster");
        assert_eq!(count(0, "cluster"), "0 clusters");
        assert_eq!(count(5, "file"), "5 files");
        assert_eq!(count(1, "later copy"), "1 later copy");
        assert_eq!(count(2, "later copy"), "2 later copies");
        assert_eq!(count(2, "day"), "2 days");
        assert_eq!(count(2, "template block"), "2 template blocks");
        assert_eq!(count(3, "pass"), "3 passes");
        assert_eq!(noun(1, "was"), "was");
        assert_eq!(noun(2, "was"), "were");
        assert_eq!(noun(2, "has"), "have");
        assert_eq!(noun(7, "is"), "are");
    }

    #[test]
    fn sizes_thousands_and_shares_read_as_people_write_them() {
        assert_eq!(bytes(999), "999 B");
        assert_eq!(bytes(23_000), "23.0 KB");
        assert_eq!(bytes(1_500_000), "1.5 MB");
        assert_eq!(bytes(62_300_000), "62.3 MB");
        assert_eq!(thousands(12_345), "12,345");
        assert_eq!(thousands(999), "999");
        assert_eq!(counted(1, "file"), "1 file");
        assert_eq!(counted(1_234_567, "file"), "1,234,567 files");
        assert_eq!(percent(1, 3), "33%");
        assert_eq!(percent(0, 0), "0%");
    }
}
