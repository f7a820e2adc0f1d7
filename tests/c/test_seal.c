/*
 * Sealing from C: every suite round-trips; envelopes inspect without a
 * key; flipped bits, moved envelopes, wrong keys and bad arguments fail
 * with the documented codes and leave outputs untouched.
 */
#include "check.h"

static const char *const PLAINTEXT = "我的手机号是13800138000";

struct fixture {
    const chatvault_key_store *store;
    const chatvault_keyring *ring;
    chatvault_data_key *key;
    chatvault_data_key *other_key;
};

static void setup(struct fixture *f) {
    chatvault_master_key *mk = NULL;
    memset(f, 0, sizeof *f);
    OK(chatvault_master_key_generate(&mk));
    OK(chatvault_key_store_new_memory(&f->store));
    OK(chatvault_keyring_new(STR("acme"), &mk, f->store, &f->ring));
    CHECK(mk == NULL);
    OK(chatvault_keyring_conversation_key(f->ring, STR("sales"), STR("conv-1"), JAN1 + 60,
                                          &f->key));
    OK(chatvault_keyring_conversation_key(f->ring, STR("sales"), STR("conv-2"), JAN1 + 60,
                                          &f->other_key));
}

static void teardown(struct fixture *f) {
    chatvault_data_key_free(f->key);
    chatvault_data_key_free(f->other_key);
    chatvault_keyring_free(f->ring);
    chatvault_key_store_free(f->store);
}

static chatvault_bytes *seal(const chatvault_sealer *s, const char *record, const char *field,
                             const char *plaintext) {
    chatvault_bytes *env = NULL;
    OK(chatvault_sealer_seal(s, STR("acme"), STR(record), STR(field), STR(plaintext), &env));
    return env;
}

/* Open (tenant "acme") and expect `want`; on success compare with `expect`. */
static void expect_open(const chatvault_sealer *s, const char *tenant, const char *record,
                        const char *field, const uint8_t *env, size_t env_len,
                        chatvault_result want, const char *expect) {
    chatvault_bytes *plain = (chatvault_bytes *)&plain; /* sentinel */
    chatvault_bytes *const sentinel = plain;
    EXPECT_RC(chatvault_sealer_open(s, STR(tenant), STR(record), STR(field), env, env_len,
                                    &plain),
              want);
    if (want == CHATVAULT_RESULT_OK) {
        CHECK(plain != sentinel && bytes_eq(plain, expect, strlen(expect)));
        if (plain != sentinel) {
            chatvault_bytes_free(plain);
        }
    } else {
        CHECK(plain == sentinel); /* outputs are written only on success */
    }
}

