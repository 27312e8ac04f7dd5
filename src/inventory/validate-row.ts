import { isIP } from 'node:net';
import { checkRowLimits, describeValue } from './check-row-limits.js';
import { INVENTORY_LIMITS, KNOWN_FIELD_MAX_LENGTH } from './inventory-limits.js';
import { normalizePhone } from './normalize-phone.js';
import {
  DEFAULT_SNMP_PORT,
  DEVICE_KINDS,
  type Device,
  type DeviceKind,
  type InventoryRow,
  type RowError,
  type Site,
  type Subscriber,
} from './inventory-types.js';

/** Ids appear in Redis index members and URLs: printable, no whitespace, at most 128 characters. */
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
export const ID_PATTERN = /^[^\s\u0000-\u001f\u007f]{1,128}$/;
const ID = ID_PATTERN;
const ID_MAX = 128;
/** Probe and auth profile names, as in probes/*.yaml and VIGIL_SNMP_<NAME>_*. */
const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const PROFILE_MAX = 64;
/** RFC 1123 host names: dot-separated labels of letters, digits and inner hyphens. */
const HOST_NAME =
  /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const NUMERIC_LAST_LABEL = /(?:^|\.)[0-9]+$/;
/** BCP 47 language tags in their common short form ("ru", "en", "en-GB"). */
const LANGUAGE = /^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;
/**
 * Field names that carry SNMP credentials. Credentials live in the environment (VIGIL_SNMP_<PROFILE>_*)
 * and never in the inventory, which is stored in Redis and returned by the API: such rows are refused
 * rather than silently stripped, so whoever exported them learns their file leaks secrets.
 */
const SECRET_FIELD = /(community|authkey|privkey|password|passphrase|secret)$/;
const KIND = new RegExp(`^(${DEVICE_KINDS.join('|')})$`);

/** The fields each record knows; any other is an extra field, kept as given within INVENTORY_LIMITS. */
const SITE_FIELDS = ['id', 'name', 'timeZone'] as const;
const DEVICE_FIELDS = ['id', 'kind', 'parentId', 'site', 'model', 'profile', 'host', 'port', 'auth'] as const;
const SUBSCRIBER_FIELDS = [
  'id',
  'name',
  'account',
  'phone',
  'deviceIds',
  'site',
  'language',
  'smsOptOut',
] as const;

/** An IANA time zone name ("Europe/Moscow", "UTC") that this Node's Intl knows: what quiet hours are read in. */
function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** true/false, or the text a CSV cell carries ("true", "false"); undefined (after a failure) otherwise. */
function readFlag(r: Reader, field: string): boolean | undefined {
  const v = r.value[field];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  return r.fail(`"${field}" must be true or false, got ${describeValue(v)}`);
}

type Reader = ReturnType<typeof rowReader>;

function rowReader(row: InventoryRow, errors: RowError[]) {
  const { location, value } = row;
  const fail = (reason: string): undefined => {
    errors.push({ location, reason });
    return undefined;
  };
  return {
    fail,
    value,
    /**
     * A required or optional string; `pattern` says what a valid one looks like. Its length is checked
     * first, so no pattern ever runs over a megabyte, and the message quotes at most an excerpt.
     */
    string(
      field: string,
      required: boolean,
      pattern?: RegExp,
      what = 'a non-empty string',
      maxLength: number = INVENTORY_LIMITS.maxStringLength,
    ): string | undefined {
      const v = value[field];
      if (v === undefined || v === null || v === '') return required ? fail(`missing "${field}"`) : undefined;
      if (typeof v === 'string' && v.length > maxLength)
        return fail(`"${field}" is ${v.length} characters long; at most ${maxLength}`);
      if (typeof v !== 'string' || (pattern && !pattern.test(v)))
        return fail(`"${field}" must be ${what}, got ${describeValue(v)}`);
      return v;
    },
  };
}

function checkSecrets(r: Reader): boolean {
  let clean = true;
  for (const field in r.value) {
    if (!SECRET_FIELD.test(field.toLowerCase().replace(/[_-]/g, ''))) continue;
    r.fail(
      `field ${describeValue(field)} looks like an SNMP credential; credentials belong in VIGIL_SNMP_<AUTH>_* environment variables, never in the inventory`,
    );
    clean = false;
  }
  return clean;
}

/** Returns the site, or undefined after pushing every problem of the row. */
export function validateSiteRow(row: InventoryRow, errors: RowError[]): Site | undefined {
  const r = rowReader(row, errors);
  const before = errors.length;
  checkSecrets(r);
  checkRowLimits(row.value, SITE_FIELDS, r.fail);
  const id = r.string('id', true, ID, 'an id (no whitespace, at most 128 characters)', ID_MAX);
  const name = r.string('name', true, undefined, undefined, KNOWN_FIELD_MAX_LENGTH.name);
  const timeZone = r.string('timeZone', false, undefined, undefined, KNOWN_FIELD_MAX_LENGTH.timeZone);
  if (timeZone !== undefined && !isTimeZone(timeZone))
    r.fail(`"timeZone" must be an IANA time zone such as "Europe/Moscow", got ${describeValue(timeZone)}`);
  if (errors.length > before || id === undefined || name === undefined) return undefined;
  return { ...row.value, id, name };
}

