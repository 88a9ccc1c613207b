//! The police.uk street-level CSV reader.
//!
//! police.uk publishes one file per force per month, named
//! `YYYY-MM-<force>-street.csv`, with the header
//! `Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context`.
//!
//! The reader is written for speed on national volumes (tens of millions of
//! rows): a row without quotes is split with `memchr` and no allocation;
//! text that repeats (LSOAs, locations, outcomes) is dictionary-encoded on
//! the way in. Quoted fields, CRLF or LF endings and a UTF-8 byte-order mark
//! are all accepted.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;
use safer_analysis::{Lsoa, MonthlyCrimes, NO_COORD, NO_LSOA};
use safer_domain::{Category, Month};
use serde::Serialize;

use crate::IngestError;

/// The header of every police.uk street-level file, exactly.
pub const HEADER: [&str; 12] = [
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
];

/// Why a line was read but holds no record.
///
/// Every data row is kept: police.uk counts rows, so a row is never dropped
/// for what it holds (a repeated Crime ID is reported, not skipped).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// An empty line (some tools add one at the end of a file).
    BlankLine,
}

impl SkipReason {
    pub fn describe(self) -> &'static str {
        match self {
            SkipReason::BlankLine => "blank line",
        }
    }
}

/// Rows of one file whose Crime ID an earlier row of the same file has.
///
/// Some forces publish one Crime ID on several rows that differ in
/// location, LSOA or outcome (often in different districts). police.uk
/// counts every row, and so does Safer: repeats are kept and reported here
/// as a data-quality note.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
pub struct RepeatedCrimeIds {
    /// Distinct Crime IDs found on more than one row.
    pub ids: u64,
    /// Rows after the first with their Crime ID (the repeats).
    pub rows: u64,
    /// Of those rows, the ones identical in every field to the first row
    /// with their Crime ID.
    pub identical: u64,
    /// The first few repeats, for someone checking the file.
    pub examples: Vec<RepeatExample>,
}

impl RepeatedCrimeIds {
    /// How many repeats [`RepeatedCrimeIds::examples`] keeps.
    pub const EXAMPLES: usize = 3;
}

/// One repeated Crime ID, with the lines it is on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct RepeatExample {
    pub crime_id: String,
    pub first_line: u64,
    pub line: u64,
    /// Whether the repeat is identical in every field to the first row.
    pub identical: bool,
}

/// What happened to the rows of one file.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct FileReport {
    pub path: PathBuf,
    pub force: String,
    pub month: Option<Month>,
    /// Data lines read (the header not counted).
    pub rows_read: u64,
    pub rows_kept: u64,
    pub skipped: BTreeMap<SkipReason, u64>,
    /// Kept rows with no coordinates and no LSOA ("No Location").
    pub without_location: u64,
    /// Kept anti-social behaviour rows.
    pub asb: u64,
    /// Rows whose Crime ID an earlier row has (all kept).
    pub repeated_crime_ids: RepeatedCrimeIds,
}

/// The force and month a police.uk file name gives, for example
/// `2023-04-leicestershire-street.csv` → (`leicestershire`, 2023-04).
pub fn parse_file_name(path: &Path) -> Result<(String, Month), IngestError> {
    let bad = || IngestError::BadFileName {
        path: path.to_owned(),
    };
    let name = path.file_name().and_then(|n| n.to_str()).ok_or_else(bad)?;
    let stem = name.strip_suffix("-street.csv").ok_or_else(bad)?;
    if stem.len() < 9 || !stem.is_char_boundary(7) || stem.as_bytes()[7] != b'-' {
        return Err(bad());
    }
    let month = Month::parse_bytes(&stem.as_bytes()[..7]).ok_or_else(bad)?;
    let force = &stem[8..];
    if force.is_empty()
        || !force
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(bad());
    }
    Ok((force.to_owned(), month))
}

/// Checks that every file is named as police.uk names them and that no
/// force-month is given twice, before any file is read.
pub fn check_file_names(paths: &[PathBuf]) -> Result<(), IngestError> {
    let mut seen: BTreeMap<(String, Month), &PathBuf> = BTreeMap::new();
    for p in paths {
        let key = parse_file_name(p)?;
        if let Some(first) = seen.insert(key.clone(), p) {
            return Err(IngestError::DuplicateForceMonth {
                force: key.0,
                month: key.1.to_string(),
                first: first.clone(),
                second: p.clone(),
            });
        }
    }
    Ok(())
}

