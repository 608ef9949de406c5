-- Skranke schema 11: recipients and processors, disclosures to them, and the record of
-- processing activities (issue 13; GDPR Art. 13-15, 28, 30).

-- Who the shop passes personal data to. `role` fixes what a recipient is for: the debt
-- collection agency (credit checks and collection; with the bailiff the only recipients of
-- birth dates), the bailiff (namsmann / Kronofogden), the accountant and the accounting
-- software vendor (processors, Art. 28: `agreement_on` is the date of the data processing
-- agreement), or any other recipient with its own purpose and legal basis. `purpose` and
-- `legal_basis` are empty for the fixed roles unless the shop wrote its own; documents then
-- print the role's standard text. A recipient is deactivated, never deleted: disclosures
-- made to it stay readable.
CREATE TABLE recipient (
    id INTEGER PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN
        ('debt_collection', 'bailiff', 'accountant', 'accounting_software', 'other')),
    name TEXT NOT NULL CHECK (name <> ''),
    contact TEXT NOT NULL DEFAULT '',
    purpose TEXT NOT NULL DEFAULT '',
    legal_basis TEXT NOT NULL DEFAULT '',
    agreement_on TEXT,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TEXT NOT NULL
);

-- The debt collection agency named in the old free-text setting becomes a recipient.
INSERT INTO recipient(role, name, created_at)
    SELECT 'debt_collection', trim(debt_collector), strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
    FROM shop WHERE id = 1 AND trim(debt_collector) <> '';

-- One disclosure of one customer's data to one recipient: when, which categories
-- (comma-separated: contact, birth_date, devices, accounting) and why. Erased with the customer.
CREATE TABLE disclosure (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customer(id),
    recipient_id INTEGER NOT NULL REFERENCES recipient(id),
    disclosed_on TEXT NOT NULL,
    categories TEXT NOT NULL CHECK (categories <> ''),
    reason TEXT NOT NULL CHECK (reason <> ''),
    created_at TEXT NOT NULL,
    created_by INTEGER REFERENCES staff(id)
);
CREATE INDEX disclosure_customer ON disclosure(customer_id);

-- The shop's own wording for an activity of the record of processing (Art. 30); a NULL column
-- prints the preset text. Retention is never stored here: it comes from the policy table.
CREATE TABLE processing_activity (
    activity TEXT PRIMARY KEY CHECK (activity IN
        ('customer_register', 'invoicing', 'repair', 'data_recovery', 'backup_copies',
         'destruction', 'information_letters', 'credit_checks')),
    purposes TEXT,
    legal_basis TEXT,
    data_subjects TEXT,
    data_categories TEXT,
    recipients TEXT,
    transfers TEXT,
    updated_at TEXT NOT NULL
);
