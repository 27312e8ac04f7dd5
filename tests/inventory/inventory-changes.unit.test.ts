import { describe, expect, it } from 'vitest';
import { notModified, writePrecondition } from '../../src/api/etag-preconditions.js';
import { parseInventoryChanges } from '../../src/inventory/index.js';
import { mergePatch } from '../../src/inventory/merge-patch.js';
import { resolveChanges } from '../../src/inventory/resolve-changes.js';
import type { Device } from '../../src/inventory/index.js';

describe('mergePatch (RFC 7396)', () => {
  it('sets members, removes those set to null, replaces arrays whole and merges objects deeply', () => {
    const target = { a: 1, b: { c: 2, d: 3 }, list: [1, 2], gone: 'x' };
    expect(mergePatch(target, { a: 5, b: { d: null, e: 4 }, list: [3], gone: null })).toEqual({
      a: 5,
      b: { c: 2, e: 4 },
      list: [3],
    });
    expect(target.b).toEqual({ c: 2, d: 3 });
    // RFC 7396 appendix A: a non-object patch replaces the target.
    expect(mergePatch({ a: 'b' }, ['c'])).toEqual(['c']);
  });
});

describe('parseInventoryChanges', () => {
  it('reads one change per line, skipping blank lines, and names every bad line', () => {
    const text = [
      '{"op":"upsert","kind":"device","record":{"id":"cpe-1"}}',
      '',
      '{"op":"patch","kind":"subscriber","id":"sub-1","patch":{"phone":null}}',
      '{"op":"delete","kind":"device","id":"cpe 2"}',
      '{"op":"delete","kind":"site","id":"s-1"}',
      '{"op":"upsert","kind":"device","id":"cpe-9","record":{"id":"cpe-1"}}',
      '{"op":"patch","kind":"device","id":"cpe-1"}',
      'not json',
    ].join('\n');
    const { changes, errors } = parseInventoryChanges(text);
    expect(changes.map((c) => [c.op, c.kind, c.id, c.location])).toEqual([
      ['upsert', 'device', 'cpe-1', 'line 1'],
      ['patch', 'subscriber', 'sub-1', 'line 3'],
    ]);
    expect(errors.map((e) => e.location)).toEqual(['line 4', 'line 5', 'line 6', 'line 7', 'line 8']);
    expect(errors[1]?.reason).toBe('"kind" must be one of device, subscriber, got "site"');
    expect(errors[2]?.reason).toBe('"id" "cpe-9" differs from the record\'s id "cpe-1"');
  });

  it('refuses an empty batch', () => {
    expect(parseInventoryChanges('\n\n').errors).toEqual([
      { location: 'body', reason: 'no changes: send one JSON object per line' },
    ]);
  });
});

describe('resolveChanges', () => {
  const cpe: Device = {
    id: 'cpe-1',
    kind: 'cpe',
    parentId: 'an-1',
    profile: 'cpe-gpon',
    host: '127.0.0.2',
    port: 161,
    auth: 'sim',
  };

  it('applies changes in order over the stored records and reports each line and the net effect', () => {
    const { resolved, errors } = resolveChanges(
      [
        { op: 'patch', kind: 'device', id: 'cpe-1', body: { model: 'X' }, location: 'line 1' },
        { op: 'patch', kind: 'device', id: 'cpe-1', body: { model: null }, location: 'line 2' },
        { op: 'upsert', kind: 'device', id: 'cpe-2', body: { ...cpe, id: 'cpe-2' }, location: 'line 3' },
        { op: 'delete', kind: 'device', id: 'cpe-2', location: 'line 4' },
      ],
      { devices: new Map([['cpe-1', cpe]]), subscribers: new Map() },
    );
    expect(errors).toEqual([]);
    expect(resolved.outcomes.map((o) => o.result)).toEqual(['updated', 'updated', 'created', 'removed']);
    expect(resolved.devices.get('cpe-1')).toEqual({ before: cpe, after: cpe });
    expect(resolved.devices.get('cpe-2')).toEqual({ before: undefined, after: undefined });
  });

  it('validates each resulting record like an import row, at the change’s location', () => {
    const { errors } = resolveChanges(
      [
        { op: 'patch', kind: 'device', id: 'cpe-1', body: { community: 'public' }, location: 'line 1' },
        { op: 'patch', kind: 'device', id: 'cpe-7', body: { model: 'X' }, location: 'line 2' },
        { op: 'patch', kind: 'device', id: 'cpe-1', body: { id: 'cpe-8' }, location: 'line 3' },
      ],
      { devices: new Map([['cpe-1', cpe]]), subscribers: new Map() },
    );
    expect(errors.map((e) => e.location)).toEqual(['line 1', 'line 2', 'line 3']);
    expect(errors[0]?.reason).toContain('looks like an SNMP credential');
    expect(errors[1]?.reason).toBe('no device "cpe-7" to patch');
    expect(errors[2]?.reason).toBe("a patch cannot change a device's id");
  });
});

describe('ETag preconditions (RFC 9110 section 13.1)', () => {
  const etag = '"abc"';
  it('answers 304 to a GET whose If-None-Match names the tag, weakly or in a list', () => {
    expect(notModified({ 'if-none-match': '"x", W/"abc"' }, etag)).toBe(true);
    expect(notModified({ 'if-none-match': '*' }, etag)).toBe(true);
    expect(notModified({ 'if-none-match': '"x"' }, etag)).toBe(false);
    expect(notModified({}, etag)).toBe(false);
  });

  it('fails a write whose If-Match does not name the tag strongly, or whose If-None-Match does', () => {
    expect(writePrecondition({})).toBeUndefined();
    expect(() => writePrecondition({ 'if-match': '"abc"' })?.(etag)).not.toThrow();
    expect(() => writePrecondition({ 'if-match': '*' })?.(etag)).not.toThrow();
    expect(() => writePrecondition({ 'if-match': 'W/"abc"' })?.(etag)).toThrow(/If-Match/);
    expect(() => writePrecondition({ 'if-match': '"old"' })?.(etag)).toThrow(
      expect.objectContaining({ code: 'ERR_INVENTORY_PRECONDITION_FAILED' }) as Error,
    );
    expect(() => writePrecondition({ 'if-none-match': '"abc"' })?.(etag)).toThrow(/If-None-Match/);
    expect(() => writePrecondition({ 'if-none-match': '"old"' })?.(etag)).not.toThrow();
  });
});
