/**
 * Countries as the store keeps them: ISO 3166-1 alpha-2 codes (`US`, `ES`), with names from the
 * runtime's `Intl.DisplayNames` for people to read. The order schema's rule for the field is unchanged
 * (`order.ts`); the storefront offers only codes, so new orders store codes. Orders stored with a
 * country name (before the select existed, or from another client) read as they were written.
 */
/** Codes Intl names that are no place to ship to: groupings, test and exceptionally reserved codes. */
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'QO', 'ZZ', 'XA', 'XB', 'AC', 'CP', 'CQ', 'DG', 'EA', 'IC', 'TA']);
const ALPHA2 = /^[A-Z]{2}$/;

let names: Intl.DisplayNames | undefined;
const displayNames = () => (names ??= new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' }));

/** The English name of a country code, or the value itself when it is no code (an older order). */
export function countryName(value: string): string {
  if (!ALPHA2.test(value)) return value;
  return displayNames().of(value) ?? value;
}

/** Every region code the runtime names, sorted by name: the checkout's country select. */
export function countryOptions(): { code: string; name: string }[] {
  const options: { code: string; name: string }[] = [];
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      // Skip groupings and deprecated aliases (UK -> GB, AN -> CW): only the canonical code is offered.
      if (NOT_COUNTRIES.has(code) || new Intl.Locale(`und-${code}`).region !== code) continue;
      const name = displayNames().of(code);
      if (name && name !== code) options.push({ code, name });
    }
  }
  return options.sort((x, y) => x.name.localeCompare(y.name, 'en'));
}
