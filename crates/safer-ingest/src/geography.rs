//! Boundaries (GeoJSON) and population tables.

use std::path::Path;

use safer_analysis::Polygon;
use serde_json::Value;

use crate::IngestError;

/// A named area from a boundary file: a ward, an LSOA or a beat.
#[derive(Debug, Clone, PartialEq)]
pub struct Area {
    pub code: String,
    pub name: String,
    pub polygons: Vec<Polygon>,
}

/// Reads a GeoJSON FeatureCollection of Polygon or MultiPolygon features
/// in WGS84 longitude/latitude.
///
/// Each feature's code and name are read from the properties `code` and
/// `name`, or from ONS-style `<TYPE><YY>CD` / `<TYPE><YY>NM` properties
/// (`LSOA11CD`, `WD23NM`, …), so ONS downloads import unchanged.
pub fn read_boundaries(path: &Path) -> Result<Vec<Area>, IngestError> {
    let text = std::fs::read_to_string(path).map_err(|e| IngestError::Io {
        path: path.to_owned(),
        source: e,
    })?;
    parse_boundaries(path, &text)
}

/// Parses GeoJSON text; `path` is used in error messages only.
pub fn parse_boundaries(path: &Path, text: &str) -> Result<Vec<Area>, IngestError> {
    let invalid = |message: String| IngestError::Invalid {
        path: path.to_owned(),
        message,
    };
    let doc: Value = serde_json::from_str(text)
        .map_err(|e| invalid(format!("line {}: not valid JSON: {e}", e.line())))?;
    let features = doc
        .get("features")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            invalid("expected a GeoJSON FeatureCollection with a \"features\" list".into())
        })?;
    let mut areas = Vec::with_capacity(features.len());
    for (i, f) in features.iter().enumerate() {
        let props = f.get("properties").and_then(Value::as_object);
        let pick = |suffix: &str, exact: &str| -> Option<String> {
            let props = props?;
            props
                .get(exact)
                .or_else(|| {
                    props
                        .iter()
                        .find(|(k, _)| k.len() > 2 && k.ends_with(suffix) && !k.ends_with("NMW"))
                        .map(|(_, v)| v)
                })
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        let code = pick("CD", "code").ok_or_else(|| {
            invalid(format!(
                "feature {}: expected a \"code\" (or ONS …CD) property",
                i + 1
            ))
        })?;
        let name = pick("NM", "name").unwrap_or_else(|| code.clone());
        let geometry = f
            .get("geometry")
            .ok_or_else(|| invalid(format!("feature {} ({code}): no geometry", i + 1)))?;
        let polygons = parse_geometry(geometry)
            .map_err(|m| invalid(format!("feature {} ({code}): {m}", i + 1)))?;
        areas.push(Area {
            code,
            name,
            polygons,
        });
    }
    Ok(areas)
}

fn parse_geometry(g: &Value) -> Result<Vec<Polygon>, String> {
    let kind = g.get("type").and_then(Value::as_str).unwrap_or("");
    let coords = g.get("coordinates").ok_or("geometry has no coordinates")?;
    match kind {
        "Polygon" => Ok(vec![parse_polygon(coords)?]),
        "MultiPolygon" => coords
            .as_array()
            .ok_or("MultiPolygon coordinates must be a list")?
            .iter()
            .map(parse_polygon)
            .collect(),
        other => Err(format!(
            "expected a Polygon or MultiPolygon geometry, found {other:?}"
        )),
    }
}

fn parse_polygon(v: &Value) -> Result<Polygon, String> {
    let rings = v
        .as_array()
        .ok_or("polygon coordinates must be a list of rings")?;
    let mut parsed = rings.iter().map(parse_ring);
    let exterior = parsed.next().ok_or("a polygon needs an exterior ring")??;
    let holes = parsed.collect::<Result<Vec<_>, _>>()?;
    Ok(Polygon { exterior, holes })
}

fn parse_ring(v: &Value) -> Result<Vec<[f64; 2]>, String> {
    let points = v.as_array().ok_or("a ring must be a list of positions")?;
    let ring: Vec<[f64; 2]> = points
        .iter()
        .map(|p| {
            let x = p.get(0).and_then(Value::as_f64);
            let y = p.get(1).and_then(Value::as_f64);
            match (x, y) {
                (Some(x), Some(y))
                    if (-180.0..=180.0).contains(&x) && (-90.0..=90.0).contains(&y) =>
                {
                    Ok([x, y])
                }
                _ => Err(format!(
                    "expected a [longitude, latitude] position in degrees, found {p}"
                )),
            }
        })
        .collect::<Result<_, _>>()?;
    if ring.len() < 4 {
        return Err(format!(
            "a ring needs at least 4 positions, found {}",
            ring.len()
        ));
    }
    Ok(ring)
}

/// Reads one population figure from a CSV table: the `value_column` of the
/// row whose `code_column` equals `code`. Thousands separators ("1,526") are
/// accepted, as ONS tables use them.
pub fn read_population(
    path: &Path,
    code_column: &str,
    value_column: &str,
    code: &str,
) -> Result<u64, IngestError> {
    let invalid = |message: String| IngestError::Invalid {
        path: path.to_owned(),
        message,
    };
    let mut reader = csv::ReaderBuilder::new()
        .from_path(path)
        .map_err(|e| invalid(e.to_string()))?;
    let headers = reader
        .headers()
        .map_err(|e| invalid(e.to_string()))?
        .clone();
    let col = |name: &str| {
        headers.iter().position(|h| h == name).ok_or_else(|| {
            invalid(format!(
                "line 1: expected a column named {name:?}; the columns are {}",
                headers.iter().collect::<Vec<_>>().join(", ")
            ))
        })
    };
    let (c, v) = (col(code_column)?, col(value_column)?);
    for (i, row) in reader.records().enumerate() {
        let row = row.map_err(|e| invalid(e.to_string()))?;
        if row.get(c) == Some(code) {
            let raw = row.get(v).unwrap_or("");
            return raw.replace(',', "").trim().parse::<u64>().map_err(|_| {
                invalid(format!(
                    "line {}: field {value_column:?}: expected a whole number, found {raw:?}",
                    i + 2
                ))
            });
        }
    }
    Err(invalid(format!("no row has {code_column} = {code:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_ons_and_plain_properties() {
        let text = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"LSOA11CD":"E01025679","LSOA11NM":"Charnwood 009A","LSOA11NMW":"Charnwood 009A"},
           "geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}},
          {"type":"Feature","properties":{"code":"E05014666","name":"Anstey"},
           "geometry":{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[2,2],[3,2],[3,3],[2,2]]]]}}]}"#;
        let areas = parse_boundaries(Path::new("t.geojson"), text).unwrap();
        assert_eq!(areas[0].code, "E01025679");
        assert_eq!(areas[0].name, "Charnwood 009A");
        assert_eq!(areas[1].name, "Anstey");
        assert_eq!(areas[1].polygons.len(), 2);
    }

    #[test]
    fn bad_geometry_names_the_feature() {
        let text = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"code":"X"},"geometry":{"type":"Point","coordinates":[0,0]}}]}"#;
        let e = parse_boundaries(Path::new("t.geojson"), text)
            .unwrap_err()
            .to_string();
        assert!(e.contains("feature 1 (X)") && e.contains("Polygon"), "{e}");
    }
}
