//! The MLLP listener of `chartroom serve --mllp`, on loopback: ACKs after commit, a
//! resend applied once, a garbled frame refusing only itself, several senders at once,
//! and a kill -9 mid-stream that loses no acknowledged message.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

fn chartroom() -> Command {
    Command::new(env!("CARGO_BIN_EXE_chartroom"))
}

fn a01(control: &str, mrn: &str, family: &str) -> Vec<u8> {
    let text = format!(
        "MSH|^~\\&|REG|HOSP|CHART|HIM|20240301083000||ADT^A01|{control}|P|2.5\r\
         PID|1||{mrn}^^^HOSP^MR||{family}^Pat||19800214|F\r\
         PV1|1|I|||||||||||||||||V{mrn}\r"
    );
    frame(text.as_bytes())
}

fn frame(message: &[u8]) -> Vec<u8> {
    let mut out = vec![0x0b];
    out.extend_from_slice(message);
    out.extend_from_slice(&[0x1c, 0x0d]);
    out
}

/// Reads one framed ACK.
fn read_ack(stream: &mut TcpStream) -> String {
    let mut out = Vec::new();
    let mut byte = [0u8; 1];
    loop {
        stream.read_exact(&mut byte).expect("ack byte");
        if byte[0] == 0x1c {
            stream.read_exact(&mut byte).expect("frame end");
            break;
        }
        if byte[0] != 0x0b {
            out.push(byte[0]);
        }
    }
    String::from_utf8(out).expect("utf-8 ack")
}

fn send(stream: &mut TcpStream, bytes: &[u8]) -> String {
    stream.write_all(bytes).expect("send");
    read_ack(stream)
}

/// Starts `serve --mllp` on free ports; answers the child and the MLLP address.
fn start(dir: &Path) -> (Child, String) {
    let mut child = chartroom()
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--mllp",
            "127.0.0.1:0",
            "--data",
        ])
        .arg(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let addr = loop {
        let line = lines.next().expect("server output").expect("line");
        if let Some(addr) = line.strip_prefix("chartroom serve: HL7 MLLP listening on ") {
            break addr.to_string();
        }
    };
    // Keep draining stderr so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, addr)
}

#[test]
fn mllp_round_trip_resend_garbled_many_senders_and_kill_9() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let (mut server, addr) = start(&dir);
    let mut stream = TcpStream::connect(&addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();

    let ack = send(&mut stream, &a01("C1", "1234567890", "Okafor"));
    assert!(ack.starts_with("MSH|^~\\&|CHART|HIM|REG|HOSP|"), "{ack}");
    assert!(ack.contains("\rMSA|AA|C1"), "{ack}");
    // The same control id from the same sender again: acknowledged, applied once.
    let again = send(&mut stream, &a01("C1", "1234567890", "Okafor"));
    assert!(again.contains("\rMSA|AA|C1"), "{again}");
    // A garbled frame is refused; the connection stays usable.
    let garbled = send(&mut stream, &frame(b"MSH|^~\\&|REG\r\x01\x02garbage"));
    assert!(garbled.contains("\rMSA|AR|"), "{garbled}");
    assert!(garbled.contains("\rERR|"), "{garbled}");
    let unknown = send(
        &mut stream,
        &frame(b"MSH|^~\\&|REG|HOSP|||2024||ADT^A03|C2|P|2.5\rPID|1||nobody^^^HOSP^MR\r"),
    );
    assert!(unknown.contains("\rMSA|AE|C2|unknown patient"), "{unknown}");

    // A stuck sender (half a frame, then silence) holds up nobody.
    let mut stuck = TcpStream::connect(&addr).unwrap();
    let half = a01("STUCK", "STUCK1", "Stuck");
    stuck.write_all(&half[..half.len() / 2]).unwrap();
    let ack = send(&mut stream, &a01("C3", "PAST1", "Past"));
    assert!(ack.contains("\rMSA|AA|C3"), "{ack}");

    // Several senders at once, each waiting for its ACKs.
    let senders: Vec<_> = (0..4)
        .map(|s| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                let mut stream = TcpStream::connect(&addr).unwrap();
                stream
                    .set_read_timeout(Some(Duration::from_secs(30)))
                    .unwrap();
                for i in 0..10 {
                    let mrn = format!("S{s}N{i}");
                    let ack = send(&mut stream, &a01(&format!("S{s}-{i}"), &mrn, "Sender"));
                    assert!(ack.contains("|AA|"), "{ack}");
                }
            })
        })
        .collect();
    for s in senders {
        s.join().unwrap();
    }

    // kill -9 mid-stream: a sender keeps sending while the server dies; everything it
    // got an AA for is in the store, and `verify` is clean.
    let acked = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let streamer = {
        let (addr, acked) = (addr.clone(), acked.clone());
        std::thread::spawn(move || {
            let Ok(mut stream) = TcpStream::connect(&addr) else {
                return;
            };
            for i in 0.. {
                let mrn = format!("KILL{i}X");
                if stream
                    .write_all(&a01(&format!("K{i}"), &mrn, "Killed"))
                    .is_err()
                {
                    return;
                }
                let mut ack = Vec::new();
                let mut byte = [0u8; 1];
                loop {
                    match stream.read(&mut byte) {
                        Ok(1) if byte[0] == 0x1c => break,
                        Ok(1) => ack.push(byte[0]),
                        _ => return,
                    }
                }
                if String::from_utf8_lossy(&ack).contains("|AA|") {
                    acked.lock().unwrap().push(mrn);
                }
            }
        })
    };
    std::thread::sleep(Duration::from_millis(400));
    server.kill().unwrap(); // SIGKILL
    server.wait().unwrap();
    streamer.join().unwrap();
    let _ = std::fs::remove_file(dir.join("server.json"));

    let verify = chartroom()
        .arg("verify")
        .arg("--data")
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );
    let acked = acked.lock().unwrap().clone();
    assert!(!acked.is_empty(), "the streamer got no ACK before the kill");
    let queries = tmp.path().join("acked.jsonl");
    let lines: Vec<String> = acked
        .iter()
        .map(|m| format!("{{\"q\": \"{m}\"}}"))
        .collect();
    std::fs::write(&queries, lines.join("\n")).unwrap();
    let out = chartroom()
        .args(["search", "--data"])
        .arg(&dir)
        .arg("--queries")
        .arg(&queries)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let answers: Vec<&str> = text.lines().collect();
    assert_eq!(answers.len(), acked.len(), "{text}");
    for (mrn, line) in acked.iter().zip(&answers) {
        assert!(line.contains("Killed"), "{mrn} lost: {line}");
    }
    let out = chartroom()
        .args(["search", "--json", "--data"])
        .arg(&dir)
        .arg("1234567890")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.matches("Okafor").count(), 1, "{text}");
}
