//! Prints the lines of HTML pages with the structure's verdict on each, as JSON lines
//! (`{"page", "line", "text", "reason"}`): what `--clean` keeps and why the rest goes.
//! Usage: cargo run --release --example page_lines -- PAGE.html...
fn main() {
    for path in std::env::args().skip(1) {
        let Ok(bytes) = std::fs::read(&path) else {
            eprintln!("cannot read {path}");
            continue;
        };
        let (text, runs) = neardup::internals::html_page(&bytes);
        for (i, line) in text.lines().enumerate() {
            let n = i as u32 + 1;
            let reason = runs
                .iter()
                .find(|r| r.lines.0 <= n && n <= r.lines.1)
                .map(|r| r.reason.as_str());
            let row = serde_json::json!({"page": path, "line": n, "text": line, "reason": reason});
            println!("{row}");
        }
    }
}
