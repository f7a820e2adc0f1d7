/*
 * chatvault: privacy core of customer-service chat archives.
 * C API. Licensed under the Apache License, Version 2.0.
 *
 * Conventions (every function follows them):
 * - Every fallible function returns a chatvault_result; CHATVAULT_RESULT_OK
 *   is 0. On failure, chatvault_last_error_message() gives details for the
 *   calling thread.
 * - The object comes first, then inputs, then outputs. `const` pointers are
 *   not modified. An input byte string is (const uint8_t *ptr, size_t len);
 *   (NULL, 0) is empty, (NULL, len > 0) is CHATVAULT_RESULT_NULL_POINTER.
 *   Strings are UTF-8 given as (ptr, len), not NUL-terminated; invalid
 *   UTF-8 is CHATVAULT_RESULT_UTF8.
 * - Outputs are written only on success. Variable-size outputs are
 *   chatvault_bytes owned by the caller and freed with
 *   chatvault_bytes_free(), never free(). Fixed-size outputs go into caller
 *   buffers whose sizes are the *_LEN macros.
 * - Every constructor names its _free function; _free(NULL) is a no-op.
 * - The library keeps no pointer the caller passed after a call returns.
 * - No panic crosses the API: one becomes CHATVAULT_RESULT_PANIC.
 */

#ifndef CHATVAULT_H
#define CHATVAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
/** Major version of this header. */
#define CHATVAULT_VERSION_MAJOR 0
/** Minor version of this header. */
#define CHATVAULT_VERSION_MINOR 1
/** Patch version of this header. */
#define CHATVAULT_VERSION_PATCH 0
/** Version of this header; chatvault_version() gives the library's. */
#define CHATVAULT_VERSION "0.1.0"


/**
 * Argon2id memory cost, in KiB, of the recommended passphrase parameters
 * (RFC 9106's second recommended option: 64 MiB).
 */
#define CHATVAULT_ARGON2_RECOMMENDED_M_KIB 65536

/**
 * Argon2id lanes of the recommended passphrase parameters.
 */
#define CHATVAULT_ARGON2_RECOMMENDED_P 1

/**
 * Argon2id passes of the recommended passphrase parameters.
 */
#define CHATVAULT_ARGON2_RECOMMENDED_T 3

/**
 * Bytes of a commitment to personal data (`chatvault_audit_commitment`).
 */
#define CHATVAULT_AUDIT_COMMITMENT_LEN 32

/**
 * Bytes of a Merkle tree hash: a leaf hash, a root, one hash of a proof.
 */
#define CHATVAULT_AUDIT_HASH_LEN 32

/**
 * A good default blind index length, in bytes.
 */
#define CHATVAULT_BLIND_INDEX_DEFAULT_LEN 16

/**
 * Longest blind index, in bytes.
 */
#define CHATVAULT_BLIND_INDEX_MAX_LEN 32

/**
 * Shortest blind index, in bytes.
 */
#define CHATVAULT_BLIND_INDEX_MIN_LEN 8

/**
 * Every entity type, as a mask for `chatvault_detector_new`: bit `n` is
 * the entity type numbered `n`.
 */
#define CHATVAULT_ENTITIES_ALL 1048574

/**
 * Size of a master key fingerprint as text, including its NUL.
 */
#define CHATVAULT_FINGERPRINT_SIZE 17

/**
 * Bytes of a grantee public key (X25519).
 */
#define CHATVAULT_GRANTEE_PUBLIC_LEN 32

/**
 * Bytes of a grant id.
 */
#define CHATVAULT_GRANT_ID_LEN 16

/**
 * Bytes of a key-encryption key (KEK).
 */
#define CHATVAULT_KEK_LEN 32

/**
 * Bytes of a key id (a public commitment to a key) in every envelope.
 */
#define CHATVAULT_KEY_ID_LEN 32

/**
 * Every normalization flag.
 */
#define CHATVAULT_NORM_ALL 255

/**
 * Normalization flag: Unicode case folding.
 */
#define CHATVAULT_NORM_CASE_FOLD 1

/**
 * Normalization flag: leetspeak and look-alikes inside Latin words.
 */
#define CHATVAULT_NORM_LEET 32

/**
 * Normalization flag: letter styles (Ⓐ, 𝐀) to ASCII.
 */
#define CHATVAULT_NORM_LETTERS 16

/**
 * Normalization flag: number styles (①, ⑴, 一, 壹, superscripts) to digits.
 */
#define CHATVAULT_NORM_NUMBERS 8

/**
 * Normalization flag: repeated characters.
 */
#define CHATVAULT_NORM_REPEATS 128

/**
 * Normalization flag: characters inserted between a word's characters.
 */
#define CHATVAULT_NORM_SEPARATORS 64

/**
 * Normalization flag: traditional Chinese to simplified.
 */
#define CHATVAULT_NORM_TRADITIONAL 4

/**
 * Normalization flag: full-width forms to ASCII.
 */
#define CHATVAULT_NORM_WIDTH 2

/**
 * Bytes of a policy hash (SHA-256 of the policy file).
 */
#define CHATVAULT_RETENTION_HASH_LEN 32

/**
 * The `rule`, `ceiling_rule` and `floor_rule` of a
 * `chatvault_retention_decision` when there is no such rule (`UINT32_MAX`).
 */
#define CHATVAULT_RETENTION_NO_RULE UINT32_MAX

/**
 * The result of every fallible chatvault C function.
 *
 * Numbers are stable and grouped by module: 0 success, 100 general, 200
 * sealing, 300 keys, 600 retention, 700 audit; 400 (masking), 500
 * (scanning) and 800 (archive) are reserved. Codes are only ever added, never
 * renumbered or removed. The type is a `uint32_t` in C, so a library newer
 * than the header may return a code the header does not name: treat any
 * unknown non-zero code as a failure and show its message with
 * `chatvault_result_message`.
 *
 * Thread safety: a plain value.
 */
enum chatvault_result
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
    /**
     * Success.
     */
    CHATVAULT_RESULT_OK = 0,
    /**
     * A required pointer argument was NULL (or a `(NULL, len > 0)` input).
     */
    CHATVAULT_RESULT_NULL_POINTER = 100,
    /**
     * An argument is outside what the function accepts (an empty or too
     * long name, an unknown suite or class number, a wrong key length, a
     * time window that ends before it starts).
     */
    CHATVAULT_RESULT_INVALID_ARGUMENT = 101,
    /**
     * A string argument is not valid UTF-8.
     */
    CHATVAULT_RESULT_UTF8 = 102,
    /**
     * The library panicked; the call had no effect that can be relied on.
     * Objects it was using may be left POISONED.
     */
    CHATVAULT_RESULT_PANIC = 103,
    /**
     * A caller-supplied output buffer is too small; where the function has a
     * `written` output, it holds the size needed.
     */
    CHATVAULT_RESULT_BUFFER_TOO_SMALL = 104,
    /**
     * The operating system's random number generator failed.
     */
    CHATVAULT_RESULT_RNG = 105,
    /**
     * Reading or writing the key store failed.
     */
    CHATVAULT_RESULT_IO = 106,
    /**
     * An object was left unusable by an earlier failure (a panic while it
     * was locked).
     */
    CHATVAULT_RESULT_POISONED = 107,
    /**
     * An error this version of the C ABI does not classify more precisely.
     * The last error message says what it was.
     */
    CHATVAULT_RESULT_OTHER = 108,
    /**
     * An input is larger than the function accepts (a text longer than a
     * detector's limit).
     */
    CHATVAULT_RESULT_TOO_LARGE = 109,
    /**
     * Bytes that should be a chatvault format do not parse.
     */
    CHATVAULT_RESULT_MALFORMED = 200,
    /**
     * The bytes carry a format version this build does not know.
     */
    CHATVAULT_RESULT_UNSUPPORTED_VERSION = 201,
    /**
     * The bytes or the argument name an algorithm suite this build does not
     * know.
     */
    CHATVAULT_RESULT_UNSUPPORTED_SUITE = 202,
    /**
     * Authentication failed: wrong key, wrong passphrase, tampered or
     * truncated bytes, or a ciphertext moved to another tenant, record or
     * field. Deliberately carries no detail.
     */
    CHATVAULT_RESULT_DECRYPT = 203,
    /**
     * The key is not in the key store (never created, or crypto-shredded).
     */
    CHATVAULT_RESULT_KEY_NOT_FOUND = 300,
    /**
     * A grant was asked for something outside its scope (another
     * department, identifier class, time window, or a rotated key version).
     */
    CHATVAULT_RESULT_GRANT_OUT_OF_SCOPE = 301,
    /**
     * A grant was used before its not-before time.
     */
    CHATVAULT_RESULT_GRANT_NOT_YET_VALID = 302,
    /**
     * A grant was used at or after its expiry time.
     */
    CHATVAULT_RESULT_GRANT_EXPIRED = 303,
    /**
     * A grant's issuer signature does not verify, or it was sealed to
     * another grantee.
     */
    CHATVAULT_RESULT_GRANT_INVALID = 304,
    /**
     * A retention policy was refused; the last error message lists every
     * problem, each naming the rule and the field.
     */
    CHATVAULT_RESULT_POLICY = 600,
    /**
     * A signature of a signed note or checkpoint does not verify, or no
     * trusted key signed it.
     */
    CHATVAULT_RESULT_BAD_SIGNATURE = 700,
    /**
     * A Merkle inclusion or consistency proof does not verify.
     */
    CHATVAULT_RESULT_BAD_PROOF = 701,
    /**
     * The archive refused the operation: consent or notice missing or
     * withdrawn, the conversation restricted, held or erased.
     */
    CHATVAULT_RESULT_REFUSED = 800,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum chatvault_result chatvault_result;
#else
typedef uint32_t chatvault_result;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * An algorithm suite: which AEAD seals a field. The numbers are the suite
 * byte of the envelope and never change. Functions take suites as
 * `uint32_t`; an unknown number gives CHATVAULT_RESULT_UNSUPPORTED_SUITE.
 *
 * Thread safety: a plain value.
 */
enum chatvault_suite
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
    /**
     * AES-256-GCM (NIST SP 800-38D).
     */
    CHATVAULT_SUITE_AES256_GCM = 1,
    /**
     * SM4-GCM: the GB/T 32907-2016 block cipher in GCM, as in RFC 8998.
     */
    CHATVAULT_SUITE_SM4_GCM = 2,
    /**
     * ChaCha20-Poly1305 (RFC 8439).
     */
    CHATVAULT_SUITE_CHACHA20_POLY1305 = 3,
    /**
     * AES-256-GCM, then SM4-GCM over its output, with independent keys.
     */
    CHATVAULT_SUITE_AES256_GCM_SM4_GCM = 4,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum chatvault_suite chatvault_suite;
#else
typedef uint32_t chatvault_suite;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * A class of customer identifier; each has its own keys, so an agent's
 * restore key can be limited to some classes. Functions take classes as
 * `uint8_t`; an unknown number gives CHATVAULT_RESULT_INVALID_ARGUMENT.
 *
 * Thread safety: a plain value.
 */
enum chatvault_id_class
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint8_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
    /**
     * Phone numbers.
     */
    CHATVAULT_ID_CLASS_PHONE = 1,
    /**
     * Identity documents (resident ID card, passport, permits).
     */
    CHATVAULT_ID_CLASS_ID_CARD = 2,
    /**
     * Bank card numbers.
     */
    CHATVAULT_ID_CLASS_BANK_CARD = 3,
    /**
     * E-mail addresses.
     */
    CHATVAULT_ID_CLASS_EMAIL = 4,
    /**
     * Any other identifier.
     */
    CHATVAULT_ID_CLASS_OTHER = 5,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum chatvault_id_class chatvault_id_class;
#else
typedef uint8_t chatvault_id_class;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * How a value is normalized before blind indexing, so that the forms
 * people type for one value find each other. Functions take it as a
 * `uint32_t`; an unknown number gives CHATVAULT_RESULT_INVALID_ARGUMENT.
 *
 * Thread safety: a plain value.
 */
enum chatvault_normalization
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
    /**
     * The bytes as given.
     */
    CHATVAULT_NORMALIZATION_EXACT = 0,
    /**
     * Full-width ASCII to half-width, ASCII lower case, runs of white space
     * to one space, trimmed.
     */
    CHATVAULT_NORMALIZATION_TEXT = 1,
    /**
     * Digits only (full-width folded), without a +86 / 0086 prefix in front
     * of an 11-digit mainland number.
     */
    CHATVAULT_NORMALIZATION_PHONE = 2,
    /**
     * ID card: full-width folded, spaces and dashes removed, `x` as `X`.
     */
    CHATVAULT_NORMALIZATION_ID_CARD = 3,
    /**
     * Bank card: digits only.
     */
    CHATVAULT_NORMALIZATION_BANK_CARD = 4,
    /**
     * E-mail: full-width folded, trimmed, lower case.
     */
    CHATVAULT_NORMALIZATION_EMAIL = 5,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum chatvault_normalization chatvault_normalization;
#else
typedef uint32_t chatvault_normalization;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * A family of domain keys, each with its own version (see
 * `chatvault_keyring_rotate`). Functions take it as a `uint32_t`.
 *
 * Thread safety: a plain value.
 */
enum chatvault_domain
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
    /**
     * Archived conversation content of one department (named by the
     * `department` argument).
     */
    CHATVAULT_DOMAIN_ARCHIVE = 1,
    /**
     * Customer identifier fields of one class (the `id_class` argument).
     */
    CHATVAULT_DOMAIN_IDENTIFIER = 2,
    /**
     * The tenant's blind indexes.
     */
    CHATVAULT_DOMAIN_BLIND_INDEX = 3,
    /**
     * The tenant's `@nickname` pseudonyms.
     */
    CHATVAULT_DOMAIN_PSEUDONYM = 4,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum chatvault_domain chatvault_domain;
#else
typedef uint32_t chatvault_domain;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * A kind of personal identifier; functions take and return it as a
 * `uint32_t`. Numbers are stable and only ever appended; a newer library
 * may return a number this header does not name (show it with
 * `chatvault_entity_name`).
 *
 * Thread safety: a plain value.
 */
enum chatvault_entity
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
    /**
     * Mainland China mobile number.
     */
    CHATVAULT_ENTITY_CN_MOBILE = 1,
    /**
     * Mainland China landline with its area code.
     */
    CHATVAULT_ENTITY_CN_LANDLINE = 2,
    /**
     * Another country's number in international form.
     */
    CHATVAULT_ENTITY_INTL_PHONE = 3,
    /**
     * PRC resident identity card number.
     */
    CHATVAULT_ENTITY_CN_RESIDENT_ID = 4,
    /**
     * PRC passport number.
     */
    CHATVAULT_ENTITY_CN_PASSPORT = 5,
    /**
     * Mainland, Hong Kong, Macau and Taiwan travel permits.
     */
    CHATVAULT_ENTITY_TRAVEL_PERMIT = 6,
    /**
     * Hong Kong identity card number.
     */
    CHATVAULT_ENTITY_HK_ID = 7,
    /**
     * Macau resident identity card number.
     */
    CHATVAULT_ENTITY_MO_ID = 8,
    /**
     * Taiwan national identification number.
     */
    CHATVAULT_ENTITY_TW_ID = 9,
    /**
     * Bank card number.
     */
    CHATVAULT_ENTITY_BANK_CARD = 10,
    /**
     * E-mail address.
     */
    CHATVAULT_ENTITY_EMAIL = 11,
    /**
     * IPv4 address.
     */
    CHATVAULT_ENTITY_IPV4 = 12,
    /**
     * IPv6 address.
     */
    CHATVAULT_ENTITY_IPV6 = 13,
    /**
     * URL.
     */
    CHATVAULT_ENTITY_URL = 14,
    /**
     * Mainland vehicle licence plate.
     */
    CHATVAULT_ENTITY_LICENCE_PLATE = 15,
    /**
     * Bitcoin address.
     */
    CHATVAULT_ENTITY_BTC_ADDRESS = 16,
    /**
     * Ethereum address.
     */
    CHATVAULT_ENTITY_ETH_ADDRESS = 17,
    /**
     * WeChat id.
     */
    CHATVAULT_ENTITY_WECHAT_ID = 18,
    /**
     * QQ number.
     */
    CHATVAULT_ENTITY_QQ_ID = 19,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum chatvault_entity chatvault_entity;
#else
typedef uint32_t chatvault_entity;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * How a mask policy shows one entity type (`chatvault_mask_policy_set`).
 *
 * Thread safety: a plain value.
 */
enum chatvault_mask_op
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
    /**
     * Keep the first `first` and last `last` letters and digits, replace
     * the others with the character `with` (separators stay).
     */
    CHATVAULT_MASK_OP_KEEP = 1,
    /**
     * Replace with `***`.
     */
    CHATVAULT_MASK_OP_REDACT = 2,
    /**
     * Replace with the entity type's name in brackets (`[cn_mobile]`).
     */
    CHATVAULT_MASK_OP_TYPE_LABEL = 3,
    /**
     * Replace with `#` and 16 hex digits of a keyed hash (per tenant).
     */
    CHATVAULT_MASK_OP_KEYED_HASH = 4,
    /**
     * Replace with a Chinese `@nickname` (per tenant and identifier).
     */
    CHATVAULT_MASK_OP_NICKNAME_CHINESE = 5,
    /**
     * Replace with a Latin `@Nickname`.
     */
    CHATVAULT_MASK_OP_NICKNAME_LATIN = 6,
    /**
     * Replace with a format-preserving token that still validates.
     */
    CHATVAULT_MASK_OP_TOKEN = 7,
    /**
     * `l***@example.com`.
     */
    CHATVAULT_MASK_OP_EMAIL = 8,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum chatvault_mask_op chatvault_mask_op;
#else
typedef uint32_t chatvault_mask_op;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * What to do with a message; functions take and return it as a
 * `uint32_t`. Ordered by strength.
 *
 * Thread safety: a plain value.
 */
enum chatvault_scan_action
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
    /**
     * Nothing.
     */
    CHATVAULT_SCAN_ACTION_ALLOW = 0,
    /**
     * Replace the word with `*`s.
     */
    CHATVAULT_SCAN_ACTION_MASK = 1,
    /**
     * Tell a supervisor.
     */
    CHATVAULT_SCAN_ACTION_REPORT = 2,
    /**
     * The message must not be sent.
     */
    CHATVAULT_SCAN_ACTION_BLOCK = 3,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum chatvault_scan_action chatvault_scan_action;
#else
typedef uint32_t chatvault_scan_action;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * Who writes to whom; functions take it as a `uint32_t`.
 *
 * Thread safety: a plain value.
 */
enum chatvault_scan_direction
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
    /**
     * An agent writes to a customer.
     */
    CHATVAULT_SCAN_DIRECTION_AGENT_TO_CUSTOMER = 1,
    /**
     * A customer writes to an agent.
     */
    CHATVAULT_SCAN_DIRECTION_CUSTOMER_TO_AGENT = 2,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum chatvault_scan_direction chatvault_scan_direction;
#else
typedef uint32_t chatvault_scan_direction;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * A single-valued attribute of a conversation that rules select on
 * (`chatvault_retention_record_set_attribute`); functions take it as a
 * `uint32_t`.
 *
 * Thread safety: a plain value.
 */
enum chatvault_retention_dimension
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
    /**
     * The conversation's category (complaint, transaction, ...), declared
     * in the policy's vocabulary.
     */
    CHATVAULT_RETENTION_DIMENSION_CATEGORY = 0,
    /**
     * The customer's region (`CN`, `EU`, ...).
     */
    CHATVAULT_RETENTION_DIMENSION_REGION = 1,
    /**
     * The channel (web, app, wechat, phone, ...).
     */
    CHATVAULT_RETENTION_DIMENSION_CHANNEL = 2,
    /**
     * The department that served the conversation.
     */
    CHATVAULT_RETENTION_DIMENSION_DEPARTMENT = 3,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum chatvault_retention_dimension chatvault_retention_dimension;
#else
typedef uint32_t chatvault_retention_dimension;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * A time of a conversation other than its creation
 * (`chatvault_retention_record_set_time`, `_clear_time`); functions take
 * it as a `uint32_t`.
 *
 * Thread safety: a plain value.
 */
enum chatvault_retention_clock
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
    /**
     * The last message (when not set, the creation time counts).
     */
    CHATVAULT_RETENTION_CLOCK_LAST_ACTIVITY = 1,
    /**
     * When the conversation was closed (rules counting from `closed` wait
     * until it is set).
     */
    CHATVAULT_RETENTION_CLOCK_CLOSED = 2,
    /**
     * When the customer asked for erasure.
     */
    CHATVAULT_RETENTION_CLOCK_ERASURE_REQUESTED = 3,
    /**
     * When the customer withdrew consent.
     */
    CHATVAULT_RETENTION_CLOCK_CONSENT_WITHDRAWN = 4,
    /**
     * When it was moved to cold storage (archive ceilings are then done).
     */
    CHATVAULT_RETENTION_CLOCK_ARCHIVED = 5,
    /**
     * When a person last reviewed it (a review ceiling reached at or
     * before this is done).
     */
    CHATVAULT_RETENTION_CLOCK_REVIEWED = 6,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum chatvault_retention_clock chatvault_retention_clock;
#else
typedef uint32_t chatvault_retention_clock;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * What to do with a conversation now (`action` of a
 * `chatvault_retention_decision`).
 *
 * Thread safety: a plain value.
 */
enum chatvault_retention_action
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
    /**
     * Nothing is due: keep it, in use.
     */
    CHATVAULT_RETENTION_ACTION_KEEP = 0,
    /**
     * Stop every use but storage (an erasure request or withdrawn consent
     * waits for a floor or a hold); the end action follows later.
     */
    CHATVAULT_RETENTION_ACTION_RESTRICT = 1,
    /**
     * Send it to a person to decide.
     */
    CHATVAULT_RETENTION_ACTION_REVIEW = 2,
    /**
     * Move it to cold storage.
     */
    CHATVAULT_RETENTION_ACTION_ARCHIVE = 3,
    /**
     * Delete it.
     */
    CHATVAULT_RETENTION_ACTION_DELETE = 4,
    /**
     * Crypto-shred it.
     */
    CHATVAULT_RETENTION_ACTION_SHRED = 5,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum chatvault_retention_action chatvault_retention_action;
#else
typedef uint32_t chatvault_retention_action;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * The end action due now or scheduled next (`end` of a
 * `chatvault_retention_decision`).
 *
 * Thread safety: a plain value.
 */
enum chatvault_retention_end
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
    /**
     * Nothing is scheduled.
     */
    CHATVAULT_RETENTION_END_NONE = 0,
    /**
     * Send to a person to decide.
     */
    CHATVAULT_RETENTION_END_REVIEW = 1,
    /**
     * Move to cold storage.
     */
    CHATVAULT_RETENTION_END_ARCHIVE = 2,
    /**
     * Delete the sealed bytes.
     */
    CHATVAULT_RETENTION_END_DELETE = 3,
    /**
     * Crypto-shred: destroy the keys, then the bytes.
     */
    CHATVAULT_RETENTION_END_SHRED = 4,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum chatvault_retention_end chatvault_retention_end;
#else
typedef uint32_t chatvault_retention_end;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * What decided the timing of a decision (`tie_break` of a
 * `chatvault_retention_decision`).
 *
 * Thread safety: a plain value.
 */
