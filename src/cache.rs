//! `--cache DIR`: what reading the corpus taught a scan (pass 1 and pass 2, and the signatures
//! after the last round), saved so that a scan of the same corpus with other thresholds skips
//! reading and signing every document again.
//!
//! The file carries a fingerprint of the corpus (every input file's path, size and
//! modification time) and of every option that changes what reading produces (input fields,
//! shingling, MinHash, digit folding, repeat floor). A cache whose fingerprint differs is never
//! used: the scan reads the corpus again and replaces it, and the report says why.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::Serialize;
use xxhash_rust::xxh3::Xxh3;

use crate::config::Config;
use crate::corpus::InputFile;

/// Why a cache file cannot be used; the scan then reads the corpus and writes a new one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CacheMiss {
    /// There is no cache file yet.
    #[error("no cache yet")]
    NoCacheYet,
    /// The file exists but cannot be read.
    #[error("unreadable cache ({0})")]
    Unreadable(String),
    /// The file is shorter than its header.
    #[error("truncated cache")]
    Truncated,
    /// Another version of neardup wrote it.
    #[error("cache from another version ({0})")]
    OtherVersion(u32),
    /// The corpus or the options that shape reading changed.
    #[error("corpus or reading options changed")]
    Changed,
    /// The contents cannot be decoded.
    #[error("damaged cache ({0})")]
    Damaged(String),
}

/// Bumped whenever the cached data changes shape or meaning.
const CACHE_VERSION: u32 = 25;

/// The cache file in `dir`.
pub fn path_in(dir: &Path) -> PathBuf {
    dir.join("neardup.cache")
}

/// What a fingerprint is made of, kept beside the cache (`neardup.cache.json`) so that a
/// rebuild can say what changed: the corpus (how many files, and a hash of their paths, sizes
/// and modification times) or which reading option.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FingerprintParts {
    /// Input files.
    pub files: u64,
    /// xxh3 of every file's path, size and modification time.
    pub corpus: u64,
    /// The options that shape reading, by name.
    pub options: serde_json::Value,
}

/// The parts of the fingerprint of a corpus and of the options that shape what is read from it.
pub fn fingerprint_parts(cfg: &Config, files: &[InputFile], repeat_floor: f64) -> FingerprintParts {
    let mut h = Xxh3::new();
    for f in files {
        h.update(f.rel.as_bytes());
        h.update(&[0]);
        h.update(&f.size.to_le_bytes());
        let mtime = std::fs::metadata(&f.path)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        h.update(&mtime.to_le_bytes());
    }
    let options = serde_json::json!({
        "input": cfg.input,
        "fold_digits": cfg.fold_digits,
        "ngram": cfg.near.ngram,
        "shingle": cfg.near.shingle,
        "num_perm": cfg.near.num_perm,
        "seed": cfg.near.seed,
        "min_words": cfg.near.min_words,
        "thin_words": cfg.near.thin_words,
        "thin_share": cfg.near.thin_share,
        "frequent_docs": cfg.near.frequent_docs,
        "repeat_min_words": cfg.blocks.repeat_min_words,
        "repeat_floor": repeat_floor,
    });
    FingerprintParts {
        files: files.len() as u64,
        corpus: h.digest(),
        options,
    }
}

/// The one number a cache file carries for its parts.
pub fn digest(parts: &FingerprintParts) -> u64 {
    let mut h = Xxh3::new();
    h.update(&CACHE_VERSION.to_le_bytes());
    h.update(&parts.corpus.to_le_bytes());
    h.update(parts.options.to_string().as_bytes());
    h.digest()
}

/// The file beside the cache that keeps its fingerprint's parts.
fn parts_path(cache: &Path) -> PathBuf {
    cache.with_extension("cache.json")
}

/// Keeps the fingerprint's parts beside the cache file (a rebuild then says what changed).
pub fn save_parts(cache: &Path, parts: &FingerprintParts) -> std::io::Result<()> {
    let text = serde_json::to_string(parts).map_err(std::io::Error::other)?;
    crate::files::write_atomically(&parts_path(cache), |out| out.write_all(text.as_bytes()))
}

/// What changed since the cache at `cache` was saved: the reading options that differ (with
/// their old and new values), or the corpus; `None` when the saved parts are unknown.
pub fn what_changed(cache: &Path, now: &FingerprintParts) -> Option<String> {
    let text = std::fs::read_to_string(parts_path(cache)).ok()?;
    let then: FingerprintParts = serde_json::from_str(&text).ok()?;
    let mut changes = Vec::new();
    option_changes("", &then.options, &now.options, &mut changes);
    if !changes.is_empty() {
        return Some(format!("reading options changed: {}", changes.join(", ")));
    }
    if then.corpus != now.corpus {
        return Some(if then.files == now.files {
            format!(
                "the corpus changed: a file of the {} was renamed, resized or modified",
                then.files
            )
        } else {
            format!(
                "the corpus changed: {} files then, {} now",
                then.files, now.files
            )
        });
    }
    None
}

