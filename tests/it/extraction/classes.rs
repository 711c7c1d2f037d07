//! Article extraction on single pages of unknown sites, one class of failure per page, in
//! several languages (issue 22, and the extraction classes of issue 21): the real binary
//! scans pages written here, each alone on its site, and the clean copy must keep the
//! article and lose what a reader never sees.

use crate::support::{scan_with_clean, write_tree};

/// A page: `<title>`, a navigation bar, then `body` and a footer.
fn page(lang: &str, title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang={lang}><head><meta charset=utf-8><title>{title} | Site</title></head>\
         <body><nav><a href=/>Home</a> <a href=/a>A</a> <a href=/b>B</a></nav>{body}\
         <footer><a href=/c>Contact</a> <a href=/p>Privacy</a></footer></body></html>"
    )
}

/// Scans `pages` (one site each) and returns each page's clean copy.
fn cleaned(pages: &[(&str, String)]) -> Vec<String> {
    let corpus = tempfile::tempdir().expect("tempdir");
    let files: Vec<(String, &[u8])> = pages
        .iter()
        .map(|(site, html)| (format!("{site}/page.html"), html.as_bytes()))
        .collect();
    let refs: Vec<(&str, &[u8])> = files.iter().map(|(p, b)| (p.as_str(), *b)).collect();
    write_tree(corpus.path(), &refs);
    let out = tempfile::tempdir().expect("tempdir");
    let (_, _, clean) = scan_with_clean(corpus.path(), out.path());
    pages
        .iter()
        .map(|(site, _)| {
            std::fs::read_to_string(clean.join(site).join("page.txt")).expect("a clean copy")
        })
        .collect()
}

#[test]
fn text_that_never_reached_the_page_does() {
    let svg = page(
        "de",
        "Neue Brücke",
        "<article><h1>Neue Brücke über den Fluss</h1>\
         <p>Die Stadt hat am Montag mit dem Bau der neuen Brücke über den Fluss begonnen, sagte der Bürgermeister.</p>\
         <a href=/share><svg viewBox='0 0 8 8'><title/><path d='M0 0h8v8z'/></svg></a>\
         <p>Die Arbeiten sollen zwei Jahre dauern und den Verkehr in der Altstadt deutlich entlasten.</p>\
         <p>Anwohner hatten jahrelang auf eine zweite Verbindung zwischen den beiden Ufern gewartet.</p></article>",
    );
    let noscript = page(
        "fr",
        "Le marché rouvre",
        "<div id=app></div><noscript><article><h1>Le marché couvert rouvre ses portes</h1>\
         <p>Après deux ans de travaux, le marché couvert du centre-ville a rouvert ses portes samedi matin.</p>\
         <p>Les commerçants se disent soulagés de retrouver leurs clients et leurs étals rénovés.</p>\
         <p>La mairie prévoit une fête de quartier pour célébrer la réouverture le mois prochain.</p>\
         <p>Les horaires restent les mêmes qu'avant les travaux, du mardi au dimanche de sept heures à midi.</p>\
         <p>Un nouveau parking à vélos a été installé devant l'entrée principale, à la demande des habitants.</p>\
         <p>Les producteurs locaux occupent désormais la moitié des emplacements, contre un tiers auparavant.</p></article></noscript>",
    );
    let ruby = page(
        "ja",
        "漢字の読み方",
        "<article><h1>漢字の読み方を学ぶ</h1>\
         <p><ruby>漢<rp>(</rp><rt>かん</rt><rp>)</rp>字<rt>じ</rt></ruby>の読み方は、小学校で少しずつ学びますが、大人になっても難しい言葉がたくさんあります。</p>\
         <p>新聞や本には<ruby>振<rt>ふ</rt>仮<rt>が</rt>名<rt>な</rt></ruby>が付いていないことが多いので、辞書を使って調べる習慣が大切です。</p></article>",
    );
    let soft = page(
        "de",
        "Donaudampfschifffahrt",
        "<article><h1>Die Donau\u{ad}dampf\u{ad}schiff\u{ad}fahrt feiert Jubiläum</h1>\
         <p>Die Donau\u{ad}dampf\u{ad}schiff\u{ad}fahrts\u{ad}gesellschaft wurde vor fast zweihundert Jahren in Wien gegründet, berichtet die Zeitung.</p>\
         <p>Zum Jubila\u{308}um fahren im Sommer wieder historische Schiffe zwischen Wien und Budapest auf dem Fluss.</p></article>",
    );
    let texts = cleaned(&[
        ("svg.de", svg),
        ("app.fr", noscript),
        ("ruby.jp", ruby),
        ("soft.de", soft),
    ]);
    assert!(
        texts[0].contains("Anwohner hatten jahrelang"),
        "{}",
        texts[0]
    );
    assert!(
        texts[1].contains("Les commerçants se disent"),
        "{}",
        texts[1]
    );
    assert!(texts[2].contains("漢字の読み方は"), "{}", texts[2]);
    assert!(texts[2].contains("振仮名が付いて"), "{}", texts[2]);
    assert!(!texts[2].contains("かん"), "{}", texts[2]);
    assert!(
        texts[3].contains("Donaudampfschifffahrtsgesellschaft"),
        "{}",
        texts[3]
    );
    assert!(texts[3].contains("Zum Jubiläum"), "composed: {}", texts[3]);
}