enum chatvault_retention_tie_break
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
    /**
     * No rule applies: kept until a rule or a request says otherwise.
     */
    CHATVAULT_RETENTION_TIE_BREAK_NO_RULE = 0,
    /**
     * Rules apply but none sets a ceiling, and nothing was requested.
     */
    CHATVAULT_RETENTION_TIE_BREAK_NO_CEILING = 1,
    /**
     * One ceiling applies.
     */
    CHATVAULT_RETENTION_TIE_BREAK_ONLY_CEILING = 2,
    /**
     * Several ceilings apply; the shortest wins.
     */
    CHATVAULT_RETENTION_TIE_BREAK_SHORTEST_CEILING = 3,
    /**
     * A catch-all ceiling was shorter, but an explicit rule's ceiling
     * governs this conversation.
     */
    CHATVAULT_RETENTION_TIE_BREAK_EXPLICIT_OVER_IMPLICIT = 4,
    /**
     * The end action was due earlier but waits for the longest floor.
     */
    CHATVAULT_RETENTION_TIE_BREAK_RETENTION_OVER_DELETION = 5,
    /**
     * An erasure request or withdrawn consent, earlier than any ceiling.
     */
    CHATVAULT_RETENTION_TIE_BREAK_ERASURE = 6,
    /**
     * An erasure request or withdrawn consent waits for the longest floor.
     */
    CHATVAULT_RETENTION_TIE_BREAK_ERASURE_AFTER_FLOOR = 7,
    /**
     * A legal hold is active.
     */
    CHATVAULT_RETENTION_TIE_BREAK_LEGAL_HOLD = 8,
    /**
     * The clock of the deciding ceiling or floor has not started (the
     * conversation is open, or the event has not happened).
     */
    CHATVAULT_RETENTION_TIE_BREAK_AWAITING_CLOCK = 9,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum chatvault_retention_tie_break chatvault_retention_tie_break;
#else
typedef uint32_t chatvault_retention_tie_break;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * What happened (the `kind` of `chatvault_audit_event_new`, which takes
 * it as a `uint32_t`). Numbers are those of the audit event encoding and
 * are only ever appended.
 *
 * Thread safety: a plain value.
 */
enum chatvault_audit_event_kind
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
    /**
     * A supervisor or auditor opened archived conversations.
     */
    CHATVAULT_AUDIT_EVENT_KIND_ARCHIVE_VIEWED = 1,
    /**
     * A masked field was revealed with a restore key.
     */
    CHATVAULT_AUDIT_EVENT_KIND_FIELD_REVEALED = 2,
    /**
     * A grant was issued.
     */
    CHATVAULT_AUDIT_EVENT_KIND_GRANT_ISSUED = 3,
    /**
     * A grant was revoked.
     */
    CHATVAULT_AUDIT_EVENT_KIND_GRANT_REVOKED = 4,
    /**
     * A grant expired.
     */
    CHATVAULT_AUDIT_EVENT_KIND_GRANT_EXPIRED = 5,
    /**
     * Records were exported.
     */
    CHATVAULT_AUDIT_EVENT_KIND_EXPORTED = 6,
    /**
     * A retention decision was applied.
     */
    CHATVAULT_AUDIT_EVENT_KIND_RETENTION_APPLIED = 7,
    /**
     * Records were deleted.
     */
    CHATVAULT_AUDIT_EVENT_KIND_DELETED = 8,
    /**
     * Keys were crypto-shredded.
     */
    CHATVAULT_AUDIT_EVENT_KIND_SHREDDED = 9,
    /**
     * A legal hold was set.
     */
    CHATVAULT_AUDIT_EVENT_KIND_LEGAL_HOLD_SET = 10,
    /**
     * A legal hold was released.
     */
    CHATVAULT_AUDIT_EVENT_KIND_LEGAL_HOLD_RELEASED = 11,
    /**
     * A customer asked for erasure.
     */
    CHATVAULT_AUDIT_EVENT_KIND_ERASURE_REQUESTED = 12,
    /**
     * An erasure was completed.
     */
    CHATVAULT_AUDIT_EVENT_KIND_ERASURE_COMPLETED = 13,
    /**
     * Consent was recorded.
     */
    CHATVAULT_AUDIT_EVENT_KIND_CONSENT_RECORDED = 14,
    /**
     * Consent was withdrawn.
     */
    CHATVAULT_AUDIT_EVENT_KIND_CONSENT_WITHDRAWN = 15,
    /**
     * A message was blocked by the sensitive-word scanner.
     */
    CHATVAULT_AUDIT_EVENT_KIND_MESSAGE_BLOCKED = 16,
    /**
     * A message was reported to a supervisor.
     */
    CHATVAULT_AUDIT_EVENT_KIND_MESSAGE_REPORTED = 17,
    /**
     * An agent deleted a message.
     */
    CHATVAULT_AUDIT_EVENT_KIND_MESSAGE_DELETED_BY_AGENT = 18,
    /**
     * An agent edited a message.
     */
    CHATVAULT_AUDIT_EVENT_KIND_MESSAGE_EDITED_BY_AGENT = 19,
    /**
     * Someone logged in from a device not seen before.
     */
    CHATVAULT_AUDIT_EVENT_KIND_NEW_DEVICE_LOGIN = 20,
    /**
     * The retention or scanning policy changed.
     */
    CHATVAULT_AUDIT_EVENT_KIND_POLICY_CHANGED = 21,
    /**
     * A key domain was rotated.
     */
    CHATVAULT_AUDIT_EVENT_KIND_KEY_ROTATED = 22,
    /**
     * The log repaired a torn last record on opening (the log appends
     * these itself).
     */
    CHATVAULT_AUDIT_EVENT_KIND_LOG_REPAIRED = 23,
    /**
     * A message was archived (details: the SHA-256 of its stored record).
     */
    CHATVAULT_AUDIT_EVENT_KIND_MESSAGE_ARCHIVED = 24,
    /**
     * The archive was searched by an identifier's blind index.
     */
    CHATVAULT_AUDIT_EVENT_KIND_ARCHIVE_SEARCHED = 25,
    /**
     * An approval of a dangerous operation (two-person control), or a
     * refusal for want of approvals.
     */
    CHATVAULT_AUDIT_EVENT_KIND_APPROVAL_RECORDED = 26,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum chatvault_audit_event_kind chatvault_audit_event_kind;
#else
typedef uint32_t chatvault_audit_event_kind;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * Who acted (the `role` of `chatvault_audit_event_new`, which takes it as
 * a `uint32_t`).
 *
 * Thread safety: a plain value.
 */
enum chatvault_audit_role
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
    /**
     * The tenant's owner.
     */
    CHATVAULT_AUDIT_ROLE_OWNER = 1,
    /**
     * A supervisor.
     */
    CHATVAULT_AUDIT_ROLE_SUPERVISOR = 2,
    /**
     * A customer-service agent.
     */
    CHATVAULT_AUDIT_ROLE_AGENT = 3,
    /**
     * A customer.
     */
    CHATVAULT_AUDIT_ROLE_CUSTOMER = 4,
    /**
     * The helpdesk system itself (sweeps, expiries).
     */
    CHATVAULT_AUDIT_ROLE_SYSTEM = 5,
    /**
     * An auditor.
     */
    CHATVAULT_AUDIT_ROLE_AUDITOR = 6,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum chatvault_audit_role chatvault_audit_role;
#else
typedef uint32_t chatvault_audit_role;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * What an event refers to (the `object_kind` of
 * `chatvault_audit_event_add_object` and `_add_committed_object`, which
 * take it as a `uint32_t`).
 *
 * Thread safety: a plain value.
 */
enum chatvault_audit_object_kind
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
    /**
     * A conversation.
     */
    CHATVAULT_AUDIT_OBJECT_KIND_CONVERSATION = 1,
    /**
     * A message.
     */
    CHATVAULT_AUDIT_OBJECT_KIND_MESSAGE = 2,
    /**
     * A customer: only by commitment
     * (`chatvault_audit_event_add_committed_object`).
     */
    CHATVAULT_AUDIT_OBJECT_KIND_CUSTOMER = 3,
    /**
     * A grant.
     */
    CHATVAULT_AUDIT_OBJECT_KIND_GRANT = 4,
    /**
     * A policy (its hash).
     */
    CHATVAULT_AUDIT_OBJECT_KIND_POLICY = 5,
    /**
     * A key (its id).
     */
    CHATVAULT_AUDIT_OBJECT_KIND_KEY = 6,
    /**
     * An export.
     */
    CHATVAULT_AUDIT_OBJECT_KIND_EXPORT = 7,
    /**
     * A device.
     */
    CHATVAULT_AUDIT_OBJECT_KIND_DEVICE = 8,
    /**
     * A department.
     */
    CHATVAULT_AUDIT_OBJECT_KIND_DEPARTMENT = 9,
    /**
     * A field of a message.
     */
    CHATVAULT_AUDIT_OBJECT_KIND_FIELD = 10,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum chatvault_audit_object_kind chatvault_audit_object_kind;
#else
typedef uint32_t chatvault_audit_object_kind;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * What a customer must have been told or agreed to before a conversation
 * is archived (`consent` of `chatvault_archive_options`).
 *
 * Thread safety: a plain value.
 */
enum chatvault_archive_consent_rule
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
    /**
     * Archive without a recorded notice or consent.
     */
    CHATVAULT_ARCHIVE_CONSENT_RULE_NONE = 0,
    /**
     * A notice must have been recorded.
     */
    CHATVAULT_ARCHIVE_CONSENT_RULE_NOTICE = 1,
    /**
     * Consent must have been recorded.
     */
    CHATVAULT_ARCHIVE_CONSENT_RULE_CONSENT = 2,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum chatvault_archive_consent_rule chatvault_archive_consent_rule;
#else
typedef uint32_t chatvault_archive_consent_rule;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * A customer's notice, consent or withdrawal
 * (`chatvault_archive_record_consent`).
 *
 * Thread safety: a plain value.
 */
enum chatvault_archive_consent_event
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
    /**
     * The customer was told the conversation is archived.
     */
    CHATVAULT_ARCHIVE_CONSENT_EVENT_NOTIFIED = 1,
    /**
     * The customer agreed.
     */
    CHATVAULT_ARCHIVE_CONSENT_EVENT_GIVEN = 2,
    /**
     * The customer withdrew consent (restricts the customer's
     * conversations).
     */
    CHATVAULT_ARCHIVE_CONSENT_EVENT_WITHDRAWN = 3,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum chatvault_archive_consent_event chatvault_archive_consent_event;
#else
typedef uint32_t chatvault_archive_consent_event;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * A sensitive behaviour (`chatvault_archive_record_behaviour`).
 *
 * Thread safety: a plain value.
 */
enum chatvault_archive_behaviour
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
    /**
     * An agent deleted a message in the helpdesk.
     */
    CHATVAULT_ARCHIVE_BEHAVIOUR_MESSAGE_DELETED = 1,
    /**
     * An agent edited a message in the helpdesk.
     */
    CHATVAULT_ARCHIVE_BEHAVIOUR_MESSAGE_EDITED = 2,
    /**
     * A login (reported only from a device new for the account).
     */
    CHATVAULT_ARCHIVE_BEHAVIOUR_LOGIN = 3,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum chatvault_archive_behaviour chatvault_archive_behaviour;
#else
typedef uint32_t chatvault_archive_behaviour;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * The format of an export (`chatvault_archive_export`,
 * `chatvault_archive_subject_access_export`).
 *
 * Thread safety: a plain value.
 */
enum chatvault_export_format
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
    /**
     * One JSON document (see `chatvault::archive::ExportFormat::Json`).
     */
    CHATVAULT_EXPORT_FORMAT_JSON = 1,
    /**
     * RFC 4180 CSV, one row per message, formulas defused.
     */
    CHATVAULT_EXPORT_FORMAT_CSV = 2,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum chatvault_export_format chatvault_export_format;
#else
typedef uint32_t chatvault_export_format;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * An opened agent "restore key" grant: reveals customer identifier fields
 * of its classes, while valid. Created by `chatvault_agent_grant_open`;
 * freed with `chatvault_agent_grant_free`.
 *
 * Thread safety: may be used from many threads at once. Free it once, when
 * no other thread uses the handle.
 */
typedef struct chatvault_agent_grant chatvault_agent_grant;

/**
 * One tenant's archive in one directory: ingest, views, reveals, search,
 * consent, holds, behaviours, erasure, retention, statistics, all
 * audited. Created by `chatvault_archive_create_with_kek` /
 * `_with_passphrase` or opened by `chatvault_archive_open_with_kek` /
 * `_with_passphrase`; freed with `chatvault_archive_free` (which syncs
 * what is buffered).
 *
 * Thread safety: every function may be called concurrently on one
 * archive; writes are serialized inside.
 */
typedef struct chatvault_archive chatvault_archive;

/**
 * A conversation opened with a supervisor grant. From
 * `chatvault_archive_view_conversation`; freed with `chatvault_archive_view_free`.
 *
 * Thread safety: immutable; may be read from several threads at once.
 */
typedef struct chatvault_archive_view chatvault_archive_view;

/**
 * The events a query found. Created by `chatvault_audit_log_query`; freed
 * with `chatvault_audit_entries_free`.
 *
 * Thread safety: immutable; may be read from several threads at once.
 */
typedef struct chatvault_audit_entries chatvault_audit_entries;

/**
 * One audit event being built: time, kind, actor, role, department, then
 * objects and details added one by one. Created by
 * `chatvault_audit_event_new`; freed with `chatvault_audit_event_free`.
 * Appending it (`chatvault_audit_log_append`) copies it, so one event may
 * be appended several times or changed and appended again.
 *
 * Personal data never goes in the clear: a customer is named only by a
 * commitment (`chatvault_audit_commitment`), and text details must not
 * hold personal data either (commit it with `_set_committed`).
 *
 * Thread safety: mutable; one thread at a time. Appending only reads it:
 * several threads may append one event at once while none changes it.
 */
typedef struct chatvault_audit_event chatvault_audit_event;

/**
 * The audit log of one directory of segment files, with its single
 * writer: records hash-chained and in a Merkle tree, each framed with its
 * length and CRC-32C, synced in groups. Created by
 * `chatvault_audit_log_create` or `chatvault_audit_log_open`; freed with
 * `chatvault_audit_log_free`. Open a directory with one handle at a time
 * (in any process).
 *
 * A failed write or sync poisons the handle: every later call that
 * writes fails with CHATVAULT_RESULT_POISONED; free it and open the
 * directory again (which repairs a partial batch).
 *
 * Thread safety: mutable; one thread at a time. Functions taking a
 * `const` log only read it and may run concurrently with each other, but
 * never with a function that changes it.
 */
typedef struct chatvault_audit_log chatvault_audit_log;

/**
 * A note signing key: a name and an Ed25519 private key, for signing
 * checkpoints (`chatvault_audit_log_checkpoint`) and cosigning them
 * (`chatvault_audit_checkpoint_cosign`). Created by
 * `chatvault_audit_note_signer_generate` or `_from_encoded`; freed with
 * `chatvault_audit_note_signer_free`.
 *
 * Thread safety: immutable; may be used from several threads at once.
 * Free it once, when no thread uses it.
 */
typedef struct chatvault_audit_note_signer chatvault_audit_note_signer;

/**
 * A note verifier key: a name and an Ed25519 public key, trusted to sign
 * checkpoints (a log's key, or a cosigner's). Created by
 * `chatvault_audit_note_verifier_from_encoded`; freed with
 * `chatvault_audit_note_verifier_free`.
 *
 * Thread safety: immutable; may be used from several threads at once.
 * Free it once, when no thread uses it.
 */
typedef struct chatvault_audit_note_verifier chatvault_audit_note_verifier;

/**
 * A data key: random, one per conversation or per (customer, class). Its
 * bytes cannot be read; it only makes sealers. Obtained from the keyring
 * or a grant; freed with `chatvault_data_key_free` (which zeroizes it).
 *
 * Thread safety: immutable; the `const` functions may be called
 * concurrently. Freeing must not race with other uses.
 */
typedef struct chatvault_data_key chatvault_data_key;

/**
 * A compiled PII detector. Created by `chatvault_detector_new`; freed with
 * `chatvault_detector_free`.
 *
 * Thread safety: immutable; share one between threads and call
 * `chatvault_detector_detect` concurrently.
 */
typedef struct chatvault_detector chatvault_detector;

/**
 * A list of findings owned by the caller, from `chatvault_detector_detect`
 * or `chatvault_stream_detector_push`; read it with
 * `chatvault_findings_len` and `chatvault_findings_get`, free it with
 * `chatvault_findings_free`.
 *
 * Thread safety: immutable; may be read from several threads at once.
 */
typedef struct chatvault_findings chatvault_findings;

/**
 * A grantee's secret: the X25519 private key grants are sealed to.
 * Generated by the grantee (a supervisor or an agent), who hands its public
 * half (`chatvault_grantee_secret_public`) to the owner. Created by
 * `chatvault_grantee_secret_generate` or an `_import_` function; freed with
 * `chatvault_grantee_secret_free` (which zeroizes it).
 *
 * Thread safety: the functions that take it as `const` may be called
 * concurrently; freeing must not race with other uses.
 */
typedef struct chatvault_grantee_secret chatvault_grantee_secret;

/**
 * The shares of a master key (`chatvault_master_key_split`,
 * `chatvault_archive_export_master_key_shares`); freed (zeroized) with
 * `chatvault_key_shares_free`.
 *
 * Thread safety: immutable; may be read from several threads at once.
 */
typedef struct chatvault_key_shares chatvault_key_shares;

/**
 * Where a keyring keeps its wrapped data keys: in memory, or in a
 * directory of files whose deletions really erase. Created by
 * `chatvault_key_store_new_memory` or `chatvault_key_store_open`; freed with
 * `chatvault_key_store_free`. A keyring keeps its own reference, so the
 * handle may be freed as soon as the keyring exists; pass the same store to
 * the grant functions that fetch keys from it.
 *
 * Thread safety: safe to use from many threads at once (it locks
 * internally). Free it once, when no other thread uses the handle.
 */
typedef struct chatvault_key_store chatvault_key_store;

/**
 * The owner's keyring for one tenant: derives domain keys, creates, finds,
 * rotates and shreds data keys, issues grants, computes blind indexes.
 * Created by `chatvault_keyring_new`; freed with `chatvault_keyring_free`.
 *
 * Thread safety: one keyring per tenant, shared by all threads: every
 * function may be called concurrently on it. Free it once, when no other
 * thread uses the handle.
 */
typedef struct chatvault_keyring chatvault_keyring;

/**
 * Which operator masks each entity type. Created by
 * `chatvault_mask_policy_new` with the default operators (phones
 * `138****5678`, ID cards `110***********002X`, bank cards the last four,
 * e-mail `l***@example.com`, …); freed with `chatvault_mask_policy_free`.
 *
 * Thread safety: mutable; one thread at a time.
 */
typedef struct chatvault_mask_policy chatvault_mask_policy;

/**
 * Masks findings: shows each as its policy says and seals the original
 * under the customer's key for the identifier's class. Created by
 * `chatvault_masker_new`; freed with `chatvault_masker_free`.
 *
 * Thread safety: immutable; share one per tenant and call it concurrently.
 */
typedef struct chatvault_masker chatvault_masker;

/**
 * The tenant master key: 256 bits held by the business owner. It never
 * encrypts data; it leaves the process only wrapped (under a passphrase or
 * a KEK). Created by `chatvault_master_key_generate` or one of the
 * `_import_` functions; freed with `chatvault_master_key_free` (which
 * zeroizes it), or consumed by `chatvault_keyring_new`.
 *
 * Thread safety: the functions that take it as `const` may be called
 * concurrently; freeing it must not race with any other use.
 */
typedef struct chatvault_master_key chatvault_master_key;

/**
 * A loaded and checked retention policy. Created by
 * `chatvault_retention_policy_load`; freed with
 * `chatvault_retention_policy_free`.
 *
 * Thread safety: immutable; evaluate, plan and explain from any number of
 * threads at once.
 */
typedef struct chatvault_retention_policy chatvault_retention_policy;

/**
 * The metadata of one conversation that evaluation reads (no content):
 * category, region, channel, department, tags, clocks, events, legal
 * holds, erasure and consent requests. Created by
 * `chatvault_retention_record_new`; freed with
 * `chatvault_retention_record_free`.
 *
 * Thread safety: mutable; one thread at a time. Evaluation only reads it:
 * several threads may evaluate one record at once while none changes it.
 */
typedef struct chatvault_retention_record chatvault_retention_record;

/**
 * A dictionary being built: categories, words, allow-list. Created by
 * `chatvault_scan_dict_new`; freed with `chatvault_scan_dict_free`.
 *
 * Thread safety: mutable; one thread at a time.
 */
typedef struct chatvault_scan_dict chatvault_scan_dict;

/**
 * The action for each category and direction. Created by
 * `chatvault_scan_policy_new`; freed with `chatvault_scan_policy_free`.
 *
 * Thread safety: mutable; one thread at a time.
 */
typedef struct chatvault_scan_policy chatvault_scan_policy;

/**
 * A message's verdict: its strongest action, every match, and the masked
 * text. From `chatvault_scanner_scan`; freed with
 * `chatvault_scan_verdict_free`.
 *
 * Thread safety: immutable; may be read from several threads at once.
 */
typedef struct chatvault_scan_verdict chatvault_scan_verdict;

/**
 * A compiled dictionary and policy. Created by `chatvault_scan_dict_build`;
 * freed with `chatvault_scanner_free`.
 *
 * Thread safety: immutable; scan from any number of threads at once.
 */
typedef struct chatvault_scanner chatvault_scanner;

/**
 * A sealer: encrypts and decrypts fields under one data key, one key
 * version and one suite. Obtained from `chatvault_data_key_sealer`; freed
 * with `chatvault_sealer_free`. Build one per key and reuse it: creating it
 * derives and expands the cipher keys.
 *
 * Thread safety: immutable; one sealer may be used from many threads at
 * once (each seal draws its own random nonce). Free it once, when no other
 * thread uses it.
 */
typedef struct chatvault_sealer chatvault_sealer;

/**
 * A scanner that can be replaced while other threads scan with it.
 * Created by `chatvault_shared_scanner_new`; freed with
 * `chatvault_shared_scanner_free`.
 *
 * Thread safety: scan and replace from any threads at once; each scan uses
 * the scanner current when it starts.
 */
typedef struct chatvault_shared_scanner chatvault_shared_scanner;

/**
 * Follows one conversation's messages from one sender and also finds
 * identifiers split across two consecutive messages. Created by
 * `chatvault_stream_detector_new`; freed with
 * `chatvault_stream_detector_free`.
 *
 * Thread safety: mutable; one thread at a time.
 */
typedef struct chatvault_stream_detector chatvault_stream_detector;

/**
 * An opened supervisor "private key" grant: reads archived conversations of
 * its departments in its time window, while valid. Created by
 * `chatvault_supervisor_grant_open`; freed with
 * `chatvault_supervisor_grant_free`. Every use should be audited by the
 * caller.
 *
 * Thread safety: may be used from many threads at once. Free it once, when
 * no other thread uses the handle.
 */
typedef struct chatvault_supervisor_grant chatvault_supervisor_grant;

/**
 * What a grantee needs to check that a grant came from the tenant's owner:
 * the tenant id and its grant-signing public key. Public. Created by
 * `chatvault_tenant_public_from_bytes` (from `chatvault_keyring_tenant_public`
 * output); freed with `chatvault_tenant_public_free`.
 *
 * Thread safety: immutable; may be used from many threads at once. Free it
 * once, when no other thread uses the handle.
 */
