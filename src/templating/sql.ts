// SQL with `#name#` → PostgreSQL text with $1..$n and a values array (SPEC §4). Every variable is bound,
// never pasted, so a value such as `'; DROP TABLE contas; --` stays data. Pure.
//
// The text is tokenized first, because what a `#name#` means depends on where it stands:
//   code           WHERE id = #id#         → WHERE id = $1
//   whole literal  '#id#'   "#id#"         → $1                 (the quotes are absorbed)
//   inside literal '%#nome#%'              → ('%' || $1::text || '%')
//   comment, $$…$$ -- #x#   $$ #x# $$      → left alone, not bound
import type { ConfigIssue } from '../errors';
import type { Scope } from './scope';
import { toJson } from './text';
import { type IssueLocation, throwIfIssues, unknownVariable, variableAt, variablePattern } from './variables';

export interface BoundSql {
  text: string;
  values: unknown[];
}

type Piece =
  | { kind: 'code'; text: string }
  | { kind: 'string'; prefix: string; body: string; backslashEscapes: boolean }
  | { kind: 'identifier'; body: string }
  | { kind: 'verbatim'; text: string };

/** A SQL text bound to placeholders: what does not depend on the values. */
interface Shape {
  text: string;
  /** names[k] is bound to $k+1 */
  names: string[];
  problems: string[];
}

interface Compiled extends Shape {
  unknown: string[];
}

export function bindSql(sql: string, scope: Scope, where: IssueLocation = {}): BoundSql {
  const compiled = compile(sql, (name) => scope.has(name));
  throwIfIssues(issuesOf(compiled, where));
  return { text: compiled.text, values: compiled.names.map((name) => sqlValue(scope.get(name))) };
}

/** Every problem bindSql would throw for, without a scope: for validators that collect all issues. */
export function checkSqlVariables(sql: string, known: ReadonlySet<string>, where: IssueLocation = {}): ConfigIssue[] {
  return issuesOf(
    compile(sql, (name) => known.has(name)),
    where,
  );
}

/** How a JS value travels as a query parameter. */
export function sqlValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  // Byte arrays are bytea for pg; JSON-encoding them would turn bytes into an object of indices.
  if (ArrayBuffer.isView(value)) return value;
  if (typeof value === 'object' && value !== null) return toJson(value);
  return value;
}

function issuesOf(compiled: Compiled, where: IssueLocation): ConfigIssue[] {
  return [...compiled.unknown.map((name) => unknownVariable(name, where)), ...compiled.problems.map((message) => ({ ...where, message }))];
}

/** Shapes by their SQL: the same consulta, sql_update or lookup is bound for every record. */
const SHAPES = new Map<string, Shape>();
const SHAPES_MAX = 1000;

function compile(sql: string, isKnown: (name: string) => boolean): Compiled {
  let shape = SHAPES.get(sql);
  if (!shape) {
    shape = shapeOf(sql);
    if (SHAPES.size >= SHAPES_MAX) SHAPES.clear(); // bounded: configurations have far fewer texts
    SHAPES.set(sql, shape);
  }
  // every variable that can be bound is a placeholder, so the unknown ones are among the names
  return { ...shape, unknown: shape.names.filter((name) => !isKnown(name)) };
}

function shapeOf(sql: string): Shape {
  const { pieces, problems } = tokenize(sql);
  const names: string[] = [];
  const placeholder = (name: string): string => {
    let index = names.indexOf(name);
    if (index < 0) index = names.push(name) - 1;
    return `$${index + 1}`;
  };

  const text = pieces
    .map((piece) => {
      switch (piece.kind) {
        case 'code':
          return piece.text.replace(variablePattern(), (_match, name: string) => placeholder(name));
        case 'verbatim':
          return piece.text;
        case 'identifier': {
          const parts = splitVariables(piece.body, false);
          if (parts.length === 1 && typeof parts[0] !== 'string') return placeholder(parts[0]!.name);
          // An identifier cannot be a parameter, and pasting the value would be injection.
          for (const part of parts) {
            if (typeof part !== 'string') {
              problems.push(`variable #${part.name}# inside the quoted identifier "${piece.body}" cannot be bound`);
            }
          }
          return `"${piece.body}"`;
        }
        case 'string': {
          const literal = (body: string) => `${piece.prefix}'${body}'`;
          const parts = splitVariables(piece.body, piece.backslashEscapes);
          if (parts.every((part) => typeof part === 'string')) return literal(piece.body);
          if (parts.length === 1) return placeholder((parts[0] as { name: string }).name);
          // ::text so `||` resolves to string concatenation whatever type the value has; parentheses so a
          // trailing cast ('#ano#-01-01'::date) applies to the whole concatenation.
          const terms = parts.map((part) => (typeof part === 'string' ? literal(part) : `${placeholder(part.name)}::text`));
          return `(${terms.join(' || ')})`;
        }
      }
    })
    .join('');
  return { text, names, problems };
}

