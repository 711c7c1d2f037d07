//! What a Parquet file claims, checked before the parquet crate reads it: the crate allocates
//! what the file's metadata and page headers say (a dictionary of as many values as its header
//! claims, a page buffer of its claimed size, a list of as many entries as its thrift header
//! claims), so a damaged 200-byte file could make it take gigabytes. Here the footer's thrift
//! is walked with the format's own types (parquet_thrift: a field stated with another type is
//! damage, lists and strings are held to the bytes that hold them), each column chunk read to
//! the file's length, and each page header of the columns read walked the same way: its sizes
//! held to its column chunk and to a bound of `--max-bytes`, a dictionary's values to the
//! bytes of its page.

use std::io::Read;
use std::sync::Arc;

use bytes::Bytes;
use parquet::basic::Compression;
use parquet::file::metadata::RowGroupMetaData;
use parquet::file::reader::{ChunkReader, Length};

use super::parquet_thrift::{Thrift, FILE_META_DATA, PAGE_HEADER, PAGE_VALUES, SCHEMA_ELEMENT};

/// A file's bytes shared by the parquet crate's reader and these checks; a read past the end
/// of the file is refused before a buffer is allocated for it (the crate's reader of a file
/// reserves the length asked for first).
pub(super) struct Shared<R>(pub(super) Arc<R>);

impl<R> Clone for Shared<R> {
    fn clone(&self) -> Self {
        Shared(Arc::clone(&self.0))
    }
}

impl<R: ChunkReader> Length for Shared<R> {
    fn len(&self) -> u64 {
        self.0.len()
    }
}

impl<R: ChunkReader> ChunkReader for Shared<R> {
    type T = R::T;

    fn get_read(&self, start: u64) -> parquet::errors::Result<Self::T> {
        self.0.get_read(start)
    }

    fn get_bytes(&self, start: u64, length: usize) -> parquet::errors::Result<Bytes> {
        if start.saturating_add(length as u64) > self.0.len() {
            return Err(parquet::errors::ParquetError::EOF(format!(
                "{length} bytes claimed at offset {start}, past the end of the file ({} bytes)",
                self.0.len()
            )));
        }
        self.0.get_bytes(start, length)
    }
}

/// The largest page, decompressed, that is read: twice `--max-bytes` (a page holds at least
/// one row; a row's text over `--max-bytes` is skipped anyway, with its reason).
pub(super) fn page_bound(max_bytes: u64) -> u64 {
    max_bytes.saturating_mul(2)
}

/// Checks the thrift of the file's footer with the format's types (parquet_thrift): every
/// field of the type the format gives it, every list and string no longer than the bytes left
/// to hold it, and each schema element's count of children within the schema's count of
/// elements (the crate reserves a slot for each). `Err` says what is wrong.
pub(super) fn check_footer<R: ChunkReader>(source: &R) -> Result<(), String> {
    let len = source.len();
    if len < 12 {
        return Ok(()); // the crate's own check names a file too short
    }
    let tail = source.get_bytes(len - 8, 8).map_err(|e| e.to_string())?;
    let footer = u64::from(u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]));
    if footer + 8 > len {
        return Ok(()); // named by the crate: the footer runs past the start of the file
    }
    let input = source
        .get_read(len - 8 - footer)
        .map_err(|e| e.to_string())?;
    let mut thrift = Thrift::new(input, footer);
    let mut elements = 0i64;
    thrift
        .walk(&FILE_META_DATA, 0, &mut |owner, id, n| {
            if (owner, id) == (FILE_META_DATA.name, 2) {
                elements = n;
            } else if (owner, id) == (SCHEMA_ELEMENT.name, 5) && !(0..elements).contains(&n) {
                return Err(format!(
                    "a schema element claims {n} children among {elements} elements"
                ));
            }
            Ok(())
        })
        .map_err(|e| format!("damaged file metadata: {e}"))
}

/// Checks one row group before it is read: its row count, and for each column chunk whose
/// top-level name is in `columns`, its byte range against the file and each of its pages.
pub(super) fn check_row_group<R: ChunkReader>(
    source: &R,
    group: &RowGroupMetaData,
    columns: &[&str],
    max_bytes: u64,
) -> Result<(), String> {
    if group.num_rows() < 0 {
        return Err(format!("the row group claims {} rows", group.num_rows()));
    }
    for column in group.columns() {
        let name = column.column_path().parts().first().map(String::as_str);
        if !name.is_some_and(|n| columns.contains(&n)) {
            continue;
        }
        let shown = column.column_path().string();
        let start = column
            .dictionary_page_offset()
            .unwrap_or_else(|| column.data_page_offset());
        let size = column.compressed_size();
        let end = u64::try_from(start)
            .ok()
            .zip(u64::try_from(size).ok())
            .and_then(|(s, n)| s.checked_add(n).map(|e| (s, n, e)));
        let Some((start, size, _)) = end.filter(|(_, _, e)| *e <= source.len()) else {
            return Err(format!(
                "column '{shown}' claims {size} bytes at offset {start}, past the end of the \
                 file ({} bytes)",
                source.len()
            ));
        };
        check_pages(source, start, size, column.compression(), max_bytes)
            .map_err(|e| format!("column '{shown}': {e}"))?;
    }
    Ok(())
}

