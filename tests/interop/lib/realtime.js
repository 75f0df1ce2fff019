// The TokenIM WebSocket as an independent client sees it, written from docs/protocol.md ("WebSocket" and "The client's
// reconnect contract") and the v1 contract only. Two layers:
// - openSocket(): one raw socket with a frame queue, for the protocol's edge cases (refused upgrades, close codes);
// - RealtimeClient: a small client that follows the reconnect contract step by step.
import { EventEmitter } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { client as restClient } from './client.js';

export const SUBPROTOCOL = 'tokenim.v1';

export function wsUrl(baseUrl, path = '/ws') {
  return baseUrl.replace(/^http/, 'ws') + path;
}

/** A queue of the frames one socket received, and its close. */
export class FrameQueue {
  constructor(ws) {
    this.ws = ws;
    this.frames = []; // every parsed frame, in arrival order (kept for diagnostics)
    this.unread = []; // frames not yet taken by next()
    this.waiters = [];
    this.close = null; // { code, reason, at }
    this.closeWaiters = [];
    ws.on('message', (data, isBinary) => {
      let frame;
      try { frame = isBinary ? { binary: true, data } : JSON.parse(data.toString('utf8')); } catch { frame = { unparsable: data.toString('utf8') }; }
      this.frames.push(frame);
      this.unread.push(frame);
      this.#wake();
    });
    ws.on('close', (code, reason) => {
      this.close = { code, reason: reason.toString('utf8'), at: Date.now() };
      for (const w of this.closeWaiters.splice(0)) w(this.close);
      this.#wake();
    });
    ws.on('error', () => { /* a close follows */ });
  }

  #wake() {
    for (const w of [...this.waiters]) w();
  }

  /** The first unread frame matching `pred` (frames before it that do not match stay unread). */
  next(pred = () => true, timeoutMs = 5000, what = 'a frame') {
    return new Promise((resolve, reject) => {
      const check = () => {
        const i = this.unread.findIndex(pred);
        if (i >= 0) { done(); resolve(this.unread.splice(i, 1)[0]); return true; }
        if (this.close) {
          done();
          reject(new Error(`socket closed (${this.close.code} ${this.close.reason}) while waiting for ${what}; got ${JSON.stringify(this.frames).slice(0, 800)}`));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no ${what} within ${timeoutMs} ms; got ${JSON.stringify(this.frames).slice(0, 800)}`));
      }, timeoutMs);
      const done = () => { clearTimeout(timer); this.waiters = this.waiters.filter((w) => w !== check); };
      if (!check()) this.waiters.push(check);
    });
  }

  op(op, timeoutMs = 5000, extra = () => true) {
    return this.next((f) => f.op === op && extra(f), timeoutMs, `"${op}"`);
  }

  /** Resolves to { code, reason, at } when the socket closes; rejects after timeoutMs. */
  closed(timeoutMs = 5000) {
    if (this.close) return Promise.resolve(this.close);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the socket did not close within ${timeoutMs} ms; frames ${JSON.stringify(this.frames).slice(0, 800)}`)), timeoutMs);
      this.closeWaiters.push((c) => { clearTimeout(timer); resolve(c); });
    });
  }

  send(obj) { this.ws.send(typeof obj === 'string' ? obj : JSON.stringify(obj)); }
}

/**
 * Opens one socket. Resolves to { ws, q } when the upgrade succeeded, or { refused: { status, headers, body, text } }
 * when the server answered the upgrade with an HTTP status. `token` goes into the Authorization header.
 */
