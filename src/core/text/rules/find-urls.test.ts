import { describe, expect, it } from 'vitest';
import { findUrls } from './find-urls.js';

/** The URL texts found, for readable tables. */
const urls = (text: string): string[] => findUrls(text).map(({ start, end }) => text.slice(start, end));

describe('findUrls', () => {
  it.each([
    ['https://example.com', ['https://example.com']],
    ['詳細はhttps://example.co.jp/pay?id=1をご確認ください', ['https://example.co.jp/pay?id=1']],
    ['HTTP://EXAMPLE.COM/A.', ['HTTP://EXAMPLE.COM/A']],
    ['URL:http://192.168.0.1/login', ['http://192.168.0.1/login']],
    ['（https://x.jp/a）', ['https://x.jp/a']],
    ['https://日本語.jp', ['https://']],
    ['www.example.com', ['www.example.com']],
    ['こちら www.bank-login.net/verify から', ['www.bank-login.net/verify']],
    ['example.co.jp/foo', ['example.co.jp/foo']],
    ['ログインはexample.comへ', ['example.com']],
    ['短縮 bit.ly/3xYz', ['bit.ly/3xYz']],
    ['Go to Example.COM.', ['Example.COM']],
    ['192.168.0.1/admin', ['192.168.0.1/admin']],
    ['example.tokyo:8080/x', ['example.tokyo:8080/x']],
    ['ｈｔｔｐｓ：／／ｅｘａｍｐｌｅ．ｃｏｍ／ａ', ['ｈｔｔｐｓ：／／ｅｘａｍｐｌｅ．ｃｏｍ／ａ']],
    ['ｗｗｗ．ｅｘａｍｐｌｅ．ｊｐ', ['ｗｗｗ．ｅｘａｍｐｌｅ．ｊｐ']],
    ['ｅｘａｍｐｌｅ．ｃｏ．ｊｐ', ['ｅｘａｍｐｌｅ．ｃｏ．ｊｐ']],
    ['a https://a.jp b www.b.jp c c.jp', ['https://a.jp', 'www.b.jp', 'c.jp']],
  ])('finds the URL in %j', (text, expected) => {
    expect(urls(text)).toEqual(expected);
  });

  it.each([
    'お支払い期限は2026.11.30です。',
    '金額は1,234.56円',
    'Ver.2.0 released',
    'No.123 e.g. i.e. U.S.A.',
    'Mr.Smith',
    'お問い合わせ: info@example.co.jp',
    'ご利用ありがとうございます。',
    'example',
    '1.2.3.4',
    'http:/example',
  ])('finds nothing in %j', (text) => {
    expect(urls(text)).toEqual([]);
  });

  it('stays linear on long adversarial input', () => {
    const text = 'a.'.repeat(50_000) + 'http'.repeat(20_000) + 'www.'.repeat(20_000);
    const started = performance.now();
    findUrls(text);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