/// Reads one file.
pub fn read_file(path: &Path) -> Result<(MonthlyCrimes, FileReport), IngestError> {
    let bytes = std::fs::read(path).map_err(|e| IngestError::Io {
        path: path.to_owned(),
        source: e,
    })?;
    parse(path, &bytes)
}

/// Parses the bytes of a police.uk street file named `path`.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<(MonthlyCrimes, FileReport), IngestError> {
    let (force, month) = parse_file_name(path)?;
    let mut p = Parser::new(path, bytes);
    p.header()?;
    let mut b = Builder::new(path, force, month, bytes.len());
    let mut fields: Fields<'_> = Default::default();
    while let Some((line, record)) = p.next_row(&mut fields)? {
        b.row(line, record, &fields)?;
    }
    b.report.rows_read = p.rows_read;
    if p.blank_count > 0 {
        b.report
            .skipped
            .insert(SkipReason::BlankLine, p.blank_count);
    }
    Ok(b.finish())
}

/// Splits a file into records of 12 fields.
struct Parser<'a> {
    path: &'a Path,
    bytes: &'a [u8],
    pos: usize,
    line: u64,
    rows_read: u64,
    blank_count: u64,
}

/// One record's fields. Fields borrow from the file's bytes; only a field
/// that was quoted and held an escaped quote needs its own copy.
type Fields<'a> = [Field<'a>; 12];

/// One field's bytes.
type Field<'a> = Cow<'a, [u8]>;

impl<'a> Parser<'a> {
    fn new(path: &'a Path, bytes: &'a [u8]) -> Self {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        Parser {
            path,
            bytes,
            pos: 0,
            line: 0,
            rows_read: 0,
            blank_count: 0,
        }
    }

    fn header(&mut self) -> Result<(), IngestError> {
        let mut fields: Fields<'a> = Default::default();
        let Some(n) = self.next_raw(&mut fields)? else {
            return Err(IngestError::Empty {
                path: self.path.to_owned(),
            });
        };
        let matches = n == 12
            && fields
                .iter()
                .take(12)
                .map(|f| &f[..])
                .eq(HEADER.iter().map(|h| h.as_bytes()));
        if !matches {
            let found: Vec<String> = fields
                .iter()
                .take(n.min(12))
                .map(|f| crate::error::excerpt(f))
                .collect();
            return Err(IngestError::BadHeader {
                path: self.path.to_owned(),
                expected: HEADER.join(","),
                found: crate::error::excerpt(found.join(",").as_bytes()),
            });
        }
        Ok(())
    }

    /// Reads the next data record into `fields`, skipping blank lines;
    /// returns its line number and its bytes as written, or `None` at the
    /// end of the file.
    fn next_row(
        &mut self,
        fields: &mut Fields<'a>,
    ) -> Result<Option<(u64, &'a [u8])>, IngestError> {
        loop {
            let start_line = self.line + 1;
            let start = self.pos;
            let Some(n) = self.next_raw(fields)? else {
                return Ok(None);
            };
            let bytes: &'a [u8] = self.bytes;
            let record = &bytes[start..self.pos];
            self.rows_read += 1;
            if n == 1 && fields[0].is_empty() {
                self.blank_count += 1;
                continue;
            }
            if n != 12 {
                return Err(IngestError::FieldCount {
                    path: self.path.to_owned(),
                    line: start_line,
                    found: n,
                });
            }
            return Ok(Some((start_line, record)));
        }
    }

    /// Reads the next record's fields (the first 12 of them) and returns how
    /// many there were.
    fn next_raw(&mut self, fields: &mut Fields<'a>) -> Result<Option<usize>, IngestError> {
        if self.pos >= self.bytes.len() {
            return Ok(None);
        }
        self.line += 1;
        let bytes: &'a [u8] = self.bytes;
        let rest = &bytes[self.pos..];
        // Fast path: one pass finds the commas and the end of the line. A
        // quoted field (RFC 4180) starts with a quote; if any field does, the
        // record is read again below with the quote-aware reader, which also
        // handles line breaks inside quotes.
        let mut n = 0;
        let mut start = 0;
        let mut quoted = rest.first() == Some(&b'"');
        let mut end = rest.len();
        for hit in memchr::memchr2_iter(b',', b'\n', rest) {
            if rest[hit] == b'\n' {
                end = hit;
                break;
            }
            if n < 12 {
                fields[n] = Cow::Borrowed(&rest[start..hit]);
            }
            n += 1;
            start = hit + 1;
            quoted |= rest.get(start) == Some(&b'"');
        }
        if n < 12 {
            let last = &rest[start..end];
            fields[n] = Cow::Borrowed(last.strip_suffix(b"\r").unwrap_or(last));
        }
        if !quoted {
            self.pos += (end + 1).min(rest.len());
            return Ok(Some(n + 1));
        }
        self.quoted_record(fields)
    }

