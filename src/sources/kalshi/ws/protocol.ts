/**
 * Kalshi's WebSocket wire types (Trade API v2, `GET /trade-api/ws/v2`): the commands a client
 * sends, the replies and data envelopes the server sends, and the error codes. The simulator
 * (simulator/ws-server.ts) serves exactly these and the feed (feed.ts) reads exactly these, so a
 * field drift is a compile error on one side or the other.
 *
 * Money and counts are fixed-point strings as on REST (`*_dollars`, `*_fp`); see ../money.ts.
 */

/** The path the handshake goes to, and the path it is signed over. */
export const KALSHI_WS_PATH = '/trade-api/ws/v2';

/** The channels this project speaks. Kalshi has more (fill, market_positions, …); they are private. */
export const KALSHI_WS_CHANNELS = ['orderbook_delta', 'ticker', 'trade'] as const;
export type KalshiWsChannel = (typeof KALSHI_WS_CHANNELS)[number];

export function isKalshiWsChannel(value: unknown): value is KalshiWsChannel {
  return typeof value === 'string' && (KALSHI_WS_CHANNELS as readonly string[]).includes(value);
}

/** Channels whose data messages carry a `seq` counting per sid from 1 (a gap means loss). */
export const SEQUENCED_CHANNELS: ReadonlySet<KalshiWsChannel> = new Set<KalshiWsChannel>(['orderbook_delta', 'trade']);

// ---- commands (client → server) ----

export interface SubscribeCommand {
  id: number;
  cmd: 'subscribe';
  params: { channels: KalshiWsChannel[]; market_tickers?: string[] };
}

export interface UnsubscribeCommand {
  id: number;
  cmd: 'unsubscribe';
  params: { sids: number[] };
}

export const UPDATE_ACTIONS = ['add_markets', 'delete_markets', 'get_snapshot'] as const;
export type UpdateAction = (typeof UPDATE_ACTIONS)[number];

/** Kalshi accepts the subscription as `sid` or as a one-element `sids`; we send `sid`. */
export interface UpdateSubscriptionCommand {
  id: number;
  cmd: 'update_subscription';
  params: { sid?: number; sids?: number[]; action: UpdateAction; market_tickers?: string[] };
}

export interface ListSubscriptionsCommand {
  id: number;
  cmd: 'list_subscriptions';
  params?: Record<string, never>;
}

export type KalshiWsCommand = SubscribeCommand | UnsubscribeCommand | UpdateSubscriptionCommand | ListSubscriptionsCommand;

// ---- replies (server → client, answering a command by its id) ----

export interface SubscribedReply {
  type: 'subscribed';
  id: number;
  msg: { channel: KalshiWsChannel; sid: number };
}

/** update_subscription's answer: `seq` is the subscription's last sequence number sent (not consumed). */
export interface UpdateOkReply {
  type: 'ok';
  id: number;
  sid: number;
  seq: number;
  msg: { market_tickers: string[] };
}

export interface SubscriptionInfo {
  channel: KalshiWsChannel;
  sid: number;
  /** Absent for a subscription to every market (ticker / trade without market_tickers). */
  market_tickers?: string[];
}

/** list_subscriptions' answer. */
export interface ListOkReply {
  type: 'ok';
  id: number;
  msg: SubscriptionInfo[];
}

export interface UnsubscribedReply {
  type: 'unsubscribed';
  id: number;
  sid: number;
}

/**
 * A failed command (`id` set) or a subscription the server ended (`sid` set, codes 10 and 25).
 * Kalshi's documented shape is `{ type, id, msg: { code, msg } }`; `sid` is how the simulator, and
 * the feed, name the subscription a terminal error is about.
 */
export interface ErrorReply {
  type: 'error';
  id?: number;
  sid?: number;
  msg: { code: number; msg: string };
}

/** Kalshi's WebSocket error codes. */
export const WS_ERROR = {
  unableToProcess: 1,
  paramsRequired: 2,
  channelsRequired: 3,
  sidsRequired: 4,
  unknownCommand: 5,
  alreadySubscribed: 6,
  unknownSid: 7,
  unknownChannel: 8,
  authRequired: 9,
  channelError: 10,
  invalidParameter: 11,
  exactlyOneSid: 12,
  unsupportedAction: 13,
  marketTickerRequired: 14,
  actionRequired: 15,
  marketNotFound: 16,
  internalError: 17,
  bufferOverflow: 25,
} as const;

/** Codes after which the server sends nothing more on the subscription: subscribe again. */
export const TERMINAL_ERROR_CODES: ReadonlySet<number> = new Set([WS_ERROR.channelError, WS_ERROR.bufferOverflow]);

// ---- data (server → client, `{ type, sid, seq, msg }`) ----

/** One level: [dollar price, contract count], e.g. ["0.5600", "120.00"], ascending by price. */
export type WsPriceLevel = [price: string, count: string];

export interface OrderbookSnapshotMsg {
  market_ticker: string;
  market_id: string;
  /** Absent when the side is empty. */
  yes_dollars_fp?: WsPriceLevel[];
  no_dollars_fp?: WsPriceLevel[];
}

export interface OrderbookDeltaMsg {
  market_ticker: string;
  market_id: string;
  price_dollars: string;
  /** Signed change of the level's size, e.g. "-12.00". */
  delta_fp: string;
  side: 'yes' | 'no';
  ts_ms: number;
}

export interface TickerMsg {
  market_ticker: string;
  market_id: string;
  /** Last trade price. */
  price_dollars: string;
  yes_bid_dollars: string;
  yes_ask_dollars: string;
  volume_fp: string;
  open_interest_fp: string;
  ts_ms: number;
}

export interface TradeMsg {
  trade_id: string;
  market_ticker: string;
  yes_price_dollars: string;
  no_price_dollars: string;
  count_fp: string;
  taker_outcome_side: 'yes' | 'no';
  ts_ms: number;
}

export interface OrderbookSnapshotMessage {
  type: 'orderbook_snapshot';
  sid: number;
  seq: number;
  msg: OrderbookSnapshotMsg;
}

export interface OrderbookDeltaMessage {
  type: 'orderbook_delta';
  sid: number;
  seq: number;
  msg: OrderbookDeltaMsg;
}

/** Not sequenced. */
export interface TickerMessage {
  type: 'ticker';
  sid: number;
  msg: TickerMsg;
}

export interface TradeMessage {
  type: 'trade';
  sid: number;
  seq: number;
  msg: TradeMsg;
}

export type KalshiWsDataMessage = OrderbookSnapshotMessage | OrderbookDeltaMessage | TickerMessage | TradeMessage;
export type KalshiWsReply = SubscribedReply | UpdateOkReply | ListOkReply | UnsubscribedReply | ErrorReply;
export type KalshiWsServerMessage = KalshiWsDataMessage | KalshiWsReply;
