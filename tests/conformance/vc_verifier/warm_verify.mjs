#!/usr/bin/env node
// Benchmark driver: verifies many credentials with verifier-core in ONE warm
// process (modules loaded and contexts parsed once), as a service would, and
// prints each verification's time.
//
//   node warm_verify.mjs < request.json
//
// request: {"credentials": [...], "rounds": N,
//           "memory": {url: {status, contentType, body}},   (optional)
//           "record": true}                                  (optional)
// Fetches: the bundled documents (contexts, schema) from the manifest, as in
// verify.mjs; then `memory`; anything else from 127.0.0.1 only (did:web and
// status lists from the running platform; NODE_EXTRA_CA_CERTS for its CA).
// With "record", every real fetch is returned (to replay from memory later).
//
// Output: {"verifier", "verified": [..first pass..], "ms": [[..one round..]],
//          "fetched": count of real fetches in the timed rounds, "recorded"}.

import {readFileSync} from 'node:fs';

import {
  DEFAULT_MANIFEST, VERIFIER_PACKAGE, installFetchGuard, installedVerifier,
  readManifest, summarise
} from './harness.mjs';

for(const method of ['log', 'info', 'warn', 'debug', 'trace']) {
  console[method] = (...args) => console.error(...args);
}

const request = JSON.parse(readFileSync(0, 'utf8'));
const credentials = request.credentials ?? [];
const rounds = request.rounds ?? 5;
const serve = new Map(readManifest(DEFAULT_MANIFEST));
const memory = new Map(Object.entries(request.memory ?? {}));
const record = request.record ? new Map() : null;
const network = [];
installFetchGuard({serve, httpsAsHttp: false, network, memory, record});

const verifier = installedVerifier();
const {verifyCredential} = await import(VERIFIER_PACKAGE);

async function verifyOne(credential) {
  const raw = await verifyCredential({credential, knownDIDRegistries: []});
  return summarise(credential, raw).verified;
}

// The first pass warms the process (and records); it is not timed.
const verified = [];
for(const credential of credentials) {
  verified.push(await verifyOne(credential));
}
network.length = 0;
const ms = [];
for(let round = 0; round < rounds; round++) {
  const times = [];
  for(const credential of credentials) {
    const start = process.hrtime.bigint();
    await verifyOne(credential);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  ms.push(times);
}
const fetched = network.filter(entry => entry.outcome === 'fetched').length;
process.stdout.write(JSON.stringify({
  verifier, verified, ms, fetched,
  recorded: record ? Object.fromEntries(record) : null
}) + '\n');
