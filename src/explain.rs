//! `neardup explain`: why two documents are, or are not, near-duplicates.

use std::fmt;

use crate::config::Config;
use crate::detect::near::Thresholds;
use crate::sketch::{estimate_jaccard, MinHasher};
use crate::text::{jaccard_and_containment, segment, shingle_into, Segmented};

/// One document to explain, with the lines a scan found to be template (left out).
#[derive(Debug, Clone)]
pub struct Subject {
    /// Its id or path.
    pub id: String,
    /// Its text.
    pub text: String,
    /// 1-based inclusive line ranges that are template.
    pub template_lines: Vec<(u32, u32)>,
}

/// Two files read as they are (no template lines known).
pub fn from_files(a: &str, b: &str) -> Result<(Subject, Subject), String> {
    let read = |p: &str| -> Result<Subject, String> {
        let bytes = std::fs::read(p).map_err(|e| format!("cannot read '{p}': {e}"))?;
        Ok(Subject {
            id: p.to_string(),
            text: String::from_utf8_lossy(&bytes).into_owned(),
            template_lines: Vec::new(),
        })
    };
    Ok((read(a)?, read(b)?))
}

/// Two documents of a corpus, by id, with the template lines a scan of the corpus finds.
pub fn from_corpus(cfg: &Config, a: &str, b: &str) -> Result<(Subject, Subject), String> {
    let out = crate::scan(cfg).map_err(|e| e.to_string())?;
    let mut found: [Option<Subject>; 2] = [None, None];
    let tree = crate::corpus::walk(&cfg.root, &cfg.input.site_mode);
    for file in &tree.files {
        crate::corpus::read_documents(file, &cfg.input, |doc| {
            for (slot, want) in found.iter_mut().zip([a, b]) {
                if slot.is_none() && doc.id == want {
                    let template_lines = out
                        .annotations
                        .iter()
                        .find(|x| x.id == want)
                        .map(|x| {
                            x.spans
                                .iter()
                                .filter(|s| s.kind == "template")
                                .map(|s| (s.start_line, s.end_line))
                                .collect()
                        })
                        .unwrap_or_default();
                    *slot = Some(Subject {
                        id: want.to_string(),
                        text: doc.text.clone(),
                        template_lines,
                    });
                }
            }
        });
    }
    let [x, y] = found;
    match (x, y) {
        (Some(x), Some(y)) => Ok((x, y)),
        (None, _) => Err(format!("no document '{a}' in '{}'", cfg.root.display())),
        (_, None) => Err(format!("no document '{b}' in '{}'", cfg.root.display())),
    }
}

/// The comparison of two documents.
#[derive(Debug, Clone)]
pub struct Explanation {
    ids: [String; 2],
    words: [u64; 2],
    content_words: [usize; 2],
    shingles: [usize; 2],
    template_lines: [Vec<(u32, u32)>; 2],
    exact: bool,
    jaccard: f64,
    estimate: f64,
    /// Containment of the first in the second, and of the second in the first.
    containment: [f64; 2],
    thresholds: Thresholds,
    num_perm: usize,
    shared_blocks: Vec<String>,
    passages: Vec<String>,
}

/// The content of a segmented document: its non-template lines' normalised words.
fn content(seg: &Segmented, template: &[(u32, u32)]) -> Vec<String> {
    seg.lines
        .iter()
        .filter(|l| {
            !template
                .iter()
                .any(|&(a, b)| l.number >= a && l.number <= b)
        })
        .flat_map(|l| seg.line_norm(l).split(' ').filter(|w| !w.is_empty()))
        .map(str::to_string)
        .collect()
}

fn shingles_of(words: &[String], cfg: &Config) -> Vec<u64> {
    let mut v = Vec::new();
    shingle_into(&words.join(" "), cfg.near.shingle, cfg.near.ngram, &mut v);
    v.sort_unstable();
    v.dedup();
    v
}

/// Compares `a` and `b` with the shingling, MinHash and thresholds of `cfg`.
pub fn explain(a: &Subject, b: &Subject, cfg: &Config) -> Explanation {
    let segs = [
        segment(&a.text, cfg.fold_digits),
        segment(&b.text, cfg.fold_digits),
    ];
    let contents = [
        content(&segs[0], &a.template_lines),
        content(&segs[1], &b.template_lines),
    ];
    let sets = [
        shingles_of(&contents[0], cfg),
        shingles_of(&contents[1], cfg),
    ];
    let (jaccard, _) = jaccard_and_containment(&sets[0], &sets[1]);
    let inter = (jaccard * (sets[0].len() + sets[1].len()) as f64 / (1.0 + jaccard)).round();
    let contained = |s: &Vec<u64>| {
        if s.is_empty() {
            0.0
        } else {
            (inter / s.len() as f64).min(1.0)
        }
    };
    let hasher = MinHasher::new(cfg.near.num_perm, cfg.near.seed);
    let estimate = if sets[0].is_empty() || sets[1].is_empty() {
        0.0
    } else {
        estimate_jaccard(&hasher.signature(&sets[0]), &hasher.signature(&sets[1]))
    };

    // Identical paragraphs.
    let mut shared_blocks = Vec::new();
    for block in &segs[0].blocks {
        if block.words > 0 && segs[1].blocks.iter().any(|o| o.hash == block.hash) {
            shared_blocks.push(a.text[block.bytes.clone()].to_string());
        }
    }

    // Shared passages: runs of the first document's words covered by shingles of the second.
    let k = cfg.near.ngram;
    let mut passages = Vec::new();
    if cfg.near.shingle == crate::config::ShingleKind::Words && contents[0].len() >= k {
        let mut covered = vec![false; contents[0].len()];
        for start in 0..=contents[0].len() - k {
            let mut one = Vec::new();
            shingle_into(
                &contents[0][start..start + k].join(" "),
                cfg.near.shingle,
                k,
                &mut one,
            );
            if one
                .first()
                .is_some_and(|h| sets[1].binary_search(h).is_ok())
            {
                covered[start..start + k].iter_mut().for_each(|c| *c = true);
            }
        }
        let mut i = 0;
        while i < covered.len() {
            if covered[i] {
                let start = i;
                while i < covered.len() && covered[i] {
                    i += 1;
                }
                passages.push(contents[0][start..i].join(" "));
            } else {
                i += 1;
            }
        }
        passages.sort_by_key(|p| std::cmp::Reverse(p.len()));
    }

    Explanation {
        ids: [a.id.clone(), b.id.clone()],
        words: [segs[0].words(), segs[1].words()],
        content_words: [contents[0].len(), contents[1].len()],
        shingles: [sets[0].len(), sets[1].len()],
        template_lines: [a.template_lines.clone(), b.template_lines.clone()],
        exact: segs[0].norm == segs[1].norm,
        jaccard,
        estimate,
        containment: [contained(&sets[0]), contained(&sets[1])],
        thresholds: Thresholds {
            jaccard: cfg.near.threshold,
            containment: cfg.near.containment,
        },
        num_perm: cfg.near.num_perm,
        shared_blocks,
        passages,
    }
}

