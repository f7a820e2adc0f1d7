/*
 * Grants from C: grantee secrets, the tenant public key, supervisor
 * "private key" and agent "restore key" grants, their scope, validity,
 * revocation by rotation, and the errors of each.
 */
#include "check.h"

static const uint8_t KEK[CHATVAULT_KEK_LEN] = {
    9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9,
    7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
};

struct owner {
    const chatvault_key_store *store;
    const chatvault_keyring *ring;
    const chatvault_tenant_public *tenant_public;
};

static void owner_new(struct owner *o, const char *tenant) {
    chatvault_master_key *mk = NULL;
    memset(o, 0, sizeof *o);
    OK(chatvault_master_key_generate(&mk));
    OK(chatvault_key_store_new_memory(&o->store));
    OK(chatvault_keyring_new(STR(tenant), &mk, o->store, &o->ring));
    chatvault_bytes *tp = NULL;
    OK(chatvault_keyring_tenant_public(o->ring, &tp));
    if (tp != NULL) {
        OK(chatvault_tenant_public_from_bytes(tp->data, tp->len, &o->tenant_public));
    }
    chatvault_bytes_free(tp);
}

static void owner_free(struct owner *o) {
    chatvault_tenant_public_free(o->tenant_public);
    chatvault_keyring_free(o->ring);
    chatvault_key_store_free(o->store);
}

static void public_of(const chatvault_grantee_secret *s, uint8_t out[CHATVAULT_GRANTEE_PUBLIC_LEN]) {
    memset(out, 0, CHATVAULT_GRANTEE_PUBLIC_LEN);
    OK(chatvault_grantee_secret_public(s, out, CHATVAULT_GRANTEE_PUBLIC_LEN));
}

/* Seal `text` under the owner's conversation key; returns the envelope. */
static chatvault_bytes *owner_seal(const struct owner *o, const char *dept, const char *conv,
                                   int64_t started_at, const char *text) {
    chatvault_data_key *k = NULL;
    const chatvault_sealer *s = NULL;
    chatvault_bytes *env = NULL;
    OK(chatvault_keyring_conversation_key(o->ring, STR(dept), STR(conv), started_at, &k));
    OK(chatvault_data_key_sealer(k, CHATVAULT_SUITE_SM4_GCM, &s));
    OK(chatvault_sealer_seal(s, STR("acme"), STR(conv), STR("body"), STR(text), &env));
    chatvault_sealer_free(s);
    chatvault_data_key_free(k);
    return env;
}

