//! The texts the side-by-side views show, read again from the corpus: after a scan from the
//! files it read, for a saved report by walking the corpus it names.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use rayon::prelude::*;

use crate::config::{InputOptions, SiteMode};
use crate::corpus::{read_documents, walk_inputs_within, InputFile, Walk};
use crate::report::types::{Annotation, Report};

/// Longest text kept for comparison: enough for any article, bounded for a huge document.
const MAX_COMPARED_BYTES: usize = 256 * 1024;

/// Texts of the documents a page compares, by id.
#[derive(Debug, Clone, Default)]
pub struct Texts {
    by_id: HashMap<String, String>,
    /// Why no text could be read at all (no corpus known, corpus gone), said in the page.
    pub unavailable: Option<String>,
    /// Documents read again whose text is not the one the scan read (its hash differs), in
    /// order: the page's figures are not of the text it shows.
    pub changed: BTreeSet<String>,
}

impl Texts {
    /// No texts, for the reason given (said on the page instead of the side-by-side views).
    pub fn none(reason: impl Into<String>) -> Texts {
        Texts {
            by_id: HashMap::new(),
            unavailable: Some(reason.into()),
            changed: BTreeSet::new(),
        }
    }

    /// The text of a document, if it was read.
    pub fn get(&self, id: &str) -> Option<&str> {
        self.by_id.get(id).map(String::as_str)
    }

    /// Adds the text of `id` (the first one given is kept), cut to a size.
    pub fn insert(&mut self, id: String, mut text: String) {
        if text.len() > MAX_COMPARED_BYTES {
            let cut = super::escape::prefix(&text, MAX_COMPARED_BYTES).len();
            text.truncate(cut);
        }
        self.by_id.entry(id).or_insert(text);
    }
}

/// Reads the `wanted` documents from the files a scan read; `annotations` (in document order)
/// give each document's file and its id as the scan named it (a renamed `#2` included).
pub fn read_scanned(
    files: &[InputFile],
    annotations: &[Annotation],
    input: &InputOptions,
    wanted: &BTreeSet<String>,
) -> Texts {
    let mut ids_by_path: HashMap<&str, Vec<&str>> = HashMap::new();
    for a in annotations {
        ids_by_path.entry(&a.path).or_default().push(&a.id);
    }
    let needed: Vec<(&InputFile, &Vec<&str>)> = files
        .iter()
        .filter_map(|f| ids_by_path.get(f.rel.as_str()).map(|ids| (f, ids)))
        .filter(|(_, ids)| ids.iter().any(|id| wanted.contains(*id)))
        .collect();
    let found: Vec<Vec<(String, String)>> = needed
        .par_iter()
        .map(|(file, ids)| {
            let mut got = Vec::new();
            let mut at = 0;
            read_documents(file, input, |doc| {
                // The documents of a file come in the order their annotations do.
                if let Some(id) = ids.get(at).filter(|id| wanted.contains(**id)) {
                    got.push((id.to_string(), doc.text));
                }
                at += 1;
            });
            got
        })
        .collect();
    let mut texts = Texts::default();
    for (id, text) in found.into_iter().flatten() {
        texts.insert(id, text);
    }
    texts
}

/// The reading options a report's parameters record (fields, sites, size limit).
pub fn input_options(report: &Report) -> InputOptions {
    let p = &report.summary.parameters;
    // From the defaults, so that reading options the report does not record keep theirs.
    let mut input = crate::Config::new(".").input;
    input.text_field = p.text_field.clone();
    input.id_field = p.id_field.clone();
    input.site_field = p.site_field.clone();
    input.site_mode = SiteMode::from_name(&p.site);
    // An edited report may name any size; reading is held to what `--max-bytes` accepts.
    input.max_bytes = if p.max_bytes == 0 || p.max_bytes >= u64::from(u32::MAX) {
        crate::config::DEFAULT_MAX_BYTES
    } else {
        p.max_bytes
    };
    input
}

/// Reads the `wanted` documents of a saved report from the corpus at `root`, walked again
/// with the reading options the report records.
pub fn read_corpus(root: &Path, report: &Report, wanted: &BTreeSet<String>) -> Texts {
    if !root.is_dir() {
        return Texts::none(format!(
            "the corpus '{}' is not a folder here, so no text could be read again (pass --corpus DIR)",
            root.display()
        ));
    }
    if let Some(refused) = refuse_file_system_root(root) {
        return refused;
    }
    let mut cfg = crate::Config::new(root);
    cfg.input = input_options(report);
    let tree = walk_inputs_within(&cfg.input_set(), None, entries_allowed(report));
    read_walked(
        &tree,
        &root.display().to_string(),
        &cfg.input,
        report,
        wanted,
    )
}

