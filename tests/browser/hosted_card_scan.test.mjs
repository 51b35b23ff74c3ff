// The card-number scanner that runs over the database dump and the logs after
// the hosted page's browser tests (card_scan.mjs): what it must find, what it
// must leave alone, and how it reports. Pure: no services needed.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cardBrand, describeFindings, findCardNumbers, luhnValid, masked, scanText,
} from './card_scan.mjs';

// The digit that makes `body` + digit pass Luhn.
function withCheckDigit(body) {
  for (let d = 0; d <= 9; d += 1) {
    if (luhnValid(`${body}${d}`)) return `${body}${d}`;
  }
  throw new Error(`no check digit for ${body}`);
}

const digitsFound = (text) => findCardNumbers(text).map((f) => f.digits);

describe('card-number scanner', () => {
  test('finds the hosted page\'s test cards however they are written', () => {
    const cards = ['4242424242424242', '4000000000000002', '4000000000009995', '4000002760003184'];
    for (const card of cards) {
      const groups = card.match(/.{4}/g);
      const spellings = [
        card,
        groups.join(' '),
        groups.join('-'),
        `card_number=${groups.join('+')}&card_cvc=123`,
        `/pay/cs_1?card=${groups.join('%20')}`,
        `{"number":"${card}","exp":"12/30"}`,
        `\t${card}\t`,
      ];
      for (const text of spellings) {
        assert.deepEqual(digitsFound(text), [card], `missed ${card} in ${text}`);
      }
    }
  });

  test('finds the other brands\' test cards at their own lengths', () => {
    const cards = {
      '5555555555554444': 'mastercard',
      '2223003122003222': 'mastercard',
      '378282246310005': 'amex',
      '6011111111111117': 'discover',
      '3566002020360505': 'jcb',
      '36227206271667': 'diners',
      '6200000000000005': 'unionpay',
      '4222222222222': 'visa',
    };
    for (const [card, brand] of Object.entries(cards)) {
      assert.equal(cardBrand(card), brand, card);
      assert.deepEqual(digitsFound(`paid with ${card}.`), [card]);
    }
  });

  test('finds a card number written right after another number', () => {
    assert.deepEqual(digitsFound('order 12 4242 4242 4242 4242 ok'), ['4242424242424242']);
    assert.deepEqual(digitsFound('7-4000-0000-0000-0002'), ['4000000000000002']);
  });

  test('finds every card number on every line and says which line', () => {
    const text = 'first line\n4242424242424242 and 5555 5555 5555 4444\nnothing\n{"n":"4000000000000002"}';
    assert.deepEqual(findCardNumbers(text).map(({ line, digits }) => [line, digits]), [
      [2, '4242424242424242'], [2, '5555555555554444'], [4, '4000000000000002'],
    ]);
  });

  test('leaves Luhn-invalid, too short and too long digit runs alone', () => {
    assert.deepEqual(digitsFound('4242 4242 4242 4241'), []);
    // 12 digits, Luhn-valid, Visa prefix.
    assert.deepEqual(digitsFound(withCheckDigit('42424242424')), []);
    // 20 digits with a test card inside is not a card number.
    assert.deepEqual(digitsFound('94242424242424242421'), []);
    // Luhn-valid with a Visa prefix, but Visa issues no 14-digit numbers.
    assert.deepEqual(digitsFound(withCheckDigit('4000000000000')), []);
  });

  test('leaves timestamps, amounts and ids alone', () => {
    const microsecondsLuhnValid = withCheckDigit('176464076064153');
    assert.ok(luhnValid(microsecondsLuhnValid));
    assert.deepEqual(digitsFound(`"ts_us":${microsecondsLuhnValid},"amount_minor":123400`), []);
    const nanosecondsLuhnValid = withCheckDigit('176464076064153612');
    assert.deepEqual(digitsFound(`t=${nanosecondsLuhnValid}`), []);
    assert.deepEqual(digitsFound('2026-12-02 01:59:20.641536+00\t2026-12-02T01:59:20.641536Z'), []);
    assert.deepEqual(digitsFound('amount 1234 5678 90 USD, 42 orders, 1000 1000 1000'), []);
    // Luhn-valid 16 digits in groups, but no brand starts with 1.
    const groupedNoBrand = withCheckDigit('100010001000100').match(/.{4}/g).join(' ');
    assert.deepEqual(digitsFound(groupedNoBrand), []);
  });

  test('leaves digit runs glued to letters alone, as in hex digests and random ids', () => {
    assert.deepEqual(digitsFound('v1=ab4242424242424242cd'), []);
    assert.deepEqual(digitsFound('cs_x4242424242424242 pi_4242424242424242q'), []);
    assert.deepEqual(digitsFound(`sha256=${withCheckDigit('400000000000000')}f00d`), []);
  });

  test('reports where, masked to the first six and last four digits', () => {
    const findings = scanText('var/log/paymentd.log', 'ok\n{"card":"4000 0027 6000 3184"}\n');
    assert.deepEqual(findings, [
      { where: 'var/log/paymentd.log', line: 2, masked: '400000******3184', brand: 'visa' },
    ]);
    const printed = describeFindings(findings);
    assert.equal(printed, 'var/log/paymentd.log:2: 400000******3184 (visa)');
    assert.ok(!printed.includes('4000002760003184'));
    assert.equal(masked('378282246310005'), '378282*****0005');
  });

  test('finds nothing in text without card numbers', () => {
    assert.deepEqual(scanText('empty', ''), []);
    assert.deepEqual(scanText('words', 'checkout chk_1 order po_1 SUCCESS'), []);
  });
});
