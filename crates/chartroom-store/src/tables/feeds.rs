//! Live feeds: which messages have been applied, so a resend is applied once.

use redb::TableDefinition;

pub(crate) const HL7_RECEIVED_NAME: &str = "hl7-received-1";
/// `hl7-received-1` — key: UTF-8 sender (`MSH-3^MSH-4`), one `0x00` byte, UTF-8 control
/// id (MSH-10); value: the ACK code it was answered with (`AA`, 2 bytes). Written in the
/// transaction that applies the message, so "acknowledged" and "applied" commit together.
pub(crate) const HL7_RECEIVED: TableDefinition<&[u8], &[u8]> =
    TableDefinition::new(HL7_RECEIVED_NAME);

/// Key of [`HL7_RECEIVED`]: sender, `0x00`, control id (the identifier key's layout).
pub(crate) fn received_key(sender: &str, control_id: &str) -> Vec<u8> {
    super::identifier_key(sender, control_id)
}
