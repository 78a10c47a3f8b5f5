// The browser connection module's bookkeeping (js/connection.js), run in Node without a socket:
// backoff, close-code classes, deduplication and resume points. The socket behaviour itself
// (reconnect, resume after a gateway restart) is proven in a real browser by forum.e2e.test.mjs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelay, ForumConnection, isTerminalClose } from '../../forum-api/src/main/resources/META-INF/resources/js/connection.js';

function connection() {
  const conn = new ForumConnection({ url: 'ws://127.0.0.1:1/api/forum/ws/v2' });
  const events = [];
  const resyncs = [];
  conn.on('event', (f) => events.push(f));
  conn.on('resync', (f) => resyncs.push(f));
  conn.threads.set(12, { lastEventId: null, lastSeq: 0 });
  const receive = (frame) => conn.handleText(JSON.stringify(frame));
  return { conn, events, resyncs, receive };
}

const msg = (seq, id = `e${seq}`) => ({ type: 'new_message', event_id: id, seq, thread_id: 12, message: { id: seq } });

describe('ForumConnection', () => {
  it('backs off exponentially with jitter, capped', () => {
    assert.equal(backoffDelay(0, 500, 10000, () => 0), 250);
    assert.equal(backoffDelay(0, 500, 10000, () => 1), 500);
    assert.equal(backoffDelay(3, 500, 10000, () => 0), 2000);
    assert.equal(backoffDelay(3, 500, 10000, () => 1), 4000);
    assert.equal(backoffDelay(30, 500, 10000, () => 0), 5000);
    assert.equal(backoffDelay(30, 500, 10000, () => 1), 10000);
  });

  it('treats 4500-4999 as terminal and everything else as reconnectable', () => {
    assert.equal(isTerminalClose(4501), true);
    assert.equal(isTerminalClose(4999), true);
    assert.equal(isTerminalClose(4001), false);
    assert.equal(isTerminalClose(1012), false);
    assert.equal(isTerminalClose(1006), false);
  });

  it('delivers an event once when it arrives twice (replay overlapping live delivery)', () => {
    const { events, receive } = connection();
    receive(msg(5));
    receive(msg(5));
    assert.deepEqual(events.map((e) => e.seq), [5]);
  });

  it('drops a thread event whose seq is not above the last one applied', () => {
    const { events, receive } = connection();
    receive(msg(7));
    receive(msg(6, 'other-id'));
    receive(msg(8));
    assert.deepEqual(events.map((e) => e.seq), [7, 8]);
  });

  it('resumes from the last stored event, not from a typing indicator', () => {
    const { conn, receive } = connection();
    assert.deepEqual(conn.subscribeFrame(12), { type: 'subscribe', thread_id: 12 });
    receive(msg(9, 'evt-9'));
    receive({ type: 'user_typing', event_id: 'typing-1', thread_id: 12, user_id: 2, username: 'bob', is_typing: true });
    assert.deepEqual(conn.subscribeFrame(12), { type: 'subscribe', thread_id: 12, last_event_id: 'evt-9' });
  });

  it('forgets the resume point and asks the view to reload on resync_required', () => {
    const { conn, resyncs, events, receive } = connection();
    receive(msg(9, 'evt-9'));
    receive({ type: 'resync_required', thread_id: 12 });
    assert.deepEqual(resyncs.map((f) => f.thread_id), [12]);
    assert.deepEqual(conn.subscribeFrame(12), { type: 'subscribe', thread_id: 12 });
    receive(msg(3, 'evt-3'));
    assert.deepEqual(events.map((e) => e.seq), [9, 3], 'after a resync, sequence tracking starts again');
  });

  it('passes user events without seq through and ignores control frames', () => {
    const { events, receive } = connection();
    receive({ type: 'forum_notification_count', event_id: 'n1', count: 2 });
    receive({ type: 'heartbeat' });
    receive({ type: 'pong' });
    receive({ type: 'subscribed', thread_id: 12, replayed: 0 });
    assert.deepEqual(events.map((e) => e.type), ['forum_notification_count']);
  });
});
