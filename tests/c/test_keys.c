/*
 * The key hierarchy from C: master key export and import, key stores,
 * keyrings (which consume the master key), data keys, shredding, rotation,
 * blind indexes, and the errors of each.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <unistd.h>

#include "check.h"

static const uint8_t KEK[CHATVAULT_KEK_LEN] = {
    1, 2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16,
    17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
};

static void fingerprint(const chatvault_master_key *mk, char out[CHATVAULT_FINGERPRINT_SIZE]) {
    size_t written = 0;
    out[0] = '\0';
    OK(chatvault_master_key_fingerprint(mk, out, CHATVAULT_FINGERPRINT_SIZE, &written));
    CHECK(written == CHATVAULT_FINGERPRINT_SIZE);
}

static void test_master_key(void) {
    chatvault_master_key *mk = NULL;
    OK(chatvault_master_key_generate(&mk));
    CHECK(mk != NULL);
    char fp[CHATVAULT_FINGERPRINT_SIZE];
    fingerprint(mk, fp);
    CHECK(strlen(fp) == 16 && strspn(fp, "0123456789abcdef") == 16);

    /* Fingerprint buffer handling. */
    char small[8];
    size_t written = 0;
    EXPECT_RC(chatvault_master_key_fingerprint(mk, small, sizeof small, &written),
              CHATVAULT_RESULT_BUFFER_TOO_SMALL);
    CHECK(written == CHATVAULT_FINGERPRINT_SIZE);
    written = 0;
    EXPECT_RC(chatvault_master_key_fingerprint(mk, NULL, 0, &written),
              CHATVAULT_RESULT_BUFFER_TOO_SMALL);
    CHECK(written == CHATVAULT_FINGERPRINT_SIZE);
    EXPECT_RC(chatvault_master_key_fingerprint(mk, NULL, 17, &written),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_master_key_fingerprint(mk, small, sizeof small, NULL),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_master_key_fingerprint(NULL, small, sizeof small, &written),
              CHATVAULT_RESULT_NULL_POINTER);

    /* Passphrase round trip; the tenant and the passphrase are bound in. */
    chatvault_bytes *blob = NULL;
    OK(chatvault_master_key_export_with_passphrase(mk, STR("acme"), STR("correct horse"),
                                                   TEST_M_KIB, TEST_T, TEST_P, &blob));
    CHECK(blob != NULL && blob->len > 32);
    if (blob != NULL) {
        chatvault_master_key *back = NULL;
        OK(chatvault_master_key_import_with_passphrase(STR("acme"), blob->data, blob->len,
                                                       STR("correct horse"), &back));
        char fp2[CHATVAULT_FINGERPRINT_SIZE];
        fingerprint(back, fp2);
        CHECK(strcmp(fp, fp2) == 0);
        chatvault_master_key_free(back);

        chatvault_master_key *none = NULL;
        EXPECT_RC(chatvault_master_key_import_with_passphrase(
                      STR("acme"), blob->data, blob->len, STR("wrong horse"), &none),
                  CHATVAULT_RESULT_DECRYPT);
        CHECK(strcmp(last_error(), "decryption failed") == 0);
        EXPECT_RC(chatvault_master_key_import_with_passphrase(
                      STR("acme2"), blob->data, blob->len, STR("correct horse"), &none),
                  CHATVAULT_RESULT_DECRYPT);
        /* A passphrase blob is not a KEK blob. */
        EXPECT_RC(chatvault_master_key_import_with_kek(STR("acme"), blob->data, blob->len, KEK,
                                                       sizeof KEK, &none),
                  CHATVAULT_RESULT_INVALID_ARGUMENT);
        /* Damaged blobs. */
        EXPECT_RC(chatvault_master_key_import_with_passphrase(STR("acme"), blob->data, 7,
                                                              STR("correct horse"), &none),
                  CHATVAULT_RESULT_MALFORMED);
        EXPECT_RC(chatvault_master_key_import_with_passphrase(STR("acme"), STR("not a blob"),
                                                              STR("correct horse"), &none),
                  CHATVAULT_RESULT_MALFORMED);
        EXPECT_RC(chatvault_master_key_import_with_passphrase(
                      STR("acme"), blob->data, blob->len - 1, STR("correct horse"), &none),
                  CHATVAULT_RESULT_DECRYPT);
        /* Bad arguments. */
        EXPECT_RC(chatvault_master_key_import_with_passphrase(STR("\xff"), blob->data,
                                                              blob->len, STR("x"), &none),
                  CHATVAULT_RESULT_UTF8);
        EXPECT_RC(chatvault_master_key_import_with_passphrase(NULL, 4, blob->data, blob->len,
                                                              STR("x"), &none),
                  CHATVAULT_RESULT_NULL_POINTER);
        EXPECT_RC(chatvault_master_key_import_with_passphrase(STR("acme"), NULL, blob->len,
                                                              STR("x"), &none),
                  CHATVAULT_RESULT_NULL_POINTER);
        EXPECT_RC(chatvault_master_key_import_with_passphrase(STR("acme"), blob->data,
                                                              blob->len, NULL, 3, &none),
                  CHATVAULT_RESULT_NULL_POINTER);
        EXPECT_RC(chatvault_master_key_import_with_passphrase(STR("acme"), blob->data,
                                                              blob->len, STR("x"), NULL),
                  CHATVAULT_RESULT_NULL_POINTER);
        CHECK(none == NULL);
    }
    chatvault_bytes_free(blob);

    /* Export errors: out-of-range Argon2 parameters, empty passphrase, bad
     * UTF-8 tenant, NULL pointers; the output stays untouched. */
    blob = NULL;
    EXPECT_RC(chatvault_master_key_export_with_passphrase(mk, STR("acme"), STR("pw"), 0, 1, 1,
                                                          &blob),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    CHECK(last_error_has("Argon2id parameters out of range"));
    EXPECT_RC(chatvault_master_key_export_with_passphrase(mk, STR("acme"), STR("pw"), 64, 0, 1,
                                                          &blob),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_master_key_export_with_passphrase(mk, STR("acme"), STR("pw"),
                                                          4u << 20, 1, 1, &blob),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_master_key_export_with_passphrase(mk, STR("acme"), NULL, 0, TEST_M_KIB,
                                                          TEST_T, TEST_P, &blob),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_master_key_export_with_passphrase(mk, STR("ac\xc3"), STR("pw"),
                                                          TEST_M_KIB, TEST_T, TEST_P, &blob),
              CHATVAULT_RESULT_UTF8);
    EXPECT_RC(chatvault_master_key_export_with_passphrase(NULL, STR("acme"), STR("pw"),
                                                          TEST_M_KIB, TEST_T, TEST_P, &blob),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_master_key_export_with_passphrase(mk, STR("acme"), STR("pw"),
                                                          TEST_M_KIB, TEST_T, TEST_P, NULL),
              CHATVAULT_RESULT_NULL_POINTER);
    CHECK(blob == NULL);

    /* KEK round trip. */
    OK(chatvault_master_key_export_with_kek(mk, STR("acme"), KEK, sizeof KEK, &blob));
    if (blob != NULL) {
        chatvault_master_key *back = NULL;
        OK(chatvault_master_key_import_with_kek(STR("acme"), blob->data, blob->len, KEK,
                                                sizeof KEK, &back));
        char fp2[CHATVAULT_FINGERPRINT_SIZE];
        fingerprint(back, fp2);
        CHECK(strcmp(fp, fp2) == 0);
        chatvault_master_key_free(back);
        uint8_t wrong[CHATVAULT_KEK_LEN];
        memcpy(wrong, KEK, sizeof wrong);
        wrong[31] ^= 1;
        chatvault_master_key *none = NULL;
        EXPECT_RC(chatvault_master_key_import_with_kek(STR("acme"), blob->data, blob->len,
                                                       wrong, sizeof wrong, &none),
                  CHATVAULT_RESULT_DECRYPT);
        EXPECT_RC(chatvault_master_key_import_with_kek(STR("acme"), blob->data, blob->len, KEK,
                                                       31, &none),
                  CHATVAULT_RESULT_INVALID_ARGUMENT);
        EXPECT_RC(chatvault_master_key_import_with_kek(STR("acme"), blob->data, blob->len, NULL,
                                                       0, &none),
                  CHATVAULT_RESULT_NULL_POINTER);
        EXPECT_RC(chatvault_master_key_import_with_passphrase(STR("acme"), blob->data,
                                                              blob->len, STR("x"), &none),
                  CHATVAULT_RESULT_INVALID_ARGUMENT);
        CHECK(none == NULL);
    }
    chatvault_bytes_free(blob);
    blob = NULL;
    EXPECT_RC(chatvault_master_key_export_with_kek(mk, STR("acme"), KEK, 33, &blob),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_master_key_export_with_kek(mk, STR("acme"), NULL, 32, &blob),
              CHATVAULT_RESULT_NULL_POINTER);
    CHECK(blob == NULL);
    chatvault_master_key_free(mk);
}

