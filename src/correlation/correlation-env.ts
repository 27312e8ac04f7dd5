import { Type, type StaticDecode } from '@sinclair/typebox';
import { DEFAULT_CORRELATION_CONFIG as D, type CorrelationConfig } from './correlation-config.js';

/** Outage detection's variables (README "Configuration"); defaults come from DEFAULT_CORRELATION_CONFIG. */
export const CORRELATION_ENV = Type.Object({
  VIGIL_OUTAGE_SETTLE_SECONDS: Type.Number({
    minimum: 0,
    maximum: 3600,
    default: D.settleMs / 1000,
    unit: 'seconds',
    description: `Seconds an outage's first sign settles before it is announced (default ${D.settleMs / 1000}).`,
  }),
  VIGIL_OUTAGE_RESOLVE_SECONDS: Type.Number({
    minimum: 0,
    maximum: 3600,
    default: D.resolveAfterMs / 1000,
    unit: 'seconds',
    description: `Seconds the root and its children must stay back before the outage resolves (default ${D.resolveAfterMs / 1000}).`,
  }),
  VIGIL_OUTAGE_CHILD_SHARE: Type.Number({
    minimum: 0.01,
    maximum: 1,
    default: D.childShareThreshold,
    description: `Share (0..1) of a parent's children unreachable together that makes an outage (default ${D.childShareThreshold}).`,
  }),
  VIGIL_OUTAGE_MIN_CHILDREN: Type.Integer({
    minimum: 1,
    maximum: 100_000,
    default: D.minChildren,
    description: `Least number of a parent's children unreachable together that makes an outage (default ${D.minChildren}).`,
  }),
});

export type CorrelationEnv = StaticDecode<typeof CORRELATION_ENV>;

export function correlationConfigFromEnv(values: CorrelationEnv): CorrelationConfig {
  return {
    settleMs: values.VIGIL_OUTAGE_SETTLE_SECONDS * 1000,
    resolveAfterMs: values.VIGIL_OUTAGE_RESOLVE_SECONDS * 1000,
    childShareThreshold: values.VIGIL_OUTAGE_CHILD_SHARE,
    minChildren: values.VIGIL_OUTAGE_MIN_CHILDREN,
  };
}
