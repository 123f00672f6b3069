//! Property tests of the HL7 parser and import (kept brief so CI runs them on every
//! push): any bytes give messages or a clear error, never a panic, and a failing file
//! commits nothing; escaped text decodes back to itself.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use chartroom_import::hl7::parse::{Message, Separators};
use chartroom_import::hl7::stream::MessageStream;
use chartroom_import::{import_hl7, Hl7Options};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 64,
        ..ProptestConfig::default()
    }
}

/// Bytes that look like HL7 often enough to get past the first line.
fn hl7ish() -> impl Strategy<Value = Vec<u8>> {
    let pieces = prop::sample::select(vec![
        &b"MSH|^~\\&|A|B|C|D|20240101||ADT^A01|X|P|2.5"[..],
        b"MSH|^~\\&|A|B|C|D|20240101||ADT^A08|Y|P|2.5",
        b"MSH#^~\\&#A",
        b"PID|1||123^^^H^MR||Doe^Jane||19800101|F",
        b"PID|1||",
        b"PV1|1|I|||||||||||||||||V1",
        b"MRG|9^^^H^MR",
        b"EVN|A40|2024",
        b"BHS|^~\\&",
        b"FTS|1",
        b"\r",
        b"\n",
        b"\x0b",
        b"\x1c",
        b"\\F\\",
        b"~",
        b"^",
        b"&",
        b"|",
        b"\xef\xbb\xbf",
        b"\xff\x00",
    ]);
    (
        prop::collection::vec(pieces, 0..40),
        prop::collection::vec(any::<u8>(), 0..64),
    )
        .prop_map(|(pieces, noise)| {
            let mut out: Vec<u8> = pieces.concat();
            out.extend(noise);
            out
        })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_bytes_parse_or_fail_cleanly(bytes in hl7ish()) {
        let mut stream = MessageStream::new(bytes.as_slice());
        while let Ok(Some(raw)) = stream.next_message() {
            let lines = raw.line_refs();
            if let Ok(msg) = Message::parse(&lines) {
                let _ = msg.kind();
                let _ = msg.control_id();
                for seg in &msg.segments {
                    for n in 0..=seg.field_count() + 1 {
                        for rep in seg.field(n).repetitions() {
                            let _ = rep.component(1);
                            let _ = rep.subcomponent(2, 2);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn a_failing_file_commits_nothing(bytes in hl7ish()) {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("in.hl7");
        std::fs::write(&file, &bytes).unwrap();
        let store = chartroom_store::Store::open(&dir.path().join("data")).unwrap();
        if import_hl7(&store, &file, Hl7Options::default()).is_err() {
            let counts = store.read().unwrap().counts().unwrap();
            prop_assert_eq!(counts.patients, 0);
            prop_assert_eq!(counts.encounters, 0);
        }
    }

    #[test]
    fn escaped_text_decodes_to_itself(text in "[ -~]{0,40}") {
        let escaped: String = text
            .chars()
            .map(|c| match c {
                '\\' => "\\E\\".to_string(),
                '|' => "\\F\\".to_string(),
                '^' => "\\S\\".to_string(),
                '&' => "\\T\\".to_string(),
                '~' => "\\R\\".to_string(),
                c => c.to_string(),
            })
            .collect();
        prop_assert_eq!(Separators::default().unescape(&escaped), text);
    }
}
