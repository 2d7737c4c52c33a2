//! libFuzzer entry for [`rainbow_fuzz::http`] (docs/fuzzing.md).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| rainbow_fuzz::http(data));
