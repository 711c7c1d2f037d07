//! The two small inline SVG charts: the similarity histogram and the LSH S-curve, each with
//! the threshold marked. Only numbers reach them, so nothing in them needs escaping.

use std::fmt::Write;

use crate::sketch::lsh::{catch_probability, LshParams};

/// Plot area of both charts, in SVG user units.
const W: f64 = 420.0;
const H: f64 = 150.0;
/// Margins: left (y labels), top, right, bottom (x labels).
const ML: f64 = 40.0;
const MT: f64 = 18.0;
const MR: f64 = 12.0;
const MB: f64 = 34.0;

fn x_at(v: f64) -> f64 {
    ML + v.clamp(0.0, 1.0) * W
}

fn y_at(v: f64) -> f64 {
    MT + H - v.clamp(0.0, 1.0) * H
}

/// The frame, the x axis ticks (Jaccard 0 to 1) and its label.
fn open(out: &mut String, label: &str, x_label: &str) {
    let _ = write!(
        out,
        r#"<svg class="chart" role="img" aria-label="{label}" viewBox="0 0 {} {}" xmlns="http://www.w3.org/2000/svg">"#,
        ML + W + MR,
        MT + H + MB
    );
    let _ = write!(
        out,
        r#"<line class="axis" x1="{ML}" y1="{y}" x2="{x2}" y2="{y}"/>"#,
        y = MT + H,
        x2 = ML + W
    );
    for i in 0..=10 {
        let v = i as f64 / 10.0;
        let x = x_at(v);
        let _ = write!(
            out,
            r#"<line class="tick" x1="{x:.1}" y1="{y1}" x2="{x:.1}" y2="{y2}"/><text class="tl" x="{x:.1}" y="{ty}" text-anchor="middle">{v:.1}</text>"#,
            y1 = MT + H,
            y2 = MT + H + 4.0,
            ty = MT + H + 15.0
        );
    }
    let _ = write!(
        out,
        r#"<text class="al" x="{}" y="{}" text-anchor="middle">{x_label}</text>"#,
        ML + W / 2.0,
        MT + H + MB - 3.0
    );
}

/// A vertical line at `v` with a label above the plot.
fn marker(out: &mut String, class: &str, v: f64, label: &str) {
    let x = x_at(v);
    let _ = write!(
        out,
        r#"<line class="{class}" x1="{x:.1}" y1="{MT}" x2="{x:.1}" y2="{y2}"/><text class="{class}-l" x="{x:.1}" y="{ty}" text-anchor="{anchor}">{label}</text>"#,
        y2 = MT + H,
        anchor = if v > 0.8 { "end" } else { "middle" },
        ty = MT - 5.0
    );
}

/// Bars of verified pairs (stacked on the near misses verification rejected) per bucket of
/// Jaccard, with the threshold marked. `None` when no pair was compared.
pub fn histogram(verified: &[u64], near_misses: &[u64], threshold: f64) -> Option<String> {
    let n = verified.len().max(near_misses.len());
    let at = |v: &[u64], i: usize| v.get(i).copied().unwrap_or(0);
    let max = (0..n)
        .map(|i| at(verified, i) + at(near_misses, i))
        .max()
        .unwrap_or(0);
    if max == 0 {
        return None;
    }
    let mut out = String::new();
    open(&mut out, "similarity histogram", "Jaccard of the pair");
    let width = W / n as f64;
    for i in 0..n {
        let (v, m) = (at(verified, i), at(near_misses, i));
        let x = ML + i as f64 * width;
        let (lo, hi) = (i as f64 / n as f64, (i + 1) as f64 / n as f64);
        let _ = write!(
            out,
            r#"<g><title>{lo:.2}–{hi:.2}: {v} verified, {m} rejected</title>"#
        );
        let mut base = 0.0;
        for (count, class) in [(v, "bar-v"), (m, "bar-m")] {
            if count == 0 {
                continue;
            }
            let h = count as f64 / max as f64 * H;
            let _ = write!(
                out,
                r#"<rect class="{class}" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}"/>"#,
                x + 1.0,
                MT + H - base - h,
                (width - 2.0).max(1.0),
                h.max(1.0)
            );
            base += h;
        }
        out.push_str("</g>");
    }
    let _ = write!(
        out,
        r#"<text class="tl" x="{}" y="{}" text-anchor="end">{max}</text><text class="tl" x="{}" y="{}" text-anchor="end">0</text>"#,
        ML - 4.0,
        MT + 8.0,
        ML - 4.0,
        MT + H
    );
    marker(
        &mut out,
        "thr",
        threshold,
        &format!("threshold {threshold}"),
    );
    out.push_str("</svg>");
    Some(out)
}

/// The probability that a pair of Jaccard s becomes a candidate, `1-(1-s^r)^b`, with the
/// threshold and the Jaccard the bands were designed for marked.
pub fn s_curve(params: LshParams, threshold: f64, design: f64) -> String {
    let mut out = String::new();
    open(&mut out, "LSH S-curve", "Jaccard of the pair");
    for p in [0.0, 0.5, 1.0] {
        let y = y_at(p);
        let _ = write!(
            out,
            r#"<line class="grid" x1="{ML}" y1="{y:.1}" x2="{}" y2="{y:.1}"/><text class="tl" x="{}" y="{:.1}" text-anchor="end">{p:.1}</text>"#,
            ML + W,
            ML - 4.0,
            y + 3.0
        );
    }
    out.push_str(r#"<polyline class="curve" points=""#);
    for i in 0..=100 {
        let s = i as f64 / 100.0;
        let _ = write!(
            out,
            "{:.1},{:.1} ",
            x_at(s),
            y_at(catch_probability(s, params))
        );
    }
    out.push_str(r#""/>"#);
    if (design - threshold).abs() > 0.005 {
        marker(&mut out, "design", design, &format!("design {design:.2}"));
    }
    marker(
        &mut out,
        "thr",
        threshold,
        &format!("threshold {threshold}"),
    );
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_draws_a_bar_per_non_empty_bucket_and_the_threshold() {
        let mut v = vec![0; 20];
        let mut m = vec![0; 20];
        v[15] = 4;
        m[15] = 1;
        m[8] = 2;
        let svg = histogram(&v, &m, 0.7).expect("pairs");
        assert_eq!(svg.matches("<rect").count(), 3);
        assert!(svg.contains("0.75–0.80: 4 verified, 1 rejected"));
        assert!(svg.contains("threshold 0.7"));
        assert_eq!(histogram(&[0; 20], &[], 0.7), None);
    }

    #[test]
    fn s_curve_rises_from_zero_to_one() {
        let svg = s_curve(LshParams { bands: 22, rows: 5 }, 0.7, 0.36);
        assert!(svg.contains(&format!("{:.1},{:.1} ", x_at(0.0), y_at(0.0))));
        assert!(svg.contains(&format!("{:.1},{:.1} ", x_at(1.0), y_at(1.0))));
        assert!(svg.contains("design 0.36"));
    }
}
