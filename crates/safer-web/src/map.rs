//! The beat map: the stored partnership's beat polygons drawn as SVG,
//! filled by each beat's share of the chosen category.
//!
//! The projection is the simplest that keeps a district's shape:
//! x = longitude · cos(latitude₀), y = −latitude, with latitude₀ the middle
//! of the district, then scaled to the drawing. Colours are attributes
//! (`fill`), never `style`, so the page's Content-Security-Policy holds.
//! Each beat is a link (keyboard-usable) with a `<title>` naming its count
//! and share; the table beside the map holds the same figures.

use safer_analysis::Polygon;

use crate::html::{self, esc};

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

/// The map as an SVG element, with its legend; `None` when no beat has a
/// shape.
pub(crate) fn beat_map(beats: &[MapBeat<'_>], category: &str) -> Option<String> {
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
    let mut svg = format!(
        "<svg class=\"safer-map\" viewBox=\"0 0 {WIDTH:.0} {height:.0}\" width=\"{WIDTH:.0}\" height=\"{height:.0}\" role=\"group\" aria-labelledby=\"map-title map-desc\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"map-title\">Map of beats: {} by share of the district</title><desc id=\"map-desc\">Darker beats hold a larger share of the district's records. Each beat links to its figures; the table of beats gives the same numbers.</desc>",
        esc(category)
    );
    // Selected beats last, so their outline is on top.
    let mut order: Vec<&MapBeat<'_>> = beats.iter().collect();
    order.sort_by_key(|b| b.selected);
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
        let label = format!(
            "{}: {} records, {:.1}% of the district",
            b.name,
            html::thousands(b.count),
            b.share
        );
        let (stroke, width) = if b.selected {
            ("#ffdd00", "4")
        } else {
            ("#0b0c0c", "1")
        };
        svg.push_str(&format!(
            "<a href=\"{}\" aria-label=\"{}\"><path d=\"{d}\" fill=\"{}\" fill-rule=\"evenodd\" stroke=\"{stroke}\" stroke-width=\"{width}\" stroke-linejoin=\"round\"><title>{}</title></path></a>",
            esc(&b.href),
            esc(&label),
            FILLS[class_of(b.share, max_share)],
            esc(&label)
        ));
    }
    svg.push_str("</svg>");
    // The legend: the five classes as ranges of share.
    let mut legend = String::from(
        "<ul class=\"govuk-list safer-legend\" aria-label=\"Key to the map's colours\">",
    );
    for (i, fill) in FILLS.iter().enumerate() {
        let lo = max_share * i as f64 / 5.0;
        let hi = max_share * (i + 1) as f64 / 5.0;
        legend.push_str(&format!(
            "<li><svg width=\"20\" height=\"20\" viewBox=\"0 0 20 20\" aria-hidden=\"true\" focusable=\"false\"><rect x=\"1\" y=\"1\" width=\"18\" height=\"18\" fill=\"{fill}\" stroke=\"#0b0c0c\" stroke-width=\"1\"/></svg> {lo:.1}% to {}{hi:.1}% of the district</li>",
            if i == 4 { "" } else { "under " }
        ));
    }
    legend.push_str("</ul>");
    Some(format!(
        "<figure class=\"safer-figure\">{svg}<figcaption class=\"govuk-body-s\">{legend}</figcaption></figure>"
    ))
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
        let svg = beat_map(&beats, "All crime").unwrap();
        assert!(!svg.contains("style"), "{svg}");
        assert!(svg.contains("<title>Beat &lt;1&gt;: 10 records, 10.0% of the district</title>"));
        assert!(svg.contains(FILLS[4]));
        assert!(svg.contains(&format!("fill=\"{}\"", FILLS[0])));
        assert_eq!(svg.matches("<path").count(), 2);
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
