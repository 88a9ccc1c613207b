//! The police.uk street-level crime categories.

use serde::{Deserialize, Serialize};

/// A police.uk crime category, exactly as police.uk writes it in the
/// `Crime type` column of street-level files.
///
/// There are 14 current categories (13 crime categories plus anti-social
/// behaviour). `PublicDisorderAndWeapons` is the pre-2013 category that was
/// split into `PublicOrder` and `PossessionOfWeapons`; it is accepted so that
/// old files import, and it counts as crime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[repr(u8)]
pub enum Category {
    AntiSocialBehaviour = 0,
    BicycleTheft = 1,
    Burglary = 2,
    CriminalDamageAndArson = 3,
    Drugs = 4,
    OtherTheft = 5,
    PossessionOfWeapons = 6,
    PublicOrder = 7,
    Robbery = 8,
    Shoplifting = 9,
    TheftFromThePerson = 10,
    VehicleCrime = 11,
    ViolenceAndSexualOffences = 12,
    OtherCrime = 13,
    PublicDisorderAndWeapons = 14,
}

impl Category {
    /// Every category, in the order police.uk lists them (ASB first).
    pub const ALL: [Category; 15] = [
        Category::AntiSocialBehaviour,
        Category::BicycleTheft,
        Category::Burglary,
        Category::CriminalDamageAndArson,
        Category::Drugs,
        Category::OtherTheft,
        Category::PossessionOfWeapons,
        Category::PublicOrder,
        Category::Robbery,
        Category::Shoplifting,
        Category::TheftFromThePerson,
        Category::VehicleCrime,
        Category::ViolenceAndSexualOffences,
        Category::OtherCrime,
        Category::PublicDisorderAndWeapons,
    ];

    /// The 14 categories police.uk publishes today.
    pub const CURRENT: [Category; 14] = [
        Category::AntiSocialBehaviour,
        Category::BicycleTheft,
        Category::Burglary,
        Category::CriminalDamageAndArson,
        Category::Drugs,
        Category::OtherTheft,
        Category::PossessionOfWeapons,
        Category::PublicOrder,
        Category::Robbery,
        Category::Shoplifting,
        Category::TheftFromThePerson,
        Category::VehicleCrime,
        Category::ViolenceAndSexualOffences,
        Category::OtherCrime,
    ];

    /// The name exactly as police.uk writes it.
    pub const fn name(self) -> &'static str {
        match self {
            Category::AntiSocialBehaviour => "Anti-social behaviour",
            Category::BicycleTheft => "Bicycle theft",
            Category::Burglary => "Burglary",
            Category::CriminalDamageAndArson => "Criminal damage and arson",
            Category::Drugs => "Drugs",
            Category::OtherTheft => "Other theft",
            Category::PossessionOfWeapons => "Possession of weapons",
            Category::PublicOrder => "Public order",
            Category::Robbery => "Robbery",
            Category::Shoplifting => "Shoplifting",
            Category::TheftFromThePerson => "Theft from the person",
            Category::VehicleCrime => "Vehicle crime",
            Category::ViolenceAndSexualOffences => "Violence and sexual offences",
            Category::OtherCrime => "Other crime",
            Category::PublicDisorderAndWeapons => "Public disorder and weapons",
        }
    }

    /// The police.uk API slug.
    pub const fn slug(self) -> &'static str {
        match self {
            Category::AntiSocialBehaviour => "anti-social-behaviour",
            Category::BicycleTheft => "bicycle-theft",
            Category::Burglary => "burglary",
            Category::CriminalDamageAndArson => "criminal-damage-arson",
            Category::Drugs => "drugs",
            Category::OtherTheft => "other-theft",
            Category::PossessionOfWeapons => "possession-of-weapons",
            Category::PublicOrder => "public-order",
            Category::Robbery => "robbery",
            Category::Shoplifting => "shoplifting",
            Category::TheftFromThePerson => "theft-from-the-person",
            Category::VehicleCrime => "vehicle-crime",
            Category::ViolenceAndSexualOffences => "violent-crime",
            Category::OtherCrime => "other-crime",
            Category::PublicDisorderAndWeapons => "public-disorder-weapons",
        }
    }

    /// Parses the police.uk display name (as in the `Crime type` column).
    ///
    /// Matching is exact: police.uk has written these names the same way
    /// since 2013, and a near miss more likely means a wrong file than a
    /// new spelling.
    pub fn from_name(name: &[u8]) -> Option<Category> {
        // A match on byte strings compiles to length + memcmp checks, which
        // matters: this runs once per imported row.
        Some(match name {
            b"Anti-social behaviour" => Category::AntiSocialBehaviour,
            b"Bicycle theft" => Category::BicycleTheft,
            b"Burglary" => Category::Burglary,
            b"Criminal damage and arson" => Category::CriminalDamageAndArson,
            b"Drugs" => Category::Drugs,
            b"Other theft" => Category::OtherTheft,
            b"Possession of weapons" => Category::PossessionOfWeapons,
            b"Public order" => Category::PublicOrder,
            b"Robbery" => Category::Robbery,
            b"Shoplifting" => Category::Shoplifting,
            b"Theft from the person" => Category::TheftFromThePerson,
            b"Vehicle crime" => Category::VehicleCrime,
            b"Violence and sexual offences" => Category::ViolenceAndSexualOffences,
            b"Other crime" => Category::OtherCrime,
            b"Public disorder and weapons" => Category::PublicDisorderAndWeapons,
            _ => return None,
        })
    }

    /// Parses a display name or an API slug.
    pub fn parse(text: &str) -> Option<Category> {
        Category::from_name(text.as_bytes())
            .or_else(|| Category::ALL.into_iter().find(|c| c.slug() == text))
    }

    /// The category's index, dense from 0, for array-indexed counting.
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The category with the given [`Category::index`].
    pub fn from_index(index: usize) -> Option<Category> {
        Category::ALL.get(index).copied()
    }

    /// Whether this is a notifiable crime. Anti-social behaviour incidents
    /// are recorded under the National Standard for Incident Recording and
    /// are not crimes, so "All crime" leaves them out.
    pub const fn is_crime(self) -> bool {
        !matches!(self, Category::AntiSocialBehaviour)
    }
}

