import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { NodeResult, Result } from 'axe-core';
import type { Page } from 'playwright-core';

/** axe-core's browser build, read once: the same file whatever the page. */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** What fails a view: a person cannot use it (critical) or can only with great effort (serious). */
const FAILING_IMPACTS = new Set(['serious', 'critical']);

/**
 * Runs in the page (as text: the tests compile without the DOM's types). Only the violations cross back,
 * without the DOM references axe keeps in its full results.
 */
const runAxe = (options: AxeOptions) => `axe.run(document, ${JSON.stringify(options)}).then((found) =>
  found.violations.map(({ id, impact, help, helpUrl, nodes }) => ({
    id, impact, help, helpUrl,
    nodes: nodes.map(({ target, failureSummary, html }) => ({ target, failureSummary, html })),
  })))`;

export interface AxeOptions {
  /**
   * Whether axe follows the page's frames (its default). false for a host page framing a panel from
   * another origin, which has no axe of its own and is checked on its own page: axe would wait for it.
   */
  iframes?: boolean;
}

/** A violation as it crosses back from the page: what the report names, no more. */
type Violation = Pick<Result, 'id' | 'impact' | 'help' | 'helpUrl'> & {
  nodes: Pick<NodeResult, 'target' | 'failureSummary' | 'html'>[];
};

/** One violation as a line a reader can act on: the rule, its help text, and every element it names. */
function describeViolation(violation: Violation): string {
  const nodes = violation.nodes.map((node) => `    ${node.target.join(' ')}: ${node.failureSummary ?? ''}`);
  return [`${violation.impact} ${violation.id}: ${violation.help} (${violation.helpUrl})`, ...nodes].join(
    '\n',
  );
}

/**
 * Runs axe-core on the page as it stands and throws, naming every serious or critical violation (rule
 * id, help, target nodes), if there is one. The console's CSP forbids inline scripts, so axe is not
 * added as a <script> tag: page.evaluate runs its source through the DevTools protocol, which the page's
 * CSP does not govern, and the served CSP stays as strict as in production.
 */
export async function expectAccessible(page: Page, view: string, options: AxeOptions = {}): Promise<void> {
  const injected = await page.evaluate("typeof axe === 'object'");
  if (!injected) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate<Violation[]>(runAxe(options));
  const failing = violations.filter((violation) => FAILING_IMPACTS.has(violation.impact ?? ''));
  if (failing.length > 0)
    throw new Error(
      `axe: ${failing.length} serious or critical violation(s) in the ${view} view:\n` +
        failing.map(describeViolation).join('\n'),
    );
}
