//! The data directory.

use std::path::{Path, PathBuf};

use safer_analysis::{Beats, DistrictCounts, months_held_from};
use safer_domain::Partnership;
use serde::{Deserialize, Serialize};

use crate::{CrimeStore, StoreError, io};

/// The case-work settings' file name in the data directory.
pub const CASEWORK_FILE: &str = "casework.toml";

/// A partnership as imported: its configuration and its beats' polygons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredPartnership {
    pub partnership: Partnership,
    pub beats: Beats,
}

/// Safer's data directory (default `./safer-data`).
///
/// ```text
/// safer-data/
///   crimes/manifest.json            the force-months held
///   crimes/<force>/<YYYY-MM>.*.scm  one columnar file per force-month
///   partnerships/<id>.json          imported partnership configurations
///   casework.toml                   the imported case-work settings
/// ```
#[derive(Debug, Clone)]
pub struct DataDir {
    root: PathBuf,
}

/// What identifies the data held at one moment: the file-system stamps of
/// the crime store's manifest and of every stored partnership. It changes
/// whenever an import commits or a partnership is saved, by this process
/// or by another (the command line importing while `safer serve` runs).
///
/// Stamps, not contents: a stamp costs one `stat` per file, where reading
/// the manifest means parsing every force-month held. They are enough
/// because these files are never written in place: each is replaced by
/// renaming a new file over it ([`Staging::commit`](crate::Staging::commit),
/// [`DataDir::save_partnership`]). The new file is made while the old one
/// still exists, so after a change the file always has another inode
/// number than before it. The change time (which no program can set back),
/// the modification time and the size are compared as well, so an inode
/// number used again by a later change still gives another stamp unless
/// the file system's clock did not move in between.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DataVersion(Vec<(String, Option<FileStamp>)>);

/// What `stat` says of one file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct FileStamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
    /// The inode number and the change time, in nanoseconds.
    #[cfg(unix)]
    inode: (u64, u64, i64, i64),
}

impl FileStamp {
    /// The stamp of `path`, or `None` if there is no such file.
    fn of(path: &Path) -> Result<Option<FileStamp>, StoreError> {
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io(path)(e)),
        };
        Ok(Some(FileStamp {
            len: meta.len(),
            modified: meta.modified().ok(),
            #[cfg(unix)]
            inode: {
                use std::os::unix::fs::MetadataExt;
                (meta.dev(), meta.ino(), meta.ctime(), meta.ctime_nsec())
            },
        }))
    }
}

