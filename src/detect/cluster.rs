//! Clustering verified pairs with union-find, and choosing each cluster's representative.

use crate::config::KeepPolicy;

/// Disjoint sets over `0..n` with path halving and union by size.
#[derive(Debug, Clone)]
pub struct UnionFind {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl UnionFind {
    /// `n` singleton sets.
    pub fn new(n: usize) -> UnionFind {
        UnionFind {
            parent: (0..n as u32).collect(),
            size: vec![1; n],
        }
    }

    /// The root of `x`'s set.
    pub fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let grand = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = grand;
            x = grand;
        }
        x
    }

    /// Joins the sets of `a` and `b`.
    pub fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return;
        }
        let (big, small) = if self.size[ra as usize] >= self.size[rb as usize] {
            (ra, rb)
        } else {
            (rb, ra)
        };
        self.parent[small as usize] = big;
        self.size[big as usize] += self.size[small as usize];
    }

    /// Sets of two or more members, each sorted, ordered by their smallest member.
    pub fn groups(&mut self) -> Vec<Vec<u32>> {
        let n = self.parent.len();
        let mut by_root: rustc_hash::FxHashMap<u32, Vec<u32>> = Default::default();
        for x in 0..n as u32 {
            let r = self.find(x);
            if self.size[r as usize] > 1 {
                by_root.entry(r).or_default().push(x);
            }
        }
        let mut groups: Vec<Vec<u32>> = by_root.into_values().collect();
        groups.sort_unstable_by_key(|g| g[0]);
        groups
    }
}

/// The member kept for a cluster. `members` must be sorted by id, so that the first is the
/// smallest id and ties go to it; `weight` gives the content length used by `longest` and
/// `shortest`.
pub fn representative(members: &[u32], policy: KeepPolicy, weight: impl Fn(u32) -> u64) -> u32 {
    let first = members[0];
    match policy {
        KeepPolicy::First => first,
        KeepPolicy::Longest => {
            members.iter().copied().fold(
                first,
                |best, m| if weight(m) > weight(best) { m } else { best },
            )
        }
        KeepPolicy::Shortest => {
            members.iter().copied().fold(
                first,
                |best, m| if weight(m) < weight(best) { m } else { best },
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chains_join_into_one_group() {
        let mut uf = UnionFind::new(6);
        uf.union(0, 1);
        uf.union(1, 2);
        uf.union(4, 5);
        assert_eq!(uf.groups(), vec![vec![0, 1, 2], vec![4, 5]]);
    }

    #[test]
    fn representative_policies_break_ties_by_first() {
        let w = |m: u32| [10u64, 30, 30, 5][m as usize];
        let members = [0, 1, 2, 3];
        assert_eq!(representative(&members, KeepPolicy::First, w), 0);
        assert_eq!(representative(&members, KeepPolicy::Longest, w), 1);
        assert_eq!(representative(&members, KeepPolicy::Shortest, w), 3);
    }
}
