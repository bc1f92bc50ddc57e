import { BENCH_ROUTE } from './bench-config.js';

/** A typical shipping notice: about the length of a real transactional message. */
export const BENCH_TEXT =
  'ご注文の商品を発送しました。お届け予定日: 11月24日。お問い合わせ番号: 1234-5678-9012';

/** Distinct Japanese mobile numbers (090 and eight digits, the first not 0), one per index. */
export function benchPhone(index: number): string {
  return `+8190${10_000_000 + (index % 89_999_999)}`;
}

/** A POST /v1/messages body for one person on the LINE-only route. */
export function messageBody(index: number, priority: 'realtime' | 'bulk', text = BENCH_TEXT) {
  return { to: { phone: benchPhone(index) }, purpose: 'shipping_notice', route: BENCH_ROUTE, text, priority };
}

/** `variants` different single-message bodies, serialized once so the load generator only sends bytes. */
export function singleBodies(variants: number): string[] {
  return Array.from({ length: variants }, (_, i) => JSON.stringify(messageBody(i, 'realtime')));
}

/** `variants` different batch bodies of `items` messages each. */
export function batchBodies(variants: number, items: number): string[] {
  return Array.from({ length: variants }, (_, v) =>
    JSON.stringify({ items: Array.from({ length: items }, (_, i) => messageBody(v * items + i, 'bulk')) }),
  );
}
