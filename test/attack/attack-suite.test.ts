// The bad-input and attack suite (issue #5): what users and attackers will try, on real parts. Every case
// asserts the status and a message naming the row, column or parameter at fault, that no receiver saw a
// request where none was due, and that the CRM tables and the ledger are unchanged. The counts are printed
// at the end, one line per area and a total (docs/attack-suite.md).
import { after, before, describe } from 'node:test';
import { answerCases } from './cases/answers';
import { configurationCases } from './cases/configuration';
import { recordCases } from './cases/records';
import { requestCases } from './cases/requests';
import { secretCases } from './cases/secrets';
import { settlementCases } from './cases/settlement';
import { startAttackEnv, type AttackEnv } from './helpers/attack-env';
import { Tally } from './helpers/probe';

describe('attack suite', { timeout: 30 * 60_000 }, () => {
  let env: AttackEnv | undefined;
  const tally = new Tally();
  const ctx = {
    env: () => {
      if (!env) throw new Error('the environment did not start');
      return env;
    },
    tally,
  };
  before(async () => {
    env = await startAttackEnv();
  });
  after(async () => {
    for (const line of tally.lines()) console.log(line);
    await env?.close();
  });

  describe('configuration', () => configurationCases(ctx));
  describe('requests', () => requestCases(ctx));
  describe('answers', () => answerCases(ctx));
  describe('records', () => recordCases(ctx));
  describe('settlement', () => settlementCases(ctx));
  describe('secrets', () => secretCases(ctx));
});
