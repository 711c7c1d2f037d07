//! File names as ids: a name that is not valid UTF-8 keeps its bytes, escaped so that two
//! names never become one id and the id leads back to the file.
//!
//! In an id, `\` is written `\\` and a byte that is not part of valid UTF-8 is written `\xNN`
//! (two hex digits); everything else stands as it is. [`path_of_id`] reverses it.

use std::ffi::OsStr;
use std::path::PathBuf;

/// One path component as it stands in an id.
pub fn escape_component(name: &OsStr) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        escape_bytes(name.as_bytes())
    }
    #[cfg(not(unix))]
    {
        name.to_string_lossy().replace('\\', "\\\\")
    }
}

/// `bytes` with `\` doubled and the bytes of invalid UTF-8 as `\xNN`.
fn escape_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(&chunk.valid().replace('\\', "\\\\"));
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

/// The bytes an id escaped by [`escape_component`] stands for (an id that holds no escapes is
/// its own bytes; a `\` followed by anything else stays as it is).
fn unescape_bytes(id: &str) -> Vec<u8> {
    let bytes = id.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' {
            if bytes.get(i + 1) == Some(&b'\\') {
                out.push(b'\\');
                i += 2;
                continue;
            }
            let hex = bytes
                .get(i + 2..i + 4)
                .filter(|_| bytes.get(i + 1) == Some(&b'x'))
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(b) = hex {
                out.push(b);
                i += 4;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

/// The relative path a file's id (its `/`-separated, escaped path under the root) names.
pub fn path_of_id(id: &str) -> PathBuf {
    id.split('/').map(component_of).collect()
}

fn component_of(part: &str) -> PathBuf {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        PathBuf::from(std::ffi::OsString::from_vec(unescape_bytes(part)))
    }
    #[cfg(not(unix))]
    {
        PathBuf::from(String::from_utf8_lossy(&unescape_bytes(part)).into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn valid_names_stay_as_they_are_but_for_backslashes() {
        assert_eq!(escape_bytes("été/page.txt".as_bytes()), "été/page.txt");
        assert_eq!(escape_bytes(br"a\b"), r"a\\b");
        assert_eq!(escape_bytes(b"caf\xe9.txt"), r"caf\xE9.txt");
        assert_eq!(escape_bytes(b"caf\xc3.txt"), r"caf\xC3.txt");
    }

    #[test]
    fn names_that_differ_in_invalid_bytes_stay_apart() {
        assert_ne!(escape_bytes(b"a\xff.txt"), escape_bytes(b"a\xfe.txt"));
        assert_ne!(
            escape_bytes(b"a\xff.txt"),
            escape_bytes("a\u{fffd}.txt".as_bytes())
        );
        assert_ne!(escape_bytes(b"a\xff.txt"), escape_bytes(br"a\xFF.txt"));
    }

    proptest! {
        #[test]
        fn escaping_is_reversed(name in proptest::collection::vec(any::<u8>(), 0..40)) {
            let id = escape_bytes(&name);
            prop_assert_eq!(unescape_bytes(&id), name);
        }
    }
}
