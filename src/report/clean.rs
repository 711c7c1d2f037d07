//! Acting on a scan: a cleaned copy of the corpus (one copy of each duplicate cluster, template
//! and repeated spans removed) and a list of the documents to drop.

use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::Path;

use serde_json::Value;

use super::types::{Annotation, SpanKind};
use crate::config::Config;
use crate::corpus::{read_documents, Compression, Format, InputFile};

/// What writing a cleaned corpus did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CleanSummary {
    /// Documents written.
    pub kept: u64,
    /// Duplicates left out.
    pub dropped: u64,
    /// Bytes of the duplicates left out.
    pub dropped_bytes: u64,
    /// Bytes of template and repeated spans removed from the documents written.
    pub stripped_bytes: u64,
    /// Of those, bytes of template (site chrome) spans.
    pub template_bytes: u64,
    /// Of those, bytes of repeated spans (later copies of a block of the same document).
    pub repeated_bytes: u64,
    /// Of those, bytes of reused spans (later occurrences of a block other documents share).
    pub reused_bytes: u64,
}

impl CleanSummary {
    /// Counts one kept document: `text` before cleaning, `cleaned` after, `a` its spans.
    fn kept(&mut self, text: &str, cleaned: &str, a: &Annotation) {
        self.kept += 1;
        self.stripped_bytes += (text.len() - cleaned.len().min(text.len())) as u64;
        let [template, repeated, reused] = bytes_by_kind(a, text.len());
        self.template_bytes += template;
        self.repeated_bytes += repeated;
        self.reused_bytes += reused;
    }

    /// Counts one dropped duplicate of `bytes` bytes.
    fn dropped(&mut self, bytes: usize) {
        self.dropped += 1;
        self.dropped_bytes += bytes as u64;
    }

    /// One line for the summary: what the clean copy kept and removed, by kind.
    pub fn describe(&self) -> String {
        format!(
            "{} documents kept, {} duplicates dropped ({}); removed {} of template, {} of repeated blocks, {} of later copies of shared blocks",
            self.kept,
            self.dropped,
            human(self.dropped_bytes),
            human(self.template_bytes),
            human(self.repeated_bytes),
            human(self.reused_bytes)
        )
    }
}

fn human(bytes: u64) -> String {
    indicatif::HumanBytes(bytes).to_string()
}

/// Bytes covered by template spans, by repeated spans outside them, and by reused spans
/// outside both, in a text of `len` bytes.
fn bytes_by_kind(a: &Annotation, len: usize) -> [u64; 3] {
    let covered = |kind: SpanKind, skip: &[(usize, usize)]| -> Vec<(usize, usize)> {
        let mut r: Vec<(usize, usize)> = a
            .spans
            .iter()
            .filter(|s| s.kind == kind)
            .map(|s| {
                (
                    (s.start_byte as usize).min(len),
                    (s.end_byte as usize).min(len),
                )
            })
            .collect();
        r.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::new();
        for (x, y) in r {
            match merged.last_mut() {
                Some(last) if x <= last.1 => last.1 = last.1.max(y),
                _ => merged.push((x, y)),
            }
        }
        // Bytes already counted under another kind are not counted again.
        merged
            .into_iter()
            .flat_map(|(x, y)| {
                let mut parts = vec![(x, y)];
                for &(p, q) in skip {
                    parts = parts
                        .into_iter()
                        .flat_map(|(u, v)| [(u, v.min(p)), (u.max(q), v)])
                        .filter(|(u, v)| u < v)
                        .collect();
                }
                parts
            })
            .collect()
    };
    let total = |r: &[(usize, usize)]| r.iter().map(|(x, y)| (y - x) as u64).sum::<u64>();
    let template = covered(SpanKind::Template, &[]);
    let repeated = covered(SpanKind::Repeated, &template);
    let counted: Vec<(usize, usize)> = template.iter().chain(&repeated).copied().collect();
    let reused = covered(SpanKind::Reused, &counted);
    [total(&template), total(&repeated), total(&reused)]
}

