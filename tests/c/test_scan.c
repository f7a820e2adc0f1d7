/*
 * Sensitive-word scanning from C: dictionaries, loaders, policies,
 * scanners, verdicts with original spans and masked text, reload through a
 * shared scanner, and the errors of each.
 */
#include "check.h"

static const char *WORDS = "# contact words\n微信\nweixin\n";
static const char *TAGS = "大麻 drugs\n口交 rude\n冰毒 drugs,illegal\n";

struct built {
    chatvault_scan_dict *dict;
    chatvault_scan_policy *policy;
    const chatvault_scanner *scanner;
    uint8_t contact, rude;
};

static void build(struct built *b, uint32_t flags) {
    memset(b, 0, sizeof *b);
    OK(chatvault_scan_dict_new(&b->dict));
    OK(chatvault_scan_dict_category(b->dict, STR("contact"), &b->contact));
    size_t n = 0;
    OK(chatvault_scan_dict_load_plain(b->dict, STR(WORDS), b->contact, &n));
    CHECK(n == 2);
    OK(chatvault_scan_dict_load_tags(b->dict, STR(TAGS), &n));
    CHECK(n == 3);
    OK(chatvault_scan_dict_category(b->dict, STR("rude"), &b->rude));
    OK(chatvault_scan_dict_add(b->dict, STR("ass"), b->rude, true));
    OK(chatvault_scan_dict_allow(b->dict, STR("大麻烦")));
    OK(chatvault_scan_policy_new(CHATVAULT_SCAN_ACTION_REPORT, &b->policy));
    OK(chatvault_scan_policy_set(b->policy, b->contact, CHATVAULT_SCAN_DIRECTION_AGENT_TO_CUSTOMER,
                                 CHATVAULT_SCAN_ACTION_BLOCK));
    OK(chatvault_scan_policy_set(b->policy, b->rude, CHATVAULT_SCAN_DIRECTION_AGENT_TO_CUSTOMER,
                                 CHATVAULT_SCAN_ACTION_MASK));
    OK(chatvault_scan_dict_build(b->dict, flags, b->policy, &b->scanner));
}

static void unbuild(struct built *b) {
    chatvault_scanner_free(b->scanner);
    chatvault_scan_policy_free(b->policy);
    chatvault_scan_dict_free(b->dict);
}

/* Scan `text` agent-to-customer; returns the verdict (caller frees). */
static chatvault_scan_verdict *scan(const chatvault_scanner *s, const char *text) {
    chatvault_scan_verdict *v = NULL;
    OK(chatvault_scanner_scan(s, STR(text), CHATVAULT_SCAN_DIRECTION_AGENT_TO_CUSTOMER, &v));
    return v;
}

static void test_disguises_and_verdicts(void) {
    struct built b;
    build(&b, CHATVAULT_NORM_ALL);

    const char *text = "加我 微 * 信 吧";
    chatvault_scan_verdict *v = scan(b.scanner, text);
    CHECK(chatvault_scan_verdict_action(v) == CHATVAULT_SCAN_ACTION_BLOCK);
    CHECK(chatvault_scan_verdict_len(v) == 1);
    chatvault_scan_match m;
    memset(&m, 0, sizeof m);
    OK(chatvault_scan_verdict_get(v, 0, &m));
    CHECK(m.category == b.contact);
    CHECK(m.action == CHATVAULT_SCAN_ACTION_BLOCK);
    CHECK(m.end - m.start == strlen("微 * 信"));
    CHECK(memcmp(text + m.start, "微 * 信", m.end - m.start) == 0);
    CHECK(m.word_len == strlen("微信") && memcmp(m.word, "微信", m.word_len) == 0);
    EXPECT_RC(chatvault_scan_verdict_get(v, 1, &m), CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_scan_verdict_get(v, 0, NULL), CHATVAULT_RESULT_NULL_POINTER);
    chatvault_bytes *masked = (chatvault_bytes *)1;
    OK(chatvault_scan_verdict_masked(v, &masked));
    CHECK(masked == NULL);
    chatvault_scan_verdict_free(v);

    /* Full-width, traditional script and an allowed compound. */
    v = scan(b.scanner, "加ＷＥＩＸＩＮ");
    CHECK(chatvault_scan_verdict_len(v) == 1);
    chatvault_scan_verdict_free(v);
    v = scan(b.scanner, "真是大麻烦");
    CHECK(chatvault_scan_verdict_len(v) == 0);
    CHECK(chatvault_scan_verdict_action(v) == CHATVAULT_SCAN_ACTION_ALLOW);
    chatvault_scan_verdict_free(v);
    v = scan(b.scanner, "first class");
    CHECK(chatvault_scan_verdict_len(v) == 0);
    chatvault_scan_verdict_free(v);

    /* Mask: the masked text replaces just the word. */
    v = scan(b.scanner, "你个口 交");
    CHECK(chatvault_scan_verdict_action(v) == CHATVAULT_SCAN_ACTION_MASK);
    OK(chatvault_scan_verdict_masked(v, &masked));
    CHECK(masked != NULL && strcmp((const char *)masked->data, "你个* *") == 0);
    chatvault_bytes_free(masked);
    chatvault_scan_verdict_free(v);

    /* The other direction follows the default. */
    chatvault_scan_verdict *w = NULL;
    OK(chatvault_scanner_scan(b.scanner, STR("加微信"), CHATVAULT_SCAN_DIRECTION_CUSTOMER_TO_AGENT,
                              &w));
    CHECK(chatvault_scan_verdict_action(w) == CHATVAULT_SCAN_ACTION_REPORT);
    chatvault_scan_verdict_free(w);
    unbuild(&b);

    /* Without normalization only the written form matches. */
    build(&b, 0);
    v = scan(b.scanner, "加微 信");
    CHECK(chatvault_scan_verdict_len(v) == 0);
    chatvault_scan_verdict_free(v);
    v = scan(b.scanner, "加微信");
    CHECK(chatvault_scan_verdict_len(v) == 1);
    chatvault_scan_verdict_free(v);
    unbuild(&b);
}

