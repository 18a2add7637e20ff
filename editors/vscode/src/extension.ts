// VS Code client of flux-lsp: starts the server, mirrors flux.json's settings, and adds the
// fluxional-form document, the pipeline-graph webview and a status-bar verdict.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import {
  DocumentSymbol,
  DocumentSymbolRequest,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  Middleware,
  ServerOptions,
  State,
} from 'vscode-languageclient/node';

const SCHEME = 'flux';
const LANGUAGES = ['javascript', 'javascriptreact', 'typescript', 'typescriptreact'];
const BLOCKING = 'blocks-replication';

let client: LanguageClient | undefined;
let status: vscode.StatusBarItem;
let serverState = 'stopped';

/** `flux.server.path`, else `flux-lsp` on PATH, else the binary shipped in the vsix. */
function findServer(context: vscode.ExtensionContext): string | undefined {
  const configured = vscode.workspace.getConfiguration('flux').get<string>('server.path', '').trim();
  if (configured) {
    const p = configured.replace(/^~(?=$|\/)/, process.env.HOME ?? '~');
    return fs.existsSync(p) ? p : undefined;
  }
  const exe = process.platform === 'win32' ? 'flux-lsp.exe' : 'flux-lsp';
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, exe);
    if (dir && isExecutable(p)) return p;
  }
  const shipped = context.asAbsolutePath(path.join('server', exe));
  if (fs.existsSync(shipped) && !isExecutable(shipped)) {
    try {
      fs.chmodSync(shipped, 0o755); // an unpacked .vsix may drop the executable bit
    } catch {
      /* reported as "not found" below */
    }
  }
  return isExecutable(shipped) ? shipped : undefined;
}

function isExecutable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** The `flux` section in the shape the server reads (settings.rs): `{inlayHints: {...}, ...}`. */
function settings(): object {
  const cfg = vscode.workspace.getConfiguration('flux');
  return {
    inlayHints: {
      streams: cfg.get('inlayHints.streams', true),
      messages: cfg.get('inlayHints.messages', true),
      context: cfg.get('inlayHints.context', true),
    },
    severity: cfg.get('severity', {}),
  };
}

const SEVERITIES: Record<string, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

function codeOf(d: vscode.Diagnostic): string | undefined {
  const c = d.code;
  return typeof c === 'object' && c !== null ? String(c.value) : c === undefined ? undefined : String(c);
}

/** Per-code severity from the settings, on top of the server's (flux.json's) severity. */
function applySeverity(diagnostics: vscode.Diagnostic[]): vscode.Diagnostic[] {
  const levels = vscode.workspace.getConfiguration('flux').get<Record<string, string>>('severity', {});
  const out: vscode.Diagnostic[] = [];
  for (const d of diagnostics) {
    const level = levels[codeOf(d) ?? ''] ?? 'default';
    if (level === 'off') continue;
    if (level in SEVERITIES) d.severity = SEVERITIES[level];
    out.push(d);
  }
  return out;
}

const middleware: Middleware = {
  handleDiagnostics: (uri, diagnostics, next) => next(uri, applySeverity(diagnostics)),
  provideDiagnostics: async (doc, previousResultId, token, next) => {
    const report = await next(doc, previousResultId, token);
    if (report && report.kind === 'full') report.items = applySeverity(report.items);
    return report;
  },
  // The server's lenses run `flux.fluxionalForm`, whose result (a string) VS Code would drop:
  // open the fluxional-form document instead.
  provideCodeLenses: async (doc, token, next) => {
    const lenses = await next(doc, token);
    for (const lens of lenses ?? []) {
      if (lens.command?.command === 'flux.fluxionalForm') {
        lens.command = { ...lens.command, command: 'flux.showFluxionalForm', arguments: [doc.uri] };
      }
    }
    return lenses;
  },
};

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  const server = findServer(context);
  if (!server) {
    setState('no server');
    const configured = vscode.workspace.getConfiguration('flux').get<string>('server.path', '');
    const why = configured ? `flux.server.path (${configured}) does not exist` : 'flux-lsp is not on PATH';
    // Not awaited: activation must not wait for the user to dismiss the notification.
    void vscode.window
      .showErrorMessage(
        `flux-lsp: ${why}. Set flux.server.path or install with \`cargo install --path .\` in a flux-lsp checkout.`,
        'Open Settings',
      )
      .then((choice) => {
        if (choice === 'Open Settings') {
          void vscode.commands.executeCommand('workbench.action.openSettings', 'flux.server.path');
        }
      });
    return;
  }
  const serverOptions: ServerOptions = { command: server, args: [] };
  const clientOptions: LanguageClientOptions = {
    documentSelector: LANGUAGES.map((language) => ({ scheme: 'file', language })),
    initializationOptions: settings(),
    // Sends didChangeConfiguration with the `flux` section; the server also pulls it.
    synchronize: { configurationSection: 'flux' },
    outputChannelName: 'flux',
    middleware,
  };
  client = new LanguageClient('flux', 'flux-lsp', serverOptions, clientOptions);
  client.onDidChangeState((e) => {
    setState(e.newState === State.Running ? 'running' : e.newState === State.Starting ? 'starting' : 'stopped');
  });
  setState('starting');
  try {
    await client.start();
  } catch (e) {
    setState('failed');
    void vscode.window.showErrorMessage(`flux-lsp (${server}) failed to start: ${e}`);
  }
}

