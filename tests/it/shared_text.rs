//! Where the clean copy keeps text that documents share (issues 21 and 23): frequent text
//! inside a page's article is kept once, a whole-book page does not take its chapters' text,
//! a document is never left a stub by later copies (`--strip-reused`), a document's own
//! headline stays, and a removed caption leaves the paragraph break. Each runs the binary.

use std::path::Path;

use crate::support::{annotations, neardup, scan_to, span_lines, stderr, write_texts, write_tree};
use serde_json::Value;

/// Scans `corpus` with `--clean` into `out/clean` (plus `extra`); returns the report.
fn scan_clean(corpus: &Path, out: &Path, extra: &[&str]) -> Value {
    let report = out.join("report.json");
    let clean = out.join("clean");
    let ann = out.join("ann.jsonl");
    let mut args = vec![
        "scan",
        corpus.to_str().expect("utf-8 path"),
        "--quiet",
        "--no-timing",
        "--report",
        report.to_str().expect("utf-8 path"),
        "--annotations",
        ann.to_str().expect("utf-8 path"),
        "--clean",
        clean.to_str().expect("utf-8 path"),
    ];
    args.extend_from_slice(extra);
    let run = neardup(out, &args);
    assert!(run.status.success(), "scan failed: {}", stderr(&run));
    let text = std::fs::read_to_string(&report).expect("report written");
    serde_json::from_str(&text).expect("report parses")
}

fn cleaned(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join("clean").join(rel)).unwrap_or_default()
}

fn shared(report: &Value, field: &str) -> u64 {
    report["summary"]["shared_text"][field]
        .as_u64()
        .unwrap_or(0)
}

