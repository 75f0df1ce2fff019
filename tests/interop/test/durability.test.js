// Durability against a real server process, from docs/protocol.md and the v1 contract only:
// - "An ack is sent only after the message is durably committed": kill -9 mid-stream, restart on the same port and
//   data directory, and every acked message is there with its acked seq; with the reconnect contract, nothing is lost
//   or duplicated and the receiver sees seq 1..N exactly once;
// - "Graceful shutdown: the server stops accepting sockets, lets the sends in flight commit (and acks them), then
//   closes every socket with 1001": SIGTERM with sends in flight, every socket gets 1001, the process exits 0, and
//   after a restart every acked message is stored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { startServer } from '../lib/server.js';
import { client } from '../lib/client.js';
import { openSocket, RealtimeClient, waitUntil } from '../lib/realtime.js';

const WINDOW = 50;

/** The whole history of a conversation by REST, ascending, page by page (bounded). */
async function history(api, token, conversationId, bound) {
  const all = [];
  for (let afterSeq = 0, more = true; more;) {
    const r = await api.call('GET', `/api/v1/conversations/${conversationId}/messages?afterSeq=${afterSeq}&limit=100`, { token });
    assert.equal(r.status, 200, `history after ${afterSeq}: ${r.status} ${r.text}`);
    all.push(...r.body.messages);
    more = r.body.hasMore;
    if (r.body.messages.length > 0) afterSeq = r.body.messages.at(-1).seq;
    else if (more) assert.fail(`an empty page with hasMore after seq ${afterSeq}`);
    assert.ok(all.length <= bound + 100, 'the history ends');
  }
  return all;
}

function report(t, lines) {
  for (const line of lines) { console.log(line); t.diagnostic(line); }
}

const ms = (x) => Math.round(x);

