/**
 * INI as oslo.config and Paste read it: `[section]` headers, `key = value` lines, `#`/`;` comments. Values are
 * written verbatim (oslo.config takes `[a,b]` as a list, so nothing may be quoted or escaped); what cannot be
 * written verbatim — a line break, or a key with `=` or `:` — is refused instead of being mangled.
 */

export type IniValue = string | number | boolean;
export type Ini = Record<string, Record<string, IniValue>>;

/** Sections and keys in file order; comments and blank lines are dropped. */
export function parseIni(text: string): Ini {
  const ini: Ini = {};
  let section: Record<string, IniValue> | undefined;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      section = ini[header[1]] ??= {};
      return;
    }
    // Python's configparser (which Paste uses) also takes `key: value`; the first delimiter counts.
    const eq = line.search(/[=:]/);
    if (eq <= 0 || !section) throw new Error(`INI line ${index + 1} is neither a [section] nor key = value: ${line}`);
    section[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  });
  return ini;
}

/** A copy of `base` with `overrides` laid over it, section by section (new sections and keys come last). */
export function mergeIni(base: Ini, overrides: Ini): Ini {
  const merged: Ini = {};
  for (const [name, keys] of Object.entries(base)) merged[name] = { ...keys };
  for (const [name, keys] of Object.entries(overrides)) merged[name] = { ...merged[name], ...keys };
  return merged;
}

/** Python's spelling of booleans, since oslo.config and Paste are the readers. */
const formatValue = (value: IniValue) => (typeof value === 'boolean' ? (value ? 'True' : 'False') : String(value));

export function formatIni(ini: Ini, header?: string): string {
  const lines = header ? header.split('\n').map((line) => `# ${line}`) : [];
  for (const [name, keys] of Object.entries(ini)) {
    if (/[\]\n]/.test(name)) throw new Error(`INI section name cannot hold ] or a line break: ${JSON.stringify(name)}`);
    if (lines.length > 0) lines.push('');
    lines.push(`[${name}]`);
    for (const [key, value] of Object.entries(keys)) {
      const text = formatValue(value);
      if (/[=:\n]/.test(key) || key.trim() !== key || key === '')
        throw new Error(`INI key not writable: ${JSON.stringify(key)}`);
      if (/[\r\n]/.test(text)) throw new Error(`INI value of ${name}.${key} holds a line break`);
      lines.push(`${key} = ${text}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
