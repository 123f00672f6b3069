//! Sound-alike keys (Double Metaphone, primary and alternate codes).

use rphonetic::DoubleMetaphone;

/// Longer than the classic 4 so `johnson` and `johnston` stay apart while `smith`,
/// `smyth` and `schmidt` (XMT) still meet.
const CODE_LENGTH: usize = 6;

/// The distinct Double Metaphone codes of a normalised word (one or two; none for an
/// empty word).
pub fn phonetic_keys(word: &str) -> Vec<String> {
    if word.is_empty() {
        return Vec::new();
    }
    let result = DoubleMetaphone::new(Some(CODE_LENGTH)).double_metaphone(word);
    let primary = result.primary();
    let alternate = result.alternate();
    let mut out = Vec::with_capacity(2);
    if !primary.is_empty() {
        out.push(primary);
    }
    if !alternate.is_empty() && !out.contains(&alternate) {
        out.push(alternate);
    }
    out
}

/// Whether two words share a Double Metaphone code.
pub fn sounds_alike(a: &[String], b: &[String]) -> bool {
    a.iter().any(|x| b.contains(x))
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn sound_alikes_meet() {
        assert!(sounds_alike(
            &phonetic_keys("smith"),
            &phonetic_keys("smyth")
        ));
        assert!(sounds_alike(
            &phonetic_keys("catherine"),
            &phonetic_keys("kathryn")
        ));
        assert!(sounds_alike(
            &phonetic_keys("stephen"),
            &phonetic_keys("steven")
        ));
        assert!(!sounds_alike(
            &phonetic_keys("smith"),
            &phonetic_keys("jones")
        ));
        assert!(phonetic_keys("").is_empty());
    }
}
