// How a rejected value is shown inside a one-line reason: quoted and escaped (no newline or control
// character can break the line), and cut short, since a hostile value may be a megabyte long.
const SHOWN_CHARACTERS = 40;

export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    const shown = value.length > SHOWN_CHARACTERS ? `${value.slice(0, SHOWN_CHARACTERS)}…` : value;
    const quoted = JSON.stringify(shown);
    return value.length > SHOWN_CHARACTERS ? `${quoted} (${value.length} characters)` : quoted;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? '[]' : `an array of ${value.length}`;
  if (typeof value === 'object') {
    const plain = Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null;
    return plain && Object.keys(value).length === 0 ? '{}' : 'an object';
  }
  return `a ${typeof value}`;
}

