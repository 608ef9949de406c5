-- Skranke schema 8: when payment for finished work falls due (issue 11). Norwegian law
-- (håndverkertjenesteloven § 47) counts the three months before the uncollected-device letter
-- from the later of "work done" and "payment due"; NULL means payment is due at pickup, from
-- the day the device was ready.
ALTER TABLE intake ADD COLUMN payment_due_on TEXT;
