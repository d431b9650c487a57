// Generated code that reads a log column from a record, shared by the runtime's row reader (V8) and
// the sandbox's row encoders (QuickJS): the runtime's rule is that a flattened name ("id.orig_h")
// wins, then the path through nested records. Names enter the code only as JSON string literals.

/** An expression for column `name` of the record in variable `rec`; it may use a variable `t`. */
export function columnSource(name: string, rec: string): string {
  const key = JSON.stringify(name);
  const parts = name.split(".");
  if (parts.length === 1) return `${rec}${member(name)}`;
  let walk = `t${member(parts[parts.length - 1])}`;
  for (let i = parts.length - 2; i >= 0; i--) {
    walk = `(t = ${i === 0 ? rec : "t"}${member(parts[i])}, t !== null && typeof t === "object" ? ${walk} : undefined)`;
  }
  return `(${key} in ${rec} ? ${rec}[${key}] : ${walk})`;
}

/** `.name` where the name is an identifier (QuickJS compiles it to a faster access than `["name"]`). */
export function member(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`;
}
