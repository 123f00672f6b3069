//! Original-mode acknowledgments: `MSH` mirroring the sender and receiver, `MSA` with
//! the code and the message's control id, and for AE/AR an `ERR` segment with the
//! location (segment ^ sequence ^ field), the HL7 error code (table 0357) and the
//! reason in words. Written with the standard separators `|^~\&`, escaped.

use super::adt::AckCode;
use super::parse::{Location, Message, Separators};
use chrono::{DateTime, Utc};

/// Why a message was not accepted, for its ERR segment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AckError {
    pub at: Option<Location>,
    /// HL7 table 0357: 100 segment sequence, 101 required field missing, 102 data type,
    /// 200 unsupported message type, 204 unknown key identifier, 207 internal error.
    pub hl7_code: u16,
    pub reason: String,
}

impl AckError {
    pub fn new(hl7_code: u16, reason: impl Into<String>) -> AckError {
        AckError {
            at: None,
            hl7_code,
            reason: reason.into(),
        }
    }

    fn code_text(&self) -> &'static str {
        match self.hl7_code {
            100 => "Segment sequence error",
            101 => "Required field missing",
            102 => "Data type error",
            200 => "Unsupported message type",
            201 => "Unsupported event code",
            204 => "Unknown key identifier",
            _ => "Application internal error",
        }
    }
}

/// The header fields an ACK mirrors from the message it answers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Header {
    pub sending_app: String,
    pub sending_facility: String,
    pub receiving_app: String,
    pub receiving_facility: String,
    pub control_id: String,
    pub trigger: String,
    pub processing_id: String,
    pub version: String,
}

impl Header {
    pub fn of(msg: &Message<'_>) -> Header {
        let msh = msg.msh();
        // Components kept whole (namespace ^ universal id ^ type), re-escaped on output.
        let hd = |n: usize| -> String {
            let rep = msh.field(n).first();
            let parts: Vec<String> = (1..=3).map(|c| rep.component(c).into_owned()).collect();
            let mut text = parts.join("\u{0}");
            while text.ends_with('\u{0}') {
                text.pop();
            }
            text
        };
        Header {
            sending_app: hd(3),
            sending_facility: hd(4),
            receiving_app: hd(5),
            receiving_facility: hd(6),
            control_id: msg.control_id(),
            trigger: msg.kind().1,
            processing_id: msh.field(11).text().trim().to_string(),
            version: msh.field(12).text().trim().to_string(),
        }
    }
}

/// Escapes text for a field written with the standard separators.
fn escape(text: &str) -> String {
    let seps = Separators::default();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\E\\"),
            '|' => out.push_str("\\F\\"),
            '^' => out.push_str("\\S\\"),
            '&' => out.push_str("\\T\\"),
            '~' => out.push_str("\\R\\"),
            '\r' | '\n' => out.push(' '),
            // Component marks of a hierarchic designator (see `Header::of`).
            '\u{0}' => out.push(seps.component),
            c => out.push(c),
        }
    }
    out
}

/// The ACK for a message, as bytes with CR segment ends (no MLLP framing).
pub fn ack_for(
    header: &Header,
    code: AckCode,
    error: Option<&AckError>,
    ack_control_id: &str,
    now: DateTime<Utc>,
) -> Vec<u8> {
    let version = if header.version.is_empty() {
        "2.5".to_string()
    } else {
        escape(&header.version)
    };
    let processing = if header.processing_id.is_empty() {
        "P".to_string()
    } else {
        escape(&header.processing_id)
    };
    let mut out = format!(
        "MSH|^~\\&|{}|{}|{}|{}|{}||ACK^{}^ACK|{}|{}|{}\r",
        escape(&header.receiving_app),
        escape(&header.receiving_facility),
        escape(&header.sending_app),
        escape(&header.sending_facility),
        now.format("%Y%m%d%H%M%S+0000"),
        escape(&header.trigger),
        escape(ack_control_id),
        processing,
        version,
    );
    let text = error.map(|e| escape(&e.reason)).unwrap_or_default();
    out.push_str(&format!(
        "MSA|{}|{}|{}\r",
        code.code(),
        escape(&header.control_id),
        text
    ));
    if let Some(e) = error {
        let location = match &e.at {
            Some(at) if at.field > 0 => format!("{}^1^{}", escape(&at.segment), at.field),
            Some(at) => format!("{}^1", escape(&at.segment)),
            None => String::new(),
        };
        let severity = if code == AckCode::Accept { "W" } else { "E" };
        out.push_str(&format!(
            "ERR||{}|{}^{}^HL70357|{}||||{}\r",
            location,
            e.hl7_code,
            e.code_text(),
            severity,
            text
        ));
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ack_mirrors_the_header_and_escapes() {
        let lines = ["MSH|^~\\&|SND|SFAC|RCV|RFAC|20240101||ADT^A08|C\\F\\1|P|2.5"];
        let msg = Message::parse(&lines).unwrap();
        let header = Header::of(&msg);
        let now = DateTime::from_timestamp(0, 0).unwrap();
        let error = AckError {
            at: Some(Location {
                segment: "PID".into(),
                field: 7,
            }),
            hl7_code: 102,
            reason: "is not a date".into(),
        };
        let ack =
            String::from_utf8(ack_for(&header, AckCode::Error, Some(&error), "A1", now)).unwrap();
        let segs: Vec<&str> = ack.split('\r').collect();
        assert_eq!(
            segs[0],
            "MSH|^~\\&|RCV|RFAC|SND|SFAC|19700101000000+0000||ACK^A08^ACK|A1|P|2.5"
        );
        assert_eq!(segs[1], "MSA|AE|C\\F\\1|is not a date");
        assert_eq!(
            segs[2],
            "ERR||PID^1^7|102^Data type error^HL70357|E||||is not a date"
        );
    }
}
