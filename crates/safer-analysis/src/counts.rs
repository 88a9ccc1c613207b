//! Reducing force-month tables to one district's counts.

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::FxHashMap;
use safer_domain::{Category, Month};

use crate::geometry::{Beats, Placement};
use crate::table::{MonthlyCrimes, NO_COORD, NO_LSOA, district_of_lsoa_name};

/// Counts per category, indexed by [`Category::index`].
pub type CategoryCounts = [u64; 15];

/// One month's counts for a district.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MonthCounts {
    /// Every record in the district, by category.
    pub district: CategoryCounts,
    /// Records placed in each beat, by category (one entry per beat).
    pub beats: Vec<CategoryCounts>,
    /// Records in the district that no beat holds, by category.
    pub unplaced: CategoryCounts,
    /// How this month's district records were placed in beats.
    pub placement: PlacementSummary,
}

/// How the district's records were placed in beats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct PlacementSummary {
    /// Inside a beat polygon.
    pub inside: u64,
    /// Just outside every beat (generalised edges) and given to the nearest.
    pub nearest: u64,
    /// With an LSOA in the district but no coordinates.
    pub no_location: u64,
    /// With coordinates farther than the limit from every beat.
    pub outside: u64,
}

impl PlacementSummary {
    fn add(&mut self, b: &PlacementSummary) {
        self.inside += b.inside;
        self.nearest += b.nearest;
        self.no_location += b.no_location;
        self.outside += b.outside;
    }
}

/// A district's counts by month, category and beat, with the months held.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DistrictCounts {
    pub district: String,
    pub beat_names: Vec<String>,
    pub months: BTreeMap<Month, MonthCounts>,
    /// The forces whose files hold this district's records, with how many.
    pub forces: BTreeMap<String, u64>,
    /// Every month each force has a file for (whether or not the district
    /// appears in it).
    pub force_months: BTreeMap<String, BTreeSet<Month>>,
    /// Records with no location at all, by force and month. police.uk gives
    /// them no LSOA, so no district can claim them; they are reported, never
    /// folded in.
    pub force_unlocated: BTreeMap<(String, Month), u64>,
}

impl DistrictCounts {
    pub fn new(district: &str, beats: &Beats) -> DistrictCounts {
        DistrictCounts {
            district: district.to_owned(),
            beat_names: beats.names.clone(),
            ..DistrictCounts::default()
        }
    }

    /// Notes that `force` has a file for `month`, holding
    /// `without_location` records with no location. Call it for every file
    /// held, whether or not the district appears in it: it is how missing
    /// months are found.
    pub fn note_file(&mut self, force: &str, month: Month, without_location: u64) {
        self.force_months
            .entry(force.to_owned())
            .or_default()
            .insert(month);
        *self
            .force_unlocated
            .entry((force.to_owned(), month))
            .or_default() += without_location;
    }

    /// Adds the district's records from one force-month table.
    pub fn add(&mut self, table: &MonthlyCrimes, beats: &Beats) {
        let Some(month) = table.month else { return };
        // Decide district membership once per LSOA, not once per row.
        let in_district: Vec<bool> = table
            .lsoas
            .iter()
            .map(|l| district_of_lsoa_name(&l.name) == Some(self.district.as_str()))
            .collect();
        if !in_district.iter().any(|&b| b) {
            return;
        }
        let n_beats = beats.len();
        let counts = self.months.entry(month).or_insert_with(|| MonthCounts {
            beats: vec![[0; 15]; n_beats],
            ..MonthCounts::default()
        });
        let mut n = 0u64;
        // Many records share a snap point: place each point once.
        let mut placed: FxHashMap<(i32, i32), Placement> = FxHashMap::default();
        for i in 0..table.len() {
            let l = table.lsoa[i];
            if l == NO_LSOA || !in_district[l as usize] {
                continue;
            }
            n += 1;
            let c = usize::from(table.category[i]);
            counts.district[c] += 1;
            if n_beats == 0 {
                continue;
            }
            let (x, y) = (table.lon[i], table.lat[i]);
            if x == NO_COORD || y == NO_COORD {
                counts.placement.no_location += 1;
                counts.unplaced[c] += 1;
                continue;
            }
            let p = *placed
                .entry((x, y))
                .or_insert_with(|| beats.place(f64::from(x) / 1e6, f64::from(y) / 1e6));
            match p {
                Placement::Inside(b) => {
                    counts.placement.inside += 1;
                    counts.beats[b][c] += 1;
                }
                Placement::Nearest(b) => {
                    counts.placement.nearest += 1;
                    counts.beats[b][c] += 1;
                }
                Placement::Outside => {
                    counts.placement.outside += 1;
                    counts.unplaced[c] += 1;
                }
            }
        }
        *self.forces.entry(table.force.clone()).or_default() += n;
    }

