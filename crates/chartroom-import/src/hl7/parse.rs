//! ER7 (pipe-delimited HL7 v2) parsing: one message's text into segments, fields,
//! repetitions, components and sub-components, with the encoding characters taken from
//! MSH-1/MSH-2 (never assumed) and escape sequences decoded on the leaves.
//!
//! Splitting a stream into messages (framing, BOM, line ends, batch envelopes) is
//! `stream.rs`; this file sees one message's segment lines.

use std::borrow::Cow;
use std::fmt;

/// Where in a message something is (for errors: never the value itself).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// Segment id, e.g. `PID`.
    pub segment: String,
    /// 1-based field number (`PID-7`); 0 for the segment as a whole.
    pub field: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field == 0 {
            write!(f, "segment {}", self.segment)
        } else {
            write!(
                f,
                "segment {}, field {}-{}",
                self.segment, self.segment, self.field
            )
        }
    }
}

/// A problem with one message's structure or content: where, and what (no value).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseProblem {
    pub at: Location,
    pub problem: String,
}

impl ParseProblem {
    pub fn new(segment: &str, field: usize, problem: impl Into<String>) -> ParseProblem {
        ParseProblem {
            at: Location {
                segment: segment.to_string(),
                field,
            },
            problem: problem.into(),
        }
    }
}

/// The separators a message declares in MSH-1 and MSH-2.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Separators {
    pub field: char,
    pub component: char,
    pub repetition: char,
    pub escape: Option<char>,
    pub subcomponent: Option<char>,
}

impl Default for Separators {
    fn default() -> Self {
        Separators {
            field: '|',
            component: '^',
            repetition: '~',
            escape: Some('\\'),
            subcomponent: Some('&'),
        }
    }
}

impl Separators {
    /// Reads MSH-1 (the character after `MSH`) and MSH-2 (up to the next field
    /// separator). At least the component and repetition characters must be given;
    /// escape and sub-component may be absent (older senders).
    pub fn from_msh(line: &str) -> Result<Separators, ParseProblem> {
        let mut chars = line.chars();
        let head: String = chars.by_ref().take(3).collect();
        if head != "MSH" {
            return Err(ParseProblem::new(
                "MSH",
                0,
                "the message does not start with MSH",
            ));
        }
        let field = chars
            .next()
            .ok_or_else(|| ParseProblem::new("MSH", 1, "is missing"))?;
        if field.is_alphanumeric() || field.is_whitespace() {
            return Err(ParseProblem::new(
                "MSH",
                1,
                "is not a valid field separator",
            ));
        }
        let encoding: Vec<char> = chars.take_while(|c| *c != field).collect();
        if encoding.len() < 2 || encoding.len() > 5 {
            return Err(ParseProblem::new(
                "MSH",
                2,
                "must hold 2 to 5 encoding characters",
            ));
        }
        let mut all = encoding.clone();
        all.push(field);
        let distinct: std::collections::HashSet<&char> = all.iter().collect();
        if distinct.len() != all.len() || encoding.iter().any(|c| c.is_alphanumeric()) {
            return Err(ParseProblem::new(
                "MSH",
                2,
                "encoding characters must be distinct punctuation",
            ));
        }
        Ok(Separators {
            field,
            component: encoding[0],
            repetition: encoding[1],
            escape: encoding.get(2).copied(),
            subcomponent: encoding.get(3).copied(),
        })
    }

    /// Decodes `\F\ \S\ \T\ \R\ \E\` and `\Xhh..\`; formatting escapes (`\.br\`, `\H\`,
    /// ...) become a line break or nothing; an unterminated or unknown escape is kept as
    /// written (senders who never escape their escape character exist).
    pub fn unescape<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let Some(esc) = self.escape else {
            return Cow::Borrowed(text);
        };
        if !text.contains(esc) {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find(esc) {
            out.push_str(&rest[..start]);
            let after = &rest[start + esc.len_utf8()..];
            let Some(end) = after.find(esc) else {
                out.push_str(&rest[start..]);
                return Cow::Owned(out);
            };
            let code = &after[..end];
            match self.escape_code(code) {
                Some(decoded) => out.push_str(&decoded),
                None => {
                    // Unknown: keep the escape character and go on after it.
                    out.push(esc);
                    rest = after;
                    continue;
                }
            }
            rest = &after[end + esc.len_utf8()..];
        }
        out.push_str(rest);
        Cow::Owned(out)
    }

    fn escape_code(&self, code: &str) -> Option<String> {
        let one = |c: Option<char>| c.map(String::from);
        match code {
            "F" => Some(self.field.to_string()),
            "S" => Some(self.component.to_string()),
            "R" => Some(self.repetition.to_string()),
            "E" => one(self.escape),
            "T" => one(self.subcomponent),
            ".br" => Some("\n".into()),
            "H" | "N" => Some(String::new()),
            _ if code.starts_with(".sp") || code.starts_with(".in") || code.starts_with(".ti") => {
                Some(String::new())
            }
            _ if code.starts_with('X') && code.len() > 1 => {
                let hex = &code[1..];
                if !hex.len().is_multiple_of(2) || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return None;
                }
                let bytes: Vec<u8> = (0..hex.len())
                    .step_by(2)
                    .filter_map(|i| u8::from_str_radix(&hex[i..i + 2], 16).ok())
                    .collect();
                Some(String::from_utf8_lossy(&bytes).into_owned())
            }
            _ => None,
        }
    }
}

