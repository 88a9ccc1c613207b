//! Synthetic police.uk street-level data at national scale.
//!
//! The output has the shape of a police.uk archive: one
//! `YYYY-MM/YYYY-MM-<force>-street.csv` per force per month for the 43
//! territorial forces of England and Wales, with the exact police.uk header
//! and the look of real rows: 64-hex Crime IDs (empty for anti-social
//! behaviour), the force's name, six-decimal coordinates at anonymised
//! "snap points" inside the force's area ("On or near Church Street",
//! "On or near Supermarket"), LSOA codes and names ("Charnwood 009G") of
//! about eight invented districts of about 100 LSOAs per force, the 14
//! police.uk crime types in a realistic mix, outcome strings, an empty
//! Context, about 3% of rows without a location, and about 1% of rows in a
//! district of a neighbouring force.
//!
//! Everything is drawn from [`Rng`] streams derived from the seed and the
//! file's force and month, so the files do not depend on the number of
//! threads or the order they run in: the same arguments give byte-identical
//! output on every machine. Only integer arithmetic is used for anything that
//! reaches the output.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Args;
use rayon::prelude::*;

use crate::rng::{Rng, cumulative};

/// The header of every police.uk street-level file, exactly.
pub const HEADER: &str = "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context\n";

/// The district that must exist (in Leicestershire) for the benchmark.
pub const CHARNWOOD: &str = "Charnwood";

#[derive(Debug, Clone, Args)]
pub struct GenArgs {
    /// The output folder; YYYY-MM/ folders and manifest.json are written in it.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// How many forces, 1 to 43. Leicestershire (which holds Charnwood) is
    /// always one of them; the others are the first in alphabetical order.
    #[arg(long, default_value_t = 43, value_parser = clap::value_parser!(u32).range(1..=43))]
    pub forces: u32,
    /// How many months, from --start on.
    #[arg(long, default_value_t = 24, value_parser = clap::value_parser!(u32).range(1..=1200))]
    pub months: u32,
    /// The first month, YYYY-MM.
    #[arg(long, default_value = "2022-04", value_parser = Month::parse)]
    pub start: Month,
    /// Rows per force per month, on average over the 43 forces. Each force's
    /// share follows its real relative size (the Metropolitan Police about
    /// 7 times the average, the City of London about a twentieth), with
    /// seasonal and year-on-year variation.
    #[arg(long, default_value_t = 5_800)]
    pub rows_per_force_month: u64,
    /// The seed: the same seed and arguments give byte-identical files.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Replace the YYYY-MM/ folders already in the output folder.
    #[arg(long)]
    pub overwrite: bool,
}

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Month {
    /// year * 12 + (month - 1).
    ordinal: u32,
}

impl Month {
    pub fn parse(s: &str) -> Result<Month, String> {
        let bad = || format!("{s:?} is not a month as YYYY-MM");
        let (y, m) = s.split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let y: u32 = y.parse().map_err(|_| bad())?;
        let m: u32 = m.parse().map_err(|_| bad())?;
        if !(1..=12).contains(&m) || !(1900..=9999).contains(&y) {
            return Err(bad());
        }
        Ok(Month {
            ordinal: y * 12 + m - 1,
        })
    }

    fn plus(self, n: u32) -> Month {
        Month {
            ordinal: self.ordinal + n,
        }
    }

    fn year(self) -> u32 {
        self.ordinal / 12
    }

    /// 1 to 12.
    fn month(self) -> u32 {
        self.ordinal % 12 + 1
    }

