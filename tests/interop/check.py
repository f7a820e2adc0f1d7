"""Checks chatvault against docs/FORMAT.md with an independent implementation
(chatvault_format.py), in both directions. Run by tests/interop.rs.

  check.py probe          exit 0 if `cryptography` has everything needed,
                          77 (with a reason on stdout) if not
  check.py inputs DIR     write DIR/inputs.txt: the master key and the grantee
                          secret below, wrapped (CVWS) under the KEK and, when
                          Argon2id is available, under the passphrase
  check.py verify DIR     recompute or open everything chatvault wrote in DIR
                          (manifest.txt, store/); exit 1 on any mismatch
  check.py make DIR       write DIR/manifest.txt and DIR/store/ for chatvault
                          to open: envelopes of every suite, a key store with
                          wrapped data key records and a version table,
                          signed grants of both kinds, and inputs it must refuse
  check.py doc FORMAT.md  recompute or open every test vector of section 10
                          and run the document's Python snippets

Manifest files have one item per line, fields separated by one space. Text
fields are the hex of their UTF-8 bytes, byte strings are hex, integers are
decimal, and a domain is `archive:<department hex>`, `identifier:<class>`,
`blind_index` or `pseudonym`:

  tenant <text>
  fingerprint <hex>                      master key fingerprint bytes
  grantee_public <hex>
  tenant_public <hex>                    CVTP
  cvws <master|grantee> <kek|passphrase> <hex>
  key <name> conversation <department> <conversation> <started_at> <locator> <key_id> <key_version>
  key <name> customer <customer> <class> <locator> <key_id> <key_version>
  record <name> <domain_version> <record hex>     an earlier record of a key
  envelope <name> <suite> <key_version> <tenant> <record> <field> <plaintext> <envelope>
  blind <version> <field> <value> <normalization> <len> <index>
  pseudonym <version> <purpose> <input> <tag>
  version <domain> <version>             current version of a domain
  rotation <domain> <old> <new> <rewrapped>
  shredded <name> <locator> <record>     a key shredded; its record must be gone
  stale <name> <record>                  an older duplicate slot the store must zero
  grant supervisor <label> <issued_at> <not_before> <expires_at> <from> <to> <dept:version,...> <blob>
  grant agent <label> <issued_at> <not_before> <expires_at> <class:version,...> <blob>
  bad_grant <supervisor|agent> <reason> <blob>    must be refused as malformed
  bad_versions <reason> <table>                   must be refused as malformed
  bad_record <department> <conversation> <reason> <record>   likewise, at that id's locator
"""

import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

SKIP = 77


def probe():
    """Exit 77 with a reason unless every primitive the formats need works."""
    try:
        import cryptography
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    except ImportError as e:
        print(f"python3 cannot import cryptography ({e})")
        sys.exit(SKIP)
    # RFC 8998, Appendix A.1 (SM4-GCM test vector).
    key = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
    iv = bytes.fromhex("00001234567800000000ABCD")
    aad = bytes.fromhex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2")
    pt = bytes.fromhex("AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD"
                       "EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA")
    ct_tag = bytes.fromhex("17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735"
                           "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D"
                           "83DE3541E4C2B58177E065A9BF7B62EC")
    try:
        e = Cipher(algorithms.SM4(key), modes.GCM(iv)).encryptor()
        e.authenticate_additional_data(aad)
        got = e.update(pt) + e.finalize() + e.tag
    except Exception as ex:  # AttributeError, UnsupportedAlgorithm
        print(f"cryptography {cryptography.__version__} has no SM4-GCM ({type(ex).__name__}: {ex})")
        sys.exit(SKIP)
    if got != ct_tag:
        print(f"cryptography {cryptography.__version__}: SM4-GCM fails RFC 8998 A.1")
        sys.exit(1)
    try:
        import chatvault_format  # noqa: F401  (X25519, Ed25519, ChaCha20-Poly1305, HKDF)
    except ImportError as ex:
        print(f"cryptography {cryptography.__version__} lacks a primitive: {ex}")
        sys.exit(SKIP)
    argon = "with" if chatvault_format.ARGON2_AVAILABLE else "without"
    print(f"cryptography {cryptography.__version__} {argon} Argon2id")


if len(sys.argv) >= 2 and sys.argv[1] == "probe":
    probe()
    sys.exit(0)

import json  # noqa: E402
import re  # noqa: E402

from chatvault_format import *  # noqa: E402,F401,F403

# The scenario's fixed inputs, the same as docs/FORMAT.md 10.1. The Rust side
# learns the master key and the grantee secret only from the blobs `inputs`
# and `make` write, under KEK = 32 bytes of 0x42.
TENANT = "acme"
M = bytes(range(32))
KEK = b"\x42" * 32
GSEC = bytes(range(0x20, 0x40))
PASSPHRASE = b"correct horse battery staple"
ARGON2 = (256, 1, 1)  # tiny Argon2id parameters: tests only
JAN1 = 1_767_225_600  # 2026-01-01T00:00:00Z
DAY = 86_400
PT = "我的手机号是13800138000".encode()


class Fail(Exception):
    pass


class Checker:
    def __init__(self, what):
        self.what, self.n = what, 0

    def ok(self, cond, msg):
        if not cond:
            raise Fail(msg)
        self.n += 1

    def refuses(self, fn, exc, msg):
        try:
            fn()
        except exc:
            self.n += 1
            return
        raise Fail(f"accepted: {msg}")


