import { Kind } from 'graphql';
import { DateTimeScalar, DecimalScalar } from '../src/scalars.js';

describe('Decimal scalar', () => {
  it('prints the shortest exact form of a stored decimal', () => {
    expect(DecimalScalar.serialize('233.90000000')).toBe('233.9');
    expect(DecimalScalar.serialize('100')).toBe('100');
    expect(DecimalScalar.serialize('0.00')).toBe('0');
    expect(DecimalScalar.serialize('-0.50')).toBe('-0.5');
  });

  it('accepts decimal strings as input', () => {
    expect(DecimalScalar.parseValue('12.50')).toBe('12.50');
    expect(DecimalScalar.parseLiteral({ kind: Kind.STRING, value: '-3' })).toBe('-3');
  });

  it.each([12.5, '1e3', '.5', '01', '1.', 'NaN', ''])('refuses %p with the contract', (value) => {
    expect(() => DecimalScalar.parseValue(value)).toThrow(/Decimal must be a string of digits/);
  });

  it('refuses a float literal', () => {
    expect(() => DecimalScalar.parseLiteral({ kind: Kind.FLOAT, value: '0.1' })).toThrow(
      /Decimal must be a string/,
    );
  });
});

describe('DateTime scalar', () => {
  it('round-trips an instant', () => {
    const instant = DateTimeScalar.parseValue('2026-12-03T16:45:00.000Z');
    expect(DateTimeScalar.serialize(instant)).toBe('2026-12-03T16:45:00.000Z');
  });

  it('refuses a date without time or offset', () => {
    expect(() => DateTimeScalar.parseValue('2026-12-03')).toThrow(/ISO-8601/);
  });
});
