//! The key file: the data key wrapped in slots, as in disk encryption.
//!
//! The database is encrypted with a random data key. That key is stored only wrapped:
//! - the passphrase slot: XChaCha20-Poly1305 under an Argon2id key derived from the passphrase;
//! - the recovery slot: a sealed box (X25519) to a public key derived from the recovery key, so a
//!   new data key can be wrapped for recovery without knowing the recovery key;
//! - optionally the OS credential store (see [`crate::vault`]).
//!
//! The file starts with a header line holding the SHA-256 of the JSON body, so accidental damage
//! is told apart from a wrong passphrase. Since version 2 the body also carries the audit log's
//! head (see [`crate::audit`]) and an HMAC under a key derived from the data key over everything
//! else, so a planted recovery public key or a rolled-back anchor is refused after unlock.

use crate::error::{Error, Result};
use crate::secret::{DataKey, Passphrase, RecoveryKey, WrapKey};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::time::{Duration, Instant};
use zeroize::Zeroizing;

const MAGIC: &str = "SKRANKE-KEYFILE";
/// 2: the body is authenticated (`mac`) and holds the audit anchor. Version 1 files are read
/// and upgraded at the next unlock.
const VERSION: u32 = 2;

/// Argon2id cost. Stored in the file so it can be raised later without breaking old vaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    pub m_kib: u32,
    pub t: u32,
    pub p: u32,
}

impl KdfParams {
    /// 64 MiB: the floor the issue sets; a stolen key file then costs an attacker real memory.
    pub const MIN_MEMORY_KIB: u32 = 64 * 1024;
    /// The cheapest allowed setting; tests use it, and calibration starts from it.
    pub const MINIMUM: KdfParams = KdfParams {
        m_kib: Self::MIN_MEMORY_KIB,
        t: 1,
        p: 1,
    };

    /// Picks the iteration count so one derivation takes about `target` on this computer.
    pub fn calibrate(target: Duration) -> Self {
        let start = Instant::now();
        let _ = Self::MINIMUM.derive(b"calibration", &[0u8; 16]);
        let one = start.elapsed().max(Duration::from_millis(1));
        let t = (target.as_secs_f64() / one.as_secs_f64()).round() as u32;
        KdfParams {
            t: t.clamp(1, 12),
            ..Self::MINIMUM
        }
    }

    /// 1 GiB: more than any computer this app runs on should spend, far less than a crafted
    /// file could ask for (Argon2 would try to allocate up to 4 TiB).
    pub const MAX_MEMORY_KIB: u32 = 1024 * 1024;

    /// Bounds checked when the file is read, before any derivation.
    fn check(&self) -> Result<()> {
        if self.m_kib < Self::MIN_MEMORY_KIB
            || self.m_kib > Self::MAX_MEMORY_KIB
            || self.t == 0
            || self.t > 64
            || self.p == 0
            || self.p > 16
        {
            return Err(Error::Damaged(format!(
                "key file has unusable KDF parameters {self:?}"
            )));
        }
        Ok(())
    }

