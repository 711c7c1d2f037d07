//! The layer table of ARCHITECTURE.md, held true: every `crate::` path in the library's code
//! (tests left out) must name a module its row allows, the table itself has no circle, no two
//! files of one folder use each other, and the library names no command-line crate.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The layer table: each module and the modules it may use.
fn layer_table() -> BTreeMap<String, BTreeSet<String>> {
    let text = std::fs::read_to_string(root().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let section = text
        .split("\n## ")
        .find(|s| s.starts_with("Layers"))
        .expect("ARCHITECTURE.md has a \"## Layers\" section");
    let names = |cell: &str| -> BTreeSet<String> {
        cell.split(',')
            .map(|n| n.trim().trim_matches('`').to_string())
            .filter(|n| !n.is_empty() && n != "—")
            .collect()
    };
    let mut table = BTreeMap::new();
    for row in section.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = row.trim_matches('|').split('|').collect();
        assert_eq!(cells.len(), 2, "a layer row has two cells: {row}");
        for module in names(cells[0]) {
            table.insert(module, names(cells[1]));
        }
    }
    assert!(
        table.len() > 10,
        "the layer table lists the library's modules"
    );
    table
}

/// The library's source files: `src/` without the binary (`main.rs`, `cli/`) and `lib.rs`.
fn library_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("list src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let src = root().join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    files.retain(|p| {
        let rel = p.strip_prefix(&src).expect("under src");
        !(rel.starts_with("cli") || rel == Path::new("main.rs") || rel == Path::new("lib.rs"))
    });
    files.sort();
    assert!(files.len() > 40, "{} library files", files.len());
    files
}

/// A file's code without its unit tests and comments.
fn code_of(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("read source");
    let text = match text.find("#[cfg(test)]") {
        Some(i) => &text[..i],
        None => &text[..],
    };
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every path `prefix::a::b` in `code`, as its segments after the prefix.
fn paths_after<'c>(code: &'c str, prefix: &str) -> Vec<Vec<&'c str>> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find(prefix) {
        let before = rest[..i].chars().last();
        rest = &rest[i + prefix.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(rest.len());
        out.push(rest[..end].split("::").filter(|s| !s.is_empty()).collect());
    }
    out
}

/// What the crate root re-exports (`pub use module::{Name, …}`): the module behind each name.
fn root_exports() -> BTreeMap<String, String> {
    let lib = std::fs::read_to_string(root().join("src/lib.rs")).expect("lib.rs");
    let mut out = BTreeMap::new();
    for stmt in lib.split(';') {
        let Some(rest) = stmt.trim().strip_prefix("pub use ") else {
            continue;
        };
        let (module, path) = rest.split_once("::").expect("pub use module::…");
        if module == "crate" {
            continue; // the doc-hidden `internals` re-exports stages, for the benches
        }
        // the names after the last `::` (one, or a braced list)
        let names = path.rsplit_once("::").map_or(path, |(_, last)| last);
        for name in names.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
            if !name.is_empty() {
                out.insert(name.to_string(), module.to_string());
            }
        }
    }
    out
}

/// The library module a file belongs to, and its path below `src/` as module segments.
fn module_of(path: &Path) -> (String, Vec<String>) {
    let rel = path.strip_prefix(root().join("src")).expect("under src");
    let mut segs: Vec<String> = rel
        .with_extension("")
        .iter()
        .map(|s| s.to_string_lossy().into_owned())
        .collect();
    if segs.last().is_some_and(|s| s == "mod") {
        segs.pop();
    }
    (segs[0].clone(), segs)
}

#[test]
fn every_import_follows_the_layer_table() {
    let table = layer_table();
    let exports = root_exports();
    let mut wrong = Vec::new();
    for file in library_files() {
        let (module, segs) = module_of(&file);
        let Some(allowed) = table.get(&module) else {
            wrong.push(format!(
                "module `{module}` has no row in ARCHITECTURE.md's layer table"
            ));
            continue;
        };
        let code = code_of(&file);
        let mut used: Vec<String> = paths_after(&code, "crate::")
            .into_iter()
            .filter_map(|p| p.first().map(|s| s.to_string()))
            .collect();
        // a file of its own at the top (src/x.rs): `super::` is the crate
        if segs.len() == 1 && !file.ends_with("mod.rs") {
            used.extend(
                paths_after(&code, "super::")
                    .into_iter()
                    .filter_map(|p| p.first().map(|s| s.to_string())),
            );
        }
        for name in used {
            let target = exports.get(&name).cloned().unwrap_or(name);
            if target != module && !allowed.contains(&target) {
                wrong.push(format!(
                    "{} uses `{target}`, which the row of `{module}` does not allow",
                    file.display()
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_layer_table_has_no_circle() {
    let table = layer_table();
    for start in table.keys() {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&String> = table[start].iter().collect();
        while let Some(m) = stack.pop() {
            assert_ne!(
                m, start,
                "`{start}` may use itself through the modules it uses"
            );
            if seen.insert(m.clone()) {
                if let Some(next) = table.get(m) {
                    stack.extend(next.iter());
                }
            }
        }
    }
}

#[test]
fn no_two_files_of_a_folder_use_each_other() {
    let src = root().join("src");
    let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in library_files() {
        let (_, segs) = module_of(&file);
        let me = segs.join("/");
        let parent = &segs[..segs.len() - 1];
        let code = code_of(&file);
        let mut targets: Vec<Vec<String>> = paths_after(&code, "crate::")
            .into_iter()
            .map(|p| p.iter().map(|s| s.to_string()).collect())
            .collect();
        for p in paths_after(&code, "super::") {
            // `super::` is the module above this file's module, a folder's `mod.rs` included
            let mut base: Vec<String> = parent.to_vec();
            base.extend(p.iter().map(|s| s.to_string()));
            targets.push(base);
        }
        for target in targets {
            if parent.is_empty()
                || target.len() <= parent.len()
                || target[..parent.len()] != *parent
            {
                continue;
            }
            let sibling = target[..=parent.len()].join("/");
            let exists = src.join(format!("{sibling}.rs")).exists() || src.join(&sibling).is_dir();
            if sibling != me && exists {
                uses.entry(me.clone()).or_default().insert(sibling);
            }
        }
    }
    let mut circles = Vec::new();
    for (start, next) in &uses {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&String> = next.iter().collect();
        while let Some(m) = stack.pop() {
            if m == start {
                circles.push(format!("{start} reaches itself through {:?}", uses[start]));
                break;
            }
            if seen.insert(m.clone()) {
                stack.extend(uses.get(m).into_iter().flatten());
            }
        }
    }
    assert!(circles.is_empty(), "{}", circles.join("\n"));
}

#[test]
fn the_library_names_no_command_line_crate() {
    for file in library_files() {
        let code = code_of(&file);
        for name in [
            "clap::",
            "clap_complete",
            "clap_mangen",
            "indicatif",
            "eprintln!",
            "println!",
        ] {
            assert!(
                !code.contains(name),
                "{} names `{name}`: the library reports through its types and ProgressSink; \
                 the command line (src/cli/) prints",
                file.display()
            );
        }
    }
}
