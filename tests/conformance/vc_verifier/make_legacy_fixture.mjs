// Signs an Open Badges 3.0 credential with the legacy Ed25519Signature2020 suite, using the
// Digital Credentials Consortium's own issuing libraries (not our code), for our verifier's
// tests: many badges in circulation were issued this way.
//
//   node make_legacy_fixture.mjs <out-dir>
import {createHash} from 'node:crypto';
import {writeFileSync} from 'node:fs';
import {join} from 'node:path';

import {Ed25519VerificationKey2020} from '@digitalcredentials/ed25519-verification-key-2020';
import {Ed25519Signature2020} from '@digitalcredentials/ed25519-signature-2020';
import * as vc from '@digitalcredentials/vc';
import {securityLoader} from '@digitalcredentials/security-document-loader';

const documentLoader = securityLoader({fetchRemoteContexts: false}).build();
const seed = createHash('sha256').update('badgehub legacy fixture key').digest();
const key = await Ed25519VerificationKey2020.generate({seed: new Uint8Array(seed)});
const did = `did:key:${key.fingerprint()}`;
key.controller = did;
key.id = `${did}#${key.fingerprint()}`;

const credential = {
  '@context': [
    'https://www.w3.org/ns/credentials/v2',
    'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
    'https://w3id.org/security/suites/ed25519-2020/v1'
  ],
  id: 'urn:uuid:2f7e1c7a-9c1b-4a57-b2f5-0e2d1c3b4a50',
  type: ['VerifiableCredential', 'OpenBadgeCredential'],
  issuer: {id: did, type: ['Profile'], name: 'Legacy Institute'},
  validFrom: '2024-03-01T00:00:00Z',
  name: 'Legacy Teamwork',
  credentialSubject: {
    type: ['AchievementSubject'],
    identifier: [{
      type: 'IdentityObject', hashed: true, identityType: 'emailAddress', salt: 'pepper',
      identityHash: 'sha256$' + createHash('sha256').update('legacy@example.org' + 'pepper').digest('hex')
    }],
    achievement: {
      id: 'https://legacy.example.org/achievements/teamwork',
      type: ['Achievement'], name: 'Legacy Teamwork', description: 'Works well with others.',
      criteria: {narrative: 'Completed a group project.'}
    }
  }
};

const suite = new Ed25519Signature2020({key, date: '2024-03-01T00:00:00Z'});
const signed = await vc.issue({credential, suite, documentLoader});
const out = process.argv[2];
writeFileSync(join(out, 'ob3-ed25519signature2020.json'), JSON.stringify(signed, null, 2) + '\n');
const tampered = structuredClone(signed);
tampered.credentialSubject.achievement.name = 'Legacy Rocket Science';
writeFileSync(join(out, 'ob3-ed25519signature2020-tampered.json'), JSON.stringify(tampered, null, 2) + '\n');
console.log(JSON.stringify(signed.proof));
