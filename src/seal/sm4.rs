//! SM4 (GB/T 32907-2016) in constant time, bitsliced, and SM4-GCM built on it.
//!
//! Owns: the SM4 block cipher used by the `Sm4Gcm` suite and by the SM4
//! layer of the `Aes256GcmSm4Gcm` cascade, and the GCM construction around
//! it. Safe Rust only, no target-specific code.
//!
//! # Why bitsliced
//! Table-driven SM4 (a 256-byte S-box, or the four 1 KiB "T-tables" that
//! merge the S-box with the linear transform) indexes memory with secret
//! bytes, which leaks through cache timing. Here the S-box is a Boolean
//! circuit evaluated on bit planes: no secret-dependent memory access and no
//! secret-dependent branch, in encryption and in the key schedule alike.
//!
//! # Layout
//! Sixteen blocks are processed at once. Each of the four 32-bit words of
//! the SM4 state is held as eight `u64` bit planes: plane `b` holds bit `b`
//! of every byte, bit `16 * m + j` being byte `m` (in memory order, 0 = most
//! significant) of the word in block (lane) `j`. A rotation of every word by
//! 8 bits is then one rotation of each plane by 16, and the other rotations
//! of SM4's linear transform are plane renamings plus such rotations.
//!
//! # S-box
//! SM4's S-box is affine-equivalent to inversion in GF(2^8):
//! `S(x) = A * inv(A * x + 0xd3) + 0xd3` with `A` the circulant matrix of
//! `0xa7` and the field `x^8 + x^7 + x^6 + x^5 + x^4 + x^2 + 1`. Mapping that
//! field onto the AES one lets the inversion reuse the non-linear core of the
//! Boyar-Peralta AES S-box circuit (J. Boyar, R. Peralta, "A depth-16 circuit
//! for the AES S-box", 2012: 32 AND, 30 XOR; gate list as in the fixslice
//! backend of RustCrypto's `aes` crate); the linear layers before and
//! after it were recomputed for SM4 (55 XOR in all, found with the
//! Boyar-Peralta shortest-linear-program heuristic). [`sbox`] computes
//! `S(x ^ SBOX_IN) ^ SBOX_OUT` with those 117 gates; the two constants are
//! folded into the round keys (see [`RoundKeys::new`]) instead of costing
//! NOT gates in every round. Tests check the circuit on all 256 inputs
//! against the algebraic form above, and whole blocks against the `sm4`
//! crate.
//!
//! # GCM
//! `aes_gcm::AesGcm` drives a block cipher one block at a time for the tag
//! mask and for a message's last few blocks, which would cost a full
//! sixteen-lane pass each. [`Sm4Gcm`] therefore runs counter mode itself:
//! the counter blocks of a message (and `J0`, whose encryption masks the
//! tag) go through the cipher sixteen at a time, so a message of up to 14
//! blocks costs one pass. GHASH is RustCrypto's (CPU-accelerated where the
//! CPU allows), reached through `AesGcm` keyed with [`GhashOnly`], a stand-in
//! "cipher" whose keystream is zero: `AesGcm` then leaves the data as it is
//! and returns `GHASH_H(A, C)`, to which the SM4 encryption of `J0` is added
//! here. Tests check the result against `AesGcm<sm4::Sm4>` and RFC 8998.

use ::sm4::cipher::consts::{U16, U8};
use ::sm4::cipher::{
    Block, BlockCipherEncBackend, BlockCipherEncClosure, BlockCipherEncrypt, BlockSizeUser, InOut,
    ParBlocks, ParBlocksSizeUser,
};
use aes_gcm::aead::consts::U12;
use aes_gcm::aead::AeadInOut;
use aes_gcm::AesGcm;
use zeroize::Zeroize;

use crate::error::{Error, Result};

/// Blocks per pass.
const LANES: usize = 16;

/// A 32-bit word of the state in bit-plane form (see the module docs).
type Planes = [u64; 8];

/// The four words of sixteen SM4 states.
type State = [Planes; 4];

/// GB/T 32907-2016 system parameter FK.
const FK: [u32; 4] = [0xa3b1_bac6, 0x56aa_3350, 0x677d_9197, 0xb270_22dc];

/// GB/T 32907-2016 fixed parameters CK.
const CK: [u32; 32] = [
    0x0007_0e15,
    0x1c23_2a31,
    0x383f_464d,
    0x545b_6269,
    0x7077_7e85,
    0x8c93_9aa1,
    0xa8af_b6bd,
    0xc4cb_d2d9,
    0xe0e7_eef5,
    0xfc03_0a11,
    0x181f_262d,
    0x343b_4249,
    0x5057_5e65,
    0x6c73_7a81,
    0x888f_969d,
    0xa4ab_b2b9,
    0xc0c7_ced5,
    0xdce3_eaf1,
    0xf8ff_060d,
    0x141b_2229,
    0x3037_3e45,
    0x4c53_5a61,
    0x686f_767d,
    0x848b_9299,
    0xa0a7_aeb5,
    0xbcc3_cad1,
    0xd8df_e6ed,
    0xf4fb_0209,
    0x1017_1e25,
    0x2c33_3a41,
    0x484f_565d,
    0x646b_7279,
];

