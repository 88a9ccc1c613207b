//! One force-month of police.uk records, held as columns.

use safer_domain::{Category, Month};
use serde::{Deserialize, Serialize};

/// The coordinate value of a record police.uk published with no location.
pub const NO_COORD: i32 = i32::MIN;
/// The LSOA index of a record with no LSOA.
pub const NO_LSOA: u32 = u32::MAX;

/// An LSOA as police.uk names it on a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lsoa {
    pub code: String,
    pub name: String,
}

/// One force's police.uk street-level records for one month.
///
/// Each row is one record (a crime or an ASB incident); every `Vec` below
/// has one entry per row. Repeated text (LSOAs, locations, outcomes) is
/// held once in a dictionary and referenced by index, which keeps a record
/// to 19 bytes. Coordinates are integer micro-degrees: police.uk publishes
/// six decimal places, so this is exact.
///
/// The `Crime ID` and `Context` columns are not kept: no analysis uses
/// them, and the crime ID alone would triple the size of a record.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MonthlyCrimes {
    /// The force, as police.uk names it in file names (`leicestershire`).
    pub force: String,
    pub month: Option<Month>,
    /// [`Category::index`] of each record.
    pub category: Vec<u8>,
    /// Longitude in micro-degrees, or [`NO_COORD`].
    pub lon: Vec<i32>,
    /// Latitude in micro-degrees, or [`NO_COORD`].
    pub lat: Vec<i32>,
    /// Index into `lsoas`, or [`NO_LSOA`].
    pub lsoa: Vec<u32>,
    /// Index into `locations`.
    pub location: Vec<u32>,
    /// Index into `outcomes` (the empty string for ASB, which has none).
    pub outcome: Vec<u16>,
    pub lsoas: Vec<Lsoa>,
    pub locations: Vec<String>,
    pub outcomes: Vec<String>,
}

impl MonthlyCrimes {
    pub fn len(&self) -> usize {
        self.category.len()
    }

    pub fn is_empty(&self) -> bool {
        self.category.is_empty()
    }

    /// The category of row `i`.
    pub fn category_of(&self, i: usize) -> Category {
        // Rows are built only from parsed categories, so the index is valid;
        // fall back to "Other crime" rather than panic on a corrupt store.
        Category::from_index(usize::from(self.category[i])).unwrap_or(Category::OtherCrime)
    }

    /// Checks that every column has one entry per row and every dictionary
    /// index is in range. The store calls this on every table it reads, so a
    /// damaged file is an error rather than a wrong figure.
    pub fn check_consistent(&self) -> Result<(), String> {
        let n = self.len();
        for (name, len) in [
            ("lon", self.lon.len()),
            ("lat", self.lat.len()),
            ("lsoa", self.lsoa.len()),
            ("location", self.location.len()),
            ("outcome", self.outcome.len()),
        ] {
            if len != n {
                return Err(format!("column {name} has {len} entries for {n} rows"));
            }
        }
        if self
            .category
            .iter()
            .any(|&c| usize::from(c) >= Category::ALL.len())
        {
            return Err("a category index is out of range".into());
        }
        if self
            .lsoa
            .iter()
            .any(|&l| l != NO_LSOA && l as usize >= self.lsoas.len())
        {
            return Err("an LSOA index is out of range".into());
        }
        if self
            .location
            .iter()
            .any(|&l| l as usize >= self.locations.len())
        {
            return Err("a location index is out of range".into());
        }
        if self
            .outcome
            .iter()
            .any(|&o| usize::from(o) >= self.outcomes.len())
        {
            return Err("an outcome index is out of range".into());
        }
        Ok(())
    }
}

/// The district an LSOA belongs to, read from its name.
///
/// ONS names every LSOA `<local authority name> <3 digits><letter>`
/// ("Charnwood 009G"), in both the 2011 and 2021 vintages. Reading the
/// district from the name therefore survives the 2011→2021 change of codes,
/// which a code lookup of one vintage does not.
pub fn district_of_lsoa_name(name: &str) -> Option<&str> {
    let (district, suffix) = name.rsplit_once(' ')?;
    let b = suffix.as_bytes();
    let ok = b.len() == 4 && b[..3].iter().all(u8::is_ascii_digit) && b[3].is_ascii_uppercase();
    ok.then_some(district)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn district_comes_from_the_lsoa_name() {
        assert_eq!(district_of_lsoa_name("Charnwood 009G"), Some("Charnwood"));
        assert_eq!(
            district_of_lsoa_name("North West Leicestershire 001A"),
            Some("North West Leicestershire")
        );
        assert_eq!(district_of_lsoa_name("Charnwood"), None);
        assert_eq!(district_of_lsoa_name("Charnwood 09G"), None);
        assert_eq!(district_of_lsoa_name(""), None);
    }
}
