//! `neardup explain`: why two documents are, or are not, near-duplicates.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use crate::config::{Config, ShingleKind};
use crate::detect::bulk::{BulkSketch, BULK_MIN_JACCARD};
use crate::detect::near::Thresholds;
use crate::detect::templates::CHROME_SHARE;
use crate::human::count;
use crate::report::SpanKind;
use crate::scan::{content_shingles, document_parts, left_out_lines, Basis, ScanOutput};
use crate::sketch::{estimate_jaccard, MinHasher};
use crate::spill::DocParts;
use crate::text::{intersection_size, word_shingles_of_hashes, Segmented, Shingling};

/// One document to explain, with the lines a scan found to be template (left out).
#[derive(Debug, Clone)]
pub struct Subject {
    /// Its id or path.
    pub id: String,
    /// Its text.
    pub text: String,
    /// 1-based inclusive line ranges that are template.
    pub template_lines: Vec<(u32, u32)>,
    /// Its site, in a scanned corpus.
    pub site: Option<String>,
    /// 1-based lines that are not the document's own text, site chrome or frequent text (see
    /// [`mark_chrome`]): what a thin document is compared without.
    pub chrome_lines: Vec<u32>,
    /// 1-based lines of site chrome alone (units on so many pages of the site that no copy
    /// group explains them): what a narrow document's bulk is taken without.
    pub site_chrome_lines: Vec<u32>,
    /// 1-based lines of frequent text (on more than `--frequent-docs` pages of the site):
    /// left out of every basis, as template is out of the content.
    pub frequent_lines: Vec<u32>,
    /// For an HTML page of a scanned corpus: the runs its structure shows to be boilerplate,
    /// with why (shown, not left out: the comparison is the scan's).
    pub boilerplate: Vec<crate::corpus::Boilerplate>,
}

/// Why `explain` could not find or read its two documents.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExplainError {
    /// A file given by path cannot be read.
    #[error("cannot read '{path}': {reason}")]
    Unreadable {
        /// The path as given.
        path: String,
        /// The system's reason.
        reason: String,
    },
    /// The corpus could not be scanned.
    #[error(transparent)]
    Scan(#[from] crate::ScanError),
    /// A file of several documents was given without naming one.
    #[error(
        "'{path}' holds {documents} documents ({}{}): name one as '{path}#ID' (its id, or its line, record or row number), or compare documents of a corpus with --corpus",
        ids.join(", "),
        if *documents > ids.len() { ", …" } else { "" }
    )]
    SeveralDocuments {
        /// The file as given.
        path: String,
        /// How many documents it holds.
        documents: usize,
        /// The first few of their ids.
        ids: Vec<String>,
    },
    /// `FILE#ID` names no document of the file.
    #[error(
        "no document '{id}' in '{path}', which holds {documents} ({}{})",
        ids.join(", "),
        if *documents > ids.len() { ", …" } else { "" }
    )]
    NotInFile {
        /// The id asked for.
        id: String,
        /// The file.
        path: String,
        /// How many documents it holds.
        documents: usize,
        /// The first few of their ids.
        ids: Vec<String>,
    },
    /// No document of the corpus has this id.
    #[error("no document '{id}' in '{corpus}' (ids are paths under it, or JSONL ids)")]
    NoSuchDocument {
        /// The id asked for.
        id: String,
        /// The corpus root.
        corpus: String,
    },
}

/// Two files read as the scan reads them (no template lines known): an HTML page as its
/// text with its boilerplate runs, a compressed file decompressed, a JSON Lines, WARC or
/// Parquet file as its documents. A file of several documents names one as `FILE#ID` (its
/// id, or its line, record or row number).
pub fn from_files(cfg: &Config, a: &str, b: &str) -> Result<(Subject, Subject), ExplainError> {
    Ok((from_file(cfg, a)?, from_file(cfg, b)?))
}

/// How many ids of a file of several documents an error lists.
const IDS_SHOWN: usize = 3;

