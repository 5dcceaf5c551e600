# Sourced by the end-to-end scripts.

# fresh_database NAME: creates database NAME on the server DATABASE_URL points at and
# prints a DATABASE_URL for it (the URI's path swapped, or dbname= appended to a conninfo).
fresh_database() {
  psql -X -q -d "$DATABASE_URL" -c "CREATE DATABASE $1" >/dev/null
  /usr/bin/python3 -c '
import re, sys
url, db = sys.argv[1], sys.argv[2]
m = re.match(r"^(postgres(?:ql)?://[^/?]*)(/[^?]*)?(\?.*)?$", url)
print(m.group(1) + "/" + db + (m.group(3) or "") if m else url + " dbname=" + db)' "$DATABASE_URL" "$1"
}

# drop_database NAME (cleanup; never fails).
drop_database() {
  psql -X -q -d "$DATABASE_URL" -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" >/dev/null 2>&1 || true
}
