//! A group on the partnership's cases: people the forums manage together,
//! such as a street group of young people gathering in one place.

use serde::{Deserialize, Serialize};

/// A group as the partnership records it; its members are people on the
/// cases it is on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    pub name: String,
    /// What brings them together, and where.
    pub description: String,
}
