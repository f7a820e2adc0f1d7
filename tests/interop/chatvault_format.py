"""chatvault byte formats and key derivations (format version 1) in Python.

An implementation of docs/FORMAT.md written from the document, not from the
Rust code, so that tests/interop/check.py can test chatvault against the
document in both directions. It needs only the `cryptography` package
(HKDF, AES-256-GCM, SM4 in GCM mode, ChaCha20-Poly1305, X25519, Ed25519 and,
for passphrase-wrapped secrets, Argon2id) and the standard library.

Section numbers in comments refer to docs/FORMAT.md. Readers raise
`Malformed`, `Unsupported` or `DecryptError` (all `FormatError`) the way the
document says chatvault reports the same inputs.
"""

import hashlib
import hmac
import os

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

try:  # cryptography >= 44, with an OpenSSL that has Argon2id
    from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

    Argon2id(salt=bytes(8), length=32, iterations=1, lanes=1, memory_cost=8).derive(b"probe")
except Exception:  # ImportError, UnsupportedAlgorithm: depends on the installation
    Argon2id = None

ARGON2_AVAILABLE = Argon2id is not None


class FormatError(Exception):
    """Any input chatvault would refuse."""


class Malformed(FormatError):
    """Bytes that do not parse (chatvault: ErrorKind::Malformed)."""


class Unsupported(FormatError):
    """An unknown version or suite byte."""


class DecryptError(FormatError):
    """A failed key commitment, tag or signature check, with no detail."""


# ---------------------------------------------------------------------------
# 1. Conventions
# ---------------------------------------------------------------------------

def u8(n):
    return n.to_bytes(1, "big")


def u16(n):
    return n.to_bytes(2, "big")


def u32(n):
    return n.to_bytes(4, "big")


def u64(n):
    return n.to_bytes(8, "big")


def i64(n):
    return n.to_bytes(8, "big", signed=True)


def lp16(b):
    if len(b) > 0xFFFF:
        raise ValueError("lp16: longer than 65535 bytes")
    return u16(len(b)) + b


class Reader:
    """Reads the fixed-width fields of section 1; `Malformed` on truncation."""

    def __init__(self, data, what):
        self.data, self.pos, self.what = data, 0, what

    def take(self, n):
        if self.pos + n > len(self.data):
            raise Malformed(f"{self.what}: truncated")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def u8(self):
        return self.take(1)[0]

    def u16(self):
        return int.from_bytes(self.take(2), "big")

    def u32(self):
        return int.from_bytes(self.take(4), "big")

    def u64(self):
        return int.from_bytes(self.take(8), "big")

    def i64(self):
        return int.from_bytes(self.take(8), "big", signed=True)

    def lp16(self):
        return self.take(self.u16())

    def text16(self):
        try:
            return self.lp16().decode("utf-8")
        except UnicodeDecodeError:
            raise Malformed(f"{self.what}: text not UTF-8") from None

    def rest(self):
        out = self.data[self.pos:]
        self.pos = len(self.data)
        return out

    def finish(self):
        if self.pos != len(self.data):
            raise Malformed(f"{self.what}: trailing bytes")


def derive(ikm, label, parts, length):
    """1.4: HKDF-SHA256 with salt "chatvault/v1" and info label || lp16(parts)..."""
    info = label.encode("ascii") + b"".join(lp16(p) for p in parts)
    return HKDF(hashes.SHA256(), length, b"chatvault/v1", info).derive(ikm)


def hmac256(key, msg):
    return hmac.new(key, msg, hashlib.sha256).digest()


def check_text(what, s, lo, hi):
    n = len(s.encode("utf-8"))
    if not lo <= n <= hi:
        raise Malformed(f"{what} must be {lo} to {hi} bytes, got {n}")


# ---------------------------------------------------------------------------
# 2. Key schedule of a 32-byte key
# ---------------------------------------------------------------------------

SUBKEY_LEN = {1: 32, 2: 16, 3: 32, 4: 48}


