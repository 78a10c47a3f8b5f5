// One WebSocket per tab on /api/forum/ws/v2 (successor of the seeds' forum-websockets.js).
//
// - subscribes to the threads the views ask for, and re-subscribes after every reconnect with
//   the last `event_id` seen per thread, so the gateway replays exactly what was missed;
// - reconnects with exponential backoff and jitter (close codes 4000-4499, 1012, network loss),
//   stops on terminal codes 4500-4999;
// - drops duplicates: an event_id seen before, or a thread event whose `seq` is not above the
//   last one applied for that thread (replay and live delivery can overlap; a thread's events are
//   numbered in its shard's stream, so `seq` grows per thread, not across threads);
// - pings every `pingIntervalMs`; a socket silent for `idleTimeoutMs` (the gateway sends a
//   heartbeat after 30 s idle) is considered dead and replaced;
// - reports its state ('connecting' | 'open' | 'reconnecting' | 'closed') as a 'state' event.
//
// Emits (CustomEvent, payload in `detail`): 'state', 'event' (every new event frame), 'resync'
// ({thread_id}: reload that thread from REST), 'revoked' ({thread_id, ...}), 'server-error'
// ({code, message, temporary}), 'connected' (the server's greeting).

export const State = Object.freeze({
  CONNECTING: 'connecting',
  OPEN: 'open',
  RECONNECTING: 'reconnecting',
  CLOSED: 'closed',
});

/** Close codes of the gateway contract. */
export const CloseCode = Object.freeze({
  SERVICE_RESTART: 1012,
  RECONNECT_MIN: 4000,
  RECONNECT_MAX: 4499,
  TERMINAL_MIN: 4500,
  TERMINAL_MAX: 4999,
  CLIENT_IDLE: 4000,
});

const CONTROL_TYPES = new Set([
  'connected', 'subscribed', 'unsubscribed', 'error', 'pong', 'heartbeat', 'resync_required',
  'subscription_revoked',
]);

const SEEN_LIMIT = 5000;

export function isTerminalClose(code) {
  return code >= CloseCode.TERMINAL_MIN && code <= CloseCode.TERMINAL_MAX;
}

/** Delay before reconnect attempt `attempt` (0-based): "equal jitter" exponential backoff. */
export function backoffDelay(attempt, baseMs, maxMs, random = Math.random) {
  const cap = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 20));
  return Math.round(cap / 2 + random() * (cap / 2));
}

