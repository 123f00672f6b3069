//! The Identity workspace (f7, HIM/MPI roles): the duplicate-pair queue worst first and
//! each pair's field-by-field comparison with the differences marked and both charts'
//! encounters (merge choosing the survivor, not duplicate, defer, unmerge); the overlay
//! check (one MRN, two people); the paper charts out with the scan station (a scanner
//! types the MRN and Enter), overdue first, the missing-chart workflow; and a day's pull
//! list in terminal-digit order. Keymap section `[identity]`.

pub mod compare;
pub mod jobs;
pub mod rows;
pub mod state;
pub mod update;
pub mod view;
