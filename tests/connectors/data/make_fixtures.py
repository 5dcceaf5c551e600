#!/usr/bin/env python3
"""Writes the mailbox and news fixtures with Python's own email package and XML text,
so the connectors are tested against what other tools produce. Run from this folder:
    /usr/bin/python3 make_fixtures.py
"""
from email.message import EmailMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.mime.application import MIMEApplication
from email.header import Header
from email.utils import formataddr, format_datetime
import base64
import datetime


def word(text, charset):
    """An RFC 2047 encoded word under the charset name mail clients use (Python's
    Header would write its codec names, big5_tw and eucgb2312_cn)."""
    return "=?%s?b?%s?=" % (charset, base64.b64encode(text.encode(charset)).decode())

when = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))

# Big5 body, RFC 2047 (Big5, base64) subject and sender name.
m = MIMEText("主任您好：\n我的戶口名簿遺失，想請問補發需要哪些文件？\n林先生", "plain", "big5")
m["Subject"] = word("戶口名簿遺失補發", "big5")
m["From"] = word("林大明", "big5") + " <lin@example.tw>"
m["To"] = "director@hr.example.gov.tw"
m["Date"] = format_datetime(when)
m["Message-ID"] = "<big5-001@example.tw>"
open("big5.eml", "wb").write(m.as_bytes())

# multipart/alternative with UTF-8 text and HTML, plus a small PDF attachment.
outer = MIMEMultipart("mixed")
alt = MIMEMultipart("alternative")
alt.attach(MIMEText("蘭嶼戶政的門牌整編何時完成？", "plain", "utf-8"))
alt.attach(MIMEText("<p>蘭嶼戶政的<b>門牌整編</b>何時完成？</p>", "html", "utf-8"))
outer.attach(alt)
pdf = MIMEApplication(b"%PDF-1.4\n% fixture\n", "pdf")
pdf.add_header("Content-Disposition", "attachment", filename="門牌.pdf")
outer.attach(pdf)
outer["Subject"] = Header("門牌整編進度", "utf-8")
outer["From"] = "chen@example.tw"
outer["Date"] = format_datetime(when)
outer["Message-ID"] = "<multi-001@example.tw>"
open("multipart.eml", "wb").write(outer.as_bytes())

# HTML only, GB2312.
h = MIMEText("<html><body><p>请问&amp;户籍誊本</p><script>x()</script></body></html>", "html", "gb2312")
h["Subject"] = word("户籍誊本申请", "gb2312")
h["From"] = "wang@example.cn"
h["Date"] = format_datetime(when)
h["Message-ID"] = "<gb-001@example.cn>"
open("gb2312-html.eml", "wb").write(h.as_bytes())

# An attachment over a 1 kB limit.
big = EmailMessage()
big["Subject"] = "附件過大"
big["From"] = "big@example.tw"
big["Date"] = format_datetime(when)
big["Message-ID"] = "<big-001@example.tw>"
big.set_content("請見附件")
big.add_attachment(b"x" * 5000, maintype="application", subtype="octet-stream", filename="big.bin")
open("oversize.eml", "wb").write(big.as_bytes())

# Truncated in the middle of a multipart: no closing boundary, the part cut short.
whole = outer.as_bytes()
open("truncated.eml", "wb").write(whole[: whole.index(b"Content-Disposition")])

# No sender at all.
n = MIMEText("沒有寄件者", "plain", "utf-8")
n["Subject"] = "匿名"
n["Message-ID"] = "<nofrom-001@example.tw>"
open("no-from.eml", "wb").write(n.as_bytes())
