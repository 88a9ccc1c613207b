//! The beat map: the stored partnership's beat polygons drawn as SVG,
//! filled by each beat's share of the chosen category.
//!
//! The projection is the simplest that keeps a district's shape:
//! x = longitude · cos(latitude₀), y = −latitude, with latitude₀ the middle
//! of the district, then scaled to the drawing. `map.html` draws it: colours
//! are attributes (`fill`), never `style`, so the page's
//! Content-Security-Policy holds.
//! Each beat is a link (keyboard-usable) with a `<title>` naming its count
//! and share; the table beside the map holds the same figures.

use safer_analysis::Polygon;

use crate::view;

/// Five blues, light to dark (ColorBrewer "Blues", safe for colour-blind
/// readers); the lightest also shows a beat with no records.
const FILLS: [&str; 5] = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"];
const WIDTH: f64 = 640.0;
const PAD: f64 = 8.0;

/// One beat on the map.
pub(crate) struct MapBeat<'a> {
    pub name: &'a str,
    pub shapes: &'a [Polygon],
    pub count: u64,
    /// Percent of the district's records of the category.
    pub share: f64,
    /// Where the beat links to.
    pub href: String,
    pub selected: bool,
}

/// The class (0–4) of a share, in five equal steps up to the largest.
fn class_of(share: f64, max: f64) -> usize {
    if max <= 0.0 {
        return 0;
    }
    (((share / max) * 5.0).floor() as usize).min(4)
}

/// The map, ready for `map.html`: its size, a path per beat and the
/// legend.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BeatMap {
    pub width: String,
    pub height: String,
    pub category: String,
    pub paths: Vec<MapPath>,
    pub legend: Vec<LegendItem>,
}

/// One beat's outline: where it links, what it says, how it is drawn.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MapPath {
    pub href: String,
    /// "Beat 56: 1,234 records, 12.3% of the district".
    pub label: String,
    /// The SVG path data (numbers and the letters M, L, Z).
    pub d: String,
    pub fill: &'static str,
    pub stroke: &'static str,
    pub stroke_width: &'static str,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LegendItem {
    pub fill: &'static str,
    pub text: String,
}

/// The map of the beats; `None` when no beat has a shape.
pub(crate) fn beat_map(beats: &[MapBeat<'_>], category: &str) -> Option<BeatMap> {
    let points = beats
        .iter()
        .flat_map(|b| b.shapes)
        .flat_map(|p| p.exterior.iter());
    let (mut min_lon, mut max_lon, mut min_lat, mut max_lat) = (
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
    );
    for [lon, lat] in points {
        min_lon = min_lon.min(*lon);
        max_lon = max_lon.max(*lon);
        min_lat = min_lat.min(*lat);
        max_lat = max_lat.max(*lat);
    }
    if !(min_lon.is_finite() && max_lon > min_lon && max_lat > min_lat) {
        return None;
    }
    let k = ((min_lat + max_lat) / 2.0).to_radians().cos();
    let (w, h) = ((max_lon - min_lon) * k, max_lat - min_lat);
    let scale = (WIDTH - 2.0 * PAD) / w;
    let height = h * scale + 2.0 * PAD;
    let project = |lon: f64, lat: f64| {
        (
            PAD + (lon - min_lon) * k * scale,
            PAD + (max_lat - lat) * scale,
        )
    };
    let max_share = beats.iter().map(|b| b.share).fold(0.0, f64::max);
    // Selected beats last, so their outline is on top.
    let mut order: Vec<&MapBeat<'_>> = beats.iter().collect();
    order.sort_by_key(|b| b.selected);
    let mut paths = Vec::new();
    for b in order {
        let mut d = String::new();
        for poly in b.shapes {
            for ring in std::iter::once(&poly.exterior).chain(&poly.holes) {
                for (i, [lon, lat]) in ring.iter().enumerate() {
                    let (x, y) = project(*lon, *lat);
                    d.push_str(&format!("{}{x:.1} {y:.1}", if i == 0 { "M" } else { "L" }));
                }
                d.push('Z');
            }
        }
        if d.is_empty() {
            continue;
        }
        let (stroke, stroke_width) = if b.selected {
            ("#ffdd00", "4")
        } else {
            ("#0b0c0c", "1")
        };
        paths.push(MapPath {
            href: b.href.clone(),
            label: format!(
                "{}: {} records, {:.1}% of the district",
                b.name,
                view::thousands(b.count),
                b.share
            ),
            d,
            fill: FILLS[class_of(b.share, max_share)],
            stroke,
            stroke_width,
        });
    }
    // The legend: the five classes as ranges of share.
    let legend = FILLS
        .iter()
        .enumerate()
        .map(|(i, fill)| {
            let lo = max_share * i as f64 / 5.0;
            let hi = max_share * (i + 1) as f64 / 5.0;
            LegendItem {
                fill,
                text: format!(
                    "{lo:.1}% to {}{hi:.1}% of the district",
                    if i == 4 { "" } else { "under " }
                ),
            }
        })
        .collect();
    Some(BeatMap {
        width: format!("{WIDTH:.0}"),
        height: format!("{height:.0}"),
        category: category.to_owned(),
        paths,
        legend,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x: f64, y: f64) -> Polygon {
        Polygon {
            exterior: vec![
                [x, y],
                [x + 0.1, y],
                [x + 0.1, y + 0.1],
                [x, y + 0.1],
                [x, y],
            ],
            holes: vec![],
        }
    }

    #[test]
    fn draws_beats_with_attributes_only() {
        let a = [square(-1.2, 52.7)];
        let b = [square(-1.1, 52.7)];
        let beats = [
            MapBeat {
                name: "Beat <1>",
                shapes: &a,
                count: 10,
                share: 10.0,
                href: "/assessment?beat=1".into(),
                selected: false,
            },
            MapBeat {
                name: "Beat 2",
                shapes: &b,
                count: 90,
                share: 90.0,
                href: "/assessment?beat=2".into(),
                selected: true,
            },
        ];
        let map = beat_map(&beats, "All crime").unwrap();
        assert_eq!(map.paths.len(), 2);
        // The selected beat is drawn last, outlined in yellow.
        assert_eq!(
            map.paths[0].label,
            "Beat <1>: 10 records, 10.0% of the district"
        );
        assert_eq!(map.paths[0].fill, FILLS[0]);
        assert_eq!(
            (map.paths[1].fill, map.paths[1].stroke),
            (FILLS[4], "#ffdd00")
        );
        assert!(map.paths.iter().all(|p| {
            p.d.starts_with('M')
                && p.d.ends_with('Z')
                && p.d
                    .chars()
                    .all(|c| c.is_ascii_digit() || " .MLZ-".contains(c))
        }));
        assert_eq!(map.legend[4].text, "72.0% to 90.0% of the district");
        assert!(beat_map(&[], "All crime").is_none());
    }

    #[test]
    fn classes_step_evenly() {
        assert_eq!(class_of(0.0, 50.0), 0);
        assert_eq!(class_of(50.0, 50.0), 4);
        assert_eq!(class_of(25.0, 50.0), 2);
        assert_eq!(class_of(1.0, 0.0), 0);
    }
}
