import { AppError } from '@pms/platform/domain';

export interface LoginThrottleLimits {
  perEmail: number;
  perAddress: number;
  windowMs: number;
}

export class TooManyLoginAttempts extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super('RATE_LIMITED', 'Too many login attempts; try again later', 'LOGIN_RATE_LIMITED');
  }
}

interface Window {
  count: number;
  resetAt: number;
}

/**
 * Fixed-window counters of login attempts per email and per caller address, in memory
 * (one auth replica; several replicas would each allow the limit). An attempt is counted
 * when it starts, so concurrent guesses cannot slip past the limit, and refunded when it
 * succeeds, so only failed attempts use up the budget.
 */
export class LoginThrottle {
  private readonly windows = new Map<string, Window>();
  private nextSweep = 0;

  constructor(
    private readonly limits: LoginThrottleLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one attempt; throws TooManyLoginAttempts when the email or address is out of attempts. */
  begin(email: string, address: string): { succeeded(): void } {
    const now = this.now();
    this.sweep(now);
    const keys = [
      { key: `email:${email}`, limit: this.limits.perEmail },
      { key: `address:${address}`, limit: this.limits.perAddress },
    ];
    const windows = keys.map(({ key, limit }) => ({ window: this.current(key, now), limit }));
    const blocked = windows.find(({ window, limit }) => window.count >= limit);
    if (blocked) throw new TooManyLoginAttempts(Math.max(1, Math.ceil((blocked.window.resetAt - now) / 1000)));
    for (const { window } of windows) window.count += 1;
    return {
      succeeded: () => {
        for (const { window } of windows) window.count = Math.max(0, window.count - 1);
      },
    };
  }

  private current(key: string, now: number): Window {
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + this.limits.windowMs };
      this.windows.set(key, window);
    }
    return window;
  }

  /** Drops expired windows once per window length, so memory stays bounded by recent callers. */
  private sweep(now: number): void {
    if (now < this.nextSweep) return;
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
    this.nextSweep = now + this.limits.windowMs;
  }
}
