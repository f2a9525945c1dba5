/**
 * The operational tables beside the snapshots: the audit log, per-source freshness (what the health
 * endpoint and a restarted process read back), raw upstream responses, and normalized records.
 * Timestamps come from the caller's clock, never from column defaults, so retention compares values
 * written in one format and tests control time.
 */
import type { BreakerState, CacheTier } from '../core/domain.js';
import type { HistoryClient } from './database.js';

export interface AuditInput {
  eventType: string;
  source?: string | null;
  agentId?: string | null;
  /** Stored as JSON. */
  details?: unknown;
  errorMessage?: string | null;
}

export interface FreshnessInput {
  source: string;
  /** undefined keeps the stored value; null clears it. */
  lastSuccessAt?: Date | null;
  lastFailureAt?: Date | null;
  consecutiveFailures: number;
  breakerState: BreakerState;
  lastError?: string | null;
}

export interface FreshnessRow {
  source: string;
  lastSuccessAt: Date | null;
  lastFailureAt: Date | null;
  consecutiveFailures: number;
  breakerState: BreakerState;
  lastError: string | null;
  updatedAt: Date;
}

export interface RawResponseInput {
  source: string;
  endpoint: string;
  requestId?: string | null;
  /** Stored as JSON. */
  body: unknown;
  status: number;
  ttlSeconds: number;
}

export interface NormalizedInput {
  /** Upsert key. */
  dataId: string;
  source: string;
  ticker?: string | null;
  assetType?: string | null;
  /** Stored as JSON. */
  value: unknown;
  cacheTier: CacheTier;
  expiresAt?: Date | null;
}

const BREAKER_STATES: ReadonlySet<string> = new Set<BreakerState>(['CLOSED', 'OPEN', 'HALF_OPEN']);

function json(value: unknown, what: string): string {
  const text = JSON.stringify(value) as string | undefined;
  if (text === undefined) throw new TypeError(`${what} is not JSON-serializable`);
  return text;
}

export async function recordAudit(prisma: HistoryClient, input: AuditInput, now: Date): Promise<void> {
  await prisma.auditLog.create({
    data: {
      eventType: input.eventType,
      source: input.source ?? null,
      agentId: input.agentId ?? null,
      detailsJson: input.details === undefined ? null : json(input.details, 'audit details'),
      errorMessage: input.errorMessage ?? null,
      loggedAt: now,
    },
  });
}

export async function upsertFreshness(prisma: HistoryClient, input: FreshnessInput, now: Date): Promise<void> {
  const fields = {
    consecutiveFailures: input.consecutiveFailures,
    circuitBreakerState: input.breakerState,
    updatedAt: now,
    ...(input.lastSuccessAt === undefined ? {} : { lastSuccessfulFetch: input.lastSuccessAt }),
    ...(input.lastFailureAt === undefined ? {} : { lastFailedFetch: input.lastFailureAt }),
    ...(input.lastError === undefined ? {} : { lastError: input.lastError }),
  };
  await prisma.dataFreshness.upsert({ where: { source: input.source }, create: { source: input.source, ...fields }, update: fields });
}

export async function readFreshness(prisma: HistoryClient): Promise<FreshnessRow[]> {
  const rows = await prisma.dataFreshness.findMany({ orderBy: { source: 'asc' } });
  return rows.map((row) => ({
    source: row.source,
    lastSuccessAt: row.lastSuccessfulFetch,
    lastFailureAt: row.lastFailedFetch,
    consecutiveFailures: row.consecutiveFailures,
    // Only this module writes the column; a value edited by hand reads as the safe default.
    breakerState: BREAKER_STATES.has(row.circuitBreakerState) ? (row.circuitBreakerState as BreakerState) : 'CLOSED',
    lastError: row.lastError,
    updatedAt: row.updatedAt,
  }));
}

export async function recordRawResponse(prisma: HistoryClient, input: RawResponseInput, now: Date): Promise<void> {
  await prisma.rawApiResponse.create({
    data: {
      source: input.source,
      apiEndpoint: input.endpoint,
      requestId: input.requestId ?? null,
      responseJson: json(input.body, 'response body'),
      responseStatus: input.status,
      fetchTimestamp: now,
      ttlSeconds: input.ttlSeconds,
    },
  });
}

/** Replaces the row for dataId, as the seed's INSERT OR REPLACE did: created_at is the last write. */
export async function recordNormalized(prisma: HistoryClient, input: NormalizedInput, now: Date): Promise<void> {
  const fields = {
    source: input.source,
    ticker: input.ticker ?? null,
    assetType: input.assetType ?? null,
    normalizedJson: json(input.value, 'normalized value'),
    cacheTier: input.cacheTier,
    createdAt: now,
    expiresAt: input.expiresAt ?? null,
  };
  await prisma.normalizedData.upsert({ where: { dataId: input.dataId }, create: { dataId: input.dataId, ...fields }, update: fields });
}
