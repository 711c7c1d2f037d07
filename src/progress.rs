//! Progress bars on standard error, hidden when it is not a terminal or when asked.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

use crate::plural::noun;
use crate::report::summary::human_bytes;

/// The bar's line: stage n of 3, a bar as wide as the terminal leaves room for (the line
/// fits 80 columns), bytes in the summary's units, files, and the time left.
const TEMPLATE: &str = "{prefix} [{wide_bar}] {size} {msg} ETA {eta}";

fn style() -> ProgressStyle {
    ProgressStyle::with_template(TEMPLATE)
        .map(|s| {
            s.progress_chars("=> ").with_key(
                "size",
                |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                    let total = state.len().unwrap_or(0);
                    let _ = write!(w, "{}/{}", human_bytes(state.pos()), human_bytes(total));
                },
            )
        })
        .unwrap_or_else(|_| ProgressStyle::default_bar())
}

/// A stage as the bars number it: reading, signing, then clustering (its re-signing rounds
/// and exact checks), which a scan from the cache starts at.
fn numbered(stage: &str) -> String {
    let n = match stage {
        "reading" => 1,
        "signing" => 2,
        _ => 3,
    };
    format!("[{n}/3] {stage}")
}

/// The bar's count of files: `3/10 files`, `1/1 file`.
fn files_message(done: u64, total: u64) -> String {
    format!("{done}/{total} {}", noun(total, "file"))
}

/// A progress bar over files and bytes, or nothing.
#[derive(Debug, Clone)]
pub struct Progress {
    bar: Option<ProgressBar>,
    files_done: Arc<AtomicU64>,
    files_total: u64,
}

impl Progress {
    /// A bar for `files` files of `total_bytes` labelled `stage`; hidden unless `enabled` and
    /// stderr is a terminal.
    pub fn new(enabled: bool, stage: &str, files: u64, total_bytes: u64) -> Progress {
        let bar = (enabled && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(
                Some(total_bytes),
                ProgressDrawTarget::stderr_with_hz(10),
            );
            bar.set_style(style());
            bar.set_prefix(numbered(stage));
            bar
        });
        Progress {
            bar,
            files_done: Arc::new(AtomicU64::new(0)),
            files_total: files,
        }
    }

    /// Advances by one file of `bytes`.
    pub fn file_done(&self, bytes: u64) {
        if let Some(bar) = &self.bar {
            let done = self.files_done.fetch_add(1, Ordering::Relaxed) + 1;
            bar.inc(bytes);
            bar.set_message(files_message(done, self.files_total));
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_number_their_stage_and_count_bytes_as_the_summary_does() {
        assert_eq!(numbered("reading"), "[1/3] reading");
        assert_eq!(numbered("signing"), "[2/3] signing");
        assert_eq!(numbered("re-signing"), "[3/3] re-signing");
        assert_eq!(numbered("verifying"), "[3/3] verifying");
        assert_eq!(human_bytes(999), "999 B");
        assert_eq!(human_bytes(23_000), "23.0 KB");
        assert_eq!(human_bytes(62_300_000), "62.3 MB");
        assert!(ProgressStyle::with_template(TEMPLATE).is_ok());
        assert_eq!(files_message(3, 10), "3/10 files");
        assert_eq!(files_message(1, 1), "1/1 file");
        // everything but the bar at its widest: the bar keeps room on an 80-column terminal
        let widest = format!(
            "{} [] {}/{} {} ETA {}",
            numbered("re-signing"),
            human_bytes(999_900_000_000),
            human_bytes(999_900_000_000),
            files_message(9_999_999, 9_999_999),
            "59m"
        );
        assert!(widest.chars().count() <= 70, "{widest}");
    }
}
