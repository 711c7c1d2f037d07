//! Crawled inputs: HTML pages and WARC archives read as documents, their boilerplate marked
//! with reasons, their clean copies written as text; malformed inputs reported, never fatal.

use crate::support::{
    gzip, neardup, parse_report, scan_to, scan_with_clean, stderr, stdout, write_texts, write_tree,
};
use neardup::Annotation;

/// Stories different enough not to be near-duplicates of each other.
const STORIES: [[&str; 4]; 4] = [
    [
        "Harbour opens to larger ships",
        "The harbour opened on a bright morning, and the fishing boats came in one after another.",
        "Officials said the new quay would take larger ships and bring work to the old town for years.",
        "Residents welcomed the change although some worried about traffic on the narrow streets.",
    ],
    [
        "Frost ruins the apple blossom",
        "A late frost damaged most of the apple blossom in the valley orchards this spring.",
        "Growers expect the smallest harvest in a decade and warned that cider prices will rise.",
        "Some farms covered their trees with fleece overnight and saved a good part of the crop.",
    ],
    [
        "Library reopens after repairs",
        "The city library reopened after two years of repairs to its roof and reading rooms.",
        "Visitors queued before dawn to see the restored murals in the great hall upstairs.",
        "The librarian said lending had already doubled compared with the months before closing.",
    ],
    [
        "Runner wins in the fog",
        "A local runner won the mountain marathon despite heavy rain and thick fog on the ridge.",
        "She finished four minutes ahead of last year's champion after a fast final descent.",
        "Organisers praised the volunteers who kept the checkpoints open through the storm.",
    ],
];

/// A news page of `host`: the site's chrome around story `n`.
fn page(host: &str, n: usize) -> String {
    let [headline, a, b, c] = STORIES[n % STORIES.len()];
    format!(
        "<!doctype html><html><head><title>{headline} | {host}</title>\
         <script>var tracking = 'no text';</script></head><body>\
         <div id=masthead><a href=/>{host} home</a></div>\
         <nav><ul><li><a href=/world>World</a><li><a href=/sport>Sport</a><li><a href=/arts>Arts</a></ul></nav>\
         <div class=content><h1>{headline}</h1>\
         <div class=story-body><p>{a}</p><p>{b}</p><p>{c}</p></div>\
         <div class=comments><p>What a lovely story, I grew up near there and remember it all very well.</p></div></div>\
         <form><input name=q> Sign up for the {host} newsletter today</form>\
         <div id=footer>Copyright {host} 2024 All rights reserved. Contact us</div></body></html>"
    )
}

fn annotations(text: &str) -> Vec<Annotation> {
    text.lines()
        .map(|l| serde_json::from_str(l).expect("annotation"))
        .collect()
}

#[test]
fn html_pages_are_read_cleaned_and_explained() {
    let corpus = tempfile::tempdir().expect("tempdir");
    let files: Vec<(String, String)> = (0..4)
        .map(|n| (format!("news/p{n}.html"), page("news.example", n)))
        .collect();
    write_texts(corpus.path(), &files);
    let out = tempfile::tempdir().expect("tempdir");
    let (raw, ann, clean) = scan_with_clean(corpus.path(), out.path());
    let report = parse_report(&raw);
    assert_eq!(report.summary.documents, 4);
    assert!(report.summary.boilerplate_spans > 0);
    let ann = annotations(&ann);
    let reasons: Vec<String> = ann[0]
        .spans
        .iter()
        .filter_map(|s| s.reason.map(|r| r.as_str().to_string()))
        .collect();
    for wanted in ["page title", "navigation", "comments", "form", "footer"] {
        assert!(
            reasons.iter().any(|r| r == wanted),
            "{wanted} in {reasons:?}"
        );
    }
    let text = std::fs::read_to_string(clean.join("news/p2.txt")).expect("clean copy as .txt");
    assert!(
        text.starts_with("Library reopens after repairs\n"),
        "{text}"
    );
    assert!(text.contains("restored murals in the great hall"));
    for gone in [
        "World",
        "newsletter",
        "Copyright",
        "lovely story",
        "tracking",
    ] {
        assert!(!text.contains(gone), "{gone} left in {text}");
    }
    let explained = neardup(
        out.path(),
        &[
            "explain",
            "news/p0.html",
            "news/p1.html",
            "--corpus",
            corpus.path().to_str().expect("utf-8"),
        ],
    );
    let said = stdout(&explained);
    assert!(explained.status.success(), "{said}");
    assert!(
        said.contains("boilerplate by the page's structure (left out): 1 (page title), 2-")
            && said.contains("(navigation)")
            && said.contains("(footer)"),
        "{said}"
    );
}

