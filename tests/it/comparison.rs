//! What a document is compared on (issue 21), on small corpora built for each class of page
//! that documentation sites showed: text in scripts without spaces shingled by characters,
//! thin templated reference pages judged on their own words, stub pages, and short lists that
//! lie inside a large page. Each runs the real binary.

use std::path::Path;

use crate::support::{neardup, scan_to, stdout, write_tree};
use serde_json::Value;

/// The clusters of a report, each as its sorted member ids.
fn clusters(report: &str) -> Vec<Vec<String>> {
    let r: Value = serde_json::from_str(report).expect("report parses");
    let mut out: Vec<Vec<String>> = r["duplicate_clusters"]
        .as_array()
        .expect("clusters")
        .iter()
        .map(|c| {
            let mut ids: Vec<String> = c["documents"]
                .as_array()
                .expect("documents")
                .iter()
                .map(|m| m["id"].as_str().expect("id").to_string())
                .collect();
            ids.sort();
            ids
        })
        .collect();
    out.sort();
    out
}

fn summary_count(report: &str, field: &str) -> u64 {
    let r: Value = serde_json::from_str(report).expect("report parses");
    r["summary"][field].as_u64().expect("a count")
}

fn owned(files: &[(String, String)]) -> Vec<(&str, &[u8])> {
    files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_bytes()))
        .collect()
}

const CODE: &str = "```rust\nfn main() {\n    let numbers = vec![1, 2, 3, 4, 5];\n    let doubled: Vec<i32> = numbers.iter().map(|n| n * 2).collect();\n    println!(\"{:?}\", doubled);\n    let total: i32 = doubled.iter().sum();\n    println!(\"total is {}\", total);\n}\n```\n";

const ZH_OWNERSHIP: &str = "所有权是这门语言最独特的功能，它让程序在没有垃圾回收器的情况下保证内存安全。每一个值都有一个被称为其所有者的变量，值在任一时刻有且只有一个所有者。当所有者离开作用域，这个值将被丢弃。理解所有权如何工作，是学习这门语言的第一步，也是最重要的一步。";
const ZH_LIFETIME: &str = "生命周期是引用保持有效的作用域。大多数时候生命周期是隐含并可以推断的，正如大部分时候类型也是可以推断的一样。当引用的生命周期以一些不同方式相关联时，就需要我们使用泛型生命周期参数来注明它们的关系，这样就能确保运行时实际使用的引用绝对是有效的。";
const JA_OWNERSHIP: &str = "所有権はこの言語の最もユニークな機能であり、ガベージコレクタなしでメモリ安全性を保証することを可能にします。それぞれの値は所有者と呼ばれる変数を持ち、いかなる時も所有者は一つです。所有者がスコープから外れたら、値は破棄されます。";

/// Chinese and Japanese chapters sharing one code sample: each chapter's prose is compared
/// character by character, so chapters on different subjects, and a Chinese and a Japanese
/// page on the same one, are not joined on the code they share; two versions of one chapter,
/// a character apart, are.
#[test]
fn scripts_without_spaces_are_shingled_by_characters() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = dir.path().join("books");
    let edited = ZH_OWNERSHIP.replacen("第一步", "第1步", 1);
    let files = [
        (
            "zh/ownership.txt".to_string(),
            format!("所有权\n\n{ZH_OWNERSHIP}\n\n{CODE}"),
        ),
        (
            "zh/lifetimes.txt".to_string(),
            format!("生命周期\n\n{ZH_LIFETIME}\n\n{CODE}"),
        ),
        (
            "ja/ownership.txt".to_string(),
            format!("所有権\n\n{JA_OWNERSHIP}\n\n{CODE}"),
        ),
        (
            "zh-v2/ownership.txt".to_string(),
            format!("所有权\n\n{edited}\n\n{CODE}"),
        ),
    ];
    write_tree(&corpus, &owned(&files));
    let (report, _, _) = scan_to(&corpus, dir.path(), &[]);
    assert_eq!(
        clusters(&report),
        [["zh-v2/ownership.txt", "zh/ownership.txt"]],
        "{report}"
    );
    // explain says how each was shingled
    let out = neardup(
        dir.path(),
        &[
            "explain",
            "books/zh/ownership.txt",
            "books/ja/ownership.txt",
        ],
    );
    let said = stdout(&out);
    assert!(
        said.contains("shingled by characters in scripts without spaces, by words elsewhere"),
        "{said}"
    );
    assert!(said.contains("not duplicates"), "{said}");
    let prose_only = dir.path().join("prose.txt");
    std::fs::write(&prose_only, ZH_LIFETIME).expect("write");
    let out = neardup(
        dir.path(),
        &["explain", "prose.txt", "books/zh/lifetimes.txt"],
    );
    let said = stdout(&out);
    assert!(
        said.contains("shingled by characters (a script without spaces)"),
        "{said}"
    );
}

