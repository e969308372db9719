-- Up Migration
-- Overlapping runs (SPEC §8): a record key is in flight (`enviando`) in at most one run. The claim takes a
-- transaction-scoped advisory lock per (integracao_id, chave) and looks for another run's `enviando` row
-- through this index. Not UNIQUE: ledgers written before this rule may hold old `enviando` duplicates.
CREATE INDEX envio_em_voo ON integrador.envio (integracao_id, chave) WHERE status = 'enviando';
-- The run (workflow id) that sent the request, for a record that took another run's outcome without sending.
ALTER TABLE integrador.envio ADD COLUMN enviado_por text;

-- Down Migration
ALTER TABLE integrador.envio DROP COLUMN enviado_por;
DROP INDEX integrador.envio_em_voo;