/// [`sbox`] computes `S(x ^ SBOX_IN) ^ SBOX_OUT` (per byte).
const SBOX_IN: u32 = 0x7575_7575;
/// See [`SBOX_IN`].
const SBOX_OUT: u32 = 0xd3d3_d3d3;

/// SM4's linear transform L (encryption).
const fn l_word(b: u32) -> u32 {
    b ^ b.rotate_left(2) ^ b.rotate_left(10) ^ b.rotate_left(18) ^ b.rotate_left(24)
}

/// SM4's linear transform L' (key schedule).
const fn l_key_word(b: u32) -> u32 {
    b ^ b.rotate_left(13) ^ b.rotate_left(23)
}

/// The SM4 S-box, shifted: on bit planes `x` (plane `b` = bit `b` of each
/// byte), returns the planes of `S(x ^ 0x75) ^ 0xd3` for every byte.
/// 117 gates, 32 of them AND; see the module docs for where they come from.
#[inline(always)]
#[rustfmt::skip]
fn sbox(x: Planes) -> Planes {
    let [x0, x1, x2, x3, x4, x5, x6, x7] = x;
    let a0 = x2 ^ x4;
    let a1 = x0 ^ x3;
    let a2 = x1 ^ a1;
    let a3 = x5 ^ a0;
    let a4 = x7 ^ a2;
    let a5 = x2 ^ x6;
    let a6 = x7 ^ a0;
    let a7 = a1 ^ a3;
    let a8 = x0 ^ a6;
    let a9 = x1 ^ a5;
    let a10 = x4 ^ a4;
    let a11 = x5 ^ a2;
    let a12 = a5 ^ a11;
    let a13 = a4 ^ a7;
    let a14 = x0 ^ a4;
    let a15 = x0 ^ a7;
    let a16 = x1 ^ a7;
    let a17 = x2 ^ x7;
    let a18 = x5 ^ a16;
    let a19 = x6 ^ a13;
    let a20 = x1 ^ a19;
    let a21 = a6 ^ a12;
    let a22 = a6 ^ a15;
    let a23 = a8 ^ a9;
    let a24 = a9 ^ a10;
    let t2 = a19 & a13;
    let t12 = a10 & a18;
    let t13 = a20 & a4;
    let t14 = t13 ^ t12;
    let t15 = a12 & a6;
    let t16 = t15 ^ t12;
    let t7 = x1 & a7;
    let t5 = a24 & a14;
    let t6 = t5 ^ t2;
    let t18 = t6 ^ t16;
    let t22 = t18 ^ a21;
    let t10 = a9 & a8;
    let t11 = t10 ^ t7;
    let t20 = t11 ^ t16;
    let t24 = t20 ^ a23;
    let t8 = a5 & a22;
    let t9 = t8 ^ t7;
    let t19 = t9 ^ t14;
    let t23 = t19 ^ a16;
    let t3 = a11 & a15;
    let t4 = t3 ^ t2;
    let t17 = t4 ^ a17;
    let t21 = t17 ^ t14;
    let t26 = t21 & t23;
    let t27 = t24 ^ t26;
    let t31 = t22 ^ t26;
    let t25 = t21 ^ t22;
    let t28 = t25 & t27;
    let t29 = t28 ^ t22;
    let z14 = t29 & a9;
    let z5 = t29 & a8;
    let t30 = t23 ^ t24;
    let t32 = t31 & t30;
    let t33 = t32 ^ t24;
    let t35 = t27 ^ t33;
    let t36 = t24 & t35;
    let t38 = t27 ^ t36;
    let t39 = t29 & t38;
    let t40 = t25 ^ t39;
    let t43 = t29 ^ t40;
    let z3 = t43 & a7;
    let z12 = t43 & x1;
    let z13 = t40 & a5;
    let z4 = t40 & a22;
    let t34 = t23 ^ t33;
    let t37 = t36 ^ t34;
    let t41 = t40 ^ t37;
    let z8 = t41 & a6;
    let z17 = t41 & a12;
    let t44 = t33 ^ t37;
    let z0 = t44 & a13;
    let z9 = t44 & a19;
    let z10 = t37 & a11;
    let z1 = t37 & a15;
    let z11 = t33 & a24;
    let t42 = t29 ^ t33;
    let t45 = t42 ^ t41;
    let z7 = t45 & a4;
    let z16 = t45 & a20;
    let z6 = t42 & a18;
    let z15 = t42 & a10;
    let z2 = t33 & a14;
    let b0 = z9 ^ z15;
    let b1 = z0 ^ z10;
    let b2 = z1 ^ b1;
    let b3 = z14 ^ z13;
    let b4 = z6 ^ b3;
    let b5 = z17 ^ b0;
    let b6 = z7 ^ b4;
    let b7 = z5 ^ z4;
    let b8 = z8 ^ b2;
    let b9 = b5 ^ b6;
    let b10 = b7 ^ b8;
    let b11 = z3 ^ z4;
    let b12 = z16 ^ b10;
    let b13 = b0 ^ b12;
    let b14 = b2 ^ b9;
    let b15 = z11 ^ b5;
    let b16 = z6 ^ b13;
    let b17 = z7 ^ b11;
    let b18 = b13 ^ b17;
    let b19 = b4 ^ b10;
    let b20 = z11 ^ b19;
    let b21 = z10 ^ b11;
    let b22 = b9 ^ b21;
    let b23 = z12 ^ z13;
    let b24 = z16 ^ z15;
    let b25 = b23 ^ b24;
    let b26 = z2 ^ b15;
    let b27 = b14 ^ b26;
    let b28 = z1 ^ b7;
    let b29 = b27 ^ b28;
    [b18, b20, b22, b15, b16, b14, b29, b25]
}

