#!/bin/sh
# Regenerates the bundled sample application that Coffre's README backs up: a small shop.
#   data/app.sqlite3   products, customers, orders, order lines (unicode names, ~200 rows)
#   media/uploads/...  a few small uploaded files (tiny PNGs, a PDF-like text, a CSV)
#   media/cache/...    thumbnails the application can rebuild: meant to be excluded from backups
# Deterministic (fixed seed, fixed dates): running it again gives the same content.
# Needs python3 with its standard sqlite3 module.
set -eu
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
exec python3 - "$here" <<'PY'
import os, random, shutil, sqlite3, struct, sys, zlib

root = sys.argv[1]
data = os.path.join(root, "data")
media = os.path.join(root, "media")
os.makedirs(data, exist_ok=True)
db_path = os.path.join(data, "app.sqlite3")
for suffix in ("", "-wal", "-shm", "-journal"):
    if os.path.exists(db_path + suffix):
        os.remove(db_path + suffix)
shutil.rmtree(media, ignore_errors=True)

rng = random.Random(2026)
db = sqlite3.connect(db_path)
db.executescript("""
PRAGMA journal_mode = DELETE;
CREATE TABLE products (
    id INTEGER PRIMARY KEY,
    sku TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    price_cents INTEGER NOT NULL CHECK (price_cents >= 0),
    stock INTEGER NOT NULL DEFAULT 0,
    image TEXT                      -- path under media/
);
CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    city TEXT
);
CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    placed_at TEXT NOT NULL,        -- ISO 8601, UTC
    status TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'shipped', 'cancelled')),
    note TEXT
);
CREATE TABLE order_lines (
    order_id INTEGER NOT NULL REFERENCES orders(id),
    product_id INTEGER NOT NULL REFERENCES products(id),
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    price_cents INTEGER NOT NULL,
    PRIMARY KEY (order_id, product_id)
) WITHOUT ROWID;
CREATE INDEX orders_customer ON orders(customer_id);
CREATE VIEW order_totals AS
    SELECT o.id AS order_id, c.name AS customer, SUM(l.quantity * l.price_cents) AS total_cents
    FROM orders o JOIN customers c ON c.id = o.customer_id JOIN order_lines l ON l.order_id = o.id
    GROUP BY o.id;
""")

products = [
    ("Café moulu « Arabica » 250 g", 690), ("Thé vert Sencha 緑茶", 850), ("Chocolat noir 70 % — Équateur", 395),
    ("Confiture d'abricots", 520), ("Miel de châtaignier", 1190), ("Huile d'olive vierge extra", 1450),
    ("Sel de Guérande", 340), ("Pâtes fraîches ½ kg", 480), ("Biscuits Ñandú", 275), ("Crème brûlée ×2", 610),
    ("Kaffeebohnen Größe M", 990), ("Smörgåsbord-Set", 2490), ("Ramen 拉麺 (4 pcs)", 760), ("Matcha 抹茶 30 g", 1590),
    ("Épices à pain d'épices", 310), ("Jus de pomme bio 1 L", 299), ("Noix de Grenoble", 870), ("Pain d'épices 🍯", 450),
    ("Savon d'Alep", 650), ("Tablette « Ωmega » 85 %", 425),
]
for i, (name, price) in enumerate(products, 1):
    image = f"uploads/2026/01/product-{i:02d}.png" if i <= 6 else None
    db.execute("INSERT INTO products VALUES (?, ?, ?, ?, ?, ?)",
               (i, f"SKU-{i:04d}", name, price, rng.randint(0, 120), image))

first = ["Zoé", "Élodie", "François", "Chloé", "Jürgen", "Søren", "Łukasz", "Ana María", "Håkon", "Siobhán",
         "Renée", "Noël", "Анна", "Δημήτρης", "陽翔", "Ayşe", "José", "Maëlle", "Björn", "Inès"]
last = ["Dupont", "Lefèvre", "Müller", "Østergaard", "Wiśniewska", "García-Núñez", "O'Brien", "Nguyễn",
        "Иванова", "Παπαδόπουλος", "佐藤", "Yılmaz", "Brontë", "Gauß", "Ångström"]
cities = ["Paris", "Besançon", "Zürich", "Köln", "Kraków", "Århus", "Saint-Étienne", "Москва", "東京", None]
for i in range(1, 41):
    name = f"{rng.choice(first)} {rng.choice(last)}"
    db.execute("INSERT INTO customers VALUES (?, ?, ?, ?)", (i, name, f"client{i:03d}@example.org", rng.choice(cities)))

notes = [None, None, "Livrer après 18 h", "Cadeau — pas de facture dans le colis", "Porte B, 2ᵉ étage", "Merci ! 🙏"]
statuses = ["pending", "paid", "paid", "shipped", "shipped", "shipped", "cancelled"]
line_count = 0
for i in range(1, 61):
    day = 1 + (i * 13) % 28
    placed = f"2026-0{1 + i % 3}-{day:02d}T{8 + i % 12:02d}:{(i * 7) % 60:02d}:00Z"
    db.execute("INSERT INTO orders VALUES (?, ?, ?, ?, ?)",
               (i, rng.randint(1, 40), placed, rng.choice(statuses), rng.choice(notes)))
    for product in rng.sample(range(1, len(products) + 1), rng.randint(1, 2)):
        db.execute("INSERT INTO order_lines VALUES (?, ?, ?, ?)",
                   (i, product, rng.randint(1, 4), products[product - 1][1]))
        line_count += 1
db.commit()
db.execute("VACUUM")
db.close()

def png(path, w, h, rgb):
    """A tiny valid PNG of one colour."""
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + bytes(rgb) * w for _ in range(h))
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) \
        + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    write(path, data)

def write(path, data):
    full = os.path.join(media, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))

for i in range(1, 7):
    png(f"uploads/2026/01/product-{i:02d}.png", 16 + i, 16, (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
write("uploads/2026/02/facture-0042.txt", "Facture n° 42\nClient : Élodie Müller\nTotal : 24,90 €\n")
write("uploads/2026/02/catalogue printemps.csv",
      "sku;nom;prix\n" + "".join(f"SKU-{i:04d};{n};{p / 100:.2f}\n" for i, (n, p) in enumerate(products, 1)))
png("uploads/2026/03/bannière-été.png", 64, 8, (240, 180, 40))
write("uploads/README.txt", "Files uploaded by the shop's staff. Back these up with the database.\n")
for i in range(1, 7):
    png(f"cache/thumbs/product-{i:02d}-64.png", 8, 8, (i * 30, 80, 160))
write("cache/sessions/sess_1f2e3d", "a:1:{s:4:\"cart\";a:0:{}}")

print(f"{db_path}: {len(products)} products, 40 customers, 60 orders, {line_count} order lines, "
      f"{os.path.getsize(db_path)} bytes")
PY