#[test]
fn a_page_saved_as_utf8_under_its_old_charset_reads_as_utf8() {
    // a Czech page re-encoded as UTF-8 after it was served, its `<meta>` still saying
    // windows-1250: read in the declared charset, every accented letter came out as two
    let html = "<!doctype html><html lang=cs><head><meta http-equiv=Content-Type content='text/html; charset=windows-1250'>\
        <title>Nový most | Site</title></head><body><nav><a href=/>Domů</a> <a href=/a>Zprávy</a></nav>\
        <article><h1>Nový most přes řeku</h1>\
        <p>Město v pondělí začalo stavět nový most přes řeku, který má ulevit dopravě ve starém centru.</p>\
        <p>Práce potrvají dva roky a řidiči musí počítat s objížďkami přes sousední čtvrti.</p>\
        <p>Obyvatelé na druhé spojení mezi oběma břehy čekali déle než dvacet let.</p></article></body></html>";
    let texts = cleaned(&[("most.cz", html.to_string())]);
    for wanted in [
        "Nový most přes řeku",
        "Práce potrvají dva roky a řidiči musí počítat s objížďkami",
    ] {
        assert!(texts[0].contains(wanted), "{wanted} in {}", texts[0]);
    }
}

#[test]
fn text_the_page_hides_and_its_title_go() {
    let hidden = page(
        "es",
        "Nueva biblioteca",
        "<main><h1>La nueva biblioteca abre sus puertas</h1>\
         <span class=hidden>Copiar enlace</span><div style='display:none'>Cargando comentarios</div>\
         <button>Compartir</button>\
         <p>La biblioteca municipal abrió el lunes su nueva sede con más de cien mil libros y salas de estudio.</p>\
         <p>Los vecinos hicieron cola desde primera hora para conocer el edificio y sacar el carné de lector.</p></main>",
    );
    let texts = cleaned(&[("biblio.es", hidden)]);
    let text = &texts[0];
    assert!(text.contains("La biblioteca municipal abrió"), "{text}");
    for gone in ["Copiar enlace", "Cargando", "Compartir", "| Site"] {
        assert!(!text.contains(gone), "{gone} in {text}");
    }
}

/// A reference page of a documentation generator (rustdoc's shape): a description, then
/// sections of methods, each a self-anchored signature heading and its own doc block.
fn reference_page(lang: &str, item: &str, intro: &str, methods: &[(&str, &str)]) -> String {
    let sections: String = methods
        .iter()
        .map(|(name, doc)| {
            format!(
                "<details class='toggle method-toggle' open><summary><section id=method.{name} class=method>\
                 <a class='src rightside' href=../src/x.rs.html>Source</a>\
                 <h4 class=code-header>pub fn <a href=#method.{name} class=fn>{name}</a>(&amp;self) -&gt; \
                 <a class=primitive href=https://doc.rust-lang.org/std/primitive.usize.html>usize</a></h4></section></summary>\
                 <div class=docblock><p>{doc}</p></div></details>"
            )
        })
        .collect();
    page(
        lang,
        item,
        &format!(
            "<section id=main-content class=content><div class=main-heading><h1>Struct <span class=struct>{item}</span>&nbsp;\
             <button id=copy-path title='Copy item path to clipboard'>Copy item path</button></h1></div>\
             <details class='toggle top-doc' open><summary class=hideme><span>Expand description</span></summary>\
             <div class=docblock><p>{intro}</p></div></details>\
             <h2 id=implementations class=section-header>Implementations<a href=#implementations class=anchor>§</a></h2>\
             <div id=implementations-list><details class='toggle implementors-toggle' open><summary><section id=impl class=impl>\
             <h3 class=code-header>impl <a class=struct href=struct.{item}.html>{item}</a></h3></section></summary>\
             <div class=impl-items>{sections}</div></details></div></section>"
        ),
    )
}

#[test]
fn a_reference_page_keeps_its_method_sections() {
    let en = reference_page(
        "en",
        "Span",
        "A span of bytes in a haystack, with its start and end offsets, produced by every search of the crate.",
        &[
            ("start", "Returns the byte offset where the span starts in the haystack that was searched."),
            ("len", "Returns the length of the span in bytes."),
            ("is_empty", "Returns true if and only if the span holds no bytes at all, which happens when an empty pattern matches."),
        ],
    );
    let zh = reference_page(
        "zh",
        "Cursor",
        "游标记录了缓冲区中当前读取的位置，每次读取之后都会向前移动，直到缓冲区的末尾为止。",
        &[
            (
                "position",
                "返回游标在缓冲区中的当前位置，以字节为单位计算。",
            ),
            (
                "remaining",
                "返回缓冲区中还没有被读取的字节数量，读取结束时为零。",
            ),
        ],
    );
    let texts = cleaned(&[("docs.en", en), ("docs.zh", zh)]);
    for wanted in [
        "Struct Span",
        "A span of bytes",
        "Implementations",
        "pub fn start(&self) -> usize",
        "Returns the byte offset where",
        "Returns the length of the span in bytes.",
        "pub fn is_empty(&self) -> usize",
        "Returns true if and only if",
    ] {
        assert!(texts[0].contains(wanted), "{wanted} in {}", texts[0]);
    }
    for gone in ["Expand description", "Copy item path", "Span | Site"] {
        assert!(!texts[0].contains(gone), "{gone} in {}", texts[0]);
    }
    for wanted in [
        "游标记录了缓冲区",
        "pub fn position(&self) -> usize",
        "返回游标在缓冲区中的当前位置",
        "返回缓冲区中还没有被读取的字节数量",
    ] {
        assert!(texts[1].contains(wanted), "{wanted} in {}", texts[1]);
    }
}

#[test]
fn docs_two_items_of_a_reference_page_share_stay_in_each() {
    // Czech: three methods end their docs with the same sentence; each copy is its method's
    // own text, not a repeat of the page's
    let panics = "Zpanikaří, pokud ve vyrovnávací paměti nezbývá dost bajtů.";
    let cz = reference_page(
        "cs",
        "Buffer",
        "Vyrovnávací paměť bajtů, ze které se čte po jednom čísle v pořadí, v jakém byla zapsána.",
        &[
            (
                "get_u8",
                "Přečte jeden bajt bez znaménka a posune kurzor o jeden bajt dál.",
            ),
            ("get_i8", panics),
            ("get_u16", panics),
            ("get_i16", panics),
        ],
    );
    let texts = cleaned(&[("docs.cz", cz)]);
    assert_eq!(texts[0].matches(panics).count(), 3, "{}", texts[0]);
    assert!(
        texts[0].contains("pub fn get_i16(&self) -> usize"),
        "{}",
        texts[0]
    );
}