/// Rotate every word of a plane left by 8 bits.
#[inline(always)]
fn r8(p: u64) -> u64 {
    p.rotate_right(16)
}

/// Rotate every word left by `N` bits (0 < N < 8), then by 8 * `M`.
#[inline(always)]
fn rotl_planes<const N: usize, const M: u32>(s: &Planes) -> Planes {
    let mut out = [0u64; 8];
    for b in 0..8 {
        // Bit b of byte m comes from bit b - N of byte m, or from bit
        // b + 8 - N of the next less significant byte.
        let p = if b >= N { s[b - N] } else { r8(s[b + 8 - N]) };
        out[b] = p.rotate_right(16 * M);
    }
    out
}

/// L on planes: `B ^ (B <<< 2) ^ (B <<< 10) ^ (B <<< 18) ^ (B <<< 24)`,
/// computed as `(B ^ B <<< 24) ^ ((B ^ B <<< 8 ^ B <<< 16) <<< 2)`.
#[inline(always)]
fn l_planes(s: &Planes) -> Planes {
    let mut c = [0u64; 8];
    let mut out = [0u64; 8];
    for b in 0..8 {
        let e = s[b] ^ r8(s[b]); // B ^ B<<<8
        out[b] = e.rotate_left(16); // (B ^ B<<<8) <<< 24 = B<<<24 ^ B
        c[b] = s[b] ^ r8(e); // B ^ B<<<8 ^ B<<<16
    }
    let c2 = rotl_planes::<2, 0>(&c);
    for b in 0..8 {
        out[b] ^= c2[b];
    }
    out
}

/// L' on planes: `B ^ (B <<< 13) ^ (B <<< 23)`.
#[inline(always)]
fn l_key_planes(s: &Planes) -> Planes {
    let a = rotl_planes::<5, 1>(s);
    let c = rotl_planes::<7, 2>(s);
    let mut out = [0u64; 8];
    for b in 0..8 {
        out[b] = s[b] ^ a[b] ^ c[b];
    }
    out
}

/// Planes of a word that is the same in every lane. Constant time in `v`.
#[inline(always)]
const fn broadcast(v: u32) -> Planes {
    // Byte m (memory order) to bits 8m.
    let v = v.swap_bytes();
    let mut out = [0u64; 8];
    let mut b = 0;
    while b < 8 {
        let t = ((v >> b) & 0x0101_0101) as u64;
        // Bit 8m to bit 16m, then each to all sixteen lanes.
        let spread =
            (t & 1) | ((t & 0x100) << 8) | ((t & 0x1_0000) << 16) | ((t & 0x100_0000) << 24);
        out[b] = spread * 0xffff;
        b += 1;
    }
    out
}

/// One SM4 round on planes: `x0 ^= T(x1 ^ x2 ^ x3 ^ rk)`, with `T` = L or
/// L' after the S-box.
#[inline(always)]
fn round<const KEY: bool>(x0: &mut Planes, x1: &Planes, x2: &Planes, x3: &Planes, rk: &Planes) {
    let mut t = [0u64; 8];
    for b in 0..8 {
        t[b] = x1[b] ^ x2[b] ^ x3[b] ^ rk[b];
    }
    let s = sbox(t);
    let l = if KEY { l_key_planes(&s) } else { l_planes(&s) };
    for b in 0..8 {
        x0[b] ^= l[b];
    }
}

/// Offset of word `i` of the encryption state (`X_i` in GB/T 32907) as
/// computed here from the true one: every round skips XORing
/// `L(SBOX_OUT)`, which lands in every fourth word, four at a time.
const fn enc_offset(i: usize) -> u32 {
    if (i / 4) % 2 == 1 {
        l_word(SBOX_OUT)
    } else {
        0
    }
}

/// As [`enc_offset`], for the key schedule's words `K_i`.
const fn key_offset(i: usize) -> u32 {
    if (i / 4) % 2 == 1 {
        l_key_word(SBOX_OUT)
    } else {
        0
    }
}

/// Round constants of the key schedule in plane form: `CK_i ^ SBOX_IN`
/// and the offsets of the three key-schedule words round `i` reads.
const KEY_CK: [Planes; 32] = {
    let mut out = [[0u64; 8]; 32];
    let mut i = 0;
    while i < 32 {
        out[i] =
            broadcast(CK[i] ^ SBOX_IN ^ key_offset(i + 1) ^ key_offset(i + 2) ^ key_offset(i + 3));
        i += 1;
    }
    out
};

