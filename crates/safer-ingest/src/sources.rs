//! Finding police.uk street-level files: in folders, in the zip police.uk
//! gives as its download, or named one by one.
//!
//! A police.uk download holds, for each month, a `YYYY-MM/` folder of
//! `YYYY-MM-<force>-street.csv` files, and, when asked for, the
//! `-outcomes.csv` and `-stop-and-search.csv` files beside them. Safer
//! imports the street-level files and lists every other file it found, so
//! nobody wonders whether an outcomes file was read.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::IngestError;

/// The largest file Safer reads out of an archive: far above any police.uk
/// file (a month of the largest force is about 30 MB), and a guard against
/// an archive that claims an absurd size.
const MAX_ENTRY_BYTES: u64 = 4 << 30;

/// One street-level file to import.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Source {
    /// The file's name as the person importing knows it: a path, or
    /// `download.zip/2024-06/2024-06-leicestershire-street.csv` inside an
    /// archive. Errors, reports and the store use this name.
    pub name: PathBuf,
    origin: Origin,
    /// The file's size in bytes, for progress bars.
    pub size: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Origin {
    File(PathBuf),
    /// The entry at `index` of the zip archive at `archive`.
    Zip {
        archive: PathBuf,
        index: usize,
    },
}

impl Source {
    /// A file on disk known to the person importing as `name` (an upload
    /// keeps its own file name while its bytes sit in a temporary file).
    pub fn file(name: impl Into<PathBuf>, path: impl Into<PathBuf>) -> Source {
        let path = path.into();
        Source {
            name: name.into(),
            size: std::fs::metadata(&path).map_or(0, |m| m.len()),
            origin: Origin::File(path),
        }
    }
}

/// What kind of file was left out of an import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LeftOutKind {
    /// A police.uk outcomes file (`-outcomes.csv`).
    Outcomes,
    /// A police.uk stop and search file (`-stop-and-search.csv`).
    StopAndSearch,
    /// Anything else.
    Other,
}

impl LeftOutKind {
    /// Why the file was left out, for people.
    pub fn describe(self) -> &'static str {
        match self {
            LeftOutKind::Outcomes => "a police.uk outcomes file (Safer reads street-level files)",
            LeftOutKind::StopAndSearch => {
                "a police.uk stop and search file (Safer reads street-level files)"
            }
            LeftOutKind::Other => "not a police.uk street-level file",
        }
    }

    /// The kind of a file from its name.
    pub fn of(file_name: &str) -> LeftOutKind {
        if file_name.ends_with("-outcomes.csv") {
            LeftOutKind::Outcomes
        } else if file_name.ends_with("-stop-and-search.csv") {
            LeftOutKind::StopAndSearch
        } else {
            LeftOutKind::Other
        }
    }
}

/// A file found but not imported.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct LeftOut {
    /// As in [`Source::name`].
    pub name: String,
    pub kind: LeftOutKind,
}

/// What [`discover`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Discovery {
    /// Street-level files, sorted by name.
    pub files: Vec<Source>,
    /// Every other file in the folders and archives searched, sorted.
    pub left_out: Vec<LeftOut>,
}

/// Whether a file name is a police.uk street-level file's.
pub fn is_street_file(file_name: &str) -> bool {
    file_name.ends_with("-street.csv")
}

/// Whether a file name is a zip archive's.
pub fn is_archive(file_name: &str) -> bool {
    file_name.to_ascii_lowercase().ends_with(".zip")
}

/// Every police.uk street-level file in the given files, folders and zip
/// archives. Folders are searched recursively, as police.uk archives nest
/// `YYYY-MM/` folders; archives are read as police.uk lays them out. A file
/// named on its own must be a street-level file or an archive; other files
/// in folders and archives are listed in [`Discovery::left_out`]. A folder
/// or archive with no street-level file is an error.
pub fn discover(paths: &[PathBuf]) -> Result<Discovery, IngestError> {
    let mut d = Discovery::default();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| IngestError::Io {
            path: p.clone(),
            source: e,
        })?;
        if meta.is_dir() {
            let before = d.files.len();
            walk(p, &mut d)?;
            if d.files.len() == before {
                return Err(IngestError::NoFiles { path: p.clone() });
            }
        } else {
            add_named(p, p, &mut d)?;
        }
    }
    d.files.sort();
    d.files.dedup();
    d.left_out.sort();
    d.left_out.dedup();
    Ok(d)
}

