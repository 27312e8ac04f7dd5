import { FINDING_KINDS } from '../detection/index.js';
import type { SuggestionKind } from '../playbooks/index.js';
import { runPool } from '../bench/run-pool.js';
import type { EvalStack } from './eval-stack.js';
import type { Observation, SeenFinding, SeenIncident, SeenSuggestion } from './observation.js';

type Api = EvalStack['api'];

/** The API gives times as ISO 8601 text; the judge compares milliseconds. */
const ms = (value: string): number => Date.parse(value);

/** What the API sends: the seen shapes with their times as text. */
type Wire<T, K extends keyof T> = Omit<T, K> & {
  [P in K]: undefined extends T[P] ? string | undefined : string;
};

async function getJson<T>(api: Api, path: string): Promise<T> {
  const answer = await api('GET', path, 'noc');
  if (answer.status !== 200) throw new Error(`GET ${path}: ${answer.status} ${answer.text.slice(0, 300)}`);
  return JSON.parse(answer.text) as T;
}

/** Every page of a cursor-paged NOC list. */
async function allPages<T>(api: Api, path: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const page = await getJson<{ items: T[]; nextCursor?: string }>(
      api,
      `${path}${cursor ? `${separator}cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return items;
}

/** Open findings of every kind across the fleet (`GET /v1/findings?kind=`). */
export async function readFindings(api: Api): Promise<SeenFinding[]> {
  const pages = await Promise.all(
    FINDING_KINDS.map((kind) =>
      allPages<Wire<SeenFinding, 'since'>>(api, `/v1/findings?kind=${kind}&limit=1000`),
    ),
  );
  return pages.flat().map(({ deviceId, kind, since }) => ({ deviceId, kind, since: ms(since) }));
}

/** Pending, open and recently resolved incidents (`GET /v1/incidents?state=all`). */
export async function readIncidents(api: Api): Promise<SeenIncident[]> {
  const { items } = await getJson<{ items: Wire<SeenIncident, 'openedAt' | 'resolvedAt'>[] }>(
    api,
    '/v1/incidents?state=all&limit=500',
  );
  return items.map(({ id, kind, rootDeviceId, state, openedAt, resolvedAt }) => ({
    id,
    kind,
    rootDeviceId,
    state,
    openedAt: ms(openedAt),
    ...(resolvedAt !== undefined ? { resolvedAt: ms(resolvedAt) } : {}),
  }));
}

/** Live and withdrawn suggestion records across the fleet (`GET /v1/suggestions`). */
export async function readSuggestions(api: Api): Promise<SeenSuggestion[]> {
  const [live, withdrawn] = await Promise.all(
    ['live', 'withdrawn'].map((state) =>
      allPages<Wire<SeenSuggestion, 'createdAt' | 'closedAt'>>(
        api,
        `/v1/suggestions?state=${state}&limit=1000`,
      ),
    ),
  );
  return [...(live ?? []), ...(withdrawn ?? [])].map((s) => ({
    id: s.id,
    deviceId: s.deviceId,
    subscriberIds: s.subscriberIds,
    kind: s.kind,
    state: s.state,
    createdAt: ms(s.createdAt),
    ...(s.closedAt !== undefined ? { closedAt: ms(s.closedAt) } : {}),
  }));
}

/** Each subscriber's top live suggestion as its diagnosis lists them (highest priority first). */
export async function readTops(
  api: Api,
  subscriberIds: readonly string[],
): Promise<Map<string, SuggestionKind | 'none'>> {
  const tops = new Map<string, SuggestionKind | 'none'>();
  await runPool(subscriberIds, 4, async (id) => {
    const diagnosis = await getJson<{ suggestions: { kind: SuggestionKind; state: string }[] }>(
      api,
      `/v1/subscribers/${encodeURIComponent(id)}/diagnosis?lang=en`,
    );
    const top = diagnosis.suggestions.find((s) => s.state !== 'dismissed');
    tops.set(id, top?.kind ?? 'none');
  });
  return tops;
}

/** The whole picture at a checkpoint: findings, incidents and every subscriber's top suggestion. */
export async function observe(api: Api, subscriberIds: readonly string[]): Promise<Observation> {
  const at = Date.now();
  const [findings, incidents, tops] = await Promise.all([
    readFindings(api),
    readIncidents(api),
    readTops(api, subscriberIds),
  ]);
  return { at, findings, incidents, tops };
}
