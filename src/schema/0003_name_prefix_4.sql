-- People type four or more letters of a name as often as three ("hans", "berg"). Without a
-- 4-character prefix index, "hans*" merges the posting lists of every indexed word that starts
-- with "hans"; with it, the query reads one list. FTS5 fixes prefix indexes at creation, so the
-- name index is rebuilt from the customer rows it mirrors (same row ids: the search keys).
DROP TABLE customer_name;
CREATE VIRTUAL TABLE customer_name USING fts5(name, tokenize = 'unicode61', prefix = '1 2 3 4');
INSERT INTO customer_name(rowid, name) SELECT search_key, name FROM customer;