def hx(b):
    return b.hex()


def tx(s):
    return s.encode("utf-8").hex()


def untx(h):
    return bytes.fromhex(h).decode("utf-8")


def read_manifest(path):
    out = []
    with open(path, encoding="ascii") as f:
        for line in f:
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                out.append(line.split(" "))
    return out


def write_manifest(path, lines):
    with open(path, "w", encoding="ascii") as f:
        for fields in lines:
            f.write(" ".join(str(x) for x in fields) + "\n")


def parse_domain_token(tok):
    if tok.startswith("archive:"):
        return enc_archive(untx(tok[8:]))
    if tok.startswith("identifier:"):
        return enc_identifier(int(tok[11:]))
    return {"blind_index": ENC_BLIND_INDEX, "pseudonym": ENC_PSEUDONYM}[tok]


def domain_token(enc_domain):
    tag, scope = enc_domain[0], enc_domain[3:]
    if tag == 1:
        return "archive:" + scope.hex()
    if tag == 2:
        return f"identifier:{scope[0]}"
    return "blind_index" if tag == 3 else "pseudonym"


def cvws_lines():
    out = [("cvws", "master", "kek", hx(cvws_wrap_kek(CVWS_MASTER_KEY, TENANT, M, KEK))),
           ("cvws", "grantee", "kek", hx(cvws_wrap_kek(CVWS_GRANTEE_SECRET, "", GSEC, KEK)))]
    if ARGON2_AVAILABLE:
        out += [("cvws", "master", "passphrase",
                 hx(cvws_wrap_passphrase(CVWS_MASTER_KEY, TENANT, M, PASSPHRASE, *ARGON2))),
                ("cvws", "grantee", "passphrase",
                 hx(cvws_wrap_passphrase(CVWS_GRANTEE_SECRET, "", GSEC, PASSPHRASE, *ARGON2)))]
    else:
        print("note: this cryptography has no Argon2id; passphrase-wrapped secrets are not checked")
    return out


def inputs(d):
    os.makedirs(d, exist_ok=True)
    write_manifest(os.path.join(d, "inputs.txt"), [("tenant", tx(TENANT))] + cvws_lines())
    print("inputs: wrote inputs.txt")


# ---------------------------------------------------------------------------
# verify: everything chatvault wrote
# ---------------------------------------------------------------------------

def check_envelope(c, dk, f, label):
    suite, kv = int(f[2]), int(f[3])
    tenant, record, field = (bytes.fromhex(x) for x in f[4:7])
    pt, env = bytes.fromhex(f[7]), bytes.fromhex(f[8])
    h = parse_envelope_header(env)
    c.ok(h["suite"] == suite and h["key_version"] == kv and h["key_id"] == key_id(dk),
         f"{label}: header (suite, key version, key id)")
    c.ok(len(env) == len(pt) + overhead(suite), f"{label}: length")
    c.ok(open_envelope(dk, suite, kv, tenant, record, field, env) == pt, f"{label}: plaintext")
    opener = lambda t, r, fl, e: lambda: open_envelope(dk, suite, kv, t, r, fl, e)  # noqa: E731
    c.refuses(opener(tenant + b"x", record, field, env), DecryptError, f"{label} under another tenant")
    c.refuses(opener(tenant, record + b"x", field, env), DecryptError, f"{label} under another record")
    c.refuses(opener(tenant, record, field + b"x", env), DecryptError, f"{label} under another field")
    c.refuses(lambda: open_envelope(dk, suite, kv + 1, tenant, record, field, env), DecryptError,
              f"{label} with another key version")
    # Every header byte and both ends of the body are authenticated.
    for i in list(range(h["header_len"])) + [h["header_len"], len(env) - 1]:
        bad = bytearray(env)
        bad[i] ^= 0x01
        c.refuses(opener(tenant, record, field, bytes(bad)), FormatError, f"{label} with byte {i} flipped")
    c.refuses(opener(tenant, record, field, env[:-1]), FormatError, f"{label} truncated")