    /// The slow path: RFC 4180 fields, where a quoted field may hold commas,
    /// doubled quotes and line breaks.
    fn quoted_record(&mut self, out: &mut Fields<'a>) -> Result<Option<usize>, IngestError> {
        let start_line = self.line;
        let b: &'a [u8] = self.bytes;
        let mut i = self.pos;
        let mut n = 0usize;
        let mut push = |n: &mut usize, f: Cow<'a, [u8]>| {
            if *n < 12 {
                out[*n] = f;
            }
            *n += 1;
        };
        loop {
            if i < b.len() && b[i] == b'"' {
                i += 1;
                let open = i;
                let mut owned: Option<Vec<u8>> = None;
                loop {
                    let Some(q) = memchr::memchr(b'"', &b[i..]) else {
                        return Err(IngestError::UnclosedQuote {
                            path: self.path.to_owned(),
                            line: start_line,
                        });
                    };
                    self.line += memchr::memchr_iter(b'\n', &b[i..i + q]).count() as u64;
                    if b.get(i + q + 1) == Some(&b'"') {
                        // A doubled quote: the field needs its own copy.
                        let buf = owned.get_or_insert_with(Vec::new);
                        if buf.is_empty() {
                            buf.extend_from_slice(&b[open..i + q + 1]);
                        } else {
                            buf.extend_from_slice(&b[i..i + q + 1]);
                        }
                        i += q + 2;
                    } else {
                        let field = match owned.take() {
                            Some(mut buf) => {
                                buf.extend_from_slice(&b[i..i + q]);
                                Cow::Owned(buf)
                            }
                            None => Cow::Borrowed(&b[open..i + q]),
                        };
                        push(&mut n, field);
                        i += q + 1;
                        break;
                    }
                }
                // After a closing quote only a separator or line end may follow.
                match b.get(i) {
                    Some(b',') => i += 1,
                    Some(b'\r') if b.get(i + 1) == Some(&b'\n') => {
                        i += 2;
                        break;
                    }
                    Some(b'\n') => {
                        i += 1;
                        break;
                    }
                    None => break,
                    Some(_) => {
                        return Err(IngestError::BadRow {
                            path: self.path.to_owned(),
                            line: start_line,
                            field: field_name(n - 1),
                            expected: "a comma or the end of the line after a closing quote".into(),
                            found: String::from_utf8_lossy(&b[i..(i + 10).min(b.len())])
                                .into_owned(),
                        });
                    }
                }
            } else {
                let stop = memchr::memchr2(b',', b'\n', &b[i..]).map_or(b.len(), |k| i + k);
                let mut field = &b[i..stop];
                let at_end = stop >= b.len() || b[stop] == b'\n';
                if at_end && let Some(f) = field.strip_suffix(b"\r") {
                    field = f;
                }
                push(&mut n, Cow::Borrowed(field));
                i = stop + 1;
                if at_end {
                    break;
                }
                if i >= b.len() {
                    // A trailing comma at the very end: one more empty field.
                    push(&mut n, Cow::Borrowed(&b[b.len()..]));
                    break;
                }
            }
            if i >= b.len() {
                break;
            }
        }
        self.pos = i.min(b.len());
        Ok(Some(n))
    }
}

fn field_name(i: usize) -> &'static str {
    HEADER.get(i).copied().unwrap_or("(extra field)")
}