static void test_keyring_consumes_the_master_key(void) {
    const chatvault_key_store *store = NULL;
    OK(chatvault_key_store_new_memory(&store));
    const chatvault_keyring *ring = NULL;

    /* Consumed on success: the caller's pointer is set to NULL. */
    chatvault_master_key *mk = NULL;
    OK(chatvault_master_key_generate(&mk));
    OK(chatvault_keyring_new(STR("acme"), &mk, store, &ring));
    CHECK(mk == NULL && ring != NULL);
    chatvault_master_key_free(mk); /* a harmless no-op now */
    chatvault_keyring_free(ring);

    /* Consumed on failure too, so nothing leaks and nothing dangles. */
    const chatvault_keyring *none = NULL;
    OK(chatvault_master_key_generate(&mk));
    EXPECT_RC(chatvault_keyring_new(NULL, 0, &mk, store, &none),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    CHECK(mk == NULL);
    OK(chatvault_master_key_generate(&mk));
    EXPECT_RC(chatvault_keyring_new(STR("\xe4\xb8"), &mk, store, &none), CHATVAULT_RESULT_UTF8);
    CHECK(mk == NULL);
    OK(chatvault_master_key_generate(&mk));
    EXPECT_RC(chatvault_keyring_new(STR("acme"), &mk, NULL, &none),
              CHATVAULT_RESULT_NULL_POINTER);
    CHECK(mk == NULL);
    OK(chatvault_master_key_generate(&mk));
    EXPECT_RC(chatvault_keyring_new(STR("acme"), &mk, store, NULL),
              CHATVAULT_RESULT_NULL_POINTER);
    CHECK(mk == NULL);
    CHECK(none == NULL);

    /* No key to consume: nothing happens. */
    EXPECT_RC(chatvault_keyring_new(STR("acme"), NULL, store, &none),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_keyring_new(STR("acme"), &mk, store, &none),
              CHATVAULT_RESULT_NULL_POINTER);
    CHECK(last_error_has("*master_key is NULL"));
    CHECK(none == NULL);
    chatvault_key_store_free(store);
}

static const chatvault_keyring *new_ring(const chatvault_key_store *store) {
    chatvault_master_key *mk = NULL;
    const chatvault_keyring *ring = NULL;
    OK(chatvault_master_key_generate(&mk));
    OK(chatvault_keyring_new(STR("acme"), &mk, store, &ring));
    return ring;
}

static void key_id(const chatvault_data_key *k, uint8_t out[CHATVAULT_KEY_ID_LEN]) {
    memset(out, 0, CHATVAULT_KEY_ID_LEN);
    OK(chatvault_data_key_key_id(k, out, CHATVAULT_KEY_ID_LEN));
}

static void test_data_keys_and_shredding(void) {
    const chatvault_key_store *store = NULL;
    OK(chatvault_key_store_new_memory(&store));
    const chatvault_keyring *ring = new_ring(store);
    chatvault_key_store_free(store); /* the keyring keeps its own reference */

    chatvault_data_key *a = NULL, *b = NULL;
    uint8_t ida[CHATVAULT_KEY_ID_LEN], idb[CHATVAULT_KEY_ID_LEN];
    OK(chatvault_keyring_conversation_key(ring, STR("sales"), STR("c1"), JAN1, &a));
    OK(chatvault_keyring_data_key_conversation(ring, STR("sales"), STR("c1"), &b));
    key_id(a, ida);
    key_id(b, idb);
    CHECK(memcmp(ida, idb, sizeof ida) == 0);
    chatvault_data_key_free(a);
    chatvault_data_key_free(b);
    b = NULL;
    /* Asking again returns the stored key, whatever the time. */
    OK(chatvault_keyring_conversation_key(ring, STR("sales"), STR("c1"), JAN1 + 99 * DAY, &b));
    key_id(b, idb);
    CHECK(memcmp(ida, idb, sizeof ida) == 0);
    chatvault_data_key_free(b);
    b = NULL;
    /* Another conversation, another key. */
    OK(chatvault_keyring_conversation_key(ring, STR("sales"), STR("c2"), JAN1, &b));
    key_id(b, idb);
    CHECK(memcmp(ida, idb, sizeof ida) != 0);
    chatvault_data_key_free(b);
    b = NULL;

    /* Customer keys, per class. */
    chatvault_data_key *phone = NULL, *card = NULL;
    OK(chatvault_keyring_customer_key(ring, STR("cust-9"), CHATVAULT_ID_CLASS_PHONE, &phone));
    OK(chatvault_keyring_customer_key(ring, STR("cust-9"), CHATVAULT_ID_CLASS_ID_CARD, &card));
    OK(chatvault_keyring_data_key_customer(ring, STR("cust-9"), CHATVAULT_ID_CLASS_PHONE, &b));
    key_id(phone, ida);
    key_id(b, idb);
    CHECK(memcmp(ida, idb, sizeof ida) == 0);
    chatvault_data_key_free(b);
    b = NULL;
    chatvault_data_key_free(phone);
    chatvault_data_key_free(card);

    /* Never created: KEY_NOT_FOUND. */
    EXPECT_RC(chatvault_keyring_data_key_conversation(ring, STR("sales"), STR("nope"), &b),
              CHATVAULT_RESULT_KEY_NOT_FOUND);
    EXPECT_RC(chatvault_keyring_data_key_customer(ring, STR("cust-9"), CHATVAULT_ID_CLASS_EMAIL,
                                                  &b),
              CHATVAULT_RESULT_KEY_NOT_FOUND);

    /* Shredding: the key is gone, and stays gone. */
    bool existed = false;
    OK(chatvault_keyring_shred_conversation(ring, STR("sales"), STR("c1"), &existed));
    CHECK(existed);
    OK(chatvault_keyring_shred_conversation(ring, STR("sales"), STR("c1"), &existed));
    CHECK(!existed);
    EXPECT_RC(chatvault_keyring_data_key_conversation(ring, STR("sales"), STR("c1"), &b),
              CHATVAULT_RESULT_KEY_NOT_FOUND);
    CHECK(b == NULL);
    OK(chatvault_keyring_shred_customer_key(ring, STR("cust-9"), CHATVAULT_ID_CLASS_ID_CARD,
                                            &existed));
    CHECK(existed);
    size_t count = 99;
    OK(chatvault_keyring_shred_customer(ring, STR("cust-9"), &count));
    CHECK(count == 1); /* only the phone key was left */
    OK(chatvault_keyring_shred_customer(ring, STR("cust-9"), &count));
    CHECK(count == 0);
    EXPECT_RC(chatvault_keyring_data_key_customer(ring, STR("cust-9"), CHATVAULT_ID_CLASS_PHONE,
                                                  &b),
              CHATVAULT_RESULT_KEY_NOT_FOUND);
    CHECK(b == NULL);

    /* Bad arguments. */
    EXPECT_RC(chatvault_keyring_conversation_key(ring, STR("sales"), STR("c9"), -1, &b),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_keyring_conversation_key(ring, NULL, 0, STR("c9"), JAN1, &b),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_keyring_conversation_key(ring, NULL, 5, STR("c9"), JAN1, &b),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_keyring_conversation_key(ring, STR("sales"), NULL, 2, JAN1, &b),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_keyring_conversation_key(ring, STR("sa\xffles"), STR("c9"), JAN1, &b),
              CHATVAULT_RESULT_UTF8);
    EXPECT_RC(chatvault_keyring_conversation_key(NULL, STR("sales"), STR("c9"), JAN1, &b),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_keyring_conversation_key(ring, STR("sales"), STR("c9"), JAN1, NULL),
              CHATVAULT_RESULT_NULL_POINTER);
    char long_dept[66];
    memset(long_dept, 'd', 65);
    long_dept[65] = '\0';
    EXPECT_RC(chatvault_keyring_conversation_key(ring, STR(long_dept), STR("c9"), JAN1, &b),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    CHECK(last_error_has("department"));
    EXPECT_RC(chatvault_keyring_customer_key(ring, STR("cust"), 0, &b),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_keyring_customer_key(ring, STR("cust"), 6, &b),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_keyring_data_key_customer(ring, STR("cust"), 200, &b),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_keyring_shred_conversation(ring, STR("sales"), STR("c2"), NULL),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_keyring_shred_customer(ring, STR("c"), NULL),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_keyring_shred_customer_key(NULL, STR("c"), 1, &existed),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_keyring_shred_customer_key(ring, STR("c"), 9, &existed),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    CHECK(b == NULL);
    /* The failed calls shredded nothing. */
    OK(chatvault_keyring_data_key_conversation(ring, STR("sales"), STR("c2"), &b));
    chatvault_data_key_free(b);
    chatvault_keyring_free(ring);
}

static void test_rotation(void) {
    const chatvault_key_store *store = NULL;
    OK(chatvault_key_store_new_memory(&store));
    const chatvault_keyring *ring = new_ring(store);
    chatvault_data_key *k = NULL;
    OK(chatvault_keyring_conversation_key(ring, STR("sales"), STR("c1"), JAN1, &k));
    const chatvault_sealer *s = NULL;
    OK(chatvault_data_key_sealer(k, CHATVAULT_SUITE_SM4_GCM, &s));
    chatvault_bytes *env = NULL;
    OK(chatvault_sealer_seal(s, STR("acme"), STR("c1/1"), STR("body"), STR("您好"), &env));
    chatvault_sealer_free(s);
    chatvault_data_key_free(k);

    uint32_t v = 0;
    OK(chatvault_keyring_version(ring, CHATVAULT_DOMAIN_ARCHIVE, STR("sales"), 0, &v));
    CHECK(v == 1);
    chatvault_rotation r;
    memset(&r, 0, sizeof r);
    OK(chatvault_keyring_rotate(ring, CHATVAULT_DOMAIN_ARCHIVE, STR("sales"), 0, &r));
    CHECK(r.old_version == 1 && r.new_version == 2 && r.rewrapped == 1);
    OK(chatvault_keyring_version(ring, CHATVAULT_DOMAIN_ARCHIVE, STR("sales"), 0, &v));
    CHECK(v == 2);
    OK(chatvault_keyring_version(ring, CHATVAULT_DOMAIN_ARCHIVE, STR("support"), 0, &v));
    CHECK(v == 1);

    /* The data key survived the rotation: old envelopes still open. */
    k = NULL;
    OK(chatvault_keyring_data_key_conversation(ring, STR("sales"), STR("c1"), &k));
    s = NULL;
    OK(chatvault_data_key_sealer(k, CHATVAULT_SUITE_SM4_GCM, &s));
    if (env != NULL && s != NULL) {
        chatvault_bytes *plain = NULL;
        OK(chatvault_sealer_open(s, STR("acme"), STR("c1/1"), STR("body"), env->data, env->len,
                                 &plain));
        CHECK(bytes_eq(plain, "您好", strlen("您好")));
        chatvault_bytes_free(plain);
    }
    chatvault_sealer_free(s);
    chatvault_data_key_free(k);
    chatvault_bytes_free(env);

    OK(chatvault_keyring_rotate(ring, CHATVAULT_DOMAIN_IDENTIFIER, NULL, 0,
                                CHATVAULT_ID_CLASS_PHONE, &r));
    CHECK(r.old_version == 1 && r.new_version == 2 && r.rewrapped == 0);
    OK(chatvault_keyring_version(ring, CHATVAULT_DOMAIN_IDENTIFIER, NULL, 0,
                                 CHATVAULT_ID_CLASS_PHONE, &v));
    CHECK(v == 2);
    OK(chatvault_keyring_rotate(ring, CHATVAULT_DOMAIN_PSEUDONYM, NULL, 0, 0, &r));
    CHECK(r.new_version == 2);

    /* Domain and scope must agree. */
    memset(&r, 0xEE, sizeof r);
    EXPECT_RC(chatvault_keyring_rotate(ring, CHATVAULT_DOMAIN_ARCHIVE, NULL, 0, 0, &r),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_keyring_rotate(ring, CHATVAULT_DOMAIN_ARCHIVE, STR("sales"), 1, &r),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_keyring_rotate(ring, CHATVAULT_DOMAIN_IDENTIFIER, STR("sales"), 1, &r),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_keyring_rotate(ring, CHATVAULT_DOMAIN_IDENTIFIER, NULL, 0, 0, &r),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_keyring_rotate(ring, CHATVAULT_DOMAIN_BLIND_INDEX, NULL, 0, 2, &r),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_keyring_rotate(ring, 0, NULL, 0, 0, &r),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_keyring_rotate(ring, 5, NULL, 0, 0, &r),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_keyring_rotate(ring, CHATVAULT_DOMAIN_ARCHIVE, STR("\xff"), 0, &r),
              CHATVAULT_RESULT_UTF8);
    EXPECT_RC(chatvault_keyring_rotate(NULL, CHATVAULT_DOMAIN_PSEUDONYM, NULL, 0, 0, &r),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_keyring_rotate(ring, CHATVAULT_DOMAIN_PSEUDONYM, NULL, 0, 0, NULL),
              CHATVAULT_RESULT_NULL_POINTER);
    CHECK(r.old_version == 0xEEEEEEEEu); /* untouched */
    EXPECT_RC(chatvault_keyring_version(ring, CHATVAULT_DOMAIN_BLIND_INDEX, NULL, 0, 0, NULL),
              CHATVAULT_RESULT_NULL_POINTER);
    chatvault_keyring_free(ring);
    chatvault_key_store_free(store);
}

static void test_blind_index(void) {
    const chatvault_key_store *store = NULL;
    OK(chatvault_key_store_new_memory(&store));
    const chatvault_keyring *ring = new_ring(store);
    uint8_t a[CHATVAULT_BLIND_INDEX_DEFAULT_LEN], b[CHATVAULT_BLIND_INDEX_DEFAULT_LEN];
    OK(chatvault_keyring_blind_index(ring, STR("phone"), STR("+86 138-0013-8000"),
                                     CHATVAULT_NORMALIZATION_PHONE, a, sizeof a));
    OK(chatvault_keyring_blind_index(ring, STR("phone"),
                                     STR("１３８ ００１３ ８０００"),
                                     CHATVAULT_NORMALIZATION_PHONE, b, sizeof b));
    CHECK(memcmp(a, b, sizeof a) == 0);
    /* Exact normalization tells the forms apart; another field differs. */
    OK(chatvault_keyring_blind_index(ring, STR("phone"), STR("+86 138-0013-8000"),
                                     CHATVAULT_NORMALIZATION_EXACT, b, sizeof b));
    CHECK(memcmp(a, b, sizeof a) != 0);
    OK(chatvault_keyring_blind_index(ring, STR("mobile"), STR("13800138000"),
                                     CHATVAULT_NORMALIZATION_PHONE, b, sizeof b));
    CHECK(memcmp(a, b, sizeof a) != 0);
    /* The length is the buffer's; a shorter index is a prefix. */
    uint8_t shortest[CHATVAULT_BLIND_INDEX_MIN_LEN], longest[CHATVAULT_BLIND_INDEX_MAX_LEN];
    OK(chatvault_keyring_blind_index(ring, STR("phone"), STR("13800138000"),
                                     CHATVAULT_NORMALIZATION_PHONE, shortest, sizeof shortest));
    OK(chatvault_keyring_blind_index(ring, STR("phone"), STR("13800138000"),
                                     CHATVAULT_NORMALIZATION_PHONE, longest, sizeof longest));
    CHECK(memcmp(shortest, a, sizeof shortest) == 0);
    CHECK(memcmp(longest, a, sizeof a) == 0);

    /* Another tenant key (another keyring) gives another index. */
    const chatvault_keyring *other = new_ring(store);
    OK(chatvault_keyring_blind_index(other, STR("phone"), STR("13800138000"),
                                     CHATVAULT_NORMALIZATION_PHONE, b, sizeof b));
    CHECK(memcmp(a, b, sizeof a) != 0);
    chatvault_keyring_free(other);

    /* Rotating the blind index domain changes every index. */
    chatvault_rotation r;
    OK(chatvault_keyring_rotate(ring, CHATVAULT_DOMAIN_BLIND_INDEX, NULL, 0, 0, &r));
    OK(chatvault_keyring_blind_index(ring, STR("phone"), STR("13800138000"),
                                     CHATVAULT_NORMALIZATION_PHONE, b, sizeof b));
    CHECK(memcmp(a, b, sizeof a) != 0);

    /* Errors; the output stays untouched. */
    uint8_t out[40];
    memset(out, 0x5A, sizeof out);
    EXPECT_RC(chatvault_keyring_blind_index(ring, STR("f"), STR("v"), 0, out, 7),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_keyring_blind_index(ring, STR("f"), STR("v"), 0, out, 33),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_keyring_blind_index(ring, STR("f"), STR("v"), 6, out, 16),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_keyring_blind_index(ring, STR("f"), STR(" - "),
                                            CHATVAULT_NORMALIZATION_PHONE, out, 16),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    CHECK(last_error_has("empty after normalization"));
    EXPECT_RC(chatvault_keyring_blind_index(ring, STR("f"), STR("\xc0\x80"), 0, out, 16),
              CHATVAULT_RESULT_UTF8);
    EXPECT_RC(chatvault_keyring_blind_index(ring, NULL, 1, STR("v"), 0, out, 16),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_keyring_blind_index(ring, STR("f"), NULL, 1, 0, out, 16),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_keyring_blind_index(ring, STR("f"), STR("v"), 0, NULL, 16),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_keyring_blind_index(NULL, STR("f"), STR("v"), 0, out, 16),
              CHATVAULT_RESULT_NULL_POINTER);
    for (size_t i = 0; i < sizeof out; i++) {
        CHECK(out[i] == 0x5A);
    }
    chatvault_keyring_free(ring);
    chatvault_key_store_free(store);
}

static void remove_dir(const char *dir) {
    DIR *d = opendir(dir);
    if (d != NULL) {
        struct dirent *e;
        char path[512];
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
                continue;
            }
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
        closedir(d);
    }
    rmdir(dir);
}

static void test_file_store_persists(void) {
    char dir[] = "/tmp/chatvault-c-test-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char store_dir[sizeof dir + 16];
    snprintf(store_dir, sizeof store_dir, "%s/keys", dir);

    /* The owner exports the master key, then works. */
    chatvault_master_key *mk = NULL;
    OK(chatvault_master_key_generate(&mk));
    chatvault_bytes *blob = NULL;
    OK(chatvault_master_key_export_with_kek(mk, STR("acme"), KEK, sizeof KEK, &blob));
    const chatvault_key_store *store = NULL;
    OK(chatvault_key_store_open(STR(store_dir), &store));
    const chatvault_keyring *ring = NULL;
    OK(chatvault_keyring_new(STR("acme"), &mk, store, &ring));
    chatvault_data_key *k = NULL;
    uint8_t before[CHATVAULT_KEY_ID_LEN], after[CHATVAULT_KEY_ID_LEN];
    OK(chatvault_keyring_conversation_key(ring, STR("sales"), STR("c1"), JAN1, &k));
    key_id(k, before);
    chatvault_data_key_free(k);
    chatvault_rotation r;
    OK(chatvault_keyring_rotate(ring, CHATVAULT_DOMAIN_ARCHIVE, STR("sales"), 0, &r));
    chatvault_keyring_free(ring);
    chatvault_key_store_free(store);

    /* Later: reopen the store, re-import the master key. */
    store = NULL;
    ring = NULL;
    OK(chatvault_key_store_open_repairing(STR(store_dir), &store));
    if (blob != NULL) {
        OK(chatvault_master_key_import_with_kek(STR("acme"), blob->data, blob->len, KEK,
                                                sizeof KEK, &mk));
    }
    OK(chatvault_keyring_new(STR("acme"), &mk, store, &ring));
    k = NULL;
    OK(chatvault_keyring_data_key_conversation(ring, STR("sales"), STR("c1"), &k));
    key_id(k, after);
    CHECK(memcmp(before, after, sizeof before) == 0);
    chatvault_data_key_free(k);
    uint32_t v = 0;
    OK(chatvault_keyring_version(ring, CHATVAULT_DOMAIN_ARCHIVE, STR("sales"), 0, &v));
    CHECK(v == 2);
    bool existed = false;
    OK(chatvault_keyring_shred_conversation(ring, STR("sales"), STR("c1"), &existed));
    CHECK(existed);
    chatvault_keyring_free(ring);
    chatvault_key_store_free(store);
    chatvault_bytes_free(blob);

    /* Bad paths. */
    const chatvault_key_store *none = NULL;
    EXPECT_RC(chatvault_key_store_open(NULL, 0, &none), CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_key_store_open(NULL, 4, &none), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_key_store_open(STR("/tmp/\xff"), &none), CHATVAULT_RESULT_UTF8);
    EXPECT_RC(chatvault_key_store_open((const uint8_t *)"/tmp/a\0b", 8, &none),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_key_store_open(STR(store_dir), NULL), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_key_store_open_repairing(STR("/proc/chatvault-cannot-be-here"), &none),
              CHATVAULT_RESULT_IO);
    EXPECT_RC(chatvault_key_store_new_memory(NULL), CHATVAULT_RESULT_NULL_POINTER);
    CHECK(none == NULL);

    remove_dir(store_dir);
    remove_dir(dir);
}

int main(void) {
    test_master_key();
    test_keyring_consumes_the_master_key();
    test_data_keys_and_shredding();
    test_rotation();
    test_blind_index();
    test_file_store_persists();
    return finish("test_keys");
}
