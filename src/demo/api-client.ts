import { setTimeout as sleep } from 'node:timers/promises';

const OVERLOADED_ATTEMPTS = 5;

const isShed = (response: Response, text: string): boolean =>
  response.status === 503 && text.includes('"ERR_API_OVERLOADED"');

/** A small client of Vigil's public HTTP API, as the console or a NOC script would use it. */
export interface ApiClient {
  request<T>(method: string, path: string, body?: unknown, contentType?: string): Promise<T>;
}

export function createApiClient(baseUrl: string, token: string): ApiClient {
  return {
    async request<T>(
      method: string,
      path: string,
      body?: unknown,
      contentType = 'application/json',
    ): Promise<T> {
      const send = () =>
        fetch(new URL(path, baseUrl), {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(body === undefined ? {} : { 'content-type': contentType }),
          },
          ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
        });
      let response = await send();
      let text = await response.text();
      // A busy API sheds new work with 503 ERR_API_OVERLOADED and Retry-After: ask again, a few times.
      for (let attempt = 1; attempt < OVERLOADED_ATTEMPTS && isShed(response, text); attempt++) {
        await sleep(Math.min(5, Number(response.headers.get('retry-after')) || 1) * 1000);
        response = await send();
        text = await response.text();
      }
      const parsed: unknown = text === '' ? undefined : JSON.parse(text);
      if (!response.ok) {
        const problem = parsed as { title?: string; detail?: string } | undefined;
        throw new Error(
          `${method} ${path}: ${response.status} ${problem?.title ?? ''} ${problem?.detail ?? ''}`.trim(),
        );
      }
      return parsed as T;
    },
  };
}
