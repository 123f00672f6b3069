//! Set-ups the services tests share.

use chartroom_domain::{FixedClock, Role};
use chartroom_generate::{GenerateOptions, NoProgress};
use chartroom_services::{NewUser, Services, Session};
use std::sync::Arc;

/// A generated demo of `patients` charts (the demo's plants included) at 18:00 on the
/// generator's `as_of` day, with the local session of user `demo`.
pub fn demo_services(dir: &std::path::Path, patients: u64) -> (Services, Session, GenerateOptions) {
    let options = GenerateOptions {
        patients,
        ..GenerateOptions::default()
    };
    let now = options.as_of.and_hms_opt(18, 0, 0).unwrap().and_utc();
    let services = Services::open(dir, Arc::new(FixedClock(now))).unwrap();
    services
        .generate_demo("demo", &options, &NoProgress)
        .unwrap();
    let session = services.local_session("demo").unwrap();
    (services, session, options)
}

/// A clerk `username` added by `admin`, signed in from a test address.
pub fn clerk_session(services: &Services, admin: &Session, username: &str) -> Session {
    let user = services
        .add_user(
            admin,
            NewUser {
                username: username.into(),
                display_name: String::new(),
                role: Role::Clerk,
                department: "HIM".into(),
                ssh_keys: vec![
                    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGm3ZkBpG3cJcUOyTWl2D8yD1pK9mR4v0P7wKQ0xY2a3 c@d".into(),
                ],
            },
        )
        .unwrap();
    Session {
        user,
        id: "test".into(),
        client: "127.0.0.1:5000".into(),
    }
}
