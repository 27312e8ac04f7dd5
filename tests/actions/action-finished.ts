import { expect } from 'vitest';
import type { TestService } from '../helpers/test-service.js';
import { until } from '../helpers/wait.js';

/** An action as `GET /v1/actions/{id}` answers it, as far as the action tests read it. */
export interface ActionView {
  id: string;
  kind: string;
  deviceId: string;
  state: string;
  requestedBy: string;
  setSentAt?: string;
  outcome?: { result: string; reason: string };
}

/** The action once it has succeeded or failed, read through the API as the NOC would. */
export function actionFinished(
  service: TestService,
  actionId: string,
  timeoutMs: number,
): Promise<ActionView> {
  return until(
    async () => {
      const { status, body } = await service.api<ActionView>(
        'GET',
        `/v1/actions/${encodeURIComponent(actionId)}`,
        'noc',
      );
      expect(status).toBe(200);
      return body.state === 'succeeded' || body.state === 'failed' ? body : undefined;
    },
    { timeoutMs, everyMs: 100, what: `action ${actionId} finished` },
  );
}