/// Adds one file known as `name` whose bytes are at `path`: an archive is
/// opened and listed, anything else is taken as a street-level file (whose
/// name the import then checks).
pub fn add_named(name: &Path, path: &Path, d: &mut Discovery) -> Result<(), IngestError> {
    let file_name = name.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if is_archive(file_name) {
        let before = d.files.len();
        list_archive(name, path, d)?;
        if d.files.len() == before {
            return Err(IngestError::NoFiles {
                path: name.to_owned(),
            });
        }
    } else {
        d.files.push(Source::file(name, path));
    }
    Ok(())
}

fn walk(dir: &Path, d: &mut Discovery) -> Result<(), IngestError> {
    let io = |e| IngestError::Io {
        path: dir.to_owned(),
        source: e,
    };
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(io)?;
    entries.sort();
    for path in entries {
        let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            walk(&path, d)?;
        } else if is_street_file(file_name) {
            d.files.push(Source::file(&path, &path));
        } else if is_archive(file_name) {
            list_archive(&path, &path, d)?;
        } else {
            d.left_out.push(LeftOut {
                name: path.display().to_string(),
                kind: LeftOutKind::of(file_name),
            });
        }
    }
    Ok(())
}

fn archive_error(name: &Path, e: impl std::fmt::Display) -> IngestError {
    IngestError::Archive {
        path: name.to_owned(),
        reason: e.to_string(),
    }
}

fn open_archive(name: &Path, path: &Path) -> Result<zip::ZipArchive<File>, IngestError> {
    let file = File::open(path).map_err(|e| IngestError::Io {
        path: name.to_owned(),
        source: e,
    })?;
    zip::ZipArchive::new(file).map_err(|e| archive_error(name, e))
}

/// Lists a zip archive's entries into `d`.
fn list_archive(name: &Path, path: &Path, d: &mut Discovery) -> Result<(), IngestError> {
    let mut archive = open_archive(name, path)?;
    for index in 0..archive.len() {
        let entry = archive
            .by_index_raw(index)
            .map_err(|e| archive_error(name, e))?;
        if entry.is_dir() {
            continue;
        }
        // An entry's name is written by whoever made the archive: use it
        // only as text, never as a path to write to.
        let entry_name = entry
            .name()
            .map_err(|e| archive_error(name, e))?
            .replace('\\', "/");
        let file_name = entry_name.rsplit('/').next().unwrap_or("");
        let shown = name.join(&entry_name);
        if is_street_file(file_name) {
            d.files.push(Source {
                name: shown,
                size: entry.size(),
                origin: Origin::Zip {
                    archive: path.to_owned(),
                    index,
                },
            });
        } else {
            d.left_out.push(LeftOut {
                name: shown.display().to_string(),
                kind: LeftOutKind::of(file_name),
            });
        }
    }
    Ok(())
}

/// Reads sources' bytes, keeping archives open between reads.
#[derive(Default)]
pub struct SourceReader {
    archives: BTreeMap<PathBuf, zip::ZipArchive<File>>,
}

impl SourceReader {
    pub fn new() -> SourceReader {
        SourceReader::default()
    }

