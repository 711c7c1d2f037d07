//! The byte form of a [`DocParts`] record in the spill, written and read by hand.
//!
//! Every record is written once in pass 1 and read at least once in pass 2 (again in each
//! round that signs it again), so its encoding is on the hot path: serde with postcard cost
//! about 8% of a scan's CPU time in field-by-field calls. This form is a flat run of LEB128
//! varints and little-endian hash arrays. Each field of a line, block and unit is stored as
//! the difference from what the one before it predicts (the next line number, the byte after
//! the last line, the word after its words), zig-zag coded, so that a typical field takes one
//! byte; any values at all round-trip exactly, predicted or not. The format lives only as long
//! as one scan's temporary file, so it carries no version.

use std::io;

use super::{BlockPart, DocParts, LinePart};
use crate::detect::units::{Context, Region, Unit};

/// What the first block is predicted from.
const NO_BLOCK: BlockPart = BlockPart {
    lines: (0, 0),
    bytes: (0, 0),
};

/// Appends the encoding of `parts` to `out`.
pub(super) fn encode(parts: &DocParts, out: &mut Vec<u8>) {
    // Room for the usual sizes (a byte a field), so that pushes seldom grow the buffer.
    out.reserve(
        16 + parts.lines.len() * 8
            + parts.blocks.len() * 4
            + parts.units.len() * 24
            + parts.words.len() * 4
            + parts.norm.len()
            + parts.not_content.len() * 2
            + parts.text.len(),
    );
    let mut w = Writer { out };
    // The unit keys come first, in one run: counting them exactly reads no more.
    w.len(parts.units.len());
    for u in &parts.units {
        w.fixed64(u.key);
    }
    let mut prev_end = 0u32;
    for u in &parts.units {
        let (start, end) = (u.lines.start as u32, u.lines.end as u32);
        w.delta(prev_end, start);
        w.delta(start, end);
        w.delta(start, u.block as u32);
        w.uint(u.words as u64);
        let c = &u.context;
        w.fixed32(c.prev);
        w.fixed32(c.next);
        w.delta(start, c.from_top as u32);
        w.uint(c.from_bottom as u64);
        let region = match u.region {
            Region::Header => 0,
            Region::Body => 1,
            Region::Footer => 2,
        };
        w.out.push(
            region | (u.at_top as u8) << 2 | (c.in_table as u8) << 3 | (c.figures as u8) << 4,
        );
        prev_end = end;
    }
    w.len(parts.lines.len());
    let mut prev = LinePart::default();
    for l in &parts.lines {
        w.delta(prev.number.wrapping_add(1), l.number);
        w.delta(prev.bytes.1.wrapping_add(1), l.bytes.0);
        w.delta(l.bytes.0, l.bytes.1);
        w.delta(prev.first_word.wrapping_add(prev.words), l.first_word);
        w.uint(l.words as u64);
        w.delta(prev.norm.1.wrapping_add(1), l.norm.0);
        w.delta(l.norm.0, l.norm.1);
        prev = *l;
    }
    w.len(parts.blocks.len());
    let mut prev = NO_BLOCK;
    for b in &parts.blocks {
        w.delta(prev.lines.1, b.lines.0);
        w.delta(b.lines.0, b.lines.1);
        w.delta(prev.bytes.1, b.bytes.0);
        w.delta(b.bytes.0, b.bytes.1);
        prev = *b;
    }
    w.len(parts.words.len());
    if cfg!(target_endian = "little") {
        // SAFETY: any four bytes are a `u32` and a `u32`'s bytes are initialised; on a
        // little-endian machine its memory is its little-endian bytes.
        let bytes = unsafe {
            std::slice::from_raw_parts(parts.words.as_ptr().cast::<u8>(), parts.words.len() * 4)
        };
        w.out.extend_from_slice(bytes);
    } else {
        for word in &parts.words {
            w.out.extend_from_slice(&word.to_le_bytes());
        }
    }
    w.bytes(parts.norm.as_bytes());
    w.len(parts.not_content.len());
    let mut prev = 0u32;
    for &n in &parts.not_content {
        w.delta(prev, n);
        prev = n;
    }
    w.bytes(parts.text.as_bytes());
}