static void test_every_suite_round_trips(struct fixture *f) {
    uint8_t key_id[CHATVAULT_KEY_ID_LEN];
    OK(chatvault_data_key_key_id(f->key, key_id, sizeof key_id));
    uint32_t version = 0;
    OK(chatvault_data_key_version(f->key, &version));
    CHECK(version == 1);

    for (uint32_t suite = 1; suite <= 4; suite++) {
        const chatvault_sealer *s = NULL;
        OK(chatvault_data_key_sealer(f->key, suite, &s));
        uint32_t got = 0;
        OK(chatvault_sealer_suite(s, &got));
        CHECK(got == suite);
        OK(chatvault_sealer_key_version(s, &got));
        CHECK(got == version);
        uint8_t sealer_id[CHATVAULT_KEY_ID_LEN];
        OK(chatvault_sealer_key_id(s, sealer_id, sizeof sealer_id));
        CHECK(memcmp(sealer_id, key_id, sizeof key_id) == 0);

        chatvault_bytes *env = seal(s, "conv-1/msg-1", "body", PLAINTEXT);
        CHECK(env != NULL && env->len > strlen(PLAINTEXT));
        if (env == NULL) {
            chatvault_sealer_free(s);
            continue;
        }
        chatvault_envelope_info info;
        OK(chatvault_envelope_inspect(env->data, env->len, &info));
        CHECK(info.suite == suite);
        CHECK(info.key_version == version);
        CHECK(memcmp(info.key_id, key_id, sizeof key_id) == 0);
        CHECK(info.plaintext_len == strlen(PLAINTEXT));
        CHECK(info.header_len > 0 && info.header_len < env->len);

        expect_open(s, "acme", "conv-1/msg-1", "body", env->data, env->len,
                    CHATVAULT_RESULT_OK, PLAINTEXT);
        /* Two seals of one plaintext differ (fresh nonces). */
        chatvault_bytes *again = seal(s, "conv-1/msg-1", "body", PLAINTEXT);
        CHECK(again != NULL && again->len == env->len &&
              memcmp(again->data, env->data, env->len) != 0);
        chatvault_bytes_free(again);

        /* An empty plaintext, and (NULL, 0) record and field. */
        chatvault_bytes *empty = NULL;
        OK(chatvault_sealer_seal(s, STR("acme"), NULL, 0, NULL, 0, NULL, 0, &empty));
        if (empty != NULL) {
            chatvault_bytes *plain = NULL;
            OK(chatvault_sealer_open(s, STR("acme"), NULL, 0, NULL, 0, empty->data,
                                     empty->len, &plain));
            CHECK(plain != NULL && plain->len == 0);
            chatvault_bytes_free(plain);
            /* ...which is not the same as record "x". */
            expect_open(s, "acme", "x", "", empty->data, empty->len, CHATVAULT_RESULT_DECRYPT,
                        "");
        }
        chatvault_bytes_free(empty);
        chatvault_bytes_free(env);
        chatvault_sealer_free(s);
    }
}

static void test_tampering_and_moving_fail(struct fixture *f) {
    const chatvault_sealer *s = NULL;
    const chatvault_sealer *sm4 = NULL;
    const chatvault_sealer *other = NULL;
    OK(chatvault_data_key_sealer(f->key, CHATVAULT_SUITE_AES256_GCM, &s));
    OK(chatvault_data_key_sealer(f->key, CHATVAULT_SUITE_SM4_GCM, &sm4));
    OK(chatvault_data_key_sealer(f->other_key, CHATVAULT_SUITE_AES256_GCM, &other));
    chatvault_bytes *env = seal(s, "conv-1/msg-1", "body", PLAINTEXT);
    if (env == NULL) {
        return;
    }
    const char *rec = "conv-1/msg-1";

    /* Moved to another record, field or tenant. */
    expect_open(s, "acme", "conv-1/msg-2", "body", env->data, env->len,
                CHATVAULT_RESULT_DECRYPT, NULL);
    expect_open(s, "acme", rec, "subject", env->data, env->len, CHATVAULT_RESULT_DECRYPT, NULL);
    expect_open(s, "acme2", rec, "body", env->data, env->len, CHATVAULT_RESULT_DECRYPT, NULL);
    /* Decrypt failures carry no detail. */
    CHECK(strcmp(last_error(), "decryption failed") == 0);
    /* Another key, or the same key under another suite. */
    expect_open(other, "acme", rec, "body", env->data, env->len, CHATVAULT_RESULT_DECRYPT, NULL);
    expect_open(sm4, "acme", rec, "body", env->data, env->len, CHATVAULT_RESULT_DECRYPT, NULL);

    /* Every single flipped bit fails; the version and suite bytes are
     * reported as such, everything else as DECRYPT. */
    uint8_t *copy = malloc(env->len);
    CHECK(copy != NULL);
    if (copy == NULL) {
        chatvault_bytes_free(env);
        return;
    }
    for (size_t i = 0; i < env->len; i++) {
        for (int bit = 0; bit < 8; bit += 3) {
            memcpy(copy, env->data, env->len);
            copy[i] ^= (uint8_t)(1u << bit);
            chatvault_bytes *plain = NULL;
            chatvault_result rc = chatvault_sealer_open(s, STR("acme"), STR(rec), STR("body"),
                                                        copy, env->len, &plain);
            CHECK(rc != CHATVAULT_RESULT_OK);
            CHECK(plain == NULL);
            if (i == 0) {
                CHECK(rc == CHATVAULT_RESULT_UNSUPPORTED_VERSION);
            } else if (i == 1) {
                CHECK(rc == CHATVAULT_RESULT_DECRYPT || rc == CHATVAULT_RESULT_UNSUPPORTED_SUITE);
            } else {
                CHECK(rc == CHATVAULT_RESULT_DECRYPT);
            }
        }
    }
    /* Truncated: too short for a header is MALFORMED; a cut body DECRYPT. */
    expect_open(s, "acme", rec, "body", env->data, 10, CHATVAULT_RESULT_MALFORMED, NULL);
    expect_open(s, "acme", rec, "body", env->data, env->len - 1, CHATVAULT_RESULT_DECRYPT, NULL);
    expect_open(s, "acme", rec, "body", NULL, 0, CHATVAULT_RESULT_MALFORMED, NULL);
    /* Suite byte rewritten to an unknown suite. */
    memcpy(copy, env->data, env->len);
    copy[1] = 9;
    expect_open(s, "acme", rec, "body", copy, env->len, CHATVAULT_RESULT_UNSUPPORTED_SUITE, NULL);
    chatvault_envelope_info info;
    memset(&info, 0xAB, sizeof info);
    EXPECT_RC(chatvault_envelope_inspect(copy, env->len, &info),
              CHATVAULT_RESULT_UNSUPPORTED_SUITE);
    CHECK(info.suite == 0xABABABABu); /* untouched */
    copy[1] = 1;
    copy[0] = 2;
    EXPECT_RC(chatvault_envelope_inspect(copy, env->len, &info),
              CHATVAULT_RESULT_UNSUPPORTED_VERSION);
    EXPECT_RC(chatvault_envelope_inspect(env->data, 5, &info), CHATVAULT_RESULT_MALFORMED);
    EXPECT_RC(chatvault_envelope_inspect(NULL, 0, &info), CHATVAULT_RESULT_MALFORMED);

    free(copy);
    chatvault_bytes_free(env);
    chatvault_sealer_free(s);
    chatvault_sealer_free(sm4);
    chatvault_sealer_free(other);
}

