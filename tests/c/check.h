/*
 * Tiny test harness shared by the C test programs: CHECK and EXPECT_RC
 * count and report failures; main() returns non-zero if any failed.
 * Built by tests/c_abi.rs with ASan + UBSan, then run under valgrind.
 */
#ifndef CHATVAULT_TEST_CHECK_H
#define CHATVAULT_TEST_CHECK_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chatvault.h"

static int check_count;
static int check_failures;

/* The calling thread's last error message (for failure reports). */
static inline const char *last_error(void) {
    static char buf[512];
    size_t written = 0;
    buf[0] = '\0';
    if (chatvault_last_error_message(buf, sizeof buf, &written) != CHATVAULT_RESULT_OK) {
        strcpy(buf, "(last error message unavailable)");
    }
    return buf;
}

#define CHECK(cond)                                                              \
    do {                                                                         \
        check_count++;                                                           \
        if (!(cond)) {                                                           \
            check_failures++;                                                    \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__,     \
                    #cond);                                                      \
        }                                                                        \
    } while (0)

#define EXPECT_RC(call, want)                                                    \
    do {                                                                         \
        chatvault_result rc_ = (call);                                           \
        check_count++;                                                           \
        if (rc_ != (chatvault_result)(want)) {                                   \
            check_failures++;                                                    \
            fprintf(stderr, "%s:%d: %s\n  returned %u, expected %s (%u); "       \
                    "last error: %s\n", __FILE__, __LINE__, #call,               \
                    (unsigned)rc_, #want, (unsigned)(want), last_error());       \
        }                                                                        \
    } while (0)

#define OK(call) EXPECT_RC(call, CHATVAULT_RESULT_OK)

/* A string literal or C string as a (ptr, len) input. */
#define STR(s) (const uint8_t *)(s), strlen(s)

/* A bytes output equals (ptr, len). */
static inline int bytes_eq(const chatvault_bytes *b, const void *p, size_t len) {
    return b != NULL && b->len == len && (len == 0 || memcmp(b->data, p, len) == 0);
}

/* The last error message contains `needle`. */
static inline int last_error_has(const char *needle) {
    return strstr(last_error(), needle) != NULL;
}

static inline int finish(const char *name) {
    printf("%s: %d passed, %d failed\n", name, check_count - check_failures,
           check_failures);
    return check_failures == 0 ? 0 : 1;
}

/* 2026-01-01T00:00:00Z */
#define JAN1 INT64_C(1767225600)
#define DAY INT64_C(86400)

/* Tiny Argon2id parameters: the tests exercise the code, not its cost. */
#define TEST_M_KIB 64
#define TEST_T 1
#define TEST_P 1

#endif
