//! Writing the report and annotations: atomically to a file, or to standard output.

use std::io;
use std::path::Path;

pub use crate::files::{is_stdout, write_atomically, OutputLock};

use super::types::{Annotation, PairRecord, Report};

pub use super::clean::write_drop_list;

/// Writes the report as pretty JSON.
pub fn write_report(path: &Path, report: &Report) -> io::Result<()> {
    write_atomically(path, |out| {
        serde_json::to_writer_pretty(&mut *out, report)?;
        out.write_all(b"\n")
    })
}

/// Writes one JSON line per annotation.
pub fn write_annotations(path: &Path, annotations: &[Annotation]) -> io::Result<()> {
    write_atomically(path, |out| {
        for a in annotations {
            serde_json::to_writer(&mut *out, a)?;
            out.write_all(b"\n")?;
        }
        Ok(())
    })
}

/// Writes one JSON line per verified pair (`--pairs`).
pub fn write_pairs(path: &Path, pairs: &[PairRecord]) -> io::Result<()> {
    write_atomically(path, |out| {
        for p in pairs {
            serde_json::to_writer(&mut *out, p)?;
            out.write_all(b"\n")?;
        }
        Ok(())
    })
}
