//! Writing files so that a reader never sees half of one: a temporary file in the same folder,
//! renamed into place when complete. Used by the report writers and the cache.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Where an output goes: a file path or `-` for standard output.
pub fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Writes `fill` to `path` through a temporary file in the same folder, renamed into place
/// only when complete, so an interrupted run never leaves a half-written file.
pub fn write_atomically(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    if is_stdout(path) {
        let stdout = io::stdout();
        let mut lock = BufWriter::new(stdout.lock());
        fill(&mut lock)?;
        return lock.flush();
    }
    // A device or a pipe (/dev/null, a named pipe) is written in place: there is nothing to
    // replace atomically, and no temporary file belongs next to it.
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        let mut out = BufWriter::new(std::fs::OpenOptions::new().write(true).open(path)?);
        fill(&mut out)?;
        return out.flush();
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "neardup-output".to_string());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut out = BufWriter::new(File::create(&tmp)?);
        fill(&mut out)?;
        out.flush()?;
        out.get_ref().sync_all()?;
        drop(out);
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_cleans_up() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("r.json");
        std::fs::write(&p, "old").expect("write");
        write_atomically(&p, |o| o.write_all(b"new")).expect("atomic write");
        assert_eq!(std::fs::read_to_string(&p).expect("read"), "new");
        let failed = write_atomically(&p, |o| {
            o.write_all(b"partial")?;
            Err(io::Error::other("interrupted"))
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read_to_string(&p).expect("read"), "new");
        assert_eq!(std::fs::read_dir(dir.path()).expect("ls").count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_written_in_place() {
        write_atomically(Path::new("/dev/null"), |o| o.write_all(b"x")).expect("write /dev/null");
    }
}
