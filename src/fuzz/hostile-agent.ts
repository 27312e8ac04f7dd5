import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { createSeededRandom } from '../sim/seeded-random.js';
import { communityMessage, int, oid, pdu, seq, str, TAG, unsigned } from './ber.js';
import { hostileAnswer, type AnswerEnvelope, type HostileBehaviour } from './hostile-answers.js';
import { readRequest, type ReadRequest } from './read-request.js';

/**
 * An SNMP agent that answers every request with one hostile behaviour: a real UDP peer on loopback for
 * the poller, the reboot action and `vigil probe` to meet. It speaks v1/v2c (answering any community,
 * so that the wrong-community case is its choice, not ours) and v3 noAuthNoPriv (engine discovery by a
 * Report, RFC 3414 section 4, then the hostile answer). Every request is counted.
 */
export interface HostileAgent {
  readonly address: string;
  readonly port: number;
  readonly requests: number;
  behaviour: HostileBehaviour;
  close(): Promise<void>;
}

const ENGINE_ID = Buffer.from('80001f8880' + 'c0ffee00c0ffee00', 'hex');
/** SNMP-USER-BASED-SM-MIB usmStatsUnknownEngineIDs.0: the Report that starts v3 discovery. */
const USM_STATS_UNKNOWN_ENGINE_IDS = '1.3.6.1.6.3.15.1.1.4.0';

function v3Envelope(request: ReadRequest): AnswerEnvelope {
  const usm = request.usm!;
  const started = Math.floor(Date.now() / 1000);
  return (body, options) => {
    const securityParameters = seq(
      str(ENGINE_ID),
      int(1),
      int(Math.max(1, Math.floor(Date.now() / 1000) - started + 100)),
      str(options.community ?? usm.userName),
      str(''),
      str(''),
    );
    return seq(
      int(3),
      seq(int(usm.msgId), int(65507), str(Buffer.from([0])), int(3)),
      str(securityParameters),
      seq(str(ENGINE_ID), str(''), body),
    );
  };
}

export async function startHostileAgent(options: {
  behaviour: HostileBehaviour;
  address?: string;
  port?: number;
  seed?: number;
}): Promise<HostileAgent> {
  const random = createSeededRandom(options.seed ?? 1);
  const socket: Socket = createSocket('udp4');
  let requests = 0;
  const agent = {
    address: options.address ?? '127.0.0.1',
    port: 0,
    behaviour: options.behaviour,
    get requests() {
      return requests;
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
  socket.on('error', () => undefined);
  socket.on('message', (datagram: Buffer, rinfo: RemoteInfo) => {
    const request = readRequest(datagram);
    if (!request) return;
    requests += 1;
    let answers: Buffer[];
    if (request.usm && request.usm.engineId.length === 0) {
      // Discovery: our engine ID, boots and time, then the manager asks again.
      const report = pdu(TAG.report, request.requestId, [
        seq(oid(USM_STATS_UNKNOWN_ENGINE_IDS), unsigned(TAG.counter32, requests)),
      ]);
      answers = [v3Envelope(request)(report, {})];
    } else {
      const envelope: AnswerEnvelope = request.usm
        ? v3Envelope(request)
        : (body, o) => communityMessage(request.version as 0 | 1, o.community ?? request.community, body);
      answers = hostileAnswer(agent.behaviour, request, envelope, random);
    }
    for (const answer of answers) socket.send(answer, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(options.port ?? 0, agent.address, () => resolve());
  });
  agent.port = socket.address().port;
  return agent;
}
