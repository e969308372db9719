// campos_integracao.campo_crm (SPEC §5.1): where a field's value comes from, its type and format. Pure.
import type { ConfigIssue } from '../errors';
import { compileDatePattern } from './date-pattern';
import { quoteList } from './parse-consulta';
import { finish, hasOwn, issueAt, parseJsonObject, type IssueLocation, type Parsed } from './parsed';
import type { CampoRow, FieldSource, ValueType } from './types';

export interface CampoCrmSpec {
  source: FieldSource;
  tipo?: ValueType;
  formato?: string;
  obrigatorio: boolean;
}

const SOURCES = ['campo', 'valor', 'texto', 'componente'] as const;
const OPTIONS = ['tipo', 'formato', 'obrigatorio'] as const;
export const VALUE_TYPES: readonly ValueType[] = ['texto', 'inteiro', 'decimal', 'data', 'booleano'];
export const DECIMAL_FORMATS = ['virgula', 'ponto'] as const;
const SHAPE = 'one of "campo", "valor", "texto", "componente", plus optional "tipo", "formato", "obrigatorio"';

export function campoCrmLocation(row: Pick<CampoRow, 'id'>): IssueLocation {
  return { table: 'campos_integracao', row: row.id, column: 'campo_crm' };
}

export function parseCampoCrm(row: CampoRow): Parsed<CampoCrmSpec> {
  const where = campoCrmLocation(row);
  const json = parseJsonObject(row.campo_crm, where, `a JSON object with ${SHAPE}`);
  if (!json.ok) return json;
  const spec = json.value;
  const issues: ConfigIssue[] = [];
  const issue = (message: string) => issues.push(issueAt(where, message));

  const known: readonly string[] = [...SOURCES, ...OPTIONS];
  const unknown = Object.keys(spec).filter((key) => !known.includes(key));
  if (unknown.length > 0) issue(`unknown key ${quoteList(unknown)}; expected ${SHAPE}`);

  const present = SOURCES.filter((key) => hasOwn(spec, key));
  let source: FieldSource | undefined;
  if (present.length === 0) issue(`has no source; expected one of ${quoteList([...SOURCES])}`);
  else if (present.length > 1) issue(`has ${quoteList(present)}; use exactly one of them`);
  else source = parseSource(present[0]!, spec[present[0]!], issue);

  const tipo = parseTipo(spec, issue);
  const formato = parseFormato(spec, tipo, issue);
  if (source?.kind === 'componente' && (tipo !== undefined || formato !== undefined)) {
    issue('"tipo" and "formato" do not apply to a "componente" (it is an array)');
  }
  const obrigatorio = spec.obrigatorio ?? false;
  if (typeof obrigatorio !== 'boolean') issue('"obrigatorio" must be true or false');

  return finish(issues, () => ({
    source: source!,
    ...(tipo !== undefined ? { tipo } : {}),
    ...(formato !== undefined ? { formato } : {}),
    obrigatorio: obrigatorio as boolean,
  }));
}

function parseSource(key: (typeof SOURCES)[number], value: unknown, issue: (message: string) => void): FieldSource | undefined {
  switch (key) {
    case 'campo':
      if (typeof value !== 'string' || value.trim() === '') return void issue('"campo" must be a column name');
      return { kind: 'campo', column: value.trim() };
    case 'valor':
      return { kind: 'valor', value };
    case 'texto':
      if (typeof value !== 'string') return void issue('"texto" must be a string template such as "#ddd# #fone#"');
      return { kind: 'texto', template: value };
    case 'componente': {
      const id = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
      if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) {
        return void issue('"componente" must be the id of a component integration');
      }
      return { kind: 'componente', integracaoId: id };
    }
  }
}

function parseTipo(spec: Record<string, unknown>, issue: (message: string) => void): ValueType | undefined {
  if (!hasOwn(spec, 'tipo')) return undefined;
  const tipo = spec.tipo;
  if (typeof tipo === 'string' && (VALUE_TYPES as readonly string[]).includes(tipo)) return tipo as ValueType;
  issue(`"tipo" ${JSON.stringify(tipo)} is not one of ${VALUE_TYPES.join(', ')}`);
  return undefined;
}

function parseFormato(spec: Record<string, unknown>, tipo: ValueType | undefined, issue: (message: string) => void): string | undefined {
  if (!hasOwn(spec, 'formato')) return undefined;
  const formato = spec.formato;
  if (typeof formato !== 'string' || formato.trim() === '') return void issue('"formato" must be a non-empty string');
  if (hasOwn(spec, 'tipo') && tipo === undefined) return undefined; // the bad tipo is already reported
  switch (tipo) {
    case 'decimal':
      if ((DECIMAL_FORMATS as readonly string[]).includes(formato)) return formato;
      return void issue(`"formato" of a decimal must be ${DECIMAL_FORMATS.join(' or ')}, not "${formato}"`);
    case 'data': {
      const tokens = compileDatePattern(formato);
      return typeof tokens === 'string' ? void issue(`"formato": ${tokens}`) : formato;
    }
    case 'booleano':
      if (/^[^/]+\/[^/]+$/.test(formato)) return formato;
      return void issue(`"formato" of a booleano must be "<true text>/<false text>" such as "S/N", not "${formato}"`);
    case undefined:
      return void issue('"formato" needs a "tipo" (decimal, data or booleano)');
    default:
      return void issue(`"formato" does not apply to tipo "${tipo}"`);
  }
}
