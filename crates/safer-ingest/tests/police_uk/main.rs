//! The police.uk reader against hand-made files, one per edge case, and
//! property tests that any well-formed file reads back exactly.

use std::path::Path;

use proptest::prelude::*;
use safer_analysis::{NO_COORD, NO_LSOA};
use safer_domain::Category;
use safer_ingest::police_uk::{HEADER, parse};
use safer_ingest::{IngestError, SkipReason};

const NAME: &str = "2023-04-leicestershire-street.csv";

fn header() -> String {
    HEADER.join(",")
}

fn read(
    text: &str,
) -> Result<(safer_ingest::MonthlyCrimes, safer_ingest::FileReport), IngestError> {
    parse(Path::new(NAME), text.as_bytes())
}

const CRIME: &str = "7755dcb3,2023-04,Leicestershire Police,Leicestershire Police,-1.206106,52.770497,On or near Ashby Road,E01025679,Charnwood 009A,Burglary,Under investigation,";
const ASB: &str = ",2023-04,Leicestershire Police,Leicestershire Police,-1.21,52.77,On or near Park,E01034002,Charnwood 009G,Anti-social behaviour,,";
const NO_LOCATION: &str = "348147886f,2023-04,Leicestershire Police,Leicestershire Police,,,No Location,,,Bicycle theft,Investigation complete; no suspect identified,";

#[test]
fn lf_crlf_and_bom_read_the_same() {
    let lf = format!("{}\n{CRIME}\n{ASB}\n", header());
    let crlf = lf.replace('\n', "\r\n");
    let bom = format!("\u{feff}{lf}");
    let a = read(&lf).unwrap().0;
    assert_eq!(read(&crlf).unwrap().0, a);
    assert_eq!(read(&bom).unwrap().0, a);
    assert_eq!(a.len(), 2);
    assert_eq!(a.locations[a.location[0] as usize], "On or near Ashby Road");
}

#[test]
fn no_final_newline() {
    let t = read(&format!("{}\n{CRIME}", header())).unwrap().0;
    assert_eq!(t.len(), 1);
    assert_eq!(t.lon[0], -1_206_106);
    assert_eq!(t.lat[0], 52_770_497);
}

#[test]
fn asb_rows_have_no_crime_id_and_no_outcome() {
    let (t, r) = read(&format!("{}\n{ASB}\n{ASB}\n", header())).unwrap();
    // ASB rows all have an empty Crime ID; they are not duplicates of each other.
    assert_eq!(t.len(), 2);
    assert_eq!(r.asb, 2);
    assert_eq!(t.category_of(0), Category::AntiSocialBehaviour);
    assert_eq!(t.outcomes[t.outcome[0] as usize], "");
}

#[test]
fn rows_with_no_location_are_kept_and_counted() {
    let (t, r) = read(&format!("{}\n{NO_LOCATION}\n", header())).unwrap();
    assert_eq!(t.len(), 1);
    assert_eq!(
        (t.lon[0], t.lat[0], t.lsoa[0]),
        (NO_COORD, NO_COORD, NO_LSOA)
    );
    assert_eq!(r.without_location, 1);
}

#[test]
fn both_lsoa_vintages_are_accepted() {
    // E01025679 is a 2011 code replaced in 2021 by E01034002 and others.
    let t = read(&format!("{}\n{CRIME}\n{ASB}\n", header())).unwrap().0;
    let codes: Vec<&str> = t.lsoas.iter().map(|l| l.code.as_str()).collect();
    assert_eq!(codes, ["E01025679", "E01034002"]);
}