/// One document of a file, read through the scan's own readers.
fn from_file(cfg: &Config, arg: &str) -> Result<Subject, ExplainError> {
    let (path, wanted) = split_document_arg(arg);
    let unreadable = |reason: String| ExplainError::Unreadable {
        path: path.to_string(),
        reason,
    };
    if Path::new(path).is_dir() {
        return Err(unreadable(
            "it is a folder: give two files, or two ids of the folder with --corpus".to_string(),
        ));
    }
    let mut one = Config::new(path);
    one.input = cfg.input.clone();
    let walk = crate::corpus::walk_inputs(&one.input_set());
    let Some(file) = walk.files.first() else {
        let reason = walk.skipped.first().map(|s| s.reason.to_string());
        return Err(unreadable(
            reason.unwrap_or_else(|| "not a file".to_string()),
        ));
    };
    let number: Option<u32> = wanted.and_then(|w| w.parse().ok());
    let (mut first, mut by_id, mut by_number) = (None, None, None);
    let mut ids: Vec<String> = Vec::new();
    let mut count = 0usize;
    // Ids as the scan names them: a URI crawled twice is `URI#2` the second time.
    let (mut seen, mut renamed) = (rustc_hash::FxHashSet::default(), 0u64);
    let outcome = crate::corpus::read_documents(file, &cfg.input, |doc| {
        count += 1;
        let name = crate::scan::unique_id(doc.id.clone(), &mut seen, &mut renamed);
        if ids.len() < IDS_SHOWN {
            ids.push(name.clone());
        }
        match wanted {
            Some(w) if by_id.is_none() && name == w => by_id = Some(doc),
            Some(_) if by_number.is_none() && number == Some(doc.line) => by_number = Some(doc),
            None if first.is_none() => first = Some(doc),
            _ => {}
        }
    });
    if count == 0 {
        // Nothing read: say why (a text field its records lack, with the fields they have).
        let reason = outcome.skipped.first().map_or_else(
            || "no document in it".to_string(),
            |s| {
                format!(
                    "no document in it: {} skipped, the first for: {}",
                    crate::human::count(outcome.skipped.len() as u64, "entry"),
                    s.reason
                )
            },
        );
        let fields = match outcome.fields.records {
            0 => String::new(),
            _ => format!(
                "; its records have the fields {} (name the text with --text-field)",
                outcome.fields.listed()
            ),
        };
        return Err(unreadable(format!("{reason}{fields}")));
    }
    let doc = match (wanted, by_id.or(by_number), first) {
        (Some(id), None, _) => {
            return Err(ExplainError::NotInFile {
                id: id.to_string(),
                path: path.to_string(),
                documents: count,
                ids,
            })
        }
        (Some(_), Some(doc), _) => doc,
        (None, _, Some(doc)) if count == 1 => doc,
        (None, _, Some(_)) => {
            return Err(ExplainError::SeveralDocuments {
                path: path.to_string(),
                documents: count,
                ids,
            })
        }
        (None, _, None) => {
            let reason = outcome.skipped.first().map(|s| s.reason.to_string());
            return Err(unreadable(
                reason.unwrap_or_else(|| "no document in it".to_string()),
            ));
        }
    };
    Ok(Subject {
        id: arg.to_string(),
        text: doc.text,
        template_lines: Vec::new(),
        site: None,
        chrome_lines: Vec::new(),
        site_chrome_lines: Vec::new(),
        frequent_lines: Vec::new(),
        boilerplate: doc.boilerplate,
    })
}

/// Where `explain` of two files takes its site context from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Context {
    /// A scan of this folder, the deepest holding both files: its template lines are left out
    /// as that scan leaves them out.
    Folder(std::path::PathBuf),
    /// The two files alone, and why (no template lines known).
    Alone(String),
}

/// How far above a file its context folder may lie, and how much that folder may hold.
const CONTEXT_LEVELS: usize = 3;
const CONTEXT_FILES: usize = 20_000;
const CONTEXT_BYTES: u64 = 512 << 20;

