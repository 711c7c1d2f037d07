//! Progress bars on standard error, hidden when it is not a terminal or when asked.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

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
            let style = ProgressStyle::with_template(
                "{prefix:>8} [{bar:30}] {bytes}/{total_bytes} ({binary_bytes_per_sec}) {msg}",
            )
            .map(|s| s.progress_chars("=> "))
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar.set_prefix(stage.to_string());
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
            bar.set_message(format!("{done}/{} files", self.files_total));
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