/// `text` without the byte ranges of `spans`, with runs of blank lines the removal leaves
/// collapsed to one.
pub fn strip_spans(text: &str, spans: &[(usize, usize)]) -> String {
    let mut ranges: Vec<(usize, usize)> = spans
        .iter()
        .map(|&(a, b)| (a.min(text.len()), b.min(text.len())))
        .filter(|(a, b)| a < b)
        .collect();
    ranges.sort_unstable();
    let mut kept = String::with_capacity(text.len());
    let mut at = 0;
    for (a, b) in ranges {
        if a > at {
            kept.push_str(text.get(at..a).unwrap_or(""));
        }
        at = at.max(b);
    }
    kept.push_str(text.get(at..).unwrap_or(""));
    let mut out = String::with_capacity(kept.len());
    let mut blank_run = 0;
    for line in kept.split_inclusive('\n') {
        if line.trim().is_empty() {
            blank_run += 1;
            if blank_run > 1 {
                continue;
            }
        } else {
            blank_run = 0;
        }
        out.push_str(line);
    }
    out.trim_start_matches(['\n', '\r']).to_string()
}

/// The file name a cleaned copy of `rel` gets (compression dropped: the copy is plain; an
/// HTML page becomes its text, `page.html` → `page.txt`).
fn plain_name(file: &InputFile) -> String {
    if file.format == Format::Html {
        let name = plain_name(&InputFile {
            format: Format::Text,
            ..file.clone()
        });
        let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s);
        return format!("{stem}.txt");
    }
    match file.compression {
        Compression::None => file.rel.clone(),
        Compression::Gzip => file.rel.trim_end_matches(".gz").to_string(),
        Compression::Zstd => file.rel.trim_end_matches(".zst").to_string(),
    }
}

fn spans_of(a: &Annotation) -> Vec<(usize, usize)> {
    a.spans
        .iter()
        .map(|s| (s.start_byte as usize, s.end_byte as usize))
        .collect()
}

/// Writes the cleaned corpus of a scan into `out`: every document that is not the duplicate
/// of another, without its template and repeated spans, at its path (JSONL lines keep their
/// other fields). Compressed inputs are written uncompressed. Only the files the scan read
/// (`files`, from `ScanOutput::files`) are copied, so a tree that changed since cannot mix
/// in other files.
pub fn write_clean_corpus(
    cfg: &Config,
    files: &[InputFile],
    annotations: &[Annotation],
    out: &Path,
) -> io::Result<CleanSummary> {
    let by_place: HashMap<(&str, u32), &Annotation> = annotations
        .iter()
        .map(|a| ((a.path.as_str(), a.line.unwrap_or(0)), a))
        .collect();
    let mut summary = CleanSummary::default();
    for file in files {
        let target = out.join(plain_name(file));
        match file.format {
            Format::Text | Format::Html => {
                let mut text = None;
                read_documents(file, &cfg.input, |doc| text = Some(doc.text));
                let (Some(text), Some(a)) = (text, by_place.get(&(file.rel.as_str(), 0))) else {
                    continue;
                };
                if a.duplicate_of.is_some() {
                    summary.dropped(text.len());
                    continue;
                }
                let cleaned = strip_spans(&text, &spans_of(a));
                summary.kept(&text, &cleaned, a);
                if let Some(dir) = target.parent() {
                    std::fs::create_dir_all(dir)?;
                }
                std::fs::write(&target, cleaned)?;
            }
            Format::Warc | Format::Parquet => {
                let lines = clean_records(file, cfg, &by_place, &mut summary);
                write_lines(&out.join(format!("{}.jsonl", file.rel)), lines)?;
            }
            Format::JsonLines => {
                let lines = clean_jsonl(file, cfg, &by_place, &mut summary)?;
                if lines.is_empty() {
                    continue;
                }
                if let Some(dir) = target.parent() {
                    std::fs::create_dir_all(dir)?;
                }
                let mut w = io::BufWriter::new(std::fs::File::create(&target)?);
                for l in lines {
                    w.write_all(l.as_bytes())?;
                    w.write_all(b"\n")?;
                }
                w.flush()?;
            }
        }
    }
    Ok(summary)
}

/// The kept documents of an archive (WARC) as JSON lines `{id, site, text}`, their text
/// cleaned.
fn clean_records(
    file: &InputFile,
    cfg: &Config,
    by_place: &HashMap<(&str, u32), &Annotation>,
    summary: &mut CleanSummary,
) -> Vec<String> {
    let mut lines = Vec::new();
    read_documents(file, &cfg.input, |doc| {
        let Some(a) = by_place.get(&(file.rel.as_str(), doc.line)) else {
            return;
        };
        if a.duplicate_of.is_some() {
            summary.dropped(doc.text.len());
            return;
        }
        let cleaned = strip_spans(&doc.text, &spans_of(a));
        summary.kept(&doc.text, &cleaned, a);
        let record = serde_json::json!({"id": a.id, "site": a.site, "text": cleaned});
        lines.push(record.to_string());
    });
    lines
}