/// The folder whose scan gives two files their site context: the deepest folder holding
/// both, when it lies at most three levels above each and holds at most 20,000 input files
/// and 512 MB; else why they are compared alone.
pub fn context_of(cfg: &Config, a: &str, b: &str) -> Context {
    let folder = |arg: &str| {
        let (path, _) = split_document_arg(arg);
        std::fs::canonicalize(path)
            .ok()
            .and_then(|p| p.parent().map(Path::to_path_buf))
    };
    let (Some(fa), Some(fb)) = (folder(a), folder(b)) else {
        return Context::Alone("a file cannot be found".to_string());
    };
    let common: std::path::PathBuf = fa
        .components()
        .zip(fb.components())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x)
        .collect();
    let depth = |f: &Path| f.components().count() - common.components().count();
    if depth(&fa).max(depth(&fb)) > CONTEXT_LEVELS {
        return Context::Alone(format!(
            "the folder holding both, '{}', lies more than {CONTEXT_LEVELS} levels above them",
            common.display()
        ));
    }
    let mut probe = cfg.clone();
    probe.root = common.clone();
    probe.more_roots.clear();
    let walk = crate::corpus::walk_inputs(&probe.input_set());
    let bytes: u64 = walk.files.iter().map(|f| f.size).sum();
    if walk.files.len() > CONTEXT_FILES || bytes > CONTEXT_BYTES {
        return Context::Alone(format!(
            "the folder holding both, '{}', holds {} ({} MB): too much to scan for one comparison",
            common.display(),
            count(walk.files.len() as u64, "file"),
            bytes >> 20
        ));
    }
    Context::Folder(common)
}

/// Two files compared as a scan of `folder` compares them: its template lines left out, its
/// site chrome known. The subjects keep the names given.
pub fn from_files_in(
    cfg: &Config,
    folder: &Path,
    a: &str,
    b: &str,
) -> Result<(Subject, Subject), ExplainError> {
    let mut in_folder = cfg.clone();
    in_folder.root = folder.to_path_buf();
    in_folder.more_roots.clear();
    let out = crate::scan(&in_folder)?;
    let x = subject_in_scan(&in_folder, &out, a)?;
    let y = subject_in_scan(&in_folder, &out, b)?;
    let mut both = [x, y];
    mark_chrome(&in_folder, &out, &mut both);
    let [x, y] = both;
    Ok((x, y))
}

/// The document `arg` (`FILE` or `FILE#ID`) among the files a scan read, with its template
/// lines from the scan's annotations.
fn subject_in_scan(cfg: &Config, out: &ScanOutput, arg: &str) -> Result<Subject, ExplainError> {
    let (path, wanted) = split_document_arg(arg);
    let target = std::fs::canonicalize(path).ok();
    let file = out
        .files
        .iter()
        .find(|f| target.is_some() && std::fs::canonicalize(&f.path).ok() == target);
    let Some(file) = file else {
        // not a file the scan reads (an extension it skips): compared alone
        return from_file(cfg, arg);
    };
    let number: Option<u32> = wanted.and_then(|w| w.parse().ok());
    let mut found: Option<Subject> = None;
    crate::corpus::read_documents(file, &cfg.input, |doc| {
        let hit = match wanted {
            None => found.is_none(),
            Some(w) => found.is_none() && (doc.id == w || number == Some(doc.line)),
        };
        if !hit {
            return;
        }
        let annotation = out
            .annotations
            .iter()
            .find(|x| x.path == file.rel && x.line.unwrap_or(0) == doc.line);
        found = Some(Subject {
            id: arg.to_string(),
            template_lines: template_lines(annotation),
            site: annotation.and_then(|x| x.site.clone()),
            text: doc.text,
            chrome_lines: Vec::new(),
            site_chrome_lines: Vec::new(),
            frequent_lines: Vec::new(),
            boilerplate: doc.boilerplate,
        });
    });
    match found {
        Some(subject) => Ok(subject),
        None => from_file(cfg, arg),
    }
}

/// `FILE#ID` split into the file and the id of one of its documents: at the first `#` that
/// ends the path of a file (ids and URIs may hold `#` too). A path that exists whole is a
/// file (`notes#1.txt`), with no id.
fn split_document_arg(arg: &str) -> (&str, Option<&str>) {
    if std::fs::symlink_metadata(arg).is_ok() {
        return (arg, None);
    }
    arg.match_indices('#')
        .map(|(at, _)| (&arg[..at], &arg[at + 1..]))
        .find(|(path, _)| Path::new(path).is_file())
        .map_or((arg, None), |(path, id)| (path, Some(id)))
}

