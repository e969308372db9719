// The docs are self-contained: every relative link of README.md and docs/*.md points at a file inside this
// repository (and, with #anchor, at a heading of it), and nothing points outside it.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, test } from 'node:test';

const ROOT = join(__dirname, '..', '..');
const DOCS = [
  join(ROOT, 'README.md'),
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => join(ROOT, 'docs', f)),
];

/** Markdown links and images `[text](target)` / `![alt](target "title")`, and HTML src/href, outside code. */
export function linksIn(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  const links = [...prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
  links.push(...[...prose.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]!));
  return links;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
export function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const match of markdown.replace(/```[\s\S]*?```/g, '').matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const slug = match[1]!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return anchors;
}

const EXTERNAL = /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i;

function problemsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const name = relative(ROOT, file);
  const problems: string[] = [];
  if (/shared\/SPEC|\.\.\/shared|SPEC\.md|\bSPEC §/.test(text)) problems.push(`${name} mentions the product contract's file outside the repository`);
  for (const link of linksIn(text)) {
    if (EXTERNAL.test(link)) continue; // https://temporal.io and the like: not files
    const [path = '', anchor] = link.split('#');
    if (path.includes('..')) problems.push(`${name}: ${link} uses ../`);
    const target = path === '' ? file : resolve(dirname(file), decodeURIComponent(path));
    if (target !== ROOT && !target.startsWith(ROOT + sep)) {
      problems.push(`${name}: ${link} points outside the repository`);
      continue;
    }
    if (!existsSync(target)) {
      problems.push(`${name}: ${link} does not exist`);
      continue;
    }
    if (anchor && statSync(target).isFile() && target.endsWith('.md') && !anchorsOf(readFileSync(target, 'utf8')).has(anchor)) {
      problems.push(`${name}: ${link}: no heading #${anchor} in ${relative(ROOT, target)}`);
    }
  }
  return problems;
}

describe('documentation links', () => {
  test('README.md and every docs/*.md link only to files and headings inside the repository', () => {
    assert.ok(DOCS.length >= 8, DOCS.join(', '));
    assert.deepEqual(DOCS.flatMap(problemsOf), []);
  });

  test('the README links every chapter of docs/', () => {
    const readme = new Set(linksIn(readFileSync(join(ROOT, 'README.md'), 'utf8')).map((l) => l.split('#')[0]));
    const missing = DOCS.filter((f) => f.includes(`${sep}docs${sep}`)).filter((f) => !readme.has(relative(ROOT, f).split(sep).join('/')));
    assert.deepEqual(missing, []);
  });

  test('the check finds what it must (negative control)', () => {
    assert.deepEqual(linksIn('see [spec](../shared/SPEC.md), ![x](images/a.png "t"), `[not](code.md)` and <img src="b.png">'), [
      '../shared/SPEC.md',
      'images/a.png',
      'b.png',
    ]);
    assert.ok(anchorsOf('## 7. Reading the answer\n## `incerto`: what a person does\n## A\n## A').has('7-reading-the-answer'));
    assert.ok(anchorsOf('## `incerto`: what a person does').has('incerto-what-a-person-does'));
    assert.ok(anchorsOf('## A\n## A').has('a-1'));
  });
});
