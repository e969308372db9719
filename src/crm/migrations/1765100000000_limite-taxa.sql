-- Up Migration
-- Deployment-wide connection limits (connection `scope: deployment`, src/connectors/deployment-limiter.ts).
-- `concurrency` needs no table: its slots are session-level advisory locks (two int4 keys: the connection's
-- hashtext, the slot number). `ratePerSecond` is one row per connection of the base (GCRA): the time the next
-- call may start, moved forward by one interval per call, in one UPDATE. UNLOGGED: a call's write waits for
-- no WAL flush, and a row lost in a crash only lets the next call start at once.
CREATE UNLOGGED TABLE integrador.limite_taxa (
  base text NOT NULL,
  conexao text NOT NULL,
  proxima_em timestamptz NOT NULL,
  PRIMARY KEY (base, conexao)
);

-- Down Migration
DROP TABLE integrador.limite_taxa;
