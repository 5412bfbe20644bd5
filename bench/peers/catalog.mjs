// The data of the `list-100` and `post-10k` scenarios (bench/peers.mjs), built by formulas
// from an index so that every peer can build the same values without sharing a file:
// bench/apps/covet/catalog.ts and bench/peers/fastapi/app.py repeat these formulas, and
// bench/check.mjs compares the answers byte for byte. Prices are whole cents plus 0.99 (never
// an integer: Python would print `12.0` where JavaScript prints `12`).
const WORDS = ['Merino', 'Walnut', 'Copper', 'Linen', 'Granite', 'Cedar', 'Cobalt', 'Amber', 'Slate', 'Juniper', 'Ivory', 'Saffron'];
const THINGS = ['desk lamp', 'kettle', 'notebook', 'backpack', 'mug', 'throw blanket', 'headphones', 'chair', 'teapot', 'umbrella', 'candle'];
const CATEGORIES = ['Home', 'Kitchen', 'Office', 'Travel', 'Audio', 'Garden', 'Décor'];
const TAGS = ['new', 'sale', 'eco', 'gift', 'bestseller', 'limited', 'handmade'];

/** One item of the catalog: an id, strings, a number, a boolean, a nested object, a string array, a nullable field. */
export function catalogItem(i) {
  const word = WORDS[i % WORDS.length];
  const thing = THINGS[i % THINGS.length];
  const c = i % CATEGORIES.length;
  return {
    id: i + 1,
    sku: `${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(65 + ((i * 7) % 26))}-${100000 + i * 37}`,
    name: `${word} ${thing}`,
    description: `A ${thing} in ${word.toLowerCase()}, made to last; ships in ${2 + (i % 5)} days.`,
    price: ((i * 37) % 200) + 0.99,
    inStock: i % 3 !== 0,
    category: { id: c + 1, name: CATEGORIES[c] },
    tags: [TAGS[i % TAGS.length], TAGS[(i + 3) % TAGS.length]],
    discount: i % 4 === 0 ? null : ((i * 13) % 40) + 0.5,
  };
}

/** The answer of GET /items: 100 items, built once. */
export const CATALOG = Array.from({ length: 100 }, (_, i) => catalogItem(i));

/** The body of POST /orders: a customer, a shipping address and 50 order lines (about 10 kB). */
export function orderBody() {
  return {
    customer: { id: 7, name: 'Ada Lovelace', email: 'ada@example.com' },
    currency: 'EUR',
    shipping: { street: '12 St James\'s Square', city: 'London', zip: 'SW1Y 4JH', country: 'GB' },
    lines: Array.from({ length: 50 }, (_, i) => {
      const item = catalogItem(i * 2);
      return { sku: item.sku, name: item.name, quantity: 1 + (i % 4), price: item.price, giftWrap: i % 5 === 0, note: `line ${i + 1} of 50: ${item.description} Pack it separately, please.` };
    }),
  };
}

/** The summary POST /orders answers: lines and units counted, the total summed in line order. */
export function orderSummary(order) {
  let units = 0;
  let total = 0;
  for (const line of order.lines) {
    units += line.quantity;
    total += line.quantity * line.price;
  }
  return { id: 1, lines: order.lines.length, units, total };
}
