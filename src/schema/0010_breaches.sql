-- Skranke schema 10: the register of personal data breaches (issue 13; GDPR Art. 33-34).

-- One breach. Every breach is recorded here, whether or not the authority was notified
-- (Art. 33(5)); rows are never deleted. Times are RFC 3339 UTC. The 72-hour deadline is
-- computed from `discovered_at`, never stored. The free-text fields pass the same checks as
-- every other text (no national identity or card numbers) and name no customer: the register
-- describes the breach, not the people in it.
CREATE TABLE breach (
    id INTEGER PRIMARY KEY,
    discovered_at TEXT NOT NULL,
    what TEXT NOT NULL,
    cause TEXT NOT NULL DEFAULT '',
    -- The period it lasted: start, then end, or ongoing (both NULL when not known yet).
    started_at TEXT,
    ended_at TEXT,
    ongoing INTEGER NOT NULL DEFAULT 0 CHECK (ongoing IN (0, 1)),
    data_categories TEXT NOT NULL DEFAULT '',
    people_categories TEXT NOT NULL DEFAULT '',
    people_count INTEGER CHECK (people_count >= 0),
    records_count INTEGER CHECK (records_count >= 0),
    consequences TEXT NOT NULL DEFAULT '',
    measures_taken TEXT NOT NULL DEFAULT '',
    measures_planned TEXT NOT NULL DEFAULT '',
    -- The authority (Datatilsynet / IMY): when notified, the reason if after 72 hours, or why
    -- it was not notified (Art. 33(1): unlikely to result in a risk).
    notified_at TEXT,
    late_reason TEXT NOT NULL DEFAULT '',
    not_notified_reason TEXT NOT NULL DEFAULT '',
    -- The people affected (Art. 34): when they were told, or why not.
    subjects_told_at TEXT,
    not_told_reason TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by INTEGER REFERENCES staff(id),
    updated_at TEXT NOT NULL
);
CREATE INDEX breach_pending ON breach(discovered_at)
    WHERE notified_at IS NULL AND not_notified_reason = '';
