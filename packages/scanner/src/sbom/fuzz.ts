/** Deterministic mutations of a real fixture for fuzz tests (test helper): byte flips, cuts, splices, repeats. */
export function* mutations(input: Buffer, count: number, seed: number): Generator<Buffer> {
  let s = seed >>> 0 || 1;
  const rand = (n: number): number => {
    // xorshift32: reproducible across runs and platforms.
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s % Math.max(1, n);
  };
  const tokens = ['{', '}', '[', ']', '"', ',', ':', 'null', '-1', '1e999', '"pkg:"', '\\u0000', 'true', '{"a":', '\n  - ', ': &a [*a]'];
  for (let i = 0; i < count; i++) {
    const b = Buffer.from(input);
    switch (i % 5) {
      case 0:
        yield b.subarray(0, rand(b.length));
        break;
      case 1: {
        for (let k = 0; k < 1 + rand(8); k++) b[rand(b.length)] = rand(256);
        yield b;
        break;
      }
      case 2: {
        const at = rand(b.length);
        yield Buffer.concat([b.subarray(0, at), Buffer.from(tokens[rand(tokens.length)]), b.subarray(at)]);
        break;
      }
      case 3: {
        const from = rand(b.length);
        yield Buffer.concat([b.subarray(0, from), b.subarray(from + rand(200))]);
        break;
      }
      default: {
        const from = rand(b.length);
        const piece = b.subarray(from, from + rand(300));
        yield Buffer.concat([b.subarray(0, from), piece, piece, b.subarray(from)]);
      }
    }
  }
}
