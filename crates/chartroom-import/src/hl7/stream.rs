//! Splitting a byte stream into HL7 messages as files and feeds really carry them:
//! segments ended by CR, LF or CRLF; an optional UTF-8 byte-order mark; optional MLLP
//! framing (0x0B … 0x1C 0x0D) around each message; blank lines between messages; batch
//! and file envelopes (FHS/BHS … BTS/FTS, each optional, as python-hl7 accepts them).
//!
//! Memory stays bounded: lines are read through a `BufRead`, and a message (or a line)
//! over [`MAX_MESSAGE_BYTES`] stops the file instead of growing without end.

use std::io::BufRead;

/// The largest message accepted (the issue's limit): 16 MiB.
pub const MAX_MESSAGE_BYTES: usize = 16 * 1024 * 1024;

/// MLLP start-of-block and end-of-block bytes (treated as line ends in files).
pub const MLLP_START: u8 = 0x0B;
pub const MLLP_END: u8 = 0x1C;

/// The segment lines of one message, decoded to text.
#[derive(Debug, Clone)]
pub struct RawMessage {
    /// 1-based number of the message in its file or frame.
    pub number: usize,
    /// 1-based line of its MSH segment (blank lines are not counted).
    pub line: u64,
    pub lines: Vec<String>,
    bytes: usize,
}

impl RawMessage {
    pub fn line_refs(&self) -> Vec<&str> {
        self.lines.iter().map(String::as_str).collect()
    }

    /// MSH-10 read leniently (for errors about a message that does not parse).
    pub fn control_id(&self) -> Option<String> {
        super::parse::control_id_of(self.lines.first()?)
    }
}

/// What stops a stream (the caller adds the file name).
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    #[error("line {line}: binary data (byte 0x{byte:02X}), not HL7 text")]
    Binary { line: u64, byte: u8 },
    #[error("line {line}: segment {segment} is outside a message (after message {after}; every message starts with MSH)")]
    OutsideMessage {
        line: u64,
        segment: String,
        after: usize,
    },
    #[error("message {number} (control id {control_id}) is larger than 16 MiB and is refused")]
    TooLarge { number: usize, control_id: String },
}

/// Envelope segments: they close the message before them and carry no chart data.
fn envelope(line: &str) -> bool {
    let id = line.get(..3).unwrap_or_default();
    let next = line[id.len()..].chars().next();
    matches!(id, "FHS" | "BHS" | "BTS" | "FTS") && next.is_none_or(|c| !c.is_alphanumeric())
}

fn is_msh(line: &str) -> bool {
    line.starts_with("MSH")
        && line[3..]
            .chars()
            .next()
            .is_some_and(|c| !c.is_alphanumeric())
}

