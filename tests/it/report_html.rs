//! The HTML report (`--html`, `neardup report --html`) on the real binary, and in a real
//! browser: headless Chromium opens the page, runs its self-check (`#selfcheck`: clicks the
//! first cluster and member open, tries the filter) and the DOM it dumps is inspected.
//!
//! Without Chromium the browser tests say so and pass, unless `NEARDUP_REQUIRE_BROWSER=1`
//! (CI) makes them fail; `NEARDUP_CHROMIUM=PATH` names another browser binary. Screenshots are saved to `target/tmp/html-report/`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{neardup, samples, stderr, stdout, write_texts, write_tree};

/// Chromium (`NEARDUP_CHROMIUM`, else `chromium` or `chromium-browser` on the PATH), or `None`
/// (with a message) when it is not installed and not required.
fn chromium() -> Option<PathBuf> {
    let found = match std::env::var_os("NEARDUP_CHROMIUM") {
        Some(path) => Some(PathBuf::from(path)).filter(|p| p.is_file()),
        None => std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
            .flat_map(|dir| [dir.join("chromium"), dir.join("chromium-browser")])
            .find(|p| p.is_file()),
    };
    if found.is_none() {
        assert!(
            std::env::var("NEARDUP_REQUIRE_BROWSER").as_deref() != Ok("1"),
            "NEARDUP_REQUIRE_BROWSER=1 but chromium is not installed (apt-get install chromium)"
        );
        eprintln!("SKIPPED: chromium is not installed, the page was not checked in a browser");
    }
    found
}

/// Runs headless Chromium on `page` (with `#fragment`) with `extra` flags; returns its stdout.
fn run_browser(browser: &Path, page: &Path, fragment: &str, extra: &[&str]) -> String {
    let profile = tempfile::tempdir().expect("tempdir");
    let url = format!("file://{}{fragment}", page.display());
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(&url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    // Read the DOM while Chromium writes it: a full pipe would block it for good.
    let mut stdout = child.stdout.take().expect("piped stdout");
    let reader = std::thread::spawn(move || {
        let mut dom = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut dom).map(|_| dom)
    });
    let started = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 90 s on {url}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let dom = reader.join().expect("reader").expect("chromium output");
    String::from_utf8_lossy(&dom).into_owned()
}

/// The page's DOM after its self-check ran.
fn checked_dom(browser: &Path, page: &Path) -> String {
    let dom = run_browser(browser, page, "#selfcheck", &["--dump-dom"]);
    assert!(
        dom.contains("data-check-clusters"),
        "no self-check in:\n{}",
        &dom[..dom.len().min(2000)]
    );
    dom
}

/// The value of attribute `name` on the dumped `<html>` element.
fn html_attr(dom: &str, name: &str) -> Option<String> {
    let start = dom.find("<html")?;
    let tag = &dom[start..start + dom[start..].find('>')?];
    let key = format!(" {name}=\"");
    let at = tag.find(&key)? + key.len();
    Some(tag[at..at + tag[at..].find('"')?].to_string())
}

fn check_number(dom: &str, name: &str) -> i64 {
    html_attr(dom, &format!("data-check-{name}"))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("data-check-{name} missing"))
}

/// Where screenshots and pages are kept for people to look at.
fn gallery() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("html-report");
    std::fs::create_dir_all(&dir).expect("mkdir");
    dir
}

/// Scans `dir` with `--html` (and `extra` flags); returns the report JSON and the page.
fn scan_html(dir: &Path, out: &Path, extra: &[&str]) -> (serde_json::Value, String) {
    let report = out.join("report.json");
    let html = out.join("report.html");
    let mut args = vec![
        "scan",
        dir.to_str().expect("utf-8"),
        "--quiet",
        "--report",
        report.to_str().expect("utf-8"),
        "--html",
        html.to_str().expect("utf-8"),
    ];
    args.extend_from_slice(extra);
    let run = neardup(out, &args);
    assert!(run.status.success(), "{}", stderr(&run));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).expect("report")).expect("json");
    (json, std::fs::read_to_string(&html).expect("html written"))
}

/// Rows the page shows for template blocks: each block under each of its sites.
fn template_rows(report: &serde_json::Value) -> usize {
    report["template_blocks"]
        .as_array()
        .expect("blocks")
        .iter()
        .map(|b| b["sites"].as_object().map_or(0, |s| s.len()))
        .sum()
}