export function openSocket(baseUrl, { token, path = '/ws', protocols = [SUBPROTOCOL], origin, headers = {}, timeoutMs = 5000 } = {}) {
  return new Promise((resolve, reject) => {
    const h = { ...headers };
    if (token !== undefined) h.authorization = `Bearer ${token}`;
    const ws = new WebSocket(wsUrl(baseUrl, path), protocols, { headers: h, origin, handshakeTimeout: timeoutMs });
    const q = new FrameQueue(ws); // attached before open so that no frame is missed
    let settled = false;
    ws.on('unexpected-response', (req, res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body = null;
        try { body = text ? JSON.parse(text) : null; } catch { body = null; }
        settled = true;
        resolve({ refused: { status: res.statusCode, headers: res.headers, body, text } });
        req.destroy();
      });
    });
    ws.on('open', () => { settled = true; resolve({ ws, q }); });
    ws.on('error', (e) => { if (!settled) { settled = true; reject(e); } });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The contract-following client.

class ConnectionClosed extends Error {}

/**
 * Follows "The client's reconnect contract" of docs/protocol.md:
 * 1. state per conversation: a cursor (highest seq delivered, contiguous) and the unacked sends in order;
 * 2. connect with jittered exponential back-off: random delay in [0, min(30 s, 0.5 s × 2ⁿ)] after the n-th consecutive
 *    failure, n reset after `ready`;
 * 3. on `ready`: GET /conversations, `sync` from the cursor until `hasMore` is false for every conversation whose
 *    lastSeq is above it, then resend every unacked send with its original clientMsgId, in order;
 * 4. on `message`: seq ≤ cursor → drop; seq = cursor+1 → deliver it and buffered successors; seq > cursor+1 → buffer
 *    it and `sync` from the cursor;
 * 5. on `ack`: the send is done; its seq enters the stream like a `message`;
 * 6. tokens: refresh at ~80 % of expiresIn (single flight), then a `refresh` frame; on 4001 refresh and reconnect;
 *    invalid_refresh_token → signed out;
 * 7. any other close → step 2.
 *
 * Emits 'change' on every state change (tests wait on it), and 'receipt', 'typing', 'presence', 'conversation',
 * 'serverError', 'ready', 'closed', 'signedOut'.
 */
export class RealtimeClient extends EventEmitter {
  constructor({ baseUrl, tokens, authMode = 'header', name = 'client', backoffBaseMs = 500, backoffCapMs = 30_000,
    requestTimeoutMs = 10_000, random = Math.random }) {
    super();
    this.setMaxListeners(100);
    this.baseUrl = baseUrl;
    this.api = restClient(baseUrl);
    this.tokens = tokens;
    this.userId = tokens.user.id;
    this.authMode = authMode;
    this.name = name;
    this.backoffBaseMs = backoffBaseMs;
    this.backoffCapMs = backoffCapMs;
    this.requestTimeoutMs = requestTimeoutMs;
    this.random = random;

    this.convs = new Map();
    this.ws = null;
    this.connId = 0; // the current connection's number
    this.readyConn = 0; // the connection that got `ready`
    this.liveConn = 0; // the connection that finished catching up (new sends go straight out)
    this.stopped = false;
    this.nextReq = 0;
    this.requests = new Map(); // id → { resolve, reject, connId, timer }
    this.sendsByReq = new Map(); // id → pending send
    this.refreshing = null;
    this.refreshTimer = null;
    this.readyConnSeen = 0;
    this.stopping = new AbortController();

    this.stats = {
      readies: 0, closes: [], refusedUpgrades: [], backoffsMs: [], connectErrors: [],
      acks: new Map(), // clientMsgId → the first ack { seq, messageId, createdAt, conversationId }
      ackRepeats: 0, ackMismatches: [], acksForUnknownSend: 0, acksAtOrBelowCursor: 0,
      sends: 0, resends: 0, syncRequests: 0, syncedMessages: 0, repeatsDropped: 0, buffered: 0, gapSyncs: 0,
      serverErrors: [], requestTimeouts: 0, catchUps: 0, anomalies: [], maxPending: 0, resentCommitted: 0,
    };
  }

  /** Keeps state for a conversation (step 1). A conversation the client has not loaded starts at cursor 0. */
  track(conversationId, cursor = 0) {
    if (!this.convs.has(conversationId)) {
      this.convs.set(conversationId, {
        id: conversationId, cursor, stream: [], buffer: new Map(), pending: [], syncing: null, syncAgain: false,
      });
    }
    return this.convs.get(conversationId);
  }

  conv(conversationId) { return this.convs.get(conversationId); }

  /** Starts the connect loop; resolves at the first `ready` whose catch-up finished. */
  start() {
    const first = new Promise((resolve) => this.once('caughtUp', resolve));
    this.loop = this.#run();
    this.#scheduleRefresh();
    return first;
  }

  /** Simulates a network failure: the socket dies without a close handshake. */
  terminate() { this.ws?.terminate(); }

  async stop() {
    this.stopped = true;
    this.stopping.abort();
    clearTimeout(this.refreshTimer);
    this.ws?.close(1000);
    this.ws?.terminate();
    await this.loop;
  }

  /** Queues a send (step 1); resolves with its ack, however many reconnects it takes. */
  send(conversationId, clientMsgId, text) {
    const st = this.track(conversationId);
    return new Promise((resolve, reject) => {
      const entry = { conversationId, clientMsgId, text, resolve, reject, sentOn: 0, reqId: null, attempts: 0 };
      st.pending.push(entry);
      this.stats.maxPending = Math.max(this.stats.maxPending, this.#pendingCount());
      this.stats.sends++;
      if (this.liveConn === this.connId && this.liveConn !== 0) this.#transmit(entry);
      this.emit('change');
    });
  }

  read(conversationId, seq) { this.#frame({ op: 'read', conversationId, seq }); }

  typing(conversationId) { this.#frame({ op: 'typing', conversationId }); }

  ping() { return this.#request({ op: 'ping' }); }

  #pendingCount() {
    let n = 0;
    for (const st of this.convs.values()) n += st.pending.length;
    return n;
  }

  // --- step 2: connect with jittered exponential back-off --------------------------------------------------------
  async #run() {
    let failures = 0;
    while (!this.stopped) {
      if (failures > 0) {
        const ms = this.random() * Math.min(this.backoffCapMs, this.backoffBaseMs * 2 ** failures);
        this.stats.backoffsMs.push(Math.round(ms));
        await delay(ms, undefined, { signal: this.stopping.signal }).catch(() => {});
        if (this.stopped) break;
      }
      const result = await this.#connectOnce();
      if (this.stopped) break;
      failures = result.gotReady ? 1 : failures + 1;
      if (result.code === 4001 || result.status === 401) {
        // Step 6: refresh, then reconnect. A refused refresh means the user is signed out.
        const ok = await this.#refreshTokens().then(() => true, (e) => { this.stats.anomalies.push(`refresh: ${e.message}`); return false; });
        if (!ok || this.signedOut) { this.stopped = true; this.emit('signedOut'); this.emit('change'); break; }
      }
    }
  }

  #connectOnce() {
    const connId = ++this.connId;
    return new Promise((resolve) => {
      const headers = this.authMode === 'header' ? { authorization: `Bearer ${this.tokens.accessToken}` } : {};
      const ws = new WebSocket(wsUrl(this.baseUrl), [SUBPROTOCOL], { headers, handshakeTimeout: 10_000 });
      this.ws = ws;
      let finished = false;
      const finish = (result) => {
        if (finished) return;
        finished = true;
        this.#connectionGone(connId);
        resolve({ gotReady: this.readyConnSeen === connId, ...result });
      };
      ws.on('unexpected-response', (req, res) => {
        this.stats.refusedUpgrades.push(res.statusCode);
        res.resume();
        req.destroy();
        finish({ status: res.statusCode });
      });
      ws.on('open', () => {
        if (ws.protocol !== SUBPROTOCOL) this.stats.anomalies.push(`the server selected subprotocol "${ws.protocol}"`);
        if (this.authMode === 'frame') ws.send(JSON.stringify({ op: 'auth', token: this.tokens.accessToken }));
      });
      ws.on('message', (data, isBinary) => {
        if (connId !== this.connId) return;
        if (isBinary) { this.stats.anomalies.push('a binary frame from the server'); return; }
        let frame;
        try { frame = JSON.parse(data.toString('utf8')); } catch {
          this.stats.anomalies.push(`an unparsable frame: ${data.toString('utf8').slice(0, 200)}`);
          return;
        }
        try { this.#onFrame(connId, frame); } catch (e) { this.stats.anomalies.push(`frame handler: ${e.stack}`); }
      });
      ws.on('error', (e) => { this.stats.connectErrors.push(e.message); });
      ws.on('close', (code, reason) => {
        this.stats.closes.push({ code, reason: reason.toString('utf8'), at: Date.now() });
        this.emit('closed', code);
        finish({ code });
      });
    });
  }

  #connectionGone(connId) {
    if (this.liveConn === connId) this.liveConn = 0;
    if (this.readyConn === connId) this.readyConn = 0;
    for (const [id, r] of this.requests) {
      if (r.connId === connId) { this.requests.delete(id); clearTimeout(r.timer); r.reject(new ConnectionClosed('connection closed')); }
    }
    for (const [id, entry] of this.sendsByReq) if (entry.sentOn === connId) this.sendsByReq.delete(id);
    this.emit('change');
  }

  #frame(obj) {
    if (this.readyConn === 0 || this.readyConn !== this.connId) return false;
    this.ws.send(JSON.stringify(obj));
    return true;
  }

  #request(obj) {
    return new Promise((resolve, reject) => {
      const id = `r${++this.nextReq}`;
      if (!this.#frame({ ...obj, id })) { reject(new ConnectionClosed('not connected')); return; }
      const connId = this.connId;
      const timer = setTimeout(() => {
        if (!this.requests.has(id)) return;
        this.requests.delete(id);
        this.stats.requestTimeouts++;
        this.stats.anomalies.push(`no reply to ${obj.op} ${id} within ${this.requestTimeoutMs} ms`);
        reject(new Error(`timeout: ${obj.op}`));
        // A connection that stops answering is treated like a network failure (step 7).
        if (this.connId === connId) this.ws.terminate();
      }, this.requestTimeoutMs);
      this.requests.set(id, { resolve, reject, connId, timer });
    });
  }

  #transmit(entry) {
    const id = `s${++this.nextReq}`;
    entry.reqId = id;
    entry.sentOn = this.connId;
    entry.attempts++;
    if (entry.attempts > 1) this.stats.resends++;
    this.sendsByReq.set(id, entry);
    this.#frame({ op: 'send', id, conversationId: entry.conversationId, clientMsgId: entry.clientMsgId, text: entry.text });
  }

  // --- frames ------------------------------------------------------------------------------------------------------
  #onFrame(connId, f) {
    switch (f.op) {
      case 'ready':
        this.readyConn = connId;
        this.readyConnSeen = connId;
        this.stats.readies++;
        this.emit('ready', f);
        this.emit('change');
        this.#catchUp(connId);
        return;
      case 'message':
        this.#ingest(f.message, 'message');
        return;
      case 'ack':
        this.#onAck(f);
        return;
      case 'synced': case 'pong': case 'ok': {
        const r = this.requests.get(f.re);
        if (!r) { this.stats.anomalies.push(`a ${f.op} for no request: ${JSON.stringify(f).slice(0, 200)}`); return; }
        this.requests.delete(f.re);
        clearTimeout(r.timer);
        r.resolve(f);
        return;
      }
      case 'error':
        this.#onError(f);
        return;
      case 'receipt': case 'typing': case 'presence': case 'conversation':
        this.emit(f.op, f);
        this.emit('change');
        return;
      default:
        this.stats.anomalies.push(`an unknown op from the server: ${JSON.stringify(f).slice(0, 200)}`);
    }
  }

  // Step 3: catch up before anything else, then resend every unacked send in order.
  async #catchUp(connId) {
    try {
      let list = await this.api.call('GET', '/api/v1/conversations', { token: this.tokens.accessToken });
      if (list.status === 401) { await this.#refreshTokens(); list = await this.api.call('GET', '/api/v1/conversations', { token: this.tokens.accessToken }); }
      if (list.status !== 200) throw new Error(`GET /conversations: ${list.status} ${list.text}`);
      if (connId !== this.connId) return;
      for (const c of list.body.conversations) {
        const st = this.convs.get(c.id);
        if (st && c.lastSeq > st.cursor) await this.#syncConv(st);
        if (connId !== this.connId) return;
      }
      this.stats.catchUps++;
      this.liveConn = connId;
      for (const st of this.convs.values()) {
        const inStream = st.pending.length > 0 ? new Set(st.stream.map((m) => m.clientMsgId)) : null;
        for (const entry of st.pending) {
          if (entry.sentOn === connId) continue;
          // A send whose message the catch-up already brought: committed, but its ack was lost with the socket.
          if (inStream.has(entry.clientMsgId)) this.stats.resentCommitted++;
          this.#transmit(entry);
        }
      }
      this.emit('caughtUp');
      this.emit('change');
    } catch (e) {
      if (e instanceof ConnectionClosed || connId !== this.connId) return; // the next `ready` catches up again
      this.stats.anomalies.push(`catch-up: ${e.message}`);
      if (connId === this.connId) this.ws.terminate();
    }
  }

  // Sync from the cursor until hasMore is false and no gap is left; one loop per conversation at a time.
  #syncConv(st) {
    if (st.syncing) { st.syncAgain = true; return st.syncing; }
    st.syncing = (async () => {
      try {
        let rounds = 0;
        do {
          st.syncAgain = false;
          let more = true;
          while (more) {
            if (++rounds > 1000) throw new Error(`sync of ${st.id} does not converge at cursor ${st.cursor}`);
            this.stats.syncRequests++;
            const afterSeq = st.cursor;
            const askedAt = performance.now();
            const r = await this.#request({ op: 'sync', conversationId: st.id, afterSeq, limit: 300 });
            if (r.conversationId !== st.id) this.stats.anomalies.push(`synced for ${r.conversationId}, asked ${st.id}`);
            for (const m of r.messages) { this.stats.syncedMessages++; this.#ingest(m, 'sync'); }
            more = r.hasMore === true;
            if (!more && r.messages.length === 0 && st.buffer.size > 0) {
              // The server says nothing lies above the cursor, yet later seqs arrived: nothing more to fetch now.
              // Only a gap that was already known when the sync was asked is one that sync should have filled.
              const known = [...st.buffer.entries()].filter(([, b]) => b.at < askedAt).map(([seq]) => seq);
              if (known.length > 0 && afterSeq === st.cursor) {
                this.stats.anomalies.push(`sync afterSeq=${afterSeq} answered no message and hasMore=false, yet seq ${known.join(',')} `
                  + `had arrived (as ${[...new Set(known.map((q) => st.buffer.get(q).source))].join('/')}) before the sync was asked`);
              }
            }
          }
        } while (st.syncAgain);
      } catch (e) {
        if (!(e instanceof ConnectionClosed) && !/^timeout/.test(e.message)) this.stats.anomalies.push(`sync: ${e.message}`);
        if (!(e instanceof ConnectionClosed)) throw e;
      } finally {
        st.syncing = null;
      }
    })();
    return st.syncing;
  }

  // Step 4 (and 5 for acks): drop repeats, deliver in order, buffer and sync on a gap.
  #ingest(m, source) {
    const st = this.track(m.conversationId);
    if (m.seq <= st.cursor || st.buffer.has(m.seq)) { this.stats.repeatsDropped++; return; }
    if (m.seq === st.cursor + 1) {
      this.#deliver(st, m, source);
      while (st.buffer.has(st.cursor + 1)) {
        const next = st.buffer.get(st.cursor + 1);
        st.buffer.delete(st.cursor + 1);
        this.#deliver(st, next.m, next.source);
      }
      this.emit('change');
      return;
    }
    st.buffer.set(m.seq, { m, source, at: performance.now() });
    this.stats.buffered++;
    if (source !== 'sync') {
      this.stats.gapSyncs++;
      this.#syncConv(st).catch(() => { /* recorded; the next ready catches up */ });
    }
  }

  #deliver(st, m, source) {
    st.cursor = m.seq;
    st.stream.push({ ...m, source });
  }

  #onAck(f) {
    const known = this.stats.acks.get(f.clientMsgId);
    if (known) {
      this.stats.ackRepeats++;
      if (known.seq !== f.seq || known.messageId !== f.messageId) this.stats.ackMismatches.push({ first: known, again: f });
    } else {
      this.stats.acks.set(f.clientMsgId, { seq: f.seq, messageId: f.messageId, createdAt: f.createdAt, conversationId: f.conversationId });
    }
    const st = this.track(f.conversationId);
    const i = st.pending.findIndex((e) => e.clientMsgId === f.clientMsgId);
    const byReq = this.sendsByReq.get(f.re);
    if (byReq) this.sendsByReq.delete(f.re);
    if (byReq && byReq.clientMsgId !== f.clientMsgId) this.stats.anomalies.push(`ack re ${f.re} names ${f.clientMsgId}, sent ${byReq.clientMsgId}`);
    if (f.seq <= st.cursor) this.stats.acksAtOrBelowCursor++;
    // Step 5: its seq enters the stream like a `message`.
    this.#ingest({ id: f.messageId, conversationId: f.conversationId, seq: f.seq, senderId: this.userId, clientMsgId: f.clientMsgId, createdAt: f.createdAt }, 'ack');
    if (i >= 0) {
      const [entry] = st.pending.splice(i, 1);
      entry.resolve(f);
    } else {
      this.stats.acksForUnknownSend++;
    }
    this.emit('change');
  }

  #onError(f) {
    this.stats.serverErrors.push(f);
    this.emit('serverError', f);
    const entry = f.re !== undefined ? this.sendsByReq.get(f.re) : undefined;
    if (entry) {
      this.sendsByReq.delete(f.re);
      if (f.code === 'rate_limited' || f.code === 'internal_error') {
        // Retry later with the same clientMsgId (docs: the catalogue's "what the client should do").
        const connId = this.connId;
        setTimeout(() => { if (this.liveConn === connId && this.connId === connId && this.#isPending(entry)) this.#transmit(entry); },
          f.retryAfterMs ?? 200);
      } else {
        const st = this.convs.get(entry.conversationId);
        const i = st.pending.indexOf(entry);
        if (i >= 0) st.pending.splice(i, 1);
        entry.reject(Object.assign(new Error(`send ${entry.clientMsgId}: ${f.code} ${f.message}`), { frame: f }));
      }
      this.emit('change');
      return;
    }
    const r = f.re !== undefined ? this.requests.get(f.re) : undefined;
    if (r) {
      this.requests.delete(f.re);
      clearTimeout(r.timer);
      r.reject(Object.assign(new Error(`${f.code}: ${f.message}`), { frame: f }));
    }
    this.emit('change');
  }

  #isPending(entry) {
    return this.convs.get(entry.conversationId)?.pending.includes(entry) ?? false;
  }

  // --- step 6: tokens -------------------------------------------------------------------------------------------------
  #scheduleRefresh() {
    clearTimeout(this.refreshTimer);
    if (this.stopped) return;
    this.refreshTimer = setTimeout(async () => {
      try {
        await this.#refreshTokens();
        if (this.readyConn === this.connId && this.readyConn !== 0) await this.#request({ op: 'refresh', token: this.tokens.accessToken });
      } catch (e) {
        this.stats.anomalies.push(`scheduled refresh: ${e.message}`);
      }
    }, Math.max(1000, this.tokens.expiresIn * 800));
    this.refreshTimer.unref();
  }

  /** One refresh at a time, keeping the last answer. */
  #refreshTokens() {
    if (this.refreshing) return this.refreshing;
    this.refreshing = (async () => {
      try {
        const r = await this.api.call('POST', '/api/v1/auth/refresh', { body: { refreshToken: this.tokens.refreshToken } });
        if (r.status === 200) { this.tokens = r.body; this.#scheduleRefresh(); return; }
        if (r.status === 401 && r.body?.code === 'invalid_refresh_token') this.signedOut = true;
        throw new Error(`refresh: ${r.status} ${r.text}`);
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }
}

/** Resolves when `predicate()` holds, re-checking on every 'change' of the given clients; rejects after timeoutMs. */
export function waitUntil(clients, predicate, timeoutMs, what = 'the condition') {
  return new Promise((resolve, reject) => {
    const check = () => {
      let ok;
      try { ok = predicate(); } catch (e) { done(); reject(e); return; }
      if (ok) { done(); resolve(); }
    };
    const timer = setTimeout(() => { done(); reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)); }, timeoutMs);
    const done = () => { clearTimeout(timer); for (const c of clients) c.off('change', check); };
    for (const c of clients) c.on('change', check);
    check();
  });
}

/** Resolves with the first `event` of `emitter` that matches `pred`; rejects after timeoutMs. */
export function nextEvent(emitter, event, pred = () => true, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const on = (f) => { if (pred(f)) { done(); resolve(f); } };
    const timer = setTimeout(() => { done(); reject(new Error(`no "${event}" within ${timeoutMs} ms`)); }, timeoutMs);
    const done = () => { clearTimeout(timer); emitter.off(event, on); };
    emitter.on(event, on);
  });
}