def key_id(k):
    return derive(k, "chatvault key id", [], 32)


def aead_subkeys(k, suite):
    return derive(k, "chatvault aead key", [bytes([suite])], SUBKEY_LEN[suite])


# ---------------------------------------------------------------------------
# 3. Sealed field envelope
# ---------------------------------------------------------------------------

SUITES = (1, 2, 3, 4)
SUITE_NAMES = {1: "aes-256-gcm", 2: "sm4-gcm", 3: "chacha20-poly1305", 4: "aes-256-gcm+sm4-gcm"}


def layers(suite):
    return 2 if suite == 4 else 1


def header_len(suite):
    return 38 + 12 * layers(suite)


def overhead(suite):
    return header_len(suite) + 16 * layers(suite)


def sm4gcm_seal(key, nonce, aad, plaintext):
    e = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    e.authenticate_additional_data(aad)
    return e.update(plaintext) + e.finalize() + e.tag


def sm4gcm_open(key, nonce, aad, data):
    if len(data) < 16:
        raise DecryptError("decryption failure")
    d = Cipher(algorithms.SM4(key), modes.GCM(nonce, data[-16:])).decryptor()
    d.authenticate_additional_data(aad)
    try:
        return d.update(data[:-16]) + d.finalize()
    except InvalidTag:
        raise DecryptError("decryption failure") from None


def envelope_aad(suite, key_version, tenant, record, field):
    """3.3: version, suite, key version, then the three context strings."""
    return u8(1) + u8(suite) + u32(key_version) + lp16(tenant) + lp16(record) + lp16(field)


def seal(k, suite, key_version, tenant, record, field, plaintext, nonces=None):
    """3.4. `tenant`, `record`, `field` are bytes; `nonces` (12 bytes per
    layer) are drawn at random unless given."""
    n = layers(suite)
    if nonces is None:
        nonces = os.urandom(12 * n)
    assert len(nonces) == 12 * n
    header = u8(1) + u8(suite) + u32(key_version) + key_id(k) + nonces
    aad = envelope_aad(suite, key_version, tenant, record, field)
    sub = aead_subkeys(k, suite)
    n1 = nonces[:12]
    if suite == 1:
        body = AESGCM(sub).encrypt(n1, plaintext, aad)
    elif suite == 2:
        body = sm4gcm_seal(sub, n1, aad, plaintext)
    elif suite == 3:
        body = ChaCha20Poly1305(sub).encrypt(n1, plaintext, aad)
    else:
        inner = AESGCM(sub[:32]).encrypt(n1, plaintext, aad)
        body = sm4gcm_seal(sub[32:48], nonces[12:24], aad, inner)
    return header + body


def parse_envelope_header(env):
    """3.5 steps 1 to 3: the checks on public bytes."""
    if len(env) < 1:
        raise Malformed("envelope: empty")
    if env[0] != 1:
        raise Unsupported(f"envelope version {env[0]}")
    if len(env) < 2:
        raise Malformed("envelope: truncated")
    suite = env[1]
    if suite not in SUITES:
        raise Unsupported(f"suite {suite}")
    if len(env) < overhead(suite):
        raise Malformed("envelope: shorter than its suite's overhead")
    h = header_len(suite)
    return {
        "suite": suite,
        "key_version": int.from_bytes(env[2:6], "big"),
        "key_id": env[6:38],
        "nonces": [env[38 + 12 * i:50 + 12 * i] for i in range(layers(suite))],
        "header_len": h,
        "plaintext_len": len(env) - overhead(suite),
    }


