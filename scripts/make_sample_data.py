#!/usr/bin/env python3
"""Generate the bundled synthetic sample data in examples/sample-data/.

The script writes the four input tables of the reference host (contract
/work/shared/spec/features.md, sections 1 and 5): customers.csv,
user_interactions.csv, user_sessions.csv and purchase_attributions.csv. The
data imitates two online shops ("shop-eu" and "shop-us") over the 18 months
from 2024-01-01 to 2025-06-30: heavy-tailed customer activity, browsing
funnels that sometimes end in an order, searches, several devices and
channels, seasonal traffic with a November/December peak, and timestamps in
several of the contract's forms. Everything is made up; no real person or
shop is described.

A fixed, small set of deliberate oddities is mixed in (bad timestamps, empty
ids, bad money, duplicate rows, quoted fields with commas and newlines, a few
records after 2025-06-30, ...) so the library's diagnostics have something
to count; examples/sample-data/README.md lists them. Apart from those the
data is clean.

The output depends only on the arguments (Python's random.Random with a fixed
seed; no clock, no environment). Regenerate the bundled files with the
defaults, from anywhere:

    python3 scripts/make_sample_data.py

Options: --seed S (default 20250630), --customers N (default 300),
--output DIR (default <repo>/examples/sample-data).
"""

from __future__ import annotations

import argparse
import csv
import math
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "examples" / "sample-data"
DEFAULT_SEED = 20250630
DEFAULT_CUSTOMERS = 300

UTC = timezone.utc
DATA_START = datetime(2024, 1, 1, tzinfo=UTC)
DATA_END = datetime(2025, 6, 30, 23, 59, 59, tzinfo=UTC)  # the data's main end

HEADERS = {
    "customers.csv": ["shop_id", "customer_id", "created_at", "updated_at", "tags",
                      "currency_code", "locale"],
    "user_interactions.csv": ["shop_id", "customer_id", "session_id", "event_type", "page_type",
                              "product_id", "category_id", "search_query", "view_duration",
                              "device_type", "created_at"],
    "user_sessions.csv": ["shop_id", "customer_id", "session_id", "start_time", "end_time",
                          "device_type", "browser_type", "referrer_type", "created_at"],
    "purchase_attributions.csv": ["shop_id", "customer_id", "order_id", "product_id", "session_id",
                                  "attribution_type", "attribution_value", "created_at"],
}

SHOPS = {
    "shop-eu": {"currency": "EUR", "locales": [("de-DE", 40), ("fr-FR", 25), ("en-GB", 20), ("nl-NL", 15)],
                "order_prefix": "EU", "weight": 0.6},
    "shop-us": {"currency": "USD", "locales": [("en-US", 85), ("es-US", 15)],
                "order_prefix": "US", "weight": 0.4},
}

# category id -> (price range, search queries leading there)
CATEGORIES = {
    "cat-shoes": ((39.0, 149.0), ["running shoes", "sneakers", "white sneakers", "sandals", "hiking boots"]),
    "cat-dresses": ((29.0, 119.0), ["summer dress", "maxi dress", "black dress"]),
    "cat-shirts": ((14.0, 69.0), ["linen shirt", "t-shirt", "polo shirt", "oversized tee"]),
    "cat-jackets": ((59.0, 249.0), ["rain jacket", "denim jacket", "puffer jacket"]),
    "cat-bags": ((24.0, 189.0), ["leather bag", "backpack", "tote bag"]),
    "cat-accessories": ((9.0, 79.0), ["sunglasses", "belt", "wool scarf", "cap"]),
    "cat-home": ((12.0, 99.0), ["scented candle", "throw pillow", "linen bedding"]),
    "cat-kitchen": ((8.0, 89.0), ["coffee mug", "french press", "knife set"]),
    "cat-beauty": ((6.0, 59.0), ["face cream", "lip balm", "sunscreen"]),
    "cat-kids": ((9.0, 49.0), ["kids t-shirt", "kids sneakers", "baby blanket"]),
}
GENERIC_QUERIES = ["sale", "gift card", "new arrivals", "black friday", "gift for her", "gift for him"]

REFERRERS = [("direct", 35), ("organic", 25), ("email", 14), ("paid_search", 15), ("social", 11)]
ATTRIBUTION_OF_REFERRER = {"direct": "direct", "organic": "search", "email": "email",
                           "paid_search": "paid_search", "social": "social", "": "direct"}