/// Builds the columns of one file, dictionary-encoding repeated text.
/// Dictionary keys borrow from the file's bytes, so a row costs no
/// allocation unless it brings new text.
struct Builder<'a> {
    path: &'a Path,
    month: Month,
    /// The month as the file must write it, for a byte comparison per row.
    month_text: [u8; 7],
    table: MonthlyCrimes,
    report: FileReport,
    /// Keyed by code and name together: police.uk files occasionally give
    /// one code two names, and district membership is read from the name.
    lsoa_ids: FxHashMap<(Field<'a>, Field<'a>), u32>,
    location_ids: FxHashMap<Cow<'a, [u8]>, u32>,
    outcome_ids: FxHashMap<Cow<'a, [u8]>, u16>,
    /// The first row of each Crime ID, to find and describe repeats.
    crime_ids: FxHashMap<Cow<'a, [u8]>, FirstRow<'a>>,
}

/// The first row seen with a Crime ID.
struct FirstRow<'a> {
    line: u64,
    /// The record's bytes as written in the file.
    record: &'a [u8],
    /// Whether a later row has repeated the ID already.
    repeated: bool,
}

impl<'a> Builder<'a> {
    fn new(path: &'a Path, force: String, month: Month, size_hint: usize) -> Self {
        let mut month_text = [0u8; 7];
        month_text.copy_from_slice(month.to_string().as_bytes());
        // police.uk rows are about 200 bytes; sizing up front saves rehashing.
        let rows = size_hint / 180;
        let mut table = MonthlyCrimes {
            force: force.clone(),
            month: Some(month),
            ..MonthlyCrimes::default()
        };
        table.category.reserve(rows);
        table.lon.reserve(rows);
        table.lat.reserve(rows);
        table.lsoa.reserve(rows);
        table.location.reserve(rows);
        table.outcome.reserve(rows);
        Builder {
            path,
            month,
            month_text,
            table,
            report: FileReport {
                path: path.to_owned(),
                force,
                month: Some(month),
                ..FileReport::default()
            },
            lsoa_ids: FxHashMap::default(),
            location_ids: FxHashMap::with_capacity_and_hasher(rows / 4, Default::default()),
            outcome_ids: FxHashMap::default(),
            crime_ids: FxHashMap::with_capacity_and_hasher(rows, Default::default()),
        }
    }

    fn bad(
        &self,
        line: u64,
        field: usize,
        expected: impl Into<String>,
        found: &[u8],
    ) -> IngestError {
        IngestError::BadRow {
            path: self.path.to_owned(),
            line,
            field: field_name(field),
            expected: expected.into(),
            found: crate::error::excerpt(found),
        }
    }

