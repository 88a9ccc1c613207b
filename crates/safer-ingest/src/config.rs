//! The partnership configuration file (TOML).
//!
//! ```toml
//! id = "charnwood"
//! name = "Charnwood Community Safety Partnership"
//! district = "Charnwood"          # as police.uk LSOA names begin
//! district_code = "E07000130"
//! forces = ["leicestershire"]     # optional: else Safer's police force area table
//! beat_basis = "Approximated from whole May 2023 wards"
//!
//! [population]                    # or: value = 183900, source = "…"
//! file = "population.csv"
//! code_column = "lad_code"
//! value_column = "census2021_usual_residents_rounded"
//! source = "Census 2021 usual residents (ONS)"
//!
//! [boundaries]
//! files = ["wards.geojson"]
//!
//! [[groups]]
//! name = "Serious acquisitive crime"
//! categories = ["Burglary", "Robbery", "Vehicle crime", "Theft from the person"]
//!
//! [[beats]]
//! name = "Beat 57"
//! localities = "Mountsorrel"
//! areas = ["Mountsorrel"]         # ward or LSOA names or codes; or polygon = "beat.geojson"
//! method = "The Mountsorrel point falls in Mountsorrel ward."
//! ```
//!
//! Paths are relative to the configuration file.

use std::path::{Path, PathBuf};

use safer_analysis::{Beats, Polygon};
use safer_domain::{
    BeatDefinition, BeatMembers, Category, CategoryGroup, Partnership, PopulationSource,
};
use serde::Deserialize;

use crate::IngestError;
use crate::geography::{Area, read_boundaries, read_population};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    id: String,
    name: String,
    district: String,
    district_code: Option<String>,
    population: Option<RawPopulation>,
    #[serde(default)]
    boundaries: RawBoundaries,
    #[serde(default)]
    groups: Vec<RawGroup>,
    #[serde(default)]
    beats: Vec<RawBeat>,
    #[serde(default)]
    forces: Vec<String>,
    beat_basis: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPopulation {
    value: Option<u64>,
    file: Option<PathBuf>,
    #[serde(default = "default_code_column")]
    code_column: String,
    value_column: Option<String>,
    source: String,
}

fn default_code_column() -> String {
    "lad_code".into()
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBoundaries {
    #[serde(default)]
    files: Vec<PathBuf>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    name: String,
    categories: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBeat {
    name: String,
    localities: Option<String>,
    areas: Option<Vec<String>>,
    polygon: Option<PathBuf>,
    /// How the beat's extent was made; printed with the beat in reports.
    method: Option<String>,
}

/// A partnership with its beats resolved to polygons.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedPartnership {
    pub partnership: Partnership,
    pub beats: Beats,
}

/// Reads, validates and resolves a partnership configuration: reads the
/// population figure and the boundary files it names and builds each
/// beat's polygons.
pub fn load(path: &Path) -> Result<LoadedPartnership, IngestError> {
    let invalid = |message: String| IngestError::Invalid {
        path: path.to_owned(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|e| IngestError::Io {
        path: path.to_owned(),
        source: e,
    })?;
    let raw: RawConfig =
        toml::from_str(&text).map_err(|e| invalid(describe_toml_error(&text, &e)))?;
    let base = path.parent().unwrap_or(Path::new("."));

    let population = match raw.population {
        None => None,
        Some(p) => {
            let value = match (p.value, &p.file) {
                (Some(v), None) => v,
                (None, Some(file)) => {
                    let code = raw.district_code.as_deref().ok_or_else(|| {
                        invalid(
                            "[population] file needs district_code, to find the district's row"
                                .into(),
                        )
                    })?;
                    let column = p
                        .value_column
                        .as_deref()
                        .ok_or_else(|| invalid("[population] file needs value_column".into()))?;
                    read_population(&base.join(file), &p.code_column, column, code)?
                }
                _ => {
                    return Err(invalid(
                        "[population] needs exactly one of value or file".into(),
                    ));
                }
            };
            Some(PopulationSource {
                value,
                source: p.source,
            })
        }
    };

    let groups = raw
        .groups
        .into_iter()
        .map(|g| {
            let categories = g
                .categories
                .iter()
                .map(|c| {
                    Category::parse(c).ok_or_else(|| {
                        invalid(format!(
                            "group {:?}: {c:?} is not a police.uk category; expected one of: {}",
                            g.name,
                            category_list()
                        ))
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(CategoryGroup {
                name: g.name,
                categories,
            })
        })
        .collect::<Result<Vec<_>, IngestError>>()?;

    let mut areas: Vec<Area> = Vec::new();
    for f in &raw.boundaries.files {
        areas.extend(read_boundaries(&base.join(f))?);
    }

    let mut definitions = Vec::new();
    let mut beats = Beats::default();
    for b in raw.beats {
        let (members, shapes) = match (b.areas, b.polygon) {
            (Some(names), None) => {
                let mut shapes: Vec<Polygon> = Vec::new();
                for n in &names {
                    let area = areas
                        .iter()
                        .find(|a| &a.code == n || &a.name == n)
                        .ok_or_else(|| {
                            invalid(format!(
                                "beat {:?}: no area named or coded {n:?} in the [boundaries] files",
                                b.name
                            ))
                        })?;
                    shapes.extend(area.polygons.iter().cloned());
                }
                (BeatMembers::Areas(names), shapes)
            }
            (None, Some(file)) => {
                let found = read_boundaries(&base.join(&file))?;
                let shapes = found.into_iter().flat_map(|a| a.polygons).collect();
                (BeatMembers::Polygon(file.display().to_string()), shapes)
            }
            _ => {
                return Err(invalid(format!(
                    "beat {:?}: give exactly one of areas or polygon",
                    b.name
                )));
            }
        };
        definitions.push(BeatDefinition {
            name: b.name.clone(),
            localities: b.localities,
            members,
            method: b.method,
        });
        beats.names.push(b.name);
        beats.shapes.push(shapes);
    }

    let partnership = Partnership {
        id: raw.id,
        name: raw.name,
        district: raw.district,
        district_code: raw.district_code,
        population,
        groups,
        beats: definitions,
        forces: raw.forces,
        beat_basis: raw.beat_basis,
    };
    partnership.validate().map_err(|e| invalid(e.to_string()))?;
    Ok(LoadedPartnership { partnership, beats })
}

fn category_list() -> String {
    Category::CURRENT
        .iter()
        .map(|c| c.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// TOML errors carry a byte span; report it as a line number.
fn describe_toml_error(text: &str, e: &toml::de::Error) -> String {
    let line = e
        .span()
        .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
    match line {
        Some(l) => format!("line {l}: {}", e.message()),
        None => e.message().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("p.toml");
        std::fs::write(&p, "id = \"x\"\nname = \"X\"\ndistrict = 5\n").unwrap();
        let e = load(&p).unwrap_err().to_string();
        assert!(e.contains("line 3"), "{e}");
    }

    #[test]
    fn unknown_categories_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("p.toml");
        std::fs::write(
            &p,
            "id = \"x\"\nname = \"X\"\ndistrict = \"D\"\n[[groups]]\nname = \"G\"\ncategories = [\"Burgalry\"]\n",
        )
        .unwrap();
        let e = load(&p).unwrap_err().to_string();
        assert!(
            e.contains("\"Burgalry\" is not a police.uk category"),
            "{e}"
        );
    }
}
