import type { Redis } from 'ioredis';
import { EVENTS_MAXLEN, eventFields } from '../events/event-log.js';
import type { VigilEvent } from '../events/vigil-event.js';
import { luaScript, runScript } from '../platform/lua-script.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { actionView, type ActionRecord, type ActionState } from './action.js';
import { AUDIT_MAXLEN, type AuditEntry } from './audit-entry.js';
import {
  AUDIT_APPEND_LUA,
  AUDIT_INDEX_CAP,
  TRIM_CHECKS,
  appendAudit,
  indexKeysOf,
} from './audit-history-index.js';

export type { AuditEntry } from './audit-entry.js';

export function createActionStore(redis: Redis, keys: RedisKeys) {
  const records = keys.actionRecords();
  const get = async (id: string): Promise<ActionRecord | undefined> => {
    const json = await redis.hget(records, id);
    return json === null ? undefined : (JSON.parse(json) as ActionRecord);
  };
  return {
    get,
    /** Creates the action unless it exists (accepting twice creates one); true when created. */
    async create(action: ActionRecord): Promise<boolean> {
      return (await redis.hsetnx(records, action.id, JSON.stringify(action))) === 1;
    },
    /**
     * Saves progress with its event and audit entry in one atomic step, unless the stored record has
     * moved on: a finished action is never written again, `guard.from` names the states it may be saved
     * from, and `guard.setResentAt` what the stored record's must still be. Two runs of one action (a job
     * taken over while its first worker still ran, Redis away meanwhile) each save, and only the first
     * of each transition lands with its event. True when saved.
     */
    save: (action: ActionRecord, event?: VigilEvent, audit?: AuditEntry, guard: SaveGuard = {}) =>
      saveGuarded(redis, keys, { action, guard, ...(event ? { event } : {}), ...(audit ? { audit } : {}) }),
    async audit(entry: AuditEntry): Promise<void> {
      const pipeline = redis.pipeline();
      appendAudit(pipeline, keys, entry);
      await pipeline.exec();
    },
    /** The newest audit entries first, optionally of one device or subscriber. */
    async readAudit(filter: { deviceId?: string; subscriberId?: string; limit: number; before?: string }) {
      const out: (AuditEntry & { id: string })[] = [];
      let end = filter.before ? `(${filter.before}` : '+';
      for (let scanned = 0; out.length < filter.limit && scanned < 100_000;) {
        const batch = await redis.xrevrange(keys.audit(), end, '-', 'COUNT', 1000);
        if (batch.length === 0) break;
        for (const [id, fields] of batch) {
          end = `(${id}`;
          const entry = { id, ...(JSON.parse(fields[1] ?? '{}') as AuditEntry) };
          if (filter.deviceId && entry.deviceId !== filter.deviceId) continue;
          if (filter.subscriberId && entry.subscriberId !== filter.subscriberId) continue;
          out.push(entry);
          if (out.length >= filter.limit) break;
        }
        scanned += batch.length;
      }
      return out;
    },
  };
}

export type ActionStore = ReturnType<typeof createActionStore>;

async function saveGuarded(
  redis: Redis,
  keys: RedisKeys,
  save: { action: ActionRecord; event?: VigilEvent; audit?: AuditEntry; guard: SaveGuard },
): Promise<boolean> {
  const { action, event, audit, guard } = save;
  const auditIndexes = audit ? indexKeysOf(keys, audit) : [];
  const auditArgs = audit
    ? [
        '--audit',
        String(AUDIT_MAXLEN),
        JSON.stringify(audit),
        String(audit.at),
        String(AUDIT_INDEX_CAP),
        String(TRIM_CHECKS),
      ]
    : [];
  const saved = await runScript(
    redis,
    GUARDED_SAVE,
    [keys.actionRecords(), keys.events(), keys.audit(), keys.auditIndexedSince(), ...auditIndexes],
    [
      action.id,
      JSON.stringify(action),
      (guard.from ?? []).join(','),
      guard.setResentAt === undefined ? '' : '1',
      guard.setResentAt === undefined || guard.setResentAt === 'unset' ? '' : String(guard.setResentAt),
      String(EVENTS_MAXLEN),
      ...(event ? eventFields(event) : []),
      ...auditArgs,
    ],
  );
  return saved === 1;
}

/** What the stored record must still be for a save to land (a finished record never is). */
export interface SaveGuard {
  /** The stored state must be one of these (any unfinished state when absent). */
  from?: ActionState[];
  /** The stored record's `setResentAt` must be this ('unset': absent). */
  setResentAt?: number | 'unset';
}

/**
 * KEYS[1] action records, KEYS[2] outward events, KEYS[3] audit stream, KEYS[4] its indexed-since
 * marker, KEYS[5..] the entry's index keys (all in the core slot). ARGV[1] action id, ARGV[2] its JSON,
 * ARGV[3] states it may be saved from (comma-separated, '' any unfinished), ARGV[4] '1' when
 * `setResentAt` is guarded, ARGV[5] its expected value ('' absent), ARGV[6] the events' MAXLEN, then the
 * event's fields (if any), then '--audit' and the audit entry's arguments (if any). Returns 1 if saved.
 */
const GUARDED_SAVE = luaScript(`${AUDIT_APPEND_LUA}
local stored = redis.call('HGET', KEYS[1], ARGV[1])
if stored then
  local record = cjson.decode(stored)
  if record.state == 'succeeded' or record.state == 'failed' then return 0 end
  if ARGV[3] ~= '' then
    local allowed = false
    for state in string.gmatch(ARGV[3], '[^,]+') do
      if record.state == state then allowed = true end
    end
    if not allowed then return 0 end
  end
  if ARGV[4] == '1' then
    local resent = record.setResentAt
    if ARGV[5] == '' then
      if resent ~= nil and resent ~= cjson.null then return 0 end
    elseif resent == nil or resent == cjson.null or resent ~= tonumber(ARGV[5]) then
      return 0
    end
  end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
local audit_at = #ARGV + 1
for i = 7, #ARGV do
  if ARGV[i] == '--audit' then audit_at = i; break end
end
if audit_at > 7 then
  local fields = {}
  for i = 7, audit_at - 1 do fields[#fields + 1] = ARGV[i] end
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[6], '*', unpack(fields))
end
if audit_at <= #ARGV then
  local indexes = {}
  for i = 5, #KEYS do indexes[#indexes + 1] = KEYS[i] end
  append_audit(KEYS[3], KEYS[4], indexes, ARGV[audit_at + 1], ARGV[audit_at + 2], ARGV[audit_at + 3],
    ARGV[audit_at + 4], ARGV[audit_at + 5])
end
return 1`);

export function actionEvent(
  type: 'action.started' | 'action.finished',
  action: ActionRecord,
  at: number,
): VigilEvent {
  return {
    type,
    at,
    subscriberIds: action.subscriberIds,
    deviceIds: [action.deviceId],
    data: actionView(action),
  };
}
