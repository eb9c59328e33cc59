// "1 invoice", "2 invoices", "0 receipts": every count a person reads says its noun in the right number.

/** `n` and its noun: `many` defaults to `one` + "s". */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