#[test]
fn self_anchored_headings_and_structured_lists_stay() {
    // a book chapter whose headings link to themselves (mdBook), in Chinese
    let book = page(
        "zh",
        "所有权",
        "<main><h1 id=own><a class=header href=#own>所有权</a></h1>\
         <p>所有权是这门语言最独特的特性，它让程序在没有垃圾回收器的情况下也能保证内存安全。</p>\
         <h2 id=rules><a class=header href=#rules>所有权规则</a></h2>\
         <p>每一个值都有一个被称为其所有者的变量，值在任一时刻有且只有一个所有者。</p>\
         <p>当所有者离开作用域，这个值将被丢弃，它占用的内存也会被自动释放。</p></main>",
    );
    // a recipe whose ingredient list sits between its paragraphs, in Italian
    let recipe = page(
        "it",
        "Risotto",
        "<article><h1>Risotto alla milanese</h1>\
         <p>Il risotto alla milanese è uno dei piatti più famosi della cucina lombarda, colorato dallo zafferano.</p>\
         <ul><li>320 g di riso Carnaroli</li><li>1 litro di brodo</li><li>una bustina di zafferano</li><li>50 g di burro</li></ul>\
         <p>Tostate il riso nel burro, poi aggiungete il brodo caldo poco alla volta mescolando spesso.</p>\
         <p>A fine cottura sciogliete lo zafferano in un mestolo di brodo e mantecate con il formaggio.</p></article>",
    );
    let texts = cleaned(&[("book.zh", book), ("cucina.it", recipe)]);
    for wanted in ["所有权规则", "所有权是这门语言", "当所有者离开作用域"] {
        assert!(texts[0].contains(wanted), "{wanted} in {}", texts[0]);
    }
    for wanted in [
        "320 g di riso Carnaroli",
        "una bustina di zafferano",
        "Tostate il riso",
    ] {
        assert!(texts[1].contains(wanted), "{wanted} in {}", texts[1]);
    }
}

#[test]
fn a_lead_styled_unlike_the_body_stays() {
    // the standfirst in the article's `<header>`, between the headline and the body
    let header_lead = page(
        "es",
        "El tren llega al valle",
        "<article><header><h1>El tren llega al valle</h1>\
         <p class=lead>Después de veinte años de espera, el nuevo tren une por fin los pueblos del valle con la capital.</p>\
         <div class=byline>Por Ana Ruiz · 3 de marzo de 2024</div></header>\
         <div class=article-body><p>La primera locomotora salió de la estación a las siete de la mañana con más de doscientos pasajeros a bordo.</p>\
         <p>Los alcaldes de la comarca celebraron la llegada del servicio, que reducirá el viaje a menos de una hora.</p>\
         <p>El gobierno regional prevé ampliar la línea hasta la frontera antes de que termine la década, según dijo.</p></div></article>",
    );
    // a `div.article-intro` in a page header, a date line after it
    let intro = page(
        "pl",
        "Nowa linia tramwajowa na Pradze",
        "<main><header class=article-header><h1>Nowa linia tramwajowa na Pradze</h1>\
         <div class=article-intro>Miasto podpisało umowę na budowę nowej linii tramwajowej, która połączy dworzec z nowymi osiedlami na wschodzie.</div>\
         <span class=date>12.03.2024, 14:05 aktualizacja 12.03.2024, 16:40 czas lokalny</span></header>\
         <section class=tresc><div class=akapity><p>Pierwsze tramwaje mają wyjechać na tory za trzy lata, jeśli budowa pójdzie zgodnie z planem wykonawcy.</p>\
         <p>Mieszkańcy od dawna skarżyli się na zatłoczone autobusy, które w godzinach szczytu stoją w korkach na moście.</p>\
         <p>Koszt inwestycji szacowany jest na czterysta milionów złotych, z czego połowę pokryją fundusze unijne.</p></div></section></main>",
    );
    let texts = cleaned(&[("tren.es", header_lead), ("tramwaj.pl", intro)]);
    for (text, lead, body) in [
        (&texts[0], "Después de veinte años", "La primera locomotora"),
        (&texts[1], "Miasto podpisało umowę", "Pierwsze tramwaje"),
    ] {
        assert!(text.contains(lead), "{lead} in {text}");
        assert!(text.contains(body), "{body} in {text}");
    }
    assert!(!texts[1].contains("12.03.2024"), "{}", texts[1]);
}

