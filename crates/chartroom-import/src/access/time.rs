//! ISO-8601 times with an offset, parsed by hand: the access-log import reads tens of
//! millions of them.

/// Days from 1970-01-01 to the civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

fn num(b: &[u8]) -> Option<u32> {
    if b.is_empty() {
        return None;
    }
    let mut n = 0u32;
    for c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u32::from(c - b'0');
    }
    Some(n)
}

/// Reads `YYYY-MM-DDTHH:MM[:SS[.fff]]` followed by `Z`, `±HH:MM`, `±HHMM` or `±HH`
/// (a space may stand for the `T`). Returns (microseconds since 1970 UTC, offset
/// seconds east), or `None`. Without an offset the time is read in `default_offset`
/// when one is given, else it is refused.
pub fn parse_iso_time(text: &str, default_offset: Option<i32>) -> Option<(i64, i32)> {
    let b = text.trim().as_bytes();
    if b.len() < 16
        || b[4] != b'-'
        || b[7] != b'-'
        || !(b[10] == b'T' || b[10] == b' ')
        || b[13] != b':'
    {
        return None;
    }
    let year = i64::from(num(&b[0..4])?);
    let month = num(&b[5..7])?;
    let day = num(&b[8..10])?;
    let hour = num(&b[11..13])?;
    let minute = num(&b[14..16])?;
    let mut i = 16;
    let mut second = 0;
    let mut micros = 0i64;
    if b.get(i) == Some(&b':') {
        second = num(b.get(i + 1..i + 3)?)?;
        i += 3;
        if b.get(i) == Some(&b'.') || b.get(i) == Some(&b',') {
            i += 1;
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            let digits = &b[start..i];
            if digits.is_empty() {
                return None;
            }
            let mut scale = 100_000i64;
            for d in digits.iter().take(6) {
                micros += i64::from(d - b'0') * scale;
                scale /= 10;
            }
        }
    }
    if !(1..=12).contains(&month)
        || day == 0
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let rest = &b[i..];
    let offset = match rest.first() {
        None => default_offset?,
        Some(b'Z') | Some(b'z') if rest.len() == 1 => 0,
        Some(sign @ (b'+' | b'-')) => {
            let digits: Vec<u8> = rest[1..].iter().copied().filter(|c| *c != b':').collect();
            let (h, m) = match digits.len() {
                2 => (num(&digits)?, 0),
                4 => (num(&digits[..2])?, num(&digits[2..])?),
                _ => return None,
            };
            if h > 18 || m > 59 {
                return None;
            }
            let secs = (h * 3600 + m * 60) as i32;
            if *sign == b'-' {
                -secs
            } else {
                secs
            }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let local = days * 86_400 + i64::from(hour * 3600 + minute * 60 + second.min(59));
    Some(((local - i64::from(offset)) * 1_000_000 + micros, offset))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_offsets_and_fractions() {
        let (t, off) = parse_iso_time("2026-03-04T22:15:00-05:00", None).unwrap();
        assert_eq!(off, -18_000);
        assert_eq!(
            t,
            chrono::DateTime::parse_from_rfc3339("2026-03-05T03:15:00Z")
                .unwrap()
                .timestamp_micros()
        );
        let (t2, off2) = parse_iso_time("2026-03-05T03:15:00.250Z", None).unwrap();
        assert_eq!((t2 - t, off2), (250_000, 0));
        assert_eq!(
            parse_iso_time("2026-03-05 03:15:00+0000", None).map(|x| x.0),
            Some(t)
        );
        assert_eq!(parse_iso_time("2026-03-05T03:15:00", None), None);
        assert_eq!(
            parse_iso_time("2026-03-05T03:15:00", Some(0)).map(|x| x.0),
            Some(t)
        );
        assert_eq!(parse_iso_time("2026-02-30T03:15:00Z", None), None);
        assert_eq!(parse_iso_time("yesterday", None), None);
    }
}
