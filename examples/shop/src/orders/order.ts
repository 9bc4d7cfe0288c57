export interface Order {
  id: string;
  customerId: string;
  totalCents: number;
  lines: { sku: string; quantity: number }[];
}

export function parseOrder(body: Buffer): Order {
  return JSON.parse(body.toString('utf8')) as Order;
}
