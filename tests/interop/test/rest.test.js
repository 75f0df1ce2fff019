// The REST API as an independent client sees it, from docs/protocol.md and the v1 contract only.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createLocalJWKSet, jwtVerify, decodeProtectedHeader } from 'jose';
import { startServer } from '../lib/server.js';
import {
  client, assertProblem, assertUser, assertTokenResponse, assertMessage, assertConversation, TIMESTAMP, PASSWORD,
} from '../lib/client.js';

const T = { timeout: 30_000 };

describe('TokenIM REST API (interop client)', () => {
  let server;
  let api;
  before(async () => { server = await startServer(); api = client(server.baseUrl); });
  after(async () => { await server?.stop(); });

  test('register: 201 with the token response, Location and a lower-cased username', T, async () => {
    const r = await api.call('POST', '/api/v1/auth/register',
      { body: { username: 'Reg.Alice', password: PASSWORD, displayName: 'Alice Register' } });
    assert.equal(r.status, 201, r.text);
    assert.match(r.headers.get('content-type') ?? '', /^application\/json\b/i);
    assertTokenResponse(r.body);
    assert.equal(r.body.user.username, 'reg.alice');
    assert.equal(r.body.user.displayName, 'Alice Register');
    assert.equal(r.body.expiresIn, 900, 'expiresIn is 900 by default');
    const location = r.headers.get('location');
    assert.ok(location, 'a Location header');
    assert.equal(new URL(location, server.baseUrl).pathname, `/api/v1/users/${r.body.user.id}`);
    // The token works at once.
    const me = await api.call('GET', '/api/v1/users/me', { token: r.body.accessToken });
    assert.equal(me.status, 200, me.text);
    assert.deepEqual(me.body, r.body.user);
  });

  test('register without displayName: the user still has a displayName string', T, async () => {
    const t = await api.register('reg.nodisplay');
    assertTokenResponse(t);
    assert.ok(t.user.displayName.length >= 1, 'a non-empty displayName');
  });

  test('username taken: 409 username_taken, compared without regard to case', T, async () => {
    await api.register('taken.carol');
    for (const username of ['taken.carol', 'TAKEN.CAROL', 'Taken.Carol']) {
      const r = await api.call('POST', '/api/v1/auth/register', { body: { username, password: PASSWORD } });
      assertProblem(r, 409, 'username_taken', username);
    }
  });

  test('register validation: 400 validation_failed with errors per field', T, async () => {
    const r = await api.call('POST', '/api/v1/auth/register', { body: { username: 'x', password: 'short' } });
    assertProblem(r, 400, 'validation_failed');
    assert.ok(r.body.errors && typeof r.body.errors === 'object', 'errors object');
    assert.ok(Array.isArray(r.body.errors.username), 'errors.username');
    assert.ok(Array.isArray(r.body.errors.password), 'errors.password');
    assert.ok(r.body.errors.password.every((m) => typeof m === 'string'));
  });

  test('sign in: 200 with a token response for a new session', T, async () => {
    const reg = await api.register('login.dave');
    const r = await api.call('POST', '/api/v1/auth/login',
      { body: { username: 'LOGIN.Dave', password: PASSWORD, deviceName: 'interop laptop' } });
    assert.equal(r.status, 200, r.text);
    assertTokenResponse(r.body);
    assert.equal(r.body.user.id, reg.user.id);
    assert.notEqual(r.body.sessionId, reg.sessionId, 'a new session');
    assert.notEqual(r.body.refreshToken, reg.refreshToken);
    const me = await api.call('GET', '/api/v1/users/me', { token: r.body.accessToken });
    assert.equal(me.status, 200, me.text);
    assert.equal(me.body.id, reg.user.id);
  });

  test('sign in failure: 401 invalid_credentials, identical for unknown user and wrong password', T, async () => {
    await api.register('login.erin');
    const wrong = await api.call('POST', '/api/v1/auth/login', { body: { username: 'login.erin', password: 'not-the-password-1' } });
    const unknown = await api.call('POST', '/api/v1/auth/login', { body: { username: 'login.nobody', password: 'not-the-password-1' } });
    assertProblem(wrong, 401, 'invalid_credentials', 'wrong password');
    assertProblem(unknown, 401, 'invalid_credentials', 'unknown user');
    assert.equal(wrong.text, unknown.text, 'byte-identical bodies');
  });

  test('access token verifies offline against the JWKS with jose', T, async () => {
    const t = await api.register('jwks.frank');
    const jwksRes = await api.call('GET', '/.well-known/jwks.json');
    assert.equal(jwksRes.status, 200);
    const jwks = jwksRes.body;
    assert.ok(Array.isArray(jwks.keys) && jwks.keys.length >= 1, 'keys array');
    for (const k of jwks.keys) {
      assert.equal(k.kty, 'EC'); assert.equal(k.crv, 'P-256'); assert.equal(k.use, 'sig'); assert.equal(k.alg, 'ES256');
      assert.equal(typeof k.x, 'string'); assert.equal(typeof k.y, 'string'); assert.equal(typeof k.kid, 'string');
      assert.equal(k.d, undefined, 'no private part in the JWKS');
    }
    const header = decodeProtectedHeader(t.accessToken);
    assert.equal(header.alg, 'ES256');
    assert.equal(header.typ, 'at+jwt');
    assert.ok(jwks.keys.some((k) => k.kid === header.kid), 'kid is in the JWKS');
    const { payload, protectedHeader } = await jwtVerify(t.accessToken, createLocalJWKSet(jwks), {
      algorithms: ['ES256'], issuer: 'tokenim', audience: 'tokenim', typ: 'at+jwt',
    });
    assert.equal(protectedHeader.kid, header.kid);
    for (const claim of ['sub', 'sid', 'jti', 'iat', 'exp']) assert.ok(payload[claim] !== undefined, `claim ${claim}`);
    assert.equal(payload.sub, t.user.id, 'sub = user id');
    assert.equal(payload.sid, t.sessionId, 'sid = session id');
    assert.equal(typeof payload.jti, 'string');
    assert.ok(Number.isInteger(payload.iat) && Number.isInteger(payload.exp));
    assert.equal(payload.exp - payload.iat, t.expiresIn, 'exp - iat = expiresIn');
    // protocol.md also lists nbf and gen.
    assert.ok(Number.isInteger(payload.nbf), 'claim nbf');
    assert.ok(payload.gen !== undefined, 'claim gen');
  });

  test('refresh rotation: new pair works; the spent refresh token then revokes the session', T, async () => {
    await api.register('refresh.gina');
    const first = await api.login('refresh.gina', 'phone');
    const r = await api.call('POST', '/api/v1/auth/refresh', { body: { refreshToken: first.refreshToken } });
    assert.equal(r.status, 200, r.text);
    const second = r.body;
    assertTokenResponse(second);
    assert.equal(second.sessionId, first.sessionId, 'same session');
    assert.equal(second.user.id, first.user.id);
    assert.notEqual(second.refreshToken, first.refreshToken);
    assert.notEqual(second.accessToken, first.accessToken);
    const me = await api.call('GET', '/api/v1/users/me', { token: second.accessToken });
    assert.equal(me.status, 200, me.text);
    // The old refresh token after the new pair was used: theft.
    const replay = await api.call('POST', '/api/v1/auth/refresh', { body: { refreshToken: first.refreshToken } });
    assertProblem(replay, 401, 'invalid_refresh_token', 'spent refresh token');
    const after1 = await api.call('GET', '/api/v1/users/me', { token: second.accessToken });
    assertProblem(after1, 401, 'session_revoked', 'access token of the revoked session');
    const after2 = await api.call('POST', '/api/v1/auth/refresh', { body: { refreshToken: second.refreshToken } });
    assertProblem(after2, 401, 'invalid_refresh_token', 'new refresh token of the revoked session');
  });

  test('refresh repeat after a lost reply: fresh pair; the unused pair it replaces is void; session lives on', T, async () => {
    await api.register('refresh.ivy');
    const first = await api.login('refresh.ivy', 'watch');
    const a = await api.call('POST', '/api/v1/auth/refresh', { body: { refreshToken: first.refreshToken } });
    assert.equal(a.status, 200, a.text);
    const b = await api.call('POST', '/api/v1/auth/refresh', { body: { refreshToken: first.refreshToken } });
    assert.equal(b.status, 200, `repeat before the new pair is used: ${b.status} ${b.text}`);
    assertTokenResponse(b.body);
    assert.equal(b.body.sessionId, first.sessionId);
    assert.notEqual(b.body.refreshToken, a.body.refreshToken);
    const voidAccess = await api.call('GET', '/api/v1/users/me', { token: a.body.accessToken });
    assertProblem(voidAccess, 401, 'invalid_token', 'access token of the void pair');
    const voidRefresh = await api.call('POST', '/api/v1/auth/refresh', { body: { refreshToken: a.body.refreshToken } });
    assertProblem(voidRefresh, 401, 'invalid_refresh_token', 'refresh token of the void pair');
    const me = await api.call('GET', '/api/v1/users/me', { token: b.body.accessToken });
    assert.equal(me.status, 200, `the session lives on: ${me.status} ${me.text}`);
    const next = await api.call('POST', '/api/v1/auth/refresh', { body: { refreshToken: b.body.refreshToken } });
    assert.equal(next.status, 200, next.text);
  });

  test('refresh with an unknown refresh token: 401 invalid_refresh_token', T, async () => {
    const r = await api.call('POST', '/api/v1/auth/refresh', { body: { refreshToken: 'A'.repeat(43) } });
    assertProblem(r, 401, 'invalid_refresh_token');
  });

  test('sessions: list (newest first, current marked) and revoke another one', T, async () => {
    await api.register('sess.jack', { deviceName: 'first device' });
    const laptop = await api.login('sess.jack', 'laptop');
    const phone = await api.login('sess.jack', 'phone');
    const list = await api.call('GET', '/api/v1/auth/sessions', { token: phone.accessToken });
    assert.equal(list.status, 200, list.text);
    const { sessions } = list.body;
    assert.ok(Array.isArray(sessions));
    assert.equal(sessions.length, 3);
    for (const s of sessions) {
      assert.equal(typeof s.id, 'string'); assert.equal(typeof s.deviceName, 'string');
      assert.match(s.createdAt, TIMESTAMP); assert.match(s.lastUsedAt, TIMESTAMP); assert.equal(typeof s.current, 'boolean');
    }
    assert.deepEqual(sessions.map((s) => s.deviceName), ['phone', 'laptop', 'first device'], 'newest first');
    assert.deepEqual(sessions.filter((s) => s.current).map((s) => s.id), [phone.sessionId], 'only the caller\'s is current');
    assert.equal(sessions[1].id, laptop.sessionId);

    const del = await api.call('DELETE', `/api/v1/auth/sessions/${laptop.sessionId}`, { token: phone.accessToken });
    assert.equal(del.status, 204, del.text);
    const revokedAccess = await api.call('GET', '/api/v1/users/me', { token: laptop.accessToken });
    assertProblem(revokedAccess, 401, 'session_revoked', 'revoked session access token');
    const revokedRefresh = await api.call('POST', '/api/v1/auth/refresh', { body: { refreshToken: laptop.refreshToken } });
    assertProblem(revokedRefresh, 401, 'invalid_refresh_token', 'revoked session refresh token');
    const list2 = await api.call('GET', '/api/v1/auth/sessions', { token: phone.accessToken });
    assert.deepEqual(list2.body.sessions.map((s) => s.id).includes(laptop.sessionId), false);
    assert.equal(list2.body.sessions.length, 2);
    const again = await api.call('DELETE', `/api/v1/auth/sessions/${laptop.sessionId}`, { token: phone.accessToken });
    assertProblem(again, 404, 'session_not_found', 'already revoked');
  });

  test('sessions: another user\'s session is session_not_found', T, async () => {
    const kim = await api.register('sess.kim');
    const leo = await api.register('sess.leo');
    const r = await api.call('DELETE', `/api/v1/auth/sessions/${leo.sessionId}`, { token: kim.accessToken });
    assertProblem(r, 404, 'session_not_found');
    const me = await api.call('GET', '/api/v1/users/me', { token: leo.accessToken });
    assert.equal(me.status, 200, 'leo\'s session is untouched');
  });

  test('logout: 204, then the access token and the refresh token are refused', T, async () => {
    await api.register('logout.mia');
    const s = await api.login('logout.mia', 'kiosk');
    const r = await api.call('POST', '/api/v1/auth/logout', { token: s.accessToken });
    assert.equal(r.status, 204, r.text);
    const me = await api.call('GET', '/api/v1/users/me', { token: s.accessToken });
    assertProblem(me, 401, 'session_revoked', 'access token after logout');
    const ref = await api.call('POST', '/api/v1/auth/refresh', { body: { refreshToken: s.refreshToken } });
    assertProblem(ref, 401, 'invalid_refresh_token', 'refresh token after logout');
    const noToken = await api.call('POST', '/api/v1/auth/logout');
    assertProblem(noToken, 401, 'invalid_token', 'logout without a token');
  });

  test('users: by id, unknown id, me', T, async () => {
    const nina = await api.register('users.nina', { displayName: 'Nina' });
    const otto = await api.register('users.otto', { displayName: 'Otto' });
    const r = await api.call('GET', `/api/v1/users/${otto.user.id}`, { token: nina.accessToken });
    assert.equal(r.status, 200, r.text);
    assertUser(r.body);
    assert.deepEqual(r.body, { id: otto.user.id, username: 'users.otto', displayName: 'Otto' });
    const me = await api.call('GET', '/api/v1/users/me', { token: nina.accessToken });
    assert.deepEqual(me.body, nina.user);
    const missing = await api.call('GET', '/api/v1/users/ffffffffffffffffffffffffffffffff', { token: nina.accessToken });
    assertProblem(missing, 404, 'user_not_found');
  });

  test('users: search by username prefix, ordered by username, with limit', T, async () => {
    const pat = await api.register('pfx.pat');
    await api.register('pfx.abe');
    await api.register('pfx.max');
    await api.register('other.pfx');
    const r = await api.call('GET', '/api/v1/users?query=pfx.', { token: pat.accessToken });
    assert.equal(r.status, 200, r.text);
    assert.ok(Array.isArray(r.body.users));
    r.body.users.forEach((u) => assertUser(u));
    assert.deepEqual(r.body.users.map((u) => u.username), ['pfx.abe', 'pfx.max', 'pfx.pat']);
    const upper = await api.call('GET', '/api/v1/users?query=PFX.', { token: pat.accessToken });
    assert.equal(upper.status, 200, `case-insensitive query: ${upper.text}`);
    assert.deepEqual(upper.body, r.body, 'the query is case-insensitive');
    const lim = await api.call('GET', '/api/v1/users?query=pfx.&limit=2', { token: pat.accessToken });
    assert.deepEqual(lim.body.users.map((u) => u.username), ['pfx.abe', 'pfx.max']);
    const none = await api.call('GET', '/api/v1/users?query=pfx.zzz', { token: pat.accessToken });
    assert.equal(none.status, 200);
    assert.deepEqual(none.body, { users: [] });
    const bad = await api.call('GET', '/api/v1/users?query=', { token: pat.accessToken });
    assertProblem(bad, 400, 'validation_failed', 'empty query');
    const badLimit = await api.call('GET', '/api/v1/users?query=pfx&limit=51', { token: pat.accessToken });
    assertProblem(badLimit, 400, 'validation_failed', 'limit 51');
  });

  test('direct conversation: 201, then 200 with the same id from the other side', T, async () => {
    const quinn = await api.register('direct.quinn');
    const rosa = await api.register('direct.rosa');
    const a = await api.call('POST', '/api/v1/conversations', { token: quinn.accessToken, body: { type: 'direct', peerId: rosa.user.id } });
    assert.equal(a.status, 201, a.text);
    assertConversation(a.body);
    assert.equal(a.body.type, 'direct');
    assert.equal(a.body.title, undefined, 'no title on a direct conversation');
    assert.deepEqual([...a.body.memberIds].sort(), [quinn.user.id, rosa.user.id].sort());
    assert.equal(a.body.lastSeq, 0);
    assert.equal(a.body.lastMessage, undefined);
    const b = await api.call('POST', '/api/v1/conversations', { token: rosa.accessToken, body: { type: 'direct', peerId: quinn.user.id } });
    assert.equal(b.status, 200, b.text);
    assert.equal(b.body.id, a.body.id);
    const c = await api.call('POST', '/api/v1/conversations', { token: quinn.accessToken, body: { type: 'direct', peerId: rosa.user.id } });
    assert.equal(c.status, 200, c.text);
    assert.equal(c.body.id, a.body.id);
    const self = await api.call('POST', '/api/v1/conversations', { token: quinn.accessToken, body: { type: 'direct', peerId: quinn.user.id } });
    assertProblem(self, 400, 'validation_failed', 'direct with oneself');
    const ghost = await api.call('POST', '/api/v1/conversations',
      { token: quinn.accessToken, body: { type: 'direct', peerId: 'ffffffffffffffffffffffffffffffff' } });
    assertProblem(ghost, 404, 'user_not_found', 'direct with an unknown user');
  });

  test('group: created with the creator as owner; members see it as members', T, async () => {
    const sam = await api.register('group.sam');
    const tia = await api.register('group.tia');
    const uma = await api.register('group.uma');
    const r = await api.call('POST', '/api/v1/conversations',
      { token: sam.accessToken, body: { type: 'group', title: 'Interop group', memberIds: [tia.user.id, uma.user.id] } });
    assert.equal(r.status, 201, r.text);
    assertConversation(r.body);
    assert.equal(r.body.type, 'group');
    assert.equal(r.body.title, 'Interop group');
    assert.equal(r.body.role, 'owner');
    assert.deepEqual([...r.body.memberIds].sort(), [sam.user.id, tia.user.id, uma.user.id].sort());
    const seen = await api.call('GET', `/api/v1/conversations/${r.body.id}`, { token: tia.accessToken });
    assert.equal(seen.status, 200, seen.text);
    assert.equal(seen.body.id, r.body.id);
    assert.equal(seen.body.role, 'member');
    const list = await api.call('GET', '/api/v1/conversations', { token: uma.accessToken });
    assert.ok(list.body.conversations.some((c) => c.id === r.body.id));
    const noTitle = await api.call('POST', '/api/v1/conversations',
      { token: sam.accessToken, body: { type: 'group', title: '', memberIds: [tia.user.id] } });
    assertProblem(noTitle, 400, 'validation_failed', 'empty title');
  });

  test('send with clientMsgId: 201, and the same clientMsgId again gives 200 with the original', T, async () => {
    const vic = await api.register('send.vic');
    const wes = await api.register('send.wes');
    const conv = await api.createDirect(vic.accessToken, wes.user.id);
    const path = `/api/v1/conversations/${conv.id}/messages`;
    const first = await api.call('POST', path, { token: vic.accessToken, body: { clientMsgId: 'interop-msg-1', text: 'hello' } });
    assert.equal(first.status, 201, first.text);
    assertMessage(first.body);
    assert.equal(first.body.conversationId, conv.id);
    assert.equal(first.body.senderId, vic.user.id);
    assert.equal(first.body.clientMsgId, 'interop-msg-1');
    assert.equal(first.body.text, 'hello');
    assert.equal(first.body.seq, 1);
    const again = await api.call('POST', path, { token: vic.accessToken, body: { clientMsgId: 'interop-msg-1', text: 'hello' } });
    assert.equal(again.status, 200, again.text);
    assert.deepEqual(again.body, first.body, 'the original message');
    const changed = await api.call('POST', path, { token: vic.accessToken, body: { clientMsgId: 'interop-msg-1', text: 'different' } });
    assert.equal(changed.status, 200, changed.text);
    assert.equal(changed.body.id, first.body.id);
    assert.equal(changed.body.text, 'hello', 'still the original');
    // Idempotence is per sender: the peer may use the same clientMsgId.
    const peer = await api.call('POST', path, { token: wes.accessToken, body: { clientMsgId: 'interop-msg-1', text: 'hi' } });
    assert.equal(peer.status, 201, peer.text);
    assert.equal(peer.body.seq, 2);
    const history = await api.call('GET', path, { token: wes.accessToken });
    assert.deepEqual(history.body.messages.map((m) => m.seq), [1, 2], 'nothing extra created');
    const bad = await api.call('POST', path, { token: vic.accessToken, body: { clientMsgId: 'interop-msg-2', text: '   ' } });
    assertProblem(bad, 400, 'validation_failed', 'white-space text');
  });

  test('seq: starts at 1 and grows by exactly 1 across senders', T, async () => {
    const xena = await api.register('seq.xena');
    const yuri = await api.register('seq.yuri');
    const zoe = await api.register('seq.zoe');
    const g = await api.createGroup(xena.accessToken, 'seq group', [yuri.user.id, zoe.user.id]);
    const senders = [xena, yuri, zoe];
    const seqs = [];
    for (let i = 0; i < 12; i++) {
      const m = await api.send(senders[i % 3].accessToken, g.id, `seq-${i}`, `message ${i}`);
      seqs.push(m.seq);
    }
    // A few concurrent sends too: still no gap, no repeat.
    const burst = await Promise.all(senders.map((s, i) => api.send(s.accessToken, g.id, `burst-${i}`, `burst ${i}`)));
    seqs.push(...burst.map((m) => m.seq));
    assert.deepEqual(seqs.slice(0, 12), Array.from({ length: 12 }, (_, i) => i + 1));
    assert.deepEqual([...seqs].sort((a, b) => a - b), Array.from({ length: 15 }, (_, i) => i + 1));
    const h = await api.call('GET', `/api/v1/conversations/${g.id}/messages?limit=100`, { token: zoe.accessToken });
    assert.deepEqual(h.body.messages.map((m) => m.seq), Array.from({ length: 15 }, (_, i) => i + 1));
    const c = await api.call('GET', `/api/v1/conversations/${g.id}`, { token: zoe.accessToken });
    assert.equal(c.body.lastSeq, 15);
  });

  test('history paging: neither bound, afterSeq, beforeSeq, both; hasMore; limit validation', T, async () => {
    const ada = await api.register('page.ada');
    const bo = await api.register('page.bo');
    const conv = await api.createDirect(ada.accessToken, bo.user.id);
    for (let i = 1; i <= 10; i++) await api.send(ada.accessToken, conv.id, `page-${i}`, `text ${i}`);
    const page = async (qs) => {
      const r = await api.call('GET', `/api/v1/conversations/${conv.id}/messages${qs}`, { token: bo.accessToken });
      assert.equal(r.status, 200, `${qs}: ${r.text}`);
      assert.equal(typeof r.body.hasMore, 'boolean', `${qs}: hasMore`);
      r.body.messages.forEach(assertMessage);
      return { seqs: r.body.messages.map((m) => m.seq), hasMore: r.body.hasMore };
    };
    const range = (a, b) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
    assert.deepEqual(await page(''), { seqs: range(1, 10), hasMore: false }, 'no parameters');
    assert.deepEqual(await page('?limit=3'), { seqs: [8, 9, 10], hasMore: true }, 'newest 3');
    assert.deepEqual(await page('?limit=10'), { seqs: range(1, 10), hasMore: false }, 'newest 10 of 10');
    assert.deepEqual(await page('?afterSeq=2&limit=3'), { seqs: [3, 4, 5], hasMore: true }, 'afterSeq=2');
    assert.deepEqual(await page('?afterSeq=7&limit=3'), { seqs: [8, 9, 10], hasMore: false }, 'afterSeq=7');
    assert.deepEqual(await page('?afterSeq=10'), { seqs: [], hasMore: false }, 'afterSeq=10');
    assert.deepEqual(await page('?afterSeq=0&limit=3'), { seqs: [1, 2, 3], hasMore: true }, 'afterSeq=0');
    assert.deepEqual(await page('?beforeSeq=9&limit=3'), { seqs: [6, 7, 8], hasMore: true }, 'beforeSeq=9');
    assert.deepEqual(await page('?beforeSeq=4&limit=3'), { seqs: [1, 2, 3], hasMore: false }, 'beforeSeq=4');
    assert.deepEqual(await page('?beforeSeq=1'), { seqs: [], hasMore: false }, 'beforeSeq=1');
    assert.deepEqual(await page('?afterSeq=2&beforeSeq=9&limit=3'), { seqs: [3, 4, 5], hasMore: true }, 'both, more above');
    assert.deepEqual(await page('?afterSeq=2&beforeSeq=6&limit=3'), { seqs: [3, 4, 5], hasMore: false }, 'both, exhausted');
    assert.deepEqual(await page('?afterSeq=2&beforeSeq=6'), { seqs: [3, 4, 5], hasMore: false }, 'both, default limit');
    for (const qs of ['?limit=0', '?limit=101', '?afterSeq=-1', '?beforeSeq=-1']) {
      const r = await api.call('GET', `/api/v1/conversations/${conv.id}/messages${qs}`, { token: bo.accessToken });
      assertProblem(r, 400, 'validation_failed', qs);
    }
    const ok = await page('?limit=100');
    assert.equal(ok.seqs.length, 10);
  });

  test('read marker and unreadCount in the conversation list', T, async () => {
    const cy = await api.register('read.cy');
    const di = await api.register('read.di');
    const conv = await api.createDirect(cy.accessToken, di.user.id);
    let last;
    for (let i = 1; i <= 5; i++) last = await api.send(cy.accessToken, conv.id, `read-${i}`, `unread ${i}`);
    const listed = async (who) => {
      const r = await api.call('GET', '/api/v1/conversations', { token: who.accessToken });
      assert.equal(r.status, 200, r.text);
      const c = r.body.conversations.find((x) => x.id === conv.id);
      assert.ok(c, 'the conversation is listed');
      assertConversation(c);
      return c;
    };
    let d = await listed(di);
    assert.deepEqual([d.lastSeq, d.readSeq, d.unreadCount], [5, 0, 5]);
    assert.deepEqual(d.lastMessage, last, 'lastMessage is the newest message');
    const c = await listed(cy);
    assert.deepEqual([c.lastSeq, c.readSeq, c.unreadCount], [5, 5, 0], 'sending moves the sender\'s marker');
    const read = (seq) => api.call('POST', `/api/v1/conversations/${conv.id}/read`, { token: di.accessToken, body: { seq } });
    let r = await read(3);
    assert.equal(r.status, 204, r.text);
    d = await listed(di);
    assert.deepEqual([d.readSeq, d.unreadCount], [3, 2]);
    r = await read(1);
    assert.equal(r.status, 204, 'moving back is still 204');
    d = await listed(di);
    assert.deepEqual([d.readSeq, d.unreadCount], [3, 2], 'the marker never moves back');
    assertProblem(await read(6), 400, 'validation_failed', 'seq > lastSeq');
    assertProblem(await read(-1), 400, 'validation_failed', 'seq < 0');
    r = await read(5);
    assert.equal(r.status, 204);
    const one = await api.call('GET', `/api/v1/conversations/${conv.id}`, { token: di.accessToken });
    assert.deepEqual([one.body.readSeq, one.body.unreadCount], [5, 0]);
  });

  test('conversation list: most recently active first', T, async () => {
    const eve = await api.register('order.eve');
    const fay = await api.register('order.fay');
    const gus = await api.register('order.gus');
    const c1 = await api.createDirect(eve.accessToken, fay.user.id);
    const c2 = await api.createDirect(eve.accessToken, gus.user.id);
    const ids = async () => (await api.call('GET', '/api/v1/conversations', { token: eve.accessToken })).body.conversations.map((c) => c.id);
    assert.deepEqual(await ids(), [c2.id, c1.id], 'newest creation first');
    await api.send(fay.accessToken, c1.id, 'order-1', 'bump');
    assert.deepEqual(await ids(), [c1.id, c2.id], 'a new message moves it to the top');
  });

  test('a non-member gets 404 conversation_not_found on every conversation route', T, async () => {
    const hal = await api.register('member.hal');
    const ian = await api.register('member.ian');
    const mal = await api.register('member.mallory');
    const direct = await api.createDirect(hal.accessToken, ian.user.id);
    const group = await api.createGroup(hal.accessToken, 'members only', [ian.user.id]);
    await api.send(hal.accessToken, direct.id, 'member-1', 'secret');
    await api.send(hal.accessToken, group.id, 'member-2', 'secret');
    for (const id of [direct.id, group.id, 'ffffffffffffffffffffffffffffffff']) {
      const routes = [
        ['GET', `/api/v1/conversations/${id}`],
        ['PATCH', `/api/v1/conversations/${id}`, { title: 'x' }],
        ['PATCH', `/api/v1/conversations/${id}`, { title: '' }],
        ['GET', `/api/v1/conversations/${id}/messages`],
        ['GET', `/api/v1/conversations/${id}/messages?limit=0`],
        ['POST', `/api/v1/conversations/${id}/messages`, { clientMsgId: 'mal-1', text: 'hi' }],
        ['POST', `/api/v1/conversations/${id}/messages`, { clientMsgId: '', text: '' }],
        ['POST', `/api/v1/conversations/${id}/read`, { seq: 1 }],
        ['POST', `/api/v1/conversations/${id}/read`, { seq: -5 }],
        ['GET', `/api/v1/conversations/${id}/members`],
        ['POST', `/api/v1/conversations/${id}/members`, { userIds: [mal.user.id] }],
        ['DELETE', `/api/v1/conversations/${id}/members/${mal.user.id}`],
        ['DELETE', `/api/v1/conversations/${id}/members/${ian.user.id}`],
        ['PATCH', `/api/v1/conversations/${id}/members/${mal.user.id}`, { role: 'owner' }],
      ];
      for (const [method, path, body] of routes) {
        const r = await api.call(method, path, { token: mal.accessToken, body });
        assertProblem(r, 404, 'conversation_not_found', `${method} ${path} ${JSON.stringify(body ?? null)}`);
      }
    }
    const list = await api.call('GET', '/api/v1/conversations', { token: mal.accessToken });
    assert.deepEqual(list.body, { conversations: [] });
    // Nothing leaked in: the members still see only their messages.
    const h = await api.call('GET', `/api/v1/conversations/${group.id}/messages`, { token: ian.accessToken });
    assert.deepEqual(h.body.messages.map((m) => m.text), ['secret']);
  });

  test('Problem Details shape on several kinds of error', T, async () => {
    const jo = await api.register('problem.jo');
    const cases = [
      [await api.call('GET', '/api/v1/users/me'), 401, 'invalid_token'],
      [await api.call('GET', '/api/v1/no-such-route', { token: jo.accessToken }), 404, 'not_found'],
      [await api.call('DELETE', '/api/v1/users/me', { token: jo.accessToken }), 405, 'method_not_allowed'],
      [await api.call('POST', '/api/v1/auth/login', { rawBody: '{"username": ' }), 400, 'malformed_request'],
      [await api.call('POST', '/api/v1/auth/login', { rawBody: '[1,2]' }), 400, 'malformed_request'],
      [await api.call('POST', '/api/v1/auth/register', { body: { username: 'problem.kay', password: 'password' } }), 400, 'validation_failed'],
      [await api.call('POST', '/api/v1/auth/register', { rawBody: JSON.stringify({ username: 'big', password: 'x'.repeat(70_000) }) }), 413, 'request_too_large'],
    ];
    for (const [r, status, code] of cases) {
      assertProblem(r, status, code);
      for (const member of ['type', 'title']) assert.equal(typeof r.body[member], 'string', `${code}: ${member}`);
      assert.doesNotMatch(r.text, /eyJ[A-Za-z0-9_-]+\./, `${code}: no token in the body`);
    }
    assert.ok(cases[5][0].body.errors?.password, 'validation_failed names the field');
  });
});
