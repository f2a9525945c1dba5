/**
 * The validator of the insight tool's input. A strict tool makes the API follow the schema, but a
 * model answer is still data from outside: it is parsed and checked here before anything uses it,
 * with the same limits as the JSON schema we send (protocol.ts).
 */
import { z } from 'zod';
import { INSIGHT_LIMITS } from './protocol.js';

export const insightToolInputSchema = z.strictObject({
  sentiment: z.enum(['bullish', 'neutral', 'bearish']),
  sentiment_score: z.number().min(-1).max(1),
  key_factors: z.array(z.string().min(1).max(INSIGHT_LIMITS.keyFactorMaxChars)).min(INSIGHT_LIMITS.keyFactorsMin).max(INSIGHT_LIMITS.keyFactorsMax),
  risk_level: z.enum(['low', 'medium', 'high']),
  confidence: z.number().min(0).max(1),
  summary: z.string().min(1).max(INSIGHT_LIMITS.summaryMaxChars),
});

export type InsightToolInput = z.infer<typeof insightToolInputSchema>;

export type InsightInputCheck = { ok: true; value: InsightToolInput } | { ok: false; problems: string };

/** Validates a parsed tool input. `problems` names each failing field, for the error message. */
export function checkInsightToolInput(input: unknown): InsightInputCheck {
  const result = insightToolInputSchema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  const problems = result.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
  return { ok: false, problems };
}
