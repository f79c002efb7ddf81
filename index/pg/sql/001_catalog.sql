-- The catalog in PostgreSQL: what index/catalog.py keeps in SQLite, shared by every replica.
-- `chidao_state.generation` is bumped first in every write transaction: the row lock it takes serialises the
-- catalog swaps (short; parsing and embedding run outside), so generations commit in order and a replica that
-- has read generation g has seen every change stamped <= g.
-- Metadata columns are `json`, not `jsonb`: key order is kept as written (table cells are read in column order).
CREATE TABLE chidao_state (id int PRIMARY KEY CHECK (id = 1), generation bigint NOT NULL,
  horizon bigint NOT NULL DEFAULT 0);  -- removals older than `horizon` are no longer logged
INSERT INTO chidao_state VALUES (1, 0, 0);
CREATE TABLE kv (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE documents (doc_id text PRIMARY KEY, source text NOT NULL, sha256 text NOT NULL, chunker text NOT NULL,
  meta json NOT NULL, n_passages int NOT NULL, ingested_at double precision NOT NULL, size bigint NOT NULL DEFAULT 0);
-- an access partition: one set of access groups (a passage belongs to the partition of its document's groups);
-- lexical statistics and the diacritic restorer's words are kept per partition, so a caller's are summed over
-- the partitions it may read
CREATE TABLE partitions (id serial PRIMARY KEY, groups text[] NOT NULL UNIQUE);
CREATE TABLE passages (id text PRIMARY KEY, doc_id text NOT NULL, position int NOT NULL, kind text NOT NULL,
  text text NOT NULL, embed_text text NOT NULL, meta json NOT NULL, embed_hash text NOT NULL,
  part int NOT NULL REFERENCES partitions, gen bigint NOT NULL);
CREATE INDEX passages_doc ON passages (doc_id, position);
CREATE INDEX passages_gen ON passages (gen);
CREATE INDEX passages_hash ON passages (embed_hash);
CREATE TABLE removed_passages (id text NOT NULL, gen bigint NOT NULL);  -- the change feed's removals
CREATE INDEX removed_passages_gen ON removed_passages (gen);
CREATE TABLE vectors (model text NOT NULL, embed_hash text NOT NULL, vec bytea NOT NULL,
  PRIMARY KEY (model, embed_hash));
CREATE TABLE dirty (doc_id text PRIMARY KEY);
CREATE TABLE coverage (doc_id text PRIMARY KEY, ledger json NOT NULL);
CREATE TABLE originals (sha256 text PRIMARY KEY, data bytea NOT NULL);
CREATE TABLE turns (session_id text NOT NULL, ts double precision NOT NULL, role text NOT NULL,
  content text NOT NULL, extra json NOT NULL, owner text NOT NULL DEFAULT 'local');
CREATE INDEX turns_session ON turns (session_id, owner, ts);

-- Lexical search: chidao's own tokens (index/vntext.py) per passage as term ids with their frequencies,
-- the term arrays GIN-indexed; BM25 statistics (document frequency, passage count, total length) per field
-- and partition, updated in the passage's transaction.
CREATE TABLE lex_terms (id serial PRIMARY KEY, term text COLLATE "C" NOT NULL UNIQUE);
CREATE TABLE lexicon (id text PRIMARY KEY, part int NOT NULL, doc_id text NOT NULL, position int NOT NULL,
  acc_terms int[] NOT NULL, acc_tfs int2[] NOT NULL, acc_len int NOT NULL,
  fold_terms int[] NOT NULL, fold_tfs int2[] NOT NULL, fold_len int NOT NULL,
  tokenizer text NOT NULL);  -- the TOKENIZER_VERSION that made them (index/vntext.py): others are re-made
CREATE INDEX lexicon_acc ON lexicon USING gin (acc_terms);
CREATE INDEX lexicon_fold ON lexicon USING gin (fold_terms);
CREATE TABLE lex_df (field smallint NOT NULL, term int NOT NULL, part int NOT NULL, df int NOT NULL,
  PRIMARY KEY (field, term, part));
CREATE TABLE lex_stats (field smallint NOT NULL, part int NOT NULL, n bigint NOT NULL, total bigint NOT NULL,
  PRIMARY KEY (field, part));
-- the diacritic restorer's counts (folded key → accented form), per partition; `gen` says when a count last
-- changed so replicas fetch only what moved
CREATE TABLE restorer_counts (part int NOT NULL, bigram boolean NOT NULL, key text NOT NULL, form text NOT NULL,
  n int NOT NULL, gen bigint NOT NULL, PRIMARY KEY (part, bigram, key, form));
CREATE INDEX restorer_counts_gen ON restorer_counts (gen);
