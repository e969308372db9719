// A bounded-width loop over a chunk's records, in order.

/**
 * Runs `fn` over `items` with at most `width` in flight. An error or a cancellation stops new starts; the
 * ones in flight are always awaited before returning or throwing, so no send is orphaned mid-call.
 * Items not started because of a cancellation are left out of the result.
 */
export async function runAll<T, R>(items: T[], width: number, signal: AbortSignal | undefined, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  const errors: unknown[] = [];
  let next = 0;
  const lane = async () => {
    while (next < items.length && errors.length === 0 && !signal?.aborted) {
      const i = next++;
      try {
        results[i] = await fn(items[i]!);
      } catch (err) {
        errors.push(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(width, items.length)) }, lane));
  if (errors.length) throw errors[0];
  return results.filter((r) => r !== undefined);
}
