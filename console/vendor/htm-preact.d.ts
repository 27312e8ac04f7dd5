/**
 * Types of /console/vendor/htm-preact.js, which the API serves from htm's "preact/standalone" build
 * (Preact, its hooks and htm in one module). Only what the console uses; for `tsc -p console` and
 * the editor, never served.
 */
export interface VNode {
  readonly type: unknown;
  readonly props: unknown;
}

/** Tagged template to VNode, e.g. html`<p class=${c}>${text}</p>`. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): VNode;
export function render(tree: VNode, parent: Element): void;

export type StateUpdater<T> = (value: T | ((previous: T) => T)) => void;
export function useState<T>(initial: T | (() => T)): [T, StateUpdater<T>];
export function useReducer<S, A>(reducer: (state: S, action: A) => S, initial: S): [S, (action: A) => void];
export function useEffect(effect: () => void | (() => void), inputs?: readonly unknown[]): void;
export function useRef<T>(initial: T): { current: T };
export function useMemo<T>(factory: () => T, inputs: readonly unknown[]): T;
