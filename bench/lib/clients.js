'use strict';
// WebSocket clients for the load generator, one per protocol, with the same small interface:
//   const c = create(kind, {headers, localAddress, onFrame, onClose});
//   await c.connect(url); await c.subscribe(threadId); c.close();
// After subscribe() resolves, every inbound frame is handed to onFrame(buffer) as the raw bytes,
// without decoding or JSON parsing: the generator finds its own marker in the bytes, which keeps
// its cost per delivery small and the same for both protocols.
//
//   forum    this project's gateway, /api/forum/ws/v2 (docs/websocket.md): the handshake carries
//            "Authorization: Bearer <token>"; {"type":"subscribe","thread_id":N} is answered by
//            {"type":"subscribed","thread_id":N,...} or an error frame.
//   socketio the peer's Socket.IO server, spoken directly (Engine.IO v4 / Socket.IO v5 over ws,
//            websocket transport only): "0{..}" open -> "40"; "40{..}" connected;
//            42<ack>["subscribe",{"thread_id":N}] -> 43<ack>[{"ok":true}]; "2" ping -> "3" pong.
const WebSocket = require('ws');

const TIMEOUT_MS = 30000;

class BaseClient {
  constructor(opts) {
    this.opts = opts;
    this.ws = null;
    this.live = false; // true once subscribed: frames go to onFrame untouched
    this.pending = null; // {match(text) -> true|Error|undefined, resolve, reject, timer}
  }

  open(url) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, {
        perMessageDeflate: false,
        headers: this.opts.headers || {},
        localAddress: this.opts.localAddress,
        handshakeTimeout: TIMEOUT_MS,
      });
      this.ws = ws;
      let opened = false;
      ws.on('message', (data) => this.frame(data));
      ws.once('error', (e) => {
        if (!opened) reject(e);
        this.fail(e);
      });
      ws.on('unexpected-response', (req, res) => {
        reject(new Error(`handshake refused: HTTP ${res.statusCode}`));
        ws.terminate();
      });
      ws.on('close', (code) => {
        this.fail(new Error(`closed ${code}`));
        if (this.live && this.opts.onClose) this.opts.onClose(code);
        this.live = false;
      });
      this.await((text) => this.isOpenFrame(text), resolve, reject, () => {
        opened = true;
      });
    });
  }

  // waits for the first inbound frame for which match(text) returns true (or an Error: rejects)
  await(match, resolve, reject, onMatch) {
    const timer = setTimeout(() => {
      this.pending = null;
      reject(new Error('timeout waiting for the server'));
      this.ws.terminate();
    }, TIMEOUT_MS);
    this.pending = { match, resolve, reject, timer, onMatch };
  }

  frame(data) {
    if (this.live) {
      if (this.control(data)) return;
      this.opts.onFrame(data);
      return;
    }
    if (this.control(data)) return;
    const p = this.pending;
    if (!p) return;
    const r = p.match(data.toString());
    if (r === undefined || r === false) return;
    clearTimeout(p.timer);
    this.pending = null;
    if (r instanceof Error) return p.reject(r);
    if (p.onMatch) p.onMatch();
    p.resolve();
  }

  fail(err) {
    const p = this.pending;
    if (!p) return;
    clearTimeout(p.timer);
    this.pending = null;
    p.reject(err);
  }

  close() {
    this.live = false;
    if (this.ws) this.ws.terminate();
  }
}

class ForumClient extends BaseClient {
  connect(url) {
    return this.open(url);
  }

  isOpenFrame(text) {
    const f = JSON.parse(text);
    if (f.type === 'connected') return true;
    if (f.type === 'error') return new Error('error frame: ' + text);
    return undefined;
  }

  control() {
    return false;
  }

  subscribe(threadId) {
    return new Promise((resolve, reject) => {
      this.await(
        (text) => {
          const f = JSON.parse(text);
          if (f.type === 'subscribed' && f.thread_id === threadId) return true;
          if (f.type === 'error') return new Error('subscribe refused: ' + text);
          return undefined;
        },
        resolve,
        reject,
        () => {
          this.live = true;
        }
      );
      this.ws.send(JSON.stringify({ type: 'subscribe', thread_id: threadId }));
    });
  }
}

class SocketIoClient extends BaseClient {
  connect(url) {
    const u = new URL(url);
    u.protocol = u.protocol === 'https:' ? 'wss:' : u.protocol === 'http:' ? 'ws:' : u.protocol;
    if (u.pathname === '/' || u.pathname === '') u.pathname = '/socket.io/';
    u.searchParams.set('EIO', '4');
    u.searchParams.set('transport', 'websocket');
    this.nextAck = 0;
    return this.open(u.toString());
  }

  isOpenFrame(text) {
    if (text.startsWith('40')) return true; // namespace connected
    if (text.startsWith('44')) return new Error('socket.io connect error: ' + text.slice(2));
    if (text.charCodeAt(0) === 48 /* '0' engine open */) this.ws.send('40');
    return undefined;
  }

  // engine-level ping and close, handled in every state
  control(data) {
    if (data.length === 1) {
      if (data[0] === 50 /* '2' ping */) this.ws.send('3');
      else if (data[0] === 49 /* '1' close */) this.ws.close();
      return true;
    }
    return false;
  }

  subscribe(threadId) {
    const id = this.nextAck++;
    const head = '43' + id + '[';
    return new Promise((resolve, reject) => {
      this.await(
        (text) => {
          if (!text.startsWith(head)) return undefined;
          const r = JSON.parse(text.slice(head.length - 1))[0];
          return r && r.ok === true ? true : new Error('subscribe refused: ' + text);
        },
        resolve,
        reject,
        () => {
          this.live = true;
        }
      );
      this.ws.send('42' + id + JSON.stringify(['subscribe', { thread_id: threadId }]));
    });
  }
}

function create(kind, opts) {
  if (kind === 'forum') return new ForumClient(opts);
  if (kind === 'socketio') return new SocketIoClient(opts);
  throw new Error('unknown client kind ' + kind + ' (forum | socketio)');
}

module.exports = { create };
