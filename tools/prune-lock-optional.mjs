// Removes, from package-lock.json, optional dependencies that the registry this project installs from
// does not carry (404): npm install leaves them listed but unresolved, and `npm ci` then refuses the
// lock as out of sync. Run after `npm install` changes the lock: `npm run lock:prune`.
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages;
const pruned = [];
for (const [name, entry] of Object.entries(packages)) {
  for (const dep of Object.keys(entry.optionalDependencies ?? {})) {
    const nested = `${name ? `${name}/` : ''}node_modules/${dep}`;
    if (!(nested in packages) && !(`node_modules/${dep}` in packages)) {
      delete entry.optionalDependencies[dep];
      pruned.push(`${name} → ${dep}`);
    }
  }
}
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(pruned.length ? `pruned ${pruned.length}:\n  ${pruned.join('\n  ')}` : 'nothing to prune');
