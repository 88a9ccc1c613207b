use std::path::PathBuf;

/// Why a file could not be imported. Every variant names the file; row
/// errors name the line (1-based, the header being line 1) and the field.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error(
        "{path}: the file name must be YYYY-MM-<force>-street.csv, as police.uk names its files (for example 2023-04-leicestershire-street.csv)"
    )]
    BadFileName { path: PathBuf },

    #[error(
        "{path}: line 1: the header is not police.uk's street-level header.\n  expected: {expected}\n  found:    {found}"
    )]
    BadHeader {
        path: PathBuf,
        expected: String,
        found: String,
    },

    #[error("{path}: line {line}: field \"{field}\": expected {expected}, found {found:?}")]
    BadRow {
        path: PathBuf,
        line: u64,
        field: &'static str,
        expected: String,
        found: String,
    },

    #[error("{path}: line {line}: expected 12 fields, found {found}")]
    FieldCount {
        path: PathBuf,
        line: u64,
        found: usize,
    },

    #[error("{path}: line {line}: a quoted field is not closed before the end of the file")]
    UnclosedQuote { path: PathBuf, line: u64 },

    #[error("{path}: the file is empty; a police.uk file has at least its header line")]
    Empty { path: PathBuf },

    #[error(
        "{force} {month} is given twice in one import: {first} and {second}. Import one of them; a later import of the same force-month replaces the earlier one"
    )]
    DuplicateForceMonth {
        force: String,
        month: String,
        first: PathBuf,
        second: PathBuf,
    },

    #[error("{path}: no police.uk street-level files (*-street.csv) found there")]
    NoFiles { path: PathBuf },

    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },

    #[error("{path}: not a zip archive Safer can read: {reason}")]
    Archive { path: PathBuf, reason: String },
}

/// The most of a bad value an error quotes: enough to recognise it, never
/// so much that a huge bad file makes a huge message.
pub const QUOTE_LIMIT: usize = 200;

/// A bad value as an error quotes it: whole when short, else its first
/// [`QUOTE_LIMIT`] characters and how long it was.
pub fn excerpt(bytes: &[u8]) -> String {
    // Decode no more than the characters quoted could need (4 bytes each).
    let head = &bytes[..bytes.len().min(QUOTE_LIMIT * 4)];
    let text = String::from_utf8_lossy(head);
    let mut out: String = text.chars().take(QUOTE_LIMIT).collect();
    if out.len() < bytes.len() {
        out.push_str(&format!("… ({} bytes in all)", bytes.len()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_are_cut() {
        assert_eq!(excerpt(b"12.5x"), "12.5x");
        let long = vec![b'X'; 1_000_000];
        let e = excerpt(&long);
        assert!(e.starts_with(&"X".repeat(QUOTE_LIMIT)));
        assert!(e.ends_with("… (1000000 bytes in all)"), "{e}");
        assert!(e.len() < QUOTE_LIMIT + 40);
        // Cut at a character, never inside one.
        let e = excerpt("é".repeat(300).as_bytes());
        assert!(e.starts_with(&"é".repeat(QUOTE_LIMIT)), "{e}");
    }

    proptest::proptest! {
        #[test]
        fn an_excerpt_is_short_and_begins_the_value(v in proptest::collection::vec(proptest::num::u8::ANY, 0..2000)) {
            let e = excerpt(&v);
            proptest::prop_assert!(e.chars().count() <= QUOTE_LIMIT + 40);
            let lossy = String::from_utf8_lossy(&v);
            let quoted: String = e.chars().take_while(|c| *c != '…').collect();
            proptest::prop_assert!(lossy.starts_with(&quoted) || quoted.chars().count() >= QUOTE_LIMIT);
        }
    }
}