/// What a page header claims.
#[derive(Debug, Default)]
struct PageClaim {
    /// 0 data page, 1 index page, 2 dictionary page, 3 data page v2.
    kind: i64,
    uncompressed: i64,
    compressed: i64,
    /// Values of a dictionary or data page.
    values: i64,
}

/// Dictionary pages, by the format's page type.
const DICTIONARY_PAGE: i64 = 2;

/// Walks the page headers of a column chunk of `size` bytes at `start`.
fn check_pages<R: ChunkReader>(
    source: &R,
    start: u64,
    size: u64,
    codec: Compression,
    max_bytes: u64,
) -> Result<(), String> {
    let (mut at, mut left) = (start, size);
    let mut page = 0u64;
    while left > 0 {
        page += 1;
        let input = source.get_read(at).map_err(|e| e.to_string())?;
        let mut thrift = Thrift::new(input, left);
        let claim =
            page_header(&mut thrift).map_err(|e| format!("page {page}: damaged header: {e}"))?;
        let header = left - thrift.left;
        left = thrift.left;
        check_claim(page, &claim, left, max_bytes)?;
        let data = at + header;
        if claim.kind != INDEX_PAGE {
            check_inflation(source, data, &claim, codec)
                .map_err(|e| format!("page {page}: {e}"))?;
        }
        at = data + claim.compressed as u64;
        left -= claim.compressed as u64;
    }
    Ok(())
}

/// Holds what page `page` claims to its column chunk's `left` bytes and to `--max-bytes`.
fn check_claim(page: u64, claim: &PageClaim, left: u64, max_bytes: u64) -> Result<(), String> {
    let bound = page_bound(max_bytes);
    if claim.compressed < 0 || claim.compressed as u64 > left {
        return Err(format!(
            "page {page} claims {} bytes where its column chunk has {left} left",
            claim.compressed
        ));
    }
    if claim.uncompressed < 0 || claim.uncompressed as u64 > bound {
        return Err(format!(
            "page {page} claims {} bytes decompressed, more than twice --max-bytes \
             ({bound} bytes; raise --max-bytes to read it)",
            claim.uncompressed
        ));
    }
    // No codec grows a page by more than a quarter and a few bytes (Snappy, the worst, by a
    // sixth and 32 bytes): more compressed bytes would be read for nothing.
    let most = claim.uncompressed + claim.uncompressed / 4 + 1024;
    if claim.compressed > most {
        return Err(format!(
            "page {page} claims {} bytes compressed for {} bytes decompressed",
            claim.compressed, claim.uncompressed
        ));
    }
    if claim.kind != DICTIONARY_PAGE {
        return Ok(());
    }
    // A dictionary value takes at least 4 bytes (a length, or an INT32), and the reader
    // holds 32 bytes for each: more values than either bound would be allocated for nothing.
    let slots = dictionary_values(max_bytes);
    if claim.values < 0 || claim.values > claim.uncompressed / 4 + 1 || claim.values > slots {
        return Err(format!(
            "dictionary page {page} claims {} values in {} bytes (at most one per 4 bytes \
             and {slots} in all)",
            claim.values, claim.uncompressed
        ));
    }
    Ok(())
}

/// The most values a dictionary page may hold: their slots (32 bytes each) within twice
/// `--max-bytes`, and a million at least (writers cut a dictionary at about 1 MB).
pub(super) fn dictionary_values(max_bytes: u64) -> i64 {
    i64::try_from(max_bytes / 16)
        .unwrap_or(i64::MAX)
        .max(1 << 20)
}

/// Index pages, which the reader passes over.
const INDEX_PAGE: i64 = 1;

/// A zstd or Brotli page is decompressed into nothing, no further than one byte past the size
/// its header claims: the parquet crate decompresses it whole before it compares the sizes,
/// and these two codecs inflate without bound (gzip and LZ4 at most about 1,000 and 255
/// times, so those pages stay within that of the file's size).
fn check_inflation<R: ChunkReader>(
    source: &R,
    at: u64,
    claim: &PageClaim,
    codec: Compression,
) -> Result<(), String> {
    if !matches!(codec, Compression::ZSTD(_) | Compression::BROTLI(_)) || claim.compressed == 0 {
        return Ok(());
    }
    let page = source
        .get_bytes(at, claim.compressed as usize)
        .map_err(|e| e.to_string())?;
    let most = claim.uncompressed as u64 + 1;
    let inflated = match codec {
        Compression::ZSTD(_) => zstd::stream::read::Decoder::new(&page[..])
            .and_then(|d| std::io::copy(&mut d.take(most), &mut std::io::sink())),
        _ => std::io::copy(
            &mut brotli::Decompressor::new(&page[..], 4096).take(most),
            &mut std::io::sink(),
        ),
    };
    match inflated {
        // a damaged stream is for the crate to name, where it reads it
        Err(_) => Ok(()),
        Ok(n) if n >= most => Err(format!(
            "it decompresses to more than the {} bytes its header claims",
            claim.uncompressed
        )),
        Ok(_) => Ok(()),
    }
}

