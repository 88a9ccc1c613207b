//! The plan reader must never panic, whatever the text; a plan it accepts
//! keeps the plan's rules (ids unique and codes, years in order, targets
//! with their values, baseline values only where they belong).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let groups = ["Violence".to_owned()];
    if let Ok(plan) = safer_ingest::plan::parse(std::path::Path::new("plan.toml"), text, &groups) {
        assert!(plan.validate().is_ok());
        for (_, m) in plan.measures() {
            assert!(m.baseline_values.len() <= 4);
            assert!(m.baseline_values.is_empty() || m.baseline.is_some());
        }
    }
});