    pub(crate) fn derive(&self, secret: &[u8], salt: &[u8]) -> Result<WrapKey> {
        let params = argon2::Params::new(self.m_kib, self.t, self.p, Some(32))
            .map_err(|e| Error::Crypto(e.to_string()))?;
        let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
        let mut out = WrapKey([0u8; 32]);
        argon
            .hash_password_into(secret, salt, &mut out.0)
            .map_err(|e| Error::Crypto(e.to_string()))?;
        Ok(out)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
struct PassphraseSlot {
    kdf: KdfParams,
    salt: String,
    nonce: String,
    wrapped: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
struct RecoverySlot {
    kdf: KdfParams,
    salt: String,
    public_key: String,
    sealed: String,
}

/// The newest audit event when the file was last written: a copy of the log's head outside the
/// database, so deleting the newest events or restoring an older database is noticed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AuditAnchor {
    pub seq: i64,
    pub hash: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
struct Body {
    format: String,
    version: u32,
    vault_id: String,
    passphrase: PassphraseSlot,
    recovery: RecoverySlot,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    anchor: Option<AuditAnchor>,
    /// HMAC-SHA256 over the body without this field, keyed from the data key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    mac: Option<String>,
}

/// The parsed key file. Holds only wrapped material, so it is safe to keep around.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyFile {
    body: Body,
}

type HmacSha256 = Hmac<Sha256>;

/// The MAC key: HMAC(data key, label), so the data key itself never keys anything but SQLCipher.
fn mac_key(key: &DataKey) -> Zeroizing<[u8; 32]> {
    let mut m = <HmacSha256 as Mac>::new_from_slice(key.as_bytes()).expect("HMAC takes any key length");
    m.update(b"skranke-keyfile-mac-v2");
    let mut out = Zeroizing::new([0u8; 32]);
    out.copy_from_slice(&m.finalize().into_bytes());
    out
}

fn body_mac(body: &Body, key: &DataKey) -> Result<Vec<u8>> {
    let unsigned = Body {
        mac: None,
        ..body.clone()
    };
    let bytes = serde_json::to_vec(&unsigned).map_err(|e| Error::Crypto(e.to_string()))?;
    let mut m =
        <HmacSha256 as Mac>::new_from_slice(mac_key(key).as_ref()).expect("HMAC takes any key length");
    m.update(&bytes);
    Ok(m.finalize().into_bytes().to_vec())
}

fn b64(bytes: &[u8]) -> String {
    B64.encode(bytes)
}

fn unb64(what: &str, s: &str) -> Result<Vec<u8>> {
    B64.decode(s)
        .map_err(|_| Error::Damaged(format!("key file field {what} is not valid base64")))
}

fn random<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    rand::rngs::OsRng.fill_bytes(&mut b);
    b
}

fn aad(vault_id: &str) -> Vec<u8> {
    format!("skranke-keyslot-v1|{vault_id}|passphrase").into_bytes()
}

fn wrap_passphrase(
    vault_id: &str,
    kdf: KdfParams,
    pass: &Passphrase,
    key: &DataKey,
) -> Result<PassphraseSlot> {
    let salt = random::<16>();
    let kek = kdf.derive(pass.as_bytes(), &salt)?;
    let nonce = random::<24>();
    let cipher = XChaCha20Poly1305::new((&kek.0).into());
    let wrapped = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: key.as_bytes(),
                aad: &aad(vault_id),
            },
        )
        .map_err(|e| Error::Crypto(e.to_string()))?;
    Ok(PassphraseSlot {
        kdf,
        salt: b64(&salt),
        nonce: b64(&nonce),
        wrapped: b64(&wrapped),
    })
}

fn recovery_secret(kdf: KdfParams, secret: &[u8], salt: &[u8]) -> Result<crypto_box::SecretKey> {
    let seed = kdf.derive(secret, salt)?;
    Ok(crypto_box::SecretKey::from(seed.0))
}

fn seal_for_recovery(public_key: &crypto_box::PublicKey, key: &DataKey) -> Result<String> {
    let sealed = public_key
        .seal(&mut rand::rngs::OsRng, key.as_bytes())
        .map_err(|e| Error::Crypto(e.to_string()))?;
    Ok(b64(&sealed))
}

