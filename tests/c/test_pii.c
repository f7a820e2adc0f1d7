/*
 * PII detection and masking from C: detectors, findings, stream detection
 * across messages, mask policies, maskers, restore maps restored by the
 * owner and by an agent's restore key, and the errors of each.
 */
#include "check.h"

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

static const char *TEXT = "手机 138 0013 8000，身份证11010519491231002X，mail li.lei@example.com";

static void test_detect(void) {
    const chatvault_detector *d = NULL;
    OK(chatvault_detector_new(CHATVAULT_ENTITIES_ALL, 0.5f, 0, &d));
    chatvault_findings *f = NULL;
    OK(chatvault_detector_detect(d, STR(TEXT), &f));
    CHECK(chatvault_findings_len(f) == 3);
    chatvault_finding one;
    memset(&one, 0, sizeof one);
    OK(chatvault_findings_get(f, 0, &one));
    CHECK(one.entity == CHATVAULT_ENTITY_CN_MOBILE);
    CHECK(one.end - one.start == strlen("138 0013 8000"));
    CHECK(memcmp(TEXT + one.start, "138 0013 8000", one.end - one.start) == 0);
    CHECK(one.confidence > 0.5f && one.confidence <= 1.0f);
    CHECK(one.rule != NULL && strlen(one.rule) > 0);
    CHECK(!one.has_previous);
    OK(chatvault_findings_get(f, 1, &one));
    CHECK(one.entity == CHATVAULT_ENTITY_CN_RESIDENT_ID);
    CHECK(strcmp(chatvault_entity_name(one.entity), "cn_resident_id") == 0);
    CHECK(chatvault_entity_class(one.entity) == CHATVAULT_ID_CLASS_ID_CARD);
    OK(chatvault_findings_get(f, 2, &one));
    CHECK(one.entity == CHATVAULT_ENTITY_EMAIL);
    EXPECT_RC(chatvault_findings_get(f, 3, &one), CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_findings_get(f, 0, NULL), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_findings_get(NULL, 0, &one), CHATVAULT_RESULT_NULL_POINTER);
    chatvault_findings_free(f);
    f = NULL;

    /* Unknown entity numbers. */
    CHECK(strcmp(chatvault_entity_name(0), "unknown") == 0);
    CHECK(strcmp(chatvault_entity_name(999), "unknown") == 0);
    CHECK(chatvault_entity_class(999) == 0);
    CHECK(chatvault_findings_len(NULL) == 0);

    /* Empty text, and (NULL, 0) as empty. */
    OK(chatvault_detector_detect(d, NULL, 0, &f));
    CHECK(chatvault_findings_len(f) == 0);
    chatvault_findings_free(f);
    f = NULL;

    /* Bad input: invalid UTF-8, NULL with a length, NULL outputs. */
    const uint8_t bad[] = {'1', '3', '8', 0xff, 0xfe};
    EXPECT_RC(chatvault_detector_detect(d, bad, sizeof bad, &f), CHATVAULT_RESULT_UTF8);
    EXPECT_RC(chatvault_detector_detect(d, NULL, 3, &f), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_detector_detect(d, STR("x"), NULL), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_detector_detect(NULL, STR("x"), &f), CHATVAULT_RESULT_NULL_POINTER);
    CHECK(f == NULL);
    chatvault_detector_free(d);

    /* Options: only e-mail; a size limit; bad options. */
    const chatvault_detector *only = NULL;
    OK(chatvault_detector_new((uint64_t)1 << CHATVAULT_ENTITY_EMAIL, 0.5f, 32, &only));
    OK(chatvault_detector_detect(only, STR("13800138000 a@b.cn"), &f));
    CHECK(chatvault_findings_len(f) == 1);
    chatvault_findings_free(f);
    f = NULL;
    EXPECT_RC(chatvault_detector_detect(only, STR("0123456789abcdef0123456789abcdefX"), &f),
              CHATVAULT_RESULT_TOO_LARGE);
    CHECK(f == NULL);
    chatvault_detector_free(only);
    const chatvault_detector *none = NULL;
    EXPECT_RC(chatvault_detector_new(0, 0.5f, 0, &none), CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_detector_new(1, 0.5f, 0, &none), CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_detector_new(CHATVAULT_ENTITIES_ALL, 1.5f, 0, &none),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_detector_new(CHATVAULT_ENTITIES_ALL, 0.5f, 0, NULL),
              CHATVAULT_RESULT_NULL_POINTER);
    CHECK(none == NULL);
    chatvault_detector_free(NULL);
    chatvault_findings_free(NULL);
}

