//! `DIR/server.json`: written by a running server, removed when it stops, so other
//! chartroom commands that find the data directory locked can say who holds it and how
//! to connect instead of showing a lock error.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub const SERVER_INFO_FILE: &str = "server.json";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerInfo {
    pub pid: u32,
    /// The address the server listens on, e.g. `127.0.0.1:2222`.
    pub listen: String,
    pub host_fingerprint: String,
    pub started: String,
}

impl ServerInfo {
    pub fn path(data_dir: &Path) -> PathBuf {
        data_dir.join(SERVER_INFO_FILE)
    }

    pub fn write(&self, data_dir: &Path) -> std::io::Result<()> {
        let text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        let tmp = data_dir.join(format!("{SERVER_INFO_FILE}.tmp"));
        std::fs::write(&tmp, text + "\n")?;
        std::fs::rename(tmp, Self::path(data_dir))
    }

    /// The running server's info, if the file exists and reads.
    pub fn read(data_dir: &Path) -> Option<ServerInfo> {
        let text = std::fs::read_to_string(Self::path(data_dir)).ok()?;
        serde_json::from_str(&text).ok()
    }

    pub fn remove(data_dir: &Path) {
        let _ = std::fs::remove_file(Self::path(data_dir));
    }

    /// The port of `listen`, for the `ssh -p PORT` hint.
    pub fn port(&self) -> Option<u16> {
        self.listen
            .rsplit_once(':')
            .and_then(|(_, p)| p.parse().ok())
    }

    /// The host to put in the `ssh` hint: the listen host, unless it is a wildcard.
    pub fn host(&self) -> String {
        let host = self
            .listen
            .rsplit_once(':')
            .map(|(h, _)| h)
            .unwrap_or("localhost");
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if host == "0.0.0.0" || host == "::" {
            "THIS-HOST".into()
        } else {
            host.to_string()
        }
    }

    /// `ssh -p 2222 USER@127.0.0.1`
    pub fn ssh_hint(&self) -> String {
        match self.port() {
            Some(22) | None => format!("ssh USER@{}", self.host()),
            Some(port) => format!("ssh -p {port} USER@{}", self.host()),
        }
    }
}
