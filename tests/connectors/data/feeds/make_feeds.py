#!/usr/bin/env python3
"""Writes the malformed-feed collection (tests/connectors/data/feeds): feeds as the web
writes them, in every RSS and Atom dialect, charset and defect the news connector must
read or refuse. Each file's expected outcome is in expected.tsv beside it:
  name  outcome(feed|refused)  items-taken  items-rejected  note
Run from this folder; the files are committed."""
import codecs

ITEM = "<item><title>{t}</title><link>https://news.example.tw/a/{n}</link><guid>g-{n}</guid><description>{d}</description><pubDate>Tue, 03 Mar 2026 08:00:00 +0800</pubDate></item>"
files = {}
exp = []

def add(name, text, outcome, taken, rejected, note, encoding="utf-8"):
    files[name] = text.encode(encoding) if isinstance(text, str) else text
    exp.append((name, outcome, taken, rejected, note))

def rss(items, head='<?xml version="1.0" encoding="UTF-8"?>\n', version="2.0", extra=""):
    return head + f'<rss version="{version}"{extra}><channel><title>新聞</title><link>https://news.example.tw</link><description>d</description>' + items + "</channel></rss>\n"

add("rss20.xml", rss(ITEM.format(t="蘭嶼戶政恢復服務", n=1, d="戶政所今日恢復") + ITEM.format(t="體育新聞", n=2, d="球賽")),
    "feed", 1, 0, "RSS 2.0, one item matches")
add("rss20-no-guid-no-link.xml", rss("<item><title>戶政事務所延長服務時間</title><description>戶政所公告</description></item>"
                                     "<item><title>戶政規費調整</title><description>說明</description></item>"),
    "feed", 2, 0, "RSS 2.0 items with neither guid nor link: ids from their content")
add("rss20-one-bad-item.xml", rss("<item><guid>x</guid><link>https://news.example.tw/a/9</link></item>" +
                                  ITEM.format(t="戶政新制上路", n=3, d="說明")),
    "feed", 1, 1, "one item has neither title nor description: rejected, the rest flows")
add("rss20-markup-in-title.xml", rss(ITEM.format(t="戶政 &lt;公告&gt; &amp; 說明", n=4, d="&lt;p&gt;戶政所&lt;/p&gt;")),
    "feed", 1, 0, "escaped markup in the title: the raw item keeps it as written")
add("rss20-cdata.xml", rss("<item><title><![CDATA[戶政 <b>快訊</b>]]></title><guid>c-1</guid>"
                           "<description><![CDATA[<p>戶政所 & 鄉公所</p>]]></description></item>"),
    "feed", 1, 0, "CDATA title and description")
add("rss091-netscape-dtd.xml", '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">\n'
    + rss(ITEM.format(t="戶政公告", n=5, d="0.91"), head="", version="0.91"),
    "feed", 1, 0, "RSS 0.91 with the Netscape DTD (no internal subset): read")
add("rss092.xml", rss("<item><title>戶政所搬遷</title><description>新址</description></item>", version="0.92"),
    "feed", 1, 0, "RSS 0.92, no guid or link")
add("rss090-rdf.xml", '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    'xmlns="http://my.netscape.com/rdf/simple/0.9/"><channel><title>舊站</title><link>https://old.example.tw</link>'
    '<description>d</description></channel><item><title>戶政舊聞</title><link>https://old.example.tw/1</link></item>'
    '</rdf:RDF>\n', "feed", 1, 0, "RSS 0.90 (rdf:RDF, items beside the channel)")
add("rss10-rdf-dc.xml", '<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel rdf:about="https://r.example.tw">'
    '<title>r</title><link>https://r.example.tw</link><description>d</description></channel>'
    '<item rdf:about="https://r.example.tw/7"><dc:title>戶政便民措施</dc:title><link>https://r.example.tw/7</link>'
    '<description>說明</description><dc:date>2026-03-03T08:00:00+08:00</dc:date><dc:creator>記者王</dc:creator></item>'
    '</rdf:RDF>\n', "feed", 1, 0, "RSS 1.0 with Dublin Core title, date, creator")
