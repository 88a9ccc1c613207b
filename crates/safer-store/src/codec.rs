//! The columnar file format of one force-month.
//!
//! ```text
//! "SAFERCM1"                      magic and version
//! u32 rows
//! string force, string month      (u32 length + UTF-8 bytes)
//! u32 n, n × (string code, string name)   LSOA dictionary
//! u32 n, n × string               location dictionary
//! u32 n, n × string               outcome dictionary
//! rows × u8   category            columns, little-endian
//! rows × i32  longitude (µ°)
//! rows × i32  latitude (µ°)
//! rows × u32  LSOA index
//! rows × u32  location index
//! rows × u16  outcome index
//! ```
//!
//! A plain layout of raw columns is read back at memory speed, which is
//! what makes a second assessment cheap; no general-purpose format we
//! could adopt without a heavy dependency is faster.

use safer_analysis::{Lsoa, MonthlyCrimes};
use safer_domain::Month;

const MAGIC: &[u8; 8] = b"SAFERCM1";

/// Encodes a table.
pub fn encode(t: &MonthlyCrimes) -> Vec<u8> {
    let n = t.len();
    let mut out =
        Vec::with_capacity(64 + n * 19 + t.locations.iter().map(|l| l.len() + 4).sum::<usize>());
    out.extend_from_slice(MAGIC);
    put_u32(&mut out, n as u32);
    put_str(&mut out, &t.force);
    put_str(
        &mut out,
        &t.month.map(|m| m.to_string()).unwrap_or_default(),
    );
    put_u32(&mut out, t.lsoas.len() as u32);
    for l in &t.lsoas {
        put_str(&mut out, &l.code);
        put_str(&mut out, &l.name);
    }
    for dict in [&t.locations, &t.outcomes] {
        put_u32(&mut out, dict.len() as u32);
        for s in dict.iter() {
            put_str(&mut out, s);
        }
    }
    out.extend_from_slice(&t.category);
    t.lon
        .iter()
        .for_each(|v| out.extend_from_slice(&v.to_le_bytes()));
    t.lat
        .iter()
        .for_each(|v| out.extend_from_slice(&v.to_le_bytes()));
    t.lsoa
        .iter()
        .for_each(|v| out.extend_from_slice(&v.to_le_bytes()));
    t.location
        .iter()
        .for_each(|v| out.extend_from_slice(&v.to_le_bytes()));
    t.outcome
        .iter()
        .for_each(|v| out.extend_from_slice(&v.to_le_bytes()));
    out
}

/// Decodes a table, checking every length and dictionary index.
pub fn decode(bytes: &[u8]) -> Result<MonthlyCrimes, String> {
    let mut r = Reader { b: bytes, pos: 0 };
    if r.take(8)? != MAGIC {
        return Err("not a Safer crime file (bad magic)".into());
    }
    let n = r.u32()? as usize;
    let force = r.string()?;
    let month = r.string()?;
    let month = if month.is_empty() {
        None
    } else {
        Some(Month::parse_bytes(month.as_bytes()).ok_or("the month is not YYYY-MM")?)
    };
    let nl = r.u32()? as usize;
    let mut lsoas = Vec::with_capacity(nl.min(1 << 20));
    for _ in 0..nl {
        lsoas.push(Lsoa {
            code: r.string()?,
            name: r.string()?,
        });
    }
    let locations = r.strings()?;
    let outcomes = r.strings()?;
    let category = r.take(n)?.to_vec();
    let lon = r.column(n, i32::from_le_bytes)?;
    let lat = r.column(n, i32::from_le_bytes)?;
    let lsoa = r.column(n, u32::from_le_bytes)?;
    let location = r.column(n, u32::from_le_bytes)?;
    let outcome = r.column(n, u16::from_le_bytes)?;
    if r.pos != bytes.len() {
        return Err(format!(
            "{} unexpected bytes at the end",
            bytes.len() - r.pos
        ));
    }
    let t = MonthlyCrimes {
        force,
        month,
        category,
        lon,
        lat,
        lsoa,
        location,
        outcome,
        lsoas,
        locations,
        outcomes,
    };
    t.check_consistent()?;
    Ok(t)
}

/// Reads only the LSOA dictionary: enough to know which districts a file
/// holds without decoding its columns.
pub fn decode_lsoas(bytes: &[u8]) -> Result<Vec<Lsoa>, String> {
    let mut r = Reader { b: bytes, pos: 0 };
    if r.take(8)? != MAGIC {
        return Err("not a Safer crime file (bad magic)".into());
    }
    r.u32()?;
    r.string()?;
    r.string()?;
    let nl = r.u32()? as usize;
    (0..nl)
        .map(|_| {
            Ok(Lsoa {
                code: r.string()?,
                name: r.string()?,
            })
        })
        .collect()
}

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_u32(out, s.len() as u32);
    out.extend_from_slice(s.as_bytes());
}

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.b.len())
            .ok_or("the file ends early")?;
        let s = &self.b[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn u32(&mut self) -> Result<u32, String> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn string(&mut self) -> Result<String, String> {
        let n = self.u32()? as usize;
        let b = self.take(n)?;
        String::from_utf8(b.to_vec()).map_err(|_| "a string is not UTF-8".into())
    }

    fn strings(&mut self) -> Result<Vec<String>, String> {
        let n = self.u32()? as usize;
        let mut v = Vec::with_capacity(n.min(1 << 20));
        for _ in 0..n {
            v.push(self.string()?);
        }
        Ok(v)
    }

    fn column<T, const W: usize>(
        &mut self,
        n: usize,
        f: fn([u8; W]) -> T,
    ) -> Result<Vec<T>, String> {
        let bytes = self.take(n.checked_mul(W).ok_or("the file ends early")?)?;
        Ok(bytes
            .chunks_exact(W)
            .map(|c| {
                let mut a = [0u8; W];
                a.copy_from_slice(c);
                f(a)
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn table(rows: Vec<(u8, i32, i32)>) -> MonthlyCrimes {
        let n = rows.len();
        MonthlyCrimes {
            force: "leicestershire".into(),
            month: Some("2023-04".parse().unwrap()),
            category: rows.iter().map(|r| r.0 % 15).collect(),
            lon: rows.iter().map(|r| r.1).collect(),
            lat: rows.iter().map(|r| r.2).collect(),
            lsoa: vec![0; n],
            location: vec![0; n],
            outcome: vec![0; n],
            lsoas: vec![Lsoa {
                code: "E01025679".into(),
                name: "Charnwood 009A".into(),
            }],
            locations: vec!["On or near Ashby Road".into()],
            outcomes: vec!["".into()],
        }
    }

    proptest! {
        #[test]
        fn round_trips(rows in proptest::collection::vec((0u8..15, any::<i32>(), any::<i32>()), 0..200)) {
            let t = table(rows);
            prop_assert_eq!(decode(&encode(&t)).unwrap(), t);
        }

        #[test]
        fn truncated_files_are_errors_not_panics(cut in 0usize..200) {
            let bytes = encode(&table(vec![(1, 2, 3); 5]));
            let cut = cut.min(bytes.len() - 1);
            prop_assert!(decode(&bytes[..cut]).is_err());
        }
    }
}
