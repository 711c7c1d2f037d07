//! Reference pages whose items are anchored sections (issue 21): each item a block with an
//! `id`, a permalink to it, a source link and a signature whose type names are links, then its
//! docs. The signatures, source links and docs are the page's own text; a news page's link list
//! and related-stories box, and a table of contents that links into the page, still go.

use crate::support::{scan_with_clean, write_tree};

/// One item: its anchored block (source link, permalink, signature heading with linked type
/// names) and its doc paragraph.
fn item(id: &str, signature: &str, doc: &str) -> String {
    format!(
        "<div class=entry><div id={id} class=head><a class=src href=/src/lib.html>Source</a>\
         <a class=anchor href=#{id}>#</a><h4 class=sig>{signature}</h4></div>\
         <div class=doc><p>{doc}</p></div></div>"
    )
}

/// A made-up reference page: a description, then two sections of items (a type's operations
/// and the interfaces it implements, the last with a one-line doc).
fn reference_page() -> String {
    let ops = [
        item(
            "op-push",
            "operation <a href=/t/Queue.html>Queue</a>.push(<a href=/t/Item.html>Item</a>) returns <a href=/t/Ticket.html>Ticket</a>",
            "Appends an item at the back of the queue and hands back the ticket that later claims it.",
        ),
        item(
            "op-pop",
            "operation <a href=/t/Queue.html>Queue</a>.pop() returns <a href=/t/Item.html>Item</a>",
            "Takes the item at the front of the queue, waiting while the queue is empty and open.",
        ),
    ]
    .concat();
    let impls = [
        item(
            "impl-Ordered",
            "<a href=/t/Ordered.html>Ordered</a> for <a href=/t/Queue.html>Queue</a>",
            "Queues compare by the tickets of their front items, oldest first, then by their length.",
        ),
        item(
            "impl-Closable",
            "<a href=/t/Closable.html>Closable</a> for <a href=/t/Queue.html>Queue</a>",
            "Closing a queue wakes every waiting consumer and refuses any further pushes from producers.",
        ),
        // after the last paragraph, a doc too short to be prose
        item(
            "impl-Hashed",
            "<a href=/t/Hashed.html>Hashed</a> for <a href=/t/Queue.html>Queue</a>",
            "Hashes the items in order.",
        ),
    ]
    .concat();
    format!(
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>Queue - Reference</title></head>\
         <body><nav><a href=/>Index</a> <a href=/t/>Types</a> <a href=#op-push>push</a> <a href=#op-pop>pop</a></nav>\
         <div class=content><h1>Type Queue</h1>\
         <div class=doc><p>A first-in first-out queue shared between producer and consumer threads, bounded in length.</p></div>\
         <h2 id=ops>Operations</h2>{ops}<h2 id=impls>Interfaces</h2>{impls}</div>\
         <footer><a href=/about>About</a> <a href=/legal>Legal</a></footer></body></html>"
    )
}

/// A made-up reference page whose description is followed only by interfaces with one-line
/// docs: no item stands inside the article, their run carries it on.
fn marker_page() -> String {
    let impls: String = ["Copyable", "Printable", "Comparable"]
        .iter()
        .map(|name| {
            item(
                &format!("impl-{name}"),
                &format!("<a href=/t/{name}.html>{name}</a> for <a href=/t/Marker.html>Marker</a>"),
                &format!("Makes a marker {}.", name.to_lowercase()),
            )
        })
        .collect();
    format!(
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>Marker - Reference</title></head>\
         <body><nav><a href=/>Index</a> <a href=/t/>Types</a></nav>\
         <div class=content><h1>Type Marker</h1>\
         <div class=doc><p>A zero-sized marker that tags a queue as shared between several threads at once.</p></div>\
         <h2 id=impls>Interfaces</h2>{impls}</div>\
         <footer><a href=/about>About</a> <a href=/legal>Legal</a></footer></body></html>"
    )
}

