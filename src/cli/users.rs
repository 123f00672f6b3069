//! `chartroom users add|list|disable`: the roster, changed by the local operator acting
//! as admin (whoever can open the data directory holds every record anyway).

use super::os_user;
use super::serve::explain_open_error;
use anyhow::{bail, Context, Result};
use chartroom_domain::{Role, SystemClock};
use chartroom_services::{NewUser, Services};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

#[derive(clap::Subcommand, Debug)]
pub enum UsersCommand {
    /// Add a user who logs in over SSH with the given public key(s).
    Add {
        name: String,
        /// clerk, analyst, roi, privacy, supervisor or admin.
        #[arg(long)]
        role: String,
        /// OpenSSH public key file (e.g. id_ed25519.pub); every key line in it is added.
        #[arg(long)]
        key: PathBuf,
        /// Full name shown on screens (default: the user name).
        #[arg(long)]
        display: Option<String>,
        #[arg(long, default_value = "HIM")]
        department: String,
        #[arg(long)]
        data: PathBuf,
    },
    /// Add public key(s) to an existing user (e.g. one from the generated roster).
    AddKey {
        name: String,
        /// OpenSSH public key file; every key line in it is added.
        #[arg(long)]
        key: PathBuf,
        #[arg(long)]
        data: PathBuf,
    },
    /// List the roster.
    List {
        #[arg(long)]
        data: PathBuf,
    },
    /// Disable a user: their next login is refused and open sessions end.
    Disable {
        name: String,
        #[arg(long)]
        data: PathBuf,
    },
}

fn open(dir: &Path) -> Result<Services> {
    if !dir.join("chartroom.redb").exists() {
        bail!(
            "{} holds no chartroom data (no chartroom.redb); generate or import first",
            dir.display()
        );
    }
    Services::open(dir, Arc::new(SystemClock)).map_err(|e| explain_open_error(dir, e))
}

pub fn run(command: &UsersCommand) -> Result<ExitCode> {
    match command {
        UsersCommand::Add {
            name,
            role,
            key,
            display,
            department,
            data,
        } => {
            let role = Role::parse(role).with_context(|| {
                let all: Vec<&str> = Role::ALL.iter().map(|r| r.code()).collect();
                format!("unknown role `{role}`; use one of {}", all.join(", "))
            })?;
            let keys = read_key_file(key)?;
            let services = open(data)?;
            let admin = services.local_session(&os_user())?;
            let user = services.add_user(
                &admin,
                NewUser {
                    username: name.clone(),
                    display_name: display.clone().unwrap_or_default(),
                    role,
                    department: department.clone(),
                    ssh_keys: keys,
                },
            )?;
            println!(
                "added {} ({}), role {}",
                user.username,
                user.display_name,
                user.role.code()
            );
            Ok(ExitCode::SUCCESS)
        }
        UsersCommand::AddKey { name, key, data } => {
            let keys = read_key_file(key)?;
            let services = open(data)?;
            let admin = services.local_session(&os_user())?;
            let user = services.add_user_keys(&admin, name, keys)?;
            println!("{} now has {} key(s)", user.username, user.ssh_keys.len());
            Ok(ExitCode::SUCCESS)
        }
        UsersCommand::List { data } => {
            let services = open(data)?;
            let admin = services.local_session(&os_user())?;
            println!(
                "{:<16} {:<11} {:<9} {:<5} {:<12} name",
                "user", "role", "status", "keys", "department"
            );
            for u in services.list_users(&admin)? {
                println!(
                    "{:<16} {:<11} {:<9} {:<5} {:<12} {}",
                    u.username,
                    u.role.code(),
                    if u.disabled { "disabled" } else { "active" },
                    u.ssh_keys.len(),
                    u.department,
                    u.display_name
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        UsersCommand::Disable { name, data } => {
            let services = open(data)?;
            let admin = services.local_session(&os_user())?;
            let user = services.disable_user(&admin, name)?;
            println!("disabled {}", user.username);
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Every public key line of a `.pub` (or authorized_keys-style) file, validated with the
/// parser the server authenticates with; each key's fingerprint goes to stderr.
fn read_key_file(path: &Path) -> Result<Vec<String>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut keys = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (normalised, fp) = chartroom_ssh::validate_key_line(line)
            .with_context(|| format!("{}:{}", path.display(), n + 1))?;
        eprintln!("key {fp}");
        keys.push(normalised);
    }
    if keys.is_empty() {
        bail!("{} holds no public key line", path.display());
    }
    Ok(keys)
}
