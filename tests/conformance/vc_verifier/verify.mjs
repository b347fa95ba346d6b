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

import {readFileSync} from 'node:fs';
import {relative, resolve} from 'node:path';

import {
  DEFAULT_MANIFEST, HERE, UnsupportedInput, UsageError, VERIFIER_PACKAGE,
  existsSync, installFetchGuard, installedVerifier, plain, readManifest,
  readOptionFile, stripFragment, summarise
} from './harness.mjs';

// verifier-core and its dependencies log with console.log (schema fetch
// failures, registry errors). stdout carries only the JSON result, so every
// console method goes to stderr.
for(const method of ['log', 'info', 'warn', 'debug', 'trace']) {
  console[method] = (...args) => console.error(...args);
}

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

function readInput(path) {
  try {
    return path === '-' ? readFileSync(0, 'utf8') : readFileSync(path, 'utf8');
  } catch(e) {
    throw new UsageError(`cannot read input ${path}: ${e.message}`);
  }
}

const JWS_COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$/;

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const network = [];
  installFetchGuard({...opts, network});

  const verifier = installedVerifier();

  const text = readInput(opts.input).trim();
  if(opts.jwt || JWS_COMPACT.test(text)) {
    throw new UnsupportedInput(
      `${VERIFIER_PACKAGE} ${verifier.version} verifies credentials with an ` +
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
