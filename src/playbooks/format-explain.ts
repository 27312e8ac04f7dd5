import type { ExplainTrace } from './explain-trace.js';

/**
 * The text `vigil explain --device ID` prints: findings, incidents, every rule (matched or why not) with
 * its guards, what was inhibited or merged, and the suggestions — top to bottom in the planner's order.
 */
export function formatExplain(trace: ExplainTrace): string {
  const lines: string[] = [`device ${trace.deviceId} at ${new Date(trace.at).toISOString()}`];
  lines.push('findings:');
  if (trace.findings.length === 0) lines.push('  (none)');
  for (const f of trace.findings)
    lines.push(`  ${f.id} ${f.severity}${f.inhibited ? ' [inhibited by correlation]' : ''}: ${f.summary}`);
  lines.push('incidents:');
  if (trace.incidents.length === 0) lines.push('  (none)');
  for (const i of trace.incidents) lines.push(`  ${i.kind} ${i.id}${i.open ? ' (open)' : ' (closed)'}`);
  lines.push('rules:');
  for (const r of trace.rules) {
    const where = `${r.source.file}:${r.source.line}`;
    lines.push(`  ${r.matched ? '+' : '-'} ${r.ruleId} (${where}): ${r.reason}`);
    for (const g of r.guards ?? [])
      lines.push(`      guard ${g.guard}: ${g.passed ? 'passed' : 'BLOCKED'} — ${g.reason}`);
    if (r.proposed) lines.push(`      → proposes ${r.proposed}`);
    if (r.fellBackTo) lines.push(`      → device unreachable, falls back to ${r.fellBackTo}`);
    if (r.matched && !r.proposed && !r.fellBackTo) lines.push('      → nothing: blocked by a guard');
  }
  if (trace.dropped.length > 0) {
    lines.push('dropped:');
    for (const d of trace.dropped) {
      const where = d.source ? ` (${d.source.file}:${d.source.line})` : '';
      lines.push(`  ${d.suggestionId}: ${d.why} by ${d.by}${where}`);
    }
  }
  lines.push('suggestions:');
  if (trace.suggestions.length === 0) lines.push('  (none)');
  for (const s of trace.suggestions)
    lines.push(`  ${s.priority}. ${s.kind} ${s.id} [${s.ruleId}]: ${s.text}`);
  return `${lines.join('\n')}\n`;
}
