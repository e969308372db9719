-- Up Migration
-- The company each ledger row was run for, so /pendencias can list only what a token's `empresas` may see.
-- Rows written before this column get it from their workflow id (set-<base>-<empresa>[.<filial>]-<id>-<digest>).
ALTER TABLE integrador.envio ADD COLUMN empresa_id integer;
UPDATE integrador.envio
   SET empresa_id = NULLIF(substring(workflow_id FROM '-(\d*)(?:\.\d+)?-\d+-[0-9a-f]{16}$'), '')::integer
 WHERE empresa_id IS NULL;
-- /pendencias reads the erro records of the last days; incerto ones are already indexed by status
CREATE INDEX envio_erro_recentes ON integrador.envio (atualizado_em) WHERE status = 'erro';

-- Down Migration
DROP INDEX integrador.envio_erro_recentes;
ALTER TABLE integrador.envio DROP COLUMN empresa_id;
