/*
 * A small helpdesk flow in C against libchatvault: create an archive,
 * ingest a conversation (an identifier masked, an agent's contact word
 * blocked and reported live), let a supervisor read it with a private key
 * (私钥), let an agent reveal the masked phone number with a restore key
 * (还原密钥), and verify the archive against its audit log.
 *
 * Build (from the repository root, after `cargo build`):
 *   cc -std=c11 -I include examples/c/helpdesk.c target/debug/libchatvault.a \
 *      -lpthread -ldl -lm -o helpdesk
 *   ./helpdesk [DIR]         (DIR must not exist; default: a temporary one)
 *
 * Exit status 0 on success; every failure prints the library's message.
 */
#define _XOPEN_SOURCE 700

#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chatvault.h"

#define STR(s) (const uint8_t *)(s), strlen(s)
#define JAN5 INT64_C(1767571200) /* 2026-01-05T00:00:00Z */
#define DAY INT64_C(86400)

static int failed(const char *what, chatvault_result rc) {
    char msg[512];
    size_t written = 0;
    if (chatvault_last_error_message(msg, sizeof msg, &written) != CHATVAULT_RESULT_OK) {
        strcpy(msg, "(no message)");
    }
    fprintf(stderr, "helpdesk: %s failed (%u): %s\n", what, (unsigned)rc, msg);
    return 1;
}

#define TRY(what, call)                                                          \
    do {                                                                         \
        chatvault_result rc_ = (call);                                           \
        if (rc_ != CHATVAULT_RESULT_OK) {                                        \
            status = failed(what, rc_);                                          \
            goto done;                                                           \
        }                                                                        \
    } while (0)

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* The live-report callback: a supervisor's dashboard would show these. */
static void on_report(const chatvault_archive_report *r, void *user_data) {
    int *count = user_data;
    (*count)++;
    printf("  live report: %.*s in %.*s/%.*s: %.*s\n", (int)r->actor_len,
           (const char *)r->actor, (int)r->conversation_len, (const char *)r->conversation,
           (int)r->message_len, (const char *)r->message, (int)r->detail_len,
           (const char *)r->detail);
}

static chatvault_archive_message message(const char *id, uint32_t role, const char *sender,
                                         int64_t time, const char *text) {
    chatvault_archive_message m;
    memset(&m, 0, sizeof m);
    m.conversation = (const uint8_t *)"conv-1";
    m.conversation_len = 6;
    m.id = (const uint8_t *)id;
    m.id_len = strlen(id);
    m.role = role;
    m.sender = (const uint8_t *)sender;
    m.sender_len = strlen(sender);
    m.time = time;
    m.text = (const uint8_t *)text;
    m.text_len = strlen(text);
    return m;
}

