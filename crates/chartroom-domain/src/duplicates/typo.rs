//! Typing distance between two normalised words: optimal string alignment (Damerau–
//! Levenshtein without repeated edits of one substring), so a transposition (`jhon`) is
//! one slip like a wrong, missing or extra letter.

/// The number of single-letter slips (substitution, insertion, deletion, transposition
/// of neighbours) that turn `a` into `b`.
pub fn typo_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (n, m) = (a.len(), b.len());
    if n == 0 || m == 0 {
        return n.max(m);
    }
    // Three rolling rows: two back (for transpositions), one back, current.
    let mut two_back = vec![0usize; m + 1];
    let mut prev: Vec<usize> = (0..=m).collect();
    let mut cur = vec![0usize; m + 1];
    for i in 1..=n {
        cur[0] = i;
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(two_back[j - 2] + 1);
            }
            cur[j] = best;
        }
        std::mem::swap(&mut two_back, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[m]
}

/// Slips tolerated in a name of this length: none below 4 letters (`jon`/`jan` are
/// two names), one up to 7, two from 8.
pub fn allowed_slips(len: usize) -> usize {
    match len {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// Whether `a` and `b` are one or two typing slips apart (never equal).
pub fn is_typo(a: &str, b: &str) -> bool {
    if a == b {
        return false;
    }
    let allowed = allowed_slips(a.chars().count().min(b.chars().count()));
    allowed > 0 && typo_distance(a, b) <= allowed
}

/// Whether two digit strings of one length differ in one digit or by one swap of
/// neighbouring digits (an SSN or date typed with one slip): the DOB rule's test.
pub use crate::matching::dob::one_digit_apart;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slips_are_counted() {
        assert_eq!(typo_distance("smith", "smith"), 0);
        assert_eq!(typo_distance("smith", "smyth"), 1);
        assert_eq!(typo_distance("john", "jhon"), 1);
        assert_eq!(typo_distance("johnson", "jonson"), 1);
        assert_eq!(typo_distance("anna", "annna"), 1);
        assert_eq!(typo_distance("", "abc"), 3);
        assert_eq!(typo_distance("abc", "cab"), 2);
    }

    #[test]
    fn short_names_allow_no_slip() {
        assert!(!is_typo("jon", "jan"));
        assert!(is_typo("maria", "mraia"));
        assert!(is_typo("christopher", "christohper"));
        assert!(!is_typo("smith", "smith"));
        assert!(!is_typo("maria", "mario1x"));
    }

    #[test]
    fn digit_slips() {
        assert!(one_digit_apart("123456789", "123456788"));
        assert!(one_digit_apart("123456789", "123457689"));
        assert!(!one_digit_apart("123456789", "123456700"));
        assert!(!one_digit_apart("123", "1234"));
    }
}
