/*
 * Retention policies from C: loading and its refusals, rule names, hashes,
 * records with every setter, evaluation (keep, restrict after an erasure
 * request, shred once due, a legal hold keeping), batches, plans,
 * explanations and forged decisions, the preservation lock, and NULLs.
 *
 * Expected times are worked out from the civil calendar in the comments
 * (2026-01-01 is JAN1; 2028 is a leap year).
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>

#include "check.h"

/* The policy file, with its version, its "locked" flag and the floor of
 * rule "complaints" left open. Rules, by number: 0 logs, 1 complaints,
 * 2 eu-web, 3 disputes, 4 app-archive, 5 sales-review, 6 default. */
static const char *POLICY_FMT =
    "{\"chatvault_retention\": 1, \"name\": \"acme\", \"version\": %u,\n"
    " \"locked\": %s, \"description\": \"C ABI test policy\",\n"
    " \"vocabulary\": {\"categories\": [\"complaint\", \"general\"],\n"
    "   \"regions\": [\"CN\", \"EU\"], \"channels\": [\"web\", \"app\"],\n"
    "   \"departments\": [\"sales\", \"support\"], \"events\": [\"dispute_resolved\"]},\n"
    " \"erasure\": {\"action\": \"shred\", \"within\": \"30d\"},\n"
    " \"grace\": \"2w\",\n"
    " \"rules\": [\n"
    "  {\"name\": \"logs\", \"template\": \"cn-csl-network-logs\"},\n"
    "  {\"name\": \"complaints\", \"select\": {\"category\": [\"complaint\"]},\n"
    "   \"floor\": \"%s\", \"ceiling\": \"3y\", \"from\": \"closed\", \"action\": \"shred\",\n"
    "   \"note\": \"complaint handling records\"},\n"
    "  {\"name\": \"eu-web\", \"select\": {\"region\": [\"EU\"], \"channel\": [\"web\"],\n"
    "   \"tags_any\": [\"vip\", \"press\"]},\n"
    "   \"except\": {\"department\": [\"sales\"], \"tags\": [\"litigation\"]},\n"
    "   \"ceiling\": \"2y\", \"from\": \"last_activity\", \"action\": \"delete\"},\n"
    "  {\"name\": \"disputes\", \"select\": {\"tags_all\": [\"dispute\"]}, \"floor\": \"6m\",\n"
    "   \"from\": \"event:dispute_resolved\"},\n"
    "  {\"name\": \"app-archive\", \"select\": {\"channel\": [\"app\"]}, \"ceiling\": \"1y\",\n"
    "   \"from\": \"created\", \"action\": \"archive\"},\n"
    "  {\"name\": \"sales-review\", \"select\": {\"department\": [\"sales\"]},\n"
    "   \"ceiling\": \"1y\", \"from\": \"last_activity\", \"action\": \"review\"},\n"
    "  {\"name\": \"default\", \"ceiling\": \"2y\", \"from\": \"last_activity\",\n"
    "   \"action\": \"delete\"}\n"
    " ]}\n";

static const char *RULES[] = {"logs",        "complaints",   "eu-web", "disputes",
                              "app-archive", "sales-review", "default"};
#define NRULES (sizeof RULES / sizeof RULES[0])
enum { LOGS, COMPLAINTS, EU_WEB, DISPUTES, APP_ARCHIVE, SALES_REVIEW, DEFAULT };

static char policy_text[4096];

static const char *policy_json(unsigned version, const char *locked, const char *floor) {
    int n = snprintf(policy_text, sizeof policy_text, POLICY_FMT, version, locked, floor);
    CHECK(n > 0 && (size_t)n < sizeof policy_text);
    return policy_text;
}

static const chatvault_retention_policy *load(unsigned version, const char *locked,
                                              const char *floor) {
    const chatvault_retention_policy *p = NULL;
    OK(chatvault_retention_policy_load(STR(policy_json(version, locked, floor)), &p));
    return p;
}

static int applies(const chatvault_retention_decision *d, unsigned rule) {
    return (d->applied[rule / 64] >> (rule % 64)) & 1;
}

static chatvault_retention_decision evaluate(const chatvault_retention_policy *p,
                                             const chatvault_retention_record *r, int64_t now) {
    chatvault_retention_decision d;
    memset(&d, 0, sizeof d);
    OK(chatvault_retention_evaluate(p, r, now, &d));
    return d;
}

static int same_decision(const chatvault_retention_decision *a,
                         const chatvault_retention_decision *b) {
    return a->action == b->action && a->end == b->end &&
           a->has_not_before == b->has_not_before && a->not_before == b->not_before &&
           a->has_deadline == b->has_deadline && a->deadline == b->deadline &&
           a->rule == b->rule && a->ceiling_rule == b->ceiling_rule &&
           a->floor_rule == b->floor_rule && a->has_floor_end == b->has_floor_end &&
           a->floor_end == b->floor_end && a->tie_break == b->tie_break &&
           a->restricted == b->restricted && a->held == b->held &&
           memcmp(a->applied, b->applied, sizeof a->applied) == 0 && a->now == b->now &&
           memcmp(a->policy_hash, b->policy_hash, sizeof a->policy_hash) == 0;
}

/* A closed complaint from China on the web: rules logs, complaints and
 * default apply. */
static chatvault_retention_record *complaint(void) {
    chatvault_retention_record *r = NULL;
    OK(chatvault_retention_record_new(STR("complaint"), JAN1, &r));
    OK(chatvault_retention_record_set_attribute(r, CHATVAULT_RETENTION_DIMENSION_REGION,
                                                 STR("CN")));
    OK(chatvault_retention_record_set_attribute(r, CHATVAULT_RETENTION_DIMENSION_CHANNEL,
                                                 STR("web")));
    OK(chatvault_retention_record_set_attribute(r, CHATVAULT_RETENTION_DIMENSION_DEPARTMENT,
                                                 STR("support")));
    OK(chatvault_retention_record_set_time(r, CHATVAULT_RETENTION_CLOCK_CLOSED, JAN1 + 10 * DAY));
    return r;
}

