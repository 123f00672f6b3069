//! Addresses and phone numbers around the demo hospital (central Ohio).
//!
//! Towns and ZIP codes are real so addresses look right; street numbers and names are
//! drawn at random. Phone numbers use the towns' area codes with random exchanges.

use chartroom_domain::Address;
use rand::Rng;

/// (town, ZIP codes, area code, weight)
const TOWNS: &[(&str, &[&str], &str, u32)] = &[
    (
        "Columbus",
        &[
            "43201", "43202", "43204", "43205", "43206", "43207", "43209", "43211", "43213",
            "43214", "43215", "43219", "43220", "43223", "43224", "43229", "43231", "43232",
        ],
        "614",
        40,
    ),
    ("Dublin", &["43016", "43017"], "614", 5),
    ("Westerville", &["43081", "43082"], "614", 5),
    ("Grove City", &["43123"], "614", 4),
    ("Hilliard", &["43026"], "614", 4),
    ("Gahanna", &["43230"], "614", 3),
    ("Reynoldsburg", &["43068"], "614", 3),
    ("Upper Arlington", &["43221"], "614", 3),
    ("Worthington", &["43085"], "614", 2),
    ("Pickerington", &["43147"], "614", 2),
    ("Canal Winchester", &["43110"], "614", 2),
    ("Powell", &["43065"], "614", 2),
    ("Delaware", &["43015"], "740", 3),
    ("Newark", &["43055"], "740", 3),
    ("Lancaster", &["43130"], "740", 3),
    ("Marysville", &["43040"], "937", 2),
    ("Circleville", &["43113"], "740", 2),
    ("London", &["43140"], "740", 1),
    ("Mount Vernon", &["43050"], "740", 2),
    ("Zanesville", &["43701"], "740", 2),
];

const STREETS: &[&str] = &[
    "Main",
    "High",
    "Broad",
    "Oak",
    "Maple",
    "Elm",
    "Cedar",
    "Pine",
    "Walnut",
    "Cherry",
    "Washington",
    "Lincoln",
    "Jefferson",
    "Madison",
    "Franklin",
    "Park",
    "Lake",
    "Hill",
    "Sunset",
    "Riverside",
    "Church",
    "Mill",
    "Spring",
    "Center",
    "North",
    "South",
    "Union",
    "Hamilton",
    "Grant",
    "Sycamore",
    "Chestnut",
    "Locust",
    "Willow",
    "Birch",
    "Hickory",
    "Meadow",
    "Forest",
    "Highland",
    "Summit",
    "Fairview",
    "Kenwood",
    "Indianola",
    "Sawmill",
    "Karl",
    "Cleveland",
    "Livingston",
    "Morse",
    "Dublin-Granville",
    "Bethel",
    "Henderson",
    "Olentangy River",
    "Scioto",
    "Alum Creek",
    "Big Walnut",
    "Cooper",
    "Schrock",
    "Refugee",
    "Hamilton",
    "Chambers",
    "Brice",
];

const STREET_TYPES: &[(&str, u32)] = &[
    ("St", 30),
    ("Ave", 25),
    ("Rd", 20),
    ("Dr", 12),
    ("Ln", 5),
    ("Ct", 4),
    ("Blvd", 2),
    ("Way", 1),
    ("Pl", 1),
];

/// A household's address and land-line/first phone.
pub(crate) struct Household {
    pub address: Address,
    pub phone: String,
}

impl Household {
    pub(crate) fn new(address: Address, phone: String) -> Household {
        Household { address, phone }
    }
}

pub(crate) fn household<R: Rng + ?Sized>(rng: &mut R) -> Household {
    let total: u32 = TOWNS.iter().map(|t| t.3).sum();
    let mut pick = rng.random_range(0..total);
    let mut town = &TOWNS[0];
    for t in TOWNS {
        if pick < t.3 {
            town = t;
            break;
        }
        pick -= t.3;
    }
    let zip = town.1[rng.random_range(0..town.1.len())];
    let street = STREETS[rng.random_range(0..STREETS.len())];
    let types_total: u32 = STREET_TYPES.iter().map(|t| t.1).sum();
    let mut pick = rng.random_range(0..types_total);
    let mut kind = STREET_TYPES[0].0;
    for (name, weight) in STREET_TYPES {
        if pick < *weight {
            kind = name;
            break;
        }
        pick -= weight;
    }
    let number = match rng.random_range(0..10) {
        0..=5 => rng.random_range(100..4000),
        6..=8 => rng.random_range(1..100),
        _ => rng.random_range(4000..12000),
    };
    let mut line = format!("{number} {street} {kind}");
    if rng.random_bool(0.15) {
        line.push_str(&format!(" Apt {}", rng.random_range(1..400)));
    }
    let mut address = Address {
        line,
        city: town.0.to_string(),
        state: "OH".to_string(),
        zip: zip.to_string(),
    };
    relocate_some_to_small_areas(&mut address);
    Household {
        address,
        phone: phone(town.2, rng),
    }
}

/// Towns in three-digit ZIP areas of 20,000 people or fewer (Safe Harbor writes their
/// `zip3` as `000`): retirees and seasonal residents registered with a home there.
const SMALL_AREAS: &[(&str, &str, &str)] = &[
    ("Charlestown", "NH", "03603"),
    ("Beecher Falls", "VT", "05902"),
    ("Fishers Island", "NY", "06390"),
    ("Brimson", "MN", "55602"),
    ("Valentine", "NE", "69201"),
    ("Adrian", "TX", "79001"),
    ("Yellowstone National Park", "WY", "82190"),
    ("Rawlins", "WY", "82301"),
    ("Jackson", "WY", "83001"),
    ("Kemmerer", "WY", "83101"),
    ("Socorro", "NM", "87801"),
    ("Truth or Consequences", "NM", "87901"),
    ("Tucumcari", "NM", "88401"),
    ("Alamo", "NV", "89001"),
    ("Ely", "NV", "89301"),
];

/// One household in 40 lives in a restricted ZIP area. Decided by a hash of what was
/// already drawn, not by another draw, so every other generated value stays the same.
fn relocate_some_to_small_areas(address: &mut Address) {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in address.line.bytes().chain(address.zip.bytes()) {
        hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    if hash.is_multiple_of(40) {
        let (city, state, zip) = SMALL_AREAS[((hash / 40) % SMALL_AREAS.len() as u64) as usize];
        address.city = city.to_string();
        address.state = state.to_string();
        address.zip = zip.to_string();
    }
}

/// `614-482-1937`: a random exchange (never N11 or 555) in the given area code.
pub(crate) fn phone<R: Rng + ?Sized>(area_code: &str, rng: &mut R) -> String {
    let exchange = loop {
        let e = rng.random_range(200..1000);
        if e % 100 != 11 && e != 555 {
            break e;
        }
    };
    format!("{area_code}-{exchange}-{:04}", rng.random_range(0..10000))
}

/// A mobile number somewhere in the region.
pub(crate) fn mobile<R: Rng + ?Sized>(rng: &mut R) -> String {
    let area = ["614", "380", "740", "937", "614"][rng.random_range(0..5)];
    phone(area, rng)
}
