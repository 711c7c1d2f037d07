//! Property tests (bounded cases, in every test run): MinHash estimates, and the readers (text,
//! JSON Lines, gzip, zstd, HTML, WARC) on arbitrary bytes and on valid inputs damaged. The
//! Parquet reader's damage tests are in `hostile`.

mod html;
mod minhash;
mod text_readers;
mod warc;

/// A valid input broken: a byte flipped, the end cut off, or a piece of garbage spliced in.
pub fn broken(valid: Vec<u8>, cut: usize, flip: usize, splice: Vec<u8>, how: u8) -> Vec<u8> {
    let mut b = valid;
    match how % 4 {
        0 if !b.is_empty() => {
            let at = flip % b.len();
            b[at] ^= 0x55;
        }
        1 => b.truncate(cut % (b.len() + 1)),
        2 => {
            let at = cut % (b.len() + 1);
            b.splice(at..at, splice);
        }
        _ => {}
    }
    b
}