    fn row(&mut self, line: u64, record: &'a [u8], f: &Fields<'a>) -> Result<(), IngestError> {
        // Crime ID: empty for anti-social behaviour. A repeat is kept (as
        // police.uk counts it) and noted.
        if !f[0].is_empty() {
            self.note_crime_id(line, record, f);
        }
        if f[1].as_ref() != self.month_text {
            return Err(self.bad(
                line,
                1,
                format!("{} (the month in the file name)", self.month),
                &f[1],
            ));
        }
        let category = Category::from_name(&f[9]).ok_or_else(|| {
            self.bad(
                line,
                9,
                "a police.uk crime type such as \"Burglary\" or \"Anti-social behaviour\"",
                &f[9],
            )
        })?;
        let (lon, lat) = match (f[4].is_empty(), f[5].is_empty()) {
            (true, true) => (NO_COORD, NO_COORD),
            (false, false) => (
                micro_degrees(&f[4], 180).ok_or_else(|| {
                    self.bad(
                        line,
                        4,
                        "a longitude in degrees between -180 and 180, or empty",
                        &f[4],
                    )
                })?,
                micro_degrees(&f[5], 90).ok_or_else(|| {
                    self.bad(
                        line,
                        5,
                        "a latitude in degrees between -90 and 90, or empty",
                        &f[5],
                    )
                })?,
            ),
            (true, false) => {
                return Err(self.bad(line, 4, "a longitude, since the latitude is given", &f[4]));
            }
            (false, true) => {
                return Err(self.bad(line, 5, "a latitude, since the longitude is given", &f[5]));
            }
        };
        let lsoa = if f[7].is_empty() {
            if !f[8].is_empty() {
                return Err(self.bad(line, 7, "an LSOA code, since the LSOA name is given", &f[7]));
            }
            NO_LSOA
        } else {
            match self.lsoa_ids.get(&(f[7].clone(), f[8].clone())) {
                Some(&id) => id,
                None => {
                    if !is_lsoa_code(&f[7]) {
                        return Err(self.bad(
                            line,
                            7,
                            "an ONS LSOA code such as E01025679 (E01 or W01 and six digits)",
                            &f[7],
                        ));
                    }
                    if f[8].is_empty() {
                        return Err(self.bad(
                            line,
                            8,
                            "the LSOA name, since the LSOA code is given",
                            &f[8],
                        ));
                    }
                    let name = std::str::from_utf8(&f[8])
                        .map_err(|_| self.bad(line, 8, "UTF-8 text", &f[8]))?;
                    let id = self.table.lsoas.len() as u32;
                    self.table.lsoas.push(Lsoa {
                        code: String::from_utf8_lossy(&f[7]).into_owned(),
                        name: name.to_owned(),
                    });
                    self.lsoa_ids.insert((f[7].clone(), f[8].clone()), id);
                    id
                }
            }
        };
        let location = match self.location_ids.get(f[6].as_ref()) {
            Some(&id) => id,
            None => {
                let text = std::str::from_utf8(&f[6])
                    .map_err(|_| self.bad(line, 6, "UTF-8 text", &f[6]))?;
                let id = self.table.locations.len() as u32;
                self.table.locations.push(text.to_owned());
                self.location_ids.insert(f[6].clone(), id);
                id
            }
        };
        let outcome = match self.outcome_ids.get(f[10].as_ref()) {
            Some(&id) => id,
            None => {
                let text = std::str::from_utf8(&f[10])
                    .map_err(|_| self.bad(line, 10, "UTF-8 text", &f[10]))?;
                let id = u16::try_from(self.table.outcomes.len()).map_err(|_| {
                    self.bad(
                        line,
                        10,
                        "fewer than 65,536 distinct outcomes in one file",
                        &f[10],
                    )
                })?;
                self.table.outcomes.push(text.to_owned());
                self.outcome_ids.insert(f[10].clone(), id);
                id
            }
        };
        let t = &mut self.table;
        t.category.push(category as u8);
        t.lon.push(lon);
        t.lat.push(lat);
        t.lsoa.push(lsoa);
        t.location.push(location);
        t.outcome.push(outcome);
        self.report.rows_kept += 1;
        if lsoa == NO_LSOA && lon == NO_COORD {
            self.report.without_location += 1;
        }
        if category == Category::AntiSocialBehaviour {
            self.report.asb += 1;
        }
        Ok(())
    }

    /// Records the row's Crime ID; a repeat of an earlier row's is counted
    /// in the report, with whether it is an exact copy.
    fn note_crime_id(&mut self, line: u64, record: &'a [u8], f: &Fields<'a>) {
        use std::collections::hash_map::Entry;
        let first = match self.crime_ids.entry(f[0].clone()) {
            Entry::Vacant(v) => {
                v.insert(FirstRow {
                    line,
                    record,
                    repeated: false,
                });
                return;
            }
            Entry::Occupied(o) => o.into_mut(),
        };
        let r = &mut self.report.repeated_crime_ids;
        if !first.repeated {
            first.repeated = true;
            r.ids += 1;
        }
        r.rows += 1;
        let identical = same_fields(self.path, first.record, record, f);
        if identical {
            r.identical += 1;
        }
        if r.examples.len() < RepeatedCrimeIds::EXAMPLES {
            r.examples.push(RepeatExample {
                crime_id: String::from_utf8_lossy(&f[0]).into_owned(),
                first_line: first.line,
                line,
                identical,
            });
        }
    }

    fn finish(self) -> (MonthlyCrimes, FileReport) {
        (self.table, self.report)
    }
}

/// Whether the record `earlier` (bytes as written) has the same fields as
/// the current record `f` (written as `record`).
fn same_fields(path: &Path, earlier: &[u8], record: &[u8], f: &Fields<'_>) -> bool {
    let trim = |b: &[u8]| -> usize {
        let b = b.strip_suffix(b"\n").unwrap_or(b);
        b.strip_suffix(b"\r").unwrap_or(b).len()
    };
    if earlier[..trim(earlier)] == record[..trim(record)] {
        return true;
    }
    // The same fields can be written with different quoting: compare them.
    let mut p = Parser::new(path, earlier);
    let mut first: Fields<'_> = Default::default();
    matches!(p.next_raw(&mut first), Ok(Some(12))) && first == *f
}