def open_envelope(k, suite, key_version, tenant, record, field, env):
    """3.5. Steps 4 to 6 fail with the same DecryptError."""
    h = parse_envelope_header(env)
    if h["suite"] != suite or h["key_version"] != key_version:
        raise DecryptError("decryption failure")
    if not hmac.compare_digest(h["key_id"], key_id(k)):
        raise DecryptError("decryption failure")
    aad = envelope_aad(suite, key_version, tenant, record, field)
    sub = aead_subkeys(k, suite)
    body = env[h["header_len"]:]
    n1 = h["nonces"][0]
    try:
        if suite == 1:
            return AESGCM(sub).decrypt(n1, body, aad)
        if suite == 2:
            return sm4gcm_open(sub, n1, aad, body)
        if suite == 3:
            return ChaCha20Poly1305(sub).decrypt(n1, body, aad)
        inner = sm4gcm_open(sub[32:48], h["nonces"][1], aad, body)
        return AESGCM(sub[:32]).decrypt(n1, inner, aad)
    except InvalidTag:
        raise DecryptError("decryption failure") from None


# ---------------------------------------------------------------------------
# 4. Blind index and 4.2 pseudonym tags
# ---------------------------------------------------------------------------

# Unicode White_Space, as Rust's char::is_whitespace (25 code points). Not
# str.isspace(), which adds U+001C..U+001F.
WHITESPACE = frozenset(
    [0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680]
    + list(range(0x2000, 0x200B))
    + [0x2028, 0x2029, 0x202F, 0x205F, 0x3000]
)
assert len(WHITESPACE) == 25

NORMALIZATIONS = {0: "exact", 1: "text", 2: "phone", 3: "id_card", 4: "bank_card", 5: "email"}


def _fold(s):
    out = []
    for ch in s:
        c = ord(ch)
        if 0xFF01 <= c <= 0xFF5E:
            out.append(chr(c - 0xFEE0))
        elif c == 0x3000:
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def _is_ws(ch):
    return ord(ch) in WHITESPACE


def _ascii_lower(s):
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in s)


def _ascii_upper(s):
    return "".join(chr(ord(c) - 32) if "a" <= c <= "z" else c for c in s)


def _digits(s):
    return "".join(c for c in s if "0" <= c <= "9")


def normalize(value, normalization):
    """4.1."""
    if normalization == 0:
        return value
    f = _fold(value)
    if normalization == 1:
        pieces, cur = [], []
        for c in _ascii_lower(f):
            if _is_ws(c):
                if cur:
                    pieces.append("".join(cur))
                cur = []
            else:
                cur.append(c)
        if cur:
            pieces.append("".join(cur))
        return " ".join(pieces)
    if normalization == 2:
        d = _digits(f)
        if len(d) == 15 and d.startswith("0086"):
            return d[4:]
        if len(d) == 13 and d.startswith("86"):
            return d[2:]
        return d
    if normalization == 3:
        return _ascii_upper("".join(c for c in f if not _is_ws(c) and c != "-"))
    if normalization == 4:
        return _digits(f)
    if normalization == 5:
        a, b = 0, len(f)
        while a < b and _is_ws(f[a]):
            a += 1
        while b > a and _is_ws(f[b - 1]):
            b -= 1
        return _ascii_lower(f[a:b])
    raise ValueError(f"unknown normalization {normalization}")


def blind_index(k_bi, field, value, normalization, length):
    """4: HMAC(K_bi, lp16(field) || normalize(value))[0..length]."""
    if not 8 <= length <= 32:
        raise ValueError("index length must be 8 to 32")
    v = normalize(value, normalization).encode("utf-8")
    if not v:
        raise ValueError("value normalizes to the empty string")
    return hmac256(k_bi, lp16(field.encode("utf-8")) + v)[:length]


def pseudonym_tag(k_ps, purpose, data):
    """4.2: HMAC(K_ps, lp16(purpose) || input), 32 bytes."""
    return hmac256(k_ps, lp16(purpose.encode("utf-8")) + data)


# ---------------------------------------------------------------------------
# 5. Key hierarchy
# ---------------------------------------------------------------------------

MAX_DEPARTMENT = 64
MAX_ID = 256
CLASSES = {1: "phone", 2: "id_card", 3: "bank_card", 4: "email", 5: "other"}


def enc_archive(department):
    """5.1: Archive(department)."""
    return u8(1) + lp16(department.encode("utf-8"))