#[test]
fn quoted_fields_with_commas_quotes_and_newlines() {
    let row = "abc,2023-04,Leicestershire Police,Leicestershire Police,-1.2,52.7,\"On or near \"\"The Rushes\"\", Loughborough\",E01025679,Charnwood 009A,Shoplifting,\"Offender given a caution,\nthen released\",";
    let (t, r) = read(&format!("{}\n{row}\n{CRIME}\n", header())).unwrap();
    assert_eq!(t.len(), 2);
    assert_eq!(r.rows_read, 2);
    assert_eq!(
        t.locations[t.location[0] as usize],
        "On or near \"The Rushes\", Loughborough"
    );
    assert_eq!(
        t.outcomes[t.outcome[0] as usize],
        "Offender given a caution,\nthen released"
    );
}

#[test]
fn blank_lines_are_skipped_with_a_reason() {
    let (t, r) = read(&format!("{}\n{CRIME}\n\n{ASB}\n", header())).unwrap();
    assert_eq!(t.len(), 2);
    assert_eq!(r.rows_read, 3);
    assert_eq!(r.rows_kept, 2);
    assert_eq!(r.skipped.get(&SkipReason::BlankLine), Some(&1));
}

/// police.uk counts rows, and some forces repeat a Crime ID on rows that
/// differ in location, LSOA and outcome: every row is kept, and the
/// repeats are reported with how many are exact copies.
#[test]
fn repeated_crime_ids_are_kept_and_reported() {
    let elsewhere = CRIME
        .replace("On or near Ashby Road", "On or near Park Road")
        .replace("Charnwood 009A", "Melton 001A")
        .replace("E01025679", "E01025800");
    // The same fields quoted differently are still an exact copy.
    let quoted = CRIME.replace("On or near Ashby Road", "\"On or near Ashby Road\"");
    let text = format!(
        "{}\n{CRIME}\n{elsewhere}\n{CRIME}\n{ASB}\n{ASB}\n{quoted}\n{NO_LOCATION}\n{NO_LOCATION}\n",
        header()
    );
    let (t, r) = read(&text).unwrap();
    assert_eq!(t.len(), 8, "every row is kept");
    assert_eq!(r.rows_kept, 8);
    assert!(r.skipped.is_empty());
    let rep = &r.repeated_crime_ids;
    // Two IDs repeat: 7755dcb3 (three more rows) and 348147886f (one);
    // ASB rows have no Crime ID and never count.
    assert_eq!((rep.ids, rep.rows, rep.identical), (2, 4, 3));
    assert_eq!(rep.examples.len(), 3);
    assert_eq!(
        (
            rep.examples[0].first_line,
            rep.examples[0].line,
            rep.examples[0].identical
        ),
        (2, 3, false)
    );
    assert_eq!(rep.examples[0].crime_id, "7755dcb3");
    assert!(rep.examples[1].identical && rep.examples[2].identical);
    // The repeat in another district counts there.
    assert!(t.lsoas.iter().any(|l| l.name == "Melton 001A"));
}

#[test]
fn a_wrong_header_is_refused() {
    let e = read(&format!(
        "{}\n{CRIME}\n",
        header().replace("Crime type", "Crime Type")
    ))
    .unwrap_err()
    .to_string();
    assert!(
        e.contains(NAME) && e.contains("line 1") && e.contains("Crime Type"),
        "{e}"
    );
    let e = read("").unwrap_err();
    assert!(matches!(e, IngestError::Empty { .. }));
}

#[test]
fn bad_rows_name_file_line_field_and_expectation() {
    let cases = [
        (
            CRIME.replace("Burglary", "Burglery"),
            "Crime type",
            "police.uk crime type",
        ),
        (CRIME.replace("2023-04", "2023-05"), "Month", "2023-04"),
        (CRIME.replace("-1.206106", "west"), "Longitude", "longitude"),
        (
            CRIME.replace("52.770497", "152.7"),
            "Latitude",
            "between -90 and 90",
        ),
        (
            CRIME.replace("E01025679", "E0102567X"),
            "LSOA code",
            "LSOA code",
        ),
        (
            CRIME.replace(",Charnwood 009A", ","),
            "LSOA name",
            "LSOA name",
        ),
    ];
    for (row, field, expected) in cases {
        let e = read(&format!("{}\n{ASB}\n{row}\n", header()))
            .unwrap_err()
            .to_string();
        assert!(e.contains(NAME), "{e}");
        assert!(e.contains("line 3"), "{e}");
        assert!(e.contains(&format!("field \"{field}\"")), "{e}");
        assert!(e.contains(expected), "{e}");
    }
    let e = read(&format!("{}\n{CRIME},extra\n", header()))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("line 2") && e.contains("expected 12 fields, found 13"),
        "{e}"
    );
    let e = read(&format!("{}\n\"unclosed,2023-04\n", header()))
        .unwrap_err()
        .to_string();
    assert!(e.contains("line 2") && e.contains("not closed"), "{e}");
}

