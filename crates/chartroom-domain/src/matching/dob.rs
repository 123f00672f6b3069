//! Dates of birth as a caller says them: `3/2/1984`, `03/02/84`, `1984-03-02`, `19840302`,
//! `03021984`; partial dates (`3/84`, `10/2002`, `1992-12`, `March 1984`, a year alone);
//! and how close a typed date is to a registered one.

use chrono::{Datelike, NaiveDate};

/// A date as typed: year, month, day (US month-first unless only day-first is valid).
/// Kept as numbers, not `NaiveDate`, so an impossible date (`02/30/1984`) can still be a
/// one-digit slip of a real one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Ymd {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Ymd {
    pub fn of(date: NaiveDate) -> Ymd {
        Ymd {
            year: date.year(),
            month: date.month(),
            day: date.day(),
        }
    }

    /// `yyyymmdd`, the form the index keeps.
    pub fn key(&self) -> String {
        format!("{:04}{:02}{:02}", self.year, self.month, self.day)
    }

    pub fn is_valid(&self) -> bool {
        NaiveDate::from_ymd_opt(self.year, self.month, self.day).is_some()
    }
}

/// A partial date of birth: a year alone (`1984`, `84`) or a month and year (`3/84`,
/// `10/2002`, `1992-12`, `March 1984`). Several years when the century is unclear.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartialDate {
    pub years: Vec<i32>,
    pub month: Option<u32>,
}

impl PartialDate {
    /// A year alone.
    pub fn year(year: i32) -> PartialDate {
        PartialDate {
            years: vec![year],
            month: None,
        }
    }
}

/// What a query token says about the date of birth.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DobQuery {
    /// A full date; several readings when the century is unclear (`84`).
    Date(Vec<Ymd>),
    /// A year alone or a month and year.
    Partial(PartialDate),
}

/// How a registered DOB compares with what was typed; best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum DobMatch {
    Exact,
    DayMonthSwapped,
    /// One digit different, or two neighbouring digits swapped.
    OneDigit,
    /// Only the year agrees.
    SameYear,
    Mismatch,
}

impl DobMatch {
    pub fn label(self) -> &'static str {
        match self {
            DobMatch::Exact => "DOB exact",
            // a partial date is labelled by `partial_label`
            DobMatch::DayMonthSwapped => "DOB day/month swapped",
            DobMatch::OneDigit => "DOB one digit off",
            DobMatch::SameYear => "DOB year only",
            DobMatch::Mismatch => "DOB differs",
        }
    }
}

const MIN_YEAR: i32 = 1850;

fn years_for(two_or_four: &str, pivot_year: i32) -> Vec<i32> {
    let Ok(n) = two_or_four.parse::<i32>() else {
        return Vec::new();
    };
    match two_or_four.len() {
        4 => vec![n],
        1 | 2 => {
            // Both centuries: a 1915 birth is typed `15` as often as a 2015 one.
            let recent = 2000 + n;
            let older = 1900 + n;
            if recent <= pivot_year {
                vec![recent, older]
            } else {
                vec![older]
            }
        }
        _ => Vec::new(),
    }
}

fn plausible(y: &Ymd, pivot_year: i32) -> bool {
    (MIN_YEAR..=pivot_year).contains(&y.year)
        && (1..=12).contains(&y.month)
        && (1..=31).contains(&y.day)
}

/// Month-first reading, or day-first when month-first is impossible (`25/03/1984`).
fn month_day(a: u32, b: u32, years: &[i32], pivot_year: i32) -> Vec<Ymd> {
    let mut out = Vec::new();
    for &year in years {
        let md = Ymd {
            year,
            month: a,
            day: b,
        };
        let dm = Ymd {
            year,
            month: b,
            day: a,
        };
        if plausible(&md, pivot_year) {
            out.push(md);
        } else if plausible(&dm, pivot_year) {
            out.push(dm);
        }
    }
    out
}

