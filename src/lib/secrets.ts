// Every secret the process learns is registered here, and every line of output passes through redact().
const secrets = new Set<string>();

/** Registers a value that must never be printed. Short values are ignored: they would redact ordinary words. */
export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= 8) secrets.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join('[redacted]');
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret && out.includes(encoded)) out = out.split(encoded).join('[redacted]');
  }
  return out;
}
