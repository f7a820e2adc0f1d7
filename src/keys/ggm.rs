//! Time-window delegation: per-day archive keys from a binary (GGM) tree.
//!
//! The archive key of a department and version is the root of a binary tree
//! of depth [`DEPTH`] over day numbers (days since 1970-01-01 UTC). A child
//! is HMAC-SHA256(parent, "chatvault ggm" || bit); the leaf for day `d` is
//! reached by the bits of `d`, most significant first. A grant for days
//! `a..=b` carries the few subtree roots that cover exactly that range (at
//! most 2 * DEPTH of them): from those, every day inside is derivable and,
//! HMAC being one-way, no day outside is.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

/// Tree depth: days 0 ..= 2^24 - 1 (the year 47,900).
pub(crate) const DEPTH: u8 = 24;
/// The last day the tree covers.
pub(crate) const MAX_DAY: u32 = (1 << DEPTH) - 1;

/// A subtree root: covers days `prefix << level ..= ((prefix + 1) << level) - 1`.
#[derive(Clone)]
pub(crate) struct Node {
    pub(crate) level: u8,
    pub(crate) prefix: u32,
    pub(crate) key: Zeroizing<[u8; 32]>,
}

fn child(key: &[u8; 32], bit: u32) -> Zeroizing<[u8; 32]> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("any key length");
    mac.update(b"chatvault ggm");
    mac.update(&[bit as u8]);
    Zeroizing::new(mac.finalize().into_bytes().into())
}

impl Node {
    /// The whole tree under `key`.
    pub(crate) fn root(key: Zeroizing<[u8; 32]>) -> Node {
        Node {
            level: DEPTH,
            prefix: 0,
            key,
        }
    }

    pub(crate) fn covers(&self, day: u32) -> bool {
        self.level <= DEPTH && (day >> self.level) == self.prefix
    }

    /// The leaf key of `day`, which this node must cover.
    pub(crate) fn leaf(&self, day: u32) -> Zeroizing<[u8; 32]> {
        debug_assert!(self.covers(day));
        let mut k = self.key.clone();
        for level in (0..self.level).rev() {
            k = child(&k, (day >> level) & 1);
        }
        k
    }
}

/// The minimal set of subtree roots under `root` covering `first..=last`.
pub(crate) fn cover(root: &[u8; 32], first: u32, last: u32) -> Vec<Node> {
    let mut out = Vec::new();
    if first <= last && last <= MAX_DAY {
        walk(Node::root(Zeroizing::new(*root)), first, last, &mut out);
    }
    out
}

fn walk(node: Node, first: u32, last: u32, out: &mut Vec<Node>) {
    let lo = node.prefix << node.level;
    let hi = lo + ((1u32 << node.level) - 1);
    if hi < first || lo > last {
        return;
    }
    if first <= lo && hi <= last {
        out.push(node);
        return;
    }
    for bit in 0..2 {
        let (level, prefix) = (node.level - 1, (node.prefix << 1) | bit);
        let (clo, chi) = (prefix << level, (prefix << level) + ((1u32 << level) - 1));
        if chi >= first && clo <= last {
            let key = child(&node.key, bit);
            walk(Node { level, prefix, key }, first, last, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cover_derives_exactly_the_range() {
        let root = [3u8; 32];
        let full = cover(&root, 0, MAX_DAY);
        assert_eq!(full.len(), 1);
        let (a, b) = (20_000u32, 20_400u32);
        let nodes = cover(&root, a, b);
        assert!(nodes.len() <= 2 * DEPTH as usize);
        for day in a - 40..b + 40 {
            let n: Vec<_> = nodes.iter().filter(|n| n.covers(day)).collect();
            if (a..=b).contains(&day) {
                assert_eq!(n.len(), 1, "day {day} covered once");
                assert_eq!(
                    *n[0].leaf(day),
                    *full[0].leaf(day),
                    "same leaf as from the root"
                );
            } else {
                assert!(n.is_empty(), "day {day} outside the window is not covered");
            }
        }
    }
}