def enc_identifier(cls):
    """5.1: Identifier(class)."""
    return u8(2) + lp16(bytes([cls]))


ENC_BLIND_INDEX = u8(3) + lp16(b"")
ENC_PSEUDONYM = u8(4) + lp16(b"")


def parse_domain(r):
    """Read one enc(domain) from a Reader, with the checks of 7.1."""
    tag = r.u8()
    scope = r.lp16()
    if tag == 1:
        try:
            dept = scope.decode("utf-8")
        except UnicodeDecodeError:
            raise Malformed("domain: department not UTF-8") from None
        check_text("department", dept, 1, MAX_DEPARTMENT)
    elif tag == 2:
        if len(scope) != 1 or scope[0] not in CLASSES:
            raise Malformed("domain: bad identifier class")
    elif tag in (3, 4):
        if scope:
            raise Malformed("domain: unexpected scope")
    else:
        raise Malformed(f"domain: unknown tag {tag}")
    return u8(tag) + lp16(scope)


def domain_root(m, tenant, enc_domain, version):
    """5.2: R(domain, version)."""
    return derive(m, "chatvault domain", [tenant.encode("utf-8"), enc_domain, u32(version)], 32)


def locator_key(m, tenant, enc_domain):
    """5.3: one locator key per Archive or Identifier domain, not versioned."""
    return derive(m, "chatvault locator key", [tenant.encode("utf-8"), enc_domain], 32)


def signing_seed(m, tenant):
    """5.3: the Ed25519 seed of the grant-signing key."""
    return derive(m, "chatvault grant signing", [tenant.encode("utf-8")], 32)


def signing_key(m, tenant):
    return Ed25519PrivateKey.from_private_bytes(signing_seed(m, tenant))


def ed25519_public(private_key):
    return private_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def signing_public(m, tenant):
    return ed25519_public(signing_key(m, tenant))


# 5.4 GGM tree
DEPTH = 24
MAX_DAY = (1 << DEPTH) - 1
SECONDS_PER_DAY = 86400


def day_of(t):
    if t < 0 or t // SECONDS_PER_DAY > MAX_DAY:
        raise ValueError("time outside the supported days")
    return t // SECONDS_PER_DAY


def ggm_child(k, bit):
    return hmac256(k, b"chatvault ggm" + bytes([bit]))


def node_covers(level, prefix, day):
    return day >> level == prefix


def node_leaf(level, prefix, key, day):
    """The leaf of `day` from the node (level, prefix, key) covering it."""
    if not node_covers(level, prefix, day):
        raise ValueError("node does not cover the day")
    k = key
    for i in range(level - 1, -1, -1):
        k = ggm_child(k, (day >> i) & 1)
    return k


def ggm_leaf(root, day):
    return node_leaf(DEPTH, 0, root, day)


def ggm_cover(root, first, last):
    """The minimal cover of days first..=last, in ascending order (5.4)."""
    out = []

    def walk(level, prefix, key):
        lo, hi = prefix << level, ((prefix + 1) << level) - 1
        if hi < first or lo > last:
            return
        if first <= lo and hi <= last:
            out.append((level, prefix, key))
            return
        for bit in (0, 1):
            walk(level - 1, (prefix << 1) | bit, ggm_child(key, bit))

    if first <= last <= MAX_DAY:
        walk(DEPTH, 0, root)
    return out


# 5.6 Data key ids and locators

def enc_conversation(department, conversation):
    return u8(1) + lp16(department.encode("utf-8")) + lp16(conversation.encode("utf-8"))


def enc_customer(customer, cls):
    return u8(2) + lp16(customer.encode("utf-8")) + u8(cls)


def locator(lk, enc_id):
    return hmac256(lk, b"chatvault locator" + enc_id)


def conversation_locator(m, tenant, department, conversation):
    return locator(locator_key(m, tenant, enc_archive(department)), enc_conversation(department, conversation))


def customer_locator(m, tenant, customer, cls):
    return locator(locator_key(m, tenant, enc_identifier(cls)), enc_customer(customer, cls))