// -----------------------------------------------------------------------------------------------------------------
test('kill -9 mid-stream: every acked message survives with its seq; after the restart, exactly once and gap-free',
  { timeout: 90_000 }, async (t) => {
    const N = 1000;
    const KILL_AT = 400;
    const server = await startServer();
    const api = client(server.baseUrl);
    let A;
    let B;
    t.after(async () => {
      await A?.stop().catch(() => {});
      await B?.stop().catch(() => {});
      await server.stop('SIGKILL');
    });

    const a = await api.register('kill9.a');
    const b = await api.register('kill9.b');
    const conv = await api.createDirect(a.accessToken, b.user.id);
    A = new RealtimeClient({ baseUrl: server.baseUrl, tokens: a, authMode: 'header', name: 'A' });
    B = new RealtimeClient({ baseUrl: server.baseUrl, tokens: b, authMode: 'frame', name: 'B' });
    A.track(conv.id);
    B.track(conv.id);
    await Promise.all([A.start(), B.start()]);

    const ids = Array.from({ length: N }, (_, i) => `k9-${i}-${randomUUID()}`);
    const text = (i) => `kill9 message ${i}`;
    const started = performance.now();

    // The kill: synchronously inside A's ack handling, as soon as KILL_AT acks have arrived. The snapshot is exactly
    // the set of acks the client had received when the signal went out.
    let kill = null; // { at, acked: Map clientMsgId → ack, pending, bCursor, result: Promise }
    const onChange = () => {
      if (kill !== null || A.stats.acks.size < KILL_AT) return;
      kill = {
        at: performance.now(),
        acked: new Map(A.stats.acks),
        pending: A.conv(conv.id).pending.length,
        bCursor: B.conv(conv.id).cursor,
        aReadies: A.stats.readies,
        bReadies: B.stats.readies,
      };
      kill.result = server.kill('SIGKILL', { timeoutMs: 10_000 });
      A.off('change', onChange);
    };
    A.on('change', onChange);

    let next = 0;
    async function worker() {
      while (next < N) {
        const i = next++;
        const ack = await A.send(conv.id, ids[i], text(i));
        assert.equal(ack.clientMsgId, ids[i]);
      }
    }
    const workers = Promise.all(Array.from({ length: WINDOW }, worker));

    // Wait for the kill, then for the process to be gone, then start it again on the same port and data directory.
    await waitUntil([A], () => kill !== null, 20_000, `${KILL_AT} acks before the kill`);
    const killed = await kill.result;
    assert.equal(killed.timedOut, undefined, 'the process died after SIGKILL');
    assert.equal(killed.signal, 'SIGKILL', `killed by SIGKILL: ${JSON.stringify(killed)}`);
    const restarted = await server.restart();
    const restartedAt = performance.now();

    let sendFailure = null;
    let sendTimer;
    const deadline = new Promise((_, reject) => {
      sendTimer = setTimeout(() => reject(new Error(`not every send was acked within 30 s of the restart (${A.stats.acks.size} were)`)), 30_000);
    });
    await Promise.race([workers, deadline]).catch((e) => { sendFailure = e; });
    clearTimeout(sendTimer);
    next = N; // stops the workers after a failure
    const lastAckAt = performance.now();
    let waitFailure = null;
    if (!sendFailure) {
      await waitUntil([A, B], () => A.conv(conv.id).cursor >= N && B.conv(conv.id).cursor >= N, 20_000,
        `both streams to reach seq ${N}`).catch((e) => { waitFailure = e; });
    }
    const doneAt = performance.now();

    // What the server stored, after the crash and the recovery.
    const stored = await history(api, b.accessToken, conv.id, N);
    const storedBy = new Map();
    for (const m of stored) storedBy.set(m.clientMsgId, [...(storedBy.get(m.clientMsgId) ?? []), m]);

    // The checker.
    const attempted = new Set(ids);
    const bStream = B.conv(conv.id).stream;
    const aStream = A.conv(conv.id).stream;
    const seenByB = new Map();
    for (const m of bStream) seenByB.set(m.clientMsgId, (seenByB.get(m.clientMsgId) ?? 0) + 1);
    const acknowledged = ids.filter((id) => A.stats.acks.has(id)).length;
    const delivered = [...seenByB.keys()].filter((id) => attempted.has(id)).length;
    const lostIds = ids.filter((id) => A.stats.acks.has(id) && (!seenByB.has(id) || !storedBy.has(id)));
    let duplicated = 0;
    for (const n of seenByB.values()) duplicated += n - 1;
    for (const list of storedBy.values()) duplicated += list.length - 1;
    const unexpectedIds = new Set([...seenByB.keys(), ...storedBy.keys()].filter((id) => !attempted.has(id)));
    let orderViolations = 0;
    bStream.forEach((m, i) => { if (m.seq !== i + 1) orderViolations++; });
    stored.forEach((m, i) => { if (m.seq !== i + 1) orderViolations++; });
    const ackedThenLost = [...kill.acked].filter(([id, ack]) => {
      const s = storedBy.get(id);
      return !s || s.length !== 1 || s[0].seq !== ack.seq || s[0].id !== ack.messageId;
    });
    const line = `kill9: attempted=${N} acknowledged_before_kill=${kill.acked.size} acknowledged=${acknowledged} `
      + `delivered=${delivered} lost=${lostIds.length} duplicated=${duplicated} unexpected=${unexpectedIds.size} `
      + `order_violations=${orderViolations} acked_then_lost=${ackedThenLost.length}`;
    const statsOf = (c) => {
      const s = c.stats;
      return `readies=${s.readies} closes=${s.closes.map((x) => x.code).join('/')} backoffsMs=${s.backoffsMs.join('/')} `
        + `resends=${s.resends} resentCommitted=${s.resentCommitted} ackRepeats=${s.ackRepeats} syncRequests=${s.syncRequests} `
        + `syncedMessages=${s.syncedMessages} repeatsDropped=${s.repeatsDropped} buffered=${s.buffered} maxPending=${s.maxPending} `
        + `serverErrors=${JSON.stringify(s.serverErrors).slice(0, 300)} anomalies=${JSON.stringify(s.anomalies).slice(0, 600)}`;
    };
    report(t, [
      line,
      `kill9: in flight at the kill=${kill.pending} (committed but unacked, found by A's catch-up: ${A.stats.resentCommitted}); `
        + `B's cursor at the kill=${kill.bCursor}; stored=${stored.length} lastSeq=${stored.at(-1)?.seq ?? 0}`,
      `kill9: A: ${statsOf(A)}`,
      `kill9: B: ${statsOf(B)}`,
      `kill9: time: ${ms(kill.at - started)} ms to the kill, ${ms(killed.ms)} ms from SIGKILL to the exit, `
        + `${ms(restarted.ms)} ms from the respawn to ready, ${ms(lastAckAt - restartedAt)} ms from ready to the last ack, `
        + `${ms(doneAt - started)} ms in all`,
    ]);

    assert.equal(sendFailure, null, `a send failed: ${sendFailure?.stack}`);
    assert.equal(waitFailure, null, `${waitFailure?.message}: A cursor ${A.conv(conv.id).cursor}, B cursor ${B.conv(conv.id).cursor}`);

    // The crash really happened mid-stream, and both clients came back to the new process.
    assert.ok(kill.acked.size >= KILL_AT && kill.acked.size < N, `killed mid-stream (${kill.acked.size} acks before)`);
    assert.ok(kill.pending > 0, 'sends were in flight at the kill');
    assert.ok(A.stats.readies > kill.aReadies && B.stats.readies > kill.bReadies, 'both clients reconnected after the restart');
    assert.ok(A.stats.closes.some((c) => c.code === 1006) && B.stats.closes.some((c) => c.code === 1006), 'abnormal closes (1006)');
    assert.ok(A.stats.maxPending <= WINDOW, `at most ${WINDOW} in flight (saw ${A.stats.maxPending})`);

    // The checker's verdict.
    assert.equal(acknowledged, N, 'every send acknowledged in the end');
    assert.equal(lostIds.length, 0, `lost: ${lostIds.slice(0, 5).join(', ')}`);
    assert.equal(duplicated, 0, 'duplicated');
    assert.equal(unexpectedIds.size, 0, `unexpected: ${[...unexpectedIds].slice(0, 5).join(', ')}`);
    assert.equal(orderViolations, 0, 'order violations');
    assert.equal(ackedThenLost.length, 0, `acked before the kill, then not stored with the acked seq: ${JSON.stringify(ackedThenLost.slice(0, 3).map(([id, ack]) => ({ id, ack, stored: storedBy.get(id) ?? null })))}`);

    // Stored exactly once each, gap-free 1..N; every ack (before and after the crash) names the stored message.
    assert.equal(stored.length, N, 'N messages stored');
    assert.deepEqual(stored.map((m) => m.seq), Array.from({ length: N }, (_, i) => i + 1), 'stored seqs exactly 1..N');
    assert.deepEqual(new Set(stored.map((m) => m.clientMsgId)), attempted, 'each attempted clientMsgId stored');
    const textOf = new Map(ids.map((id, i) => [id, text(i)]));
    for (const m of stored) {
      const ack = A.stats.acks.get(m.clientMsgId);
      assert.equal(ack.seq, m.seq, `ack seq of ${m.clientMsgId}`);
      assert.equal(ack.messageId, m.id, `ack messageId of ${m.clientMsgId}`);
      assert.equal(m.text, textOf.get(m.clientMsgId), `text of seq ${m.seq}`);
      assert.equal(m.senderId, a.user.id);
    }
    assert.deepEqual(A.stats.ackMismatches, [], 'a resend after the restart gets the original ack');

    // B delivered exactly 1..N, once each, and so did A's own stream; both agree with the store.
    assert.deepEqual(bStream.map((m) => m.seq), Array.from({ length: N }, (_, i) => i + 1), 'B: seqs exactly 1..N');
    assert.deepEqual(aStream.map((m) => m.seq), Array.from({ length: N }, (_, i) => i + 1), 'A: seqs exactly 1..N');
    const strip = ({ source, ...m }) => m;
    assert.deepEqual(bStream.map(strip), stored, 'B\'s delivered stream = the stored history');
    assert.deepEqual(aStream.map((m) => m.id), stored.map((m) => m.id), 'A\'s stream = the stored history');
    assert.deepEqual(A.stats.anomalies, [], 'A saw no protocol anomaly');
    assert.deepEqual(B.stats.anomalies, [], 'B saw no protocol anomaly');
    assert.deepEqual(A.stats.serverErrors, [], 'A got no error frame');
    assert.deepEqual(B.stats.serverErrors, [], 'B got no error frame');
  });

