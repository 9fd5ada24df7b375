/**
 * Reads the export section of a WebAssembly binary (WebAssembly core specification, section 5.5.10):
 * each export's name, kind and index. The JavaScript API gives names and kinds only, and the index
 * is what shows two names sharing one function.
 */
export interface ExportEntry {
  name: string;
  kind: number;
  index: number;
}

const EXPORT_SECTION_ID = 7;
const MAGIC_AND_VERSION_LEN = 8;

export function readExports(binary: Uint8Array): ExportEntry[] {
  let at = MAGIC_AND_VERSION_LEN;

  function leb(): number {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = binary[at++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
      shift += 7;
    }
  }

  while (at < binary.length) {
    const id = binary[at++]!;
    const size = leb();
    if (id !== EXPORT_SECTION_ID) {
      at += size;
      continue;
    }

    const entries: ExportEntry[] = [];
    const count = leb();
    for (let i = 0; i < count; i++) {
      const nameLen = leb();
      const name = Buffer.from(binary.subarray(at, at + nameLen)).toString("utf8");
      at += nameLen;
      const kind = binary[at++]!;
      entries.push({ name, kind, index: leb() });
    }
    return entries;
  }
  return [];
}