static void test_errors(void) {
    struct built b;
    build(&b, CHATVAULT_NORM_ALL);
    chatvault_scan_verdict *v = NULL;
    const uint8_t bad[] = {0xe5, 0xbe};
    EXPECT_RC(chatvault_scanner_scan(b.scanner, bad, sizeof bad,
                                     CHATVAULT_SCAN_DIRECTION_AGENT_TO_CUSTOMER, &v),
              CHATVAULT_RESULT_UTF8);
    EXPECT_RC(chatvault_scanner_scan(b.scanner, STR("x"), 9, &v), CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_scanner_scan(NULL, STR("x"), 1, &v), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_scanner_scan(b.scanner, NULL, 3, 1, &v), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_scanner_scan(b.scanner, STR("x"), 1, NULL), CHATVAULT_RESULT_NULL_POINTER);
    CHECK(v == NULL);

    /* A malformed tags line adds nothing and names the line. */
    size_t n = 99;
    EXPECT_RC(chatvault_scan_dict_load_tags(b.dict, STR("好 drugs\n坏行\n"), &n),
              CHATVAULT_RESULT_MALFORMED);
    CHECK(n == 99);
    CHECK(last_error_has("line 2"));
    EXPECT_RC(chatvault_scan_dict_load_plain(b.dict, STR("a\n"), 63, &n),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_scan_dict_add(b.dict, STR(""), b.contact, false),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_scan_dict_add(b.dict, STR("x"), 64, false),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_scan_dict_load_plain(b.dict, bad, sizeof bad, b.contact, NULL),
              CHATVAULT_RESULT_UTF8);
    const chatvault_scanner *none = NULL;
    EXPECT_RC(chatvault_scan_dict_build(b.dict, 256, b.policy, &none),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_scan_dict_build(b.dict, CHATVAULT_NORM_ALL, NULL, &none),
              CHATVAULT_RESULT_NULL_POINTER);
    CHECK(none == NULL);
    chatvault_scan_policy *p = NULL;
    EXPECT_RC(chatvault_scan_policy_new(7, &p), CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_scan_policy_set(b.policy, 0, 3, CHATVAULT_SCAN_ACTION_BLOCK),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_scan_policy_set(b.policy, 64, 1, CHATVAULT_SCAN_ACTION_BLOCK),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    CHECK(chatvault_scan_verdict_len(NULL) == 0);
    CHECK(chatvault_scan_verdict_action(NULL) == CHATVAULT_SCAN_ACTION_ALLOW);
    chatvault_scan_verdict_free(NULL);
    chatvault_scanner_free(NULL);
    chatvault_scan_dict_free(NULL);
    chatvault_scan_policy_free(NULL);
    chatvault_shared_scanner_free(NULL);
    unbuild(&b);
}

static void test_reload(void) {
    struct built b;
    build(&b, CHATVAULT_NORM_ALL);
    const chatvault_shared_scanner *shared = NULL;
    OK(chatvault_shared_scanner_new(b.scanner, &shared));
    chatvault_scan_verdict *v = NULL;
    OK(chatvault_shared_scanner_scan(shared, STR("冰毒"), CHATVAULT_SCAN_DIRECTION_AGENT_TO_CUSTOMER,
                                     &v));
    CHECK(chatvault_scan_verdict_len(v) == 1);
    chatvault_scan_verdict_free(v);
    v = NULL;

    /* A new dictionary without 冰毒 replaces the old one. */
    chatvault_scan_dict *d2 = NULL;
    uint8_t c = 0;
    OK(chatvault_scan_dict_new(&d2));
    OK(chatvault_scan_dict_category(d2, STR("x"), &c));
    OK(chatvault_scan_dict_add(d2, STR("海洛因"), c, false));
    const chatvault_scanner *s2 = NULL;
    OK(chatvault_scan_dict_build(d2, CHATVAULT_NORM_ALL, b.policy, &s2));
    OK(chatvault_shared_scanner_replace(shared, s2));
    chatvault_scanner_free(s2); /* the shared scanner keeps its own reference */
    OK(chatvault_shared_scanner_scan(shared, STR("冰毒 海洛因"),
                                     CHATVAULT_SCAN_DIRECTION_AGENT_TO_CUSTOMER, &v));
    CHECK(chatvault_scan_verdict_len(v) == 1);
    chatvault_scan_match m;
    memset(&m, 0, sizeof m);
    OK(chatvault_scan_verdict_get(v, 0, &m));
    CHECK(m.word_len == strlen("海洛因"));
    chatvault_scan_verdict_free(v);
    EXPECT_RC(chatvault_shared_scanner_replace(shared, NULL), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_shared_scanner_new(NULL, &shared), CHATVAULT_RESULT_NULL_POINTER);
    chatvault_shared_scanner_free(shared);
    chatvault_scan_dict_free(d2);
    unbuild(&b);
}

int main(void) {
    test_disguises_and_verdicts();
    test_errors();
    test_reload();
    return finish("test_scan");
}
