//! Staff users (logins) and their unique username index.

use super::IdKey;
use redb::TableDefinition;

pub(crate) const USERS_NAME: &str = "users-1";
/// `users-1` — key: user id (8 bytes BE); value: v1 + postcard(`domain::StaffUser`).
pub(crate) const USERS: TableDefinition<&IdKey, &[u8]> = TableDefinition::new(USERS_NAME);

pub(crate) const USER_BY_NAME_NAME: &str = "user-by-name-1";
/// `user-by-name-1` — key: the username as UTF-8 bytes (as stored, case-sensitive);
/// value: user id (8 bytes BE). Unique.
pub(crate) const USER_BY_NAME: TableDefinition<&[u8], &[u8]> =
    TableDefinition::new(USER_BY_NAME_NAME);
