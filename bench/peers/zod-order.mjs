// The POST /orders body (the `post-10k` scenario) as a zod schema, for the zod peers (Hono,
// Express): the rules of bench/peers/validate-order.mjs.
import { z } from 'zod';

const text = (min, max) => z.string().min(min).max(max);

export const NewOrder = z.object({
  customer: z.object({ id: z.number().int().min(1), name: text(1, 100), email: z.email() }),
  currency: z.enum(['EUR', 'USD', 'GBP']),
  shipping: z.object({ street: text(1, 200), city: text(1, 100), zip: text(1, 20), country: text(2, 2) }),
  lines: z
    .array(
      z.object({
        sku: z.string().regex(/^[A-Z]{2}-[0-9]{6}$/),
        name: text(1, 200),
        quantity: z.number().int().min(1).max(1000),
        price: z.number().min(0),
        giftWrap: z.boolean(),
        note: z.string().max(200),
      }),
    )
    .min(1)
    .max(100),
});
