/**
 * Planted truth (`truth.jsonl`, read by `talentmatch evaluate --truth FILE`): which
 * platforms fit each talent, and the language each entity writes in. Written by the
 * fixture generator's planted worlds (src/synth/generate.ts); a data team can write one
 * by hand for a known-answer check. One JSON object per line:
 *
 *   {"side":"platform","id":"p-1","language":"zh","industry":"e-commerce","modes":["capital"]}
 *   {"side":"talent","id":"t-1","language":"en","industry":"e-commerce","mode":"capital","fits":["p-1"]}
 *
 * `language` is a free label ("zh", "en", ...): the metric reports one group per label.
 * `industry`, `mode` and `modes` document how the fits were planted; the metric reads
 * only ids, languages and fits.
 */
import { z } from 'zod';
import { idField } from './schemas.js';

const e = (text: string) => ({ error: text });
const label = z.string(e('non-empty string (a language label, e.g. "zh")')).min(1, e('non-empty string (a language label, e.g. "zh")'));

export const TruthPlatformSchema = z.object(
  {
    side: z.literal('platform', e('"platform" or "talent"')),
    id: idField,
    language: label,
    industry: z.string(e('string')).optional(),
    modes: z.array(z.string(e('string')), e('array of strings')).optional(),
  },
  e('object'),
);

export const TruthTalentSchema = z.object(
  {
    side: z.literal('talent', e('"platform" or "talent"')),
    id: idField,
    language: label,
    industry: z.string(e('string')).optional(),
    mode: z.string(e('string')).optional(),
    fits: z.array(idField, e('array of platform ids')),
  },
  e('object'),
);

export const TruthRecordSchema = z.discriminatedUnion('side', [TruthPlatformSchema, TruthTalentSchema], e('object with "side": "platform" | "talent"'));

export type TruthRecord = z.infer<typeof TruthRecordSchema>;