/// Reads the `wanted` documents of a saved report from the inputs it records (`timing.inputs`,
/// given from `working_dir`), walked as the scan walked them, so that ids are the same.
pub fn read_inputs(
    inputs: &[String],
    working_dir: &Path,
    report: &Report,
    wanted: &BTreeSet<String>,
) -> Texts {
    let Some((first, more)) = inputs.split_first() else {
        return Texts::none("the report records no input that can be read again");
    };
    if let Some(refused) = inputs
        .iter()
        .find_map(|i| refuse_file_system_root(&working_dir.join(i)))
    {
        return refused;
    }
    let mut cfg = crate::Config::new(first);
    cfg.more_roots = more.iter().map(std::path::PathBuf::from).collect();
    cfg.input = input_options(report);
    let tree = walk_inputs_within(&cfg.input_set(), Some(working_dir), entries_allowed(report));
    read_walked(&tree, &inputs.join(", "), &cfg.input, report, wanted)
}

/// The page's reason for not walking `path` when it is the root of the file system (`/`, as
/// an edited report may name): no scan's corpus, and a walk of every disk.
fn refuse_file_system_root(path: &Path) -> Option<Texts> {
    let real = path.canonicalize().ok()?;
    real.parent().is_none().then(|| {
        Texts::none(format!(
            "the corpus '{}' is the root of the file system, not a folder a scan read, so no text \
             was read again (pass --corpus DIR, the folder the scan read)",
            path.display()
        ))
    })
}

/// Most entries (folders included) a corpus is walked for when read again for a saved report:
/// four per file and skipped entry its scan found, and some more. A far larger folder is not
/// that corpus, and is not walked to its end.
fn entries_allowed(report: &Report) -> u64 {
    let found = report
        .summary
        .files
        .saturating_add(report.skipped.len() as u64);
    found
        .saturating_mul(4)
        .saturating_add(4 * EXTRA_FILES_ALLOWED)
}

/// Most files a corpus walked again for a saved report may hold beyond twice the files the
/// report's scan found: a folder far larger is not that corpus (an edited report naming `/`).
const EXTRA_FILES_ALLOWED: u64 = 1000;

/// Reads the `wanted` documents from the walked files of the corpus `shown`.
fn read_walked(
    tree: &Walk,
    shown: &str,
    input: &InputOptions,
    report: &Report,
    wanted: &BTreeSet<String>,
) -> Texts {
    let files = &tree.files;
    if tree.cut_short {
        return Texts::none(format!(
            "'{shown}' holds more than {} where the scan found {}: it is not the corpus of this \
             report, so it was not walked further and no text was read again (pass --corpus DIR)",
            crate::human::count(entries_allowed(report), "entry"),
            crate::human::count(report.summary.files, "file")
        ));
    }
    let expected = report
        .summary
        .files
        .saturating_mul(2)
        .saturating_add(EXTRA_FILES_ALLOWED);
    if files.len() as u64 > expected {
        return Texts::none(format!(
            "'{shown}' holds {} where the scan found {}: it is not the corpus of this report, so no text was read again (pass --corpus DIR)",
            crate::human::count(files.len() as u64, "file"),
            report.summary.files
        ));
    }
    let recorded = report.timing.as_ref().map(|t| &t.text_hashes);
    let found: Vec<Vec<(String, String, bool)>> = files
        .par_iter()
        .map(|file| {
            let mut got = Vec::new();
            read_documents(file, input, |doc| {
                if wanted.contains(&doc.id) {
                    let now = format!("{:016x}", xxhash_rust::xxh3::xxh3_64(doc.text.as_bytes()));
                    let changed = recorded
                        .and_then(|r| r.get(&doc.id))
                        .is_some_and(|then| *then != now);
                    got.push((doc.id, doc.text, changed));
                }
            });
            got
        })
        .collect();
    let mut texts = Texts::default();
    for (id, text, changed) in found.into_iter().flatten() {
        if changed {
            texts.changed.insert(id.clone());
        }
        texts.insert(id, text);
    }
    texts
}
