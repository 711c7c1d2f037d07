//! Writes a labelled evaluation or benchmark corpus and its truth file.
//!
//! ```text
//! cargo run --release --example make_corpus -- OUT [--reuters DIR] [--stories N] [--sites N]
//!     [--seed N] [--paragraphs LO..HI] [--basic | --forms LIST]
//! neardup eval OUT/corpus --truth OUT/truth.json --labels OUT/pairs.tsv
//! ```
//! With `--reuters` the stories are Reuters-21578 wire stories (natural duplicates among them
//! removed first); without it, synthetic text.
//!
//! The corpus has the forms real crawls have (`SynthOptions::with_real_site_forms`): stories
//! on several pages of their own site, thin dividend notices, short chrome lines, sliding link
//! lists and containment traps. `--forms` keeps only those listed (comma-separated, of
//! `variants`, `notices`, `chrome`, `lists`, `containment`); `--basic` (= `--forms none`)
//! writes the corpus without any, as the tests and benches use it. `OUT/pairs.tsv` labels the
//! pairs of the traps and notices one by one (what clusters cannot say), for `eval --labels`.

use std::path::PathBuf;
use std::process::ExitCode;

use neardup_synth::{
    drop_overlapping, generate, reuters_stories, synthetic_stories_sized, SynthOptions,
};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut out: Option<PathBuf> = None;
    let mut reuters: Option<PathBuf> = None;
    let mut opts = SynthOptions::default().with_real_site_forms();
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
                "--basic" => opts = forms(&opts, "none")?,
                "--forms" => opts = forms(&opts, &value("--forms")?)?,
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
        eprintln!("usage: make_corpus OUT [--reuters DIR] [--stories N] [--sites N] [--seed N] [--paragraphs LO..HI] [--basic | --forms LIST]");
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
            let pairs = out.join("pairs.tsv");
            for (path, text) in [(&path, json), (&pairs, truth.pairs_tsv())] {
                if let Err(e) = std::fs::write(path, text) {
                    eprintln!("make_corpus: cannot write '{}': {e}", path.display());
                    return ExitCode::from(1);
                }
            }
            eprintln!(
                "wrote {} documents ({:.1} MB), {} duplicate clusters, {} pairs labelled one by one, to {}",
                truth.documents,
                truth.bytes as f64 / 1e6,
                truth.truth.duplicate_clusters.len(),
                truth.labelled_pairs.len(),
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

/// `opts` with only the forms in `list` (comma-separated; `none` for none) on, at the rates of
/// `SynthOptions::with_real_site_forms`.
fn forms(opts: &SynthOptions, list: &str) -> Result<SynthOptions, String> {
    let on = opts.clone().with_real_site_forms();
    let mut out = SynthOptions {
        site_variant_rate: 0.0,
        notice_rate: 0.0,
        short_chrome: false,
        sliding_lists: false,
        containment_rate: 0.0,
        ..opts.clone()
    };
    for f in list.split(',').map(str::trim).filter(|f| !f.is_empty()) {
        match f {
            "none" => {}
            "variants" => out.site_variant_rate = on.site_variant_rate,
            "notices" => out.notice_rate = on.notice_rate,
            "chrome" => out.short_chrome = true,
            "lists" => out.sliding_lists = true,
            "containment" => out.containment_rate = on.containment_rate,
            other => {
                return Err(format!(
                    "--forms: unknown form '{other}' (variants, notices, chrome, lists, containment, none)"
                ))
            }
        }
    }
    Ok(out)
}
