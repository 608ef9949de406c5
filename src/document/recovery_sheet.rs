//! The recovery sheet: the one paper that opens the vault when the passphrase is lost.

use super::i18n::{t, tf};
use super::layout::{Layout, Paper};
use super::{date, footer_line, log_issued, meta, shop_header, DocumentKind};
use crate::audit::Action;
use crate::error::Result;
use crate::keyfile::KeyFile;
use crate::secret::RecoveryKey;
use crate::vault::{Vault, KEY_FILE};

impl Vault {
    /// The recovery sheet for `key`, in the shop's language. The key is checked against this
    /// vault's key file first (a wrong key on paper would fail exactly when it is needed). The
    /// log records that a sheet was printed and its hash; the key itself is never stored.
    pub fn recovery_sheet_pdf(&mut self, key: &RecoveryKey) -> Result<Vec<u8>> {
        let keys = KeyFile::read(&self.dir().join(KEY_FILE))?;
        keys.unwrap_with_recovery(key.expose_display())?;
        let vault_id = self.vault_id().to_string();
        let clock = self.clock().clone();
        let now = clock.now();
        let session = self.session()?;
        let actor = session.actor;
        let tx = session.conn.transaction()?;
        let log_head = crate::audit::head_short(&tx)?;
        let ctx = super::shop_context(&tx)?;
        let created: String = tx.query_row("SELECT created_at FROM shop WHERE id = 1", [], |r| r.get(0))?;
        let printed_by = super::staff_line(&tx, actor)?;
        let shop = &ctx.shop;
        let lang = shop.language;
        let title = t(lang, "recovery.title");
        let mut l = Layout::new(
            Paper::A4,
            meta(title, t(lang, "recovery.subject"), shop, lang, now),
        );
        l.header(&shop_header(shop, lang));
        l.title(title);
        l.paragraph(t(lang, "recovery.intro"));
        let created = super::local_date(&created)
            .map(|d| date(lang, d))
            .unwrap_or(created);
        let today = date(lang, clock.today());
        l.fields(&[
            (t(lang, "recovery.shop"), shop.name.as_str()),
            (t(lang, "recovery.vault_id"), vault_id.as_str()),
            (t(lang, "recovery.vault_created"), created.as_str()),
            (t(lang, "recovery.printed"), today.as_str()),
            (t(lang, "recovery.printed_by"), printed_by.as_str()),
        ]);
        l.code(t(lang, "recovery.key"), key.expose_display());
        l.heading(t(lang, "recovery.purpose_heading"));
        l.paragraph(t(lang, "recovery.purpose"));
        l.heading(t(lang, "recovery.keep_heading"));
        l.paragraph(t(lang, "recovery.keep"));
        l.heading(t(lang, "recovery.lost_heading"));
        l.paragraph(t(lang, "recovery.lost"));
        l.signatures(&[t(lang, "recovery.sign_stored_by"), t(lang, "recovery.sign_place")]);
        l.footer_text(&format!(
            "{} · {} · {}",
            footer_line(shop, lang),
            tf(lang, "recovery.footer", &[("vault", &vault_id)]),
            super::log_head_text(lang, &log_head)
        ));
        let pdf = l.finish()?;
        log_issued(
            &tx,
            now,
            actor,
            Action::DocumentIssued,
            DocumentKind::RecoverySheet,
            None,
            None,
            Some(lang),
            &pdf,
        )?;
        tx.commit()?;
        Ok(pdf)
    }
}
