import { Type, type StaticDecode } from '@sinclair/typebox';
import { secretString } from '../shared/env/env-field-types.js';
import type { Env } from '../shared/env/read-env.js';
import { DEFAULT_ACTIONS_CONFIG as D, type ActionsConfig } from './actions-config.js';

/** The actions' variables (README "Configuration"); defaults come from DEFAULT_ACTIONS_CONFIG. */
export const ACTIONS_ENV = Type.Object({
  VIGIL_REBOOT_VERIFY_SECONDS: Type.Number({
    minimum: 5,
    maximum: 3600,
    default: D.rebootVerifyMs / 1000,
    unit: 'seconds',
    description: `Seconds a rebooted device has to come back before the reboot failed (default ${D.rebootVerifyMs / 1000}).`,
  }),
  VIGIL_CONVERSATION_IDLE_MINUTES: Type.Number({
    exclusiveMinimum: 0,
    maximum: 24 * 60,
    default: D.conversationIdleMs / 60_000,
    unit: 'minutes',
    description: `Minutes without activity after which a conversation closes (default ${D.conversationIdleMs / 60_000}).`,
  }),
  VIGIL_ACCEPT_SWEEP_SECONDS: Type.Number({
    minimum: 1,
    maximum: 300,
    default: D.acceptSweepMs / 1000,
    unit: 'seconds',
    description: `Seconds between looks for accepted suggestions whose action was never queued (default ${D.acceptSweepMs / 1000}).`,
  }),
  VIGIL_ACCEPT_GRACE_SECONDS: Type.Number({
    minimum: 1,
    maximum: 3600,
    default: D.acceptGraceMs / 1000,
    unit: 'seconds',
    description: `Seconds an accept may wait for its job before the sweeper queues it (default ${D.acceptGraceMs / 1000}).`,
  }),
  VIGIL_ACCEPT_EXPIRE_SECONDS: Type.Number({
    minimum: 10,
    maximum: 86_400,
    default: D.acceptExpireMs / 1000,
    unit: 'seconds',
    description: `Seconds after which an unqueued accept is failed instead (default ${D.acceptExpireMs / 1000}); longer than the grace.`,
  }),
  // A URL may carry credentials (user:password@), so it is never echoed; empty means unset.
  VIGIL_FIELD_SERVICE_URL: Type.Optional(
    Type.String({
      pattern: '^(https?://\\S+)?$',
      expected: 'an http(s) URL',
      secret: true,
      description: 'Where technician visits are dispatched (default none: no dispatch).',
    }),
  ),
  VIGIL_FIELD_SERVICE_SECRET: Type.Optional(
    secretString({
      minLength: 16,
      description:
        'HMAC secret of the field-service requests, at least 16 characters (default none; required with the URL).',
    }),
  ),
});

export type ActionsEnv = StaticDecode<typeof ACTIONS_ENV>;

/**
 * Everything of ActionsConfig but the webhook allow-list, which the alerts' variables give. `env` is
 * the raw environment: whether a variable was given at all decides the cross-field problems, even
 * when its value was bad (already reported).
 */
export function actionsConfigFromEnv(
  values: ActionsEnv,
  env: Env,
  problems: string[],
): Omit<ActionsConfig, 'webhookAllowedHosts'> {
  const actions: Omit<ActionsConfig, 'webhookAllowedHosts'> = {
    rebootVerifyMs: values.VIGIL_REBOOT_VERIFY_SECONDS * 1000,
    conversationIdleMs: values.VIGIL_CONVERSATION_IDLE_MINUTES * 60_000,
    acceptSweepMs: values.VIGIL_ACCEPT_SWEEP_SECONDS * 1000,
    acceptGraceMs: values.VIGIL_ACCEPT_GRACE_SECONDS * 1000,
    acceptExpireMs: values.VIGIL_ACCEPT_EXPIRE_SECONDS * 1000,
  };
  if (actions.acceptExpireMs <= actions.acceptGraceMs)
    problems.push('VIGIL_ACCEPT_EXPIRE_SECONDS: must be longer than VIGIL_ACCEPT_GRACE_SECONDS');
  if (values.VIGIL_FIELD_SERVICE_URL) {
    actions.fieldServiceUrl = values.VIGIL_FIELD_SERVICE_URL;
    if (values.VIGIL_FIELD_SERVICE_SECRET) actions.fieldServiceSecret = values.VIGIL_FIELD_SERVICE_SECRET;
  }
  if (env.VIGIL_FIELD_SERVICE_URL && env.VIGIL_FIELD_SERVICE_SECRET === undefined)
    problems.push(
      'VIGIL_FIELD_SERVICE_SECRET: required with VIGIL_FIELD_SERVICE_URL, at least 16 characters',
    );
  return actions;
}