impl KeyFile {
    /// Wraps a fresh data key for a new vault; returns the recovery key to show once.
    pub(crate) fn create(kdf: KdfParams, pass: &Passphrase, key: &DataKey) -> Result<(KeyFile, RecoveryKey)> {
        kdf.check()?;
        let vault_id = hex::encode(random::<16>());
        let passphrase = wrap_passphrase(&vault_id, kdf, pass, key)?;
        let recovery_bytes = Zeroizing::new(random::<RECOVERY_SECRET_BYTES>());
        let salt = random::<16>();
        let secret = recovery_secret(kdf, recovery_bytes.as_ref(), &salt)?;
        let public_key = secret.public_key();
        let recovery = RecoverySlot {
            kdf,
            salt: b64(&salt),
            public_key: b64(public_key.as_bytes()),
            sealed: seal_for_recovery(&public_key, key)?,
        };
        let file = KeyFile {
            body: Body {
                format: MAGIC.into(),
                version: VERSION,
                vault_id,
                passphrase,
                recovery,
                anchor: None,
                mac: None,
            },
        };
        Ok((file.signed(key)?, encode_recovery(&recovery_bytes)))
    }

    pub fn vault_id(&self) -> &str {
        &self.body.vault_id
    }

    pub fn kdf(&self) -> KdfParams {
        self.body.passphrase.kdf
    }

    pub fn anchor(&self) -> Option<&AuditAnchor> {
        self.body.anchor.as_ref()
    }

    /// Whether the file carries a MAC (version 2); version 1 files get one at the next unlock.
    pub(crate) fn is_signed(&self) -> bool {
        self.body.mac.is_some()
    }

    /// The same file authenticated under `key`, at the current version.
    pub(crate) fn signed(mut self, key: &DataKey) -> Result<KeyFile> {
        self.body.version = VERSION;
        self.body.mac = None;
        self.body.mac = Some(b64(&body_mac(&self.body, key)?));
        Ok(self)
    }

    /// The same file with a new audit anchor, authenticated under `key`.
    pub(crate) fn with_anchor(&self, anchor: AuditAnchor, key: &DataKey) -> Result<KeyFile> {
        let mut body = self.body.clone();
        body.anchor = Some(anchor);
        KeyFile { body }.signed(key)
    }

    /// Checks the MAC with the unwrapped data key. A missing MAC (version 1) passes: the caller
    /// upgrades the file. A wrong one means someone edited the public parts of the file.
    pub(crate) fn check_mac(&self, key: &DataKey) -> Result<()> {
        let Some(stored) = &self.body.mac else {
            return Ok(());
        };
        let stored = unb64("mac", stored)?;
        let mut m =
            <HmacSha256 as Mac>::new_from_slice(mac_key(key).as_ref()).expect("HMAC takes any key length");
        let unsigned = Body {
            mac: None,
            ..self.body.clone()
        };
        m.update(&serde_json::to_vec(&unsigned).map_err(|e| Error::Crypto(e.to_string()))?);
        m.verify_slice(&stored).map_err(|_| Error::KeyFileTampered)
    }

    pub(crate) fn unwrap_with_passphrase(&self, pass: &Passphrase) -> Result<DataKey> {
        let slot = &self.body.passphrase;
        slot.kdf.check()?;
        let salt = unb64("passphrase.salt", &slot.salt)?;
        let nonce = unb64("passphrase.nonce", &slot.nonce)?;
        let wrapped = unb64("passphrase.wrapped", &slot.wrapped)?;
        if nonce.len() != 24 {
            return Err(Error::Damaged("key file nonce has the wrong length".into()));
        }
        let kek = slot.kdf.derive(pass.as_bytes(), &salt)?;
        let cipher = XChaCha20Poly1305::new((&kek.0).into());
        let plain = Zeroizing::new(
            cipher
                .decrypt(
                    XNonce::from_slice(&nonce),
                    Payload {
                        msg: &wrapped,
                        aad: &aad(&self.body.vault_id),
                    },
                )
                .map_err(|_| Error::WrongPassphrase)?,
        );
        DataKey::from_bytes(&plain).ok_or_else(|| Error::Damaged("wrapped key has the wrong length".into()))
    }

