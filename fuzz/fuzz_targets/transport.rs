#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| flux_fuzz::keep_input::run(data, flux_fuzz::transport::run));