DEVICES = [("mobile", 58), ("desktop", 34), ("tablet", 8)]
DEVICE_VARIANTS = {"mobile": ["Mobile", "MOBILE"], "desktop": ["Desktop", "DESKTOP"], "tablet": ["Tablet"]}
BROWSERS = {"mobile": [("safari", 50), ("chrome", 40), ("samsung_internet", 10)],
            "tablet": [("safari", 70), ("chrome", 30)],
            "desktop": [("chrome", 60), ("safari", 15), ("firefox", 12), ("edge", 13)]}
TAGS = ["newsletter", "vip", "returning", "wholesale", "loyalty-gold", "b2b", "influencer"]

# Relative traffic by month (seasonality), local hour and weekday (0 = Monday).
MONTH_WEIGHT = {1: 0.9, 2: 0.8, 3: 0.9, 4: 0.95, 5: 1.0, 6: 0.95, 7: 0.85, 8: 0.85,
                9: 1.0, 10: 1.1, 11: 1.6, 12: 1.5}
MONTH_CONVERSION = {11: 1.5, 12: 1.3, 1: 1.1, 7: 1.1}
HOUR_WEIGHT = [0.3, 0.2, 0.15, 0.1, 0.1, 0.15, 0.3, 0.6, 0.8, 0.9, 1.0, 1.0,
               1.1, 1.1, 1.0, 1.0, 1.0, 1.1, 1.3, 1.5, 1.6, 1.5, 1.1, 0.6]
WEEKDAY_WEIGHT = [1.05, 1.0, 0.95, 0.95, 0.9, 0.9, 1.2]
MAX_WEIGHT = 1.6 * 1.6 * 1.2 * 1.2


def utc_offset_hours(shop: str, t: datetime) -> int:
    """Rough local offset of a shop (summer time from April to October)."""
    summer = 4 <= t.month <= 10
    if shop == "shop-eu":
        return 2 if summer else 1
    return -4 if summer else -5


