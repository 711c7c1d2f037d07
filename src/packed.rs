//! Arrays of hash values, serialised as their little-endian bytes: postcard writes integers
//! as varints, which for hashes (spread over the whole range) take a byte more each. Used by
//! the spill's records and the cache's signatures.

use serde::de::{Error, Visitor};
use serde::{Deserializer, Serializer};

macro_rules! packed {
    ($name:ident, $int:ty) => {
        /// `#[serde(with = ...)]` for a vector of this integer.
        pub mod $name {
            use super::*;

            const WIDTH: usize = std::mem::size_of::<$int>();

            pub fn serialize<S: Serializer>(v: &[$int], s: S) -> Result<S::Ok, S::Error> {
                let bytes: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
                s.serialize_bytes(&bytes)
            }

            pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<$int>, D::Error> {
                d.deserialize_bytes(Packed)
            }

            struct Packed;

            impl Visitor<'_> for Packed {
                type Value = Vec<$int>;

                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    write!(f, "bytes, {} a value", WIDTH)
                }

                fn visit_bytes<E: Error>(self, bytes: &[u8]) -> Result<Vec<$int>, E> {
                    if bytes.len() % WIDTH != 0 {
                        return Err(E::invalid_length(bytes.len(), &self));
                    }
                    Ok(bytes
                        .chunks_exact(WIDTH)
                        .map(|c| {
                            let mut word = [0u8; WIDTH];
                            word.copy_from_slice(c);
                            <$int>::from_le_bytes(word)
                        })
                        .collect())
                }
            }
        }
    };
}

packed!(u32s, u32);
packed!(u16s, u16);

/// Values that cross a process as bytes (the kernels' batches): postcard, then the xxh3 of
/// those bytes, so that bytes damaged on the way, or bytes of another kind, are refused
/// instead of decoded into a value whose parts do not fit together.
pub mod sealed {
    use serde::de::DeserializeOwned;
    use serde::Serialize;

    const CHECK: usize = 8;

    /// `value` as postcard bytes and their checksum.
    pub fn to_bytes<T: Serialize>(value: &T) -> Vec<u8> {
        // Serialising plain owned data into a vector cannot fail.
        let mut bytes = postcard::to_stdvec(value).unwrap_or_default();
        let check = xxhash_rust::xxh3::xxh3_64(&bytes);
        bytes.extend_from_slice(&check.to_le_bytes());
        bytes
    }

    /// The value of [`to_bytes`]; `None` for bytes that are damaged or of another kind.
    pub fn from_bytes<T: DeserializeOwned>(bytes: &[u8]) -> Option<T> {
        let split = bytes.len().checked_sub(CHECK)?;
        let (payload, check) = bytes.split_at(split);
        let check = u64::from_le_bytes(check.try_into().ok()?);
        if xxhash_rust::xxh3::xxh3_64(payload) != check {
            return None;
        }
        postcard::from_bytes(payload).ok()
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn damaged_bytes_are_refused() {
            let value: Vec<u32> = vec![1, 2, 3, 400_000];
            let bytes = super::to_bytes(&value);
            assert_eq!(super::from_bytes::<Vec<u32>>(&bytes), Some(value));
            for i in 0..bytes.len() {
                let mut damaged = bytes.clone();
                damaged[i] ^= 0x10;
                assert_eq!(super::from_bytes::<Vec<u32>>(&damaged), None, "byte {i}");
            }
            assert_eq!(
                super::from_bytes::<Vec<u32>>(&bytes[..bytes.len() - 1]),
                None
            );
            assert_eq!(super::from_bytes::<Vec<u32>>(&[]), None);
        }
    }
}
