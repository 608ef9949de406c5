-- A private customer stored without a birth date: the clerk who confirmed the customer is 18 or
-- older (NULL when no staff member was signed in) and when.
ALTER TABLE customer ADD COLUMN adult_confirmed_by INTEGER REFERENCES staff(id);
ALTER TABLE customer ADD COLUMN adult_confirmed_at TEXT;

-- A Norwegian enterprise registered in Foretaksregisteret prints the word after its
-- organisation number (foretaksregisterloven § 10-2).
ALTER TABLE shop ADD COLUMN foretaksregisteret INTEGER NOT NULL DEFAULT 0;

-- The DIN 66399 security level the shop's own equipment reaches, per physical destruction method
-- and material class. A certificate may not state a higher level than this.
CREATE TABLE din_level_setting (
    method TEXT NOT NULL CHECK (method IN ('shred', 'disintegrate', 'drill_crush')),
    din_class TEXT NOT NULL CHECK (din_class IN ('H', 'E', 'O', 'P', 'T', 'F')),
    level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 7),
    PRIMARY KEY (method, din_class)
);

-- The storage media taken out of a laptop, desktop or phone for destruction, each with its own
-- make, model and serial (NIST SP 800-88 §4.8 names the media, not only the computer).
CREATE TABLE storage_medium (
    id INTEGER PRIMARY KEY,
    intake_id INTEGER NOT NULL REFERENCES intake(id) ON DELETE CASCADE,
    media_type TEXT NOT NULL,
    make TEXT NOT NULL DEFAULT '',
    model TEXT NOT NULL DEFAULT '',
    serial TEXT NOT NULL DEFAULT ''
);
CREATE INDEX storage_medium_intake ON storage_medium(intake_id);

-- The witness of a destruction: a staff member (or an outside person typed in `witness`), with
-- title and the date witnessed.
ALTER TABLE intake ADD COLUMN witness_staff_id INTEGER REFERENCES staff(id);
ALTER TABLE intake ADD COLUMN witness_title TEXT;
ALTER TABLE intake ADD COLUMN witnessed_on TEXT;
