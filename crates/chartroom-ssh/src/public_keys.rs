//! OpenSSH public key lines (`ssh-ed25519 AAAA... comment`): parsing, fingerprints and
//! matching an offered key against a user's keys. ssh-key is used here only.

use russh::keys::ssh_key::{HashAlg, PublicKey};

/// Why a key line is not usable.
#[derive(Debug, thiserror::Error)]
#[error("not an OpenSSH public key line ({reason}); expected e.g. `ssh-ed25519 AAAA... comment` as in ~/.ssh/id_ed25519.pub")]
pub struct KeyLineError {
    reason: String,
}

/// Parses one OpenSSH public key line.
pub fn parse_key_line(line: &str) -> Result<PublicKey, KeyLineError> {
    PublicKey::from_openssh(line.trim()).map_err(|e| KeyLineError {
        reason: e.to_string(),
    })
}

/// The `SHA256:...` fingerprint OpenSSH prints for a key.
pub fn fingerprint(key: &PublicKey) -> String {
    key.fingerprint(HashAlg::Sha256).to_string()
}

/// Validates a key line for `users add` and returns it normalised (algorithm, base64,
/// comment, one line) with its fingerprint.
pub fn validate_key_line(line: &str) -> Result<(String, String), KeyLineError> {
    let key = parse_key_line(line)?;
    let normalised = key.to_openssh().map_err(|e| KeyLineError {
        reason: e.to_string(),
    })?;
    Ok((normalised, fingerprint(&key)))
}

/// Whether `offered` is one of `lines` (comments are ignored; lines that do not parse
/// are skipped and reported by the caller's log, never matched).
pub fn key_matches(offered: &PublicKey, lines: &[String]) -> bool {
    lines
        .iter()
        .filter_map(|line| parse_key_line(line).ok())
        .any(|key| key.key_data() == offered.key_data())
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPAYB/58Z3kq8NiVLkpeYMV7Xr2HNO5ujyxOwXEGip3Y clerk@test";

    #[test]
    fn parses_matches_and_fingerprints() {
        let key = parse_key_line(KEY).unwrap();
        assert!(fingerprint(&key).starts_with("SHA256:"));
        assert!(key_matches(
            &key,
            &["garbage".into(), KEY.replace("clerk@test", "other")]
        ));
        assert!(!key_matches(&key, &["garbage".into()]));
        let (normalised, _) = validate_key_line(&format!("  {KEY}\n")).unwrap();
        assert_eq!(normalised, KEY);
        assert!(validate_key_line("ssh-ed25519 notbase64").is_err());
    }
}
