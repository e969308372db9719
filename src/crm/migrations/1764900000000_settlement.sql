-- Up Migration
-- Settlement (SPEC §8): a person confirms, resends or discards a record the engine could not decide.
-- 1. envio.status may be `descartado`. The CHECK is widened by adding to whatever it lists now (not by
--    restating the list), so a status another migration added before this one is kept.
DO $$
DECLARE
  added text[] := ARRAY['descartado'];
  allowed text[];
BEGIN
  SELECT array_agg(DISTINCT m[1]) INTO allowed
    FROM pg_constraint c, regexp_matches(pg_get_constraintdef(c.oid), '''([a-z_]+)''', 'g') AS m
   WHERE c.conrelid = 'integrador.envio'::regclass AND c.conname = 'envio_status_check';
  ALTER TABLE integrador.envio DROP CONSTRAINT envio_status_check;
  EXECUTE format('ALTER TABLE integrador.envio ADD CONSTRAINT envio_status_check CHECK (status = ANY (%L::text[]))',
                 ARRAY(SELECT DISTINCT unnest(allowed || added) ORDER BY 1));
END $$;

-- 2. The settlement counter: part of a record's version (every settlement is a compare-and-set on status,
--    tentativas and liquidacoes) and of the settlement workflow's id, so two settlements at once cannot both win.
ALTER TABLE integrador.envio ADD COLUMN liquidacoes integer NOT NULL DEFAULT 0;

-- 3. The audit of every settlement: who (the token's nome), when, the action, the values, the reason, and
--    how it ended. Written in the same transaction as the record's move.
CREATE TABLE integrador.liquidacao (
  id bigserial PRIMARY KEY,
  envio_id bigint NOT NULL REFERENCES integrador.envio (id),
  numero integer NOT NULL,
  workflow_id text NOT NULL,
  acao text NOT NULL CHECK (acao IN ('confirmar', 'reenviar', 'descartar')),
  por text NOT NULL,
  em timestamptz NOT NULL DEFAULT now(),
  valores jsonb,
  motivo text,
  status_anterior text NOT NULL,
  status_final text,
  UNIQUE (envio_id, numero)
);

-- Down Migration
DROP TABLE integrador.liquidacao;
ALTER TABLE integrador.envio DROP COLUMN liquidacoes;
