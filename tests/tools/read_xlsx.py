#!/usr/bin/python3
"""Prints every sheet of an XLSX file as JSON {sheet: [[cell, ...], ...]}, read with
openpyxl (python3-openpyxl), the library Python uses for Excel files: the tests check
that what petitiond writes is read back cell for cell."""
import json
import sys

import openpyxl

book = openpyxl.load_workbook(sys.argv[1], read_only=True, data_only=True)
print(json.dumps({ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in book.worksheets},
                 ensure_ascii=False))
