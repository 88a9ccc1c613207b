//! The tables of a Partnership Strategic Assessment.

use std::collections::BTreeSet;

use safer_domain::{
    Category, CategoryGroup, CategorySelector, Change, FinancialYear, Month, MonthError, Period,
    PopulationSource,
};
use serde::Serialize;

use crate::counts::{CategoryCounts, DistrictCounts, ForceBasis, PlacementSummary};

/// What to assess.
#[derive(Debug, Clone)]
pub struct AssessmentRequest {
    pub district: String,
    pub year: FinancialYear,
    /// The last month of a year-to-date assessment; the whole year if `None`.
    pub as_at: Option<Month>,
    pub groups: Vec<CategoryGroup>,
    pub population: Option<PopulationSource>,
    /// What the beats are, for the reader: each beat's localities and how
    /// its extent was made, and how the beats as a whole were built.
    pub areas: Areas,
}

/// What the beats are: the reader of a share by beat must know what a beat
/// covers and whether its boundary is real or approximated.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Areas {
    /// How the beats were built, in the partnership's words (for example
    /// "approximated from whole wards"); `None` if the configuration does
    /// not say.
    pub basis: Option<String>,
    pub beats: Vec<BeatDescription>,
}

impl Areas {
    /// The beats of a partnership as its configuration describes them.
    pub fn of(p: &safer_domain::Partnership) -> Areas {
        Areas {
            basis: p.beat_basis.clone(),
            beats: p
                .beats
                .iter()
                .map(|b| BeatDescription {
                    name: b.name.clone(),
                    localities: b.localities.clone(),
                    method: b.method.clone(),
                })
                .collect(),
        }
    }
}

/// One beat, described.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BeatDescription {
    pub name: String,
    /// The places it covers, in words.
    pub localities: Option<String>,
    /// How its extent was made (the areas it is built from).
    pub method: Option<String>,
}

/// Why an assessment cannot be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AssessError {
    #[error(transparent)]
    Month(#[from] MonthError),
    /// Not one month of the period is held: there are no figures to show,
    /// and a table of zeros would say there was no crime.
    #[error("{}", nothing_held_message(.district, .period, .held, .forces))]
    NothingHeld {
        district: String,
        period: Period,
        /// Each financial year with months held, and how many.
        held: Vec<(FinancialYear, u32)>,
        /// The district's own forces, whose files decide what is held.
        forces: Vec<String>,
    },
}

fn nothing_held_message(
    district: &str,
    period: &Period,
    held: &[(FinancialYear, u32)],
    forces: &[String],
) -> String {
    let whose = if forces.is_empty() {
        "no police force's files hold its records".to_owned()
    } else {
        format!(
            "a month is held when its own force's file ({}) is held",
            forces.join(", ")
        )
    };
    let what = if held.is_empty() {
        "No month is held for it at all.".to_owned()
    } else {
        format!(
            "Held: {}.",
            held.iter()
                .map(|(y, n)| format!("{y} ({n} of 12 months)"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    format!(
        "no month of {} to {} is held for {district} ({whose}), so there are no figures to show. {what}",
        period.first, period.last
    )
}

/// Which months the current and previous periods hold, and which of them
/// the change figures compare.
///
/// A change is only ever computed over *comparable* months: months of the
/// current period that are held and whose month a year earlier is held too.
/// So a missing month never turns a 12-month total into an 11-month one on
/// one side of a comparison only.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub current_period: Period,
    pub previous_period: Period,
    pub current_months_missing: Vec<Month>,
    pub previous_months_missing: Vec<Month>,
    /// Current-period months used for change figures (each is compared with
    /// the same month a year earlier).
    pub comparable_months: Vec<Month>,
    /// Whether both periods are complete, so the change compares the whole
    /// of each.
    pub like_for_like: bool,
    /// How many months of each period are held: the totals cover these.
    pub current_months_held: u32,
    pub previous_months_held: u32,
}

/// Whether a row is a police.uk category, "All crime" or a configured group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowKind {
    Category,
    AllCrime,
    Group,
}

/// One row of the crime-by-category table.
///
/// The change is always `compared_current − compared_previous`: the counts
/// over the comparable months, which reports show beside it as the main
/// comparison. `current` and `previous` are the full totals of the months
/// held in each period, shown labelled with their months.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryRow {
    /// The police.uk category name, "All crime" or the group's name.
    pub category: String,
    pub kind: RowKind,
    /// Records in the current period's held months.
    pub current: u64,
    /// Records in the previous period's held months; `None` when no month
    /// of the previous period is held.
    pub previous: Option<u64>,
    /// Change over the comparable months; `None` when no month is compared.
    pub change: Option<i64>,
    /// Percentage change over the comparable months; `None` when nothing is
    /// compared or the previous count is zero.
    pub change_pct: Option<f64>,
    /// Current-period records per 1,000 population, over the months held.
    pub rate_per_1000: Option<f64>,
    /// The same rate scaled to twelve months, when the current period holds
    /// fewer (a year to date, or a year with months missing): `rate_per_1000
    /// × 12 / months held`.
    pub rate_per_1000_annualised: Option<f64>,
    /// The counts the change compares; `None` when no month is compared.
    pub compared_current: Option<u64>,
    pub compared_previous: Option<u64>,
}

/// One beat's crime (all crime, as the partnership plan counts it). The
/// same rules as [`CategoryRow`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BeatRow {
    pub beat: String,
    pub current: u64,
    pub previous: Option<u64>,
    pub change: Option<i64>,
    pub change_pct: Option<f64>,
    /// Percentage (0–100) of the district's current crime in this beat.
    pub share: f64,
    /// 1 for the beat with the most crime.
    pub rank: usize,
    /// The counts the change compares.
    pub compared_current: Option<u64>,
    pub compared_previous: Option<u64>,
}

