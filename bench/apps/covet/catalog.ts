import type { Email, Int, Max, MaxItems, MaxLength, Min, MinItems, MinLength, Pattern } from 'covet';

// The `list-100` and `post-10k` scenarios (issue 15). The items are built by the formulas of
// bench/peers/catalog.mjs (every peer repeats them; bench/check.mjs compares the bytes).

export interface Category {
  id: number & Int;
  name: string;
}

export interface Item {
  id: number & Int;
  sku: string;
  name: string;
  description: string;
  price: number;
  inStock: boolean;
  category: Category;
  tags: string[];
  discount: number | null;
}

const WORDS = ['Merino', 'Walnut', 'Copper', 'Linen', 'Granite', 'Cedar', 'Cobalt', 'Amber', 'Slate', 'Juniper', 'Ivory', 'Saffron'];
const THINGS = ['desk lamp', 'kettle', 'notebook', 'backpack', 'mug', 'throw blanket', 'headphones', 'chair', 'teapot', 'umbrella', 'candle'];
const CATEGORIES = ['Home', 'Kitchen', 'Office', 'Travel', 'Audio', 'Garden', 'Décor'];
const TAGS = ['new', 'sale', 'eco', 'gift', 'bestseller', 'limited', 'handmade'];

function catalogItem(i: number): Item {
  const word = WORDS[i % WORDS.length]!;
  const thing = THINGS[i % THINGS.length]!;
  const c = i % CATEGORIES.length;
  return {
    id: i + 1,
    sku: `${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(65 + ((i * 7) % 26))}-${100000 + i * 37}`,
    name: `${word} ${thing}`,
    description: `A ${thing} in ${word.toLowerCase()}, made to last; ships in ${2 + (i % 5)} days.`,
    price: ((i * 37) % 200) + 0.99,
    inStock: i % 3 !== 0,
    category: { id: c + 1, name: CATEGORIES[c]! },
    tags: [TAGS[i % TAGS.length]!, TAGS[(i + 3) % TAGS.length]!],
    discount: i % 4 === 0 ? null : ((i * 13) % 40) + 0.5,
  };
}

const CATALOG: Item[] = Array.from({ length: 100 }, (_, i) => catalogItem(i));

/**
 * The catalog: 100 items, built once, serialized per request by the generated serializer.
 * @route GET /items
 */
export function listItems(): Item[] {
  return CATALOG;
}

export interface Customer {
  id: number & Int & Min<1>;
  name: string & MinLength<1> & MaxLength<100>;
  email: string & Email;
}

export interface Shipping {
  street: string & MinLength<1> & MaxLength<200>;
  city: string & MinLength<1> & MaxLength<100>;
  zip: string & MinLength<1> & MaxLength<20>;
  country: string & MinLength<2> & MaxLength<2>;
}

export interface OrderLine {
  sku: string & Pattern<'^[A-Z]{2}-[0-9]{6}$'>;
  name: string & MinLength<1> & MaxLength<200>;
  quantity: number & Int & Min<1> & Max<1000>;
  price: number & Min<0>;
  giftWrap: boolean;
  note: string & MaxLength<200>;
}

export interface NewOrder {
  customer: Customer;
  currency: 'EUR' | 'USD' | 'GBP';
  shipping: Shipping;
  lines: OrderLine[] & MinItems<1> & MaxItems<100>;
}

export interface OrderSummary {
  id: number & Int;
  lines: number & Int;
  units: number & Int;
  total: number;
}

/**
 * Validates a 50-line order in full and answers its summary (lines, units, the total in line order).
 * @route POST /orders
 * @status 201
 */
export function createOrder(body: NewOrder): OrderSummary {
  let units = 0;
  let total = 0;
  for (const line of body.lines) {
    units += line.quantity;
    total += line.quantity * line.price;
  }
  return { id: 1, lines: body.lines.length, units, total };
}
