//! A Monte Carlo scenario (TOML or JSON): parsed, checked, and when it passes run on the CPU
//! for a few paths; nothing may panic.
#![no_main]

use std::sync::atomic::AtomicBool;

use libfuzzer_sys::fuzz_target;
use roundbook_sim::kernel::Params;
use roundbook_sim::scenario::Scenario;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(s) = Scenario::parse(text) else {
        return;
    };
    let Ok(samplers) = s.validate() else {
        return;
    };
    if let Some(p) = Params::new(&s, samplers) {
        let _ = roundbook_sim::cpu::run(&p, 8, Some(1), &AtomicBool::new(false), &|_| {});
    }
});