static void test_load(void) {
    const chatvault_retention_policy *p = load(1, "true", "1y");
    CHECK(p != NULL);
    CHECK(chatvault_retention_policy_rule_count(p) == NRULES);
    CHECK(chatvault_retention_policy_rule_count(NULL) == 0);
    uint64_t version = 0;
    OK(chatvault_retention_policy_version(p, &version));
    CHECK(version == 1);
    EXPECT_RC(chatvault_retention_policy_version(p, NULL), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_retention_policy_version(NULL, &version), CHATVAULT_RESULT_NULL_POINTER);

    /* Rule names, in file order. */
    char name[32];
    size_t written = 0;
    for (size_t i = 0; i < NRULES; i++) {
        OK(chatvault_retention_policy_rule_name(p, i, name, sizeof name, &written));
        CHECK(strcmp(name, RULES[i]) == 0);
        CHECK(written == strlen(RULES[i]) + 1);
    }
    /* A short buffer says how much is needed and writes nothing. */
    memset(name, 'x', sizeof name);
    EXPECT_RC(chatvault_retention_policy_rule_name(p, COMPLAINTS, name, 4, &written),
              CHATVAULT_RESULT_BUFFER_TOO_SMALL);
    CHECK(written == strlen("complaints") + 1);
    CHECK(name[0] == 'x');
    CHECK(last_error_has("needs 11 bytes"));
    written = 0;
    EXPECT_RC(chatvault_retention_policy_rule_name(p, LOGS, NULL, 0, &written),
              CHATVAULT_RESULT_BUFFER_TOO_SMALL);
    CHECK(written == strlen("logs") + 1);
    OK(chatvault_retention_policy_rule_name(p, LOGS, name, written, &written));
    CHECK(strcmp(name, "logs") == 0);
    EXPECT_RC(chatvault_retention_policy_rule_name(p, NRULES, name, sizeof name, &written),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    CHECK(last_error_has("index 7"));
    EXPECT_RC(chatvault_retention_policy_rule_name(p, 0, name, sizeof name, NULL),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_retention_policy_rule_name(p, 0, NULL, 5, &written),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_retention_policy_rule_name(NULL, 0, name, sizeof name, &written),
              CHATVAULT_RESULT_NULL_POINTER);

    /* The hash is of the exact bytes: the same text gives the same hash,
     * another version another one. */
    uint8_t h1[CHATVAULT_RETENTION_HASH_LEN], h2[CHATVAULT_RETENTION_HASH_LEN];
    uint8_t h3[CHATVAULT_RETENTION_HASH_LEN];
    OK(chatvault_retention_policy_hash(p, h1, sizeof h1));
    const chatvault_retention_policy *again = load(1, "true", "1y");
    const chatvault_retention_policy *v2 = load(2, "true", "1y");
    OK(chatvault_retention_policy_hash(again, h2, sizeof h2));
    OK(chatvault_retention_policy_hash(v2, h3, sizeof h3));
    CHECK(memcmp(h1, h2, sizeof h1) == 0);
    CHECK(memcmp(h1, h3, sizeof h1) != 0);
    EXPECT_RC(chatvault_retention_policy_hash(p, h2, sizeof h2 - 1),
              CHATVAULT_RESULT_BUFFER_TOO_SMALL);
    EXPECT_RC(chatvault_retention_policy_hash(p, NULL, sizeof h2), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_retention_policy_hash(NULL, h2, sizeof h2), CHATVAULT_RESULT_NULL_POINTER);
    chatvault_retention_policy_free(again);
    chatvault_retention_policy_free(v2);
    chatvault_retention_policy_free(p);
}

static void expect_refused(const char *json, chatvault_result want, const char *needle) {
    const chatvault_retention_policy *p = NULL;
    EXPECT_RC(chatvault_retention_policy_load(STR(json), &p), want);
    CHECK(p == NULL);
    if (!last_error_has(needle)) {
        check_failures++;
        fprintf(stderr, "last error \"%s\" does not name \"%s\"\n", last_error(), needle);
    }
}

static void test_load_refusals(void) {
    expect_refused("{\"chatvault_retention\": 1,", CHATVAULT_RESULT_POLICY, "not JSON");
    expect_refused("{\"chatvault_retention\": 1, \"name\": \"x\", \"version\": 1,"
                   " \"colour\": \"red\", \"vocabulary\": {\"categories\": [\"a\"]},"
                   " \"rules\": [{\"name\": \"r\", \"ceiling\": \"1y\", \"action\": \"delete\"}]}",
                   CHATVAULT_RESULT_POLICY, "colour: unknown field");
    const char *short_ceiling =
        "{\"chatvault_retention\": 1, \"name\": \"x\", \"version\": 1,"
        " \"vocabulary\": {\"categories\": [\"a\"]},"
        " \"rules\": [{\"name\": \"short\", \"floor\": \"1y\", \"ceiling\": \"6m\","
        " \"action\": \"delete\"}]}";
    expect_refused(short_ceiling, CHATVAULT_RESULT_POLICY, "rule \"short\" (rules[0].ceiling)");
    CHECK(last_error_has("can end before"));
    /* Every problem is listed, not just the first. */
    expect_refused("{\"chatvault_retention\": 1, \"name\": \"x\", \"version\": 1,"
                   " \"colour\": \"red\", \"vocabulary\": {\"categories\": [\"a\"]},"
                   " \"rules\": [{\"name\": \"short\", \"floor\": \"1y\", \"ceiling\": \"6m\","
                   " \"action\": \"delete\"}, {\"name\": \"b\", \"select\": {\"category\":"
                   " [\"nope\"]}, \"floor\": \"1d\"}]}",
                   CHATVAULT_RESULT_POLICY, "3 problems");
    CHECK(last_error_has("colour") && last_error_has("\"short\"") && last_error_has("\"nope\""));

    /* Not UTF-8: the code of every string of the API. */
    const uint8_t bad[] = "{\"chatvault_retention\": 1, \"name\": \"\xff\"}";
    const chatvault_retention_policy *p = NULL;
    EXPECT_RC(chatvault_retention_policy_load(bad, sizeof bad - 1, &p), CHATVAULT_RESULT_UTF8);
    CHECK(p == NULL);
    EXPECT_RC(chatvault_retention_policy_load(NULL, 5, &p), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_retention_policy_load(NULL, 0, &p), CHATVAULT_RESULT_POLICY);
    EXPECT_RC(chatvault_retention_policy_load(STR(policy_json(1, "true", "1y")), NULL),
              CHATVAULT_RESULT_NULL_POINTER);
    CHECK(p == NULL);
}

static void test_record_errors(void) {
    chatvault_retention_record *r = NULL;
    const uint8_t bad[] = {'a', 0xc3};
    EXPECT_RC(chatvault_retention_record_new(bad, sizeof bad, JAN1, &r), CHATVAULT_RESULT_UTF8);
    EXPECT_RC(chatvault_retention_record_new(NULL, 3, JAN1, &r), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_retention_record_new(STR("general"), JAN1, NULL),
              CHATVAULT_RESULT_NULL_POINTER);
    CHECK(r == NULL);
    OK(chatvault_retention_record_new(NULL, 0, JAN1, &r)); /* an empty category */
    EXPECT_RC(chatvault_retention_record_set_attribute(r, 4, STR("x")),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    CHECK(last_error_has("dimension 4"));
    EXPECT_RC(chatvault_retention_record_set_attribute(r, CHATVAULT_RETENTION_DIMENSION_REGION,
                                                       bad, sizeof bad),
              CHATVAULT_RESULT_UTF8);
    EXPECT_RC(chatvault_retention_record_set_time(r, 0, JAN1), CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_retention_record_set_time(r, 7, JAN1), CHATVAULT_RESULT_INVALID_ARGUMENT);
    CHECK(last_error_has("clock 7"));
    EXPECT_RC(chatvault_retention_record_clear_time(r, 7), CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_retention_record_add_tag(r, NULL, 1), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_retention_record_add_event(r, bad, sizeof bad, JAN1),
              CHATVAULT_RESULT_UTF8);
    EXPECT_RC(chatvault_retention_record_add_hold(r, JAN1, STR("legal"), NULL, 2),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_retention_record_release_hold(r, 0, JAN1, STR("legal")),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    CHECK(last_error_has("hold 0 past the 0 holds"));

    /* NULL records. */
    EXPECT_RC(chatvault_retention_record_set_attribute(NULL, 0, STR("x")),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_retention_record_add_tag(NULL, STR("x")), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_retention_record_set_time(NULL, 1, JAN1), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_retention_record_clear_time(NULL, 1), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_retention_record_add_event(NULL, STR("x"), JAN1),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_retention_record_add_hold(NULL, JAN1, STR("a"), STR("b")),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_retention_record_release_hold(NULL, 0, JAN1, STR("a")),
              CHATVAULT_RESULT_NULL_POINTER);

    /* Times are checked when the record is evaluated. */
    const chatvault_retention_policy *p = load(1, "true", "1y");
    chatvault_retention_decision d;
    OK(chatvault_retention_record_add_hold(r, JAN1 + 5 * DAY, STR("legal"), STR("case 7")));
    OK(chatvault_retention_record_release_hold(r, 0, JAN1 + 2 * DAY, STR("legal")));
    EXPECT_RC(chatvault_retention_evaluate(p, r, JAN1 + 9 * DAY, &d),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    CHECK(last_error_has("before it was set"));
    EXPECT_RC(chatvault_retention_record_release_hold(r, 0, JAN1 + 6 * DAY, STR("legal")),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    CHECK(last_error_has("already released"));
    chatvault_retention_record_free(r);

    r = NULL;
    OK(chatvault_retention_record_new(STR("general"), -1, &r));
    EXPECT_RC(chatvault_retention_evaluate(p, r, JAN1, &d), CHATVAULT_RESULT_INVALID_ARGUMENT);
    CHECK(last_error_has("created -1"));
    OK(chatvault_retention_record_set_time(r, CHATVAULT_RETENTION_CLOCK_LAST_ACTIVITY, JAN1));
    chatvault_retention_record_free(r);

    OK(chatvault_retention_record_new(STR("general"), JAN1, &r));
    EXPECT_RC(chatvault_retention_evaluate(p, r, -1, &d), CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_retention_evaluate(p, r, JAN1, NULL), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_retention_evaluate(p, NULL, JAN1, &d), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_retention_evaluate(NULL, r, JAN1, &d), CHATVAULT_RESULT_NULL_POINTER);
    chatvault_retention_record_free(r);
    chatvault_retention_policy_free(p);
}

static void test_keep_restrict_shred_hold(void) {
    const chatvault_retention_policy *p = load(1, "true", "1y");
    uint8_t hash[CHATVAULT_RETENTION_HASH_LEN];
    OK(chatvault_retention_policy_hash(p, hash, sizeof hash));
    chatvault_retention_record *r = complaint();

    /* Keep. Closed 2026-01-11 (JAN1 + 10 days): the complaint's ceiling
     * of three years ends 2029-01-11, 1096 days later, and its one-year
     * floor 2027-01-11, 365 days later; the catch-all two-year ceiling
     * would end sooner, but the explicit rule governs. */
    chatvault_retention_decision d = evaluate(p, r, JAN1 + 400 * DAY);
    CHECK(d.action == CHATVAULT_RETENTION_ACTION_KEEP);
    CHECK(d.end == CHATVAULT_RETENTION_END_SHRED);
    CHECK(d.has_not_before && d.not_before == JAN1 + (10 + 1096) * DAY);
    CHECK(d.has_deadline && d.deadline == d.not_before + 14 * DAY); /* grace 2w */
    CHECK(d.rule == COMPLAINTS && d.ceiling_rule == COMPLAINTS);
    CHECK(d.floor_rule == COMPLAINTS);
    CHECK(d.has_floor_end && d.floor_end == JAN1 + (10 + 365) * DAY);
    CHECK(d.tie_break == CHATVAULT_RETENTION_TIE_BREAK_EXPLICIT_OVER_IMPLICIT);
    CHECK(!d.restricted && !d.held);
    CHECK(applies(&d, LOGS) && applies(&d, COMPLAINTS) && applies(&d, DEFAULT));
    CHECK(!applies(&d, EU_WEB) && !applies(&d, DISPUTES) && !applies(&d, APP_ARCHIVE));
    CHECK(d.applied[1] == 0 && d.applied[2] == 0 && d.applied[3] == 0);
    CHECK(d.now == JAN1 + 400 * DAY);
    CHECK(memcmp(d.policy_hash, hash, sizeof hash) == 0);

    /* Erasure requested on day 20: use stops at once, the shred waits for
     * the floor and must be done within the policy's 30 days. */
    OK(chatvault_retention_record_set_time(r, CHATVAULT_RETENTION_CLOCK_ERASURE_REQUESTED,
                                           JAN1 + 20 * DAY));
    d = evaluate(p, r, JAN1 + 30 * DAY);
    CHECK(d.action == CHATVAULT_RETENTION_ACTION_RESTRICT);
    CHECK(d.restricted && !d.held);
    CHECK(d.end == CHATVAULT_RETENTION_END_SHRED);
    CHECK(d.has_not_before && d.not_before == JAN1 + 375 * DAY);
    CHECK(d.has_deadline && d.deadline == JAN1 + 405 * DAY);
    CHECK(d.tie_break == CHATVAULT_RETENTION_TIE_BREAK_ERASURE_AFTER_FLOOR);
    CHECK(d.rule == COMPLAINTS && d.ceiling_rule == CHATVAULT_RETENTION_NO_RULE);

    /* Shred once due, not a second earlier. */
    d = evaluate(p, r, JAN1 + 375 * DAY - 1);
    CHECK(d.action == CHATVAULT_RETENTION_ACTION_RESTRICT);
    d = evaluate(p, r, JAN1 + 375 * DAY);
    CHECK(d.action == CHATVAULT_RETENTION_ACTION_SHRED);
    d = evaluate(p, r, JAN1 + 400 * DAY);
    CHECK(d.action == CHATVAULT_RETENTION_ACTION_SHRED);

    /* A legal hold set on day 25 keeps it: no end while it lasts. */
    OK(chatvault_retention_record_add_hold(r, JAN1 + 25 * DAY, STR("legal"), STR("case 42")));
    d = evaluate(p, r, JAN1 + 400 * DAY);
    CHECK(d.action == CHATVAULT_RETENTION_ACTION_RESTRICT);
    CHECK(d.held && d.restricted);
    CHECK(d.end == CHATVAULT_RETENTION_END_SHRED);
    CHECK(!d.has_not_before && !d.has_deadline);
    CHECK(d.tie_break == CHATVAULT_RETENTION_TIE_BREAK_LEGAL_HOLD);
    CHECK(d.rule == CHATVAULT_RETENTION_NO_RULE);

    /* Released on day 500: the shred is due from then. */
    OK(chatvault_retention_record_release_hold(r, 0, JAN1 + 500 * DAY, STR("legal")));
    EXPECT_RC(chatvault_retention_record_release_hold(r, 0, JAN1 + 501 * DAY, STR("legal")),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_retention_record_release_hold(r, 1, JAN1 + 501 * DAY, STR("legal")),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    d = evaluate(p, r, JAN1 + 450 * DAY);
    CHECK(d.action == CHATVAULT_RETENTION_ACTION_RESTRICT && d.held);
    CHECK(d.has_not_before && d.not_before == JAN1 + 500 * DAY);
    d = evaluate(p, r, JAN1 + 600 * DAY);
    CHECK(d.action == CHATVAULT_RETENTION_ACTION_SHRED && !d.held);
    CHECK(d.has_not_before && d.not_before == JAN1 + 500 * DAY);

    /* Still open: the complaint's clocks have not started. */
    chatvault_retention_record *open = NULL;
    OK(chatvault_retention_record_new(STR("complaint"), JAN1, &open));
    d = evaluate(p, open, JAN1 + 400 * DAY);
    CHECK(d.action == CHATVAULT_RETENTION_ACTION_KEEP);
    CHECK(d.end == CHATVAULT_RETENTION_END_NONE && !d.has_not_before);
    CHECK(d.floor_rule == COMPLAINTS && !d.has_floor_end);
    CHECK(d.tie_break == CHATVAULT_RETENTION_TIE_BREAK_AWAITING_CLOCK);
    /* Closing it starts them; clearing the time stops them again. */
    OK(chatvault_retention_record_set_time(open, CHATVAULT_RETENTION_CLOCK_CLOSED, JAN1));
    d = evaluate(p, open, JAN1 + 400 * DAY);
    CHECK(d.end == CHATVAULT_RETENTION_END_SHRED && d.has_not_before);
    OK(chatvault_retention_record_clear_time(open, CHATVAULT_RETENTION_CLOCK_CLOSED));
    d = evaluate(p, open, JAN1 + 400 * DAY);
    CHECK(d.end == CHATVAULT_RETENTION_END_NONE);
    chatvault_retention_record_free(open);
    chatvault_retention_record_free(r);
    chatvault_retention_policy_free(p);
}

static void test_every_setter(void) {
    const chatvault_retention_policy *p = load(1, "true", "1y");

    /* Region, channel, department and tags select eu-web; its ceiling of two
     * years counts from the last activity, 2026-04-11 (JAN1 + 100 days), and
     * ends 2028-04-11, 731 days later. */
    chatvault_retention_record *r = NULL;
    OK(chatvault_retention_record_new(STR("general"), JAN1, &r));
    OK(chatvault_retention_record_set_attribute(r, CHATVAULT_RETENTION_DIMENSION_REGION,
                                                 STR("EU")));
    OK(chatvault_retention_record_set_attribute(r, CHATVAULT_RETENTION_DIMENSION_CHANNEL,
                                                 STR("web")));
    OK(chatvault_retention_record_set_attribute(r, CHATVAULT_RETENTION_DIMENSION_DEPARTMENT,
                                                 STR("support")));
    chatvault_retention_decision d = evaluate(p, r, JAN1);
    CHECK(!applies(&d, EU_WEB)); /* no tag of tags_any yet */
    OK(chatvault_retention_record_add_tag(r, STR("vip")));
    OK(chatvault_retention_record_set_time(r, CHATVAULT_RETENTION_CLOCK_LAST_ACTIVITY,
                                           JAN1 + 100 * DAY));
    d = evaluate(p, r, JAN1 + 200 * DAY);
    CHECK(applies(&d, LOGS) && applies(&d, EU_WEB) && applies(&d, DEFAULT));
    CHECK(!applies(&d, COMPLAINTS) && !applies(&d, SALES_REVIEW));
    CHECK(d.action == CHATVAULT_RETENTION_ACTION_KEEP);
    CHECK(d.end == CHATVAULT_RETENTION_END_DELETE && d.ceiling_rule == EU_WEB);
    CHECK(d.has_not_before && d.not_before == JAN1 + (100 + 731) * DAY);

    /* The category is an attribute too. */
    OK(chatvault_retention_record_set_attribute(r, CHATVAULT_RETENTION_DIMENSION_CATEGORY,
                                                 STR("complaint")));
    d = evaluate(p, r, JAN1 + 200 * DAY);
    CHECK(applies(&d, COMPLAINTS));
    OK(chatvault_retention_record_set_attribute(r, CHATVAULT_RETENTION_DIMENSION_CATEGORY,
                                                 STR("general")));
    /* The department sales is excepted from eu-web and reviewed. */
    OK(chatvault_retention_record_set_attribute(r, CHATVAULT_RETENTION_DIMENSION_DEPARTMENT,
                                                 STR("sales")));
    d = evaluate(p, r, JAN1 + 200 * DAY);
    CHECK(!applies(&d, EU_WEB) && applies(&d, SALES_REVIEW));
    /* So is the tag litigation. */
    OK(chatvault_retention_record_set_attribute(r, CHATVAULT_RETENTION_DIMENSION_DEPARTMENT,
                                                 STR("support")));
    OK(chatvault_retention_record_add_tag(r, STR("litigation")));
    d = evaluate(p, r, JAN1 + 200 * DAY);
    CHECK(!applies(&d, EU_WEB) && applies(&d, DEFAULT));
    chatvault_retention_record_free(r);

    /* Withdrawn consent restricts at once and waits for the six-month log
     * floor (2026-07-01, JAN1 + 181 days); clearing it lifts both. */
    OK(chatvault_retention_record_new(STR("general"), JAN1, &r));
    OK(chatvault_retention_record_set_time(r, CHATVAULT_RETENTION_CLOCK_CONSENT_WITHDRAWN,
                                           JAN1 + 50 * DAY));
    d = evaluate(p, r, JAN1 + 60 * DAY);
    CHECK(d.action == CHATVAULT_RETENTION_ACTION_RESTRICT && d.restricted);
    CHECK(d.end == CHATVAULT_RETENTION_END_SHRED && d.floor_rule == LOGS);
    CHECK(d.has_not_before && d.not_before == JAN1 + 181 * DAY);
    OK(chatvault_retention_record_clear_time(r, CHATVAULT_RETENTION_CLOCK_CONSENT_WITHDRAWN));
    d = evaluate(p, r, JAN1 + 60 * DAY);
    CHECK(d.action == CHATVAULT_RETENTION_ACTION_KEEP && !d.restricted);
    chatvault_retention_record_free(r);

    /* An event starts the disputes floor: six months from 2026-04-11 is
     * 2026-10-11 (183 days); the latest occurrence, 2026-05-01 (JAN1 + 120
     * days), counts: 2026-11-01 (184 days). */
    OK(chatvault_retention_record_new(STR("general"), JAN1, &r));
    OK(chatvault_retention_record_add_tag(r, STR("dispute")));
    d = evaluate(p, r, JAN1 + 10 * DAY);
    CHECK(applies(&d, DISPUTES) && d.floor_rule == DISPUTES && !d.has_floor_end);
    OK(chatvault_retention_record_add_event(r, STR("dispute_resolved"), JAN1 + 100 * DAY));
    d = evaluate(p, r, JAN1 + 110 * DAY);
    CHECK(d.floor_rule == DISPUTES && d.has_floor_end && d.floor_end == JAN1 + 283 * DAY);
    OK(chatvault_retention_record_add_event(r, STR("dispute_resolved"), JAN1 + 120 * DAY));
    d = evaluate(p, r, JAN1 + 130 * DAY);
    CHECK(d.floor_rule == DISPUTES && d.has_floor_end && d.floor_end == JAN1 + 304 * DAY);
    chatvault_retention_record_free(r);

    /* Archive after a year on the app; once archived, that is done. */
    OK(chatvault_retention_record_new(STR("general"), JAN1, &r));
    OK(chatvault_retention_record_set_attribute(r, CHATVAULT_RETENTION_DIMENSION_CHANNEL,
                                                 STR("app")));
    d = evaluate(p, r, JAN1 + 400 * DAY);
    CHECK(d.action == CHATVAULT_RETENTION_ACTION_ARCHIVE);
    CHECK(d.end == CHATVAULT_RETENTION_END_ARCHIVE && d.ceiling_rule == APP_ARCHIVE);
    CHECK(d.has_not_before && d.not_before == JAN1 + 365 * DAY);
    OK(chatvault_retention_record_set_time(r, CHATVAULT_RETENTION_CLOCK_ARCHIVED,
                                           JAN1 + 366 * DAY));
    d = evaluate(p, r, JAN1 + 400 * DAY);
    CHECK(d.action != CHATVAULT_RETENTION_ACTION_ARCHIVE);
    CHECK(d.end != CHATVAULT_RETENTION_END_ARCHIVE);
    chatvault_retention_record_free(r);

    /* Review after a year in sales; once reviewed after that, it is done. */
    OK(chatvault_retention_record_new(STR("general"), JAN1, &r));
    OK(chatvault_retention_record_set_attribute(r, CHATVAULT_RETENTION_DIMENSION_DEPARTMENT,
                                                 STR("sales")));
    d = evaluate(p, r, JAN1 + 400 * DAY);
    CHECK(d.action == CHATVAULT_RETENTION_ACTION_REVIEW);
    CHECK(d.end == CHATVAULT_RETENTION_END_REVIEW && d.ceiling_rule == SALES_REVIEW);
    OK(chatvault_retention_record_set_time(r, CHATVAULT_RETENTION_CLOCK_REVIEWED,
                                           JAN1 + 380 * DAY));
    d = evaluate(p, r, JAN1 + 400 * DAY);
    CHECK(d.action != CHATVAULT_RETENTION_ACTION_REVIEW);
    CHECK(d.end != CHATVAULT_RETENTION_END_REVIEW);
    chatvault_retention_record_free(r);
    chatvault_retention_policy_free(p);
}

static void test_batch(void) {
    const chatvault_retention_policy *p = load(1, "true", "1y");
    chatvault_retention_record *a = complaint();
    chatvault_retention_record *b = NULL, *c = NULL, *bad = NULL;
    OK(chatvault_retention_record_new(STR("general"), JAN1, &b));
    OK(chatvault_retention_record_new(STR("general"), JAN1 + 50 * DAY, &c));
    OK(chatvault_retention_record_set_attribute(c, CHATVAULT_RETENTION_DIMENSION_CHANNEL,
                                                 STR("app")));
    OK(chatvault_retention_record_new(STR("general"), -DAY, &bad));
    const chatvault_retention_record *records[] = {a, b, c};
    chatvault_retention_decision out[3];
    int64_t now = JAN1 + 500 * DAY;
    OK(chatvault_retention_evaluate_batch(p, records, 3, now, out));
    for (size_t i = 0; i < 3; i++) {
        chatvault_retention_decision one = evaluate(p, records[i], now);
        CHECK(same_decision(&out[i], &one));
    }
    CHECK(out[2].action == CHATVAULT_RETENTION_ACTION_ARCHIVE);

    /* All or nothing: the failing record is named and nothing is written. */
    const chatvault_retention_record *with_bad[] = {a, bad, c};
    chatvault_retention_decision before[3];
    memset(out, 0xab, sizeof out);
    memcpy(before, out, sizeof out);
    EXPECT_RC(chatvault_retention_evaluate_batch(p, with_bad, 3, now, out),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    CHECK(last_error_has("records[1]: record created -86400"));
    CHECK(memcmp(before, out, sizeof out) == 0);
    const chatvault_retention_record *with_null[] = {a, NULL};
    EXPECT_RC(chatvault_retention_evaluate_batch(p, with_null, 2, now, out),
              CHATVAULT_RESULT_NULL_POINTER);
    CHECK(last_error_has("records[1] is NULL"));
    EXPECT_RC(chatvault_retention_evaluate_batch(p, records, 3, -1, out),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    CHECK(last_error_has("now -1") && !last_error_has("records["));
    CHECK(memcmp(before, out, sizeof out) == 0);
    EXPECT_RC(chatvault_retention_evaluate_batch(p, NULL, 2, now, out),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_retention_evaluate_batch(p, records, 3, now, NULL),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_retention_evaluate_batch(NULL, records, 3, now, out),
              CHATVAULT_RESULT_NULL_POINTER);
    OK(chatvault_retention_evaluate_batch(p, NULL, 0, now, NULL)); /* empty */
    chatvault_retention_record_free(a);
    chatvault_retention_record_free(b);
    chatvault_retention_record_free(c);
    chatvault_retention_record_free(bad);
    chatvault_retention_policy_free(p);
}

static void test_plan(void) {
    const chatvault_retention_policy *p = load(1, "true", "1y");
    /* General conversations: deleted two years after their last activity
     * (their creation). Created JAN1, +10 and +5 days, they are due on
     * 2028-01-01 (JAN1 + 730 days), +740 and +735; created +400 days, in
     * 2029; created 40 days before JAN1, at JAN1 + 690 days. */
    const int64_t created[] = {JAN1, JAN1 + 10 * DAY, JAN1 + 5 * DAY, JAN1 + 400 * DAY,
                               JAN1 - 40 * DAY};
    enum { N = sizeof created / sizeof created[0] };
    chatvault_retention_record *recs[N];
    const chatvault_retention_record *view[N];
    for (size_t i = 0; i < N; i++) {
        recs[i] = NULL;
        OK(chatvault_retention_record_new(STR("general"), created[i], &recs[i]));
        view[i] = recs[i];
    }
    int64_t from = JAN1 + 700 * DAY, to = JAN1 + 760 * DAY;

    /* Too short: nothing written, the count needed. */
    size_t idx[N], count = 0;
    for (size_t i = 0; i < N; i++) idx[i] = 77;
    EXPECT_RC(chatvault_retention_plan(p, view, N, from, to, idx, 2, &count),
              CHATVAULT_RESULT_BUFFER_TOO_SMALL);
    CHECK(count == 3);
    CHECK(idx[0] == 77 && idx[1] == 77);
    CHECK(last_error_has("needs 3 entries, got 2"));
    count = 0;
    EXPECT_RC(chatvault_retention_plan(p, view, N, from, to, NULL, 0, &count),
              CHATVAULT_RESULT_BUFFER_TOO_SMALL);
    CHECK(count == 3);

    /* Soonest first. */
    OK(chatvault_retention_plan(p, view, N, from, to, idx, N, &count));
    CHECK(count == 3);
    CHECK(idx[0] == 0 && idx[1] == 2 && idx[2] == 1);
    CHECK(idx[3] == 77);
    /* And the same from the decisions at `to`: listed exactly when due in
     * the window, in order. */
    int64_t last = from;
    for (size_t k = 0; k < count; k++) {
        chatvault_retention_decision d = evaluate(p, view[idx[k]], to);
        CHECK(d.has_not_before && d.not_before >= last && d.not_before < to);
        last = d.not_before;
    }
    for (size_t i = 0; i < N; i++) {
        int listed = 0;
        for (size_t k = 0; k < count; k++) listed |= idx[k] == i;
        chatvault_retention_decision d = evaluate(p, view[i], to);
        CHECK(listed == (d.has_not_before && d.not_before >= from && d.not_before < to));
    }

    /* An empty window, a window backwards, bad pointers. */
    OK(chatvault_retention_plan(p, view, N, from, from, NULL, 0, &count));
    CHECK(count == 0);
    EXPECT_RC(chatvault_retention_plan(p, view, N, to, from, idx, N, &count),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    EXPECT_RC(chatvault_retention_plan(p, view, N, from, to, idx, N, NULL),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_retention_plan(p, view, N, from, to, NULL, 3, &count),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_retention_plan(p, NULL, N, from, to, idx, N, &count),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_retention_plan(NULL, view, N, from, to, idx, N, &count),
              CHATVAULT_RESULT_NULL_POINTER);
    OK(chatvault_retention_plan(p, NULL, 0, from, to, NULL, 0, &count));
    CHECK(count == 0);
    for (size_t i = 0; i < N; i++) chatvault_retention_record_free(recs[i]);
    chatvault_retention_policy_free(p);
}

static void expect_forged(const chatvault_retention_policy *p,
                          const chatvault_retention_decision *d, const char *needle) {
    char buf[64];
    size_t written = 0;
    EXPECT_RC(chatvault_retention_explain(p, d, buf, sizeof buf, &written),
              CHATVAULT_RESULT_INVALID_ARGUMENT);
    if (!last_error_has(needle)) {
        check_failures++;
        fprintf(stderr, "last error \"%s\" does not name \"%s\"\n", last_error(), needle);
    }
}

static void test_explain(void) {
    const chatvault_retention_policy *p = load(1, "true", "1y");
    chatvault_retention_record *r = complaint();
    chatvault_retention_decision d = evaluate(p, r, JAN1 + 400 * DAY);

    size_t need = 0;
    EXPECT_RC(chatvault_retention_explain(p, &d, NULL, 0, &need),
              CHATVAULT_RESULT_BUFFER_TOO_SMALL);
    CHECK(need > 1);
    char *text = malloc(need);
    CHECK(text != NULL);
    size_t written = 0;
    memset(text, 'x', need);
    EXPECT_RC(chatvault_retention_explain(p, &d, text, need - 1, &written),
              CHATVAULT_RESULT_BUFFER_TOO_SMALL);
    CHECK(written == need && text[0] == 'x');
    CHECK(last_error_has("explanation needs"));
    OK(chatvault_retention_explain(p, &d, text, need, &written));
    CHECK(written == need && strlen(text) == need - 1);
    CHECK(strstr(text, "Keep") == text);
    CHECK(strstr(text, "rule \"complaints\"") != NULL);
    CHECK(strstr(text, "2029-01-11") != NULL); /* the shred */
    CHECK(strstr(text, "Policy \"acme\" version 1") != NULL);
    free(text);

    /* Forged or corrupted decisions are refused, not explained. */
    chatvault_retention_decision f = d;
    f.policy_hash[0] ^= 1;
    expect_forged(p, &f, "decision made by another policy");
    f = d;
    f.rule = (uint32_t)NRULES;
    expect_forged(p, &f, "rule 7 is not a rule of the policy");
    f = d;
    f.floor_rule = CHATVAULT_RETENTION_NO_RULE - 1;
    expect_forged(p, &f, "floor_rule");
    f = d;
    f.applied[0] |= UINT64_C(1) << NRULES;
    expect_forged(p, &f, "applied names rule 7");
    f = d;
    f.applied[3] = UINT64_C(1) << 63;
    expect_forged(p, &f, "applied names rule 255");
    f = d;
    f.action = 6;
    expect_forged(p, &f, "unknown action 6");
    f = d;
    f.end = 5;
    expect_forged(p, &f, "unknown end action 5");
    f = d;
    f.tie_break = 10;
    expect_forged(p, &f, "unknown tie break 10");
    f = d;
    f.now = -1;
    expect_forged(p, &f, "now -1");
    f = d;
    memset(&f.held, 2, 1); /* a bool byte only C can store */
    expect_forged(p, &f, "held is 2");
    memset(&f, 0xff, sizeof f);
    expect_forged(p, &f, "another policy");
    memcpy(f.policy_hash, d.policy_hash, sizeof f.policy_hash);
    expect_forged(p, &f, "decision");
    /* NO_RULE everywhere is fine. */
    f = d;
    f.rule = f.ceiling_rule = f.floor_rule = CHATVAULT_RETENTION_NO_RULE;
    char buf[1024];
    OK(chatvault_retention_explain(p, &f, buf, sizeof buf, &written));

    /* A decision of another policy. */
    const chatvault_retention_policy *v2 = load(2, "true", "1y");
    chatvault_retention_decision other = evaluate(v2, r, JAN1 + 400 * DAY);
    expect_forged(p, &other, "another policy");
    OK(chatvault_retention_explain(v2, &other, buf, sizeof buf, &written));
    CHECK(strstr(buf, "version 2") != NULL);

    EXPECT_RC(chatvault_retention_explain(p, NULL, buf, sizeof buf, &written),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_retention_explain(NULL, &d, buf, sizeof buf, &written),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_retention_explain(p, &d, buf, sizeof buf, NULL),
              CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_retention_explain(p, &d, NULL, 10, &written),
              CHATVAULT_RESULT_NULL_POINTER);
    chatvault_retention_policy_free(v2);
    chatvault_retention_record_free(r);
    chatvault_retention_policy_free(p);
}

static void test_check_update(void) {
    const chatvault_retention_policy *v1 = load(1, "true", "1y");
    const chatvault_retention_policy *v2 = load(2, "true", "1y");
    const chatvault_retention_policy *same = load(1, "true", "1y");
    const chatvault_retention_policy *shorter = load(2, "true", "6m");
    const chatvault_retention_policy *unlocked = load(1, "false", "1y");
    const chatvault_retention_policy *unlocked_shorter = load(2, "false", "6m");

    OK(chatvault_retention_policy_check_update(v1, v2));
    /* The version must grow. */
    EXPECT_RC(chatvault_retention_policy_check_update(v1, same), CHATVAULT_RESULT_POLICY);
    CHECK(last_error_has("version") && last_error_has("must be higher than the current 1"));
    EXPECT_RC(chatvault_retention_policy_check_update(v2, v1), CHATVAULT_RESULT_POLICY);
    /* A locked floor only grows; the lock stays. */
    EXPECT_RC(chatvault_retention_policy_check_update(v1, shorter), CHATVAULT_RESULT_POLICY);
    CHECK(last_error_has("rule \"complaints\"") && last_error_has("floor"));
    EXPECT_RC(chatvault_retention_policy_check_update(v1, unlocked_shorter),
              CHATVAULT_RESULT_POLICY);
    CHECK(last_error_has("lock cannot be removed"));
    /* Without the lock, the same change is accepted. */
    OK(chatvault_retention_policy_check_update(unlocked, unlocked_shorter));
    EXPECT_RC(chatvault_retention_policy_check_update(NULL, v2), CHATVAULT_RESULT_NULL_POINTER);
    EXPECT_RC(chatvault_retention_policy_check_update(v1, NULL), CHATVAULT_RESULT_NULL_POINTER);

    chatvault_retention_policy_free(v1);
    chatvault_retention_policy_free(v2);
    chatvault_retention_policy_free(same);
    chatvault_retention_policy_free(shorter);
    chatvault_retention_policy_free(unlocked);
    chatvault_retention_policy_free(unlocked_shorter);
}

struct shared_eval {
    const chatvault_retention_policy *policy;
    const chatvault_retention_record *record;
    chatvault_retention_decision want;
    int mismatches;
};

static void *evaluate_many(void *arg) {
    struct shared_eval *s = arg;
    for (int i = 0; i < 200; i++) {
        chatvault_retention_decision d;
        if (chatvault_retention_evaluate(s->policy, s->record, JAN1 + 400 * DAY, &d) !=
                CHATVAULT_RESULT_OK ||
            !same_decision(&d, &s->want)) {
            s->mismatches++;
        }
    }
    return NULL;
}

static void test_threads(void) {
    /* One policy and one (unchanging) record, evaluated from two threads. */
    struct shared_eval s[2];
    const chatvault_retention_policy *p = load(1, "true", "1y");
    chatvault_retention_record *r = complaint();
    pthread_t t[2];
    for (int i = 0; i < 2; i++) {
        s[i].policy = p;
        s[i].record = r;
        s[i].want = evaluate(p, r, JAN1 + 400 * DAY);
        s[i].mismatches = 0;
        CHECK(pthread_create(&t[i], NULL, evaluate_many, &s[i]) == 0);
    }
    for (int i = 0; i < 2; i++) {
        CHECK(pthread_join(t[i], NULL) == 0);
        CHECK(s[i].mismatches == 0);
    }
    chatvault_retention_record_free(r);
    chatvault_retention_policy_free(p);
}

static void test_free_null(void) {
    chatvault_retention_policy_free(NULL);
    chatvault_retention_record_free(NULL);
    CHECK(chatvault_retention_policy_rule_count(NULL) == 0);
}

int main(void) {
    test_load();
    test_load_refusals();
    test_record_errors();
    test_keep_restrict_shred_hold();
    test_every_setter();
    test_batch();
    test_plan();
    test_explain();
    test_check_update();
    test_threads();
    test_free_null();
    return finish("test_retention");
}
