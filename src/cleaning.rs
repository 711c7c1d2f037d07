//! Scoring a cleaned copy against the text a person marked as the article (`eval --gold`).
//!
//! The score is the one of the article-extraction benchmarks: the words of each cleaned page
//! (lower-cased runs of letters, digits and `_`, as a bag) against the words of its gold text,
//! summed over pages before dividing: precision = shared words / words kept, recall = shared
//! words / gold words.

use crate::human::{count, noun};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// Word counts of one page or a sum of pages.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct WordScore {
    /// Words both the cleaned text and the gold hold (bag intersection).
    pub shared: u64,
    /// Words of the cleaned text.
    pub kept: u64,
    /// Words of the gold text.
    pub gold: u64,
}

impl WordScore {
    /// Shared words over words kept (1 when nothing was kept).
    pub fn precision(&self) -> f64 {
        ratio(self.shared, self.kept)
    }
    /// Shared words over gold words (1 when the gold is empty).
    pub fn recall(&self) -> f64 {
        ratio(self.shared, self.gold)
    }
    /// Harmonic mean of precision and recall.
    pub fn f1(&self) -> f64 {
        crate::eval::f1(self.precision(), self.recall())
    }
    fn add(&mut self, other: WordScore) {
        self.shared += other.shared;
        self.kept += other.kept;
        self.gold += other.gold;
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

impl std::fmt::Display for WordScore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "P {:.3} R {:.3} F1 {:.3} ({} kept, {} gold)",
            self.precision(),
            self.recall(),
            self.f1(),
            count(self.kept, "word"),
            self.gold
        )
    }
}

/// The score of a cleaned copy: overall, per top-level folder, per page.
#[derive(Debug, Default, Clone)]
pub struct CleaningScore {
    /// Summed over all gold pages.
    pub overall: WordScore,
    /// Summed per top-level folder of the gold tree (a site, or site-year).
    pub by_folder: BTreeMap<String, WordScore>,
    /// Per gold page (its path under the gold folder), in path order.
    pub pages: Vec<(String, WordScore)>,
    /// Gold pages the cleaned copy has no file for (scored as nothing kept).
    pub missing: u64,
    /// Their paths under the gold folder.
    pub missing_pages: Vec<String>,
}

impl std::fmt::Display for CleaningScore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "cleaned text against gold, words summed over pages")?;
        for (folder, s) in &self.by_folder {
            writeln!(f, "  {folder:<24} {s}")?;
        }
        writeln!(f, "  {:<24} {}", "overall", self.overall)?;
        if self.missing > 0 {
            writeln!(
                f,
                "  {} {} no cleaned file",
                count(self.missing, "gold page"),
                noun(self.missing, "has")
            )?;
        }
        Ok(())
    }
}

/// The bag of words of `text`: lower-cased runs of alphanumeric characters and `_`.
pub fn word_bag(text: &str) -> HashMap<String, u32> {
    let mut bag = HashMap::new();
    for w in text
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
    {
        *bag.entry(w.to_lowercase()).or_insert(0) += 1;
    }
    bag
}

/// One page's score: `cleaned` against `gold`.
pub fn score_page(cleaned: &str, gold: &str) -> WordScore {
    let (c, g) = (word_bag(cleaned), word_bag(gold));
    let shared = g
        .iter()
        .map(|(w, &n)| u64::from(n.min(c.get(w).copied().unwrap_or(0))))
        .sum();
    WordScore {
        shared,
        kept: c.values().map(|&n| u64::from(n)).sum(),
        gold: g.values().map(|&n| u64::from(n)).sum(),
    }
}

/// A text file as text: UTF-8, or windows-1252 when it is not (gold files of older
/// benchmarks are).
fn read_text(path: &Path) -> std::io::Result<String> {
    let bytes = std::fs::read(path)?;
    Ok(match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(e.as_bytes())
            .0
            .into_owned(),
    })
}

/// Scores every `.txt` file under `gold` against the file at the same path under `cleaned`.
pub fn score_dirs(cleaned: &Path, gold: &Path) -> std::io::Result<CleaningScore> {
    let mut score = CleaningScore::default();
    let mut paths = Vec::new();
    for entry in walkdir::WalkDir::new(gold).sort_by_file_name() {
        let entry = entry.map_err(std::io::Error::other)?;
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == "txt") {
            paths.push(entry.into_path());
        }
    }
    for path in paths {
        let rel = path.strip_prefix(gold).unwrap_or(&path);
        let gold_text = read_text(&path)?;
        let cleaned_text = match read_text(&cleaned.join(rel)) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                score.missing += 1;
                let rel = rel.to_string_lossy().replace('\\', "/");
                score.missing_pages.push(rel);
                String::new()
            }
            Err(e) => return Err(e),
        };
        let page = score_page(&cleaned_text, &gold_text);
        let rel = rel.to_string_lossy().replace('\\', "/");
        let folder = rel.split_once('/').map_or("", |(f, _)| f).to_string();
        score.overall.add(page);
        score.by_folder.entry(folder).or_default().add(page);
        score.pages.push((rel, page));
    }
    Ok(score)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_a_bag_and_summed_before_dividing() {
        let s = score_page("The cat, the CAT sat. Menu", "the cat sat on the mat");
        // kept: the×2 cat×2 sat menu = 6; gold: the×2 cat sat on mat = 6; shared the×2 cat sat
        assert_eq!(
            s,
            WordScore {
                shared: 4,
                kept: 6,
                gold: 6
            }
        );
        assert!((s.f1() - 4.0 / 6.0).abs() < 1e-9);
        let dir = tempfile::tempdir().expect("tempdir");
        let (c, g) = (dir.path().join("c"), dir.path().join("g"));
        for d in [&c, &g] {
            std::fs::create_dir_all(d.join("site")).expect("mkdir");
        }
        std::fs::write(g.join("site/a.txt"), "one two three").expect("write");
        std::fs::write(g.join("site/b.txt"), b"caf\xe9 ok").expect("write");
        std::fs::write(c.join("site/a.txt"), "one two three four").expect("write");
        let score = score_dirs(&c, &g).expect("score");
        assert_eq!(score.missing, 1);
        assert_eq!(score.overall.gold, 5, "windows-1252 gold is read: café, ok");
        assert_eq!(score.overall.shared, 3);
        assert_eq!(score.by_folder["site"].kept, 4);
        assert!(score.to_string().contains("overall"));
    }
}