typedef struct chatvault_tenant_public chatvault_tenant_public;

/**
 * A byte string owned by the library: an envelope, a plaintext, an
 * exported key, a grant, a label.
 *
 * Functions that produce one return it through a `chatvault_bytes **out`
 * parameter. Read `data[0..len]`; `data` is never NULL (also when `len` is
 * 0), and `data[len]` is always a NUL byte not counted in `len`, so text
 * outputs (labels, lists) can be printed as C strings (binary outputs may
 * of course contain NUL bytes before `len`). Do not modify the bytes.
 *
 * The caller owns it and must free it with `chatvault_bytes_free` (never
 * with `free()`); for outputs that may hold plaintext (what
 * `chatvault_sealer_open` returns) that zeroizes the bytes first.
 *
 * Thread safety: immutable; may be read from several threads at once and
 * freed from any thread, once.
 */
typedef struct chatvault_bytes {
    /**
     * The bytes; never NULL; `data[len]` is a NUL byte.
     */
    const uint8_t *data;
    /**
     * Number of bytes, not counting the trailing NUL.
     */
    size_t len;
} chatvault_bytes;

/**
 * Settings of a new archive (`chatvault_archive_create_with_*`); NULL
 * for the defaults (AES-256-GCM, no consent rule, group commit of 256
 * messages or 10 ms).
 *
 * Thread safety: a plain value, read during the call only.
 */
typedef struct chatvault_archive_options {
    /**
     * The `chatvault_suite` message text is sealed with.
     */
    uint32_t suite;
    /**
     * A `chatvault_archive_consent_rule`.
     */
    uint32_t consent;
    /**
     * Sync after this many messages (at least 1).
     */
    size_t max_batch;
    /**
     * ... or this many microseconds after the oldest unsynced one.
     */
    uint64_t max_delay_us;
} chatvault_archive_options;

/**
 * One holder of a share of the master key: a name and the public key
 * (`chatvault_grantee_public`, CHATVAULT_GRANTEE_PUBLIC_LEN bytes) the
 * share is sealed to.
 *
 * Thread safety: a plain value.
 */
typedef struct chatvault_share_holder {
    /**
     * The holder's name (UTF-8).
     */
    const uint8_t *name;
    /**
     * Bytes in `name`.
     */
    size_t name_len;
    /**
     * The holder's public key.
     */
    uint8_t public_key[CHATVAULT_GRANTEE_PUBLIC_LEN];
} chatvault_share_holder;

/**
 * A message to archive (`chatvault_archive_ingest`). Strings are UTF-8
 * `(pointer, length)` pairs.
 *
 * Thread safety: a plain value, read during the call only.
 */
typedef struct chatvault_archive_message {
    /**
     * The conversation.
     */
    const uint8_t *conversation;
    /**
     * Length of `conversation`.
     */
    size_t conversation_len;
    /**
     * The message id, unique in the conversation.
     */
    const uint8_t *id;
    /**
     * Length of `id`.
     */
    size_t id_len;
    /**
     * CHATVAULT_AUDIT_ROLE_AGENT or CHATVAULT_AUDIT_ROLE_CUSTOMER.
     */
    uint32_t role;
    /**
     * The agent's id (ignored for a customer; may be `(NULL, 0)`).
     */
    const uint8_t *sender;
    /**
     * Length of `sender`.
     */
    size_t sender_len;
    /**
     * When it was sent, Unix seconds.
     */
    int64_t time;
    /**
     * The text (at most 1 MiB).
     */
    const uint8_t *text;
    /**
     * Length of `text`.
     */
    size_t text_len;
} chatvault_archive_message;

/**
 * What `chatvault_archive_ingest` did, written to a struct the caller
 * allocates.
 *
 * Thread safety: a plain value.
 */
typedef struct chatvault_archive_ingested {
    /**
     * 1 if archived, 0 if blocked (nothing kept but the attempt's
     * metadata and audit event).
     */
    uint8_t stored;
    /**
     * The scan verdict's `chatvault_scan_action`.
     */
    uint32_t action;
    /**
     * Sensitive words found.
     */
    size_t matches;
    /**
     * Identifiers masked in the display text.
     */
    size_t masked;
} chatvault_archive_ingested;

/**
 * The identity check of an erasure request: called with the customer id
 * (UTF-8, not NUL-terminated) and the user data; returns 1 to go on, 0 to
 * refuse.
 */
typedef uint8_t (*chatvault_archive_identity_check)(const uint8_t *customer,
                                                    size_t customer_len,
                                                    void *user_data);

/**
 * A live report (`chatvault_archive_reporter`): a reported or blocked
 * message, a sensitive behaviour, a conversation due for review. The
 * strings are UTF-8, not NUL-terminated, and valid only during the call.
 *
 * Thread safety: valid only during the callback.
 */
typedef struct chatvault_archive_report {
    /**
     * A `chatvault_audit_event_kind`.
     */
    uint32_t kind;
    /**
     * When, Unix seconds.
     */
    int64_t time;
    /**
     * A `chatvault_audit_role`.
     */
    uint32_t role;
    /**
     * Who did it.
     */
    const uint8_t *actor;
    /**
     * Length of `actor`.
     */
    size_t actor_len;
    /**
     * The department (may be empty).
     */
    const uint8_t *department;
    /**
     * Length of `department`.
     */
    size_t department_len;
    /**
     * The conversation (may be empty).
     */
    const uint8_t *conversation;
    /**
     * Length of `conversation`.
     */
    size_t conversation_len;
    /**
     * The message (may be empty).
     */
    const uint8_t *message;
    /**
     * Length of `message`.
     */
    size_t message_len;
    /**
     * A one-line description (never an identifier).
     */
    const uint8_t *detail;
    /**
     * Length of `detail`.
     */
    size_t detail_len;
} chatvault_archive_report;

/**
 * The live-report callback: called with each report and the `user_data`
 * given to `chatvault_archive_set_reporter`, after the event is in the
 * audit log, outside the archive's locks, on the thread whose call caused
 * it. It may call the archive. It must not unwind (C++ exceptions, Go
 * panics) into the library.
 */
typedef void (*chatvault_archive_reporter)(const struct chatvault_archive_report *report,
                                           void *user_data);

/**
 * A conversation to start (`chatvault_archive_start_conversation`).
 * Strings are UTF-8 `(pointer, length)` pairs, not NUL-terminated;
 * `region`, `channel` and `tags` may be `(NULL, 0)`.
 *
 * Thread safety: a plain value, read during the call only.
 */
typedef struct chatvault_archive_conversation {
    /**
     * Its id (1 to 256 bytes, unique in the archive).
     */
    const uint8_t *id;
    /**
     * Length of `id`.
     */
    size_t id_len;
    /**
     * The department serving it.
     */
    const uint8_t *department;
    /**
     * Length of `department`.
     */
    size_t department_len;
    /**
     * The customer's id in the helpdesk (kept sealed and as a keyed tag).
     */
    const uint8_t *customer;
    /**
     * Length of `customer`.
     */
    size_t customer_len;
    /**
     * Its retention category (`general`, `complaint`, ...).
     */
    const uint8_t *category;
    /**
     * Length of `category`.
     */
    size_t category_len;
    /**
     * The customer's region.
     */
    const uint8_t *region;
    /**
     * Length of `region`.
     */
    size_t region_len;
    /**
     * The channel.
     */
    const uint8_t *channel;
    /**
     * Length of `channel`.
     */
    size_t channel_len;
    /**
     * Tags, one per line (at most 32).
     */
    const uint8_t *tags;
    /**
     * Length of `tags`.
     */
    size_t tags_len;
    /**
     * When it started, Unix seconds.
     */
    int64_t started;
} chatvault_archive_conversation;

/**
 * What `chatvault_archive_verify` found, written to a struct the caller
 * allocates.
 *
 * Thread safety: a plain value.
 */
typedef struct chatvault_archive_verify_report {
    /**
     * Audit log records.
     */
    uint64_t audit_records;
    /**
     * Messages stored.
     */
    size_t messages;
    /**
     * Stored messages matching their audit record.
     */
    size_t matched;
    /**
     * Stored with another hash than the audit log holds.
     */
    size_t altered;
    /**
     * Archived per the audit log, missing though not disposed of.
     */
    size_t removed;
    /**
     * Stored with no audit record.
     */
    size_t unaudited;
    /**
     * Settings (two-person rule, retention policy) in force that are not
     * the last change of them the audit log holds.
     */
    size_t settings_altered;
    /**
     * Conversations whose legal holds are not the ones the audit log saw.
     */
    size_t holds_altered;
    /**
     * Conversations disposed of without the audit log's word, or the
     * other way round.
     */
    size_t disposals_altered;
    /**
     * 1 if nothing was altered, removed or slipped in.
     */
    uint8_t consistent;
} chatvault_archive_verify_report;

/**
 * One message of a view (`chatvault_archive_view_message`); the strings
 * (UTF-8, not NUL-terminated) point into the view and are valid until it
 * is freed.
 *
 * Thread safety: a plain value.
 */
typedef struct chatvault_archive_viewed_message {
    /**
     * The message id.
     */
    const uint8_t *id;
    /**
     * Length of `id`.
     */
    size_t id_len;
    /**
     * When it was sent.
     */
    int64_t time;
    /**
     * CHATVAULT_AUDIT_ROLE_AGENT or CHATVAULT_AUDIT_ROLE_CUSTOMER.
     */
    uint32_t role;
    /**
     * The agent's id (empty for the customer).
     */
    const uint8_t *sender;
    /**
     * Length of `sender`.
     */
    size_t sender_len;
    /**
     * The display text (identifiers masked).
     */
    const uint8_t *text;
    /**
     * Length of `text`.
     */
    size_t text_len;
    /**
     * Masked identifiers in `text` (entries 0 to masked - 1 for
     * `chatvault_archive_reveal`).
     */
    size_t masked;
    /**
     * 1 if an agent later deleted it in the helpdesk (it stays archived).
     */
    uint8_t deleted_by_agent;
    /**
     * 1 if an agent later edited it.
     */
    uint8_t edited_by_agent;
} chatvault_archive_viewed_message;

/**
 * What a signed checkpoint says, written by
 * `chatvault_audit_checkpoint_open` into a struct the caller allocates.
 * The origin (the log id) is not in it: read it with
 * `chatvault_audit_checkpoint_origin`; extension lines are not returned.
 *
 * Thread safety: a plain value.
 */
typedef struct chatvault_audit_checkpoint {
    /**
     * The tree size: the number of records it covers.
     */
    uint64_t size;
    /**
     * The Merkle root of those records.
     */
    uint8_t root[CHATVAULT_AUDIT_HASH_LEN];
    /**
     * How many of the given cosigners signed it (cosigners of one name
     * counted once).
     */
    size_t cosigned;
} chatvault_audit_checkpoint;

/**
 * One event of `chatvault_audit_entries`, without its texts (use
 * `chatvault_audit_entries_json` for actor, department, objects and
 * details).
 *
 * Thread safety: a plain value.
 */
typedef struct chatvault_audit_entry {
    /**
     * Its position in the log.
     */
    uint64_t seq;
    /**
     * When (ms since 1970).
     */
    int64_t time_ms;
    /**
     * A `chatvault_audit_event_kind`.
     */
    uint32_t kind;
    /**
     * A `chatvault_audit_role`.
     */
    uint32_t role;
    /**
     * Its record's Merkle leaf hash (for `chatvault_audit_verify_inclusion`).
     */
    uint8_t leaf[CHATVAULT_AUDIT_HASH_LEN];
} chatvault_audit_entry;

/**
 * When an audit log writes and syncs buffered records (group commit):
 * once `max_batch` records are buffered, or when an append finds the
 * oldest buffered record older than `max_delay_us` microseconds (an idle
 * log is synced only by `chatvault_audit_log_flush`). `{1, 0}` syncs
 * every record; a NULL policy means the default, 256 records or 10 ms. A
 * `max_batch` of 0 behaves as 1.
 *
 * Thread safety: a plain value, read during the call that takes it.
 */
typedef struct chatvault_audit_commit_policy {
    /**
     * Sync once this many records are buffered.
     */
    size_t max_batch;
    /**
     * Sync on an append when the oldest buffered record has waited this
     * long, in microseconds.
     */
    uint64_t max_delay_us;
} chatvault_audit_commit_policy;

/**
 * Which events a query selects (every condition set must hold). A plain
 * struct the caller fills; pass NULL for "every event".
 *
 * Thread safety: a plain value; the pointers it holds are only read during
 * the call it is passed to.
 */
typedef struct chatvault_audit_query {
    /**
     * At or after this time (ms since 1970); INT64_MIN for no bound.
     */
    int64_t from_ms;
    /**
     * Before this time; INT64_MAX for no bound.
     */
    int64_t to_ms;
    /**
     * By this actor (UTF-8); NULL for any.
     */
    const uint8_t *actor;
    /**
     * Length of `actor`.
     */
    size_t actor_len;
    /**
     * In this department (UTF-8); NULL for any.
     */
    const uint8_t *department;
    /**
     * Length of `department`.
     */
    size_t department_len;
    /**
     * Of one of these `chatvault_audit_event_kind` numbers; NULL (with
     * `n_kinds` 0) for any kind.
     */
    const uint32_t *kinds;
    /**
     * Number of `kinds`.
     */
    size_t n_kinds;
    /**
     * Referring to an object of this `chatvault_audit_object_kind`; 0 for
     * no object condition.
     */
    uint32_t object_kind;
    /**
     * That object's plain id (UTF-8); NULL when it is named by commitment.
     */
    const uint8_t *object_id;
    /**
     * Length of `object_id`.
     */
    size_t object_id_len;
    /**
     * That object's commitment (CHATVAULT_AUDIT_COMMITMENT_LEN bytes);
     * NULL when it is named by plain id.
     */
    const uint8_t *object_commitment;
    /**
     * Length of `object_commitment`.
     */
    size_t object_commitment_len;
    /**
     * At most this many events (the first ones); 0 for no limit.
     */
    size_t limit;
} chatvault_audit_query;

/**
 * What `chatvault_audit_log_open` found, written to a struct the caller
 * allocates.
 *
 * Thread safety: a plain value.
 */
typedef struct chatvault_audit_open_report {
    /**
     * Records that verified (before any repair record was appended).
     */
    uint64_t records;
    /**
     * Whether a torn end was cut off: a last record torn by a crash
     * mid-append, or a new segment file whose header was torn (then
     * removed, with `repair_offset` 0). The repair is also appended to
     * the log as a CHATVAULT_AUDIT_EVENT_KIND_LOG_REPAIRED event naming
     * the segment file, so the log then holds `records + 1` records.
     */
    bool repaired;
    /**
     * Where the segment file was cut, in bytes (0 when not repaired).
     */
    uint64_t repair_offset;
    /**
     * How many bytes were dropped (0 when not repaired).
     */
    uint64_t repair_dropped;
} chatvault_audit_open_report;

/**
 * What an envelope's public header says, read without any key.
 *
 * Thread safety: a plain value.
 */
typedef struct chatvault_envelope_info {
    /**
     * The suite that sealed it (a `chatvault_suite` number).
     */
    uint32_t suite;
    /**
     * The key version that sealed it.
     */
    uint32_t key_version;
    /**
     * The key id (commitment) of the key that sealed it.
     */
    uint8_t key_id[CHATVAULT_KEY_ID_LEN];
    /**
     * Length of the header, in bytes.
     */
    size_t header_len;
    /**
     * Length of the plaintext it holds, in bytes.
     */
    size_t plaintext_len;
} chatvault_envelope_info;

/**
 * One identifier found in a text. Spans are byte offsets into the text
 * passed to the call that found it.
 *
 * Thread safety: a plain value; `rule` points into the `chatvault_findings`
 * it was read from and is valid until that is freed.
 */
typedef struct chatvault_finding {
    /**
     * The `chatvault_entity` number.
     */
    uint32_t entity;
    /**
     * Start of the identifier in the text (byte offset).
     */
    size_t start;
    /**
     * End of the identifier in the text (byte offset, exclusive).
     */
    size_t end;
    /**
     * Confidence from 0 to 1.
     */
    float confidence;
    /**
     * The rule that fired, as a NUL-terminated string.
     */
    const char *rule;
    /**
     * For a stream detector: whether the identifier began in the previous
     * message; then `previous_start..previous_end` is its part there.
     */
    bool has_previous;
    /**
     * Start of the part in the previous message (0 if none).
     */
    size_t previous_start;
    /**
     * End of the part in the previous message (0 if none).
     */
    size_t previous_end;
} chatvault_finding;

/**
 * What a `chatvault_keyring_rotate` did.
 *
 * Thread safety: a plain value.
 */
typedef struct chatvault_rotation {
    /**
     * The domain's version before.
     */
    uint32_t old_version;
    /**
     * The domain's version now.
     */
    uint32_t new_version;
    /**
     * Data keys rewrapped under the new version.
     */
    size_t rewrapped;
} chatvault_rotation;

/**
 * A retention decision for one conversation at one instant, written by
 * `chatvault_retention_evaluate` into a struct the caller allocates.
 * Explain it with `chatvault_retention_explain` and the same policy.
 *
 * A time is meaningful only when its `has_` flag is set (it is 0
 * otherwise); a rule is a number below
 * `chatvault_retention_policy_rule_count`, or CHATVAULT_RETENTION_NO_RULE.
 *
 * Thread safety: a plain value.
 */
typedef struct chatvault_retention_decision {
    /**
     * What to do now (a `chatvault_retention_action`).
     */
    uint32_t action;
    /**
     * The end action due now or scheduled next (a
     * `chatvault_retention_end`; NONE if nothing is scheduled).
     */
    uint32_t end;
    /**
     * Whether `not_before` is known.
     */
    bool has_not_before;
    /**
     * When `end` is (or became) due. Unknown when a hold without release
     * or a clock not started is in the way, or nothing is scheduled.
     */
    int64_t not_before;
    /**
     * Whether `deadline` is known.
     */
    bool has_deadline;
    /**
     * The latest time `end` must be carried out: `not_before` plus the
     * policy's grace (or its erasure time limit for an erasure).
     */
    int64_t deadline;
    /**
     * The rule that decided: the ceiling's, or the floor's when a floor
     * delayed the end; NO_RULE for no rule, an erasure with no floor in
     * the way, or a hold.
     */
    uint32_t rule;
    /**
     * The ceiling rule whose end action is scheduled, or NO_RULE.
     */
    uint32_t ceiling_rule;
    /**
     * The longest applicable floor's rule, or NO_RULE.
     */
    uint32_t floor_rule;
    /**
     * Whether `floor_end` is known.
     */
    bool has_floor_end;
    /**
     * When the longest floor ends (unknown: no floor, or its clock has not
     * started; see `floor_rule`).
     */
    int64_t floor_end;
    /**
     * What decided the timing (a `chatvault_retention_tie_break`).
     */
    uint32_t tie_break;
    /**
     * Whether use must stop (erasure requested or consent withdrawn).
     */
    bool restricted;
    /**
     * Whether a legal hold is active.
     */
    bool held;
    /**
     * Every rule that applies to the conversation: rule `i` is bit
     * `i % 64` of `applied[i / 64]`.
     */
    uint64_t applied[4];
    /**
     * The instant evaluated (seconds since 1970, UTC).
     */
    int64_t now;
    /**
     * The hash of the policy that made the decision
     * (`chatvault_retention_policy_hash`).
     */
    uint8_t policy_hash[CHATVAULT_RETENTION_HASH_LEN];
} chatvault_retention_decision;

/**
 * One dictionary word found in a message.
 *
 * Thread safety: a plain value; `word` points into the verdict it was read
 * from and is valid until that is freed.
 */
typedef struct chatvault_scan_match {
    /**
     * The category number.
     */
    uint8_t category;
    /**
     * The `chatvault_scan_action` for it in the scanned direction.
     */
    uint32_t action;
    /**
     * Start of the match in the original text (byte offset).
     */
    size_t start;
    /**
     * End of the match (byte offset, exclusive).
     */
    size_t end;
    /**
     * The dictionary word as it was added (UTF-8, not NUL-terminated).
     */
    const uint8_t *word;
    /**
     * Length of `word` in bytes.
     */
    size_t word_len;
} chatvault_scan_match;

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/**
 * The granted classes, as `chatvault_id_class` numbers in ascending order,
 * one byte each.
 *
 * On success `*out` receives them, owned by the caller, freed with
 * `chatvault_bytes_free`.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_agent_grant_classes(const struct chatvault_agent_grant *grant,
                                               struct chatvault_bytes **out);

/**
 * The data key of a customer's identifiers of a granted class
 * (`chatvault_id_class` number), fetched from `store`, at time `now`.
 * Another class: CHATVAULT_RESULT_GRANT_OUT_OF_SCOPE; outside the validity:
 * GRANT_NOT_YET_VALID or GRANT_EXPIRED; missing or shredded: KEY_NOT_FOUND.
 *
 * On success `*out` receives a data key the caller owns and must free with
 * `chatvault_data_key_free`.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_agent_grant_customer_key(const struct chatvault_agent_grant *grant,
                                                    const struct chatvault_key_store *store,
                                                    const uint8_t *customer,
                                                    size_t customer_len,
                                                    uint8_t id_class,
                                                    int64_t now,
                                                    struct chatvault_data_key **out);

/**
 * Release the caller's reference to an agent grant.
 *
 * Calling with NULL is fine. Must not be called twice for the same handle.
 *
 * Thread safety: must not race with other uses of the same handle.
 */
void chatvault_agent_grant_free(const struct chatvault_agent_grant *grant);

/**
 * The grant's random id: CHATVAULT_GRANT_ID_LEN bytes into `out` (`out_len`
 * at least that, else BUFFER_TOO_SMALL).
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_agent_grant_id(const struct chatvault_agent_grant *grant,
                                          uint8_t *out,
                                          size_t out_len);

/**
 * The label the owner gave the grantee (UTF-8).
 *
 * On success `*out` receives it, owned by the caller, freed with
 * `chatvault_bytes_free`.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_agent_grant_label(const struct chatvault_agent_grant *grant,
                                             struct chatvault_bytes **out);

/**
 * Open an agent grant sealed to `secret`, checking it was issued by the
 * owner of `tenant_public` (as `chatvault_supervisor_grant_open`).
 *
 * On success `*out` receives a grant the caller owns and must free with
 * `chatvault_agent_grant_free`.
 *
 * Thread safety: may be called from any thread.
 */
chatvault_result chatvault_agent_grant_open(const uint8_t *blob,
                                            size_t blob_len,
                                            const struct chatvault_grantee_secret *secret,
                                            const struct chatvault_tenant_public *tenant_public,
                                            const struct chatvault_agent_grant **out);

/**
 * Whether, at `now`, the grant allows revealing identifiers of `id_class`:
 * CHATVAULT_RESULT_OK if it does, else the reason (GRANT_OUT_OF_SCOPE,
 * GRANT_NOT_YET_VALID, GRANT_EXPIRED).
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_agent_grant_permits(const struct chatvault_agent_grant *grant,
                                               uint8_t id_class,
                                               int64_t now);

/**
 * When the grant may be used, `[*not_before, *expires_at)`, and when it was
 * issued (`*issued_at`), Unix seconds.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_agent_grant_validity(const struct chatvault_agent_grant *grant,
                                                int64_t *not_before,
                                                int64_t *expires_at,
                                                int64_t *issued_at);

/**
 * An approver approves a request: `*out` receives the request signed
 * with the approver's key (a C2SP signed note), freed with
 * `chatvault_bytes_free`. Pass the approvals to the operation.
 *
 * Thread safety: may be called from any thread.
 */
