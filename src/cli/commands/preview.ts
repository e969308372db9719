// `integrador preview`: the dry run of /previa from the command line, with the options of `run`.
// It reads the CRM (read only) and the receivers' WSDLs; it needs no Temporal and sends nothing.
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { PreviewAnswer } from '../../preview/preview';
import { configFrom } from '../shared';
import { integer, param, withRunRequestOptions, type RunRequestOptions } from './run';
import { baseFrom } from '../shared';

interface PreviewOptions extends RunRequestOptions {
  value: Record<string, string>;
  limit?: number;
  json?: boolean;
}

export function registerPreview(program: Command): void {
  withRunRequestOptions(
    program.command('preview').description('show what a run would send, record by record (SOAP envelopes included), without sending or writing anything'),
  )
    .option('-v, --value <name=value>', 'a stand-in for a value an earlier integration captures, e.g. codCli=1001 (repeatable)', param, {})
    .option('-l, --limit <n>', 'records shown per integration (default 20, at most 500)', integer('--limit'))
    .option('--json', 'print the /previa answer as JSON')
    .action(async (opts: PreviewOptions) => {
      const config = configFrom(opts);
      if (opts.empresa === undefined && opts.filial === undefined) throw new InvalidArgumentError('pass --empresa or --filial');
      const base = baseFrom(config, opts.base);
      const [{ createCrmPools }, { createReceiverRegistry }, { previewRun }, { toPreviewRequest }] = await Promise.all([
        import('../../crm/pools'),
        import('../../connectors/registry'),
        import('../../preview/preview'),
        import('../../preview/preview-request'),
      ]);
      // the same parsing and limits as GET|POST /previa
      const { request, valores, limit } = toPreviewRequest({
        ...opts.param,
        base_crm: opts.base,
        integracao_servico_id: String(opts.integracao),
        ...(opts.empresa !== undefined ? { empresa_id: String(opts.empresa) } : {}),
        ...(opts.filial !== undefined ? { empresa_filial_id: String(opts.filial) } : {}),
        valores: opts.value,
        ...(opts.limit !== undefined ? { previa_limite: String(opts.limit) } : {}),
      });
      const pools = createCrmPools(config);
      const receivers = createReceiverRegistry(config);
      try {
        const answer = await previewRun({ pool: pools.pool(opts.base), base, config, receivers }, { request, valores, limit });
        process.stdout.write(opts.json ? `${JSON.stringify(answer, null, 2)}\n` : previewText(answer));
        process.exitCode = answer.success ? 0 : 1;
      } finally {
        await receivers.close();
        await pools.close();
      }
    });
}

export function previewText(answer: PreviewAnswer): string {
  const out: string[] = [`${answer.success ? 'ok' : 'FAILED'}: ${answer.message}`, `plan: ${answer.plan.map((s) => `${s.id} ${s.name}`).join(' → ')}`];
  if (answer.valuesIgnored.length) out.push(`values no integration captures (ignored): ${answer.valuesIgnored.join(', ')}`);
  for (const i of answer.integrations) {
    out.push('', `${i.id} ${i.name} (${i.connection.type} ${i.connection.name}${i.operation ? ` ${i.operation}` : ''}): ${i.status} - ${i.message}`);
    for (const issue of i.issues ?? [])
      out.push(`  ${[issue.table, issue.row !== undefined ? `id=${issue.row}` : '', issue.column].filter(Boolean).join(' ')}: ${issue.message}`);
    const used = Object.entries(i.valuesUsed).map(([k, v]) => `${k}=${v}`);
    if (used.length) out.push(`  stand-ins used: ${used.join(' ')}`);
    if (i.valuesLacking.length) out.push(`  captured values lacking (NULL used): ${i.valuesLacking.join(', ')}`);
    for (const r of i.records) {
      out.push(`  record ${r.key}: ${r.status}${r.error ? ` - ${r.error}` : ''}`);
      if (r.wire?.envelope) out.push(`    POST ${r.wire.url}${r.wire.soapAction ? ` SOAPAction ${r.wire.soapAction}` : ''}`, `    ${r.wire.envelope}`);
      else if (r.wire) out.push(`    ${r.wire.operation} ${r.wire.url}`, `    ${r.wire.body ?? ''}`);
      else if (r.sql) out.push(`    ${r.sql.text}`, `    values ${JSON.stringify(r.sql.values)}`);
      else if (r.request) out.push(`    ${JSON.stringify(r.request)}`);
    }
    if (i.truncated) out.push(`  … more records (raise --limit)`);
  }
  return out.join('\n') + '\n';
}
