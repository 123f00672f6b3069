//! The MLLP listener (`chartroom serve --mllp ADDR`): HL7 v2 messages framed as
//! `0x0B message 0x1C 0x0D`, each answered on the same connection with its ACK after
//! the message is committed. Every connection is its own task and reads
//! asynchronously, so a slow or stuck sender holds nobody else up; the applying runs on
//! the blocking pool (the store is synchronous). Bytes outside a frame are dropped; a
//! garbled frame gets AR and the connection stays open.

use chartroom_services::{Hl7Feed, Services};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

const START: u8 = 0x0B;
const END: u8 = 0x1C;
const CR: u8 = 0x0D;
/// Frame bytes kept past the limit: enough of an oversized message to read its MSH-10.
const HEAD: usize = 4096;
/// How often the index catches up with what the feed committed (a search finds an
/// admitted patient this long after the ACK at most, plus one index commit).
const INDEX_EVERY: Duration = Duration::from_millis(200);

/// Where the listener listens and the feed it applies messages through.
#[derive(Clone, Debug)]
pub struct MllpOptions {
    pub listen: SocketAddr,
    pub feed: Arc<Hl7Feed>,
}

/// A complete frame, or one that went past the size limit.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Frame {
    Message(Vec<u8>),
    TooLarge(Vec<u8>),
}

/// Cuts frames out of the byte stream of one connection.
#[derive(Default)]
pub(crate) struct FrameReader {
    in_frame: bool,
    buf: Vec<u8>,
    oversize: bool,
    /// The byte after 0x1C should be CR; it is skipped when it comes.
    after_end: bool,
}

impl FrameReader {
    pub(crate) fn push(&mut self, bytes: &[u8], out: &mut Vec<Frame>) {
        for &b in bytes {
            if self.after_end {
                self.after_end = false;
                if b == CR {
                    continue;
                }
            }
            if !self.in_frame {
                // Outside a frame only a start byte means anything.
                if b == START {
                    self.start();
                }
                continue;
            }
            match b {
                END => {
                    let frame = std::mem::take(&mut self.buf);
                    out.push(if self.oversize {
                        Frame::TooLarge(frame)
                    } else {
                        Frame::Message(frame)
                    });
                    self.in_frame = false;
                    self.after_end = true;
                }
                // A new start inside a frame: the sender gave the old one up.
                START => self.start(),
                _ if self.oversize => {}
                _ => {
                    self.buf.push(b);
                    if self.buf.len() > chartroom_services::MAX_HL7_MESSAGE_BYTES {
                        self.oversize = true;
                        self.buf.truncate(HEAD);
                    }
                }
            }
        }
    }

    fn start(&mut self) {
        self.in_frame = true;
        self.oversize = false;
        self.buf.clear();
    }
}

/// Resolves once the server is stopping (the watch guard is dropped here, so the
/// futures selecting on it stay `Send`).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|stopping| *stopping).await;
}

/// Binds the listener (so a bad address fails the start, not later).
pub(crate) async fn bind(listen: SocketAddr) -> std::io::Result<TcpListener> {
    TcpListener::bind(listen).await
}

/// Accepts connections until the server stops.
pub(crate) async fn run(
    listener: TcpListener,
    services: Arc<Services>,
    feed: Arc<Hl7Feed>,
    mut stop: watch::Receiver<bool>,
) {
    let indexer = tokio::spawn(keep_index(services.clone(), feed.clone(), stop.clone()));
    let for_connections = stop.clone();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((socket, peer)) => {
                    tokio::spawn(connection(
                        socket,
                        peer,
                        services.clone(),
                        feed.clone(),
                        for_connections.clone(),
                    ));
                }
                Err(e) => {
                    tracing::warn!(error = %e, "mllp: accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
            _ = stopped(&mut stop) => break,
        }
    }
    let _ = indexer.await;
}

/// Lets the search index absorb committed messages every [`INDEX_EVERY`].
async fn keep_index(services: Arc<Services>, feed: Arc<Hl7Feed>, mut stop: watch::Receiver<bool>) {
    let mut last = false;
    while !last {
        tokio::select! {
            _ = tokio::time::sleep(INDEX_EVERY) => {}
            // One more round at shutdown, so a clean stop leaves the index current.
            _ = stopped(&mut stop) => last = true,
        }
        let (s, f) = (services.clone(), feed.clone());
        match tokio::task::spawn_blocking(move || s.hl7_feed_sync(&f)).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "mllp: index update failed"),
            Err(e) => tracing::warn!(error = %e, "mllp: index task failed"),
        }
    }
}

async fn connection(
    mut socket: TcpStream,
    peer: SocketAddr,
    services: Arc<Services>,
    feed: Arc<Hl7Feed>,
    mut stop: watch::Receiver<bool>,
) {
    let _ = socket.set_nodelay(true);
    tracing::info!(%peer, "mllp: connection opened");
    let mut reader = FrameReader::default();
    let mut buf = vec![0u8; 64 * 1024];
    let mut frames = Vec::new();
    let mut counts: BTreeMap<&'static str, u64> = BTreeMap::new();
    'read: loop {
        let n = tokio::select! {
            read = socket.read(&mut buf) => match read {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            },
            _ = stopped(&mut stop) => break,
        };
        reader.push(&buf[..n], &mut frames);
        for frame in frames.drain(..) {
            let (s, f) = (services.clone(), feed.clone());
            let answered = tokio::task::spawn_blocking(move || match frame {
                Frame::Message(payload) => s.hl7_message(&f, &payload),
                Frame::TooLarge(head) => s.hl7_too_large(&f, &head),
            })
            .await;
            let Ok(answer) = answered else {
                tracing::warn!(%peer, "mllp: a message task failed");
                break 'read;
            };
            *counts.entry(answer.code.code()).or_default() += 1;
            let mut out = Vec::with_capacity(answer.ack.len() + 3);
            out.push(START);
            out.extend_from_slice(&answer.ack);
            out.extend_from_slice(&[END, CR]);
            if socket.write_all(&out).await.is_err() {
                break 'read;
            }
        }
    }
    let summary = if counts.is_empty() {
        "no messages".to_string()
    } else {
        counts
            .iter()
            .map(|(code, n)| format!("{code} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    tracing::info!(%peer, messages = %summary, "mllp: connection closed");
    let peer_text = peer.to_string();
    let _ = tokio::task::spawn_blocking(move || {
        services.hl7_connection_closed(&feed, &peer_text, &summary)
    })
    .await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_garbage_and_restarts() {
        let mut r = FrameReader::default();
        let mut out = Vec::new();
        r.push(b"junk\x0bMSH|a\x1c\r\r\n\x0bMSH|b", &mut out);
        assert_eq!(out, vec![Frame::Message(b"MSH|a".to_vec())]);
        out.clear();
        r.push(b"\x0bMSH|c\x1c", &mut out);
        r.push(b"\r", &mut out);
        assert_eq!(out, vec![Frame::Message(b"MSH|c".to_vec())]);
    }
}
