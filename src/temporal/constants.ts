// Names shared by client, worker and dev server, kept in one place. The default task queue and namespace
// are the connection file's (src/config/schema.ts).

export const SET_RUN_WORKFLOW = 'setRun';

/** Search attributes registered on the dev server, so runs can be filtered in the Temporal UI. */
export const SEARCH_ATTRIBUTES = {
  IntegradorBase: 'Keyword',
  IntegradorEmpresa: 'Int',
  IntegradorIntegracao: 'Int',
  /** The run's one-line summary (integration, base, company, parameter names), set at start. */
  IntegradorResumo: 'Keyword',
  /** ok, erro, incerto or vazio: upserted by the run when it ends (workflows/outcome.ts). */
  IntegradorResultado: 'Keyword',
} as const;
