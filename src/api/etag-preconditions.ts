import type { IncomingHttpHeaders } from 'node:http';
import { AppError } from '../shared/app-error.js';

/** An If-Match / If-None-Match value: `*` or the list of entity tags it names (RFC 9110 section 8.8.3). */
type TagList = '*' | string[];

function tagList(header: string | string[] | undefined): TagList | undefined {
  const text = Array.isArray(header) ? header.join(',') : header;
  if (text === undefined || text.trim() === '') return undefined;
  if (text.trim() === '*') return '*';
  return [...text.matchAll(/(W\/)?"[^"]*"/g)].map((m) => m[0]);
}

/** Strong comparison (RFC 9110 section 8.8.3.2): a weak tag never matches. */
function strongMatch(tags: TagList, etag: string): boolean {
  return tags === '*' || tags.some((tag) => !tag.startsWith('W/') && tag === etag);
}

/** Weak comparison: the opaque tags are equal, W/ or not. */
function weakMatch(tags: TagList, etag: string): boolean {
  const opaque = (tag: string): string => (tag.startsWith('W/') ? tag.slice(2) : tag);
  return tags === '*' || tags.some((tag) => opaque(tag) === opaque(etag));
}

/**
 * GET/HEAD with If-None-Match naming the current tag: answer 304 (RFC 9110 section 13.1.2), so a sync
 * job that kept the tag of its last upload learns in one round trip that nothing changed since.
 */
export function notModified(headers: IncomingHttpHeaders, etag: string): boolean {
  const tags = tagList(headers['if-none-match']);
  return tags !== undefined && weakMatch(tags, etag);
}

/**
 * The preconditions of a write, checked by the inventory under its lock against the tag it holds
 * then: If-Match must name it (or be `*`), If-None-Match must not (RFC 9110 sections 13.1.1-2: a
 * failed one on a write is 412, and nothing is done). Undefined when the request sets neither.
 */
export function writePrecondition(headers: IncomingHttpHeaders): ((etag: string) => void) | undefined {
  const ifMatch = tagList(headers['if-match']);
  const ifNoneMatch = tagList(headers['if-none-match']);
  if (ifMatch === undefined && ifNoneMatch === undefined) return undefined;
  return (etag) => {
    if (ifMatch !== undefined && !strongMatch(ifMatch, etag))
      throw preconditionFailed(`the inventory's ETag is now ${etag}, not the one If-Match names`, etag);
    if (ifNoneMatch !== undefined && weakMatch(ifNoneMatch, etag))
      throw preconditionFailed(`the inventory's ETag is ${etag}, which If-None-Match names`, etag);
  };
}

function preconditionFailed(message: string, etag: string): AppError {
  return new AppError('ERR_INVENTORY_PRECONDITION_FAILED', `${message}; nothing was changed`, {
    details: [{ path: 'etag', message: etag }],
  });
}