/// Writes `lines` as a JSON Lines file at `target` (nothing when there are none).
fn write_lines(target: &Path, lines: Vec<String>) -> io::Result<()> {
    if lines.is_empty() {
        return Ok(());
    }
    if let Some(dir) = target.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut w = io::BufWriter::new(std::fs::File::create(target)?);
    for l in lines {
        w.write_all(l.as_bytes())?;
        w.write_all(b"\n")?;
    }
    w.flush()
}

/// The cleaned lines of a JSONL file: kept documents with their text field stripped.
fn clean_jsonl(
    file: &InputFile,
    cfg: &Config,
    by_place: &HashMap<(&str, u32), &Annotation>,
    summary: &mut CleanSummary,
) -> io::Result<Vec<String>> {
    let raw = std::fs::File::open(&file.path)?;
    let reader: Box<dyn Read> = match file.compression {
        Compression::None => Box::new(raw),
        Compression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(raw)),
        Compression::Zstd => Box::new(
            ruzstd::decoding::StreamingDecoder::new(BufReader::new(raw))
                .map_err(|e| io::Error::other(e.to_string()))?,
        ),
    };
    let mut out = Vec::new();
    for (i, line) in BufReader::new(reader).split(b'\n').enumerate() {
        let Ok(line) = line else { break };
        let Some(a) = by_place.get(&(file.rel.as_str(), i as u32 + 1)) else {
            continue; // blank or skipped line
        };
        if a.duplicate_of.is_some() {
            summary.dropped(line.len());
            continue;
        }
        let mut value: Value = match serde_json::from_slice(&line) {
            Ok(v) => v,
            Err(_) => continue,
        };
        if let Some(Value::String(text)) =
            crate::corpus::field_mut(&mut value, &cfg.input.text_field)
        {
            let cleaned = strip_spans(text, &spans_of(a));
            summary.kept(text, &cleaned, a);
            *text = cleaned;
        } else {
            summary.kept += 1;
        }
        out.push(value.to_string());
    }
    Ok(out)
}

/// Writes the ids of the documents to drop (every duplicate but its cluster's
/// representative), one per line. An id that could not stand on one line as it is (a control
/// character such as a line break, or a leading `"`) is written as a JSON string.
pub fn write_drop_list(path: &Path, annotations: &[Annotation]) -> io::Result<()> {
    super::write::write_atomically(path, |out| {
        for a in annotations.iter().filter(|a| a.duplicate_of.is_some()) {
            out.write_all(drop_list_line(&a.id).as_bytes())?;
            out.write_all(b"\n")?;
        }
        Ok(())
    })
}

/// An id as a line of the drop list: as it is, or quoted as JSON when it must be.
fn drop_list_line(id: &str) -> String {
    if id.starts_with('"') || id.chars().any(char::is_control) {
        serde_json::Value::String(id.to_string()).to_string()
    } else {
        id.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drop_list_ids_stay_on_one_line() {
        assert_eq!(drop_list_line("site/page.txt"), "site/page.txt");
        assert_eq!(drop_list_line("two\nlines"), "\"two\\nlines\"");
        assert_eq!(drop_list_line("\"quoted"), "\"\\\"quoted\"");
    }

    #[test]
    fn removed_bytes_are_counted_once_by_kind() {
        let span = |kind, start_byte, end_byte| crate::report::Span {
            kind,
            start_line: 1,
            end_line: 1,
            start_byte,
            end_byte,
            reason: None,
        };
        let a = Annotation {
            id: "a".into(),
            path: "a".into(),
            line: None,
            site: None,
            cluster: None,
            duplicate_of: None,
            lossy_utf8: false,
            spans: vec![
                span(SpanKind::Template, 0, 10),
                span(SpanKind::Template, 5, 20),
                span(SpanKind::Repeated, 15, 40),
            ],
        };
        assert_eq!(bytes_by_kind(&a, 100), [20, 20, 0]);
        assert_eq!(bytes_by_kind(&a, 30), [20, 10, 0]);
    }

    #[test]
    fn strips_spans_and_collapses_blank_lines() {
        let text = "HEADER\n\nStory line one.\n\nFOOTER\n\nLinks\n";
        let header = (0, 6);
        let footer = (text.find("FOOTER").unwrap_or(0), text.len() - 1);
        assert_eq!(strip_spans(text, &[footer, header]), "Story line one.\n\n");
        assert_eq!(strip_spans("abc", &[(1, 99)]), "a");
        assert_eq!(strip_spans("abc", &[]), "abc");
    }
}
