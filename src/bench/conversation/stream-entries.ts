import type { Stack } from './stack.js';

/** The entry times (ms) of a Redis stream after `from`, by the id `pick` reads from each entry's fields. */
export async function streamEntryTimes(
  stack: Stack,
  key: string,
  from: number,
  pick: (fields: string[]) => string | undefined,
): Promise<Map<string, number[]>> {
  const found = new Map<string, number[]>();
  let cursor = `${from}-0`;
  for (;;) {
    const batch = await stack.redis.xrange(key, `(${cursor}`, '+', 'COUNT', 2000);
    if (batch.length === 0) return found;
    for (const [id, fields] of batch) {
      cursor = id;
      const subject = pick(fields);
      if (subject === undefined) continue;
      const list = found.get(subject) ?? [];
      list.push(Number(id.split('-')[0]));
      found.set(subject, list);
    }
  }
}