/// What turns key-schedule word `K_{i+4}` as computed (with its offset)
/// into encryption round key `i` as used: `rk_i = K_{i+4}`, XORed with
/// `SBOX_IN` and with the offsets of the three words round `i` reads.
const KEY_ADJUST: [Planes; 32] = {
    let mut out = [[0u64; 8]; 32];
    let mut i = 0;
    while i < 32 {
        out[i] = broadcast(
            key_offset(i + 4) ^ SBOX_IN ^ enc_offset(i + 1) ^ enc_offset(i + 2) ^ enc_offset(i + 3),
        );
        i += 1;
    }
    out
};

/// Expanded SM4 key: the 32 round keys in plane form, each broadcast to
/// every lane and adjusted for the S-box constants and the word offsets.
pub(crate) struct RoundKeys {
    rk: [Planes; 32],
}

impl RoundKeys {
    /// Key schedule (GB/T 32907-2016, 7.3), run on planes with the same
    /// circuit as encryption, so it is constant time too (all sixteen
    /// lanes hold the same key).
    pub(crate) fn new(key: &[u8; 16]) -> RoundKeys {
        let mk = |i: usize| {
            u32::from_be_bytes([key[4 * i], key[4 * i + 1], key[4 * i + 2], key[4 * i + 3]])
        };
        let mut k = [
            broadcast(mk(0) ^ FK[0]),
            broadcast(mk(1) ^ FK[1]),
            broadcast(mk(2) ^ FK[2]),
            broadcast(mk(3) ^ FK[3]),
        ];
        let mut rk = [[0u64; 8]; 32];
        for i in 0..32 {
            let [k0, k1, k2, k3] = &mut k;
            match i % 4 {
                0 => round::<true>(k0, k1, k2, k3, &KEY_CK[i]),
                1 => round::<true>(k1, k2, k3, k0, &KEY_CK[i]),
                2 => round::<true>(k2, k3, k0, k1, &KEY_CK[i]),
                _ => round::<true>(k3, k0, k1, k2, &KEY_CK[i]),
            }
            // k[i % 4] now holds K_{i+4} ^ key_offset(i + 4).
            for b in 0..8 {
                rk[i][b] = k[i % 4][b] ^ KEY_ADJUST[i][b];
            }
        }
        k.zeroize();
        RoundKeys { rk }
    }

    /// Encrypt sixteen states in plane form; the result is in output word
    /// order (`X35, X34, X33, X32`).
    #[inline]
    fn encrypt(&self, x: &State) -> State {
        let [mut x0, mut x1, mut x2, mut x3] = *x;
        for r in self.rk.chunks_exact(4) {
            round::<false>(&mut x0, &x1, &x2, &x3, &r[0]);
            round::<false>(&mut x1, &x2, &x3, &x0, &r[1]);
            round::<false>(&mut x2, &x3, &x0, &x1, &r[2]);
            round::<false>(&mut x3, &x0, &x1, &x2, &r[3]);
        }
        // enc_offset(32..36) is zero: no correction needed.
        [x3, x2, x1, x0]
    }

    /// Encrypt up to sixteen blocks in place (tests: the GCM code only
    /// encrypts counter blocks).
    #[cfg(test)]
    fn encrypt_blocks(&self, blocks: &mut [[u8; 16]]) {
        debug_assert!(blocks.len() <= LANES);
        let mut words = [[0u64; 2]; LANES];
        for (w, b) in words.iter_mut().zip(blocks.iter()) {
            *w = block_words(b);
        }
        let mut ks = planes_to_words(&self.encrypt(&words_to_planes(&words)));
        for (b, w) in blocks.iter_mut().zip(ks.iter()) {
            b[..8].copy_from_slice(&w[0].to_le_bytes());
            b[8..].copy_from_slice(&w[1].to_le_bytes());
        }
        ks.zeroize();
        words.zeroize();
    }

    /// Encrypt the sixteen counter blocks `nonce || (base + j)`,
    /// `j = 0..16`, `base` a multiple of 16, given the nonce's planes;
    /// returns them as [`planes_to_words`] does.
    #[inline]
    fn encrypt_counters(&self, nonce: &[Planes; 3], base: u32) -> [[u64; 2]; LANES] {
        debug_assert_eq!(base % 16, 0);
        let mut ctr = broadcast(base);
        // The low four bits of the last byte are the lane number.
        for (b, pattern) in [0xaaaau64, 0xcccc, 0xf0f0, 0xff00].into_iter().enumerate() {
            ctr[b] |= pattern << 48;
        }
        planes_to_words(&self.encrypt(&[nonce[0], nonce[1], nonce[2], ctr]))
    }
}

/// The planes of the three nonce words of the counter blocks.
fn nonce_planes(nonce: &[u8; 12]) -> [Planes; 3] {
    std::array::from_fn(|i| {
        broadcast(u32::from_be_bytes([
            nonce[4 * i],
            nonce[4 * i + 1],
            nonce[4 * i + 2],
            nonce[4 * i + 3],
        ]))
    })
}

impl Drop for RoundKeys {
    fn drop(&mut self) {
        self.rk.zeroize();
    }
}

