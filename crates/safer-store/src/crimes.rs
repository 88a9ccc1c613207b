//! The crime store: one columnar file per force-month and a manifest.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use safer_analysis::{MonthlyCrimes, NO_LSOA, district_of_lsoa_name};
use safer_domain::Month;
use serde::{Deserialize, Serialize};

use crate::{StoreError, codec, io};

pub(crate) const MANIFEST: &str = "manifest.json";
const LOCK: &str = "import.lock";

/// What the manifest records of one force-month file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestEntry {
    pub force: String,
    pub month: Month,
    /// The file, relative to the crime store folder. One file may hold
    /// several force-months of one import, one after the other.
    pub file: String,
    /// Where this force-month's bytes start in the file, and how many.
    pub offset: u64,
    pub len: u64,
    pub rows: u64,
    /// Records with no location (no LSOA): they belong to no district.
    pub without_location: u64,
    /// The districts (from LSOA names) that have records in the file, so a
    /// district's assessment reads only the files that concern it.
    pub districts: Vec<String>,
    /// The CSV the records came from.
    pub source: String,
    /// Rows whose Crime ID an earlier row of the same file has (kept, as
    /// police.uk counts them), and how many of those are exact copies.
    #[serde(default)]
    pub repeated_crime_ids: u64,
    #[serde(default)]
    pub repeated_identical: u64,
    /// Seconds since the Unix epoch.
    pub imported_at: u64,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Manifest {
    version: u32,
    partitions: Vec<ManifestEntry>,
}

/// The police.uk records held, as force-month files.
#[derive(Debug, Clone)]
pub struct CrimeStore {
    root: PathBuf,
}

impl CrimeStore {
    /// Opens (creating if needed) the store in `root`.
    pub fn open(root: &Path) -> Result<CrimeStore, StoreError> {
        std::fs::create_dir_all(root).map_err(io(root))?;
        Ok(CrimeStore {
            root: root.to_owned(),
        })
    }

    /// Every force-month held, sorted by force then month.
    pub fn entries(&self) -> Result<Vec<ManifestEntry>, StoreError> {
        Ok(self.load_manifest()?.partitions)
    }

    fn load_manifest(&self) -> Result<Manifest, StoreError> {
        let path = self.root.join(MANIFEST);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| StoreError::Corrupt {
                path: path.clone(),
                reason: e.to_string(),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Manifest {
                version: 1,
                partitions: vec![],
            }),
            Err(e) => Err(StoreError::Io { path, source: e }),
        }
    }

    /// Reads one force-month.
    pub fn read(&self, entry: &ManifestEntry) -> Result<MonthlyCrimes, StoreError> {
        use std::io::{Read, Seek, SeekFrom};
        let path = self.root.join(&entry.file);
        let mut f = std::fs::File::open(&path).map_err(io(&path))?;
        f.seek(SeekFrom::Start(entry.offset)).map_err(io(&path))?;
        let len = usize::try_from(entry.len).map_err(|_| StoreError::Corrupt {
            path: path.clone(),
            reason: "length too large".into(),
        })?;
        let mut bytes = vec![0u8; len];
        f.read_exact(&mut bytes).map_err(io(&path))?;
        codec::decode(&bytes).map_err(|reason| StoreError::Corrupt { path, reason })
    }

    /// Starts an import. Only one import runs at a time; files left by an
    /// import that was killed are removed here.
    ///
    /// The lock is an operating-system lock on `import.lock`, held by the
    /// open file: it ends with the process however the process ends (a
    /// `kill -9`, the out-of-memory killer, a power cut), so an import that
    /// died never blocks the next one. The file itself stays; deleting it
    /// would let two imports lock two different files of the same name.
    pub fn begin(&self) -> Result<Staging, StoreError> {
        let path = self.root.join(LOCK);
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io(&path))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Err(StoreError::Locked { path }),
            Err(std::fs::TryLockError::Error(e)) => return Err(StoreError::Io { path, source: e }),
        }
        let staging = Staging {
            store: self.clone(),
            _lock: lock,
            nonce: nonce(),
            counter: AtomicU64::new(0),
        };
        staging.remove_orphans()?;
        Ok(staging)
    }
}

