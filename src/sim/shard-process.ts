import { registerRecordedModels } from './models/model-of.js';
import { releaseFreedMemory } from './release-memory.js';
import { fromWireUser } from './shard-handle.js';
import { SimShard } from './sim-shard.js';
import type { FromShard, ToShard } from './shard-messages.js';

/**
 * Entry point of a simulator child process: one more descriptor table, so one simulator command can
 * serve more devices than one process may open sockets for. Dies with its parent (IPC disconnect).
 */
const send = (message: FromShard): void => {
  process.send?.(message);
};

let shard: SimShard | undefined;

process.on('message', (raw: ToShard) => {
  void handle(raw);
});
process.on('disconnect', () => process.exit(0));

async function handle(message: ToShard): Promise<void> {
  switch (message.type) {
    case 'init':
      try {
        const { credentials } = message.options;
        registerRecordedModels(message.recordings);
        shard = new SimShard({
          ...message.options,
          credentials: {
            ...credentials,
            readUsers: credentials.readUsers.map(fromWireUser),
            writeUsers: credentials.writeUsers.map(fromWireUser),
          },
          onDeviceChanged: (device) => send({ type: 'changed', device }),
          onProblem: (text) => send({ type: 'problem', message: text }),
        });
        await shard.start();
        send({ type: 'ready' });
        // Binding thousands of sockets left garbage behind that V8 would otherwise keep resident.
        releaseFreedMemory();
      } catch (error) {
        send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
      }
      break;
    case 'states':
      shard?.applyStates(message.devices);
      break;
    case 'stats':
      if (shard) send({ type: 'stats', requestId: message.requestId, stats: shard.getStats() });
      break;
    case 'close':
      await shard?.close();
      process.exit(0);
  }
}