/// One row of a trend table: a beat or category over financial years.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendRow {
    pub name: String,
    pub years: Vec<TrendYear>,
}

/// One financial year of a trend row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendYear {
    pub year: FinancialYear,
    /// Records in the year's held months; `None` when none is held.
    pub count: Option<u64>,
    /// How many of the year's 12 months are held.
    pub months_held: u32,
    /// For a part-year (some but not all months held): the count scaled to
    /// twelve months, `count × 12 / months_held`, so it can stand beside
    /// whole years. `None` for a whole year or one with nothing held.
    pub annualised: Option<f64>,
}

/// One month of the monthly trend.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthRow {
    pub month: Month,
    pub held: bool,
    /// Records by the rows of `categories`, in their order; `None` when the
    /// month is not held (a gap, never a zero).
    pub counts: Option<Vec<u64>>,
}

/// The Partnership Strategic Assessment tables for one district and period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    pub district: String,
    pub year: FinancialYear,
    pub as_at: Option<Month>,
    pub comparison: Comparison,
    pub population: Option<PopulationSource>,
    pub categories: Vec<CategoryRow>,
    pub beats: Vec<BeatRow>,
    /// District crime in no beat (no coordinates, or far outside every beat).
    pub unplaced: Option<BeatRow>,
    /// Crime by beat and category in the current period: for each beat (then
    /// "Not placed in a beat"), counts in the order of `categories`.
    pub beat_categories: Vec<(String, Vec<u64>)>,
    pub trend_by_beat: Vec<TrendRow>,
    pub trend_by_category: Vec<TrendRow>,
    /// Every month from the first held to the last, held or not.
    pub trend_by_month: Vec<MonthRow>,
    /// How the district's records in the current period were placed in beats.
    pub placement: PlacementSummary,
    /// What the beats are.
    pub areas: Areas,
    /// The partnership's groups and the categories in each.
    pub groups: Vec<CategoryGroup>,
    /// The district's own forces: their files decide which months are held.
    pub forces: Vec<String>,
    /// How the own forces were found.
    pub force_basis: ForceBasis,
    /// Records of the district in the current period's held months from
    /// other forces' files (a neighbouring force, British Transport
    /// Police), by force. They count, as police.uk counts them.
    pub other_forces: Vec<(String, u64)>,
    /// Records of the district in months of either period that are not
    /// held: left out of every figure.
    pub records_in_months_not_held: u64,
    /// Records in those forces' files for the current period that have no
    /// location, so belong to no district.
    pub force_records_without_location: u64,
    /// Every month missing between the first and last month held.
    pub missing_months_held_span: Vec<Month>,
    /// Plain-English warnings a reader must see.
    pub warnings: Vec<String>,
}