/// A table to stage, with what the manifest records of where it came from.
#[derive(Debug, Clone, Copy)]
pub struct StagedTable<'a> {
    pub table: &'a MonthlyCrimes,
    /// The file the records came from, as the person importing named it.
    pub source: &'a Path,
    /// Rows whose Crime ID an earlier row of the file has.
    pub repeated_crime_ids: u64,
    /// Of those, rows identical in every field to the first with the ID.
    pub repeated_identical: u64,
}

impl<'a> StagedTable<'a> {
    /// A table with no repeated Crime IDs noted.
    pub fn new(table: &'a MonthlyCrimes, source: &'a Path) -> StagedTable<'a> {
        StagedTable {
            table,
            source,
            repeated_crime_ids: 0,
            repeated_identical: 0,
        }
    }
}

/// A force-month file written by an import and not yet committed.
#[derive(Debug, Clone)]
pub struct Staged {
    pub entry: ManifestEntry,
}

/// An import in progress. Files are written with [`Staging::write`] (from
/// any number of threads), then made visible together by
/// [`Staging::commit`]. Dropping a `Staging` without committing removes the
/// files it wrote and leaves the store exactly as it was.
#[derive(Debug)]
pub struct Staging {
    store: CrimeStore,
    /// Holds the import lock until the staging is dropped.
    _lock: std::fs::File,
    nonce: String,
    counter: AtomicU64,
}

/// What a commit changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommitSummary {
    /// Force-months that replaced ones already held.
    pub replaced: Vec<(String, Month)>,
    /// Force-months new to the store.
    pub added: Vec<(String, Month)>,
}

impl Staging {
    /// Writes one table to a new file that no reader sees until commit.
    pub fn write(&self, table: &MonthlyCrimes, source: &Path) -> Result<Staged, StoreError> {
        let mut staged = self.write_many(&[StagedTable::new(table, source)])?;
        staged.pop().ok_or_else(|| StoreError::Corrupt {
            path: source.to_owned(),
            reason: "nothing written".into(),
        })
    }