impl std::fmt::Display for Category {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A named set of categories a partnership reports on together, such as
/// "Serious acquisitive crime". Groups are configuration, not constants:
/// partnerships define them differently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryGroup {
    pub name: String,
    pub categories: Vec<Category>,
}

/// What a row of the assessment counts: one category, all crime, or a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CategorySelector {
    /// Every category except anti-social behaviour.
    AllCrime,
    One(Category),
    Group(CategoryGroup),
}

impl CategorySelector {
    /// The label used in reports and JSON: police.uk's name, "All crime" or
    /// the group's name.
    pub fn label(&self) -> &str {
        match self {
            CategorySelector::AllCrime => "All crime",
            CategorySelector::One(c) => c.name(),
            CategorySelector::Group(g) => &g.name,
        }
    }

    /// Whether a record of `category` is counted by this selector.
    pub fn includes(&self, category: Category) -> bool {
        match self {
            CategorySelector::AllCrime => category.is_crime(),
            CategorySelector::One(c) => *c == category,
            CategorySelector::Group(g) => g.categories.contains(&category),
        }
    }

    /// Sums per-category counts (indexed by [`Category::index`]).
    pub fn total(&self, counts: &[u64; 15]) -> u64 {
        Category::ALL
            .iter()
            .filter(|c| self.includes(**c))
            .map(|c| counts[c.index()])
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_slugs_round_trip() {
        for c in Category::ALL {
            assert_eq!(Category::from_name(c.name().as_bytes()), Some(c));
            assert_eq!(Category::parse(c.slug()), Some(c));
            assert_eq!(Category::from_index(c.index()), Some(c));
        }
    }

    #[test]
    fn fourteen_current_categories_and_asb_is_not_crime() {
        assert_eq!(Category::CURRENT.len(), 14);
        assert_eq!(
            Category::CURRENT.iter().filter(|c| !c.is_crime()).count(),
            1
        );
        assert!(!Category::AntiSocialBehaviour.is_crime());
    }

    #[test]
    fn near_misses_are_rejected() {
        assert_eq!(Category::from_name(b"burglary"), None);
        assert_eq!(Category::from_name(b"Anti-social behaviour "), None);
    }

    #[test]
    fn all_crime_total_leaves_out_asb() {
        let mut counts = [1u64; 15];
        counts[Category::AntiSocialBehaviour.index()] = 100;
        assert_eq!(CategorySelector::AllCrime.total(&counts), 14);
    }
}