/// A block as two little-endian `u64` (bytes 0..8, 8..16).
#[inline(always)]
fn block_words(b: &[u8; 16]) -> [u64; 2] {
    let (lo, hi) = b.split_at(8);
    [
        u64::from_le_bytes(lo.try_into().expect("8 bytes")),
        u64::from_le_bytes(hi.try_into().expect("8 bytes")),
    ]
}

/// Exchange bit `s`-apart groups between two words (a transposition step):
/// the bits of `a` at positions in `m << s` trade places with those of `b`
/// at positions in `m`.
#[inline(always)]
fn swapmove(a: &mut u64, b: &mut u64, s: u32, m: u64) {
    let t = ((*a >> s) ^ *b) & m;
    *b ^= t;
    *a ^= t << s;
}

/// Exchange bits `s` apart within one word (positions in `m` and `m << s`).
#[inline(always)]
fn delta_swap(x: u64, s: u32, m: u64) -> u64 {
    let t = ((x >> s) ^ x) & m;
    x ^ t ^ (t << s)
}

/// The transposition steps, shared by both directions (each is an
/// involution). Element `e[i]` starts as plane `i % 8` of word `i / 8`
/// (bits: lane `j` at 0..4, byte `m` at 4..6); the four steps trade the
/// lane bits for the plane number and the low word bit, leaving `e[j +
/// 16 * h]` = half `h` of lane `j` with bit `b` of byte `m` of word `2h + w`
/// at bit `b + 8 * w + 16 * m`.
#[inline(always)]
fn transpose_steps(e: &mut [u64; 32]) {
    transpose_step::<1>(e, 0x5555_5555_5555_5555);
    transpose_step::<2>(e, 0x3333_3333_3333_3333);
    transpose_step::<4>(e, 0x0f0f_0f0f_0f0f_0f0f);
    transpose_step::<8>(e, 0x00ff_00ff_00ff_00ff);
}

/// One step of [`transpose_steps`]: index bit `S` trades with bit `S` of
/// the position.
#[inline(always)]
fn transpose_step<const S: usize>(e: &mut [u64; 32], m: u64) {
    for pair in e.chunks_exact_mut(2 * S) {
        let (lo, hi) = pair.split_at_mut(S);
        for (a, b) in lo.iter_mut().zip(hi.iter_mut()) {
            swapmove(a, b, S as u32, m);
        }
    }
}

/// Byte order within a transposed half: byte `w + 2m` to `4w + m`.
#[inline(always)]
fn bytes_to_memory(x: u64) -> u64 {
    delta_swap(
        delta_swap(x, 8, 0x0000_ff00_0000_ff00),
        16,
        0x0000_0000_ffff_0000,
    )
}

/// Inverse of [`bytes_to_memory`].
#[cfg(test)]
fn bytes_from_memory(x: u64) -> u64 {
    delta_swap(
        delta_swap(x, 16, 0x0000_0000_ffff_0000),
        8,
        0x0000_ff00_0000_ff00,
    )
}

/// Planes to blocks: `out[j]` = block `j` as [`block_words`].
#[inline]
fn planes_to_words(x: &State) -> [[u64; 2]; LANES] {
    let mut e = [0u64; 32];
    for (i, v) in e.iter_mut().enumerate() {
        *v = x[i / 8][i % 8];
    }
    transpose_steps(&mut e);
    let mut out = [[0u64; 2]; LANES];
    for (j, o) in out.iter_mut().enumerate() {
        *o = [bytes_to_memory(e[j]), bytes_to_memory(e[j + 16])];
    }
    e.zeroize();
    out
}

/// Blocks to planes, the inverse of [`planes_to_words`].
#[cfg(test)]
fn words_to_planes(w: &[[u64; 2]; LANES]) -> State {
    let mut e = [0u64; 32];
    for j in 0..LANES {
        e[j] = bytes_from_memory(w[j][0]);
        e[j + 16] = bytes_from_memory(w[j][1]);
    }
    transpose_steps(&mut e);
    let mut x = [[0u64; 8]; 4];
    for (i, v) in e.iter().enumerate() {
        x[i / 8][i % 8] = *v;
    }
    e.zeroize();
    x
}

/// A stand-in block cipher that lets `AesGcm` compute GHASH alone: it
/// "encrypts" the zero block to the GHASH key `H` (which is how `AesGcm`
/// derives `H`) and every other block, that is every counter block, to
/// zero. `AesGcm<GhashOnly>` therefore leaves its buffer unchanged and
/// returns `GHASH_H(A, C)` as the tag. Counter blocks are never zero: they
/// end in a 32-bit counter that starts at 1 and cannot wrap within
/// `AesGcm`'s length limit.
struct GhashOnly {
    h: [u8; 16],
}

impl BlockSizeUser for GhashOnly {
    type BlockSize = U16;
}

impl ParBlocksSizeUser for GhashOnly {
    type ParBlocksSize = U8;
}

impl BlockCipherEncrypt for GhashOnly {
    fn encrypt_with_backend(&self, f: impl BlockCipherEncClosure<BlockSize = Self::BlockSize>) {
        f.call(self)
    }
}

