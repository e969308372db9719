// Names shared by client, worker and dev server, kept in one place. The default task queue and namespace
// are the connection file's (src/config/schema.ts).

export const SET_RUN_WORKFLOW = 'setRun';

/** Search attributes registered on the dev server, so runs can be filtered in the Temporal UI. */
export const SEARCH_ATTRIBUTES = {
  IntegradorBase: 'Keyword',
  IntegradorEmpresa: 'Int',
  IntegradorIntegracao: 'Int',
} as const;