async function stopClient(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) await c.stop().catch(() => undefined);
}

function setState(s: string): void {
  serverState = s;
  updateStatus();
}

/** "flux: replicable" / "flux: N blocking" for the active file, or the server's state. */
function updateStatus(): void {
  const editor = vscode.window.activeTextEditor;
  const fluxFile = editor && LANGUAGES.includes(editor.document.languageId);
  if (serverState !== 'running') {
    status.text = serverState === 'starting' ? '$(sync~spin) flux' : `$(error) flux: ${serverState}`;
    status.tooltip = `flux-lsp: ${serverState}`;
  } else if (!fluxFile) {
    status.text = '$(pulse) flux';
    status.tooltip = 'flux-lsp: running';
  } else {
    const blocking = vscode.languages.getDiagnostics(editor.document.uri).filter((d) => codeOf(d) === BLOCKING).length;
    status.text = blocking === 0 ? '$(pass) flux: replicable' : `$(warning) flux: ${blocking} blocking`;
    status.tooltip = blocking === 0
      ? 'flux-lsp: nothing in this file stops it from running as several replicas'
      : `flux-lsp: ${blocking} blocks-replication finding(s) in this file`;
  }
  status.show();
}

function activeSource(arg?: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  const doc = vscode.window.activeTextEditor?.document;
  if (doc && LANGUAGES.includes(doc.languageId)) return doc.uri;
  void vscode.window.showWarningMessage('flux: open a JavaScript or TypeScript file first.');
  return undefined;
}

async function execute<T>(command: string, uri: vscode.Uri): Promise<T> {
  if (!client || !client.isRunning()) throw new Error('flux-lsp is not running');
  return client.sendRequest(ExecuteCommandRequest.type, { command, arguments: [uri.toString()] });
}

/** `flux:/path/file.js.flx?<source uri>`: the fluxional form, read-only, language `fluxional`. */
class FluxionalFormProvider implements vscode.TextDocumentContentProvider {
  readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const source = vscode.Uri.parse(decodeURIComponent(uri.query));
    try {
      return String(await execute<string>('flux.fluxionalForm', source));
    } catch (e) {
      return `/* flux-lsp: ${e} */\n`;
    }
  }
}

function formUri(source: vscode.Uri): vscode.Uri {
  return vscode.Uri.from({ scheme: SCHEME, path: source.path + '.flx', query: encodeURIComponent(source.toString()) });
}

type Graph = { dot: string; mermaid: string };

/** Fluxion names of the Mermaid nodes (`f0["main & grp_res<br/>{count}"]` → f0 → main). */
function nodeNames(mermaid: string): Map<string, string> {
  const names = new Map<string, string>();
  for (const m of mermaid.matchAll(/^\s*(f\d+)\["(.*)"\]\s*$/gm)) {
    names.set(m[1], m[2].split('<br/>')[0].split(' & ')[0].trim());
  }
  return names;
}

/** The graph carries no positions: map each node to a fluxion of flux-lsp's document-symbol tree
 * (asked of our server, not of every provider) by name, the n-th node of a name to the n-th symbol
 * of that name in source order. */
