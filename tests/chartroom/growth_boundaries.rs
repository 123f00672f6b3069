//! The boundaries the growth path (docs/SCALE.md, ../shared/DESIGN.md) relies on, checked
//! on the source tree: a distributed ordered key-value store (FoundationDB, TiKV) can take
//! redb's place only if redb stays inside `chartroom-store`, and Quickwit can take the
//! local index's place only if tantivy stays inside `chartroom-search` and the services
//! reach the index through the `ChartIndex` trait.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every package manifest of the workspace (the binary's and each layer crate's).
fn manifests() -> Vec<(String, String)> {
    let mut out = vec![(
        "chartroom".to_string(),
        std::fs::read_to_string(root().join("Cargo.toml")).unwrap(),
    )];
    for entry in std::fs::read_dir(root().join("crates")).unwrap() {
        let dir = entry.unwrap().path();
        let manifest = dir.join("Cargo.toml");
        if manifest.is_file() {
            let name = dir.file_name().unwrap().to_string_lossy().into_owned();
            out.push((name, std::fs::read_to_string(manifest).unwrap()));
        }
    }
    out
}

/// The names under `[dependencies]` / `[dev-dependencies]` / `[build-dependencies]`.
fn dependencies(manifest: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_deps = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_deps = line.ends_with("dependencies]") && !line.starts_with("[workspace");
            continue;
        }
        if in_deps {
            // `redb = "4"`, `redb.workspace = true`, `redb = { workspace = true }`
            if let Some((name, _)) = line.split_once('=') {
                let name = name.trim().trim_matches('"');
                let name = name.split('.').next().unwrap_or(name);
                out.push(name.to_string());
            }
        }
    }
    out
}

fn users_of(dependency: &str) -> Vec<String> {
    manifests()
        .into_iter()
        .filter(|(_, text)| dependencies(text).iter().any(|d| d == dependency))
        .map(|(name, _)| name)
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn sources_of(krate: &str) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    rust_files(&root().join("crates").join(krate).join("src"), &mut files);
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p, text)
        })
        .collect()
}

#[test]
fn the_dependency_lists_parse() {
    // The checks below mean nothing if the parser finds no dependencies at all.
    let all: Vec<String> = manifests()
        .iter()
        .flat_map(|(_, t)| dependencies(t))
        .collect();
    assert!(all.iter().any(|d| d == "serde"), "{all:?}");
    assert!(all.iter().any(|d| d == "chartroom-services"), "{all:?}");
}

/// `dependency` is named by `krate`'s manifest alone and `krate` never re-exports it, so
/// callers cannot be tied to it.
fn only_behind(dependency: &str, krate: &str) {
    assert_eq!(users_of(dependency), vec![krate.to_string()]);
    for (path, text) in sources_of(krate) {
        assert!(
            !text.contains(&format!("pub use {dependency}")),
            "{} re-exports {dependency}",
            path.display()
        );
    }
}

#[test]
fn redb_is_a_dependency_of_the_store_crate_only_and_never_re_exported() {
    only_behind("redb", "chartroom-store");
}

#[test]
fn tantivy_is_a_dependency_of_the_search_crate_only_and_never_re_exported() {
    only_behind("tantivy", "chartroom-search");
}

#[test]
fn the_services_reach_the_index_through_the_chart_index_trait() {
    // Only the places that open the index name the tantivy implementation; everything
    // else holds a `dyn ChartIndex`, which a Quickwit client could implement.
    let mut naming: Vec<String> = sources_of("chartroom-services")
        .into_iter()
        .filter(|(_, text)| text.contains("TantivyIndex::open"))
        .map(|(p, _)| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    naming.sort();
    assert_eq!(naming, vec!["index_sync.rs", "lib.rs"]);
    let lib = std::fs::read_to_string(root().join("crates/chartroom-services/src/lib.rs")).unwrap();
    assert!(
        lib.contains("index: Box<dyn ChartIndex>"),
        "the services' index field"
    );
}

#[test]
fn every_store_table_has_byte_string_keys() {
    // Big-endian byte keys sort the same in redb, FoundationDB and TiKV; a native
    // integer or tuple key would sort by redb's own rules.
    let mut definitions = 0;
    for (path, text) in sources_of("chartroom-store") {
        for (at, _) in text.match_indices("TableDefinition<") {
            let rest = &text[at + "TableDefinition<".len()..];
            // the first type argument, lifetimes dropped: `'static, &'static IdKey, ..`
            let Some(key) = rest
                .split(',')
                .map(str::trim)
                .find(|arg| !arg.starts_with('\''))
            else {
                continue;
            };
            let key = key.replace("'static ", "");
            if key.len() == 1 {
                continue; // a generic helper's `K`, not a table
            }
            let key = key.as_str();
            definitions += 1;
            let byte_key = key.starts_with("&[u8")
                || [
                    "&IdKey",
                    "&PairKey",
                    "&NameKey",
                    "&AccessKey",
                    "&AccessKeyV1",
                    "&DayKey",
                ]
                .contains(&key);
            assert!(byte_key, "{}: table key {key}", path.display());
        }
    }
    assert!(definitions >= 30, "found {definitions} table definitions");
}