#[test]
fn the_story_under_its_headline_beats_a_longer_block() {
    // a readers' box beside the story holds more prose than the story, in French
    let comments = page(
        "fr",
        "Le pont de la Loire rouvre aux voitures",
        "<div id=page><div class=colmain><div class=titre>Le pont de la Loire rouvre aux voitures</div>\
         <div class=texte>Après huit mois de travaux, le pont de la Loire a rouvert aux voitures ce lundi matin.<br>\
         Les automobilistes ont salué la fin des déviations qui allongeaient leurs trajets de vingt minutes.<br>\
         La mairie promet que la piste cyclable sera terminée avant la fin du mois prochain, et le marché du quai reviendra dès samedi.</div></div>\
         <div class=colright><div class=titre>Vos réactions</div><div class=reac>\
         <p>Marc: enfin ! Cela faisait des mois que je perdais une demi-heure chaque matin pour aller au travail à cause de ces travaux interminables.</p>\
         <p>Sophie: il aurait fallu prévoir la piste cyclable en même temps, comme toujours on fait les choses à moitié dans cette ville et on paie deux fois.</p>\
         <p>Julien: les déviations étaient mal indiquées, j'espère que la prochaine fois la mairie communiquera mieux avec les habitants du quartier.</p>\
         <p>Claire: bravo aux ouvriers qui ont travaillé même pendant les vacances, ce n'était pas un chantier facile avec toute cette pluie.</p></div></div></div>",
    );
    // a consent banner above the headline holds more prose than the story, in Dutch
    let banner = page(
        "nl",
        "Nieuwe sluis bij de haven geopend",
        "<div class=wrap><div class=melding>\
         <p>Wij gebruiken cookies en vergelijkbare technieken om de website goed te laten werken, om het gebruik te meten en om advertenties te tonen die aansluiten bij uw interesses.</p>\
         <p>Door op akkoord te klikken gaat u hiermee akkoord. U kunt uw keuze op elk moment wijzigen via de instellingen onderaan iedere pagina van deze website.</p>\
         <p>Meer informatie over de gegevens die wij verzamelen en de partijen met wie wij samenwerken vindt u in onze verklaring over privacy en cookies.</p></div>\
         <div class=stuk><h1>Nieuwe sluis bij de haven geopend</h1><div class=tekst>\
         <p>De nieuwe zeesluis bij de haven is vrijdag na zes jaar bouwen officieel geopend door de koning.</p>\
         <p>De sluis is de grootste van het land en biedt ruimte aan schepen van vierhonderd meter lang.</p>\
         <p>Havenbedrijven verwachten dat er de komende jaren veel meer containerschepen naar de stad zullen komen.</p></div></div></div>",
    );
    let texts = cleaned(&[("pont.fr", comments), ("sluis.nl", banner)]);
    for wanted in [
        "Le pont de la Loire rouvre aux voitures",
        "Après huit mois",
        "La mairie promet",
    ] {
        assert!(texts[0].contains(wanted), "{wanted} in {}", texts[0]);
    }
    for gone in ["Vos réactions", "Marc: enfin", "Claire: bravo"] {
        assert!(!texts[0].contains(gone), "{gone} in {}", texts[0]);
    }
    for wanted in [
        "Nieuwe sluis bij de haven geopend",
        "De nieuwe zeesluis",
        "Havenbedrijven",
    ] {
        assert!(texts[1].contains(wanted), "{wanted} in {}", texts[1]);
    }
    assert!(!texts[1].contains("cookies"), "{}", texts[1]);
}

#[test]
fn headings_after_the_story_go_with_what_they_head() {
    // "Read also" over a link list and a newsletter heading after the last paragraph
    let pt = page(
        "pt",
        "Nova ponte liga as duas margens do rio",
        "<article><h1>Nova ponte liga as duas margens do rio</h1>\
         <p>A nova ponte sobre o rio foi inaugurada no sábado e liga finalmente as duas margens da cidade velha.</p>\
         <h2>A obra</h2>\
         <p>Os moradores esperaram mais de dez anos por uma travessia que não obrigasse a dar a volta pelo norte.</p>\
         <p>A obra custou cerca de quarenta milhões de euros e foi paga em grande parte por fundos europeus.</p>\
         <h2>Leia também</h2><ul><li><a href=/x>Câmara aprova orçamento</a><li><a href=/y>Metro chega a Gaia</a></ul>\
         <h3>Receba a nossa newsletter</h3></article>",
    );
    let fi = page(
        "fi",
        "Uusi kirjasto avattiin keskustassa",
        "<article><h1>Uusi kirjasto avattiin keskustassa</h1><div class=body>\
         <p>Kaupungin uusi pääkirjasto avattiin maanantaina, ja ensimmäisenä päivänä siellä vieraili yli kymmenentuhatta ihmistä.</p>\
         <p>Rakennuksessa on kirjojen lisäksi työpajoja, studioita ja lukusaleja, joita kaikki kaupunkilaiset voivat käyttää maksutta.</p>\
         <p>Kirjaston johtaja kertoi, että aukioloaikoja pidennetään kesällä myös viikonloppuisin, jos kävijöitä riittää.</p>\
         <h4>Lue myös</h4><h4>Tilaa uutiskirje</h4></div></article>",
    );
    let texts = cleaned(&[("ponte.pt", pt), ("kirjasto.fi", fi)]);
    for wanted in ["A obra\n", "A obra custou", "Os moradores"] {
        assert!(texts[0].contains(wanted), "{wanted} in {}", texts[0]);
    }
    for gone in ["Leia também", "Câmara aprova", "newsletter"] {
        assert!(!texts[0].contains(gone), "{gone} in {}", texts[0]);
    }
    assert!(texts[1].contains("Kirjaston johtaja"), "{}", texts[1]);
    for gone in ["Lue myös", "uutiskirje"] {
        assert!(!texts[1].contains(gone), "{gone} in {}", texts[1]);
    }
}