    /// The year the financial year (April to March) of this month starts in.
    fn financial_year(self) -> u32 {
        if self.month() >= 4 {
            self.year()
        } else {
            self.year() - 1
        }
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

/// One territorial police force of England and Wales.
struct ForceSpec {
    slug: &'static str,
    /// As police.uk gives it in "Reported by" and "Falls within".
    name: &'static str,
    /// The rough centre of the force area, in degrees.
    lon: f64,
    lat: f64,
    /// The rough half-width of the force area, in degrees of latitude.
    radius: f64,
    /// Relative size: recorded crime a year, in thousands, roughly.
    weight: u32,
    welsh: bool,
}

const fn force(
    slug: &'static str,
    name: &'static str,
    lon: f64,
    lat: f64,
    radius: f64,
    weight: u32,
    welsh: bool,
) -> ForceSpec {
    ForceSpec {
        slug,
        name,
        lon,
        lat,
        radius,
        weight,
        welsh,
    }
}

/// The 43 forces, in alphabetical order of slug, as police.uk names them.
#[rustfmt::skip]
const FORCES: [ForceSpec; 43] = [
    force("avon-and-somerset", "Avon and Somerset Constabulary", -2.75, 51.30, 0.45, 150, false),
    force("bedfordshire", "Bedfordshire Police", -0.45, 52.05, 0.20, 60, false),
    force("cambridgeshire", "Cambridgeshire Constabulary", 0.00, 52.35, 0.30, 75, false),
    force("cheshire", "Cheshire Constabulary", -2.60, 53.20, 0.25, 80, false),
    force("city-of-london", "City of London Police", -0.09, 51.515, 0.012, 8, false),
    force("cleveland", "Cleveland Police", -1.20, 54.57, 0.12, 70, false),
    force("cumbria", "Cumbria Constabulary", -2.95, 54.55, 0.45, 30, false),
    force("derbyshire", "Derbyshire Constabulary", -1.60, 53.00, 0.30, 80, false),
    force("devon-and-cornwall", "Devon & Cornwall Police", -4.20, 50.50, 0.70, 110, false),
    force("dorset", "Dorset Police", -2.30, 50.75, 0.30, 45, false),
    force("durham", "Durham Constabulary", -1.75, 54.70, 0.25, 55, false),
    force("dyfed-powys", "Dyfed-Powys Police", -3.90, 52.10, 0.60, 30, true),
    force("essex", "Essex Police", 0.55, 51.80, 0.35, 160, false),
    force("gloucestershire", "Gloucestershire Constabulary", -2.20, 51.85, 0.30, 45, false),
    force("greater-manchester", "Greater Manchester Police", -2.30, 53.50, 0.20, 330, false),
    force("gwent", "Gwent Police", -3.00, 51.70, 0.15, 50, true),
    force("hampshire", "Hampshire Constabulary", -1.30, 50.95, 0.35, 170, false),
    force("hertfordshire", "Hertfordshire Constabulary", -0.25, 51.80, 0.20, 95, false),
    force("humberside", "Humberside Police", -0.50, 53.75, 0.35, 100, false),
    force("kent", "Kent Police", 0.75, 51.20, 0.40, 190, false),
    force("lancashire", "Lancashire Constabulary", -2.60, 53.85, 0.30, 140, false),
    force("leicestershire", "Leicestershire Police", -1.10, 52.65, 0.30, 85, false),
    force("lincolnshire", "Lincolnshire Police", -0.30, 53.10, 0.45, 55, false),
    force("merseyside", "Merseyside Police", -2.95, 53.42, 0.15, 130, false),
    force("metropolitan", "Metropolitan Police Service", -0.12, 51.50, 0.25, 900, false),
    force("norfolk", "Norfolk Constabulary", 1.00, 52.65, 0.40, 65, false),
    force("north-wales", "North Wales Police", -3.60, 53.05, 0.40, 50, true),
    force("north-yorkshire", "North Yorkshire Police", -1.40, 54.10, 0.50, 50, false),
    force("northamptonshire", "Northamptonshire Police", -0.90, 52.30, 0.30, 65, false),
    force("northumbria", "Northumbria Police", -1.70, 55.05, 0.40, 150, false),
    force("nottinghamshire", "Nottinghamshire Police", -1.05, 53.10, 0.25, 100, false),
    force("south-wales", "South Wales Police", -3.50, 51.60, 0.30, 120, true),
    force("south-yorkshire", "South Yorkshire Police", -1.35, 53.50, 0.20, 160, false),
    force("staffordshire", "Staffordshire Police", -2.00, 52.85, 0.30, 95, false),
    force("suffolk", "Suffolk Constabulary", 1.05, 52.20, 0.30, 55, false),
    force("surrey", "Surrey Police", -0.40, 51.25, 0.25, 75, false),
    force("sussex", "Sussex Police", -0.30, 50.95, 0.40, 150, false),
    force("thames-valley", "Thames Valley Police", -1.00, 51.65, 0.45, 180, false),
    force("warwickshire", "Warwickshire Police", -1.55, 52.30, 0.25, 45, false),
    force("west-mercia", "West Mercia Police", -2.50, 52.30, 0.50, 110, false),
    force("west-midlands", "West Midlands Police", -1.90, 52.48, 0.20, 300, false),
    force("west-yorkshire", "West Yorkshire Police", -1.60, 53.75, 0.25, 300, false),
    force("wiltshire", "Wiltshire Police", -1.95, 51.35, 0.30, 45, false),
];

const LEICESTERSHIRE: usize = 21;

/// The 14 police.uk crime types in police.uk's order (anti-social
/// behaviour first), with their share of rows in per mille.
const CATEGORIES: [(&str, u32); 14] = [
    ("Anti-social behaviour", 150),
    ("Bicycle theft", 11),
    ("Burglary", 45),
    ("Criminal damage and arson", 80),
    ("Drugs", 25),
    ("Other theft", 70),
    ("Possession of weapons", 8),
    ("Public order", 90),
    ("Robbery", 12),
    ("Shoplifting", 70),
    ("Theft from the person", 12),
    ("Vehicle crime", 60),
    ("Violence and sexual offences", 347),
    ("Other crime", 20),
];
const ASB: usize = 0;
const DRUGS: usize = 4;
const SHOPLIFTING: usize = 9;

/// "Last outcome category" strings of street files, with weights.
const OUTCOMES: [(&str, u32); 14] = [
    ("Investigation complete; no suspect identified", 300),
    ("Unable to prosecute suspect", 280),
    ("Under investigation", 80),
    ("Status update unavailable", 60),
    ("Court result unavailable", 50),
    ("Local resolution", 50),
    ("Awaiting court outcome", 40),
    ("Further investigation is not in the public interest", 30),
    ("Action to be taken by another organisation", 30),
    ("Offender given a caution", 20),
    ("Further action is not in the public interest", 20),
    ("Formal action is not in the public interest", 20),
    ("Suspect charged as part of another case", 10),
    ("Offender given penalty notice", 10),
];

/// Drugs offences are nearly always detected, so their outcomes differ.
const DRUG_OUTCOMES: [(&str, u32); 8] = [
    ("Local resolution", 250),
    ("Court result unavailable", 180),
    ("Awaiting court outcome", 150),
    ("Offender given a drugs possession warning", 120),
    ("Unable to prosecute suspect", 100),
    ("Under investigation", 80),
    ("Offender given a caution", 70),
    ("Formal action is not in the public interest", 50),
];

/// Relative crime by calendar month (January first), per mille.
const SEASON: [u64; 12] = [
    950, 900, 980, 990, 1040, 1050, 1080, 1040, 1010, 1020, 990, 930,
];

#[rustfmt::skip]
const STREET_ROOTS: &[&str] = &[
    "Church", "Station", "Victoria", "Albert", "Mill", "High", "King", "Queen", "London",
    "Manor", "School", "Bridge", "Chapel", "Grange", "Springfield", "Windsor", "Highfield",
    "Orchard", "Meadow", "Elm", "Oak", "Ash", "Beech", "Cedar", "Willow", "Chestnut", "Maple",
    "Holly", "Hawthorn", "Rose", "Lime", "Birch", "Sycamore", "Poplar", "Alder", "Rowan",
    "Hazel", "Cherry", "Clarence", "Nelson", "Wellington", "Trafalgar", "Waterloo", "Cromwell",
    "Stanley", "Gladstone", "Salisbury", "Devonshire", "Cavendish", "Grosvenor", "Belgrave",
    "Richmond", "Warwick", "York", "Lancaster", "Stafford", "Derby", "Bedford", "Cambridge",
    "Oxford", "Chester", "Durham", "Essex", "Kent", "Norfolk", "Suffolk", "Dorset", "Somerset",
    "Devon", "Cornwall", "Mount", "Valley", "River", "Brook", "Lake", "Forest", "Heath", "Moor",
    "Market", "Castle", "Abbey", "Priory", "Vicarage", "Rectory", "Forge", "Foundry", "Canal",
    "Wharf", "Quarry", "Farm", "Field", "Hall", "Garden", "Spring", "Well", "Fountain", "Bell",
    "Swan", "Crown", "Anchor", "George", "Edward", "Charles", "William", "Henry", "Elizabeth",
    "Mary", "Alexandra", "Princess", "Regent", "Coronation", "Jubilee", "Sandringham",
    "Balmoral", "Kensington", "Chelsea", "Hampton", "Beaumont", "Fosse", "Swithland",
    "Woodhouse",
];

#[rustfmt::skip]
const STREET_TYPES: &[&str] = &[
    "Road", "Street", "Lane", "Avenue", "Close", "Drive", "Way", "Crescent", "Gardens", "Place",
    "Grove", "Terrace", "Walk", "Rise", "View", "Mews", "Square", "Court", "Row", "Hill",
    "Park", "Green", "Vale", "Parade", "Yard",
];

/// Locations police.uk gives instead of a street.
const SPECIAL_LOCATIONS: &[&str] = &[
    "Supermarket",
    "Parking Area",
    "Petrol Station",
    "Shopping Area",
    "Nightclub",
    "Sports/Recreation Area",
    "Police Station",
    "Hospital",
    "Further/Higher Educational Building",
    "Theatre/Concert Hall",
    "Bus/Coach Station",
    "Conference/Exhibition Centre",
    "Pedestrian Subway",
    "Park/Open Space",
];

#[rustfmt::skip]
const DISTRICT_ROOTS: &[&str] = &[
    "Ash", "Bram", "Brack", "Calder", "Cleve", "Dun", "Elm", "Fen", "Glen", "Hart", "Hollin",
    "Kings", "Lang", "Marl", "Nether", "Oak", "Pen", "Rother", "Stan", "Thorn", "Wester",
    "Whit", "Wyn", "Ald", "Bex", "Cran", "Dray", "Eden", "Foss", "Hather", "Ink", "Kel", "Lox",
    "Mel", "Nor", "Oster", "Pem", "Rad", "Sel", "Tam", "Ux", "Wal", "Ather", "Black", "Brent",
    "Burn", "Chil", "Cold", "Deben", "Ever", "Gras", "Hel", "Ken", "Lyd", "Mord", "New", "Ord",
    "Pres", "Red", "Sand", "Stour", "Tend", "Wen", "Wick", "Yar",
];

#[rustfmt::skip]
const DISTRICT_ENDINGS: &[&str] = &[
    "ford", "field", "wood", "ham", "ley", "bury", "dale", "borough", "by", "ton", "well",
    "mere", "stow", "worth", "minster", "combe", "den", "hurst", "mouth",
];

const DIRECTIONS: &[&str] = &["North", "South", "East", "West", "Mid"];

/// A place police.uk snaps crimes to: its coordinates, location, LSOA code
/// and LSOA name, already joined by commas as they appear in a row.
type Snap = String;

struct LsoaGeo {
    snaps: Vec<Snap>,
}

struct DistrictGeo {
    lsoas: Vec<LsoaGeo>,
    lsoa_cumulative: Vec<u32>,
}

struct ForceGeo {
    districts: Vec<DistrictGeo>,
    district_cumulative: Vec<u32>,
}

/// The invented geography of all 43 forces. It depends only on the seed, so
/// a force's districts and LSOAs do not change with --forces or --months.
struct Geography {
    forces: Vec<ForceGeo>,
    district_names: Vec<Vec<String>>,
}

fn micro(deg: f64) -> i64 {
    (deg * 1_000_000.0).round() as i64
}

/// Micro-degrees as police.uk writes degrees: six decimals.
fn degrees(v: i64) -> String {
    let sign = if v < 0 { "-" } else { "" };
    let a = v.unsigned_abs();
    format!("{sign}{}.{:06}", a / 1_000_000, a % 1_000_000)
}

fn street_names() -> Vec<String> {
    let mut out = Vec::with_capacity(STREET_ROOTS.len() * STREET_TYPES.len());
    for root in STREET_ROOTS {
        for kind in STREET_TYPES {
            if root != kind {
                out.push(format!("{root} {kind}"));
            }
        }
    }
    out
}

impl Geography {
    fn build(seed: u64) -> Geography {
        let streets = street_names();
        let mut names_rng = Rng::derive(seed, &[1]);
        let mut used = std::collections::HashSet::new();
        used.insert(CHARNWOOD.to_owned());
        let mut next_code = [1u32, 1u32]; // English, Welsh
        let mut forces = Vec::with_capacity(FORCES.len());
        let mut district_names = Vec::with_capacity(FORCES.len());
        for (fi, spec) in FORCES.iter().enumerate() {
            let mut rng = Rng::derive(seed, &[2, fi as u64]);
            let radius = micro(spec.radius);
            let (clon, clat) = (micro(spec.lon), micro(spec.lat));
            let n_districts = rng.between(6, 10) as usize;
            let mut names = Vec::with_capacity(n_districts);
            let mut districts = Vec::with_capacity(n_districts);
            let mut district_weights = Vec::with_capacity(n_districts);
            for di in 0..n_districts {
                let name = if fi == LEICESTERSHIRE && di == 0 {
                    CHARNWOOD.to_owned()
                } else {
                    loop {
                        let root =
                            DISTRICT_ROOTS[names_rng.below(DISTRICT_ROOTS.len() as u64) as usize];
                        let end = DISTRICT_ENDINGS
                            [names_rng.below(DISTRICT_ENDINGS.len() as u64) as usize];
                        let mut n = format!("{root}{end}");
                        if names_rng.chance(150) {
                            let d = DIRECTIONS[names_rng.below(DIRECTIONS.len() as u64) as usize];
                            n = format!("{d} {n}");
                        }
                        if used.insert(n.clone()) {
                            break n;
                        }
                    }
                };
                // Longitude degrees are shorter than latitude ones at these
                // latitudes, so spread east-west by about 1.6.
                let dlon = clon + rng.between(-radius * 6 / 10, radius * 6 / 10) * 16 / 10;
                let dlat = clat + rng.between(-radius * 6 / 10, radius * 6 / 10);
                let dr = (radius / 3).max(3_000);
                let n_lsoas = rng.between(90, 110) as usize;
                let mut lsoas = Vec::with_capacity(n_lsoas);
                let mut lsoa_weights = Vec::with_capacity(n_lsoas);
                for li in 0..n_lsoas {
                    let country = usize::from(spec.welsh);
                    let code = format!(
                        "{}01{:06}",
                        if spec.welsh { 'W' } else { 'E' },
                        next_code[country]
                    );
                    next_code[country] += 1;
                    let lsoa_name = format!(
                        "{name} {:03}{}",
                        li / 5 + 1,
                        char::from(b'A' + (li % 5) as u8)
                    );
                    let llon = dlon + rng.between(-dr, dr) * 16 / 10;
                    let llat = dlat + rng.between(-dr, dr);
                    let n_snaps = rng.between(8, 24) as usize;
                    let snaps = (0..n_snaps)
                        .map(|_| {
                            let place = if rng.chance(100) {
                                SPECIAL_LOCATIONS
                                    [rng.below(SPECIAL_LOCATIONS.len() as u64) as usize]
                            } else {
                                &streets[rng.below(streets.len() as u64) as usize]
                            };
                            let lon = llon + rng.between(-6_500, 6_500);
                            let lat = llat + rng.between(-4_000, 4_000);
                            format!(
                                "{},{},On or near {place},{code},{lsoa_name}",
                                degrees(lon),
                                degrees(lat)
                            )
                        })
                        .collect();
                    lsoas.push(LsoaGeo { snaps });
                    // A few town-centre LSOAs see many times the crime of the rest.
                    lsoa_weights.push(if rng.chance(50) {
                        40
                    } else {
                        rng.between(1, 8) as u32
                    });
                }
                districts.push(DistrictGeo {
                    lsoas,
                    lsoa_cumulative: cumulative(lsoa_weights),
                });
                district_weights.push(rng.between(5, 15) as u32);
                names.push(name);
            }
            forces.push(ForceGeo {
                districts,
                district_cumulative: cumulative(district_weights),
            });
            district_names.push(names);
        }
        Geography {
            forces,
            district_names,
        }
    }
}

/// The forces asked for: Leicestershire, and the first others in order.
fn selected_forces(n: u32) -> Vec<usize> {
    let mut out = vec![LEICESTERSHIRE];
    out.extend(
        (0..FORCES.len())
            .filter(|&i| i != LEICESTERSHIRE)
            .take(n as usize - 1),
    );
    out.sort_unstable();
    out
}

/// For each selected force, the (up to) three nearest other selected forces.
fn neighbours(selected: &[usize]) -> Vec<Vec<usize>> {
    selected
        .iter()
        .map(|&a| {
            let mut others: Vec<(i64, usize)> = selected
                .iter()
                .filter(|&&b| b != a)
                .map(|&b| {
                    let dx = (micro(FORCES[a].lon) - micro(FORCES[b].lon)) * 6 / 10;
                    let dy = micro(FORCES[a].lat) - micro(FORCES[b].lat);
                    (dx * dx + dy * dy, b)
                })
                .collect();
            others.sort_unstable();
            others.into_iter().take(3).map(|(_, b)| b).collect()
        })
        .collect()
}

/// What was written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub files: u64,
    pub rows: u64,
    pub bytes: u64,
}

/// Writes the data set `args` describes.
pub fn generate(args: &GenArgs) -> Result<Summary> {
    prepare_out(&args.out, args.overwrite)?;
    let geo = Geography::build(args.seed);
    let selected = selected_forces(args.forces);
    let nbrs = neighbours(&selected);
    let months: Vec<Month> = (0..args.months).map(|i| args.start.plus(i)).collect();
    let last = *months.last().expect("at least one month");
    for m in &months {
        let dir = args.out.join(m.to_string());
        fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let jobs: Vec<(usize, Month)> = months
        .iter()
        .flat_map(|&m| (0..selected.len()).map(move |k| (k, m)))
        .collect();
    let results: Vec<Result<(u64, u64)>> = jobs
        .par_iter()
        .map(|&(k, month)| {
            let fi = selected[k];
            let neighbours: Vec<&ForceGeo> = nbrs[k].iter().map(|&b| &geo.forces[b]).collect();
            let path = args
                .out
                .join(month.to_string())
                .join(format!("{month}-{}-street.csv", FORCES[fi].slug));
            let file = FileJob {
                args,
                geo: &geo,
                force: fi,
                neighbours: &neighbours,
                month,
                last,
            };
            file.write(&path)
                .with_context(|| format!("cannot write {}", path.display()))
        })
        .collect();
    let mut summary = Summary::default();
    for r in results {
        let (rows, bytes) = r?;
        summary.files += 1;
        summary.rows += rows;
        summary.bytes += bytes;
    }
    write_manifest(args, &geo, &selected, summary)?;
    Ok(summary)
}

/// Makes the output folder, refusing to mix with an earlier data set unless
/// asked to replace it (only its YYYY-MM/ folders and manifest are removed).
fn prepare_out(out: &Path, overwrite: bool) -> Result<()> {
    fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let mut old = Vec::new();
    for entry in fs::read_dir(out)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if Month::parse(&name).is_ok() && entry.path().is_dir() || name == "manifest.json" {
            old.push(entry.path());
        }
    }
    if old.is_empty() {
        return Ok(());
    }
    if !overwrite {
        bail!(
            "{} already holds generated data ({} entries such as {}); pass --overwrite to replace it",
            out.display(),
            old.len(),
            old[0].display()
        );
    }
    for p in old {
        if p.is_dir() {
            fs::remove_dir_all(&p)
        } else {
            fs::remove_file(&p)
        }
        .with_context(|| format!("cannot remove {}", p.display()))?;
    }
    Ok(())
}

fn write_manifest(args: &GenArgs, geo: &Geography, selected: &[usize], s: Summary) -> Result<()> {
    let forces: Vec<String> = selected
        .iter()
        .map(|&f| format!("\"{}\"", FORCES[f].slug))
        .collect();
    let districts: Vec<String> = selected
        .iter()
        .map(|&f| {
            let names: Vec<String> = geo.district_names[f]
                .iter()
                .map(|n| format!("\"{n}\""))
                .collect();
            format!("    \"{}\": [{}]", FORCES[f].slug, names.join(", "))
        })
        .collect();
    let text = format!(
        "{{\n  \"generator\": \"cargo run --release -p xtask -- gen-police-uk\",\n  \"seed\": {},\n  \"start\": \"{}\",\n  \"months\": {},\n  \"rows_per_force_month\": {},\n  \"forces\": [{}],\n  \"files\": {},\n  \"rows\": {},\n  \"bytes\": {},\n  \"districts\": {{\n{}\n  }}\n}}\n",
        args.seed,
        args.start,
        args.months,
        args.rows_per_force_month,
        forces.join(", "),
        s.files,
        s.rows,
        s.bytes,
        districts.join(",\n")
    );
    let path = args.out.join("manifest.json");
    fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// One force-month file.
struct FileJob<'a> {
    args: &'a GenArgs,
    geo: &'a Geography,
    force: usize,
    neighbours: &'a [&'a ForceGeo],
    month: Month,
    last: Month,
}

