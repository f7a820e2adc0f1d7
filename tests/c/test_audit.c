/*
 * The audit log from C: events of several kinds with plain and committed
 * objects and every detail type, a log in a temporary directory with group
 * commit, signed checkpoints opened with the log's key (a wrong key, a
 * tampered note, a cosigner), inclusion and consistency proofs checked by
 * the standalone verifiers (and tampered ones refused), reopening, a torn
 * last record repaired on open, a log cut below its checkpoint refused,
 * segment rotation, and bad inputs (NULLs, unknown numbers, invalid UTF-8,
 * customers by plain id, short buffers, proofs that are not whole hashes).
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

/* Event times: 2026-01-01T00:00:00Z in milliseconds, plus a minute each. */
#define T0 (JAN1 * 1000)
#define MINUTE_MS INT64_C(60000)

static char tmp[256];

/* tmp/<name>, in a static buffer per slot. */
static const char *path_in(int slot, const char *name) {
    static char paths[4][512];
    int n = snprintf(paths[slot], sizeof paths[slot], "%s/%s", tmp, name);
    CHECK(n > 0 && (size_t)n < sizeof paths[slot]);
    return paths[slot];
}

/* Remove a directory tree made by this test (files and directories only). */
static void remove_tree(const char *dir) {
    DIR *d = opendir(dir);
    if (d == NULL) {
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
            continue;
        }
        char p[1024];
        int n = snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        CHECK(n > 0 && (size_t)n < sizeof p);
        struct stat st;
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
            remove_tree(p);
        } else {
            CHECK(unlink(p) == 0);
        }
    }
    closedir(d);
    CHECK(rmdir(dir) == 0);
}

/* Number of segment files in `dir`; the last one by name goes to `last`. */
static int segments(const char *dir, char *last, size_t last_len) {
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    if (d == NULL) {
        return 0;
    }
    int count = 0;
    char best[256] = "";
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n > 6 && strcmp(e->d_name + n - 6, ".cvlog") == 0) {
            count++;
            if (strcmp(e->d_name, best) > 0 && n < sizeof best) {
                memcpy(best, e->d_name, n + 1);
            }
        }
    }
    closedir(d);
    if (last != NULL) {
        int n = snprintf(last, last_len, "%s/%s", dir, best);
        CHECK(n > 0 && (size_t)n < last_len);
    }
    return count;
}

static long long file_size(const char *path) {
    struct stat st;
    CHECK(stat(path, &st) == 0);
    return (long long)st.st_size;
}

/* A customer's key as the keyring would give it (any 32 bytes here). */
static void customer_key(uint8_t key[32]) {
    for (int i = 0; i < 32; i++) {
        key[i] = (uint8_t)(7 * i + 1);
    }
}

static void commit(const char *what, const char *value,
                   uint8_t out[CHATVAULT_AUDIT_COMMITMENT_LEN]) {
    uint8_t key[32];
    customer_key(key);
    OK(chatvault_audit_commitment(key, sizeof key, STR(what), STR(value), out,
                                  CHATVAULT_AUDIT_COMMITMENT_LEN));
}

static chatvault_audit_event *event(int64_t t, uint32_t kind, const char *actor, uint32_t role,
                                    const char *department) {
    chatvault_audit_event *ev = NULL;
    OK(chatvault_audit_event_new(t, kind, STR(actor), role, STR(department), &ev));
    CHECK(ev != NULL);
    return ev;
}