export function defaultUrl() {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/api/forum/ws/v2`;
}

export class ForumConnection extends EventTarget {
  constructor({
    url = defaultUrl(), baseDelayMs = 500, maxDelayMs = 10000, pingIntervalMs = 25000,
    idleTimeoutMs = 70000, onHandshakeFailure = null,
  } = {}) {
    super();
    this.url = url;
    this.baseDelayMs = baseDelayMs;
    this.maxDelayMs = maxDelayMs;
    this.pingIntervalMs = pingIntervalMs;
    this.idleTimeoutMs = idleTimeoutMs;
    this.onHandshakeFailure = onHandshakeFailure;
    this.state = State.CLOSED;
    this.ws = null;
    this.attempt = 0;
    this.everOpened = false;
    this.retryTimer = null;
    this.pingTimer = null;
    this.lastFrameAt = 0;
    this.stopped = true;
    this.reopened = false;
    /** thread_id -> {lastEventId, lastSeq} for every thread a view wants. */
    this.threads = new Map();
    this.seen = new Set();
    this.seenOrder = [];
    this.onOnline = () => this.reconnectNow();
    this.onVisible = () => { if (document.visibilityState === 'visible') this.reconnectNow(); };
  }

  /** Subscribe to `type`; returns a function that unsubscribes. */
  on(type, fn) {
    const listener = (e) => fn(e.detail);
    this.addEventListener(type, listener);
    return () => this.removeEventListener(type, listener);
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    window.addEventListener('online', this.onOnline);
    document.addEventListener('visibilitychange', this.onVisible);
    this.open();
  }

  stop() {
    this.stopped = true;
    window.removeEventListener('online', this.onOnline);
    document.removeEventListener('visibilitychange', this.onVisible);
    clearTimeout(this.retryTimer);
    this.teardown(1000, 'client stop');
    this.setState(State.CLOSED, { reason: 'signed out' });
  }

  /**
   * Asks for a thread's events; `lastEventId` resumes after a known event. Resolves when the
   * gateway acknowledges (`subscribed`), or after `ackTimeoutMs` (offline: the subscription is
   * sent on the next open anyway).
   */
  subscribe(threadId, { lastEventId = null, ackTimeoutMs = 2000 } = {}) {
    const id = Number(threadId);
    if (!this.threads.has(id)) this.threads.set(id, { lastEventId, lastSeq: 0 });
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.state === State.CLOSED ? 0 : ackTimeoutMs);
      const off = this.on('subscribed', (f) => { if (Number(f.thread_id) === id) done(); });
      function done() { clearTimeout(timer); off(); resolve(); }
      this.sendSubscribe(id);
    });
  }

  unsubscribe(threadId) {
    const id = Number(threadId);
    if (!this.threads.delete(id)) return;
    this.send({ type: 'unsubscribe', thread_id: id });
  }

  sendTyping(threadId, isTyping) {
    this.send({ type: 'typing', thread_id: Number(threadId), is_typing: Boolean(isTyping) });
  }

  /** Skips the backoff wait (network back, tab visible again, user clicked "Reconnect"). */
  reconnectNow() {
    if (this.stopped || this.state === State.OPEN || this.state === State.CONNECTING) return;
    clearTimeout(this.retryTimer);
    this.attempt = 0;
    this.open();
  }

  // --- internals -------------------------------------------------------------------------

  /** The subscribe frame for a thread: with `last_event_id` when there is a resume point. */
  subscribeFrame(id) {
    const t = this.threads.get(id);
    const frame = { type: 'subscribe', thread_id: id };
    if (t?.lastEventId) frame.last_event_id = t.lastEventId;
    return frame;
  }

  sendSubscribe(id) {
    this.send(this.subscribeFrame(id));
  }

  send(frame) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify(frame));
      return true;
    }
    return false; // subscriptions are (re)sent on open
  }

  setState(state, extra = {}) {
    this.state = state;
    this.emit('state', { state, attempt: this.attempt, ...extra });
  }

  open() {
    this.teardown(1000, 'replaced');
    this.setState(this.everOpened ? State.RECONNECTING : State.CONNECTING, { retryInMs: 0 });
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch (err) {
      this.scheduleReconnect(false);
      return;
    }
    this.ws = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      this.everOpened = true;
      this.attempt = 0;
      this.lastFrameAt = Date.now();
      this.setState(State.OPEN);
      for (const [id, t] of this.threads) {
        this.sendSubscribe(id);
        // Nothing to resume from (no event seen since the view loaded): the view reloads its
        // snapshot now that the live subscription is back, so nothing posted meanwhile is missed.
        if (!t.lastEventId && this.reopened) this.emit('resync', { thread_id: id, reason: 'reconnected without a resume point' });
      }
      this.reopened = true;
      this.startPing();
    };
    ws.onmessage = (e) => {
      this.lastFrameAt = Date.now();
      this.handleText(e.data);
    };
    ws.onclose = (e) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.stopPing();
      if (this.stopped) return;
      if (isTerminalClose(e.code)) {
        this.setState(State.CLOSED, { code: e.code, reason: e.reason || 'closed by the server', terminal: true });
        return;
      }
      this.scheduleReconnect(opened, e.code, e.reason);
    };
    ws.onerror = () => { /* a close event always follows */ };
  }

  async scheduleReconnect(wasOpen, code, reason) {
    if (this.stopped) return;
    if (!wasOpen && this.onHandshakeFailure) {
      // The upgrade was refused or the gateway is unreachable: the app checks whether the
      // session is still valid and may stop us (then it shows the sign-in page).
      const keepTrying = await this.onHandshakeFailure(this.attempt);
      if (keepTrying === false || this.stopped) {
        if (!this.stopped) this.setState(State.CLOSED, { reason: 'not signed in', terminal: true });
        return;
      }
    }
    const delay = backoffDelay(this.attempt, this.baseDelayMs, this.maxDelayMs);
    this.attempt += 1;
    this.setState(State.RECONNECTING, { retryInMs: delay, code, reason });
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.open(), delay);
  }

  teardown(code, reason) {
    this.stopPing();
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      try { ws.close(code, reason); } catch { /* already closed */ }
    }
  }

  startPing() {
    this.stopPing();
    const tick = Math.min(this.pingIntervalMs, 5000);
    let sinceLastPing = 0;
    this.pingTimer = setInterval(() => {
      if (Date.now() - this.lastFrameAt > this.idleTimeoutMs) {
        // Silent socket (half-open TCP, frozen proxy): replace it.
        this.teardown(CloseCode.CLIENT_IDLE, 'idle');
        this.scheduleReconnect(true, CloseCode.CLIENT_IDLE, 'no heartbeat');
        return;
      }
      sinceLastPing += tick;
      if (sinceLastPing >= this.pingIntervalMs) {
        sinceLastPing = 0;
        this.send({ type: 'ping' });
      }
    }, tick);
  }

  stopPing() {
    clearInterval(this.pingTimer);
    this.pingTimer = null;
  }

  handleText(text) {
    let frame;
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    if (!frame || typeof frame.type !== 'string') return;
    switch (frame.type) {
      case 'connected': this.emit('connected', frame); return;
      case 'subscribed': this.emit('subscribed', frame); return;
      case 'error': this.emit('server-error', frame); return;
      case 'resync_required': {
        // The gap cannot be replayed (purged, or the resume point is of another stream: before
        // sharding, or another shard epoch): forget the resume point and the seq compared with, since
        // the next frames may count from a new stream; the view reloads from REST.
        const id = Number(frame.thread_id);
        if (this.threads.has(id)) this.threads.set(id, { lastEventId: null, lastSeq: 0 });
        this.emit('resync', frame);
        return;
      }
      case 'subscription_revoked':
        this.threads.delete(Number(frame.thread_id));
        this.emit('revoked', frame);
        return;
      default:
        if (CONTROL_TYPES.has(frame.type)) return;
    }
    if (this.accept(frame)) this.emit('event', frame);
  }

  /** True when the event is new; records it as the resume point of its thread. */
  accept(frame) {
    if (frame.event_id) {
      if (this.seen.has(frame.event_id)) return false;
      this.seen.add(frame.event_id);
      this.seenOrder.push(frame.event_id);
      if (this.seenOrder.length > SEEN_LIMIT) this.seen.delete(this.seenOrder.shift());
    }
    const t = frame.thread_id != null ? this.threads.get(Number(frame.thread_id)) : undefined;
    if (t && typeof frame.seq === 'number') {
      if (frame.seq <= t.lastSeq) return false;
      t.lastSeq = frame.seq;
      if (frame.event_id) t.lastEventId = frame.event_id;
    }
    return true;
  }
}