static void test_stream(void) {
    const chatvault_detector *d = NULL;
    chatvault_stream_detector *s = NULL;
    OK(chatvault_detector_new(CHATVAULT_ENTITIES_ALL, 0.5f, 0, &d));
    OK(chatvault_stream_detector_new(d, &s));
    chatvault_detector_free(d); /* the stream keeps its own reference */
    const char *first = "我的手机号是 138 0013";
    chatvault_findings *f = NULL;
    OK(chatvault_stream_detector_push(s, STR(first), &f));
    CHECK(chatvault_findings_len(f) == 0);
    chatvault_findings_free(f);
    f = NULL;
    OK(chatvault_stream_detector_push(s, STR("8000 好的"), &f));
    CHECK(chatvault_findings_len(f) == 1);
    chatvault_finding one;
    memset(&one, 0, sizeof one);
    OK(chatvault_findings_get(f, 0, &one));
    CHECK(one.entity == CHATVAULT_ENTITY_CN_MOBILE);
    CHECK(one.start == 0 && one.end == 4);
    CHECK(one.has_previous);
    CHECK(one.previous_end - one.previous_start == strlen("138 0013"));
    CHECK(memcmp(first + one.previous_start, "138 0013", strlen("138 0013")) == 0);
    chatvault_findings_free(f);
    f = NULL;

    /* Invalid UTF-8 leaves the stream usable; reset forgets the tail. */
    const uint8_t bad[] = {0xc3};
    EXPECT_RC(chatvault_stream_detector_push(s, bad, 1, &f), CHATVAULT_RESULT_UTF8);
    OK(chatvault_stream_detector_push(s, STR("手机 138 0013"), &f));
    chatvault_findings_free(f);
    f = NULL;
    OK(chatvault_stream_detector_reset(s));
    OK(chatvault_stream_detector_push(s, STR("8000"), &f));
    CHECK(chatvault_findings_len(f) == 0);
    chatvault_findings_free(f);
    f = NULL;
    EXPECT_RC(chatvault_stream_detector_push(NULL, STR("x"), &f), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_stream_detector_reset(NULL), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_stream_detector_new(NULL, &s), CHATVAULT_RESULT_NULL_POINTER);
    chatvault_stream_detector_free(s);
    chatvault_stream_detector_free(NULL);
}

static void test_policy(void) {
    chatvault_mask_policy *p = NULL;
    OK(chatvault_mask_policy_new(&p));
    OK(chatvault_mask_policy_set(p, CHATVAULT_ENTITY_CN_MOBILE, CHATVAULT_MASK_OP_KEEP, 0, 2, '#'));
    OK(chatvault_mask_policy_set(p, 0, CHATVAULT_MASK_OP_REDACT, 0, 0, 0));
    OK(chatvault_mask_policy_set(p, CHATVAULT_ENTITY_EMAIL, CHATVAULT_MASK_OP_TOKEN, 0, 0, 0));
    EXPECT_RC(chatvault_mask_policy_set(p, 99, CHATVAULT_MASK_OP_REDACT, 0, 0, 0),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_mask_policy_set(p, 1, 99, 0, 0, 0), CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_mask_policy_set(p, 1, CHATVAULT_MASK_OP_KEEP, 1, 1, 0xD800),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_mask_policy_set(NULL, 1, CHATVAULT_MASK_OP_REDACT, 0, 0, 0),
              CHATVAULT_RESULT_NULL_POINTER);

    struct owner o;
    owner_new(&o, "acme");
    const chatvault_masker *m = NULL;
    OK(chatvault_masker_new(o.ring, p, CHATVAULT_SUITE_SM4_GCM, &m));
    chatvault_mask_policy_free(p); /* the masker copied it */
    const chatvault_detector *d = NULL;
    OK(chatvault_detector_new(CHATVAULT_ENTITIES_ALL, 0.5f, 0, &d));
    chatvault_bytes *shown = NULL, *map = NULL;
    OK(chatvault_masker_detect_and_mask(m, d, o.ring, STR("c1"), STR("m1"),
                                        STR("call 13800138000 or 192.168.1.2"), &shown, &map));
    CHECK(shown != NULL && strcmp((const char *)shown->data, "call *** or ***") == 0);
    chatvault_bytes_free(shown);
    chatvault_bytes_free(map);
    chatvault_detector_free(d);
    chatvault_masker_free(m);
    EXPECT_RC(chatvault_masker_new(o.ring, NULL, 99, &m), CHATVAULT_RESULT_UNSUPPORTED_SUITE);
    EXPECT_RC(chatvault_masker_new(NULL, NULL, CHATVAULT_SUITE_AES256_GCM, &m),
              CHATVAULT_RESULT_NULL_POINTER);
    owner_free(&o);
    chatvault_mask_policy_free(NULL);
    chatvault_masker_free(NULL);
}

