// Proves that no card number typed into the hosted payment page ends up in
// our traces: the scratch database's pg_dump and the services' logs are
// searched for anything that looks like a primary account number.
//
// What counts as a card number (so that ids, timestamps and amounts do not):
// - digit groups joined by single separators as people write card numbers:
//   a space, a dash, or '+' / '%20' (a space in a form or a URL);
// - a whole number of consecutive groups holding 13-19 digits that stands
//   alone: not glued to a letter or another digit, so hex digests and random
//   ids (cs_..., pi_...) that contain long digit runs are not candidates;
// - starting with a card brand's prefix, at a length that brand issues
//   (CARD_BRANDS), and passing Luhn. Microsecond Unix timestamps (16 digits,
//   "17..." until 2033) have no brand prefix; a random digit run of the right
//   length passes the brand and Luhn checks about once in fifty.
//
// Imported, it is a pure scanner (findCardNumbers, scanText) plus
// scanSuiteTraces for the dump and files. Run as a file (what
// scripts/lib/browser.sh does after the browser tests, with
// `node --test card_scan.mjs`), it is one node:test test over the database
// at DATABASE_URL and the files listed in CARD_SCAN_FILES (':'-separated).
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const PAN_DIGITS_MIN = 13;
const PAN_DIGITS_MAX = 19;
const PG_DUMP = process.env.PG_DUMP || '/usr/lib/postgresql/15/bin/pg_dump';
const PG_DUMP_TIMEOUT_MS = 60000;
const PG_DUMP_BYTES_MAX = 512 * 1024 * 1024;

// Issuer prefixes (ranges of the number's leading digits, all of the same
// width) and the lengths each brand issues.
const range = (from, to) => ({ from, to, width: String(from).length });
const CARD_BRANDS = [
  { brand: 'visa', prefixes: [range(4, 4)], lengths: [13, 16, 19] },
  { brand: 'mastercard', prefixes: [range(51, 55), range(2221, 2720)], lengths: [16] },
  { brand: 'amex', prefixes: [range(34, 34), range(37, 37)], lengths: [15] },
  { brand: 'discover', prefixes: [range(6011, 6011), range(644, 649), range(65, 65)], lengths: [16, 17, 18, 19] },
  { brand: 'jcb', prefixes: [range(3528, 3589)], lengths: [16, 17, 18, 19] },
  { brand: 'diners', prefixes: [range(300, 305), range(36, 36), range(38, 39)], lengths: [14, 15, 16, 17, 18, 19] },
  { brand: 'unionpay', prefixes: [range(62, 62)], lengths: [16, 17, 18, 19] },
];

export function luhnValid(digits) {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i -= 1) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

// The brand a digit string would be issued by, or null.
export function cardBrand(digits) {
  for (const { brand, prefixes, lengths } of CARD_BRANDS) {
    if (!lengths.includes(digits.length)) continue;
    const hit = prefixes.some(({ from, to, width }) => {
      const lead = Number(digits.slice(0, width));
      return lead >= from && lead <= to;
    });
    if (hit) return brand;
  }
  return null;
}

export function isCardNumber(digits) {
  return digits.length >= PAN_DIGITS_MIN && digits.length <= PAN_DIGITS_MAX
    && cardBrand(digits) !== null && luhnValid(digits);
}

// PCI DSS allows showing the first six and last four digits.
export function masked(digits) {
  return `${digits.slice(0, 6)}${'*'.repeat(digits.length - 10)}${digits.slice(-4)}`;
}

const GROUP_CHAIN = /\d+(?:[ +-]\d+)*/g;
const ALNUM = /[0-9A-Za-z]/;

// Every window of whole consecutive groups in one chain that is a card
// number. A window at the chain's edge must not touch a letter or digit.
function cardsInChain(chain, gluedBefore, gluedAfter) {
  const groups = chain.split(/[ +-]/);
  const found = [];
  for (let first = 0; first < groups.length; first += 1) {
    if (first === 0 && gluedBefore) continue;
    let digits = '';
    for (let last = first; last < groups.length; last += 1) {
      digits += groups[last];
      if (digits.length > PAN_DIGITS_MAX) break;
      if (last === groups.length - 1 && gluedAfter) break;
      if (isCardNumber(digits)) found.push(digits);
    }
  }
  return found;
}

// [{ line (1-based), digits, masked, brand }] for one piece of text.
export function findCardNumbers(text) {
  const found = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i].replace(/%20/gi, ' ');
    for (const match of line.matchAll(GROUP_CHAIN)) {
      const before = line[match.index - 1] || '';
      const after = line[match.index + match[0].length] || '';
      for (const digits of cardsInChain(match[0], ALNUM.test(before), ALNUM.test(after))) {
        found.push({ line: i + 1, digits, masked: masked(digits), brand: cardBrand(digits) });
      }
    }
  }
  return found;
}

// Findings of one named text, printable without revealing the numbers.
export function scanText(where, text) {
  return findCardNumbers(text).map(({ line, masked: m, brand }) => ({ where, line, masked: m, brand }));
}

export function describeFindings(findings) {
  return findings.map((f) => `${f.where}:${f.line}: ${f.masked} (${f.brand})`).join('\n');
}

export async function pgDump(databaseUrl) {
  const { stdout } = await promisify(execFile)(
    PG_DUMP, ['--no-owner', '--no-privileges', '--dbname', databaseUrl],
    { timeout: PG_DUMP_TIMEOUT_MS, maxBuffer: PG_DUMP_BYTES_MAX, env: { ...process.env, PGCONNECT_TIMEOUT: '5' } },
  );
  return stdout;
}

// { findings, scanned: [{ where, bytes }], dumpText } over the database's dump and
// each file. A missing file or a failing pg_dump throws: a scan that saw
// nothing must not pass.
export async function scanSuiteTraces({ databaseUrl, files }) {
  const sources = [];
  const dbName = new URL(databaseUrl).pathname.replace(/^\//, '') || '(default database)';
  const dumpText = await pgDump(databaseUrl);
  sources.push({ where: `pg_dump ${dbName}`, text: dumpText });
  for (const file of files) {
    sources.push({ where: file, text: await readFile(file, 'utf8') });
  }
  return {
    findings: sources.flatMap(({ where, text }) => scanText(where, text)),
    scanned: sources.map(({ where, text }) => ({ where, bytes: Buffer.byteLength(text) })),
    dumpText,
  };
}

async function runAsSuiteStep() {
  const { test } = await import('node:test');
  const assert = (await import('node:assert/strict')).default;
  test('no card number in the database dump or the services\' logs', async () => {
    const databaseUrl = process.env.DATABASE_URL;
    assert.ok(databaseUrl, 'DATABASE_URL is not set');
    const files = (process.env.CARD_SCAN_FILES || '').split(path.delimiter).filter(Boolean);
    assert.ok(files.length > 0, 'CARD_SCAN_FILES names no file to scan');
    const { findings, scanned, dumpText } = await scanSuiteTraces({ databaseUrl, files });
    for (const { where, bytes } of scanned) {
      assert.ok(bytes > 0, `${where} is empty: nothing was scanned`);
      console.log(`scanned ${where} (${bytes} bytes)`);
    }
    // A dump without our tables would mean the wrong database was scanned.
    assert.match(dumpText, /COPY public\.payment_order /, `${scanned[0].where} has no payment_order table`);
    assert.equal(findings.length, 0, `card numbers found:\n${describeFindings(findings)}`);
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await runAsSuiteStep();
}
