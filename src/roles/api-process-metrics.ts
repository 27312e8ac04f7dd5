import { registerLocalCounter, registerLocalGauge } from '../metrics/render-metrics.js';
import { droppedLogLines } from '../platform/logger.js';

/** This process's own gauges on /metrics: its stream clients, its memory, the log lines it dropped. */
export function registerApiGauges(streamClients: () => number): void {
  registerLocalCounter(
    'vigil_log_lines_dropped_total',
    'Log lines this API process dropped because the log reader (journald, a pipe) did not keep up.',
    droppedLogLines,
  );
  registerLocalGauge(
    'vigil_stream_clients',
    'Conversation event streams (SSE and WebSocket) open on this API instance.',
    streamClients,
  );
  registerLocalGauge(
    'vigil_api_resident_memory_bytes',
    'Resident memory of this API process.',
    () => process.memoryUsage().rss,
  );
  registerLocalGauge(
    'vigil_api_heap_used_bytes',
    'V8 heap in use by this API process (with all roles in one process, the whole service).',
    () => process.memoryUsage().heapUsed,
  );
}
