import {
  DateScalar,
  DateTimeScalar,
  Decimal,
  DecimalScalar,
  toFixed,
  type ResolverMap,
} from '#shared';
import type { MarketContext } from './context.js';
import { invalidArgument } from './errors.js';
import type { AssetClass, Instrument, Quote } from './model.js';
import { decodeCursor, encodeCursor } from './pagination.js';

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

export const resolvers: ResolverMap<MarketContext> = {
  Decimal: DecimalScalar,
  DateTime: DateTimeScalar,
  Date: DateScalar,

  Query: {
    async instrument(_root, args: { id?: string; symbol?: string }, { loaders }) {
      if ((args.id === undefined) === (args.symbol === undefined)) {
        throw invalidArgument('id', 'Give exactly one of the arguments "id" and "symbol".');
      }
      if (args.id !== undefined) return loaders.instrumentById.load(args.id);
      return loaders.instrumentBySymbol.load(args.symbol as string);
    },

    async instruments(
      _root,
      args: { assetClass?: AssetClass | null; first: number; after?: string | null },
      { repository, loaders },
    ) {
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

    async instrumentsByIds(_root, args: { ids: string[] }, { loaders }) {
      if (args.ids.length > MAX_IDS) {
        throw invalidArgument('ids', `At most ${MAX_IDS} ids per call; got ${args.ids.length}.`);
      }
      return loaders.instrumentById.loadMany(args.ids);
    },

    async searchInstruments(_root, args: { text: string; limit: number }, { repository }) {
      checkRange('limit', args.limit, 1, MAX_SEARCH);
      const text = args.text.trim();
      if (text.length === 0) return [];
      return repository.search(text.slice(0, 64), args.limit);
    },

    async fxRates(_root, _args, { repository }) {
      return repository.fxRates();
    },
  },

  Instrument: {
    async __resolveReference(
      reference: { id?: string; symbol?: string },
      { loaders }: MarketContext,
    ) {
      if (reference.id !== undefined) return loaders.instrumentById.load(reference.id);
      if (reference.symbol !== undefined) return loaders.instrumentBySymbol.load(reference.symbol);
      return null;
    },

    quote(instrument: Instrument, _args, { loaders }) {
      return loaders.quoteByInstrumentId.load(instrument.id);
    },

    priceHistory(instrument: Instrument, args: { from?: string; to?: string }, { loaders }) {
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
    dayChange(quote: Quote) {
      return new Decimal(quote.price).minus(quote.previousClose).toFixed();
    },

    dayChangePercent(quote: Quote) {
      const previous = new Decimal(quote.previousClose);
      if (previous.isZero()) return '0.00';
      return toFixed(new Decimal(quote.price).minus(previous).div(previous).times(100), 2);
    },
  },
};