impl Assessment {
    /// Builds the assessment from a district's counts. Every figure sums
    /// only months held for the district ([`DistrictCounts`]); a period
    /// with no month held at all is refused rather than shown as zeros.
    pub fn build(
        counts: &DistrictCounts,
        req: &AssessmentRequest,
    ) -> Result<Assessment, AssessError> {
        let current_period = match req.as_at {
            Some(m) => req.year.to_date(m)?,
            None => req.year.period(),
        };
        let previous_period = current_period.year_before();
        let held = counts.months_held();
        let (own, force_basis) = counts.own_forces();
        let held_in = |p: Period| p.months().filter(|m| held.contains(m)).collect::<Vec<_>>();
        let cur_months = held_in(current_period);
        let prev_months = held_in(previous_period);
        if cur_months.is_empty() {
            return Err(AssessError::NothingHeld {
                district: counts.district.clone(),
                period: current_period,
                held: years_held(&held)
                    .into_iter()
                    .map(|y| (y, held_in(y.period()).len() as u32))
                    .filter(|(_, n)| *n > 0)
                    .collect(),
                forces: own.iter().map(|f| (*f).to_owned()).collect(),
            });
        }
        let missing = |p: Period| p.months().filter(|m| !held.contains(m)).collect::<Vec<_>>();
        let comparable: Vec<Month> = cur_months
            .iter()
            .copied()
            .filter(|m| held.contains(&m.plus(-12)))
            .collect();
        let comparison = Comparison {
            current_period,
            previous_period,
            current_months_missing: missing(current_period),
            previous_months_missing: missing(previous_period),
            like_for_like: comparable.len() as u32 == current_period.len(),
            comparable_months: comparable.clone(),
            current_months_held: cur_months.len() as u32,
            previous_months_held: prev_months.len() as u32,
        };
        let comparable_prev: Vec<Month> = comparable.iter().map(|m| m.plus(-12)).collect();
        let any_previous = !prev_months.is_empty();
        let any_compared = !comparable.is_empty();

        let selectors = selectors(&req.groups);
        let cur = counts.district_total(cur_months.iter().copied());
        let prev = counts.district_total(prev_months.iter().copied());
        let cmp_cur = counts.district_total(comparable.iter().copied());
        let cmp_prev = counts.district_total(comparable_prev.iter().copied());
        let population = req.population.as_ref().map(|p| p.value).filter(|&v| v > 0);
        let n_cur = cur_months.len() as f64;
        let part_year = cur_months.len() < 12;
        let categories = selectors
            .iter()
            .map(|s| {
                let ch =
                    any_compared.then(|| Change::between(s.total(&cmp_prev), s.total(&cmp_cur)));
                let rate = population.map(|p| s.total(&cur) as f64 * 1000.0 / p as f64);
                CategoryRow {
                    category: s.label().to_owned(),
                    kind: match s {
                        CategorySelector::AllCrime => RowKind::AllCrime,
                        CategorySelector::One(_) => RowKind::Category,
                        CategorySelector::Group(_) => RowKind::Group,
                    },
                    current: s.total(&cur),
                    previous: any_previous.then(|| s.total(&prev)),
                    change: ch.map(|c| c.absolute),
                    change_pct: ch.and_then(|c| c.percent),
                    rate_per_1000: rate,
                    rate_per_1000_annualised: rate.filter(|_| part_year).map(|r| r * 12.0 / n_cur),
                    compared_current: ch.map(|c| c.current),
                    compared_previous: ch.map(|c| c.previous),
                }
            })
            .collect();

        // Beats: all crime, as the plan's beat figures count it.
        let all = CategorySelector::AllCrime;
        let (b_cur, u_cur) = counts.beat_totals(cur_months.iter().copied());
        let (b_prev, u_prev) = counts.beat_totals(prev_months.iter().copied());
        let (b_ccur, u_ccur) = counts.beat_totals(comparable.iter().copied());
        let (b_cprev, u_cprev) = counts.beat_totals(comparable_prev.iter().copied());
        let district_all = all.total(&cur);
        let beat_row = |name: &str,
                        c: &CategoryCounts,
                        p: &CategoryCounts,
                        cc: &CategoryCounts,
                        cp: &CategoryCounts| {
            let ch = any_compared.then(|| Change::between(all.total(cp), all.total(cc)));
            BeatRow {
                beat: name.to_owned(),
                current: all.total(c),
                previous: any_previous.then(|| all.total(p)),
                change: ch.map(|c| c.absolute),
                change_pct: ch.and_then(|c| c.percent),
                share: if district_all == 0 {
                    0.0
                } else {
                    all.total(c) as f64 * 100.0 / district_all as f64
                },
                rank: 0,
                compared_current: ch.map(|c| c.current),
                compared_previous: ch.map(|c| c.previous),
            }
        };
        let mut beats: Vec<BeatRow> = counts
            .beat_names
            .iter()
            .enumerate()
            .map(|(i, n)| beat_row(n, &b_cur[i], &b_prev[i], &b_ccur[i], &b_cprev[i]))
            .collect();
        let mut order: Vec<usize> = (0..beats.len()).collect();
        order.sort_by(|&a, &b| beats[b].current.cmp(&beats[a].current).then(a.cmp(&b)));
        for (rank, i) in order.into_iter().enumerate() {
            beats[i].rank = rank + 1;
        }
        let unplaced =
            (!beats.is_empty()).then(|| beat_row(UNPLACED, &u_cur, &u_prev, &u_ccur, &u_cprev));
        let mut beat_categories: Vec<(String, Vec<u64>)> = counts
            .beat_names
            .iter()
            .zip(&b_cur)
            .map(|(n, c)| (n.clone(), selectors.iter().map(|s| s.total(c)).collect()))
            .collect();
        if !beats.is_empty() {
            beat_categories.push((
                UNPLACED.to_owned(),
                selectors.iter().map(|s| s.total(&u_cur)).collect(),
            ));
        }

        let years = years_held(&held);
        let trend = |name: &str, count: &dyn Fn(&[Month]) -> u64| TrendRow {
            name: name.to_owned(),
            years: years
                .iter()
                .map(|&y| {
                    let months = held_in(y.period());
                    let n = months.len() as u32;
                    let c = (n > 0).then(|| count(&months));
                    TrendYear {
                        year: y,
                        count: c,
                        months_held: n,
                        annualised: c
                            .filter(|_| n > 0 && n < 12)
                            .map(|c| c as f64 * 12.0 / f64::from(n)),
                    }
                })
                .collect(),
        };
        let mut trend_by_beat: Vec<TrendRow> = counts
            .beat_names
            .iter()
            .enumerate()
            .map(|(i, n)| {
                trend(n, &|ms| {
                    all.total(&counts.beat_totals(ms.iter().copied()).0[i])
                })
            })
            .collect();
        if !trend_by_beat.is_empty() {
            trend_by_beat.push(trend(UNPLACED, &|ms| {
                all.total(&counts.beat_totals(ms.iter().copied()).1)
            }));
        }
        let trend_by_category = selectors
            .iter()
            .map(|s| {
                trend(s.label(), &|ms| {
                    s.total(&counts.district_total(ms.iter().copied()))
                })
            })
            .collect();
        let trend_by_month = match (held.first(), held.last()) {
            (Some(first), Some(last)) => (first.ordinal()..=last.ordinal())
                .map(Month::from_ordinal)
                .map(|m| {
                    let is_held = held.contains(&m);
                    MonthRow {
                        month: m,
                        held: is_held,
                        counts: is_held.then(|| {
                            let t = counts.district_total([m]);
                            selectors.iter().map(|s| s.total(&t)).collect()
                        }),
                    }
                })
                .collect(),
            _ => vec![],
        };

        let is_own = |f: &str| own.contains(&f);
        let force_unlocated = counts
            .force_unlocated
            .iter()
            .filter(|((f, m), _)| is_own(f) && cur_months.contains(m))
            .map(|(_, n)| n)
            .sum();
        let mut other_forces: std::collections::BTreeMap<&str, u64> = Default::default();
        for ((f, m), n) in &counts.force_month_records {
            if !is_own(f) && cur_months.contains(m) && *n > 0 {
                *other_forces.entry(f.as_str()).or_default() += n;
            }
        }
        let mut a = Assessment {
            district: req.district.clone(),
            year: req.year,
            as_at: req.as_at,
            comparison,
            population: req.population.clone(),
            categories,
            beats,
            unplaced,
            beat_categories,
            trend_by_beat,
            trend_by_category,
            trend_by_month,
            placement: counts.placement(cur_months.iter().copied()),
            areas: req.areas.clone(),
            groups: req.groups.clone(),
            forces: own.iter().map(|f| (*f).to_owned()).collect(),
            force_basis,
            other_forces: other_forces
                .into_iter()
                .map(|(f, n)| (f.to_owned(), n))
                .collect(),
            records_in_months_not_held: counts.records_in_months_not_held(
                previous_period.months().chain(current_period.months()),
            ),
            force_records_without_location: force_unlocated,
            missing_months_held_span: counts.missing_months(),
            warnings: vec![],
        };
        a.warnings = warnings(&a, counts);
        Ok(a)
    }

