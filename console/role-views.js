/** @typedef {import('./api-types.js').Role} Role */

/** A view of the console: its hash, its label's message key, and its Alt+digit shortcut. */
/** @typedef {{ name: 'agent' | 'noc', href: string, label: string, shortcut: string }} ConsoleView */

/** @type {readonly ConsoleView[]} */
const VIEWS = [
  { name: 'agent', href: '#/agent', label: 'nav.agent', shortcut: 'Digit1' },
  { name: 'noc', href: '#/noc/overview', label: 'nav.noc', shortcut: 'Digit2' },
];

/**
 * The views a role may use, as the API's routes admit it (src/api/routes: conversations admit agent
 * and noc; incidents, devices, maintenance, metrics and the report admit noc and admin). The console
 * offers nothing else: a link or a shortcut that can only end in a 403 is a door that should not show.
 * @param {Role} role
 * @returns {ConsoleView[]}
 */
export function viewsFor(role) {
  const names = role === 'agent' ? ['agent'] : role === 'noc' ? ['agent', 'noc'] : ['noc'];
  return VIEWS.filter((view) => names.includes(view.name));
}

/** Where a role lands after sign-in, and from a hash it may not open. @param {Role} role */
export function homeOf(role) {
  return role === 'agent' ? '#/agent' : '#/noc/overview';
}
