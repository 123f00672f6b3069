//! The real third-party samples in ../shared/data (see its README): a test that needs
//! one skips with a notice when the folder is absent, and fails when
//! CHARTROOM_REQUIRE_SHARED_DATA=1 (as CI sets it).

use std::path::{Path, PathBuf};

/// `../shared/data/REL` (or the same under /work/shared/data), or `None` with a notice.
pub fn shared_data(rel: &str) -> Option<PathBuf> {
    let candidates = [
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/data")
            .join(rel),
        PathBuf::from("/work/shared/data").join(rel),
    ];
    if let Some(found) = candidates.iter().find(|p| p.exists()) {
        return Some(found.clone());
    }
    if std::env::var("CHARTROOM_REQUIRE_SHARED_DATA").as_deref() == Ok("1") {
        panic!("shared data {rel} not found (CHARTROOM_REQUIRE_SHARED_DATA=1)");
    }
    eprintln!("notice: skipping, shared data {rel} not found");
    None
}
