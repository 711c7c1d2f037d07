//! Per-document lists stored back to back in one vector.
//!
//! A `Vec<Vec<T>>` costs a 24-byte header per document, rounds every list up to its
//! capacity, and scatters tens of thousands of small allocations between the transient
//! buffers of reading, which keeps freed memory from returning to the system. One vector
//! of items and one of end offsets costs 8 bytes per document beyond the items themselves.

use serde::{Deserialize, Serialize};

/// Lists of `T`, one per document, in document order.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PerDoc<T> {
    items: Vec<T>,
    /// `ends[d]` is one past the last item of document `d`.
    ends: Vec<u64>,
}

impl<T> Default for PerDoc<T> {
    fn default() -> Self {
        PerDoc {
            items: Vec::new(),
            ends: Vec::new(),
        }
    }
}

impl<T> PerDoc<T> {
    /// No documents, with room for `docs` of them.
    pub fn with_documents(docs: usize) -> PerDoc<T> {
        PerDoc {
            items: Vec::new(),
            ends: Vec::with_capacity(docs),
        }
    }

    /// Appends the list of the next document.
    pub fn push(&mut self, list: impl IntoIterator<Item = T>) {
        self.items.extend(list);
        self.ends.push(self.items.len() as u64);
    }

    /// Documents.
    pub fn len(&self) -> usize {
        self.ends.len()
    }
    /// Items over all documents.
    pub fn total(&self) -> usize {
        self.items.len()
    }

    /// The lists in document order.
    pub fn iter(&self) -> impl Iterator<Item = &[T]> + '_ {
        (0..self.len()).map(move |d| &self[d])
    }

    /// Frees the spare capacity once every document is in.
    pub fn shrink_to_fit(&mut self) {
        self.items.shrink_to_fit();
        self.ends.shrink_to_fit();
    }
}

impl<T> FromIterator<Vec<T>> for PerDoc<T> {
    fn from_iter<I: IntoIterator<Item = Vec<T>>>(lists: I) -> Self {
        let mut p = PerDoc::default();
        for list in lists {
            p.push(list);
        }
        p
    }
}

impl<T> std::ops::Index<usize> for PerDoc<T> {
    type Output = [T];

    fn index(&self, d: usize) -> &[T] {
        let start = if d == 0 { 0 } else { self.ends[d - 1] as usize };
        &self.items[start..self.ends[d] as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_come_back_in_order() {
        let mut p = PerDoc::with_documents(3);
        p.push([1, 2]);
        p.push([]);
        p.push([3]);
        assert_eq!(p.len(), 3);
        assert_eq!(p.total(), 3);
        assert_eq!(&p[0], &[1, 2]);
        assert!(p[1].is_empty());
        assert_eq!(&p[2], &[3]);
        let all: Vec<&[i32]> = p.iter().collect();
        assert_eq!(all, vec![&[1, 2][..], &[][..], &[3][..]]);
    }
}
