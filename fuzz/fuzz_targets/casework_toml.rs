//! The case-work settings reader must never panic, whatever the text; the
//! settings it accepts hold together (codes, no duplicates, bands in order).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(c) = safer_ingest::casework::parse(std::path::Path::new("casework.toml"), text) {
        assert!(c.check().is_ok());
        assert!(!c.forums.is_empty() && !c.case_types.is_empty());
    }
});
