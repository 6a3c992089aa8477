/** protoc's default json_name: underscores dropped, the letter after each one upper-cased. */
export function defaultJsonName(fieldName: string): string {
  let result = '';
  let upperNext = false;
  for (const ch of fieldName) {
    if (ch === '_') {
      upperNext = true;
    } else if (upperNext) {
      result += ch.toUpperCase();
      upperNext = false;
    } else {
      result += ch;
    }
  }
  return result;
}