def verify(d):
    lines = read_manifest(os.path.join(d, "manifest.txt"))
    by = {}
    for f in lines:
        by.setdefault(f[0], []).append(f)
    c = Checker("verify")
    store = os.path.join(d, "store")
    slots_raw = open(os.path.join(store, "keys.slots"), "rb").read()

    c.ok(untx(by["tenant"][0][1]) == TENANT, "tenant")
    c.ok(bytes.fromhex(by["fingerprint"][0][1]) == key_id(M)[:8], "master key fingerprint = key_id(M)[0..8]")
    c.ok(bytes.fromhex(by["grantee_public"][0][1]) == x25519_public(GSEC), "grantee public key")
    tp = bytes.fromhex(by["tenant_public"][0][1])
    tenant, tpub = parse_cvtp(tp)
    c.ok(tenant == TENANT and tpub == signing_public(M, TENANT), "CVTP: tenant and grant-signing key")
    c.ok(tp == encode_cvtp(TENANT, tpub), "CVTP bytes")

    # Wrapped secrets chatvault exported.
    for _, kind, method, blob in by.get("cvws", []):
        blob = bytes.fromhex(blob)
        k = CVWS_MASTER_KEY if kind == "master" else CVWS_GRANTEE_SECRET
        want = M if kind == "master" else GSEC
        c.ok(blob[:7] == b"CVWS\x01" + bytes([k, 1 if method == "passphrase" else 2]), f"CVWS {kind} {method} header")
        if method == "kek":
            c.ok(len(blob) == 137 and blob[7:39] == key_id(KEK), f"CVWS {kind} KEK id")
            c.ok(cvws_unwrap(k, TENANT, blob, kek=KEK) == want, f"CVWS {kind} under the KEK")
            c.refuses(lambda: cvws_unwrap(k, TENANT, blob, kek=b"\x43" * 32), DecryptError, "CVWS under another KEK")
            other = CVWS_GRANTEE_SECRET if k == CVWS_MASTER_KEY else CVWS_MASTER_KEY
            c.refuses(lambda: cvws_unwrap(other, TENANT, blob, kek=KEK), Malformed, "CVWS as the other kind")
            if k == CVWS_MASTER_KEY:
                c.refuses(lambda: cvws_unwrap(k, "other", blob, kek=KEK), DecryptError, "CVWS for another tenant")
        elif ARGON2_AVAILABLE:
            c.ok(len(blob) == 133, f"CVWS {kind} passphrase length")
            c.ok(cvws_unwrap(k, TENANT, blob, passphrase=PASSPHRASE) == want, f"CVWS {kind} under the passphrase")
            c.refuses(lambda: cvws_unwrap(k, TENANT, blob, passphrase=b"wrong"), DecryptError, "CVWS, wrong passphrase")
        else:
            print(f"note: no Argon2id in this cryptography; CVWS {kind} passphrase blob not opened")

    # Version table: exactly the domains rotated, canonical bytes.
    current = {}
    for _, dom, v in by.get("version", []):
        current[parse_domain_token(dom)] = int(v)
    for _, dom, old, new, _n in by.get("rotation", []):
        c.ok(int(new) == int(old) + 1, f"rotation {dom} raises the version by one")
    vpath = os.path.join(store, "versions")
    rotated = {k: v for k, v in current.items() if v != 1}
    if rotated:
        table = open(vpath, "rb").read()
        c.ok(parse_versions(table) == rotated, "version table content")
        c.ok(table == encode_versions(rotated), "version table bytes (canonical order)")
    version_of = lambda enc_domain: current.get(enc_domain, 1)  # noqa: E731

    # keys.slots and the records in it.
    live = read_slots(slots_raw)
    c.ok(len(slots_raw) % SLOT_LEN == 0, "keys.slots is whole slots")
    c.ok(all(pad for _, _, _, pad in live.values()), "slot padding is zero")
    keys, dks = {}, {}
    for f in by.get("key", []):
        name = f[1]
        if f[2] == "conversation":
            dept, conv, started = untx(f[3]), untx(f[4]), int(f[5])
            loc, kid, kv = bytes.fromhex(f[6]), bytes.fromhex(f[7]), int(f[8])
            want_loc = conversation_locator(M, TENANT, dept, conv)
            dom, kind, day, cls, hdept = enc_archive(dept), 1, day_of(started), 0, dept
        else:
            cust, cls = untx(f[3]), int(f[4])
            loc, kid, kv = bytes.fromhex(f[5]), bytes.fromhex(f[6]), int(f[7])
            want_loc = customer_locator(M, TENANT, cust, cls)
            dom, kind, day, hdept = enc_identifier(cls), 2, 0, ""
        c.ok(loc == want_loc, f"locator of {name} (locator key of its domain)")
        keys[name] = dict(f=f, loc=loc, domain=dom)
        if any(s[1] == name for s in by.get("shredded", [])):
            continue
        c.ok(loc in live, f"{name} is in keys.slots")
        rec = live[loc][1]
        h, dk = owner_unwrap_record(M, TENANT, loc, rec)
        c.ok((h["kind"], h["domain_version"], h["key_version"], h["day"], h["class"], h["department"])
             == (kind, version_of(dom), kv, day, cls, hdept), f"record header of {name}")
        c.ok(parse_envelope_header(h["envelope"])["key_id"]
             == key_id(wrapping_key(M, TENANT, dom, h["domain_version"], day)), f"wrapping key id of {name}")
        c.ok(key_id(dk) == kid, f"data key of {name} (key id)")
        dks[name] = dk
        keys[name]["record"] = rec
    live_names = [n for n in keys if n in dks]
    c.ok(sorted(live) == sorted(keys[n]["loc"] for n in live_names), "keys.slots holds exactly the live keys")

    # Earlier records (before a rotation) hold the same data key.
    for _, name, dv, rec in by.get("record", []):
        rec = bytes.fromhex(rec)
        h, dk = owner_unwrap_record(M, TENANT, keys[name]["loc"], rec)
        c.ok(h["domain_version"] == int(dv) and dk == dks[name], f"earlier record of {name} at version {dv}")

    # Shredded keys: no trace of the record or its locator in the file.
    for _, name, loc, rec in by.get("shredded", []):
        loc, rec = bytes.fromhex(loc), bytes.fromhex(rec)
        c.ok(loc not in live, f"shredded {name} has no slot")
        c.ok(slots_raw.find(rec) < 0 and slots_raw.find(loc) < 0, f"shredded {name}: no copy left in keys.slots")

    n_env = 0
    for f in by.get("envelope", []):
        check_envelope(c, dks[f[1]], f, f"envelope {f[1]} suite {f[2]}")
        n_env += 1
    c.ok(sorted({int(f[2]) for f in by.get("envelope", [])}) == [1, 2, 3, 4], "envelopes of all four suites")

    for _, v, field, value, norm, ln, idx in by.get("blind", []):
        k = domain_root(M, TENANT, ENC_BLIND_INDEX, int(v))
        got = blind_index(k, untx(field), untx(value), int(norm), int(ln))
        c.ok(got == bytes.fromhex(idx), f"blind index of {untx(value)!r} ({NORMALIZATIONS[int(norm)]}, v{v})")
    for _, v, purpose, data, tag in by.get("pseudonym", []):
        k = domain_root(M, TENANT, ENC_PSEUDONYM, int(v))
        c.ok(pseudonym_tag(k, untx(purpose), bytes.fromhex(data)) == bytes.fromhex(tag), f"pseudonym tag v{v}")

    lookup = lambda loc: live[loc][1] if loc in live else None  # noqa: E731
    for f in by.get("grant", []):
        kind = GRANT_SUPERVISOR if f[1] == "supervisor" else GRANT_AGENT
        blob = bytes.fromhex(f[-1])
        label, issued, nb, exp = untx(f[2]), int(f[3]), int(f[4]), int(f[5])
        c.ok(blob[:6] == b"CVGR\x01" + bytes([kind]) and blob[38:70] == x25519_public(GSEC), f"{f[1]} grant header")
        payload = open_grant(blob, kind, GSEC, TENANT, tpub)
        c.refuses(lambda: open_grant(blob, kind, GSEC, "other", tpub), DecryptError, "grant for another tenant")
        c.refuses(lambda: open_grant(blob, 3 - kind, GSEC, TENANT, tpub), Malformed, "grant as the other kind")
        c.refuses(lambda: open_grant(blob, kind, bytes(range(0x40, 0x60)), TENANT, tpub), DecryptError,
                  "grant opened by another grantee")
        tamper = bytearray(blob)
        tamper[-1] ^= 1
        c.refuses(lambda: open_grant(bytes(tamper), kind, GSEC, TENANT, tpub), DecryptError, "tampered grant")
        if kind == GRANT_SUPERVISOR:
            g = decode_supervisor_payload(payload)
            frm, to = int(f[6]), int(f[7])
            want = [(untx(x.split(":")[0]), int(x.split(":")[1])) for x in f[8].split(",")]
            c.ok((g["label"], g["issued_at"], g["not_before"], g["expires_at"], g["window"])
                 == (label, issued, nb, exp, (frm, to)), f"supervisor grant {label!r}: common fields and window")
            c.ok([(n, v) for n, v, _, _ in g["departments"]] == sorted(want, key=lambda x: x[0].encode()),
                 "supervisor grant: departments and versions, sorted")
            for name, v, lk, nodes in g["departments"]:
                c.ok(lk == locator_key(M, TENANT, enc_archive(name)), f"supervisor grant: locator key of {name}")
                root = domain_root(M, TENANT, enc_archive(name), v)
                c.ok(nodes == ggm_cover(root, day_of(frm), day_of(to - 1)), f"supervisor grant: GGM cover of {name}")
                c.ok(len(nodes) <= 48, "at most 48 nodes")
            # The grantee's own path to each conversation key.
            for name, k in keys.items():
                if k["f"][2] != "conversation" or name not in dks:
                    continue
                dept = untx(k["f"][3])
                entry = [x for x in g["departments"] if x[0] == dept]
                h = parse_record(k["record"])
                usable = (entry and entry[0][1] == h["domain_version"]
                          and day_of(frm) <= h["day"] <= day_of(to - 1))
                get = lambda: grant_conversation_key(g, TENANT, dept, untx(k["f"][4]), lookup)  # noqa: E731
                if usable:
                    c.ok(get() == dks[name], f"supervisor grant {label!r} unwraps {name}")
                else:
                    c.refuses(get, FormatError, f"supervisor grant {label!r} unwraps {name} (out of scope)")
        else:
            g = decode_agent_payload(payload)
            want = [tuple(int(y) for y in x.split(":")) for x in f[6].split(",")]
            c.ok((g["label"], g["issued_at"], g["not_before"], g["expires_at"]) == (label, issued, nb, exp),
                 f"agent grant {label!r}: common fields")
            c.ok([(cl, v) for cl, v, _, _ in g["classes"]] == sorted(want), "agent grant: classes and versions")
            for cl, v, lk, key in g["classes"]:
                c.ok(lk == locator_key(M, TENANT, enc_identifier(cl)), f"agent grant: locator key of class {cl}")
                c.ok(key == domain_root(M, TENANT, enc_identifier(cl), v), f"agent grant: key of class {cl}")
            for name, k in keys.items():
                if k["f"][2] != "customer" or name not in dks:
                    continue
                cl = int(k["f"][4])
                entry = [x for x in g["classes"] if x[0] == cl]
                usable = entry and entry[0][1] == parse_record(k["record"])["domain_version"]
                get = lambda: grant_customer_key(g, TENANT, untx(k["f"][3]), cl, lookup)  # noqa: E731
                if usable:
                    c.ok(get() == dks[name], f"agent grant {label!r} unwraps {name}")
                else:
                    c.refuses(get, FormatError, f"agent grant {label!r} unwraps {name} (out of scope)")
    c.ok(sorted({f[1] for f in by.get("grant", [])}) == ["agent", "supervisor"], "grants of both kinds")
    print(f"verify: {c.n} checks passed ({len(dks)} data keys, {n_env} envelopes, "
          f"{len(by.get('grant', []))} grants)")


