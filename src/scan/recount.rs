//! Between pass 1 and signing: the exact count of the units on pass 1's watch list. Pass 1
//! counts with a Bloom filter in front of its counters, so a count can be one over; the
//! watch list it gives is a superset of the true one. Counting that superset again, from the
//! unit keys that lead each document's record in the spill, gives counts that depend on the
//! documents alone: not on the filter's size (a guess from file sizes, which compression and
//! batches change), nor on its false positives.

use rayon::prelude::*;
use rustc_hash::FxHashSet as HashSet;

use super::context::{map_documents, text_hash, Stopwatch};
use super::pass1::{document_parts, Counter, Pass1};
use crate::config::Config;
use crate::corpus::InputFile;
use crate::detect::templates::{WatchList, WatchRecount};
use crate::spill::SpillState;

/// Documents whose keys are read and tallied together before the shared counters are added to.
const BATCH: usize = 512;

/// Ends pass 1 (either face's: files or batches): the records go to the spill, the counts
/// are settled, and the watch list becomes exact.
pub(super) fn finish_pass1(
    cfg: &Config,
    files: &[InputFile],
    mut counter: Counter,
    spill: &mut SpillState,
    clock: &mut Stopwatch,
) -> Pass1 {
    for record in counter.take_records() {
        spill.add_record(record);
    }
    let mut pass1 = counter.finish(cfg);
    clock.lap("read, segment, count units, spill");
    spill.finish_writing();
    let superset = std::mem::take(&mut pass1.watch);
    pass1.watch = exact_watch_list(cfg, files, &pass1, spill, superset);
    clock.lap("count watched units exactly");
    pass1
}

/// The exact watch list: pass 1's `superset` counted again over every document.
fn exact_watch_list(
    cfg: &Config,
    files: &[InputFile],
    pass1: &Pass1,
    spill: &SpillState,
    superset: WatchList,
) -> WatchList {
    let recount = WatchRecount::new(superset);
    let documents = pass1.metas.len();
    let site = |d: u32| pass1.metas[d as usize].site;
    let usable = spill
        .file
        .as_ref()
        .filter(|_| spill.records.len() == documents);
    let unread: Vec<u32> = match usable {
        Some(file) => {
            let all: Vec<u32> = (0..documents as u32).collect();
            all.par_chunks(BATCH)
                .flat_map_iter(|batch| {
                    let mut read = Vec::with_capacity(batch.len());
                    let mut unread = Vec::new();
                    for &d in batch {
                        match file.read_unit_keys(spill.records[d as usize]) {
                            Ok(keys) => read.push((site(d), keys)),
                            Err(_) => unread.push(d),
                        }
                    }
                    recount.add_documents(read.iter().map(|(s, k)| (*s, k.as_slice())));
                    unread
                })
                .collect()
        }
        None => (0..documents as u32).collect(),
    };
    if !unread.is_empty() {
        count_from_files(cfg, files, pass1, &unread, &recount);
    }
    recount.finish()
}

/// Counts the documents `unread` (no spill, or a record that cannot be read back) from their
/// files. A document whose text changed since pass 1 is left out: signing cannot sign it
/// either (it is reported as changed).
fn count_from_files(
    cfg: &Config,
    files: &[InputFile],
    pass1: &Pass1,
    unread: &[u32],
    recount: &WatchRecount,
) {
    let wanted: HashSet<u32> = unread.iter().copied().collect();
    let mut file_ids: Vec<u32> = unread
        .iter()
        .map(|&d| pass1.metas[d as usize].file)
        .collect();
    file_ids.dedup();
    file_ids.par_iter().for_each(|&f| {
        let lo = pass1.first_doc[f as usize];
        let hi = pass1.first_doc[f as usize + 1];
        // Each document is added as it is read: a file of a million records holds no more
        // than one document's keys at a time.
        map_documents(&files[f as usize], &cfg.input, |k, doc| {
            let d = lo + k as u32;
            let Some(meta) = pass1.metas.get(d as usize) else {
                return;
            };
            if d >= hi || !wanted.contains(&d) || meta.text_hash != text_hash(&doc.text) {
                return;
            }
            let (parts, _) = document_parts(cfg, &doc.text, &doc.boilerplate);
            let keys: Vec<u64> = parts.units.iter().map(|u| u.key).collect();
            recount.add_documents([(meta.site, keys.as_slice())]);
        });
    });
}
