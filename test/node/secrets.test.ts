import { describe, expect, it } from 'vitest';
import { referencedSecrets, secretEnvName, secretsFromEnv } from '../../src/node/secrets';
import { system } from './helpers';

describe('SESAMFLOW_SECRET_<SYSTEM>__<NAME>', () => {
  it('decodes system and secret name', () => {
    expect(secretsFromEnv({ SESAMFLOW_SECRET_POWEROFFICE__POWEROFFICE_CLIENT_KEY: 'v1', PATH: '/bin', SESAMFLOW_SECRET_CUSTOM_CRM__API_KEY2: 'v2' })).toEqual([
      { envName: 'SESAMFLOW_SECRET_CUSTOM_CRM__API_KEY2', systemId: 'custom-crm', secretName: 'api-key2', value: 'v2' },
      { envName: 'SESAMFLOW_SECRET_POWEROFFICE__POWEROFFICE_CLIENT_KEY', systemId: 'poweroffice', secretName: 'poweroffice-client-key', value: 'v1' },
    ]);
  });

  it('is a bijection on lower-case, digit and single-hyphen ids', () => {
    for (const [sys, name] of [
      ['poweroffice', 'poweroffice-client-key'],
      ['a1-b2', 'x'],
      ['crm', 'api-key-2'],
    ] as const) {
      const envName = secretEnvName(sys, name);
      const [decoded] = secretsFromEnv({ [envName]: 'v' });
      expect([decoded!.systemId, decoded!.secretName]).toEqual([sys, name]);
    }
    expect(secretEnvName('poweroffice', 'poweroffice-client-key')).toBe('SESAMFLOW_SECRET_POWEROFFICE__POWEROFFICE_CLIENT_KEY');
  });

  it.each(['SESAMFLOW_SECRET_POWEROFFICE', 'SESAMFLOW_SECRET_POWEROFFICE___KEY', 'SESAMFLOW_SECRET_PowerOffice__KEY', 'SESAMFLOW_SECRET___KEY', 'SESAMFLOW_SECRET_A__B__C'])(
    'refuses the malformed name %s (input error)',
    (name) => {
      expect(() => secretsFromEnv({ [name]: 'v' })).toThrow(/does not follow SESAMFLOW_SECRET_<SYSTEM>__<NAME>/);
    },
  );

  it('refuses an empty value without showing any value', () => {
    expect(() => secretsFromEnv({ SESAMFLOW_SECRET_A__B: '' })).toThrow(/SESAMFLOW_SECRET_A__B is empty/);
  });

  it('refuses ids that cannot be encoded', () => {
    expect(() => secretEnvName('my_system', 'x')).toThrow(/system id "my_system" cannot be given/);
    expect(() => secretEnvName('crm', 'Key')).toThrow(/secret name "Key"/);
  });

  it('finds $SECRET references', () => {
    expect([...referencedSecrets(system)]).toEqual(['poweroffice-client-key']);
  });
});
