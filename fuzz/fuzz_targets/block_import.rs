//! libFuzzer entry for [`rainbow_fuzz::block_import`] (docs/fuzzing.md).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| rainbow_fuzz::block_import(data));