# ---------------------------------------------------------------------------
# make: everything chatvault must open
# ---------------------------------------------------------------------------

BLIND_CASES = [
    ("customer.phone", "+86 138-0013-8000", 2, 16),
    ("customer.phone", "１３８ ００１３ ８０００", 2, 16),
    ("customer.phone", "0086 13800138000", 2, 16),
    ("customer.phone", "86-10-1234-5678", 2, 32),
    ("customer.email", " Li.Lei@Example.COM ", 5, 16),
    ("customer.email", "\u3000ＡＢ@ｅｘ.com\u2003", 5, 16),
    ("note", "  Hello\u3000\t ＷＯＲＬＤ\u2028ÄÖ  x ", 1, 16),
    ("note", "a\u001cb", 1, 16),
    ("customer.id_card", "110105 1949-1231 002ｘ", 3, 16),
    ("customer.bank", "6222 0202 0000 1234 567", 4, 16),
    ("raw", "  Exact Ｖalue ", 0, 16),
    ("", "x", 0, 8),
]


def make(d):
    store = os.path.join(d, "store")
    os.makedirs(store, exist_ok=True)
    G = x25519_public(GSEC)
    out = [("tenant", tx(TENANT)), ("grantee_public", hx(G)),
           ("tenant_public", hx(encode_cvtp(TENANT, signing_public(M, TENANT))))]
    out += cvws_lines()

    versions = {enc_archive("support"): 3, enc_identifier(1): 2, ENC_BLIND_INDEX: 2, ENC_PSEUDONYM: 3}
    with open(os.path.join(store, "versions"), "wb") as f:
        f.write(encode_versions(versions))
    for dom, v in list(versions.items()) + [(enc_archive("sales"), 1), (enc_identifier(4), 1)]:
        out.append(("version", domain_token(dom), v))

    # Data keys: (name, kind, ids, time or class, data key version).
    specs = [
        ("pconv1", "conversation", ("support", "conv-py-1"), JAN1 + 2 * DAY + 77, 1),
        ("pconv2", "conversation", ("sales", "会话-py-2"), JAN1 + 10 * DAY, 1),
        ("pcust1", "customer", ("cust-py", 4), None, 1),
        ("pcust2", "customer", ("cust-py", 1), None, 5),
    ]
    slots, dks, gen = [], {}, 1
    for name, kind, ids, t, kv in specs:
        dk = os.urandom(32)
        if kind == "conversation":
            dept, conv = ids
            dom = enc_archive(dept)
            loc = conversation_locator(M, TENANT, dept, conv)
            day = day_of(t)
            w = wrapping_key(M, TENANT, dom, versions.get(dom, 1), day)
            rec = wrap_record(TENANT, loc, 1, versions.get(dom, 1), kv, day, 0, dept, w, dk)
            out.append(("key", name, "conversation", tx(dept), tx(conv), t, hx(loc), hx(key_id(dk)), kv))
        else:
            cust, cls = ids
            dom = enc_identifier(cls)
            loc = customer_locator(M, TENANT, cust, cls)
            w = wrapping_key(M, TENANT, dom, versions.get(dom, 1), 0)
            rec = wrap_record(TENANT, loc, 2, versions.get(dom, 1), kv, 0, cls, "", w, dk)
            out.append(("key", name, "customer", tx(cust), cls, hx(loc), hx(key_id(dk)), kv))
        if name == "pconv1":
            # An older copy of the same locator (a replace cut short by a
            # crash): a lower generation, another key. The store keeps the
            # newer slot and zeroes this one.
            stale = wrap_record(TENANT, loc, 1, 2, kv, day, 0, dept,
                                wrapping_key(M, TENANT, dom, 2, day), os.urandom(32))
            slots.append(make_slot(gen, loc, stale))
            slots.append(bytes(SLOT_LEN))  # a free slot
            out.append(("stale", name, hx(stale)))
            gen += 5
        slots.append(make_slot(gen, loc, rec))
        gen += 1
        dks[name] = (dk, kv)
    with open(os.path.join(store, "keys.slots"), "wb") as f:
        f.write(b"".join(slots))

    for name, (dk, kv) in dks.items():
        pts = [PT] + ([b"", bytes(range(256)) * 12] if name == "pconv1" else [])
        for s in SUITES:
            for i, pt in enumerate(pts):
                ctx = (TENANT.encode(), f"{name}/msg-{s}-{i}".encode(), "text".encode())
                env = seal(dk, s, kv, *ctx, pt)
                out.append(("envelope", name, s, kv, *(hx(x) for x in ctx), hx(pt), hx(env)))

    kbi = domain_root(M, TENANT, ENC_BLIND_INDEX, versions[ENC_BLIND_INDEX])
    for field, value, norm, ln in BLIND_CASES:
        out.append(("blind", versions[ENC_BLIND_INDEX], tx(field), tx(value), norm, ln,
                    hx(blind_index(kbi, field, value, norm, ln))))
    kps = domain_root(M, TENANT, ENC_PSEUDONYM, versions[ENC_PSEUDONYM])
    for purpose, data in [("nickname", b"cust-py"), ("hash", "13800138000".encode())]:
        out.append(("pseudonym", versions[ENC_PSEUDONYM], tx(purpose), hx(data), hx(pseudonym_tag(kps, purpose, data))))

    # Grants, signed with the tenant's grant-signing key.
    def sup_depts(names, frm, to):
        depts = []
        for n in sorted(names, key=lambda x: x.encode()):
            dom = enc_archive(n)
            v = versions.get(dom, 1)
            depts.append((n, v, locator_key(M, TENANT, dom),
                          ggm_cover(domain_root(M, TENANT, dom, v), day_of(frm), day_of(to - 1))))
        return depts

    def agent_classes(classes):
        return [(cl, versions.get(enc_identifier(cl), 1), locator_key(M, TENANT, enc_identifier(cl)),
                 domain_root(M, TENANT, enc_identifier(cl), versions.get(enc_identifier(cl), 1)))
                for cl in sorted(classes)]

    issued, nb, exp = JAN1 - 100, JAN1 - 100, JAN1 + 60 * DAY
    frm, to = JAN1, JAN1 + 20 * DAY
    label = "py 主管"
    depts = sup_depts(["support", "sales"], frm, to)
    payload = encode_supervisor_payload(encode_common(os.urandom(16), issued, nb, exp, label), frm, to, depts)
    out.append(("grant", "supervisor", tx(label), issued, nb, exp, frm, to,
                ",".join(f"{tx(n)}:{v}" for n, v, _, _ in depts), hx(seal_grant(GRANT_SUPERVISOR, M, TENANT, G, payload))))
    label = "py agent"
    classes = agent_classes([4, 1])
    payload = encode_agent_payload(encode_common(os.urandom(16), issued, nb, exp, label), classes)
    out.append(("grant", "agent", tx(label), issued, nb, exp, ",".join(f"{cl}:{v}" for cl, v, _, _ in classes),
                hx(seal_grant(GRANT_AGENT, M, TENANT, G, payload))))

    # Well signed and sealed, but malformed payloads (9.6 step 7).
    common = lambda label="bad", nb=nb, exp=exp: encode_common(os.urandom(16), issued, nb, exp, label)  # noqa: E731
    good = sup_depts(["support"], frm, to)
    bad_sup = [
        ("department listed twice", encode_supervisor_payload(common(), frm, to, good + good)),
        ("window ends before it starts", encode_supervisor_payload(common(), to, frm, good)),
        ("empty window", encode_supervisor_payload(common(), frm, frm, good)),
        ("department of 65 bytes", encode_supervisor_payload(common(), frm, to, [("d" * 65,) + good[0][1:]])),
        ("empty department", encode_supervisor_payload(common(), frm, to, [("",) + good[0][1:]])),
        ("empty label", encode_supervisor_payload(common(""), frm, to, good)),
        ("label of 257 bytes", encode_supervisor_payload(common("l" * 257), frm, to, good)),
        ("expires when it becomes valid", encode_supervisor_payload(common(nb=exp), frm, to, good)),
        ("node beyond the last day", encode_supervisor_payload(common(), frm, to, [good[0][:3] + ([(1, 1 << 23, bytes(32))],)])),
        ("trailing byte", encode_supervisor_payload(common(), frm, to, good) + b"\x00"),
    ]
    for reason, p in bad_sup:
        out.append(("bad_grant", "supervisor", tx(reason), hx(seal_grant(GRANT_SUPERVISOR, M, TENANT, G, p))))
    one = agent_classes([1])
    bad_agent = [
        ("class listed twice", encode_agent_payload(common(), one + one)),
        ("unknown class 6", encode_agent_payload(common(), [(6,) + one[0][1:]])),
        ("label of 257 bytes", encode_agent_payload(common("l" * 257), one)),
        ("expires before it becomes valid", encode_agent_payload(common(nb=exp, exp=nb), one)),
        ("truncated class entry", encode_agent_payload(common(), one)[:-1]),
    ]
    for reason, p in bad_agent:
        out.append(("bad_grant", "agent", tx(reason), hx(seal_grant(GRANT_AGENT, M, TENANT, G, p))))

    entry = lambda dom, v: dom + u32(v)  # noqa: E731
    vt = lambda *entries: b"CVVT" + u8(1) + u32(len(entries)) + b"".join(entries)  # noqa: E731
    bad_tables = [
        ("domain listed twice", vt(entry(enc_archive("support"), 2), entry(enc_archive("support"), 3))),
        ("department of 65 bytes", vt(entry(enc_archive("d" * 65), 2))),
        ("empty department", vt(entry(enc_archive(""), 2))),
        ("unknown class", vt(entry(enc_identifier(9), 2))),
        ("unknown tag", vt(entry(u8(5) + lp16(b""), 2))),
        ("blind index with a scope", vt(entry(u8(3) + lp16(b"x"), 2))),
        ("count larger than the entries", b"CVVT" + u8(1) + u32(2) + entry(ENC_BLIND_INDEX, 2)),
        ("trailing bytes", vt(entry(ENC_BLIND_INDEX, 2)) + b"\x00"),
        ("bad magic", b"CVVX" + vt(entry(ENC_BLIND_INDEX, 2))[4:]),
    ]
    for reason, t in bad_tables:
        out.append(("bad_versions", tx(reason), hx(t)))

    # Records chatvault must refuse at the locator of (support, conv-bad).
    loc = conversation_locator(M, TENANT, "support", "conv-bad")
    w = wrapping_key(M, TENANT, enc_archive("support"), 1, 1)
    bad_records = [
        ("department of 65 bytes", wrap_record(TENANT, loc, 1, 1, 1, 1, 0, "d" * 65, w, os.urandom(32))),
        ("archive record with a class", wrap_record(TENANT, loc, 1, 1, 1, 1, 2, "support", w, os.urandom(32))),
        ("identifier record with a department", wrap_record(TENANT, loc, 2, 1, 1, 0, 1, "support", w, os.urandom(32))),
        ("unknown kind", wrap_record(TENANT, loc, 3, 1, 1, 0, 0, "support", w, os.urandom(32))),
    ]
    for reason, rec in bad_records:
        out.append(("bad_record", tx("support"), tx("conv-bad"), tx(reason), hx(rec)))

    write_manifest(os.path.join(d, "manifest.txt"), out)
    print(f"make: wrote manifest.txt ({len(out)} items) and store/ ({len(slots)} slots)")


