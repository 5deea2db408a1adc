import { GraphQLScalarType, Kind } from 'graphql';
import { isDecimalText } from './decimal.js';

function decimalError(received: unknown): TypeError {
  return new TypeError(
    `Decimal must be a string of digits with an optional fraction, such as "12.50"; ` +
      `received ${JSON.stringify(received)}.`,
  );
}

/**
 * Exact decimal numbers (money, quantities, prices) travel as strings. JSON numbers are refused
 * on input because a client's float has already lost precision by the time it arrives.
 */
export const DecimalScalar = new GraphQLScalarType<string, string>({
  name: 'Decimal',
  description: 'An exact decimal number written as a string, e.g. "1234.5600".',
  serialize(value) {
    const text = typeof value === 'string' ? value : String(value);
    if (!isDecimalText(text)) throw decimalError(value);
    // Columns have a fixed scale; clients get the shortest exact form: "233.9", not
    // "233.90000000".
    return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
  },
  parseValue(value) {
    if (typeof value !== 'string' || !isDecimalText(value)) throw decimalError(value);
    return value;
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING || !isDecimalText(ast.value)) {
      throw decimalError(ast.kind === Kind.STRING ? ast.value : ast.kind);
    }
    return ast.value;
  },
});

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** An instant, written as an ISO-8601 string with its offset. */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An instant in ISO-8601 form with an offset, e.g. "2026-12-03T16:45:00.000Z".',
  serialize(value) {
    const date = value instanceof Date ? value : new Date(String(value));
    if (Number.isNaN(date.getTime())) throw new TypeError(`DateTime cannot represent ${value}.`);
    return date.toISOString();
  },
  parseValue(value) {
    if (typeof value !== 'string' || !ISO_DATE_TIME.test(value)) {
      throw new TypeError(
        `DateTime must be an ISO-8601 string; received ${JSON.stringify(value)}.`,
      );
    }
    return new Date(value);
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING || !ISO_DATE_TIME.test(ast.value)) {
      throw new TypeError('DateTime must be an ISO-8601 string.');
    }
    return new Date(ast.value);
  },
});

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar date, `YYYY-MM-DD`, as used for daily price history. */
export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: 'A calendar date, "YYYY-MM-DD".',
  serialize(value) {
    if (value instanceof Date) return value.toISOString().slice(0, 10);
    const text = String(value);
    if (!ISO_DATE.test(text)) throw new TypeError(`Date cannot represent ${text}.`);
    return text;
  },
  parseValue(value) {
    if (typeof value !== 'string' || !ISO_DATE.test(value)) {
      throw new TypeError(`Date must be "YYYY-MM-DD"; received ${JSON.stringify(value)}.`);
    }
    return value;
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING || !ISO_DATE.test(ast.value)) {
      throw new TypeError('Date must be "YYYY-MM-DD".');
    }
    return ast.value;
  },
});