/// Reads a DOB from one query token. `pivot_year` (the current year) decides two-digit
/// years and rejects future dates. Returns `None` when the token is not date-like.
pub fn parse_dob(token: &str, pivot_year: i32) -> Option<DobQuery> {
    let token = token.trim();
    if token.is_empty() {
        return None;
    }
    let has_sep = token.contains(['/', '-', '.']);
    if has_sep {
        let parts: Vec<&str> = token.split(['/', '-', '.']).collect();
        if parts.len() == 2 {
            return month_and_year(parts[0], parts[1], pivot_year);
        }
        if parts.len() != 3
            || parts
                .iter()
                .any(|p| p.is_empty() || p.len() > 4 || !p.bytes().all(|b| b.is_ascii_digit()))
        {
            return None;
        }
        let n = |s: &str| s.parse::<u32>().ok();
        let dates = if parts[0].len() == 4 {
            // ISO: year-month-day
            let (Ok(year), Some(m), Some(d)) = (parts[0].parse::<i32>(), n(parts[1]), n(parts[2]))
            else {
                return None;
            };
            month_day(m, d, &[year], pivot_year)
        } else {
            let (Some(a), Some(b)) = (n(parts[0]), n(parts[1])) else {
                return None;
            };
            month_day(a, b, &years_for(parts[2], pivot_year), pivot_year)
        };
        return (!dates.is_empty()).then_some(DobQuery::Date(dates));
    }
    if !token.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let num = |s: &str| s.parse::<u32>().unwrap_or(0);
    match token.len() {
        4 => {
            let year = token.parse::<i32>().ok()?;
            (MIN_YEAR..=pivot_year)
                .contains(&year)
                .then(|| DobQuery::Partial(PartialDate::year(year)))
        }
        6 => {
            let dates = month_day(
                num(&token[0..2]),
                num(&token[2..4]),
                &years_for(&token[4..6], pivot_year),
                pivot_year,
            );
            (!dates.is_empty()).then_some(DobQuery::Date(dates))
        }
        8 => {
            let mut dates = Vec::new();
            let iso = Ymd {
                year: num(&token[0..4]) as i32,
                month: num(&token[4..6]),
                day: num(&token[6..8]),
            };
            if plausible(&iso, pivot_year) {
                dates.push(iso);
            }
            for d in month_day(
                num(&token[0..2]),
                num(&token[2..4]),
                &years_for(&token[4..8], pivot_year),
                pivot_year,
            ) {
                if !dates.contains(&d) {
                    dates.push(d);
                }
            }
            (!dates.is_empty()).then_some(DobQuery::Date(dates))
        }
        _ => None,
    }
}

/// A month and year written with a separator: `3/84`, `10/2002`, `12-1992`, `1992-12`.
/// The month is 1-12; the year has four digits, or two (both centuries). Anything else
/// (`555-1234`, `1/2`) is not a date.
fn month_and_year(a: &str, b: &str, pivot_year: i32) -> Option<DobQuery> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    if !digits(a) || !digits(b) {
        return None;
    }
    let (month, year) = match (a.len(), b.len()) {
        (4, 1 | 2) => (b, a),
        (1 | 2, 2 | 4) => (a, b),
        _ => return None,
    };
    let month: u32 = month.parse().ok()?;
    if !(1..=12).contains(&month) {
        return None;
    }
    let years: Vec<i32> = years_for(year, pivot_year)
        .into_iter()
        .filter(|y| (MIN_YEAR..=pivot_year).contains(y))
        .collect();
    (!years.is_empty()).then_some(DobQuery::Partial(PartialDate {
        years,
        month: Some(month),
    }))
}

/// A bare two-digit number read as a birth year (`84` → 1984; `15` → 2015 or 1915).
pub fn two_digit_year(token: &str, pivot_year: i32) -> Option<DobQuery> {
    if token.len() != 2 || !token.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let years = years_for(token, pivot_year);
    (!years.is_empty()).then_some(DobQuery::Partial(PartialDate { years, month: None }))
}

/// The month a word names (`jun`, `June`, `sept.`), 1-based.
pub fn month_number(word: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let w = word.trim_end_matches('.').to_ascii_lowercase();
    if w.len() < 3 {
        return None;
    }
    let found = MONTHS.iter().position(|m| {
        *m == w || (w.len() == 3 && m.starts_with(&w)) || (w == "sept" && *m == "september")
    })?;
    Some(found as u32 + 1)
}

