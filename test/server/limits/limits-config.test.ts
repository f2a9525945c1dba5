import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/core/config.js';
import { ConfigError } from '../../../src/core/errors.js';
import { limitsFrom } from '../../../src/server/limits/limits-config.js';
import { isAllowedOrigin } from '../../../src/server/limits/origins.js';

describe('limits configuration', () => {
  it('production: no origins, no introspection, no suggestions; elsewhere localhost on any port', () => {
    const production = limitsFrom({}, 'production');
    expect(production.corsOrigins).toEqual([]);
    expect(production).toMatchObject({
      introspection: false,
      fieldSuggestions: false,
      persistedOnly: false,
      maxBodyBytes: 1_048_576,
      wsMaxPayloadBytes: 65_536,
    });
    expect(limitsFrom({ INTROSPECTION: 'on' }, 'production').introspection).toBe(true);
    const development = limitsFrom({}, 'development');
    expect(isAllowedOrigin('http://localhost:5173', development.corsOrigins)).toBe(true);
    expect(isAllowedOrigin('http://127.0.0.1:1', development.corsOrigins)).toBe(true);
    expect(isAllowedOrigin('https://localhost:5173', development.corsOrigins)).toBe(false);
    expect(isAllowedOrigin('http://localhost.evil.example', development.corsOrigins)).toBe(false);
    expect(isAllowedOrigin('null', development.corsOrigins)).toBe(false);
  });

  it('CORS_ORIGINS: exact origins, default ports, any port, none', () => {
    const { corsOrigins } = limitsFrom({ CORS_ORIGINS: 'https://desk.example.com, http://intranet:*' }, 'production');
    expect(isAllowedOrigin('https://desk.example.com', corsOrigins)).toBe(true);
    expect(isAllowedOrigin('https://desk.example.com:443', corsOrigins)).toBe(true);
    expect(isAllowedOrigin('https://desk.example.com:8443', corsOrigins)).toBe(false);
    expect(isAllowedOrigin('http://intranet:8080', corsOrigins)).toBe(true);
    expect(limitsFrom({ CORS_ORIGINS: 'none' }, 'development').corsOrigins).toEqual([]);
  });

  it('a wrong value stops startup with one line naming the variable', () => {
    expect(() => limitsFrom({ CORS_ORIGINS: 'https://desk.example.com/app' }, 'production')).toThrow(ConfigError);
    expect(() => limitsFrom({ CORS_ORIGINS: 'https://desk.example.com/app' }, 'production')).toThrow(/CORS_ORIGINS entry "https:\/\/desk.example.com\/app"/);
    expect(() => loadConfig({ NODE_ENV: 'test', QUERY_MAX_COST: 'lots' })).toThrow(/QUERY_MAX_COST must be an integer/);
    expect(loadConfig({ NODE_ENV: 'test', MAX_BODY_BYTES: '2048' }).limits.maxBodyBytes).toBe(2048);
  });
});