class Generator:
    def __init__(self, seed: int, n_customers: int) -> None:
        self.rng = random.Random(seed)
        self.n_customers = n_customers
        self.interactions: list[dict] = []
        self.sessions: list[dict] = []
        self.attributions: list[dict] = []
        self.customers: list[dict] = []
        self.orders: list[dict] = []  # one per order: rows, shop, time
        self.oddities: dict[str, int] = {}
        self.seq = 0
        self.products: dict[str, list[tuple[str, float]]] = {}
        pid = 1001
        for cat, ((lo, hi), _) in CATEGORIES.items():
            items = []
            for _ in range(12):
                price = math.floor(self.rng.uniform(lo, hi)) + self.rng.choice([0.99, 0.99, 0.95, 0.5, 0.0])
                items.append((f"p{pid}", round(price, 2)))
                pid += 1
            self.products[cat] = items

    # ------------------------------------------------------------------ helpers
    def pick(self, weighted):
        values = [v for v, _ in weighted]
        weights = [w for _, w in weighted]
        return self.rng.choices(values, weights)[0]

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def count(self, name: str, n: int = 1) -> None:
        self.oddities[name] = self.oddities.get(name, 0) + n

    def weight(self, shop: str, t: datetime) -> float:
        local = t + timedelta(hours=utc_offset_hours(shop, t))
        progress = (t - DATA_START) / (DATA_END - DATA_START)
        growth = 0.8 + 0.4 * progress  # the shops grow a little
        return MONTH_WEIGHT[local.month] * HOUR_WEIGHT[local.hour] * WEEKDAY_WEIGHT[local.weekday()] * growth

    def sample_time(self, shop: str, lo: datetime, hi: datetime) -> datetime:
        span = (hi - lo).total_seconds()
        for _ in range(10_000):
            t = lo + timedelta(seconds=int(self.rng.random() * span))
            if self.rng.random() * MAX_WEIGHT <= self.weight(shop, t):
                return t
        return lo

    def fmt_time(self, shop: str, t: datetime) -> str:
        """A timestamp in one of the contract's forms; always the same instant as t."""
        if t.microsecond:
            return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"
        r = self.rng.random()
        if r < 0.82:
            return t.strftime("%Y-%m-%dT%H:%M:%SZ")
        if r < 0.91:
            off = utc_offset_hours(shop, t)
            local = t + timedelta(hours=off)
            sign = "+" if off >= 0 else "-"
            return local.strftime("%Y-%m-%dT%H:%M:%S") + f"{sign}{abs(off):02d}:00"
        if r < 0.975:
            return t.strftime("%Y-%m-%d %H:%M:%S")
        return str(int(t.timestamp()))

    def device_text(self, device: str) -> str:
        if self.rng.random() < 0.03:
            return self.rng.choice(DEVICE_VARIANTS[device])
        return device

    def view_duration(self) -> tuple[float, str]:
        v = min(900.0, max(0.5, self.rng.lognormvariate(math.log(22), 0.9)))
        r = self.rng.random()
        if r < 0.6:
            text = f"{v:.1f}"
        elif r < 0.85:
            text = str(int(round(v)))
        else:
            text = f"{v:.2f}"
        return float(text), text

    def query_text(self, query: str) -> str:
        r = self.rng.random()
        if r < 0.06:
            return query.title()
        if r < 0.08:
            return query.upper()
        if r < 0.12:
            return query.replace(" ", "  ", 1) if " " in query else " " + query
        if r < 0.14:
            return query + " "
        return query

    # ------------------------------------------------------------------ sessions
    def make_session_events(self, cust: dict, start: datetime, device: str, converts: bool,
                            referrer: str, keep_session_id: bool, session_id: str) -> tuple[list[dict], datetime, list]:
        """Events of one session; returns (events, time the last page was left, cart)."""
        rng = self.rng
        shop, cid = cust["shop"], cust["id"]
        events: list[dict] = []
        cursor = start
        cart: list[tuple[str, float, int]] = []
        favourite = cust["categories"]
        last_left = start
        last_page = start

        def action_time():
            # An action happens on the page in view: after it loaded, before the next page.
            room = max(1, int((cursor - last_page).total_seconds()) - 1)
            return last_page + timedelta(seconds=rng.randint(1, max(1, room)))

        def add(event_type, page_type, product="", category="", query="", page=True, at=None):
            nonlocal cursor, last_left, last_page
            t = at if at is not None else cursor
            dur_text = ""
            dur = 0.0
            if page:
                if rng.random() < 0.93:
                    dur, dur_text = self.view_duration()
                else:
                    dur = rng.uniform(3, 40)
                last_page = t
                cursor = t + timedelta(seconds=math.ceil(dur) + rng.randint(2, 8))
                last_left = t + timedelta(seconds=math.ceil(dur))
            stamp = t
            if rng.random() < 0.02:
                stamp = t + timedelta(milliseconds=rng.randint(1, 999))
            dev = ""
            if rng.random() < 0.96:
                dev = self.device_text(device)
            events.append({
                "shop_id": shop, "customer_id": cid,
                "session_id": session_id if keep_session_id else "",
                "event_type": event_type, "page_type": page_type, "product_id": product,
                "category_id": category, "search_query": query, "view_duration": dur_text,
                "device_type": dev, "_t": stamp, "_shop": shop,
            })
            return t, dur

        def view_product(category):
            product, price = rng.choice(self.products[category])
            t, dur = add("product_viewed", "product", product=product, category=category)
            return product, price, t, dur

        def pick_category():
            if rng.random() < 0.7:
                return rng.choice(favourite)
            return rng.choice(list(CATEGORIES))

        # Landing page.
        if converts:
            browse_steps = min(24, 1 + int(rng.expovariate(1 / 5)))
        else:
            browse_steps = min(26, int(rng.expovariate(1 / 4.0)))
        landing = rng.random()
        if referrer in ("paid_search", "social") and landing < 0.6:
            view_product(pick_category())
        elif landing < 0.45:
            add("page_viewed", "home")
        elif landing < 0.7:
            add("collection_viewed", "collection", category=pick_category())
        else:
            view_product(pick_category())

        add_prob = 0.35 if converts else 0.12
        for _ in range(browse_steps):
            if len(events) >= 23:
                break
            r = rng.random()
            if r < 0.5:
                product, price, t, dur = view_product(pick_category())
                if rng.random() < add_prob:
                    at = t + timedelta(seconds=max(1, int(dur * rng.uniform(0.3, 0.9))))
                    add("product_added_to_cart", "product", product=product,
                        category="", page=False, at=at)
                    cart.append((product, price, 2 if rng.random() < 0.12 else 1))
            elif r < 0.68:
                add("collection_viewed", "collection", category=pick_category())
            elif r < 0.84:
                cat = pick_category()
                query = rng.choice(CATEGORIES[cat][1]) if rng.random() < 0.85 else rng.choice(GENERIC_QUERIES)
                add("search_submitted", "search", query=self.query_text(query))
                if rng.random() < 0.7:
                    view_product(cat)
            elif r < 0.92:
                add("page_viewed", rng.choice(["home", "page", "blog", "home"]))
            elif cart and r < 0.96:
                add("cart_viewed", "cart")
                if rng.random() < 0.2:
                    product, _, _ = cart.pop(rng.randrange(len(cart)))
                    add("product_removed_from_cart", "cart", product=product, page=False,
                        at=action_time())
            else:
                view_product(pick_category())

        if converts:
            if not cart:
                product, price, t, dur = view_product(pick_category())
                at = t + timedelta(seconds=max(1, int(dur * 0.5)))
                add("product_added_to_cart", "product", product=product, page=False, at=at)
                cart.append((product, price, 1))
            add("cart_viewed", "cart")
            add("checkout_started", "checkout")
            if rng.random() < 0.3:
                add("payment_info_submitted", "checkout", page=False, at=action_time())
            add("checkout_completed", "checkout")
        elif cart:
            r = rng.random()
            if r < 0.45:
                add("cart_viewed", "cart")
                if rng.random() < 0.4:
                    add("checkout_started", "checkout")
        events.sort(key=lambda e: e["_t"])
        return events, max(last_left, events[-1]["_t"]), cart

    def build_customer_activity(self, cust: dict) -> None:
        rng = self.rng
        n = cust["n_sessions"]
        if n == 0:
            return
        shop = cust["shop"]
        total_days = (DATA_END - DATA_START).days
        if n >= 20:
            d0 = self.sample_time(shop, DATA_START, DATA_START + timedelta(days=int(total_days * 0.4)))
        else:
            d0 = self.sample_time(shop, DATA_START, DATA_END - timedelta(days=2))
        remaining = (DATA_END - d0).total_seconds() / 86400
        if n == 1:
            span = 0.0
        else:
            span = min(remaining, rng.uniform(0.3, 1.0) * min(540.0, 12.0 * n + rng.expovariate(1 / 30)))
        hi = d0 + timedelta(days=span)
        starts = sorted([d0] + [self.sample_time(shop, d0, hi) if span > 0 else d0 for _ in range(n - 1)])

        buyer = cust["buyer"]
        rate = rng.uniform(0.08, 0.35)
        plans = []
        for s in starts:
            p = rate * MONTH_CONVERSION.get(s.month, 1.0)
            plans.append(buyer and rng.random() < p)
        if buyer and not any(plans):
            plans[rng.randrange(len(plans))] = True

        prev_end = None
        derived = cust["derived_sessions"]
        keep_ids = not (derived and cust["no_session_ids"])
        for start, converts in zip(starts, plans):
            if prev_end is not None and start < prev_end + timedelta(minutes=40):
                start = prev_end + timedelta(minutes=40 + rng.randint(0, 600))
            if start > DATA_END - timedelta(hours=2):
                break
            device = cust["device"] if rng.random() < 0.8 else self.pick(DEVICES)
            referrer = self.pick(REFERRERS) if rng.random() < 0.98 else ""
            session_id = f"s-{rng.getrandbits(48):012x}"
            events, left, cart = self.make_session_events(cust, start, device, converts, referrer,
                                                          keep_ids, session_id)
            prev_end = left
            seq0 = self.next_seq()
            for e in events:
                e["_seq"] = self.next_seq()
                e["_cust"] = cust
            self.interactions.extend(events)
            cust["times"].extend(e["_t"] for e in events)
            if not derived:
                start_time = start - timedelta(seconds=rng.randint(0, 3))
                end_time = left + timedelta(seconds=rng.randint(0, 5))
                self.sessions.append({
                    "shop_id": shop, "customer_id": cust["id"], "session_id": session_id,
                    "start_time": self.fmt_time(shop, start_time),
                    "end_time": self.fmt_time(shop, end_time) if rng.random() < 0.95 else "",
                    "device_type": self.device_text(device) if rng.random() < 0.97 else "",
                    "browser_type": self.pick(BROWSERS[device]) if rng.random() < 0.97 else "",
                    "referrer_type": referrer,
                    "created_at": self.fmt_time(shop, start_time + timedelta(seconds=rng.randint(0, 2))),
                    "_t": start_time, "_seq": seq0, "_cust": cust, "_end": end_time,
                })
            if converts:
                completed = [e for e in events if e["event_type"] == "checkout_completed"]
                when = completed[-1]["_t"] if completed else events[-1]["_t"]
                if completed and rng.random() < 0.05:
                    # The tracker missed the thank-you page; the order still arrives.
                    self.interactions.remove(completed[-1])
                atype = ATTRIBUTION_OF_REFERRER[referrer]
                if rng.random() < 0.05:
                    atype = rng.choice(["referral", "affiliate"])
                order_time = when.replace(microsecond=0) + timedelta(seconds=rng.randint(0, 3))
                rows = []
                merged: dict[str, list] = {}
                for product, price, qty in cart:
                    merged.setdefault(product, [price, 0])[1] += qty
                for product, (price, qty) in merged.items():
                    rows.append({
                        "shop_id": shop, "customer_id": cust["id"], "order_id": None,
                        "product_id": product, "session_id": session_id if keep_ids else "",
                        "attribution_type": atype, "attribution_value": f"{price * qty:.2f}",
                        "created_at": None, "_t": order_time, "_seq": self.next_seq(), "_cust": cust,
                    })
                self.attributions.extend(rows)
                self.orders.append({"shop": shop, "t": order_time, "rows": rows, "cust": cust})
                cust["orders"] += 1
                cust["times"].append(order_time)

    # ------------------------------------------------------------------ customers
    def build(self) -> None:
        rng = self.rng
        shops = list(SHOPS)
        custs = []
        for i in range(1, self.n_customers + 1):
            shop = rng.choices(shops, [SHOPS[s]["weight"] for s in shops])[0]
            u = rng.random()
            if u < 0.025:
                n = 0  # signed up, never seen browsing
            else:
                n = min(150, int(rng.paretovariate(1.15)))
            p_buy = 0.0 if n == 0 else 0.16 + 0.5 * (1 - 1 / n)
            custs.append({
                "shop": shop, "id": f"c{i:06d}", "n_sessions": n,
                "buyer": rng.random() < p_buy,
                "device": self.pick(DEVICES),
                "categories": rng.sample(list(CATEGORIES), 3),
                "derived_sessions": n > 0 and rng.random() < 0.10,
                "no_session_ids": rng.random() < 0.5,
                "no_customer_row": n > 0 and rng.random() < 0.04,
                "times": [], "orders": 0,
            })
        self.custs = custs
        for cust in custs:
            self.build_customer_activity(cust)

        for cust in custs:
            if cust["no_customer_row"]:
                continue
            shop = cust["shop"]
            if cust["times"]:
                first, last = min(cust["times"]), max(cust["times"])
                if cust["orders"] and rng.random() < 0.4:
                    created = min(t for t in cust["times"])  # account made around the first visit
                    created = created.replace(microsecond=0) + timedelta(seconds=rng.randint(0, 600))
                else:
                    created = first.replace(microsecond=0) - timedelta(seconds=rng.randint(3600, 90 * 86400))
                updated = max(created, last.replace(microsecond=0)) + timedelta(seconds=rng.randint(0, 2 * 86400))
            else:
                created = self.sample_time(shop, DATA_START, DATA_END - timedelta(days=1))
                updated = created + timedelta(seconds=rng.randint(0, 3600))
            updated = min(updated, DATA_END)
            tags = ""
            r = rng.random()
            if cust["n_sessions"] >= 20 and r < 0.7:
                tags = "vip"
            elif r < 0.4:
                tags = rng.choice(TAGS[:4] + ["newsletter", "newsletter"])
            self.customers.append({
                "shop_id": shop, "customer_id": cust["id"],
                "created_at": self.fmt_time(shop, created), "updated_at": self.fmt_time(shop, updated),
                "tags": tags, "currency_code": SHOPS[shop]["currency"],
                "locale": self.pick(SHOPS[shop]["locales"]),
                "_t": created, "_seq": self.next_seq(), "_cust": cust,
            })

    def number_orders(self) -> None:
        """Order ids count up per shop in time order, like a shop's order numbers."""
        self.orders.sort(key=lambda o: (o["t"], o["rows"][0]["_seq"]))
        counters = {s: 10000 for s in SHOPS}
        for o in self.orders:
            counters[o["shop"]] += 1
            oid = f"{SHOPS[o['shop']]['order_prefix']}{counters[o['shop']]}"
            o["id"] = oid
            for row in o["rows"]:
                row["order_id"] = oid
                row["created_at"] = self.fmt_time(o["shop"], o["t"])

    def finish_interaction_times(self) -> None:
        for e in self.interactions:
            e["created_at"] = self.fmt_time(e["_shop"], e["_t"])

    # ------------------------------------------------------------------ oddities
    def add_late_records(self) -> None:
        """A few records after the main end (2025-06-30): excluded by --as-of 2025-06-30T23:59:59Z."""
        rng = self.rng
        # An existing customer with user_sessions rows comes back on 2025-07-02 and buys.
        regulars = [c for c in self.custs if c["n_sessions"] >= 3 and not c["derived_sessions"]
                    and not c["no_customer_row"] and c["orders"] > 0]
        cust = regulars[0] if regulars else next(c for c in self.custs if not c["derived_sessions"])
        late = [cust]
        new_id = f"c{self.n_customers + 1:06d}"
        newcomer = {"shop": "shop-us", "id": new_id, "n_sessions": 1, "buyer": False,
                    "device": "mobile", "categories": ["cat-shoes", "cat-bags", "cat-home"],
                    "derived_sessions": False, "no_session_ids": False, "no_customer_row": False,
                    "times": [], "orders": 0}
        late.append(newcomer)
        n_int, n_ses, n_att = len(self.interactions), len(self.sessions), len(self.attributions)
        n_ord = len(self.orders)
        for c, start, converts in ((cust, datetime(2025, 7, 2, 18, 12, 5, tzinfo=UTC), True),
                                   (newcomer, datetime(2025, 7, 3, 9, 41, 30, tzinfo=UTC), False)):
            device = c["device"]
            referrer = "email" if converts else "social"
            sid = f"s-{rng.getrandbits(48):012x}"
            events, left, cart = self.make_session_events(c, start, device, converts, referrer, True, sid)
            for e in events:
                e["_seq"] = self.next_seq()
                e["created_at"] = self.fmt_time(c["shop"], e["_t"])
            self.interactions.extend(events)
            self.sessions.append({
                "shop_id": c["shop"], "customer_id": c["id"], "session_id": sid,
                "start_time": self.fmt_time(c["shop"], start), "end_time": self.fmt_time(c["shop"], left),
                "device_type": device, "browser_type": self.pick(BROWSERS[device]),
                "referrer_type": referrer, "created_at": self.fmt_time(c["shop"], start),
                "_t": start, "_seq": self.next_seq(), "_end": left,
            })
            if converts:
                completed = [e for e in events if e["event_type"] == "checkout_completed"]
                t = completed[-1]["_t"].replace(microsecond=0) + timedelta(seconds=1)
                prefix = SHOPS[c["shop"]]["order_prefix"]
                last_no = max(int(o["id"][len(prefix):]) for o in self.orders if o["shop"] == c["shop"])
                oid = f"{prefix}{last_no + 1}"
                merged: dict[str, list] = {}
                for product, price, qty in cart:
                    merged.setdefault(product, [price, 0])[1] += qty
                for product, (price, qty) in merged.items():
                    self.attributions.append({
                        "shop_id": c["shop"], "customer_id": c["id"], "order_id": oid,
                        "product_id": product, "session_id": sid, "attribution_type": "email",
                        "attribution_value": f"{price * qty:.2f}", "created_at": self.fmt_time(c["shop"], t),
                        "_t": t, "_seq": self.next_seq(),
                    })
                self.orders.append({"shop": c["shop"], "t": t, "id": oid, "rows": self.attributions[n_att:]})
        created = datetime(2025, 7, 3, 9, 40, 2, tzinfo=UTC)
        self.customers.append({
            "shop_id": "shop-us", "customer_id": new_id, "created_at": self.fmt_time("shop-us", created),
            "updated_at": self.fmt_time("shop-us", created + timedelta(minutes=3)), "tags": "",
            "currency_code": "USD", "locale": "en-US", "_t": created, "_seq": self.next_seq(),
        })
        self.count("after main end: customers rows", 1)
        self.count("after main end: user_sessions rows", len(self.sessions) - n_ses)
        self.count("after main end: user_interactions rows", len(self.interactions) - n_int)
        self.count("after main end: purchase_attributions rows", len(self.attributions) - n_att)
        self.late_order_count = len(self.orders) - n_ord

    def inject_oddities(self) -> None:
        rng = self.rng
        key = lambda r: (r["_t"], r["_seq"])
        self.interactions.sort(key=key)
        self.sessions.sort(key=key)
        self.attributions.sort(key=key)
        self.customers.sort(key=lambda r: (r["customer_id"], r["shop_id"]))
        main = lambda rows: [i for i, r in enumerate(rows) if r["_t"] <= DATA_END]
        touched_sessions: set[str] = set()
        touched_rows: set[int] = set()

        def choose(rows, pred):
            cands = [i for i in main(rows) if id(rows[i]) not in touched_rows and pred(rows[i])]
            i = rng.choice(cands)
            touched_rows.add(id(rows[i]))
            return i

        # --- user_interactions.csv
        ints = self.interactions
        mid_session = lambda r: (r["event_type"] in ("product_viewed", "collection_viewed", "page_viewed")
                                 and r["session_id"] and not r["_cust"]["derived_sessions"])
        for bad in ("2025-02-30T10:00:00Z", "2024-11-31 08:15:00"):
            ints[choose(ints, mid_session)]["created_at"] = bad
            self.count("bad timestamp (user_interactions.created_at)")
        for bad in ("-3", "n/a"):
            ints[choose(ints, lambda r: r["view_duration"] != "")]["view_duration"] = bad
            self.count("bad view_duration (user_interactions)")
        for event, text in (("product_viewed", "  Product_Viewed "),
                            ("product_added_to_cart", "PRODUCT_ADDED_TO_CART"),
                            ("cart_viewed", " Cart_Viewed  ")):
            ints[choose(ints, lambda r: r["event_type"] == event)]["event_type"] = text
            self.count("event_type with mixed case / surrounding spaces")
        searches = lambda r: r["event_type"] == "search_submitted"
        for text in ("sneakers, white", "linen shirt, men"):
            ints[choose(ints, searches)]["search_query"] = text
            self.count("quoted field with a comma (search_query)")
        ints[choose(ints, searches)]["search_query"] = "summer dress\nblue"
        self.count("quoted field with a newline (search_query)")
        ints[choose(ints, searches)]["search_query"] = 'rain jacket "waterproof"'
        self.count('quoted field with double quotes (search_query)')
        i = choose(ints, lambda r: r["event_type"] == "product_viewed")
        guest = dict(ints[i], customer_id="", session_id=f"s-{rng.getrandbits(48):012x}", _seq=self.next_seq())
        touched_rows.add(id(guest))
        ints.insert(i + 1, guest)
        self.count("empty customer_id (user_interactions)")

        # --- user_sessions.csv
        ses = self.sessions
        has_events = lambda r: r["session_id"] not in touched_sessions
        i = choose(ses, has_events)
        touched_sessions.add(ses[i]["session_id"])
        ses[i]["start_time"] = "2024-13-05T08:00:00Z"
        self.count("bad timestamp (user_sessions.start_time)")
        i = choose(ses, lambda r: has_events(r) and r["end_time"])
        touched_sessions.add(ses[i]["session_id"])
        ses[i]["end_time"] = self.fmt_time(ses[i]["shop_id"], ses[i]["_t"] - timedelta(seconds=rng.randint(60, 600)))
        self.count("end_time before start_time (user_sessions)")
        i = choose(ses, lambda r: has_events(r) and r["end_time"])
        touched_sessions.add(ses[i]["session_id"])
        ses[i]["end_time"] = ses[i]["_end"].strftime("%d/%m/%Y %H:%M")
        self.count("unparseable end_time (user_sessions)")
        # An exact copy right after the original, and a later re-send with another end_time.
        i = choose(ses, has_events)
        touched_sessions.add(ses[i]["session_id"])
        copy = dict(ses[i], _seq=self.next_seq())
        touched_rows.add(id(copy))
        ses.insert(i + 1, copy)
        self.count("duplicate session row (user_sessions)")
        i = choose(ses, lambda r: has_events(r) and r["end_time"])
        touched_sessions.add(ses[i]["session_id"])
        later = dict(ses[i], end_time=self.fmt_time(ses[i]["shop_id"], ses[i]["_end"] + timedelta(minutes=7)),
                     _seq=self.next_seq())
        touched_rows.add(id(later))
        ses.insert(min(i + 25, len(main(ses))), later)
        self.count("duplicate session row (user_sessions)")

        # --- purchase_attributions.csv
        atts = self.attributions
        multi = {o["id"] for o in self.orders if len(o["rows"]) >= 2 and o["t"] <= DATA_END}
        i = choose(atts, lambda r: r["order_id"] in multi)
        multi.discard(atts[i]["order_id"])
        atts[i]["created_at"] = "2025-04-31 12:00:00"
        self.count("bad timestamp (purchase_attributions.created_at)")
        for bad in ("-5", "abc"):
            i = choose(atts, lambda r: r["order_id"] in multi)
            row = atts[i]
            multi.discard(row["order_id"])
            cat = rng.choice(list(CATEGORIES))
            product, _ = rng.choice(self.products[cat])
            extra = dict(row, product_id=product, attribution_value=bad, _seq=self.next_seq())
            touched_rows.add(id(extra))
            atts.insert(i + 1, extra)
            self.count("bad money (purchase_attributions.attribution_value)")
        i = choose(atts, lambda r: True)
        extra = dict(atts[i], order_id="", _seq=self.next_seq())
        touched_rows.add(id(extra))
        atts.insert(i + 1, extra)
        self.count("empty order_id (purchase_attributions)")
        i = choose(atts, lambda r: True)
        guest_order = dict(atts[i], customer_id="", session_id="", order_id="GUEST-0001",
                           attribution_type="direct", _seq=self.next_seq())
        touched_rows.add(id(guest_order))
        atts.insert(i + 1, guest_order)
        self.count("empty customer_id (purchase_attributions)")

        # --- customers.csv
        custs = self.customers
        i = choose(custs, lambda r: r["_cust"]["n_sessions"] > 0 and not r["tags"])
        custs[i]["created_at"] = "2024-06-31T09:00:00Z"
        self.count("bad timestamp (customers.created_at)")
        i = choose(custs, lambda r: r["tags"] == "")
        custs[i]["tags"] = "vip, newsletter, wholesale"
        self.count("quoted field with a comma (customers.tags)")
        i = choose(custs, lambda r: r["tags"] == "")
        custs[i]["tags"] = "newsletter\nreturning"
        self.count("quoted field with a newline (customers.tags)")
        i = choose(custs, lambda r: r["_cust"]["n_sessions"] > 1)
        row = custs[i]
        dup = dict(row, tags="returning", updated_at=self.fmt_time(row["shop_id"], DATA_END - timedelta(days=3)),
                   _seq=self.next_seq())
        late_index = next((k for k, r in enumerate(custs) if r["_t"] > DATA_END), len(custs))
        custs.insert(late_index, dup)  # a later export appended at the end
        self.count("duplicate customer row (customers)")

    # ------------------------------------------------------------------ output
    def write(self, out: Path) -> dict[str, int]:
        out.mkdir(parents=True, exist_ok=True)
        tables = {"customers.csv": self.customers, "user_interactions.csv": self.interactions,
                  "user_sessions.csv": self.sessions, "purchase_attributions.csv": self.attributions}
        counts = {}
        for name, rows in tables.items():
            header = HEADERS[name]
            with open(out / name, "w", newline="", encoding="utf-8") as f:
                w = csv.writer(f, lineterminator="\n")
                w.writerow(header)
                for r in rows:
                    w.writerow([r[h] for h in header])
            counts[name] = len(rows)
        return counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    ap.add_argument("--customers", type=int, default=DEFAULT_CUSTOMERS,
                    help=f"number of customers (default {DEFAULT_CUSTOMERS}; at least 100)")
    ap.add_argument("--output", type=Path, default=DEFAULT_OUTPUT,
                    help="output directory (default: examples/sample-data in the repository)")
    args = ap.parse_args()
    if args.customers < 100:
        ap.error("--customers must be at least 100 (the oddities need enough rows to land in)")

    g = Generator(args.seed, args.customers)
    g.build()
    g.number_orders()
    g.finish_interaction_times()
    g.add_late_records()
    g.inject_oddities()
    counts = g.write(args.output)

    buyers = sum(1 for c in g.custs if c["orders"])
    active = sum(1 for c in g.custs if c["n_sessions"])
    print(f"wrote {args.output}")
    for name, n in counts.items():
        print(f"  {name}: {n} rows")
    print(f"  customers generated: {len(g.custs)} ({active} active, {buyers} buyers), "
          f"orders: {len(g.orders)}")
    print("oddities:")
    for name, n in g.oddities.items():
        print(f"  {n} x {name}")


if __name__ == "__main__":
    main()