/// Reads a page header with the format's types: its type and sizes, and the values of its
/// data or dictionary header.
fn page_header<R: Read>(thrift: &mut Thrift<R>) -> Result<PageClaim, String> {
    let mut claim = PageClaim::default();
    thrift.walk(&PAGE_HEADER, 0, &mut |owner, id, n| {
        match (owner, id) {
            (_, 1) if PAGE_VALUES.contains(&owner) => claim.values = n,
            (_, 1) if owner == PAGE_HEADER.name => claim.kind = n,
            (_, 2) if owner == PAGE_HEADER.name => claim.uncompressed = n,
            (_, 3) if owner == PAGE_HEADER.name => claim.compressed = n,
            _ => {}
        }
        Ok(())
    })?;
    Ok(claim)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page header in the thrift compact protocol: type, sizes, and a dictionary header.
    fn dictionary_header(uncompressed: i32, compressed: i32, values: i32) -> Vec<u8> {
        let zz = |v: i32| {
            let mut n = ((v << 1) ^ (v >> 31)) as u32;
            let mut out = Vec::new();
            loop {
                if n < 0x80 {
                    out.push(n as u8);
                    return out;
                }
                out.push((n as u8 & 0x7f) | 0x80);
                n >>= 7;
            }
        };
        let mut h = vec![0x15];
        h.extend(zz(2));
        h.push(0x15);
        h.extend(zz(uncompressed));
        h.push(0x15);
        h.extend(zz(compressed));
        h.push(0x4c); // field 7, a struct
        h.push(0x15);
        h.extend(zz(values));
        h.extend([0, 0]);
        h
    }

    #[test]
    fn a_dictionary_claiming_more_values_than_its_bytes_is_refused() {
        let mut page = dictionary_header(8, 8, 2);
        page.extend([0u8; 8]);
        let ok = bytes::Bytes::from(page.clone());
        assert_eq!(
            check_pages(
                &ok,
                0,
                page.len() as u64,
                Compression::UNCOMPRESSED,
                1 << 20
            ),
            Ok(())
        );
        let mut bad = dictionary_header(8, 8, 150_000_000);
        bad.extend([0u8; 8]);
        let err = check_pages(
            &bytes::Bytes::from(bad.clone()),
            0,
            bad.len() as u64,
            Compression::UNCOMPRESSED,
            1 << 20,
        );
        assert_eq!(
            err,
            Err(
                "dictionary page 1 claims 150000000 values in 8 bytes (at most one per 4 bytes \
                 and 1048576 in all)"
                    .to_string()
            )
        );
    }

    #[test]
    fn page_sizes_are_held_to_the_chunk_and_the_bound() {
        let mut page = dictionary_header(2_000_000_000, 8, 2);
        page.extend([0u8; 8]);
        let err = check_pages(
            &bytes::Bytes::from(page.clone()),
            0,
            page.len() as u64,
            Compression::UNCOMPRESSED,
            1 << 20,
        );
        assert!(err.is_err_and(|e| e.contains("more than twice --max-bytes")));
        let mut page = dictionary_header(8, 1_000_000, 2);
        page.extend([0u8; 8]);
        let err = check_pages(
            &bytes::Bytes::from(page.clone()),
            0,
            page.len() as u64,
            Compression::UNCOMPRESSED,
            1 << 20,
        );
        assert!(err.is_err_and(|e| e.contains("claims 1000000 bytes where its column chunk")));
    }

    #[test]
    fn a_zstd_page_inflating_past_its_claim_is_refused() {
        let bomb = zstd::stream::encode_all(&vec![b'x'; 10 << 20][..], 3).expect("zstd");
        let mut page = dictionary_header(100, bomb.len() as i32, 2);
        page.extend(&bomb);
        let zstd = Compression::ZSTD(Default::default());
        let err = check_pages(
            &Bytes::from(page.clone()),
            0,
            page.len() as u64,
            zstd,
            1 << 20,
        );
        assert_eq!(
            err,
            Err("page 1: it decompresses to more than the 100 bytes its header claims".into())
        );
        let honest = zstd::stream::encode_all(&[b'x'; 100][..], 3).expect("zstd");
        let mut page = dictionary_header(100, honest.len() as i32, 2);
        page.extend(&honest);
        let ok = check_pages(
            &Bytes::from(page.clone()),
            0,
            page.len() as u64,
            zstd,
            1 << 20,
        );
        assert_eq!(ok, Ok(()));
    }
}
