//! libFuzzer entry for [`rainbow_fuzz::rpc`] (docs/fuzzing.md).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| rainbow_fuzz::rpc(data));
