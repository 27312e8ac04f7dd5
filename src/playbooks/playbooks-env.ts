import { Type, type StaticDecode } from '@sinclair/typebox';

/** The playbooks' variable (README "Configuration", "Playbooks"). */
export const PLAYBOOKS_ENV = Type.Object({
  VIGIL_PLAYBOOKS_DIR: Type.String({
    default: 'playbooks',
    description: 'Directory of playbook files (default "playbooks").',
  }),
});

export type PlaybooksEnv = StaticDecode<typeof PLAYBOOKS_ENV>;

export function playbooksConfigFromEnv(values: PlaybooksEnv): { playbooksDir: string } {
  return { playbooksDir: values.VIGIL_PLAYBOOKS_DIR };
}
