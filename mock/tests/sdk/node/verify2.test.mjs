// Vonage's official Node SDK (@vonage/verify2 with @vonage/auth, pinned in package.json)
// against the mock binary that ../run starts: the SDK is used as its documentation shows,
// pointed at the mock with `apiHost`; codes come from the mock's control API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Auth } from '@vonage/auth';
import { Verify2 } from '@vonage/verify2';

const url = process.env.MOCK_URL;
const credentials = {
  apiKey: process.env.MOCK_API_KEY,
  apiSecret: process.env.MOCK_API_SECRET,
  applicationId: process.env.MOCK_APPLICATION_ID,
  privateKey: readFileSync(process.env.MOCK_PRIVATE_KEY),
};

/** A client as the SDK makes it: JWT auth, its default for Verify v2. */
function jwtClient() {
  return new Verify2(new Auth(credentials), { apiHost: url });
}

/** The same SDK with HTTP Basic, which it offers through `authType`. */
function basicClient() {
  const client = new Verify2(new Auth(credentials), { apiHost: url });
  client.authType = 'basic';
  return client;
}

/** The code the mock sent for a verification, from its control API. */
async function codeOf(requestId) {
  const response = await fetch(`${url}/_mock/inbox?request_id=${requestId}`);
  assert.equal(response.status, 200);
  const [message] = await response.json();
  assert.ok(message, `the mock has a message for ${requestId}`);
  return message.code;
}

/** The HTTP status the SDK's error carries. */
async function statusOf(promise) {
  try {
    await promise;
  } catch (error) {
    return error.response?.status;
  }
  assert.fail('the call succeeded');
}

const sms = (to) => ({ brand: 'ACME', workflow: [{ channel: 'sms', to }] });

test('start, a wrong code, the right code (JWT)', async () => {
  const verify = jwtClient();
  const { requestId } = await verify.newRequest(sms('447700900501'));
  assert.match(requestId, /^[0-9a-f-]{36}$/);
  const code = await codeOf(requestId);
  const wrong = code === '0000' ? '1111' : '0000';
  assert.equal(await statusOf(verify.checkCode(requestId, wrong)), 400);
  assert.equal(await verify.checkCode(requestId, code), 'completed');
  // A code is good once: the verification is over.
  assert.equal(await statusOf(verify.checkCode(requestId, code)), 404);
});

test('a concurrent start to the same number is refused', async () => {
  const verify = jwtClient();
  const { requestId } = await verify.newRequest(sms('447700900502'));
  assert.equal(await statusOf(verify.newRequest(sms('447700900502'))), 409);
  assert.equal(await verify.cancel(requestId), true);
});

test('cancel ends a verification', async () => {
  const verify = jwtClient();
  const { requestId } = await verify.newRequest(sms('447700900503'));
  assert.equal(await verify.cancel(requestId), true);
  const code = await codeOf(requestId);
  assert.equal(await statusOf(verify.checkCode(requestId, code)), 404);
  // The SDK reports a second cancel as `false` (the mock answers 404).
  assert.equal(await verify.cancel(requestId), false);
});

test('next workflow moves on, then has nowhere to go', async () => {
  const verify = jwtClient();
  const { requestId } = await verify.newRequest({
    brand: 'ACME',
    workflow: [
      { channel: 'sms', to: '447700900504' },
      { channel: 'voice', to: '447700900504' },
    ],
  });
  assert.equal(await verify.nextWorkflow(requestId), true);
  // No step left: the mock answers 409, which the SDK reports as `false`.
  assert.equal(await verify.nextWorkflow(requestId), false);
  // The code is the same for every step.
  assert.equal(await verify.checkCode(requestId, await codeOf(requestId)), 'completed');
});

test('silent authentication: follow the check URL, then check its code', async () => {
  const verify = jwtClient();
  // A Virtual Operator test number that the carrier recognises (even last digit).
  const to = '990123456782';
  const { requestId, checkUrl } = await verify.newRequest({
    brand: 'ACME',
    workflow: [
      { channel: 'silent_auth', to },
      { channel: 'sms', to },
    ],
  });
  assert.ok(checkUrl.startsWith(`${url}/v2/verify/${requestId}/silent-auth/redirect`), checkUrl);
  // The device opens the check URL over its mobile data, without credentials.
  const carrier = await fetch(checkUrl);
  assert.equal(carrier.status, 200);
  const confirmed = await carrier.json();
  assert.equal(confirmed.request_id, requestId);
  assert.equal(await verify.checkCode(requestId, confirmed.code), 'completed');
});

test('HTTP Basic: the SDK offers it, and it works for codes but not silent auth', async () => {
  const verify = basicClient();
  const { requestId } = await verify.newRequest(sms('447700900505'));
  assert.equal(await verify.checkCode(requestId, await codeOf(requestId)), 'completed');
  // Vonage documents silent authentication for JWT (or bearer) auth only.
  const silent = { brand: 'ACME', workflow: [{ channel: 'silent_auth', to: '990123456784' }] };
  assert.equal(await statusOf(verify.newRequest(silent)), 401);
});

test('the mock saw JWTs and Basic as the SDK sent them', async () => {
  const response = await fetch(`${url}/_mock/requests`);
  const requests = await response.json();
  const schemes = new Set(requests.map((r) => r.auth_scheme));
  assert.ok(schemes.has('Bearer') && schemes.has('Basic'), [...schemes].join(', '));
});
