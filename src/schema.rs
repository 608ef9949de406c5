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
    Migration {
        version: 3,
        sql: include_str!("schema/0003_name_prefix_4.sql"),
    },
    Migration {
        version: 4,
        sql: include_str!("schema/0004_destruction_destination.sql"),
    },
    Migration {
        version: 5,
        sql: include_str!("schema/0005_truthful_records.sql"),
    },
    Migration {
        version: 6,
        sql: include_str!("schema/0006_lifecycle.sql"),
    },
    Migration {
        version: 7,
        sql: include_str!("schema/0007_backups.sql"),
    },
    Migration {
        version: 8,
        sql: include_str!("schema/0008_payment_due.sql"),
    },
    Migration {
        version: 9,
        sql: include_str!("schema/0009_requests.sql"),
    },
    Migration {
        version: 10,
        sql: include_str!("schema/0010_breaches.sql"),
    },
    Migration {
        version: 11,
        sql: include_str!("schema/0011_recipients.sql"),
    },
    Migration {
        version: 12,
        sql: include_str!("schema/0012_staff_pins.sql"),
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
    fn the_name_index_rebuild_keeps_every_customer_findable() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, &MIGRATIONS[..2]).unwrap();
        conn.execute_batch(
            "INSERT INTO customer(name, kind, language, created_at, updated_at, search_key)
                 VALUES ('Hans Hansen', 'private', 'nb', '2026-01-01', '2026-01-01', 41);
             INSERT INTO customer_name(rowid, name) VALUES (41, 'Hans Hansen');",
        )
        .unwrap();
        migrate(&mut conn, MIGRATIONS).unwrap();
        let found: Vec<i64> = conn
            .prepare("SELECT rowid FROM customer_name WHERE customer_name MATCH 'hans*'")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(
            found,
            vec![41],
            "a customer stored before migration 3 must be found by name under the same search key"
        );
        let sql: String = conn
            .query_row(
                "SELECT sql FROM sqlite_master WHERE name = 'customer_name'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(
            sql.contains("'1 2 3 4'"),
            "the rebuilt index must carry the 4-character prefix index: {sql}"
        );
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
