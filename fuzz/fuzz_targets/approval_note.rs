#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    chatvault_fuzz::checks::approval_note(data);
});
