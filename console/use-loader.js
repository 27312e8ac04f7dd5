/* global setInterval, clearInterval */
import { useEffect, useRef, useState } from './vendor/htm-preact.js';

/**
 * Loads `load()` now, again whenever `inputs` change, and every `refreshMs` if given (the NOC lists
 * follow the fleet by polling: the API streams only conversations). Keeps the last good data while a
 * reload runs or fails, so a table never blinks empty.
 * @template T
 * @param {() => Promise<T>} load
 * @param {readonly unknown[]} inputs
 * @param {number} [refreshMs]
 * @returns {{ data: T | undefined, error: unknown, loadedAt: number | undefined, reload: () => void }}
 */
export function useLoader(load, inputs, refreshMs) {
  const [data, setData] = useState(/** @type {T | undefined} */ (undefined));
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const [loadedAt, setLoadedAt] = useState(/** @type {number | undefined} */ (undefined));
  const [tick, setTick] = useState(0);
  const latest = useRef(0);

  useEffect(() => {
    const call = ++latest.current;
    load().then(
      (value) => {
        if (call !== latest.current) return;
        setData(() => value);
        setError(null);
        setLoadedAt(Date.now());
      },
      (/** @type {unknown} */ caught) => {
        if (call === latest.current) setError(caught);
      },
    );
  }, [...inputs, tick]);

  useEffect(() => {
    if (refreshMs === undefined) return undefined;
    const timer = setInterval(() => setTick((n) => n + 1), refreshMs);
    return () => clearInterval(timer);
  }, [refreshMs]);

  return { data, error, loadedAt, reload: () => setTick((n) => n + 1) };
}
