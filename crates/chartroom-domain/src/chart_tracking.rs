//! Physical charts: where each paper volume is, who has it and until when. Charts are
//! filed by terminal digit (DOMAIN.md "Identity and charts"): MRN 12-34-56 is shelved
//! in section 56, then 34, then 12, so pull lists are sorted that way.

use crate::ids::{Mrn, PatientId};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// Where a chart volume is.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ChartPlace {
    /// On its terminal-digit shelf in the file room.
    FileRoom,
    /// Charged out to a department (clinic, ward, coding…).
    Department(String),
    /// In off-site storage (box or vendor named).
    OffSite(String),
    /// Charged out to a named person.
    Borrower(String),
    /// Not where the records say: the missing-chart workflow is searching for it.
    Missing,
}

impl ChartPlace {
    /// Reads `file room`, `dept:Cardiology`, `offsite:Box 12`, `person:Dr Lee`,
    /// `missing`; anything else is a department name.
    pub fn parse(text: &str) -> Option<ChartPlace> {
        let t = text.trim();
        if t.is_empty() {
            return None;
        }
        let lower = t.to_ascii_lowercase();
        if matches!(lower.as_str(), "file room" | "fileroom" | "file" | "shelf") {
            return Some(ChartPlace::FileRoom);
        }
        if lower == "missing" {
            return Some(ChartPlace::Missing);
        }
        let named = |prefix: &str| {
            lower
                .strip_prefix(prefix)
                .map(|_| t[prefix.len()..].trim().to_string())
                .filter(|s| !s.is_empty())
        };
        if let Some(n) = named("dept:") {
            return Some(ChartPlace::Department(n));
        }
        if let Some(n) = named("offsite:").or_else(|| named("off-site:")) {
            return Some(ChartPlace::OffSite(n));
        }
        if let Some(n) = named("person:") {
            return Some(ChartPlace::Borrower(n));
        }
        Some(ChartPlace::Department(t.to_string()))
    }

    pub fn label(&self) -> String {
        match self {
            ChartPlace::FileRoom => "file room".into(),
            ChartPlace::Department(d) => format!("dept {d}"),
            ChartPlace::OffSite(s) => format!("off-site {s}"),
            ChartPlace::Borrower(p) => format!("with {p}"),
            ChartPlace::Missing => "MISSING".into(),
        }
    }

    /// Whether the chart is out of the file room (charged out, off site, or missing).
    pub fn is_out(&self) -> bool {
        *self != ChartPlace::FileRoom
    }
}

/// One move of a volume: where to, when, by whom, due back when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChartMove {
    pub to: ChartPlace,
    pub at: NaiveDateTime,
    pub by: String,
    pub due: Option<NaiveDate>,
    pub note: String,
}

/// A request for a chart (a clinic visit, coding, a release).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChartRequest {
    pub by: String,
    pub needed_on: NaiveDate,
    pub reason: String,
    pub at: NaiveDateTime,
}

/// One paper volume of a chart and where it is. A chart with no row is volume 1 on its
/// shelf.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChartVolume {
    pub patient: PatientId,
    /// 1, 2, …: thick charts are filed in several volumes.
    pub volume: u16,
    pub place: ChartPlace,
    pub since: NaiveDateTime,
    pub due: Option<NaiveDate>,
    pub requests: Vec<ChartRequest>,
    /// Every move, oldest first.
    pub history: Vec<ChartMove>,
}

impl ChartVolume {
    /// A volume on its shelf (never moved).
    pub fn on_shelf(patient: PatientId, volume: u16, since: NaiveDateTime) -> ChartVolume {
        ChartVolume {
            patient,
            volume,
            place: ChartPlace::FileRoom,
            since,
            due: None,
            requests: Vec::new(),
            history: Vec::new(),
        }
    }

    /// Moves the volume (charge-out, check-in, off-site, missing).
    pub fn move_to(
        &mut self,
        to: ChartPlace,
        at: NaiveDateTime,
        by: &str,
        due: Option<NaiveDate>,
        note: &str,
    ) {
        self.place = to.clone();
        self.since = at;
        self.due = if to.is_out() { due } else { None };
        self.history.push(ChartMove {
            to,
            at,
            by: by.to_string(),
            due: self.due,
            note: note.to_string(),
        });
    }

    /// Out and past its due-back date on `today`.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.place.is_out() && self.due.is_some_and(|d| d < today)
    }
}

/// Sort key of terminal-digit filing: the last two digits, then the middle two, then
/// the first four (`00-12-34-56` → 56, 34, 12, 00).
pub fn terminal_digit_key(mrn: Mrn) -> (u32, u32, u32, u32) {
    let n = mrn.0;
    (n % 100, (n / 100) % 100, (n / 10_000) % 100, n / 1_000_000)
}

/// The shelf a chart is filed on, read the way the file room reads it: `56-34-12`
/// (section, then sub-section, then the rest).
pub fn shelf_label(mrn: Mrn) -> String {
    let (a, b, c, d) = terminal_digit_key(mrn);
    if d == 0 {
        format!("{a:02}-{b:02}-{c:02}")
    } else {
        format!("{a:02}-{b:02}-{c:02}-{d:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_digit_order_reads_the_last_pair_first() {
        let mut mrns = vec![Mrn(123456), Mrn(993456), Mrn(120057), Mrn(100156), Mrn(1)];
        mrns.sort_by_key(|m| terminal_digit_key(*m));
        assert_eq!(
            mrns,
            vec![Mrn(1), Mrn(100156), Mrn(123456), Mrn(993456), Mrn(120057)]
        );
        assert_eq!(shelf_label(Mrn(123456)), "56-34-12");
        assert_eq!(shelf_label(Mrn(98_123_456)), "56-34-12-98");
    }

    #[test]
    fn places_parse_and_overdue() {
        assert_eq!(ChartPlace::parse("file room"), Some(ChartPlace::FileRoom));
        assert_eq!(
            ChartPlace::parse("dept:Cardiology"),
            Some(ChartPlace::Department("Cardiology".into()))
        );
        assert_eq!(
            ChartPlace::parse("offsite:Box 7"),
            Some(ChartPlace::OffSite("Box 7".into()))
        );
        assert_eq!(
            ChartPlace::parse("person:Dr Lee"),
            Some(ChartPlace::Borrower("Dr Lee".into()))
        );
        assert_eq!(ChartPlace::parse(" "), None);
        let t = NaiveDate::from_ymd_opt(2026, 11, 1)
            .unwrap_or_default()
            .and_hms_opt(9, 0, 0)
            .unwrap_or_default();
        let mut v = ChartVolume::on_shelf(PatientId(1), 1, t);
        assert!(!v.overdue(t.date()));
        v.move_to(
            ChartPlace::Department("ED".into()),
            t,
            "clerk",
            NaiveDate::from_ymd_opt(2026, 11, 3),
            "",
        );
        assert!(!v.overdue(t.date()));
        assert!(v.overdue(NaiveDate::from_ymd_opt(2026, 11, 4).unwrap_or_default()));
        v.move_to(ChartPlace::FileRoom, t, "clerk", None, "");
        assert!(!v.overdue(NaiveDate::from_ymd_opt(2026, 11, 4).unwrap_or_default()));
        assert_eq!(v.history.len(), 2);
    }
}