/// Reads a record written by [`encode`]; a damaged one is an error, never a panic.
pub(super) fn decode(bytes: &[u8]) -> io::Result<DocParts> {
    let mut r = Reader { bytes, at: 0 };
    // A key is 8 bytes and each unit's other fields at least 11 more.
    let keys = unit_keys(&mut r, 19)?;
    let mut units = Vec::with_capacity(keys.len());
    let mut prev_end = 0u32;
    for key in keys {
        let start = r.delta(prev_end)?;
        let end = r.delta(start)?;
        let block = r.delta(start)? as usize;
        let words = r.u32()?;
        let prev_hash = r.fixed32()?;
        let next_hash = r.fixed32()?;
        let from_top = to_u16(r.delta(start)?)?;
        let from_bottom = to_u16(r.u32()?)?;
        let flags = r.byte()?;
        let region = match flags & 3 {
            0 => Region::Header,
            1 => Region::Body,
            2 => Region::Footer,
            _ => return Err(damaged()),
        };
        units.push(Unit {
            key,
            lines: start as usize..end as usize,
            block,
            words,
            region,
            at_top: flags & 4 != 0,
            context: Context {
                prev: prev_hash,
                next: next_hash,
                from_top,
                from_bottom,
                in_table: flags & 8 != 0,
                figures: flags & 16 != 0,
            },
        });
        prev_end = end;
    }
    let mut parts = DocParts {
        lines: Vec::with_capacity(r.len(7)?),
        units,
        ..DocParts::default()
    };
    let mut prev = LinePart::default();
    for _ in 0..parts.lines.capacity() {
        let number = r.delta(prev.number.wrapping_add(1))?;
        let start = r.delta(prev.bytes.1.wrapping_add(1))?;
        let end = r.delta(start)?;
        let first_word = r.delta(prev.first_word.wrapping_add(prev.words))?;
        let words = r.u32()?;
        let norm_start = r.delta(prev.norm.1.wrapping_add(1))?;
        let norm_end = r.delta(norm_start)?;
        prev = LinePart {
            number,
            bytes: (start, end),
            first_word,
            words,
            norm: (norm_start, norm_end),
        };
        parts.lines.push(prev);
    }
    parts.blocks = Vec::with_capacity(r.len(4)?);
    let mut prev = NO_BLOCK;
    for _ in 0..parts.blocks.capacity() {
        let first = r.delta(prev.lines.1)?;
        let last = r.delta(first)?;
        let start = r.delta(prev.bytes.1)?;
        let end = r.delta(start)?;
        prev = BlockPart {
            lines: (first, last),
            bytes: (start, end),
        };
        parts.blocks.push(prev);
    }
    let words = r.len(4)?;
    parts.words = words_of(r.take(words * 4)?);
    parts.norm = r.string()?;
    parts.not_content = Vec::with_capacity(r.len(1)?);
    let mut prev = 0u32;
    for _ in 0..parts.not_content.capacity() {
        prev = r.delta(prev)?;
        parts.not_content.push(prev);
    }
    parts.text = r.string()?;
    if r.at != bytes.len() {
        return Err(damaged());
    }
    Ok(parts)
}

/// The unit keys of a record, which lead it: all that counting units needs.
pub(super) fn decode_unit_keys(bytes: &[u8]) -> io::Result<Vec<u64>> {
    unit_keys(&mut Reader { bytes, at: 0 }, 8)
}

/// Bytes from a record's start to the end of its unit keys, when its first bytes tell
/// (`None` when they are too few to hold the count).
pub(super) fn unit_keys_len(first_bytes: &[u8]) -> Option<usize> {
    let mut r = Reader {
        bytes: first_bytes,
        at: 0,
    };
    let n = usize::try_from(r.uint().ok()?).ok()?;
    n.checked_mul(8)?.checked_add(r.at)
}