/// A paragraph of `n` words of its own, in `lang`'s words (Latin or CJK script).
fn paragraph(seed: usize, n: usize, words: &[&str]) -> String {
    (0..n)
        .map(|i| {
            words[(seed * 7 + i * 3 + i * i) % words.len()].to_string()
                + &(seed * 100 + i).to_string()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

const LATIN: &[&str] = &[
    "river", "stone", "lamp", "cloud", "garden", "window", "letter", "bridge",
];
const SPANISH: &[&str] = &[
    "río", "piedra", "lámpara", "nube", "jardín", "ventana", "carta",
];

fn page(title: &str, body: &str) -> String {
    format!(
        "<html><head><title>{title}</title></head><body>\
         <nav><ul><li><a href=\"/a\">Home</a></li><li><a href=\"/b\">Guide</a></li>\
         <li><a href=\"/c\">Reference</a></li></ul></nav>\
         <main><article><h1>{title}</h1>{body}</article></main>\
         <footer><p>Built with a book tool. Licensed under the terms of its project.</p></footer>\
         </body></html>"
    )
}

/// A book printed whole on `print.html`: the chapters that sort after it keep their own text
/// (it was the first page by path that kept every shared paragraph, and the chapters were
/// emptied); the print page, which stripping would leave a stub, is kept whole.
#[test]
fn chapters_keep_their_text_beside_the_whole_book_page() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let corpus = tmp.path().join("corpus");
    let mut files: Vec<(String, String)> = Vec::new();
    let mut print_body = String::new();
    for c in 0..10 {
        let words = if c % 2 == 0 { LATIN } else { SPANISH };
        let body: String = (0..3)
            .map(|p| format!("<p>{}</p>", paragraph(c * 10 + p, 40, words)))
            .collect();
        print_body += &format!("<h2>Chapter {c}</h2>{body}");
        files.push((
            format!("book/the-chapter-{c}.html"),
            page(&format!("Chapter {c}"), &body),
        ));
    }
    files.push((
        "book/print.html".to_string(),
        page("The whole book", &print_body),
    ));
    write_texts(&corpus, &files);
    let out = tmp.path();
    // Containment off: a chapter inside the print page would otherwise be dropped for it.
    let report = scan_clean(&corpus, out, &["--no-containment"]);
    for c in 0..10 {
        let words = if c % 2 == 0 { LATIN } else { SPANISH };
        let text = cleaned(out, &format!("book/the-chapter-{c}.txt"));
        for p in 0..3 {
            assert!(
                text.contains(&paragraph(c * 10 + p, 40, words)),
                "chapter {c} lost paragraph {p}: {text:?}"
            );
        }
    }
    let print = cleaned(out, "book/print.txt");
    assert!(print.contains(&paragraph(0, 40, LATIN)), "{print:?}");
    assert!(shared(&report, "kept_whole") >= 1, "{}", report["summary"]);

    // Stripping everywhere leaves the print page a stub, never a chapter.
    let always = tmp.path().join("always");
    std::fs::create_dir_all(&always).expect("mkdir");
    scan_clean(
        &corpus,
        &always,
        &["--no-containment", "--strip-reused", "always"],
    );
    let text = cleaned(&always, "book/the-chapter-9.txt");
    assert!(text.contains(&paragraph(90, 40, SPANISH)), "{text:?}");
    assert!(!cleaned(&always, "book/print.txt").contains(&paragraph(0, 40, LATIN)));
}

/// Reference pages of one site, five of eight of them documenting the same trait method in
/// their article: the method's docs are content kept once, the menu is chrome and goes from
/// every page, and each page keeps its own text.
#[test]
fn frequent_text_in_the_article_is_kept_once() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let corpus = tmp.path().join("corpus");
    let blanket = "<h3>impl&lt;T&gt; Borrow&lt;T&gt; for T</h3>\
                   <p>Immutably borrows from an owned value, as every type that holds its own value does.</p>\
                   <h3>impl&lt;T&gt; BorrowMut&lt;T&gt; for T</h3>\
                   <p>Mutably borrows from an owned value, returning a unique reference for the caller.</p>";
    let mut files: Vec<(String, String)> = Vec::new();
    for p in 0..8 {
        let words = if p % 2 == 0 { LATIN } else { SPANISH };
        let mut body = format!(
            "<p>{}</p><p>{}</p>",
            paragraph(p, 45, words),
            paragraph(p + 50, 45, words)
        );
        if p < 5 {
            body += blanket;
        }
        files.push((
            format!("api/struct.Item{p}.html"),
            page(&format!("Item{p}"), &body),
        ));
    }
    write_texts(&corpus, &files);
    let out = tmp.path();
    let report = scan_clean(&corpus, out, &[]);
    let texts: Vec<String> = (0..8)
        .map(|p| cleaned(out, &format!("api/struct.Item{p}.txt")))
        .collect();
    let holding = texts
        .iter()
        .filter(|t| t.contains("Immutably borrows from an owned value"))
        .count();
    assert_eq!(holding, 1, "{texts:#?}");
    for (p, t) in texts.iter().enumerate() {
        let words = if p % 2 == 0 { LATIN } else { SPANISH };
        assert!(t.contains(&paragraph(p, 45, words)), "page {p}: {t:?}");
        assert!(!t.contains("Reference"), "the menu stays chrome: {t:?}");
    }
    assert_eq!(shared(&report, "frequent_content_kept_once"), 1);
}

/// Reference pages: twelve type pages end with the same blanket implementations, a "Source"
/// link above each signature; twenty function pages carry the "Source" link too, so the link
/// stands in too many places to be template. The link joins the implementations into one
/// shared passage, kept once; cut at every link, each piece (a signature, one line of docs)
/// was under a passage's length and went from every page as chrome. Content wherever it
/// stands, it is no template block of the report.
#[test]
fn a_frequent_link_between_shared_docs_keeps_the_passage_whole() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let corpus = tmp.path().join("corpus");
    let blanket = [
        (
            "impl&lt;T&gt; Borrow&lt;T&gt; for T",
            "fn borrow(&amp;self) -&gt; &amp;T",
            "Immutably borrows from an owned value. Read more",
        ),
        (
            "impl&lt;T&gt; BorrowMut&lt;T&gt; for T",
            "fn borrow_mut(&amp;mut self) -&gt; &amp;mut T",
            "Mutably borrows from an owned value. Read more",
        ),
        (
            "impl&lt;T&gt; From&lt;T&gt; for T",
            "fn from(t: T) -&gt; T",
            "Returns the argument unchanged.",
        ),
    ];
    let mut files: Vec<(String, String)> = Vec::new();
    for p in 0..16 {
        let words = if p % 2 == 0 { LATIN } else { SPANISH };
        let mut body = format!(
            "<p>{}</p><p>{}</p>",
            paragraph(p, 45, words),
            paragraph(p + 50, 45, words)
        );
        for m in 0..p % 3 + 1 {
            body += &format!(
                "<p>Source</p><p><code>fn own_method_{p}_{m}(&amp;self)</code></p><p>{}</p>",
                paragraph(p * 10 + m + 200, 20, words)
            );
        }
        if p < 12 {
            for (implementation, signature, docs) in blanket {
                body += &format!(
                    "<p>Source</p><p><code>{implementation}</code></p>\
                     <p>Source</p><p><code>{signature}</code></p><p>{docs}</p>"
                );
            }
        }
        files.push((
            format!("api/struct.Item{p:02}.html"),
            page(&format!("Item{p}"), &body),
        ));
    }
    for q in 0..20 {
        let words = if q % 2 == 0 { LATIN } else { SPANISH };
        let body = format!("<p>Source</p><p>{}</p>", paragraph(q + 500, 40, words));
        files.push((
            format!("api/fn.helper{q:02}.html"),
            page(&format!("helper{q}"), &body),
        ));
    }
    write_texts(&corpus, &files);
    let out = tmp.path();
    let report = scan_clean(&corpus, out, &[]);
    // The report lists the chrome as template, not the docs kept as content.
    let template_texts: Vec<&str> = report["template_blocks"]
        .as_array()
        .expect("template blocks")
        .iter()
        .filter_map(|b| b["text"].as_str())
        .collect();
    assert!(
        template_texts
            .iter()
            .any(|t| t.contains("Built with a book tool")),
        "{template_texts:?}"
    );
    assert!(
        !template_texts
            .iter()
            .any(|t| t.contains("borrows from an owned value")),
        "{template_texts:?}"
    );
    let texts: Vec<String> = (0..16)
        .map(|p| cleaned(out, &format!("api/struct.Item{p:02}.txt")))
        .collect();
    for line in [
        "fn borrow(&self) -> &T",
        "Immutably borrows from an owned value. Read more",
        "Returns the argument unchanged.",
    ] {
        let holding = texts.iter().filter(|t| t.contains(line)).count();
        assert_eq!(holding, 1, "{line:?} kept once: {texts:#?}");
    }
    for (p, t) in texts.iter().enumerate() {
        let words = if p % 2 == 0 { LATIN } else { SPANISH };
        assert!(
            t.contains(&paragraph(p * 10 + 200, 20, words)),
            "page {p}: {t:?}"
        );
    }
}

