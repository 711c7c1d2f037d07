//! A scan's progress handed to a Python callable `progress(stage, done, total)`: the stage's
//! name (`reading`, `signing`, `re-signing`, `verifying`), files (or documents) done and in
//! all. The library calls the sink from its worker threads with the GIL released; each call
//! takes the GIL, so calls are spaced (at the start and end of a stage, and at most every
//! 100 ms between), and an exception in the callable is reported as unraisable, never
//! stopping the scan.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use neardup::progress::{ProgressSink, Stage};
use pyo3::prelude::*;

/// How often the callable is called during a stage, at most.
const EVERY: Duration = Duration::from_millis(100);

/// Where the current stage is.
struct Position {
    stage: &'static str,
    done: u64,
    total: u64,
    last_call: Option<Instant>,
}

/// A [`ProgressSink`] that calls a Python callable.
pub struct PythonProgress {
    callable: Py<PyAny>,
    position: Mutex<Position>,
}

impl PythonProgress {
    /// Reports to `callable`.
    pub fn new(callable: Py<PyAny>) -> PythonProgress {
        PythonProgress {
            callable,
            position: Mutex::new(Position {
                stage: "",
                done: 0,
                total: 0,
                last_call: None,
            }),
        }
    }

    /// Calls the callable with the position, if `always` or it was not called lately.
    fn report(&self, always: bool) {
        let (stage, done, total) = {
            let Ok(mut p) = self.position.lock() else {
                return;
            };
            let now = Instant::now();
            if !always && p.last_call.is_some_and(|t| now.duration_since(t) < EVERY) {
                return;
            }
            p.last_call = Some(now);
            (p.stage, p.done, p.total)
        };
        Python::attach(|py| {
            if let Err(e) = self.callable.call1(py, (stage, done, total)) {
                e.write_unraisable(py, Some(self.callable.bind(py)));
            }
        });
    }
}

impl ProgressSink for PythonProgress {
    fn start(&self, stage: Stage, files: u64, _bytes: u64) {
        if let Ok(mut p) = self.position.lock() {
            *p = Position {
                stage: stage.name(),
                done: 0,
                total: files,
                last_call: None,
            };
        }
        self.report(true);
    }

    fn file_done(&self, _bytes: u64) {
        if let Ok(mut p) = self.position.lock() {
            p.done += 1;
        }
        self.report(false);
    }

    fn finish(&self) {
        if let Ok(mut p) = self.position.lock() {
            p.done = p.total;
        }
        self.report(true);
    }
}
