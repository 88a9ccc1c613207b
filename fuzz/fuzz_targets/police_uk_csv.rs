//! The police.uk reader must never panic, whatever the bytes; and when it
//! accepts a file, every dictionary index it produced must be in range.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = std::path::Path::new("2023-04-leicestershire-street.csv");
    if let Ok((table, report)) = safer_ingest::police_uk::parse(path, data) {
        assert!(table.check_consistent().is_ok());
        assert_eq!(report.rows_kept as usize, table.len());
    }
});
