//! MLLP round trips: `cargo bench -p chartroom --bench hl7_mllp` (`MLLP_BENCH_MESSAGES`
//! per run, default 2,000). Starts the server in-process (SSH and MLLP on loopback),
//! then sends ADT^A01s from 1 and from 8 senders, each waiting for every ACK (original
//! mode: an ACK comes after the message's commit and index update). Prints
//! `name value unit` lines.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a bench: a failed step should panic

use chartroom_domain::SystemClock;
use chartroom_services::Services;
use chartroom_ssh::{AppScreens, MllpOptions, ServeOptions, Server};
use chartroom_ui as ui;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::Instant;

fn message(sender: usize, n: usize) -> Vec<u8> {
    let text = format!(
        "\x0bMSH|^~\\&|REG{sender}|HOSP|CHART|HIM|20240301083000||ADT^A01|B{n}|P|2.5\r\
         PID|1||{sender}X{n}^^^HOSP^MR||Family{n}^Given||19800214|F\r\
         PV1|1|I|||||||||||||||||V{sender}X{n}\r\x1c\r"
    );
    text.into_bytes()
}

fn read_ack(stream: &mut TcpStream, buf: &mut Vec<u8>) {
    buf.clear();
    let mut byte = [0u8; 1];
    loop {
        stream.read_exact(&mut byte).unwrap();
        if byte[0] == 0x1c {
            stream.read_exact(&mut byte).unwrap();
            break;
        }
        buf.push(byte[0]);
    }
    assert!(
        buf.windows(8).any(|w| w == b"\rMSA|AA|"),
        "{}",
        String::from_utf8_lossy(buf)
    );
}

fn run(addr: SocketAddr, senders: usize, total: usize, offset: usize) -> f64 {
    let each = total / senders;
    let started = Instant::now();
    let threads: Vec<_> = (0..senders)
        .map(|s| {
            std::thread::spawn(move || {
                let mut stream = TcpStream::connect(addr).unwrap();
                stream.set_nodelay(true).unwrap();
                let mut buf = Vec::new();
                for i in 0..each {
                    stream.write_all(&message(s, offset + i)).unwrap();
                    read_ack(&mut stream, &mut buf);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    (each * senders) as f64 / started.elapsed().as_secs_f64()
}

fn main() {
    let total: usize = std::env::var("MLLP_BENCH_MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000);
    let dir = tempfile::tempdir().unwrap();
    let services = Arc::new(Services::open(dir.path(), Arc::new(SystemClock)).unwrap());
    let session = services.local_session("bench").unwrap();
    let feed = Arc::new(services.open_hl7_feed(&session, "bench").unwrap());
    let mut options = ServeOptions::new("127.0.0.1:0".parse().unwrap());
    options.mllp = Some(MllpOptions {
        listen: "127.0.0.1:0".parse().unwrap(),
        feed,
    });
    let ui_config = ui::UiConfig::load(&ui::UiOptions::from_env(None, None)).unwrap();
    let server = Server::start(
        services.clone(),
        options,
        Arc::new(AppScreens::new(ui_config)),
    )
    .unwrap();
    let addr = server.mllp_addr().unwrap();
    println!("mllp_messages_per_run {total} messages");
    let one = run(addr, 1, total, 0);
    println!("mllp_round_trips_1_sender {one:.0} messages/s");
    let eight = run(addr, 8, total, total);
    println!("mllp_round_trips_8_senders {eight:.0} messages/s");
    println!(
        "mllp_server_peak_rss {} MB",
        chartroom_testkit::peak_rss_mb()
    );
    server.shutdown().unwrap();
}
