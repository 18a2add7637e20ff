// Webview script of the pipeline graph: renders the server's Mermaid flowchart with the bundled
// mermaid (no network) and turns clicks on nodes into "open" messages for the extension.
import mermaid from 'mermaid';

declare function acquireVsCodeApi(): { postMessage(msg: unknown): void };
declare global {
  interface Window {
    FLUX_GRAPH: { mermaid: string; linked: string[] };
  }
}

const vscode = acquireVsCodeApi();
const { mermaid: source, linked } = window.FLUX_GRAPH;
const dark = document.body.classList.contains('vscode-dark') || document.body.classList.contains('vscode-high-contrast');

async function render(): Promise<void> {
  (document.getElementById('source') as HTMLElement).textContent = source;
  const target = document.getElementById('graph') as HTMLElement;
  try {
    mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: dark ? 'dark' : 'default' });
    const { svg } = await mermaid.render('flux-pipeline', source);
    target.innerHTML = svg;
  } catch (e) {
    target.textContent = '';
    (document.getElementById('error') as HTMLElement).textContent = `Mermaid could not draw the graph: ${e}`;
    return;
  }
  // Mermaid node ids look like `flowchart-f3-12`: recover the server's `f3`.
  for (const node of Array.from(target.querySelectorAll<SVGGElement>('g.node'))) {
    const id = /(?:^|-)(f\d+)(?:-|$)/.exec(node.id)?.[1];
    if (!id || !linked.includes(id)) continue;
    node.classList.add('flux-link');
    node.setAttribute('data-fluxion', id);
    node.addEventListener('click', () => vscode.postMessage({ type: 'open', node: id }));
  }
  document.body.setAttribute('data-rendered', 'true');
}

void render();
