import { stableId } from '../ids.js';

export interface DemoTrade {
  symbol: string;
  side: 'BUY' | 'SELL';
  quantity: string;
  /** Price per unit in the instrument's currency. */
  price: string;
  /** Days before seeding that the trade was made. */
  daysAgo: number;
}

export interface DemoPortfolio {
  key: string;
  name: string;
  baseCurrency: 'GBP' | 'EUR' | 'USD';
  deposit: string;
  trades: DemoTrade[];
  /** Open limit orders, resting in the trading subgraph. */
  openOrders: { symbol: string; side: 'BUY' | 'SELL'; quantity: string; limitPrice: string }[];
}

export interface DemoUser {
  username: string;
  displayName: string;
  portfolios: DemoPortfolio[];
}

const buy = (symbol: string, quantity: string, price: string, daysAgo: number): DemoTrade => ({
  symbol,
  side: 'BUY',
  quantity,
  price,
  daysAgo,
});

/** The three demo customers of the README, each with a different profile. */
export const DEMO_USERS: readonly DemoUser[] = [
  {
    username: 'alice',
    displayName: 'Alice Martin',
    portfolios: [
      {
        key: 'alice-isa',
        name: 'Stocks & Shares ISA',
        baseCurrency: 'GBP',
        deposit: '20000.00',
        trades: [
          buy('AAPL', '15', '188.20', 300),
          buy('MSFT', '8', '402.15', 280),
          buy('VOD', '4000', '0.7240', 250),
          buy('HSBA', '600', '6.9820', 200),
          buy('VWRL', '40', '101.30', 120),
          buy('IGLT', '150', '10.8800', 60),
        ],
        openOrders: [{ symbol: 'NVDA', side: 'BUY', quantity: '10', limitPrice: '110.00' }],
      },
      {
        key: 'alice-crypto',
        name: 'Crypto',
        baseCurrency: 'GBP',
        deposit: '3000.00',
        trades: [buy('BTC-GBP', '0.035', '43120.00', 190), buy('ETH-USD', '0.4', '2650.00', 90)],
        openOrders: [],
      },
    ],
  },
  {
    username: 'bob',
    displayName: 'Bob Schneider',
    portfolios: [
      {
        key: 'bob-main',
        name: 'Depot',
        baseCurrency: 'EUR',
        deposit: '15000.00',
        trades: [
          buy('ASML', '5', '712.40', 310),
          buy('SAP', '20', '176.80', 240),
          buy('IWDA', '50', '86.15', 150),
          buy('IEAC', '20', '121.90', 75),
          buy('TSLA', '6', '221.30', 30),
        ],
        openOrders: [{ symbol: 'SAP', side: 'SELL', quantity: '5', limitPrice: '260.00' }],
      },
    ],
  },
  {
    username: 'carol',
    displayName: 'Carol Davies',
    portfolios: [
      {
        key: 'carol-pension',
        name: 'SIPP',
        baseCurrency: 'GBP',
        deposit: '50000.00',
        trades: [
          buy('VUSA', '150', '78.40', 330),
          buy('ISF', '1200', '7.9100', 320),
          buy('IGLT', '900', '11.0200', 300),
          buy('AGG', '80', '97.60', 210),
          buy('AZN', '40', '118.50', 160),
          buy('ULVR', '60', '44.20', 100),
          buy('SHEL', '100', '27.10', 45),
        ],
        openOrders: [],
      },
    ],
  },
];

export function userId(username: string): string {
  return stableId('user', username);
}

export function portfolioId(key: string): string {
  return stableId('portfolio', key);
}

export function instrumentId(symbol: string): string {
  return stableId('instrument', symbol);
}
