//! Nicknames both ways (`bob` ↔ `robert`, `peggy` ↔ `margaret`), from the open list in
//! `demo-data/nicknames.csv` (Apache-2.0, see demo-data/NICKNAMES-LICENSE.md), compiled in.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

const NICKNAMES_CSV: &str = include_str!("../../../../demo-data/nicknames.csv");

struct Table {
    /// name → the formal names it is a nickname of (a formal name maps to itself too).
    formal_of: HashMap<&'static str, Vec<&'static str>>,
    /// (formal, nickname) pairs.
    pairs: HashSet<(&'static str, &'static str)>,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut formal_of: HashMap<&'static str, Vec<&'static str>> = HashMap::new();
        let mut pairs = HashSet::new();
        for line in NICKNAMES_CSV.lines().skip(1) {
            let mut cols = line.split(',');
            let (Some(formal), Some(rel), Some(nick)) = (cols.next(), cols.next(), cols.next())
            else {
                continue;
            };
            let (formal, nick) = (formal.trim(), nick.trim());
            if rel.trim() != "has_nickname" || formal.is_empty() || nick.is_empty() {
                continue;
            }
            pairs.insert((formal, nick));
            let entry = formal_of.entry(nick).or_default();
            if !entry.contains(&formal) {
                entry.push(formal);
            }
            let own = formal_of.entry(formal).or_default();
            if !own.contains(&formal) {
                own.push(formal);
            }
        }
        Table { formal_of, pairs }
    })
}

/// Keys under which a (normalised) given name is indexed and looked up: the formal names
/// it belongs to. Two names sharing a key are nicknames of each other (or of one formal
/// name). Names outside the list have no key.
pub fn nickname_keys(name: &str) -> &'static [&'static str] {
    table()
        .formal_of
        .get(name)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// A nickname in use for a formal given name (`robert` → `bob`), the first listed;
/// `None` when the name has none. Used to make evaluation queries.
pub fn nickname_for(formal: &str) -> Option<String> {
    let t = table();
    let mut nicks: Vec<&str> = t
        .pairs
        .iter()
        .filter(|(f, _)| *f == formal)
        .map(|(_, n)| *n)
        .collect();
    nicks.sort_unstable();
    nicks.first().map(|n| n.to_string())
}

/// How two given names relate through nicknames.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NicknameRelation {
    /// One is a listed nickname of the other (`bob` / `robert`).
    Direct,
    /// Both are nicknames of one formal name (`bob` / `bobby`).
    Shared,
}

pub fn nickname_relation(a: &str, b: &str) -> Option<NicknameRelation> {
    if a == b {
        return None;
    }
    let t = table();
    if t.pairs.contains(&(a, b)) || t.pairs.contains(&(b, a)) {
        return Some(NicknameRelation::Direct);
    }
    let ka = nickname_keys(a);
    let kb = nickname_keys(b);
    ka.iter()
        .any(|k| kb.contains(k))
        .then_some(NicknameRelation::Shared)
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn nicknames_work_both_ways() {
        assert_eq!(
            nickname_relation("bob", "robert"),
            Some(NicknameRelation::Direct)
        );
        assert_eq!(
            nickname_relation("robert", "bob"),
            Some(NicknameRelation::Direct)
        );
        assert_eq!(
            nickname_relation("peggy", "margaret"),
            Some(NicknameRelation::Direct)
        );
        assert_eq!(
            nickname_relation("jon", "john"),
            Some(NicknameRelation::Direct)
        );
        assert_eq!(nickname_relation("john", "mary"), None);
        assert_eq!(nickname_relation("john", "john"), None);
        assert!(nickname_keys("bob").contains(&"robert"));
        assert!(nickname_keys("robert").contains(&"robert"));
        assert!(nickname_keys("zzzz").is_empty());
    }
}
