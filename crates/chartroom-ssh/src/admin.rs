//! Roster commands over SSH, for admins while the server holds the data directory
//! (the CLI cannot open it then):
//!
//! ```text
//! ssh -p 2222 admin@host users list
//! ssh -p 2222 admin@host users disable NAME
//! ssh -p 2222 admin@host users add NAME ROLE [DEPARTMENT] < NAME.pub
//! ssh -p 2222 admin@host users add-key NAME < NAME.pub
//! ssh -p 2222 admin@host hl7 stats
//! ```
//!
//! Nothing else runs over `exec`; authorisation is the services' (admin for changes,
//! admin or supervisor to list).

use super::handler::Shared;
use super::public_keys::validate_key_line;
use chartroom_domain::Role;
use chartroom_services::{NewUser, Session};
use russh::server::Msg;
use russh::{ChannelMsg, ChannelReadHalf, ChannelWriteHalf};

/// Largest public key file read from stdin.
const MAX_STDIN: usize = 64 * 1024;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum AdminCommand {
    List,
    Disable {
        name: String,
    },
    Add {
        name: String,
        role: Role,
        department: String,
    },
    AddKey {
        name: String,
    },
    /// The MLLP feed's counts per message type and ACK code, and its latest refusals.
    Hl7Stats,
}

/// The command an `exec` request names, if it is one of ours.
pub(super) fn parse(command: &[u8]) -> Option<AdminCommand> {
    let text = std::str::from_utf8(command).ok()?;
    let words: Vec<&str> = text.split_whitespace().collect();
    match words.as_slice() {
        ["users", "list"] => Some(AdminCommand::List),
        ["hl7", "stats"] => Some(AdminCommand::Hl7Stats),
        ["users", "disable", name] => Some(AdminCommand::Disable {
            name: name.to_string(),
        }),
        ["users", "add-key", name] => Some(AdminCommand::AddKey {
            name: name.to_string(),
        }),
        ["users", "add", name, role] => Some(AdminCommand::Add {
            name: name.to_string(),
            role: Role::parse(role)?,
            department: "HIM".into(),
        }),
        ["users", "add", name, role, department] => Some(AdminCommand::Add {
            name: name.to_string(),
            role: Role::parse(role)?,
            department: department.to_string(),
        }),
        _ => None,
    }
}

/// Runs one command and answers on the channel: output on stdout, a problem on stderr,
/// exit status 0 or 1.
pub(super) async fn run(
    shared: &Shared,
    session: &Session,
    command: AdminCommand,
    read: &mut ChannelReadHalf,
    write: &ChannelWriteHalf<Msg>,
) -> anyhow::Result<()> {
    let services = shared.services.clone();
    let result: Result<String, String> = match command {
        AdminCommand::List => tokio::task::block_in_place(|| services.list_users(session))
            .map(|users| {
                let mut out = String::new();
                for u in users {
                    out.push_str(&format!(
                        "{:<16} {:<11} {:<9} {} keys  {}\r\n",
                        u.username,
                        u.role.code(),
                        if u.disabled { "disabled" } else { "active" },
                        u.ssh_keys.len(),
                        u.display_name
                    ));
                }
                out
            })
            .map_err(|e| e.to_string()),
        AdminCommand::Hl7Stats => {
            match tokio::task::block_in_place(|| services.hl7_feed_stats(session)) {
                Ok(Some(stats)) => Ok(format_stats(&stats)),
                Ok(None) => {
                    Err("no HL7 feed runs on this server (start it with serve --mllp ADDR)".into())
                }
                Err(e) => Err(e.to_string()),
            }
        }
        AdminCommand::Disable { name } => {
            tokio::task::block_in_place(|| services.disable_user(session, &name))
                .map(|u| format!("disabled {}; their open sessions end now\r\n", u.username))
                .map_err(|e| e.to_string())
        }
        AdminCommand::AddKey { name } => match read_stdin(read).await.and_then(|t| key_lines(&t)) {
            Err(e) => Err(e),
            Ok(keys) => {
                tokio::task::block_in_place(|| services.add_user_keys(session, &name, keys))
                    .map(|u| format!("{} now has {} key(s)\r\n", u.username, u.ssh_keys.len()))
                    .map_err(|e| e.to_string())
            }
        },
        AdminCommand::Add {
            name,
            role,
            department,
        } => match read_stdin(read).await {
            Err(e) => Err(e),
            Ok(text) => match key_lines(&text) {
                Err(e) => Err(e),
                Ok(keys) => {
                    let new = NewUser {
                        username: name,
                        display_name: String::new(),
                        role,
                        department,
                        ssh_keys: keys,
                    };
                    tokio::task::block_in_place(|| services.add_user(session, new))
                        .map(|u| format!("added {}, role {}\r\n", u.username, u.role.code()))
                        .map_err(|e| e.to_string())
                }
            },
        },
    };
    let status = match result {
        Ok(out) => {
            write.data_bytes(out.into_bytes()).await?;
            0
        }
        Err(problem) => {
            write
                .extended_data_bytes(1, format!("chartroom: {problem}\r\n").into_bytes())
                .await?;
            1
        }
    };
    let _ = write.exit_status(status).await;
    let _ = write.eof().await;
    let _ = write.close().await;
    Ok(())
}