    pub(crate) fn unwrap_with_recovery(&self, typed: &str) -> Result<DataKey> {
        let secret_bytes = decode_recovery(typed)?;
        let slot = &self.body.recovery;
        slot.kdf.check()?;
        let salt = unb64("recovery.salt", &slot.salt)?;
        let sealed = unb64("recovery.sealed", &slot.sealed)?;
        let secret = recovery_secret(slot.kdf, secret_bytes.as_ref(), &salt)?;
        let plain = Zeroizing::new(secret.unseal(&sealed).map_err(|_| Error::WrongRecoveryKey)?);
        DataKey::from_bytes(&plain).ok_or_else(|| Error::Damaged("sealed key has the wrong length".into()))
    }

    /// Same data key, new passphrase: the database is not touched.
    pub(crate) fn with_new_passphrase(
        &self,
        kdf: KdfParams,
        pass: &Passphrase,
        key: &DataKey,
    ) -> Result<KeyFile> {
        kdf.check()?;
        let mut body = self.body.clone();
        body.passphrase = wrap_passphrase(&body.vault_id, kdf, pass, key)?;
        KeyFile { body }.signed(key)
    }

    /// A new data key wrapped in every slot; the recovery slot needs only its public key (which
    /// the caller has authenticated with [`KeyFile::check_mac`] first).
    pub(crate) fn with_new_data_key(&self, pass: &Passphrase, key: &DataKey) -> Result<KeyFile> {
        let mut body = self.body.clone();
        body.passphrase = wrap_passphrase(&body.vault_id, body.passphrase.kdf, pass, key)?;
        let pk_bytes: [u8; 32] = unb64("recovery.public_key", &body.recovery.public_key)?
            .try_into()
            .map_err(|_| Error::Damaged("recovery public key has the wrong length".into()))?;
        body.recovery.sealed = seal_for_recovery(&crypto_box::PublicKey::from(pk_bytes), key)?;
        KeyFile { body }.signed(key)
    }

    /// A fresh recovery slot for `key`. Callers pass a new data key, so a copy of the old file
    /// opened with the old recovery key does not open the database either.
    pub(crate) fn with_new_recovery_key(&self, key: &DataKey) -> Result<(KeyFile, RecoveryKey)> {
        let mut body = self.body.clone();
        let kdf = body.recovery.kdf;
        let recovery_bytes = Zeroizing::new(random::<RECOVERY_SECRET_BYTES>());
        let salt = random::<16>();
        let public_key = recovery_secret(kdf, recovery_bytes.as_ref(), &salt)?.public_key();
        body.recovery = RecoverySlot {
            kdf,
            salt: b64(&salt),
            public_key: b64(public_key.as_bytes()),
            sealed: seal_for_recovery(&public_key, key)?,
        };
        Ok((KeyFile { body }.signed(key)?, encode_recovery(&recovery_bytes)))
    }

    pub(crate) fn to_bytes(&self) -> Result<Vec<u8>> {
        let json = serde_json::to_vec_pretty(&self.body).map_err(|e| Error::Crypto(e.to_string()))?;
        let mut out = format!("{MAGIC} {VERSION} {}\n", hex::encode(Sha256::digest(&json))).into_bytes();
        out.extend_from_slice(&json);
        out.push(b'\n');
        Ok(out)
    }

