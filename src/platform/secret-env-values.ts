/** Variable names whose values are credentials: API keys, communities, SNMP keys, secrets, tokens. */
const SECRET_NAME = /KEYS?$|COMMUNITY|SECRET|TOKEN|PASSWORD/;

/**
 * The credential values in an environment given to a child process, so its output can be watched for
 * them and error messages can blank them out. `VIGIL_API_KEYS` is `role:key,…`: each key on its own.
 * Values under 8 characters are left out (a `2c` or a `1` would match everywhere).
 */
export function secretEnvValues(env: Readonly<Record<string, string>>): string[] {
  return Object.entries(env)
    .filter(([name]) => SECRET_NAME.test(name))
    .flatMap(([name, value]) =>
      name === 'VIGIL_API_KEYS'
        ? value.split(',').map((entry) => entry.slice(entry.indexOf(':') + 1))
        : [value],
    )
    .filter((value) => value.length >= 8);
}

/** `text` with every one of `secrets` replaced by `[redacted]`. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join('[redacted]');
  return out;
}
