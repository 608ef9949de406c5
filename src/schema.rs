//! Numbered SQL migrations, applied together in one transaction and tracked in `user_version`.

use crate::error::{Error, Result};
use rusqlite::Connection;

/// One schema step: its number is the `user_version` after it has run.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: i64,
    pub sql: &'static str,
}

pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        sql: include_str!("schema/0001_init.sql"),
    },
    Migration {
        version: 2,
        sql: include_str!("schema/0002_documents.sql"),
    },
];

pub fn latest() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// Brings the schema up to date. A database from a newer Skranke is refused before anything is
/// written; a failing step rolls every step of this run back.
pub fn migrate(conn: &mut Connection, migrations: &[Migration]) -> Result<()> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let supported = migrations.last().map_or(0, |m| m.version);
    if current > supported {
        return Err(Error::NewerSchema {
            found: current,
            supported,
        });
    }
    let pending: Vec<&Migration> = migrations.iter().filter(|m| m.version > current).collect();
    if pending.is_empty() {
        return Ok(());
    }
    let tx = conn.transaction()?;
    for m in pending {
        tx.execute_batch(m.sql)
            .map_err(|e| Error::Damaged(format!("schema migration {} failed: {e}", m.version)))?;
        tx.pragma_update(None, "user_version", m.version)?;
    }
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_in_order() {
        for pair in MIGRATIONS.windows(2) {
            assert_eq!(
                pair[1].version,
                pair[0].version + 1,
                "migration numbers must be consecutive"
            );
        }
        assert_eq!(MIGRATIONS[0].version, 1, "the first migration is number 1");
    }

    #[test]
    fn a_failing_migration_changes_nothing() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, &MIGRATIONS[..1]).unwrap();
        conn.execute("INSERT INTO staff(name) VALUES ('Kari Nordmann')", [])
            .unwrap();
        let broken = [
            MIGRATIONS[0],
            Migration {
                version: 2,
                sql: "CREATE TABLE added(x); ALTER TABLE staff ADD COLUMN y;",
            },
            Migration {
                version: 3,
                sql: "THIS IS NOT SQL;",
            },
        ];
        let err = migrate(&mut conn, &broken).unwrap_err();
        assert!(
            err.to_string().contains("migration 3"),
            "the error must name the failing step: {err}"
        );
        let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(
            v, 1,
            "user_version must stay where it was when a later step fails"
        );
        let added: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'added'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(added, 0, "step 2 must be rolled back together with step 3");
        let staff: i64 = conn
            .query_row("SELECT count(*) FROM staff", [], |r| r.get(0))
            .unwrap();
        assert_eq!(staff, 1, "existing data must survive a failed migration");
    }

    #[test]
    fn a_newer_schema_is_refused_untouched() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        let err = migrate(&mut conn, MIGRATIONS).unwrap_err();
        assert!(
            matches!(err, Error::NewerSchema { found: 99, .. }),
            "newer schema must be refused: {err}"
        );
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .unwrap();
        assert_eq!(tables, 0, "nothing may be created in a newer database");
    }
}