export function validateDeviceRow(row: InventoryRow, errors: RowError[]): Device | undefined {
  const r = rowReader(row, errors);
  const before = errors.length;
  checkSecrets(r);
  checkRowLimits(row.value, DEVICE_FIELDS, r.fail);
  const id = r.string('id', true, ID, 'an id (no whitespace, at most 128 characters)', ID_MAX);
  const kind = r.string('kind', true, KIND, `one of ${DEVICE_KINDS.join(', ')}`) as DeviceKind | undefined;
  const parentId = r.string('parentId', false, ID, 'a device id or null', ID_MAX) ?? null;
  r.string('site', false, ID, 'a site id', ID_MAX);
  r.string('model', false, undefined, undefined, KNOWN_FIELD_MAX_LENGTH.model);
  const profile = r.string(
    'profile',
    true,
    PROFILE_NAME,
    'a probe profile name such as "cpe-router"',
    PROFILE_MAX,
  );
  const host = r.string('host', true, undefined, undefined, KNOWN_FIELD_MAX_LENGTH.host);
  if (host !== undefined && isIP(host) === 0 && !HOST_NAME.test(host))
    r.fail(`"host" must be an IPv4 or IPv6 address or a host name, got ${describeValue(host)}`);
  // A name's last label is never all digits (RFC 1123 2.1); a resolver reads "010.0.0.1" as 8.0.0.1
  // and "2130706433" as 127.0.0.1, so such a "name" would poll another machine.
  else if (host !== undefined && isIP(host) === 0 && NUMERIC_LAST_LABEL.test(host))
    r.fail(
      `"host" ${describeValue(host)} is neither a host name (its last label is all digits) nor an IPv4 address (four decimal numbers 0-255 without leading zeros)`,
    );
  const auth = r.string('auth', true, PROFILE_NAME, 'an auth profile name such as "sim"', PROFILE_MAX);
  const rawPort = row.value.port;
  const port = rawPort === undefined || rawPort === null ? DEFAULT_SNMP_PORT : rawPort;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    r.fail(`"port" must be an integer 1-65535, got ${describeValue(rawPort)}`);
  }
  if (errors.length > before || !id || !kind || !profile || !host || !auth) return undefined;
  return { ...row.value, id, kind, parentId, profile, host, port: port as number, auth };
}

export function validateSubscriberRow(row: InventoryRow, errors: RowError[]): Subscriber | undefined {
  const r = rowReader(row, errors);
  const before = errors.length;
  checkSecrets(r);
  checkRowLimits(row.value, SUBSCRIBER_FIELDS, r.fail);
  const id = r.string('id', true, ID, 'an id (no whitespace, at most 128 characters)', ID_MAX);
  r.string('name', false, undefined, undefined, KNOWN_FIELD_MAX_LENGTH.name);
  r.string(
    'account',
    false,
    /^\S(.{0,126}\S)?$/,
    'an account number (no surrounding spaces, at most 128 characters)',
    ID_MAX,
  );
  r.string('site', false, ID, 'a site id', ID_MAX);
  r.string(
    'language',
    false,
    LANGUAGE,
    'a language tag such as "ru" or "en"',
    KNOWN_FIELD_MAX_LENGTH.language,
  );
  const rawPhone = r.string('phone', false, undefined, undefined, KNOWN_FIELD_MAX_LENGTH.phone);
  const phone = rawPhone === undefined ? undefined : normalizePhone(rawPhone);
  if (rawPhone !== undefined && phone === undefined)
    r.fail(`"phone" must be a phone number of 5-15 digits, got ${describeValue(rawPhone)}`);
  const smsOptOut = readFlag(r, 'smsOptOut');
  const deviceIds = row.value.deviceIds;
  if (deviceIds === undefined || deviceIds === null)
    r.fail('missing "deviceIds" (a list of device ids; it may be empty)');
  else if (Array.isArray(deviceIds) && deviceIds.length > INVENTORY_LIMITS.maxDeviceIds)
    r.fail(`"deviceIds" names ${deviceIds.length} devices; at most ${INVENTORY_LIMITS.maxDeviceIds}`);
  else if (
    !Array.isArray(deviceIds) ||
    !deviceIds.every((d): d is string => typeof d === 'string' && ID.test(d))
  ) {
    const bad: unknown = Array.isArray(deviceIds)
      ? (deviceIds as unknown[]).find((d) => typeof d !== 'string' || !ID.test(d))
      : deviceIds;
    r.fail(`"deviceIds" must be a list of device ids, got ${describeValue(bad)}`);
  } else if (new Set(deviceIds).size !== deviceIds.length) r.fail('"deviceIds" names a device twice');
  if (errors.length > before || !id) return undefined;
  const subscriber: Subscriber = { ...row.value, id, deviceIds: deviceIds as string[] };
  if (phone !== undefined) subscriber.phone = phone;
  if (smsOptOut !== undefined) subscriber.smsOptOut = smsOptOut;
  else delete subscriber.smsOptOut;
  return subscriber;
}