chatvault_result chatvault_archive_approve(const uint8_t *request,
                                           size_t request_len,
                                           const struct chatvault_audit_note_signer *approver,
                                           struct chatvault_bytes **out);

/**
 * Sign a checkpoint of the audit log (C2SP tlog checkpoint, signed by the
 * archive's audit key, name `<tenant>/audit`) into `*out`, freed with
 * `chatvault_bytes_free`.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_archive_checkpoint(const struct chatvault_archive *archive,
                                              struct chatvault_bytes **out);

/**
 * Close a conversation at `now` (its `closed` retention clock starts).
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_archive_close(const struct chatvault_archive *archive,
                                         const uint8_t *conversation,
                                         size_t conversation_len,
                                         int64_t now);

/**
 * Create a tenant's archive in the directory `dir` (UTF-8; created if
 * missing, must be empty) for `tenant` (UTF-8, 1 to 256 bytes) with the
 * master key `master_key` (not consumed: the caller still owns and frees
 * it), kept on disk only wrapped under the CHATVAULT_KEK_LEN-byte `kek`.
 * `options` may be NULL for the defaults.
 *
 * A non-empty directory or bad options: CHATVAULT_RESULT_INVALID_ARGUMENT;
 * file system errors: CHATVAULT_RESULT_IO.
 *
 * On success `*out` receives an archive the caller owns and must free
 * with `chatvault_archive_free`.
 *
 * Thread safety: may be called from any thread.
 */
chatvault_result chatvault_archive_create_with_kek(const uint8_t *dir,
                                                   size_t dir_len,
                                                   const uint8_t *tenant,
                                                   size_t tenant_len,
                                                   const struct chatvault_master_key *master_key,
                                                   const uint8_t *kek,
                                                   size_t kek_len,
                                                   const struct chatvault_archive_options *options,
                                                   const struct chatvault_archive **out);

/**
 * Like `chatvault_archive_create_with_kek`, with the master key wrapped
 * under the UTF-8 or binary `passphrase` (Argon2id, 64 MiB, 3 passes).
 *
 * Thread safety: may be called from any thread.
 */
chatvault_result chatvault_archive_create_with_passphrase(const uint8_t *dir,
                                                          size_t dir_len,
                                                          const uint8_t *tenant,
                                                          size_t tenant_len,
                                                          const struct chatvault_master_key *master_key,
                                                          const uint8_t *passphrase,
                                                          size_t passphrase_len,
                                                          const struct chatvault_archive_options *options,
                                                          const struct chatvault_archive **out);

/**
 * Where `customer`'s erasure stands at `now`, as the JSON of
 * `chatvault_archive_request_erasure`.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_archive_erasure_status(const struct chatvault_archive *archive,
                                                  const uint8_t *customer,
                                                  size_t customer_len,
                                                  int64_t now,
                                                  struct chatvault_bytes **out);

/**
 * Export the conversations of `department` (`(NULL, 0)`: all) in
 * `format`, identifiers masked, restricted and disposed-of conversations
 * left out, signed by the tenant and sealed to `recipient_public`
 * (opened with `chatvault_export_open`); under two-person control
 * (`approvals` as for `chatvault_archive_hold`); audited. `*out` receives
 * the sealed export, freed with `chatvault_bytes_free`.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_archive_export(const struct chatvault_archive *archive,
                                          const uint8_t *department,
                                          size_t department_len,
                                          uint32_t format,
                                          const uint8_t *recipient_public,
                                          size_t recipient_public_len,
                                          const uint8_t *actor,
                                          size_t actor_len,
                                          const uint8_t *const *approvals,
                                          const size_t *approval_lens,
                                          size_t approvals_len,
                                          int64_t now,
                                          struct chatvault_bytes **out);

/**
 * Split the master key among the `holders_len` holders, `threshold` of
 * whose shares recover it, under two-person control (`approvals` as for
 * `chatvault_archive_hold`, of a request from
 * `chatvault_archive_request_master_key_shares` naming the same holders),
 * audited. `out` points to `holders_len` slots: slot i receives holder i's
 * share sealed to their key (open it with `chatvault_key_share_open`),
 * freed with `chatvault_bytes_free`; on failure every slot is left
 * untouched.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_archive_export_master_key_shares(const struct chatvault_archive *archive,
                                                            uint8_t threshold,
                                                            const struct chatvault_share_holder *holders,
                                                            size_t holders_len,
                                                            const uint8_t *actor,
                                                            size_t actor_len,
                                                            const uint8_t *const *approvals,
                                                            const size_t *approval_lens,
                                                            size_t approvals_len,
                                                            int64_t now,
                                                            struct chatvault_bytes **out);

/**
 * Make every archived message and audit event durable now.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_archive_flush(const struct chatvault_archive *archive);

/**
 * Release the caller's reference to an archive; the last reference syncs
 * what is buffered and closes it. NULL is fine; must not be called twice.
 *
 * Thread safety: once no other call on this handle is running.
 */
void chatvault_archive_free(const struct chatvault_archive *archive);

/**
 * Set (`set` = 1) a legal hold on a conversation, with `reason`, or
 * release (`set` = 0) its last active hold; `by` is audited. Releasing
 * with no active hold: CHATVAULT_RESULT_INVALID_ARGUMENT. A release is
 * under two-person control: `approvals` (see
 * `chatvault_archive_request_approval`), `(NULL, NULL, 0)` while no rule
 * is set; missing or insufficient approvals: CHATVAULT_RESULT_REFUSED.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_archive_hold(const struct chatvault_archive *archive,
                                        const uint8_t *conversation,
                                        size_t conversation_len,
                                        uint8_t set,
                                        const uint8_t *by,
                                        size_t by_len,
                                        const uint8_t *reason,
                                        size_t reason_len,
                                        const uint8_t *const *approvals,
                                        const size_t *approval_lens,
                                        size_t approvals_len,
                                        int64_t now);

/**
 * Archive one message: scan it (blocked: not stored; the attempt is
 * audited and reported), mask its identifiers (originals sealed under the
 * customer's class keys), seal the display text, index the identifiers
 * blindly, audit it. `*result` receives what happened. Optional outputs
 * (NULL to skip): `*display` the text as archived (freed with
 * `chatvault_bytes_free`; empty when blocked) and `*verdict` the scan
 * verdict with every match, the reason to give the sender of a blocked
 * message (freed with `chatvault_scan_verdict_free`).
 *
 * Refused (CHATVAULT_RESULT_REFUSED): consent missing or withdrawn,
 * erasure requested, conversation disposed of. Unknown conversation,
 * duplicate id, bad role: CHATVAULT_RESULT_INVALID_ARGUMENT; text over
 * 1 MiB: CHATVAULT_RESULT_TOO_LARGE; invalid UTF-8: CHATVAULT_RESULT_UTF8.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_archive_ingest(const struct chatvault_archive *archive,
                                          const struct chatvault_archive_message *message,
                                          struct chatvault_archive_ingested *result,
                                          struct chatvault_bytes **display,
                                          struct chatvault_scan_verdict **verdict);

/**
 * Issue an agent restore-key grant (as
 * `chatvault_keyring_issue_agent_grant`: `classes` is an array of
 * `classes_len` `chatvault_id_class` numbers), audited as `grant_issued`
 * by `actor`, under two-person control (`approvals` as for
 * `chatvault_archive_hold`). `*out` receives the sealed grant, freed with
 * `chatvault_bytes_free`.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_archive_issue_agent_grant(const struct chatvault_archive *archive,
                                                     const uint8_t *grantee_public,
                                                     size_t grantee_public_len,
                                                     const uint8_t *label,
                                                     size_t label_len,
                                                     const uint8_t *classes,
                                                     size_t classes_len,
                                                     int64_t not_before,
                                                     int64_t expires_at,
                                                     const uint8_t *actor,
                                                     size_t actor_len,
                                                     const uint8_t *const *approvals,
                                                     const size_t *approval_lens,
                                                     size_t approvals_len,
                                                     int64_t now,
                                                     struct chatvault_bytes **out);

/**
 * Issue a supervisor grant (as `chatvault_keyring_issue_supervisor_grant`:
 * departments one per line, window and validity in Unix seconds), audited
 * as `grant_issued` by `actor`, under two-person control (`approvals` as
 * for `chatvault_archive_hold`). `*out` receives the sealed grant, freed
 * with `chatvault_bytes_free`.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_archive_issue_supervisor_grant(const struct chatvault_archive *archive,
                                                          const uint8_t *grantee_public,
                                                          size_t grantee_public_len,
                                                          const uint8_t *label,
                                                          size_t label_len,
                                                          const uint8_t *departments,
                                                          size_t departments_len,
                                                          int64_t window_from,
                                                          int64_t window_to,
                                                          int64_t not_before,
                                                          int64_t expires_at,
                                                          const uint8_t *actor,
                                                          size_t actor_len,
                                                          const uint8_t *const *approvals,
                                                          const size_t *approval_lens,
                                                          size_t approvals_len,
                                                          int64_t now,
                                                          struct chatvault_bytes **out);

/**
 * Every conversation of the department `department` (UTF-8; `(NULL, 0)`
 * for all), from metadata alone, as JSON freed with
 * `chatvault_bytes_free`: `[{"id", "department", "category", "tags": [..],
 * "region", "channel", "started", "last_activity", "closed" (or null),
 * "messages", "blocked", "held", "state": "live" | "restricted" |
 * "disposed"}, ...]`.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_archive_list(const struct chatvault_archive *archive,
                                        const uint8_t *department,
                                        size_t department_len,
                                        struct chatvault_bytes **out);

/**
 * Open the archive in `dir`, unwrapping its master key with the `kek` it
 * was created with (another key: CHATVAULT_RESULT_DECRYPT). Every record
 * is re-read: a torn last record is cut, other damage is
 * CHATVAULT_RESULT_MALFORMED; a directory without an archive:
 * CHATVAULT_RESULT_IO. The scanner, reporter and commit policy are this
 * process's: set them again after opening.
 *
 * On success `*out` receives an archive the caller owns and must free
 * with `chatvault_archive_free`.
 *
 * Thread safety: may be called from any thread; one process at a time
 * may have an archive directory open.
 */
chatvault_result chatvault_archive_open_with_kek(const uint8_t *dir,
                                                 size_t dir_len,
                                                 const uint8_t *kek,
                                                 size_t kek_len,
                                                 const struct chatvault_archive **out);

/**
 * Like `chatvault_archive_open_with_kek`, with the passphrase.
 *
 * Thread safety: may be called from any thread.
 */
chatvault_result chatvault_archive_open_with_passphrase(const uint8_t *dir,
                                                        size_t dir_len,
                                                        const uint8_t *passphrase,
                                                        size_t passphrase_len,
                                                        const struct chatvault_archive **out);

/**
 * Like `chatvault_archive_open_with_kek`, with at least the threshold of
 * the master key's shares (from `chatvault_archive_export_master_key_shares`).
 * Shares of another key: CHATVAULT_RESULT_DECRYPT.
 *
 * Thread safety: may be called from any thread.
 */
chatvault_result chatvault_archive_open_with_shares(const uint8_t *dir,
                                                    size_t dir_len,
                                                    const uint8_t *const *shares,
                                                    const size_t *share_lens,
                                                    size_t shares_len,
                                                    const struct chatvault_archive **out);

/**
 * Record a sensitive behaviour (`behaviour`: a
 * `chatvault_archive_behaviour`) by `actor` in `role`, of `department`:
 * for a deleted or edited message `conversation` and `message` name it
 * (`device` is ignored); for a login `device` names the device (the
 * others are ignored). Audited and reported live; `*is_new` (may be NULL)
 * receives 0 for a login from a device already seen, else 1.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_archive_record_behaviour(const struct chatvault_archive *archive,
                                                    const uint8_t *actor,
                                                    size_t actor_len,
                                                    uint32_t role,
                                                    const uint8_t *department,
                                                    size_t department_len,
                                                    uint32_t behaviour,
                                                    const uint8_t *conversation,
                                                    size_t conversation_len,
                                                    const uint8_t *message,
                                                    size_t message_len,
                                                    const uint8_t *device,
                                                    size_t device_len,
                                                    int64_t now,
                                                    uint8_t *is_new);

/**
 * Record a customer's notice, consent or withdrawal (`event`: a
 * `chatvault_archive_consent_event`) at `now`; audited.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_archive_record_consent(const struct chatvault_archive *archive,
                                                  const uint8_t *customer,
                                                  size_t customer_len,
                                                  uint32_t event,
                                                  int64_t now);

/**
 * Write an approval request for issuing an agent grant with exactly these
 * parameters (as `chatvault_archive_issue_agent_grant`); see
 * `chatvault_archive_request_release_hold`.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_archive_request_agent_grant(const struct chatvault_archive *archive,
                                                       const uint8_t *grantee_public,
                                                       size_t grantee_public_len,
                                                       const uint8_t *label,
                                                       size_t label_len,
                                                       const uint8_t *classes,
                                                       size_t classes_len,
                                                       int64_t not_before,
                                                       int64_t expires_at,
                                                       const uint8_t *requested_by,
                                                       size_t requested_by_len,
                                                       int64_t now,
                                                       int64_t valid_for,
                                                       struct chatvault_bytes **out);

/**
 * A customer asks for erasure: `identity_check` (required) is called with
 * the customer id during this call; 0 refuses (CHATVAULT_RESULT_REFUSED,
 * audited). Otherwise the customer's conversations are restricted at once
 * and shredded as each legal floor ends (now, or in a later sweep), the
 * customer's keys with the last one.
 *
 * On success `*out` receives the status as JSON, freed with
 * `chatvault_bytes_free`: `{"state": "not_requested" | "restricted" |
 * "completed", "requested", "completed", "conversations", "disposed",
 * "held", "next_due"}` (times are Unix seconds or null).
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_archive_request_erasure(const struct chatvault_archive *archive,
                                                   const uint8_t *customer,
                                                   size_t customer_len,
                                                   chatvault_archive_identity_check identity_check,
                                                   void *user_data,
                                                   int64_t now,
                                                   struct chatvault_bytes **out);

/**
 * Write an approval request for a bulk export of the conversations of
 * `department` (`(NULL, 0)`: all) in `format` (a
 * `chatvault_export_format`) sealed to `recipient_public`; see
 * `chatvault_archive_request_release_hold`.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_archive_request_export(const struct chatvault_archive *archive,
                                                  const uint8_t *department,
                                                  size_t department_len,
                                                  uint32_t format,
                                                  const uint8_t *recipient_public,
                                                  size_t recipient_public_len,
                                                  const uint8_t *requested_by,
                                                  size_t requested_by_len,
                                                  int64_t now,
                                                  int64_t valid_for,
                                                  struct chatvault_bytes **out);

/**
 * Write an approval request for splitting the master key among the
 * `holders_len` holders, `threshold` of whose shares recover it
 * (`chatvault_archive_export_master_key_shares`); the request names each
 * holder and key. See `chatvault_archive_request_release_hold`.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_archive_request_master_key_shares(const struct chatvault_archive *archive,
                                                             uint8_t threshold,
                                                             const struct chatvault_share_holder *holders,
                                                             size_t holders_len,
                                                             const uint8_t *requested_by,
                                                             size_t requested_by_len,
                                                             int64_t now,
                                                             int64_t valid_for,
                                                             struct chatvault_bytes **out);

/**
 * Write an approval request for releasing the hold of `conversation`,
 * open for `valid_for` seconds from `now` (at most 30 days), on behalf of
 * `requested_by`: `*out` receives the text every approver signs
 * (`chatvault_archive_approve`), freed with `chatvault_bytes_free`.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_archive_request_release_hold(const struct chatvault_archive *archive,
                                                        const uint8_t *conversation,
                                                        size_t conversation_len,
                                                        const uint8_t *requested_by,
                                                        size_t requested_by_len,
                                                        int64_t now,
                                                        int64_t valid_for,
                                                        struct chatvault_bytes **out);

/**
 * Write an approval request for issuing a supervisor grant with exactly
 * these parameters (as `chatvault_archive_issue_supervisor_grant`); see
 * `chatvault_archive_request_release_hold`.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_archive_request_supervisor_grant(const struct chatvault_archive *archive,
                                                            const uint8_t *grantee_public,
                                                            size_t grantee_public_len,
                                                            const uint8_t *label,
                                                            size_t label_len,
                                                            const uint8_t *departments,
                                                            size_t departments_len,
                                                            int64_t window_from,
                                                            int64_t window_to,
                                                            int64_t not_before,
                                                            int64_t expires_at,
                                                            const uint8_t *requested_by,
                                                            size_t requested_by_len,
                                                            int64_t now,
                                                            int64_t valid_for,
                                                            struct chatvault_bytes **out);

/**
 * Write an approval request for replacing the two-person rule with
 * `threshold` of the `approvers_len` approvers; see
 * `chatvault_archive_request_release_hold`.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_archive_request_two_person_rule(const struct chatvault_archive *archive,
                                                           size_t threshold,
                                                           const struct chatvault_audit_note_verifier *const *approvers,
                                                           size_t approvers_len,
                                                           const uint8_t *requested_by,
                                                           size_t requested_by_len,
                                                           int64_t now,
                                                           int64_t valid_for,
                                                           struct chatvault_bytes **out);

/**
 * What falls due in `from <= t < to`, soonest first, as JSON freed with
 * `chatvault_bytes_free`: `[{"conversation", "action", "when", "why"}]`.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_archive_retention_plan(const struct chatvault_archive *archive,
                                                  int64_t from,
                                                  int64_t to,
                                                  struct chatvault_bytes **out);

/**
 * Reveal masked identifier `entry` of a message with an agent's restore
 * key: only a class of the grant, only while valid at `now`, only for the
 * conversation's own `customer` (the customer the agent serves). Audited,
 * refusals too, before the original is returned.
 *
 * On success `*out` receives the original (UTF-8), owned by the caller,
 * zeroized by `chatvault_bytes_free`.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_archive_reveal(const struct chatvault_archive *archive,
                                          const struct chatvault_agent_grant *grant,
                                          const uint8_t *actor,
                                          size_t actor_len,
                                          const uint8_t *customer,
                                          size_t customer_len,
                                          const uint8_t *conversation,
                                          size_t conversation_len,
                                          const uint8_t *message,
                                          size_t message_len,
                                          size_t entry,
                                          int64_t now,
                                          struct chatvault_bytes **out);

/**
 * Find every archived message holding identifier `value` (UTF-8) of
 * `id_class` (a `chatvault_id_class`), however written, without
 * decrypting; audited (the class and the count, never the value) as done
 * by `actor` in `role` (a `chatvault_audit_role`).
 *
 * On success `*out` receives JSON, freed with `chatvault_bytes_free`:
 * `[{"conversation": "...", "message": "...", "time": 1767225600}, ...]`.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_archive_search(const struct chatvault_archive *archive,
                                          const uint8_t *actor,
                                          size_t actor_len,
                                          uint32_t role,
                                          uint32_t id_class,
                                          const uint8_t *value,
                                          size_t value_len,
                                          int64_t now,
                                          struct chatvault_bytes **out);

/**
 * Send every live report to `callback` with `user_data` (see
 * `chatvault_archive_reporter`); NULL stops. The callback and user data
 * must stay usable, from any thread that uses the archive, until the
 * archive is freed: a call on another thread that began before this one
 * returned may still be delivering a report to the old reporter.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_archive_set_reporter(const struct chatvault_archive *archive,
                                                chatvault_archive_reporter callback,
                                                void *user_data);

/**
 * Set the retention policy from its JSON text (docs/FORMAT.md section
 * 12); every load-time check runs (refusals: CHATVAULT_RESULT_POLICY with
 * every problem in the last error message), and a locked policy in force
 * only accepts a successor that keeps data at least as long. `actor`
 * (UTF-8) is audited with `now` (Unix seconds).
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_archive_set_retention_policy(const struct chatvault_archive *archive,
                                                        const uint8_t *json,
                                                        size_t json_len,
                                                        const uint8_t *actor,
                                                        size_t actor_len,
                                                        int64_t now);

/**
 * Scan messages with `scanner` from now on (swapped in atomically while
 * other threads ingest; the archive keeps its own reference, so the
 * caller may free its handle). The default scanner allows everything.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_archive_set_scanner(const struct chatvault_archive *archive,
                                               const struct chatvault_scanner *scanner);

/**
 * Set the two-person rule: `threshold` (2 or more) of the
 * `approvers_len` approvers (C2SP verifier keys) must approve issuing a
 * grant, releasing a hold, exporting the master key and changing the
 * rule. The first rule is set by `actor` alone; replacing one needs
 * approvals of a request from `chatvault_archive_request_two_person_rule`.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_archive_set_two_person_rule(const struct chatvault_archive *archive,
                                                       size_t threshold,
                                                       const struct chatvault_audit_note_verifier *const *approvers,
                                                       size_t approvers_len,
                                                       const uint8_t *actor,
                                                       size_t actor_len,
                                                       const uint8_t *const *approvals,
                                                       const size_t *approval_lens,
                                                       size_t approvals_len,
                                                       int64_t now);

/**
 * Start a conversation. Refused (CHATVAULT_RESULT_REFUSED) when the
 * archive's consent rule is not met for the customer or the customer
 * asked for erasure or withdrew consent; a duplicate id or a bad name:
 * CHATVAULT_RESULT_INVALID_ARGUMENT.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_archive_start_conversation(const struct chatvault_archive *archive,
                                                      const struct chatvault_archive_conversation *conversation);

/**
 * Statistics for `from <= t < to` from metadata alone, as JSON freed with
 * `chatvault_bytes_free`: `{"from", "to", "sessions", "messages",
 * "blocked", "reported", "open", "behaviours", "agents": [{"agent",
 * "sessions", "messages", "first_response_s", "response_s", "resolved",
 * "sensitive_hits", "blocked", "behaviours"}], "departments":
 * [{"department", "sessions", "messages", "first_response_s",
 * "response_s", "resolved", "sensitive_hits"}]}` (mean seconds may be
 * null).
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_archive_stats(const struct chatvault_archive *archive,
                                         int64_t from,
                                         int64_t to,
                                         struct chatvault_bytes **out);

/**
 * A customer's own records (subject access) in `format`: every
 * conversation still held, restricted ones included, identifiers
 * restored. `identity_check` (required) is the helpdesk's identity check
 * (0 refuses: CHATVAULT_RESULT_REFUSED, audited). With
 * `recipient_public` (CHATVAULT_GRANTEE_PUBLIC_LEN bytes) the result is
 * signed and sealed to it; with `(NULL, 0)` it is returned as is. `*out`
 * receives it, zeroized by `chatvault_bytes_free`.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_archive_subject_access_export(const struct chatvault_archive *archive,
                                                         const uint8_t *customer,
                                                         size_t customer_len,
                                                         chatvault_archive_identity_check identity_check,
                                                         void *user_data,
                                                         uint32_t format,
                                                         const uint8_t *recipient_public,
                                                         size_t recipient_public_len,
                                                         int64_t now,
                                                         struct chatvault_bytes **out);

/**
 * Apply what the retention policy says is due at `now` (shred, delete,
 * archive, review), audited as done by `actor`. No policy set:
 * CHATVAULT_RESULT_INVALID_ARGUMENT.
 *
 * On success `*out` receives JSON, freed with `chatvault_bytes_free`:
 * `{"evaluated", "kept", "restricted", "held", "applied":
 * [{"conversation", "action", "why"}], "erasures_completed", "compacted":
 * {"before", "after"} or null, "skipped": [{"conversation", "why"}]}`
 * (conversations the policy could not evaluate, left as they are).
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_archive_sweep(const struct chatvault_archive *archive,
                                         const uint8_t *actor,
                                         size_t actor_len,
                                         int64_t now,
                                         struct chatvault_bytes **out);

/**
 * The tenant's public key, for grantees to open their grants with; freed
 * with `chatvault_tenant_public_free`.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_archive_tenant_public(const struct chatvault_archive *archive,
                                                 const struct chatvault_tenant_public **out);

/**
 * Check that the audit log and the stored messages agree (the audit log
 * itself was verified on opening). Disagreement is not an error: read
 * `consistent`.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_archive_verify(const struct chatvault_archive *archive,
                                          struct chatvault_archive_verify_report *out);

/**
 * Open a conversation with a supervisor grant: only a department of the
 * grant, only messages inside its window (the others counted as
 * withheld), only while valid at `now`. Audited, refusals too, before
 * anything is returned. Outside the grant: CHATVAULT_RESULT_GRANT_*;
 * restricted or disposed of: CHATVAULT_RESULT_REFUSED.
 *
 * On success `*out` receives a view the caller owns and must free with
 * `chatvault_archive_view_free`.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_archive_view_conversation(const struct chatvault_archive *archive,
                                                     const struct chatvault_supervisor_grant *grant,
                                                     const uint8_t *actor,
                                                     size_t actor_len,
                                                     const uint8_t *conversation,
                                                     size_t conversation_len,
                                                     int64_t now,
                                                     struct chatvault_archive_view **out);

/**
 * Free a view. NULL is fine; must not be called twice.
 *
 * Thread safety: once no other call on this view is running.
 */
