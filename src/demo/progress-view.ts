/** Sums of the series the demo's progress line shows, read from the service's own /metrics. */
interface Progress {
  polls: number;
  findings: number;
  incidents: number;
  proposed: number;
  actions: number;
  streams: number;
}

export function parseProgress(metrics: string): Progress {
  const sum = (pattern: RegExp): number =>
    metrics
      .split('\n')
      .filter((line) => pattern.test(line))
      .reduce((total, line) => total + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  return {
    polls: sum(/^vigil_polls_total[{ ]/),
    findings: sum(/^vigil_findings_open[{ ]/),
    incidents: sum(/^vigil_incidents_open[{ ]/),
    proposed: sum(/^vigil_suggestions_total\{.*state="proposed"/),
    actions: sum(/^vigil_actions_total[{ ]/),
    streams: sum(/^vigil_stream_clients /),
  };
}

/**
 * The demo's live view: every few seconds what the service is doing, read from its Prometheus
 * endpoint as any operator's dashboard would, handed to `status` (one updating line on a terminal,
 * see createStatusLine). Returns the stop function.
 */
export function startProgressView(
  url: string,
  nocToken: string,
  status: (line: string) => void,
  everyMs = 5_000,
): () => void {
  let stopped = false;
  const tick = async (): Promise<void> => {
    const response = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${nocToken}` } });
    if (!response.ok) return;
    const p = parseProgress(await response.text());
    if (stopped) return;
    const n = (x: number) => Math.round(x).toLocaleString('en');
    status(
      `   · live: ${n(p.polls)} polls · ${n(p.findings)} devices with findings · ${n(p.incidents)} incidents · ${n(p.proposed)} suggestions made · ${n(p.actions)} actions done · ${n(p.streams)} console streams`,
    );
  };
  const timer = setInterval(() => void tick().catch(() => undefined), everyMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