    /// Merges counts made from other tables (for parallel reduction).
    pub fn merge(&mut self, other: DistrictCounts) {
        for (m, oc) in other.months {
            let c = self.months.entry(m).or_insert_with(|| MonthCounts {
                beats: vec![[0; 15]; oc.beats.len()],
                ..MonthCounts::default()
            });
            add_counts(&mut c.district, &oc.district);
            add_counts(&mut c.unplaced, &oc.unplaced);
            for (a, b) in c.beats.iter_mut().zip(&oc.beats) {
                add_counts(a, b);
            }
            c.placement.add(&oc.placement);
        }
        for (f, n) in other.forces {
            *self.forces.entry(f).or_default() += n;
        }
        for (f, ms) in other.force_months {
            self.force_months.entry(f).or_default().extend(ms);
        }
        for (k, n) in other.force_unlocated {
            *self.force_unlocated.entry(k).or_default() += n;
        }
    }

    /// How the district's records in `months` were placed in beats.
    pub fn placement(&self, months: impl IntoIterator<Item = Month>) -> PlacementSummary {
        let mut p = PlacementSummary::default();
        for m in months {
            if let Some(c) = self.months.get(&m) {
                p.add(&c.placement);
            }
        }
        p
    }

    /// The forces that cover this district: those holding at least 5% of
    /// its records. A neighbouring force's few stray records (police.uk
    /// files carry some records from outside the force) do not make its
    /// missing months the district's.
    pub fn home_forces(&self) -> Vec<&str> {
        let total: u64 = self.forces.values().sum();
        self.forces
            .iter()
            .filter(|(_, n)| **n * 20 >= total && **n > 0)
            .map(|(f, _)| f.as_str())
            .collect()
    }

    /// The months for which every home force has a file: the months held.
    pub fn months_held(&self) -> BTreeSet<Month> {
        let homes = self.home_forces();
        let mut held: Option<BTreeSet<Month>> = None;
        for f in homes {
            let ms = self.force_months.get(f).cloned().unwrap_or_default();
            held = Some(match held {
                None => ms,
                Some(h) => h.intersection(&ms).copied().collect(),
            });
        }
        held.unwrap_or_default()
    }

    /// Months between the first and last held that are not held.
    pub fn missing_months(&self) -> Vec<Month> {
        let held = self.months_held();
        let (Some(first), Some(last)) = (held.first(), held.last()) else {
            return vec![];
        };
        (first.ordinal()..=last.ordinal())
            .map(Month::from_ordinal)
            .filter(|m| !held.contains(m))
            .collect()
    }

    /// District counts summed over `months`.
    pub fn district_total(&self, months: impl IntoIterator<Item = Month>) -> CategoryCounts {
        let mut t = [0; 15];
        for m in months {
            if let Some(c) = self.months.get(&m) {
                add_counts(&mut t, &c.district);
            }
        }
        t
    }

    /// Per-beat counts summed over `months`, then the unplaced counts.
    pub fn beat_totals(
        &self,
        months: impl IntoIterator<Item = Month>,
    ) -> (Vec<CategoryCounts>, CategoryCounts) {
        let mut beats = vec![[0; 15]; self.beat_names.len()];
        let mut unplaced = [0; 15];
        for m in months {
            if let Some(c) = self.months.get(&m) {
                for (a, b) in beats.iter_mut().zip(&c.beats) {
                    add_counts(a, b);
                }
                add_counts(&mut unplaced, &c.unplaced);
            }
        }
        (beats, unplaced)
    }

    /// Total records counted for the district, all months.
    pub fn records(&self) -> u64 {
        self.months
            .values()
            .map(|c| c.district.iter().sum::<u64>())
            .sum()
    }

    /// The category counts of every record, for checks.
    pub fn by_category(&self) -> Vec<(Category, u64)> {
        let t = self.district_total(self.months.keys().copied().collect::<Vec<_>>());
        Category::ALL.iter().map(|c| (*c, t[c.index()])).collect()
    }
}

fn add_counts(a: &mut CategoryCounts, b: &CategoryCounts) {
    for (x, y) in a.iter_mut().zip(b) {
        *x += y;
    }
}
