import type { ApiClient } from './api-client.js';

/** What each chapter of the demo story is handed: the API's users, the simulator, and a voice. */
export interface StoryContext {
  /** Admin, NOC and agent clients of the public API, as three different users would hold them. */
  api: ApiClient;
  noc: ApiClient;
  agent: ApiClient & { url: string; token: string };
  simControlUrl: string;
  inventoryPath: string;
  /** The NOC's Alertmanager, when installed: the story subscribes it and shows the outage's alert there. */
  alertmanagerUrl?: string;
  say(line: string): void;
}
