/**
 * The `operation_name` label is chosen by clients: its set of values is bounded (allow-list, then a
 * few names first-come, then `other`), and the allow-list is read from METRICS_OPERATION_NAMES.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config.js';
import { ConfigError } from '../../src/core/errors.js';
import { LEARNED_OPERATION_NAMES_MAX, OPERATION_NAME_MAX_LENGTH, OperationNameLabels, createMetrics } from '../../src/core/metrics.js';

describe('OperationNameLabels', () => {
  it('keeps allow-listed names, learns the first few others, and counts every further one as other', () => {
    const labels = new OperationNameLabels(['Known'], 2);
    expect(labels.label('First')).toBe('First');
    expect(labels.label('Second')).toBe('Second');
    expect(labels.label('Third')).toBe('other');
    // Learned names stay learned; the allow-list never runs out.
    expect(labels.label('First')).toBe('First');
    expect(labels.label('Known')).toBe('Known');
    expect(labels.learnedCount).toBe(2);
  });

  it('labels unnamed operations anonymous, and a client cannot pass as one or as a huge name', () => {
    const labels = new OperationNameLabels([], 10);
    expect(labels.label(undefined)).toBe('anonymous');
    expect(labels.label(null)).toBe('anonymous');
    expect(labels.label('')).toBe('anonymous');
    expect(labels.label('anonymous')).toBe('other');
    expect(labels.label('x'.repeat(OPERATION_NAME_MAX_LENGTH + 1))).toBe('other');
    expect(labels.label('x'.repeat(OPERATION_NAME_MAX_LENGTH))).toBe('x'.repeat(OPERATION_NAME_MAX_LENGTH));
    expect(labels.learnedCount).toBe(1);
  });

  it('with no learned slots, only the allow-list keeps its names', () => {
    const labels = new OperationNameLabels(['Known'], 0);
    expect(labels.label('Known')).toBe('Known');
    expect(labels.label('Stranger')).toBe('other');
  });

  it('never has more than allow-list + learned + 2 values, however many names arrive', () => {
    const labels = new OperationNameLabels(['A', 'B']);
    const values = new Set<string>();
    for (let i = 0; i < 10_000; i++) values.add(labels.label(`Op${i}`));
    values.add(labels.label('A'));
    values.add(labels.label('B'));
    values.add(labels.label(undefined));
    expect(values.size).toBe(2 + LEARNED_OPERATION_NAMES_MAX + 2);
  });

  it('createMetrics takes the allow-list', () => {
    const metrics = createMetrics({ collectProcessMetrics: false, operationNames: ['Known'], learnedOperationNamesMax: 0 });
    expect(metrics.operationNames.label('Known')).toBe('Known');
    expect(metrics.operationNames.label('Other')).toBe('other');
  });
});

describe('METRICS_OPERATION_NAMES', () => {
  it('is empty when unset or blank, and a comma-separated list of names otherwise', () => {
    expect(loadConfig({}).metrics.operationNames).toEqual([]);
    expect(loadConfig({ METRICS_OPERATION_NAMES: ' ' }).metrics.operationNames).toEqual([]);
    expect(loadConfig({ METRICS_OPERATION_NAMES: 'CurrentAggregate,_private,Op2' }).metrics.operationNames).toEqual(['CurrentAggregate', '_private', 'Op2']);
  });

  it.each(['Current-Aggregate', '2Fast', 'A,,B', 'A, B', 'A,'])('rejects %j naming the variable', (value) => {
    let caught: unknown;
    try {
      loadConfig({ METRICS_OPERATION_NAMES: value });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as Error).message).toContain('METRICS_OPERATION_NAMES must be a comma-separated list of GraphQL operation names');
    expect((caught as Error).message).toContain(JSON.stringify(value));
  });
});
