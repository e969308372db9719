// Secret masking for whatever a connector records or reports (the ledger's `sent`, error messages).

const MASK = '***';

/** Keys of a connection's fixed arguments whose values are secrets (`password`, `senha`, `apiKey`, ...). */
export const SECRET_KEY = /pass|senha|secret|token|api[-_]?key|credential/i;

/**
 * Replaces every occurrence of each secret in `text` with `***`, in the forms a secret takes on the wire:
 * as is, XML-escaped (SOAP envelopes) and JSON-escaped (API bodies). Longer secrets go first so a secret
 * that contains another is masked whole. Over-masking is accepted: a short secret that also occurs as
 * ordinary text is masked there too, since a leak is worse than a blurred record.
 */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let masked = text;
  for (const form of formsOf(secrets)) {
    if (masked.includes(form)) masked = masked.split(form).join(MASK);
  }
  return masked;
}

/** The forms of a list of secrets, longest first, worked out once per list (a config's list masks every record). */
const FORMS = new WeakMap<readonly string[], string[]>();

function formsOf(secrets: readonly string[]): string[] {
  let sorted = FORMS.get(secrets);
  if (!sorted) {
    const forms = new Set<string>();
    for (const secret of secrets) {
      if (!secret) continue;
      forms.add(secret);
      forms.add(escapeXml(secret, false));
      forms.add(escapeXml(secret, true));
      forms.add(JSON.stringify(secret).slice(1, -1));
    }
    sorted = [...forms].sort((a, b) => b.length - a.length);
    // a frozen list only: one changed after its first use would keep masking its old secrets
    if (Object.isFrozen(secrets)) FORMS.set(secrets, sorted);
  }
  return sorted;
}

/** The secret values among a connection's fixed arguments (top level, by key name). */
export function secretArgValues(args: Record<string, unknown>): string[] {
  return Object.entries(args)
    .filter(([key, value]) => SECRET_KEY.test(key) && (typeof value === 'string' || typeof value === 'number'))
    .map(([, value]) => String(value));
}

// Text-node escaping (& < >) and the full escaping node-soap applies (quotes and whitespace too).
function escapeXml(text: string, full: boolean): string {
  const basic = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  if (!full) return basic;
  return basic.replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\t/g, '&#x9;').replace(/\r/g, '&#xD;').replace(/\n/g, '&#xA;');
}
