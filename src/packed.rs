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
