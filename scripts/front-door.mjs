#!/usr/bin/env node
// The front door: one origin for the browser. A zero-dependency reverse proxy (node:http,
// node:net) that routes by path, with WebSocket upgrade support.
//
//   node scripts/front-door.mjs --port 8000 --api http://127.0.0.1:8080 \
//        --gateway http://127.0.0.1:8081,http://127.0.0.1:8083 --notify http://127.0.0.1:8082
//
// Rules (the same as the k8s Ingress and docs/client.md "Routing"):
//   /api/forum/ws/*                                   -> a gateway (round robin per new connection;
//                                                        a gateway that refuses is skipped)
//   /api/forum/notifications, /api/forum/notifications/*,
//   /api/forum/threads/<id>/notifications/*           -> notification-service
//   /api/internal/*                                   -> 404 (service-to-service endpoints are not
//                                                        published; docs/security.md)
//   everything else                                   -> forum-api
import http from 'node:http';
import net from 'node:net';
import { pathToFileURL } from 'node:url';

const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer',
  'transfer-encoding', 'upgrade',
]);

const WS_PATH = /^\/api\/forum\/ws(\/|$)/;
const NOTIFY_PATH = /^\/api\/forum\/(notifications(\/|$|\?)|threads\/\d+\/notifications(\/|$|\?))/;
const HIDDEN_PATH = /^\/api\/internal(\/|$|\?)/;

/** Which upstream group serves this request path: 'gateway', 'notify', 'api', or 'hidden' (not published). */
export function routeFor(path) {
  if (HIDDEN_PATH.test(path)) return 'hidden';
  if (WS_PATH.test(path)) return 'gateway';
  if (NOTIFY_PATH.test(path)) return 'notify';
  return 'api';
}

function parseUpstream(url) {
  const u = new URL(url);
  if (u.protocol !== 'http:') throw new Error(`upstream must be http://host:port, got ${url}`);
  return { host: u.hostname, port: Number(u.port || 80), href: u.origin };
}

function forwardedHeaders(req) {
  const headers = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (!HOP_BY_HOP.has(name)) headers[name] = value;
  }
  const client = req.socket.remoteAddress ?? '';
  headers['x-forwarded-for'] = req.headers['x-forwarded-for'] ? `${req.headers['x-forwarded-for']}, ${client}` : client;
  headers['x-forwarded-proto'] = req.headers['x-forwarded-proto'] ?? (req.socket.encrypted ? 'https' : 'http');
  headers['x-forwarded-host'] = req.headers['x-forwarded-host'] ?? req.headers.host ?? '';
  return headers;
}

function sendError(res, status, code, message) {
  if (res.headersSent) { res.destroy(); return; }
  const body = JSON.stringify({ error: { code, message } });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * Starts a front door. Returns the http.Server (already listening once the promise resolves).
 * @param {{port:number, host?:string, api:string, gateways:string[], notify?:string}} options
 */
export function startFrontDoor({ port, host = '0.0.0.0', api, gateways, notify }) {
  const upstreams = {
    api: [parseUpstream(api)],
    notify: [parseUpstream(notify ?? api)],
    gateway: (gateways.length ? gateways : [api]).map(parseUpstream),
  };
  let nextGateway = 0;

  /** Candidates in the order to try: gateways rotate on every new connection. */
  function candidates(group) {
    const list = upstreams[group];
    if (group !== 'gateway' || list.length === 1) return list;
    const start = nextGateway++ % list.length;
    return list.map((_, i) => list[(start + i) % list.length]);
  }

  const server = http.createServer((req, res) => {
    const group = routeFor(req.url);
    if (group === 'hidden') {
      sendError(res, 404, 'not_found', 'Not found');
      return;
    }
    const [target] = candidates(group);
    const upstream = http.request({
      host: target.host, port: target.port, method: req.method, path: req.url,
      headers: forwardedHeaders(req),
    }, (upRes) => {
      const headers = {};
      for (const [name, value] of Object.entries(upRes.headers)) {
        if (!HOP_BY_HOP.has(name)) headers[name] = value;
      }
      res.writeHead(upRes.statusCode, upRes.statusMessage, headers);
      upRes.pipe(res);
    });
    upstream.on('error', (err) => sendError(res, 502, 'upstream_unavailable', `${group} unreachable: ${err.code ?? err.message}`));
    req.on('aborted', () => upstream.destroy());
    req.pipe(upstream);
  });

  server.on('upgrade', (req, socket, head) => {
    const group = routeFor(req.url);
    if (group === 'hidden') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    const list = candidates(group);
    socket.on('error', () => socket.destroy());
    const tryConnect = (i) => {
      if (i >= list.length) {
        socket.end('HTTP/1.1 502 Bad Gateway\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n'
          + JSON.stringify({ error: { code: 'upstream_unavailable', message: `no ${group} reachable` } }));
        return;
      }
      const target = list[i];
      const upstream = net.connect(target.port, target.host);
      let connected = false;
      upstream.once('connect', () => {
        connected = true;
        const headers = forwardedHeaders(req);
        headers.connection = 'Upgrade';
        headers.upgrade = req.headers.upgrade;
        let raw = `${req.method} ${req.url} HTTP/1.1\r\n`;
        for (const [name, value] of Object.entries(headers)) {
          for (const v of Array.isArray(value) ? value : [value]) raw += `${name}: ${v}\r\n`;
        }
        upstream.write(raw + '\r\n');
        if (head && head.length) upstream.write(head);
        upstream.pipe(socket);
        socket.pipe(upstream);
        upstream.on('close', () => socket.destroy());
        socket.on('close', () => upstream.destroy());
      });
      upstream.on('error', () => {
        if (connected) { socket.destroy(); return; }
        upstream.destroy();
        if (!socket.destroyed) tryConnect(i + 1);
      });
    };
    tryConnect(0);
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

function parseArgs(argv) {
  const opts = { port: 8000, host: '0.0.0.0', api: 'http://127.0.0.1:8080', gateway: 'http://127.0.0.1:8081,http://127.0.0.1:8083', notify: 'http://127.0.0.1:8082' };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in opts)) throw new Error(`unknown option ${argv[i]} (use --port --host --api --gateway --notify)`);
    opts[key] = argv[++i];
  }
  return opts;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const opts = parseArgs(process.argv.slice(2));
    const server = await startFrontDoor({
      port: Number(opts.port), host: opts.host, api: opts.api, notify: opts.notify,
      gateways: opts.gateway.split(',').map((s) => s.trim()).filter(Boolean),
    });
    const { port } = server.address();
    console.log(`front door listening on http://127.0.0.1:${port}/ (api ${opts.api}, gateway ${opts.gateway}, notify ${opts.notify})`);
    const stop = () => { server.close(() => process.exit(0)); server.closeAllConnections(); };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  } catch (err) {
    console.error(`front door: ${err.message}`);
    process.exit(1);
  }
}
