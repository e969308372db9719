-- Up Migration
-- Batches per call and "only what changed" (SPEC §2, §5.6, §8).
ALTER TABLE integrador.integracao
  ADD COLUMN lote_envio integer,
  ADD COLUMN caminho_lote text,
  ADD COLUMN chave_retorno text,
  ADD COLUMN somente_alterados boolean NOT NULL DEFAULT false;

-- The request's digest (sha-256 of the mapped request and the rendered link), set by the claim: a record
-- whose new request has the digest of the last one that ended gravado/enviado is `inalterado`.
ALTER TABLE integrador.envio ADD COLUMN digest text;

-- `inalterado`: not sent because nothing changed (the list is RECORD_STATUSES of src/delivery/states.ts).
ALTER TABLE integrador.envio DROP CONSTRAINT envio_status_check;
ALTER TABLE integrador.envio ADD CONSTRAINT envio_status_check
  CHECK (status IN ('pendente', 'enviando', 'enviado', 'gravado', 'erro', 'incerto', 'inalterado'));

-- The last successful request of each (integration, record key) of this base: one index probe per record.
CREATE INDEX envio_ultimo_sucesso ON integrador.envio (integracao_id, chave, enviado_em DESC)
  WHERE status IN ('gravado', 'enviado');

-- Down Migration
DROP INDEX integrador.envio_ultimo_sucesso;
ALTER TABLE integrador.envio DROP CONSTRAINT envio_status_check;
ALTER TABLE integrador.envio ADD CONSTRAINT envio_status_check
  CHECK (status IN ('pendente', 'enviando', 'enviado', 'gravado', 'erro', 'incerto'));
ALTER TABLE integrador.envio DROP COLUMN digest;
ALTER TABLE integrador.integracao
  DROP COLUMN lote_envio,
  DROP COLUMN caminho_lote,
  DROP COLUMN chave_retorno,
  DROP COLUMN somente_alterados;
