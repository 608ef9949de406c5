-- Skranke schema 1: shop, staff, customers, consent, intakes, data copies, audit log, search.
-- Only the fields the shop's privacy policy names; no table keeps old values.

CREATE TABLE shop (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    org_number TEXT NOT NULL,
    street TEXT NOT NULL,
    postcode TEXT NOT NULL,
    city TEXT NOT NULL,
    phone TEXT NOT NULL,
    email TEXT NOT NULL,
    jurisdiction TEXT NOT NULL CHECK (jurisdiction IN ('NO', 'SE')),
    language TEXT NOT NULL CHECK (language IN ('nb', 'sv', 'en')),
    copy_retention_days INTEGER NOT NULL DEFAULT 14 CHECK (copy_retention_days BETWEEN 14 AND 28),
    destruction_holding_days INTEGER NOT NULL DEFAULT 14 CHECK (destruction_holding_days BETWEEN 14 AND 28),
    auto_lock_minutes INTEGER NOT NULL DEFAULT 10 CHECK (auto_lock_minutes BETWEEN 1 AND 240),
    debt_collector TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);

CREATE TABLE staff (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);

CREATE TABLE customer (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    street TEXT NOT NULL DEFAULT '',
    postcode TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT 'NO' CHECK (country IN ('NO', 'SE')),
    mobile TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    birth_date TEXT,
    kind TEXT NOT NULL CHECK (kind IN ('private', 'business')),
    org_number TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL CHECK (language IN ('nb', 'sv', 'en')),
    notes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    -- Row id in the search indexes; renewed on activity so index order follows recency.
    search_key INTEGER NOT NULL UNIQUE
);
CREATE INDEX customer_mobile ON customer(mobile) WHERE mobile <> '';
CREATE INDEX customer_email ON customer(email) WHERE email <> '';

CREATE TABLE consent (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customer(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('newsletter')),
    channel TEXT NOT NULL,
    given_at TEXT NOT NULL,
    withdrawn_at TEXT
);
CREATE INDEX consent_customer ON consent(customer_id);

CREATE TABLE intake_counter (
    year INTEGER PRIMARY KEY,
    last INTEGER NOT NULL
);

CREATE TABLE intake (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    customer_id INTEGER NOT NULL REFERENCES customer(id),
    received_at TEXT NOT NULL,
    received_by INTEGER NOT NULL REFERENCES staff(id),
    device_type TEXT NOT NULL,
    make TEXT NOT NULL DEFAULT '',
    model TEXT NOT NULL DEFAULT '',
    serial TEXT NOT NULL DEFAULT '',
    accessories TEXT NOT NULL DEFAULT '',
    condition TEXT NOT NULL DEFAULT '',
    fault TEXT NOT NULL DEFAULT '',
    service TEXT NOT NULL,
    estimate TEXT NOT NULL DEFAULT '',
    access TEXT NOT NULL,
    status TEXT NOT NULL,
    status_changed_at TEXT NOT NULL,
    handed_over_at TEXT,
    immediate_destruction INTEGER NOT NULL DEFAULT 0,
    held_since TEXT,
    earliest_destruction TEXT,
    destroyed_at TEXT,
    destroyed_by INTEGER REFERENCES staff(id),
    sanitization_category TEXT,
    destruction_method TEXT,
    destruction_tool TEXT,
    verification TEXT,
    din_class TEXT,
    din_level INTEGER,
    witness TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX intake_customer ON intake(customer_id);
CREATE INDEX intake_status ON intake(status);

CREATE TABLE data_copy (
    id INTEGER PRIMARY KEY,
    intake_id INTEGER NOT NULL REFERENCES intake(id),
    label TEXT NOT NULL,
    location TEXT NOT NULL,
    created_at TEXT NOT NULL,
    handed_over_at TEXT,
    delete_due TEXT,
    deleted_at TEXT,
    deleted_by INTEGER REFERENCES staff(id),
    deletion_method TEXT
);
CREATE INDEX data_copy_intake ON data_copy(intake_id);
CREATE INDEX data_copy_due ON data_copy(delete_due) WHERE deleted_at IS NULL;

-- No personal values here, so erasure never rewrites the chain.
CREATE TABLE audit_event (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    staff_id INTEGER,
    action TEXT NOT NULL,
    subject_id INTEGER,
    record TEXT,
    detail TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_subject ON audit_event(subject_id);

-- Substring search over every field a person may type a fragment of.
CREATE VIRTUAL TABLE customer_text USING fts5(body, tokenize = 'trigram');
-- Word-prefix search over names: the first tier of ranking.
CREATE VIRTUAL TABLE customer_name USING fts5(name, tokenize = 'unicode61', prefix = '1 2 3');
