import { describe, expect, test } from 'vitest';
import {
  formatCountHundredths,
  formatDollarMicros,
  MoneyFormatError,
  parseCountHundredths,
  parseDollarMicros,
  parseDollars,
} from '../../../src/sources/kalshi/money.js';

describe('dollar strings', () => {
  test.each([
    ['0.5600', 560_000],
    ['0.56', 560_000],
    ['1', 1_000_000],
    ['0.000001', 1],
    ['0.123456', 123_456],
    ['12.5', 12_500_000],
    ['-3.2500', -3_250_000],
    ['0.0000', 0],
  ])('%s → %i micro-dollars', (text, micros) => {
    expect(parseDollarMicros(text)).toBe(micros);
  });

  test('dollars come out as the double nearest the decimal', () => {
    expect(parseDollars('0.5600')).toBe(0.56);
    expect(parseDollars('0.07')).toBe(0.07);
    expect((1_000_000 - parseDollarMicros('0.44')) / 1_000_000).toBe(0.56);
  });

  test.each([
    ['', 'empty'],
    ['abc', 'letters'],
    ['NaN', 'NaN'],
    ['Infinity', 'Infinity'],
    ['0.5.6', 'two points'],
    ['.56', 'no whole part'],
    ['0.', 'dangling point'],
    ['1e-2', 'exponent'],
    ['0x10', 'hex'],
    [' 0.56', 'leading space'],
    ['0.56 ', 'trailing space'],
    ['+0.56', 'plus sign'],
    ['0.1234567', 'seven decimals'],
    ['$0.56', 'currency sign'],
    ['1,000.00', 'thousands separator'],
  ])('rejects %j (%s)', (text) => {
    expect(() => parseDollars(text, 'yes_bid_dollars')).toThrow(MoneyFormatError);
  });

  test.each([[null], [undefined], [0.56], [true], [{}], [['0.56']]])('rejects the non-string %j', (value) => {
    expect(() => parseDollarMicros(value)).toThrow(MoneyFormatError);
  });

  test('the error names the field and the value', () => {
    expect(() => parseDollars('garbage', 'yes_bid_dollars')).toThrow(/yes_bid_dollars: "garbage" is not a dollar amount/);
  });

  test('formats to 4 decimals, keeping sub-ten-thousandths', () => {
    expect(formatDollarMicros(560_000)).toBe('0.5600');
    expect(formatDollarMicros(1_000_000)).toBe('1.0000');
    expect(formatDollarMicros(0)).toBe('0.0000');
    expect(formatDollarMicros(1)).toBe('0.000001');
    expect(formatDollarMicros(123_450)).toBe('0.12345');
    expect(formatDollarMicros(-3_250_000)).toBe('-3.2500');
    expect(() => formatDollarMicros(Number.NaN)).toThrow(RangeError);
    expect(() => formatDollarMicros(0.5)).toThrow(RangeError);
  });

  test('round-trips', () => {
    for (const text of ['0.0100', '0.9900', '0.5600', '0.123456', '25.0000']) {
      expect(formatDollarMicros(parseDollarMicros(text))).toBe(text);
    }
  });
});

describe('fixed-point count strings', () => {
  test.each([
    ['10.00', 1000],
    ['10', 1000],
    ['10.5', 1050],
    ['2.50', 250],
    ['0.01', 1],
    ['-4.00', -400],
    ['1234567890123.99', 123_456_789_012_399],
  ])('%s → %i hundredths', (text, hundredths) => {
    expect(parseCountHundredths(text)).toBe(hundredths);
  });

  test('contracts', () => {
    expect(parseCountHundredths('2.50')).toBe(250);
    expect(parseCountHundredths('0.07')).toBe(7);
  });

  test.each([[''], ['ten'], ['1.001'], ['1e3'], ['NaN'], ['12345678901234'], ['-'], ['1.']])('rejects %j', (text) => {
    expect(() => parseCountHundredths(text, 'volume_fp')).toThrow(MoneyFormatError);
  });

  test('formats to 2 decimals', () => {
    expect(formatCountHundredths(1000)).toBe('10.00');
    expect(formatCountHundredths(1)).toBe('0.01');
    expect(formatCountHundredths(0)).toBe('0.00');
  });
});