void chatvault_archive_view_free(struct chatvault_archive_view *view);

/**
 * Messages shown in a view (0 for NULL).
 *
 * Thread safety: may be called concurrently.
 */
size_t chatvault_archive_view_len(const struct chatvault_archive_view *view);

/**
 * Message `index` of a view into `*out`; an index at or past
 * `chatvault_archive_view_len`: CHATVAULT_RESULT_INVALID_ARGUMENT.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_archive_view_message(const struct chatvault_archive_view *view,
                                                size_t index,
                                                struct chatvault_archive_viewed_message *out);

/**
 * Messages withheld from a view (outside the grant's window; 0 for NULL).
 *
 * Thread safety: may be called concurrently.
 */
size_t chatvault_archive_view_withheld(const struct chatvault_archive_view *view);

/**
 * Cosign a signed checkpoint: check it as `chatvault_audit_checkpoint_open`
 * does with `log_key` and no cosigners (same failures), then append a
 * signature by `cosigner` (a supervisor, an auditor, a witness). The
 * caller vouches for what it cosigns: a witness should also check that
 * the checkpoint extends the last one it cosigned for this log
 * (`chatvault_audit_verify_consistency`). A note already signed by
 * `cosigner`'s key: CHATVAULT_RESULT_INVALID_ARGUMENT.
 *
 * On success `*out` receives the note with the added signature line,
 * owned by the caller, freed with `chatvault_bytes_free`.
 *
 * Thread safety: may be called from any thread; the keys are only read.
 */
chatvault_result chatvault_audit_checkpoint_cosign(const uint8_t *note,
                                                   size_t note_len,
                                                   const struct chatvault_audit_note_verifier *log_key,
                                                   const struct chatvault_audit_note_signer *cosigner,
                                                   struct chatvault_bytes **out);

/**
 * Open a signed checkpoint (`note`, UTF-8 text as
 * `chatvault_audit_log_checkpoint` gives it): it must be signed by
 * `log_key`, the log's own key; signatures by the keys in `cosigners` (an
 * array of `n_cosigners` verifier pointers, none NULL; `(NULL, 0)` for
 * none) are checked too and counted, and signatures by any other key are
 * ignored.
 *
 * A signature by a trusted key that does not verify, or no signature by
 * `log_key`: CHATVAULT_RESULT_BAD_SIGNATURE. A note or checkpoint that
 * does not parse: CHATVAULT_RESULT_MALFORMED. A cosigner whose key has
 * the log key's name: CHATVAULT_RESULT_INVALID_ARGUMENT (keys are told
 * apart by name and key id, but two keys of one name in one call are
 * refused to keep their roles unambiguous).
 *
 * This does not check the origin: a checkpoint signed with the same key
 * for another log opens too. Compare `chatvault_audit_checkpoint_origin`
 * with the log id you expect.
 *
 * On success the checkpoint is written to `*out`, a struct the caller
 * owns; nothing is allocated, so there is no `_free` to call for it.
 *
 * Thread safety: may be called from any thread; the verifiers are only
 * read.
 */
chatvault_result chatvault_audit_checkpoint_open(const uint8_t *note,
                                                 size_t note_len,
                                                 const struct chatvault_audit_note_verifier *log_key,
                                                 const struct chatvault_audit_note_verifier *const *cosigners,
                                                 size_t n_cosigners,
                                                 struct chatvault_audit_checkpoint *out);

/**
 * Write the origin (the log id) of the signed checkpoint `note` (UTF-8)
 * into `buf`, NUL-terminated. No signature is checked: use it to pick
 * which log's key to open the note with, and compare it with the log id
 * you expect once `chatvault_audit_checkpoint_open` has succeeded. A note
 * or checkpoint that does not parse: CHATVAULT_RESULT_MALFORMED.
 *
 * `*written` receives the size including the NUL; a short buffer gives
 * CHATVAULT_RESULT_BUFFER_TOO_SMALL with `*written` = the size needed, so
 * `(buf = NULL, buf_len = 0)` asks for the size.
 *
 * Thread safety: may be called from any thread.
 */
chatvault_result chatvault_audit_checkpoint_origin(const uint8_t *note,
                                                   size_t note_len,
                                                   char *buf,
                                                   size_t buf_len,
                                                   size_t *written);

/**
 * A keyed commitment to a personal value, CHATVAULT_AUDIT_COMMITMENT_LEN
 * bytes into `out` (`out_len` at least that, else
 * CHATVAULT_RESULT_BUFFER_TOO_SMALL): HMAC-SHA256 under `key` (the data
 * subject's key, at least 16 bytes, e.g. from
 * `chatvault_keyring_customer_key`) of `what` (UTF-8, the kind of value:
 * `"customer"`, `"phone"`) and `value`. The log can then name the customer
 * without holding the identifier, and once that key is shredded nobody
 * can link the entry to the customer.
 *
 * A key shorter than 16 bytes: CHATVAULT_RESULT_INVALID_ARGUMENT. The
 * library keeps no copy of the key or the value.
 *
 * Thread safety: may be called from any thread.
 */
chatvault_result chatvault_audit_commitment(const uint8_t *key,
                                            size_t key_len,
                                            const uint8_t *what,
                                            size_t what_len,
                                            const uint8_t *value,
                                            size_t value_len,
                                            uint8_t *out,
                                            size_t out_len);

/**
 * Free entries. Calling with NULL is fine; must not be called twice.
 *
 * Thread safety: must not race with readers of them.
 */
void chatvault_audit_entries_free(struct chatvault_audit_entries *entries);

/**
 * Copy entry `index` into `*out`; an index past the end is
 * CHATVAULT_RESULT_INVALID_ARGUMENT.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_audit_entries_get(const struct chatvault_audit_entries *entries,
                                             size_t index,
                                             struct chatvault_audit_entry *out);

/**
 * Entry `index` as a JSON object (UTF-8; the fields of an export line,
 * docs/FORMAT.md section 13.5) into `*out` (owned by the caller, freed with
 * `chatvault_bytes_free`).
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_audit_entries_json(const struct chatvault_audit_entries *entries,
                                              size_t index,
                                              struct chatvault_bytes **out);

/**
 * Number of entries (0 for NULL).
 *
 * Thread safety: may be called concurrently.
 */
size_t chatvault_audit_entries_len(const struct chatvault_audit_entries *entries);

/**
 * Append an object the event refers to, named by a commitment
 * (CHATVAULT_AUDIT_COMMITMENT_LEN bytes from `chatvault_audit_commitment`;
 * `commitment_len` must be exactly that, else
 * CHATVAULT_RESULT_INVALID_ARGUMENT). Any object kind may be committed; a
 * customer must be. Failures are as for
 * `chatvault_audit_event_add_object`, and leave the event unchanged.
 *
 * Thread safety: not concurrently on one event.
 */
chatvault_result chatvault_audit_event_add_committed_object(struct chatvault_audit_event *event,
                                                            uint32_t object_kind,
                                                            const uint8_t *commitment,
                                                            size_t commitment_len);

/**
 * Append an object the event refers to, named by a plain id (UTF-8, at
 * most 256 bytes: a conversation id, a grant id, a policy hash in hex;
 * never personal data). Objects keep the order they were added in; an
 * event has at most 64.
 *
 * A customer (CHATVAULT_AUDIT_OBJECT_KIND_CUSTOMER) cannot be named by a
 * plain id: CHATVAULT_RESULT_INVALID_ARGUMENT (use
 * `chatvault_audit_event_add_committed_object`). An unknown object kind,
 * a too long id, a 65th object, or an event that would encode to more
 * than 65,536 bytes (CHATVAULT_RESULT_TOO_LARGE) also fail; on any
 * failure the event is unchanged.
 *
 * Thread safety: not concurrently on one event.
 */
chatvault_result chatvault_audit_event_add_object(struct chatvault_audit_event *event,
                                                  uint32_t object_kind,
                                                  const uint8_t *id,
                                                  size_t id_len);

/**
 * Free an event. Calling with NULL is fine; must not be called twice.
 *
 * Thread safety: must not race with any other use of it.
 */
void chatvault_audit_event_free(struct chatvault_audit_event *event);

/**
 * An event at `time_ms` (milliseconds since 1970, UTC) of `kind` (a
 * `chatvault_audit_event_kind`), by `actor` (UTF-8, an account id, not a
 * person's name; 1 to 256 bytes) acting as `role` (a
 * `chatvault_audit_role`) in `department` (UTF-8, at most 256 bytes;
 * `(NULL, 0)` for none), with no objects or details.
 *
 * An unknown kind or role, an empty or too long actor or department:
 * CHATVAULT_RESULT_INVALID_ARGUMENT; invalid UTF-8:
 * CHATVAULT_RESULT_UTF8.
 *
 * On success `*out` receives an event the caller owns and must free with
 * `chatvault_audit_event_free`.
 *
 * Thread safety: may be called from any thread.
 */
chatvault_result chatvault_audit_event_new(int64_t time_ms,
                                           uint32_t kind,
                                           const uint8_t *actor,
                                           size_t actor_len,
                                           uint32_t role,
                                           const uint8_t *department,
                                           size_t department_len,
                                           struct chatvault_audit_event **out);

/**
 * Set the detail `key` to the flag `value`. Keys and failures as for
 * `chatvault_audit_event_set_text`.
 *
 * Thread safety: not concurrently on one event.
 */
chatvault_result chatvault_audit_event_set_bool(struct chatvault_audit_event *event,
                                                const uint8_t *key,
                                                size_t key_len,
                                                bool value);

/**
 * Set the detail `key` to the bytes `(value, value_len)` (a hash, an id;
 * `(NULL, 0)` is empty). Keys and failures as for
 * `chatvault_audit_event_set_text`.
 *
 * Thread safety: not concurrently on one event.
 */
chatvault_result chatvault_audit_event_set_bytes(struct chatvault_audit_event *event,
                                                 const uint8_t *key,
                                                 size_t key_len,
                                                 const uint8_t *value,
                                                 size_t value_len);

/**
 * Set the detail `key` to a commitment to personal data
 * (CHATVAULT_AUDIT_COMMITMENT_LEN bytes from `chatvault_audit_commitment`;
 * another length: CHATVAULT_RESULT_INVALID_ARGUMENT). Keys and failures
 * as for `chatvault_audit_event_set_text`.
 *
 * Thread safety: not concurrently on one event.
 */
chatvault_result chatvault_audit_event_set_committed(struct chatvault_audit_event *event,
                                                     const uint8_t *key,
                                                     size_t key_len,
                                                     const uint8_t *commitment,
                                                     size_t commitment_len);

/**
 * Set the detail `key` to the integer `value`. Keys and failures as for
 * `chatvault_audit_event_set_text`.
 *
 * Thread safety: not concurrently on one event.
 */
chatvault_result chatvault_audit_event_set_int(struct chatvault_audit_event *event,
                                               const uint8_t *key,
                                               size_t key_len,
                                               int64_t value);

/**
 * Set the detail `key` (UTF-8, 1 to 64 bytes) to the text `value`
 * (UTF-8; never personal data: commit it with
 * `chatvault_audit_event_set_committed` instead), replacing any earlier
 * value of that key. Details are encoded in key order; an event has at
 * most 64.
 *
 * An empty or too long key, a 65th detail:
 * CHATVAULT_RESULT_INVALID_ARGUMENT; an event that would encode to more
 * than 65,536 bytes: CHATVAULT_RESULT_TOO_LARGE. On any failure the event
 * is unchanged.
 *
 * Thread safety: not concurrently on one event.
 */
chatvault_result chatvault_audit_event_set_text(struct chatvault_audit_event *event,
                                                const uint8_t *key,
                                                size_t key_len,
                                                const uint8_t *value,
                                                size_t value_len);

/**
 * Verify an export (UTF-8 JSON lines) offline: its checkpoint must be
 * signed by `log_key` (signatures by the `n_cosigners` keys in
 * `cosigners` are checked too; `(NULL, 0)` for none), every record must be
 * in that checkpoint's tree, and every line's fields must be exactly what
 * its record encodes. On success the checkpoint's size and root go to
 * `*checkpoint` and the number of events to `*entries` (either may be
 * NULL; `cosigned` is set to 0, as the export's cosigners are not
 * counted here).
 *
 * A bad signature or none by `log_key`: CHATVAULT_RESULT_BAD_SIGNATURE;
 * anything else that does not verify: CHATVAULT_RESULT_MALFORMED, the last
 * error naming the line.
 *
 * Thread safety: may be called from any thread.
 */
chatvault_result chatvault_audit_export_verify(const uint8_t *export_,
                                               size_t export_len,
                                               const struct chatvault_audit_note_verifier *log_key,
                                               const struct chatvault_audit_note_verifier *const *cosigners,
                                               size_t n_cosigners,
                                               struct chatvault_audit_checkpoint *checkpoint,
                                               size_t *entries);

/**
 * The RFC 6962 leaf hash of `(data, len)`, `SHA-256(0x00 || data)`:
 * CHATVAULT_AUDIT_HASH_LEN bytes into `out` (`out_len` at least that,
 * else CHATVAULT_RESULT_BUFFER_TOO_SMALL).
 *
 * Thread safety: may be called from any thread.
 */
chatvault_result chatvault_audit_leaf_hash(const uint8_t *data,
                                           size_t len,
                                           uint8_t *out,
                                           size_t out_len);

/**
 * Append a copy of `event` as the next record; its sequence number (its
 * leaf index) goes to `*seq` (may be NULL). The record is durable once
 * `chatvault_audit_log_durable_size` exceeds that number: at the latest
 * when the batch fills, when an append finds its deadline passed, or on
 * `chatvault_audit_log_flush`. A sync that happens here and fails gives
 * CHATVAULT_RESULT_IO and poisons the log.
 *
 * Thread safety: not concurrently on one log; `event` only read.
 */
chatvault_result chatvault_audit_log_append(struct chatvault_audit_log *log,
                                            const struct chatvault_audit_event *event,
                                            uint64_t *seq);

/**
 * Sign a checkpoint of every record appended so far (they are synced
 * first) with `signer`: a C2SP signed note (UTF-8 text) with the log id as
 * origin, the durable size and its root. It is also kept in the log's
 * directory, and opening the log later refuses records that do not
 * extend it. The log never signs a tree smaller than one it signed
 * before (CHATVAULT_RESULT_INVALID_ARGUMENT).
 *
 * On success `*note` receives the note, owned by the caller, freed with
 * `chatvault_bytes_free`. Open it with `chatvault_audit_checkpoint_open`.
 *
 * Thread safety: not concurrently on one log; `signer` only read.
 */
chatvault_result chatvault_audit_log_checkpoint(struct chatvault_audit_log *log,
                                                const struct chatvault_audit_note_signer *signer,
                                                struct chatvault_bytes **note);

/**
 * The consistency proof (RFC 9162 section 2.1.4.1) that the tree of the
 * first `new_size` records extends that of the first `old_size`: the
 * hashes concatenated, CHATVAULT_AUDIT_HASH_LEN bytes each (none when the
 * sizes are equal). Check it with `chatvault_audit_verify_consistency`.
 * `old_size` 0 or above `new_size`, or `new_size` past
 * `chatvault_audit_log_size`: CHATVAULT_RESULT_INVALID_ARGUMENT.
 *
 * On success `*out` receives the proof, owned by the caller, freed with
 * `chatvault_bytes_free`.
 *
 * Thread safety: only reads the log.
 */
chatvault_result chatvault_audit_log_consistency_proof(const struct chatvault_audit_log *log,
                                                       uint64_t old_size,
                                                       uint64_t new_size,
                                                       struct chatvault_bytes **out);

/**
 * Create a new, empty log named `log_id` (UTF-8, 1 to 128 bytes, no
 * newline; the origin of its checkpoints) in the directory `dir` (UTF-8,
 * not NUL-terminated; created if missing), synced by `policy` (NULL for
 * the default).
 *
 * A directory that already holds a log, or a bad log id:
 * CHATVAULT_RESULT_INVALID_ARGUMENT; file system errors:
 * CHATVAULT_RESULT_IO.
 *
 * On success `*out` receives a log the caller owns and must free with
 * `chatvault_audit_log_free`.
 *
 * Thread safety: may be called from any thread.
 */
chatvault_result chatvault_audit_log_create(const uint8_t *dir,
                                            size_t dir_len,
                                            const uint8_t *log_id,
                                            size_t log_id_len,
                                            const struct chatvault_audit_commit_policy *policy,
                                            struct chatvault_audit_log **out);

/**
 * Number of records known to be on stable storage (0 for NULL).
 *
 * Thread safety: only reads the log.
 */
uint64_t chatvault_audit_log_durable_size(const struct chatvault_audit_log *log);

/**
 * Export the events `query` selects (NULL: all) for an auditor: JSON lines
 * (docs/FORMAT.md section 13.5) with a checkpoint of the whole log signed
 * now by `signer` (also kept as the log's last checkpoint) and an
 * inclusion proof per event, into `*out` (owned by the caller, freed with
 * `chatvault_bytes_free`). `chatvault_audit_export_verify` checks it with
 * only the log's public key.
 *
 * Thread safety: one thread at a time per log; the signer is only read.
 */
chatvault_result chatvault_audit_log_export(struct chatvault_audit_log *log,
                                            const struct chatvault_audit_query *query,
                                            const struct chatvault_audit_note_signer *signer,
                                            struct chatvault_bytes **out);

/**
 * Write and sync every buffered record; the durable size (every record
 * appended so far) goes to `*durable` (may be NULL). A failed write or
 * sync gives CHATVAULT_RESULT_IO and poisons the log.
 *
 * Thread safety: not concurrently on one log.
 */
chatvault_result chatvault_audit_log_flush(struct chatvault_audit_log *log,
                                           uint64_t *durable);

/**
 * Free a log, first writing and syncing what is buffered, best effort: a
 * failure there is not reported, so call `chatvault_audit_log_flush`
 * first to know that every record reached the disk. Calling with NULL is
 * fine; must not be called twice.
 *
 * Thread safety: must not race with any other use of it.
 */
void chatvault_audit_log_free(struct chatvault_audit_log *log);

/**
 * The inclusion proof (RFC 9162 section 2.1.3.1) of record `index` in the
 * tree of the first `size` records: the hashes concatenated,
 * CHATVAULT_AUDIT_HASH_LEN bytes each (none when `size` is 1). Check it
 * with `chatvault_audit_verify_inclusion`. `index` at or past `size`, or
 * `size` past `chatvault_audit_log_size`:
 * CHATVAULT_RESULT_INVALID_ARGUMENT.
 *
 * On success `*out` receives the proof, owned by the caller, freed with
 * `chatvault_bytes_free`.
 *
 * Thread safety: only reads the log.
 */
chatvault_result chatvault_audit_log_inclusion_proof(const struct chatvault_audit_log *log,
                                                     uint64_t index,
                                                     uint64_t size,
                                                     struct chatvault_bytes **out);

/**
 * The leaf hash of record `index` (what an inclusion proof proves),
 * CHATVAULT_AUDIT_HASH_LEN bytes into `out` (`out_len` at least that, else
 * CHATVAULT_RESULT_BUFFER_TOO_SMALL). An index at or past
 * `chatvault_audit_log_size`: CHATVAULT_RESULT_INVALID_ARGUMENT.
 *
 * Thread safety: only reads the log.
 */
chatvault_result chatvault_audit_log_leaf_hash(const struct chatvault_audit_log *log,
                                               uint64_t index,
                                               uint8_t *out,
                                               size_t out_len);

/**
 * Open the log in the directory `dir` (UTF-8, not NUL-terminated), synced
 * by `policy` (NULL for the default): every record of every segment is
 * read and verified. A torn end (a crash mid-append) is cut off, and the
 * repair appended to the log and synced; any other damage (a bad frame
 * before the end, a broken chain, a missing or foreign segment, records
 * that do not extend the checkpoint the log last signed) refuses to open
 * with CHATVAULT_RESULT_MALFORMED, the last error naming the segment and
 * offset or the record. A directory with no log: CHATVAULT_RESULT_IO.
 *
 * On success `*out` receives a log the caller owns and must free with
 * `chatvault_audit_log_free`, and, if `report` is not NULL, `*report`
 * says what opening found.
 *
 * Thread safety: may be called from any thread.
 */
chatvault_result chatvault_audit_log_open(const uint8_t *dir,
                                          size_t dir_len,
                                          const struct chatvault_audit_commit_policy *policy,
                                          struct chatvault_audit_log **out,
                                          struct chatvault_audit_open_report *report);

/**
 * The events of the log that `query` selects (NULL: all), in log order.
 * Buffered records are synced first; every record read is checked against
 * the log's tree, so a segment changed on disk since the log was opened is
 * CHATVAULT_RESULT_MALFORMED. Reads every segment: for reports.
 *
 * On success `*out` receives entries the caller owns and must free with
 * `chatvault_audit_entries_free`.
 *
 * Thread safety: one thread at a time per log.
 */
chatvault_result chatvault_audit_log_query(struct chatvault_audit_log *log,
                                           const struct chatvault_audit_query *query,
                                           struct chatvault_audit_entries **out);

/**
 * The Merkle root of every appended record (durable or not),
 * CHATVAULT_AUDIT_HASH_LEN bytes into `out` (`out_len` at least that,
 * else CHATVAULT_RESULT_BUFFER_TOO_SMALL).
 *
 * Thread safety: only reads the log.
 */
chatvault_result chatvault_audit_log_root(const struct chatvault_audit_log *log,
                                          uint8_t *out,
                                          size_t out_len);

