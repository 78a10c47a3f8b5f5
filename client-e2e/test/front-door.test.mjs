// The front door (scripts/front-door.mjs) in front of three plain HTTP servers standing in for
// forum-api, two gateways and notification-service: each answers with its own name, so the
// tests see where a request was routed. WebSocket upgrades are checked at the HTTP level
// (101 Switching Protocols, then bytes both ways).
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { routeFor, startFrontDoor } from '../../scripts/front-door.mjs';

function upstream(name) {
  const server = http.createServer((req, res) => {
    const body = JSON.stringify({
      name, path: req.url, method: req.method, cookie: req.headers.cookie ?? null,
      authorization: req.headers.authorization ?? null,
      forwarded_for: req.headers['x-forwarded-for'] ?? null, forwarded_proto: req.headers['x-forwarded-proto'] ?? null,
    });
    res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': `from=${name}; HttpOnly` });
    res.end(body);
  });
  server.on('upgrade', (req, socket) => {
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    socket.write(`hello from ${name} ${req.url}`);
    socket.on('data', (d) => socket.write(`echo:${d}`));
    socket.on('end', () => socket.destroy());
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const urlOf = (server) => `http://127.0.0.1:${server.address().port}`;

function request(port, path, headers = {}) {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path, headers }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: JSON.parse(text) }));
    }).on('error', reject);
  });
}

/** Opens an upgrade through the door; resolves with the first bytes the upstream sent. */
function upgrade(port, path) {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port, path,
      headers: { Connection: 'Upgrade', Upgrade: 'websocket', Cookie: 'forum_session=abc' },
    });
    req.on('upgrade', (res, socket, head) => {
      const first = head.length ? Promise.resolve(head.toString()) : new Promise((r) => socket.once('data', (d) => r(d.toString())));
      first.then((greeting) => resolve({ status: res.statusCode, greeting, socket }));
    });
    req.on('response', (res) => resolve({ status: res.statusCode, greeting: null, socket: null }));
    req.on('error', reject);
    req.end();
  });
}

describe('front door', () => {
  let api; let gw1; let gw2; let notify; let door; let port;

  before(async () => {
    [api, gw1, gw2, notify] = await Promise.all([upstream('api'), upstream('gw1'), upstream('gw2'), upstream('notify')]);
    door = await startFrontDoor({ port: 0, host: '127.0.0.1', api: urlOf(api), gateways: [urlOf(gw1), urlOf(gw2)], notify: urlOf(notify) });
    port = door.address().port;
  });

  after(() => {
    door.closeAllConnections();
    door.close();
    for (const s of [api, gw1, gw2, notify]) { s.closeAllConnections(); s.close(); }
  });

  it('routes notification paths to notification-service and the rest to forum-api', async () => {
    assert.equal((await request(port, '/api/forum/notifications')).body.name, 'notify');
    assert.equal((await request(port, '/api/forum/notifications/unread-counts')).body.name, 'notify');
    assert.equal((await request(port, '/api/forum/notifications/12/read')).body.name, 'notify');
    assert.equal((await request(port, '/api/forum/threads/12/notifications/read')).body.name, 'notify');
    assert.equal((await request(port, '/api/forum/threads/12')).body.name, 'api');
    assert.equal((await request(port, '/api/forum/threads/12/messages')).body.name, 'api');
    assert.equal((await request(port, '/api/forum/notificationsx')).body.name, 'api');
    assert.equal((await request(port, '/')).body.name, 'api');
  });

  it('classifies paths as the Ingress does', () => {
    assert.equal(routeFor('/api/forum/ws/v2'), 'gateway');
    assert.equal(routeFor('/api/forum/ws/thread/3'), 'gateway');
    assert.equal(routeFor('/api/forum/wsx'), 'api');
    assert.equal(routeFor('/api/forum/notifications?limit=5'), 'notify');
    assert.equal(routeFor('/api/auth/me'), 'api');
  });

  it('does not publish the internal endpoints, as the Ingress does not', async () => {
    for (const path of ['/api/internal/events', '/api/internal/threads/1', '/api/internal', '/api/internal?x=1']) {
      const { status, body } = await request(port, path);
      assert.equal(status, 404, path);
      assert.equal(body.error.code, 'not_found');
    }
    assert.equal((await request(port, '/api/internalx')).body.name, 'api');
    assert.equal(routeFor('/api/internal/events?after_seq=0'), 'hidden');
  });

  it('passes cookies and Authorization through and adds X-Forwarded-For/Proto', async () => {
    const { body, headers } = await request(port, '/api/auth/me', { Cookie: 'forum_session=s1', Authorization: 'Bearer t1' });
    assert.equal(body.cookie, 'forum_session=s1');
    assert.equal(body.authorization, 'Bearer t1');
    assert.equal(body.forwarded_for, '127.0.0.1');
    assert.equal(body.forwarded_proto, 'http');
    assert.deepEqual(headers['set-cookie'], ['from=api; HttpOnly']);
  });

  it('upgrades WebSocket paths to the gateways in turn and relays bytes both ways', async () => {
    const first = await upgrade(port, '/api/forum/ws/v2');
    const second = await upgrade(port, '/api/forum/ws/v2');
    assert.equal(first.status, 101);
    const names = [first.greeting, second.greeting].map((g) => g.split(' ')[2]).sort();
    assert.deepEqual(names, ['gw1', 'gw2']);
    first.socket.write('ping');
    const echoed = await new Promise((r) => first.socket.once('data', (d) => r(d.toString())));
    assert.equal(echoed, 'echo:ping');
    first.socket.destroy();
    second.socket.destroy();
  });

  it('skips a gateway that refuses connections', async () => {
    const deadPort = gw2.address().port;
    gw2.closeAllConnections();
    await new Promise((r) => gw2.close(r));
    try {
      for (let i = 0; i < 3; i++) {
        const { status, greeting, socket } = await upgrade(port, '/api/forum/ws/v2');
        assert.equal(status, 101);
        assert.match(greeting, /^hello from gw1 /);
        socket.destroy();
      }
    } finally {
      gw2 = await new Promise((resolve) => {
        const s = http.createServer();
        s.listen(deadPort, '127.0.0.1', () => resolve(s));
      });
    }
  });

  it('answers 502 with a JSON error when forum-api is down', async () => {
    const down = await startFrontDoor({ port: 0, host: '127.0.0.1', api: 'http://127.0.0.1:1', gateways: ['http://127.0.0.1:1'], notify: 'http://127.0.0.1:1' });
    try {
      const { status, body } = await request(down.address().port, '/api/auth/me');
      assert.equal(status, 502);
      assert.equal(body.error.code, 'upstream_unavailable');
      const ws = await upgrade(down.address().port, '/api/forum/ws/v2');
      assert.equal(ws.status, 502);
    } finally {
      down.close();
    }
  });
});