/// The run of unit keys at the reader's place, each unit taking at least `min_bytes` of what
/// is left (a damaged count cannot ask for more memory than the record's bytes).
fn unit_keys(r: &mut Reader, min_bytes: usize) -> io::Result<Vec<u64>> {
    let n = r.len(min_bytes)?;
    (0..n).map(|_| r.fixed64()).collect()
}

/// The words of a record from their little-endian bytes (one copy on a little-endian machine).
fn words_of(bytes: &[u8]) -> Vec<u32> {
    let n = bytes.len() / 4;
    if cfg!(target_endian = "little") {
        let mut words: Vec<u32> = Vec::with_capacity(n);
        // SAFETY: the vector has room for `n` values, which the `4 * n` bytes copied into it
        // initialise completely (any bytes are a valid `u32`).
        unsafe {
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), words.as_mut_ptr().cast::<u8>(), n * 4);
            words.set_len(n);
        }
        words
    } else {
        bytes
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect()
    }
}

fn to_u16(v: u32) -> io::Result<u16> {
    u16::try_from(v).map_err(|_| damaged())
}

fn damaged() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        "a damaged record in the temporary file",
    )
}

struct Writer<'a> {
    out: &'a mut Vec<u8>,
}

impl Writer<'_> {
    #[inline(always)]
    fn uint(&mut self, mut v: u64) {
        if v < 0x80 {
            self.out.push(v as u8);
            return;
        }
        while v >= 0x80 {
            self.out.push(v as u8 | 0x80);
            v >>= 7;
        }
        self.out.push(v as u8);
    }

    #[inline(always)]
    fn len(&mut self, n: usize) {
        self.uint(n as u64);
    }

    /// `value` as its zig-zag coded difference from `predicted`.
    #[inline(always)]
    fn delta(&mut self, predicted: u32, value: u32) {
        let d = value.wrapping_sub(predicted) as i32;
        self.uint(((d << 1) ^ (d >> 31)) as u32 as u64);
    }

    fn fixed32(&mut self, v: u32) {
        self.out.extend_from_slice(&v.to_le_bytes());
    }

    fn fixed64(&mut self, v: u64) {
        self.out.extend_from_slice(&v.to_le_bytes());
    }

    fn bytes(&mut self, b: &[u8]) {
        self.len(b.len());
        self.out.extend_from_slice(b);
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    #[inline(always)]
    fn byte(&mut self) -> io::Result<u8> {
        let b = *self.bytes.get(self.at).ok_or_else(damaged)?;
        self.at += 1;
        Ok(b)
    }

    #[inline(always)]
    fn uint(&mut self) -> io::Result<u64> {
        // Most values take one byte.
        if let Some(&b) = self.bytes.get(self.at) {
            if b < 0x80 {
                self.at += 1;
                return Ok(b as u64);
            }
        }
        self.uint_long()
    }

    #[inline(never)]
    fn uint_long(&mut self) -> io::Result<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= ((b & 0x7F) as u64) << shift;
            if b < 0x80 {
                return Ok(v);
            }
        }
        Err(damaged())
    }

    #[inline(always)]
    fn u32(&mut self) -> io::Result<u32> {
        u32::try_from(self.uint()?).map_err(|_| damaged())
    }

    /// A count of items of at least `min_bytes` each, checked against the bytes left, so that
    /// a damaged count never reserves more than the record could hold.
    fn len(&mut self, min_bytes: usize) -> io::Result<usize> {
        let n = usize::try_from(self.uint()?).map_err(|_| damaged())?;
        let left = self.bytes.len() - self.at;
        if n.checked_mul(min_bytes).is_none_or(|b| b > left) {
            return Err(damaged());
        }
        Ok(n)
    }

    #[inline(always)]
    fn delta(&mut self, predicted: u32) -> io::Result<u32> {
        let z = self.u32()?;
        let d = (z >> 1) as i32 ^ -((z & 1) as i32);
        Ok(predicted.wrapping_add(d as u32))
    }

    #[inline(always)]
    fn take(&mut self, n: usize) -> io::Result<&'a [u8]> {
        let end = self.at.checked_add(n).ok_or_else(damaged)?;
        let taken = self.bytes.get(self.at..end).ok_or_else(damaged)?;
        self.at = end;
        Ok(taken)
    }

    #[inline(always)]
    fn fixed32(&mut self) -> io::Result<u32> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    #[inline(always)]
    fn fixed64(&mut self) -> io::Result<u64> {
        let b = self.take(8)?;
        let mut eight = [0u8; 8];
        eight.copy_from_slice(b);
        Ok(u64::from_le_bytes(eight))
    }

    fn string(&mut self) -> io::Result<String> {
        let n = self.len(1)?;
        let b = self.take(n)?;
        String::from_utf8(b.to_vec()).map_err(|_| damaged())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::units::units;
    use crate::text::segment;

    fn round_trip(parts: &DocParts) {
        let mut bytes = Vec::new();
        encode(parts, &mut bytes);
        assert_eq!(&decode(&bytes).expect("decodes"), parts);
        // The keys alone, from the record or from just its leading bytes.
        let keys: Vec<u64> = parts.units.iter().map(|u| u.key).collect();
        assert_eq!(decode_unit_keys(&bytes).expect("keys decode"), keys);
        let lead = unit_keys_len(&bytes).expect("the count is in the record");
        assert_eq!(decode_unit_keys(&bytes[..lead]).expect("keys decode"), keys);
        assert!(keys.is_empty() || decode_unit_keys(&bytes[..lead - 1]).is_err());
        // every cut and every flipped byte is an error or another record, never a panic
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        for i in 0..bytes.len() {
            let mut flipped = bytes.clone();
            flipped[i] ^= 0xA5;
            let _ = decode(&flipped);
        }
    }

    #[test]
    fn records_of_real_documents_round_trip() {
        let texts = [
            "",
            "One line",
            "Title\n\nFirst para, 2024 figures: 1,200 vs 900.\nIts second line.\n\n\
             Year  2023  2024\nNet   10    12\n\nFooter | Privacy | Terms\n",
            "  indented wire copy\nwrapped line\n  next para\nmore ’s text\nand so on\n",
        ];
        for t in texts {
            let seg = segment(t, false);
            for keep_norm in [false, true] {
                let mut parts = DocParts::of(&seg, units(t, &seg), keep_norm);
                round_trip(&parts);
                parts.not_content = vec![0, 2, 3];
                parts.text = t.to_string();
                round_trip(&parts);
            }
        }
    }

    #[test]
    fn values_far_from_their_prediction_round_trip() {
        let line = LinePart {
            number: u32::MAX,
            bytes: (7, 3),
            first_word: 0,
            words: u32::MAX,
            norm: (u32::MAX, 0),
        };
        let unit = Unit {
            key: u64::MAX,
            lines: std::ops::Range { start: 5, end: 2 },
            block: 0,
            words: 9,
            region: Region::Footer,
            at_top: true,
            context: Context {
                prev: u32::MAX,
                next: 1,
                from_top: u16::MAX,
                from_bottom: 0,
                in_table: true,
                figures: false,
            },
        };
        let parts = DocParts {
            lines: vec![line, line],
            blocks: vec![BlockPart {
                lines: (3, 1),
                bytes: (u32::MAX, 0),
            }],
            units: vec![unit.clone(), unit],
            words: vec![0, u32::MAX, 12345],
            norm: "é x".to_string(),
            not_content: vec![9, 1, u32::MAX],
            text: "text ✓".to_string(),
        };
        round_trip(&parts);
    }
}