/// One WARC record, as crawlers write it.
fn record(kind: &str, uri: &str, block: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Record-ID: <urn:uuid:{}>\r\nContent-Type: application/http; msgtype={kind}\r\nContent-Length: {}\r\n\r\n",
        uri.len(),
        block.len()
    )
    .into_bytes();
    r.extend_from_slice(block);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

fn response(content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut r = format!("HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\n\r\n").into_bytes();
    r.extend_from_slice(body);
    r
}

#[test]
fn a_gzipped_warc_is_read_record_by_record() {
    let mut warc = Vec::new();
    let mut uris = Vec::new();
    for host in ["www.alpha.example", "beta.example:8080"] {
        for n in 0..4 {
            let uri = format!("https://{host}/story/{n}");
            warc.extend(gzip(&record("request", &uri, b"GET / HTTP/1.1\r\n\r\n")));
            let body = response("text/html; charset=utf-8", page(host, n).as_bytes());
            warc.extend(gzip(&record("response", &uri, &body)));
            uris.push(uri);
        }
    }
    let image = response("image/png", b"\x89PNG\r\n\x1a\n\0\0\0binary");
    warc.extend(gzip(&record(
        "response",
        "https://alpha.example/logo.png",
        &image,
    )));
    let corpus = tempfile::tempdir().expect("tempdir");
    write_tree(corpus.path(), &[("crawl/part-0.warc.gz", &warc)]);
    let out = tempfile::tempdir().expect("tempdir");
    let (raw, ann, clean) = scan_with_clean(corpus.path(), out.path());
    let report = parse_report(&raw);
    let ann = annotations(&ann);
    let ids: Vec<&str> = ann.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, uris);
    let sites: Vec<&str> = ann.iter().filter_map(|a| a.site.as_deref()).collect();
    assert_eq!(sites[..4], ["alpha.example"; 4]);
    assert_eq!(sites[4..], ["beta.example"; 4]);
    // the site chrome repeats on every page of a host: template lines on every page
    assert!(ann
        .iter()
        .all(|a| a.spans.iter().any(|s| s.kind == "template")));
    let reasons: Vec<String> = report
        .skipped
        .iter()
        .map(|s| s.reason.to_string())
        .collect();
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("not HTML or text (image/png)")),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.starts_with("8 WARC records not read")),
        "{reasons:?}"
    );
    let cleaned = std::fs::read_to_string(clean.join("crawl/part-0.warc.gz.jsonl")).expect("jsonl");
    // the same story on both hosts is one duplicate cluster: one copy of each is written
    assert_eq!(cleaned.lines().count(), 4);
    for line in cleaned.lines() {
        let record: serde_json::Value = serde_json::from_str(line).expect("json");
        let id = record["id"].as_str().expect("id");
        assert!(uris.iter().any(|u| u == id));
        let host = if id.contains("alpha") {
            "alpha.example"
        } else {
            "beta.example"
        };
        assert_eq!(record["site"], host);
        let text = record["text"].as_str().expect("text");
        assert!(
            text.lines().count() == 4 && !text.contains("Sport"),
            "{text}"
        );
    }
}

