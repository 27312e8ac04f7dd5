import { MUTATIONS, mutateDatagram } from '../../fuzz/mutate-datagram.js';
import { craftedSeeds } from '../../fuzz/seed-datagrams.js';
import { createSeededRandom } from '../../sim/seeded-random.js';
import { decodeGetResponse } from '../../snmp/decode-get-response.js';

export interface DecoderFuzzResult {
  datagrams: number;
  escapes: number;
  maxMicros: number;
  meanMicros: number;
}

/** (a) The poll path's own decoder, in this process: every datagram timed, none may throw. */
export function fuzzDecoder(seed: number, count: number): DecoderFuzzResult {
  const seeds = craftedSeeds('bench');
  const random = createSeededRandom(seed);
  let escapes = 0;
  let maxMicros = 0;
  let totalMicros = 0;
  for (let i = 0; i < count; i++) {
    const mutation = MUTATIONS[Math.floor(random() * MUTATIONS.length)] ?? 'noise';
    const datagram = mutateDatagram(
      seeds[i % seeds.length] as Buffer,
      mutation,
      random,
      seeds[(i + 1) % seeds.length],
    );
    const started = performance.now();
    try {
      decodeGetResponse(datagram);
    } catch {
      escapes += 1;
    }
    const micros = (performance.now() - started) * 1000;
    totalMicros += micros;
    if (micros > maxMicros) maxMicros = micros;
  }
  return {
    datagrams: count,
    escapes,
    maxMicros: Math.round(maxMicros),
    meanMicros: +(totalMicros / count).toFixed(2),
  };
}
