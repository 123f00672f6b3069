//! FHIR references in their three shapes and the maps that resolve them.
//!
//! - `urn:uuid:<id>`: a bundle entry's `fullUrl`, known within that bundle only;
//! - `Patient/<id>` (also as the tail of an absolute URL): a resource id, known across
//!   the files of one import;
//! - `Practitioner?identifier=<system>|<value>` (or a logical `identifier`): whatever
//!   resource carries that identifier, in any file of the import.

use super::resources::{FhirIdentifier, Reference};
use std::collections::HashMap;

/// A parsed reference.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Target<'a> {
    /// A bundle-local `fullUrl` (`urn:uuid:…`).
    FullUrl(&'a str),
    /// `Type/id`.
    Id { kind: &'a str, id: &'a str },
    /// `Type?identifier=system|value`; `kind` is empty for a logical identifier.
    Identifier {
        kind: &'a str,
        system: &'a str,
        value: &'a str,
    },
}

impl<'a> Target<'a> {
    pub fn parse(reference: &'a Reference) -> Option<Target<'a>> {
        if let Some(text) = reference.reference.as_deref().map(str::trim) {
            return Target::parse_text(text);
        }
        let FhirIdentifier { system, value, .. } = reference.identifier.as_ref()?;
        Some(Target::Identifier {
            kind: "",
            system: system.as_deref().unwrap_or_default(),
            value: value.as_deref()?,
        })
    }

    fn parse_text(text: &'a str) -> Option<Target<'a>> {
        if text.starts_with("urn:uuid:") || text.starts_with("urn:oid:") {
            return Some(Target::FullUrl(text));
        }
        if let Some((kind, query)) = text.split_once('?') {
            let search = query.strip_prefix("identifier=")?;
            let (system, value) = match search.split_once('|') {
                Some((s, v)) => (s, v),
                None => ("", search),
            };
            return Some(Target::Identifier {
                kind: kind.rsplit('/').next().unwrap_or(kind),
                system,
                value,
            });
        }
        // `Patient/123`, `https://server/fhir/Patient/123`, `Patient/123/_history/2`.
        let path = match text.split_once("/_history/") {
            Some((path, _)) => path,
            None => text,
        };
        let (rest, id) = path.rsplit_once('/')?;
        let kind = rest.rsplit('/').next().unwrap_or(rest);
        (!kind.is_empty() && !id.is_empty()).then_some(Target::Id { kind, id })
    }
}

/// Resolves references to one resource type, to `T` (a row id, a name...).
#[derive(Debug)]
pub(crate) struct Lookup<T> {
    kind: &'static str,
    by_id: HashMap<String, T>,
    by_identifier: HashMap<(String, String), T>,
}

impl<T: Clone> Lookup<T> {
    pub fn new(kind: &'static str) -> Self {
        Lookup {
            kind,
            by_id: HashMap::new(),
            by_identifier: HashMap::new(),
        }
    }

    pub fn add_id(&mut self, id: &str, value: T) {
        self.by_id.insert(id.to_string(), value);
    }

    pub fn add_identifier(&mut self, system: &str, id_value: &str, value: T) {
        self.by_identifier
            .insert((system.to_string(), id_value.to_string()), value);
    }

    /// Resolves `target`; `full_urls` maps the current bundle's `fullUrl`s to
    /// `(resourceType, id)`.
    pub fn resolve(&self, target: &Target, full_urls: &FullUrls) -> Option<T> {
        match *target {
            Target::FullUrl(url) => {
                let (kind, id) = full_urls.get(url)?;
                (kind == self.kind).then(|| self.by_id.get(id).cloned())?
            }
            Target::Id { kind, id } => (kind == self.kind)
                .then(|| self.by_id.get(id).cloned())
                .flatten(),
            Target::Identifier {
                kind,
                system,
                value,
            } => {
                if !kind.is_empty() && kind != self.kind {
                    return None;
                }
                let key = (system.to_string(), value.to_string());
                self.by_identifier.get(&key).cloned()
            }
        }
    }
}

/// `fullUrl` → `(resourceType, id)` of one bundle.
pub(crate) type FullUrls = HashMap<String, (String, String)>;

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(text: &str) -> Reference {
        Reference {
            reference: Some(text.into()),
            identifier: None,
        }
    }

    #[test]
    fn all_three_shapes_parse() {
        let r = reference("urn:uuid:abc");
        assert_eq!(Target::parse(&r), Some(Target::FullUrl("urn:uuid:abc")));
        let r = reference("Patient/123");
        assert_eq!(
            Target::parse(&r),
            Some(Target::Id {
                kind: "Patient",
                id: "123"
            })
        );
        let r = reference("https://example.org/fhir/Encounter/9/_history/2");
        assert_eq!(
            Target::parse(&r),
            Some(Target::Id {
                kind: "Encounter",
                id: "9"
            })
        );
        let r = reference("Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|9999");
        assert_eq!(
            Target::parse(&r),
            Some(Target::Identifier {
                kind: "Practitioner",
                system: "http://hl7.org/fhir/sid/us-npi",
                value: "9999"
            })
        );
        assert_eq!(Target::parse(&reference("nonsense")), None);
    }

    #[test]
    fn lookups_resolve_by_id_full_url_and_identifier() {
        let mut lookup = Lookup::new("Practitioner");
        lookup.add_id("p1", 7u64);
        lookup.add_identifier("npi", "42", 7);
        let mut urls = FullUrls::new();
        urls.insert("urn:uuid:p1".into(), ("Practitioner".into(), "p1".into()));
        let resolve = |text: &str| lookup.resolve(&Target::parse(&reference(text))?, &urls);
        assert_eq!(resolve("urn:uuid:p1"), Some(7));
        assert_eq!(resolve("Practitioner/p1"), Some(7));
        assert_eq!(resolve("Patient/p1"), None);
        assert_eq!(resolve("Practitioner?identifier=npi|42"), Some(7));
        assert_eq!(resolve("Practitioner?identifier=npi|43"), None);
    }
}
