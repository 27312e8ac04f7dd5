/**
 * Writes the OpenAPI document the app serves at /docs/json to a file (argument 1, default
 * openapi.json), for `npm run lint:openapi`. The app is the real one, built as the tests build it (its
 * own Redis key prefix on REDIS_URL, default redis://127.0.0.1:6379), so the linted document is exactly
 * what integrators read.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { buildTestApp } from '../helpers/build-test-app.js';

const out = process.argv[2] ?? 'openapi.json';
const t = await buildTestApp();
try {
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(t.app.swagger(), null, 2)}\n`);
} finally {
  await t.close();
}
// The app's Redis and queue connections close asynchronously; the document is written, so exit now.
process.exit(0);
