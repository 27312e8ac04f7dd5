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
      const response = await fetch(new URL(path, baseUrl), {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': contentType }),
        },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      const text = await response.text();
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
