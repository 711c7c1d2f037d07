//! Scoring a cleaned copy against the text a person marked as the article (`eval --gold`).
//!
//! The score is the one of the article-extraction benchmarks: the words of each cleaned page
//! (lower-cased runs of letters, digits and `_`, as a bag) against the words of its gold text,
//! summed over pages before dividing: precision = shared words / words kept, recall = shared
//! words / gold words. A [`Score`] counts them: true positives are the shared words, false
//! positives the words kept that the gold does not hold, false negatives the gold words lost.
//!
//! [`evaluate_gold`] scans a corpus, writes its clean copy into a scratch folder, scores it and
//! removes it; [`evaluate_cleaned`] scores a clean copy made before.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use super::Score;
use crate::config::Config;
use crate::human::{count, noun};
use crate::report::clean;
use crate::scan::{ScanError, ScanOutput};

/// A score of words, shown as the article-extraction benchmarks show it:
/// `P 0.950 R 0.968 F1 0.959 (139098 words kept, 136460 gold)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Words(pub Score);

impl fmt::Display for Words {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.0;
        write!(
            f,
            "P {:.3} R {:.3} F1 {:.3} ({} kept, {} gold)",
            s.precision(),
            s.recall(),
            s.f1(),
            count(s.predicted(), "word"),
            s.labelled()
        )
    }
}

/// The score of a cleaned copy: overall, per top-level folder, per page.
#[derive(Debug, Default, Clone)]
pub struct GoldScore {
    /// Summed over all gold pages.
    pub overall: Score,
    /// Summed per top-level folder of the gold tree (a site, or site-year).
    pub by_folder: BTreeMap<String, Score>,
    /// Per gold page (its path under the gold folder), in path order.
    pub pages: Vec<(String, Score)>,
    /// Gold pages the cleaned copy has no file for (scored as nothing kept).
    pub missing: u64,
    /// Their paths under the gold folder.
    pub missing_pages: Vec<String>,
}

impl GoldScore {
    /// Whether no gold page had a cleaned file (the gold folder does not mirror the corpus).
    pub fn nothing_matched(&self) -> bool {
        self.missing > 0 && self.missing as usize == self.pages.len()
    }
}

impl fmt::Display for GoldScore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "cleaned text against gold, words summed over pages")?;
        for (folder, s) in &self.by_folder {
            writeln!(f, "  {folder:<24} {}", Words(*s))?;
        }
        writeln!(f, "  {:<24} {}", "overall", Words(self.overall))?;
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

/// A gold evaluation: the score, and how many of the gold pages without a cleaned file were
/// dropped as near-duplicates of another page (a clean copy keeps one copy).
#[derive(Debug, Default, Clone)]
pub struct GoldEvaluation {
    /// The words of the clean copy against the gold.
    pub score: GoldScore,
    /// Of `score.missing_pages`, those the scan dropped as duplicates (0 for a clean copy made
    /// before, whose scan is not known).
    pub dropped_as_duplicates: u64,
}

/// Why a gold evaluation could not be made.
#[derive(Debug, thiserror::Error)]
pub enum GoldError {
    /// The gold folder is not a folder.
    #[error(
        "the gold folder '{}' is not a folder: give the folder of gold texts \
         (GOLD/site/page.txt for DIR/site/page.html)",
        .0.display()
    )]
    NotAFolder(PathBuf),
    /// The scan failed.
    #[error("{0}")]
    Scan(#[from] ScanError),
    /// The scan read no document, or no record has a named field.
    #[error("{0}")]
    NothingRead(String),
    /// The clean copy could not be written.
    #[error("cannot write the cleaned corpus to '{}': {source}", .target.display())]
    CleanCopy {
        /// Where it was to be written.
        target: PathBuf,
        /// Why not.
        source: std::io::Error,
    },
    /// A gold or cleaned file could not be read.
    #[error("cannot score '{}' against '{}': {source}", .cleaned.display(), .gold.display())]
    Score {
        /// The cleaned copy.
        cleaned: PathBuf,
        /// The gold folder.
        gold: PathBuf,
        /// Why not.
        source: std::io::Error,
    },
}

/// Checks that `gold` is a folder, the first thing a gold evaluation needs.
pub fn check_gold_folder(gold: &Path) -> Result<(), GoldError> {
    if gold.is_dir() {
        Ok(())
    } else {
        Err(GoldError::NotAFolder(gold.to_path_buf()))
    }
}

/// Scans `cfg`'s corpus, writes its clean copy into a scratch folder (removed before
/// returning, whatever happens), and scores it against the gold texts under `gold`
/// (`GOLD/site/page.txt` for `DIR/site/page.html`).
pub fn evaluate_gold(cfg: &Config, gold: &Path) -> Result<GoldEvaluation, GoldError> {
    check_gold_folder(gold)?;
    let out = crate::scan(cfg)?;
    if let Some(error) = &out.input_error {
        return Err(GoldError::NothingRead(error.clone()));
    }
    let scratch =
        ScratchFolder(std::env::temp_dir().join(format!("neardup-gold-{}", std::process::id())));
    let source = out.clean_source();
    clean::write_clean_corpus(cfg, source, &scratch.0).map_err(|source| GoldError::CleanCopy {
        target: scratch.0.clone(),
        source,
    })?;
    let mut evaluation = evaluate_cleaned(&scratch.0, gold)?;
    let dropped = dropped_pages(&out);
    evaluation.dropped_as_duplicates = evaluation
        .score
        .missing_pages
        .iter()
        .filter(|p| dropped.contains(p.as_str()))
        .count() as u64;
    Ok(evaluation)
}

