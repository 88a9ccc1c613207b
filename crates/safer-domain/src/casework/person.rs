//! A person on the partnership's cases, and the duplicate matcher run when
//! one is entered: the same person entered twice by two agencies is the
//! commonest fault of shared case systems (DOMAIN.md 1.1).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::Date;

/// When a person was born, as far as it is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Birth {
    Date {
        date: Date,
    },
    /// An age band, when the date is not known: "16 to 17".
    AgeBand {
        from: u8,
        to: u8,
    },
    Unknown,
}

impl Birth {
    /// The youngest and oldest the person can be on `on`, as far as it is
    /// known: exact from a date of birth, the band's ends from an age band
    /// (a band is recorded as the age on the day it was entered, so it is
    /// read as at most that old), `None` when nothing is known or `on` is
    /// before the birth.
    pub fn age_on(&self, on: Date) -> Option<(u8, u8)> {
        match *self {
            Birth::Date { date } => {
                if on < date {
                    return None;
                }
                let mut years = i32::from(on.year()) - i32::from(date.year());
                if (on.month(), on.day()) < (date.month(), date.day()) {
                    years -= 1;
                }
                let years = u8::try_from(years.clamp(0, 255)).ok()?;
                Some((years, years))
            }
            Birth::AgeBand { from, to } => Some((from.min(to), from.max(to))),
            Birth::Unknown => None,
        }
    }

    /// Whether the person is surely under 18 on `on` (a youth case): the
    /// oldest they can be is 17.
    pub fn is_youth_on(&self, on: Date) -> bool {
        self.age_on(on).is_some_and(|(_, oldest)| oldest < 18)
    }

    /// The age the ladder's rules can rely on: known when the whole range
    /// is on one side of 16, so a band of "14 to 17" is not known.
    pub fn age_for_rules_on(&self, on: Date) -> Option<u8> {
        let (youngest, oldest) = self.age_on(on)?;
        if youngest >= 16 {
            Some(youngest)
        } else if oldest < 16 {
            Some(oldest)
        } else {
            None
        }
    }
}

/// What makes a person vulnerable, as the forums record it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Vulnerability {
    MentalHealth,
    SubstanceMisuse,
    Exploitation,
    MissingEpisodes,
    DomesticAbuse,
    Disability,
    Age,
}

impl Vulnerability {
    pub fn label(self) -> &'static str {
        match self {
            Vulnerability::MentalHealth => "Mental health",
            Vulnerability::SubstanceMisuse => "Substance misuse",
            Vulnerability::Exploitation => "Exploitation",
            Vulnerability::MissingEpisodes => "Missing episodes",
            Vulnerability::DomesticAbuse => "Domestic abuse",
            Vulnerability::Disability => "Disability",
            Vulnerability::Age => "Age",
        }
    }
}

/// A person as the partnership records them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub name: String,
    pub aliases: Vec<String>,
    pub birth: Birth,
    /// The address, as written.
    pub address: Option<String>,
    pub vulnerabilities: BTreeSet<Vulnerability>,
}

/// Why two records may be one person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchReason {
    /// The names (or a name and an alias) are the same or nearly so.
    Name,
    SameBirthDate,
    SameAddress,
}

/// A possible duplicate: how alike the names are (0 to 1) and what else
/// agrees.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PossibleDuplicate {
    pub name_likeness: f64,
    pub reasons: Vec<MatchReason>,
}

/// Names at least this alike (Jaro–Winkler, on the normalised names) are
/// "nearly the same": it allows a typing slip or a missing letter in a
/// name of ordinary length ("Jon Smith", "John Smith").
pub const NAME_LIKENESS: f64 = 0.92;

/// Names at least this alike to what was searched for are found by a
/// search: looser than [`NAME_LIKENESS`], since the searcher sees the list
/// and picks ("Smyth" finds "Smith").
pub const SEARCH_LIKENESS: f64 = 0.85;

