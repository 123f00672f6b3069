//! Pure matching rules for patient search: name normalisation, nicknames, DOB parsing and
//! comparison, phonetic keys. No I/O; `search/` builds the index and ranking on these.

pub mod dob;
pub mod nickname;
pub mod normalize;
pub mod phonetic;

pub use dob::{
    compare_dob, lookup_keys, month_name_date, parse_dob, partial_keys, partial_label,
    two_digit_year, DobMatch, DobQuery, PartialDate, Ymd,
};
pub use nickname::{nickname_for, nickname_keys, nickname_relation, NicknameRelation};
pub use normalize::{family_tokens, is_particle, normalize_word, split_name, NameTokens, Suffix};
pub use phonetic::{phonetic_keys, sounds_alike};
