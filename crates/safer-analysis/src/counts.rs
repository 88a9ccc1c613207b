//! Reducing force-month tables to one district's counts.

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::FxHashMap;
use safer_domain::{Category, Month, TRANSPORT_POLICE, force_area_of};
use serde::Serialize;

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

/// How a district's own forces were found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ForceBasis {
    /// Named in the partnership's configuration.
    Configured,
    /// The police force area holding the district (Police Act 1996,
    /// Schedule 1), from Safer's table of districts.
    ForceArea,
    /// The district is not in that table: the territorial force whose
    /// files hold most of its records.
    MostRecords,
    /// Nothing is known: no force holds a record of the district.
    Unknown,
}

/// A district's counts by month, category and beat, with the months held.
///
/// **Held.** A month is *held* for a district when the file of each of its
/// own forces (the force whose area holds it, [`DistrictCounts::own_forces`])
/// for that month is held and has at least one record in the district.
/// Records of the district in other forces' files (a neighbouring force
/// near the boundary, British Transport Police on the railways) count in
/// the months held, as police.uk counts them, but never make a month held:
/// with its own force's file missing, a district's month is not known. A
/// month whose own-force file holds no record of the district is not held
/// either: every force's monthly file has records in each of its districts,
/// so an empty month means a filtered copy that left the district out (the
/// one exception is a district of a few hundred people, such as the Isles
/// of Scilly, whose empty months show as not held rather than as zero).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DistrictCounts {
    pub district: String,
    pub beat_names: Vec<String>,
    pub months: BTreeMap<Month, MonthCounts>,
    /// The forces whose files hold this district's records, with how many.
    pub forces: BTreeMap<String, u64>,
    /// The district's records by force and month.
    pub force_month_records: BTreeMap<(String, Month), u64>,
    /// The district's own forces as the partnership names them, if it does.
    pub configured_forces: Vec<String>,
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

    /// Names the district's own forces (police.uk's file-name form), as a
    /// partnership's configuration may; otherwise they come from the police
    /// force area table.
    pub fn with_forces(mut self, forces: &[String]) -> DistrictCounts {
        self.configured_forces = forces.to_vec();
        self
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
        *self
            .force_month_records
            .entry((table.force.clone(), month))
            .or_default() += n;
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
        for (k, n) in other.force_month_records {
            *self.force_month_records.entry(k).or_default() += n;
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

    /// The district's own forces and how they were found: those the
    /// partnership names; else the police force area holding the district;
    /// else (a name Safer's table does not know) the territorial force
    /// whose files hold most of the district's records. British Transport
    /// Police is never a district's own force.
    pub fn own_forces(&self) -> (Vec<&str>, ForceBasis) {
        if !self.configured_forces.is_empty() {
            let forces = self.configured_forces.iter().map(String::as_str).collect();
            return (forces, ForceBasis::Configured);
        }
        if let Some(f) = force_area_of(&self.district) {
            return (vec![f], ForceBasis::ForceArea);
        }
        let most = self
            .forces
            .iter()
            .filter(|(f, n)| f.as_str() != TRANSPORT_POLICE && **n > 0)
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(f, _)| f.as_str());
        match most {
            Some(f) => (vec![f], ForceBasis::MostRecords),
            None => (vec![], ForceBasis::Unknown),
        }
    }

    /// The months held for the district (see [`DistrictCounts`]): each of
    /// its own forces has a file for the month, with a record in the
    /// district.
    pub fn months_held(&self) -> BTreeSet<Month> {
        let (own, _) = self.own_forces();
        let files = self.force_months.iter().flat_map(|(f, ms)| {
            ms.iter().map(move |m| {
                let has = self
                    .force_month_records
                    .get(&(f.clone(), *m))
                    .is_some_and(|n| *n > 0);
                (f.as_str(), *m, has)
            })
        });
        months_held_from(&own, files)
    }

    /// The months of `months` that are held.
    pub fn held_of(&self, months: impl IntoIterator<Item = Month>) -> Vec<Month> {
        let held = self.months_held();
        months.into_iter().filter(|m| held.contains(m)).collect()
    }

    /// Records of the district in months not held (from other forces' files,
    /// or from an own force's file when another own force's is missing):
    /// left out of every figure, and counted here so a report can say so.
    pub fn records_in_months_not_held(&self, months: impl IntoIterator<Item = Month>) -> u64 {
        let held = self.months_held();
        months
            .into_iter()
            .filter(|m| !held.contains(m))
            .filter_map(|m| self.months.get(&m))
            .map(|c| c.district.iter().sum::<u64>())
            .sum()
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

/// The rule of [`DistrictCounts::months_held`] over a list of files: each
/// file is (force, month, whether it has a record in the district). A month
/// is held when every one of `own` has a file for it with a record in the
/// district. With no own force, nothing is held.
pub fn months_held_from<'a>(
    own: &[&str],
    files: impl IntoIterator<Item = (&'a str, Month, bool)>,
) -> BTreeSet<Month> {
    if own.is_empty() {
        return BTreeSet::new();
    }
    let mut with: BTreeMap<Month, BTreeSet<&str>> = BTreeMap::new();
    for (f, m, has) in files {
        if has && own.contains(&f) {
            with.entry(m).or_default().insert(f);
        }
    }
    with.into_iter()
        .filter(|(_, fs)| own.iter().all(|f| fs.contains(f)))
        .map(|(m, _)| m)
        .collect()
}

fn add_counts(a: &mut CategoryCounts, b: &CategoryCounts) {
    for (x, y) in a.iter_mut().zip(b) {
        *x += y;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::Lsoa;
    use proptest::prelude::*;

    fn m(s: &str) -> Month {
        s.parse().unwrap()
    }

    /// A force-month file with `n` records in each of `districts`.
    fn file(force: &str, month: &str, districts: &[(&str, usize)]) -> MonthlyCrimes {
        let mut t = MonthlyCrimes {
            force: force.into(),
            month: Some(m(month)),
            ..MonthlyCrimes::default()
        };
        for (i, (d, n)) in districts.iter().enumerate() {
            t.lsoas.push(Lsoa {
                code: format!("E0100000{i}"),
                name: format!("{d} 001A"),
            });
            for _ in 0..*n {
                t.category.push(Category::Burglary as u8);
                t.lon.push(NO_COORD);
                t.lat.push(NO_COORD);
                t.lsoa.push(i as u32);
                t.location.push(0);
                t.outcome.push(0);
            }
        }
        t.locations.push("On or near".into());
        t.outcomes.push(String::new());
        t
    }

    fn counts(district: &str, files: &[MonthlyCrimes]) -> DistrictCounts {
        let beats = Beats::default();
        let mut c = DistrictCounts::new(district, &beats);
        for f in files {
            c.note_file(&f.force, f.month.unwrap(), 0);
            c.add(f, &beats);
        }
        c
    }

    /// Westminster's own force is the Metropolitan Police: British
    /// Transport Police's records at its stations never make a month held.
    #[test]
    fn another_forces_file_never_makes_a_month_held() {
        let c = counts(
            "Westminster",
            &[
                file("btp", "2022-04", &[("Westminster", 270)]),
                file("hertfordshire", "2022-04", &[("Westminster", 1)]),
            ],
        );
        assert_eq!(
            c.own_forces(),
            (vec!["metropolitan"], ForceBasis::ForceArea)
        );
        assert!(c.months_held().is_empty());
        assert_eq!(c.records_in_months_not_held([m("2022-04")]), 271);
    }

    /// Charnwood's force missing a month: a neighbour's stray records of
    /// that month leave it not held, and it is counted as left out.
    #[test]
    fn a_month_is_held_only_with_the_own_forces_file() {
        let c = counts(
            "Charnwood",
            &[
                file("leicestershire", "2022-11", &[("Charnwood", 1285)]),
                file("warwickshire", "2022-12", &[("Charnwood", 2)]),
                file("leicestershire", "2023-01", &[("Charnwood", 1262)]),
                file("btp", "2023-01", &[("Charnwood", 3)]),
            ],
        );
        let held: Vec<Month> = c.months_held().into_iter().collect();
        assert_eq!(held, [m("2022-11"), m("2023-01")]);
        assert_eq!(c.records_in_months_not_held([m("2022-12")]), 2);
        assert_eq!(c.missing_months(), [m("2022-12")]);
        // Records of other forces in a month held count, as police.uk counts them.
        assert_eq!(
            c.district_total([m("2023-01")])[Category::Burglary.index()],
            1265
        );
    }

    /// A filtered copy of a force's file (another district's rows only)
    /// does not make a month held for a district it left out.
    #[test]
    fn a_file_without_the_district_does_not_hold_it() {
        let c = counts(
            "Melton",
            &[
                file("leicestershire", "2022-04", &[("Charnwood", 1400)]),
                file(
                    "leicestershire",
                    "2023-04",
                    &[("Charnwood", 1400), ("Melton", 330)],
                ),
            ],
        );
        let held: Vec<Month> = c.months_held().into_iter().collect();
        assert_eq!(held, [m("2023-04")]);
    }

    /// Forces the partnership names win over the table; a district the
    /// table does not know takes the force holding most of its records,
    /// never British Transport Police.
    #[test]
    fn configured_forces_and_unknown_districts() {
        let files = [
            file("btp", "2022-04", &[("Newtown", 50)]),
            file("north-wales", "2022-04", &[("Newtown", 10)]),
            file("dyfed-powys", "2022-04", &[("Newtown", 30)]),
        ];
        let c = counts("Newtown", &files);
        assert_eq!(
            c.own_forces(),
            (vec!["dyfed-powys"], ForceBasis::MostRecords)
        );
        assert_eq!(c.months_held().len(), 1);
        let c = c.with_forces(&["dyfed-powys".into(), "gwent".into()]);
        assert_eq!(
            c.own_forces(),
            (vec!["dyfed-powys", "gwent"], ForceBasis::Configured)
        );
        assert!(c.months_held().is_empty(), "gwent's file is not held");
        let c = counts("Nowhere", &[file("btp", "2022-04", &[("Nowhere", 5)])]);
        assert_eq!(c.own_forces(), (vec![], ForceBasis::Unknown));
        assert!(c.months_held().is_empty());
    }

    proptest! {
        /// Held months from the counts equal the rule over the file list.
        #[test]
        fn held_is_the_same_rule_from_counts_and_from_files(
            present in proptest::collection::vec((0usize..3, 0u32..6, 0usize..3), 0..30)
        ) {
            let forces = ["leicestershire", "btp", "warwickshire"];
            let mut files = Vec::new();
            let mut seen = std::collections::BTreeSet::new();
            for (f, k, n) in present {
                let month = m("2023-01").plus(k as i32).to_string();
                if seen.insert((f, k)) {
                    files.push(file(forces[f], &month, &[("Charnwood", n)]));
                }
            }
            let c = counts("Charnwood", &files);
            let from_files = months_held_from(
                &["leicestershire"],
                files.iter().map(|t| (t.force.as_str(), t.month.unwrap(), !t.is_empty())),
            );
            prop_assert_eq!(c.months_held(), from_files);
        }
    }
}