    pub(crate) fn from_bytes(bytes: &[u8]) -> Result<KeyFile> {
        let damaged = |why: &str| Error::Damaged(format!("key file: {why}"));
        let nl = bytes
            .iter()
            .position(|&b| b == b'\n')
            .ok_or_else(|| damaged("no header line"))?;
        let header = std::str::from_utf8(&bytes[..nl]).map_err(|_| damaged("header is not text"))?;
        let mut parts = header.split(' ');
        if parts.next() != Some(MAGIC) {
            return Err(damaged("not a Skranke key file"));
        }
        let version: u32 = parts
            .next()
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| damaged("no version"))?;
        if version > VERSION {
            return Err(Error::NewerSchema {
                found: version.into(),
                supported: VERSION.into(),
            });
        }
        let sum = parts.next().ok_or_else(|| damaged("no checksum"))?;
        let json = bytes[nl + 1..].strip_suffix(b"\n").unwrap_or(&bytes[nl + 1..]);
        if hex::encode(Sha256::digest(json)) != sum {
            return Err(damaged("checksum does not match its content"));
        }
        let body: Body = serde_json::from_slice(json).map_err(|e| damaged(&e.to_string()))?;
        if body.format != MAGIC || body.version != version {
            return Err(damaged("format or version field disagrees with the header"));
        }
        if version >= 2 && body.mac.is_none() {
            return Err(damaged("version 2 file without its MAC"));
        }
        body.passphrase.kdf.check()?;
        body.recovery.kdf.check()?;
        Ok(KeyFile { body })
    }

    pub(crate) fn read(path: &Path) -> Result<KeyFile> {
        Self::from_bytes(&std::fs::read(path)?)
    }

    /// Write-then-rename with fsyncs, so a crash leaves either the old or the new file whole.
    pub(crate) fn write_atomic(&self, path: &Path) -> Result<()> {
        crate::vault_files::write_atomic(path, &self.to_bytes()?)
    }
}

const RECOVERY_SECRET_BYTES: usize = 18;
const RECOVERY_CHECK_BYTES: usize = 2;
/// Crockford base32: no I, L, O or U, so handwriting is hard to misread.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

fn encode_recovery(secret: &[u8; RECOVERY_SECRET_BYTES]) -> RecoveryKey {
    let mut all = Zeroizing::new(Vec::with_capacity(20));
    all.extend_from_slice(secret);
    all.extend_from_slice(&Sha256::digest(secret)[..RECOVERY_CHECK_BYTES]);
    let mut chars = Zeroizing::new(String::with_capacity(40));
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in all.iter() {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            chars.push(ALPHABET[((acc >> bits) & 31) as usize] as char);
        }
    }
    acc = 0;
    let _ = acc;
    let grouped: Vec<&str> = chars
        .as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).unwrap_or(""))
        .collect();
    RecoveryKey::from_display(grouped.join("-"))
}