/// The leaves of two option trees that differ, as `name: old → new`.
fn option_changes(
    prefix: &str,
    then: &serde_json::Value,
    now: &serde_json::Value,
    out: &mut Vec<String>,
) {
    match (then.as_object(), now.as_object()) {
        (Some(a), Some(b)) => {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            let null = serde_json::Value::Null;
            for k in keys {
                let name = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                option_changes(
                    &name,
                    a.get(k).unwrap_or(&null),
                    b.get(k).unwrap_or(&null),
                    out,
                );
            }
        }
        _ if then != now => out.push(format!("{prefix} {then} → {now}")),
        _ => {}
    }
}

/// Loads a cached value saved with `fingerprint`; the error says why it cannot be used.
pub fn load<T: DeserializeOwned>(path: &Path, fingerprint: u64) -> Result<T, CacheMiss> {
    let bytes = std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => CacheMiss::NoCacheYet,
        _ => CacheMiss::Unreadable(e.to_string()),
    })?;
    decode(&bytes, fingerprint)
}

/// A cache file's value from its bytes: its version, fingerprint and checksum must match.
fn decode<T: DeserializeOwned>(bytes: &[u8], fingerprint: u64) -> Result<T, CacheMiss> {
    if bytes.len() < HEADER + 8 {
        return Err(CacheMiss::Truncated);
    }
    let word = |at: usize| {
        let mut b = [0u8; 8];
        b.copy_from_slice(&bytes[at..at + 8]);
        u64::from_le_bytes(b)
    };
    let version = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    if version != CACHE_VERSION {
        return Err(CacheMiss::OtherVersion(version));
    }
    if word(4) != fingerprint {
        return Err(CacheMiss::Changed);
    }
    // A damaged payload is detected before it is decoded: a flipped length field could
    // otherwise ask for an absurd allocation, and a flipped value give a wrong report.
    let payload = &bytes[HEADER..bytes.len() - 8];
    if word(bytes.len() - 8) != xxhash_rust::xxh3::xxh3_64(payload) {
        return Err(CacheMiss::Damaged("checksum mismatch".to_string()));
    }
    postcard::from_bytes(payload).map_err(|e| CacheMiss::Damaged(e.to_string()))
}

/// Version (4 bytes) and fingerprint (8); the payload follows, then its checksum (8).
const HEADER: usize = 12;

/// Passes writes through, hashing them.
struct Hashing<'a> {
    out: &'a mut dyn std::io::Write,
    hash: Xxh3,
}

impl std::io::Write for Hashing<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.out.write(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// Saves `value` with `fingerprint`, atomically.
pub fn save<T: Serialize>(path: &Path, fingerprint: u64, value: &T) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    crate::files::write_atomically(path, |out| {
        out.write_all(&CACHE_VERSION.to_le_bytes())?;
        out.write_all(&fingerprint.to_le_bytes())?;
        let mut hashing = Hashing {
            out: &mut *out,
            hash: Xxh3::new(),
        };
        // Streamed: the cache of a large corpus is not held twice in memory.
        postcard::to_io(value, &mut hashing).map_err(std::io::Error::other)?;
        let checksum = hashing.hash.digest();
        out.write_all(&checksum.to_le_bytes())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_mismatch() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = path_in(dir.path());
        assert_eq!(load::<Vec<u32>>(&p, 1), Err(CacheMiss::NoCacheYet));
        save(&p, 7, &vec![1u32, 2, 3]).expect("save");
        assert_eq!(load::<Vec<u32>>(&p, 7), Ok(vec![1, 2, 3]));
        assert_eq!(load::<Vec<u32>>(&p, 8), Err(CacheMiss::Changed));
        std::fs::write(&p, b"xx").expect("write");
        assert_eq!(load::<Vec<u32>>(&p, 7), Err(CacheMiss::Truncated));
    }

    #[test]
    fn every_flipped_byte_of_the_payload_is_detected() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = path_in(dir.path());
        save(&p, 7, &vec![1u64 << 40, 2, 3]).expect("save");
        let good = std::fs::read(&p).expect("read");
        for i in HEADER..good.len() - 8 {
            let mut bad = good.clone();
            bad[i] ^= 0x10;
            std::fs::write(&p, &bad).expect("write");
            assert!(
                matches!(load::<Vec<u64>>(&p, 7), Err(CacheMiss::Damaged(_))),
                "byte {i}"
            );
        }
    }
}
