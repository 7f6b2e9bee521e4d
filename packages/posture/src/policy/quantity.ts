/**
 * Kubernetes resource.Quantity ("500m", "1.5Gi", "2e3", "128974848"), as Kubernetes' CEL `quantity()` library sees
 * it: exact values held as nano-units in a bigint (Kubernetes rounds finer values up to 1n as well).
 */

const NANO = 1_000_000_000n;

const SUFFIX: Record<string, bigint> = {
  n: 1n,
  u: 1_000n,
  m: 1_000_000n,
  '': NANO,
  k: 1_000n * NANO,
  M: 1_000_000n * NANO,
  G: 1_000_000_000n * NANO,
  T: 1_000_000_000_000n * NANO,
  P: 1_000_000_000_000_000n * NANO,
  E: 1_000_000_000_000_000_000n * NANO,
  Ki: 1024n * NANO,
  Mi: 1024n ** 2n * NANO,
  Gi: 1024n ** 3n * NANO,
  Ti: 1024n ** 4n * NANO,
  Pi: 1024n ** 5n * NANO,
  Ei: 1024n ** 6n * NANO,
};

const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])|[eE]([+-]?\d{1,3}))?$/;

export class Quantity {
  /** Value in nano-units (1 = 1n, 1_000_000_000 = 1). */
  readonly nanos: bigint;
  constructor(nanos: bigint, readonly text: string) {
    this.nanos = nanos;
  }

  sign(): number {
    return this.nanos > 0n ? 1 : this.nanos < 0n ? -1 : 0;
  }

  isInteger(): boolean {
    return this.nanos % NANO === 0n;
  }

  compareTo(o: Quantity): -1 | 0 | 1 {
    return this.nanos < o.nanos ? -1 : this.nanos > o.nanos ? 1 : 0;
  }

  toString(): string {
    return this.text;
  }
}

function divCeil(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a > 0n ? q + 1n : q;
}

/** Parses a quantity string; undefined when it is not one. */
export function parseQuantity(s: string): Quantity | undefined {
  if (s.length === 0 || s.length > 64) return undefined;
  const m = QUANTITY.exec(s.trim() === s ? s : '');
  if (!m) return undefined;
  const [, sign, num, suffix, exp] = m;
  const [intPart, fracPart = ''] = num!.split('.');
  const digits = BigInt((intPart || '0') + fracPart);
  const scale = 10n ** BigInt(fracPart.length);
  let nanos: bigint;
  if (exp !== undefined) {
    const e = Number(exp);
    nanos = e >= 0 ? digits * 10n ** BigInt(e) * NANO : digits * NANO;
    const den = e >= 0 ? scale : scale * 10n ** BigInt(-e);
    nanos = divCeil(nanos, den);
  } else {
    nanos = divCeil(digits * SUFFIX[suffix ?? '']!, scale);
  }
  return new Quantity(sign === '-' ? -nanos : nanos, s);
}

export function quantityFromNanos(nanos: bigint): Quantity {
  const whole = nanos / NANO;
  const text = nanos % NANO === 0n ? String(whole) : `${nanos}n`;
  return new Quantity(nanos, text);
}

export const NANOS_PER_UNIT = NANO;