/// Two documents of a corpus, by id, with the template lines a scan of the corpus finds.
pub fn from_corpus(cfg: &Config, a: &str, b: &str) -> Result<(Subject, Subject), ExplainError> {
    let out = crate::scan(cfg)?;
    let mut found: [Option<Subject>; 2] = [None, None];
    for_each_subject(cfg, &out, |subject| {
        for (slot, want) in found.iter_mut().zip([a, b]) {
            if slot.is_none() && subject.id == want {
                *slot = Some(subject.clone());
            }
        }
    });
    let [x, y] = found;
    match (x, y) {
        (Some(x), Some(y)) => {
            let mut both = [x, y];
            mark_chrome(cfg, &out, &mut both);
            let [x, y] = both;
            Ok((x, y))
        }
        (None, _) => Err(ExplainError::NoSuchDocument {
            id: a.to_string(),
            corpus: cfg.root.display().to_string(),
        }),
        (_, None) => Err(ExplainError::NoSuchDocument {
            id: b.to_string(),
            corpus: cfg.root.display().to_string(),
        }),
    }
}

/// Calls `f` with every document of a scanned corpus (in document order), its template lines
/// taken from the scan's annotations. The documents are read from the files the scan read.
pub fn for_each_subject(cfg: &Config, out: &ScanOutput, mut f: impl FnMut(&Subject)) {
    let mut next = 0usize;
    for file in &out.files {
        crate::corpus::read_documents(file, &cfg.input, |doc| {
            // Annotations follow document order; an id renamed by the scan (`#2`) is found
            // by position.
            let annotation = out.annotations.get(next);
            next += 1;
            let template_lines = template_lines(annotation);
            f(&Subject {
                id: annotation.map_or(doc.id, |x| x.id.clone()),
                text: doc.text,
                template_lines,
                site: annotation.and_then(|x| x.site.clone()),
                chrome_lines: Vec::new(),
                site_chrome_lines: Vec::new(),
                frequent_lines: Vec::new(),
                boilerplate: doc.boilerplate,
            });
        });
    }
}

/// Sets the chrome and frequent lines of `subjects`, documents of the scanned corpus: the
/// lines of units that so many documents of their site hold that no copy group explains them,
/// or more than `--frequent-docs` (the scan's rule, counted again over the files the scan
/// read).
pub fn mark_chrome(cfg: &Config, out: &ScanOutput, subjects: &mut [Subject]) {
    let parts: Vec<DocParts> = subjects
        .iter()
        .map(|s| document_parts(cfg, &s.text, &s.boilerplate).0)
        .collect();
    let mut wanted: HashMap<(Option<String>, u64), u32> = HashMap::new();
    for (s, p) in subjects.iter().zip(&parts) {
        for u in &p.units {
            wanted.insert((s.site.clone(), u.key), 0);
        }
    }
    let mut site_docs: HashMap<Option<String>, u32> = HashMap::new();
    for_each_subject(cfg, out, |doc| {
        *site_docs.entry(doc.site.clone()).or_default() += 1;
        let (p, _) = document_parts(cfg, &doc.text, &doc.boilerplate);
        let mut keys: Vec<u64> = p.units.iter().map(|u| u.key).collect();
        keys.sort_unstable();
        keys.dedup();
        for k in keys {
            if let Some(n) = wanted.get_mut(&(doc.site.clone(), k)) {
                *n += 1;
            }
        }
    });
    for (s, p) in subjects.iter_mut().zip(&parts) {
        let docs = site_docs.get(&s.site).copied().unwrap_or(0);
        let min = cfg
            .blocks
            .template_min_docs
            .max((CHROME_SHARE * docs as f64).ceil() as usize);
        let lines_where = |keep: &dyn Fn(usize) -> bool| -> Vec<u32> {
            let mut lines: Vec<u32> = p
                .units
                .iter()
                .filter(|u| keep(wanted[&(s.site.clone(), u.key)] as usize))
                .flat_map(|u| p.lines[u.lines.clone()].iter().map(|l| l.number))
                .collect();
            lines.sort_unstable();
            lines.dedup();
            lines
        };
        let frequent = cfg.near.frequent_docs;
        // The scan counts a unit from the documents that make a candidate up.
        let counted = |n: usize| n >= cfg.blocks.template_min_docs;
        s.chrome_lines = lines_where(&|n| counted(n) && (n >= min || n > frequent));
        s.frequent_lines = lines_where(&|n| counted(n) && n > frequent);
        s.site_chrome_lines = lines_where(&|n| counted(n) && n >= min);
    }
}

