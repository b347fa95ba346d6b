#!/usr/bin/env node
// Self-test of the verifier harness with credentials made by independent
// tooling: the Digital Credentials Consortium's own issuing libraries sign an
// Open Badges 3.0 OpenBadgeCredential (DataIntegrityProof, eddsa-rdfc-2022,
// did:key issuer) and BitstringStatusListCredentials served by a throwaway
// HTTP server on 127.0.0.1. Each case runs `node verify.mjs` as a subprocess
// and checks its verdict, so this file also records how verifier-core
// behaves.
//
//   node make_fixture.mjs [--out DIR] [--show CASE]...
//
//   --out DIR    also write the signed credentials, status lists and the
//                verify.mjs outputs to DIR (the URLs in them point at a port
//                that is closed once this script ends)
//   --show CASE  print the full verify.mjs output of CASE on stdout
//                (e.g. --show valid --show tampered --show revoked)
//
// Exit code 0 when every case gave the expected verdict, 1 otherwise.
// The issuer key is derived from a fixed seed: it is a test key, never use it
// for anything else.

import {createHash} from 'node:crypto';
import {execFile} from 'node:child_process';
import {createServer} from 'node:http';
import {mkdirSync, writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';

import * as Ed25519Multikey from '@digitalcredentials/ed25519-multikey';
import {DataIntegrityProof} from '@digitalcredentials/data-integrity';
import {cryptosuite as eddsaRdfc2022} from
  '@digitalcredentials/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalcredentials/vc';
import {securityLoader} from '@digitalcredentials/security-document-loader';
import {createList, createCredential as createStatusListCredential} from
  '@digitalcredentials/vc-bitstring-status-list';

const HERE = dirname(fileURLToPath(import.meta.url));
const run = promisify(execFile);

const STATUS_LIST_LENGTH = 131072; // 16 KiB, the spec's minimum size
const STATUS_INDEX = 94567;
const VALID_FROM = '2025-01-01T00:00:00Z';

function parseArgs(argv) {
  const opts = {out: null, show: new Set()};
  for(let i = 0; i < argv.length; i++) {
    if(argv[i] === '--out') {
      opts.out = argv[++i];
    } else if(argv[i] === '--show') {
      opts.show.add(argv[++i]);
    } else {
      throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  return opts;
}

// Offline loader for signing: the same static contexts verifier-core uses,
// with no remote fetching.
const documentLoader = securityLoader({fetchRemoteContexts: false}).build();

async function makeIssuer(label) {
  const seed = createHash('sha256')
    .update(`badgehub vc_verifier test key: ${label}`).digest();
  const key = await Ed25519Multikey.generate({seed: new Uint8Array(seed)});
  const did = `did:key:${key.publicKeyMultibase}`;
  key.controller = did;
  key.id = `${did}#${key.publicKeyMultibase}`;
  return {did, key};
}

// did:web issuer on the throwaway server: did:web:127.0.0.1%3APORT resolves to
// https://127.0.0.1:PORT/.well-known/did.json, which verify.mjs fetches over
// plain http only with --localhost-https-as-http.
async function makeWebIssuer(base) {
  const {key} = await makeIssuer('did:web');
  const did = `did:web:${encodeURIComponent(new URL(base).host)}`;
  const vm = `${did}#key-1`;
  // key.signer() reads the key pair's id when called
  key.controller = did;
  key.id = vm;
  const didDocument = {
    '@context': [
      'https://www.w3.org/ns/did/v1',
      'https://w3id.org/security/multikey/v1'
    ],
    id: did,
    verificationMethod: [{
      id: vm, type: 'Multikey', controller: did,
      publicKeyMultibase: key.publicKeyMultibase
    }],
    assertionMethod: [vm]
  };
  return {did, key, didDocument};
}

async function sign(credential, issuer) {
  const suite = new DataIntegrityProof({
    signer: issuer.key.signer(), cryptosuite: eddsaRdfc2022
  });
  return vc.issue({
    credential: structuredClone(credential), suite, documentLoader
  });
}

function openBadge({base, issuerDid, statusListPath = '/status/1'}) {
  const salt = 'c2FsdHNhbHQ';
  const email = 'learner@example.org';
  const identityHash = 'sha256$' +
    createHash('sha256').update(email + salt).digest('hex');
  return {
    '@context': [
      'https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
      'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json'
    ],
    id: 'urn:uuid:6b1a7f36-2d61-4c1a-9a51-8c2f2f7c9e01',
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: {
      id: issuerDid,
      type: ['Profile'],
      name: 'Org',
      url: `${base}/issuers/1`
    },
    validFrom: VALID_FROM,
    name: 'Teamwork',
    credentialSubject: {
      type: ['AchievementSubject'],
      identifier: [{
        type: 'IdentityObject',
        hashed: true,
        identityHash,
        identityType: 'emailAddress',
        salt
      }],
      achievement: {
        id: `${base}/achievements/1`,
        type: ['Achievement'],
        name: 'Teamwork',
        description: 'Works well with others.',
        criteria: {narrative: 'Completed the team project.'},
        image: {id: `${base}/1.png`, type: 'Image'},
        achievementType: 'Badge'
      }
    },
    credentialSchema: [{
      id: 'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/' +
        'ob_v3p0_achievementcredential_schema.json',
      type: '1EdTechJsonSchemaValidator2019'
    }],
    credentialStatus: {
      id: `${base}${statusListPath}#${STATUS_INDEX}`,
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: String(STATUS_INDEX),
      statusListCredential: `${base}${statusListPath}`
    }
  };
}

async function statusList({base, path, issuer, revoked, mangle}) {
  const list = await createList({length: STATUS_LIST_LENGTH});
  if(revoked) {
    list.setStatus(STATUS_INDEX, true);
  }
  const unsigned = await createStatusListCredential({
    id: `${base}${path}`, list, statusPurpose: 'revocation'
  });
  if(mangle) {
    mangle(unsigned);
  }
  unsigned.issuer = issuer.did;
  unsigned.validFrom = VALID_FROM;
  return sign(unsigned, issuer);
}

// Throwaway HTTP server on 127.0.0.1; routes are swapped between cases.
function startServer() {
  const routes = new Map();
  const server = createServer((req, res) => {
    const body = routes.get(req.url);
    if(body === undefined) {
      res.writeHead(404, {'content-type': 'text/plain'});
      res.end('not found');
      return;
    }
    res.writeHead(200, {'content-type': 'application/json'});
    res.end(JSON.stringify(body));
  });
  return new Promise(resolve => {
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address();
      resolve({server, routes, base: `http://127.0.0.1:${port}`});
    });
  });
}

async function verify(credential, args = []) {
  const child = run(process.execPath,
    [join(HERE, 'verify.mjs'), ...args, '-'], {maxBuffer: 1 << 24});
  child.child.stdin.end(JSON.stringify(credential));
  try {
    const {stdout} = await child;
    return {exitCode: 0, result: JSON.parse(stdout)};
  } catch(e) {
    return {exitCode: e.code, result: e.stdout ? JSON.parse(e.stdout) : null,
      stderr: e.stderr};
  }
}

const errorNames = result => (result.errors ?? []).map(e => e.name);
// The JSON Schema check runs when the platform's bundled schema is there
// (verify.mjs serves it); without it the check is reported as not run.
const schemaIs = (result, valid) =>
  !result.schema.checked || result.schema.valid === valid;

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const {server, routes, base} = await startServer();
  const issuer = await makeIssuer('issuer');
  const other = await makeIssuer('other issuer');

  const listClear = await statusList(
    {base, path: '/status/1', issuer, revoked: false});
  const listRevoked = await statusList(
    {base, path: '/status/1', issuer, revoked: true});
  const listByOther = await statusList(
    {base, path: '/status/1', issuer: other, revoked: false});
  // encodedList without the multibase "u" prefix (plain base64url of the
  // gzipped bits), signed correctly
  const listNoPrefix = await statusList({base, path: '/status/1', issuer,
    revoked: true, mangle: c => {
      c.credentialSubject.encodedList = c.credentialSubject.encodedList.slice(1);
    }});
  const listTampered = structuredClone(listRevoked);
  listTampered.credentialSubject.encodedList =
    listClear.credentialSubject.encodedList;

  const signed = await sign(openBadge({base, issuerDid: issuer.did}), issuer);
  const tampered = structuredClone(signed);
  tampered.credentialSubject.achievement.name = 'Leadership';

  const unsignedNoStatus = openBadge({base, issuerDid: issuer.did});
  delete unsignedNoStatus.credentialStatus;
  const noStatus = await sign(unsignedNoStatus, issuer);

  const unsignedUndefinedTerm = openBadge({base, issuerDid: issuer.did});
  unsignedUndefinedTerm.credentialSubject.achievement.badgeColour = 'blue';
  let undefinedTermSignError = null;
  try {
    await sign(unsignedUndefinedTerm, issuer);
  } catch(e) {
    undefinedTermSignError = e.message;
  }
  // Add the undefined term after signing: the verifier expands the document
  // in safe mode before it checks the signature.
  const undefinedTerm = structuredClone(noStatus);
  undefinedTerm.credentialSubject.achievement.badgeColour = 'blue';

  // The 1EdTech extensions context defines 1EdTechJsonSchemaValidator2019;
  // without it the credentialSchema type is an undefined term.
  const noExtensionsContext = structuredClone(signed);
  noExtensionsContext['@context'] = noExtensionsContext['@context']
    .filter(url => !url.endsWith('/extensions.json'));

  // Defined terms, signed, but not what the OB 3.0 JSON schema allows:
  // an Achievement without criteria.
  const unsignedSchemaInvalid = structuredClone(unsignedNoStatus);
  delete unsignedSchemaInvalid.credentialSubject.achievement.criteria;
  const schemaInvalid = await sign(unsignedSchemaInvalid, issuer);

  const missingId = structuredClone(noStatus);
  delete missingId.id;

  const webIssuer = await makeWebIssuer(base);
  const unsignedWeb = openBadge({base, issuerDid: webIssuer.did});
  delete unsignedWeb.credentialStatus;
  const didWeb = await sign(unsignedWeb, webIssuer);
  routes.set('/.well-known/did.json', webIssuer.didDocument);

  const notYetValid = await sign(
    {...unsignedNoStatus, validFrom: '2999-01-01T00:00:00Z'}, issuer);
  const expired = await sign(
    {...unsignedNoStatus, validUntil: '2025-06-01T00:00:00Z'}, issuer);

  const cases = [
    {name: 'valid', note: 'signed OB 3.0 credential, status bit clear',
      credential: signed, list: listClear,
      expect: r => r.verified === true &&
        r.status.revocation === 'not_revoked' && schemaIs(r, true)},
    {name: 'tampered', note: 'achievement name changed after signing',
      credential: tampered, list: listClear,
      expect: r => r.verified === false &&
        errorNames(r).includes('invalid_signature')},
    {name: 'revoked', note: 'same credential, list with its bit set',
      credential: signed, list: listRevoked,
      expect: r => r.verified === false && r.status.revocation === 'revoked'},
    {name: 'status-list-missing', note: 'status list URL answers 404',
      credential: signed, list: undefined,
      expect: r => r.verified === false && r.status.revocation === 'error'},
    {name: 'status-list-tampered',
      note: 'status list encodedList changed after signing',
      credential: signed, list: listTampered,
      expect: r => r.verified === false && r.status.revocation === 'error'},
    {name: 'status-list-other-issuer',
      note: 'status list signed by another did:key is accepted: ' +
        'verifier-core does not compare the issuers',
      credential: signed, list: listByOther,
      expect: r => r.verified === true &&
        r.status.revocation === 'not_revoked'},
    {name: 'status-list-no-u-prefix',
      note: 'encodedList without the multibase "u" prefix',
      credential: signed, list: listNoPrefix,
      expect: r => r.verified === false && r.status.revocation === 'error'},
    {name: 'no-status', note: 'no credentialStatus: no status step at all',
      credential: noStatus, list: undefined,
      expect: r => r.verified === true &&
        Object.keys(r.status).length === 0},
    {name: 'undefined-term',
      note: 'a term that no context defines (JSON-LD safe mode)',
      credential: undefinedTerm, list: undefined,
      expect: r => r.verified === false &&
        errorNames(r).includes('jsonld.ValidationError')},
    {name: 'no-extensions-context',
      note: 'extensions.json dropped: 1EdTechJsonSchemaValidator2019 ' +
        'becomes a relative @type',
      credential: noExtensionsContext, list: listClear,
      expect: r => r.verified === false &&
        errorNames(r).includes('jsonld.ValidationError')},
    {name: 'schema-invalid',
      note: 'achievement without criteria: the JSON Schema check fails, ' +
        'which verifier-core only reports',
      credential: schemaInvalid, list: undefined,
      expect: r => r.verified === true && schemaIs(r, false)},
    {name: 'missing-id', note: 'credential without id is a fatal error',
      credential: missingId, list: undefined,
      expect: r => r.verified === false &&
        errorNames(r).includes('invalid_credential_id')},
    {name: 'did-web-local',
      note: 'did:web issuer on 127.0.0.1, its DID document fetched over ' +
        'http with --localhost-https-as-http',
      credential: didWeb, list: undefined,
      args: ['--localhost-https-as-http'],
      expect: r => r.verified === true},
    {name: 'did-web-local-https-only',
      note: 'same without the flag: the https fetch fails, which ' +
        'verifier-core reports as an invalid signature',
      credential: didWeb, list: undefined,
      expect: r => r.verified === false &&
        errorNames(r).includes('invalid_signature')},
    {name: 'not-yet-valid',
      note: 'validFrom in the future: a plain Error, no signature step',
      credential: notYetValid, list: undefined,
      expect: r => r.verified === false},
    {name: 'expired', note: 'validUntil in the past: expiration step false',
      credential: expired, list: undefined,
      expect: r => r.verified === false && r.expiration === false}
  ];

  let failures = 0;
  const outputs = {};
  for(const c of cases) {
    if(c.list) {
      routes.set('/status/1', c.list);
    } else {
      routes.delete('/status/1');
    }
    const {exitCode, result, stderr} = await verify(c.credential, c.args);
    outputs[c.name] = result;
    const ok = exitCode === 0 && result && c.expect(result);
    if(!ok) {
      failures++;
    }
    const line = {
      case: c.name,
      note: c.note,
      ok,
      exitCode,
      verified: result?.verified,
      signature: result?.signature,
      expiration: result?.expiration,
      status: result?.status,
      schema: result?.schema?.checked ? {valid: result.schema.valid} :
        'not checked',
      errors: (result?.errors ?? []).map(e => `${e.name}: ${e.message}`),
      stepErrors: (result?.checks ?? []).filter(step => step.error)
        .map(step => `${step.id}: ${step.error.name}: ${step.error.message}`)
    };
    console.error(JSON.stringify(line));
    if(!ok && stderr) {
      console.error(stderr);
    }
    if(opts.show.has(c.name)) {
      console.log(JSON.stringify(result, null, 2));
    }
  }
  console.error(JSON.stringify({
    note: 'signing a credential with an undefined term',
    error: undefinedTermSignError
  }));

  if(opts.out) {
    mkdirSync(opts.out, {recursive: true});
    const write = (name, data) => writeFileSync(
      join(opts.out, name), JSON.stringify(data, null, 2) + '\n');
    write('issuer.json', {did: issuer.did,
      verificationMethod: issuer.key.id, note: 'test key from a fixed seed'});
    write('credential.json', signed);
    write('credential-tampered.json', tampered);
    write('credential-no-status.json', noStatus);
    write('status-list-clear.json', listClear);
    write('status-list-revoked.json', listRevoked);
    for(const [name, result] of Object.entries(outputs)) {
      write(`verify-${name}.json`, result);
    }
  }

  server.close();
  const passed = cases.length - failures;
  console.error(`${passed} passed, ${failures} failed`);
  process.exitCode = failures ? 1 : 0;
}

await main();