async function nodeRanges(uri: vscode.Uri, mermaid: string): Promise<Map<string, vscode.Range>> {
  const ranges = new Map<string, vscode.Range>();
  if (!client) return ranges;
  const c = client;
  const symbols = (await c.sendRequest(DocumentSymbolRequest.type, {
    textDocument: { uri: c.code2ProtocolConverter.asUri(uri) },
  })) as DocumentSymbol[] | null;
  const flat: { name: string; range: vscode.Range }[] = [];
  const walk = (list: DocumentSymbol[]) => {
    for (const s of list) {
      flat.push({ name: s.name, range: c.protocol2CodeConverter.asRange(s.selectionRange) });
      walk(s.children ?? []);
    }
  };
  walk(symbols ?? []);
  flat.sort((a, b) => a.range.start.compareTo(b.range.start));
  const byName = new Map<string, vscode.Range[]>();
  for (const s of flat) byName.set(s.name, [...(byName.get(s.name) ?? []), s.range]);
  const used = new Map<string, number>();
  const nodes = [...nodeNames(mermaid)].sort((a, b) => Number(a[0].slice(1)) - Number(b[0].slice(1)));
  for (const [id, name] of nodes) {
    const n = used.get(name) ?? 0;
    used.set(name, n + 1);
    const range = byName.get(name)?.[n];
    if (range) ranges.set(id, range);
    else if (name === 'main') ranges.set(id, new vscode.Range(0, 0, 0, 0));
  }
  return ranges;
}

async function showPipelineGraph(context: vscode.ExtensionContext, arg?: unknown): Promise<void> {
  const uri = activeSource(arg);
  if (!uri) return;
  let graph: Graph;
  try {
    graph = await execute<Graph>('flux.pipelineGraph', uri);
  } catch (e) {
    void vscode.window.showErrorMessage(`flux: pipeline graph failed: ${e}`);
    return;
  }
  const ranges = await nodeRanges(uri, graph.mermaid);
  const dist = vscode.Uri.joinPath(context.extensionUri, 'dist');
  const panel = vscode.window.createWebviewPanel(
    'flux.pipelineGraph',
    `Pipeline: ${path.basename(uri.fsPath)}`,
    vscode.ViewColumn.Beside,
    { enableScripts: true, localResourceRoots: [dist] },
  );
  const script = panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'graph.js'));
  const nonce = Math.random().toString(36).slice(2);
  const csp = panel.webview.cspSource;
  const data = JSON.stringify({ mermaid: graph.mermaid, linked: [...ranges.keys()] }).replace(/</g, '\\u003c');
  panel.webview.html = `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${csp} data:; style-src ${csp} 'unsafe-inline'; font-src ${csp}; script-src 'nonce-${nonce}';">
<style>body{padding:12px} .node.flux-link{cursor:pointer} #error{color:var(--vscode-errorForeground)}
details{margin-top:16px} pre{white-space:pre-wrap}</style></head><body>
<div id="graph">Rendering…</div><div id="error"></div>
<details><summary>Mermaid source</summary><pre id="source"></pre></details>
<script nonce="${nonce}">window.FLUX_GRAPH = ${data};</script>
<script nonce="${nonce}" src="${script}"></script></body></html>`;
  panel.webview.onDidReceiveMessage(async (msg: { type: string; node: string }) => {
    const range = msg.type === 'open' ? ranges.get(msg.node) : undefined;
    if (!range) return;
    const editor = await vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.One, selection: range });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenter);
  });
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  status = vscode.window.createStatusBarItem('flux.status', vscode.StatusBarAlignment.Left, 0);
  status.name = 'flux-lsp';
  status.command = 'flux.showPipelineGraph';
  const forms = new FluxionalFormProvider();
  context.subscriptions.push(
    status,
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, forms),
    vscode.commands.registerCommand('flux.showFluxionalForm', async (arg?: unknown) => {
      const uri = activeSource(arg);
      if (!uri) return;
      const form = formUri(uri);
      forms.changed.fire(form); // refetch if it is already open
      const doc = await vscode.workspace.openTextDocument(form);
      await vscode.languages.setTextDocumentLanguage(doc, 'fluxional');
      await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: false });
    }),
    vscode.commands.registerCommand('flux.showPipelineGraph', (arg?: unknown) => showPipelineGraph(context, arg)),
    vscode.commands.registerCommand('flux.restartServer', async () => {
      await stopClient();
      await startClient(context);
    }),
    vscode.languages.onDidChangeDiagnostics(() => updateStatus()),
    vscode.window.onDidChangeActiveTextEditor(() => updateStatus()),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      // A new binary needs a restart; severities are applied when diagnostics arrive, so re-fetch them.
      if (e.affectsConfiguration('flux.server.path') || e.affectsConfiguration('flux.severity')) {
        await stopClient();
        await startClient(context);
      }
    }),
    { dispose: () => void stopClient() },
  );
  await startClient(context);
}

export function deactivate(): Thenable<void> | undefined {
  return client?.stop();
}
