//! The tables of a Partnership Strategic Assessment.

use std::collections::BTreeSet;

use safer_domain::{
    Category, CategoryGroup, CategorySelector, Change, FinancialYear, Month, MonthError, Period,
    PopulationSource,
};
use serde::Serialize;

use crate::counts::{CategoryCounts, DistrictCounts, PlacementSummary};

/// What to assess.
#[derive(Debug, Clone)]
pub struct AssessmentRequest {
    pub district: String,
    pub year: FinancialYear,
    /// The last month of a year-to-date assessment; the whole year if `None`.
    pub as_at: Option<Month>,
    pub groups: Vec<CategoryGroup>,
    pub population: Option<PopulationSource>,
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
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryRow {
    /// The police.uk category name, "All crime" or the group's name.
    pub category: String,
    pub kind: RowKind,
    /// Records in the current period (every held month).
    pub current: u64,
    /// Records in the previous period (every held month).
    pub previous: u64,
    /// Change over the comparable months.
    pub change: i64,
    /// Percentage change over the comparable months; `None` when the
    /// previous count is zero.
    pub change_pct: Option<f64>,
    /// Current-period records per 1,000 population.
    pub rate_per_1000: Option<f64>,
    /// The counts the change compares (equal to `current` and `previous`
    /// when both periods are complete).
    pub compared_current: u64,
    pub compared_previous: u64,
}

/// One beat's crime (all crime, as the partnership plan counts it).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BeatRow {
    pub beat: String,
    pub current: u64,
    pub previous: u64,
    pub change: i64,
    pub change_pct: Option<f64>,
    /// Percentage (0–100) of the district's current crime in this beat.
    pub share: f64,
    /// 1 for the beat with the most crime.
    pub rank: usize,
    /// The counts the change compares (equal to `current` and `previous`
    /// when both periods are complete).
    pub compared_current: u64,
    pub compared_previous: u64,
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
    pub count: u64,
    /// How many of the year's 12 months are held.
    pub months_held: u32,
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
    /// How the district's records in the current period were placed in beats.
    pub placement: PlacementSummary,
    /// The forces whose files hold the district's records.
    pub forces: Vec<String>,
    /// Records in those forces' files for the current period that have no
    /// location, so belong to no district.
    pub force_records_without_location: u64,
    /// Every month missing between the first and last month held.
    pub missing_months_held_span: Vec<Month>,
    /// Plain-English warnings a reader must see.
    pub warnings: Vec<String>,
}

impl Assessment {
    /// Builds the assessment from a district's counts.
    pub fn build(
        counts: &DistrictCounts,
        req: &AssessmentRequest,
    ) -> Result<Assessment, MonthError> {
        let current_period = match req.as_at {
            Some(m) => req.year.to_date(m)?,
            None => req.year.period(),
        };
        let previous_period = current_period.year_before();
        let held = counts.months_held();
        let missing = |p: Period| p.months().filter(|m| !held.contains(m)).collect::<Vec<_>>();
        let comparable: Vec<Month> = current_period
            .months()
            .filter(|m| held.contains(m) && held.contains(&m.plus(-12)))
            .collect();
        let comparison = Comparison {
            current_period,
            previous_period,
            current_months_missing: missing(current_period),
            previous_months_missing: missing(previous_period),
            like_for_like: comparable.len() as u32 == current_period.len(),
            comparable_months: comparable.clone(),
        };
        let comparable_prev: Vec<Month> = comparable.iter().map(|m| m.plus(-12)).collect();

        let selectors = selectors(&req.groups);
        let cur = counts.district_total(current_period.months());
        let prev = counts.district_total(previous_period.months());
        let cmp_cur = counts.district_total(comparable.iter().copied());
        let cmp_prev = counts.district_total(comparable_prev.iter().copied());
        let population = req.population.as_ref().map(|p| p.value).filter(|&v| v > 0);
        let categories = selectors
            .iter()
            .map(|s| {
                let ch = Change::between(s.total(&cmp_prev), s.total(&cmp_cur));
                CategoryRow {
                    category: s.label().to_owned(),
                    kind: match s {
                        CategorySelector::AllCrime => RowKind::AllCrime,
                        CategorySelector::One(_) => RowKind::Category,
                        CategorySelector::Group(_) => RowKind::Group,
                    },
                    current: s.total(&cur),
                    previous: s.total(&prev),
                    change: ch.absolute,
                    change_pct: ch.percent,
                    rate_per_1000: population.map(|p| s.total(&cur) as f64 * 1000.0 / p as f64),
                    compared_current: ch.current,
                    compared_previous: ch.previous,
                }
            })
            .collect();

        // Beats: all crime, as the plan's beat figures count it.
        let all = CategorySelector::AllCrime;
        let (b_cur, u_cur) = counts.beat_totals(current_period.months());
        let (b_prev, u_prev) = counts.beat_totals(previous_period.months());
        let (b_ccur, u_ccur) = counts.beat_totals(comparable.iter().copied());
        let (b_cprev, u_cprev) = counts.beat_totals(comparable_prev.iter().copied());
        let district_all = all.total(&cur);
        let beat_row = |name: &str,
                        c: &CategoryCounts,
                        p: &CategoryCounts,
                        cc: &CategoryCounts,
                        cp: &CategoryCounts| {
            let ch = Change::between(all.total(cp), all.total(cc));
            BeatRow {
                beat: name.to_owned(),
                current: all.total(c),
                previous: all.total(p),
                change: ch.absolute,
                change_pct: ch.percent,
                share: if district_all == 0 {
                    0.0
                } else {
                    all.total(c) as f64 * 100.0 / district_all as f64
                },
                rank: 0,
                compared_current: ch.current,
                compared_previous: ch.previous,
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
        let months_in =
            |y: FinancialYear| y.period().months().filter(|m| held.contains(m)).count() as u32;
        let trend = |name: &str, count: &dyn Fn(FinancialYear) -> u64| TrendRow {
            name: name.to_owned(),
            years: years
                .iter()
                .map(|&y| TrendYear {
                    year: y,
                    count: count(y),
                    months_held: months_in(y),
                })
                .collect(),
        };
        let mut trend_by_beat: Vec<TrendRow> = counts
            .beat_names
            .iter()
            .enumerate()
            .map(|(i, n)| {
                trend(n, &|y| {
                    all.total(&counts.beat_totals(y.period().months()).0[i])
                })
            })
            .collect();
        if !trend_by_beat.is_empty() {
            trend_by_beat.push(trend(UNPLACED, &|y| {
                all.total(&counts.beat_totals(y.period().months()).1)
            }));
        }
        let trend_by_category = selectors
            .iter()
            .map(|s| {
                trend(s.label(), &|y| {
                    s.total(&counts.district_total(y.period().months()))
                })
            })
            .collect();

        let homes = counts.home_forces();
        let force_unlocated = counts
            .force_unlocated
            .iter()
            .filter(|((f, m), _)| homes.contains(&f.as_str()) && current_period.contains(*m))
            .map(|(_, n)| n)
            .sum();
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
            placement: counts.placement(current_period.months()),
            forces: homes.iter().map(|f| (*f).to_owned()).collect(),
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
    if !c.like_for_like {
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