/// One segment: its id and the raw text of its fields.
#[derive(Clone, Debug)]
pub struct Segment<'m> {
    pub id: &'m str,
    /// `fields[n]` is field n (`fields[0]` is the id). For MSH, `fields[1]` is MSH-1
    /// (the field separator itself) and `fields[2]` MSH-2, as the standard numbers them.
    fields: Vec<&'m str>,
    seps: Separators,
}

impl<'m> Segment<'m> {
    /// Splits one segment line. The id must be three upper-case letters or digits.
    pub fn parse(line: &'m str, seps: Separators) -> Result<Segment<'m>, ParseProblem> {
        let mut fields: Vec<&'m str> = line.split(seps.field).collect();
        let id = fields.first().copied().unwrap_or_default();
        let valid_id = id.len() == 3
            && id
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            && id.as_bytes()[0].is_ascii_uppercase();
        if !valid_id {
            return Err(ParseProblem::new(
                "?",
                0,
                "a line does not start with a segment id (three capital letters or digits)",
            ));
        }
        if id == "MSH" || id == "FHS" || id == "BHS" {
            // The header's first field is the separator itself: shift the rest by one.
            let sep_len = seps.field.len_utf8();
            let sep_text = line.get(3..3 + sep_len).unwrap_or_default();
            fields.insert(1, sep_text);
        }
        Ok(Segment { id, fields, seps })
    }

    pub fn separators(&self) -> Separators {
        self.seps
    }

    /// Raw text of field `n` (empty when absent).
    pub fn raw(&self, n: usize) -> &'m str {
        self.fields.get(n).copied().unwrap_or_default()
    }

    pub fn field(&self, n: usize) -> Field<'m> {
        Field {
            raw: self.raw(n),
            seps: self.seps,
        }
    }

    /// The highest field number present (0 for a bare segment id).
    pub fn field_count(&self) -> usize {
        self.fields.len().saturating_sub(1)
    }
}

/// A field: repetitions of components of sub-components.
#[derive(Clone, Copy, Debug)]
pub struct Field<'m> {
    raw: &'m str,
    seps: Separators,
}

impl<'m> Field<'m> {
    pub fn is_empty(&self) -> bool {
        self.raw.is_empty() || self.raw == "\"\""
    }

    /// `""` is HL7's explicit null: "delete what you have".
    pub fn is_null(&self) -> bool {
        self.raw == "\"\""
    }

    pub fn repetitions(self) -> impl Iterator<Item = Repetition<'m>> {
        let seps = self.seps;
        self.raw
            .split(seps.repetition)
            .filter(|r| !r.is_empty())
            .map(move |raw| Repetition { raw, seps })
    }

    pub fn first(&self) -> Repetition<'m> {
        let raw = self
            .raw
            .split(self.seps.repetition)
            .next()
            .unwrap_or_default();
        Repetition {
            raw,
            seps: self.seps,
        }
    }

    /// The decoded text of the first component of the first repetition.
    pub fn text(&self) -> Cow<'m, str> {
        self.first().component(1)
    }
}

/// One repetition of a field.
#[derive(Clone, Copy, Debug)]
pub struct Repetition<'m> {
    raw: &'m str,
    seps: Separators,
}

impl<'m> Repetition<'m> {
    /// Raw text of component `n` (1-based; empty when absent).
    fn raw_component(&self, n: usize) -> &'m str {
        if n == 0 {
            return "";
        }
        self.raw
            .split(self.seps.component)
            .nth(n - 1)
            .unwrap_or_default()
    }

    /// Decoded component `n` (1-based), its first sub-component only.
    pub fn component(&self, n: usize) -> Cow<'m, str> {
        let raw = self.raw_component(n);
        let first = match self.seps.subcomponent {
            Some(sub) => raw.split(sub).next().unwrap_or_default(),
            None => raw,
        };
        self.seps.unescape(first)
    }

    /// Decoded component `n` trimmed, `None` when empty or the HL7 null `""`.
    pub fn value(&self, n: usize) -> Option<String> {
        let text = self.component(n);
        let text = text.trim();
        (!text.is_empty() && text != "\"\"").then(|| text.to_string())
    }

    /// Sub-component `s` of component `n` (both 1-based), decoded.
    pub fn subcomponent(&self, n: usize, s: usize) -> Cow<'m, str> {
        let raw = self.raw_component(n);
        let part = match self.seps.subcomponent {
            Some(sub) => raw.split(sub).nth(s.saturating_sub(1)).unwrap_or_default(),
            None if s == 1 => raw,
            None => "",
        };
        self.seps.unescape(part)
    }
}

/// One message: its separators and segments, in order.
#[derive(Debug)]
pub struct Message<'m> {
    pub segments: Vec<Segment<'m>>,
}

