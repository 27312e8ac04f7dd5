import type { ExplainTrace } from '../playbooks/index.js';
import type { EvalStack } from './eval-stack.js';
import type { CheckpointVerdict } from './judge-checkpoint.js';

interface DiagnosisWithExplain {
  devices: { device: { id: string }; explain?: ExplainTrace }[];
}

/** The plan's own account of one device, short: its findings, the rules that matched, guards that blocked. */
function explainLines(trace: ExplainTrace): string[] {
  const findings = trace.findings.map((f) => `${f.kind}${f.inhibited ? ' (inhibited)' : ''}`);
  const lines = [`${trace.deviceId} findings: ${findings.join(', ') || 'none'}`];
  for (const rule of trace.rules) {
    const blocked = (rule.guards ?? []).filter((g) => !g.passed).map((g) => `${g.guard}: ${g.reason}`);
    if (!rule.matched && blocked.length === 0) continue;
    lines.push(
      `${rule.matched ? '+' : '-'} ${rule.ruleId}: ${rule.reason}${blocked.length ? ` — blocked by ${blocked.join('; ')}` : ''}`,
    );
  }
  for (const d of trace.dropped) lines.push(`dropped ${d.kind} (${d.why} by ${d.by})`);
  return lines;
}

/**
 * Why Vigil suggested what it did, for each subscriber whose top suggestion was not the expected one:
 * the explain trace of its devices as `GET /v1/subscribers/{id}/diagnosis` gives it, read at once,
 * so the report says which rule, guard or missing finding made the difference.
 */
export async function explainMisses(
  api: EvalStack['api'],
  verdict: CheckpointVerdict,
): Promise<Record<string, string[]>> {
  const missed = verdict.suggestions.filter((s) => s.expected !== 'any' && s.expected !== s.observed);
  const why: Record<string, string[]> = {};
  for (const { subscriberId } of missed.slice(0, 10)) {
    const answer = await api(
      'GET',
      `/v1/subscribers/${encodeURIComponent(subscriberId)}/diagnosis?lang=en`,
      'noc',
    );
    if (answer.status !== 200) continue;
    const diagnosis = JSON.parse(answer.text) as DiagnosisWithExplain;
    why[subscriberId] = diagnosis.devices.flatMap((d) => (d.explain ? explainLines(d.explain) : []));
  }
  return why;
}
