// The C side of the Go example: a reporter with the library's exact
// signature that calls the exported Go function.
#include <stdint.h>

#include "_cgo_export.h"

static void report_to_go(const chatvault_archive_report *report, void *user_data) {
    goReport((chatvault_archive_report *)report, user_data);
}

chatvault_result set_go_reporter(const chatvault_archive *a, uintptr_t handle) {
    return chatvault_archive_set_reporter(a, report_to_go, (void *)handle);
}
