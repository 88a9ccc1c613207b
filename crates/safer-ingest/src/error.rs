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