static void test_grantee_secret(void) {
    chatvault_grantee_secret *s = NULL;
    OK(chatvault_grantee_secret_generate(&s));
    uint8_t pub[CHATVAULT_GRANTEE_PUBLIC_LEN], pub2[CHATVAULT_GRANTEE_PUBLIC_LEN];
    public_of(s, pub);
    uint8_t small[31];
    EXPECT_RC(chatvault_grantee_secret_public(s, small, sizeof small),
              CHATVAULT_RESULT_BUFFER_TOO_SMALL);
    EXPECT_RC(chatvault_grantee_secret_public(s, NULL, 32), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_grantee_secret_public(NULL, pub2, 32), CHATVAULT_RESULT_NULL_POINTER);

    chatvault_bytes *blob = NULL;
    OK(chatvault_grantee_secret_export_with_passphrase(s, STR("supervisor pw"), TEST_M_KIB,
                                                       TEST_T, TEST_P, &blob));
    if (blob != NULL) {
        chatvault_grantee_secret *back = NULL;
        OK(chatvault_grantee_secret_import_with_passphrase(blob->data, blob->len,
                                                           STR("supervisor pw"), &back));
        public_of(back, pub2);
        CHECK(memcmp(pub, pub2, sizeof pub) == 0);
        chatvault_grantee_secret_free(back);
        back = NULL;
        EXPECT_RC(chatvault_grantee_secret_import_with_passphrase(blob->data, blob->len,
                                                                  STR("wrong"), &back),
                  CHATVAULT_RESULT_DECRYPT);
        EXPECT_RC(chatvault_grantee_secret_import_with_passphrase(blob->data, blob->len, NULL,
                                                                  2, &back),
                  CHATVAULT_RESULT_NULL_POINTER);
        /* A grantee secret blob is not a master key blob. */
        chatvault_master_key *mk = NULL;
        EXPECT_RC(chatvault_master_key_import_with_passphrase(
                      NULL, 0, blob->data, blob->len, STR("supervisor pw"), &mk),
                  CHATVAULT_RESULT_INVALID_ARGUMENT);
        CHECK(back == NULL && mk == NULL);
    }
    chatvault_bytes_free(blob);
    blob = NULL;
    OK(chatvault_grantee_secret_export_with_kek(s, KEK, sizeof KEK, &blob));
    if (blob != NULL) {
        chatvault_grantee_secret *back = NULL;
        OK(chatvault_grantee_secret_import_with_kek(blob->data, blob->len, KEK, sizeof KEK,
                                                    &back));
        public_of(back, pub2);
        CHECK(memcmp(pub, pub2, sizeof pub) == 0);
        chatvault_grantee_secret_free(back);
        back = NULL;
        uint8_t wrong[CHATVAULT_KEK_LEN] = {0};
        EXPECT_RC(chatvault_grantee_secret_import_with_kek(blob->data, blob->len, wrong,
                                                           sizeof wrong, &back),
                  CHATVAULT_RESULT_DECRYPT);
        EXPECT_RC(chatvault_grantee_secret_import_with_kek(blob->data, blob->len, KEK, 16,
                                                           &back),
                  CHATVAULT_RESULT_INVALID_ARGUMENT);
        CHECK(back == NULL);
    }
    chatvault_bytes_free(blob);
    blob = NULL;
    EXPECT_RC(chatvault_grantee_secret_export_with_passphrase(s, NULL, 0, TEST_M_KIB, TEST_T,
                                                              TEST_P, &blob),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_grantee_secret_export_with_passphrase(NULL, STR("pw"), TEST_M_KIB,
                                                              TEST_T, TEST_P, &blob),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_grantee_secret_export_with_kek(s, KEK, sizeof KEK, NULL),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_grantee_secret_generate(NULL), CHATVAULT_RESULT_NULL_POINTER);
    CHECK(blob == NULL);
    chatvault_grantee_secret_free(s);
}

static void test_tenant_public(void) {
    struct owner o;
    owner_new(&o, "acme");
    chatvault_bytes *a = NULL, *b = NULL, *t = NULL;
    OK(chatvault_keyring_tenant_public(o.ring, &a));
    OK(chatvault_tenant_public_to_bytes(o.tenant_public, &b));
    CHECK(a != NULL && b != NULL && bytes_eq(a, b->data, b->len));
    OK(chatvault_tenant_public_tenant(o.tenant_public, &t));
    CHECK(bytes_eq(t, "acme", 4));
    CHECK(t != NULL && strcmp((const char *)t->data, "acme") == 0);
    const chatvault_tenant_public *none = NULL;
    if (a != NULL) {
        EXPECT_RC(chatvault_tenant_public_from_bytes(a->data, a->len - 1, &none),
                  CHATVAULT_RESULT_MALFORMED);
        EXPECT_RC(chatvault_tenant_public_from_bytes(a->data, 3, &none),
                  CHATVAULT_RESULT_MALFORMED);
    }
    EXPECT_RC(chatvault_tenant_public_from_bytes(NULL, 0, &none), CHATVAULT_RESULT_MALFORMED);
    EXPECT_RC(chatvault_tenant_public_from_bytes(NULL, 9, &none), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_tenant_public_from_bytes(STR("CVTP"), NULL),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_tenant_public_to_bytes(NULL, &b), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_tenant_public_tenant(o.tenant_public, NULL),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_keyring_tenant_public(NULL, &b), CHATVAULT_RESULT_NULL_POINTER);
    CHECK(none == NULL);
    chatvault_bytes_free(a);
    chatvault_bytes_free(b);
    chatvault_bytes_free(t);
    owner_free(&o);
}

