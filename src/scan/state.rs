//! The scan's working state: what reading the corpus produced and the signing state after the
//! last round ([`Snapshot`], which the cache stores), and the part of it the rounds update.

use super::{ContentFigures, DocMeta, RepeatRecord};
use crate::cache::CacheMiss;
use crate::corpus::Skipped;
use crate::detect::near::Signatures;
use crate::detect::per_doc::PerDoc;
use crate::detect::templates::{Hit, SharedBlock, TemplateSet, WatchList};

/// What reading the corpus produced, and the signing state after the last round: all that a
/// re-run with other thresholds needs.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub(crate) struct Snapshot {
    pub metas: Vec<DocMeta>,
    /// Index of each file's first document; one more entry at the end.
    pub first_doc: Vec<u32>,
    pub site_names: Vec<Option<String>>,
    pub skipped: Vec<Skipped>,
    pub bytes_read: u64,
    /// Which named fields the JSON records held (for the warnings about missing ones).
    pub fields: crate::corpus::FieldsSeen,
    pub renamed: u64,
    pub watch: WatchList,
    pub figures: Vec<ContentFigures>,
    pub hits: PerDoc<Hit>,
    pub shared: PerDoc<SharedBlock>,
    /// Later copies of blocks, down to the repeat floor.
    pub repeats: PerDoc<RepeatRecord>,
    /// What the structure of HTML pages shows to be boilerplate.
    pub boilerplate: PerDoc<crate::corpus::Boilerplate>,
    pub sigs: Signatures,
    /// Template decisions documents were signed with.
    pub versions: Vec<TemplateSet>,
    /// Per document: what its signature left out.
    pub signed_with: Vec<SignedWith>,
}

/// The template decision a document's signature was made with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) enum SignedWith {
    /// Pass 2's candidates, at the watch list's floor.
    Candidates,
    /// A round's decision: an index into [`Snapshot::versions`].
    Version(u32),
}

/// The parts of a [`Snapshot`] that the clustering rounds read and update.
pub(crate) struct RoundState<'a> {
    pub watch: &'a WatchList,
    pub figures: &'a mut [ContentFigures],
    pub hits: &'a PerDoc<Hit>,
    pub shared: &'a PerDoc<SharedBlock>,
    pub sigs: &'a mut Signatures,
    pub versions: &'a mut Vec<TemplateSet>,
    pub signed_with: &'a mut [SignedWith],
}

impl Snapshot {
    /// The snapshot with only the template decisions some document is still signed with.
    pub fn compacted(&mut self) -> &Snapshot {
        let mut used: Vec<u32> = self
            .signed_with
            .iter()
            .filter_map(|s| match s {
                SignedWith::Version(v) => Some(*v),
                SignedWith::Candidates => None,
            })
            .collect();
        used.sort_unstable();
        used.dedup();
        let versions = std::mem::take(&mut self.versions);
        self.versions = used.iter().map(|&v| versions[v as usize].clone()).collect();
        for s in self.signed_with.iter_mut() {
            if let SignedWith::Version(v) = *s {
                *s = used
                    .binary_search(&v)
                    .map_or(SignedWith::Candidates, |i| SignedWith::Version(i as u32));
            }
        }
        self
    }
}

/// Decodes the payload of a scan's cache file (what lies between its header and checksum) as a
/// snapshot, without the checks before it: the cache fuzz target's entry point, so that damaged
/// payloads reach the decoder. Ok when they hold a snapshot.
pub fn decode_snapshot_payload(payload: &[u8]) -> Result<(), CacheMiss> {
    postcard::from_bytes::<Snapshot>(payload)
        .map(|_| ())
        .map_err(|e| CacheMiss::Damaged(e.to_string()))
}
