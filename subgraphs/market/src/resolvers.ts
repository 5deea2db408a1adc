import { DateScalar, DateTimeScalar, Decimal, DecimalScalar, toFixed } from '#shared';
import { invalidArgument } from './errors.js';
import type { Resolvers } from './generated/graphql.js';
import { decodeCursor, encodeCursor } from './pagination.js';
import { subscribeToQuotes } from './quote-stream.js';

const MAX_PAGE = 200;
const MAX_IDS = 500;
const MAX_SEARCH = 50;

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function checkRange(argument: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalidArgument(argument, `Argument "${argument}" must be ${min}..${max}; got ${value}.`);
  }
}

export const resolvers: Resolvers = {
  Decimal: DecimalScalar,
  DateTime: DateTimeScalar,
  Date: DateScalar,

  Query: {
    async instrument(_root, args, { loaders }) {
      if ((args.id == null) === (args.symbol == null)) {
        throw invalidArgument('id', 'Give exactly one of the arguments "id" and "symbol".');
      }
      if (args.id != null) return loaders.instrumentById.load(args.id);
      return loaders.instrumentBySymbol.load(args.symbol as string);
    },

    async instruments(_root, args, { repository, loaders }) {
      checkRange('first', args.first, 1, MAX_PAGE);
      const afterSymbol = args.after == null ? undefined : decodeCursor(args.after);
      const { rows, totalCount } = await repository.listInstruments({
        assetClass: args.assetClass ?? undefined,
        first: args.first,
        afterSymbol,
      });

      const nodes = rows.slice(0, args.first);
      for (const node of nodes) loaders.instrumentById.prime(node.id, node);
      const last = nodes.at(-1);
      return {
        nodes,
        totalCount,
        pageInfo: {
          hasNextPage: rows.length > args.first,
          endCursor: last ? encodeCursor(last.symbol) : null,
        },
      };
    },

    async instrumentsByIds(_root, args, { loaders }) {
      if (args.ids.length > MAX_IDS) {
        throw invalidArgument('ids', `At most ${MAX_IDS} ids per call; got ${args.ids.length}.`);
      }
      const found = await loaders.instrumentById.loadMany(args.ids);
      return found.map((item) => {
        if (item instanceof Error) throw item;
        return item;
      });
    },

    async searchInstruments(_root, args, { repository }) {
      checkRange('limit', args.limit, 1, MAX_SEARCH);
      const text = args.text.trim();
      if (text.length === 0) return [];
      return repository.search(text.slice(0, 64), args.limit);
    },

    async fxRates(_root, _args, { repository }) {
      return repository.fxRates();
    },
  },

  Subscription: {
    quotes: {
      subscribe(_root, args, context) {
        return subscribeToQuotes(args.symbols, context);
      },
    },
  },

  QuoteTick: {
    async instrument(tick, _args, { loaders }) {
      const instrument = await loaders.instrumentById.load(tick.instrumentId);
      if (!instrument) throw new Error(`Instrument ${tick.instrumentId} of a tick is not listed.`);
      return instrument;
    },

    async dayChange(tick, _args, { loaders }) {
      const previous =
        tick.previousClose ??
        (await loaders.quoteByInstrumentId.load(tick.instrumentId))?.previousClose ??
        tick.price;
      return new Decimal(tick.price).minus(previous).toFixed();
    },
  },

  Instrument: {
    async __resolveReference(reference, { loaders }) {
      if ('id' in reference && reference.id) return loaders.instrumentById.load(reference.id);
      if ('symbol' in reference && reference.symbol) {
        return loaders.instrumentBySymbol.load(reference.symbol);
      }
      return null;
    },

    quote(instrument, _args, { loaders }) {
      return loaders.quoteByInstrumentId.load(instrument.id);
    },

    priceHistory(instrument, args, { loaders }) {
      const today = new Date();
      const to = args.to ?? isoDate(today);
      const from = args.from ?? isoDate(new Date(Date.parse(to) - 365 * 86_400_000));
      if (from > to) {
        throw invalidArgument('from', `Argument "from" (${from}) is after "to" (${to}).`);
      }
      return loaders.barsByRange.load({ instrumentId: instrument.id, from, to });
    },
  },

  Quote: {
    dayChange(quote) {
      return new Decimal(quote.price).minus(quote.previousClose).toFixed();
    },

    dayChangePercent(quote) {
      const previous = new Decimal(quote.previousClose);
      if (previous.isZero()) return '0.00';
      return toFixed(new Decimal(quote.price).minus(previous).div(previous).times(100), 2);
    },
  },
};