/**
 * Start a new segment file once the current one reaches `bytes` (default
 * 64 MiB; 0 behaves as 1). Takes effect at the next sync.
 *
 * Thread safety: not concurrently on one log.
 */
chatvault_result chatvault_audit_log_set_segment_limit(struct chatvault_audit_log *log,
                                                       uint64_t bytes);

/**
 * Number of records appended, durable or not (0 for NULL).
 *
 * Thread safety: only reads the log.
 */
uint64_t chatvault_audit_log_size(const struct chatvault_audit_log *log);

/**
 * The signer's C2SP signer key encoding (ASCII text). It is the private
 * key: store it like a password.
 *
 * On success `*out` receives it, owned by the caller; free it with
 * `chatvault_bytes_free`, which wipes it.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_audit_note_signer_encoded(const struct chatvault_audit_note_signer *signer,
                                                     struct chatvault_bytes **out);

/**
 * Free (and wipe) a signer. Calling with NULL is fine; must not be
 * called twice.
 *
 * Thread safety: must not race with any other use of it.
 */
void chatvault_audit_note_signer_free(struct chatvault_audit_note_signer *signer);

/**
 * A signer from its C2SP signer key encoding
 * (`PRIVATE+KEY+name+hex8(id)+base64(0x01 || seed)`, as
 * `chatvault_audit_note_signer_encoded` gives it). Anything else:
 * CHATVAULT_RESULT_MALFORMED.
 *
 * On success `*out` receives a signer the caller owns and must free with
 * `chatvault_audit_note_signer_free`.
 *
 * Thread safety: may be called from any thread.
 */
chatvault_result chatvault_audit_note_signer_from_encoded(const uint8_t *skey,
                                                          size_t skey_len,
                                                          struct chatvault_audit_note_signer **out);

/**
 * A signer named `name` (UTF-8, 1 to 256 bytes, no `+`, spaces or control
 * characters; conventionally the log id or a host name) with a new random
 * key from the operating system's CSPRNG. Keep it with
 * `chatvault_audit_note_signer_encoded`; publish
 * `chatvault_audit_note_signer_verifier_key`.
 *
 * A bad name: CHATVAULT_RESULT_INVALID_ARGUMENT; a failing CSPRNG:
 * CHATVAULT_RESULT_RNG.
 *
 * On success `*out` receives a signer the caller owns and must free with
 * `chatvault_audit_note_signer_free`.
 *
 * Thread safety: may be called from any thread.
 */
chatvault_result chatvault_audit_note_signer_generate(const uint8_t *name,
                                                      size_t name_len,
                                                      struct chatvault_audit_note_signer **out);

/**
 * The matching C2SP verifier key encoding
 * (`name+hex8(id)+base64(0x01 || public key)`, ASCII text): public, for
 * `chatvault_audit_note_verifier_from_encoded` wherever checkpoints are
 * checked.
 *
 * On success `*out` receives it, owned by the caller, freed with
 * `chatvault_bytes_free`.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_audit_note_signer_verifier_key(const struct chatvault_audit_note_signer *signer,
                                                          struct chatvault_bytes **out);

/**
 * Free a verifier. Calling with NULL is fine; must not be called twice.
 *
 * Thread safety: must not race with any other use of it.
 */
void chatvault_audit_note_verifier_free(struct chatvault_audit_note_verifier *verifier);

/**
 * A verifier from its C2SP verifier key encoding
 * (`name+hex8(id)+base64(0x01 || public key)`, as
 * `chatvault_audit_note_signer_verifier_key` gives it). Anything else,
 * or a key id that does not match the key: CHATVAULT_RESULT_MALFORMED.
 *
 * On success `*out` receives a verifier the caller owns and must free
 * with `chatvault_audit_note_verifier_free`.
 *
 * Thread safety: may be called from any thread.
 */
chatvault_result chatvault_audit_note_verifier_from_encoded(const uint8_t *vkey,
                                                            size_t vkey_len,
                                                            struct chatvault_audit_note_verifier **out);

/**
 * Check that the tree of `new_size` leaves with root `new_root` extends
 * the tree of `old_size` leaves with root `old_root` (roots
 * CHATVAULT_AUDIT_HASH_LEN bytes each, from two checkpoints), by RFC 9162
 * section 2.1.4.2. Every tree extends the empty tree (its proof is
 * empty). Needs nothing but its arguments: no log.
 *
 * CHATVAULT_RESULT_OK if it verifies; a proof that does not:
 * CHATVAULT_RESULT_BAD_PROOF. A root of another length, or a `proof_len`
 * that is not a multiple of CHATVAULT_AUDIT_HASH_LEN:
 * CHATVAULT_RESULT_INVALID_ARGUMENT.
 *
 * Thread safety: may be called from any thread.
 */
chatvault_result chatvault_audit_verify_consistency(uint64_t old_size,
                                                    uint64_t new_size,
                                                    const uint8_t *proof,
                                                    size_t proof_len,
                                                    const uint8_t *old_root,
                                                    size_t old_root_len,
                                                    const uint8_t *new_root,
                                                    size_t new_root_len);

/**
 * Check that `leaf` (a leaf hash, CHATVAULT_AUDIT_HASH_LEN bytes, from
 * `chatvault_audit_log_leaf_hash` or `chatvault_audit_leaf_hash`) is leaf
 * `index` of the tree of `size` leaves whose root is `root`
 * (CHATVAULT_AUDIT_HASH_LEN bytes, from a checkpoint), by RFC 9162
 * section 2.1.3.2. Needs nothing but its arguments: no log.
 *
 * CHATVAULT_RESULT_OK if it verifies; a proof that does not:
 * CHATVAULT_RESULT_BAD_PROOF (the last error says how). A hash of another
 * length, or a `proof_len` that is not a multiple of
 * CHATVAULT_AUDIT_HASH_LEN: CHATVAULT_RESULT_INVALID_ARGUMENT.
 *
 * Thread safety: may be called from any thread.
 */
chatvault_result chatvault_audit_verify_inclusion(const uint8_t *leaf,
                                                  size_t leaf_len,
                                                  uint64_t index,
                                                  uint64_t size,
                                                  const uint8_t *proof,
                                                  size_t proof_len,
                                                  const uint8_t *root,
                                                  size_t root_len);

/**
 * Free a `chatvault_bytes`, zeroizing its contents first if it may hold
 * plaintext.
 *
 * Calling with NULL is fine. Must not be called twice for the same
 * pointer, and the pointer must have come from this library.
 *
 * Thread safety: may be called from any thread, but not while another
 * thread still reads the bytes.
 */
void chatvault_bytes_free(struct chatvault_bytes *bytes);

/**
 * Free (and zeroize) a data key.
 *
 * Calling with NULL is fine. Must not be called twice.
 *
 * Thread safety: must not race with other uses of the same key.
 */
void chatvault_data_key_free(struct chatvault_data_key *data_key);

/**
 * The data key's id, a public commitment to it: CHATVAULT_KEY_ID_LEN bytes
 * into `out`, which must hold at least that many (`out_len`), else
 * CHATVAULT_RESULT_BUFFER_TOO_SMALL.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_data_key_key_id(const struct chatvault_data_key *data_key,
                                           uint8_t *out,
                                           size_t out_len);

/**
 * A sealer for this key and `suite` (a `chatvault_suite` number; unknown:
 * CHATVAULT_RESULT_UNSUPPORTED_SUITE). The sealer holds only subkeys; the
 * data key may be freed while the sealer lives.
 *
 * On success `*out` receives a sealer the caller owns and must free with
 * `chatvault_sealer_free`.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_data_key_sealer(const struct chatvault_data_key *data_key,
                                           uint32_t suite,
                                           const struct chatvault_sealer **out);

/**
 * The data key's version (written into every envelope it seals), into
 * `*out`.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_data_key_version(const struct chatvault_data_key *data_key,
                                            uint32_t *out);

/**
 * Every identifier in the UTF-8 `text`, in order, none overlapping.
 * Invalid UTF-8: CHATVAULT_RESULT_UTF8; longer than the detector's limit:
 * CHATVAULT_RESULT_TOO_LARGE.
 *
 * On success `*out` receives a list the caller owns and must free with
 * `chatvault_findings_free` (also when it is empty).
 *
 * Thread safety: may be called concurrently on one detector.
 */
chatvault_result chatvault_detector_detect(const struct chatvault_detector *detector,
                                           const uint8_t *text,
                                           size_t text_len,
                                           struct chatvault_findings **out);

/**
 * Release the caller's reference to a detector. Calling with NULL is fine;
 * must not be called twice.
 *
 * Thread safety: may be called from any thread, once no call on this
 * handle is running.
 */
void chatvault_detector_free(const struct chatvault_detector *detector);

/**
 * Build a detector for the entity types in `entities` (bit `n` set for
 * the `chatvault_entity` numbered `n`; CHATVAULT_ENTITIES_ALL for every
 * type) reporting findings at least `min_confidence` sure (0 to 1; 0.5 is
 * the default), for texts up to `max_input` bytes (0 for the default of 16
 * MiB). Unknown bits, an empty set or values out of range:
 * CHATVAULT_RESULT_INVALID_ARGUMENT.
 *
 * On success `*out` receives a detector the caller owns and must free with
 * `chatvault_detector_free`.
 *
 * Thread safety: may be called from any thread.
 */
chatvault_result chatvault_detector_new(uint64_t entities,
                                        float min_confidence,
                                        size_t max_input,
                                        const struct chatvault_detector **out);

/**
 * The identifier class (`chatvault_id_class` number) whose key seals
 * originals of `entity`, or 0 for an unknown entity number.
 *
 * Thread safety: may be called from any thread.
 */
uint8_t chatvault_entity_class(uint32_t entity);

/**
 * The stable lower-case name of an entity type (`cn_mobile`, …) as a
 * static NUL-terminated string; `"unknown"` for a number this library does
 * not know.
 *
 * Thread safety: may be called from any thread.
 */
const char *chatvault_entity_name(uint32_t entity);

/**
 * Read the public header of an envelope without any key: which suite, key
 * version and key id sealed it, and how long its plaintext is, so a caller
 * can route it to the right key before opening it.
 *
 * On success `*out` is filled in. Too short or impossible envelopes are
 * CHATVAULT_RESULT_MALFORMED; an unknown version byte
 * CHATVAULT_RESULT_UNSUPPORTED_VERSION; an unknown suite byte
 * CHATVAULT_RESULT_UNSUPPORTED_SUITE. Nothing is authenticated: an envelope
 * that inspects fine may still fail to open.
 *
 * Thread safety: may be called from any thread.
 */
chatvault_result chatvault_envelope_inspect(const uint8_t *envelope,
                                            size_t envelope_len,
                                            struct chatvault_envelope_info *out);

/**
 * Open an export sealed to `secret`'s holder by the tenant of
 * `tenant_public`: `*out` receives the JSON or CSV bytes, zeroized by
 * `chatvault_bytes_free`. Another recipient's export:
 * CHATVAULT_RESULT_GRANT_INVALID; tampered: DECRYPT or GRANT_INVALID.
 *
 * Thread safety: may be called from any thread.
 */
chatvault_result chatvault_export_open(const uint8_t *blob,
                                       size_t blob_len,
                                       const struct chatvault_grantee_secret *secret,
                                       const struct chatvault_tenant_public *tenant_public,
                                       struct chatvault_bytes **out);

/**
 * Free a findings list. Calling with NULL is fine; must not be called
 * twice.
 *
 * Thread safety: must not race with readers of the list.
 */
void chatvault_findings_free(struct chatvault_findings *findings);

/**
 * Copy finding `index` into `*out`. An index at or past the length is
 * CHATVAULT_RESULT_INVALID_ARGUMENT.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_findings_get(const struct chatvault_findings *findings,
                                        size_t index,
                                        struct chatvault_finding *out);

/**
 * Number of findings in the list (0 for NULL).
 *
 * Thread safety: may be called concurrently.
 */
size_t chatvault_findings_len(const struct chatvault_findings *findings);

/**
 * Export a grantee secret wrapped under a key-encryption key (exactly
 * CHATVAULT_KEK_LEN bytes).
 *
 * On success `*out` receives the blob, owned by the caller, freed with
 * `chatvault_bytes_free`.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_grantee_secret_export_with_kek(const struct chatvault_grantee_secret *secret,
                                                          const uint8_t *kek,
                                                          size_t kek_len,
                                                          struct chatvault_bytes **out);

/**
 * Export a grantee secret wrapped under a passphrase with Argon2id (see
 * `chatvault_master_key_export_with_passphrase` for the parameters).
 *
 * On success `*out` receives the blob, owned by the caller, freed with
 * `chatvault_bytes_free`.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_grantee_secret_export_with_passphrase(const struct chatvault_grantee_secret *secret,
                                                                 const uint8_t *passphrase,
                                                                 size_t passphrase_len,
                                                                 uint32_t m_kib,
                                                                 uint32_t t,
                                                                 uint32_t p,
                                                                 struct chatvault_bytes **out);

/**
 * Free (and zeroize) a grantee secret.
 *
 * Calling with NULL is fine. Must not be called twice.
 *
 * Thread safety: must not race with other uses of the same secret.
 */
void chatvault_grantee_secret_free(struct chatvault_grantee_secret *secret);

/**
 * Generate a new random grantee secret.
 *
 * On success `*out` receives a secret the caller owns and must free with
 * `chatvault_grantee_secret_free`.
 *
 * Thread safety: may be called from any thread.
 */
chatvault_result chatvault_grantee_secret_generate(struct chatvault_grantee_secret **out);

/**
 * Import a grantee secret exported with
 * `chatvault_grantee_secret_export_with_kek`. A wrong KEK is
 * CHATVAULT_RESULT_DECRYPT.
 *
 * On success `*out` receives a secret the caller owns and must free with
 * `chatvault_grantee_secret_free`.
 *
 * Thread safety: may be called from any thread.
 */
chatvault_result chatvault_grantee_secret_import_with_kek(const uint8_t *blob,
                                                          size_t blob_len,
                                                          const uint8_t *kek,
                                                          size_t kek_len,
                                                          struct chatvault_grantee_secret **out);

/**
 * Import a grantee secret exported with
 * `chatvault_grantee_secret_export_with_passphrase`. A wrong passphrase is
 * CHATVAULT_RESULT_DECRYPT.
 *
 * On success `*out` receives a secret the caller owns and must free with
 * `chatvault_grantee_secret_free`.
 *
 * Thread safety: may be called from any thread.
 */
chatvault_result chatvault_grantee_secret_import_with_passphrase(const uint8_t *blob,
                                                                 size_t blob_len,
                                                                 const uint8_t *passphrase,
                                                                 size_t passphrase_len,
                                                                 struct chatvault_grantee_secret **out);

/**
 * The public half of a grantee secret, to give to the owner who issues
 * grants: CHATVAULT_GRANTEE_PUBLIC_LEN bytes into `out` (`out_len` at least
 * that, else CHATVAULT_RESULT_BUFFER_TOO_SMALL).
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_grantee_secret_public(const struct chatvault_grantee_secret *secret,
                                                 uint8_t *out,
                                                 size_t out_len);

/**
 * Open a share of the master key sealed to `secret`'s holder by the
 * tenant of `tenant_public` (from
 * `chatvault_archive_export_master_key_shares`): `*out` receives the
 * share's bytes (docs/FORMAT.md section 15) for
 * `chatvault_archive_open_with_shares`, secret, zeroized by
 * `chatvault_bytes_free`. Another holder's share:
 * CHATVAULT_RESULT_GRANT_INVALID; tampered: DECRYPT or GRANT_INVALID.
 *
 * Thread safety: may be called from any thread.
 */
chatvault_result chatvault_key_share_open(const uint8_t *blob,
                                          size_t blob_len,
                                          const struct chatvault_grantee_secret *secret,
                                          const struct chatvault_tenant_public *tenant_public,
                                          struct chatvault_bytes **out);

/**
 * Free (and zeroize) shares. NULL is fine; must not be called twice.
 *
 * Thread safety: once no other call on them is running.
 */
void chatvault_key_shares_free(struct chatvault_key_shares *shares);

/**
 * The bytes of share `index` (docs/FORMAT.md section 15) into `*out`,
 * secret, zeroized by `chatvault_bytes_free`. Hand each share to its own
 * holder.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_key_shares_get(const struct chatvault_key_shares *shares,
                                          size_t index,
                                          struct chatvault_bytes **out);

/**
 * Number of shares (0 for NULL).
 *
 * Thread safety: may be called concurrently.
 */
size_t chatvault_key_shares_len(const struct chatvault_key_shares *shares);

/**
 * Release the caller's reference to a key store (keyrings that use it keep
 * theirs).
 *
 * Calling with NULL is fine. Must not be called twice for the same handle.
 *
 * Thread safety: must not race with other uses of the same handle.
 */
void chatvault_key_store_free(const struct chatvault_key_store *store);

/**
 * A new, empty key store in memory (for tests, and for helpdesks that
 * persist nothing). On success `*out` receives a store the caller owns and
 * must free with `chatvault_key_store_free`.
 *
 * Thread safety: may be called from any thread.
 */
chatvault_result chatvault_key_store_new_memory(const struct chatvault_key_store **out);

/**
 * Open (creating if needed) the file key store in directory `path` (UTF-8,
 * not NUL-terminated). Fails closed on a damaged slot
 * (CHATVAULT_RESULT_MALFORMED); see `chatvault_key_store_open_repairing`.
 * File system errors are CHATVAULT_RESULT_IO.
 *
 * On success `*out` receives a store the caller owns and must free with
 * `chatvault_key_store_free`.
 *
 * Thread safety: may be called from any thread; open one directory only
 * once per process.
 */
chatvault_result chatvault_key_store_open(const uint8_t *path,
                                          size_t path_len,
                                          const struct chatvault_key_store **out);

/**
 * Like `chatvault_key_store_open`, but zeroes damaged slots (torn writes
 * from a crash) instead of failing. The keys in them are lost.
 *
 * On success `*out` receives a store the caller owns and must free with
 * `chatvault_key_store_free`.
 *
 * Thread safety: may be called from any thread.
 */
chatvault_result chatvault_key_store_open_repairing(const uint8_t *path,
                                                    size_t path_len,
                                                    const struct chatvault_key_store **out);

/**
 * The blind index of `value` in `field` (both UTF-8) after normalization
 * `normalization` (a `chatvault_normalization` number), under the tenant's
 * current blind-index key: equal values give equal indexes, so records can
 * be found by an exact value without decrypting.
 *
 * The index is `out_len` bytes long, written to `out`: `out_len` chooses
 * the length and must be between CHATVAULT_BLIND_INDEX_MIN_LEN and
 * CHATVAULT_BLIND_INDEX_MAX_LEN (CHATVAULT_BLIND_INDEX_DEFAULT_LEN is a good
 * choice), else CHATVAULT_RESULT_INVALID_ARGUMENT. A value that normalizes
 * to nothing is CHATVAULT_RESULT_INVALID_ARGUMENT.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_keyring_blind_index(const struct chatvault_keyring *keyring,
                                               const uint8_t *field,
                                               size_t field_len,
                                               const uint8_t *value,
                                               size_t value_len,
                                               uint32_t normalization,
                                               uint8_t *out,
                                               size_t out_len);

/**
 * The data key of a conversation, created if it does not exist yet
 * (random, stored wrapped under the department's archive key for the day of
 * `started_at`, Unix seconds, not before 1970). `department` (1 to 64
 * bytes) and `conversation` (1 to 256 bytes) are UTF-8.
 *
 * On success `*out` receives a data key the caller owns and must free with
 * `chatvault_data_key_free`.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_keyring_conversation_key(const struct chatvault_keyring *keyring,
                                                    const uint8_t *department,
                                                    size_t department_len,
                                                    const uint8_t *conversation,
                                                    size_t conversation_len,
                                                    int64_t started_at,
                                                    struct chatvault_data_key **out);

/**
 * The data key of one customer's identifiers of one class
 * (`chatvault_id_class` number), created if needed. `customer` (UTF-8, 1
 * to 256 bytes) should be the helpdesk's internal id, not a phone number.
 *
 * On success `*out` receives a data key the caller owns and must free with
 * `chatvault_data_key_free`.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_keyring_customer_key(const struct chatvault_keyring *keyring,
                                                const uint8_t *customer,
                                                size_t customer_len,
                                                uint8_t id_class,
                                                struct chatvault_data_key **out);

/**
 * An existing conversation data key; CHATVAULT_RESULT_KEY_NOT_FOUND if it
 * was never created or has been shredded.
 *
 * On success `*out` receives a data key the caller owns and must free with
 * `chatvault_data_key_free`.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_keyring_data_key_conversation(const struct chatvault_keyring *keyring,
                                                         const uint8_t *department,
                                                         size_t department_len,
                                                         const uint8_t *conversation,
                                                         size_t conversation_len,
                                                         struct chatvault_data_key **out);

/**
 * An existing customer data key of one class; CHATVAULT_RESULT_KEY_NOT_FOUND
 * if it was never created or has been shredded.
 *
 * On success `*out` receives a data key the caller owns and must free with
 * `chatvault_data_key_free`.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_keyring_data_key_customer(const struct chatvault_keyring *keyring,
                                                     const uint8_t *customer,
                                                     size_t customer_len,
                                                     uint8_t id_class,
                                                     struct chatvault_data_key **out);

/**
 * Release the caller's reference to a keyring.
 *
 * Calling with NULL is fine. Must not be called twice for the same handle.
 *
 * Thread safety: must not race with other uses of the same handle.
 */
void chatvault_keyring_free(const struct chatvault_keyring *keyring);

/**
 * Issue an agent "restore key" grant: reveal identifier fields of the
 * listed classes (`classes`: an array of `classes_len` `chatvault_id_class`
 * numbers, at least one), while `not_before <= now < expires_at`. Only the
 * holder of the grantee secret whose public half is `grantee_public` can
 * open it. `label` (UTF-8, 1 to 256 bytes) names the grantee.
 *
 * On success `*out` receives the sealed grant, owned by the caller, freed
 * with `chatvault_bytes_free`.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_keyring_issue_agent_grant(const struct chatvault_keyring *keyring,
                                                     const uint8_t *grantee_public,
                                                     size_t grantee_public_len,
                                                     const uint8_t *label,
                                                     size_t label_len,
                                                     const uint8_t *classes,
                                                     size_t classes_len,
                                                     int64_t not_before,
                                                     int64_t expires_at,
                                                     int64_t now,
                                                     struct chatvault_bytes **out);

/**
 * Issue a supervisor "private key" grant: read archived content of the
 * listed departments written in `window_from <= t < window_to`, while
 * `not_before <= now < expires_at` (all Unix seconds). Only the holder of
 * the grantee secret whose public half is `grantee_public` (exactly
 * CHATVAULT_GRANTEE_PUBLIC_LEN bytes) can open it.
 *
 * `label` (UTF-8, 1 to 256 bytes) names the grantee for audit records.
 * `departments` is UTF-8 text with one department per line, e.g.
 * `"sales\nsupport"` (a trailing newline is fine; empty lines are not), so a
 * department name containing a newline cannot be granted through the C
 * ABI. `now` is the issue time.
 *
 * On success `*out` receives the sealed grant, owned by the caller, freed
 * with `chatvault_bytes_free`; hand it to the grantee.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_keyring_issue_supervisor_grant(const struct chatvault_keyring *keyring,
                                                          const uint8_t *grantee_public,
                                                          size_t grantee_public_len,
                                                          const uint8_t *label,
                                                          size_t label_len,
                                                          const uint8_t *departments,
                                                          size_t departments_len,
                                                          int64_t window_from,
                                                          int64_t window_to,
                                                          int64_t not_before,
                                                          int64_t expires_at,
                                                          int64_t now,
                                                          struct chatvault_bytes **out);

/**
 * Create the keyring of `tenant` (UTF-8, 1 to 256 bytes) with a master key
 * and a key store; loads the domain version table from the store.
 *
 * Ownership: the keyring takes the master key. `master_key` points to the
 * caller's `chatvault_master_key *`; if that is non-NULL, the key is
 * consumed whatever the result, and `*master_key` is set to NULL, so the
 * caller can neither use nor double-free it (calling
 * `chatvault_master_key_free` on the NULL is a harmless no-op). Export the
 * master key before this call if it must be kept. The store is shared: the
 * keyring keeps its own reference, so the caller still frees its handle.
 *
 * On success `*out` receives a keyring the caller owns and must free with
 * `chatvault_keyring_free`.
 *
 * Thread safety: may be called from any thread.
 */
