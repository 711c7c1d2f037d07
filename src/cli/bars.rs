//! Progress bars on standard error (indicatif): the command line's [`ProgressSink`], hidden
//! when standard error is not a terminal.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

use neardup::human::{bytes, noun};
use neardup::progress::{ProgressSink, Stage};

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
                    let _ = write!(w, "{}/{}", bytes(state.pos()), bytes(total));
                },
            )
        })
        .unwrap_or_else(|_| ProgressStyle::default_bar())
}

/// A stage as the bars number it: reading, signing, then clustering (its re-signing rounds
/// and exact checks), which a scan from the cache starts at.
fn numbered(stage: Stage) -> String {
    let n = match stage {
        Stage::Reading => 1,
        Stage::Signing => 2,
        Stage::Resigning | Stage::Verifying => 3,
    };
    format!("[{n}/3] {}", stage.name())
}

/// The bar's count of files: `3/10 files`, `1/1 file`.
fn files_message(done: u64, total: u64) -> String {
    format!("{done}/{total} {}", noun(total, "file"))
}

/// One bar per stage, over its files and bytes.
#[derive(Default)]
pub struct Bars {
    bar: Mutex<Option<ProgressBar>>,
    files_done: AtomicU64,
    files_total: AtomicU64,
}

impl Bars {
    /// Bars, or `None` when standard error is no terminal (a log, a pipe).
    pub fn on_terminal() -> Option<Bars> {
        std::io::stderr().is_terminal().then(Bars::default)
    }

    fn with_bar(&self, f: impl FnOnce(&ProgressBar)) {
        if let Ok(bar) = self.bar.lock() {
            if let Some(bar) = bar.as_ref() {
                f(bar);
            }
        }
    }
}

impl ProgressSink for Bars {
    fn start(&self, stage: Stage, files: u64, total_bytes: u64) {
        let bar = ProgressBar::with_draw_target(
            Some(total_bytes),
            ProgressDrawTarget::stderr_with_hz(10),
        );
        bar.set_style(style());
        bar.set_prefix(numbered(stage));
        self.files_done.store(0, Ordering::Relaxed);
        self.files_total.store(files, Ordering::Relaxed);
        if let Ok(mut slot) = self.bar.lock() {
            *slot = Some(bar);
        }
    }

    fn file_done(&self, file_bytes: u64) {
        let done = self.files_done.fetch_add(1, Ordering::Relaxed) + 1;
        let total = self.files_total.load(Ordering::Relaxed);
        self.with_bar(|bar| {
            bar.inc(file_bytes);
            bar.set_message(files_message(done, total));
        });
    }

    fn finish(&self) {
        self.with_bar(ProgressBar::finish_and_clear);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_number_their_stage_and_fit_80_columns() {
        assert_eq!(numbered(Stage::Reading), "[1/3] reading");
        assert_eq!(numbered(Stage::Signing), "[2/3] signing");
        assert_eq!(numbered(Stage::Resigning), "[3/3] re-signing");
        assert_eq!(numbered(Stage::Verifying), "[3/3] verifying");
        assert!(ProgressStyle::with_template(TEMPLATE).is_ok());
        assert_eq!(files_message(3, 10), "3/10 files");
        assert_eq!(files_message(1, 1), "1/1 file");
        // everything but the bar at its widest: the bar keeps room on an 80-column terminal
        let widest = format!(
            "{} [] {}/{} {} ETA {}",
            numbered(Stage::Resigning),
            bytes(999_900_000_000),
            bytes(999_900_000_000),
            files_message(9_999_999, 9_999_999),
            "59m"
        );
        assert!(widest.chars().count() <= 70, "{widest}");
    }
}