    /// The "All crime" row.
    pub fn all_crime(&self) -> Option<&CategoryRow> {
        self.categories.iter().find(|r| r.kind == RowKind::AllCrime)
    }

    /// The row of a category, "All crime" or group, by its label.
    pub fn row(&self, label: &str) -> Option<&CategoryRow> {
        self.categories.iter().find(|r| r.category == label)
    }
}

/// The label of the row that holds district crime placed in no beat.
pub const UNPLACED: &str = "Not placed in a beat";

/// The rows of the category table, in the order reports show them: all
/// crime, the 13 crime categories, anti-social behaviour, then groups.
fn selectors(groups: &[CategoryGroup]) -> Vec<CategorySelector> {
    let mut s = vec![CategorySelector::AllCrime];
    s.extend(
        Category::CURRENT
            .iter()
            .filter(|c| c.is_crime())
            .map(|c| CategorySelector::One(*c)),
    );
    s.push(CategorySelector::One(Category::AntiSocialBehaviour));
    s.extend(groups.iter().cloned().map(CategorySelector::Group));
    s
}

fn years_held(held: &BTreeSet<Month>) -> Vec<FinancialYear> {
    let (Some(first), Some(last)) = (held.first(), held.last()) else {
        return vec![];
    };
    let (a, b) = (
        first.financial_year().start_year(),
        last.financial_year().start_year(),
    );
    (a..=b).map(FinancialYear::starting).collect()
}