impl BlockCipherEncBackend for GhashOnly {
    #[inline(always)]
    fn encrypt_block(&self, mut block: InOut<'_, '_, Block<Self>>) {
        // The input is a counter block (public), never secret.
        let zero = block.get_in().iter().all(|&b| b == 0);
        let out = block.get_out();
        if zero {
            out.copy_from_slice(&self.h);
        } else {
            out.fill(0);
        }
    }

    #[inline(always)]
    fn encrypt_par_blocks(&self, mut blocks: InOut<'_, '_, ParBlocks<Self>>) {
        for i in 0..8 {
            BlockCipherEncBackend::encrypt_block(self, blocks.get(i));
        }
    }
}

impl Drop for GhashOnly {
    fn drop(&mut self) {
        self.h.zeroize();
    }
}

/// GCM's limit on the plaintext length (NIST SP 800-38D): 2^39 - 256 bits.
const P_MAX: u64 = (1 << 36) - 32;

/// SM4-GCM with a 96-bit nonce and a 128-bit tag (NIST SP 800-38D with
/// SM4 as the block cipher, as RFC 8998 uses it).
pub struct Sm4Gcm {
    keys: RoundKeys,
    ghash: AesGcm<GhashOnly, U12>,
}

impl Sm4Gcm {
    /// Key schedule and GHASH key `H = SM4_K(0^128)`.
    pub(crate) fn new(key: &[u8; 16]) -> Sm4Gcm {
        let keys = RoundKeys::new(key);
        let mut ks = planes_to_words(&keys.encrypt(&[[0u64; 8]; 4]));
        let mut h = [0u8; 16];
        h[..8].copy_from_slice(&ks[0][0].to_le_bytes());
        h[8..].copy_from_slice(&ks[0][1].to_le_bytes());
        ks.zeroize();
        let ghash = AesGcm::from(GhashOnly { h });
        h.zeroize();
        Sm4Gcm { keys, ghash }
    }

    /// XOR the counter-mode keystream into `buf` (block `i` uses counter
    /// `i + 2`) and return the encryption of `J0` (counter 1). Pass `p`
    /// encrypts counters `16p..16p + 16`; `pass0` is the first pass if the
    /// caller already has it.
    fn ctr(
        &self,
        nonce: &[Planes; 3],
        buf: &mut [u8],
        pass0: Option<&[[u64; 2]; LANES]>,
    ) -> [u64; 2] {
        let mut ks = match pass0 {
            Some(k) => *k,
            None => self.keys.encrypt_counters(nonce, 0),
        };
        let j0 = ks[1];
        // Lane 0 is counter 0 (unused), lane 1 is J0.
        let (first, mut rest) = buf.split_at_mut(buf.len().min(16 * (LANES - 2)));
        for (chunk, k) in first.chunks_mut(16).zip(&ks[2..]) {
            xor_block(chunk, k);
        }
        let mut base: u32 = 0;
        while !rest.is_empty() {
            base = base.wrapping_add(LANES as u32);
            ks = self.keys.encrypt_counters(nonce, base);
            let (now, later) = rest.split_at_mut(rest.len().min(16 * LANES));
            for (chunk, k) in now.chunks_mut(16).zip(&ks) {
                xor_block(chunk, k);
            }
            rest = later;
        }
        ks.zeroize();
        j0
    }

    /// Encrypt `buf` in place; returns the tag.
    pub(crate) fn seal_in_place(
        &self,
        nonce: &[u8; 12],
        aad: &[u8],
        buf: &mut [u8],
    ) -> Result<[u8; 16]> {
        if buf.len() as u64 > P_MAX {
            return Err(Error::invalid("plaintext too long for the AEAD"));
        }
        let j0 = self.ctr(&nonce_planes(nonce), buf, None);
        let g = self
            .ghash
            .encrypt_inout_detached(&(*nonce).into(), aad, buf.into())
            .map_err(|_| Error::invalid("plaintext too long for the AEAD"))?;
        let mut tag = [0u8; 16];
        tag.copy_from_slice(&g);
        xor_block(&mut tag, &j0);
        Ok(tag)
    }

    /// Check `tag`, then decrypt `buf` in place. On failure `buf` is left
    /// as it was (ciphertext).
    pub(crate) fn open_in_place(
        &self,
        nonce: &[u8; 12],
        aad: &[u8],
        buf: &mut [u8],
        tag: &[u8; 16],
    ) -> Result<()> {
        if buf.len() as u64 > P_MAX {
            return Err(Error::decrypt());
        }
        let np = nonce_planes(nonce);
        let mut ks0 = self.keys.encrypt_counters(&np, 0);
        let mut expect = *tag;
        xor_block(&mut expect, &ks0[1]);
        let ok = self
            .ghash
            .decrypt_inout_detached(&(*nonce).into(), aad, (&mut *buf).into(), &expect.into())
            .is_ok();
        expect.zeroize();
        if ok {
            self.ctr(&np, buf, Some(&ks0));
        }
        ks0.zeroize();
        if ok {
            Ok(())
        } else {
            Err(Error::decrypt())
        }
    }
}