impl<'m> Message<'m> {
    /// Parses the segment lines of one message (the first must be MSH).
    pub fn parse(lines: &[&'m str]) -> Result<Message<'m>, ParseProblem> {
        let first = lines
            .first()
            .ok_or_else(|| ParseProblem::new("MSH", 0, "the message is empty"))?;
        let seps = Separators::from_msh(first)?;
        let mut segments = Vec::with_capacity(lines.len());
        for line in lines {
            segments.push(Segment::parse(line, seps)?);
        }
        Ok(Message { segments })
    }

    pub fn msh(&self) -> &Segment<'m> {
        // `parse` refuses a message whose first line is not MSH.
        &self.segments[0]
    }

    /// The first segment with this id.
    pub fn segment(&self, id: &str) -> Option<&Segment<'m>> {
        self.segments.iter().find(|s| s.id == id)
    }

    /// MSH-10, the message control id.
    pub fn control_id(&self) -> String {
        self.msh().field(10).text().trim().to_string()
    }

    /// MSH-9 as (type, trigger event), e.g. (`ADT`, `A01`); the trigger falls back to
    /// EVN-1 (v2.1-style messages give it there only).
    pub fn kind(&self) -> (String, String) {
        let msh9 = self.msh().field(9).first();
        let kind = msh9.component(1).trim().to_ascii_uppercase();
        let mut trigger = msh9.component(2).trim().to_ascii_uppercase();
        if trigger.is_empty() {
            if let Some(evn) = self.segment("EVN") {
                trigger = evn.field(1).text().trim().to_ascii_uppercase();
            }
        }
        (kind, trigger)
    }
}

/// The control id of a message whose text failed to parse, if MSH-10 can be read at
/// all (for error messages and the ACK's MSA-2).
pub fn control_id_of(first_line: &str) -> Option<String> {
    let seps = Separators::from_msh(first_line).ok()?;
    let seg = Segment::parse(first_line, seps).ok()?;
    let id = seg.field(10).text().trim().to_string();
    (!id.is_empty()).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(lines: &[&'static str]) -> Message<'static> {
        Message::parse(lines).unwrap()
    }

    #[test]
    fn msh_fields_are_numbered_as_the_standard_does() {
        let m = msg(&["MSH|^~\\&|APP|FAC|RCV|RFAC|20240101||ADT^A01^ADT_A01|CTL1|P|2.5"]);
        assert_eq!(m.msh().raw(1), "|");
        assert_eq!(m.msh().raw(2), "^~\\&");
        assert_eq!(m.msh().field(3).text(), "APP");
        assert_eq!(m.control_id(), "CTL1");
        assert_eq!(m.kind(), ("ADT".into(), "A01".into()));
    }

    #[test]
    fn encoding_characters_come_from_the_message() {
        let m = msg(&["MSH#*!%$#APP######X*Y#C9", "PID#1##A*B!C*D#"]);
        let pid = m.segment("PID").unwrap();
        let reps: Vec<_> = pid.field(3).repetitions().collect();
        assert_eq!(reps.len(), 2);
        assert_eq!(reps[0].component(2), "B");
        assert_eq!(reps[1].component(1), "C");
        assert_eq!(m.control_id(), "C9");
        assert_eq!(m.kind().0, "X");
    }

    #[test]
    fn escapes_are_decoded() {
        let seps = Separators::default();
        assert_eq!(seps.unescape(r"A\F\B\S\C\T\D\R\E\E\"), r"A|B^C&D~E\");
        assert_eq!(seps.unescape(r"x\X41\y"), "xAy");
        assert_eq!(seps.unescape(r"line\.br\two"), "line\ntwo");
        assert_eq!(seps.unescape(r"C:\path"), r"C:\path");
        assert_eq!(seps.unescape(r"\Q\"), r"\Q\");
    }

    #[test]
    fn components_and_subcomponents() {
        let m = msg(&[
            "MSH|^~\\&|A|B|C|D|1||ADT^A01|1|P|2.5",
            "PID|1||123^^^HOSP&1.2.3&ISO^MR~999^^^SSA^SS||Doe\\S\\Smith^Jane",
        ]);
        let pid = m.segment("PID").unwrap();
        let first = pid.field(3).first();
        assert_eq!(first.component(4), "HOSP");
        assert_eq!(first.subcomponent(4, 2), "1.2.3");
        assert_eq!(first.value(5).as_deref(), Some("MR"));
        assert_eq!(pid.field(5).first().component(1), "Doe^Smith");
        assert_eq!(pid.field(3).repetitions().count(), 2);
    }

    #[test]
    fn bad_headers_and_segment_ids_are_refused() {
        assert!(Separators::from_msh("MSH").is_err());
        assert!(Separators::from_msh("MSHA^~").is_err());
        assert!(Separators::from_msh("MSH|^").is_err());
        assert!(Separators::from_msh("MSH|^^\\&|").is_err());
        assert!(Message::parse(&["MSH|^~\\&|A", "pid|1"]).is_err());
        assert!(Message::parse(&["MSH|^~\\&|A", "P"]).is_err());
        assert!(Message::parse(&["MSH|^~\\&|A", "PID1"]).is_err());
    }
}