/** Literal text and variables, in order, without empty strings. A `\#` in an E'' string is not a variable. */
function splitVariables(body: string, backslashEscapes: boolean): Array<string | { name: string }> {
  const parts: Array<string | { name: string }> = [];
  let text = '';
  for (let i = 0; i < body.length;) {
    if (backslashEscapes && body[i] === '\\') {
      text += body.slice(i, i + 2);
      i += 2;
      continue;
    }
    const name = body[i] === '#' ? variableAt(body, i) : undefined;
    if (name === undefined) {
      text += body[i++];
      continue;
    }
    if (text) parts.push(text);
    text = '';
    parts.push({ name });
    i += name.length + 2;
  }
  if (text) parts.push(text);
  return parts;
}

const IDENT_START = /[A-Za-z_\u0080-\uffff]/;
const IDENT_CHAR = /[A-Za-z0-9_$\u0080-\uffff]/;
const DOLLAR_TAG = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;
/** Prefixes of string constants: E'' (backslash escapes), N'' (national), B'' X'' (bit strings), U&''. */
const STRING_PREFIX = /^(?:[EeNnBbXx]|[Uu]&)$/;

/** PostgreSQL's lexical structure, as far as telling code from literals and comments requires. */
function tokenize(sql: string): { pieces: Piece[]; problems: string[] } {
  const pieces: Piece[] = [];
  const problems: string[] = [];
  let code = '';
  const push = (piece: Piece) => {
    if (code) pieces.push({ kind: 'code', text: code });
    code = '';
    pieces.push(piece);
  };
  const unterminated = (what: string, from: number) => {
    problems.push(`unterminated ${what} starting at character ${from + 1}`);
    push({ kind: 'verbatim', text: sql.slice(from) });
    return sql.length;
  };

  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1];
    const atBoundary = i === 0 || !IDENT_CHAR.test(sql[i - 1]!);
    if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end < 0 ? sql.length : end;
      push({ kind: 'verbatim', text: sql.slice(i, stop) });
      i = stop;
    } else if (c === '/' && next === '*') {
      const stop = blockCommentEnd(sql, i);
      if (stop < 0) i = unterminated('comment', i);
      else {
        push({ kind: 'verbatim', text: sql.slice(i, stop) });
        i = stop;
      }
    } else if (c === "'" || c === '"') {
      const stop = quotedEnd(sql, i, c, false);
      if (stop < 0) i = unterminated(c === "'" ? 'string literal' : 'quoted identifier', i);
      else {
        const body = sql.slice(i + 1, stop - 1);
        push(c === "'" ? { kind: 'string', prefix: '', body, backslashEscapes: false } : { kind: 'identifier', body });
        i = stop;
      }
    } else if (c === '$' && atBoundary) {
      DOLLAR_TAG.lastIndex = i;
      const tag = DOLLAR_TAG.exec(sql)?.[0];
      if (tag !== undefined) {
        const end = sql.indexOf(tag, i + tag.length);
        if (end < 0) i = unterminated(`dollar-quoted string ${tag}`, i);
        else {
          push({ kind: 'verbatim', text: sql.slice(i, end + tag.length) });
          i = end + tag.length;
        }
      } else {
        // A hand-written $1 would collide with the placeholders we number.
        const positional = /^\$\d+/.exec(sql.slice(i))?.[0];
        if (positional) problems.push(`positional parameter ${positional} is not allowed: use #name#`);
        code += c;
        i++;
      }
    } else if (IDENT_START.test(c) && atBoundary) {
      let end = i + 1;
      while (end < sql.length && IDENT_CHAR.test(sql[end]!)) end++;
      const word = sql.slice(i, end) + (sql[end] === '&' ? '&' : '');
      const quote = end + (word.endsWith('&') ? 1 : 0);
      if (STRING_PREFIX.test(word) && sql[quote] === "'") {
        const backslashEscapes = word === 'E' || word === 'e';
        const stop = quotedEnd(sql, quote, "'", backslashEscapes);
        if (stop < 0) i = unterminated('string literal', i);
        else {
          push({ kind: 'string', prefix: word, body: sql.slice(quote + 1, stop - 1), backslashEscapes });
          i = stop;
        }
      } else {
        code += sql.slice(i, end);
        i = end;
      }
    } else {
      code += c;
      i++;
    }
  }
  if (code) pieces.push({ kind: 'code', text: code });
  return { pieces, problems };
}

/** Index just past the closing quote (a doubled quote is an escaped one), or -1. */
function quotedEnd(sql: string, open: number, quote: string, backslashEscapes: boolean): number {
  for (let i = open + 1; i < sql.length; i++) {
    if (backslashEscapes && sql[i] === '\\') i++;
    else if (sql[i] === quote) {
      if (sql[i + 1] !== quote) return i + 1;
      i++;
    }
  }
  return -1;
}

// PostgreSQL block comments nest. Index just past the closing star-slash, or -1.
function blockCommentEnd(sql: string, open: number): number {
  let depth = 0;
  for (let i = open; i < sql.length - 1; i++) {
    if (sql[i] === '/' && sql[i + 1] === '*') {
      depth++;
      i++;
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth--;
      i++;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}
