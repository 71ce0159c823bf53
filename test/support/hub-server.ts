/**
 * A loopback stand-in for the Hugging Face hub, for tests: two real HTTP servers.
 *   hub  GET|HEAD /{owner}/{name}/resolve/{rev}/{file}
 *          small files: 200 here; *.safetensors: 302 to the CDN (as the hub does for LFS files)
 *          gated repos: 401 without `Authorization: Bearer <token>`; html repos: a 200 HTML page
 *   cdn  GET|HEAD /cdn/{owner}/{name}/{file}: Range (206, 416), ETag, Content-Length
 * Faults: `cutOnce(file)` closes the connection halfway through the next body of that file.
 * Every request is recorded (which server, path, Range, whether a token came).
 */
import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface HubRepoSpec {
  /** Folder served as the repo. */
  dir: string;
  /** Requires this bearer token. */
  gatedToken?: string;
  /** Answers every file with an HTML page (a login wall, a wrong endpoint). */
  html?: boolean;
}

export interface HubRequest {
  server: 'hub' | 'cdn';
  method: string;
  path: string;
  range?: string;
  auth: boolean;
  status: number;
}

export interface HubServer {
  endpoint: string;
  cdn: string;
  requests: HubRequest[];
  cutOnce(file: string): void;
  close(): Promise<void>;
}

export async function startHubServer(repos: Record<string, HubRepoSpec>, port = 0): Promise<HubServer> {
  const requests: HubRequest[] = [];
  const cuts = new Set<string>();
  let cdnBase = '';

  const note = (server: HubRequest['server'], req: IncomingMessage, res: ServerResponse, status: number) => {
    cors(res);
    requests.push({
      server,
      method: req.method ?? 'GET',
      path: decodeURIComponent((req.url ?? '').split('?')[0]),
      range: req.headers.range,
      auth: Boolean(req.headers.authorization),
      status,
    });
    res.statusCode = status;
  };

  const hub = createServer((req, res) => {
    if (preflight(req, res)) return;
    const m = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec((req.url ?? '').split('?')[0]);
    const spec = m ? repos[m[1]] : undefined;
    if (!m || !spec) return end(note('hub', req, res, 404), res, 'Repository not found');
    const [, repo, , rawFile] = m;
    const file = decodeURIComponent(rawFile);
    if (spec.gatedToken && req.headers.authorization !== `Bearer ${spec.gatedToken}`) {
      return end(note('hub', req, res, 401), res, 'Access to this model is restricted.');
    }
    if (spec.html) {
      note('hub', req, res, 200);
      res.setHeader('content-type', 'text/html; charset=utf-8');
      return res.end(req.method === 'HEAD' ? undefined : '<!doctype html><html><body>Sign in</body></html>');
    }
    const path = safeJoin(spec.dir, file);
    if (!path) return end(note('hub', req, res, 404), res, 'Entry not found');
    if (file.endsWith('.safetensors')) {
      note('hub', req, res, 302);
      res.setHeader('location', `${cdnBase}/cdn/${repo}/${rawFile}`);
      return res.end();
    }
    serveFile('hub', req, res, path, file);
  });

  const cdn = createServer((req, res) => {
    if (preflight(req, res)) return;
    const m = /^\/cdn\/([^/]+\/[^/]+)\/(.+)$/.exec((req.url ?? '').split('?')[0]);
    const spec = m ? repos[m[1]] : undefined;
    const file = m ? decodeURIComponent(m[2]) : '';
    const path = spec ? safeJoin(spec.dir, file) : null;
    if (!path) return end(note('cdn', req, res, 404), res, 'NoSuchKey');
    serveFile('cdn', req, res, path, file);
  });

  function serveFile(
    server: HubRequest['server'],
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    file: string,
  ) {
    const size = statSync(path).size;
    const etag = `"${size.toString(16)}-${file.length}"`;
    res.setHeader('etag', etag);
    res.setHeader('accept-ranges', 'bytes');
    res.setHeader('content-type', 'application/octet-stream');
    let start = 0;
    let last = size - 1;
    let status = 200;
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (req.headers.range) {
      if (!range || Number(range[1]) >= size) {
        res.setHeader('content-range', `bytes */${size}`);
        return end(note(server, req, res, 416), res, '');
      }
      start = Number(range[1]);
      last = range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
      status = 206;
      res.setHeader('content-range', `bytes ${start}-${last}/${size}`);
    }
    res.setHeader('content-length', String(last - start + 1));
    note(server, req, res, status);
    if (req.method === 'HEAD') return res.end();
    if (cuts.delete(file)) {
      // Half the body, then the connection drops (as a flaky network does).
      const half = start + Math.floor((last - start + 1) / 2);
      const s = createReadStream(path, { start, end: Math.max(start, half - 1) });
      s.on('data', (c) => res.write(c));
      s.on('end', () => setTimeout(() => res.socket?.destroy(), 20));
      return;
    }
    createReadStream(path, { start, end: last }).pipe(res);
  }

  await Promise.all([listen(hub, port), listen(cdn, port ? port + 1 : 0)]);
  const base = (s: Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  cdnBase = base(cdn);
  return {
    endpoint: base(hub),
    cdn: cdnBase,
    requests,
    cutOnce: (file) => cuts.add(file),
    close: async () => {
      hub.closeAllConnections();
      cdn.closeAllConnections();
      await Promise.all([new Promise((r) => hub.close(r)), new Promise((r) => cdn.close(r))]);
    },
  };
}

/** Lets a page on another loopback port read the answers (as huggingface.co allows any origin). */
function cors(res: ServerResponse) {
  res.setHeader('access-control-allow-origin', '*');
  res.setHeader('access-control-expose-headers', 'content-range, etag, content-length, accept-ranges');
}

function preflight(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== 'OPTIONS') return false;
  cors(res);
  res.setHeader('access-control-allow-headers', 'range, authorization');
  res.setHeader('access-control-allow-methods', 'GET, HEAD');
  res.statusCode = 204;
  res.end();
  return true;
}

function end(_: void, res: ServerResponse, text: string) {
  res.setHeader('content-type', 'text/plain');
  res.end(text);
}

function safeJoin(dir: string, file: string): string | null {
  if (file.split('/').some((p) => p === '..' || p === '')) return null;
  const p = join(dir, file);
  try {
    return statSync(p).isFile() ? p : null;
  } catch {
    return null;
  }
}

function listen(s: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    s.once('error', reject);
    s.listen(port, '127.0.0.1', () => resolve());
  });
}
