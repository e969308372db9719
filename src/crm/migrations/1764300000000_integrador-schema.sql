-- Up Migration
-- Schema integrador (SPEC §2). Dependencies and connections are plain ids, not foreign keys: a wrong id
-- is reported by the validator with the ids named, instead of being refused by the database one at a time.
CREATE SCHEMA IF NOT EXISTS integrador;

CREATE TABLE integrador.conexao_integracao (
  id integer PRIMARY KEY,
  tipo_conexao text NOT NULL,
  nome_conexao text NOT NULL
);

CREATE TABLE integrador.integracao (
  id integer PRIMARY KEY,
  nome text NOT NULL,
  tipo_servico text NOT NULL DEFAULT 'SET',
  empresa_id integer,
  empresa_filial_id integer,
  link text,
  tabela text,
  consulta text,
  conexao_integracao_id integer,
  porta_ws text,
  indice_array_retorno text,
  indice_valor_retorno text,
  indice_erro_retorno text,
  sql_consulta text,
  sql_insert text,
  sql_update text,
  dependente integer,
  depende_de integer,
  parametros_obrigatorios text
);

CREATE TABLE integrador.campos_integracao (
  id integer PRIMARY KEY,
  integracao_id integer NOT NULL REFERENCES integrador.integracao (id) ON DELETE CASCADE,
  campo_integracao text NOT NULL,
  campo_crm text NOT NULL
);
CREATE INDEX ON integrador.campos_integracao (integracao_id);

CREATE TABLE integrador.regras (
  id integer PRIMARY KEY,
  campos_integracao_id integer NOT NULL REFERENCES integrador.campos_integracao (id) ON DELETE CASCADE,
  tipo text NOT NULL,
  parametro text
);

CREATE TABLE integrador.dependencias (
  id integer PRIMARY KEY,
  campos_integracao_id integer NOT NULL REFERENCES integrador.campos_integracao (id) ON DELETE CASCADE,
  consulta text NOT NULL,
  obrigatoria boolean NOT NULL DEFAULT false
);

-- The delivery ledger (SPEC §8): one row per (execution, integration, record key). Written by the engine only.
CREATE TABLE integrador.envio (
  id bigserial PRIMARY KEY,
  workflow_id text NOT NULL,
  execucao_id text NOT NULL,
  integracao_id integer NOT NULL,
  chave text NOT NULL,
  seq integer NOT NULL,
  lote integer NOT NULL,
  status text NOT NULL DEFAULT 'pendente'
    CHECK (status IN ('pendente', 'enviando', 'enviado', 'gravado', 'erro', 'incerto')),
  linha jsonb NOT NULL,
  requisicao text,
  resposta jsonb,
  valores jsonb,
  erro text,
  erro_tipo text,
  tentativas integer NOT NULL DEFAULT 0,
  criado_em timestamptz NOT NULL DEFAULT now(),
  enviado_em timestamptz,
  atualizado_em timestamptz NOT NULL DEFAULT now(),
  UNIQUE (execucao_id, integracao_id, chave)
);
CREATE INDEX ON integrador.envio (execucao_id, integracao_id, lote);
CREATE INDEX ON integrador.envio (workflow_id, criado_em);
CREATE INDEX ON integrador.envio (status) WHERE status IN ('enviando', 'incerto');

-- Down Migration
DROP SCHEMA integrador CASCADE;