fn format_stats(stats: &chartroom_services::FeedStats) -> String {
    let mut out = String::new();
    for (event, n) in &stats.by_event {
        out.push_str(&format!("{event:<16} {n}\r\n"));
    }
    let codes: Vec<String> = stats
        .by_code
        .iter()
        .map(|(code, n)| format!("{code} {n}"))
        .collect();
    out.push_str(&format!(
        "acks: {}; resends answered without applying: {}\r\n",
        codes.join(", "),
        stats.duplicates
    ));
    for e in &stats.recent_errors {
        out.push_str(&format!("refused: {e}\r\n"));
    }
    out
}

async fn read_stdin(read: &mut ChannelReadHalf) -> Result<String, String> {
    let mut bytes = Vec::new();
    loop {
        match read.wait().await {
            Some(ChannelMsg::Data { data }) => {
                bytes.extend_from_slice(&data);
                if bytes.len() > MAX_STDIN {
                    return Err("the public key on stdin is too long".into());
                }
            }
            Some(ChannelMsg::Eof | ChannelMsg::Close) | None => break,
            Some(_) => {}
        }
    }
    String::from_utf8(bytes).map_err(|_| "stdin is not text; send the .pub file".to_string())
}

fn key_lines(text: &str) -> Result<Vec<String>, String> {
    let mut keys = Vec::new();
    for line in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let (normalised, _) = validate_key_line(line).map_err(|e| e.to_string())?;
        keys.push(normalised);
    }
    if keys.is_empty() {
        return Err(
            "send the user's public key on stdin: ... users add NAME ROLE < NAME.pub".into(),
        );
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_only_the_roster_commands() {
        assert_eq!(parse(b"users list"), Some(AdminCommand::List));
        assert_eq!(
            parse(b" users  disable  bob "),
            Some(AdminCommand::Disable { name: "bob".into() })
        );
        assert_eq!(
            parse(b"users add bob clerk"),
            Some(AdminCommand::Add {
                name: "bob".into(),
                role: Role::Clerk,
                department: "HIM".into()
            })
        );
        assert_eq!(parse(b"users add bob nurse"), None);
        assert_eq!(
            parse(b"users add-key bob"),
            Some(AdminCommand::AddKey { name: "bob".into() })
        );
        assert_eq!(parse(b"hl7 stats"), Some(AdminCommand::Hl7Stats));
        assert_eq!(parse(b"rm -rf /"), None);
        assert_eq!(parse(b"users"), None);
    }
}
