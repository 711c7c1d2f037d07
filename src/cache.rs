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

/// The reason [`load`] gives when there is no cache file.
pub const NO_CACHE_YET: &str = "no cache yet";

/// Bumped whenever the cached data changes shape or meaning.
const CACHE_VERSION: u32 = 5;

/// The cache file in `dir`.
pub fn path_in(dir: &Path) -> PathBuf {
    dir.join("neardup.cache")
}

/// The fingerprint of a corpus and of the options that shape what is read from it.
pub fn fingerprint(cfg: &Config, files: &[InputFile], repeat_floor: f64) -> u64 {
    let mut h = Xxh3::new();
    h.update(&CACHE_VERSION.to_le_bytes());
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
        "repeat_min_words": cfg.blocks.repeat_min_words,
        "repeat_floor": repeat_floor,
    });
    h.update(options.to_string().as_bytes());
    h.digest()
}

/// Loads a cached value saved with `fingerprint`; the error says why it cannot be used.
pub fn load<T: DeserializeOwned>(path: &Path, fingerprint: u64) -> Result<T, String> {
    let bytes = std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => NO_CACHE_YET.to_string(),
        _ => format!("unreadable cache ({e})"),
    })?;
    if bytes.len() < 12 {
        return Err("truncated cache".to_string());
    }
    let version = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    let mut fp = [0u8; 8];
    fp.copy_from_slice(&bytes[4..12]);
    if version != CACHE_VERSION {
        return Err(format!("cache from another version ({version})"));
    }
    if u64::from_le_bytes(fp) != fingerprint {
        return Err("corpus or reading options changed".to_string());
    }
    bincode::deserialize(&bytes[12..]).map_err(|e| format!("damaged cache ({e})"))
}

/// Saves `value` with `fingerprint`, atomically.
pub fn save<T: Serialize>(path: &Path, fingerprint: u64, value: &T) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    crate::report::write::write_atomically(path, |out| {
        out.write_all(&CACHE_VERSION.to_le_bytes())?;
        out.write_all(&fingerprint.to_le_bytes())?;
        bincode::serialize_into(&mut *out, value).map_err(std::io::Error::other)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_mismatch() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = path_in(dir.path());
        assert_eq!(load::<Vec<u32>>(&p, 1), Err("no cache yet".to_string()));
        save(&p, 7, &vec![1u32, 2, 3]).expect("save");
        assert_eq!(load::<Vec<u32>>(&p, 7), Ok(vec![1, 2, 3]));
        assert!(load::<Vec<u32>>(&p, 8).unwrap_err().contains("changed"));
        std::fs::write(&p, b"xx").expect("write");
        assert!(load::<Vec<u32>>(&p, 7).unwrap_err().contains("truncated"));
    }
}
