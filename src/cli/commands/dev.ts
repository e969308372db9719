import type { Command } from 'commander';
import { onSignal } from '../shared';

export function registerDev(program: Command): void {
  program
    .command('dev')
    .description('run everything on embedded defaults: PostgreSQL with a demo CRM, Temporal dev server + UI, a G5-like SOAP receiver, a worker and the API')
    .option('--data-dir <dir>', 'where embedded data lives', '.data')
    .action(async (opts: { dataDir: string }) => {
      const { startDevEnvironment, DEMO_TOKEN } = await import('../../dev/dev-env');
      const env = await startDevEnvironment({ dataDir: opts.dataDir, log: (l) => console.log(l) });
      onSignal(env.stop);
      console.log(`
Integrador is running on embedded defaults.

  API               ${env.apiUrl}
  Console           ${env.apiUrl}/console  (base demo, token ${DEMO_TOKEN})
  Temporal UI       ${env.uiUrl}
  G5 receiver       ${env.receiver.baseUrl}${env.receiver.wsdlPath}?wsdl
  connection file   ${env.configPath}

Send CRM account 1 to the ERP (integration 19, SET-WS-CONTAS):

  curl -s -H 'TOKEN_CRM: ${DEMO_TOKEN}' '${env.apiUrl}/integrar?base_crm=demo&empresa_id=1&integracao_servico_id=19&contaId=1'

Accounts 1-5 are valid; account 6 has a CNPJ the ERP refuses. Open the run in the Temporal UI above.

The account, then its contacts (21), then its orders (22), in one run:

  curl -s -H 'TOKEN_CRM: ${DEMO_TOKEN}' '${env.apiUrl}/integrar?base_crm=demo&empresa_id=1&integracao_servico_id=21&contaId=1'
Press Ctrl+C to stop.`);
    });
}