/// A date written with the month as a word, in one token (`05-JUN-1996`, `jun-5-96`,
/// `5.june.1996`, `05JUN1996`) or spread over the given words (`june 5 1996`,
/// `5th june 1996`), as `month/day/year` text the query reader treats like any typed
/// date. Returns the text and how many of `words` it used.
pub fn month_name_date(words: &[&str]) -> Option<(String, usize)> {
    let day = |s: &str| -> Option<u32> {
        let digits = s.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        let suffix = &s[digits.len()..];
        let ok_suffix = suffix.is_empty()
            || ["st", "nd", "rd", "th"].contains(&suffix.to_ascii_lowercase().as_str());
        let d: u32 = digits.parse().ok()?;
        (ok_suffix && (1..=31).contains(&d) && digits.len() <= 2).then_some(d)
    };
    fn year(s: &str) -> Option<&str> {
        (matches!(s.len(), 2 | 4) && s.chars().all(|c| c.is_ascii_digit())).then_some(s)
    }
    let text = |m: u32, d: u32, y: &str| format!("{m}/{d}/{y}");
    let first = words.first()?;
    // one token: parts split at separators, or letters between digits (`05JUN1996`)
    let mut parts: Vec<&str> = first
        .split(['-', '/', '.', ' '])
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() == 1 {
        let t = *first;
        let a = t.find(|c: char| c.is_ascii_alphabetic());
        let b = t.rfind(|c: char| c.is_ascii_alphabetic());
        if let (Some(a), Some(b)) = (a, b) {
            if a > 0 && b + 1 < t.len() {
                parts = vec![&t[..a], &t[a..=b], &t[b + 1..]];
            }
        }
    }
    if parts.len() == 2 {
        // `JUN-1996`, `june/84`: a month and year
        return match (month_number(parts[0]), year(parts[1])) {
            (Some(m), Some(y)) => Some((format!("{m}/{y}"), 1)),
            _ => None,
        };
    }
    if parts.len() == 3 {
        if let (Some(d), Some(m), Some(y)) = (day(parts[0]), month_number(parts[1]), year(parts[2]))
        {
            return Some((text(m, d, y), 1));
        }
        if let (Some(m), Some(d), Some(y)) = (month_number(parts[0]), day(parts[1]), year(parts[2]))
        {
            return Some((text(m, d, y), 1));
        }
        return None;
    }
    // three words: `june 5 1996` or `5 june 1996`
    if let Some([a, b, c]) = words.get(..3) {
        if let (Some(m), Some(d), Some(y)) = (month_number(a), day(b), year(c)) {
            return Some((text(m, d, y), 3));
        }
        if let (Some(d), Some(m), Some(y)) = (day(a), month_number(b), year(c)) {
            return Some((text(m, d, y), 3));
        }
    }
    // two words: a month next to a year is a month and year (`March 1984`, `mar '84`),
    // not a name word
    let [a, b] = words.get(..2)? else {
        return None;
    };
    // more digits after (`june 32 1996`, `mar 12 34 56`): not a month and year
    if words
        .get(2)
        .is_some_and(|c| !c.is_empty() && c.chars().all(|ch| ch.is_ascii_digit()))
    {
        return None;
    }
    let (m, y) = (month_number(a)?, year(b.trim_start_matches(['\'', '’']))?);
    Some((format!("{m}/{y}"), 2))
}

/// Whether two digit strings of one length differ in one digit or by one swap of
/// neighbouring digits.
pub fn one_digit_apart(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let diffs: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
    match diffs.as_slice() {
        [_] => true,
        [i, j] => *j == i + 1 && a[*i] == b[*j] && a[*j] == b[*i],
        _ => false,
    }
}

/// Compares a typed date with a registered DOB.
pub fn compare_dob(query: &DobQuery, dob: NaiveDate) -> DobMatch {
    let actual = Ymd::of(dob);
    match query {
        DobQuery::Partial(p) => p
            .years
            .iter()
            .map(|y| {
                let month_ok = p.month.is_none_or(|m| m == actual.month);
                if *y == actual.year {
                    if month_ok {
                        DobMatch::Exact
                    } else {
                        DobMatch::SameYear
                    }
                } else if month_ok
                    && one_digit_apart(&format!("{y:04}"), &format!("{:04}", actual.year))
                {
                    DobMatch::OneDigit
                } else {
                    DobMatch::Mismatch
                }
            })
            .min()
            .unwrap_or(DobMatch::Mismatch),
        DobQuery::Date(dates) => dates
            .iter()
            .map(|q| {
                if *q == actual {
                    DobMatch::Exact
                } else if q.year == actual.year && q.month == actual.day && q.day == actual.month {
                    DobMatch::DayMonthSwapped
                } else if one_digit_apart(&q.key(), &actual.key()) {
                    DobMatch::OneDigit
                } else if q.year == actual.year {
                    DobMatch::SameYear
                } else {
                    DobMatch::Mismatch
                }
            })
            .min()
            .unwrap_or(DobMatch::Mismatch),
    }
}