impl DataDir {
    /// Opens the data directory, creating it if needed.
    pub fn open(root: &Path) -> Result<DataDir, StoreError> {
        std::fs::create_dir_all(root).map_err(io(root))?;
        Ok(DataDir {
            root: root.to_owned(),
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn crimes(&self) -> Result<CrimeStore, StoreError> {
        CrimeStore::open(&self.root.join("crimes"))
    }

    /// Saves (or replaces) a partnership, atomically.
    pub fn save_partnership(&self, p: &StoredPartnership) -> Result<PathBuf, StoreError> {
        let dir = self.root.join("partnerships");
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        let path = dir.join(format!("{}.json", p.partnership.id));
        let tmp = dir.join(format!("{}.json.tmp", p.partnership.id));
        let json = serde_json::to_vec(p).map_err(|e| StoreError::Corrupt {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        std::fs::write(&tmp, json).map_err(io(&tmp))?;
        std::fs::rename(&tmp, &path).map_err(io(&path))?;
        Ok(path)
    }

    /// The case-work settings file kept in the data directory, if one was
    /// imported: its path and text (the application reads it when it
    /// opens).
    pub fn casework_settings(&self) -> Result<Option<(PathBuf, String)>, StoreError> {
        let path = self.root.join(CASEWORK_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok(Some((path, text))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io(&path)(e)),
        }
    }

    /// Keeps a (checked) case-work settings file in the data directory,
    /// replacing the one held in one rename.
    pub fn save_casework_settings(&self, text: &str) -> Result<PathBuf, StoreError> {
        std::fs::create_dir_all(&self.root).map_err(io(&self.root))?;
        let path = self.root.join(CASEWORK_FILE);
        let tmp = self.root.join(format!("{CASEWORK_FILE}.tmp"));
        std::fs::write(&tmp, text).map_err(io(&tmp))?;
        std::fs::rename(&tmp, &path).map_err(io(&path))?;
        Ok(path)
    }

    /// The version of the data held (see [`DataVersion`]): read from the
    /// file system on every call, so that a change made by another process
    /// is seen.
    pub fn version(&self) -> Result<DataVersion, StoreError> {
        let manifest = self.root.join("crimes").join(crate::crimes::MANIFEST);
        let mut stamps = vec![("manifest".to_owned(), FileStamp::of(&manifest)?)];
        let dir = self.root.join("partnerships");
        if let Ok(read) = std::fs::read_dir(&dir) {
            let mut files = Vec::new();
            for entry in read {
                let path = entry.map_err(io(&dir))?.path();
                if path.extension().is_some_and(|e| e == "json") {
                    files.push(path);
                }
            }
            files.sort();
            for path in files {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                stamps.push((name, FileStamp::of(&path)?));
            }
        }
        Ok(DataVersion(stamps))
    }

    /// Every imported partnership.
    pub fn partnerships(&self) -> Result<Vec<StoredPartnership>, StoreError> {
        let dir = self.root.join("partnerships");
        let Ok(read) = std::fs::read_dir(&dir) else {
            return Ok(vec![]);
        };
        let mut out = Vec::new();
        for entry in read {
            let path = entry.map_err(io(&dir))?.path();
            if path.extension().is_some_and(|e| e == "json") {
                let bytes = std::fs::read(&path).map_err(io(&path))?;
                out.push(
                    serde_json::from_slice(&bytes).map_err(|e| StoreError::Corrupt {
                        path: path.clone(),
                        reason: e.to_string(),
                    })?,
                );
            }
        }
        out.sort_by(|a: &StoredPartnership, b| a.partnership.id.cmp(&b.partnership.id));
        Ok(out)
    }

    /// A district's counts from every force-month held, with the partnership
    /// covering it if one is imported. The district is matched without
    /// regard to case and comes back as police.uk spells it (in
    /// `DistrictCounts::district`). Only the files whose LSOA names include
    /// the district are read, in parallel.
    pub fn district_counts(
        &self,
        district: &str,
    ) -> Result<(DistrictCounts, Option<StoredPartnership>), StoreError> {
        use rayon::prelude::*;
        let store = self.crimes()?;
        let entries = store.entries()?;
        if entries.is_empty() {
            return Err(StoreError::NoData);
        }
        let Some(district) = entries
            .iter()
            .flat_map(|e| &e.districts)
            .find(|d| d.eq_ignore_ascii_case(district))
            .cloned()
        else {
            let known: std::collections::BTreeSet<String> = entries
                .iter()
                .flat_map(|e| e.districts.iter().cloned())
                .collect();
            return Err(StoreError::UnknownDistrict {
                name: district.to_owned(),
                known: known.into_iter().collect(),
            });
        };
        let partnership = self.partnership_for_district(&district)?;
        let beats = partnership
            .as_ref()
            .map(|p| p.beats.clone())
            .unwrap_or_default();
        let forces = partnership
            .as_ref()
            .map(|p| p.partnership.forces.clone())
            .unwrap_or_default();
        let mut counts = DistrictCounts::new(&district, &beats).with_forces(&forces);
        for e in &entries {
            counts.note_file(&e.force, e.month, e.without_location);
        }
        let parts: Vec<Result<DistrictCounts, StoreError>> = entries
            .par_iter()
            .filter(|e| e.districts.contains(&district))
            .map(|e| {
                let table = store.read(e)?;
                let mut c = DistrictCounts::new(&district, &beats);
                c.add(&table, &beats);
                Ok(c)
            })
            .collect();
        for p in parts {
            counts.merge(p?);
        }
        Ok((counts, partnership))
    }

    /// The police.uk places of a district whose location text holds
    /// `needle`, with their records over every month held, the busiest
    /// first (at most `limit`).
    pub fn find_places(
        &self,
        district: &str,
        needle: &str,
        limit: usize,
    ) -> Result<Vec<safer_analysis::PlaceFound>, StoreError> {
        use rayon::prelude::*;
        let store = self.crimes()?;
        let entries = store.entries()?;
        let parts: Vec<Result<std::collections::BTreeMap<safer_analysis::Place, u64>, StoreError>> =
            entries
                .par_iter()
                .filter(|e| e.districts.iter().any(|d| d.eq_ignore_ascii_case(district)))
                .map(|e| {
                    Ok(safer_analysis::find_places(
                        &store.read(e)?,
                        district,
                        needle,
                    ))
                })
                .collect();
        let mut all = std::collections::BTreeMap::new();
        for p in parts {
            for (place, n) in p? {
                *all.entry(place).or_insert(0) += n;
            }
        }
        let mut found: Vec<safer_analysis::PlaceFound> = all
            .into_iter()
            .map(|(place, records)| safer_analysis::PlaceFound { place, records })
            .collect();
        found.sort_by(|a, b| {
            b.records
                .cmp(&a.records)
                .then_with(|| a.place.cmp(&b.place))
        });
        found.truncate(limit);
        Ok(found)
    }

    /// The records at a police.uk place, force-month by force-month, in
    /// the order of the months (only the months with records there).
    pub fn records_at(
        &self,
        place: &safer_analysis::Place,
    ) -> Result<Vec<safer_analysis::PlaceMonth>, StoreError> {
        use rayon::prelude::*;
        let store = self.crimes()?;
        let entries = store.entries()?;
        let district = safer_analysis::district_of_lsoa_name(&place.lsoa_name).unwrap_or("");
        let parts: Vec<Result<Option<safer_analysis::PlaceMonth>, StoreError>> = entries
            .par_iter()
            .filter(|e| e.districts.iter().any(|d| d.eq_ignore_ascii_case(district)))
            .map(|e| Ok(safer_analysis::records_at(&store.read(e)?, place)))
            .collect();
        let mut out = Vec::new();
        for p in parts {
            out.extend(p?);
        }
        out.sort_by(|a, b| a.month.cmp(&b.month).then_with(|| a.force.cmp(&b.force)));
        Ok(out)
    }

    /// Every district for which some month is held (the rule of
    /// [`DistrictCounts::months_held`], read from the manifest alone), with
    /// how many months, sorted by name. A district with records only in
    /// other forces' files (its own force's files not imported) is not
    /// listed. For a district Safer's table of police force areas does not
    /// know, any force other than British Transport Police whose files
    /// hold its records stands in.
    pub fn districts_held(&self) -> Result<Vec<(String, usize)>, StoreError> {
        use std::collections::{BTreeMap, BTreeSet};
        let entries = self.crimes()?.entries()?;
        let partnerships = self.partnerships()?;
        let mut names: BTreeSet<&str> = BTreeSet::new();
        for e in &entries {
            names.extend(e.districts.iter().map(String::as_str));
        }
        let mut by_district: BTreeMap<&str, Vec<(&str, safer_domain::Month)>> = BTreeMap::new();
        for e in &entries {
            for d in &e.districts {
                by_district
                    .entry(d.as_str())
                    .or_default()
                    .push((e.force.as_str(), e.month));
            }
        }
        let mut out = Vec::new();
        for d in names {
            let files = by_district.get(d).map(Vec::as_slice).unwrap_or_default();
            let configured: Vec<&str> = partnerships
                .iter()
                .find(|p| p.partnership.district == d)
                .map(|p| p.partnership.forces.iter().map(String::as_str).collect())
                .unwrap_or_default();
            let held = if !configured.is_empty() {
                months_held_from(&configured, files.iter().map(|(f, m)| (*f, *m, true)))
            } else if let Some(f) = safer_domain::force_area_of(d) {
                months_held_from(&[f], files.iter().map(|(f, m)| (*f, *m, true)))
            } else {
                files
                    .iter()
                    .filter(|(f, _)| *f != safer_domain::TRANSPORT_POLICE)
                    .map(|(_, m)| *m)
                    .collect()
            };
            if !held.is_empty() {
                out.push((d.to_owned(), held.len()));
            }
        }
        Ok(out)
    }

    /// The partnership covering `district` (matched without regard to case).
    pub fn partnership_for_district(
        &self,
        district: &str,
    ) -> Result<Option<StoredPartnership>, StoreError> {
        Ok(self
            .partnerships()?
            .into_iter()
            .find(|p| p.partnership.district.eq_ignore_ascii_case(district)))
    }
}