#[test]
fn an_article_in_boxes_of_one_kind_is_one_article() {
    // a how-to whose steps are boxes of one kind, the first box classed as the lead, in
    // German: the best-scored block is the first box alone
    let step = |n: u32, text: &str| {
        format!(
            "<div class='mod step'><div class=stepContent><div class=content>\
             <span class=head>Schritt {n}</span><p>{text}</p></div></div>\
             <figure class=stepThumb><img src=s{n}.jpg></figure><figcaption class=caption>Foto: Archiv</figcaption></div>"
        )
    };
    let how_to = page(
        "de",
        "Ein Terrarium bauen",
        &format!(
            "<article><h1>Ein Terrarium bauen</h1>\
             <div class='mod step'><div class='stepContent mod'><div class='content lead'>\
             <p>Ein Terrarium unter einer Glasglocke ist schön anzusehen und bewahrt ein Stück Natur in der Wohnung. \
             Es braucht wenig Pflege, weil es seine Feuchtigkeit selbst hält und ein gleichmäßig warmes Klima bietet.</p></div></div></div>\
             <div class='mod related'><h3>Andere lesen gerade</h3><ul><li><a href=/x>Kakteen richtig gießen</a><li><a href=/y>Moos im Garten</a></ul></div>\
             <div class='mod step'><div class=stepContent><div class=content><span class=head>Was Sie brauchen</span>\
             <ul class=markdown><li>Glasglocke</li><li>Steckschaum</li><li>Moos</li><li>Pinzette</li></ul></div></div></div>\
             {}{}{}</article>",
            step(1, "Messen Sie den Umfang der Glocke und schneiden Sie den Steckschaum etwas kleiner zu, dann legen Sie ihn ins Wasser."),
            step(2, "Setzen Sie die Pflanze in das Loch im Schaum und drücken Sie die Erde rund um die Wurzeln vorsichtig fest."),
            step(3, "Bedecken Sie den Schaum mit Moos, stellen Sie die Glocke darüber und ordnen Sie das Moos mit der Pinzette neu."),
        ),
    );
    let texts = cleaned(&[("terrarium.de", how_to)]);
    for wanted in [
        "Ein Terrarium unter einer Glasglocke",
        "Steckschaum\n",
        "Schritt 1",
        "Messen Sie den Umfang",
        "Setzen Sie die Pflanze",
        "Bedecken Sie den Schaum",
    ] {
        assert!(texts[0].contains(wanted), "{wanted} in {}", texts[0]);
    }
    for gone in ["Kakteen richtig", "Foto: Archiv"] {
        assert!(!texts[0].contains(gone), "{gone} in {}", texts[0]);
    }
}

#[test]
fn a_teaser_above_a_faq_leads_it_and_the_answers_stay() {
    // a one-paragraph teaser in a blockquote right under the headline, then questions as
    // headings between answer blocks (each answer's block scores less than the teaser's)
    let faq = |lang: &str, title: &str, teaser: &str, pairs: &[(&str, &str)]| {
        let items: String = pairs
            .iter()
            .map(|(q, a)| format!("<h3 class=faq-q>{q}</h3><div class=faq-a><p>{a}</p></div>"))
            .collect();
        page(
            lang,
            title,
            &format!(
                "<main><h1>{title}</h1><blockquote class=teaser><p>{teaser}</p></blockquote>\
                 <div class=faq>{items}</div></main>"
            ),
        )
    };
    let es = faq(
        "es",
        "Preguntas frecuentes sobre el abono de transporte",
        "El nuevo abono único permite viajar en metro, autobús y tren de cercanías con una sola tarjeta desde el mes de enero.",
        &[
            ("¿Quién puede solicitar el abono?", "Cualquier persona empadronada en la región puede solicitarlo en las oficinas de atención al cliente o por internet."),
            ("¿Cuánto cuesta?", "El precio mensual es de cuarenta euros, con descuentos para jóvenes, mayores de sesenta y cinco años y familias numerosas."),
            ("¿Dónde se recarga?", "En las máquinas de todas las estaciones, en los estancos autorizados y en la aplicación oficial del consorcio de transportes."),
        ],
    );
    let sv = faq(
        "sv",
        "Vanliga frågor om det nya bibliotekskortet",
        "Från och med mars fungerar samma bibliotekskort på alla stadens bibliotek och i den nya appen för e-böcker.",
        &[
            ("Vem kan få ett kort?", "Alla som bor eller arbetar i kommunen kan få ett kort gratis genom att visa legitimation i lånedisken."),
            ("Hur länge får jag låna?", "Böcker lånas i fyra veckor och kan lånas om två gånger om ingen annan har reserverat dem under tiden."),
            ("Vad händer om jag tappar kortet?", "Spärra kortet direkt i appen eller ring biblioteket, så får du ett nytt kort för tjugo kronor i lånedisken."),
        ],
    );
    let texts = cleaned(&[("abono.es", es), ("bibliotek.se", sv)]);
    for wanted in [
        "El nuevo abono único",
        "¿Cuánto cuesta?",
        "Cualquier persona empadronada",
        "En las máquinas",
    ] {
        assert!(texts[0].contains(wanted), "{wanted} in {}", texts[0]);
    }
    for wanted in [
        "Från och med mars",
        "Hur länge får jag låna?",
        "Alla som bor",
        "Spärra kortet",
    ] {
        assert!(texts[1].contains(wanted), "{wanted} in {}", texts[1]);
    }
}

#[test]
fn a_sentence_that_links_the_names_it_names_stays() {
    // half of the words of a story's sentence are links to the people and places it names,
    // in Czech; a line of related links after it goes
    let linked = page(
        "cs",
        "Nová linka metra",
        "<article><h1>Nová linka metra</h1>\
         <p>Praha zahájila stavbu nové linky metra, která má spojit sídliště na severu s centrem města do deseti let.</p>\
         <p>Stavbu podpořili <a href=/p1>primátor Bohuslav Svoboda</a>, <a href=/p2>ministr dopravy Martin Kupka</a> \
         i <a href=/p3>Dopravní podnik hlavního města Prahy</a> na tiskové konferenci.</p>\
         <p>První úsek mezi Pankrácí a Olbrachtovou má být hotový za čtyři roky, pokud nebudou problémy s podložím.</p>\
         <p><a href=/r1>Tramvaj na Václavském náměstí</a> <a href=/r2>Nové autobusy na letišti</a></p>\
         <p>Cestující se mohou těšit na plně automatické soupravy bez řidiče, které budou jezdit každé dvě minuty.</p></article>",
    );
    let texts = cleaned(&[("metro.cz", linked)]);
    for wanted in [
        "Stavbu podpořili primátor",
        "První úsek",
        "plně automatické",
    ] {
        assert!(texts[0].contains(wanted), "{wanted} in {}", texts[0]);
    }
    assert!(!texts[0].contains("Tramvaj na"), "{}", texts[0]);
}