/// Index keys worth looking up for a typed date: the date, its day/month swap, and every
/// valid one-digit slip (so a slip still finds candidates).
pub fn lookup_keys(query: &DobQuery, with_slips: bool) -> Vec<String> {
    let mut out = Vec::new();
    let DobQuery::Date(dates) = query else {
        return out;
    };
    for q in dates {
        let mut push = |y: Ymd| {
            if y.is_valid() {
                let k = y.key();
                if !out.contains(&k) {
                    out.push(k);
                }
            }
        };
        push(*q);
        push(Ymd {
            year: q.year,
            month: q.day,
            day: q.month,
        });
        if with_slips {
            let key = q.key().into_bytes();
            for i in 0..key.len() {
                for digit in b'0'..=b'9' {
                    if digit == key[i] {
                        continue;
                    }
                    let mut k = key.clone();
                    k[i] = digit;
                    if let Some(y) = parse_key(&k) {
                        push(y);
                    }
                }
                if i + 1 < key.len() && key[i] != key[i + 1] {
                    let mut k = key.clone();
                    k.swap(i, i + 1);
                    if let Some(y) = parse_key(&k) {
                        push(y);
                    }
                }
            }
        }
    }
    out
}

/// Index keys a partial date matches exactly: every day of the month (`yyyymmdd`) for a
/// month and year, `y` + year for a year alone.
pub fn partial_keys(p: &PartialDate) -> Vec<String> {
    let mut out = Vec::new();
    for &year in &p.years {
        match p.month {
            Some(month) => out.extend(
                (1..=31)
                    .map(|day| Ymd { year, month, day })
                    .filter(Ymd::is_valid)
                    .map(|d| d.key()),
            ),
            None => out.push(format!("y{year}")),
        }
    }
    out
}

/// How a partial date's match reads in a hit's `why`.
pub fn partial_label(p: &PartialDate, m: DobMatch) -> &'static str {
    match (m, p.month.is_some()) {
        (DobMatch::Exact, true) => "DOB month and year",
        (DobMatch::Exact, false) => "DOB year",
        (DobMatch::SameYear, _) => "DOB year only (month differs)",
        (DobMatch::OneDigit, _) => "DOB year one digit off",
        _ => "DOB differs",
    }
}

