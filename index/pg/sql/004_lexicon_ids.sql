-- The top k's ids, documents and positions (and every passage tied with the k-th) are read by passage number
-- after each lexical search: through `lexicon_no` each row was a heap fetch from a table of wide rows (the
-- term arrays), ~70 ms for 2,500 numbers at 1M passages once the table outgrows shared_buffers. With the
-- columns in the index the read is an index-only scan (pages marked all-visible by (auto)vacuum).
CREATE UNIQUE INDEX lexicon_no_ids ON lexicon (no) INCLUDE (id, doc_id, position);
DROP INDEX lexicon_no;