/// The comparison of two documents.
#[derive(Debug, Clone)]
pub struct Explanation {
    ids: [String; 2],
    words: [u64; 2],
    content_words: [usize; 2],
    shingles: [usize; 2],
    /// How each was shingled: `--shingle`, and under words the scripts of its compared text.
    shingling: [&'static str; 2],
    /// What each was compared on.
    basis: [Basis; 2],
    template_lines: [Vec<(u32, u32)>; 2],
    boilerplate: [Vec<crate::corpus::Boilerplate>; 2],
    exact: bool,
    jaccard: f64,
    estimate: f64,
    /// Containment of the first in the second, and of the second in the first.
    containment: [f64; 2],
    thresholds: Thresholds,
    num_perm: usize,
    shared_blocks: Vec<String>,
    passages: Vec<String>,
    /// Estimated Jaccard of the two bulks when both documents are narrow.
    bulk_jaccard: Option<f64>,
}

/// What `explain` compares of one document: its content as the scan shingles it.
struct Side {
    seg: Segmented,
    /// The content's normalised words, in order (all words when shingled in full).
    words: Vec<String>,
    /// Their word hashes, as the scan's shingles combine them.
    hashes: Vec<u32>,
    /// Sorted distinct content shingles.
    set: Vec<u64>,
    basis: Basis,
    /// Per line (of `seg.lines`): left out of what is compared.
    left_out: Vec<bool>,
    /// The sketch of its bulk when it is narrow (see [`crate::detect::bulk`]).
    bulk: Option<BulkSketch>,
}

fn side(subject: &Subject, cfg: &Config) -> Side {
    let (parts, seg) = document_parts(cfg, &subject.text, &subject.boilerplate);
    let excluded: Vec<bool> = parts
        .lines
        .iter()
        .map(|l| {
            subject
                .template_lines
                .iter()
                .any(|&(a, b)| l.number >= a && l.number <= b)
                || subject.frequent_lines.binary_search(&l.number).is_ok()
        })
        .collect();
    let chrome: Vec<bool> = parts
        .lines
        .iter()
        .map(|l| subject.chrome_lines.binary_search(&l.number).is_ok())
        .collect();
    let frequent: Vec<bool> = parts
        .lines
        .iter()
        .map(|l| subject.frequent_lines.binary_search(&l.number).is_ok())
        .collect();
    let site_chrome: Vec<bool> = parts
        .lines
        .iter()
        .map(|l| subject.site_chrome_lines.binary_search(&l.number).is_ok())
        .collect();
    let content = content_shingles(
        &parts,
        &excluded,
        || chrome.as_slice(),
        || frequent.clone(),
        || site_chrome.as_slice(),
        cfg,
    );
    let mut set = content.shingles;
    set.sort_unstable();
    set.dedup();
    let left_out = left_out_lines(&parts, &excluded, &chrome, &frequent, content.basis);
    let (words, hashes) = content_words(&parts, &seg, &left_out);
    Side {
        seg,
        words,
        hashes,
        set,
        basis: content.basis,
        left_out,
        bulk: content.bulk,
    }
}

/// How a side was shingled, as `explain` says it: by characters with `--shingle chars`; by
/// words otherwise, each character of a script written without spaces a word of its own.
fn shingling(side: &Side, cfg: &Config) -> &'static str {
    match cfg.near.shingle {
        ShingleKind::Chars => "shingled by characters (--shingle chars)",
        ShingleKind::Words => Shingling::of_normalized(&side.words.join(" ")).describe(),
    }
}

