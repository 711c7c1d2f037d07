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
    let resolved = through_symlinks(path);
    let path = resolved.as_path();
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
    remove_stale_temporaries(&dir, &name);
    // The process id in the name tells a later writer whether this one still runs; the
    // temporary file is removed when dropped unless it was renamed into place.
    let prefix = format!(".{name}.tmp-{}.", std::process::id());
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix);
    // What `File::create` gives (0666 less the umask), not a temporary file's 0600: a report
    // stays readable to whoever could read one written directly.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut tmp = builder.tempfile_in(&dir)?;
    {
        let mut out = BufWriter::new(tmp.as_file_mut());
        fill(&mut out)?;
        out.flush()?;
    }
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// The file a path names once symbolic links are followed (also a dangling link's target, which
/// is then created): writing to a link writes where it points instead of replacing the link.
fn through_symlinks(path: &Path) -> PathBuf {
    let mut path = path.to_path_buf();
    for _ in 0..40 {
        let is_link = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
        let Some(target) = is_link.then(|| std::fs::read_link(&path).ok()).flatten() else {
            break;
        };
        path = match path.parent() {
            Some(dir) if target.is_relative() => dir.join(target),
            _ => target,
        };
    }
    path
}

/// A lock held while a scan writes its outputs: two scans writing into one folder at the same
/// time write one after the other, so a report and its annotations always come from one scan.
/// Released when dropped. Where no lock can be taken, writing goes on without one.
pub struct OutputLock {
    _folder: Option<File>,
}

impl OutputLock {
    /// Waits for and takes the lock of the folder that `path` (an output) is written into.
    pub fn acquire(path: &Path) -> OutputLock {
        if is_stdout(path) {
            return OutputLock { _folder: None };
        }
        let path = through_symlinks(path);
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let folder = File::open(dir).ok().filter(lock_exclusive);
        OutputLock { _folder: folder }
    }
}

/// Takes an advisory lock on an open file or folder, waiting for it (unix `flock`).
fn lock_exclusive(file: &File) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::io::AsRawFd;
        // SAFETY: flock on a descriptor this File owns; it is released when the File closes.
        unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) == 0 }
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        false
    }
}

/// Removes `.NAME.tmp-PID.RANDOM` (and older `.NAME.tmp-PID`) files that a process killed
/// while writing left behind (its PID no longer runs).
fn remove_stale_temporaries(dir: &Path, name: &str) {
    let prefix = format!(".{name}.tmp-");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name
            .to_str()
            .and_then(|n| n.strip_prefix(&prefix))
            .and_then(|p| p.split('.').next())
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !process_runs(pid) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Whether a process with this id runs (on systems where that cannot be asked: assume so).
fn process_runs(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return true;
        };
        // SAFETY: signal 0 only asks whether the process exists; nothing is sent.
        let rc = unsafe { libc::kill(pid, 0) };
        rc == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::File;

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

    #[test]
    fn temporaries_of_killed_writers_are_removed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("r.json");
        // a process id that cannot run (above the kernel's limit), and our own
        let stale = dir.path().join(".r.json.tmp-4294967");
        std::fs::write(&stale, "half").expect("write");
        let stale_named = dir.path().join(".r.json.tmp-4294967.x1Y2z3");
        std::fs::write(&stale_named, "half").expect("write");
        let other = dir.path().join(".other.json.tmp-4294967");
        std::fs::write(&other, "not ours").expect("write");
        write_atomically(&p, |o| o.write_all(b"new")).expect("atomic write");
        assert!(
            !stale.exists(),
            "the killed writer's temporary file is removed"
        );
        assert!(!stale_named.exists());
        assert!(other.exists(), "another output's files are left alone");
    }

    #[cfg(unix)]
    #[test]
    fn a_written_file_has_the_permissions_of_a_created_one() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let direct = dir.path().join("direct");
        File::create(&direct).expect("create");
        let atomic = dir.path().join("atomic");
        write_atomically(&atomic, |o| o.write_all(b"x")).expect("atomic write");
        let mode = |p: &Path| std::fs::metadata(p).expect("stat").permissions().mode();
        assert_eq!(mode(&atomic), mode(&direct));
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_written_in_place() {
        write_atomically(Path::new("/dev/null"), |o| o.write_all(b"x")).expect("write /dev/null");
    }
}
