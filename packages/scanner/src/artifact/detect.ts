import { open, stat } from 'node:fs/promises';
import { InputError } from '@bulwark/core';
import { detectCompression } from './layers/decompress.js';
import { parseHeaderBlock } from './tar/tar-parser.js';

/**
 * What an image path holds. A compressed archive is only named as such: which layout is inside is known
 * after streaming it (its manifest usually comes last), and the streaming reader handles both.
 */
export type ImageInputKind = 'docker-archive' | 'oci-archive' | 'oci-layout' | 'compressed-archive';

/** Tells docker-archive tar, OCI layout (tar or directory) and compressed archives apart; InputError otherwise. */
export async function detectImageInput(path: string): Promise<ImageInputKind> {
  let st;
  try {
    st = await stat(path);
  } catch (e) {
    throw new InputError({ file: path, message: `cannot open: ${(e as Error).message}`, cause: e });
  }
  if (st.isDirectory()) {
    try {
      await stat(`${path}/index.json`);
      return 'oci-layout';
    } catch {
      throw new InputError({ file: path, field: 'index.json', message: 'directory is not an OCI image layout (no index.json)' });
    }
  }
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(512);
    const { bytesRead } = await fh.read(head, 0, 512, 0);
    if (detectCompression(head.subarray(0, bytesRead)) !== 'none') return 'compressed-archive';
    if (bytesRead < 512) throw new InputError({ file: path, expected: 'a tar archive', message: 'too short to be a tar archive' });
    parseHeaderBlock(head, path, 0); // throws InputError on a non-tar
    // Walk headers only, jumping over data, until a decisive name shows up.
    let pos = 0;
    let sawIndex = false;
    while (pos + 512 <= st.size) {
      const { bytesRead: n } = await fh.read(head, 0, 512, pos);
      if (n < 512) break;
      const h = parseHeaderBlock(head, path, pos);
      if (h === 'zero') break;
      const name = h.header.name.replace(/^\.\//, '');
      if (name === 'manifest.json') return 'docker-archive';
      if (name === 'index.json') sawIndex = true;
      pos += 512 + Math.ceil(h.header.size / 512) * 512;
    }
    if (sawIndex) return 'oci-archive';
    throw new InputError({ file: path, field: 'manifest.json', message: 'tar holds neither manifest.json (docker-archive) nor index.json (OCI layout)' });
  } finally {
    await fh.close();
  }
}
