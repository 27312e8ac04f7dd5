import type { SimDevice } from '../sim-device.js';
import { DEVICE_MODELS } from './device-models.js';
import type { MibModel } from './mib-model.js';
import { compileRecordedModel, type RecordedDeviceSpec } from './recorded-model.js';

/**
 * Recorded devices' models by device id, one table per process that serves or mirrors them: the
 * supervisor registers them before its shards start, a shard process when its init message brings them.
 * A registry rather than an option handed down, so the shard, the MIB view and the snapshot keep their
 * signatures; ids are unique within a simulator, which is one per process.
 */
const recorded = new Map<string, MibModel>();

export function registerRecordedModels(specs: readonly RecordedDeviceSpec[]): void {
  for (const spec of specs) recorded.set(spec.id, compileRecordedModel(spec));
}

export function forgetRecordedModels(ids: readonly string[]): void {
  for (const id of ids) recorded.delete(id);
}

const NO_OBJECTS: MibModel = {
  sysObjectId: '0.0',
  oids: [],
  entries: [],
  find: () => undefined,
  nextIndex: () => -1,
};

/** The object table a device answers from. A recording not registered here answers nothing, never a crash. */
export function modelOf(device: SimDevice): MibModel {
  if (device.model === 'recording') return recorded.get(device.id) ?? NO_OBJECTS;
  return DEVICE_MODELS[device.model];
}
