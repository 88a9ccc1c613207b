//! A partnership's configuration: its district, population and beats.

use serde::{Deserialize, Serialize};

use crate::{Category, CategoryGroup};

/// A Community Safety Partnership, as its configuration file describes it.
///
/// A partnership covers one district (a local authority). Its beats are the
/// police neighbourhood areas it reports by; they need not follow ward or
/// LSOA boundaries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Partnership {
    /// Short identifier, used on the command line and in file names.
    pub id: String,
    /// The partnership's name, as printed on reports.
    pub name: String,
    /// The district (local authority) name exactly as police.uk writes it at
    /// the start of LSOA names, for example "Charnwood".
    pub district: String,
    /// The ONS code of the district, for example E07000130.
    pub district_code: Option<String>,
    pub population: Option<PopulationSource>,
    pub groups: Vec<CategoryGroup>,
    pub beats: Vec<BeatDefinition>,
    /// The district's own police forces in police.uk's file-name form
    /// ("leicestershire"), when the partnership names them; otherwise they
    /// come from Safer's table of police force areas. Their files decide
    /// which months are held.
    #[serde(default)]
    pub forces: Vec<String>,
    /// How the beats were built, in words, printed wherever shares by beat
    /// are shown (for example "approximated from whole May 2023 wards").
    #[serde(default)]
    pub beat_basis: Option<String>,
}

/// The population a rate per 1,000 is computed on, and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PopulationSource {
    pub value: u64,
    /// Where the figure comes from, printed under every rate.
    pub source: String,
}

/// One beat: its name, a description of its localities, and its extent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BeatDefinition {
    pub name: String,
    /// The places the beat covers, in words (as in the partnership plan).
    pub localities: Option<String>,
    pub members: BeatMembers,
    /// How the beat's extent was made, in words.
    #[serde(default)]
    pub method: Option<String>,
}

/// How a beat's extent is given. Whatever the form, records are placed in
/// beats by point in polygon, so a change of LSOA vintage never moves a
/// crime between beats.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BeatMembers {
    /// A union of named areas (wards or LSOAs) from the imported boundaries,
    /// by code or exact name.
    Areas(Vec<String>),
    /// The beat's own polygon(s), from a boundary file.
    Polygon(String),
}

/// Why a partnership configuration is not usable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PartnershipError {
    #[error("beat {0:?} is defined twice")]
    DuplicateBeat(String),
    #[error("beat {0:?} has no areas")]
    EmptyBeat(String),
    #[error("area {area:?} is in both beat {first:?} and beat {second:?}")]
    OverlappingBeats {
        area: String,
        first: String,
        second: String,
    },
    #[error("group {0:?} has no categories")]
    EmptyGroup(String),
    #[error("group {0:?} has the same name as a police.uk category or \"All crime\"")]
    GroupNameClash(String),
    #[error("the district name is empty")]
    NoDistrict,
    #[error(
        "force {0:?} is not a police.uk force name as police.uk writes it in file names (such as \"leicestershire\"), or is British Transport Police, which polices no district"
    )]
    BadForce(String),
}

impl Partnership {
    /// Checks the rules a configuration must keep: beats are distinct and
    /// do not share areas, groups are non-empty and do not shadow a
    /// category's name.
    pub fn validate(&self) -> Result<(), PartnershipError> {
        if self.district.trim().is_empty() {
            return Err(PartnershipError::NoDistrict);
        }
        for f in &self.forces {
            let ok = !f.is_empty()
                && f.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && f != crate::TRANSPORT_POLICE;
            if !ok {
                return Err(PartnershipError::BadForce(f.clone()));
            }
        }
        let mut seen_area: Vec<(&str, &str)> = Vec::new();
        for (i, beat) in self.beats.iter().enumerate() {
            if self.beats[..i].iter().any(|b| b.name == beat.name) {
                return Err(PartnershipError::DuplicateBeat(beat.name.clone()));
            }
            if let BeatMembers::Areas(areas) = &beat.members {
                if areas.is_empty() {
                    return Err(PartnershipError::EmptyBeat(beat.name.clone()));
                }
                for area in areas {
                    if let Some((_, first)) = seen_area.iter().find(|(a, _)| a == area) {
                        return Err(PartnershipError::OverlappingBeats {
                            area: area.clone(),
                            first: (*first).to_owned(),
                            second: beat.name.clone(),
                        });
                    }
                    seen_area.push((area, &beat.name));
                }
            }
        }
        for g in &self.groups {
            if g.categories.is_empty() {
                return Err(PartnershipError::EmptyGroup(g.name.clone()));
            }
            if g.name == "All crime" || Category::parse(&g.name).is_some() {
                return Err(PartnershipError::GroupNameClash(g.name.clone()));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn beat(name: &str, areas: &[&str]) -> BeatDefinition {
        BeatDefinition {
            name: name.into(),
            localities: None,
            members: BeatMembers::Areas(areas.iter().map(|s| s.to_string()).collect()),
            method: None,
        }
    }

    fn partnership(beats: Vec<BeatDefinition>) -> Partnership {
        Partnership {
            id: "x".into(),
            name: "X".into(),
            district: "Charnwood".into(),
            district_code: None,
            population: None,
            groups: vec![],
            beats,
            forces: vec![],
            beat_basis: None,
        }
    }

    #[test]
    fn forces_are_named_as_police_uk_names_them() {
        let mut p = partnership(vec![]);
        p.forces = vec!["leicestershire".into()];
        assert!(p.validate().is_ok());
        for bad in ["Leicestershire", "btp", "", "leics police"] {
            p.forces = vec![bad.into()];
            assert_eq!(
                p.validate(),
                Err(PartnershipError::BadForce(bad.into())),
                "{bad}"
            );
        }
    }

    #[test]
    fn an_area_in_two_beats_is_refused() {
        let p = partnership(vec![beat("56", &["A", "B"]), beat("57", &["B"])]);
        assert!(matches!(
            p.validate(),
            Err(PartnershipError::OverlappingBeats { .. })
        ));
        let p = partnership(vec![beat("56", &["A"]), beat("57", &["B"])]);
        assert_eq!(p.validate(), Ok(()));
    }

    #[test]
    fn groups_cannot_shadow_categories() {
        let mut p = partnership(vec![]);
        p.groups.push(CategoryGroup {
            name: "Burglary".into(),
            categories: vec![Category::Robbery],
        });
        assert!(matches!(
            p.validate(),
            Err(PartnershipError::GroupNameClash(_))
        ));
    }
}
