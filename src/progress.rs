//! How a scan reports its progress: through a [`ProgressSink`] the caller gives in
//! [`crate::Config::progress`]. The library draws nothing itself; the command line's bars and a
//! Python callback are sinks.

use std::sync::Arc;

/// A stage of a scan that reports progress over the files it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Pass 1: reading, segmenting and counting units.
    Reading,
    /// Pass 2: signing each document's content.
    Signing,
    /// The rounds: documents whose left-out units changed, signed again.
    Resigning,
    /// Exact checks of borderline pairs (their documents read again).
    Verifying,
}

impl Stage {
    /// Its name, as the bars show it.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Reading => "reading",
            Stage::Signing => "signing",
            Stage::Resigning => "re-signing",
            Stage::Verifying => "verifying",
        }
    }
}

/// Receives a scan's progress. Calls come from the scan's worker threads; a stage is started,
/// advanced file by file, and finished before the next starts.
pub trait ProgressSink: Send + Sync {
    /// `stage` starts over `files` files of `bytes` bytes.
    fn start(&self, stage: Stage, files: u64, bytes: u64);
    /// One file of `bytes` bytes of the current stage is done.
    fn file_done(&self, bytes: u64);
    /// The current stage is done.
    fn finish(&self);
}

/// Where a scan reports progress: nowhere (the default), or a [`ProgressSink`].
#[derive(Clone, Default)]
pub struct ProgressReporter(Option<Arc<dyn ProgressSink>>);

impl ProgressReporter {
    /// Reports to `sink`.
    pub fn new(sink: Arc<dyn ProgressSink>) -> ProgressReporter {
        ProgressReporter(Some(sink))
    }

    /// Starts `stage` over `files` files of `bytes` bytes; the handle advances and ends it.
    pub(crate) fn start(&self, stage: Stage, files: u64, bytes: u64) -> StageProgress<'_> {
        if let Some(sink) = &self.0 {
            sink.start(stage, files, bytes);
        }
        StageProgress(self.0.as_deref())
    }
}

impl std::fmt::Debug for ProgressReporter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let to = if self.0.is_some() {
            "a sink"
        } else {
            "nowhere"
        };
        write!(f, "ProgressReporter({to})")
    }
}

/// The running stage of a [`ProgressReporter`].
pub(crate) struct StageProgress<'a>(Option<&'a dyn ProgressSink>);

impl StageProgress<'_> {
    /// A stage reported nowhere (a retry inside a stage already reported).
    pub fn hidden() -> StageProgress<'static> {
        StageProgress(None)
    }

    /// Advances by one file of `bytes`.
    pub fn file_done(&self, bytes: u64) {
        if let Some(sink) = self.0 {
            sink.file_done(bytes);
        }
    }

    /// Ends the stage.
    pub fn finish(&self) {
        if let Some(sink) = self.0 {
            sink.finish();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[derive(Default)]
    struct Recorder(Mutex<Vec<String>>);

    impl ProgressSink for Recorder {
        fn start(&self, stage: Stage, files: u64, bytes: u64) {
            self.0
                .lock()
                .unwrap()
                .push(format!("{} {files} {bytes}", stage.name()));
        }
        fn file_done(&self, bytes: u64) {
            self.0.lock().unwrap().push(format!("+{bytes}"));
        }
        fn finish(&self) {
            self.0.lock().unwrap().push("done".into());
        }
    }

    #[test]
    fn a_sink_hears_each_stage_start_advance_and_end() {
        let recorder = Arc::new(Recorder::default());
        let reporter = ProgressReporter::new(recorder.clone());
        let stage = reporter.start(Stage::Resigning, 2, 30);
        stage.file_done(10);
        stage.file_done(20);
        stage.finish();
        let heard = recorder.0.lock().unwrap().clone();
        assert_eq!(heard, ["re-signing 2 30", "+10", "+20", "done"]);
        // the default reports nowhere, and says so
        let quiet = ProgressReporter::default();
        quiet.start(Stage::Reading, 1, 1).file_done(1);
        assert_eq!(format!("{quiet:?}"), "ProgressReporter(nowhere)");
    }
}