impl Explanation {
    /// Whether the pair passes the thresholds, and by which rule.
    pub fn verdict(&self) -> (bool, &'static str) {
        if self.exact {
            return (true, "same normalised text");
        }
        if self.jaccard >= self.thresholds.jaccard {
            return (true, "Jaccard at or above the threshold");
        }
        let c = self.containment[0].max(self.containment[1]);
        if self.thresholds.containment.is_some_and(|t| c >= t) {
            return (true, "the shorter lies inside the longer (containment)");
        }
        (false, "below both thresholds")
    }

    /// Exact Jaccard of the content shingles.
    pub fn jaccard(&self) -> f64 {
        self.jaccard
    }

    /// Containment of the first in the second and of the second in the first.
    pub fn containment(&self) -> [f64; 2] {
        self.containment
    }
}

fn ranges(r: &[(u32, u32)]) -> String {
    if r.is_empty() {
        return "none".to_string();
    }
    r.iter()
        .map(|&(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn clip(text: &str, max: usize) -> String {
    let one: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one.chars().count() <= max {
        one
    } else {
        format!("{}…", one.chars().take(max - 1).collect::<String>())
    }
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, name) in ["A", "B"].iter().enumerate() {
            writeln!(
                f,
                "{name}: {} — {} words, {} content words, {} shingles; template lines left out: {}",
                self.ids[i],
                self.words[i],
                self.content_words[i],
                self.shingles[i],
                ranges(&self.template_lines[i])
            )?;
        }
        let (dup, why) = self.verdict();
        writeln!(f)?;
        writeln!(f, "exact Jaccard of content shingles   {:.4}", self.jaccard)?;
        writeln!(
            f,
            "estimated Jaccard ({} values)      {:.4}",
            self.num_perm, self.estimate
        )?;
        writeln!(
            f,
            "containment of A in B               {:.4}",
            self.containment[0]
        )?;
        writeln!(
            f,
            "containment of B in A               {:.4}",
            self.containment[1]
        )?;
        writeln!(
            f,
            "verdict at threshold {} / containment {}: {} ({why})",
            self.thresholds.jaccard,
            self.thresholds
                .containment
                .map(|c| c.to_string())
                .unwrap_or_else(|| "off".to_string()),
            if dup { "DUPLICATES" } else { "not duplicates" }
        )?;
        writeln!(f, "\nidentical paragraphs: {}", self.shared_blocks.len())?;
        for b in self.shared_blocks.iter().take(5) {
            writeln!(f, "  | {}", clip(b, 100))?;
        }
        let shared_words: usize = self.passages.iter().map(|p| p.split(' ').count()).sum();
        writeln!(
            f,
            "shared passages: {} ({} words of A's content)",
            self.passages.len(),
            shared_words
        )?;
        for p in self.passages.iter().take(5) {
            writeln!(f, "  | {}", clip(p, 100))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject(id: &str, text: &str) -> Subject {
        Subject {
            id: id.to_string(),
            text: text.to_string(),
            template_lines: Vec::new(),
        }
    }

    #[test]
    fn truncated_copy_is_explained_by_containment() {
        let full = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen";
        let half = "one two three four five six seven eight";
        let e = explain(&subject("a", full), &subject("b", half), &Config::new("."));
        assert!(e.jaccard() < 0.7);
        assert!(e.containment()[1] > 0.99);
        assert_eq!(
            e.verdict(),
            (true, "the shorter lies inside the longer (containment)")
        );
        let text = e.to_string();
        assert!(text.contains("shared passages: 1"), "{text}");
    }

    #[test]
    fn template_lines_are_left_out() {
        let a = "Site header line here\n\nstory alpha beta gamma delta epsilon zeta";
        let b = "Site header line here\n\nother words entirely kappa lambda mu nu xi";
        let mut sa = subject("a", a);
        let mut sb = subject("b", b);
        let e = explain(&sa, &sb, &Config::new("."));
        assert_eq!(e.content_words[0], 11);
        sa.template_lines = vec![(1, 1)];
        sb.template_lines = vec![(1, 1)];
        let e = explain(&sa, &sb, &Config::new("."));
        assert_eq!(e.content_words[0], 7);
        assert_eq!(e.jaccard(), 0.0);
        assert!(!e.verdict().0);
    }
}
