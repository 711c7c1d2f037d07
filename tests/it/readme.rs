//! README's examples and tables come from the program: every command example is run and its
//! output compared, the bands-and-rows table is checked against `params`, and the report
//! example against a real report, so that they cannot drift from the program again.
//!
//! A ```text block is an example when its first line is `$ neardup ARGS`, or when the line
//! before it is `<!-- output of: neardup ARGS -->`. A line `...` in an example stands for any
//! number of lines of the output; the wall time and thread count of a summary are not compared.

use std::path::Path;

use crate::support::{neardup, stdout};

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md")
}

/// The fenced blocks of `text` with their language and the line before the fence.
fn blocks(text: &str) -> Vec<(String, String, Vec<String>)> {
    let mut out = Vec::new();
    let mut lines = text.lines().peekable();
    let mut before = "";
    while let Some(line) = lines.next() {
        if let Some(lang) = line.strip_prefix("```") {
            let mut body = Vec::new();
            for l in lines.by_ref() {
                if l.starts_with("```") {
                    break;
                }
                body.push(l.to_string());
            }
            out.push((lang.to_string(), before.to_string(), body));
        }
        before = line;
    }
    out
}

/// Splits a command line of an example into arguments (no quoting is used in README's).
fn args_of(command: &str) -> Vec<String> {
    command.split_whitespace().map(str::to_string).collect()
}

/// A summary's first line without the parts that change between runs.
fn masked(line: &str) -> String {
    match line
        .find(" in ")
        .zip(line.rfind(" threads)").or(line.rfind(" thread)")))
    {
        Some((start, _)) if line.starts_with("neardup: scanned") => {
            format!("{} in <time>", &line[..start])
        }
        _ => line.trim_end().to_string(),
    }
}

/// Whether `actual` holds the `expected` lines in order, `...` standing for any lines.
fn matches(expected: &[String], actual: &[String]) -> Result<(), String> {
    let mut at = 0;
    let mut skipping = false;
    for want in expected {
        if want.trim() == "..." {
            skipping = true;
            continue;
        }
        let want = masked(want);
        loop {
            let Some(got) = actual.get(at) else {
                return Err(format!("README line not in the output: {want:?}"));
            };
            at += 1;
            if masked(got) == want {
                break;
            }
            if !skipping {
                return Err(format!("README says {want:?}, the program prints {got:?}"));
            }
        }
        skipping = false;
    }
    if !skipping && at < actual.len() {
        return Err(format!(
            "the program prints more than README shows: {:?}",
            actual[at]
        ));
    }
    Ok(())
}

#[test]
fn every_command_example_prints_what_readme_shows() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out_dir = tempfile::tempdir().expect("tempdir");
    let report = out_dir.path().join("report.json");
    let mut checked = 0;
    for (lang, before, body) in blocks(&readme()) {
        if lang != "text" {
            continue;
        }
        let (command, expected) = match body.first().and_then(|l| l.strip_prefix("$ neardup ")) {
            Some(cmd) => (cmd.to_string(), &body[1..]),
            None => match before
                .strip_prefix("<!-- output of: neardup ")
                .and_then(|c| c.strip_suffix(" -->"))
            {
                Some(cmd) => (cmd.to_string(), &body[..]),
                None => continue,
            },
        };
        let mut args = args_of(&command);
        if args[0] == "scan" && !args.iter().any(|a| a == "--report") {
            args.extend(["--report".to_string(), report.display().to_string()]);
        }
        let arg_refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = neardup(root, &arg_refs);
        assert!(out.status.success(), "neardup {command} failed");
        let actual: Vec<String> = stdout(&out).lines().map(str::to_string).collect();
        if let Err(e) = matches(expected, &actual) {
            panic!(
                "README's example of `neardup {command}` is out of date: {e}\n--- the program prints:\n{}",
                actual.join("\n")
            );
        }
        checked += 1;
    }
    assert!(checked >= 3, "only {checked} examples found");
}