#[test]
fn a_comment_thread_opened_in_another_language_goes() {
    // an old blog layout names no comment block: a line "Kommentare (2)" after the story
    // opens the readers' thread, in German
    let para =
        |s: &str| format!("<p>{s}, und der Satz geht danach noch eine ganze Weile weiter.</p>");
    let story: String = (0..6)
        .map(|i| {
            para(&format!(
                "Absatz {i} der Geschichte erzählt, was im Rathaus geschah"
            ))
        })
        .collect();
    let blog = page(
        "de",
        "Der Bürgermeister tritt zurück",
        &format!(
            "<table><tr><td><h1>Der Bürgermeister tritt zurück</h1>{story}<b>Kommentare (2)</b>{}{}</td></tr></table>",
            para("Endlich, darauf haben wir in der Stadt seit Jahren gewartet, Gratulation"),
            para("Ich finde das schade, er hat viel für die Schulen und die Radwege getan"),
        ),
    );
    let texts = cleaned(&[("blog.de", blog)]);
    assert_eq!(texts[0].matches("Absatz").count(), 6, "{}", texts[0]);
    for gone in ["Kommentare", "Endlich, darauf", "Ich finde das schade"] {
        assert!(!texts[0].contains(gone), "{gone} in {}", texts[0]);
    }
}

#[test]
fn what_stands_after_the_story_goes() {
    // After the story's body, in Dutch: a photo credit and an update line, an author's box,
    // a call to subscribe (a box classed `cta`), an affiliate disclosure and teasers of other
    // stories, none of them named aside in words the page uses; the story's own short last
    // paragraph and its tags line in a list stay or go by their place, not their words.
    let body: String = [
        "De gemeente heeft dinsdag besloten de oude veerpont weer te laten varen tussen de twee dorpen.",
        "Bewoners hadden jarenlang geklaagd over de lange omweg via de brug verderop aan de rivier.",
        "De pont gaat in april varen en is voor fietsers en voetgangers de hele zomer gratis.",
        "Voor auto's is de pont te klein, zegt de wethouder, maar daar heeft ook niemand om gevraagd.",
        "De veerman die de pont tot tien jaar geleden bediende, heeft beloofd op de eerste dag mee te varen.",
    ]
    .iter()
    .map(|p| format!("<p>{p}</p>"))
    .collect();
    let story = page(
        "nl",
        "De veerpont vaart weer",
        &format!(
            "<article><h1>De veerpont vaart weer</h1><div class=artikel>{body}<p>Dat is goed nieuws.</p></div>             <div class=fotocredit>Foto: Jan de Vries</div><time>Bijgewerkt op 4 maart 2024, 09:12</time>             <div class=over-de-auteur><p>Petra Jansen schrijft al twintig jaar over het leven in de dorpen langs de rivier.</p></div>             <div class=nieuwsbrief-cta><p>Wil je elke ochtend het nieuws uit de regio in je mailbox? Meld je dan nu gratis aan.</p></div>             <p class=disclosure>Wij kunnen een vergoeding ontvangen als je via een link in dit artikel iets koopt.</p></article>             <section class=lees-ook><div class=kaart><p>Nieuwe fietsbrug over het kanaal is na twee jaar bouwen eindelijk open.</p></div>             <div class=kaart><p>Dorpsschool krijgt geld voor een nieuw gebouw met een grote moestuin.</p></div></section>"
        ),
    );
    let texts = cleaned(&[("pont.nl", story)]);
    for wanted in [
        "De gemeente heeft",
        "de hele zomer gratis",
        "Dat is goed nieuws.",
    ] {
        assert!(texts[0].contains(wanted), "{wanted} in {}", texts[0]);
    }
    for gone in [
        "Foto: Jan",
        "Bijgewerkt",
        "Petra Jansen",
        "Meld je dan",
        "vergoeding",
        "fietsbrug",
        "Dorpsschool",
    ] {
        assert!(!texts[0].contains(gone), "{gone} in {}", texts[0]);
    }
}

#[test]
fn a_list_under_its_own_heading_above_the_story_stays() {
    // a recipe card in French: the ingredients in their own box under a heading, between
    // the headline and the method, the time and servings line above them
    let recipe = page(
        "fr",
        "Tarte aux pommes",
        "<article><h1>Tarte aux pommes</h1>\
         <ul class=recette-infos><li>Par Claire Martin</li><li>12 mars 2024</li></ul>\
         <div class=recette-ingredients><h2>Ingrédients</h2><ul><li>1 pâte brisée</li><li>6 pommes</li>\
         <li>50 g de sucre</li><li>30 g de beurre</li><li>1 sachet de sucre vanillé</li></ul></div>\
         <div class=recette-etapes><h2>Préparation</h2><ol>\
         <li>Préchauffez le four à 180 degrés et étalez la pâte dans un moule beurré.</li>\
         <li>Épluchez les pommes, coupez-les en fines lamelles et disposez-les en rosace sur la pâte.</li>\
         <li>Saupoudrez de sucre, parsemez de noisettes de beurre et enfournez pendant trente-cinq minutes.</li>\
         </ol></div></article>",
    );
    // a product review in German whose technical data table stands above the text
    let review = page(
        "de",
        "Akkubohrer X200 im Test",
        "<main><h1>Akkubohrer X200 im Test</h1>\
         <div class=datenblatt><h3>Technische Daten</h3><table>\
         <tr><td>Gewicht</td><td>1,2 kg</td></tr><tr><td>Akku</td><td>18 V, 2 Ah</td></tr>\
         <tr><td>Drehzahl</td><td>0–1500 U/min</td></tr></table></div>\
         <div class=testbericht><p>Der X200 ist leicht und kräftig genug für die meisten Arbeiten in Haus und Garten.</p>\
         <p>Der Akku ist in einer Stunde geladen und hält einen ganzen Tag mit leichten Arbeiten durch.</p>\
         <p>Im Koffer liegen zwei Holzbohrer und ein Schnellladegerät, das auch andere Geräte lädt.</p></div></main>",
    );
    let texts = cleaned(&[("tarte.fr", recipe), ("bohrer.de", review)]);
    for wanted in [
        "Ingrédients",
        "1 pâte brisée",
        "1 sachet de sucre vanillé",
        "Préchauffez le four",
    ] {
        assert!(texts[0].contains(wanted), "{wanted} in {}", texts[0]);
    }
    assert!(!texts[0].contains("Claire Martin"), "{}", texts[0]);
    for wanted in ["Technische Daten", "Gewicht", "18 V, 2 Ah", "Der Akku ist"] {
        assert!(texts[1].contains(wanted), "{wanted} in {}", texts[1]);
    }
}

