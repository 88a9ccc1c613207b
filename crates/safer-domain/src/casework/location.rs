//! A location on the partnership's cases: an address (a home, a block, a
//! park), and, when one was chosen, the police.uk place it stands at, so
//! the published records there can be counted for repeat and vulnerable
//! locations.

use serde::{Deserialize, Serialize};

/// A police.uk place: the anonymised location police.uk gives a record
/// (its text, "On or near Park Road", and its LSOA). The same text in two
/// LSOAs is two places (a long road crosses several).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Place {
    pub street: String,
    pub lsoa_code: String,
    pub lsoa_name: String,
}

/// A location as the partnership records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// As written: "Flats 1–24, Sample Court, Loughborough".
    pub address: String,
    pub place: Option<Place>,
}