/// Issue 23: two copies of one article that the scan does not join (`-t 0.95`, containment
/// off). Every paragraph of the second is a later copy of a shared block; stripping them would
/// leave its headline: it is kept whole, unless `--strip-reused always`. With `never`, no
/// later copy is marked at all.
#[test]
fn an_unjoined_copy_is_kept_whole_not_left_a_stub() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let corpus = tmp.path().join("corpus");
    let story: Vec<String> = (0..6).map(|p| paragraph(p, 35, LATIN)).collect();
    let a = format!("Bridge vote passes\n\n{}\n", story.join("\n\n"));
    let b = format!(
        "Council approves the bridge\n\n{}\n\nReporting by a staff writer of the evening paper.\n",
        story.join("\n\n")
    );
    write_tree(
        &corpus,
        &[
            ("daily/bridge.txt", a.as_bytes()),
            ("evening/bridge.txt", b.as_bytes()),
        ],
    );
    let out = tmp.path();
    let flags = ["-t", "0.95", "--no-containment"];
    let report = scan_clean(&corpus, out, &flags);
    for rel in ["daily/bridge.txt", "evening/bridge.txt"] {
        let text = cleaned(out, rel);
        assert!(
            story.iter().all(|p| text.contains(p.as_str())),
            "{rel}: {text:?}"
        );
    }
    assert_eq!(shared(&report, "kept_whole"), 1, "{}", report["summary"]);

    let always = tmp.path().join("always");
    std::fs::create_dir_all(&always).expect("mkdir");
    let mut strip: Vec<&str> = flags.to_vec();
    strip.extend(["--strip-reused", "always"]);
    let report = scan_clean(&corpus, &always, &strip);
    let stripped = ["daily/bridge.txt", "evening/bridge.txt"]
        .iter()
        .filter(|rel| !cleaned(&always, rel).contains(story[0].as_str()))
        .count();
    assert_eq!(stripped, 1);
    assert_eq!(report["summary"]["parameters"]["strip_reused"], "always");

    let never = tmp.path().join("never");
    std::fs::create_dir_all(&never).expect("mkdir");
    let mut keep: Vec<&str> = flags.to_vec();
    keep.extend(["--strip-reused", "never"]);
    let report = scan_clean(&corpus, &never, &keep);
    assert_eq!(report["summary"]["reused_spans"], 0);
    let ann = std::fs::read_to_string(never.join("ann.jsonl")).expect("annotations");
    assert!(!ann.contains("\"reused\""), "{ann}");
}