/// How alike a searched-for name is to a held one (both normalised, see
/// [`normalise_name`]), from 0 to 1: the whole name by Jaro–Winkler, or,
/// for a search of one word, its likeness to the nearest part of the name
/// ("smyth" finds "john smith").
pub fn search_likeness(wanted: &str, held: &str) -> f64 {
    let whole = strsim::jaro_winkler(wanted, held);
    if wanted.contains(' ') {
        return whole;
    }
    held.split(' ')
        .map(|part| strsim::jaro_winkler(wanted, part))
        .fold(whole, f64::max)
}

/// A name as compared: lower case, letters and digits only, its parts in
/// order, so "SMITH, John" and "john  smith" are the same.
pub fn normalise_name(name: &str) -> String {
    let mut parts: Vec<String> = name
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .map(|p| {
            p.chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect::<String>()
        })
        .filter(|p| !p.is_empty())
        .collect();
    parts.sort();
    parts.join(" ")
}

/// An address as compared: lower case, letters and digits only, so "12
/// High St, LE11 1AA" and "12 high st le111aa" are the same.
pub fn normalise_address(address: &str) -> String {
    address
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

impl Person {
    /// The person's names as compared: the name and every alias.
    fn names(&self) -> Vec<String> {
        std::iter::once(&self.name)
            .chain(&self.aliases)
            .map(|n| normalise_name(n))
            .filter(|n| !n.is_empty())
            .collect()
    }

    /// Whether `other` may be the same person, and why. Two records are a
    /// possible duplicate when their names (or aliases) are nearly the
    /// same and nothing known disagrees: two different dates of birth are
    /// two people, whatever the names; with no date of birth on either, an
    /// alike name is enough to ask. Two records whose date of birth and
    /// address agree are asked about on a name less alike.
    pub fn possible_duplicate(&self, other: &Person) -> Option<PossibleDuplicate> {
        let likeness = self
            .names()
            .iter()
            .flat_map(|a| {
                other
                    .names()
                    .into_iter()
                    .map(move |b| strsim::jaro_winkler(a, &b))
            })
            .fold(0.0f64, f64::max);
        let birth = match (self.birth, other.birth) {
            (Birth::Date { date: a }, Birth::Date { date: b }) => Some(a == b),
            _ => None,
        };
        if birth == Some(false) {
            return None;
        }
        let same_address = match (&self.address, &other.address) {
            (Some(a), Some(b)) => {
                let (a, b) = (normalise_address(a), normalise_address(b));
                !a.is_empty() && a == b
            }
            _ => false,
        };
        let mut reasons = Vec::new();
        if likeness >= NAME_LIKENESS {
            reasons.push(MatchReason::Name);
        }
        if birth == Some(true) {
            reasons.push(MatchReason::SameBirthDate);
        }
        if same_address {
            reasons.push(MatchReason::SameAddress);
        }
        let duplicate =
            likeness >= NAME_LIKENESS || (birth == Some(true) && same_address && likeness >= 0.8);
        duplicate.then_some(PossibleDuplicate {
            name_likeness: likeness,
            reasons,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn person(name: &str, born: Option<&str>, address: Option<&str>) -> Person {
        Person {
            name: name.into(),
            aliases: vec![],
            birth: born.map_or(Birth::Unknown, |d| Birth::Date {
                date: d.parse().unwrap(),
            }),
            address: address.map(Into::into),
            vulnerabilities: BTreeSet::new(),
        }
    }

    #[test]
    fn names_are_compared_without_case_punctuation_or_order() {
        assert_eq!(normalise_name("SMITH, John"), "john smith");
        assert_eq!(normalise_name("  john   smith "), "john smith");
        assert_eq!(normalise_name("O'Brien-Kelly"), "kelly obrien");
        assert_eq!(normalise_address("12 High St, LE11 1AA"), "12highstle111aa");
    }

    #[test]
    fn the_same_person_entered_twice_is_found() {
        let a = person(
            "John Smith",
            Some("1990-03-04"),
            Some("12 High Street, LE11 1AA"),
        );
        let typo = person("Jon Smith", Some("1990-03-04"), None);
        let d = a.possible_duplicate(&typo).expect("a slip of the keyboard");
        assert!(
            d.reasons.contains(&MatchReason::Name)
                && d.reasons.contains(&MatchReason::SameBirthDate)
        );
        assert!(
            a.possible_duplicate(&person("Smith, JOHN", None, None))
                .is_some()
        );
        // An alias matches too.
        let mut alias = person("Jack Jones", None, None);
        alias.aliases.push("John Smith".into());
        assert!(a.possible_duplicate(&alias).is_some());
        // Same birth date and address on a name less alike: asked about.
        let married = person(
            "Joan Smith",
            Some("1990-03-04"),
            Some("12 high street le11 1aa"),
        );
        assert!(a.possible_duplicate(&married).is_some());
    }

    #[test]
    fn different_people_are_not_matched() {
        let a = person("John Smith", Some("1990-03-04"), None);
        assert_eq!(
            a.possible_duplicate(&person("John Smith", Some("1991-03-04"), None)),
            None
        );
        assert_eq!(
            a.possible_duplicate(&person("Priya Patel", None, None)),
            None
        );
        assert_eq!(a.possible_duplicate(&person("", None, None)), None);
    }

    #[test]
    fn a_search_forgives_a_slip_in_one_part_of_a_name() {
        let held = normalise_name("SMITH, John");
        assert!(search_likeness(&normalise_name("smyth"), &held) >= SEARCH_LIKENESS);
        assert!(search_likeness(&normalise_name("Jon Smith"), &held) >= SEARCH_LIKENESS);
        assert!(search_likeness(&normalise_name("Patel"), &held) < SEARCH_LIKENESS);
    }

    proptest! {
        /// A name searched for exactly, whole or by any one part, is found.
        #[test]
        fn a_name_or_any_part_of_it_finds_itself(parts in proptest::collection::vec("[a-z]{2,8}", 1..4), pick in 0usize..4) {
            let held = parts.join(" ");
            prop_assert!((search_likeness(&held, &held) - 1.0).abs() < 1e-9);
            let part = &parts[pick % parts.len()];
            prop_assert!(search_likeness(part, &held) >= SEARCH_LIKENESS);
        }

        /// The matcher is symmetric, and a record always matches itself.
        #[test]
        fn the_matcher_is_symmetric_and_reflexive(
            n1 in "[A-Za-z]{2,8} [A-Za-z]{2,10}",
            n2 in "[A-Za-z]{2,8} [A-Za-z]{2,10}",
            b1 in proptest::option::of(0i64..20_000),
            b2 in proptest::option::of(0i64..20_000),
        ) {
            let born = |d: Option<i64>| d.map(|n| "1960-01-01".parse::<Date>().unwrap().plus_days(n).unwrap().to_string());
            let a = person(&n1, born(b1).as_deref(), None);
            let b = person(&n2, born(b2).as_deref(), None);
            prop_assert_eq!(a.possible_duplicate(&b).is_some(), b.possible_duplicate(&a).is_some());
            prop_assert!(a.possible_duplicate(&a).is_some());
        }

        /// Case, spacing and the order of a name's parts never matter.
        #[test]
        fn case_spacing_and_order_do_not_matter(first in "[A-Za-z]{2,8}", last in "[A-Za-z]{2,10}") {
            let a = person(&format!("{first} {last}"), None, None);
            let b = person(&format!("  {}, {} ", last.to_uppercase(), first.to_lowercase()), None, None);
            let d = a.possible_duplicate(&b);
            prop_assert!(d.is_some());
            prop_assert!((d.unwrap().name_likeness - 1.0).abs() < 1e-12);
        }

        /// Two different dates of birth are two people.
        #[test]
        fn different_birth_dates_never_match(name in "[A-Za-z]{2,8} [A-Za-z]{2,10}", gap in 1i64..5000) {
            let a = person(&name, Some("1980-06-01"), None);
            let other = "1980-06-01".parse::<Date>().unwrap().plus_days(gap).unwrap().to_string();
            prop_assert!(a.possible_duplicate(&person(&name, Some(&other), None)).is_none());
        }
    }
}
