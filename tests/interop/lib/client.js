// A tiny REST client for TokenIM written from docs/protocol.md, plus assertion helpers.
import assert from 'node:assert/strict';

export const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
export const PASSWORD = 'interop-Passw0rd-7vQ!';

export function client(baseUrl) {
  /** One request. Returns { status, headers, body (parsed JSON or null), text }. */
  async function call(method, path, { token, body, rawBody, headers = {} } = {}) {
    const h = { ...headers };
    if (token !== undefined) h.authorization = `Bearer ${token}`;
    let payload;
    if (rawBody !== undefined) { payload = rawBody; h['content-type'] ??= 'application/json'; }
    else if (body !== undefined) { payload = JSON.stringify(body); h['content-type'] = 'application/json'; }
    const res = await fetch(baseUrl + path, {
      method, headers: h, body: payload, redirect: 'manual', signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    let parsed = null;
    if (text.length > 0) { try { parsed = JSON.parse(text); } catch { parsed = null; } }
    return { status: res.status, headers: res.headers, body: parsed, text };
  }

  async function register(username, extra = {}) {
    const r = await call('POST', '/api/v1/auth/register', { body: { username, password: PASSWORD, ...extra } });
    assert.equal(r.status, 201, `register ${username}: ${r.status} ${r.text}`);
    return r.body;
  }

  async function login(username, deviceName) {
    const r = await call('POST', '/api/v1/auth/login', { body: { username, password: PASSWORD, deviceName } });
    assert.equal(r.status, 200, `login ${username}: ${r.status} ${r.text}`);
    return r.body;
  }

  async function createDirect(token, peerId) {
    const r = await call('POST', '/api/v1/conversations', { token, body: { type: 'direct', peerId } });
    assert.ok(r.status === 201 || r.status === 200, `create direct: ${r.status} ${r.text}`);
    return r.body;
  }

  async function createGroup(token, title, memberIds) {
    const r = await call('POST', '/api/v1/conversations', { token, body: { type: 'group', title, memberIds } });
    assert.equal(r.status, 201, `create group: ${r.status} ${r.text}`);
    return r.body;
  }

  async function send(token, conversationId, clientMsgId, text) {
    const r = await call('POST', `/api/v1/conversations/${conversationId}/messages`, { token, body: { clientMsgId, text } });
    assert.equal(r.status, 201, `send ${clientMsgId}: ${r.status} ${r.text}`);
    return r.body;
  }

  return { call, register, login, createDirect, createGroup, send, baseUrl };
}

/** Asserts an RFC 9457 Problem Details answer with the given status and `code`. */
export function assertProblem(r, status, code, context = '') {
  const where = `${context}${context ? ': ' : ''}${r.status} ${r.text}`;
  assert.equal(r.status, status, `status, ${where}`);
  const ct = r.headers.get('content-type') ?? '';
  assert.match(ct, /^application\/problem\+json\b/i, `content-type "${ct}", ${where}`);
  assert.ok(r.body && typeof r.body === 'object', `JSON object body, ${where}`);
  assert.equal(typeof r.body.code, 'string', `string code, ${where}`);
  assert.equal(r.body.code, code, `code, ${where}`);
  assert.equal(r.body.status, status, `status member, ${where}`);
}

export function assertUser(u, what = 'user') {
  assert.ok(u && typeof u === 'object', `${what} is an object`);
  assert.equal(typeof u.id, 'string', `${what}.id is a string`);
  assert.ok(u.id.length > 0 && u.id.length <= 64, `${what}.id is 1-64 characters`);
  assert.equal(typeof u.username, 'string', `${what}.username is a string`);
  assert.equal(typeof u.displayName, 'string', `${what}.displayName is a string`);
}

export function assertTokenResponse(t) {
  assert.ok(t && typeof t === 'object', 'token response is an object');
  assertUser(t.user, 'token response user');
  assert.equal(typeof t.accessToken, 'string', 'accessToken is a string');
  assert.equal(t.accessToken.split('.').length, 3, 'accessToken is a compact JWS');
  assert.equal(typeof t.refreshToken, 'string', 'refreshToken is a string');
  assert.match(t.refreshToken, /^[A-Za-z0-9_-]{43}$/, 'refreshToken is 43 base64url characters');
  assert.ok(Number.isInteger(t.expiresIn) && t.expiresIn > 0, `expiresIn is a positive integer (${t.expiresIn})`);
  assert.equal(typeof t.sessionId, 'string', 'sessionId is a string');
  assert.ok(t.sessionId.length > 0 && t.sessionId.length <= 64, 'sessionId is 1-64 characters');
}

export function assertMessage(m) {
  assert.equal(typeof m.id, 'string');
  assert.equal(typeof m.conversationId, 'string');
  assert.ok(Number.isInteger(m.seq) && m.seq >= 1, `seq ${m.seq}`);
  assert.equal(typeof m.senderId, 'string');
  assert.equal(typeof m.clientMsgId, 'string');
  assert.equal(typeof m.text, 'string');
  assert.match(m.createdAt, TIMESTAMP);
}

export function assertConversation(c) {
  assert.equal(typeof c.id, 'string');
  assert.ok(c.type === 'direct' || c.type === 'group', `type ${c.type}`);
  assert.ok(Array.isArray(c.memberIds), 'memberIds is an array');
  assert.ok(Number.isInteger(c.lastSeq) && c.lastSeq >= 0, `lastSeq ${c.lastSeq}`);
  assert.ok(Number.isInteger(c.readSeq) && c.readSeq >= 0, `readSeq ${c.readSeq}`);
  assert.ok(Number.isInteger(c.unreadCount), `unreadCount ${c.unreadCount}`);
  assert.equal(c.unreadCount, c.lastSeq - c.readSeq, 'unreadCount = lastSeq - readSeq');
  assert.match(c.updatedAt, TIMESTAMP);
  assert.match(c.createdAt, TIMESTAMP);
  assert.ok(['owner', 'admin', 'member'].includes(c.role), `role ${c.role}`);
}
