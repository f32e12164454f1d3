/** Cutting a feed into its entries without parsing: exact on well-formed XML, undefined otherwise. */
import { describe, expect, it } from "vitest";
import { findEntries, withEntries } from "../../src/ingest/entries.ts";
import { parseFeed } from "../../src/ingest/parse.ts";
import codeberg from "../fixtures/feeds/codeberg.rss?raw";
import devto from "../fixtures/feeds/devto.rss?raw";
import gitlab from "../fixtures/feeds/gitlab.atom?raw";
import letterboxd from "../fixtures/feeds/letterboxd.rss?raw";
import reddit from "../fixtures/feeds/reddit.atom?raw";
import { FIXTURES } from "../helpers.ts";

const XML_FIXTURES = { ...FIXTURES, codeberg, devto, gitlab, letterboxd, reddit } as Record<string, string>;
delete XML_FIXTURES.jsonfeed;

const entriesOf = (xml: string) => findEntries(xml)?.ranges.map(([start, end]) => xml.slice(start, end));

describe("findEntries", () => {
  it("finds the items of RSS 2.0, as in its example", () => {
    const xml = '<rss version="2.0"><channel><title>t</title><item><title>a</title></item></channel></rss>';
    expect(findEntries(xml)).toEqual({ xml, ranges: [[44, 73]], root: '<rss version="2.0">' });
    expect(entriesOf(xml)).toEqual(["<item><title>a</title></item>"]);
  });

  it("finds exactly the entries rss-parser reads, in every fixture", async () => {
    for (const [name, xml] of Object.entries(XML_FIXTURES)) {
      const entries = entriesOf(xml);
      const parsed = await parseFeed(xml);
      expect(entries, name).toBeDefined();
      expect(entries!.length, name).toBe(parsed.items.length);
      expect(entries!.length, name).toBeGreaterThan(0);
      for (const entry of entries!) expect(entry, name).toMatch(/^<(item|entry)\b[\s\S]*<\/(item|entry)>$/);
    }
  });

  it("reads Atom entries and RSS 1.0 items beside the channel, not the channel's item list", () => {
    const atom = '<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><id>1</id></entry><entry><id>2</id></entry></feed>';
    expect(entriesOf(atom)).toEqual(["<entry><id>1</id></entry>", "<entry><id>2</id></entry>"]);
    const rdf =
      '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel rdf:about="c"><items><rdf:Seq><rdf:li resource="1"/></rdf:Seq></items></channel>' +
      '<item rdf:about="1"><title>a</title></item></rdf:RDF>';
    expect(entriesOf(rdf)).toEqual(['<item rdf:about="1"><title>a</title></item>']);
  });

  it("is not fooled by markup inside CDATA, comments, attribute values or nested elements", () => {
    const xml =
      '<?xml version="1.0"?><!-- <item>not one</item> --><rss version="2.0"><channel><title><![CDATA[</channel><item>]]></title>' +
      '<item><description><![CDATA[</item><item>x</item>]]></description><link href="a>b" rel=\'c/>d\'/><x:item><item>nested</item></x:item></item>' +
      "<!-- </item> --><item/><?pi <item>?></channel></rss>";
    expect(entriesOf(xml)).toEqual([
      '<item><description><![CDATA[</item><item>x</item>]]></description><link href="a>b" rel=\'c/>d\'/><x:item><item>nested</item></x:item></item>',
      "<item/>",
    ]);
  });

  it("reads only the first channel's items, as rss-parser does", () => {
    const xml = '<rss version="2.0"><channel><item><title>a</title></item></channel><channel><item><title>b</title></item></channel></rss>';
    expect(entriesOf(xml)).toEqual(["<item><title>a</title></item>"]);
  });

  it("gives up on what it cannot cut with certainty", () => {
    const refused = {
      doctype: '<!DOCTYPE rss [<!ENTITY e "x">]><rss version="2.0"><channel><item>&e;</item></channel></rss>',
      mismatched: '<rss version="2.0"><channel><item></channel></item></rss>',
      unclosed: '<rss version="2.0"><channel><item></item></channel>',
      "html attributes": '<rss version="2.0"><channel><item><img src=x></item></channel></rss>',
      "not a feed": "<html><body><item></item></body></html>",
      "two roots": '<rss version="2.0"><channel/></rss><rss version="2.0"><channel/></rss>',
      "endless comment": '<rss version="2.0"><channel><!-- <item></item></channel></rss>',
      "endless CDATA": '<rss version="2.0"><channel><item><![CDATA[x</item></channel></rss>',
      empty: "",
    };
    for (const [name, xml] of Object.entries(refused)) expect(findEntries(xml), name).toBeUndefined();
  });

  it("stays linear on hostile input (long attributes, long unterminated tags)", () => {
    const long = "x".repeat(200_000);
    const attributes = ' a="1"'.repeat(50_000);
    expect(findEntries(`<rss version="2.0"><channel><item a="${long}"></item></channel></rss>`)?.ranges).toHaveLength(1);
    expect(findEntries(`<rss version="2.0"><channel><item${attributes}</channel></rss>`)).toBeUndefined();
    expect(findEntries(`<rss version="2.0"><channel><item a="${long}</channel></rss>`)).toBeUndefined();
  });
});

describe("withEntries", () => {
  it("keeps the chosen entries and everything around them", () => {
    const xml = '<rss version="2.0"><channel><title>t</title>\n<item>1</item>\n<item>2</item>\n<item>3</item>\n</channel></rss>';
    const entries = findEntries(xml)!;
    expect(withEntries(entries, [1])).toBe('<rss version="2.0"><channel><title>t</title>\n\n<item>2</item>\n\n</channel></rss>');
    expect(withEntries(entries, [0, 2])).toBe('<rss version="2.0"><channel><title>t</title>\n<item>1</item>\n\n<item>3</item>\n</channel></rss>');
    expect(withEntries(entries, [])).toBe('<rss version="2.0"><channel><title>t</title>\n\n\n\n</channel></rss>');
    expect(withEntries(entries, [0, 1, 2])).toBe(xml);
  });
});