/// A story's headline stands in another site's "Most read" list, in a page that sorts first:
/// the list's copy goes, the story keeps its headline.
#[test]
fn an_own_headline_is_never_stripped_for_a_link_list() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let corpus = tmp.path().join("corpus");
    let headline = "Night trams return to the harbour line";
    let list_page = format!(
        "Markets close higher on energy\n\n{}\n\nMost read\n\n{headline}\n\nSchools hire more teachers this autumn\n",
        paragraph(1, 60, LATIN)
    );
    let story = format!(
        "{headline}\n\n{}\n\n{}\n",
        paragraph(2, 60, SPANISH),
        paragraph(3, 60, SPANISH)
    );
    write_tree(
        &corpus,
        &[
            ("aaa/markets.txt", list_page.as_bytes()),
            ("zzz/trams.txt", story.as_bytes()),
        ],
    );
    let out = tmp.path();
    let report = scan_clean(&corpus, out, &[]);
    let text = cleaned(out, "zzz/trams.txt");
    assert!(text.starts_with(headline), "{text:?}");
    assert!(!cleaned(out, "aaa/markets.txt").contains(headline));
    assert_eq!(
        shared(&report, "own_headlines_kept"),
        1,
        "{}",
        report["summary"]
    );
    let summary = String::from_utf8_lossy(
        &neardup(
            out,
            &["scan", corpus.to_str().expect("utf-8"), "--report", "-"],
        )
        .stderr,
    )
    .into_owned();
    assert!(
        summary.contains("own headline kept in 1 document"),
        "{summary}"
    );
}

/// A photo caption scraped twice: the second copy goes, and the paragraphs around it stay
/// apart by a blank line.
#[test]
fn a_removed_caption_leaves_the_paragraph_break() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let corpus = tmp.path().join("corpus");
    let caption = "Volunteers carry sandbags along the river bank in the old town on Tuesday.";
    let (p1, p2) = (paragraph(4, 40, LATIN), paragraph(5, 40, LATIN));
    let text = format!("Flood in the old town\n\n{caption}\n\n{p1}\n\n{caption}\n\n{p2}\n");
    write_tree(&corpus, &[("flood.txt", text.as_bytes())]);
    let out = tmp.path();
    scan_clean(&corpus, out, &[]);
    let clean = cleaned(out, "flood.txt");
    assert!(clean.contains(&format!("{p1}\n\n{p2}")), "{clean:?}");
    assert_eq!(clean.matches(caption).count(), 1);
}

/// A reference site prints the docs of `eq` and `ne` on every iterator page: two paragraphs a
/// word apart ("equal" / "unequal"), each word for word on many pages, and the same panic note
/// under two methods of every page. They are texts of the site, not one scraped twice, so
/// none is a repeat; a caption scraped twice on one page, word for word or edited and
/// credited, still is.
#[test]
fn near_copies_a_site_prints_on_many_pages_are_not_repeats() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = dir.path().join("site");
    let docs = "fn eq(self, other: I) -> bool\n\nDetermines if the elements of this parallel iterator are equal to those of another one.\n\nfn ne(self, other: I) -> bool\n\nDetermines if the elements of this parallel iterator are unequal to those of another one.\n\nfn get_u8(&mut self) -> u8\n\nThis function panics if there is not enough remaining data in self.\n\nfn get_i8(&mut self) -> i8\n\nThis function panics if there is not enough remaining data in self.\n";
    let mut files: Vec<(String, String)> = Vec::new();
    for i in 0..15 {
        files.push((
            format!("site/struct.Adaptor{i}.txt"),
            format!("Struct Adaptor{i}\n\nAn adaptor number {i} that wraps another parallel iterator.\n\n{docs}"),
        ));
        files.push((
            format!("site/fn.helper{i}.txt"),
            format!("Function helper{i}\n\nBuilds the helper number {i} from a slice of values.\n"),
        ));
    }
    let caption =
        "Tribal fighters fire their weapons during an intensive security deployment in Iraq.";
    let edited = caption.replace("intensive", "extensive");
    files.push((
        "site/news.txt".to_string(),
        format!("Title of the page\n\n{caption}\n\nBody text of the article goes here.\n\n{edited} (AFP Photo / Ahmad al-Rubaye)\n"),
    ));
    files.push((
        "site/other-news.txt".to_string(),
        format!("Another page\n\n{caption}\n\nOther body text of another article.\n\n{caption}\n"),
    ));
    write_texts(dir.path(), &files);
    let (_, ann, _) = scan_to(&corpus, dir.path(), &[]);
    let anns = annotations(&ann);
    for i in 0..15 {
        let doc = format!("struct.Adaptor{i}.txt");
        assert!(
            span_lines(&anns, &doc, "repeated").is_empty(),
            "{doc}: {ann}"
        );
    }
    assert_eq!(span_lines(&anns, "news.txt", "repeated"), vec![7]);
    assert_eq!(span_lines(&anns, "other-news.txt", "repeated"), vec![7]);
}
