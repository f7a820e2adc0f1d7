//! RFC 6962 / RFC 9162 Merkle tree hashing, inclusion and consistency
//! proofs.
//!
//! Owns: [`leaf_hash`], [`node_hash`], [`empty_root`], the append-only
//! in-memory [`MerkleTree`], proof generation, and the verifiers
//! [`verify_inclusion`] and [`verify_consistency`], which need nothing but
//! the proof, the sizes and the roots.
//!
//! Invariant: every hash is SHA-256 with the RFC 6962 domain separation
//! (leaf prefix `0x00`, node prefix `0x01`), so chatvault's roots and
//! proofs are those of any RFC 6962 implementation over the same leaves.
//! The tree keeps the leaf hashes and the nodes of height 3 and above
//! (about 36 bytes per leaf); the two lowest node levels are recomputed
//! when a proof needs them.

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// A SHA-256 hash.
pub type Hash = [u8; 32];

/// Node levels below this height are not stored, but recomputed.
const STORED_FROM: usize = 3;

/// `SHA-256(0x00 || data)`: the hash of a leaf.
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(data);
    h.finalize().into()
}

/// `SHA-256(0x01 || left || right)`: the hash of an inner node.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The root of the empty tree: `SHA-256("")`.
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// The largest power of two strictly below `n` (`n >= 2`).
fn split(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1 << (63 - (n - 1).leading_zeros())
}

/// An append-only Merkle tree over leaf hashes, with proofs for any size
/// it has held.
///
/// # Examples
/// ```
/// use chatvault::audit::merkle::{leaf_hash, verify_consistency, verify_inclusion, MerkleTree};
///
/// let mut tree = MerkleTree::new();
/// for event in ["viewed", "revealed", "shredded"] {
///     tree.push(event.as_bytes());
/// }
/// let root = tree.root();
/// let proof = tree.inclusion_proof(1, 3)?;
/// verify_inclusion(&leaf_hash(b"revealed"), 1, 3, &proof, &root)?;
///
/// let old = tree.root_at(2)?;
/// tree.push(b"exported");
/// let proof = tree.consistency_proof(2, 4)?;
/// verify_consistency(2, 4, &proof, &old, &tree.root())?;
/// # Ok::<(), chatvault::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct MerkleTree {
    /// `levels[0]`: leaf hashes; `levels[h]` for `h >= STORED_FROM`: the
    /// complete nodes of height `h`, left to right. Levels in between stay
    /// empty.
    levels: Vec<Vec<Hash>>,
    /// Per height, the last complete node, whose right sibling may come.
    right_edge: Vec<Hash>,
}

impl MerkleTree {
    /// An empty tree.
    pub fn new() -> MerkleTree {
        MerkleTree::default()
    }

    /// Number of leaves.
    pub fn len(&self) -> u64 {
        self.levels.first().map_or(0, |l| l.len() as u64)
    }

    /// Whether the tree has no leaf.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Append a leaf with this content (hashed with [`leaf_hash`]); returns
    /// its index.
    pub fn push(&mut self, data: &[u8]) -> u64 {
        self.push_hash(leaf_hash(data))
    }

    /// Append a leaf by its leaf hash; returns its index.
    pub fn push_hash(&mut self, leaf: Hash) -> u64 {
        let index = self.len();
        let mut h = leaf;
        let mut i = index;
        let mut height = 0;
        loop {
            if self.levels.len() <= height {
                self.levels.push(Vec::new());
                self.right_edge.push([0; 32]);
            }
            if height == 0 || height >= STORED_FROM {
                self.levels[height].push(h);
            }
            if i & 1 == 0 {
                self.right_edge[height] = h;
                break;
            }
            h = node_hash(&self.right_edge[height], &h);
            i >>= 1;
            height += 1;
        }
        index
    }

    /// The leaf hash at `index`.
    pub fn leaf(&self, index: u64) -> Option<Hash> {
        self.levels
            .first()?
            .get(usize::try_from(index).ok()?)
            .copied()
    }

    /// The complete node of height `h` at position `i` of its level.
    fn node(&self, h: usize, i: u64) -> Hash {
        if h == 0 || h >= STORED_FROM {
            return self.levels[h][i as usize];
        }
        node_hash(&self.node(h - 1, 2 * i), &self.node(h - 1, 2 * i + 1))
    }

    /// The root of the leaves `lo..hi` (RFC 9162's MTH of that range;
    /// `lo` a multiple of the largest power of two not above `hi - lo`).
    fn range_root(&self, lo: u64, hi: u64) -> Hash {
        let n = hi - lo;
        if n.is_power_of_two() {
            let h = n.trailing_zeros() as usize;
            return self.node(h, lo >> h);
        }
        let k = split(n);
        node_hash(&self.range_root(lo, lo + k), &self.range_root(lo + k, hi))
    }