fn parse_key(k: &[u8]) -> Option<Ymd> {
    let s = std::str::from_utf8(k).ok()?;
    Some(Ymd {
        year: s.get(0..4)?.parse().ok()?,
        month: s.get(4..6)?.parse().ok()?,
        day: s.get(6..8)?.parse().ok()?,
    })
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn month_names_and_their_dates() {
        assert_eq!(month_number("Jun"), Some(6));
        assert_eq!(month_number("september"), Some(9));
        assert_eq!(month_number("Sept."), Some(9));
        assert_eq!(month_number("ju"), None);
        assert_eq!(month_number("junk"), None);
        let date = |w: &[&str]| month_name_date(w);
        assert_eq!(date(&["05-JUN-1996"]), Some(("6/5/1996".into(), 1)));
        assert_eq!(date(&["jun-5-96"]), Some(("6/5/96".into(), 1)));
        assert_eq!(date(&["31DEC2001"]), Some(("12/31/2001".into(), 1)));
        assert_eq!(
            date(&["june", "5th", "1996", "x"]),
            Some(("6/5/1996".into(), 3))
        );
        assert_eq!(date(&["5", "June", "1996"]), Some(("6/5/1996".into(), 3)));
        assert_eq!(date(&["june", "smith"]), None);
        // a month next to a year is a month and year
        assert_eq!(date(&["March", "1984", "x"]), Some(("3/1984".into(), 2)));
        assert_eq!(date(&["mar", "'84"]), Some(("3/84".into(), 2)));
        assert_eq!(date(&["JUN-1996"]), Some(("6/1996".into(), 1)));
        assert_eq!(date(&["june", "5"]), None);
        assert_eq!(date(&["E10023"]), None);
        assert_eq!(date(&["june", "32", "1996"]), None);
        assert_eq!(date(&["june", "5", "199"]), None);
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    fn first(token: &str) -> Ymd {
        match parse_dob(token, 2026) {
            Some(DobQuery::Date(v)) => v[0],
            other => panic!("{token}: {other:?}"),
        }
    }

    #[test]
    fn every_common_form_parses() {
        let want = Ymd {
            year: 1984,
            month: 3,
            day: 2,
        };
        for t in [
            "3/2/1984",
            "03/02/84",
            "1984-03-02",
            "19840302",
            "03021984",
            "3-2-84",
            "03.02.1984",
        ] {
            assert_eq!(first(t), want, "{t}");
        }
        assert_eq!(
            parse_dob("1984", 2026),
            Some(DobQuery::Partial(PartialDate::year(1984)))
        );
        assert_eq!(parse_dob("2099", 2026), None);
        assert_eq!(parse_dob("smith", 2026), None);
        assert_eq!(parse_dob("1/2", 2026), None);
        // day-first when month-first is impossible
        assert_eq!(
            first("25/03/1984"),
            Ymd {
                year: 1984,
                month: 3,
                day: 25
            }
        );
    }

    #[test]
    fn two_digit_years_try_both_centuries() {
        match parse_dob("3/2/15", 2026) {
            Some(DobQuery::Date(v)) => {
                assert_eq!(v.len(), 2);
                assert_eq!(v[0].year, 2015);
                assert_eq!(v[1].year, 1915);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn comparisons_grade_closeness() {
        let q = parse_dob("3/2/1984", 2026).expect("date");
        assert_eq!(compare_dob(&q, d(1984, 3, 2)), DobMatch::Exact);
        assert_eq!(compare_dob(&q, d(1984, 2, 3)), DobMatch::DayMonthSwapped);
        assert_eq!(compare_dob(&q, d(1984, 3, 5)), DobMatch::OneDigit);
        assert_eq!(compare_dob(&q, d(1948, 3, 2)), DobMatch::OneDigit);
        assert_eq!(compare_dob(&q, d(1984, 7, 19)), DobMatch::SameYear);
        assert_eq!(compare_dob(&q, d(1990, 7, 19)), DobMatch::Mismatch);
        let y = parse_dob("1984", 2026).expect("year");
        assert_eq!(compare_dob(&y, d(1984, 7, 19)), DobMatch::Exact);
    }

    #[test]
    fn lookup_keys_include_swaps_and_slips() {
        let q = parse_dob("3/2/1984", 2026).expect("date");
        let keys = lookup_keys(&q, true);
        assert_eq!(keys[0], "19840302");
        assert!(keys.contains(&"19840203".to_string()));
        assert!(keys.contains(&"19840305".to_string()));
        assert!(!keys.contains(&"19841302".to_string()));
    }

    fn partial(token: &str) -> Option<PartialDate> {
        match parse_dob(token, 2026) {
            Some(DobQuery::Partial(p)) => Some(p),
            _ => None,
        }
    }

    #[test]
    fn month_and_year_forms_are_partial_dates() {
        let want = |years: &[i32], month| PartialDate {
            years: years.to_vec(),
            month: Some(month),
        };
        assert_eq!(partial("3/84"), Some(want(&[1984], 3)));
        assert_eq!(partial("10/2002"), Some(want(&[2002], 10)));
        assert_eq!(partial("1992-12"), Some(want(&[1992], 12)));
        assert_eq!(partial("12/1992"), Some(want(&[1992], 12)));
        assert_eq!(partial("3/15"), Some(want(&[2015, 1915], 3)));
        // not a month, not a year, or a phone fragment: not a date
        assert_eq!(parse_dob("13/84", 2026), None);
        assert_eq!(parse_dob("555-1234", 2026), None);
        assert_eq!(parse_dob("1/2", 2026), None);
        assert_eq!(parse_dob("10/2099", 2026), None);
        assert_eq!(
            two_digit_year("84", 2026),
            Some(DobQuery::Partial(PartialDate::year(1984)))
        );
        assert_eq!(
            two_digit_year("15", 2026),
            Some(DobQuery::Partial(PartialDate {
                years: vec![2015, 1915],
                month: None
            }))
        );
        assert_eq!(two_digit_year("123", 2026), None);
    }

    #[test]
    fn partial_dates_narrow_by_month_and_year() {
        let q = parse_dob("3/84", 2026).expect("month and year");
        assert_eq!(compare_dob(&q, d(1984, 3, 17)), DobMatch::Exact);
        assert_eq!(compare_dob(&q, d(1984, 4, 17)), DobMatch::SameYear);
        assert_eq!(compare_dob(&q, d(1985, 3, 17)), DobMatch::OneDigit);
        assert_eq!(compare_dob(&q, d(1990, 3, 17)), DobMatch::Mismatch);
        let Some(DobQuery::Partial(p)) = parse_dob("2/1984", 2026) else {
            panic!("partial");
        };
        let keys = partial_keys(&p);
        assert_eq!(keys.len(), 29, "1984 is a leap year");
        assert_eq!(keys[0], "19840201");
        assert_eq!(partial_keys(&PartialDate::year(1984)), vec!["y1984"]);
        assert_eq!(partial_label(&p, DobMatch::Exact), "DOB month and year");
    }
}
