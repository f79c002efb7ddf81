-- Document frequencies are looked up by term (each query's terms, summed over the caller's partitions): the
-- primary key leads with the field, so the lookup scanned the table (~60 ms a question at 100k passages).
CREATE INDEX lex_df_term ON lex_df (term);