    /// The whole of a source's bytes.
    pub fn read(&mut self, source: &Source) -> Result<Vec<u8>, IngestError> {
        match &source.origin {
            Origin::File(path) => std::fs::read(path).map_err(|e| IngestError::Io {
                path: source.name.clone(),
                source: e,
            }),
            Origin::Zip { archive, index } => {
                let zip = match self.archives.entry(archive.clone()) {
                    std::collections::btree_map::Entry::Occupied(o) => o.into_mut(),
                    std::collections::btree_map::Entry::Vacant(v) => {
                        v.insert(open_archive(&source.name, archive)?)
                    }
                };
                let mut entry = zip
                    .by_index(*index)
                    .map_err(|e| archive_error(&source.name, e))?;
                let size = entry.size();
                if size > MAX_ENTRY_BYTES {
                    return Err(archive_error(
                        &source.name,
                        format!("the file says it is {size} bytes, more than Safer reads"),
                    ));
                }
                let mut bytes = Vec::with_capacity(size as usize);
                (&mut entry)
                    .take(MAX_ENTRY_BYTES + 1)
                    .read_to_end(&mut bytes)
                    .map_err(|e| archive_error(&source.name, e))?;
                if bytes.len() as u64 > MAX_ENTRY_BYTES {
                    return Err(archive_error(&source.name, "the file is too large"));
                }
                Ok(bytes)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::io::Write;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Whatever a file named .zip holds, finding its street files and
        /// reading them returns, never panics: bytes as they come, and a
        /// real archive cut short anywhere.
        #[test]
        fn any_zip_bytes_are_listed_or_refused(
            junk in proptest::collection::vec(any::<u8>(), 0..600),
            cut in 0usize..2000,
        ) {
            let dir = tempfile::tempdir().unwrap();
            let whole = dir.path().join("whole.zip");
            zip_of(&whole, &[("2024-06/2024-06-x-street.csv", b"Crime ID,Month\n"), ("a.txt", b"a")]);
            let mut real = std::fs::read(&whole).unwrap();
            real.truncate(cut.min(real.len()));
            for (name, bytes) in [("junk.zip", junk), ("cut.zip", real)] {
                let p = dir.path().join(name);
                std::fs::write(&p, &bytes).unwrap();
                if let Ok(d) = discover(std::slice::from_ref(&p)) {
                    let mut r = SourceReader::new();
                    for f in &d.files {
                        let _ = r.read(f);
                    }
                }
            }
        }
    }

    fn zip_of(path: &Path, entries: &[(&str, &[u8])]) {
        let mut w = zip::ZipWriter::new(File::create(path).unwrap());
        for (name, bytes) in entries {
            if name.ends_with('/') {
                w.add_directory(*name, zip::write::SimpleFileOptions::default())
                    .unwrap();
            } else {
                w.start_file(*name, zip::write::SimpleFileOptions::default())
                    .unwrap();
                w.write_all(bytes).unwrap();
            }
        }
        w.finish().unwrap();
    }

    #[test]
    fn a_police_uk_download_is_read_as_it_comes() {
        let dir = tempfile::tempdir().unwrap();
        let z = dir.path().join("download.zip");
        zip_of(
            &z,
            &[
                ("2024-06/", b""),
                ("2024-06/2024-06-leicestershire-street.csv", b"street"),
                ("2024-06/2024-06-leicestershire-outcomes.csv", b"o"),
                ("2024-06/2024-06-leicestershire-stop-and-search.csv", b"s"),
                ("README.txt", b"r"),
            ],
        );
        let d = discover(std::slice::from_ref(&z)).unwrap();
        assert_eq!(d.files.len(), 1);
        assert_eq!(
            d.files[0].name,
            z.join("2024-06/2024-06-leicestershire-street.csv")
        );
        let kinds: Vec<LeftOutKind> = d.left_out.iter().map(|l| l.kind).collect();
        assert_eq!(
            kinds,
            [
                LeftOutKind::Outcomes,
                LeftOutKind::StopAndSearch,
                LeftOutKind::Other
            ]
        );
        let mut r = SourceReader::new();
        assert_eq!(r.read(&d.files[0]).unwrap(), b"street");
    }

    #[test]
    fn folders_list_what_they_leave_out_and_hold_archives() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("2023-04");
        std::fs::create_dir(&sub).unwrap();
        std::fs::write(sub.join("2023-04-leicestershire-street.csv"), "x").unwrap();
        std::fs::write(sub.join("2023-04-leicestershire-outcomes.csv"), "x").unwrap();
        std::fs::write(dir.path().join("notes.txt"), "x").unwrap();
        zip_of(
            &dir.path().join("more.zip"),
            &[("2023-05/2023-05-leicestershire-street.csv", b"y")],
        );
        let d = discover(&[dir.path().to_owned()]).unwrap();
        let names: Vec<String> = d
            .files
            .iter()
            .map(|s| s.name.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            [
                "2023-04-leicestershire-street.csv",
                "2023-05-leicestershire-street.csv"
            ]
        );
        assert_eq!(d.left_out.len(), 2);
        assert!(d.left_out.iter().any(|l| l.kind == LeftOutKind::Outcomes));
        assert!(
            d.left_out
                .iter()
                .any(|l| l.kind == LeftOutKind::Other && l.name.ends_with("notes.txt"))
        );
    }

    #[test]
    fn an_archive_without_street_files_or_not_a_zip_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let z = dir.path().join("outcomes.zip");
        zip_of(&z, &[("2024-06/2024-06-x-outcomes.csv", b"o")]);
        assert!(matches!(
            discover(&[z]).unwrap_err(),
            IngestError::NoFiles { .. }
        ));
        let bad = dir.path().join("bad.zip");
        std::fs::write(&bad, "not a zip").unwrap();
        let e = discover(std::slice::from_ref(&bad)).unwrap_err();
        assert!(matches!(e, IngestError::Archive { .. }), "{e}");
        assert!(e.to_string().contains("bad.zip"), "{e}");
    }
}