add("atom03.xml", '<?xml version="1.0" encoding="utf-8"?>\n<feed version="0.3" xmlns="http://purl.org/atom/ns#">'
    '<title>a</title><entry><title>戶政論壇</title><link rel="alternate" type="text/html" href="https://f.example.tw/3"/>'
    '<id>tag:f.example.tw,2026:3</id><issued>2026-03-03T08:00:00+08:00</issued><modified>2026-03-03T09:00:00+08:00</modified>'
    '<summary>戶政討論</summary></entry></feed>\n', "feed", 1, 0, "Atom 0.3 (issued, modified)")
add("atom10.xml", '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>a</title>'
    '<entry><title>戶政看板</title><link href="https://ptt.example.tw/M.1"/><id>https://ptt.example.tw/M.1</id>'
    '<updated>2026-03-03T08:00:00+08:00</updated><author><name>ptt_user</name></author><content type="html">'
    '&lt;p&gt;戶政&lt;/p&gt;</content></entry></feed>\n', "feed", 1, 0, "Atom 1.0 as PTT writes it")
big5 = rss(ITEM.format(t="臺東戶政事務所", n=6, d="繁體中文"), head='<?xml version="1.0" encoding="Big5"?>\n')
add("big5-declared.xml", big5.encode("cp950"), "feed", 1, 0, "declared Big5, is Big5")
add("utf16le-bom.xml", codecs.BOM_UTF16_LE + rss(ITEM.format(t="戶政 UTF-16", n=7, d="d"), head='<?xml version="1.0" encoding="UTF-16"?>\n').encode("utf-16-le"),
    "feed", 1, 0, "UTF-16 little-endian with a byte order mark")
add("utf16be-bom.xml", codecs.BOM_UTF16_BE + rss(ITEM.format(t="戶政 UTF-16BE", n=8, d="d"), head='<?xml version="1.0" encoding="UTF-16"?>\n').encode("utf-16-be"),
    "feed", 1, 0, "UTF-16 big-endian with a byte order mark")
add("gb18030-declared.xml", rss(ITEM.format(t="戶政公告（GB18030）", n=9, d="简体网站"), head='<?xml version="1.0" encoding="GB18030"?>\n').encode("gb18030"),
    "feed", 1, 0, "declared GB18030, is GB18030")
add("declared-utf8-is-big5.xml", rss(ITEM.format(t="戶政錯誤宣告", n=10, d="d")).encode("cp950"),
    "feed", 1, 0, "declares UTF-8, is Big5: read as Big5 with a warning")
add("declared-big5-is-utf8.xml", rss(ITEM.format(t="戶政宣告不符", n=11, d="d"), head='<?xml version="1.0" encoding="Big5"?>\n'),
    "feed", 1, 0, "declares Big5, is UTF-8: read as UTF-8 with a warning")
add("entity-declarations.xml", '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "戶政戶政戶政"><!ENTITY b "&a;&a;&a;&a;">]>\n'
    + rss(ITEM.format(t="&b;", n=12, d="d"), head=""), "refused", 0, 0, "an internal subset declaring entities: refused")
add("external-entity.xml", '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    + rss(ITEM.format(t="戶政 &xxe;", n=13, d="d"), head=""), "refused", 0, 0, "an external entity: refused")
add("html-page.xml", "<!doctype html><html><body><h1>戶政</h1></body></html>\n", "refused", 0, 0, "an HTML page, not a feed")
add("truncated.xml", rss(ITEM.format(t="戶政", n=14, d="d"))[:150], "refused", 0, 0, "cut off mid-document")
add("empty.xml", "", "refused", 0, 0, "an empty answer")
add("json-feed.xml", '{"version":"https://jsonfeed.org/version/1","items":[{"title":"戶政"}]}\n', "refused", 0, 0, "JSON Feed, not RSS or Atom")
add("undeclared-prefix.xml", rss("<item><title>戶政前綴</title><guid>u-1</guid><dc:date>2026-03-03T08:00:00+08:00</dc:date></item>"),
    "feed", 1, 0, "dc:date without its namespace declared")
add("control-characters.xml", rss(ITEM.format(t="戶政\x0b標題", n=15, d="d")), "feed", 1, 0, "a control character XML forbids, read past as clients do")

for name, data in files.items():
    open(name, "wb").write(data)
with open("expected.tsv", "w") as f:
    for row in exp:
        f.write("\t".join(str(x) for x in row) + "\n")