/// Line text: UTF-8, else ISO 8859-1 (each byte one character), which is what MSH-18
/// `8859/1` senders write; control bytes other than tab mean the file is not text.
fn decode(bytes: &[u8], line: u64) -> Result<String, StreamError> {
    if let Some(&byte) = bytes.iter().find(|b| **b < 0x20 && **b != b'\t') {
        return Err(StreamError::Binary { line, byte });
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.to_string(),
        Err(_) => bytes.iter().map(|b| char::from(*b)).collect(),
    };
    Ok(match text.strip_prefix('\u{FEFF}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

/// Reads messages one at a time.
pub struct MessageStream<R> {
    reader: R,
    line_no: u64,
    count: usize,
    current: Option<RawMessage>,
    /// An envelope segment ended `current`: only MSH or another envelope may follow
    /// (a segment after it is outside any message, and says so before `current` is
    /// handed out).
    closed: bool,
    buf: Vec<u8>,
}

impl<R: BufRead> MessageStream<R> {
    pub fn new(reader: R) -> Self {
        MessageStream {
            reader,
            line_no: 0,
            count: 0,
            current: None,
            closed: false,
            buf: Vec::new(),
        }
    }

    /// Messages started so far.
    pub fn count(&self) -> usize {
        self.count
    }

    /// The next non-blank line's bytes, or `None` at the end.
    fn next_line(&mut self) -> Result<Option<Vec<u8>>, StreamError> {
        self.buf.clear();
        loop {
            let chunk = self.reader.fill_buf()?;
            if chunk.is_empty() {
                if self.buf.is_empty() {
                    return Ok(None);
                }
                self.line_no += 1;
                return Ok(Some(std::mem::take(&mut self.buf)));
            }
            let end = chunk
                .iter()
                .position(|b| matches!(*b, b'\r' | b'\n' | MLLP_START | MLLP_END));
            match end {
                Some(at) => {
                    self.buf.extend_from_slice(&chunk[..at]);
                    self.reader.consume(at + 1);
                    if self.buf.len() > MAX_MESSAGE_BYTES {
                        return Err(self.too_large());
                    }
                    if self.buf.is_empty() {
                        continue; // a blank line, or CRLF's second half
                    }
                    self.line_no += 1;
                    return Ok(Some(std::mem::take(&mut self.buf)));
                }
                None => {
                    let len = chunk.len();
                    self.buf.extend_from_slice(chunk);
                    self.reader.consume(len);
                }
            }
            if self.buf.len() > MAX_MESSAGE_BYTES {
                return Err(self.too_large());
            }
        }
    }

    fn too_large(&self) -> StreamError {
        match &self.current {
            Some(m) => StreamError::TooLarge {
                number: m.number,
                control_id: m.control_id().unwrap_or_else(|| "unknown".into()),
            },
            None => StreamError::TooLarge {
                number: self.count + 1,
                control_id: "unknown".into(),
            },
        }
    }

    /// The next message, or `None` at the end of the stream.
    pub fn next_message(&mut self) -> Result<Option<RawMessage>, StreamError> {
        while let Some(bytes) = self.next_line()? {
            let line = decode(&bytes, self.line_no)?;
            let trimmed = line.trim_end_matches([' ', '\t']);
            if trimmed.is_empty() {
                continue;
            }
            if is_msh(trimmed) {
                self.count += 1;
                let started = RawMessage {
                    number: self.count,
                    line: self.line_no,
                    bytes: trimmed.len(),
                    lines: vec![trimmed.to_string()],
                };
                self.closed = false;
                if let Some(done) = self.current.replace(started) {
                    return Ok(Some(done));
                }
                continue;
            }
            if envelope(trimmed) {
                self.closed = self.current.is_some();
                continue;
            }
            let open = if self.closed {
                None
            } else {
                self.current.as_mut()
            };
            let too_large = match open {
                Some(m) => {
                    m.bytes += trimmed.len() + 1;
                    m.lines.push(trimmed.to_string());
                    m.bytes > MAX_MESSAGE_BYTES
                }
                None => {
                    return Err(StreamError::OutsideMessage {
                        line: self.line_no,
                        segment: trimmed.chars().take(3).collect(),
                        after: self.count,
                    })
                }
            };
            if too_large {
                return Err(self.too_large());
            }
        }
        Ok(self.current.take())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(bytes: &[u8]) -> Result<Vec<RawMessage>, StreamError> {
        let mut s = MessageStream::new(bytes);
        let mut out = Vec::new();
        while let Some(m) = s.next_message()? {
            out.push(m);
        }
        Ok(out)
    }

    #[test]
    fn cr_lf_crlf_bom_and_mllp_framing() {
        let cr = b"MSH|^~\\&|A\rPID|1\rMSH|^~\\&|B\rPID|2\r";
        let lf = b"\xEF\xBB\xBFMSH|^~\\&|A\nPID|1\n\n\nMSH|^~\\&|B\nPID|2\n";
        let crlf = b"MSH|^~\\&|A\r\nPID|1\r\nMSH|^~\\&|B\r\nPID|2";
        let mllp = b"\x0bMSH|^~\\&|A\rPID|1\r\x1c\r\x0bMSH|^~\\&|B\rPID|2\r\x1c\r";
        for input in [&cr[..], &lf[..], &crlf[..], &mllp[..]] {
            let msgs = all(input).unwrap();
            assert_eq!(msgs.len(), 2);
            assert_eq!(msgs[0].lines, vec!["MSH|^~\\&|A", "PID|1"]);
            assert_eq!(msgs[1].lines, vec!["MSH|^~\\&|B", "PID|2"]);
            assert_eq!(msgs[1].number, 2);
        }
    }

    #[test]
    fn envelopes_are_skipped_and_stray_segments_refused() {
        let batch = b"FHS|^~\\&\rBHS|^~\\&\rMSH|^~\\&|A\rPID|1\rBTS|1\rFTS|1\r";
        assert_eq!(all(batch).unwrap().len(), 1);
        let stray = b"BHS|^~\\&\rEVN|A04\rPID|1\r";
        assert!(matches!(
            all(stray),
            Err(StreamError::OutsideMessage { after: 0, .. })
        ));
        let nested = b"MSH|^~\\&|A\rEVN|A04\rBHS|^~\\&\rPID|1\r";
        assert!(matches!(
            all(nested),
            Err(StreamError::OutsideMessage { after: 1, .. })
        ));
    }

    #[test]
    fn binary_and_huge_input_are_refused() {
        assert!(matches!(
            all(b"MSH|^~\\&|A\rPID|\x00\x01\r"),
            Err(StreamError::Binary { .. })
        ));
        let mut huge = b"MSH|^~\\&|A|B|C|D|E||ADT^A01|BIG|P|2.5\rOBX|".to_vec();
        huge.resize(MAX_MESSAGE_BYTES + 10, b'x');
        assert!(matches!(
            all(&huge),
            Err(StreamError::TooLarge { number: 1, .. })
        ));
    }

    #[test]
    fn latin1_is_read() {
        let msgs = all(b"MSH|^~\\&|A\rPID|1||||M\xfcller\r").unwrap();
        assert_eq!(msgs[0].lines[1], "PID|1||||Müller");
    }
}
