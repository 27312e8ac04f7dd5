import { startDemoAlertmanager, type DemoAlertmanager } from './demo-alertmanager.js';
import { startDemoSmsCentre, type DemoSmsCentre } from './demo-sms-centre.js';

/** The operator's own tools the demo plugs Vigil into: an SMS centre, and Alertmanager where installed. */
export interface DemoPeers {
  sms: DemoSmsCentre;
  alertmanager: DemoAlertmanager | undefined;
  /** What `vigil serve` is configured with to use them. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Starts the SMS centre (in this process) and Alertmanager (a child, its files under
 * `alertmanagerDir`), and says how `vigil serve` reaches them: outage SMS through the SMS centre at
 * any hour, and Alertmanager's address allowed as an alert target.
 */
export async function startDemoPeers(alertmanagerDir: string): Promise<DemoPeers> {
  const sms = await startDemoSmsCentre();
  let alertmanager: DemoAlertmanager | undefined;
  try {
    alertmanager = await startDemoAlertmanager(alertmanagerDir);
  } catch (error) {
    await sms.close();
    throw error;
  }
  return {
    sms,
    alertmanager,
    env: {
      VIGIL_SMPP_URL: sms.url,
      VIGIL_SMPP_SYSTEM_ID: sms.systemId,
      VIGIL_SMPP_PASSWORD: sms.password,
      // A demo runs at any hour: at night the default quiet hours would hold every SMS until morning.
      VIGIL_SMS_QUIET_HOURS: 'off',
      // The SMS centre is local; an operator's contract sets the real throughput (default 50/s).
      VIGIL_SMS_RATE_PER_SECOND: '1000',
      ...(alertmanager ? { VIGIL_WEBHOOK_ALLOWED_HOSTS: `127.0.0.1:${alertmanager.port}` } : {}),
    },
    async stop() {
      await alertmanager?.stop();
      await sms.close();
    },
  };
}
