/*
 * ownValue(record, key): record[key] only if it is the record's own
 * property, so user input such as "toString" or "constructor" never finds
 * Object.prototype's members in a lookup table.
 */
export function ownValue<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}