/// `chunk ^= k` for a block (or the final partial block) of data.
#[inline(always)]
fn xor_block(chunk: &mut [u8], k: &[u64; 2]) {
    if chunk.len() == 16 {
        let w = block_words((&*chunk).try_into().expect("16 bytes"));
        chunk[..8].copy_from_slice(&(w[0] ^ k[0]).to_le_bytes());
        chunk[8..].copy_from_slice(&(w[1] ^ k[1]).to_le_bytes());
    } else {
        let mut kb = [0u8; 16];
        kb[..8].copy_from_slice(&k[0].to_le_bytes());
        kb[8..].copy_from_slice(&k[1].to_le_bytes());
        for (c, k) in chunk.iter_mut().zip(kb.iter()) {
            *c ^= k;
        }
        kb.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seal::aead::Primitive;

    /// Deterministic test data (SplitMix64).
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        }

        fn fill(&mut self, buf: &mut [u8]) {
            for b in buf {
                *b = self.next() as u8;
            }
        }

        fn array<const N: usize>(&mut self) -> [u8; N] {
            let mut a = [0u8; N];
            self.fill(&mut a);
            a
        }
    }

    fn unhex(s: &str) -> Vec<u8> {
        let s: String = s.split_whitespace().collect();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    fn reference(key: &[u8; 16]) -> ::sm4::Sm4 {
        <::sm4::Sm4 as ::sm4::cipher::KeyInit>::new(key.into())
    }

    /// The S-box from its algebraic description (see the module docs),
    /// independent of the circuit: `A * inv(A * x + 0xd3) + 0xd3`.
    fn sbox_reference(x: u8) -> u8 {
        fn mul(mut a: u8, mut b: u8) -> u8 {
            let mut r = 0u8;
            while b != 0 {
                if b & 1 == 1 {
                    r ^= a;
                }
                let carry = a & 0x80 != 0;
                a <<= 1;
                if carry {
                    a ^= 0xf5; // x^8 = x^7 + x^6 + x^5 + x^4 + x^2 + 1
                }
                b >>= 1;
            }
            r
        }
        fn inv(a: u8) -> u8 {
            (1..=255u8).find(|&b| mul(a, b) == 1).unwrap_or(0)
        }
        fn affine(x: u8) -> u8 {
            // Row i of A is 0xa7 rotated left by i.
            (0..8).fold(0u8, |acc, i| {
                let row = 0xa7u8.rotate_left(i);
                acc | ((((row & x).count_ones() & 1) as u8) << i)
            })
        }
        affine(inv(affine(x) ^ 0xd3)) ^ 0xd3
    }

    #[test]
    fn sbox_circuit_matches_the_sbox_on_all_inputs() {
        for q in 0..4u32 {
            let mut x = [0u64; 8];
            for i in 0..64u32 {
                let v = (64 * q + i) as u8;
                for (b, plane) in x.iter_mut().enumerate() {
                    *plane |= u64::from((v >> b) & 1) << i;
                }
            }
            let y = sbox(x);
            for i in 0..64u32 {
                let v = (64 * q + i) as u8;
                let got = (0..8).fold(0u8, |acc, b| acc | ((((y[b] >> i) & 1) as u8) << b));
                let want = sbox_reference(v ^ SBOX_IN as u8) ^ SBOX_OUT as u8;
                assert_eq!(got, want, "input {v:#04x}");
            }
        }
    }

    #[test]
    fn planes_round_trip_and_lane_order() {
        let mut rng = Rng(1);
        for _ in 0..50 {
            let w: [[u64; 2]; LANES] = std::array::from_fn(|_| [rng.next(), rng.next()]);
            let x = words_to_planes(&w);
            assert_eq!(planes_to_words(&x), w);
            // Lane j, word k, byte m (memory order), bit b.
            for (j, lane) in w.iter().enumerate() {
                let mut block = [0u8; 16];
                block[..8].copy_from_slice(&lane[0].to_le_bytes());
                block[8..].copy_from_slice(&lane[1].to_le_bytes());
                for (k, word) in x.iter().enumerate() {
                    for m in 0..4 {
                        for (b, plane) in word.iter().enumerate() {
                            let bit = (plane >> (16 * m + j)) & 1;
                            assert_eq!(bit as u8, (block[4 * k + m] >> b) & 1);
                        }
                    }
                }
            }
        }
    }

    /// GB/T 32907-2016, appendix A, example 1.
    #[test]
    fn standard_example_1() {
        let key: [u8; 16] = unhex("0123456789abcdeffedcba9876543210")
            .try_into()
            .unwrap();
        let mut block = key;
        RoundKeys::new(&key).encrypt_blocks(std::slice::from_mut(&mut block));
        assert_eq!(block.to_vec(), unhex("681edf34d206965e86b3e94f536e4246"));
    }

    /// GB/T 32907-2016, appendix A, example 2: example 1's plaintext
    /// encrypted 1,000,000 times under the same key. Slow unoptimized.
    #[test]
    #[cfg_attr(debug_assertions, ignore = "slow without optimizations")]
    fn standard_example_2() {
        let key: [u8; 16] = unhex("0123456789abcdeffedcba9876543210")
            .try_into()
            .unwrap();
        let keys = RoundKeys::new(&key);
        let mut block = key;
        for _ in 0..1_000_000 {
            keys.encrypt_blocks(std::slice::from_mut(&mut block));
        }
        assert_eq!(block.to_vec(), unhex("595298c7c6fd271f0402f804c33d3f66"));
    }

    #[test]
    fn blocks_match_the_sm4_crate() {
        let mut rng = Rng(2);
        for round in 0..2000 {
            let key: [u8; 16] = rng.array();
            let keys = RoundKeys::new(&key);
            let reference = reference(&key);
            let n = 1 + round % LANES;
            let mut blocks: Vec<[u8; 16]> = (0..n).map(|_| rng.array()).collect();
            let mut want = blocks.clone();
            for b in want.iter_mut() {
                ::sm4::cipher::BlockCipherEncrypt::encrypt_block(&reference, b.into());
            }
            keys.encrypt_blocks(&mut blocks);
            assert_eq!(blocks, want, "key {key:02x?}");
        }
    }

    #[test]
    fn counter_blocks_match_explicit_blocks() {
        let mut rng = Rng(3);
        for _ in 0..100 {
            let key: [u8; 16] = rng.array();
            let keys = RoundKeys::new(&key);
            let nonce: [u8; 12] = rng.array();
            let base = (rng.next() as u32) & !15;
            let got = keys.encrypt_counters(&nonce_planes(&nonce), base);
            let mut blocks: Vec<[u8; 16]> = (0..LANES as u32)
                .map(|j| {
                    let mut b = [0u8; 16];
                    b[..12].copy_from_slice(&nonce);
                    b[12..].copy_from_slice(&base.wrapping_add(j).to_be_bytes());
                    b
                })
                .collect();
            keys.encrypt_blocks(&mut blocks);
            for (g, b) in got.iter().zip(&blocks) {
                assert_eq!(*g, block_words(b));
            }
        }
    }

    #[test]
    fn gcm_matches_rustcrypto_sm4_gcm() {
        use aes_gcm::aead::KeyInit as _;
        let mut rng = Rng(5);
        let lengths = (0..=80).chain([223, 224, 225, 239, 240, 241, 255, 256, 1000, 4096, 5000]);
        for len in lengths {
            for aad_len in [0usize, 1, 16, 33] {
                let key: [u8; 16] = rng.array();
                let nonce: [u8; 12] = rng.array();
                let mut aad = vec![0u8; aad_len];
                rng.fill(&mut aad);
                let mut pt = vec![0u8; len];
                rng.fill(&mut pt);
                let ours = Sm4Gcm::new(&key);
                let theirs = AesGcm::<::sm4::Sm4, U12>::new((&key).into());
                let mut a = pt.clone();
                let ta = ours.seal_in_place(&nonce, &aad, &mut a).unwrap();
                let mut b = pt.clone();
                let tb = theirs
                    .encrypt_inout_detached(&nonce.into(), &aad, b.as_mut_slice().into())
                    .unwrap();
                assert_eq!(a, b, "length {len}, aad {aad_len}");
                assert_eq!(&ta[..], &tb[..], "length {len}, aad {aad_len}");

                ours.open_in_place(&nonce, &aad, &mut a, &ta).unwrap();
                assert_eq!(a, pt);

                // Any flipped bit fails, and the buffer keeps the ciphertext.
                let mut ct = b.clone();
                let mut bad_tag = ta;
                bad_tag[len % 16] ^= 1 << (len % 8);
                assert!(ours.open_in_place(&nonce, &aad, &mut ct, &bad_tag).is_err());
                assert_eq!(ct, b);
                if len > 0 {
                    ct[len / 2] ^= 0x80;
                    let before = ct.clone();
                    assert!(ours.open_in_place(&nonce, &aad, &mut ct, &ta).is_err());
                    assert_eq!(ct, before);
                }
                let mut other_nonce = nonce;
                other_nonce[11] ^= 1;
                let mut ct = b.clone();
                assert!(ours
                    .open_in_place(&other_nonce, &aad, &mut ct, &ta)
                    .is_err());
            }
        }
    }

    /// RFC 8998, appendix A.1 (SM4-GCM), through the suite primitive.
    #[test]
    fn rfc8998_a1_through_the_primitive() {
        let key: [u8; 16] = unhex("0123456789ABCDEFFEDCBA9876543210")
            .try_into()
            .unwrap();
        let nonce: [u8; 12] = unhex("00001234567800000000ABCD").try_into().unwrap();
        let aad = unhex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2");
        let pt = unhex(
            "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD
             EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA",
        );
        let ct = unhex(
            "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735
             D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D",
        );
        let tag = unhex("83DE3541E4C2B58177E065A9BF7B62EC");
        let p = Primitive::sm4gcm(&key);
        let mut buf = pt.clone();
        let t = p.seal_in_place(&nonce, &aad, &mut buf).unwrap();
        assert_eq!(buf, ct);
        assert_eq!(t.to_vec(), tag);
        let t: [u8; 16] = tag.clone().try_into().unwrap();
        p.open_in_place(&nonce, &aad, &mut buf, &t).unwrap();
        assert_eq!(buf, pt);
        let mut bad = ct.clone();
        bad[63] ^= 1;
        assert!(p.open_in_place(&nonce, &aad, &mut bad, &t).is_err());
    }
}
