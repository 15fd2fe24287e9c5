/**
 * Reciprocal (two-way) score from the two one-sided scores f (talent's view) and b
 * (platform's view), both in [0, 1]. Each fusion is written as S = lf * f + lb * b with
 * coefficients that depend on (f, b), which is what lets the `why` breakdown of the
 * reciprocal score be the lf/lb-weighted sum of the two sides' contributions and still add
 * up to S exactly.
 *
 *   harmonic  (0): S = 2fb / (f + b)        lf = b / (f + b), lb = f / (f + b)
 *   geometric (1): S = sqrt(fb)             lf = lb = S / (f + b)
 *   min       (2): S = min(f, b)            weight 1 on the smaller side (1/2 each on a tie)
 *   weighted  (3): S = a f + (1 - a) b      a = fusionTalentShare
 * When f + b = 0 every fusion gives 0.
 */

/** Writes [lf, lb] into out and returns S. */
export function fuse(fusion: number, talentShare: number, f: number, b: number, out: Float64Array): number {
  const sum = f + b;
  switch (fusion) {
    case 0: {
      if (sum <= 0) {
        out[0] = 0;
        out[1] = 0;
        return 0;
      }
      out[0] = b / sum;
      out[1] = f / sum;
      return out[0] * f + out[1] * b;
    }
    case 1: {
      if (sum <= 0) {
        out[0] = 0;
        out[1] = 0;
        return 0;
      }
      const g = Math.sqrt(f * b) / sum;
      out[0] = g;
      out[1] = g;
      return out[0] * f + out[1] * b;
    }
    case 2: {
      out[0] = f < b ? 1 : f > b ? 0 : 0.5;
      out[1] = 1 - out[0];
      return out[0] * f + out[1] * b;
    }
    default: {
      out[0] = talentShare;
      out[1] = 1 - talentShare;
      return out[0] * f + out[1] * b;
    }
  }
}