static void test_supervisor_grant(void) {
    struct owner o, stranger;
    owner_new(&o, "acme");
    owner_new(&stranger, "acme"); /* same tenant name, another master key */
    chatvault_bytes *env = owner_seal(&o, "sales", "c1", JAN1 + 3600, "订单 #42 已发货");
    chatvault_bytes *env3 = owner_seal(&o, "sales", "c3", JAN1 + 2 * DAY, "第三个");
    chatvault_bytes *support = owner_seal(&o, "support", "c2", JAN1 + 3600, "退款");
    chatvault_bytes *late = owner_seal(&o, "sales", "c-late", JAN1 + 40 * DAY, "later");

    chatvault_grantee_secret *sup = NULL, *other = NULL;
    OK(chatvault_grantee_secret_generate(&sup));
    OK(chatvault_grantee_secret_generate(&other));
    uint8_t pub[CHATVAULT_GRANTEE_PUBLIC_LEN];
    public_of(sup, pub);

    const int64_t from = JAN1, to = JAN1 + 31 * DAY;
    const int64_t nb = JAN1, exp = JAN1 + 90 * DAY, now = JAN1 + DAY;
    chatvault_bytes *blob = NULL;
    OK(chatvault_keyring_issue_supervisor_grant(o.ring, pub, sizeof pub, STR("王主管"),
                                                STR("sales\nmarketing\n"), from, to, nb, exp,
                                                JAN1, &blob));
    if (blob == NULL) {
        return;
    }
    const chatvault_supervisor_grant *g = NULL;
    OK(chatvault_supervisor_grant_open(blob->data, blob->len, sup, o.tenant_public, &g));

    /* What it says about itself. */
    chatvault_bytes *label = NULL, *depts = NULL;
    OK(chatvault_supervisor_grant_label(g, &label));
    CHECK(label != NULL && strcmp((const char *)label->data, "王主管") == 0);
    OK(chatvault_supervisor_grant_departments(g, &depts));
    CHECK(depts != NULL && strcmp((const char *)depts->data, "marketing\nsales") == 0);
    chatvault_bytes_free(label);
    chatvault_bytes_free(depts);
    int64_t a = 0, b = 0, c = 0;
    OK(chatvault_supervisor_grant_window(g, &a, &b));
    CHECK(a == from && b == to);
    OK(chatvault_supervisor_grant_validity(g, &a, &b, &c));
    CHECK(a == nb && b == exp && c == JAN1);
    uint8_t id[CHATVAULT_GRANT_ID_LEN], zero[CHATVAULT_GRANT_ID_LEN] = {0};
    OK(chatvault_supervisor_grant_id(g, id, sizeof id));
    CHECK(memcmp(id, zero, sizeof id) != 0);
    EXPECT_RC(chatvault_supervisor_grant_id(g, id, sizeof id - 1),
              CHATVAULT_RESULT_BUFFER_TOO_SMALL);

    /* It reads the granted department's conversations. */
    chatvault_data_key *k = NULL;
    OK(chatvault_supervisor_grant_conversation_key(g, o.store, STR("sales"), STR("c1"), now, &k));
    const chatvault_sealer *s = NULL;
    OK(chatvault_data_key_sealer(k, CHATVAULT_SUITE_SM4_GCM, &s));
    chatvault_bytes *plain = NULL;
    if (env != NULL && s != NULL) {
        OK(chatvault_sealer_open(s, STR("acme"), STR("c1"), STR("body"), env->data, env->len,
                                 &plain));
        CHECK(bytes_eq(plain, "订单 #42 已发货", strlen("订单 #42 已发货")));
    }
    chatvault_bytes_free(plain);
    chatvault_sealer_free(s);
    chatvault_data_key_free(k);
    OK(chatvault_supervisor_grant_permits(g, STR("sales"), JAN1 + 5, now));

    /* Nothing else. */
    k = NULL;
    EXPECT_RC(chatvault_supervisor_grant_conversation_key(g, o.store, STR("support"), STR("c2"),
                                                          now, &k),
              CHATVAULT_RESULT_GRANT_OUT_OF_SCOPE);
    EXPECT_RC(chatvault_supervisor_grant_conversation_key(g, o.store, STR("sales"),
                                                          STR("c-late"), now, &k),
              CHATVAULT_RESULT_GRANT_OUT_OF_SCOPE);
    EXPECT_RC(chatvault_supervisor_grant_conversation_key(g, o.store, STR("sales"), STR("c1"),
                                                          nb - 1, &k),
              CHATVAULT_RESULT_GRANT_NOT_YET_VALID);
    EXPECT_RC(chatvault_supervisor_grant_conversation_key(g, o.store, STR("sales"), STR("c1"),
                                                          exp, &k),
              CHATVAULT_RESULT_GRANT_EXPIRED);
    EXPECT_RC(chatvault_supervisor_grant_conversation_key(g, o.store, STR("sales"),
                                                          STR("never"), now, &k),
              CHATVAULT_RESULT_KEY_NOT_FOUND);
    EXPECT_RC(chatvault_supervisor_grant_conversation_key(g, o.store, STR("marketing"),
                                                          STR("c1"), now, &k),
              CHATVAULT_RESULT_KEY_NOT_FOUND);
    /* Another tenant's store holds nothing this grant can find. */
    EXPECT_RC(chatvault_supervisor_grant_conversation_key(g, stranger.store, STR("sales"),
                                                          STR("c1"), now, &k),
              CHATVAULT_RESULT_KEY_NOT_FOUND);
    CHECK(k == NULL);
    EXPECT_RC(chatvault_supervisor_grant_permits(g, STR("support"), JAN1 + 5, now),
              CHATVAULT_RESULT_GRANT_OUT_OF_SCOPE);
    EXPECT_RC(chatvault_supervisor_grant_permits(g, STR("sales"), to, now),
              CHATVAULT_RESULT_GRANT_OUT_OF_SCOPE);
    EXPECT_RC(chatvault_supervisor_grant_permits(g, STR("sales"), from - 1, now),
              CHATVAULT_RESULT_GRANT_OUT_OF_SCOPE);
    EXPECT_RC(chatvault_supervisor_grant_permits(g, STR("sales"), JAN1 + 5, exp + 1),
              CHATVAULT_RESULT_GRANT_EXPIRED);
    EXPECT_RC(chatvault_supervisor_grant_permits(g, STR("sales"), JAN1 + 5, nb - DAY),
              CHATVAULT_RESULT_GRANT_NOT_YET_VALID);

    /* The wrong grantee, the wrong issuer, a flipped bit, the wrong kind. */
    const chatvault_supervisor_grant *none = NULL;
    EXPECT_RC(chatvault_supervisor_grant_open(blob->data, blob->len, other, o.tenant_public,
                                              &none),
              CHATVAULT_RESULT_GRANT_INVALID);
    EXPECT_RC(chatvault_supervisor_grant_open(blob->data, blob->len, sup,
                                              stranger.tenant_public, &none),
              CHATVAULT_RESULT_GRANT_INVALID);
    uint8_t *copy = malloc(blob->len);
    if (copy != NULL) {
        memcpy(copy, blob->data, blob->len);
        copy[blob->len - 20] ^= 0x10;
        EXPECT_RC(chatvault_supervisor_grant_open(copy, blob->len, sup, o.tenant_public, &none),
                  CHATVAULT_RESULT_DECRYPT);
        free(copy);
    }
    EXPECT_RC(chatvault_supervisor_grant_open(blob->data, 30, sup, o.tenant_public, &none),
              CHATVAULT_RESULT_MALFORMED);
    const chatvault_agent_grant *as_agent = NULL;
    EXPECT_RC(chatvault_agent_grant_open(blob->data, blob->len, sup, o.tenant_public, &as_agent),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    CHECK(none == NULL && as_agent == NULL);

    /* NULL for each pointer of open and conversation_key. */
    EXPECT_RC(chatvault_supervisor_grant_open(NULL, blob->len, sup, o.tenant_public, &none),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_supervisor_grant_open(blob->data, blob->len, NULL, o.tenant_public,
                                              &none),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_supervisor_grant_open(blob->data, blob->len, sup, NULL, &none),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_supervisor_grant_open(blob->data, blob->len, sup, o.tenant_public, NULL),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_supervisor_grant_conversation_key(NULL, o.store, STR("sales"), STR("c1"),
                                                          now, &k),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_supervisor_grant_conversation_key(g, NULL, STR("sales"), STR("c1"), now,
                                                          &k),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_supervisor_grant_conversation_key(g, o.store, NULL, 5, STR("c1"), now,
                                                          &k),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_supervisor_grant_conversation_key(g, o.store, STR("sales"), NULL, 2,
                                                          now, &k),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_supervisor_grant_conversation_key(g, o.store, STR("sales"), STR("c1"),
                                                          now, NULL),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_supervisor_grant_conversation_key(g, o.store, STR("sa\xffs"), STR("c1"),
                                                          now, &k),
              CHATVAULT_RESULT_UTF8);
    EXPECT_RC(chatvault_supervisor_grant_window(g, NULL, &b), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_supervisor_grant_validity(g, &a, &b, NULL),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_supervisor_grant_label(NULL, &label), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_supervisor_grant_departments(g, NULL), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_supervisor_grant_permits(NULL, STR("sales"), 0, now),
              CHATVAULT_RESULT_NULL_POINTER);
    CHECK(k == NULL);

    /* Shredding reaches grant holders: KEY_NOT_FOUND. */
    bool existed = false;
    OK(chatvault_keyring_shred_conversation(o.ring, STR("sales"), STR("c1"), &existed));
    CHECK(existed);
    EXPECT_RC(chatvault_supervisor_grant_conversation_key(g, o.store, STR("sales"), STR("c1"),
                                                          now, &k),
              CHATVAULT_RESULT_KEY_NOT_FOUND);

    /* Rotation revokes: after rotating "sales", the grant derives nothing. */
    OK(chatvault_supervisor_grant_conversation_key(g, o.store, STR("sales"), STR("c3"), now, &k));
    chatvault_data_key_free(k);
    k = NULL;
    chatvault_rotation r;
    OK(chatvault_keyring_rotate(o.ring, CHATVAULT_DOMAIN_ARCHIVE, STR("sales"), 0, &r));
    EXPECT_RC(chatvault_supervisor_grant_conversation_key(g, o.store, STR("sales"), STR("c3"),
                                                          now, &k),
              CHATVAULT_RESULT_GRANT_OUT_OF_SCOPE);
    CHECK(k == NULL);

    chatvault_supervisor_grant_free(g);
    chatvault_bytes_free(blob);
    chatvault_bytes_free(env);
    chatvault_bytes_free(env3);
    chatvault_bytes_free(support);
    chatvault_bytes_free(late);
    chatvault_grantee_secret_free(sup);
    chatvault_grantee_secret_free(other);
    owner_free(&o);
    owner_free(&stranger);
}

static chatvault_result issue(const struct owner *o, const uint8_t *pub, size_t pub_len,
                              const uint8_t *label, size_t label_len, const uint8_t *depts,
                              size_t depts_len, int64_t from, int64_t to, int64_t not_before,
                              int64_t expires_at, chatvault_bytes **out) {
    return chatvault_keyring_issue_supervisor_grant(o->ring, pub, pub_len, label, label_len,
                                                    depts, depts_len, from, to, not_before,
                                                    expires_at, JAN1, out);
}

static void test_issue_errors(void) {
    struct owner o;
    owner_new(&o, "acme");
    chatvault_grantee_secret *sup = NULL;
    OK(chatvault_grantee_secret_generate(&sup));
    uint8_t pub[CHATVAULT_GRANTEE_PUBLIC_LEN];
    public_of(sup, pub);
    chatvault_bytes *blob = NULL;
    const int64_t f = JAN1, t = JAN1 + DAY, nb = JAN1, ex = JAN1 + DAY;

    EXPECT_RC(issue(&o, pub, sizeof pub, STR("x"), STR(""), f, t, nb, ex, &blob),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(issue(&o, pub, sizeof pub, STR("x"), STR("\n"), f, t, nb, ex, &blob),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(issue(&o, pub, sizeof pub, STR("x"), STR("sales\n\nsupport"), f, t, nb, ex, &blob),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    CHECK(last_error_has("empty line"));
    EXPECT_RC(issue(&o, pub, sizeof pub, STR("x"), STR("sa\xfe"), f, t, nb, ex, &blob),
              CHATVAULT_RESULT_UTF8);
    EXPECT_RC(issue(&o, pub, sizeof pub, STR("\xff"), STR("sales"), f, t, nb, ex, &blob),
              CHATVAULT_RESULT_UTF8);
    EXPECT_RC(issue(&o, pub, sizeof pub, NULL, 0, STR("sales"), f, t, nb, ex, &blob),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(issue(&o, pub, 31, STR("x"), STR("sales"), f, t, nb, ex, &blob),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    CHECK(last_error_has("grantee_public must be 32 bytes"));
    EXPECT_RC(issue(&o, NULL, 32, STR("x"), STR("sales"), f, t, nb, ex, &blob),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(issue(&o, pub, sizeof pub, NULL, 1, STR("sales"), f, t, nb, ex, &blob),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(issue(&o, pub, sizeof pub, STR("x"), NULL, 5, f, t, nb, ex, &blob),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(issue(&o, pub, sizeof pub, STR("x"), STR("sales"), f, t, nb, ex, NULL),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(issue(&o, pub, sizeof pub, STR("x"), STR("sales"), t, f, nb, ex, &blob),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(issue(&o, pub, sizeof pub, STR("x"), STR("sales"), f, t, ex, nb, &blob),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(issue(&o, pub, sizeof pub, STR("x"), STR("sales"), -DAY, t, nb, ex, &blob),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_keyring_issue_supervisor_grant(NULL, pub, sizeof pub, STR("x"),
                                                       STR("sales"), f, t, nb, ex, JAN1, &blob),
              CHATVAULT_RESULT_NULL_POINTER);
    CHECK(blob == NULL);

    const uint8_t classes[] = {CHATVAULT_ID_CLASS_PHONE, 0};
    EXPECT_RC(chatvault_keyring_issue_agent_grant(o.ring, pub, sizeof pub, STR("a"), classes, 2,
                                                  nb, ex, JAN1, &blob),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_keyring_issue_agent_grant(o.ring, pub, sizeof pub, STR("a"), NULL, 0, nb,
                                                  ex, JAN1, &blob),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_keyring_issue_agent_grant(o.ring, pub, sizeof pub, STR("a"), NULL, 1, nb,
                                                  ex, JAN1, &blob),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_keyring_issue_agent_grant(o.ring, pub, sizeof pub, STR("a"), classes, 1,
                                                  ex, nb, JAN1, &blob),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_keyring_issue_agent_grant(o.ring, NULL, 0, STR("a"), classes, 1, nb, ex,
                                                  JAN1, &blob),
              CHATVAULT_RESULT_NULL_POINTER);
    CHECK(blob == NULL);
    chatvault_grantee_secret_free(sup);
    owner_free(&o);
}

static void test_agent_grant(void) {
    struct owner o;
    owner_new(&o, "acme");
    chatvault_data_key *k = NULL;
    const chatvault_sealer *s = NULL;
    chatvault_bytes *env = NULL;
    OK(chatvault_keyring_customer_key(o.ring, STR("cust-9"), CHATVAULT_ID_CLASS_PHONE, &k));
    OK(chatvault_data_key_sealer(k, CHATVAULT_SUITE_AES256_GCM, &s));
    OK(chatvault_sealer_seal(s, STR("acme"), STR("cust-9"), STR("phone"), STR("13800138000"),
                             &env));
    chatvault_sealer_free(s);
    chatvault_data_key_free(k);
    k = NULL;
    OK(chatvault_keyring_customer_key(o.ring, STR("cust-9"), CHATVAULT_ID_CLASS_ID_CARD, &k));
    chatvault_data_key_free(k);
    k = NULL;

    chatvault_grantee_secret *agent = NULL, *other = NULL;
    OK(chatvault_grantee_secret_generate(&agent));
    OK(chatvault_grantee_secret_generate(&other));
    uint8_t pub[CHATVAULT_GRANTEE_PUBLIC_LEN];
    public_of(agent, pub);
    const uint8_t classes[] = {CHATVAULT_ID_CLASS_PHONE, CHATVAULT_ID_CLASS_EMAIL,
                               CHATVAULT_ID_CLASS_PHONE};
    const int64_t nb = JAN1, exp = JAN1 + 7 * DAY, now = JAN1 + 1;
    chatvault_bytes *blob = NULL;
    OK(chatvault_keyring_issue_agent_grant(o.ring, pub, sizeof pub, STR("agent 007"), classes,
                                           sizeof classes, nb, exp, JAN1, &blob));
    if (blob == NULL) {
        return;
    }
    const chatvault_agent_grant *g = NULL;
    OK(chatvault_agent_grant_open(blob->data, blob->len, agent, o.tenant_public, &g));

    chatvault_bytes *got = NULL;
    OK(chatvault_agent_grant_classes(g, &got));
    const uint8_t want[] = {CHATVAULT_ID_CLASS_PHONE, CHATVAULT_ID_CLASS_EMAIL};
    CHECK(bytes_eq(got, want, sizeof want));
    chatvault_bytes_free(got);
    got = NULL;
    OK(chatvault_agent_grant_label(g, &got));
    CHECK(bytes_eq(got, "agent 007", 9));
    chatvault_bytes_free(got);
    int64_t a = 0, b = 0, c = 0;
    OK(chatvault_agent_grant_validity(g, &a, &b, &c));
    CHECK(a == nb && b == exp && c == JAN1);
    uint8_t id[CHATVAULT_GRANT_ID_LEN];
    OK(chatvault_agent_grant_id(g, id, sizeof id));
    EXPECT_RC(chatvault_agent_grant_id(g, NULL, 0), CHATVAULT_RESULT_BUFFER_TOO_SMALL);

    /* Reveals the granted class. */
    OK(chatvault_agent_grant_customer_key(g, o.store, STR("cust-9"), CHATVAULT_ID_CLASS_PHONE,
                                          now, &k));
    s = NULL;
    OK(chatvault_data_key_sealer(k, CHATVAULT_SUITE_AES256_GCM, &s));
    chatvault_bytes *plain = NULL;
    if (env != NULL && s != NULL) {
        OK(chatvault_sealer_open(s, STR("acme"), STR("cust-9"), STR("phone"), env->data,
                                 env->len, &plain));
        CHECK(bytes_eq(plain, "13800138000", 11));
    }
    chatvault_bytes_free(plain);
    chatvault_sealer_free(s);
    chatvault_data_key_free(k);
    k = NULL;
    OK(chatvault_agent_grant_permits(g, CHATVAULT_ID_CLASS_EMAIL, now));

    /* Nothing else. */
    EXPECT_RC(chatvault_agent_grant_customer_key(g, o.store, STR("cust-9"),
                                                 CHATVAULT_ID_CLASS_ID_CARD, now, &k),
              CHATVAULT_RESULT_GRANT_OUT_OF_SCOPE);
    EXPECT_RC(chatvault_agent_grant_customer_key(g, o.store, STR("cust-9"),
                                                 CHATVAULT_ID_CLASS_PHONE, exp, &k),
              CHATVAULT_RESULT_GRANT_EXPIRED);
    EXPECT_RC(chatvault_agent_grant_customer_key(g, o.store, STR("cust-9"),
                                                 CHATVAULT_ID_CLASS_PHONE, nb - 1, &k),
              CHATVAULT_RESULT_GRANT_NOT_YET_VALID);
    EXPECT_RC(chatvault_agent_grant_customer_key(g, o.store, STR("cust-1"),
                                                 CHATVAULT_ID_CLASS_PHONE, now, &k),
              CHATVAULT_RESULT_KEY_NOT_FOUND);
    EXPECT_RC(chatvault_agent_grant_customer_key(g, o.store, STR("cust-9"), 0, now, &k),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_agent_grant_customer_key(g, NULL, STR("cust-9"), 1, now, &k),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_agent_grant_customer_key(g, o.store, NULL, 3, 1, now, &k),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_agent_grant_customer_key(g, o.store, STR("cust-9"), 1, now, NULL),
              CHATVAULT_RESULT_NULL_POINTER);
    CHECK(k == NULL);
    EXPECT_RC(chatvault_agent_grant_permits(g, CHATVAULT_ID_CLASS_BANK_CARD, now),
              CHATVAULT_RESULT_GRANT_OUT_OF_SCOPE);
    EXPECT_RC(chatvault_agent_grant_permits(g, CHATVAULT_ID_CLASS_PHONE, exp + DAY),
              CHATVAULT_RESULT_GRANT_EXPIRED);
    EXPECT_RC(chatvault_agent_grant_permits(g, 77, now), CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_agent_grant_permits(NULL, 1, now), CHATVAULT_RESULT_NULL_POINTER);

    /* The wrong grantee; a supervisor opener for an agent grant. */
    const chatvault_agent_grant *none = NULL;
    EXPECT_RC(chatvault_agent_grant_open(blob->data, blob->len, other, o.tenant_public, &none),
              CHATVAULT_RESULT_GRANT_INVALID);
    const chatvault_supervisor_grant *as_sup = NULL;
    EXPECT_RC(chatvault_supervisor_grant_open(blob->data, blob->len, agent, o.tenant_public,
                                              &as_sup),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_agent_grant_open(NULL, 0, agent, o.tenant_public, &none),
              CHATVAULT_RESULT_MALFORMED);
    EXPECT_RC(chatvault_agent_grant_open(blob->data, blob->len, agent, o.tenant_public, NULL),
              CHATVAULT_RESULT_NULL_POINTER);
    CHECK(none == NULL && as_sup == NULL);

    /* Erasure: shredding the customer's keys reaches the agent too. */
    size_t count = 0;
    OK(chatvault_keyring_shred_customer(o.ring, STR("cust-9"), &count));
    CHECK(count == 2);
    EXPECT_RC(chatvault_agent_grant_customer_key(g, o.store, STR("cust-9"),
                                                 CHATVAULT_ID_CLASS_PHONE, now, &k),
              CHATVAULT_RESULT_KEY_NOT_FOUND);
    CHECK(k == NULL);

    chatvault_agent_grant_free(g);
    chatvault_bytes_free(blob);
    chatvault_bytes_free(env);
    chatvault_grantee_secret_free(agent);
    chatvault_grantee_secret_free(other);
    owner_free(&o);
}

int main(void) {
    test_grantee_secret();
    test_tenant_public();
    test_supervisor_grant();
    test_issue_errors();
    test_agent_grant();
    return finish("test_grants");
}
