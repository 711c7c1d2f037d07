//! Writes a labelled evaluation or benchmark corpus and its truth file.
//!
//! ```text
//! cargo run --release --example make_corpus -- OUT [--reuters DIR] [--stories N] [--sites N]
//!     [--seed N] [--paragraphs LO..HI]
//! neardup eval OUT/corpus --truth OUT/truth.json
//! ```
//! With `--reuters` the stories are Reuters-21578 wire stories (natural duplicates among them
//! removed first); without it, synthetic text.

use std::path::PathBuf;
use std::process::ExitCode;

use neardup_synth::{
    drop_overlapping, generate, reuters_stories, synthetic_stories_sized, SynthOptions,
};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut out: Option<PathBuf> = None;
    let mut reuters: Option<PathBuf> = None;
    let mut opts = SynthOptions::default();
    let mut paragraphs = 3..11;
    while let Some(a) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        let parsed: Result<(), String> = (|| {
            match a.as_str() {
                "--reuters" => reuters = Some(PathBuf::from(value("--reuters")?)),
                "--stories" => {
                    opts.stories = value("--stories")?
                        .parse()
                        .map_err(|e| format!("--stories: {e}"))?
                }
                "--sites" => {
                    opts.sites = value("--sites")?
                        .parse()
                        .map_err(|e| format!("--sites: {e}"))?
                }
                "--seed" => {
                    opts.seed = value("--seed")?
                        .parse()
                        .map_err(|e| format!("--seed: {e}"))?
                }
                "--paragraphs" => {
                    let v = value("--paragraphs")?;
                    let (lo, hi) = v.split_once("..").ok_or("--paragraphs takes LO..HI")?;
                    let lo: usize = lo.parse().map_err(|e| format!("--paragraphs: {e}"))?;
                    let hi: usize = hi.parse().map_err(|e| format!("--paragraphs: {e}"))?;
                    paragraphs = lo..hi.max(lo + 1);
                }
                other if !other.starts_with('-') && out.is_none() => {
                    out = Some(PathBuf::from(other))
                }
                other => return Err(format!("unknown argument '{other}'")),
            }
            Ok(())
        })();
        if let Err(e) = parsed {
            eprintln!("make_corpus: {e}");
            return ExitCode::from(2);
        }
    }
    let Some(out) = out else {
        eprintln!("usage: make_corpus OUT [--reuters DIR] [--stories N] [--sites N] [--seed N] [--paragraphs LO..HI]");
        return ExitCode::from(2);
    };
    let stories = match &reuters {
        Some(dir) => match reuters_stories(dir, 40) {
            Ok(s) => {
                let before = s.len();
                let s = drop_overlapping(s);
                eprintln!(
                    "{} Reuters stories, {} after dropping overlapping ones",
                    before,
                    s.len()
                );
                s
            }
            Err(e) => {
                eprintln!("make_corpus: cannot read '{}': {e}", dir.display());
                return ExitCode::from(2);
            }
        },
        None => synthetic_stories_sized(opts.stories, opts.seed, paragraphs),
    };
    let corpus = out.join("corpus");
    if corpus.exists() {
        eprintln!(
            "make_corpus: '{}' exists; remove it first",
            corpus.display()
        );
        return ExitCode::from(2);
    }
    match generate(&stories, &opts, &corpus) {
        Ok(truth) => {
            let path = out.join("truth.json");
            let json = serde_json::to_string(&truth).expect("truth serialises");
            if let Err(e) = std::fs::write(&path, json) {
                eprintln!("make_corpus: cannot write '{}': {e}", path.display());
                return ExitCode::from(1);
            }
            eprintln!(
                "wrote {} documents ({:.1} MB), {} duplicate clusters, to {}",
                truth.documents,
                truth.bytes as f64 / 1e6,
                truth.truth.duplicate_clusters.len(),
                corpus.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("make_corpus: {e}");
            ExitCode::from(1)
        }
    }
}
