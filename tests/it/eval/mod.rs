//! `neardup eval` and the evaluation library on labelled corpora: a generated one, page line
//! labels, and a fixture of the forms real crawls have.

mod crawl_forms;
mod generated;
mod page_lines;