chatvault_result chatvault_keyring_new(const uint8_t *tenant,
                                       size_t tenant_len,
                                       struct chatvault_master_key **master_key,
                                       const struct chatvault_key_store *store,
                                       const struct chatvault_keyring **out);

/**
 * Rotate a domain to a new version: every data key wrapped under it is
 * rewrapped inside the keyring, and the version table is saved. Grants
 * issued before can derive nothing under the new version: this is how
 * grants are revoked. Safe to rerun after a crash.
 *
 * The domain is `domain` (a `chatvault_domain` number) with its scope:
 * for CHATVAULT_DOMAIN_ARCHIVE, `department` (UTF-8, 1 to 64 bytes) and
 * `id_class` 0; for CHATVAULT_DOMAIN_IDENTIFIER, `id_class` (a
 * `chatvault_id_class` number) and an empty department `(NULL, 0)`; for the
 * others, an empty department and `id_class` 0. Anything else is
 * CHATVAULT_RESULT_INVALID_ARGUMENT.
 *
 * On success `*out` receives the old and new versions and the number of
 * keys rewrapped.
 *
 * Thread safety: may be called concurrently (rotations are serialized
 * inside the keyring).
 */
chatvault_result chatvault_keyring_rotate(const struct chatvault_keyring *keyring,
                                          uint32_t domain,
                                          const uint8_t *department,
                                          size_t department_len,
                                          uint8_t id_class,
                                          struct chatvault_rotation *out);

/**
 * Crypto-shred a conversation's data key: destroy it in the store, so
 * everything sealed under it is unreadable by anyone. `*existed` receives
 * whether there was such a key.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_keyring_shred_conversation(const struct chatvault_keyring *keyring,
                                                      const uint8_t *department,
                                                      size_t department_len,
                                                      const uint8_t *conversation,
                                                      size_t conversation_len,
                                                      bool *existed);

/**
 * Crypto-shred every identifier key of a customer (all classes).
 * `*count` receives how many existed.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_keyring_shred_customer(const struct chatvault_keyring *keyring,
                                                  const uint8_t *customer,
                                                  size_t customer_len,
                                                  size_t *count);

/**
 * Crypto-shred one customer's data key of one class. `*existed` receives
 * whether there was such a key.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_keyring_shred_customer_key(const struct chatvault_keyring *keyring,
                                                      const uint8_t *customer,
                                                      size_t customer_len,
                                                      uint8_t id_class,
                                                      bool *existed);

/**
 * The tenant's public key bytes: what grantees need to check that a grant
 * came from this tenant's owner (see `chatvault_tenant_public_from_bytes`).
 * Public; distribute it with the helpdesk's configuration.
 *
 * On success `*out` receives the bytes, owned by the caller, freed with
 * `chatvault_bytes_free`.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_keyring_tenant_public(const struct chatvault_keyring *keyring,
                                                 struct chatvault_bytes **out);

/**
 * The current version of a domain (1 until first rotated), into `*out`.
 * The domain is given as for `chatvault_keyring_rotate`.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_keyring_version(const struct chatvault_keyring *keyring,
                                           uint32_t domain,
                                           const uint8_t *department,
                                           size_t department_len,
                                           uint8_t id_class,
                                           uint32_t *out);

/**
 * Write the calling thread's last error message into a caller buffer.
 *
 * Every function that returns a code other than CHATVAULT_RESULT_OK (except
 * this one and `chatvault_result_message`) records a message saying what
 * failed, with detail (which argument, which field, which limit), on the
 * thread that called it; successful calls leave it as it was. A decryption
 * failure is recorded with no detail. The message is empty if no call on
 * this thread has failed yet.
 *
 * Buffer handling is as for `chatvault_result_message`: NUL-terminated,
 * `*written` = size including the NUL, BUFFER_TOO_SMALL with `*written` =
 * size needed, `(NULL, 0)` asks for the size. `written` must not be NULL.
 * This function never changes the last error, so it can be retried with a
 * bigger buffer.
 *
 * Thread safety: may be called from any thread; it reads that thread's
 * own last error. From Go, where a goroutine may change OS threads between
 * two cgo calls, call `runtime.LockOSThread()` before the failing call and
 * unlock after reading the message (or read it from the same C helper).
 */
chatvault_result chatvault_last_error_message(char *buf,
                                              size_t len,
                                              size_t *written);

/**
 * Free a policy. Calling with NULL is fine; must not be called twice.
 *
 * Thread safety: must not race with any other use of it.
 */
void chatvault_mask_policy_free(struct chatvault_mask_policy *policy);

/**
 * A policy with the default operators.
 *
 * On success `*out` receives a policy the caller owns and must free with
 * `chatvault_mask_policy_free`.
 *
 * Thread safety: may be called from any thread.
 */
chatvault_result chatvault_mask_policy_new(struct chatvault_mask_policy **out);

/**
 * Show `entity` (a `chatvault_entity` number, or 0 for every type) with
 * `op` (a `chatvault_mask_op` number). `first`, `last` and `with` (a
 * Unicode scalar value, e.g. '*') are used by CHATVAULT_MASK_OP_KEEP only
 * and ignored otherwise. Unknown numbers or a `with` that is not a
 * character: CHATVAULT_RESULT_INVALID_ARGUMENT, and the policy is
 * unchanged.
 *
 * Thread safety: not concurrently on one policy.
 */
chatvault_result chatvault_mask_policy_set(struct chatvault_mask_policy *policy,
                                           uint32_t entity,
                                           uint32_t op,
                                           uint16_t first,
                                           uint16_t last,
                                           uint32_t with);

/**
 * Detect with `detector` and mask in one call: as
 * `chatvault_detector_detect` then `chatvault_masker_mask`.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_masker_detect_and_mask(const struct chatvault_masker *masker,
                                                  const struct chatvault_detector *detector,
                                                  const struct chatvault_keyring *keyring,
                                                  const uint8_t *customer,
                                                  size_t customer_len,
                                                  const uint8_t *record,
                                                  size_t record_len,
                                                  const uint8_t *text,
                                                  size_t text_len,
                                                  struct chatvault_bytes **out_text,
                                                  struct chatvault_bytes **out_map);

/**
 * Release the caller's reference to a masker. Calling with NULL is fine;
 * must not be called twice.
 *
 * Thread safety: may be called from any thread, once no call on this
 * handle is running.
 */
void chatvault_masker_free(const struct chatvault_masker *masker);

/**
 * Mask `findings` (from `chatvault_detector_detect` on this same `text`;
 * NULL for none) in the UTF-8 `text` of message `record` of `customer`,
 * sealing the originals under the customer's class keys in `keyring`
 * (created on first use) for the keyring's tenant.
 *
 * On success `*out_text` receives the display text and `*out_map` the
 * restore map's bytes (store both), each owned by the caller and freed
 * with `chatvault_bytes_free`. A finding span that does not fit the text:
 * CHATVAULT_RESULT_INVALID_ARGUMENT.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_masker_mask(const struct chatvault_masker *masker,
                                       const struct chatvault_keyring *keyring,
                                       const uint8_t *customer,
                                       size_t customer_len,
                                       const uint8_t *record,
                                       size_t record_len,
                                       const uint8_t *text,
                                       size_t text_len,
                                       const struct chatvault_findings *findings,
                                       struct chatvault_bytes **out_text,
                                       struct chatvault_bytes **out_map);

/**
 * A masker for the tenant of `keyring` (its pseudonym key makes keyed
 * hashes, nicknames and tokens), showing identifiers as `policy` says
 * (NULL: the default policy; the policy is copied, the caller keeps and
 * frees it) and sealing originals with `suite` (a `chatvault_suite`
 * number).
 *
 * On success `*out` receives a masker the caller owns and must free with
 * `chatvault_masker_free`.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_masker_new(const struct chatvault_keyring *keyring,
                                      const struct chatvault_mask_policy *policy,
                                      uint32_t suite,
                                      const struct chatvault_masker **out);

/**
 * Recover the master key of `tenant` from at least its threshold of
 * shares. Malformed share bytes: CHATVAULT_RESULT_MALFORMED; too few,
 * repeated or mixed shares: INVALID_ARGUMENT; shares that do not give back
 * their key (tampered): DECRYPT. `*out` receives a key the caller owns.
 *
 * Thread safety: may be called from any thread.
 */
chatvault_result chatvault_master_key_combine(const uint8_t *tenant,
                                              size_t tenant_len,
                                              const uint8_t *const *shares,
                                              const size_t *share_lens,
                                              size_t shares_len,
                                              struct chatvault_master_key **out);

/**
 * Export the master key wrapped under a caller-supplied key-encryption key
 * (exactly CHATVAULT_KEK_LEN bytes, from an HSM, a KMS or a secret
 * manager). The tenant id (UTF-8) is bound in.
 *
 * On success `*out` receives the blob, owned by the caller, freed with
 * `chatvault_bytes_free`. A KEK of another length is
 * CHATVAULT_RESULT_INVALID_ARGUMENT.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_master_key_export_with_kek(const struct chatvault_master_key *master_key,
                                                      const uint8_t *tenant,
                                                      size_t tenant_len,
                                                      const uint8_t *kek,
                                                      size_t kek_len,
                                                      struct chatvault_bytes **out);

/**
 * Export the master key wrapped under a passphrase with Argon2id
 * (`m_kib` KiB of memory, `t` passes, `p` lanes; use the
 * CHATVAULT_ARGON2_RECOMMENDED_* values unless you have measured). The
 * tenant id (UTF-8) is bound in: the blob imports only for the same
 * tenant. The passphrase is any non-empty bytes.
 *
 * On success `*out` receives the blob, owned by the caller, freed with
 * `chatvault_bytes_free`. Parameters out of range or an empty passphrase:
 * CHATVAULT_RESULT_INVALID_ARGUMENT.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_master_key_export_with_passphrase(const struct chatvault_master_key *master_key,
                                                             const uint8_t *tenant,
                                                             size_t tenant_len,
                                                             const uint8_t *passphrase,
                                                             size_t passphrase_len,
                                                             uint32_t m_kib,
                                                             uint32_t t,
                                                             uint32_t p,
                                                             struct chatvault_bytes **out);

/**
 * Write the master key's public fingerprint (16 lower-case hex digits and
 * a NUL, CHATVAULT_FINGERPRINT_SIZE bytes), safe for logs, into `buf`.
 * `*written` receives the size including the NUL; a short buffer gives
 * CHATVAULT_RESULT_BUFFER_TOO_SMALL with `*written` = the size needed.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_master_key_fingerprint(const struct chatvault_master_key *master_key,
                                                  char *buf,
                                                  size_t len,
                                                  size_t *written);

/**
 * Free (and zeroize) a master key.
 *
 * Calling with NULL is fine. Must not be called twice, nor on a key that
 * `chatvault_keyring_new` consumed (that call sets the caller's pointer to
 * NULL, so freeing that pointer afterwards is a harmless no-op).
 *
 * Thread safety: must not race with other uses of the same key.
 */
void chatvault_master_key_free(struct chatvault_master_key *master_key);

/**
 * Generate a new random master key from the operating system's CSPRNG.
 *
 * On success `*out` receives a key the caller owns and must free with
 * `chatvault_master_key_free` (or hand to `chatvault_keyring_new`). Export
 * it (`chatvault_master_key_export_with_passphrase` or `_with_kek`) before
 * relying on it: losing it loses every key derived from it.
 *
 * Thread safety: may be called from any thread.
 */
chatvault_result chatvault_master_key_generate(struct chatvault_master_key **out);

/**
 * Import a master key exported with `chatvault_master_key_export_with_kek`.
 *
 * A wrong KEK or tenant is CHATVAULT_RESULT_DECRYPT. On success `*out`
 * receives a key the caller owns and must free with
 * `chatvault_master_key_free` (or hand to `chatvault_keyring_new`).
 *
 * Thread safety: may be called from any thread.
 */
chatvault_result chatvault_master_key_import_with_kek(const uint8_t *tenant,
                                                      size_t tenant_len,
                                                      const uint8_t *blob,
                                                      size_t blob_len,
                                                      const uint8_t *kek,
                                                      size_t kek_len,
                                                      struct chatvault_master_key **out);

/**
 * Import a master key exported with
 * `chatvault_master_key_export_with_passphrase`.
 *
 * A wrong passphrase or tenant is CHATVAULT_RESULT_DECRYPT. On success
 * `*out` receives a key the caller owns and must free with
 * `chatvault_master_key_free` (or hand to `chatvault_keyring_new`).
 *
 * Thread safety: may be called from any thread.
 */
chatvault_result chatvault_master_key_import_with_passphrase(const uint8_t *tenant,
                                                             size_t tenant_len,
                                                             const uint8_t *blob,
                                                             size_t blob_len,
                                                             const uint8_t *passphrase,
                                                             size_t passphrase_len,
                                                             struct chatvault_master_key **out);

/**
 * Split `master_key` of `tenant` into `count` shares of which any
 * `threshold` (2 to `count`) recover it. `*out` receives the shares.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_master_key_split(const struct chatvault_master_key *master_key,
                                            const uint8_t *tenant,
                                            size_t tenant_len,
                                            uint8_t threshold,
                                            uint8_t count,
                                            struct chatvault_key_shares **out);

/**
 * Entry `index` of a restore map: its `chatvault_entity` number and its
 * span `*out_start..*out_end` in the display text. Any of the three
 * outputs may be NULL if not wanted.
 *
 * Thread safety: may be called from any thread.
 */
chatvault_result chatvault_restore_map_entry(const uint8_t *map,
                                             size_t map_len,
                                             size_t index,
                                             uint32_t *out_entity,
                                             size_t *out_start,
                                             size_t *out_end);

/**
 * The number of masked spans in a restore map's bytes. Bytes that are not
 * a well-formed restore map: CHATVAULT_RESULT_MALFORMED (or
 * UNSUPPORTED_VERSION).
 *
 * Thread safety: may be called from any thread.
 */
chatvault_result chatvault_restore_map_len(const uint8_t *map,
                                           size_t map_len,
                                           size_t *out);

/**
 * Restore a display text with an agent's restore key (`grant`, opened
 * with `chatvault_agent_grant_open`), whose class keys are fetched from
 * `store` at time `now`, for message `record` of `customer` of `tenant`.
 *
 * With `partial` false, every span must be in a granted class, else
 * CHATVAULT_RESULT_GRANT_OUT_OF_SCOPE. With `partial` true, spans of other
 * classes (or of shredded keys) stay masked and their number goes to
 * `*withheld` (may be NULL). An expired or not yet valid grant is always
 * an error.
 *
 * On success `*out` receives the text, owned by the caller and freed with
 * `chatvault_bytes_free` (which zeroizes it).
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_restore_map_restore_with_grant(const struct chatvault_agent_grant *grant,
                                                          const struct chatvault_key_store *store,
                                                          const uint8_t *tenant,
                                                          size_t tenant_len,
                                                          const uint8_t *customer,
                                                          size_t customer_len,
                                                          const uint8_t *record,
                                                          size_t record_len,
                                                          int64_t now,
                                                          const uint8_t *display,
                                                          size_t display_len,
                                                          const uint8_t *map,
                                                          size_t map_len,
                                                          bool partial,
                                                          struct chatvault_bytes **out,
                                                          size_t *withheld);

/**
 * Restore a display text with the tenant's own keys: every masked span of
 * message `record` of `customer` replaced by its original, so the result
 * is exactly the text that was masked.
 *
 * On success `*out` receives the text, owned by the caller and freed with
 * `chatvault_bytes_free` (which zeroizes it). A map that does not belong
 * to this display text, record or customer, or was altered:
 * CHATVAULT_RESULT_DECRYPT or INVALID_ARGUMENT.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_restore_map_restore_with_keyring(const struct chatvault_keyring *keyring,
                                                            const uint8_t *customer,
                                                            size_t customer_len,
                                                            const uint8_t *record,
                                                            size_t record_len,
                                                            const uint8_t *display,
                                                            size_t display_len,
                                                            const uint8_t *map,
                                                            size_t map_len,
                                                            struct chatvault_bytes **out);

/**
 * Reveal one masked span (entry `index` of the map) with an agent's
 * restore key: the original identifier, as for
 * `chatvault_restore_map_restore_with_grant`. Its class not granted:
 * CHATVAULT_RESULT_GRANT_OUT_OF_SCOPE.
 *
 * On success `*out` receives the original, owned by the caller and freed
 * with `chatvault_bytes_free` (which zeroizes it).
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_restore_map_reveal_with_grant(const struct chatvault_agent_grant *grant,
                                                         const struct chatvault_key_store *store,
                                                         const uint8_t *tenant,
                                                         size_t tenant_len,
                                                         const uint8_t *customer,
                                                         size_t customer_len,
                                                         const uint8_t *record,
                                                         size_t record_len,
                                                         int64_t now,
                                                         const uint8_t *map,
                                                         size_t map_len,
                                                         size_t index,
                                                         struct chatvault_bytes **out);

/**
 * Write the fixed text of a result code into a caller buffer.
 *
 * `code` is any `chatvault_result` number (a `uint32_t`, so that codes from
 * a newer library can be passed). `buf` receives the text, NUL-terminated;
 * `*written` receives the number of bytes the text takes including its NUL.
 * If `len` is too small, nothing is written to `buf`, `*written` is the
 * size needed, and the result is CHATVAULT_RESULT_BUFFER_TOO_SMALL; so
 * `(buf = NULL, len = 0)` asks for the size. `written` must not be NULL.
 * An unknown code gives CHATVAULT_RESULT_INVALID_ARGUMENT.
 *
 * Unlike every other function, this one never changes the thread's last
 * error, so it can be called between a failing call and
 * `chatvault_last_error_message`.
 *
 * Thread safety: may be called from any thread.
 */
chatvault_result chatvault_result_message(uint32_t code,
                                          char *buf,
                                          size_t len,
                                          size_t *written);

/**
 * Decide what to do with `record` at `now` (seconds since 1970, UTC) under
 * `policy`: a pure function of the three (no clock is read), so "what is
 * due next month" is the same call with another `now`. A time of the
 * record or `now` outside 1970..9999, or a hold released before it was
 * set: CHATVAULT_RESULT_INVALID_ARGUMENT.
 *
 * On success the decision is written to `*out`, a struct the caller owns.
 *
 * Thread safety: may be called concurrently on one policy, and on one
 * record while no thread changes it.
 */
chatvault_result chatvault_retention_evaluate(const struct chatvault_retention_policy *policy,
                                              const struct chatvault_retention_record *record,
                                              int64_t now,
                                              struct chatvault_retention_decision *out);

/**
 * Evaluate `n` records at `now`: `records` is an array of `n` record
 * pointers (none NULL), `out` an array of `n` decisions the caller owns;
 * decision `i` is that of record `i`, as `chatvault_retention_evaluate`
 * gives it. `(NULL, 0)` is an empty batch.
 *
 * All or nothing: if a record cannot be evaluated, the call fails with
 * that record's code, the last error message names its index
 * (`records[i]: ...`), and nothing is written to `out`.
 *
 * Thread safety: may be called concurrently on one policy, and on records
 * no thread changes meanwhile.
 */
chatvault_result chatvault_retention_evaluate_batch(const struct chatvault_retention_policy *policy,
                                                    const struct chatvault_retention_record *const *records,
                                                    size_t n,
                                                    int64_t now,
                                                    struct chatvault_retention_decision *out);

/**
 * Write a one-paragraph explanation of `decision` (UTF-8, NUL-terminated)
 * into `buf`: what to do and when, which rule decided and why, the floor,
 * the rules applied, and the policy's name, version and hash.
 *
 * The decision must have been made by this `policy`: it is checked field
 * by field (enum numbers, bools, rule numbers below the rule count,
 * `applied` naming only existing rules, `now` within 1970..9999) and a
 * decision failing a check, or made by another policy (a different
 * `policy_hash`), gives CHATVAULT_RESULT_INVALID_ARGUMENT.
 *
 * `*written` receives the size including the NUL; a short buffer gives
 * CHATVAULT_RESULT_BUFFER_TOO_SMALL with `*written` = the size needed, so
 * `(buf = NULL, buf_len = 0)` asks for the size.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_retention_explain(const struct chatvault_retention_policy *policy,
                                             const struct chatvault_retention_decision *decision,
                                             char *buf,
                                             size_t buf_len,
                                             size_t *written);

/**
 * What becomes due in the window `[from, to)`: the indices (into
 * `records`, an array of `n` record pointers, none NULL) of the records
 * whose end action falls due in it, evaluated at `to`, soonest first (ties
 * in input order). Records already due before `from` are not listed.
 *
 * `*count` receives the number of indices. If `indices_len` is smaller,
 * nothing is written to `indices`, `*count` is the number needed, and the
 * result is CHATVAULT_RESULT_BUFFER_TOO_SMALL, so `(indices = NULL,
 * indices_len = 0)` asks for the size. A record that cannot be evaluated
 * fails the call with its code and its index in the last error message;
 * `from` after `to`, or `to` outside 1970..9999:
 * CHATVAULT_RESULT_INVALID_ARGUMENT.
 *
 * Thread safety: may be called concurrently on one policy, and on records
 * no thread changes meanwhile.
 */
chatvault_result chatvault_retention_plan(const struct chatvault_retention_policy *policy,
                                          const struct chatvault_retention_record *const *records,
                                          size_t n,
                                          int64_t from,
                                          int64_t to,
                                          size_t *indices,
                                          size_t indices_len,
                                          size_t *count);

/**
 * Whether `new_policy` may replace `old_policy`: CHATVAULT_RESULT_OK, or
 * CHATVAULT_RESULT_POLICY with every problem in the last error message.
 * Any policy requires the same name and a higher version; a locked policy
 * (preservation lock) only accepts a successor that keeps every
 * conversation at least as long (no shorter floor, no removed rule, no new
 * ceiling, the lock kept).
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_retention_policy_check_update(const struct chatvault_retention_policy *old_policy,
                                                         const struct chatvault_retention_policy *new_policy);

/**
 * Release the caller's reference to a policy. Calling with NULL is fine;
 * must not be called twice.
 *
 * Thread safety: may be called from any thread once no call on this handle
 * is running.
 */
void chatvault_retention_policy_free(const struct chatvault_retention_policy *policy);