impl FileJob<'_> {
    fn rows(&self) -> u64 {
        let seed = self.args.seed;
        let fi = self.force as u64;
        let total_weight: u64 = FORCES.iter().map(|f| u64::from(f.weight)).sum();
        let trend =
            Rng::derive(seed, &[3, fi, u64::from(self.month.financial_year())]).between(950, 1050);
        let noise = Rng::derive(seed, &[4, fi, u64::from(self.month.ordinal)]).between(985, 1015);
        let n = u128::from(self.args.rows_per_force_month)
            * u128::from(FORCES[self.force].weight)
            * FORCES.len() as u128
            * u128::from(SEASON[self.month.month() as usize - 1])
            * trend as u128
            * noise as u128;
        (n / (u128::from(total_weight) * 1_000_000_000)) as u64
    }

    /// The mix of crime types this force-year, varied a little by force and
    /// year (and shoplifting up a fifth from 2023/24, as it was).
    fn categories(&self) -> Vec<u32> {
        let fy = self.month.financial_year();
        let mut rng = Rng::derive(self.args.seed, &[5, self.force as u64, u64::from(fy)]);
        cumulative(CATEGORIES.iter().enumerate().map(|(i, &(_, w))| {
            let w = w * rng.between(900, 1100) as u32;
            if i == SHOPLIFTING && fy >= 2023 {
                w * 12 / 10
            } else {
                w
            }
        }))
    }

    fn write(&self, path: &Path) -> Result<(u64, u64)> {
        let spec = &FORCES[self.force];
        let mut rng = Rng::derive(
            self.args.seed,
            &[6, self.force as u64, u64::from(self.month.ordinal)],
        );
        let n = self.rows();
        let cats = self.categories();
        let outcomes = cumulative(OUTCOMES.iter().map(|o| o.1));
        let drug_outcomes = cumulative(DRUG_OUTCOMES.iter().map(|o| o.1));
        let recent = self.month.ordinal + 1 >= self.last.ordinal;
        let own = &self.geo.forces[self.force];
        // Everything from Crime ID's comma to Location's start is the same
        // on every row of the file.
        let middle = format!(",{},{},{},", self.month, spec.name, spec.name);

        let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
        out.write_all(HEADER.as_bytes())?;
        let mut bytes = HEADER.len() as u64;
        let mut line = Vec::with_capacity(512);
        for _ in 0..n {
            line.clear();
            let cat = rng.pick_cumulative(&cats);
            if cat != ASB {
                for _ in 0..4 {
                    hex64(rng.next_u64(), &mut line);
                }
            }
            line.extend_from_slice(middle.as_bytes());
            if rng.chance(30) {
                line.extend_from_slice(b",,No location,,");
            } else {
                let f = if !self.neighbours.is_empty() && rng.chance(10) {
                    self.neighbours[rng.below(self.neighbours.len() as u64) as usize]
                } else {
                    own
                };
                let d = &f.districts[rng.pick_cumulative(&f.district_cumulative)];
                let l = &d.lsoas[rng.pick_cumulative(&d.lsoa_cumulative)];
                line.extend_from_slice(
                    l.snaps[rng.below(l.snaps.len() as u64) as usize].as_bytes(),
                );
            }
            line.push(b',');
            line.extend_from_slice(CATEGORIES[cat].0.as_bytes());
            line.push(b',');
            if cat != ASB {
                let outcome = if recent && rng.chance(300) {
                    "Under investigation"
                } else if cat == DRUGS {
                    DRUG_OUTCOMES[rng.pick_cumulative(&drug_outcomes)].0
                } else {
                    OUTCOMES[rng.pick_cumulative(&outcomes)].0
                };
                line.extend_from_slice(outcome.as_bytes());
            }
            line.extend_from_slice(b",\n");
            out.write_all(&line)?;
            bytes += line.len() as u64;
        }
        out.flush()?;
        Ok((n, bytes))
    }
}