/// A news story with a table of contents into itself, a list of other stories between its
/// paragraphs, and a box of teasers under it.
fn news_page() -> String {
    let teasers: String = ["Council votes on the new tram line", "Market hall reopens after works"]
        .iter()
        .enumerate()
        .map(|(i, t)| {
            format!("<div class=teaser id=t{i}><h3><a href=/story/{i}>{t}</a></h3><a href=/story/{i}#c>Comments</a></div>")
        })
        .collect();
    format!(
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>Bridge works begin | Daily</title></head>\
         <body><nav><a href=/>Home</a> <a href=/city>City</a></nav>\
         <div class=story><h1>Bridge works begin</h1>\
         <ul class=toc><li><a href=#plan>The plan</a></li><li><a href=#cost>The cost</a></li></ul>\
         <p id=plan>The city began building the second bridge over the river on Monday, the mayor said at the site.</p>\
         <ul class=more><li><a href=/a>Tram line vote delayed again</a></li><li><a href=/b>Old bridge to close in May</a></li></ul>\
         <p id=cost>The works will take two years and cost less than the council had feared when it approved the plan.</p>\
         <p>Residents of the old town have waited for a second crossing between the two banks for decades.</p></div>\
         <div class=more-news>{teasers}</div>\
         <footer><a href=/contact>Contact</a></footer></body></html>"
    )
}

#[test]
fn anchored_items_keep_their_signatures_and_source_links_and_link_lists_still_go() {
    let corpus = tempfile::tempdir().expect("tempdir");
    let (reference, marker, news) = (reference_page(), marker_page(), news_page());
    write_tree(
        corpus.path(),
        &[
            ("docs.example/queue.html", reference.as_bytes()),
            ("docs.example/marker.html", marker.as_bytes()),
            ("news.example/bridge.html", news.as_bytes()),
        ],
    );
    let out = tempfile::tempdir().expect("tempdir");
    let (_, _, clean) = scan_with_clean(corpus.path(), out.path());
    let read = |p: &str| std::fs::read_to_string(clean.join(p)).expect("a clean copy");
    let docs = read("docs.example/queue.txt");
    for wanted in [
        "A first-in first-out queue",
        "operation Queue.push(Item) returns Ticket",
        "Appends an item at the back",
        "operation Queue.pop() returns Item",
        "Ordered for Queue",
        "Closable for Queue",
        "Closing a queue wakes",
        "Hashed for Queue",
        "Hashes the items in order.",
    ] {
        assert!(docs.contains(wanted), "{wanted} in {docs}");
    }
    // the source links stand between the docs, as on the page
    assert!(
        docs.matches("Source").count() >= 3,
        "source links in {docs}"
    );
    for gone in ["Index", "About", "Queue - Reference"] {
        assert!(!docs.contains(gone), "{gone} in {docs}");
    }
    let marker = read("docs.example/marker.txt");
    for wanted in [
        "A zero-sized marker",
        "Copyable for Marker",
        "Makes a marker copyable.",
        "Comparable for Marker",
        "Makes a marker comparable.",
    ] {
        assert!(marker.contains(wanted), "{wanted} in {marker}");
    }
    let story = read("news.example/bridge.txt");
    for wanted in [
        "The city began building",
        "The works will take two years",
        "Residents of the old town",
    ] {
        assert!(story.contains(wanted), "{wanted} in {story}");
    }
    for gone in [
        "The plan",
        "Tram line vote delayed",
        "Old bridge to close",
        "Council votes on the new tram line",
        "Market hall reopens",
        "Comments",
    ] {
        assert!(!story.contains(gone), "{gone} in {story}");
    }
}

/// A made-up reference page whose own description is too short to be prose and whose
/// declaration is a code line: its sections of interfaces have one-line docs, and only the
/// last, general interface has a doc long enough to be prose, so the best-scored block is
/// deep in the sections. `(lang, (kind, name), description, interfaces with their docs, the
/// last interface's long doc)`; the headline, "{kind} {name}", is the title's.
fn deep_doc_page(
    lang: &str,
    (kind, name): (&str, &str),
    description: &str,
    interfaces: &[(&str, &str)],
    general: (&str, &str),
) -> String {
    let mut items: String = interfaces
        .iter()
        .map(|(interface, doc)| {
            item(
                &format!("impl-{interface}"),
                &format!("<a href=/t/{interface}.html>{interface}</a> for <a href=/t/{name}.html>{name}</a>"),
                doc,
            )
        })
        .collect();
    items.push_str(&item(
        &format!("impl-{}", general.0),
        &format!("<a href=/t/{0}.html>{0}</a> for T", general.0),
        general.1,
    ));
    format!(
        "<!doctype html><html lang={lang}><head><meta charset=utf-8><title>{kind} {name} - Reference</title></head>\
         <body><nav><a href=/>Index</a> <a href=/t/>Types</a></nav>\
         <div class=content><h1>{kind} {name}</h1><pre class=decl>record {name} {{ id: u16 }}</pre>\
         <div class=doc><p>{description}</p></div>\
         <h2 id=impls>Interfaces</h2>{items}</div>\
         <footer><a href=/about>About</a> <a href=/legal>Legal</a></footer></body></html>"
    )
}

