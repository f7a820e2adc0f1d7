/*
 * Core of the C ABI: version, result codes and their messages, the
 * per-thread last error, chatvault_bytes.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>

#include "check.h"

static void test_version(void) {
    const char *v = chatvault_version();
    CHECK(v != NULL);
    CHECK(strcmp(v, CHATVAULT_VERSION) == 0);
    char parts[64];
    snprintf(parts, sizeof parts, "%d.%d.%d", CHATVAULT_VERSION_MAJOR,
             CHATVAULT_VERSION_MINOR, CHATVAULT_VERSION_PATCH);
    CHECK(strcmp(parts, CHATVAULT_VERSION) == 0);
    CHECK(chatvault_version() == v); /* static, the same every time */
}

static void test_fresh_thread_has_no_last_error(void) {
    char buf[16];
    size_t written = 99;
    memset(buf, 'x', sizeof buf);
    OK(chatvault_last_error_message(buf, sizeof buf, &written));
    CHECK(written == 1);
    CHECK(buf[0] == '\0');
}

static void test_result_messages(void) {
    struct {
        chatvault_result code;
        uint32_t number;
        const char *text;
    } cases[] = {
        {CHATVAULT_RESULT_OK, 0, "success"},
        {CHATVAULT_RESULT_NULL_POINTER, 100, "null pointer"},
        {CHATVAULT_RESULT_INVALID_ARGUMENT, 101, "invalid argument"},
        {CHATVAULT_RESULT_UTF8, 102, "invalid UTF-8"},
        {CHATVAULT_RESULT_PANIC, 103, "internal panic"},
        {CHATVAULT_RESULT_BUFFER_TOO_SMALL, 104, "output buffer too small"},
        {CHATVAULT_RESULT_RNG, 105, "random number generator failed"},
        {CHATVAULT_RESULT_IO, 106, "I/O error"},
        {CHATVAULT_RESULT_POISONED, 107, "object poisoned by an earlier failure"},
        {CHATVAULT_RESULT_OTHER, 108, "unclassified error"},
        {CHATVAULT_RESULT_MALFORMED, 200, "malformed input bytes"},
        {CHATVAULT_RESULT_UNSUPPORTED_VERSION, 201, "unsupported format version"},
        {CHATVAULT_RESULT_UNSUPPORTED_SUITE, 202, "unsupported algorithm suite"},
        {CHATVAULT_RESULT_DECRYPT, 203, "decryption failed"},
        {CHATVAULT_RESULT_KEY_NOT_FOUND, 300, "key not found"},
        {CHATVAULT_RESULT_GRANT_OUT_OF_SCOPE, 301, "outside the grant's scope"},
        {CHATVAULT_RESULT_GRANT_NOT_YET_VALID, 302, "grant not yet valid"},
        {CHATVAULT_RESULT_GRANT_EXPIRED, 303, "grant expired"},
        {CHATVAULT_RESULT_GRANT_INVALID, 304, "grant invalid"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[128];
        size_t written = 0;
        CHECK((uint32_t)cases[i].code == cases[i].number);
        OK(chatvault_result_message(cases[i].code, buf, sizeof buf, &written));
        CHECK(strcmp(buf, cases[i].text) == 0);
        CHECK(written == strlen(cases[i].text) + 1);
    }

    /* Size query with (NULL, 0), then an exact buffer, then one too short. */
    size_t need = 0;
    EXPECT_RC(chatvault_result_message(CHATVAULT_RESULT_DECRYPT, NULL, 0, &need),
              CHATVAULT_RESULT_BUFFER_TOO_SMALL);
    CHECK(need == strlen("decryption failed") + 1);
    char exact[32];
    size_t written = 0;
    OK(chatvault_result_message(CHATVAULT_RESULT_DECRYPT, exact, need, &written));
    CHECK(written == need && strcmp(exact, "decryption failed") == 0);
    char shorter[32];
    memset(shorter, '#', sizeof shorter);
    written = 0;
    EXPECT_RC(chatvault_result_message(CHATVAULT_RESULT_DECRYPT, shorter, need - 1, &written),
              CHATVAULT_RESULT_BUFFER_TOO_SMALL);
    CHECK(written == need);
    CHECK(shorter[0] == '#'); /* nothing written on failure */

    /* Bad arguments. */
    EXPECT_RC(chatvault_result_message(CHATVAULT_RESULT_OK, NULL, 5, &written),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_result_message(CHATVAULT_RESULT_OK, exact, sizeof exact, NULL),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_result_message(1, exact, sizeof exact, &written),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_result_message(400, exact, sizeof exact, &written),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_result_message(UINT32_MAX, exact, sizeof exact, &written),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
}

static void test_last_error(void) {
    /* A failing call records what failed. */
    EXPECT_RC(chatvault_master_key_generate(NULL), CHATVAULT_RESULT_NULL_POINTER);
    CHECK(strcmp(last_error(), "null pointer: out is NULL") == 0);

    /* Size query, short buffer, then the full message; none of these
     * (nor chatvault_result_message) changes the last error. */
    size_t need = 0;
    EXPECT_RC(chatvault_last_error_message(NULL, 0, &need), CHATVAULT_RESULT_BUFFER_TOO_SMALL);
    CHECK(need == strlen("null pointer: out is NULL") + 1);
    char small[4];
    size_t written = 0;
    EXPECT_RC(chatvault_last_error_message(small, sizeof small, &written),
              CHATVAULT_RESULT_BUFFER_TOO_SMALL);
    CHECK(written == need);
    char msg[64];
    OK(chatvault_result_message(CHATVAULT_RESULT_IO, msg, sizeof msg, &written));
    EXPECT_RC(chatvault_result_message(7, msg, sizeof msg, &written),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    OK(chatvault_last_error_message(msg, need, &written));
    CHECK(written == need);
    CHECK(strcmp(msg, "null pointer: out is NULL") == 0);
    EXPECT_RC(chatvault_last_error_message(NULL, 3, &written), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_last_error_message(msg, sizeof msg, NULL),
              CHATVAULT_RESULT_NULL_POINTER);
    CHECK(last_error_has("out is NULL"));

    /* A successful call leaves it as it was (errno-like). */
    chatvault_master_key *mk = NULL;
    OK(chatvault_master_key_generate(&mk));
    CHECK(last_error_has("out is NULL"));
    chatvault_master_key_free(mk);

    /* A later failure replaces it. */
    EXPECT_RC(chatvault_master_key_import_with_kek(STR("t"), STR("x"), (const uint8_t *)"k", 1,
                                                   &mk),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    CHECK(last_error_has("kek must be 32 bytes, got 1"));
}

struct thread_result {
    chatvault_result rc;
    char message[128];
};

static void *fail_on_another_thread(void *arg) {
    struct thread_result *r = arg;
    r->rc = chatvault_envelope_inspect((const uint8_t *)"\x01", 1, NULL);
    size_t written = 0;
    if (chatvault_last_error_message(r->message, sizeof r->message, &written) !=
        CHATVAULT_RESULT_OK) {
        r->message[0] = '\0';
    }
    return NULL;
}

static void test_last_error_is_per_thread(void) {
    EXPECT_RC(chatvault_master_key_generate(NULL), CHATVAULT_RESULT_NULL_POINTER);
    struct thread_result r;
    memset(&r, 0, sizeof r);
    pthread_t t;
    CHECK(pthread_create(&t, NULL, fail_on_another_thread, &r) == 0);
    CHECK(pthread_join(t, NULL) == 0);
    CHECK(r.rc == CHATVAULT_RESULT_NULL_POINTER);
    CHECK(strstr(r.message, "out is NULL") != NULL);
    /* This thread's last error is its own. */
    CHECK(strcmp(last_error(), "null pointer: out is NULL") == 0);
}

static void test_bytes(void) {
    chatvault_bytes_free(NULL); /* fine */

    /* Every chatvault_bytes is NUL-terminated past its length, also empty
     * ones, and data is never NULL. */
    chatvault_master_key *mk = NULL;
    const chatvault_key_store *store = NULL;
    const chatvault_keyring *ring = NULL;
    OK(chatvault_master_key_generate(&mk));
    OK(chatvault_key_store_new_memory(&store));
    OK(chatvault_keyring_new(STR("acme"), &mk, store, &ring));
    chatvault_bytes *tp = NULL;
    OK(chatvault_keyring_tenant_public(ring, &tp));
    CHECK(tp != NULL && tp->data != NULL && tp->len > 36);
    if (tp != NULL) {
        CHECK(tp->data[tp->len] == 0);
        CHECK(memcmp(tp->data, "CVTP", 4) == 0);
    }
    chatvault_bytes_free(tp);

    chatvault_data_key *dk = NULL;
    const chatvault_sealer *sealer = NULL;
    chatvault_bytes *env = NULL;
    chatvault_bytes *plain = NULL;
    OK(chatvault_keyring_conversation_key(ring, STR("sales"), STR("c1"), JAN1, &dk));
    OK(chatvault_data_key_sealer(dk, CHATVAULT_SUITE_AES256_GCM, &sealer));
    OK(chatvault_sealer_seal(sealer, STR("acme"), STR("r"), STR("f"), NULL, 0, &env));
    OK(chatvault_sealer_open(sealer, STR("acme"), STR("r"), STR("f"), env->data, env->len,
                             &plain));
    CHECK(plain != NULL && plain->len == 0 && plain->data != NULL && plain->data[0] == 0);
    chatvault_bytes_free(plain);
    chatvault_bytes_free(env);
    chatvault_sealer_free(sealer);
    chatvault_data_key_free(dk);
    chatvault_keyring_free(ring);
    chatvault_key_store_free(store);

    /* Every _free takes NULL. */
    chatvault_master_key_free(NULL);
    chatvault_key_store_free(NULL);
    chatvault_keyring_free(NULL);
    chatvault_data_key_free(NULL);
    chatvault_sealer_free(NULL);
    chatvault_grantee_secret_free(NULL);
    chatvault_tenant_public_free(NULL);
    chatvault_supervisor_grant_free(NULL);
    chatvault_agent_grant_free(NULL);
}

static void test_constants(void) {
    CHECK(CHATVAULT_SUITE_AES256_GCM == 1);
    CHECK(CHATVAULT_SUITE_SM4_GCM == 2);
    CHECK(CHATVAULT_SUITE_CHACHA20_POLY1305 == 3);
    CHECK(CHATVAULT_SUITE_AES256_GCM_SM4_GCM == 4);
    CHECK(CHATVAULT_ID_CLASS_PHONE == 1);
    CHECK(CHATVAULT_ID_CLASS_OTHER == 5);
    CHECK(CHATVAULT_NORMALIZATION_EXACT == 0);
    CHECK(CHATVAULT_NORMALIZATION_EMAIL == 5);
    CHECK(CHATVAULT_DOMAIN_ARCHIVE == 1);
    CHECK(CHATVAULT_DOMAIN_PSEUDONYM == 4);
    CHECK(sizeof(chatvault_result) == 4);
    CHECK(sizeof(chatvault_suite) == 4);
    CHECK(sizeof(chatvault_id_class) == 1);
    CHECK(CHATVAULT_ARGON2_RECOMMENDED_M_KIB == 65536);
    CHECK(CHATVAULT_KEY_ID_LEN == 32 && CHATVAULT_GRANTEE_PUBLIC_LEN == 32);
}

int main(void) {
    test_fresh_thread_has_no_last_error();
    test_version();
    test_result_messages();
    test_last_error();
    test_last_error_is_per_thread();
    test_bytes();
    test_constants();
    return finish("test_core");
}