#[test]
fn pages_kept_in_the_spill_report_what_reading_them_again_reports() {
    // The spill keeps the extracted text of pages (no second parse for template texts);
    // --no-spill parses them again. Both must give the same report and annotations.
    let corpus = tempfile::tempdir().expect("tempdir");
    let mut files: Vec<(String, Vec<u8>)> = (0..4)
        .map(|n| {
            (
                format!("news/p{n}.html"),
                page("news.example", n).into_bytes(),
            )
        })
        .collect();
    let mut warc = Vec::new();
    for n in 0..4 {
        let uri = format!("https://other.example/story/{n}");
        let body = response("text/html", page("other.example", n + 1).as_bytes());
        warc.extend(gzip(&record("response", &uri, &body)));
    }
    files.push(("crawl/part-0.warc.gz".to_string(), warc));
    let refs: Vec<(&str, &[u8])> = files.iter().map(|(p, t)| (p.as_str(), &t[..])).collect();
    write_tree(corpus.path(), &refs);
    let spilled_dir = tempfile::tempdir().expect("tempdir");
    let reread_dir = tempfile::tempdir().expect("tempdir");
    let (spilled, spilled_ann, _) = scan_to(corpus.path(), spilled_dir.path(), &[]);
    let (reread, reread_ann, _) = scan_to(corpus.path(), reread_dir.path(), &["--no-spill"]);
    let report = parse_report(&spilled);
    assert!(
        report
            .template_blocks
            .iter()
            .any(|b| b.text.contains("All rights reserved")),
        "{spilled}"
    );
    assert_eq!(spilled, reread);
    assert_eq!(spilled_ann, reread_ann);
}

/// A page of `host` with heavy chrome (a long menu, a "most read" list of teasers, a long
/// footer) around story `n`.
fn heavy_page(host: &str, n: usize) -> String {
    let [headline, a, b, c] = STORIES[n % STORIES.len()];
    let menu: String = (0..30)
        .map(|i| format!("<li><a href=/s{i}>Section number {i}</a>"))
        .collect();
    let teasers: String = (0..10)
        .map(|i| {
            format!(
                "<li><a href=/t{i}>Most read story {i} of the week</a><p>A summary of the \
                 most read story number {i}, which readers of {host} shared widely this week.</p>"
            )
        })
        .collect();
    format!(
        "<!doctype html><html><head><title>{headline} | {host}</title></head><body>\
         <nav><ul>{menu}</ul></nav><article><h1>{headline}</h1><p>{a}</p><p>{b}</p><p>{c}</p></article>\
         <aside class=most-read><h2>Most read</h2><ul>{teasers}</ul></aside>\
         <footer><p>{host} is published by the {host} company, registered in the town, with \
         offices in five cities and a newsroom open day and night to readers who write in.</p></footer></body></html>"
    )
}

#[test]
fn pages_are_compared_on_their_articles_not_their_chrome() {
    // Two different stories on one small site (too few pages for templates) share a menu,
    // teasers and a footer that outweigh the stories: not copies. One story on two sites
    // with different chrome: copies.
    let corpus = tempfile::tempdir().expect("tempdir");
    let files = [
        ("one.example/a.html", heavy_page("one.example", 0)),
        ("one.example/b.html", heavy_page("one.example", 1)),
        ("two.example/a.html", heavy_page("two.example", 2)),
        ("three.example/a.html", page("three.example", 2)),
    ];
    let refs: Vec<(&str, &[u8])> = files.iter().map(|(p, t)| (*p, t.as_bytes())).collect();
    write_tree(corpus.path(), &refs);
    let out = tempfile::tempdir().expect("tempdir");
    let (raw, _, _) = scan_to(corpus.path(), out.path(), &[]);
    let report = parse_report(&raw);
    let clusters: Vec<Vec<&str>> = report
        .duplicate_clusters
        .iter()
        .map(|c| c.documents.iter().map(|d| d.id.as_str()).collect())
        .collect();
    assert_eq!(
        clusters,
        vec![vec!["three.example/a.html", "two.example/a.html"]],
        "{raw}"
    );
    // explain compares what the scan compares
    let root = corpus.path().to_str().expect("utf-8");
    for (a, b, verdict) in [
        ("one.example/a.html", "one.example/b.html", "not duplicates"),
        ("two.example/a.html", "three.example/a.html", "DUPLICATES"),
    ] {
        let explained = neardup(out.path(), &["explain", a, b, "--corpus", root]);
        let said = stdout(&explained);
        let line = said
            .lines()
            .find(|l| l.starts_with("verdict"))
            .unwrap_or("");
        assert!(line.contains(verdict), "{a} {b}: {line}");
    }
}