#[test]
fn a_reference_page_keeps_the_sections_and_declaration_above_its_only_prose() {
    let en = deep_doc_page(
        "en",
        ("Type", "Entry"),
        "One entry of a table.",
        &[
            ("Copyable", "Copies the entry."),
            ("Printable", "Prints the entry's id."),
            ("Comparable", "Compares two entries by id."),
        ],
        (
            "Convertible",
            "Calls the conversion of the other type, which is whatever that type's own implementation chooses to do.",
        ),
    );
    let de = deep_doc_page(
        "de",
        ("Typ", "Eintrag"),
        "Ein Eintrag einer Tabelle.",
        &[
            ("Kopierbar", "Kopiert den Eintrag."),
            ("Druckbar", "Druckt die Nummer des Eintrags."),
            ("Vergleichbar", "Vergleicht zwei Einträge nach Nummer."),
        ],
        (
            "Umwandelbar",
            "Ruft die Umwandlung des anderen Typs auf, die genau das tut, was dessen eigene Umsetzung vorsieht.",
        ),
    );
    let corpus = tempfile::tempdir().expect("tempdir");
    write_tree(
        corpus.path(),
        &[
            ("docs.example/entry.html", en.as_bytes()),
            ("docs.example.de/eintrag.html", de.as_bytes()),
        ],
    );
    let out = tempfile::tempdir().expect("tempdir");
    let (_, _, clean) = scan_with_clean(corpus.path(), out.path());
    let read = |p: &str| std::fs::read_to_string(clean.join(p)).expect("a clean copy");
    let (entry, eintrag) = (
        read("docs.example/entry.txt"),
        read("docs.example.de/eintrag.txt"),
    );
    // the page's headline, declaration, short description and section heading above them too
    for wanted in [
        "Type Entry",
        "record Entry { id: u16 }",
        "One entry of a table.",
        "Interfaces",
        "Copyable for Entry",
        "Copies the entry.",
        "Printable for Entry",
        "Comparable for Entry",
        "Compares two entries by id.",
        "Calls the conversion of the other type",
    ] {
        assert!(entry.contains(wanted), "{wanted} in {entry}");
    }
    for wanted in [
        "Typ Eintrag",
        "record Eintrag { id: u16 }",
        "Ein Eintrag einer Tabelle.",
        "Kopierbar for Eintrag",
        "Kopiert den Eintrag.",
        "Vergleichbar for Eintrag",
        "Ruft die Umwandlung",
    ] {
        assert!(eintrag.contains(wanted), "{wanted} in {eintrag}");
    }
    for (text, gone) in [(&entry, "Index"), (&entry, "About"), (&eintrag, "Legal")] {
        assert!(!text.contains(gone), "{gone} in {text}");
    }
}

#[test]
fn a_code_sample_between_the_headline_and_the_story_is_kept_and_the_byline_still_goes() {
    let post = "<!doctype html><html lang=fr><head><meta charset=utf-8>\
        <title>Lire un fichier ligne par ligne | Blog</title></head>\
        <body><nav><a href=/>Accueil</a> <a href=/tags>Tags</a></nav>\
        <main><h1>Lire un fichier ligne par ligne</h1><div class=meta>Par Anne Petit, 3 mars</div>\
        <pre class=sample><code>for line in open(\"notes.txt\"): print(line)</code></pre>\
        <div class=body><p>Cette boucle lit le fichier une ligne à la fois, sans jamais le charger en entier dans la mémoire de la machine.</p>\
        <p>Elle convient donc aussi aux très gros fichiers de journaux que produisent les serveurs pendant des mois.</p></div></main>\
        <footer><a href=/contact>Contact</a></footer></body></html>";
    let corpus = tempfile::tempdir().expect("tempdir");
    write_tree(
        corpus.path(),
        &[("blog.example/lire.html", post.as_bytes())],
    );
    let out = tempfile::tempdir().expect("tempdir");
    let (_, _, clean) = scan_with_clean(corpus.path(), out.path());
    let text = std::fs::read_to_string(clean.join("blog.example/lire.txt")).expect("a clean copy");
    for wanted in [
        "Lire un fichier ligne par ligne",
        "open(\"notes.txt\")",
        "Cette boucle lit le fichier",
    ] {
        assert!(text.contains(wanted), "{wanted} in {text}");
    }
    for gone in ["Anne Petit", "Accueil", "Contact"] {
        assert!(!text.contains(gone), "{gone} in {text}");
    }
}

