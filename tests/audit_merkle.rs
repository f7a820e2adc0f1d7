//! The audit log's Merkle tree against the RFC 6962 test vectors, and
//! proofs of every size against an independent recursive definition.

use chatvault::audit::merkle::{
    empty_root, leaf_hash, node_hash, verify_consistency, verify_inclusion, Hash, MerkleTree,
};
use proptest::prelude::*;

fn h(s: &str) -> Hash {
    hex::decode(s).unwrap().try_into().unwrap()
}

/// The eight leaf inputs of the RFC 6962 test data set (certificate
/// transparency's merkle_tree_test, reproduced by transparency-dev/merkle
/// `testonly/constants.go`).
fn leaves() -> Vec<Vec<u8>> {
    [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
    .iter()
    .map(|x| hex::decode(x).unwrap())
    .collect()
}

/// Roots for sizes 0 to 8 of the same data set.
const ROOTS: [&str; 9] = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

fn tree_of(n: usize) -> MerkleTree {
    let mut t = MerkleTree::new();
    for l in leaves().iter().take(n) {
        t.push(l);
    }
    t
}

#[test]
fn roots_match_the_rfc6962_vectors() {
    assert_eq!(empty_root(), h(ROOTS[0]));
    let mut t = MerkleTree::new();
    assert_eq!(t.root(), h(ROOTS[0]));
    for (i, l) in leaves().iter().enumerate() {
        t.push(l);
        assert_eq!(t.root(), h(ROOTS[i + 1]), "size {}", i + 1);
    }
    for (size, root) in ROOTS.iter().enumerate() {
        assert_eq!(t.root_at(size as u64).unwrap(), h(root));
    }
    // Leaf and node hashes of the data set (level 0 and 1).
    assert_eq!(
        leaf_hash(b""),
        h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
    );
    assert_eq!(
        node_hash(&t.leaf(0).unwrap(), &t.leaf(1).unwrap()),
        h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")
    );
    assert!(t.root_at(9).is_err());
}

#[test]
fn inclusion_proofs_match_the_vectors() {
    // (leaf index, tree size, proof) from the same test data set.
    let vectors: [(u64, u64, &[&str]); 5] = [
        (0, 1, &[]),
        (
            0,
            8,
            &[
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ],
        ),
        (
            5,
            8,
            &[
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
        (
            2,
            3,
            &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
        ),
        (
            1,
            5,
            &[
                "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ],
        ),
    ];
    let t = tree_of(8);
    for (index, size, want) in vectors {
        let want: Vec<Hash> = want.iter().map(|s| h(s)).collect();
        let got = t.inclusion_proof(index, size).unwrap();
        assert_eq!(got, want, "leaf {index} of {size}");
        let leaf = leaf_hash(&leaves()[index as usize]);
        let root = h(ROOTS[size as usize]);
        verify_inclusion(&leaf, index, size, &got, &root).unwrap();
    }
}

#[test]
fn consistency_proofs_match_the_vectors() {
    let vectors: [(u64, u64, &[&str]); 4] = [
        (1, 1, &[]),
        (
            1,
            8,
            &[
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ],
        ),
        (
            6,
            8,
            &[
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
        (
            2,
            5,
            &[
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ],
        ),
    ];
    let t = tree_of(8);
    for (old, new, want) in vectors {
        let want: Vec<Hash> = want.iter().map(|s| h(s)).collect();
        let got = t.consistency_proof(old, new).unwrap();
        assert_eq!(got, want, "{old} to {new}");
        let (r1, r2) = (h(ROOTS[old as usize]), h(ROOTS[new as usize]));
        verify_consistency(old, new, &got, &r1, &r2).unwrap();
    }
}

#[test]
fn bad_requests_and_bad_proofs_are_refused() {
    let t = tree_of(8);
    assert!(t.inclusion_proof(8, 8).is_err());
    assert!(t.inclusion_proof(0, 9).is_err());
    assert!(t.consistency_proof(0, 8).is_err());
    assert!(t.consistency_proof(5, 4).is_err());
    assert!(t.consistency_proof(4, 9).is_err());
    let root = t.root();
    let leaf = t.leaf(5).unwrap();
    let proof = t.inclusion_proof(5, 8).unwrap();
    verify_inclusion(&leaf, 5, 8, &proof, &root).unwrap();
    assert!(verify_inclusion(&leaf, 4, 8, &proof, &root).is_err());
    // A proof for one size does not verify against another size's root.
    // (Sizes and roots come in pairs from a signed checkpoint: a size
    // paired with another size's root proves nothing.)
    let r7 = t.root_at(7).unwrap();
    assert!(verify_inclusion(&leaf, 5, 7, &proof, &r7).is_err());
    verify_inclusion(&leaf, 5, 7, &t.inclusion_proof(5, 7).unwrap(), &r7).unwrap();
    assert!(verify_inclusion(&leaf, 8, 8, &proof, &root).is_err());
    assert!(verify_inclusion(&leaf, 5, 8, &proof[..2], &root).is_err());
    let mut longer = proof.clone();
    longer.push([0; 32]);
    assert!(verify_inclusion(&leaf, 5, 8, &longer, &root).is_err());
    let r4 = t.root_at(4).unwrap();
    let c = t.consistency_proof(4, 8).unwrap();
    verify_consistency(4, 8, &c, &r4, &root).unwrap();
    assert!(verify_consistency(4, 8, &c, &root, &root).is_err());
    assert!(verify_consistency(3, 8, &c, &r4, &root).is_err());
    assert!(verify_consistency(8, 4, &c, &root, &r4).is_err());
    assert!(verify_consistency(4, 4, &c, &r4, &r4).is_err());
    assert!(verify_consistency(4, 4, &[], &r4, &root).is_err());
    verify_consistency(0, 8, &[], &empty_root(), &root).unwrap();
    assert!(verify_consistency(0, 8, &c, &empty_root(), &root).is_err());
    assert!(verify_consistency(5, 8, &[], &t.root_at(5).unwrap(), &root).is_err());
}

/// RFC 9162's MTH, written recursively from its definition.
fn mth(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => empty_root(),
        1 => leaves[0],
        n => {
            let k = 1 << (usize::BITS - 1 - (n - 1).leading_zeros());
            node_hash(&mth(&leaves[..k]), &mth(&leaves[k..]))
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_proof_of_every_size_verifies(n in 1usize..300, a in any::<u64>(), b in any::<u64>(), flip in any::<u8>()) {
        let mut t = MerkleTree::new();
        let hashes: Vec<Hash> = (0..n).map(|i| leaf_hash(&(i as u64).to_be_bytes())).collect();
        for x in &hashes {
            t.push_hash(*x);
        }
        let size = 1 + a % n as u64;
        let index = b % size;
        let root = t.root_at(size).unwrap();
        prop_assert_eq!(root, mth(&hashes[..size as usize]));
        let proof = t.inclusion_proof(index, size).unwrap();
        verify_inclusion(&hashes[index as usize], index, size, &proof, &root).unwrap();
        let old = 1 + b % size;
        let old_root = t.root_at(old).unwrap();
        let c = t.consistency_proof(old, size).unwrap();
        verify_consistency(old, size, &c, &old_root, &root).unwrap();
        // Any changed bit of any proof hash is caught.
        if !proof.is_empty() {
            let mut bad = proof.clone();
            let k = flip as usize % bad.len();
            bad[k][flip as usize % 32] ^= 1 << (flip % 8);
            prop_assert!(verify_inclusion(&hashes[index as usize], index, size, &bad, &root).is_err());
        }
        if !c.is_empty() {
            let mut bad = c.clone();
            let k = flip as usize % bad.len();
            bad[k][flip as usize % 32] ^= 1 << (flip % 8);
            prop_assert!(verify_consistency(old, size, &bad, &old_root, &root).is_err());
        }
    }
}
