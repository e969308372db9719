// The record pages' pure parts: the preview form's `nome=valor` lines, the envelope laid out for reading,
// the actions each pending status offers, and settle() while the record operations are not merged.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { indentXml } from '../../../src/console';
import { RequestError } from '../../../src/errors';
import { parseLines } from '../../../src/console/record-pages';
import { ACTIONS_OF } from '../../../src/console/settle';
import { SETTLEABLE } from '../../../src/delivery/states';

test('nome=valor lines: blank lines skipped, spaces trimmed, = inside the value kept, a bad line named', () => {
  assert.deepEqual(parseLines('contaId=1\n\n  situacao = A \r\nfiltro=a=b', 'parametros'), { contaId: '1', situacao: 'A', filtro: 'a=b' });
  assert.deepEqual(parseLines('', 'valores'), {});
  assert.throws(
    () => parseLines('contaId=1\ncontaId', 'parametros'),
    (err: unknown) => err instanceof RequestError && err.parameter === 'parametros' && /linha 2/.test(err.message),
  );
  assert.throws(() => parseLines('=1', 'valores'), /valores, linha 1/);
});

test('the envelope is shown one element per line, its text unchanged', () => {
  const xml = '<?xml version="1.0"?><a:E><a:B><op><user>u</user><p><x>1 &lt;2</x></p><empty/></op></a:B></a:E>';
  const out = indentXml(xml);
  assert.equal(
    out,
    [
      '<?xml version="1.0"?>',
      '<a:E>',
      '  <a:B>',
      '    <op>',
      '      <user>u</user>',
      '      <p>',
      '        <x>1 &lt;2</x>',
      '      </p>',
      '      <empty/>',
      '    </op>',
      '  </a:B>',
      '</a:E>',
    ].join('\n'),
  );
  assert.equal(out.replace(/\n\s*/g, ''), xml);
});

test('an incerto offers the three actions, an erro only reenviar, as the settlement table allows', () => {
  assert.deepEqual(ACTIONS_OF.incerto, ['confirmar', 'reenviar', 'descartar']);
  assert.deepEqual(ACTIONS_OF.erro, ['reenviar']);
  for (const [status, actions] of Object.entries(ACTIONS_OF)) {
    for (const acao of actions) assert.ok((SETTLEABLE[acao] as readonly string[]).includes(status), `${acao} from ${status}`);
  }
});
