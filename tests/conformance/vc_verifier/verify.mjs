#!/usr/bin/env node
// Offline conformance harness: verifies one Verifiable Credential with the
// Digital Credentials Consortium's @digitalcredentials/verifier-core and
// prints a single JSON result on stdout.
//
//   node verify.mjs [options] <credential.json | ->
//
// Options:
//   --jwt                  the input is a VC-JWT compact string (reported as
//                          unsupported: verifier-core has no VC-JWT support)
//   --serve URL=FILE       answer GET requests for URL with the contents of
//                          FILE (e.g. an offline copy of a JSON schema);
//                          may be repeated
//   --manifest FILE        serve every document listed in FILE, a JSON
//                          {"documents": [{"url", "file"}]} with files
//                          relative to it (default: the platform's bundled
//                          documents, layers/common/badgehub/data/
//                          manifest.json, when present); --serve wins
//   --no-manifest          serve no bundled documents
//   --registries FILE      JSON array of known DID registries handed to
//                          verifier-core (default: [], no registry lookups)
//   --localhost-https-as-http
//                          rewrite https://127.0.0.1|localhost|[::1] requests
//                          to http:// (lets did:web point at a plain local
//                          HTTP server; did:web itself is https-only)
//   --keep-credential      include the credential echoed by verifier-core
//   --pretty               indent the JSON output
//
// Network: the global fetch may reach 127.0.0.1, localhost and [::1] only;
// anything else fails at once with an "offline harness" TypeError (the HTTP
// client inside verifier-core may retry it twice, ~1 s in all). Every request
// is listed in the "network" field of the result.
//
// Exit codes: 0 the verifier ran (whatever it concluded); 2 bad usage or
// unreadable input; 3 unsupported input format (VC-JWT); 1 the harness broke.