/// Scores the clean copy under `cleaned` (made before) against the gold texts under `gold`.
pub fn evaluate_cleaned(cleaned: &Path, gold: &Path) -> Result<GoldEvaluation, GoldError> {
    check_gold_folder(gold)?;
    let score = score_dirs(cleaned, gold).map_err(|source| GoldError::Score {
        cleaned: cleaned.to_path_buf(),
        gold: gold.to_path_buf(),
        source,
    })?;
    Ok(GoldEvaluation {
        score,
        dropped_as_duplicates: 0,
    })
}

/// A folder removed when dropped.
struct ScratchFolder(PathBuf);

impl Drop for ScratchFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The clean-copy names of the files whose documents the scan dropped as duplicates.
fn dropped_pages(out: &ScanOutput) -> HashSet<String> {
    let names = clean::copy_names(&out.files);
    let name_of: HashMap<&str, &String> = out
        .files
        .iter()
        .zip(&names)
        .map(|(f, name)| (f.rel.as_str(), name))
        .collect();
    out.annotations
        .iter()
        .filter(|a| a.duplicate_of.is_some())
        .filter_map(|a| name_of.get(a.path.as_str()).map(|name| (*name).clone()))
        .collect()
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
pub fn score_page(cleaned: &str, gold: &str) -> Score {
    let (c, g) = (word_bag(cleaned), word_bag(gold));
    let shared = g
        .iter()
        .map(|(w, &n)| u64::from(n.min(c.get(w).copied().unwrap_or(0))))
        .sum();
    Score::of_counts(
        shared,
        c.values().map(|&n| u64::from(n)).sum(),
        g.values().map(|&n| u64::from(n)).sum(),
    )
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
pub fn score_dirs(cleaned: &Path, gold: &Path) -> std::io::Result<GoldScore> {
    let mut score = GoldScore::default();
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
        assert_eq!(s, Score::of_counts(4, 6, 6));
        assert_eq!(
            Words(s).to_string(),
            "P 0.667 R 0.667 F1 0.667 (6 words kept, 6 gold)"
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
        assert_eq!(
            score.overall.labelled(),
            5,
            "windows-1252 gold is read: café, ok"
        );
        assert_eq!(score.overall.true_positives, 3);
        assert_eq!(score.by_folder["site"].predicted(), 4);
        assert!(score.to_string().contains("overall"));
    }

    #[test]
    fn a_gold_evaluation_scans_cleans_scores_and_counts_the_duplicates_dropped() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (corpus, gold) = (dir.path().join("corpus"), dir.path().join("gold"));
        for d in [&corpus, &gold] {
            std::fs::create_dir_all(d.join("site")).expect("mkdir");
        }
        let story = "The council approved the new harbour bridge after a long debate on \
                     Tuesday night, and work starts in the spring with two cranes.";
        let other = "Farmers at the weekend market reported record sales of early \
                     strawberries this spring, and the stalls ran out before noon.";
        for (name, text) in [("a.txt", story), ("b.txt", story), ("c.txt", other)] {
            std::fs::write(corpus.join("site").join(name), text).expect("write");
            std::fs::write(gold.join("site").join(name), text).expect("write");
        }
        let before: Vec<_> = std::fs::read_dir(std::env::temp_dir())
            .expect("temp dir")
            .filter_map(|e| e.ok().map(|e| e.file_name()))
            .filter(|n| n.to_string_lossy().starts_with("neardup-gold-"))
            .collect();
        let ev = evaluate_gold(&Config::new(&corpus), &gold).expect("evaluated");
        // one copy of the story is kept: the other counts as lost, dropped as a duplicate
        assert_eq!(ev.score.missing, 1);
        assert_eq!(ev.dropped_as_duplicates, 1);
        assert_eq!(ev.score.overall.precision(), 1.0);
        assert!(ev.score.overall.recall() < 1.0);
        assert!(!ev.score.nothing_matched());
        let after: Vec<_> = std::fs::read_dir(std::env::temp_dir())
            .expect("temp dir")
            .filter_map(|e| e.ok().map(|e| e.file_name()))
            .filter(|n| n.to_string_lossy().starts_with("neardup-gold-"))
            .collect();
        assert_eq!(before, after, "the scratch clean copy is removed");

        let not_a_folder = evaluate_gold(&Config::new(&corpus), &gold.join("site/a.txt"));
        assert!(matches!(not_a_folder, Err(GoldError::NotAFolder(_))));
        let cleaned = evaluate_cleaned(&corpus, &gold).expect("scored");
        assert_eq!(cleaned.score.overall.recall(), 1.0);
        assert_eq!(cleaned.dropped_as_duplicates, 0);
    }
}