/// Parses what a person typed: case, spaces and dashes do not matter; I/L read as 1, O as 0.
fn decode_recovery(typed: &str) -> Result<Zeroizing<[u8; RECOVERY_SECRET_BYTES]>> {
    let mut values = Zeroizing::new(Vec::with_capacity(32));
    for c in typed.chars().filter(|c| !c.is_whitespace() && *c != '-') {
        let c = match c.to_ascii_uppercase() {
            'I' | 'L' => '1',
            'O' => '0',
            other => other,
        };
        let v = ALPHABET
            .iter()
            .position(|&a| a as char == c)
            .ok_or_else(|| Error::RecoveryKeyTypo(format!("'{c}' is not a character of recovery keys")))?;
        values.push(v as u32);
    }
    let total = (RECOVERY_SECRET_BYTES + RECOVERY_CHECK_BYTES) * 8 / 5;
    if values.len() != total {
        return Err(Error::RecoveryKeyTypo(format!(
            "a recovery key has {total} characters, this has {}",
            values.len()
        )));
    }
    let mut bytes = Zeroizing::new([0u8; RECOVERY_SECRET_BYTES + RECOVERY_CHECK_BYTES]);
    let (mut acc, mut bits, mut i) = (0u64, 0u32, 0usize);
    for &v in values.iter() {
        acc = (acc << 5) | u64::from(v);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            bytes[i] = ((acc >> bits) & 0xff) as u8;
            i += 1;
        }
    }
    let mut secret = Zeroizing::new([0u8; RECOVERY_SECRET_BYTES]);
    secret.copy_from_slice(&bytes[..RECOVERY_SECRET_BYTES]);
    if Sha256::digest(secret.as_ref())[..RECOVERY_CHECK_BYTES] != bytes[RECOVERY_SECRET_BYTES..] {
        return Err(Error::RecoveryKeyTypo(
            "the checksum does not match; check every group".into(),
        ));
    }
    Ok(secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> (KeyFile, RecoveryKey, DataKey) {
        let key = DataKey::random();
        let (file, rec) =
            KeyFile::create(KdfParams::MINIMUM, &Passphrase::new("Kari sin frase"), &key).unwrap();
        (file, rec, key)
    }

    #[test]
    fn recovery_key_round_trips_and_catches_typos() {
        let (file, rec, key) = fixture();
        let shown = rec.expose_display().to_string();
        assert_eq!(
            shown.split('-').count(),
            8,
            "eight groups are easy to copy: {shown}"
        );
        let got = file
            .unwrap_with_recovery(&shown.to_lowercase().replace('-', " "))
            .unwrap();
        assert_eq!(
            got.as_bytes(),
            key.as_bytes(),
            "case and separators must not matter"
        );

        let mut typo = shown.clone().into_bytes();
        typo[5] = if typo[5] == b'X' { b'Y' } else { b'X' };
        let typo = String::from_utf8(typo).unwrap();
        assert!(
            matches!(file.unwrap_with_recovery(&typo), Err(Error::RecoveryKeyTypo(_))),
            "one wrong character must be caught by the checksum, not reported as a wrong key"
        );
        assert!(
            matches!(
                file.unwrap_with_recovery("ABCD-EFGH"),
                Err(Error::RecoveryKeyTypo(_))
            ),
            "a short key is a typo"
        );
    }

    #[test]
    fn a_different_valid_recovery_key_is_wrong_not_a_typo() {
        let (file, _, _) = fixture();
        let (_, other, _) = fixture();
        assert!(
            matches!(
                file.unwrap_with_recovery(other.expose_display()),
                Err(Error::WrongRecoveryKey)
            ),
            "a well-formed key of another vault must be reported as wrong"
        );
    }

    #[test]
    fn passphrase_slot_and_damage_detection() {
        let (file, _, key) = fixture();
        let bytes = file.to_bytes().unwrap();
        let parsed = KeyFile::from_bytes(&bytes).unwrap();
        assert_eq!(parsed, file, "serialisation must round-trip");
        assert_eq!(
            parsed
                .unwrap_with_passphrase(&Passphrase::new("Kari sin frase"))
                .unwrap()
                .as_bytes(),
            key.as_bytes(),
            "the right passphrase unwraps the data key"
        );
        assert!(
            matches!(
                parsed.unwrap_with_passphrase(&Passphrase::new("kari sin frase")),
                Err(Error::WrongPassphrase)
            ),
            "a different passphrase must be refused as wrong"
        );
        let mut damaged = bytes.clone();
        let mid = damaged.len() / 2;
        damaged[mid] ^= 0x01;
        assert!(
            matches!(KeyFile::from_bytes(&damaged), Err(Error::Damaged(_))),
            "a flipped bit in the key file is damage, not a wrong passphrase"
        );
    }

    #[test]
    fn rewrapping_keeps_recovery_working_without_the_recovery_key() {
        let (file, rec, _) = fixture();
        let new_key = DataKey::random();
        let rotated = file
            .with_new_data_key(&Passphrase::new("Kari sin frase"), &new_key)
            .unwrap();
        assert_eq!(
            rotated
                .unwrap_with_recovery(rec.expose_display())
                .unwrap()
                .as_bytes(),
            new_key.as_bytes(),
            "the old recovery key must open the rotated data key"
        );
        let changed = rotated
            .with_new_passphrase(KdfParams::MINIMUM, &Passphrase::new("Ny frase for Ola"), &new_key)
            .unwrap();
        assert!(
            matches!(
                changed.unwrap_with_passphrase(&Passphrase::new("Kari sin frase")),
                Err(Error::WrongPassphrase)
            ),
            "the old passphrase must stop working after a change"
        );
    }
}