fn months_word(n: u32) -> String {
    if n == 1 {
        "1 month".to_owned()
    } else {
        format!("{n} months")
    }
}

fn list(months: &[Month]) -> String {
    months
        .iter()
        .map(Month::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn warnings(a: &Assessment, counts: &DistrictCounts) -> Vec<String> {
    let mut w = Vec::new();
    let c = &a.comparison;
    if counts.records() == 0 {
        w.push(format!(
            "No records are held for the district \"{}\". Check the district name (it must match the start of police.uk LSOA names) and that its force's files are imported.",
            a.district
        ));
        return w;
    }
    if !c.current_months_missing.is_empty() {
        w.push(format!(
            "The current period ({}) is missing {} month(s): {}. Its totals cover the months held only.",
            c.current_period,
            c.current_months_missing.len(),
            list(&c.current_months_missing)
        ));
    }
    if !c.previous_months_missing.is_empty() {
        w.push(format!(
            "The previous period ({}) is missing {} month(s): {}. Its totals cover the months held only.",
            c.previous_period,
            c.previous_months_missing.len(),
            list(&c.previous_months_missing)
        ));
    }
    if c.previous_months_held == 0 {
        w.push(format!(
            "No month of the previous period ({}) is held, so there is nothing to compare with: the previous figures and the changes are shown as not held.",
            c.previous_period
        ));
    } else if c.comparable_months.is_empty() {
        w.push(format!(
            "No month of the current period is held together with the same month a year earlier, so no change can be shown; the totals of the {} and {} held are shown apart.",
            months_word(c.current_months_held),
            months_word(c.previous_months_held)
        ));
    } else if !c.like_for_like {
        let dropped: Vec<Month> = c
            .current_period
            .months()
            .filter(|m| !c.comparable_months.contains(m))
            .collect();
        w.push(format!(
            "Changes compare {} of {} months like for like; left out of both sides: {} (and the same months a year earlier).",
            c.comparable_months.len(),
            c.current_period.len(),
            list(&dropped)
        ));
    }
    if c.current_months_held < 12 && a.population.is_some() {
        w.push(format!(
            "Rates per 1,000 cover the {} held, not a year; each is shown beside its annualised value (× 12 / {}).",
            months_word(c.current_months_held),
            c.current_months_held
        ));
    }
    if a.records_in_months_not_held > 0 {
        w.push(format!(
            "{} record(s) of the district in months not held (from other forces' files, while its own force's file for the month is missing) are left out of every figure.",
            a.records_in_months_not_held
        ));
    }
    match a.force_basis {
        ForceBasis::MostRecords => w.push(format!(
            "Safer's table of police force areas does not know a district named \"{}\", so a month is taken as held when the file of {}, which holds most of its records, is held. Name the district's forces in the partnership configuration (forces = [...]) to be sure.",
            a.district,
            a.forces.join(", ")
        )),
        ForceBasis::Configured | ForceBasis::ForceArea | ForceBasis::Unknown => {}
    }
    let p = &a.placement;
    if p.outside + p.no_location > 0 {
        w.push(format!(
            "{} district record(s) could not be placed in a beat ({} without coordinates, {} more than {} m outside every beat); they count in the district totals and in the row \"{}\".",
            p.outside + p.no_location,
            p.no_location,
            p.outside,
            crate::geometry::Beats::NEAREST_LIMIT_M,
            UNPLACED
        ));
    }
    if a.force_records_without_location > 0 {
        w.push(format!(
            "{} record(s) in the {} force file(s) for the current period have no location at all; police.uk gives them no LSOA, so they belong to no district and are not in these figures.",
            a.force_records_without_location,
            a.forces.join(", ")
        ));
    }
    if a.population.is_none() {
        w.push(
            "No population is configured for this district, so rates per 1,000 are not shown."
                .into(),
        );
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::counts::MonthCounts;
    use crate::geometry::Beats;

    fn m(s: &str) -> Month {
        s.parse().unwrap()
    }

    /// Charnwood with Leicestershire's file for every month of 2023/24 but
    /// December, for which only a neighbour's 2 stray records exist, and
    /// nothing at all for 2022/23.
    fn charnwood() -> DistrictCounts {
        let mut d = DistrictCounts::new("Charnwood", &Beats::default());
        for k in 0..12 {
            let month = m("2023-04").plus(k);
            let (force, n) = if month == m("2023-12") {
                ("warwickshire", 2)
            } else {
                ("leicestershire", 100)
            };
            d.note_file(force, month, 0);
            let mut district = [0; 15];
            district[Category::Burglary.index()] = n;
            d.months.insert(
                month,
                MonthCounts {
                    district,
                    ..MonthCounts::default()
                },
            );
            d.force_month_records.insert((force.into(), month), n);
            *d.forces.entry(force.into()).or_default() += n;
        }
        d
    }

    fn request(year: u32) -> AssessmentRequest {
        AssessmentRequest {
            district: "Charnwood".into(),
            year: FinancialYear::starting(year),
            as_at: None,
            groups: vec![],
            population: Some(PopulationSource {
                value: 1000,
                source: "x".into(),
            }),
            areas: Areas::default(),
        }
    }

    #[test]
    fn figures_sum_only_the_months_held() {
        let a = Assessment::build(&charnwood(), &request(2023)).unwrap();
        let all = a.all_crime().unwrap();
        // 11 months of 100: the neighbour's December records are left out.
        assert_eq!(all.current, 1100);
        assert_eq!(a.records_in_months_not_held, 2);
        assert_eq!(a.comparison.current_months_held, 11);
        assert_eq!(a.comparison.current_months_missing, [m("2023-12")]);
        // Nothing of 2022/23 is held: the previous figures and the change
        // are not held, never 0.
        assert_eq!(
            (all.previous, all.change, all.compared_current),
            (None, None, None)
        );
        assert_eq!(a.comparison.previous_months_held, 0);
        // The rate over 11 months, and annualised.
        let r = all.rate_per_1000.unwrap();
        assert!((r - 1100.0).abs() < 1e-9);
        assert!((all.rate_per_1000_annualised.unwrap() - 1200.0).abs() < 1e-9);
        assert!(
            a.warnings
                .iter()
                .any(|w| w.contains("left out of every figure"))
        );
        let gap = a
            .trend_by_month
            .iter()
            .find(|r| r.month == m("2023-12"))
            .unwrap();
        assert_eq!((gap.held, gap.counts.as_ref()), (false, None));
    }

    #[test]
    fn a_year_with_nothing_held_is_refused() {
        let e = Assessment::build(&charnwood(), &request(2022)).unwrap_err();
        let AssessError::NothingHeld { held, forces, .. } = &e else {
            panic!("{e}");
        };
        assert_eq!(held, &[(FinancialYear::starting(2023), 11)]);
        assert_eq!(forces, &["leicestershire".to_owned()]);
        let text = e.to_string();
        assert!(
            text.contains("no month of 2022-04 to 2023-03 is held for Charnwood")
                && text.contains("Held: 2023/24 (11 of 12 months)"),
            "{text}"
        );
    }
}
