//! A zip given to `safer import police-uk` must never panic the finder or
//! the reader, whatever its bytes: it is listed or refused, and every
//! street-level file found in it reads or fails with an error.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = std::env::temp_dir().join(format!("safer-fuzz-zip-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("download.zip");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let Ok(found) = safer_ingest::sources::discover(std::slice::from_ref(&path)) else {
        return;
    };
    let mut reader = safer_ingest::SourceReader::new();
    for source in &found.files {
        if let Ok(bytes) = reader.read(source) {
            let _ = safer_ingest::police_uk::parse(&source.name, &bytes);
        }
    }
});
