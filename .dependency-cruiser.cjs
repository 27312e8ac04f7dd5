// @ts-check
/* global module */
/**
 * The house's pipeline order, enforced (`npm run lint:deps`, part of `npm run lint`). Each line is a
 * layer; a folder may import its own layer's files and anything on an earlier line, never a later
 * one, and never a sibling on its own line — so no two folders can import each other, and reading the
 * imports reads the pipeline: SNMP and probes → detection → correlation and playbooks → polling →
 * diagnosis → actions, conversations, alerts → the HTTP API → process wiring → tools. README
 * "Architecture" draws the same map.
 */
const LAYERS = [
  ['shared'],
  ['platform'],
  ['snmp'],
  ['probes'],
  ['recordings'],
  ['detection'],
  ['inventory'],
  ['correlation'],
  ['playbooks'],
  ['events'],
  ['sms'],
  ['outcomes'],
  ['polling'],
  ['diagnosis'],
  ['reload'],
  ['conversations'],
  ['actions'],
  ['alerts'],
  ['metrics'],
  ['config'],
  ['api'],
  ['roles'],
  ['sim'],
  ['fuzz'],
  ['bench'],
  ['demo'],
  ['eval'],
  ['drill'],
  ['cli'],
];

const alternatives = (folders) => `^src/(${folders.join('|')})/`;

/** One rule per layer: nothing in it reaches a folder on a later line or a sibling on its own. */
const pipelineOrder = LAYERS.flatMap((folders, index) => {
  const later = LAYERS.slice(index + 1).flat();
  return folders.map((folder) => {
    const forbidden = [...later, ...folders.filter((f) => f !== folder)];
    return {
      name: `pipeline-order:${folder}`,
      comment: `src/${folder}/ sits below ${forbidden.join(', ')} in the pipeline (.dependency-cruiser.cjs LAYERS): pass what it needs down instead of importing upwards.`,
      severity: 'error',
      from: { path: `^src/${folder}/` },
      to: { path: alternatives(forbidden) },
    };
  });
});

module.exports = {
  forbidden: [
    ...pipelineOrder,
    {
      name: 'no-circular',
      comment:
        'A module that reaches itself through its imports: break the cycle by moving the shared part down.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'not-in-layers',
      comment: 'Every folder of src/ has a line in LAYERS, so a new folder states where it sits.',
      severity: 'error',
      from: { path: '^src/[^/]+/', pathNot: alternatives(LAYERS.flat()) },
      to: {},
    },
    {
      name: 'src-not-to-tests',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^tests/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^src/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