// -----------------------------------------------------------------------------------------------------------------
test('SIGTERM with sends in flight: every socket closes with 1001, exit 0 within 30 s, every acked message stored',
  { timeout: 90_000 }, async (t) => {
    const N = 1000;
    const TERM_AT = 200;
    const server = await startServer();
    const api = client(server.baseUrl);
    const sockets = [];
    t.after(async () => {
      for (const s of sockets) s.ws.terminate();
      await server.stop('SIGKILL');
    });

    const a = await api.register('term.a');
    const b = await api.register('term.b');
    const conv = await api.createDirect(a.accessToken, b.user.id);
    const open = async (name, tokens, mode) => {
      const r = await openSocket(server.baseUrl, mode === 'header' ? { token: tokens.accessToken } : {});
      assert.ok(!r.refused, `${name}: upgrade refused ${JSON.stringify(r.refused)}`);
      const s = { name, ...r };
      sockets.push(s);
      if (mode === 'frame') r.q.send({ op: 'auth', token: tokens.accessToken });
      if (mode !== 'none') await r.q.op('ready');
      return s;
    };
    const sender = await open('sender A (header auth)', a, 'header');
    const receiver = await open('receiver B (frame auth)', b, 'frame');
    const otherDevice = await open('B\'s second device (idle)', await api.login('term.b', 'second device'), 'header');
    const unauthenticated = await open('a socket not yet authenticated', null, 'none');

    // The sender: up to WINDOW sends in flight, the next one on each ack, until the socket closes.
    const ids = Array.from({ length: N }, (_, i) => `term-${i}-${randomUUID()}`);
    const sent = []; // clientMsgIds written, in order
    const acks = new Map(); // clientMsgId → ack
    const errors = [];
    const reqOf = new Map(); // request id → clientMsgId
    let term = null; // { at, acked, inFlight }
    let ackedAfterTerm = 0;
    const pump = () => {
      while (sender.q.close === null && sender.ws.readyState === 1 && sent.length < N && sent.length - acks.size - errors.length < WINDOW) {
        const i = sent.length;
        const id = `s${i}`;
        reqOf.set(id, ids[i]);
        sent.push(ids[i]);
        sender.ws.send(JSON.stringify({ op: 'send', id, conversationId: conv.id, clientMsgId: ids[i], text: `term message ${i}` }));
      }
    };
    const termPromise = new Promise((resolve) => {
      sender.ws.on('message', (data) => {
        const f = JSON.parse(data.toString('utf8'));
        if (f.op === 'ack') {
          assert.equal(reqOf.get(f.re), f.clientMsgId, `ack re ${f.re}`);
          acks.set(f.clientMsgId, f);
          if (term !== null) ackedAfterTerm++;
        } else if (f.op === 'error') {
          errors.push(f);
        }
        if (term === null && acks.size >= TERM_AT) {
          term = { at: performance.now(), acked: acks.size, inFlight: sent.length - acks.size - errors.length };
          resolve(server.kill('SIGTERM', { timeoutMs: 30_000 }));
        }
        pump();
      });
    });
    const started = performance.now();
    pump();

    let termTimer;
    const exit = await Promise.race([termPromise, new Promise((_, reject) => {
      termTimer = setTimeout(() => reject(new Error(`only ${acks.size} acks within 20 s (errors ${JSON.stringify(errors).slice(0, 300)}, `
        + `close ${JSON.stringify(sender.q.close)}): SIGTERM was never sent`)), 20_000);
    })]).finally(() => clearTimeout(termTimer));
    const closes = await Promise.all(sockets.map((s) => s.q.closed(30_000).catch((e) => ({ code: null, reason: e.message }))));
    const closeCodes = sockets.map((s, i) => `${s.name}=${closes[i].code}`);
    const closeMs = closes.map((c) => (c.at ? ms(c.at - (performance.timeOrigin + term.at)) : null));

    // Restart on the same port and data directory, and read what was stored.
    const restarted = await server.restart();
    const stored = await history(api, a.accessToken, conv.id, N);
    const storedBy = new Map();
    for (const m of stored) storedBy.set(m.clientMsgId, [...(storedBy.get(m.clientMsgId) ?? []), m]);
    const sentSet = new Set(sent);
    const ackedNotStored = [...acks.values()].filter((k) => {
      const s = storedBy.get(k.clientMsgId);
      return !s || s.length !== 1 || s[0].seq !== k.seq || s[0].id !== k.messageId;
    });
    const storedUnacked = stored.filter((m) => !acks.has(m.clientMsgId));
    const unexpected = stored.filter((m) => !sentSet.has(m.clientMsgId));
    report(t, [
      `sigterm: sent=${sent.length} acked=${acks.size} stored=${stored.length} stored_unacked=${storedUnacked.length} `
        + `acked_not_stored=${ackedNotStored.length} unexpected=${unexpected.length}`,
      `sigterm: at the signal: acked=${term.acked} in_flight=${term.inFlight}; acked after the signal=${ackedAfterTerm}; `
        + `error frames=${JSON.stringify(errors.map((e) => e.code))}`,
      `sigterm: close codes ${closeCodes.join(', ')}; ms after the signal ${closeMs.join('/')}; `
        + `exit ${JSON.stringify(exit && { code: exit.code, signal: exit.signal, timedOut: exit.timedOut })} after ${ms(exit.ms)} ms`,
      `sigterm: time: ${ms(term.at - started)} ms to the signal, ${ms(restarted.ms)} ms from the respawn to ready`,
    ]);

    // The documented shutdown.
    for (let i = 0; i < sockets.length; i++) {
      assert.equal(closes[i].code, 1001, `${sockets[i].name}: close ${JSON.stringify(closes[i])}`);
    }
    assert.equal(exit.timedOut, undefined, `the process exited within 30 s of SIGTERM (${ms(exit.ms)} ms)`);
    assert.equal(exit.signal, null, `exited by itself, not by a signal: ${JSON.stringify(exit)}`);
    assert.equal(exit.code, 0, `exit code 0: ${JSON.stringify(exit)}`);
    assert.ok(term.inFlight > 0, 'sends were in flight at the signal');
    assert.ok(acks.size < N, 'the shutdown came mid-stream');

    // Nothing acked is lost; the store holds only what was sent, once each, gap-free.
    assert.equal(ackedNotStored.length, 0, `acked, then not stored with the acked seq: ${JSON.stringify(ackedNotStored.slice(0, 3))}`);
    assert.equal(unexpected.length, 0, 'nothing stored that was not sent');
    assert.ok([...storedBy.values()].every((l) => l.length === 1), 'each clientMsgId stored once');
    assert.deepEqual(stored.map((m) => m.seq), Array.from({ length: stored.length }, (_, i) => i + 1), 'stored seqs 1..n');

    // The reconnect contract closes the books: resending every unacked send with its clientMsgId acks the stored ones
    // with their original seq and stores the rest once.
    const again = await open('sender A after the restart', a, 'header');
    const unacked = sent.filter((id) => !acks.has(id));
    const resendAcks = new Map();
    for (let i = 0; i < unacked.length; i += WINDOW) {
      const batch = unacked.slice(i, i + WINDOW);
      for (const id of batch) again.q.send({ op: 'send', id: `r-${id}`, conversationId: conv.id, clientMsgId: id, text: `term message ${ids.indexOf(id)}` });
      for (const id of batch) resendAcks.set(id, await again.q.op('ack', 10_000, (f) => f.re === `r-${id}`));
    }
    for (const m of storedUnacked) {
      assert.equal(resendAcks.get(m.clientMsgId).seq, m.seq, `the resend of stored-but-unacked ${m.clientMsgId} gets its seq`);
      assert.equal(resendAcks.get(m.clientMsgId).messageId, m.id);
    }
    const final = await history(api, a.accessToken, conv.id, N);
    assert.equal(final.length, sent.length, 'after the resends, every sent message stored');
    assert.deepEqual(final.map((m) => m.seq), Array.from({ length: sent.length }, (_, i) => i + 1), 'gap-free');
    assert.deepEqual(new Set(final.map((m) => m.clientMsgId)), sentSet, 'exactly the sent clientMsgIds, once each');
    for (const [id, k] of acks) assert.equal(final.find((m) => m.clientMsgId === id).seq, k.seq, `seq of acked ${id}`);
    again.ws.close();
  });
