-- Lexical search reads posting lists, not lexicon rows: per (field, term, access partition) segments of
-- passage numbers, term frequencies and passage lengths packed as big-endian arrays (int4, int2, int4), one
-- segment per write transaction (`seg` = its generation). A replica fetches the segments of a query's terms
-- in one round trip and scores them with numpy — reading lexicon rows through a GIN index cost ~0.1 ms a row
-- (array_position over each row's term arrays), seconds per question at 100k passages.
-- `lexicon.no` numbers the passages of the lexicon; a passage taken out of it is listed in `lex_removed`
-- (its numbers stay in older segments, masked when read).
ALTER TABLE lexicon ADD COLUMN no serial;
CREATE UNIQUE INDEX lexicon_no ON lexicon (no);
CREATE TABLE lex_postings (field smallint NOT NULL, term int NOT NULL, part int NOT NULL, seg bigint NOT NULL,
  nos bytea NOT NULL, tfs bytea NOT NULL, lens bytea NOT NULL, PRIMARY KEY (field, term, part, seg));
-- stored uncompressed: read whole on every question that has the term
ALTER TABLE lex_postings ALTER nos SET STORAGE EXTERNAL, ALTER tfs SET STORAGE EXTERNAL,
  ALTER lens SET STORAGE EXTERNAL;
CREATE TABLE lex_removed (no int NOT NULL, gen bigint NOT NULL);
CREATE INDEX lex_removed_gen ON lex_removed (gen);
INSERT INTO lex_postings (field, term, part, seg, nos, tfs, lens)
  SELECT 0, u.t, l.part, 0, string_agg(int4send(l.no), ''::bytea ORDER BY l.no),
    string_agg(int2send(u.tf), ''::bytea ORDER BY l.no), string_agg(int4send(l.acc_len), ''::bytea ORDER BY l.no)
  FROM lexicon l, unnest(l.acc_terms, l.acc_tfs) AS u(t, tf) GROUP BY u.t, l.part
  UNION ALL
  SELECT 1, u.t, l.part, 0, string_agg(int4send(l.no), ''::bytea ORDER BY l.no),
    string_agg(int2send(u.tf), ''::bytea ORDER BY l.no), string_agg(int4send(l.fold_len), ''::bytea ORDER BY l.no)
  FROM lexicon l, unnest(l.fold_terms, l.fold_tfs) AS u(t, tf) GROUP BY u.t, l.part;
DROP INDEX lexicon_acc;
DROP INDEX lexicon_fold;