#[test]
fn samples_page_shows_clusters_side_by_side_templates_and_charts_in_a_browser() {
    let out = tempfile::tempdir().expect("tempdir");
    let (report, page) = scan_html(&samples(), out.path(), &[]);
    let Some(browser) = chromium() else { return };
    let kept = gallery().join("samples.html");
    std::fs::write(&kept, &page).expect("keep the page");
    let dom = checked_dom(&browser, &kept);
    let clusters = report["duplicate_clusters"]
        .as_array()
        .expect("clusters")
        .len() as i64;
    assert_eq!(clusters, 5);
    assert_eq!(check_number(&dom, "clusters"), clusters);
    assert_eq!(
        check_number(&dom, "templates"),
        template_rows(&report) as i64
    );
    assert_eq!(check_number(&dom, "charts"), 2, "histogram and S-curve");
    // the click opened the largest cluster's first member beside its match, passages marked
    assert_eq!(check_number(&dom, "opened"), 1);
    assert_eq!(check_number(&dom, "panes"), 2);
    assert_eq!(
        check_number(&dom, "side"),
        1,
        "the two texts sit side by side"
    );
    assert!(check_number(&dom, "marks") > 0);
    // filtering by the kept document's id leaves its cluster and hides the others
    assert_eq!(check_number(&dom, "filtered"), 1);
    assert_eq!(
        html_attr(&dom, "data-errors"),
        None,
        "a script error was raised"
    );
    assert_eq!(
        html_attr(&dom, "data-blocked"),
        None,
        "the page tried to load something"
    );
    assert_eq!(check_number(&dom, "images"), 0);
    assert!(dom.contains("coastnews/harbour-bridge-afp.txt"));
    assert!(dom.contains("<mark>"));
    let load_ms = check_number(&html_attr_as_check(&dom), "load-ms");
    assert!(load_ms >= 0);

    for (name, fragment) in [("samples.png", ""), ("samples-opened.png", "#selfcheck")] {
        let shot = gallery().join(name);
        let _ = std::fs::remove_file(&shot);
        run_browser(
            &browser,
            &kept,
            fragment,
            &[
                &format!("--screenshot={}", shot.display()),
                "--window-size=1280,2000",
            ],
        );
        let png = std::fs::read(&shot).expect("screenshot written");
        assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000, "{name}");
    }
}

/// `data-load-ms` read through the same accessor as the checks.
fn html_attr_as_check(dom: &str) -> String {
    dom.replacen("data-load-ms=", "data-check-load-ms=", 1)
}

/// A site folder (and so a site name and the start of ids) that would close an attribute.
const SITE: &str =
    r#"s"><img src=x onerror="document.documentElement.setAttribute('data-pwned','site')">"#;

/// A corpus whose texts, ids and template lines carry markup that would run if unescaped.
fn hostile_corpus(root: &Path) {
    let img = r#"<img src=x onerror="document.documentElement.setAttribute('data-pwned','img')">"#;
    let script = "<script>document.documentElement.setAttribute('data-pwned','script')</script>";
    // three different stories, so that the lines around them are template of the site
    let stories = [
        "The harbour authority said on Monday that the new ferry terminal would open in the \
         spring after two years of delays, and that tickets would cost less than the old \
         service. Officials expect twice as many passengers in the first year.",
        "A late frost damaged most of the apple blossom in the northern valleys this week, \
         growers said, and the regional cooperative warned that prices for local fruit could \
         rise sharply by the autumn if the cold weather returns.",
        "The city library will stay open until midnight during the exam period, the council \
         announced, after students collected more than four thousand signatures asking for \
         longer hours and quieter reading rooms.",
    ];
    let mut files: Vec<(String, String)> = Vec::new();
    for (name, story) in ["a.txt", "b<i>\"'&.txt", "c.txt"].iter().zip(stories) {
        files.push((
            format!("{SITE}/{name}"),
            format!("{img}\nEvil News | Home | World\n\n{script}\n\n{story}\n\nFooter {img}\n"),
        ));
    }
    // a copy of the first story, so that a cluster compares texts holding the markup
    files.push((
        "feed/items.jsonl".to_string(),
        format!(
            "{}\n",
            serde_json::json!({"id": format!("\"><svg onload=alert(1)>{script}"), "text": format!("{}\n{script}", stories[0])})
        ),
    ));
    write_texts(root, &files);
}