#[test]
fn line_numbers_count_newlines_inside_quotes() {
    let quoted =
        "abc,2023-04,P,P,-1.2,52.7,\"On or near\nSomewhere\",E01025679,Charnwood 009A,Drugs,,";
    let bad = CRIME.replace("Burglary", "Nope");
    let e = read(&format!("{}\n{quoted}\n{bad}\n", header()))
        .unwrap_err()
        .to_string();
    assert!(e.contains("line 4"), "{e}");
}

/// A record as a test generates it.
#[derive(Debug, Clone)]
struct Rec {
    id: String,
    category: Category,
    coord: Option<(i32, i32)>,
    /// The LSOA code's number; its name follows from it, as in real files.
    lsoa: Option<u32>,
    location: String,
    outcome: String,
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

fn degrees(micro: i32) -> String {
    let sign = if micro < 0 { "-" } else { "" };
    let a = micro.unsigned_abs();
    format!("{sign}{}.{:06}", a / 1_000_000, a % 1_000_000)
}

fn rec() -> impl Strategy<Value = Rec> {
    (
        proptest::option::of("[0-9a-f]{8}"),
        0usize..14,
        proptest::option::of((-8_000_000i32..2_000_000, 49_000_000i32..56_000_000)),
        proptest::option::of(1u32..999),
        "[A-Za-z ,\"\n]{0,20}",
        "[A-Za-z ;,]{0,20}",
    )
        .prop_map(|(id, c, coord, lsoa, location, outcome)| {
            let category = Category::CURRENT[c];
            let asb = category == Category::AntiSocialBehaviour;
            Rec {
                id: if asb {
                    String::new()
                } else {
                    id.unwrap_or_default()
                },
                category,
                coord,
                lsoa,
                location,
                outcome,
            }
        })
}

/// A record's twelve fields as police.uk writes them (quoted where needed).
fn row_fields(r: &Rec) -> Vec<String> {
    let (lon, lat) = r.coord.map_or((String::new(), String::new()), |(x, y)| {
        (degrees(x), degrees(y))
    });
    let (code, name) = r.lsoa.map_or((String::new(), String::new()), |n| {
        (
            format!("E01{:06}", n),
            format!(
                "Charnwood {:03}{}",
                n % 1000,
                (b'A' + (n % 26) as u8) as char
            ),
        )
    });
    vec![
        r.id.clone(),
        "2023-04".into(),
        "Leicestershire Police".into(),
        "Leicestershire Police".into(),
        lon,
        lat,
        csv_field(&r.location),
        code,
        name,
        r.category.name().into(),
        csv_field(&r.outcome),
        String::new(),
    ]
}

fn file_text(recs: &[Rec], crlf: bool, bom: bool) -> String {
    let eol = if crlf { "\r\n" } else { "\n" };
    let mut text = String::new();
    if bom {
        text.push('\u{feff}');
    }
    text.push_str(&header());
    for r in recs {
        text.push_str(eol);
        text.push_str(&row_fields(r).join(","));
    }
    text.push_str(eol);
    text
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Crime IDs drawn from a pool of three repeat often: every row is
    /// kept, and the repeats reported equal a count made here.
    #[test]
    fn repeated_crime_ids_are_counted_exactly(
        recs in proptest::collection::vec((rec(), 0usize..3), 0..40),
        crlf: bool,
    ) {
        let recs: Vec<Rec> = recs.into_iter().map(|(mut r, k)| {
            if !r.id.is_empty() { r.id = ["id-a", "id-b", "id-c"][k].to_owned(); }
            r
        }).collect();
        let (t, rep) = read(&file_text(&recs, crlf, false)).unwrap();
        prop_assert_eq!(t.len(), recs.len());
        let (mut ids, mut rows, mut identical) = (0u64, 0u64, 0u64);
        let mut first: std::collections::HashMap<&str, (Vec<String>, bool)> = Default::default();
        for r in recs.iter().filter(|r| !r.id.is_empty()) {
            let f = row_fields(r);
            match first.get_mut(r.id.as_str()) {
                None => { first.insert(&r.id, (f, false)); }
                Some((f0, seen)) => {
                    if !*seen { *seen = true; ids += 1; }
                    rows += 1;
                    if *f0 == f { identical += 1; }
                }
            }
        }
        let got = &rep.repeated_crime_ids;
        prop_assert_eq!((got.ids, got.rows, got.identical), (ids, rows, identical));
    }

    /// Any file police.uk could write reads back to exactly its records,
    /// whatever the line endings and quoting.
    #[test]
    fn well_formed_files_read_back_exactly(recs in proptest::collection::vec(rec(), 0..40), crlf: bool, bom: bool) {
        // Crime IDs are unique per file in real data; make them so here.
        let recs: Vec<Rec> = recs.into_iter().enumerate().map(|(i, mut r)| {
            if !r.id.is_empty() { r.id = format!("{}{i}", r.id); }
            r
        }).collect();
        let text = file_text(&recs, crlf, bom);
        let (t, rep) = read(&text).unwrap();
        prop_assert_eq!(t.len(), recs.len());
        prop_assert_eq!(rep.rows_kept, recs.len() as u64);
        for (i, r) in recs.iter().enumerate() {
            prop_assert_eq!(t.category_of(i), r.category);
            prop_assert_eq!(&t.locations[t.location[i] as usize], &r.location);
            prop_assert_eq!(&t.outcomes[t.outcome[i] as usize], &r.outcome);
            match r.coord {
                Some((x, y)) => prop_assert_eq!((t.lon[i], t.lat[i]), (x, y)),
                None => prop_assert_eq!((t.lon[i], t.lat[i]), (NO_COORD, NO_COORD)),
            }
            match r.lsoa {
                Some(n) => prop_assert_eq!(&t.lsoas[t.lsoa[i] as usize].code, &format!("E01{:06}", n)),
                None => prop_assert_eq!(t.lsoa[i], NO_LSOA),
            }
        }
    }

    /// Arbitrary bytes never panic the reader.
    #[test]
    fn arbitrary_bytes_never_panic(body in proptest::collection::vec(any::<u8>(), 0..400)) {
        let mut bytes = format!("{}\n", header()).into_bytes();
        bytes.extend(body);
        let _ = parse(Path::new(NAME), &bytes);
    }
}

#[test]
fn one_lsoa_code_with_two_names_keeps_each_name() {
    // Real: the Leicestershire file for 2023-04 gives E01032862 as both
    // "Leicester 009E" and "Leicester 042B". District membership is read from
    // the name, so each record keeps the name it was published with.
    let renamed = CRIME
        .replace("7755dcb3", "other")
        .replace("Charnwood 009A", "Melton 009A");
    let t = read(&format!("{}\n{CRIME}\n{renamed}\n", header()))
        .unwrap()
        .0;
    assert_eq!(t.lsoas[t.lsoa[0] as usize].name, "Charnwood 009A");
    assert_eq!(t.lsoas[t.lsoa[1] as usize].name, "Melton 009A");
    assert_eq!(t.lsoas[t.lsoa[1] as usize].code, "E01025679");
}
