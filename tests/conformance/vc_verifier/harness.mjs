// Shared by verify.mjs (one credential a process) and warm_verify.mjs (many in one
// process): the offline fetch guard, the bundled documents, and the one-verdict summary.

import {existsSync, readFileSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';

export const HERE = dirname(fileURLToPath(import.meta.url));
export const VERIFIER_PACKAGE = '@digitalcredentials/verifier-core';
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
// The platform's bundled contexts and JSON schema (URL -> file, with digests).
export const DEFAULT_MANIFEST = resolve(
  HERE, '..', '..', '..', 'layers', 'common', 'badgehub', 'data',
  'manifest.json');

export class UsageError extends Error {}
export class UnsupportedInput extends Error {}

export function readManifest(path) {
  let manifest;
  try {
    manifest = JSON.parse(readOptionFile('--manifest', path).toString('utf8'));
  } catch(e) {
    throw e instanceof UsageError ? e :
      new UsageError(`--manifest ${path} is not JSON: ${e.message}`);
  }
  if(!Array.isArray(manifest?.documents)) {
    throw new UsageError(`--manifest ${path} has no "documents" array`);
  }
  return manifest.documents.map(({url, file}) => [
    stripFragment(url), readOptionFile('--manifest', join(dirname(path), file))
  ]);
}

export function readOptionFile(option, path) {
  try {
    return readFileSync(path);
  } catch(e) {
    throw new UsageError(`${option}: cannot read ${path}: ${e.message}`);
  }
}

export function stripFragment(url) {
  const hash = url.indexOf('#');
  return hash === -1 ? url : url.slice(0, hash);
}

export function requestUrl(input) {
  if(typeof input === 'string') {
    return input;
  }
  if(input instanceof URL) {
    return input.href;
  }
  return input?.url ?? String(input);
}

// Replace the global fetch: local hosts pass through, --serve URLs are
// answered from files, everything else is refused without touching the
// network.
// `memory` (optional) answers URLs with recorded responses ({status, contentType,
// body}); `record` (optional Map) keeps every response fetched for real, by URL.
export function installFetchGuard({
  serve, httpsAsHttp, network, memory = null, record = null
}) {
  const realFetch = globalThis.fetch;
  globalThis.fetch = async function guardedFetch(input, init) {
    const url = requestUrl(input);
    const entry = {url};
    network.push(entry);
    const key = stripFragment(url);
    if(serve.has(key)) {
      entry.outcome = 'served-from-file';
      entry.status = 200;
      return new Response(serve.get(key), {
        status: 200,
        headers: {'content-type': 'application/json'}
      });
    }
    if(memory?.has(key)) {
      const kept = memory.get(key);
      entry.outcome = 'served-from-memory';
      entry.status = kept.status;
      return new Response(kept.body, {
        status: kept.status, headers: {'content-type': kept.contentType}
      });
    }
    let parsed;
    try {
      parsed = new URL(url);
    } catch{
      entry.outcome = 'blocked';
      throw new TypeError(`offline harness: invalid URL "${url}"`);
    }
    if(!LOCAL_HOSTS.has(parsed.hostname) ||
      !['http:', 'https:'].includes(parsed.protocol)) {
      entry.outcome = 'blocked';
      throw new TypeError(
        `offline harness: network access to ${url} is blocked ` +
        '(only 127.0.0.1, localhost and [::1] are reachable)');
    }
    let target = input;
    if(httpsAsHttp && parsed.protocol === 'https:') {
      parsed.protocol = 'http:';
      entry.rewrittenTo = parsed.href;
      target = input instanceof Request ?
        new Request(parsed.href, input) : parsed.href;
    }
    try {
      const response = await realFetch(target, init);
      entry.outcome = 'fetched';
      entry.status = response.status;
      if(record) {
        record.set(key, {
          status: response.status,
          contentType: response.headers.get('content-type') ?? '',
          body: await response.clone().text()
        });
      }
      return response;
    } catch(e) {
      entry.outcome = 'failed';
      entry.error = `${e.message}${e.cause ? `: ${e.cause.message}` : ''}`;
      throw e;
    }
  };
}

// Errors are not JSON-serialisable; keep what a reader needs.
export function plain(value, seen = new WeakSet()) {
  if(value === null || typeof value !== 'object') {
    return value;
  }
  if(seen.has(value)) {
    return '[circular]';
  }
  seen.add(value);
  if(value instanceof Error) {
    const out = {name: value.name, message: value.message};
    for(const key of ['code', 'requestUrl', 'status']) {
      if(value[key] !== undefined) {
        out[key] = plain(value[key], seen);
      }
    }
    if(value.errors) {
      out.errors = plain(value.errors, seen);
    }
    if(value.cause) {
      out.cause = plain(value.cause, seen);
    }
    if(value.details) {
      out.details = plain(value.details, seen);
    }
    return out;
  }
  if(Array.isArray(value)) {
    return value.map(v => plain(v, seen));
  }
  const out = {};
  for(const [key, v] of Object.entries(value)) {
    if(key === 'stack') {
      continue;
    }
    if(key === 'stackTrace') {
      // verifier-core puts whole Error objects (or stack strings) here
      out[key] = typeof v === 'string' ? v.split('\n')[0] : plain(v, seen);
      continue;
    }
    out[key] = plain(v, seen);
  }
  return out;
}

export function statusEntries(credential) {
  const cs = credential.credentialStatus;
  if(!cs) {
    return [];
  }
  return (Array.isArray(cs) ? cs : [cs])
    .filter(s => s && s.type === 'BitstringStatusListEntry');
}

// Reduce verifier-core's per-step result to one verdict. verifier-core itself
// deliberately leaves that to the caller: here a credential is verified when
// no fatal error occurred, the signature step is valid, no step carries an
// error or valid=false (except registered_issuer: there are no registries
// offline), and each BitstringStatusListEntry has a matching <purpose>_status
// step that is valid. The schema check is reported but does not count.
export function summarise(credential, result) {
  const errors = [];
  if(Array.isArray(result.errors)) {
    errors.push(...result.errors);
  }
  if(result.error) {
    errors.push(result.error);
  }
  const log = Array.isArray(result.log) ? result.log : [];
  const step = id => log.find(entry => entry.id === id);
  const signatureStep = step('valid_signature');
  let verified = errors.length === 0 && signatureStep?.valid === true;
  for(const entry of log) {
    if(entry.id === 'registered_issuer') {
      continue;
    }
    if(entry.error || entry.valid === false) {
      verified = false;
    }
  }
  const status = {};
  for(const entry of statusEntries(credential)) {
    const purpose = entry.statusPurpose;
    const s = step(`${purpose}_status`);
    if(s?.error) {
      status[purpose] = 'error';
    } else if(s?.valid === true) {
      status[purpose] = purpose === 'revocation' ? 'not_revoked' : 'valid';
    } else if(s?.valid === false) {
      status[purpose] = purpose === 'revocation' ? 'revoked' : 'invalid';
    } else {
      status[purpose] = 'not_checked';
    }
    if(s?.valid !== true) {
      verified = false;
    }
  }
  const expiration = step('expiration');
  const registry = step('registered_issuer');
  const schemaInfo = (result.additionalInformation ?? [])
    .find(entry => entry.id === 'schema_check');
  let schema = {checked: false};
  if(schemaInfo) {
    if(Array.isArray(schemaInfo.results)) {
      schema = {
        checked: true,
        valid: schemaInfo.results.every(r => r.result?.valid === true),
        results: schemaInfo.results
      };
    } else {
      schema = {checked: false, reason: schemaInfo.results};
    }
  }
  return {
    verified,
    signature: signatureStep?.valid === true ? 'valid' :
      (errors.length ? 'invalid_or_unchecked' : 'not_checked'),
    expiration: expiration ? expiration.valid : null,
    status,
    registeredIssuer: registry ?
      {valid: registry.valid, matchingIssuers: registry.matchingIssuers,
        uncheckedRegistries: registry.uncheckedRegistries} : null,
    schema,
    errors
  };
}

// verifier-core's package.json ({package, version}), or a clear error when not installed.
export function installedVerifier() {
  try {
    const pkg = JSON.parse(readFileSync(
      join(HERE, 'node_modules', ...VERIFIER_PACKAGE.split('/'),
        'package.json'), 'utf8'));
    return {package: VERIFIER_PACKAGE, version: pkg.version};
  } catch(e) {
    throw new Error(`${VERIFIER_PACKAGE} is not installed next to ` +
      `verify.mjs (run: bash install.sh): ${e.message}`);
  }
}

export {existsSync};