#[test]
fn corpus_markup_is_escaped_everywhere_and_never_runs_in_a_browser() {
    let corpus = tempfile::tempdir().expect("tempdir");
    hostile_corpus(corpus.path());
    let out = tempfile::tempdir().expect("tempdir");
    let (report, page) = scan_html(corpus.path(), out.path(), &[]);
    // the markup reached the report: a cluster and template blocks carry it
    assert!(!report["duplicate_clusters"]
        .as_array()
        .expect("clusters")
        .is_empty());
    assert!(report["template_blocks"].to_string().contains("<img src=x"));
    // in the page it is text: no element but the page's own two scripts and no image
    assert_eq!(
        page.matches("<script").count(),
        2,
        "only the page's own scripts"
    );
    assert!(!page.contains("<img") && !page.contains("<svg onload") && !page.contains("<i>"));
    assert!(page.contains("&lt;img src=x onerror=&quot;document.documentElement"));
    assert!(page.contains("&lt;script&gt;document.documentElement"));
    assert!(
        page.contains("b&lt;i&gt;&quot;&#39;&amp;.txt"),
        "ids are escaped"
    );
    assert!(
        page.contains(r#"data-key="s&quot;&gt;&lt;img src=x onerror=&quot;document"#),
        "site names are escaped in attributes"
    );
    let Some(browser) = chromium() else { return };
    let kept = gallery().join("hostile.html");
    std::fs::write(&kept, &page).expect("keep the page");
    let dom = checked_dom(&browser, &kept);
    assert_eq!(html_attr(&dom, "data-pwned"), None, "corpus markup ran");
    assert_eq!(
        html_attr(&dom, "data-errors"),
        None,
        "a script error was raised"
    );
    assert_eq!(
        html_attr(&dom, "data-blocked"),
        None,
        "markup tried to run and was blocked"
    );
    assert_eq!(check_number(&dom, "images"), 0);
    assert_eq!(check_number(&dom, "scripts"), 2);
    assert_eq!(check_number(&dom, "opened"), 1);
    // shown as text: the browser serialises the text nodes back with < escaped
    assert!(dom.contains(
        "&lt;script&gt;document.documentElement.setAttribute('data-pwned','script')&lt;/script&gt;"
    ));
    assert!(dom.contains("&lt;img src=x onerror=\"document.documentElement"));
}

#[test]
fn html_limit_cuts_each_list_and_says_how_many_were_left_out() {
    let out = tempfile::tempdir().expect("tempdir");
    let (_, page) = scan_html(&samples(), out.path(), &["--html-limit", "2"]);
    assert_eq!(page.matches(r#"<details class="cluster""#).count(), 2);
    assert!(
        page.contains("Showing 2 of 5 clusters; 3 left out"),
        "clusters"
    );
    assert!(page.contains("Showing 2 of 22 template blocks (most pages first); 20 left out"));
    assert!(page.contains("Showing 2 of 7 skipped inputs; 5 left out"));
    assert_eq!(page.matches(r#"<tr class="tpl""#).count(), 2);
    // largest first: the four-document cluster leads
    let first = page.find(r#"id="c1""#).expect("cluster 1");
    let second = page.find(r#"id="c2""#).expect("cluster 2");
    assert!(first < second);
    let (_, full) = scan_html(&samples(), out.path(), &[]);
    assert!(!full.contains("left out (raise"));
}

#[test]
fn the_page_is_self_contained() {
    let out = tempfile::tempdir().expect("tempdir");
    let (_, page) = scan_html(&samples(), out.path(), &[]);
    for needle in [
        "src=",
        "href=\"http",
        "href=\"//",
        "@import",
        "url(",
        "<link",
        "@font-face",
    ] {
        assert!(
            !page.contains(needle),
            "the page refers to something outside: {needle}"
        );
    }
    // the only address is the SVG namespace, which is never fetched
    let addresses = page.matches("http://").count() + page.matches("https://").count();
    assert_eq!(
        addresses,
        page.matches("xmlns=\"http://www.w3.org/2000/svg\"").count()
    );
    assert!(page.contains("Content-Security-Policy"));
    assert!(page.contains("default-src 'none'"));
}

/// Runs `neardup report` with `args` in `dir`; returns (exit code, page or stdout).
fn report_cmd(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let run = neardup(dir, args);
    let stdout = stdout(&run);
    let stderr = stderr(&run);
    (run.status.code(), stdout, stderr)
}

#[test]
fn report_command_renders_a_saved_report_reading_the_texts_again() {
    let corpus = tempfile::tempdir().expect("tempdir");
    let mut files = Vec::new();
    for entry in walk_samples(&samples()) {
        let rel = entry
            .strip_prefix(samples())
            .expect("under samples")
            .to_string_lossy()
            .into_owned();
        files.push((rel, std::fs::read(&entry).expect("read sample")));
    }
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(p, b)| (p.as_str(), b.as_slice()))
        .collect();
    write_tree(corpus.path(), &refs);
    let out = tempfile::tempdir().expect("tempdir");
    let (report, _) = scan_html(corpus.path(), out.path(), &[]);
    let recorded = report["timing"]["corpus"]
        .as_str()
        .expect("corpus recorded");
    assert_eq!(
        Path::new(recorded),
        std::fs::canonicalize(corpus.path()).expect("canonical")
    );

    // from the corpus the report records
    let (code, _, err) = report_cmd(
        out.path(),
        &["report", "report.json", "--html", "again.html"],
    );
    assert_eq!(code, Some(0), "{err}");
    let page = std::fs::read_to_string(out.path().join("again.html")).expect("page");
    assert_eq!(page.matches(r#"<details class="cluster""#).count(), 5);
    assert_eq!(
        page.matches(r#"class="sbs""#).count(),
        9,
        "every member beside its match"
    );
    assert!(page.contains("</mark>") && !page.contains("Could not read again"));

    // a report without its corpus (--no-timing) says so, and --corpus supplies it
    let run = neardup(
        out.path(),
        &[
            "scan",
            corpus.path().to_str().expect("utf-8"),
            "-q",
            "--no-timing",
            "--report",
            "plain.json",
        ],
    );
    assert!(run.status.success());
    report_cmd(
        out.path(),
        &["report", "plain.json", "--html", "plain.html"],
    );
    let page = std::fs::read_to_string(out.path().join("plain.html")).expect("page");
    assert!(page.contains("does not record its corpus") && !page.contains(r#"class="sbs""#));
    let samples_dir = samples();
    let s = samples_dir.to_str().expect("utf-8");
    report_cmd(
        out.path(),
        &[
            "report",
            "plain.json",
            "--html",
            "given.html",
            "--corpus",
            s,
        ],
    );
    let page = std::fs::read_to_string(out.path().join("given.html")).expect("page");
    assert_eq!(page.matches(r#"class="sbs""#).count(), 9);
    report_cmd(
        out.path(),
        &[
            "report",
            "plain.json",
            "--html",
            "nowhere.html",
            "--corpus",
            "/no/such/dir",
        ],
    );
    let page = std::fs::read_to_string(out.path().join("nowhere.html")).expect("page");
    assert!(page.contains("is not a folder here"));

    // a text gone since the scan is named on the page
    std::fs::remove_file(corpus.path().join("metrowire/bridge-vote.txt")).expect("rm");
    let (code, _, _) = report_cmd(
        out.path(),
        &["report", "report.json", "--html", "gone.html"],
    );
    assert_eq!(code, Some(0));
    let page = std::fs::read_to_string(out.path().join("gone.html")).expect("page");
    assert!(
        page.contains("Could not read again: metrowire/bridge-vote.txt"),
        "missing text not said"
    );

    // without --html it prints the summary; a file that is not a report is refused
    let (code, text, _) = report_cmd(out.path(), &["report", "plain.json"]);
    assert_eq!(code, Some(0));
    assert!(text.contains("5 clusters"), "{text}");
    std::fs::write(out.path().join("bad.json"), "{not json").expect("write");
    let (code, _, err) = report_cmd(out.path(), &["report", "bad.json", "--html", "x.html"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("cannot read the report 'bad.json'"), "{err}");
    assert!(!out.path().join("x.html").exists());
}

/// Every file under `root`.
fn walk_samples(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read_dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out
}

#[test]
fn the_page_can_go_to_standard_output_but_not_with_the_report() {
    let out = tempfile::tempdir().expect("tempdir");
    let s = samples();
    let dir = s.to_str().expect("utf-8");
    let run = neardup(
        out.path(),
        &["scan", dir, "--report", "r.json", "--html", "-"],
    );
    assert!(run.status.success());
    let page = stdout(&run);
    assert!(page.starts_with("<!DOCTYPE html>") && page.trim_end().ends_with("</html>"));
    // the summary went to standard error, out of the page's way
    assert!(stderr(&run).contains("duplicates  5 clusters"));
    let run = neardup(out.path(), &["scan", dir, "--report", "-", "--html", "-"]);
    assert_eq!(run.status.code(), Some(2));
    assert!(stderr(&run).contains("would mix"));
    // a page in a folder that does not exist is refused before the scan
    let run = neardup(
        out.path(),
        &["scan", dir, "--html", "no/such/dir/page.html"],
    );
    assert_eq!(run.status.code(), Some(2));
    assert!(!out.path().join("neardup-report.json").exists());
}