#[test]
fn a_headline_that_repeats_the_title_is_kept_in_the_clean_copy() {
    // The <title> goes as `page_title`; the <h1> that repeats it word for word is the one
    // copy kept, not a later `repeated` copy of a removed line.
    let headline = "Dead Boston Marathon bomber was an avid boxer";
    let page = format!(
        "<html><head><title>{headline}</title></head><body><h1>{headline}</h1>\
         <p>The older of the two brothers had trained at a boxing gym in the city for years, friends said.</p>\
         <p>He had hoped to fight for the national team before an injury ended his career early.</p></body></html>"
    );
    let corpus = tempfile::tempdir().expect("tempdir");
    write_tree(corpus.path(), &[("news/boston.html", page.as_bytes())]);
    let out = tempfile::tempdir().expect("tempdir");
    let (raw, _, clean) = scan_with_clean(corpus.path(), out.path());
    let text = std::fs::read_to_string(clean.join("news/boston.txt")).expect("clean copy");
    assert!(text.starts_with(&format!("{headline}\n")), "{text}\n{raw}");
    assert_eq!(text.matches(headline).count(), 1, "{text}");
}

#[test]
fn eval_gold_says_what_it_could_not_score() {
    // two copies of one story (one is dropped from the clean copy) and a third page
    let corpus = tempfile::tempdir().expect("tempdir");
    let gold = tempfile::tempdir().expect("tempdir");
    let pages = [
        ("a.example/one.html", page("a.example", 0)),
        ("b.example/one.html", page("b.example", 0)),
        ("a.example/two.html", page("a.example", 1)),
    ];
    let refs: Vec<(&str, &[u8])> = pages.iter().map(|(p, t)| (*p, t.as_bytes())).collect();
    write_tree(corpus.path(), &refs);
    let golds: Vec<(String, String)> = pages
        .iter()
        .zip([0, 0, 1])
        .map(|((p, _), n)| (p.replace(".html", ".txt"), STORIES[n][1..].join("\n")))
        .collect();
    write_texts(gold.path(), &golds);
    let (root, gold_root) = (
        corpus.path().to_str().expect("utf-8"),
        gold.path().to_str().expect("utf-8"),
    );
    let out = neardup(corpus.path(), &["eval", root, "--gold", gold_root]);
    let said = stdout(&out);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("1 gold page has no cleaned file"), "{said}");
    assert!(
        said.contains("1 of them was dropped as a near-duplicate"),
        "{said}"
    );
    // a gold folder one level off matches nothing: an error, not a score of 0
    let off = neardup(
        corpus.path(),
        &["eval", &format!("{root}/a.example"), "--gold", gold_root],
    );
    assert_eq!(off.status.code(), Some(2));
    assert!(stderr(&off).contains("must mirror the corpus"));
    // a missing gold folder is refused before the scan
    let missing = neardup(
        corpus.path(),
        &["eval", root, "--gold", "/nonexistent/gold"],
    );
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("is not a folder"));
}