/// `E01` or `W01` followed by six digits.
fn is_lsoa_code(b: &[u8]) -> bool {
    b.len() == 9
        && (b[0] == b'E' || b[0] == b'W')
        && b[1..].iter().all(u8::is_ascii_digit)
        && &b[1..3] == b"01"
}

/// Parses decimal degrees into integer micro-degrees, rounding beyond six
/// decimal places, and checks the magnitude is at most `limit`.
pub fn micro_degrees(b: &[u8], limit: i64) -> Option<i32> {
    let (neg, digits) = match b.first()? {
        b'-' => (true, &b[1..]),
        b'+' => (false, &b[1..]),
        _ => (false, b),
    };
    let (int, frac) = match memchr::memchr(b'.', digits) {
        Some(d) => (&digits[..d], &digits[d + 1..]),
        None => (digits, &digits[digits.len()..]),
    };
    if int.is_empty() && frac.is_empty() || int.len() > 3 {
        return None;
    }
    let mut v: i64 = 0;
    for &c in int {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + i64::from(c - b'0');
    }
    let mut scale = 0;
    let mut round_up = false;
    for (k, &c) in frac.iter().enumerate() {
        if !c.is_ascii_digit() {
            return None;
        }
        if k < 6 {
            v = v * 10 + i64::from(c - b'0');
            scale += 1;
        } else if k == 6 {
            round_up = c >= b'5';
        }
    }
    for _ in scale..6 {
        v *= 10;
    }
    if round_up {
        v += 1;
    }
    if v > limit * 1_000_000 {
        return None;
    }
    i32::try_from(if neg { -v } else { v }).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A huge bad value (a bad upload) makes a short message: the start of
    /// the value and its length, never the whole of it.
    #[test]
    fn errors_quote_a_bad_value_briefly() {
        let path = Path::new("2022-01-leicestershire-street.csv");
        let huge = "X".repeat(5_000_000);
        let row = format!(
            "{}\nabc,2022-01,Leicestershire Police,Leicestershire Police,{huge},52.7,On or near,E01000001,Charnwood 001A,Burglary,,\n",
            HEADER.join(",")
        );
        let e = parse(path, row.as_bytes()).unwrap_err().to_string();
        assert!(e.len() < 600, "{} bytes", e.len());
        assert!(
            e.contains("line 2") && e.contains("Longitude") && e.contains("(5000000 bytes in all)"),
            "{e}"
        );
        let header = format!("{huge}\n");
        let e = parse(path, header.as_bytes()).unwrap_err().to_string();
        assert!(e.len() < 1_000, "{} bytes", e.len());
        assert!(e.contains("line 1"), "{e}");
    }

    #[test]
    fn micro_degrees_are_exact() {
        assert_eq!(micro_degrees(b"-1.318291", 180), Some(-1_318_291));
        assert_eq!(micro_degrees(b"53.545985", 90), Some(53_545_985));
        assert_eq!(micro_degrees(b"52", 90), Some(52_000_000));
        assert_eq!(micro_degrees(b"52.5", 90), Some(52_500_000));
        assert_eq!(micro_degrees(b"1.0000005", 90), Some(1_000_001));
        assert_eq!(micro_degrees(b"91", 90), None);
        assert_eq!(micro_degrees(b"1.2.3", 90), None);
        assert_eq!(micro_degrees(b"-", 90), None);
        assert_eq!(micro_degrees(b"abc", 90), None);
    }

    #[test]
    fn file_names_give_force_and_month() {
        let (f, m) = parse_file_name(Path::new("x/2023-04-leicestershire-street.csv")).unwrap();
        assert_eq!(
            (f.as_str(), m.to_string().as_str()),
            ("leicestershire", "2023-04")
        );
        let (f, _) = parse_file_name(Path::new("2023-04-avon-and-somerset-street.csv")).unwrap();
        assert_eq!(f, "avon-and-somerset");
        for bad in [
            "2023-04-leicestershire-outcomes.csv",
            "2023-4-x-street.csv",
            "leics.csv",
            "2023-04--street.csv",
        ] {
            assert!(parse_file_name(Path::new(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn lsoa_codes() {
        assert!(is_lsoa_code(b"E01025679"));
        assert!(is_lsoa_code(b"W01000001"));
        assert!(!is_lsoa_code(b"E02002827"));
        assert!(!is_lsoa_code(b"E0102567"));
    }
}
