//! `safer status`.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;
use safer_domain::Month;

use crate::db;

pub fn run(data_dir: &Path, url: Option<&str>) -> Result<()> {
    let (entries, partnerships) = db::block_on(async {
        let app = db::open(data_dir, url).await?;
        let held = (app.holdings()?, app.partnerships()?);
        app.close().await;
        anyhow::Ok(held)
    })??;
    println!("Data directory: {}", data_dir.display());
    if entries.is_empty() {
        println!("No police.uk data held. Import some with `safer import police-uk PATH`.");
    }
    let mut by_force: BTreeMap<&str, Vec<(Month, u64)>> = BTreeMap::new();
    for e in &entries {
        by_force
            .entry(&e.force)
            .or_default()
            .push((e.month, e.rows));
    }
    let repeats = |force: &str| -> Vec<String> {
        entries
            .iter()
            .filter(|e| e.force == force && e.repeated_crime_ids > 0)
            .map(|e| {
                format!(
                    "{} {} repeated ({} identical)",
                    e.month, e.repeated_crime_ids, e.repeated_identical
                )
            })
            .collect()
    };
    for (force, months) in by_force {
        let (first, last) = (months[0].0, months[months.len() - 1].0);
        let held: Vec<Month> = months.iter().map(|m| m.0).collect();
        let missing: Vec<String> = (first.ordinal()..=last.ordinal())
            .map(Month::from_ordinal)
            .filter(|m| !held.contains(m))
            .map(|m| m.to_string())
            .collect();
        let rows: u64 = months.iter().map(|m| m.1).sum();
        println!(
            "{force}: {} month(s) {first} to {last}, {rows} records",
            months.len()
        );
        if !missing.is_empty() {
            println!("  MISSING: {}", missing.join(", "));
        }
        let repeated = repeats(force);
        if !repeated.is_empty() {
            println!(
                "  Repeated Crime IDs (rows kept, as police.uk counts them): {}",
                repeated.join("; ")
            );
        }
    }
    for p in partnerships {
        println!(
            "Partnership {:?}: {} (district {}, {} beats)",
            p.partnership.id,
            p.partnership.name,
            p.partnership.district,
            p.beats.len()
        );
    }
    Ok(())
}
