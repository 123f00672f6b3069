//! The server's ed25519 host key, generated on first start and kept in the data
//! directory (`ssh_host_ed25519_key`, mode 0600) so clients see the same host on every
//! start.

use super::SshError;
use russh::keys::ssh_key::{Algorithm, LineEnding, PrivateKey};
use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

pub const HOST_KEY_FILE: &str = "ssh_host_ed25519_key";

pub fn host_key_path(data_dir: &Path) -> PathBuf {
    data_dir.join(HOST_KEY_FILE)
}

/// Loads the host key, creating it on first start. A key file readable by others is
/// refused (as sshd does) rather than silently used.
pub fn load_or_create(data_dir: &Path) -> Result<(PrivateKey, bool), SshError> {
    let path = host_key_path(data_dir);
    let io = |source| SshError::Io {
        path: path.clone(),
        source,
    };
    match std::fs::metadata(&path) {
        Ok(meta) => {
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                return Err(SshError::HostKey {
                    path: path.clone(),
                    reason: format!(
                        "permissions {mode:o} are too open; run `chmod 600 {}`",
                        path.display()
                    ),
                });
            }
            let key = PrivateKey::read_openssh_file(&path).map_err(|e| SshError::HostKey {
                path: path.clone(),
                reason: e.to_string(),
            })?;
            Ok((key, false))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key =
                PrivateKey::random(&mut rand_ssh::rng(), Algorithm::Ed25519).map_err(|e| {
                    SshError::HostKey {
                        path: path.clone(),
                        reason: e.to_string(),
                    }
                })?;
            let text = key
                .to_openssh(LineEnding::LF)
                .map_err(|e| SshError::HostKey {
                    path: path.clone(),
                    reason: e.to_string(),
                })?;
            // Written to a temporary file created 0600 and renamed, so a crash never
            // leaves a half-written or world-readable key behind.
            let tmp = data_dir.join(format!("{HOST_KEY_FILE}.tmp-{}", std::process::id()));
            let mut file = OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&tmp)
                .map_err(io)?;
            file.write_all(text.as_bytes()).map_err(io)?;
            file.sync_all().map_err(io)?;
            drop(file);
            std::fs::rename(&tmp, &path).map_err(io)?;
            Ok((key, true))
        }
        Err(e) => Err(io(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_once_with_mode_0600_then_reused() {
        let dir = tempfile::tempdir().unwrap();
        let (first, created) = load_or_create(dir.path()).unwrap();
        assert!(created);
        let mode = std::fs::metadata(host_key_path(dir.path()))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        let (second, created) = load_or_create(dir.path()).unwrap();
        assert!(!created);
        assert_eq!(first.public_key(), second.public_key());
        std::fs::set_permissions(
            host_key_path(dir.path()),
            std::fs::Permissions::from_mode(0o644),
        )
        .unwrap();
        assert!(load_or_create(dir.path()).is_err());
    }
}
