import { html, useEffect, useRef, useState } from './vendor/htm-preact.js';
import { seg } from './api.js';
import { count, w } from './incident-page-words.js';
import { ProblemNote } from './problem-note.js';

/** @typedef {import('./api.js').Api} Api */
/**
 * @typedef {{ devices: number, down: number, degraded: number, up: number, unknown: number }} StatusCounts
 * @typedef {{ id: string, kind: string, model?: string, site?: string, status: string, affected: boolean,
 *   children: number, subscribers: number, below: StatusCounts }} TreeNode
 * @typedef {{ incidentId: string, path: string[], node: TreeNode, items: TreeNode[], nextCursor?: string }} TreeLevel
 */

/** Children fetched per request: a 2,000-CPE access node opens as 100, and "More" adds 100. */
export const TREE_PAGE = 100;

/**
 * An incident's tree: the root with what lies beneath it by status, and its children a page at a time.
 * Every node with children opens and closes with its own button (aria-expanded), so the tree is read and
 * walked with Tab and Enter; "More" fetches the next page and moves focus to its first node.
 * @param {{ api: Api, incidentId: string }} props
 */
export function IncidentTree({ api, incidentId }) {
  const [root, setRoot] = useState(/** @type {TreeLevel | null} */ (null));
  const [error, setError] = useState(/** @type {unknown} */ (null));
  useEffect(() => {
    api
      .get(`/v1/incidents/${seg(incidentId)}/tree?limit=${TREE_PAGE}`)
      .then((level) => setRoot(/** @type {TreeLevel} */ (level)), setError);
  }, [api, incidentId]);
  return html`
    <section class="panel" aria-labelledby="tree-title">
      <h2 id="tree-title">${w('tree')}</h2>
      <p class="muted">${w('treeHint')}</p>
      <${ProblemNote} error=${error} />
      ${
        root &&
        html`<ul class="tree" aria-labelledby="tree-title">
          <${TreeItem} api=${api} incidentId=${incidentId} node=${root.node} first=${root} open=${true} />
        </ul>`
      }
    </section>
  `;
}

/**
 * One node: its line, and when open its children (the first page given, or fetched on opening).
 * @param {{ api: Api, incidentId: string, node: TreeNode, first?: TreeLevel, open?: boolean,
 *   focusRef?: { current: HTMLAnchorElement | null } }} props
 */
function TreeItem({ api, incidentId, node, first, open: openAtFirst = false, focusRef }) {
  const [open, setOpen] = useState(openAtFirst);
  const listId = `tree-children-${node.id}`;
  return html`
    <li data-node=${node.id} data-status=${node.status}>
      <div class="tree-line">
        ${
          node.children > 0
            ? html`<button
                class="disclosure"
                aria-expanded=${open ? 'true' : 'false'}
                aria-controls=${listId}
                aria-label=${`${open ? w('collapse') : w('expand')} ${node.id}`}
                onClick=${() => setOpen(!open)}
              >
                ${open ? '▾' : '▸'}
              </button>`
            : html`<span class="disclosure-space" aria-hidden="true"></span>`
        }
        <a href=${`#/noc/devices/${seg(node.id)}`} ref=${focusRef}>${node.id}</a>
        <span class=${`badge status-${node.status}`}>${node.status}</span>
        ${node.affected && html`<span class="badge affected">${w('affected')}</span>`}
        <span class="muted">${node.kind}${node.model ? ` · ${node.model}` : ''}</span>
        <${Beneath} node=${node} />
      </div>
      ${
        open &&
        node.children > 0 &&
        html`<${Branch}
          api=${api}
          incidentId=${incidentId}
          parent=${node}
          listId=${listId}
          ...${first ? { first } : {}}
        />`
      }
    </li>
  `;
}

/** What a collapsed node holds: children, subscribers and the devices beneath it by status. @param {{ node: TreeNode }} props */
function Beneath({ node }) {
  const { below } = node;
  const parts = /** @type {const} */ (['down', 'degraded', 'up', 'unknown'])
    .filter((s) => below[s] > 0)
    .map((s) => html`<span class=${`count status-${s}`} data-below=${s}>${count(below[s])} ${s}</span>`);
  return html`<span class="beneath">
    ${node.children > 0 && html`<span data-children=${node.children}>${w('children')}: ${count(node.children)}</span>`}
    ${node.subscribers > 0 && html`<span>${w('subscribersHere')}: ${count(node.subscribers)}</span>`}
    ${below.devices > 0 && html`<span data-beneath=${below.devices}>${w('below')}: ${count(below.devices)}</span> ${parts}`}
  </span>`;
}

/**
 * A node's children, a page at a time; "More" appends the next page and moves focus to its first node.
 * @param {{ api: Api, incidentId: string, parent: TreeNode, listId: string, first?: TreeLevel }} props
 */
function Branch({ api, incidentId, parent, listId, first }) {
  const [items, setItems] = useState(/** @type {TreeNode[]} */ (first?.items ?? []));
  const [cursor, setCursor] = useState(first ? first.nextCursor : undefined);
  const [loaded, setLoaded] = useState(first !== undefined);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const [focusAt, setFocusAt] = useState(-1);
  const focusRef = useRef(/** @type {HTMLAnchorElement | null} */ (null));

  /** @param {string | undefined} after */
  const load = async (after) => {
    setBusy(true);
    setError(null);
    try {
      const query = `parent=${seg(parent.id)}&limit=${TREE_PAGE}${after ? `&cursor=${seg(after)}` : ''}`;
      const level = /** @type {TreeLevel} */ (
        await api.get(`/v1/incidents/${seg(incidentId)}/tree?${query}`)
      );
      const shown = items.length;
      setItems((before) => [...before, ...level.items]);
      if (after) setFocusAt(shown);
      setCursor(level.nextCursor);
      setLoaded(true);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    if (!loaded) void load(undefined);
  }, []);
  useEffect(() => {
    if (focusAt >= 0) focusRef.current?.focus();
  }, [focusAt]);

  return html`
    <ul id=${listId} class="tree" aria-label=${`${parent.id}: ${count(parent.children)} ${w('children')}`}>
      ${items.map(
        (node, i) =>
          html`<${TreeItem}
            key=${node.id}
            api=${api}
            incidentId=${incidentId}
            node=${node}
            ...${i === focusAt ? { focusRef } : {}}
          />`,
      )}
      ${
        (cursor || busy || error) &&
        html`<li class="more">
          <${ProblemNote} error=${error} />
          ${
            cursor &&
            html`<button data-more=${parent.id} disabled=${busy} onClick=${() => void load(cursor)}>
              ${w('more')} (${count(items.length)} ${w('shown')} ${w('of')} ${count(parent.children)})
            </button>`
          }
        </li>`
      }
    </ul>
  `;
}