/// An English page, a Chinese and a Japanese one, each mostly prose: `--shingle chars` still
/// compares characters as written, without the spaces normalisation puts between Chinese
/// characters.
#[test]
fn shingle_chars_still_works() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = dir.path().join("c");
    let files = [
        ("a/zh.txt".to_string(), ZH_OWNERSHIP.to_string()),
        ("b/zh.txt".to_string(), ZH_OWNERSHIP.replacen("第一步", "第1步", 1)),
        ("a/ja.txt".to_string(), JA_OWNERSHIP.to_string()),
        (
            "a/en.txt".to_string(),
            "Ownership is the most unique feature of the language and lets programs guarantee memory safety without a garbage collector.".to_string(),
        ),
    ];
    write_tree(&corpus, &owned(&files));
    let (report, _, _) = scan_to(&corpus, dir.path(), &["--shingle", "chars", "--ngram", "5"]);
    assert_eq!(clusters(&report), [["a/zh.txt", "b/zh.txt"]], "{report}");
}

/// A reference site in two versions (folders `v1/`, `v2/`): constant pages that hold only a
/// signature, and struct pages with one line of docs above the same long blanket-impl list as
/// twenty-nine other pages (frequent, but on a third of the site's pages, so no chrome). No
/// page is joined on the list; each page is joined to its own copy in the other version, the
/// thin constant pages too.
#[test]
fn thin_reference_pages_are_judged_on_their_own_words() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = dir.path().join("site");
    let blanket: String = [
        "Blanket Implementations",
        "impl<T> Any for T where T: 'static + ?Sized",
        "fn type_id(&self) -> TypeId",
        "Gets the TypeId of self. Read more",
        "impl<T> Borrow<T> for T where T: ?Sized",
        "fn borrow(&self) -> &T",
        "Immutably borrows from an owned value. Read more",
        "impl<T> BorrowMut<T> for T where T: ?Sized",
        "fn borrow_mut(&mut self) -> &mut T",
        "Mutably borrows from an owned value. Read more",
        "impl<T> From<T> for T",
        "fn from(t: T) -> T",
        "Returns the argument unchanged.",
        "impl<T, U> Into<U> for T where U: From<T>",
        "fn into(self) -> U",
        "Calls U::from(self). That is, this conversion is whatever the implementation of From<T> for U chooses to do.",
        "impl<T, U> TryFrom<U> for T where U: Into<T>",
        "type Error = Infallible",
        "The type returned in the event of a conversion error.",
    ]
    .join("\n");
    let nouns = [
        "buffer",
        "cursor",
        "token",
        "stream",
        "parser",
        "lexer",
        "span",
        "literal",
        "path",
        "type",
        "field",
        "variant",
        "block",
        "item",
        "macro",
        "pattern",
        "expression",
        "statement",
        "attribute",
        "generic",
        "lifetime",
        "bound",
        "clause",
        "signature",
        "receiver",
        "argument",
        "visibility",
        "module",
        "crate",
        "trait",
    ];
    // Names without digits: a unit's key folds digits, and `S1`, `S2` would be one line.
    let mut files: Vec<(String, String)> = Vec::new();
    // The versions differ in their chrome (the version number), so no page is an exact copy.
    for (version, number) in [("v1", "1.9.6"), ("v2", "1.11.1")] {
        let chrome = format!("mylib {number} | docs | search | settings | help");
        for (i, noun) in nouns.iter().enumerate() {
            let name = noun.to_uppercase();
            files.push((
                format!("{version}/constant.{name}_LIMIT.txt"),
                format!(
                    "{chrome}\nConstant {name}_LIMIT\npub const {name}_LIMIT: u32 = {};\n",
                    i * 7 + 3
                ),
            ));
            let mut chars = noun.chars();
            let first = chars.next().map(|c| c.to_ascii_uppercase()).unwrap_or('X');
            let name = format!("{first}{}", chars.as_str());
            files.push((
                format!("{version}/struct.{name}.txt"),
                format!(
                    "{chrome}\nStruct {name}\npub struct {name} {{ /* private fields */ }}\nA {noun} of the syntax tree.\n{blanket}\n"
                ),
            ));
        }
        // pages of another kind, so that the list is on under half of the site's pages
        for (i, noun) in nouns.iter().enumerate() {
            files.push((
                format!("{version}/fn.make_{noun}.txt"),
                format!(
                    "{chrome}\nFunction make_{noun}\npub fn make_{noun}(len: usize) -> {noun}\nBuilds a {noun} of the given length, number {i}.\n"
                ),
            ));
        }
    }
    write_tree(&corpus, &owned(&files));
    let (report, _, _) = scan_to(&corpus, dir.path(), &[]);
    assert_only_version_pairs(&clusters(&report), 90);
    // every page is thin: compared on its own words
    let thin = summary_count(&report, "documents_judged_outside_chrome")
        + summary_count(&report, "documents_compared_whole");
    assert_eq!(thin, 180, "{report}");
}

