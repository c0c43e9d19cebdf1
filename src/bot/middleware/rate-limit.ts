/**
 * Per-Telegram-account rate limit (issue 12.17): a token bucket per sender, in memory (one process; behind
 * a load balancer each instance limits what it receives, which still bounds the cost per instance). People
 * who are nobody to us (not bound, not an administrator) get STRANGER_PER_MINUTE updates a minute; known
 * users KNOWN_PER_MINUTE, far above what a person types or taps. Past the limit the sender is told once
 * (until the bucket refills) and further updates are dropped before they reach the database.
 */

export const STRANGER_PER_MINUTE = 30;
export const KNOWN_PER_MINUTE = 120;
/** Buckets tracked at most; full (idle) ones are forgotten first. */
const MAX_TRACKED = 50_000;

export type Verdict = "ok" | "notify" | "drop";
export type SenderKind = "stranger" | "known";

interface Bucket {
  tokens: number;
  at: number;
  kind: SenderKind;
  /** The sender was told they are over the limit in this episode. */
  noticed: boolean;
}

export interface RateLimiterOptions {
  strangerPerMinute?: number;
  knownPerMinute?: number;
  /** Milliseconds from a monotonic clock (performance.now by default). */
  now?: () => number;
  maxTracked?: number;
}

export class RateLimiter {
  private readonly buckets = new Map<number, Bucket>();
  private readonly perMinute: Record<SenderKind, number>;
  private readonly now: () => number;
  private readonly maxTracked: number;

  constructor(opts: RateLimiterOptions = {}) {
    this.perMinute = {
      stranger: opts.strangerPerMinute ?? STRANGER_PER_MINUTE,
      known: opts.knownPerMinute ?? KNOWN_PER_MINUTE,
    };
    this.now = opts.now ?? (() => performance.now());
    this.maxTracked = opts.maxTracked ?? MAX_TRACKED;
  }

  /** Buckets tracked (for tests and metrics). */
  get size(): number {
    return this.buckets.size;
  }

  private refill(b: Bucket, now: number): void {
    const cap = this.perMinute[b.kind];
    b.tokens = Math.min(cap, b.tokens + ((now - b.at) * cap) / 60_000);
    b.at = now;
    if (b.tokens >= 1) b.noticed = false;
  }

  private spend(b: Bucket): Verdict {
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return "ok";
    }
    if (b.noticed) return "drop";
    b.noticed = true;
    return "notify";
  }

  /**
   * Before anything is loaded: a sender known to be a stranger whose bucket is empty is refused here, so a
   * flood does not even cost a database read. Null: go on and load the identity, then call take().
   */
  early(id: number): Verdict | null {
    const b = this.buckets.get(id);
    if (b?.kind !== "stranger") return null;
    this.refill(b, this.now());
    return b.tokens >= 1 ? null : this.spend(b);
  }

  /** One update of this sender, of this kind now. */
  take(id: number, kind: SenderKind): Verdict {
    const now = this.now();
    let b = this.buckets.get(id);
    if (!b) {
      if (this.buckets.size >= this.maxTracked) this.forget(now);
      b = { tokens: this.perMinute[kind], at: now, kind, noticed: false };
      this.buckets.set(id, b);
    } else {
      this.refill(b, now);
      if (b.kind !== kind) {
        b.kind = kind;
        b.tokens = Math.min(b.tokens, this.perMinute[kind]);
        if (kind === "known") b.tokens = Math.max(b.tokens, 1);
      }
    }
    return this.spend(b);
  }

  /** Drops buckets that are full again (their sender is idle), then the oldest if still too many. */
  private forget(now: number): void {
    for (const [id, b] of this.buckets) {
      this.refill(b, now);
      if (b.tokens >= this.perMinute[b.kind]) this.buckets.delete(id);
    }
    for (const id of this.buckets.keys()) {
      if (this.buckets.size < this.maxTracked * 0.9) break;
      this.buckets.delete(id);
    }
  }
}
