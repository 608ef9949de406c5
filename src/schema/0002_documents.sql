-- Skranke schema 2: documents. The shop's signing key, the register of signed certificates
-- (numbered per series and year) and the log of every document issued, with its SHA-256.

-- Ed25519 key pairs of the shop. Only the newest unretired key signs; older ones still verify
-- what they signed. The secret seed lives here, inside the encrypted database, and nowhere else.
CREATE TABLE shop_key (
    id INTEGER PRIMARY KEY,
    secret BLOB NOT NULL CHECK (length(secret) = 32),
    public BLOB NOT NULL CHECK (length(public) = 32),
    fingerprint TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    retired_at TEXT
);

-- Next number per series ('C' destruction certificates, 'D' deletion confirmations) and year.
CREATE TABLE document_counter (
    series TEXT NOT NULL,
    year INTEGER NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (series, year)
);

-- Every signed certificate, with exactly the bytes that were signed.
CREATE TABLE certificate (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('destruction', 'destruction_batch', 'copy_deletion')),
    customer_id INTEGER REFERENCES customer(id) ON DELETE SET NULL,
    issued_at TEXT NOT NULL,
    issued_by INTEGER REFERENCES staff(id),
    language TEXT NOT NULL CHECK (language IN ('nb', 'sv', 'en')),
    content TEXT NOT NULL,
    signature TEXT NOT NULL,
    key_id INTEGER NOT NULL REFERENCES shop_key(id),
    pdf_sha256 TEXT NOT NULL
);
CREATE INDEX certificate_customer ON certificate(customer_id);

-- Which intakes and data copies a certificate covers (for the access report and for refusing
-- nothing twice by accident; the same device may be certified again, e.g. a lost paper copy).
CREATE TABLE certificate_item (
    certificate_id INTEGER NOT NULL REFERENCES certificate(id) ON DELETE CASCADE,
    intake_id INTEGER REFERENCES intake(id),
    copy_id INTEGER REFERENCES data_copy(id),
    CHECK ((intake_id IS NULL) <> (copy_id IS NULL))
);
CREATE INDEX certificate_item_intake ON certificate_item(intake_id);
CREATE INDEX certificate_item_copy ON certificate_item(copy_id);

-- Every document handed over or saved: receipts, certificates, access reports, exports,
-- recovery sheets. Holds no personal values, only what proves which bytes left the shop.
CREATE TABLE issued_document (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    customer_id INTEGER REFERENCES customer(id) ON DELETE SET NULL,
    record TEXT,
    issued_at TEXT NOT NULL,
    issued_by INTEGER REFERENCES staff(id),
    language TEXT,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL
);
CREATE INDEX issued_document_customer ON issued_document(customer_id);
CREATE INDEX issued_document_sha ON issued_document(sha256);