#[test]
fn malformed_web_inputs_are_reported_not_fatal() {
    let good = record(
        "response",
        "http://a.example/1",
        &response("text/html", page("a.example", 1).as_bytes()),
    );
    let second = gzip(&record(
        "response",
        "http://a.example/2",
        &response("text/html", page("a.example", 2).as_bytes()),
    ));
    let mut truncated = gzip(&good);
    truncated.extend_from_slice(&second[..second.len() / 2]);
    let corpus = tempfile::tempdir().expect("tempdir");
    write_tree(
        corpus.path(),
        &[
            ("s/truncated.warc.gz", &truncated),
            ("s/short.warc", &good[..good.len() / 2]),
            ("s/garbage.warc", b"this is not an archive\r\n\r\n"),
            (
                "s/tags.html",
                b"<div><p>unclosed <b>tags</div></i></td><p>still read</html",
            ),
            (
                "s/wrong.html",
                b"<meta charset=utf-8><p>caf\xe9 in the old town</p>",
            ),
            ("s/none.htm", b"<p>na\xefve caf\xe9 without a charset</p>"),
            ("s/binary.html", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            (
                "s/empty.html",
                b"<html><head><script>x()</script></head><body> </body></html>",
            ),
        ],
    );
    let out = tempfile::tempdir().expect("tempdir");
    let (raw, ann, _) = scan_to(corpus.path(), out.path(), &[]);
    let report = parse_report(&raw);
    let reason = |path: &str| {
        report
            .skipped
            .iter()
            .find(|s| s.path == path)
            .map(|s| s.reason.to_string())
            .unwrap_or_default()
    };
    assert!(reason("s/truncated.warc.gz:2").starts_with("broken gzip stream"));
    assert_eq!(reason("s/short.warc:1"), "truncated WARC record");
    assert!(reason("s/garbage.warc:1").starts_with("malformed WARC"));
    assert_eq!(reason("s/binary.html"), "binary file (NUL bytes)");
    assert_eq!(reason("s/empty.html"), "empty document");
    let ann = annotations(&ann);
    let ids: Vec<&str> = ann.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "s/none.htm",
            "s/tags.html",
            "http://a.example/1",
            "s/wrong.html"
        ]
    );
    let lossy: Vec<&str> = ann
        .iter()
        .filter(|a| a.lossy_utf8)
        .map(|a| a.id.as_str())
        .collect();
    assert_eq!(lossy, ["s/none.htm", "s/wrong.html"]);
    assert_eq!(report.summary.lossy_utf8_documents, 2);
}

#[test]
fn a_parquet_file_scans_like_the_same_jsonl() {
    let mut rows = Vec::new();
    for (h, host) in ["alpha.example", "beta.example"].iter().enumerate() {
        for (n, story) in STORIES.iter().enumerate() {
            let text = format!(
                "{host} home | World | Sport | Arts\n{}\n\n{}\n{}\n{}\n\nCopyright {host} 2024 All rights reserved. Contact us\n",
                story[0], story[1], story[2], story[3]
            );
            let id = format!("{host}/{n}");
            let url = format!("https://{host}/story/{}", n + 10 * h);
            rows.push(vec![id, text, url]);
        }
    }
    let jsonl: String = rows
        .iter()
        .map(|r| serde_json::json!({"id": r[0], "text": r[1], "url": r[2]}).to_string() + "\n")
        .collect();
    let (a, b) = (
        tempfile::tempdir().expect("tempdir"),
        tempfile::tempdir().expect("tempdir"),
    );
    write_tree(a.path(), &[("shard/d.jsonl", jsonl.as_bytes())]);
    std::fs::create_dir_all(b.path().join("shard")).expect("mkdir");
    crate::support::write_parquet(
        &b.path().join("shard/d.parquet"),
        &["id", "text", "url"],
        &rows,
        2,
        parquet::basic::Compression::SNAPPY,
    );
    let scan = |dir: &std::path::Path| {
        let out = tempfile::tempdir().expect("tempdir");
        let clean = out.path().join("clean");
        let (raw, ann, _) = scan_to(
            dir,
            out.path(),
            &[
                "--site-field",
                "url",
                "--clean",
                clean.to_str().expect("utf-8"),
            ],
        );
        let report = parse_report(&raw);
        let cleaned = std::fs::read_dir(clean.join("shard"))
            .expect("clean copy")
            .count();
        (report, ann.replace("d.parquet", "d.jsonl"), cleaned)
    };
    let (ja, jann, jclean) = scan(a.path());
    let (pa, pann, pclean) = scan(b.path());
    assert_eq!(pann, jann);
    assert!(jann.contains("\"kind\":\"template\""));
    assert_eq!(pa.summary.documents, 8);
    assert_eq!(pa.template_blocks.len(), ja.template_blocks.len());
    assert_eq!((jclean, pclean), (1, 1));
}