/// Two crates each document the same item names (`Iter`, `Drain`, …) above the long docs of the
/// trait their items implement, a parallel one in one crate, a sequential one in the other. The
/// trait docs are on many pages, so each page is compared on its own lines: its signature and
/// the auto-trait lines built from its name, which two namesakes share. Those pages are narrow
/// (their own lines a small part of their text) and the rest of their text differs: namesakes
/// are kept apart, and each page still joins its copy in the other version.
#[test]
fn namesake_reference_pages_are_kept_apart_by_the_rest_of_their_text() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = dir.path().join("docs");
    let names = [
        "Iter", "Drain", "IntoIter", "Chunks", "Windows", "Split", "Lines", "Bytes", "Chars",
        "Keys", "Values", "Range",
    ];
    let methods = |kind: &str, version: usize| -> String {
        (0..40)
            .map(|m| {
                let changed = if version == 2 && m == 7 {
                    " (changed in 2.0)"
                } else {
                    ""
                };
                let doc = match kind {
                    "parallel" => format!(
                        "Splits step {m} across the thread pool and joins what the workers return"
                    ),
                    _ => format!(
                        "Advances the cursor by step {m} and hands back the next value it holds"
                    ),
                };
                format!("fn {kind}_method_{m}(self) -> Output{m}\n{doc}{changed}.")
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let mut files: Vec<(String, String)> = Vec::new();
    for version in [1, 2] {
        let chrome = format!("docs {version}.0 | crates | search | settings | help");
        for (krate, kind) in [("par", "parallel"), ("seq", "sequential")] {
            let bulk = methods(kind, version);
            for name in names {
                let autos: String = [
                    "Freeze",
                    "RefUnwindSafe",
                    "Send",
                    "Sync",
                    "Unpin",
                    "UnwindSafe",
                ]
                .iter()
                .map(|t| format!("impl<'a, T> {t} for {name}<'a, T>"))
                .collect::<Vec<_>>()
                .join("\n");
                files.push((
                    format!("v{version}/{krate}/struct.{name}.txt"),
                    format!(
                        "{chrome}\nStruct {krate}::{name}\npub struct {name}<'a, T> {{ /* private fields */ }}\nA {kind} {name} of a collection.\n{autos}\n{bulk}\n"
                    ),
                ));
            }
            // pages of another kind, so that the trait docs are on under half of the site
            for (i, name) in names.iter().enumerate() {
                files.push((
                    format!("v{version}/{krate}/fn.make_{i}.txt"),
                    format!(
                        "{chrome}\nFunction {krate}::make_{i}\npub fn make_{i}(len: usize) -> {name}\nBuilds a {kind} {name} of the given length, number {i} of the {krate} crate.\n"
                    ),
                ));
            }
        }
    }
    write_tree(&corpus, &owned(&files));
    let (report, _, _) = scan_to(&corpus, dir.path(), &[]);
    assert_only_version_pairs(&clusters(&report), 48);
    assert_eq!(summary_count(&report, "documents_narrow"), 48, "{report}");
    assert!(
        summary_count(&report, "pairs_kept_apart_by_bulk") > 0,
        "{report}"
    );
    let out = neardup(
        dir.path(),
        &[
            "explain",
            "--corpus",
            "docs",
            "v1/par/struct.Iter.txt",
            "v1/seq/struct.Iter.txt",
        ],
    );
    let said = stdout(&out);
    assert!(said.contains("kept apart"), "{said}");
    assert!(said.contains("not duplicates"), "{said}");
}

/// A guide whose stub chapters are a heading and a one-word body under a long navigation:
/// judged on what they have, never on the navigation, none is joined to another.
#[test]
fn stub_pages_are_not_judged_on_chrome() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = dir.path().join("guide");
    let nav: String = (1..=15)
        .map(|i| format!("{i}. Chapter {i} of the guide"))
        .collect::<Vec<_>>()
        .join("\n");
    let files: Vec<(String, String)> = (1..=15)
        .map(|i| {
            (
                format!("book/chapter{i}.txt"),
                format!("{nav}\n\nChapter {i}\n\nTODO\n"),
            )
        })
        .collect();
    write_tree(&corpus, &owned(&files));
    let (report, _, _) = scan_to(&corpus, dir.path(), &[]);
    assert!(clusters(&report).is_empty(), "{report}");
    assert_eq!(summary_count(&report, "documents_compared_whole"), 15);
    let out = neardup(
        dir.path(),
        &[
            "explain",
            "--corpus",
            "guide",
            "book/chapter1.txt",
            "book/chapter2.txt",
        ],
    );
    let said = stdout(&out);
    assert!(said.contains("compared whole"), "{said}");
    assert!(said.contains("not duplicates"), "{said}");
}

/// A contents page that is a short list lies inside the long page that holds the same list
/// (a book's print page): too few shingles for containment, it is not joined; a story cut to
/// its first paragraphs still joins the whole story by containment.
#[test]
fn a_short_list_does_not_join_a_large_page_by_containment() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = dir.path().join("c");
    let list = "Getting started\nInstallation\nConfiguration\nRunning a build\nTesting\nDeployment";
    let story: Vec<String> = (0..12)
        .map(|p| {
            format!(
                "Paragraph {p} of the long story tells how the harbour bridge vote went, who spoke for it and against it, and what the council decided about the cost of the {p} plans."
            )
        })
        .collect();
    let files = [
        (
            "book/contents.txt".to_string(),
            format!("Contents\n{list}\n"),
        ),
        (
            "print/all.txt".to_string(),
            format!("The whole book\n\n{list}\n\n{}\n", story.join("\n\n")),
        ),
        ("news/story.txt".to_string(), story.join("\n\n")),
        ("wire/story-cut.txt".to_string(), story[..6].join("\n\n")),
    ];
    write_tree(&corpus, &owned(&files));
    let (report, _, _) = scan_to(&corpus, dir.path(), &[]);
    let found = clusters(&report);
    assert!(
        !found.iter().flatten().any(|id| id == "book/contents.txt"),
        "{report}"
    );
    assert!(
        found
            .iter()
            .any(|c| c.contains(&"wire/story-cut.txt".to_string())),
        "{report}"
    );
    // it does lie inside the print page: only the minimum keeps it out
    let explain = |extra: &[&str]| {
        let mut args = vec!["explain", "c/book/contents.txt", "c/print/all.txt"];
        args.extend_from_slice(extra);
        String::from_utf8_lossy(&neardup(dir.path(), &args).stdout).into_owned()
    };
    let said = explain(&[]);
    assert!(said.contains("not duplicates"), "{said}");
    let said = explain(&["--containment-min-shingles", "0"]);
    assert!(
        said.contains("DUPLICATES (the shorter lies inside the longer"),
        "{said}"
    );
}

#[test]
fn the_flags_are_in_the_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = dir.path().join("c");
    write_tree(&corpus, &[("a.txt", b"one two three four five six")]);
    let (report, _, _) = scan_to(
        &corpus,
        dir.path(),
        &["--frequent-docs", "25", "--containment-min-shingles", "12"],
    );
    let r: Value = serde_json::from_str(&report).expect("report parses");
    let p = &r["summary"]["parameters"];
    assert_eq!(p["frequent_docs"], 25);
    assert_eq!(p["containment_min_shingles"], 12);
    assert!(Path::new(&corpus).is_dir());
}

/// Every cluster of `found` is a page of `v1/` and the same page of `v2/`, and there are
/// `pages` of them.
fn assert_only_version_pairs(found: &[Vec<String>], pages: usize) {
    for c in found {
        assert_eq!(c.len(), 2, "a cluster of other pages: {c:?}");
        assert_eq!(c[0].replacen("v1/", "v2/", 1), c[1], "{c:?}");
    }
    assert_eq!(
        found.len(),
        pages,
        "every page joined to its copy: {found:?}"
    );
}
