/** Sums the samples of a series in a Prometheus text, by one label's value. */
export function byLabel(text: string, series: string, label: string): Record<string, number> {
  const out: Record<string, number> = {};
  const pattern = new RegExp(`^${series}\\{[^}]*${label}="([^"]+)"[^}]*\\} (\\S+)$`);
  for (const line of text.split('\n')) {
    const match = pattern.exec(line);
    if (match) out[match[1] as string] = (out[match[1] as string] ?? 0) + Number(match[2]);
  }
  return out;
}