#[test]
fn a_warc_cut_off_after_its_last_record_names_no_record_that_is_not_there() {
    let members: Vec<Vec<u8>> = (1..=2)
        .map(|n| {
            let body = response("text/html", page("a.example", n).as_bytes());
            gzip(&record("response", &format!("http://a.example/{n}"), &body))
        })
        .collect();
    let whole = members.concat();
    // cut inside the last member's gzip trailer: record 2 was read whole, its member is not
    let trailer_cut = &whole[..whole.len() - 4];
    // a third member cut after a few bytes: nothing of record 3 can be read
    let third = gzip(&record(
        "response",
        "http://a.example/3",
        b"HTTP/1.1 200 OK\r\n\r\n",
    ));
    let mut third_cut = whole.clone();
    third_cut.extend_from_slice(&third[..6]);
    // cut inside record 2's payload: record 2 itself is the entry
    let mut body_cut = members[0].clone();
    body_cut.extend_from_slice(&members[1][..members[1].len() / 2]);
    let corpus = tempfile::tempdir().expect("tempdir");
    write_tree(
        corpus.path(),
        &[
            ("s/trailer.warc.gz", trailer_cut),
            ("s/third.warc.gz", &third_cut),
            ("s/body.warc.gz", &body_cut),
        ],
    );
    let out = tempfile::tempdir().expect("tempdir");
    let (raw, ann, _) = scan_to(corpus.path(), out.path(), &[]);
    let report = parse_report(&raw);
    let skipped = crate::support::skipped_entries(&report);
    assert_eq!(skipped.len(), 3, "one entry per cut archive: {skipped:?}");
    let entry = |path: &str| {
        skipped
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, r)| r.as_str())
            .unwrap_or_else(|| panic!("no entry {path} in {skipped:?}"))
    };
    for file in ["s/trailer.warc.gz", "s/third.warc.gz"] {
        let reason = entry(file);
        assert!(
            reason.starts_with("broken gzip stream: ")
                && reason.ends_with("(the archive is cut off after record 2)"),
            "{file}: {reason}"
        );
    }
    assert!(entry("s/body.warc.gz:2").starts_with("broken gzip stream: "));
    assert!(
        !skipped.iter().any(|(p, _)| p.ends_with(":3")),
        "no record 3 in these archives: {skipped:?}"
    );
    // both records of the first two archives are documents, record 1 of the third
    let ids: Vec<String> = annotations(&ann).into_iter().map(|a| a.id).collect();
    assert_eq!(ids.len(), 5, "{ids:?}");
    assert_eq!(report.summary.skipped_by_reason["broken gzip stream"], 3);
}

/// `--site domain`: two hosts of one registrable domain in a WARC are one site, and so are a
/// folder named by a third host of it and a JSON Lines field holding a URL on a fourth; the
/// default keeps each host its own site; `--site none` gives the archive no site at all.
#[test]
fn hosts_of_one_domain_are_one_site_with_site_domain() {
    let mut warc = Vec::new();
    for (h, host) in ["news.example.co.uk", "www.sport.example.co.uk:8080"]
        .iter()
        .enumerate()
    {
        for n in 0..3 {
            let uri = format!("https://{host}/story/{n}");
            let body = response("text/html", page("example.co.uk", n + h).as_bytes());
            warc.extend(gzip(&record("response", &uri, &body)));
        }
    }
    let [_, a, b, c] = STORIES[3];
    let jsonl = serde_json::json!({"id": "feed-1", "url": "https://Weather.Example.co.uk/x",
        "text": format!("{a}\n\n{b}\n\n{c}")})
    .to_string();
    let html = page("example.co.uk", 2);
    write_tree_and_scan_sites(&warc, &html, &jsonl);
}