static void test_bad_arguments(struct fixture *f) {
    const chatvault_sealer *s = NULL;
    OK(chatvault_data_key_sealer(f->key, CHATVAULT_SUITE_CHACHA20_POLY1305, &s));
    chatvault_bytes *out = NULL;
    const uint8_t *p = (const uint8_t *)"abc";

    /* Each pointer of chatvault_sealer_seal, NULL in turn. */
    EXPECT_RC(chatvault_sealer_seal(NULL, p, 3, p, 3, p, 3, p, 3, &out),
              CHATVAULT_RESULT_NULL_POINTER);
    CHECK(last_error_has("sealer is NULL"));
    EXPECT_RC(chatvault_sealer_seal(s, NULL, 3, p, 3, p, 3, p, 3, &out),
              CHATVAULT_RESULT_NULL_POINTER);
    CHECK(last_error_has("tenant is NULL"));
    EXPECT_RC(chatvault_sealer_seal(s, p, 3, NULL, 3, p, 3, p, 3, &out),
              CHATVAULT_RESULT_NULL_POINTER);
    CHECK(last_error_has("record is NULL"));
    EXPECT_RC(chatvault_sealer_seal(s, p, 3, p, 3, NULL, 3, p, 3, &out),
              CHATVAULT_RESULT_NULL_POINTER);
    CHECK(last_error_has("field is NULL"));
    EXPECT_RC(chatvault_sealer_seal(s, p, 3, p, 3, p, 3, NULL, 3, &out),
              CHATVAULT_RESULT_NULL_POINTER);
    CHECK(last_error_has("plaintext is NULL"));
    EXPECT_RC(chatvault_sealer_seal(s, p, 3, p, 3, p, 3, p, 3, NULL),
              CHATVAULT_RESULT_NULL_POINTER);
    CHECK(last_error_has("out is NULL"));
    CHECK(out == NULL);

    /* The same for chatvault_sealer_open. */
    EXPECT_RC(chatvault_sealer_open(NULL, p, 3, p, 3, p, 3, p, 3, &out),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_sealer_open(s, NULL, 1, p, 3, p, 3, p, 3, &out),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_sealer_open(s, p, 3, NULL, 1, p, 3, p, 3, &out),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_sealer_open(s, p, 3, p, 3, NULL, 1, p, 3, &out),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_sealer_open(s, p, 3, p, 3, p, 3, NULL, 1, &out),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_sealer_open(s, p, 3, p, 3, p, 3, p, 3, NULL),
              CHATVAULT_RESULT_NULL_POINTER);
    CHECK(out == NULL);

    /* Accessors. */
    uint32_t u = 7;
    uint8_t id[CHATVAULT_KEY_ID_LEN];
    EXPECT_RC(chatvault_sealer_suite(NULL, &u), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_sealer_suite(s, NULL), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_sealer_key_version(NULL, &u), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_sealer_key_version(s, NULL), CHATVAULT_RESULT_NULL_POINTER);
    CHECK(u == 7);
    EXPECT_RC(chatvault_sealer_key_id(NULL, id, sizeof id), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_sealer_key_id(s, NULL, sizeof id), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_sealer_key_id(s, id, sizeof id - 1), CHATVAULT_RESULT_BUFFER_TOO_SMALL);
    CHECK(last_error_has("needs 32 bytes, got 31"));
    EXPECT_RC(chatvault_sealer_key_id(s, NULL, 0), CHATVAULT_RESULT_BUFFER_TOO_SMALL);
    EXPECT_RC(chatvault_data_key_key_id(f->key, id, 8), CHATVAULT_RESULT_BUFFER_TOO_SMALL);
    EXPECT_RC(chatvault_data_key_key_id(NULL, id, sizeof id), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_data_key_version(NULL, &u), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_data_key_version(f->key, NULL), CHATVAULT_RESULT_NULL_POINTER);
    uint8_t big[64];
    OK(chatvault_data_key_key_id(f->key, big, sizeof big)); /* larger is fine */

    /* Making sealers. */
    const chatvault_sealer *s2 = (const chatvault_sealer *)&s2; /* sentinel */
    const chatvault_sealer *const sentinel = s2;
    EXPECT_RC(chatvault_data_key_sealer(f->key, 0, &s2), CHATVAULT_RESULT_UNSUPPORTED_SUITE);
    EXPECT_RC(chatvault_data_key_sealer(f->key, 5, &s2), CHATVAULT_RESULT_UNSUPPORTED_SUITE);
    EXPECT_RC(chatvault_data_key_sealer(f->key, 0x101, &s2), CHATVAULT_RESULT_UNSUPPORTED_SUITE);
    EXPECT_RC(chatvault_data_key_sealer(NULL, 1, &s2), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_data_key_sealer(f->key, 1, NULL), CHATVAULT_RESULT_NULL_POINTER);
    CHECK(s2 == sentinel);
    EXPECT_RC(chatvault_envelope_inspect(p, 3, NULL), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_envelope_inspect(NULL, 3, NULL), CHATVAULT_RESULT_NULL_POINTER);

    /* A sealer outlives the key it came from. */
    chatvault_data_key *dk = NULL;
    const chatvault_sealer *lone = NULL;
    OK(chatvault_keyring_customer_key(f->ring, STR("cust-1"), CHATVAULT_ID_CLASS_PHONE, &dk));
    OK(chatvault_data_key_sealer(dk, CHATVAULT_SUITE_AES256_GCM_SM4_GCM, &lone));
    chatvault_data_key_free(dk);
    chatvault_bytes *env = seal(lone, "cust-1", "phone", "13800138000");
    if (env != NULL) {
        expect_open(lone, "acme", "cust-1", "phone", env->data, env->len, CHATVAULT_RESULT_OK,
                    "13800138000");
    }
    chatvault_bytes_free(env);
    chatvault_sealer_free(lone);
    chatvault_sealer_free(s);
}

int main(void) {
    struct fixture f;
    setup(&f);
    test_every_suite_round_trips(&f);
    test_tampering_and_moving_fail(&f);
    test_bad_arguments(&f);
    teardown(&f);
    return finish("test_seal");
}
