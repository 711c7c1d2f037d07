//! The thrift of a Parquet file's footer and page headers, walked with the Parquet format's own
//! types before the parquet crate reads it. The crate reads each field it knows as the type the
//! format gives it, whatever type the file states for it; a walk that followed the stated types
//! would fall out of step with the crate's reading, and pass a list header the crate then
//! reserves gigabytes for. So a field whose stated type differs from the format's is damage, a
//! list is held to the bytes left (each element takes at least the bytes of its required
//! fields), and nothing is allocated.

use std::io::Read;

/// Thrift structures nested deeper than this are damage (the format nests a few levels).
const MAX_DEPTH: u32 = 32;

/// A thrift type, as the Parquet format gives a field or a list's elements.
#[derive(Clone, Copy, Debug)]
pub(super) enum Shape {
    Bool,
    Byte,
    I16,
    I32,
    I64,
    Double,
    /// A string or binary.
    Binary,
    List(&'static Shape),
    /// A struct or a union.
    Struct(&'static Schema),
}

/// A struct of the format: its fields by id (fields not named are passed over by the type the
/// file states, as the crate passes over them).
#[derive(Debug)]
pub(super) struct Schema {
    pub(super) name: &'static str,
    fields: &'static [Field],
}

/// One field of a [`Schema`].
#[derive(Debug)]
struct Field {
    id: i16,
    name: &'static str,
    shape: Shape,
    /// A required field is in every valid encoding of its struct (it counts in the least
    /// number of bytes an element of a list takes).
    required: bool,
}

const fn req(id: i16, name: &'static str, shape: Shape) -> Field {
    Field {
        id,
        name,
        shape,
        required: true,
    }
}

const fn opt(id: i16, name: &'static str, shape: Shape) -> Field {
    Field {
        id,
        name,
        shape,
        required: false,
    }
}

use Shape::{Binary, Bool, Byte, Double, List, Struct, I16, I32, I64};

/// A struct whose fields are all passed over (the unions' empty members, and the encryption
/// metadata this build does not read).
const OPAQUE: Schema = Schema {
    name: "struct",
    fields: &[],
};

/// `FileMetaData`, the footer.
pub(super) const FILE_META_DATA: Schema = Schema {
    name: "FileMetaData",
    fields: &[
        req(1, "version", I32),
        req(2, "schema", List(&Struct(&SCHEMA_ELEMENT))),
        req(3, "num_rows", I64),
        req(4, "row_groups", List(&Struct(&ROW_GROUP))),
        opt(5, "key_value_metadata", List(&Struct(&KEY_VALUE))),
        opt(6, "created_by", Binary),
        opt(7, "column_orders", List(&Struct(&COLUMN_ORDER))),
    ],
};

/// `SchemaElement`.
pub(super) const SCHEMA_ELEMENT: Schema = Schema {
    name: "SchemaElement",
    fields: &[
        opt(1, "type", I32),
        opt(2, "type_length", I32),
        opt(3, "repetition_type", I32),
        req(4, "name", Binary),
        opt(5, "num_children", I32),
        opt(6, "converted_type", I32),
        opt(7, "scale", I32),
        opt(8, "precision", I32),
        opt(9, "field_id", I32),
        opt(10, "logicalType", Struct(&LOGICAL_TYPE)),
    ],
};

const LOGICAL_TYPE: Schema = Schema {
    name: "LogicalType",
    fields: &[
        opt(1, "STRING", Struct(&OPAQUE)),
        opt(2, "MAP", Struct(&OPAQUE)),
        opt(3, "LIST", Struct(&OPAQUE)),
        opt(4, "ENUM", Struct(&OPAQUE)),
        opt(5, "DECIMAL", Struct(&DECIMAL_TYPE)),
        opt(6, "DATE", Struct(&OPAQUE)),
        opt(7, "TIME", Struct(&TIME_TYPE)),
        opt(8, "TIMESTAMP", Struct(&TIME_TYPE)),
        opt(10, "INTEGER", Struct(&INT_TYPE)),
        opt(11, "UNKNOWN", Struct(&OPAQUE)),
        opt(12, "JSON", Struct(&OPAQUE)),
        opt(13, "BSON", Struct(&OPAQUE)),
        opt(14, "UUID", Struct(&OPAQUE)),
        opt(15, "FLOAT16", Struct(&OPAQUE)),
        opt(16, "VARIANT", Struct(&VARIANT_TYPE)),
        opt(17, "GEOMETRY", Struct(&GEOMETRY_TYPE)),
        opt(18, "GEOGRAPHY", Struct(&GEOGRAPHY_TYPE)),
    ],
};

const DECIMAL_TYPE: Schema = Schema {
    name: "DecimalType",
    fields: &[req(1, "scale", I32), req(2, "precision", I32)],
};

const TIME_TYPE: Schema = Schema {
    name: "TimeType",
    fields: &[
        req(1, "isAdjustedToUTC", Bool),
        req(2, "unit", Struct(&TIME_UNIT)),
    ],
};

const TIME_UNIT: Schema = Schema {
    name: "TimeUnit",
    fields: &[
        opt(1, "MILLIS", Struct(&OPAQUE)),
        opt(2, "MICROS", Struct(&OPAQUE)),
        opt(3, "NANOS", Struct(&OPAQUE)),
    ],
};

const INT_TYPE: Schema = Schema {
    name: "IntType",
    fields: &[req(1, "bitWidth", Byte), req(2, "isSigned", Bool)],
};

const VARIANT_TYPE: Schema = Schema {
    name: "VariantType",
    fields: &[opt(1, "specification_version", Byte)],
};

const GEOMETRY_TYPE: Schema = Schema {
    name: "GeometryType",
    fields: &[opt(1, "crs", Binary)],
};

const GEOGRAPHY_TYPE: Schema = Schema {
    name: "GeographyType",
    fields: &[opt(1, "crs", Binary), opt(2, "algorithm", I32)],
};

const ROW_GROUP: Schema = Schema {
    name: "RowGroup",
    fields: &[
        req(1, "columns", List(&Struct(&COLUMN_CHUNK))),
        req(2, "total_byte_size", I64),
        req(3, "num_rows", I64),
        opt(4, "sorting_columns", List(&Struct(&SORTING_COLUMN))),
        opt(5, "file_offset", I64),
        opt(6, "total_compressed_size", I64),
        opt(7, "ordinal", I16),
    ],
};

const SORTING_COLUMN: Schema = Schema {
    name: "SortingColumn",
    fields: &[
        req(1, "column_idx", I32),
        req(2, "descending", Bool),
        req(3, "nulls_first", Bool),
    ],
};

const COLUMN_CHUNK: Schema = Schema {
    name: "ColumnChunk",
    fields: &[
        opt(1, "file_path", Binary),
        req(2, "file_offset", I64),
        opt(3, "meta_data", Struct(&COLUMN_META_DATA)),
        opt(4, "offset_index_offset", I64),
        opt(5, "offset_index_length", I32),
        opt(6, "column_index_offset", I64),
        opt(7, "column_index_length", I32),
        opt(8, "crypto_metadata", Struct(&OPAQUE)),
        opt(9, "encrypted_column_metadata", Binary),
    ],
};

const COLUMN_META_DATA: Schema = Schema {
    name: "ColumnMetaData",
    fields: &[
        req(1, "type", I32),
        req(2, "encodings", List(&I32)),
        req(3, "path_in_schema", List(&Binary)),
        req(4, "codec", I32),
        req(5, "num_values", I64),
        req(6, "total_uncompressed_size", I64),
        req(7, "total_compressed_size", I64),
        opt(8, "key_value_metadata", List(&Struct(&KEY_VALUE))),
        req(9, "data_page_offset", I64),
        opt(10, "index_page_offset", I64),
        opt(11, "dictionary_page_offset", I64),
        opt(12, "statistics", Struct(&STATISTICS)),
        opt(13, "encoding_stats", List(&Struct(&PAGE_ENCODING_STATS))),
        opt(14, "bloom_filter_offset", I64),
        opt(15, "bloom_filter_length", I32),
        opt(16, "size_statistics", Struct(&SIZE_STATISTICS)),
        opt(17, "geospatial_statistics", Struct(&GEOSPATIAL_STATISTICS)),
    ],
};

const STATISTICS: Schema = Schema {
    name: "Statistics",
    fields: &[
        opt(1, "max", Binary),
        opt(2, "min", Binary),
        opt(3, "null_count", I64),
        opt(4, "distinct_count", I64),
        opt(5, "max_value", Binary),
        opt(6, "min_value", Binary),
        opt(7, "is_max_value_exact", Bool),
        opt(8, "is_min_value_exact", Bool),
    ],
};

const SIZE_STATISTICS: Schema = Schema {
    name: "SizeStatistics",
    fields: &[
        opt(1, "unencoded_byte_array_data_bytes", I64),
        opt(2, "repetition_level_histogram", List(&I64)),
        opt(3, "definition_level_histogram", List(&I64)),
    ],
};

const GEOSPATIAL_STATISTICS: Schema = Schema {
    name: "GeospatialStatistics",
    fields: &[
        opt(1, "bbox", Struct(&BOUNDING_BOX)),
        opt(2, "geospatial_types", List(&I32)),
    ],
};

const BOUNDING_BOX: Schema = Schema {
    name: "BoundingBox",
    fields: &[
        req(1, "xmin", Double),
        req(2, "xmax", Double),
        req(3, "ymin", Double),
        req(4, "ymax", Double),
        opt(5, "zmin", Double),
        opt(6, "zmax", Double),
        opt(7, "mmin", Double),
        opt(8, "mmax", Double),
    ],
};

const KEY_VALUE: Schema = Schema {
    name: "KeyValue",
    fields: &[req(1, "key", Binary), opt(2, "value", Binary)],
};

const PAGE_ENCODING_STATS: Schema = Schema {
    name: "PageEncodingStats",
    fields: &[
        req(1, "page_type", I32),
        req(2, "encoding", I32),
        req(3, "count", I32),
    ],
};

const COLUMN_ORDER: Schema = Schema {
    name: "ColumnOrder",
    fields: &[opt(1, "TYPE_ORDER", Struct(&OPAQUE))],
};

/// `PageHeader`, before each page of a column chunk.
pub(super) const PAGE_HEADER: Schema = Schema {
    name: "PageHeader",
    fields: &[
        req(1, "type", I32),
        req(2, "uncompressed_page_size", I32),
        req(3, "compressed_page_size", I32),
        opt(4, "crc", I32),
        opt(5, "data_page_header", Struct(&DATA_PAGE_HEADER)),
        opt(6, "index_page_header", Struct(&OPAQUE)),
        opt(7, "dictionary_page_header", Struct(&DICTIONARY_PAGE_HEADER)),
        opt(8, "data_page_header_v2", Struct(&DATA_PAGE_HEADER_V2)),
    ],
};

/// The page headers whose field 1 is the page's number of values.
pub(super) const PAGE_VALUES: [&str; 3] =
    ["DataPageHeader", "DictionaryPageHeader", "DataPageHeaderV2"];

const DATA_PAGE_HEADER: Schema = Schema {
    name: "DataPageHeader",
    fields: &[
        req(1, "num_values", I32),
        req(2, "encoding", I32),
        req(3, "definition_level_encoding", I32),
        req(4, "repetition_level_encoding", I32),
        opt(5, "statistics", Struct(&STATISTICS)),
    ],
};

const DICTIONARY_PAGE_HEADER: Schema = Schema {
    name: "DictionaryPageHeader",
    fields: &[
        req(1, "num_values", I32),
        req(2, "encoding", I32),
        opt(3, "is_sorted", Bool),
    ],
};

const DATA_PAGE_HEADER_V2: Schema = Schema {
    name: "DataPageHeaderV2",
    fields: &[
        req(1, "num_values", I32),
        req(2, "num_nulls", I32),
        req(3, "num_rows", I32),
        req(4, "encoding", I32),
        req(5, "definition_levels_byte_length", I32),
        req(6, "repetition_levels_byte_length", I32),
        opt(7, "is_compressed", Bool),
        opt(8, "statistics", Struct(&STATISTICS)),
    ],
};

impl Shape {
    /// Whether a value the file states as thrift type `wire` is one of this shape (a list
    /// may be stated as a set: both are read alike).
    fn stated_as(self, wire: u8) -> bool {
        match self {
            Bool => matches!(wire, 1 | 2),
            Byte => wire == 3,
            I16 => wire == 4,
            I32 => wire == 5,
            I64 => wire == 6,
            Double => wire == 7,
            Binary => wire == 8,
            List(_) => matches!(wire, 9 | 10),
            Struct(_) => wire == 12,
        }
    }

    /// The fewest bytes a value of this shape takes (in a list; a struct's boolean field is
    /// in its field header).
    fn least_bytes(self) -> u64 {
        match self {
            Double => 8,
            Struct(schema) => {
                let fields = schema.fields.iter().filter(|f| f.required);
                1 + fields
                    .map(|f| match f.shape {
                        Bool => 1,
                        shape => 1 + shape.least_bytes(),
                    })
                    .sum::<u64>()
            }
            _ => 1,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Bool => "bool",
            Byte => "byte",
            I16 => "i16",
            I32 => "i32",
            I64 => "i64",
            Double => "double",
            Binary => "binary",
            List(_) => "list",
            Struct(_) => "struct",
        }
    }
}

/// The name of a thrift type as the compact protocol states it.
fn wire_name(wire: u8) -> String {
    match wire {
        1 | 2 => "bool".into(),
        3 => "byte".into(),
        4 => "i16".into(),
        5 => "i32".into(),
        6 => "i64".into(),
        7 => "double".into(),
        8 => "binary".into(),
        9 => "list".into(),
        10 => "set".into(),
        11 => "map".into(),
        12 => "struct".into(),
        other => format!("type {other}"),
    }
}

/// "an i32", "a list".
fn with_article(name: &str) -> String {
    let article = if name.starts_with('i') { "an" } else { "a" };
    format!("{article} {name}")
}

/// What a walk reports as it goes: each number field's value and each list field's count of
/// elements, by the struct and field id that hold it. An `Err` stops the walk.
pub(super) type Visit<'v> = &'v mut dyn FnMut(&'static str, i16, i64) -> Result<(), String>;

/// A reader of the thrift compact protocol that allocates nothing.
pub(super) struct Thrift<R> {
    input: R,
    /// Bytes that may still be read.
    pub(super) left: u64,
}

impl<R: Read> Thrift<R> {
    pub(super) fn new(input: R, left: u64) -> Thrift<R> {
        Thrift { input, left }
    }

    fn byte(&mut self) -> Result<u8, String> {
        if self.left == 0 {
            return Err("it runs past its end".to_string());
        }
        let mut b = [0u8];
        self.input
            .read_exact(&mut b)
            .map_err(|_| "the file ends inside it".to_string())?;
        self.left -= 1;
        Ok(b[0])
    }

    fn varint(&mut self) -> Result<u64, String> {
        let mut value = 0u64;
        for shift in (0..70).step_by(7) {
            let b = self.byte()?;
            value |= u64::from(b & 0x7f).checked_shl(shift).unwrap_or(0);
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err("a number of more than 10 bytes".to_string())
    }

    fn zigzag(&mut self) -> Result<i64, String> {
        let v = self.varint()?;
        Ok((v >> 1) as i64 ^ -((v & 1) as i64))
    }

    /// Passes over `n` bytes, which must be there.
    fn pass(&mut self, n: u64) -> Result<(), String> {
        if n > self.left {
            return Err(format!("{n} bytes claimed where {} are left", self.left));
        }
        let copied = std::io::copy(&mut (&mut self.input).take(n), &mut std::io::sink())
            .map_err(|e| e.to_string())?;
        if copied != n {
            return Err("the file ends inside it".to_string());
        }
        self.left -= n;
        Ok(())
    }

    /// Walks one struct of `schema`: each field the format names must be stated with the
    /// format's type; the others are passed over by the type stated.
    pub(super) fn walk(
        &mut self,
        schema: &'static Schema,
        depth: u32,
        visit: Visit,
    ) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err(format!("structures nested more than {MAX_DEPTH} deep"));
        }
        let mut last = 0i16;
        loop {
            let b = self.byte()?;
            if b == 0 {
                return Ok(());
            }
            let wire = b & 0x0f;
            let delta = i16::from(b >> 4);
            let id = if delta == 0 {
                self.zigzag()? as i16
            } else {
                last.wrapping_add(delta)
            };
            last = id;
            let Some(field) = schema.fields.iter().find(|f| f.id == id) else {
                self.skip(wire, depth + 1)?;
                continue;
            };
            if !field.shape.stated_as(wire) {
                return Err(format!(
                    "{}.{} (field {id}) is stated as {} where the Parquet format has {}",
                    schema.name,
                    field.name,
                    with_article(&wire_name(wire)),
                    with_article(field.shape.name())
                ));
            }
            self.value(field.shape, (schema.name, id), depth + 1, visit)
                .map_err(|e| format!("{}.{}: {e}", schema.name, field.name))?;
        }
    }

    /// Reads the value of `shape` of field `at` (its struct's name, its id): `visit` gets a
    /// number's value or a list's count, and the fields of the structs inside.
    fn value(
        &mut self,
        shape: Shape,
        at: (&'static str, i16),
        depth: u32,
        visit: Visit,
    ) -> Result<(), String> {
        match shape {
            Bool => Ok(()), // a field's boolean is in its header
            Byte => self.byte().map(drop),
            I16 | I32 | I64 => visit(at.0, at.1, self.zigzag()?),
            Double => self.pass(8),
            Binary => {
                let n = self.varint()?;
                self.pass(n)
            }
            List(element) => {
                let header = self.byte()?;
                let count = match header >> 4 {
                    15 => self.varint()?,
                    n => u64::from(n),
                };
                if count > 0 && !element.stated_as(header & 0x0f) {
                    return Err(format!(
                        "a list of {} where the Parquet format has a list of {}",
                        wire_name(header & 0x0f),
                        element.name()
                    ));
                }
                let least = element.least_bytes();
                if count.saturating_mul(least) > self.left {
                    return Err(format!(
                        "a list claims {count} entries of at least {least} bytes in {} bytes",
                        self.left
                    ));
                }
                visit(at.0, at.1, count as i64)?;
                for _ in 0..count {
                    match *element {
                        Bool => self.byte().map(drop)?, // a byte each in a list
                        I16 | I32 | I64 => self.varint().map(drop)?,
                        Struct(schema) => self.walk(schema, depth + 1, visit)?,
                        other => self.value(other, at, depth + 1, &mut |_, _, _| Ok(()))?,
                    }
                }
                Ok(())
            }
            Struct(schema) => self.walk(schema, depth, visit),
        }
    }

    /// Passes over one value of thrift type `wire` (a field the format does not name).
    fn skip(&mut self, wire: u8, depth: u32) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err(format!("structures nested more than {MAX_DEPTH} deep"));
        }
        match wire {
            1 | 2 => Ok(()),
            3 => self.byte().map(drop),
            4..=6 => self.varint().map(drop),
            7 => self.pass(8),
            8 => {
                let n = self.varint()?;
                self.pass(n)
            }
            9 | 10 => {
                let header = self.byte()?;
                let elements = match header >> 4 {
                    15 => self.varint()?,
                    n => u64::from(n),
                };
                self.claimed(elements, "list")?;
                for _ in 0..elements {
                    match header & 0x0f {
                        1 | 2 => self.byte().map(drop)?, // a byte each in a list
                        other => self.skip(other, depth + 1)?,
                    }
                }
                Ok(())
            }
            11 => {
                let entries = self.varint()?;
                if entries == 0 {
                    return Ok(());
                }
                self.claimed(entries, "map")?;
                let types = self.byte()?;
                for _ in 0..entries {
                    self.skip(types >> 4, depth + 1)?;
                    self.skip(types & 0x0f, depth + 1)?;
                }
                Ok(())
            }
            12 => self.walk(&OPAQUE, depth, &mut |_, _, _| Ok(())),
            other => Err(format!("unknown thrift type {other}")),
        }
    }

    /// Refuses a list or map of more entries than bytes left (each takes one at least).
    fn claimed(&self, entries: u64, what: &str) -> Result<(), String> {
        if entries > self.left {
            return Err(format!(
                "a {what} claims {entries} entries in {} bytes",
                self.left
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk(bytes: &[u8], schema: &'static Schema) -> Result<(), String> {
        Thrift::new(bytes, bytes.len() as u64).walk(schema, 0, &mut |_, _, _| Ok(()))
    }

    #[test]
    fn a_list_claiming_more_entries_than_bytes_is_refused() {
        // a struct whose field 1 (not the format's) is a list of 2^31 i32s, in 8 bytes
        let bytes = [0x19u8, 0xf5, 0x80, 0x80, 0x80, 0x80, 0x08, 0];
        let err = walk(&bytes, &OPAQUE);
        assert!(err.is_err_and(|e| e.contains("a list claims 2147483648 entries")));
    }

    #[test]
    fn a_field_stated_with_another_type_than_the_formats_is_refused() {
        // FileMetaData field 4 (row_groups) stated as a binary of 2 bytes
        let bytes = [0x48u8, 2, 0, 0, 0];
        assert_eq!(
            walk(&bytes, &FILE_META_DATA),
            Err(
                "FileMetaData.row_groups (field 4) is stated as a binary where the Parquet \
                 format has a list"
                    .into()
            )
        );
        // the same field as a list of i32: the format's list holds structs
        let bytes = [0x49u8, 0x15, 2, 0];
        assert_eq!(
            walk(&bytes, &FILE_META_DATA),
            Err(
                "FileMetaData.row_groups: a list of i32 where the Parquet format has a list \
                 of struct"
                    .into()
            )
        );
    }

    #[test]
    fn a_list_of_structs_is_held_to_its_elements_least_size() {
        // row_groups: 3 structs in 8 bytes; a row group takes at least 7 (3 required fields)
        let bytes = [0x49u8, 0x3c, 0, 0, 0, 0, 0, 0];
        let err = walk(&bytes, &FILE_META_DATA);
        assert_eq!(
            err,
            Err(
                "FileMetaData.row_groups: a list claims 3 entries of at least 7 bytes in 6 \
                 bytes"
                    .into()
            )
        );
        // an empty list of element type 0, as some writers write it, passes
        assert_eq!(walk(&[0x49u8, 0, 0], &FILE_META_DATA), Ok(()));
    }

    #[test]
    fn numbers_and_list_counts_are_reported_by_owner_and_field() {
        // PageHeader: type 2, sizes 8 and 8, a dictionary header of 3 values
        let bytes = [0x15u8, 4, 0x15, 16, 0x15, 16, 0x4c, 0x15, 6, 0x15, 0, 0, 0];
        let mut seen = Vec::new();
        Thrift::new(&bytes[..], bytes.len() as u64)
            .walk(&PAGE_HEADER, 0, &mut |owner, id, n| {
                seen.push((owner, id, n));
                Ok(())
            })
            .expect("a valid header");
        assert_eq!(
            seen,
            vec![
                ("PageHeader", 1, 2),
                ("PageHeader", 2, 8),
                ("PageHeader", 3, 8),
                ("DictionaryPageHeader", 1, 3),
                ("DictionaryPageHeader", 2, 0)
            ]
        );
    }
}