/// A made-up module page of a reference: a one-line description, a sentence every module
/// page of the crate repeats, then a self-anchored "Types" section listing its items with a
/// one-line description each.
fn module_page(
    lang: &str,
    module: &str,
    description: &str,
    shared: &str,
    items: &[(&str, &str)],
) -> String {
    let entries: String = items
        .iter()
        .map(|(name, doc)| format!("<dt><a href=type.{name}.html>{name}</a></dt><dd>{doc}</dd>"))
        .collect();
    format!(
        "<!doctype html><html lang={lang}><head><meta charset=utf-8><title>kit::{module} - Reference</title></head>\
         <body><nav><a href=/>Index</a> <a href=/kit/>kit</a></nav>\
         <section class=content><h1>Module {module}</h1>\
         <div class=doc><p>{description}</p><p>{shared}</p></div>\
         <h2 id=types>Types<a class=anchor href=#types>§</a></h2><dl class=items>{entries}</dl></section>\
         <footer><a href=/about>About</a></footer></body></html>"
    )
}

#[test]
fn module_pages_that_share_only_their_boilerplate_sentence_keep_their_item_lists_and_stay_apart() {
    let en = "You will rarely need to use this module directly unless you have to name one of the iterator types it holds.";
    let es = "Rara vez necesitará usar este módulo directamente, salvo que tenga que nombrar uno de los tipos de iterador que contiene.";
    let pages = [
        (
            "docs.example/kit/array.html",
            module_page(
                "en",
                "array",
                "Iterators over arrays.",
                en,
                &[("IntoIter", "Moves the values out of an array.")],
            ),
        ),
        (
            "docs.example/kit/result.html",
            module_page(
                "en",
                "result",
                "Iterators over results.",
                en,
                &[
                    ("IntoIter", "Iterates over the value of a result."),
                    (
                        "Iter",
                        "Iterates over a borrowed result, one reference at most.",
                    ),
                    ("IterMut", "Iterates over a mutably borrowed result."),
                ],
            ),
        ),
        (
            "docs.example.es/kit/array.html",
            module_page(
                "es",
                "array",
                "Iteradores sobre arreglos.",
                es,
                &[("IntoIter", "Saca los valores de un arreglo.")],
            ),
        ),
        (
            "docs.example.es/kit/result.html",
            module_page(
                "es",
                "result",
                "Iteradores sobre resultados.",
                es,
                &[
                    ("IntoIter", "Recorre el valor de un resultado."),
                    (
                        "Iter",
                        "Recorre un resultado prestado, con una referencia como mucho.",
                    ),
                    ("IterMut", "Recorre un resultado prestado de forma mutable."),
                ],
            ),
        ),
    ];
    let corpus = tempfile::tempdir().expect("tempdir");
    let files: Vec<(&str, &[u8])> = pages.iter().map(|(p, h)| (*p, h.as_bytes())).collect();
    write_tree(corpus.path(), &files);
    let out = tempfile::tempdir().expect("tempdir");
    let (_, _, clean) = scan_with_clean(corpus.path(), out.path());
    let read =
        |p: &str| std::fs::read_to_string(clean.join(p)).expect("a clean copy: no page is dropped");
    let result = read("docs.example/kit/result.txt");
    for wanted in [
        "Iterates over the value of a result.",
        "Iterates over a borrowed result",
        "Iterates over a mutably borrowed result.",
    ] {
        assert!(result.contains(wanted), "{wanted} in {result}");
    }
    assert!(read("docs.example/kit/array.txt").contains("Moves the values out of an array."));
    let resultado = read("docs.example.es/kit/result.txt");
    assert!(
        resultado.contains("Recorre un resultado prestado, con una referencia"),
        "{resultado}"
    );
    assert!(read("docs.example.es/kit/array.txt").contains("Saca los valores de un arreglo."));
}
