import { createReadStream } from 'node:fs';
import { Unzip, UnzipInflate } from 'fflate';
for (const p of ['/work/shared/vulndb/osv/Go/all.zip', '/work/shared/vulndb/rubygems/ruby-advisory-db.zip', '/work/shared/vulndb/packagist/security-advisories.zip', '/work/shared/vulndb/osv/PyPI/all.zip']) {
  const t0 = Date.now(); let n = 0; let bytes = 0;
  const uz = new Unzip();
  uz.register(UnzipInflate);
  const done: Promise<void>[] = [];
  uz.onfile = (f) => {
    const chunks: Uint8Array[] = [];
    done.push(new Promise((res, rej) => { f.ondata = (err, d, final) => { if (err) return rej(err); chunks.push(d); if (final) { n++; bytes += chunks.reduce((a, c) => a + c.length, 0); res(); } }; }));
    f.start();
  };
  for await (const chunk of createReadStream(p, { highWaterMark: 1 << 16 })) uz.push(chunk as Uint8Array);
  uz.push(new Uint8Array(0), true);
  await Promise.all(done);
  console.log(p, n, bytes, Date.now() - t0, 'ms');
}