#[test]
fn a_list_whose_items_link_their_ingredient_stays() {
    // an Italian recipe whose ingredients link to the pantry's pages (most of an item's
    // text), each with a quantity of its own; the tag list after the story is all links
    let recipe = page(
        "it",
        "Pasta e ceci",
        "<article><h1>Pasta e ceci</h1>\
         <p>La pasta e ceci è un piatto povero della tradizione romana, cremoso e saporito, perfetto per le sere d'inverno.</p>\
         <ul><li>250 g di <a href=/i/ceci>ceci lessati</a></li><li>200 g di <a href=/i/ditalini>ditalini</a></li>\
         <li>1 rametto di <a href=/i/rosmarino>rosmarino</a></li><li>2 <a href=/i/acciughe>acciughe sott'olio</a></li></ul>\
         <p>Soffriggete l'aglio e le acciughe nell'olio, unite i ceci con il rosmarino e lasciate insaporire qualche minuto.</p>\
         <ul><li><a href=/t/primi>Primi piatti</a></li><li><a href=/t/legumi>Legumi e cereali</a></li><li><a href=/t/roma>Cucina romana</a></li></ul>\
         <p>Aggiungete acqua calda, cuocete la pasta direttamente nella zuppa e servite con un filo d'olio a crudo.</p></article>",
    );
    let texts = cleaned(&[("ceci.it", recipe)]);
    for wanted in [
        "250 g di ceci lessati",
        "200 g di ditalini",
        "2 acciughe sott'olio",
        "Aggiungete acqua calda",
    ] {
        assert!(texts[0].contains(wanted), "{wanted} in {}", texts[0]);
    }
    for gone in ["Primi piatti", "Legumi e cereali"] {
        assert!(!texts[0].contains(gone), "{gone} in {}", texts[0]);
    }
}

#[test]
fn a_table_whose_rows_link_their_subject_stays() {
    // a Polish list of films whose title cells link the film beside its year and summary;
    // after the story's last paragraph, related posts whose rows carry a date and an author
    let films = page(
        "pl",
        "Filmy o pętli czasu",
        "<article><h1>Filmy o pętli czasu</h1>\
         <p>Bohaterowie tych filmów przeżywają ten sam dzień wiele razy, dopóki czegoś się nie nauczą.</p>\
         <table><tr><th>Film</th><th>Rok</th><th>Opis</th></tr>\
         <tr><td><a href=/f/1>Dzień świstaka</a></td><td>1993</td><td>Prezenter pogody budzi się co rano w tym samym małym miasteczku.</td></tr>\
         <tr><td><a href=/f/2>Biegnij, Lola, biegnij</a></td><td>1998</td><td>Dziewczyna ma dwadzieścia minut, by zdobyć pieniądze dla chłopaka.</td></tr>\
         <tr><td><a href=/f/3>Na skraju jutra</a></td><td>2014</td><td>Żołnierz ginie w bitwie i wraca do poranka poprzedniego dnia.</td></tr></table>\
         <p>Pętla czasu pozwala scenarzystom pokazać, jak bohater zmienia się krok po kroku, dzień po dniu.</p>\
         <table><tr><td>12 marca 2024</td><td><a href=/p/1>Najlepsze seriale science fiction tej wiosny</a> autor Jan Nowak</td></tr>\
         <tr><td>10 marca 2024</td><td><a href=/p/2>Dlaczego kino kocha podróże w czasie</a> autor Anna Kowalska</td></tr>\
         <tr><td>8 marca 2024</td><td><a href=/p/3>Dziesięć filmów na długi weekend</a> autor Piotr Wiśniewski</td></tr></table></article>",
    );
    let texts = cleaned(&[("filmy.pl", films)]);
    for wanted in [
        "Dzień świstaka",
        "Biegnij, Lola, biegnij",
        "Na skraju jutra",
        "Pętla czasu pozwala",
    ] {
        assert!(texts[0].contains(wanted), "{wanted} in {}", texts[0]);
    }
    for gone in ["Najlepsze seriale", "Dlaczego kino kocha"] {
        assert!(!texts[0].contains(gone), "{gone} in {}", texts[0]);
    }
}

