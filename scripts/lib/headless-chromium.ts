/**
 * Headless Chromium driven over the DevTools protocol (`--remote-debugging-port`), with Node's own WebSocket
 * (node ≥ 22, or 20 with `--experimental-websocket`): no npm package. The CLI's `--screenshot` / `--dump-dom`
 * with `--virtual-time-budget` never return on a running workflow's page (its long polls keep virtual time from
 * advancing), so this waits in real time until the page shows the text asked for, then captures.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface CdpReply {
  id?: number;
  result?: Record<string, unknown>;
  error?: { message: string };
}

export interface PageCapture {
  /** The page's text (see pageText) once every wanted text appeared, or at the deadline. */
  readonly text: string;
  readonly html: string;
  readonly png: Buffer;
  /** The wanted texts the page never showed. */
  readonly missing: string[];
}

export class HeadlessChromium {
  private constructor(
    private readonly child: ChildProcess,
    private readonly profileDir: string,
    private readonly ws: WebSocket,
  ) {}

  private nextId = 0;

  static async launch(binary = 'chromium', windowSize = '1600,1100'): Promise<HeadlessChromium> {
    const profileDir = mkdtempSync(join(tmpdir(), 'mlops-chromium-'));
    const child = spawn(binary, ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars',
      `--window-size=${windowSize}`, '--remote-debugging-port=0', `--user-data-dir=${profileDir}`, 'about:blank'],
    { stdio: ['ignore', 'ignore', 'pipe'] });
    const browserUrl = await new Promise<string>((resolve, reject) => {
      let seen = '';
      const timer = setTimeout(() => reject(new Error(`chromium did not start: ${seen.slice(-500)}`)), 60_000);
      child.stderr?.on('data', (d: Buffer) => {
        seen += d.toString();
        const m = /DevTools listening on (ws:\/\/\S+)/.exec(seen);
        if (m) {
          clearTimeout(timer);
          resolve(m[1] as string);
        }
      });
      child.once('exit', (code) => reject(new Error(`chromium exited (${code}): ${seen.slice(-500)}`)));
    });
    const port = new URL(browserUrl).port;
    const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as
      { type: string; webSocketDebuggerUrl: string }[];
    const page = targets.find((t) => t.type === 'page');
    if (!page) throw new Error('chromium has no page target');
    const ws = new WebSocket(page.webSocketDebuggerUrl);
    await new Promise<void>((resolve, reject) => {
      ws.addEventListener('open', () => resolve(), { once: true });
      ws.addEventListener('error', () => reject(new Error('cannot connect to the DevTools page')), { once: true });
    });
    return new HeadlessChromium(child, profileDir, ws);
  }

  private send(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      const onMessage = (event: MessageEvent) => {
        const reply = JSON.parse(String(event.data)) as CdpReply;
        if (reply.id !== id) return;
        this.ws.removeEventListener('message', onMessage);
        if (reply.error) reject(new Error(`${method}: ${reply.error.message}`));
        else resolve(reply.result ?? {});
      };
      this.ws.addEventListener('message', onMessage);
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  private async evaluate(expression: string): Promise<string> {
    const r = await this.send('Runtime.evaluate', { expression, returnByValue: true });
    return String((r['result'] as { value?: unknown } | undefined)?.value ?? '');
  }

  /**
   * The text of every text node, frames and shadow roots included (the UI renders markdown details in a
   * sandboxed iframe, which `document.body.innerText` does not reach), blanks collapsed.
   */
  private async pageText(): Promise<string> {
    type DomNode = { nodeType: number; nodeValue?: string; children?: DomNode[]; contentDocument?: DomNode;
      shadowRoots?: DomNode[] };
    const { root } = (await this.send('DOM.getDocument', { depth: -1, pierce: true })) as { root: DomNode };
    const texts: string[] = [];
    const walk = (n: DomNode): void => {
      if (n.nodeType === 3 && n.nodeValue?.trim()) texts.push(n.nodeValue.trim());
      const frame = n.contentDocument ? [n.contentDocument] : [];
      for (const c of [...(n.children ?? []), ...(n.shadowRoots ?? []), ...frame]) walk(c);
    };
    walk(root);
    return texts.join(' ').replace(/\s+/g, ' ');
  }

  /** Opens `url`, waits (up to `timeoutMs`) until the page's text contains every `wanted`, then captures it. */
  async capture(url: string, wanted: readonly string[], timeoutMs = 90_000): Promise<PageCapture> {
    await this.send('Page.enable');
    await this.send('Page.navigate', { url });
    const deadline = Date.now() + timeoutMs;
    let text = '';
    let missing = [...wanted];
    for (;;) {
      text = await this.pageText();
      missing = wanted.filter((w) => !text.includes(w));
      if (!missing.length || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 500)); // polling a page we do not control; not a test's sync
    }
    await new Promise((r) => setTimeout(r, 500)); // let the last render paint before the screenshot
    const shot = await this.send('Page.captureScreenshot', { format: 'png' });
    const html = await this.evaluate('document.documentElement.outerHTML');
    return { text, html, png: Buffer.from(String(shot['data']), 'base64'), missing };
  }

  async close(): Promise<void> {
    this.ws.close();
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    await exited;
    rmSync(this.profileDir, { recursive: true, force: true });
  }
}
