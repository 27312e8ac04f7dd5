import { AppError } from '../shared/app-error.js';

/**
 * Webhook URLs come from API input, and the worker will POST to them: only http(s), only to hosts the
 * operator listed (`VIGIL_WEBHOOK_ALLOWED_HOSTS`), so a key holder cannot aim Vigil at internal services.
 */
export function checkWebhookUrl(raw: string, allowedHosts: readonly string[]): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError('ERR_WEBHOOK_INVALID', `not a URL: ${raw}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new AppError('ERR_WEBHOOK_INVALID', 'webhook URLs are http or https');
  if (url.username || url.password)
    throw new AppError('ERR_WEBHOOK_INVALID', 'credentials do not belong in a webhook URL');
  const host = url.hostname.toLowerCase();
  const allowed = allowedHosts.some((pattern) =>
    pattern.startsWith('*.')
      ? host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1
      : host === pattern,
  );
  if (!allowed)
    throw new AppError(
      'ERR_WEBHOOK_FORBIDDEN',
      `host "${host}" is not in VIGIL_WEBHOOK_ALLOWED_HOSTS${allowedHosts.length === 0 ? ' (empty: no webhooks allowed)' : ''}`,
    );
  return url;
}
