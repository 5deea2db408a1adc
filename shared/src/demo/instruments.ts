export type AssetClass = 'EQUITY' | 'ETF' | 'BOND' | 'CRYPTO';

export interface InstrumentSeed {
  symbol: string;
  name: string;
  assetClass: AssetClass;
  currency: 'USD' | 'GBP' | 'EUR';
  exchange: string;
  /** Reference price the generated history ends at, in `currency`. */
  price: string;
}

const us = (symbol: string, name: string, exchange: string, price: string): InstrumentSeed => ({
  symbol,
  name,
  assetClass: 'EQUITY',
  currency: 'USD',
  exchange,
  price,
});
const uk = (symbol: string, name: string, price: string): InstrumentSeed => ({
  symbol,
  name,
  assetClass: 'EQUITY',
  currency: 'GBP',
  exchange: 'XLON',
  price,
});
const eu = (symbol: string, name: string, exchange: string, price: string): InstrumentSeed => ({
  symbol,
  name,
  assetClass: 'EQUITY',
  currency: 'EUR',
  exchange,
  price,
});

/** Fifty real-world listings across the asset classes Moneta's users trade. */
export const INSTRUMENTS: readonly InstrumentSeed[] = [
  us('AAPL', 'Apple Inc.', 'XNAS', '229.87'),
  us('MSFT', 'Microsoft Corporation', 'XNAS', '417.46'),
  us('NVDA', 'NVIDIA Corporation', 'XNAS', '131.38'),
  us('AMZN', 'Amazon.com, Inc.', 'XNAS', '188.40'),
  us('GOOGL', 'Alphabet Inc. Class A', 'XNAS', '167.06'),
  us('META', 'Meta Platforms, Inc.', 'XNAS', '563.33'),
  us('TSLA', 'Tesla, Inc.', 'XNAS', '248.50'),
  us('NFLX', 'Netflix, Inc.', 'XNAS', '801.12'),
  us('JPM', 'JPMorgan Chase & Co.', 'XNYS', '229.98'),
  us('V', 'Visa Inc. Class A', 'XNYS', '301.55'),
  us('JNJ', 'Johnson & Johnson', 'XNYS', '154.72'),
  us('KO', 'The Coca-Cola Company', 'XNYS', '64.81'),
  us('XOM', 'Exxon Mobil Corporation', 'XNYS', '116.23'),
  us('PG', 'The Procter & Gamble Company', 'XNYS', '166.40'),
  us('DIS', 'The Walt Disney Company', 'XNYS', '99.74'),
  uk('VOD', 'Vodafone Group Plc', '0.7012'),
  uk('HSBA', 'HSBC Holdings plc', '7.5240'),
  uk('BP.', 'BP p.l.c.', '4.1980'),
  uk('SHEL', 'Shell plc', '26.4850'),
  uk('AZN', 'AstraZeneca PLC', '110.2200'),
  uk('ULVR', 'Unilever PLC', '46.1300'),
  uk('GSK', 'GSK plc', '14.5150'),
  uk('BARC', 'Barclays PLC', '2.6045'),
  uk('LLOY', 'Lloyds Banking Group plc', '0.5812'),
  uk('RIO', 'Rio Tinto plc', '49.0400'),
  uk('BATS', 'British American Tobacco p.l.c.', '29.1200'),
  uk('TSCO', 'Tesco PLC', '3.6030'),
  uk('RR.', 'Rolls-Royce Holdings plc', '5.6120'),
  uk('DGE', 'Diageo plc', '25.0150'),
  uk('LSEG', 'London Stock Exchange Group plc', '110.4500'),
  eu('ASML', 'ASML Holding N.V.', 'XAMS', '681.20'),
  eu('SAP', 'SAP SE', 'XETR', '219.65'),
  eu('MC', 'LVMH Moët Hennessy Louis Vuitton SE', 'XPAR', '649.30'),
  eu('SIE', 'Siemens AG', 'XETR', '180.14'),
  eu('TTE', 'TotalEnergies SE', 'XPAR', '57.21'),
  {
    symbol: 'SPY',
    name: 'SPDR S&P 500 ETF Trust',
    assetClass: 'ETF',
    currency: 'USD',
    exchange: 'ARCX',
    price: '571.47',
  },
  {
    symbol: 'QQQ',
    name: 'Invesco QQQ Trust',
    assetClass: 'ETF',
    currency: 'USD',
    exchange: 'XNAS',
    price: '488.07',
  },
  {
    symbol: 'VUSA',
    name: 'Vanguard S&P 500 UCITS ETF',
    assetClass: 'ETF',
    currency: 'GBP',
    exchange: 'XLON',
    price: '90.1250',
  },
  {
    symbol: 'ISF',
    name: 'iShares Core FTSE 100 UCITS ETF',
    assetClass: 'ETF',
    currency: 'GBP',
    exchange: 'XLON',
    price: '8.3140',
  },
  {
    symbol: 'VWRL',
    name: 'Vanguard FTSE All-World UCITS ETF',
    assetClass: 'ETF',
    currency: 'GBP',
    exchange: 'XLON',
    price: '110.3800',
  },
  {
    symbol: 'IWDA',
    name: 'iShares Core MSCI World UCITS ETF',
    assetClass: 'ETF',
    currency: 'EUR',
    exchange: 'XAMS',
    price: '95.4300',
  },
  {
    symbol: 'IGLT',
    name: 'iShares Core UK Gilts UCITS ETF',
    assetClass: 'BOND',
    currency: 'GBP',
    exchange: 'XLON',
    price: '10.7250',
  },
  {
    symbol: 'AGG',
    name: 'iShares Core U.S. Aggregate Bond ETF',
    assetClass: 'BOND',
    currency: 'USD',
    exchange: 'ARCX',
    price: '99.12',
  },
  {
    symbol: 'TLT',
    name: 'iShares 20+ Year Treasury Bond ETF',
    assetClass: 'BOND',
    currency: 'USD',
    exchange: 'XNAS',
    price: '92.35',
  },
  {
    symbol: 'IEAC',
    name: 'iShares Core EUR Corp Bond UCITS ETF',
    assetClass: 'BOND',
    currency: 'EUR',
    exchange: 'XAMS',
    price: '124.86',
  },
  {
    symbol: 'BTC-USD',
    name: 'Bitcoin / US Dollar',
    assetClass: 'CRYPTO',
    currency: 'USD',
    exchange: 'CRYPTO',
    price: '64890.00',
  },
  {
    symbol: 'ETH-USD',
    name: 'Ether / US Dollar',
    assetClass: 'CRYPTO',
    currency: 'USD',
    exchange: 'CRYPTO',
    price: '3012.40',
  },
  {
    symbol: 'SOL-USD',
    name: 'Solana / US Dollar',
    assetClass: 'CRYPTO',
    currency: 'USD',
    exchange: 'CRYPTO',
    price: '151.72',
  },
  {
    symbol: 'BTC-GBP',
    name: 'Bitcoin / Pound Sterling',
    assetClass: 'CRYPTO',
    currency: 'GBP',
    exchange: 'CRYPTO',
    price: '50910.00',
  },
  {
    symbol: 'ETH-EUR',
    name: 'Ether / Euro',
    assetClass: 'CRYPTO',
    currency: 'EUR',
    exchange: 'CRYPTO',
    price: '2781.10',
  },
];

/** Cross rates for the three pricing currencies, as units of quote per unit of base. */
export const FX_RATES: readonly { base: string; quote: string; rate: string }[] = [
  { base: 'GBP', quote: 'USD', rate: '1.2712' },
  { base: 'EUR', quote: 'USD', rate: '1.0834' },
  { base: 'EUR', quote: 'GBP', rate: '0.8523' },
];