#[test]
fn the_story_under_its_headline_beats_the_teasers_under_the_site_s_name() {
    // a Spanish page whose title names the story and the site: the site's name in a heading
    // above a longer block of teasers, the story under its headline in another column
    let story = page(
        "es",
        "Inundaciones en el valle | Diario del Sur",
        "<div class=top><h1>Diario del Sur</h1><div class=ticker>\
         <p>El ayuntamiento aprobó el martes el nuevo presupuesto municipal, que destina más dinero a las escuelas públicas y a la reparación de las calles del centro histórico.</p>\
         <p>La compañía de autobuses estrena este verano diez vehículos eléctricos que recorrerán las líneas más largas de la ciudad y sus barrios del norte.</p>\
         <p>Los hospitales de la provincia contratarán a doscientos enfermeros antes de que termine el año para reducir las listas de espera de las consultas.</p>\
         <p>El equipo de fútbol de la ciudad ganó su tercer partido consecutivo y ya ocupa el segundo puesto de la clasificación de su grupo regional.</p>\
         <p>La feria del libro abrirá sus puertas el viernes con más de cien casetas y la visita de autores llegados de todo el país.</p>\
         <p>Las previsiones anuncian un descenso de las temperaturas a partir del jueves y posibles nevadas en las zonas más altas de la sierra.</p>\
         </div></div><div class=main><div class=story><h1>Inundaciones en el valle</h1>\
         <p>El río alcanzó el jueves por la mañana el nivel más alto desde que existen registros, y varias calles del pueblo quedaron cortadas al tráfico.</p>\
         <p>El alcalde explicó que los diques se reforzaron durante la noche con sacos de arena y que cientos de voluntarios ayudaron en las tareas.</p>\
         <p>Los técnicos esperan que la crecida alcance su punto máximo el viernes por la tarde y piden a los vecinos que no se acerquen a la orilla.</p>\
         <p>Las familias desalojadas pasan la noche en el polideportivo municipal, donde reciben comida caliente y atención médica de la Cruz Roja.</p>\
         </div></div>",
    );
    let texts = cleaned(&[("sur.es", story)]);
    for wanted in [
        "Inundaciones en el valle",
        "El río alcanzó el jueves",
        "Las familias desalojadas",
    ] {
        assert!(texts[0].contains(wanted), "{wanted} in {}", texts[0]);
    }
    for gone in ["El ayuntamiento aprobó", "La feria del libro"] {
        assert!(!texts[0].contains(gone), "{gone} in {}", texts[0]);
    }
}

#[test]
fn the_rest_of_a_story_split_by_a_box_stays() {
    // a German story whose free part is one block under the headline and whose rest, behind
    // a paywall and longer, is another block after a "read also" box
    let story = page(
        "de",
        "Das Freibad öffnet wieder",
        "<article><h1>Das Freibad öffnet wieder</h1>\
         <div class=article-free><p>Nach zwei Jahren Sanierung öffnet das städtische Freibad am Samstag wieder seine Tore für alle Badegäste.</p>\
         <p>Die Becken wurden komplett erneuert, dazu kommen eine neue Rutsche und ein größerer Bereich für Kleinkinder.</p></div>\
         <aside class=lesen-sie-auch><a href=/x>Hallenbad schließt im Sommer</a></aside>\
         <div class=article-premium><section><p>Der Eintritt bleibt mit vier Euro für Erwachsene und zwei Euro für Kinder gleich wie vor der Schließung.</p>\
         <p>Die Stadtwerke suchen allerdings noch Rettungsschwimmer, damit das Bad an allen Tagen bis zum Abend geöffnet bleiben kann.</p>\
         <p>Wer Interesse hat, kann sich bis Ende Mai direkt bei den Stadtwerken bewerben, teilte ein Sprecher mit.</p></section></div></article>",
    );
    let texts = cleaned(&[("freibad.de", story)]);
    for wanted in [
        "Nach zwei Jahren",
        "Die Becken",
        "Der Eintritt bleibt",
        "Wer Interesse hat",
    ] {
        assert!(texts[0].contains(wanted), "{wanted} in {}", texts[0]);
    }
    assert!(!texts[0].contains("Hallenbad"), "{}", texts[0]);
}

#[test]
fn key_points_under_the_headline_stay() {
    // a Portuguese story whose standfirst is three bullets in the article's header
    let story = page(
        "pt",
        "Metro chega ao aeroporto",
        "<article><header><h1>Metro chega ao aeroporto</h1>\
         <ul class=destaques><li>Nova linha abre em março com seis estações</li><li>Viagem até ao centro demora vinte minutos</li>\
         <li>Bilhete custa o mesmo que nas outras linhas</li></ul></header>\
         <div class=corpo><p>A nova linha de metro que liga o centro da cidade ao aeroporto abre ao público no início de março, anunciou a empresa.</p>\
         <p>As obras demoraram quatro anos e custaram cerca de trezentos milhões de euros, em grande parte financiados pela União Europeia.</p>\
         <p>Os comboios vão circular a cada seis minutos nas horas de ponta e a cada dez minutos durante o resto do dia.</p></div></article>",
    );
    let texts = cleaned(&[("metro.pt", story)]);
    for wanted in [
        "Nova linha abre em março",
        "Bilhete custa o mesmo",
        "A nova linha de metro",
    ] {
        assert!(texts[0].contains(wanted), "{wanted} in {}", texts[0]);
    }
}

#[test]
fn a_lead_too_short_to_be_prose_stays() {
    // a Greek standfirst of six words under the headline, a byline after it
    let story = page(
        "el",
        "Νέα βιβλιοθήκη στην πόλη",
        "<article><h1>Νέα βιβλιοθήκη στην πόλη</h1><p class=lead>Η νέα βιβλιοθήκη ανοίγει την Δευτέρα.</p>\
         <p class=author>Γράφει η Μαρία Παπαδοπούλου</p>\
         <div class=keimeno><p>Η δημοτική βιβλιοθήκη μετακομίζει σε ένα ανακαινισμένο κτίριο στο κέντρο της πόλης, με περισσότερα από εκατό χιλιάδες βιβλία.</p>\
         <p>Οι αναγνώστες θα μπορούν να δανείζονται βιβλία και ηλεκτρονικά, μέσα από μια νέα εφαρμογή για κινητά τηλέφωνα.</p>\
         <p>Ο δήμαρχος είπε ότι η βιβλιοθήκη θα μείνει ανοιχτή και τα Σαββατοκύριακα κατά τους καλοκαιρινούς μήνες.</p></div></article>",
    );
    let texts = cleaned(&[("vivliothiki.gr", story)]);
    for wanted in ["Η νέα βιβλιοθήκη ανοίγει", "Η δημοτική βιβλιοθήκη"]
    {
        assert!(texts[0].contains(wanted), "{wanted} in {}", texts[0]);
    }
    assert!(!texts[0].contains("Γράφει"), "{}", texts[0]);
}
