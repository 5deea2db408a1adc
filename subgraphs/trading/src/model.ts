export type OrderSide = 'BUY' | 'SELL';
export type OrderType = 'MARKET' | 'LIMIT';
export type OrderStatus = 'ACCEPTED' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELLED' | 'REJECTED';

export const OPEN_STATUSES: readonly OrderStatus[] = ['ACCEPTED', 'PARTIALLY_FILLED'];

export interface Order {
  id: string;
  userId: string;
  portfolioId: string;
  instrumentId: string;
  side: OrderSide;
  type: OrderType;
  quantity: string;
  limitPrice: string | null;
  status: OrderStatus;
  filledQuantity: string;
  averageFillPrice: string | null;
  idempotencyKey: string | null;
  rejectionReason: string | null;
  createdAt: Date;
  updatedAt: Date;
  acceptedAt: Date | null;
  filledAt: Date | null;
  cancelledAt: Date | null;
  rejectedAt: Date | null;
  priceCap: string | null;
  currency: string | null;
}

export interface Fill {
  id: string;
  orderId: string;
  quantity: string;
  price: string;
  executedAt: Date;
}

export interface PlaceOrderInput {
  portfolioId: string;
  instrumentId: string;
  side: OrderSide;
  type: OrderType;
  quantity: string;
  limitPrice?: string | null;
  idempotencyKey?: string | null;
}

export type UserErrorCode =
  | 'INVALID_QUANTITY'
  | 'INVALID_PRICE'
  | 'LIMIT_PRICE_REQUIRED'
  | 'LIMIT_PRICE_NOT_ALLOWED'
  | 'UNKNOWN_INSTRUMENT'
  | 'INSTRUMENT_NOT_TRADABLE'
  | 'UNKNOWN_PORTFOLIO'
  | 'PORTFOLIO_FORBIDDEN'
  | 'INSUFFICIENT_FUNDS'
  | 'INSUFFICIENT_HOLDINGS'
  | 'NO_PRICE'
  | 'UNKNOWN_ORDER'
  | 'ORDER_NOT_OPEN'
  | 'INVALID_IDEMPOTENCY_KEY'
  | 'IDEMPOTENCY_KEY_REUSED';

export interface UserError {
  code: UserErrorCode;
  message: string;
  field: string[];
}

/** A portfolio as trading knows it: by reference from the portfolio subgraph. */
export interface PortfolioReference {
  id: string;
}