static void test_mask_and_restore(void) {
    struct owner o;
    owner_new(&o, "acme");
    const chatvault_masker *m = NULL;
    const chatvault_detector *d = NULL;
    OK(chatvault_masker_new(o.ring, NULL, CHATVAULT_SUITE_AES256_GCM, &m));
    OK(chatvault_detector_new(CHATVAULT_ENTITIES_ALL, 0.5f, 0, &d));
    chatvault_findings *f = NULL;
    OK(chatvault_detector_detect(d, STR(TEXT), &f));
    chatvault_bytes *shown = NULL, *map = NULL;
    OK(chatvault_masker_mask(m, o.ring, STR("cust-9"), STR("conv-1/msg-1"), STR(TEXT), f, &shown,
                             &map));
    if (shown == NULL || map == NULL) {
        return;
    }
    const char *want = "手机 138 **** 8000，身份证110***********002X，mail l***@example.com";
    CHECK(strcmp((const char *)shown->data, want) == 0);
    size_t n = 0;
    OK(chatvault_restore_map_len(map->data, map->len, &n));
    CHECK(n == 3);
    uint32_t entity = 0;
    size_t start = 0, end = 0;
    OK(chatvault_restore_map_entry(map->data, map->len, 0, &entity, &start, &end));
    CHECK(entity == CHATVAULT_ENTITY_CN_MOBILE);
    CHECK(memcmp(shown->data + start, "138 **** 8000", end - start) == 0);
    OK(chatvault_restore_map_entry(map->data, map->len, 1, NULL, NULL, &end));
    EXPECT_RC(chatvault_restore_map_entry(map->data, map->len, 3, &entity, &start, &end),
              CHATVAULT_RESULT_INVALID_ARGUMENT);

    /* The owner restores the exact text. */
    chatvault_bytes *back = NULL;
    OK(chatvault_restore_map_restore_with_keyring(o.ring, STR("cust-9"), STR("conv-1/msg-1"),
                                                  shown->data, shown->len, map->data, map->len,
                                                  &back));
    CHECK(bytes_eq(back, TEXT, strlen(TEXT)));
    chatvault_bytes_free(back);
    back = NULL;
    /* Another record: decryption fails, nothing is written. */
    EXPECT_RC(chatvault_restore_map_restore_with_keyring(o.ring, STR("cust-9"), STR("other"),
                                                         shown->data, shown->len, map->data,
                                                         map->len, &back),
              CHATVAULT_RESULT_DECRYPT);
    CHECK(back == NULL);

    /* An agent with a phone restore key. */
    chatvault_grantee_secret *agent = NULL;
    OK(chatvault_grantee_secret_generate(&agent));
    uint8_t pub[CHATVAULT_GRANTEE_PUBLIC_LEN];
    OK(chatvault_grantee_secret_public(agent, pub, sizeof pub));
    const uint8_t classes[] = {CHATVAULT_ID_CLASS_PHONE};
    chatvault_bytes *blob = NULL;
    OK(chatvault_keyring_issue_agent_grant(o.ring, pub, sizeof pub, STR("agent"), classes, 1,
                                           JAN1, JAN1 + DAY, JAN1, &blob));
    const chatvault_agent_grant *g = NULL;
    if (blob != NULL) {
        OK(chatvault_agent_grant_open(blob->data, blob->len, agent, o.tenant_public, &g));
    }
    chatvault_bytes *one = NULL;
    OK(chatvault_restore_map_reveal_with_grant(g, o.store, STR("acme"), STR("cust-9"),
                                               STR("conv-1/msg-1"), JAN1 + 1, map->data,
                                               map->len, 0, &one));
    CHECK(bytes_eq(one, "138 0013 8000", strlen("138 0013 8000")));
    chatvault_bytes_free(one);
    one = NULL;
    EXPECT_RC(chatvault_restore_map_reveal_with_grant(g, o.store, STR("acme"), STR("cust-9"),
                                                      STR("conv-1/msg-1"), JAN1 + 1, map->data,
                                                      map->len, 1, &one),
              CHATVAULT_RESULT_GRANT_OUT_OF_SCOPE);
    EXPECT_RC(chatvault_restore_map_reveal_with_grant(g, o.store, STR("acme"), STR("cust-9"),
                                                      STR("conv-1/msg-1"), JAN1 + 2 * DAY,
                                                      map->data, map->len, 0, &one),
              CHATVAULT_RESULT_GRANT_EXPIRED);
    CHECK(one == NULL);
    EXPECT_RC(chatvault_restore_map_restore_with_grant(g, o.store, STR("acme"), STR("cust-9"),
                                                       STR("conv-1/msg-1"), JAN1 + 1,
                                                       shown->data, shown->len, map->data,
                                                       map->len, false, &back, NULL),
              CHATVAULT_RESULT_GRANT_OUT_OF_SCOPE);
    size_t withheld = 99;
    OK(chatvault_restore_map_restore_with_grant(g, o.store, STR("acme"), STR("cust-9"),
                                                STR("conv-1/msg-1"), JAN1 + 1, shown->data,
                                                shown->len, map->data, map->len, true, &back,
                                                &withheld));
    CHECK(withheld == 2);
    CHECK(back != NULL && strstr((const char *)back->data, "138 0013 8000") != NULL);
    CHECK(back != NULL && strstr((const char *)back->data, "11010519491231002X") == NULL);
    chatvault_bytes_free(back);
    back = NULL;

    /* Malformed maps: every truncation, and a flipped magic byte. */
    for (size_t cut = 0; cut < map->len; cut++) {
        chatvault_result rc = chatvault_restore_map_len(map->data, cut, &n);
        CHECK(rc == CHATVAULT_RESULT_MALFORMED || rc == CHATVAULT_RESULT_UNSUPPORTED_VERSION);
    }
    uint8_t *copy = malloc(map->len);
    if (copy != NULL) {
        memcpy(copy, map->data, map->len);
        copy[0] ^= 1;
        EXPECT_RC(chatvault_restore_map_restore_with_keyring(o.ring, STR("cust-9"),
                                                             STR("conv-1/msg-1"), shown->data,
                                                             shown->len, copy, map->len, &back),
                  CHATVAULT_RESULT_MALFORMED);
        free(copy);
    }
    EXPECT_RC(chatvault_restore_map_len(NULL, 5, &n), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_restore_map_len(map->data, map->len, NULL), CHATVAULT_RESULT_NULL_POINTER);

    /* A finding list from another text does not fit this one. */
    EXPECT_RC(chatvault_masker_mask(m, o.ring, STR("c"), STR("r"), STR("短"), f, &shown, &map),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    /* NULL findings: nothing masked. */
    chatvault_bytes *plain = NULL, *empty = NULL;
    OK(chatvault_masker_mask(m, o.ring, STR("c"), STR("r"), STR("你好"), NULL, &plain, &empty));
    CHECK(bytes_eq(plain, "你好", strlen("你好")));
    OK(chatvault_restore_map_len(empty->data, empty->len, &n));
    CHECK(n == 0);
    chatvault_bytes_free(plain);
    chatvault_bytes_free(empty);
    EXPECT_RC(chatvault_masker_mask(m, o.ring, STR("c"), STR("r"), STR("x"), NULL, NULL, &empty),
              CHATVAULT_RESULT_NULL_POINTER);

    chatvault_agent_grant_free(g);
    chatvault_bytes_free(blob);
    chatvault_grantee_secret_free(agent);
    chatvault_bytes_free(shown);
    chatvault_bytes_free(map);
    chatvault_findings_free(f);
    chatvault_detector_free(d);
    chatvault_masker_free(m);
    owner_free(&o);
}

int main(void) {
    test_detect();
    test_stream();
    test_policy();
    test_mask_and_restore();
    return finish("test_pii");
}
