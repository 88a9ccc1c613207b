//! The dependency direction written in ARCHITECTURE.md, enforced: a new
//! edge that breaks it fails here, not in review.

use std::collections::BTreeMap;
use std::process::Command;

/// For each workspace crate, the workspace crates it may depend on.
const ALLOWED: &[(&str, &[&str])] = &[
    ("safer-domain", &[]),
    ("safer-analysis", &["safer-domain"]),
    ("safer-ingest", &["safer-domain", "safer-analysis"]),
    ("safer-store", &["safer-domain", "safer-analysis"]),
    ("safer-report", &["safer-domain", "safer-analysis"]),
    // The application layer: every task, with its actor, scope and audit.
    (
        "safer-app",
        &[
            "safer-domain",
            "safer-analysis",
            "safer-ingest",
            "safer-store",
            "safer-report",
        ],
    ),
    // The two edges reach storage and files only through the application
    // layer, so no page or command can skip its checks or its audit.
    (
        "safer-web",
        &[
            "safer-domain",
            "safer-analysis",
            "safer-report",
            "safer-app",
        ],
    ),
    (
        "safer",
        &[
            "safer-domain",
            "safer-analysis",
            "safer-report",
            "safer-app",
            "safer-web",
        ],
    ),
    ("xtask", &[]),
];

/// External crates that would break an invariant if they appeared in the
/// pure crates: IO runtimes, SQL, HTTP, file formats.
const FORBIDDEN_IN_PURE: &[&str] = &[
    "tokio",
    "sqlx",
    "axum",
    "hyper",
    "reqwest",
    "csv",
    "serde_json",
    "rusqlite",
];

#[test]
fn dependencies_point_one_way() {
    let out = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("metadata JSON");
    let mut deps: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for p in meta["packages"].as_array().expect("packages") {
        let name = p["name"].as_str().expect("name").to_owned();
        let d = p["dependencies"]
            .as_array()
            .expect("deps")
            .iter()
            .map(|d| {
                (
                    d["name"].as_str().unwrap_or("").to_owned(),
                    d["kind"].as_str().unwrap_or("normal").to_owned(),
                )
            })
            .collect();
        deps.insert(name, d);
    }
    for (name, d) in &deps {
        let allowed = ALLOWED
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("crate {name} is not in the architecture table; add it to ARCHITECTURE.md and here"))
            .1;
        for (dep, kind) in d {
            if kind == "dev" {
                continue;
            }
            if deps.contains_key(dep) {
                assert!(
                    allowed.contains(&dep.as_str()),
                    "{name} must not depend on {dep} (see ARCHITECTURE.md)"
                );
            }
            if name == "safer-domain" || name == "safer-analysis" {
                assert!(
                    !FORBIDDEN_IN_PURE.contains(&dep.as_str()),
                    "{name} is pure and must not depend on {dep}"
                );
            }
        }
    }
}
