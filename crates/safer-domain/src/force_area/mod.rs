//! Police force areas: which force polices a district.
//!
//! A district's records can sit in several police.uk files: its own
//! force's, a neighbouring force's (records near a boundary), and British
//! Transport Police's (crime on the railways, filed under the station's
//! LSOA in any district). Whether a month is *held* for a district depends
//! only on its own force's file, so Safer has to know which force that is.
//! Police force areas are made of whole local authority districts (Police
//! Act 1996, Schedule 1), so the answer is a table by district, written
//! here by the name police.uk's LSOA names begin with, for both the 2011
//! and 2021 LSOA vintages. A partnership's configuration may name its
//! forces instead (`forces = […]`), for areas this table does not know.

mod table;

use table::FORCE_AREAS;

/// British Transport Police as police.uk names its files. It polices the
/// railways of every district, so it is never a district's own force.
pub const TRANSPORT_POLICE: &str = "btp";

/// The force whose area holds `district` (a district name as police.uk's
/// LSOA names begin, such as "Charnwood"), in police.uk's file-name form
/// ("leicestershire"); `None` for a name the table does not know.
pub fn force_area_of(district: &str) -> Option<&'static str> {
    FORCE_AREAS
        .binary_search_by(|(d, _)| (*d).cmp(district))
        .ok()
        .map(|i| FORCE_AREAS[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_unique() {
        assert!(FORCE_AREAS.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(FORCE_AREAS.len() > 340);
    }

    #[test]
    fn districts_have_their_forces() {
        for (d, f) in [
            ("Charnwood", "leicestershire"),
            ("Rutland", "leicestershire"),
            ("Westminster", "metropolitan"),
            ("City of London", "city-of-london"),
            ("Cardiff", "south-wales"),
            ("Isle of Anglesey", "north-wales"),
            ("Isles of Scilly", "devon-and-cornwall"),
            ("King's Lynn and West Norfolk", "norfolk"),
            ("Solihull", "west-midlands"),
            ("Somerset West and Taunton", "avon-and-somerset"),
            ("Taunton Deane", "avon-and-somerset"),
        ] {
            assert_eq!(force_area_of(d), Some(f), "{d}");
        }
        assert_eq!(force_area_of("Charnwood 009G"), None);
        assert_eq!(force_area_of("charnwood"), None);
    }

    #[test]
    fn british_transport_police_polices_no_district() {
        assert!(FORCE_AREAS.iter().all(|(_, f)| *f != TRANSPORT_POLICE));
        // 43 territorial forces of England and Wales.
        let forces: std::collections::BTreeSet<&str> =
            FORCE_AREAS.iter().map(|(_, f)| *f).collect();
        assert_eq!(forces.len(), 43, "{forces:?}");
    }
}
