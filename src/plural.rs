//! A count and its noun, singular for one: "1 cluster", "5 clusters". Every message that
//! states a count (the summary, progress, warnings, `explain`, `eval`, the HTML page, skip
//! reasons) writes its noun through here, not with its own `if n == 1`.

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
}
