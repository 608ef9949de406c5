//! Secret values: never printed, never serialised, zeroed when dropped.

use std::fmt;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// The 256-bit key SQLCipher encrypts the database with.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct DataKey([u8; 32]);

impl DataKey {
    pub(crate) fn random() -> Self {
        let mut k = [0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut k);
        DataKey(k)
    }

    pub(crate) fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let arr: [u8; 32] = bytes.try_into().ok()?;
        Some(DataKey(arr))
    }

    pub(crate) fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The SQLCipher raw-key literal `x'…'`, which skips SQLCipher's own KDF.
    pub(crate) fn sqlcipher_literal(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("x'{}'", hex::encode(self.0)))
    }
}

/// A key-encryption key derived from a passphrase or recovery key.
#[derive(Zeroize, ZeroizeOnDrop)]
pub(crate) struct WrapKey(pub(crate) [u8; 32]);

/// The owner's passphrase as typed.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Passphrase(String);

impl Passphrase {
    pub fn new(s: impl Into<String>) -> Self {
        Passphrase(s.into())
    }
    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn chars(&self) -> usize {
        self.0.chars().count()
    }
}

/// The recovery key shown once at setup, in checksummed groups (see [`crate::keyfile`]).
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct RecoveryKey(String);

impl RecoveryKey {
    pub(crate) fn from_display(s: String) -> Self {
        RecoveryKey(s)
    }
    /// The key in the grouped form a person writes down, e.g. `K7QM-2XD9-…`.
    pub fn expose_display(&self) -> &str {
        &self.0
    }
}

/// A staff member's counter PIN as typed: 4 to 8 digits (see [`crate::pin`]).
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Pin(String);

impl Pin {
    pub fn new(s: impl Into<String>) -> Self {
        Pin(s.into())
    }
    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
    /// 4 to 8 ASCII digits, nothing else (a space or a letter is a typo, not part of the PIN).
    pub(crate) fn is_well_formed(&self) -> bool {
        (4..=8).contains(&self.0.len()) && self.0.bytes().all(|b| b.is_ascii_digit())
    }
}

macro_rules! redacted_debug {
    ($($t:ty),*) => {$(
        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($t), "(<redacted>)"))
            }
        }
    )*};
}
redacted_debug!(DataKey, WrapKey, Passphrase, RecoveryKey, Pin);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_holds_no_key_material() {
        let key = DataKey([0xAB; 32]);
        let pass = Passphrase::new("Kari sin hemmelige frase");
        let rec = RecoveryKey::from_display("ABCD-EFGH".into());
        let wrap = WrapKey([0xCD; 32]);
        let pin = Pin::new("482916");
        for (text, secret) in [
            (format!("{pin:?}"), "482916".to_string()),
            (format!("{key:?}"), "abab".to_string()),
            (format!("{pass:?}"), "hemmelige".to_string()),
            (format!("{rec:?}"), "ABCD".to_string()),
            (format!("{wrap:?}"), "cdcd".to_string()),
        ] {
            assert!(
                text.contains("<redacted>"),
                "Debug must say it is redacted: {text}"
            );
            assert!(
                !text.to_lowercase().contains(&secret.to_lowercase()),
                "Debug output {text} leaks the secret"
            );
        }
        assert!(
            !format!("{:?}", key).contains("171"),
            "decimal bytes of the key must not appear either"
        );
    }
}