/// The paragraphs of `a` (whose text is `text`) that `b` holds too, each wholly inside the
/// text both compare: a paragraph of template, chrome or a left-out page title is no
/// evidence, as it is none for the shingles.
fn identical_paragraphs(a: &Side, text: &str, b: &Side) -> Vec<String> {
    let compared = |s: &Side, block: &crate::text::Block| {
        block.words > 0 && !s.left_out[block.lines.clone()].iter().any(|&x| x)
    };
    a.seg
        .blocks
        .iter()
        .filter(|block| compared(a, block))
        .filter(|block| {
            b.seg
                .blocks
                .iter()
                .any(|o| o.hash == block.hash && compared(b, o))
        })
        .map(|block| text[block.bytes.clone()].to_string())
        .collect()
}

/// The words (and word hashes) of the lines not excluded.
fn content_words(parts: &DocParts, seg: &Segmented, excluded: &[bool]) -> (Vec<String>, Vec<u32>) {
    let mut words = Vec::new();
    let mut hashes = Vec::new();
    for ((line, part), &ex) in seg.lines.iter().zip(&parts.lines).zip(excluded) {
        if ex {
            continue;
        }
        words.extend(
            seg.line_norm(line)
                .split(' ')
                .filter(|w| !w.is_empty())
                .map(str::to_string),
        );
        hashes.extend_from_slice(parts.line_words(part));
    }
    (words, hashes)
}

/// Runs of `first`'s content words covered by shingles that `second` holds too.
fn shared_passages(first: &Side, second: &Side, cfg: &Config) -> Vec<String> {
    let k = cfg.near.ngram;
    let mut passages = Vec::new();
    if cfg.near.shingle != ShingleKind::Words
        || first.hashes.len() < k
        || first.hashes.len() != first.words.len()
    {
        return passages;
    }
    let mut shingles = Vec::new();
    word_shingles_of_hashes(&first.hashes, k, &mut shingles);
    let mut covered = vec![false; first.words.len()];
    for (start, h) in shingles.iter().enumerate() {
        if second.set.binary_search(h).is_ok() {
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
            passages.push(first.words[start..i].join(" "));
        } else {
            i += 1;
        }
    }
    passages.sort_by_key(|p| std::cmp::Reverse(p.len()));
    passages
}

/// Compares `a` and `b` with the shingling, MinHash and thresholds of `cfg`: the same content
/// shingles the scan signs (template lines left out, the full text when the content is
/// shorter than one shingle or `--min-words`).
pub fn explain(a: &Subject, b: &Subject, cfg: &Config) -> Explanation {
    let sides = [side(a, cfg), side(b, cfg)];
    let (sa, sb) = (&sides[0].set, &sides[1].set);
    let inter = intersection_size(sa, sb) as f64;
    let union = (sa.len() + sb.len()) as f64 - inter;
    let jaccard = if union > 0.0 { inter / union } else { 0.0 };
    let contained = |s: &Vec<u64>| {
        if s.is_empty() {
            0.0
        } else {
            inter / s.len() as f64
        }
    };
    let hasher = MinHasher::new(cfg.near.num_perm, cfg.near.seed);
    let estimate = if sa.is_empty() || sb.is_empty() {
        0.0
    } else {
        estimate_jaccard(&hasher.signature(sa), &hasher.signature(sb))
    };

    let shared_blocks = identical_paragraphs(&sides[0], &a.text, &sides[1]);

    Explanation {
        ids: [a.id.clone(), b.id.clone()],
        words: [sides[0].seg.words(), sides[1].seg.words()],
        content_words: [sides[0].words.len(), sides[1].words.len()],
        shingles: [sa.len(), sb.len()],
        shingling: [shingling(&sides[0], cfg), shingling(&sides[1], cfg)],
        basis: [sides[0].basis, sides[1].basis],
        template_lines: [a.template_lines.clone(), b.template_lines.clone()],
        boilerplate: [a.boilerplate.clone(), b.boilerplate.clone()],
        exact: sides[0].seg.norm == sides[1].seg.norm,
        jaccard,
        estimate,
        containment: [contained(sa), contained(sb)],
        thresholds: Thresholds {
            jaccard: cfg.near.threshold,
            containment: cfg.near.containment,
            containment_min_shingles: cfg.near.containment_min_shingles,
        },
        num_perm: cfg.near.num_perm,
        shared_blocks,
        passages: shared_passages(&sides[0], &sides[1], cfg),
        bulk_jaccard: match (&sides[0].bulk, &sides[1].bulk) {
            (Some(x), Some(y)) => Some(x.jaccard(y)),
            _ => None,
        },
    }
}

