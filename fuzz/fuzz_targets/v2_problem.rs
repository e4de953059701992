#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vonage_verify::fuzzing::v2_problem(data));