fn hex64(v: u64, out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for shift in (0..16).rev() {
        out.push(HEX[(v >> (shift * 4)) as usize & 15]);
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, HashMap};

    use super::*;

    fn args(out: &Path, seed: u64) -> GenArgs {
        GenArgs {
            out: out.to_owned(),
            forces: 4,
            months: 3,
            start: Month::parse("2023-02").unwrap(),
            rows_per_force_month: 60,
            seed,
            overwrite: false,
        }
    }

    /// Every file under `dir`, by path relative to it, with its bytes.
    fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut out = BTreeMap::new();
        let mut stack = vec![dir.to_owned()];
        while let Some(d) = stack.pop() {
            for e in fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    out.insert(
                        p.strip_prefix(dir).unwrap().to_owned(),
                        fs::read(&p).unwrap(),
                    );
                }
            }
        }
        out
    }

    #[test]
    fn the_same_seed_gives_byte_identical_files() {
        let (a, b, c) = (
            tempfile::tempdir().unwrap(),
            tempfile::tempdir().unwrap(),
            tempfile::tempdir().unwrap(),
        );
        let sa = generate(&args(a.path(), 42)).unwrap();
        // On one thread as well as many: the output must not depend on scheduling.
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let sb = pool.install(|| generate(&args(b.path(), 42))).unwrap();
        let sc = generate(&args(c.path(), 43)).unwrap();
        assert_eq!(sc.files, sa.files);
        assert_eq!(sa, sb);
        assert_eq!(sa.files, 12);
        let (ta, tb, tc) = (tree(a.path()), tree(b.path()), tree(c.path()));
        assert_eq!(ta.len(), 13, "12 CSVs and the manifest");
        assert!(ta == tb, "same seed, different bytes");
        assert_eq!(ta.keys().collect::<Vec<_>>(), tc.keys().collect::<Vec<_>>());
        assert!(ta != tc, "a different seed must give different data");
        let csv_bytes: u64 = ta
            .iter()
            .filter(|(p, _)| p.extension().is_some_and(|e| e == "csv"))
            .map(|(_, v)| v.len() as u64)
            .sum();
        assert_eq!(sa.bytes, csv_bytes);
    }

    #[test]
    fn files_look_like_police_uk_files() {
        let dir = tempfile::tempdir().unwrap();
        let mut a = args(dir.path(), 1);
        a.rows_per_force_month = 400;
        let s = generate(&a).unwrap();
        let files = tree(dir.path());
        let names: Vec<String> = files
            .keys()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        assert!(
            names.contains(&"2023-02/2023-02-leicestershire-street.csv".to_owned()),
            "{names:?}"
        );
        assert!(
            names.contains(&"2023-04/2023-04-avon-and-somerset-street.csv".to_owned()),
            "{names:?}"
        );
        let mut lsoa_names: HashMap<String, String> = HashMap::new();
        let (mut rows, mut asb, mut no_location, mut charnwood) = (0u64, 0u64, 0u64, 0u64);
        for (path, bytes) in &files {
            if path.extension().is_some_and(|e| e == "json") {
                continue;
            }
            let text = std::str::from_utf8(bytes).unwrap();
            assert!(text.starts_with(HEADER));
            assert!(!text.contains('\r') && !text.contains('"'));
            let month = &path.file_name().unwrap().to_str().unwrap()[..7];
            for line in text.lines().skip(1) {
                rows += 1;
                let f: Vec<&str> = line.split(',').collect();
                assert_eq!(f.len(), 12, "{line}");
                assert_eq!(f[1], month);
                assert!(
                    f[2].ends_with("Police")
                        || f[2].ends_with("Constabulary")
                        || f[2].ends_with("Service")
                );
                assert_eq!(f[2], f[3]);
                assert!(CATEGORIES.iter().any(|c| c.0 == f[9]), "{line}");
                assert_eq!(f[11], "");
                if f[9] == "Anti-social behaviour" {
                    asb += 1;
                    assert!(f[0].is_empty() && f[10].is_empty(), "{line}");
                } else {
                    assert_eq!(f[0].len(), 64);
                    assert!(
                        f[0].bytes()
                            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
                    );
                    assert!(!f[10].is_empty());
                }
                if f[6] == "No location" {
                    no_location += 1;
                    assert!(
                        f[4].is_empty() && f[5].is_empty() && f[7].is_empty() && f[8].is_empty()
                    );
                    continue;
                }
                assert!(f[6].starts_with("On or near "), "{line}");
                for c in [f[4], f[5]] {
                    let (_, frac) = c.split_once('.').unwrap();
                    assert_eq!(frac.len(), 6, "{line}");
                }
                let lat: f64 = f[5].parse().unwrap();
                let lon: f64 = f[4].parse().unwrap();
                assert!(
                    (49.5..56.0).contains(&lat) && (-6.0..2.0).contains(&lon),
                    "{line}"
                );
                assert!(f[7].len() == 9 && (f[7].starts_with("E01") || f[7].starts_with("W01")));
                let (district, suffix) = f[8].rsplit_once(' ').unwrap();
                let sb = suffix.as_bytes();
                assert!(
                    sb.len() == 4
                        && sb[..3].iter().all(u8::is_ascii_digit)
                        && sb[3].is_ascii_uppercase()
                );
                if district == CHARNWOOD {
                    charnwood += 1;
                }
                // An LSOA code always has the same name.
                let prev = lsoa_names
                    .entry(f[7].to_owned())
                    .or_insert_with(|| f[8].to_owned());
                assert_eq!(prev, f[8]);
            }
        }
        assert_eq!(rows, s.rows);
        assert!(charnwood > 0);
        let pct = |n: u64| n * 100 / rows;
        assert!((10..=20).contains(&pct(asb)), "{asb} of {rows}");
        assert!(
            (1..=5).contains(&pct(no_location)),
            "{no_location} of {rows}"
        );
    }

    #[test]
    fn an_earlier_data_set_is_replaced_only_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let mut a = args(dir.path(), 1);
        a.forces = 1;
        generate(&a).unwrap();
        assert!(generate(&a).is_err());
        a.overwrite = true;
        a.months = 1;
        generate(&a).unwrap();
        let files = tree(dir.path());
        assert_eq!(files.len(), 2, "{:?}", files.keys().collect::<Vec<_>>());
    }

    #[test]
    fn default_size_is_about_six_million_rows() {
        let a = GenArgs {
            out: PathBuf::new(),
            ..args(Path::new(""), 1)
        };
        let geo = Geography::build(1);
        let last = Month::parse("2024-03").unwrap();
        let mut total = 0;
        for f in 0..FORCES.len() {
            for i in 0..24 {
                let args = GenArgs {
                    rows_per_force_month: 5_800,
                    ..a.clone()
                };
                let job = FileJob {
                    args: &args,
                    geo: &geo,
                    force: f,
                    neighbours: &[],
                    month: Month::parse("2022-04").unwrap().plus(i),
                    last,
                };
                total += job.rows();
            }
        }
        assert!((5_700_000..6_300_000).contains(&total), "{total}");
        assert!(
            geo.district_names[LEICESTERSHIRE]
                .iter()
                .any(|d| d == CHARNWOOD)
        );
    }
}