def wrapping_key(m, tenant, enc_domain, version, day):
    """5.5: the leaf of the day for Archive, the root itself for Identifier."""
    root = domain_root(m, tenant, enc_domain, version)
    return ggm_leaf(root, day) if enc_domain[0] == 1 else root


# ---------------------------------------------------------------------------
# 6. Wrapped data key record
# ---------------------------------------------------------------------------

def record_header(kind, domain_version, key_version, day, cls, department):
    return (u8(1) + u8(kind) + u32(domain_version) + u32(key_version) + u32(day) + u8(cls)
            + lp16(department.encode("utf-8")))


def parse_record(rec):
    """Section 6 reader checks, up to (not including) the envelope."""
    r = Reader(rec, "wrapped data key")
    v = r.u8()
    if v != 1:
        raise Unsupported(f"wrapped data key version {v}")
    kind, dv, kv, day, cls = r.u8(), r.u32(), r.u32(), r.u32(), r.u8()
    dept = r.text16()
    if kind == 1 and cls == 0:
        check_text("department", dept, 1, MAX_DEPARTMENT)
        enc_domain = enc_archive(dept)
    elif kind == 2 and cls in CLASSES and dept == "":
        enc_domain = enc_identifier(cls)
    else:
        raise Malformed("wrapped data key: inconsistent kind fields")
    return {
        "kind": kind, "domain_version": dv, "key_version": kv, "day": day, "class": cls,
        "department": dept, "domain": enc_domain, "header": rec[:r.pos], "envelope": rec[r.pos:],
    }


def wrap_record(tenant, loc, kind, domain_version, key_version, day, cls, department, w, data_key):
    hb = record_header(kind, domain_version, key_version, day, cls, department)
    return hb + seal(w, 1, domain_version, tenant.encode("utf-8"), loc + hb, b"data key", data_key)


def unwrap_record(tenant, loc, rec, w):
    """Open a record with the wrapping key `w`; returns (header, data key)."""
    h = parse_record(rec)
    dk = open_envelope(w, 1, h["domain_version"], tenant.encode("utf-8"), loc + h["header"],
                       b"data key", h["envelope"])
    if len(dk) != 32:
        raise DecryptError("decryption failure")
    return h, dk


def owner_unwrap_record(m, tenant, loc, rec):
    """The owner's path: the wrapping key from the master key."""
    h = parse_record(rec)
    w = wrapping_key(m, tenant, h["domain"], h["domain_version"], h["day"])
    return unwrap_record(tenant, loc, rec, w)


# ---------------------------------------------------------------------------
# 7. Version table and key store files
# ---------------------------------------------------------------------------

def encode_versions(table):
    """7.1; `table` maps enc(domain) to version. Canonical order: by tag,
    then by scope bytes (lexicographic, shorter first on a tie); not by the
    encodings themselves, whose length prefix would put shorter names first."""
    entries = sorted(table.items(), key=lambda kv: (kv[0][0], kv[0][3:]))
    return b"CVVT" + u8(1) + u32(len(entries)) + b"".join(e + u32(v) for e, v in entries)


def parse_versions(data):
    r = Reader(data, "version table")
    if r.take(4) != b"CVVT":
        raise Malformed("version table: bad magic")
    v = r.u8()
    if v != 1:
        raise Malformed(f"version table version {v}")
    out = {}
    for _ in range(r.u32()):
        d = parse_domain(r)
        if d in out:
            raise Malformed("version table: a domain listed twice")
        out[d] = r.u32()
    r.finish()
    return out


SLOT_LEN = 256
MAX_RECORD = 209


def slot_checksum(slot):
    return hashlib.sha256(slot[:252]).digest()[:4]


def make_slot(generation, loc, rec):
    if len(rec) > MAX_RECORD:
        raise ValueError("record too long for a slot")
    s = u8(1) + u64(generation) + loc + u16(len(rec)) + rec
    s += bytes(252 - len(s))
    return s + slot_checksum(s)