/// P(candidate) = 1 − (1 − s^r)^b.
fn p_candidate(s: f64, bands: u32, rows: u32) -> f64 {
    1.0 - (1.0 - s.powi(rows as i32)).powi(bands as i32)
}

#[test]
fn the_bands_and_rows_table_is_what_params_chooses() {
    let text = readme();
    let table: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("| design threshold | bands × rows"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .collect();
    assert!(table.len() >= 3, "the bands-and-rows table is missing");
    for row in table {
        let cells: Vec<&str> = row
            .split('|')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        let t: f64 = cells[0].parse().expect("threshold");
        let out = neardup(
            Path::new(env!("CARGO_MANIFEST_DIR")),
            &["params", "-t", cells[0], "--no-containment"],
        );
        let printed = stdout(&out);
        let lsh = printed
            .lines()
            .find_map(|l| l.strip_prefix("LSH: "))
            .expect("an LSH line");
        let words: Vec<&str> = lsh.split_whitespace().collect();
        let (bands, rows): (u32, u32) = (
            words[0].parse().expect("bands"),
            words[3].parse().expect("rows"),
        );
        assert_eq!(
            cells[1],
            format!("{bands} × {rows}"),
            "threshold {t}: params prints {lsh}"
        );
        for (cell, s) in cells[2..5].iter().zip([t - 0.1, t, t + 0.1]) {
            let p = format!("{:.2}", p_candidate(s.min(1.0), bands, rows));
            assert_eq!(*cell, p, "P(candidate) at {s:.2} for {bands} × {rows}");
        }
    }
}

/// Whether README's value `shown` is borne out by the report's `real`: objects by the keys
/// shown (a key "..." stands for others), arrays by the elements shown (in any order, "..."
/// for others), strings up to a "...", numbers to four places.
fn borne_out(shown: &serde_json::Value, real: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (shown, real) {
        (Value::Object(s), Value::Object(r)) => s
            .iter()
            .filter(|(k, _)| k.as_str() != "...")
            .all(|(k, v)| r.get(k).is_some_and(|rv| borne_out(v, rv))),
        (Value::Array(s), Value::Array(r)) => s
            .iter()
            .filter(|v| !v.as_str().is_some_and(|t| t.contains("...")))
            .all(|v| r.iter().any(|rv| borne_out(v, rv))),
        (Value::String(s), Value::String(r)) => match s.split_once("...") {
            Some((head, _)) => r.starts_with(head.trim_end()),
            None => s == r,
        },
        (Value::Number(s), Value::Number(r)) => {
            (s.as_f64().unwrap_or(f64::NAN) - r.as_f64().unwrap_or(f64::NAN)).abs() < 1e-4
        }
        (s, r) => s == r,
    }
}

#[test]
fn the_report_example_is_a_real_report_of_the_samples() {
    let (lang, _, body) = blocks(&readme())
        .into_iter()
        .find(|(lang, _, body)| lang == "json" && body.iter().any(|l| l.contains("\"summary\"")))
        .expect("README's report example");
    assert_eq!(lang, "json");
    let mut shown: serde_json::Value =
        serde_json::from_str(&body.join("\n")).expect("README's report example is JSON");
    // the one part that changes between runs
    shown.as_object_mut().expect("an object").remove("timing");
    let out = neardup(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["scan", "samples", "--report", "-", "-q", "--no-timing"],
    );
    assert!(out.status.success());
    let real: serde_json::Value = serde_json::from_slice(&out.stdout).expect("report");
    for (key, value) in shown.as_object().expect("an object") {
        assert!(
            real.get(key).is_some_and(|r| borne_out(value, r)),
            "README's report example differs from the report of samples/ at \"{key}\":\nREADME: {value}\nreport: {}",
            real.get(key).map(|v| v.to_string()).unwrap_or_default()
        );
    }
}