impl Explanation {
    /// Whether the pair passes the thresholds, and by which rule.
    pub fn verdict(&self) -> (bool, &'static str) {
        if self.exact {
            return (true, "same normalised text");
        }
        let c = self.containment[0].max(self.containment[1]);
        let smaller = self.shingles[0].min(self.shingles[1]);
        if !self.thresholds.accept(self.jaccard, c, smaller) {
            return (false, "below both thresholds");
        }
        if self.bulk_jaccard.is_some_and(|j| j < BULK_MIN_JACCARD) {
            return (
                false,
                "kept apart: both narrow, and the rest of their text mostly differs",
            );
        }
        if self.jaccard >= self.thresholds.jaccard {
            (true, "Jaccard at or above the threshold")
        } else {
            (true, "the shorter lies inside the longer (containment)")
        }
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
                "{name}: {} — {}, {}, {}; template lines left out: {}{}",
                self.ids[i],
                count(self.words[i], "word"),
                count(self.content_words[i] as u64, "content word"),
                count(self.shingles[i] as u64, "shingle"),
                ranges(&self.template_lines[i]),
                match self.basis[i] {
                    Basis::Content => "",
                    Basis::Core =>
                        " (content thin: its own text compared, outside site chrome and frequent text)",
                    Basis::Whole =>
                        " (too little text of its own: its own words anywhere on the page, compared whole, joined only to the same words)",
                    Basis::Full =>
                        " (too little text of its own: its text outside frequent text compared)",
                    Basis::Page =>
                        " (too little text of its own in its article: its own words anywhere on the page compared)",
                }
            )?;
            writeln!(f, "   {}", self.shingling[i])?;
            if !self.boilerplate[i].is_empty() {
                let runs: Vec<String> = self.boilerplate[i]
                    .iter()
                    .map(|b| {
                        let (x, y) = b.lines;
                        let lines = if x == y {
                            x.to_string()
                        } else {
                            format!("{x}-{y}")
                        };
                        format!("{lines} ({})", b.reason.as_str())
                    })
                    .collect();
                writeln!(
                    f,
                    "   boilerplate by the page's structure (left out): {}",
                    runs.join(", ")
                )?;
            }
        }
        let (dup, why) = self.verdict();
        writeln!(f)?;
        writeln!(f, "exact Jaccard of content shingles   {:.4}", self.jaccard)?;
        let estimated = format!(
            "estimated Jaccard ({})",
            count(self.num_perm as u64, "value")
        );
        writeln!(f, "{estimated:<36}{:.4}", self.estimate)?;
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
        if let Some(j) = self.bulk_jaccard {
            writeln!(f, "estimated Jaccard of the bulks       {j:.4} (both narrow: their compared text under --thin-share of their text outside site chrome; kept apart under {BULK_MIN_JACCARD:.4})")?;
        }
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
            "shared passages: {} ({} of A's content)",
            self.passages.len(),
            count(shared_words as u64, "word")
        )?;
        for p in self.passages.iter().take(5) {
            writeln!(f, "  | {}", clip(p, 100))?;
        }
        Ok(())
    }
}

