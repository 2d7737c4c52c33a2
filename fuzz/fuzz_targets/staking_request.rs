//! libFuzzer entry for [`rainbow_fuzz::staking_request`] (docs/fuzzing.md).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| rainbow_fuzz::staking_request(data));