    fn check_size(&self, size: u64) -> Result<()> {
        if size > self.len() {
            return Err(Error::invalid(format!(
                "tree size {size} is beyond the {} leaves held",
                self.len()
            )));
        }
        Ok(())
    }

    /// The root of the current tree.
    pub fn root(&self) -> Hash {
        match self.len() {
            0 => empty_root(),
            n => self.range_root(0, n),
        }
    }

    /// The root the tree had at `size` leaves.
    pub fn root_at(&self, size: u64) -> Result<Hash> {
        self.check_size(size)?;
        Ok(match size {
            0 => empty_root(),
            n => self.range_root(0, n),
        })
    }

    /// The inclusion proof (RFC 9162 section 2.1.3.1) of leaf `index` in
    /// the tree of `size` leaves.
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Hash>> {
        self.check_size(size)?;
        if index >= size {
            return Err(Error::invalid(format!(
                "leaf {index} is not in a tree of {size}"
            )));
        }
        let mut proof = Vec::with_capacity(64);
        let (mut lo, mut hi, m) = (0, size, index);
        // Walk down from the root, collecting siblings, then reverse.
        while hi - lo > 1 {
            let k = split(hi - lo);
            if m < lo + k {
                proof.push(self.range_root(lo + k, hi));
                hi = lo + k;
            } else {
                proof.push(self.range_root(lo, lo + k));
                lo += k;
            }
        }
        proof.reverse();
        Ok(proof)
    }

    /// The consistency proof (RFC 9162 section 2.1.4.1) between the trees
    /// of `old` and `new` leaves (`0 < old <= new`; empty when equal).
    pub fn consistency_proof(&self, old: u64, new: u64) -> Result<Vec<Hash>> {
        self.check_size(new)?;
        if old == 0 || old > new {
            return Err(Error::invalid(format!(
                "no consistency proof from {old} to {new} leaves"
            )));
        }
        let mut proof = Vec::with_capacity(64);
        let (mut lo, mut hi, mut m, mut whole) = (0, new, old, true);
        while m != hi - lo {
            let k = split(hi - lo);
            if m <= k {
                proof.push(self.range_root(lo + k, hi));
                hi = lo + k;
            } else {
                proof.push(self.range_root(lo, lo + k));
                lo += k;
                m -= k;
                whole = false;
            }
        }
        if !whole {
            proof.push(self.range_root(lo, hi));
        }
        proof.reverse();
        Ok(proof)
    }
}

fn proof_error(what: &str) -> Error {
    Error::new(crate::ErrorKind::BadProof, what.to_owned())
}

/// Check that `leaf` is leaf `index` of the tree of `size` leaves whose
/// root is `root`, by RFC 9162 section 2.1.3.2.
pub fn verify_inclusion(
    leaf: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<()> {
    if index >= size {
        return Err(proof_error("the leaf index is outside the tree"));
    }
    let (mut fnode, mut snode) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if snode == 0 {
            return Err(proof_error("too many hashes"));
        }
        if fnode & 1 == 1 || fnode == snode {
            r = node_hash(p, &r);
            while fnode & 1 == 0 && fnode != 0 {
                fnode >>= 1;
                snode >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode != 0 {
        return Err(proof_error("too few hashes"));
    }
    if r != *root {
        return Err(proof_error("the root differs"));
    }
    Ok(())
}

/// Check that the tree of `new` leaves with root `new_root` extends the
/// tree of `old` leaves with root `old_root`, by RFC 9162 section
/// 2.1.4.2. Every tree extends the empty tree (its proof is empty).
pub fn verify_consistency(
    old: u64,
    new: u64,
    proof: &[Hash],
    old_root: &Hash,
    new_root: &Hash,
) -> Result<()> {
    if old > new {
        return Err(proof_error("the old tree is larger than the new"));
    }
    if old == new {
        if !proof.is_empty() {
            return Err(proof_error("trees of one size need an empty proof"));
        }
        if old_root != new_root {
            return Err(proof_error("the roots of one size differ"));
        }
        return Ok(());
    }
    if old == 0 {
        if !proof.is_empty() {
            return Err(proof_error("the empty tree needs an empty proof"));
        }
        return Ok(());
    }
    let mut path = proof.iter();
    let first = if old.is_power_of_two() {
        *old_root
    } else {
        *path.next().ok_or_else(|| proof_error("an empty proof"))?
    };
    let (mut fnode, mut snode) = (old - 1, new - 1);
    while fnode & 1 == 1 {
        fnode >>= 1;
        snode >>= 1;
    }
    let (mut fr, mut sr) = (first, first);
    for c in path {
        if snode == 0 {
            return Err(proof_error("too many hashes"));
        }
        if fnode & 1 == 1 || fnode == snode {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            while fnode & 1 == 0 && fnode != 0 {
                fnode >>= 1;
                snode >>= 1;
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode != 0 {
        return Err(proof_error("too few hashes"));
    }
    if fr != *old_root || sr != *new_root {
        return Err(proof_error("a root differs"));
    }
    Ok(())
}