/**
 * The policy's hash, SHA-256 of the exact bytes it was loaded from (every
 * decision carries it): CHATVAULT_RETENTION_HASH_LEN bytes into `out`
 * (`out_len` at least that, else CHATVAULT_RESULT_BUFFER_TOO_SMALL).
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_retention_policy_hash(const struct chatvault_retention_policy *policy,
                                                 uint8_t *out,
                                                 size_t out_len);

/**
 * Load and check a retention policy file (JSON, UTF-8; docs/FORMAT.md
 * section 12).
 *
 * A refused policy gives CHATVAULT_RESULT_POLICY, and the last error
 * message lists every problem found (syntax errors with line and column,
 * unknown or missing fields, unknown categories or events, absurd periods,
 * a ceiling that can end before a floor, unreachable rules), each naming
 * its rule and field. Bytes that are not UTF-8 give CHATVAULT_RESULT_UTF8,
 * as for every string of the API. `(NULL, 0)` is the empty file (refused).
 *
 * On success `*out` receives a policy the caller owns and must free with
 * `chatvault_retention_policy_free`.
 *
 * Thread safety: may be called from any thread.
 */
chatvault_result chatvault_retention_policy_load(const uint8_t *json,
                                                 size_t json_len,
                                                 const struct chatvault_retention_policy **out);

/**
 * Number of rules of the policy (0 for NULL). Rules are numbered from 0 in
 * file order; decisions name them by these numbers.
 *
 * Thread safety: may be called concurrently.
 */
size_t chatvault_retention_policy_rule_count(const struct chatvault_retention_policy *policy);

/**
 * Write the name of rule `index` (UTF-8, NUL-terminated) into `buf`.
 * `*written` receives the size including the NUL; a short buffer gives
 * CHATVAULT_RESULT_BUFFER_TOO_SMALL with `*written` = the size needed, so
 * `(buf = NULL, buf_len = 0)` asks for the size. An index at or past
 * `chatvault_retention_policy_rule_count`:
 * CHATVAULT_RESULT_INVALID_ARGUMENT.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_retention_policy_rule_name(const struct chatvault_retention_policy *policy,
                                                      size_t index,
                                                      char *buf,
                                                      size_t buf_len,
                                                      size_t *written);

/**
 * The policy's version number (at least 1), into `*out`.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_retention_policy_version(const struct chatvault_retention_policy *policy,
                                                    uint64_t *out);

/**
 * Record that the named event (UTF-8, as in the policy's
 * `vocabulary.events`) happened at `t`. Rules counting from an event use
 * its latest occurrence.
 *
 * Thread safety: not concurrently on one record.
 */
chatvault_result chatvault_retention_record_add_event(struct chatvault_retention_record *record,
                                                      const uint8_t *name,
                                                      size_t name_len,
                                                      int64_t t);

/**
 * Add a legal hold set at `set_at` by `by` (UTF-8) for `reason` (UTF-8).
 * While a hold is active nothing is deleted, shredded, archived or sent to
 * review. Holds are numbered from 0 in the order they were added (for
 * `chatvault_retention_record_release_hold`).
 *
 * Thread safety: not concurrently on one record.
 */
chatvault_result chatvault_retention_record_add_hold(struct chatvault_retention_record *record,
                                                     int64_t set_at,
                                                     const uint8_t *by,
                                                     size_t by_len,
                                                     const uint8_t *reason,
                                                     size_t reason_len);

/**
 * Add the tag `tag` (UTF-8).
 *
 * Thread safety: not concurrently on one record.
 */
chatvault_result chatvault_retention_record_add_tag(struct chatvault_retention_record *record,
                                                    const uint8_t *tag,
                                                    size_t tag_len);

/**
 * Unset the time `clock` (a `chatvault_retention_clock`). An unknown
 * clock: CHATVAULT_RESULT_INVALID_ARGUMENT.
 *
 * Thread safety: not concurrently on one record.
 */
chatvault_result chatvault_retention_record_clear_time(struct chatvault_retention_record *record,
                                                       uint32_t clock);

/**
 * Free a record. Calling with NULL is fine; must not be called twice.
 *
 * Thread safety: must not race with any other use of it.
 */
void chatvault_retention_record_free(struct chatvault_retention_record *record);

/**
 * A conversation of `category` (UTF-8) created at `created` (seconds since
 * 1970, UTC), with no other attribute, tag, time, event or hold. Times
 * are checked when it is evaluated.
 *
 * On success `*out` receives a record the caller owns and must free with
 * `chatvault_retention_record_free`.
 *
 * Thread safety: may be called from any thread.
 */
chatvault_result chatvault_retention_record_new(const uint8_t *category,
                                                size_t category_len,
                                                int64_t created,
                                                struct chatvault_retention_record **out);

/**
 * Release hold `hold_index` at `released_at`, by `by` (UTF-8). An index
 * past the holds added, or a hold already released:
 * CHATVAULT_RESULT_INVALID_ARGUMENT, and the record is unchanged. A
 * release before the hold was set is refused when the record is evaluated.
 *
 * Thread safety: not concurrently on one record.
 */
chatvault_result chatvault_retention_record_release_hold(struct chatvault_retention_record *record,
                                                         size_t hold_index,
                                                         int64_t released_at,
                                                         const uint8_t *by,
                                                         size_t by_len);

/**
 * Set attribute `dimension` (a `chatvault_retention_dimension`) to `value`
 * (UTF-8; the category may be changed this way too). An unknown dimension:
 * CHATVAULT_RESULT_INVALID_ARGUMENT, and the record is unchanged.
 *
 * Thread safety: not concurrently on one record.
 */
chatvault_result chatvault_retention_record_set_attribute(struct chatvault_retention_record *record,
                                                          uint32_t dimension,
                                                          const uint8_t *value,
                                                          size_t value_len);

/**
 * Set the time `clock` (a `chatvault_retention_clock`) to `t` (seconds
 * since 1970, UTC), replacing any earlier value. An unknown clock:
 * CHATVAULT_RESULT_INVALID_ARGUMENT, and the record is unchanged.
 *
 * Thread safety: not concurrently on one record.
 */
chatvault_result chatvault_retention_record_set_time(struct chatvault_retention_record *record,
                                                     uint32_t clock,
                                                     int64_t t);

/**
 * Add `word` (UTF-8) in `category` (a number from
 * `chatvault_scan_dict_category`); with `whole_word`, a match must not
 * touch an ASCII letter or digit on either side.
 *
 * Thread safety: not concurrently on one dictionary.
 */
chatvault_result chatvault_scan_dict_add(struct chatvault_scan_dict *dict,
                                         const uint8_t *word,
                                         size_t word_len,
                                         uint8_t category,
                                         bool whole_word);

/**
 * Allow `word` (UTF-8): a match inside an occurrence of it is not
 * reported.
 *
 * Thread safety: not concurrently on one dictionary.
 */
chatvault_result chatvault_scan_dict_allow(struct chatvault_scan_dict *dict,
                                           const uint8_t *word,
                                           size_t word_len);

/**
 * Compile the dictionary into a scanner with the normalization `flags`
 * (CHATVAULT_NORM_*, CHATVAULT_NORM_ALL for all) and `policy` (copied).
 * The dictionary stays usable.
 *
 * On success `*out` receives a scanner the caller owns and must free with
 * `chatvault_scanner_free`.
 *
 * Thread safety: not concurrently with changes to the dictionary.
 */
chatvault_result chatvault_scan_dict_build(const struct chatvault_scan_dict *dict,
                                           uint32_t flags,
                                           const struct chatvault_scan_policy *policy,
                                           const struct chatvault_scanner **out);

/**
 * The number of the category named `name` (UTF-8), created if new (at
 * most 64 per dictionary), into `*out`.
 *
 * Thread safety: not concurrently on one dictionary.
 */
chatvault_result chatvault_scan_dict_category(struct chatvault_scan_dict *dict,
                                              const uint8_t *name,
                                              size_t name_len,
                                              uint8_t *out);

/**
 * Free a dictionary. Calling with NULL is fine; must not be called twice.
 *
 * Thread safety: must not race with any other use of it.
 */
void chatvault_scan_dict_free(struct chatvault_scan_dict *dict);

/**
 * Add every line of the UTF-8 `text` (one word per line, `#` comments) in
 * `category`; the number added goes to `*count` (may be NULL). A line too
 * long: CHATVAULT_RESULT_INVALID_ARGUMENT naming it, and nothing is added.
 *
 * Thread safety: not concurrently on one dictionary.
 */
chatvault_result chatvault_scan_dict_load_plain(struct chatvault_scan_dict *dict,
                                                const uint8_t *text,
                                                size_t text_len,
                                                uint8_t category,
                                                size_t *count);

/**
 * Add words in the tags format (`word TAG[,TAG]` per line) from the UTF-8
 * `text`; each tag names a category, created if new. The number added goes
 * to `*count` (may be NULL). A malformed line: CHATVAULT_RESULT_MALFORMED
 * naming it, and nothing is added.
 *
 * Thread safety: not concurrently on one dictionary.
 */
chatvault_result chatvault_scan_dict_load_tags(struct chatvault_scan_dict *dict,
                                               const uint8_t *text,
                                               size_t text_len,
                                               size_t *count);

/**
 * An empty dictionary.
 *
 * On success `*out` receives a dictionary the caller owns and must free
 * with `chatvault_scan_dict_free`.
 *
 * Thread safety: may be called from any thread.
 */
chatvault_result chatvault_scan_dict_new(struct chatvault_scan_dict **out);

/**
 * Free a policy. Calling with NULL is fine; must not be called twice.
 *
 * Thread safety: must not race with any other use of it.
 */
void chatvault_scan_policy_free(struct chatvault_scan_policy *policy);

/**
 * A policy giving `default_action` (a `chatvault_scan_action`) to every
 * category and direction.
 *
 * On success `*out` receives a policy the caller owns and must free with
 * `chatvault_scan_policy_free`.
 *
 * Thread safety: may be called from any thread.
 */
chatvault_result chatvault_scan_policy_new(uint32_t default_action,
                                           struct chatvault_scan_policy **out);

/**
 * Use `action` for `category` (0-63) in `direction`.
 *
 * Thread safety: not concurrently on one policy.
 */
chatvault_result chatvault_scan_policy_set(struct chatvault_scan_policy *policy,
                                           uint8_t category,
                                           uint32_t direction,
                                           uint32_t action);

/**
 * The verdict's action (a `chatvault_scan_action`; ALLOW for NULL).
 *
 * Thread safety: may be called concurrently.
 */
uint32_t chatvault_scan_verdict_action(const struct chatvault_scan_verdict *verdict);

/**
 * Free a verdict. Calling with NULL is fine; must not be called twice.
 *
 * Thread safety: must not race with readers of it.
 */
void chatvault_scan_verdict_free(struct chatvault_scan_verdict *verdict);

/**
 * Copy match `index` into `*out`; an index past the end is
 * CHATVAULT_RESULT_INVALID_ARGUMENT.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_scan_verdict_get(const struct chatvault_scan_verdict *verdict,
                                            size_t index,
                                            struct chatvault_scan_match *out);

/**
 * Number of matches (0 for NULL).
 *
 * Thread safety: may be called concurrently.
 */
size_t chatvault_scan_verdict_len(const struct chatvault_scan_verdict *verdict);

/**
 * The message with every MASK match replaced by `*`s, into `*out` (owned
 * by the caller, freed with `chatvault_bytes_free`); `*out` is set to NULL
 * when nothing is masked.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_scan_verdict_masked(const struct chatvault_scan_verdict *verdict,
                                               struct chatvault_bytes **out);

/**
 * Release the caller's reference to a scanner. Calling with NULL is fine;
 * must not be called twice.
 *
 * Thread safety: may be called from any thread once no call on this handle
 * is running.
 */
void chatvault_scanner_free(const struct chatvault_scanner *scanner);

/**
 * Scan the UTF-8 `text` written in `direction` (a
 * `chatvault_scan_direction`). Invalid UTF-8: CHATVAULT_RESULT_UTF8; over
 * 16 MiB: CHATVAULT_RESULT_TOO_LARGE.
 *
 * On success `*out` receives a verdict the caller owns and must free with
 * `chatvault_scan_verdict_free`.
 *
 * Thread safety: may be called concurrently on one scanner.
 */
chatvault_result chatvault_scanner_scan(const struct chatvault_scanner *scanner,
                                        const uint8_t *text,
                                        size_t text_len,
                                        uint32_t direction,
                                        struct chatvault_scan_verdict **out);

/**
 * Release the caller's reference to a sealer.
 *
 * Calling with NULL is fine. Must not be called twice for the same handle.
 *
 * Thread safety: must not race with other uses of the same handle.
 */
void chatvault_sealer_free(const struct chatvault_sealer *sealer);

/**
 * The key id this sealer writes into envelopes: CHATVAULT_KEY_ID_LEN bytes
 * into `out`, which must hold at least that many (`out_len`), else
 * CHATVAULT_RESULT_BUFFER_TOO_SMALL.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_sealer_key_id(const struct chatvault_sealer *sealer,
                                         uint8_t *out,
                                         size_t out_len);

/**
 * The key version this sealer writes into envelopes, into `*out`.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_sealer_key_version(const struct chatvault_sealer *sealer,
                                              uint32_t *out);

/**
 * Open an envelope sealed for (tenant, record, field) under this sealer's
 * key.
 *
 * On success `*out` receives the plaintext, which the caller owns and must
 * free with `chatvault_bytes_free` (it zeroizes it). Any mismatch (another
 * key, key version, suite, tenant, record or field; a flipped bit; a cut)
 * is CHATVAULT_RESULT_DECRYPT with no detail; an unknown envelope version
 * or suite byte and impossible lengths are reported as such.
 *
 * Thread safety: may be called concurrently on one sealer.
 */
chatvault_result chatvault_sealer_open(const struct chatvault_sealer *sealer,
                                       const uint8_t *tenant,
                                       size_t tenant_len,
                                       const uint8_t *record,
                                       size_t record_len,
                                       const uint8_t *field,
                                       size_t field_len,
                                       const uint8_t *envelope,
                                       size_t envelope_len,
                                       struct chatvault_bytes **out);

/**
 * Seal `plaintext` for (tenant, record, field).
 *
 * `tenant`, `record` and `field` are any bytes (at most 65,535 each); they
 * are bound into the envelope, which opens only with the same three.
 * `plaintext` may be empty. On success `*out` receives a new envelope that
 * the caller owns and must free with `chatvault_bytes_free`. A fresh
 * random nonce is drawn per call.
 *
 * Every pointer must be non-NULL except an input with length 0.
 *
 * Thread safety: may be called concurrently on one sealer.
 */
chatvault_result chatvault_sealer_seal(const struct chatvault_sealer *sealer,
                                       const uint8_t *tenant,
                                       size_t tenant_len,
                                       const uint8_t *record,
                                       size_t record_len,
                                       const uint8_t *field,
                                       size_t field_len,
                                       const uint8_t *plaintext,
                                       size_t plaintext_len,
                                       struct chatvault_bytes **out);

/**
 * The suite this sealer seals with (a `chatvault_suite` number), into
 * `*out`.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_sealer_suite(const struct chatvault_sealer *sealer,
                                        uint32_t *out);

/**
 * Release the caller's reference to a shared scanner. Calling with NULL is
 * fine; must not be called twice.
 *
 * Thread safety: may be called from any thread once no call on this handle
 * is running.
 */
void chatvault_shared_scanner_free(const struct chatvault_shared_scanner *shared);

/**
 * Share `scanner` (the caller keeps its own reference and frees it as
 * usual).
 *
 * On success `*out` receives a shared scanner the caller owns and must
 * free with `chatvault_shared_scanner_free`.
 *
 * Thread safety: may be called from any thread.
 */
chatvault_result chatvault_shared_scanner_new(const struct chatvault_scanner *scanner,
                                              const struct chatvault_shared_scanner **out);

/**
 * Put `scanner` in use for every scan that starts from now on (a reload;
 * build it first, off the hot path).
 *
 * Thread safety: may be called concurrently with scans.
 */
chatvault_result chatvault_shared_scanner_replace(const struct chatvault_shared_scanner *shared,
                                                  const struct chatvault_scanner *scanner);

/**
 * Scan with the scanner in use now; as `chatvault_scanner_scan`.
 *
 * Thread safety: may be called concurrently, also with replacements.
 */
chatvault_result chatvault_shared_scanner_scan(const struct chatvault_shared_scanner *shared,
                                               const uint8_t *text,
                                               size_t text_len,
                                               uint32_t direction,
                                               struct chatvault_scan_verdict **out);

/**
 * Free a stream detector. Calling with NULL is fine; must not be called
 * twice.
 *
 * Thread safety: must not race with any other use of it.
 */
void chatvault_stream_detector_free(struct chatvault_stream_detector *stream);

/**
 * A stream detector using `detector` (which the caller may free at once).
 *
 * On success `*out` receives a stream detector the caller owns and must
 * free with `chatvault_stream_detector_free`.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_stream_detector_new(const struct chatvault_detector *detector,
                                               struct chatvault_stream_detector **out);

/**
 * The findings of the next message of the stream. A finding that began in
 * the previous message has `has_previous` set and its part there in
 * `previous_start..previous_end` (offsets into the previous message).
 *
 * On success `*out` receives a list the caller owns and must free with
 * `chatvault_findings_free`. On failure the stream is unchanged.
 *
 * Thread safety: not concurrently on one stream detector.
 */
chatvault_result chatvault_stream_detector_push(struct chatvault_stream_detector *stream,
                                                const uint8_t *text,
                                                size_t text_len,
                                                struct chatvault_findings **out);

/**
 * Forget the previous message (a new conversation or another sender).
 *
 * Thread safety: not concurrently on one stream detector.
 */
chatvault_result chatvault_stream_detector_reset(struct chatvault_stream_detector *stream);

/**
 * The data key of a conversation of a granted department, fetched from
 * `store` and unwrapped with the grant's keys, at time `now`. Outside the
 * grant: CHATVAULT_RESULT_GRANT_OUT_OF_SCOPE (another department, a day
 * outside the window, a rotated key), GRANT_NOT_YET_VALID, GRANT_EXPIRED;
 * a missing or shredded key: KEY_NOT_FOUND.
 *
 * On success `*out` receives a data key the caller owns and must free with
 * `chatvault_data_key_free`.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_supervisor_grant_conversation_key(const struct chatvault_supervisor_grant *grant,
                                                             const struct chatvault_key_store *store,
                                                             const uint8_t *department,
                                                             size_t department_len,
                                                             const uint8_t *conversation,
                                                             size_t conversation_len,
                                                             int64_t now,
                                                             struct chatvault_data_key **out);

/**
 * The granted departments, one per line, in sorted order, without a
 * trailing newline (UTF-8).
 *
 * On success `*out` receives them, owned by the caller, freed with
 * `chatvault_bytes_free`.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_supervisor_grant_departments(const struct chatvault_supervisor_grant *grant,
                                                        struct chatvault_bytes **out);

/**
 * Release the caller's reference to a supervisor grant.
 *
 * Calling with NULL is fine. Must not be called twice for the same handle.
 *
 * Thread safety: must not race with other uses of the same handle.
 */
void chatvault_supervisor_grant_free(const struct chatvault_supervisor_grant *grant);

/**
 * The grant's random id (for audit records): CHATVAULT_GRANT_ID_LEN bytes
 * into `out` (`out_len` at least that, else BUFFER_TOO_SMALL).
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_supervisor_grant_id(const struct chatvault_supervisor_grant *grant,
                                               uint8_t *out,
                                               size_t out_len);

/**
 * The label the owner gave the grantee (UTF-8).
 *
 * On success `*out` receives it, owned by the caller, freed with
 * `chatvault_bytes_free` (its `data` is NUL-terminated, so it prints as a C
 * string).
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_supervisor_grant_label(const struct chatvault_supervisor_grant *grant,
                                                  struct chatvault_bytes **out);

/**
 * Open a supervisor grant sealed to `secret`, checking it was issued by the
 * owner of `tenant_public`. Times are checked on use, not here. A grant
 * sealed to another grantee or signed by another tenant is
 * CHATVAULT_RESULT_GRANT_INVALID (or DECRYPT); an agent grant is
 * CHATVAULT_RESULT_INVALID_ARGUMENT.
 *
 * On success `*out` receives a grant the caller owns and must free with
 * `chatvault_supervisor_grant_free`. The secret and the tenant public key
 * may be freed afterwards.
 *
 * Thread safety: may be called from any thread.
 */
chatvault_result chatvault_supervisor_grant_open(const uint8_t *blob,
                                                 size_t blob_len,
                                                 const struct chatvault_grantee_secret *secret,
                                                 const struct chatvault_tenant_public *tenant_public,
                                                 const struct chatvault_supervisor_grant **out);

/**
 * Whether, at `now`, the grant allows reading content of `department`
 * written at `at` (Unix seconds): CHATVAULT_RESULT_OK if it does, else the
 * reason (GRANT_OUT_OF_SCOPE, GRANT_NOT_YET_VALID, GRANT_EXPIRED). Check
 * each archived message's time with this; the keys stop at whole days.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_supervisor_grant_permits(const struct chatvault_supervisor_grant *grant,
                                                    const uint8_t *department,
                                                    size_t department_len,
                                                    int64_t at,
                                                    int64_t now);

/**
 * When the grant may be used, `[*not_before, *expires_at)`, and when it was
 * issued (`*issued_at`), Unix seconds.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_supervisor_grant_validity(const struct chatvault_supervisor_grant *grant,
                                                     int64_t *not_before,
                                                     int64_t *expires_at,
                                                     int64_t *issued_at);

/**
 * The archive window `[*from, *to)` the grant covers, Unix seconds.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_supervisor_grant_window(const struct chatvault_supervisor_grant *grant,
                                                   int64_t *from,
                                                   int64_t *to);

/**
 * Release the caller's reference to a tenant public key.
 *
 * Calling with NULL is fine. Must not be called twice for the same handle.
 *
 * Thread safety: must not race with other uses of the same handle.
 */
void chatvault_tenant_public_free(const struct chatvault_tenant_public *tenant_public);

/**
 * Decode a tenant public key from the bytes `chatvault_keyring_tenant_public`
 * gave. Bad bytes are CHATVAULT_RESULT_MALFORMED (or UNSUPPORTED_VERSION).
 *
 * On success `*out` receives a handle the caller owns and must free with
 * `chatvault_tenant_public_free`.
 *
 * Thread safety: may be called from any thread.
 */
chatvault_result chatvault_tenant_public_from_bytes(const uint8_t *bytes,
                                                    size_t bytes_len,
                                                    const struct chatvault_tenant_public **out);

/**
 * The tenant id of a tenant public key (UTF-8).
 *
 * On success `*out` receives it, owned by the caller, freed with
 * `chatvault_bytes_free`.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_tenant_public_tenant(const struct chatvault_tenant_public *tenant_public,
                                                struct chatvault_bytes **out);

/**
 * Encode a tenant public key (the inverse of
 * `chatvault_tenant_public_from_bytes`).
 *
 * On success `*out` receives the bytes, owned by the caller, freed with
 * `chatvault_bytes_free`.
 *
 * Thread safety: may be called concurrently.
 */
chatvault_result chatvault_tenant_public_to_bytes(const struct chatvault_tenant_public *tenant_public,
                                                  struct chatvault_bytes **out);

/**
 * The library version, `"MAJOR.MINOR.PATCH"`, as a static NUL-terminated
 * string (do not free it). It equals the header's `CHATVAULT_VERSION` when
 * the header and the library come from the same release.
 *
 * Thread safety: may be called from any thread.
 */
const char *chatvault_version(void);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* CHATVAULT_H */