    /// Writes several tables of one force into one new file, one after the
    /// other. Fewer, larger files make an import of many months much
    /// cheaper for the file system than a file per month.
    pub fn write_many(&self, tables: &[StagedTable<'_>]) -> Result<Vec<Staged>, StoreError> {
        let Some(first) = tables.first() else {
            return Ok(vec![]);
        };
        let force = &first.table.force;
        let dir = self.store.root.join(force);
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        let k = self.counter.fetch_add(1, Ordering::Relaxed);
        let file = format!("{force}/{}-{k}.scm", self.nonce);
        let path = self.store.root.join(&file);
        let mut bytes = Vec::new();
        let mut staged = Vec::with_capacity(tables.len());
        for t in tables {
            let (table, source) = (t.table, t.source);
            let month = table.month.ok_or_else(|| StoreError::Corrupt {
                path: source.to_path_buf(),
                reason: "a table without a month cannot be stored".into(),
            })?;
            if &table.force != force {
                return Err(StoreError::Corrupt {
                    path: source.to_path_buf(),
                    reason: "one file holds one force".into(),
                });
            }
            let offset = bytes.len() as u64;
            bytes.extend_from_slice(&codec::encode(table));
            let districts: BTreeSet<&str> = table
                .lsoas
                .iter()
                .filter_map(|l| district_of_lsoa_name(&l.name))
                .collect();
            staged.push(Staged {
                entry: ManifestEntry {
                    force: force.clone(),
                    month,
                    file: file.clone(),
                    offset,
                    len: bytes.len() as u64 - offset,
                    rows: table.len() as u64,
                    without_location: table.lsoa.iter().filter(|&&l| l == NO_LSOA).count() as u64,
                    districts: districts.into_iter().map(str::to_owned).collect(),
                    source: source.display().to_string(),
                    repeated_crime_ids: t.repeated_crime_ids,
                    repeated_identical: t.repeated_identical,
                    imported_at: std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(0, |d| d.as_secs()),
                },
            });
        }
        std::fs::write(&path, bytes).map_err(io(&path))?;
        Ok(staged)
    }

    /// Makes the staged files the store's, replacing any force-month held
    /// already, with one atomic rename of the manifest.
    pub fn commit(self, staged: Vec<Staged>) -> Result<CommitSummary, StoreError> {
        let mut manifest = self.store.load_manifest()?;
        let mut summary = CommitSummary::default();
        let mut superseded = Vec::new();
        for s in staged {
            let key = (s.entry.force.clone(), s.entry.month);
            if let Some(old) = manifest
                .partitions
                .iter_mut()
                .find(|e| e.force == key.0 && e.month == key.1)
            {
                superseded.push(std::mem::replace(old, s.entry).file);
                summary.replaced.push(key);
            } else {
                manifest.partitions.push(s.entry);
                summary.added.push(key);
            }
        }
        manifest.version = 1;
        manifest
            .partitions
            .sort_by(|a, b| (&a.force, a.month).cmp(&(&b.force, b.month)));
        let path = self.store.root.join(MANIFEST);
        let tmp = self
            .store
            .root
            .join(format!("{MANIFEST}.{}.tmp", self.nonce));
        let json = serde_json::to_vec_pretty(&manifest).map_err(|e| StoreError::Corrupt {
            path: tmp.clone(),
            reason: e.to_string(),
        })?;
        write_synced(&tmp, &json)?;
        std::fs::rename(&tmp, &path).map_err(io(&path))?;
        // The new manifest is in place: old files that no entry refers to
        // any more are not data.
        let referenced: BTreeSet<&str> = manifest
            .partitions
            .iter()
            .map(|e| e.file.as_str())
            .collect();
        for f in superseded
            .iter()
            .filter(|f| !referenced.contains(f.as_str()))
        {
            let _ = std::fs::remove_file(self.store.root.join(f));
        }
        Ok(summary)
    }

    /// Removes every file in the store that the manifest does not list.
    fn remove_orphans(&self) -> Result<(), StoreError> {
        let manifest = self.store.load_manifest()?;
        let keep: BTreeSet<PathBuf> = manifest
            .partitions
            .iter()
            .map(|e| self.store.root.join(&e.file))
            .collect();
        let root = &self.store.root;
        for entry in std::fs::read_dir(root).map_err(io(root))? {
            let path = entry.map_err(io(root))?.path();
            if path.is_dir() {
                for f in std::fs::read_dir(&path).map_err(io(&path))? {
                    let f = f.map_err(io(&path))?.path();
                    if f.extension().is_some_and(|e| e == "scm") && !keep.contains(&f) {
                        let _ = std::fs::remove_file(&f);
                    }
                }
            } else if path.extension().is_some_and(|e| e == "tmp") {
                let _ = std::fs::remove_file(&path);
            }
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        // Committed or not, files the manifest does not list are not data.
        // The lock is released when `_lock` closes, after this.
        let _ = self.remove_orphans();
    }
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    use std::io::Write;
    let mut f = std::fs::File::create(path).map_err(io(path))?;
    f.write_all(bytes).map_err(io(path))?;
    f.sync_all().map_err(io(path))
}

/// A name part unique to this import.
fn nonce() -> String {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{t:x}-{}", std::process::id())
}

#[cfg(test)]
mod tests {
    use super::*;
    use safer_analysis::Lsoa;

    fn table(force: &str, month: &str, rows: usize) -> MonthlyCrimes {
        MonthlyCrimes {
            force: force.into(),
            month: Some(month.parse().unwrap()),
            category: vec![1; rows],
            lon: vec![0; rows],
            lat: vec![0; rows],
            lsoa: vec![0; rows],
            location: vec![0; rows],
            outcome: vec![0; rows],
            lsoas: vec![Lsoa {
                code: "E01025679".into(),
                name: "Charnwood 009A".into(),
            }],
            locations: vec!["x".into()],
            outcomes: vec!["".into()],
        }
    }

    #[test]
    fn reimport_replaces_and_abort_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = CrimeStore::open(dir.path()).unwrap();
        let s = store.begin().unwrap();
        let a = s
            .write(&table("leics", "2023-04", 3), Path::new("a.csv"))
            .unwrap();
        let summary = s.commit(vec![a]).unwrap();
        assert_eq!(summary.added.len(), 1);

        let s = store.begin().unwrap();
        let b = s
            .write(&table("leics", "2023-04", 5), Path::new("b.csv"))
            .unwrap();
        let summary = s.commit(vec![b]).unwrap();
        assert_eq!(summary.replaced.len(), 1);
        let entries = store.entries().unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(store.read(&entries[0]).unwrap().len(), 5);
        assert_eq!(entries[0].districts, vec!["Charnwood".to_string()]);

        // An import that stages a file and is dropped leaves only the
        // committed file behind.
        let s = store.begin().unwrap();
        s.write(&table("leics", "2023-05", 5), Path::new("c.csv"))
            .unwrap();
        drop(s);
        let files: Vec<_> = std::fs::read_dir(dir.path().join("leics"))
            .unwrap()
            .collect();
        assert_eq!(files.len(), 1);
        assert_eq!(store.entries().unwrap().len(), 1);
    }

    /// Every commit gives another data version than the one before, even
    /// one that replaces a month with the same rows, and so does saving a
    /// partnership; an import abandoned leaves the version as it was.
    #[test]
    fn the_data_version_moves_with_every_change() {
        let dir = tempfile::tempdir().unwrap();
        let data = crate::DataDir::open(dir.path()).unwrap();
        let store = data.crimes().unwrap();
        let mut version = data.version().unwrap();
        for _ in 0..3 {
            let s = store.begin().unwrap();
            let a = s
                .write(&table("leics", "2023-04", 3), Path::new("a.csv"))
                .unwrap();
            s.commit(vec![a]).unwrap();
            let next = data.version().unwrap();
            assert_ne!(next, version);
            version = next;
        }
        let s = store.begin().unwrap();
        s.write(&table("leics", "2023-05", 3), Path::new("b.csv"))
            .unwrap();
        drop(s);
        assert_eq!(data.version().unwrap(), version);
        let partnership = crate::StoredPartnership {
            partnership: safer_domain::Partnership {
                id: "charnwood".into(),
                name: "Charnwood".into(),
                district: "Charnwood".into(),
                district_code: None,
                population: None,
                groups: vec![],
                beats: vec![],
                forces: vec![],
                beat_basis: None,
            },
            beats: safer_analysis::Beats::default(),
        };
        for _ in 0..2 {
            data.save_partnership(&partnership).unwrap();
            let next = data.version().unwrap();
            assert_ne!(next, version);
            version = next;
        }
    }

    #[test]
    fn a_shared_file_lives_while_any_month_in_it_is_held() {
        let dir = tempfile::tempdir().unwrap();
        let store = CrimeStore::open(dir.path()).unwrap();
        let (a, b) = (table("leics", "2023-04", 3), table("leics", "2023-05", 4));
        let s = store.begin().unwrap();
        let staged = s
            .write_many(&[
                StagedTable::new(&a, Path::new("a.csv")),
                StagedTable::new(&b, Path::new("b.csv")),
            ])
            .unwrap();
        s.commit(staged).unwrap();
        let files = || std::fs::read_dir(dir.path().join("leics")).unwrap().count();
        assert_eq!(files(), 1);
        let entries = store.entries().unwrap();
        assert_eq!(store.read(&entries[0]).unwrap(), a);
        assert_eq!(store.read(&entries[1]).unwrap(), b);

        // Replacing April leaves May in the shared file.
        let s = store.begin().unwrap();
        let staged = vec![
            s.write(&table("leics", "2023-04", 9), Path::new("a2.csv"))
                .unwrap(),
        ];
        s.commit(staged).unwrap();
        assert_eq!(files(), 2);
        let entries = store.entries().unwrap();
        assert_eq!(store.read(&entries[1]).unwrap(), b);

        // Replacing May too: the shared file goes.
        let s = store.begin().unwrap();
        let staged = vec![
            s.write(&table("leics", "2023-05", 1), Path::new("b2.csv"))
                .unwrap(),
        ];
        s.commit(staged).unwrap();
        assert_eq!(files(), 2);
        assert_eq!(
            store
                .entries()
                .unwrap()
                .iter()
                .map(|e| e.rows)
                .collect::<Vec<_>>(),
            [9, 1]
        );
    }

    #[test]
    fn one_import_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let store = CrimeStore::open(dir.path()).unwrap();
        let s = store.begin().unwrap();
        assert!(matches!(store.begin(), Err(StoreError::Locked { .. })));
        drop(s);
        assert!(store.begin().is_ok());
    }

    /// A lock file left behind (as by an import killed before this
    /// version, or by hand) is not a lock: only a live holder is.
    #[test]
    fn a_lock_file_without_a_holder_blocks_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = CrimeStore::open(dir.path()).unwrap();
        std::fs::write(dir.path().join(LOCK), "").unwrap();
        let s = store.begin().unwrap();
        drop(s);
        assert!(dir.path().join(LOCK).exists());
        assert!(store.begin().is_ok());
    }
}