fn write_tree_and_scan_sites(warc: &[u8], html: &str, jsonl: &str) {
    let corpus = tempfile::tempdir().expect("tempdir");
    write_tree(
        corpus.path(),
        &[
            ("crawl/part-0.warc.gz", warc),
            ("Local.Example.co.uk/p.html", html.as_bytes()),
            ("feeds/f.jsonl", jsonl.as_bytes()),
        ],
    );
    let sites = |extra: &[&str]| {
        let out = tempfile::tempdir().expect("tempdir");
        let mut args = vec!["--site-field", "url"];
        args.extend_from_slice(extra);
        let (raw, ann, _) = scan_to(corpus.path(), out.path(), &args);
        let report = parse_report(&raw);
        let mut sites: Vec<Option<String>> =
            annotations(&ann).into_iter().map(|a| a.site).collect();
        sites.dedup();
        (report.summary.parameters.site, sites)
    };
    let s = |x: &str| Some(x.to_string());
    assert_eq!(
        sites(&[]),
        (
            "dir".to_string(),
            vec![
                s("Local.Example.co.uk"),
                s("news.example.co.uk"),
                s("sport.example.co.uk"),
                s("weather.example.co.uk")
            ]
        )
    );
    assert_eq!(
        sites(&["--site", "domain"]),
        ("domain".to_string(), vec![s("example.co.uk")])
    );
    // --site none makes the corpus one site: an archive's hosts too
    let out = tempfile::tempdir().expect("tempdir");
    let (raw, ann, _) = scan_to(corpus.path(), out.path(), &["--site", "none"]);
    assert!(annotations(&ann).iter().all(|a| a.site.is_none()), "{ann}");
    assert!(raw.contains("\"site\": \"none\""), "{raw}");
    let refused = neardup(
        out.path(),
        &[
            "scan",
            corpus.path().to_str().expect("utf-8"),
            "--site",
            "none",
            "--site-field",
            "url",
        ],
    );
    assert_eq!(refused.status.code(), Some(2));
    assert!(stderr(&refused).contains("leave one of them out"));
}

