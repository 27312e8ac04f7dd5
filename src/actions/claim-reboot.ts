import type { Redis } from 'ioredis';
import type { RebootGuards } from '../playbooks/index.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { HISTORY_RETENTION_MS, ledgerMember, type RebootEntry } from '../diagnosis/reboot-ledger.js';

const DAY_MS = 24 * 3_600_000;

/**
 * Claims one action's reboot SET, its device and a slot under the device's parent together, or
 * nothing. Guards read before the SET (the planner's, the API's, the runner's) are advice: two
 * actions can pass them at the same moment (ten NOC clicks under one parent, a click and an accepted
 * suggestion), so the guards that count reboots are checked again here, inside Redis, where claims
 * are serialized — the last word before the SET:
 *
 * - the action's SET was claimed before → `claimed_before` (a job run again after a killed worker
 *   only verifies: at most one SET per action);
 * - another reboot of the device is expected (in flight) or went out within the cooldown → `cooldown`;
 * - `maxPer24h` reboots of the device in (now − 24 h, now] → `max_per_24h`;
 * - `maxConcurrentPerParent` slots under the parent held (slots past their expiry are dropped first:
 *   a worker that died mid-verification holds its slot only until then) → `concurrent_under_parent`.
 *
 * Otherwise, atomically: `setSentAt` on the action (appended to its JSON rather than re-encoded,
 * which would turn an empty array into an object), the device's reboot expected until `expectedUntil`,
 * the reboot ledger entry (the history the guards read, written before the SET leaves), and the slot
 * under the parent, held until verification releases it or `slotUntil` passes.
 *
 * KEYS: action records, expected reboots, the device's reboot history, the parent's running reboots.
 * ARGV: action id, device id, now, expectedUntil, slotUntil, cooldownMs, maxPer24h, maxConcurrent,
 * has parent (1|0), ledger member, 24 h ago, history cut-off.
 */
const CLAIM_REBOOT = `
local json = redis.call('HGET', KEYS[1], ARGV[1])
if not json then return {'gone'} end
local record = cjson.decode(json)
if record.state == 'succeeded' or record.state == 'failed' then return {'gone'} end
if record.setSentAt then return {'claimed_before'} end
local now = tonumber(ARGV[3])
local expected = tonumber(redis.call('HGET', KEYS[2], ARGV[2]) or '0') or 0
if expected > now then return {'cooldown', 'in_flight'} end
local last = redis.call('ZREVRANGEBYSCORE', KEYS[3], '+inf', '-inf', 'WITHSCORES', 'LIMIT', 0, 1)
if last[2] and now - tonumber(last[2]) < tonumber(ARGV[6]) then return {'cooldown', last[2]} end
local recent = redis.call('ZCOUNT', KEYS[3], '(' .. ARGV[11], ARGV[3])
if recent >= tonumber(ARGV[7]) then return {'max_per_24h', tostring(recent)} end
if ARGV[9] == '1' then
  redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', ARGV[3])
  local running = redis.call('ZCARD', KEYS[4])
  if running >= tonumber(ARGV[8]) then return {'concurrent_under_parent', tostring(running)} end
  redis.call('ZADD', KEYS[4], ARGV[5], ARGV[1])
end
redis.call('HSET', KEYS[1], ARGV[1], string.sub(json, 1, -2) .. ',"setSentAt":' .. ARGV[3] .. '}')
redis.call('HSET', KEYS[2], ARGV[2], ARGV[4])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[10])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', ARGV[12])
return {'claimed'}`;

export type RebootClaim =
  | { result: 'claimed' }
  /** This action's SET was claimed by an earlier run (or the action is gone or finished by another run): send nothing. */
  | { result: 'claimed_before' }
  | {
      result: 'refused';
      guard: 'cooldown' | 'max_per_24h' | 'concurrent_under_parent';
      /** For people, in the guards' words. */
      reason: string;
    };

export interface RebootClaimRequest {
  actionId: string;
  requestedBy: string;
  deviceId: string;
  parentId: string | null;
  now: number;
  /** Until when detection treats the device's reboot as expected (the verification deadline). */
  expectedUntil: number;
  /** Until when the parent's slot is held if verification never releases it (a crashed worker). */
  slotUntil: number;
  guards: RebootGuards;
}

export async function claimReboot(
  redis: Redis,
  keys: RedisKeys,
  request: RebootClaimRequest,
): Promise<RebootClaim> {
  const { now, guards } = request;
  const entry: RebootEntry = { at: now, actionId: request.actionId, by: request.requestedBy };
  const reply = (await redis.eval(
    CLAIM_REBOOT,
    4,
    keys.actionRecords(),
    keys.expectedReboots(),
    keys.rebootHistory(request.deviceId),
    // A device without a parent holds no slot; the key is named only because a script's keys are fixed.
    keys.runningReboots(request.parentId ?? request.deviceId),
    request.actionId,
    request.deviceId,
    String(now),
    String(request.expectedUntil),
    String(request.slotUntil),
    String(guards.cooldownMs),
    String(guards.maxPer24h),
    String(guards.maxConcurrentPerParent),
    request.parentId === null ? '0' : '1',
    ledgerMember(entry),
    String(now - DAY_MS),
    String(now - HISTORY_RETENTION_MS),
  )) as string[];
  const [result, detail = ''] = reply;
  switch (result) {
    case 'claimed':
      return { result: 'claimed' };
    case 'gone':
    case 'claimed_before':
      return { result: 'claimed_before' };
    case 'cooldown':
      return {
        result: 'refused',
        guard: 'cooldown',
        reason:
          detail === 'in_flight'
            ? `another reboot of ${request.deviceId} went out at the same time`
            : `${request.deviceId} was rebooted ${Math.round((now - Number(detail)) / 60_000)}m ago, cooldown ${Math.round(guards.cooldownMs / 60_000)}m`,
      };
    case 'max_per_24h':
      return {
        result: 'refused',
        guard: 'max_per_24h',
        reason: `${detail} reboots of ${request.deviceId} in the last 24h, at most ${guards.maxPer24h}`,
      };
    case 'concurrent_under_parent':
      return {
        result: 'refused',
        guard: 'concurrent_under_parent',
        reason: `${detail} reboots running under parent ${request.parentId ?? '(none)'}, at most ${guards.maxConcurrentPerParent}`,
      };
    default:
      throw new Error(`unexpected reboot claim reply ${JSON.stringify(reply)}`);
  }
}