def read_slots(data):
    """7.3, without repair: returns {locator: (generation, record, slot index)}
    after the duplicate rule; raises Malformed on a damaged slot. Also
    returns, per live slot, whether its padding is all zero."""
    if len(data) % SLOT_LEN:
        data = data + bytes(SLOT_LEN - len(data) % SLOT_LEN)
    live = {}
    for i in range(len(data) // SLOT_LEN):
        s = data[i * SLOT_LEN:(i + 1) * SLOT_LEN]
        if s == bytes(SLOT_LEN):
            continue
        rlen = int.from_bytes(s[41:43], "big")
        if s[0] != 1 or rlen > MAX_RECORD or slot_checksum(s) != s[252:]:
            raise Malformed(f"keys.slots: slot {i} damaged")
        gen, loc = int.from_bytes(s[1:9], "big"), s[9:41]
        entry = (gen, s[43:43 + rlen], i, s[43 + rlen:252] == bytes(252 - 43 - rlen))
        if loc not in live or gen >= live[loc][0]:
            live[loc] = entry
    return live


# ---------------------------------------------------------------------------
# 8. Wrapped secret (CVWS)
# ---------------------------------------------------------------------------

CVWS_MASTER_KEY = 1
CVWS_GRANTEE_SECRET = 2


def argon2id(passphrase, salt, m, t, p):
    if Argon2id is None:
        raise RuntimeError("this version of `cryptography` has no Argon2id")
    return Argon2id(salt=salt, length=32, iterations=t, lanes=p, memory_cost=m).derive(passphrase)


def argon2_params_ok(m, t, p):
    return 1 <= p <= 16 and 1 <= t <= 64 and 8 * p <= m <= 1048576


def _cvws_tenant(kind, tenant):
    return tenant.encode("utf-8") if kind == CVWS_MASTER_KEY else b""


def cvws_wrap_kek(kind, tenant, secret, kek):
    h = b"CVWS" + u8(1) + u8(kind) + u8(2) + key_id(kek)
    return h + seal(kek, 1, 1, _cvws_tenant(kind, tenant), h, b"wrapped secret", secret)


def cvws_wrap_passphrase(kind, tenant, secret, passphrase, m, t, p):
    if not passphrase or not argon2_params_ok(m, t, p):
        raise ValueError("bad passphrase or Argon2id parameters")
    salt = os.urandom(16)
    h = b"CVWS" + u8(1) + u8(kind) + u8(1) + u32(m) + u32(t) + u32(p) + salt
    w = argon2id(passphrase, salt, m, t, p)
    return h + seal(w, 1, 1, _cvws_tenant(kind, tenant), h, b"wrapped secret", secret)


def cvws_method(blob):
    """The method byte (1 passphrase, 2 KEK) of a CVWS blob."""
    if len(blob) < 7 or blob[:4] != b"CVWS":
        raise Malformed("not a wrapped secret")
    return blob[6]


def cvws_unwrap(kind, tenant, blob, kek=None, passphrase=None):
    """Section 8 reader checks. `tenant` is ignored for grantee secrets."""
    r = Reader(blob, "wrapped secret")
    if r.take(4) != b"CVWS":
        raise Malformed("wrapped secret: bad magic")
    v = r.u8()
    if v != 1:
        raise Unsupported(f"wrapped secret version {v}")
    if r.u8() != kind:
        raise Malformed("wrapped secret: another kind of secret")
    method = r.u8()
    if method == 1 and passphrase is not None:
        m, t, p = r.u32(), r.u32(), r.u32()
        if not argon2_params_ok(m, t, p):
            raise Malformed("wrapped secret: Argon2id parameters out of bounds")
        salt = r.take(16)
        w = argon2id(passphrase, salt, m, t, p)
    elif method == 2 and kek is not None:
        r.take(32)  # key_id(KEK): a hint only
        w = kek
    else:
        raise Malformed("wrapped secret: not the method given")
    hlen = r.pos
    secret = open_envelope(w, 1, 1, _cvws_tenant(kind, tenant), blob[:hlen], b"wrapped secret", blob[hlen:])
    if len(secret) != 32:
        raise DecryptError("decryption failure")
    return secret


# ---------------------------------------------------------------------------
# 9. Tenant public key (CVTP) and grants (CVGR)
# ---------------------------------------------------------------------------

def encode_cvtp(tenant, public):
    return b"CVTP" + u8(1) + lp16(tenant.encode("utf-8")) + public


def parse_cvtp(data):
    r = Reader(data, "tenant public key")
    if r.take(4) != b"CVTP":
        raise Malformed("tenant public key: bad magic")
    v = r.u8()
    if v != 1:
        raise Unsupported(f"tenant public key version {v}")
    tenant = r.text16()
    check_text("tenant", tenant, 1, MAX_ID)
    public = r.take(32)
    try:
        Ed25519PublicKey.from_public_bytes(public)
    except ValueError:
        raise Malformed("tenant public key: not an Ed25519 point") from None
    r.finish()
    return tenant, public


def x25519_public(secret):
    return X25519PrivateKey.from_private_bytes(secret).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _x25519(secret, public):
    try:
        z = X25519PrivateKey.from_private_bytes(secret).exchange(X25519PublicKey.from_public_bytes(public))
    except ValueError:  # OpenSSL refuses an all-zero shared secret
        z = bytes(32)
    return z


def grant_seal_key(z, e, g):
    return derive(z, "chatvault grant seal", [e, g], 32)


def grant_signed_message(kind, tenant, g, payload):
    return b"chatvault grant v1" + u8(kind) + lp16(tenant.encode("utf-8")) + g + payload


GRANT_SUPERVISOR = 1
GRANT_AGENT = 2


def seal_grant(kind, m, tenant, g, payload):
    """9.2: sign with the tenant's grant-signing key, seal to `g`."""
    sig = signing_key(m, tenant).sign(grant_signed_message(kind, tenant, g, payload))
    e = os.urandom(32)
    e_pub = x25519_public(e)
    z = _x25519(e, g)
    if z == bytes(32):
        raise ValueError("grantee public key is a low-order point")
    s = grant_seal_key(z, e_pub, g)
    header = b"CVGR" + u8(1) + u8(kind) + e_pub + g
    return header + seal(s, 1, 1, tenant.encode("utf-8"), header, b"grant", payload + sig)


def open_grant(blob, kind, grantee_secret, tenant, tenant_public):
    """9.6 steps 1 to 6; returns the payload bytes."""
    r = Reader(blob, "grant")
    if r.take(4) != b"CVGR":
        raise Malformed("grant: bad magic")
    v = r.u8()
    if v != 1:
        raise Unsupported(f"grant version {v}")
    if r.u8() != kind:
        raise Malformed("grant: another kind of grant")
    e, g = r.take(32), r.take(32)
    if g != x25519_public(grantee_secret):
        raise DecryptError("grant sealed to another grantee")
    z = _x25519(grantee_secret, e)
    if z == bytes(32):
        raise DecryptError("decryption failure")
    s = grant_seal_key(z, e, g)
    plain = open_envelope(s, 1, 1, tenant.encode("utf-8"), blob[:70], b"grant", r.rest())
    if len(plain) < 64:
        raise DecryptError("decryption failure")
    payload, sig = plain[:-64], plain[-64:]
    try:
        Ed25519PublicKey.from_public_bytes(tenant_public).verify(sig, grant_signed_message(kind, tenant, g, payload))
    except InvalidSignature:
        raise DecryptError("issuer signature does not verify") from None
    return payload


def encode_common(grant_id, issued_at, not_before, expires_at, label):
    """9.3."""
    return grant_id + i64(issued_at) + i64(not_before) + i64(expires_at) + lp16(label.encode("utf-8"))


def _decode_common(r):
    c = {"id": r.take(16), "issued_at": r.i64(), "not_before": r.i64(), "expires_at": r.i64()}
    if c["expires_at"] <= c["not_before"]:
        raise Malformed("grant: expires before it becomes valid")
    c["label"] = r.text16()
    check_text("grant label", c["label"], 1, 256)
    return c


def encode_supervisor_payload(common, window_from, window_to, departments):
    """9.4; departments: list of (name, version, locator key, [(level, prefix, key)])."""
    out = common + i64(window_from) + i64(window_to) + u16(len(departments))
    for name, version, lk, nodes in departments:
        out += lp16(name.encode("utf-8")) + u32(version) + lk + u16(len(nodes))
        for level, prefix, key in nodes:
            out += u8(level) + u32(prefix) + key
    return out


def decode_supervisor_payload(payload):
    r = Reader(payload, "supervisor grant")
    c = _decode_common(r)
    c["window"] = (r.i64(), r.i64())
    if c["window"][1] <= c["window"][0]:
        raise Malformed("supervisor grant: window ends before it starts")
    depts = []
    for _ in range(r.u16()):
        name = r.text16()
        check_text("department", name, 1, MAX_DEPARTMENT)
        if any(d[0] == name for d in depts):
            raise Malformed("supervisor grant: department listed twice")
        version, lk = r.u32(), r.take(32)
        nodes = []
        for _ in range(r.u16()):
            level, prefix = r.u8(), r.u32()
            if level > DEPTH or (prefix << level) > MAX_DAY:
                raise Malformed("supervisor grant: impossible key tree node")
            nodes.append((level, prefix, r.take(32)))
        depts.append((name, version, lk, nodes))
    r.finish()
    c["departments"] = depts
    return c


def encode_agent_payload(common, classes):
    """9.5; classes: list of (class, version, locator key, class key)."""
    return common + u8(len(classes)) + b"".join(u8(c) + u32(v) + lk + k for c, v, lk, k in classes)


def decode_agent_payload(payload):
    r = Reader(payload, "agent grant")
    c = _decode_common(r)
    classes = []
    for _ in range(r.u8()):
        cls = r.u8()
        if cls not in CLASSES:
            raise Malformed(f"agent grant: unknown identifier class {cls}")
        if any(x[0] == cls for x in classes):
            raise Malformed("agent grant: class listed twice")
        classes.append((cls, r.u32(), r.take(32), r.take(32)))
    r.finish()
    c["classes"] = classes
    return c


def grant_conversation_key(grant, tenant, department, conversation, record_lookup):
    """9.6, "on every use" (without the time checks): a supervisor's path to a
    conversation data key, using only the grant's keys. `record_lookup`
    maps a locator to the stored record, or None."""
    dept = [d for d in grant["departments"] if d[0] == department]
    if not dept:
        raise FormatError("department not in the grant")
    _, version, lk, nodes = dept[0]
    loc = locator(lk, enc_conversation(department, conversation))
    rec = record_lookup(loc)
    if rec is None:
        raise FormatError("no such data key")
    h = parse_record(rec)
    if h["domain"] != enc_archive(department) or h["domain_version"] != version:
        raise FormatError("record out of the grant's scope or version")
    node = [n for n in nodes if node_covers(n[0], n[1], h["day"])]
    if not node:
        raise FormatError("conversation day outside the grant's window")
    return unwrap_record(tenant, loc, rec, node_leaf(*node[0], h["day"]))[1]


def grant_customer_key(grant, tenant, customer, cls, record_lookup):
    """9.6, an agent's path to a customer data key."""
    entry = [c for c in grant["classes"] if c[0] == cls]
    if not entry:
        raise FormatError("class not in the grant")
    _, version, lk, key = entry[0]
    loc = locator(lk, enc_customer(customer, cls))
    rec = record_lookup(loc)
    if rec is None:
        raise FormatError("no such data key")
    h = parse_record(rec)
    if h["domain"] != enc_identifier(cls) or h["domain_version"] != version:
        raise FormatError("record out of the grant's scope or version")
    return unwrap_record(tenant, loc, rec, key)[1]
