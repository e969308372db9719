-- Up Migration
-- The claim function of migration 1765000000000 finds its records through their ids as an array
-- (`id = ANY (ids)`), whose length the planner knows, instead of joining the claims' JSON, which it guesses
-- at 100 rows: with that guess, a ledger of up to some tens of thousands of rows (a base's first bulk load)
-- was read whole, by a sequential scan, on every claim. That plan no longer depends on the claims' values,
-- so it is made once per session instead of on every call (planning was most of a claim's time), and
-- never with a sequential scan, which a plan made on a nearly empty ledger would keep. Same rules, same
-- results.
CREATE OR REPLACE FUNCTION integrador.reivindicar_envios(claims jsonb)
  RETURNS TABLE (envio_id bigint, tentativa integer, detentor bigint)
  LANGUAGE plpgsql VOLATILE
  -- planned once per session: with the ids as an array, the plan for any number of claims is index probes,
  -- and without sequential scans it stays so when that session's first claim met a nearly empty ledger
  SET plan_cache_mode = force_generic_plan
  SET enable_seqscan = off AS $$
DECLARE
  ids bigint[] := ARRAY(SELECT (x->>'id')::bigint FROM jsonb_array_elements(claims) x);
  claimed_ids bigint[];
  claimed_tries integer[];
  lost_ids bigint[];
BEGIN
  PERFORM pg_advisory_xact_lock(k) FROM (
    SELECT DISTINCT hashtextextended('integrador.envio:' || e.integracao_id || ':' || e.chave, 0) AS k
      FROM integrador.envio e WHERE e.id = ANY (ids) ORDER BY k) keys;

  WITH s AS (SELECT * FROM jsonb_to_recordset(claims) AS s(id bigint, status text, tentativas integer, requisicao text, digest text)),
       free AS (
         SELECT DISTINCT ON (e.integracao_id, e.chave) e.id FROM integrador.envio e JOIN s ON s.id = e.id
          WHERE e.id = ANY (ids) AND e.status = s.status AND e.tentativas = s.tentativas AND e.status IN ('pendente', 'enviando')
            AND NOT EXISTS (SELECT 1 FROM integrador.envio o
                             WHERE o.integracao_id = e.integracao_id AND o.chave = e.chave AND o.status = 'enviando' AND o.id <> e.id)
          ORDER BY e.integracao_id, e.chave, e.id),
       claimed AS (
         UPDATE integrador.envio e SET status = 'enviando', requisicao = s.requisicao, digest = s.digest, tentativas = e.tentativas + 1, atualizado_em = now()
           FROM s JOIN free ON free.id = s.id
          WHERE e.id = ANY (ids) AND e.id = s.id AND e.status = s.status AND e.tentativas = s.tentativas
          RETURNING e.id, e.tentativas)
  SELECT coalesce(array_agg(c.id), '{}'), coalesce(array_agg(c.tentativas), '{}') INTO claimed_ids, claimed_tries FROM claimed c;

  RETURN QUERY SELECT u.id, u.tentativas, NULL::bigint FROM unnest(claimed_ids, claimed_tries) AS u(id, tentativas);
  lost_ids := ARRAY(SELECT u.id FROM unnest(ids) AS u(id) WHERE u.id <> ALL (claimed_ids));
  IF cardinality(lost_ids) = 0 THEN
    RETURN;
  END IF;
  -- a new statement: it sees the claims just made, so a second claim of one key in this batch finds the first
  RETURN QUERY
    SELECT e.id, NULL::integer, min(o.id) FROM integrador.envio e
      JOIN integrador.envio o ON o.integracao_id = e.integracao_id AND o.chave = e.chave AND o.status = 'enviando' AND o.id <> e.id
     WHERE e.id = ANY (lost_ids) AND e.status IN ('pendente', 'enviando')
     GROUP BY e.id;
END
$$;

-- Down Migration
CREATE OR REPLACE FUNCTION integrador.reivindicar_envios(claims jsonb)
  RETURNS TABLE (envio_id bigint, tentativa integer, detentor bigint)
  LANGUAGE plpgsql VOLATILE
  -- planned for the claims at hand each time, as the statements it replaces were (a generic plan scans envio)
  SET plan_cache_mode = force_custom_plan AS $$
DECLARE
  claimed_ids bigint[];
  claimed_tries integer[];
  lost_ids bigint[];
BEGIN
  PERFORM pg_advisory_xact_lock(k) FROM (
    SELECT DISTINCT hashtextextended('integrador.envio:' || e.integracao_id || ':' || e.chave, 0) AS k
      FROM integrador.envio e WHERE e.id IN (SELECT (x->>'id')::bigint FROM jsonb_array_elements(claims) x) ORDER BY k) keys;

  WITH s AS (SELECT * FROM jsonb_to_recordset(claims) AS s(id bigint, status text, tentativas integer, requisicao text, digest text)),
       free AS (
         SELECT DISTINCT ON (e.integracao_id, e.chave) e.id FROM integrador.envio e JOIN s ON s.id = e.id
          WHERE e.status = s.status AND e.tentativas = s.tentativas AND e.status IN ('pendente', 'enviando')
            AND NOT EXISTS (SELECT 1 FROM integrador.envio o
                             WHERE o.integracao_id = e.integracao_id AND o.chave = e.chave AND o.status = 'enviando' AND o.id <> e.id)
          ORDER BY e.integracao_id, e.chave, e.id),
       claimed AS (
         UPDATE integrador.envio e SET status = 'enviando', requisicao = s.requisicao, digest = s.digest, tentativas = e.tentativas + 1, atualizado_em = now()
           FROM s JOIN free ON free.id = s.id
          WHERE e.id = s.id AND e.status = s.status AND e.tentativas = s.tentativas
          RETURNING e.id, e.tentativas)
  SELECT coalesce(array_agg(c.id), '{}'), coalesce(array_agg(c.tentativas), '{}') INTO claimed_ids, claimed_tries FROM claimed c;

  RETURN QUERY SELECT u.id, u.tentativas, NULL::bigint FROM unnest(claimed_ids, claimed_tries) AS u(id, tentativas);
  lost_ids := ARRAY(SELECT (x->>'id')::bigint FROM jsonb_array_elements(claims) x WHERE (x->>'id')::bigint <> ALL (claimed_ids));
  IF cardinality(lost_ids) = 0 THEN
    RETURN;
  END IF;
  -- a new statement: it sees the claims just made, so a second claim of one key in this batch finds the first
  RETURN QUERY
    SELECT e.id, NULL::integer, min(o.id) FROM integrador.envio e
      JOIN integrador.envio o ON o.integracao_id = e.integracao_id AND o.chave = e.chave AND o.status = 'enviando' AND o.id <> e.id
     WHERE e.id = ANY (lost_ids) AND e.status IN ('pendente', 'enviando')
     GROUP BY e.id;
END
$$;