/// The (first, last) line of each template span the scan annotated in a document.
fn template_lines(annotation: Option<&crate::report::Annotation>) -> Vec<(u32, u32)> {
    annotation
        .map(|x| {
            x.spans
                .iter()
                .filter(|s| s.kind == SpanKind::Template)
                .map(|s| (s.start_line, s.end_line))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject(id: &str, text: &str) -> Subject {
        Subject {
            id: id.to_string(),
            text: text.to_string(),
            template_lines: Vec::new(),
            site: None,
            chrome_lines: Vec::new(),
            site_chrome_lines: Vec::new(),
            frequent_lines: Vec::new(),
            boilerplate: Vec::new(),
        }
    }

    #[test]
    fn truncated_copy_is_explained_by_containment() {
        let full = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen";
        let half = "one two three four five six seven eight";
        // four shingles are too few to join by containment at the defaults
        let e = explain(&subject("a", full), &subject("b", half), &Config::new("."));
        assert_eq!(e.verdict(), (false, "below both thresholds"));
        let mut cfg = Config::new(".");
        cfg.near.containment_min_shingles = 4;
        let e = explain(&subject("a", full), &subject("b", half), &cfg);
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
        let mut cfg = Config::new(".");
        cfg.near.thin_words = 5;
        let e = explain(&sa, &sb, &cfg);
        assert_eq!(e.content_words[0], 11);
        assert_eq!(e.shared_blocks, ["Site header line here"]);
        sa.template_lines = vec![(1, 1)];
        sb.template_lines = vec![(1, 1)];
        let e = explain(&sa, &sb, &cfg);
        assert_eq!(e.content_words[0], 7);
        assert_eq!(e.jaccard(), 0.0);
        assert!(!e.verdict().0);
        // a template paragraph is no identical paragraph of the compared text
        assert!(e.shared_blocks.is_empty(), "{e}");
        assert!(e.to_string().contains("identical paragraphs: 0"), "{e}");
    }

    /// One story on two sites, each page's `<title>` naming its site: the title, which the
    /// headline repeats, is no content, so the two compare as the same text.
    #[test]
    fn a_page_title_the_headline_repeats_is_left_out() {
        let page = |site: &str| {
            let (text, boilerplate) = crate::corpus::html_page(
                format!(
                    "<html><head><title>Storm hits the coast | {site}</title></head><body>\
                     <article><h1>Storm hits the coast</h1>\
                     <p>The storm reached the coast on Monday night and left thousands of homes without power.</p>\
                     <p>Officials said the damage would take weeks to repair, and schools stayed closed.</p>\
                     </article></body></html>"
                )
                .as_bytes(),
            );
            Subject {
                boilerplate,
                ..subject(site, &text)
            }
        };
        let (a, b) = (page("Daily News"), page("The Evening Post of Elsewhere"));
        let e = explain(&a, &b, &Config::new("."));
        assert_eq!(e.jaccard(), 1.0, "{e}");
        assert_eq!(e.content_words, [32, 32]);
        assert_eq!(e.verdict(), (true, "Jaccard at or above the threshold"));
        let said = e.to_string();
        assert!(
            said.contains("boilerplate by the page's structure (left out): 1 (page title)"),
            "{said}"
        );
        assert!(said.contains("identical paragraphs: 3"), "{said}");
        // without its boilerplate runs (a text file) the title is content
        let plain = explain(
            &subject("a", &a.text),
            &subject("b", &b.text),
            &Config::new("."),
        );
        assert!(plain.jaccard() < 0.9, "{plain}");
    }

    /// Two notices of one fund for different months: the form lines are template, and the
    /// headline left is no evidence; they are compared on their whole text outside chrome.
    #[test]
    fn thin_documents_are_judged_outside_chrome() {
        let a = "FRANKLIN CALIFORNIA TAX-FREE INCOME FUND PAYOUT\nMthly div 4.5 cts vs 4.5 cts last month\nPayable July 14\nRecord July 1";
        let b = "FRANKLIN CALIFORNIA TAX-FREE INCOME FUND PAYOUT\nMthly div 4.4 cts vs 4.5 cts last month\nPayable June 12\nRecord June 2";
        let mut sa = subject("a", a);
        let mut sb = subject("b", b);
        sa.template_lines = vec![(2, 4)];
        sb.template_lines = vec![(2, 4)];
        let e = explain(&sa, &sb, &Config::new("."));
        assert_eq!(e.basis, [Basis::Core, Basis::Core]);
        assert!(e.jaccard() < 0.7, "{e}");
        assert!(!e.verdict().0, "{e}");
        assert!(e.to_string().contains("content thin"), "{e}");
        // On the headline alone they would be copies.
        let mut cfg = Config::new(".");
        cfg.near.thin_words = 0;
        cfg.near.thin_share = 0.0;
        assert!(explain(&sa, &sb, &cfg).verdict().0);
    }
}
