//! The HTML reader on arbitrary bytes and on pages built the way sites build them (navigation,
//! article, footer, scripts, entities, charsets, deep nesting), then damaged. Whatever the
//! input: no panic; the page is one document or one skip entry with its reason; the text is
//! never empty and bounded by the input's size and by `--max-bytes`.

use neardup::internals::read_bytes;
use neardup::{Compression, Config, Format};
use proptest::prelude::*;

use super::broken;
use crate::support::gzip;

/// Small limits, so that the bounds are reached by small inputs.
const MAX_BYTES: u64 = 4096;

/// A byte of input decodes to at most 3 bytes of UTF-8 (U+FFFD, a windows-1252 letter);
/// extraction adds at most a line end per element.
const GROWTH: u64 = 3;

fn options() -> neardup::config::InputOptions {
    let mut cfg = Config::new(".");
    cfg.input.max_bytes = MAX_BYTES;
    cfg.input
}

/// Reads `bytes` as one HTML page and checks what the reader promises. `plain` is the page's
/// size with compression undone, when it is known.
fn check(
    bytes: Vec<u8>,
    compression: Compression,
    plain: Option<u64>,
) -> Result<(), TestCaseError> {
    let mut docs = Vec::new();
    let outcome = read_bytes(bytes, Format::Html, compression, &options(), |d| {
        docs.push(d)
    });
    prop_assert_eq!(
        docs.len() + outcome.skipped.len(),
        1,
        "a page is one document or one skip entry: {:?}",
        outcome.skipped
    );
    for s in &outcome.skipped {
        prop_assert!(
            !s.reason.to_string().trim().is_empty(),
            "a skip without a reason"
        );
    }
    for d in &docs {
        prop_assert!(!d.text.trim().is_empty(), "an empty document was emitted");
        prop_assert!(
            d.text.len() as u64 <= GROWTH * MAX_BYTES,
            "{} bytes",
            d.text.len()
        );
        if let Some(plain) = plain {
            prop_assert!(
                d.text.len() as u64 <= GROWTH * plain,
                "{} bytes of text from {plain} bytes of page",
                d.text.len()
            );
        }
    }
    Ok(())
}

/// Words of several scripts, entities and characters that need care.
fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z]{1,10}",
        "[A-Z][a-z]{0,8}",
        Just("café".to_string()),
        Just("日本語の記事".to_string()),
        Just("ข่าววันนี้".to_string()),
        Just("&amp;".to_string()),
        Just("&#x1F600;".to_string()),
        Just("&nbsp;".to_string()),
        Just("&NotNestedGreaterGreater;".to_string()),
        Just("soft\u{ad}hyphen".to_string()),
        Just("&#0;".to_string()),
    ]
}

fn sentence() -> impl Strategy<Value = String> {
    prop::collection::vec(word(), 1..30).prop_map(|w| w.join(" "))
}

/// A part of a page's body.
fn block() -> impl Strategy<Value = String> {
    prop_oneof![
        sentence().prop_map(|s| format!("<p>{s}</p>")),
        sentence().prop_map(|s| format!("<h2>{s}</h2>")),
        prop::collection::vec("[a-z]{1,8}", 1..8).prop_map(|links| {
            let items: Vec<String> = links
                .iter()
                .map(|l| format!("<li><a href=\"/{l}\">{l}</a></li>"))
                .collect();
            format!("<nav><ul>{}</ul></nav>", items.join(""))
        }),
        sentence().prop_map(|s| format!("<footer>© 2024 {s}</footer>")),
        sentence().prop_map(|s| format!("<script>var x = \"</p>{s}\";</script>")),
        sentence().prop_map(|s| format!("<style>p {{ color: red }} /* {s} */</style>")),
        sentence().prop_map(|s| format!("<!-- {s} -->")),
        sentence().prop_map(|s| format!("<div hidden>{s}</div><noscript>{s}</noscript>")),
        sentence().prop_map(|s| format!("<svg><title>{s}</title><text>{s}</text></svg>")),
        sentence().prop_map(|s| format!("<table><tr><td>{s}</td><td>1</td></tr></table>")),
        (1usize..700, sentence()).prop_map(|(depth, s)| format!(
            "{}{s}{}",
            "<div>".repeat(depth),
            "</div>".repeat(depth / 2)
        )),
        sentence().prop_map(|s| format!("<ruby>{s}<rt>ふりがな</rt></ruby>")),
    ]
}

/// A page as sites write them: a charset, a title, blocks.
fn page() -> impl Strategy<Value = Vec<u8>> {
    (
        prop_oneof![
            Just(""),
            Just("<meta charset=\"utf-8\">"),
            Just("<meta charset=\"windows-1252\">"),
            Just("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=shift_jis\">"),
            Just("<meta charset=\"utf-16\">"),
        ],
        sentence(),
        prop::collection::vec(block(), 0..12),
        any::<bool>(),
    )
        .prop_map(|(charset, title, blocks, article)| {
            let body = blocks.join("\n");
            let body = if article {
                format!("<article>{body}</article>")
            } else {
                body
            };
            format!(
                "<!DOCTYPE html><html><head>{charset}<title>{title}</title></head><body>{body}</body></html>"
            )
            .into_bytes()
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn html_reader_holds_on_damaged_pages(
        page in page(), gzipped in any::<bool>(), cut in any::<usize>(), flip in any::<usize>(),
        splice in prop::collection::vec(any::<u8>(), 0..16), how in any::<u8>(),
    ) {
        if gzipped {
            // the damage lands in the compressed stream: its size undone is not known
            check(broken(gzip(&page), cut, flip, splice, how), Compression::Gzip, None)?;
        } else {
            let damaged = broken(page, cut, flip, splice, how);
            let plain = damaged.len() as u64;
            check(damaged, Compression::None, Some(plain))?;
        }
    }

    #[test]
    fn html_reader_holds_on_random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..1024)) {
        let plain = bytes.len() as u64;
        check(bytes, Compression::None, Some(plain))?;
    }

    #[test]
    fn html_reader_holds_on_markup_soup(
        parts in prop::collection::vec(
            prop_oneof![
                Just("<".to_string()), Just(">".to_string()), Just("</".to_string()),
                Just("<p>".to_string()), Just("<script>".to_string()), Just("</script>".to_string()),
                Just("<![CDATA[".to_string()), Just("<svg>".to_string()), Just("<math>".to_string()),
                Just("<title>".to_string()), Just("&".to_string()), Just("&#".to_string()),
                Just("\"".to_string()), Just("=".to_string()), Just("<!--".to_string()),
                "[a-z ]{0,12}",
            ],
            0..200,
        ),
    ) {
        let page = parts.concat().into_bytes();
        let plain = page.len() as u64;
        check(page, Compression::None, Some(plain))?;
    }
}

/// A page past `--max-bytes` is one skip entry, not a document cut short.
#[test]
fn a_page_past_the_limit_is_skipped_with_its_reason() {
    let page = format!("<p>{}</p>", "word ".repeat(MAX_BYTES as usize));
    let mut docs = 0;
    let outcome = read_bytes(
        page.into_bytes(),
        Format::Html,
        Compression::None,
        &options(),
        |_| docs += 1,
    );
    assert_eq!(docs, 0);
    assert_eq!(outcome.skipped.len(), 1, "{:?}", outcome.skipped);
}