/// `explain` with plain paths reads each file through the scan's readers: a page as its
/// extracted text with its boilerplate marked, a gzipped file decompressed, one document of a
/// JSON Lines or WARC file named as `FILE#ID`; a file of several documents without an id is
/// refused with the ids it holds.
#[test]
fn explain_reads_files_as_the_scan_reads_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let uri = "https://news.example/story/1#top";
    let warc = gzip(&record(
        "response",
        uri,
        &response("text/html", page("news.example", 1).as_bytes()),
    ));
    let [_, a, b, c] = STORIES[1];
    let story = format!("{a}\n\n{b}\n\n{c}\n");
    let jsonl = [
        serde_json::json!({"id": "x", "text": story}).to_string(),
        serde_json::json!({"id": "y", "text": "something else entirely, not the story"})
            .to_string(),
    ]
    .join("\n");
    write_tree(
        dir.path(),
        &[
            ("p0.html", page("news.example", 1).as_bytes()),
            ("p1.html.gz", &gzip(page("other.example", 1).as_bytes())),
            ("story.txt.gz", &gzip(story.as_bytes())),
            ("feed.jsonl", jsonl.as_bytes()),
            ("crawl.warc.gz", &warc),
        ],
    );
    let explain = |a: &str, b: &str| {
        let out = neardup(dir.path(), &["explain", a, b]);
        let said = stdout(&out);
        let err = stderr(&out);
        (out.status.code(), said, err)
    };
    // two pages: their text, not their markup, with the boilerplate their structure shows
    let (code, said, _) = explain("p0.html", "p1.html.gz");
    assert_eq!(code, Some(0), "{said}");
    assert!(
        said.contains("boilerplate by the page's structure (left out): 1 (page title)"),
        "{said}"
    );
    assert!(
        !said.contains("<div") && !said.contains("tracking"),
        "{said}"
    );
    assert!(said.contains("DUPLICATES"), "{said}");
    // a gzipped text file and a JSON Lines document, by id and by line number
    let (code, said, err) = explain("story.txt.gz", "feed.jsonl#x");
    assert_eq!(code, Some(0), "{err}");
    assert!(said.contains("same normalised text"), "{said}");
    let (_, by_line, _) = explain("story.txt.gz", "feed.jsonl#1");
    assert_eq!(by_line, said.replace("feed.jsonl#x", "feed.jsonl#1"));
    // a WARC record by its URI, which holds a '#' itself
    let (code, said, err) = explain(&format!("crawl.warc.gz#{uri}"), "p0.html");
    assert_eq!(code, Some(0), "{err}");
    assert!(said.contains("same normalised text"), "{said}");
    assert!(
        said.contains(&format!("A: crawl.warc.gz#{uri} — ")),
        "{said}"
    );
    // several documents and no id; an id the file does not hold
    let (code, _, err) = explain("feed.jsonl", "p0.html");
    assert_eq!(code, Some(2));
    assert!(
        err.contains("'feed.jsonl' holds 2 documents (x, y): name one as 'feed.jsonl#ID'"),
        "{err}"
    );
    let (code, _, err) = explain("p0.html", "feed.jsonl#z");
    assert_eq!(code, Some(2));
    assert!(
        err.contains("no document 'z' in 'feed.jsonl', which holds 2 (x, y)"),
        "{err}"
    );
    let (code, _, err) = explain("p0.html", ".");
    assert_eq!(code, Some(2));
    assert!(err.contains("it is a folder"), "{err}");
}

/// Every file under `dir` with its bytes, by relative path.
fn tree_bytes(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("under dir");
            (
                rel.to_string_lossy().into_owned(),
                std::fs::read(e.path()).expect("read"),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn the_clean_copy_of_pages_is_written_from_the_scans_records() {
    use neardup::report::clean::{write_clean_corpus, CleanSource};
    let corpus = tempfile::tempdir().expect("tempdir");
    let mut files: Vec<(String, String)> = (0..4)
        .map(|n| (format!("news/p{n}.html"), page("news.example", n)))
        .collect();
    files.push(("news/p0-copy.html".to_string(), page("news.example", 0)));
    write_texts(corpus.path(), &files);
    let cfg = neardup::Config::new(corpus.path());
    let out = neardup::scan(&cfg).expect("scan");
    assert!(out.stored_texts.is_some(), "pages' texts are held");
    let copies = tempfile::tempdir().expect("tempdir");
    let [held, parsed, held_after, parsed_after] =
        ["held", "parsed", "held-after", "parsed-after"].map(|n| copies.path().join(n));
    let reread = CleanSource {
        stored: None,
        ..out.clean_source()
    };
    write_clean_corpus(&cfg, out.clean_source(), &held).expect("clean copy");
    write_clean_corpus(&cfg, reread, &parsed).expect("clean copy");
    assert_eq!(tree_bytes(&held), tree_bytes(&parsed));
    assert!(tree_bytes(&held).len() >= 4, "{:?}", tree_bytes(&held));
    // A page edited after the scan: the held text is the one the annotations were made
    // for, so the copy from the records does not change, while a copy made by reading the
    // pages again has to leave the edited page out.
    std::fs::write(corpus.path().join("news/p1.html"), page("news.example", 2)).expect("edit");
    let from_records = write_clean_corpus(&cfg, out.clean_source(), &held_after).expect("copy");
    let from_pages = write_clean_corpus(&cfg, reread, &parsed_after).expect("copy");
    assert_eq!(tree_bytes(&held_after), tree_bytes(&held));
    assert_eq!((from_records.changed, from_pages.changed), (0, 1));
}