int main(int argc, char **argv) {
    int status = 0;
    char tmp[256] = "";
    char dir[512];
    if (argc > 1) {
        snprintf(dir, sizeof dir, "%s", argv[1]);
    } else {
        const char *base = getenv("TMPDIR");
        snprintf(tmp, sizeof tmp, "%s/chatvault-helpdesk-XXXXXX",
                 base != NULL && base[0] != '\0' ? base : "/tmp");
        if (mkdtemp(tmp) == NULL) {
            fprintf(stderr, "helpdesk: cannot make a temporary directory\n");
            return 1;
        }
        snprintf(dir, sizeof dir, "%s/archive", tmp);
    }
    static const uint8_t kek[CHATVAULT_KEK_LEN] = {
        0x21, 0x43, 0x65, 0x87, 0xa9, 0xcb, 0xed, 0x0f, 0x12, 0x34, 0x56,
        0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x0f, 0x1e, 0x2d, 0x3c, 0x4b, 0x5a,
        0x69, 0x78, 0x87, 0x96, 0xa5, 0xb4, 0xc3, 0xd2, 0xe1, 0xf0}; /* from your KMS */

    chatvault_master_key *master = NULL;
    const chatvault_archive *archive = NULL;
    chatvault_scan_dict *dict = NULL;
    chatvault_scan_policy *policy = NULL;
    const chatvault_scanner *scanner = NULL;
    chatvault_bytes *display = NULL, *blob = NULL, *phone = NULL;
    const chatvault_tenant_public *tenant = NULL;
    chatvault_grantee_secret *sup_secret = NULL, *agent_secret = NULL;
    const chatvault_supervisor_grant *sup = NULL;
    const chatvault_agent_grant *agent = NULL;
    chatvault_archive_view *view = NULL;
    int reports = 0;

    /* 1. The owner creates the archive; the master key is kept only
     * wrapped under the KEK. */
    TRY("master key", chatvault_master_key_generate(&master));
    chatvault_archive_options options = {CHATVAULT_SUITE_SM4_GCM,
                                         CHATVAULT_ARCHIVE_CONSENT_RULE_NOTICE, 64, 10000};
    TRY("create", chatvault_archive_create_with_kek(STR(dir), STR("acme-helpdesk"), master, kek,
                                                    sizeof kek, &options, &archive));
    printf("archive created in %s (SM4-GCM, notice required)\n", dir);

    /* Agents may not send contact details. */
    uint8_t contact = 0;
    TRY("dictionary", chatvault_scan_dict_new(&dict));
    TRY("category", chatvault_scan_dict_category(dict, STR("contact"), &contact));
    TRY("word", chatvault_scan_dict_add(dict, STR("微信"), contact, false));
    TRY("policy", chatvault_scan_policy_new(CHATVAULT_SCAN_ACTION_ALLOW, &policy));
    TRY("policy", chatvault_scan_policy_set(policy, contact,
                                            CHATVAULT_SCAN_DIRECTION_AGENT_TO_CUSTOMER,
                                            CHATVAULT_SCAN_ACTION_BLOCK));
    TRY("scanner", chatvault_scan_dict_build(dict, CHATVAULT_NORM_ALL, policy, &scanner));
    TRY("set scanner", chatvault_archive_set_scanner(archive, scanner));
    TRY("set reporter", chatvault_archive_set_reporter(archive, on_report, &reports));

    /* 2. Ingest: the customer was told the chat is archived. */
    TRY("notice", chatvault_archive_record_consent(archive, STR("cust-42"),
                                                   CHATVAULT_ARCHIVE_CONSENT_EVENT_NOTIFIED,
                                                   JAN5));
    chatvault_archive_conversation conv;
    memset(&conv, 0, sizeof conv);
    conv.id = (const uint8_t *)"conv-1";
    conv.id_len = 6;
    conv.department = (const uint8_t *)"sales";
    conv.department_len = 5;
    conv.customer = (const uint8_t *)"cust-42";
    conv.customer_len = 7;
    conv.category = (const uint8_t *)"general";
    conv.category_len = 7;
    conv.started = JAN5 + 9 * 3600;
    TRY("start", chatvault_archive_start_conversation(archive, &conv));
    chatvault_archive_message msgs[3] = {
        message("m1", CHATVAULT_AUDIT_ROLE_CUSTOMER, "", conv.started + 5,
                "你好，我的手机是 138 0013 8000"),
        message("m2", CHATVAULT_AUDIT_ROLE_AGENT, "agent-7", conv.started + 30,
                "加我微信，私下聊"),
        message("m3", CHATVAULT_AUDIT_ROLE_AGENT, "agent-7", conv.started + 60,
                "好的，已为您登记"),
    };
    for (size_t i = 0; i < 3; i++) {
        chatvault_archive_ingested r;
        TRY("ingest", chatvault_archive_ingest(archive, &msgs[i], &r, &display, NULL));
        if (r.stored) {
            printf("%.*s: archived as %.*s\n", (int)msgs[i].id_len, (const char *)msgs[i].id,
                   (int)display->len, (const char *)display->data);
        } else {
            printf("%.*s: BLOCKED, not stored (%zu sensitive word(s))\n", (int)msgs[i].id_len,
                   (const char *)msgs[i].id, r.matches);
        }
        chatvault_bytes_free(display);
        display = NULL;
    }

    /* 3. Grants: a supervisor for sales in January, an agent for phones. */
    TRY("tenant public", chatvault_archive_tenant_public(archive, &tenant));
    uint8_t pub[CHATVAULT_GRANTEE_PUBLIC_LEN];
    TRY("grantee", chatvault_grantee_secret_generate(&sup_secret));
    TRY("grantee", chatvault_grantee_secret_public(sup_secret, pub, sizeof pub));
    TRY("supervisor grant",
        chatvault_archive_issue_supervisor_grant(archive, pub, sizeof pub, STR("王主管"),
                                                 STR("sales"), JAN5 - 4 * DAY, JAN5 + 27 * DAY,
                                                 JAN5, JAN5 + 30 * DAY, STR("owner"), NULL, NULL,
                                                 0, JAN5, &blob));
    TRY("open grant", chatvault_supervisor_grant_open(blob->data, blob->len, sup_secret, tenant,
                                                      &sup));
    chatvault_bytes_free(blob);
    blob = NULL;
    TRY("grantee", chatvault_grantee_secret_generate(&agent_secret));
    TRY("grantee", chatvault_grantee_secret_public(agent_secret, pub, sizeof pub));
    const uint8_t phones[] = {CHATVAULT_ID_CLASS_PHONE};
    TRY("agent grant", chatvault_archive_issue_agent_grant(archive, pub, sizeof pub,
                                                           STR("agent-7"), phones, 1, JAN5,
                                                           JAN5 + DAY, STR("owner"), NULL, NULL,
                                                           0, JAN5, &blob));
    TRY("open grant", chatvault_agent_grant_open(blob->data, blob->len, agent_secret, tenant,
                                                 &agent));

    /* 4. The supervisor reads the conversation (audited). */
    int64_t now = JAN5 + 10 * 3600;
    TRY("view", chatvault_archive_view_conversation(archive, sup, STR("sup-wang"), STR("conv-1"),
                                                    now, &view));
    printf("supervisor view of conv-1 (%zu message(s)):\n", chatvault_archive_view_len(view));
    for (size_t i = 0; i < chatvault_archive_view_len(view); i++) {
        chatvault_archive_viewed_message m;
        TRY("view message", chatvault_archive_view_message(view, i, &m));
        printf("  %.*s %-8.*s %.*s\n", (int)m.id_len, (const char *)m.id,
               m.role == CHATVAULT_AUDIT_ROLE_AGENT ? (int)m.sender_len : 8,
               m.role == CHATVAULT_AUDIT_ROLE_AGENT ? (const char *)m.sender : "customer",
               (int)m.text_len, (const char *)m.text);
    }

    /* 5. The agent reveals the masked phone number (audited). */
    TRY("reveal", chatvault_archive_reveal(archive, agent, STR("agent-7"), STR("cust-42"),
                                           STR("conv-1"), STR("m1"), 0, now, &phone));
    printf("agent-7 revealed: %.*s\n", (int)phone->len, (const char *)phone->data);

    /* 6. The audit log vouches for the archive. */
    chatvault_archive_verify_report vr;
    TRY("verify", chatvault_archive_verify(archive, &vr));
    printf("verified: %zu message(s) match their audit records, %llu audit records, %s\n",
           vr.matched, (unsigned long long)vr.audit_records,
           vr.consistent ? "consistent" : "NOT CONSISTENT");
    printf("live reports received: %d\n", reports);
    if (!vr.consistent || reports != 1) {
        status = 1;
    }

done:
    chatvault_archive_view_free(view);
    chatvault_bytes_free(phone);
    chatvault_bytes_free(blob);
    chatvault_bytes_free(display);
    chatvault_supervisor_grant_free(sup);
    chatvault_agent_grant_free(agent);
    chatvault_grantee_secret_free(sup_secret);
    chatvault_grantee_secret_free(agent_secret);
    chatvault_tenant_public_free(tenant);
    chatvault_scanner_free(scanner);
    chatvault_scan_policy_free(policy);
    chatvault_scan_dict_free(dict);
    chatvault_archive_free(archive);
    chatvault_master_key_free(master);
    if (tmp[0] != '\0' && nftw(tmp, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0) {
        fprintf(stderr, "helpdesk: could not remove %s\n", tmp);
    }
    return status;
}
