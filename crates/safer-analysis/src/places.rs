//! police.uk places: the anonymised locations police.uk gives each record
//! ("On or near Park Road", in an LSOA), for finding a case's location
//! among them and counting the records there, month by month, so that
//! repeat and vulnerable locations can be found from the published data.
//!
//! A place is its location text and its LSOA *code*: police.uk maps each
//! record to the nearest of a fixed set of points ("snap points"), and the
//! same text may name points in several LSOAs (a long road), which are
//! different places.

use std::collections::BTreeMap;

pub use safer_domain::casework::location::Place;
use safer_domain::{Category, Month};
use serde::{Deserialize, Serialize};

use crate::table::{MonthlyCrimes, NO_LSOA, district_of_lsoa_name};

/// A place found by a search, with how many records are there in the
/// months searched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaceFound {
    pub place: Place,
    pub records: u64,
}

/// The records at one place in one force-month, by category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaceMonth {
    pub month: Month,
    pub force: String,
    pub by_category: BTreeMap<Category, u32>,
}

impl PlaceMonth {
    pub fn total(&self) -> u32 {
        self.by_category.values().sum()
    }
}

/// The places of a district whose location text holds `needle` (ignoring
/// case; an empty needle finds none), with their records, in one table.
pub fn find_places(table: &MonthlyCrimes, district: &str, needle: &str) -> BTreeMap<Place, u64> {
    let mut out = BTreeMap::new();
    let needle = needle.trim().to_lowercase();
    if needle.is_empty() {
        return out;
    }
    // Which LSOAs and location texts qualify, decided once per dictionary
    // entry rather than once per record.
    let in_district: Vec<bool> = table
        .lsoas
        .iter()
        .map(|l| district_of_lsoa_name(&l.name).is_some_and(|d| d.eq_ignore_ascii_case(district)))
        .collect();
    let matches: Vec<bool> = table
        .locations
        .iter()
        .map(|s| s.to_lowercase().contains(&needle))
        .collect();
    for i in 0..table.len() {
        let (l, s) = (table.lsoa[i], table.location[i] as usize);
        if l == NO_LSOA || !in_district[l as usize] || !matches[s] {
            continue;
        }
        let lsoa = &table.lsoas[l as usize];
        let place = Place {
            street: table.locations[s].clone(),
            lsoa_code: lsoa.code.clone(),
            lsoa_name: lsoa.name.clone(),
        };
        *out.entry(place).or_insert(0) += 1;
    }
    out
}

/// The records at `place` in one table, by category; `None` when the
/// table has no month or none there.
pub fn records_at(table: &MonthlyCrimes, place: &Place) -> Option<PlaceMonth> {
    let month = table.month?;
    let lsoa = table.lsoas.iter().position(|l| l.code == place.lsoa_code)?;
    let street = table.locations.iter().position(|s| *s == place.street)?;
    let mut by_category = BTreeMap::new();
    for i in 0..table.len() {
        if table.lsoa[i] as usize == lsoa && table.location[i] as usize == street {
            *by_category.entry(table.category_of(i)).or_insert(0) += 1;
        }
    }
    (!by_category.is_empty()).then(|| PlaceMonth {
        month,
        force: table.force.clone(),
        by_category,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{Lsoa, NO_COORD};
    use proptest::prelude::*;

    fn table(rows: &[(u8, u32, u32)]) -> MonthlyCrimes {
        MonthlyCrimes {
            force: "leicestershire".into(),
            month: Some(Month::new(2024, 5).unwrap()),
            category: rows.iter().map(|r| r.0).collect(),
            lon: vec![NO_COORD; rows.len()],
            lat: vec![NO_COORD; rows.len()],
            lsoa: rows.iter().map(|r| r.1).collect(),
            location: rows.iter().map(|r| r.2).collect(),
            outcome: vec![0; rows.len()],
            lsoas: vec![
                Lsoa {
                    code: "E01025001".into(),
                    name: "Charnwood 001A".into(),
                },
                Lsoa {
                    code: "E01025002".into(),
                    name: "Charnwood 001B".into(),
                },
                Lsoa {
                    code: "E01026000".into(),
                    name: "Melton 001A".into(),
                },
            ],
            locations: vec![
                "On or near Park Road".into(),
                "On or near Station Street".into(),
            ],
            outcomes: vec![String::new()],
        }
    }

    #[test]
    fn a_place_is_its_street_and_its_lsoa() {
        let t = table(&[
            (0, 0, 0),
            (0, 0, 0),
            (1, 1, 0),
            (0, 2, 0),
            (0, 0, 1),
            (0, NO_LSOA, 0),
        ]);
        let found = find_places(&t, "Charnwood", "park road");
        let counts: Vec<(String, u64)> = found
            .iter()
            .map(|(p, n)| (p.lsoa_code.clone(), *n))
            .collect();
        // Melton's Park Road is not Charnwood's; the record without an
        // LSOA belongs to no district.
        assert_eq!(counts, [("E01025001".into(), 2), ("E01025002".into(), 1)]);
        assert!(find_places(&t, "Charnwood", "  ").is_empty());
        let place = found.keys().next().unwrap();
        let at = records_at(&t, place).unwrap();
        assert_eq!(at.total(), 2);
        assert_eq!(at.by_category.len(), 1);
    }

    proptest! {
        /// Every record of the district whose text matches is counted at
        /// exactly one place, and the counts there agree with records_at.
        #[test]
        fn every_matching_record_is_counted_once(rows in proptest::collection::vec((0u8..14, 0u32..3, 0u32..2), 0..60)) {
            let t = table(&rows);
            let found = find_places(&t, "Charnwood", "on or near");
            let expected = rows.iter().filter(|r| r.1 < 2).count() as u64;
            prop_assert_eq!(found.values().sum::<u64>(), expected);
            for (place, n) in &found {
                prop_assert_eq!(u64::from(records_at(&t, place).unwrap().total()), *n);
            }
        }
    }
}
