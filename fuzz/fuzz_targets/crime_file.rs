//! The columnar crime file decoder must reject damaged files without
//! panicking, and anything it accepts must re-encode to the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(table) = safer_store::codec::decode(data) {
        assert_eq!(safer_store::codec::encode(&table), data);
    }
});
