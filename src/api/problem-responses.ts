import { catalogueEntry } from './problem-catalogue.js';
import { PROBLEM_CONTENT_TYPE, problemType, type Problem } from './problem.js';

/** A code a route answers with, and the detail of one real occurrence (shown as the example). */
export type ProblemCase = readonly [code: string, detail: string];

/** An OpenAPI response of problems (RFC 9457) with one named example per code. */
export interface ProblemResponse {
  description: string;
  content: Record<string, { schema: { $ref: 'Problem#' }; examples: Record<string, { value: Problem }> }>;
}

/**
 * Error responses for a route's schema, each with real examples: `problemResponses('/v1/devices/{id}',
 * [['ERR_DEVICE_NOT_FOUND', 'no device "cpe-00042" in the inventory']])` → `{ 404: … }`. The status of
 * each code comes from the catalogue, so a documented code answers with the status it documents.
 */
export function problemResponses(
  instance: string,
  cases: readonly ProblemCase[],
): Record<number, ProblemResponse> {
  const byStatus = new Map<number, ProblemCase[]>();
  for (const entry of cases) {
    const status = catalogueEntry(entry[0], entry[0].endsWith('_UNAVAILABLE')).status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), entry]);
  }
  const responses: Record<number, ProblemResponse> = {};
  for (const [status, list] of byStatus) {
    const codes = [...new Set(list.map(([code]) => code))];
    responses[status] = {
      description: `${catalogueEntry(codes[0] ?? '').title}: ${codes.map((c) => `\`${c}\``).join(', ')}`,
      content: {
        [PROBLEM_CONTENT_TYPE]: {
          schema: { $ref: 'Problem#' },
          examples: Object.fromEntries(
            list.map(([code, detail], i) => [
              list.findIndex(([other]) => other === code) === i ? code : `${code}_${i}`,
              { value: problemExample(code, detail, instance) },
            ]),
          ),
        },
      },
    };
  }
  return responses;
}

export function problemExample(code: string, detail: string, instance: string): Problem {
  const { status, title } = catalogueEntry(code, code.endsWith('_UNAVAILABLE'));
  return { type: problemType(code), title, status, detail, instance, code };
}
