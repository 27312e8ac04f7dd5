import { describe, expect, it } from 'vitest';

// console/ is browser JavaScript checked by its own tsconfig (tsc -p console): imported by URL here.
type Role = 'agent' | 'noc' | 'admin';
const { homeOf, viewsFor } = (await import(new URL('../../console/role-views.js', import.meta.url).href)) as {
  viewsFor: (role: Role) => { name: string; href: string; shortcut: string }[];
  homeOf: (role: Role) => string;
};

describe('the console’s views by role', () => {
  it('offers an agent the agent view alone, with no NOC tab and no Alt+2', () => {
    expect(viewsFor('agent').map((v) => [v.name, v.shortcut])).toEqual([['agent', 'Digit1']]);
    expect(homeOf('agent')).toBe('#/agent');
  });

  it('offers NOC both views, and admin the NOC view (the API opens conversations for agent and noc), both landing on the overview', () => {
    expect(viewsFor('noc').map((v) => v.name)).toEqual(['agent', 'noc']);
    expect(viewsFor('admin').map((v) => v.name)).toEqual(['noc']);
    expect(homeOf('admin')).toBe('#/noc/overview');
    expect(homeOf('noc')).toBe('#/noc/overview');
    expect(viewsFor('noc').find((v) => v.name === 'noc')?.href).toBe('#/noc/overview');
  });
});
