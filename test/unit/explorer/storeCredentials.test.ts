import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  credentialsKey,
  secretsIn,
  splitSecrets,
  storeUrlProblem,
} from '../../../src/explorer/storeCredentials';

describe('store credentials', () => {
  it('keeps secrets (and the key id that goes with them) out of what settings hold', () => {
    const { settings, secrets } = splitSecrets({
      key: 'AKIA',
      secret: 's',
      endpoint_url: 'http://127.0.0.1:9000',
      client_kwargs: { region_name: 'eu-west-1' },
      connection_string: 'DefaultEndpointsProtocol=...',
      anon: false,
    });
    assert.deepEqual(settings, {
      endpoint_url: 'http://127.0.0.1:9000',
      client_kwargs: { region_name: 'eu-west-1' },
      anon: false,
    });
    assert.deepEqual(Object.keys(secrets).sort(), ['connection_string', 'key', 'secret']);
    assert.deepEqual(secretsIn({ account_key: 'x', account_name: 'a' }), ['account_key']);
    assert.deepEqual(secretsIn(undefined), []);
  });
  it('checks typed URLs and names the SecretStorage entry by root', () => {
    assert.equal(storeUrlProblem(' s3://bucket/p '), null);
    assert.match(storeUrlProblem('/local/path') ?? '', /s3:\/\/bucket\/prefix/);
    assert.match(storeUrlProblem('s3://b/../x') ?? '', /"\.\."/);
    assert.equal(credentialsKey('s3://b/p'), 'xpersist.storeCredentials:s3://b/p');
  });
});
