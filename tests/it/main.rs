//! neardup's integration tests, one binary: the real `neardup` binary run on real files, and
//! the library's readers under property tests. One module per area; the shared fixtures and
//! helpers (running the binary, building corpora, reading reports) are in `support`.
//! `tests/fixtures/` and `tests/golden/` hold the stored inputs and outputs.

mod support;

mod architecture;
mod bad_input;
mod batches;
mod cache;
mod clean_copy;
mod cli;
mod comparison;
mod eval;
mod explain;
mod extraction;
mod golden;
mod hostile;
mod inputs;
mod kernels;
#[cfg(target_os = "linux")]
mod memory;
mod properties;
mod readme;
mod report_html;
mod scan_samples;
mod shared_text;
mod web_inputs;
