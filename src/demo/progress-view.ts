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
    const count = (x: number, one: string, many: string) => {
      const rounded = Math.round(x);
      return `${rounded.toLocaleString('en')} ${rounded === 1 ? one : many}`;
    };
    status(
      `   · live: ${[
        count(p.polls, 'poll', 'polls'),
        count(p.findings, 'device with findings', 'devices with findings'),
        count(p.incidents, 'open incident', 'open incidents'),
        count(p.proposed, 'suggestion made', 'suggestions made'),
        count(p.actions, 'action done', 'actions done'),
        count(p.streams, 'console stream', 'console streams'),
      ].join(' · ')}`,
    );
  };
  const timer = setInterval(() => void tick().catch(() => undefined), everyMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
