-- Skranke schema 9: the register of data-subject requests (issue 13; GDPR Art. 12, 15-22).

-- One request from a person about their data. `customer_id` is the customer it concerns, NULL
-- when nobody matching was found (the answer then says we hold nothing). It is not a foreign
-- key: the request stays in the register, as proof of how it was answered, after the customer
-- it concerned has been erased (the id is then pseudonymous, like `erasure.customer_id`).
-- The free-text fields (verification description, extension reason) pass the same checks as
-- every other text: no national identity or card numbers. No ID document number is stored.
CREATE TABLE request (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN
        ('access', 'export', 'rectification', 'erasure', 'restriction', 'objection')),
    received_on TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('counter', 'email', 'phone', 'letter', 'other')),
    customer_id INTEGER,
    created_at TEXT NOT NULL,
    created_by INTEGER REFERENCES staff(id),
    -- Identity verification (Art. 12(6)): how, by whom, when.
    verification_method TEXT CHECK (verification_method IN
        ('contact_on_file', 'in_person_id_shown', 'other')),
    verification_note TEXT,
    verified_by INTEGER REFERENCES staff(id),
    verified_at TEXT,
    -- Art. 12(3): one month after receipt, extended by up to two more months when the person
    -- was told why within the first month.
    deadline TEXT NOT NULL,
    extension_months INTEGER CHECK (extension_months BETWEEN 1 AND 2),
    extension_reason TEXT,
    extension_told_on TEXT,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    answered_at TEXT,
    -- The erasure started from this request; the sweep closes the request when it is done.
    erasure_id INTEGER
);
CREATE INDEX request_customer ON request(customer_id);
CREATE INDEX request_open ON request(deadline) WHERE status = 'open';

-- The request a document answers (access report, export, erasure confirmation).
ALTER TABLE issued_document ADD COLUMN request_id INTEGER REFERENCES request(id);
CREATE INDEX issued_document_request ON issued_document(request_id) WHERE request_id IS NOT NULL;