import {existsSync, readFileSync} from 'node:fs';
import {dirname, join, relative, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const VERIFIER_PACKAGE = '@digitalcredentials/verifier-core';
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
// The platform's bundled contexts and JSON schema (URL -> file, with digests).
const DEFAULT_MANIFEST = resolve(
  HERE, '..', '..', '..', 'layers', 'common', 'badgehub', 'data',
  'manifest.json');

// verifier-core and its dependencies log with console.log (schema fetch
// failures, registry errors). stdout carries only the JSON result, so every
// console method goes to stderr.
for(const method of ['log', 'info', 'warn', 'debug', 'trace']) {
  console[method] = (...args) => console.error(...args);
}

class UsageError extends Error {}
class UnsupportedInput extends Error {}

function parseArgs(argv) {
  const opts = {
    jwt: false, serve: new Map(), registries: [], httpsAsHttp: false,
    keepCredential: false, pretty: false, input: null,
    manifest: existsSync(DEFAULT_MANIFEST) ? DEFAULT_MANIFEST : null
  };
  for(let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = () => {
      if(i + 1 >= argv.length) {
        throw new UsageError(`${arg} needs a value`);
      }
      return argv[++i];
    };
    if(arg === '--jwt') {
      opts.jwt = true;
    } else if(arg === '--serve') {
      const spec = next();
      const eq = spec.lastIndexOf('=');
      if(eq <= 0) {
        throw new UsageError(`--serve expects URL=FILE, got "${spec}"`);
      }
      const url = stripFragment(spec.slice(0, eq));
      opts.serve.set(url, readOptionFile(arg, spec.slice(eq + 1)));
    } else if(arg === '--manifest') {
      opts.manifest = resolve(next());
    } else if(arg === '--no-manifest') {
      opts.manifest = null;
    } else if(arg === '--registries') {
      let parsed;
      try {
        parsed = JSON.parse(readOptionFile(arg, next()).toString('utf8'));
      } catch(e) {
        throw e instanceof UsageError ? e :
          new UsageError(`--registries file is not JSON: ${e.message}`);
      }
      if(!Array.isArray(parsed)) {
        throw new UsageError('--registries file must hold a JSON array');
      }
      opts.registries = parsed;
    } else if(arg === '--localhost-https-as-http') {
      opts.httpsAsHttp = true;
    } else if(arg === '--keep-credential') {
      opts.keepCredential = true;
    } else if(arg === '--pretty') {
      opts.pretty = true;
    } else if(arg === '-h' || arg === '--help') {
      throw new UsageError('help');
    } else if(arg === '-' || !arg.startsWith('--')) {
      if(opts.input !== null) {
        throw new UsageError('only one input may be given');
      }
      opts.input = arg;
    } else {
      throw new UsageError(`unknown option ${arg}`);
    }
  }
  if(opts.input === null) {
    throw new UsageError('missing input path (or - for stdin)');
  }
  if(opts.manifest) {
    for(const [url, body] of readManifest(opts.manifest)) {
      if(!opts.serve.has(url)) {
        opts.serve.set(url, body);
      }
    }
  }
  return opts;
}

function readManifest(path) {
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

function readOptionFile(option, path) {
  try {
    return readFileSync(path);
  } catch(e) {
    throw new UsageError(`${option}: cannot read ${path}: ${e.message}`);
  }
}

function stripFragment(url) {
  const hash = url.indexOf('#');
  return hash === -1 ? url : url.slice(0, hash);
}

function requestUrl(input) {
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
function installFetchGuard({serve, httpsAsHttp, network}) {
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
      return response;
    } catch(e) {
      entry.outcome = 'failed';
      entry.error = `${e.message}${e.cause ? `: ${e.cause.message}` : ''}`;
      throw e;
    }
  };
}

// Errors are not JSON-serialisable; keep what a reader needs.
function plain(value, seen = new WeakSet()) {
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

function readInput(path) {
  try {
    return path === '-' ? readFileSync(0, 'utf8') : readFileSync(path, 'utf8');
  } catch(e) {
    throw new UsageError(`cannot read input ${path}: ${e.message}`);
  }
}

const JWS_COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$/;

function statusEntries(credential) {
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
function summarise(credential, result) {
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

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const network = [];
  installFetchGuard({...opts, network});

  let pkg;
  try {
    pkg = JSON.parse(readFileSync(
      join(HERE, 'node_modules', ...VERIFIER_PACKAGE.split('/'),
        'package.json'), 'utf8'));
  } catch(e) {
    throw new Error(`${VERIFIER_PACKAGE} is not installed next to ` +
      `verify.mjs (run: bash install.sh): ${e.message}`);
  }
  const verifier = {package: VERIFIER_PACKAGE, version: pkg.version};

  const text = readInput(opts.input).trim();
  if(opts.jwt || JWS_COMPACT.test(text)) {
    throw new UnsupportedInput(
      `${VERIFIER_PACKAGE} ${pkg.version} verifies credentials with an ` +
      'embedded proof (DataIntegrityProof eddsa-rdfc-2022, ' +
      'Ed25519Signature2020) only; VC-JWT is not supported');
  }
  let credential;
  try {
    credential = JSON.parse(text);
  } catch(e) {
    throw new UsageError(`input is not JSON: ${e.message}`);
  }
  if(!credential || typeof credential !== 'object' ||
    Array.isArray(credential)) {
    throw new UsageError('input must be a JSON object (one credential)');
  }

  // Import only after the fetch guard is in place.
  const {verifyCredential} = await import(VERIFIER_PACKAGE);
  const started = Date.now();
  const raw = plain(await verifyCredential({
    credential,
    knownDIDRegistries: opts.registries
  }));
  const elapsedMs = Date.now() - started;
  if(!opts.keepCredential) {
    delete raw.credential;
  }
  const summary = summarise(credential, raw);
  return {
    verified: summary.verified,
    errors: summary.errors,
    checks: Array.isArray(raw.log) ? raw.log : [],
    signature: summary.signature,
    expiration: summary.expiration,
    status: summary.status,
    registeredIssuer: summary.registeredIssuer,
    schema: summary.schema,
    network,
    offlineDocuments: {
      // relative to the repository root
      manifest: opts.manifest ?
        relative(resolve(HERE, '..', '..', '..'), opts.manifest) : null,
      urls: [...opts.serve.keys()]
    },
    verifier,
    elapsedMs,
    raw
  };
}

function emit(result, pretty) {
  return new Promise(resolve => {
    process.stdout.write(
      JSON.stringify(result, null, pretty ? 2 : 0) + '\n', resolve);
  });
}

const pretty = process.argv.includes('--pretty');
try {
  const result = await main();
  await emit(result, pretty);
  // 4: it ran and the credential is not verified (as run_validator.py says "not valid").
  process.exitCode = result.verified === true ? 0 : 4;
} catch(e) {
  if(e instanceof UsageError) {
    if(e.message !== 'help') {
      console.error(`verify.mjs: ${e.message}`);
    }
    console.error(
      'usage: node verify.mjs [--jwt] [--serve URL=FILE]... ' +
      '[--manifest FILE | --no-manifest] [--registries FILE] ' +
      '[--localhost-https-as-http] [--keep-credential] ' +
      '[--pretty] <credential.json | ->');
    await emit({verified: false, errors: [
      {name: 'harness_usage_error', message: e.message}], checks: []}, pretty);
    process.exitCode = 2;
  } else if(e instanceof UnsupportedInput) {
    await emit({verified: false, errors: [
      {name: 'unsupported_format', message: e.message}], checks: []}, pretty);
    process.exitCode = 3;
  } else {
    console.error(e);
    await emit({verified: false, errors: [
      {name: 'harness_error', message: String(e?.message ?? e)}],
    checks: []}, pretty);
    process.exitCode = 1;
  }
}
