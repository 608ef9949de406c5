-- Skranke schema 6: the data lifecycle (issue 11). Quarantine before erasure, restricted
-- accounting records, the uncollected-device letter, objection to direct marketing, and the
-- periods the privacy policy (src/privacy/policy.rs) reads.

-- Months without activity after which an ended customer relation is anonymised (36 to 60).
ALTER TABLE shop ADD COLUMN anonymise_after_months INTEGER NOT NULL DEFAULT 36
    CHECK (anonymise_after_months BETWEEN 36 AND 60);
-- Accounting-law periods in months after the end of the financial year; NULL means the
-- jurisdiction profile's period (a shop may keep longer, never shorter).
ALTER TABLE shop ADD COLUMN accounting_primary_months INTEGER;
ALTER TABLE shop ADD COLUMN accounting_secondary_months INTEGER;

-- A customer asked to be erased: hidden from search and lists until the sweep erases them on
-- `erase_on` (30 days later), restorable until then.
ALTER TABLE customer ADD COLUMN erase_on TEXT;
ALTER TABLE customer ADD COLUMN erasure_id INTEGER;
-- Art. 21: objection to direct marketing; no information letter is sent after it.
ALTER TABLE customer ADD COLUMN marketing_objection_at TEXT;
CREATE INDEX customer_erase_on ON customer(erase_on) WHERE erase_on IS NOT NULL;

-- The uncollected-device procedure: registered letter sent, then disposal with the storage
-- media wiped or destroyed first.
ALTER TABLE intake ADD COLUMN letter_sent_at TEXT;
ALTER TABLE intake ADD COLUMN media_sanitized TEXT;

-- One erasure (or anonymisation) of a person, under a pseudonymous reference that the
-- deletion confirmation and the certificate register carry instead of the person's name.
CREATE TABLE erasure (
    id INTEGER PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    reason TEXT NOT NULL CHECK (reason IN ('request', 'inactive')),
    language TEXT NOT NULL CHECK (language IN ('nb', 'sv', 'en')),
    requested_at TEXT NOT NULL,
    erase_on TEXT NOT NULL,
    erased_at TEXT,
    intakes_erased INTEGER NOT NULL DEFAULT 0,
    copies_erased INTEGER NOT NULL DEFAULT 0,
    consents_erased INTEGER NOT NULL DEFAULT 0,
    certificates_pseudonymised INTEGER NOT NULL DEFAULT 0,
    restricted INTEGER NOT NULL DEFAULT 0,
    restricted_until TEXT
);

-- Art. 17(3)(b) / Art. 18: what accounting law makes the shop keep after erasure, stripped to
-- what the order slip carries, hidden from ordinary screens, deleted on `delete_after`.
CREATE TABLE restricted_record (
    id INTEGER PRIMARY KEY,
    erasure_id INTEGER NOT NULL REFERENCES erasure(id),
    kind TEXT NOT NULL CHECK (kind IN ('order_slip')),
    number TEXT NOT NULL,
    received_on TEXT NOT NULL,
    ended_on TEXT,
    outcome TEXT NOT NULL,
    customer_name TEXT NOT NULL,
    device TEXT NOT NULL,
    service TEXT NOT NULL,
    estimate TEXT NOT NULL,
    restricted_at TEXT NOT NULL,
    delete_after TEXT NOT NULL
);
CREATE INDEX restricted_record_due ON restricted_record(delete_after);

-- Certificates whose customer was erased: the register keeps the signed original's hash, so a
-- customer's PDF still verifies against it after the name and address were replaced.
ALTER TABLE certificate ADD COLUMN original_sha256 TEXT;

-- Deleted index entries leave no terms behind in the FTS5 segments (SQLite >= 3.42).
INSERT INTO customer_text(customer_text, rank) VALUES ('secure-delete', 1);
INSERT INTO customer_name(customer_name, rank) VALUES ('secure-delete', 1);