static void test_commitment(void) {
    uint8_t a[CHATVAULT_AUDIT_COMMITMENT_LEN], b[CHATVAULT_AUDIT_COMMITMENT_LEN];
    uint8_t c[CHATVAULT_AUDIT_COMMITMENT_LEN];
    commit("customer", "cust-42", a);
    commit("customer", "cust-42", b);
    CHECK(memcmp(a, b, sizeof a) == 0);
    commit("phone", "cust-42", c); /* the label is bound in */
    CHECK(memcmp(a, c, sizeof a) != 0);
    commit("customer", "cust-43", c);
    CHECK(memcmp(a, c, sizeof a) != 0);

    uint8_t key[32];
    customer_key(key);
    key[0] ^= 1; /* another customer's key */
    OK(chatvault_audit_commitment(key, sizeof key, STR("customer"), STR("cust-42"), c, sizeof c));
    CHECK(memcmp(a, c, sizeof a) != 0);

    EXPECT_RC(chatvault_audit_commitment(key, 15, STR("customer"), STR("x"), c, sizeof c),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    CHECK(last_error_has("16 bytes"));
    memset(c, 0xAA, sizeof c);
    EXPECT_RC(chatvault_audit_commitment(key, sizeof key, STR("customer"), STR("x"), c,
                                         sizeof c - 1),
              CHATVAULT_RESULT_BUFFER_TOO_SMALL);
    CHECK(c[0] == 0xAA);
    EXPECT_RC(chatvault_audit_commitment(key, sizeof key, STR("customer"), STR("x"), NULL, 32),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_audit_commitment(NULL, 32, STR("customer"), STR("x"), c, sizeof c),
              CHATVAULT_RESULT_NULL_POINTER);
    const uint8_t bad[] = {'c', 0xff};
    EXPECT_RC(chatvault_audit_commitment(key, sizeof key, bad, sizeof bad, STR("x"), c, sizeof c),
              CHATVAULT_RESULT_UTF8);
    /* An empty value is a value. */
    OK(chatvault_audit_commitment(key, sizeof key, STR("customer"), NULL, 0, c, sizeof c));
}

static void test_event_errors(void) {
    chatvault_audit_event *ev = NULL;
    /* Unknown numbers. */
    EXPECT_RC(chatvault_audit_event_new(T0, 0, STR("agent-1"), CHATVAULT_AUDIT_ROLE_AGENT,
                                        STR("support"), &ev),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    CHECK(last_error_has("event kind 0"));
    EXPECT_RC(chatvault_audit_event_new(T0, CHATVAULT_AUDIT_EVENT_KIND_APPROVAL_RECORDED + 1,
                                        STR("agent-1"), CHATVAULT_AUDIT_ROLE_AGENT,
                                        STR("support"), &ev),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_audit_event_new(T0, 0x10001, STR("agent-1"), CHATVAULT_AUDIT_ROLE_AGENT,
                                        STR("support"), &ev),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_audit_event_new(T0, CHATVAULT_AUDIT_EVENT_KIND_DELETED, STR("agent-1"), 0,
                                        STR("support"), &ev),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_audit_event_new(T0, CHATVAULT_AUDIT_EVENT_KIND_DELETED, STR("agent-1"),
                                        CHATVAULT_AUDIT_ROLE_AUDITOR + 1, STR("support"), &ev),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    CHECK(last_error_has("role 7"));
    /* Actors: invalid UTF-8, empty, too long, (NULL, n). */
    const uint8_t bad[] = {'a', 'g', 0xc3};
    EXPECT_RC(chatvault_audit_event_new(T0, CHATVAULT_AUDIT_EVENT_KIND_DELETED, bad, sizeof bad,
                                        CHATVAULT_AUDIT_ROLE_AGENT, STR("support"), &ev),
              CHATVAULT_RESULT_UTF8);
    CHECK(last_error_has("actor"));
    EXPECT_RC(chatvault_audit_event_new(T0, CHATVAULT_AUDIT_EVENT_KIND_DELETED, NULL, 0,
                                        CHATVAULT_AUDIT_ROLE_AGENT, STR("support"), &ev),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    CHECK(last_error_has("needs an actor"));
    char long_actor[258];
    memset(long_actor, 'a', 257);
    long_actor[257] = '\0';
    EXPECT_RC(chatvault_audit_event_new(T0, CHATVAULT_AUDIT_EVENT_KIND_DELETED, STR(long_actor),
                                        CHATVAULT_AUDIT_ROLE_AGENT, NULL, 0, &ev),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    long_actor[256] = '\0'; /* 256 bytes is the limit, allowed */
    OK(chatvault_audit_event_new(T0, CHATVAULT_AUDIT_EVENT_KIND_DELETED, STR(long_actor),
                                 CHATVAULT_AUDIT_ROLE_AGENT, NULL, 0, &ev));
    chatvault_audit_event_free(ev);
    ev = NULL;
    EXPECT_RC(chatvault_audit_event_new(T0, CHATVAULT_AUDIT_EVENT_KIND_DELETED, NULL, 3,
                                        CHATVAULT_AUDIT_ROLE_AGENT, STR("support"), &ev),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_audit_event_new(T0, CHATVAULT_AUDIT_EVENT_KIND_DELETED, STR("agent-1"),
                                        CHATVAULT_AUDIT_ROLE_AGENT, bad, sizeof bad, &ev),
              CHATVAULT_RESULT_UTF8);
    EXPECT_RC(chatvault_audit_event_new(T0, CHATVAULT_AUDIT_EVENT_KIND_DELETED, STR("agent-1"),
                                        CHATVAULT_AUDIT_ROLE_AGENT, STR("support"), NULL),
              CHATVAULT_RESULT_NULL_POINTER);
    CHECK(ev == NULL);

    ev = event(T0, CHATVAULT_AUDIT_EVENT_KIND_FIELD_REVEALED, "agent-17",
               CHATVAULT_AUDIT_ROLE_AGENT, "support");
    /* A customer is never named in the clear. */
    EXPECT_RC(chatvault_audit_event_add_object(ev, CHATVAULT_AUDIT_OBJECT_KIND_CUSTOMER,
                                               STR("cust-42")),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    CHECK(last_error_has("only by a commitment"));
    EXPECT_RC(chatvault_audit_event_add_object(ev, 0, STR("conv-1")),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_audit_event_add_object(ev, CHATVAULT_AUDIT_OBJECT_KIND_FIELD + 1,
                                               STR("conv-1")),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    CHECK(last_error_has("object kind 11"));
    EXPECT_RC(chatvault_audit_event_add_object(ev, CHATVAULT_AUDIT_OBJECT_KIND_CONVERSATION, bad,
                                               sizeof bad),
              CHATVAULT_RESULT_UTF8);
    EXPECT_RC(chatvault_audit_event_add_object(ev, CHATVAULT_AUDIT_OBJECT_KIND_CONVERSATION, NULL,
                                               4),
              CHATVAULT_RESULT_NULL_POINTER);
    uint8_t c[CHATVAULT_AUDIT_COMMITMENT_LEN];
    commit("customer", "cust-42", c);
    EXPECT_RC(chatvault_audit_event_add_committed_object(ev, CHATVAULT_AUDIT_OBJECT_KIND_CUSTOMER,
                                                         c, sizeof c - 1),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_audit_event_add_committed_object(ev, CHATVAULT_AUDIT_OBJECT_KIND_CUSTOMER,
                                                         NULL, sizeof c),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_audit_event_add_committed_object(ev, 99, c, sizeof c),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    OK(chatvault_audit_event_add_committed_object(ev, CHATVAULT_AUDIT_OBJECT_KIND_CUSTOMER, c,
                                                  sizeof c));

    /* Detail keys: 1 to 64 bytes of UTF-8. */
    EXPECT_RC(chatvault_audit_event_set_int(ev, NULL, 0, 1), CHATVAULT_RESULT_INVALID_ARGUMENT);
    char long_key[66];
    memset(long_key, 'k', 65);
    long_key[65] = '\0';
    EXPECT_RC(chatvault_audit_event_set_bool(ev, STR(long_key), true),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_audit_event_set_text(ev, bad, sizeof bad, STR("x")), CHATVAULT_RESULT_UTF8);
    EXPECT_RC(chatvault_audit_event_set_text(ev, STR("class"), bad, sizeof bad),
              CHATVAULT_RESULT_UTF8);
    EXPECT_RC(chatvault_audit_event_set_committed(ev, STR("phone"), c, 16),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_audit_event_set_bytes(ev, STR("hash"), NULL, 1),
              CHATVAULT_RESULT_NULL_POINTER);
    /* An event encodes to at most 65,536 bytes. */
    size_t big_len = 65536;
    uint8_t *big = calloc(big_len, 1);
    CHECK(big != NULL);
    EXPECT_RC(chatvault_audit_event_set_bytes(ev, STR("blob"), big, big_len),
              CHATVAULT_RESULT_TOO_LARGE);
    free(big);
    OK(chatvault_audit_event_set_bytes(ev, STR("empty"), NULL, 0));

    /* NULL events. */
    EXPECT_RC(chatvault_audit_event_add_object(NULL, CHATVAULT_AUDIT_OBJECT_KIND_CONVERSATION,
                                               STR("conv-1")),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_audit_event_add_committed_object(NULL, CHATVAULT_AUDIT_OBJECT_KIND_CUSTOMER,
                                                         c, sizeof c),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_audit_event_set_text(NULL, STR("k"), STR("v")),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_audit_event_set_int(NULL, STR("k"), 1), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_audit_event_set_bool(NULL, STR("k"), true), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_audit_event_set_bytes(NULL, STR("k"), STR("v")),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_audit_event_set_committed(NULL, STR("k"), c, sizeof c),
              CHATVAULT_RESULT_NULL_POINTER);
    chatvault_audit_event_free(ev);
}

/* The five events of the main log, of five kinds. */
static chatvault_audit_event *sample_event(int i) {
    uint8_t customer[CHATVAULT_AUDIT_COMMITMENT_LEN], phone[CHATVAULT_AUDIT_COMMITMENT_LEN];
    commit("customer", "cust-42", customer);
    commit("phone", "13800138000", phone);
    int64_t t = T0 + i * MINUTE_MS;
    chatvault_audit_event *ev = NULL;
    switch (i % 5) {
    case 0:
        ev = event(t, CHATVAULT_AUDIT_EVENT_KIND_ARCHIVE_VIEWED, "sup-3",
                   CHATVAULT_AUDIT_ROLE_SUPERVISOR, "support");
        OK(chatvault_audit_event_add_object(ev, CHATVAULT_AUDIT_OBJECT_KIND_CONVERSATION,
                                            STR("conv-1")));
        OK(chatvault_audit_event_set_int(ev, STR("conversations"), 3));
        break;
    case 1:
        ev = event(t, CHATVAULT_AUDIT_EVENT_KIND_FIELD_REVEALED, "agent-17",
                   CHATVAULT_AUDIT_ROLE_AGENT, "support");
        OK(chatvault_audit_event_add_object(ev, CHATVAULT_AUDIT_OBJECT_KIND_CONVERSATION,
                                            STR("conv-1")));
        OK(chatvault_audit_event_add_committed_object(ev, CHATVAULT_AUDIT_OBJECT_KIND_CUSTOMER,
                                                      customer, sizeof customer));
        OK(chatvault_audit_event_add_object(ev, CHATVAULT_AUDIT_OBJECT_KIND_FIELD, STR("phone")));
        OK(chatvault_audit_event_set_text(ev, STR("class"), STR("phone")));
        OK(chatvault_audit_event_set_committed(ev, STR("value"), phone, sizeof phone));
        OK(chatvault_audit_event_set_bool(ev, STR("with_grant"), true));
        break;
    case 2: {
        const uint8_t grant_id[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
        ev = event(t, CHATVAULT_AUDIT_EVENT_KIND_GRANT_ISSUED, "owner-1",
                   CHATVAULT_AUDIT_ROLE_OWNER, "");
        OK(chatvault_audit_event_add_object(ev, CHATVAULT_AUDIT_OBJECT_KIND_GRANT, STR("g-1")));
        OK(chatvault_audit_event_set_bytes(ev, STR("grant_id"), grant_id, sizeof grant_id));
        OK(chatvault_audit_event_set_int(ev, STR("expires"), (JAN1 + 30 * DAY) * 1000));
        break;
    }
    case 3:
        ev = event(t, CHATVAULT_AUDIT_EVENT_KIND_SHREDDED, "sweeper", CHATVAULT_AUDIT_ROLE_SYSTEM,
                   "");
        OK(chatvault_audit_event_add_committed_object(ev, CHATVAULT_AUDIT_OBJECT_KIND_CUSTOMER,
                                                      customer, sizeof customer));
        OK(chatvault_audit_event_add_object(ev, CHATVAULT_AUDIT_OBJECT_KIND_KEY, STR("ck-42")));
        /* Replacing a detail keeps one value per key. */
        OK(chatvault_audit_event_set_text(ev, STR("reason"), STR("retention")));
        OK(chatvault_audit_event_set_text(ev, STR("reason"), STR("erasure")));
        break;
    default:
        ev = event(t, CHATVAULT_AUDIT_EVENT_KIND_MESSAGE_BLOCKED, "scanner",
                   CHATVAULT_AUDIT_ROLE_SYSTEM, "sales");
        OK(chatvault_audit_event_add_object(ev, CHATVAULT_AUDIT_OBJECT_KIND_MESSAGE,
                                            STR("msg-9")));
        OK(chatvault_audit_event_set_text(ev, STR("category"), STR("fraud")));
        OK(chatvault_audit_event_set_bool(ev, STR("agent_to_customer"), false));
        break;
    }
    return ev;
}

static uint64_t append(chatvault_audit_log *log, int i) {
    chatvault_audit_event *ev = sample_event(i);
    uint64_t seq = UINT64_MAX;
    OK(chatvault_audit_log_append(log, ev, &seq));
    chatvault_audit_event_free(ev);
    return seq;
}

static chatvault_bytes *verifier_key(const chatvault_audit_note_signer *s) {
    chatvault_bytes *k = NULL;
    OK(chatvault_audit_note_signer_verifier_key(s, &k));
    return k;
}

static chatvault_audit_note_verifier *verifier_of(const chatvault_audit_note_signer *s) {
    chatvault_bytes *k = verifier_key(s);
    chatvault_audit_note_verifier *v = NULL;
    if (k != NULL) {
        OK(chatvault_audit_note_verifier_from_encoded(k->data, k->len, &v));
    }
    chatvault_bytes_free(k);
    return v;
}

static chatvault_audit_note_signer *signer(const char *name) {
    chatvault_audit_note_signer *s = NULL;
    OK(chatvault_audit_note_signer_generate(STR(name), &s));
    return s;
}

static void check_inclusion(const chatvault_audit_log *log, const chatvault_audit_checkpoint *cp) {
    for (uint64_t i = 0; i < cp->size; i++) {
        uint8_t leaf[CHATVAULT_AUDIT_HASH_LEN];
        OK(chatvault_audit_log_leaf_hash(log, i, leaf, sizeof leaf));
        chatvault_bytes *proof = NULL;
        OK(chatvault_audit_log_inclusion_proof(log, i, cp->size, &proof));
        if (proof == NULL) {
            continue;
        }
        CHECK(proof->len % CHATVAULT_AUDIT_HASH_LEN == 0);
        OK(chatvault_audit_verify_inclusion(leaf, sizeof leaf, i, cp->size, proof->data,
                                            proof->len, cp->root, sizeof cp->root));
        chatvault_bytes_free(proof);
    }
}

static void test_log(void) {
    const char *dir = path_in(0, "log");
    /* Nothing is synced before flush: a batch and a deadline never reached. */
    const chatvault_audit_commit_policy lazy = {1000, UINT64_C(3600000000)};
    chatvault_audit_log *log = NULL;
    OK(chatvault_audit_log_create(STR(dir), STR("acme/audit"), &lazy, &log));
    CHECK(log != NULL);
    chatvault_audit_log *again = NULL;
    EXPECT_RC(chatvault_audit_log_create(STR(dir), STR("acme/audit"), &lazy, &again),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    CHECK(last_error_has("already holds an audit log"));
    CHECK(again == NULL);

    for (int i = 0; i < 5; i++) {
        CHECK(append(log, i) == (uint64_t)i);
    }
    /* One event may be appended twice; seq may be NULL. */
    chatvault_audit_event *ev = sample_event(1);
    OK(chatvault_audit_log_append(log, ev, NULL));
    chatvault_audit_event_free(ev);
    CHECK(chatvault_audit_log_size(log) == 6);
    CHECK(chatvault_audit_log_durable_size(log) == 0);
    uint64_t durable = 0;
    OK(chatvault_audit_log_flush(log, &durable));
    CHECK(durable == 6);
    CHECK(chatvault_audit_log_durable_size(log) == 6);
    OK(chatvault_audit_log_flush(log, NULL));

    uint8_t root[CHATVAULT_AUDIT_HASH_LEN], short_root[CHATVAULT_AUDIT_HASH_LEN];
    OK(chatvault_audit_log_root(log, root, sizeof root));
    memset(short_root, 0x55, sizeof short_root);
    EXPECT_RC(chatvault_audit_log_root(log, short_root, sizeof short_root - 1),
              CHATVAULT_RESULT_BUFFER_TOO_SMALL);
    CHECK(short_root[0] == 0x55);
    EXPECT_RC(chatvault_audit_log_root(log, NULL, sizeof root), CHATVAULT_RESULT_NULL_POINTER);
    uint8_t leaf[CHATVAULT_AUDIT_HASH_LEN];
    EXPECT_RC(chatvault_audit_log_leaf_hash(log, 6, leaf, sizeof leaf),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_audit_log_leaf_hash(log, 0, leaf, 8), CHATVAULT_RESULT_BUFFER_TOO_SMALL);

    /* Keys: the signer's encoding round-trips to the same verifier key. */
    chatvault_audit_note_signer *log_signer = signer("acme-audit");
    chatvault_bytes *skey = NULL;
    OK(chatvault_audit_note_signer_encoded(log_signer, &skey));
    CHECK(skey != NULL && strncmp((const char *)skey->data, "PRIVATE+KEY+acme-audit+", 23) == 0);
    chatvault_audit_note_signer *reloaded = NULL;
    OK(chatvault_audit_note_signer_from_encoded(skey->data, skey->len, &reloaded));
    chatvault_bytes_free(skey);
    chatvault_bytes *vk1 = verifier_key(log_signer), *vk2 = verifier_key(reloaded);
    CHECK(vk1 != NULL && vk2 != NULL && bytes_eq(vk1, vk2->data, vk2->len));
    CHECK(vk1 != NULL && strncmp((const char *)vk1->data, "acme-audit+", 11) == 0);
    CHECK(vk1 != NULL && strlen((const char *)vk1->data) == vk1->len);
    chatvault_bytes_free(vk1);
    chatvault_bytes_free(vk2);
    chatvault_audit_note_signer_free(reloaded);
    chatvault_audit_note_verifier *log_key = verifier_of(log_signer);

    /* A signed checkpoint of the six records. */
    chatvault_bytes *note1 = NULL;
    OK(chatvault_audit_log_checkpoint(log, log_signer, &note1));
    CHECK(note1 != NULL);
    chatvault_audit_checkpoint cp1;
    memset(&cp1, 0, sizeof cp1);
    OK(chatvault_audit_checkpoint_open(note1->data, note1->len, log_key, NULL, 0, &cp1));
    CHECK(cp1.size == 6);
    CHECK(memcmp(cp1.root, root, sizeof root) == 0);
    CHECK(cp1.cosigned == 0);

    /* Its origin is the log id. */
    char origin[64];
    size_t written = 0;
    OK(chatvault_audit_checkpoint_origin(note1->data, note1->len, origin, sizeof origin,
                                         &written));
    CHECK(strcmp(origin, "acme/audit") == 0 && written == 11);
    memset(origin, 'x', sizeof origin);
    EXPECT_RC(chatvault_audit_checkpoint_origin(note1->data, note1->len, origin, 4, &written),
              CHATVAULT_RESULT_BUFFER_TOO_SMALL);
    CHECK(written == 11 && origin[0] == 'x');
    written = 0;
    EXPECT_RC(chatvault_audit_checkpoint_origin(note1->data, note1->len, NULL, 0, &written),
              CHATVAULT_RESULT_BUFFER_TOO_SMALL);
    CHECK(written == 11);
    EXPECT_RC(chatvault_audit_checkpoint_origin(note1->data, note1->len, origin, sizeof origin,
                                                NULL),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_audit_checkpoint_origin(STR("not a note\n"), origin, sizeof origin,
                                                &written),
              CHATVAULT_RESULT_MALFORMED);

    /* A wrong key, by the same name or another: no trusted signature. */
    chatvault_audit_note_signer *impostor = signer("acme-audit");
    chatvault_audit_note_verifier *impostor_key = verifier_of(impostor);
    chatvault_audit_checkpoint out;
    memset(&out, 0x11, sizeof out);
    EXPECT_RC(chatvault_audit_checkpoint_open(note1->data, note1->len, impostor_key, NULL, 0, &out),
              CHATVAULT_RESULT_BAD_SIGNATURE);
    CHECK(out.size == UINT64_C(0x1111111111111111)); /* untouched */
    chatvault_audit_note_signer *supervisor = signer("supervisor-wang");
    chatvault_audit_note_signer *witness = signer("witness-1");
    chatvault_audit_note_verifier *supervisor_key = verifier_of(supervisor);
    EXPECT_RC(chatvault_audit_checkpoint_open(note1->data, note1->len, supervisor_key, NULL, 0,
                                              &out),
              CHATVAULT_RESULT_BAD_SIGNATURE);

    /* A tampered note: the tree size changed from 6 to 7. */
    uint8_t *forged = malloc(note1->len);
    CHECK(forged != NULL);
    memcpy(forged, note1->data, note1->len);
    size_t size_at = strlen("acme/audit\n");
    CHECK(forged[size_at] == '6');
    forged[size_at] = '7';
    EXPECT_RC(chatvault_audit_checkpoint_open(forged, note1->len, log_key, NULL, 0, &out),
              CHATVAULT_RESULT_BAD_SIGNATURE);
    free(forged);
    EXPECT_RC(chatvault_audit_checkpoint_open(STR("acme/audit\n6\n"), log_key, NULL, 0, &out),
              CHATVAULT_RESULT_MALFORMED);
    const uint8_t bad_utf8[] = {'a', '\n', 0xfe, '\n'};
    EXPECT_RC(chatvault_audit_checkpoint_open(bad_utf8, sizeof bad_utf8, log_key, NULL, 0, &out),
              CHATVAULT_RESULT_UTF8);

    /* A supervisor cosigns; the cosignature is counted when trusted. */
    chatvault_bytes *cosigned = NULL;
    OK(chatvault_audit_checkpoint_cosign(note1->data, note1->len, log_key, supervisor, &cosigned));
    CHECK(cosigned != NULL && cosigned->len > note1->len);
    CHECK(cosigned != NULL && memcmp(cosigned->data, note1->data, note1->len) == 0);
    const chatvault_audit_note_verifier *cosigners[2] = {supervisor_key, impostor_key};
    memset(&out, 0, sizeof out);
    OK(chatvault_audit_checkpoint_open(cosigned->data, cosigned->len, log_key, cosigners, 1, &out));
    CHECK(out.size == 6 && out.cosigned == 1);
    CHECK(memcmp(out.root, root, sizeof root) == 0);
    /* A cosigner that did not sign is not counted; none is fine too. */
    chatvault_audit_note_verifier *witness_key = verifier_of(witness);
    const chatvault_audit_note_verifier *only_witness[1] = {witness_key};
    OK(chatvault_audit_checkpoint_open(cosigned->data, cosigned->len, log_key, only_witness, 1,
                                       &out));
    CHECK(out.cosigned == 0);
    chatvault_audit_note_verifier_free(witness_key);
    /* A cosigner may not carry the log key's name: signers are told apart
     * by name, so its signature would pass for the log's. */
    EXPECT_RC(chatvault_audit_checkpoint_open(cosigned->data, cosigned->len, log_key,
                                              cosigners + 1, 1, &out),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    CHECK(last_error_has("cosigners[0] has the log key's name"));
    OK(chatvault_audit_checkpoint_open(cosigned->data, cosigned->len, log_key, NULL, 0, &out));
    CHECK(out.cosigned == 0);
    /* A trusted cosignature does not stand in for the log's own. */
    EXPECT_RC(chatvault_audit_checkpoint_open(cosigned->data, cosigned->len, impostor_key,
                                              cosigners, 1, &out),
              CHATVAULT_RESULT_BAD_SIGNATURE);
    CHECK(last_error_has("log's key"));
    chatvault_bytes *twice = NULL;
    EXPECT_RC(chatvault_audit_checkpoint_cosign(cosigned->data, cosigned->len, log_key, supervisor,
                                                &twice),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_audit_checkpoint_cosign(note1->data, note1->len, impostor_key, supervisor,
                                                &twice),
              CHATVAULT_RESULT_BAD_SIGNATURE);
    CHECK(twice == NULL);
    const chatvault_audit_note_verifier *with_null[2] = {supervisor_key, NULL};
    EXPECT_RC(chatvault_audit_checkpoint_open(cosigned->data, cosigned->len, log_key, with_null, 2,
                                              &out),
              CHATVAULT_RESULT_NULL_POINTER);
    CHECK(last_error_has("cosigners[1]"));
    EXPECT_RC(chatvault_audit_checkpoint_open(cosigned->data, cosigned->len, log_key, NULL, 1,
                                              &out),
              CHATVAULT_RESULT_NULL_POINTER);
    chatvault_bytes_free(cosigned);

    /* Every record is in the checkpointed tree. */
    check_inclusion(log, &cp1);
    uint8_t leaf2[CHATVAULT_AUDIT_HASH_LEN];
    OK(chatvault_audit_log_leaf_hash(log, 2, leaf2, sizeof leaf2));
    chatvault_bytes *proof = NULL;
    OK(chatvault_audit_log_inclusion_proof(log, 2, cp1.size, &proof));
    CHECK(proof != NULL && proof->len == 3 * CHATVAULT_AUDIT_HASH_LEN);
    uint8_t *bad_proof = malloc(proof->len);
    CHECK(bad_proof != NULL);
    memcpy(bad_proof, proof->data, proof->len);
    bad_proof[CHATVAULT_AUDIT_HASH_LEN + 5] ^= 1;
    EXPECT_RC(chatvault_audit_verify_inclusion(leaf2, sizeof leaf2, 2, cp1.size, bad_proof,
                                               proof->len, cp1.root, sizeof cp1.root),
              CHATVAULT_RESULT_BAD_PROOF);
    CHECK(last_error_has("proof does not verify"));
    free(bad_proof);
    uint8_t bad_root[CHATVAULT_AUDIT_HASH_LEN];
    memcpy(bad_root, cp1.root, sizeof bad_root);
    bad_root[31] ^= 0x80;
    EXPECT_RC(chatvault_audit_verify_inclusion(leaf2, sizeof leaf2, 2, cp1.size, proof->data,
                                               proof->len, bad_root, sizeof bad_root),
              CHATVAULT_RESULT_BAD_PROOF);
    EXPECT_RC(chatvault_audit_verify_inclusion(leaf2, sizeof leaf2, 3, cp1.size, proof->data,
                                               proof->len, cp1.root, sizeof cp1.root),
              CHATVAULT_RESULT_BAD_PROOF);
    EXPECT_RC(chatvault_audit_verify_inclusion(leaf2, sizeof leaf2, 2, cp1.size, proof->data,
                                               proof->len - CHATVAULT_AUDIT_HASH_LEN, cp1.root,
                                               sizeof cp1.root),
              CHATVAULT_RESULT_BAD_PROOF);
    EXPECT_RC(chatvault_audit_verify_inclusion(leaf2, sizeof leaf2, 2, cp1.size, proof->data,
                                               proof->len - 1, cp1.root, sizeof cp1.root),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    CHECK(last_error_has("whole number"));
    EXPECT_RC(chatvault_audit_verify_inclusion(leaf2, sizeof leaf2 - 1, 2, cp1.size, proof->data,
                                               proof->len, cp1.root, sizeof cp1.root),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_audit_verify_inclusion(leaf2, sizeof leaf2, 2, cp1.size, NULL, 32,
                                               cp1.root, sizeof cp1.root),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_audit_verify_inclusion(leaf2, sizeof leaf2, 2, cp1.size, proof->data,
                                               proof->len, NULL, 32),
              CHATVAULT_RESULT_NULL_POINTER);
    chatvault_bytes_free(proof);
    chatvault_bytes *none = NULL;
    EXPECT_RC(chatvault_audit_log_inclusion_proof(log, 6, 6, &none),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_audit_log_inclusion_proof(log, 0, 7, &none),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_audit_log_inclusion_proof(log, 0, 6, NULL), CHATVAULT_RESULT_NULL_POINTER);
    CHECK(none == NULL);

    /* Three more records and a second checkpoint, consistent with the first. */
    for (int i = 6; i < 9; i++) {
        CHECK(append(log, i) == (uint64_t)i);
    }
    CHECK(chatvault_audit_log_durable_size(log) == 6);
    chatvault_bytes *note2 = NULL;
    OK(chatvault_audit_log_checkpoint(log, log_signer, &note2)); /* syncs first */
    CHECK(chatvault_audit_log_durable_size(log) == 9);
    chatvault_audit_checkpoint cp2;
    OK(chatvault_audit_checkpoint_open(note2->data, note2->len, log_key, NULL, 0, &cp2));
    CHECK(cp2.size == 9);
    check_inclusion(log, &cp2);
    OK(chatvault_audit_log_consistency_proof(log, cp1.size, cp2.size, &proof));
    CHECK(proof != NULL && proof->len > 0 && proof->len % CHATVAULT_AUDIT_HASH_LEN == 0);
    OK(chatvault_audit_verify_consistency(cp1.size, cp2.size, proof->data, proof->len, cp1.root,
                                          sizeof cp1.root, cp2.root, sizeof cp2.root));
    EXPECT_RC(chatvault_audit_verify_consistency(cp1.size, cp2.size, proof->data, proof->len,
                                                 cp2.root, sizeof cp2.root, cp1.root,
                                                 sizeof cp1.root),
              CHATVAULT_RESULT_BAD_PROOF);
    EXPECT_RC(chatvault_audit_verify_consistency(cp1.size, cp2.size, proof->data, proof->len,
                                                 bad_root, sizeof bad_root, cp2.root,
                                                 sizeof cp2.root),
              CHATVAULT_RESULT_BAD_PROOF);
    EXPECT_RC(chatvault_audit_verify_consistency(cp1.size - 1, cp2.size, proof->data, proof->len,
                                                 cp1.root, sizeof cp1.root, cp2.root,
                                                 sizeof cp2.root),
              CHATVAULT_RESULT_BAD_PROOF);
    bad_proof = malloc(proof->len);
    CHECK(bad_proof != NULL);
    memcpy(bad_proof, proof->data, proof->len);
    bad_proof[0] ^= 1;
    EXPECT_RC(chatvault_audit_verify_consistency(cp1.size, cp2.size, bad_proof, proof->len,
                                                 cp1.root, sizeof cp1.root, cp2.root,
                                                 sizeof cp2.root),
              CHATVAULT_RESULT_BAD_PROOF);
    free(bad_proof);
    EXPECT_RC(chatvault_audit_verify_consistency(cp1.size, cp2.size, proof->data, proof->len + 1,
                                                 cp1.root, sizeof cp1.root, cp2.root,
                                                 sizeof cp2.root),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_audit_verify_consistency(cp1.size, cp2.size, proof->data, proof->len,
                                                 cp1.root, sizeof cp1.root, cp2.root, 31),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    chatvault_bytes_free(proof);
    /* Equal sizes: an empty proof, the same root. */
    OK(chatvault_audit_log_consistency_proof(log, 9, 9, &proof));
    CHECK(proof != NULL && proof->len == 0 && proof->data != NULL);
    OK(chatvault_audit_verify_consistency(9, 9, proof->data, proof->len, cp2.root,
                                          sizeof cp2.root, cp2.root, sizeof cp2.root));
    chatvault_bytes_free(proof);
    OK(chatvault_audit_verify_consistency(9, 9, NULL, 0, cp2.root, sizeof cp2.root, cp2.root,
                                          sizeof cp2.root));
    none = NULL;
    EXPECT_RC(chatvault_audit_log_consistency_proof(log, 0, 9, &none),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_audit_log_consistency_proof(log, 9, 6, &none),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_audit_log_consistency_proof(log, 6, 10, &none),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    CHECK(none == NULL);

    /* Two records after the checkpoint, synced; then the log is closed. */
    CHECK(append(log, 9) == 9);
    CHECK(append(log, 10) == 10);
    OK(chatvault_audit_log_flush(log, &durable));
    CHECK(durable == 11);
    uint8_t root11[CHATVAULT_AUDIT_HASH_LEN];
    OK(chatvault_audit_log_root(log, root11, sizeof root11));
    chatvault_audit_log_free(log);

    /* Reopened: every record verifies, nothing to repair. */
    chatvault_audit_open_report report;
    memset(&report, 0xff, sizeof report);
    log = NULL;
    OK(chatvault_audit_log_open(STR(dir), &lazy, &log, &report));
    CHECK(report.records == 11 && !report.repaired);
    CHECK(report.repair_offset == 0 && report.repair_dropped == 0);
    CHECK(chatvault_audit_log_size(log) == 11 && chatvault_audit_log_durable_size(log) == 11);
    OK(chatvault_audit_log_root(log, root, sizeof root));
    CHECK(memcmp(root, root11, sizeof root) == 0);
    chatvault_audit_log_free(log);
    log = NULL;
    OK(chatvault_audit_log_open(STR(dir), NULL, &log, NULL)); /* the report is optional */
    chatvault_audit_log_free(log);

    /* A crash mid-append: the last segment loses its last 5 bytes. */
    char seg[512];
    CHECK(segments(dir, seg, sizeof seg) == 1);
    long long before = file_size(seg);
    CHECK(truncate(seg, (off_t)(before - 5)) == 0);
    memset(&report, 0, sizeof report);
    log = NULL;
    OK(chatvault_audit_log_open(STR(dir), &lazy, &log, &report));
    CHECK(report.records == 10);
    CHECK(report.repaired);
    CHECK(report.repair_dropped > 0);
    CHECK((long long)(report.repair_offset + report.repair_dropped) == before - 5);
    /* The repair is itself recorded and synced: record 10 is now the
     * LOG_REPAIRED event. */
    CHECK(chatvault_audit_log_size(log) == 11 && chatvault_audit_log_durable_size(log) == 11);
    OK(chatvault_audit_log_root(log, root, sizeof root));
    CHECK(memcmp(root, root11, sizeof root) != 0);
    /* The repaired log still extends the second checkpoint. */
    OK(chatvault_audit_log_consistency_proof(log, cp2.size, 11, &proof));
    OK(chatvault_audit_verify_consistency(cp2.size, 11, proof->data, proof->len, cp2.root,
                                          sizeof cp2.root, root, sizeof root));
    chatvault_bytes_free(proof);
    /* A checkpoint of all eleven, then the log is cut below it. */
    chatvault_bytes *note3 = NULL;
    OK(chatvault_audit_log_checkpoint(log, log_signer, &note3));
    chatvault_audit_checkpoint cp3;
    OK(chatvault_audit_checkpoint_open(note3->data, note3->len, log_key, NULL, 0, &cp3));
    CHECK(cp3.size == 11 && memcmp(cp3.root, root, sizeof root) == 0);
    check_inclusion(log, &cp3);
    chatvault_audit_log_free(log);
    before = file_size(seg);
    CHECK(truncate(seg, (off_t)(before - 5)) == 0);
    log = NULL;
    EXPECT_RC(chatvault_audit_log_open(STR(dir), &lazy, &log, &report),
              CHATVAULT_RESULT_MALFORMED);
    CHECK(last_error_has("cut short"));
    CHECK(log == NULL);

    /* A directory with no log. */
    EXPECT_RC(chatvault_audit_log_open(STR(tmp), NULL, &log, NULL), CHATVAULT_RESULT_IO);
    CHECK(log == NULL);

    chatvault_bytes_free(note1);
    chatvault_bytes_free(note2);
    chatvault_bytes_free(note3);
    chatvault_audit_note_verifier_free(log_key);
    chatvault_audit_note_verifier_free(impostor_key);
    chatvault_audit_note_verifier_free(supervisor_key);
    chatvault_audit_note_signer_free(log_signer);
    chatvault_audit_note_signer_free(impostor);
    chatvault_audit_note_signer_free(supervisor);
    chatvault_audit_note_signer_free(witness);
}

static void test_commit_policy_and_segments(void) {
    /* Group commit by batch: durable after every second record. */
    const char *dir = path_in(1, "batch");
    const chatvault_audit_commit_policy pairs = {2, UINT64_C(3600000000)};
    chatvault_audit_log *log = NULL;
    OK(chatvault_audit_log_create(STR(dir), STR("acme/batch"), &pairs, &log));
    CHECK(append(log, 0) == 0);
    CHECK(chatvault_audit_log_durable_size(log) == 0);
    CHECK(append(log, 1) == 1);
    CHECK(chatvault_audit_log_durable_size(log) == 2);
    CHECK(append(log, 2) == 2);
    CHECK(chatvault_audit_log_durable_size(log) == 2);
    /* Freeing syncs what is buffered. */
    chatvault_audit_log_free(log);
    chatvault_audit_open_report report;
    log = NULL;
    OK(chatvault_audit_log_open(STR(dir), &pairs, &log, &report));
    CHECK(report.records == 3 && !report.repaired);
    chatvault_audit_log_free(log);

    /* Every record synced, and a new segment after each. */
    dir = path_in(2, "segments");
    const chatvault_audit_commit_policy every = {1, 0};
    log = NULL;
    OK(chatvault_audit_log_create(STR(dir), STR("acme/segments"), &every, &log));
    OK(chatvault_audit_log_set_segment_limit(log, 1));
    for (int i = 0; i < 3; i++) {
        CHECK(append(log, i) == (uint64_t)i);
        CHECK(chatvault_audit_log_durable_size(log) == (uint64_t)i + 1);
    }
    CHECK(segments(dir, NULL, 0) == 4);
    uint8_t root[CHATVAULT_AUDIT_HASH_LEN], reopened[CHATVAULT_AUDIT_HASH_LEN];
    OK(chatvault_audit_log_root(log, root, sizeof root));
    chatvault_audit_log_free(log);
    log = NULL;
    OK(chatvault_audit_log_open(STR(dir), &every, &log, &report));
    CHECK(report.records == 3 && !report.repaired);
    OK(chatvault_audit_log_root(log, reopened, sizeof reopened));
    CHECK(memcmp(root, reopened, sizeof root) == 0);
    chatvault_audit_log_free(log);
}

/* The first occurrence of `needle` in `hay`, or NULL (memmem is not in
   C11 or POSIX). */
static uint8_t *find_bytes(const uint8_t *hay, size_t len, const char *needle) {
    size_t n = strlen(needle);
    for (size_t i = 0; n <= len && i <= len - n; i++) {
        if (memcmp(hay + i, needle, n) == 0) {
            return (uint8_t *)(hay + i);
        }
    }
    return NULL;
}

/* A query with no condition: every bound open. */
static chatvault_audit_query any_query(void) {
    chatvault_audit_query q;
    memset(&q, 0, sizeof q);
    q.from_ms = INT64_MIN;
    q.to_ms = INT64_MAX;
    return q;
}

static size_t count(chatvault_audit_log *log, const chatvault_audit_query *q) {
    chatvault_audit_entries *found = NULL;
    OK(chatvault_audit_log_query(log, q, &found));
    size_t n = chatvault_audit_entries_len(found);
    chatvault_audit_entries_free(found);
    return n;
}

static void test_query_and_export(void) {
    const char *dir = path_in(3, "query");
    chatvault_audit_log *log = NULL;
    OK(chatvault_audit_log_create(STR(dir), STR("acme/query"), NULL, &log));
    /* Ten events: kinds cycle through viewed, revealed, grant, shredded,
       blocked (sample_event), one minute apart. */
    for (int i = 0; i < 10; i++) {
        CHECK(append(log, i) == (uint64_t)i);
    }

    /* Every event, from a NULL query and from an empty one. */
    CHECK(count(log, NULL) == 10);
    chatvault_audit_query q = any_query();
    CHECK(count(log, &q) == 10);

    /* By kind: the two reveals, read field by field and as JSON. */
    const uint32_t revealed[1] = {CHATVAULT_AUDIT_EVENT_KIND_FIELD_REVEALED};
    q.kinds = revealed;
    q.n_kinds = 1;
    chatvault_audit_entries *found = NULL;
    OK(chatvault_audit_log_query(log, &q, &found));
    CHECK(chatvault_audit_entries_len(found) == 2);
    chatvault_audit_entry e;
    OK(chatvault_audit_entries_get(found, 1, &e));
    CHECK(e.seq == 6 && e.time_ms == T0 + 6 * MINUTE_MS);
    CHECK(e.kind == CHATVAULT_AUDIT_EVENT_KIND_FIELD_REVEALED && e.role == CHATVAULT_AUDIT_ROLE_AGENT);
    uint8_t leaf[CHATVAULT_AUDIT_HASH_LEN];
    OK(chatvault_audit_log_leaf_hash(log, 6, leaf, sizeof leaf));
    CHECK(memcmp(leaf, e.leaf, sizeof leaf) == 0);
    chatvault_bytes *json = NULL;
    OK(chatvault_audit_entries_json(found, 0, &json));
    CHECK(json != NULL && find_bytes(json->data, json->len, "\"actor\":\"agent-17\"") != NULL);
    CHECK(json != NULL && find_bytes(json->data, json->len, "\"kind\":\"customer\"") != NULL);
    chatvault_bytes_free(json);
    EXPECT_RC(chatvault_audit_entries_get(found, 2, &e), CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_audit_entries_json(found, 2, &json), CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_audit_entries_get(found, 0, NULL), CHATVAULT_RESULT_NULL_POINTER);
    chatvault_audit_entries_free(found);

    /* By department, by time window, by committed customer, with a limit. */
    q = any_query();
    q.department = (const uint8_t *)"sales";
    q.department_len = 5;
    CHECK(count(log, &q) == 2);
    q = any_query();
    q.from_ms = T0 + 2 * MINUTE_MS;
    q.to_ms = T0 + 5 * MINUTE_MS;
    CHECK(count(log, &q) == 3);
    uint8_t customer[CHATVAULT_AUDIT_COMMITMENT_LEN];
    commit("customer", "cust-42", customer);
    q = any_query();
    q.object_kind = CHATVAULT_AUDIT_OBJECT_KIND_CUSTOMER;
    q.object_commitment = customer;
    q.object_commitment_len = sizeof customer;
    CHECK(count(log, &q) == 4);
    q.limit = 1;
    CHECK(count(log, &q) == 1);
    q = any_query();
    q.actor = (const uint8_t *)"nobody";
    q.actor_len = 6;
    CHECK(count(log, &q) == 0);

    /* Bad queries. */
    q = any_query();
    q.object_kind = CHATVAULT_AUDIT_OBJECT_KIND_CONVERSATION;
    EXPECT_RC(chatvault_audit_log_query(log, &q, &found), CHATVAULT_RESULT_INVALID_ARGUMENT);
    q.object_id = (const uint8_t *)"conv-1";
    q.object_id_len = 6;
    q.object_commitment = customer;
    q.object_commitment_len = sizeof customer;
    EXPECT_RC(chatvault_audit_log_query(log, &q, &found), CHATVAULT_RESULT_INVALID_ARGUMENT);
    q = any_query();
    const uint32_t unknown[1] = {99};
    q.kinds = unknown;
    q.n_kinds = 1;
    EXPECT_RC(chatvault_audit_log_query(log, &q, &found), CHATVAULT_RESULT_INVALID_ARGUMENT);
    q = any_query();
    q.n_kinds = 2; /* NULL kinds with a count */
    EXPECT_RC(chatvault_audit_log_query(log, &q, &found), CHATVAULT_RESULT_NULL_POINTER);
    q = any_query();
    q.actor = (const uint8_t *)"\xff";
    q.actor_len = 1;
    EXPECT_RC(chatvault_audit_log_query(log, &q, &found), CHATVAULT_RESULT_UTF8);
    EXPECT_RC(chatvault_audit_log_query(NULL, NULL, &found), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_audit_log_query(log, NULL, NULL), CHATVAULT_RESULT_NULL_POINTER);

    /* An export of the reveals, verified with only the public key. */
    chatvault_audit_note_signer *key = signer("acme-query-log");
    chatvault_audit_note_verifier *pub = verifier_of(key);
    q = any_query();
    q.kinds = revealed;
    q.n_kinds = 1;
    chatvault_bytes *export = NULL;
    OK(chatvault_audit_log_export(log, &q, key, &export));
    CHECK(export != NULL);
    chatvault_audit_checkpoint cp;
    size_t entries = 0;
    OK(chatvault_audit_export_verify(export->data, export->len, pub, NULL, 0, &cp, &entries));
    CHECK(cp.size == 10 && entries == 2 && cp.cosigned == 0);
    uint8_t root[CHATVAULT_AUDIT_HASH_LEN];
    OK(chatvault_audit_log_root(log, root, sizeof root));
    CHECK(memcmp(root, cp.root, sizeof root) == 0);
    OK(chatvault_audit_export_verify(export->data, export->len, pub, NULL, 0, NULL, NULL));
    /* A changed field, another key, bad arguments. */
    uint8_t *copy = malloc(export->len);
    CHECK(copy != NULL);
    memcpy(copy, export->data, export->len);
    uint8_t *at = find_bytes(copy, export->len, "agent-17");
    CHECK(at != NULL);
    if (at != NULL) {
        at[7] = '8';
    }
    EXPECT_RC(chatvault_audit_export_verify(copy, export->len, pub, NULL, 0, &cp, &entries),
              CHATVAULT_RESULT_MALFORMED);
    CHECK(last_error_has("export line"));
    free(copy);
    chatvault_audit_note_signer *other = signer("acme-query-log");
    chatvault_audit_note_verifier *other_pub = verifier_of(other);
    EXPECT_RC(chatvault_audit_export_verify(export->data, export->len, other_pub, NULL, 0, &cp,
                                            &entries),
              CHATVAULT_RESULT_BAD_SIGNATURE);
    EXPECT_RC(chatvault_audit_export_verify(NULL, 5, pub, NULL, 0, &cp, &entries),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_audit_export_verify(export->data, export->len, NULL, NULL, 0, &cp,
                                            &entries),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_audit_log_export(log, &q, NULL, &export), CHATVAULT_RESULT_NULL_POINTER);
    chatvault_bytes_free(export);
    chatvault_audit_note_verifier_free(other_pub);
    chatvault_audit_note_signer_free(other);
    chatvault_audit_note_verifier_free(pub);
    chatvault_audit_note_signer_free(key);
    chatvault_audit_log_free(log);
}

static void test_standalone_hashes(void) {
    /* RFC 6962 test data (certificate transparency's merkle_tree_test, as
     * reproduced by transparency-dev/merkle testonly/constants.go): the
     * leaf hash of the empty leaf and the root of the tree of the leaves
     * "" and 0x00. */
    const uint8_t empty_leaf[32] = {
        0x6e, 0x34, 0x0b, 0x9c, 0xff, 0xb3, 0x7a, 0x98, 0x9c, 0xa5, 0x44,
        0xe6, 0xbb, 0x78, 0x0a, 0x2c, 0x78, 0x90, 0x1d, 0x3f, 0xb3, 0x37,
        0x38, 0x76, 0x85, 0x11, 0xa3, 0x06, 0x17, 0xaf, 0xa0, 0x1d};
    const uint8_t root2[32] = {0xfa, 0xc5, 0x42, 0x03, 0xe7, 0xcc, 0x69, 0x6c, 0xf0, 0xdf, 0xcb,
                               0x42, 0xc9, 0x2a, 0x1d, 0x9d, 0xba, 0xf7, 0x0a, 0xd9, 0xe6, 0x21,
                               0xf4, 0xbd, 0x8d, 0x98, 0x66, 0x2f, 0x00, 0xe3, 0xc1, 0x25};
    uint8_t h0[CHATVAULT_AUDIT_HASH_LEN], h1[CHATVAULT_AUDIT_HASH_LEN];
    OK(chatvault_audit_leaf_hash(NULL, 0, h0, sizeof h0));
    CHECK(memcmp(h0, empty_leaf, sizeof h0) == 0);
    const uint8_t zero = 0;
    OK(chatvault_audit_leaf_hash(&zero, 1, h1, sizeof h1));
    /* Leaf 0 of the size-2 tree is proved by leaf 1's hash, and back. */
    OK(chatvault_audit_verify_inclusion(h0, sizeof h0, 0, 2, h1, sizeof h1, root2, sizeof root2));
    OK(chatvault_audit_verify_inclusion(h1, sizeof h1, 1, 2, h0, sizeof h0, root2, sizeof root2));
    EXPECT_RC(chatvault_audit_verify_inclusion(h1, sizeof h1, 0, 2, h0, sizeof h0, root2,
                                               sizeof root2),
              CHATVAULT_RESULT_BAD_PROOF);
    EXPECT_RC(chatvault_audit_leaf_hash(&zero, 1, h1, sizeof h1 - 1),
              CHATVAULT_RESULT_BUFFER_TOO_SMALL);
    EXPECT_RC(chatvault_audit_leaf_hash(NULL, 1, h1, sizeof h1), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_audit_leaf_hash(&zero, 1, NULL, 32), CHATVAULT_RESULT_NULL_POINTER);
    /* The tree of one leaf extends the empty tree (empty proof). */
    OK(chatvault_audit_verify_consistency(0, 1, NULL, 0, root2, sizeof root2, h0, sizeof h0));
}

static void test_keys_and_nulls(void) {
    chatvault_audit_note_signer *s = NULL;
    EXPECT_RC(chatvault_audit_note_signer_generate(STR("has space"), &s),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_audit_note_signer_generate(STR("a+b"), &s),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_audit_note_signer_generate(NULL, 0, &s), CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_audit_note_signer_generate(STR("ok"), NULL), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_audit_note_signer_from_encoded(STR("PRIVATE+KEY+x+00000000+AAAA"), &s),
              CHATVAULT_RESULT_MALFORMED);
    CHECK(s == NULL);
    chatvault_audit_note_verifier *v = NULL;
    EXPECT_RC(chatvault_audit_note_verifier_from_encoded(STR("acme+00000000+AAAA"), &v),
              CHATVAULT_RESULT_MALFORMED);
    EXPECT_RC(chatvault_audit_note_verifier_from_encoded(NULL, 4, &v),
              CHATVAULT_RESULT_NULL_POINTER);
    CHECK(v == NULL);
    /* A verifier key whose id does not match its key. */
    s = signer("acme-audit");
    chatvault_bytes *vk = verifier_key(s);
    if (vk != NULL) {
        char *copy = malloc(vk->len + 1);
        CHECK(copy != NULL);
        memcpy(copy, vk->data, vk->len + 1);
        size_t id_at = strlen("acme-audit+");
        copy[id_at] = copy[id_at] == '0' ? '1' : '0';
        EXPECT_RC(chatvault_audit_note_verifier_from_encoded(STR(copy), &v),
                  CHATVAULT_RESULT_MALFORMED);
        free(copy);
    }
    chatvault_bytes_free(vk);
    chatvault_bytes *out = NULL;
    EXPECT_RC(chatvault_audit_note_signer_encoded(NULL, &out), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_audit_note_signer_encoded(s, NULL), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_audit_note_signer_verifier_key(NULL, &out), CHATVAULT_RESULT_NULL_POINTER);
    CHECK(out == NULL);

    /* NULL logs, events and outputs. */
    const char *dir = path_in(3, "nulls");
    chatvault_audit_log *log = NULL;
    EXPECT_RC(chatvault_audit_log_create(NULL, 3, STR("x"), NULL, &log),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_audit_log_create(NULL, 0, STR("x"), NULL, &log),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_audit_log_create(STR(dir), NULL, 0, NULL, &log),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_audit_log_create(STR(dir), STR("two\nlines"), NULL, &log),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_audit_log_create(STR(dir), STR("x"), NULL, NULL),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_audit_log_open(NULL, 3, NULL, &log, NULL), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_audit_log_open(STR(dir), NULL, NULL, NULL), CHATVAULT_RESULT_NULL_POINTER);
    CHECK(log == NULL);
    OK(chatvault_audit_log_create(STR(dir), STR("acme/nulls"), NULL, &log));
    chatvault_audit_event *ev = sample_event(0);
    uint64_t n = 0;
    uint8_t h[CHATVAULT_AUDIT_HASH_LEN];
    EXPECT_RC(chatvault_audit_log_append(NULL, ev, &n), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_audit_log_append(log, NULL, &n), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_audit_log_flush(NULL, &n), CHATVAULT_RESULT_NULL_POINTER);
    CHECK(chatvault_audit_log_size(NULL) == 0);
    CHECK(chatvault_audit_log_durable_size(NULL) == 0);
    EXPECT_RC(chatvault_audit_log_root(NULL, h, sizeof h), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_audit_log_leaf_hash(NULL, 0, h, sizeof h), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_audit_log_checkpoint(NULL, s, &out), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_audit_log_checkpoint(log, NULL, &out), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_audit_log_checkpoint(log, s, NULL), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_audit_log_inclusion_proof(NULL, 0, 1, &out),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_audit_log_consistency_proof(NULL, 1, 1, &out),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_audit_log_consistency_proof(log, 1, 1, NULL),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_audit_log_set_segment_limit(NULL, 1), CHATVAULT_RESULT_NULL_POINTER);
    CHECK(out == NULL);
    chatvault_audit_checkpoint cp;
    v = verifier_of(s);
    EXPECT_RC(chatvault_audit_checkpoint_open(STR("x\n1\n"), NULL, NULL, 0, &cp),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_audit_checkpoint_open(NULL, 4, v, NULL, 0, &cp),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_audit_checkpoint_open(STR("x\n1\n"), v, NULL, 0, NULL),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_audit_checkpoint_cosign(STR("x\n1\n"), NULL, s, &out),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_audit_checkpoint_cosign(STR("x\n1\n"), v, NULL, &out),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_audit_checkpoint_cosign(STR("x\n1\n"), v, s, NULL),
              CHATVAULT_RESULT_NULL_POINTER);
    /* An empty log signs a checkpoint of size 0. */
    OK(chatvault_audit_log_checkpoint(log, s, &out));
    memset(&cp, 0xff, sizeof cp);
    OK(chatvault_audit_checkpoint_open(out->data, out->len, v, NULL, 0, &cp));
    CHECK(cp.size == 0 && cp.cosigned == 0);
    chatvault_bytes_free(out);
    chatvault_audit_event_free(ev);
    chatvault_audit_log_free(log);
    chatvault_audit_note_verifier_free(v);
    chatvault_audit_note_signer_free(s);
}

static void test_free_null(void) {
    chatvault_audit_entries_free(NULL);
    CHECK(chatvault_audit_entries_len(NULL) == 0);
    chatvault_audit_event_free(NULL);
    chatvault_audit_log_free(NULL);
    chatvault_audit_note_signer_free(NULL);
    chatvault_audit_note_verifier_free(NULL);
    chatvault_bytes_free(NULL);
    CHECK(chatvault_audit_log_size(NULL) == 0);
}

int main(void) {
    const char *base = getenv("TMPDIR");
    int n = snprintf(tmp, sizeof tmp, "%s/chatvault-audit-XXXXXX",
                     base != NULL && base[0] != '\0' ? base : "/tmp");
    if (n <= 0 || (size_t)n >= sizeof tmp || mkdtemp(tmp) == NULL) {
        fprintf(stderr, "cannot make a temporary directory\n");
        return 1;
    }
    test_commitment();
    test_event_errors();
    test_log();
    test_commit_policy_and_segments();
    test_query_and_export();
    test_standalone_hashes();
    test_keys_and_nulls();
    test_free_null();
    remove_tree(tmp);
    return finish("test_audit");
}
