//! Beats as polygons, and placing a point in one.
//!
//! Boundaries here are generalised (ONS "super generalised" LSOAs, wards
//! rounded to about a metre), and police.uk snaps each record to a nearby
//! map point. A point a few metres outside the generalised edge of a
//! district is still in the district, so a point inside no beat is given to
//! the nearest beat when that beat is within [`Beats::NEAREST_LIMIT_M`].

use serde::{Deserialize, Serialize};

/// A closed ring of `[longitude, latitude]` points (WGS84 degrees).
pub type Ring = Vec<[f64; 2]>;

/// A polygon: one exterior ring and any number of holes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Polygon {
    pub exterior: Ring,
    #[serde(default)]
    pub holes: Vec<Ring>,
}

impl Polygon {
    /// Whether the point lies inside the exterior and outside every hole.
    pub fn contains(&self, x: f64, y: f64) -> bool {
        ring_contains(&self.exterior, x, y) && !self.holes.iter().any(|h| ring_contains(h, x, y))
    }

    /// `[min_x, min_y, max_x, max_y]` of the exterior.
    pub fn bbox(&self) -> [f64; 4] {
        let mut b = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        for &[x, y] in &self.exterior {
            b[0] = b[0].min(x);
            b[1] = b[1].min(y);
            b[2] = b[2].max(x);
            b[3] = b[3].max(y);
        }
        b
    }

    /// Distance in metres from the point to the nearest edge of any ring,
    /// on a local flat approximation (good to well under 1% at these
    /// distances).
    fn distance_m(&self, x: f64, y: f64) -> f64 {
        let kx = METRES_PER_DEGREE * y.to_radians().cos();
        let ky = METRES_PER_DEGREE;
        std::iter::once(&self.exterior)
            .chain(&self.holes)
            .flat_map(|ring| ring.windows(2))
            .map(|w| {
                segment_distance(
                    ((w[0][0] - x) * kx, (w[0][1] - y) * ky),
                    ((w[1][0] - x) * kx, (w[1][1] - y) * ky),
                )
            })
            .fold(f64::INFINITY, f64::min)
    }
}

const METRES_PER_DEGREE: f64 = 111_320.0;

/// Even-odd ray casting. Points exactly on an edge may fall either side,
/// which is fine for generalised boundaries.
fn ring_contains(ring: &[[f64; 2]], x: f64, y: f64) -> bool {
    let mut inside = false;
    let n = ring.len();
    if n < 3 {
        return false;
    }
    let mut j = n - 1;
    for i in 0..n {
        let [xi, yi] = ring[i];
        let [xj, yj] = ring[j];
        if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi {
            inside = !inside;
        }
        j = i;
    }
    inside
}

/// Distance from the origin to the segment a–b.
fn segment_distance(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (-(a.0 * dx + a.1 * dy) / len2).clamp(0.0, 1.0)
    };
    let (px, py) = (a.0 + t * dx, a.1 + t * dy);
    (px * px + py * py).sqrt()
}

/// A partnership's beats, ready for placing points.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Beats {
    pub names: Vec<String>,
    /// The polygons of each beat, in the order of `names`.
    pub shapes: Vec<Vec<Polygon>>,
}

/// Where a point was placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// Inside the beat's polygon.
    Inside(usize),
    /// Outside every beat, but within the limit of this one.
    Nearest(usize),
    /// Farther than the limit from every beat.
    Outside,
}

impl Beats {
    /// How far outside every beat a point may be and still go to the nearest.
    pub const NEAREST_LIMIT_M: f64 = 250.0;

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Places a point (WGS84 degrees) in a beat.
    pub fn place(&self, x: f64, y: f64) -> Placement {
        for (i, polys) in self.shapes.iter().enumerate() {
            for p in polys {
                let [x0, y0, x1, y1] = p.bbox();
                if x >= x0 && x <= x1 && y >= y0 && y <= y1 && p.contains(x, y) {
                    return Placement::Inside(i);
                }
            }
        }
        let mut best = (f64::INFINITY, usize::MAX);
        for (i, polys) in self.shapes.iter().enumerate() {
            for p in polys {
                let d = p.distance_m(x, y);
                if d < best.0 {
                    best = (d, i);
                }
            }
        }
        if best.0 <= Self::NEAREST_LIMIT_M {
            Placement::Nearest(best.1)
        } else {
            Placement::Outside
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x0: f64, y0: f64, size: f64) -> Polygon {
        Polygon {
            exterior: vec![
                [x0, y0],
                [x0 + size, y0],
                [x0 + size, y0 + size],
                [x0, y0 + size],
                [x0, y0],
            ],
            holes: vec![],
        }
    }

    #[test]
    fn points_inside_outside_and_in_holes() {
        let mut p = square(0.0, 0.0, 1.0);
        assert!(p.contains(0.5, 0.5));
        assert!(!p.contains(1.5, 0.5));
        p.holes.push(square(0.25, 0.25, 0.5).exterior);
        assert!(!p.contains(0.5, 0.5));
        assert!(p.contains(0.1, 0.1));
    }

    #[test]
    fn near_points_go_to_the_nearest_beat_and_far_ones_nowhere() {
        let beats = Beats {
            names: vec!["A".into(), "B".into()],
            shapes: vec![
                vec![square(-1.20, 52.70, 0.01)],
                vec![square(-1.19, 52.70, 0.01)],
            ],
        };
        assert_eq!(beats.place(-1.195, 52.705), Placement::Inside(0));
        assert_eq!(beats.place(-1.185, 52.705), Placement::Inside(1));
        // About 70 m east of beat B's eastern edge.
        assert_eq!(beats.place(-1.179, 52.705), Placement::Nearest(1));
        // About 7 km away.
        assert_eq!(beats.place(-1.08, 52.705), Placement::Outside);
    }
}