# ---------------------------------------------------------------------------
# doc: the test vectors of docs/FORMAT.md section 10
# ---------------------------------------------------------------------------

def doc(path):
    text = open(path, encoding="utf-8").read()
    sec = text.split("## 10. Test vectors", 1)[1].split("\n## ", 1)[0]
    v = {}
    for block in re.findall(r"```text\n(.*?)```", sec, re.S):
        key = None
        for line in block.splitlines():
            if not line.strip():
                continue
            m = re.match(r"^(\S+) =\s*(.*)$", line)
            if m:
                key = m.group(1)
                v[key] = m.group(2).strip()
            else:
                v[key] += line.strip()  # continuation of a long hex value
    H = lambda k: bytes.fromhex(v[k])  # noqa: E731
    S = lambda k: json.loads(v[k])  # noqa: E731
    c = Checker("doc")

    # 10.1, 10.2
    m, tenant, kek = H("master_key"), S("tenant"), H("kek")
    c.ok(x25519_public(H("grantee_secret")) == H("grantee_public"), "grantee public")
    day = int(v["day"])
    c.ok(day == day_of(int(v["unix_time"])), "day")
    c.ok(key_id(m) == H("key_id(master_key)"), "key_id(master_key)")
    for s in SUITES:
        c.ok(aead_subkeys(m, s) == H(f"aead_key(master_key,{s})"), f"aead_key(master_key,{s})")
    c.ok(key_id(kek) == H("key_id(kek)"), "key_id(kek)")

    # 10.3
    c.ok(enc_archive("support") == H("enc(archive_support)"), "enc(archive_support)")
    c.ok(enc_identifier(1) == H("enc(identifier_phone)"), "enc(identifier_phone)")
    ra = domain_root(m, tenant, H("enc(archive_support)"), 1)
    c.ok(ra == H("root(archive_support,1)"), "root(archive_support,1)")
    c.ok(domain_root(m, tenant, enc_identifier(1), 1) == H("root(identifier_phone,1)"), "root(identifier_phone,1)")
    c.ok(domain_root(m, tenant, enc_identifier(4), 1) == H("root(identifier_email,1)"), "root(identifier_email,1)")
    c.ok(domain_root(m, tenant, ENC_BLIND_INDEX, 1) == H("root(blind_index,1)"), "root(blind_index,1)")
    lk_a = locator_key(m, tenant, enc_archive("support"))
    lk_p = locator_key(m, tenant, enc_identifier(1))
    c.ok(lk_a == H("locator_key(archive_support)"), "locator_key(archive_support)")
    c.ok(lk_p == H("locator_key(identifier_phone)"), "locator_key(identifier_phone)")
    lk_e = locator_key(m, tenant, enc_identifier(4))
    c.ok(lk_e == H("locator_key(identifier_email)"), "locator_key(identifier_email)")
    c.ok(signing_seed(m, tenant) == H("grant_signing_seed"), "grant_signing_seed")
    c.ok(signing_public(m, tenant) == H("grant_signing_public"), "grant_signing_public")
    c.ok(encode_cvtp(tenant, H("grant_signing_public")) == H("cvtp"), "cvtp")
    c.ok(ggm_child(ra, 0) == H("ggm_child(root,0)") and ggm_child(ra, 1) == H("ggm_child(root,1)"), "ggm_child")
    c.ok(ggm_leaf(ra, day) == H("leaf(root(archive_support,1),day)"), "leaf")
    c.ok(key_id(ggm_leaf(ra, day)) == H("key_id(leaf)"), "key_id(leaf)")
    c.ok(enc_conversation("support", "conv-1") == H("enc(conversation)"), "enc(conversation)")
    c.ok(enc_customer("cust-9", 1) == H("enc(customer)"), "enc(customer)")
    c.ok(locator(lk_a, H("enc(conversation)")) == H("locator(conversation)"), "locator(conversation)")
    c.ok(locator(lk_p, H("enc(customer)")) == H("locator(customer)"), "locator(customer)")
    c.ok(encode_versions({enc_archive("support"): 2, ENC_BLIND_INDEX: 2}) == H("cvvt"), "cvvt")
    c.ok(parse_versions(H("cvvt")) == {enc_archive("support"): 2, ENC_BLIND_INDEX: 2}, "cvvt parses")

    # 10.4, 10.5
    kbi = H("root(blind_index,1)")
    i = 1
    while f"blind[{i}].index" in v:
        p = f"blind[{i}]."
        norm = int(v[p + "normalization"])
        c.ok(normalize(S(p + "value"), norm) == S(p + "normalized"), f"blind[{i}].normalized")
        c.ok(blind_index(kbi, S(p + "field"), S(p + "value"), norm, int(v[p + "len"])) == H(p + "index"),
             f"blind[{i}].index")
        i += 1
    c.ok(i > 7, "seven blind index vectors")
    kps = domain_root(m, tenant, ENC_PSEUDONYM, 1)
    c.ok(kps == H("root(pseudonym,1)"), "root(pseudonym,1)")
    c.ok(pseudonym_tag(kps, S("pseudonym.purpose"), S("pseudonym.input").encode()) == H("pseudonym.tag"),
         "pseudonym.tag")

    # 10.6 to 10.9: examples, opened
    c.ok(cvws_unwrap(CVWS_MASTER_KEY, tenant, H("cvws_kek"), kek=kek) == m, "cvws_kek")
    if ARGON2_AVAILABLE:
        c.ok(cvws_unwrap(CVWS_MASTER_KEY, tenant, H("cvws_passphrase"), passphrase=S("passphrase").encode()) == m,
             "cvws_passphrase")
    else:
        print("note: no Argon2id in this cryptography; cvws_passphrase not opened")
    h, dk = unwrap_record(tenant, H("locator(conversation)"), H("wrapped_record"), ggm_leaf(ra, day))
    c.ok((h["kind"], h["domain_version"], h["day"], h["department"]) == (1, 1, day, "support"), "wrapped_record header")
    c.ok(dk == H("data_key") and key_id(dk) == H("key_id(data_key)"), "wrapped_record unwraps to data_key")
    live = read_slots(H("slot"))
    c.ok(live[H("locator(conversation)")][:2] == (1, H("wrapped_record")), "slot")
    pt = S("plaintext").encode()
    ctx = (S("context.tenant").encode(), S("context.record").encode(), S("context.field").encode())
    for s in SUITES:
        c.ok(open_envelope(dk, s, 1, *ctx, H(f"envelope[{s}]")) == pt, f"envelope[{s}]")
    gsec, tpub = H("grantee_secret"), H("grant_signing_public")
    a = decode_agent_payload(open_grant(H("grant_agent"), GRANT_AGENT, gsec, tenant, tpub))
    c.ok((a["label"], a["issued_at"], a["not_before"], a["expires_at"])
         == (S("grant_agent.label"), int(v["grant_agent.issued_at"]), int(v["grant_agent.not_before"]),
             int(v["grant_agent.expires_at"])), "grant_agent common fields")
    c.ok(a["classes"] == [(1, 1, lk_p, H("root(identifier_phone,1)")),
                          (4, 1, lk_e, H("root(identifier_email,1)"))],
         "grant_agent classes")
    sg = decode_supervisor_payload(open_grant(H("grant_supervisor"), GRANT_SUPERVISOR, gsec, tenant, tpub))
    frm, to = int(v["grant_supervisor.from"]), int(v["grant_supervisor.to"])
    c.ok((sg["label"], sg["issued_at"], sg["not_before"], sg["expires_at"], sg["window"])
         == (S("grant_supervisor.label"), int(v["grant_supervisor.issued_at"]), int(v["grant_supervisor.not_before"]),
             int(v["grant_supervisor.expires_at"]), (frm, to)), "grant_supervisor common fields and window")
    c.ok(sg["departments"] == [("support", 1, lk_a, ggm_cover(ra, day_of(frm), day_of(to - 1)))],
         "grant_supervisor department entry")
    nodes, i = [], 1
    while f"cover[{i}].key" in v:
        nodes.append((int(v[f"cover[{i}].level"]), int(v[f"cover[{i}].prefix"]), H(f"cover[{i}].key")))
        i += 1
    c.ok(nodes and nodes == sg["departments"][0][3], "cover[i]: the nodes of grant_supervisor")
    c.ok(grant_conversation_key(sg, tenant, "support", "conv-1",
                                lambda loc: H("wrapped_record") if loc == H("locator(conversation)") else None) == dk,
         "grant_supervisor unwraps wrapped_record")

    # 3.3: the AAD example.
    m2 = re.search(r"the AAD is the (\d+) bytes\n`([0-9a-f ]+)`", text)
    ex = bytes.fromhex(m2.group(2).replace(" ", ""))
    c.ok(ex == envelope_aad(1, 1, b"acme", b"conv-1/msg-1", b"text") and len(ex) == int(m2.group(1)), "AAD example")
    # The document's Python snippets, run as printed.
    ns = {}
    for code in re.findall(r"```python\n(.*?)```", text, re.S):
        exec(code, ns)
    for s in SUITES:
        c.ok(ns["open_envelope"](dk, s, 1, *ctx, H(f"envelope[{s}]")) == pt, f"document snippet opens envelope[{s}]")
    c.ok(ns["derive"](m, "chatvault key id", [], 32) == H("key_id(master_key)"), "document snippet derive")
    print(f"doc: {c.n} checks passed")


COMMANDS = {"inputs": inputs, "verify": verify, "make": make, "doc": doc}

if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in COMMANDS:
        print(__doc__)
        sys.exit(2)
    try:
        COMMANDS[sys.argv[1]](sys.argv[2])
    except Fail as e:
        print(f"FAIL: {e}")
        sys.exit(1)
    except FormatError as e:
        print(f"FAIL: {type(e).__name__}: {e}")
        sys.exit(1)
